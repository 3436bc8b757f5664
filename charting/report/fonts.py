"""The embedded Unicode fonts (DejaVu): registered once with reportlab, used by the note and the diagrams.

Embedding a TrueType subset (cutting the font file, compressing it, its widths and ToUnicode map) costs about
2 ms a font a document. The subset of a note depends only on the characters it uses and their order, so for the
printable ASCII every note shares plus the same few symbols it is the same subset note after note; the finished
pieces are therefore kept per process, keyed by the exact subset, and the PDF is byte-identical either way.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

from charting.report.pdfobjects import Encoded, encode, encoded_stream
from charting.resources import font_dir

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"
FONT_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}
SUBSETS_KEPT = 64
"""Finished font subsets kept per process (each a few tens of kB)."""


@dataclass(frozen=True)
class _SubsetPieces:
    """The document-independent parts of one embedded font subset, encoded as they go into the PDF."""

    base_font_name: str
    widths: bytes
    to_unicode: bytes
    font_file: bytes
    font_file_length: int


class EmbeddedFont(TTFont):  # type: ignore[misc]  # reportlab ships no type hints
    """A TrueType font that embeds its subsets exactly as reportlab's ``TTFont`` does, reusing finished subsets."""

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - reportlab's name
        """Add the font objects of every subset this document used (reportlab calls this once, at save)."""
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            pieces = _subset_pieces(self, n, tuple(subset), bool(doc.compression))
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = pieces.base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = Encoded(pieces.widths)
            pdf_font.ToUnicode = doc.Reference(
                encoded_stream(pieces.to_unicode, compressed=bool(doc.compression)),
                "toUnicodeCMap:" + pieces.base_font_name,
            )
            pdf_font.FontDescriptor = self._descriptor(doc, pieces)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]

    def _descriptor(self, doc: Any, pieces: _SubsetPieces) -> Any:
        face = self.face
        name = pieces.base_font_name
        font_file = encoded_stream(pieces.font_file, compressed=bool(doc.compression), Length1=pieces.font_file_length)
        font_file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({name})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(name),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + name)


@lru_cache(maxsize=SUBSETS_KEPT)
def _subset_pieces(font: EmbeddedFont, number: int, subset: tuple[int, ...], compressed: bool) -> _SubsetPieces:
    """Cut, measure and encode one subset of ``font`` (the slow part of embedding it)."""
    face = font.face
    name = (b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX))).decode("pdfdoc")
    widths = encode(pdfdoc.PDFArray([face.getCharWidth(code) for code in subset]))
    to_unicode = makeToUnicodeCMap(name, list(subset)).encode("utf8")
    font_file = face.makeSubset(list(subset))
    pack = zlib.compress if compressed else bytes
    return _SubsetPieces(name, widths, pack(to_unicode), pack(font_file), len(font_file))


@cache
def register_fonts() -> tuple[str, str, str]:
    """Register the shipped TTFs (once per process); returns the regular, bold and mono font names."""
    folder = font_dir()
    for name, file_name in FONT_FILES.items():
        pdfmetrics.registerFont(EmbeddedFont(name, str(folder / file_name)))
    # <b> inside a Paragraph picks the bold face; there is no italic face, so italic maps to the upright ones.
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)
    return SANS, SANS_BOLD, MONO


def forget_subsets() -> None:
    """Drop the finished subsets (the next document embeds its fonts from scratch)."""
    _subset_pieces.cache_clear()


def subset_cache_info() -> Any:
    """Hits and misses of the finished-subset cache (``functools`` cache statistics)."""
    return _subset_pieces.cache_info()
