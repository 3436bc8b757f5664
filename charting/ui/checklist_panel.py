"""The checklist in the charting window: eligibility from the record, the screening questions, the interval and the
outcomes at this visit, each item with its state (ok, warning, refusal) and, when not ok, the finding's sentence.

The panel only reads the model: its findings (``checklist.evaluate_visit``) and the patient's record the window gave
it (``SessionModel.context``). Every answer, figure and override goes to the model, so it is undoable and saved.
The totals column lists every finding; here each finding is shown at the item it is about.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from PySide6.QtCore import QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from charting.domain.checklist import CAUTIONS, CONTRAINDICATIONS, OVERRIDABLE
from charting.domain.eligibility import age_on, medication_overuse
from charting.domain.interval import INTERVAL_EARLY, INTERVAL_EXPLAINED, interval_status
from charting.domain.outcomes import DAY_COUNTS, hit6_impact, hit6_meaningful_change, midas_grade, outcome_problems
from charting.domain.rules import Finding, Level
from charting.domain.session import SCREENING_QUESTIONS, Answer, Baseline, Session, SignedContext
from charting.domain.settings import ClinicalSettings
from charting.ui import style
from charting.ui.forms import scroll_into_view
from charting.ui.session_model import SessionModel

OK_SYMBOL = "\u2714"
UNASKED_SYMBOL = "?"
ELIGIBILITY_CODES = {
    "age": ("service_date_before_birth", "age"),
    "headache_days": ("baseline_missing", "episodic"),
    "hours": ("hours_missing", "hours"),
    "preventives": ("preventives",),
    "overuse": ("overuse_unassessed", "overuse"),
}
"""The eligibility items and the codes of the findings about each."""
SCREENING_CODES = {**CONTRAINDICATIONS, **CAUTIONS}
"""Each screening question's finding code (a "yes" to it)."""
INTERVAL_CODES = ("interval_ok", INTERVAL_EARLY, INTERVAL_EXPLAINED)
RESPONSE_CODES = ("response", "baseline_missing_response", "outcomes_missing", "consider_stopping", "episodic_now")
"""The findings about the response so far, shown under the outcomes."""
OUTCOME_FIELDS = {**DAY_COUNTS, "midas": "MIDAS total", "hit6": "HIT-6 total"}
"""The figures asked at each visit, by the field of ``Outcomes``, with their labels."""
WHERE_BASELINE = "record it with Record baseline below (or Find patient > Edit patient)."
OLD_SCREENING = "Contraindications checked (recorded before the questions were kept one by one)."
ANSWER_KEYS = {Qt.Key.Key_N: Answer.NO, Qt.Key.Key_Y: Answer.YES}
"""The keys that answer the screening question with the keyboard in it (the focus then moves to the next)."""


@dataclass(frozen=True)
class ItemState:
    """What one checklist line shows: its level (None: ok), its text and the finding's sentence when not ok."""

    text: str
    level: Level | None = None
    detail: str = ""
    overridable: str = ""
    """The code of a refusal that may be overridden with a reason."""
    overridden: str = ""
    """The code of a refusal overridden (its reason is in the detail)."""


@dataclass(frozen=True)
class PanelState:
    """What the checklist shows for the session: worked out on every change, drawn while the checklist shows."""

    session: Session
    context: SignedContext | None
    editable: bool
    eligibility: dict[str, ItemState]
    interval: ItemState | None
    old: bool
    """Contraindications checked as a whole, before the questions were kept one by one."""
    screening: dict[str, ItemState]
    response: list[Finding]


def worst(findings: Sequence[Finding]) -> Finding | None:
    """The finding that decides an item's state: a refusal before a warning; notes do not count."""
    for level in (Level.REFUSAL, Level.WARNING):
        for finding in findings:
            if finding.level is level:
                return finding
    return None


def item_state(text: str, findings: Sequence[Finding], session: Session, unasked: bool = False) -> ItemState:
    """The state of an item from the findings about it (overrides already applied by the rules)."""
    finding = worst(findings)
    if finding is None:
        return ItemState(text, Level.REFUSAL if unasked else None)  # unasked refuses signing (procedure_findings)
    overridden = finding.code in OVERRIDABLE and any(o.code == finding.code for o in session.overrides)
    overridable = finding.code if finding.level is Level.REFUSAL and finding.code in OVERRIDABLE else ""
    return ItemState(
        text, finding.level, finding.message, overridable=overridable, overridden=finding.code if overridden else ""
    )


