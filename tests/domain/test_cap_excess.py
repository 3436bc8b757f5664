"""How far a session goes beyond the caps (reference section 2), and what a deviation reason given for one excess
does not cover: the pure functions the window asks with before a change goes further."""

from __future__ import annotations

from dataclasses import replace

import pytest

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.rules import (
    Excess,
    cap_excess,
    cap_findings,
    excess_beyond,
    excess_sentence,
    widest_excess,
)
from charting.domain.session import Injection, Kind, Session
from tests.sessions import ready_session


def add(session: Session, protocol: Protocol, muscle: str, count: int = 1) -> Session:
    """Follow-the-pain sites in a muscle, alternating left and right (the domain adds them; caps are the rules')."""
    for index in range(count):
        side = ("left", "right")[index % 2]
        region = next(r for r in protocol.regions if r.muscle == muscle and r.side == side)
        x, y = region.polygon[0]
        session, _ = marking.add_ftp(session, protocol, muscle, side=side, view=region.view, x=x, y=y)
    return session


def at_every_cap(protocol: Protocol) -> Session:
    """39 sites, 195 U: every muscle's follow-the-pain sites up to its cap."""
    session = ready_session(protocol)
    for cap in protocol.follow_the_pain:
        session = add(session, protocol, cap.muscle, cap.extra_sites)
    return session


def keys(excess: tuple[Excess, ...]) -> set[tuple[str, str]]:
    return {e.key for e in excess}


def test_at_every_cap_nothing_is_beyond(protocol: Protocol) -> None:
    session = at_every_cap(protocol)
    assert (session.sites_injected, session.units_administered) == (protocol.max_sites, protocol.max_units)
    assert cap_excess(session, protocol) == ()
    assert cap_excess(ready_session(protocol), protocol) == ()


def test_one_site_past_the_temporalis_cap(protocol: Protocol) -> None:
    two = add(ready_session(protocol), protocol, "temporalis", 2)
    assert cap_excess(two, protocol) == ()
    three = add(two, protocol, "temporalis")
    assert cap_excess(three, protocol) == (
        Excess("ftp_extra_sites", "temporalis", 3, 2),
        Excess("muscle_cap", "temporalis", 55, 50),
    )


def test_half_a_unit_past_a_muscle_without_follow_the_pain(protocol: Protocol) -> None:
    at_cap = marking.set_units(ready_session(protocol), "PRO_M_1", 5)
    assert cap_excess(at_cap, protocol) == ()
    past = marking.set_units(at_cap, "PRO_M_1", 5.5)
    assert cap_excess(past, protocol) == (Excess("muscle_cap", "procerus", 5.5, 5),)


def test_the_session_caps_one_past_them(protocol: Protocol) -> None:
    session = add(at_every_cap(protocol), protocol, "temporalis")
    assert keys(cap_excess(session, protocol)) == {
        ("ftp_extra_sites", "temporalis"),
        ("muscle_cap", "temporalis"),
        ("max_units", ""),
        ("max_sites", ""),
    }
    by_key = {e.key: e for e in cap_excess(session, protocol)}
    assert (by_key["max_units", ""].amount, by_key["max_sites", ""].amount) == (200, 40)


def test_a_skipped_site_counts_toward_no_cap(protocol: Protocol) -> None:
    past = marking.set_units(ready_session(protocol), "PRO_M_1", 10)
    assert cap_excess(marking.skip(past, protocol, "PRO_M_1", "Bruise"), protocol) == ()


def test_follow_the_pain_where_it_is_not_allowed(protocol: Protocol) -> None:
    site = protocol.site("FRO_L_1")
    stray = Injection("FRO_L_FTP1", "frontalis", "left", "front", site.x, site.y, 5.0, Kind.FTP)
    session = replace(ready_session(protocol), injections=(*ready_session(protocol).injections, stray))
    assert Excess("ftp_not_allowed", "frontalis", 1, 0) in cap_excess(session, protocol)


