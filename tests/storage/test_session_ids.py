"""A session id is never given twice: not even a discarded draft's, which the audit log still names."""

from __future__ import annotations

from pathlib import Path

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient, Session
from charting.storage import Repository, open_database
from charting.storage.repository import NEXT_SESSION_ID_SQL
from tests.sessions import SERVICE_DATE, ready_session
from tests.storage.helpers import sign_one


def test_discarding_the_newest_draft_never_frees_its_id(repo: Repository, protocol: Protocol, patient: Patient) -> None:
    kept = repo.create_session(ready_session(protocol, patient.id))
    discarded = repo.create_session(Session(performed_on=SERVICE_DATE, patient_id=patient.id))
    repo.discard_draft(int(discarded.id or 0))
    again = repo.create_session(Session(performed_on=SERVICE_DATE, patient_id=patient.id))
    assert int(again.id or 0) > int(discarded.id or 0) > int(kept.id or 0)
    named = repo.audit_entries("session", discarded.id)
    assert [(e["action"], e["detail"]) for e in named] == [
        ("create", f"patient {patient.id}"),
        ("delete", f"patient {patient.id}"),
    ], "every entry naming the discarded id is about the discarded session"


def test_a_restart_after_discarding_every_session_starts_past_them(
    repo: Repository, protocol: Protocol, patient: Patient, db_path: Path
) -> None:
    first = repo.create_session(Session(performed_on=SERVICE_DATE, patient_id=patient.id))
    repo.discard_draft(int(first.id or 0))
    assert repo.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
    repo.db.close()
    reopened = open_database(db_path)
    try:
        restarted = Repository(reopened, protocol=protocol)
        assert restarted.create_session(Session(performed_on=SERVICE_DATE, patient_id=patient.id)).id == 2
    finally:
        reopened.close()


def test_copying_the_last_session_takes_a_new_id_too(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    sign_one(repo, protocol, patient, signer)
    discarded = repo.copy_last_session(int(patient.id or 0), SERVICE_DATE)
    repo.discard_draft(int(discarded.id or 0))
    assert int(repo.copy_last_session(int(patient.id or 0), SERVICE_DATE).id or 0) > int(discarded.id or 0)


def test_the_next_id_reads_two_indexes_and_scans_nothing(repo: Repository) -> None:
    plan = [str(row[3]) for row in repo.db.execute(f"EXPLAIN QUERY PLAN {NEXT_SESSION_ID_SQL}")]
    assert "SEARCH audit_log USING COVERING INDEX idx_audit_log_entity (entity=?)" in plan
    assert not any(step.startswith("SCAN") and "CONSTANT ROW" not in step for step in plan), plan
