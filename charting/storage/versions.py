"""What a database must have applied to be up to date, without importing sqlite-utils (kept off the start-up path).

``schema.py`` registers the migrations themselves under exactly these names, in this order, and refuses to import
otherwise; opening a database compares these facts with the file and imports ``schema`` only when one is pending.
"""

from __future__ import annotations

MIGRATION_SET = "charting"
"""The name of this app's migration set in the migrations table."""
MIGRATIONS_TABLE = "_sqlite_migrations"
"""The table where sqlite-utils' ``Migrations`` records each applied migration."""
MIGRATION_NAMES: tuple[str, ...] = (
    "0001_initial",
    "0002_replace_guards",
    "0003_signed_context",
    "0004_id_guards",
    "0005_signed_protocols",
    "0006_checklist",
    "0007_audit_chain",
    "0008_injector_pins",
    "0009_sessions_patient_status_index",
)
"""The names of this version's migrations, in order: append-only, never renamed or removed."""
SCHEMA_VERSION = len(MIGRATION_NAMES)
"""This version's schema; stored in ``PRAGMA user_version``."""