def test_the_findings_are_the_excess_in_words(protocol: Protocol) -> None:
    session = add(at_every_cap(protocol), protocol, "temporalis")
    assert [f.code for f in cap_findings(session, protocol)] == [e.code for e in cap_excess(session, protocol)]


# -- what a recorded reason covers -----------------------------------------------------------------------------------


def test_the_same_excess_is_covered_and_one_more_is_not(protocol: Protocol) -> None:
    """The walk-through's case: a reason given for a third temporalis site does not cover a fourth."""
    three = add(ready_session(protocol), protocol, "temporalis", 3)
    covered = cap_excess(three, protocol)
    assert excess_beyond(cap_excess(three, protocol), covered) == ()
    four = add(three, protocol, "temporalis")
    beyond = excess_beyond(cap_excess(four, protocol), covered)
    assert beyond == (Excess("ftp_extra_sites", "temporalis", 4, 2), Excess("muscle_cap", "temporalis", 60, 50))
    assert excess_sentence(beyond[0], protocol) == "Temporalis would have 4 follow-the-pain sites, above its cap of 2."
    assert excess_sentence(beyond[1], protocol) == "Temporalis would have 60 U, above its maximum of 50 U."


def test_less_excess_than_covered_needs_no_question(protocol: Protocol) -> None:
    four = add(ready_session(protocol), protocol, "temporalis", 4)
    three = add(ready_session(protocol), protocol, "temporalis", 3)
    assert excess_beyond(cap_excess(three, protocol), cap_excess(four, protocol)) == ()


def test_a_cap_the_reason_did_not_cover_counts_from_the_cap(protocol: Protocol) -> None:
    """A reason given for the procerus does not cover the temporalis, nor the session's 195 U."""
    procerus = marking.set_units(ready_session(protocol), "PRO_M_1", 10)
    covered = cap_excess(procerus, protocol)
    assert excess_beyond(cap_excess(procerus, protocol), covered) == ()
    plus_half = marking.set_units(procerus, "PRO_M_1", 10.5)
    assert excess_beyond(cap_excess(plus_half, protocol), covered) == (Excess("muscle_cap", "procerus", 10.5, 5),)
    temporalis = add(procerus, protocol, "temporalis", 3)
    assert keys(excess_beyond(cap_excess(temporalis, protocol), covered)) == {
        ("ftp_extra_sites", "temporalis"),
        ("muscle_cap", "temporalis"),
    }


def test_200_units_in_40_sites_is_beyond_a_reason_for_one_site(protocol: Protocol) -> None:
    covered = cap_excess(add(ready_session(protocol), protocol, "temporalis", 3), protocol)
    wide = add(at_every_cap(protocol), protocol, "temporalis")
    sentences = [excess_sentence(e, protocol) for e in excess_beyond(cap_excess(wide, protocol), covered)]
    assert sentences == [
        "The total would be 200 U, above the maximum of 195 U.",
        "The session would have 40 sites, above the maximum of 39.",
    ]


@pytest.mark.parametrize(
    ("excess", "sentence"),
    [
        (
            Excess("ftp_not_allowed", "frontalis", 1, 0),
            "The frontalis would have 1 follow-the-pain site, where follow-the-pain is not allowed.",
        ),
        (
            Excess("ftp_not_allowed", "frontalis", 2, 0),
            "The frontalis would have 2 follow-the-pain sites, where follow-the-pain is not allowed.",
        ),
        (Excess("muscle_cap", "procerus", 7.5, 5), "Procerus would have 7.5 U, above its maximum of 5 U."),
    ],
)
def test_sentences(protocol: Protocol, excess: Excess, sentence: str) -> None:
    assert excess_sentence(excess, protocol) == sentence


def test_the_widest_excess_of_two_keeps_each_caps_largest() -> None:
    one = (Excess("muscle_cap", "procerus", 10, 5), Excess("max_units", "", 200, 195))
    two = (Excess("muscle_cap", "procerus", 7.5, 5), Excess("max_sites", "", 40, 39))
    assert widest_excess(one, two) == (*one, two[1])
    assert widest_excess(two, one) == (one[0], two[1], one[1])
    assert widest_excess() == ()
