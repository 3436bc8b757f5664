"""The treatment interval: days since the last session, the earliest eligible date and the due window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from charting.domain.rules import Finding, Level
from charting.domain.settings import ClinicalSettings

INTERVAL_EARLY = "interval_early"
"""An early session without a reason: charting goes on, signing asks for the reason (see ``REASON_TO_SIGN``)."""
INTERVAL_EXPLAINED = "interval_early_explained"
"""An early session with its reason recorded."""


@dataclass(frozen=True)
class IntervalStatus:
    """Where a planned date stands against the last session."""

    last_session: date
    days_since: int
    earliest_eligible: date
    due_from: date
    due_until: date

    @property
    def early(self) -> bool:
        """True when the planned date is before the earliest eligible date."""
        return self.days_since < (self.earliest_eligible - self.last_session).days


def earliest_eligible(last_session: date, settings: ClinicalSettings) -> date:
    """Last session + the interval setting (84 days by default)."""
    return last_session + timedelta(days=settings.interval_days)


def interval_status(last_session: date, on: date, settings: ClinicalSettings) -> IntervalStatus:
    """Days since the last session, the earliest eligible date and the due window (interval +/- window)."""
    earliest = earliest_eligible(last_session, settings)
    return IntervalStatus(
        last_session=last_session,
        days_since=(on - last_session).days,
        earliest_eligible=earliest,
        due_from=earliest - timedelta(days=settings.due_window_days),
        due_until=earliest + timedelta(days=settings.due_window_days),
    )


def interval_findings(
    last_session: date | None, on: date, settings: ClinicalSettings, reason: str = ""
) -> list[Finding]:
    """A session sooner than the interval warns; signing it needs a reason that the note prints."""
    if last_session is None:
        return []
    status = interval_status(last_session, on, settings)
    if not status.early:
        return [
            Finding(
                Level.INFO,
                "interval_ok",
                f"{status.days_since} days since the last session on {last_session.isoformat()}.",
            )
        ]
    sentence = (
        f"Only {status.days_since} days since the last session on {last_session.isoformat()}; payers generally "
        f"refuse a session before {status.earliest_eligible.isoformat()} ({settings.interval_days} days)"
    )
    if reason.strip():
        return [Finding(Level.WARNING, INTERVAL_EXPLAINED, f"{sentence}. Reason recorded: {reason.strip()}.")]
    return [Finding(Level.WARNING, INTERVAL_EARLY, f"{sentence}. Record a reason to sign it.")]
