"""Lot recall: every patient and session that received a lot, from a real database, copied as a table."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from charting.storage.repository import Repository
from charting.ui.recall import LotRecallDialog, RecallModel
from tests.ui.patients_fixtures import add_patient, draft_session, make_repository, save_screenshot, signed_session

TODAY = date.today()


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    repo = make_repository(tmp_path)
    jane = add_patient(repo, "10023", "Doe", "Jane", date(1980, 4, 2))
    anna = add_patient(repo, "20001", "Müller", "Anna", date(1990, 6, 15))
    assert jane.id is not None and anna.id is not None
    signed_session(repo, jane.id, TODAY - timedelta(days=90), lot="C1111A")
    signed_session(repo, jane.id, TODAY - timedelta(days=5), lot="C2222B")
    signed_session(repo, anna.id, TODAY - timedelta(days=3), lot="C2222B")
    draft_session(repo, anna.id, TODAY, lot="C3333C")
    return repo


def open_recall(qtbot: QtBot, repo: Repository, lot: str = "") -> LotRecallDialog:
    dialog = LotRecallDialog(repo, lot)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_recall_model_passes_the_model_tester(qtmodeltester, repo: Repository) -> None:
    model = RecallModel()
    model.set_rows(repo.sessions_with_lot("C2222B"))
    qtmodeltester.check(model)


def test_every_patient_and_session_of_the_lot_is_listed(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_recall(qtbot, repo)
    qtbot.keyClicks(dialog.lot, "C2222B")
    qtbot.keyClick(dialog.lot, Qt.Key.Key_Return)
    model = dialog.model
    assert [model.cells(row)[:5] for row in range(model.rowCount())] == [
        ("DOE, Jane", "10023", "1980-04-02", (TODAY - timedelta(days=5)).isoformat(), "Signed"),
        ("MÜLLER, Anna", "20001", "1990-06-15", (TODAY - timedelta(days=3)).isoformat(), "Signed"),
    ]
    assert model.cells(0)[5:7] == ("155", "Anna Meyer, MD")
    assert dialog.summary.text() == "Lot C2222B: 2 sessions, 2 patients."
    assert dialog.copy_button.isEnabled()
    save_screenshot(dialog, "lot_recall")


def test_a_draft_counts_too_and_the_lot_given_opens_the_dialog_on_it(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_recall(qtbot, repo, lot=" C3333C ")
    assert dialog.model.rowCount() == 1
    assert dialog.model.cells(0)[4] == "Draft"
    assert dialog.summary.text() == "Lot C3333C: 1 session, 1 patient."


def test_unknown_lot_says_so(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_recall(qtbot, repo)
    dialog.lot.setText("X999")
    qtbot.mouseClick(dialog.find_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 0
    assert "No session recorded lot X999" in dialog.summary.text()
    assert not dialog.copy_button.isEnabled()


def test_empty_lot_asks_for_one(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_recall(qtbot, repo)
    qtbot.mouseClick(dialog.find_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert "Enter the lot number" in dialog.error.text()


def test_copy_puts_a_tab_separated_table_on_the_clipboard(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_recall(qtbot, repo, lot="C2222B")
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == list(RecallModel.HEADERS)
    assert [line.split("\t")[1] for line in lines[1:]] == ["10023", "20001"]
    assert "copied to the clipboard" in dialog.summary.text()


def test_ctrl_c_in_the_table_copies_too(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_recall(qtbot, repo, lot="C1111A")
    QGuiApplication.clipboard().clear()
    dialog.view.setFocus()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.view.hasFocus)
    qtbot.keyClick(dialog.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert len(QGuiApplication.clipboard().text().splitlines()) == 2


def test_a_lot_typed_with_markup_shows_as_typed(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_recall(qtbot, repo, lot="<b>C1</b>")
    assert dialog.summary.textFormat() is Qt.TextFormat.PlainText
    assert "No session recorded lot <b>C1</b>" in dialog.summary.text()
    assert dialog.error.textFormat() is Qt.TextFormat.PlainText
