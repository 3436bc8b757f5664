"""Print and Export in the window: the same note as `charting export-pdf`, printed page by page."""

from __future__ import annotations

import stat
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QImage, QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from pytestqt.qtbot import QtBot

from charting.ui.printing import PdfPages, note_printer
from charting.ui.window import MainWindow


def test_export_writes_the_draft_note_owner_only(charting: MainWindow, tmp_path: Path) -> None:
    charting.model.apply_protocol()
    target = tmp_path / "note.pdf"
    assert charting.act_export.isEnabled()
    assert charting.export_note_to(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = PdfReader(target).pages[0].extract_text()
    assert "DOE, Jane" in text
    assert "DRAFT" in text
    assert "155 U" in text
    assert "note.pdf" in charting.statusBar().currentMessage()


def test_export_failure_is_a_notice(charting: MainWindow, tmp_path: Path) -> None:
    assert not charting.export_note_to(tmp_path / "no such folder" / "note.pdf")
    assert "Could not write" in charting.notice.text()


def test_nothing_to_print_without_a_session(window: MainWindow) -> None:
    assert not window.act_print.isEnabled()
    assert not window.act_export.isEnabled()
    assert window.note_pdf() is None


def test_print_preview_opens_on_the_note(charting: MainWindow, qtbot: QtBot) -> None:
    charting.model.apply_protocol()
    charting.print_note()
    dialog = charting.dialog
    assert isinstance(dialog, QPrintPreviewDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.close()


def test_pages_are_painted_onto_the_printer(charting: MainWindow, tmp_path: Path) -> None:
    charting.model.apply_protocol()
    pdf = charting.note_pdf()
    assert pdf is not None
    pages = PdfPages(pdf)
    assert pages.count == 1
    printer = note_printer("letter")
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.Letter
    assert note_printer("a4").pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(72)
    output = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(output))
    assert pages.paint(printer) == 1
    assert len(PdfReader(output).pages) == 1
    assert stat.S_IMODE(output.stat().st_mode) == 0o600, "a note printed to a file is its owner's only"
    image = pages.document.render(0, pages.document.pagePointSize(0).toSize())
    assert isinstance(image, QImage)
    assert not image.isNull()
