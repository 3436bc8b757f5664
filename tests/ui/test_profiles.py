"""Clinic and injector profiles: edited in the dialog, saved to a real database, checked before saving."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from charting.domain.people import Clinic, Injector
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.profiles import ProfilesDialog, npi_error
from tests.ui.patients_fixtures import make_repository, save_screenshot


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return make_repository(tmp_path)


def open_profiles(qtbot: QtBot, repo: Repository) -> ProfilesDialog:
    dialog = ProfilesDialog(repo)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click(qtbot: QtBot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize(
    ("npi", "words"),
    [
        ("", ""),
        ("1234567893", ""),
        ("1245319599", ""),
        ("1234567890", "check digit"),
        ("123456789", "10 digits"),
        ("12345678a3", "10 digits"),
    ],
)
def test_npi_length_and_check_digit(npi: str, words: str) -> None:
    error = npi_error(npi)
    assert (words in error) if words else error == ""


def test_clinic_is_saved_and_shown_again(qtbot: QtBot, repo: Repository, tmp_path: Path) -> None:
    dialog = open_profiles(qtbot, repo)
    dialog.clinic_form.name.setText("Lakeside Headache Clinic")
    dialog.clinic_form.address.setPlainText("12 Harbour Road\nSpringfield")
    dialog.clinic_form.phone.setText("555-0100")
    click(qtbot, dialog.save_clinic_button)
    assert dialog.clinic_status.text() == "Clinic saved."
    expected = Clinic("Lakeside Headache Clinic", "12 Harbour Road\nSpringfield", "555-0100")
    assert Repository(open_database(tmp_path / "t.db")).clinic() == expected
    again = open_profiles(qtbot, repo)
    assert again.clinic_form.name.text() == "Lakeside Headache Clinic"
    assert again.clinic_form.address.toPlainText() == "12 Harbour Road\nSpringfield"


def test_clinic_without_a_name_is_refused(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_profiles(qtbot, repo)
    click(qtbot, dialog.save_clinic_button)
    assert dialog.clinic_form.name_error.isVisible()
    assert "Enter the clinic's name" in dialog.clinic_form.name_error.text()
    assert repo.clinic() is None


def test_injectors_are_added_listed_and_edited(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_profiles(qtbot, repo)
    form = dialog.injector_form
    form.name.setText("Anna Meyer")
    form.credentials.setText("MD")
    form.npi.setText("1234567893")
    click(qtbot, dialog.save_injector_button)
    click(qtbot, dialog.add_injector_button)
    form.name.setText("Ben Ortiz")
    form.credentials.setText("RN")
    form.assistant.setChecked(True)
    click(qtbot, dialog.save_injector_button)
    assert dialog.injector_status.text() == "Ben Ortiz, RN saved."
    assert [(i.name, i.credentials, i.npi, i.can_sign) for i in repo.injectors()] == [
        ("Anna Meyer", "MD", "1234567893", True),
        ("Ben Ortiz", "RN", "", False),
    ]
    labels = [dialog.injector_list.item(row).text() for row in range(dialog.injector_list.count())]
    assert labels == ["Anna Meyer, MD", "Ben Ortiz, RN (assistant)"]

    dialog.injector_list.setCurrentRow(0)
    assert form.name.text() == "Anna Meyer"
    assert form.may_sign.isChecked()
    form.credentials.setText("MD, PhD")
    click(qtbot, dialog.save_injector_button)
    assert [i.display_name for i in repo.injectors()] == ["Anna Meyer, MD, PhD", "Ben Ortiz, RN"]
    save_screenshot(dialog, "profiles")


def test_injector_mistakes_are_refused_next_to_the_field(qtbot: QtBot, repo: Repository) -> None:
    repo.save_injector(Injector(name="Anna Meyer", credentials="MD", npi="1234567893"))
    dialog = open_profiles(qtbot, repo)
    click(qtbot, dialog.add_injector_button)
    form = dialog.injector_form
    form.npi.setText("1234567890")
    click(qtbot, dialog.save_injector_button)
    assert "Enter the injector's name" in form.name_error.text()
    assert "check digit" in form.npi_error.text()
    form.name.setText("Carl Diaz")
    form.npi.setText("1234567893")
    click(qtbot, dialog.save_injector_button)
    assert form.npi_error.text() == "This NPI already belongs to Anna Meyer, MD."
    assert len(repo.injectors()) == 1
    save_screenshot(dialog, "profiles_errors")


def test_saving_a_profile_keeps_its_own_npi(qtbot: QtBot, repo: Repository) -> None:
    repo.save_injector(Injector(name="Anna Meyer", credentials="MD", npi="1234567893"))
    dialog = open_profiles(qtbot, repo)
    assert dialog.injector_form.name.text() == "Anna Meyer"
    click(qtbot, dialog.save_injector_button)
    assert dialog.injector_form.npi_error.text() == ""
    assert len(repo.injectors()) == 1


def test_a_name_with_markup_shows_as_typed(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_profiles(qtbot, repo)
    dialog.injector_form.name.setText("<b>Kim</b> & Co")
    click(qtbot, dialog.save_injector_button)
    assert dialog.injector_status.textFormat() is Qt.TextFormat.PlainText
    assert dialog.injector_status.text() == "<b>Kim</b> & Co saved."


def test_once_pins_are_in_use_a_new_signer_is_saved_only_with_an_injectors_approval(
    qtbot: QtBot, repo: Repository
) -> None:
    anna = repo.save_injector(Injector(name="Anna Meyer", credentials="MD"))
    repo.set_pin(int(anna.id or 0), "2468")
    dialog = open_profiles(qtbot, repo)
    asked: list[str] = []
    dialog.approve = lambda reason: asked.append(reason) or None  # the approver cancels
    dialog.new_injector()
    dialog.injector_form.name.setText("Lee Park")
    dialog.injector_form.credentials.setText("PA-C")
    assert dialog.save_injector() is None
    assert asked == ["An injector's PIN approves this change: Lee Park, PA-C will sign notes."]
    assert "needs an injector's approval" in dialog.injector_status.text()
    assert [i.name for i in repo.injectors()] == ["Anna Meyer"]
    dialog.approve = lambda _reason: (int(anna.id or 0), "2468")
    saved = dialog.save_injector()
    assert saved is not None and saved.display_name == "Lee Park, PA-C"


def test_a_second_profile_with_the_same_name_is_refused(qtbot: QtBot, repo: Repository) -> None:
    repo.save_injector(Injector(name="Anna Meyer", credentials="MD"))
    dialog = open_profiles(qtbot, repo)
    dialog.new_injector()
    dialog.injector_form.name.setText("Anna Meyer")
    dialog.injector_form.credentials.setText("MD")
    assert dialog.save_injector() is None
    assert "exists already" in dialog.injector_error.text()