def _days(value: int | None) -> str:
    return "not recorded" if value is None else f"{value}"


def eligibility_states(
    session: Session, context: SignedContext, settings: ClinicalSettings, by_code: dict[str, list[Finding]]
) -> dict[str, ItemState]:
    """The eligibility lines: age, baseline headache days and hours, failed preventives, medication overuse."""

    def about(item: str) -> list[Finding]:
        return [finding for code in ELIGIBILITY_CODES[item] for finding in by_code.get(code, [])]

    baseline = context.baseline or Baseline()
    age = age_on(context.patient.dob, session.performed_on)
    days = baseline.headache_days
    hours = baseline.headache_hours_per_day
    tried = baseline.failed_preventives
    states = {
        "age": item_state(f"Age {age} ({settings.min_age_years} or older)", about("age"), session),
        "headache_days": item_state(
            f"Baseline headache days a month: {_days(days)} ({settings.chronic_headache_days} or more)",
            about("headache_days"),
            session,
        ),
        "hours": item_state(
            f"Headache hours a day: {'not recorded' if hours is None else f'{hours:g}'} "
            f"({settings.min_headache_hours:g} or more)",
            about("hours"),
            session,
        ),
        "preventives": item_state(
            f"Preventives: {len(tried)} failed ({settings.prior_preventives_required} needed)"
            + (f": {html.escape(', '.join(tried))}" if tried else ""),
            about("preventives"),
            session,
        ),
    }
    if days is None:
        states["headache_days"] = replace(states["headache_days"], detail=f"Not recorded; {WHERE_BASELINE}")
    if hours is None:
        states["hours"] = replace(states["hours"], detail=f"Not recorded; {WHERE_BASELINE}")
    if baseline.specific_acute_days is None and baseline.simple_analgesic_days is None:
        ruled_out = "ruled out" if baseline.overuse_managed else "not assessed"
        states["overuse"] = item_state(f"Medication overuse: {ruled_out}", about("overuse"), session)
    else:
        verdict = "overuse" if medication_overuse(baseline, settings) else "no overuse"
        if verdict == "overuse" and baseline.overuse_managed:
            verdict = "overuse, managed"
        states["overuse"] = item_state(
            f"Medication overuse: {verdict} (triptan, ergot or opioid days {_days(baseline.specific_acute_days)}, "
            f"overuse at {settings.overuse_days_specific}; simple analgesic days "
            f"{_days(baseline.simple_analgesic_days)}, at {settings.overuse_days_simple})",
            about("overuse"),
            session,
        )
    return states


def interval_state(
    session: Session, context: SignedContext, settings: ClinicalSettings, by_code: dict[str, list[Finding]]
) -> ItemState:
    """Days since the last signed session and the earliest eligible date, or the first session."""
    last = context.previous_session_date
    if last is None:
        return ItemState("First session: no earlier signed session.")
    status = interval_status(last, session.performed_on, settings)
    text = (
        f"{status.days_since} days since the last session on {last.isoformat()}; "
        f"earliest eligible {status.earliest_eligible.isoformat()}"
    )
    return item_state(text, [f for code in INTERVAL_CODES for f in by_code.get(code, [])], session)


def screening_state(question: str, session: Session, by_code: dict[str, list[Finding]]) -> ItemState:
    """One screening question with its answer."""
    answer = session.screening.answers[question]
    said = {Answer.UNASKED: "not asked yet", Answer.NO: "no", Answer.YES: "yes"}[answer]
    text = f"{SCREENING_QUESTIONS[question]}: <b>{said}</b>"
    findings = by_code.get(SCREENING_CODES[question], []) if answer is Answer.YES else []
    return item_state(text, findings, session, unasked=answer is Answer.UNASKED)


def score_note(name: str, value: int | None, baseline: Baseline) -> str:
    """The words beside a score: the MIDAS grade, the HIT-6 impact and its change against the baseline."""
    if value is None:
        return ""
    try:
        if name == "midas":
            grade, words = midas_grade(value)
            return f"grade {grade}, {words}"
        if name == "hit6":
            note = hit6_impact(value)
            if baseline.hit6 is not None:
                change = value - baseline.hit6
                meaningful = "meaningful" if hit6_meaningful_change(baseline.hit6, value) else "not meaningful"
                note += f"; {change:+d} vs baseline {baseline.hit6} ({meaningful})"
            return note
    except ValueError:
        return ""
    return ""


