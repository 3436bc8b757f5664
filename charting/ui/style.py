"""The window's visual language: the Okabe-Ito colours and the marker sizes, in one place."""

from __future__ import annotations

from PySide6.QtGui import QColor

# Okabe-Ito, a palette that colour-blind readers can tell apart; shape carries the meaning, colour reinforces it.
BLUE = QColor("#0072B2")
"""Injected sites."""
ORANGE = QColor("#E69F00")
"""Follow-the-pain sites."""
VERMILLION = QColor("#D55E00")
"""Skipped sites and refusals."""
PURPLE = QColor("#CC79A7")
"""The focus ring on the next site."""
GREEN = QColor("#009E73")
INK = QColor("#1a1a1a")
MUTED = QColor("#707070")

MARKER_DIAMETER_PX = 30
"""A marker's drawn size in screen pixels, whatever the zoom."""
HIT_DIAMETER_PX = 32
"""A marker's hit target in screen pixels (at least 28 px across for gloved fingers)."""
FOCUS_RING_PX = 6
"""How far the focus ring stands outside the marker."""

FINDING_SYMBOLS = {"refusal": "\u2716", "warning": "\u26a0", "info": "\u2139"}
FINDING_COLOURS = {"refusal": VERMILLION, "warning": ORANGE.darker(140), "info": MUTED}
