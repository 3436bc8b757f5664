"""A deviation reason covers what it was given for: a change that goes further beyond the caps asks first (keep the
reason, edit it, or cancel), by keyboard, in the real window, and a mark already accepted is never lost."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from charting.domain.protocol import Protocol
from charting.domain.rules import BEYOND_CAP, cap_excess
from charting.domain.session import Kind, Session
from charting.ui.diagram import site_menu
from charting.ui.session_model import SessionModel
from charting.ui.window import MainWindow
from tests.sessions import ready_session
from tests.ui.conftest import ARTIFACTS, draft_of, record_reason, save_screenshot
from tests.ui.test_charting_window import click_diagram, free_point, make_ready

REASON = "Bitemporal pain predominant, discussed with the patient"
WIDER = "Bitemporal pain predominant; a fourth site agreed with the patient"
SITE_ID = re.compile(r"[A-Z]{3}_[LRM]_")
"""A database site id: none may reach a text a person reads."""
TITLE = "Beyond the deviation reason"


def ftp_ids(window: MainWindow) -> list[str]:
    return [inj.site_id for inj in draft_of(window).injections if inj.kind is Kind.FTP]


class Temporalis:
    """Clicks that add temporalis follow-the-pain sites, left and right in turn, each at a free spot."""

    def __init__(self, window: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
        self.window, self.protocol, self.qtbot = window, protocol, qtbot
        self.taken: dict[str, list[tuple[float, float]]] = {"left": [], "right": []}
        self.clicks = 0

    def click(self, *, again: bool = False) -> None:
        """Click the next free spot (``again``: the spot clicked last, whose site was not added)."""
        side = ("left", "right")[(self.clicks - again) % 2]
        region = next(r for r in self.protocol.regions if r.muscle == "temporalis" and r.side == side)
        taken = self.taken[side]
        if not again:
            taken.append(free_point(self.protocol, region, taken))
            self.clicks += 1
        click_diagram(self.qtbot, self.window, region.view, *taken[-1])


def question(window: MainWindow, qtbot: QtBot) -> QMessageBox:
    """The question the window asks before a change goes beyond the deviation reason."""
    box = window.dialog
    assert isinstance(box, QMessageBox) and box.windowTitle() == TITLE
    qtbot.waitExposed(box)
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow)
    return box


def closed(box: QMessageBox) -> bool:
    return not box.isVisible()


def back_to_chart(window: MainWindow, qtbot: QtBot) -> None:
    """The window active again after a dialog, the diagram focused: its keys are the window's shortcuts."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)


def three_temporalis_sites_with_a_reason(window: MainWindow, protocol: Protocol, qtbot: QtBot) -> Temporalis:
    """Apply the protocol, two temporalis sites, a third refused, the reason typed, the third added."""
    make_ready(window)
    qtbot.keyClick(window.view, Qt.Key.Key_F)
    temporalis = Temporalis(window, protocol, qtbot)
    temporalis.click()
    temporalis.click()
    temporalis.click()
    assert len(ftp_ids(window)) == 2 and BEYOND_CAP in window.notice.text()
    record_reason(window, qtbot, REASON)
    temporalis.click(again=True)
    assert len(ftp_ids(window)) == 3, "the reason covers the site it was given for: no question"
    assert window.dialog is None or not window.dialog.isVisible()
    return temporalis


def a_fourth_site_asked(
    window: MainWindow, protocol: Protocol, qtbot: QtBot
) -> tuple[Temporalis, Session, QMessageBox]:
    """Three temporalis sites with a reason, then a fourth clicked: the clicks, the draft before it, the question."""
    temporalis = three_temporalis_sites_with_a_reason(window, protocol, qtbot)
    before = draft_of(window)
    temporalis.click()
    return temporalis, before, question(window, qtbot)


