"""The note's checklist: the screening answers, the overrides in force with their reasons, the baseline outcomes,
and the response over the treatment course with its notices, worded as facts (read from the note and the PDF)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.session import Answer, Outcomes, Session, Visit
from charting.domain.settings import ClinicalSettings
from charting.report.render import render_note
from tests.report.notes import BASELINE, PATIENT, flat, note_of, pages_text, session, signed
from tests.report.test_notices import INSTRUCTIONS

EARLIER = (Visit(date(2025, 4, 20), 155, 22), Visit(date(2025, 7, 14), 155, 18), Visit(date(2025, 10, 15), 155, 17))
"""The first treatment (22 days, the baseline month) and two cycles that did not respond (18%, 23% fewer days)."""
INFECTION_REASON = "Healed abrasion at one occipital site only; that site was skipped"


def answered(chart: Session, **answers: Answer) -> Session:
    for question, answer in answers.items():
        chart = marking.answer_screening(chart, question, answer)
    return chart


def all_no(chart: Session) -> Session:
    return answered(
        chart,
        infection_at_site=Answer.NO,
        hypersensitivity=Answer.NO,
        neuromuscular_disease=Answer.NO,
        other_toxin_12_weeks=Answer.NO,
    )


def test_each_screening_answer_prints(protocol: Protocol) -> None:
    chart = answered(all_no(session(protocol)), neuromuscular_disease=Answer.YES)
    checks = dict(note_of(protocol, signed(chart)).procedure_checks)
    assert checks["Screening"] == (
        "Infection at a proposed injection site: no; Hypersensitivity to any botulinum toxin product: no; "
        "Neuromuscular disease (myasthenia gravis, Lambert-Eaton, ALS): YES; "
        "Another botulinum toxin in the last 12 weeks: no"
    )
    assert "Contraindications" not in checks


def test_a_question_not_asked_says_so(protocol: Protocol) -> None:
    chart = answered(session(protocol, contraindications_checked=False), hypersensitivity=Answer.NO)
    screening = dict(note_of(protocol, chart).procedure_checks)["Screening"]
    assert "Hypersensitivity to any botulinum toxin product: no" in screening
    assert "Infection at a proposed injection site: not asked" in screening


def test_an_override_in_force_prints_with_its_reason(protocol: Protocol) -> None:
    chart = answered(all_no(session(protocol)), infection_at_site=Answer.YES)
    chart = marking.set_override(chart, "contra_infection", INFECTION_REASON)
    note = note_of(protocol, signed(chart))
    assert note.overrides == (
        f"Contraindication: infection at a proposed injection site. Reason recorded: {INFECTION_REASON}.",
    )
    text = flat(" ".join(pages_text(render_note(note))))
    assert (
        f"Refusals overridden: Contraindication: infection at a proposed injection site. Reason recorded: {INFECTION_REASON}."
        in text
    )
    assert INSTRUCTIONS.findall(text.split("Refusals overridden:", 1)[1].split("Outcomes at this visit", 1)[0]) == []


def test_a_stale_override_is_not_printed(protocol: Protocol) -> None:
    """An override whose refusal has gone (the answer changed to no) stays in the record but not on the note."""
    chart = answered(all_no(session(protocol)), infection_at_site=Answer.YES)
    chart = marking.set_override(chart, "contra_infection", INFECTION_REASON)
    chart = answered(chart, infection_at_site=Answer.NO)
    note = note_of(protocol, signed(chart))
    assert note.overrides == ()
    assert "Refusals overridden" not in flat(" ".join(pages_text(render_note(note))))


def test_the_baseline_outcomes_print_in_the_indication(protocol: Protocol) -> None:
    baseline = replace(BASELINE, migraine_days=16, midas=40, hit6=64)
    indication = dict(note_of(protocol, signed(session(protocol)), baseline=baseline).indication)
    assert indication["Migraine days"] == "16 a month (baseline)"
    assert indication["Baseline MIDAS"] == "40 (grade IV, severe disability)"
    assert indication["Baseline HIT-6"] == "64 (severe impact)"
    plain = dict(note_of(protocol, signed(session(protocol))).indication)
    assert not {"Migraine days", "Baseline MIDAS", "Baseline HIT-6"} & plain.keys(), "only those recorded"


def test_the_first_treatment_has_no_response_yet(protocol: Protocol) -> None:
    note = note_of(protocol, signed(session(protocol)), previous=None)
    assert note.response == (
        "First treatment: no response to assess yet (baseline 22 headache days a month, from the baseline record)."
    )
    assert note.course_notices == ()


def test_two_cycles_without_a_response_print_consider_stopping_as_a_fact(protocol: Protocol) -> None:
    chart = replace(session(protocol), outcomes=Outcomes(headache_days=17))
    note = note_of(protocol, signed(chart), previous=EARLIER[-1].performed_on, earlier=EARLIER)
    assert note.response == "17 headache days against a baseline of 22: 23% reduction, not a responder (threshold 30%)."
    assert note.course_notices == (
        "Consider stopping treatment: 3 cycles in a row without a response (18%, 23%, 23% fewer headache days than the "
        "baseline of 22, below the 30% threshold).",
    )
    text = flat(" ".join(pages_text(render_note(note))))
    assert f"Response against baseline: {note.response} {note.course_notices[0]}" in text
    assert INSTRUCTIONS.findall(text.split("Response against baseline:", 1)[1].split("Adverse events:", 1)[0]) == []


def test_a_response_breaks_the_run(protocol: Protocol) -> None:
    note = note_of(protocol, signed(session(protocol)), previous=EARLIER[-1].performed_on, earlier=EARLIER)
    assert note.response.startswith("9 headache days against a baseline of 22: 59% reduction, responder")
    assert note.course_notices == ()


def test_three_months_below_the_episodic_threshold_print_the_notice(protocol: Protocol) -> None:
    earlier = (Visit(date(2025, 4, 20), 155, 22), Visit(date(2025, 7, 14), 155, 12), Visit(date(2025, 10, 15), 155, 11))
    note = note_of(protocol, signed(session(protocol)), previous=earlier[-1].performed_on, earlier=earlier)
    assert note.course_notices == (
        "Below 15 headache days a month for 3 months or more (reports of 12, 11 and 9 days since 2025-06-14).",
    )


def test_the_threshold_is_the_setting(protocol: Protocol) -> None:
    strict = ClinicalSettings(responder_threshold_pct=50)
    earlier = (Visit(date(2025, 4, 20), 155, 22), Visit(date(2025, 7, 14), 155, 12))
    chart = replace(session(protocol), outcomes=Outcomes(headache_days=12))
    note = note_of(protocol, signed(chart), previous=earlier[-1].performed_on, earlier=earlier, settings=strict)
    assert note.response.endswith("45% reduction, not a responder (threshold 50%).")
    assert note.course_notices[0].startswith("Consider stopping treatment: 2 cycles in a row without a response")


def test_a_patient_too_young_overridden_prints_the_age_and_reason(protocol: Protocol) -> None:
    young = replace(PATIENT, dob=date(2008, 6, 1))
    chart = marking.set_override(session(protocol), "age", "Adolescent chronic migraine; paediatric neurology agrees")
    note = note_of(protocol, signed(chart), patient=young)
    assert note.overrides == (
        "The patient is 17. Reason recorded: Adolescent chronic migraine; paediatric neurology agrees.",
    )
