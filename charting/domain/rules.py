"""The protocol's rules as functions returning findings: a level and a sentence that says what to do."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from charting.domain.billing import concentration_units_per_ml, dilution_figure, units_opened
from charting.domain.clock import aware
from charting.domain.protocol import Protocol, in_sentence
from charting.domain.session import SCREENING_QUESTIONS, Answer, Kind, Patient, Session
from charting.domain.settings import ClinicalSettings


class Level(StrEnum):
    """How much a finding matters: info notes, a warning asks for a look, a refusal blocks signing."""

    INFO = "info"
    WARNING = "warning"
    REFUSAL = "refusal"


@dataclass(frozen=True)
class Finding:
    """One rule's verdict: level, a stable code, and a sentence for the user."""

    level: Level
    code: str
    message: str
    site_id: str = ""

    @property
    def statement(self) -> str:
        """The fact alone, for a printed note: messages read "fact; what to do." and this drops what to do."""
        return self.message.split(";", 1)[0].rstrip(".") + "."


class CapWords(NamedTuple):
    """How a cap is worded: what a change would exceed (``excess_sentence``) and the refusal (``cap_findings``)."""

    would_exceed: str
    refusal: str


CAP_WORDS: dict[str, CapWords] = {
    "ftp_not_allowed": CapWords(
        "The {lower} would have {amount} follow-the-pain {sites}, where follow-the-pain is not allowed.",
        "Follow-the-pain is not allowed in the {lower}; remove those sites or record a deviation reason.",
    ),
    "ftp_extra_sites": CapWords(
        "{label} would have {amount} follow-the-pain sites, above its cap of {cap}.",
        "{label}: {amount} follow-the-pain sites, above its cap of {cap}; remove one or record a deviation reason.",
    ),
    "muscle_cap": CapWords(
        "{label} would have {amount} U, above its maximum of {cap} U.",
        "{label}: {amount} U, above its maximum of {cap} U; lower a dose or record a deviation reason.",
    ),
    "max_units": CapWords(
        "The total would be {amount} U, above the maximum of {cap} U.",
        "Total {amount} U is above the maximum of {cap} U; lower the dose or record a deviation reason.",
    ),
    "max_sites": CapWords(
        "The session would have {amount} sites, above the maximum of {cap}.",
        "{amount} sites is above the maximum of {cap}; remove a site or record a deviation reason.",
    ),
}
"""Each cap's words (by ``Excess.code``): what a change would exceed, and the refusal of a session that exceeds it.
Filled in by ``_cap_words`` with the muscle's ``label`` (``lower`` in lower case), the ``amount`` and the ``cap``."""

CAP_CODES = frozenset(CAP_WORDS)
"""Refusals that an off-protocol deviation reason turns into warnings."""


def _fmt(units: float) -> str:
    return f"{units:g}"


def units_findings(session: Session, protocol: Protocol) -> list[Finding]:
    """Units per site positive, finite and in dose steps; a non-default dose noted."""
    findings = []
    step = protocol.dose_step_units
    for inj in session.injections:
        if inj.skipped:
            continue
        if not math.isfinite(inj.units) or inj.units <= 0:
            findings.append(
                Finding(
                    Level.REFUSAL,
                    "units_invalid",
                    f"{protocol.site_name(inj.site_id, capital=True)}: {inj.units!r} U is not a dose; enter a positive number of units.",
                    inj.site_id,
                )
            )
            continue
        if inj.units > protocol.max_units:
            findings.append(
                Finding(
                    Level.REFUSAL,
                    "units_invalid",
                    f"{protocol.site_name(inj.site_id, capital=True)}: {_fmt(inj.units)} U at one site is more than a whole session's maximum of "
                    f"{_fmt(protocol.max_units)} U; enter the units given at this site.",
                    inj.site_id,
                )
            )
            continue
        if not math.isclose(inj.units / step, round(inj.units / step), abs_tol=1e-9):
            findings.append(
                Finding(
                    Level.REFUSAL,
                    "units_step",
                    f"{protocol.site_name(inj.site_id, capital=True)}: {_fmt(inj.units)} U is not in {_fmt(step)} U steps; round it to a step.",
                    inj.site_id,
                )
            )
            continue
        default = (
            protocol.site(inj.site_id).units
            if inj.kind is Kind.FIXED and protocol.has_site(inj.site_id)
            else protocol.units_per_site
        )
        if not math.isclose(inj.units, default):
            findings.append(
                Finding(
                    Level.INFO,
                    "units_non_default",
                    f"{protocol.site_name(inj.site_id, capital=True)}: {_fmt(inj.units)} U instead of the protocol's {_fmt(default)} U.",
                    inj.site_id,
                )
            )
    return findings


