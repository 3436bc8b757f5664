"""The pieces the dialogs' forms share: labels that show text as typed, a sentence under a field, a text box."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPainter, QPaintEvent, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

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


class TextBox(QPlainTextEdit):
    """Plain text that wraps, as tall as its text between ``min_lines`` and ``max_lines`` (then it scrolls).

    Like a line edit it says when the user is done: ``editing_finished`` when it loses the focus (to another field,
    a menu, a dialog or another window) or, with ``one_paragraph``, when Return is pressed. Tab moves to the next
    field. With ``one_paragraph`` the text is one paragraph: Return inserts no line break, and pasted line breaks
    read as spaces.
    """

    editing_finished = Signal()

    def __init__(
        self, min_lines: int, max_lines: int, one_paragraph: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.min_lines = min_lines
        self.max_lines = max_lines
        self.one_paragraph = one_paragraph
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(2)
        self.textChanged.connect(self._fit_height)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)  # laid out afresh
        self._fit_height()

    def text(self) -> str:
        """The text as typed."""
        return self.toPlainText()

    def value(self) -> str:
        """The text to record: without leading and trailing blanks; one paragraph's line breaks as spaces."""
        text = self.toPlainText()
        if self.one_paragraph:
            return " ".join(text.split())
        return "\n".join(line.rstrip() for line in text.strip().splitlines())

    def show_value(self, value: str) -> None:
        """Show a recorded value from its start, unless the text shown already records as it."""
        if self.value() != value:
            self.setPlainText(value)

    def lines_needed(self) -> int:
        """How many lines the text takes at the box's width (as laid out, or as measured before the first layout)."""
        laid_out = 0
        block = self.document().firstBlock()
        while block.isValid():
            lines = block.layout().lineCount()
            if lines == 0:
                return self._lines_measured()
            laid_out += lines
            block = block.next()
        return max(1, laid_out)

    def _lines_measured(self) -> int:
        margins = self.viewportMargins()
        chrome = margins.left() + margins.right() + 2 * int(self.document().documentMargin())
        width = self.contentsRect().width() - chrome
        if width <= 0:
            return self.min_lines
        flags = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere
        text = self.toPlainText() or " "
        height = self.fontMetrics().boundingRect(0, 0, width, 1 << 20, flags, text).height()
        return max(1, -(-height // self.fontMetrics().lineSpacing()))

    def shows_all(self) -> bool:
        """True when the whole text is in view (no line scrolled away)."""
        return self.lines_needed() <= self.max_lines and self.verticalScrollBar().value() == 0

    def _fit_height(self) -> None:
        needed = self.lines_needed()
        lines = min(max(needed, self.min_lines), self.max_lines)
        # The scroll bar only past max_lines: QPlainTextEdit would show it for a moment at each new line.
        if needed > self.max_lines:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        else:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.verticalScrollBar().setValue(0)
        margins = self.contentsMargins()
        chrome = margins.top() + margins.bottom() + self.viewportMargins().top() + self.viewportMargins().bottom()
        # The document's margins above and below, and the pixel QPlainTextEdit keeps free under the last line.
        text = lines * self.fontMetrics().lineSpacing() + 2 * int(self.document().documentMargin()) + 1
        self.setFixedHeight(text + chrome)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if self.one_paragraph and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.editing_finished.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.editing_finished.emit()


def scroll_into_view(widget: QWidget) -> None:
    """Scroll the scroll area a widget sits in (if any) so that the widget shows: the keyboard moved it there."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(widget, 0, 0)  # no margin: what already shows stays put under the pointer


def action_and_cancel(dialog: QDialog, layout: QBoxLayout, action: str) -> QPushButton:
    """Add Cancel and the dialog's action button (``action``, the default: Enter acts) at the foot of its layout."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    button.setDefault(True)  # once it is in the dialog, or Qt makes Cancel the default
    return button
