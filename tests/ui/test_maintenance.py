"""Today's backup and the records check run in a child process after the window shows; what they found is said."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from charting.ui.maintenance import maintenance_verdict
from charting.ui.window import MainWindow


def test_the_verdict_names_each_problem_in_a_sentence() -> None:
    assert maintenance_verdict(0, ["Backup: /x/backups/c.db", "Check: sound"])[0]
    well, sentence = maintenance_verdict(
        1, ["Backup failed: The disk holding x is full; free some space.", "Check: sound"]
    )
    assert not well and sentence == "Today's backup could not be made: The disk holding x is full; free some space."
    well, sentence = maintenance_verdict(1, ["Backup: /x/c.db", "Check: the audit log was altered"])
    assert not well and sentence.startswith("The records check found that the audit log was altered.")
    assert "charting restore" in sentence
    assert maintenance_verdict(1, [])[1] == "The records check could not run; run 'charting check' to see why."


def test_a_tampered_database_is_found_after_start_up_and_said(window: MainWindow, db_path: Path, qtbot: QtBot) -> None:
    tamper = sqlite3.connect(db_path)
    tamper.execute("DROP TRIGGER audit_log_no_update")
    tamper.execute("UPDATE audit_log SET actor = 'someone' WHERE id = 1")
    tamper.commit()
    tamper.close()
    window.start_maintenance(db_path)
    assert window.maintenance is not None
    with qtbot.waitSignal(window.maintenance.finished, timeout=60000) as finished:
        pass
    well, sentence = finished.args
    assert not well and "the audit log was altered" in sentence and "guarding triggers are missing" in sentence
    box = window.dialog
    assert isinstance(box, QMessageBox) and box.text() == sentence
