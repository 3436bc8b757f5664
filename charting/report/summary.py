"""The continuation-of-therapy summary insurers ask for every 6-12 months: the course so far, on paper.

``build_summary`` gathers a frozen ``ContinuationSummary`` from the patient's signed sessions and the domain
(``course.build_course`` for the response, ``interval`` for the next due date); ``render_summary`` lays it out on
the clinic's letterhead: diagnosis, baseline, a table of every signed cycle (its header repeated on each page),
the trend chart, the settings the verdicts were worked out with, the next due date and the injector's signature line.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from charting.domain.course import (
    BASELINE_RECORD,
    FIRST_TREATMENT_VISIT,
    Course,
    build_course,
    response_findings,
    visit_of,
)
from charting.domain.interval import interval_status
from charting.domain.outcomes import threshold_days_text
from charting.domain.people import Clinic, Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Baseline, Patient, Session
from charting.domain.settings import ClinicalSettings
from charting.report.blocks import DENSITIES, Blocks
from charting.report.note import COURSE_NOTICE_CODES
from charting.report.page import ACCENT, BLACK, SHADE, Letterhead, LetterheadDocument, PageSetup
from charting.report.text import Run
from charting.report.trend import trend_drawing
from charting.report.wording import (
    NOT_RECORDED,
    count_text,
    date_text,
    diagnosis_text,
    hit6_text,
    midas_text,
    overuse_text,
    preventives_text,
    units_text,
)

TITLE = "Continuation of therapy: onabotulinumtoxinA for chronic migraine"
DOCUMENT = "Continuation-of-therapy summary"
TABLE_HEAD = ("Cycle", "Date", "Units", "Headache days", "Migraine days", "MIDAS", "HIT-6", "Reduction", "Responder")
NOT_IN_TABLE = "-"
"""A figure not recorded, in the table of cycles."""
CHART_HEIGHT = 150.0
SIGNATURE_LINE = "_" * 44
SIGNING_ROOM = 20.0
"""Space above the signature line for a hand to sign in."""


class SummaryError(ValueError):
    """A summary that cannot be made (a patient with no signed session); the message says what to do."""


@dataclass(frozen=True)
class SummaryCycle:
    """One signed session as a row of the table, formatted."""

    number: str
    performed_on: str
    units: str
    headache_days: str
    migraine_days: str
    midas: str
    hit6: str
    reduction: str
    """The reduction in headache days against baseline ("-" at the first treatment)."""
    responder: str
    """"yes", "no", "first treatment" or "not assessed"."""

    def cells(self) -> tuple[str, ...]:
        """The row's cells in the order of ``TABLE_HEAD``."""
        return (
            self.number,
            self.performed_on,
            self.units,
            self.headache_days,
            self.migraine_days,
            self.midas,
            self.hit6,
            self.reduction,
            self.responder,
        )


@dataclass(frozen=True)
class ContinuationSummary:
    """Everything the summary prints, formatted, with the course the trend chart is drawn from."""

    clinic_name: str
    clinic_address: str
    clinic_phone: str
    patient_name: str
    patient_dob: str
    patient_mrn: str
    diagnosis: str
    baseline: tuple[tuple[str, str], ...]
    cycles: tuple[SummaryCycle, ...]
    course: Course
    threshold_pct: float
    verdict: str
    """The course in a sentence: how many cycles responded and the latest response."""
    course_notices: tuple[str, ...]
    settings_used: tuple[tuple[str, str], ...]
    last_session: str
    next_due: str
    injector: str
    injector_npi: str
    prepared_on: str
    created_at: datetime
    """The PDF's creation date: when the summary was made."""


def _baseline(baseline: Baseline | None, course: Course, settings: ClinicalSettings) -> tuple[tuple[str, str], ...]:
    record = baseline or Baseline()
    days = (
        f"{course.baseline_days} a month (from the {course.baseline_source})"
        if course.baseline_days is not None
        else NOT_RECORDED
    )
    hours = f"{record.headache_hours_per_day:g}" if record.headache_hours_per_day is not None else NOT_RECORDED
    return (
        ("Headache days", days),
        ("Hours a day", hours),
        ("Migraine days", count_text(record.migraine_days)),
        ("Mod./severe days", count_text(record.moderate_severe_days)),
        ("MIDAS", midas_text(record.midas) if record.midas is not None else NOT_RECORDED),
        ("HIT-6", hit6_text(record.hit6) if record.hit6 is not None else NOT_RECORDED),
        ("Failed preventives", preventives_text(record)),
        ("Medication overuse", overuse_text(record, settings)),
    )


def _cell(value: int | None) -> str:
    """A figure in the table; a dash when it was not recorded."""
    return f"{value}" if value is not None else NOT_IN_TABLE


