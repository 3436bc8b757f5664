"""Speed at a large clinic's scale: search, a patient's history, start-up, memory, backup, a note and a listing.

The clinic (``bench.large_clinic``: 20,000 patients, 200,000 sessions, about 6.5 million injections; a tenth of that
with ``--quick``) is built once and cached outside the repository; each run works on a copy of it in a temporary
folder, so the window's daily backup and its write-ahead log never touch the cache. Every figure stands against a
baseline measured in the same run: a bare index lookup, start-up on an empty database, a plain file copy, and the
same note and listing on a small clinic.

Start-up is measured as ``bench.startup`` measures it (the ``charting`` command in a child process, to its first
painted frame), on the second start of the day; the first start of a day, which begins today's backup, is reported on
its own (``startup_first_of_day_ms_large_db``). The window hands the backup and the full records check to a child
process (``charting maintain``) at every start; that child's run is timed on its own (``maintain_s_large_db``).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.large_clinic import LARGE, QUICK, build_clinic, cached_clinic
from bench.startup import CHARTING, CHARTING_IMPORTS, LEAVE, _prepare
from bench.timing import median, sample_ms
from charting.app import main as charting_main
from charting.documents import procedure_note_pdf
from charting.domain.course import build_course
from charting.storage import Repository, StorageError, open_database
from charting.storage.backup import backup_database
from charting.storage.demo import FAMILY_NAMES, GIVEN_NAMES_F, GIVEN_NAMES_M
from charting.storage.repository import PREFIX_END, search_key

SMALL_PATIENTS = 20
"""The small clinic the note and the listing are compared with."""
SEARCH_LIMIT = 50
"""Rows the patient finder asks for (``Repository.search_patients``' default)."""
HISTORY_PATIENTS = 200
"""Patients whose history is opened, spread through the clinic."""
DUE_LIST_BUDGET_S = 30.0
"""The longest the due list is waited for (it scans every signed session once per patient without an index)."""
SHORT_TASK_REPEAT = 4
"""The note and the listing take milliseconds: they are repeated this many times more than start-up."""
MAINTAIN_BUDGET_S = {False: 900.0, True: 60.0}
"""The longest ``charting maintain`` is waited for, by quick mode."""
PROGRESS_STEPS = 100_000
"""SQLite steps between checks of the due list's budget."""

READY_WITH_MEMORY = """
import os, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

def ready():
    app = QApplication.instance()
    app.processEvents()  # the first frame of the shown window is painted
    check()
    now = time.monotonic()
    with open("/proc/self/status", encoding="ascii") as status:
        rss_kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    print(rss_kib, now, flush=True)
    leave(app)
"""
"""``bench.startup``'s first-paint report, with the window process's resident memory at that moment; then the child
process the window starts for today's backup and the records check (``charting maintain``) is stopped, so that it
does not run on beside the next start being measured."""


def _prefixes() -> list[str]:
    """What a user types into the finder: the first two and three letters of the clinic's names."""
    names = {search_key(name) for name in (*FAMILY_NAMES, *GIVEN_NAMES_F, *GIVEN_NAMES_M)}
    return sorted({name[:length] for name in names for length in (2, 3) if len(name) >= length})


def _search(repository: Repository, repeat: int) -> dict[str, float]:
    """Median of ``search_patients`` on each prefix, and of a bare range lookup on the family-name index."""
    prefixes = _prefixes()
    typed = itertools.cycle(prefixes)

    def search() -> None:
        repository.search_patients(next(typed), limit=SEARCH_LIMIT)

    def lookup() -> None:
        key = next(typed)
        repository.db.execute(
            "SELECT * FROM patients WHERE family_key >= ? AND family_key < ? ORDER BY family_key LIMIT ?",
            [key, key + PREFIX_END, SEARCH_LIMIT],
        ).fetchall()

    searched = sample_ms(search, len(prefixes) * repeat)
    looked_up = sample_ms(lookup, len(prefixes) * repeat)
    return {
        "search_ms_median": round(median(searched), 3),
        "search_ms_max": round(max(searched), 3),
        "search_index_lookup_ms_median": round(median(looked_up), 3),
    }


def _history(repository: Repository) -> dict[str, float]:
    """Opening a patient as the finder does: every session, the baseline, the signed visits and the course."""
    patients = int(repository.db.execute("SELECT max(id) FROM patients").fetchone()[0])
    chosen = iter(range(1, patients + 1, max(1, patients // HISTORY_PATIENTS)))
    settings = repository.settings

    def open_history() -> None:
        patient_id = next(chosen)
        repository.sessions_for_patient(patient_id)
        build_course(repository.baseline(patient_id), repository.visits(patient_id), settings)

    samples = sample_ms(open_history, min(HISTORY_PATIENTS, patients))
    return {"history_ms_median": round(median(samples), 2), "history_ms_max": round(max(samples), 2)}


def _due_list(repository: Repository) -> dict[str, float]:
    """The due list of the next two weeks (the window's Records menu): one query over every signed session.

    Stopped after ``DUE_LIST_BUDGET_S`` (then the figure is that budget and ``due_list_timed_out`` is 1).
    """
    started = time.perf_counter()
    deadline = started + DUE_LIST_BUDGET_S
    repository.db.set_progress_handler(lambda: int(time.perf_counter() > deadline), PROGRESS_STEPS)
    try:
        repository.due_list(date.today(), 14)
        timed_out = 0
    except StorageError:  # interrupted by the budget
        timed_out = 1
    finally:
        repository.db.set_progress_handler(None, 0)
    return {
        "due_list_ms_large_db": round((time.perf_counter() - started) * 1000, 1),
        "due_list_timed_out": timed_out,
    }


def _latest_session_of_a_long_history(repository: Repository) -> tuple[str, int]:
    """The MRN of the patient with the most sessions (first by id), and that patient's latest signed session."""
    row = repository.db.execute(
        "SELECT p.mrn, max(s.id) FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE s.status = 'signed' "
        "GROUP BY s.patient_id ORDER BY count(*) DESC, s.patient_id LIMIT 1"
    ).fetchone()
    return str(row[0]), int(row[1])


def _note_and_listing(path: Path, repeat: int) -> tuple[float, float]:
    """Median ms of a signed note's PDF, and of ``charting sessions --patient MRN`` run in-process."""
    db = open_database(path)
    try:
        repository = Repository(db, actor="bench")
        mrn, session_id = _latest_session_of_a_long_history(repository)

        def note() -> None:
            session = repository.load_session(session_id)
            procedure_note_pdf(repository, session, paper=repository.settings.paper_size)

        note_ms = median(sample_ms(note, repeat))
    finally:
        db.close()

    def listing() -> None:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = charting_main(["--db", str(path), "sessions", "--patient", mrn])
        assert code == 0 and mrn in out.getvalue(), "the listing names the patient's sessions"

    return note_ms, median(sample_ms(listing, repeat))


def _start(db_path: Path) -> tuple[float, float]:
    """Milliseconds from starting the ``charting`` command to its first painted frame, and its resident MB then."""
    code = CHARTING_IMPORTS + LEAVE + READY_WITH_MEMORY + CHARTING
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, str(db_path)], check=True, env=env, capture_output=True, text=True
    )
    rss_kib, painted = done.stdout.split()[-2:]
    return (float(painted) - start) * 1000, int(rss_kib) / 1024


def _startup(large: Path, empty: Path, repeat: int) -> dict[str, float]:
    """Start-up on the large and on an empty database (second start of the day), the first start, and memory."""
    first_of_day, _ = _start(large)  # makes today's backup: a copy of the whole file
    _start(empty)
    large_ms, empty_ms, rss = [], [], []
    for _ in range(repeat):
        elapsed, resident = _start(large)
        large_ms.append(elapsed)
        rss.append(resident)
        empty_ms.append(_start(empty)[0])
    return {
        "startup_ms_large_db": round(median(large_ms), 1),
        "startup_ms_empty_db": round(median(empty_ms), 1),
        "startup_ratio_large_db": round(median(large_ms) / median(empty_ms), 2),
        "startup_first_of_day_ms_large_db": round(first_of_day, 1),
        "rss_mb_large_db": round(median(rss), 1),
    }


def _maintenance(path: Path, budget_s: float) -> dict[str, float]:
    """``charting maintain``, which the window starts in a child process at every start: today's backup, then the
    full records check (integrity, foreign keys, every signed session's hash, the audit chain), stopped after the
    budget (then the figure is the budget and ``maintain_timed_out`` is 1)."""
    started = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-m", "charting", "--db", str(path), "maintain"],
            check=True,
            capture_output=True,
            timeout=budget_s,
        )
        timed_out = 0
    except subprocess.TimeoutExpired:
        timed_out = 1
    return {"maintain_s_large_db": round(time.perf_counter() - started, 1), "maintain_timed_out": timed_out}


def _backup(path: Path, folder: Path) -> dict[str, float]:
    """``backup_database`` of the file against ``shutil.copyfile`` of it (each once: the file is large)."""
    copy_target, backup_target = folder / "plain-copy.db", folder / "backup.db"
    start = time.perf_counter()
    shutil.copyfile(path, copy_target)
    copied = time.perf_counter() - start
    copy_target.unlink()
    start = time.perf_counter()
    backup_database(path, backup_target)
    backed_up = time.perf_counter() - start
    backup_target.unlink()
    return {
        "backup_s_large_db": round(backed_up, 2),
        "copy_s_large_db": round(copied, 2),
        "backup_ratio": round(backed_up / copied, 2),
    }


def run(quick: bool) -> dict[str, float]:
    """The scale figures on the cached large clinic (the quick one with ``quick``), each against its baseline."""
    size = QUICK if quick else LARGE
    source = cached_clinic(size)
    repeat = 3 if quick else 7
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "large").mkdir()
        (folder / "small").mkdir()
        (folder / "empty").mkdir()
        large = folder / "large" / "clinic.db"
        shutil.copyfile(source, large)
        small = folder / "small" / "clinic.db"
        build_clinic(small, SMALL_PATIENTS, workers=1)
        empty = folder / "empty" / "clinic.db"
        _prepare(empty)
        results: dict[str, float] = {"scale_patients": size.patients}
        results.update(_backup(large, folder))
        db = open_database(large)
        try:
            repository = Repository(db, actor="bench")
            results["scale_sessions"] = int(db.execute("SELECT count(*) FROM sessions").fetchone()[0])
            results["scale_injections"] = int(db.execute("SELECT max(id) FROM injections").fetchone()[0])
            results.update(_search(repository, repeat))
            results.update(_history(repository))
            results.update(_due_list(repository))
        finally:
            db.close()
        note_large, listing_large = _note_and_listing(large, repeat * SHORT_TASK_REPEAT)
        note_small, listing_small = _note_and_listing(small, repeat * SHORT_TASK_REPEAT)
        results.update(
            {
                "note_export_ms_large_db": round(note_large, 1),
                "note_export_ratio_large_db": round(note_large / note_small, 2),
                "sessions_command_ms_large_db": round(listing_large, 1),
                "sessions_command_ratio_large_db": round(listing_large / listing_small, 2),
            }
        )
        results.update(_startup(large, empty, repeat))
        results.update(_maintenance(large, MAINTAIN_BUDGET_S[quick]))
    return results
