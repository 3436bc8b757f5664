"""Follow-the-pain sites go to the nearest free spot of their region: inside it, clear of every marker, whole."""

from __future__ import annotations

import math
import time
from itertools import product

import pytest

from charting.domain import marking
from charting.domain.marking import MARKER_CLEARANCE_UNITS, MARKER_EDGE_UNITS, SPOT_STEP_UNITS
from charting.domain.protocol import Protocol, Region
from charting.domain.rules import ftp_addition_refusal
from charting.domain.session import Kind, Session
from tests.sessions import SERVICE_DATE, ready_session

CLEAR = MARKER_CLEARANCE_UNITS


def region(protocol: Protocol, muscle: str, side: str) -> Region:
    found = marking.ftp_region(protocol, muscle, side)
    assert found is not None
    return found


def centre(region: Region) -> tuple[float, float]:
    xs, ys = zip(*region.polygon, strict=True)
    return sum(xs) / len(xs), sum(ys) / len(ys)


def nearest_marker(session: Session, protocol: Protocol, view: str, x: float, y: float) -> float:
    points = [(s.x, s.y) for s in protocol.sites if s.view == view]
    points += [(i.x, i.y) for i in session.injections if i.kind is Kind.FTP and i.view == view]
    return min(math.dist((x, y), point) for point in points)


def is_free(session: Session, protocol: Protocol, area: Region, x: float, y: float) -> bool:
    """Inside the region, the edge margin inside the view, and clear of every marker of the view."""
    view, margin = protocol.view(area.view), MARKER_EDGE_UNITS
    return (
        area.contains(x, y)
        and margin <= x <= view.width - margin
        and margin <= y <= view.height - margin
        and nearest_marker(session, protocol, area.view, x, y) >= CLEAR
    )


def add(session: Session, protocol: Protocol, area: Region, spot: tuple[float, float]) -> Session:
    new, _ = marking.add_ftp(session, protocol, area.muscle, side=area.side, view=area.view, x=spot[0], y=spot[1])
    return new


def test_a_free_click_stays_where_it_is(protocol: Protocol) -> None:
    session = ready_session(protocol)
    area = region(protocol, "occipitalis", "left")
    spot = marking.roomiest_spot(session, protocol, area, clearance=CLEAR)
    assert spot is not None
    x, y = spot[0] + 0.3, spot[1] - 0.2
    assert marking.free_spot(session, protocol, area, x, y, clearance=CLEAR) == (x, y)


def click_on_a_site(protocol: Protocol, muscle: str, side: str) -> tuple[Session, Region, float, float]:
    """A charted session, the muscle's region on that side, and a click on its first fixed site's marker."""
    session = ready_session(protocol)
    site = next(s for s in protocol.sites if s.muscle == muscle and s.side == side)
    return session, region(protocol, muscle, side), site.x + 4, site.y + 3


@pytest.mark.parametrize(("muscle", "side"), [("occipitalis", "left"), ("trapezius", "right"), ("temporalis", "left")])
def test_a_crowded_click_goes_to_the_nearest_free_spot_of_the_region(
    protocol: Protocol, muscle: str, side: str
) -> None:
    session, area, x, y = click_on_a_site(protocol, muscle, side)
    spot = marking.free_spot(session, protocol, area, x, y, clearance=CLEAR)
    assert spot is not None
    assert is_free(session, protocol, area, *spot)
    assert nearest_marker(session, protocol, area.view, *spot) >= CLEAR
    # no free point of a fine grid is nearer the click by more than the search grid's spacing
    view = protocol.view(area.view)
    fine = [
        (i / 2, j / 2)
        for i, j in product(range(int(view.width) * 2 + 1), range(int(view.height) * 2 + 1))
        if is_free(session, protocol, area, i / 2, j / 2)
    ]
    best = min(math.dist((x, y), point) for point in fine)
    assert math.dist((x, y), spot) <= best + SPOT_STEP_UNITS * math.sqrt(0.5) + 1e-9


def test_a_click_by_the_view_edge_comes_inside_it_so_the_marker_shows_whole(protocol: Protocol) -> None:
    session = ready_session(protocol)
    area = region(protocol, "trapezius", "right")
    x, y = 389.0, 294.0  # inside the region, in the panel's corner (the walk-through's cut diamond)
    assert area.contains(x, y)
    spot = marking.free_spot(session, protocol, area, x, y, clearance=CLEAR)
    assert spot is not None
    view = protocol.view(area.view)
    assert MARKER_EDGE_UNITS <= spot[0] <= view.width - MARKER_EDGE_UNITS
    assert MARKER_EDGE_UNITS <= spot[1] <= view.height - MARKER_EDGE_UNITS


def test_a_full_region_has_no_spot(protocol: Protocol) -> None:
    session = ready_session(protocol)
    area = region(protocol, "occipitalis", "left")
    assert marking.free_spot(session, protocol, area, *centre(area), clearance=400.0) is None
    assert marking.roomiest_spot(session, protocol, area, clearance=400.0) is None
    everywhere = marking.free_spot(session, protocol, area, *centre(area), clearance=CLEAR, margin=200.0)
    assert everywhere is None, "no point of the region is that far inside the view"


