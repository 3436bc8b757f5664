"""The procedure note as a frozen value: everything the printed note shows, already worded and formatted.

``build_note`` gathers it from the session and the domain (totals, billing, rules, interval, outcomes); the
renderer only lays it out, so every figure on the page is tested here, field by field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from charting.domain.billing import BillingLine, billing_lines, dilution_figure, units_opened
from charting.domain.checklist import evaluate_visit, overrides_in_force
from charting.domain.clock import aware
from charting.domain.course import Course, build_course, response_findings, visit_of
from charting.domain.eligibility import Baseline, age_on
from charting.domain.interval import INTERVAL_EARLY, INTERVAL_EXPLAINED, earliest_eligible, interval_status
from charting.domain.marking import adverse_event_text
from charting.domain.people import Addendum, Clinic, Injector
from charting.domain.protocol import SIDES, BillingCodes, Protocol, View
from charting.domain.rules import CAP_CODES, Finding, cap_findings
from charting.domain.session import SCREENING_QUESTIONS, Answer, Kind, Patient, Session, SignedContext, Visit
from charting.domain.settings import ClinicalSettings
from charting.domain.totals import compute_totals
from charting.report.wording import (
    NOT_RECORDED,
    count_text,
    date_text,
    datetime_text,
    diagnosis_text,
    hit6_text,
    midas_text,
    overuse_text,
    preventives_text,
    units_text,
)

DRAFT_MARK = "DRAFT - not signed"
DEVIATION_CODES = CAP_CODES
"""Findings the note lists as deviations from the protocol: caps exceeded, with the reason recorded (if any)."""
NOTICE_CODES = frozenset(
    {
        "above_label_dose",
        "units_non_default",
        "units_step",
        "dilution_non_standard",
        "product_cosmetic",
        "reconstitution_old",
        INTERVAL_EARLY,
        INTERVAL_EXPLAINED,
    }
)
"""Findings the note lists as notices: within the protocol's range or beside it, but worth a reader's attention."""
COURSE_NOTICE_CODES = ("consider_stopping", "episodic_now")
"""The course's notices to reconsider treatment, printed beside the response as facts."""
ANSWER_TEXT = {Answer.NO: "no", Answer.YES: "YES", Answer.UNASKED: "not asked"}
"""A screening answer as printed: a "yes" stands out."""


def yes_no(value: bool) -> str:
    """Yes or No, for the checklist items."""
    return "Yes" if value else "No"


@dataclass(frozen=True)
class NoteView:
    """One drawing of the head: its label and the SVG file of the protocol."""

    id: str
    label: str
    diagram: str
    width: float
    height: float
    viewer_left: str
    """The patient's side on the viewer's left ('R' on the front view, 'L' on the back), '' for a profile."""
    viewer_right: str


@dataclass(frozen=True)
class NoteMark:
    """A marker on a view: a protocol site (injected, skipped or not given) or a follow-the-pain site."""

    site_id: str
    view: str
    x: float
    y: float
    label: str
    """The units printed inside the marker ('5'), empty when nothing was injected there."""
    state: str
    """One of ``injected``, ``ftp``, ``skipped`` or ``not_given``."""


@dataclass(frozen=True)
class MuscleRow:
    """One line of the table by muscle: sites and units by side against the protocol."""

    muscle: str
    left: str
    right: str
    midline: str
    total: str
    protocol: str
    ftp_sites: int


@dataclass(frozen=True)
class NoteBillingLine:
    """A claim line as printed."""

    code: str
    units: str
    description: str
    """The code's full description, from the protocol file."""
    meaning: str
    """What the line bills, in two or three words: procedure, administered, discarded (waste), no waste."""


@dataclass(frozen=True)
class NoteAddendum:
    """An addendum written after signing."""

    author: str
    written_at: str
    text: str


