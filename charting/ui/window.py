"""The charting window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class MainWindow(QMainWindow):
    """The main window (placeholder until the charting window lands)."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.setWindowTitle("charting")
        self.setCentralWidget(QLabel(f"charting: {db_path}"))


def run_window(args: argparse.Namespace, db_path: Path) -> int:
    """Start Qt and show the window on the database."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(db_path)
    window.resize(1366, 768)
    window.show()
    return app.exec()
