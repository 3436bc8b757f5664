"""A large clinic's database for the scale benchmarks, built once and cached outside the repository.

The file is a real charting database: made by ``open_database`` (schema, triggers, ``user_version``), rows the
repository reads back, signed sessions whose ``content_sha256`` and ``signed_context`` are exactly what
``Repository.sign_session`` stores (worked out with the domain's ``content_hash`` and the repository's
``context_json``) and an audit log chained as the repository chains it. For speed the rows go in with
``executemany`` in large transactions through the same connection, in the order the triggers allow: each block of
sessions as drafts, then their injections and adverse events, then one UPDATE per session to signed.

Session ids follow the date of service across all patients, as in a clinic that charted them day by day, so a
patient's sessions and injections lie scattered through the file as they would after years of use.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from charting.domain import marking
from charting.domain.people import Clinic, Injector
from charting.domain.protocol import Protocol, load_protocol
from charting.domain.session import (
    SCREENING_QUESTIONS,
    AdverseEvent,
    Answer,
    Baseline,
    Injection,
    Outcomes,
    Patient,
    Screening,
    Session,
    SignedContext,
    Status,
    Visit,
    content_hash,
)
from charting.domain.settings import ClinicalSettings
from charting.resources import protocol_path
from charting.storage.audit_chain import chain_hash, chain_head
from charting.storage.database import immediate, open_database, remove_database_files
from charting.storage.demo import (
    ADDENDA,
    ADDENDUM_TIME,
    DEMO_CLINIC,
    DEMO_INJECTORS,
    FAMILY_NAMES,
    GIVEN_NAMES_F,
    GIVEN_NAMES_M,
    SESSION_GAP_DAYS,
    add_follow_the_pain,
    clinic_time,
    demo_baseline,
    demo_lots,
    lot_for,
    visit_outcomes,
)
from charting.storage.repository import (
    BASELINE_FIELDS,
    Repository,
    _adverse_rows,
    _injection_rows,
    _patient_values,
    _session_columns,
    context_json,
)
from charting.storage.versions import SCHEMA_VERSION

GENERATOR_VERSION = 1
"""Raise when the generated clinic changes: the cached file is rebuilt under its new name."""
SEED = 7
BUILD_ACTOR = "large clinic generator"
"""The actor of the generated audit entries."""
ZONE = UTC
"""The clinic's wall-clock times are written in UTC, so that the same seed gives the same file on every machine."""
SESSIONS_PER_PATIENT = (8, 12)
"""Sessions a patient has had: about ten on average."""
LATEST_WITHIN_DAYS = 120
"""Each patient's latest session falls within this many days before the build."""
FTP_PATIENT_SHARE = 0.45
"""Patients treated with follow-the-pain sites from their second session on: about 6.5 million injections in all."""
FTP_LAYOUTS = 48
"""Distinct injection layouts the sessions draw from (the protocol's sites, then follow-the-pain ones added)."""
SMALL_VIAL_SHARE = 0.3
"""Patients without follow-the-pain sites treated from two 100-unit vials rather than one of 200."""
DOUBLE_BARRELLED_SHARE = 0.3
"""Patients with two of the demo's family names joined by a hyphen: more distinct names to search."""
ADVERSE_EVENT_SHARE = 0.04
"""Sessions with a mild adverse event recorded (one of the protocol's first six)."""
ADDENDUM_SHARE = 0.02
"""Signed sessions with an addendum written a few days later."""
DRAFTS = 3
"""Patients, due again, with an open draft today (the window reopens them at start-up)."""
BLOCK_SESSIONS = 20_000
"""Sessions written per transaction."""
WORK_CHUNK_PATIENTS = 250
"""Patients handed to a worker process at a time."""
BUILD_CACHE_KIB = -262_144
"""SQLite's page cache while building (negative: KiB), so the indexes stay in memory."""


@dataclass(frozen=True)
class ClinicSize:
    """How many patients the generated clinic has (sessions follow: about ten each)."""

    name: str
    patients: int


