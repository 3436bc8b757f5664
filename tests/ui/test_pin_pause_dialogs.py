"""The sign, addendum and approval dialogs and the lock page check PINs by the records' one rule: a wrong PIN is said
and the dialog stays; after five wrong PINs within five minutes even the right one waits 30 seconds, also after a
restart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from charting.domain.people import Injector
from charting.storage import Repository, open_database
from charting.storage.credentials import WRONG_PIN_PAUSE, WRONG_PINS_BEFORE_PAUSE
from charting.storage.repository import PinRefusedError
from charting.ui.lock import LockPage
from charting.ui.signing import AddendumDialog, ApprovalDialog, SignDialog, SignerFields, pin_checker
from tests.ui.conftest import SIGNER_PIN

WRONG = "0000"
PAUSE_MS = int(WRONG_PIN_PAUSE.total_seconds()) * 1000
PAUSED = "5 wrong PINs for Anna Meyer, MD within 5 minutes; wait {seconds} seconds and type it again. {outcome}"


class Clock:
    """A clock the test moves by hand (the repository's ``clock``)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(repo: Repository) -> Clock:
    """The repository's clock, moved by the test."""
    moved = Clock()
    repo.clock = moved
    return moved


@pytest.fixture
def anna(repo: Repository, clock: Clock) -> Injector:
    """The injector who signs, with her PIN set."""
    injector = repo.injectors()[0]
    repo.set_pin(int(injector.id or 0), SIGNER_PIN)
    return injector


def sign_dialog(repo: Repository, anna: Injector) -> tuple[QDialog, SignerFields, Callable[[], bool]]:
    dialog = SignDialog(
        [anna],
        "Sign the session.",
        anna.display_name,
        has_pin=lambda _who: True,
        pin_is_right=pin_checker(repo, "sign"),
    )
    return dialog, dialog.fields, dialog.sign_button.isEnabled


def addendum_dialog(repo: Repository, anna: Injector) -> tuple[QDialog, SignerFields, Callable[[], bool]]:
    dialog = AddendumDialog(
        [anna], anna.display_name, has_pin=lambda _who: True, pin_is_right=pin_checker(repo, "addendum")
    )
    dialog.text.setPlainText("Bruise at the left temporalis site; ice advised.")
    return dialog, dialog.fields, dialog.add_button.isEnabled


def approval_dialog(repo: Repository, anna: Injector) -> tuple[QDialog, SignerFields, Callable[[], bool]]:
    dialog = ApprovalDialog([anna], "Lee Park will sign notes.", pin_is_right=pin_checker(repo, "approval"))
    dialog.fields.signer.setCurrentIndex(0)
    return dialog, dialog.fields, dialog.approve_button.isEnabled


@pytest.mark.parametrize(
    ("make", "outcome"),
    [
        (sign_dialog, "Nothing was signed."),
        (addendum_dialog, "Nothing was added."),
        (approval_dialog, "Nothing was changed."),
    ],
)
def test_a_dialog_says_the_pause_and_stays_open_until_it_has_passed(
    qtbot: QtBot,
    repo: Repository,
    clock: Clock,
    anna: Injector,
    *,
    make: Callable[[Repository, Injector], tuple[QDialog, SignerFields, Callable[[], bool]]],
    outcome: str,
) -> None:
    dialog, fields, ready = make(repo, anna)
    qtbot.addWidget(dialog)
    dialog.show()

    def confirm(pin: str) -> None:
        fields.pin.setText(pin)
        assert ready()
        dialog.accept()

    for _ in range(WRONG_PINS_BEFORE_PAUSE - 1):
        confirm(WRONG)
        assert fields.pin_error.text() == f"That is not Anna Meyer, MD's PIN; type it again. {outcome}"
    confirm(WRONG)
    assert fields.pin_error.text() == PAUSED.format(seconds=30, outcome=outcome)
    clock.now += timedelta(seconds=12)
    confirm(SIGNER_PIN)
    assert fields.pin_error.text() == PAUSED.format(seconds=18, outcome=outcome), "not even the right PIN"
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted and fields.pin.text() == ""
    clock.now += timedelta(seconds=18)
    confirm(SIGNER_PIN)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_the_lock_page_waits_as_long_as_the_records_say(qtbot: QtBot, repo: Repository, anna: Injector) -> None:
    page = LockPage()
    qtbot.addWidget(page)
    page.show_profiles([anna], anna.display_name)
    for _ in range(WRONG_PINS_BEFORE_PAUSE - 1):
        assert not page.check(repo, anna, WRONG)
        assert page.error.text() == "That is not Anna Meyer, MD's PIN; type it again. The window stays locked."
        assert page.pin.isEnabled() and not page.pause.isActive()
    assert not page.check(repo, anna, WRONG)
    assert page.error.text() == PAUSED.format(seconds=30, outcome="The window stays locked.")
    assert not page.pin.isEnabled() and not page.unlock_button.isEnabled()
    assert page.pause.isActive() and page.pause.interval() == PAUSE_MS
    refused = [e for e in repo.audit_entries("injector", anna.id) if e["action"] == "unlock refused: wrong PIN"]
    assert len(refused) == WRONG_PINS_BEFORE_PAUSE
    page.pause.timeout.emit()  # the pause ends (its length came from the records)
    assert page.pin.isEnabled() and page.unlock_button.isEnabled() and page.error.text() == ""


def test_after_a_restart_the_lock_page_still_waits(
    qtbot: QtBot, repo: Repository, clock: Clock, anna: Injector, db_path: Path
) -> None:
    for _ in range(WRONG_PINS_BEFORE_PAUSE):
        with pytest.raises(PinRefusedError):
            repo.check_pin(int(anna.id or 0), WRONG, "unlock")
    repo.db.close()
    restarted = Repository(open_database(db_path), actor="test", clock=lambda: clock.now + timedelta(seconds=25))
    page = LockPage()
    qtbot.addWidget(page)
    page.show_profiles([anna], anna.display_name)
    assert not page.check(restarted, anna, SIGNER_PIN)
    assert page.error.text() == PAUSED.format(seconds=5, outcome="The window stays locked.")
    assert page.pause.interval() == 5000 and not page.pin.isEnabled()
    clock.now += timedelta(seconds=30)
    assert page.check(restarted, anna, SIGNER_PIN)
    restarted.db.close()
