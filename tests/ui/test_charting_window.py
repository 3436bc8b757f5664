"""The charting window driven like a user: clicks on the diagram, keys, follow-the-pain, undo, autosave, signing."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from charting.domain.clock import local_now
from charting.domain.people import Injector
from charting.domain.protocol import Protocol, Region
from charting.domain.rules import ftp_addition_refusal
from charting.domain.session import Kind, Patient, Session
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.diagram import site_menu
from charting.ui.signing import SignDialog
from charting.ui.window import MainWindow
from tests.sessions import READY_HEADER
from tests.ui.conftest import SIGNER_PIN, TODAY, save_screenshot, type_pin

TODAY_AT_NOON = datetime(2026, 11, 25, 12, 0)


def click_site(
    qtbot: QtBot, window: MainWindow, site_id: str, button: Qt.MouseButton = Qt.MouseButton.LeftButton
) -> None:
    """Click a site where the diagram shows it."""
    qtbot.mouseClick(window.view.viewport(), button, pos=window.view.viewport_pos(site_id).toPoint())


def click_diagram(qtbot: QtBot, window: MainWindow, view_id: str, x: float, y: float) -> None:
    """Click a point of a view, given in diagram units."""
    panel = window.scene.panels[view_id]
    pos = window.view.mapFromScene(panel.mapToScene(QPointF(x, y)))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def edge_distance(region: Region, x: float, y: float) -> float:
    """How far a point is from the region's outline."""
    distances = []
    points = region.polygon
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=True):
        length = math.dist((ax, ay), (bx, by)) or 1.0
        t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length**2))
        distances.append(math.dist((x, y), (ax + t * (bx - ax), ay + t * (by - ay))))
    return min(distances)


def free_point(protocol: Protocol, region: Region, taken: list[tuple[float, float]]) -> tuple[float, float]:
    """A point well inside the region, as far as possible from the sites already there (a click misses markers)."""
    xs = [x for x, _ in region.polygon]
    ys = [y for _, y in region.polygon]
    fixed = [(s.x, s.y) for s in protocol.sites if s.view == region.view]
    best, best_distance = (0.0, 0.0), -1.0
    for i in range(41):
        for j in range(41):
            x = min(xs) + (max(xs) - min(xs)) * i / 40
            y = min(ys) + (max(ys) - min(ys)) * j / 40
            if not region.contains(x, y) or edge_distance(region, x, y) < 6:
                continue
            distance = min(math.dist((x, y), other) for other in fixed + taken)
            if distance > best_distance:
                best, best_distance = (round(x, 1), round(y, 1)), distance
    return best


def marked(window: MainWindow) -> list[str]:
    return sorted(inj.site_id for inj in window.model.session.injections)


