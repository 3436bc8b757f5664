"""Fault trials on the real save path: writers killed mid-save, writers side by side, and the check of what survived.

Shared by ``tests/storage/test_kill_during_save.py``, ``tests/storage/test_two_writers.py`` and ``bench/kill.py``.
The writers are ``tests.storage.save_child``; ``Records`` keeps what they acknowledged and checks a reopened
database against it: every acknowledged change present exactly as acknowledged, the change in flight at the kill
either absent or whole, no half-written session, and SQLite's own integrity and foreign-key checks clean.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from charting.domain.session import Session, Status, content_hash
from charting.storage import Repository, open_database
from tests.storage.save_child import Plan, patient_fields, prepare_database

ROOT = Path(__file__).resolve().parents[2]
CHILD = [sys.executable, "-m", "tests.storage.save_child"]
MAX_ACKS_BEFORE_KILL = 16
"""A trial's kill comes after a number of acknowledgements drawn from 0 to this (0: while the writer opens the file)."""
MAX_EXTRA_DELAY_S = 0.003
"""... and a moment drawn from 0 to this later: a change takes a millisecond or two, so the kill lands anywhere in
the next one (before, during or after its commit) whatever the machine's speed."""
ACK_TIMEOUT_S = 30
"""A writer that acknowledges nothing for this long has failed; it is killed and its error reported."""
DISAGREEING_SESSIONS = (
    "SELECT s.id FROM sessions s LEFT JOIN (SELECT session_id, TOTAL(units) AS units, "
    "SUM(skipped_reason = '') AS sites FROM injections GROUP BY session_id) i ON i.session_id = s.id "
    "WHERE abs(s.units_administered - coalesce(i.units, 0)) > 1e-9 OR s.sites_injected != coalesce(i.sites, 0)"
)
"""Sessions whose stored totals disagree with their injections (skipped sites are stored with 0 units)."""

Message = dict[str, Any]
SessionState = tuple[str, str]
"""A session as acknowledged: ("draft", its content hash) or ("signed", its stored signature hash)."""


class ChildFailedError(RuntimeError):
    """A writer ended other than by the parent's SIGKILL (an exception such as "database is locked")."""


@dataclass
class Findings:
    """What a check found wrong: acknowledged changes lost, and records half-written."""

    lost: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    in_flight_kept: bool = False
    """True when the change in flight at the kill had committed before it (so the database holds it whole)."""


@dataclass
class KillReport:
    """The kill trials' figures; ``seed`` reproduces the writers' changes and the kill moments."""

    seed: int
    trials: int = 0
    acknowledged: int = 0
    in_flight: int = 0
    """Trials killed during a change: after its intent was reported, before its acknowledgement."""
    in_flight_kept: int = 0
    """Of those, the trials whose change had committed before the kill."""
    findings: Findings = field(default_factory=Findings)

    def figures(self) -> dict[str, float]:
        """The bench keys: trials, acknowledged changes, lost and partial."""
        return {
            "kill_trials": float(self.trials),
            "kill_acknowledged": float(self.acknowledged),
            "kill_lost": float(len(self.findings.lost)),
            "kill_partial": float(len(self.findings.partial)),
            "kill_in_flight": float(self.in_flight),
            "kill_in_flight_kept": float(self.in_flight_kept),
        }


def unsigned(session: Session) -> Session:
    """A signed session as the draft it was signed from."""
    return replace(session, status=Status.DRAFT, signed_at=None, signed_by="", content_sha256="", signed_context=None)


def state_of(session: Session) -> SessionState:
    """How a stored session compares with an acknowledgement."""
    if session.signed:
        return "signed", session.content_sha256
    return "draft", content_hash(session)


