"""The checklist's records: screening answers, overrides, baseline scores, the course in the signed context, the due
list, and sessions signed before migration 0006 still verifying after it."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from charting.domain import marking
from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import SCREENING_QUESTIONS, Answer, Baseline, Outcomes, Patient, Visit
from charting.domain.settings import ClinicalSettings
from charting.storage import Repository, StorageError, open_database
from charting.storage.check import check_database
from charting.storage.schema import MIGRATIONS
from tests.sessions import SERVICE_DATE, ready_session
from tests.storage.helpers import NOW, SIGNED_AT


def sign_on(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector, *, on: date, days: int | None
) -> int:
    """Sign a ready session of the patient on a date with the headache days reported at it."""
    draft = ready_session(protocol, patient.id, performed_on=on, outcomes=Outcomes(headache_days=days))
    stored = repo.create_session(draft)
    return int(repo.sign_session(int(stored.id or 0), signer, SIGNED_AT).id or 0)


def test_screening_answers_and_overrides_are_kept(repo: Repository, protocol: Protocol, patient: Patient) -> None:
    draft = repo.create_session(ready_session(protocol, patient.id, contraindications_checked=False))
    changed = marking.answer_screening(draft, "infection_at_site", Answer.YES)
    changed = marking.answer_screening(changed, "hypersensitivity", Answer.NO)
    changed = marking.set_override(changed, "contra_infection", "One occipital site infected; skipped it.")
    repo.save_session(changed, stored=draft)
    loaded = repo.load_session(int(draft.id or 0))
    assert loaded.screening == changed.screening and loaded.overrides == changed.overrides
    assert loaded.screening.answers["neuromuscular_disease"] is Answer.UNASKED


def test_the_baseline_keeps_its_scores(repo: Repository, patient: Patient) -> None:
    baseline = Baseline(headache_days=22, migraine_days=16, moderate_severe_days=12, midas=48, hit6=66)
    repo.save_baseline(int(patient.id or 0), baseline)
    assert repo.baseline(int(patient.id or 0)) == baseline


def test_an_early_session_signs_only_with_a_reason_and_its_course_is_frozen(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    first = SERVICE_DATE - timedelta(days=83 + 84)
    sign_on(repo, protocol, patient, signer, on=first, days=20)
    sign_on(repo, protocol, patient, signer, on=first + timedelta(days=84), days=19)
    draft = repo.create_session(ready_session(protocol, patient.id, outcomes=Outcomes(headache_days=18)))
    with pytest.raises(StorageError, match="Record a reason to sign it"):
        repo.sign_session(int(draft.id or 0), signer, SIGNED_AT)
    repo.save_session(replace(draft, interval_reason="Travelling for work."), stored=draft)
    signed = repo.sign_session(int(draft.id or 0), signer, SIGNED_AT)
    assert signed.signed_context is not None
    assert signed.signed_context.earlier_visits == (
        Visit(first, 155, 20),
        Visit(first + timedelta(days=84), 155, 19),
    )
    assert repo.verify_signature(repo.load_session(int(signed.id or 0)))


def test_due_list_has_the_overdue_and_the_soon_due_but_not_the_later(
    repo: Repository, protocol: Protocol, signer: Injector
) -> None:
    today = SERVICE_DATE
    last_dates = {
        "SOON": today - timedelta(days=81),
        "OVERDUE": today - timedelta(days=94),
        "LATER": today - timedelta(days=24),
    }
    for mrn, last in last_dates.items():
        patient = repo.add_patient(Patient(mrn=mrn, family_name=mrn.title(), given_name="Test", dob=date(1970, 1, 1)))
        sign_on(repo, protocol, patient, signer, on=last - timedelta(days=84), days=20)
        sign_on(repo, protocol, patient, signer, on=last, days=12)
    entries = repo.due_list(today, 14)
    assert [(e.patient.mrn, e.last_session, e.days_until(today)) for e in entries] == [
        ("OVERDUE", last_dates["OVERDUE"], -10),
        ("SOON", last_dates["SOON"], 3),
    ]
    assert entries[1].next_due == today + timedelta(days=3)
    assert entries[1].due_until == today + timedelta(days=10)
    assert [e.patient.mrn for e in repo.due_list(today, 60)] == ["OVERDUE", "SOON", "LATER"]
    repo.save_clinical_settings(ClinicalSettings(interval_days=90))
    assert [e.patient.mrn for e in repo.due_list(today, 0)] == ["OVERDUE"]


def _copy_rows(source: sqlite3.Connection, target: sqlite3.Connection, table: str, **overrides: object) -> None:
    columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
    for row in source.execute(f"SELECT {', '.join(columns)} FROM {table}"):
        values = dict(zip(columns, row, strict=True)) | overrides
        target.execute(
            f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
            list(values.values()),
        )


def test_a_session_signed_before_0006_verifies_after_the_upgrade(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector, tmp_path: Path
) -> None:
    """A session signed with nothing the checklist added reads back, after the upgrade, with the same hash."""
    session_id = sign_on(repo, protocol, patient, signer, on=SERVICE_DATE, days=20)
    path = tmp_path / "before_0006.db"
    old = sqlite_utils.Database(path)
    MIGRATIONS.apply(old, stop_before="0006_checklist")
    old.close()
    target = sqlite3.connect(path, isolation_level=None)
    for table in ("clinic", "injectors", "patients", "baselines", "signed_protocols"):
        _copy_rows(repo.db, target, table)
    _copy_rows(repo.db, target, "sessions", status="draft", signed_at=None, signed_by="", content_sha256="")
    _copy_rows(repo.db, target, "injections")
    signed = repo.db.execute(
        "SELECT signed_at, signed_by, content_sha256, signed_context FROM sessions WHERE id = ?", [session_id]
    ).fetchone()
    target.execute(
        "UPDATE sessions SET status = 'signed', signed_at = ?, signed_by = ?, content_sha256 = ?, signed_context = ? "
        "WHERE id = ?",
        [*signed, session_id],
    )
    target.execute(f"PRAGMA user_version = {len(MIGRATIONS.applied(sqlite_utils.Database(target)))}")
    target.close()
    upgraded = Repository(open_database(path), actor="tester", protocol=protocol, clock=lambda: NOW)
    stored = upgraded.load_session(session_id)
    assert stored.screening.answers == dict.fromkeys(SCREENING_QUESTIONS, Answer.UNASKED)
    assert stored.overrides == () and upgraded.verify_signature(stored)
    assert check_database(upgraded).ok


def test_a_baseline_score_outside_its_scale_is_refused(repo: Repository, patient: Patient) -> None:
    with pytest.raises(StorageError, match="HIT-6 total runs from 36 to 78"):
        repo.save_baseline(int(patient.id or 0), Baseline(headache_days=20, hit6=99))
    assert repo.baseline(int(patient.id or 0)) is None


def test_the_lot_in_use_today_is_the_latest_of_the_day_in_date_and_of_the_product(
    repo: Repository, protocol: Protocol, patient: Patient
) -> None:
    def charted(lot: str, expiry: date, product: str = "botox_200") -> None:
        draft = ready_session(protocol, patient.id, lot_number=lot, lot_expiry=expiry, product_id=product)
        repo.create_session(draft)

    assert repo.open_vial_lot(SERVICE_DATE, "botox_200") is None
    charted("FIRST1", SERVICE_DATE + timedelta(days=90))
    charted("EXPIRED", SERVICE_DATE - timedelta(days=1))
    charted("SMALL1", SERVICE_DATE + timedelta(days=90), product="botox_100")
    assert repo.open_vial_lot(SERVICE_DATE, "botox_200") == ("FIRST1", SERVICE_DATE + timedelta(days=90))
    assert repo.open_vial_lot(SERVICE_DATE, "botox_100") == ("SMALL1", SERVICE_DATE + timedelta(days=90))
    assert repo.open_vial_lot(SERVICE_DATE + timedelta(days=1), "botox_200") is None
