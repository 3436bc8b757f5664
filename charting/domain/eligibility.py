"""Eligibility for treatment: age, chronic migraine, prior preventives, medication overuse."""

from __future__ import annotations

from datetime import date

from charting.domain.rules import Finding, Level
from charting.domain.session import Baseline
from charting.domain.settings import ClinicalSettings

__all__ = ["Baseline", "age_on", "eligibility_findings", "is_episodic", "medication_overuse"]


def age_on(dob: date, on: date) -> int:
    """Age in whole years on a date."""
    before_birthday = (on.month, on.day) < (dob.month, dob.day)
    return on.year - dob.year - int(before_birthday)


def medication_overuse(baseline: Baseline, settings: ClinicalSettings) -> bool:
    """Acute medication at or above the overuse thresholds (10 days specific, 15 days simple analgesics)."""
    specific = baseline.specific_acute_days or 0
    simple = baseline.simple_analgesic_days or 0
    return specific >= settings.overuse_days_specific or simple >= settings.overuse_days_simple


def is_episodic(headache_days: int, settings: ClinicalSettings) -> bool:
    """Fewer headache days a month than chronic migraine needs (14 or fewer by default)."""
    return headache_days < settings.chronic_headache_days


def eligibility_findings(dob: date, on: date, baseline: Baseline, settings: ClinicalSettings) -> list[Finding]:
    """Each eligibility criterion as a finding that says what to do."""
    findings = []
    age = age_on(dob, on)
    if dob > on:
        findings.append(
            Finding(
                Level.REFUSAL, "dob_future", f"The date of birth {dob.isoformat()} is after {on.isoformat()}; check it."
            )
        )
    elif age < settings.min_age_years:
        findings.append(
            Finding(
                Level.REFUSAL,
                "age",
                f"The patient is {age}; treatment is for adults ({settings.min_age_years} or older).",
            )
        )
    if baseline.headache_days is None:
        findings.append(
            Finding(
                Level.WARNING,
                "baseline_missing",
                "Record the baseline headache days a month (from the diary).",
            )
        )
    elif is_episodic(baseline.headache_days, settings):
        findings.append(
            Finding(
                Level.REFUSAL,
                "episodic",
                f"{baseline.headache_days} headache days a month is episodic migraine; chronic migraine needs {settings.chronic_headache_days} or more.",
            )
        )
    if baseline.headache_hours_per_day is None:
        findings.append(Finding(Level.WARNING, "hours_missing", "Record how many hours a day the headaches last."))
    elif baseline.headache_hours_per_day < settings.min_headache_hours:
        findings.append(
            Finding(
                Level.REFUSAL,
                "hours",
                f"Headaches last {baseline.headache_hours_per_day:g} hours a day; chronic migraine needs {settings.min_headache_hours:g} or more.",
            )
        )
    tried = len(baseline.failed_preventives)
    if tried < settings.prior_preventives_required:
        findings.append(
            Finding(
                Level.WARNING,
                "preventives",
                f"{tried} failed preventive{'' if tried == 1 else 's'} recorded; payers ask for {settings.prior_preventives_required}. Record the ones tried.",
            )
        )
    if baseline.specific_acute_days is None and baseline.simple_analgesic_days is None and not baseline.overuse_managed:
        findings.append(
            Finding(
                Level.WARNING,
                "overuse_unassessed",
                "Medication overuse is not assessed; record the acute medication days a month (triptans and "
                "combinations, simple analgesics) or that overuse was ruled out.",
            )
        )
    elif medication_overuse(baseline, settings) and not baseline.overuse_managed:
        findings.append(
            Finding(
                Level.WARNING,
                "overuse",
                "Acute medication use is at the medication-overuse level; record that overuse was ruled out or is managed.",
            )
        )
    return findings