def _row(session: Session, course: Course, number: int) -> SummaryCycle:
    cycle = course.cycles[number - 1]
    outcomes = session.outcomes
    if cycle.number == 1:
        reduction, responder = NOT_IN_TABLE, "first treatment"
    elif cycle.response is None or cycle.response.reduction_pct is None:
        reduction, responder = NOT_IN_TABLE, "not assessed"
    else:
        reduction = f"{cycle.response.reduction_pct:.0f}%"
        responder = "yes" if cycle.response.responder else "no"
    return SummaryCycle(
        number=f"{cycle.number}",
        performed_on=date_text(cycle.performed_on),
        units=units_text(cycle.units),
        headache_days=_cell(cycle.headache_days),
        migraine_days=_cell(outcomes.migraine_days),
        midas=_cell(outcomes.midas),
        hit6=_cell(outcomes.hit6),
        reduction=reduction,
        responder=responder,
    )


def _verdict(course: Course, settings: ClinicalSettings) -> str:
    assessed = course.responses
    if course.baseline_days is None:
        return "The response cannot be assessed: no baseline headache days are recorded."
    if not assessed:
        return "No response assessed yet: headache days are recorded at the visit after each treatment."
    responded = sum(1 for cycle in assessed if cycle.response is not None and cycle.response.responder)
    latest = assessed[-1]
    assert latest.response is not None and latest.response.reduction_pct is not None
    verdict = "a response" if latest.response.responder else "no response"
    return (
        f"{responded} of {len(assessed)} assessed cycles met the {settings.responder_threshold_pct:g}% threshold. "
        f"Latest, cycle {latest.number} on {latest.performed_on.isoformat()}: {latest.headache_days} headache days "
        f"against a baseline of {course.baseline_days}, {latest.response.reduction_pct:.0f}% fewer: {verdict}."
    )


def chart_caption(course: Course) -> str:
    """The words under the trend chart: which baseline the chart and the table use (as ``build_course`` decided),
    and what the dots mean."""
    if course.baseline_source == BASELINE_RECORD:
        baseline = (
            f"The baseline is the baseline record's {course.baseline_days} headache days a month, recorded before "
            "the first treatment; cycle 1's figures, reported at the first treatment, are not assessed against it."
        )
    elif course.baseline_source == FIRST_TREATMENT_VISIT:
        baseline = (
            f"There is no baseline record: the baseline is the {course.baseline_days} headache days reported at the "
            "first treatment (cycle 1), for the month before it."
        )
    else:
        baseline = "No baseline headache days are recorded, so no cycle is assessed."
    return (
        f"Headache days reported at each visit. {baseline} Filled dots met the response threshold, hollow coloured "
        "dots did not; sessions are numbered as in the table."
    )


def _settings_used(settings: ClinicalSettings, baseline_days: int | None) -> tuple[tuple[str, str], ...]:
    threshold = f"{settings.responder_threshold_pct:g}% fewer headache days than baseline"
    if baseline_days is not None:
        threshold += f" ({threshold_days_text(baseline_days, settings.responder_threshold_pct)})"
    return (
        ("Responder threshold", threshold),
        ("Stopping considered", f"after {settings.nonresponse_cycles_to_stop} cycles in a row without a response"),
        (
            "Episodic notice",
            f"below {settings.episodic_days} headache days a month for {settings.episodic_months} months",
        ),
        ("Interval", f"{settings.interval_days} days, due window +/- {settings.due_window_days} days"),
    )


def build_summary(
    patient: Patient,
    sessions: Sequence[Session],
    protocol: Protocol,
    settings: ClinicalSettings,
    *,
    clinic: Clinic | None,
    injector: Injector | None,
    baseline: Baseline | None,
    now: datetime,
) -> ContinuationSummary:
    """The summary of a patient's signed sessions; SummaryError when there is none."""
    signed = sorted((s for s in sessions if s.signed), key=lambda s: (s.performed_on, s.id or 0))
    if not signed:
        raise SummaryError(f"Patient {patient.mrn} has no signed session to summarise; sign a session first.")
    course = build_course(baseline, [visit_of(session) for session in signed], settings)
    latest = signed[-1]
    window = interval_status(latest.performed_on, latest.performed_on, settings)
    return ContinuationSummary(
        clinic_name=clinic.name if clinic is not None else "",
        clinic_address=clinic.address if clinic is not None else "",
        clinic_phone=clinic.phone if clinic is not None else "",
        patient_name=patient.display_name,
        patient_dob=date_text(patient.dob),
        patient_mrn=patient.mrn,
        diagnosis=diagnosis_text(protocol, latest.diagnosis_code or settings.default_diagnosis),
        baseline=_baseline(baseline, course, settings),
        cycles=tuple(_row(session, course, number) for number, session in enumerate(signed, start=1)),
        course=course,
        threshold_pct=settings.responder_threshold_pct,
        verdict=_verdict(course, settings),
        course_notices=tuple(
            finding.statement for finding in response_findings(course, settings) if finding.code in COURSE_NOTICE_CODES
        ),
        settings_used=_settings_used(settings, course.baseline_days),
        last_session=date_text(latest.performed_on),
        next_due=(
            f"{window.earliest_eligible.isoformat()} ({settings.interval_days} days after the last session on "
            f"{latest.performed_on.isoformat()}), due by {window.due_until.isoformat()}"
        ),
        injector=injector.display_name if injector is not None else (latest.injector or NOT_RECORDED),
        injector_npi=injector.npi if injector is not None and injector.npi else "",
        prepared_on=date_text(now.date()),
        created_at=now,
    )


