"""A save dialog showing the database's folder keeps the window's locks on the database (it never opens the files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QWidget
from pytestqt.qtbot import QtBot

from charting.storage.repository import Repository
from charting.ui.file_dialogs import save_dialog

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads the locks from /proc/locks (Linux)")


def locks_held(path: Path) -> int:
    """How many POSIX locks this process holds on the file."""
    inode = path.stat().st_ino
    count = 0
    for line in Path("/proc/locks").read_text(encoding="utf-8").splitlines():
        fields = line.split()
        pid = fields[4] if fields[1] != "->" else fields[5]
        where = fields[5] if fields[1] != "->" else fields[6]
        if pid == str(os.getpid()) and where.rsplit(":", 1)[-1] == str(inode):
            count += 1
    return count


def listed(qtbot: QtBot, dialog: QFileDialog, folder: Path) -> None:
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    dialog.show()
    qtbot.waitUntil(lambda: model.rowCount(model.index(str(folder))) >= 3, timeout=10000)
    for row in range(model.rowCount(model.index(str(folder)))):  # what the list view shows: icon and type
        index = model.index(row, 0, model.index(str(folder)))
        model.fileIcon(index)
        model.type(index)


def test_listing_the_database_folder_keeps_the_locks(qtbot: QtBot, repo: Repository, db_path: Path) -> None:
    shm = db_path.with_name(db_path.name + "-shm")
    repo.search_patients("", limit=1)  # a read: the connection holds its shared lock on the -shm file
    assert locks_held(shm) >= 1
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = save_dialog(parent, "Export", str(db_path.parent / "note.pdf"), "All files (*)")  # lists the db files
    listed(qtbot, dialog, db_path.parent)
    assert locks_held(shm) >= 1, "listing the folder must not drop the database's locks"
    dialog.reject()
