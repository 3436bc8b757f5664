"""Outcome scores: MIDAS grades, HIT-6 impact, and the response of headache days against baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from charting.domain.settings import ClinicalSettings

MIDAS_GRADES = (
    (5, "I", "little or no disability"),
    (10, "II", "mild disability"),
    (20, "III", "moderate disability"),
)
MIDAS_TOP_GRADE = ("IV", "severe disability")
HIT6_MIN, HIT6_MAX = 36, 78
HIT6_BANDS = ((49, "little or no impact"), (55, "some impact"), (59, "substantial impact"))
HIT6_TOP_BAND = "severe impact"
HIT6_MEANINGFUL_DROP = 5


def midas_grade(score: int) -> tuple[str, str]:
    """MIDAS grade and its words: I 0-5, II 6-10, III 11-20, IV 21 or more."""
    if score < 0:
        raise ValueError(f"A MIDAS score cannot be negative ({score}).")
    for upper, grade, words in MIDAS_GRADES:
        if score <= upper:
            return grade, words
    return MIDAS_TOP_GRADE


def hit6_impact(score: int) -> str:
    """HIT-6 impact: 49 or less little, 50-55 some, 56-59 substantial, 60 or more severe."""
    if not HIT6_MIN <= score <= HIT6_MAX:
        raise ValueError(f"A HIT-6 score runs from {HIT6_MIN} to {HIT6_MAX}; {score} is outside.")
    for upper, words in HIT6_BANDS:
        if score <= upper:
            return words
    return HIT6_TOP_BAND


def hit6_meaningful_change(before: int, after: int) -> bool:
    """A drop of 5 points or more is meaningful."""
    return before - after >= HIT6_MEANINGFUL_DROP


def percent_reduction(baseline_days: float, current_days: float) -> float | None:
    """Reduction in headache days against baseline, in percent (None when the baseline is zero)."""
    if baseline_days <= 0:
        return None
    return (baseline_days - current_days) / baseline_days * 100


@dataclass(frozen=True)
class CycleResponse:
    """One treatment cycle's headache days against baseline."""

    headache_days: float
    reduction_pct: float | None
    responder: bool


def cycle_response(baseline_days: float, current_days: float, settings: ClinicalSettings) -> CycleResponse:
    """Whether a cycle responded: reduction at or above the responder threshold (30% by default)."""
    reduction = percent_reduction(baseline_days, current_days)
    responder = reduction is not None and reduction >= settings.responder_threshold_pct - 1e-9
    return CycleResponse(current_days, reduction, responder)


def should_consider_stopping(responses: Sequence[CycleResponse], settings: ClinicalSettings) -> bool:
    """True after the setting's number of consecutive non-responding cycles (2 by default), counted from the last."""
    needed = settings.nonresponse_cycles_to_stop
    if needed <= 0 or len(responses) < needed:
        return False
    return not any(response.responder for response in responses[-needed:])


def episodic_now(monthly_headache_days: Sequence[float], settings: ClinicalSettings) -> bool:
    """True when the latest months (3 by default) were all below the episodic threshold (15 days by default)."""
    months = settings.episodic_months
    if months <= 0 or len(monthly_headache_days) < months:
        return False
    return all(days < settings.episodic_days for days in monthly_headache_days[-months:])
