"""An adverse event reported after signing (neck weakness on day 3, ptosis in week 2): Record adverse event opens the
same dialog on the signed session, then asks who records it with their PIN, as Add addendum does, and adds one
sentence as an addendum; the signed session itself never changes."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from charting.domain.marking import late_adverse_event_text
from charting.domain.people import Injector
from charting.domain.session import AdverseEvent, content_hash
from charting.storage.credentials import WRONG_PINS_BEFORE_PAUSE
from charting.storage.repository import Repository
from charting.ui.adverse_events import AdverseEventDialog
from charting.ui.signing import AddendumDialog
from charting.ui.window import MainWindow
from tests.ui.conftest import SIGNER_PIN, type_pin
from tests.ui.test_adverse_events_window import NECK_PAIN, fill, open_dialog, record
from tests.ui.test_sign_pin import open_sign_dialog

NECK_WEAKNESS = AdverseEvent("Neck weakness or stiffness", onset="days later", severity="mild", action="none")
SENTENCE = (
    "Adverse event reported after signing: Neck weakness or stiffness; onset days later; severity mild; action: none."
)


def sign(window: MainWindow, qtbot: QtBot) -> None:
    """Sign the draft with the injector's PIN (chosen at this first signature)."""
    dialog = open_sign_dialog(window, qtbot)
    type_pin(dialog)
    dialog.sign_button.click()
    assert window.model.session.signed


def addendum_dialog_for(window: MainWindow, qtbot: QtBot, event: AdverseEvent) -> AddendumDialog:
    """Ctrl+E on the signed session, the event recorded in its dialog: the author and PIN are asked next."""
    dialog = open_dialog(window, qtbot)
    fill(dialog, qtbot, event)
    dialog.record_button.click()
    asked = window.dialog
    assert isinstance(asked, AddendumDialog)
    qtbot.waitUntil(asked.isVisible)
    return asked


def session_id(window: MainWindow) -> int:
    assert window.model.session.id is not None
    return window.model.session.id


def test_without_a_session_there_is_nothing_to_record_it_on(window: MainWindow) -> None:
    assert not window.has_session and not window.act_adverse_event.isEnabled()


def test_a_draft_still_records_the_event_on_the_session(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    record(charting, qtbot, NECK_PAIN)
    assert charting.model.session.adverse_events == (NECK_PAIN,)
    assert not isinstance(charting.dialog, AddendumDialog), "a draft asks no PIN: the event is on the session"
    assert repo.addenda(session_id(charting)) == []


def test_a_late_event_is_an_addendum_in_one_sentence(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    sign(charting, qtbot)
    signed = repo.load_session(session_id(charting))
    assert charting.act_adverse_event.isEnabled() and charting.act_adverse_event.shortcut().toString() == "Ctrl+E"
    addendum = addendum_dialog_for(charting, qtbot, NECK_WEAKNESS)
    assert addendum.text.toPlainText() == SENTENCE == late_adverse_event_text(NECK_WEAKNESS)
    assert addendum.text.isReadOnly() and addendum.windowTitle() == "Record an adverse event after signing"
    assert not addendum.add_button.isEnabled(), "the author's PIN is asked"
    addendum.fields.pin.setText(SIGNER_PIN)
    addendum.add_button.click()
    assert [(a.text, a.author) for a in repo.addenda(session_id(charting))] == [(SENTENCE, "Anna Meyer, MD")]
    assert SENTENCE in charting.addenda_label.text()
    reloaded = repo.load_session(session_id(charting))
    assert reloaded == signed and content_hash(reloaded) == content_hash(signed), "the signed session never changes"
    assert reloaded.adverse_events == ()


def test_the_event_dialog_checks_its_fields_first(charting: MainWindow, qtbot: QtBot) -> None:
    sign(charting, qtbot)
    dialog = open_dialog(charting, qtbot)
    fill(dialog, qtbot, AdverseEvent("Eyelid ptosis", onset="days later"))
    dialog.record_button.click()
    assert dialog.isVisible() and charting.dialog is dialog, "no PIN is asked for an event still missing fields"
    assert dialog.errors["severity"].text().startswith("Record how severe it is")


def test_a_wrong_pin_keeps_the_dialog_and_too_many_pause(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    sign(charting, qtbot)
    addendum = addendum_dialog_for(charting, qtbot, NECK_WEAKNESS)
    for _ in range(WRONG_PINS_BEFORE_PAUSE):
        addendum.fields.pin.setText("0000")
        addendum.add_button.click()
        assert addendum.isVisible() and addendum.text.toPlainText() == SENTENCE
    assert "wait" in addendum.fields.pin_error.text() and "Nothing was added." in addendum.fields.pin_error.text()
    addendum.fields.pin.setText(SIGNER_PIN)
    addendum.add_button.click()
    assert addendum.isVisible(), "the pause applies here as to every PIN"
    assert repo.addenda(session_id(charting)) == []


def test_an_assistant_cannot_record_it(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    repo.save_injector(Injector(name="Sam Rivera", credentials="MA", can_sign=False))
    sign(charting, qtbot)
    addendum = addendum_dialog_for(charting, qtbot, NECK_WEAKNESS)
    authors = [addendum.author.itemText(i) for i in range(addendum.author.count())]
    assert authors == ["Anna Meyer, MD"]


def test_the_note_prints_the_sentence_under_the_addenda(charting: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    sign(charting, qtbot)
    addendum = addendum_dialog_for(charting, qtbot, NECK_WEAKNESS)
    addendum.fields.pin.setText(SIGNER_PIN)
    addendum.add_button.click()
    assert addendum.result() == QDialog.DialogCode.Accepted
    target = tmp_path / "note.pdf"
    assert charting.export_note_to(target)
    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Addenda after signing" in flat
    assert flat.index(SENTENCE) > flat.index("Addenda after signing")


def test_cancelling_the_author_adds_nothing(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    sign(charting, qtbot)
    addendum = addendum_dialog_for(charting, qtbot, NECK_WEAKNESS)
    qtbot.keyClick(addendum, Qt.Key.Key_Escape)
    assert not addendum.isVisible() and repo.addenda(session_id(charting)) == []
    assert isinstance(open_dialog(charting, qtbot), AdverseEventDialog), "Ctrl+E opens the event dialog again"
