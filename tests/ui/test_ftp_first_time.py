"""Follow-the-pain sites go where the injector means, first time: a crowded click lands beside the marker (a marker's
width from the click at most) or is refused with what to do, a key adds one where there is room, and no diamond is cut
by its view's edge."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from pytestqt.qtbot import QtBot

from charting.domain import marking
from charting.domain.protocol import Protocol, Region
from charting.domain.session import Kind
from charting.ui import style
from charting.ui.diagram import SiteMarker
from charting.ui.window import MainWindow
from tests.ui.conftest import save_screenshot
from tests.ui.test_charting_window import click_diagram


def region(protocol: Protocol, muscle: str, side: str) -> Region:
    found = marking.ftp_region(protocol, muscle, side)
    assert found is not None
    return found


def ftp_sites(window: MainWindow) -> list[str]:
    return [inj.site_id for inj in window.model.session.injections if inj.kind is Kind.FTP]


def viewport_rect(window: MainWindow, view: str) -> QRectF:
    """A view's panel on the viewport, in pixels."""
    panel = window.scene.panels[view]
    return window.view.mapFromScene(panel.sceneBoundingRect()).boundingRect().toRectF()


def drawn_rect(window: MainWindow, site_id: str) -> QRectF:
    """The rectangle a marker is drawn in (a follow-the-pain diamond with its outline), on the viewport."""
    centre = window.view.viewport_pos(site_id)
    r = SiteMarker.DRAWN_HALF_PX
    return QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)


def assert_clear_and_whole(window: MainWindow, site_id: str) -> None:
    """The site is inside its region, clear of every other marker of its view, and drawn whole inside its panel."""
    injection = window.model.session.injection(site_id)
    assert injection is not None
    assert window.model.protocol.region_at(injection.view, injection.x, injection.y) is not None
    centre = window.view.viewport_pos(site_id)
    for other, marker in window.scene.markers.items():
        if other != site_id and marker.parentItem() is window.scene.marker(site_id).parentItem():
            gap = math.dist(
                (centre.x(), centre.y()), (window.view.viewport_pos(other).x(), window.view.viewport_pos(other).y())
            )
            assert gap >= style.HIT_DIAMETER_PX - 1.5, (site_id, other, gap)
    assert viewport_rect(window, injection.view).contains(drawn_rect(window, site_id)), site_id


def beside(window: MainWindow, protocol: Protocol, site_id: str, pixels: float, degrees: float) -> tuple[float, float]:
    """A point of a fixed site's view ``pixels`` from its centre on the screen, in diagram units."""
    site = protocol.site(site_id)
    scale = window.view.transform().m11()
    angle = math.radians(degrees)
    return site.x + pixels / scale * math.cos(angle), site.y + pixels / scale * math.sin(angle)


def too_close(crowded: str, place: str) -> str:
    """The sentence refusing a click with no free spot near it."""
    return (
        f"Too close to {crowded}, and no free spot near it; click a free spot in the {place} region, or press A to add "
        "one where it has room and drag it to the point of pain."
    )


