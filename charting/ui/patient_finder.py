"""Find a patient as you type, see their history and when they are next due, and start their next session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from charting.domain.clock import local_now
from charting.domain.course import build_course
from charting.domain.eligibility import age_on
from charting.domain.interval import due_status, earliest_eligible
from charting.domain.session import Kind, Patient, Session
from charting.domain.settings import ClinicalSettings
from charting.storage.errors import StorageError
from charting.storage.repository import Repository
from charting.ui.file_dialogs import save_file_name
from charting.ui.forms import ErrorLabel, plain_label
from charting.ui.patient_form import PatientFormDialog
from charting.ui.tables import AnyIndex, ReadOnlyTableModel, plural, table_view
from charting.ui.trend_chart import TrendChart, trend_summary

DAYS_PER_WEEK = 7
RESULTS_WIDTH, HISTORY_WIDTH = 420, 720
"""Widths that fit a 1366x768 screen with every history column readable."""
FINDER_HEIGHT = 700
"""Room for the history and the trend chart on a 768-pixel-high screen."""
SEARCH_HINT = "Type 2-3 letters of a name, a record number or a birth date."


def date_with_age(dob: date, today: date) -> str:
    """1980-04-02 (45 y)."""
    return f"{dob.isoformat()} ({age_on(dob, today)} y)"


class PatientResultsModel(ReadOnlyTableModel[Patient]):
    """The patients a search found: name, record number, date of birth with age."""

    HEADERS = ("Name", "Record number", "Date of birth")

    def __init__(self, today: date, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.today = today

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        patient = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Allergies: {patient.allergies}" if patient.allergies else None
        return (patient.display_name, patient.mrn, date_with_age(patient.dob, self.today))[index.column()]


@dataclass(frozen=True)
class HistoryRow:
    """One session as the history shows it."""

    session_id: int | None
    performed_on: date
    status: str
    units: float
    sites: int
    ftp_sites: int
    days_since_previous: int | None
    next_due: date | None
    lot_number: str
    injector: str


def history_rows(sessions: list[Session], settings: ClinicalSettings) -> list[HistoryRow]:
    """The sessions (oldest first) with the interval since the one before and, once signed, the next due date."""
    rows = []
    previous: date | None = None
    for session in sessions:
        rows.append(
            HistoryRow(
                session_id=session.id,
                performed_on=session.performed_on,
                status="Signed" if session.signed else "Draft",
                units=session.units_administered,
                sites=session.sites_injected,
                ftp_sites=sum(1 for i in session.injections if i.kind is Kind.FTP and not i.skipped),
                days_since_previous=None if previous is None else (session.performed_on - previous).days,
                next_due=earliest_eligible(session.performed_on, settings) if session.signed else None,
                lot_number=session.lot_number,
                injector=session.injector,
            )
        )
        previous = session.performed_on
    return rows


def interval_text(days: int | None) -> str:
    """86 days (12 wk), or a dash for the first session."""
    if days is None:
        return "\N{EM DASH}"
    return f"{days} days ({days // DAYS_PER_WEEK} wk)"


def due_sentence(last_signed: date | None, today: date, settings: ClinicalSettings) -> str:
    """When the patient is next due, against today, as a sentence (the one reading of ``interval.due_status``)."""
    if last_signed is None:
        return "No signed session yet."
    return due_status(last_signed, today, settings).sentence


class SessionHistoryModel(ReadOnlyTableModel[HistoryRow]):
    """A patient's sessions, oldest first: date, status, units, sites, interval, next due, lot, injector."""

    HEADERS = ("Date", "Status", "Units", "Sites", "Since previous", "Next due", "Lot", "Injector")
    NUMBER_COLUMNS = (2, 3)

    def __init__(self, settings: ClinicalSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings

    def set_sessions(self, sessions: list[Session]) -> None:
        """Show a patient's sessions (oldest first)."""
        self.set_rows(history_rows(sessions, self.settings))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            sites = f"{row.sites} ({row.ftp_sites} FTP)" if row.ftp_sites else str(row.sites)
            next_due = row.next_due.isoformat() if row.next_due else "\N{EM DASH}"
            return (
                row.performed_on.isoformat(),
                row.status,
                f"{row.units:g} U",
                sites,
                interval_text(row.days_since_previous),
                next_due,
                row.lot_number,
                row.injector,
            )[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.NUMBER_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PatientFinder(QDialog):
    """Search by name, record number or date of birth; the chosen patient's history; start or open a session.

    Enter (or a double click) opens the selected patient (``patient_chosen``); the buttons ask the window for a
    new session, a copy of the last one, or to open a session of the history. The dialog closes after each.
    """

    patient_chosen = Signal(int)
    new_session_requested = Signal(int)
    copy_last_session_requested = Signal(int)
    open_session_requested = Signal(int)

    def __init__(
        self,
        repo: Repository,
        settings: ClinicalSettings | None = None,
        *,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.repo = repo
        self.settings = settings or repo.settings
        self.today = today or date.today()
        self.patient: Patient | None = None
        self.form: PatientFormDialog | None = None
        self.setWindowTitle("Find patient")

        self.search = QLineEdit()
        self.search.setPlaceholderText("Name, record number or date of birth (YYYY-MM-DD)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.on_search_changed)
        self.search.returnPressed.connect(self.open_patient)
        self.search.installEventFilter(self)
        self.search_status = plain_label(SEARCH_HINT)

        self.results = PatientResultsModel(self.today, self)
        self.results_view = table_view(self.results, stretch_column=0)
        self.results_view.selectionModel().currentRowChanged.connect(self._result_changed)
        self.results_view.doubleClicked.connect(self.open_patient)

        self.patient_heading = plain_label()
        heading_font = self.patient_heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.2)
        heading_font.setBold(True)
        self.patient_heading.setFont(heading_font)
        self.patient_details = plain_label()
        self.patient_details.setWordWrap(True)
        self.due = plain_label()
        self.due.setWordWrap(True)
        due_font = self.due.font()
        due_font.setBold(True)
        self.due.setFont(due_font)
        self.history = SessionHistoryModel(self.settings, self)
        self.history_view = table_view(self.history)
        self.history_view.doubleClicked.connect(self.open_session)
        self.history_view.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.trend = TrendChart()
        self.trend_summary = plain_label()
        self.trend_summary.setWordWrap(True)

        self.new_patient_button = QPushButton("New patient...")
        self.new_patient_button.clicked.connect(self.open_new_patient)
        self.edit_patient_button = QPushButton("Edit patient...")
        self.edit_patient_button.clicked.connect(self.open_edit_patient)
        self.open_patient_button = QPushButton("Open patient")
        self.open_patient_button.clicked.connect(self.open_patient)
        self.open_session_button = QPushButton("Open session")
        self.open_session_button.clicked.connect(self.open_session)
        self.summary_button = QPushButton("Continuation summary\u2026")
        self.summary_button.setToolTip("The continuation-of-therapy summary for insurers, as PDF")
        self.summary_button.clicked.connect(self.export_continuation_summary)
        self.new_session_button = QPushButton("New session")
        self.new_session_button.clicked.connect(self.request_new_session)
        self.copy_last_button = QPushButton("Copy last session")
        self.copy_last_button.clicked.connect(self.request_copy_last_session)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self.error = ErrorLabel()
        self.notice = plain_label()
        self.notice.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.search_status)
        left_layout.addWidget(self.results_view, 1)
        left_buttons = QHBoxLayout()
        left_buttons.addWidget(self.new_patient_button)
        left_buttons.addWidget(self.edit_patient_button)
        left_buttons.addStretch(1)
        left_layout.addLayout(left_buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.patient_heading)
        right_layout.addWidget(self.patient_details)
        right_layout.addWidget(self.due)
        right_layout.addWidget(self.history_view, 1)
        right_layout.addWidget(self.trend, 1)
        right_layout.addWidget(self.trend_summary)
        right_buttons = QHBoxLayout()
        right_buttons.addWidget(self.open_session_button)
        right_buttons.addStretch(1)
        right_buttons.addWidget(self.summary_button)
        right_layout.addLayout(right_buttons)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([RESULTS_WIDTH, HISTORY_WIDTH])
        splitter.setChildrenCollapsible(False)

        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for button in (self.open_patient_button, self.new_session_button, self.copy_last_button, self.close_button):
            bottom.addWidget(button)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addLayout(bottom)
        self.resize(RESULTS_WIDTH + HISTORY_WIDTH + 30, FINDER_HEIGHT)
        self.search.setFocus()
        self.on_search_changed("")

    # searching

    def on_search_changed(self, text: str) -> None:
        """Search as the user types; the first result is selected and its history shown."""
        text = text.strip()
        self.error.show_error("")
        patients = self._search(text)
        self.results.set_rows(patients)
        if not text:
            self.search_status.setText(SEARCH_HINT)
        elif not patients:
            self.search_status.setText(f"No patient matches {text!r}. Check the spelling, or add a new patient.")
        else:
            self.search_status.setText(f"{plural(len(patients), 'patient')}; Enter opens the selected one.")
        if patients:
            self.results_view.selectRow(0)
        else:
            self._show_patient(None)

    def _search(self, text: str) -> list[Patient]:
        try:
            return self.repo.search_patients(text)
        except StorageError as error:
            self.error.show_error(str(error))
            return []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Up and Down in the search field move through the results, so the hands stay on the keyboard."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step is not None and self.results.rowCount():
                row = self.results_view.currentIndex().row() + step
                self.results_view.selectRow(max(0, min(row, self.results.rowCount() - 1)))
                return True
        return super().eventFilter(watched, event)

    def _result_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_patient(self.results.rows[current.row()] if current.isValid() else None)

    # the chosen patient

    def _show_patient(self, patient: Patient | None) -> None:
        self.patient = patient
        sessions: list[Session] = []
        if patient is not None and patient.id is not None:
            try:
                sessions = self.repo.sessions_for_patient(patient.id)
            except StorageError as error:
                self.error.show_error(str(error))
        self.history.set_sessions(sessions)
        self._show_course(patient)
        if patient is None:
            self.patient_heading.setText("No patient selected")
            self.patient_details.clear()
            self.due.clear()
        else:
            self.patient_heading.setText(patient.display_name)
            allergies = patient.allergies or "not recorded"
            self.patient_details.setText(
                f"Record {patient.mrn} \N{MIDDLE DOT} born {date_with_age(patient.dob, self.today)} "
                f"\N{MIDDLE DOT} allergies: {allergies}"
            )
            self.due.setText(due_sentence(self._last_signed(sessions), self.today, self.settings))
        if sessions:
            self.history_view.selectRow(len(sessions) - 1)
            self.history_view.scrollToBottom()
        self._update_buttons()

    def _show_course(self, patient: Patient | None) -> None:
        """The trend chart of the patient's course: the baseline and one query for the signed visits."""
        baseline, visits = None, []
        if patient is not None and patient.id is not None:
            try:
                baseline = self.repo.baseline(patient.id)
                visits = self.repo.visits(patient.id)
            except StorageError as error:
                self.error.show_error(str(error))
        self.trend.set_course(build_course(baseline, visits, self.settings), self.settings)
        self.trend.setVisible(patient is not None)
        self.trend_summary.setText(trend_summary(self.trend.data) if patient is not None else "")

    @staticmethod
    def _last_signed(sessions: list[Session]) -> date | None:
        signed = [session.performed_on for session in sessions if session.signed]
        return max(signed, default=None)

    def _update_buttons(self) -> None:
        chosen = self.patient is not None
        has_signed = any(row.status == "Signed" for row in self.history.rows)
        for button in (self.edit_patient_button, self.open_patient_button, self.new_session_button):
            button.setEnabled(chosen)
        self.copy_last_button.setEnabled(chosen and has_signed)
        self.copy_last_button.setToolTip("" if has_signed else "The patient has no signed session to copy yet.")
        self.open_session_button.setEnabled(self.selected_session_id() is not None)
        self.summary_button.setEnabled(chosen and has_signed)

    def selected_session_id(self) -> int | None:
        """The id of the session selected in the history, if any."""
        index = self.history_view.currentIndex()
        return self.history.rows[index.row()].session_id if index.isValid() else None

    # requests to the window

    def _emit_for_patient(self, signal: SignalInstance) -> None:
        if self.patient is None or self.patient.id is None:
            return
        signal.emit(self.patient.id)
        self.accept()

    def open_patient(self) -> None:
        """Open the selected patient in the window."""
        self._emit_for_patient(self.patient_chosen)

    def request_new_session(self) -> None:
        """Ask the window for a new session for the selected patient."""
        self._emit_for_patient(self.new_session_requested)

    def request_copy_last_session(self) -> None:
        """Ask the window for a new session copied from the patient's last signed one."""
        if self.copy_last_button.isEnabled():
            self._emit_for_patient(self.copy_last_session_requested)

    def open_session(self) -> None:
        """Ask the window to open the session selected in the history."""
        session_id = self.selected_session_id()
        if session_id is not None:
            self.open_session_requested.emit(session_id)
            self.accept()

    # adding and editing patients

    def open_new_patient(self) -> PatientFormDialog:
        """Open the new-patient form; once saved, the new patient is found and selected here."""
        return self._open_form(None)

    def open_edit_patient(self) -> PatientFormDialog | None:
        """Open the form on the selected patient; once saved, the changes show here."""
        return self._open_form(self.patient) if self.patient is not None else None

    def _open_form(self, patient: Patient | None) -> PatientFormDialog:
        self.form = PatientFormDialog(self.repo, patient, settings=self.settings, today=self.today, parent=self)
        self.form.accepted.connect(self._form_saved)
        self.form.open()
        return self.form

    def _form_saved(self) -> None:
        if self.form is None or self.form.saved_patient is None:
            return
        self.search.setText(self.form.saved_patient.mrn)
        for row, patient in enumerate(self.results.rows):
            if patient.id == self.form.saved_patient.id:
                self.results_view.selectRow(row)
                self._show_patient(patient)  # shown afresh even when already selected: the baseline may have changed
        self.search.setFocus()

    # the continuation-of-therapy summary

    def export_continuation_summary(self) -> None:
        """Ask where to save the selected patient's continuation summary (the dialog asks before replacing a file)."""
        if self.patient is None:
            return
        from charting.documents import file_stem

        suggested = Path.home() / f"{file_stem(self.patient.mrn)}_{self.today.isoformat()}_continuation_summary.pdf"
        path = save_file_name(self, "Save the continuation summary", str(suggested), "PDF (*.pdf)")
        if path:
            self.write_continuation_summary(Path(path), replace=True)

    def write_continuation_summary(self, path: Path, *, replace: bool = False) -> bool:
        """Write the selected patient's continuation summary, owner-only; an existing file is kept unless replaced.

        A failure shows as a sentence under the lists.
        """
        if self.patient is None or self.patient.id is None:
            return False
        # reportlab loads with the first document, not when the finder opens.
        from charting.documents import DocumentError, continuation_summary_pdf, write_private_file

        try:
            pdf = continuation_summary_pdf(self.repo, self.patient.id, now=local_now())
            write_private_file(path, pdf, replace=replace)
        except DocumentError as error:
            self.error.show_error(str(error))
            return False
        self.error.show_error("")
        self.notice.setText(f"Continuation summary written to {path}.")
        return True
