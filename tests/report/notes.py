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
from charting.domain.session import AdverseEvent, Outcomes, Patient, Session, Status, content_hash
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
    settings: ClinicalSettings | None = None,
) -> ProcedureNote:
    """The note of a session with the standard clinic, injector and baseline."""
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
