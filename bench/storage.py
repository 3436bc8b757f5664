"""Autosave latency: saving one mark on the real path, against a bare sqlite3 insert and commit on the same settings."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from bench.timing import median, sample_ms
from charting.domain import marking
from charting.domain.session import Patient, Session
from charting.storage import Repository, open_database


def run(quick: bool) -> dict[str, float]:
    """Median time of ``save_session`` after one mark or unmark, and its ratio to a bare one-row commit."""
    repeat = 50 if quick else 300
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.db")
        repo = Repository(db, actor="bench")
        protocol = repo.protocol
        patient = repo.add_patient(Patient(mrn="B1", family_name="Bench", given_name="Mark", dob=date(1970, 1, 1)))
        draft = repo.create_session(
            marking.apply_protocol(Session(performed_on=date.today(), patient_id=patient.id), protocol)
        )
        site = protocol.sites[0].id
        state = {"session": draft}

        def save_one_mark() -> None:
            state["session"] = repo.save_session(marking.toggle(state["session"], protocol, site))

        save = median(sample_ms(save_one_mark, repeat))
        db.close()

        bare_connection = sqlite3.connect(Path(folder) / "bare.db")
        bare_connection.execute("PRAGMA journal_mode = WAL")
        bare_connection.execute("PRAGMA synchronous = FULL")
        bare_connection.execute("CREATE TABLE marks (id INTEGER PRIMARY KEY, site TEXT, units REAL)")

        def bare_insert() -> None:
            bare_connection.execute("INSERT INTO marks (site, units) VALUES (?, ?)", [site, 5.0])
            bare_connection.commit()

        bare = median(sample_ms(bare_insert, repeat))
        bare_connection.close()
    return {"save_ms_median": round(save, 3), "save_ratio": round(save / bare, 2)}
