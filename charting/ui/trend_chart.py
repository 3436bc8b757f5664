"""The trend chart of the patient view: headache days per treatment cycle against the baseline and response lines.

Drawn with QPainter from ``course.build_course``; the same words the chart shows are its text alternative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from charting.domain.course import Course
from charting.domain.outcomes import response_threshold_days, threshold_days_text
from charting.domain.settings import ClinicalSettings
from charting.ui import style

DAYS_STEP = 5
"""The headache-day axis is marked every 5 days."""
MIN_DAYS_TOP = 10
"""The headache-day axis reaches at least this far, so a few days never fill the chart."""
EDGE_DAYS = 21
"""Days of room on the time axis before the first session and after the last."""
POINT_RADIUS = 5
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 34, 12, 22, 36
DARK_LIGHTNESS = 128
"""A window colour darker than this is a dark theme: the lines are drawn lighter there."""


@dataclass(frozen=True)
class TrendPoint:
    """One treatment cycle as the chart shows it."""

    cycle: int
    performed_on: date
    headache_days: int | None
    reduction_pct: float | None
    responder: bool | None
    """None when no response is worked out (the first treatment, or no figure or baseline)."""


@dataclass(frozen=True)
class TrendData:
    """What the chart draws: a point per cycle, the baseline line and the response-threshold line."""

    points: tuple[TrendPoint, ...]
    baseline_days: int | None
    threshold_days: float | None
    """The most headache days that still count as a response: baseline x (1 - threshold)."""
    threshold_pct: float

    @property
    def session_dates(self) -> list[date]:
        """The dates marked on the time axis: every signed session, with or without a figure."""
        return [point.performed_on for point in self.points]

    def runs(self) -> list[list[TrendPoint]]:
        """The points joined by the line: a cycle without a figure breaks it."""
        runs: list[list[TrendPoint]] = [[]]
        for point in self.points:
            if point.headache_days is None:
                runs.append([])
            else:
                runs[-1].append(point)
        return [run for run in runs if run]

    def threshold_words(self) -> str | None:
        """The threshold as the PDF chart says it: "17.5 days or fewer" (None without a baseline)."""
        if self.baseline_days is None:
            return None
        return threshold_days_text(self.baseline_days, self.threshold_pct)

    def days_top(self) -> int:
        """The top of the headache-day axis: the next mark above the largest figure, so the baseline always has room
        above it and never runs along the top edge under the legend."""
        figures = [point.headache_days for point in self.points if point.headache_days is not None]
        if self.baseline_days is not None:
            figures.append(self.baseline_days)
        largest = max([MIN_DAYS_TOP, *figures])
        return math.ceil((largest + 1) / DAYS_STEP) * DAYS_STEP

    def date_range(self) -> tuple[date, date]:
        """The first and last date of the time axis, with room on either side of the sessions."""
        dates = self.session_dates
        if not dates:
            return date.min, date.min
        return min(dates) - timedelta(days=EDGE_DAYS), max(dates) + timedelta(days=EDGE_DAYS)


def trend_data(course: Course, settings: ClinicalSettings) -> TrendData:
    """The chart's points and lines for a treatment course."""
    points = tuple(
        TrendPoint(
            cycle=cycle.number,
            performed_on=cycle.performed_on,
            headache_days=cycle.headache_days,
            reduction_pct=cycle.response.reduction_pct if cycle.response else None,
            responder=cycle.response.responder if cycle.response else None,
        )
        for cycle in course.cycles
    )
    threshold_pct = settings.responder_threshold_pct
    threshold = None if course.baseline_days is None else response_threshold_days(course.baseline_days, threshold_pct)
    return TrendData(points, course.baseline_days, threshold, threshold_pct)


def _change_words(reduction_pct: float) -> str:
    if reduction_pct >= 0:
        return f"{reduction_pct:.0f}% fewer"
    return f"{-reduction_pct:.0f}% more"


