"""The session is always one page: the longest realistic session fits, nothing cut, nothing below 6.5 pt, nothing
overlapping; only addenda written after signing may go on to page 2."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from charting.domain.people import Addendum
from charting.domain.protocol import Protocol
from charting.report.blocks import DENSITIES
from charting.report.fonts import register_fonts
from charting.report.note import DRAFT_MARK
from charting.report.render import render_note
from tests.report.notes import (
    WORST_BASELINE,
    WORST_CLINIC,
    WORST_COMMENTS,
    WORST_DEVIATION,
    WORST_EVENTS,
    WORST_INJECTOR,
    WORST_INTERVAL,
    WORST_NEEDLE,
    WORST_OVERRIDES,
    WORST_PATIENT,
    WORST_PREVIOUS,
    flat,
    pages_text,
    worst_note,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"
SMALLEST_TEXT = 6.5
"""No text the note sets is smaller than this (points)."""


class Line(NamedTuple):
    """One line of text on a page: where it starts and ends and its largest size."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float

    def overlaps(self, other: Line) -> bool:
        """True when the two lines' boxes (from descender to cap height) cross."""
        across = self.x0 < other.x1 - 0.01 and other.x0 < self.x1 - 0.01
        low, high = self.baseline - 0.21 * self.size, self.baseline + 0.76 * self.size
        other_low, other_high = other.baseline - 0.21 * other.size, other.baseline + 0.76 * other.size
        return across and low < other_high and other_low < high


def page_lines(pdf: bytes, number: int = 0) -> list[Line]:
    """The lines the page sets in its own space (the diagrams' labels, drawn at each view's scale, left out).

    pypdf reports each run of text at the start of its line, so runs starting at the same point make one line.
    """
    register_fonts()
    lines: list[Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip() or cm[0] != 1 or tm[0] != 1:
            return
        x, y = cm[4] + tm[4], cm[5] + tm[5]
        width = stringWidth(text.rstrip(), str(font["/BaseFont"]).split("+")[-1], size)
        if lines and (lines[-1].x0, lines[-1].baseline) == (x, y):
            last = lines[-1]
            lines[-1] = last._replace(text=last.text + text.strip(), x1=last.x1 + width, size=max(last.size, size))
        else:
            lines.append(Line(text.strip(), x, x + width, y, size))

    PdfReader(io.BytesIO(pdf)).pages[number].extract_text(visitor_text=visit)
    return lines


def overlapping(lines: list[Line]) -> list[tuple[str, str]]:
    """The pairs of lines that overlap."""
    return [(a.text, b.text) for i, a in enumerate(lines) for b in lines[i + 1 :] if a.overlaps(b)]


@pytest.fixture(scope="module")
def worst_pdf(protocol: Protocol) -> bytes:
    pdf = render_note(worst_note(protocol))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "note-longest-session.pdf").write_bytes(pdf)
    return pdf


def section_9_items() -> list[str]:
    """Every part of clinical reference section 9 as the longest session's note prints it, in full."""
    return [
        WORST_CLINIC.name,
        "Springfield, Illinois 62701-4432, United States | (217) 555-0100 ext. 4471",
        WORST_PATIENT.display_name,
        "1958-11-30 (67 y)",
        WORST_PATIENT.mrn,
        WORST_PATIENT.allergies,
        "Date of service 2026-01-12",
        f"{WORST_INJECTOR.display_name} (NPI 1234567890)",
        "G43.719 Chronic migraine without aura, intractable, without status migrainosus",
        f"{WORST_BASELINE.headache_days} a month (baseline)",
        "Hours a day 12",
        "6: topiramate, amitriptyline, propranolol, candesartan, erenumab, sodium valproate",
        "assessed, overuse managed (triptan/ergot/opioid/combination 12 d, simple analgesic 16 d a month)",
        "Consent obtained Yes",
        "Time-out performed Yes",
        "Infection at a proposed injection site: YES; Hypersensitivity to any botulinum toxin product: no; "
        "Neuromuscular disease (myasthenia gravis, Lambert-Eaton, ALS): YES; "
        "Another botulinum toxin in the last 12 weeks: YES",
        "Migraine days 19 a month (baseline)",
        "Baseline MIDAS 62 (grade IV, severe disability)",
        "Baseline HIT-6 68 (severe impact)",
        *(f"Reason recorded: {reason}." for _, reason in WORST_OVERRIDES),
        "Contraindication: infection at a proposed injection site.",
        "BOTOX Cosmetic (onabotulinumtoxinA) 100 U",
        "2 x 100 U vials",
        "C5678B-2026-LOT-0042 / 2027-03-31",
        "2.5 mL per vial of preservative-free 0.9% saline: 40 U/mL (4 U per 0.1 mL)",
        "2026-01-12 09:05",
        WORST_NEEDLE,
        "Injection sites",
        "Temporalis (FTP 2) 30 U (5) 25 U (5) - 55 U (10) 40 U (8)",
        "Total (FTP 8) 100 U (19) 90 U (19) 5 U (1) 195 U (39) 155 U (31)",
        "Trapezius: 2 left (10 U), 2 right (10 U).",
        "Temporalis: 55 U, above its maximum of 50 U. Occipitalis: 42.5 U, above its maximum of 40 U.",
        f"Deviation reason recorded: {WORST_DEVIATION}",
        "is a cosmetic product; insurers do not pay for it for migraine.",
        "2.5 mL in a 100 U vial gives 4 U per 0.1 mL, not the protocol's 5 U.",
        "Reconstituted 31 hours before signing, more than the 24 hours allowed.",
        "Left temporalis, follow-the-pain 1: 10 U instead of the protocol's 5 U.",
        "Total 195 U exceeds the US label dose of 155 U",
        f"Only 60 days since the previous session on {WORST_PREVIOUS.isoformat()}",
        f"reason recorded: {WORST_INTERVAL}.",
        "Units administered 195 U",
        "Units wasted 5 U of 200 U opened",
        "64615 1 procedure",
        "J0585 195 units administered",
        "J0585-JW 5 units discarded (waste)",
        *(event.detail for event in WORST_EVENTS),
        "The effect starts in 1-2 weeks.",
        "Do not rub or massage the injection sites.",
        "Stay upright for about 4 hours.",
        "Seek care at once for trouble swallowing, speaking or breathing.",
        "14 (grade III, moderate disability)",
        "58 (substantial impact)",
        "14 headache days against a baseline of 26: 46% reduction, not a responder (threshold 50%).",
        "Consider stopping treatment: 3 cycles in a row without a response (46%, 46%, 46% fewer headache days than the "
        "baseline of 26, below the 50% threshold).",
        "Below 15 headache days a month for 3 months or more (reports of 14, 14 and 14 days since 2025-07-20).",
        f"60 days since the previous session on {WORST_PREVIOUS.isoformat()}.",
        "Next session due: 2026-04-06",
        WORST_COMMENTS,
        f"Electronically signed by {WORST_INJECTOR.display_name} on 2026-01-13 15:40 +00:00",
        "Content SHA-256:",
    ]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_longest_realistic_session_is_one_page(protocol: Protocol, paper: str) -> None:
    pdf = render_note(worst_note(protocol), paper=paper)
    pages = pages_text(pdf)
    assert len(pages) == 1
    assert "page 1 of 1" in pages[0]


