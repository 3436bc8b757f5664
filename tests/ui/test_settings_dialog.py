"""The clinical settings dialog: every setting asked, saved to the database, reloaded, and used by the window."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from charting.domain.interval import INTERVAL_EARLY
from charting.domain.people import Injector
from charting.domain.settings import ClinicalSettings
from charting.storage.database import open_database
from charting.storage.repository import Repository
from charting.ui.settings_dialog import CHOICE_SETTINGS, NUMBER_SETTINGS, SettingsDialog
from charting.ui.window import MainWindow
from tests.ui.patients_fixtures import add_patient, make_repository, save_screenshot, signed_session

CHANGED = ClinicalSettings(
    interval_days=90,
    due_window_days=10,
    reconstitution_hours=4,
    min_age_years=16,
    chronic_headache_days=14,
    min_headache_hours=3,
    prior_preventives_required=3,
    overuse_days_specific=8,
    overuse_days_simple=12,
    responder_threshold_pct=50,
    nonresponse_cycles_to_stop=3,
    episodic_days=12,
    episodic_months=4,
    default_diagnosis="G43.719",
    paper_size="a4",
)
"""A value other than the default for every setting."""


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return make_repository(tmp_path)


def open_settings(qtbot: QtBot, repo: Repository) -> SettingsDialog:
    dialog = SettingsDialog(repo, repo.protocol)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def enter(dialog: SettingsDialog, settings: ClinicalSettings) -> None:
    for name, box in dialog.numbers.items():
        box.setValue(getattr(settings, name))
    for combo, value in (
        (dialog.responder_threshold, settings.responder_threshold_pct),
        (dialog.default_diagnosis, settings.default_diagnosis),
        (dialog.paper_size, settings.paper_size),
    ):
        index = combo.findData(value)
        assert index >= 0, value
        combo.setCurrentIndex(index)


def test_every_setting_is_asked_with_its_unit_and_range(qtbot: QtBot, repo: Repository) -> None:
    assert set(NUMBER_SETTINGS) | set(CHOICE_SETTINGS) == {field.name for field in fields(ClinicalSettings)}
    defaults = ClinicalSettings()
    assert all(getattr(CHANGED, field.name) != getattr(defaults, field.name) for field in fields(ClinicalSettings))
    dialog = open_settings(qtbot, repo)
    assert dialog.entered() == ClinicalSettings()  # a new clinic starts with the defaults
    interval = dialog.numbers["interval_days"]
    assert interval.suffix() == " days"
    assert (interval.minimum(), interval.maximum()) == (28, 365)
    assert "default 84" in interval.toolTip()
    assert dialog.numbers["min_headache_hours"].suffix() == " hours a day"
    assert [dialog.responder_threshold.itemData(i) for i in range(dialog.responder_threshold.count())] == [30, 50]
    codes = [dialog.default_diagnosis.itemData(i) for i in range(dialog.default_diagnosis.count())]
    assert codes == [diagnosis.code for diagnosis in repo.protocol.diagnoses]
    assert [dialog.paper_size.itemText(i) for i in range(dialog.paper_size.count())] == ["US Letter", "A4"]
    save_screenshot(dialog, "clinical-settings")


def test_save_stores_the_settings_and_a_new_connection_reads_them(
    qtbot: QtBot, repo: Repository, tmp_path: Path
) -> None:
    dialog = open_settings(qtbot, repo)
    enter(dialog, CHANGED)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert repo.settings == CHANGED
    reopened = Repository(open_database(tmp_path / "t.db"), actor="test")
    assert reopened.settings == CHANGED
    again = open_settings(qtbot, reopened)
    assert again.entered().interval_days == 90
    assert again.paper_size.currentText() == "A4"
    assert again.responder_threshold.currentData() == 50


def test_restore_defaults_and_an_unlisted_stored_value(qtbot: QtBot, repo: Repository) -> None:
    repo.save_clinical_settings(ClinicalSettings(responder_threshold_pct=40, default_diagnosis="G43.999"))
    dialog = open_settings(qtbot, repo)
    assert dialog.responder_threshold.currentText() == "40% fewer headache days"  # kept, not silently changed
    assert dialog.default_diagnosis.currentData() == "G43.999"
    assert dialog.entered() == repo.settings
    qtbot.mouseClick(dialog.defaults_button, Qt.MouseButton.LeftButton)
    assert dialog.entered() == ClinicalSettings()


def test_the_window_uses_the_saved_settings_at_once(qtbot: QtBot, repo: Repository) -> None:
    window = MainWindow(repo, today=date(2026, 11, 25))
    qtbot.addWidget(window)
    window.show()
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert window.act_settings in menus["&Records"].actions()
    window.act_settings.trigger()
    dialog = window.dialog
    assert isinstance(dialog, SettingsDialog)
    enter(dialog, CHANGED)
    with qtbot.waitSignal(window.model.session_changed):  # the checklist is worked out again
        dialog.save()
    assert window.settings == CHANGED
    assert window.model.settings == CHANGED


def test_the_open_sessions_checklist_follows_a_new_interval(qtbot: QtBot, repo: Repository) -> None:
    today = date(2026, 11, 25)
    jane = add_patient(repo, "10023", "Doe", "Jane", date(1980, 4, 2))
    assert jane.id is not None
    signed_session(repo, jane.id, today - timedelta(days=86))
    window = MainWindow(repo, today=today)
    qtbot.addWidget(window)
    window.show()
    assert window.new_session(jane.id)
    assert INTERVAL_EARLY not in {finding.code for finding in window.model.findings}
    window.clinical_settings()
    dialog = window.dialog
    assert isinstance(dialog, SettingsDialog)
    dialog.numbers["interval_days"].setValue(90)
    dialog.save()
    assert INTERVAL_EARLY in {finding.code for finding in window.model.findings}  # 86 days is now too soon


def test_once_pins_are_in_use_the_settings_need_an_injectors_approval(qtbot: QtBot, repo: Repository) -> None:
    injector = repo.save_injector(Injector(name="Anna Meyer", credentials="MD"))
    repo.set_pin(int(injector.id or 0), "2468")
    dialog = SettingsDialog(repo, repo.protocol)
    qtbot.addWidget(dialog)
    dialog.approve = lambda _reason: None
    dialog.idle_lock.setValue(1)
    assert not dialog.save()
    assert dialog.error.text() == "Not saved: the settings need an injector's approval."
    assert repo.setting("idle_lock_minutes") is None
    dialog.approve = lambda _reason: (int(injector.id or 0), "2468")
    assert dialog.save()
    assert repo.setting("idle_lock_minutes") == "1"
