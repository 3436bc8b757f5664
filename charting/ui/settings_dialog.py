"""The clinic's clinical settings: every threshold with its unit and range, the default diagnosis and paper size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from charting.domain.protocol import Protocol
from charting.domain.settings import ClinicalSettings
from charting.storage.errors import StorageError
from charting.storage.repository import Repository
from charting.ui.forms import ErrorLabel
from charting.ui.lock import DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_SETTING, MAX_IDLE_LOCK_MINUTES, idle_lock_minutes
from charting.ui.profiles import approval_request
from charting.ui.signing import ask_approval


@dataclass(frozen=True)
class NumberSetting:
    """How a numeric setting is asked: its label, unit and the range a clinic may choose from."""

    label: str
    unit: str
    minimum: int
    maximum: int
    group: str
    named: str = ""
    """The setting's name on its own, when its label only continues the row above ("for at least")."""

    @property
    def name(self) -> str:
        """The setting's name in a sentence about a change."""
        return self.named or self.label


INTERVAL, ELIGIBILITY, RESPONSE = "Interval and product", "Eligibility", "Response and stopping"
NUMBER_SETTINGS: dict[str, NumberSetting] = {
    "interval_days": NumberSetting("Earliest next session after the last", "days", 28, 365, INTERVAL),
    "due_window_days": NumberSetting("Due window either side", "days", 0, 60, INTERVAL),
    "reconstitution_hours": NumberSetting("Use reconstituted toxin within", "hours", 1, 72, INTERVAL),
    "min_age_years": NumberSetting("Minimum age", "years", 0, 30, ELIGIBILITY),
    "chronic_headache_days": NumberSetting("Chronic migraine from", "headache days a month", 1, 31, ELIGIBILITY),
    "min_headache_hours": NumberSetting("Headache lasting at least", "hours a day", 0, 24, ELIGIBILITY),
    "prior_preventives_required": NumberSetting("Failed preventives required", "preventives", 0, 10, ELIGIBILITY),
    "overuse_days_specific": NumberSetting(
        "Overuse: triptan, ergot or opioid", "days a month or more", 1, 31, ELIGIBILITY
    ),
    "overuse_days_simple": NumberSetting("Overuse: simple analgesics", "days a month or more", 1, 31, ELIGIBILITY),
    "nonresponse_cycles_to_stop": NumberSetting(
        "Consider stopping after", "cycles in a row without response", 1, 10, RESPONSE
    ),
    "episodic_days": NumberSetting("Episodic again below", "headache days a month", 1, 31, RESPONSE),
    "episodic_months": NumberSetting("for at least", "months", 1, 12, RESPONSE, named="Episodic for at least"),
}
RESPONDER_THRESHOLDS = ((30.0, "30% fewer headache days (NICE, EHF)"), (50.0, "50% fewer headache days (AHS)"))
PAPER_SIZES = (("letter", "US Letter"), ("a4", "A4"))
CHOICE_SETTINGS = ("responder_threshold_pct", "default_diagnosis", "paper_size")
"""The settings chosen from a list rather than typed as a number."""


def number_box(setting: NumberSetting, default: float) -> QSpinBox:
    """A whole-number box for one numeric setting, with its unit; its range and default in the tooltip.

    Whole numbers only: stored settings are read back as the type of their default (``ClinicalSettings.from_dict``),
    so a fraction of an hour would be cut off.
    """
    box = QSpinBox()
    box.setRange(int(setting.minimum), int(setting.maximum))
    box.setSuffix(f" {setting.unit}")
    box.setToolTip(f"{setting.minimum:g} to {setting.maximum:g} {setting.unit}; default {default:g}.")
    return box


