"""The pieces the dialogs' forms share: labels that show text as typed, and a sentence under a field."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from charting.ui import style

LAYOUT_DEPTH = 4
"""How many layouts deep a dialog's wrapped sentences may sit (see ``fit_height``)."""


def plain_label(text: str = "") -> QLabel:
    """A label that shows its text as typed: a name like "<b>Kim</b>" is never read as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


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