def trend_summary(data: TrendData) -> str:
    """The chart in one or two sentences: "Baseline 20 days; last cycle 12 days (40% fewer)."."""
    if not data.points:
        if data.baseline_days is None:
            return "No baseline and no signed session yet: the trend shows once headache days are recorded."
        return f"Baseline {data.baseline_days} days; no signed session yet."
    baseline = "No baseline recorded" if data.baseline_days is None else f"Baseline {data.baseline_days} days"
    reported = [point for point in data.points if point.reduction_pct is not None]
    if reported:
        last = reported[-1]
        verdict = "a response" if last.responder else "no response"
        text = (
            f"{baseline}; last cycle {last.headache_days} days ({_change_words(last.reduction_pct or 0)}, {verdict})."
        )
    else:
        text = f"{baseline}; no cycle's response worked out yet."
    latest = data.points[-1]
    if latest.cycle > 1 and latest.headache_days is None:
        text += f" No headache days recorded at the session of {latest.performed_on.isoformat()}."
    return text


def trend_description(data: TrendData) -> str:
    """The whole chart in words, for a screen reader and the tooltip."""
    parts = [trend_summary(data)]
    threshold = data.threshold_words()
    if threshold is not None:
        parts.append(f"Response threshold {threshold} ({data.threshold_pct:g}% fewer than baseline).")
    for point in data.points:
        figure = "no figure" if point.headache_days is None else f"{point.headache_days} days"
        change = "" if point.reduction_pct is None else f", {_change_words(point.reduction_pct)}"
        parts.append(f"Cycle {point.cycle} on {point.performed_on.isoformat()}: {figure}{change}.")
    return " ".join(parts)


