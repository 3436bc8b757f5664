"""Embedded fonts: the same bytes reportlab's own TrueType embedding writes, with finished subsets reused."""

from __future__ import annotations

import io

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from charting.report import fonts
from charting.report.fonts import EmbeddedFont, register_fonts
from charting.resources import font_dir

SANS, _, _ = register_fonts()  # first, so the extra fonts below take other names, not the note's
TEXT = "Núñez, Παπαδοπούλου, Жукова: 195 U \u25cf \u25c6"


def document(font_name: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont(font_name, 9)
    canvas.drawString(50, 700, TEXT)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_embedding_writes_what_reportlab_writes() -> None:
    path = str(font_dir() / "DejaVuSans.ttf")
    pdfmetrics.registerFont(TTFont("PlainDejaVuSans", path))
    pdfmetrics.registerFont(EmbeddedFont("CachedDejaVuSans", path))
    assert document("CachedDejaVuSans") == document("PlainDejaVuSans")


def test_a_finished_subset_is_reused_and_gives_the_same_bytes() -> None:
    fonts.forget_subsets()
    cold = document(SANS)
    misses = fonts.subset_cache_info().misses
    warm = document(SANS)
    assert warm == cold
    assert misses == 1
    assert fonts.subset_cache_info().misses == misses, "the second document made no new subset"
    assert fonts.subset_cache_info().hits >= 1
