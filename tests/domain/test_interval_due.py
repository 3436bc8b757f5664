"""The one reading of "due": not yet eligible before the earliest eligible date, due to the window's end, then
overdue; every count from the earliest eligible date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charting.domain.interval import DueState, due_status
from charting.domain.settings import ClinicalSettings

LAST = date(2026, 9, 6)
SETTINGS = ClinicalSettings()


@pytest.mark.parametrize(
    ("days_since", "state", "short"),
    [
        (76, DueState.NOT_YET_ELIGIBLE, "eligible in 8 days"),
        (77, DueState.NOT_YET_ELIGIBLE, "eligible in 7 days"),  # the window opens, payers still refuse
        (83, DueState.NOT_YET_ELIGIBLE, "eligible in 1 day"),
        (84, DueState.DUE, "due today"),
        (85, DueState.DUE, "due (eligible 1 day ago)"),
        (91, DueState.DUE, "due (eligible 7 days ago)"),  # the window's last day
        (92, DueState.OVERDUE, "overdue (eligible 8 days ago)"),
        (126, DueState.OVERDUE, "overdue (eligible 42 days ago)"),
    ],
)
def test_status_at_the_boundaries(days_since: int, state: DueState, short: str) -> None:
    status = due_status(LAST, LAST + timedelta(days=days_since), SETTINGS)
    assert (status.state, status.short) == (state, short)
    assert status.days_past_eligible == days_since - 84
    assert (status.eligible_from, status.window_from, status.window_until) == (
        date(2026, 11, 29),
        date(2026, 11, 22),
        date(2026, 12, 6),
    )


def test_the_walk_through_patient_at_80_days_is_not_due() -> None:
    status = due_status(LAST, LAST + timedelta(days=80), SETTINGS)
    assert status.sentence == "Eligible from 2026-11-29 (in 4 days); due by 2026-12-06."
    assert "due now" not in status.sentence.casefold()
    assert status.window_from.isoformat() not in status.sentence  # no window that opens before eligibility


def test_a_patient_due_reads_due_and_eligible_since() -> None:
    status = due_status(LAST, LAST + timedelta(days=88), SETTINGS)
    assert status.sentence == "Due now: eligible since 2026-11-29 (4 days ago); due by 2026-12-06."
    assert status.short == "due (eligible 4 days ago)"


def test_overdue_counts_from_the_earliest_eligible_date_not_the_window_end() -> None:
    status = due_status(LAST, date(2027, 1, 10), SETTINGS)
    assert status.sentence == "Overdue: eligible since 2026-11-29 (42 days ago); it was due by 2026-12-06."
    assert status.short == "overdue (eligible 42 days ago)"


def test_the_settings_move_every_boundary() -> None:
    settings = ClinicalSettings(interval_days=90, due_window_days=14)
    assert due_status(LAST, LAST + timedelta(days=89), settings).state is DueState.NOT_YET_ELIGIBLE
    assert due_status(LAST, LAST + timedelta(days=90), settings).state is DueState.DUE
    assert due_status(LAST, LAST + timedelta(days=104), settings).state is DueState.DUE
    assert due_status(LAST, LAST + timedelta(days=105), settings).state is DueState.OVERDUE


@given(
    days_since=st.integers(min_value=0, max_value=400),
    interval=st.integers(min_value=1, max_value=180),
    window=st.integers(min_value=0, max_value=30),
)
def test_due_only_from_the_earliest_eligible_date(days_since: int, interval: int, window: int) -> None:
    settings = ClinicalSettings(interval_days=interval, due_window_days=window)
    status = due_status(LAST, LAST + timedelta(days=days_since), settings)
    assert status.days_past_eligible == days_since - interval
    eligible = days_since >= interval
    assert (status.state is not DueState.NOT_YET_ELIGIBLE) == eligible
    assert (status.state is DueState.OVERDUE) == (days_since > interval + window)
    assert status.short.startswith("eligible in") != eligible
    assert status.state is DueState.NOT_YET_ELIGIBLE or status.short.startswith(status.state.value)
    assert f"{abs(status.days_past_eligible)} day" in status.short or status.short == "due today"
