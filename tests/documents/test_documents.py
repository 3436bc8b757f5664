"""The note made from the records, shared by the window and the command line, and how it is written."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from charting.documents import DocumentError, procedure_note, procedure_note_pdf, write_private_file
from charting.domain.people import Clinic
from charting.domain.session import Baseline
from charting.storage import Repository, open_database
from charting.storage.demo import fill_demo


@pytest.fixture
def repository(tmp_path: Path) -> Repository:
    repo = Repository(open_database(tmp_path / "clinic.db"), actor="test")
    fill_demo(repo, patients=3, today=date(2026, 11, 25))
    return repo


def signed_session(repository: Repository) -> int:
    patient = repository.search_patients("", limit=1)[0]
    assert patient.id is not None
    session = next(s for s in repository.sessions_for_patient(patient.id) if s.signed)
    assert session.id is not None
    return session.id


def test_note_gathers_the_records(repository: Repository) -> None:
    session = repository.load_session(signed_session(repository))
    note = procedure_note(repository, session)
    assert session.patient_id is not None
    patient = repository.get_patient(session.patient_id)
    text = repr(note)
    assert patient.mrn in text
    clinic = repository.clinic()
    assert clinic is not None
    assert clinic.name in text


def test_pdf_is_the_signed_note(repository: Repository) -> None:
    session = repository.load_session(signed_session(repository))
    pdf = procedure_note_pdf(repository, session)
    assert pdf.startswith(b"%PDF")
    assert pdf == procedure_note_pdf(repository, session), "a reprint of a signed note is byte-identical"


def test_written_note_is_owner_only(tmp_path: Path, repository: Repository) -> None:
    target = tmp_path / "note.pdf"
    session = repository.load_session(signed_session(repository))
    write_private_file(target, procedure_note_pdf(repository, session))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(PdfReader(target).pages) >= 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_unwritable_folder_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"Could not write .*check that the folder exists"):
        write_private_file(tmp_path / "missing" / "note.pdf", b"%PDF")


def test_a_reprint_matches_the_original_whatever_changed_since(repository: Repository) -> None:
    session = repository.load_session(signed_session(repository))
    original = procedure_note_pdf(repository, session)
    assert session.patient_id is not None
    patient = repository.get_patient(session.patient_id)
    repository.update_patient(replace(patient, family_name="Renamed", allergies="latex"))
    repository.save_baseline(session.patient_id, Baseline(headache_days=3, failed_preventives=("none",)))
    repository.save_clinic(Clinic("Another Clinic", "Elsewhere"))
    for injector in repository.injectors():
        repository.save_injector(replace(injector, credentials="PhD", npi=""))
    repository.save_clinical_settings(replace(repository.settings, responder_threshold_pct=50, interval_days=90))
    reopened = Repository(repository.db, actor="test")
    assert procedure_note_pdf(reopened, reopened.load_session(int(session.id or 0))) == original
