"""What the window leaves out of its start-up (issue 3's start-up target) still works on first use: the checklist
built when its tab first shows, the dialogs and the note loaded when first opened, the idle lock's input filter on
once the window has painted (today's backup after the first frame: test_charting_window); and the totals column
follows its findings with no re-layout on a click that leaves them as they were."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from charting.domain.session import SCREENING_QUESTIONS, Answer, Patient, Session
from charting.storage.repository import Repository
from charting.ui.checklist_panel import OK_SYMBOL, ChecklistPanel
from charting.ui.window import AFTER_FIRST_FRAME_MS, MainWindow, start_window
from tests.ui.conftest import TODAY

LOADED_ON_FIRST_USE = (
    "charting.report.note",
    "charting.ui.signing",
    "charting.ui.adverse_events",
    "charting.ui.file_dialogs",
    "charting.ui.patient_finder",
    "charting.ui.due_list",
    "charting.ui.trend_chart",
    "reportlab",
)
"""Modules the first frame does without: each loads when its dialog, document or tab is first used."""
WINDOW_IMPORTS = """
import sys
from charting.app import main
import charting.ui.window
print(",".join(name for name in sys.argv[1:] if name in sys.modules))
"""


def test_the_window_start_leaves_dialogs_and_the_note_to_their_first_use() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WINDOW_IMPORTS, *LOADED_ON_FIRST_USE], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""


def started(db_path: Path, qtbot: QtBot) -> MainWindow:
    """The window as the ``charting`` command starts it, shown with its first frame painted."""
    window = start_window(db_path)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    return window


def test_the_checklist_is_built_when_ctrl_2_first_shows_it(
    repo: Repository, patient: Patient, db_path: Path, qtbot: QtBot
) -> None:
    repo.create_session(Session(performed_on=TODAY, patient_id=patient.id))
    window = started(db_path, qtbot)
    assert window.has_session and window.checklist_scroll.widget() is None, "hidden at start-up: not built yet"
    badge = window.left_tabs.tabText(1)
    assert badge.startswith("Checklist ") and OK_SYMBOL not in badge, "the tab counts the questions not asked yet"
    window.activateWindow()
    qtbot.waitUntil(window.view.hasFocus)  # the draft was opened before the window showed: the diagram has the keys
    qtbot.keyClick(window.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    panel = window.checklist_scroll.widget()
    assert isinstance(panel, ChecklistPanel) and panel is window.checklist_panel
    assert window.left_tabs.currentWidget() is window.checklist_scroll
    focused = QApplication.focusWidget()
    assert focused is not None and panel.isAncestorOf(focused), "the keyboard is in the checklist's first field"
    window.close()


def test_a_click_on_the_tab_builds_the_checklist_with_what_changed_while_it_was_not_built(
    charting: MainWindow, qtbot: QtBot
) -> None:
    assert charting.checklist_scroll.widget() is None
    for question in SCREENING_QUESTIONS:
        charting.model.answer_screening(question, Answer.NO)
    first = next(iter(SCREENING_QUESTIONS))
    charting.model.answer_screening(first, Answer.YES)
    badge = charting.left_tabs.tabText(1)
    tab_bar = charting.left_tabs.tabBar()
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(1).center())
    panel = charting.checklist_scroll.widget()
    assert isinstance(panel, ChecklistPanel) and panel.isVisible()
    assert panel.screening[first].buttons[Answer.YES].isChecked()
    assert all(panel.screening[q].buttons[Answer.NO].isChecked() for q in SCREENING_QUESTIONS if q != first)
    assert charting.left_tabs.tabText(1) == badge, "one summary, before and after the panel is built"
    panel.screening[first].buttons[Answer.YES].click()  # pressed again: back to not asked
    assert charting.model.session.screening.answers[first] is Answer.UNASKED
    assert not panel.screening[first].buttons[Answer.YES].isChecked()


def test_the_idle_lock_watches_input_once_the_window_has_painted(window: MainWindow, qtbot: QtBot) -> None:
    timer = window.idle_watcher.timer
    window.idle_watcher.set_interval(60_000)
    qtbot.wait(AFTER_FIRST_FRAME_MS)

    def input_restarts_the_wait() -> bool:
        before = timer.remainingTime()
        QTest.keyClick(window, Qt.Key.Key_Shift)
        return timer.remainingTime() > before

    qtbot.waitUntil(input_restarts_the_wait)


def test_the_findings_list_asks_for_the_height_of_its_findings_as_they_change(charting: MainWindow) -> None:
    area = charting.totals_panel.findings_area
    label = charting.totals_panel.findings
    charting.model.apply_protocol()

    def height_shown_whole() -> int:
        return label.heightForWidth(area._width_given() - 2 * area.frameWidth())

    before = area.sizeHint().height()
    assert before == height_shown_whole()
    charting.model.update_header(consent=True, time_out=True, lot_number="C1234A")  # three findings fewer
    QApplication.processEvents()
    shorter = area.sizeHint().height()
    assert shorter == height_shown_whole() < before
    text = label.text()
    charting.model.update_header(needle="30G 0.5 in")  # a change that leaves the findings as they were
    assert label.text() == text and area.sizeHint().height() == shorter
