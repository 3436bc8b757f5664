"""The session header in the charting window: product, vials, lot, dilution, needle, diagnosis, consent, time-out.

The contraindications are asked in the checklist panel (its screening questions).

Every edit goes to the model (so it autosaves and can be undone); the panel follows the model on every change.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from charting.domain.billing import concentration_units_per_ml, dilution_figure
from charting.domain.clock import aware, local_now
from charting.domain.protocol import Protocol
from charting.ui import style
from charting.ui.date_field import NOT_SET, DateField, DateTimeField
from charting.ui.forms import TextBox
from charting.ui.session_model import SessionModel

UNLISTED_DIAGNOSIS = "not in the protocol's list"
"""What the header says of a recorded diagnosis code the protocol does not list."""
CHOOSE_DIAGNOSIS = "Choose the diagnosis"
"""The diagnosis combo's first item: shown while no code is recorded (signing asks for one)."""
EXPIRY_PROBLEM = "Type the expiry as on the vial, e.g. 2027-01-31 (or 2027-01 for the month's end)."
MIXED_PROBLEM = "Type when the vial was mixed, e.g. 2026-11-25 10:30 (or 10:30 for the session's day), or use Now."
NEEDLE_LINES = 3
"""The needle field grows to this many lines (the protocol's needle takes three), then scrolls."""
DEVIATION_LINES = 3
"""The deviation's reason grows to this many lines, then scrolls."""
COMMENT_LINES = (3, 4)
"""The comments box shows three lines at least and grows to four, then scrolls."""
POPUP_PADDING = 24
"""Pixels a combo's list adds to its widest item (the item's margins and the frame)."""
LABEL_GAP = 0
"""Pixels between a wide field's label and the field under it."""
SHORTCUT_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
MODIFIER_KEYS = (Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Shift, Qt.Key.Key_Meta)
"""Pressed alone (on the way to a shortcut) they do nothing yet."""
_KEY = QKeySequence.StandardKey
EDITING_KEYS = (
    _KEY.Copy,
    _KEY.Cut,
    _KEY.Paste,
    _KEY.Undo,
    _KEY.Redo,
    _KEY.SelectAll,
    _KEY.Deselect,
    _KEY.MoveToNextWord,
    _KEY.MoveToPreviousWord,
    _KEY.SelectNextWord,
    _KEY.SelectPreviousWord,
    _KEY.MoveToStartOfDocument,
    _KEY.MoveToEndOfDocument,
    _KEY.SelectStartOfDocument,
    _KEY.SelectEndOfDocument,
    _KEY.DeleteStartOfWord,
    _KEY.DeleteEndOfWord,
)
"""The keys that edit the text in the field itself: they record nothing (other shortcuts act on the session)."""


def concentration_text(vial_units: int, saline_ml: float | None, vials_opened: int, protocol: Protocol) -> str:
    """What the saline in each vial gives: "200 U in 4 mL = 50 U/mL, 5 U per 0.1 mL", or what is missing."""
    if vial_units <= 0:
        return "Choose the product to see the concentration."
    concentration = concentration_units_per_ml(vial_units, saline_ml)
    if concentration is None or saline_ml is None:
        return "Enter the saline per vial to see the concentration."
    per_site = concentration * protocol.volume_per_site_ml
    each = "Each vial: " if vials_opened > 1 else ""
    return (
        f"{each}{vial_units} U in {saline_ml:g} mL = {dilution_figure(concentration)} U/mL, "
        f"{dilution_figure(per_site)} U per {protocol.volume_per_site_ml:g} mL"
    )


def saline_tooltip(protocol: Protocol) -> str:
    """What the saline field means, with the protocol's standard dilution of each vial size."""
    sizes = sorted({product.vial_units for product in protocol.products})
    standard = ", ".join(f"{protocol.standard_saline_ml(size):g} mL for a {size} U vial" for size in sizes)
    return (
        "The saline used to reconstitute one vial, not the total for all the vials opened. "
        f"For {protocol.units_per_site:g} U per {protocol.volume_per_site_ml:g} mL: {standard}."
    )


def diagnosis_text(code: str, protocol: Protocol) -> str:
    """A diagnosis code as the header shows it: with its words, or marked as a code the protocol does not list."""
    diagnosis = protocol.diagnosis(code)
    if diagnosis is None:
        return f"{code} ({UNLISTED_DIAGNOSIS})"
    return f"{diagnosis.code} {diagnosis.text}"


