"""One rule for every PIN typed, kept in the audit log: after five wrong PINs for a profile within five minutes, its
PIN is not even checked until 30 seconds after the latest (at signing, an addendum, an approval, the lock)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, StorageError, open_database
from charting.storage.credentials import (
    WRONG_PIN_PAUSE,
    WRONG_PIN_WINDOW,
    WRONG_PINS_BEFORE_PAUSE,
    pin_pause_left,
)
from charting.storage.repository import WRONG_PINS_SQL, PinPurpose, PinRefusedError
from tests.sessions import ready_session
from tests.storage.helpers import NOW, SIGNED_AT

PIN = "4711"
WRONG = "0000"
PAUSE_SECONDS = int(WRONG_PIN_PAUSE.total_seconds())


class Clock:
    """A clock the test moves by hand (the repository's ``clock``)."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def type_wrong_pins(repo: Repository, injector_id: int) -> None:
    """Type enough wrong PINs at the lock to start the pause."""
    for _ in range(WRONG_PINS_BEFORE_PAUSE):
        with pytest.raises(PinRefusedError):
            repo.check_pin(injector_id, WRONG, "unlock")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(db: sqlite3.Connection, protocol: Protocol, clock: Clock) -> Repository:
    """A repository on the test database whose clock the test moves."""
    return Repository(db, actor="tester", protocol=protocol, clock=clock)


@pytest.fixture
def pin_signer(timed: Repository, signer: Injector) -> int:
    """The signer's id, with PIN ``PIN`` set."""
    timed.set_pin(int(signer.id or 0), PIN)
    return int(signer.id or 0)


def draft(repo: Repository, protocol: Protocol, patient: Patient) -> int:
    return int(repo.create_session(ready_session(protocol, patient.id)).id or 0)


def wrong_pins(repo: Repository, injector_id: int) -> list[str]:
    return [e["action"] for e in repo.audit_entries("injector", injector_id) if e["action"].endswith("wrong PIN")]


def sign_wrong(repo: Repository, session_id: int, signer: Injector, times: int) -> None:
    for _ in range(times):
        with pytest.raises(PinRefusedError):
            repo.sign_session(session_id, signer, SIGNED_AT, pin=WRONG)


def test_four_wrong_pins_then_the_right_one_signs(
    timed: Repository, protocol: Protocol, patient: Patient, signer: Injector, pin_signer: int
) -> None:
    session_id = draft(timed, protocol, patient)
    for _ in range(WRONG_PINS_BEFORE_PAUSE - 1):
        with pytest.raises(PinRefusedError, match=r"^That is not Dr\. Amara Okafor, MD's PIN.*Nothing was signed\.$"):
            timed.sign_session(session_id, signer, SIGNED_AT, pin=WRONG)
    assert timed.pin_pause_seconds(pin_signer) == 0
    assert timed.sign_session(session_id, signer, SIGNED_AT, pin=PIN).signed


def test_the_fifth_wrong_pin_pauses_even_the_right_one_until_the_pause_has_passed(
    timed: Repository, clock: Clock, protocol: Protocol, patient: Patient, *, signer: Injector, pin_signer: int
) -> None:
    session_id = draft(timed, protocol, patient)
    sign_wrong(timed, session_id, signer, WRONG_PINS_BEFORE_PAUSE - 1)
    with pytest.raises(PinRefusedError) as fifth:
        timed.sign_session(session_id, signer, SIGNED_AT, pin=WRONG)
    assert str(fifth.value) == (
        "5 wrong PINs for Dr. Amara Okafor, MD within 5 minutes; wait 30 seconds and type it again. Nothing was signed."
    )
    assert fifth.value.seconds_left == PAUSE_SECONDS
    clock.advance(timedelta(seconds=PAUSE_SECONDS - 1))
    with pytest.raises(PinRefusedError, match=r"wait 1 seconds and type it again\. Nothing was signed") as paused:
        timed.sign_session(session_id, signer, SIGNED_AT, pin=PIN)
    assert paused.value.seconds_left == 1
    assert len(wrong_pins(timed, pin_signer)) == WRONG_PINS_BEFORE_PAUSE, "a PIN not checked is no wrong PIN"
    assert not timed.load_session(session_id).signed
    clock.advance(timedelta(seconds=1))
    assert timed.pin_pause_seconds(pin_signer) == 0
    assert timed.sign_session(session_id, signer, SIGNED_AT, pin=PIN).signed


def test_the_pause_outlasts_a_restart(
    timed: Repository, protocol: Protocol, patient: Patient, *, signer: Injector, pin_signer: int, db_path: Path
) -> None:
    session_id = draft(timed, protocol, patient)
    sign_wrong(timed, session_id, signer, WRONG_PINS_BEFORE_PAUSE)
    timed.db.close()
    reopened = open_database(db_path)
    try:
        restarted = Repository(reopened, actor="tester", protocol=protocol, clock=lambda: NOW + timedelta(seconds=10))
        assert restarted.pin_pause_seconds(pin_signer) == PAUSE_SECONDS - 10
        with pytest.raises(PinRefusedError, match="wait 20 seconds"):
            restarted.sign_session(session_id, signer, SIGNED_AT, pin=PIN)
    finally:
        reopened.close()


def test_wrong_pins_count_together_wherever_they_were_typed(
    timed: Repository, protocol: Protocol, patient: Patient, signer: Injector, pin_signer: int
) -> None:
    signed_id = draft(timed, protocol, patient)
    timed.sign_session(signed_id, signer, SIGNED_AT, pin=PIN)
    newcomer = Injector(name="Dr. New Colleague", credentials="DO")
    attempts = [
        lambda: timed.check_pin(pin_signer, WRONG, "unlock"),
        lambda: timed.add_addendum(signed_id, "Bruise at site 3.", signer.display_name, SIGNED_AT, pin=WRONG),
        lambda: timed.save_injector(newcomer, approved_by=(pin_signer, WRONG)),
        lambda: timed.set_pin(pin_signer, "2468", current=WRONG),
        lambda: timed.sign_session(draft(timed, protocol, patient), signer, SIGNED_AT, pin=WRONG),
    ]
    for attempt in attempts:
        with pytest.raises(StorageError, match="PIN"):
            attempt()
    assert wrong_pins(timed, pin_signer) == [
        "unlock refused: wrong PIN",
        "addendum refused: wrong PIN",
        "approval refused: wrong PIN",
        "PIN change refused: wrong PIN",
        "sign refused: wrong PIN",
    ]
    outcomes: tuple[tuple[PinPurpose, str], ...] = (
        ("unlock", "The window stays locked."),
        ("approval", "Nothing was changed."),
        ("sign", "Nothing was signed."),
    )
    for purpose, outcome in outcomes:
        with pytest.raises(PinRefusedError, match=rf"within 5 minutes; wait 30 seconds and type it again\. {outcome}$"):
            timed.check_pin(pin_signer, PIN, purpose)


def test_wrong_pins_further_apart_than_the_window_never_pause(timed: Repository, clock: Clock, pin_signer: int) -> None:
    spacing = WRONG_PIN_WINDOW / (WRONG_PINS_BEFORE_PAUSE - 1) + timedelta(seconds=1)
    for _ in range(2 * WRONG_PINS_BEFORE_PAUSE):
        with pytest.raises(PinRefusedError, match=r"^That is not"):
            timed.check_pin(pin_signer, WRONG, "unlock")
        clock.advance(spacing)
    timed.check_pin(pin_signer, PIN, "unlock")


def test_after_a_pause_another_wrong_pin_pauses_again_while_the_others_are_recent(
    timed: Repository, clock: Clock, pin_signer: int
) -> None:
    type_wrong_pins(timed, pin_signer)
    clock.advance(WRONG_PIN_PAUSE)
    with pytest.raises(PinRefusedError, match="wait 30 seconds") as again:
        timed.check_pin(pin_signer, WRONG, "unlock")
    assert again.value.seconds_left == PAUSE_SECONDS


def test_one_profiles_wrong_pins_never_pause_another(timed: Repository, pin_signer: int) -> None:
    other = timed.save_injector(Injector(name="Dr. Other", credentials="DO"), approved_by=(pin_signer, PIN))
    timed.set_pin(int(other.id or 0), "9999")
    type_wrong_pins(timed, int(other.id or 0))
    assert timed.pin_pause_seconds(int(other.id or 0)) == PAUSE_SECONDS
    timed.check_pin(pin_signer, PIN, "unlock")


def test_a_pin_for_no_profile_is_refused_and_records_nothing(timed: Repository, pin_signer: int) -> None:
    entries = len(timed.audit_entries())
    with pytest.raises(StorageError, match="Injector profile 999 no longer exists"):
        timed.check_pin(999, PIN, "unlock")
    assert len(timed.audit_entries()) == entries


@pytest.mark.parametrize(
    ("offsets", "now", "left"),
    [
        ([0, 10, 20, 30], 31, 0),  # four wrong PINs never pause
        ([0, 10, 20, 30, 40], 40, 30),
        ([0, 10, 20, 30, 40], 69, 1),
        ([0, 10, 20, 30, 40], 70, 0),
        ([0, 1, 2, 3, 300], 300, 30),  # five within exactly the window
        ([0, 1, 2, 3, 301], 301, 0),  # the first is out of the window
        ([0, 1, 2, 3, 4], -3600, 30),  # all dated after now (the clock set back): each counts as typed now
        ([0, 1, 2, 3, 4], -3600 + 299, 30),  # ... and still does while the clock has not caught up
        ([0, 1, 2, 3, 4], 4 + 29, 1),  # the clock caught up: the pause ends as it would have
        ([0, 1, 2, 3, 4], 3, 30),  # the one a second after now counts as typed now: five, the pause in full
        ([-4, -3, -2, -1, 3600], 0, 30),  # four before now and one typed before the clock was set back
        ([-4, -3, -2, -1, 3600], 295, 30),  # the one dated ahead is typed "now" again: still five within the window
        ([-4, -3, -2, -1, 3600], 297, 0),  # the earliest has left the window: four are not enough
    ],
)
def test_the_pause_by_the_times_of_the_latest_wrong_pins(offsets: list[int], now: int, left: int) -> None:
    start = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    times = sorted((start + timedelta(seconds=s) for s in offsets), reverse=True)
    assert pin_pause_left(times, start + timedelta(seconds=now)) == left


def test_setting_the_clock_back_never_lifts_a_pause_nor_gives_extra_tries(
    timed: Repository, clock: Clock, pin_signer: int
) -> None:
    type_wrong_pins(timed, pin_signer)
    clock.advance(-timedelta(seconds=2))  # a time-sync step back
    with pytest.raises(PinRefusedError, match="wait 30 seconds") as paused:
        timed.check_pin(pin_signer, WRONG, "unlock")
    assert paused.value.seconds_left == PAUSE_SECONDS, "the time left never exceeds the pause"
    clock.advance(-timedelta(hours=1))  # set back an hour
    with pytest.raises(PinRefusedError, match="wait 30 seconds"):
        timed.check_pin(pin_signer, PIN, "unlock")
    assert len(wrong_pins(timed, pin_signer)) == WRONG_PINS_BEFORE_PAUSE, "no PIN was checked during the pause"
    clock.advance(timedelta(hours=1, seconds=2) + WRONG_PIN_PAUSE - timedelta(seconds=1))
    assert timed.pin_pause_seconds(pin_signer) == 1, "it ends the pause after the clock reaches the wrong PINs again"
    clock.advance(timedelta(seconds=1))
    timed.check_pin(pin_signer, PIN, "unlock")


def test_the_wrong_pins_are_read_from_the_audit_logs_index(repo: Repository) -> None:
    plan = " ".join(
        str(row[3])
        for row in repo.db.execute(f"EXPLAIN QUERY PLAN {WRONG_PINS_SQL}", [1, *"abcde", WRONG_PINS_BEFORE_PAUSE])
    )
    assert "USING INDEX idx_audit_log_entity (entity=? AND entity_id=?)" in plan
    assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan
