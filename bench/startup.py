"""The window's start-up time against a bare PySide6 window, each started as its own process in the same run.

Both are timed the same way: from the moment the parent starts the process to the moment the child's event loop
has painted the shown window and the child reports the time (``time.monotonic`` is one clock for every process on
the machine). Closing down is not start-up, so the child leaves without it. The charting window starts through
``charting.app.main``, the path the ``charting`` command takes, with the clinic's draft reopened.
"""

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

LEAVE = """
def leave(app):
    for widget in app.topLevelWidgets():  # the backup and records check the window started: not left running
        maintenance = getattr(widget, "maintenance", None)
        if maintenance is not None:
            maintenance.stop()
    os._exit(0)
"""
"""How a timed child leaves once it has reported: stopping the ``charting maintain`` child its window started."""
READY = (
    LEAVE
    + """
import os, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

def ready():
    app = QApplication.instance()
    app.processEvents()  # the first frame of the shown window is painted
    check()
    print(time.monotonic(), flush=True)
    leave(app)
"""
)
"""What both children share: once the event loop runs, paint the shown window, report the time and leave."""

BARE = """
from PySide6.QtWidgets import QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1366, 768)
window.show()
def check():
    pass
QTimer.singleShot(0, ready)
app.exec()
"""

CHARTING = """
def check():
    windows = [w for w in QApplication.topLevelWidgets() if hasattr(w, "has_session") and w.isVisible()]
    assert windows and windows[0].has_session, "the window is shown with the draft reopened"
app = QApplication(["charting"])
QTimer.singleShot(0, ready)
main(["--db", sys.argv[1]])
"""
"""The ``charting`` command's own start: its imports come first, as they do when the command runs."""
CHARTING_IMPORTS = "import sys\nfrom charting.app import main\n"


def _prepare(path: Path) -> None:
    """A clinic with an injector and one patient with a draft in progress, as the window finds it at start-up."""
    from charting.domain.people import Clinic, Injector
    from charting.domain.session import Patient, Session
    from charting.storage.database import open_database
    from charting.storage.repository import Repository

    db = open_database(path)
    repo = Repository(db, actor="bench")
    repo.save_clinic(Clinic(name="Bench Clinic"))
    repo.save_injector(Injector(name="Bench Injector", credentials="MD"))
    patient = repo.add_patient(Patient(mrn="B1", family_name="Bench", given_name="Pat", dob=date(1980, 1, 1)))
    repo.create_session(Session(performed_on=date.today(), patient_id=patient.id))
    db.close()


def _time_to_ready(*arguments: str) -> float:
    """Milliseconds from starting ``python ARGUMENTS`` to the child's report that its window is painted."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.monotonic()
    done = subprocess.run([sys.executable, *arguments], check=True, env=env, capture_output=True, text=True)
    return (float(done.stdout.split()[-1]) - start) * 1000


FLOOR_SCRIPT = Path(__file__).with_name("floor_window.py")


def run(quick: bool) -> dict[str, float]:
    """Median start-up of the charting window (database, backup, draft reopened), a bare window and the floor."""
    repeat = 5 if quick else 15
    # An installed wheel has its bytecode compiled by pip; a source checkout may run with PYTHONDONTWRITEBYTECODE.
    compileall.compile_dir(Path(charting.__file__).parent, quiet=1)
    bare_code = READY + BARE
    charting_code = CHARTING_IMPORTS + READY + CHARTING
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        _prepare(db_path)
        _time_to_ready("-c", charting_code, str(db_path))  # makes today's backup once, as the first start of a day does
        bare, floor, window = [], [], []
        for _ in range(repeat):
            bare.append(_time_to_ready("-c", bare_code))
            floor.append(_time_to_ready(str(FLOOR_SCRIPT)))
            window.append(_time_to_ready("-c", charting_code, str(db_path)))
    window_ms, bare_ms, floor_ms = median(window), median(bare), median(floor)
    return {
        "startup_ms_median": round(window_ms, 1),
        "startup_bare_ms_median": round(bare_ms, 1),
        "startup_ratio": round(window_ms / bare_ms, 2),
        "startup_floor_ratio": round(floor_ms / bare_ms, 2),
        "startup_ratio_vs_floor": round(window_ms / floor_ms, 2),
    }
