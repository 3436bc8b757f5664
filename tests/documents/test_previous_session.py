"""The note's interval line names the latest other signed session on or before the date of service, same day
included: the session the window shows as the last one (``last_signed_session(..., before=date + 1 day)``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from charting.documents import procedure_note
from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient, Session
from charting.storage import Repository, open_database
from tests.sessions import SERVICE_DATE, ready_session

SIGNED_AT = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


@pytest.fixture
def repository(tmp_path: Path, protocol: Protocol) -> Repository:
    return Repository(open_database(tmp_path / "clinic.db"), actor="test", protocol=protocol, clock=lambda: NOW)


@pytest.fixture
def patient(repository: Repository) -> Patient:
    return repository.add_patient(Patient(mrn="MRN001", family_name="Núñez", given_name="Zoë", dob=date(1980, 4, 2)))


@pytest.fixture
def signer(repository: Repository) -> Injector:
    return repository.save_injector(Injector(name="Dr. Amara Okafor", credentials="MD", npi="1234567893"))


def signed(
    repository: Repository, protocol: Protocol, patient: Patient, signer: Injector, on: date, **header: object
) -> Session:
    draft = repository.create_session(ready_session(protocol, patient.id, performed_on=on, **header))
    assert draft.id is not None
    return repository.sign_session(draft.id, signer, SIGNED_AT)


def test_a_session_after_another_names_it(
    repository: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    signed(repository, protocol, patient, signer, SERVICE_DATE - timedelta(days=90))
    later = signed(repository, protocol, patient, signer, SERVICE_DATE)
    expected = f"90 days since the previous session on {(SERVICE_DATE - timedelta(days=90)).isoformat()}."
    assert procedure_note(repository, later).interval == expected


def test_the_first_session_has_no_previous_one(
    repository: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    only = signed(repository, protocol, patient, signer, SERVICE_DATE - timedelta(days=1))
    assert procedure_note(repository, only).interval == "First session recorded (no previous session)."
    later = signed(repository, protocol, patient, signer, SERVICE_DATE, interval_reason="Rebound")
    assert procedure_note(repository, only).interval == "First session recorded (no previous session).", (
        "a later session is never the previous one"
    )
    assert procedure_note(repository, later).interval.startswith("1 days since the previous session")


def test_a_second_signed_session_on_the_same_day_names_the_first(
    repository: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    first = signed(repository, protocol, patient, signer, SERVICE_DATE)
    second = signed(repository, protocol, patient, signer, SERVICE_DATE, interval_reason="Second vial, same visit")
    note = procedure_note(repository, second)
    assert note.interval == f"0 days since the previous session on {first.performed_on.isoformat()}."
    assert any("Only 0 days since the previous session" in notice for notice in note.notices)
    assert procedure_note(repository, first).interval == "First session recorded (no previous session).", (
        "the first is not its own previous session, nor is the one signed after it"
    )


def test_a_draft_on_the_same_day_names_the_session_the_window_shows(
    repository: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    first = signed(repository, protocol, patient, signer, SERVICE_DATE)
    draft = repository.create_session(ready_session(protocol, patient.id, performed_on=SERVICE_DATE))
    shown = repository.last_signed_session(int(patient.id or 0), before=draft.performed_on + timedelta(days=1))
    assert shown == first
    assert procedure_note(repository, draft).interval == (
        f"0 days since the previous session on {first.performed_on.isoformat()}."
    )