def test_every_part_of_section_9_prints_in_full(worst_pdf: bytes) -> None:
    """Nothing is cut: every long name and free text prints whole, the header's included."""
    text = flat(pages_text(worst_pdf)[0])
    missing = [item for item in section_9_items() if flat(item) not in text]
    assert not missing, missing
    assert "..." not in text


def test_it_stays_readable(worst_pdf: bytes) -> None:
    """No text below 6.5 pt and no two lines over each other (the rendered page is kept to look at)."""
    lines = page_lines(worst_pdf)
    assert len(lines) > 100
    assert min(line.size for line in lines) >= SMALLEST_TEXT
    assert overlapping(lines) == []
    assert all(value >= SMALLEST_TEXT for density in DENSITIES for value in (density.text, density.cell, density.small))


def test_the_overlap_check_finds_overlapping_text() -> None:
    """The readability check can fail: two strings set over each other are found."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont("DejaVuSans", 8)
    canvas.drawString(100, 500, "Clinic name long enough")
    canvas.drawString(180, 503, "Procedure note")
    canvas.drawString(100, 480, "Clear of both")
    canvas.save()
    assert overlapping(page_lines(buffer.getvalue())) == [("Clinic name long enough", "Procedure note")]


def test_a_draft_of_it_is_one_page_too(protocol: Protocol) -> None:
    pages = pages_text(render_note(worst_note(protocol, sign=False)))
    assert len(pages) == 1
    assert DRAFT_MARK in pages[0]
    assert flat(WORST_COMMENTS) in flat(pages[0])


def test_only_addenda_go_on_to_page_two(protocol: Protocol) -> None:
    """The session, to its signature, stays on page 1; the addenda after signing continue under the header."""
    addenda = (
        Addendum(42, "Telephone review at two weeks: " + "neck stiffness resolved, no dysphagia. " * 12, "Ana Núñez, MD",
                 datetime(2026, 1, 27, 9, 0, tzinfo=UTC)),
        Addendum(42, "Lot C5678B recall notice checked: this vial is not affected.", "Ana Núñez, MD",
                 datetime(2026, 2, 2, 11, 30, tzinfo=UTC)),
    )  # fmt: skip
    pdf = render_note(worst_note(protocol, addenda))
    first, second = (flat(page) for page in pages_text(pdf))
    assert f"Electronically signed by {WORST_INJECTOR.display_name}" in first
    assert "Content SHA-256:" in first
    assert "page 2 of 2" in second
    assert WORST_PATIENT.display_name in second, "the header is repeated"
    body = second.split("Addenda after signing", 1)
    assert len(body) == 2, "the addenda start page 2 with their heading"
    for part in ("Electronically signed", "Outcomes at this visit", "Comments:", "Notices:", WORST_COMMENTS[:40]):
        assert part not in second
    assert "Lot C5678B recall notice checked: this vial is not affected." in body[1]
    assert "2026-01-27 09:00 +00:00, Ana Núñez, MD:" in body[1]
