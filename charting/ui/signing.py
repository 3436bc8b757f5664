"""Signing a session (choose the injector, confirm) and adding an addendum to a signed one."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from charting.domain.checklist import OVERRIDABLE
from charting.domain.clock import aware
from charting.domain.people import Addendum, Injector
from charting.domain.rules import CAP_CODES, Finding, Level
from charting.domain.session import Session
from charting.storage.credentials import MIN_PIN_LENGTH, pin_problem
from charting.storage.errors import StorageError
from charting.storage.repository import PinPurpose, Repository
from charting.ui.forms import ErrorLabel, action_and_cancel

CHOOSE_SIGNER = "Choose who signs"
"""Shown in "Signed by" while the session names no injector who may sign."""
CHOOSE_APPROVER = "Choose who approves"
"""Shown in "Approved by" until an injector who may approve is chosen."""


def blockers_text(blockers: list[Finding]) -> str:
    """The refusals that stop signing, as one paragraph per sentence."""
    items = "".join(f"<li>{html.escape(finding.message)}</li>" for finding in blockers)
    return f"<p>Signing is refused until these are resolved:</p><ul>{items}</ul>"


SIGNED_PAST_KINDS = ("Warning", "Override", "Deviation")
"""The kinds of line ``signed_past`` gives, in the order the heading counts them."""

SIGNED_PAST_WIDTH = 80
"""The dialog's width in characters while it lists what is signed past (one finding in one or two lines)."""

SIGNED_PAST_ROWS = 6
"""How many two-line findings the signed-past list shows before it scrolls: with eight warnings or more, the PIN and
Sign stay in view on a 1366x768 screen."""


def signed_past(findings: Sequence[Finding], reason_for: Finding | None = None) -> list[tuple[str, str]]:
    """What a signature goes past, as (kind, sentence): the open warnings, the overrides and the deviations, each
    with its recorded reason (the findings say it: ``checklist.apply_overrides``, ``rules.cap_findings``).
    ``reason_for``, the early session's finding, is left out: the dialog asks its reason beside it."""
    past = []
    for finding in findings:
        if finding.level is not Level.WARNING or finding == reason_for:
            continue
        if finding.code in OVERRIDABLE:  # refusals only: a warning with such a code is one overridden
            kind = "Override"
        elif finding.code in CAP_CODES:  # refusals only: as a warning, past a cap with the deviation's reason
            kind = "Deviation"
        else:
            kind = "Warning"
        past.append((kind, finding.message))
    return past


def signed_past_heading(past: list[tuple[str, str]]) -> str:
    """The line above the list: how many warnings, overrides and deviations the signature goes past."""
    counts = {kind: sum(1 for said, _ in past if said == kind) for kind in SIGNED_PAST_KINDS}
    parts = [f"{n} {kind.lower()}{'' if n == 1 else 's'}" for kind, n in counts.items() if n]
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Signing past {listed}:"


def local_time_text(value: datetime) -> str:
    """A recorded time as the local wall-clock time: 2026-11-25 10:30."""
    return f"{aware(value).astimezone():%Y-%m-%d %H:%M}"


def signature_html(session: Session) -> str:
    """Who signed a session and when (local time), in bold."""
    if session.signed_at is None:
        return "<b>Signed</b>"
    return f"<b>Signed {local_time_text(session.signed_at)} by {html.escape(session.signed_by)}</b>"


def addenda_html(addenda: list[Addendum]) -> str:
    """The addenda of a signed session, oldest first, each with its author and time (local)."""
    if not addenda:
        return "<p>No addenda.</p>"
    return "".join(
        f"<p><b>{local_time_text(a.created_at)}, {html.escape(a.author)}</b><br>"
        f"{html.escape(a.text).replace(chr(10), '<br>')}</p>"
        for a in addenda
    )


def pin_checker(repo: Repository, purpose: PinPurpose) -> Callable[[Injector, str], bool]:
    """The dialogs' PIN check by the records' one rule (``Repository.check_pin``): True when the PIN is right; a wrong
    one is audited and refused with its sentence (PinRefusedError), as is every PIN during the pause after too many."""

    def check(who: Injector, pin: str) -> bool:
        repo.check_pin(int(who.id or 0), pin, purpose)
        return True

    return check


def injector_index(signers: list[Injector], injector: str) -> int:
    """The position of the session's injector among the signers (by name with or without credentials), or -1."""
    wanted = injector.strip()
    for names in ([s.display_name for s in signers], [s.name for s in signers]):
        if wanted and wanted in names:
            return names.index(wanted)
    return -1


