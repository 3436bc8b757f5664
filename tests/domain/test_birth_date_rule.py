"""A date of service before the patient's date of birth is a refusal (a typing slip in one of the two dates)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from charting.domain.protocol import Protocol
from charting.domain.rules import Level, birth_date_findings, evaluate, signing_blockers
from charting.domain.session import Patient
from tests.sessions import ready_session

BORN = date(1985, 11, 19)
PATIENT = Patient(mrn="10023", family_name="Doe", given_name="Jane", dob=BORN)


def test_a_session_before_the_birth_date_is_refused_with_what_to_do(protocol: Protocol) -> None:
    session = ready_session(protocol, performed_on=date(2019, 3, 2))
    patient = Patient(mrn="10023", family_name="Doe", given_name="Jane", dob=date(2019, 11, 19))
    [finding] = birth_date_findings(session, patient)
    assert (finding.level, finding.code) == (Level.REFUSAL, "service_date_before_birth")
    assert finding.message == (
        "The date of service 2019-03-02 is before the patient's date of birth 2019-11-19; "
        "correct the date of service or the patient's date of birth."
    )


@pytest.mark.parametrize(
    ("performed_on", "refused"),
    [(BORN - timedelta(days=1), True), (BORN, False), (BORN + timedelta(days=1), False)],
    ids=["the day before", "the birth date itself", "the day after"],
)
def test_the_boundary_is_the_birth_date(protocol: Protocol, performed_on: date, refused: bool) -> None:
    session = ready_session(protocol, performed_on=performed_on)
    assert bool(birth_date_findings(session, PATIENT)) is refused
    blockers = signing_blockers(evaluate(session, protocol, patient=PATIENT))
    assert [f.code for f in blockers] == (["service_date_before_birth"] if refused else [])


def test_without_the_patient_the_rule_has_nothing_to_say(protocol: Protocol) -> None:
    session = ready_session(protocol, performed_on=BORN - timedelta(days=1))
    assert birth_date_findings(session, None) == []
    assert evaluate(session, protocol) == evaluate(session, protocol, patient=None)
    assert "service_date_before_birth" not in {f.code for f in evaluate(session, protocol)}


def test_the_refusal_comes_first_among_the_findings(protocol: Protocol) -> None:
    session = ready_session(protocol, performed_on=BORN - timedelta(days=1))
    findings = evaluate(session, protocol, patient=PATIENT)
    assert [f.level for f in findings] == sorted(
        (f.level for f in findings), key=[Level.REFUSAL, Level.WARNING, Level.INFO].index
    )
    assert findings[0].code == "service_date_before_birth"
    assert "reconstitution_missing" in {f.code for f in findings if f.level is Level.WARNING}
