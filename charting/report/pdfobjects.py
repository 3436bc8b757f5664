"""PDF objects made once per process and written into each document as they are (fonts and diagram art)."""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase import pdfdoc


class Encoded(pdfdoc.PDFObject):  # type: ignore[misc]  # reportlab ships no type hints
    """A PDF value already formatted: written as it is."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


def encode(value: Any) -> bytes:
    """A PDF value (number, name, array, dictionary) formatted once, for ``Encoded``."""
    return bytes(pdfdoc.format(value, pdfdoc.DummyDoc()))


def encoded_stream(content: bytes, *, compressed: bool, **entries: Any) -> pdfdoc.PDFStream:
    """A stream whose content is already encoded: Flate-compressed when ``compressed`` says so."""
    dictionary = pdfdoc.PDFDictionary(dict(entries))
    if compressed:
        dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(pdfdoc.PDFZCompress.pdfname)])
    return pdfdoc.PDFStream(dictionary, content)