class SignerFields(QObject):
    """Who signs and their PIN, as rows of a form: the profile, its PIN and, for someone who has none yet, the new
    PIN typed twice (``has_pin`` says who has one; ``pin_is_right`` checks a typed one before the dialog closes, and
    may refuse it with a StorageError, whose sentence is shown: see ``pin_checker``). ``changed`` whenever the choice
    or a PIN field changes."""

    changed = Signal()

    def __init__(
        self,
        form: QFormLayout,
        signers: list[Injector],
        preset: str,
        has_pin: Callable[[Injector], bool],
        *,
        label: str,
        pin_is_right: Callable[[Injector, str], bool] = lambda _signer, _pin: True,
    ) -> None:
        super().__init__(form)
        self.form = form
        self.signers = signers
        self.has_pin = has_pin
        self.pin_is_right = pin_is_right
        self.signer = QComboBox()
        for signer in signers:
            self.signer.addItem(signer.display_name)
        self.signer.setPlaceholderText(CHOOSE_SIGNER)
        self.signer.setCurrentIndex(injector_index(signers, preset))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again = QLineEdit()
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again.setPlaceholderText("the same PIN again")
        self.pin_hint = QLabel()
        self.pin_hint.setWordWrap(True)
        self.pin_hint.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(label, self.signer)
        form.addRow("PIN", self.pin)
        form.addRow("PIN again", self.pin_again)
        form.addRow(self.pin_hint)
        self.pin_error = ErrorLabel()
        form.addRow(self.pin_error)
        self._chosen_has_pin = False
        """Whether the chosen profile has a PIN, read once per choice (not on every key typed)."""
        self.signer.currentIndexChanged.connect(self._signer_changed)
        self.pin.textChanged.connect(self._pin_typed)
        self.pin_again.textChanged.connect(self._pin_typed)
        self._signer_changed()

    def chosen(self) -> Injector | None:
        """The profile chosen, or None while nobody is."""
        index = self.signer.currentIndex()
        return self.signers[index] if index >= 0 else None

    def new_pin(self) -> bool:
        """True when the chosen profile has no PIN yet and chooses it here."""
        return self.chosen() is not None and not self._chosen_has_pin

    def _new_pin_problem(self) -> str:
        pin, again = self.pin.text(), self.pin_again.text()
        if not self.new_pin() or not pin or not again:
            return ""
        return "The two PINs differ; type the same PIN twice." if pin != again else pin_problem(pin) or ""

    def _pin_typed(self) -> None:
        self.pin_error.show_error(self._new_pin_problem())
        self.changed.emit()

    def ready(self) -> bool:
        """True once someone is chosen and their PIN typed (a new one typed twice and long enough)."""
        pin = self.pin.text()
        if self.chosen() is None or not pin:
            return False
        return not self.new_pin() or (pin == self.pin_again.text() and not self._new_pin_problem())

    def confirmed(self) -> bool:
        """Check the typed PIN of a signer who has one; one refused is cleared and why is said, and the dialog stays."""
        chosen = self.chosen()
        if chosen is None or self.new_pin():
            return True
        try:
            right = self.pin_is_right(chosen, self.pin.text())
        except StorageError as refusal:  # the records' sentence: a wrong PIN, or the pause after too many
            reason = str(refusal)
        else:
            if right:
                return True
            reason = f"That is not {chosen.display_name}'s PIN; type it again."
        self.pin.clear()
        self.pin_error.show_error(reason)
        self.pin.setFocus()
        return False

    def _signer_changed(self) -> None:
        self.pin.clear()
        self.pin_again.clear()
        self.pin_error.show_error("")
        chosen = self.chosen()
        self._chosen_has_pin = chosen is not None and self.has_pin(chosen)
        first = self.new_pin()
        self.form.setRowVisible(self.pin_again, first)
        self.form.setRowVisible(self.pin_hint, first)
        self.pin.setPlaceholderText(f"choose a PIN, {MIN_PIN_LENGTH} characters or more" if first else "")
        self.pin_hint.setText(
            f"{chosen.display_name} has no PIN yet: the one typed here signs from now on."
            if first and chosen is not None
            else ""
        )
        self.changed.emit()


