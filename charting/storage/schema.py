"""The database schema as append-only migrations: never edit a shipped one, add the next.

Each migration's name is listed first in ``versions.MIGRATION_NAMES`` (which opening a database reads without
importing sqlite-utils); this module refuses to import unless it registers exactly those names, in that order.
``SCHEMA_VERSION`` (the number of migrations) is also written to ``PRAGMA user_version`` so that a file from a
newer version of the app is recognised and refused before anything is written to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlite_utils
from sqlite_utils import Migrations

from charting.storage.audit_chain import CHAIN_COLUMNS, GENESIS, chain_hash
from charting.storage.versions import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "MIGRATION_NAMES", "MIGRATION_SET", "SCHEMA_VERSION", "require_registered"]

MIGRATIONS = Migrations(MIGRATION_SET)
_REGISTERED: list[str] = []
"""The names registered below, in order (checked against ``MIGRATION_NAMES`` at the end of this module)."""

_Migration = Callable[[sqlite_utils.Database], None]


def migration(name: str) -> Callable[[_Migration], _Migration]:
    """Register a migration under ``name`` (``0001_initial``, ``0002_...``)."""
    _REGISTERED.append(name)
    return MIGRATIONS(name=name)


def require_registered(registered: Sequence[str], migrations_table: str) -> None:
    """Refuse migrations that differ from ``versions`` (names, order, or the table sqlite-utils records them in)."""
    if tuple(registered) != MIGRATION_NAMES or migrations_table != MIGRATIONS_TABLE:
        raise RuntimeError(
            f"The registered migrations {list(registered)} in {migrations_table} differ from versions.py's "
            f"{list(MIGRATION_NAMES)} in {MIGRATIONS_TABLE}; list each new migration in versions.py, in order."
        )


def _signed_guard(table: str, verb: str, row: str) -> str:
    """A trigger refusing a change to ``table`` rows whose session is signed (``row`` is NEW or OLD)."""
    event = verb.lower()
    return f"""
CREATE TRIGGER {table}_signed_no_{event} BEFORE {verb} ON {table}
WHEN (SELECT status FROM sessions WHERE id = {row}.session_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'signed session: {table} cannot be changed');
END;
"""


@migration("0001_initial")
def m0001_initial(db: sqlite_utils.Database) -> None:
    """Clinic, injectors, patients, baselines, sessions, injections, adverse events, addenda, audit, settings."""
    db.executescript(
        """
CREATE TABLE clinic (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT ''
);
CREATE TABLE injectors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    credentials TEXT NOT NULL DEFAULT '',
    npi TEXT NOT NULL DEFAULT '',
    can_sign INTEGER NOT NULL DEFAULT 1 CHECK (can_sign IN (0, 1))
);
CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    mrn TEXT NOT NULL COLLATE NOCASE UNIQUE,
    family_name TEXT NOT NULL COLLATE NOCASE,
    given_name TEXT NOT NULL COLLATE NOCASE,
    dob TEXT NOT NULL,
    sex TEXT NOT NULL DEFAULT '',
    allergies TEXT NOT NULL DEFAULT '',
    family_key TEXT NOT NULL,
    given_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_patients_name ON patients (family_name, given_name);
CREATE INDEX idx_patients_family_key ON patients (family_key);
CREATE INDEX idx_patients_given_key ON patients (given_key);
CREATE INDEX idx_patients_dob ON patients (dob);
CREATE TABLE baselines (
    patient_id INTEGER PRIMARY KEY REFERENCES patients (id),
    headache_days INTEGER,
    headache_hours_per_day REAL,
    failed_preventives TEXT NOT NULL DEFAULT '[]',
    specific_acute_days INTEGER,
    simple_analgesic_days INTEGER,
    overuse_managed INTEGER NOT NULL DEFAULT 0 CHECK (overuse_managed IN (0, 1)),
    updated_at TEXT NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    performed_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    injector TEXT NOT NULL DEFAULT '',
    product TEXT NOT NULL DEFAULT '',
    vial_units INTEGER NOT NULL DEFAULT 0,
    vials_opened INTEGER NOT NULL DEFAULT 1,
    lot_number TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    lot_expiry TEXT,
    saline_ml REAL,
    reconstituted_at TEXT,
    needle TEXT NOT NULL DEFAULT '',
    diagnosis_code TEXT NOT NULL DEFAULT '',
    consent INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    time_out INTEGER NOT NULL DEFAULT 0 CHECK (time_out IN (0, 1)),
    contraindications_checked INTEGER NOT NULL DEFAULT 0 CHECK (contraindications_checked IN (0, 1)),
    deviation_reason TEXT NOT NULL DEFAULT '',
    interval_reason TEXT NOT NULL DEFAULT '',
    comments TEXT NOT NULL DEFAULT '',
    units_administered REAL NOT NULL DEFAULT 0,
    units_wasted REAL NOT NULL DEFAULT 0,
    sites_injected INTEGER NOT NULL DEFAULT 0,
    headache_days INTEGER,
    migraine_days INTEGER,
    moderate_severe_days INTEGER,
    acute_medication_days INTEGER,
    headache_hours_per_day REAL,
    midas INTEGER,
    hit6 INTEGER,
    signed_at TEXT,
    signed_by TEXT NOT NULL DEFAULT '',
    signed_by_injector_id INTEGER REFERENCES injectors (id),
    content_sha256 TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (status = 'draft' OR (signed_at IS NOT NULL AND signed_by <> '' AND length(content_sha256) = 64))
);
CREATE INDEX idx_sessions_patient ON sessions (patient_id, performed_on);
CREATE INDEX idx_sessions_lot ON sessions (lot_number);
CREATE INDEX idx_sessions_status ON sessions (status, performed_on);
CREATE TABLE injections (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    position INTEGER NOT NULL,
    site_id TEXT NOT NULL,
    muscle TEXT NOT NULL,
    side TEXT NOT NULL,
    view TEXT NOT NULL,
    x REAL NOT NULL,
    y REAL NOT NULL,
    units REAL NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fixed', 'ftp')),
    skipped_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (session_id, site_id)
);
CREATE INDEX idx_injections_session ON injections (session_id, position);
CREATE TABLE adverse_events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    position INTEGER NOT NULL,
    event TEXT NOT NULL,
    onset TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_adverse_events_session ON adverse_events (session_id, position);
