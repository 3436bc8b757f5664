"""Exporting a 39-site procedure note, against a bare one-page reportlab document with a table and a drawing."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

from reportlab.graphics.shapes import Circle, Drawing, Rect
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from bench.timing import median, sample_ms
from charting.domain import marking
from charting.domain.eligibility import Baseline
from charting.domain.people import Clinic, Injector
from charting.domain.protocol import Protocol, load_protocol
from charting.domain.session import Outcomes, Patient, Session, Status, content_hash
from charting.domain.settings import ClinicalSettings
from charting.report.note import ProcedureNote, build_note
from charting.report.render import render_note
from charting.resources import protocol_path

FTP_SITES = (
    ("temporalis", "left", "left", 280.0, 100.0),
    ("temporalis", "right", "right", 120.0, 100.0),
    ("occipitalis", "left", "back", 130.0, 50.0),
    ("occipitalis", "right", "back", 270.0, 50.0),
    ("trapezius", "left", "back", 100.0, 236.0),
    ("trapezius", "left", "back", 64.0, 250.0),
    ("trapezius", "right", "back", 300.0, 236.0),
    ("trapezius", "right", "back", 336.0, 250.0),
)


def full_note(protocol: Protocol) -> ProcedureNote:
    """A signed 39-site, 195 U note with every section filled."""
    session = Session(
        performed_on=date(2026, 1, 12),
        id=1,
        product_id="botox_200",
        vial_units=200,
        lot_number="C1234A",
        lot_expiry=date(2027, 3, 31),
        saline_ml=4.0,
        reconstituted_at=datetime(2026, 1, 12, 9, 5),
        needle="30 G 0.5 inch",
        diagnosis_code="G43.709",
        consent=True,
        time_out=True,
        contraindications_checked=True,
        outcomes=Outcomes(
            headache_days=9, migraine_days=6, moderate_severe_days=4, acute_medication_days=5, midas=14, hit6=58
        ),
    )
    session = marking.apply_protocol(session, protocol)
    for muscle, side, view, x, y in FTP_SITES:
        session, _ = marking.add_ftp(session, protocol, muscle, side=side, view=view, x=x, y=y)
    session = replace(session, status=Status.SIGNED, signed_at=datetime(2026, 1, 12, 10, 32), signed_by="A. Núñez, MD")
    session = replace(session, content_sha256=content_hash(session))
    return build_note(
        session,
        Patient(mrn="10023", family_name="Doe", given_name="Jane", dob=date(1980, 4, 2)),
        protocol,
        Clinic("Lakeside Headache Clinic", "12 Harbour Road, Springfield"),
        Injector("A. Núñez", "MD", "1234567890"),
        (),
        settings=ClinicalSettings(),
        baseline=Baseline(headache_days=22, headache_hours_per_day=8, failed_preventives=("topiramate", "propranolol")),
        previous_session_date=date(2025, 10, 15),
    )


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