@dataclass(frozen=True)
class ProcedureNote:
    """Everything the printed note carries, formatted; tuples of strings and small frozen rows only."""

    title: str
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    patient_name: str
    patient_dob: str
    patient_age: str
    patient_mrn: str
    patient_allergies: str
    date_of_service: str
    injector: str
    injector_npi: str
    diagnosis: str
    indication: tuple[tuple[str, str], ...]
    procedure_checks: tuple[tuple[str, str], ...]
    product: tuple[tuple[str, str], ...]
    views: tuple[NoteView, ...]
    marks: tuple[NoteMark, ...]
    muscle_rows: tuple[MuscleRow, ...]
    total_row: MuscleRow
    ftp_sites: tuple[str, ...]
    skipped_sites: tuple[str, ...]
    deviations: tuple[str, ...]
    deviation_reason: str
    overrides: tuple[str, ...]
    """Refusals the injector proceeded past, each with the recorded reason."""
    notices: tuple[str, ...]
    """Findings within or beside the protocol (above the label dose, a non-standard dilution...), worded as facts."""
    units_administered: str
    units_wasted: str
    units_opened: str
    volume: str
    sites_injected: str
    billing: tuple[NoteBillingLine, ...]
    adverse_events: tuple[str, ...]
    instructions: tuple[str, ...]
    outcomes: tuple[tuple[str, str], ...]
    response: str
    course_notices: tuple[str, ...]
    """"Consider stopping" and the episodic notice, as facts, when the course calls for them."""
    interval: str
    next_due: str
    comments: str
    is_draft: bool
    signature: str
    content_sha256: str
    addenda: tuple[NoteAddendum, ...]
    printed_at: str
    created_at: datetime
    """The PDF's creation date: the signing time of a signed note, so that a reprint is identical."""
    document_id: str
    """A stable identifier of the note (session id and content hash), printed in the footer."""


def _muscle_cell(units: float, sites: int) -> str:
    return f"{units_text(units)} ({sites})" if sites else "-"


def _billing(line: BillingLine, codes: BillingCodes) -> NoteBillingLine:
    if line.code == codes.procedure_code:
        meaning = "procedure"
    elif line.modifier == codes.waste_modifier:
        meaning = "units discarded (waste)"
    elif line.modifier == codes.no_waste_modifier:
        meaning = "units administered, no waste"
    else:
        meaning = "units administered"
    return NoteBillingLine(code=line.label, units=f"{line.units:g}", description=line.description, meaning=meaning)


def _indication(baseline: Baseline | None, settings: ClinicalSettings) -> tuple[tuple[str, str], ...]:
    if baseline is None:
        return (("Baseline", "not recorded"),)
    days = f"{baseline.headache_days} a month (baseline)" if baseline.headache_days is not None else NOT_RECORDED
    hours = f"{baseline.headache_hours_per_day:g}" if baseline.headache_hours_per_day is not None else NOT_RECORDED
    return (
        ("Headache days", days),
        ("Hours a day", hours),
        ("Failed preventives", preventives_text(baseline)),
        ("Medication overuse", overuse_text(baseline, settings)),
        *_baseline_outcomes(baseline),
    )


def _baseline_outcomes(baseline: Baseline) -> tuple[tuple[str, str], ...]:
    """The baseline's migraine days, MIDAS and HIT-6, those recorded only."""
    rows = []
    if baseline.migraine_days is not None:
        rows.append(("Migraine days", f"{baseline.migraine_days} a month (baseline)"))
    if baseline.midas is not None:
        rows.append(("Baseline MIDAS", midas_text(baseline.midas)))
    if baseline.hit6 is not None:
        rows.append(("Baseline HIT-6", hit6_text(baseline.hit6)))
    return tuple(rows)