def mark_html(level: Level | None, unasked: bool = False) -> str:
    """The state mark of a line: ok, a warning or a refusal (a question not asked yet shows "?")."""
    if level is None:
        return f"<span style='color:{style.GREEN.darker(130).name()}; font-weight:bold'>{OK_SYMBOL}</span>"
    symbol = UNASKED_SYMBOL if unasked else style.FINDING_SYMBOLS[level.value]
    return f"<span style='color:{style.FINDING_COLOURS[level.value].name()}; font-weight:bold'>{symbol}</span>"


class ChecklistItem(QWidget):
    """One line of the checklist: its mark, what the record says, the finding's sentence, and its buttons."""

    override_requested = Signal(str)
    """Ask for a reason to proceed past this refusal (its code)."""
    withdraw_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 1, 0, 1)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(1)
        self.mark = QLabel()
        self.mark.setTextFormat(Qt.TextFormat.RichText)
        self.mark.setFixedWidth(self.mark.fontMetrics().horizontalAdvance("\u2716") + 4)
        grid.addWidget(self.mark, 0, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(self.text, 0, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        grid.addWidget(self.detail, 1, 1)
        self.controls = QHBoxLayout()
        self.controls.setContentsMargins(0, 0, 0, 0)
        self.controls.setSpacing(4)
        self._overridable = ""
        self._overridden = ""
        self.override_button = QPushButton("Override\u2026")
        self.override_button.setToolTip("Proceed despite this refusal, with the clinical reason the note prints")
        self.override_button.clicked.connect(lambda: self.override_requested.emit(self._overridable))
        self.withdraw_button = QPushButton("Withdraw")
        self.withdraw_button.setToolTip("Withdraw the override: the refusal blocks signing again")
        self.withdraw_button.clicked.connect(lambda: self.withdraw_requested.emit(self._overridden))
        self.controls.addWidget(self.override_button)
        self.controls.addWidget(self.withdraw_button)
        self.controls.addStretch(1)
        grid.addLayout(self.controls, 2, 1)
        grid.setColumnStretch(1, 1)
        self._shown: tuple[ItemState, bool, bool] | None = None
        """What the line shows now: its state, whether it may be changed, whether it is unasked."""

    def show_state(self, state: ItemState, editable: bool, unasked: bool = False) -> None:
        """Show the line's state; the override buttons only on a draft (nothing is redrawn when nothing changed)."""
        if self._shown == (state, editable, unasked):
            return  # a click elsewhere on the chart: this line stays as it is
        self._shown = (state, editable, unasked)
        self.mark.setText(mark_html(state.level, unasked))
        self.text.setText(state.text)
        self.detail.setText(state.detail)
        self.detail.setVisible(bool(state.detail))
        colour = style.FINDING_COLOURS[state.level.value] if state.level is not None else style.MUTED
        self.detail.setStyleSheet(f"color: {colour.name()}")
        self._overridable = state.overridable
        self._overridden = state.overridden
        self.override_button.setVisible(editable and bool(state.overridable))
        self.withdraw_button.setVisible(editable and bool(state.overridden))


class AnswerButton(QPushButton):
    """A screening answer's button: a click, or N or Y on its question, answers; Space does not (it marks a site on
    the diagram, and an answer nobody asked must never be recorded by a key pressed out of habit)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Space goes to the question (which ignores it), never to the button."""
        if event.key() == Qt.Key.Key_Space:
            event.ignore()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """A button answers on Space's release: ignored too."""
        if event.key() == Qt.Key.Key_Space:
            event.ignore()
            return
        super().keyReleaseEvent(event)


class ScreeningItem(ChecklistItem):
    """A screening question with its No and Yes buttons: Tab reaches them, a click, N or Y answers (Space does not)."""

    answered = Signal(str, Answer)
    moved_on = Signal(str)
    """The question was answered (a click, N or Y): the keyboard goes on to the next question, so that the next N or
    Y never changes the answer just given."""

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.buttons: dict[Answer, QPushButton] = {}
        for position, answer in enumerate((Answer.NO, Answer.YES)):
            button = AnswerButton(answer.value.capitalize())
            button.setCheckable(True)
            button.setToolTip(f"{answer.value.capitalize()} ({answer.value[0].upper()})")
            button.setAccessibleName(f"{SCREENING_QUESTIONS[question]}: {answer.value}")
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("Yes") + 28)
            # a checked answer pressed again goes back to "not asked"
            button.clicked.connect(lambda checked, a=answer: self.answer(a if checked else Answer.UNASKED))
            self.controls.insertWidget(position, button)
            self.buttons[answer] = button

    def show_answer(self, answer: Answer, editable: bool) -> None:
        """Check the answer's button; a signed session's answers cannot change."""
        for value, button in self.buttons.items():
            button.setChecked(value is answer)
            button.setEnabled(editable)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """N answers no and Y yes (the buttons pass letters on to their question)."""
        answer = ANSWER_KEYS.get(Qt.Key(event.key()))
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if answer is None or not plain or not self.buttons[answer].isEnabled():
            super().keyPressEvent(event)
            return
        self.answer(answer)

    def answer(self, answer: Answer) -> None:
        """Record the answer; once the question is answered, the keyboard goes on."""
        self.answered.emit(self.question, answer)
        if answer is not Answer.UNASKED:
            self.moved_on.emit(self.question)

    def take_focus(self) -> None:
        """Put the keyboard on this question (its No button), scrolled into view."""
        self.buttons[Answer.NO].setFocus(Qt.FocusReason.OtherFocusReason)
        scroll_into_view(self)


class OutcomeField(QWidget):
    """A figure reported at this visit: typed, checked against its scale, with the words it means."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(0)
        self.label = QLabel(label)
        self.edit = QLineEdit()
        self.edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3}"), self.edit))
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("000") + 16)
        self.edit.setPlaceholderText("\u2013")
        self.edit.setAccessibleName(label)
        self.label.setBuddy(self.edit)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {style.MUTED.name()}")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {style.VERMILLION.name()}")
        self.problem.hide()
        grid.addWidget(self.label, 0, 0)
        grid.addWidget(self.edit, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.note, 1, 0, 1, 2)
        grid.addWidget(self.problem, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)

    def value(self) -> int | None:
        """The figure typed, or None when the field is empty."""
        text = self.edit.text().strip()
        return int(text) if text else None


ItemT = TypeVar("ItemT", bound=ChecklistItem)


def panel_state(model: SessionModel) -> PanelState:
    """Each checklist item's state from the model's findings and the patient's record."""
    session = model.session
    by_code: dict[str, list[Finding]] = {}
    for finding in model.findings:
        by_code.setdefault(finding.code, []).append(finding)
    context = model.context
    settings = model.checked_settings
    eligibility = eligibility_states(session, context, settings, by_code) if context is not None else {}
    interval = interval_state(session, context, settings, by_code) if context is not None else None
    old = session.contraindications_checked and not any(
        answer is not Answer.UNASKED for answer in session.screening.answers.values()
    )
    screening = {question: screening_state(question, session, by_code) for question in SCREENING_QUESTIONS}
    response = sorted(
        (f for code in RESPONSE_CODES for f in by_code.get(code, [])), key=lambda f: RESPONSE_CODES.index(f.code)
    )
    return PanelState(session, context, not model.read_only, eligibility, interval, old, screening, response)


def state_summary(state: PanelState) -> str:
    """The checklist tab's title for a state ("Checklist" alone on a signed session)."""
    if not state.editable:
        return "Checklist"
    states = [
        *state.eligibility.values(),
        *([state.interval] if state.interval is not None else []),
        *([] if state.old else state.screening.values()),  # checked as a whole: the questions not asked need no look
        *(ItemState("", f.level) for f in state.response if f.level is not Level.INFO),
    ]
    return summary_text(states)


class ChecklistSummary(QObject):
    """The checklist's state and its tab's title, worked out once per change of the model, whether or not the
    checklist has been built or shows (its tab's title counts the items that need a look)."""

    changed = Signal()
    """``state`` and ``text`` were worked out afresh."""
    summary_changed = Signal(str)
    """The tab's title with the count of the checklist's items that need a look."""

    def __init__(self, model: SessionModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.state = panel_state(model)
        self.text = state_summary(self.state)
        model.session_changed.connect(self.update)

    def update(self) -> None:
        """Work the state and the title out from the model as it stands."""
        self.state = panel_state(self.model)
        self.text = state_summary(self.state)
        self.changed.emit()
        self.summary_changed.emit(self.text)


class ChecklistPanel(QWidget):
    """Before the procedure and at the visit: eligibility, screening, interval, outcomes and the response so far.

    It draws what its ``ChecklistSummary`` worked out; the window builds it the first time the checklist shows.
    """

    baseline_edit_requested = Signal()
    """Open the patient's record at the baseline (the window reads the record afresh once it is saved)."""

    def __init__(
        self, model: SessionModel, parent: QWidget | None = None, summary: ChecklistSummary | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.summary = summary or ChecklistSummary(model, self)
        """The checklist's state and its tab's title, worked out on every change of the model."""
        self.dialog: QInputDialog | None = None
        """The override reason dialog opened last."""
        self._pending: dict[str, str] = {}
        """Figures refused, by field, as typed: kept in their fields until corrected."""
        self._drawn: PanelState | None = None
        """The state the lines show now."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        self.no_record = QLabel("No patient: eligibility and the interval need the patient's record.")
        self.no_record.setWordWrap(True)
        layout.addWidget(self.no_record)

        self.eligibility_title = _title("Eligibility (from the record)")
        layout.addWidget(self.eligibility_title)
        self.eligibility: dict[str, ChecklistItem] = {}
        for name in ELIGIBILITY_CODES:
            item = self._item(ChecklistItem())
            layout.addWidget(item)
            self.eligibility[name] = item
        self.baseline_button = QPushButton("Record baseline\u2026")
        self.baseline_button.setToolTip("The patient's record: headache days and hours, preventives, acute medication")
        self.baseline_button.clicked.connect(self.baseline_edit_requested)
        layout.addWidget(self.baseline_button, 0, Qt.AlignmentFlag.AlignLeft)

        layout.addWidget(_title("Screening (ask each; keys N and Y answer)"))
        self.old_screening = QLabel()
        self.old_screening.setWordWrap(True)
        self.old_screening.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.old_screening)
        self.screening: dict[str, ScreeningItem] = {}
        for question in SCREENING_QUESTIONS:
            screening_item = self._item(ScreeningItem(question))
            screening_item.answered.connect(self.model.answer_screening)
            screening_item.moved_on.connect(self.focus_after)
            layout.addWidget(screening_item)
            self.screening[question] = screening_item

        self.interval_title = _title("Interval")
        layout.addWidget(self.interval_title)
        self.interval = self._item(ChecklistItem())
        layout.addWidget(self.interval)

        layout.addWidget(_title("Outcomes at this visit (last 28-30 days)"))
        self.outcomes: dict[str, OutcomeField] = {}
        for name, label in OUTCOME_FIELDS.items():
            field = OutcomeField(label)
            field.edit.editingFinished.connect(lambda n=name: self._on_outcome_edited(n))
            layout.addWidget(field)
            self.outcomes[name] = field
        self.response = QLabel()
        self.response.setWordWrap(True)
        self.response.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.response)
        layout.addStretch(1)
        model.session_loaded.connect(self._pending.clear)
        self.summary.changed.connect(self.on_session_changed)
        self.on_session_changed()

    def _item(self, item: ItemT) -> ItemT:
        item.override_requested.connect(self.ask_override_reason)
        item.withdraw_requested.connect(lambda code: self.model.set_override(code, ""))
        return item

    # ----- following the model
    def on_session_changed(self) -> None:
        """Redraw the lines at once while the checklist shows, else when it next shows (a click on the diagram while
        the header tab shows pays for the summary only)."""
        if self.isVisible():
            self._draw()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Draw what changed while the checklist was hidden."""
        super().showEvent(event)
        self._draw()

    def _draw(self) -> None:
        state = self.summary.state
        if state is self._drawn:
            return
        self._drawn = state
        session, context, editable = state.session, state.context, state.editable
        self.no_record.setVisible(context is None)
        for widget in (self.eligibility_title, *self.eligibility.values(), self.interval_title, self.interval):
            widget.setVisible(context is not None)
        self.baseline_button.setVisible(context is not None and editable)
        for name, item_state in state.eligibility.items():
            self.eligibility[name].show_state(item_state, editable)
        if state.interval is not None:
            self.interval.show_state(state.interval, editable)
        self.old_screening.setText(f"{mark_html(None)} {html.escape(OLD_SCREENING)}" if state.old else "")
        self.old_screening.setVisible(state.old)
        for question, screening_item in self.screening.items():
            answer = session.screening.answers[question]
            screening_item.show_state(state.screening[question], editable, unasked=answer is Answer.UNASKED)
            screening_item.show_answer(answer, editable)
            screening_item.setVisible(editable or not state.old)  # a signed old session shows its "checked" line only
        self._show_outcomes(session, context, editable)
        self.response.setText(
            "".join(
                f"<p style='margin:2px 0'>{mark_html(f.level)} {html.escape(f.message)}</p>" for f in state.response
            )
        )
        self.response.setVisible(bool(state.response))

    def _show_outcomes(self, session: Session, context: SignedContext | None, editable: bool) -> None:
        baseline = (context.baseline if context is not None else None) or Baseline()
        for name, field in self.outcomes.items():
            stored = getattr(session.outcomes, name)
            pending = self._pending.get(name)
            text = pending if pending is not None else ("" if stored is None else str(stored))
            if field.edit.text() != text:
                field.edit.setText(text)
            field.edit.setReadOnly(not editable)
            if pending is None:
                field.problem.hide()
            note = score_note(name, stored, baseline)
            field.note.setText(note)
            field.note.setVisible(bool(note))

    def commit_edits(self) -> QWidget | None:
        """Record the figures typed and not yet recorded (as leaving each field would): the window calls this before
        it opens another session, signs, prints, backs up or closes. The first field whose figure is refused (its
        sentence shows under it), or None when every figure typed is recorded."""
        for name in self.outcomes:
            self._on_outcome_edited(name)
        refused = [self.outcomes[name].edit for name in self.outcomes if name in self._pending]
        return refused[0] if refused else None

    def _on_outcome_edited(self, name: str) -> None:
        field = self.outcomes[name]
        if self.model.read_only:
            return
        value = field.value()
        before = self.model.session.outcomes
        self._pending.pop(name, None)
        field.problem.hide()
        if value == getattr(before, name) or self.model.set_outcome(name, value):
            return
        # refused (the model said why): the figure stays in its field with the sentence, nothing recorded is lost
        problems = outcome_problems(replace(before, **{name: value}))
        self._pending[name] = field.edit.text()
        field.problem.setText(problems.get(name) or next(iter(problems.values()), ""))
        field.problem.setVisible(bool(field.problem.text()))

    # ----- the keyboard through the screening questions
    def focus_first_unanswered(self) -> bool:
        """Put the keyboard on the first question not asked yet; False when every question is answered (or the
        session cannot change)."""
        answers = self.model.session.screening.answers
        for question, item in self.screening.items():
            if answers[question] is Answer.UNASKED and item.isVisibleTo(self) and item.buttons[Answer.NO].isEnabled():
                item.take_focus()
                return True
        return False

    def focus_after(self, question: str) -> None:
        """A question was answered by key: on to the next question, or, after the last, the visit's first figure."""
        questions = list(self.screening)
        following = questions[questions.index(question) + 1 :]
        if following:
            self.screening[following[0]].take_focus()
        else:
            first = self.outcomes[next(iter(self.outcomes))]
            first.edit.setFocus(Qt.FocusReason.OtherFocusReason)
            scroll_into_view(first)

    # ----- overrides
    def ask_override_reason(self, code: str) -> None:
        """Ask why the injector proceeds past a refusal; the reason is recorded and the note prints it."""
        finding = next((f for f in self.model.findings if f.code == code), None)
        if finding is None or self.model.read_only:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Override a refusal")
        dialog.setLabelText(f"{finding.statement}\nThe clinical reason to proceed (the note prints it):")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.textValueSelected.connect(lambda reason: self._override(code, reason))
        self.dialog = dialog
        dialog.open()

    def _override(self, code: str, reason: str) -> None:
        if not reason.strip():  # OK with nothing typed: say why nothing changed
            self.model.change_refused.emit("An override needs the clinical reason; nothing was overridden.")
            return
        self.model.set_override(code, reason)


def summary_text(states: Sequence[ItemState]) -> str:
    """The checklist's tab title: how many items are refused and how many want a look."""
    refused = sum(1 for state in states if state.level is Level.REFUSAL)
    warned = sum(1 for state in states if state.level is Level.WARNING)
    parts = [f"{style.FINDING_SYMBOLS['refusal']} {refused}" if refused else ""]
    parts.append(f"{style.FINDING_SYMBOLS['warning']} {warned}" if warned else "")
    counts = " ".join(part for part in parts if part)
    return f"Checklist {counts}" if counts else f"Checklist {OK_SYMBOL}"


def _title(text: str) -> QLabel:
    label = QLabel(f"<b>{html.escape(text)}</b>")
    label.setWordWrap(True)
    label.setContentsMargins(0, 4, 0, 0)
    return label
