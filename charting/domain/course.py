"""The treatment course: each cycle's headache days against the baseline, and when to reconsider treatment.

A visit records the headache days of the last 28-30 days. The figures at the first treatment describe the month
before any treatment; each later visit's figures are the response to the cycle before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from charting.domain.outcomes import CycleResponse, cycle_response, should_consider_stopping
from charting.domain.rules import Finding, Level
from charting.domain.session import Baseline, Session, Visit
from charting.domain.settings import ClinicalSettings

REPORT_DAYS = 30
"""The days a visit's headache figures cover (the last 28-30 days of the diary)."""
BASELINE_RECORD = "baseline record"
"""``Course.baseline_source`` when the baseline is the patient's baseline record."""
FIRST_TREATMENT_VISIT = "first treatment visit"
"""``Course.baseline_source`` when there is no baseline record and the first treatment's figures stand in."""


@dataclass(frozen=True)
class Cycle:
    """One treatment in the course: its date and dose, and the response reported at it against the baseline."""

    number: int
    performed_on: date
    units: float
    headache_days: int | None
    response: CycleResponse | None
    """None at the first treatment (its figures are the baseline month) and when no figure was recorded."""


@dataclass(frozen=True)
class Course:
    """A patient's treatment course: the baseline headache days and the cycles, oldest first."""

    baseline_days: int | None
    baseline_source: str
    """Where the baseline came from: ``BASELINE_RECORD``, ``FIRST_TREATMENT_VISIT``, or "" when there is none."""
    cycles: tuple[Cycle, ...]

    @property
    def responses(self) -> list[Cycle]:
        """The cycles with a response worked out, oldest first."""
        return [cycle for cycle in self.cycles if cycle.response is not None]


def visit_of(session: Session) -> Visit:
    """A session as the course sees it."""
    return Visit(session.performed_on, session.units_administered, session.outcomes.headache_days)


def build_course(baseline: Baseline | None, visits: Sequence[Visit], settings: ClinicalSettings) -> Course:
    """The course from the baseline record and the visits, oldest first (the first visit is the first treatment).

    The baseline is the baseline record's headache days; without one, the figures recorded at the first treatment
    (the month before it).
    """
    ordered = sorted(visits, key=lambda visit: visit.performed_on)
    baseline_days: int | None = None
    source = ""
    if baseline is not None and baseline.headache_days is not None:
        baseline_days, source = baseline.headache_days, BASELINE_RECORD
    elif ordered and ordered[0].headache_days is not None:
        baseline_days, source = ordered[0].headache_days, FIRST_TREATMENT_VISIT
    cycles = []
    for number, visit in enumerate(ordered, start=1):
        response = None
        if number > 1 and visit.headache_days is not None and baseline_days:  # a zero baseline has no reduction
            response = cycle_response(baseline_days, visit.headache_days, settings)
        cycles.append(Cycle(number, visit.performed_on, visit.units, visit.headache_days, response))
    return Course(baseline_days, source, tuple(cycles))


def nonresponding_run(course: Course, settings: ClinicalSettings) -> list[Cycle]:
    """The latest assessed cycles that did not respond, all of them, when there are at least as many in a row as the
    stopping setting (2) asks."""
    responded = course.responses
    if not should_consider_stopping([cycle.response for cycle in responded if cycle.response is not None], settings):
        return []
    run: list[Cycle] = []
    for cycle in reversed(responded):
        if cycle.response is None or cycle.response.responder:
            break
        run.insert(0, cycle)
    return run


def episodic_run(course: Course, settings: ClinicalSettings) -> list[Cycle]:
    """The latest reports in a row below the episodic threshold (15 days), when they cover the setting's months (3).

    Each report covers the 30 days before its visit, so a run covers from 30 days before its first report to its
    last; reports 12 weeks apart cover the months between them.
    """
    run: list[Cycle] = []
    for cycle in reversed(course.responses):
        if cycle.headache_days is None or cycle.headache_days >= settings.episodic_days:
            break
        run.insert(0, cycle)
    if not run or settings.episodic_months <= 0:
        return []
    covered = (run[-1].performed_on - (run[0].performed_on - timedelta(days=REPORT_DAYS))).days
    return run if covered >= settings.episodic_months * REPORT_DAYS else []


def _days_list(cycles: Sequence[Cycle]) -> str:
    days = [f"{cycle.headache_days}" for cycle in cycles]
    return days[0] if len(days) == 1 else ", ".join(days[:-1]) + f" and {days[-1]}"


def response_findings(course: Course, settings: ClinicalSettings) -> list[Finding]:
    """This visit's response, and the notices to reconsider treatment (no response in a row; episodic again)."""
    if not course.cycles:
        return []
    current = course.cycles[-1]
    findings = []
    if current.number > 1:
        if course.baseline_days is None:
            findings.append(
                Finding(
                    Level.WARNING,
                    "baseline_missing_response",
                    "The response cannot be worked out without a baseline; record the baseline headache days in the "
                    "patient's record.",
                )
            )
        elif current.headache_days is None:
            findings.append(
                Finding(
                    Level.WARNING,
                    "outcomes_missing",
                    "Headache days are not recorded for this visit; record them from the diary so the response can "
                    "be worked out.",
                )
            )
        elif current.response is not None and current.response.reduction_pct is not None:
            verdict = "a response" if current.response.responder else "no response"
            findings.append(
                Finding(
                    Level.INFO if current.response.responder else Level.WARNING,
                    "response",
                    f"{current.headache_days} headache days against a baseline of {course.baseline_days}: "
                    f"{current.response.reduction_pct:.0f}% fewer, {verdict} "
                    f"(threshold {settings.responder_threshold_pct:g}%).",
                )
            )
    stopping = nonresponding_run(course, settings)
    if stopping:
        reductions = ", ".join(
            f"{cycle.response.reduction_pct:.0f}%"
            for cycle in stopping
            if cycle.response is not None and cycle.response.reduction_pct is not None
        )
        findings.append(
            Finding(
                Level.WARNING,
                "consider_stopping",
                f"Consider stopping treatment: {len(stopping)} cycles in a row without a response ({reductions} "
                f"fewer headache days than the baseline of {course.baseline_days}, below the "
                f"{settings.responder_threshold_pct:g}% threshold); discuss it with the patient and record the "
                "decision in the comments.",
            )
        )
    episodic = episodic_run(course, settings)
    if episodic:
        findings.append(
            Finding(
                Level.WARNING,
                "episodic_now",
                f"Below {settings.episodic_days} headache days a month for {settings.episodic_months} months or more "
                f"(reports of {_days_list(episodic)} days since "
                f"{(episodic[0].performed_on - timedelta(days=REPORT_DAYS)).isoformat()}); reconsider whether "
                "treatment is still needed and record the decision in the comments.",
            )
        )
    return findings
