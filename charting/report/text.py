"""Plain wrapped text for the note: runs of literal text in one size, broken into lines, drawn as one text object.

The note needs bold labels, coloured symbols and wrapping, nothing more; ``TextBlock`` does that without a markup
parser, so what a user typed is never read as markup and always prints as itself. It breaks lines the way a left
aligned reportlab ``Paragraph`` does (greedy, at white space, spaces shrunk up to 5% to fit, words longer than a
line cut to fit, a line feed starts a new line), puts the first baseline one font size below its top, and splits between lines at a page end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from charting.report.fonts import font_runs

BREAKING_SPACE = re.compile(r"[^\S\xa0]+")
"""White space a line may break at (a no-break space joins)."""
SPACE_SHRINK = 0.05
"""A line may be this share of each space too long; its spaces then shrink to fit (as reportlab's paragraphs)."""
ORPHAN_LINES = 2
"""A block split over two pages leaves at least this many lines on the first (unless it has fewer)."""


@dataclass(frozen=True)
class Run:
    """Literal text in one font and colour; white space between runs separates words, none joins them."""

    text: str
    font: str
    colour: Color


class Piece(NamedTuple):
    """Part of a word in one run's font and colour."""

    text: str
    font: str
    colour: Color
    width: float


Word = tuple[Piece, ...]
Line = tuple[Word, ...]


@dataclass(frozen=True)
class TextStyle:
    """Font size, distance between baselines and the space kept above and below a block."""

    size: float
    leading: float
    space_before: float = 0.0
    space_after: float = 0.0


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Characters that print nothing (NUL, bell, escape...): left out, never drawn as a missing-glyph box."""


def printable(text: str) -> str:
    """The text as it can print: control characters left out (line feeds and tabs kept), a lone surrogate (half a
    character) shown as the replacement character."""
    return CONTROL_CHARACTERS.sub("", text).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


@lru_cache(maxsize=4096)
def text_width(text: str, font: str, size: float) -> float:
    """The width of a text in points, characters the font lacks in the fallback font (see ``fonts.font_runs``).

    Remembered: a note measures the same few words and spaces again and again.
    """
    return float(sum(pdfmetrics.stringWidth(part, name, size) for name, part in font_runs(text, font)))


def _paragraphs(runs: Iterable[Run], size: float) -> list[list[Word]]:
    """The runs cut into words (lists of pieces), one list of words for each line feed separated paragraph."""
    paragraphs: list[list[Word]] = [[]]
    pieces: list[Piece] = []

    def end_word() -> None:
        if pieces:
            paragraphs[-1].append(tuple(pieces))
            pieces.clear()

    for run in runs:
        for number, text in enumerate(printable(run.text).split("\n")):
            if number:
                end_word()
                paragraphs.append([])
            # Split at white space: an empty chunk first or last is white space at the start or end of the text.
            for index, chunk in enumerate(BREAKING_SPACE.split(text)):
                if index:
                    end_word()
                if chunk:
                    pieces.append(Piece(chunk, run.font, run.colour, text_width(chunk, run.font, size)))
    end_word()
    return paragraphs


def _word_width(word: Word) -> float:
    return word[0].width if len(word) == 1 else sum(piece.width for piece in word)


def _cut(word: Word, size: float, width: float) -> list[Word]:
    """A word wider than a line, cut into words that each fit it (at least one character each)."""
    parts: list[Word] = []
    current: list[Piece] = []
    used = 0.0
    for piece in word:
        text = piece.text
        while text:
            fit, wide = 0, 0.0
            for char in text:
                char_width = text_width(char, piece.font, size)
                if used + wide + char_width > width:
                    break
                fit, wide = fit + 1, wide + char_width
            if fit == 0 and current:
                parts.append(tuple(current))
                current, used = [], 0.0
                continue
            fit = max(fit, 1)
            chunk = text[:fit]
            current.append(Piece(chunk, piece.font, piece.colour, text_width(chunk, piece.font, size)))
            used += current[-1].width
            text = text[fit:]
            if text:
                parts.append(tuple(current))
                current, used = [], 0.0
    if current:
        parts.append(tuple(current))
    return parts


def _natural_width(line: Line, size: float) -> float:
    """A line's width with full spaces (each the space of the word after it)."""
    words = sum(_word_width(word) for word in line)
    return words + sum(text_width(" ", word[0].font, size) for word in line[1:])


def break_lines(runs: Sequence[Run], size: float, width: float) -> list[Line]:
    """The runs broken into lines no wider than ``width`` (a word wider than a line is cut to fit it)."""
    lines: list[Line] = []
    for words in _paragraphs(runs, size):
        line: list[Word] = []
        used = 0.0
        for whole in words:
            whole_width = _word_width(whole)
            fitting = (
                [(whole, whole_width)]
                if whole_width <= width
                else [(w, _word_width(w)) for w in _cut(whole, size, width)]
            )
            for word, wide in fitting:
                space = text_width(" ", word[0].font, size) if line else 0.0
                if line and used + space + wide > width + SPACE_SHRINK * space * len(line):
                    lines.append(tuple(line))
                    line, used, space = [], 0.0, 0.0
                line.append(word)
                used += space + wide
        lines.append(tuple(line))
    return lines


class TextBlock(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Runs of literal text wrapped to the width it is given, left aligned."""

    def __init__(self, runs: Sequence[Run], style: TextStyle, lines: Sequence[Line] | None = None) -> None:
        """``lines`` fixes the lines (the parts of a split block keep the lines they were split with)."""
        super().__init__()
        self.runs = tuple(runs)
        self.style = style
        self.spaceBefore = style.space_before
        self.spaceAfter = style.space_after
        self._lines: Sequence[Line] | None = lines
        self._for_width = -1.0

    def lines(self, width: float) -> Sequence[Line]:
        """The lines at this width (kept while the width stays the same)."""
        if self._lines is None or (self._for_width != width and self._for_width >= 0):
            self._lines = break_lines(self.runs, self.style.size, width)
            self._for_width = width
        return self._lines

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = len(self.lines(available_width)) * self.style.leading
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        lines = self.lines(available_width)
        fit = int((available_height + 1e-6) // self.style.leading)
        if fit >= len(lines):
            return [self]
        if fit < min(ORPHAN_LINES, len(lines)):
            return []
        return [TextBlock(self.runs, self.style, lines[:fit]), TextBlock(self.runs, self.style, lines[fit:])]

    def draw(self) -> None:
        writer = TextWriter(self.canv)
        self.write(writer, 0, self.height)
        writer.flush()

    def write(self, writer: TextWriter, x: float, top: float) -> None:
        """Write the lines (as wrapped by ``wrap``) into a shared text object, the block's top left at x, top."""
        size, leading = self.style.size, self.style.leading
        if not self.runs:
            return
        text = writer.text
        first = self.runs[0]
        writer.use(first.font, size, leading, first.colour)
        text.setTextOrigin(x, top - size)
        for line in self.lines(self.width):
            over = _natural_width(line, size) - self.width
            if over > 0:
                text.setWordSpace(-over / (len(line) - 1))
            segments = _segments(line)
            if not segments:
                text.textLine()  # an empty line (two line feeds in a row)
            for number, (font, colour, segment) in enumerate(segments, start=1):
                writer.use(font, size, leading, colour)
                writer.write(segment, end_line=number == len(segments))
            if over > 0:
                text.setWordSpace(0)
        writer.written = True


class TextWriter:
    """One PDF text object that blocks and table cells write into, setting font and colour only when they change.

    A page reads (and its text extracts) in the order things were written; ``flush`` puts what was written on the
    canvas, so that something drawn next (a rule, a nested table) lands after it.
    """

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas
        self._begin()

    def _begin(self) -> None:
        self.text: Any = self.canvas.beginText()
        self.font: tuple[str, float, float] = ("", 0.0, 0.0)
        self.colour: Color | None = None
        self.written = False

    def use(self, font: str, size: float, leading: float, colour: Color) -> None:
        """Make the next text this font, size, leading and colour."""
        self._set_font((font, size, leading))
        if self.colour is not colour:
            self.colour = colour
            self.text.setFillColor(colour)

    def write(self, text: str, *, end_line: bool) -> None:
        """Text in the font and colour last used, any characters that font lacks in the fallback font.

        ``end_line`` moves to the next line after it (T*); the text cursor needs no widths.
        """
        text = printable(text)
        font, size, leading = current = self.font
        runs = font_runs(text, font) if font else ()
        if len(runs) < 2:  # the text is all in the font (or no font was set): the common case
            (self.text.textLine if end_line else self.text.textOut)(text)
            return
        for number, (name, part) in enumerate(runs, start=1):
            self._set_font((name, size, leading))
            (self.text.textLine if end_line and number == len(runs) else self.text.textOut)(part)
        self._set_font(current)

    def _set_font(self, font: tuple[str, float, float]) -> None:
        if self.font != font:
            self.font = font
            self.text.setFont(*font)

    def line(self, x: float, y: float, text: str) -> None:
        """One line of text with its baseline starting at x, y (in the font and colour last used)."""
        self.text.setTextOrigin(x, y)
        self.write(text, end_line=True)
        self.written = True

    def flush(self) -> None:
        """Draw what was written, and start a new text object for what comes next."""
        if self.written:
            self.canvas.drawText(self.text)
            self._begin()


def _segments(line: Line) -> list[tuple[str, Color, str]]:
    """A line as runs of text in one font and colour, words joined by a space in the next word's font."""
    segments: list[tuple[str, Color, list[str]]] = []
    for index, word in enumerate(line):
        for number, piece in enumerate(word):
            text = " " + piece.text if index and not number else piece.text
            last = segments[-1] if segments else None
            if last is not None and last[0] == piece.font and last[1] is piece.colour:
                last[2].append(text)
            else:
                segments.append((piece.font, piece.colour, [text]))
    return [(font, colour, "".join(parts)) for font, colour, parts in segments]
