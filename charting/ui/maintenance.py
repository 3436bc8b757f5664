"""Today's backup and the records check, run by ``charting maintain`` in a child process once the window shows.

Neither is on the start-up path: on a ten-year database a backup reads the whole file and the check recomputes every
signature, which would hold the window for seconds. The child has its own connection (the write-ahead log lets it
read while the window writes) and its own core; the window hears one line for each when it is done.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal

CHECK_PREFIX = "Check: "
BACKUP_FAILED_PREFIX = "Backup failed: "
STOP_WAIT_MS = 2000
"""How long closing the window waits for the child to stop (a backup is written under a temporary name)."""


class StartupMaintenance(QObject):
    """Runs ``charting maintain`` on the database in a child process and reports what it found."""

    finished = Signal(bool, str)
    """(all well, the sentence for the user)."""

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        self.process.finished.connect(self._done)
        self.process.errorOccurred.connect(self._failed_to_start)
        self._stopping = False

    def start(self) -> None:
        """Start the child (the window keeps working meanwhile)."""
        self.process.start(sys.executable, ["-m", "charting", "--db", str(self.db_path), "maintain"])

    def stop(self) -> None:
        """Stop the child if it still runs (the window is closing)."""
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self._stopping = True
            self.process.terminate()
            if not self.process.waitForFinished(STOP_WAIT_MS):
                self.process.kill()
                self.process.waitForFinished(STOP_WAIT_MS)

    def _done(self, code: int, status: QProcess.ExitStatus) -> None:
        lines = bytes(self.process.readAllStandardOutput().data()).decode("utf-8", "replace").splitlines()
        if self._stopping:
            return  # stopped as the window closed
        if status != QProcess.ExitStatus.NormalExit:
            lines = []  # it crashed: whatever it printed is no verdict
            code = -1
        self.finished.emit(*maintenance_verdict(code, lines))

    def _failed_to_start(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.finished.emit(*maintenance_verdict(-1, []))


def maintenance_verdict(code: int, lines: list[str]) -> tuple[bool, str]:
    """What ``charting maintain`` found, as (all well, a sentence for the status bar or a warning)."""
    if code == 0:  # the command's success
        return True, "Today's backup is kept and the records check found nothing wrong."
    problems = [line.removeprefix(CHECK_PREFIX) for line in lines if line.startswith(CHECK_PREFIX)]
    failed_backups = [
        line.removeprefix(BACKUP_FAILED_PREFIX) for line in lines if line.startswith(BACKUP_FAILED_PREFIX)
    ]
    sentences = [f"Today's backup could not be made: {failure}" for failure in failed_backups]
    if problems and problems[0] != "sound":
        sentences.append(
            f"The records check found that {problems[0]}. Run 'charting check' for the details, restore the latest "
            "good backup ('charting restore'), and tell your support contact."
        )
    if not sentences:
        sentences.append("The records check could not run; run 'charting check' to see why.")
    return False, " ".join(sentences)
