"""The repository: domain values in and out of the database, each write one transaction with its audit entry."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from charting.domain.checklist import evaluate_visit
from charting.domain.clock import aware
from charting.domain.eligibility import Baseline
from charting.domain.frozen_protocol import protocol_from_json, protocol_json, protocol_sha256
from charting.domain.interval import interval_status
from charting.domain.outcomes import baseline_problems
from charting.domain.people import Addendum, Clinic, Injector
from charting.domain.protocol import Protocol, ProtocolError, load_protocol
from charting.domain.rules import signing_blockers
from charting.domain.session import (
    HEADER_FIELDS,
    AdverseEvent,
    Answer,
    Injection,
    Kind,
    Outcomes,
    Override,
    Patient,
    Screening,
    Session,
    SignedContext,
    Status,
    Visit,
    content_hash,
)
from charting.domain.settings import ClinicalSettings
from charting.domain.totals import compute_totals
from charting.resources import protocol_path
from charting.storage.audit_chain import CHAIN_FUNCTION, HEAD_SQL, chain_head, register_chain_function
from charting.storage.credentials import (
    WRONG_PIN_WINDOW,
    WRONG_PINS_BEFORE_PAUSE,
    hash_pin,
    pin_matches,
    pin_pause_left,
    pin_problem,
)
from charting.storage.database import database_path, immediate, translate_error
from charting.storage.errors import DuplicatePatientError, SignedSessionError, StorageError

log = logging.getLogger(__name__)

Row = dict[str, Any]
Clock = Callable[[], datetime]

OUTCOME_FIELDS = tuple(f.name for f in fields(Outcomes))
SCREENING_COLUMNS = {
    "infection_at_site": "screen_infection",
    "hypersensitivity": "screen_hypersensitivity",
    "neuromuscular_disease": "screen_neuromuscular",
    "other_toxin_12_weeks": "screen_other_toxin",
}
"""The session column that holds each screening answer (migration ``0006_checklist``), by question."""
BASELINE_FIELDS = tuple(f.name for f in fields(Baseline))
PATIENT_FIELDS = ("mrn", "family_name", "given_name", "dob", "sex", "allergies")
SETTINGS_KEY_CLINICAL = "clinical"
DATE_PREFIX = re.compile(r"\d{4}(-\d{0,2}(-\d{0,2})?)?")
"""A typed word that may be the start of a date of birth (YYYY-MM-DD)."""
PREFIX_END = "\U0010ffff"
"""Appended to a prefix to make the upper bound of an index range."""
IDS_PER_QUERY = 500
"""Ids bound in one ``IN (...)`` list: well under SQLite's limit on bound values."""
SIGNED_CANNOT_CHANGE = "This session is signed and cannot change; add an addendum to correct it."
PinPurpose = Literal["sign", "addendum", "unlock", "approval", "PIN change"]
PIN_PURPOSES: dict[PinPurpose, tuple[str, str]] = {
    "sign": ("sign refused: wrong PIN", "Nothing was signed."),
    "addendum": ("addendum refused: wrong PIN", "Nothing was added."),
    "unlock": ("unlock refused: wrong PIN", "The window stays locked."),
    "approval": ("approval refused: wrong PIN", "Nothing was changed."),
    "PIN change": ("PIN change refused: wrong PIN", "The PIN was not changed."),
}
"""What a PIN is typed for: the audit log's action for a wrong one, and the sentence saying what did not happen."""
WRONG_PINS_SQL = (
    "SELECT at FROM audit_log WHERE entity = 'injector' AND entity_id = ? "
    f"AND action IN ({', '.join('?' for _ in PIN_PURPOSES)}) ORDER BY id DESC LIMIT ?"
)
"""A profile's latest wrong PINs, newest first: a backward walk of ``idx_audit_log_entity`` (entity, entity_id, and
the rowid within a key), so it reads only that profile's entries however long the log is."""
NEXT_SESSION_ID_SQL = (
    "SELECT MAX(COALESCE((SELECT MAX(id) FROM sessions), 0), "
    "COALESCE((SELECT MAX(entity_id) FROM audit_log WHERE entity = 'session'), 0)) + 1"
)
"""A new session's id: past every session stored and every session the audit log names (a discarded draft's id is
never given to another session). Both maxima are one index lookup (the primary key, ``idx_audit_log_entity``)."""


REFUSALS: tuple[tuple[str, str], ...] = (
    ("signed session", SIGNED_CANNOT_CHANGE),
    ("addendum: only", "Only a signed session takes addenda; edit the draft itself instead."),
    ("addendum", "Addenda cannot be changed or removed; add another addendum instead."),
    (
        "signed protocol",
        "A protocol that sessions were signed under cannot be changed; edit the protocol file, which sessions "
        "signed from then on use.",
    ),
    ("audit log", "The audit log is never changed, only added to; record the change itself instead."),
    ("row ids", "Record ids never change; edit the record's details instead."),
    (
        "UNIQUE constraint failed: patients.mrn",
        "That record number is already used by another patient; check the number or open that patient.",
    ),
    (
        "UNIQUE constraint failed: injections.session_id, injections.site_id",
        "A site is marked twice in this session; reopen the session and mark the site once.",
    ),
    (
        "FOREIGN KEY constraint failed",
        "The patient, session or injector this refers to no longer exists; refresh the list and try again.",
    ),
    ("NOT NULL constraint failed", "A required value is missing; fill in every required field and save again."),
    ("CHECK constraint failed", "A value entered is not allowed here; correct it and save again."),
)
"""What a refusal by the database (a trigger's or a constraint's message, by its start) means for the user."""
UNSAVED = "The change could not be saved; try again, and run 'charting check' if it keeps failing."


def refusal_error(message: str) -> StorageError:
    """A refusal by the database as a sentence in the user's terms (never SQLite's own text)."""
    sentence = next((words for start, words in REFUSALS if message.startswith(start)), None)
    if sentence is None:
        log.warning("The database refused a change: %s", message)  # constraint names only, never values
        sentence = UNSAVED
    return SignedSessionError(sentence) if sentence == SIGNED_CANNOT_CHANGE else StorageError(sentence)


class PinRefusedError(StorageError):
    """A PIN was not taken: wrong, or not checked during the pause after too many wrong ones (``seconds_left``)."""

    def __init__(self, sentence: str, seconds_left: int = 0) -> None:
        super().__init__(sentence)
        self.seconds_left = seconds_left
        """Seconds until the profile's PIN is taken again (0: it may be typed again now)."""


def pin_paused_sentence(name: str, seconds_left: int, outcome: str) -> str:
    """What the pause after too many wrong PINs means for the user, and what to do."""
    window_minutes = int(WRONG_PIN_WINDOW.total_seconds()) // 60
    return (
        f"{WRONG_PINS_BEFORE_PAUSE} wrong PINs for {name} within {window_minutes} minutes; wait {seconds_left} "
        f"seconds and type it again. {outcome}"
    )


