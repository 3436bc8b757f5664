"""Printing the procedure note: the same PDF the export writes, drawn page by page onto a printer."""

from __future__ import annotations

import contextlib
import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

PAPER_SIZES = {"letter": QPageSize.PageSizeId.Letter, "a4": QPageSize.PageSizeId.A4}
RENDER_DPI = 600
"""The resolution pages are drawn at for the printer: sharp on paper, a quarter of the memory of 1200 dpi."""
POINTS_PER_INCH = 72


def note_printer(paper: str) -> QPrinter:
    """A printer set to the clinic's paper, portrait, with no margins of its own (the note has its own)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(PAPER_SIZES.get(paper, QPageSize.PageSizeId.Letter)))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    return printer


class PdfPages(QObject):
    """A PDF held in memory, whose pages can be drawn onto a printer; give it the dialog that uses it as parent."""

    def __init__(self, pdf: bytes, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

    @property
    def count(self) -> int:
        """The number of pages (0 when the PDF could not be read)."""
        return self.document.pageCount()

    def paint(self, printer: QPrinter) -> int:
        """Draw every page onto the printer, each scaled to fill its page; returns the pages drawn."""
        painter = QPainter()
        if not painter.begin(printer):
            return 0
        try:
            for page in range(self.count):
                if page:
                    printer.newPage()
                area = painter.viewport()
                points = self.document.pagePointSize(page)
                scale = min(area.width() / points.width(), area.height() / points.height())
                size = QSize(round(points.width() * scale), round(points.height() * scale))
                drawn = min(scale, RENDER_DPI / POINTS_PER_INCH)
                image = self.document.render(page, QSize(round(points.width() * drawn), round(points.height() * drawn)))
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(QRect(area.topLeft(), size), image)
        finally:
            painter.end()
        if printer.outputFileName():  # printed to a file: a patient's note, readable by its owner only
            with contextlib.suppress(OSError):
                os.chmod(printer.outputFileName(), 0o600)
        return self.count


def print_preview(pdf: bytes, paper: str, parent: QWidget) -> tuple[QPrinter, QPrintPreviewDialog]:
    """A print preview of the PDF on the clinic's paper; keep the printer alive as long as the dialog."""
    printer = note_printer(paper)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle("Print the procedure note")
    pages = PdfPages(pdf, parent=dialog)
    dialog.paintRequested.connect(pages.paint)
    dialog.resize(900, 720)
    return printer, dialog
