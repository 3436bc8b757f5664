"""Two writers (issue 7): two processes on the real save path, one file, at once: no "database is locked", no loss."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from charting.storage import Repository, open_database
from tests.storage.kill_trials import Findings, Records, run_writers
from tests.storage.save_child import prepare_database

WRITER_OPS = 250
PAUSE_MS = 20.0
"""The longest pause a writer takes between two changes (10 ms on average: still far faster than a person clicks).

Without pauses, a writer that commits and at once takes the write lock again can keep the other one waiting in
SQLite's busy handler for most of the run (on a machine with slow fsync, CI once saw 2 turns in 500 changes), and the
test no longer shows two writers side by side. Chairside writes come a click apart, never back to back."""
OVERLAP_SWITCHES = 4
"""Turns from one writer to the other in the audit log that show they wrote side by side (1 if one ran after the
other)."""


def test_two_writers_on_one_file_neither_fails_nor_loses_an_update(tmp_path: Path) -> None:
    records = Records(tmp_path / "shared.db")
    prepare_database(records.db_path)
    messages = run_writers(
        records.db_path, {"A": 11, "B": 12}, ops=WRITER_OPS, pause_ms=PAUSE_MS
    )  # raises if either one failed
    for lines in messages.values():
        _touched, pending = records.take(lines)
        assert pending is None
    assert records.acknowledged >= 2 * WRITER_OPS
    assert records.check() == Findings()
    db = open_database(records.db_path)
    actors = [entry["actor"] for entry in Repository(db).audit_entries() if entry["actor"] in messages]
    db.close()
    # they wrote at the same time: the audit log goes back and forth between them, not one after the other
    assert sum(first != second for first, second in pairwise(actors)) >= OVERLAP_SWITCHES
