"""The log of unexpected errors: the error's type and where it happened, owner-only, never patient data."""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

OWNER_ONLY = 0o600


def error_record(kind: type[BaseException], trace: TracebackType | None) -> str:
    """What the log keeps of an error: its type and where it happened, never its message (which may name a
    patient) nor any variable's value."""
    frames = "".join(
        f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}\n" for frame in traceback.extract_tb(trace)
    )
    return f"{datetime.now().astimezone().isoformat(timespec='seconds')} {kind.__name__}\n{frames}"


def append_private(log_path: Path, text: str) -> None:
    """Append to the log, creating it (and its folder) readable by the owner only."""
    log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, OWNER_ONLY)
    with os.fdopen(handle, "a", encoding="utf-8") as stream:
        stream.write(text)
