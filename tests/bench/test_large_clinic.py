"""The scale benchmarks' generated clinic, at a tiny size: a sound charting database whose every signed session is
exactly what the repository would have stored, with the counts asked for, and a cache named by the schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from bench.large_clinic import (
    DRAFTS,
    LARGE,
    LATEST_WITHIN_DAYS,
    QUICK,
    SESSIONS_PER_PATIENT,
    BuildResult,
    build_clinic,
    cache_folder,
    cache_path,
)
from charting.domain.checklist import evaluate_visit
from charting.domain.rules import signing_blockers
from charting.domain.session import Status
from charting.storage import Repository, open_database
from charting.storage.check import check_database
from charting.storage.demo import SESSION_GAP_DAYS
from charting.storage.versions import SCHEMA_VERSION

TODAY = date(2026, 11, 25)
PATIENTS = 20


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    path = tmp_path_factory.mktemp("clinic") / "clinic.db"
    return path, build_clinic(path, PATIENTS, today=TODAY, workers=1)


@pytest.fixture
def repo(clinic: tuple[Path, BuildResult]) -> Iterator[Repository]:
    repository = Repository(open_database(clinic[0]))
    yield repository
    repository.db.close()


def test_the_clinic_passes_the_check_and_every_signature_verifies(
    clinic: tuple[Path, BuildResult], repo: Repository
) -> None:
    result = clinic[1]
    report = check_database(repo)
    assert report.ok, report
    signed_ids = [row[0] for row in repo.db.execute("SELECT id FROM sessions WHERE status = 'signed' ORDER BY id")]
    assert report.signed_sessions == len(signed_ids) == result.signed
    for session in repo.sessions_by_id(signed_ids):
        assert repo.verify_signature(session), session.id
        assert repo.load_session(int(session.id or 0)) == session


def test_each_signed_session_is_what_signing_it_would_have_stored(repo: Repository) -> None:
    """The frozen context is the one ``sign_session`` works out from the records, and the rules let it be signed."""
    signed_ids = [row[0] for row in repo.db.execute("SELECT id FROM sessions WHERE status = 'signed'")]
    for session in repo.sessions_by_id(signed_ids):
        assert session.signed_context is not None and session.signed_at is not None
        as_it_stands = repo._context_of(session)
        assert session.signed_context == replace(as_it_stands, protocol_sha256=session.signed_context.protocol_sha256)
        assert repo.signed_protocol_text(session.signed_context.protocol_sha256) is not None
        draft = replace(session, status=Status.DRAFT, signed_at=None, signed_by="", signed_context=None)
        findings = evaluate_visit(draft, repo.protocol, repo.settings, session.signed_at, as_it_stands)
        assert not signing_blockers(findings), (session.id, signing_blockers(findings))


def test_the_clinic_has_the_shape_asked_for(clinic: tuple[Path, BuildResult], repo: Repository) -> None:
    result = clinic[1]
    patients = repo.search_patients("", limit=PATIENTS + 1)
    assert len(patients) == result.patients == PATIENTS
    assert len({patient.family_name for patient in patients}) > PATIENTS // 2, "names vary"
    drafts = repo.open_drafts()
    assert len(drafts) == result.drafts == DRAFTS
    assert all(draft.performed_on == TODAY and draft.injections for draft in drafts)
    injections = 0
    for patient in patients:
        assert repo.baseline(int(patient.id or 0)) is not None
        signed = [s for s in repo.sessions_for_patient(int(patient.id or 0)) if s.signed]
        assert SESSIONS_PER_PATIENT[0] <= len(signed) <= SESSIONS_PER_PATIENT[1]
        assert all(
            SESSION_GAP_DAYS[0] <= (b.performed_on - a.performed_on).days <= SESSION_GAP_DAYS[1]
            for a, b in pairwise(signed)
        )
        assert TODAY - signed[-1].performed_on < timedelta(days=LATEST_WITHIN_DAYS)
        assert all(31 <= len(session.injections) <= 39 for session in signed)
        injections += sum(len(session.injections) for session in signed)
    injections += sum(len(draft.injections) for draft in drafts)
    assert injections == result.injections
    assert 32 <= injections / (result.signed + result.drafts) <= 33.5, "about 6.5 million in 200,000 sessions"
    summaries = repo.session_summaries()
    assert sum(len(repo.addenda(s.id)) for s in summaries) == result.addenda >= 1
    assert [s.id for s in summaries] == sorted(s.id for s in summaries), "session ids follow the dates of service"


def test_the_cache_is_named_by_the_schema_and_kept_outside_the_repository() -> None:
    assert cache_path(LARGE) != cache_path(LARGE, schema_version=SCHEMA_VERSION + 1)
    assert cache_path(QUICK) != cache_path(LARGE)
    assert cache_path(LARGE).parent == cache_folder()
    repository_root = Path(__file__).resolve().parents[2]
    assert repository_root not in cache_folder().resolve().parents
