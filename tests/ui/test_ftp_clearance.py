"""Follow-the-pain diamonds never cover another marker: hit targets stay apart in screen pixels at the view's scale."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, Qt
from pytestqt.qtbot import QtBot

from charting.domain import marking
from charting.domain.protocol import Protocol, Region
from charting.domain.session import Kind
from charting.ui import style
from charting.ui.window import MainWindow
from tests.ui.test_charting_window import click_diagram, click_site, edge_distance, free_point


def trapezius(protocol: Protocol) -> Region:
    return next(r for r in protocol.regions if r.muscle == "trapezius" and r.side == "left")


def nearest_marker(protocol: Protocol, view: str, x: float, y: float) -> tuple[float, str]:
    return min((math.dist((x, y), (s.x, s.y)), s.id) for s in protocol.sites if s.view == view)


EDGE = 30
"""Diagram units from a view's edge beyond any marker margin the window keeps at 1366x768 and larger."""


def point_at_distance(
    protocol: Protocol,
    region: Region,
    low: float,
    high: float,
    also: Callable[[float, float], bool] = lambda x, y: True,
) -> tuple[float, float]:
    """A point well inside the region and the view whose nearest fixed site is between low and high diagram units away
    (and for which ``also`` holds)."""
    for i in range(0, 801):
        for j in range(0, 601):
            x, y = i / 2, j / 2
            if (
                region.contains(x, y)
                and edge_distance(region, x, y) >= 3
                and EDGE <= x <= 400 - EDGE
                and EDGE <= y <= 300 - EDGE
                and low <= nearest_marker(protocol, region.view, x, y)[0] <= high
                and also(x, y)
            ):
                return x, y
    raise AssertionError("no such point in the region")


def viewport_point(window: MainWindow, view: str, x: float, y: float) -> QPoint:
    panel = window.scene.panels[view]
    return window.view.mapFromScene(panel.mapToScene(QPointF(x, y)))


def ftp_sites(window: MainWindow) -> list[str]:
    return [inj.site_id for inj in window.model.session.injections if inj.kind is Kind.FTP]


def test_the_clearance_constant_covers_the_hit_targets_at_1366x768(charting: MainWindow) -> None:
    assert charting.view.marker_clearance() <= marking.MARKER_CLEARANCE_UNITS
    assert charting.view.marker_clearance() * charting.view.transform().m11() == style.HIT_DIAMETER_PX