LARGE = ClinicSize("large", 20_000)
QUICK = ClinicSize("quick", 2_000)
SIZES = (LARGE, QUICK)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote."""

    patients: int
    signed: int
    drafts: int
    injections: int
    addenda: int
    audit_entries: int
    seconds: float


def cache_folder() -> Path:
    """Where the generated clinics are kept: the user's cache folder (``~/.cache/charting-bench`` on Linux)."""
    return Path(user_cache_dir("charting-bench", appauthor=False))


def cache_path(size: ClinicSize, schema_version: int = SCHEMA_VERSION, folder: Path | None = None) -> Path:
    """The cached file of a clinic size, named by the generator's version and the schema version."""
    return (folder or cache_folder()) / f"{size.name}-{GENERATOR_VERSION}-{schema_version}.db"


def cached_clinic(size: ClinicSize, folder: Path | None = None) -> Path:
    """The cached clinic of this size; built first, in a process of its own, when it is missing.

    A process of its own: the build's worker processes start by re-importing the main module, which must be this
    one (``python -m bench.large_clinic``), never the benchmark runner.
    """
    path = cache_path(size, folder=folder)
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "bench.large_clinic", size.name, "--folder", str(path.parent)],
            check=True,
            cwd=Path(__file__).parent.parent,
            stdout=subprocess.DEVNULL,  # the runner's stdout is its JSON; the build reports on stderr
        )
    return path


