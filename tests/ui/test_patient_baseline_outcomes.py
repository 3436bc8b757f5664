"""The patient form's baseline outcomes: migraine and moderate/severe days, MIDAS and HIT-6, checked and stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from charting.domain.outcomes import HIT6_MAX, HIT6_MIN, MIDAS_MAX, baseline_problems
from charting.domain.session import Baseline
from charting.storage.repository import Repository
from charting.ui.patient_form import NOT_RECORDED, PatientFormDialog, hit6_words, midas_words
from tests.ui.patients_fixtures import add_patient, make_repository, save_screenshot

TODAY = date(2026, 11, 25)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return make_repository(tmp_path)


def open_form(qtbot: QtBot, repo: Repository, patient=None) -> PatientFormDialog:
    dialog = PatientFormDialog(repo, patient, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_scores_read_with_their_grade_and_impact() -> None:
    assert midas_words(5) == "Grade I, little or no disability"
    assert midas_words(21) == "Grade IV, severe disability"
    assert midas_words(None) == ""
    assert hit6_words(55) == "Some impact"
    assert hit6_words(60) == "Severe impact"
    assert hit6_words(None) == ""


def test_the_boxes_take_each_scale_and_not_recorded(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_form(qtbot, repo)
    for box, lowest, highest in (
        (dialog.migraine_days, 0, 31),
        (dialog.moderate_severe_days, 0, 31),
        (dialog.midas, 0, MIDAS_MAX),
        (dialog.hit6, HIT6_MIN, HIT6_MAX),
    ):
        assert box.text() == NOT_RECORDED
        assert (box.minimum() + 1, box.maximum()) == (lowest, highest)
    assert dialog.baseline() == Baseline()
    dialog.hit6.setValue(HIT6_MIN)
    assert dialog.baseline().hit6 == HIT6_MIN
    assert dialog.hit6_impact.text() == "Little or no impact"


def test_the_baseline_outcomes_round_trip_through_the_form(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_form(qtbot, repo)
    dialog.family_name.setText("Doe")
    dialog.given_name.setText("Jane")
    dialog.dob.setText("1980-04-02")
    dialog.mrn.setText("10023")
    dialog.headache_days.setValue(20)
    dialog.migraine_days.setValue(12)
    dialog.moderate_severe_days.setValue(9)
    dialog.midas.setValue(48)
    dialog.hit6.setValue(64)
    assert dialog.midas_grade.text() == "Grade IV, severe disability"
    assert dialog.hit6_impact.text() == "Severe impact"
    save_screenshot(dialog, "patient-form-baseline-outcomes")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = dialog.saved_patient
    assert saved is not None and saved.id is not None
    stored = repo.baseline(saved.id)
    assert stored is not None
    assert (stored.headache_days, stored.migraine_days, stored.moderate_severe_days, stored.midas, stored.hit6) == (
        20,
        12,
        9,
        48,
        64,
    )

    again = open_form(qtbot, repo, saved)
    assert again.baseline() == stored
    assert again.midas.value() == 48 and again.hit6.value() == 64
    assert again.hit6_impact.text() == "Severe impact"
    again.hit6.setValue(again.hit6.minimum())  # back to "Not recorded"
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert repo.baseline(saved.id) == Baseline(
        headache_days=20, migraine_days=12, moderate_severe_days=9, midas=48, hit6=None
    )


def test_more_migraine_days_than_headache_days_is_a_sentence_and_nothing_is_lost(
    qtbot: QtBot, repo: Repository
) -> None:
    jane = add_patient(repo, "10023", "Doe", "Jane", date(1980, 4, 2))
    assert jane.id is not None
    dialog = open_form(qtbot, repo, jane)
    dialog.headache_days.setValue(16)
    dialog.migraine_days.setValue(18)
    dialog.moderate_severe_days.setValue(20)
    dialog.midas.setValue(30)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert repo.baseline(jane.id) is None
    assert dialog.errors["migraine_days"].isVisible()
    assert dialog.errors["migraine_days"].text() == (
        "Migraine days (18) cannot be more than the headache days (16); check both."
    )
    assert "Moderate or severe days (20)" in dialog.errors["moderate_severe_days"].text()
    assert (dialog.migraine_days.value(), dialog.moderate_severe_days.value(), dialog.midas.value()) == (18, 20, 30)

    dialog.migraine_days.setValue(14)
    assert not dialog.errors["migraine_days"].isVisible()  # the corrected field's sentence goes
    dialog.moderate_severe_days.setValue(10)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert repo.baseline(jane.id) == Baseline(headache_days=16, migraine_days=14, moderate_severe_days=10, midas=30)


def test_baseline_problems_use_the_outcome_scales() -> None:
    assert baseline_problems(Baseline(headache_days=20, migraine_days=12, midas=270, hit6=78)) == {}
    problems = baseline_problems(Baseline(headache_days=10, migraine_days=11, midas=271, hit6=35))
    assert set(problems) == {"migraine_days", "midas", "hit6"}
    assert problems["hit6"] == "A HIT-6 total runs from 36 to 78; enter 36 to 78, not 35."
