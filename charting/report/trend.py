"""The trend chart: headache days at each cycle against the baseline and the response threshold, over time.

Drawn with reportlab's graphics from ``course.build_course`` data: a line through each visit's headache days
(filled green dots for a response, hollow vermillion for none, a hollow grey square for a cycle not assessed: the first
treatment, or any cycle without a baseline), the baseline and the threshold as horizontal lines labelled right of the
plot, a legend of the marks shown above the plot (never crossed by a line), and every session marked on the time axis
with its cycle number (as in the summary's table) and its date where there is room for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, Shape, String
from reportlab.lib.colors import Color, HexColor

from charting import palette
from charting.domain.course import BASELINE_RECORD, FIRST_TREATMENT_VISIT, Course, Cycle
from charting.domain.outcomes import response_threshold_days, threshold_days_text
from charting.report.fonts import register_fonts
from charting.report.text import text_width

RESPONDER_COLOUR = HexColor(palette.GREEN)
NON_RESPONDER_COLOUR = HexColor(palette.SKIPPED)
LINE_COLOUR = HexColor(palette.INJECTED)
INK = HexColor(palette.INK)
MUTED = HexColor(palette.MUTED)
GRID = HexColor("#D5DAE0")
LABEL_SIZE = 6.5
"""No text in the chart is smaller than the printed documents' smallest."""
LEFT, RIGHT, BOTTOM, TOP = 30.0, 84.0, 24.0, 16.0
"""Room around the plot: the day scale (left), the labels of the baseline and threshold lines (right), the session
numbers and dates (bottom), the legend (top)."""
LEGEND_GAP = 10.0
"""Space between one legend entry and the next."""
INSET = 12.0
"""The first and last sessions sit this far inside the plot, clear of its edges."""
LABEL_HEIGHT = 2 * LABEL_SIZE + 2
"""A line's two-line label: the threshold's is moved down to clear the baseline's when the lines are close."""
DOT = 2.6
DAY_STEP = 5
"""The day scale is marked every 5 days."""


@dataclass(frozen=True)
class _Scale:
    """Where dates and day counts fall in the plot."""

    left: float
    right: float
    bottom: float
    top: float
    first: date
    days_across: int
    """Days from the first session to the last (0 for a single date)."""
    top_days: int

    def x(self, on: date) -> float:
        """The horizontal position of a date."""
        if self.days_across == 0:
            return (self.left + self.right) / 2
        return self.left + INSET + (on - self.first).days / self.days_across * (self.right - self.left - 2 * INSET)

    def y(self, days: float) -> float:
        """The vertical position of a number of headache days."""
        return self.bottom + days / self.top_days * (self.top - self.bottom)


def _label(x: float, y: float, text: str, *, colour: Color = INK, anchor: str = "start", bold: bool = False) -> String:
    sans, bold_face, _ = register_fonts()
    font = bold_face if bold else sans
    return String(x, y, text, fontName=font, fontSize=LABEL_SIZE, fillColor=colour, textAnchor=anchor)


class Mark(NamedTuple):
    """How a visit shows on the chart: its fill (None: hollow), its outline, and whether it is a square (a cycle
    whose response is not worked out) rather than a circle; the shape, not only the colour, tells them apart."""

    fill: Color | None
    outline: Color
    square: bool


RESPONSE_MARK = Mark(RESPONDER_COLOUR, RESPONDER_COLOUR, square=False)
NO_RESPONSE_MARK = Mark(None, NON_RESPONDER_COLOUR, square=False)
NOT_ASSESSED_MARK = Mark(None, MUTED, square=True)


def visit_mark(cycle: Cycle) -> Mark:
    """The mark of a visit: a response, none, or not assessed (the first treatment, or no baseline)."""
    if cycle.response is None:
        return NOT_ASSESSED_MARK
    return RESPONSE_MARK if cycle.response.responder else NO_RESPONSE_MARK


def _draw_mark(x: float, y: float, mark: Mark) -> Shape:
    """A mark centred on (x, y)."""
    if mark.square:
        return Rect(x - DOT, y - DOT, 2 * DOT, 2 * DOT, fillColor=mark.fill, strokeColor=mark.outline, strokeWidth=1)
    return Circle(x, y, DOT, fillColor=mark.fill, strokeColor=mark.outline, strokeWidth=1)


def not_assessed_words(course: Course) -> str:
    """What a grey square means in this course: the first treatment (against a baseline record, or as the baseline
    itself), or any cycle when there is no baseline."""
    unassessed = [c.number for c in course.cycles if c.response is None and c.headache_days is not None]
    if unassessed == [1] and course.baseline_source == BASELINE_RECORD:
        return "first treatment (not assessed)"
    if unassessed == [1] and course.baseline_source == FIRST_TREATMENT_VISIT:
        return "first treatment (its figures are the baseline)"
    return "not assessed"


def legend_entries(course: Course) -> list[tuple[Mark, str]]:
    """The legend: each kind of mark the chart shows, with its words, and no other."""
    shown = {visit_mark(cycle) for cycle in course.cycles if cycle.headache_days is not None}
    entries = [
        (RESPONSE_MARK, "response"),
        (NO_RESPONSE_MARK, "no response"),
        (NOT_ASSESSED_MARK, not_assessed_words(course)),
    ]
    return [entry for entry in entries if entry[0] in shown]


