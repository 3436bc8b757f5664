"""The demo clinic: deterministic, lived-in, and every signed session passes the rules and its hash."""

from __future__ import annotations

import time as clock
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from charting.domain.protocol import Protocol
from charting.domain.session import Kind
from charting.storage import Repository, StorageError, open_database
from charting.storage.check import check_database
from charting.storage.demo import DEMO_SEED, fill_demo

TODAY = date(2026, 11, 25)


def demo_repository(path: Path, protocol: Protocol, patients: int = 40, seed: int = 1) -> Repository:
    repo = Repository(open_database(path), protocol=protocol)
    fill_demo(repo, patients=patients, seed=seed, today=TODAY)
    return repo


def test_demo_is_a_lived_in_clinic(tmp_path: Path, protocol: Protocol) -> None:
    repo = demo_repository(tmp_path / "demo.db", protocol)
    summaries = repo.session_summaries()
    patients = {s.patient.id for s in summaries}
    assert len(patients) == 40 and repo.clinic() is not None
    assert any(not injector.can_sign for injector in repo.injectors())
    assert any(
        any(ch not in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ '-" for ch in s.patient.family_name)
        for s in summaries
    )
    drafts = repo.open_drafts()
    assert 1 <= len(drafts) <= 2
    assert len({s.lot_number for s in summaries}) >= 4
    assert all(repo.baseline(int(pid or 0)) is not None for pid in patients)
    addenda = sum(len(repo.addenda(s.id)) for s in summaries)
    assert addenda >= 2
    last_dates = {}
    ftp = 0
    for patient_id in patients:
        sessions = [s for s in repo.sessions_for_patient(int(patient_id or 0)) if s.signed]
        gaps = [(b.performed_on - a.performed_on).days for a, b in pairwise(sessions)]
        assert all(84 <= gap <= 90 for gap in gaps), gaps
        for session in sessions:
            assert session.lot_expiry is not None and session.lot_expiry >= session.performed_on
            ftp += any(inj.kind is Kind.FTP for inj in session.injections)
        last_dates[patient_id] = sessions[-1].performed_on
    assert ftp >= 2
    due = [last + timedelta(days=84) for last in last_dates.values()]
    assert any(d < TODAY - timedelta(days=7) for d in due), "some patients overdue"
    assert any(d.year == TODAY.year and d.month == TODAY.month for d in due), "some due this month"
    assert any(d > TODAY for d in due), "some not yet due"
    report = check_database(repo)
    assert report.ok and report.signed_sessions == sum(1 for s in summaries if s.status.value == "signed")


def test_demo_outcomes_improve_for_most(tmp_path: Path, protocol: Protocol) -> None:
    repo = demo_repository(tmp_path / "demo.db", protocol)
    improving = total = 0
    for patient in repo.search_patients("", limit=100):
        sessions = [s for s in repo.sessions_for_patient(int(patient.id or 0)) if s.signed]
        if len(sessions) >= 3:
            total += 1
            first, last = sessions[0].outcomes.headache_days, sessions[-1].outcomes.headache_days
            improving += first is not None and last is not None and last < first
    assert total and improving / total > 0.6


def test_demo_is_deterministic(tmp_path: Path, protocol: Protocol) -> None:
    first = demo_repository(tmp_path / "a.db", protocol, patients=8, seed=5).session_summaries()
    second = demo_repository(tmp_path / "b.db", protocol, patients=8, seed=5).session_summaries()
    assert [(s.patient, s.performed_on, s.lot_number, s.units_administered) for s in first] == [
        (s.patient, s.performed_on, s.lot_number, s.units_administered) for s in second
    ]


def test_demo_refuses_a_database_with_patients(tmp_path: Path, protocol: Protocol) -> None:
    repo = demo_repository(tmp_path / "demo.db", protocol, patients=2)
    before = len(repo.session_summaries())
    with pytest.raises(StorageError, match="already holds patients"):
        fill_demo(repo, patients=2, today=TODAY)
    assert len(repo.session_summaries()) == before


@pytest.mark.parametrize("patients", [1, 2, 5])
def test_a_small_demo_always_shows_an_addendum(tmp_path: Path, protocol: Protocol, patients: int) -> None:
    """``demo --patients 5`` used to show none: each of the 5-8 % chances missed."""
    repo = Repository(open_database(tmp_path / "demo.db"), protocol=protocol)
    result = fill_demo(repo, patients=patients, seed=DEMO_SEED, today=TODAY)
    summaries = repo.session_summaries()
    written = [a for s in summaries for a in repo.addenda(s.id)]
    assert result.signed > 0 and result.addenda == len(written) >= 1
    assert all(a.created_at.date() <= TODAY for a in written)
    again = Repository(open_database(tmp_path / "again.db"), protocol=protocol)
    fill_demo(again, patients=patients, seed=DEMO_SEED, today=TODAY)
    assert [(a.session_id, a.text, a.created_at) for a in written] == [
        (a.session_id, a.text, a.created_at) for s in again.session_summaries() for a in again.addenda(s.id)
    ]


def recorded_times(repo: Repository) -> list[datetime]:
    """Every time the demo recorded: reconstitution and signing of each session, and each addendum."""
    times: list[datetime] = []
    for summary in repo.session_summaries():
        session = repo.load_session(summary.id)
        times += [t for t in (session.reconstituted_at, session.signed_at) if t is not None]
        times += [addendum.created_at for addendum in repo.addenda(summary.id)]
    return times


def test_demo_times_are_the_clinics_wall_clock_in_its_time_zone(tmp_path: Path, protocol: Protocol) -> None:
    """Not UTC: a note prints the time the clinic saw, with its offset, summer and winter alike."""
    zone = ZoneInfo("America/Chicago")
    repo = Repository(open_database(tmp_path / "demo.db"), protocol=protocol)
    fill_demo(repo, patients=12, seed=DEMO_SEED, today=TODAY, zone=zone)
    times = recorded_times(repo)
    assert times
    assert all(t.utcoffset() == t.replace(tzinfo=zone).utcoffset() for t in times)
    assert {t.utcoffset() for t in times} == {timedelta(hours=-6), timedelta(hours=-5)}, "standard and daylight time"
    assert all(time(9) <= t.time() <= time(17, 5) for t in times), "clinic hours"
    again = Repository(open_database(tmp_path / "again.db"), protocol=protocol)
    fill_demo(again, patients=12, seed=DEMO_SEED, today=TODAY, zone=zone)
    assert recorded_times(again) == times


@pytest.fixture
def kolkata_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone is Asia/Kolkata (+05:30) for the test."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    clock.tzset()
    yield
    monkeypatch.undo()
    clock.tzset()


@pytest.mark.usefixtures("kolkata_local_time")
def test_demo_times_default_to_the_local_time_zone(tmp_path: Path, protocol: Protocol) -> None:
    repo = Repository(open_database(tmp_path / "demo.db"), protocol=protocol)
    fill_demo(repo, patients=3, seed=DEMO_SEED, today=TODAY)
    times = recorded_times(repo)
    assert times
    assert {t.utcoffset() for t in times} == {timedelta(hours=5, minutes=30)}
    assert all(t.utcoffset() == t.astimezone().utcoffset() for t in times), "the local offset of that day"
