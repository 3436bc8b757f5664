"""Defects found by a user walk-through of the real window (issue 3): typing dates from "not set", Shift+Tab, a
notice that moved the screen, the signer preset, Sign's key, the right panel at 1366x768, the lot fields."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from charting.domain.clock import aware
from charting.domain.people import Injector
from charting.domain.session import AdverseEvent, Patient
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.date_field import NOT_SET, DateField, parse_date, parse_date_time
from charting.ui.header_panel import EXPIRY_PROBLEM
from charting.ui.recall import LotRecallDialog
from charting.ui.signing import CHOOSE_SIGNER, SignDialog
from charting.ui.window import MainWindow
from tests.sessions import READY_HEADER
from tests.ui.conftest import draft_of, save_screenshot, type_pin

HAKANSSON = Injector(name="Dr. Jürgen Håkansson", credentials="DO", npi="1245319599")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def stored_session(db_path: Path, window: MainWindow):  # type: ignore[no-untyped-def]
    """The open session as a fresh connection reads it."""
    session_id = window.model.session.id
    assert session_id is not None
    return Repository(open_database(db_path), actor="test").load_session(session_id)


def type_into(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Click into a field, type, press Enter."""
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def clear_typed(qtbot: QtBot, field: QWidget) -> None:
    """Select everything in a field and delete it, then Enter."""
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClick(field, Qt.Key.Key_Return)


# ----- 1. dates typed from "not set"
def test_the_expiry_is_typed_into_the_not_set_field_and_cleared_again(
    charting: MainWindow, qtbot: QtBot, db_path: Path
) -> None:
    expiry = charting.header_panel.expiry
    assert draft_of(charting).lot_expiry is None
    assert expiry.edit.text() == "" and expiry.edit.placeholderText() == NOT_SET
    type_into(qtbot, expiry.edit, "2025-01-31")
    assert draft_of(charting).lot_expiry == date(2025, 1, 31)
    assert stored_session(db_path, charting).lot_expiry == date(2025, 1, 31)
    assert expiry.edit.text() == "2025-01-31"
    clear_typed(qtbot, expiry.edit)
    assert draft_of(charting).lot_expiry is None
    assert expiry.edit.text() == "" and not expiry.error.isVisible()
    type_into(qtbot, expiry.edit, "20270630")
    assert draft_of(charting).lot_expiry == date(2027, 6, 30)
    assert expiry.edit.text() == "2027-06-30"


def test_a_month_and_year_expiry_is_the_months_end_and_nonsense_is_said(charting: MainWindow, qtbot: QtBot) -> None:
    expiry = charting.header_panel.expiry
    type_into(qtbot, expiry.edit, "2027-02")
    assert draft_of(charting).lot_expiry == date(2027, 2, 28)
    clear_typed(qtbot, expiry.edit)
    type_into(qtbot, expiry.edit, "31/01/2025")
    assert draft_of(charting).lot_expiry is None, "an unreadable date changes nothing"
    assert expiry.error.isVisible() and expiry.error.text() == EXPIRY_PROBLEM
    clear_typed(qtbot, expiry.edit)
    assert not expiry.error.isVisible()


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # a popup on the offscreen plugin
def test_the_calendar_opens_at_todays_month_and_a_day_picked_is_recorded(charting: MainWindow, qtbot: QtBot) -> None:
    expiry = charting.header_panel.expiry
    assert isinstance(expiry, DateField) and expiry.calendar is not None and expiry.calendar_button is not None
    menu = expiry.calendar_button.menu()
    assert menu is not None
    menu.popup(expiry.calendar_button.mapToGlobal(QPoint(0, expiry.calendar_button.height())))
    qtbot.waitUntil(menu.isVisible)
    today = date.today()
    assert (expiry.calendar.yearShown(), expiry.calendar.monthShown()) == (today.year, today.month)
    picked = expiry.calendar.selectedDate().addMonths(14)
    expiry.calendar.setSelectedDate(picked)
    expiry.calendar.clicked.emit(picked)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert draft_of(charting).lot_expiry == date(picked.year(), picked.month(), picked.day())
    menu.popup(expiry.calendar_button.mapToGlobal(QPoint(0, 0)))
    qtbot.waitUntil(menu.isVisible)
    assert expiry.calendar.monthShown() == picked.month(), "it opens at the date recorded"
    menu.close()