def test_the_moved_site_does_not_crowd_itself(protocol: Protocol) -> None:
    session = ready_session(protocol)
    area = region(protocol, "temporalis", "right")
    spot = marking.roomiest_spot(session, protocol, area, clearance=CLEAR)
    assert spot is not None
    session, site_id = marking.add_ftp(
        session, protocol, "temporalis", side="right", view=area.view, x=spot[0], y=spot[1]
    )
    assert marking.free_spot(session, protocol, area, *spot, clearance=CLEAR) != spot
    assert marking.free_spot(session, protocol, area, *spot, clearance=CLEAR, ignore=site_id) == spot


def test_the_roomiest_spot_is_free_and_farthest_from_the_markers(protocol: Protocol) -> None:
    session = ready_session(protocol)
    for area in protocol.regions:
        spot = marking.roomiest_spot(session, protocol, area, clearance=CLEAR)
        assert spot is not None, area
        assert is_free(session, protocol, area, *spot)
        room = nearest_marker(session, protocol, area.view, *spot)
        for x, y in [(x, y) for x in range(0, 401, 5) for y in range(0, 301, 5)]:
            if is_free(session, protocol, area, x, y):
                assert nearest_marker(session, protocol, area.view, x, y) <= room + SPOT_STEP_UNITS


@pytest.mark.parametrize(
    "plan",
    [
        {
            ("temporalis", "left"): 1,
            ("temporalis", "right"): 1,
            ("occipitalis", "left"): 1,
            ("occipitalis", "right"): 1,
            ("trapezius", "left"): 2,
            ("trapezius", "right"): 2,
        },
        {("temporalis", "left"): 2, ("occipitalis", "right"): 2, ("trapezius", "right"): 4},
        {("temporalis", "right"): 2, ("occipitalis", "left"): 2, ("trapezius", "left"): 4},
    ],
    ids=["both sides", "all right", "all left"],
)
def test_the_eight_sites_at_their_caps_all_fit_by_clicks_at_the_region_centres(
    protocol: Protocol, plan: dict[tuple[str, str], int]
) -> None:
    session = ready_session(protocol)
    for (muscle, side), count in plan.items():
        area = region(protocol, muscle, side)
        for _ in range(count):
            assert ftp_addition_refusal(session, protocol, muscle) is None
            spot = marking.free_spot(session, protocol, area, *centre(area), clearance=CLEAR)
            assert spot is not None, (muscle, side, len(session.injections))
            assert is_free(session, protocol, area, *spot)
            session = add(session, protocol, area, spot)
    ftp = [i for i in session.injections if i.kind is Kind.FTP]
    assert len(ftp) == 8
    for muscle in ("temporalis", "occipitalis", "trapezius"):
        assert ftp_addition_refusal(session, protocol, muscle) is not None, "every cap is reached"


def test_a_search_in_a_full_region_is_quick(protocol: Protocol) -> None:
    session = ready_session(protocol)
    area = region(protocol, "trapezius", "left")
    marking.free_spot(session, protocol, area, 0, 0, clearance=CLEAR)  # the region's grid, made once
    start = time.perf_counter()
    assert marking.free_spot(session, protocol, area, 0, 0, clearance=400.0) is None
    assert time.perf_counter() - start < 0.1, "a click is answered at once even when nothing is free"


def test_an_empty_session_counts_the_fixed_sites_even_unmarked(protocol: Protocol) -> None:
    session = Session(performed_on=SERVICE_DATE)
    area = region(protocol, "occipitalis", "right")
    site = next(s for s in protocol.sites if s.muscle == "occipitalis" and s.side == "right")
    spot = marking.free_spot(session, protocol, area, site.x, site.y, clearance=CLEAR)
    assert spot is not None and math.dist(spot, (site.x, site.y)) >= CLEAR


@pytest.mark.parametrize(("muscle", "side"), [("occipitalis", "right"), ("trapezius", "left")])
def test_a_spot_farther_than_within_is_not_offered(protocol: Protocol, muscle: str, side: str) -> None:
    session, area, x, y = click_on_a_site(protocol, muscle, side)
    nearest = marking.free_spot(session, protocol, area, x, y, clearance=CLEAR)
    assert nearest is not None
    reach = math.dist(nearest, (x, y))
    assert marking.free_spot(session, protocol, area, x, y, clearance=CLEAR, within=reach) == nearest
    assert marking.free_spot(session, protocol, area, x, y, clearance=CLEAR, within=reach - 0.01) is None


def test_a_free_point_is_its_own_spot_whatever_the_limit(protocol: Protocol) -> None:
    session = ready_session(protocol)
    area = region(protocol, "trapezius", "right")
    spot = marking.roomiest_spot(session, protocol, area, clearance=CLEAR)
    assert spot is not None
    assert marking.free_spot(session, protocol, area, *spot, clearance=CLEAR, within=0.0) == spot
