"""The header's text fields at the chair: the needle and the deviation show their whole text, the comments take
sentences over several lines, the product's whole name shows, and nothing typed is lost when the user leaves the
field any way at all (Tab, a shortcut that opens another session, the checklist tab, closing the window)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from charting.domain.protocol import Protocol
from charting.domain.session import Patient, Session
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.forms import TextBox
from charting.ui.header_panel import COMMENT_LINES, NEEDLE_LINES, combo_shows_whole
from charting.ui.window import MainWindow
from tests.ui.conftest import TODAY, draft_of, save_screenshot
from tests.ui.patients_fixtures import signed_session

COMMENT = ("Below 15 headache days for 3 months.", "Discussed stopping; the patient prefers to continue.")
CTRL = Qt.KeyboardModifier.ControlModifier


def stored(db_path: Path, session_id: int | None) -> Session:
    """A session as a fresh connection reads it from the file."""
    assert session_id is not None
    return Repository(open_database(db_path), actor="test").load_session(session_id)


def type_in(qtbot: QtBot, box: QWidget, *lines: str) -> None:
    """Put the keyboard in the field and type the lines, Return between them."""
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    for number, line in enumerate(lines):
        if number:
            qtbot.keyClick(box, Qt.Key.Key_Return)
        qtbot.keyClicks(box, line)


def shows_whole(box: TextBox) -> bool:
    """True when every line of the box's text is in view: none scrolled away, the box not cut by the panel."""
    visible = box.visibleRegion().boundingRect()
    return box.shows_all() and box.isVisible() and visible.height() == box.height()