def test_mixed_at_is_typed_as_a_date_and_time_or_a_time_and_cleared(
    charting: MainWindow, qtbot: QtBot, db_path: Path
) -> None:
    mixed = charting.header_panel.reconstituted
    assert draft_of(charting).reconstituted_at is None and mixed.edit.placeholderText() == NOT_SET
    type_into(qtbot, mixed.edit, "2026-11-25 09:40")
    assert draft_of(charting).reconstituted_at == aware(datetime(2026, 11, 25, 9, 40))
    assert stored_session(db_path, charting).reconstituted_at == aware(datetime(2026, 11, 25, 9, 40))
    assert mixed.edit.text() == "2026-11-25 09:40"
    clear_typed(qtbot, mixed.edit)
    assert draft_of(charting).reconstituted_at is None
    type_into(qtbot, mixed.edit, "10:15")
    session = draft_of(charting)
    assert session.reconstituted_at == aware(
        datetime.combine(session.performed_on, datetime.min.time()).replace(hour=10, minute=15)
    )
    clear_typed(qtbot, mixed.edit)
    charting.header_panel.now_button.click()
    now = draft_of(charting).reconstituted_at
    assert now is not None and abs((aware(datetime.now()) - now).total_seconds()) < 120
    assert mixed.edit.text() == f"{now.astimezone():%Y-%m-%d %H:%M}"


def test_dates_are_read_as_printed() -> None:
    assert parse_date("") is None
    assert parse_date("2025/1/31") == date(2025, 1, 31)
    assert parse_date("2024-02") == date(2024, 2, 29)
    assert parse_date_time("2026-11-25T10:30", date(2000, 1, 1)) == datetime(2026, 11, 25, 10, 30)
    assert parse_date_time("7:05", date(2026, 11, 25)) == datetime(2026, 11, 25, 7, 5)
    for nonsense in ("2025-13-01", "2025-02-30", "31/01/2025", "soon"):
        try:
            parse_date(nonsense)
        except ValueError:
            continue
        raise AssertionError(nonsense)
    for nonsense in ("25:00", "2026-11-25", "10:30 tomorrow"):
        try:
            parse_date_time(nonsense, date(2026, 11, 25))
        except ValueError:
            continue
        raise AssertionError(nonsense)


# ----- 2. Shift+Tab, and no two shortcuts that X11 reads as one key
def as_x11_reads_it(key: QKeySequence) -> str:
    """A shortcut as the key X11 delivers: Shift+Tab arrives as Backtab, so the two are one key."""
    text = key.toString()
    return "Shift+Tab" if text in ("Backtab", "Shift+Backtab") else text


def test_no_two_shortcuts_are_the_same_key(charting: MainWindow) -> None:
    seen: dict[str, str] = {}
    for action in charting.findChildren(QAction):
        for key in action.shortcuts():
            name = as_x11_reads_it(key)
            assert name not in seen, f"{name} is both {seen[name]!r} and {action.text()!r}: Qt would run neither"
            seen[name] = action.text()


