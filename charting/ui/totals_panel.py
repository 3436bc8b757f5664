"""The side panel: per-muscle units and sites against protocol and cap, side totals, total, volume, waste, findings
and the adverse events recorded."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from charting.domain.rules import Finding, by_attention
from charting.domain.session import AdverseEvent
from charting.domain.totals import MuscleTotal
from charting.ui import style
from charting.ui.session_model import SessionModel

SHRUNK_LINES = 3
"""The fewest lines a list (findings, adverse events) shrinks to when the panel is short of height; it scrolls."""


def muscle_line(total: MuscleTotal) -> tuple[str, str, str, str, str]:
    """A muscle's row: label, units "45 / 40" and sites "9 / 8" against protocol, and, for a muscle that takes
    follow-the-pain, its most units "50" and sites "10" (empty for the others)."""
    units = f"{total.units:g} / {total.protocol_units:g}"
    sites = f"{total.sites} / {total.protocol_sites}"
    ftp = total.cap_units > total.protocol_units
    return total.label, units, sites, f"{total.cap_units:g}" if ftp else "", f"{total.cap_sites}" if ftp else ""


def findings_html(findings: tuple[Finding, ...]) -> str:
    """The findings as sentences, each with a symbol and colour for its level: refusals, then clinical notices, then
    the routine reminders to record something (``rules.by_attention``)."""
    if not findings:
        return "<p>No findings: the session is ready to sign.</p>"
    rows = []
    for finding in by_attention(findings):
        colour = style.FINDING_COLOURS[finding.level.value].name()
        symbol = style.FINDING_SYMBOLS[finding.level.value]
        rows.append(
            f"<p style='margin:0 0 3px 0'><span style='color:{colour}; font-weight:bold'>{symbol}</span> "
            f"{html.escape(finding.message)}</p>"
        )
    return "".join(rows)


class FittingScrollArea(QScrollArea):
    """A frameless list that asks for the height of what it shows, and scrolls when the panel gives it less."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._fit: tuple[int, int] | None = None
        """The content's height at a width, as last worked out (laying out rich text is the costly part)."""
        self._told: QSize | None = None
        """The size hint the panel's layout was last told of."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = self._width_given() - 2 * self.frameWidth()  # without a scroll bar: the height that shows it all
        if self._fit is None or self._fit[0] != width:
            content = self.widget()
            assert content is not None
            height = content.heightForWidth(width) if content.hasHeightForWidth() else content.sizeHint().height()
            self._fit = (width, height)
        return QSize(super().sizeHint().width(), self._fit[1])

    def _width_given(self) -> int:
        """The width the panel's column gives the list (known before the list is laid out, unlike its own)."""
        column = self.parentWidget()
        layout = column.layout() if column is not None else None
        if column is None or layout is None:
            return self.width()
        margins = layout.contentsMargins()
        return column.contentsRect().width() - margins.left() - margins.right()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, min(self.sizeHint().height(), SHRUNK_LINES * self.fontMetrics().lineSpacing()))

    def content_changed(self) -> None:
        """What the list shows changed: ask the panel for the height it needs now (the panel is laid out again only
        when that height changed)."""
        self._fit = None
        self._follow_fit(self.height())
        hint = self.sizeHint()
        if hint != self._told:
            self._told = hint
            self.updateGeometry()

    def _follow_fit(self, height: int) -> None:
        # Given the whole height, no scroll bar: one shown while it was shorter would narrow the text and keep itself.
        fits = height >= self.sizeHint().height()
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fits else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        self._follow_fit(event.size().height())
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._told = self.sizeHint()
            self.updateGeometry()  # the width it was given before it was laid out may have been another

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.content_changed()  # rows shown, added or taken away
        return super().eventFilter(watched, event)


