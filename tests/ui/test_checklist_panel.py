"""The checklist panel of the charting window: screening answers, outcomes at the visit, overrides, the interval
reason asked at signing, the response so far, and a signed session's checklist read-only (issue 6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from charting.domain.session import SCREENING_QUESTIONS, Answer, Outcomes, Patient, Session
from charting.storage.repository import Repository
from charting.ui import style
from charting.ui.checklist_panel import OK_SYMBOL, UNASKED_SYMBOL, ChecklistPanel, score_note
from charting.ui.session_model import SwapSessionCommand
from charting.ui.signing import SignDialog
from charting.ui.style import FINDING_SYMBOLS
from charting.ui.window import UNRECORDED_VALUE, MainWindow
from tests.sessions import READY_HEADER, ready_session
from tests.ui.conftest import ELIGIBLE_BASELINE, TODAY, save_screenshot, type_pin

REFUSED = FINDING_SYMBOLS["refusal"]
WARNED = FINDING_SYMBOLS["warning"]


def show_checklist(window: MainWindow) -> ChecklistPanel:
    """Bring the checklist tab forward, as a click on it does."""
    window.left_tabs.setCurrentWidget(window.checklist_scroll)
    return window.checklist_panel


def make_ready(window: MainWindow, answers: dict[str, Answer] | None = None) -> None:
    """Chart the standard dose with a signable header, and answer the screening questions (all "no" unless given)."""
    window.model.apply_protocol()
    header = {
        key: value for key, value in READY_HEADER.items() if key not in ("contraindications_checked", "screening")
    }
    window.model.update_header(injector="Anna Meyer, MD", **header)
    for question in SCREENING_QUESTIONS:
        window.model.answer_screening(question, (answers or {}).get(question, Answer.NO))


def mark_of(widget: QWidget) -> str:
    """The state mark a checklist line shows, as plain text."""
    label = widget.mark  # type: ignore[attr-defined]
    return label.text().split(">", 1)[1].split("<", 1)[0]


def enter_outcome(qtbot: QtBot, panel: ChecklistPanel, name: str, text: str) -> None:
    """Type a figure into an outcome field and press Return, as the assistant does."""
    edit = panel.outcomes[name].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def sign_in_window(window: MainWindow, repo: Repository, patient: Patient, on: date, **fields: object) -> Session:
    """A signed session of the patient on a date (the standard dose, figures and reasons as given)."""
    signer = repo.injectors()[0]
    draft = repo.create_session(
        replace(ready_session(repo.protocol, patient.id, performed_on=on, injector=signer.display_name), **fields)
    )
    assert draft.id is not None
    return repo.sign_session(draft.id, signer, datetime.combine(on, time(10), tzinfo=UTC))


def test_the_contraindications_checkbox_is_gone_from_the_header(charting: MainWindow) -> None:
    assert not hasattr(charting.header_panel, "contraindications")
    texts = [getattr(editor, "text", lambda: "")() for editor in charting.header_panel.editors]
    assert "Contraindications checked" not in texts


def test_screening_answers_are_saved_undoable_and_survive_reopening(charting: MainWindow, qtbot: QtBot) -> None:
    panel = show_checklist(charting)
    session_id = charting.model.session.id
    assert session_id is not None
    questions = list(SCREENING_QUESTIONS)
    assert all(mark_of(panel.screening[q]) == UNASKED_SYMBOL for q in questions)
    # keyboard: Tab reaches the buttons; Space (the diagram's mark key) never answers, N does
    first_no = panel.screening[questions[0]].buttons[Answer.NO]
    first_no.setFocus()
    qtbot.waitUntil(first_no.hasFocus)
    qtbot.keyClick(first_no, Qt.Key.Key_Space)
    assert charting.model.session.screening.infection_at_site is Answer.UNASKED, "an answer nobody gave"
    assert charting.repo.load_session(session_id).screening.infection_at_site is Answer.UNASKED
    qtbot.keyClick(first_no, Qt.Key.Key_N)
    assert charting.model.session.screening.infection_at_site is Answer.NO
    first_no.setFocus()
    qtbot.waitUntil(first_no.hasFocus)
    qtbot.keyClick(first_no, Qt.Key.Key_Tab)
    assert panel.screening[questions[0]].buttons[Answer.YES].hasFocus()
    for question in questions[1:]:
        qtbot.mouseClick(panel.screening[question].buttons[Answer.NO], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.screening["other_toxin_12_weeks"].buttons[Answer.YES], Qt.MouseButton.LeftButton)
    stored = charting.repo.load_session(session_id)
    assert stored.screening.answers == {
        "infection_at_site": Answer.NO,
        "hypersensitivity": Answer.NO,
        "neuromuscular_disease": Answer.NO,
        "other_toxin_12_weeks": Answer.YES,
    }
    assert stored.contraindications_checked, "four answers count as checked"
    assert mark_of(panel.screening["infection_at_site"]) == OK_SYMBOL
    toxin = panel.screening["other_toxin_12_weeks"]
    assert mark_of(toxin) == WARNED and "Caution: another botulinum toxin" in toxin.detail.text()
    charting.model.undo_stack.undo()
    assert charting.model.session.screening.other_toxin_12_weeks is Answer.NO
    assert charting.repo.load_session(session_id).screening.other_toxin_12_weeks is Answer.NO
    charting.open_session_id(session_id)
    assert panel.screening["hypersensitivity"].buttons[Answer.NO].isChecked()
    assert not panel.screening["hypersensitivity"].buttons[Answer.YES].isChecked()
    # a checked answer pressed again goes back to "not asked"
    qtbot.mouseClick(panel.screening["hypersensitivity"].buttons[Answer.NO], Qt.MouseButton.LeftButton)
    assert charting.repo.load_session(session_id).screening.hypersensitivity is Answer.UNASKED
    assert mark_of(panel.screening["hypersensitivity"]) == UNASKED_SYMBOL


def test_a_yes_to_infection_refuses_signing_until_overridden_with_a_reason(
    charting: MainWindow, repo: Repository, qtbot: QtBot
) -> None:
    panel = show_checklist(charting)
    make_ready(charting, {"infection_at_site": Answer.YES})
    item = panel.screening["infection_at_site"]
    assert mark_of(item) == REFUSED and "Contraindication: infection" in item.detail.text()
    assert item.override_button.isVisible() and not item.withdraw_button.isVisible()
    assert "Checklist " + REFUSED in charting.left_tabs.tabText(1)
    charting.sign()
    box = charting.dialog
    assert isinstance(box, QMessageBox)
    assert "Contraindication: infection at a proposed injection site" in box.text()
    box.close()
    qtbot.mouseClick(item.override_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, QInputDialog)
    assert "infection at a proposed injection site" in dialog.labelText()
    dialog.setTextValue("Infection is at the left occiput only; those sites are skipped")
    dialog.accept()
    session = charting.model.session
    assert [(o.code, o.reason) for o in session.overrides] == [
        ("contra_infection", "Infection is at the left occiput only; those sites are skipped")
    ]
    assert mark_of(item) == WARNED and "Overridden: Infection is at the left occiput" in item.detail.text()
    assert item.withdraw_button.isVisible() and not item.override_button.isVisible()
    qtbot.mouseClick(item.withdraw_button, Qt.MouseButton.LeftButton)
    assert charting.model.session.overrides == () and mark_of(item) == REFUSED
    charting.model.undo_stack.undo()  # the withdrawal is undone: the reason is back
    assert charting.model.session.overrides == session.overrides
    charting.sign()
    sign_dialog = charting.dialog
    assert isinstance(sign_dialog, SignDialog)
    type_pin(sign_dialog)
    assert not sign_dialog.reason.isVisible(), "no early session: no reason asked"
    sign_dialog.sign_button.click()
    assert charting.model.session.signed
    assert session.id is not None
    assert repo.load_session(session.id).overrides == session.overrides


def test_outcomes_are_saved_and_figures_out_of_range_refused_with_the_data_kept(
    charting: MainWindow, repo: Repository, qtbot: QtBot
) -> None:
    panel = show_checklist(charting)
    session_id = charting.model.session.id
    assert session_id is not None
    enter_outcome(qtbot, panel, "headache_days", "12")
    enter_outcome(qtbot, panel, "midas", "25")
    enter_outcome(qtbot, panel, "hit6", "58")
    stored = repo.load_session(session_id).outcomes
    assert (stored.headache_days, stored.midas, stored.hit6) == (12, 25, 58)
    assert panel.outcomes["midas"].note.text() == "grade IV, severe disability"
    assert panel.outcomes["hit6"].note.text() == "substantial impact"
    enter_outcome(qtbot, panel, "headache_days", "32")
    field = panel.outcomes["headache_days"]
    assert field.problem.isVisible()
    assert field.problem.text() == "Headache days count the last 28-30 days: enter 0 to 31, not 32."
    assert charting.notice.text() == field.problem.text()
    assert field.edit.text() == "32", "the figure typed stays in its field"
    enter_outcome(qtbot, panel, "hit6", "35")
    assert panel.outcomes["hit6"].problem.text() == "A HIT-6 total runs from 36 to 78; enter 36 to 78, not 35."
    assert panel.outcomes["hit6"].edit.text() == "35"
    assert field.edit.text() == "32" and field.problem.isVisible(), "other changes keep the refused figures"
    assert repo.load_session(session_id).outcomes == stored, "nothing recorded is lost"
    enter_outcome(qtbot, panel, "migraine_days", "10")
    assert repo.load_session(session_id).outcomes == replace(stored, migraine_days=10)
    enter_outcome(qtbot, panel, "headache_days", "14")
    assert not field.problem.isVisible()
    assert repo.load_session(session_id).outcomes.headache_days == 14
    charting.open_session_id(session_id)  # reopening waits while a figure typed cannot be recorded
    assert panel.outcomes["hit6"].edit.text() == "35" and charting.notice.text() == UNRECORDED_VALUE
    panel.outcomes["hit6"].edit.setText("58")
    charting.open_session_id(session_id)
    assert [panel.outcomes[name].edit.text() for name in ("headache_days", "migraine_days", "midas", "hit6")] == [
        "14",
        "10",
        "25",
        "58",
    ]
    assert not any(field.problem.isVisible() for field in panel.outcomes.values()), "a refused figure is not kept"


def test_answers_and_figures_are_saved_without_reading_the_database(charting: MainWindow, qtbot: QtBot) -> None:
    panel = show_checklist(charting)
    statements: list[str] = []
    connection = charting.repo.db
    connection.set_trace_callback(statements.append)
    try:
        qtbot.mouseClick(panel.screening["hypersensitivity"].buttons[Answer.NO], Qt.MouseButton.LeftButton)
        enter_outcome(qtbot, panel, "headache_days", "12")
    finally:
        connection.set_trace_callback(None)
    assert any(sql.startswith("UPDATE sessions") for sql in statements)
    stored = charting.repo.load_session(charting.model.session.id or 0)
    assert stored.screening.hypersensitivity is Answer.NO and stored.outcomes.headache_days == 12
    assert not [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]


def test_an_early_session_asks_for_the_reason_when_signing_and_stores_it(
    window: MainWindow, repo: Repository, patient: Patient, qtbot: QtBot
) -> None:
    sign_in_window(window, repo, patient, TODAY - timedelta(days=60))
    assert window.new_session(patient.id)
    panel = show_checklist(window)
    make_ready(window)
    assert mark_of(panel.interval) == WARNED
    assert panel.interval.text.text() == (
        f"60 days since the last session on {(TODAY - timedelta(days=60)).isoformat()}; "
        f"earliest eligible {(TODAY + timedelta(days=24)).isoformat()}"
    )
    assert "Record a reason to sign it." in panel.interval.detail.text()
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog), "the early session alone does not refuse: the dialog asks the reason"
    type_pin(dialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.reason.isVisible() and dialog.early.text().startswith("Only 60 days since the last session")
    assert dialog.early.text().endswith("Record a reason to sign it.")
    assert not dialog.sign_button.isEnabled(), "the reason is required"
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and not window.model.session.signed
    qtbot.keyClicks(dialog.reason, "Migraine returned early; neurologist advised")
    assert dialog.sign_button.isEnabled()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.session.signed)
    session_id = window.model.session.id
    assert session_id is not None
    stored = repo.load_session(session_id)
    assert stored.signed and stored.interval_reason == "Migraine returned early; neurologist advised"
    assert "Reason recorded: Migraine returned early" in panel.interval.detail.text()


def test_a_session_on_time_is_not_asked_a_reason(window: MainWindow, repo: Repository, patient: Patient) -> None:
    sign_in_window(window, repo, patient, TODAY - timedelta(days=84))
    assert window.new_session(patient.id)
    panel = show_checklist(window)
    make_ready(window)
    assert mark_of(panel.interval) == OK_SYMBOL and not panel.interval.detail.isVisible()
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog) and not dialog.sign_button.isEnabled()
    type_pin(dialog)
    assert dialog.sign_button.isEnabled()
    assert dialog.interval_reason() == ""


def test_two_non_responding_cycles_show_the_response_and_consider_stopping(
    window: MainWindow, repo: Repository, patient: Patient, qtbot: QtBot
) -> None:
    """Baseline 20 days; the second treatment 80 days after the first (with a reason), 18 days reported at it."""
    first = TODAY - timedelta(days=170)
    sign_in_window(window, repo, patient, first, outcomes=Outcomes(headache_days=20))
    sign_in_window(
        window,
        repo,
        patient,
        first + timedelta(days=80),
        outcomes=Outcomes(headache_days=18),
        interval_reason="Travelling abroad for three months",
    )
    assert window.new_session(patient.id)
    panel = show_checklist(window)
    assert "Headache days are not recorded for this visit" in panel.response.text()
    enter_outcome(qtbot, panel, "headache_days", "17")
    text = panel.response.text()
    assert "17 headache days against a baseline of 20: 15% fewer, no response (threshold 30%)." in text
    assert "Consider stopping treatment: 2 cycles in a row without a response (10%, 15% fewer" in text
    assert text.index("no response") < text.index("Consider stopping")
    window.checklist_scroll.ensureWidgetVisible(panel.response)
    save_screenshot(window, "checklist-consider-stopping")
    enter_outcome(qtbot, panel, "headache_days", "13")
    text = panel.response.text()
    assert "35% fewer, a response" in text and "Consider stopping" not in text


def test_a_signed_session_shows_its_checklist_read_only(window: MainWindow, repo: Repository, patient: Patient) -> None:
    signed = sign_in_window(
        window, repo, patient, TODAY, outcomes=Outcomes(headache_days=16, hit6=60), contraindications_checked=True
    )
    assert signed.id is not None
    window.open_session_id(signed.id)
    assert window.model.session == signed
    panel = show_checklist(window)
    assert panel.outcomes["headache_days"].edit.isReadOnly()
    assert panel.outcomes["hit6"].edit.text() == "60" and panel.outcomes["hit6"].note.text() == "severe impact"
    assert not panel.baseline_button.isVisible()
    # signed before the questions were kept one by one: it shows as checked, and no question can be answered
    assert panel.old_screening.isVisible() and "Contraindications checked" in panel.old_screening.text()
    assert not any(item.isVisible() for item in panel.screening.values())
    assert not any(item.override_button.isVisible() for item in (*panel.eligibility.values(), panel.interval))
    assert mark_of(panel.eligibility["age"]) == OK_SYMBOL


def test_a_signed_session_with_answers_shows_them_disabled(
    window: MainWindow, repo: Repository, patient: Patient, qtbot: QtBot
) -> None:
    assert window.new_session(patient.id)
    make_ready(window)
    window.sign()
    dialog = window.dialog
    assert isinstance(dialog, SignDialog)
    type_pin(dialog)
    dialog.sign_button.click()
    assert window.model.session.signed
    panel = show_checklist(window)
    for item in panel.screening.values():
        assert item.isVisible() and item.buttons[Answer.NO].isChecked()
        assert not item.buttons[Answer.NO].isEnabled() and not item.buttons[Answer.YES].isEnabled()


def test_eligibility_lines_follow_the_record_and_a_missing_baseline_says_where_to_record_it(
    window: MainWindow, repo: Repository, qtbot: QtBot
) -> None:
    young = repo.add_patient(Patient(mrn="20001", family_name="Young", given_name="Sam", dob=date(2010, 1, 1)))
    assert window.new_session(young.id)
    panel = show_checklist(window)
    age = panel.eligibility["age"]
    assert age.text.text() == "Age 16 (18 or older)" and mark_of(age) == REFUSED
    assert age.override_button.isVisible(), "age is a clinician's judgement: it may be overridden"
    days = panel.eligibility["headache_days"]
    assert mark_of(days) == WARNED and "Record baseline below" in days.detail.text()
    assert mark_of(panel.eligibility["overuse"]) == WARNED
    assert panel.interval.text.text() == "First session: no earlier signed session."
    # the baseline is recorded from the checklist; the panel reads the record again once it is saved
    qtbot.mouseClick(panel.baseline_button, Qt.MouseButton.LeftButton)
    form = window.dialog
    from charting.ui.patient_form import PatientFormDialog

    assert isinstance(form, PatientFormDialog)
    form.headache_days.setValue(12)
    form.headache_hours.setValue(6)
    form.preventives.setText("topiramate, amitriptyline")
    form.specific_acute_days.setValue(3)
    assert form.save()
    assert days.text.text() == "Baseline headache days a month: 12 (15 or more)"
    assert mark_of(days) == REFUSED and "episodic migraine" in days.detail.text()
    preventives = panel.eligibility["preventives"]
    assert preventives.text.text() == "Preventives: 2 failed (2 needed): topiramate, amitriptyline"
    assert mark_of(preventives) == OK_SYMBOL
    assert "no overuse" in panel.eligibility["overuse"].text.text()


def test_the_checklist_fits_its_column_at_1366x768(charting: MainWindow, qtbot: QtBot) -> None:
    diagram_before = charting.view.size()
    panel = show_checklist(charting)
    make_ready(charting, {"infection_at_site": Answer.YES, "hypersensitivity": Answer.YES})
    charting.model.set_override("contra_infection", "Infection is at the left occiput only; those sites are skipped")
    assert panel.screening["infection_at_site"].withdraw_button.isVisible()
    assert not panel.screening["hypersensitivity"].override_button.isVisible(), "absolute on the label"
    assert charting.patient is not None and charting.patient.id is not None
    charting.repo.save_baseline(charting.patient.id, replace(ELIGIBLE_BASELINE, headache_days=12))
    assert charting.reload_context()
    assert panel.eligibility["headache_days"].override_button.isVisible()
    QApplication.processEvents()  # the layouts follow the new lines (posted events, no waiting)
    QApplication.processEvents()
    assert panel.width() <= charting.checklist_scroll.viewport().width()
    assert charting.view.size() == diagram_before, "the diagram keeps its size"
    assert diagram_before.width() >= 700 and diagram_before.height() >= 560
    viewport = charting.checklist_scroll.viewport()
    for child in panel.findChildren(QWidget):
        if child.isVisible():
            right = child.mapTo(panel, child.rect().topRight()).x()
            assert right <= viewport.width(), child
    assert charting.checklist_scroll.horizontalScrollBar().maximum() == 0
    save_screenshot(charting, "checklist-tab")


def test_the_record_is_read_again_when_the_date_of_service_moves(
    window: MainWindow, repo: Repository, patient: Patient
) -> None:
    last = TODAY - timedelta(days=90)
    sign_in_window(window, repo, patient, last)
    assert window.new_session(patient.id)
    panel = show_checklist(window)
    assert mark_of(panel.interval) == OK_SYMBOL
    model = window.model
    before = model.session
    model.undo_stack.push(
        SwapSessionCommand(model, before, replace(before, performed_on=last + timedelta(days=30)), "Date")
    )
    assert panel.interval.text.text().startswith(f"30 days since the last session on {last.isoformat()}")
    assert mark_of(panel.interval) == WARNED
    model.undo_stack.push(
        SwapSessionCommand(model, model.session, replace(before, performed_on=last - timedelta(days=1)), "Date")
    )
    assert model.context is not None and model.context.earlier_visits == ()
    assert panel.interval.text.text() == "First session: no earlier signed session."


def test_a_lower_hit6_reads_as_a_drop_and_drug_names_show_as_typed(window: MainWindow, patient: Patient) -> None:
    baseline = replace(ELIGIBLE_BASELINE, hit6=66, failed_preventives=("amitriptyline <10 mg> nightly", "topiramate"))
    assert score_note("hit6", 60, baseline) == "severe impact; -6 vs baseline 66 (meaningful)"
    assert score_note("hit6", 70, baseline).endswith("+4 vs baseline 66 (not meaningful)")
    assert window.new_session(patient.id)
    assert patient.id is not None
    window.repo.save_baseline(patient.id, baseline)
    assert window.reload_context()
    panel = show_checklist(window)
    label = panel.eligibility["preventives"].findChildren(QLabel)
    assert any("amitriptyline &lt;10 mg&gt; nightly" in item.text() for item in label)  # shown as typed


def test_an_override_without_a_reason_says_nothing_was_overridden(charting: MainWindow) -> None:
    panel = show_checklist(charting)
    make_ready(charting, {"infection_at_site": Answer.YES})
    panel._override("contra_infection", "   ")
    assert charting.model.session.overrides == ()
    assert charting.notice.text() == "An override needs the clinical reason; nothing was overridden."


def test_a_hidden_checklist_keeps_its_tab_summary_current_and_draws_when_shown(charting: MainWindow) -> None:
    panel = charting.checklist_panel
    charting.show_left_tab(0)
    before = charting.left_tabs.tabText(1)
    item = panel.screening["infection_at_site"]
    shown_before = item.text.text()
    assert charting.model.answer_screening("infection_at_site", Answer.NO)
    assert charting.left_tabs.tabText(1) != before, "the badge follows at once"
    assert item.text.text() == shown_before, "the hidden lines wait"
    charting.show_left_tab(1)
    QApplication.processEvents()
    assert not shown_before.endswith("<b>no</b>") and item.text.text().endswith("<b>no</b>")


def test_a_clicked_answer_moves_the_keyboard_on_so_the_next_key_never_changes_it(
    charting: MainWindow, qtbot: QtBot
) -> None:
    panel = show_checklist(charting)
    questions = list(SCREENING_QUESTIONS)
    qtbot.mouseClick(panel.screening[questions[0]].buttons[Answer.YES], Qt.MouseButton.LeftButton)
    second_no = panel.screening[questions[1]].buttons[Answer.NO]
    qtbot.waitUntil(second_no.hasFocus)
    qtbot.keyClick(second_no, Qt.Key.Key_N)
    answers = charting.repo.load_session(int(charting.model.session.id or 0)).screening.answers
    assert answers[questions[0]] is Answer.YES, "the infection answer stays as clicked"
    assert answers[questions[1]] is Answer.NO


def test_the_field_the_keyboard_goes_to_is_scrolled_into_view(charting: MainWindow, qtbot: QtBot) -> None:
    charting.resize(charting.width(), 560)  # a short window: the outcomes start below the checklist's fold
    panel = show_checklist(charting)
    first = next(iter(panel.outcomes.values())).edit
    viewport = charting.checklist_scroll.viewport()

    def in_view(widget: QWidget) -> bool:
        top = widget.mapTo(viewport, widget.rect().topLeft()).y()
        return top >= 0 and top + widget.height() <= viewport.height()

    qtbot.waitUntil(lambda: not in_view(first))
    for question in SCREENING_QUESTIONS:
        item = panel.screening[question]
        item.buttons[Answer.NO].setFocus()
        qtbot.keyClick(item.buttons[Answer.NO], Qt.Key.Key_N)
    qtbot.waitUntil(first.hasFocus)
    assert in_view(first)


def test_questions_not_asked_show_as_refusals_on_the_tab(charting: MainWindow) -> None:
    """Signing waits for every screening answer, so the tab counts the questions not asked as refusals."""
    refusal = style.FINDING_SYMBOLS["refusal"]
    assert f"{refusal} {len(SCREENING_QUESTIONS)}" in charting.left_tabs.tabText(1)
    for question in SCREENING_QUESTIONS:
        charting.model.answer_screening(question, Answer.NO)
    assert refusal not in charting.left_tabs.tabText(1)