def test_the_second_occipital_site_lands_beside_the_click_wherever_the_walkthrough_clicked(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    """One click adds it within a marker's width of the click; where the region has no free spot that near (the right
    occipitalis is crowded: some spots beside its markers are 40-55 units from the nearest free one), the click is
    refused with what to do, and the key then adds it with one press."""
    model = charting.model
    model.apply_protocol()
    model.set_ftp_mode(True)
    left = region(protocol, "occipitalis", "left")
    click_diagram(qtbot, charting, left.view, 178.0, 88.0)  # the walk-through's first occipital site, by OCC_L_1
    assert len(ftp_sites(charting)) == 1
    right = region(protocol, "occipitalis", "right")
    # where the walk-through clicked for the second: beside each right occipital marker (just off its hit target,
    # on every side) and in the gaps between them
    spots = [
        beside(charting, protocol, site_id, style.HIT_DIAMETER_PX / 2 + 3, degrees)
        for site_id in ("OCC_R_1", "OCC_R_2", "OCC_R_3")
        for degrees in range(0, 360, 45)
    ]
    spots += [(262.0, 78.0), (245.0, 87.0), (266.0, 104.0), (255.0, 40.0), (290.0, 70.0)]
    spots = [spot for spot in spots if right.contains(*spot)]
    assert len(spots) >= 15
    clearance = charting.view.marker_clearance()
    landed = 0
    for x, y in spots:
        click_diagram(qtbot, charting, right.view, x, y)
        added = ftp_sites(charting)
        if len(added) == 1:  # refused: the ring is on the right occipitalis, and the key adds the site there
            crowded = marking.crowding_site(model.session, protocol, right.view, x, y, clearance=clearance)
            assert crowded.startswith("OCC_R_"), (x, y)
            assert charting.notice.text() == too_close(f"the {protocol.site_name(crowded)}", "right occipitalis")
            assert model.session.injection(model.focus_site) is not None
            qtbot.keyClick(charting.view, Qt.Key.Key_A)
            added = ftp_sites(charting)
        else:
            landed += 1
            site = model.session.injection(added[1])
            assert site is not None and math.dist((site.x, site.y), (x, y)) <= clearance, ("beside the click", x, y)
        assert len(added) == 2, ("one click, or a click and the key", x, y, charting.notice.text())
        site = model.session.injection(added[1])
        assert site is not None and (site.muscle, site.side) == ("occipitalis", "right")
        assert_clear_and_whole(charting, added[1])
        model.undo_stack.undo()
    assert landed >= 2 * len(spots) // 3, "most clicks beside the markers land at once"
    save_screenshot(charting, "ftp-first-time-occipital")


def test_a_click_far_from_any_free_spot_is_refused_with_what_to_do(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    model = charting.model
    model.apply_protocol()
    model.set_ftp_mode(True)
    right = region(protocol, "occipitalis", "right")
    site = protocol.site("OCC_R_1")
    x, y = beside(charting, protocol, "OCC_R_1", style.HIT_DIAMETER_PX / 2 + 3, 0)  # between its markers, by the edge
    nearest = marking.free_spot(
        model.session,
        protocol,
        right,
        x,
        y,
        clearance=charting.view.marker_clearance(),
        margin=charting.view.marker_margin(),
    )
    assert nearest is not None and math.dist(nearest, (x, y)) > 1.3 * charting.view.marker_clearance()
    model.set_focus("TEM_L_1")
    click_diagram(qtbot, charting, right.view, x, y)
    assert ftp_sites(charting) == [], "not recorded far from where the injector clicked"
    assert charting.notice.text() == too_close(f"the {protocol.site_name(site.id)}", "right occipitalis")
    assert model.focus_site == "OCC_R_1", "the key now adds to the region clicked"
    qtbot.keyClick(charting.view, Qt.Key.Key_A)
    (added,) = ftp_sites(charting)
    assert added.startswith("OCC_R_")
    assert charting.statusBar().currentMessage() == (
        "Added a follow-the-pain site in the right occipitalis; drag it to the point of pain."
    )


def test_the_key_adds_a_site_to_the_ringed_muscle_where_it_has_most_room(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    model = charting.model
    model.set_focus("OCC_R_2")
    qtbot.keyClick(charting.view, Qt.Key.Key_A)
    assert ftp_sites(charting) == []
    assert charting.notice.text().startswith("Turn on follow-the-pain mode (F) first")
    qtbot.keyClick(charting.view, Qt.Key.Key_F)
    assert model.ftp_mode
    qtbot.keyClick(charting.view, Qt.Key.Key_A)
    (added,) = ftp_sites(charting)
    site = model.session.injection(added)
    assert site is not None and (site.muscle, site.side, site.view) == ("occipitalis", "right", "back")
    assert_clear_and_whole(charting, added)
    assert charting.statusBar().currentMessage() == (
        "Added a follow-the-pain site in the right occipitalis; drag it to the point of pain."
    )
    model.set_focus("TRA_L_3")
    for _ in range(4):
        qtbot.keyClick(charting.view, Qt.Key.Key_Insert)
    trapezius = [s for s in ftp_sites(charting) if s.startswith("TRA")]
    assert len(trapezius) == 4, "the trapezius's four follow-the-pain sites, all on the left, by key alone"
    for site_id in trapezius:
        assert_clear_and_whole(charting, site_id)
    model.set_focus(next(s.id for s in protocol.sites if s.muscle == "frontalis"))
    qtbot.keyClick(charting.view, Qt.Key.Key_A)
    assert len(ftp_sites(charting)) == 5
    assert charting.notice.text() == (
        "Move the ring to an occipitalis, temporalis or trapezius site (arrows), then add its follow-the-pain site."
    )
    assert "Add follow-the-pain site" in " ".join(a.text() for a in charting.chart_actions), "in the Chart menu"


def test_no_marker_is_cut_by_its_view_edge(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    charting.model.set_ftp_mode(True)
    corners = {
        ("trapezius", "right"): [(389.0, 294.0), (214.0, 294.0)],
        ("trapezius", "left"): [(11.0, 294.0), (186.0, 294.0)],
    }
    corners[("temporalis", "left")] = [(325.0, 112.0)]
    corners[("temporalis", "right")] = [(75.0, 112.0)]
    corners[("occipitalis", "left")] = [(148.0, 32.0)]
    corners[("occipitalis", "right")] = [(252.0, 32.0)]
    # the trapezius's outer corners are a marker's width and more from any free spot (its third site fills that
    # end): a click there is refused rather than recorded far from where it was made
    refused = {(389.0, 294.0), (11.0, 294.0)}
    clearance = charting.view.marker_clearance()
    for (muscle, side), points in corners.items():
        area = region(protocol, muscle, side)
        for x, y in points:
            assert area.contains(x, y)
            before = ftp_sites(charting)
            click_diagram(qtbot, charting, area.view, x, y)
            added = [site_id for site_id in ftp_sites(charting) if site_id not in before]
            if (x, y) in refused:
                assert added == [], (x, y)
                assert charting.notice.text() == too_close("the edge of the back view", f"{side} {muscle}")
            else:
                (site_id,) = added
                placed = charting.model.session.injection(site_id)
                assert placed is not None and math.dist((placed.x, placed.y), (x, y)) <= clearance, (x, y)
    assert len(ftp_sites(charting)) == 6, charting.notice.text()
    for site_id in ftp_sites(charting):
        assert_clear_and_whole(charting, site_id)
    for site_id in charting.scene.markers:
        view = charting.scene.marker(site_id).parentItem()
        assert viewport_rect(charting, view.view_id).contains(drawn_rect(charting, site_id)), site_id  # type: ignore[attr-defined]
    save_screenshot(charting, "ftp-first-time-edges")


def test_a_drag_to_the_edge_stays_whole_inside_the_view(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    area = region(protocol, "trapezius", "right")
    charting.model.set_ftp_mode(True)
    click_diagram(qtbot, charting, area.view, 300.0, 280.0)
    (site_id,) = ftp_sites(charting)
    viewport = charting.view.viewport()
    begin = charting.view.viewport_pos(site_id).toPoint()
    panel = charting.scene.panels[area.view]
    edge = charting.view.mapFromScene(panel.mapToScene(QPointF(215.0, 299.5)))  # on the view's bottom edge
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=begin)
    qtbot.mouseMove(viewport, begin + QPoint(6, 0))
    qtbot.mouseMove(viewport, edge)
    assert viewport_rect(charting, area.view).contains(drawn_rect(charting, site_id)), "whole while dragged"
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=edge)
    injection = charting.model.session.injection(site_id)
    assert injection is not None
    assert math.dist((injection.x, injection.y), (215.0, 299.5)) < 25, "moved to the edge, kept inside it"
    assert_clear_and_whole(charting, site_id)


def test_a_region_without_room_refuses_with_a_sentence(charting: MainWindow, protocol: Protocol) -> None:
    area = region(protocol, "occipitalis", "left")
    model = charting.model
    model.set_ftp_mode(True)
    x, y = 178.0, 88.0
    assert model.add_ftp_at(area.view, x, y, clearance=300.0) == ""
    assert charting.notice.text() == (
        "The left occipitalis has no free spot left for a follow-the-pain site; enlarge the window to make room, "
        "or place the site on the other side or in another muscle."
    )
    assert model.session.injections == ()
