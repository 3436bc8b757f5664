"""The trend chart: its points and lines for a known course, its words, and how it draws in light and dark themes."""

from __future__ import annotations

import io
import stat
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QColor, QImage, QPalette
from pytestqt.qtbot import QtBot

from charting.domain.course import build_course
from charting.domain.session import Baseline, Outcomes, Visit
from charting.domain.settings import ClinicalSettings
from charting.storage.repository import Repository
from charting.ui.patient_finder import PatientFinder
from charting.ui.trend_chart import TrendChart, TrendPoint, trend_data, trend_description, trend_summary
from tests.ui.patients_fixtures import SIGNER, add_patient, charted_session, make_repository, save_screenshot

FIRST = date(2026, 1, 5)
SETTINGS = ClinicalSettings()
VISITS = (
    Visit(FIRST, 155, 22),
    Visit(FIRST + timedelta(days=84), 155, 12),
    Visit(FIRST + timedelta(days=168), 155, None),
    Visit(FIRST + timedelta(days=252), 195, 16),
)
"""A course from a baseline of 20 days: 40% fewer, a cycle without a figure, then 20% fewer (no response)."""


def known_course_data():
    return trend_data(build_course(Baseline(headache_days=20), VISITS, SETTINGS), SETTINGS)


def test_the_chart_data_of_a_known_course() -> None:
    data = known_course_data()
    assert data.baseline_days == 20
    assert data.threshold_days == pytest.approx(14.0)  # 20 x (1 - 30%)
    assert data.points == (
        TrendPoint(1, FIRST, 22, None, None),
        TrendPoint(2, FIRST + timedelta(days=84), 12, pytest.approx(40.0), True),
        TrendPoint(3, FIRST + timedelta(days=168), None, None, None),
        TrendPoint(4, FIRST + timedelta(days=252), 16, pytest.approx(20.0), False),
    )
    # the cycle without a figure breaks the line, but its session is still marked on the time axis
    assert [[point.cycle for point in run] for run in data.runs()] == [[1, 2], [4]]
    assert data.session_dates == [visit.performed_on for visit in VISITS]
    assert data.days_top() == 25, "22 days at most: the next mark above"
    assert replace(data, baseline_days=25).days_top() == 30, "room above a baseline on a mark, clear of the legend"
    first, last = data.date_range()
    assert first < FIRST and last > VISITS[-1].performed_on


def test_the_threshold_follows_the_setting() -> None:
    strict = replace(SETTINGS, responder_threshold_pct=50)
    data = trend_data(build_course(Baseline(headache_days=20), VISITS, strict), strict)
    assert data.threshold_days == pytest.approx(10.0)
    assert [point.responder for point in data.points] == [None, False, None, False]  # 40% fewer is short of 50%
    assert trend_summary(data) == "Baseline 20 days; last cycle 16 days (20% fewer, no response)."


def test_the_words_say_what_the_chart_shows() -> None:
    two_cycles = build_course(Baseline(headache_days=20), VISITS[:2], SETTINGS)
    assert (
        trend_summary(trend_data(two_cycles, SETTINGS))
        == "Baseline 20 days; last cycle 12 days (40% fewer, a response)."
    )
    data = known_course_data()
    description = trend_description(data)
    assert "Response threshold 14 days or fewer (30% fewer than baseline)." in description
    exact = trend_data(build_course(Baseline(headache_days=25), VISITS, SETTINGS), SETTINGS)
    assert exact.threshold_words() == "17.5 days or fewer", "not 18: 18 days against 25 is no response"
    assert "Response threshold 17.5 days or fewer (30% fewer than baseline)." in trend_description(exact)
    assert "Cycle 3 on 2026-06-22: no figure." in description
    assert "Cycle 4 on 2026-09-14: 16 days, 20% fewer." in description
    without_figure = build_course(Baseline(headache_days=20), VISITS[:3], SETTINGS)
    assert trend_summary(trend_data(without_figure, SETTINGS)).endswith(
        "No headache days recorded at the session of 2026-06-22."
    )
    worse = build_course(Baseline(headache_days=20), [VISITS[0], Visit(VISITS[1].performed_on, 155, 25)], SETTINGS)
    assert "25 days (25% more, no response)" in trend_summary(trend_data(worse, SETTINGS))
    assert trend_summary(trend_data(build_course(None, [], SETTINGS), SETTINGS)).startswith("No baseline")
    no_sessions = build_course(Baseline(headache_days=18), [], SETTINGS)
    assert trend_summary(trend_data(no_sessions, SETTINGS)) == "Baseline 18 days; no signed session yet."


