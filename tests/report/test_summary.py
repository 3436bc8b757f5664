"""The continuation-of-therapy summary: built from signed sessions, read back from the PDF by text extraction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Drawing, String

from charting.domain.course import build_course, visit_of
from charting.domain.protocol import Protocol
from charting.domain.session import Baseline, Outcomes, Session
from charting.domain.settings import ClinicalSettings
from charting.report.summary import ContinuationSummary, SummaryError, build_summary, render_summary
from charting.report.trend import threshold_days, trend_drawing
from tests.report.notes import BASELINE, CLINIC, INJECTOR, PATIENT, flat, pages_text, session, signed
from tests.report.test_one_page import SMALLEST_TEXT, overlapping, page_lines

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
FIRST = date(2025, 3, 3)
COURSE = ((155, 22, 14, 60, 66), (155, 16, 10, 40, 62), (175, 14, 9, 30, 60), (195, 9, 6, 14, 55))
"""Each cycle's units, headache days, migraine days, MIDAS and HIT-6: a first treatment at 22 days, then 27%
(no response), 36% and 59% fewer headache days."""
SUMMARY_BASELINE = replace(BASELINE, migraine_days=14, midas=60, hit6=66)


def course_sessions(protocol: Protocol, figures: tuple[tuple[int, int, int, int, int], ...] = COURSE) -> list[Session]:
    """Signed sessions 84 days apart with the given units and outcomes (units beyond 155 as follow-the-pain)."""
    base = session(protocol)
    made = []
    for number, (units, days, migraine, midas, hit6) in enumerate(figures):
        chart = replace(
            base,
            id=100 + number,
            performed_on=FIRST + timedelta(days=84 * number),
            outcomes=Outcomes(headache_days=days, migraine_days=migraine, midas=midas, hit6=hit6),
        )
        extra = (units - 155) // 5
        injections = chart.injections + tuple(
            replace(chart.injections[0], site_id=f"TEM_L_FTP{n}", units=5.0) for n in range(1, extra + 1)
        )
        made.append(signed(replace(chart, injections=injections)))
    return made


def summary_of(
    protocol: Protocol,
    sessions: list[Session],
    *,
    baseline: Baseline | None = SUMMARY_BASELINE,
) -> ContinuationSummary:
    """The summary of the sessions for the standard patient, clinic and injector, with the default settings."""
    return build_summary(
        PATIENT, sessions, protocol, ClinicalSettings(), clinic=CLINIC, injector=INJECTOR, baseline=baseline, now=NOW
    )


@pytest.fixture(scope="module")
def summary_text(protocol: Protocol) -> str:
    pdf = render_summary(summary_of(protocol, course_sessions(protocol)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "continuation-summary.pdf").write_bytes(pdf)
    pages = pages_text(pdf)
    assert len(pages) == 1
    return flat(pages[0])


def test_the_patient_clinic_and_diagnosis(summary_text: str) -> None:
    for item in (
        CLINIC.name,
        "Continuation of therapy: onabotulinumtoxinA for chronic migraine",
        "DOE, Jane MRN 10023 DOB 1980-04-02 Prepared 2026-11-25",
        "Diagnosis G43.709 Chronic migraine without aura, not intractable, without status migrainosus",
    ):
        assert item in summary_text


def test_the_baseline(summary_text: str) -> None:
    for item in (
        "Headache days 22 a month (from the baseline record)",
        "Hours a day 8",
        "Migraine days 14",
        "MIDAS 60 (grade IV, severe disability)",
        "HIT-6 66 (severe impact)",
        "Failed preventives 2: topiramate, amitriptyline",
        "Medication overuse assessed, no overuse",
    ):
        assert item in summary_text


def test_each_cycle_with_its_dose_outcomes_and_response(summary_text: str) -> None:
    assert "Cycle Date Units Headache days Migraine days MIDAS HIT-6 Reduction Responder" in summary_text
    for row in (
        "1 2025-03-03 155 U 22 14 60 66 - first treatment",
        "2 2025-05-26 155 U 16 10 40 62 27% no",
        "3 2025-08-18 175 U 14 9 30 60 36% yes",
        "4 2025-11-10 195 U 9 6 14 55 59% yes",
    ):
        assert row in summary_text


def test_the_verdict_threshold_settings_and_next_due(summary_text: str) -> None:
    assert (
        "Response: 2 of 3 assessed cycles met the 30% threshold. Latest, cycle 4 on 2025-11-10: 9 headache days "
        "against a baseline of 22, 59% fewer: a response." in summary_text
    )
    assert "Responder threshold 30% fewer headache days than baseline (15.4 days or fewer)" in summary_text
    assert "after 2 cycles in a row without a response" in summary_text
    assert "Interval 84 days, due window +/- 7 days" in summary_text
    assert "Next due 2026-02-02 (84 days after the last session on 2025-11-10), due by 2026-02-09" in summary_text


def test_the_trend_chart_is_labelled(summary_text: str) -> None:
    assert "baseline 22 days" in summary_text
    assert "response threshold 30% 15.4 days or fewer" in summary_text
    assert "headache days" in summary_text


def test_the_injector_signature_line(summary_text: str) -> None:
    assert "Signature ____" in summary_text and "Date ____" in summary_text
    assert "Ana Núñez, MD, NPI 1234567890. Summary prepared 2026-11-25." in summary_text


def test_it_stays_readable_and_is_deterministic(protocol: Protocol) -> None:
    pdf = render_summary(summary_of(protocol, course_sessions(protocol)))
    assert pdf == render_summary(summary_of(protocol, course_sessions(protocol))), "the same summary, the same bytes"
    lines = page_lines(pdf)
    assert min(line.size for line in lines) >= SMALLEST_TEXT
    assert overlapping(lines) == []


def test_consider_stopping_prints_as_a_fact(protocol: Protocol) -> None:
    figures = ((155, 20, 12, 40, 64), (155, 17, 10, 38, 63), (155, 16, 10, 36, 62))
    text = flat(" ".join(pages_text(render_summary(summary_of(protocol, course_sessions(protocol, figures))))))
    assert "Consider stopping treatment: 2 cycles in a row without a response (23%, 27% fewer headache days" in text
    assert "record the decision" not in text


def test_a_long_course_runs_on_with_the_table_header_on_each_page(protocol: Protocol) -> None:
    figures = tuple((155, 22 - number % 10, 10, 20, 58) for number in range(70))
    pdf = render_summary(summary_of(protocol, course_sessions(protocol, figures)))
    (ARTIFACTS / "continuation-summary-long.pdf").write_bytes(pdf)
    pages = [flat(page) for page in pages_text(pdf)]
    assert len(pages) >= 2
    assert all("Cycle Date Units Headache days" in page for page in pages[:2]), "the header repeats"
    assert all("DOE, Jane MRN 10023" in page for page in pages), "the letterhead is on every page"
    assert f"page {len(pages)} of {len(pages)}" in pages[-1]
    assert f"70 {(FIRST + timedelta(days=84 * 69)).isoformat()} 155 U" in " ".join(pages), "the last cycle prints"
    assert "Signature ____" in pages[-1]


def test_without_a_baseline_record_the_first_treatment_is_the_baseline(protocol: Protocol) -> None:
    summary = summary_of(protocol, course_sessions(protocol), baseline=None)
    assert dict(summary.baseline)["Headache days"] == "22 a month (from the first treatment visit)"
    assert dict(summary.baseline)["Failed preventives"] == "none recorded"


def test_drafts_are_left_out_and_a_patient_without_signed_sessions_is_refused(protocol: Protocol) -> None:
    sessions = course_sessions(protocol)
    draft = replace(session(protocol), performed_on=date(2026, 2, 2), id=999)
    summary = summary_of(protocol, [*sessions, draft])
    assert len(summary.cycles) == len(COURSE)
    with pytest.raises(SummaryError, match="no signed session to summarise; sign a session first"):
        summary_of(protocol, [draft])


def test_the_chart_marks_every_session_and_both_lines(protocol: Protocol) -> None:
    settings = ClinicalSettings(responder_threshold_pct=50)
    course = build_course(Baseline(headache_days=20), [visit_of(s) for s in course_sessions(protocol)], settings)
    drawing = trend_drawing(course, 50, width=400, height=150)
    labels = [item.text for item in _strings(drawing)]
    assert labels[labels.index("baseline") : labels.index("baseline") + 2] == ["baseline", "20 days"]
    assert "response threshold 50%" in labels
    assert f"{threshold_days(20, 50):.1f} days or fewer" in labels
    assert [label for label in labels if label in {"1", "2", "3", "4"}] == ["1", "2", "3", "4"]


def _strings(drawing: Drawing) -> list[String]:
    found: list[String] = []
    for item in drawing.getContents():
        if isinstance(item, String):
            found.append(item)
        elif hasattr(item, "getContents"):
            found += _strings(item)
    return found
