"""The embedded Unicode fonts (DejaVu): registered once with reportlab, used by the note and the diagrams.

DejaVu has no Chinese, Japanese or Korean; ``font_runs`` hands characters a font lacks to Droid Sans Fallback,
registered only when the first such character is met (parsing its 4 MB file takes tens of milliseconds). Text
DejaVu covers never touches the fallback, so its PDF is the same bytes as without it.

Embedding a TrueType subset (cutting the font file, compressing it, its widths and ToUnicode map) costs about
2 ms a font a document. The subset of a note depends only on the characters it uses and their order, so for the
printable ASCII every note shares plus the same few symbols it is the same subset note after note; the finished
pieces are therefore kept per process, keyed by the exact subset, and the PDF is byte-identical either way.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import groupby
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

from charting.report.pdfobjects import Finished, Template, finished_stream, gap
from charting.resources import font_dir

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"
FONT_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}
FALLBACK = "DroidSansFallback"
FALLBACK_FILE = "DroidSansFallbackFull.ttf"
"""The font for characters the DejaVu fonts lack (one weight: bold text falls back to the regular face)."""
RUNS_KEPT = 4096
"""Texts whose font runs are remembered (a note writes the same few labels and values again and again)."""
SUBSETS_KEPT = 64
"""Finished font subsets kept per process (each a few tens of kB)."""


@dataclass(frozen=True)
class _SubsetPieces:
    """The objects of one embedded font subset, formatted once; the document fills in its names and references."""

    base_font_name: str
    font: Template
    descriptor: Template
    to_unicode: bytes
    font_file: bytes


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
            name = pieces.base_font_name
            # Registered in the order reportlab registers them, so the objects are numbered as its own.
            to_unicode = doc.Reference(Finished(pieces.to_unicode), "toUnicodeCMap:" + name)
            font_file = doc.Reference(Finished(pieces.font_file), f"fontFile:{self.face.filename}({name})")
            descriptor = doc.Reference(pieces.descriptor.fill(FontFile2=font_file), "fontDescriptor:" + name)
            pdf_font = pieces.font.fill(Name=internal_name, ToUnicode=to_unicode, FontDescriptor=descriptor)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]


@lru_cache(maxsize=SUBSETS_KEPT)
def _subset_pieces(font: EmbeddedFont, number: int, subset: tuple[int, ...], compressed: bool) -> _SubsetPieces:
    """Cut, measure and format one subset of ``font`` (the slow part of embedding it)."""
    face = font.face
    name = (b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX))).decode("pdfdoc")
    pack = zlib.compress if compressed else bytes
    to_unicode = makeToUnicodeCMap(name, list(subset)).encode("utf8")
    font_file = face.makeSubset(list(subset))
    pdf_font = pdfdoc.PDFTrueTypeFont()
    pdf_font.Name = "~gap~Name~"  # a name: written as /~gap~Name~, the gap after the slash
    pdf_font.BaseFont = name
    pdf_font.FirstChar = 0
    pdf_font.LastChar = len(subset) - 1
    pdf_font.Widths = pdfdoc.PDFArray([face.getCharWidth(code) for code in subset])
    pdf_font.ToUnicode = gap("ToUnicode")
    pdf_font.FontDescriptor = gap("FontDescriptor")
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
            "FontFile2": gap("FontFile2"),
            "MissingWidth": face.defaultWidth,
        }
    )
    return _SubsetPieces(
        name,
        Template(pdf_font),
        Template(descriptor),
        finished_stream(pack(to_unicode), compressed=compressed),
        finished_stream(pack(font_file), compressed=compressed, Length1=len(font_file)),
    )


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


@cache
def fallback_font() -> str:
    """Register the fallback font (once per process, when first needed); returns its name."""
    pdfmetrics.registerFont(EmbeddedFont(FALLBACK, str(font_dir() / FALLBACK_FILE)))
    return FALLBACK


@cache
def _characters(font: str) -> frozenset[int] | None:
    """The code points a registered TrueType font has glyphs for (None for a built-in font: taken as all)."""
    face = getattr(pdfmetrics.getFont(font), "face", None)
    return None if face is None else frozenset(face.charToGlyph)


@lru_cache(maxsize=RUNS_KEPT)
def font_runs(text: str, font: str) -> tuple[tuple[str, str], ...]:
    """The text cut into (font, text) runs: ``font`` where it has the glyph, else the fallback font where that has it.

    A text ``font`` covers is one run in ``font``; a character neither covers stays in ``font`` (a missing glyph).
    """
    covered = _characters(font)
    if covered is None or covered.issuperset(map(ord, text)):
        return ((font, text),)
    fallback = _characters(fallback_font()) or frozenset()

    def font_of(char: str) -> str:
        code = ord(char)
        return FALLBACK if code not in covered and code in fallback else font

    return tuple((name, "".join(chars)) for name, chars in groupby(text, key=font_of))


def forget_subsets() -> None:
    """Drop the finished subsets (the next document embeds its fonts from scratch)."""
    _subset_pieces.cache_clear()


def subset_cache_info() -> Any:
    """Hits and misses of the finished-subset cache (``functools`` cache statistics)."""
    return _subset_pieces.cache_info()
