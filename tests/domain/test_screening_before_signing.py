"""A session cannot be signed with a screening question never asked (issue 6, clinical reference section 7)."""

from __future__ import annotations

from itertools import product

import pytest

from charting.domain import marking
from charting.domain.checklist import evaluate_visit
from charting.domain.protocol import Protocol, in_sentence
from charting.domain.rules import Finding, Level, signing_blockers
from charting.domain.session import SCREENING_QUESTIONS, Answer, Session
from charting.domain.settings import ClinicalSettings
from tests.sessions import ready_session

QUESTIONS = tuple(SCREENING_QUESTIONS)


def unscreened(protocol: Protocol) -> Session:
    """A session charted as the walk-through charted it: ready in every way but no screening question asked."""
    return ready_session(protocol, 1, contraindications_checked=False)


def answered(session: Session, **answers: Answer) -> Session:
    """The session with these questions answered the way the window records them."""
    for question, answer in answers.items():
        session = marking.answer_screening(session, question, answer)
    return session


def blockers(session: Session, protocol: Protocol) -> list[Finding]:
    return signing_blockers(evaluate_visit(session, protocol, ClinicalSettings(), None, None))


def test_nothing_asked_refuses_signing_naming_all_four_in_one_sentence(protocol: Protocol) -> None:
    [refusal] = blockers(unscreened(protocol), protocol)
    assert (refusal.level, refusal.code) == (Level.REFUSAL, "screening_incomplete")
    assert refusal.message == (
        "Not asked yet: infection at a proposed injection site, hypersensitivity to any botulinum toxin product, "
        "neuromuscular disease (myasthenia gravis, Lambert-Eaton, ALS) and another botulinum toxin in the last "
        "12 weeks; ask and record each answer before signing."
    )


def test_one_finding_about_the_screening_not_two(protocol: Protocol) -> None:
    for session in (unscreened(protocol), answered(unscreened(protocol), hypersensitivity=Answer.NO)):
        findings = evaluate_visit(session, protocol, ClinicalSettings(), None, None)
        about_screening = [f for f in findings if {"infection", "neuromuscular"} & set(f.message.lower().split())]
        assert [f.code for f in about_screening] == ["screening_incomplete"]


@pytest.mark.parametrize("left", QUESTIONS)
def test_three_answered_refuses_naming_the_fourth_only(protocol: Protocol, left: str) -> None:
    session = answered(unscreened(protocol), **{q: Answer.NO for q in QUESTIONS if q != left})
    [refusal] = blockers(session, protocol)
    assert refusal.code == "screening_incomplete"
    assert (
        refusal.message
        == f"Not asked yet: {in_sentence(SCREENING_QUESTIONS[left])}; ask and record each answer before signing."
    )


def test_four_answered_signs(protocol: Protocol) -> None:
    session = answered(unscreened(protocol), **dict.fromkeys(QUESTIONS, Answer.NO))
    assert blockers(session, protocol) == []


def test_an_infection_overridden_with_a_reason_still_signs(protocol: Protocol) -> None:
    session = answered(
        unscreened(protocol), **(dict.fromkeys(QUESTIONS, Answer.NO) | {"infection_at_site": Answer.YES})
    )
    assert [f.code for f in blockers(session, protocol)] == ["contra_infection"]
    overridden = marking.set_override(session, "contra_infection", "Folliculitis at one occipital site; skipped it.")
    assert blockers(overridden, protocol) == []


@pytest.mark.parametrize("answers", list(product(list(Answer), repeat=len(QUESTIONS))))
def test_every_combination_refuses_exactly_when_a_question_is_unasked(
    protocol: Protocol, answers: tuple[Answer, ...]
) -> None:
    session = answered(unscreened(protocol), **dict(zip(QUESTIONS, answers, strict=True)))
    refusals = [f for f in blockers(session, protocol) if f.code == "screening_incomplete"]
    unasked = [q for q, answer in zip(QUESTIONS, answers, strict=True) if answer is Answer.UNASKED]
    assert bool(refusals) is bool(unasked)
    for question in QUESTIONS:
        named = any(in_sentence(SCREENING_QUESTIONS[question]) in f.message for f in refusals)
        assert named is (question in unasked)


def test_the_refusal_blocks_signing_only_never_charting(protocol: Protocol) -> None:
    session = unscreened(protocol)
    assert [f.code for f in blockers(session, protocol)] == ["screening_incomplete"]
    site = session.injections[0].site_id
    skipped = marking.skip(session, protocol, site, "Scar at the site.")
    assert [inj.skipped_reason for inj in skipped.injections if inj.site_id == site] == ["Scar at the site."]
    assert [f.code for f in blockers(skipped, protocol)] == ["screening_incomplete"]


def test_a_draft_ticked_before_the_questions_existed_counts_as_asked_until_one_is_answered(
    protocol: Protocol,
) -> None:
    """A draft charted with the single "contraindications checked" box (before migration 0006) signs as it was;
    answering any question puts it under the four questions."""
    legacy = ready_session(protocol, 1, contraindications_checked=True)
    assert all(answer is Answer.UNASKED for answer in legacy.screening.answers.values())
    assert blockers(legacy, protocol) == []
    one = answered(legacy, hypersensitivity=Answer.NO)
    [refusal] = blockers(one, protocol)
    assert refusal.code == "screening_incomplete" and "hypersensitivity" not in refusal.message
