"""Sessions, patients and notes shared by the report tests: real domain values, no mocks."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

from PIL import Image, ImageChops
from pypdf import PdfReader

from charting.domain import marking
from charting.domain.eligibility import Baseline
from charting.domain.people import Addendum, Clinic, Injector
from charting.domain.protocol import Protocol
from charting.domain.session import (
    AdverseEvent,
    Answer,
    Outcomes,
    Patient,
    Session,
    Status,
    Visit,
    content_hash,
)
from charting.domain.settings import ClinicalSettings
from charting.report.note import ProcedureNote, build_note

SERVICE_DATE = date(2026, 1, 12)
SIGNED_AT = datetime(2026, 1, 12, 10, 32, tzinfo=UTC)
PRINTED_AT = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
PREVIOUS = date(2025, 10, 15)
HOSTILE = "<b>&amp; O'Brien</b>"

# Follow-the-pain sites inside the protocol's regions, clear of the fixed sites: 8 extra, 39 sites, 195 U.
FTP_SITES = (
    ("temporalis", "left", "left", 282.0, 98.0),
    ("temporalis", "right", "right", 118.0, 98.0),
    ("occipitalis", "left", "back", 128.0, 60.0),
    ("occipitalis", "right", "back", 272.0, 60.0),
    ("trapezius", "left", "back", 104.0, 238.0),
    ("trapezius", "left", "back", 62.0, 256.0),
    ("trapezius", "right", "back", 296.0, 238.0),
    ("trapezius", "right", "back", 338.0, 256.0),
)

CLINIC = Clinic("Lakeside Headache Clinic", "12 Harbour Road, Springfield IL 62701", "(217) 555-0100")
INJECTOR = Injector("Ana Núñez", "MD", "1234567890", id=1)
PATIENT = Patient(mrn="10023", family_name="Doe", given_name="Jane", dob=date(1980, 4, 2), id=7, allergies="penicillin")
BASELINE = Baseline(
    headache_days=22,
    headache_hours_per_day=8,
    failed_preventives=("topiramate", "amitriptyline"),
    specific_acute_days=8,
    simple_analgesic_days=6,
)


def session(protocol: Protocol, *, vial_units: int = 200, vials_opened: int = 1, **header: object) -> Session:
    """A complete PREEMPT 155 U draft: every fixed site at 5 U, all header fields and outcomes recorded."""
    product = "botox_200" if vial_units == 200 else "botox_100"
    draft = Session(
        performed_on=SERVICE_DATE,
        id=42,
        patient_id=PATIENT.id,
        injector=INJECTOR.name,
        product_id=product,
        vial_units=vial_units,
        vials_opened=vials_opened,
        lot_number="C1234A",
        lot_expiry=date(2027, 3, 31),
        saline_ml=vial_units / 50,
        reconstituted_at=datetime(2026, 1, 12, 9, 5, tzinfo=UTC),
        needle="30 G 0.5 inch",
        diagnosis_code="G43.709",
        consent=True,
        time_out=True,
        contraindications_checked=True,
        outcomes=Outcomes(
            headache_days=9, migraine_days=6, moderate_severe_days=4, acute_medication_days=5, midas=14, hit6=58
        ),
    )
    return replace(marking.apply_protocol(draft, protocol), **header)  # type: ignore[arg-type]


def with_ftp(protocol: Protocol, draft: Session, count: int = len(FTP_SITES)) -> Session:
    """The draft with the first ``count`` follow-the-pain sites added at 5 U."""
    for muscle, side, view, x, y in FTP_SITES[:count]:
        draft, _ = marking.add_ftp(draft, protocol, muscle, side=side, view=view, x=x, y=y)
    return draft


def signed(draft: Session) -> Session:
    """The draft signed by the injector, with its content hash, as storage signs it."""
    done = replace(draft, status=Status.SIGNED, signed_at=SIGNED_AT, signed_by=INJECTOR.display_name)
    return replace(done, content_sha256=content_hash(done))


def note_of(
    protocol: Protocol,
    chart: Session,
    *,
    patient: Patient = PATIENT,
    addenda: tuple[Addendum, ...] = (),
    baseline: Baseline | None = BASELINE,
    previous: date | None = PREVIOUS,
    earlier: tuple[Visit, ...] = (),
    settings: ClinicalSettings | None = None,
) -> ProcedureNote:
    """The note of a session with the standard clinic, injector and baseline (and the ``earlier`` signed visits)."""
    return build_note(
        chart,
        patient,
        protocol,
        CLINIC,
        INJECTOR,
        addenda,
        settings=settings or ClinicalSettings(),
        baseline=baseline,
        previous_session_date=previous,
        earlier_visits=earlier,
        printed_at=PRINTED_AT,
    )


def adverse_event() -> AdverseEvent:
    """A mild neck pain on day 2."""
    return AdverseEvent("Neck pain", onset="day 2", severity="mild", action="none")


def pages_text(pdf: bytes) -> list[str]:
    """The extracted text of each page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(value: str) -> str:
    """Text with runs of whitespace made single spaces (extraction breaks lines where the layout does)."""
    return " ".join(value.split())


