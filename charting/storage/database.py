"""Opening the clinic's database: checks that refuse a wrong file untouched, PRAGMAs, migrations.

A file is inspected (header bytes, then a read-only connection) before anything may write to it, so a file
that is not a database, a damaged one, an empty one or one from a newer version is left byte-for-byte as it was.
The records are used through a plain ``sqlite3`` connection in autocommit mode (explicit transactions only, see
``immediate``); sqlite-utils is imported only when a migration is pending, to keep it off the window's start-up.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from charting.storage.errors import StorageError
from charting.storage.location import network_share_reason
from charting.storage.versions import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another window or command holding the file before giving up."""
OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700
HEADER_SIZE = 100
SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILE_SUFFIXES = ("-wal", "-shm", "-journal")
NESTED_SAVEPOINT = "charting_nested"
"""The savepoint of a nested ``immediate``; SQLite resolves a name to its innermost savepoint, so any depth works."""


def open_database(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (or, with ``create``, make) the clinic's database, ready for the repository.

    PRAGMAs: foreign keys on, recursive triggers on, WAL, ``synchronous=FULL``, a busy timeout; owner-only file
    mode; pending migrations applied. The connection autocommits each statement outside ``immediate``. Refuses
    with a StorageError, leaving the file untouched: a non-database, a damaged file, a 0-byte file, a database
    from a newer version, a read-only file, a file on a network share.
    """
    path = Path(path)
    share = network_share_reason(path)
    if share is not None:
        raise StorageError(
            f"{path} is on {share}, where SQLite cannot lock the file safely and the records could be damaged; "
            "keep the database on this computer's own disk (the default folder) and copy backups to the share instead."
        )
    if not path.exists():
        if not create:
            raise StorageError(f"There is no database at {path}; check the path you gave.")
        return _create(path)
    inspect_file(path)
    _require_writable(path)
    return _connect_ready(path)


def read_only_uri(path: Path) -> str:
    """The SQLite URI that opens a database file read-only."""
    return f"{path.resolve().as_uri()}?mode=ro"


def inspect_file(path: Path) -> int:
    """Check that ``path`` is a charting database this version can open, without writing; its schema version."""
    _check_header(path)
    return _check_contents(path)


def _create(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        os.close(descriptor)
        os.chmod(path, OWNER_ONLY)
    except OSError as error:
        raise StorageError(
            f"Could not create the database {path} ({error.strerror}); choose a folder you can write to."
        ) from error
    try:
        return _connect_ready(path)
    except BaseException:
        remove_database_files(path)
        raise


def remove_database_files(path: Path) -> None:
    """Delete a database file and its WAL, shared-memory and journal files (used for a failed creation)."""
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILE_SUFFIXES)):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # gone, or its folder is not one
            candidate.unlink()


def _check_header(path: Path) -> None:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise StorageError(f"{path} is a folder, not a database file; give the path of the database file.")
        with path.open("rb") as handle:
            header = handle.read(HEADER_SIZE)
    except PermissionError as error:
        raise StorageError(f"{path} cannot be read (permission denied); ask for access to the file.") from error
    except OSError as error:
        raise StorageError(f"{path} cannot be read ({error.strerror}); check the file and try again.") from error
    if info.st_size == 0:
        raise StorageError(
            f"{path} is empty (0 bytes) and holds no records; restore it from a backup, or delete it to start a new database."
        )
    if len(header) < HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        raise StorageError(
            f"{path} is not a charting database (it is not an SQLite file); open the clinic's database file instead."
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise _damaged(path, "its header is corrupt")
    if info.st_size % page_size:
        raise _damaged(path, "its size is not a whole number of pages")
    change_counter = header[24:28]
    valid_for = header[92:96]
    page_count = int.from_bytes(header[28:32], "big")
    wal = path.with_name(path.name + "-wal")
    wal_has_pages = wal.exists() and wal.stat().st_size > 0
    if change_counter == valid_for and not wal_has_pages and info.st_size < page_count * page_size:
        raise _damaged(path, "it is shorter than its header says: it was truncated")


def _damaged(path: Path, reason: str) -> StorageError:
    return StorageError(
        f"{path} is damaged ({reason}); replace it with the latest backup (the daily ones are in "
        f"{path.parent / 'backups'}), then run 'charting check' on it."
    )


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        yield connection
    finally:
        connection.close()


def _schema_state(connection: sqlite3.Connection) -> tuple[int, list[str], set[str]]:
    """The schema version, the names of the applied migrations and the tables of the database behind ``connection``."""
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    applied: list[str] = []
    if MIGRATIONS_TABLE in tables:
        applied = [
            row[0]
            for row in connection.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [MIGRATION_SET]
            )
        ]
    return version, applied, tables


def _check_contents(path: Path) -> int:
    try:
        with _read_only(path) as connection:
            version, applied, tables = _schema_state(connection)
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise _damaged(path, "its header is not readable") from error
        raise _damaged(path, str(error)) from error
    unknown = [name for name in applied if name not in MIGRATION_NAMES]
    if version > SCHEMA_VERSION or unknown:
        raise StorageError(
            f"{path} was written by a newer version of charting (schema {max(version, SCHEMA_VERSION + 1)}, "
            f"this version knows {SCHEMA_VERSION}); update charting to open it."
        )
    if version == 0 and not applied and tables:
        raise StorageError(
            f"{path} is an SQLite database of another program, not a charting database; open the clinic's database file instead."
        )
    return version


def _require_writable(path: Path) -> None:
    info = path.stat()
    if not (info.st_mode & stat.S_IWUSR) or not os.access(path, os.W_OK):
        raise StorageError(
            f"{path} is read-only; make the file writable (or copy it to a folder you own) and open it again."
        )
    if not os.access(path.parent, os.W_OK):
        raise StorageError(
            f"The folder of {path} is read-only and the database needs to write beside it; move the file to a folder you own."
        )


def _connect_ready(path: Path) -> sqlite3.Connection:
    """A connection with the PRAGMAs set and the pending migrations applied; closed again when either fails."""
    db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        _configure(db, path)
        _migrate(db, path)
    except BaseException:
        db.close()
        raise
    return db


def _configure(db: sqlite3.Connection, path: Path) -> None:
    """The connection's PRAGMAs; recursive triggers make a REPLACE fire the DELETE guards of the row it replaces."""
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA recursive_triggers = ON")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        db.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as error:
        raise translate_error(error, path) from error
    if str(mode).lower() != "wal":
        raise StorageError(
            f"{path} cannot use write-ahead logging (journal mode stayed {mode}); keep the database on a local disk."
        )


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Apply the pending migrations (sqlite-utils is imported only then) and record the schema version."""
    try:
        version, applied, _tables = _schema_state(db)
        if version >= SCHEMA_VERSION and set(MIGRATION_NAMES) <= set(applied):
            return
        import sqlite_utils

        from charting.storage.schema import MIGRATIONS

        with immediate(db):
            MIGRATIONS.apply(sqlite_utils.Database(db, execute_plugins=False))
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.DatabaseError as error:
        raise translate_error(error, path) from error


@contextlib.contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction that takes the write lock up front (BEGIN IMMEDIATE); nested calls join it.

    A nested call is a SAVEPOINT inside the open transaction: its failure undoes its own changes only.
    """
    if db.in_transaction:
        with _savepoint(db):
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def _savepoint(db: sqlite3.Connection) -> Iterator[None]:
    """A nested part of the open transaction, undone alone when it fails (unless the failure ended the transaction)."""
    db.execute(f"SAVEPOINT {NESTED_SAVEPOINT}")
    try:
        yield
    except BaseException:
        if db.in_transaction:
            db.execute(f"ROLLBACK TO SAVEPOINT {NESTED_SAVEPOINT}")
            db.execute(f"RELEASE SAVEPOINT {NESTED_SAVEPOINT}")
        raise
    db.execute(f"RELEASE SAVEPOINT {NESTED_SAVEPOINT}")


def translate_error(error: sqlite3.Error, path: Path | str = "the database") -> StorageError:
    """An SQLite error as a StorageError whose message says what to do."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return StorageError(
            f"{path} is in use by another charting window or program; wait a moment or close the other one, then try again."
        )
    if "full" in text:
        return StorageError(f"The disk holding {path} is full; free some space, then save again.")
    if "readonly" in text or "read-only" in text:
        return StorageError(f"{path} is read-only; make the file writable, then save again.")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return _damaged(Path(path), str(error))
    if "unable to open" in text:
        return StorageError(f"{path} could not be opened; check that the file and its folder exist and are yours.")
    return StorageError(
        f"The database {path} could not be used ({error}); try again, and run 'charting check' if it keeps failing."
    )


def database_path(db: sqlite3.Connection) -> Path | None:
    """The file behind an open database (None for an in-memory one)."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(row[2])
    return None
