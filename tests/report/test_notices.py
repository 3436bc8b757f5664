"""Notices and deviations on the printed note, and the note's wording: facts for its readers, never instructions
to the person charting (read back from the PDF with pypdf)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.rules import evaluate
from charting.report.note import DEVIATION_CODES, NOTICE_CODES
from charting.report.render import render_note
from tests.report.notes import SIGNED_AT, flat, note_of, pages_text, session, signed, with_ftp

INSTRUCTIONS = re.compile(
    r"\b(record a|record the|check the|open a|use therapeutic|lower a|lower the|remove|round it|choose|enter|"
    r"to sign it|tick)\b",
    re.IGNORECASE,
)
"""Words of the rules' instructions to the person charting, which a note must never carry."""


def pdf_text(protocol: Protocol, chart: object, **options: object) -> str:
    return flat(" ".join(pages_text(render_note(note_of(protocol, chart, **options)))))  # type: ignore[arg-type]


def test_165_units_is_a_notice_not_a_deviation(protocol: Protocol) -> None:
    chart = signed(with_ftp(protocol, session(protocol), count=2))
    text = pdf_text(protocol, chart)
    assert "Deviations from the protocol: none" in text
    assert "Notices: Total 165 U exceeds the US label dose of 155 U" in text


def test_every_finding_a_signed_note_can_carry_is_worded_as_a_fact(protocol: Protocol) -> None:
    """A cosmetic product, a non-standard dilution, an old vial, a non-default dose above the label dose, a cap
    exceeded with its reason and an early session without one: everything that can still be signed."""
    chart = with_ftp(protocol, session(protocol, vial_units=100, vials_opened=2), count=8)
    chart = marking.set_units(chart, "PRO_M_1", 10)
    chart = replace(
        chart,
        product_id="botox_cosmetic_100",
        saline_ml=4.0,
        reconstituted_at=datetime(2026, 1, 10, 8, 0, tzinfo=UTC),
        deviation_reason="Severe glabellar pain",
    )
    codes = {finding.code for finding in evaluate(chart, protocol, now=SIGNED_AT)}
    assert {"product_cosmetic", "dilution_non_standard", "reconstitution_old", "units_non_default"} <= codes
    assert {"muscle_cap", "max_units"} <= codes
    text = pdf_text(protocol, signed(chart), previous=date(2025, 12, 1))
    notices = text.split("Notices: ", 1)[1].split("Outcomes at this visit", 1)[0]
    deviations = text.split("Deviations from the protocol: ", 1)[1].split("Deviation reason recorded", 1)[0]
    assert "is a cosmetic product; insurers do not pay for it for migraine." in notices
    assert "not the protocol's 5 U." in notices
    assert "Reconstituted 51 hours before signing, more than the 24 hours allowed." in notices
    assert "Only 42 days since the previous session on 2025-12-01" in notices and "no reason recorded." in notices
    assert "Procerus: 10 U instead of the protocol's 5 U." in notices
    assert "Procerus: 10 U, above its maximum of 5 U." in deviations
    assert "Deviation reason recorded: Severe glabellar pain" in text
    assert text.count("Severe glabellar pain") == 1, "the reason prints once, not again on each deviation"
    assert "Notices" not in deviations and "exceeds the US label dose" not in deviations
    assert INSTRUCTIONS.findall(text) == []


def test_a_draft_above_a_cap_says_no_reason_was_recorded(protocol: Protocol) -> None:
    chart = marking.set_units(session(protocol), "PRO_M_1", 10)
    text = pdf_text(protocol, chart)
    assert "Procerus: 10 U, above its maximum of 5 U: no deviation reason recorded." in text
    assert INSTRUCTIONS.findall(text.split("Deviations from the protocol:", 1)[1].split("Outcomes", 1)[0]) == []


def test_notices_and_deviations_are_distinct_codes() -> None:
    assert not NOTICE_CODES & DEVIATION_CODES
    assert "above_label_dose" in NOTICE_CODES


def test_the_saline_is_printed_per_vial(protocol: Protocol) -> None:
    text = pdf_text(protocol, signed(session(protocol, vial_units=100, vials_opened=2)))
    assert "2 x 100 U vials" in text
    assert "2 mL per vial of preservative-free 0.9% saline: 50 U/mL" in text
