"""The migrated schema as a contract: exact columns, keys, indexes and triggers (clinics' own tools read these)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from charting.storage import open_database
from charting.storage.schema import MIGRATIONS, require_registered
from charting.storage.versions import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE, SCHEMA_VERSION

SHIPPED_MIGRATIONS = [
    "0001_initial",
    "0002_replace_guards",
    "0003_signed_context",
    "0004_id_guards",
    "0005_signed_protocols",
]
"""Migrations released so far, in order: append-only, never renamed or removed."""


COLUMNS = {
    "_sqlite_migrations": [
        ("id", "INTEGER", False, None, 1),
        ("migration_set", "TEXT", False, None, 0),
        ("name", "TEXT", False, None, 0),
        ("applied_at", "TEXT", False, None, 0),
    ],
    "clinic": [
        ("id", "INTEGER", False, None, 1),
        ("name", "TEXT", True, None, 0),
        ("address", "TEXT", True, "''", 0),
        ("phone", "TEXT", True, "''", 0),
    ],
    "injectors": [
        ("id", "INTEGER", False, None, 1),
        ("name", "TEXT", True, None, 0),
        ("credentials", "TEXT", True, "''", 0),
        ("npi", "TEXT", True, "''", 0),
        ("can_sign", "INTEGER", True, "1", 0),
        ("pin_hash", "TEXT", True, "''", 0),
    ],
    "patients": [
        ("id", "INTEGER", False, None, 1),
        ("mrn", "TEXT", True, None, 0),
        ("family_name", "TEXT", True, None, 0),
        ("given_name", "TEXT", True, None, 0),
        ("dob", "TEXT", True, None, 0),
        ("sex", "TEXT", True, "''", 0),
        ("allergies", "TEXT", True, "''", 0),
        ("family_key", "TEXT", True, None, 0),
        ("given_key", "TEXT", True, None, 0),
        ("created_at", "TEXT", True, None, 0),
        ("updated_at", "TEXT", True, None, 0),
    ],
    "baselines": [
        ("patient_id", "INTEGER", False, None, 1),
        ("headache_days", "INTEGER", False, None, 0),
        ("headache_hours_per_day", "REAL", False, None, 0),
        ("failed_preventives", "TEXT", True, "'[]'", 0),
        ("specific_acute_days", "INTEGER", False, None, 0),
        ("simple_analgesic_days", "INTEGER", False, None, 0),
        ("overuse_managed", "INTEGER", True, "0", 0),
        ("updated_at", "TEXT", True, None, 0),
        ("migraine_days", "INTEGER", False, None, 0),
        ("moderate_severe_days", "INTEGER", False, None, 0),
        ("midas", "INTEGER", False, None, 0),
        ("hit6", "INTEGER", False, None, 0),
    ],
    "sessions": [
        ("id", "INTEGER", False, None, 1),
        ("patient_id", "INTEGER", True, None, 0),
        ("performed_on", "TEXT", True, None, 0),
        ("status", "TEXT", True, "'draft'", 0),
        ("injector", "TEXT", True, "''", 0),
        ("product", "TEXT", True, "''", 0),
        ("vial_units", "INTEGER", True, "0", 0),
        ("vials_opened", "INTEGER", True, "1", 0),
        ("lot_number", "TEXT", True, "''", 0),
        ("lot_expiry", "TEXT", False, None, 0),
        ("saline_ml", "REAL", False, None, 0),
        ("reconstituted_at", "TEXT", False, None, 0),
        ("needle", "TEXT", True, "''", 0),
        ("diagnosis_code", "TEXT", True, "''", 0),
        ("consent", "INTEGER", True, "0", 0),
        ("time_out", "INTEGER", True, "0", 0),
        ("contraindications_checked", "INTEGER", True, "0", 0),
        ("deviation_reason", "TEXT", True, "''", 0),
        ("interval_reason", "TEXT", True, "''", 0),
        ("comments", "TEXT", True, "''", 0),
        ("units_administered", "REAL", True, "0", 0),
        ("units_wasted", "REAL", True, "0", 0),
        ("sites_injected", "INTEGER", True, "0", 0),
        ("headache_days", "INTEGER", False, None, 0),
        ("migraine_days", "INTEGER", False, None, 0),
        ("moderate_severe_days", "INTEGER", False, None, 0),
        ("acute_medication_days", "INTEGER", False, None, 0),
        ("headache_hours_per_day", "REAL", False, None, 0),
        ("midas", "INTEGER", False, None, 0),
        ("hit6", "INTEGER", False, None, 0),
        ("signed_at", "TEXT", False, None, 0),
        ("signed_by", "TEXT", True, "''", 0),
        ("signed_by_injector_id", "INTEGER", False, None, 0),
        ("content_sha256", "TEXT", True, "''", 0),
        ("created_at", "TEXT", True, None, 0),
        ("updated_at", "TEXT", True, None, 0),
        ("signed_context", "TEXT", True, "''", 0),
        ("screen_infection", "TEXT", True, "''", 0),
        ("screen_hypersensitivity", "TEXT", True, "''", 0),
        ("screen_neuromuscular", "TEXT", True, "''", 0),
        ("screen_other_toxin", "TEXT", True, "''", 0),
        ("overrides", "TEXT", True, "'[]'", 0),
        ("audit_sha256", "TEXT", True, "''", 0),
    ],
    "injections": [
        ("id", "INTEGER", False, None, 1),
        ("session_id", "INTEGER", True, None, 0),
        ("position", "INTEGER", True, None, 0),
        ("site_id", "TEXT", True, None, 0),
        ("muscle", "TEXT", True, None, 0),
        ("side", "TEXT", True, None, 0),
        ("view", "TEXT", True, None, 0),
        ("x", "REAL", True, None, 0),
        ("y", "REAL", True, None, 0),
        ("units", "REAL", True, None, 0),
        ("kind", "TEXT", True, None, 0),
        ("skipped_reason", "TEXT", True, "''", 0),
    ],
    "adverse_events": [
        ("id", "INTEGER", False, None, 1),
        ("session_id", "INTEGER", True, None, 0),
        ("position", "INTEGER", True, None, 0),
        ("event", "TEXT", True, None, 0),
        ("onset", "TEXT", True, "''", 0),
        ("severity", "TEXT", True, "''", 0),
        ("action", "TEXT", True, "''", 0),
        ("detail", "TEXT", True, "''", 0),
    ],
    "addenda": [
        ("id", "INTEGER", False, None, 1),
        ("session_id", "INTEGER", True, None, 0),
        ("text", "TEXT", True, None, 0),
        ("author", "TEXT", True, None, 0),
        ("created_at", "TEXT", True, None, 0),
    ],
    "audit_log": [
        ("id", "INTEGER", False, None, 1),
        ("at", "TEXT", True, None, 0),
        ("actor", "TEXT", True, None, 0),
        ("action", "TEXT", True, None, 0),
        ("entity", "TEXT", True, None, 0),
        ("entity_id", "INTEGER", False, None, 0),
        ("detail", "TEXT", True, "''", 0),
        ("chain_sha256", "TEXT", True, "''", 0),
    ],
    "settings": [
        ("key", "TEXT", False, None, 1),
        ("value", "TEXT", True, None, 0),
    ],
    "signed_protocols": [
        ("sha256", "TEXT", True, None, 1),
        ("protocol_json", "TEXT", True, None, 0),
        ("stored_at", "TEXT", True, None, 0),
    ],
}
"""Each table's columns: name, type, NOT NULL, default, primary-key position."""
INDEXES = {
    "idx__sqlite_migrations_migration_set_name": ("_sqlite_migrations", ("migration_set", "name"), True),
    "idx_addenda_session": ("addenda", ("session_id", "created_at"), False),
    "idx_adverse_events_session": ("adverse_events", ("session_id", "position"), False),
    "idx_audit_log_entity": ("audit_log", ("entity", "entity_id"), False),
    "idx_injections_session": ("injections", ("session_id", "position"), False),
    "idx_patients_dob": ("patients", ("dob",), False),
    "idx_patients_family_key": ("patients", ("family_key",), False),
    "idx_patients_given_key": ("patients", ("given_key",), False),
    "idx_patients_name": ("patients", ("family_name", "given_name"), False),
    "idx_sessions_lot": ("sessions", ("lot_number",), False),
    "idx_sessions_patient": ("sessions", ("patient_id", "performed_on"), False),
    "idx_sessions_status": ("sessions", ("status", "performed_on"), False),
    "idx_sessions_patient_status": ("sessions", ("patient_id", "status", "performed_on"), False),
    "sqlite_autoindex_injections_1": ("injections", ("session_id", "site_id"), True),
    "sqlite_autoindex_patients_1": ("patients", ("mrn",), True),
    "sqlite_autoindex_settings_1": ("settings", ("key",), True),
}
FOREIGN_KEYS = {
    "baselines": [("patient_id", "patients", "id")],
    "sessions": [("patient_id", "patients", "id"), ("signed_by_injector_id", "injectors", "id")],
    "injections": [("session_id", "sessions", "id")],
    "adverse_events": [("session_id", "sessions", "id")],
    "addenda": [("session_id", "sessions", "id")],
}
TRIGGERS = {
    "addenda_no_delete": "addenda",
    "addenda_no_replace": "addenda",
    "adverse_events_no_replace": "adverse_events",
    "audit_log_no_replace": "audit_log",
    "injections_no_replace": "injections",
    "sessions_no_replace": "sessions",
    "addenda_no_update": "addenda",
    "addenda_only_signed": "addenda",
    "adverse_events_signed_no_delete": "adverse_events",
    "adverse_events_signed_no_insert": "adverse_events",
    "adverse_events_signed_no_move": "adverse_events",
    "adverse_events_signed_no_update": "adverse_events",
    "audit_log_no_delete": "audit_log",
    "audit_log_no_update": "audit_log",
    "injections_signed_no_delete": "injections",
    "injections_signed_no_insert": "injections",
    "injections_signed_no_move": "injections",
    "injections_signed_no_update": "injections",
    "sessions_no_insert_signed": "sessions",
    "sessions_signed_no_delete": "sessions",
    "sessions_signed_no_update": "sessions",
    "sessions_no_id_change": "sessions",
    "injections_no_id_change": "injections",
    "adverse_events_no_id_change": "adverse_events",
    "signed_protocols_no_update": "signed_protocols",
    "signed_protocols_no_delete": "signed_protocols",
    "signed_protocols_no_replace": "signed_protocols",
    "audit_log_chained": "audit_log",
}


