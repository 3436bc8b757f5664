"""Save dialogs showing the database's folder and Back up now keep the window's locks on the database (neither opens
its files)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QWidget
from pytestqt.qtbot import QtBot

from charting.storage.repository import Repository
from charting.ui.file_dialogs import save_dialog
from charting.ui.window import MainWindow
from tests.posix_locks import locks_held, needs_proc_locks

pytestmark = needs_proc_locks


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


def test_back_up_now_keeps_the_windows_locks(charting: MainWindow, db_path: Path) -> None:
    """Records > Back up now copies through the window's own connection: the file is never opened besides it."""
    charting.repo.search_patients("", limit=1)
    held = locks_held(db_path)
    assert held >= 1
    assert charting.back_up_now()
    assert locks_held(db_path) == held
