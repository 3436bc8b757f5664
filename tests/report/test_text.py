"""Wrapped literal text: the lines reportlab's Paragraph would make, no markup, split between lines at a page end."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import pytest
from pypdf import PdfReader
from reportlab.lib.colors import black, red
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from charting.report.fonts import register_fonts
from charting.report.text import Run, TextBlock, TextStyle, break_lines

SANS, BOLD, _ = register_fonts()
BODY = TextStyle(8.5, 10.4)
SAMPLES = [
    "Total 195 U exceeds the US label dose of 155 U (within the 195 U follow-the-pain range).",
    "G43.709 Chronic migraine without aura, not intractable, without status migrainosus",
    "checked: hypersensitivity to any botulinum toxin product; infection at a proposed injection site",
    "Temporalis: TEM_L_FTP1 5 U, TEM_R_FTP1 5 U; Occipitalis: OCC_L_FTP1 5 U, OCC_R_FTP1 5 U; Trapezius: "
    "TRA_L_FTP1 5 U, TRA_L_FTP2 5 U, TRA_R_FTP1 5 U, TRA_R_FTP2 5 U",
    "Παπαδοπούλου Ελένη, Жукова Анна, Nguyễn Zoë and Ødegård François   with  runs   of spaces",
]


def words(lines: list[tuple[tuple[object, ...], ...]]) -> list[str]:
    return [" ".join("".join(piece.text for piece in word) for word in line) for line in lines]  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("width", [90.0, 150.0, 236.0, 400.0])
def test_lines_break_where_a_reportlab_paragraph_breaks_them(text: str, width: float) -> None:
    paragraph = Paragraph(escape(text), ParagraphStyle("p", fontName=SANS, fontSize=8.5, leading=10.4))
    paragraph.wrap(width, 10_000)
    expected = [" ".join(line[1]) for line in paragraph.blPara.lines]
    assert words(break_lines([Run(text, SANS, black)], 8.5, width)) == expected


def test_runs_join_without_space_and_separate_at_white_space() -> None:
    runs = [Run("Skipped sites: ", BOLD, black), Run("none", SANS, black), Run("!", SANS, red)]
    (line,) = break_lines(runs, 8.5, 500)
    assert [[piece.text for piece in word] for word in line] == [["Skipped"], ["sites:"], ["none", "!"]]
    assert line[2][1].colour == red


def test_line_feeds_start_new_lines_and_long_words_are_cut_to_fit() -> None:
    assert words(break_lines([Run("one\ntwo\n\nthree", SANS, black)], 8.5, 500)) == ["one", "two", "", "three"]
    cut = break_lines([Run("x" * 200, SANS, black)], 8.5, 100)
    assert "".join(words(cut)) == "x" * 200
    assert all(sum(piece.width for word in line for piece in word) <= 100 for line in cut)


def test_a_no_break_space_joins() -> None:
    assert words(break_lines([Run("5\u00a0U 10\u00a0U", SANS, black)], 8.5, 500)) == ["5\u00a0U 10\u00a0U"]


def test_markup_is_printed_as_typed() -> None:
    hostile = "<b>&amp; O'Brien</b> <br/> & <font color='red'>x</font>"
    block = TextBlock([Run("Comments: ", BOLD, black), Run(hostile, SANS, black)], BODY)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    block.wrapOn(canvas, 400, 100)
    block.drawOn(canvas, 50, 700)
    canvas.showPage()
    canvas.save()
    assert f"Comments: {hostile}" in PdfReader(buffer).pages[0].extract_text()


def test_a_block_splits_between_lines_and_keeps_two_on_the_first_page() -> None:
    block = TextBlock([Run("word " * 400, SANS, black)], BODY)
    _, height = block.wrap(200, 10_000)
    lines = round(height / BODY.leading)
    first, rest = block.split(200, BODY.leading * 5.5)
    assert first.wrap(200, 10_000)[1] == pytest.approx(BODY.leading * 5)
    assert rest.wrap(200, 10_000)[1] == pytest.approx(BODY.leading * (lines - 5))
    assert block.split(200, BODY.leading * 1.5) == [], "one line alone does not stay behind"
    assert block.split(200, height) == [block]
