"""The lean table: laid out and drawn where reportlab's Table puts the same cells with the same commands."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from charting.report.fonts import register_fonts
from charting.report.grid import Grid
from charting.report.text import Run, TextBlock, TextStyle
from tests.report.notes import differing_pixels, raster

SANS, BOLD, _ = register_fonts()
ACCENT = HexColor("#1F3A5F")
SHADE = HexColor("#EEF1F4")
COMMANDS: list[tuple[Any, ...]] = [
    ("FONTNAME", (0, 0), (-1, -1), SANS),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("FONTSIZE", (0, 1), (-1, -2), 8),
    ("LEADING", (0, 1), (-1, -2), 9.44),
    ("FONTNAME", (0, 0), (-1, 0), BOLD),
    ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
    ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
    ("ROWBACKGROUNDS", (0, 1), (-1, -2), [None, SHADE]),
    ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ("TOPPADDING", (0, 0), (-1, -1), 1),
    ("BOX", (0, 0), (-1, -1), 0.8, ACCENT),
]
ROWS = [
    ["Muscle", "Left", "Right", "Total"],
    ["Corrugator", "5 U (1)", "5 U (1)", "10 U (2)"],
    ["Procerus", "-", "-", "5 U (1)"],
    ["Temporalis (FTP 2)", "25 U (5)", "25 U (5)", "50 U (10)"],
    ["Total", "95 U (19)", "95 U (19)", "195 U (39)"],
]
WIDTHS = [110.0, 60.0, 60.0, 70.0]


def cell_text(value: str) -> TextBlock:
    return TextBlock([Run(value, SANS, HexColor("#000000"))], TextStyle(8, 9.4))


def nested() -> list[list[Any]]:
    """Flowable cells and a list of flowables in a cell, valign top, beside a string cell."""
    return [
        [
            "Diagnosis",
            cell_text("G43.709 Chronic migraine without aura, not intractable"),
            [cell_text("a"), cell_text("b")],
        ],
        ["Injector", cell_text("A. Núñez, MD"), ""],
    ]


def draw(flowable: Flowable) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 200), invariant=1)
    flowable.wrapOn(canvas, 400, 200)
    flowable.drawOn(canvas, 20, 20)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("rows", "widths", "commands"),
    [
        (ROWS, WIDTHS, COMMANDS),
        (nested(), [70.0, 150.0, 60.0], [("FONTNAME", (0, 0), (-1, -1), BOLD), ("VALIGN", (0, 0), (-1, -1), "TOP")]),
    ],
)
def test_sizes_match_a_reportlab_table(rows: list[list[Any]], widths: list[float], commands: list[Any]) -> None:
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle(commands))
    grid = Grid(rows, widths, commands)
    assert grid.wrap(400, 200) == pytest.approx(table.wrap(400, 200))
    assert grid.heights == pytest.approx(table._rowHeights)


@pytest.mark.parametrize("rows", [ROWS, nested()])
def test_it_draws_what_a_reportlab_table_draws(rows: list[list[Any]], qapp: QApplication) -> None:
    widths = WIDTHS if rows is ROWS else [70.0, 150.0, 60.0]
    commands = COMMANDS if rows is ROWS else [("FONTNAME", (0, 0), (-1, -1), BOLD), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle(commands))
    reference, ours = raster(draw(table)), raster(draw(Grid(rows, widths, commands)))
    assert reference.size == ours.size
    assert differing_pixels(reference, ours) == 0


def test_text_of_every_cell_is_extracted_in_reading_order() -> None:
    text = PdfReader(io.BytesIO(draw(Grid(ROWS, WIDTHS, COMMANDS)))).pages[0].extract_text()
    assert " ".join(text.split()).startswith("Muscle Left Right Total Corrugator 5 U (1) 5 U (1) 10 U (2)")


def test_rows_must_fill_the_columns_and_commands_must_be_known() -> None:
    with pytest.raises(ValueError, match="one cell for each column"):
        Grid([["a"]], [10.0, 10.0])
    with pytest.raises(ValueError, match="'SPAN'"):
        Grid([["a"]], [10.0], [("SPAN", (0, 0), (-1, -1))])


def test_text_blocks_in_cells_share_the_grid_text_object() -> None:
    pdf = draw(Grid(nested(), [70.0, 150.0, 60.0], [("FONTNAME", (0, 0), (-1, -1), BOLD)]))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    content = page.get_contents()
    assert content is not None
    assert content.get_data().split(b"20 20 cm")[1].count(b"BT") == 1, "one text object for strings and blocks"
    assert " ".join(page.extract_text().split()).startswith("Diagnosis G43.709 Chronic migraine")
