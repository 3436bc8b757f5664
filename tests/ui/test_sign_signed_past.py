"""The Sign dialog shows what is signed past, starts in the field the signer needs, and an unscreened session is
refused before it opens (issue 6: the walk-through signed past four unasked screening questions unseen)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from charting.domain.clock import local_now
from charting.domain.protocol import Protocol
from charting.domain.rules import Level
from charting.domain.session import SCREENING_QUESTIONS, Answer, Patient, Screening
from charting.storage.repository import Repository
from charting.ui.signing import SignDialog
from charting.ui.window import MainWindow
from tests.sessions import ready_session
from tests.ui.conftest import SCREEN_HEIGHT, SCREEN_WIDTH, SIGNER_PIN, TITLE_BAR, TODAY, type_pin
from tests.ui.test_charting_window import make_ready

OVERRIDE_REASON = "Folliculitis at one occipital site; skipped it."
DEVIATION_REASON = "Severe occipital pain; agreed with the patient."


def answer_all(window: MainWindow, answer: Answer = Answer.NO) -> None:
    """Answer every screening question in the window, as the injector does in the checklist."""
    for question in SCREENING_QUESTIONS:
        window.model.answer_screening(question, answer)


def chart_with_much_to_sign_past(window: MainWindow) -> None:
    """A ready draft with an overridden infection, a deviation past the occipitalis cap and warnings besides."""
    make_ready(window)
    answer_all(window)
    model = window.model
    occipital = next(inj.site_id for inj in model.session.injections if inj.muscle == "occipitalis")
    model.set_units(occipital, 25)  # past the cap first: the reason recorded next covers it
    model.update_header(saline_ml=2.0, diagnosis_code="G43.009", deviation_reason=DEVIATION_REASON)
    model.update_header(reconstituted_at=None)
    for question in ("infection_at_site", "neuromuscular_disease", "other_toxin_12_weeks"):
        model.answer_screening(question, Answer.YES)
    model.set_override("contra_infection", OVERRIDE_REASON)


def sign_dialog_of(window: MainWindow) -> SignDialog:
    """The Sign dialog the window opens (Sign, Ctrl+Enter), given the findings it shows (worked out once)."""
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog)
    return dialog


def screened_sign_dialog(window: MainWindow) -> SignDialog:
    """The Sign dialog of a ready draft with every screening question answered No."""
    make_ready(window)
    answer_all(window)
    return sign_dialog_of(window)


def top_in(widget: QWidget, dialog: QDialog) -> int:
    return widget.mapTo(dialog, QPoint(0, 0)).y()


def bottom_in(widget: QWidget, dialog: QDialog) -> int:
    return widget.mapTo(dialog, QPoint(0, widget.height())).y()


def focus_is(widget: QWidget) -> bool:
    return QApplication.focusWidget() is widget


# -- the screening is asked before signing ---------------------------------------------------------------------------


def test_signing_an_unscreened_session_is_refused_naming_the_questions(charting: MainWindow, qtbot: QtBot) -> None:
    make_ready(charting)
    charting.model.update_header(screening=Screening(), contraindications_checked=False)  # as the walk-through left it
    charting.sign()
    box = charting.dialog
    assert isinstance(box, QMessageBox)
    assert "Not asked yet: infection at a proposed injection site, hypersensitivity" in box.text()
    box.close()
    for question in ("infection_at_site", "hypersensitivity", "neuromuscular_disease"):
        charting.model.answer_screening(question, Answer.NO)
    charting.sign()
    box = charting.dialog
    assert isinstance(box, QMessageBox), "refused before the Sign dialog opens"
    assert "Not asked yet: another botulinum toxin in the last 12 weeks; ask and record each answer" in box.text()
    box.close()
    charting.model.answer_screening("other_toxin_12_weeks", Answer.NO)
    charting.sign()
    assert isinstance(charting.dialog, SignDialog), "the fourth answer lets it sign"


# -- what is signed past ---------------------------------------------------------------------------------------------


def test_every_warning_override_and_deviation_is_listed_above_the_pin(
    window: MainWindow, repo: Repository, qtbot: QtBot
) -> None:
    """A patient without a baseline adds four eligibility warnings: eleven lines in all, and the PIN in view."""
    patient = repo.add_patient(Patient(mrn="20001", family_name="Roe", given_name="Max", dob=date(1975, 1, 9)))
    assert window.new_session(patient.id)
    chart_with_much_to_sign_past(window)
    warnings = [f for f in window.model.findings if f.level is Level.WARNING]
    dialog = sign_dialog_of(window)
    qtbot.waitExposed(dialog)
    lines = [dialog.signed_past.item(row).text() for row in range(dialog.signed_past.count())]
    assert len(lines) == len(warnings) == 11
    assert f"Override: Contraindication: infection at a proposed injection site. Overridden: {OVERRIDE_REASON}" in lines
    assert (
        f"Deviation: Occipitalis: 50 U, above its maximum of 40 U: off-protocol deviation recorded ({DEVIATION_REASON})."
        in lines
    )
    assert sorted(line.split(": ", 1)[1] for line in lines) == sorted(f.message for f in warnings)
    assert dialog.signed_past_heading.text() == "Signing past 9 warnings, 1 override and 1 deviation:"
    assert bottom_in(dialog.signed_past, dialog) <= top_in(dialog.pin, dialog), "the list is above the PIN"
    assert dialog.frameGeometry().height() <= SCREEN_HEIGHT - TITLE_BAR
    assert dialog.frameGeometry().width() <= SCREEN_WIDTH
    assert bottom_in(dialog.sign_button, dialog) <= dialog.height(), "Sign and the PIN fit the screen"
    assert dialog.signed_past.verticalScrollBar().maximum() > 0, "eleven lines scroll in a compact list"
    qtbot.waitUntil(lambda: focus_is(dialog.pin))
    qtbot.keyClicks(dialog.pin, SIGNER_PIN)
    dialog.pin_again.setText(SIGNER_PIN)
    dialog.sign_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert window.model.session.signed and window.model.session.overrides[0].reason == OVERRIDE_REASON


def test_a_session_with_nothing_to_sign_past_shows_no_list(charting: MainWindow, repo: Repository) -> None:
    dialog = screened_sign_dialog(charting)
    assert not [f for f in charting.model.findings if f.level is Level.WARNING]
    assert dialog.signed_past.count() == 0
    assert dialog.signed_past.isHidden() and dialog.signed_past_heading.isHidden()


def test_sign_from_the_window_starts_in_the_pin_and_signs(charting: MainWindow, qtbot: QtBot) -> None:
    """Nothing to sign past and no reason asked: the PIN has the focus, as the walk-through expected."""
    dialog = screened_sign_dialog(charting)
    qtbot.waitUntil(lambda: focus_is(dialog.pin))
    type_pin(dialog)
    dialog.sign_button.click()
    assert charting.model.session.signed


# -- where focus starts ----------------------------------------------------------------------------------------------


def test_an_early_session_starts_in_the_empty_reason_then_the_pin(
    charting: MainWindow, repo: Repository, protocol: Protocol, patient: Patient, qtbot: QtBot
) -> None:
    earlier = repo.create_session(ready_session(protocol, patient.id, performed_on=TODAY - timedelta(days=30)))
    repo.sign_session(int(earlier.id or 0), repo.injectors()[0], local_now() - timedelta(days=30))
    assert charting.new_session(patient.id)
    dialog = screened_sign_dialog(charting)
    qtbot.waitUntil(lambda: focus_is(dialog.reason))
    early = next(finding for finding in charting.model.findings if finding.code == "interval_early")
    listed = [dialog.signed_past.item(row).text() for row in range(dialog.signed_past.count())]
    assert listed and not [line for line in listed if early.message in line], "beside its reason, not twice"
    dialog.reason.setText("Migraine status; neurologist agreed.")
    assert top_in(dialog.reason, dialog) < top_in(dialog.pin, dialog), "the reason is asked above the PIN"
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() in (dialog.signer, dialog.pin), "Tab goes on from the reason to who signs"
    assert dialog.first_field() is dialog.pin, "once the reason is given, the PIN is next"
    type_pin(dialog)
    dialog.sign_button.click()
    assert charting.model.session.signed
    assert charting.model.session.interval_reason == "Migraine status; neurologist agreed."


def test_a_session_naming_no_signer_starts_in_signed_by(charting: MainWindow, qtbot: QtBot) -> None:
    make_ready(charting)
    answer_all(charting)
    charting.model.update_header(injector="Sam Rivera, MA")
    dialog = sign_dialog_of(charting)
    qtbot.waitUntil(lambda: focus_is(dialog.signer))
    dialog.signer.setCurrentIndex(0)
    assert dialog.first_field() is dialog.pin