CREATE TABLE addenda (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    author TEXT NOT NULL CHECK (length(trim(author)) > 0),
    created_at TEXT NOT NULL
);
CREATE INDEX idx_addenda_session ON addenda (session_id, created_at);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_audit_log_entity ON audit_log (entity, entity_id);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TRIGGER sessions_signed_no_update BEFORE UPDATE ON sessions
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'signed session: sessions cannot be changed');
END;
CREATE TRIGGER sessions_signed_no_delete BEFORE DELETE ON sessions
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'signed session: sessions cannot be changed');
END;
CREATE TRIGGER sessions_no_insert_signed BEFORE INSERT ON sessions
WHEN NEW.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'signed session: a session is created as a draft and signed afterwards');
END;
"""
        + "".join(
            _signed_guard(table, verb, row)
            for table in ("injections", "adverse_events")
            for verb, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
        )
        + """
CREATE TRIGGER injections_signed_no_move BEFORE UPDATE OF session_id ON injections
WHEN (SELECT status FROM sessions WHERE id = NEW.session_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'signed session: injections cannot be changed');
END;
CREATE TRIGGER adverse_events_signed_no_move BEFORE UPDATE OF session_id ON adverse_events
WHEN (SELECT status FROM sessions WHERE id = NEW.session_id) = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'signed session: adverse_events cannot be changed');
END;
CREATE TRIGGER addenda_only_signed BEFORE INSERT ON addenda
WHEN (SELECT status FROM sessions WHERE id = NEW.session_id) IS NOT 'signed'
BEGIN
    SELECT RAISE(ABORT, 'addendum: only a signed session takes addenda');
END;
CREATE TRIGGER addenda_no_update BEFORE UPDATE ON addenda
BEGIN
    SELECT RAISE(ABORT, 'addendum: addenda cannot be changed');
END;
CREATE TRIGGER addenda_no_delete BEFORE DELETE ON addenda
BEGIN
    SELECT RAISE(ABORT, 'addendum: addenda cannot be changed');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log: entries cannot be changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log: entries cannot be changed');
