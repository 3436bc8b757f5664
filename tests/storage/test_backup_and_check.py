"""Backups of a live database, the rolling daily backup, and ``check`` finding tampered signed sessions."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, StorageError, open_database
from charting.storage.backup import (
    backup_database,
    backup_now,
    daily_backup,
    daily_backups,
    latest_backup,
    on_demand_backups,
)
from charting.storage.check import check_database
from charting.storage.demo import fill_demo
from tests.storage.helpers import sign_one


def test_backup_is_a_consistent_owner_only_copy_of_a_live_database(
    repo: Repository, patient: Patient, db_path: Path, tmp_path: Path
) -> None:
    writer = open_database(db_path)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO settings (key, value) VALUES ('uncommitted', 'x')")  # another window mid-transaction
    try:
        target = backup_database(db_path, tmp_path / "out" / "copy.db")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(target.parent.glob("*.partial"))
    copy = open_database(target, create=False)
    try:
        restored = Repository(copy)
        assert restored.patient_by_mrn(patient.mrn) == patient
        assert restored.setting("uncommitted") is None
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        copy.close()


def test_backup_never_overwrites(repo: Repository, db_path: Path, tmp_path: Path) -> None:
    existing = tmp_path / "existing.db"
    existing.write_text("keep me")
    with pytest.raises(StorageError, match="already exists"):
        backup_database(db_path, existing)
    assert existing.read_text() == "keep me"
    with pytest.raises(StorageError, match="already exists"):
        backup_database(db_path, db_path)


def test_a_backup_folder_that_is_a_file_gets_a_sentence(repo: Repository, db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.write_text("keep me")
    with pytest.raises(StorageError, match="could not be written"):
        backup_database(db_path, folder / "copy.db")
    assert folder.read_text() == "keep me"


def test_backup_of_a_non_database_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "letter.txt"
    source.write_text("not a database" * 20)
    with pytest.raises(StorageError, match="not a charting database"):
        backup_database(source, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_daily_backup_once_a_day_keeping_the_last_ones(repo: Repository, db_path: Path) -> None:
    start = date(2026, 11, 1)
    for offset in range(5):
        made = daily_backup(db_path, keep=3, today=start + timedelta(days=offset))
        assert made is not None and made.exists()
    again = daily_backup(db_path, keep=3, today=start + timedelta(days=4))
    names = [path.name for path in daily_backups(db_path)]
    assert names == ["charting-2026-11-03.db", "charting-2026-11-04.db", "charting-2026-11-05.db"]
    assert again is not None and again.name == names[-1]
    folder = db_path.parent / "backups"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in daily_backups(db_path))


def test_backups_on_demand_keep_the_last_ones_apart_from_the_daily_ones(repo: Repository, db_path: Path) -> None:
    daily = daily_backup(db_path, today=date(2026, 11, 25))
    made = [backup_now(db_path, datetime(2026, 11, 25, 17, minute, 5), keep=2) for minute in range(3)]
    names = [path.name for path in on_demand_backups(db_path)]
    assert names == ["charting-2026-11-25-170105.db", "charting-2026-11-25-170205.db"]
    assert not made[0].exists() and daily is not None and daily.exists(), "each kind rotates on its own"
    assert daily_backups(db_path) == [daily]
    assert stat.S_IMODE(made[-1].stat().st_mode) == 0o600
    os.utime(daily, (made[-1].stat().st_mtime + 60,) * 2)
    assert latest_backup(db_path) == daily, "the latest written, whichever kind"
    os.utime(made[-1], (daily.stat().st_mtime + 60,) * 2)
    assert latest_backup(db_path) == made[-1]


def test_back_up_now_twice_within_a_second_makes_two_backups(repo: Repository, db_path: Path) -> None:
    at = datetime(2026, 11, 25, 17, 0, 5)
    made = [backup_now(db_path, at, keep=3) for _ in range(4)]
    assert [path.name for path in made] == [
        "charting-2026-11-25-170005.db",
        "charting-2026-11-25-170005-2.db",
        "charting-2026-11-25-170005-3.db",
        "charting-2026-11-25-170005-4.db",
    ]
    assert on_demand_backups(db_path) == made[1:], "the first made goes first, the numbered ones after it in order"
    later = backup_now(db_path, datetime(2026, 11, 25, 17, 0, 6), keep=3)
    assert on_demand_backups(db_path) == [*made[2:], later]
    assert daily_backups(db_path) == [], "a numbered backup on demand is never taken for a daily one"


def test_no_backup_yet(tmp_path: Path) -> None:
    assert latest_backup(tmp_path / "none.db") is None


def test_daily_backup_without_a_database_does_nothing(tmp_path: Path) -> None:
    assert daily_backup(tmp_path / "none.db") is None
    assert not (tmp_path / "backups").exists()


def test_check_passes_on_a_sound_database(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    sign_one(repo, protocol, patient, signer)
    report = check_database(repo)
    assert report.ok and report.signed_sessions == 1 and report.hash_mismatches == ()


def test_check_finds_a_signed_session_changed_behind_the_apps_back(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db_path: Path
) -> None:
    untouched = sign_one(repo, protocol, patient, signer)
    tampered = sign_one(repo, protocol, patient, signer)
    connection = sqlite3.connect(db_path)
    connection.execute("DROP TRIGGER injections_signed_no_update")
    connection.execute("UPDATE injections SET units = 10 WHERE session_id = ? AND site_id = 'PRO_M_1'", [tampered])
    connection.commit()
    connection.close()
    report = check_database(repo)
    assert not report.ok
    assert report.hash_mismatches == (tampered,)
    assert untouched not in report.hash_mismatches
    assert report.integrity == () and report.foreign_key_problems == ()


def test_check_reports_broken_foreign_keys(repo: Repository, patient: Patient, db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute("INSERT INTO baselines (patient_id, updated_at) VALUES (999, 'x')")
    connection.commit()
    connection.close()
    report = check_database(repo)
    assert not report.ok and len(report.foreign_key_problems) == 1


def test_a_damaged_database_is_never_backed_up_over_good_backups(repo: Repository, db_path: Path) -> None:
    fill_demo(repo, patients=6, today=date(2026, 11, 25))
    start = date(2026, 11, 1)
    for offset in range(3):
        daily_backup(db_path, keep=3, today=start + timedelta(days=offset))
    good = [path.name for path in daily_backups(db_path)]
    repo.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = repo.db.execute("PRAGMA page_count").fetchone()[0]
    size = repo.db.execute("PRAGMA page_size").fetchone()[0]
    with db_path.open("r+b") as damaged:  # one data page in the middle of the file, as a failing disk might
        damaged.seek(size * (pages - 2))
        damaged.write(b"\xff" * size)
    with pytest.raises(StorageError, match="is damaged, so no backup was made"):
        daily_backup(db_path, keep=3, today=start + timedelta(days=3))
    assert [path.name for path in daily_backups(db_path)] == good
    assert not [path for path in (db_path.parent / "backups").iterdir() if "partial" in path.name]