def _product(session: Session, protocol: Protocol, concentration: float | None) -> tuple[tuple[str, str], ...]:
    product = next((p for p in protocol.products if p.id == session.product_id), None)
    name = product.name if product is not None else NOT_RECORDED
    ndc = product.ndc if product is not None and product.ndc else NOT_RECORDED
    vials = f"{session.vials_opened} x {session.vial_units} U vial" + ("s" if session.vials_opened != 1 else "")
    if concentration is None:
        dilution = NOT_RECORDED
    else:
        per_site = concentration * protocol.volume_per_site_ml
        dilution = (
            f"{session.saline_ml:g} mL per vial of preservative-free 0.9% saline: {dilution_figure(concentration)} U/mL "
            f"({dilution_figure(per_site)} U per {protocol.volume_per_site_ml:g} mL)"
        )
    return (
        ("Product", name),
        ("NDC", ndc),
        ("Vials opened", vials if session.vial_units else NOT_RECORDED),
        ("Lot / expiry", f"{session.lot_number or NOT_RECORDED} / {date_text(session.lot_expiry)}"),
        ("Reconstitution", dilution),
        ("Reconstituted at", datetime_text(session.reconstituted_at)),
        ("Needle", session.needle or NOT_RECORDED),
    )


def _view(protocol: Protocol, view: View) -> NoteView:
    """A view with its L/R letters, worked out from where the protocol puts its left and right sites."""
    sites = protocol.sites_in_view(view.id)
    left = [site.x for site in sites if site.side == "left"]
    right = [site.x for site in sites if site.side == "right"]
    if left and right:
        left_on_left = sum(left) / len(left) < sum(right) / len(right)
        letters = ("L", "R") if left_on_left else ("R", "L")
    else:
        letters = ("", "")
    return NoteView(view.id, view.label, view.diagram, view.width, view.height, *letters)


def _marks(session: Session, protocol: Protocol) -> tuple[NoteMark, ...]:
    marks = []
    for site in protocol.sites:
        injection = session.injection(site.id)
        if injection is None:
            marks.append(NoteMark(site.id, site.view, site.x, site.y, "", "not_given"))
        elif injection.skipped:
            marks.append(NoteMark(site.id, site.view, site.x, site.y, "", "skipped"))
        else:
            marks.append(NoteMark(site.id, site.view, site.x, site.y, f"{injection.units:g}", "injected"))
    for injection in sorted(session.injections, key=lambda inj: inj.site_id):
        if injection.kind is Kind.FTP and not injection.skipped:
            marks.append(
                NoteMark(injection.site_id, injection.view, injection.x, injection.y, f"{injection.units:g}", "ftp")
            )
    return tuple(marks)


def _ftp_sites(session: Session, protocol: Protocol) -> tuple[str, ...]:
    """Follow-the-pain sites by muscle and side, counted with their units: "Temporalis: 2 left (10 U), 1 right (5 U)"."""
    lines = []
    for muscle in protocol.muscles:
        sides = []
        for side in SIDES:
            given = [
                inj
                for inj in session.injections
                if inj.muscle == muscle.id and inj.side == side and inj.kind is Kind.FTP and not inj.skipped
            ]
            if given:
                sides.append(f"{len(given)} {side} ({units_text(sum(inj.units for inj in given))})")
        if sides:
            lines.append(f"{muscle.label}: {', '.join(sides)}")
    return tuple(lines)


def _deviations(session: Session, protocol: Protocol) -> tuple[str, ...]:
    """Caps exceeded, each as a fact; the recorded reason prints once beside them, so a line names it only when
    there is none."""
    unexcused = cap_findings(replace(session, deviation_reason=""), protocol)
    recorded = bool(session.deviation_reason.strip())
    return tuple(
        finding.statement if recorded else f"{finding.statement[:-1]}: no deviation reason recorded."
        for finding in unexcused
        if finding.code in DEVIATION_CODES
    )


