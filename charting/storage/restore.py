"""``charting restore FILE``: put a backup in the database's place, checked first, swapped atomically, the old kept.

The backup is copied beside the database, upgraded if it is from an older version, and checked in full
(``check_database``: integrity, signatures, protocols, the audit chain, the triggers) before anything is replaced.
The database in place is kept under a dated name beside it, and the swap is one ``rename``: at every moment the
database's path holds either the old file or the restored one, never a half-written file.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from charting.storage.backup import backup_database
from charting.storage.check import check_database, problems_sentence
from charting.storage.database import open_database, remove_database_files
from charting.storage.errors import StorageError
from charting.storage.repository import Repository


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the database now in place, and where the one it replaced was kept (None if none)."""

    database: Path
    kept: Path | None
    signed_sessions: int


def restore_database(backup: Path, database: Path, *, now: datetime | None = None) -> RestoreResult:
    """Replace ``database`` with ``backup`` once the backup has passed every check; the old file is kept beside it.

    Close the window (and any other program using the database) first. StorageError, with nothing changed, when the
    backup is not a sound charting database or the database cannot be replaced.
    """
    backup, database = Path(backup), Path(database)
    if backup.resolve() == database.resolve():
        raise StorageError("The backup and the database are the same file; choose a backup file to restore.")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = database.with_name(f".{database.stem}-restoring-{stamp}.db")
    remove_database_files(candidate)
    backup_database(backup, candidate)  # a consistent owner-only copy, checked by quick_check
    try:
        connection = open_database(candidate, create=False)  # upgrades a backup from an older version
        try:
            repository = Repository(connection, actor="restore")
            problems = problems_sentence(check_database(repository))
            signed = int(connection.execute("SELECT count(*) FROM sessions WHERE status = 'signed'").fetchone()[0])
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode = DELETE")
        finally:
            connection.close()
        if problems:
            raise StorageError(f"{backup} was not restored because {problems}; choose another backup.")
        kept = _keep_current(database, stamp)
        try:
            os.replace(candidate, database)
        except OSError as error:
            raise StorageError(
                f"{database} could not be replaced ({error.strerror}); it is unchanged. Close every program using it "
                "and restore again."
            ) from error
    except BaseException:
        remove_database_files(candidate)
        raise
    return RestoreResult(database=database, kept=kept, signed_sessions=signed)


def _keep_current(database: Path, stamp: str) -> Path | None:
    """Fold the database's write-ahead log into it and keep it under a dated name (a hard link: the same file).

    Leaving write-ahead logging succeeds only when no other connection has the file open (a window, a command), so
    a restore can never pull the file from under a program that would go on saving into the replaced one.
    """
    if not database.exists():
        return None
    in_use = StorageError(
        f"{database} is in use; close the charting window and any other program using it, then restore."
    )
    try:
        current = sqlite3.connect(str(database), isolation_level=None, timeout=1)
        try:
            mode = current.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        finally:
            current.close()
    except sqlite3.Error as error:
        raise in_use from error
    if str(mode).lower() != "delete":
        raise in_use
    kept = database.with_name(f"{database.stem}-before-restore-{stamp}.db")
    try:
        os.link(database, kept)
    except OSError as error:
        raise StorageError(
            f"The current database could not be kept as {kept.name} ({error.strerror}); nothing was restored."
        ) from error
    database.with_name(database.name + "-shm").unlink(missing_ok=True)
    return kept
