"""The first-run welcome: the clinic and the first injector profile, asked once and never again."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from charting.domain.people import Injector
from charting.storage.errors import StorageError
from charting.storage.repository import Repository
from charting.ui.forms import ErrorLabel
from charting.ui.profiles import PROFILES_TITLE, ClinicForm, InjectorForm


def needs_welcome(repo: Repository) -> bool:
    """True until the database has a clinic and at least one injector profile."""
    return repo.clinic() is None or not repo.injectors()


class WelcomeDialog(QDialog):
    """Ask for what is missing of the clinic and the first injector; accepted once both are saved."""

    def __init__(self, repo: Repository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.saved_injector: Injector | None = None
        self.setWindowTitle("Welcome to charting")
        clinic = repo.clinic()
        self.ask_injector = not repo.injectors()

        intro = QLabel(
            "<b>Welcome.</b> Before the first chart, tell us about your clinic, printed at the top of every note, "
            f"and who injects and signs. You can change both later under Records > {PROFILES_TITLE}."
        )
        intro.setWordWrap(True)
        self.clinic_form = ClinicForm(clinic)
        clinic_box = QGroupBox("Your clinic")
        QVBoxLayout(clinic_box).addWidget(self.clinic_form)
        self.injector_form = InjectorForm(show_role=False)
        injector_box = QGroupBox("The first injector profile (signs notes)")
        QVBoxLayout(injector_box).addWidget(self.injector_form)
        injector_box.setVisible(self.ask_injector)
        self.form_error = ErrorLabel()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Save and start charting")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(intro.fontMetrics().height() // 2)
        layout.addWidget(clinic_box)
        layout.addWidget(injector_box)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
        self.clinic_form.name.setFocus()

    def save(self) -> bool:
        """Check both forms (showing every error at once), save them and close; True on success."""
        clinic = self.clinic_form.clinic()
        injector = self.injector_form.injector() if self.ask_injector else None
        pin_ok = self.injector_form.check_pin(required=True) if self.ask_injector else True
        if clinic is None or (self.ask_injector and (injector is None or not pin_ok)):
            if clinic is None:
                self.clinic_form.name.setFocus()
            return False
        try:
            self.repo.save_clinic(clinic)
            if injector is not None:
                with self.repo.batch():  # the profile and its PIN together, or neither
                    self.saved_injector = self.repo.save_injector(injector)
                    self.repo.set_pin(int(self.saved_injector.id or 0), self.injector_form.pin.text())
        except StorageError as error:
            self.form_error.show_error(str(error))
            return False
        self.accept()
        return True
