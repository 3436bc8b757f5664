"""The audit log is a hash chain: an entry edited, removed or forged behind the app's back, with the guarding
triggers dropped, is found by ``charting check``, and so is the dropped trigger."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, open_database
from charting.storage.audit_chain import chain_head, first_broken_entry
from charting.storage.check import check_database
from charting.storage.schema import MIGRATIONS
from tests.storage.helpers import NOW, sign_one


@pytest.fixture
def busy(repo: Repository, protocol: Protocol, patient: Patient, signer: Injector) -> int:
    """A log with creations, changes and two signatures; the id of the first signed session."""
    first = sign_one(repo, protocol, patient, signer)
    sign_one(repo, protocol, patient, signer)
    return first


def tamper(db_path: Path, *statements: str) -> None:
    """What someone with the sqlite3 shell could do."""
    shell = sqlite3.connect(db_path, isolation_level=None)
    for statement in statements:
        shell.execute(statement)
    shell.close()


def test_the_chain_of_a_working_clinic_verifies(repo: Repository, busy: int) -> None:
    assert len(repo.audit_entries()) > 5
    assert first_broken_entry(repo.db) is None
    report = check_database(repo)
    assert report.ok and report.audit_chain_broken_at is None and report.triggers_missing == ()


def test_a_signature_keeps_the_head_of_the_chain_it_wrote(repo: Repository, busy: int) -> None:
    head = repo.audit_head_at_signing(busy)
    sign_entry = next(e for e in repo.audit_entries("session", busy) if e["action"] == "sign")
    assert len(head) == 64 and head == sign_entry["chain_sha256"]
    assert chain_head(repo.db) != head  # the second signature came after


def test_an_entry_edited_with_the_trigger_dropped_is_found(repo: Repository, busy: int, db_path: Path) -> None:
    edited = repo.audit_entries()[2]["id"]
    tamper(
        db_path,
        "DROP TRIGGER audit_log_no_update",
        f"UPDATE audit_log SET actor = 'someone else' WHERE id = {edited}",
    )
    report = check_database(repo)
    assert not report.ok
    assert report.audit_chain_broken_at == edited
    assert report.triggers_missing == ("audit_log_no_update",)


def test_an_entry_removed_is_found(repo: Repository, busy: int, db_path: Path) -> None:
    entries = repo.audit_entries()
    tamper(db_path, "DROP TRIGGER audit_log_no_delete", f"DELETE FROM audit_log WHERE id = {entries[1]['id']}")
    assert check_database(repo).audit_chain_broken_at == entries[2]["id"]
    assert check_database(repo).triggers_missing == ("audit_log_no_delete",)


def test_a_forged_entry_at_the_end_breaks_the_chain(repo: Repository, busy: int, db_path: Path) -> None:
    tamper(
        db_path,
        "INSERT INTO audit_log (at, actor, action, entity, detail, chain_sha256) "
        f"VALUES ('2026-11-25', 'x', 'sign', 'session', 'forged', '{'0' * 64}')",
    )
    last = repo.audit_entries()[-1]["id"]
    assert check_database(repo).audit_chain_broken_at == last


def test_an_unchained_entry_is_refused(repo: Repository, busy: int, db_path: Path) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="must be chained"):
        tamper(db_path, "INSERT INTO audit_log (at, actor, action, entity) VALUES ('x', 'x', 'x', 'x')")


def test_a_rewritten_trigger_is_found(repo: Repository, busy: int, db_path: Path) -> None:
    tamper(
        db_path,
        "DROP TRIGGER sessions_signed_no_update",
        "CREATE TRIGGER sessions_signed_no_update BEFORE UPDATE ON sessions WHEN 0 BEGIN SELECT 1; END",
    )
    assert check_database(repo).triggers_missing == ("sessions_signed_no_update",)


def test_the_upgrade_chains_the_entries_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "before_0007.db"
    old = sqlite_utils.Database(path)
    MIGRATIONS.apply(old, stop_before="0007_audit_chain")
    for number in range(5):
        old.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
            [f"2026-01-0{number + 1}T09:00:00+00:00", "dr", "create", "patient", number, "Ünïcode"],
        )
    old.conn.commit()
    old.execute(f"PRAGMA user_version = {len(MIGRATIONS.applied(old))}")
    old.close()
    upgraded = Repository(open_database(path), actor="tester", clock=lambda: NOW)
    assert len(upgraded.audit_entries()) == 5
    assert first_broken_entry(upgraded.db) is None
    upgraded.save_setting("paper", "a4")
    assert first_broken_entry(upgraded.db) is None and check_database(upgraded).ok


def test_a_signing_entry_removed_from_the_end_is_found(repo: Repository, busy: int, db_path: Path) -> None:
    """The last entry is a signature: without it the chain still verifies, but the session names its head."""
    signing = [e for e in repo.audit_entries() if e["entity"] == "session" and e["action"] == "sign"]
    last_signed, sign_entry = signing[-1]["entity_id"], signing[-1]["id"]
    shell = sqlite3.connect(db_path, isolation_level=None)
    trigger = shell.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_delete'").fetchone()[0]
    shell.execute("DROP TRIGGER audit_log_no_delete")
    shell.execute(f"DELETE FROM audit_log WHERE id >= {sign_entry}")
    shell.execute(trigger)
    shell.close()
    report = check_database(repo)
    assert first_broken_entry(repo.db) is None and report.triggers_missing == ()
    assert report.signatures_off_chain == (last_signed,) and not report.ok
