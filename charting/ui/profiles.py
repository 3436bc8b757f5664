"""The clinic profile (printed on every note) and the injector profiles (who charts, who signs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from charting.domain.people import Clinic, Injector
from charting.storage.credentials import MIN_PIN_LENGTH, pin_problem
from charting.storage.errors import StorageError
from charting.storage.repository import Repository
from charting.ui.forms import ErrorLabel, field_with_error, plain_label
from charting.ui.signing import ask_approval

NPI_LENGTH = 10
NPI_PREFIX = "80840"
"""The NPI check digit is the Luhn digit of this prefix followed by the first nine digits."""
ADDRESS_LINES = 3
PROFILES_TITLE = "Clinic and injectors"
"""The one name of the clinic and injector profiles: the Records menu's item, its dialog and the welcome say it."""


def approval_request(change: str) -> str:
    """What the approval dialog asks, naming the change an injector's PIN approves."""
    return f"An injector's PIN approves this change: {change}"


def npi_error(npi: str) -> str:
    """Why an NPI is not valid, as a sentence; empty when it is (or when none is given)."""
    if not npi:
        return ""
    if len(npi) != NPI_LENGTH or not npi.isdigit():
        return f"An NPI is {NPI_LENGTH} digits; check the number."
    total = 0
    for position, digit in enumerate(reversed(NPI_PREFIX + npi)):
        value = int(digit)
        if position % 2 == 1:
            value = value * 2 - 9 if value * 2 > 9 else value * 2
        total += value
    if total % 10:
        return "This NPI's check digit does not match; look for a typing error."
    return ""


