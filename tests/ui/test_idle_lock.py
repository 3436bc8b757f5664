"""The idle lock: after the set minutes without input the window hides every patient's data until a PIN is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot

from charting.storage.credentials import WRONG_PIN_PAUSE, WRONG_PINS_BEFORE_PAUSE
from charting.storage.repository import Repository, utc_now
from charting.ui.lock import IDLE_LOCK_SETTING, MS_PER_MINUTE, IdleWatcher, idle_lock_minutes
from charting.ui.settings_dialog import SettingsDialog
from charting.ui.window import MainWindow
from tests.ui.conftest import SIGNER_PIN


def with_pin(repo: Repository) -> None:
    repo.set_pin(int(repo.injectors()[0].id or 0), SIGNER_PIN)


def visible_text(window: MainWindow) -> str:
    QApplication.processEvents()
    labels = [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
    return "\n".join([window.windowTitle(), *labels])


def test_locking_hides_the_patient_and_stops_every_key(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    with_pin(repo)
    before = charting.model.session
    assert "DOE" in visible_text(charting)
    assert charting.lock() and charting.locked
    assert charting.stack.currentWidget() is charting.lock_page
    assert "DOE" not in visible_text(charting) and "10023" not in visible_text(charting)
    assert "locked" in charting.windowTitle()
    qtbot.keyClick(charting, Qt.Key.Key_Space)
    qtbot.keyClick(charting, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert charting.model.session == before, "no shortcut reaches the chart behind the lock"
    assert not charting.act_sign.isEnabled()


def test_a_wrong_pin_keeps_it_locked_and_the_right_one_shows_the_chart_again(
    charting: MainWindow, repo: Repository, qtbot: QtBot
) -> None:
    with_pin(repo)
    chart_page = charting.stack.currentWidget()
    title = charting.windowTitle()
    charting.lock()
    page = charting.lock_page
    qtbot.keyClicks(page.pin, "0000")
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert charting.locked and "not Anna Meyer, MD's PIN" in page.error.text() and page.pin.text() == ""
    qtbot.keyClicks(page.pin, SIGNER_PIN)
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert not charting.locked
    assert charting.stack.currentWidget() is chart_page and charting.windowTitle() == title
    assert charting.act_mark.isEnabled()
    assert "Unlocked by Anna Meyer, MD" in charting.statusBar().currentMessage()


def test_an_open_dialog_is_hidden_while_locked_and_comes_back_as_it_was(
    charting: MainWindow, repo: Repository, qtbot: QtBot
) -> None:
    with_pin(repo)
    charting.find_patient()
    finder = charting.dialog
    assert isinstance(finder, QDialog)
    qtbot.waitUntil(finder.isVisible)
    charting.lock()
    assert not finder.isVisible()
    charting.unlock(repo.injectors()[0], SIGNER_PIN)
    assert finder.isVisible()


def test_without_any_pin_the_window_says_it_cannot_lock(charting: MainWindow) -> None:
    assert not charting.lock() and not charting.locked
    assert "no profile has a PIN" in charting.statusBar().currentMessage()


def test_the_watcher_fires_after_the_quiet_time_and_input_starts_it_again(qtbot: QtBot) -> None:
    watcher = IdleWatcher(200)
    with qtbot.waitSignal(watcher.idle, timeout=3000):
        pass
    watcher.set_interval(0)
    assert not watcher.timer.isActive(), "0 never locks"


def test_the_idle_minutes_are_a_setting(window: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    assert idle_lock_minutes(None) == 5 and idle_lock_minutes("x") == 5 and idle_lock_minutes("-3") == 0
    assert window.idle_watcher.timer.interval() == 5 * MS_PER_MINUTE
    dialog = SettingsDialog(repo, window.protocol, parent=window)
    qtbot.addWidget(dialog)
    assert dialog.idle_lock.value() == 5
    dialog.idle_lock.setValue(12)
    assert dialog.save()
    window.apply_settings()
    assert repo.setting(IDLE_LOCK_SETTING) == "12"
    assert window.idle_watcher.timer.interval() == 12 * MS_PER_MINUTE


def test_wrong_pins_are_audited_and_five_in_a_row_pause_the_lock(
    charting: MainWindow, repo: Repository, qtbot: QtBot
) -> None:
    with_pin(repo)
    charting.lock()
    page = charting.lock_page
    anna = repo.injectors()[0]
    for _ in range(WRONG_PINS_BEFORE_PAUSE):
        assert not charting.unlock(anna, "0000")
    refused = [e for e in repo.audit_entries("injector", anna.id) if e["action"] == "unlock refused: wrong PIN"]
    assert len(refused) == WRONG_PINS_BEFORE_PAUSE
    assert not page.pin.isEnabled() and not page.unlock_button.isEnabled()
    assert page.error.text().startswith("5 wrong PINs for Anna Meyer, MD within 5 minutes; wait 30 seconds")
    assert page.pause.interval() == WRONG_PIN_PAUSE.total_seconds() * 1000, "as long as the records say"
    repo.clock = lambda: utc_now() + WRONG_PIN_PAUSE
    page.pause.timeout.emit()  # the pause ends
    assert page.pin.isEnabled() and page.error.text() == ""
    assert charting.unlock(anna, SIGNER_PIN) and not charting.locked
