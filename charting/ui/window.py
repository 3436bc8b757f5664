"""The charting window: patient bar, session header, the head diagram, the totals panel, menus and keys.

``run_window`` is what ``charting`` (no command) calls: open the database, back it up, welcome a new clinic,
reopen the unfinished drafts, then chart.
"""

from __future__ import annotations

import argparse
import getpass
import html
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from charting.domain.clock import local_now
from charting.domain.eligibility import age_on
from charting.domain.interval import INTERVAL_EARLY
from charting.domain.people import Addendum, Injector
from charting.domain.protocol import Protocol, ProtocolError, load_protocol
from charting.domain.rules import signing_blockers
from charting.domain.session import AdverseEvent, Patient, Session
from charting.domain.settings import ClinicalSettings
from charting.storage.database import database_path, open_database
from charting.storage.errors import StorageError
from charting.storage.repository import Repository
from charting.ui import style
from charting.ui.checklist_panel import ChecklistPanel, ChecklistSummary
from charting.ui.diagram import DiagramScene, DiagramView, site_menu
from charting.ui.forms import ElidedLabel
from charting.ui.header_panel import HeaderPanel
from charting.ui.lock import IDLE_LOCK_SETTING, MS_PER_MINUTE, IdleWatcher, LockPage, idle_lock_minutes
from charting.ui.lot_offer import LotOffer
from charting.ui.session_model import ExcessQuestion, SessionModel
from charting.ui.totals_panel import TotalsPanel

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from charting.ui.maintenance import StartupMaintenance

log = logging.getLogger(__name__)

APP_TITLE = "charting"
MAINTENANCE_MESSAGE_MS = 30000
"""How long the status bar says that today's backup and the records check went well."""
AFTER_FIRST_FRAME_MS = 250
"""How long after the window's first frame the work no one needs at once starts: today's backup and records check
(a child process that would compete with the first frame for the processor) and the idle lock's input filter."""
STATUS_MESSAGE_MS = 15000
"""How long a sentence stays in the status bar."""
UNRECORDED_VALUE = (
    "A value typed cannot be recorded (the sentence under the field says why); correct or clear it first."
)
"""The notice when an action waits for a value typed that cannot be recorded."""
AFTER_FIRST_FRAME_FALLBACK_MS = 3000
"""When that work starts all the same if no frame has been painted by then (a window started minimised)."""
FIRST_SIZE = QSize(1366, 768)
"""The window's size at start-up when the screen has room for it."""
BACKUP_KEY = "Ctrl+Shift+B"
SIGN_KEY = "Ctrl+Shift+S"
"""Sign's shortcut: clear of the chart keys and of the File and Edit keys (Ctrl+F, N, P, Q, E, Z, Y)."""


def session_title(patient: Patient | None, session: Session) -> str:
    """The window title: the patient, the session date and its state (DRAFT or SIGNED)."""
    who = patient.display_name if patient is not None else "No patient"
    return f"{who} \u2014 {session.performed_on.isoformat()} \u2014 {session.status.value.upper()} \u2014 {APP_TITLE}"


def patient_line(patient: Patient | None, session: Session | None, today: date) -> str:
    """The patient bar: name, record number, date of birth and age, session date and state."""
    if patient is None:
        return "No patient open"
    parts = [
        f"<b>{html.escape(patient.display_name)}</b>",
        f"MRN {html.escape(patient.mrn)}",
        f"DOB {patient.dob.isoformat()} ({age_on(patient.dob, today)} y)",
    ]
    if patient.allergies:
        parts.append(allergies_html(patient.allergies))
    if session is not None:
        state = session.status.value.upper()
        colour = style.GREEN.darker(130).name() if session.signed else style.BLUE.name()
        parts.append(f"Session {session.performed_on.isoformat()} <b style='color:{colour}'>{state}</b>")
    return "&nbsp;&nbsp;&nbsp;".join(parts)


NO_KNOWN_ALLERGIES = frozenset(
    {"nkda", "nka", "no known allergies", "no known drug allergies", "no known allergy", "none", "none known", "nil"}
)
"""What a record says when the patient has no known allergy (lower case, without a final full stop)."""


def allergies_html(allergies: str) -> str:
    """The allergies on the patient bar: a real allergy highlighted, "NKDA" and the like in the ordinary colour."""
    text = f"Allergies: {html.escape(allergies)}"
    if allergies.strip().rstrip(".").lower() in NO_KNOWN_ALLERGIES:
        return text
    return f"<span style='color:{style.VERMILLION.name()}'>{text}</span>"


def first_window_size(available: QSize) -> QSize:
    """The window's first size: 1366x768, or less on a screen whose free area is smaller (high scaling)."""
    return QSize(min(FIRST_SIZE.width(), available.width()), min(FIRST_SIZE.height(), available.height()))


def backup_sentence(at: datetime, today: date) -> str:
    """When the last backup was made, for the status bar."""
    when = f"today at {at:%H:%M}" if at.date() == today else f"{at:%Y-%m-%d %H:%M}"
    return f"Last backup {when}"