def chart_image(qtbot: QtBot, dark: bool) -> tuple[TrendChart, QImage]:
    chart = TrendChart()
    qtbot.addWidget(chart)
    if dark:
        palette = chart.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#202124"))
        palette.setColor(QPalette.ColorRole.Base, QColor("#202124"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
        chart.setPalette(palette)
        chart.setAutoFillBackground(True)
    chart.resize(640, 220)
    chart.set_course(build_course(Baseline(headache_days=20), VISITS, SETTINGS), SETTINGS)
    return chart, chart.grab().toImage()


def row_has_colour(image: QImage, y: float, colour: QColor) -> bool:
    row = round(y)
    return any(
        image.pixelColor(x, line).rgb() == colour.rgb()
        for x in range(image.width())
        for line in (row - 1, row, row + 1)
    )


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_it_draws_the_lines_and_points_in_either_theme(qtbot: QtBot, dark: bool) -> None:
    chart, image = chart_image(qtbot, dark)
    text, line, threshold, no_response = chart._colours()
    data = chart.data
    assert data.threshold_days is not None
    assert row_has_colour(image, chart.y_for(data.threshold_days), threshold)
    responding = data.points[1]
    assert image.pixelColor(round(chart.x_for(responding.performed_on)), round(chart.y_for(12))).rgb() == line.rgb()
    # the first treatment, not assessed, is a square: its corner is filled, where a circle's would not be
    first = data.points[0]
    corner = (round(chart.x_for(first.performed_on)) + 5, round(chart.y_for(22)) + 5)
    assert image.pixelColor(*corner).rgb() == line.rgb()
    assert (
        image.pixelColor(round(chart.x_for(responding.performed_on)) + 5, round(chart.y_for(12)) + 5).rgb()
        != line.rgb()
    )
    # a cycle without response is a hollow circle: its centre shows the background, its ring the colour
    failing = data.points[3]
    centre_x, centre_y = round(chart.x_for(failing.performed_on)), round(chart.y_for(16))
    assert image.pixelColor(centre_x, centre_y).rgb() != no_response.rgb()
    assert row_has_colour(image, centre_y - 5, no_response)
    background = image.pixelColor(image.width() // 2, image.height() - 2)
    for colour in (text, line, threshold):  # every stroke stands out from the background of its theme
        assert abs(colour.lightness() - background.lightness()) > 60
    assert chart.toolTip() == chart.accessibleDescription() == trend_description(data)
    save_screenshot(chart, f"trend-chart-{'dark' if dark else 'light'}")


def test_the_time_axis_runs_with_the_dates(qtbot: QtBot) -> None:
    chart, _image = chart_image(qtbot, dark=False)
    xs = [chart.x_for(day) for day in chart.data.session_dates]
    assert xs == sorted(xs)
    assert chart.plot_rect().left() < xs[0] and xs[-1] < chart.plot_rect().right()
    assert chart.y_for(20) < chart.y_for(14) < chart.y_for(0) == chart.plot_rect().bottom()


def sign_with_figure(repo: Repository, patient_id: int, performed_on: date, headache_days: int | None) -> None:
    session = charted_session(patient_id, performed_on, "C1234A", repo)
    draft = repo.create_session(replace(session, outcomes=Outcomes(headache_days=headache_days)))
    assert draft.id is not None
    signer = next(i for i in repo.injectors() if i.name == SIGNER.name)  # the stored profile signs
    repo.sign_session(draft.id, signer, datetime.combine(performed_on, time(10, 0), tzinfo=UTC))


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    repository = make_repository(tmp_path)
    repository.save_injector(SIGNER)
    return repository


def test_the_patient_view_shows_the_chosen_patients_course_with_one_visits_query(
    qtbot: QtBot, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    jane = add_patient(repo, "10023", "Doe", "Jane", date(1980, 4, 2))
    rita = add_patient(repo, "10024", "Roe", "Rita", date(1985, 1, 1))
    assert jane.id is not None
    repo.save_baseline(jane.id, Baseline(headache_days=20, headache_hours_per_day=6))
    for visit in VISITS[:2]:
        sign_with_figure(repo, jane.id, visit.performed_on, visit.headache_days)
    finder = PatientFinder(repo, SETTINGS, today=FIRST + timedelta(days=100))
    qtbot.addWidget(finder)
    finder.show()
    calls: list[int] = []
    visits = repo.visits
    monkeypatch.setattr(repo, "visits", lambda patient_id: calls.append(patient_id) or visits(patient_id))

    finder.search.setText("Roe")
    assert calls == [rita.id]
    assert finder.trend.data.points == ()
    assert finder.trend_summary.text() == (
        "No baseline and no signed session yet: the trend shows once headache days are recorded."
    )
    assert not finder.summary_button.isEnabled()

    finder.search.setText("10023")
    assert calls == [rita.id, jane.id]  # one query for the chosen patient's course
    assert [point.headache_days for point in finder.trend.data.points] == [22, 12]
    assert finder.trend.isVisible()
    assert finder.trend_summary.text() == "Baseline 20 days; last cycle 12 days (40% fewer, a response)."
    assert finder.summary_button.isEnabled()
    save_screenshot(finder, "patient-view-trend")

    finder.search.setText("zzz")
    assert not finder.trend.isVisible()


def jane_with_two_cycles_found(qtbot: QtBot, repo: Repository) -> PatientFinder:
    """The patient view showing Jane Doe (10023): a baseline of 20 days and two signed cycles with their figures."""
    jane = add_patient(repo, "10023", "Doe", "Jane", date(1980, 4, 2))
    assert jane.id is not None
    repo.save_baseline(jane.id, Baseline(headache_days=20, headache_hours_per_day=6))
    for visit in VISITS[:2]:
        sign_with_figure(repo, jane.id, visit.performed_on, visit.headache_days)
    finder = PatientFinder(repo, SETTINGS, today=FIRST + timedelta(days=100))
    qtbot.addWidget(finder)
    finder.show()
    finder.search.setText("10023")
    return finder


def test_the_continuation_summary_button_writes_the_pdf_owner_only(
    qtbot: QtBot, repo: Repository, tmp_path: Path
) -> None:
    finder = jane_with_two_cycles_found(qtbot, repo)
    assert finder.summary_button.isEnabled()

    path = tmp_path / "summary.pdf"
    assert finder.write_continuation_summary(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "10023" in text and "2026-03-30" in text
    assert finder.notice.text() == f"Continuation summary written to {path}."

    before = path.read_bytes()
    assert not finder.write_continuation_summary(path)  # an existing file is never replaced without asking
    assert path.read_bytes() == before
    assert finder.error.text() == f"{path} already exists; choose another file name."
    assert not finder.write_continuation_summary(tmp_path / "no such folder" / "summary.pdf")
    assert finder.error.text().startswith("Could not write")


def test_an_edited_baseline_shows_in_the_chart_at_once(qtbot: QtBot, repo: Repository) -> None:
    finder = jane_with_two_cycles_found(qtbot, repo)
    form = finder.open_edit_patient()
    assert form is not None
    form.headache_days.setValue(24)
    assert form.save()
    assert finder.trend.data.baseline_days == 24
    assert finder.trend_summary.text() == "Baseline 24 days; last cycle 12 days (50% fewer, a response)."
