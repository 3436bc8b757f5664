"""A backup made from the window's process (Back up now) never opens the database file itself: its locks stay, and
another charting process that opens and closes the file leaves the write-ahead log the window writes to."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from charting.domain.session import Patient
from charting.storage import Repository
from charting.storage.backup import backup_now
from tests.posix_locks import locks_held, needs_proc_locks

pytestmark = needs_proc_locks

OTHER_PROCESS = "import sys; from charting.storage import open_database; open_database(sys.argv[1]).close()"
"""Another charting process (charting check, sessions, export-pdf) opening the database and closing it."""


def test_back_up_now_keeps_this_process_locks_and_the_log(repo: Repository, db_path: Path) -> None:
    wal = db_path.with_name(db_path.name + "-wal")
    shm = db_path.with_name(db_path.name + "-shm")
    repo.search_patients("", limit=1)  # a read: the connection holds its shared locks on the file and its -shm
    held = (locks_held(db_path), locks_held(shm))
    assert min(held) >= 1
    made = backup_now(db_path, datetime(2026, 11, 25, 17, 0, 5), live=repo.db)
    assert made.exists()
    assert (locks_held(db_path), locks_held(shm)) == held, "backing up must not drop the window's locks"
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(db_path)], check=True, timeout=60)
    assert wal.exists(), "the other process saw the window's locks and left the log in place"
    added = repo.add_patient(Patient(mrn="LOCK1", family_name="Kept", given_name="Still", dob=date(1980, 1, 2)))
    assert Repository(repo.db).patient_by_mrn("LOCK1") == added