def test_a_click_over_a_marker_in_ftp_mode_acts_on_that_marker(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    charting.model.set_ftp_mode(True)
    click_site(qtbot, charting, "TRA_L_2")
    assert ftp_sites(charting) == [] and charting.model.session.injection("TRA_L_2") is not None
    click_site(qtbot, charting, "TRA_L_2")
    assert charting.model.session.injections == (), "a second click unmarks it, still no new site"


def test_a_click_whose_target_would_overlap_a_marker_places_the_site_beside_it(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    region = trapezius(protocol)
    scale = charting.view.transform().m11()
    # outside the marker's own hit target (a click there would act on it) but inside a target's width of it
    low, high = (style.HIT_DIAMETER_PX / 2 + 3) / scale, (style.HIT_DIAMETER_PX - 3) / scale
    clearance, margin = charting.view.marker_clearance(), charting.view.marker_margin()

    def has_room_near(x: float, y: float) -> bool:
        spot = marking.free_spot(charting.model.session, protocol, region, x, y, clearance=clearance, margin=margin)
        return spot is not None and math.dist(spot, (x, y)) <= clearance

    x, y = point_at_distance(protocol, region, low, high, has_room_near)
    assert charting.view.marker_at(QPointF(viewport_point(charting, region.view, x, y))) is None
    charting.model.set_ftp_mode(True)
    click_diagram(qtbot, charting, region.view, x, y)
    (site_id,) = ftp_sites(charting)
    placed = charting.model.session.injection(site_id)
    assert placed is not None and (placed.muscle, placed.side) == ("trapezius", "left")
    assert region.contains(placed.x, placed.y)
    assert nearest_marker(protocol, region.view, placed.x, placed.y)[0] >= charting.view.marker_clearance()
    assert math.dist((x, y), (placed.x, placed.y)) <= clearance, "beside the click, a marker's width away at most"
    assert charting.statusBar().currentMessage() == "Placed at the nearest free spot in the left trapezius."
    assert charting.notice.isHidden(), "not a refusal"


def test_the_distance_is_measured_in_screen_pixels_at_the_current_scale(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    region = trapezius(protocol)
    small = charting.view.transform().m11()
    x, y = point_at_distance(protocol, region, 28 / small, 31 / small)  # under a target's width at 1366x768
    charting.model.set_ftp_mode(True)
    click_diagram(qtbot, charting, region.view, x, y)
    (moved,) = ftp_sites(charting)
    placed = charting.model.session.injection(moved)
    assert placed is not None and (placed.x, placed.y) != (x, y), "moved clear of the marker"
    charting.model.undo_stack.undo()
    charting.resize(2400, 1400)
    qtbot.waitUntil(lambda: charting.view.transform().m11() * 28 / small >= style.HIT_DIAMETER_PX + 1)
    click_diagram(qtbot, charting, region.view, x, y)
    (kept,) = ftp_sites(charting)
    placed = charting.model.session.injection(kept)
    assert placed is not None
    assert math.dist((placed.x, placed.y), (x, y)) < 0.2, "the same spot is free when the diagram is drawn larger"


def drag(qtbot: QtBot, window: MainWindow, site_id: str, to: tuple[str, float, float]) -> None:
    """Drag a follow-the-pain site's diamond to a point of a view."""
    view, x, y = to
    viewport = window.view.viewport()
    begin = window.view.viewport_pos(site_id).toPoint()
    end = viewport_point(window, view, x, y)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=begin)
    qtbot.mouseMove(viewport, begin + QPoint(6, 0))
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def test_a_drag_onto_another_marker_snaps_to_the_nearest_free_spot(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    region = next(r for r in protocol.regions if r.muscle == "temporalis")
    charting.model.set_ftp_mode(True)
    click_diagram(qtbot, charting, region.view, *free_point(protocol, region, []))
    (site_id,) = ftp_sites(charting)
    fixed = next(s for s in protocol.sites if s.view == region.view and s.muscle == "temporalis")
    target = (fixed.x + 6, fixed.y + 6)
    assert region.contains(*target)
    drag(qtbot, charting, site_id, (region.view, *target))
    injection = charting.model.session.injection(site_id)
    assert injection is not None
    clearance = charting.view.marker_clearance()
    assert nearest_marker(protocol, region.view, injection.x, injection.y)[0] >= clearance
    assert math.dist(target, (injection.x, injection.y)) <= clearance, "snapped beside the drop"
    assert charting.scene.marker(site_id).pos() == QPointF(injection.x, injection.y), "drawn where it is"
    assert charting.statusBar().currentMessage() == "Moved to the nearest free spot in the left temporalis."


def test_a_drag_out_of_the_region_puts_the_site_back(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    region = next(r for r in protocol.regions if r.muscle == "temporalis")
    charting.model.set_ftp_mode(True)
    click_diagram(qtbot, charting, region.view, *free_point(protocol, region, []))
    (site_id,) = ftp_sites(charting)
    placed = charting.model.session.injection(site_id)
    assert placed is not None
    drag(qtbot, charting, site_id, (region.view, 60, 250))  # the neck: far from the temporalis
    assert charting.model.session.injection(site_id) == placed, "put back"
    assert charting.scene.marker(site_id).pos() == QPointF(placed.x, placed.y), "the diamond is drawn where it was"
    assert charting.notice.text() == (
        f"The {protocol.site_name(site_id)} must stay inside the left temporalis region; it was put back."
    )


def test_sites_added_by_clicks_never_overlap_a_marker(charting: MainWindow, protocol: Protocol, qtbot: QtBot) -> None:
    charting.model.set_ftp_mode(True)
    for region in protocol.regions:
        for x in range(0, 401, 7):
            for y in range(0, 301, 7):
                if region.contains(x, y):
                    click_diagram(qtbot, charting, region.view, x, y)
    assert ftp_sites(charting), "some spots are free"
    view = charting.view
    centres = {
        site_id: QPointF(view.mapFromScene(marker.scenePos())) for site_id, marker in charting.scene.markers.items()
    }
    for site_id in ftp_sites(charting):
        for other, centre in centres.items():
            if (
                other != site_id
                and charting.scene.marker(other).parentItem() is charting.scene.marker(site_id).parentItem()
            ):
                gap = math.dist((centre.x(), centre.y()), (centres[site_id].x(), centres[site_id].y()))
                assert gap >= style.HIT_DIAMETER_PX - 1.5, (site_id, other, gap)  # view pixels, rounded to whole pixels


def test_a_drop_by_the_view_edge_with_no_free_spot_near_is_too_close_and_put_back(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    region = next(r for r in protocol.regions if r.muscle == "trapezius" and r.side == "right")
    model = charting.model
    model.set_ftp_mode(True)
    click_diagram(qtbot, charting, region.view, *free_point(protocol, region, []))
    (site_id,) = ftp_sites(charting)
    placed = model.session.injection(site_id)
    assert placed is not None
    corner = (389.0, 294.0)  # inside the region, in the view's corner: its free spots are far from here
    assert region.contains(*corner)
    assert model.move_ftp(site_id, *corner, charting.view.marker_clearance(), charting.view.marker_margin()) is False
    assert model.session.injection(site_id) == placed, "put back"
    assert charting.notice.text() == (
        f"Too close to the edge of the back view; the {protocol.site_name(site_id)} was put back. "
        "Drag it to a free spot in the right trapezius."
    )
