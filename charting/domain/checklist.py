"""The session's checklist: every rule about the session and about the patient's course, with the overrides applied.

Before the procedure the injector sees eligibility, the screening questions, the interval, the product and the
response so far. None of it blocks charting; refusals block signing until resolved, or, for the clinical judgements
in ``OVERRIDABLE``, overridden with a recorded reason that the note prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from charting.domain.course import build_course, response_findings, visit_of
from charting.domain.eligibility import eligibility_findings
from charting.domain.interval import interval_findings
from charting.domain.protocol import Protocol, in_sentence
from charting.domain.rules import Finding, Level, by_level, evaluate
from charting.domain.session import (
    SCREENING_QUESTIONS,
    Answer,
    Baseline,
    Override,
    Screening,
    Session,
    SignedContext,
)
from charting.domain.settings import ClinicalSettings

CONTRAINDICATIONS = {
    "infection_at_site": "contra_infection",
    "hypersensitivity": "contra_hypersensitivity",
}
"""Screening questions whose "yes" is a contraindication (a refusal), by question, with the finding's code."""
CAUTIONS = {
    "neuromuscular_disease": "caution_neuromuscular",
    "other_toxin_12_weeks": "caution_other_toxin",
}
"""Screening questions whose "yes" is a caution (a warning)."""
OVERRIDABLE = frozenset({"age", "episodic", "hours", "contra_infection"})
"""Refusals that are a clinician's judgement: signing may proceed past them with a recorded reason (an infection at
one site: the site is skipped). Hypersensitivity to a botulinum toxin is absolute on the label, and refusals about the
record itself (consent, time-out, an expired lot, doses, dates) must be resolved instead."""


def screening_findings(screening: Screening) -> list[Finding]:
    """A "yes" to a contraindication refuses, to a caution warns (questions left unasked: ``procedure_findings``)."""
    return [
        _answered_yes(question, code)
        for question, code in (CONTRAINDICATIONS | CAUTIONS).items()
        if screening.answers[question] is Answer.YES
    ]


def _answered_yes(question: str, code: str) -> Finding:
    """The finding of a "yes": a contraindication refuses (overridable ones say how), a caution warns."""
    asked = in_sentence(SCREENING_QUESTIONS[question])
    if question in CAUTIONS:
        return Finding(
            Level.WARNING,
            code,
            f"Caution: {asked}; weigh the risk of weakness and spread, and note it in the comments.",
        )
    what_to_do = (
        "do not inject the affected sites (skip them), and override with the clinical reason."
        if code in OVERRIDABLE
        else "do not inject (botulinum toxin is contraindicated)."
    )
    return Finding(Level.REFUSAL, code, f"Contraindication: {asked}; {what_to_do}")


def apply_overrides(findings: Sequence[Finding], overrides: Sequence[Override]) -> list[Finding]:
    """Overridable refusals with a recorded reason become warnings that name the reason."""
    reasons = {override.code: override.reason.strip() for override in overrides if override.reason.strip()}
    return [
        replace(finding, level=Level.WARNING, message=f"{finding.statement} Overridden: {reasons[finding.code]}")
        if finding.level is Level.REFUSAL and finding.code in OVERRIDABLE and finding.code in reasons
        else finding
        for finding in findings
    ]


def overrides_in_force(
    session: Session, context: SignedContext | None, protocol: Protocol, settings: ClinicalSettings
) -> list[Override]:
    """The session's overrides that answer a refusal of this session (stale ones are kept but not printed)."""
    raw = _raw_findings(session, protocol, settings, None, context)
    refused = {finding.code for finding in raw if finding.level is Level.REFUSAL and finding.code in OVERRIDABLE}
    return [override for override in session.overrides if override.code in refused and override.reason.strip()]


def course_findings(session: Session, context: SignedContext, settings: ClinicalSettings) -> list[Finding]:
    """The patient's eligibility, the interval since the last session and the response so far."""
    eligibility = [
        finding
        for finding in eligibility_findings(
            context.patient.dob, session.performed_on, context.baseline or Baseline(), settings
        )
        if finding.code != "dob_future"  # the session's own rule refuses a date of service before birth
    ]
    course = build_course(context.baseline, [*context.earlier_visits, visit_of(session)], settings)
    return [
        *eligibility,
        *interval_findings(context.previous_session_date, session.performed_on, settings, session.interval_reason),
        *response_findings(course, settings),
    ]


def _raw_findings(
    session: Session,
    protocol: Protocol,
    settings: ClinicalSettings,
    now: datetime | None,
    context: SignedContext | None,
) -> list[Finding]:
    patient = context.patient if context is not None else None
    return [
        *evaluate(session, protocol, settings, now, patient),
        *screening_findings(session.screening),
        *(course_findings(session, context, settings) if context is not None else []),
    ]


def evaluate_visit(
    session: Session,
    protocol: Protocol,
    settings: ClinicalSettings,
    now: datetime | None,
    context: SignedContext | None,
) -> tuple[Finding, ...]:
    """Every finding for the session at this visit, refusals first, with the recorded overrides applied.

    ``context`` is the patient's record as the note sees it (patient, baseline, earlier visits); without it only the
    session's own rules apply.
    """
    return by_level(*apply_overrides(_raw_findings(session, protocol, settings, now, context), session.overrides))
