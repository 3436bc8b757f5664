"""Helpers for the patient and profile dialog tests: a real database, patients, signed sessions, screenshots."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from charting.domain.people import Injector
from charting.domain.session import Patient, Session
from charting.storage.database import open_database
from charting.storage.repository import Repository
from tests.sessions import ready_session

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SIGNER = Injector(name="Anna Meyer", credentials="MD", npi="1234567893")


def make_repository(tmp_path: Path) -> Repository:
    """A repository on a new database file in the test's folder."""
    return Repository(open_database(tmp_path / "t.db"), actor="test")


def add_patient(repo: Repository, mrn: str, family: str, given: str, dob: date, **extra: str) -> Patient:
    """Add a patient and return it with its id."""
    return repo.add_patient(Patient(mrn=mrn, family_name=family, given_name=given, dob=dob, **extra))


def charted_session(patient_id: int, performed_on: date, lot: str, repo: Repository) -> Session:
    """A PREEMPT session ready to sign, charted by the standard signer with a lot that expires in a year."""
    return ready_session(
        repo.protocol,
        patient_id,
        performed_on=performed_on,
        injector=SIGNER.display_name,
        lot_number=lot,
        lot_expiry=performed_on + timedelta(days=365),
    )


def signed_session(repo: Repository, patient_id: int, performed_on: date, lot: str = "C1234A") -> Session:
    """Create and sign a standard session on a date."""
    signer = next((injector for injector in repo.injectors() if injector.can_sign), None)
    signer = signer or repo.save_injector(SIGNER)
    draft = repo.create_session(charted_session(patient_id, performed_on, lot, repo))
    assert draft.id is not None
    return repo.sign_session(draft.id, signer, datetime.combine(performed_on, time(10, 0), tzinfo=UTC))


def draft_session(repo: Repository, patient_id: int, performed_on: date, lot: str = "C1234A") -> Session:
    """Create a draft standard session on a date."""
    return repo.create_session(charted_session(patient_id, performed_on, lot, repo))


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Save a picture of the widget under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path
