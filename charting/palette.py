"""The colours of the visual language (ux.md), shared by the window and the printed note.

Okabe-Ito, a palette colour-blind readers can tell apart: shape carries the meaning, colour reinforces it, and a
marker state has the same colour on the screen and on paper.
"""

INJECTED = "#0072B2"
"""Blue: injected sites."""
FOLLOW_THE_PAIN = "#E69F00"
"""Orange: follow-the-pain sites and their regions."""
SKIPPED = "#D55E00"
"""Vermillion: skipped sites and refusals."""
FOCUS = "#CC79A7"
"""Reddish purple: the focus ring on the next site."""
GREEN = "#009E73"
INK = "#1A1A1A"
"""Text and outlines."""
MUTED = "#707070"
