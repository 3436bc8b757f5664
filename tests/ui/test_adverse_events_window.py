"""Recording adverse events in the window: the dialog, the list under the findings, remove, undo, autosave, signing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from charting.domain.marking import OTHER_ADVERSE_EVENT
from charting.domain.protocol import Protocol
from charting.domain.session import AdverseEvent
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui import style
from charting.ui.adverse_events import URGENT_ACTION, AdverseEventDialog
from charting.ui.window import MainWindow
from tests.sessions import READY_HEADER
from tests.ui.conftest import ARTIFACTS, save_screenshot

NECK_PAIN = AdverseEvent("Neck pain", onset="within 1 hour", severity="mild", action="ice/pressure")
BRUISING = AdverseEvent("Bruising or bleeding", onset="during the procedure", severity="mild", action="observed")
BREATHING = AdverseEvent("Breathing difficulty (urgent)", "within 1 hour", "severe", "medical review")


def open_dialog(window: MainWindow, qtbot: QtBot) -> AdverseEventDialog:
    """Ctrl+E on the diagram opens the dialog."""
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, AdverseEventDialog) and dialog.isVisible()
    return dialog


def fill(dialog: AdverseEventDialog, qtbot: QtBot, event: AdverseEvent) -> None:
    """Choose the event and type the rest, as at the keyboard."""
    dialog.event_name.setCurrentIndex(dialog.event_name.findText(event.event))
    for widget, text in (
        (dialog.onset.lineEdit(), event.onset),
        (dialog.severity.lineEdit(), event.severity),
        (dialog.action.lineEdit(), event.action),
        (dialog.detail, event.detail),
    ):
        assert widget is not None
        widget.clear()
        qtbot.keyClicks(widget, text)


def record(window: MainWindow, qtbot: QtBot, event: AdverseEvent) -> None:
    dialog = open_dialog(window, qtbot)
    fill(dialog, qtbot, event)
    dialog.record_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def listed(window: MainWindow) -> list[str]:
    """The lines of the adverse events the side panel lists."""
    return [text.text() for text, _remove in window.totals_panel.adverse_rows]


def stored(db_path: Path, window: MainWindow) -> tuple[AdverseEvent, ...]:
    """The adverse events of the open session as a fresh connection to the database reads them."""
    session_id = window.model.session.id
    assert session_id is not None
    return Repository(open_database(db_path), actor="test").load_session(session_id).adverse_events


def test_record_list_remove_undo_redo_and_autosave(charting: MainWindow, qtbot: QtBot, db_path: Path) -> None:
    assert charting.act_adverse_event.isEnabled()
    assert charting.totals_panel.record_button.defaultAction() is charting.act_adverse_event
    assert not charting.totals_panel.adverse_rows
    record(charting, qtbot, NECK_PAIN)
    record(charting, qtbot, BRUISING)
    assert charting.model.session.adverse_events == (NECK_PAIN, BRUISING)
    assert listed(charting) == [
        "Neck pain; onset within 1 hour; severity mild; action: ice/pressure",
        "Bruising or bleeding; onset during the procedure; severity mild; action: observed",
    ]
    assert stored(db_path, charting) == (NECK_PAIN, BRUISING)
    assert charting.saved_label.text().startswith("Saved ")
    _text, remove_first = charting.totals_panel.adverse_rows[0]
    assert not remove_first.isHidden()
    remove_first.click()
    assert charting.model.session.adverse_events == (BRUISING,)
    assert listed(charting) == ["Bruising or bleeding; onset during the procedure; severity mild; action: observed"]
    assert stored(db_path, charting) == (BRUISING,)
    qtbot.keyClick(charting.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert charting.model.session.adverse_events == (NECK_PAIN, BRUISING)
    assert stored(db_path, charting) == (NECK_PAIN, BRUISING)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(charting.view, Qt.Key.Key_Z, modifiers)
    assert charting.model.session.adverse_events == (BRUISING,)
    for _ in range(2):
        charting.model.undo_stack.undo()
    assert charting.model.session.adverse_events == (NECK_PAIN,)
    assert stored(db_path, charting) == (NECK_PAIN,)
    assert len(listed(charting)) == 1


def test_the_session_menu_and_panel_button_open_the_dialog(charting: MainWindow, qtbot: QtBot) -> None:
    session_menu = next(a.menu() for a in charting.menuBar().actions() if a.text() == "&Session")
    assert charting.act_adverse_event in session_menu.actions()
    assert charting.act_adverse_event.shortcut().toString() == "Ctrl+E"
    charting.totals_panel.record_button.click()
    assert isinstance(charting.dialog, AdverseEventDialog)
    charting.dialog.reject()
    assert charting.model.session.adverse_events == ()


def test_the_dialog_says_what_is_missing_next_to_each_field(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    dialog = open_dialog(charting, qtbot)
    assert [dialog.event_name.itemText(i) for i in range(dialog.event_name.count())] == list(protocol.adverse_events)
    assert dialog.event_name.currentText() == "" and dialog.onset.currentText() == ""
    dialog.record_button.click()
    assert dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    shown = {name for name, label in dialog.errors.items() if label.isVisible()}
    assert shown == {"event", "onset", "severity", "action"}
    assert "from the list" in dialog.errors["event"].text()
    fill(dialog, qtbot, AdverseEvent(OTHER_ADVERSE_EVENT, "days later", "moderate", "medical review"))
    shown = {name for name, label in dialog.errors.items() if label.isVisible()}
    assert shown == {"detail"}, "the sentences follow the typing"
    assert "Other needs a detail" in dialog.errors["detail"].text()
    assert "required" in dialog.detail.placeholderText()
    ARTIFACTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(ARTIFACTS / "ui-adverse-event-dialog-errors.png"))
    dialog.record_button.click()
    assert dialog.isVisible() and charting.model.session.adverse_events == ()
    qtbot.keyClicks(dialog.detail, "Rash on both forearms")
    assert not dialog.errors["detail"].isVisible()
    qtbot.keyClick(dialog.detail, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert charting.model.session.adverse_events == (
        AdverseEvent(OTHER_ADVERSE_EVENT, "days later", "moderate", "medical review", "Rash on both forearms"),
    )


def test_the_offered_choices_can_be_picked_or_typed(charting: MainWindow, qtbot: QtBot) -> None:
    dialog = open_dialog(charting, qtbot)
    assert [dialog.severity.itemText(i) for i in range(dialog.severity.count())] == ["mild", "moderate", "severe"]
    assert dialog.onset.findText("during the procedure") >= 0 and dialog.action.findText("ice/pressure") >= 0
    dialog.event_name.setCurrentIndex(dialog.event_name.findText("Vasovagal episode"))
    dialog.onset.setCurrentIndex(dialog.onset.findText("during the procedure"))
    dialog.severity.setCurrentIndex(dialog.severity.findText("moderate"))
    qtbot.keyClicks(dialog.action.lineEdit(), "lay flat, legs raised")
    dialog.record_button.click()
    assert charting.model.session.adverse_events == (
        AdverseEvent("Vasovagal episode", "during the procedure", "moderate", "lay flat, legs raised"),
    )


def test_breathing_difficulty_is_vermillion_with_a_sentence_to_act(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    charting.model.apply_protocol()
    dialog = open_dialog(charting, qtbot)
    assert not dialog.urgent.isVisible()
    fill(dialog, qtbot, BREATHING)
    assert dialog.urgent.isVisible() and dialog.urgent.text() == URGENT_ACTION
    assert style.VERMILLION.name() in dialog.urgent.styleSheet()
    ARTIFACTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(ARTIFACTS / "ui-adverse-event-dialog-urgent.png"))
    dialog.record_button.click()
    record(charting, qtbot, NECK_PAIN)
    urgent_line, plain_line = listed(charting)
    assert style.VERMILLION.name() in urgent_line and "Act at once" in urgent_line
    assert style.VERMILLION.name() not in plain_line and "Act at once" not in plain_line
    save_screenshot(charting, "adverse-events")


def test_a_signed_session_lists_its_events_and_refuses_changes(
    charting: MainWindow, qtbot: QtBot, repo: Repository, db_path: Path
) -> None:
    charting.model.apply_protocol()
    for key, value in READY_HEADER.items():
        charting.model.update_header(**{key: value})
    record(charting, qtbot, NECK_PAIN)
    session_id = charting.model.session.id
    assert session_id is not None
    signed = repo.sign_session(session_id, repo.injectors()[0], datetime(2026, 11, 25, 12, 0))
    assert charting.open_session(signed)
    assert listed(charting) == ["Neck pain; onset within 1 hour; severity mild; action: ice/pressure"]
    assert charting.totals_panel.adverse_rows[0][1].isHidden()
    late = open_dialog(charting, qtbot)  # a late event becomes an addendum: test_adverse_event_after_signing.py
    late.reject()
    assert not charting.model.add_adverse_event(BRUISING)
    assert "signed" in charting.notice.text()
    assert not charting.model.remove_adverse_event(0)
    assert charting.model.session == signed
    assert stored(db_path, charting) == (NECK_PAIN,)


def test_a_session_saved_with_events_reopens_with_them(
    charting: MainWindow, qtbot: QtBot, repo: Repository, db_path: Path
) -> None:
    record(charting, qtbot, BRUISING)
    session = charting.model.session
    again = MainWindow(Repository(open_database(db_path), actor="test"), today=session.performed_on)
    qtbot.addWidget(again)
    assert again.open_session(again.repo.load_session(session.id or 0))
    assert again.model.session.adverse_events == (BRUISING,)
    assert len(again.totals_panel.adverse_rows) == 1
