"""Exporting a 39-site procedure note, against a bare one-page reportlab document with a table and a drawing."""

from __future__ import annotations

import io

from reportlab.graphics.shapes import Circle, Drawing, Rect
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from bench.timing import median, sample_ms
from charting.domain.protocol import Protocol, load_protocol
from charting.report.note import ProcedureNote
from charting.report.render import render_note
from charting.resources import protocol_path
from tests.report.notes import note_of, session, signed, with_ftp


def full_note(protocol: Protocol) -> ProcedureNote:
    """A signed 39-site, 195 U note with every section filled: the note the report tests check."""
    return note_of(protocol, signed(with_ftp(protocol, session(protocol))))


def bare_document() -> bytes:
    """A one-page reportlab document with a paragraph, a 9-row table and a small drawing: the baseline."""
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    drawing = Drawing(400, 100)
    drawing.add(Rect(0, 0, 400, 100, fillColor=None))
    for i in range(10):
        drawing.add(Circle(20 + i * 40, 50, 10))
    rows = [["Muscle", "Left", "Right", "Total"]] + [[f"Muscle {i}", "10 U", "10 U", "20 U"] for i in range(8)]
    story = [Paragraph("Procedure note", styles["Title"]), Table(rows), drawing]
    SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1).build(story)
    return buffer.getvalue()


def run(quick: bool) -> dict[str, float]:
    """Median export time of a 39-site note and its ratio to the bare document, measured in the same run."""
    protocol = load_protocol(protocol_path())
    note = full_note(protocol)
    render_note(note)  # fonts registered and diagrams converted once, as in the running app
    bare_document()
    rounds = 1 if quick else 4
    # Rounds of ten of each, alternating, so that a busy spell of the machine cannot land on one side only;
    # ten in a row keeps each side as warm as it is when measured alone.
    note_samples: list[float] = []
    bare_samples: list[float] = []
    for _ in range(rounds):
        note_samples += sample_ms(lambda: render_note(note), 10)
        bare_samples += sample_ms(bare_document, 10)
    note_ms, bare_ms = median(note_samples), median(bare_samples)
    return {"pdf_ms_median": round(note_ms, 2), "pdf_ratio": round(note_ms / bare_ms, 2)}
