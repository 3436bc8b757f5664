"""Hostile input: text with markup, control characters, lone surrogates, right-to-left and mixed scripts, 10,000
characters; units that are NaN, infinite, negative or huge. The rules answer with findings, never an exception."""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from charting.domain.billing import billing_lines
from charting.domain.checklist import evaluate_visit
from charting.domain.protocol import Protocol
from charting.domain.rules import Level
from charting.domain.session import AdverseEvent, Baseline, Injection, Kind, Patient, Screening, SignedContext
from charting.domain.settings import ClinicalSettings
from charting.domain.totals import compute_totals
from tests.sessions import ready_session

HOSTILE_TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "<b>bold</b> &amp; <script>alert(1)</script>",
            "\x00\x07\x1b[31m\r\n\t",
            "\ud800 lone \udfff",
            "\u202eevil\u202c مرحبا שלום 中文 한국어",
            "x" * 10_000,
            "",
        ]
    ),
)
UNITS = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -5.0, 0.0, 1e308, 2.5, 5.0]), st.floats(allow_nan=True)
)
DEFAULTS = ClinicalSettings()


@settings(max_examples=60, deadline=None)
@given(text=HOSTILE_TEXT, units=UNITS)
def test_the_rules_answer_hostile_input_with_findings(protocol: Protocol, text: str, units: float) -> None:
    session = ready_session(
        protocol,
        1,
        comments=text,
        deviation_reason=text,
        interval_reason=text,
        lot_number=text,
        injector=text,
        diagnosis_code=text,
        needle=text,
        adverse_events=(AdverseEvent(text, onset=text, severity=text, action=text, detail=text),),
        screening=Screening(),
    )
    site = session.injections[0]
    session = replace(
        session,
        injections=(
            replace(site, units=units),
            *session.injections[1:],
            Injection(f"FTP_{text[:20]}", "temporalis", "left", "left", math.nan, units, units, Kind.FTP, text),
        ),
    )
    patient = Patient(mrn=text, family_name=text, given_name=text, dob=session.performed_on)
    context = SignedContext(patient=patient, baseline=Baseline(headache_days=0, failed_preventives=(text,)))
    findings = evaluate_visit(session, protocol, DEFAULTS, None, context)
    assert all(isinstance(finding.message, str) and finding.message for finding in findings)
    if not math.isfinite(units) or units <= 0:
        assert any(f.code == "units_invalid" and f.level is Level.REFUSAL for f in findings)
    totals = compute_totals(session, protocol)
    billing_lines(protocol.billing, totals.total_units, totals.units_wasted)
