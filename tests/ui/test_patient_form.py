"""The patient form: identity and baseline saved to a real database, every mistake caught before saving."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from charting.domain.eligibility import Baseline
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.patient_form import PREFERRED_WIDTH, PatientFormDialog, check_patient_fields, parse_preventives
from tests.ui.patients_fixtures import add_patient, make_repository, save_screenshot

TODAY = date.today()


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return make_repository(tmp_path)


def open_form(qtbot: QtBot, repo: Repository, patient=None) -> PatientFormDialog:
    dialog = PatientFormDialog(repo, patient)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(dialog: PatientFormDialog, family="Doe", given="Jane", dob="1980-04-02", mrn="10023") -> None:
    dialog.family_name.setText(family)
    dialog.given_name.setText(given)
    dialog.dob.setText(dob)
    dialog.mrn.setText(mrn)


def click_save(qtbot: QtBot, dialog: PatientFormDialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def visible_errors(dialog: PatientFormDialog) -> dict[str, str]:
    return {key: label.text() for key, label in dialog.errors.items() if label.isVisible()}


@pytest.mark.parametrize(
    ("entered", "field", "words"),
    [
        (("", "Jane", "1980-04-02", "1"), "family_name", "family name"),
        (("Doe", " ", "1980-04-02", "1"), "given_name", "given name"),
        (("Doe", "Jane", "1980-04-02", ""), "mrn", "record number"),
        (("Doe", "Jane", "", "1"), "dob", "YYYY-MM-DD"),
        (("Doe", "Jane", "02/04/1980", "1"), "dob", "is not a date"),
        (("Doe", "Jane", "1980-02-30", "1"), "dob", "is not a date"),
        (("Doe", "Jane", (TODAY + timedelta(days=1)).isoformat(), "1"), "dob", "in the future"),
        (("Doe", "Jane", "1880-01-01", "1"), "dob", "check the year"),
    ],
)
def test_each_identity_mistake_gets_its_sentence(entered, field, words) -> None:
    errors, _dob = check_patient_fields(*entered, TODAY)
    assert list(errors) == [field]
    assert words in errors[field]


def test_valid_identity_has_no_errors_and_parses_the_date() -> None:
    assert check_patient_fields("Doe", "Jane", " 1980-04-02 ", "10023", TODAY) == ({}, date(1980, 4, 2))


def test_preventives_are_split_trimmed_and_deduplicated() -> None:
    assert parse_preventives("topiramate, Propranolol;\n amitriptyline, propranolol,,") == (
        "topiramate",
        "Propranolol",
        "amitriptyline",
    )


def test_new_patient_and_baseline_are_saved_to_the_file(qtbot: QtBot, repo: Repository, tmp_path: Path) -> None:
    dialog = open_form(qtbot, repo)
    assert dialog.windowTitle() == "New patient"
    fill(dialog)
    dialog.sex.setCurrentIndex(dialog.sex.findData("F"))
    dialog.allergies.setText("penicillin (rash)")
    dialog.headache_days.setValue(20)
    dialog.headache_hours.setValue(6)
    dialog.preventives.setText("topiramate, propranolol")
    dialog.specific_acute_days.setValue(8)
    dialog.simple_analgesic_days.setValue(4)
    save_screenshot(dialog, "patient_form_new")
    with qtbot.waitSignal(dialog.accepted):
        click_save(qtbot, dialog)

    reopened = Repository(open_database(tmp_path / "t.db"))
    patient = reopened.patient_by_mrn("10023")
    assert patient is not None
    assert dialog.saved_patient == patient
    assert (patient.family_name, patient.given_name, patient.dob) == ("Doe", "Jane", date(1980, 4, 2))
    assert (patient.sex, patient.allergies) == ("F", "penicillin (rash)")
    assert patient.id is not None
    assert reopened.baseline(patient.id) == Baseline(
        headache_days=20,
        headache_hours_per_day=6.0,
        failed_preventives=("topiramate", "propranolol"),
        specific_acute_days=8,
        simple_analgesic_days=4,
    )


def test_no_baseline_is_written_when_none_was_entered(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_form(qtbot, repo)
    fill(dialog)
    assert dialog.save()
    assert dialog.saved_patient is not None and dialog.saved_patient.id is not None
    assert repo.baseline(dialog.saved_patient.id) is None


def test_empty_form_shows_a_sentence_by_every_required_field_and_saves_nothing(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_form(qtbot, repo)
    click_save(qtbot, dialog)
    assert set(visible_errors(dialog)) == {"family_name", "given_name", "dob", "mrn"}
    assert dialog.isVisible()
    assert dialog.saved_patient is None
    assert repo.search_patients("") == []
    assert dialog.focusWidget() is dialog.family_name
    save_screenshot(dialog, "patient_form_errors")


def test_future_birth_date_is_refused_next_to_the_field(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_form(qtbot, repo)
    fill(dialog, dob=(TODAY + timedelta(days=30)).isoformat())
    click_save(qtbot, dialog)
    errors = visible_errors(dialog)
    assert list(errors) == ["dob"]
    assert "in the future; check the year" in errors["dob"]
    assert repo.patient_by_mrn("10023") is None
    dialog.dob.setText("1980-04-02")
    assert visible_errors(dialog) == {}, "correcting the field takes its sentence away"


def test_record_number_of_another_patient_is_refused(qtbot: QtBot, repo: Repository) -> None:
    add_patient(repo, "10023", "Roe", "Richard", date(1970, 1, 1))
    dialog = open_form(qtbot, repo)
    fill(dialog, mrn=" 10023 ")
    click_save(qtbot, dialog)
    errors = visible_errors(dialog)
    assert list(errors) == ["mrn"]
    assert "already belongs to ROE, Richard" in errors["mrn"]
    assert [p.family_name for p in repo.search_patients("")] == ["Roe"]


def test_likely_duplicate_asks_to_confirm_then_saves(qtbot: QtBot, repo: Repository) -> None:
    add_patient(repo, "500", "Doe", "Jane", date(1980, 4, 2))
    dialog = open_form(qtbot, repo)
    fill(dialog, mrn="501")
    assert not dialog.different_person.isVisible()
    click_save(qtbot, dialog)
    errors = visible_errors(dialog)
    assert list(errors) == ["duplicate"]
    assert "already exists (record 500)" in errors["duplicate"]
    assert dialog.different_person.isVisible()
    assert repo.patient_by_mrn("501") is None
    save_screenshot(dialog, "patient_form_duplicate")

    dialog.different_person.setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        click_save(qtbot, dialog)
    assert repo.patient_by_mrn("501") is not None


def test_changing_the_name_after_a_duplicate_warning_asks_again(qtbot: QtBot, repo: Repository) -> None:
    add_patient(repo, "500", "Doe", "Jane", date(1980, 4, 2))
    dialog = open_form(qtbot, repo)
    fill(dialog, mrn="501")
    click_save(qtbot, dialog)
    dialog.different_person.setChecked(True)
    dialog.given_name.setText("Janet")
    assert not dialog.different_person.isChecked()
    assert not dialog.different_person.isVisible()
    assert visible_errors(dialog) == {}


def test_edit_prefills_keeps_its_own_record_number_and_updates_the_baseline(qtbot: QtBot, repo: Repository) -> None:
    patient = add_patient(repo, "10023", "Doe", "Jane", date(1980, 4, 2), sex="F", allergies="NKDA")
    assert patient.id is not None
    repo.save_baseline(patient.id, Baseline(headache_days=18, failed_preventives=("topiramate",)))
    dialog = open_form(qtbot, repo, patient)
    assert dialog.windowTitle() == "Edit patient: DOE, Jane"
    assert (dialog.family_name.text(), dialog.dob.text(), dialog.mrn.text()) == ("Doe", "1980-04-02", "10023")
    assert dialog.sex.currentData() == "F"
    assert dialog.allergies.text() == "NKDA"
    assert dialog.headache_days.value() == 18
    assert dialog.headache_hours.text() == "Not recorded"
    assert dialog.preventives.text() == "topiramate"

    dialog.allergies.setText("latex")
    dialog.preventives.setText("topiramate, candesartan")
    with qtbot.waitSignal(dialog.accepted):
        click_save(qtbot, dialog)
    assert repo.get_patient(patient.id).allergies == "latex"
    assert repo.baseline(patient.id) == Baseline(headache_days=18, failed_preventives=("topiramate", "candesartan"))
    assert len(repo.search_patients("Doe")) == 1


def test_edit_refuses_taking_another_patients_record_number(qtbot: QtBot, repo: Repository) -> None:
    add_patient(repo, "1", "Roe", "Richard", date(1970, 1, 1))
    patient = add_patient(repo, "2", "Doe", "Jane", date(1980, 4, 2))
    dialog = open_form(qtbot, repo, patient)
    dialog.mrn.setText("1")
    click_save(qtbot, dialog)
    assert list(visible_errors(dialog)) == ["mrn"]
    assert repo.patient_by_mrn("2") == patient


def test_eligibility_follows_the_baseline_as_it_is_entered(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_form(qtbot, repo)
    assert "once the date of birth is entered" in dialog.eligibility.text()
    dialog.dob.setText("1980-04-02")
    assert "Record the baseline headache days" in dialog.eligibility.text()
    dialog.headache_days.setValue(10)
    assert "episodic migraine" in dialog.eligibility.text()
    dialog.headache_days.setValue(20)
    dialog.headache_hours.setValue(8)
    dialog.preventives.setText("topiramate, propranolol")
    assert "Medication overuse is not assessed" in dialog.eligibility.text()
    dialog.specific_acute_days.setValue(4)
    assert dialog.eligibility.text() == "Meets the criteria for chronic migraine treatment."
    dialog.dob.setText((TODAY - timedelta(days=365 * 16)).isoformat())
    assert "treatment is for adults" in dialog.eligibility.text()


def test_a_database_failure_is_a_sentence_on_the_form_not_a_traceback(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_form(qtbot, repo)
    fill(dialog)
    repo.db.close()
    click_save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.saved_patient is None
    assert dialog.form_error.isVisible()
    assert "try again" in dialog.form_error.text()


def save_button_position(dialog: PatientFormDialog) -> tuple[int, int, int, int]:
    """Where the Save button is on the screen, and its size, once pending layout changes have been applied."""
    QApplication.processEvents()
    corner = dialog.save_button.mapToGlobal(QPoint(0, 0))
    return corner.x(), corner.y(), dialog.save_button.width(), dialog.save_button.height()


@pytest.mark.parametrize("width", [PREFERRED_WIDTH, 0], ids=["preferred-width", "narrowest"])
def test_the_save_button_stays_put_while_the_eligibility_findings_change(
    qtbot: QtBot, repo: Repository, width: int
) -> None:
    """The findings grow from one line to every finding the checklist gives, wrapped at the dialog's width."""
    dialog = open_form(qtbot, repo)
    qtbot.waitExposed(dialog)
    dialog.resize(max(width, dialog.minimumSizeHint().width()), dialog.height())
    start = save_button_position(dialog)
    dialog.dob.setText("1980-04-02")
    dialog.headache_days.setValue(20)
    dialog.headache_hours.setValue(8)
    dialog.preventives.setText("topiramate, propranolol")
    assert "Medication overuse is not assessed" in dialog.eligibility.text()
    dialog.specific_acute_days.setValue(4)
    assert dialog.eligibility.text() == "Meets the criteria for chronic migraine treatment."
    assert save_button_position(dialog) == start
    dialog.dob.setText((TODAY - timedelta(days=365 * 16)).isoformat())  # a minor
    dialog.headache_days.setValue(10)  # episodic
    dialog.headache_hours.setValue(2)  # too short
    dialog.preventives.setText("")  # none tried
    dialog.specific_acute_days.setValue(14)  # medication overuse, not managed
    assert dialog.eligibility.text().count("\N{BULLET}") == 5
    assert save_button_position(dialog) == start
    if width == 0:
        assert dialog.eligibility_area.verticalScrollBar().isVisible(), "what does not fit scrolls"
    save_screenshot(dialog, f"patient_form_every_finding_{width}")
    dialog.preventives.setText("topiramate, propranolol")
    assert save_button_position(dialog) == start
