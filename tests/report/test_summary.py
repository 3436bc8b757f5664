"""The continuation-of-therapy summary: built from signed sessions, read back from the PDF by text extraction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String

from charting.domain.course import build_course, visit_of
from charting.domain.protocol import Protocol
from charting.domain.session import Baseline, Outcomes, Session
from charting.domain.settings import ClinicalSettings
from charting.report.summary import ContinuationSummary, SummaryError, build_summary, chart_caption, render_summary
from charting.report.trend import DOT, MUTED, TOP, trend_drawing
from tests.report.notes import BASELINE, CLINIC, INJECTOR, PATIENT, flat, pages_text, session, signed
from tests.report.test_one_page import SMALLEST_TEXT, overlapping, page_lines

T = TypeVar("T")
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
    assert "10 days or fewer" in labels, "20 days at 50%: a whole number prints without a decimal"
    assert [label for label in labels if label in {"1", "2", "3", "4"}] == ["1", "2", "3", "4"]


def test_the_caption_names_the_baseline_record_and_never_calls_cycle_1_the_baseline(summary_text: str) -> None:
    assert (
        "The baseline is the baseline record's 22 headache days a month, recorded before the first treatment; "
        "cycle 1's figures, reported at the first treatment, are not assessed against it." in summary_text
    )
    assert "baseline month" not in summary_text
    assert "first treatment (not assessed)" in summary_text, "the grey dot of cycle 1 is in the legend"


def test_without_a_baseline_record_the_caption_says_the_first_treatment_is_the_baseline(protocol: Protocol) -> None:
    summary = summary_of(protocol, course_sessions(protocol), baseline=None)
    text = flat(" ".join(pages_text(render_summary(summary))))
    assert (
        "There is no baseline record: the baseline is the 22 headache days reported at the first treatment "
        "(cycle 1), for the month before it." in text
    )
    assert "first treatment (its figures are the baseline)" in text
    assert "baseline record's" not in text


def test_the_caption_follows_build_course_not_the_record_alone(protocol: Protocol) -> None:
    """A baseline record without headache days: build_course falls back to the first treatment, and so does the
    caption."""
    visits = [visit_of(s) for s in course_sessions(protocol)]
    empty = build_course(Baseline(midas=40, hit6=70), visits, ClinicalSettings())
    assert chart_caption(empty).startswith("Headache days reported at each visit. There is no baseline record")
    nothing = build_course(None, [replace(visits[0], headache_days=None)], ClinicalSettings())
    assert "No baseline headache days are recorded" in chart_caption(nothing)


@pytest.mark.parametrize(
    ("figures", "legend"),
    [
        (COURSE, ["response", "no response", "first treatment (not assessed)"]),
        (((155, 22, 14, 60, 66), (155, 9, 6, 14, 55)), ["response", "first treatment (not assessed)"]),
        (((155, 22, 14, 60, 66), (155, 20, 6, 14, 55)), ["no response", "first treatment (not assessed)"]),
    ],
)
def test_every_dot_drawn_is_in_the_legend_and_nothing_else(
    protocol: Protocol, figures: tuple[tuple[int, int, int, int, int], ...], legend: list[str]
) -> None:
    course = build_course(
        SUMMARY_BASELINE, [visit_of(s) for s in course_sessions(protocol, figures)], ClinicalSettings()
    )
    drawing = trend_drawing(course, 30, width=400, height=150)
    legend_top = 150 - TOP
    labels = [item.text for item in _strings(drawing) if item.y > legend_top]
    assert labels == legend
    plot_marks = _marks(drawing, legend_top, in_legend=False)
    assert _marks(drawing, legend_top, in_legend=True) == plot_marks
    unassessed = any(c.response is None and c.headache_days is not None for c in course.cycles)
    squares = {mark for mark in plot_marks if mark[0] == "square"}
    assert squares == ({("square", None, MUTED)} if unassessed else set()), "not assessed: a square, and only then"


def _marks(drawing: Drawing, legend_top: float, *, in_legend: bool) -> set[tuple[str, object, object]]:
    """The shape, fill and outline of each visit's mark, in the legend or in the plot."""
    circles = {
        ("circle", c.fillColor, c.strokeColor) for c in _items(drawing, Circle) if (c.cy > legend_top) == in_legend
    }
    squares = {
        ("square", r.fillColor, r.strokeColor)
        for r in _items(drawing, Rect)
        if r.width == r.height == 2 * DOT and (r.y + DOT > legend_top) == in_legend
    }
    return circles | squares


@pytest.mark.parametrize(("baseline", "threshold"), [(25, "17.5 days or fewer"), (29, "20.3 days or fewer")])
def test_the_threshold_is_exact_and_no_line_reaches_the_legend(
    protocol: Protocol, baseline: int, threshold: str
) -> None:
    figures = ((155, baseline, 14, 60, 66), (155, 18, 10, 40, 62))
    course = build_course(
        Baseline(headache_days=baseline), [visit_of(s) for s in course_sessions(protocol, figures)], ClinicalSettings()
    )
    drawing = trend_drawing(course, 30, width=400, height=150)
    assert threshold in [item.text for item in _strings(drawing)]
    legend_bottom = min(item.y for item in _strings(drawing) if item.text == "first treatment (not assessed)")
    assert all(max(line.y1, line.y2) < legend_bottom - 2 for line in _items(drawing, Line)), "the legend is clear"


def test_close_lines_keep_their_labels_apart(protocol: Protocol) -> None:
    """At 10% the threshold (5.4) is a few points under the baseline (6): its label moves down to clear the
    baseline's."""
    figures = ((155, 6, 4, 20, 56), (155, 3, 2, 10, 50))
    settings = ClinicalSettings(responder_threshold_pct=10)
    course = build_course(
        Baseline(headache_days=6), [visit_of(s) for s in course_sessions(protocol, figures)], settings
    )
    strings = {item.text: item.y for item in _strings(trend_drawing(course, 10, width=400, height=150))}
    assert strings["5.4 days or fewer"] < strings["response threshold 10%"] < strings["6 days"] - 6.5


def _items(drawing: Drawing, kind: type[T]) -> list[T]:
    found: list[T] = []
    for item in drawing.getContents():
        if isinstance(item, kind):
            found.append(item)
        elif hasattr(item, "getContents"):
            found += _items(item, kind)
    return found


def _strings(drawing: Drawing) -> list[String]:
    return _items(drawing, String)
