"""The due list dialog on a real database with known dates: who is listed, numeric sorting, opening, CSV export."""

from __future__ import annotations

import csv
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from charting.domain.settings import ClinicalSettings
from charting.storage.repository import Repository
from charting.ui.due_list import SORT_ROLE, DueListDialog, DueListModel
from charting.ui.window import MainWindow
from tests.ui.patients_fixtures import add_patient, make_repository, save_screenshot, signed_session

TODAY = date(2026, 11, 25)
INTERVAL = 84


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    """Four patients, one signed session each: due in 3 days, 10 days overdue, due in 12 days, due in 60 days."""
    repository = make_repository(tmp_path)
    for mrn, family, due_in in (("301", "Soon", 3), ("302", "Late", -10), ("303", "Later", 12), ("304", "Far", 60)):
        patient = add_patient(repository, mrn, family, "Pat", date(1980, 1, 1))
        assert patient.id is not None
        signed_session(repository, patient.id, TODAY + timedelta(days=due_in - INTERVAL))
    return repository


def open_due_list(qtbot: QtBot, repo: Repository) -> DueListDialog:
    dialog = DueListDialog(repo, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def shown_column(dialog: DueListDialog, column: int) -> list[str]:
    proxy = dialog.proxy
    return [proxy.data(proxy.index(row, column)) for row in range(proxy.rowCount())]


def test_the_status_reads_as_the_patient_view_does_and_only_overdue_is_coloured(tmp_path: Path) -> None:
    """83/84 days: eligible or not; 91/92 days: the window's last day, then overdue; counted from one date."""
    repository = make_repository(tmp_path)
    for mrn, days_since in (("83", 83), ("84", 84), ("85", 85), ("91", 91), ("92", 92)):
        patient = add_patient(repository, mrn, f"Days-{mrn}", "Pat", date(1980, 1, 1))
        assert patient.id is not None
        signed_session(repository, patient.id, TODAY - timedelta(days=days_since))
    model = DueListModel(TODAY, ClinicalSettings())
    model.set_rows(repository.due_list(TODAY, 14))
    words = {model.rows[row].patient.mrn: model.data(model.index(row, 5)) for row in range(model.rowCount())}
    assert words == {
        "83": "eligible in 1 day",
        "84": "due today",
        "85": "due (eligible 1 day ago)",
        "91": "due (eligible 7 days ago)",
        "92": "overdue (eligible 8 days ago)",
    }
    coloured = [
        model.rows[row].patient.mrn
        for row in range(model.rowCount())
        if model.data(model.index(row, 5), Qt.ItemDataRole.ForegroundRole) is not None
    ]
    assert coloured == ["92"]


def test_the_model_passes_the_model_tester(qtmodeltester, repo: Repository) -> None:
    model = DueListModel(TODAY, ClinicalSettings())
    model.set_rows(repo.due_list(TODAY, 14))
    qtmodeltester.check(model)


def test_it_lists_the_patients_due_in_14_days_or_overdue(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_due_list(qtbot, repo)
    assert dialog.days.value() == 14
    assert shown_column(dialog, 0) == ["LATE, Pat", "SOON, Pat", "LATER, Pat"]  # not due for 60 days: left out
    assert shown_column(dialog, 1) == ["302", "301", "303"]
    assert shown_column(dialog, 2) == [(TODAY - timedelta(days=94)).isoformat(), "2026-09-05", "2026-09-14"]
    assert shown_column(dialog, 3) == ["2026-11-15", "2026-11-28", "2026-12-07"]
    assert shown_column(dialog, 4) == ["2026-11-22", "2026-12-05", "2026-12-14"]
    assert shown_column(dialog, 5) == ["overdue (eligible 10 days ago)", "eligible in 3 days", "eligible in 12 days"]
    assert dialog.status.text().startswith("3 patients, 1 overdue")
    save_screenshot(dialog, "due-list")

    dialog.days.setValue(60)
    assert shown_column(dialog, 1) == ["302", "301", "303", "304"]
    dialog.days.setValue(0)
    assert shown_column(dialog, 1) == ["302"]


def test_sorting_by_days_and_dates_is_by_number_not_text(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_due_list(qtbot, repo)
    dialog.view.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert shown_column(dialog, 5) == [
        "eligible in 12 days",
        "eligible in 3 days",
        "overdue (eligible 10 days ago)",
    ]  # not as text
    dialog.view.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    assert shown_column(dialog, 5) == ["overdue (eligible 10 days ago)", "eligible in 3 days", "eligible in 12 days"]
    assert dialog.proxy.data(dialog.proxy.index(0, 5), SORT_ROLE) == -10
    dialog.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert shown_column(dialog, 0) == ["LATE, Pat", "LATER, Pat", "SOON, Pat"]
    dialog.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert shown_column(dialog, 1) == ["303", "301", "302"]


def test_a_double_click_or_enter_opens_the_patient(qtbot: QtBot, repo: Repository) -> None:
    dialog = open_due_list(qtbot, repo)
    late = repo.patient_by_mrn("302")
    soon = repo.patient_by_mrn("301")
    assert late is not None and soon is not None
    with qtbot.waitSignal(dialog.patient_chosen) as chosen:
        qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert chosen.args == [late.id]
    assert dialog.result() == DueListDialog.DialogCode.Accepted

    dialog = open_due_list(qtbot, repo)
    rect = dialog.view.visualRect(dialog.proxy.index(1, 0))
    with qtbot.waitSignal(dialog.patient_chosen) as chosen:
        # a real double click is a press, release and double-click event; QTest's mouseDClick sends the last only
        qtbot.mouseClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == [soon.id]


def test_export_csv_writes_the_rows_as_shown_to_an_owner_only_file(
    qtbot: QtBot, repo: Repository, tmp_path: Path
) -> None:
    dialog = open_due_list(qtbot, repo)
    dialog.view.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    path = tmp_path / "due.csv"
    assert dialog.export_csv_to(path)
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows == [
        ["name", "mrn", "last_session", "next_due", "due_by", "days_until", "status"],
        ["LATER, Pat", "303", "2026-09-14", "2026-12-07", "2026-12-14", "12", "not yet eligible"],
        ["SOON, Pat", "301", "2026-09-05", "2026-11-28", "2026-12-05", "3", "not yet eligible"],
        ["LATE, Pat", "302", "2026-08-23", "2026-11-15", "2026-11-22", "-10", "overdue"],
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path) in dialog.notice.text()

    before = path.read_bytes()
    dialog.days.setValue(60)
    assert not dialog.export_csv_to(path)  # never replaced without asking
    assert path.read_bytes() == before
    assert dialog.error.text() == f"{path} already exists; choose another file name."
    assert dialog.export_csv_to(path, replace=True)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 5


def test_the_window_opens_it_with_ctrl_shift_d_and_shows_the_chosen_patient(qtbot: QtBot, repo: Repository) -> None:
    window = MainWindow(repo, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    assert window.act_due_list.shortcut() == QKeySequence("Ctrl+Shift+D")
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert window.act_due_list in menus["&Records"].actions()
    window.act_due_list.trigger()
    dialog = window.dialog
    assert isinstance(dialog, DueListDialog)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert window.patient is not None and window.patient.mrn == "302"


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
    qtbot: QtBot, repo: Repository, tmp_path: Path
) -> None:
    sly = add_patient(repo, "=1+2", "=HYPERLINK(1)", "Pat", date(1980, 1, 1))
    assert sly.id is not None
    signed_session(repo, sly.id, TODAY - timedelta(days=INTERVAL))
    dialog = open_due_list(qtbot, repo)
    path = tmp_path / "due.csv"
    assert dialog.export_csv_to(path)
    with path.open(newline="", encoding="utf-8") as stream:
        rows = {row["mrn"]: row for row in csv.DictReader(stream)}
    assert rows["'=1+2"]["name"] == "'=HYPERLINK(1), Pat"
    assert (rows["'=1+2"]["days_until"], rows["'=1+2"]["status"]) == ("0", "due")
