"""Recording adverse events on a draft: one of the protocol's, with onset, severity and action; removing them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from charting.domain import marking
from charting.domain.marking import OTHER_ADVERSE_EVENT, SIGNED_READ_ONLY, ChangeRefusedError
from charting.domain.protocol import Protocol
from charting.domain.session import AdverseEvent, Session, Status, content_hash
from tests.sessions import SERVICE_DATE, ready_session

NECK_PAIN = AdverseEvent("Neck pain", onset="within 1 hour", severity="mild", action="ice/pressure")


def empty() -> Session:
    return Session(performed_on=SERVICE_DATE)


def test_the_protocol_lists_the_events_and_ends_with_other(protocol: Protocol) -> None:
    assert "Neck pain" in protocol.adverse_events
    assert protocol.adverse_events[-1] == OTHER_ADVERSE_EVENT
    urgent = [name for name in protocol.adverse_events if marking.is_urgent(AdverseEvent(name))]
    assert urgent == ["Breathing difficulty (urgent)"]


def test_add_appends_in_order_and_trims(protocol: Protocol) -> None:
    bruise = AdverseEvent(
        " Bruising or bleeding ", onset=" same day", severity="mild ", action=" observed ", detail=" "
    )
    s = marking.add_adverse_event(empty(), protocol, NECK_PAIN)
    s = marking.add_adverse_event(s, protocol, bruise)
    assert s.adverse_events == (
        NECK_PAIN,
        AdverseEvent("Bruising or bleeding", onset="same day", severity="mild", action="observed"),
    )
    assert s.injections == () and replace(s, adverse_events=()) == empty(), "nothing else changes"


def test_the_same_event_twice_is_two_records(protocol: Protocol) -> None:
    s = marking.add_adverse_event(empty(), protocol, NECK_PAIN)
    s = marking.add_adverse_event(s, protocol, NECK_PAIN)
    assert s.adverse_events == (NECK_PAIN, NECK_PAIN)


@pytest.mark.parametrize(
    ("event", "field", "words"),
    [
        (replace(NECK_PAIN, event="Sore neck"), "event", "from the list"),
        (replace(NECK_PAIN, event=""), "event", "from the list"),
        (replace(NECK_PAIN, onset="  "), "onset", "when it started"),
        (replace(NECK_PAIN, severity=""), "severity", "mild, moderate or severe"),
        (replace(NECK_PAIN, action=""), "action", "action taken"),
        (replace(NECK_PAIN, event=OTHER_ADVERSE_EVENT, detail=" "), "detail", "Other needs a detail"),
    ],
)
def test_each_missing_piece_is_refused_with_its_sentence(
    protocol: Protocol, event: AdverseEvent, field: str, words: str
) -> None:
    assert set(marking.adverse_event_problems(protocol, event)) == {field}
    assert words in marking.adverse_event_problems(protocol, event)[field]
    with pytest.raises(ChangeRefusedError, match=words):
        marking.add_adverse_event(empty(), protocol, event)


def test_an_empty_event_has_a_sentence_for_every_field_but_detail(protocol: Protocol) -> None:
    assert set(marking.adverse_event_problems(protocol, AdverseEvent(""))) == {"event", "onset", "severity", "action"}


def test_other_with_a_detail_is_recorded(protocol: Protocol) -> None:
    other = AdverseEvent(OTHER_ADVERSE_EVENT, "days later", "moderate", "medical review", "Rash on both forearms")
    assert marking.add_adverse_event(empty(), protocol, other).adverse_events == (other,)


def test_remove_takes_out_that_one_only(protocol: Protocol) -> None:
    bruise = AdverseEvent("Bruising or bleeding", onset="same day", severity="mild", action="observed")
    s = marking.add_adverse_event(marking.add_adverse_event(empty(), protocol, NECK_PAIN), protocol, bruise)
    assert marking.remove_adverse_event(s, 0).adverse_events == (bruise,)
    assert marking.remove_adverse_event(s, 1).adverse_events == (NECK_PAIN,)
    for index in (2, -1):
        with pytest.raises(ChangeRefusedError, match="no longer recorded"):
            marking.remove_adverse_event(s, index)


def test_a_signed_session_refuses_both(protocol: Protocol) -> None:
    signed = replace(marking.add_adverse_event(ready_session(protocol), protocol, NECK_PAIN), status=Status.SIGNED)
    with pytest.raises(ChangeRefusedError, match="signed"):
        marking.add_adverse_event(signed, protocol, NECK_PAIN)
    with pytest.raises(ChangeRefusedError) as refused:
        marking.remove_adverse_event(signed, 0)
    assert str(refused.value) == SIGNED_READ_ONLY


def test_the_signature_covers_the_adverse_events(protocol: Protocol) -> None:
    session = ready_session(protocol)
    assert content_hash(marking.add_adverse_event(session, protocol, NECK_PAIN)) != content_hash(session)


def test_the_line_says_event_onset_severity_action_and_detail() -> None:
    other = AdverseEvent(OTHER_ADVERSE_EVENT, "days later", "moderate", "medical review", "Rash on both forearms")
    assert marking.adverse_event_text(other) == (
        "Other; onset days later; severity moderate; action: medical review; Rash on both forearms"
    )
    assert marking.adverse_event_text(AdverseEvent("Neck pain")) == "Neck pain"
