"""Times shared by the records tests (their sessions come from ``tests.sessions``)."""

from __future__ import annotations

from datetime import UTC, datetime

SIGNED_AT = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
