"""The checklist at the visit: eligibility, screening, interval and the course's response, with overrides."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charting.domain import marking
from charting.domain.checklist import OVERRIDABLE, evaluate_visit, overrides_in_force
from charting.domain.course import build_course, episodic_run, nonresponding_run, response_findings
from charting.domain.marking import ChangeRefusedError
from charting.domain.outcomes import outcome_problems
from charting.domain.protocol import Protocol
from charting.domain.rules import Level, signing_blockers
from charting.domain.session import (
    SCREENING_QUESTIONS,
    Answer,
    Baseline,
    Outcomes,
    Override,
    Patient,
    Session,
    SignedContext,
    Status,
    Visit,
    content_hash,
)
from charting.domain.settings import ClinicalSettings
from tests.sessions import SERVICE_DATE, ready_session

DEFAULTS = ClinicalSettings()
ADULT = Patient(mrn="1", family_name="Doe", given_name="Jane", dob=date(1980, 4, 2), id=1)
BASELINE = Baseline(
    headache_days=20, headache_hours_per_day=8, failed_preventives=("topiramate", "propranolol"), overuse_managed=True
)


def context(*visits: Visit, patient: Patient = ADULT, baseline: Baseline | None = BASELINE) -> SignedContext:
    """The record as the window sees it: the patient, the baseline and the earlier signed visits."""
    return SignedContext(
        patient=patient,
        baseline=baseline,
        previous_session_date=visits[-1].performed_on if visits else None,
        earlier_visits=visits,
    )


def visit(days_before: int, headache_days: int | None) -> Visit:
    return Visit(SERVICE_DATE - timedelta(days=days_before), 155, headache_days)


def screened(session: Session, answer: Answer = Answer.NO) -> Session:
    for question in SCREENING_QUESTIONS:
        session = marking.answer_screening(session, question, answer)
    return session


def codes(
    session: Session, protocol: Protocol, ctx: SignedContext | None, settings: ClinicalSettings = DEFAULTS
) -> set[str]:
    return {finding.code for finding in evaluate_visit(session, protocol, settings, None, ctx)}


def with_days(session: Session, headache_days: int | None) -> Session:
    return replace(session, outcomes=Outcomes(headache_days=headache_days))


# -- eligibility and the interval at the visit ------------------------------------------------------------------------


def test_a_ready_session_of_an_eligible_patient_due_today_signs(protocol: Protocol) -> None:
    session = screened(ready_session(protocol, 1))
    findings = evaluate_visit(session, protocol, DEFAULTS, None, context(visit(84, 20)))
    assert signing_blockers(findings) == []
    assert "interval_ok" in {f.code for f in findings}


@pytest.mark.parametrize(("born_days_after_18th", "refused"), [(1, True), (0, False)])
def test_age_17_refuses_and_18_signs(protocol: Protocol, born_days_after_18th: int, refused: bool) -> None:
    eighteenth = SERVICE_DATE.replace(year=SERVICE_DATE.year - 18)
    minor = replace(ADULT, dob=eighteenth + timedelta(days=born_days_after_18th))
    assert ("age" in codes(ready_session(protocol, 1), protocol, context(patient=minor))) is refused


@pytest.mark.parametrize(("days", "refused"), [(14, True), (15, False)])
def test_baseline_of_14_headache_days_refuses_and_15_does_not(protocol: Protocol, days: int, refused: bool) -> None:
    ctx = context(baseline=replace(BASELINE, headache_days=days))
    assert ("episodic" in codes(ready_session(protocol, 1), protocol, ctx)) is refused


@pytest.mark.parametrize(("days_since", "blocks"), [(83, True), (84, False)])
def test_a_session_83_days_after_the_last_needs_a_reason_to_sign_and_84_does_not(
    protocol: Protocol, days_since: int, blocks: bool
) -> None:
    session = screened(ready_session(protocol, 1))
    ctx = context(visit(days_since, 20))
    blockers = {f.code for f in signing_blockers(evaluate_visit(session, protocol, DEFAULTS, None, ctx))}
    assert blockers == ({"interval_early"} if blocks else set())
    explained = replace(session, interval_reason="Flying abroad for three months.")
    findings = evaluate_visit(explained, protocol, DEFAULTS, None, ctx)
    assert signing_blockers(findings) == []
    if blocks:
        early = next(f for f in findings if f.code == "interval_early_explained")
        assert early.level is Level.WARNING and "Flying abroad" in early.message


def test_the_interval_follows_the_setting(protocol: Protocol) -> None:
    session = screened(ready_session(protocol, 1))
    assert "interval_early" in codes(session, protocol, context(visit(84, 20)), ClinicalSettings(interval_days=90))


# -- screening and overrides ------------------------------------------------------------------------------------------


def test_answering_every_question_checks_the_contraindications(protocol: Protocol) -> None:
    session = ready_session(protocol, 1, contraindications_checked=False)
    session = marking.answer_screening(session, "infection_at_site", Answer.NO)
    assert not session.contraindications_checked
    assert "screening_incomplete" in codes(session, protocol, None)
    session = screened(session)
    assert session.contraindications_checked and session.screening.complete
    assert "screening_incomplete" not in codes(session, protocol, None)


def test_an_unknown_question_is_refused(protocol: Protocol) -> None:
    with pytest.raises(ChangeRefusedError, match="no screening question"):
        marking.answer_screening(ready_session(protocol, 1), "pregnant", Answer.YES)


@pytest.mark.parametrize(
    ("question", "code", "level"),
    [
        ("infection_at_site", "contra_infection", Level.REFUSAL),
        ("hypersensitivity", "contra_hypersensitivity", Level.REFUSAL),
        ("neuromuscular_disease", "caution_neuromuscular", Level.WARNING),
        ("other_toxin_12_weeks", "caution_other_toxin", Level.WARNING),
    ],
)
def test_a_yes_is_a_contraindication_or_a_caution(protocol: Protocol, question: str, code: str, level: Level) -> None:
    session = marking.answer_screening(screened(ready_session(protocol, 1)), question, Answer.YES)
    finding = next(f for f in evaluate_visit(session, protocol, DEFAULTS, None, None) if f.code == code)
    assert finding.level is level


def test_an_override_with_a_reason_lets_a_contraindication_sign_and_is_printed(protocol: Protocol) -> None:
    session = marking.answer_screening(screened(ready_session(protocol, 1)), "infection_at_site", Answer.YES)
    assert [f.code for f in signing_blockers(evaluate_visit(session, protocol, DEFAULTS, None, None))] == [
        "contra_infection"
    ]
    overridden = marking.set_override(session, "contra_infection", "  Folliculitis at one occipital site; skipped.  ")
    findings = evaluate_visit(overridden, protocol, DEFAULTS, None, None)
    assert signing_blockers(findings) == []
    finding = next(f for f in findings if f.code == "contra_infection")
    assert finding.level is Level.WARNING and finding.message.endswith("Folliculitis at one occipital site; skipped.")
    assert [o.reason for o in overrides_in_force(overridden, None, protocol, DEFAULTS)] == [
        "Folliculitis at one occipital site; skipped."
    ]
    withdrawn = marking.set_override(overridden, "contra_infection", " ")
    assert withdrawn.overrides == ()
    assert signing_blockers(evaluate_visit(withdrawn, protocol, DEFAULTS, None, None))


def test_refusals_about_the_record_cannot_be_overridden(protocol: Protocol) -> None:
    session = marking.set_override(
        screened(ready_session(protocol, 1, consent=False)), "consent_missing", "The patient nodded."
    )
    assert "consent_missing" not in OVERRIDABLE
    assert "consent_missing" in {
        f.code for f in signing_blockers(evaluate_visit(session, protocol, DEFAULTS, None, None))
    }
    assert overrides_in_force(session, None, protocol, DEFAULTS) == []


def test_an_override_of_an_eligibility_refusal(protocol: Protocol) -> None:
    ctx = context(baseline=replace(BASELINE, headache_days=12))
    session = marking.set_override(screened(ready_session(protocol, 1)), "episodic", "Payer approved on appeal.")
    assert signing_blockers(evaluate_visit(session, protocol, DEFAULTS, None, ctx)) == []


# -- the course's response --------------------------------------------------------------------------------------------


def test_the_first_treatment_is_the_baseline_month_and_later_visits_are_responses() -> None:
    course = build_course(None, [visit(168, 20), visit(84, 12), visit(0, None)], DEFAULTS)
    assert (course.baseline_days, course.baseline_source) == (20, "first treatment visit")
    assert [c.response is None for c in course.cycles] == [True, False, True]
    assert course.cycles[1].response is not None and course.cycles[1].response.reduction_pct == pytest.approx(40)
    recorded = build_course(BASELINE, [visit(84, 25)], DEFAULTS)
    assert (recorded.baseline_days, recorded.baseline_source) == (20, "baseline record")


@pytest.mark.parametrize(("days", "responder"), [(15, False), (14, True)])
def test_a_cycle_at_25_percent_is_not_a_response_and_at_30_percent_is(days: int, responder: bool) -> None:
    course = build_course(BASELINE, [visit(84, 20), visit(0, days)], DEFAULTS)
    response = course.cycles[-1].response
    assert response is not None and response.responder is responder


def test_the_second_non_responding_cycle_says_consider_stopping(protocol: Protocol) -> None:
    first_non_responding = context(visit(168, 20), visit(84, 19))
    session = screened(with_days(ready_session(protocol, 1), 18))
    assert "consider_stopping" not in codes(session, protocol, context(visit(84, 20)))
    findings = evaluate_visit(session, protocol, DEFAULTS, None, first_non_responding)
    stopping = next(f for f in findings if f.code == "consider_stopping")
    assert stopping.level is Level.WARNING
    assert "2 cycles in a row" in stopping.message and "5%, 10%" in stopping.message
    assert "consider_stopping" not in codes(with_days(session, 14), protocol, first_non_responding)
    assert "consider_stopping" not in codes(
        session, protocol, first_non_responding, ClinicalSettings(nonresponse_cycles_to_stop=3)
    )


def test_a_visit_without_figures_keeps_the_last_verdict_and_asks_for_them(protocol: Protocol) -> None:
    session = screened(ready_session(protocol, 1))
    found = codes(session, protocol, context(visit(252, 20), visit(168, 19), visit(84, 18)))
    assert {"consider_stopping", "outcomes_missing"} <= found


@pytest.mark.parametrize(("gap", "episodic"), [(59, False), (60, True)])
def test_the_episodic_notice_needs_three_months_below_15_days(gap: int, episodic: bool) -> None:
    """Each report covers the 30 days before it: two reports 60 days apart cover 90 days."""
    visits = [visit(200, 20), Visit(SERVICE_DATE - timedelta(days=gap), 155, 12), Visit(SERVICE_DATE, 155, 10)]
    course = build_course(BASELINE, visits, DEFAULTS)
    assert bool(episodic_run(course, DEFAULTS)) is episodic
    assert ("episodic_now" in {f.code for f in response_findings(course, DEFAULTS)}) is episodic


def test_a_month_at_15_days_breaks_the_episodic_run() -> None:
    visits = [visit(300, 20), visit(200, 10), visit(100, 15), visit(0, 10)]
    assert episodic_run(build_course(BASELINE, visits, DEFAULTS), DEFAULTS) == []


@given(st.lists(st.one_of(st.none(), st.integers(0, 31)), min_size=1, max_size=8))
def test_consider_stopping_exactly_when_the_last_two_recorded_cycles_missed_30_percent(
    figures: list[int | None],
) -> None:
    visits = [Visit(SERVICE_DATE - timedelta(days=84 * (len(figures) - i)), 155, d) for i, d in enumerate(figures)]
    course = build_course(BASELINE, [visit(84 * (len(figures) + 1), 20), *visits], DEFAULTS)
    recorded = [d for d in figures if d is not None]
    expected = len(recorded) >= 2 and all((20 - d) / 20 * 100 < 30 for d in recorded[-2:])
    assert bool(nonresponding_run(course, DEFAULTS)) is expected


# -- outcomes at the visit --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "field"),
    [
        (Outcomes(headache_days=32), "headache_days"),
        (Outcomes(acute_medication_days=-1), "acute_medication_days"),
        (Outcomes(headache_days=10, migraine_days=11), "migraine_days"),
        (Outcomes(hit6=35), "hit6"),
        (Outcomes(hit6=79), "hit6"),
        (Outcomes(midas=271), "midas"),
        (Outcomes(headache_hours_per_day=25), "headache_hours_per_day"),
    ],
)
def test_figures_outside_their_scales_are_refused_with_a_sentence(
    protocol: Protocol, outcomes: Outcomes, field: str
) -> None:
    assert set(outcome_problems(outcomes)) == {field}
    session = ready_session(protocol, 1)
    with pytest.raises(ChangeRefusedError):
        marking.set_outcomes(session, outcomes)


def test_figures_at_the_ends_of_their_scales_are_kept(protocol: Protocol) -> None:
    for outcomes in (
        Outcomes(
            headache_days=31, migraine_days=31, moderate_severe_days=0, acute_medication_days=31, midas=270, hit6=78
        ),
        Outcomes(headache_days=0, migraine_days=0, midas=0, hit6=36, headache_hours_per_day=24),
    ):
        assert outcome_problems(outcomes) == {}
        assert marking.set_outcomes(ready_session(protocol, 1), outcomes).outcomes == outcomes


# -- signatures of sessions signed before the checklist ---------------------------------------------------------------


SIGNED_BEFORE_THE_CHECKLIST = (
    "28e514680131c5bb97273f415705024f392e49052fec8bd4f4e8ec9d58cac148",
    "912f16e98c9a917faa2dd959e4b0552cec97935921f4a5c4c6b4d95c58fc5ae6",
)
"""The hashes the version before migration 0006 gave the session below, with and without its signed context."""


def test_sessions_signed_before_the_checklist_keep_their_hash(protocol: Protocol) -> None:
    """Empty screening, no overrides, no earlier visits and no baseline scores leave the hash as it was."""
    ctx = SignedContext(
        patient=ADULT,
        baseline=Baseline(headache_days=20, failed_preventives=("topiramate",)),
        previous_session_date=date(2026, 9, 1),
        settings=ClinicalSettings(),
        protocol_sha256="ab" * 32,
    )
    signed = replace(
        ready_session(protocol, 1),
        status=Status.SIGNED,
        signed_at=datetime(2026, 11, 25, 10, 30, tzinfo=UTC),
        signed_by="Dr. A",
        signed_context=ctx,
    )
    assert (content_hash(signed), content_hash(replace(signed, signed_context=None))) == SIGNED_BEFORE_THE_CHECKLIST
    answered = replace(signed, screening=screened(ready_session(protocol, 1)).screening)
    assert content_hash(answered) != SIGNED_BEFORE_THE_CHECKLIST[0]
    assert content_hash(replace(signed, overrides=(Override("age", "reason"),))) != SIGNED_BEFORE_THE_CHECKLIST[0]
    with_scores = replace(ctx, baseline=Baseline(headache_days=20, failed_preventives=("topiramate",), midas=30))
    assert content_hash(replace(signed, signed_context=with_scores)) != SIGNED_BEFORE_THE_CHECKLIST[0]
    with_visits = replace(ctx, earlier_visits=(visit(84, 20),))
    assert content_hash(replace(signed, signed_context=with_visits)) != SIGNED_BEFORE_THE_CHECKLIST[0]


def test_a_zero_baseline_assesses_no_response_and_never_says_stop(protocol: Protocol) -> None:
    course = build_course(replace(BASELINE, headache_days=0), [visit(168, 0), visit(84, 2), visit(0, 3)], DEFAULTS)
    assert course.responses == [] and nonresponding_run(course, DEFAULTS) == []
    assert "consider_stopping" not in {f.code for f in response_findings(course, DEFAULTS)}


def test_consider_stopping_counts_the_whole_run_without_a_response(protocol: Protocol) -> None:
    session = screened(with_days(ready_session(protocol, 1), 18))
    ctx = context(visit(252, 20), visit(168, 19), visit(84, 19))
    stopping = next(f for f in evaluate_visit(session, protocol, DEFAULTS, None, ctx) if f.code == "consider_stopping")
    assert "3 cycles in a row without a response (5%, 5%, 10% fewer" in stopping.message


def test_a_charted_session_without_a_mixing_time_asks_for_it(protocol: Protocol) -> None:
    session = screened(ready_session(protocol, 1))
    assert "reconstitution_missing" in codes(session, protocol, None)
    mixed = replace(session, reconstituted_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert "reconstitution_missing" not in codes(mixed, protocol, None)
