"""Follow-the-pain at the caps (reference section 2): refused with the way out named, allowed once a deviation
reason is recorded, and then reported as a warning naming the deviation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.rules import BEYOND_CAP, Finding, Level, evaluate, ftp_addition_refusal, signing_blockers
from charting.domain.session import Session
from charting.domain.totals import compute_totals
from tests.sessions import ready_session

REASON = "Bitemporal pain predominant; discussed with the patient"


def add(session: Session, protocol: Protocol, muscle: str, count: int = 1) -> Session:
    """Add follow-the-pain sites to a muscle the way the window does: only when the rules let it."""
    region = next(r for r in protocol.regions if r.muscle == muscle)
    x, y = region.polygon[0]
    for _ in range(count):
        assert ftp_addition_refusal(session, protocol, muscle) is None
        session, _ = marking.add_ftp(session, protocol, muscle, side=region.side, view=region.view, x=x, y=y)
    return session


def by_code(findings: tuple[Finding, ...]) -> dict[str, Finding]:
    return {finding.code: finding for finding in findings}


def assert_refused_with_the_way_out(refusal: Finding | None, code: str, *words: str) -> None:
    assert refusal is not None
    assert (refusal.level, refusal.code) == (Level.REFUSAL, code)
    assert refusal.message.endswith(f"; {BEYOND_CAP}.")
    for word in words:
        assert word in refusal.message


def assert_deviation_warning(session: Session, protocol: Protocol, code: str) -> None:
    findings = evaluate(session, protocol)
    finding = by_code(findings)[code]
    assert finding.level is Level.WARNING
    assert f"off-protocol deviation recorded ({REASON})" in finding.message
    assert signing_blockers(findings) == []


def test_the_second_temporalis_site_fits_the_third_is_refused_naming_the_cap(protocol: Protocol) -> None:
    one = add(ready_session(protocol), protocol, "temporalis")
    assert ftp_addition_refusal(one, protocol, "temporalis") is None
    two = add(one, protocol, "temporalis")
    assert_refused_with_the_way_out(
        ftp_addition_refusal(two, protocol, "temporalis"),
        "ftp_extra_sites",
        "Temporalis",
        "cap of 2 follow-the-pain sites",
    )


def test_with_a_deviation_reason_the_third_temporalis_site_is_added_as_a_warning(protocol: Protocol) -> None:
    two = add(ready_session(protocol), protocol, "temporalis", 2)
    three = add(replace(two, deviation_reason=REASON), protocol, "temporalis")
    temporalis = next(m for m in compute_totals(three, protocol).muscles if m.muscle == "temporalis")
    assert (temporalis.sites, temporalis.units) == (11, 55)
    assert_deviation_warning(three, protocol, "ftp_extra_sites")
    assert_deviation_warning(three, protocol, "muscle_cap")


def test_a_blank_deviation_reason_does_not_lift_a_cap(protocol: Protocol) -> None:
    two = add(ready_session(protocol), protocol, "temporalis", 2)
    assert ftp_addition_refusal(replace(two, deviation_reason="   "), protocol, "temporalis") is not None


def test_a_muscle_without_follow_the_pain_stays_refused_with_a_reason(protocol: Protocol) -> None:
    session = ready_session(protocol, deviation_reason=REASON)
    refusal = ftp_addition_refusal(session, protocol, "frontalis")
    assert refusal is not None
    assert refusal.code == "ftp_not_allowed"


def test_the_units_cap_of_a_muscle_names_the_way_out(protocol: Protocol) -> None:
    session = marking.set_units(ready_session(protocol), "TRA_L_1", 25)
    assert_refused_with_the_way_out(
        ftp_addition_refusal(session, protocol, "trapezius"), "muscle_cap", "Trapezius", "50 U"
    )
    assert ftp_addition_refusal(replace(session, deviation_reason=REASON), protocol, "trapezius") is None


def thirty_eight_sites(protocol: Protocol) -> Session:
    """Seven extra sites with the temporalis one past its cap (so the trapezius still has room): 38 sites."""
    session = add(ready_session(protocol), protocol, "temporalis", 2)
    session = add(replace(session, deviation_reason=REASON), protocol, "temporalis")
    session = add(replace(session, deviation_reason=""), protocol, "occipitalis", 2)
    session = add(session, protocol, "trapezius", 2)
    assert (session.sites_injected, session.units_administered) == (38, 190)
    return session


def test_the_eighth_extra_site_fits_the_ninth_is_refused_at_39_sites(protocol: Protocol) -> None:
    session = thirty_eight_sites(protocol)
    assert ftp_addition_refusal(session, protocol, "trapezius") is None
    session = add(session, protocol, "trapezius")
    assert session.sites_injected == protocol.max_sites == 39
    assert_refused_with_the_way_out(
        ftp_addition_refusal(session, protocol, "trapezius"), "max_sites", "39 sites", "maximum of 39"
    )
    forty = add(replace(session, deviation_reason=REASON), protocol, "trapezius")
    assert forty.sites_injected == 40
    assert_deviation_warning(forty, protocol, "max_sites")


def test_195_units_fit_the_next_site_to_200_is_refused(protocol: Protocol) -> None:
    session = marking.set_units(ready_session(protocol), "FRO_L_1", 10)
    session = add(session, protocol, "temporalis", 2)
    session = add(session, protocol, "occipitalis", 2)
    session = add(session, protocol, "trapezius", 2)
    assert session.units_administered == 190
    assert ftp_addition_refusal(session, protocol, "trapezius") is None
    session = add(session, protocol, "trapezius")
    assert session.units_administered == protocol.max_units == 195
    assert_refused_with_the_way_out(
        ftp_addition_refusal(session, protocol, "trapezius"), "max_units", "200 U", "maximum of 195 U"
    )
    over = add(replace(session, deviation_reason=REASON), protocol, "trapezius")
    assert over.units_administered == 200
    assert_deviation_warning(over, protocol, "max_units")


@pytest.mark.parametrize("muscle", ["temporalis", "occipitalis", "trapezius"])
def test_without_a_reason_a_session_past_a_cap_cannot_be_signed(protocol: Protocol, muscle: str) -> None:
    cap = protocol.ftp_cap(muscle)
    assert cap is not None
    past = add(replace(ready_session(protocol), deviation_reason=REASON), protocol, muscle, cap.extra_sites + 1)
    undone = replace(past, deviation_reason="")
    assert by_code(evaluate(undone, protocol))["ftp_extra_sites"].level is Level.REFUSAL
    assert signing_blockers(evaluate(undone, protocol))
