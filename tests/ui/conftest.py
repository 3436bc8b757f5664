"""Fixtures for the charting window tests: a real database in tmp_path, a patient, a draft, the shown window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from charting.domain.people import Clinic, Injector
from charting.domain.session import Baseline, Patient, Session
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.signing import SignDialog
from charting.ui.window import MainWindow

TODAY = date(2026, 11, 25)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREEN_WIDTH = 1366
SCREEN_HEIGHT = 768
TITLE_BAR = 30
"""A window manager's title bar takes this much of a 768-pixel-high screen."""


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The test's database file."""
    return tmp_path / "clinic.db"


SIGNER_PIN = "2468"
"""The PIN the tests' signers type (choosing it at their first signature in the window)."""


@pytest.fixture
def repo(db_path: Path) -> Repository:
    """A repository on a new database, with the clinic and one injector who signs (no PIN set yet)."""
    repository = Repository(open_database(db_path), actor="test")
    repository.save_clinic(Clinic(name="Headache Clinic", address="1 Main St"))
    repository.save_injector(Injector(name="Anna Meyer", credentials="MD", npi="1234567893"))
    return repository


def type_pin(dialog: SignDialog, pin: str = SIGNER_PIN) -> None:
    """Type the chosen signer's PIN in the sign dialog (twice when they choose their first one there)."""
    dialog.pin.setText(pin)
    if dialog.new_pin():
        dialog.pin_again.setText(pin)


ELIGIBLE_BASELINE = Baseline(
    headache_days=20,
    headache_hours_per_day=6,
    failed_preventives=("topiramate", "propranolol"),
    specific_acute_days=6,
    simple_analgesic_days=4,
)
"""A chronic migraine baseline that meets every eligibility criterion (so a ready session has no findings)."""


@pytest.fixture
def patient(repo: Repository) -> Patient:
    """A patient in the database, eligible for treatment by their baseline record."""
    added = repo.add_patient(Patient(mrn="10023", family_name="Doe", given_name="Jane", dob=date(1980, 4, 2)))
    assert added.id is not None
    repo.save_baseline(added.id, ELIGIBLE_BASELINE)
    return added


@pytest.fixture
def window(qtbot: QtBot, repo: Repository) -> MainWindow:
    """The window shown at 1366x768 (less a title bar), with nothing open."""
    main = MainWindow(repo, today=TODAY)
    qtbot.addWidget(main)
    main.resize(SCREEN_WIDTH, SCREEN_HEIGHT - TITLE_BAR)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def charting(window: MainWindow, patient: Patient, qtbot: QtBot) -> MainWindow:
    """The window with a new draft open for the patient and the diagram focused."""
    assert window.new_session(patient.id)
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    return window


def draft_of(window: MainWindow) -> Session:
    """The session shown in the window."""
    return window.model.session


def record_reason(window: MainWindow, qtbot: QtBot, reason: str) -> None:
    """Type the deviation reason in the session header, as the injector does."""
    deviation = window.header_panel.deviation
    deviation.setFocus()
    qtbot.waitUntil(deviation.hasFocus)
    qtbot.keyClicks(deviation, reason)
    qtbot.keyClick(deviation, Qt.Key.Key_Return)
    assert draft_of(window).deviation_reason == reason


def save_screenshot(window: MainWindow, name: str) -> Path:
    """Save a picture of the window under test-artifacts/ for people to look at."""
    QApplication.processEvents()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"ui-{name}.png"
    window.grab().save(str(path))
    return path
