"""The patient finder: search as you type on a real database, the history with intervals and due dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from charting.domain.session import Patient
from charting.domain.settings import ClinicalSettings
from charting.storage.repository import Repository
from charting.ui.patient_finder import (
    PatientFinder,
    PatientResultsModel,
    SessionHistoryModel,
    due_sentence,
    history_rows,
    interval_text,
)
from tests.ui.patients_fixtures import add_patient, draft_session, make_repository, save_screenshot, signed_session

TODAY = date.today()
SETTINGS = ClinicalSettings()


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return make_repository(tmp_path)


@pytest.fixture
def clinic(repo: Repository) -> dict[str, Patient]:
    """Three patients; Jane Doe has two signed sessions 86 days apart and a draft; Müller has none."""
    jane = add_patient(repo, "10023", "Doe", "Jane", date(1980, 4, 2), allergies="NKDA")
    john = add_patient(repo, "10024", "Doe", "John", date(1975, 11, 30))
    anna = add_patient(repo, "20001", "Müller", "Anna", date(1990, 6, 15))
    assert jane.id is not None
    first = TODAY - timedelta(days=100)
    signed_session(repo, jane.id, first, lot="C1111A")
    signed_session(repo, jane.id, first + timedelta(days=86), lot="C2222B")
    draft_session(repo, jane.id, TODAY, lot="C2222B")
    return {"jane": jane, "john": john, "anna": anna}


def open_finder(qtbot: QtBot, repo: Repository) -> PatientFinder:
    finder = PatientFinder(repo, SETTINGS, today=TODAY)
    qtbot.addWidget(finder)
    finder.show()
    return finder


def result_names(finder: PatientFinder) -> list[str]:
    model = finder.results
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def test_results_model_passes_the_model_tester(qtmodeltester, repo, clinic) -> None:
    model = PatientResultsModel(TODAY)
    model.set_rows(repo.search_patients("doe"))
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


def test_history_model_passes_the_model_tester(qtmodeltester, repo, clinic) -> None:
    model = SessionHistoryModel(SETTINGS)
    model.set_sessions(repo.sessions_for_patient(clinic["jane"].id))
    qtmodeltester.check(model)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("do", ["DOE, Jane", "DOE, John"]),
        ("doe ja", ["DOE, Jane"]),
        ("mül", ["MÜLLER, Anna"]),
        ("1002", ["DOE, Jane", "DOE, John"]),
        ("20001", ["MÜLLER, Anna"]),
        ("1980-04", ["DOE, Jane"]),
        ("jo", ["DOE, John"]),
    ],
)
def test_a_few_letters_number_or_birth_date_find_the_patient(qtbot, repo, clinic, typed, expected) -> None:
    finder = open_finder(qtbot, repo)
    for character in typed:  # one at a time, as typed (QTest cannot type "ü")
        finder.search.insert(character)
    assert result_names(finder) == expected
    assert finder.patient is not None
    assert finder.patient.display_name == expected[0]


def test_no_match_says_so_and_disables_the_patient_actions(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    finder.search.setText("zzz")
    assert result_names(finder) == []
    assert "No patient matches 'zzz'" in finder.search_status.text()
    assert finder.patient is None
    assert not finder.new_session_button.isEnabled()
    assert not finder.copy_last_button.isEnabled()
    assert not finder.open_patient_button.isEnabled()


def test_enter_opens_the_first_patient(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    qtbot.keyClicks(finder.search, "do")
    with qtbot.waitSignal(finder.patient_chosen) as chosen:
        qtbot.keyClick(finder.search, Qt.Key.Key_Return)
    assert chosen.args == [clinic["jane"].id]
    assert not finder.isVisible()


def test_arrow_keys_in_the_search_field_move_through_the_results(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    qtbot.keyClicks(finder.search, "do")
    qtbot.keyClick(finder.search, Qt.Key.Key_Down)
    assert finder.patient == clinic["john"]
    qtbot.keyClick(finder.search, Qt.Key.Key_Down)
    assert finder.patient == clinic["john"]
    qtbot.keyClick(finder.search, Qt.Key.Key_Up)
    assert finder.patient == clinic["jane"]
    with qtbot.waitSignal(finder.patient_chosen) as chosen:
        qtbot.keyClick(finder.search, Qt.Key.Key_Enter)
    assert chosen.args == [clinic["jane"].id]


def test_history_shows_every_session_with_interval_and_next_due(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    finder.search.setText("10023")
    model = finder.history
    rows = [[model.data(model.index(row, column)) for column in range(model.columnCount())] for row in range(3)]
    first = TODAY - timedelta(days=100)
    second = first + timedelta(days=86)
    assert model.rowCount() == 3
    assert rows[0] == [
        first.isoformat(),
        "Signed",
        "155 U",
        "31",
        "\N{EM DASH}",
        (first + timedelta(days=84)).isoformat(),
        "C1111A",
        "Anna Meyer, MD",
    ]
    assert rows[1][:6] == [
        second.isoformat(),
        "Signed",
        "155 U",
        "31",
        "86 days (12 wk)",
        (second + timedelta(days=84)).isoformat(),
    ]
    assert rows[2][:6] == [TODAY.isoformat(), "Draft", "155 U", "31", "14 days (2 wk)", "\N{EM DASH}"]
    assert finder.due.text() == due_sentence(second, TODAY, SETTINGS)
    assert "in 70 days" in finder.due.text()
    assert "Record 10023" in finder.patient_details.text()
    assert "allergies: NKDA" in finder.patient_details.text()
    assert finder.copy_last_button.isEnabled()
    assert finder.selected_session_id() is not None  # the latest session is selected
    save_screenshot(finder, "patient_finder")


def test_a_patient_without_sessions_cannot_copy_a_last_session(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    finder.search.setText("müller")
    assert finder.history.rowCount() == 0
    assert finder.due.text() == "No signed session yet."
    assert finder.new_session_button.isEnabled()
    assert not finder.copy_last_button.isEnabled()
    assert not finder.open_session_button.isEnabled()


@pytest.mark.parametrize(
    ("button", "signal"),
    [
        ("new_session_button", "new_session_requested"),
        ("copy_last_button", "copy_last_session_requested"),
        ("open_patient_button", "patient_chosen"),
    ],
)
def test_buttons_ask_the_window_for_the_chosen_patient(qtbot, repo, clinic, button, signal) -> None:
    finder = open_finder(qtbot, repo)
    finder.search.setText("jane")
    with qtbot.waitSignal(getattr(finder, signal)) as emitted:
        qtbot.mouseClick(getattr(finder, button), Qt.MouseButton.LeftButton)
    assert emitted.args == [clinic["jane"].id]


def test_open_session_sends_the_selected_sessions_id(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    finder.search.setText("jane")
    sessions = repo.sessions_for_patient(clinic["jane"].id)
    finder.history_view.selectRow(0)
    with qtbot.waitSignal(finder.open_session_requested) as emitted:
        qtbot.mouseClick(finder.open_session_button, Qt.MouseButton.LeftButton)
    assert emitted.args == [sessions[0].id]


def test_new_patient_from_the_finder_is_saved_and_selected(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    form = finder.open_new_patient()
    assert form.isVisible()
    form.family_name.setText("Okafor")
    form.given_name.setText("Chidi")
    form.dob.setText("1988-02-29")
    form.mrn.setText("30001")
    with qtbot.waitSignal(form.accepted):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert finder.search.text() == "30001"
    assert finder.patient is not None
    assert finder.patient.display_name == "OKAFOR, Chidi"
    assert finder.patient == repo.patient_by_mrn("30001")


def test_edit_patient_from_the_finder_shows_the_change(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    finder.search.setText("müller")
    form = finder.open_edit_patient()
    assert form is not None
    form.allergies.setText("latex")
    with qtbot.waitSignal(form.accepted):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert finder.patient is not None
    assert finder.patient.allergies == "latex"
    assert "allergies: latex" in finder.patient_details.text()


def test_history_rows_without_qt() -> None:
    assert history_rows([], SETTINGS) == []
    assert interval_text(None) == "\N{EM DASH}"
    assert interval_text(90) == "90 days (12 wk)"


@pytest.mark.parametrize(
    ("days_ago", "words"),
    [
        (20, "Eligible from {eligible} (in 64 days); due by {end}."),
        (80, "Eligible from {eligible} (in 4 days); due by {end}."),
        (83, "Eligible from {eligible} (in 1 day); due by {end}."),
        (84, "Due now: eligible since {eligible} (today); due by {end}."),
        (85, "Due now: eligible since {eligible} (1 day ago); due by {end}."),
        (91, "Due now: eligible since {eligible} (7 days ago); due by {end}."),
        (92, "Overdue: eligible since {eligible} (8 days ago); it was due by {end}."),
    ],
)
def test_due_sentence_against_today(days_ago: int, words: str) -> None:
    """Never "due" before the earliest eligible date (84 days), even inside the window's early days."""
    eligible = TODAY - timedelta(days=days_ago - 84)
    sentence = due_sentence(TODAY - timedelta(days=days_ago), TODAY, SETTINGS)
    assert sentence == words.format(eligible=eligible.isoformat(), end=(eligible + timedelta(days=7)).isoformat())


def test_a_database_failure_while_searching_is_a_sentence(qtbot, repo, clinic) -> None:
    finder = open_finder(qtbot, repo)
    repo.db.close()
    finder.search.setText("doe")
    assert result_names(finder) == []
    assert "try again" in finder.error.text()


def test_typed_and_stored_markup_shows_as_typed(qtbot, repo) -> None:
    add_patient(repo, "<i>1</i>", "<b>Bold</b>", "Ann", date(1980, 1, 1), allergies="<u>latex</u>")
    finder = open_finder(qtbot, repo)
    finder.search.setText("<x")
    assert finder.search_status.textFormat() is Qt.TextFormat.PlainText
    assert "No patient matches '<x'" in finder.search_status.text()
    finder.search.setText("<i>1")
    assert finder.patient is not None
    assert finder.patient_details.textFormat() is Qt.TextFormat.PlainText
    assert "Record <i>1</i>" in finder.patient_details.text() and "<u>latex</u>" in finder.patient_details.text()