TOLERANCE = 1e-9
"""How far above a cap a sum of units may be before it counts as above it (float sums of 2.5 U steps)."""


@dataclass(frozen=True)
class Excess:
    """How far a session goes beyond one of the protocol's caps: ``amount`` where the cap allows ``cap``.

    ``code`` is one of ``CAP_CODES``; ``muscle`` is the muscle of a muscle's cap, "" for the session's caps. The
    amount counts follow-the-pain sites (``ftp_extra_sites``; ``ftp_not_allowed``, whose cap is 0), units
    (``muscle_cap``, ``max_units``) or sites (``max_sites``).
    """

    code: str
    muscle: str
    amount: float
    cap: float

    @property
    def key(self) -> tuple[str, str]:
        """Which cap this is: the code and the muscle."""
        return self.code, self.muscle


def cap_excess(session: Session, protocol: Protocol) -> tuple[Excess, ...]:
    """Every cap the session goes beyond: each muscle's (in protocol order), then the session's units and sites."""
    excess = []
    for muscle in protocol.muscles:
        mine = [inj for inj in session.injections if inj.muscle == muscle.id and not inj.skipped]
        ftp = sum(1 for inj in mine if inj.kind is Kind.FTP)
        cap = protocol.ftp_cap(muscle.id)
        if ftp and cap is None:
            excess.append(Excess("ftp_not_allowed", muscle.id, ftp, 0))
        if cap is not None and ftp > cap.extra_sites:
            excess.append(Excess("ftp_extra_sites", muscle.id, ftp, cap.extra_sites))
        units = sum(inj.units for inj in mine if math.isfinite(inj.units))
        cap_units = protocol.muscle_cap_units(muscle.id)
        if units > cap_units + TOLERANCE:
            excess.append(Excess("muscle_cap", muscle.id, units, cap_units))
    total = sum(inj.units for inj in session.injections if not inj.skipped and math.isfinite(inj.units))
    if total > protocol.max_units + TOLERANCE:
        excess.append(Excess("max_units", "", total, protocol.max_units))
    if session.sites_injected > protocol.max_sites:
        excess.append(Excess("max_sites", "", session.sites_injected, protocol.max_sites))
    return tuple(excess)


def excess_beyond(current: Sequence[Excess], covered: Sequence[Excess]) -> tuple[Excess, ...]:
    """What a deviation reason given for the ``covered`` excess does not cover in ``current``: each cap that
    ``current`` goes further beyond than ``covered`` did (a cap ``covered`` did not go beyond counts at the cap)."""
    limits = {excess.key: excess.amount for excess in covered}
    return tuple(excess for excess in current if excess.amount > limits.get(excess.key, excess.cap) + TOLERANCE)


def widest_excess(*excesses: Sequence[Excess]) -> tuple[Excess, ...]:
    """Each cap's largest excess among these (in the order first seen): what a reason covering each covers."""
    widest: dict[tuple[str, str], Excess] = {}
    for group in excesses:
        for excess in group:
            known = widest.get(excess.key)
            if known is None or excess.amount > known.amount:
                widest[excess.key] = excess
    return tuple(widest.values())


def _cap_words(excess: Excess, protocol: Protocol, words: str) -> str:
    """One of the cap's ``CapWords`` filled in for this excess."""
    label = protocol.muscle(excess.muscle).label if excess.muscle else ""
    return words.format(
        label=label,
        lower=label.lower(),
        amount=_fmt(excess.amount),
        cap=_fmt(excess.cap),
        sites="site" if excess.amount == 1 else "sites",
    )


def excess_sentence(excess: Excess, protocol: Protocol) -> str:
    """What a change would exceed, as a sentence: "Temporalis would have 4 follow-the-pain sites, above its cap of
    2." """
    return _cap_words(excess, protocol, CAP_WORDS[excess.code].would_exceed)


