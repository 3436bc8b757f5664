"""Faults met while saving: a full disk, a file locked by another program, a bit flipped on disk. Each is one
sentence that says what to do, the file stays as it was, and the same save succeeds once the cause is gone."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.session import AdverseEvent, Patient
from charting.storage import Repository, StorageError, open_database
from charting.storage.check import check_database
from tests.sessions import ready_session
from tests.storage.helpers import NOW


def test_a_full_disk_keeps_the_file_and_the_same_save_succeeds_later(
    repo: Repository, protocol: Protocol, patient: Patient
) -> None:
    draft = repo.create_session(ready_session(protocol, patient.id))
    pages = repo.db.execute("PRAGMA page_count").fetchone()[0]
    repo.db.execute(f"PRAGMA max_page_count = {pages + 1}")
    typed = marking.apply_protocol(marking.set_units(draft, "PRO_M_1", 10), protocol)
    big = typed
    for number in range(200):  # enough new rows to need more than one page
        event = AdverseEvent("Other", onset="day 2", severity="mild", action="advice", detail=f"note {number} " * 20)
        big = marking.add_adverse_event(big, protocol, event)
    with pytest.raises(StorageError, match=r"disk holding .* is full; free some space, then save again"):
        repo.save_session(big, stored=draft)
    assert repo.load_session(int(draft.id or 0)) == draft
    repo.db.execute("PRAGMA max_page_count = 1073741823")
    assert repo.save_session(big, stored=draft) == big
    assert repo.load_session(int(draft.id or 0)) == big


def test_a_file_locked_by_another_program_is_a_sentence_and_the_save_succeeds_after(
    repo: Repository, protocol: Protocol, patient: Patient, db_path: Path
) -> None:
    draft = repo.create_session(ready_session(protocol, patient.id))
    changed = marking.unmark(draft, "PRO_M_1")
    repo.db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError, match="in use by another charting window or program"):
            repo.save_session(changed, stored=draft)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert repo.load_session(int(draft.id or 0)) == draft
    assert repo.save_session(changed, stored=draft) == changed


def test_a_bit_flipped_in_a_table_page_is_found_and_named(
    repo: Repository, protocol: Protocol, patient: Patient, db_path: Path
) -> None:
    for _ in range(3):
        repo.create_session(ready_session(protocol, patient.id))
    repo.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    repo.db.close()
    page_size = 4096
    data = bytearray(db_path.read_bytes())
    root = (
        sqlite3.connect(db_path).execute("SELECT rootpage FROM sqlite_master WHERE name = 'injections'").fetchone()[0]
    )
    data[(root - 1) * page_size + 8] ^= 0xFF  # the b-tree page's header
    db_path.write_bytes(bytes(data))
    flipped = bytes(data)
    with pytest.raises(StorageError, match=r"charting\.db is damaged .*latest backup"):
        reopened = Repository(open_database(db_path), actor="t", clock=lambda: NOW)
        try:
            check_database(reopened)
        finally:
            reopened.db.close()
    assert db_path.read_bytes()[: len(flipped)] == flipped


def test_a_broken_character_is_a_sentence_and_the_record_stays(
    repo: Repository, protocol: Protocol, patient: Patient
) -> None:
    draft = repo.create_session(ready_session(protocol, patient.id))
    with pytest.raises(StorageError, match="broken character"):
        repo.save_session(replace(draft, comments="pasted \ud800 half a character"), stored=draft)
    assert repo.load_session(int(draft.id or 0)) == draft
    stored = repo.save_session(replace(draft, comments="\u202eright-to-left مرحبا <b>&amp;</b> " * 300), stored=draft)
    assert repo.load_session(int(draft.id or 0)) == stored


def test_a_write_ahead_log_removed_by_another_program_stops_saving_with_a_sentence(
    repo: Repository, protocol: Protocol, patient: Patient, db_path: Path
) -> None:
    """What a program that took itself for the last user would do: the next save must not vanish silently."""
    draft = repo.create_session(ready_session(protocol, patient.id))
    db_path.with_name(db_path.name + "-wal").unlink()
    with pytest.raises(StorageError, match=r"removed charting\.db-wal .*close charting and open it again"):
        repo.save_session(marking.unmark(draft, "PRO_M_1"), stored=draft)
