"""The window's visual language: the Okabe-Ito colours and the marker sizes, in one place."""

from __future__ import annotations

from PySide6.QtGui import QColor

from charting import palette

BLUE = QColor(palette.INJECTED)
"""Injected sites."""
ORANGE = QColor(palette.FOLLOW_THE_PAIN)
"""Follow-the-pain sites."""
VERMILLION = QColor(palette.SKIPPED)
"""Skipped sites and refusals."""
PURPLE = QColor(palette.FOCUS)
"""The focus ring on the next site."""
GREEN = QColor(palette.GREEN)
INK = QColor(palette.INK)
MUTED = QColor(palette.MUTED)

MARKER_DIAMETER_PX = 30
"""A marker's drawn size in screen pixels, whatever the zoom."""
HIT_DIAMETER_PX = 32
"""A marker's hit target in screen pixels (at least 28 px across for gloved fingers)."""
FOCUS_RING_PX = 6
"""How far the focus ring stands outside the marker."""

FINDING_SYMBOLS = {"refusal": "\u2716", "warning": "\u26a0", "info": "\u2139"}
FINDING_COLOURS = {"refusal": VERMILLION, "warning": ORANGE.darker(140), "info": MUTED}
