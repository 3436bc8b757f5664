"""A charted session: the header (product, lot, dilution, consent) and the injections, as immutable values."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from charting.domain.people import Clinic, Injector
from charting.domain.settings import ClinicalSettings


class Status(StrEnum):
    """Where a session stands: a draft can change; a signed session never does."""

    DRAFT = "draft"
    SIGNED = "signed"


class Kind(StrEnum):
    """A fixed protocol site or a follow-the-pain site."""

    FIXED = "fixed"
    FTP = "ftp"


@dataclass(frozen=True)
class Patient:
    """The person treated."""

    mrn: str
    family_name: str
    given_name: str
    dob: date
    id: int | None = None
    sex: str = ""
    allergies: str = ""

    @property
    def display_name(self) -> str:
        """FAMILY, Given: the form used on the screen and the note."""
        return f"{self.family_name.upper()}, {self.given_name}"


@dataclass(frozen=True)
class Baseline:
    """The patient's figures before the first treatment, and what was tried."""

    headache_days: int | None = None
    headache_hours_per_day: float | None = None
    failed_preventives: tuple[str, ...] = field(default_factory=tuple)
    specific_acute_days: int | None = None
    """Days a month on triptans, ergots, opioids or combination analgesics."""
    simple_analgesic_days: int | None = None
    """Days a month on simple analgesics."""
    overuse_managed: bool = False
    migraine_days: int | None = None
    moderate_severe_days: int | None = None
    midas: int | None = None
    hit6: int | None = None


@dataclass(frozen=True)
class Visit:
    """An earlier signed session as the treatment course sees it: its date, dose and headache days."""

    performed_on: date
    units: float
    headache_days: int | None = None


@dataclass(frozen=True)
class SignedContext:
    """What the note prints beside the session itself, frozen when it is signed: a signed note never changes,
    whatever later happens to the patient's record, the baseline, the clinic or the injector's profile."""

    patient: Patient
    clinic: Clinic | None = None
    injector: Injector | None = None
    baseline: Baseline | None = None
    previous_session_date: date | None = None
    settings: ClinicalSettings | None = None
    """The thresholds the note's response verdict and next due date were worked out with."""
    protocol_sha256: str = ""
    """The protocol signed under, by the SHA-256 of its frozen text (empty: signed before protocols were kept)."""
    earlier_visits: tuple[Visit, ...] = ()
    """The patient's other signed sessions up to the date of service, oldest first: the treatment course so far."""


class Answer(StrEnum):
    """The answer to a screening question: not asked yet, no, or yes."""

    UNASKED = ""
    NO = "no"
    YES = "yes"


@dataclass(frozen=True)
class Screening:
    """The contraindications and cautions asked before the procedure (clinical reference section 7)."""

    infection_at_site: Answer = Answer.UNASKED
    hypersensitivity: Answer = Answer.UNASKED
    neuromuscular_disease: Answer = Answer.UNASKED
    other_toxin_12_weeks: Answer = Answer.UNASKED

    @property
    def answers(self) -> dict[str, Answer]:
        """Each question's answer by its field name."""
        return {name: getattr(self, name) for name in SCREENING_QUESTIONS}

    @property
    def complete(self) -> bool:
        """True when every question has been answered."""
        return all(answer is not Answer.UNASKED for answer in self.answers.values())


SCREENING_QUESTIONS = {
    "infection_at_site": "Infection at a proposed injection site",
    "hypersensitivity": "Hypersensitivity to any botulinum toxin product",
    "neuromuscular_disease": "Neuromuscular disease (myasthenia gravis, Lambert-Eaton, ALS)",
    "other_toxin_12_weeks": "Another botulinum toxin in the last 12 weeks",
}
"""The screening questions by field name, in the words the window and the note use."""


@dataclass(frozen=True)
class Override:
    """A refusal the injector chose to proceed past, with the reason the note prints."""

    code: str
    reason: str


@dataclass(frozen=True)
class Injection:
    """One site of a session: injected with its units, or a fixed site skipped with a reason (units 0)."""

    site_id: str
    muscle: str
    side: str
    view: str
    x: float
    y: float
    units: float
    kind: Kind = Kind.FIXED
    skipped_reason: str = ""

    @property
    def skipped(self) -> bool:
        """True when the site was recorded as not injected."""
        return bool(self.skipped_reason)

    @property
    def injected_units(self) -> float:
        """The units that went in: zero for a skipped site."""
        return 0.0 if self.skipped else self.units


