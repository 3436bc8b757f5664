"""The POSIX locks this process holds on a file, from /proc/locks (Linux): SQLite's locks on the database's files
vanish when any other handle of the process on them is closed, which these tests guard against."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROC_LOCKS = Path("/proc/locks")
needs_proc_locks = pytest.mark.skipif(not PROC_LOCKS.exists(), reason="reads the locks from /proc/locks (Linux)")
"""Mark a test (or a module, as ``pytestmark``) that reads the locks."""


def locks_held(path: Path) -> int:
    """How many POSIX locks this process holds on the file."""
    inode = path.stat().st_ino
    count = 0
    for line in PROC_LOCKS.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        pid = fields[4] if fields[1] != "->" else fields[5]
        where = fields[5] if fields[1] != "->" else fields[6]
        if pid == str(os.getpid()) and where.rsplit(":", 1)[-1] == str(inode):
            count += 1
    return count
