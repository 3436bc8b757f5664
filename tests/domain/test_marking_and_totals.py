"""Marking sites and the totals the panel and the note show."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charting.domain import marking
from charting.domain.marking import ChangeRefusedError
from charting.domain.protocol import Protocol
from charting.domain.session import Kind, Session, Status, content_hash
from charting.domain.totals import compute_totals
from tests.sessions import SERVICE_DATE, ready_session


def empty() -> Session:
    return Session(performed_on=SERVICE_DATE, vial_units=200, vials_opened=1, saline_ml=4.0)


def test_apply_protocol_gives_the_paradigm(protocol: Protocol) -> None:
    totals = compute_totals(marking.apply_protocol(empty(), protocol), protocol)
    assert totals.total_units == 155
    assert totals.total_sites == 31
    assert (totals.left_units, totals.right_units, totals.midline_units) == (75, 75, 5)
    assert totals.muscle("temporalis").units == 40
    assert totals.muscle("temporalis").sites == 8
    assert totals.muscle("procerus").midline_sites == 1
    assert totals.volume_ml == pytest.approx(3.1)
    assert totals.concentration == 50
    assert totals.units_wasted == 45


def test_toggle_marks_then_unmarks(protocol: Protocol) -> None:
    once = marking.toggle(empty(), protocol, "COR_L_1")
    assert once.injection("COR_L_1") is not None
    assert once.units_administered == 5
    twice = marking.toggle(once, protocol, "COR_L_1")
    assert twice.injection("COR_L_1") is None


def test_units_steps(protocol: Protocol) -> None:
    s = marking.mark(empty(), protocol, "TEM_L_1")
    s = marking.step_units(s, protocol, "TEM_L_1", +1)
    assert s.injection("TEM_L_1").units == 7.5  # type: ignore[union-attr]
    s = marking.step_units(s, protocol, "TEM_L_1", -20)
    assert s.injection("TEM_L_1").units == 2.5  # type: ignore[union-attr]
    s = marking.set_units(s, "TEM_L_1", 5.5)
    s = marking.step_units(s, protocol, "TEM_L_1", +1)
    assert s.injection("TEM_L_1").units == 7.5, "an odd dose steps onto the grid"  # type: ignore[union-attr]


def test_set_units_refuses_nonsense(protocol: Protocol) -> None:
    s = marking.mark(empty(), protocol, "TEM_L_1")
    for bad in (0.0, -5.0, float("nan"), float("inf")):
        with pytest.raises(ChangeRefusedError):
            marking.set_units(s, "TEM_L_1", bad)


def test_skip_needs_a_reason_and_counts_nothing(protocol: Protocol) -> None:
    with pytest.raises(ChangeRefusedError, match="why"):
        marking.skip(empty(), protocol, "OCC_L_1", "  ")
    s = marking.skip(marking.apply_protocol(empty(), protocol), protocol, "OCC_L_1", "Scalp laceration")
    totals = compute_totals(s, protocol)
    assert totals.total_units == 150
    assert totals.total_sites == 30
    assert totals.skipped_sites == 1
    assert s.injection("OCC_L_1").skipped_reason == "Scalp laceration"  # type: ignore[union-attr]


def test_ftp_ids_and_totals(protocol: Protocol) -> None:
    s = marking.apply_protocol(empty(), protocol)
    s, first = marking.add_ftp(s, protocol, "temporalis", side="left", view="left", x=230, y=100)
    s, second = marking.add_ftp(s, protocol, "temporalis", side="left", view="left", x=260, y=100)
    s, third = marking.add_ftp(s, protocol, "trapezius", side="right", view="back", x=330, y=250)
    assert (first, second, third) == ("TEM_L_FTP1", "TEM_L_FTP2", "TRA_R_FTP1")
    totals = compute_totals(s, protocol)
    assert totals.total_units == 170
    assert totals.ftp_sites == 3
    assert totals.muscle("temporalis").units == 50
    assert totals.muscle("temporalis").left_units == 30
    s = marking.unmark(s, "TEM_L_FTP1")
    s, again = marking.add_ftp(s, protocol, "temporalis", side="left", view="left", x=230, y=100)
    assert again == "TEM_L_FTP1"


def test_ftp_refused_outside_its_muscles(protocol: Protocol) -> None:
    with pytest.raises(ChangeRefusedError, match="not allowed in the frontalis"):
        marking.add_ftp(empty(), protocol, "frontalis", side="left", view="front", x=100, y=100)


def test_move_ftp_only(protocol: Protocol) -> None:
    s, site_id = marking.add_ftp(empty(), protocol, "occipitalis", side="left", view="back", x=140, y=80)
    s = marking.move_ftp(s, site_id, 130, 70)
    assert (s.injection(site_id).x, s.injection(site_id).y) == (130, 70)  # type: ignore[union-attr]
    s = marking.mark(s, protocol, "OCC_L_1")
    with pytest.raises(ChangeRefusedError, match="fixed sites"):
        marking.move_ftp(s, "OCC_L_1", 1, 1)


def test_signed_session_refuses_every_change(protocol: Protocol) -> None:
    signed = replace(ready_session(protocol), status=Status.SIGNED)
    for change in (
        lambda: marking.toggle(signed, protocol, "COR_L_1"),
        lambda: marking.apply_protocol(signed, protocol),
        lambda: marking.skip(signed, protocol, "COR_L_1", "x"),
        lambda: marking.set_units(signed, "COR_L_1", 10),
    ):
        with pytest.raises(ChangeRefusedError, match="addendum"):
            change()


def test_content_hash_covers_clinical_content(protocol: Protocol) -> None:
    s = ready_session(protocol)
    same = replace(s, injections=tuple(reversed(s.injections)), id=99, status=Status.SIGNED)
    assert content_hash(s) == content_hash(same)
    assert content_hash(s) != content_hash(marking.set_units(s, "COR_L_1", 10))
    assert content_hash(s) != content_hash(replace(s, lot_number="OTHER"))
    assert len(content_hash(s)) == 64


site_actions = st.lists(
    st.tuples(st.sampled_from(["toggle", "units", "skip"]), st.integers(0, 30), st.integers(1, 40)),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(actions=site_actions)
def test_totals_equal_the_sum_of_injections(protocol: Protocol, actions: list[tuple[str, int, int]]) -> None:
    s = empty()
    for action, index, value in actions:
        site_id = protocol.sites[index].id
        if action == "toggle":
            s = marking.toggle(s, protocol, site_id)
        elif action == "units" and s.injection(site_id) is not None:
            s = marking.set_units(s, site_id, value * protocol.dose_step_units)
        elif action == "skip":
            s = marking.skip(s, protocol, site_id, "reason")
    totals = compute_totals(s, protocol)
    injected = [i for i in s.injections if not i.skipped]
    assert totals.total_units == pytest.approx(sum(i.units for i in injected))
    assert totals.total_units == pytest.approx(sum(m.units for m in totals.muscles))
    assert totals.total_units == pytest.approx(totals.left_units + totals.right_units + totals.midline_units)
    assert totals.total_sites == len(injected) == sum(m.sites for m in totals.muscles)
    assert totals.units_wasted >= 0
    assert len({i.site_id for i in s.injections}) == len(s.injections)
    assert all(i.kind is Kind.FIXED for i in s.injections)


def test_the_signature_covers_the_frozen_context_when_there_is_one(protocol: Protocol) -> None:
    from charting.domain.session import Patient, SignedContext, canonical_content

    s = ready_session(protocol)
    assert "signed_context" not in canonical_content(s), "sessions signed before it was kept hash as before"
    patient = Patient(mrn="1", family_name="Doe", given_name="Jane", dob=SERVICE_DATE.replace(year=1980))
    framed = replace(s, signed_context=SignedContext(patient=patient))
    assert '"family_name":"Doe"' in canonical_content(framed)
    renamed = replace(s, signed_context=SignedContext(patient=replace(patient, family_name="Roe")))
    assert content_hash(framed) != content_hash(renamed)
