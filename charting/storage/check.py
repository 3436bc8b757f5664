"""``charting check``: SQLite's integrity and foreign-key checks, the schema version, every signed session's hash,
the protocol each session was signed under (present, and still matching its hash), the audit log's hash chain and
the guarding triggers."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from charting.domain.frozen_protocol import protocol_sha256
from charting.domain.session import content_hash
from charting.storage.audit_chain import first_broken_entry
from charting.storage.database import database_path, translate_error
from charting.storage.repository import Repository
from charting.storage.versions import SCHEMA_VERSION

HASH_BATCH = 500
"""Signed sessions loaded at a time while their hashes are recomputed."""


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` found; ``ok`` only when every part is clean."""

    integrity: tuple[str, ...]
    """``PRAGMA integrity_check`` lines other than ``ok``."""
    foreign_key_problems: tuple[str, ...]
    schema_version: int
    expected_schema_version: int
    signed_sessions: int
    hash_mismatches: tuple[int, ...]
    """Ids of signed sessions whose content no longer matches the SHA-256 stored when they were signed."""
    protocols_missing: tuple[int, ...] = ()
    """Ids of signed sessions whose protocol (named by its SHA-256 when they were signed) is not in the database."""
    protocols_altered: tuple[int, ...] = ()
    """Ids of signed sessions whose protocol's stored text no longer matches the SHA-256 that names it."""
    audit_chain_broken_at: int | None = None
    """The first audit entry whose hash does not follow from the entries before it (edited, removed or inserted)."""
    signatures_off_chain: tuple[int, ...] = ()
    """Ids of signed sessions whose signing entry, with the chain head kept at signing, is no longer in the audit log."""
    triggers_missing: tuple[str, ...] = ()
    """Guarding triggers of the schema that the file no longer has, or has in another form."""

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return (
            not self.integrity
            and not self.foreign_key_problems
            and self.schema_version == self.expected_schema_version
            and not self.hash_mismatches
            and not self.protocols_missing
            and not self.protocols_altered
            and self.audit_chain_broken_at is None
            and not self.signatures_off_chain
            and not self.triggers_missing
        )


def missing_triggers(db: sqlite3.Connection) -> tuple[str, ...]:
    """The schema's triggers that the database lacks or holds in another form (dropped or rewritten by hand).

    The reference is the schema's own migrations applied to an empty in-memory database.
    """
    import sqlite_utils  # imported here, as the schema is: opening the window never needs them

    from charting.storage.schema import MIGRATIONS

    reference = sqlite_utils.Database(memory=True)
    MIGRATIONS.apply(reference)
    trigger_sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    expected = dict(reference.execute(trigger_sql).fetchall())
    reference.close()
    present = dict(db.execute(trigger_sql).fetchall())
    return tuple(sorted(name for name, sql in expected.items() if present.get(name) != sql))


def check_database(repository: Repository) -> CheckReport:
    """Run every check on the repository's database (reads only; scans every table)."""
    db = repository.db
    try:
        integrity = tuple(str(row[0]) for row in db.execute("PRAGMA integrity_check").fetchall() if row[0] != "ok")
        foreign = tuple(
            f"{row[0]} row {row[1]} refers to a missing {row[2]} row"
            for row in db.execute("PRAGMA foreign_key_check").fetchall()
        )
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        signed_ids = [int(row[0]) for row in db.execute("SELECT id FROM sessions WHERE status = 'signed' ORDER BY id")]
        broken_at = first_broken_entry(db)
        off_chain = tuple(
            int(row[0])
            for row in db.execute(
                "SELECT s.id FROM sessions AS s WHERE s.status = 'signed' AND s.audit_sha256 <> '' AND NOT EXISTS ("
                "SELECT 1 FROM audit_log AS a WHERE a.entity = 'session' AND a.entity_id = s.id "
                "AND a.action = 'sign' AND a.chain_sha256 = s.audit_sha256) ORDER BY s.id"
            )
        )
        triggers = missing_triggers(db)
    except sqlite3.Error as error:
        raise translate_error(error, database_path(db) or "the database") from error
    mismatches = []
    signed_under: dict[str, list[int]] = {}
    for start in range(0, len(signed_ids), HASH_BATCH):
        for session in repository.sessions_by_id(signed_ids[start : start + HASH_BATCH]):
            session_id = int(session.id or 0)
            if content_hash(session) != session.content_sha256:
                mismatches.append(session_id)
            if session.signed_context is not None and session.signed_context.protocol_sha256:
                signed_under.setdefault(session.signed_context.protocol_sha256, []).append(session_id)
    missing: list[int] = []
    altered: list[int] = []
    for digest, session_ids in signed_under.items():  # each distinct protocol is read and hashed once
        text = repository.signed_protocol_text(digest)
        if text is None:
            missing += session_ids
        elif protocol_sha256(text) != digest:
            altered += session_ids
    return CheckReport(
        integrity=integrity,
        foreign_key_problems=foreign,
        schema_version=version,
        expected_schema_version=SCHEMA_VERSION,
        signed_sessions=len(signed_ids),
        hash_mismatches=tuple(mismatches),
        protocols_missing=tuple(sorted(missing)),
        protocols_altered=tuple(sorted(altered)),
        audit_chain_broken_at=broken_at,
        signatures_off_chain=off_chain,
        triggers_missing=triggers,
    )


def problems_sentence(report: CheckReport) -> str:
    """What a check found, as one clause a user can read ("" when the database is sound)."""
    parts = [
        "the file is damaged" if report.integrity or report.foreign_key_problems else "",
        f"{len(report.hash_mismatches)} signed session(s) no longer match their signature"
        if report.hash_mismatches
        else "",
        "the audit log was altered" if report.audit_chain_broken_at is not None or report.signatures_off_chain else "",
        "guarding triggers are missing" if report.triggers_missing else "",
        "a protocol sessions were signed under is missing or altered"
        if report.protocols_missing or report.protocols_altered
        else "",
        "the schema version is not this version's" if report.schema_version != report.expected_schema_version else "",
    ]
    return "; ".join(part for part in parts if part)
