"""Sessions built the way the window builds them, shared by the domain, records, command-line and window tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from charting.domain.marking import apply_protocol
from charting.domain.protocol import Protocol
from charting.domain.session import SCREENING_QUESTIONS, Answer, Screening, Session

SERVICE_DATE = date(2026, 11, 25)

READY_HEADER: dict[str, object] = {
    "product_id": "botox_200",
    "vial_units": 200,
    "lot_number": "C1234A",
    "lot_expiry": date(2027, 6, 30),
    "saline_ml": 4.0,
    "consent": True,
    "time_out": True,
    "contraindications_checked": True,
    "screening": Screening(**dict.fromkeys(SCREENING_QUESTIONS, Answer.NO)),
}
"""The header fields that make a charted session signable: one 200 U vial in 4 mL, lot, consent, time-out, and the
screening asked with every answer "no" (what the window holds once the injector has answered the four questions)."""

BOX_TICKED_HEADER = {key: value for key, value in READY_HEADER.items() if key != "screening"}
"""The ready header as charted before the screening questions were asked one by one: the single contraindications
box ticked, no question answered. ``ready_session`` uses it: the hash-pinned tests of sessions signed before
migration 0006 rely on that shape, and the rules still let it sign (``rules.procedure_findings``)."""

READY_INJECTOR = "Dr. Amara Okafor, MD"
"""The injector a ready session names (the records tests' signer)."""


def ready_session(protocol: Protocol, patient_id: int | None = None, **header: object) -> Session:
    """A complete PREEMPT 155 U session from one 200 U vial, ready to sign unless a header field says otherwise; its
    screening is the single box ticked before the questions (``BOX_TICKED_HEADER``): pass ``screening``
    or answer with ``marking.answer_screening`` for a session screened question by question."""
    session = Session(
        performed_on=SERVICE_DATE,
        patient_id=patient_id,
        injector=READY_INJECTOR,
        vials_opened=1,
        needle="30G 0.5 in",
        diagnosis_code="G43.709",
        **BOX_TICKED_HEADER,  # type: ignore[arg-type]
    )
    return replace(apply_protocol(session, protocol), **header)  # type: ignore[arg-type]
