"""The writer of the fault tests: one process charting on the real save path, reporting each change after its commit.

``python -m tests.storage.save_child PLAN_JSON`` runs one writer (see ``Plan``) that waits for a line on stdin, then
makes ``ops`` changes and exits. ``python -m tests.storage.save_child --serve`` is a fork server for the kill trials:
it imports the records layer once and, for each ``start PLAN_JSON`` line on stdin, forks a writer that charts until
the ``kill`` line makes the server SIGKILL it; a fork costs milliseconds where a fresh interpreter costs a tenth of
a second, which is what makes hundreds of trials affordable. Only ``charting.storage`` and ``charting.domain`` are
imported, never Qt.

Every line written to stdout is one JSON object, written with a single ``write`` so lines never interleave:
``{"phase": "intent", "op": ..., ...}`` just before a change, ``{"phase": "ack", "op": ..., "id": ..., ...}`` only
after the change's commit returned (the same payload, plus the record's id), ``{"phase": "ready"}`` once the
database is open, and from the server ``{"server": "ended", "code": ...}`` once the writer it forked is dead.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from charting.domain.marking import (
    add_adverse_event,
    answer_screening,
    apply_protocol,
    set_outcomes,
    set_units,
    skip,
    toggle,
)
from charting.domain.people import Injector
from charting.domain.protocol import Protocol, load_protocol
from charting.domain.session import (
    SCREENING_QUESTIONS,
    AdverseEvent,
    Answer,
    Outcomes,
    Patient,
    Session,
    content_hash,
)
from charting.resources import protocol_path
from charting.storage import Repository, open_database

SERVICE_DATE = date(2026, 11, 25)
SIGNED_AT = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
SIGNER = Injector(name="Dr. Kill Trial", credentials="MD")
READY_HEADER: dict[str, Any] = {
    "injector": SIGNER.display_name,
    "product_id": "botox_200",
    "vial_units": 200,
    "vials_opened": 1,
    "lot_expiry": date(2027, 6, 30),
    "saline_ml": 4.0,
    "consent": True,
    "time_out": True,
    "interval_reason": "Fault trial: a repeat session the same day.",
    "overrides": (),
}
"""What a writer fills in before signing: one 200 U vial in 4 mL, consent, time-out and the reason for a session
sooner than the interval (its sessions share one date of service)."""
MAX_OPEN_DRAFTS = 3
"""A writer starts a new session only while it has fewer drafts open than this."""


@dataclass(frozen=True)
class Plan:
    """What one writer does: its database, its name (the audit actor), its RNG seed, and its records so far."""

    db: str
    writer: str
    seed: int
    ops: int | None = None
    """How many changes to make before exiting; None charts until killed."""
    pause_ms: float = 0.0
    """The longest pause between two changes (each pause is drawn at random up to it, as between clicks); 0 charts
    without a pause."""
    patients: list[int] = field(default_factory=list)
    drafts: list[int] = field(default_factory=list)
    signed: list[int] = field(default_factory=list)

    def to_json(self) -> str:
        """The plan as one line of JSON."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """The plan a line of JSON describes."""
        return cls(**json.loads(text))


def emit(message: dict[str, Any]) -> None:
    """Write one JSON line to stdout with a single write (a line shorter than the pipe's atomic size)."""
    os.write(sys.stdout.fileno(), (json.dumps(message, ensure_ascii=True) + "\n").encode())


def prepare_database(path: Path) -> None:
    """Create the trials' database with the injector who signs (the children find it there)."""
    db = open_database(path)
    try:
        repo = Repository(db, actor="fault-setup")
        if not any(injector.can_sign for injector in repo.injectors()):
            repo.save_injector(SIGNER)
    finally:
        db.close()


def patient_fields(patient: Patient) -> dict[str, str]:
    """A patient's details as acknowledged (the id apart)."""
    return {
        "mrn": patient.mrn,
        "family_name": patient.family_name,
        "given_name": patient.given_name,
        "dob": patient.dob.isoformat(),
        "sex": patient.sex,
        "allergies": patient.allergies,
    }


def ready_to_sign(draft: Session, protocol: Protocol) -> Session:
    """The draft with everything signing needs: the full protocol, the ready header, the screening all answered no."""
    ready = apply_protocol(
        replace(
            draft,
            **READY_HEADER,
            lot_number=draft.lot_number or "KILL1",
            needle=protocol.needle,
            diagnosis_code=protocol.default_diagnosis,
        ),
        protocol,
    )
    for question in SCREENING_QUESTIONS:
        ready = answer_screening(ready, question, Answer.NO)
    return ready


class Writer:
    """One writer's loop: picks a change at random, reports its intent, makes it, acknowledges it after the commit."""

    def __init__(self, repo: Repository, plan: Plan) -> None:
        self.repo = repo
        self.protocol = repo.protocol
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.patients = list(plan.patients)
        self.drafts = list(plan.drafts)
        self.signed = list(plan.signed)
        self.signer = next(injector for injector in repo.injectors() if injector.can_sign)
        self.made = 0

    def step(self) -> None:
        """Make one change (or two, when signing first fills the draft in)."""
        roll = self.rng.random()
        if not self.patients or roll < 0.03:
            self.add_patient()
        elif not self.drafts or (roll < 0.12 and len(self.drafts) < MAX_OPEN_DRAFTS):
            self.create_session()
        elif roll < 0.15:
            self.discard()
        elif roll < 0.25:
            self.sign()
        elif roll < 0.32 and self.signed:
            self.add_addendum()
        elif roll < 0.65:
            self.save(*self.marked(self.load_draft()))
        else:
            self.save(*self.edited_header(self.load_draft()))
        self.made += 1

    def load_draft(self) -> Session:
        return self.repo.load_session(self.rng.choice(self.drafts))

    def add_patient(self) -> None:
        number = len(self.patients) + 1
        patient = Patient(
            mrn=f"{self.plan.writer}-{number}",
            family_name=self.rng.choice(["Núñez", "O'Brien", "Kill", "Åström"]),
            given_name=self.rng.choice(["Zoë", "Trial", "José"]),
            dob=date(1950 + self.rng.randrange(50), 1 + self.rng.randrange(12), 1 + self.rng.randrange(28)),
            allergies=self.rng.choice(["", "Latex", "Penicillin"]),
        )
        emit({"phase": "intent", "op": "patient", "patient": patient_fields(patient)})
        stored = self.repo.add_patient(patient)
        emit({"phase": "ack", "op": "patient", "id": stored.id, "patient": patient_fields(stored)})
        self.patients.append(int(stored.id or 0))

    def create_session(self) -> None:
        draft = Session(
            performed_on=SERVICE_DATE, patient_id=self.rng.choice(self.patients), injector=SIGNER.display_name
        )
        emit({"phase": "intent", "op": "create", "digest": content_hash(draft)})
        stored = self.repo.create_session(draft)
        emit({"phase": "ack", "op": "create", "id": stored.id, "digest": content_hash(stored)})
        self.drafts.append(int(stored.id or 0))

    def discard(self) -> None:
        session_id = self.rng.choice(self.drafts)
        emit({"phase": "intent", "op": "discard", "id": session_id})
        self.repo.discard_draft(session_id)
        emit({"phase": "ack", "op": "discard", "id": session_id})
        self.drafts.remove(session_id)

    def sign(self) -> None:
        draft = self.load_draft()
        session_id = int(draft.id or 0)
        self.save(ready_to_sign(draft, self.protocol), "ready to sign")
        emit({"phase": "intent", "op": "sign", "id": session_id})
        signed = self.repo.sign_session(session_id, self.signer, SIGNED_AT)
        emit({"phase": "ack", "op": "sign", "id": session_id, "sha256": signed.content_sha256})
        self.drafts.remove(session_id)
        self.signed.append(session_id)

    def save(self, session: Session, what: str) -> None:
        payload = {"op": "save", "id": session.id, "digest": content_hash(session), "what": what}
        emit({"phase": "intent", **payload})
        self.repo.save_session(session)
        emit({"phase": "ack", **payload})

    def add_addendum(self) -> None:
        session_id = self.rng.choice(self.signed)
        text = f"Addendum {self.made} by {self.plan.writer}: lot re-read ✓ (Zoë)"
        emit({"phase": "intent", "op": "addendum", "session": session_id, "text": text})
        addendum = self.repo.add_addendum(
            session_id, text, self.signer.display_name, SIGNED_AT + timedelta(minutes=self.made)
        )
        emit({"phase": "ack", "op": "addendum", "id": addendum.id, "session": session_id, "text": text})

    def marked(self, draft: Session) -> tuple[Session, str]:
        """A mark on the diagram: toggle a site, change its units, skip it, or apply the whole protocol."""
        site = self.rng.choice(self.protocol.sites)
        roll = self.rng.random()
        if roll < 0.1:
            return apply_protocol(draft, self.protocol), "apply protocol"
        if roll < 0.3 and draft.injection(site.id) is not None:
            units = self.protocol.dose_step_units * self.rng.randint(1, 4)
            return set_units(draft, site.id, units), f"units {site.id} {units:g}"
        if roll < 0.4:
            return skip(draft, self.protocol, site.id, "Infection at the site"), f"skip {site.id}"
        return toggle(draft, self.protocol, site.id), f"toggle {site.id}"

    def edited_header(self, draft: Session) -> tuple[Session, str]:
        """A header edit: lot, comments, dilution, consent, a screening answer, outcomes or an adverse event."""
        roll = self.rng.randrange(7)
        if roll == 0:
            return replace(draft, lot_number=f"C{self.rng.randrange(10**6)}A"), "lot"
        if roll == 1:
            return replace(draft, comments=f"Edit {self.made}: tolerated well — Zoë ✓ <b>&amp;</b>"), "comments"
        if roll == 2:
            return replace(draft, saline_ml=self.rng.choice([2.0, 4.0, 5.0])), "saline"
        if roll == 3:
            return replace(draft, consent=not draft.consent, time_out=not draft.time_out), "consent"
        if roll == 4:
            question = self.rng.choice(list(SCREENING_QUESTIONS))
            return answer_screening(draft, question, self.rng.choice(list(Answer))), f"screening {question}"
        if roll == 5:
            outcomes = Outcomes(
                headache_days=self.rng.randint(0, 28), hit6=self.rng.randint(36, 78), midas=self.rng.randint(0, 90)
            )
            return set_outcomes(draft, outcomes), "outcomes"
        event = AdverseEvent(
            event=self.rng.choice(self.protocol.adverse_events), onset="during", severity="mild", action="none"
        )
        return add_adverse_event(draft, self.protocol, replace(event, detail="Noted in a fault trial.")), "adverse"


def run_writer(plan: Plan, protocol: Protocol, *, wait_for_go: bool) -> None:
    """Open the database, report ready, optionally wait for a line on stdin, then make the plan's changes."""
    repo = Repository(open_database(Path(plan.db)), actor=plan.writer, protocol=protocol)
    writer = Writer(repo, plan)
    emit({"phase": "ready"})
    if wait_for_go:
        sys.stdin.readline()
    while plan.ops is None or writer.made < plan.ops:
        writer.step()
        if plan.pause_ms:
            time.sleep(writer.rng.uniform(0, plan.pause_ms) / 1000)
    repo.db.close()


def serve(protocol: Protocol) -> None:
    """The fork server: ``start PLAN_JSON`` forks a writer, ``kill`` SIGKILLs it and reports how it ended.

    The end of stdin (the parent is done, or gone) kills a writer still running.
    """
    child = 0
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "start" and not child:
            child = os.fork()
            if child == 0:
                code = 0
                try:
                    run_writer(Plan.from_json(argument), protocol, wait_for_go=False)
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    os._exit(code)
        elif command == "kill" and child:
            emit({"server": "ended", "code": kill(child)})
            child = 0
    if child:
        kill(child)


def kill(pid: int) -> int:
    """SIGKILL a writer this process forked and reap it; its exit code (-9 unless it had already ended).

    The writer is never reaped before this, so its pid cannot have been reused by another process.
    """
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def main(arguments: list[str]) -> int:
    """``--serve`` runs the fork server; a plan's JSON runs one writer that starts on a line from stdin."""
    protocol = load_protocol(protocol_path())
    if arguments == ["--serve"]:
        serve(protocol)
    else:
        run_writer(Plan.from_json(arguments[0]), protocol, wait_for_go=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
