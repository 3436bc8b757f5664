"""Signing in the window asks the signer's PIN; one who has none yet chooses it at their first signature."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from charting.domain.people import Injector
from charting.storage.repository import Repository
from charting.ui.signing import CHOOSE_APPROVER, AddendumDialog, ApprovalDialog, SignDialog, pin_checker
from charting.ui.window import MainWindow
from tests.ui.conftest import SIGNER_PIN, type_pin
from tests.ui.test_charting_window import make_ready


def open_sign_dialog(window: MainWindow, qtbot: QtBot) -> SignDialog:
    make_ready(window)
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_the_first_signature_sets_the_pin_typed_twice(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    signer = repo.injectors()[0]
    dialog = open_sign_dialog(charting, qtbot)
    assert dialog.new_pin() and dialog.pin_again.isVisible() and "has no PIN yet" in dialog.pin_hint.text()
    dialog.pin.setText(SIGNER_PIN)
    dialog.pin_again.setText("2469")
    assert not dialog.sign_button.isEnabled()
    assert dialog.fields.pin_error.text() == "The two PINs differ; type the same PIN twice."
    dialog.pin_again.setText(SIGNER_PIN)
    dialog.sign_button.click()
    assert charting.model.session.signed
    repo.check_pin(int(signer.id or 0), SIGNER_PIN, "sign")  # the PIN chosen is the one taken


def test_a_wrong_pin_signs_nothing_and_says_so(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    repo.set_pin(int(repo.injectors()[0].id or 0), SIGNER_PIN)
    dialog = open_sign_dialog(charting, qtbot)
    assert not dialog.new_pin() and not dialog.pin_again.isVisible()
    assert not dialog.sign_button.isEnabled()
    type_pin(dialog, "0000")
    dialog.sign_button.click()
    assert not charting.model.session.signed
    assert dialog.isVisible(), "a wrong PIN keeps the dialog and what was chosen"
    assert dialog.fields.pin_error.text() == "That is not Anna Meyer, MD's PIN; type it again. Nothing was signed."
    assert dialog.pin.text() == "" and dialog.signer.currentText() == "Anna Meyer, MD"
    type_pin(dialog)
    dialog.sign_button.click()
    assert charting.model.session.signed and charting.model.session.signed_by == "Anna Meyer, MD"


def addendum_after_signing(charting: MainWindow, qtbot: QtBot) -> AddendumDialog:
    """Sign the open session with the PIN, then open Add addendum."""
    dialog = open_sign_dialog(charting, qtbot)
    type_pin(dialog)
    dialog.sign_button.click()
    charting.add_addendum()
    addendum = charting.dialog
    assert isinstance(addendum, AddendumDialog)
    return addendum


def test_an_addendum_names_an_injector_and_asks_their_pin(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    repo.save_injector(Injector(name="Sam Rivera", credentials="MA", can_sign=False))
    addendum = addendum_after_signing(charting, qtbot)
    assert [addendum.author.itemText(i) for i in range(addendum.author.count())] == ["Anna Meyer, MD"]
    assert addendum.author.currentText() == "Anna Meyer, MD" and not addendum.author.isEditable()
    addendum.text.setPlainText("Lot corrected to C1234B.")
    assert not addendum.add_button.isEnabled(), "the author's PIN is asked"
    addendum.fields.pin.setText(SIGNER_PIN)
    addendum.add_button.click()
    assert [a.text for a in repo.addenda(charting.model.session.id or 0)] == ["Lot corrected to C1234B."]


def test_a_wrong_pin_keeps_the_addendum_text(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    addendum = addendum_after_signing(charting, qtbot)
    addendum.text.setPlainText("Patient called on day 3: mild neck pain.")
    addendum.fields.pin.setText("0000")
    addendum.add_button.click()
    assert addendum.isVisible() and "not Anna Meyer, MD's PIN" in addendum.fields.pin_error.text()
    assert addendum.text.toPlainText() == "Patient called on day 3: mild neck pain."
    assert repo.addenda(charting.model.session.id or 0) == []


def test_signing_for_another_injector_is_said(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    repo.save_injector(Injector(name="Chloé Dubois", credentials="NP"))
    dialog = open_sign_dialog(charting, qtbot)
    assert not dialog.other_signer.isVisible()
    dialog.signer.setCurrentIndex(dialog.signer.findText("Chloé Dubois, NP"))
    assert dialog.other_signer.isVisible()
    assert dialog.other_signer.text().startswith("The session names Anna Meyer, MD as the injector")


def test_the_approval_dialog_takes_only_the_approvers_right_pin(qtbot: QtBot, repo: Repository) -> None:
    anna = repo.injectors()[0]
    repo.set_pin(int(anna.id or 0), SIGNER_PIN)
    dialog = ApprovalDialog([anna], "Lee Park will sign notes.", pin_is_right=pin_checker(repo, "approval"))
    qtbot.addWidget(dialog)
    assert dialog.fields.signer.placeholderText() == CHOOSE_APPROVER
    dialog.fields.signer.setCurrentIndex(0)
    dialog.fields.pin.setText("0000")
    dialog.approve_button.click()
    assert (
        dialog.result() != ApprovalDialog.DialogCode.Accepted
        and "not Anna Meyer, MD's PIN" in dialog.fields.pin_error.text()
    )
    dialog.fields.pin.setText(SIGNER_PIN)
    dialog.approve_button.click()
    assert dialog.result() == ApprovalDialog.DialogCode.Accepted
    assert dialog.approval() == (anna.id, SIGNER_PIN)
