"""Two writers (issue 7): two processes on the real save path, one file, at once: no "database is locked", no loss."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from charting.storage import Repository, open_database
from tests.storage.kill_trials import Findings, Message, Records, run_writers
from tests.storage.save_child import prepare_database

WRITER_OPS = 250
PAUSE_MS = 20.0
"""The longest pause a writer takes between two changes (10 ms on average: still far faster than a person clicks).

Without pauses, a writer that commits and at once takes the write lock again can keep the other one waiting in
SQLite's busy handler for most of the run (on a machine with slow fsync, CI once saw 2 turns in 500 changes), and the
test no longer shows two writers side by side. Chairside writes come a click apart, never back to back."""
BACK_TO_BACK_OPS = 100
"""Changes each writer makes without a pause in the contention run: one writer's whole run stays well inside the
busy timeout (5 s) even on a slow disk, so a writer kept waiting for all of it still gets its turn."""
OVERLAP_SWITCHES = 4
"""Turns from one writer to the other in the audit log that show they wrote side by side (1 if one ran after the
other)."""


def write_side_by_side(records: Records, ops: int, pause_ms: float) -> dict[str, list[Message]]:
    """Two writers on one file at once; each acknowledged change is there and the file checks clean."""
    prepare_database(records.db_path)
    messages = run_writers(records.db_path, {"A": 11, "B": 12}, ops=ops, pause_ms=pause_ms)  # raises if one failed
    for lines in messages.values():
        _touched, pending = records.take(lines)
        assert pending is None
    assert records.acknowledged >= 2 * ops
    assert records.check() == Findings()
    return messages


def test_two_writers_back_to_back_neither_fails_nor_loses_an_update(tmp_path: Path) -> None:
    """The hardest contention: each writer takes the lock again the moment it commits."""
    write_side_by_side(Records(tmp_path / "shared.db"), BACK_TO_BACK_OPS, pause_ms=0)


def test_two_writers_on_one_file_neither_fails_nor_loses_an_update(tmp_path: Path) -> None:
    records = Records(tmp_path / "shared.db")
    messages = write_side_by_side(records, WRITER_OPS, PAUSE_MS)
    db = open_database(records.db_path)
    actors = [entry["actor"] for entry in Repository(db).audit_entries() if entry["actor"] in messages]
    db.close()
    # they wrote at the same time: the audit log goes back and forth between them, not one after the other
    assert sum(first != second for first, second in pairwise(actors)) >= OVERLAP_SWITCHES
