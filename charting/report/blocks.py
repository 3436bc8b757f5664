"""The named text styles and the building blocks the printed documents are made of.

``Blocks`` turns words into flowables in a ``Density`` (type sizes and spacing): literal text blocks (no markup, so
what a user typed always prints as itself), labelled paragraphs, section headings, key/value columns and tables.
The procedure note and the continuation-of-therapy summary are both built from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color

from charting.report.fonts import register_fonts
from charting.report.grid import Cell, Grid
from charting.report.page import ACCENT, BLACK, DRAFT_RED, MUTED
from charting.report.pairs import PAD as PAIR_PAD
from charting.report.pairs import KeyLook, KeyValueColumns
from charting.report.text import Run, TextBlock, TextStyle, text_width

TIGHT = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ("TOPPADDING", (0, 0), (-1, -1), 0.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
]
"""Table padding for dense rows."""
CELL_LEADING = 1.175
"""The most leading (as a share of the size) a value or table cell gets: they sit in rows that separate them."""
KEY_GAP = 8.0
"""Space between the widest key and its value."""


@dataclass(frozen=True)
class Density:
    """How tightly the note is set: type sizes (points), leading as a share of the size, and spacing."""

    text: float
    """The body: every paragraph, including the long free text (notices, adverse events, comments, addenda)."""
    cell: float
    """Values beside their keys and table cells."""
    small: float
    """Keys, muted table labels and the diagram's legend."""
    leading: float
    section: float
    """Section headings, and the signature line."""
    gap: float
    """Space above a section heading."""
    pad: float
    """Padding above and below a table row."""


DENSITIES = (
    Density(text=8.5, cell=8, small=7.5, leading=1.22, section=9, gap=4, pad=1),
    Density(text=8, cell=7.5, small=7, leading=1.2, section=8.5, gap=3, pad=0.75),
    Density(text=7.5, cell=7.5, small=7, leading=1.18, section=8.5, gap=2.5, pad=0.5),
    Density(text=7, cell=7, small=6.5, leading=1.16, section=8, gap=2, pad=0.5),
    Density(text=6.5, cell=6.5, small=6.5, leading=1.13, section=7.5, gap=1.5, pad=0.25),
    Density(text=6.5, cell=6.5, small=6.5, leading=1.1, section=7.5, gap=1, pad=0.25),
)
"""From the most open to the densest; the note takes the first that puts the whole session on one page. No text is
ever set below 6.5 pt."""


@dataclass(frozen=True)
class Look:
    """A named text style of the note: font, colour, size, leading and spacing."""

    font: str
    colour: Color
    style: TextStyle


def looks(density: Density = DENSITIES[0]) -> dict[str, Look]:
    """The named text styles at a density (the first: 8.5 pt body, dense but clean)."""
    sans, bold, mono = register_fonts()
    d = density

    def style(size: float, leading: float = d.leading, space_before: float = 0.0) -> TextStyle:
        return TextStyle(size, round(size * leading, 2), space_before=space_before)

    return {
        "Body": Look(sans, BLACK, style(d.text)),
        "Small": Look(sans, BLACK, style(d.small)),
        "Cell": Look(sans, BLACK, style(d.cell, min(d.leading, CELL_LEADING))),
        "Section": Look(bold, ACCENT, style(d.section, space_before=d.gap)),
        "Mono": Look(mono, BLACK, style(7)),
        "Draft": Look(bold, DRAFT_RED, TextStyle(10, 12)),
        "Signature": Look(bold, BLACK, style(d.section)),
    }


class Blocks:
    """Makes flowables in the named styles at one density, for a body ``width`` points wide."""

    def __init__(self, width: float, density: Density = DENSITIES[0]) -> None:
        self.width = width
        self.density = density
        self.looks = looks(density)
        self.sans, self.bold, _ = register_fonts()

    def p(self, *parts: str | Run, style: str = "Body") -> TextBlock:
        """A block of literal text in a named style; a ``Run`` part keeps its own font and colour."""
        look = self.looks[style]
        runs = [part if isinstance(part, Run) else Run(part, look.font, look.colour) for part in parts]
        return TextBlock(runs, look.style)

    def labelled(self, label: str, value: str, style: str = "Body") -> TextBlock:
        """'Label: value' with the label in bold."""
        return self.p(Run(f"{label} ", self.bold, self.looks[style].colour), value, style=style)

    def run_on(self, *items: tuple[str, str]) -> TextBlock:
        """Several 'Label: value' items in one paragraph, each label in bold: related facts share their lines."""
        parts: list[str | Run] = []
        for label, value in items:
            parts += [Run(f"{label} ", self.bold, BLACK), f"{value} "]
        return self.p(*parts)

    def table(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float]) -> Grid:
        """A table whose plain-text cells, even empty ones, use the embedded font."""
        return Grid(rows, widths, [("FONTNAME", (0, 0), (-1, -1), self.sans)])

    def font(
        self,
        start: tuple[int, int],
        end: tuple[int, int],
        *,
        bold: bool = False,
        size: float | None = None,
        colour: Color = BLACK,
    ) -> list[tuple[Any, ...]]:
        """Table style commands for plain-text cells (drawn literally, no markup: nothing to escape).

        The size is the density's cell size unless given.
        """
        sans, bold_face, _ = register_fonts()
        size = size or self.density.cell
        return [
            ("FONTNAME", start, end, bold_face if bold else sans),
            ("FONTSIZE", start, end, size),
            ("LEADING", start, end, size * 1.18),
            ("TEXTCOLOR", start, end, colour),
        ]

    def section(self, title: str) -> TextBlock:
        """A section's title."""
        return self.p(title, style="Section")

    def pairs(self, items: Sequence[tuple[str, str]]) -> KeyValueColumns:
        """Key/value pairs in two side-by-side columns, filled down then across, each column on its own; the keys
        take the width of the widest, the values the rest."""
        d = self.density
        key = KeyLook(self.bold, d.small, MUTED, top=PAIR_PAD + d.cell - d.small)
        key_width = max(text_width(label, key.font, key.size) for label, _ in items) + KEY_GAP
        return KeyValueColumns(
            [(label, self.p(value, style="Cell")) for label, value in items], columns=2, key_width=key_width, key=key
        )
