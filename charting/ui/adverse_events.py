"""Recording an adverse event: the event from the protocol's list, its onset, severity, action taken and detail."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from charting.domain.marking import (
    OTHER_ADVERSE_EVENT,
    SEVERITIES,
    adverse_event_problems,
    adverse_event_text,
    is_urgent,
)
from charting.domain.protocol import Protocol
from charting.domain.session import AdverseEvent
from charting.ui import style
from charting.ui.forms import ErrorLabel, action_and_cancel, field_with_error, fit_height

ONSETS = ("during the procedure", "within 1 hour", "same day", "days later")
"""The onsets offered (free text is allowed too)."""
ACTIONS = ("none", "observed", "ice/pressure", "medical review")
"""The actions offered (free text is allowed too)."""
URGENT_ACTION = "Act at once: call for emergency help and check the airway and breathing; record it afterwards."
"""What an urgent adverse event (breathing difficulty) is shown with."""
FIELDS = ("event", "onset", "severity", "action", "detail")
"""The dialog's fields, in the order of the form and of ``AdverseEvent``."""


def adverse_event_html(event: AdverseEvent) -> str:
    """An adverse event as one line; an urgent one in vermillion, with the sentence to act at once."""
    text = html.escape(adverse_event_text(event))
    if not is_urgent(event):
        return text
    colour = style.VERMILLION.name()
    symbol = style.FINDING_SYMBOLS["refusal"]
    return f"<span style='color:{colour}'><b>{symbol} {text}</b><br>{html.escape(URGENT_ACTION)}</span>"


def _choices(items: tuple[str, ...], hint: str) -> QComboBox:
    """An editable list: pick one of the items or type another, starting empty."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(list(items))
    combo.setCurrentIndex(-1)
    combo.clearEditText()
    line = combo.lineEdit()
    if line is not None:
        line.setPlaceholderText(hint)
    return combo


class AdverseEventDialog(QDialog):
    """Choose the event and record its onset, severity and action; Other needs a detail."""

    def __init__(self, protocol: Protocol, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record an adverse event")
        self.protocol = protocol
        self._tried = False
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.event_name = QComboBox()
        self.event_name.addItems(list(protocol.adverse_events))
        self.event_name.setCurrentIndex(-1)
        self.event_name.setPlaceholderText("Choose the event")
        self.urgent = QLabel(URGENT_ACTION)
        self.urgent.setTextFormat(Qt.TextFormat.PlainText)
        self.urgent.setWordWrap(True)
        self.urgent.setStyleSheet(f"color: {style.VERMILLION.name()}; font-weight: bold;")
        self.urgent.hide()
        self.onset = _choices(ONSETS, "when it started")
        self.severity = _choices(SEVERITIES, "mild, moderate or severe")
        self.action = _choices(ACTIONS, "what was done")
        self.detail = QLineEdit()
        self.errors: dict[str, ErrorLabel] = {}
        for name, label, widget in (
            ("event", "&Event", self.event_name),
            ("onset", "&Onset", self.onset),
            ("severity", "Se&verity", self.severity),
            ("action", "&Action taken", self.action),
            ("detail", "&Detail", self.detail),
        ):
            row, self.errors[name] = field_with_error(widget)
            form.addRow(label, row)
            if name == "event":
                form.addRow(self.urgent)
        layout.addLayout(form)
        self.record_button = action_and_cancel(self, layout, "Record")
        self.event_name.currentTextChanged.connect(self._event_chosen)
        for combo in (self.onset, self.severity, self.action):
            combo.editTextChanged.connect(self._recheck)
        self.detail.textChanged.connect(self._recheck)
        self._event_chosen()
        self.setMinimumWidth(460)
        self.event_name.setFocus()

    def adverse_event(self) -> AdverseEvent:
        """The adverse event as entered."""
        return AdverseEvent(
            event=self.event_name.currentText(),
            onset=self.onset.currentText(),
            severity=self.severity.currentText(),
            action=self.action.currentText(),
            detail=self.detail.text(),
        )

    def show_problems(self) -> bool:
        """Put a sentence next to each field that needs one; True when the event can be recorded."""
        problems = adverse_event_problems(self.protocol, self.adverse_event())
        for name in FIELDS:
            self.errors[name].show_error(problems.get(name, ""))
        self.resize(self.width(), 0)  # shrink back as sentences go; fit_height grows it to what is shown
        fit_height(self)
        return not problems

    def accept(self) -> None:
        """Close with the event only when nothing is missing; otherwise say what is."""
        self._tried = True
        if self.show_problems():
            super().accept()

    def _event_chosen(self) -> None:
        other = self.event_name.currentText() == OTHER_ADVERSE_EVENT
        self.detail.setPlaceholderText("required for Other: what happened" if other else "optional")
        self.urgent.setVisible(is_urgent(self.adverse_event()))
        fit_height(self)
        self._recheck()

    def _recheck(self) -> None:
        if self._tried:
            self.show_problems()