def select_data(combo: QComboBox, value: Any, label: str) -> None:
    """Select the item holding ``value``, adding it (with ``label``) when the list does not offer it."""
    index = combo.findData(value)
    if index < 0:
        combo.addItem(label, value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class SettingsDialog(QDialog):
    """Every clinical setting with its label, unit and range; Save stores them for the whole clinic."""

    def __init__(self, repo: Repository, protocol: Protocol, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.approve: Callable[[str], tuple[int, str] | None] = lambda reason: ask_approval(self, repo, reason)
        """Asks an injector who signs to approve the settings with their PIN."""
        self.setWindowTitle("Clinical settings")
        defaults = ClinicalSettings()
        self.numbers: dict[str, QSpinBox] = {}
        groups: dict[str, QFormLayout] = {}
        columns = QHBoxLayout()
        for name, setting in NUMBER_SETTINGS.items():
            if setting.group not in groups:
                box = QGroupBox(setting.group)
                groups[setting.group] = QFormLayout(box)
                columns.addWidget(box)
            self.numbers[name] = number_box(setting, getattr(defaults, name))
            groups[setting.group].addRow(setting.label, self.numbers[name])

        self.responder_threshold = QComboBox()
        for threshold, label in RESPONDER_THRESHOLDS:
            self.responder_threshold.addItem(label, threshold)
        groups[RESPONSE].insertRow(0, "A response is", self.responder_threshold)
        self.default_diagnosis = QComboBox()
        for diagnosis in protocol.diagnoses:
            self.default_diagnosis.addItem(f"{diagnosis.code} {diagnosis.text}", diagnosis.code)
        self.paper_size = QComboBox()
        for paper, label in PAPER_SIZES:
            self.paper_size.addItem(label, paper)
        documents = QGroupBox("Sessions and documents")
        documents_form = QFormLayout(documents)
        documents_form.addRow("Default diagnosis (ICD-10)", self.default_diagnosis)
        documents_form.addRow("Paper size", self.paper_size)
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(0, MAX_IDLE_LOCK_MINUTES)
        self.idle_lock.setSuffix(" min")
        self.idle_lock.setSpecialValueText("never")
        self.idle_lock.setToolTip(
            f"Hide patient data after this many minutes without input, until a PIN is typed "
            f"(default {DEFAULT_IDLE_LOCK_MINUTES})."
        )
        documents_form.addRow("Lock the window after", self.idle_lock)

        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.defaults_button = QPushButton("Restore defaults")
        self.buttons.addButton(self.defaults_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(documents)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        try:
            self.show_settings(repo.settings)
            self.idle_lock.setValue(idle_lock_minutes(repo.setting(IDLE_LOCK_SETTING)))
        except StorageError as error:
            self.show_settings(defaults)
            self.error.show_error(str(error))

    def restore_defaults(self) -> None:
        """Fill the form with the defaults (saved only with Save)."""
        self.show_settings(ClinicalSettings())
        self.idle_lock.setValue(DEFAULT_IDLE_LOCK_MINUTES)

    def show_settings(self, settings: ClinicalSettings) -> None:
        """Fill the form from these settings."""
        for name, box in self.numbers.items():
            box.setValue(getattr(settings, name))
        threshold = settings.responder_threshold_pct
        select_data(self.responder_threshold, threshold, f"{threshold:g}% fewer headache days")
        select_data(self.default_diagnosis, settings.default_diagnosis, settings.default_diagnosis)
        select_data(self.paper_size, settings.paper_size, settings.paper_size)

    def entered(self) -> ClinicalSettings:
        """The settings as entered."""
        values: dict[str, Any] = {name: box.value() for name, box in self.numbers.items()}
        values["responder_threshold_pct"] = float(self.responder_threshold.currentData())
        values["default_diagnosis"] = str(self.default_diagnosis.currentData())
        values["paper_size"] = str(self.paper_size.currentData())
        return replace(ClinicalSettings(), **values)

    def changes(self) -> list[str]:
        """Each setting entered otherwise than stored, as "Minimum age 18 → 16 years"."""
        stored = self.repo.settings
        entered = self.entered()
        changes = [
            f"{setting.name} {getattr(stored, name):g} → {getattr(entered, name):g} {setting.unit}"
            for name, setting in NUMBER_SETTINGS.items()
            if getattr(stored, name) != getattr(entered, name)
        ]
        choices = (
            ("responder_threshold_pct", "A response is", self.responder_threshold),
            ("default_diagnosis", "Default diagnosis", self.default_diagnosis),
            ("paper_size", "Paper size", self.paper_size),
        )
        for name, label, combo in choices:
            before = getattr(stored, name)
            if before != getattr(entered, name):
                shown = combo.itemText(combo.findData(before)) if combo.findData(before) >= 0 else str(before)
                changes.append(f"{label} {shown} → {combo.currentText()}")
        locked_after = idle_lock_minutes(self.repo.setting(IDLE_LOCK_SETTING))
        if locked_after != self.idle_lock.value():
            changes.append(f"Lock the window after {_minutes(locked_after)} → {_minutes(self.idle_lock.value())}")
        return changes

    def save(self) -> bool:
        """Store the settings (once PINs are in use, an injector's PIN approves them); the window picks them up when
        the dialog closes with Save."""
        try:
            changes = self.changes()
            if changes and self.repo.pins_in_use() and self.approve(approval_request("; ".join(changes))) is None:
                self.error.show_error("Not saved: the settings need an injector's approval.")
                return False
            with self.repo.batch():
                self.repo.save_clinical_settings(self.entered())
                self.repo.save_setting(IDLE_LOCK_SETTING, str(self.idle_lock.value()))
        except StorageError as error:
            self.error.show_error(str(error))
            return False
        self.accept()
        return True


def _minutes(minutes: int) -> str:
    return f"{minutes} min" if minutes else "never"
