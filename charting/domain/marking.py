"""Changing a draft session: mark, unmark, set units, skip, follow-the-pain, apply the protocol, adverse events.

Each function takes a session and returns a new one; a signed session refuses every change.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import astuple, replace
from functools import lru_cache

from charting.domain.outcomes import outcome_problems
from charting.domain.protocol import Protocol, Region, Site, View, in_sentence
from charting.domain.session import (
    SCREENING_QUESTIONS,
    AdverseEvent,
    Answer,
    Injection,
    Kind,
    Outcomes,
    Override,
    Session,
)

SIGNED_READ_ONLY = "This session is signed and cannot change. Add an addendum to correct it."
"""What any change to a signed session is told."""


class ChangeRefusedError(ValueError):
    """A change that cannot be made; the message says why and what to do."""


def _require_draft(session: Session) -> None:
    if session.signed:
        raise ChangeRefusedError(SIGNED_READ_ONLY)


def _replace_injection(session: Session, site_id: str, new: Injection | None) -> Session:
    kept = [injection for injection in session.injections if injection.site_id != site_id]
    if new is not None:
        kept.append(new)
    return replace(session, injections=tuple(kept))


def fixed_injection(site: Site, units: float | None = None) -> Injection:
    """An injection at a protocol site, at its protocol dose unless units are given."""
    return Injection(
        site_id=site.id,
        muscle=site.muscle,
        side=site.side,
        view=site.view,
        x=site.x,
        y=site.y,
        units=site.units if units is None else units,
        kind=Kind.FIXED,
    )


def mark(session: Session, protocol: Protocol, site_id: str, units: float | None = None) -> Session:
    """Mark a fixed site as injected (its protocol dose unless units are given)."""
    _require_draft(session)
    return _replace_injection(session, site_id, fixed_injection(protocol.site(site_id), units))


def unmark(session: Session, site_id: str) -> Session:
    """Take a site back to not injected; a follow-the-pain site is removed."""
    _require_draft(session)
    return _replace_injection(session, site_id, None)


def toggle(session: Session, protocol: Protocol, site_id: str) -> Session:
    """A click on a fixed site: not injected -> injected at its dose; injected or skipped -> not injected."""
    if session.injection(site_id) is None:
        return mark(session, protocol, site_id)
    return unmark(session, site_id)


def set_units(session: Session, site_id: str, units: float) -> Session:
    """Change the units of a marked site. Odd doses are allowed here and flagged by the rules."""
    _require_draft(session)
    injection = session.injection(site_id)
    if injection is None:
        raise ChangeRefusedError("The site is not marked; mark it before changing its units.")
    if not math.isfinite(units) or units <= 0:
        raise ChangeRefusedError(f"{units!r} U is not a dose: enter a positive number of units.")
    return _replace_injection(session, site_id, replace(injection, units=float(units), skipped_reason=""))


def step_units(session: Session, protocol: Protocol, site_id: str, steps: int) -> Session:
    """Raise or lower a marked site's units by the protocol's adjustment steps (never below one step)."""
    injection = session.injection(site_id)
    if injection is None:
        raise ChangeRefusedError(
            f"{protocol.site_name(site_id, capital=True)} is not marked; mark it before changing its units."
        )
    step = protocol.adjust_step_units
    units = max(step, round(injection.units / step) * step + steps * step)
    return set_units(session, site_id, units)


def skip(session: Session, protocol: Protocol, site_id: str, reason: str) -> Session:
    """Record a fixed site as not injected, with the reason (for example: infection at the site)."""
    _require_draft(session)
    reason = reason.strip()
    if not reason:
        raise ChangeRefusedError("Say why the site was skipped; the note prints the reason.")
    site = protocol.site(site_id)
    return _replace_injection(session, site_id, replace(fixed_injection(site), units=0.0, skipped_reason=reason))


def apply_protocol(session: Session, protocol: Protocol) -> Session:
    """Mark every fixed site at its protocol dose; follow-the-pain sites stay as they are."""
    _require_draft(session)
    ftp = [injection for injection in session.injections if injection.kind is Kind.FTP]
    fixed = [fixed_injection(site) for site in protocol.sites]
    return replace(session, injections=tuple(fixed + ftp))


def next_ftp_id(session: Session, protocol: Protocol, muscle: str, side: str) -> str:
    """The id of the next follow-the-pain site of a muscle and side, such as TEM_L_FTP1."""
    stem = protocol.ftp_stem(muscle, side)
    pattern = re.compile(re.escape(stem) + r"(\d+)$")
    used = {int(match.group(1)) for inj in session.injections if (match := pattern.match(inj.site_id))}
    number = 1
    while number in used:
        number += 1
    return f"{stem}{number}"


def add_ftp(
    session: Session,
    protocol: Protocol,
    muscle: str,
    *,
    side: str,
    view: str,
    x: float,
    y: float,
    units: float | None = None,
) -> tuple[Session, str]:
    """Add a follow-the-pain site; returns the new session and the site's id.

    Caps are checked by ``rules.ftp_addition_refusal`` before calling this; here only the muscle is checked.
    """
    _require_draft(session)
    if protocol.ftp_cap(muscle) is None:
        raise ChangeRefusedError(f"Follow-the-pain is not allowed in the {in_sentence(protocol.muscle(muscle).label)}.")
    site_id = next_ftp_id(session, protocol, muscle, side)
    injection = Injection(
        site_id=site_id,
        muscle=muscle,
        side=side,
        view=view,
        x=x,
        y=y,
        units=protocol.units_per_site if units is None else units,
        kind=Kind.FTP,
    )
    return _replace_injection(session, site_id, injection), site_id


MARKER_CLEARANCE_UNITS = 35.0
"""Diagram units between two markers' centres at which their hit targets do not overlap in a 1366x768 window
(the window's tests hold it to the drawn scale); the demo keeps follow-the-pain sites this far from every marker."""


MARKER_EDGE_UNITS = 20.0
"""Diagram units a follow-the-pain site's centre keeps from its view's edges so that its whole marker shows: the
note's diamond reaches 19.5 units from its centre (outline included); a window drawn small keeps more."""
SPOT_STEP_UNITS = 1.0
"""The spacing of the points searched for a free spot: a spot found is at most this far from the best one."""


def _ftp_points(session: Session, view: str, ignore: str = "") -> list[tuple[str, float, float]]:
    """The follow-the-pain sites of a view but ``ignore``, with their points."""
    return [
        (inj.site_id, inj.x, inj.y)
        for inj in session.injections
        if inj.kind is Kind.FTP and inj.view == view and inj.site_id != ignore
    ]


def _fixed_points(protocol: Protocol, view: str) -> tuple[tuple[float, float], ...]:
    """The fixed sites of a view: each has a marker whether marked or not."""
    return tuple((site.x, site.y) for site in protocol.sites if site.view == view)


def crowding_site(
    session: Session, protocol: Protocol, view: str, x: float, y: float, *, clearance: float, ignore: str = ""
) -> str:
    """The marker nearest to a point of a view closer than ``clearance`` diagram units, or "" when there is none.

    Every fixed site counts (its marker shows whether marked or not), and every follow-the-pain site but ``ignore``.
    """
    points = [(site.id, site.x, site.y) for site in protocol.sites if site.view == view]
    points += _ftp_points(session, view, ignore)
    near = [(math.dist((x, y), (px, py)), site_id) for site_id, px, py in points]
    distance, site_id = min(near, default=(math.inf, ""))
    return site_id if distance < clearance else ""


def _inside(region: Region, view: View, x: float, y: float, margin: float) -> bool:
    """Whether a point is inside the region and at least ``margin`` units inside the view's edges."""
    return margin <= x <= view.width - margin and margin <= y <= view.height - margin and region.contains(x, y)


def _room(points: Iterable[tuple[float, float]], x: float, y: float) -> float:
    """How far a point is from the nearest of these points (infinite when there is none)."""
    return min((math.dist((x, y), point) for point in points), default=math.inf)


@lru_cache(maxsize=64)
def _region_spots(
    region: Region, view: View, margin: float, clearance: float, fixed: tuple[tuple[float, float], ...]
) -> tuple[tuple[float, float, float], ...]:
    """The points of a grid ``SPOT_STEP_UNITS`` apart inside the region, ``margin`` inside the view's edges and
    ``clearance`` from the fixed sites, each with its distance to the nearest fixed site (made once per window size).
    """
    xs = [x for x, _ in region.polygon]
    ys = [y for _, y in region.polygon]
    step = SPOT_STEP_UNITS
    columns = range(math.ceil(min(xs) / step), math.floor(max(xs) / step) + 1)
    rows = range(math.ceil(min(ys) / step), math.floor(max(ys) / step) + 1)
    grid = ((i * step, j * step) for i in columns for j in rows)
    inside = ((x, y, _room(fixed, x, y)) for x, y in grid if _inside(region, view, x, y, margin))
    return tuple(spot for spot in inside if spot[2] >= clearance)


def free_spot(
    session: Session,
    protocol: Protocol,
    region: Region,
    x: float,
    y: float,
    *,
    clearance: float,
    margin: float = MARKER_EDGE_UNITS,
    ignore: str = "",
    within: float = math.inf,
) -> tuple[float, float] | None:
    """The free spot of a follow-the-pain region nearest to a point, at most ``within`` diagram units from it, or
    None when there is none that near.

    A free spot is inside the region, at least ``margin`` units inside its view's edges and at least ``clearance``
    units from every marker of the view (but ``ignore``, the site being moved). The point itself when it is free;
    otherwise a point of a grid ``SPOT_STEP_UNITS`` apart. A click or a drop passes ``within=clearance``: a site
    lands beside the point meant (a marker's width away at most), never elsewhere in the region.
    """
    view = protocol.view(region.view)
    fixed = _fixed_points(protocol, region.view)
    ftp = [(px, py) for _, px, py in _ftp_points(session, region.view, ignore)]
    if _inside(region, view, x, y, margin) and _room((*fixed, *ftp), x, y) >= clearance:
        return x, y
    near = (
        (math.dist((sx, sy), (x, y)), sx, sy) for sx, sy, _ in _region_spots(region, view, margin, clearance, fixed)
    )
    spots = sorted(spot for spot in near if spot[0] <= within)
    return next(((sx, sy) for _, sx, sy in spots if _room(ftp, sx, sy) >= clearance), None)


def roomiest_spot(
    session: Session,
    protocol: Protocol,
    region: Region,
    *,
    clearance: float,
    margin: float = MARKER_EDGE_UNITS,
) -> tuple[float, float] | None:
    """The free spot of a region farthest from every marker of its view (see ``free_spot``), or None."""
    view = protocol.view(region.view)
    fixed = _fixed_points(protocol, region.view)
    ftp = [(px, py) for _, px, py in _ftp_points(session, region.view)]
    spots = _region_spots(region, view, margin, clearance, fixed)
    rooms = [(min(room, _room(ftp, x, y)), (x, y)) for x, y, room in spots]
    room, spot = max(rooms, default=(-math.inf, (0.0, 0.0)))
    return spot if room >= clearance else None


def ftp_region(protocol: Protocol, muscle: str, side: str) -> Region | None:
    """The follow-the-pain region of a muscle on one side, if the protocol draws one."""
    return next((r for r in protocol.regions if r.muscle == muscle and r.side == side), None)


def move_ftp(session: Session, site_id: str, x: float, y: float) -> Session:
    """Move a follow-the-pain site within its view."""
    _require_draft(session)
    injection = session.injection(site_id)
    if injection is None or injection.kind is not Kind.FTP:
        raise ChangeRefusedError(
            "Only a follow-the-pain site can be moved; fixed sites stay where the protocol puts them."
        )
    return _replace_injection(session, site_id, replace(injection, x=x, y=y))


OTHER_ADVERSE_EVENT = "Other"
"""The protocol's free-text adverse event: it needs a detail saying what happened."""
SEVERITIES = ("mild", "moderate", "severe")
"""The severities offered for an adverse event (free text is allowed too)."""
URGENT_MARK = "(urgent)"
"""The protocol marks an adverse event that needs action at once by ending its name with this."""


def is_urgent(event: AdverseEvent) -> bool:
    """True for an adverse event the protocol marks urgent (breathing difficulty): act at once."""
    return event.event.strip().lower().endswith(URGENT_MARK)


def adverse_event_problems(protocol: Protocol, event: AdverseEvent) -> dict[str, str]:
    """What is wrong with an adverse event, as one sentence per field (event, onset, severity, action, detail)."""
    problems: dict[str, str] = {}
    if event.event.strip() not in protocol.adverse_events:
        problems["event"] = "Choose the adverse event from the list."
    if not event.onset.strip():
        problems["onset"] = "Record when it started, for example during the procedure."
    if not event.severity.strip():
        problems["severity"] = f"Record how severe it is: {', '.join(SEVERITIES[:-1])} or {SEVERITIES[-1]}."
    if not event.action.strip():
        problems["action"] = "Record the action taken, or none."
    if event.event.strip() == OTHER_ADVERSE_EVENT and not event.detail.strip():
        problems["detail"] = "Describe the event: Other needs a detail."
    return problems


def add_adverse_event(session: Session, protocol: Protocol, event: AdverseEvent) -> Session:
    """Record an adverse event (one of the protocol's, with onset, severity and action; Other with a detail)."""
    _require_draft(session)
    problems = adverse_event_problems(protocol, event)
    if problems:
        raise ChangeRefusedError(next(iter(problems.values())))
    cleaned = AdverseEvent(
        event=event.event.strip(),
        onset=event.onset.strip(),
        severity=event.severity.strip(),
        action=event.action.strip(),
        detail=event.detail.strip(),
    )
    return replace(session, adverse_events=(*session.adverse_events, cleaned))


def remove_adverse_event(session: Session, index: int) -> Session:
    """Take back the adverse event at this position of the session's list (counted from 0)."""
    _require_draft(session)
    if not 0 <= index < len(session.adverse_events):
        raise ChangeRefusedError("That adverse event is no longer recorded; nothing was removed.")
    events = session.adverse_events
    return replace(session, adverse_events=events[:index] + events[index + 1 :])


def adverse_event_text(event: AdverseEvent) -> str:
    """One line for an adverse event: the event, its onset, severity, the action taken and the detail."""
    parts = [
        event.event,
        f"onset {event.onset}" if event.onset else "",
        f"severity {event.severity}" if event.severity else "",
        f"action: {event.action}" if event.action else "",
        event.detail,
    ]
    return "; ".join(part for part in parts if part)


LATE_ADVERSE_EVENT = "Adverse event reported after signing"
"""How the addendum recording an adverse event reported once the note is signed begins."""


def late_adverse_event_text(event: AdverseEvent) -> str:
    """The one sentence of the addendum recording an adverse event reported after signing, in the note's wording:
    "Adverse event reported after signing: Neck weakness or stiffness; onset days later; severity mild; action: none."
    """
    stripped = AdverseEvent(*(part.strip() for part in astuple(event)))
    return f"{LATE_ADVERSE_EVENT}: {adverse_event_text(stripped).rstrip('.')}."


def answer_screening(session: Session, question: str, answer: Answer) -> Session:
    """Record one screening question's answer; the contraindications count as checked once all are answered."""
    _require_draft(session)
    if question not in SCREENING_QUESTIONS:
        raise ChangeRefusedError(f"There is no screening question {question!r}; nothing was recorded.")
    screening = replace(session.screening, **{question: answer})
    return replace(session, screening=screening, contraindications_checked=screening.complete)


def set_override(session: Session, code: str, reason: str) -> Session:
    """Record (or, with an empty reason, withdraw) the reason for proceeding past an overridable refusal."""
    _require_draft(session)
    kept = tuple(override for override in session.overrides if override.code != code)
    reason = reason.strip()
    return replace(session, overrides=(*kept, Override(code, reason)) if reason else kept)


def set_outcomes(session: Session, outcomes: Outcomes) -> Session:
    """Record the headache figures and scores reported at this visit; scores outside their scales are refused."""
    _require_draft(session)
    problems = outcome_problems(outcomes)
    if problems:
        raise ChangeRefusedError(next(iter(problems.values())))
    return replace(session, outcomes=outcomes)