def test_a_reason_for_a_third_site_does_not_let_a_fourth_through(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    temporalis, accepted, box = a_fourth_site_asked(charting, protocol, qtbot)
    assert box.text() == (
        "Temporalis would have 4 follow-the-pain sites, above its cap of 2. "
        f"Temporalis would have 60 U, above its maximum of 50 U. The recorded deviation reason is \u201c{REASON}\u201d."
    )
    assert draft_of(charting) is accepted, "nothing changes while the question is open"
    save_screenshot(charting, "deviation-question")
    box.grab().save(str(ARTIFACTS / "ui-deviation-question-box.png"))

    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(box))
    assert draft_of(charting) == accepted and charting.repo.load_session(accepted.id or 0) == accepted
    assert not charting.model.held_change

    temporalis.click(again=True)
    box = question(charting, qtbot)
    qtbot.keyClick(box, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: closed(box))
    assert len(ftp_ids(charting)) == 4
    assert charting.repo.load_session(accepted.id or 0) == draft_of(charting), "saved"
    assert {e.key: e.amount for e in charting.model.covered_excess}["ftp_extra_sites", "temporalis"] == 4

    back_to_chart(charting, qtbot)
    qtbot.keyClick(charting.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(ftp_ids(charting)) == 3
    qtbot.keyClick(charting.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(ftp_ids(charting)) == 4, "a redo is what was confirmed: no question"
    assert charting.dialog is box and not box.isVisible()

    temporalis.click()
    box = question(charting, qtbot)
    assert box.text().startswith("Temporalis would have 5 follow-the-pain sites"), "each step further asks again"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Cancel is the default
    qtbot.waitUntil(lambda: closed(box))
    assert len(ftp_ids(charting)) == 4


def test_edit_the_reason_makes_the_change_with_the_new_reason_in_one_step(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    _clicks, before, box = a_fourth_site_asked(charting, protocol, qtbot)
    qtbot.keyClick(box, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: closed(box))
    edit = charting.dialog
    assert isinstance(edit, QInputDialog) and edit.textValue() == REASON
    assert edit.labelText().startswith("Temporalis would have 4 follow-the-pain sites")
    qtbot.waitExposed(edit)
    edit.activateWindow()
    qtbot.waitUntil(edit.isActiveWindow)
    line = edit.focusWidget()
    assert line is not None
    qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(line, WIDER)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not edit.isVisible())
    after = draft_of(charting)
    assert (len(ftp_ids(charting)), after.deviation_reason) == (4, WIDER)
    assert charting.header_panel.deviation.value() == WIDER
    assert charting.repo.load_session(after.id or 0) == after
    charting.act_undo.trigger()
    assert draft_of(charting) == before, "one undo takes back the site and the edited reason together"


def test_cancelling_the_edit_keeps_the_chart_as_it_was(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    _clicks, before, box = a_fourth_site_asked(charting, protocol, qtbot)
    qtbot.keyClick(box, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: closed(box))  # a mnemonic clicks the button a moment later
    edit = charting.dialog
    assert isinstance(edit, QInputDialog)
    qtbot.waitExposed(edit)
    edit.reject()
    assert draft_of(charting) == before and not charting.model.held_change


def test_more_units_past_the_covered_dose_ask_and_opening_the_draft_covers_what_it_holds(
    charting: MainWindow, qtbot: QtBot
) -> None:
    make_ready(charting)
    charting.model.set_units("PRO_M_1", 10)
    record_reason(charting, qtbot, "Glabellar pain predominant")
    charting.model.set_focus("PRO_M_1")
    charting.view.setFocus()
    qtbot.keyClick(charting.view, Qt.Key.Key_Plus)
    box = question(charting, qtbot)
    assert box.text().startswith("Procerus would have 12.5 U, above its maximum of 5 U.")
    assert box.informativeText() == "Change: More units at procerus."
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(box))
    assert draft_of(charting).injection("PRO_M_1").units == 10  # type: ignore[union-attr]

    back_to_chart(charting, qtbot)
    qtbot.keyClick(charting.view, Qt.Key.Key_Minus)
    assert draft_of(charting).injection("PRO_M_1").units == 7.5, "less than covered: no question"  # type: ignore[union-attr]

    stored = draft_of(charting)
    charting.open_session_id(stored.id or 0)
    assert charting.model.covered_excess == cap_excess(stored, charting.protocol), "opened: what it holds is covered"
    assert charting.model.set_units("PRO_M_1", 5) and charting.model.set_units("PRO_M_1", 7.5), "within it: no question"
    assert not charting.model.set_units("PRO_M_1", 10)
    box = question(charting, qtbot)
    assert box.text().startswith("Procerus would have 10 U, above its maximum of 5 U.")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(box))
    assert draft_of(charting).injection("PRO_M_1").units == 7.5  # type: ignore[union-attr]


def test_without_a_window_the_change_is_refused_and_the_next_reason_covers_it(protocol: Protocol) -> None:
    model = SessionModel(protocol, ready_session(protocol, deviation_reason="Glabellar pain"))
    refusals: list[str] = []
    model.change_refused.connect(refusals.append)
    assert not model.set_units("PRO_M_1", 10)
    assert refusals == [
        "Procerus would have 10 U, above its maximum of 5 U, more than the recorded deviation reason covers; "
        "the change was not made. Update the deviation reason to cover it."
    ]
    assert model.session.injection("PRO_M_1").units == 5  # type: ignore[union-attr]
    assert model.update_header(deviation_reason="Glabellar pain, 10 U agreed")
    assert model.set_units("PRO_M_1", 10)
    assert not model.set_units("PRO_M_1", 12.5)


def test_no_text_a_person_reads_carries_a_site_id(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    """Window messages, undo texts, the skip question, the site menu and tooltips name sites in words."""
    seen: list[str] = []
    charting.model.change_refused.connect(seen.append)
    charting.model.change_noted.connect(seen.append)
    make_ready(charting)
    model = charting.model
    model.set_units("OCC_L_3", 7.5)
    model.step_units(1, "TEM_R_2")
    model.remove("TRA_R_1")
    model.step_units(1, "TRA_R_1")
    charting.ask_skip_reason("CPS_L_2")
    skip = charting.dialog
    assert isinstance(skip, QInputDialog)
    seen.append(skip.labelText())
    skip.setTextValue("Infection at the site")
    skip.accept()
    assert draft_of(charting).injection("CPS_L_2").skipped  # type: ignore[union-attr]
    model.set_ftp_mode(True)
    left = next(r for r in protocol.regions if r.muscle == "temporalis" and r.side == "left")
    site = protocol.site("TEM_L_1")
    ftp = model.add_ftp_at(left.view, site.x + 1, site.y, clearance=35)  # crowded: placed at the nearest free spot
    assert ftp
    model.move_ftp(ftp, site.x + 1, site.y, clearance=35)
    model.move_ftp(ftp, 1, 1)
    seen.append(charting.notice.text())
    seen.extend(model.undo_stack.text(index) for index in range(model.undo_stack.count()))
    seen.append(charting.totals_panel.findings.text())
    for site_id in ("OCC_L_3", "PRO_M_1", ftp):
        menu = charting_menu_title(charting, site_id)
        seen.append(menu)
        seen.append(charting.scene.marker(site_id).toolTip())
    assert len(seen) > 15
    assert [text for text in seen if SITE_ID.search(text)] == []
    assert "Placed at the nearest free spot in the left temporalis." in seen
    assert "Skip left cervical paraspinal, site 2" in seen and "More units at right temporalis, site 2" in seen


def charting_menu_title(window: MainWindow, site_id: str) -> str:
    """The title of a site's right-click menu."""
    return site_menu(window.model, site_id, window).actions()[0].text()
