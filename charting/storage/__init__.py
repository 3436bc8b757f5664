"""The records layer: the clinic's SQLite database through a plain sqlite3 connection (no Qt); sqlite-utils migrates."""

from __future__ import annotations

from charting.storage.database import open_database
from charting.storage.errors import DuplicatePatientError, SignedSessionError, StorageError
from charting.storage.repository import Repository

__all__ = ["DuplicatePatientError", "Repository", "SignedSessionError", "StorageError", "open_database"]