def build_cached(size: ClinicSize, folder: Path | None = None) -> Path:
    """Build the clinic into the cache (under a temporary name, renamed when complete), replacing the clinic of this
    size built for another schema or generator; prints the build time on stderr."""
    path = cache_path(size, folder=folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    remove_database_files(partial)
    result = build_clinic(partial, size.patients)
    remove_database_files(path)  # no write-ahead log or shared memory of an earlier file may pair with the new one
    os.replace(partial, path)
    for stale in path.parent.glob(f"{size.name}-*.db"):  # built by another generator or for another schema
        if stale != path:
            remove_database_files(stale)
    sys.stderr.write(
        f"bench: built the {size.name} clinic in {result.seconds:.1f} s ({result.patients} patients, {result.signed} "
        f"signed sessions, {result.drafts} drafts, {result.injections} injections, {result.addenda} addenda, "
        f"{result.audit_entries} audit entries, {path.stat().st_size / 2**20:.0f} MiB): {path}\n"
    )
    return path


# -- the plan: every choice, made in one process from the seed ------------------------------------------------------


@dataclass(frozen=True)
class SessionPlan:
    """One session of a patient, as decided from the seed (``signed_at`` None: an open draft)."""

    performed_on: date
    layout: int
    """Index into the clinic's injection layouts (0: the 31 protocol sites; others add follow-the-pain sites)."""
    outcomes: Outcomes
    adverse_event: str
    lot: tuple[str, date] | None
    reconstituted_at: datetime | None
    signed_at: datetime | None
    addendum: tuple[str, datetime] | None
    id: int = 0


@dataclass(frozen=True)
class PatientPlan:
    """A patient with their baseline, product, signer and sessions, oldest first."""

    patient: Patient
    baseline: Baseline
    product: int
    """Index into the protocol's products."""
    signer: int
    """Index into the injectors who may sign."""
    sessions: tuple[SessionPlan, ...]


def _patient(rng: random.Random, patient_id: int, today: date) -> Patient:
    female = rng.random() < 0.75
    family = rng.choice(FAMILY_NAMES)
    if rng.random() < DOUBLE_BARRELLED_SHARE:
        family = f"{family}-{rng.choice(FAMILY_NAMES)}"
    return Patient(
        id=patient_id,
        mrn=f"L{patient_id:07d}",
        family_name=family,
        given_name=rng.choice(GIVEN_NAMES_F if female else GIVEN_NAMES_M),
        dob=today - timedelta(days=rng.randint(20 * 365, 72 * 365)),
        sex="F" if female else "M",
        allergies=rng.choice(("", "", "", "Penicillin", "Latex", "Sulfonamides")),
    )


def _sessions(
    rng: random.Random,
    baseline_days: int,
    *,
    layouts: int,
    today: date,
    lots: list[tuple[str, date]],
    adverse_events: Sequence[str],
) -> list[SessionPlan]:
    cycles = rng.randint(*SESSIONS_PER_PATIENT)
    dates = [today - timedelta(days=rng.randint(0, LATEST_WITHIN_DAYS - 1))]
    for _ in range(cycles - 1):
        dates.insert(0, dates[0] - timedelta(days=rng.randint(*SESSION_GAP_DAYS)))
    responder = rng.random() < 0.8
    follow_the_pain = rng.random() < FTP_PATIENT_SHARE
    plans = []
    for cycle, performed_on in enumerate(dates):
        outcomes = visit_outcomes(rng, baseline_days, cycle, responder)
        written = performed_on + timedelta(days=rng.randint(2, 20))
        addendum = None
        if rng.random() < ADDENDUM_SHARE and written <= today:
            text = rng.choice(ADDENDA).format(days=outcomes.headache_days)
            addendum = (text, clinic_time(written, ADDENDUM_TIME, ZONE))
        plans.append(
            SessionPlan(
                performed_on=performed_on,
                layout=rng.randrange(1, layouts) if follow_the_pain and cycle > 0 else 0,
                outcomes=outcomes,
                adverse_event=rng.choice(adverse_events) if rng.random() < ADVERSE_EVENT_SHARE else "",
                lot=lot_for(rng, lots, performed_on),
                reconstituted_at=clinic_time(performed_on, clock_time(9, rng.randint(0, 59)), ZONE),
                signed_at=clinic_time(performed_on, clock_time(10 + rng.randint(0, 6), rng.randint(0, 59)), ZONE),
                addendum=addendum,
            )
        )
    return plans


def plan_clinic(
    patients: int, today: date, *, layouts: int, protocol: Protocol, settings: ClinicalSettings, signers: int
) -> list[PatientPlan]:
    """Every patient's sessions, decided from the seed; session ids follow the dates across the whole clinic."""
    rng = random.Random(SEED)
    lots = demo_lots(rng, today)
    products = [i for i, product in enumerate(protocol.products) if not product.cosmetic]
    people = []
    drafts = 0
    for patient_id in range(1, patients + 1):
        patient = _patient(rng, patient_id, today)
        baseline = demo_baseline(rng)
        sessions = _sessions(
            rng,
            baseline.headache_days or 0,
            layouts=layouts,
            today=today,
            lots=lots,
            adverse_events=protocol.adverse_events[:6],
        )
        if drafts < DRAFTS and (today - sessions[-1].performed_on).days >= settings.interval_days:
            # copied from the last session as the window's "copy last session" does: no lot, outcomes or signature
            sessions.append(
                replace(
                    sessions[-1],
                    performed_on=today,
                    outcomes=Outcomes(),
                    adverse_event="",
                    lot=None,
                    reconstituted_at=None,
                    signed_at=None,
                    addendum=None,
                )
            )
            drafts += 1
        product = max(products, key=lambda i: protocol.products[i].vial_units)
        if not any(plan.layout for plan in sessions) and rng.random() < SMALL_VIAL_SHARE:
            product = min(products, key=lambda i: protocol.products[i].vial_units)
        people.append(PatientPlan(patient, baseline, product, rng.randrange(signers), tuple(sessions)))
    keys = sorted(
        (plan.performed_on, plan.signed_at is None, index, cycle)
        for index, person in enumerate(people)
        for cycle, plan in enumerate(person.sessions)
    )
    ids: dict[tuple[int, int], int] = {(index, cycle): n for n, (_, _, index, cycle) in enumerate(keys, start=1)}
    return [
        replace(
            person,
            sessions=tuple(replace(plan, id=ids[index, cycle]) for cycle, plan in enumerate(person.sessions)),
        )
        for index, person in enumerate(people)
    ]


def injection_layouts(protocol: Protocol, count: int = FTP_LAYOUTS) -> list[tuple[Injection, ...]]:
    """The protocol's 31 sites, then ``count - 1`` layouts with one to eight follow-the-pain sites added (within the
    caps, each at a free spot, by the demo's placement rules)."""
    rng = random.Random(SEED)
    fixed = marking.apply_protocol(Session(performed_on=date.min), protocol)
    layouts = [fixed.injections]
    while len(layouts) < count:
        session = fixed
        for _ in range(rng.randint(1, 5)):
            session = add_follow_the_pain(session, protocol, rng)
        if len(session.injections) > len(fixed.injections):
            layouts.append(session.injections)
    return layouts


# -- the heavy part: each session as the repository would store it, hashed; in worker processes ----------------------


@dataclass(frozen=True)
class SharedInputs:
    """What every session's rows are worked out from, besides its own plan (sent once to each worker)."""

    protocol: Protocol
    layouts: list[tuple[Injection, ...]]
    clinic: Clinic
    signers: list[Injector]
    settings: ClinicalSettings
    protocol_sha256: str
    columns: tuple[str, ...]


SCREENED = Screening(**dict.fromkeys(SCREENING_QUESTIONS, Answer.NO))
"""Every screening question answered no, as the demo's sessions are."""


@dataclass(frozen=True)
class SessionRows:
    """One session's values for the database: the draft row, its adverse events and, when signed, the signature."""

    id: int
    patient_id: int
    layout: int
    created_at: str
    draft: tuple[Any, ...]
    adverse_events: tuple[tuple[Any, ...], ...]
    signature: tuple[str, str, int, str, str] | None
    """signed_at, signed_by, signed_by_injector_id, content_sha256, signed_context."""
    addendum: tuple[str, str, str] | None
    """text, author, created_at."""


_SHARED: SharedInputs | None = None


def _share(shared: SharedInputs) -> None:
    global _SHARED  # noqa: PLW0603 - the worker process's one copy of what every task needs
    _SHARED = shared


def _patient_rows(person: PatientPlan) -> list[SessionRows]:
    """The rows of one patient's sessions: each signed one exactly as ``Repository.sign_session`` would store it."""
    shared = _SHARED
    assert shared is not None, "_share runs first"
    protocol = shared.protocol
    product = protocol.products[person.product]
    signer = shared.signers[person.signer]
    earlier: list[Visit] = []
    rows = []
    for plan in person.sessions:
        session = Session(
            performed_on=plan.performed_on,
            id=plan.id,
            patient_id=person.patient.id,
            injector=signer.display_name,
            product_id=product.id,
            vial_units=product.vial_units,
            vials_opened=1 if product.vial_units >= protocol.label_dose_units else 2,
            lot_number=plan.lot[0] if plan.lot else "",
            lot_expiry=plan.lot[1] if plan.lot else None,
            saline_ml=product.vial_units / (protocol.units_per_site / protocol.volume_per_site_ml),
            reconstituted_at=plan.reconstituted_at,
            needle=protocol.needle,
            diagnosis_code=shared.settings.default_diagnosis,
            consent=True,
            time_out=plan.signed_at is not None,
            injections=shared.layouts[plan.layout],
            adverse_events=(
                (AdverseEvent(plan.adverse_event, onset="day 2", severity="mild", action="advice"),)
                if plan.adverse_event
                else ()
            ),
            outcomes=plan.outcomes,
            screening=SCREENED if plan.signed_at is not None else Screening(),
        )
        columns = _session_columns(session, protocol)
        created = (plan.reconstituted_at or datetime.combine(plan.performed_on, clock_time(8), ZONE)).isoformat()
        draft = (plan.id, *(columns[name] for name in shared.columns), Status.DRAFT.value, created, created)
        events = tuple(tuple(row.values()) for row in _adverse_rows(plan.id, session.adverse_events))
        signature = None
        if plan.signed_at is not None:
            context = SignedContext(
                patient=person.patient,
                clinic=shared.clinic,
                injector=signer,
                baseline=person.baseline,
                previous_session_date=earlier[-1].performed_on if earlier else None,
                settings=shared.settings,
                protocol_sha256=shared.protocol_sha256,
                earlier_visits=tuple(earlier),
            )
            signed = replace(
                session,
                status=Status.SIGNED,
                signed_at=plan.signed_at,
                signed_by=signer.display_name,
                signed_context=context,
            )
            signature = (
                plan.signed_at.isoformat(),
                signer.display_name,
                int(signer.id or 0),
                content_hash(signed),
                context_json(context),
            )
            earlier.append(Visit(plan.performed_on, float(columns["units_administered"]), plan.outcomes.headache_days))
        addendum = None
        if plan.addendum is not None:
            addendum = (plan.addendum[0], signer.display_name, plan.addendum[1].isoformat())
        rows.append(
            SessionRows(plan.id, int(person.patient.id or 0), plan.layout, created, draft, events, signature, addendum)
        )
    return rows


def _chunks(people: Sequence[PatientPlan], size: int) -> Iterator[Sequence[PatientPlan]]:
    for start in range(0, len(people), size):
        yield people[start : start + size]


def _all_rows(people: Sequence[PatientPlan], shared: SharedInputs, workers: int) -> list[SessionRows]:
    if workers <= 1:
        _share(shared)
        results = [_chunk_rows(chunk) for chunk in _chunks(people, WORK_CHUNK_PATIENTS)]
    else:
        with ProcessPoolExecutor(
            workers, mp_context=get_context("spawn"), initializer=_share, initargs=(shared,)
        ) as pool:
            results = list(pool.map(_chunk_rows, _chunks(people, WORK_CHUNK_PATIENTS)))
    return sorted((row for chunk in results for row in chunk), key=lambda row: row.id)


def _chunk_rows(chunk: Sequence[PatientPlan]) -> list[SessionRows]:
    return [row for person in chunk for row in _patient_rows(person)]


# -- writing: blocks of sessions in id order, each one transaction ---------------------------------------------------


class _AuditLog:
    """Audit entries as the repository writes them, chained in Python (one executemany per block)."""

    def __init__(self, head: str) -> None:
        self.head = head
        self.entries: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, at: str, action: str, entity: str, entity_id: int | None, detail: str = "") -> str:
        entry = (at, BUILD_ACTOR, action, entity, entity_id, detail)
        self.head = chain_hash(self.head, entry)
        self.entries.append((*entry, self.head))
        return self.head

    def flush(self, db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, chain_sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            self.entries,
        )
        self.written += len(self.entries)
        self.entries.clear()


