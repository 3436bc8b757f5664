"""A figure typed in the checklist and not yet left is recorded before the window leaves the session (Ctrl+N),
signs, prints or backs up; work put off until after the first frame never runs for a closed window, and runs all
the same when no frame comes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from charting.domain.session import Session
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.window import UNRECORDED_VALUE, AfterFirstFrame, MainWindow
from tests.ui.test_checklist_panel import show_checklist

CTRL = Qt.KeyboardModifier.ControlModifier


def stored(db_path: Path, session_id: int | None) -> Session:
    """A session as a fresh connection reads it from the file."""
    assert session_id is not None
    return Repository(open_database(db_path), actor="test").load_session(session_id)


def type_days(charting: MainWindow, qtbot: QtBot, text: str) -> None:
    """Type headache days into the checklist's field and stay in it (no Return, no Tab)."""
    edit = show_checklist(charting).outcomes["headache_days"].edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, text)


def test_ctrl_n_from_an_outcome_field_keeps_the_figure(charting: MainWindow, db_path: Path, qtbot: QtBot) -> None:
    first = charting.model.session.id
    type_days(charting, qtbot, "12")
    assert stored(db_path, first).outcomes.headache_days is None, "not recorded while the field has the keyboard"
    qtbot.keyClick(charting.checklist_panel.outcomes["headache_days"].edit, Qt.Key.Key_N, CTRL)
    assert charting.model.session.id != first, "Ctrl+N opened another session"
    assert stored(db_path, first).outcomes.headache_days == 12


def test_signing_and_the_note_carry_the_figure_typed(charting: MainWindow, db_path: Path, qtbot: QtBot) -> None:
    type_days(charting, qtbot, "9")
    assert charting.note_pdf() is not None
    assert stored(db_path, charting.model.session.id).outcomes.headache_days == 9
    type_days(charting, qtbot, "1")  # 91: outside the scale, refused with its sentence and kept in the field
    charting.dialog = None
    charting.sign()
    assert charting.dialog is None, "nothing is signed past a figure that cannot be recorded"
    assert charting.notice.text() == UNRECORDED_VALUE
    field = charting.checklist_panel.outcomes["headache_days"]
    assert field.edit.text() == "91" and field.problem.isVisibleTo(charting.checklist_panel)
    assert field.edit.hasFocus()
    assert charting.note_pdf() is None and not charting.back_up_now()
    assert stored(db_path, charting.model.session.id).outcomes.headache_days == 9


def test_a_figure_that_cannot_be_recorded_stops_leaving_and_closing(
    charting: MainWindow, db_path: Path, qtbot: QtBot
) -> None:
    first = charting.model.session.id
    type_days(charting, qtbot, "91")
    qtbot.keyClick(charting.checklist_panel.outcomes["headache_days"].edit, Qt.Key.Key_N, CTRL)
    assert charting.model.session.id == first, "Ctrl+N waits: the figure typed is still in its field"
    assert charting.checklist_panel.outcomes["headache_days"].edit.text() == "91"
    charting.close()
    box = charting.dialog
    assert isinstance(box, QMessageBox) and charting.isVisible(), "closing asks before it loses what is typed"
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert charting.isVisible()
    charting.checklist_panel.outcomes["headache_days"].edit.setText("19")
    charting.close()
    assert not charting.isVisible()
    assert stored(db_path, first).outcomes.headache_days == 19


def test_back_up_now_copies_the_figure_typed(charting: MainWindow, db_path: Path, qtbot: QtBot) -> None:
    type_days(charting, qtbot, "14")
    assert charting.back_up_now()
    copies = list((db_path.parent / "backups").glob("*.db"))
    assert len(copies) == 1
    assert stored(copies[0], charting.model.session.id).outcomes.headache_days == 14


def test_work_after_the_first_frame_never_runs_for_a_closed_window(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    ran: list[str] = []
    deferred = AfterFirstFrame(widget, 10, lambda: ran.append("ran"))
    widget.show()
    qtbot.waitUntil(deferred.timer.isActive)
    widget.close()
    qtbot.waitUntil(lambda: not deferred.timer.isActive())
    assert ran == []


def test_work_after_the_first_frame_runs_when_no_frame_comes(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    ran: list[str] = []
    deferred = AfterFirstFrame(widget, 10, lambda: ran.append("ran"))
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # shown, never painted (as a minimised window)
    assert not deferred.fallback.isActive(), "a window not shown yet is not waited for: it may show much later"
    widget.show()
    assert deferred.fallback.isActive()
    deferred.fallback.setInterval(10)  # the fallback's seconds, shortened
    deferred.fallback.start()
    qtbot.waitUntil(lambda: ran == ["ran"])
