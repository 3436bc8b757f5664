"""An unexpected error in the window: a sentence for the user, and a log with no patient data."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from charting.ui.errors import UnexpectedErrorHandler


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