class SignDialog(QDialog):
    """Choose who signs, type their PIN, and confirm: a signed session cannot change afterwards.

    The signer starts as the profile the session names as its injector; when it names none that may sign, nobody is
    chosen and Sign waits for a choice, so Enter never signs as someone else. The signer's PIN is asked; one who has
    none yet chooses it here, typed twice. An early session (``reason_for``, the interval finding) also needs the
    reason, which the note prints: Sign waits for it too. ``findings`` are the session's findings as the window
    shows them (``checklist.evaluate_visit``, worked out once): above the PIN a scrolling list names every warning,
    override and deviation the signature goes past. Focus starts where the signer acts first: the signer when
    nobody is chosen, the reason when one is asked, otherwise the PIN.
    """

    def __init__(
        self,
        signers: list[Injector],
        summary: str,
        injector: str = "",
        parent: QWidget | None = None,
        *,
        reason_for: Finding | None = None,
        has_pin: Callable[[Injector], bool] = lambda _signer: False,
        pin_is_right: Callable[[Injector, str], bool] = lambda _signer, _pin: True,
        findings: Sequence[Finding] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign the session")
        layout = QVBoxLayout(self)
        text = QLabel(
            f"<p>{html.escape(summary)}</p><p>Once signed, the session cannot change; corrections are addenda.</p>"
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        past = signed_past(findings, reason_for)
        self.signed_past_heading = QLabel(signed_past_heading(past) if past else "")
        self.signed_past_heading.setWordWrap(True)
        self.signed_past_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.signed_past = QListWidget()
        """Every warning, override and deviation signed past, one plain-text line each, scrolling past a few."""
        self.signed_past.setWordWrap(True)
        self.signed_past.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.signed_past.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.signed_past.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.signed_past.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.signed_past.setAlternatingRowColors(True)
        self.signed_past.setSpacing(2)
        self.signed_past.setMaximumHeight(self.fontMetrics().lineSpacing() * 2 * SIGNED_PAST_ROWS)
        for kind, sentence in past:
            self.signed_past.addItem(QListWidgetItem(f"{kind}: {sentence}"))
        layout.addWidget(self.signed_past_heading)
        layout.addWidget(self.signed_past)
        self.signed_past_heading.setVisible(bool(past))
        self.signed_past.setVisible(bool(past))
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("required: why the session is early")
        self.early = QLabel(reason_for.message if reason_for is not None else "")
        """The interval finding, when the session is early."""
        self.early.setWordWrap(True)
        self.early.setTextFormat(Qt.TextFormat.PlainText)
        if reason_for is not None:  # first: the reason is typed, then who signs and the PIN (Tab goes on from it)
            form.addRow(self.early)
            form.addRow("Reason", self.reason)
        self.fields = SignerFields(form, signers, injector, has_pin, label="Signed by", pin_is_right=pin_is_right)
        self.injector = injector.strip()
        self.other_signer = QLabel()
        """Said when someone other than the session's injector signs: the note names both."""
        self.other_signer.setWordWrap(True)
        self.other_signer.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(self.other_signer)
        self.signer = self.fields.signer
        self.pin = self.fields.pin
        self.pin_again = self.fields.pin_again
        self.pin_hint = self.fields.pin_hint
        if reason_for is not None or past:
            self.setMinimumWidth(self.fontMetrics().averageCharWidth() * (SIGNED_PAST_WIDTH if past else 60))
        self._reason_needed = reason_for is not None
        layout.addLayout(form)
        self.sign_button = action_and_cancel(self, layout, "Sign")
        self.fields.changed.connect(self._follow_choice)
        self.reason.textChanged.connect(self._follow_choice)
        self._follow_choice()
        self.first_field().setFocus()

    def first_field(self) -> QWidget:
        """Where the signer acts first: the signer while nobody is chosen, an early session's reason while it is
        empty, otherwise the PIN."""
        if self.signer.currentIndex() < 0:
            return self.signer
        if self._reason_needed and not self.interval_reason():
            return self.reason
        return self.pin

    def new_pin(self) -> bool:
        """True when the chosen signer has no PIN yet and chooses it here."""
        return self.fields.new_pin()

    def _ready(self) -> bool:
        return self.fields.ready() and (not self._reason_needed or bool(self.interval_reason()))

    def _follow_choice(self) -> None:
        chosen = self.fields.chosen()
        other = chosen is not None and bool(self.injector) and self.injector not in (chosen.name, chosen.display_name)
        self.other_signer.setText(
            f"The session names {self.injector} as the injector; the note will print the injector and "
            f"\u201cElectronically signed by {chosen.display_name}\u201d."
            if other and chosen is not None
            else ""
        )
        self.fields.form.setRowVisible(self.other_signer, other)
        self.sign_button.setEnabled(self._ready())

    def accept(self) -> None:
        """Sign only once someone is chosen with their right PIN (and an early session's reason is given)."""
        if self._ready() and self.fields.confirmed():
            super().accept()

    def interval_reason(self) -> str:
        """The reason given for an early session ("" when none is asked)."""
        return self.reason.text().strip() if self._reason_needed else ""

    def chosen(self) -> Injector:
        """The injector chosen to sign (the dialog accepts only once one is)."""
        chosen = self.fields.chosen()
        assert chosen is not None, "accepted only with a signer"
        return chosen

    def typed_pin(self) -> str:
        """The PIN typed for the signer."""
        return self.pin.text()


class AddendumDialog(QDialog):
    """Write an addendum to a signed session: its author (an injector, with their PIN) and its text."""

    def __init__(
        self,
        authors: list[Injector],
        preset: str = "",
        parent: QWidget | None = None,
        *,
        has_pin: Callable[[Injector], bool] = lambda _author: False,
        pin_is_right: Callable[[Injector, str], bool] = lambda _author, _pin: True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add an addendum")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.fields = SignerFields(form, authors, preset, has_pin, label="Author", pin_is_right=pin_is_right)
        self.author = self.fields.signer
        layout.addLayout(form)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("The correction or note; it is added with the time and cannot be changed.")
        layout.addWidget(self.text)
        self.add_button = action_and_cancel(self, layout, "Add addendum")
        self.fields.changed.connect(self._follow)
        self.text.textChanged.connect(self._follow)
        self._follow()

    def fix_text(self, title: str, text: str) -> None:
        """Add this text as it is (built from fields already checked, such as an adverse event's): shown read-only,
        so only the author and their PIN are asked."""
        self.setWindowTitle(title)
        self.text.setPlainText(text)
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(self.text.fontMetrics().lineSpacing() * 5)
        if self.fields.chosen() is None:
            self.fields.signer.setFocus()
        else:
            self.fields.pin.setFocus()

    def _ready(self) -> bool:
        return self.fields.ready() and bool(self.text.toPlainText().strip())

    def _follow(self) -> None:
        self.add_button.setEnabled(self._ready())

    def accept(self) -> None:
        """Add only once the author, their right PIN and the text are given."""
        if self._ready() and self.fields.confirmed():
            super().accept()


class ApprovalDialog(QDialog):
    """An injector who signs approves a change with their PIN (a new signing profile, the clinic's settings)."""

    def __init__(
        self,
        approvers: list[Injector],
        reason: str,
        parent: QWidget | None = None,
        *,
        pin_is_right: Callable[[Injector, str], bool],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Approve the change")
        layout = QVBoxLayout(self)
        text = QLabel(reason)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(text)
        form = QFormLayout()
        self.fields = SignerFields(
            form, approvers, "", lambda _approver: True, label="Approved by", pin_is_right=pin_is_right
        )
        self.fields.signer.setPlaceholderText(CHOOSE_APPROVER)
        layout.addLayout(form)
        self.approve_button = action_and_cancel(self, layout, "Approve")
        self.fields.changed.connect(lambda: self.approve_button.setEnabled(self.fields.ready()))
        self.approve_button.setEnabled(False)

    def accept(self) -> None:
        """Close only with an approver chosen and their right PIN."""
        if self.fields.ready() and self.fields.confirmed():
            super().accept()

    def approval(self) -> tuple[int, str] | None:
        """The approver's id and PIN, once accepted."""
        chosen = self.fields.chosen()
        return (int(chosen.id or 0), self.fields.pin.text()) if chosen is not None and chosen.id is not None else None


def ask_approval(parent: QWidget, repo: Repository, reason: str) -> tuple[int, str] | None:
    """Ask an injector who signs for their PIN; their id and PIN, or None when cancelled."""
    approvers = [i for i in repo.injectors() if i.can_sign and i.id is not None and repo.has_pin(i.id)]
    dialog = ApprovalDialog(approvers, reason, parent, pin_is_right=pin_checker(repo, "approval"))
    return dialog.approval() if dialog.exec() == QDialog.DialogCode.Accepted else None
