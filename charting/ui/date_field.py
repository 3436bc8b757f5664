"""Dates typed as they are printed (a vial's expiry, the time a vial was mixed), or left "not set".

A QDateEdit cannot show "not set" and take a typed date: its "not set" is a special minimum value, and typing into
it edits that text. These fields are line edits: empty is not set, what is typed is read when the field is left
(or Enter is pressed), and a date that cannot be read is said under the field.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from datetime import date, datetime, time

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from charting.ui.forms import ErrorLabel

NOT_SET = "not set"
"""What an empty date field shows."""
DATE_FORMAT = "%Y-%m-%d"
DATE_TIME_FORMAT = "%Y-%m-%d %H:%M"

_DATE = re.compile(r"(\d{4})[-/.]?(\d{1,2})(?:[-/.]?(\d{1,2}))?")
"""2027-01-31, 2027/1/31, 20270131, or a year and month (2027-01) as vial labels often print an expiry."""
_TIME = re.compile(r"(\d{1,2})[:.h]?(\d{2})")
"""10:30, 10.30, 1030."""


def parse_date(text: str) -> date | None:
    """The date typed (a year and month alone is the month's last day); None when empty; ValueError if unreadable."""
    text = text.strip()
    if not text:
        return None
    found = _DATE.fullmatch(text)
    if found is None:
        raise ValueError(text)
    year, month = int(found[1]), int(found[2])
    if not 1 <= month <= 12:
        raise ValueError(text)
    day = int(found[3]) if found[3] else monthrange(year, month)[1]
    return date(year, month, day)


def parse_date_time(text: str, day: date) -> datetime | None:
    """The local date and time typed ("2026-11-25 10:30"; a time alone is on ``day``); None when empty."""
    text = text.strip()
    if not text:
        return None
    date_text, _, time_text = text.replace("T", " ").rpartition(" ")
    found = _TIME.fullmatch(time_text)
    if found is None:
        raise ValueError(text)
    on = parse_date(date_text) if date_text else day
    if on is None:
        raise ValueError(text)
    return datetime.combine(on, time(int(found[1]), int(found[2])))


class DateField(QWidget):
    """A date, or not set: typed, or (``with_calendar``) picked in a calendar that opens at the date or today.

    ``edited`` carries the new value (a ``date``, or ``None`` once cleared) each time the user changes it.
    """

    edited = Signal(object)

    def __init__(self, problem: str, with_calendar: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        """The sentence shown when what is typed cannot be read."""
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(NOT_SET)
        self.edit.setClearButtonEnabled(True)
        self.edit.editingFinished.connect(self.read_typed)
        self._shown = ""
        """The text of the value shown, so that leaving the field unchanged changes nothing."""
        self.error = ErrorLabel()
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(2)
        line.addWidget(self.edit, 1)
        self.calendar: QCalendarWidget | None = None
        self.calendar_button: QToolButton | None = None
        if with_calendar:
            self.calendar_button = self._calendar_button()
            line.addWidget(self.calendar_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(line)
        column.addWidget(self.error)
        self.setFocusProxy(self.edit)

    def _calendar_button(self) -> QToolButton:
        button = QToolButton()
        button.setText("\u25be")
        button.setToolTip("Pick the date in a calendar")
        button.setAccessibleName("Calendar")
        menu = QMenu(button)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._turn_calendar)
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        return button

    def parse(self, text: str) -> object:
        """The value of a text (None when empty); ValueError when it cannot be read."""
        return parse_date(text)

    def format(self, value: object) -> str:
        """The text of a value."""
        assert isinstance(value, date)
        return value.strftime(DATE_FORMAT)

    def set_value(self, value: object) -> None:
        """Show a recorded value (None: not set), forgetting anything typed and not read."""
        self._shown = "" if value is None else self.format(value)
        if self.edit.text() != self._shown:
            self.edit.setText(self._shown)
        self.error.clear_error()

    def read_typed(self) -> bool:
        """Record what is typed (``edited``), or say under the field why it cannot be read (then False)."""
        text = self.edit.text().strip()
        if text == self._shown:
            self.error.clear_error()
            return True
        try:
            value = self.parse(text)
        except ValueError:
            self.error.show_error(self.problem)
            return False
        self.error.clear_error()
        self._shown = "" if value is None else self.format(value)
        self.edit.setText(self._shown)
        self.edited.emit(value)
        return True

    def _turn_calendar(self) -> None:
        """Open the calendar at the date shown, or at today's month when none is."""
        assert self.calendar is not None
        try:
            shown = self.parse(self.edit.text())
        except ValueError:
            shown = None
        day = shown if isinstance(shown, date) else date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, day: QDate) -> None:
        if self.calendar_button is not None and (menu := self.calendar_button.menu()) is not None:
            menu.close()
        self.edit.setText(self.format(date(day.year(), day.month(), day.day())))
        self.read_typed()


class DateTimeField(DateField):
    """A local date and time, or not set: "2026-11-25 10:30", or a time alone on the day ``day()`` gives."""

    def __init__(self, problem: str, day: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(problem, with_calendar=False, parent=parent)
        self.day = day

    def parse(self, text: str) -> object:
        """The local date and time of a text (None when empty); ValueError when it cannot be read."""
        return parse_date_time(text, self.day())

    def format(self, value: object) -> str:
        """The text of a local date and time."""
        assert isinstance(value, datetime)
        return value.strftime(DATE_TIME_FORMAT)
