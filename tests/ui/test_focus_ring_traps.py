"""The focus ring always sits on the next unmarked site: Space never silently un-marks a site (walk-through issue)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.session import Patient, Session
from charting.storage.repository import Repository
from charting.ui.diagram import site_menu
from charting.ui.window import MainWindow
from tests.ui.conftest import TODAY
from tests.ui.test_charting_window import click_site, make_ready


def ring(window: MainWindow) -> list[str]:
    """The sites whose marker shows the focus ring."""
    return [site_id for site_id, marker in window.scene.markers.items() if marker.focused]


def space(qtbot: QtBot, window: MainWindow, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(window.view, Qt.Key.Key_Space)


def test_one_space_too_many_unmarks_nothing_and_says_why(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    space(qtbot, charting, len(protocol.sites))
    assert charting.model.totals.total_units == protocol.label_dose_units
    assert charting.model.focus_site == "" and ring(charting) == [], "every site marked: no ring"
    space(qtbot, charting)
    assert charting.model.totals.total_units == protocol.label_dose_units, "the extra Space changed nothing"
    assert charting.model.session.injection(protocol.sites[0].id) is not None
    assert charting.notice.text() == f"All {len(protocol.sites)} sites are marked; click a site to change it."


def test_plus_and_minus_change_the_site_just_marked_and_leave_the_ring_on_the_next(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    first, second, third = (site.id for site in protocol.sites[:3])
    step = protocol.adjust_step_units
    space(qtbot, charting)
    qtbot.keyClick(charting.view, Qt.Key.Key_Plus)
    assert charting.model.session.injection(first).units == protocol.site(first).units + step  # type: ignore[union-attr]
    assert charting.model.focus_site == second and ring(charting) == [second], "the ring stays on the next site"
    space(qtbot, charting)
    assert charting.model.session.injection(first) is not None, "Space marked the next site, not the adjusted one"
    assert charting.model.session.injection(second) is not None
    qtbot.keyClick(charting.view, Qt.Key.Key_Minus)
    assert charting.model.session.injection(second).units == protocol.site(second).units - step  # type: ignore[union-attr]
    assert charting.model.focus_site == third
    space(qtbot, charting)
    assert [s.id for s in protocol.sites[:3] if charting.model.session.injection(s.id) is not None] == [
        first,
        second,
        third,
    ]


def test_the_wheel_and_a_menu_dose_do_not_pull_the_ring_back(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    first, second, third = (site.id for site in protocol.sites[:3])
    space(qtbot, charting)
    charting.model.step_units(1, first)  # what the wheel over the marker does
    assert charting.model.focus_site == second
    menu = site_menu(charting.model, second, charting)
    next(action for action in menu.actions() if action.text() == "7.5 U").trigger()  # the ringed site, by menu
    assert charting.model.session.injection(second).units == 7.5  # type: ignore[union-attr]
    assert charting.model.focus_site == third, "marking the ringed site by its menu moves the ring on"


def test_space_unmarks_a_site_the_user_moved_the_ring_to(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    first, second = protocol.sites[0].id, protocol.sites[1].id
    space(qtbot, charting, 2)
    qtbot.keyClick(charting.view, Qt.Key.Key_Left)
    qtbot.keyClick(charting.view, Qt.Key.Key_Left)
    assert charting.model.focus_site == first
    qtbot.keyClick(charting.view, Qt.Key.Key_Plus)
    assert charting.model.focus_site == first, "+ on the chosen site keeps the ring there"
    space(qtbot, charting)
    assert charting.model.session.injection(first) is None, "ux.md: Space unmarks the site the ring was moved to"
    assert charting.model.session.injection(second) is not None
    space(qtbot, charting)
    assert charting.model.session.injection(first) is not None
    assert charting.model.focus_site == protocol.sites[2].id


def test_opening_another_draft_puts_the_ring_on_its_first_unmarked_site_or_nowhere(
    charting: MainWindow, repo: Repository, patient: Patient, protocol: Protocol, qtbot: QtBot
) -> None:
    assert charting.model.focus_site == protocol.sites[0].id
    full = repo.create_session(marking.apply_protocol(Session(performed_on=TODAY, patient_id=patient.id), protocol))
    charting.open_session_id(int(full.id or 0))
    assert charting.model.focus_site == "" and ring(charting) == [], "a fully marked draft has no ring"
    space(qtbot, charting)
    assert charting.model.session.injection(protocol.sites[0].id) is not None
    partial = Session(performed_on=TODAY, patient_id=patient.id)
    for site in protocol.sites[:3]:
        partial = marking.mark(partial, protocol, site.id)
    stored = repo.create_session(partial)
    charting.open_session_id(int(stored.id or 0))
    assert charting.model.focus_site == protocol.sites[3].id and ring(charting) == [protocol.sites[3].id]


def test_apply_protocol_leaves_no_ring_and_a_click_to_unmark_brings_it_back(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    charting.act_apply.trigger()
    assert charting.model.focus_site == ""
    target = protocol.sites[5].id
    click_site(qtbot, charting, target)
    assert charting.model.session.injection(target) is None
    assert charting.model.focus_site == target, "the site unmarked by a click is the next to inject"
    space(qtbot, charting)
    assert charting.model.session.injection(target) is not None and charting.model.focus_site == ""


def test_undo_puts_the_ring_back_on_the_site_it_unmarks(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    first, second = protocol.sites[0].id, protocol.sites[1].id
    space(qtbot, charting)
    assert charting.model.focus_site == second
    qtbot.keyClick(charting.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert charting.model.session.injection(first) is None and charting.model.focus_site == first
    qtbot.keyClick(charting.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert charting.model.session.injection(first) is not None and charting.model.focus_site == second


def test_skipping_the_ringed_site_moves_the_ring_on(charting: MainWindow, protocol: Protocol) -> None:
    first = protocol.sites[0].id
    assert charting.model.skip(first, "infection at the site")
    assert charting.model.focus_site == protocol.sites[1].id


def test_a_copied_session_opens_with_every_site_marked_and_no_ring(
    charting: MainWindow, repo: Repository, patient: Patient, protocol: Protocol
) -> None:
    make_ready(charting)
    charting.sign_as(repo.injectors()[0])
    assert charting.model.session.signed
    assert charting.copy_last_session(patient.id)
    assert charting.model.focus_site == "" and ring(charting) == []