class TrendChart(QWidget):
    """Headache days per cycle over time, with the baseline (dashed) and the response threshold (dotted).

    A responding cycle is a filled circle, a cycle without response a hollow one, a cycle not assessed (the first
    treatment) a square; each session is a tick with its date on the time axis. Colours follow the window's theme;
    the tooltip says it all in words.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = TrendData((), None, None, ClinicalSettings().responder_threshold_pct)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(150)
        self.setAccessibleName("Headache days by treatment cycle")
        self._describe()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(600, 190)

    def set_course(self, course: Course, settings: ClinicalSettings) -> None:
        """Show this course."""
        self.data = trend_data(course, settings)
        self._describe()
        self.update()

    def _describe(self) -> None:
        description = trend_description(self.data)
        self.setToolTip(description)
        self.setAccessibleDescription(description)

    # geometry

    def plot_rect(self) -> QRectF:
        """The area inside the axes."""
        return QRectF(self.rect()).adjusted(MARGIN_LEFT, MARGIN_TOP, -MARGIN_RIGHT, -MARGIN_BOTTOM)

    def x_for(self, day: date) -> float:
        """Where a date falls on the time axis."""
        first, last = self.data.date_range()
        plot = self.plot_rect()
        span = max((last - first).days, 1)
        return plot.left() + plot.width() * (day - first).days / span

    def y_for(self, days: float) -> float:
        """Where a number of headache days falls on the vertical axis."""
        plot = self.plot_rect()
        return plot.bottom() - plot.height() * days / self.data.days_top()

    # painting

    def _colours(self) -> tuple[QColor, QColor, QColor, QColor]:
        """Text, line, threshold and no-response colours, lighter on a dark theme."""
        text = self.palette().color(QPalette.ColorRole.WindowText)
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < DARK_LIGHTNESS
        if dark:
            return text, style.BLUE.lighter(160), style.GREEN.lighter(130), style.VERMILLION.lighter(130)
        return text, style.BLUE, style.GREEN.darker(120), style.VERMILLION

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text, line, threshold, no_response = self._colours()
        plot = self.plot_rect()
        metrics = QFontMetrics(self.font())
        self._paint_days_axis(painter, plot, metrics, text)
        if not self.data.points:
            painter.setPen(text)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, trend_summary(self.data))
            return
        self._paint_time_axis(painter, plot, metrics, text)
        if self.data.baseline_days is not None:
            label = f"baseline {self.data.baseline_days} days"
            self._paint_level(
                painter, plot, self.data.baseline_days, colour=text, pen_style=Qt.PenStyle.DashLine, label=label
            )
        if self.data.threshold_days is not None:
            label = f"response ({self.data.threshold_pct:g}% fewer): {self.data.threshold_words()}"
            self._paint_level(
                painter, plot, self.data.threshold_days, colour=threshold, pen_style=Qt.PenStyle.DotLine, label=label
            )
        painter.setPen(QPen(line, 2))
        for run in self.data.runs():
            painter.drawPolyline([self._point_at(point) for point in run])
        for point in self.data.points:
            if point.headache_days is None:
                continue
            centre = self._point_at(point)
            if point.responder is None:  # the first treatment, or no baseline: a square, nothing assessed
                painter.setPen(QPen(line, 2))
                painter.setBrush(line)
                painter.drawRect(
                    QRectF(centre.x() - POINT_RADIUS, centre.y() - POINT_RADIUS, 2 * POINT_RADIUS, 2 * POINT_RADIUS)
                )
                continue
            if point.responder:
                painter.setPen(QPen(line, 2))
                painter.setBrush(line)
            else:
                painter.setPen(QPen(no_response, 2))
                painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
            painter.drawEllipse(centre, POINT_RADIUS, POINT_RADIUS)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(text)
        painter.drawText(
            QRectF(plot.left(), 0, plot.width(), MARGIN_TOP),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Headache days a month by cycle   \N{BLACK CIRCLE} response   \N{WHITE CIRCLE} no response   "
            "\N{BLACK SQUARE} not assessed (first treatment)",
        )

    def _point_at(self, point: TrendPoint) -> QPointF:
        return QPointF(self.x_for(point.performed_on), self.y_for(point.headache_days or 0))

    def _paint_days_axis(self, painter: QPainter, plot: QRectF, metrics: QFontMetrics, text: QColor) -> None:
        grid = QColor(text)
        grid.setAlpha(50)
        for days in range(0, self.data.days_top() + 1, DAYS_STEP):
            y = self.y_for(days)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            label_rect = QRectF(0, y - metrics.height() / 2, MARGIN_LEFT - 6, metrics.height())
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(days))

    def _paint_time_axis(self, painter: QPainter, plot: QRectF, metrics: QFontMetrics, text: QColor) -> None:
        painter.setPen(QPen(text, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        free_from = -math.inf
        for day in self.data.session_dates:
            x = self.x_for(day)
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 6))
            label = day.isoformat()
            width = metrics.horizontalAdvance(label)
            left = min(max(x - width / 2, 0), self.width() - width)
            if left >= free_from:  # a label that would overlap the one before is left out; its tick stays
                painter.drawText(QPointF(left, plot.bottom() + 8 + metrics.ascent()), label)
                free_from = left + width + metrics.horizontalAdvance("  ")

    def _paint_level(
        self, painter: QPainter, plot: QRectF, days: float, *, colour: QColor, pen_style: Qt.PenStyle, label: str
    ) -> None:
        y = self.y_for(days)
        painter.setPen(QPen(colour, 1.5, pen_style))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(colour)
        painter.drawText(self.level_label_rect(plot, y, label), Qt.AlignmentFlag.AlignCenter, label)

    def level_label_rect(self, plot: QRectF, y: float, text: str) -> QRectF:
        """Where a line's label goes, just above it: at the right end unless a point is there, else the left end,
        else the widest gap between two points."""
        metrics = QFontMetrics(self.font())
        width, height = metrics.horizontalAdvance(text) + 4, metrics.height()
        markers = [
            QRectF(self._point_at(point), QSize(0, 0)).adjusted(
                -POINT_RADIUS - 2, -POINT_RADIUS - 2, POINT_RADIUS + 2, POINT_RADIUS + 2
            )
            for point in self.data.points
            if point.headache_days is not None
        ]
        xs = sorted(self.x_for(day) for day in self.data.session_dates)
        gaps = sorted(zip([plot.left(), *xs], [*xs, plot.right()], strict=True), key=lambda gap: gap[0] - gap[1])
        lefts = [plot.right() - width, plot.left() + 2] + [(start + end - width) / 2 for start, end in gaps]
        rects = [QRectF(left, y - height - 1, width, height) for left in lefts]
        return next((rect for rect in rects if not any(rect.intersects(marker) for marker in markers)), rects[0])
