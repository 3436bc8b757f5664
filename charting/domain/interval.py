"""The treatment interval: days since the last session, the earliest eligible date and the due window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

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


class DueState(Enum):
    """Where a patient stands for the next session; payers refuse a session before the earliest eligible date."""

    NOT_YET_ELIGIBLE = "not yet eligible"
    """Before the earliest eligible date (even inside the early half of the due window)."""
    DUE = "due"
    """From the earliest eligible date to the end of the due window."""
    OVERDUE = "overdue"
    """After the end of the due window."""


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


@dataclass(frozen=True)
class DueStatus:
    """A patient's next session against today, in one reading used by every view, list and command.

    All day counts are counted from ONE anchor, the earliest eligible date (last session + the interval setting,
    84 days by default): ``days_past_eligible`` is negative before it. The due window (+/- the window setting) only
    decides when "due" turns "overdue"; nothing is "due" before the earliest eligible date.
    """

    state: DueState
    eligible_from: date
    window_from: date
    window_until: date
    days_past_eligible: int
    """Today minus the earliest eligible date: -4 is eligible in 4 days, 42 is eligible since 42 days."""

    @property
    def short(self) -> str:
        """A few words for a list's column: "eligible in 4 days", "due today", "due (eligible 3 days ago)", "overdue
        (eligible 42 days ago)"; the same count as ``sentence``."""
        days = self.days_past_eligible
        if self.state is DueState.NOT_YET_ELIGIBLE:
            return f"eligible in {_days(-days)}"
        if self.state is DueState.DUE:
            return "due today" if days == 0 else f"due (eligible {_days(days)} ago)"
        return f"overdue (eligible {_days(days)} ago)"

    @property
    def sentence(self) -> str:
        """The status as a sentence with its dates, for the patient view (nothing is due before it is eligible)."""
        days = self.days_past_eligible
        eligible = self.eligible_from.isoformat()
        if self.state is DueState.NOT_YET_ELIGIBLE:
            return f"Eligible from {eligible} (in {_days(-days)}); due by {self.window_until.isoformat()}."
        if self.state is DueState.DUE:
            since = "today" if days == 0 else f"{_days(days)} ago"
            return f"Due now: eligible since {eligible} ({since}); due by {self.window_until.isoformat()}."
        return f"Overdue: eligible since {eligible} ({_days(days)} ago); it was due by {self.window_until.isoformat()}."


def due_status(last_session: date, today: date, settings: ClinicalSettings) -> DueStatus:
    """Whether the next session after ``last_session`` is not yet eligible, due or overdue today (see ``DueStatus``)."""
    window = interval_status(last_session, today, settings)
    if today < window.earliest_eligible:
        state = DueState.NOT_YET_ELIGIBLE
    elif today <= window.due_until:
        state = DueState.DUE
    else:
        state = DueState.OVERDUE
    return DueStatus(
        state=state,
        eligible_from=window.earliest_eligible,
        window_from=window.due_from,
        window_until=window.due_until,
        days_past_eligible=(today - window.earliest_eligible).days,
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