def cap_findings(session: Session, protocol: Protocol) -> list[Finding]:
    """Follow-the-pain only in its muscles and within their caps; the label dose notice; the 195 U / 39 site limits."""
    findings = []
    for excess in cap_excess(session, protocol):
        findings.append(
            Finding(Level.REFUSAL, excess.code, _cap_words(excess, protocol, CAP_WORDS[excess.code].refusal))
        )
    total = sum(inj.units for inj in session.injections if not inj.skipped and math.isfinite(inj.units))
    if protocol.label_dose_units + TOLERANCE < total <= protocol.max_units + TOLERANCE:
        findings.append(
            Finding(
                Level.INFO,
                "above_label_dose",
                f"Total {_fmt(total)} U exceeds the US label dose of {_fmt(protocol.label_dose_units)} U (within the {_fmt(protocol.max_units)} U follow-the-pain range).",
            )
        )
    if session.deviation_reason.strip():
        findings = [_as_deviation(finding, session.deviation_reason.strip()) for finding in findings]
    return findings


def _as_deviation(finding: Finding, reason: str) -> Finding:
    if finding.level is not Level.REFUSAL or finding.code not in CAP_CODES:
        return finding
    sentence = finding.message.split(";")[0]
    return Finding(
        Level.WARNING,
        finding.code,
        f"{sentence}: off-protocol deviation recorded ({reason}).",
        finding.site_id,
    )


CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of ``now`` a reconstitution time may be before it is refused as in the future: a clock in the
clinic (a phone, the wall) may run a few minutes ahead of the computer's."""


BEYOND_CAP = "record a deviation reason to go beyond it"
"""How a follow-the-pain refusal at a cap tells the injector the way past it (reference section 2)."""


def ftp_addition_refusal(session: Session, protocol: Protocol, muscle: str) -> Finding | None:
    """Why one more follow-the-pain site in this muscle may not be added (the cap it would break), or None.

    With a deviation reason recorded a cap no longer refuses the site: ``cap_findings`` then reports the cap as a
    warning naming the deviation. A muscle without follow-the-pain is always refused.
    """
    cap = protocol.ftp_cap(muscle)
    label = protocol.muscle(muscle).label
    if cap is None:
        return Finding(Level.REFUSAL, "ftp_not_allowed", f"Follow-the-pain is not allowed in the {label.lower()}.")
    if session.deviation_reason.strip():
        return None
    mine = [inj for inj in session.injections if inj.muscle == muscle and not inj.skipped]
    ftp_count = sum(1 for inj in mine if inj.kind is Kind.FTP)
    dose = protocol.units_per_site
    if ftp_count + 1 > cap.extra_sites:
        return Finding(
            Level.REFUSAL,
            "ftp_extra_sites",
            f"{label} is at its cap of {cap.extra_sites} follow-the-pain sites; {BEYOND_CAP}.",
        )
    muscle_units = sum(inj.units for inj in mine)
    if muscle_units + dose > cap.max_units + 1e-9:
        return Finding(
            Level.REFUSAL,
            "muscle_cap",
            f"{label} would reach {_fmt(muscle_units + dose)} U, above its cap of {_fmt(cap.max_units)} U; "
            f"{BEYOND_CAP}.",
        )
    if session.sites_injected + 1 > protocol.max_sites:
        return Finding(
            Level.REFUSAL,
            "max_sites",
            f"The session already has {session.sites_injected} sites, the maximum of {protocol.max_sites}; "
            f"{BEYOND_CAP}.",
        )
    if session.units_administered + dose > protocol.max_units + 1e-9:
        return Finding(
            Level.REFUSAL,
            "max_units",
            f"The total would reach {_fmt(session.units_administered + dose)} U, above the maximum of "
            f"{_fmt(protocol.max_units)} U; {BEYOND_CAP}.",
        )
    return None