def test_migrations_are_append_only_and_recorded(db: sqlite3.Connection) -> None:
    assert list(MIGRATION_NAMES[: len(SHIPPED_MIGRATIONS)]) == SHIPPED_MIGRATIONS
    assert [m.name for m in MIGRATIONS.applied(sqlite_utils.Database(db))] == list(MIGRATION_NAMES)
    assert MIGRATIONS.pending(sqlite_utils.Database(db)) == []
    assert MIGRATION_SET == "charting"


def test_the_registered_migrations_are_those_listed_in_versions() -> None:
    fresh = sqlite_utils.Database(memory=True)
    assert [m.name for m in MIGRATIONS.pending(fresh)] == list(MIGRATION_NAMES)
    assert MIGRATIONS.name == MIGRATION_SET
    assert MIGRATIONS.migrations_table == MIGRATIONS_TABLE


@pytest.mark.parametrize(
    ("registered", "table"),
    [
        (MIGRATION_NAMES[:-1], MIGRATIONS_TABLE),
        ((*MIGRATION_NAMES, "9999_unlisted"), MIGRATIONS_TABLE),
        (tuple(reversed(MIGRATION_NAMES)), MIGRATIONS_TABLE),
        (MIGRATION_NAMES, "_other_migrations"),
    ],
)
def test_the_schema_refuses_migrations_that_differ_from_versions(registered: tuple[str, ...], table: str) -> None:
    require_registered(MIGRATION_NAMES, MIGRATIONS_TABLE)
    with pytest.raises(RuntimeError, match=r"versions\.py"):
        require_registered(registered, table)


