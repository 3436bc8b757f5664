"""A lean table for the note: the part of reportlab's ``Table`` the note uses, laid out and drawn in one pass.

``Grid`` takes rows of cells (a plain string, a flowable, or a list of flowables), fixed column widths and
reportlab's own style commands, and places everything where ``Table`` would: same row heights, paddings,
alignment, baselines, backgrounds and rules. It writes the text of its cells (plain strings and text blocks) into
one PDF text object instead of one per cell, which is most of what a ``Table`` costs. It does not split across pages
(none of the note's tables can: they are one row or sit inside one) and knows no spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from reportlab.lib.colors import Color, black
from reportlab.platypus import Flowable

from charting.report.text import TextBlock, TextWriter, text_width

Cell: TypeAlias = str | Flowable | Sequence[Flowable]
Command = tuple[Any, ...]
ROUND = 1
"""Rules have round caps and joins, as a ``Table``'s."""


class CellStyle:
    """How one cell is set; the defaults are reportlab's ``CellStyle`` defaults (set in place by commands)."""

    __slots__ = ("align", "bottom", "colour", "font", "leading", "left", "right", "size", "top", "valign")

    def __init__(self) -> None:
        self.font = "Helvetica"
        self.size = 10.0
        self.leading = 12.0
        self.colour: Color = black
        self.align = "LEFT"
        self.valign = "BOTTOM"
        self.left = 6.0
        self.right = 6.0
        self.top = 3.0
        self.bottom = 3.0


CELL_COMMANDS = {
    "FONTNAME": "font",
    "FONT": "font",
    "FONTSIZE": "size",
    "SIZE": "size",
    "LEADING": "leading",
    "TEXTCOLOR": "colour",
    "ALIGN": "align",
    "ALIGNMENT": "align",
    "VALIGN": "valign",
    "LEFTPADDING": "left",
    "RIGHTPADDING": "right",
    "TOPPADDING": "top",
    "BOTTOMPADDING": "bottom",
}
"""Style commands that set a field of each cell in their range."""
RULE_COMMANDS = frozenset({"LINEBELOW", "LINEABOVE", "BOX"})


@dataclass(frozen=True)
class _Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    colour: Color


