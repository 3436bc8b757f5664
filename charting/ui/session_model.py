"""The session being charted, as a Qt object: every change goes through ``marking``, the undo stack and the save.

The diagram and the panels listen to its signals; they never change the session themselves.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from charting.domain import marking
from charting.domain.checklist import evaluate_visit
from charting.domain.clock import local_now
from charting.domain.marking import SIGNED_READ_ONLY, ChangeRefusedError
from charting.domain.protocol import Protocol, Region, in_sentence, side_muscle
from charting.domain.rules import (
    Excess,
    Finding,
    cap_excess,
    excess_beyond,
    excess_sentence,
    ftp_addition_refusal,
    widest_excess,
)
from charting.domain.session import (
    HEADER_FIELDS,
    SCREENING_QUESTIONS,
    AdverseEvent,
    Answer,
    Kind,
    Patient,
    Session,
    SignedContext,
)
from charting.domain.settings import ClinicalSettings
from charting.domain.totals import SessionTotals, compute_totals
from charting.storage.errors import StorageError

log = logging.getLogger(__name__)

SaveCallback = Callable[[Session], object]

EDITABLE_HEADER_FIELDS = frozenset(HEADER_FIELDS) - {"performed_on"}
"""The session fields the header panel edits (the date is the session's, set when it is started)."""


@dataclass(frozen=True)
class ExcessQuestion:
    """A change held back: it goes further beyond the protocol's caps than the recorded deviation reason covers."""

    change: str
    """The change, as its undo text says it."""
    exceeds: tuple[str, ...]
    """What it would exceed, one sentence per cap."""
    reason: str
    """The deviation reason recorded."""


@dataclass(frozen=True)
class _HeldChange:
    """A change waiting for the answer to its ``ExcessQuestion``, with what to do once it is made."""

    text: str
    before: Session
    after: Session
    then: Callable[[], None] | None


class SwapSessionCommand(QUndoCommand):
    """One change: redo puts the session after it, undo the session before it (and the focus ring where it was),
    each with the excess beyond the caps that the deviation reason covered at that point."""

    def __init__(
        self,
        model: SessionModel,
        before: Session,
        after: Session,
        text: str,
        merge_key: str = "",
        *,
        covered_after: tuple[Excess, ...] | None = None,
    ) -> None:
        super().__init__(text)
        self._model = model
        self.before = before
        self.after = after
        self.merge_key = merge_key
        self.ring_before = model.ring
        self.covered_before = model.covered_excess
        self.covered_after = self.covered_before if covered_after is None else covered_after

    def redo(self) -> None:
        self._model.covered_excess = self.covered_after
        self._model._install(self.after)

    def undo(self) -> None:
        self._model.covered_excess = self.covered_before
        self._model._install(self.before, ring=self.ring_before)

    def id(self) -> int:
        return 1 if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Consecutive edits of the same header field become one undo step."""
        if not isinstance(other, SwapSessionCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.covered_after = other.covered_after
        return True


class SessionModel(QObject):
    """A draft (or signed, read-only) session with its protocol, undo stack, totals, findings and autosave."""

    session_changed = Signal()
    """The session is different (a change, an undo or redo, or another session loaded)."""
    session_loaded = Signal()
    """A session was opened (just before ``session_changed``): what was typed for the one before is out of date."""
    site_marked = Signal(str)
    """A site went from not marked to injected."""
    focus_changed = Signal(str)
    """The site under the focus ring (the next one to inject) moved; "" when every site is marked (no ring)."""
    change_refused = Signal(str)
    """A change was not made; the sentence says why and what to do."""
    saved = Signal(datetime)
    """The session was saved, at this (local, timezone-aware) time."""
    save_failed = Signal(str)
    """The save failed; the session is kept in memory and the sentence says what to do."""
    ftp_mode_changed = Signal(bool)
    """Follow-the-pain mode went on or off."""
    change_noted = Signal(str)
    """A change was made a little differently from what was asked (a site placed beside a crowded click); the
    sentence says how."""

    def __init__(
        self,
        protocol: Protocol,
        session: Session,
        save: SaveCallback | None = None,
        settings: ClinicalSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.protocol = protocol
        self.settings = settings or ClinicalSettings()
        self.undo_stack = QUndoStack(self)
        self._save = save
        self._session = session
        self._totals: SessionTotals | None = None
        self._findings: tuple[Finding, ...] | None = None
        self._fixed_order = tuple(site.id for site in protocol.sites)
        self.focus_site = ""
        """The site under the focus ring: the next unmarked site, or the site the user moved the ring to."""
        self._ring_chosen = False
        """True while the ring sits where the user moved it (Tab, arrows, a click on a follow-the-pain site)."""
        self.last_marked = ""
        self.ftp_mode = False
        self.unsaved = False
        self.last_saved_at: datetime | None = None
        self.context: SignedContext | None = None
        """The patient's record as the note sees it (patient, baseline, earlier visits), read by the window when a
        session opens, its date changes or it is signed: the checklist's rules use it, and no click reads the
        database."""
        self.covered_excess = cap_excess(session, protocol)
        """The excess beyond the caps that the deviation reason covers: what there was when the reason was recorded
        or last confirmed (or when the session was opened). A change that goes further is asked about first."""
        self.ask_excess: Callable[[ExcessQuestion], None] | None = None
        """Asked about a change that goes beyond what the deviation reason covers; the answer comes later, by
        ``keep_reason_for_held``, ``revise_reason_for_held`` or ``drop_held``. Without it, such a change is refused."""
        self._held: _HeldChange | None = None
        self._refused_excess: tuple[Excess, ...] = ()
        """The excess of the change refused last for want of a deviation reason: the reason recorded next covers it."""
        self._ring_to_next_unmarked(after="")

    # ----- reading
    @property
    def session(self) -> Session:
        """The session as it stands now."""
        return self._session

    @property
    def read_only(self) -> bool:
        """True for a signed session: nothing can change, only addenda can be added."""
        return self._session.signed

    @property
    def totals(self) -> SessionTotals:
        """Totals of the current session (computed once per change)."""
        if self._totals is None:
            self._totals = compute_totals(self._session, self.protocol)
        return self._totals

    @property
    def patient(self) -> Patient | None:
        """The patient of the session, from its context (None without one)."""
        return self.context.patient if self.context is not None else None

    @property
    def checked_settings(self) -> ClinicalSettings:
        """The thresholds the checklist uses: a signed session's frozen ones, else the clinic's."""
        frozen = self.context.settings if self.context is not None and self.read_only else None
        return frozen or self.settings

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of the session at this visit (its rules, the patient's eligibility, screening, interval and
        response), overrides applied, refusals first (computed once per change)."""
        if self._findings is None:
            self._findings = evaluate_visit(
                self._session, self.protocol, self.checked_settings, local_now(), self.context
            )
        return self._findings

    def site_order(self) -> tuple[str, ...]:
        """The keyboard order: the fixed sites in protocol order, then the follow-the-pain sites."""
        ftp = tuple(inj.site_id for inj in self._session.injections if inj.kind is Kind.FTP)
        return self._fixed_order + ftp

    # ----- loading
    def load(self, session: Session, context: SignedContext | None = None) -> None:
        """Show another session with its patient's record; the undo history starts afresh and nothing is saved."""
        self.undo_stack.clear()
        self.set_ftp_mode(False)
        self.unsaved = False
        self.last_marked = ""
        self._held = None
        self._refused_excess = ()
        self._session = session
        self.covered_excess = cap_excess(session, self.protocol)
        self.context = context
        self._invalidate()
        self._ring_to_next_unmarked(after="")
        self.session_loaded.emit()
        self.session_changed.emit()

    # ----- marking
    def toggle(self, site_id: str) -> bool:
        """A click on a fixed site: mark it at its dose, or back to not injected."""
        was_marked = self._session.injection(site_id) is not None

        def then() -> None:
            if not was_marked:
                self.last_marked = site_id
                self.site_marked.emit(site_id)
                self._ring_to_next_unmarked(after=site_id)
            else:
                self._place_ring(site_id)  # back to not injected: it is the next site to inject

        return self._change(
            f"{'Unmark' if was_marked else 'Mark'} {self._name(site_id)}",
            lambda s: marking.toggle(s, self.protocol, site_id),
            then=then,
        )

    def toggle_focus(self) -> bool:
        """Space: mark the site under the focus ring, or unmark it when the user moved the ring onto it.

        With every site marked there is no ring, and Space only says so.
        """
        if not self.focus_site:
            count = len(self._fixed_order)
            self.change_refused.emit(f"All {count} sites are marked; click a site to change it.")
            return False
        if self._session.injection(self.focus_site) is not None and self._is_ftp(self.focus_site):
            return self.remove(self.focus_site)
        return self.toggle(self.focus_site)

    def adjust_target(self) -> str:
        """The site +/- act on: the focused site when marked, else the site marked last."""
        if self.focus_site and self._session.injection(self.focus_site) is not None:
            return self.focus_site
        if self.last_marked and self._session.injection(self.last_marked) is not None:
            return self.last_marked
        return ""

    def step_units(self, steps: int, site_id: str = "") -> bool:
        """Raise or lower a marked site's units by dose steps (the adjust target unless a site is given)."""
        target = site_id or self.adjust_target()
        if not target:
            self.change_refused.emit(
                "Move the ring to a marked site (Tab or the arrows), then change its units."
                if self._session.injections
                else "Mark a site first, then change its units."
            )
            return False
        verb = "More" if steps > 0 else "Fewer"
        changed = self._change(
            f"{verb} units at {self._name(target)}", lambda s: marking.step_units(s, self.protocol, target, steps)
        )
        injection = self._session.injection(target)
        if changed and injection is not None:  # + and - may act where the ring is not: say which site, and its dose
            self.change_noted.emit(f"{self.protocol.site_name(target, capital=True)}: {injection.units:g} U.")
        return changed

    def set_units(self, site_id: str, units: float) -> bool:
        """Give a site this dose, marking it first when it is not marked."""

        def change(session: Session) -> Session:
            if session.injection(site_id) is None:
                session = marking.mark(session, self.protocol, site_id)
            return marking.set_units(session, site_id, units)

        def then() -> None:
            self.last_marked = site_id

        return self._change(f"{units:g} U at {self._name(site_id)}", change, then=then)

    def skip(self, site_id: str, reason: str) -> bool:
        """Record a fixed site as not injected, with the reason."""
        return self._change(f"Skip {self._name(site_id)}", lambda s: marking.skip(s, self.protocol, site_id, reason))

    def remove(self, site_id: str) -> bool:
        """Take a site back to not injected; a follow-the-pain site disappears."""
        return self._change(f"Remove {self._name(site_id)}", lambda s: marking.unmark(s, site_id))

    def apply_protocol(self) -> bool:
        """Mark every fixed site at its protocol dose."""
        return self._change(
            f"Apply {self.protocol.label_dose_units:g} U", lambda s: marking.apply_protocol(s, self.protocol)
        )

    # ----- follow-the-pain
    def set_ftp_mode(self, on: bool) -> None:
        """Follow-the-pain mode: a click inside a muscle's region adds a site there."""
        if on and self.read_only:
            self.change_refused.emit(SIGNED_READ_ONLY)
            self.ftp_mode_changed.emit(False)
            on = False
        if on != self.ftp_mode:
            self.ftp_mode = on
            self.ftp_mode_changed.emit(on)

    def add_ftp_at(self, view_id: str, x: float, y: float, clearance: float = 0.0, margin: float = 0.0) -> str:
        """Add a follow-the-pain site at a point of a view; the id, or "" when refused (with a sentence).

        A point closer than ``clearance`` diagram units to another marker (their hit targets would overlap), or
        closer than ``margin`` to the view's edge (the marker would be cut), is moved to the nearest free spot of
        the same region within ``clearance`` of it, and a sentence says so; with no free spot that near, nothing is
        added, the sentence says what to do and the ring goes to the region's marker nearest the click (so that the
        key adds a site where the region has room).
        """
        region = self.protocol.region_at(view_id, x, y)
        if region is None:
            muscles = _listed(self._ftp_muscles(), "and")
            self.change_refused.emit(f"Follow-the-pain sites go inside the shaded {muscles} regions; click inside one.")
            return ""
        return self._add_ftp(region, (x, y), clearance, margin)

    def add_ftp_by_focus(self, clearance: float = 0.0, margin: float = 0.0) -> str:
        """The key for a follow-the-pain site: add one to the muscle and side under the ring, at the free spot of
        its region farthest from the markers; the id, or "" when refused (with a sentence)."""
        if not self.ftp_mode:
            self.change_refused.emit(
                "Turn on follow-the-pain mode (F) first, then add a site to the muscle under the ring."
            )
            return ""
        found = self._session.injection(self.focus_site) if self.focus_site else None
        if found is not None:
            muscle, side = found.muscle, found.side
        elif self.protocol.has_site(self.focus_site):
            site = self.protocol.site(self.focus_site)
            muscle, side = site.muscle, site.side
        else:
            muscle = side = ""
        region = marking.ftp_region(self.protocol, muscle, side)
        if region is None:
            muscles = _listed(self._ftp_muscles(), "or")
            self.change_refused.emit(
                f"Move the ring to {_article(muscles)} {muscles} site (arrows), then add its follow-the-pain site."
            )
            return ""
        return self._add_ftp(region, None, clearance, margin)

    def _add_ftp(self, region: Region, click: tuple[float, float] | None, clearance: float, margin: float) -> str:
        """Add a follow-the-pain site in a region: at the free spot nearest the click (a marker's width away at
        most, ``clearance``), or (no click) the roomiest."""
        place = side_muscle(self.protocol, region.muscle, region.side)
        refusal = ftp_addition_refusal(self._session, self.protocol, region.muscle)
        if refusal is not None:
            x, y = click or region.polygon[0]
            try:  # what a deviation reason recorded next has to cover
                would_be, _ = marking.add_ftp(
                    self._session, self.protocol, region.muscle, side=region.side, view=region.view, x=x, y=y
                )
                self._refused_excess = cap_excess(would_be, self.protocol)
            except ChangeRefusedError:  # no reason lets this one in (a muscle without follow-the-pain, a signed note)
                self._refused_excess = ()
            self.change_refused.emit(refusal.message)
            return ""
        if click is None:
            spot = marking.roomiest_spot(self._session, self.protocol, region, clearance=clearance, margin=margin)
        else:
            spot = marking.free_spot(
                self._session, self.protocol, region, *click, clearance=clearance, margin=margin, within=clearance
            )
        if spot is None:
            if click is not None:
                self.set_focus(self._nearest_of_region(region, click))
            self.change_refused.emit(self._no_spot_sentence(region, click, clearance, margin))
            return ""
        added: list[str] = []

        def change(session: Session) -> Session:
            new, site_id = marking.add_ftp(
                session, self.protocol, region.muscle, side=region.side, view=region.view, x=spot[0], y=spot[1]
            )
            added.append(site_id)
            return new

        def then() -> None:  # also when a held addition is made, once the deviation question is answered
            self.last_marked = added[0]
            self.site_marked.emit(added[0])
            if click is None:
                self.change_noted.emit(f"Added a follow-the-pain site in the {place}; drag it to the point of pain.")
            elif spot != click:
                self.change_noted.emit(f"Placed at the nearest free spot in the {place}.")

        return added[0] if self._change(f"Add a follow-the-pain site, {place}", change, then=then) else ""

    def _ftp_muscles(self) -> tuple[str, ...]:
        """The muscles that take follow-the-pain sites (those with a region), in words, in alphabetical order."""
        return tuple(sorted({in_sentence(self.protocol.muscle(r.muscle).label) for r in self.protocol.regions}))

    def _nearest_of_region(self, region: Region, point: tuple[float, float]) -> str:
        """The marker of a region's muscle and side (a fixed or a follow-the-pain site) nearest to a point."""
        ours = (region.muscle, region.side)
        mates = [(s.id, s.x, s.y) for s in self.protocol.sites if (s.muscle, s.side) == ours]
        mates += [
            (i.site_id, i.x, i.y)
            for i in self._session.injections
            if self._is_ftp(i.site_id) and (i.muscle, i.side) == ours
        ]
        return min(mates, key=lambda mate: math.dist(mate[1:], point))[0]

    def _crowding(self, view_id: str, x: float, y: float, clearance: float, ignore: str = "") -> str:
        """What a point of a view is too close to: the nearest marker closer than ``clearance``, else the view's
        edge (a point that is clear of every marker but not free is too near the edge for its marker to show)."""
        near = marking.crowding_site(self._session, self.protocol, view_id, x, y, clearance=clearance, ignore=ignore)
        return (
            f"the {self._name(near)}"
            if near
            else f"the edge of the {self.protocol.view(view_id).label.lower()} view"  # labels drawn in capitals
        )

    def _no_spot_sentence(
        self, region: Region, click: tuple[float, float] | None, clearance: float, margin: float
    ) -> str:
        """Why no follow-the-pain site was added to a region (at a click, or by the key), and what to do."""
        place = side_muscle(self.protocol, region.muscle, region.side)
        if (
            click is None
            or marking.roomiest_spot(self._session, self.protocol, region, clearance=clearance, margin=margin) is None
        ):
            return (
                f"The {place} has no free spot left for a follow-the-pain site; enlarge the window to make room, "
                "or place the site on the other side or in another muscle."
            )
        return (
            f"Too close to {self._crowding(region.view, *click, clearance)}, and no free spot near it; click a free "
            f"spot in the {place} region, or press A to add one where it has room and drag it to the point of pain."
        )

    def move_ftp(self, site_id: str, x: float, y: float, clearance: float = 0.0, margin: float = 0.0) -> bool:
        """Move a follow-the-pain site inside its muscle's region on the same side, at least ``clearance`` diagram
        units from every other marker and ``margin`` inside the view's edges: a drop that is not such a spot snaps
        to the nearest one within a marker's width (``clearance``), or the site is put back."""
        injection = self._session.injection(site_id)
        if injection is None:
            return False
        place = side_muscle(self.protocol, injection.muscle, injection.side)
        region = marking.ftp_region(self.protocol, injection.muscle, injection.side)
        if region is not None and region.view != injection.view:
            region = None
        spot = None
        if region is not None:  # the same rule as a click: a free spot a marker's width from the drop at most
            spot = marking.free_spot(
                self._session,
                self.protocol,
                region,
                x,
                y,
                clearance=clearance,
                margin=margin,
                ignore=site_id,
                within=clearance,
            )
        if spot is not None:
            moved = self._change(
                f"Move {self._name(site_id)}", lambda s: marking.move_ftp(s, site_id, spot[0], spot[1])
            )
            if moved and spot != (x, y):
                self.change_noted.emit(f"Moved to the nearest free spot in the {place}.")
            return moved
        if region is not None and region.contains(x, y):
            refusal = (
                f"Too close to {self._crowding(injection.view, x, y, clearance, ignore=site_id)}; the "
                f"{self._name(site_id)} was put back. Drag it to a free spot in the {place}."
            )
        else:
            refusal = f"The {self._name(site_id)} must stay inside the {place} region; it was put back."
        self.change_refused.emit(refusal)
        self.session_changed.emit()
        return False

    # ----- header
    def update_header(self, **changes: Any) -> bool:
        """Change header fields (product, lot, saline, consent, ...); consecutive edits of a field merge."""
        unknown = set(changes) - EDITABLE_HEADER_FIELDS
        if unknown:
            raise ValueError(f"not header fields: {sorted(unknown)}")
        if all(getattr(self._session, key) == value for key, value in changes.items()):
            return False
        key = ",".join(sorted(changes))

        def change(session: Session) -> Session:
            if session.signed:
                raise ChangeRefusedError(SIGNED_READ_ONLY)
            return replace(session, **changes)

        return self._change(f"Change {key.replace('_', ' ')}", change, merge_key="header:" + key)

    def set_context(self, context: SignedContext | None) -> None:
        """The patient's record read afresh (the date of service changed, the baseline was edited)."""
        self.context = context
        self._invalidate()
        self.session_changed.emit()

    # ----- the checklist
    def answer_screening(self, question: str, answer: Answer) -> bool:
        """Record a screening question's answer (undoable and saved like every change)."""
        label = SCREENING_QUESTIONS.get(question, question).lower()
        return self._change(
            f"Answer {answer.value or 'not asked'}: {label}",
            lambda s: marking.answer_screening(s, question, answer),
        )

    def set_override(self, code: str, reason: str) -> bool:
        """Proceed past an overridable refusal with this reason; an empty reason withdraws the override."""
        text = f"Override {code}" if reason.strip() else f"Withdraw the override of {code}"
        return self._change(text, lambda s: marking.set_override(s, code, reason))

    def set_outcome(self, name: str, value: int | None) -> bool:
        """Record one figure reported at this visit; a figure outside its scale is refused with the sentence."""
        return self._change(
            f"Record {name.replace('_', ' ')}",
            lambda s: marking.set_outcomes(s, replace(s.outcomes, **{name: value})),
            merge_key="outcomes:" + name,
        )

    # ----- adverse events
    def add_adverse_event(self, event: AdverseEvent) -> bool:
        """Record an adverse event (one of the protocol's, with onset, severity and action)."""
        return self._change(
            f"Record adverse event {event.event.strip()}",
            lambda s: marking.add_adverse_event(s, self.protocol, event),
        )

    def remove_adverse_event(self, index: int) -> bool:
        """Take back the adverse event at this position of the list."""
        events = self._session.adverse_events
        name = events[index].event if 0 <= index < len(events) else "?"
        return self._change(f"Remove adverse event {name}", lambda s: marking.remove_adverse_event(s, index))

    # ----- keyboard focus
    @property
    def ring(self) -> tuple[str, bool]:
        """Where the focus ring is and whether the user put it there (what an undo puts back)."""
        return self.focus_site, self._ring_chosen

    def set_focus(self, site_id: str) -> None:
        """Put the focus ring on a site the user chose: Space then marks or unmarks that site."""
        self._place_ring(site_id)
        self._ring_chosen = True

    def _place_ring(self, site_id: str) -> None:
        self._ring_chosen = False
        if site_id != self.focus_site:
            self.focus_site = site_id
            self.focus_changed.emit(site_id)

    def focus_next(self, step: int = 1) -> None:
        """Move the focus ring to the next (or, with -1, the previous) site in protocol order."""
        order = self.site_order()
        if not order:
            return
        index = order.index(self.focus_site) if self.focus_site in order else -1
        if index < 0 and step < 0:
            index = 0
        self.set_focus(order[(index + step) % len(order)])

    def _ring_to_next_unmarked(self, after: str) -> None:
        """The ring to the next unmarked fixed site in protocol order after a site (wrapping); none: no ring."""
        order = self._fixed_order
        start = order.index(after) + 1 if after in order else 0
        for offset in range(len(order)):
            site_id = order[(start + offset) % len(order)]
            if self._session.injection(site_id) is None:
                self._place_ring(site_id)
                return
        self._place_ring("")

    def _settle_ring(self, before: Session) -> None:
        """After a change: the ring leaves a site that became marked, and one the user did not put on a marked site."""
        focus = self.focus_site
        if not focus or focus not in self.site_order():
            self._ring_to_next_unmarked(after=self.last_marked)
        elif self._session.injection(focus) is not None and (before.injection(focus) is None or not self._ring_chosen):
            self._ring_to_next_unmarked(after=focus)

    def _is_ftp(self, site_id: str) -> bool:
        injection = self._session.injection(site_id)
        return injection is not None and injection.kind is Kind.FTP

    # ----- saving
    def retry_save(self) -> bool:
        """Save the current session again after a failure; True when it is now saved."""
        return self._save_now()

    def _change(
        self,
        text: str,
        change: Callable[[Session], Session],
        merge_key: str = "",
        then: Callable[[], None] | None = None,
    ) -> bool:
        """Make a change (``then`` runs once it is made); True when made now.

        A change that goes further beyond the caps than the deviation reason covers is held and asked about.
        """
        if self._held is not None:
            self.change_refused.emit("Answer the question about the deviation reason first; nothing else changed.")
            return False
        before = self._session
        try:
            after = change(before)
        except ChangeRefusedError as error:
            self.change_refused.emit(str(error))
            return False
        if after == before:
            return False
        if after.deviation_reason != before.deviation_reason:
            # a reason recorded or edited covers what is charted now, and the change refused for want of it
            covered = widest_excess(cap_excess(after, self.protocol), self._refused_excess)
        else:
            covered = self.covered_excess
            beyond = excess_beyond(cap_excess(after, self.protocol), covered) if after.deviation_reason.strip() else ()
            if beyond:
                return self._hold(_HeldChange(text, before, after, then), beyond)
        self.undo_stack.push(SwapSessionCommand(self, before, after, text, merge_key, covered_after=covered))
        self._refused_excess = ()
        if then is not None:
            then()
        return True

    # ----- a change beyond the deviation reason
    @property
    def held_change(self) -> str:
        """The change waiting for an answer about the deviation reason, as its undo text says it ("" for none)."""
        return self._held.text if self._held is not None else ""

    def _hold(self, held: _HeldChange, beyond: tuple[Excess, ...]) -> bool:
        exceeds = tuple(excess_sentence(excess, self.protocol) for excess in beyond)
        if self.ask_excess is None:
            self._refused_excess = cap_excess(held.after, self.protocol)
            self.change_refused.emit(
                f"{exceeds[0][:-1]}, more than the recorded deviation reason covers; the change was not made. "
                "Update the deviation reason to cover it."
            )
            return False
        self._held = held
        self.ask_excess(ExcessQuestion(held.text, exceeds, held.after.deviation_reason.strip()))
        return False

    def keep_reason_for_held(self) -> bool:
        """The recorded deviation reason covers the held change too: make it."""
        held, self._held = self._held, None
        return held is not None and self._make_held(held, held.after)

    def revise_reason_for_held(self, reason: str) -> bool:
        """Make the held change with this deviation reason, which covers it: one undo step for both."""
        held, self._held = self._held, None
        if held is None:
            return False
        if not reason.strip():
            self.change_refused.emit("A deviation reason cannot be empty; the change was not made.")
            self.session_changed.emit()
            return False
        return self._make_held(held, replace(held.after, deviation_reason=reason.strip()))

    def drop_held(self) -> None:
        """The held change is not made; the chart stays as it is."""
        if self._held is not None:
            self._held = None
            self.session_changed.emit()  # a dragged marker goes back where the session has it

    def _make_held(self, held: _HeldChange, after: Session) -> bool:
        if self._session is not held.before:
            self.change_refused.emit("The chart changed while the question was open; make the change again.")
            return False
        covered = cap_excess(after, self.protocol)
        self.undo_stack.push(SwapSessionCommand(self, held.before, after, held.text, covered_after=covered))
        if held.then is not None:
            held.then()
        return True

    def _name(self, site_id: str) -> str:
        return self.protocol.site_name(site_id)

    def _install(self, session: Session, ring: tuple[str, bool] | None = None) -> None:
        """Called by the undo commands: make this the session, tell the listeners, save it.

        An undo puts the ring back where it was before the change; otherwise the ring follows the change.
        """
        before = self._session
        self._session = session
        self._invalidate()
        if ring is None:
            self._settle_ring(before)
        else:
            site_id, chosen = ring
            self._place_ring(site_id)
            self._ring_chosen = chosen
        self.session_changed.emit()
        self._save_now()

    def _invalidate(self) -> None:
        self._totals = None
        self._findings = None

    def _save_now(self) -> bool:
        if self._save is None:
            return True
        try:
            self._save(self._session)
        except StorageError as error:
            log.warning("autosave failed: %s", type(error).__name__)
            self.unsaved = True
            self.save_failed.emit(str(error))
            return False
        self.unsaved = False
        self.last_saved_at = local_now()
        self.saved.emit(self.last_saved_at)
        return True


def _listed(words: tuple[str, ...], conjunction: str) -> str:
    """Words as a sentence lists them: "a", "a or b", "a, b or c" (with ``conjunction`` "or")."""
    return f" {conjunction} ".join(filter(None, (", ".join(words[:-1]), words[-1]))) if words else ""


def _article(word: str) -> str:
    """The indefinite article before a word: "an" before a vowel, else "a"."""
    return "an" if word[:1].lower() in tuple("aeiou") else "a"
