"""Crash safety: a child process saves on the real path in a loop and is SIGKILLed; nothing acknowledged is lost."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from charting.domain.marking import apply_protocol
from charting.domain.protocol import Protocol
from charting.domain.session import Session
from charting.storage import Repository, open_database

TRIALS = 20
STEPS_PER_SESSION = 12
"""The child signs its draft and starts the next one every this many saves."""

CHILD = r"""
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from charting.domain.people import Injector
from charting.domain.session import Patient, Session
from charting.storage import Repository, open_database
from tests.storage.test_crash import STEPS_PER_SESSION, state

repo = Repository(open_database(Path(sys.argv[1])), actor="crash-child")
protocol = repo.protocol
patient = repo.patient_by_mrn("CRASH") or repo.add_patient(
    Patient(mrn="CRASH", family_name="Test", given_name="Crash", dob=date(1970, 1, 1))
)
signer = next(iter(repo.injectors()), None) or repo.save_injector(Injector(name="Dr. Kill", credentials="MD"))
draft = repo.create_session(Session(performed_on=date(2026, 11, 25), patient_id=patient.id, interval_reason="Same day, for the test."))
print(f"created {draft.id}", flush=True)
step = 0
while True:
    step += 1
    if step % STEPS_PER_SESSION == 0:
        repo.sign_session(draft.id, signer, datetime(2026, 11, 25, 10, tzinfo=UTC))
        print(f"signed {draft.id}", flush=True)
        draft = repo.create_session(Session(performed_on=date(2026, 11, 25), patient_id=patient.id, interval_reason="Same day, for the test."))
        print(f"created {draft.id}", flush=True)
    else:
        repo.save_session(state(protocol, draft, step))
        print(f"saved {draft.id} {step}", flush=True)
"""


def state(protocol: Protocol, draft: Session, step: int) -> Session:
    """The session as the child saves it at ``step``: a signable session whose comment and doses name the step."""
    ready = apply_protocol(
        replace(
            draft,
            injector="Dr. Kill, MD",
            product_id="botox_200",
            vial_units=200,
            lot_number=f"LOT{step}",
            lot_expiry=draft.performed_on.replace(year=draft.performed_on.year + 1),
            saline_ml=4.0,
            consent=True,
            time_out=True,
            diagnosis_code=protocol.default_diagnosis,
            comments=f"step {step}",
        ),
        protocol,
    )
    dropped = protocol.sites[step % len(protocol.sites)].id
    return replace(ready, injections=tuple(inj for inj in ready.injections if inj.site_id != dropped))


def run_trial(db_path: Path, rng: random.Random) -> list[str]:
    """Start the child, kill it after a random number of acknowledgements; the acknowledgements read."""
    acknowledged: list[str] = []
    kill_after = rng.randint(1, 40)
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        for line in child.stdout:
            acknowledged.append(line.strip())
            if len(acknowledged) >= kill_after:
                break
        child.send_signal(signal.SIGKILL)
        child.wait()
        stderr = child.stderr.read()
    assert child.returncode == -signal.SIGKILL, stderr
    return acknowledged


@pytest.mark.slow
def test_sigkill_while_saving_loses_nothing_acknowledged(tmp_path: Path, protocol: Protocol) -> None:
    db_path = tmp_path / "crash.db"
    open_database(db_path).close()
    rng = random.Random(7)
    signed: set[int] = set()
    for _trial in range(TRIALS):
        acknowledged = run_trial(db_path, rng)
        db = open_database(db_path)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            repo = Repository(db, protocol=protocol)
            last_saved: dict[int, int] = {}
            for line in acknowledged:
                verb, session_id, *rest = line.split()
                if verb == "signed":
                    signed.add(int(session_id))
                elif verb == "saved":
                    last_saved[int(session_id)] = int(rest[0])
                else:
                    assert repo.load_session(int(session_id)).patient_id is not None
            for session_id in signed:
                session = repo.load_session(session_id)
                assert session.signed and repo.verify_signature(session)
            for session_id, step in last_saved.items():
                stored = repo.load_session(session_id)
                if stored.signed:  # signed after its last save, acknowledged or not
                    assert stored.comments == f"step {step}" and repo.verify_signature(stored)
                    continue
                # the acknowledged step, or the next one when the kill came between commit and print; never a mix
                candidates = [replace(state(protocol, stored, n), id=session_id) for n in (step, step + 1)]
                assert stored in candidates, (session_id, step, stored.comments)
        finally:
            db.close()
    assert signed, "the child never reached a signature; raise the kill points"
