"""Times in the records are timezone-aware; a naive time (from an old record or a test) is read as local time."""

from __future__ import annotations

from datetime import datetime


def local_now() -> datetime:
    """The current local time, timezone-aware, to the second (what the window records and signs with)."""
    return datetime.now().astimezone().replace(microsecond=0)


def aware(value: datetime) -> datetime:
    """The same instant with a time zone: a naive time is taken as local time."""
    return value if value.tzinfo is not None else value.astimezone()
