"""The window's start-up time against a bare PySide6 window, each started as its own process in the same run."""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import charting
from bench.timing import median

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1366, 768)
window.show()
app.processEvents()
"""

STACK = """
from PySide6 import QtSvg
from PySide6.QtWidgets import QApplication, QMainWindow
import sqlite_utils
app = QApplication([])
window = QMainWindow()
window.resize(1366, 768)
window.show()
app.processEvents()
"""
"""The bare window plus the libraries the stack prescribes (Qt SVG, sqlite-utils): the floor for any window
built on this stack, reported beside the bare ratio so the cost of our own code is visible."""

CHARTING = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from charting.ui.window import start_window
app = QApplication([])
window = start_window(Path(sys.argv[1]))
app.processEvents()
assert window.has_session, "the draft was reopened"
"""


def _prepare(path: Path) -> None:
    """A clinic with an injector and one patient with a draft in progress, as the window finds it at start-up."""
    from charting.domain.people import Clinic, Injector
    from charting.domain.session import Patient, Session
    from charting.storage.database import open_database
    from charting.storage.repository import Repository

    repo = Repository(open_database(path), actor="bench")
    repo.save_clinic(Clinic(name="Bench Clinic"))
    repo.save_injector(Injector(name="Bench Injector", credentials="MD"))
    patient = repo.add_patient(Patient(mrn="B1", family_name="Bench", given_name="Pat", dob=date(1980, 1, 1)))
    repo.create_session(Session(performed_on=date.today(), patient_id=patient.id))
    repo.db.close()


def _time_process(code: str, *args: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, capture_output=True)
    return (time.perf_counter() - start) * 1000


def run(quick: bool) -> dict[str, float]:
    """Median start-up of the charting window (database, backup, draft reopened) and its ratio to a bare window."""
    repeat = 3 if quick else 9
    # An installed wheel has its bytecode compiled by pip; a source checkout may run with PYTHONDONTWRITEBYTECODE.
    compileall.compile_dir(Path(charting.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        _prepare(db_path)
        _time_process(CHARTING, str(db_path))  # makes today's backup once, as the first start of a day does
        bare, stack, window = [], [], []
        for _ in range(repeat):
            bare.append(_time_process(BARE))
            stack.append(_time_process(STACK))
            window.append(_time_process(CHARTING, str(db_path)))
    window_ms, bare_ms, stack_ms = median(window), median(bare), median(stack)
    return {
        "startup_ms_median": round(window_ms, 1),
        "startup_bare_ms_median": round(bare_ms, 1),
        "startup_ratio": round(window_ms / bare_ms, 2),
        "startup_stack_ratio": round(stack_ms / bare_ms, 2),
        "startup_ratio_vs_stack": round(window_ms / stack_ms, 2),
    }
