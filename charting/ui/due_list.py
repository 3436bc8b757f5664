"""The due list: patients whose next session falls due in the coming days or has passed; sortable, exportable."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from charting.domain.interval import DueState, DueStatus, due_status
from charting.domain.settings import ClinicalSettings
from charting.storage.errors import StorageError
from charting.storage.repository import DueEntry, Repository
from charting.ui import style
from charting.ui.file_dialogs import save_file_name
from charting.ui.forms import ErrorLabel, plain_label
from charting.ui.tables import AnyIndex, ReadOnlyTableModel, plural, table_view

DEFAULT_DAYS = 14
"""The due list looks two weeks ahead unless asked otherwise."""
MAX_DAYS = 365
SORT_ROLE = Qt.ItemDataRole.UserRole
"""The role whose value the list sorts by: dates and numbers, not their text."""


class DueListModel(ReadOnlyTableModel[DueEntry]):
    """The due patients: name, record number, last session, next due (the earliest eligible date), end of the window,
    and the status in the words of ``interval.due_status`` (sorted by days from the earliest eligible date)."""

    HEADERS = ("Name", "MRN", "Last session", "Next due", "Due by", "Status")
    STATUS_COLUMN = 5

    def __init__(self, today: date, settings: ClinicalSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.settings = settings

    def status(self, entry: DueEntry) -> DueStatus:
        """Whether the entry is not yet eligible, due or overdue today."""
        return due_status(entry.last_session, self.today, self.settings)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                entry.patient.display_name,
                entry.patient.mrn,
                entry.last_session.isoformat(),
                entry.next_due.isoformat(),
                entry.due_until.isoformat(),
                self.status(entry).short,
            )[column]
        if role == SORT_ROLE:
            return (
                entry.patient.display_name.casefold(),
                entry.patient.mrn,
                entry.last_session.toordinal(),
                entry.next_due.toordinal(),
                entry.due_until.toordinal(),
                entry.days_until(self.today),
            )[column]
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == self.STATUS_COLUMN
            and self.status(entry).state is DueState.OVERDUE
        ):
            return style.VERMILLION  # the words say "overdue"; the colour only reinforces them
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.STATUS_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DueListDialog(QDialog):
    """Patients due in the coming days (14 unless changed) or overdue, soonest first; opens a patient; exports CSV."""

    patient_chosen = Signal(int)

    def __init__(self, repo: Repository, today: date, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.today = today
        self.setWindowTitle("Due list")

        self.days = QSpinBox()
        self.days.setRange(0, MAX_DAYS)
        self.days.setValue(DEFAULT_DAYS)
        self.days.setPrefix("Due in the next ")
        self.days.setSuffix(" days, or overdue")
        self.days.valueChanged.connect(self.reload)
        self.status = plain_label()

        self.model = DueListModel(today, repo.settings, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        # table_view only sets up the view; it reads no table-only API of the model, so a proxy serves as well.
        self.view = table_view(self.proxy, stretch_column=0)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(DueListModel.STATUS_COLUMN, Qt.SortOrder.AscendingOrder)
        self.view.doubleClicked.connect(self.open_patient)
        self.view.installEventFilter(self)

        self.export_button = QPushButton("Export CSV\N{HORIZONTAL ELLIPSIS}")
        self.export_button.clicked.connect(self.export_csv)
        self.open_button = QPushButton("Open patient")
        self.open_button.clicked.connect(lambda: self.open_patient(self.view.currentIndex()))
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.reject)
        for button in (self.export_button, self.open_button, close_button):
            button.setAutoDefault(False)
        self.error = ErrorLabel()
        self.notice = plain_label()
        self.notice.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.days)
        top.addWidget(self.status, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        self.resize(820, 520)
        self.reload()
        self.view.setFocus()

    def reload(self) -> None:
        """Read the list again for the days asked for."""
        days = self.days.value()
        try:
            entries = self.repo.due_list(self.today, days)
        except StorageError as error:
            self.error.show_error(str(error))
            entries = []
        else:
            self.error.show_error("")
        self.model.set_rows(entries)
        overdue = sum(1 for entry in entries if self.model.status(entry).state is DueState.OVERDUE)
        self.status.setText(f"{plural(len(entries), 'patient')}, {overdue} overdue; Enter opens the selected one.")
        if entries:
            self.view.selectRow(0)
        self.open_button.setEnabled(bool(entries))
        self.export_button.setEnabled(bool(entries))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Enter in the list opens the selected patient, as a double click does."""
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.open_patient(self.view.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def shown_entries(self) -> list[DueEntry]:
        """The entries in the order shown (as sorted)."""
        return [
            self.model.rows[self.proxy.mapToSource(self.proxy.index(row, 0)).row()]
            for row in range(len(self.model.rows))
        ]

    def open_patient(self, index: QModelIndex) -> None:
        """Open the patient of a row in the window."""
        if not index.isValid():
            return
        entry = self.model.rows[self.proxy.mapToSource(index).row()]
        if entry.patient.id is not None:
            self.patient_chosen.emit(entry.patient.id)
            self.accept()

    def export_csv(self) -> None:
        """Ask where to save the list as CSV (the dialog asks before replacing a file), then write it."""
        suggested = Path.home() / f"due_list_{self.today.isoformat()}.csv"
        path = save_file_name(self, "Export the due list", str(suggested), "CSV (*.csv)")
        if path:
            self.export_csv_to(Path(path), replace=True)

    def export_csv_to(self, path: Path, *, replace: bool = False) -> bool:
        """Write the rows as shown to an owner-only CSV file; an existing file is kept unless replaced."""
        from charting.documents import DocumentError, due_list_csv, write_private_file

        try:
            write_private_file(
                path,
                due_list_csv(self.shown_entries(), self.today, self.model.settings).encode("utf-8"),
                replace=replace,
            )
        except DocumentError as error:
            self.error.show_error(str(error))
            return False
        self.error.show_error("")
        self.notice.setText(f"Due list written to {path}.")
        return True
