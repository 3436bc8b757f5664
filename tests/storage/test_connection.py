"""The plain sqlite3 connection: sqlite-utils stays unimported on an up-to-date file, and ``immediate`` transactions."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, open_database
from charting.storage.database import immediate
from charting.storage.schema import MIGRATIONS
from charting.storage.versions import MIGRATION_NAMES, MIGRATIONS_TABLE, SCHEMA_VERSION
from tests.sessions import ready_session

CHILD = r"""
import importlib
import pkgutil
import sys
from dataclasses import replace
from pathlib import Path

import charting.storage
from charting.storage import Repository, open_database

for module in pkgutil.iter_modules(charting.storage.__path__):
    if module.name != "schema":
        importlib.import_module(f"charting.storage.{module.name}")
repo = Repository(open_database(Path(sys.argv[1]), create=False), actor="child")
draft = repo.load_session(int(sys.argv[2]))
repo.save_session(replace(draft, comments="saved by the child"))
repo.db.close()
print("sqlite_utils imported" if "sqlite_utils" in sys.modules else "sqlite_utils not imported")
"""
"""Imports every storage module but the schema, then opens the file, loads the draft and saves it."""


def run_child(db_path: Path, session_id: int) -> str:
    """What the child process reports about sqlite-utils after saving ``session_id``."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path), str(session_id)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    return child.stdout.strip()


def test_opening_an_up_to_date_database_never_imports_sqlite_utils(
    repo: Repository, patient: Patient, protocol: Protocol, db_path: Path
) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    assert draft.id is not None
    assert run_child(db_path, draft.id) == "sqlite_utils not imported"
    assert repo.load_session(draft.id).comments == "saved by the child"


def test_opening_a_database_with_a_pending_migration_imports_sqlite_utils_to_apply_it(
    repo: Repository, patient: Patient, protocol: Protocol, db_path: Path
) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    assert draft.id is not None
    repo.db.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = '0003_signed_context'")
    repo.db.execute("ALTER TABLE sessions DROP COLUMN signed_context")
    repo.db.execute("PRAGMA user_version = 2")
    assert run_child(db_path, draft.id) == "sqlite_utils imported"
    assert repo.load_session(draft.id).comments == "saved by the child"
    assert sorted(m.name for m in MIGRATIONS.applied(sqlite_utils.Database(repo.db))) == list(MIGRATION_NAMES)
    assert repo.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def settings_keys(path: Path) -> list[str]:
    """The committed settings keys, as another connection sees them."""
    other = sqlite3.connect(path)
    try:
        return [row[0] for row in other.execute("SELECT key FROM settings ORDER BY key")]
    finally:
        other.close()


def put(db: sqlite3.Connection, key: str) -> None:
    db.execute("INSERT INTO settings (key, value) VALUES (?, 'x')", [key])


def test_a_statement_outside_immediate_is_committed_at_once(db: sqlite3.Connection, db_path: Path) -> None:
    put(db, "alone")
    assert not db.in_transaction
    assert settings_keys(db_path) == ["alone"]


def test_immediate_takes_the_write_lock_up_front(db: sqlite3.Connection, db_path: Path) -> None:
    other = open_database(db_path)
    other.execute("PRAGMA busy_timeout = 0")
    try:
        with immediate(db), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_immediate_commits_at_the_end_or_rolls_back_on_failure(db: sqlite3.Connection, db_path: Path) -> None:
    with immediate(db):
        put(db, "kept")
        assert settings_keys(db_path) == []
    assert settings_keys(db_path) == ["kept"]
    with pytest.raises(ValueError, match="stop"), immediate(db):
        put(db, "undone")
        raise ValueError("stop")
    assert not db.in_transaction
    assert settings_keys(db_path) == ["kept"]


def test_a_nested_immediate_joins_and_a_failure_undoes_only_its_part(db: sqlite3.Connection, db_path: Path) -> None:
    with immediate(db):
        put(db, "outer")
        with immediate(db):
            put(db, "middle")
            with pytest.raises(ValueError, match="inner"), immediate(db):
                put(db, "inner")
                raise ValueError("inner")
        assert settings_keys(db_path) == []
    assert settings_keys(db_path) == ["middle", "outer"]
    with pytest.raises(ValueError, match="outer"), immediate(db):
        put(db, "second outer")
        with immediate(db):
            put(db, "second middle")
        raise ValueError("outer")
    assert settings_keys(db_path) == ["middle", "outer"]
