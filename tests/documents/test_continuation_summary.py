"""The continuation-of-therapy summary made from the records (a real database, real signing), as the patient view's
button and ``charting summary`` make it."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from charting.documents import DocumentError, continuation_summary, continuation_summary_pdf
from charting.domain.people import Clinic, Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Baseline, Outcomes, Patient
from charting.domain.settings import ClinicalSettings
from charting.storage import Repository, open_database
from tests.sessions import ready_session

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
FIRST = date(2026, 1, 5)
DAYS = (18, 13, 8)
"""Headache days at each visit: the first treatment, then 28% and 56% fewer than the baseline of 18."""


@pytest.fixture
def repository(tmp_path: Path, protocol: Protocol) -> Repository:
    return Repository(open_database(tmp_path / "clinic.db"), actor="test", protocol=protocol, clock=lambda: NOW)


@pytest.fixture
def patient(repository: Repository, protocol: Protocol) -> Patient:
    repository.save_clinic(Clinic("Lakeside Headache Clinic", "12 Harbour Road", "555-0100"))
    signer = repository.save_injector(Injector(name="Dr. Amara Okafor", credentials="MD", npi="1234567893"))
    patient = repository.add_patient(Patient(mrn="MRN7", family_name="Brontë", given_name="Zoë", dob=date(1979, 5, 1)))
    assert patient.id is not None
    repository.save_baseline(patient.id, Baseline(headache_days=18, headache_hours_per_day=6, midas=30, hit6=63))
    for number, days in enumerate(DAYS):
        draft = repository.create_session(
            ready_session(
                protocol,
                patient.id,
                performed_on=FIRST + timedelta(days=84 * number),
                outcomes=Outcomes(headache_days=days, hit6=63 - 3 * number),
            )
        )
        assert draft.id is not None
        repository.sign_session(draft.id, signer, NOW)
    repository.create_session(ready_session(protocol, patient.id, performed_on=FIRST + timedelta(days=84 * 3)))
    return patient


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_summary_reads_the_signed_sessions_and_the_clinics_settings(
    repository: Repository, patient: Patient
) -> None:
    assert patient.id is not None
    repository.save_clinical_settings(ClinicalSettings(responder_threshold_pct=50))
    summary = continuation_summary(repository, patient.id, now=NOW)
    assert [cycle.responder for cycle in summary.cycles] == ["first treatment", "no", "yes"], "the draft is left out"
    assert [cycle.reduction for cycle in summary.cycles] == ["-", "28%", "56%"]
    assert summary.injector == "Dr. Amara Okafor, MD" and summary.injector_npi == "1234567893"
    text = text_of(continuation_summary_pdf(repository, patient.id, now=NOW))
    assert "BRONTË, Zoë MRN MRN7 DOB 1979-05-01 Prepared 2026-11-25" in text
    assert "Lakeside Headache Clinic" in text
    assert "Headache days 18 a month (from the baseline record)" in text
    assert "2 2026-03-30 155 U 13 - - 60 28% no" in text
    assert "3 2026-06-22 155 U 8 - - 57 56% yes" in text
    assert "Responder threshold 50% fewer headache days than baseline (9 days or fewer)" in text
    assert "Next due 2026-09-14 (84 days after the last session on 2026-06-22), due by 2026-09-21" in text
    assert "Dr. Amara Okafor, MD, NPI 1234567893." in text


def test_the_pdf_is_on_the_clinics_paper(repository: Repository, patient: Patient) -> None:
    assert patient.id is not None
    repository.save_clinical_settings(ClinicalSettings(paper_size="a4"))
    page = PdfReader(io.BytesIO(continuation_summary_pdf(repository, patient.id, now=NOW))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_a_patient_without_a_signed_session_is_refused_with_a_sentence(repository: Repository) -> None:
    new = repository.add_patient(Patient(mrn="NEW1", family_name="Kim", given_name="Mei", dob=date(1990, 1, 1)))
    assert new.id is not None
    with pytest.raises(
        DocumentError, match=r"^Patient NEW1 has no signed session to summarise; sign a session first\.$"
    ):
        continuation_summary_pdf(repository, new.id, now=NOW)
    with pytest.raises(DocumentError, match="There is no patient with id 999"):
        continuation_summary_pdf(repository, 999, now=NOW)