def _notices(
    findings: Sequence[Finding],
    session: Session,
    protocol: Protocol,
    *,
    settings: ClinicalSettings,
    previous_session_date: date | None,
    now: datetime | None,
) -> tuple[str, ...]:
    """The notices, each a fact about the session: never an instruction to the person charting it."""
    notices = []
    for finding in findings:
        if finding.code not in NOTICE_CODES:
            continue
        if finding.code == "product_cosmetic":
            product = protocol.product(session.product_id)
            notices.append(f"{product.name} is a cosmetic product; insurers do not pay for it for migraine.")
        elif finding.code == "reconstitution_old" and now is not None and session.reconstituted_at is not None:
            hours = (aware(now) - aware(session.reconstituted_at)).total_seconds() / 3600
            when = "signing" if session.signed else "printing"
            notices.append(
                f"Reconstituted {hours:.0f} hours before {when}, more than the {settings.reconstitution_hours} "
                "hours allowed."
            )
        elif finding.code in {INTERVAL_EARLY, INTERVAL_EXPLAINED} and previous_session_date is not None:
            status = interval_status(previous_session_date, session.performed_on, settings)
            reason = session.interval_reason.strip()
            notices.append(
                f"Only {status.days_since} days since the previous session on {previous_session_date.isoformat()}, "
                f"before the {settings.interval_days}-day interval payers generally require; "
                + (f"reason recorded: {reason}." if reason else "no reason recorded.")
            )
        else:
            notices.append(finding.statement)
    return tuple(notices)


def _outcomes(session: Session) -> tuple[tuple[str, str], ...]:
    o = session.outcomes
    rows: list[tuple[str, str]] = []

    rows.append(("Headache days", count_text(o.headache_days)))
    rows.append(("Migraine days", count_text(o.migraine_days)))
    rows.append(("Mod./severe days", count_text(o.moderate_severe_days)))
    rows.append(("Acute med. days", count_text(o.acute_medication_days)))
    rows.append(("MIDAS", midas_text(o.midas) if o.midas is not None else NOT_RECORDED))
    rows.append(("HIT-6", hit6_text(o.hit6) if o.hit6 is not None else NOT_RECORDED))
    return tuple(rows)


def note_course(session: Session, context: SignedContext, settings: ClinicalSettings) -> Course:
    """The treatment course up to this visit: the baseline, the earlier signed visits and this one.

    A session signed before earlier visits were kept in its context names only its previous session's date: that
    session stands in as a visit without figures, so this visit still counts as a later cycle.
    """
    earlier = list(context.earlier_visits)
    if not earlier and context.previous_session_date is not None:
        earlier = [Visit(context.previous_session_date, 0.0)]
    return build_course(context.baseline, [*earlier, visit_of(session)], settings)


def _response(course: Course, settings: ClinicalSettings) -> str:
    current = course.cycles[-1]
    if course.baseline_days is None:
        return "Response not assessed: no baseline headache days recorded."
    if current.number == 1:
        return (
            f"First treatment: no response to assess yet (baseline {course.baseline_days} headache days a month, "
            f"from the {course.baseline_source})."
        )
    if current.headache_days is None:
        return f"Response not assessed: headache days not recorded at this visit (baseline {course.baseline_days})."
    response = current.response
    if response is None or response.reduction_pct is None:
        return "Response not assessed: the baseline is zero headache days."
    verdict = "responder" if response.responder else "not a responder"
    return (
        f"{current.headache_days} headache days against a baseline of {course.baseline_days}: "
        f"{response.reduction_pct:.0f}% reduction, {verdict} (threshold {settings.responder_threshold_pct:g}%)."
    )


def _course_notices(course: Course, settings: ClinicalSettings) -> tuple[str, ...]:
    return tuple(
        finding.statement for finding in response_findings(course, settings) if finding.code in COURSE_NOTICE_CODES
    )


def _screening(session: Session, protocol: Protocol) -> tuple[str, str]:
    """The screening answers; a session charted before they were asked one by one prints its single checkbox."""
    answers = session.screening.answers
    if any(answer is not Answer.UNASKED for answer in answers.values()):
        return "Screening", "; ".join(
            f"{SCREENING_QUESTIONS[question]}: {ANSWER_TEXT[answer]}" for question, answer in answers.items()
        )
    if session.contraindications_checked:
        return "Contraindications", f"checked: {'; '.join(c.lower() for c in protocol.contraindications)}"
    return "Contraindications", "NOT checked"