END;
"""
    )


def _replace_guard(table: str, existing_row_is_protected: str, message: str) -> str:
    """A trigger refusing an INSERT that would REPLACE a protected row.

    ``INSERT OR REPLACE`` deletes the row it replaces without firing its DELETE triggers unless a connection turns
    ``recursive_triggers`` on (the sqlite3 shell and Python's sqlite3 leave it off), so the UPDATE and DELETE
    guards alone would let another tool rewrite a signed row.
    """
    return f"""
CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
WHEN {existing_row_is_protected}
BEGIN
    SELECT RAISE(ABORT, '{message}');
END;
"""


@migration("0002_replace_guards")
def m0002_replace_guards(db: sqlite_utils.Database) -> None:
    """Signed sessions, their injections and adverse events, addenda and the audit log cannot be REPLACEd."""
    db.executescript(
        _replace_guard(
            "sessions",
            "(SELECT status FROM sessions WHERE id = NEW.id) = 'signed'",
            "signed session: sessions cannot be changed",
        )
        + "".join(
            _replace_guard(
                table,
                f"(SELECT s.status FROM {table} AS t JOIN sessions AS s ON s.id = t.session_id WHERE t.id = NEW.id)"
                " = 'signed'",
                f"signed session: {table} cannot be changed",
            )
            for table in ("injections", "adverse_events")
        )
        + _replace_guard(
            "addenda", "EXISTS (SELECT 1 FROM addenda WHERE id = NEW.id)", "addendum: addenda cannot be changed"
        )
        + _replace_guard(
            "audit_log",
            "EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)",
            "audit log: entries cannot be changed",
        )
    )


@migration("0003_signed_context")
def m0003_signed_context(db: sqlite_utils.Database) -> None:
    """The patient, clinic, injector and baseline as they were when a session was signed (JSON, hashed with it)."""
    db.execute("ALTER TABLE sessions ADD COLUMN signed_context TEXT NOT NULL DEFAULT ''")


@migration("0004_id_guards")
def m0004_id_guards(db: sqlite_utils.Database) -> None:
    """Row ids never change: ``UPDATE OR REPLACE ... SET id`` onto a signed row would delete it unguarded.

    A connection with ``recursive_triggers`` off (the sqlite3 shell, Python's sqlite3) deletes the row a REPLACE
    displaces without its DELETE guard, and no INSERT guard fires on an UPDATE.
    """
    db.executescript(
        "".join(
            f"""
CREATE TRIGGER {table}_no_id_change BEFORE UPDATE OF id ON {table}
WHEN NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'row ids: {table} ids cannot be changed');
END;
"""
            for table in ("sessions", "injections", "adverse_events")
        )
    )


@migration("0005_signed_protocols")
def m0005_signed_protocols(db: sqlite_utils.Database) -> None:
    """Each distinct protocol a session was signed under, once, keyed by its SHA-256; never changed or removed.

    ``WITHOUT ROWID``: the hash is the only key, so no ``INSERT OR REPLACE`` by a hidden rowid can displace a row.
    """
    db.executescript(
        """
CREATE TABLE signed_protocols (
    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    protocol_json TEXT NOT NULL,
    stored_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER signed_protocols_no_update BEFORE UPDATE ON signed_protocols
BEGIN
    SELECT RAISE(ABORT, 'signed protocol: protocols cannot be changed');
END;
CREATE TRIGGER signed_protocols_no_delete BEFORE DELETE ON signed_protocols
BEGIN
    SELECT RAISE(ABORT, 'signed protocol: protocols cannot be changed');
END;
"""
        + _replace_guard(
            "signed_protocols",
            "EXISTS (SELECT 1 FROM signed_protocols WHERE sha256 = NEW.sha256)",
            "signed protocol: protocols cannot be changed",
        )
    )


@migration("0006_checklist")
def m0006_checklist(db: sqlite_utils.Database) -> None:
    """The checklist: each screening answer and the overrides with their reasons on the session; the baseline's
    migraine days, moderate/severe days, MIDAS and HIT-6. Signed rows keep empty values, which their hash leaves out.
    """
    db.executescript(
        "".join(
            f"ALTER TABLE sessions ADD COLUMN {column} TEXT NOT NULL DEFAULT '' "
            f"CHECK ({column} IN ('', 'no', 'yes'));\n"
            for column in ("screen_infection", "screen_hypersensitivity", "screen_neuromuscular", "screen_other_toxin")
        )
        + """
ALTER TABLE sessions ADD COLUMN overrides TEXT NOT NULL DEFAULT '[]';
ALTER TABLE baselines ADD COLUMN migraine_days INTEGER;
ALTER TABLE baselines ADD COLUMN moderate_severe_days INTEGER;
ALTER TABLE baselines ADD COLUMN midas INTEGER;
ALTER TABLE baselines ADD COLUMN hit6 INTEGER;
"""
    )


@migration("0007_audit_chain")
def m0007_audit_chain(db: sqlite_utils.Database) -> None:
    """The audit log becomes a hash chain (``audit_chain``): the entries so far are chained in id order, every new
    one must carry its 64-character hash, and a signed session keeps the chain's head at its signing."""
    db.executescript(
        """
ALTER TABLE audit_log ADD COLUMN chain_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN audit_sha256 TEXT NOT NULL DEFAULT '';
DROP TRIGGER audit_log_no_update;
"""
    )
    previous = GENESIS
    columns = ", ".join(CHAIN_COLUMNS)
    for row in list(db.execute(f"SELECT id, {columns} FROM audit_log ORDER BY id").fetchall()):
        previous = chain_hash(previous, row[1:])
        db.execute("UPDATE audit_log SET chain_sha256 = ? WHERE id = ?", [previous, row[0]])
    db.executescript(
        """
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log: entries cannot be changed');
END;
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
WHEN length(NEW.chain_sha256) <> 64 AND NOT EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit log: entries must be chained');
END;
"""
    )


@migration("0008_injector_pins")
def m0008_injector_pins(db: sqlite_utils.Database) -> None:
    """Each injector's PIN as a salted scrypt hash (``credentials``); '' until one is set."""
    db.execute("ALTER TABLE injectors ADD COLUMN pin_hash TEXT NOT NULL DEFAULT ''")


@migration("0009_sessions_patient_status_index")
def m0009_sessions_patient_status_index(db: sqlite_utils.Database) -> None:
    """A patient's signed sessions by date from an index: the history, the last signed session and the signing
    context no longer scan every signed session of the clinic."""
    db.execute("CREATE INDEX idx_sessions_patient_status ON sessions (patient_id, status, performed_on)")


require_registered(_REGISTERED, MIGRATIONS.migrations_table)
