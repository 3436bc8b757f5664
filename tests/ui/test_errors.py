"""An unexpected error in the window: a sentence for the user, and a log with no patient data."""

from __future__ import annotations

import sqlite3
import stat
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from charting.domain.protocol import Protocol
from charting.ui.errors import UnexpectedErrorHandler
from charting.ui.window import MainWindow


def raise_with_a_name() -> None:
    raise ValueError("DOE, Jane has no session 42")


def test_the_user_gets_a_sentence_and_the_log_no_patient_data(qtbot: QtBot, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    log = tmp_path / "logs" / "charting.log"
    handler = UnexpectedErrorHandler(log, parent)
    try:
        raise_with_a_name()
    except ValueError:
        handler(*sys.exc_info())  # type: ignore[arg-type]
    assert isinstance(handler.box, QMessageBox)
    assert "Something unexpected went wrong (ValueError)" in handler.box.text()
    assert str(log) in handler.box.text()
    text = log.read_text(encoding="utf-8")
    assert "ValueError" in text
    assert "raise_with_a_name" in text
    assert "DOE" not in text and "Jane" not in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    handler.box.close()


def test_an_unwritable_log_still_tells_the_user(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "not a folder"
    blocker.write_text("", encoding="utf-8")
    handler = UnexpectedErrorHandler(blocker / "charting.log", None)
    try:
        raise_with_a_name()
    except ValueError:
        handler(*sys.exc_info())  # type: ignore[arg-type]
    assert handler.box is not None
    assert "Something unexpected went wrong" in handler.box.text()
    assert "details" not in handler.box.text()
    handler.box.close()


def test_another_instance_holding_the_file_is_said_and_the_mark_waits_for_retry(
    charting: MainWindow, protocol: Protocol, db_path: Path, qtbot: QtBot
) -> None:
    charting.repo.db.execute("PRAGMA busy_timeout = 50")  # the window waits 5 s; the test need not
    site = protocol.sites[0].id
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another window or command holds the write lock
    try:
        charting.model.toggle(site)
        assert charting.model.unsaved and charting.model.session.injection(site) is not None, "the mark is kept"
        assert "in use by another charting window or program" in charting.notice.text()
        assert charting.retry_button.isVisible()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert charting.model.retry_save()
    assert charting.repo.load_session(charting.model.session.id or 0).injection(site) is not None