def test_schema_version_is_stored_in_user_version(db: sqlite3.Connection) -> None:
    assert len(MIGRATION_NAMES) == SCHEMA_VERSION
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_tables_have_exactly_the_contract_columns(db: sqlite3.Connection) -> None:
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    assert tables == list(COLUMNS)
    for table, expected in COLUMNS.items():
        actual = [
            (name, kind, bool(notnull), default, pk)
            for _cid, name, kind, notnull, default, pk in db.execute(f"PRAGMA table_info({table})")
        ]
        assert actual == expected, table


def test_indexes_match_the_contract(db: sqlite3.Connection) -> None:
    actual = {}
    for name, table in db.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"):
        columns = tuple(row[2] for row in db.execute(f"PRAGMA index_info('{name}')"))
        unique = next(row[2] for row in db.execute(f"PRAGMA index_list('{table}')") if row[1] == name)
        actual[name] = (table, columns, bool(unique))
    assert actual == INDEXES


def test_foreign_keys_match_the_contract(db: sqlite3.Connection) -> None:
    actual = {}
    for table in COLUMNS:
        keys = sorted((row[3], row[2], row[4]) for row in db.execute(f"PRAGMA foreign_key_list({table})"))
        if keys:
            actual[table] = keys
    assert actual == FOREIGN_KEYS