class ClinicForm(QWidget):
    """Clinic name, address and phone, with a sentence next to each field that needs one."""

    def __init__(self, clinic: Clinic | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("as printed at the top of each note")
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        line_height = self.address.fontMetrics().lineSpacing()
        self.address.setFixedHeight(line_height * ADDRESS_LINES + 16)
        self.phone = QLineEdit()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        name_row, self.name_error = field_with_error(self.name)
        form.addRow("Clinic name", name_row)
        form.addRow("Address", self.address)
        form.addRow("Phone", self.phone)
        if clinic is not None:
            self.set_clinic(clinic)

    def set_clinic(self, clinic: Clinic) -> None:
        """Show a clinic's details."""
        self.name.setText(clinic.name)
        self.address.setPlainText(clinic.address)
        self.phone.setText(clinic.phone)

    def clinic(self) -> Clinic | None:
        """The clinic as entered, or None (with the reason shown) when a required field is empty."""
        name = self.name.text().strip()
        self.name_error.show_error("" if name else "Enter the clinic's name; it is printed on every note.")
        if not name:
            self.name.setFocus()
            return None
        return Clinic(name=name, address=self.address.toPlainText().strip(), phone=self.phone.text().strip())


def pin_box(placeholder: str) -> QLineEdit:
    """A field for a PIN: its characters are never shown."""
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setPlaceholderText(placeholder)
    return box


class InjectorForm(QWidget):
    """An injector profile: name, credentials, NPI, whether the profile may sign notes, and its PIN."""

    def __init__(self, *, show_role: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing: Injector | None = None
        self.has_pin = False
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Anna Meyer")
        self.credentials = QLineEdit()
        self.credentials.setPlaceholderText("e.g. MD, DO, NP, PA-C, RN")
        self.npi = QLineEdit()
        self.npi.setPlaceholderText(f"{NPI_LENGTH} digits (optional)")
        self.may_sign = QRadioButton("Injector: charts and signs notes")
        self.assistant = QRadioButton("Assistant: charts, cannot sign")
        self.may_sign.setChecked(True)
        self.pin = pin_box(f"at least {MIN_PIN_LENGTH} characters; signs notes and unlocks the window")
        self.pin_again = pin_box("the same PIN again")
        self.current_pin = pin_box("needed to change the PIN")
        form = QFormLayout(self)
        self.form = form
        form.setContentsMargins(0, 0, 0, 0)
        name_row, self.name_error = field_with_error(self.name)
        npi_row, self.npi_error = field_with_error(self.npi)
        form.addRow("Name", name_row)
        form.addRow("Credentials", self.credentials)
        form.addRow("NPI", npi_row)
        role = QWidget()
        role_layout = QVBoxLayout(role)
        role_layout.setContentsMargins(0, 0, 0, 0)
        role_layout.addWidget(self.may_sign)
        role_layout.addWidget(self.assistant)
        form.addRow("Role", role)
        if not show_role:
            form.setRowVisible(role, False)
        pin_row, self.pin_error = field_with_error(self.pin)
        form.addRow("PIN", pin_row)
        form.addRow("PIN again", self.pin_again)
        form.addRow("Current PIN", self.current_pin)
        form.setRowVisible(self.current_pin, False)

    def set_injector(self, injector: Injector | None, *, has_pin: bool = False) -> None:
        """Edit an existing profile (``has_pin``: it has set a PIN already), or start a blank new one (None)."""
        self.editing = injector
        self.has_pin = has_pin
        for box in (self.pin, self.pin_again, self.current_pin):
            box.clear()
        self.form.setRowVisible(self.current_pin, has_pin)
        self.pin.setPlaceholderText(
            "leave empty to keep the PIN" if has_pin else f"at least {MIN_PIN_LENGTH} characters; signs notes"
        )
        self.pin_error.show_error("")
        self.name.setText(injector.name if injector else "")
        self.credentials.setText(injector.credentials if injector else "")
        self.npi.setText(injector.npi if injector else "")
        (self.may_sign if injector is None or injector.can_sign else self.assistant).setChecked(True)
        self.name_error.show_error("")
        self.npi_error.show_error("")

    def check_pin(self, *, required: bool = False) -> bool:
        """Show why the typed PIN cannot be saved; True when it can, or when none was typed and none is required."""
        pin, again = self.pin.text(), self.pin_again.text()
        if not pin and not again:
            problem = "Choose a PIN: it signs this injector's notes." if required else ""
        elif pin != again:
            problem = "The two PINs differ; type the same PIN twice."
        else:
            problem = pin_problem(pin) or ""
        self.pin_error.show_error(problem)
        if problem:
            self.pin.setFocus()
        return not problem

    def typed_pin(self) -> tuple[str, str] | None:
        """The new PIN and the current one (to change a PIN), when a new PIN was typed."""
        return (self.pin.text(), self.current_pin.text()) if self.pin.text() else None

    def injector(self, others: Sequence[Injector] = ()) -> Injector | None:
        """The profile as entered, or None (with the reasons shown); ``others`` are checked for a repeated NPI."""
        name = self.name.text().strip()
        npi = self.npi.text().strip().replace(" ", "")
        name_error = "" if name else "Enter the injector's name as it should appear on the note's signature line."
        own_id = self.editing.id if self.editing else None
        taken = next((other for other in others if npi and other.npi == npi and other.id != own_id), None)
        npi_problem = npi_error(npi) or (f"This NPI already belongs to {taken.display_name}." if taken else "")
        self.name_error.show_error(name_error)
        self.npi_error.show_error(npi_problem)
        if name_error or npi_problem:
            (self.name if name_error else self.npi).setFocus()
            return None
        entered = Injector(
            name=name, credentials=self.credentials.text().strip(), npi=npi, can_sign=self.may_sign.isChecked()
        )
        return replace(entered, id=own_id)


def injector_label(injector: Injector) -> str:
    """How a profile reads in a list."""
    return injector.display_name if injector.can_sign else f"{injector.display_name} (assistant)"


class ProfilesDialog(QDialog):
    """Edit the clinic profile and add or edit injector profiles; each Save writes at once."""

    def __init__(self, repo: Repository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.approve: Callable[[str], tuple[int, str] | None] = lambda reason: ask_approval(self, repo, reason)
        """Asks an injector who signs to approve a change to who signs, with their PIN."""
        self.setWindowTitle(PROFILES_TITLE)

        self.clinic_form = ClinicForm(repo.clinic())
        self.save_clinic_button = QPushButton("Save clinic")
        self.save_clinic_button.clicked.connect(self.save_clinic)
        self.clinic_status = plain_label()
        self.clinic_error = ErrorLabel()
        clinic_box = QGroupBox("Clinic (printed at the top of every note)")
        clinic_layout = QVBoxLayout(clinic_box)
        clinic_layout.addWidget(self.clinic_form)
        clinic_layout.addWidget(self.clinic_error)
        clinic_buttons = QHBoxLayout()
        clinic_buttons.addWidget(self.clinic_status, 1)
        clinic_buttons.addWidget(self.save_clinic_button)
        clinic_layout.addLayout(clinic_buttons)

        self.injector_list = QListWidget()
        self.injector_list.currentItemChanged.connect(self._injector_selected)
        self.injector_form = InjectorForm()
        self.add_injector_button = QPushButton("Add injector")
        self.add_injector_button.clicked.connect(self.new_injector)
        self.save_injector_button = QPushButton("Save injector")
        self.save_injector_button.clicked.connect(self.save_injector)
        self.injector_status = plain_label()
        self.injector_error = ErrorLabel()
        injector_box = QGroupBox("Injector profiles")
        injector_layout = QHBoxLayout(injector_box)
        list_column = QVBoxLayout()
        list_column.addWidget(self.injector_list)
        list_column.addWidget(self.add_injector_button)
        injector_layout.addLayout(list_column, 2)
        form_column = QVBoxLayout()
        form_column.addWidget(self.injector_form)
        form_column.addWidget(self.injector_error)
        form_column.addStretch(1)
        injector_buttons = QHBoxLayout()
        injector_buttons.addWidget(self.injector_status, 1)
        injector_buttons.addWidget(self.save_injector_button)
        form_column.addLayout(injector_buttons)
        injector_layout.addLayout(form_column, 3)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in (self.save_clinic_button, self.add_injector_button, self.save_injector_button):
            button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(clinic_box)
        layout.addWidget(injector_box, 1)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self._load_injectors()
        if self.injector_list.count():
            self.injector_list.setCurrentRow(0)

    def _load_injectors(self, select_id: int | None = None) -> None:
        self.injector_list.blockSignals(True)
        self.injector_list.clear()
        for injector in self.repo.injectors():
            item = QListWidgetItem(injector_label(injector))
            item.setData(Qt.ItemDataRole.UserRole, injector)
            self.injector_list.addItem(item)
            if select_id is not None and injector.id == select_id:
                self.injector_list.setCurrentItem(item)
        self.injector_list.blockSignals(False)

    def _injector_selected(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        injector: Injector | None = current.data(Qt.ItemDataRole.UserRole) if current else None
        has_pin = injector is not None and injector.id is not None and self.repo.has_pin(injector.id)
        self.injector_form.set_injector(injector, has_pin=has_pin)
        self.injector_status.clear()
        self.injector_error.show_error("")

    def new_injector(self) -> None:
        """Start a blank profile."""
        self.injector_list.setCurrentRow(-1)
        self.injector_form.set_injector(None)
        self.injector_status.setText("New profile: fill in and save.")
        self.injector_form.name.setFocus()

    def save_clinic(self) -> bool:
        """Save the clinic as entered; True when it was saved."""
        clinic = self.clinic_form.clinic()
        self.clinic_status.clear()
        if clinic is None:
            return False
        try:
            self.repo.save_clinic(clinic)
        except StorageError as error:
            self.clinic_error.show_error(str(error))
            return False
        self.clinic_error.show_error("")
        self.clinic_status.setText("Clinic saved.")
        return True

    def save_injector(self) -> Injector | None:
        """Save the profile being edited (a new one when none is selected); the saved profile, or None."""
        self.injector_status.clear()
        form = self.injector_form
        try:
            injector = form.injector(self.repo.injectors())
            if injector is None or not form.check_pin():
                return None
            change = form.typed_pin()
            approval = None
            if self.repo.profile_change_needs_approval(injector):
                approval = self.approve(approval_request(f"{injector.display_name} will sign notes."))
                if approval is None:
                    self.injector_status.setText("Not saved: a profile that signs needs an injector's approval.")
                    return None
            with self.repo.batch():  # the profile and its new PIN together, or neither
                saved = self.repo.save_injector(injector, approved_by=approval)
                if change is not None:
                    self.repo.set_pin(int(saved.id or 0), change[0], current=change[1])
        except StorageError as error:
            self.injector_error.show_error(str(error))
            return None
        self.injector_error.show_error("")
        self._load_injectors(select_id=saved.id)
        form.set_injector(saved, has_pin=saved.id is not None and self.repo.has_pin(saved.id))
        self.injector_status.setText(f"{saved.display_name} saved" + (", PIN set." if change else "."))
        return saved