def product_findings(
    session: Session, protocol: Protocol, now: datetime | None, settings: ClinicalSettings
) -> list[Finding]:
    """Product chosen and payable; lot and unexpired expiry; dilution recorded; vials enough for the dose."""
    findings = []
    product = next((p for p in protocol.products if p.id == session.product_id), None)
    if product is None:
        findings.append(Finding(Level.REFUSAL, "product_missing", "Choose the product and vial size."))
    elif product.cosmetic:
        findings.append(
            Finding(
                Level.WARNING,
                "product_cosmetic",
                f"{product.name} is a cosmetic product: insurers do not pay for it for migraine. Use therapeutic BOTOX.",
            )
        )
    if not session.lot_number.strip():
        findings.append(
            Finding(Level.REFUSAL, "lot_missing", "Record the lot number from the vial (needed for recalls).")
        )
    if session.lot_expiry is None:
        findings.append(Finding(Level.REFUSAL, "expiry_missing", "Record the lot's expiry date from the vial."))
    elif session.lot_expiry < session.performed_on:
        findings.append(
            Finding(
                Level.REFUSAL,
                "lot_expired",
                f"Lot {session.lot_number or '(no number)'} expired on {session.lot_expiry.isoformat()}; it may not be used. Open an unexpired vial and record its lot.",
            )
        )
    concentration = concentration_units_per_ml(session.vial_units, session.saline_ml)
    if concentration is None:
        findings.append(
            Finding(Level.REFUSAL, "dilution_missing", "Record the saline volume used to reconstitute the vial.")
        )
    else:
        per_site = concentration * protocol.volume_per_site_ml
        if not math.isclose(per_site, protocol.units_per_site):
            findings.append(
                Finding(
                    Level.WARNING,
                    "dilution_non_standard",
                    f"{session.saline_ml:g} mL in a {session.vial_units} U vial gives {dilution_figure(per_site)} U per {protocol.volume_per_site_ml:g} mL, not the protocol's {protocol.units_per_site:g} U; check the dilution.",
                )
            )
    if session.reconstituted_at is None and session.sites_injected > 0:
        findings.append(
            Finding(
                Level.WARNING,
                "reconstitution_missing",
                f"Record when the vial was mixed (Mixed at); the {settings.reconstitution_hours}-hour limit is "
                "checked from it.",
            )
        )
    if now is not None and session.reconstituted_at is not None:
        age = aware(now) - aware(session.reconstituted_at)
        if age < -CLOCK_SKEW:
            mixed = aware(session.reconstituted_at).astimezone()
            findings.append(
                Finding(
                    Level.REFUSAL,
                    "reconstitution_future",
                    f"The vial is recorded as mixed at {mixed:%Y-%m-%d %H:%M}, later than now; correct the "
                    "reconstitution time (Now records the present time).",
                )
            )
        elif age > timedelta(hours=settings.reconstitution_hours):
            findings.append(
                Finding(
                    Level.WARNING,
                    "reconstitution_old",
                    f"The vial was reconstituted {age.total_seconds() / 3600:.0f} hours ago, more than {settings.reconstitution_hours} hours; open a fresh vial.",
                )
            )
    opened = units_opened(session.vial_units, session.vials_opened)
    if session.vial_units > 0 and session.units_administered > opened + 1e-9:
        findings.append(
            Finding(
                Level.REFUSAL,
                "vials_short",
                f"{session.units_administered:g} U administered but the opened vials hold {opened:g} U; record the vials opened.",
            )
        )
    return findings


