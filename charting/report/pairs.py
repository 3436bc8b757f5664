"""Key/value pairs in side-by-side columns, as one flowable drawn as one text object.

``KeyValueColumns`` places its keys and values where a one-row table of two-column tables (``grid.Grid``, as
reportlab's ``Table`` with the note's tight padding) would put them, without laying out or styling any table:
the note's three key/value sections are most of its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from charting.report.text import TextBlock, TextWriter

PAD = 0.5
"""Space above and below each value, and above and below the whole."""
KEY_TOP = 1.2
"""Space above each key (a little more than above a value: the smaller key sits on the value's first line)."""
GUTTER = 4.0
"""Space kept right of each value."""
KEY_LEADING = 1.18
"""A key's line height as a share of its size."""


@dataclass(frozen=True)
class KeyLook:
    """The font, size and colour of the keys."""

    font: str
    size: float
    colour: Color
    top: float = KEY_TOP
    """Space above the key; the renderer sets it so that the key stands on its value's first baseline."""


class KeyValueColumns(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Pairs filled down then across ``columns`` equal columns; each column's rows are as high as its own pairs.

    A key is one line in the ``key`` look, ``key_width`` wide; its value wraps in the rest of the column.
    """

    def __init__(self, pairs: Sequence[tuple[str, TextBlock]], *, columns: int, key_width: float, key: KeyLook) -> None:
        super().__init__()
        per_column = -(-len(pairs) // columns)
        self.columns = [list(pairs[c * per_column : (c + 1) * per_column]) for c in range(columns)]
        self.key_width = key_width
        self.key = key
        self.heights: list[list[float]] = []
        self.width = -1.0
        self.height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """The size at this width (measured again only when the width changes)."""
        if available_width != self.width:
            self.width = available_width
            value_width = available_width / len(self.columns) - self.key_width - GUTTER
            key_height = self.key.top + self.key.size * KEY_LEADING + PAD
            self.heights = [
                [max(key_height, value.wrap(value_width, available_height)[1] + 2 * PAD) for _, value in column]
                for column in self.columns
            ]
            self.height = max(sum(heights) for heights in self.heights) + 2 * PAD
        return self.width, self.height

    def draw(self) -> None:
        canvas: Any = self.canv
        writer = TextWriter(canvas)
        key = self.key
        column_width = self.width / len(self.columns)
        for number, (column, heights) in enumerate(zip(self.columns, self.heights, strict=True)):
            left = number * column_width
            top = self.height - PAD
            for (label, value), height in zip(column, heights, strict=True):
                writer.use(key.font, key.size, key.size * KEY_LEADING, key.colour)
                writer.line(left, top - key.top - key.size, label)
                value.write(writer, left + self.key_width, top - PAD)
                top -= height
        writer.flush()