def _write_people(db: sqlite3.Connection, people: Sequence[PatientPlan], audit: _AuditLog) -> None:
    patients, baselines = [], []
    for person in people:
        first = person.sessions[0]
        at = datetime.combine(first.performed_on, clock_time(8), ZONE).isoformat()
        patients.append((person.patient.id, *_patient_values(person.patient), at, at))
        values = asdict(person.baseline)
        values["failed_preventives"] = json.dumps(list(person.baseline.failed_preventives), ensure_ascii=False)
        values["overuse_managed"] = int(person.baseline.overuse_managed)
        baselines.append((person.patient.id, *(values[name] for name in BASELINE_FIELDS), at))
        audit.add(at, "create", "patient", person.patient.id)
        audit.add(at, "create", "baseline", person.patient.id)
    db.executemany(
        "INSERT INTO patients (id, mrn, family_name, given_name, dob, sex, allergies, family_key, given_key, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        patients,
    )
    db.executemany(
        f"INSERT INTO baselines (patient_id, {', '.join(BASELINE_FIELDS)}, updated_at) "
        f"VALUES ({', '.join('?' for _ in range(len(BASELINE_FIELDS) + 2))})",
        baselines,
    )
    audit.flush(db)


def _write_block(
    db: sqlite3.Connection, block: Sequence[SessionRows], shared: SharedInputs, audit: _AuditLog, next_addendum: int
) -> tuple[int, int]:
    """Drafts, their injections and adverse events, then the signatures and addenda; (injections, addenda) written."""
    names = ("id", *shared.columns, "status", "created_at", "updated_at")
    db.executemany(
        f"INSERT INTO sessions ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [rows.draft for rows in block],
    )
    layouts = [[tuple(row.values())[1:] for row in _injection_rows(0, layout)] for layout in shared.layouts]
    injections = [(rows.id, *values) for rows in block for values in layouts[rows.layout]]
    db.executemany(
        "INSERT INTO injections (session_id, position, site_id, muscle, side, view, x, y, units, kind, skipped_reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        injections,
    )
    db.executemany(
        "INSERT INTO adverse_events (session_id, position, event, onset, severity, action, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [event for rows in block for event in rows.adverse_events],
    )
    signatures: list[tuple[Any, ...]] = []
    addenda: list[tuple[Any, ...]] = []
    for rows in block:
        audit.add(rows.created_at, "create", "session", rows.id, f"patient {rows.patient_id}")
        if rows.signature is None:
            continue
        signed_at, _by, _injector, digest, _context = rows.signature
        head = audit.add(signed_at, "sign", "session", rows.id, f"sha256 {digest}")
        signatures.append((*rows.signature, head, signed_at, rows.id))
        if rows.addendum is not None:
            addenda.append((next_addendum + len(addenda), rows.id, *rows.addendum))
            audit.add(rows.addendum[2], "addendum", "session", rows.id, f"addendum {addenda[-1][0]}")
    db.executemany(
        "UPDATE sessions SET status = 'signed', signed_at = ?, signed_by = ?, signed_by_injector_id = ?, "
        "content_sha256 = ?, signed_context = ?, audit_sha256 = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
        signatures,
    )
    db.executemany("INSERT INTO addenda (id, session_id, text, author, created_at) VALUES (?, ?, ?, ?, ?)", addenda)
    audit.flush(db)
    return len(injections), len(addenda)


