"""The session header in the charting window: product, vials, lot, dilution, needle, diagnosis, checks.

Every edit goes to the model (so it autosaves and can be undone); the panel follows the model on every change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QSignalBlocker, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from charting.domain.billing import concentration_units_per_ml
from charting.domain.clock import aware, local_now
from charting.domain.protocol import Protocol
from charting.ui.session_model import SessionModel

NOT_SET = "not set"
FIRST_DATE = QDate(2000, 1, 1)
"""The bottom of the date fields, shown as "not set"."""


def to_qdate(value: date | None) -> QDate:
    """A date for a QDateEdit; None becomes the "not set" minimum."""
    return FIRST_DATE if value is None else QDate(value.year, value.month, value.day)


def to_qdatetime(value: datetime) -> QDateTime:
    """A recorded time for a QDateTimeEdit, shown in local wall-clock time."""
    local = aware(value).astimezone()
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second))


def from_qdate(value: QDate) -> date | None:
    """The date of a QDateEdit; the "not set" minimum becomes None."""
    if value <= FIRST_DATE:
        return None
    return date(value.year(), value.month(), value.day())


def concentration_text(vial_units: int, saline_ml: float | None, protocol: Protocol) -> str:
    """What the saline gives: "50 U/mL: 5 U per 0.1 mL", or what is missing."""
    concentration = concentration_units_per_ml(vial_units, saline_ml)
    if concentration is None:
        return "Enter the saline to see the concentration."
    per_site = concentration * protocol.volume_per_site_ml
    return f"{concentration:g} U/mL: {per_site:g} U per {protocol.volume_per_site_ml:g} mL"


class HeaderPanel(QWidget):
    """The header fields of the session; each edit becomes one model change (and one autosave)."""

    def __init__(self, model: SessionModel, injector_names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        protocol = model.protocol
        form = QFormLayout(self)
        form.setContentsMargins(4, 4, 4, 4)
        form.setHorizontalSpacing(6)
        form.setVerticalSpacing(5)
        form.addRow(QLabel("<b>Session header</b>"))

        self.injector = QComboBox()
        self._injector_names = injector_names
        self.injector.activated.connect(lambda _: self._set(injector=self.injector.currentText()))
        form.addRow("Injector", self.injector)

        self.product = QComboBox()
        self.product.addItem("Choose the product", "")
        for product in protocol.products:
            self.product.addItem(product.name, product.id)
        self.product.activated.connect(self._on_product)
        form.addRow("Product", self.product)

        self.vials = QSpinBox()
        self.vials.setRange(1, 20)
        self.vials.setSuffix(" vial(s)")
        self.vials.valueChanged.connect(lambda value: self._set(vials_opened=value))
        form.addRow("Opened", self.vials)

        self.lot = QLineEdit()
        self.lot.setPlaceholderText("from the vial")
        self.lot.editingFinished.connect(lambda: self._set(lot_number=self.lot.text().strip()))
        form.addRow("Lot", self.lot)

        self.expiry = QDateEdit()
        self.expiry.setCalendarPopup(True)
        self.expiry.setDisplayFormat("yyyy-MM-dd")
        self.expiry.setMinimumDate(FIRST_DATE)
        self.expiry.setSpecialValueText(NOT_SET)
        self.expiry.dateChanged.connect(lambda value: self._set(lot_expiry=from_qdate(value)))
        form.addRow("Expiry", self.expiry)

        self.saline = QDoubleSpinBox()
        self.saline.setRange(0, 20)
        self.saline.setDecimals(1)
        self.saline.setSingleStep(0.5)
        self.saline.setSuffix(" mL")
        self.saline.setSpecialValueText(NOT_SET)
        self.saline.valueChanged.connect(lambda value: self._set(saline_ml=value or None))
        form.addRow("Saline", self.saline)
        self.concentration = QLabel()
        self.concentration.setWordWrap(True)
        form.addRow("", self.concentration)

        self.reconstituted = QDateTimeEdit()
        self.reconstituted.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.reconstituted.setMinimumDateTime(QDateTime(FIRST_DATE, QTime(0, 0)))
        self.reconstituted.setSpecialValueText(NOT_SET)
        self.reconstituted.dateTimeChanged.connect(self._on_reconstituted)
        now = QPushButton("Now")
        now.setFixedWidth(now.fontMetrics().horizontalAdvance("Now") + 20)
        now.setToolTip("Record the reconstitution as now")
        now.clicked.connect(lambda: self._set(reconstituted_at=local_now().replace(second=0)))
        self.now_button = now
        row = QHBoxLayout()
        row.addWidget(self.reconstituted, 1)
        row.addWidget(now)
        form.addRow("Mixed at", row)

        self.needle = QLineEdit()
        self.needle.editingFinished.connect(lambda: self._set(needle=self.needle.text().strip()))
        form.addRow("Needle", self.needle)

        self.diagnosis = QComboBox()
        for combo in (self.injector, self.product, self.diagnosis):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        for diagnosis in protocol.diagnoses:
            self.diagnosis.addItem(f"{diagnosis.code} {diagnosis.text}", diagnosis.code)
            self.diagnosis.setItemData(self.diagnosis.count() - 1, diagnosis.text, Qt.ItemDataRole.ToolTipRole)
        self.diagnosis.activated.connect(lambda _: self._set(diagnosis_code=self.diagnosis.currentData()))
        form.addRow("Diagnosis", self.diagnosis)

        self.consent = QCheckBox("Consent given")
        self.consent.toggled.connect(lambda on: self._set(consent=on))
        self.time_out = QCheckBox("Time-out done")
        self.time_out.toggled.connect(lambda on: self._set(time_out=on))
        self.contraindications = QCheckBox("Contraindications checked")
        self.contraindications.setToolTip("\n".join(protocol.contraindications))
        self.contraindications.toggled.connect(lambda on: self._set(contraindications_checked=on))
        form.addRow(self.consent)
        form.addRow(self.time_out)
        form.addRow(self.contraindications)

        self.deviation = QLineEdit()
        self.deviation.setPlaceholderText("only to go beyond a cap")
        self.deviation.editingFinished.connect(lambda: self._set(deviation_reason=self.deviation.text().strip()))
        form.addRow("Deviation", self.deviation)

        self.comments = QLineEdit()
        self.comments.editingFinished.connect(lambda: self._set(comments=self.comments.text().strip()))
        form.addRow("Comments", self.comments)

        self.editors: list[QWidget] = [
            self.injector,
            self.product,
            self.vials,
            self.lot,
            self.expiry,
            self.saline,
            self.reconstituted,
            self.now_button,
            self.needle,
            self.diagnosis,
            self.consent,
            self.time_out,
            self.contraindications,
            self.deviation,
            self.comments,
        ]
        self._following = False
        model.session_changed.connect(self.on_session_changed)
        self.on_session_changed()

    def set_injector_names(self, names: list[str]) -> None:
        """The injectors offered (after the profiles change)."""
        self._injector_names = names
        self.on_session_changed()

    def _set(self, **changes: Any) -> None:
        if not self._following:
            self.model.update_header(**changes)

    def _on_product(self, index: int) -> None:
        product_id = self.product.itemData(index)
        if not product_id:
            self._set(product_id="", vial_units=0)
            return
        self._set(product_id=product_id, vial_units=self.model.protocol.product(product_id).vial_units)

    def _on_reconstituted(self, value: QDateTime) -> None:
        if value <= self.reconstituted.minimumDateTime():
            self._set(reconstituted_at=None)
        else:
            day, clock = value.date(), value.time()
            local = datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute(), clock.second())
            self._set(reconstituted_at=aware(local))

    def on_session_changed(self) -> None:
        """Show the session's header; a signed session's header cannot be edited."""
        session = self.model.session
        self._following = True
        try:
            blockers = [QSignalBlocker(editor) for editor in self.editors]
            names = list(self._injector_names)
            if session.injector and session.injector not in names:
                names.insert(0, session.injector)
            if not session.injector:
                names.insert(0, "")
            if [self.injector.itemText(i) for i in range(self.injector.count())] != names:
                self.injector.clear()
                self.injector.addItems(names)
            self.injector.setCurrentText(session.injector)
            self.product.setCurrentIndex(max(0, self.product.findData(session.product_id)))
            self.vials.setValue(max(1, session.vials_opened))
            _set_text(self.lot, session.lot_number)
            self.expiry.setDate(to_qdate(session.lot_expiry))
            self.saline.setValue(session.saline_ml or 0.0)
            self.concentration.setText(concentration_text(session.vial_units, session.saline_ml, self.model.protocol))
            if session.reconstituted_at is None:
                self.reconstituted.setDateTime(self.reconstituted.minimumDateTime())
            else:
                self.reconstituted.setDateTime(to_qdatetime(session.reconstituted_at))
            _set_text(self.needle, session.needle)
            self.diagnosis.setCurrentIndex(max(0, self.diagnosis.findData(session.diagnosis_code)))
            self.consent.setChecked(session.consent)
            self.time_out.setChecked(session.time_out)
            self.contraindications.setChecked(session.contraindications_checked)
            _set_text(self.deviation, session.deviation_reason)
            _set_text(self.comments, session.comments)
            for editor in self.editors:
                editor.setEnabled(not self.model.read_only)
            del blockers
        finally:
            self._following = False


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        edit.setText(text)
        edit.setCursorPosition(0)