def trend_drawing(course: Course, threshold_pct: float, *, width: float, height: float) -> Drawing:
    """The course as a chart ``width`` by ``height`` points (an empty frame when there is no session)."""
    drawing = Drawing(width, height)
    recorded = [cycle.headache_days for cycle in course.cycles if cycle.headache_days is not None]
    highest = max([*recorded, course.baseline_days or 0, 1])
    dates = [cycle.performed_on for cycle in course.cycles]
    first = min(dates, default=date.min)
    scale = _Scale(
        left=LEFT,
        right=width - RIGHT,
        bottom=BOTTOM,
        top=height - TOP,
        first=first,
        days_across=(max(dates) - first).days if dates else 0,
        top_days=DAY_STEP * math.ceil((highest + 1) / DAY_STEP),
    )
    _axes(drawing, scale)
    _legend(drawing, scale, course)
    if course.baseline_days is not None:
        _reference_lines(drawing, scale, course.baseline_days, threshold_pct)
    points = [(scale.x(c.performed_on), scale.y(c.headache_days)) for c in course.cycles if c.headache_days is not None]
    if len(points) > 1:
        drawing.add(PolyLine([value for point in points for value in point], strokeColor=LINE_COLOUR, strokeWidth=1))
    for cycle in course.cycles:
        if cycle.headache_days is not None:
            x, y = scale.x(cycle.performed_on), scale.y(cycle.headache_days)
            drawing.add(_draw_mark(x, y, visit_mark(cycle)))
    _sessions(drawing, scale, course)
    return drawing


def _axes(drawing: Drawing, scale: _Scale) -> None:
    """The day scale with its grid, the axes, and the scale's name up the left side."""
    for days in range(0, scale.top_days + 1, DAY_STEP):
        y = scale.y(days)
        drawing.add(Line(scale.left, y, scale.right, y, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(_label(scale.left - 3, y - 2, f"{days}", colour=MUTED, anchor="end"))
    drawing.add(Line(scale.left, scale.bottom, scale.right, scale.bottom, strokeColor=INK, strokeWidth=0.6))
    drawing.add(Line(scale.left, scale.bottom, scale.left, scale.top, strokeColor=INK, strokeWidth=0.6))
    name = Group(_label(0, 0, "headache days", colour=MUTED, anchor="middle"))
    name.transform = (0, 1, -1, 0, 7, (scale.bottom + scale.top) / 2)
    drawing.add(name)


def _legend(drawing: Drawing, scale: _Scale, course: Course) -> None:
    """A mark and its words for each kind of mark shown, in a row above the plot."""
    sans, _, _ = register_fonts()
    x, y = scale.left, scale.top + TOP / 2
    for mark, words in legend_entries(course):
        drawing.add(_draw_mark(x + DOT, y, mark))
        drawing.add(_label(x + 2 * DOT + 3, y - LABEL_SIZE / 3, words))
        x += 2 * DOT + 3 + text_width(words, sans, LABEL_SIZE) + LEGEND_GAP


def _reference_lines(drawing: Drawing, scale: _Scale, baseline_days: int, threshold_pct: float) -> None:
    """The baseline (dashed) and the response threshold (dotted), each labelled at its right end."""
    baseline = scale.y(baseline_days)
    drawing.add(
        Line(scale.left, baseline, scale.right, baseline, strokeColor=INK, strokeWidth=0.8, strokeDashArray=[4, 2])
    )
    _line_label(drawing, scale, baseline, ("baseline", f"{baseline_days} days"), INK)
    threshold = scale.y(response_threshold_days(baseline_days, threshold_pct))
    drawing.add(
        Line(
            scale.left,
            threshold,
            scale.right,
            threshold,
            strokeColor=RESPONDER_COLOUR,
            strokeWidth=0.8,
            strokeDashArray=[1.5, 1.5],
        )
    )
    words = (f"response threshold {threshold_pct:g}%", threshold_days_text(baseline_days, threshold_pct))
    _line_label(drawing, scale, min(threshold, baseline - LABEL_HEIGHT), words, RESPONDER_COLOUR)


def _line_label(drawing: Drawing, scale: _Scale, y: float, lines: tuple[str, str], colour: Color) -> None:
    """Two lines of label right of the plot, centred on the line they name."""
    drawing.add(_label(scale.right + 4, y + 1, lines[0], colour=colour))
    drawing.add(_label(scale.right + 4, y - LABEL_SIZE - 0.5, lines[1], colour=colour))


def _sessions(drawing: Drawing, scale: _Scale, course: Course) -> None:
    """A tick at each session; its cycle number, and its date under it, wherever they do not crowd the last shown."""
    sans, bold, _ = register_fonts()
    number_right = date_right = -math.inf
    for cycle in course.cycles:
        x = scale.x(cycle.performed_on)
        drawing.add(Line(x, scale.bottom, x, scale.bottom - 3, strokeColor=INK, strokeWidth=0.6))
        number = f"{cycle.number}"
        half = text_width(number, bold, LABEL_SIZE) / 2
        if x - half > number_right + 2:
            drawing.add(_label(x, scale.bottom - 10, number, anchor="middle", bold=True))
            number_right = x + half
        when = cycle.performed_on.isoformat()
        half = text_width(when, sans, LABEL_SIZE) / 2
        if x - half > date_right + 4:
            drawing.add(_label(x, scale.bottom - 19, when, colour=MUTED, anchor="middle"))
            date_right = x + half