def utc_now() -> datetime:
    """The current time in UTC (the repository's default clock)."""
    return datetime.now(UTC)


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _datetime(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _session_columns(session: Session, protocol: Protocol) -> Row:
    totals = compute_totals(session, protocol)
    outcomes = session.outcomes
    return {
        "patient_id": session.patient_id,
        "performed_on": session.performed_on.isoformat(),
        "injector": session.injector,
        "product": session.product_id,
        "vial_units": session.vial_units,
        "vials_opened": session.vials_opened,
        "lot_number": session.lot_number,
        "lot_expiry": _iso(session.lot_expiry),
        "saline_ml": session.saline_ml,
        "reconstituted_at": _iso(session.reconstituted_at),
        "needle": session.needle,
        "diagnosis_code": session.diagnosis_code,
        "consent": int(session.consent),
        "time_out": int(session.time_out),
        "contraindications_checked": int(session.contraindications_checked),
        "deviation_reason": session.deviation_reason,
        "interval_reason": session.interval_reason,
        "comments": session.comments,
        **{column: getattr(session.screening, question).value for question, column in SCREENING_COLUMNS.items()},
        "overrides": json.dumps([[o.code, o.reason] for o in session.overrides], ensure_ascii=False),
        "units_administered": totals.total_units,
        "units_wasted": totals.units_wasted,
        "sites_injected": totals.total_sites,
        **{name: getattr(outcomes, name) for name in OUTCOME_FIELDS},
    }


def _injection_rows(session_id: int, injections: Sequence[Injection]) -> list[Row]:
    return [
        {
            "session_id": session_id,
            "position": position,
            "site_id": inj.site_id,
            "muscle": inj.muscle,
            "side": inj.side,
            "view": inj.view,
            "x": inj.x,
            "y": inj.y,
            "units": inj.units,
            "kind": inj.kind.value,
            "skipped_reason": inj.skipped_reason,
        }
        for position, inj in enumerate(injections)
    ]


def _adverse_rows(session_id: int, events: Sequence[AdverseEvent]) -> list[Row]:
    return [
        {
            "session_id": session_id,
            "position": position,
            "event": event.event,
            "onset": event.onset,
            "severity": event.severity,
            "action": event.action,
            "detail": event.detail,
        }
        for position, event in enumerate(events)
    ]


def _patient(row: Row) -> Patient:
    return Patient(
        id=row["id"],
        mrn=row["mrn"],
        family_name=row["family_name"],
        given_name=row["given_name"],
        dob=date.fromisoformat(row["dob"]),
        sex=row["sex"],
        allergies=row["allergies"],
    )


def _injection(row: Row) -> Injection:
    return Injection(
        site_id=row["site_id"],
        muscle=row["muscle"],
        side=row["side"],
        view=row["view"],
        x=float(row["x"]),
        y=float(row["y"]),
        units=float(row["units"]),
        kind=Kind(row["kind"]),
        skipped_reason=row["skipped_reason"],
    )


def _adverse_event(row: Row) -> AdverseEvent:
    return AdverseEvent(
        event=row["event"], onset=row["onset"], severity=row["severity"], action=row["action"], detail=row["detail"]
    )


def _session(row: Row, injections: Sequence[Injection], events: Sequence[AdverseEvent]) -> Session:
    return Session(
        id=row["id"],
        patient_id=row["patient_id"],
        performed_on=date.fromisoformat(row["performed_on"]),
        status=Status(row["status"]),
        injector=row["injector"],
        product_id=row["product"],
        vial_units=int(row["vial_units"]),
        vials_opened=int(row["vials_opened"]),
        lot_number=row["lot_number"],
        lot_expiry=_date(row["lot_expiry"]),
        saline_ml=_float(row["saline_ml"]),
        reconstituted_at=_datetime(row["reconstituted_at"]),
        needle=row["needle"],
        diagnosis_code=row["diagnosis_code"],
        consent=bool(row["consent"]),
        time_out=bool(row["time_out"]),
        contraindications_checked=bool(row["contraindications_checked"]),
        deviation_reason=row["deviation_reason"],
        interval_reason=row["interval_reason"],
        comments=row["comments"],
        screening=Screening(**{question: Answer(row[column]) for question, column in SCREENING_COLUMNS.items()}),
        overrides=tuple(Override(code, reason) for code, reason in json.loads(row["overrides"])),
        injections=tuple(injections),
        adverse_events=tuple(events),
        outcomes=Outcomes(
            headache_days=_int(row["headache_days"]),
            migraine_days=_int(row["migraine_days"]),
            moderate_severe_days=_int(row["moderate_severe_days"]),
            acute_medication_days=_int(row["acute_medication_days"]),
            headache_hours_per_day=_float(row["headache_hours_per_day"]),
            midas=_int(row["midas"]),
            hit6=_int(row["hit6"]),
        ),
        signed_at=_datetime(row["signed_at"]),
        signed_by=row["signed_by"],
        content_sha256=row["content_sha256"],
        signed_context=parse_context(row["signed_context"]),
    )


def context_json(context: SignedContext) -> str:
    """The signed context as JSON for the ``signed_context`` column."""
    return json.dumps(_jsonable(asdict(context)), sort_keys=True, ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def parse_context(text: str) -> SignedContext | None:
    """The signed context stored with a session, or None (a draft, or a session signed before it was kept).

    A session signed since migration ``0005_signed_protocols`` also names its protocol's SHA-256; one signed before
    has none, and its hash leaves the name out.
    """
    if not text:
        return None
    data = json.loads(text)
    patient = dict(data["patient"], dob=date.fromisoformat(data["patient"]["dob"]))
    baseline = data["baseline"]
    previous = data["previous_session_date"]
    return SignedContext(
        patient=Patient(**patient),
        clinic=Clinic(**data["clinic"]) if data["clinic"] is not None else None,
        injector=Injector(**data["injector"]) if data["injector"] is not None else None,
        baseline=(
            Baseline(**dict(baseline, failed_preventives=tuple(baseline["failed_preventives"])))
            if baseline is not None
            else None
        ),
        earlier_visits=tuple(
            Visit(date.fromisoformat(visit["performed_on"]), float(visit["units"]), visit["headache_days"])
            for visit in data.get("earlier_visits", ())
        ),
        previous_session_date=date.fromisoformat(previous) if previous else None,
        settings=ClinicalSettings.from_dict(data["settings"]) if data.get("settings") is not None else None,
        protocol_sha256=data.get("protocol_sha256", ""),
    )


@dataclass(frozen=True)
class SessionSummary:
    """One session as a list row: who, when, status, units and sites (no injections loaded)."""

    id: int
    patient: Patient
    performed_on: date
    status: Status
    units_administered: float
    units_wasted: float
    sites: int
    lot_number: str


@dataclass(frozen=True)
class DueEntry:
    """A patient on the due list: their last signed session and when the next one falls due."""

    patient: Patient
    last_session: date
    next_due: date
    """The earliest eligible date: the last session plus the interval setting."""
    due_until: date
    """The end of the due window (interval plus the window setting)."""

    def days_until(self, today: date) -> int:
        """Days from today to the next due date; negative when it has passed."""
        return (self.next_due - today).days


def session_changes(before: Session, after: Session) -> str:
    """What changed between two versions of a session, by field name and site id only (for the audit log)."""
    changed = [name for name in HEADER_FIELDS if getattr(before, name) != getattr(after, name)]
    if before.outcomes != after.outcomes:
        changed.append("outcomes")
    if before.adverse_events != after.adverse_events:
        changed.append("adverse_events")
    parts = [f"fields: {', '.join(changed)}"] if changed else []
    old = {inj.site_id: inj for inj in before.injections}
    new = {inj.site_id: inj for inj in after.injections}
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    modified = sorted(site for site in new.keys() & old.keys() if new[site] != old[site])
    for label, sites in (("marked", added), ("unmarked", removed), ("changed", modified)):
        if sites:
            parts.append(f"{label}: {', '.join(sites)}")
    return "; ".join(parts)


def _changed_fields(before: object, after: object, names: Sequence[str]) -> str:
    return ", ".join(name for name in names if getattr(before, name) != getattr(after, name))


class Repository:
    """Reads and writes the clinic's records; every change is one transaction with its audit entry."""

    def __init__(
        self,
        db: sqlite3.Connection,
        *,
        actor: str = "system",
        protocol: Protocol | None = None,
        settings: ClinicalSettings | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.actor = actor
        self._protocol = protocol
        self._settings = settings
        self.clock = clock
        self._path = database_path(db) or Path("the database")
        self._protocol_text: str | None = None
        self._signed_protocols: dict[str, Protocol] = {}
        register_chain_function(db)
        journal = str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        main_file = database_path(db)
        self._wal = main_file.with_name(main_file.name + "-wal") if journal == "wal" and main_file else None
        """The write-ahead log every write goes to; it exists as long as this connection is open."""

    # -- plumbing ---------------------------------------------------------------------------------------------------

    @property
    def protocol(self) -> Protocol:
        """The protocol used for totals and the signing rules (the shipped PREEMPT unless one was given)."""
        if self._protocol is None:
            self._protocol = load_protocol(protocol_path())
        return self._protocol

    @property
    def settings(self) -> ClinicalSettings:
        """The clinic's clinical settings: those given, else those stored, else the defaults."""
        if self._settings is None:
            stored = self.setting(SETTINGS_KEY_CLINICAL)
            self._settings = ClinicalSettings.from_dict(json.loads(stored)) if stored else ClinicalSettings()
        return self._settings

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, lock taken up front; SQLite errors become StorageErrors with a sentence."""
        if self._wal is not None and not self._wal.exists():
            raise StorageError(
                f"Another program removed {self._wal.name} while charting was writing to it, so this change was not "
                "saved; close charting and open it again, then make the change again."
            )
        try:
            with immediate(self.db):
                yield
        except sqlite3.IntegrityError as error:
            raise refusal_error(str(error)) from error
        except sqlite3.Error as error:
            raise translate_error(error, self._path) from error
        except UnicodeEncodeError as error:  # a lone surrogate (half of a character) pasted into a text field
            raise StorageError(
                "Some text holds a broken character that cannot be stored; retype the text you last entered, then "
                "save again."
            ) from error

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group many changes into one transaction: all are kept or none (the demo and imports use it)."""
        with self._write():
            yield

    def _audit(self, action: str, entity: str, entity_id: int | None, detail: str = "") -> None:
        """Append an entry to the audit log, chained to the one before it in the same statement (so inside the
        caller's write lock; see ``audit_chain``)."""
        self.db.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, chain_sha256) "
            f"VALUES (?1, ?2, ?3, ?4, ?5, ?6, {CHAIN_FUNCTION}(({HEAD_SQL}), ?1, ?2, ?3, ?4, ?5, ?6))",
            [self.clock().isoformat(), self.actor, action, entity, entity_id, detail],
        )

    def _audit_refusal(self, action: str, injector_id: int) -> None:
        with self._write():
            self._audit(action, "injector", injector_id)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            cursor = self.db.execute(sql, list(params))
        except sqlite3.Error as error:
            raise translate_error(error, self._path) from error
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _row(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    # -- settings ---------------------------------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        """A stored setting's value, or None."""
        row = self._row("SELECT value FROM settings WHERE key = ?", [key])
        return None if row is None else str(row["value"])

    def save_setting(self, key: str, value: str) -> None:
        """Store a setting (key/value)."""
        with self._write():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            self._audit("change", "setting", None, key)

    def save_clinical_settings(self, settings: ClinicalSettings) -> None:
        """Store the clinic's clinical settings; the repository uses them from now on."""
        self._settings = None  # read back from the database: a batch that rolls back leaves the stored ones in use
        self.save_setting(SETTINGS_KEY_CLINICAL, json.dumps(settings.to_dict(), sort_keys=True))

    # -- clinic and people -----------------------------------------------------------------------------------------

    def clinic(self) -> Clinic | None:
        """The clinic profile, or None before the first-run welcome."""
        row = self._row("SELECT name, address, phone FROM clinic WHERE id = 1")
        return None if row is None else Clinic(name=row["name"], address=row["address"], phone=row["phone"])

    def save_clinic(self, clinic: Clinic) -> None:
        """Create or replace the clinic profile."""
        if not clinic.name.strip():
            raise StorageError("The clinic needs a name; enter it and save again.")
        with self._write():
            existing = self.clinic()
            self.db.execute(
                "INSERT INTO clinic (id, name, address, phone) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
                "SET name = excluded.name, address = excluded.address, phone = excluded.phone",
                [clinic.name, clinic.address, clinic.phone],
            )
            if existing is None:
                self._audit("create", "clinic", 1)
            else:
                self._audit("change", "clinic", 1, _changed_fields(existing, clinic, ("name", "address", "phone")))

    def injectors(self) -> list[Injector]:
        """Every injector profile, by name."""
        return [
            Injector(
                id=row["id"],
                name=row["name"],
                credentials=row["credentials"],
                npi=row["npi"],
                can_sign=bool(row["can_sign"]),
            )
            for row in self._rows("SELECT * FROM injectors ORDER BY name COLLATE NOCASE, id")
        ]

    def save_injector(self, injector: Injector, *, approved_by: tuple[int, str] | None = None) -> Injector:
        """Add an injector profile (no id) or update one; returns it with its id.

        Once an injector has a PIN, adding a profile that signs, letting an assistant sign, or renaming a profile that
        signs needs the PIN of an injector who signs (``approved_by``: their id and PIN), so nobody can make a
        signing profile in someone's name. Two profiles never share a name.
        """
        if not injector.name.strip():
            raise StorageError("An injector profile needs a name; enter it and save again.")
        others = [other for other in self.injectors() if other.id != injector.id]
        if any(other.display_name.casefold() == injector.display_name.casefold() for other in others):
            raise StorageError(
                f"A profile named {injector.display_name} exists already; each profile needs its own name."
            )
        before = next((i for i in self.injectors() if i.id == injector.id), None) if injector.id is not None else None
        if self._needs_approval(before, injector) and not self._approved(approved_by):
            raise StorageError(
                "Adding or changing a profile that signs needs the PIN of an injector who signs; ask one to approve it."
            )
        values = [injector.name, injector.credentials, injector.npi, int(injector.can_sign)]
        with self._write():
            if injector.id is None:
                cursor = self.db.execute(
                    "INSERT INTO injectors (name, credentials, npi, can_sign) VALUES (?, ?, ?, ?)", values
                )
                saved = replace(injector, id=cursor.lastrowid)
                self._audit("create", "injector", saved.id)
                return saved
            cursor = self.db.execute(
                "UPDATE injectors SET name = ?, credentials = ?, npi = ?, can_sign = ? WHERE id = ?",
                [*values, injector.id],
            )
            if cursor.rowcount == 0:
                raise StorageError(f"Injector profile {injector.id} no longer exists; add it again.")
            self._audit("change", "injector", injector.id, "name, credentials, npi, can_sign")
            return injector

    def profile_change_needs_approval(self, injector: Injector) -> bool:
        """Whether saving this profile needs an injector's PIN (see ``save_injector``)."""
        before = next((i for i in self.injectors() if i.id == injector.id), None) if injector.id is not None else None
        return self._needs_approval(before, injector)

    def pins_in_use(self) -> bool:
        """True once an injector who signs has set a PIN: from then on changes to who signs need one."""
        return any(i.can_sign and i.id is not None and self.has_pin(i.id) for i in self.injectors())

    def _needs_approval(self, before: Injector | None, after: Injector) -> bool:
        """Whether saving ``after`` over ``before`` makes or renames a signing profile while PINs are in use."""
        if not after.can_sign:
            return False
        changes_signer = before is None or not before.can_sign or before.display_name != after.display_name
        return changes_signer and self.pins_in_use()

    def _approved(self, approved_by: tuple[int, str] | None) -> bool:
        """Whether an injector who signs approves with their PIN; PinRefusedError (with the sentence) for a wrong one."""
        if approved_by is None:
            return False
        approver = next((i for i in self.injectors() if i.id == approved_by[0]), None)
        if approver is None or not approver.can_sign:
            return False
        self.check_pin(approved_by[0], approved_by[1], "approval")
        return True

    def has_pin(self, injector_id: int) -> bool:
        """True when the injector has set a PIN (signing then asks for it)."""
        row = self._row("SELECT pin_hash FROM injectors WHERE id = ?", [injector_id])
        return row is not None and bool(row["pin_hash"])

    def set_pin(self, injector_id: int, pin: str, *, current: str | None = None) -> None:
        """Set the injector's PIN; changing one needs the ``current`` PIN. Stored only as a salted scrypt hash."""
        problem = pin_problem(pin)
        if problem is not None:
            raise StorageError(problem)
        if self.has_pin(injector_id):
            self.check_pin(injector_id, current or "", "PIN change")
        with self._write():
            cursor = self.db.execute("UPDATE injectors SET pin_hash = ? WHERE id = ?", [hash_pin(pin), injector_id])
            if cursor.rowcount == 0:
                raise StorageError(f"Injector profile {injector_id} no longer exists; add it again.")
            self._audit("change", "injector", injector_id, "pin")

    def check_pin(self, injector_id: int, pin: str, purpose: PinPurpose) -> None:
        """Take the profile's PIN for ``purpose``, or raise PinRefusedError with the sentence saying why and what to do.

        The one rule for every PIN typed (``credentials.pin_pause_left``): after too many wrong PINs for a profile, its
        PIN is not even checked until the pause has passed. A wrong PIN is written to the audit log, which is what the
        rule counts: the pause outlasts a closed dialog, a second window and a restart.
        """
        action, outcome = PIN_PURPOSES[purpose]
        name = self._profile_name(injector_id)
        paused = self.pin_pause_seconds(injector_id)
        if not paused:
            if self._pin_matches(injector_id, pin):
                return
            self._audit_refusal(action, injector_id)
            paused = self.pin_pause_seconds(injector_id)  # this wrong PIN may start the pause
        if paused:
            raise PinRefusedError(pin_paused_sentence(name, paused, outcome), paused)
        raise PinRefusedError(f"That is not {name}'s PIN; type it again. {outcome}")

    def pin_pause_seconds(self, injector_id: int) -> int:
        """Seconds until the profile's PIN is taken again after too many wrong ones (0: it is taken now)."""
        actions = [action for action, _outcome in PIN_PURPOSES.values()]
        rows = self._rows(WRONG_PINS_SQL, [injector_id, *actions, WRONG_PINS_BEFORE_PAUSE])
        return pin_pause_left([aware(datetime.fromisoformat(row["at"])) for row in rows], aware(self.clock()))

    def _pin_matches(self, injector_id: int, pin: str) -> bool:
        row = self._row("SELECT pin_hash FROM injectors WHERE id = ?", [injector_id])
        return row is not None and bool(row["pin_hash"]) and pin_matches(pin, str(row["pin_hash"]))

    def _profile_name(self, injector_id: int) -> str:
        """The profile's name as the user knows it (with credentials); StorageError when there is no such profile."""
        name = next((i.display_name for i in self.injectors() if i.id == injector_id), None)
        if name is None:
            raise StorageError(f"Injector profile {injector_id} no longer exists; choose another profile.")
        return name

    # -- patients ---------------------------------------------------------------------------------------------------

    def _check_patient(self, patient: Patient) -> None:
        if not patient.mrn.strip():
            raise StorageError("Enter the patient's record number (MRN) before saving.")
        if not patient.family_name.strip() or not patient.given_name.strip():
            raise StorageError("Enter the patient's family and given names before saving.")
        if patient.dob > self.clock().astimezone().date():
            raise StorageError(f"The date of birth {patient.dob.isoformat()} is in the future; correct it.")

    def _mrn_taken(self, patient: Patient) -> DuplicatePatientError:
        return DuplicatePatientError(
            f"Record number {patient.mrn} is already used by another patient; check the number or open that patient."
        )

    def add_patient(self, patient: Patient) -> Patient:
        """Add a patient; DuplicatePatientError when the record number is taken."""
        self._check_patient(patient)
        now = self.clock().isoformat()
        try:
            with self._write():
                cursor = self.db.execute(
                    "INSERT INTO patients (mrn, family_name, given_name, dob, sex, allergies, family_key, given_key, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [*_patient_values(patient), now, now],
                )
                patient_id = cursor.lastrowid
                self._audit("create", "patient", patient_id)
        except StorageError as error:
            if "UNIQUE" in str(error.__cause__) and "mrn" in str(error.__cause__):
                raise self._mrn_taken(patient) from error
            raise
        return self.get_patient(int(patient_id or 0))

    def update_patient(self, patient: Patient) -> Patient:
        """Save changes to a patient's details."""
        if patient.id is None:
            raise StorageError("This patient has not been added yet; add the patient first.")
        self._check_patient(patient)
        try:
            with self._write():
                before = self.get_patient(patient.id)
                self.db.execute(
                    "UPDATE patients SET mrn = ?, family_name = ?, given_name = ?, dob = ?, sex = ?, allergies = ?, "
                    "family_key = ?, given_key = ?, updated_at = ? WHERE id = ?",
                    [*_patient_values(patient), self.clock().isoformat(), patient.id],
                )
                self._audit("change", "patient", patient.id, _changed_fields(before, patient, PATIENT_FIELDS))
        except StorageError as error:
            if "UNIQUE" in str(error.__cause__) and "mrn" in str(error.__cause__):
                raise self._mrn_taken(patient) from error
            raise
        return self.get_patient(patient.id)

    def get_patient(self, patient_id: int) -> Patient:
        """The patient with this id; StorageError when there is none."""
        row = self._row("SELECT * FROM patients WHERE id = ?", [patient_id])
        if row is None:
            raise StorageError(f"There is no patient with id {patient_id}; refresh the patient list.")
        return _patient(row)

    def patient_by_mrn(self, mrn: str) -> Patient | None:
        """The patient with this record number (case-insensitive), or None."""
        row = self._row("SELECT * FROM patients WHERE mrn = ?", [mrn.strip()])
        return None if row is None else _patient(row)

    def likely_duplicates(self, patient: Patient) -> list[Patient]:
        """Other patients with the same family and given name (ignoring case, accents and spacing) and birth date."""
        key = _name_key(patient)
        rows = self._rows(
            "SELECT * FROM patients WHERE dob = ? AND id IS NOT ? ORDER BY id", [patient.dob.isoformat(), patient.id]
        )
        return [other for other in map(_patient, rows) if _name_key(other) == key]

    def search_patients(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients whose record number, date of birth (YYYY-MM-DD) or names start with every word typed.

        Names match without regard to case or accents ("nunez" finds "Núñez"); each word is an index range.
        """
        words = [word for word in text.replace(",", " ").split() if word]
        if not words:
            rows = self._rows(
                "SELECT * FROM patients ORDER BY family_name, given_name, id LIMIT ?",
                [limit],
            )
            return [_patient(row) for row in rows]
        clauses = []
        params: list[Any] = []
        for word in words:
            key = search_key(word)
            terms = [
                "(family_key >= ? AND family_key < ?)",
                "(given_key >= ? AND given_key < ?)",
                "mrn LIKE ? ESCAPE '\\'",
            ]
            params += [key, key + PREFIX_END, key, key + PREFIX_END, _like_prefix(word)]
            if DATE_PREFIX.fullmatch(word):
                terms.append("(dob >= ? AND dob < ?)")
                params += [word, word + PREFIX_END]
            clauses.append(f"({' OR '.join(terms)})")
        rows = self._rows(
            f"SELECT * FROM patients WHERE {' AND '.join(clauses)} ORDER BY family_name, given_name, id LIMIT ?",
            [*params, limit],
        )
        return [_patient(row) for row in rows]

    # -- baselines --------------------------------------------------------------------------------------------------

    def baseline(self, patient_id: int) -> Baseline | None:
        """The patient's baseline before the first treatment, or None when not recorded."""
        row = self._row("SELECT * FROM baselines WHERE patient_id = ?", [patient_id])
        if row is None:
            return None
        values: dict[str, Any] = {name: row[name] for name in BASELINE_FIELDS}
        values["failed_preventives"] = tuple(json.loads(row["failed_preventives"]))
        values["overuse_managed"] = bool(row["overuse_managed"])
        values["headache_hours_per_day"] = _float(row["headache_hours_per_day"])
        return Baseline(**values)

    def save_baseline(self, patient_id: int, baseline: Baseline) -> None:
        """Create or replace the patient's baseline; figures outside their scales are refused with the sentence."""
        problems = baseline_problems(baseline)
        if problems:
            raise StorageError(next(iter(problems.values())))
        with self._write():
            self.get_patient(patient_id)
            existed = self.baseline(patient_id) is not None
            values = asdict(baseline)
            values["failed_preventives"] = json.dumps(list(baseline.failed_preventives), ensure_ascii=False)
            values["overuse_managed"] = int(baseline.overuse_managed)
            columns = ", ".join(BASELINE_FIELDS)
            self.db.execute(
                f"INSERT INTO baselines (patient_id, {columns}, updated_at) "
                f"VALUES (?, {', '.join('?' for _ in BASELINE_FIELDS)}, ?) ON CONFLICT (patient_id) DO UPDATE SET "
                + ", ".join(f"{name} = excluded.{name}" for name in (*BASELINE_FIELDS, "updated_at")),
                [patient_id, *(values[name] for name in BASELINE_FIELDS), self.clock().isoformat()],
            )
            self._audit("change" if existed else "create", "baseline", patient_id)

    # -- sessions ---------------------------------------------------------------------------------------------------

    def _insert_children(self, session_id: int, session: Session) -> None:
        injections = _injection_rows(session_id, session.injections)
        if injections:
            self.db.executemany(
                "INSERT INTO injections (session_id, position, site_id, muscle, side, view, x, y, units, kind, "
                "skipped_reason) VALUES (:session_id, :position, :site_id, :muscle, :side, :view, :x, :y, :units, "
                ":kind, :skipped_reason)",
                injections,
            )
        events = _adverse_rows(session_id, session.adverse_events)
        if events:
            self.db.executemany(
                "INSERT INTO adverse_events (session_id, position, event, onset, severity, action, detail) "
                "VALUES (:session_id, :position, :event, :onset, :severity, :action, :detail)",
                events,
            )

    def create_session(self, session: Session) -> Session:
        """Store a new draft (with whatever it already holds); returns it with its id."""
        if session.patient_id is None:
            raise StorageError("A session belongs to a patient; choose the patient first.")
        if session.signed:
            raise SignedSessionError("A session is created as a draft and signed afterwards; save it as a draft.")
        self.get_patient(session.patient_id)
        columns = _session_columns(session, self.protocol)
        now = self.clock().isoformat()
        columns.update(status=Status.DRAFT.value, created_at=now, updated_at=now)
        with self._write():
            session_id = self._insert_session(columns)
            self._insert_children(session_id, session)
            self._audit("create", "session", session_id, f"patient {session.patient_id}")
        return self.load_session(session_id)

    def _insert_session(self, columns: Row) -> int:
        """Insert a session row under a new id (``NEXT_SESSION_ID_SQL``: never one the audit log has named); the only
        place a session is inserted. Inside the caller's write transaction."""
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        cursor = self.db.execute(
            f"INSERT INTO sessions (id, {names}) VALUES (({NEXT_SESSION_ID_SQL}), {marks})", list(columns.values())
        )
        return int(cursor.lastrowid or 0)

    def save_session(self, session: Session, *, stored: Session | None = None) -> Session:
        """Save a draft's header, injections, adverse events and outcomes in one transaction; returns it as saved.

        ``stored`` is the version the caller last loaded or saved, when it is the draft's only writer (the window):
        the audit entry is worked out against it instead of reading the draft back first, so an autosave reads
        nothing. SignedSessionError when the session is signed, in memory or in the database (whose triggers refuse
        the change either way).
        """
        if session.id is None:
            return self.create_session(session)
        if session.signed:
            raise SignedSessionError(SIGNED_CANNOT_CHANGE)
        columns = _session_columns(session, self.protocol)
        columns["updated_at"] = self.clock().isoformat()
        assignments = ", ".join(f"{name} = ?" for name in columns)
        with self._write():
            before = stored if stored is not None and stored.id == session.id else self.load_session(session.id)
            if before.signed:
                raise SignedSessionError(SIGNED_CANNOT_CHANGE)
            detail = session_changes(before, session)
            if before.patient_id != session.patient_id:
                detail = "; ".join(part for part in ("fields: patient_id", detail) if part)
            if not detail:
                return session
            cursor = self.db.execute(f"UPDATE sessions SET {assignments} WHERE id = ?", [*columns.values(), session.id])
            if cursor.rowcount == 0:
                raise StorageError(
                    f"Session {session.id} no longer exists (it was discarded elsewhere); start a new session."
                )
            if before.injections != session.injections or before.adverse_events != session.adverse_events:
                self.db.execute("DELETE FROM injections WHERE session_id = ?", [session.id])
                self.db.execute("DELETE FROM adverse_events WHERE session_id = ?", [session.id])
                self._insert_children(session.id, session)
            self._audit("change", "session", session.id, detail)
        return session

    def load_session(self, session_id: int) -> Session:
        """The session with its injections, adverse events and outcomes."""
        row = self._row("SELECT * FROM sessions WHERE id = ?", [session_id])
        if row is None:
            raise StorageError(f"There is no session with id {session_id}; refresh the list.")
        injections = [
            _injection(r)
            for r in self._rows("SELECT * FROM injections WHERE session_id = ? ORDER BY position", [session_id])
        ]
        events = [
            _adverse_event(r)
            for r in self._rows("SELECT * FROM adverse_events WHERE session_id = ? ORDER BY position", [session_id])
        ]
        return _session(row, injections, events)

    def _sessions(self, where: str, params: Sequence[Any], order: str = "performed_on, id") -> list[Session]:
        rows = self._rows(f"SELECT * FROM sessions WHERE {where} ORDER BY {order}", params)
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        injections: dict[int, list[Injection]] = {session_id: [] for session_id in ids}
        events: dict[int, list[AdverseEvent]] = {session_id: [] for session_id in ids}
        for chunk_start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[chunk_start : chunk_start + IDS_PER_QUERY]
            marks = ", ".join("?" for _ in chunk)
            for r in self._rows(
                f"SELECT * FROM injections WHERE session_id IN ({marks}) ORDER BY session_id, position", chunk
            ):
                injections[r["session_id"]].append(_injection(r))
            for r in self._rows(
                f"SELECT * FROM adverse_events WHERE session_id IN ({marks}) ORDER BY session_id, position", chunk
            ):
                events[r["session_id"]].append(_adverse_event(r))
        return [_session(row, injections[row["id"]], events[row["id"]]) for row in rows]

    def sessions_by_id(self, session_ids: Sequence[int]) -> list[Session]:
        """The sessions with these ids (those that exist), in id order."""
        ids = sorted(set(session_ids))
        found: list[Session] = []
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            found += self._sessions(f"id IN ({', '.join('?' for _ in chunk)})", chunk, order="id")
        return found

    def session_summaries(self, patient_id: int | None = None, lot_number: str | None = None) -> list[SessionSummary]:
        """One line per session (all, one patient's, or one lot's), oldest first, without loading injections."""
        conditions: list[str] = []
        params: list[Any] = []
        if patient_id is not None:
            conditions.append("s.patient_id = ?")
            params.append(patient_id)
        if lot_number is not None:
            conditions.append("s.lot_number = ?")
            params.append(lot_number.strip())
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._rows(
            "SELECT p.*, s.id AS session_id, s.performed_on, s.status, s.units_administered, s.units_wasted, "
            f"s.sites_injected, s.lot_number FROM sessions s JOIN patients p ON p.id = s.patient_id {where} "
            "ORDER BY s.performed_on, s.id",
            params,
        )
        return [
            SessionSummary(
                id=row["session_id"],
                patient=_patient(row),
                performed_on=date.fromisoformat(row["performed_on"]),
                status=Status(row["status"]),
                units_administered=float(row["units_administered"]),
                units_wasted=float(row["units_wasted"]),
                sites=int(row["sites_injected"]),
                lot_number=row["lot_number"],
            )
            for row in rows
        ]

    def sessions_for_patient(self, patient_id: int) -> list[Session]:
        """Every session of the patient, oldest first."""
        return self._sessions("patient_id = ?", [patient_id])

    def open_drafts(self) -> list[Session]:
        """Every unsigned session, oldest first (the window reopens them)."""
        return self._sessions("status = 'draft'", [])

    def last_signed_session(
        self, patient_id: int, before: date | None = None, excluding: int | None = None
    ) -> Session | None:
        """The patient's latest signed session, or the latest performed before a date; never the session ``excluding``."""
        where, params = _signed_of(patient_id, excluding, "performed_on < ?", before)
        row = self._row(f"SELECT id FROM sessions WHERE {where} ORDER BY performed_on DESC, id DESC LIMIT 1", params)
        return None if row is None else self.load_session(row["id"])

    def copy_last_session(self, patient_id: int, performed_on: date) -> Session:
        """A new draft prefilled from the last signed session on or before the date.

        Copied: injected sites with their units and follow-the-pain positions, the injector (while their profile
        exists, else the first who may sign, as a new session has), product, vial size and count, saline, needle and
        diagnosis. Not copied: the lot and its expiry (the window offers the last lot for the user to confirm against
        the vial in hand), consent, time-out, contraindications, reasons, comments, outcomes, adverse events and
        sites skipped last time.
        """
        last = self.last_signed_session(patient_id, before=performed_on + timedelta(days=1))
        if last is None:
            raise StorageError("This patient has no signed session to copy; start a new session instead.")
        draft = Session(
            performed_on=performed_on,
            patient_id=patient_id,
            injector=last.injector if self.injector_named(last.injector) is not None else self.default_injector(),
            product_id=last.product_id,
            vial_units=last.vial_units,
            vials_opened=last.vials_opened,
            saline_ml=last.saline_ml,
            needle=last.needle,
            diagnosis_code=last.diagnosis_code,
            injections=tuple(inj for inj in last.injections if not inj.skipped),
        )
        return self.create_session(draft)

    def open_vial_lot(self, on: date, product_id: str, excluding: int | None = None) -> tuple[str, date] | None:
        """The lot and expiry in use today: those of the day's latest session (any patient) of this product with a lot
        in date; None when there is none (``excluding`` the session being charted)."""
        row = self._row(
            "SELECT lot_number, lot_expiry FROM sessions WHERE status IN ('draft', 'signed') AND performed_on = ? "
            "AND product = ? AND lot_number <> '' AND lot_expiry >= ? AND id IS NOT ? ORDER BY updated_at DESC, id DESC "
            "LIMIT 1",
            [on.isoformat(), product_id, on.isoformat(), excluding],
        )
        if row is None:
            return None
        expiry = _date(row["lot_expiry"])
        return (str(row["lot_number"]), expiry) if expiry is not None else None

    def default_injector(self) -> str:
        """The injector a new draft names: the first profile (by name) who may sign, or "" when there is none."""
        return next((injector.display_name for injector in self.injectors() if injector.can_sign), "")

    def discard_draft(self, session_id: int) -> None:
        """Delete a draft and its injections; SignedSessionError for a signed session."""
        with self._write():
            session = self.load_session(session_id)
            if session.signed:
                raise SignedSessionError("This session is signed and cannot be deleted; add an addendum instead.")
            self.db.execute("DELETE FROM injections WHERE session_id = ?", [session_id])
            self.db.execute("DELETE FROM adverse_events WHERE session_id = ?", [session_id])
            self.db.execute("DELETE FROM sessions WHERE id = ?", [session_id])
            self._audit("delete", "session", session_id, f"patient {session.patient_id}")

    def sign_session(self, session_id: int, signer: Injector, at: datetime, *, pin: str | None = None) -> Session:
        """Sign a draft whose rules have no refusals: store signer, time and the content's SHA-256, then verify.

        A signer who has set a PIN signs only with it, so the signature names the person who typed it. A naive
        ``at`` is taken as local time: what is stored is always timezone-aware.
        """
        at = aware(at)
        signer_id = signer.id
        stored_signer = next((i for i in self.injectors() if signer_id is not None and i.id == signer_id), None)
        if stored_signer is None or signer_id is None:
            raise StorageError(f"{signer.display_name} is not an injector profile; choose who signs from the profiles.")
        signer = stored_signer  # the profile as stored, not as the caller holds it
        if not signer.can_sign:
            raise StorageError(f"{signer.display_name} may chart but not sign; ask an injector to sign.")
        if self.has_pin(signer_id):
            self.check_pin(signer_id, pin or "", "sign")
        with self._write():
            draft = self.load_session(session_id)
            if draft.signed:
                raise SignedSessionError("This session is already signed; add an addendum to correct it.")
            as_it_stands = self._context_of(draft)
            blockers = signing_blockers(evaluate_visit(draft, self.protocol, self.settings, at, as_it_stands))
            if blockers:
                raise StorageError(f"The session cannot be signed yet: {blockers[0].message}")
            context = replace(as_it_stands, protocol_sha256=self._store_protocol())
            signed = replace(
                draft, status=Status.SIGNED, signed_at=at, signed_by=signer.display_name, signed_context=context
            )
            digest = content_hash(signed)
            self._audit("sign", "session", session_id, f"sha256 {digest}")
            audit_head = chain_head(self.db)
            self.db.execute(
                "UPDATE sessions SET status = 'signed', signed_at = ?, signed_by = ?, signed_by_injector_id = ?, "
                "content_sha256 = ?, signed_context = ?, audit_sha256 = ?, updated_at = ? "
                "WHERE id = ? AND status = 'draft'",
                [
                    at.isoformat(),
                    signed.signed_by,
                    signer.id,
                    digest,
                    context_json(context),
                    audit_head,
                    self.clock().isoformat(),
                    session_id,
                ],
            )
            stored = self.load_session(session_id)
            if not stored.signed or content_hash(stored) != digest or stored.content_sha256 != digest:
                raise StorageError(
                    "The signed session did not read back identically, so it was not signed; try again and run 'charting check'."
                )
        return stored

    def _store_protocol(self) -> str:
        """Keep the repository's protocol as it is now (once per distinct text); returns its SHA-256."""
        if self._protocol_text is None:
            self._protocol_text = protocol_json(self.protocol)
        digest = protocol_sha256(self._protocol_text)
        self.db.execute(
            "INSERT INTO signed_protocols (sha256, protocol_json, stored_at) SELECT ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM signed_protocols WHERE sha256 = ?)",
            [digest, self._protocol_text, self.clock().isoformat(), digest],
        )
        self._signed_protocols[digest] = self.protocol
        return digest

    def signed_protocol_text(self, digest: str) -> str | None:
        """The stored text of a protocol sessions were signed under, or None when there is none with that hash."""
        row = self._row("SELECT protocol_json FROM signed_protocols WHERE sha256 = ?", [digest])
        return None if row is None else str(row["protocol_json"])

    def note_protocol(self, session: Session) -> Protocol:
        """The protocol a session's note prints with: the one it was signed under, else the current one.

        Sessions signed before protocols were kept (migration ``0005_signed_protocols``) and drafts print with the
        current protocol. StorageError when the kept protocol is missing or no longer matches its hash.
        """
        digest = session.signed_context.protocol_sha256 if session.signed_context is not None else ""
        if not digest:
            return self.protocol
        if digest not in self._signed_protocols:
            text = self.signed_protocol_text(digest)
            damaged = (
                f"The protocol session {session.id} was signed under is {{}} in the database, so its note cannot be "
                "printed as signed; run 'charting check' and restore the database from a backup."
            )
            if text is None:
                raise StorageError(damaged.format("missing"))
            if protocol_sha256(text) != digest:
                raise StorageError(damaged.format("altered"))
            try:
                self._signed_protocols[digest] = protocol_from_json(text)
            except ProtocolError as error:
                raise StorageError(damaged.format("unreadable")) from error
        return self._signed_protocols[digest]

    def injector_named(self, name: str) -> Injector | None:
        """The injector profile a session names (by name, or by name with credentials), if there is one."""
        return next((i for i in self.injectors() if name in (i.name, i.display_name)), None)

    def note_context(self, session: Session) -> SignedContext:
        """What the note prints beside the session: frozen at signing, else as the records stand now."""
        if session.signed_context is not None:
            return session.signed_context
        return self._context_of(session)

    def _context_of(self, session: Session) -> SignedContext:
        if session.patient_id is None:
            raise StorageError(f"Session {session.id} belongs to no patient; open it in the window and choose one.")
        # The patient's other signed sessions on or before the date of service, the same day included (as the window).
        earlier = self.visits(session.patient_id, up_to=session.performed_on, excluding=session.id)
        return SignedContext(
            patient=self.get_patient(session.patient_id),
            clinic=self.clinic(),
            injector=self.injector_named(session.injector),
            baseline=self.baseline(session.patient_id),
            previous_session_date=earlier[-1].performed_on if earlier else None,
            settings=self.settings,
            earlier_visits=tuple(earlier),
        )

    def visits(self, patient_id: int, up_to: date | None = None, excluding: int | None = None) -> list[Visit]:
        """The patient's signed sessions as the treatment course sees them, oldest first (up to a date, inclusive)."""
        where, params = _signed_of(patient_id, excluding, "performed_on <= ?", up_to)
        rows = self._rows(
            f"SELECT performed_on, units_administered, headache_days FROM sessions WHERE {where} "
            "ORDER BY performed_on, id",
            params,
        )
        return [
            Visit(date.fromisoformat(row["performed_on"]), float(row["units_administered"]), _int(row["headache_days"]))
            for row in rows
        ]

    def audit_head_at_signing(self, session_id: int) -> str:
        """The audit chain's head written when the session was signed ('' for a draft or one signed before the chain)."""
        row = self._row("SELECT audit_sha256 FROM sessions WHERE id = ?", [session_id])
        return "" if row is None else str(row["audit_sha256"])

    def verify_signature(self, session: Session) -> bool:
        """True when a signed session's content still matches its stored SHA-256."""
        return session.signed and content_hash(session) == session.content_sha256

    # -- addenda ----------------------------------------------------------------------------------------------------

    def add_addendum(
        self, session_id: int, text: str, author: str, at: datetime, *, pin: str | None = None
    ) -> Addendum:
        """Add a signed, timestamped addendum to a signed session (addenda are never changed); a naive ``at`` is local.

        The author is an injector profile who may sign, with their PIN when they have set one.
        """
        at = aware(at)
        if not text.strip():
            raise StorageError("The addendum is empty; write the correction or note first.")
        if not author.strip():
            raise StorageError("An addendum needs its author; choose who writes it.")
        profile = self.injector_named(author)
        if profile is None or profile.id is None:
            raise StorageError(f"{author} is not an injector profile; choose the author from the profiles.")
        if not profile.can_sign:
            raise StorageError(f"{profile.display_name} may chart but not sign an addendum; ask an injector.")
        if self.has_pin(profile.id):
            self.check_pin(profile.id, pin or "", "addendum")
        with self._write():
            cursor = self.db.execute(
                "INSERT INTO addenda (session_id, text, author, created_at) VALUES (?, ?, ?, ?)",
                [session_id, text, author, at.isoformat()],
            )
            addendum_id = int(cursor.lastrowid or 0)
            self._audit("addendum", "session", session_id, f"addendum {addendum_id}")
        return Addendum(session_id=session_id, text=text, author=author, created_at=at, id=addendum_id)

    def addenda(self, session_id: int) -> list[Addendum]:
        """The addenda of a session, oldest first."""
        return [
            Addendum(
                id=row["id"],
                session_id=row["session_id"],
                text=row["text"],
                author=row["author"],
                created_at=datetime.fromisoformat(row["created_at"]),
            )
            for row in self._rows("SELECT * FROM addenda WHERE session_id = ? ORDER BY created_at, id", [session_id])
        ]

    # -- due list ---------------------------------------------------------------------------------------------------

    def due_list(self, today: date, days: int) -> list[DueEntry]:
        """Patients whose next session falls due within ``days`` days of today or has passed, soonest first.

        The next session is due on the last signed session's date plus the interval setting (84 days by default), the
        earliest eligible date; ``interval.due_status`` says whether each entry is not yet eligible, due or overdue.
        """
        settings = self.settings
        cutoff = today + timedelta(days=days - settings.interval_days)  # due when last + interval <= today + days
        rows = self._rows(
            "SELECT p.*, last.last_on FROM ("
            "  SELECT patient_id, MAX(performed_on) AS last_on FROM sessions WHERE status = 'signed' GROUP BY patient_id"
            ") AS last JOIN patients AS p ON p.id = last.patient_id WHERE last.last_on <= ? "
            "ORDER BY last.last_on, p.family_key, p.given_key, p.id",
            [cutoff.isoformat()],
        )
        entries = []
        for row in rows:
            last = date.fromisoformat(row["last_on"])
            window = interval_status(last, today, settings)
            entries.append(
                DueEntry(
                    patient=_patient(row),
                    last_session=last,
                    next_due=window.earliest_eligible,
                    due_until=window.due_until,
                )
            )
        return entries

    # -- recall -----------------------------------------------------------------------------------------------------

    def sessions_with_lot(self, lot_number: str) -> list[tuple[Patient, Session]]:
        """Every session (and its patient) that used a lot, matched without regard to case; oldest first."""
        sessions = self._sessions("lot_number = ?", [lot_number.strip()])
        patients: dict[int, Patient] = {}
        result = []
        for session in sessions:
            patient_id = int(session.patient_id or 0)
            if patient_id not in patients:
                patients[patient_id] = self.get_patient(patient_id)
            result.append((patients[patient_id], session))
        return result

    # -- audit ------------------------------------------------------------------------------------------------------

    def audit_entries(self, entity: str | None = None, entity_id: int | None = None) -> list[Row]:
        """Audit log rows (optionally of one entity), oldest first."""
        if entity is None:
            return self._rows("SELECT * FROM audit_log ORDER BY id")
        return self._rows(
            "SELECT * FROM audit_log WHERE entity = ? AND entity_id IS ? ORDER BY id",
            [entity, entity_id],
        )


def _signed_of(patient_id: int, excluding: int | None, date_condition: str, on: date | None) -> tuple[str, list[Any]]:
    """The WHERE clause of a patient's signed sessions (by ``idx_sessions_patient_status``): other than ``excluding``,
    and meeting ``date_condition`` against ``on`` when a date is given."""
    where = "patient_id = ? AND status = 'signed'"
    params: list[Any] = [patient_id]
    if on is not None:
        where += f" AND {date_condition}"
        params.append(on.isoformat())
    if excluding is not None:
        where += " AND id != ?"
        params.append(excluding)
    return where, params


def search_key(text: str) -> str:
    """A name folded for searching and comparing: no accents, no case, single spaces ("Núñez" -> "nunez")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def _name_key(patient: Patient) -> tuple[str, str]:
    return search_key(patient.family_name), search_key(patient.given_name)


def _patient_values(patient: Patient) -> list[Any]:
    return [
        patient.mrn.strip(),
        patient.family_name.strip(),
        patient.given_name.strip(),
        patient.dob.isoformat(),
        patient.sex,
        patient.allergies,
        search_key(patient.family_name),
        search_key(patient.given_name),
    ]


def _like_prefix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"
