"""``restore``: a backup is checked before it replaces anything, swapped in atomically, and the old file is kept."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, StorageError, open_database
from charting.storage.backup import backup_database
from charting.storage.check import check_database
from charting.storage.restore import restore_database
from tests.storage.helpers import NOW, sign_one

RESTORED_AT = datetime(2026, 11, 25, 18, 0)


def fingerprint(path: Path) -> tuple[object, ...]:
    """Counts of every table and every signed session's hash."""
    connection = sqlite3.connect(path)
    try:
        counts = tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("patients", "sessions", "injections", "addenda", "audit_log")
        )
        hashes = tuple(connection.execute("SELECT id, content_sha256 FROM sessions ORDER BY id").fetchall())
    finally:
        connection.close()
    return counts, hashes


def test_a_round_trip_restores_the_backup_and_keeps_the_newer_file(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector, db_path: Path, *, tmp_path: Path
) -> None:
    sign_one(repo, protocol, patient, signer)
    backup = backup_database(db_path, tmp_path / "backup.db")
    at_backup = fingerprint(backup)
    sign_one(repo, protocol, patient, signer)
    after_backup = fingerprint(db_path)
    repo.db.close()
    result = restore_database(backup, db_path, now=RESTORED_AT)
    assert fingerprint(db_path) == at_backup
    assert result.kept == db_path.with_name("charting-before-restore-20261125-180000.db")
    assert fingerprint(result.kept) == after_backup
    assert (db_path.stat().st_mode & 0o777) == 0o600 and result.signed_sessions == 1
    reopened = Repository(open_database(db_path), actor="t", clock=lambda: NOW)
    assert check_database(reopened).ok
    assert not list(db_path.parent.glob(".*restoring*"))


def test_a_damaged_backup_replaces_nothing(repo: Repository, db_path: Path, tmp_path: Path) -> None:
    repo.db.close()
    before = db_path.read_bytes()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    with pytest.raises(StorageError):
        restore_database(damaged, db_path, now=RESTORED_AT)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["charting.db"]


def test_a_backup_with_a_tampered_signature_replaces_nothing(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector, db_path: Path, *, tmp_path: Path
) -> None:
    session_id = sign_one(repo, protocol, patient, signer)
    backup = backup_database(db_path, tmp_path / "backup.db")
    shell = sqlite3.connect(backup, isolation_level=None)
    shell.execute("DROP TRIGGER injections_signed_no_update")
    shell.execute(f"UPDATE injections SET units = 50 WHERE session_id = {session_id}")
    shell.close()
    repo.db.close()
    before = fingerprint(db_path)
    with pytest.raises(StorageError, match=r"not restored because .*signed session"):
        restore_database(backup, db_path, now=RESTORED_AT)
    assert fingerprint(db_path) == before


def test_the_database_itself_is_not_a_backup(db_path: Path, repo: Repository) -> None:
    with pytest.raises(StorageError, match="same file"):
        restore_database(db_path, db_path)


def test_a_database_open_in_a_window_is_not_replaced(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector, db_path: Path, *, tmp_path: Path
) -> None:
    """The window's connection would go on saving into the replaced file: the restore waits until it is closed."""
    sign_one(repo, protocol, patient, signer)
    backup = backup_database(db_path, tmp_path / "backup.db")
    before = fingerprint(db_path)
    with pytest.raises(StorageError, match="in use; close the charting window"):
        restore_database(backup, db_path, now=RESTORED_AT)
    assert fingerprint(db_path) == before
    assert repo.add_patient(Patient(mrn="LATER", family_name="Still", given_name="Saved", dob=patient.dob)).id
    assert sorted(p.name for p in db_path.parent.iterdir() if "restor" in p.name) == []
