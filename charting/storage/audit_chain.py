"""The audit log as a hash chain: each entry's SHA-256 covers the one before it, so an entry edited, removed or
slipped in behind the app's back (with the guarding triggers dropped) breaks every hash after it.

The formula is part of the records: never change it (migration ``0007_audit_chain`` chained the entries before it).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

GENESIS = ""
"""What the first entry's hash chains to."""
CHAIN_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "detail")
"""The audit entry's columns the chain covers, in order (with the previous entry's hash first)."""


def chain_hash(previous: str, entry: Iterable[Any]) -> str:
    """SHA-256 (hex) of the previous entry's hash and this entry's columns, as canonical JSON."""
    text = json.dumps([previous, *entry], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


CHAIN_FUNCTION = "charting_chain_sha256"
"""The SQL function (registered on the app's connections) that computes an entry's hash inside its INSERT."""
HEAD_SQL = "SELECT chain_sha256 FROM audit_log ORDER BY id DESC LIMIT 1"
"""The chain's head: the latest entry's hash (NULL when the log is empty)."""


def register_chain_function(db: sqlite3.Connection) -> None:
    """Make ``CHAIN_FUNCTION(previous, at, actor, action, entity, entity_id, detail)`` available on a connection."""
    db.create_function(
        CHAIN_FUNCTION,
        1 + len(CHAIN_COLUMNS),
        lambda previous, *entry: chain_hash(previous or GENESIS, entry),
        deterministic=True,
    )


def chain_head(db: sqlite3.Connection) -> str:
    """The hash of the latest audit entry (the chain's head), or ``GENESIS`` when the log is empty."""
    row = db.execute(HEAD_SQL).fetchone()
    return GENESIS if row is None else str(row[0])


def first_broken_entry(db: sqlite3.Connection) -> int | None:
    """The id of the first audit entry whose hash does not follow from the entries before it, or None."""
    previous = GENESIS
    columns = ", ".join(CHAIN_COLUMNS)
    for row in db.execute(f"SELECT id, chain_sha256, {columns} FROM audit_log ORDER BY id"):
        expected = chain_hash(previous, row[2:])
        if row[1] != expected:
            return int(row[0])
        previous = expected
    return None
