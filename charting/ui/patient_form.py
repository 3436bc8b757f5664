"""New and edit patient: identity, allergies and the baseline before the first treatment, checked before saving."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from charting.domain.eligibility import Baseline, eligibility_findings
from charting.domain.outcomes import (
    HIT6_MAX,
    HIT6_MIN,
    MIDAS_MAX,
    baseline_problems,
    hit6_impact,
    midas_grade,
)
from charting.domain.session import Patient
from charting.domain.settings import ClinicalSettings
from charting.storage.errors import DuplicatePatientError, StorageError
from charting.storage.repository import Repository
from charting.ui.forms import ErrorLabel, field_with_error, plain_label

SEX_CHOICES = (("", "Not recorded"), ("F", "Female"), ("M", "Male"), ("X", "Other"))
"""Stored value and label of each choice."""

OLDEST_PLAUSIBLE_AGE_YEARS = 120
DAYS_IN_MONTH_MAX = 31
HOURS_IN_DAY = 24
NOT_RECORDED = "Not recorded"
PREFERRED_WIDTH = 900


ELIGIBILITY_LINES = 5
"""Lines of eligibility findings shown at once: more scroll, so the Save button never moves as they change."""


def parse_iso_date(text: str) -> date | None:
    """A YYYY-MM-DD date, or None when the text is not one."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def check_patient_fields(
    family_name: str, given_name: str, dob_text: str, mrn: str, today: date
) -> tuple[dict[str, str], date | None]:
    """The errors of the identity fields (field name -> sentence) and the parsed date of birth."""
    errors: dict[str, str] = {}
    if not family_name.strip():
        errors["family_name"] = "Enter the family name."
    if not given_name.strip():
        errors["given_name"] = "Enter the given name."
    if not mrn.strip():
        errors["mrn"] = "Enter the record number (MRN) from the clinic's records."
    dob = parse_iso_date(dob_text)
    if not dob_text.strip():
        errors["dob"] = "Enter the date of birth as YYYY-MM-DD, for example 1980-04-02."
    elif dob is None:
        errors["dob"] = f"{dob_text.strip()!r} is not a date; enter it as YYYY-MM-DD, for example 1980-04-02."
    elif dob > today:
        errors["dob"] = f"The date of birth {dob.isoformat()} is in the future; check the year."
    elif today.year - dob.year > OLDEST_PLAUSIBLE_AGE_YEARS:
        errors["dob"] = (
            f"The date of birth {dob.isoformat()} is more than {OLDEST_PLAUSIBLE_AGE_YEARS} years ago; check the year."
        )
    return errors, dob


def parse_preventives(text: str) -> tuple[str, ...]:
    """Preventive names separated by commas, semicolons or new lines; blanks and repeats dropped."""
    names: list[str] = []
    for part in re.split(r"[,;\n]", text):
        name = part.strip()
        if name and name.casefold() not in (known.casefold() for known in names):
            names.append(name)
    return tuple(names)


def optional_spin_box(maximum: int, suffix: str, minimum: int = 0) -> QSpinBox:
    """A whole-number box from ``minimum`` to ``maximum`` whose value below them reads "Not recorded" (None)."""
    box = QSpinBox()
    box.setRange(minimum - 1, maximum)
    box.setSpecialValueText(NOT_RECORDED)
    box.setSuffix(suffix)
    box.setValue(box.minimum())
    return box


def spin_value(box: QSpinBox) -> int | None:
    """The box's number, or None when it reads "Not recorded"."""
    return None if box.value() == box.minimum() else box.value()


def set_spin_value(box: QSpinBox, value: int | None) -> None:
    """Show a number, or "Not recorded" for None."""
    box.setValue(box.minimum() if value is None else value)


BASELINE_SCORES = ("migraine_days", "moderate_severe_days", "midas", "hit6")
"""The baseline figures checked against their scales (each has an error label in the form)."""


def midas_words(score: int | None) -> str:
    """Grade III, moderate disability; empty when not recorded."""
    if score is None or not 0 <= score <= MIDAS_MAX:
        return ""
    grade, words = midas_grade(score)
    return f"Grade {grade}, {words}"