def raster(pdf: bytes, dpi: float = 150) -> Image.Image:
    """The first page drawn by Qt's PDF module (a runtime dependency, so no system tool is needed), as RGB.

    Needs a QGuiApplication: tests that call it take pytest-qt's ``qapp`` fixture.
    """
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    source = QBuffer()
    source.setData(QByteArray(pdf))
    source.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(source)
    points = document.pagePointSize(0)
    image = document.render(0, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
    png = QBuffer()
    png.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(png, "PNG")
    with Image.open(io.BytesIO(bytes(png.data().data()))) as picture:
        return picture.convert("RGB")


def differing_pixels(first: Image.Image, second: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    """How many pixels of two same-sized pictures differ by more than anti-aliasing does (in grey)."""
    a, b = first.convert("L"), second.convert("L")
    if box is not None:
        a, b = a.crop(box), b.crop(box)
    return ImageChops.difference(a, b).point(lambda v: 255 if v > 40 else 0).histogram()[255]


WORST_CLINIC = Clinic(
    "Saint Bartholomew's Comprehensive Headache and Neurological Rehabilitation Centre",
    "Suite 1400, Riverside Medical Office Building, 2250 North Lakeshore Memorial Parkway,\n"
    "Springfield, Illinois 62701-4432, United States",
    "(217) 555-0100 ext. 4471",
)
WORST_INJECTOR = Injector("Bartholomew Alexander Featherstonehaugh-Worthington", "MD, PhD, FAHS, FAAN", "1234567890")
WORST_PATIENT = Patient(
    mrn="MRN-2026-000451-LKS",
    family_name="Wolfeschlegelsteinhausen-Bergerdorff",
    given_name="Maria-Aleksandra Konstantina",
    dob=date(1958, 11, 30),
    id=7,
    allergies="penicillin (hives), sulfonamides (rash), latex (contact dermatitis), iodinated contrast (anaphylaxis)",
)
WORST_BASELINE = Baseline(
    headache_days=26,
    headache_hours_per_day=12,
    failed_preventives=("topiramate", "amitriptyline", "propranolol", "candesartan", "erenumab", "sodium valproate"),
    specific_acute_days=12,
    simple_analgesic_days=16,
    overuse_managed=True,
    migraine_days=19,
    moderate_severe_days=21,
    midas=62,
    hit6=68,
)
WORST_SETTINGS = ClinicalSettings(responder_threshold_pct=50)
"""A clinic on the 50% responder threshold, so that 14 days against 26 is no response and both course notices print."""
WORST_EARLIER = (
    Visit(date(2025, 5, 20), 195, 26),
    Visit(date(2025, 8, 19), 195, 14),
    Visit(date(2025, 11, 13), 195, 14),
)
"""The course before the longest session: the first treatment and two cycles without a response."""
WORST_OUTCOMES = Outcomes(
    headache_days=14, migraine_days=11, moderate_severe_days=9, acute_medication_days=12, midas=14, hit6=58
)
WORST_OVERRIDES = (
    (
        "contra_infection",
        "Small folliculitis patch over the right trapezius only; the affected sites moved medially after review by "
        "the dermatology registrar the same morning",
    ),
)
WORST_SCREENING = {
    "infection_at_site": Answer.YES,
    "hypersensitivity": Answer.NO,
    "neuromuscular_disease": Answer.YES,
    "other_toxin_12_weeks": Answer.YES,
}
"""A contraindication overridden with its reason and both cautions: the longest screening a signed note prints."""
WORST_NON_DEFAULT = (("FRO_L_1", 2.5), ("FRO_R_1", 2.5), ("OCC_L_1", 7.5), ("TEM_L_FTP1", 10.0), ("TRA_R_1", 2.5))
"""Doses off the protocol's default that keep 195 U while taking the temporalis and occipitalis past their caps."""
WORST_EVENTS = (
    AdverseEvent(
        "Vasovagal episode",
        onset="during the procedure",
        severity="moderate",
        action="medical review",
        detail="Pale and light-headed after the trapezius sites; laid supine with legs raised, recovered in 10 minutes, "
        "blood pressure 92/58 then 118/74",
    ),
    AdverseEvent(
        "Injection-site pain",
        onset="during the procedure",
        severity="mild",
        action="ice/pressure",
        detail="Sharp pain at the left occipital follow-the-pain site; eased with ice and pressure before discharge",
    ),
    AdverseEvent(
        "Bruising or bleeding",
        onset="within 1 hour",
        severity="mild",
        action="ice/pressure",
        detail="Small bruise at the right frontalis site; pressure for 2 minutes, no further bleeding",
    ),
    AdverseEvent(
        "Neck weakness or stiffness",
        onset="same day",
        severity="mild",
        action="observed",
        detail="Reported by telephone the same evening; advised about posture and to call if swallowing is affected",
    ),
)
WORST_NEEDLE = "30-gauge 0.5-inch for the head; 27-gauge 1-inch for the cervical paraspinal and trapezius (thick neck)"
WORST_DEVIATION = (
    "Patient reports the most severe pain over the left temple and the left occiput; follow-the-pain doses raised "
    "there after discussion with the patient and her neurologist, lower doses in the frontalis to limit brow ptosis"
)
WORST_INTERVAL = (
    "Severe rebound after the last cycle wore off early; brought forward with the payer's written prior "
    "authorisation (reference PA-77812) on file"
)
WORST_COMMENTS = (
    "Tolerated the procedure well apart from the vasovagal episode noted above. Frontalis doses lowered because of "
    "brow heaviness after the last cycle; the patient agrees to report any ptosis. Diary and MIDAS questionnaire "
    "reviewed with the patient; she will keep the headache diary for the next 12 weeks and bring it to the next "
    "visit. Discussed the medication overuse plan: simple analgesics at most 2 days a week."
)
WORST_SIGNED_AT = datetime(2026, 1, 13, 15, 40, tzinfo=UTC)
"""Signed 30 hours after reconstitution, so the reconstitution notice prints."""
WORST_PREVIOUS = date(2025, 11, 13)
"""The last of ``WORST_EARLIER``."""


def worst_session(protocol: Protocol, *, sign: bool = True) -> Session:
    """The longest realistic session: 39 sites and 195 U with follow-the-pain at the caps, every notice and
    deviation a signed note can print (with long reasons), four adverse events with details, every outcome, long
    names, needle text and comments; signed unless ``sign`` is False."""
    draft = with_ftp(
        protocol,
        session(
            protocol,
            vial_units=100,
            vials_opened=2,
            product_id="botox_cosmetic_100",
            saline_ml=2.5,
            lot_number="C5678B-2026-LOT-0042",
            needle=WORST_NEEDLE,
            diagnosis_code="G43.719",
            deviation_reason=WORST_DEVIATION,
            interval_reason=WORST_INTERVAL,
            comments=WORST_COMMENTS,
        ),
    )
    for site_id, units in WORST_NON_DEFAULT:
        draft = marking.set_units(draft, site_id, units)
    for event in WORST_EVENTS:
        draft = marking.add_adverse_event(draft, protocol, event)
    for question, answer in WORST_SCREENING.items():
        draft = marking.answer_screening(draft, question, answer)
    for code, reason in WORST_OVERRIDES:
        draft = marking.set_override(draft, code, reason)
    draft = marking.set_outcomes(draft, WORST_OUTCOMES)
    if not sign:
        return draft
    done = replace(draft, status=Status.SIGNED, signed_at=WORST_SIGNED_AT, signed_by=WORST_INJECTOR.display_name)
    return replace(done, content_sha256=content_hash(done))


def worst_note(protocol: Protocol, addenda: tuple[Addendum, ...] = (), *, sign: bool = True) -> ProcedureNote:
    """The note of ``worst_session``: its previous session 60 days before (an early interval), after two cycles
    without a response and below the episodic threshold, a contraindication overridden and both cautions."""
    return build_note(
        worst_session(protocol, sign=sign),
        WORST_PATIENT,
        protocol,
        WORST_CLINIC,
        WORST_INJECTOR,
        addenda,
        settings=WORST_SETTINGS,
        baseline=WORST_BASELINE,
        previous_session_date=WORST_PREVIOUS,
        earlier_visits=WORST_EARLIER,
        printed_at=None if sign else WORST_SIGNED_AT,
    )
