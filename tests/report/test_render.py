"""The printed note: text extraction with pypdf, page count, determinism, fonts, and a look at the page."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication

from charting.domain import marking
from charting.domain.people import Addendum
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.report import fonts
from charting.report.render import render_note
from tests.report.notes import (
    HOSTILE,
    PATIENT,
    adverse_event,
    flat,
    note_of,
    pages_text,
    raster,
    session,
    signed,
    with_ftp,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"


@pytest.fixture(scope="module")
def full_pdf(protocol: Protocol) -> bytes:
    """A signed 39-site, 195 U note with an adverse event, a skipped site's reason and comments."""
    chart = with_ftp(protocol, session(protocol, adverse_events=(adverse_event(),), comments="Tolerated well."))
    return render_note(note_of(protocol, signed(chart)))


def test_every_required_item_is_printed(full_pdf: bytes) -> None:
    text = flat(" ".join(pages_text(full_pdf)))
    required = [
        "Lakeside Headache Clinic",
        "12 Harbour Road, Springfield IL 62701",
        "DOE, Jane",
        "1980-04-02",
        "10023",
        "Date of service 2026-01-12",
        "Ana Núñez, MD (NPI 1234567890)",
        "G43.709 Chronic migraine without aura, not intractable, without status migrainosus",
        "22 a month (baseline)",
        "Hours a day 8",
        "2: topiramate, amitriptyline",
        "Medication overuse assessed",
        "Consent obtained Yes",
        "Time-out performed Yes",
        "Contraindications checked",
        "BOTOX (onabotulinumtoxinA) 200 U",
        "00023-3921-02",
        "1 x 200 U vial",
        "C1234A / 2027-03-31",
        "50 U/mL (5 U per 0.1 mL)",
        "2026-01-12 09:05",
        "30 G 0.5 inch",
        "Injection sites",
        "Corrugator 5 U (1) 5 U (1) - 10 U (2) 10 U (2)",
        "Total (FTP 8) 95 U (19) 95 U (19) 5 U (1) 195 U (39) 155 U (31)",
        "Temporalis: 1 left (5 U), 1 right (5 U)",
        "Skipped sites: none",
        "exceeds the US label dose of 155 U",
        "Units administered 195 U",
        "Units wasted 5 U",
        "64615 1 procedure",
        "J0585 195 units administered",
        "J0585-JW 5 units discarded (waste)",
        "Neck pain; onset day 2; severity mild; action: none",
        "The effect starts in 1-2 weeks.",
        "Do not rub or massage the injection sites.",
        "Stay upright for about 4 hours.",
        "Seek care at once for trouble swallowing, speaking or breathing.",
        "14 (grade III, moderate disability)",
        "59% reduction, responder",
        "Next session due: 2026-04-06",
        "Electronically signed by Ana Núñez, MD on 2026-01-12 10:32 +00:00",
        "Content SHA-256:",
        "Tolerated well.",
    ]
    missing = [item for item in required if item not in text]
    assert not missing, missing