def test_signed_protocols_are_keyed_by_their_hash_alone(db: sqlite3.Connection) -> None:
    """WITHOUT ROWID: no hidden rowid that an ``INSERT OR REPLACE`` could displace a kept protocol by."""
    (without_rowid,) = db.execute("SELECT wr FROM pragma_table_list WHERE name = 'signed_protocols'").fetchone()
    assert without_rowid == 1
    plan = " ".join(
        str(row[-1]) for row in db.execute("EXPLAIN QUERY PLAN SELECT * FROM signed_protocols WHERE sha256 = 'x'")
    )
    assert "PRIMARY KEY" in plan and "SCAN" not in plan, plan


def test_triggers_match_the_contract(db: sqlite3.Connection) -> None:
    actual = dict(db.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'").fetchall())
    assert actual == TRIGGERS


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        ("SELECT * FROM patients WHERE mrn = 'X'", "sqlite_autoindex_patients_1"),
        ("SELECT * FROM patients WHERE family_name LIKE 'Mü%'", "idx_patients_name"),
        ("SELECT * FROM patients WHERE family_key >= 'nu' AND family_key < 'nv'", "idx_patients_family_key"),
        ("SELECT * FROM patients WHERE given_key >= 'zo' AND given_key < 'zp'", "idx_patients_given_key"),
        ("SELECT * FROM patients WHERE dob >= '1980-04' AND dob < '1980-05'", "idx_patients_dob"),
        ("SELECT * FROM sessions WHERE patient_id = 1 ORDER BY performed_on", "idx_sessions_patient"),
        ("SELECT * FROM sessions WHERE lot_number = 'c1234a'", "idx_sessions_lot"),
        (
            "SELECT * FROM sessions WHERE patient_id = 1 AND status = 'signed' ORDER BY performed_on",
            "idx_sessions_patient_status",
        ),
        ("SELECT * FROM injections WHERE session_id = 1", "injections"),
    ],
)
def test_lookups_use_an_index(db: sqlite3.Connection, sql: str, index: str) -> None:
    plan = " ".join(str(row[-1]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "USING" in plan and index in plan and "SCAN" not in plan, plan


def test_reopening_changes_nothing(db_path: Path) -> None:
    open_database(db_path).close()
    before = sqlite3.connect(db_path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    open_database(db_path).close()
    after = sqlite3.connect(db_path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    assert before == after


def test_a_database_of_the_first_schema_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    MIGRATIONS.apply(old, stop_before="0002_replace_guards")
    old.execute("PRAGMA user_version = 1")
    old.close()
    upgraded = open_database(path)
    assert [m.name for m in MIGRATIONS.applied(sqlite_utils.Database(upgraded))] == list(MIGRATION_NAMES)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    triggers = {row[0] for row in upgraded.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(TRIGGERS) <= triggers


def test_a_lost_schema_version_is_restored_on_open(db_path: Path) -> None:
    open_database(db_path).close()
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA user_version = 0")
    connection.close()
    reopened = open_database(db_path)
    try:
        assert reopened.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        reopened.close()