def hit6_words(score: int | None) -> str:
    """Substantial impact; empty when not recorded."""
    if score is None or not HIT6_MIN <= score <= HIT6_MAX:
        return ""
    return hit6_impact(score).capitalize()


def eligibility_area(label: QLabel) -> QScrollArea:
    """The findings in a place of fixed height (``ELIGIBILITY_LINES`` lines): longer findings scroll inside it."""
    area = QScrollArea()
    area.setWidget(label)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFixedHeight(label.fontMetrics().lineSpacing() * ELIGIBILITY_LINES)
    return area


class PatientFormDialog(QDialog):
    """Add a patient or edit one; every mistake is caught before saving, with a sentence next to its field."""

    def __init__(
        self,
        repo: Repository,
        patient: Patient | None = None,
        *,
        settings: ClinicalSettings | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.repo = repo
        self.patient = patient
        self.settings = settings or repo.settings
        self.today = today or date.today()
        self.saved_patient: Patient | None = None
        self._had_baseline = False
        self.setWindowTitle(f"Edit patient: {patient.display_name}" if patient else "New patient")

        self.family_name = QLineEdit()
        self.given_name = QLineEdit()
        self.dob = QLineEdit()
        self.dob.setPlaceholderText("YYYY-MM-DD")
        self.mrn = QLineEdit()
        self.mrn.setPlaceholderText("the clinic's record number")
        self.sex = QComboBox()
        for value, label in SEX_CHOICES:
            self.sex.addItem(label, value)
        self.allergies = QLineEdit()
        self.allergies.setPlaceholderText("e.g. NKDA, or penicillin (rash)")
        self.different_person = QCheckBox("This is a different person with the same name and birth date")
        self.different_person.hide()

        self.errors: dict[str, ErrorLabel] = {}
        identity = QGroupBox("Patient")
        identity_form = QFormLayout(identity)
        for key, label, widget in (
            ("family_name", "Family name", self.family_name),
            ("given_name", "Given name", self.given_name),
            ("dob", "Date of birth", self.dob),
            ("mrn", "Record number", self.mrn),
        ):
            row, self.errors[key] = field_with_error(widget)
            widget.textChanged.connect(self.errors[key].clear_error)  # an edited field's old sentence goes
            identity_form.addRow(label, row)
        identity_form.addRow("Sex", self.sex)
        identity_form.addRow("Allergies", self.allergies)
        self.errors["duplicate"] = ErrorLabel()
        identity_form.addRow(self.errors["duplicate"])
        identity_form.addRow(self.different_person)

        self.headache_days = optional_spin_box(DAYS_IN_MONTH_MAX, " days")
        self.headache_hours = QDoubleSpinBox()
        self.headache_hours.setRange(-0.5, HOURS_IN_DAY)
        self.headache_hours.setSingleStep(0.5)
        self.headache_hours.setDecimals(1)
        self.headache_hours.setSpecialValueText(NOT_RECORDED)
        self.headache_hours.setSuffix(" h")
        self.headache_hours.setValue(self.headache_hours.minimum())
        self.preventives = QLineEdit()
        self.preventives.setPlaceholderText("e.g. topiramate, propranolol, amitriptyline")
        self.specific_acute_days = optional_spin_box(DAYS_IN_MONTH_MAX, " days")
        self.specific_acute_days.setToolTip("Days a month on triptans, ergots, opioids or combination analgesics")
        self.simple_analgesic_days = optional_spin_box(DAYS_IN_MONTH_MAX, " days")
        self.overuse_managed = QCheckBox("Medication overuse ruled out or managed")
        self.migraine_days = optional_spin_box(DAYS_IN_MONTH_MAX, " days")
        self.moderate_severe_days = optional_spin_box(DAYS_IN_MONTH_MAX, " days")
        self.midas = optional_spin_box(MIDAS_MAX, "")
        self.midas.setToolTip(f"MIDAS total over the last 3 months, 0 to {MIDAS_MAX}")
        self.hit6 = optional_spin_box(HIT6_MAX, "", minimum=HIT6_MIN)
        self.hit6.setToolTip(f"HIT-6 total, {HIT6_MIN} to {HIT6_MAX}")
        self.midas_grade = plain_label()
        self.hit6_impact = plain_label()
        self.eligibility = plain_label()
        self.eligibility.setWordWrap(True)
        self.eligibility.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.eligibility_area = eligibility_area(self.eligibility)

        baseline_box = QGroupBox("Baseline before the first treatment (last month)")
        baseline_form = QFormLayout(baseline_box)
        baseline_form.addRow("Headache days a month", self.headache_days)
        baseline_form.addRow("Headache hours a day", self.headache_hours)
        baseline_form.addRow("Failed preventives", self.preventives)
        baseline_form.addRow("Triptan, ergot or opioid days", self.specific_acute_days)
        baseline_form.addRow("Simple analgesic days", self.simple_analgesic_days)
        baseline_form.addRow(self.overuse_managed)
        for key, label, box, words in (
            ("migraine_days", "Migraine days a month", self.migraine_days, None),
            ("moderate_severe_days", "Moderate or severe days", self.moderate_severe_days, None),
            ("midas", "MIDAS total", self.midas, self.midas_grade),
            ("hit6", "HIT-6 total", self.hit6, self.hit6_impact),
        ):
            shown: QWidget = box
            if words is not None:  # the grade under its score, where a long one has the whole width
                shown = QWidget()
                under = QVBoxLayout(shown)
                under.setContentsMargins(0, 0, 0, 0)
                under.setSpacing(2)
                under.addWidget(box)
                under.addWidget(words)
                words.setWordWrap(True)
            row, self.errors[key] = field_with_error(shown)
            box.valueChanged.connect(self.errors[key].clear_error)
            baseline_form.addRow(label, row)
        eligibility_box = QGroupBox("Eligibility today")
        QVBoxLayout(eligibility_box).addWidget(self.eligibility_area)

        columns = QHBoxLayout()
        columns.addWidget(identity, 1)
        columns.addWidget(baseline_box, 1)

        self.form_error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save patient")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(eligibility_box)
        layout.addStretch(1)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self.resize(PREFERRED_WIDTH, self.sizeHint().height())

        if patient is not None:
            self._fill(patient)
        for field in (self.family_name, self.given_name, self.dob):
            field.textChanged.connect(self._identity_changed)
        for box in (self.headache_days, self.specific_acute_days, self.simple_analgesic_days):
            box.valueChanged.connect(self._update_eligibility)
        self.headache_hours.valueChanged.connect(self._update_eligibility)
        self.preventives.textChanged.connect(self._update_eligibility)
        self.overuse_managed.toggled.connect(self._update_eligibility)
        self.midas.valueChanged.connect(self._update_scores)
        self.hit6.valueChanged.connect(self._update_scores)
        self._update_scores()
        self.dob.textChanged.connect(self._update_eligibility)
        self._update_eligibility()

    def _fill(self, patient: Patient) -> None:
        self.family_name.setText(patient.family_name)
        self.given_name.setText(patient.given_name)
        self.dob.setText(patient.dob.isoformat())
        self.mrn.setText(patient.mrn)
        index = self.sex.findData(patient.sex)
        if index < 0:
            self.sex.addItem(patient.sex, patient.sex)
            index = self.sex.count() - 1
        self.sex.setCurrentIndex(index)
        self.allergies.setText(patient.allergies)
        try:
            baseline = self.repo.baseline(patient.id) if patient.id is not None else None
        except StorageError as error:
            self.form_error.show_error(str(error))
            return
        if baseline is not None:
            self._had_baseline = True
            set_spin_value(self.headache_days, baseline.headache_days)
            hours = baseline.headache_hours_per_day
            self.headache_hours.setValue(self.headache_hours.minimum() if hours is None else hours)
            self.preventives.setText(", ".join(baseline.failed_preventives))
            set_spin_value(self.specific_acute_days, baseline.specific_acute_days)
            set_spin_value(self.simple_analgesic_days, baseline.simple_analgesic_days)
            self.overuse_managed.setChecked(baseline.overuse_managed)
            set_spin_value(self.migraine_days, baseline.migraine_days)
            set_spin_value(self.moderate_severe_days, baseline.moderate_severe_days)
            set_spin_value(self.midas, baseline.midas)
            set_spin_value(self.hit6, baseline.hit6)

    def baseline(self) -> Baseline:
        """The baseline as entered."""
        hours = self.headache_hours.value()
        return Baseline(
            headache_days=spin_value(self.headache_days),
            headache_hours_per_day=None if hours == self.headache_hours.minimum() else hours,
            failed_preventives=parse_preventives(self.preventives.text()),
            specific_acute_days=spin_value(self.specific_acute_days),
            simple_analgesic_days=spin_value(self.simple_analgesic_days),
            overuse_managed=self.overuse_managed.isChecked(),
            migraine_days=spin_value(self.migraine_days),
            moderate_severe_days=spin_value(self.moderate_severe_days),
            midas=spin_value(self.midas),
            hit6=spin_value(self.hit6),
        )

    def _update_scores(self) -> None:
        self.midas_grade.setText(midas_words(spin_value(self.midas)))
        self.hit6_impact.setText(hit6_words(spin_value(self.hit6)))

    def _update_eligibility(self) -> None:
        dob = parse_iso_date(self.dob.text())
        if dob is None:
            text = "Eligibility is checked once the date of birth is entered."
        else:
            findings = eligibility_findings(dob, self.today, self.baseline(), self.settings)
            text = "\n".join(f"\N{BULLET} {finding.message}" for finding in findings)
        self.eligibility.setText(text or "Meets the criteria for chronic migraine treatment.")

    def _identity_changed(self) -> None:
        """A new name or birth date needs a new duplicate check."""
        self.different_person.setChecked(False)
        self.different_person.hide()
        self.errors["duplicate"].show_error("")

    def _entered_patient(self, dob: date) -> Patient:
        entered = Patient(
            mrn=self.mrn.text().strip(),
            family_name=self.family_name.text().strip(),
            given_name=self.given_name.text().strip(),
            dob=dob,
            sex=self.sex.currentData() or "",
            allergies=self.allergies.text().strip(),
        )
        return replace(entered, id=self.patient.id if self.patient is not None else None)

    def validate(self) -> Patient | None:
        """Check every field against the rules and the records; show each error; the patient when all is well."""
        errors, dob = check_patient_fields(
            self.family_name.text(), self.given_name.text(), self.dob.text(), self.mrn.text(), self.today
        )
        patient = None if dob is None else self._entered_patient(dob)
        own_id = self.patient.id if self.patient is not None else None
        if patient is not None and "mrn" not in errors:
            holder = self.repo.patient_by_mrn(patient.mrn)
            if holder is not None and holder.id != own_id:
                errors["mrn"] = (
                    f"Record number {patient.mrn} already belongs to {holder.display_name} "
                    f"(born {holder.dob.isoformat()}); enter a different one or find that patient."
                )
        if patient is not None and not errors:
            twins = [other for other in self.repo.likely_duplicates(patient) if other.id != own_id]
            if twins and not self.different_person.isChecked():
                records = ", ".join(other.mrn for other in twins)
                errors["duplicate"] = (
                    f"A patient with this name and birth date already exists (record {records}). "
                    "If it is the same person, cancel and open that record; if not, tick the box below and save again."
                )
                self.different_person.show()
        problems = baseline_problems(self.baseline())
        errors.update({key: problem for key, problem in problems.items() if key in BASELINE_SCORES})
        for key, label in self.errors.items():
            label.show_error(errors.get(key, ""))
        self.form_error.show_error(" ".join(problem for key, problem in problems.items() if key not in BASELINE_SCORES))
        if problems and not errors:
            return None
        if errors:
            first = next(key for key in self.errors if key in errors)
            widget = self.different_person if first == "duplicate" else getattr(self, first)
            widget.setFocus()
            return None
        return patient

    def save(self) -> bool:
        """Validate, then add or update the patient and their baseline; close on success."""
        try:
            patient = self.validate()
            if patient is None:
                return False
            baseline = self.baseline()
            saved = self.repo.add_patient(patient) if patient.id is None else self.repo.update_patient(patient)
            self.patient = saved  # a retry after a failed baseline save updates instead of adding again
            if saved.id is not None and (self._had_baseline or baseline != Baseline()):
                self.repo.save_baseline(saved.id, baseline)
        except DuplicatePatientError as error:
            self.errors["mrn"].show_error(str(error))
            self.mrn.setFocus()
            return False
        except StorageError as error:
            self.form_error.show_error(str(error))
            return False
        self.saved_patient = saved
        self.accept()
        return True
