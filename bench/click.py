"""From a mouse press on a site to the repaint with the totals updated, over 300 clicks, on a real database."""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from bench.timing import median, percentile


def run(quick: bool) -> dict[str, float]:
    """Median and 99th percentile of a click on a site, each click saved to a database file."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from charting.domain.people import Injector
    from charting.domain.session import Patient, Session
    from charting.storage.database import open_database
    from charting.storage.repository import Repository
    from charting.ui.window import MainWindow

    app = QApplication.instance() or QApplication([])
    clicks = 300
    with tempfile.TemporaryDirectory() as folder:
        repo = Repository(open_database(Path(folder) / "bench.db"), actor="bench")
        repo.save_injector(Injector(name="Bench Injector", credentials="MD"))
        patient = repo.add_patient(Patient(mrn="B1", family_name="Bench", given_name="Pat", dob=date(1980, 1, 1)))
        window = MainWindow(repo)
        window.resize(1366, 738)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.open_session(repo.create_session(Session(performed_on=date.today(), patient_id=patient.id)))
        app.processEvents()
        viewport = window.view.viewport()
        sites = [site.id for site in window.protocol.sites]
        positions = [window.view.viewport_pos(site_id).toPoint() for site_id in sites]
        samples = []
        for index in range(clicks):
            pos = positions[index % len(positions)]
            start = time.perf_counter()
            QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
            app.processEvents()  # the repaint of the marker and the totals panel
            samples.append((time.perf_counter() - start) * 1000)
            QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
        clicked_odd = {sid for i, sid in enumerate(sites) if len(range(i, clicks, len(sites))) % 2}
        if {inj.site_id for inj in window.model.session.injections} != clicked_odd:
            raise RuntimeError("a click did not toggle its site")
        window.close()
        repo.db.close()
    return {"click_ms_median": round(median(samples), 2), "click_ms_p99": round(percentile(samples, 99), 2)}