class HeaderPanel(QWidget):
    """The header fields of the session; each edit becomes one model change (and one autosave)."""

    def __init__(self, model: SessionModel, injector_names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        protocol = model.protocol
        form = QFormLayout(self)
        form.setContentsMargins(4, 4, 4, 4)
        form.setHorizontalSpacing(6)
        form.setVerticalSpacing(4)

        self.injector = QComboBox()
        self._injector_names = injector_names
        self.injector.activated.connect(lambda _: self._set(injector=self.injector.currentText()))
        _add_wide_row(form, "Injector", self.injector)

        self.product = QComboBox()
        self.product.addItem("Choose the product", "")
        for product in protocol.products:
            self.product.addItem(product.name, product.id)
        self.product.activated.connect(self._on_product)
        widen_popup(self.product)
        _add_wide_row(form, "Product", self.product)
        self.product_words = _muted_words()
        """The chosen product's whole name, shown only when the combo is too narrow for it."""
        form.addRow(self.product_words)

        self.vials = QSpinBox()
        self.vials.setRange(1, 20)
        self.vials.setSuffix(" vial(s)")
        self.vials.valueChanged.connect(lambda value: self._set(vials_opened=value))
        form.addRow("Opened", self.vials)

        self.lot = QLineEdit()
        self.lot.setPlaceholderText("from the vial")
        self.lot.textEdited.connect(lambda _text: upper_case_as_typed(self.lot))
        self.lot.editingFinished.connect(self._record_lot)
        form.addRow("Lot", self.lot)

        self.expiry = DateField(EXPIRY_PROBLEM)
        self.expiry.edit.setToolTip("The expiry printed on the vial: 2027-01-31, or 2027-01 for the end of the month")
        self.expiry.edited.connect(lambda value: self._set(lot_expiry=value))
        form.addRow("Expiry", self.expiry)

        self.saline = QDoubleSpinBox()
        self.saline.setRange(0, 20)
        self.saline.setDecimals(1)
        self.saline.setSingleStep(0.5)
        self.saline.setSuffix(" mL")
        self.saline.setSpecialValueText(NOT_SET)
        self.saline.valueChanged.connect(lambda value: self._set(saline_ml=value or None))
        self.saline.setToolTip(saline_tooltip(protocol))
        self.saline_label = QLabel("Saline per vial")
        self.saline_label.setToolTip(self.saline.toolTip())
        form.addRow(self.saline_label, self.saline)
        self.concentration = QLabel()
        self.concentration.setWordWrap(True)
        form.addRow(self.concentration)

        self.reconstituted = DateTimeField(MIXED_PROBLEM, day=lambda: self.model.session.performed_on)
        self.reconstituted.edit.setToolTip("When the vial was reconstituted: 2026-11-25 10:30, or 10:30 for today")
        self.reconstituted.edited.connect(
            lambda value: self._set(reconstituted_at=None if value is None else aware(value))
        )
        now = QPushButton("Now")
        now.setFixedWidth(now.fontMetrics().horizontalAdvance("Now") + 20)
        now.setToolTip("Record the reconstitution as now")
        now.clicked.connect(lambda: self._set(reconstituted_at=local_now().replace(second=0)))
        self.now_button = now
        mixed = QWidget()
        row = QHBoxLayout(mixed)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.reconstituted, 1)
        row.addWidget(now, 0, Qt.AlignmentFlag.AlignTop)
        _add_wide_row(form, "Mixed at", mixed, buddy=self.reconstituted)

        self.needle = TextBox(1, NEEDLE_LINES, one_paragraph=True)
        self.needle.editing_finished.connect(lambda: self._set(needle=self.needle.value()))
        _add_wide_row(form, "Needle", self.needle)

        self.diagnosis = QComboBox()
        self.diagnosis.addItem(CHOOSE_DIAGNOSIS, "")
        for diagnosis in protocol.diagnoses:
            self.diagnosis.addItem(diagnosis_text(diagnosis.code, protocol), diagnosis.code)
        self._listed_diagnoses = self.diagnosis.count()
        """The placeholder and the protocol's codes; an unlisted code recorded on the session comes after them."""
        widen_popup(self.diagnosis)
        self.diagnosis.activated.connect(lambda _: self._set(diagnosis_code=self.diagnosis.currentData()))
        form.addRow("Diagnosis", self.diagnosis)
        self.diagnosis_words = _muted_words()
        """The recorded diagnosis's words in full under its code (the combo is narrower than its text)."""
        form.addRow(self.diagnosis_words)

        self.consent = QCheckBox("Consent given")
        self.consent.toggled.connect(lambda on: self._set(consent=on))
        self.time_out = QCheckBox("Time-out done")
        self.time_out.toggled.connect(lambda on: self._set(time_out=on))
        checks = QWidget()
        row = QHBoxLayout(checks)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.consent)
        row.addWidget(self.time_out)
        row.addStretch(1)
        form.addRow(checks)

        self.deviation = TextBox(1, DEVIATION_LINES, one_paragraph=True)
        self.deviation.setPlaceholderText("only to go beyond a cap")
        self.deviation.editing_finished.connect(lambda: self._set(deviation_reason=self.deviation.value()))
        _add_wide_row(form, "Deviation", self.deviation)

        self.comments = TextBox(*COMMENT_LINES)
        self.comments.editing_finished.connect(lambda: self._set(comments=self.comments.value()))
        _add_wide_row(form, "Comments", self.comments)

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
            self.deviation,
            self.comments,
        ]
        for combo in (self.injector, self.product, self.diagnosis):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        for widget in (self.lot, self.expiry.edit, self.reconstituted.edit, self.needle, self.deviation, self.comments):
            widget.installEventFilter(self)
        self._following = False
        model.session_changed.connect(self.on_session_changed)
        self.on_session_changed()

    def add_below_expiry(self, widget: QWidget) -> None:
        """Show a widget of the window's under the lot and expiry fields (its offer of the last lot used)."""
        form = self.layout()
        assert isinstance(form, QFormLayout)
        row, _role = cast("tuple[int, QFormLayout.ItemRole]", form.getWidgetPosition(self.expiry))
        form.insertRow(row + 1, widget)
        before: QWidget = self.expiry.calendar_button or self.expiry.edit
        for child in widget.findChildren(QWidget):  # Tab reaches its controls in their place, not after the comments
            if child.focusPolicy() & Qt.FocusPolicy.TabFocus:
                QWidget.setTabOrder(before, child)
                before = child
        QWidget.setTabOrder(before, self.saline)

    def set_injector_names(self, names: list[str]) -> None:
        """The injectors offered (after the profiles change)."""
        self._injector_names = names
        self.on_session_changed()

    def commit_edits(self) -> QWidget | None:
        """Record what is typed and not yet recorded in the text fields (as leaving each field would); the first date
        field whose text cannot be read (its sentence shows under it), or None when everything typed is recorded."""
        if self._following or self.model.read_only:
            return None
        self._record_lot()
        self._set(needle=self.needle.value())
        self._set(deviation_reason=self.deviation.value())
        self._set(comments=self.comments.value())
        unread = [field for field in (self.expiry, self.reconstituted) if not field.read_typed()]
        return unread[0].edit if unread else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A shortcut pressed in a text field (print, new session, quit) acts on what was typed: record it first."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.modifiers() & SHORTCUT_MODIFIERS
            and event.key() not in MODIFIER_KEYS
            and not any(event.matches(key) for key in EDITING_KEYS)
        ):
            self.commit_edits()
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        """The window closes, locks or shows the checklist: what is typed is recorded, not lost (on closing, the
        platform may never tell the field it lost the focus before the program ends)."""
        self.commit_edits()
        super().hideEvent(event)

    def _record_lot(self) -> None:
        """Record the typed lot number as printed on the vial: trimmed, in capitals."""
        self._set(lot_number=self.lot.text().strip().upper())

    def _set(self, **changes: Any) -> None:
        if not self._following:
            self.model.update_header(**changes)

    def _on_product(self, index: int) -> None:
        product_id = self.product.itemData(index)
        if not product_id:
            self._set(product_id="", vial_units=0)
            return
        protocol, session = self.model.protocol, self.model.session
        vial_units = protocol.product(product_id).vial_units
        changes: dict[str, Any] = {"product_id": product_id, "vial_units": vial_units}
        standard_before = protocol.standard_saline_ml(session.vial_units) if session.vial_units > 0 else None
        if session.saline_ml is None or session.saline_ml == standard_before:
            # no dilution yet, or the standard one of the vial before: the standard one of this vial (the injector
            # may change it); a dilution the injector typed stays
            changes["saline_ml"] = protocol.standard_saline_ml(vial_units)
        self._set(**changes)

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
                widen_popup(self.injector)
            self.injector.setCurrentText(session.injector)
            self.product.setCurrentIndex(max(0, self.product.findData(session.product_id)))
            self._show_diagnosis(session.diagnosis_code)
            self.vials.setValue(max(1, session.vials_opened))
            _set_text(self.lot, session.lot_number)
            self.expiry.set_value(session.lot_expiry)
            self.saline.setValue(session.saline_ml or 0.0)
            self.concentration.setText(
                concentration_text(session.vial_units, session.saline_ml, session.vials_opened, self.model.protocol)
            )
            mixed = session.reconstituted_at
            self.reconstituted.set_value(None if mixed is None else aware(mixed).astimezone())
            self.needle.show_value(session.needle)
            self.consent.setChecked(session.consent)
            self.time_out.setChecked(session.time_out)
            self.deviation.show_value(session.deviation_reason)
            self.comments.show_value(session.comments)
            for combo in (self.injector, self.product, self.diagnosis):
                combo.setToolTip(combo.currentText())
            self._show_product_words()
            for editor in self.editors:
                editor.setEnabled(not self.model.read_only)
            del blockers
        finally:
            self._following = False

    def _show_product_words(self) -> None:
        """The product's whole name under the combo when the combo cannot show all of it."""
        name = self.product.currentText() if self.product.currentData() else ""
        self.product_words.setText(name)
        self.product_words.setVisible(bool(name) and not combo_shows_whole(self.product))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._show_product_words()

    def _show_diagnosis(self, code: str) -> None:
        """Show the recorded code itself: the placeholder when none, an unlisted code as an item of its own."""
        index = self.diagnosis.findData(code)
        items_changed = False
        if self.diagnosis.count() > self._listed_diagnoses and index != self._listed_diagnoses:
            self.diagnosis.removeItem(self._listed_diagnoses)  # the unlisted code shown before: not this one
            items_changed = True
        if index < 0:
            self.diagnosis.addItem(diagnosis_text(code, self.model.protocol), code)
            index = self.diagnosis.count() - 1
            items_changed = True
        self.diagnosis.setCurrentIndex(index)
        if items_changed:
            widen_popup(self.diagnosis)  # measured only when the items change, not on every click
        listed = self.model.protocol.diagnosis(code)
        self.diagnosis_words.setText(listed.text if listed is not None else UNLISTED_DIAGNOSIS)
        self.diagnosis_words.setVisible(bool(code))