def letterhead(summary: ContinuationSummary) -> Letterhead:
    """The summary's letterhead: the clinic and the patient line with the date it was prepared."""
    who = (
        f"{summary.patient_name}\xa0\xa0 MRN\xa0{summary.patient_mrn}\xa0\xa0 DOB\xa0{summary.patient_dob}\xa0\xa0 "
        f"Prepared\xa0{summary.prepared_on}"
    )
    return Letterhead(
        title=TITLE,
        metadata_title=f"{TITLE} ({summary.patient_mrn})",
        document=DOCUMENT,
        clinic_name=summary.clinic_name,
        clinic_address=summary.clinic_address,
        clinic_phone=summary.clinic_phone,
        patient=who,
        footer=f"{DOCUMENT}, MRN {summary.patient_mrn}, prepared {summary.prepared_on}",
        created_at=summary.created_at,
    )


class _SummaryBuilder(Blocks):
    """Turns the summary into flowables in the named styles (the note's most open density)."""

    def __init__(self, summary: ContinuationSummary, width: float) -> None:
        super().__init__(width, DENSITIES[0])
        self.summary = summary

    def cycles_table(self) -> Table:
        """Each signed cycle's row, the header repeated on every page the table runs to."""
        s = self.summary
        rows = [list(TABLE_HEAD), *(list(cycle.cells()) for cycle in s.cycles)]
        shares = (0.06, 0.13, 0.09, 0.14, 0.14, 0.08, 0.08, 0.11, 0.17)
        table = Table(rows, colWidths=[share * self.width for share in shares], repeatRows=1)
        table.spaceAfter = 3
        size = self.density.cell
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.sans),
                    ("FONTSIZE", (0, 0), (-1, -1), size),
                    ("LEADING", (0, 0), (-1, -1), size * 1.18),
                    ("TEXTCOLOR", (0, 0), (-1, -1), BLACK),
                    ("FONTNAME", (0, 0), (-1, 0), self.bold),
                    ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, SHADE]),
                    ("ALIGN", (2, 0), (7, -1), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    def signature(self) -> list[Flowable]:
        """The injector's name and NPI under a line to sign and date."""
        s = self.summary
        npi = f"NPI {s.injector_npi}" if s.injector_npi else "NPI not recorded"
        return [
            self.section("Injector"),
            Spacer(1, SIGNING_ROOM),
            self.p(
                Run("Signature ", self.bold, BLACK),
                f"{SIGNATURE_LINE}\xa0\xa0\xa0",
                Run("Date ", self.bold, BLACK),
                SIGNATURE_LINE[:20],
            ),
            self.p(f"{s.injector}, {npi}. Summary prepared {s.prepared_on}.", style="Small"),
        ]

    def story(self) -> list[Flowable]:
        """Everything the summary prints, in order."""
        s = self.summary
        chart = trend_drawing(s.course, s.threshold_pct, width=self.width, height=CHART_HEIGHT)
        legend = self.p(chart_caption(s.course), style="Small")
        return [
            self.pairs([("Diagnosis", s.diagnosis), ("Last session", s.last_session), ("Next due", s.next_due)]),
            self.section("Baseline before the first treatment"),
            self.pairs(s.baseline),
            self.section("Treatment cycles (signed sessions)"),
            self.cycles_table(),
            self.labelled("Response:", " ".join((s.verdict, *s.course_notices))),
            KeepTogether([self.section("Headache days per cycle"), chart, legend]),
            KeepTogether([self.section("Settings used"), self.pairs(s.settings_used)]),
            KeepTogether(self.signature()),
        ]


def render_summary(summary: ContinuationSummary, *, paper: str = "letter") -> bytes:
    """The summary as PDF bytes on US Letter or A4, on as many pages as its table needs."""
    page = PageSetup.of(letterhead(summary), paper)
    buffer = io.BytesIO()
    document = LetterheadDocument(buffer, page)
    document.build_pdf(_SummaryBuilder(summary, document.width).story())
    return buffer.getvalue()