def test_the_needle_shows_its_whole_text_over_lines(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    needle = charting.header_panel.needle
    assert needle.toPlainText() == protocol.needle
    assert 1 < needle.lines_needed() <= NEEDLE_LINES, "the protocol's needle takes a few lines at this width"
    qtbot.waitUntil(lambda: shows_whole(needle))
    assert charting.header_scroll.verticalScrollBar().maximum() == 0
    save_screenshot(charting, "header-needle-whole")


def test_a_needle_is_one_paragraph_and_return_records_it(charting: MainWindow, db_path: Path, qtbot: QtBot) -> None:
    needle = charting.header_panel.needle
    needle.selectAll()
    type_in(qtbot, needle, "27-gauge, 1-inch for the neck")
    qtbot.keyClick(needle, Qt.Key.Key_Return)
    assert needle.hasFocus(), "Return records the needle and keeps the keyboard there, as a line edit does"
    assert "\n" not in needle.toPlainText()
    assert draft_of(charting).needle == "27-gauge, 1-inch for the neck"
    needle.setPlainText("30-gauge,\n0.5-inch")
    needle.editing_finished.emit()
    assert stored(db_path, draft_of(charting).id).needle == "30-gauge, 0.5-inch", "a pasted line break is a space"


def test_a_long_deviation_wraps_in_view(charting: MainWindow, qtbot: QtBot) -> None:
    deviation = charting.header_panel.deviation
    reason = "Left temporal pain predominant, discussed with the patient; two more sites"
    type_in(qtbot, deviation, reason)
    qtbot.keyClick(deviation, Qt.Key.Key_Tab)
    assert draft_of(charting).deviation_reason == reason
    assert deviation.lines_needed() > 1
    qtbot.waitUntil(lambda: shows_whole(deviation))


def test_comments_take_lines_and_tab_moves_on(charting: MainWindow, db_path: Path, qtbot: QtBot) -> None:
    comments = charting.header_panel.comments
    assert comments.height() >= COMMENT_LINES[0] * comments.fontMetrics().lineSpacing()
    type_in(qtbot, comments, *COMMENT)
    qtbot.keyClick(comments, Qt.Key.Key_A, CTRL)
    assert comments.textCursor().selectedText().startswith(COMMENT[0]), "Ctrl+A selects in the field"
    assert draft_of(charting).comments == "", "recorded when the user leaves the field, not at every key"
    qtbot.keyClick(comments, Qt.Key.Key_End, CTRL)
    qtbot.keyClick(comments, Qt.Key.Key_Tab)
    assert not comments.hasFocus(), "Tab moves to the next field, it types no tab"
    assert "\t" not in comments.toPlainText()
    assert draft_of(charting).comments == "\n".join(COMMENT)
    assert stored(db_path, draft_of(charting).id).comments == "\n".join(COMMENT)
    charting.model.undo_stack.undo()
    assert draft_of(charting).comments == "" and comments.toPlainText() == "", "one undo step takes the comment back"


def test_recording_while_typing_leaves_the_text_and_cursor_alone(charting: MainWindow, qtbot: QtBot) -> None:
    comments = charting.header_panel.comments
    type_in(qtbot, comments, "Tolerated well, ")
    charting.header_panel.commit_edits()
    assert draft_of(charting).comments == "Tolerated well,"
    qtbot.keyClicks(comments, "no bruising")
    assert comments.toPlainText() == "Tolerated well, no bruising"


def test_a_shortcut_that_opens_another_session_records_what_was_typed_first(
    charting: MainWindow, db_path: Path, qtbot: QtBot
) -> None:
    first = draft_of(charting).id
    comments = charting.header_panel.comments
    type_in(qtbot, comments, *COMMENT)
    qtbot.keyClick(comments, Qt.Key.Key_N, CTRL)
    assert draft_of(charting).id != first, "Ctrl+N opened a new session"
    assert stored(db_path, first).comments == "\n".join(COMMENT)
    assert draft_of(charting).comments == "" and comments.toPlainText() == ""


def test_the_checklist_tab_records_what_was_typed(charting: MainWindow, qtbot: QtBot) -> None:
    needle = charting.header_panel.needle
    needle.selectAll()
    type_in(qtbot, needle, "32-gauge")
    qtbot.keyClick(needle, Qt.Key.Key_2, CTRL)
    assert charting.left_tabs.currentWidget() is charting.checklist_scroll
    assert draft_of(charting).needle == "32-gauge"


def test_closing_the_window_records_what_was_typed(charting: MainWindow, db_path: Path, qtbot: QtBot) -> None:
    session_id = draft_of(charting).id
    type_in(qtbot, charting.header_panel.comments, *COMMENT)
    type_in(qtbot, charting.header_panel.lot, "c3034c3")
    assert charting.close()
    after = stored(db_path, session_id)
    assert (after.comments, after.lot_number) == ("\n".join(COMMENT), "C3034C3")


def test_the_products_whole_name_shows(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    header = charting.header_panel
    metrics = header.product.view().fontMetrics()
    assert header.product.view().minimumWidth() >= max(metrics.horizontalAdvance(p.name) for p in protocol.products)
    for product in protocol.products:
        header.product.setCurrentIndex(header.product.findData(product.id))
        header.product.activated.emit(header.product.currentIndex())
        assert draft_of(charting).product_id == product.id
        if combo_shows_whole(header.product):
            assert header.product_words.isHidden()
        else:
            assert header.product_words.isVisible() and header.product_words.text() == product.name
            assert header.product_words.heightForWidth(header.product_words.width()) <= header.product_words.height()
        assert header.product.toolTip() == product.name
    standard = next(p for p in protocol.products if not p.cosmetic)
    header.product.setCurrentIndex(header.product.findData(standard.id))
    assert combo_shows_whole(header.product), "the therapeutic product's name fits the combo"


def test_a_returning_patients_header_fits_without_scrolling(
    window: MainWindow, repo: Repository, patient: Patient, qtbot: QtBot
) -> None:
    assert patient.id is not None
    signed_session(repo, patient.id, TODAY - timedelta(days=84), lot="C3034C3")
    window.show_patient(patient.id)
    assert window.copy_last_session(patient.id)
    window.model.update_header(needle=window.protocol.needle, comments="\n".join(COMMENT))
    assert window.lot_offer.isVisibleTo(window)
    header = window.header_panel
    for box in (header.needle, header.comments):
        qtbot.waitUntil(lambda box=box: shows_whole(box))  # type: ignore[misc]
    assert window.header_scroll.verticalScrollBar().maximum() == 0
    save_screenshot(window, "header-returning-patient")
    order = tab_order(header.expiry.edit, 3)
    assert order[1:] == [window.lot_offer.button, header.saline], "Tab goes from the expiry to the offer, then on"
    assert tab_order(header.comments, 1)[0] is not window.lot_offer.button


def tab_order(start: QWidget, count: int) -> list[QWidget]:
    """The next ``count`` widgets Tab reaches from ``start`` (shown ones that take the focus by Tab)."""
    found: list[QWidget] = []
    widget = start.nextInFocusChain()
    while len(found) < count and widget is not start:
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def test_choosing_a_product_fills_in_its_standard_saline(
    charting: MainWindow, protocol: Protocol, db_path: Path
) -> None:
    """A new session takes the protocol's dilution for the vial chosen (200 U in 4 mL); another vial size changes a
    standard dilution to its own (100 U in 2 mL); a dilution the injector typed stays when the product changes."""
    combo = charting.header_panel.product
    assert draft_of(charting).saline_ml is None

    def choose(vial_units: int) -> Session:
        index = next(
            i
            for i in range(combo.count())
            if combo.itemData(i) and protocol.product(combo.itemData(i)).vial_units == vial_units
        )
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        return stored(db_path, draft_of(charting).id)

    assert choose(200).saline_ml == 4.0 and charting.header_panel.saline.value() == 4.0
    assert choose(100).saline_ml == 2.0, "the standard dilution follows the vial"
    charting.header_panel.saline.setValue(2.5)
    session = choose(200)
    assert session.vial_units == 200 and session.saline_ml == 2.5, "the injector's dilution stays"