def build_clinic(path: Path, patients: int, *, today: date | None = None, workers: int | None = None) -> BuildResult:
    """Write a new clinic of ``patients`` patients (about ten sessions each) to ``path``, which must not exist."""
    started = time.perf_counter()
    today = today or date.today()
    db = open_database(path)
    try:
        repository = Repository(db, actor=BUILD_ACTOR, protocol=load_protocol(protocol_path()))
        protocol = repository.protocol
        with repository.batch():
            repository.save_clinic(DEMO_CLINIC)
            injectors = [repository.save_injector(injector) for injector in DEMO_INJECTORS]
            digest = repository._store_protocol()  # the one protocol every session is signed under
        signers = [injector for injector in injectors if injector.can_sign]
        sample = _session_columns(Session(performed_on=today), protocol)
        shared = SharedInputs(
            protocol=protocol,
            layouts=injection_layouts(protocol),
            clinic=DEMO_CLINIC,
            signers=signers,
            settings=repository.settings,
            protocol_sha256=digest,
            columns=tuple(sample),
        )
        people = plan_clinic(
            patients,
            today,
            layouts=len(shared.layouts),
            protocol=protocol,
            settings=shared.settings,
            signers=len(signers),
        )
        rows = _all_rows(people, shared, workers or os.cpu_count() or 1)
        db.execute("PRAGMA synchronous = OFF")  # a failed build is thrown away; the file is synced once at the end
        db.execute(f"PRAGMA cache_size = {BUILD_CACHE_KIB}")
        audit = _AuditLog(chain_head(db))
        injections = addenda = 0
        with immediate(db):
            _write_people(db, people, audit)
        for start in range(0, len(rows), BLOCK_SESSIONS):
            with immediate(db):
                written, added = _write_block(db, rows[start : start + BLOCK_SESSIONS], shared, audit, addenda + 1)
            injections += written
            addenda += added
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        signed = sum(1 for row in rows if row.signature is not None)
        audit_entries = int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    finally:
        db.close()
    return BuildResult(
        patients=patients,
        signed=signed,
        drafts=len(rows) - signed,
        injections=injections,
        addenda=addenda,
        audit_entries=audit_entries,
        seconds=time.perf_counter() - started,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.large_clinic large|quick``: build that clinic into the cache unless it is there."""
    parser = argparse.ArgumentParser(prog="python -m bench.large_clinic")
    parser.add_argument("size", choices=[size.name for size in SIZES])
    parser.add_argument("--folder", type=Path, help="the cache folder (default: the user's cache folder)")
    args = parser.parse_args(argv)
    size = next(size for size in SIZES if size.name == args.size)
    path = cache_path(size, folder=args.folder)
    if not path.exists():
        build_cached(size, folder=args.folder)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