def _overrides(
    session: Session, context: SignedContext, protocol: Protocol, settings: ClinicalSettings, now: datetime | None
) -> tuple[str, ...]:
    """Each override in force: the refusal it answers, as a fact, and the recorded reason."""
    in_force = overrides_in_force(session, context, protocol, settings)
    if not in_force:
        return ()
    refusals = {
        finding.code: finding
        for finding in evaluate_visit(replace(session, overrides=()), protocol, settings, now, context)
    }
    return tuple(
        f"{refusals[override.code].statement} Reason recorded: {override.reason.strip().rstrip('.')}."
        for override in in_force
        if override.code in refusals
    )


def _comparable(now: datetime | None, other: datetime | None) -> datetime | None:
    """``now`` made comparable with ``other``: wall-clock time when only one of them carries a time zone."""
    if now is None or other is None or (now.tzinfo is None) == (other.tzinfo is None):
        return now
    return now.replace(tzinfo=None) if other.tzinfo is None else now.replace(tzinfo=other.tzinfo)


def _signature(session: Session) -> str:
    if not session.signed:
        return DRAFT_MARK
    return f"Electronically signed by {session.signed_by} on {datetime_text(session.signed_at)}"


def build_note(  # noqa: PLR0917 - the positional signature is the report contract
    session: Session,
    patient: Patient,
    protocol: Protocol,
    clinic: Clinic | None,
    injector: Injector | None,
    addenda: tuple[Addendum, ...] | list[Addendum],
    *,
    settings: ClinicalSettings,
    baseline: Baseline | None = None,
    previous_session_date: date | None = None,
    earlier_visits: Sequence[Visit] = (),
    printed_at: datetime | None = None,
    audit_sha256: str = "",
) -> ProcedureNote:
    """Gather everything the note prints from the session, the patient and the domain's rules.

    The findings are the visit's checklist (``checklist.evaluate_visit``) over the note's context: the patient,
    baseline, previous session and ``earlier_visits`` (the patient's other signed sessions up to this one).
    """
    totals = compute_totals(session, protocol)
    opened = units_opened(session.vial_units, session.vials_opened)
    lines = billing_lines(protocol.billing, totals.total_units, totals.units_wasted)
    reason = session.deviation_reason.strip()
    now = _comparable(session.signed_at if session.signed else printed_at, session.reconstituted_at)
    context = SignedContext(
        patient=patient,
        clinic=clinic,
        injector=injector,
        baseline=baseline,
        previous_session_date=previous_session_date,
        settings=settings,
        earlier_visits=tuple(earlier_visits),
    )
    findings = evaluate_visit(session, protocol, settings, now, context)
    course = note_course(session, context, settings)
    rows = tuple(
        MuscleRow(
            muscle=m.label,
            left=_muscle_cell(m.left_units, m.left_sites),
            right=_muscle_cell(m.right_units, m.right_sites),
            midline=_muscle_cell(m.midline_units, m.midline_sites),
            total=_muscle_cell(m.units, m.sites),
            protocol=f"{units_text(m.protocol_units)} ({m.protocol_sites})",
            ftp_sites=m.ftp_sites,
        )
        for m in totals.muscles
    )
    total_row = MuscleRow(
        muscle="Total",
        left=_muscle_cell(totals.left_units, sum(m.left_sites for m in totals.muscles)),
        right=_muscle_cell(totals.right_units, sum(m.right_sites for m in totals.muscles)),
        midline=_muscle_cell(totals.midline_units, sum(m.midline_sites for m in totals.muscles)),
        total=_muscle_cell(totals.total_units, totals.total_sites),
        protocol=f"{units_text(protocol.label_dose_units)} ({len(protocol.sites)})",
        ftp_sites=totals.ftp_sites,
    )
    ftp = _ftp_sites(session, protocol)
    skipped = tuple(
        f"{protocol.site_name(inj.site_id, capital=True)}: {inj.skipped_reason}"
        for inj in sorted(session.injections, key=lambda inj: inj.site_id)
        if inj.skipped
    )
    diagnosis_code = session.diagnosis_code or settings.default_diagnosis
    if previous_session_date is None:
        interval = "First session recorded (no previous session)."
    else:
        status = interval_status(previous_session_date, session.performed_on, settings)
        # An early session's reason prints once, in its notice.
        interval = f"{status.days_since} days since the previous session on {previous_session_date.isoformat()}."
    due = earliest_eligible(session.performed_on, settings)
    window = interval_status(session.performed_on, session.performed_on, settings)
    next_due = (
        f"{due.isoformat()} ({settings.interval_days} days after this session), due by {window.due_until.isoformat()}"
    )
    events = tuple(adverse_event_text(event) for event in session.adverse_events)
    checks = (
        ("Consent obtained", yes_no(session.consent)),
        ("Time-out performed", yes_no(session.time_out)),
        _screening(session, protocol),
    )
    created_at = (
        session.signed_at
        if session.signed and session.signed_at is not None
        else printed_at or datetime.combine(session.performed_on, datetime.min.time())
    )
    document_id = f"session {session.id if session.id is not None else '-'}"
    if session.content_sha256:
        document_id += f", content {session.content_sha256[:12]}"
    if audit_sha256:
        document_id += f", audit {audit_sha256[:12]}"
    return ProcedureNote(
        title=f"Procedure note: onabotulinumtoxinA for chronic migraine ({protocol.name})",
        clinic_name=clinic.name if clinic is not None else "",
        clinic_address=clinic.address if clinic is not None else "",
        clinic_phone=clinic.phone if clinic is not None else "",
        patient_name=patient.display_name,
        patient_dob=date_text(patient.dob),
        patient_age=f"{age_on(patient.dob, session.performed_on)} y",
        patient_mrn=patient.mrn,
        patient_allergies=patient.allergies or "none recorded",
        date_of_service=date_text(session.performed_on),
        injector=injector.display_name if injector is not None else (session.injector or NOT_RECORDED),
        injector_npi=injector.npi if injector is not None and injector.npi else "",
        diagnosis=diagnosis_text(protocol, diagnosis_code),
        indication=_indication(baseline, settings),
        procedure_checks=checks,
        product=_product(session, protocol, totals.concentration),
        views=tuple(_view(protocol, view) for view in protocol.views),
        marks=_marks(session, protocol),
        muscle_rows=rows,
        total_row=total_row,
        ftp_sites=ftp,
        skipped_sites=skipped,
        deviations=_deviations(session, protocol),
        deviation_reason=reason,
        overrides=_overrides(session, context, protocol, settings, now),
        notices=_notices(
            findings, session, protocol, settings=settings, previous_session_date=previous_session_date, now=now
        ),
        units_administered=units_text(totals.total_units),
        units_wasted=units_text(totals.units_wasted),
        units_opened=units_text(opened),
        volume=f"{totals.volume_ml:.2f} mL" if totals.volume_ml is not None else NOT_RECORDED,
        sites_injected=f"{totals.total_sites}",
        billing=tuple(_billing(line, protocol.billing) for line in lines),
        adverse_events=events,
        instructions=protocol.post_procedure_instructions,
        outcomes=_outcomes(session),
        response=_response(course, settings),
        course_notices=_course_notices(course, settings),
        interval=interval,
        next_due=next_due,
        comments=session.comments.strip(),
        is_draft=not session.signed,
        signature=_signature(session),
        content_sha256=session.content_sha256 if session.signed else "",
        addenda=tuple(
            NoteAddendum(author=a.author, written_at=datetime_text(a.created_at), text=a.text)
            for a in sorted(addenda, key=lambda a: a.created_at)
        ),
        printed_at=datetime_text(printed_at) if printed_at is not None and not session.signed else "",
        created_at=created_at,
        document_id=document_id,
    )
