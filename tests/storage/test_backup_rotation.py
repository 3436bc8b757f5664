"""Backups rotate by when they were written, not by the time in their names: a clock set back (or the hour repeated
when daylight saving ends) never deletes the backup just made, and each kind keeps its folder owner-only."""

from __future__ import annotations

import os
import stat
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from charting.storage import Repository
from charting.storage.backup import (
    ON_DEMAND_KEEP,
    backup_now,
    daily_backup,
    daily_backups,
    latest_backup,
    on_demand_backups,
)

HOUR = 3600


def written_at(path: Path, seconds: float) -> None:
    """Date the file's modification time to ``seconds`` since the epoch (as a clock set then would have)."""
    os.utime(path, (seconds, seconds))


def test_a_backup_made_after_the_clock_was_set_back_is_kept_and_the_oldest_written_goes(
    repo: Repository, db_path: Path
) -> None:
    ahead = datetime(2027, 3, 1, 9, 0)
    future = [backup_now(db_path, ahead + timedelta(minutes=minute)) for minute in range(ON_DEMAND_KEEP)]
    for minute, path in enumerate(future):  # written while the clock was an hour and more ahead
        written_at(path, time.time() + HOUR + 60 * minute)
    made = backup_now(db_path, datetime(2026, 11, 25, 17, 0, 5))
    assert made.exists(), "the backup just made is never the one deleted"
    assert not future[0].exists(), "the oldest written goes"
    assert on_demand_backups(db_path) == [made, *future[1:]]
    assert len(on_demand_backups(db_path)) == ON_DEMAND_KEEP


def test_in_the_repeated_hour_the_later_backup_is_kept_though_its_name_sorts_first(
    repo: Repository, db_path: Path
) -> None:
    first = backup_now(db_path, datetime(2026, 11, 1, 1, 40), keep=1)  # 01:40, before the clocks go back
    written_at(first, time.time() - 60)
    second = backup_now(db_path, datetime(2026, 11, 1, 1, 10), keep=1)  # 01:10 once more, a few minutes later
    assert second.exists() and not first.exists()
    assert on_demand_backups(db_path) == [second]
    assert latest_backup(db_path) == second


def test_backups_are_listed_in_the_order_they_were_written_whatever_their_names(
    repo: Repository, db_path: Path
) -> None:
    late_name = backup_now(db_path, datetime(2026, 11, 25, 18, 0))
    early_name = backup_now(db_path, datetime(2026, 11, 25, 17, 0))
    written_at(late_name, time.time() - HOUR)
    assert on_demand_backups(db_path) == [late_name, early_name]
    assert latest_backup(db_path) == on_demand_backups(db_path)[-1] == early_name


def test_the_daily_rotation_follows_the_same_rule(repo: Repository, db_path: Path) -> None:
    start = date(2026, 11, 10)
    made = [daily_backup(db_path, keep=3, today=start + timedelta(days=offset)) for offset in range(3)]
    for age, path in enumerate(reversed(made), start=1):
        assert path is not None
        written_at(path, time.time() - HOUR * age)
    back_a_day = daily_backup(db_path, keep=3, today=start - timedelta(days=1))  # the clock set back to the 9th
    assert back_a_day is not None and back_a_day.exists()
    assert daily_backups(db_path) == [made[1], made[2], back_a_day]
    assert made[0] is not None and not made[0].exists()


def test_a_backup_on_demand_makes_an_existing_backups_folder_owner_only(repo: Repository, db_path: Path) -> None:
    folder = db_path.parent / "backups"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    made = backup_now(db_path, datetime(2026, 11, 25, 17, 0, 5))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
