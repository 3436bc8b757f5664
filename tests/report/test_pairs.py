"""Key/value columns: one flowable, placed and drawn where a reportlab table of two-column tables puts the pairs."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from charting.report.fonts import register_fonts
from charting.report.pairs import KeyLook, KeyValueColumns
from charting.report.text import Run, TextBlock, TextStyle
from tests.report.notes import differing_pixels, raster

SANS, BOLD, _ = register_fonts()
MUTED = HexColor("#555555")
BLACK = HexColor("#000000")
KEY = KeyLook(BOLD, 7.5, MUTED)
WIDTH = 400.0
KEY_WIDTH = 72.0
PAIRS = [
    ("Patient", "<b>DOE</b>, Jane & Παπαδοπούλου"),
    ("Date of birth", "1980-04-02 (45 y)"),
    ("Record number", "10023"),
    ("Date of service", "2026-01-12"),
    ("Injector", "Ana Núñez, MD (NPI 1234567)."),  # fits its line by less than a point
    ("Diagnosis", "G43.709 Chronic migraine without aura, not intractable, without status migrainosus"),
]


def value(text: str) -> TextBlock:
    return TextBlock([Run(text, SANS, BLACK)], TextStyle(8, 9.4))


def columns() -> KeyValueColumns:
    return KeyValueColumns([(key, value(text)) for key, text in PAIRS], columns=2, key_width=KEY_WIDTH, key=KEY)


def nested_tables() -> Table:
    """The same pairs as reportlab tables (the note's layout before): one row of two columns of keys and values."""
    per_column = 3
    column_width = WIDTH / 2
    cells = []
    for c in range(2):
        rows = [[key, value(text)] for key, text in PAIRS[c * per_column : (c + 1) * per_column]]
        column = Table(rows, colWidths=[KEY_WIDTH, column_width - KEY_WIDTH])
        column.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("FONTNAME", (0, 0), (0, -1), KEY.font),
                    ("FONTSIZE", (0, 0), (0, -1), KEY.size),
                    ("LEADING", (0, 0), (0, -1), 7.5 * 1.18),
                    ("TEXTCOLOR", (0, 0), (0, -1), KEY.colour),
                    ("TOPPADDING", (0, 0), (0, -1), 1.2),
                ]
            )
        )
        cells.append(column)
    outer = Table([cells], colWidths=[column_width, column_width])
    outer.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return outer


def draw(flowable: Flowable) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH + 40, 120), invariant=1)
    flowable.wrapOn(canvas, WIDTH, 120)
    flowable.drawOn(canvas, 20, 20)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_size_matches_the_tables() -> None:
    assert columns().wrap(WIDTH, 120) == pytest.approx(nested_tables().wrap(WIDTH, 120))


def test_it_draws_what_the_tables_draw(qapp: QApplication) -> None:
    reference, ours = raster(draw(nested_tables())), raster(draw(columns()))
    assert reference.size == ours.size
    assert differing_pixels(reference, ours) == 0


def test_one_text_object_read_pair_by_pair_with_user_text_literal() -> None:
    pdf = draw(columns())
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert content is not None
    drawn = content.get_data().split(b"20 20 cm")[1]  # what the flowable drew (the canvas starts with a font)
    assert drawn.count(b"BT") == 1
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert text.startswith("Patient <b>DOE</b>, Jane & Παπαδοπούλου Date of birth 1980-04-02 (45 y) Record number")


def test_columns_fill_down_then_across() -> None:
    flowable = columns()
    flowable.wrap(WIDTH, 120)
    assert [[key for key, _ in column] for column in flowable.columns] == [
        ["Patient", "Date of birth", "Record number"],
        ["Date of service", "Injector", "Diagnosis"],
    ]
    assert flowable.heights[1][2] > flowable.heights[1][1] == flowable.heights[1][0], "a two-line value: a higher row"