def _listed(items: list[str]) -> str:
    """Items in a sentence: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def procedure_findings(session: Session) -> list[Finding]:
    """The injector named, consent, time-out, every screening question answered, and at least one injection.

    A question left unasked refuses signing (the label's contraindications are asked before injecting, clinical
    reference section 7). A draft charted before the questions were asked one by one, its single "contraindications
    checked" box ticked and no question answered, counts as asked, as the checklist and the note show it; answering
    any question (``marking.answer_screening``) puts it under the questions.
    """
    findings = []
    if not session.injector.strip():
        findings.append(
            Finding(
                Level.REFUSAL,
                "injector_missing",
                "Choose the injector who performs the procedure; the note names them.",
            )
        )
    if not session.consent:
        findings.append(Finding(Level.REFUSAL, "consent_missing", "Record the patient's consent before signing."))
    if not session.time_out:
        findings.append(Finding(Level.REFUSAL, "time_out_missing", "Record the time-out before signing."))
    answers = session.screening.answers
    unasked = [in_sentence(SCREENING_QUESTIONS[q]) for q, answer in answers.items() if answer is Answer.UNASKED]
    checked_before_the_questions = session.contraindications_checked and len(unasked) == len(answers)
    if unasked and not checked_before_the_questions:
        findings.append(
            Finding(
                Level.REFUSAL,
                "screening_incomplete",
                f"Not asked yet: {_listed(unasked)}; ask and record each answer before signing.",
            )
        )
    if session.sites_injected == 0:
        findings.append(
            Finding(
                Level.REFUSAL,
                "no_injections",
                "No site is marked as injected; mark the sites before signing.",
            )
        )
    return findings


def service_date_findings(session: Session, now: datetime | None) -> list[Finding]:
    """A session cannot be dated after the day it is charted on."""
    if now is None or session.performed_on <= aware(now).astimezone().date():  # the local date of the clinic
        return []
    return [
        Finding(
            Level.REFUSAL,
            "service_date_future",
            f"The session is dated {session.performed_on.isoformat()}, after today; correct the date of service.",
        )
    ]


def birth_date_findings(session: Session, patient: Patient | None) -> list[Finding]:
    """A session cannot be dated before the patient was born (a slip in one of the two dates)."""
    if patient is None or session.performed_on >= patient.dob:
        return []
    return [
        Finding(
            Level.REFUSAL,
            "service_date_before_birth",
            f"The date of service {session.performed_on.isoformat()} is before the patient's date of birth "
            f"{patient.dob.isoformat()}; correct the date of service or the patient's date of birth.",
        )
    ]


def diagnosis_findings(session: Session, protocol: Protocol) -> list[Finding]:
    """A diagnosis code is recorded, and is one the protocol lists (claims with other codes are denied)."""
    code = session.diagnosis_code.strip()
    if not code:
        return [Finding(Level.REFUSAL, "diagnosis_missing", "Choose the diagnosis code (ICD-10-CM) for the claim.")]
    if protocol.diagnosis(code) is None:
        listed = ", ".join(d.code for d in protocol.diagnoses)
        return [
            Finding(
                Level.WARNING,
                "diagnosis_unlisted",
                f"{code} is not a code this protocol is indicated for ({listed}); insurers deny claims with other "
                "codes, such as episodic migraine. Check the diagnosis.",
            )
        ]
    return []


def evaluate(
    session: Session,
    protocol: Protocol,
    settings: ClinicalSettings | None = None,
    now: datetime | None = None,
    patient: Patient | None = None,
) -> tuple[Finding, ...]:
    """Every rule's findings for a session, refusals first; the patient's own rules only when the patient is given."""
    settings = settings or ClinicalSettings()
    return by_level(
        *units_findings(session, protocol),
        *cap_findings(session, protocol),
        *product_findings(session, protocol, now, settings),
        *procedure_findings(session),
        *diagnosis_findings(session, protocol),
        *service_date_findings(session, now),
        *birth_date_findings(session, patient),
    )


LEVEL_ORDER = {Level.REFUSAL: 0, Level.WARNING: 1, Level.INFO: 2}


def by_level(*findings: Finding) -> tuple[Finding, ...]:
    """The findings refusals first, then warnings, then notes (in their order within a level)."""
    return tuple(sorted(findings, key=lambda f: LEVEL_ORDER[f.level]))


REMINDER_CODES = frozenset({"reconstitution_missing", "outcomes_missing"})
"""Warnings that only ask for something to be recorded (the mixing time, this visit's diary): routine reminders,
listed after the clinical notices (stopping treatment, episodic again, an early session, the label dose). A missing
baseline (``baseline_missing``, ``hours_missing``, ``overuse_unassessed``, ``baseline_missing_response``) and too few
failed preventives (``preventives``) are not among them: they are gaps in what payers ask for, read with the notices."""


def by_attention(findings: tuple[Finding, ...] | list[Finding]) -> tuple[Finding, ...]:
    """The findings as the injector should read them: refusals, then clinical notices (warnings, then notes), then
    the routine reminders to record something; each in its order within."""

    def rank(finding: Finding) -> tuple[int, int]:
        reminder = finding.level is not Level.REFUSAL and finding.code in REMINDER_CODES
        return (1 if reminder else 0, LEVEL_ORDER[finding.level])

    return tuple(sorted(findings, key=rank))


REASON_TO_SIGN = frozenset({"interval_early"})
"""Warnings that do not stop charting but stop signing until a reason is recorded (an early session's reason)."""


def signing_blockers(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """What must be resolved before the session can be signed: the refusals, and the warnings that need a reason."""
    return [finding for finding in findings if finding.level is Level.REFUSAL or finding.code in REASON_TO_SIGN]