@dataclass
class Records:
    """Every change the writers acknowledged, as the database must now hold it."""

    db_path: Path
    patients: dict[int, dict[str, str]] = field(default_factory=dict)
    sessions: dict[int, SessionState] = field(default_factory=dict)
    addenda: dict[int, tuple[int, str]] = field(default_factory=dict)
    acknowledged: int = 0
    disagreeing: set[int] = field(default_factory=set)
    """Sessions already reported with totals that disagree with their injections (reported once)."""

    def plan(self, writer: str, seed: int, ops: int | None = None) -> Plan:
        """A writer that carries on with the records so far."""
        return Plan(
            db=str(self.db_path),
            writer=writer,
            seed=seed,
            ops=ops,
            patients=sorted(self.patients),
            drafts=sorted(sid for sid, (status, _) in self.sessions.items() if status == "draft"),
            signed=sorted(sid for sid, (status, _) in self.sessions.items() if status == "signed"),
        )

    def take(self, messages: list[Message]) -> tuple[set[int], Message | None]:
        """Record one writer's acknowledgements; the sessions they touched and the change in flight (if any).

        Writers side by side are taken one after the other, so a session's fate is merged, not replayed: SQLite
        gives a discarded draft's id to the next session, so an id that one writer created and discarded may be
        alive in another's records, and that writer's discard leaves it there.
        """
        touched: set[int] = set()
        pending: Message | None = None
        first_ops: dict[int, str] = {}
        fates: dict[int, SessionState | None] = {}
        for message in messages:
            if message.get("phase") == "intent":
                pending = message
            elif message.get("phase") == "ack":
                pending = None
                self.acknowledged += 1
                op, record_id = message["op"], message["id"]
                if op == "patient":
                    self.patients[record_id] = message["patient"]
                elif op == "addendum":
                    self.addenda[record_id] = (message["session"], message["text"])
                    touched.add(message["session"])
                else:
                    first_ops.setdefault(record_id, op)
                    fates[record_id] = _fate(message)
                    touched.add(record_id)
        for session_id, fate in fates.items():
            if fate is not None:
                self.sessions[session_id] = fate
            elif first_ops[session_id] != "create":
                self.sessions.pop(session_id, None)
        if pending is not None and pending["op"] in {"save", "discard", "sign"}:
            touched.add(pending["id"])
        return touched, pending

    def check(self, pending: Message | None = None, touched: set[int] | None = None) -> Findings:
        """Reopen the database and compare it with the records (the sessions ``touched``, or all of them).

        The change in flight, if the database holds it whole, joins the records; anything else that differs is a
        finding, and the records take the database's version so that later checks do not report it again.
        """
        findings = Findings()
        db = open_database(self.db_path)
        try:
            repo = Repository(db, actor="fault-check")
            if db.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                findings.partial.append("PRAGMA integrity_check did not answer ok")
            if db.execute("PRAGMA foreign_key_check").fetchall():
                findings.partial.append("PRAGMA foreign_key_check found rows pointing nowhere")
            for (session_id,) in db.execute(DISAGREEING_SESSIONS).fetchall():
                if session_id not in self.disagreeing:
                    self.disagreeing.add(session_id)
                    findings.partial.append(f"session {session_id}: its totals disagree with its injections")
            stored = _Stored(db, repo)
            findings.in_flight_kept = pending is not None and self._resolve(pending, stored)
            self._compare_patients(stored, findings)
            self._compare_sessions(stored, findings, set(stored.session_ids) if touched is None else touched)
            self._compare_addenda(stored, findings)
        finally:
            db.close()
        return findings

    def _resolve(self, pending: Message, stored: _Stored) -> bool:
        """Take the change in flight into the records when the database holds it whole; True when it does."""
        op = pending["op"]
        if op == "patient":
            for patient_id in stored.patient_ids - self.patients.keys():
                if stored.patients[patient_id] == pending["patient"]:
                    self.patients[patient_id] = pending["patient"]
                    return True
        elif op == "create":
            for session_id in stored.session_ids - self.sessions.keys():
                if state_of(stored.repo.load_session(session_id)) == ("draft", pending["digest"]):
                    self.sessions[session_id] = ("draft", pending["digest"])
                    return True
        elif op == "addendum":
            for addendum_id, content in stored.addenda.items():
                if addendum_id not in self.addenda and content == (pending["session"], pending["text"]):
                    self.addenda[addendum_id] = content
                    return True
        elif op == "discard":
            if pending["id"] not in stored.session_ids:
                self.sessions.pop(pending["id"], None)
                return True
        elif pending["id"] in stored.session_ids:
            session = stored.repo.load_session(pending["id"])
            if op == "save" and state_of(session) == ("draft", pending["digest"]):
                kept = self.sessions.get(pending["id"]) != state_of(session)
                self.sessions[pending["id"]] = state_of(session)
                return kept
            if op == "sign" and session.signed and self.sessions.get(pending["id"]) == state_of(unsigned(session)):
                self.sessions[pending["id"]] = state_of(session)
                return True
        return False

    def _compare_patients(self, stored: _Stored, findings: Findings) -> None:
        for patient_id in sorted(stored.patient_ids - self.patients.keys()):
            findings.partial.append(f"patient {patient_id}: stored, but no change acknowledged or in flight made it")
            self.patients[patient_id] = stored.patients[patient_id]
        for patient_id, fields in list(self.patients.items()):
            if patient_id not in stored.patient_ids:
                findings.lost.append(f"patient {patient_id}: acknowledged, but missing")
                del self.patients[patient_id]
            elif stored.patients[patient_id] != fields:
                findings.lost.append(f"patient {patient_id}: stored details differ from those acknowledged")
                self.patients[patient_id] = stored.patients[patient_id]

    def _compare_sessions(self, stored: _Stored, findings: Findings, touched: set[int]) -> None:
        for session_id in sorted(stored.session_ids - self.sessions.keys()):
            findings.partial.append(f"session {session_id}: stored, but no change acknowledged or in flight made it")
            touched.add(session_id)
            self.sessions[session_id] = state_of(stored.repo.load_session(session_id))
        for session in stored.repo.sessions_by_id(sorted(touched & stored.session_ids)):
            session_id = int(session.id or 0)
            if session.signed and not stored.repo.verify_signature(session):
                findings.partial.append(f"session {session_id}: signed, but its content does not match its hash")
            if state_of(session) != self.sessions[session_id]:
                findings.lost.append(
                    f"session {session_id}: stored as {state_of(session)}, acknowledged as {self.sessions[session_id]}"
                )
                self.sessions[session_id] = state_of(session)
        for session_id in sorted(touched & (self.sessions.keys() - stored.session_ids)):
            findings.lost.append(f"session {session_id}: acknowledged, but missing")
            del self.sessions[session_id]

    def _compare_addenda(self, stored: _Stored, findings: Findings) -> None:
        for addendum_id in sorted(stored.addenda.keys() - self.addenda.keys()):
            findings.partial.append(f"addendum {addendum_id}: stored, but no change acknowledged or in flight made it")
            self.addenda[addendum_id] = stored.addenda[addendum_id]
        for addendum_id, content in list(self.addenda.items()):
            if stored.addenda.get(addendum_id) != content:
                findings.lost.append(
                    f"addendum {addendum_id}: acknowledged as {content}, stored as {stored.addenda.get(addendum_id)}"
                )
                del self.addenda[addendum_id]