@dataclass(frozen=True)
class AdverseEvent:
    """An adverse event with its onset, severity and the action taken."""

    event: str
    onset: str = ""
    severity: str = ""
    action: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Outcomes:
    """Headache figures reported at a visit (last 28-30 days) and the MIDAS and HIT-6 totals."""

    headache_days: int | None = None
    migraine_days: int | None = None
    moderate_severe_days: int | None = None
    acute_medication_days: int | None = None
    headache_hours_per_day: float | None = None
    midas: int | None = None
    hit6: int | None = None


HEADER_FIELDS = (
    "performed_on",
    "injector",
    "product_id",
    "vial_units",
    "vials_opened",
    "lot_number",
    "lot_expiry",
    "saline_ml",
    "reconstituted_at",
    "needle",
    "diagnosis_code",
    "consent",
    "time_out",
    "contraindications_checked",
    "deviation_reason",
    "interval_reason",
    "comments",
    "screening",
    "overrides",
)
"""The session's header: its fields other than the patient, the injections, adverse events, outcomes and signature."""


@dataclass(frozen=True)
class Session:
    """One treatment: header fields, injections and outcomes. Change it with the functions of ``marking``."""

    performed_on: date
    id: int | None = None
    patient_id: int | None = None
    status: Status = Status.DRAFT
    injector: str = ""
    product_id: str = ""
    vial_units: int = 0
    vials_opened: int = 1
    lot_number: str = ""
    lot_expiry: date | None = None
    saline_ml: float | None = None
    reconstituted_at: datetime | None = None
    needle: str = ""
    diagnosis_code: str = ""
    consent: bool = False
    time_out: bool = False
    contraindications_checked: bool = False
    deviation_reason: str = ""
    interval_reason: str = ""
    comments: str = ""
    injections: tuple[Injection, ...] = ()
    adverse_events: tuple[AdverseEvent, ...] = ()
    outcomes: Outcomes = field(default_factory=Outcomes)
    screening: Screening = field(default_factory=Screening)
    overrides: tuple[Override, ...] = ()
    signed_at: datetime | None = None
    signed_by: str = ""
    content_sha256: str = ""
    signed_context: SignedContext | None = None
    """Set when the session is signed; covered by the signature."""

    @property
    def signed(self) -> bool:
        """True once the session is signed and can no longer change."""
        return self.status is Status.SIGNED

    def injection(self, site_id: str) -> Injection | None:
        """The injection at a site, or None when the site is not marked."""
        for injection in self.injections:
            if injection.site_id == site_id:
                return injection
        return None

    @property
    def units_administered(self) -> float:
        """All units injected in this session."""
        return sum(injection.injected_units for injection in self.injections)

    @property
    def sites_injected(self) -> int:
        """How many sites received toxin."""
        return sum(1 for injection in self.injections if not injection.skipped)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


SIGNATURE_EXCLUDED = ("id", "status", "content_sha256")
ADDED_WHEN_SET: dict[str, dict[str, Any]] = {
    "session": {"screening": asdict(Screening()), "overrides": ()},
    "signed_context": {"protocol_sha256": "", "earlier_visits": ()},
    "baseline": {"migraine_days": None, "moderate_severe_days": None, "midas": None, "hit6": None},
}
"""Fields added after sessions were first signed, by the part they belong to, with their empty values: the hash
leaves a field out while it is empty, so sessions signed before it existed keep their hashes."""


def _drop_empty(data: dict[str, Any], part: str) -> None:
    for key, empty in ADDED_WHEN_SET[part].items():
        if data.get(key) == empty:
            data.pop(key, None)


def canonical_content(session: Session) -> str:
    """The session's clinical content as canonical JSON: what the signature's SHA-256 covers."""
    data = asdict(session)
    for key in SIGNATURE_EXCLUDED:
        data.pop(key)
    _drop_empty(data, "session")
    context = data["signed_context"]
    if context is None:  # sessions signed before the context was kept hash as they always did
        data.pop("signed_context")
    else:
        _drop_empty(context, "signed_context")
        if context["baseline"] is not None:
            _drop_empty(context["baseline"], "baseline")
    data["injections"] = sorted(data["injections"], key=lambda item: item["site_id"])
    return json.dumps(_jsonable(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(session: Session) -> str:
    """SHA-256 (hex) of the canonical content."""
    return hashlib.sha256(canonical_content(session).encode("utf-8")).hexdigest()
