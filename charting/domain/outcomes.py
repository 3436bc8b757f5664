"""Outcome scores: MIDAS grades, HIT-6 impact, and the response of headache days against baseline."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from charting.domain.session import Baseline, Outcomes
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
MIDAS_MAX = 270
"""Three months of days (90) in each of the three areas the five items cover: work or school, household work, and
family, social or leisure activities (the reduced-productivity items count only days not already counted)."""
REPORT_DAYS_MAX = 31
"""Day counts are over the last 28-30 days of the diary; a calendar month has at most 31."""
DAY_COUNTS = {
    "headache_days": "Headache days",
    "migraine_days": "Migraine days",
    "moderate_severe_days": "Moderate or severe days",
    "acute_medication_days": "Acute medication days",
}


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


def response_threshold_days(baseline_days: float, threshold_pct: float) -> float:
    """The most headache days that still count as a response: the baseline less the threshold's share (25 at 30%:
    17.5)."""
    return baseline_days * (1 - threshold_pct / 100)


def threshold_days_text(baseline_days: float, threshold_pct: float) -> str:
    """The response threshold in words for a chart or a document: "17.5 days or fewer", "14 days or fewer".

    One decimal only when needed, and never rounded up: 16.96 reads "16.9", so a whole number of days reads as a
    response exactly when ``cycle_response`` counts it as one (18 is no response against 17.5).
    """
    tenths = math.floor(response_threshold_days(baseline_days, threshold_pct) * 10 + 1e-6)
    figure = f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths / 10:.1f}"
    return f"{figure} days or fewer"


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


def outcome_problems(outcomes: Outcomes) -> dict[str, str]:
    """Figures outside their scales, by field, each with a sentence that says what to enter instead."""
    problems = {}
    for name, label in DAY_COUNTS.items():
        value = getattr(outcomes, name)
        if value is not None and not 0 <= value <= REPORT_DAYS_MAX:
            problems[name] = f"{label} count the last 28-30 days: enter 0 to {REPORT_DAYS_MAX}, not {value}."
    headache = outcomes.headache_days
    for name in ("migraine_days", "moderate_severe_days"):
        value = getattr(outcomes, name)
        if name not in problems and value is not None and headache is not None and value > headache:
            problems[name] = (
                f"{DAY_COUNTS[name]} ({value}) cannot be more than the headache days ({headache}); check both."
            )
    hours = outcomes.headache_hours_per_day
    if hours is not None and not 0 <= hours <= 24:
        problems["headache_hours_per_day"] = f"Hours a day run from 0 to 24; enter 0 to 24, not {hours:g}."
    if outcomes.midas is not None and not 0 <= outcomes.midas <= MIDAS_MAX:
        problems["midas"] = f"A MIDAS total runs from 0 to {MIDAS_MAX}; enter 0 to {MIDAS_MAX}, not {outcomes.midas}."
    if outcomes.hit6 is not None and not HIT6_MIN <= outcomes.hit6 <= HIT6_MAX:
        problems["hit6"] = (
            f"A HIT-6 total runs from {HIT6_MIN} to {HIT6_MAX}; enter {HIT6_MIN} to {HIT6_MAX}, not {outcomes.hit6}."
        )
    return problems


def baseline_problems(baseline: Baseline) -> dict[str, str]:
    """The baseline's figures outside their scales or each other (migraine days above headache days), as sentences."""
    return outcome_problems(
        Outcomes(
            headache_days=baseline.headache_days,
            migraine_days=baseline.migraine_days,
            moderate_severe_days=baseline.moderate_severe_days,
            headache_hours_per_day=baseline.headache_hours_per_day,
            midas=baseline.midas,
            hit6=baseline.hit6,
        )
    )
