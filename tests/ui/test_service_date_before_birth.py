"""A draft dated before the patient's date of birth: the window shows the refusal while charting, and neither the
window nor the records let it be signed (the records read the patient afresh, whatever the window holds)."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QMessageBox

from charting.domain.clock import local_now
from charting.domain.protocol import Protocol
from charting.domain.session import Patient, Session
from charting.storage.errors import StorageError
from charting.storage.repository import Repository
from charting.ui.signing import SignDialog
from charting.ui.window import MainWindow
from tests.sessions import ready_session
from tests.ui.conftest import SIGNER_PIN, type_pin

REFUSAL = (
    "The date of service 1980-04-01 is before the patient's date of birth 1980-04-02; "
    "correct the date of service or the patient's date of birth."
)
"""The sentence for a draft dated the day before the ``patient`` fixture's date of birth (1980-04-02)."""


def open_draft(window: MainWindow, repo: Repository, protocol: Protocol, patient: Patient, on: date) -> Session:
    """A draft ready to sign in every other respect, dated ``on``, opened in the window."""
    draft = repo.create_session(ready_session(protocol, patient.id, performed_on=on, injector="Anna Meyer"))
    assert window.open_session(draft)
    return draft


def test_the_refusal_is_among_the_findings_while_charting(
    window: MainWindow, repo: Repository, protocol: Protocol, patient: Patient
) -> None:
    open_draft(window, repo, protocol, patient, patient.dob - timedelta(days=1))
    assert window.model.findings[0].message == REFUSAL
    assert html.escape(REFUSAL) in window.totals_panel.findings.text()


def test_the_window_refuses_to_sign_it(
    window: MainWindow, repo: Repository, protocol: Protocol, patient: Patient
) -> None:
    draft = open_draft(window, repo, protocol, patient, patient.dob - timedelta(days=1))
    window.sign()
    box = window.dialog
    assert isinstance(box, QMessageBox)
    assert html.escape(REFUSAL) in box.text()
    box.close()
    assert draft.id is not None and not repo.load_session(draft.id).signed


def test_the_records_refuse_to_sign_it(
    window: MainWindow, repo: Repository, protocol: Protocol, patient: Patient
) -> None:
    """The date of birth is corrected elsewhere after the draft was opened: signing reads it afresh and refuses."""
    draft = open_draft(window, repo, protocol, patient, date(2000, 1, 1))
    repo.update_patient(replace(patient, dob=date(2001, 1, 1)))
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog), "the window still holds the old date of birth"
    type_pin(dialog)
    dialog.sign_button.click()
    assert window.notice.text() == (
        "The session cannot be signed yet: The date of service 2000-01-01 is before the patient's date of birth "
        "2001-01-01; correct the date of service or the patient's date of birth."
    )
    assert draft.id is not None
    with pytest.raises(StorageError, match="before the patient's date of birth"):
        repo.sign_session(draft.id, repo.injectors()[0], local_now(), pin=SIGNER_PIN)  # set in the dialog
    assert not repo.load_session(draft.id).signed


def test_a_session_on_the_birth_date_itself_can_be_signed(
    window: MainWindow, repo: Repository, protocol: Protocol, patient: Patient
) -> None:
    open_draft(window, repo, protocol, patient, patient.dob)
    assert "date of birth" not in window.totals_panel.findings.text()
    window.sign()  # a newborn is refused by age (a clinician's judgement: it may be overridden with a reason)
    box = window.dialog
    assert isinstance(box, QMessageBox)
    assert "treatment is for adults" in box.text() and "date of birth" not in box.text()
    box.close()
    assert window.model.set_override("age", "Test of the date boundary only")
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog)
    type_pin(dialog)
    dialog.sign_button.click()
    assert window.model.session.signed