def combo_shows_whole(combo: QComboBox) -> bool:
    """True when the combo's field is wide enough for its current text (else the text is cut)."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width()


def widen_popup(combo: QComboBox) -> None:
    """The combo's list as wide as its longest item, even when the combo itself is narrower."""
    metrics = combo.view().fontMetrics()
    widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    scroll_bar = combo.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    combo.view().setMinimumWidth(widest + scroll_bar + POPUP_PADDING)


def _muted_words() -> QLabel:
    """A wrapped line of plain text in the muted colour: a combo's whole text under it."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {style.MUTED.name()}")
    label.hide()
    return label


def _add_wide_row(form: QFormLayout, label: str, field: QWidget, buddy: QWidget | None = None) -> None:
    """A wide field (names, the needle, the comments): its label just above it, the field the panel's full width."""
    title = QLabel(label)
    title.setBuddy(buddy or field)
    row = QWidget()
    column = QVBoxLayout(row)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(LABEL_GAP)
    column.addWidget(title)
    column.addWidget(field)
    form.addRow(row)


def upper_case_as_typed(edit: QLineEdit) -> None:
    """Lot numbers are printed in capitals on the vial: a lowercase letter typed becomes one, the cursor stays."""
    text = edit.text()
    if text != text.upper():
        cursor = edit.cursorPosition()
        edit.setText(text.upper())
        edit.setCursorPosition(cursor)


def _set_text(edit: QLineEdit, text: str) -> None:
    """Show a recorded value from its start, unless the text shown already records as it."""
    if edit.text().strip() != text:
        edit.setText(text)
        edit.setCursorPosition(0)