def test_clicking_each_site_marks_exactly_that_site(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    expected: list[str] = []
    for site in protocol.sites:
        click_site(qtbot, charting, site.id)
        expected.append(site.id)
        assert marked(charting) == sorted(expected), site.id
        injection = charting.model.session.injection(site.id)
        assert injection is not None and injection.units == site.units and injection.kind is Kind.FIXED
        assert charting.scene.marker(site.id).state == "injected"
    assert charting.model.totals.total_units == protocol.label_dose_units
    assert charting.totals_panel.total.text() == f"Total {protocol.label_dose_units:g} U"
    save_screenshot(charting, "all-clicked")
    click_site(qtbot, charting, protocol.sites[0].id)
    assert charting.model.session.injection(protocol.sites[0].id) is None
    assert charting.scene.marker(protocol.sites[0].id).state == "not_injected"


def test_keyboard_only_charting_of_all_31_sites(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    view = charting.view
    assert charting.model.focus_site == protocol.sites[0].id
    for site in protocol.sites:
        assert charting.model.focus_site == site.id
        qtbot.keyClick(view, Qt.Key.Key_Space)
    assert marked(charting) == sorted(site.id for site in protocol.sites)
    assert charting.model.totals.total_sites == len(protocol.sites)
    # back to the first site, then more units on it and fewer on the second
    first, second = protocol.sites[0], protocol.sites[1]
    charting.model.set_focus(protocol.sites[-1].id)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert charting.model.focus_site == first.id
    for _ in range(2):
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert charting.model.session.injection(first.id).units == first.units + 2 * protocol.adjust_step_units  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert charting.model.focus_site == second.id
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert charting.model.session.injection(second.id).units == second.units - protocol.adjust_step_units  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert charting.model.focus_site == first.id
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert charting.model.focus_site == protocol.sites[-1].id
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert charting.model.session.injection(protocol.sites[-1].id) is None
    save_screenshot(charting, "keyboard")


def test_space_moves_the_focus_ring_to_the_next_unmarked_site(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    ids = [site.id for site in protocol.sites]
    click_site(qtbot, charting, ids[1])
    assert charting.model.focus_site == ids[2]
    assert charting.scene.marker(ids[2]).focused
    charting.model.set_focus(ids[0])
    qtbot.keyClick(charting.view, Qt.Key.Key_Space)
    assert charting.model.focus_site == ids[2], "skips the site already marked"


def test_follow_the_pain_cap_refuses_a_third_temporalis_site(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    left, right = (r for r in protocol.regions if r.muscle == "temporalis")
    qtbot.keyClick(charting.view, Qt.Key.Key_F)
    assert charting.model.ftp_mode and charting.act_ftp.isChecked()
    assert charting.scene.panels[left.view].show_regions
    added = {left.view: [free_point(protocol, left, [])], right.view: [free_point(protocol, right, [])]}
    click_diagram(qtbot, charting, left.view, *added[left.view][0])
    click_diagram(qtbot, charting, right.view, *added[right.view][0])
    ftp = [inj for inj in charting.model.session.injections if inj.kind is Kind.FTP]
    assert sorted((inj.muscle, inj.side) for inj in ftp) == [("temporalis", "left"), ("temporalis", "right")]
    assert all(inj.units == protocol.units_per_site for inj in ftp)
    save_screenshot(charting, "ftp-mode")
    refusal = ftp_addition_refusal(charting.model.session, protocol, "temporalis")
    assert refusal is not None
    for region in (left, right):
        before = charting.model.session
        charting.show_notice("")
        click_diagram(qtbot, charting, region.view, *free_point(protocol, region, added[region.view]))
        assert charting.model.session == before
        assert charting.notice.isVisible() and charting.notice.text() == refusal.message
    save_screenshot(charting, "ftp-refused")
    qtbot.keyClick(charting.view, Qt.Key.Key_Escape)
    assert not charting.model.ftp_mode and not charting.scene.panels[left.view].show_regions


def test_follow_the_pain_outside_a_region_is_refused(charting: MainWindow, qtbot: QtBot) -> None:
    charting.model.set_ftp_mode(True)
    click_diagram(qtbot, charting, "front", 200, 40)
    assert charting.model.session.injections == ()
    assert "regions" in charting.notice.text()


def test_follow_the_pain_site_moves_and_is_removed(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    region = next(r for r in protocol.regions if r.muscle == "temporalis")  # room for two sites a target apart
    charting.model.set_ftp_mode(True)
    start = free_point(protocol, region, [])
    click_diagram(qtbot, charting, region.view, *start)
    (site_id,) = [inj.site_id for inj in charting.model.session.injections]
    marker = charting.scene.marker(site_id)
    assert marker.state == "ftp"
    target = free_point(protocol, region, [start])
    viewport = charting.view.viewport()
    panel = charting.scene.panels[region.view]
    begin = charting.view.viewport_pos(site_id).toPoint()
    end = charting.view.mapFromScene(panel.mapToScene(QPointF(*target)))
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=begin)
    qtbot.mouseMove(viewport, begin + QPoint(6, 0))
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    injection = charting.model.session.injection(site_id)
    assert injection is not None
    assert math.dist((injection.x, injection.y), target) < 3, "moved in diagram units"
    assert region.contains(injection.x, injection.y)
    menu = site_menu(charting.model, site_id, charting)
    remove = next(action for action in menu.actions() if action.text().startswith("Remove"))
    remove.trigger()
    assert charting.model.session.injections == ()
    assert site_id not in charting.scene.markers


def test_right_click_doses_skip_and_wheel(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    site = protocol.sites[3]
    menu = site_menu(charting.model, site.id, charting, charting.ask_skip_reason)
    doses = [action.text() for action in menu.actions() if action.text().endswith(" U")]
    assert doses == [f"{units:g} U" for units in protocol.common_doses_units]
    next(action for action in menu.actions() if action.text() == "7.5 U").trigger()
    assert charting.model.session.injection(site.id).units == 7.5  # type: ignore[union-attr]
    # the wheel over the marker: one notch up is one dose step more
    pos = charting.view.viewport_pos(site.id)
    wheel = QWheelEvent(
        pos,
        charting.view.viewport().mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(charting.view.viewport(), wheel)
    assert charting.model.session.injection(site.id).units == 7.5 + protocol.adjust_step_units  # type: ignore[union-attr]
    # skip with a reason from the menu's dialog
    skip = next(action for action in menu.actions() if action.text().startswith("Skip"))
    skip.trigger()
    dialog = charting.dialog
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue("Infection at the site")
    dialog.accept()
    injection = charting.model.session.injection(site.id)
    assert injection is not None and injection.skipped_reason == "Infection at the site"
    assert charting.scene.marker(site.id).state == "skipped"
    assert charting.model.totals.skipped_sites == 1


def test_apply_protocol_button_and_states_screenshot(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    button = charting.bottom_buttons["apply"]
    assert button.text() == f"Apply PREEMPT {protocol.label_dose_units:g} U"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert charting.model.totals.total_sites == len(protocol.sites)
    charting.model.skip(protocol.sites[5].id, "Scar at the site")
    charting.model.set_units(protocol.sites[7].id, 10)
    charting.model.remove(protocol.sites[9].id)
    charting.model.set_focus(protocol.sites[9].id)
    region = next(r for r in protocol.regions if r.muscle == "occipitalis")
    charting.model.add_ftp_at(region.view, *free_point(protocol, region, []))
    states = {marker.state for marker in charting.scene.markers.values()}
    assert states == {"injected", "skipped", "not_injected", "ftp"}
    save_screenshot(charting, "marker-states")


def test_undo_and_redo_round_trip(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    view = charting.view
    start = charting.model.session
    steps: list[Session] = [start]
    click_site(qtbot, charting, protocol.sites[0].id)
    steps.append(charting.model.session)
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    steps.append(charting.model.session)
    charting.model.update_header(lot_number="C1")
    charting.model.update_header(lot_number="C12")  # merges with the edit before
    steps.append(charting.model.session)
    charting.model.apply_protocol()
    steps.append(charting.model.session)
    assert len({id(s) for s in steps}) == len(steps)
    for expected in reversed(steps[:-1]):
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert charting.model.session == expected
    assert not charting.act_undo.isEnabled()
    for expected in steps[1:]:
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert charting.model.session == expected
    assert charting.header_panel.lot.text() == "C12"


def test_every_change_is_saved_to_the_database(
    charting: MainWindow, protocol: Protocol, db_path: Path, qtbot: QtBot
) -> None:
    click_site(qtbot, charting, protocol.sites[0].id)
    qtbot.keyClick(charting.view, Qt.Key.Key_Plus)
    charting.header_panel.lot.setText("C1234A")
    charting.header_panel.lot.editingFinished.emit()
    charting.header_panel.consent.click()
    charting.header_panel.saline.setValue(4.0)
    charting.model.set_ftp_mode(True)
    region = next(r for r in protocol.regions if r.muscle == "trapezius")
    click_diagram(qtbot, charting, region.view, *free_point(protocol, region, []))
    assert charting.saved_label.text().startswith("Saved ")
    session = charting.model.session
    assert session.lot_number == "C1234A" and session.consent and session.saline_ml == 4.0
    assert session.id is not None
    reopened = Repository(open_database(db_path), actor="test").load_session(session.id)
    assert reopened == session
    charting.model.undo_stack.undo()
    assert Repository(open_database(db_path), actor="test").load_session(session.id) == charting.model.session


def test_a_failed_save_keeps_the_chart_and_says_so(
    charting: MainWindow, protocol: Protocol, db_path: Path, qtbot: QtBot
) -> None:
    charting.model.apply_protocol()
    for key, value in READY_HEADER.items():
        charting.model.update_header(**{key: value})
    other = Repository(open_database(db_path), actor="other")
    session_id = charting.model.session.id
    assert session_id is not None
    other.sign_session(session_id, other.injectors()[0], TODAY_AT_NOON)  # signed elsewhere meanwhile
    click_site(qtbot, charting, protocol.sites[0].id)
    assert charting.model.session.injection(protocol.sites[0].id) is None, "the change is kept in memory"
    assert charting.model.unsaved
    assert charting.saved_label.text() == "NOT SAVED"
    assert charting.notice.text().startswith("Not saved: This session is signed")
    assert charting.retry_button.isVisible() and charting.act_retry_save.isEnabled()
    save_screenshot(charting, "save-failed")
    charting.close()
    box = charting.dialog
    assert isinstance(box, QMessageBox) and charting.isVisible(), "quitting asks first"
    box.button(QMessageBox.StandardButton.Discard).click()
    assert not charting.isVisible()


def make_ready(window: MainWindow) -> None:
    window.model.apply_protocol()
    for key, value in READY_HEADER.items():
        window.model.update_header(**{key: value})
    window.model.update_header(reconstituted_at=local_now() - timedelta(hours=1))  # mixed an hour ago


def test_signing_is_refused_until_the_refusals_are_resolved(charting: MainWindow, qtbot: QtBot) -> None:
    charting.sign()
    box = charting.dialog
    assert isinstance(box, QMessageBox)
    assert "Record the lot number" in box.text() and "No site is marked" in box.text()
    box.close()
    assert not charting.model.session.signed


def test_a_signed_session_is_read_only_with_its_addenda(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    make_ready(charting)
    charting.sign()
    dialog = charting.dialog
    assert isinstance(dialog, SignDialog)
    assert dialog.signer.currentText() == "Anna Meyer, MD"
    assert not dialog.sign_button.isEnabled(), "the signer's PIN is asked"
    type_pin(dialog)
    dialog.sign_button.click()
    session = charting.model.session
    assert session.signed and session.signed_by == "Anna Meyer, MD"
    assert "SIGNED" in charting.windowTitle() and "DOE, Jane" in charting.windowTitle()
    click_site(qtbot, charting, protocol.sites[0].id)
    qtbot.keyClick(charting.view, Qt.Key.Key_Space)
    assert charting.model.session == session
    assert "signed" in charting.notice.text()
    assert not charting.header_panel.lot.isEnabled()
    assert not charting.act_mark.isEnabled() and not charting.act_sign.isEnabled()
    assert charting.act_addendum.isEnabled()
    anna = charting.repo.injectors()[0]
    assert not charting.add_addendum_text("Lot number corrected to C1234B.", anna, pin="0000")
    assert "not Anna Meyer, MD's PIN" in charting.notice.text()
    assert charting.add_addendum_text("Lot number corrected to C1234B.", anna, pin=SIGNER_PIN)
    assert "Lot number corrected to C1234B." in charting.addenda_label.text()
    assert charting.addenda_box.isVisible()
    save_screenshot(charting, "signed")
    assert charting.repo.load_session(session.id or 0) == session


def test_hit_targets_are_28_px_and_do_not_overlap_at_1366x768(charting: MainWindow, protocol: Protocol) -> None:
    view = charting.view
    viewport = view.viewport().rect()
    assert view.mapFromScene(view.sceneRect()).boundingRect().adjusted(2, 2, -2, -2).intersected(viewport) == (
        view.mapFromScene(view.sceneRect()).boundingRect().adjusted(2, 2, -2, -2)
    ), "all four views visible without scrolling"
    targets = []
    for site in protocol.sites:
        marker = charting.scene.marker(site.id)
        shape = marker.deviceTransform(view.viewportTransform()).map(marker.shape()).boundingRect()
        assert shape.width() >= 28 and shape.height() >= 28
        assert viewport.contains(shape.toRect())
        targets.append((site.id, shape.center(), shape.width() / 2))
    for i, (a, centre_a, radius_a) in enumerate(targets):
        for b, centre_b, radius_b in targets[i + 1 :]:
            gap = math.dist((centre_a.x(), centre_a.y()), (centre_b.x(), centre_b.y()))
            assert gap >= radius_a + radius_b, f"{a} and {b} overlap"


def test_zoom_does_not_change_what_is_saved(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    charting.resize(1800, 1000)
    qtbot.waitUntil(lambda: charting.view.width() > 900)
    click_site(qtbot, charting, protocol.sites[4].id)
    injection = charting.model.session.injection(protocol.sites[4].id)
    assert injection is not None and (injection.x, injection.y) == (protocol.sites[4].x, protocol.sites[4].y)


def test_hover_tells_the_site(charting: MainWindow, protocol: Protocol) -> None:
    site = protocol.site("TEM_L_1")
    tip = charting.scene.marker(site.id).toolTip()
    assert "Left temporalis, site 1" in tip and site.landmark in tip
    assert site.id not in tip, "people read the site in words; the id stays in the database"


def test_totals_panel_follows_the_marks(charting: MainWindow, protocol: Protocol) -> None:
    make_ready(charting)
    panel = charting.totals_panel
    units, sites, max_units, max_sites = panel.muscle_labels["temporalis"]
    assert (units.text(), sites.text(), max_units.text(), max_sites.text()) == ("40 / 40", "8 / 8", "50", "10")
    assert panel.max_title.text() == "max"
    assert panel.sides.text() == "Left 75 U   Right 75 U   Midline 5 U"
    assert panel.volume.text() == "31 sites, 3.1 mL"
    assert panel.waste.text() == "Waste 45 U"
    assert "ready to sign" in panel.findings.text()
    charting.model.set_units("TEM_L_1", 10)
    assert "Left temporalis, site 1: 10 U instead of the protocol" in panel.findings.text()
    assert charting.header_panel.concentration.text() == "200 U in 4 mL = 50 U/mL, 5 U per 0.1 mL"


def test_new_session_copy_last_and_drafts_reopened(
    window: MainWindow, repo: Repository, patient: Patient, protocol: Protocol, qtbot: QtBot
) -> None:
    assert window.stack.currentWidget() is window.start_page
    assert window.start_buttons["find"].text() == "Find patient (Ctrl+F)"
    assert patient.id is not None
    window.show_patient(patient.id)
    assert not window.act_copy_last.isEnabled(), "nothing signed yet to copy"
    assert not window.start_buttons["copy_last"].isVisible()
    window.new_session(patient.id)
    make_ready(window)
    window.sign_as(repo.injectors()[0])
    assert window.model.session.signed
    assert window.act_copy_last.isEnabled()
    assert window.copy_last_session(patient.id)
    copied = window.model.session
    assert not copied.signed and len(copied.injections) == len(protocol.sites)
    assert copied.lot_number == "" and window.lot_offer.label.text().endswith(": C1234A, exp 2027-06-30")
    assert len(window.scene.ghosts) == len(protocol.sites), "the last session shows faintly"
    other = repo.add_patient(Patient(mrn="20001", family_name="Roe", given_name="Rick", dob=date(1970, 1, 1)))
    older = repo.create_session(Session(performed_on=date(2026, 11, 1), patient_id=other.id))
    fresh = MainWindow(repo, today=TODAY)
    qtbot.addWidget(fresh)
    fresh.reopen_drafts()
    assert fresh.model.session.id == copied.id, "the most recent draft opens"
    fresh.fill_drafts_menu()
    titles = [action.text() for action in fresh.drafts_menu.actions()]
    assert titles == [f"DOE, Jane, {TODAY.isoformat()}", "ROE, Rick, 2026-11-01"]
    fresh.drafts_menu.actions()[1].trigger()
    assert fresh.model.session.id == older.id
    assert "ROE, Rick" in fresh.windowTitle() and "DRAFT" in fresh.windowTitle()


def test_start_page_screenshot(window: MainWindow) -> None:
    assert window.windowTitle() == "charting"
    save_screenshot(window, "start")


def test_start_up_refuses_a_file_that_is_not_a_database(tmp_path: Path, qtbot: QtBot) -> None:
    from argparse import Namespace

    from PySide6.QtCore import QTimer

    from charting.ui.window import run_window

    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not records\n" * 50)
    before = path.read_bytes()
    seen: list[str] = []

    def close_the_message() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()
        else:
            QTimer.singleShot(10, close_the_message)

    QTimer.singleShot(0, close_the_message)
    assert run_window(Namespace(protocol=None), path) == 1
    assert len(seen) == 1 and "Traceback" not in seen[0] and seen[0].endswith(".")
    assert path.read_bytes() == before


def test_start_up_reopens_the_latest_draft_and_backs_up_in_the_background(
    repo: Repository, patient: Patient, db_path: Path, qtbot: QtBot
) -> None:
    from charting.storage.backup import daily_backups
    from charting.ui.window import start_window

    draft = repo.create_session(Session(performed_on=TODAY, patient_id=patient.id))
    window = start_window(db_path)
    qtbot.addWidget(window)
    assert window.model.session.id == draft.id
    assert window.saved_label.text() == "All changes saved"
    assert window.maintenance is None, "the backup and the check wait for the window's first frame"
    qtbot.waitUntil(lambda: window.maintenance is not None)  # then run in a child
    assert window.maintenance is not None
    with qtbot.waitSignal(window.maintenance.finished, timeout=60000) as finished:
        pass
    assert finished.args == [True, "Today's backup is kept and the records check found nothing wrong."]
    assert len(daily_backups(db_path)) == 1


def test_find_patient_opens_the_patient_and_starts_a_session(
    window: MainWindow, patient: Patient, qtbot: QtBot
) -> None:
    from charting.ui.patient_finder import PatientFinder

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    finder = window.dialog
    assert isinstance(finder, PatientFinder)
    qtbot.keyClicks(finder.search, "Doe")
    qtbot.waitUntil(finder.open_patient_button.isEnabled)
    finder.open_patient_button.click()
    assert window.stack.currentWidget() is window.start_page
    assert "DOE, Jane" in window.start_text.text() and window.start_buttons["new_session"].isVisible()
    window.activateWindow()  # a window manager gives the focus back when the dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.has_session and window.model.session.patient_id == patient.id
    assert window.model.session.injector == "Anna Meyer, MD"
    assert window.model.session.needle == window.protocol.needle


def test_names_with_markup_show_as_typed(window: MainWindow, repo: Repository) -> None:
    hostile = repo.add_patient(
        Patient(
            mrn="<i>9</i>", family_name="<b>Smith</b>", given_name="A & B", dob=date(1970, 1, 1), allergies="<u>x</u>"
        )
    )
    assert window.new_session(hostile.id)
    bar = window.patient_bar.text()
    assert "&lt;B&gt;SMITH&lt;/B&gt;, A &amp; B" in bar
    assert "&lt;u&gt;x&lt;/u&gt;" in bar
    assert "MRN &lt;i&gt;9&lt;/i&gt;" in bar
    assert window.notice.textFormat() is Qt.TextFormat.PlainText


def test_a_signer_and_addendum_with_markup_show_as_typed(charting: MainWindow, repo: Repository) -> None:
    signer = repo.save_injector(Injector(name="<b>Kim</b> & Co", credentials="MD"))
    make_ready(charting)
    assert charting.sign_as(signer)
    lee = repo.save_injector(Injector(name="<u>Lee</u>"))
    assert charting.add_addendum_text("<i>not italic</i>", lee)
    label = charting.addenda_label.text()
    assert "&lt;b&gt;Kim&lt;/b&gt; &amp; Co, MD" in label
    assert "&lt;i&gt;not italic&lt;/i&gt;" in label and "&lt;u&gt;Lee&lt;/u&gt;" in label


def test_a_click_saves_without_reading_the_database(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    session_id = charting.model.session.id
    changes_before = len(charting.repo.audit_entries("session", session_id))
    statements: list[str] = []
    connection = charting.repo.db
    connection.set_trace_callback(statements.append)
    try:
        for site in protocol.sites[:3]:
            click_site(qtbot, charting, site.id)
        click_site(qtbot, charting, protocol.sites[0].id)
    finally:
        connection.set_trace_callback(None)
    assert any(sql.startswith("UPDATE sessions") for sql in statements)
    assert not [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert charting.repo.load_session(session_id or 0) == charting.model.session
    details = [entry["detail"] for entry in charting.repo.audit_entries("session", session_id)]
    assert len(details) == changes_before + 4
    assert details[-1] == f"unmarked: {protocol.sites[0].id}"


def test_enter_in_the_sign_dialog_signs(charting: MainWindow, qtbot: QtBot) -> None:
    make_ready(charting)
    charting.sign()
    dialog = charting.dialog
    assert isinstance(dialog, SignDialog)
    qtbot.waitUntil(dialog.isVisible)
    type_pin(dialog)
    qtbot.keyClick(dialog.signer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: charting.model.session.signed)


def test_the_diagram_background_follows_a_dark_theme(window: MainWindow) -> None:
    dark = QPalette(window.view.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    window.view.setPalette(dark)
    assert window.view.backgroundBrush().color() == QColor("#202124")


def test_a_window_left_open_overnight_dates_new_sessions_on_the_new_day(
    qtbot: QtBot, repo: Repository, patient: Patient
) -> None:
    calendar = [date(2026, 11, 25)]
    main = MainWindow(repo, clock=lambda: calendar[0])
    qtbot.addWidget(main)
    assert main.new_session(patient.id)
    assert main.model.session.performed_on == date(2026, 11, 25)
    calendar[0] = date(2026, 11, 26)
    assert main.new_session(patient.id)
    assert main.model.session.performed_on == date(2026, 11, 26)


def test_plus_away_from_the_ring_says_which_site_it_changed(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    """Space marks a site and the ring moves on; + then acts on the site just marked, and the status bar names it."""
    first = protocol.sites[0]
    qtbot.keyClick(charting.view, Qt.Key.Key_Space)
    assert charting.model.focus_site != first.id, "the ring went on to the next site"
    qtbot.keyClick(charting.view, Qt.Key.Key_Plus)
    units = first.units + protocol.adjust_step_units
    assert charting.model.session.injection(first.id).units == units  # type: ignore[union-attr]
    assert charting.statusBar().currentMessage() == f"{protocol.site_name(first.id, capital=True)}: {units:g} U."
