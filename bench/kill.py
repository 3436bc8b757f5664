"""Kill during save (issue 7): writers on the real save path SIGKILLed at random moments, and what survived.

Runs the trials of ``tests/storage/test_kill_during_save.py`` (the code lives in ``tests/storage/kill_trials.py``):
each trial forks a writer that charts (patients, sessions, marks, header edits, signing, addenda), kills it, reopens
the database and checks every acknowledged change, every session's totals and signature, and SQLite's checks.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from tests.storage.kill_trials import run_kill_trials

TRIALS = 1000
QUICK_TRIALS = 100


def run(quick: bool) -> dict[str, float]:
    """kill_trials, kill_acknowledged, kill_lost, kill_partial (and the trials killed inside a change, and the seed)."""
    seed = random.SystemRandom().randrange(1 << 31)
    with tempfile.TemporaryDirectory(prefix="charting-kill-") as workdir:
        report = run_kill_trials(Path(workdir), QUICK_TRIALS if quick else TRIALS, seed)
    return {**report.figures(), "kill_seed": float(seed)}
