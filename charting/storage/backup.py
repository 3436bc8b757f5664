"""Backups: a consistent copy of a live database (SQLite's backup API), owner-only, the rolling daily backup and the
backups made on demand (Back up now)."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

from charting.storage.database import OWNER_ONLY, OWNER_ONLY_DIR, inspect_file, read_only_uri, remove_database_files
from charting.storage.errors import StorageError

BACKUP_FOLDER = "backups"
DAILY_KEEP = 14
"""Daily backups kept beside the database by default."""
ON_DEMAND_KEEP = 14
"""Backups made on demand (Back up now) kept beside the database; the oldest go first."""
DAILY_NAME = r"\d{4}-\d{2}-\d{2}"
ON_DEMAND_NAME = r"\d{4}-\d{2}-\d{2}-\d{6}(?:-\d+)?"
"""What follows the database's name in a backup's file name: the day, or the day and time of a backup on demand (a
second one within the same second adds "-2", a third "-3", and so on)."""


def backup_database(source: Path, target: Path, live: sqlite3.Connection | None = None) -> Path:
    """Copy the database at ``source`` to a new file ``target`` (0600), consistent even while it is in use.

    The copy is written to a temporary file beside the target, checked (``quick_check``) and renamed into place
    only once complete and sound, so a failure never leaves a half-written or damaged backup under the target's
    name, and a damaged database never pushes a good backup out of the daily rotation.

    ``live`` is this process's open connection to ``source``, when it has one (the window): the copy is then read
    through it and the file itself is never opened, because closing any other handle on it would drop every lock
    this process holds (POSIX locks belong to the process), and another charting process could then delete the
    write-ahead log the window still writes to.
    """
    source, target = Path(source), Path(target)
    if live is None:
        inspect_file(source)
    if target.exists():
        raise StorageError(f"{target} already exists; choose a new file name for the backup.")
    temporary = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
        remove_database_files(temporary)
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
        os.chmod(temporary, OWNER_ONLY)
        reader = live if live is not None else sqlite3.connect(read_only_uri(source), uri=True)
        try:
            writer = sqlite3.connect(str(temporary))
            try:
                reader.backup(writer)
                writer.execute("PRAGMA journal_mode = DELETE")
                verdict = writer.execute("PRAGMA quick_check(1)").fetchone()[0]
            finally:
                writer.close()
        finally:
            if reader is not live:
                reader.close()
        if verdict != "ok":
            remove_database_files(temporary)
            raise StorageError(
                f"The database {source.name} is damaged, so no backup was made (the good backups are kept); "
                "restore the most recent backup, and call your support contact."
            )
        _fsync(temporary)
        os.replace(temporary, target)
        _fsync_folder(target.parent)
    except sqlite3.Error as error:
        remove_database_files(temporary)
        raise StorageError(f"The backup to {target} failed ({error}); check the disk and try again.") from error
    except OSError as error:
        remove_database_files(temporary)
        raise StorageError(
            f"The backup to {target} could not be written ({error.strerror}); choose a folder you can write to with free space."
        ) from error
    return target


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(folder)


def backup_folder(db_path: Path) -> Path:
    """The folder of the rolling daily backups: ``backups/`` beside the database."""
    return Path(db_path).parent / BACKUP_FOLDER


def daily_backups(db_path: Path) -> list[Path]:
    """The daily backups of this database, oldest first."""
    return _backups(db_path, DAILY_NAME)


def on_demand_backups(db_path: Path) -> list[Path]:
    """The backups of this database made on demand, oldest first."""
    return _backups(db_path, ON_DEMAND_NAME)


def latest_backup(db_path: Path) -> Path | None:
    """The most recently written backup of this database, daily or on demand; None when there is none."""
    made = daily_backups(db_path) + on_demand_backups(db_path)
    return max(made, key=_written_order) if made else None


def backup_now(db_path: Path, at: datetime, keep: int = ON_DEMAND_KEEP, live: sqlite3.Connection | None = None) -> Path:
    """Back the database up beside itself now, named by ``at``, and keep only the last ``keep`` made this way;
    ``live`` is this process's open connection to it, if any (see ``backup_database``)."""
    db_path = Path(db_path)
    target = _free_name(_owner_only_backup_folder(db_path), f"{db_path.stem}-{at:%Y-%m-%d-%H%M%S}")
    backup_database(db_path, target, live)
    _keep_last(on_demand_backups(db_path), keep, target)
    return target


def _owner_only_backup_folder(db_path: Path) -> Path:
    """The backups folder, made if missing and made owner-only (0700) even when it already existed."""
    folder = backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
        os.chmod(folder, OWNER_ONLY_DIR)
    except OSError as error:
        raise StorageError(
            f"The backups folder {folder} could not be made or kept private ({error.strerror}); "
            "make sure it is a folder you own and can write to."
        ) from error
    return folder


def _free_name(folder: Path, stem: str) -> Path:
    """``stem.db`` in the folder, or ``stem-2.db``, ``stem-3.db``... when it is taken (Back up now pressed twice within
    a second)."""
    target = folder / f"{stem}.db"
    number = 2
    while target.exists():
        target = folder / f"{stem}-{number}.db"
        number += 1
    return target


def _backups(db_path: Path, name: str) -> list[Path]:
    """The backups whose names match ``name``, oldest first (see ``_written_order``)."""
    db_path = Path(db_path)
    pattern = re.compile(re.escape(db_path.stem) + "-" + name + r"\.db")
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    return sorted((path for path in folder.iterdir() if pattern.fullmatch(path.name)), key=_written_order)


def _written_order(path: Path) -> tuple[int, list[int]]:
    """When a backup was written (its modification time), then the numbers in its name for backups written within
    the same instant (a "-2" after its first). The time the file was written, not the one in its name, decides:
    after the clock is set back (or in the hour repeated when daylight saving ends) a new backup's name sorts before
    older ones."""
    try:
        written = path.stat().st_mtime_ns
    except FileNotFoundError:  # removed meanwhile by another window's rotation: it sorts first and goes first
        written = 0
    return written, [int(number) for number in re.findall(r"\d+", path.stem)]


def _keep_last(backups: list[Path], keep: int, made: Path) -> None:
    """Remove the oldest written of ``backups`` so that ``keep`` remain (at least one), never ``made``: the backup
    just made stays even when the others were written with a clock set later than now."""
    older = [path for path in backups if path != made]
    for old in older[: max(0, len(backups) - max(keep, 1))]:
        old.unlink(missing_ok=True)


def daily_backup_path(db_path: Path, today: date | None = None) -> Path:
    """Where today's backup of the database goes (or went)."""
    db_path = Path(db_path)
    return backup_folder(db_path) / f"{db_path.stem}-{(today or date.today()).isoformat()}.db"


def daily_backup_made(db_path: Path, today: date | None = None) -> bool:
    """True when today's backup of the database exists."""
    return daily_backup_path(db_path, today).exists()


def daily_backup(db_path: Path, keep: int = DAILY_KEEP, today: date | None = None) -> Path | None:
    """Make today's backup beside the database (once a day) and keep only the last ``keep``; its path.

    None when there is no database yet. The window calls this on start.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        return None
    target = daily_backup_path(db_path, today)
    if not target.exists():
        _owner_only_backup_folder(db_path)
        backup_database(db_path, target)
    _keep_last(daily_backups(db_path), keep, target)
    return target
