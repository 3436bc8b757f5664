"""Lot recall: every patient and session that received a given lot, ready to copy into a report."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from charting.domain.session import Patient, Session
from charting.storage.errors import StorageError
from charting.storage.repository import Repository
from charting.ui.forms import ErrorLabel, plain_label
from charting.ui.tables import AnyIndex, ReadOnlyTableModel, plural, table_view


class RecallModel(ReadOnlyTableModel[tuple[Patient, Session]]):
    """One row per session that used the lot: the patient, the session and what was given."""

    HEADERS = ("Patient", "Record number", "Date of birth", "Session date", "Status", "Units", "Injector", "Lot expiry")

    def cells(self, row: int) -> tuple[str, ...]:
        """The text of each column of a row."""
        patient, session = self.rows[row]
        return (
            patient.display_name,
            patient.mrn,
            patient.dob.isoformat(),
            session.performed_on.isoformat(),
            "Signed" if session.signed else "Draft",
            f"{session.units_administered:g}",
            session.injector,
            session.lot_expiry.isoformat() if session.lot_expiry else "",
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.cells(index.row())[index.column()]

    def as_text(self) -> str:
        """The table as tab-separated lines with a header, for pasting into a spreadsheet or an email."""
        lines = ["\t".join(self.HEADERS)]
        lines.extend("\t".join(self.cells(row)) for row in range(len(self.rows)))
        return "\n".join(lines) + "\n"


class LotRecallDialog(QDialog):
    """Enter a lot number; list every patient and session that received it; copy the list."""

    def __init__(self, repo: Repository, lot: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle("Lot recall")
        self.lot = QLineEdit(lot)
        self.lot.setPlaceholderText("Lot number, as printed on the vial")
        self.lot.returnPressed.connect(self.find_lot)
        self.find_button = QPushButton("Find")
        self.find_button.clicked.connect(self.find_lot)
        self.summary = plain_label("Enter a lot number and press Enter.")
        self.summary.setWordWrap(True)
        self.error = ErrorLabel()
        self.model = RecallModel(self)
        self.view = table_view(self.model, stretch_column=0)
        self.copy_button = QPushButton("Copy list")
        self.copy_button.setToolTip("Copy every row, tab-separated, for a spreadsheet or a report")
        self.copy_button.clicked.connect(self.copy)
        self.copy_button.setEnabled(False)
        QShortcut(QKeySequence.StandardKey.Copy, self.view, self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        for button in (self.find_button, self.copy_button, buttons.button(QDialogButtonBox.StandardButton.Close)):
            button.setAutoDefault(False)

        search = QHBoxLayout()
        search.addWidget(QLabel("Lot"))
        search.addWidget(self.lot, 1)
        search.addWidget(self.find_button)
        layout = QVBoxLayout(self)
        layout.addLayout(search)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(900, 480)
        if lot.strip():
            self.find_lot()
        self.lot.setFocus()
        self.lot.selectAll()  # the open vial's lot, prefilled: typing another replaces it

    def find_lot(self) -> None:
        """List the sessions that used the lot entered."""
        lot = self.lot.text().strip()
        self.error.show_error("")
        if not lot:
            self.model.set_rows([])
            self.error.show_error("Enter the lot number printed on the vial or carton.")
        else:
            try:
                self.model.set_rows(self.repo.sessions_with_lot(lot))
            except StorageError as error:
                self.model.set_rows([])
                self.error.show_error(str(error))
        rows = self.model.rows
        patients = len({patient.id for patient, _session in rows})
        if not lot:
            self.summary.clear()
        elif not rows:
            self.summary.setText(f"No session recorded lot {lot}. Check the number as printed on the vial.")
        else:
            self.summary.setText(f"Lot {lot}: {plural(len(rows), 'session')}, {plural(patients, 'patient')}.")
        self.copy_button.setEnabled(bool(rows))

    def copy(self) -> None:
        """Put the list on the clipboard."""
        if self.model.rows:
            QGuiApplication.clipboard().setText(self.model.as_text())
            self.summary.setText(f"{self.summary.text().rstrip('.')}; copied to the clipboard.")
