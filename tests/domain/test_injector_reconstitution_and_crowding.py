"""Rules added after the walk-through: the injector is named, the vial is not mixed in the future; marker crowding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.rules import CLOCK_SKEW, Finding, Level, evaluate, signing_blockers
from charting.domain.session import Session
from tests.sessions import ready_session

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def found(findings: tuple[Finding, ...], code: str) -> Finding | None:
    return next((finding for finding in findings if finding.code == code), None)


def test_a_ready_session_names_its_injector_and_signs(protocol: Protocol) -> None:
    assert signing_blockers(evaluate(ready_session(protocol), protocol, now=NOW)) == []


@pytest.mark.parametrize("injector", ["", "   "])
def test_no_injector_refuses_signing_with_what_to_do(protocol: Protocol, injector: str) -> None:
    finding = found(evaluate(ready_session(protocol, injector=injector), protocol, now=NOW), "injector_missing")
    assert finding is not None and finding.level is Level.REFUSAL
    assert finding.message.startswith("Choose the injector")


@pytest.mark.parametrize(
    ("ahead", "refused"),
    [
        (timedelta(days=2), True),
        (timedelta(minutes=5, seconds=1), True),
        (CLOCK_SKEW, False),
        (timedelta(minutes=1), False),
        (timedelta(0), False),
        (-timedelta(hours=1), False),
    ],
)
def test_a_reconstitution_later_than_now_is_refused_beyond_the_clock_skew(
    protocol: Protocol, ahead: timedelta, refused: bool
) -> None:
    session = ready_session(protocol, reconstituted_at=NOW + ahead)
    finding = found(evaluate(session, protocol, now=NOW), "reconstitution_future")
    assert (finding is not None) is refused
    if finding is not None:
        assert finding.level is Level.REFUSAL
        assert "later than now" in finding.message and "correct the reconstitution time" in finding.message


def test_a_future_reconstitution_in_naive_local_time_is_refused(protocol: Protocol) -> None:
    now = datetime(2026, 11, 25, 10, 0)
    session = ready_session(protocol, reconstituted_at=now + timedelta(days=2))
    finding = found(evaluate(session, protocol, now=now), "reconstitution_future")
    assert finding is not None and "2026-11-27 10:00" in finding.message


def test_without_now_no_time_rule_applies(protocol: Protocol) -> None:
    session = ready_session(protocol, reconstituted_at=NOW + timedelta(days=2))
    assert found(evaluate(session, protocol), "reconstitution_future") is None


def test_crowding_names_the_nearest_marker_within_the_clearance(protocol: Protocol) -> None:
    site = protocol.site("TRA_L_2")
    session = Session(performed_on=NOW.date())
    clearance = marking.MARKER_CLEARANCE_UNITS
    assert marking.crowding_site(session, protocol, site.view, site.x, site.y, clearance=clearance) == "TRA_L_2"
    assert marking.crowding_site(session, protocol, site.view, site.x + 3, site.y, clearance=clearance) == "TRA_L_2"
    assert marking.crowding_site(session, protocol, site.view, site.x, site.y, clearance=0.0) == "", (
        "no clearance, no refusal"
    )
    assert marking.crowding_site(session, protocol, "front", site.x, site.y, clearance=1.0) == "", (
        "other views do not count"
    )


def test_crowding_counts_follow_the_pain_sites_but_not_the_one_moved(protocol: Protocol) -> None:
    region = next(r for r in protocol.regions if r.muscle == "temporalis")
    session = Session(performed_on=NOW.date())
    far = max(
        ((x, y) for x in range(0, 401, 4) for y in range(0, 301, 4) if region.contains(x, y)),
        key=lambda p: min(abs(p[0] - s.x) + abs(p[1] - s.y) for s in protocol.sites if s.view == region.view),
    )
    assert marking.crowding_site(session, protocol, region.view, *far, clearance=10.0) == ""
    session, ftp = marking.add_ftp(
        session, protocol, "temporalis", side=region.side, view=region.view, x=far[0], y=far[1]
    )
    assert marking.crowding_site(session, protocol, region.view, far[0] + 2, far[1], clearance=10.0) == ftp
    assert marking.crowding_site(session, protocol, region.view, far[0] + 2, far[1], clearance=10.0, ignore=ftp) == ""