class Grid(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Rows of cells in columns of fixed widths, styled by reportlab table commands (see the module text)."""

    def __init__(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float], commands: Sequence[Command] = ()):
        super().__init__()
        self.rows = [list(row) for row in rows]
        self.widths = list(widths)
        if any(len(row) != len(self.widths) for row in self.rows):
            raise ValueError("Every row of a grid needs one cell for each column width.")
        self.hAlign = "CENTER"
        self.styles = [[CellStyle() for _ in self.widths] for _ in self.rows]
        self.backgrounds: list[Command] = []
        self.rules: list[Command] = []
        self.heights: list[float] = []
        self.width = 0.0
        self.height = 0.0
        self.set_style(commands)

    def set_style(self, commands: Sequence[Command]) -> None:
        """Apply more style commands (later ones win, as in a ``TableStyle``)."""
        for command in commands:
            name = command[0]
            if name == "ROWBACKGROUNDS":
                self.backgrounds.append(command)
            elif name in RULE_COMMANDS:
                self.rules.append(command)
            elif name in CELL_COMMANDS:
                attribute = CELL_COMMANDS[name]
                value = command[3]
                if attribute in ("align", "valign"):
                    value = str(value).upper().replace("CENTRE", "CENTER")
                columns, rows = self._range(command[1], command[2])
                for r in rows:
                    styles = self.styles[r]
                    for c in columns:
                        setattr(styles[c], attribute, value)
            else:
                raise ValueError(f"The grid does not know the table command {name!r}.")

    def _range(self, start: tuple[int, int], end: tuple[int, int]) -> tuple[range, range]:
        columns, rows = len(self.widths), len(self.rows)
        c0, r0 = start
        c1, r1 = end
        c0, c1 = (c0 + columns if c0 < 0 else c0), (c1 + columns if c1 < 0 else c1)
        r0, r1 = (r0 + rows if r0 < 0 else r0), (r1 + rows if r1 < 0 else r1)
        return range(c0, c1 + 1), range(r0, r1 + 1)

    def _cell_height(self, cell: Cell, style: CellStyle, width: float) -> float:
        if isinstance(cell, str):
            return float(style.leading * len(cell.split("\n")) + style.top + style.bottom)
        flowables = [cell] if isinstance(cell, Flowable) else list(cell)
        inner = width - style.left - style.right
        total = 0.0
        for flowable in flowables:
            _, height = flowable.wrapOn(getattr(self, "canv", None), inner, 72000)
            total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        if flowables:
            total -= flowables[0].getSpaceBefore() + flowables[-1].getSpaceAfter()
        return total + style.top + style.bottom

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """The grid's size; its columns are fixed, so it is measured once."""
        if self.heights:
            return self.width, self.height
        self.heights = [
            max(
                self._cell_height(cell, style, width)
                for cell, style, width in zip(row, styles, self.widths, strict=True)
            )
            for row, styles in zip(self.rows, self.styles, strict=True)
        ]
        self.width = sum(self.widths)
        self.height = sum(self.heights)
        return self.width, self.height

    def _row_tops(self) -> list[float]:
        """The y of each row's top edge, then the bottom edge of the grid (0)."""
        tops = [self.height]
        for height in self.heights:
            tops.append(tops[-1] - height)
        return tops

    def _column_lefts(self) -> list[float]:
        """The x of each column's left edge, then the grid's right edge."""
        lefts = [0.0]
        for width in self.widths:
            lefts.append(lefts[-1] + width)
        return lefts

    def draw(self) -> None:
        canvas: Any = self.canv
        tops, lefts = self._row_tops(), self._column_lefts()
        canvas.saveState()
        self._draw_backgrounds(canvas, tops, lefts)
        writer = TextWriter(canvas)
        for r, (row, styles) in enumerate(zip(self.rows, self.styles, strict=True)):
            bottom, height = tops[r + 1], self.heights[r]
            for c, (cell, style) in enumerate(zip(row, styles, strict=True)):
                left, width = lefts[c], self.widths[c]
                if not isinstance(cell, str):
                    self._draw_flowables(writer, cell, style, (left, bottom, width, height))
                    continue
                lines = cell.split("\n")
                y = self._first_baseline(style, bottom, height, len(lines))
                for line in lines:
                    if line:
                        writer.use(style.font, style.size, style.leading, style.colour)
                        writer.line(self._line_x(line, style, left, width), y, line)
                    y -= style.leading
        writer.flush()
        self._draw_rules(canvas, tops, lefts)
        canvas.restoreState()

    @staticmethod
    def _first_baseline(style: CellStyle, bottom: float, height: float, count: int) -> float:
        if style.valign == "TOP":
            return bottom + height - style.top - style.size
        if style.valign == "MIDDLE":
            return bottom + (style.bottom + height - style.top + count * style.leading) / 2 - style.size
        return bottom + style.bottom + count * style.leading - style.size

    @staticmethod
    def _line_x(line: str, style: CellStyle, left: float, width: float) -> float:
        if style.align == "LEFT":
            return left + style.left
        wide = text_width(line, style.font, style.size)
        if style.align == "RIGHT":
            return left + width - style.right - wide
        return left + (width + style.left - style.right) / 2 - wide / 2

    def _draw_flowables(
        self, writer: TextWriter, cell: Cell, style: CellStyle, box: tuple[float, float, float, float]
    ) -> None:
        """Draw a cell's flowables, stacked, in its ``box`` (left, bottom, width, height) as a ``Table`` would.

        Text blocks go into the grid's text object; anything else is drawn after the text written so far, so the
        page reads (and extracts) in the cells' order.
        """
        left, bottom, width, height = box
        canvas = writer.canvas
        flowables = [cell] if isinstance(cell, Flowable) else list(cell)
        if not flowables:
            return
        inner = width - style.left - style.right
        sizes = [flowable.wrapOn(canvas, inner, 72000) for flowable in flowables]
        content = sum(h + f.getSpaceBefore() + f.getSpaceAfter() for f, (_, h) in zip(flowables, sizes, strict=True))
        content -= flowables[0].getSpaceBefore() + flowables[-1].getSpaceAfter()
        if style.valign == "TOP":
            y = bottom + height - style.top
        elif style.valign == "BOTTOM":
            y = bottom + style.bottom + content
        else:
            y = bottom + (height + style.bottom - style.top + content) / 2
        y += flowables[0].getSpaceBefore()
        for flowable, (w, h) in zip(flowables, sizes, strict=True):
            if style.align == "RIGHT":
                x = left + width - style.right - w
            elif style.align == "CENTER":
                x = left + (width + style.left - style.right - w) / 2
            else:
                x = left + style.left
            y -= flowable.getSpaceBefore() + h
            if isinstance(flowable, TextBlock):
                flowable.write(writer, x, y + h)
            else:
                writer.flush()
                flowable.drawOn(canvas, x, y)
            y -= flowable.getSpaceAfter()

    def _draw_backgrounds(self, canvas: Any, tops: list[float], lefts: list[float]) -> None:
        for _, start, end, colours in self.backgrounds:
            columns, rows = self._range(start, end)
            for index, r in enumerate(rows):
                colour = colours[index % len(colours)]
                if colour is not None:
                    canvas.setFillColor(colour)
                    canvas.rect(
                        lefts[columns[0]],
                        tops[r],
                        lefts[columns[-1] + 1] - lefts[columns[0]],
                        -self.heights[r],
                        stroke=0,
                        fill=1,
                    )

    def _draw_rules(self, canvas: Any, tops: list[float], lefts: list[float]) -> None:
        if not self.rules:
            return
        canvas.setLineCap(ROUND)
        canvas.setLineJoin(ROUND)
        width: float | None = None
        colour: Color | None = None
        for rule in self._rule_lines(tops, lefts):
            if rule.colour != colour:
                colour = rule.colour
                canvas.setStrokeColor(colour)
            if rule.width != width:
                width = rule.width
                canvas.setLineWidth(width)
            canvas.line(rule.x0, rule.y0, rule.x1, rule.y1)

    def _rule_lines(self, tops: list[float], lefts: list[float]) -> list[_Rule]:
        lines = []
        for name, start, end, width, colour, *_ in self.rules:
            columns, rows = self._range(start, end)
            x0, x1 = lefts[columns[0]], lefts[columns[-1] + 1]
            y_top, y_bottom = tops[rows[0]], tops[rows[-1] + 1]
            if name == "LINEABOVE":
                lines += [_Rule(x0, tops[r], x1, tops[r], width, colour) for r in rows]
            elif name == "LINEBELOW":
                lines += [_Rule(x0, tops[r + 1], x1, tops[r + 1], width, colour) for r in rows]
            else:
                lines += [
                    _Rule(x0, y_top, x1, y_top, width, colour),
                    _Rule(x0, y_bottom, x1, y_bottom, width, colour),
                    _Rule(x0, y_bottom, x0, y_top, width, colour),
                    _Rule(x1, y_bottom, x1, y_top, width, colour),
                ]
        return lines
