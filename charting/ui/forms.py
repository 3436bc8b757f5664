"""The pieces the dialogs' forms share: labels that show text as typed, and a sentence under a field."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QDialog, QLabel, QSizePolicy, QVBoxLayout, QWidget

from charting.ui import style

LAYOUT_DEPTH = 4
"""How many layouts deep a dialog's wrapped sentences may sit (see ``fit_height``)."""


def plain_label(text: str = "") -> QLabel:
    """A label that shows its text as typed: a name like "<b>Kim</b>" is never read as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class ElidedLabel(QLabel):
    """Plain text on one line that never widens its layout: a longer text ends in "\u2026", in full in the tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        """Show the text (elided to the width when it is longer)."""
        super().setText(text)
        self._follow_width()

    def elided_text(self) -> str:
        """The text as painted: whole, or cut to the width with "\u2026"."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._follow_width()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            self.alignment().value,
            self.palette(),
            self.isEnabled(),
            self.elided_text(),
            self.foregroundRole(),
        )

    def _follow_width(self) -> None:
        self.setToolTip(self.text() if self.elided_text() != self.text() else "")


class ErrorLabel(QLabel):
    """A sentence next to a field saying what is wrong with it; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {style.VERMILLION.name()};")
        self.hide()

    def show_error(self, text: str) -> None:
        """Show the sentence, or hide the label when it is empty."""
        self.setText(text)
        self.setVisible(bool(text))
        window = self.window()
        if isinstance(window, QDialog):
            fit_height(window)

    def clear_error(self) -> None:
        """Hide the sentence (the field it speaks of has changed)."""
        if self.isVisible() or self.text():
            self.show_error("")


def field_with_error(widget: QWidget) -> tuple[QWidget, ErrorLabel]:
    """The widget with an error label right under it, for one row of a form."""
    container = QWidget()
    layout = QVBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    error = ErrorLabel()
    layout.addWidget(error)
    return container, error


def fit_height(dialog: QDialog) -> None:
    """Grow the dialog to show every wrapped sentence (Qt does not do it for a window by itself)."""
    layout = dialog.layout()
    if layout is None:
        return
    for _depth in range(LAYOUT_DEPTH):  # each pass carries changed size hints one layout further out
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    layout.activate()
    needed = dialog.heightForWidth(dialog.width())
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)