def test_39_sites_fit_one_letter_page(full_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(full_pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)
    assert "page 1 of 1" in pages_text(full_pdf)[0]


def test_a4_is_a_setting(protocol: Protocol) -> None:
    pdf = render_note(note_of(protocol, signed(session(protocol))), paper="a4")
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    with pytest.raises(ValueError, match="Paper size 'legal'"):
        render_note(note_of(protocol, session(protocol)), paper="legal")


@pytest.mark.parametrize(
    ("vial_units", "vials", "ftp", "lines"),
    [
        (200, 1, 0, ["J0585 155 units administered", "J0585-JW 45 units discarded (waste)"]),
        (200, 1, 8, ["J0585 195 units administered", "J0585-JW 5 units discarded (waste)"]),
        (100, 2, 8, ["J0585-JZ 200 units administered, no waste"]),
    ],
)
def test_totals_and_billing_lines(protocol: Protocol, vial_units: int, vials: int, ftp: int, lines: list[str]) -> None:
    chart = with_ftp(protocol, session(protocol, vial_units=vial_units, vials_opened=vials), ftp)
    if vial_units * vials == 200 and ftp == 8 and vial_units == 100:
        chart = replace(marking.set_units(chart, "PRO_M_1", 10), deviation_reason="Glabellar pain")
    text = flat(pages_text(render_note(note_of(protocol, signed(chart))))[0])
    assert "64615 1 procedure" in text
    for line in lines:
        assert line in text
    if vial_units == 100:
        assert "JW" not in text
        assert "Deviation reason recorded: Glabellar pain" in text


def test_user_text_prints_literally_never_as_markup(protocol: Protocol) -> None:
    patient = Patient(mrn="A&B<1>", family_name=HOSTILE, given_name=HOSTILE, dob=PATIENT.dob, id=7)
    chart = marking.skip(session(protocol, comments="Dose <10 U> & more"), protocol, "CPS_L_2", HOSTILE)
    text = flat(" ".join(pages_text(render_note(note_of(protocol, chart, patient=patient)))))
    assert f"{HOSTILE.upper()}, {HOSTILE}" in text
    assert f"Left cervical paraspinal, site 2: {HOSTILE}" in text
    assert "Dose <10 U> & more" in text
    assert "A&B<1>" in text


def test_comments_typed_over_lines_print_over_lines(protocol: Protocol) -> None:
    lines = ("Below 15 headache days for 3 months.", "Discussed stopping; the patient prefers to continue.")
    pages = pages_text(render_note(note_of(protocol, signed(session(protocol, comments="\n".join(lines))))))
    printed = [line.strip() for line in pages[0].splitlines()]
    assert f"Comments: {lines[0]}" in printed and lines[1] in printed, "each line of the comments starts a line"


@pytest.mark.parametrize(
    ("family", "given"),
    [("Παπαδοπούλου", "Ελένη"), ("Жукова", "Анна"), ("Nguyễn", "Zoë"), ("Ødegård", "François")],
)
def test_non_latin_and_accented_names_extract_right(protocol: Protocol, family: str, given: str) -> None:
    patient = Patient(mrn="10023", family_name=family, given_name=given, dob=PATIENT.dob, id=7)
    text = flat(pages_text(render_note(note_of(protocol, signed(session(protocol)), patient=patient)))[0])
    assert f"{family.upper()}, {given}" in text


def test_fonts_are_embedded_unicode_truetype(full_pdf: bytes) -> None:
    page = PdfReader(io.BytesIO(full_pdf)).pages[0]
    fonts = page["/Resources"]["/Font"]
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        names.add(str(font["/BaseFont"]).split("+")[-1])
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"} <= names


def test_diagram_is_vector_not_a_picture(full_pdf: bytes) -> None:
    page = PdfReader(io.BytesIO(full_pdf)).pages[0]
    xobjects = page["/Resources"].get("/XObject", {})
    assert all(xobject.get_object().get("/Subtype") != "/Image" for xobject in xobjects.values())


def test_draft_is_marked_on_every_page(protocol: Protocol) -> None:
    chart = session(protocol, comments="A long comment. " * 450)
    pages = pages_text(render_note(note_of(protocol, chart)))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "DRAFT - not signed" in page
        assert f"page {number} of {len(pages)}" in page
        assert "DOE, Jane" in page
    assert "printed 2026-01-12 10:00" in pages[0]


def test_a_long_addendum_flows_to_page_two_with_the_header(protocol: Protocol) -> None:
    addendum = Addendum(42, "Follow-up call. " * 300, "Ana Núñez, MD", datetime(2026, 1, 15, 14, 0, tzinfo=UTC))
    pages = pages_text(render_note(note_of(protocol, signed(session(protocol)), addenda=(addendum,))))
    assert len(pages) == 2
    assert "page 2 of 2" in pages[1]
    assert "DOE, Jane" in pages[1]
    assert "Follow-up call." in pages[1]
    assert all("DRAFT" not in page for page in pages)


def test_same_input_gives_the_same_bytes_dated_by_the_signature(protocol: Protocol) -> None:
    note = note_of(protocol, signed(with_ftp(protocol, session(protocol))))
    first, second = render_note(note), render_note(note)
    assert first == second
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None
    assert metadata.creation_date == datetime(2026, 1, 12, 10, 32, tzinfo=UTC)
    other = render_note(note_of(protocol, signed(session(protocol))))
    assert other != first


def test_reused_fonts_and_art_give_the_bytes_of_a_fresh_process(protocol: Protocol) -> None:
    note = note_of(protocol, signed(with_ftp(protocol, session(protocol))))
    warm = render_note(note)
    fonts.forget_subsets()
    assert render_note(note) == warm


def test_page_renders_with_coloured_markers(full_pdf: bytes, qapp: QApplication) -> None:
    """Render to PNG (kept in test-artifacts/report/ to look at) and check the markers' colours are there."""
    picture = raster(full_pdf, dpi=100)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    picture.save(ARTIFACTS / "note-39-sites.png")
    colours = {colour for _, colour in picture.getcolors(maxcolors=1 << 20) or []}
    near = lambda target: any(sum(abs(a - b) for a, b in zip(c, target, strict=True)) < 30 for c in colours)  # noqa: E731
    assert near((0x00, 0x72, 0xB2)), "injected markers (blue) are drawn"
    assert near((0xD5, 0x5E, 0x00)), "follow-the-pain diamonds (vermillion) are drawn"
