"""Copy last session in the window: the injector comes along, the old lot is offered (never copied), and the
header's refusals (no injector, a vial mixed in the future) show and block signing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from charting.domain.clock import local_now
from charting.domain.session import Patient
from charting.storage.repository import Repository
from charting.ui.patient_finder import due_sentence
from charting.ui.window import MainWindow
from tests.ui.conftest import TODAY, save_screenshot
from tests.ui.patients_fixtures import charted_session, signed_session

LAST_VISIT = TODAY - timedelta(days=84)


def copy(window: MainWindow, patient: Patient) -> None:
    assert patient.id is not None
    window.show_patient(patient.id)
    assert window.copy_last_session(patient.id)


def refusals(window: MainWindow) -> list[str]:
    window.sign()
    box = window.dialog
    assert isinstance(box, QMessageBox)
    text = box.text()
    box.close()
    return [code for code in ("Choose the injector", "Record the lot number", "later than now") if code in text]


def test_the_copy_names_the_last_injector_and_offers_the_last_lot(
    window: MainWindow, repo: Repository, patient: Patient, qtbot: QtBot
) -> None:
    signed_session(repo, int(patient.id or 0), LAST_VISIT, lot="C3034C3")
    copy(window, patient)
    session = window.model.session
    assert session.injector == "Anna Meyer, MD" and window.header_panel.injector.currentText() == "Anna Meyer, MD"
    assert session.lot_number == "" and session.lot_expiry is None
    offer = window.lot_offer
    assert offer.isVisibleTo(window)
    expiry = (LAST_VISIT + timedelta(days=365)).isoformat()
    assert offer.label.text() == f"Last used {LAST_VISIT.isoformat()}: C3034C3, exp {expiry}"
    save_screenshot(window, "copy-last-lot-offer")
    assert "Record the lot number" in refusals(window), "signing refuses until the lot is confirmed"
    offer.button.click()
    assert (window.model.session.lot_number, window.model.session.lot_expiry) == (
        "C3034C3",
        LAST_VISIT + timedelta(days=365),
    )
    assert window.header_panel.lot.text() == "C3034C3"
    assert not offer.isVisibleTo(window)
    assert repo.load_session(int(session.id or 0)).lot_number == "C3034C3", "saved"
    window.model.undo_stack.undo()
    assert window.model.session.lot_number == "" and window.model.session.lot_expiry is None, "one undo step"
    assert offer.isVisibleTo(window)


def test_an_expired_last_lot_is_not_offered(window: MainWindow, repo: Repository, patient: Patient) -> None:
    draft = repo.create_session(
        replace(charted_session(int(patient.id or 0), LAST_VISIT, "OLD1", repo), lot_expiry=TODAY - timedelta(days=1))
    )
    signer = repo.injectors()[0]
    repo.sign_session(int(draft.id or 0), signer, datetime.combine(LAST_VISIT, time(10), tzinfo=UTC))
    copy(window, patient)
    offer = window.lot_offer
    assert offer.lot is None and offer.isVisibleTo(window) and not offer.button.isVisibleTo(window)
    assert offer.label.text() == (
        f"This patient's last lot OLD1 expired on {(TODAY - timedelta(days=1)).isoformat()}; "
        "take the lot from the new vial."
    )


def test_a_lot_typed_from_the_vial_hides_the_offer(window: MainWindow, repo: Repository, patient: Patient) -> None:
    signed_session(repo, int(patient.id or 0), LAST_VISIT, lot="C3034C3")
    copy(window, patient)
    window.model.update_header(lot_number="NEW77")
    assert not window.lot_offer.isVisibleTo(window)


def test_a_signed_session_offers_nothing(window: MainWindow, repo: Repository, patient: Patient) -> None:
    signed = signed_session(repo, int(patient.id or 0), LAST_VISIT)
    window.open_session_id(int(signed.id or 0))
    assert not window.lot_offer.isVisibleTo(window)


def test_no_injector_is_a_refusal_the_window_shows(charting: MainWindow) -> None:
    charting.model.update_header(injector="")
    assert "Choose the injector" in charting.totals_panel.findings.text()
    assert "Choose the injector" in refusals(charting)


def test_a_vial_mixed_two_days_ahead_is_refused_in_the_window(charting: MainWindow) -> None:
    charting.model.update_header(reconstituted_at=local_now() + timedelta(days=2))
    assert "later than now" in charting.totals_panel.findings.text()
    assert "later than now" in refusals(charting)
    charting.model.update_header(reconstituted_at=local_now())
    assert "later than now" not in charting.totals_panel.findings.text()


def test_the_lot_in_use_today_is_offered_before_the_patients_last_one(
    window: MainWindow, repo: Repository, patient: Patient
) -> None:
    signed_session(repo, int(patient.id or 0), LAST_VISIT, lot="C3034C3")
    earlier_today = repo.add_patient(Patient(mrn="EARLY", family_name="Early", given_name="Bird", dob=date(1975, 5, 5)))
    signed_session(repo, int(earlier_today.id or 0), TODAY, lot="C9999Z1")
    copy(window, patient)
    offer = window.lot_offer
    assert offer.label.text().startswith("Lot in use today: C9999Z1, exp ")
    offer.button.click()
    assert window.model.session.lot_number == "C9999Z1"


def test_opening_a_patient_says_when_they_are_due_and_offers_copy_last_first(
    window: MainWindow, repo: Repository, patient: Patient
) -> None:
    signed_session(repo, int(patient.id or 0), LAST_VISIT)
    window.show_patient(int(patient.id or 0))
    text = window.start_text.text()
    assert f"Last session {LAST_VISIT.isoformat()}." in text
    assert due_sentence(LAST_VISIT, TODAY, repo.settings) in text
    assert "Allergies:" in text
    assert window.start_buttons["copy_last"].isDefault() and not window.start_buttons["new_session"].isDefault()
