"""Unexpected errors in the window: a sentence for the user, the detail in an owner-only log, no patient data."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from charting.errorlog import append_private, error_record


class UnexpectedErrorHandler:
    """An excepthook: logs an error's type and place, and tells the user in one sentence what to do."""

    def __init__(self, log_path: Path, parent: QWidget | None) -> None:
        self.log_path = log_path
        self.parent = parent
        self.box: QMessageBox | None = None
        """The last message shown (kept alive while it is open)."""

    def __call__(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        try:
            append_private(self.log_path, error_record(kind, trace))
            where = f" The details are in {self.log_path}."
        except OSError:
            where = ""
        self.box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Something went wrong",
            f"Something unexpected went wrong ({kind.__name__}). Everything up to your last change is saved: "
            f"check the session on screen, and if it happens again, restart charting and tell your support "
            f"contact.{where}",
            QMessageBox.StandardButton.Ok,
            self.parent,
        )
        self.box.open()