def test_shift_tab_moves_the_ring_to_the_previous_site(charting: MainWindow, qtbot: QtBot) -> None:
    sites = [site.id for site in charting.protocol.sites]
    charting.model.set_focus(sites[3])
    qtbot.keyClick(charting.view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # what X11 delivers
    assert charting.model.focus_site == sites[2]
    qtbot.keyClick(charting.view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert charting.model.focus_site == sites[1]
    assert charting.view.hasFocus(), "the focus stays on the diagram"


# ----- 3. a notice never moves the diagram
def test_a_notice_shown_and_cleared_never_moves_the_diagram(charting: MainWindow, qtbot: QtBot) -> None:
    def places() -> list[QPoint]:
        QApplication.processEvents()
        widgets = (charting.view, charting.header_panel, charting.totals_panel, charting.bottom_buttons["sign"])
        return [widget.mapToGlobal(QPoint(0, 0)) for widget in widgets] + [QPoint(0, charting.view.height())]

    before = places()
    charting.model.step_units(1)  # refused: nothing is marked yet
    assert charting.notice.isVisible()
    assert places() == before
    long = "A refusal long enough to need more than one line at this width. " * 6
    charting.show_notice(long.strip())
    assert places() == before
    assert charting.notice.toolTip() == long.strip(), "what is cut off is in the tooltip (and the status bar)"
    save_screenshot(charting, "notice-long")
    qtbot.keyClick(charting.view, Qt.Key.Key_Space)
    assert not charting.notice.isVisible()
    assert places() == before


# ----- 4 and 5. the signer preset, Sign's key
def sign_ready(window: MainWindow) -> None:
    window.model.apply_protocol()
    for key, value in READY_HEADER.items():
        window.model.update_header(**{key: value})


def test_the_signer_is_the_sessions_injector_and_enter_signs_as_them(
    window: MainWindow, repo: Repository, patient: Patient, qtbot: QtBot
) -> None:
    repo.save_injector(HAKANSSON)
    assert patient.id is not None
    assert window.new_session(patient.id)
    window.model.update_header(injector=HAKANSSON.display_name)
    sign_ready(window)
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog)
    assert dialog.signer.currentText() == HAKANSSON.display_name
    assert dialog.new_pin(), "his first signature: he chooses his PIN here"
    type_pin(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert window.model.session.signed
    assert window.model.session.signed_by == HAKANSSON.display_name


def test_no_signer_is_preset_when_the_session_names_none(
    window: MainWindow, repo: Repository, patient: Patient, qtbot: QtBot
) -> None:
    repo.save_injector(HAKANSSON)
    assert patient.id is not None and window.new_session(patient.id)
    window.model.update_header(injector="A. Locum, MD")  # typed in, not a profile
    sign_ready(window)
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog)
    assert dialog.signer.currentIndex() == -1 and dialog.signer.placeholderText() == CHOOSE_SIGNER
    assert not dialog.sign_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not window.model.session.signed, "Enter signs as nobody"
    dialog.signer.setCurrentIndex(1)
    type_pin(dialog)
    assert dialog.sign_button.isEnabled()
    dialog.sign_button.click()
    assert window.model.session.signed_by == HAKANSSON.display_name


def test_sign_has_a_key_shown_in_the_session_menu(charting: MainWindow, qtbot: QtBot) -> None:
    assert charting.act_sign.shortcut() == QKeySequence("Ctrl+Shift+S")
    assert "Ctrl+Shift+S" in charting.act_sign.toolTip()
    session_menu = next(a.menu() for a in charting.menuBar().actions() if a.text() == "&Session")
    assert charting.act_sign in session_menu.actions()
    sign_ready(charting)
    qtbot.keyClick(charting.view, Qt.Key.Key_S, CTRL_SHIFT)
    assert isinstance(charting.dialog, SignDialog)
    assert charting.dialog.signer.currentText() == "Anna Meyer, MD"


# ----- 6. the right panel at 1366x768
FEW_FINDINGS = {key: value for key, value in READY_HEADER.items() if key not in ("lot_expiry", "time_out")}
FOUR_EVENTS = (
    AdverseEvent("Vasovagal episode", "during the procedure", "mild", "supine, legs raised", "recovered"),
    AdverseEvent("Neck pain", "days later", "moderate", "ice/pressure"),
    AdverseEvent("Bruising or bleeding", "during the procedure", "mild", "observed"),
    AdverseEvent("Breathing difficulty (urgent)", "within 1 hour", "severe", "medical review"),
)


def inside(widget: QWidget, outer: QWidget) -> bool:
    """Whether the whole widget is within the outer one's rectangle on screen."""
    top_left = widget.mapTo(outer, QPoint(0, 0))
    return outer.rect().contains(top_left) and outer.rect().contains(
        top_left + QPoint(widget.width() - 1, widget.height() - 1)
    )


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every adverse event row is shown and laid out (rows added to a shown panel appear a moment later)."""
    panel = window.totals_panel
    qtbot.waitUntil(lambda: all(text.isVisible() for text, _remove in panel.adverse_rows))
    shown: list[tuple[int, ...]] = []

    def still() -> bool:
        """True once the lists' heights and ranges came out the same twice running."""
        areas = (panel.findings_area, panel.events_area)
        shown.append(tuple(n for a in areas for n in (a.height(), a.verticalScrollBar().maximum())))
        return len(shown) > 1 and shown[-1] == shown[-2]

    qtbot.waitUntil(still)


def test_totals_findings_and_four_adverse_events_fit_at_1366x768(charting: MainWindow, qtbot: QtBot) -> None:
    charting.model.apply_protocol()
    for key, value in FEW_FINDINGS.items():
        charting.model.update_header(**{key: value})
    for event in FOUR_EVENTS:
        charting.model.add_adverse_event(event)
    settle(qtbot, charting)
    panel = charting.totals_panel
    assert 2 <= len(charting.model.findings) <= 4
    path = save_screenshot(charting, "right-panel-four-adverse-events")
    assert path.stat().st_size > 0
    lists = (panel.findings_area, panel.events_area)
    qtbot.waitUntil(lambda: all(area.verticalScrollBar().maximum() == 0 for area in lists))  # all in view, no scroll
    assert len(panel.adverse_rows) == len(FOUR_EVENTS)
    for text, remove in panel.adverse_rows:
        assert inside(text, charting.centralWidget()) and inside(remove, charting.centralWidget())
    assert inside(panel.record_button, charting.centralWidget())
    assert panel.height() <= charting.view.height() + 1, "the panel is no taller than the diagram beside it"


def test_with_many_findings_and_events_the_record_button_stays_in_view(charting: MainWindow, qtbot: QtBot) -> None:
    for event in FOUR_EVENTS * 2:
        charting.model.add_adverse_event(event)
    settle(qtbot, charting)
    assert len(charting.model.findings) >= 7
    save_screenshot(charting, "right-panel-eight-adverse-events")
    panel = charting.totals_panel
    for widget in (panel.total, panel.record_button, panel.findings_area, panel.events_area):
        assert inside(widget, charting.centralWidget())
    assert panel.events_area.verticalScrollBar().maximum() > 0, "the list scrolls on its own"
    assert panel.events_area.height() >= 3 * panel.fontMetrics().lineSpacing(), "and shows a few lines of it"


# ----- 7. the lot fields
def test_a_lot_typed_in_lowercase_is_upper_case_as_typed(charting: MainWindow, qtbot: QtBot, db_path: Path) -> None:
    lot = charting.header_panel.lot
    lot.setFocus()
    qtbot.keyClicks(lot, "c3034")
    assert lot.text() == "C3034"
    qtbot.keyClick(lot, Qt.Key.Key_Left)
    qtbot.keyClicks(lot, "x")
    assert lot.text() == "C303X4" and lot.cursorPosition() == 5, "the cursor stays where the user types"
    qtbot.keyClick(lot, Qt.Key.Key_Return)
    assert draft_of(charting).lot_number == "C303X4"
    assert stored_session(db_path, charting).lot_number == "C303X4"


def test_the_recall_selects_the_prefilled_lot_so_typing_replaces_it(charting: MainWindow, qtbot: QtBot) -> None:
    charting.model.update_header(lot_number="C1234A")
    charting.lot_recall()
    dialog = charting.dialog
    assert isinstance(dialog, LotRecallDialog)
    qtbot.waitExposed(dialog)
    assert dialog.lot.text() == "C1234A" and dialog.lot.selectedText() == "C1234A"
    qtbot.waitUntil(dialog.lot.hasFocus)
    qtbot.keyClicks(dialog.lot, "C9999Z")
    assert dialog.lot.text() == "C9999Z"
    dialog.close()


def test_ctrl_1_2_3_move_the_keyboard_between_header_checklist_and_diagram(charting: MainWindow, qtbot: QtBot) -> None:
    chart_menu = next(a.menu() for a in charting.menuBar().actions() if a.text() == "&Chart")
    assert {charting.act_show_header, charting.act_show_checklist, charting.act_show_diagram} <= set(
        chart_menu.actions()
    )
    qtbot.keyClick(charting.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert charting.left_tabs.currentWidget() is charting.checklist_scroll
    focused = QApplication.focusWidget()
    assert focused is not None and charting.checklist_panel.isAncestorOf(focused)
    qtbot.keyClick(focused, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    focused = QApplication.focusWidget()
    assert charting.left_tabs.currentWidget() is charting.header_scroll
    assert focused is not None and charting.header_panel.isAncestorOf(focused)
    qtbot.keyClick(focused, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert charting.view.hasFocus()