class TotalsPanel(QFrame):
    """Always shows where the session stands; updates on every change of the model."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("totalsPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        heading = QLabel("<b>Totals</b>")
        layout.addWidget(heading)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        muted = f"color: {style.MUTED.name()}"
        self.max_title = QLabel("max")
        """Over the last two columns: the most units and sites of a muscle that takes follow-the-pain."""
        self.max_title.setStyleSheet(muted)
        self.max_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.max_title.setToolTip("The most units and sites of a muscle with follow-the-pain sites")
        grid.addWidget(self.max_title, 0, 3, 1, 2)
        for column, text in enumerate(("", "units", "sites", "units", "sites")):
            title = QLabel(text)
            title.setStyleSheet(muted)
            title.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(title, 1, column)
        self.muscle_labels: dict[str, tuple[QLabel, QLabel, QLabel, QLabel]] = {}
        """Each muscle's units and sites against protocol, and its follow-the-pain maximum of units and sites."""
        for row, muscle in enumerate(model.protocol.muscles, start=2):
            grid.addWidget(QLabel(muscle.label), row, 0)
            cells = (QLabel(), QLabel(), QLabel(), QLabel())
            for column, cell in enumerate(cells, start=1):
                cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                grid.addWidget(cell, row, column)
            for cell in cells[2:]:
                cell.setStyleSheet(muted)
                if model.protocol.ftp_cap(muscle.id) is not None:
                    cell.setToolTip(
                        f"{muscle.label} with follow-the-pain: at most "
                        f"{model.protocol.muscle_cap_units(muscle.id):g} U in {model.protocol.muscle_cap_sites(muscle.id)} sites"
                    )
            self.muscle_labels[muscle.id] = cells
        layout.addLayout(grid)
        self.sides = QLabel()
        self.sides.setWordWrap(True)
        layout.addWidget(self.sides)
        self.total = QLabel()
        big = QFont(self.total.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.total.setFont(big)
        layout.addWidget(self.total)
        self.volume = QLabel()
        self.volume.setWordWrap(True)
        self.waste = QLabel()
        medium = QFont(self.waste.font())
        medium.setPointSizeF(medium.pointSizeF() * 1.15)
        medium.setBold(True)
        self.volume.setFont(medium)
        self.waste.setFont(medium)
        layout.addWidget(self.volume)
        layout.addWidget(self.waste)
        layout.addWidget(QLabel("<b>Findings</b>"))
        self.findings = QLabel()
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(Qt.TextFormat.RichText)
        self.findings.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.findings_area = FittingScrollArea(self.findings)
        layout.addWidget(self.findings_area)
        events_heading = QHBoxLayout()
        events_heading.addWidget(QLabel("<b>Adverse events</b>"))
        events_heading.addStretch(1)
        self.record_button = QToolButton()
        """The window gives it the "Record adverse event" action; it stays in view however long the list."""
        events_heading.addWidget(self.record_button)
        layout.addLayout(events_heading)
        events = QWidget()
        self.events_box = QVBoxLayout(events)
        self.events_box.setContentsMargins(0, 0, 0, 0)
        self.events_box.setSpacing(1)
        self.events_area = FittingScrollArea(events)
        layout.addWidget(self.events_area)
        layout.addStretch(1)
        self.adverse_rows: list[tuple[QLabel, QToolButton]] = []
        """Each recorded adverse event: its line and its remove button (hidden once signed)."""
        self._shown_events: tuple[tuple[AdverseEvent, ...], bool] | None = None
        model.session_changed.connect(self.on_session_changed)
        self.on_session_changed()

    def on_session_changed(self) -> None:
        """Show the model's totals and findings."""
        totals = self.model.totals
        for total in totals.muscles:
            for cell, text in zip(self.muscle_labels[total.muscle], muscle_line(total)[1:], strict=True):
                cell.setText(text)
        self.sides.setText(
            f"Left {totals.left_units:g} U   Right {totals.right_units:g} U   Midline {totals.midline_units:g} U"
        )
        self.total.setText(f"Total {totals.total_units:g} U")
        extra = f", {totals.ftp_sites} follow-the-pain" if totals.ftp_sites else ""
        skipped = f", {totals.skipped_sites} skipped" if totals.skipped_sites else ""
        if totals.volume_ml is None:
            self.volume.setText(f"{totals.total_sites} sites{extra}{skipped}; volume: record the saline")
        else:
            self.volume.setText(f"{totals.total_sites} sites{extra}{skipped}, {round(totals.volume_ml, 2):g} mL")
        self.waste.setText(f"Waste {totals.units_wasted:g} U")
        if self.model.read_only:
            findings = "<p>Signed: the session cannot change; corrections are addenda.</p>"
        else:
            findings = findings_html(self.model.findings)
        if findings != self.findings.text():
            self.findings.setText(findings)
            self.findings_area.content_changed()  # the label is the area's content: no layout tells the panel
        self.show_adverse_events()

    def show_adverse_events(self) -> None:
        """List the adverse events, each removable while a draft (rebuilt only when they change)."""
        shown = (self.model.session.adverse_events, self.model.read_only)
        if shown == self._shown_events:
            return
        self._shown_events = shown
        while (item := self.events_box.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()  # at once: the deletion waits for the event loop
                widget.deleteLater()
        self.adverse_rows = []
        events, read_only = shown
        if not events:
            none = QLabel("None recorded.")
            none.setStyleSheet(f"color: {style.MUTED.name()}")
            self.events_box.addWidget(none)
        for index, event in enumerate(events):
            from charting.ui.adverse_events import adverse_event_html  # loads with the first event, as its dialog does

            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(2)
            text = QLabel(adverse_event_html(event))
            text.setTextFormat(Qt.TextFormat.RichText)
            text.setWordWrap(True)
            line.addWidget(text, 1)
            remove = QToolButton()
            remove.setText("\u2715")
            remove.setToolTip(f"Remove {event.event} from this session (Undo brings it back).")
            remove.setAccessibleName(f"Remove adverse event {event.event}")
            remove.clicked.connect(lambda _checked=False, i=index: self.model.remove_adverse_event(i))
            remove.setVisible(not read_only)
            line.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
            self.events_box.addWidget(row)
            self.adverse_rows.append((text, remove))