def _fate(ack: Message) -> SessionState | None:
    """A session as a create, save, sign or discard left it (None: discarded)."""
    if ack["op"] == "discard":
        return None
    if ack["op"] == "sign":
        return "signed", ack["sha256"]
    return "draft", ack["digest"]


class _Stored:
    """The ids of the records in a reopened database; the patients and addenda as the repository reads them."""

    def __init__(self, db: sqlite3.Connection, repo: Repository) -> None:
        self.repo = repo
        count = db.execute("SELECT COUNT(*) FROM patients").fetchone()[0]
        self.patients = {int(p.id or 0): patient_fields(p) for p in repo.search_patients("", limit=count)}
        self.patient_ids = set(self.patients)
        self.session_ids = {row[0] for row in db.execute("SELECT id FROM sessions")}
        with_addenda = [row[0] for row in db.execute("SELECT DISTINCT session_id FROM addenda")]
        self.addenda = {
            int(addendum.id or 0): (addendum.session_id, addendum.text)
            for session_id in with_addenda
            for addendum in repo.addenda(session_id)
        }


class ForkServer:
    """``save_child --serve``: forks a writer per trial, SIGKILLs it on request and says how it ended."""

    def __init__(self, workdir: Path) -> None:
        self._stderr_path = workdir / "fork-server.stderr"
        with self._stderr_path.open("wb") as stderr:
            self._process = subprocess.Popen(
                [*CHILD, "--serve"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
            )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._stdin = self._process.stdin
        self._stdout = self._process.stdout
        self._buffer = b""

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stdin.close()
        code = self._process.wait(timeout=10)
        self._stdout.close()
        if code and exc_info[0] is None:
            raise ChildFailedError(f"The fork server failed: {self.stderr()}")

    def stderr(self) -> str:
        """What the server and its writers wrote to stderr (their tracebacks)."""
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def trial(self, plan: Plan, acks: int, extra_s: float) -> tuple[list[Message], int]:
        """Fork a writer, SIGKILL it ``extra_s`` after its ``acks``-th acknowledgement; its messages and exit code."""
        self._send(f"start {plan.to_json()}")
        messages: list[Message] = []
        acknowledged = 0
        for message in self._messages(time.monotonic() + ACK_TIMEOUT_S) if acks else ():
            messages.append(message)
            acknowledged += message.get("phase") == "ack"
            if acknowledged == acks:
                break
        messages += self._messages(time.monotonic() + extra_s)
        self._send("kill")
        for message in self._messages(None):
            if message.get("server") == "ended":
                return messages, int(message["code"])
            messages.append(message)
        raise AssertionError("unreachable: the server's stream ended without a word")

    def _send(self, line: str) -> None:
        self._stdin.write(f"{line}\n".encode())
        self._stdin.flush()

    def _messages(self, until: float | None) -> Iterator[Message]:
        """The messages that arrive before ``until`` (a monotonic time), or all of them until the server's word."""
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                message = json.loads(line)
                yield message
                if message.get("server"):
                    return
            timeout = None if until is None else until - time.monotonic()
            if timeout is not None and timeout <= 0:
                return
            readable, _, _ = select.select([self._stdout], [], [], timeout)
            if not readable:
                return
            chunk = os.read(self._stdout.fileno(), 1 << 16)
            if not chunk:
                raise ChildFailedError(f"The fork server exited: {self.stderr()}")
            self._buffer += chunk


def run_kill_trials(workdir: Path, trials: int, seed: int) -> KillReport:
    """``trials`` writers on one database, each SIGKILLed at a random moment and the database checked after each."""
    records = Records(workdir / "kill.db")
    prepare_database(records.db_path)
    rng = random.Random(seed)
    report = KillReport(seed=seed)
    with ForkServer(workdir) as server:
        for trial in range(trials):
            plan = records.plan(writer=f"K{trial}", seed=rng.randrange(1 << 31))
            acks = rng.randint(0, MAX_ACKS_BEFORE_KILL)
            messages, code = server.trial(plan, acks, rng.uniform(0, MAX_EXTRA_DELAY_S))
            if code != -signal.SIGKILL:
                raise ChildFailedError(
                    f"Trial {trial} (seed {seed}): the writer exited with {code} before the kill: {server.stderr()}"
                )
            touched, pending = records.take(messages)
            found = records.check(pending, touched)
            _merge(report.findings, found, f"trial {trial}")
            report.trials += 1
            report.in_flight += pending is not None
            report.in_flight_kept += found.in_flight_kept
    _merge(report.findings, records.check(), "final check")
    report.acknowledged = records.acknowledged
    return report


def _merge(into: Findings, found: Findings, when: str) -> None:
    into.lost += [f"{when}: {line}" for line in found.lost]
    into.partial += [f"{when}: {line}" for line in found.partial]


def run_writers(db_path: Path, writers: dict[str, int], ops: int, pause_ms: float = 0.0) -> dict[str, list[Message]]:
    """Start a writer process per name (with its seed), release them together, wait; each one's messages.

    ``pause_ms`` is the longest pause a writer takes between two changes (see ``Plan.pause_ms``).

    Each writer charts its own new patients. ChildFailedError when a writer does not finish cleanly (for instance
    on "database is locked").
    """
    processes = {
        name: subprocess.Popen(
            [*CHILD, Plan(db=str(db_path), writer=name, seed=seed, ops=ops, pause_ms=pause_ms).to_json()],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name, seed in writers.items()
    }
    for name, process in processes.items():
        assert process.stdout is not None and process.stderr is not None
        if process.stdout.readline() != b'{"phase": "ready"}\n':
            process.wait(timeout=10)
            raise ChildFailedError(f"Writer {name} did not open the database: {process.stderr.read().decode()}")
    for process in processes.values():
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        process.stdin.flush()
    with ThreadPoolExecutor(len(processes)) as pool:  # drained side by side: a full pipe would stall a writer
        outputs = dict(zip(processes, pool.map(lambda p: p.communicate(timeout=120), processes.values()), strict=True))
    messages = {}
    for name, (out, err) in outputs.items():
        if processes[name].returncode != 0:
            raise ChildFailedError(f"Writer {name} exited with {processes[name].returncode}: {err.decode()[-4000:]}")
        messages[name] = [json.loads(line) for line in out.splitlines()]
    return messages
