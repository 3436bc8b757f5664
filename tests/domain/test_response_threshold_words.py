"""The response threshold in words: exact, one decimal only when needed, never rounded up to a non-response."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charting.domain.outcomes import cycle_response, threshold_days_text
from charting.domain.settings import ClinicalSettings


@pytest.mark.parametrize(
    ("baseline", "pct", "words"),
    [
        (25, 30, "17.5 days or fewer"),  # not "18": 18 days is 28% fewer, no response
        (20, 30, "14 days or fewer"),
        (23, 30, "16.1 days or fewer"),  # 16.099999... in floating point
        (20, 50, "10 days or fewer"),
        (22, 33.1, "14.7 days or fewer"),  # 14.718: cut, not rounded
    ],
)
def test_threshold_words(baseline: int, pct: float, words: str) -> None:
    assert threshold_days_text(baseline, pct) == words


def test_the_walk_through_case_18_days_against_25_is_no_response() -> None:
    assert not cycle_response(25, 18, ClinicalSettings()).responder
    assert cycle_response(25, 17, ClinicalSettings()).responder


@given(
    baseline=st.integers(min_value=1, max_value=31),
    pct=st.sampled_from([30.0, 50.0, 33.0, 25.0, 40.0, 66.7]),
    days=st.integers(min_value=0, max_value=31),
)
def test_a_whole_number_of_days_reads_as_a_response_exactly_when_it_is_one(
    baseline: int, pct: float, days: int
) -> None:
    shown = float(threshold_days_text(baseline, pct).split()[0])
    responder = cycle_response(baseline, days, ClinicalSettings(responder_threshold_pct=pct)).responder
    assert responder == (days <= shown)
