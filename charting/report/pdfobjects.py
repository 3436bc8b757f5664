"""PDF objects made once per process and written into each document as they are (fonts and diagram art).

Only for documents that are not encrypted (the note never is): encryption would need each object encrypted with
its own number's key, so writing a finished object into an encrypted document is refused.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.pdfbase import pdfdoc

GAP = re.compile(rb"~gap~(\w+)~")
"""How a gap for a document's own value (a reference, a font's name) is marked in a ``Template``."""


class Encoded(pdfdoc.PDFObject):  # type: ignore[misc]  # reportlab ships no type hints
    """A PDF value already formatted: written as it is."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class Finished(pdfdoc.PDFObject):  # type: ignore[misc]  # reportlab ships no type hints
    """A whole object formatted once per process (a stream with its dictionary), written as it is.

    Make one for each document from the same bytes: a document names (numbers) the objects it is given.
    """

    __RefOnly__ = 1

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        _refuse_encryption(document)
        return self.data


class Template:
    """A whole object formatted once per process, with gaps (``gap``) for values that belong to one document."""

    def __init__(self, value: Any) -> None:
        parts = GAP.split(encode(value))
        self.texts: list[bytes] = parts[0::2]
        self.gaps: list[str] = [name.decode("ascii") for name in parts[1::2]]

    def fill(self, **values: Any) -> Filled:
        """The object for one document: each gap filled with the value of its name."""
        if set(values) != set(self.gaps):
            raise ValueError(f"The template has gaps {sorted(self.gaps)}, not {sorted(values)}.")
        return Filled(self, values)


class Filled(pdfdoc.PDFObject):  # type: ignore[misc]  # reportlab ships no type hints
    """A ``Template`` with its gaps filled: the values are formatted as the document is written."""

    __RefOnly__ = 1

    def __init__(self, template: Template, values: dict[str, Any]) -> None:
        self.template = template
        self.values = values

    def format(self, document: Any) -> bytes:
        _refuse_encryption(document)
        texts = self.template.texts
        out = [texts[0]]
        for name, text in zip(self.template.gaps, texts[1:], strict=True):
            out += [pdfdoc.format(self.values[name], document), text]
        return b"".join(out)


def gap(name: str) -> Encoded:
    """A placeholder for the value ``name`` in a ``Template``."""
    return Encoded(b"~gap~%s~" % name.encode("ascii"))


class _Unencrypted:
    """Formats objects outside any document: no encryption, no stream filters but those an object names."""

    encrypt = pdfdoc.NoEncryption()
    defaultStreamFilters = None  # noqa: N815 - reportlab's name


def encode(value: Any) -> bytes:
    """A PDF value (number, name, array, dictionary, stream) formatted once, for ``Encoded`` or ``Finished``."""
    return bytes(pdfdoc.format(value, _Unencrypted(), toplevel=1))


def finished_stream(content: bytes, *, compressed: bool, **entries: Any) -> bytes:
    """A stream whose content is already encoded (Flate-compressed when ``compressed`` says so), for ``Finished``."""
    dictionary = pdfdoc.PDFDictionary(dict(entries))
    if compressed:
        dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(pdfdoc.PDFZCompress.pdfname)])
    return encode(pdfdoc.PDFStream(dictionary, content))


def _refuse_encryption(document: Any) -> None:
    if not isinstance(document.encrypt, pdfdoc.NoEncryption):
        raise ValueError("An object made once per process cannot be written into an encrypted PDF.")
