"""The note made from the records, shared by the window and the command line, and how it is written."""

from __future__ import annotations

import io
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
from tests.storage.helpers import EDITED_DRUG_CODE, EDITED_INSTRUCTION, EDITED_NDC, edited_protocol


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


def test_a_file_that_must_not_be_replaced_is_left_as_it_was(tmp_path: Path) -> None:
    """Without ``replace`` a file already there (even one made a moment ago by another program) is never replaced."""
    target = tmp_path / "note.pdf"
    target.write_bytes(b"another patient's note")
    with pytest.raises(DocumentError, match=r"note.pdf already exists; choose another file name"):
        write_private_file(target, b"%PDF", replace=False)
    assert target.read_bytes() == b"another patient's note"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    fresh = tmp_path / "fresh.pdf"
    write_private_file(fresh, b"%PDF", replace=False)
    assert fresh.read_bytes() == b"%PDF"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


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


def note_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_a_reprint_prints_the_protocol_it_was_signed_under(repository: Repository) -> None:
    session = repository.load_session(signed_session(repository))
    original = procedure_note_pdf(repository, session)
    edited = Repository(repository.db, actor="test", protocol=edited_protocol())
    assert procedure_note_pdf(edited, edited.load_session(int(session.id or 0))) == original
    text = note_text(original)
    assert "J0585" in text and EDITED_DRUG_CODE not in text and EDITED_NDC not in text
    draft = edited.copy_last_session(int(session.patient_id or 0), date(2026, 11, 25))
    draft_text = note_text(procedure_note_pdf(edited, draft))
    assert EDITED_DRUG_CODE in draft_text and EDITED_INSTRUCTION in draft_text and EDITED_NDC in draft_text


def test_a_signed_note_whose_protocol_was_altered_is_not_printed(repository: Repository) -> None:
    session = repository.load_session(signed_session(repository))
    repository.db.execute("DROP TRIGGER signed_protocols_no_update")
    repository.db.execute("UPDATE signed_protocols SET protocol_json = replace(protocol_json, 'J0585', 'J9999')")
    reopened = Repository(repository.db, actor="test")
    with pytest.raises(DocumentError, match=r"was signed under is altered.*charting check"):
        procedure_note_pdf(reopened, reopened.load_session(int(session.id or 0)))


def test_a_signed_note_prints_the_audit_chain_head_kept_at_signing(repository: Repository) -> None:
    session_id = signed_session(repository)
    head = repository.audit_head_at_signing(session_id)
    note = procedure_note(repository, repository.load_session(session_id))
    assert len(head) == 64 and note.document_id.endswith(f", audit {head[:12]}")
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(procedure_note_pdf(repository, repository.load_session(session_id)))).pages
    )
    assert f"audit {head[:12]}" in text
