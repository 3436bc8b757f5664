"""Sites in words: one way to name a site for people (the screen, undo texts, the note); ids stay in the records."""

from __future__ import annotations

import copy
import json
import re

import pytest

from charting.domain import marking
from charting.domain.protocol import Protocol, parse_protocol
from charting.domain.rules import evaluate
from charting.resources import protocol_path
from tests.sessions import ready_session

SITE_ID = re.compile(r"[A-Z]{3}_[LRM]_")
"""What a database site id looks like; no text a person reads may carry one."""


def every_ftp_id(protocol: Protocol) -> list[str]:
    """Every follow-the-pain id a session can hold: each muscle with follow-the-pain, each side, up to its cap."""
    return [
        f"{protocol.ftp_stem(cap.muscle, side)}{number}"
        for cap in protocol.follow_the_pain
        for side in ("left", "right")
        for number in range(1, cap.extra_sites + 1)
    ]


@pytest.mark.parametrize(
    ("site_id", "name"),
    [
        ("OCC_L_3", "left occipitalis, site 3"),
        ("OCC_R_1", "right occipitalis, site 1"),
        ("FRO_R_2", "right frontalis, site 2"),
        ("CPS_L_2", "left cervical paraspinal, site 2"),
        ("TRA_R_3", "right trapezius, site 3"),
        ("PRO_M_1", "procerus"),
        ("COR_L_1", "left corrugator"),
        ("TEM_L_FTP1", "left temporalis, follow-the-pain 1"),
        ("TRA_R_FTP4", "right trapezius, follow-the-pain 4"),
    ],
)
def test_a_site_reads_as_muscle_side_and_number(protocol: Protocol, site_id: str, name: str) -> None:
    assert protocol.site_name(site_id) == name
    assert protocol.site_name(site_id, capital=True) == name[0].upper() + name[1:]


def test_every_fixed_and_follow_the_pain_site_has_its_own_name_and_no_id(protocol: Protocol) -> None:
    ids = [site.id for site in protocol.sites] + every_ftp_id(protocol)
    names = [protocol.site_name(site_id) for site_id in ids]
    assert len(ids) == len(protocol.sites) + 2 * sum(cap.extra_sites for cap in protocol.follow_the_pain)
    assert len(set(names)) == len(names)
    assert [name for name in names if SITE_ID.search(name) or name in ids] == []


def test_the_number_is_the_sites_place_among_its_muscle_and_side_in_protocol_order(protocol: Protocol) -> None:
    """Another clinic's file lists the occipitalis sites in another order: the numbers follow the file, not the ids."""
    data = json.loads(protocol_path("preempt").read_text(encoding="utf-8"))
    reordered = copy.deepcopy(data)
    occipital = [site for site in reordered["sites"] if site["id"].startswith("OCC_L_")]
    rest = [site for site in reordered["sites"] if not site["id"].startswith("OCC_L_")]
    reordered["sites"] = rest + occipital[::-1]
    other = parse_protocol(reordered)
    assert [other.site_name(f"OCC_L_{n}") for n in (3, 2, 1)] == [f"left occipitalis, site {n}" for n in (1, 2, 3)]


def test_follow_the_pain_ids_are_read_back_as_the_marking_makes_them(protocol: Protocol) -> None:
    session = ready_session(protocol)
    for side in ("left", "right"):
        region = next(r for r in protocol.regions if r.muscle == "trapezius" and r.side == side)
        for number in (1, 2):
            x, y = region.polygon[0]
            session, site_id = marking.add_ftp(session, protocol, "trapezius", side=side, view=region.view, x=x, y=y)
            assert protocol.ftp_site(site_id) == ("trapezius", side, number)
    assert protocol.ftp_site("TEM_L_1") is None
    assert protocol.ftp_site("TEM_L_FTPx") is None


def test_an_id_the_protocol_does_not_know_stays_as_it_is(protocol: Protocol) -> None:
    """A site of another protocol's session: its id is the only honest name."""
    assert protocol.site_name("XYZ_L_9") == "XYZ_L_9"


def test_the_rules_name_sites_in_words(protocol: Protocol) -> None:
    session = marking.set_units(ready_session(protocol), "OCC_L_3", 7.5)
    session = marking.set_units(session, "PRO_M_1", 5.25)
    messages = [finding.message for finding in evaluate(session, protocol)]
    assert "Left occipitalis, site 3: 7.5 U instead of the protocol's 5 U." in messages
    assert any(message.startswith("Procerus: 5.25 U is not in 0.5 U steps") for message in messages)
    assert [message for message in messages if SITE_ID.search(message)] == []


def test_refusals_of_marking_name_no_id(protocol: Protocol) -> None:
    session = ready_session(protocol)
    unmarked = marking.unmark(session, "OCC_L_3")
    with pytest.raises(marking.ChangeRefusedError, match=r"^Left occipitalis, site 3 is not marked"):
        marking.step_units(unmarked, protocol, "OCC_L_3", 1)
    for refused in (
        lambda: marking.set_units(unmarked, "OCC_L_3", 10),
        lambda: marking.move_ftp(session, "OCC_L_1", 1, 1),
    ):
        with pytest.raises(marking.ChangeRefusedError) as caught:
            refused()
        assert not SITE_ID.search(str(caught.value))