class MainWindow(QMainWindow):
    """The one screen used while charting; every action is in a menu with its shortcut."""

    def __init__(
        self,
        repo: Repository,
        protocol: Protocol | None = None,
        settings: ClinicalSettings | None = None,
        today: date | None = None,
        clock: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self.repo = repo
        self.protocol = protocol or repo.protocol
        self.settings = settings or repo.settings
        self._clock: Callable[[], date] = (lambda: today) if today is not None else clock
        """Read whenever a date is needed, so every new session takes the date it is started on."""
        self.patient: Patient | None = None
        self.patient_last_signed: date | None = None
        """The date of the patient's last signed session, shown on the start page."""
        self.patient_has_signed = False
        """Whether the patient shown has a signed session to copy (read when the patient is opened)."""
        self.has_session = False
        self._stored: Session | None = None
        """The open session as the database holds it, so that an autosave need not read it back."""
        self.addenda: list[Addendum] = []
        self._context_on: date | None = None
        """The date of service the patient's record (the model's context) was read for."""
        self._discard_unsaved = False
        self.maintenance: StartupMaintenance | None = None
        """Today's backup and the records check, once started (``start_maintenance``)."""
        self.printer: QPrinter | None = None
        """The printer of the open print preview (the dialog does not own it)."""
        self.dialog: QWidget | None = None
        """The dialog or message box opened last (window-modal, not blocking)."""
        self.model = SessionModel(
            self.protocol,
            Session(performed_on=self.today),
            save=self._save_session,
            settings=self.settings,
            parent=self,
        )
        self.scene = DiagramScene(self.model)
        self.view = DiagramView(self.scene)
        self.header_panel = HeaderPanel(self.model, self._injector_names())
        self.lot_offer = LotOffer(self.model)
        self.header_panel.add_below_expiry(self.lot_offer)
        self.checklist_summary = ChecklistSummary(self.model, self)
        """The checklist's state and its tab's title, kept up to date whether or not the checklist was built."""
        self._checklist_panel: ChecklistPanel | None = None
        self.totals_panel = TotalsPanel(self.model)
        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self.lock_page = LockPage()
        self.lock_page.unlock_requested.connect(self.unlock)
        self.stack.addWidget(self.lock_page)
        self._locked: LockedState | None = None
        self.idle_watcher = IdleWatcher(self._idle_lock_ms(), self, watch_input=False)
        self.idle_watcher.idle.connect(self.lock)
        self._watch_input_after_first_frame()
        self.model.session_changed.connect(self.on_session_changed)
        self.model.session_loaded.connect(self._scroll_tabs_to_top)
        self.model.saved.connect(self.on_saved)
        self.model.save_failed.connect(self.on_save_failed)
        self.model.change_refused.connect(self.on_change_refused)
        self.model.change_noted.connect(lambda text: self.statusBar().showMessage(text, STATUS_MESSAGE_MS))
        self.model.ask_excess = self.ask_about_excess
        self.model.undo_stack.indexChanged.connect(self.on_change_made)
        self.model.ftp_mode_changed.connect(self.act_ftp.setChecked)
        self.view.context_menu_requested.connect(self.on_site_menu_requested)
        self.show_start_page()

    @property
    def checklist_panel(self) -> ChecklistPanel:
        """The checklist tab's panel, built the first time it shows or is asked for: hidden at start-up, it costs
        the first paint nothing."""
        return self._built_checklist()

    def _built_checklist(self) -> ChecklistPanel:
        if self._checklist_panel is None:
            panel = ChecklistPanel(self.model, summary=self.checklist_summary)
            panel.baseline_edit_requested.connect(self.edit_baseline)
            self._checklist_panel = panel
            self.checklist_scroll.setWidget(panel)
        return self._checklist_panel

    def _on_left_tab(self, index: int) -> None:
        if self.left_tabs.widget(index) is self.checklist_scroll:
            self._built_checklist().focus_first_unanswered()  # the screening goes on by N and Y from there

    def _scroll_tabs_to_top(self) -> None:
        """Another session opened: its header and checklist show from the top (the eligibility lines first)."""
        for area in (self.header_scroll, self.checklist_scroll):
            area.verticalScrollBar().setValue(0)

    @property
    def today(self) -> date:
        """Today's date, read when it is needed: a window left open overnight dates the morning's sessions right."""
        return self._clock()

    # ----- building
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        *keys: QKeySequence | str,
        chart_key: bool = False,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        action.setCheckable(checkable)
        if keys:
            action.setShortcuts([QKeySequence(key) for key in keys])
        if chart_key:
            # Chart keys act only while the diagram has the focus, so typing in the header stays typing.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(action)
        if checkable:
            action.toggled.connect(lambda _on: slot())
        else:
            # Called without the "checked" flag, so slots with optional arguments get their defaults.
            action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        m = self.model
        self.act_find = self._action("&Find patient\u2026", self.find_patient, "Ctrl+F")
        self.act_new_patient = self._action("New &patient\u2026", self.new_patient)
        self.act_new_session = self._action("&New session", self.new_session, "Ctrl+N")
        self.act_copy_last = self._action("&Copy last session", self.copy_last_session)
        self.act_print = self._action("&Print\u2026", self.print_note, "Ctrl+P")
        self.act_export = self._action("&Export PDF\u2026", self.export_note)
        self.act_retry_save = self._action("&Retry save", m.retry_save)
        self.act_quit = self._action("&Quit", self.close, "Ctrl+Q")
        self.act_undo = self._action("&Undo", m.undo_stack.undo, "Ctrl+Z")
        self.act_redo = self._action("&Redo", m.undo_stack.redo, "Ctrl+Shift+Z", "Ctrl+Y")
        m.undo_stack.canUndoChanged.connect(self._update_actions)
        m.undo_stack.canRedoChanged.connect(self._update_actions)
        self.act_mark = self._action("&Mark / unmark site", m.toggle_focus, "Space", chart_key=True)
        self.act_next = self._action("Ne&xt site", lambda: m.focus_next(1), "Tab", "Right", "Down", chart_key=True)
        self.act_previous = self._action(
            "Pre&vious site", lambda: m.focus_next(-1), "Shift+Tab", "Left", "Up", chart_key=True
        )
        # Not "Backtab" as well: X11 delivers Shift+Tab as Backtab, both would match and Qt would run neither.
        self.act_more = self._action("More units (+)", lambda: m.step_units(1), "+", "=", chart_key=True)
        self.act_fewer = self._action("Fewer units (-)", lambda: m.step_units(-1), "-", chart_key=True)
        self.act_ftp = self._action(
            "&Follow-the-pain mode",
            lambda: m.set_ftp_mode(self.act_ftp.isChecked()),
            "F",
            chart_key=True,
            checkable=True,
        )
        self.act_add_ftp = self._action(
            "&Add follow-the-pain site to the ringed muscle", self.view.add_ftp_by_focus, "A", "Insert", chart_key=True
        )
        self.act_leave_mode = self._action("&Leave the mode", lambda: m.set_ftp_mode(False), "Esc", chart_key=True)
        label = f"Apply {self.protocol.id.upper()} {self.protocol.label_dose_units:g} U"
        self.act_apply = self._action(label, m.apply_protocol)
        self.act_skip = self._action("&Skip site with reason\u2026", lambda: self.ask_skip_reason(m.focus_site))
        self.act_remove = self._action("&Remove mark", lambda: m.remove(m.focus_site), "Delete", chart_key=True)
        self.act_adverse_event = self._action("Record adverse &event\u2026", self.record_adverse_event, "Ctrl+E")
        self.act_sign = self._action("&Sign\u2026", self.sign, SIGN_KEY)
        self.act_sign.setToolTip(
            f"Sign the session ({QKeySequence(SIGN_KEY).toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        self.act_addendum = self._action("Add &addendum\u2026", self.add_addendum)
        self.act_recall = self._action("&Lot recall\u2026", self.lot_recall)
        self.act_profiles = self._action("Clinic and &injectors\u2026", self.profiles)
        self.act_due_list = self._action("&Due list\u2026", self.due_list, "Ctrl+Shift+D")
        self.act_settings = self._action("Clinical se&ttings\u2026", self.clinical_settings)
        self.act_backup = self._action("&Back up now", self.back_up_now, BACKUP_KEY)
        self.act_show_header = self._action("Session &header", lambda: self.show_left_tab(0), "Ctrl+1")
        self.act_show_checklist = self._action("Chec&klist", lambda: self.show_left_tab(1), "Ctrl+2")
        self.act_show_diagram = self._action("&Diagram", self.focus_diagram, "Ctrl+3")
        self.chart_actions = [
            self.act_mark,
            self.act_next,
            self.act_previous,
            self.act_more,
            self.act_fewer,
            self.act_ftp,
            self.act_add_ftp,
            self.act_leave_mode,
            self.act_apply,
            self.act_skip,
            self.act_remove,
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        for action in (self.act_find, self.act_new_patient, self.act_new_session, self.act_copy_last):
            file.addAction(action)
        self.drafts_menu = file.addMenu("Open &draft")
        self.drafts_menu.aboutToShow.connect(self.fill_drafts_menu)
        file.addSeparator()
        for action in (self.act_print, self.act_export, self.act_retry_save):
            file.addAction(action)
        file.addSeparator()
        file.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        chart = bar.addMenu("&Chart")
        for action in self.chart_actions:
            chart.addAction(action)
        chart.addSeparator()
        for action in (self.act_show_header, self.act_show_checklist, self.act_show_diagram):
            chart.addAction(action)
        session = bar.addMenu("&Session")
        session.addAction(self.act_adverse_event)
        session.addSeparator()
        session.addAction(self.act_sign)
        session.addAction(self.act_addendum)
        records = bar.addMenu("&Records")
        records.addAction(self.act_recall)
        records.addAction(self.act_due_list)
        records.addAction(self.act_profiles)
        records.addAction(self.act_settings)
        records.addSeparator()
        records.addAction(self.act_backup)

    def _build_central(self) -> None:
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        # the start page: nothing open
        self.start_page = QWidget()
        start = QVBoxLayout(self.start_page)
        start.addStretch(1)
        self.start_text = QLabel()
        self.start_text.setTextFormat(Qt.TextFormat.PlainText)
        self.start_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big = QFont(self.start_text.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        self.start_text.setFont(big)
        start.addWidget(self.start_text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_buttons: dict[str, QPushButton] = {}
        for key, text, action in (
            ("find", "Find patient (Ctrl+F)", self.act_find),
            ("new_patient", "New patient\u2026", self.act_new_patient),
            ("new_session", "New session (Ctrl+N)", self.act_new_session),
            ("copy_last", "Copy last session", self.act_copy_last),
        ):
            start_button = QPushButton(text)
            start_button.setMinimumHeight(44)
            start_button.clicked.connect(action.trigger)
            buttons.addWidget(start_button)
            self.start_buttons[key] = start_button
        buttons.addStretch(1)
        start.addLayout(buttons)
        start.addStretch(2)
        self.stack.addWidget(self.start_page)
        # the chart page
        self.chart_page = QWidget()
        page = QVBoxLayout(self.chart_page)
        page.setContentsMargins(6, 4, 6, 4)
        page.setSpacing(4)
        self.patient_bar = QLabel()
        bar_font = QFont(self.patient_bar.font())
        bar_font.setPointSizeF(bar_font.pointSizeF() * 1.15)
        self.patient_bar.setFont(bar_font)
        page.addWidget(self.patient_bar)
        self.notice = ElidedLabel()
        """One line with its place kept while hidden, so a refusal shown or cleared never moves the diagram."""
        self.notice.setStyleSheet(f"color: {style.VERMILLION.name()}; font-weight: bold;")
        keep_place = self.notice.sizePolicy()
        keep_place.setRetainSizeWhenHidden(True)
        self.notice.setSizePolicy(keep_place)
        self.notice.hide()
        page.addWidget(self.notice)
        middle = QHBoxLayout()
        middle.setSpacing(6)
        left = QVBoxLayout()
        self.header_scroll = QScrollArea()
        self.header_scroll.setWidget(self.header_panel)
        self.header_scroll.setWidgetResizable(True)
        self.header_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.header_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.checklist_scroll = QScrollArea()
        """The checklist tab: its panel is put in the first time it shows (``checklist_panel``)."""
        self.checklist_scroll.setWidgetResizable(True)
        self.checklist_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.checklist_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The header fills the column at 1366x768: header and checklist are two tabs of it, the diagram keeps its size.
        self.left_tabs = QTabWidget()
        self.left_tabs.setDocumentMode(True)
        self.left_tabs.addTab(self.header_scroll, "Session header")
        self.left_tabs.addTab(self.checklist_scroll, "Checklist")
        self.checklist_summary.summary_changed.connect(lambda text: self.left_tabs.setTabText(1, text))
        self.left_tabs.currentChanged.connect(self._on_left_tab)
        left.addWidget(self.left_tabs, 3)
        self.addenda_label = QLabel()
        self.addenda_label.setWordWrap(True)
        self.addenda_label.setTextFormat(Qt.TextFormat.RichText)
        self.addenda_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.addenda_box = QScrollArea()
        self.addenda_box.setWidget(self.addenda_label)
        self.addenda_box.setWidgetResizable(True)
        left.addWidget(self.addenda_box, 2)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setFixedWidth(276)
        middle.addWidget(left_widget)
        middle.addWidget(self.view, 1)
        self.totals_panel.record_button.setDefaultAction(self.act_adverse_event)
        # Not in a scroll area: the findings and adverse events scroll in their own lists, the totals never move.
        self.totals_panel.setFixedWidth(300)
        middle.addWidget(self.totals_panel)
        page.addLayout(middle, 1)
        bottom = QHBoxLayout()
        self.bottom_buttons: dict[str, QToolButton] = {}
        actions: list[tuple[str, QAction | None]] = [
            ("apply", self.act_apply),
            ("ftp", self.act_ftp),
            ("undo", self.act_undo),
            ("redo", self.act_redo),
            ("", None),
            ("sign", self.act_sign),
            ("addendum", self.act_addendum),
            ("print", self.act_print),
            ("export", self.act_export),
        ]
        for key, bottom_action in actions:
            if bottom_action is None:
                bottom.addStretch(1)
                continue
            button = QToolButton()
            button.setDefaultAction(bottom_action)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(36)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bottom.addWidget(button)
            self.bottom_buttons[key] = button
        page.addLayout(bottom)
        self.stack.addWidget(self.chart_page)

    def _build_status_bar(self) -> None:
        self.backup_label = QLabel()
        """When the last backup of the database was made (Records > Back up now makes one)."""
        self.backup_label.setContentsMargins(0, 0, 12, 0)
        self.statusBar().addPermanentWidget(self.backup_label)
        self.saved_label = QLabel()
        self.statusBar().addPermanentWidget(self.saved_label)
        self.retry_button = QPushButton("Retry save")
        self.retry_button.clicked.connect(self.model.retry_save)
        self.retry_button.hide()
        self.statusBar().addPermanentWidget(self.retry_button)

    # ----- pages and state
    def show_start_page(self) -> None:
        """No session open: invite to find or add a patient (and, with a patient, to start a session)."""
        self.has_session = False
        self.model.set_ftp_mode(False)
        if self.patient is None:
            self.start_text.setText("No session open. Find the patient, or add a new one.")
        else:
            from charting.ui.patient_finder import due_sentence

            patient = self.patient
            last = f"Last session {self.patient_last_signed.isoformat()}. " if self.patient_last_signed else ""
            self.start_text.setText(
                f"{patient.display_name} (MRN {patient.mrn}), {age_on(patient.dob, self.today)} y, has no session "
                f"open.\nAllergies: {patient.allergies or 'none recorded'}.\n"
                f"{last}{due_sentence(self.patient_last_signed, self.today, self.settings)}"
            )
        with_patient = self.patient is not None
        copy_offered = with_patient and self.patient_has_signed
        self.start_buttons["new_session"].setVisible(with_patient)
        self.start_buttons["copy_last"].setVisible(copy_offered)
        if copy_offered:
            default = self.start_buttons["copy_last"]
        elif with_patient:
            default = self.start_buttons["new_session"]
        else:  # a new clinic, with no patient yet, starts by adding one
            default = self.start_buttons["find" if self._has_patients() else "new_patient"]
        for button in self.start_buttons.values():
            button.setDefault(button is default)
        default.setFocus()
        self.stack.setCurrentWidget(self.start_page)
        self.setWindowTitle(APP_TITLE if self.patient is None else f"{self.patient.display_name} \u2014 {APP_TITLE}")
        self._update_actions()

    def _has_patients(self) -> bool:
        """Whether the clinic has a patient yet (a new clinic starts with New patient)."""
        try:
            return bool(self.repo.search_patients("", limit=1))
        except StorageError:
            return True

    def open_session(self, session: Session) -> bool:
        """Show a session: a draft to chart, or a signed one read-only with its addenda."""
        if not self._may_leave_session():
            return False
        try:
            patient = self.repo.get_patient(session.patient_id) if session.patient_id is not None else None
            previous = None
            open_vial = None
            if session.patient_id is not None and not session.signed:
                previous = self.repo.last_signed_session(
                    session.patient_id, before=session.performed_on + timedelta(days=1)
                )
                product = session.product_id or (previous.product_id if previous is not None else "")
                open_vial = self.repo.open_vial_lot(session.performed_on, product, excluding=session.id)
            addenda = self.repo.addenda(session.id) if session.signed and session.id is not None else []
            context = self.repo.note_context(session) if session.patient_id is not None else None
        except StorageError as error:
            self.show_notice(str(error))
            return False
        self.patient = patient
        self.patient_has_signed = session.signed or previous is not None
        last_signed = previous.performed_on if previous is not None else None
        self.patient_last_signed = session.performed_on if session.signed else last_signed
        self.addenda = addenda
        self.has_session = True
        self._stored = session
        self._context_on = session.performed_on
        self.model.load(session, context)
        self.lot_offer.offer(previous, open_vial)
        self.saved_label.setText("Signed, read-only" if session.signed else "All changes saved")
        self.saved_label.setStyleSheet("")
        self.retry_button.hide()
        self.scene.show_previous(previous)
        self.stack.setCurrentWidget(self.chart_page)
        self.show_notice("")
        self.on_session_changed()
        self.view.setFocus()
        return True

    def on_session_changed(self) -> None:
        """Title, patient bar, addenda and the actions follow the session."""
        if not self.has_session:
            return
        session = self.model.session
        moved = self.model.context is not None and not session.signed and session.performed_on != self._context_on
        if moved and self.reload_context():  # the earlier visits and the interval move with the date of service
            return  # the model told the listeners again, this method included
        self.setWindowTitle(session_title(self.patient, session))
        self.patient_bar.setText(patient_line(self.patient, session, self.today))
        self.addenda_box.setVisible(session.signed)
        if session.signed:
            from charting.ui.signing import addenda_html, signature_html  # the signing module loads on first use

            self.addenda_label.setText(signature_html(session) + "<p><b>Addenda</b></p>" + addenda_html(self.addenda))
        self._update_actions()

    def _update_actions(self) -> None:
        draft = self.has_session and not self.model.read_only
        for action in self.chart_actions:
            action.setEnabled(draft)
        self.act_undo.setEnabled(draft and self.model.undo_stack.canUndo())
        self.act_redo.setEnabled(draft and self.model.undo_stack.canRedo())
        self.act_sign.setEnabled(draft)
        self.act_adverse_event.setEnabled(self.has_session)  # on a signed session, as an addendum
        self.act_addendum.setEnabled(self.has_session and self.model.read_only)
        self.act_new_session.setEnabled(self.patient is not None)
        self.act_copy_last.setEnabled(self.patient is not None and self.patient_has_signed)
        self.act_retry_save.setEnabled(self.model.unsaved)
        self.act_print.setEnabled(self.has_session)
        self.act_export.setEnabled(self.has_session)

    def show_notice(self, text: str) -> None:
        """A refusal or failure on the line kept above the diagram and in the status bar; empty hides it."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        if text:
            self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    # ----- model signals
    def on_saved(self, at: datetime) -> None:
        """The status bar says when the last change was saved."""
        self.saved_label.setText(f"Saved {at:%H:%M:%S}")
        self.saved_label.setStyleSheet("")
        self.retry_button.hide()
        if self.notice.text().startswith("Not saved"):
            self.show_notice("")
        self._update_actions()

    def on_save_failed(self, message: str) -> None:
        """A failed save: say so, keep the session in memory, offer to retry."""
        self.saved_label.setText("NOT SAVED")
        self.saved_label.setStyleSheet(f"color: {style.VERMILLION.name()}; font-weight: bold;")
        self.retry_button.show()
        self.show_notice(f"Not saved: {message} The chart is kept here; use Retry save.")
        self._update_actions()

    def on_change_refused(self, message: str) -> None:
        """A refused change: the sentence says why."""
        self.show_notice(message)

    def on_change_made(self) -> None:
        """A change went through or was undone: a refusal shown before it is out of date (a failed save stays)."""
        text = self.notice.text()
        if not text or self.model.unsaved:
            return
        if self.statusBar().currentMessage() == text:
            self.statusBar().clearMessage()
        self.show_notice("")

    def on_site_menu_requested(self, site_id: str, global_pos: QPoint) -> None:
        """The right-click menu of a site."""
        menu = site_menu(self.model, site_id, self, self.ask_skip_reason)
        self.dialog = menu
        menu.popup(global_pos)

    def _save_session(self, session: Session) -> object:
        if not self.has_session or session.id is None:
            return session
        self._stored = self.repo.save_session(session, stored=self._stored)
        return self._stored

    def commit_typed(self) -> bool:
        """Record what is typed and not yet recorded in the header's and the checklist's fields: a value typed and
        not yet left is saved before the window opens another session, signs, prints, backs up or closes.

        False when a value typed cannot be recorded (a date that cannot be read, a figure outside its scale): the
        keyboard goes to that field, whose sentence shows under it, and the notice says to correct or clear it; the
        caller stops, so nothing typed is dropped and nothing is signed or printed without it."""
        if not self.has_session:
            return True
        unrecorded = self.header_panel.commit_edits()
        if unrecorded is None and self._checklist_panel is not None:
            unrecorded = self._checklist_panel.commit_edits()
        if unrecorded is None:
            return True
        self.left_tabs.setCurrentIndex(0 if self.header_panel.isAncestorOf(unrecorded) else 1)
        unrecorded.setFocus(Qt.FocusReason.OtherFocusReason)
        self.show_notice(UNRECORDED_VALUE)
        return False

    def _may_leave_session(self) -> bool:
        if not self.commit_typed():
            return False
        if self.has_session and self.model.unsaved and not self.model.retry_save():
            self.show_notice("The open session is not saved yet; use Retry save before opening another.")
            return False
        return True

    # ----- patients and sessions
    def _injector_names(self) -> list[str]:
        try:
            return [injector.display_name for injector in self.repo.injectors()]
        except StorageError:
            return []

    def find_patient(self) -> None:
        """Open the patient finder (search as you type, the patient's history)."""
        from charting.ui.patient_finder import PatientFinder

        finder = PatientFinder(self.repo, self.settings, today=self.today, parent=self)
        finder.patient_chosen.connect(self.show_patient)
        finder.new_session_requested.connect(self.new_session)
        finder.copy_last_session_requested.connect(self.copy_last_session)
        finder.open_session_requested.connect(self.open_session_id)
        self.dialog = finder
        finder.open()

    def new_patient(self) -> None:
        """Open the new-patient form; once saved, the patient is shown."""
        from charting.ui.patient_form import PatientFormDialog

        form = PatientFormDialog(self.repo, settings=self.settings, today=self.today, parent=self)
        form.accepted.connect(lambda: self._patient_saved(form.saved_patient))
        self.dialog = form
        form.open()

    def _patient_saved(self, patient: Patient | None) -> None:
        if patient is not None and patient.id is not None:
            self.show_patient(patient.id)

    def show_patient(self, patient_id: int) -> None:
        """Open the patient: their unfinished draft if there is one, else the start page for them."""
        if not self._may_leave_session():
            return
        try:
            patient = self.repo.get_patient(patient_id)
            sessions = self.repo.sessions_for_patient(patient_id)
        except StorageError as error:
            self.show_notice(str(error))
            return
        drafts = [s for s in sessions if not s.signed]
        if drafts:
            self.open_session(drafts[-1])
            return
        self.patient = patient
        self.patient_has_signed = any(s.signed for s in sessions)
        self.patient_last_signed = max((s.performed_on for s in sessions if s.signed), default=None)
        self.show_start_page()

    def open_session_id(self, session_id: int) -> None:
        """Open a stored session by its id."""
        try:
            session = self.repo.load_session(session_id)
        except StorageError as error:
            self.show_notice(str(error))
            return
        self.open_session(session)

    def _patient_id(self, patient_id: int | None) -> int | None:
        if patient_id is not None:
            return patient_id
        return self.patient.id if self.patient is not None else None

    def new_session(self, patient_id: int | None = None) -> bool:
        """Start a new draft for the patient (the one shown unless given), dated today."""
        pid = self._patient_id(patient_id)
        if pid is None:
            self.show_notice("Find or add the patient first (Ctrl+F).")
            return False
        draft = Session(
            performed_on=self.today,
            patient_id=pid,
            needle=self.protocol.needle,
            diagnosis_code=self.settings.default_diagnosis,
        )
        return self._create_and_open(
            lambda: self.repo.create_session(replace(draft, injector=self.repo.default_injector()))
        )

    def copy_last_session(self, patient_id: int | None = None) -> bool:
        """Start a new draft prefilled with the patient's last signed session."""
        pid = self._patient_id(patient_id)
        if pid is None:
            self.show_notice("Find or add the patient first (Ctrl+F).")
            return False
        return self._create_and_open(lambda: self.repo.copy_last_session(pid, self.today))

    def _create_and_open(self, create: Callable[[], Session]) -> bool:
        if not self._may_leave_session():
            return False
        try:
            session = create()
        except StorageError as error:
            self.show_notice(str(error))
            return False
        return self.open_session(session)

    def _injectors(self) -> list[Injector]:
        try:
            return self.repo.injectors()
        except StorageError as error:
            self.show_notice(str(error))
            return []

    def reopen_drafts(self) -> None:
        """At start-up: open the most recent unfinished draft (the others are in File > Open draft)."""
        try:
            drafts = self.repo.open_drafts()
        except StorageError as error:
            self.show_notice(str(error))
            return
        if drafts:
            latest = max(drafts, key=lambda s: (s.performed_on, s.id or 0))
            self.open_session(latest)
            if len(drafts) > 1:
                self.statusBar().showMessage(
                    f"{len(drafts) - 1} other unfinished draft(s): File > Open draft.", STATUS_MESSAGE_MS
                )

    def fill_drafts_menu(self) -> None:
        """List the unfinished drafts, each with its patient and date."""
        self.drafts_menu.clear()
        try:
            drafts = self.repo.open_drafts()
            names = {
                pid: self.repo.get_patient(pid).display_name
                for pid in {d.patient_id for d in drafts if d.patient_id is not None}
            }
        except StorageError as error:
            self.show_notice(str(error))
            return
        if not drafts:
            self.drafts_menu.addAction("No unfinished drafts").setEnabled(False)
        for draft in reversed(drafts):
            name = names.get(draft.patient_id, "No patient") if draft.patient_id is not None else "No patient"
            action = self.drafts_menu.addAction(f"{name}, {draft.performed_on.isoformat()}".replace("&", "&&"))
            action.triggered.connect(lambda _=False, d=draft: self.open_session_id(d.id or 0))

    # ----- marking helpers
    def ask_skip_reason(self, site_id: str) -> None:
        """Ask why a site is skipped; the note prints the reason."""
        if not site_id:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Skip site")
        dialog.setLabelText(f"{self.protocol.site_name(site_id, capital=True)}: why was it not injected?")
        dialog.textValueSelected.connect(lambda text: self.model.skip(site_id, text))
        self.dialog = dialog
        dialog.open()

    def ask_about_excess(self, question: ExcessQuestion) -> None:
        """A change goes beyond what the deviation reason covers: keep the reason for it, edit the reason, or cancel.

        Cancel is the default (Enter, Esc); Alt+K keeps the reason, Alt+E edits it. The change waits in the model.
        """
        text = f"{' '.join(question.exceeds)} The recorded deviation reason is \u201c{question.reason}\u201d."
        box = QMessageBox(QMessageBox.Icon.Question, "Beyond the deviation reason", text, parent=self)
        box.setInformativeText(f"Change: {question.change}.")
        keep = box.addButton("&Keep it for this too", QMessageBox.ButtonRole.AcceptRole)
        edit = box.addButton("&Edit the reason\u2026", QMessageBox.ButtonRole.ActionRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)

        def answered() -> None:
            clicked = box.clickedButton()
            if clicked is keep:
                self.model.keep_reason_for_held()
            elif clicked is edit:
                self._ask_revised_reason(question)
            else:
                self.model.drop_held()

        box.finished.connect(answered)
        self.dialog = box
        box.open()

    def _ask_revised_reason(self, question: ExcessQuestion) -> None:
        """The deviation reason, edited to cover the held change; Cancel leaves the change unmade."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Deviation reason")
        dialog.setLabelText(f"{' '.join(question.exceeds)} Edit the deviation reason to cover it:")
        dialog.setTextValue(question.reason)
        dialog.finished.connect(
            lambda result: (
                self.model.revise_reason_for_held(dialog.textValue())
                if result == QDialog.DialogCode.Accepted
                else self.model.drop_held()
            )
        )
        self.dialog = dialog
        dialog.open()

    # ----- adverse events
    def record_adverse_event(self) -> None:
        """Ask for an adverse event (event, onset, severity, action, detail) and record it on the draft; on a signed
        session, which never changes, it is recorded as an addendum in one sentence, by its author's PIN."""
        if not self.has_session:
            return
        from charting.ui.adverse_events import AdverseEventDialog  # dialogs load when first opened

        dialog = AdverseEventDialog(self.protocol, self)
        if self.model.read_only:
            dialog.accepted.connect(lambda: self._record_late_adverse_event(dialog.adverse_event()))
        else:
            dialog.accepted.connect(lambda: self.model.add_adverse_event(dialog.adverse_event()))
        self.dialog = dialog
        dialog.open()

    def _record_late_adverse_event(self, event: AdverseEvent) -> None:
        """Ask who records an adverse event reported after signing (Add addendum's dialog, author and PIN) and add
        its sentence as an addendum."""
        from charting.domain.marking import late_adverse_event_text
        from charting.ui.signing import AddendumDialog

        self.add_addendum()
        dialog = self.dialog
        if isinstance(dialog, AddendumDialog):
            dialog.fix_text("Record an adverse event after signing", late_adverse_event_text(event))

    # ----- signing and addenda
    def sign(self) -> None:
        """Sign: refused while the rules list refusals; otherwise choose the injector and confirm."""
        if not self.has_session or self.model.read_only:
            return
        if not self.commit_typed():
            return
        if self.model.unsaved and not self.model.retry_save():
            return
        from charting.ui.signing import SignDialog, blockers_text, pin_checker

        blockers = signing_blockers(self.model.findings)
        early = next((finding for finding in blockers if finding.code == INTERVAL_EARLY), None)
        blockers = [finding for finding in blockers if finding is not early]  # its reason is asked when signing
        if blockers:
            box = QMessageBox(QMessageBox.Icon.Warning, "Signing refused", blockers_text(blockers), parent=self)
            box.setTextFormat(Qt.TextFormat.RichText)
            self.dialog = box
            box.open()
            return
        signers = [injector for injector in self._injectors() if injector.can_sign]
        if not signers:
            self.show_notice("No injector may sign yet; add one in Records > Clinic and injectors.")
            return
        totals = self.model.totals
        who = self.patient.display_name if self.patient else "this patient"
        summary = (
            f"Sign the session of {who} on {self.model.session.performed_on.isoformat()}: "
            f"{totals.total_units:g} U in {totals.total_sites} sites, waste {totals.units_wasted:g} U."
        )
        dialog = SignDialog(
            signers,
            summary,
            self.model.session.injector,
            self,
            reason_for=early,
            has_pin=self._has_pin,
            pin_is_right=pin_checker(self.repo, "sign"),
            findings=self.model.findings,
        )
        dialog.accepted.connect(
            lambda: self.sign_as(
                dialog.chosen(), dialog.interval_reason(), pin=dialog.typed_pin(), first_pin=dialog.new_pin()
            )
        )
        self.dialog = dialog
        dialog.open()

    def sign_as(self, signer: Injector, interval_reason: str = "", *, pin: str = "", first_pin: bool = False) -> bool:
        """Sign the open draft as this injector with their PIN (``first_pin``: they chose it just now, so it is set
        first); an early session's reason is recorded first. The session then opens read-only."""
        if first_pin and not self._set_first_pin(signer, pin):
            return False
        if interval_reason.strip():
            self.model.update_header(interval_reason=interval_reason.strip())
            if self.model.unsaved:
                return False  # the failed save is on the notice line, with Retry save
        session = self.model.session
        if session.id is None:
            return False
        try:
            signed = self.repo.sign_session(session.id, signer, local_now(), pin=pin)
        except StorageError as error:
            self.show_notice(str(error))
            return False
        return self.open_session(signed)

    def _has_pin(self, injector: Injector) -> bool:
        try:
            return injector.id is not None and self.repo.has_pin(injector.id)
        except StorageError:
            return False

    def _set_first_pin(self, injector: Injector, pin: str) -> bool:
        """Keep the PIN someone chose at their first signature; False (with the reason shown) when it is refused."""
        try:
            self.repo.set_pin(int(injector.id or 0), pin)
        except StorageError as error:
            self.show_notice(str(error))
            return False
        return True

    def add_addendum(self) -> None:
        """Write an addendum to the signed session shown, signed by its author's PIN."""
        if not self.has_session or not self.model.read_only:
            return
        from charting.ui.signing import AddendumDialog, pin_checker

        authors = [injector for injector in self._injectors() if injector.can_sign]
        dialog = AddendumDialog(
            authors,
            self.model.session.injector,
            self,
            has_pin=self._has_pin,
            pin_is_right=pin_checker(self.repo, "addendum"),
        )
        dialog.accepted.connect(
            lambda: self.add_addendum_text(
                dialog.text.toPlainText(),
                dialog.fields.chosen() or authors[0],
                pin=dialog.fields.pin.text(),
                first_pin=dialog.fields.new_pin(),
            )
        )
        self.dialog = dialog
        dialog.open()

    def add_addendum_text(self, text: str, author: Injector, *, pin: str = "", first_pin: bool = False) -> bool:
        """Store an addendum by this author (with their PIN) on the signed session shown, timestamped now."""
        session = self.model.session
        if session.id is None:
            return False
        if first_pin and not self._set_first_pin(author, pin):
            return False
        try:
            self.repo.add_addendum(session.id, text, author.display_name, local_now(), pin=pin)
            self.addenda = self.repo.addenda(session.id)
        except StorageError as error:
            self.show_notice(str(error))
            return False
        self.show_notice("")
        self.on_session_changed()
        return True

    # ----- moving between the panes by keyboard (Tab moves between sites on the diagram)
    def show_left_tab(self, index: int) -> None:
        """Show the session header (0) or the checklist (1) and put the keyboard in its first field."""
        if not self.has_session:
            return
        self.left_tabs.setCurrentIndex(index)
        if index == 1 and self.checklist_panel.focus_first_unanswered():
            return
        panel = self.header_panel if index == 0 else self.checklist_panel
        candidate = panel.nextInFocusChain()
        while candidate is not None and candidate is not panel:
            takes_tab = bool(candidate.focusPolicy() & Qt.FocusPolicy.TabFocus)
            if panel.isAncestorOf(candidate) and takes_tab and candidate.isVisible() and candidate.isEnabled():
                candidate.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            candidate = candidate.nextInFocusChain()

    def focus_diagram(self) -> None:
        """Give the keyboard back to the diagram (Space, Tab and the arrows mark and move between sites)."""
        if self.has_session:
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ----- the patient's record behind the checklist
    def reload_context(self) -> bool:
        """Read the patient's record afresh for the open session (its date moved, the baseline was edited)."""
        session = self.model.session
        if not self.has_session or session.patient_id is None:
            return False
        self._context_on = session.performed_on
        try:
            context = self.repo.note_context(session)
        except StorageError as error:
            self.show_notice(str(error))
            return False
        self.model.set_context(context)
        return True

    def edit_baseline(self) -> None:
        """Open the patient's record at the baseline; once saved, the checklist reads it again."""
        if self.patient is None:
            return
        from charting.ui.patient_form import PatientFormDialog

        form = PatientFormDialog(self.repo, self.patient, settings=self.settings, today=self.today, parent=self)
        form.accepted.connect(lambda: self._record_saved(form.saved_patient))
        self.dialog = form
        form.open()

    def _record_saved(self, patient: Patient | None) -> None:
        self.patient = patient or self.patient
        self.reload_context()

    # ----- other records
    def lot_recall(self) -> None:
        """Every patient and session that received a lot."""
        from charting.ui.recall import LotRecallDialog

        dialog = LotRecallDialog(self.repo, self.model.session.lot_number if self.has_session else "", parent=self)
        self.dialog = dialog
        dialog.open()

    def profiles(self) -> None:
        """The clinic and the injector profiles; the header's injector list follows."""
        from charting.ui.profiles import ProfilesDialog

        try:
            dialog = ProfilesDialog(self.repo, parent=self)
        except StorageError as error:
            self.show_notice(str(error))
            return
        dialog.finished.connect(self.refresh_injectors)
        self.dialog = dialog
        dialog.open()

    def refresh_injectors(self) -> None:
        """Offer the injectors as they are now in the header."""
        self.header_panel.set_injector_names(self._injector_names())

    def note_pdf(self) -> bytes | None:
        """The open session's procedure note as PDF (a draft carries the DRAFT mark); None after a notice."""
        if not self.has_session:
            return None
        if not self.commit_typed():  # the note carries what is typed
            return None
        from charting.documents import DocumentError, procedure_note_pdf  # reportlab loads on first print only

        try:
            return procedure_note_pdf(self.repo, self.model.session)
        except DocumentError as error:
            self.show_notice(str(error))
            return None

    def print_note(self) -> None:
        """A print preview of the note; its toolbar opens the system print dialog."""
        pdf = self.note_pdf()
        if pdf is None:
            return
        from charting.ui.printing import print_preview  # Qt's print and PDF modules load on first print only

        self.printer, dialog = print_preview(pdf, self.repo.settings.paper_size, self)
        self.dialog = dialog
        dialog.open()

    def export_note(self) -> None:
        """Ask where to save the note as PDF, then write it there."""
        if not self.has_session:
            return
        from charting.documents import file_stem
        from charting.ui.file_dialogs import save_file_name

        session = self.model.session
        mrn = file_stem(self.patient.mrn) if self.patient is not None else "note"
        suggested = Path.home() / f"{mrn}_{session.performed_on.isoformat()}_procedure_note.pdf"
        path = save_file_name(self, "Export the procedure note", str(suggested), "PDF (*.pdf)")
        if path:
            self.export_note_to(Path(path))

    def export_note_to(self, path: Path) -> bool:
        """Write the note to a file readable by its owner only; a failure is a notice, not a traceback."""
        pdf = self.note_pdf()
        if pdf is None:
            return False
        from charting.documents import DocumentError, write_private_file

        try:
            write_private_file(path, pdf)
        except DocumentError as error:
            self.show_notice(str(error))
            return False
        self.statusBar().showMessage(f"Procedure note written to {path}", STATUS_MESSAGE_MS)
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        typed_kept = self._discard_unsaved or self.commit_typed()
        unsaved = self.has_session and self.model.unsaved and not self._discard_unsaved and not self.model.retry_save()
        if not typed_kept or unsaved:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Not saved",
                "The last change could not be saved. Quit anyway and lose it, or cancel and retry the save?"
                if typed_kept
                else "A value typed cannot be recorded (its sentence is under the field). Quit anyway and lose it, "
                "or cancel and correct it?",
                QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Discard,
                self,
            )
            box.button(QMessageBox.StandardButton.Discard).clicked.connect(self._close_discarding)
            self.dialog = box
            box.open()
            event.ignore()
            return
        if self.maintenance is not None:
            self.maintenance.stop()
        event.accept()

    def _close_discarding(self) -> None:
        self._discard_unsaved = True
        self.close()

    # ----- the idle lock
    def _idle_lock_ms(self) -> int:
        try:
            stored = self.repo.setting(IDLE_LOCK_SETTING)
        except StorageError:
            stored = None
        return idle_lock_minutes(stored) * MS_PER_MINUTE

    def _watch_input_after_first_frame(self) -> None:
        """Put the idle lock's input filter on once the window has painted its first frame.

        The filter sees every event of the application, and the first event to reach an object of a class Qt keeps
        private makes PySide set up the Python types of all of Qt's classes (about 20 ms): with the filter on from
        the start, the first frame waited for that. The lock's wait runs from the start all the same; input in the
        moment before the filter is on does not start it again, which minutes of waiting cannot tell.
        """
        AfterFirstFrame(self, AFTER_FIRST_FRAME_MS, self.idle_watcher.watch_input)

    @property
    def locked(self) -> bool:
        """True while the window hides patient data behind the lock page."""
        return self._locked is not None

    def lock(self) -> bool:
        """Hide every patient's data (open dialogs included) until a profile's PIN is typed.

        False, with the reason in the status bar, when no profile has a PIN to unlock with.
        """
        if self._locked is not None:
            return True
        try:
            profiles = [i for i in self._injectors() if i.id is not None and self.repo.has_pin(i.id)]
        except StorageError:
            profiles = []
        if not profiles:
            self.statusBar().showMessage(
                "The window cannot lock itself: no profile has a PIN yet; set one under Records > Clinic and injectors."
            )
            return False
        dialogs = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget is not self and widget.isVisible() and isinstance(widget, QDialog)
        ]
        for dialog in dialogs:
            dialog.hide()
        actions = {action: action.isEnabled() for action in self.findChildren(QAction)}
        for action in actions:
            action.setEnabled(False)  # no shortcut reaches the chart behind the lock
        self._locked = LockedState(self.stack.currentIndex(), self.windowTitle(), dialogs, actions)
        self.stack.setCurrentWidget(self.lock_page)
        self.setWindowTitle(f"{APP_TITLE} \u2014 locked")
        self.statusBar().clearMessage()
        self.lock_page.show_profiles(profiles, self.model.session.injector if self.has_session else "")
        return True

    def unlock(self, profile: Injector, pin: str) -> bool:
        """Show the window as it was when it locked, once the profile's PIN is right."""
        state = self._locked
        if state is None:
            return True
        if not self.lock_page.check(self.repo, profile, pin):
            return False
        self._locked = None
        self.stack.setCurrentIndex(state.page)
        self.setWindowTitle(state.title)
        for action, enabled in state.actions.items():
            action.setEnabled(enabled)
        for dialog in state.dialogs:
            dialog.show()
        self.idle_watcher.set_interval(self._idle_lock_ms())
        self.statusBar().showMessage(f"Unlocked by {profile.display_name}.", MAINTENANCE_MESSAGE_MS)
        return True

    # ----- today's backup and the records check
    def start_maintenance(self, db_path: Path) -> None:
        """Make today's backup and check the records in a child process; the result comes to ``maintenance_done``."""
        from charting.ui.maintenance import StartupMaintenance

        self.maintenance = StartupMaintenance(db_path, self)
        self.maintenance.finished.connect(self.maintenance_done)
        self.maintenance.start()

    def maintenance_done(self, all_well: bool, sentence: str) -> None:
        """Say what the backup and the check found: in the status bar when all is well, else in a warning."""
        self.show_last_backup()
        if all_well:
            self.statusBar().showMessage(sentence, MAINTENANCE_MESSAGE_MS)
            return
        log.warning("start-up maintenance found problems")
        box = QMessageBox(QMessageBox.Icon.Warning, "Records check", sentence, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.dialog = box
        box.open()

    def show_last_backup(self) -> None:
        """Say in the status bar when the database's last backup (today's, or one made with Back up now) was made."""
        source = database_path(self.repo.db)
        if source is None:
            return
        from charting.storage.backup import latest_backup

        latest = latest_backup(source)
        if latest is None:
            self.backup_label.setText("No backup yet")
            return
        self.backup_label.setText(backup_sentence(datetime.fromtimestamp(latest.stat().st_mtime), self.today))
        self.backup_label.setToolTip(str(latest))

    def back_up_now(self) -> bool:
        """Copy the database, the day's work included, into its backups folder; the status bar says when and where,
        or why it failed."""
        source = database_path(self.repo.db)
        if source is None:
            self.show_notice("This database has no file to back up.")
            return False
        if not self.commit_typed():  # what is typed goes into the copy
            return False
        if self.has_session and self.model.unsaved and not self.model.retry_save():
            self.show_notice("The open session is not saved yet; use Retry save, then back up again.")
            return False
        from charting.storage.backup import backup_now

        at = datetime.now()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            target = backup_now(source, at, live=self.repo.db)  # never opens the file itself
        except StorageError as error:
            self.show_notice(f"Not backed up: {error}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.show_last_backup()
        self.statusBar().showMessage(f"Backed up at {at:%H:%M} to {target}.", MAINTENANCE_MESSAGE_MS)
        return True

    # ----- the due list and the clinical settings
    def due_list(self) -> None:
        """Patients due in the coming days or overdue; opening one shows them here."""
        from charting.ui.due_list import DueListDialog

        dialog = DueListDialog(self.repo, self.today, parent=self)
        dialog.patient_chosen.connect(self.show_patient)
        self.dialog = dialog
        dialog.open()

    def clinical_settings(self) -> None:
        """The clinic's thresholds, default diagnosis and paper size; saved ones apply at once."""
        from charting.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.repo, self.protocol, parent=self)
        dialog.accepted.connect(self.apply_settings)
        self.dialog = dialog
        dialog.open()

    def apply_settings(self) -> None:
        """Use the clinic's settings as stored now: the open session's findings are worked out again with them."""
        self.idle_watcher.set_interval(self._idle_lock_ms())
        self.settings = self.repo.settings
        self.model.settings = self.settings
        if not self.reload_context():  # nothing open for a patient: the findings are worked out again all the same
            self.model.set_context(self.model.context)


class AfterFirstFrame(QObject):
    """Runs an action once, ``delay_ms`` after a widget's first paint (work no one needs before the first frame), or
    ``AFTER_FIRST_FRAME_FALLBACK_MS`` after it shows when no paint comes (a window started minimised); never for a
    widget that is not showing then (closed)."""

    def __init__(self, widget: QWidget, delay_ms: int, action: Callable[[], object]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._action = action
        self.timer = QTimer(self)
        """Started by the first paint."""
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._run)
        self.fallback = QTimer(self)
        """Started when the widget shows: runs the action when no paint has come by then."""
        self.fallback.setSingleShot(True)
        self.fallback.setInterval(AFTER_FIRST_FRAME_FALLBACK_MS)
        self.fallback.timeout.connect(self._run)
        widget.installEventFilter(self)
        if widget.isVisible():
            self.fallback.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show and not self.fallback.isActive():
            self.fallback.start()
        elif event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self.fallback.stop()
            self.timer.start()
        return False

    def _run(self) -> None:
        self.timer.stop()
        self.fallback.stop()
        self._widget.removeEventFilter(self)
        if self._widget.isVisible():
            self._action()


@dataclass(frozen=True)
class LockedState:
    """What the window showed when it locked: the page, its title, the dialogs it hid and its actions' states."""

    page: int
    """The index of the page shown in the window's stack."""
    title: str
    dialogs: list[QDialog]
    actions: dict[QAction, bool]


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "window"


def open_repository(db_path: Path, protocol_file: str | None = None) -> Repository:
    """Open the database and its repository with the protocol (StorageError or ProtocolError on failure)."""
    protocol = load_protocol(Path(protocol_file)) if protocol_file else None
    db = open_database(db_path)
    return Repository(db, actor=_actor(), protocol=protocol)


def start_window(db_path: Path, protocol_file: str | None = None) -> MainWindow:
    """Open the database, reopen the drafts, show the window, welcome a new clinic; today's backup and the records
    check start in a child process once the window has painted.

    StorageError or ProtocolError when the database or the protocol cannot be used.
    """
    repo = open_repository(db_path, protocol_file)
    window = MainWindow(repo)
    available = window.screen().availableGeometry().size()
    size = first_window_size(available)
    window.resize(size)
    if size != FIRST_SIZE:
        window.setWindowState(Qt.WindowState.WindowMaximized)  # its frame too stays on a small screen
    from charting.ui.welcome import WelcomeDialog, needs_welcome

    welcome = needs_welcome(repo)
    if not welcome:
        window.reopen_drafts()  # before it shows: the first frame is the draft, laid out once
    window.show()
    AfterFirstFrame(window, AFTER_FIRST_FRAME_MS, lambda: window.start_maintenance(db_path))
    if welcome:
        WelcomeDialog(repo, window).exec()
        window.refresh_injectors()
        window.reopen_drafts()
    return window


def run_window(args: argparse.Namespace, db_path: Path) -> int:
    """Start Qt and the window on the database; a database or protocol that cannot be used exits with 1."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_TITLE)
    try:
        window = start_window(db_path, getattr(args, "protocol", None))
    except (StorageError, ProtocolError) as error:
        QMessageBox.critical(None, APP_TITLE, str(error))
        return 1
    from charting.paths import log_file_path
    from charting.ui.errors import UnexpectedErrorHandler

    sys.excepthook = UnexpectedErrorHandler(log_file_path(), window)
    try:
        return app.exec()
    finally:
        sys.excepthook = sys.__excepthook__
        del window  # kept alive until the event loop ends
