"""Interval, eligibility and response against the reference, sections 4-5 and 8, at their boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charting.domain.eligibility import Baseline, age_on, eligibility_findings, is_episodic, medication_overuse
from charting.domain.interval import earliest_eligible, interval_findings, interval_status
from charting.domain.outcomes import (
    CycleResponse,
    cycle_response,
    hit6_impact,
    hit6_meaningful_change,
    midas_grade,
    percent_reduction,
    should_consider_stopping,
)
from charting.domain.rules import Level
from charting.domain.settings import ClinicalSettings

DEFAULTS = ClinicalSettings()
LAST = date(2026, 9, 1)


def test_reference_defaults() -> None:
    s = DEFAULTS
    assert s.interval_days == 84
    assert s.due_window_days == 7
    assert s.reconstitution_hours == 24
    assert s.min_age_years == 18
    assert s.chronic_headache_days == 15
    assert s.min_headache_hours == 4
    assert s.prior_preventives_required == 2
    assert (s.overuse_days_specific, s.overuse_days_simple) == (10, 15)
    assert s.responder_threshold_pct == 30
    assert s.nonresponse_cycles_to_stop == 2
    assert (s.episodic_days, s.episodic_months) == (15, 3)
    assert s.default_diagnosis == "G43.709"


def test_settings_round_trip() -> None:
    changed = ClinicalSettings(responder_threshold_pct=50, interval_days=90)
    assert ClinicalSettings.from_dict(changed.to_dict()) == changed
    assert ClinicalSettings.from_dict({"unknown": 1}) == DEFAULTS


# --- interval ---------------------------------------------------------------------------------------------


def test_earliest_eligible_is_84_days() -> None:
    assert earliest_eligible(LAST, DEFAULTS) == LAST + timedelta(days=84)
    assert earliest_eligible(LAST, ClinicalSettings(interval_days=90)) == LAST + timedelta(days=90)


def test_due_window() -> None:
    status = interval_status(LAST, LAST + timedelta(days=80), DEFAULTS)
    assert status.days_since == 80
    assert status.due_from == LAST + timedelta(days=77)
    assert status.due_until == LAST + timedelta(days=91)


@pytest.mark.parametrize(("days", "early"), [(83, True), (84, False), (85, False)])
def test_interval_boundary(days: int, early: bool) -> None:
    on = LAST + timedelta(days=days)
    assert interval_status(LAST, on, DEFAULTS).early is early
    findings = interval_findings(LAST, on, DEFAULTS)
    assert (findings[0].code == "interval_early") is early
    if early:
        assert findings[0].level is Level.WARNING
        assert "Record a reason" in findings[0].message


def test_interval_reason_recorded() -> None:
    findings = interval_findings(LAST, LAST + timedelta(days=70), DEFAULTS, reason="Travelling abroad for 3 months")
    assert "Reason recorded: Travelling abroad" in findings[0].message


def test_first_session_has_no_interval() -> None:
    assert interval_findings(None, LAST, DEFAULTS) == []


# --- eligibility ------------------------------------------------------------------------------------------


def test_age_boundary() -> None:
    dob = date(2008, 11, 26)
    assert age_on(dob, date(2026, 11, 25)) == 17
    assert age_on(dob, date(2026, 11, 26)) == 18
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


CHRONIC = Baseline(
    headache_days=20,
    headache_hours_per_day=6,
    failed_preventives=("topiramate", "amitriptyline"),
    specific_acute_days=4,
    simple_analgesic_days=2,
)


def test_medication_overuse_not_assessed_warns() -> None:
    unassessed = replace(CHRONIC, specific_acute_days=None, simple_analgesic_days=None)
    assert codes(date(1980, 4, 2), unassessed) == {"overuse_unassessed": Level.WARNING}
    assert codes(date(1980, 4, 2), replace(unassessed, overuse_managed=True)) == {}


def codes(dob: date, baseline: Baseline, settings: ClinicalSettings = DEFAULTS) -> dict[str, Level]:
    return {f.code: f.level for f in eligibility_findings(dob, date(2026, 11, 25), baseline, settings)}


def test_eligible_adult_has_no_findings() -> None:
    assert codes(date(1980, 4, 2), CHRONIC) == {}


def test_minor_refused() -> None:
    assert codes(date(2008, 11, 26), CHRONIC)["age"] is Level.REFUSAL
    assert "age" not in codes(date(2008, 11, 25), CHRONIC)


@pytest.mark.parametrize(("days", "episodic"), [(14, True), (15, False)])
def test_headache_days_boundary(days: int, episodic: bool) -> None:
    assert is_episodic(days, DEFAULTS) is episodic
    found = codes(date(1980, 1, 1), Baseline(days, 6, CHRONIC.failed_preventives))
    assert ("episodic" in found) is episodic


def test_hours_boundary() -> None:
    assert "hours" in codes(date(1980, 1, 1), Baseline(20, 3.5, CHRONIC.failed_preventives))
    assert "hours" not in codes(date(1980, 1, 1), Baseline(20, 4, CHRONIC.failed_preventives))


def test_prior_preventives_setting() -> None:
    one = Baseline(20, 6, ("topiramate",))
    assert codes(date(1980, 1, 1), one)["preventives"] is Level.WARNING
    assert "preventives" not in codes(date(1980, 1, 1), CHRONIC)
    assert "preventives" in codes(date(1980, 1, 1), CHRONIC, ClinicalSettings(prior_preventives_required=3))


@pytest.mark.parametrize(
    ("specific", "simple", "overuse"), [(9, 14, False), (10, 0, True), (0, 15, True), (9, 0, False)]
)
def test_medication_overuse_thresholds(specific: int, simple: int, overuse: bool) -> None:
    baseline = Baseline(20, 6, CHRONIC.failed_preventives, specific_acute_days=specific, simple_analgesic_days=simple)
    assert medication_overuse(baseline, DEFAULTS) is overuse
    assert ("overuse" in codes(date(1980, 1, 1), baseline)) is overuse


def test_missing_baseline_asks_for_it() -> None:
    found = codes(date(1980, 1, 1), Baseline())
    assert found["baseline_missing"] is Level.WARNING
    assert found["hours_missing"] is Level.WARNING


# --- outcomes and response --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"), [(0, "I"), (5, "I"), (6, "II"), (10, "II"), (11, "III"), (20, "III"), (21, "IV"), (90, "IV")]
)
def test_midas_grades(score: int, grade: str) -> None:
    assert midas_grade(score)[0] == grade


@pytest.mark.parametrize(
    ("score", "impact"),
    [
        (36, "little"),
        (49, "little"),
        (50, "some"),
        (55, "some"),
        (56, "substantial"),
        (59, "substantial"),
        (60, "severe"),
        (78, "severe"),
    ],
)
def test_hit6_bands(score: int, impact: str) -> None:
    assert hit6_impact(score).startswith(impact)


def test_hit6_range_and_change() -> None:
    with pytest.raises(ValueError, match="36 to 78"):
        hit6_impact(35)
    assert hit6_meaningful_change(64, 59)
    assert not hit6_meaningful_change(64, 60)


def test_percent_reduction() -> None:
    assert percent_reduction(20, 10) == 50
    assert percent_reduction(20, 24) == -20
    assert percent_reduction(0, 3) is None


def test_responder_boundary_at_30_percent() -> None:
    assert cycle_response(1000, 701, DEFAULTS).responder is False  # 29.9%
    assert cycle_response(1000, 700, DEFAULTS).responder is True  # 30%
    assert cycle_response(20, 11, ClinicalSettings(responder_threshold_pct=50)).responder is False
    assert cycle_response(20, 10, ClinicalSettings(responder_threshold_pct=50)).responder is True


def test_stop_after_two_consecutive_non_responding_cycles() -> None:
    no = CycleResponse(18, 10, False)
    yes = CycleResponse(10, 50, True)
    assert not should_consider_stopping([no], DEFAULTS)
    assert should_consider_stopping([no, no], DEFAULTS)
    assert not should_consider_stopping([no, yes], DEFAULTS)
    assert should_consider_stopping([yes, no, no], DEFAULTS)
    assert not should_consider_stopping([no, no, yes], DEFAULTS)
    assert not should_consider_stopping([no, no], ClinicalSettings(nonresponse_cycles_to_stop=3))


@given(baseline=st.integers(1, 31), current=st.integers(0, 31))
def test_response_matches_the_threshold(baseline: int, current: int) -> None:
    response = cycle_response(baseline, current, DEFAULTS)
    reduction = (baseline - current) / baseline * 100
    assert response.reduction_pct == pytest.approx(reduction)
    assert response.responder is (reduction >= 30 - 1e-9)


def test_future_birth_date_is_a_sentence_not_a_negative_age() -> None:
    findings = eligibility_findings(date(2031, 4, 2), date(2026, 11, 25), CHRONIC, DEFAULTS)
    assert [f.code for f in findings] == ["dob_future"]
    assert "2031-04-02 is after 2026-11-25" in findings[0].message


def test_fractional_thresholds_survive_storage() -> None:
    stored = ClinicalSettings(min_headache_hours=3.5, responder_threshold_pct=32.5).to_dict()
    restored = ClinicalSettings.from_dict(stored)
    assert (restored.min_headache_hours, restored.responder_threshold_pct) == (3.5, 32.5)


@pytest.mark.parametrize(
    ("tried", "words"), [(0, "0 failed preventives recorded"), (1, "1 failed preventive recorded")]
)
def test_the_preventives_sentence_counts_in_words(tried: int, words: str) -> None:
    baseline = Baseline(20, 6, ("topiramate",)[:tried])
    finding = next(f for f in eligibility_findings(date(1980, 1, 1), date(2026, 11, 25), baseline, DEFAULTS))
    assert finding.code == "preventives" and finding.message.startswith(words + ";")
