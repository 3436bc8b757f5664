"""The note's response and course notices come from the note's context: the records as they stand for a draft, the
context frozen at signing for a signed session (a real database, real signing)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from charting.documents import procedure_note
from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Baseline, Outcomes, Patient, Session
from charting.storage import Repository, open_database
from tests.sessions import ready_session

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
FIRST = date(2026, 3, 9)
INTERVAL = timedelta(days=84)


@pytest.fixture
def repository(tmp_path: Path, protocol: Protocol) -> Repository:
    return Repository(open_database(tmp_path / "clinic.db"), actor="test", protocol=protocol, clock=lambda: NOW)


@pytest.fixture
def patient(repository: Repository) -> Patient:
    made = repository.add_patient(Patient(mrn="MRN7", family_name="Okafor", given_name="Ada", dob=date(1979, 5, 1)))
    assert made.id is not None
    repository.save_baseline(made.id, Baseline(headache_days=20, headache_hours_per_day=6, migraine_days=12))
    return made


@pytest.fixture
def signer(repository: Repository) -> Injector:
    return repository.save_injector(Injector(name="Dr. Amara Okafor", credentials="MD", npi="1234567893"))


def charted(repository: Repository, protocol: Protocol, patient: Patient, on: date, days: int) -> Session:
    return repository.create_session(
        ready_session(protocol, patient.id, performed_on=on, outcomes=Outcomes(headache_days=days))
    )


def sign(repository: Repository, draft: Session, signer: Injector) -> Session:
    assert draft.id is not None
    return repository.sign_session(draft.id, signer, datetime.combine(draft.performed_on, datetime.min.time(), UTC))


def test_a_draft_reads_the_course_from_the_records_and_a_signed_note_keeps_its_own(
    repository: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    sign(repository, charted(repository, protocol, patient, FIRST, 20), signer)
    second = sign(repository, charted(repository, protocol, patient, FIRST + INTERVAL, 16), signer)
    assert procedure_note(repository, second).course_notices == (), "one cycle without a response is not a run"
    draft = charted(repository, protocol, patient, FIRST + 2 * INTERVAL, 15)
    note = procedure_note(repository, draft, now=NOW)
    assert note.response == "15 headache days against a baseline of 20: 25% reduction, not a responder (threshold 30%)."
    assert note.course_notices == (
        "Consider stopping treatment: 2 cycles in a row without a response (20%, 25% fewer headache days than the "
        "baseline of 20, below the 30% threshold).",
    )
    third = sign(repository, draft, signer)
    assert patient.id is not None
    repository.save_baseline(patient.id, Baseline(headache_days=30, headache_hours_per_day=6))
    assert procedure_note(repository, third).course_notices == note.course_notices, "the signed context is frozen"
    assert procedure_note(repository, third).response == note.response
