"""How the printed documents word their figures: units, dates, scores, the baseline's history, the diagnosis.

Shared by the procedure note and the continuation-of-therapy summary, so both print a figure the same way.
"""

from __future__ import annotations

from datetime import date, datetime

from charting.domain.eligibility import Baseline, medication_overuse
from charting.domain.outcomes import hit6_impact, midas_grade
from charting.domain.protocol import Protocol
from charting.domain.settings import ClinicalSettings

NOT_RECORDED = "not recorded"


def units_text(units: float) -> str:
    """Units as printed: 155 U, 2.5 U."""
    return f"{units:g} U"


def date_text(value: date | None) -> str:
    """A date as printed (ISO, unambiguous for every reader), or 'not recorded'."""
    return value.isoformat() if value is not None else NOT_RECORDED


def datetime_text(value: datetime | None) -> str:
    """A date and time to the minute, with its UTC offset when it has one."""
    if value is None:
        return NOT_RECORDED
    text = value.strftime("%Y-%m-%d %H:%M")
    offset = value.strftime("%z")
    return f"{text} {offset[:3]}:{offset[3:]}" if offset else text


def count_text(value: int | None) -> str:
    """A count (days, a score) as printed, or 'not recorded'."""
    return f"{value}" if value is not None else NOT_RECORDED


def midas_text(score: int) -> str:
    """A MIDAS total with its grade: 14 (grade III, moderate disability)."""
    grade, words = midas_grade(score)
    return f"{score} (grade {grade}, {words})"


def hit6_text(score: int) -> str:
    """A HIT-6 total with its impact: 58 (substantial impact)."""
    return f"{score} ({hit6_impact(score)})"


def preventives_text(baseline: Baseline) -> str:
    """The failed preventives, counted and named: 2: topiramate, amitriptyline."""
    tried = baseline.failed_preventives
    return f"{len(tried)}: {', '.join(tried)}" if tried else "none recorded"


def overuse_text(baseline: Baseline, settings: ClinicalSettings) -> str:
    """Whether medication overuse was assessed, found and managed, with the acute medication days."""
    if baseline.specific_acute_days is None and baseline.simple_analgesic_days is None:
        return "overuse ruled out" if baseline.overuse_managed else "acute medication days not recorded"
    figures = (
        f"triptan/ergot/opioid/combination {baseline.specific_acute_days or 0} d, "
        f"simple analgesic {baseline.simple_analgesic_days or 0} d a month"
    )
    if not medication_overuse(baseline, settings):
        return f"assessed, no overuse ({figures})"
    if baseline.overuse_managed:
        return f"assessed, overuse managed ({figures})"
    return f"assessed, overuse NOT recorded as managed ({figures})"


def diagnosis_text(protocol: Protocol, code: str) -> str:
    """An ICD-10 code with its words from the protocol file (the code alone when the file does not know it)."""
    diagnosis = protocol.diagnosis(code)
    return f"{code} {diagnosis.text}" if diagnosis is not None else code
