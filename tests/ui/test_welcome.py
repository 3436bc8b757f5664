"""The first-run welcome: asks for the clinic and the first injector once, then never again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from charting.domain.people import Clinic, Injector
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.welcome import WelcomeDialog, needs_welcome
from tests.ui.patients_fixtures import make_repository, save_screenshot


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return make_repository(tmp_path)


def type_pin(dialog: WelcomeDialog, pin: str, again: str | None = None) -> None:
    dialog.injector_form.pin.setText(pin)
    dialog.injector_form.pin_again.setText(pin if again is None else again)


def open_welcome(qtbot: QtBot, repo: Repository) -> WelcomeDialog:
    dialog = WelcomeDialog(repo)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_needs_welcome_until_clinic_and_injector_exist(repo: Repository) -> None:
    assert needs_welcome(repo)
    repo.save_clinic(Clinic("Lakeside Headache Clinic"))
    assert needs_welcome(repo)
    repo.save_injector(Injector(name="Anna Meyer", credentials="MD"))
    assert not needs_welcome(repo)


def test_first_run_saves_clinic_and_injector_then_never_again(qtbot: QtBot, repo: Repository, tmp_path: Path) -> None:
    dialog = open_welcome(qtbot, repo)
    assert dialog.injector_form.isVisibleTo(dialog)
    dialog.clinic_form.name.setText("Lakeside Headache Clinic")
    dialog.clinic_form.address.setPlainText("12 Harbour Road\nSpringfield")
    dialog.injector_form.name.setText("Anna Meyer")
    dialog.injector_form.credentials.setText("MD")
    dialog.injector_form.npi.setText("1234567893")
    type_pin(dialog, "2468")
    save_screenshot(dialog, "welcome")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    reopened = Repository(open_database(tmp_path / "t.db"))
    assert reopened.clinic() == Clinic("Lakeside Headache Clinic", "12 Harbour Road\nSpringfield")
    assert [(i.display_name, i.npi, i.can_sign) for i in reopened.injectors()] == [
        ("Anna Meyer, MD", "1234567893", True)
    ]
    assert dialog.saved_injector == reopened.injectors()[0]
    reopened.check_pin(int(dialog.saved_injector.id or 0), "2468", "sign")  # raises unless it is the PIN typed
    assert not needs_welcome(reopened)


def test_every_missing_field_is_shown_at_once_and_nothing_is_saved(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_welcome(qtbot, repo)
    dialog.injector_form.npi.setText("12345")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.clinic_form.name_error.isVisible()
    assert dialog.injector_form.name_error.isVisible()
    assert "10 digits" in dialog.injector_form.npi_error.text()
    assert repo.clinic() is None
    assert repo.injectors() == []
    save_screenshot(dialog, "welcome_errors")


def test_only_the_missing_injector_is_asked_when_the_clinic_exists(qtbot: QtBot, repo: Repository) -> None:
    repo.save_clinic(Clinic("Lakeside Headache Clinic", "12 Harbour Road"))
    dialog = open_welcome(qtbot, repo)
    assert dialog.clinic_form.name.text() == "Lakeside Headache Clinic"
    dialog.injector_form.name.setText("Anna Meyer")
    type_pin(dialog, "2468")
    assert dialog.save()
    assert not needs_welcome(repo)


@pytest.mark.parametrize(
    ("pin", "again", "error"),
    [("", "", "Choose a PIN"), ("2468", "2469", "differ"), ("246", "246", "at least 4")],
)
def test_the_first_injector_needs_a_pin_typed_twice(
    qtbot: QtBot, repo: Repository, pin: str, again: str, error: str
) -> None:
    dialog = open_welcome(qtbot, repo)
    dialog.clinic_form.name.setText("Lakeside Headache Clinic")
    dialog.injector_form.name.setText("Anna Meyer")
    type_pin(dialog, pin, again)
    assert not dialog.save()
    assert error in dialog.injector_form.pin_error.text()
    assert repo.injectors() == [] and repo.clinic() is None


def test_injector_part_is_hidden_when_one_exists(qtbot: QtBot, repo: Repository) -> None:
    repo.save_injector(Injector(name="Anna Meyer"))
    dialog = open_welcome(qtbot, repo)
    assert not dialog.injector_form.isVisibleTo(dialog)
    dialog.clinic_form.name.setText("Lakeside Headache Clinic")
    assert dialog.save()
    assert len(repo.injectors()) == 1
    assert not needs_welcome(repo)
