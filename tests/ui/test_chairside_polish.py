"""What a chairside walk-through at 1366x768 asked for: findings in the order they matter, the checklist by keyboard
and from its top, the totals' maximum columns named, Back up now with the last backup in the status bar, typed values
saved on leaving, a first window that fits the screen, and the small words (NKDA, the profiles' name, the default
button of a new clinic, what an approval approves)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from charting.domain.eligibility import eligibility_findings
from charting.domain.people import Injector
from charting.domain.rules import REMINDER_CODES, Finding, Level, by_attention
from charting.domain.session import SCREENING_QUESTIONS, Answer, Baseline, Patient
from charting.domain.settings import ClinicalSettings
from charting.storage.backup import backup_folder
from charting.storage.repository import Repository
from charting.ui import style
from charting.ui.lock import IdleWatcher
from charting.ui.profiles import PROFILES_TITLE, ProfilesDialog
from charting.ui.settings_dialog import SettingsDialog
from charting.ui.totals_panel import findings_html
from charting.ui.welcome import WelcomeDialog
from charting.ui.window import FIRST_SIZE, MainWindow, allergies_html, backup_sentence, first_window_size
from tests.ui.conftest import save_screenshot

STOPPING = Finding(Level.WARNING, "consider_stopping", "Consider stopping treatment: 2 cycles without a response.")
EPISODIC = Finding(Level.WARNING, "episodic_now", "Below 15 headache days a month for 3 months.")
LABEL_DOSE = Finding(Level.INFO, "above_label_dose", "Total 160 U exceeds the US label dose of 155 U.")
MIXED = Finding(Level.WARNING, "reconstitution_missing", "Record when the vial was mixed (Mixed at).")
DIARY = Finding(Level.WARNING, "outcomes_missing", "Headache days are not recorded for this visit; record them.")
LOT = Finding(Level.REFUSAL, "lot_missing", "Record the lot number from the vial (needed for recalls).")
PREVENTIVES = Finding(Level.WARNING, "preventives", "1 failed preventive recorded; payers ask for 2.")
NO_BASELINE = Finding(Level.WARNING, "baseline_missing", "Record the baseline headache days a month (from the diary).")


# -- findings -------------------------------------------------------------------------------------------------------


def test_findings_read_refusals_then_clinical_notices_then_routine_reminders() -> None:
    findings = (MIXED, DIARY, STOPPING, PREVENTIVES, LABEL_DOSE, LOT, NO_BASELINE, EPISODIC)
    assert by_attention(findings) == (LOT, STOPPING, PREVENTIVES, NO_BASELINE, EPISODIC, LABEL_DOSE, MIXED, DIARY)
    assert by_attention(by_attention(findings)) == by_attention(findings), "stable"
    refused_reminder = Finding(Level.REFUSAL, next(iter(REMINDER_CODES)), "refused")
    assert by_attention((STOPPING, refused_reminder))[0] is refused_reminder, "a refusal is never a reminder"


def test_a_missing_baseline_and_too_few_preventives_are_payer_gaps_not_routine_reminders() -> None:
    gaps = eligibility_findings(date(1980, 1, 1), date(2026, 11, 25), Baseline(), ClinicalSettings())
    assert {f.code for f in gaps} == {"baseline_missing", "hours_missing", "preventives", "overuse_unassessed"}
    assert not {f.code for f in gaps} & REMINDER_CODES
    assert "baseline_missing_response" not in REMINDER_CODES
    assert by_attention((MIXED, *gaps))[-1] is MIXED, "the payers' gaps come before the mixing time"


def test_the_findings_list_shows_consider_stopping_above_the_record_reminders() -> None:
    shown = findings_html((MIXED, DIARY, STOPPING))
    assert shown.index("Consider stopping") < shown.index("Record when the vial") < shown.index("Headache days")


# -- the checklist --------------------------------------------------------------------------------------------------


def test_the_first_unanswered_question_takes_the_keyboard_and_n_and_y_answer_it(
    charting: MainWindow, qtbot: QtBot
) -> None:
    questions = list(SCREENING_QUESTIONS)
    charting.model.answer_screening(questions[0], Answer.NO)
    charting.show_left_tab(1)
    panel = charting.checklist_panel
    second = panel.screening[questions[1]].buttons[Answer.NO]
    qtbot.waitUntil(second.hasFocus)
    assert second.toolTip() == "No (N)"
    QTest.keyClick(second, Qt.Key.Key_Y)
    assert charting.model.session.screening.answers[questions[1]] is Answer.YES
    assert panel.screening[questions[2]].buttons[Answer.NO].hasFocus(), "on to the next question"
    for _question in questions[2:]:
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClick(focused, Qt.Key.Key_N)
    answers = charting.model.session.screening.answers
    assert [answers[q] for q in questions] == [Answer.NO, Answer.YES] + [Answer.NO] * (len(questions) - 2)
    assert panel.outcomes[next(iter(panel.outcomes))].edit.hasFocus(), "after the last question: the visit's figures"
    assert not panel.focus_first_unanswered(), "every question answered"
    charting.model.undo_stack.undo()
    assert charting.model.session.screening.answers[questions[-1]] is Answer.UNASKED, "each key is one undo step"


def test_a_letter_with_a_modifier_answers_nothing(charting: MainWindow, qtbot: QtBot) -> None:
    charting.show_left_tab(1)
    first = charting.checklist_panel.screening[next(iter(SCREENING_QUESTIONS))].buttons[Answer.NO]
    qtbot.waitUntil(first.hasFocus)
    QTest.keyClick(first, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    assert all(answer is Answer.UNASKED for answer in charting.model.session.screening.answers.values())


def test_another_patients_checklist_shows_from_its_top(charting: MainWindow, repo: Repository, qtbot: QtBot) -> None:
    charting.show_left_tab(1)
    bar = charting.checklist_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    other = repo.add_patient(Patient(mrn="20002", family_name="Roe", given_name="Ann", dob=date(1970, 3, 4)))
    assert charting.new_session(other.id)
    assert bar.value() == 0
    assert charting.checklist_panel.eligibility_title.visibleRegion().boundingRect().height() > 0


def test_failed_preventives_read_as_failed_and_needed(charting: MainWindow) -> None:
    charting.show_left_tab(1)
    text = charting.checklist_panel.eligibility["preventives"].text.text()
    assert text == "Preventives: 2 failed (2 needed): topiramate, propranolol"


# -- the totals -----------------------------------------------------------------------------------------------------


def test_the_maximum_columns_say_what_they_are(charting: MainWindow) -> None:
    panel = charting.totals_panel
    max_units, max_sites = panel.muscle_labels["occipitalis"][2:]
    assert panel.max_title.text() == "max"
    assert (max_units.text(), max_sites.text()) == ("40", "8")
    assert panel.muscle_labels["corrugator"][2].text() == panel.muscle_labels["corrugator"][3].text() == ""
    assert panel.max_title.geometry().right() <= panel.contentsRect().right(), "the heading fits the column"
    save_screenshot(charting, "totals-max-columns")


# -- the window -----------------------------------------------------------------------------------------------------


def test_the_first_window_fits_a_scaled_screen() -> None:
    assert first_window_size(QSize(1920, 1040)) == FIRST_SIZE
    assert first_window_size(QSize(1280, 680)) == QSize(1280, 680), "1920x1080 at 150%, less a task bar"


def test_back_up_now_copies_the_days_work_and_says_when_and_where(
    charting: MainWindow, repo: Repository, db_path: Path
) -> None:
    charting.model.apply_protocol()
    charting.header_panel.lot.setText("c1234")  # typed, not yet left: it goes into the copy
    assert charting.back_up_now()
    made = sorted(backup_folder(db_path).glob(f"{db_path.stem}-*.db"))
    assert len(made) == 1
    copy = sqlite3.connect(made[0])
    try:
        assert copy.execute("SELECT lot_number FROM sessions").fetchall() == [("C1234",)]
        assert copy.execute("SELECT count(*) FROM injections").fetchone()[0] == len(charting.protocol.sites)
    finally:
        copy.close()
    message = charting.statusBar().currentMessage()
    assert message.startswith("Backed up at ") and message.endswith(f"to {made[0]}.")
    assert charting.backup_label.text().startswith("Last backup ")
    assert charting.act_backup.shortcut().toString() == "Ctrl+Shift+B"


def test_a_backup_that_fails_is_a_sentence_in_the_notice(charting: MainWindow, db_path: Path) -> None:
    backup_folder(db_path).write_text("not a folder")  # where the backups go is taken by a file
    assert not charting.back_up_now()
    notice = charting.notice.text()
    assert notice.startswith("Not backed up: ") and notice.endswith(".") and "Traceback" not in notice
    assert backup_folder(db_path).read_text() == "not a folder"


def test_the_last_backup_is_said_by_the_day() -> None:
    today = date(2026, 11, 25)
    assert backup_sentence(datetime(2026, 11, 25, 17, 5), today) == "Last backup today at 17:05"
    assert backup_sentence(datetime(2026, 11, 24, 8, 1), today) == "Last backup 2026-11-24 08:01"


def test_a_value_typed_and_not_left_is_saved_when_another_session_opens_or_the_window_closes(
    charting: MainWindow, repo: Repository
) -> None:
    first = charting.model.session.id
    assert first is not None
    charting.header_panel.lot.setText("ab12")
    other = repo.add_patient(Patient(mrn="20003", family_name="Roe", given_name="Bo", dob=date(1971, 5, 6)))
    assert charting.new_session(other.id)
    assert repo.load_session(first).lot_number == "AB12"
    second = charting.model.session.id
    assert second is not None
    charting.header_panel.lot.setText("zz9")
    charting.close()
    assert repo.load_session(second).lot_number == "ZZ9"


# -- small words ----------------------------------------------------------------------------------------------------


def test_no_known_allergies_are_shown_plainly_and_a_real_allergy_stands_out() -> None:
    for none in ("NKDA", "nkda.", "No known drug allergies", "None"):
        assert style.VERMILLION.name() not in allergies_html(none)
    assert style.VERMILLION.name() in allergies_html("penicillin (rash)")
    assert "&lt;b&gt;" in allergies_html("<b>")


def test_the_profiles_have_one_name_in_the_menu_the_dialog_and_the_welcome(
    window: MainWindow, repo: Repository, qtbot: QtBot
) -> None:
    assert window.act_profiles.text().replace("&", "").removesuffix("\u2026") == PROFILES_TITLE
    dialog = ProfilesDialog(repo, parent=window)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == PROFILES_TITLE
    welcome = WelcomeDialog(repo, window)
    qtbot.addWidget(welcome)
    assert any(f"Records > {PROFILES_TITLE}." in label.text() for label in welcome.findChildren(QLabel))


def test_a_new_clinic_starts_with_new_patient_and_a_clinic_with_patients_with_find(
    window: MainWindow, repo: Repository
) -> None:
    assert window.start_buttons["new_patient"].isDefault() and window.start_buttons["new_patient"].hasFocus()
    repo.add_patient(Patient(mrn="20004", family_name="Roe", given_name="Cy", dob=date(1972, 7, 8)))
    window.show_start_page()
    assert window.start_buttons["find"].isDefault() and not window.start_buttons["new_patient"].isDefault()


def test_the_approval_names_the_settings_it_approves(qtbot: QtBot, repo: Repository) -> None:
    injector = repo.save_injector(Injector(name="Lee Park", credentials="MD"))
    repo.set_pin(int(injector.id or 0), "2468")
    dialog = SettingsDialog(repo, repo.protocol)
    qtbot.addWidget(dialog)
    asked: list[str] = []
    dialog.approve = lambda reason: asked.append(reason) or None
    dialog.numbers["min_age_years"].setValue(16)
    dialog.numbers["episodic_months"].setValue(4)
    dialog.idle_lock.setValue(0)
    assert not dialog.save()
    assert asked == [
        "An injector's PIN approves this change: Minimum age 18 \u2192 16 years; "
        "Episodic for at least 3 \u2192 4 months; Lock the window after 5 min \u2192 never"
    ]


# -- start-up and click costs ---------------------------------------------------------------------------------------


def test_an_idle_watcher_may_watch_input_only_once_told(qtbot: QtBot) -> None:
    watcher = IdleWatcher(60_000, watch_input=False)
    target = QWidget()
    qtbot.addWidget(target)
    qtbot.wait(20)
    before = watcher.timer.remainingTime()
    QTest.keyClick(target, Qt.Key.Key_Shift)
    assert watcher.timer.remainingTime() <= before, "no input seen yet"
    watcher.watch_input()

    def input_restarts_the_wait() -> bool:
        waited = watcher.timer.remainingTime()
        QTest.keyClick(target, Qt.Key.Key_Shift)
        return watcher.timer.remainingTime() > waited

    qtbot.waitUntil(input_restarts_the_wait)
    watcher.deleteLater()


def test_the_diagnosis_list_is_widened_for_an_unlisted_code_and_narrowed_after(charting: MainWindow) -> None:
    combo = charting.header_panel.diagnosis
    listed = combo.count()
    width = combo.view().minimumWidth()
    assert width > 0, "measured once its items are in"
    long_code = "G43.E19 an unlisted code with a long description for the list"
    charting.model.update_header(diagnosis_code=long_code)
    assert combo.count() == listed + 1 and combo.view().minimumWidth() > width
    charting.model.apply_protocol()
    assert combo.count() == listed + 1 and combo.currentData() == long_code
    charting.model.update_header(diagnosis_code=charting.protocol.diagnoses[0].code)
    assert combo.count() == listed and combo.view().minimumWidth() == width
