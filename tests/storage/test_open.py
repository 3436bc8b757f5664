"""Opening the database: PRAGMAs, owner-only files, and every wrong file refused with a sentence and left unchanged."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest

from charting.domain.session import Patient
from charting.storage import Repository, StorageError, open_database
from charting.storage.versions import MIGRATIONS_TABLE, SCHEMA_VERSION
from tests.sessions import SERVICE_DATE


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_refused(path: Path, *words: str) -> str:
    """Opening ``path`` fails with one sentence containing ``words``; the file is byte-for-byte unchanged."""
    before = digest(path)
    with pytest.raises(StorageError) as caught:
        open_database(path)
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    for word in words:
        assert word in message
    assert digest(path) == before
    return message


def make_clinic_file(path: Path) -> None:
    """A real charting database with one patient, closed cleanly (no WAL left)."""
    db = open_database(path)
    Repository(db).add_patient(Patient(mrn="M1", family_name="Brontë", given_name="Anne", dob=SERVICE_DATE))
    db.close()


def assert_pragmas(db: sqlite3.Connection) -> None:
    assert isinstance(db, sqlite3.Connection)
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1


def test_new_database_has_the_pragmas(db: sqlite3.Connection) -> None:
    assert_pragmas(db)


def test_an_up_to_date_database_reopened_has_the_pragmas(db_path: Path) -> None:
    """No migration runs on reopening, so nothing but ``open_database`` itself sets them."""
    make_clinic_file(db_path)
    db = open_database(db_path, create=False)
    try:
        assert_pragmas(db)
    finally:
        db.close()


def test_database_and_its_wal_are_owner_only(db: sqlite3.Connection, db_path: Path) -> None:
    Repository(db).add_patient(Patient(mrn="M1", family_name="A", given_name="B", dob=SERVICE_DATE))
    for path in (db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        assert path.exists(), path
        assert mode(path) == 0o600, (path, oct(mode(path)))


def test_owner_only_even_with_a_permissive_umask(tmp_path: Path) -> None:
    import os

    previous = os.umask(0)
    try:
        db = open_database(tmp_path / "open.db")
    finally:
        os.umask(previous)
    db.close()
    assert mode(tmp_path / "open.db") == 0o600


def test_reopening_keeps_the_records(db_path: Path) -> None:
    make_clinic_file(db_path)
    db = open_database(db_path, create=False)
    assert Repository(db).patient_by_mrn("m1") is not None
    db.close()


def test_a_missing_file_is_not_created_when_create_is_false(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no database"):
        open_database(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_a_zero_byte_file_is_never_initialised(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    assert_refused(path, "empty", "0 bytes")
    assert path.stat().st_size == 0


def test_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Dear colleague, this is a letter, not a database.\n" * 20)
    assert_refused(path, "not a charting database")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="folder"):
        open_database(tmp_path)


def test_a_truncated_database_is_refused(db_path: Path) -> None:
    make_clinic_file(db_path)
    data = db_path.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    db_path.write_bytes(data[: len(data) - 2 * page_size])
    assert_refused(db_path, "damaged", "truncated")


def test_a_database_cut_mid_page_is_refused(db_path: Path) -> None:
    make_clinic_file(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) - 100])
    assert_refused(db_path, "damaged")


def test_a_corrupt_header_is_refused(db_path: Path) -> None:
    make_clinic_file(db_path)
    data = bytearray(db_path.read_bytes())
    data[16:18] = (1000).to_bytes(2, "big")  # not a power of two
    db_path.write_bytes(bytes(data))
    assert_refused(db_path, "damaged")


def test_a_damaged_schema_page_is_refused(db_path: Path) -> None:
    make_clinic_file(db_path)
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # page 1 after the header: the schema table
    db_path.write_bytes(bytes(data))
    assert_refused(db_path, "damaged")


def test_a_newer_schema_version_is_refused(db_path: Path) -> None:
    make_clinic_file(db_path)
    connection = sqlite3.connect(db_path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    message = assert_refused(db_path, "newer version")
    assert str(SCHEMA_VERSION + 1) in message


def test_an_unknown_migration_is_refused(db_path: Path) -> None:
    make_clinic_file(db_path)
    connection = sqlite3.connect(db_path)
    connection.execute(
        f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at) VALUES ('charting', '9999_future', 'x')"
    )
    connection.commit()
    connection.close()
    assert_refused(db_path, "newer version")


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()
    assert_refused(path, "another program")


def test_a_read_only_file_is_refused_with_a_clear_message(db_path: Path) -> None:
    make_clinic_file(db_path)
    db_path.chmod(0o400)
    try:
        assert_refused(db_path, "read-only")
    finally:
        db_path.chmod(0o600)


def test_an_uncreatable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="Could not create"):
        open_database(blocker / "charting.db")
