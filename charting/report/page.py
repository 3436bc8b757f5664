"""The page every printed document shares: the clinic's letterhead with the patient line, a footer, "page x of y".

The procedure note and the continuation-of-therapy summary are laid out on a ``LetterheadDocument``: the header is
wrapped (never cut) to the page and drawn on every page, the PDF is dated by the document itself and written in
invariant mode, so the same document always gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from charting.report.fonts import register_fonts
from charting.report.text import Run, TextBlock, TextStyle, TextWriter, text_width

PAPER_SIZES = {"letter": LETTER, "a4": A4}
MARGIN = 0.5 * inch
FOOTER_HEIGHT = 12.0
ACCENT = HexColor("#1F3A5F")
MUTED = HexColor("#555555")
RULE = HexColor("#9AA5B1")
SHADE = HexColor("#EEF1F4")
DRAFT_RED = HexColor("#C00000")
BLACK = HexColor("#000000")
WATERMARK = Color(0.85, 0.1, 0.1, alpha=0.13)
PAGE_TEXT = 72000.0
"""A height no header or table cell reaches: text is measured for its width only."""


def paper_size(paper: str) -> tuple[float, float]:
    """The page's width and height in points for "letter" or "a4"; ValueError for another name."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"Paper size {paper!r} is not one of {', '.join(PAPER_SIZES)}.")
    width, height = PAPER_SIZES[paper]
    return float(width), float(height)


@dataclass(frozen=True)
class Letterhead:
    """What heads and foots every page of a document."""

    title: str
    """Printed at the top right, beside the clinic."""
    metadata_title: str
    """The PDF's title."""
    document: str
    """What the document is, printed in place of the clinic's name when the clinic has none."""
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    patient: str
    """The patient line under the clinic (no-break spaces keep each label with its value)."""
    footer: str
    created_at: datetime
    """The PDF's creation date (a signed note's signing time, so that a reprint is identical)."""
    mark: str = ""
    """A red mark beside the patient line and across each page (the draft mark), or nothing."""


@dataclass(frozen=True)
class PageHeader:
    """The header of every page, wrapped (never cut) to the page: the clinic, its contact line and the patient."""

    clinic: TextBlock
    title_size: float
    """The title's size: smaller beside a clinic name too long for one line."""
    contact: TextBlock
    patient: TextBlock
    height: float
    """From the top margin to the top of the body."""

    CLINIC_TOP = 1.0
    """The clinic's first line starts this far above the top margin."""
    GAPS = (1.5, 2.0)
    """Space between the clinic and the contact line, and between that and the patient line."""
    RULE_BELOW = 5.0
    """The rule's distance below the last baseline; the body starts ``BODY_BELOW`` under the rule."""
    BODY_BELOW = 7.0

    @staticmethod
    def of(head: Letterhead, width: float) -> PageHeader:
        """The header on a page ``width`` points wide (between the margins)."""
        sans, bold, _ = register_fonts()

        def block(text: str, font: str, *, size: float, leading: float, colour: Color, wide: float) -> TextBlock:
            made = TextBlock([Run(text, font, colour)], TextStyle(size, leading))
            made.wrap(wide, PAGE_TEXT)
            return made

        name = head.clinic_name or head.document
        long_name = text_width(name, bold, 11) > width - text_width(head.title, bold, 9) - 12
        title_size = 8.0 if long_name else 9.0
        beside_title = width - text_width(head.title, bold, title_size) - 12
        size, leading = (9.5, 10.5) if long_name else (11.0, 12.0)
        clinic = block(name, bold, size=size, leading=leading, colour=ACCENT, wide=beside_title)
        address = ", ".join(line.strip().rstrip(",") for line in head.clinic_address.splitlines() if line.strip())
        contact_text = " | ".join(part for part in (address, head.clinic_phone) if part)
        contact = block(contact_text, sans, size=7.5, leading=9, colour=MUTED, wide=width)
        beside_mark = width - (text_width(head.mark, bold, 10) + 8 if head.mark else 0)
        patient = block(head.patient, bold, size=8.5, leading=10, colour=BLACK, wide=beside_mark)
        blocks = (clinic, contact, patient)
        last_baseline = (
            PageHeader.CLINIC_TOP
            - sum(b.height for b in blocks[:-1])
            - sum(PageHeader.GAPS)
            - patient.style.size
            - patient.height
            + patient.style.leading
        )
        height = -last_baseline + PageHeader.RULE_BELOW + PageHeader.BODY_BELOW
        return PageHeader(clinic, title_size, contact, patient, height)

    def write(self, text: TextWriter, left: float, top: float) -> float:
        """Write the clinic, contact and patient blocks from ``top`` (the top margin); the patient line's top."""
        y = top + self.CLINIC_TOP
        self.clinic.write(text, left, y)
        y -= self.clinic.height + self.GAPS[0]
        self.contact.write(text, left, y)
        y -= self.contact.height + self.GAPS[1]
        self.patient.write(text, left, y)
        return y


@dataclass(frozen=True)
class PageSetup:
    """What the page template draws on every page, and the page's size."""

    head: Letterhead
    width: float
    height: float
    header: PageHeader

    @staticmethod
    def of(head: Letterhead, paper: str) -> PageSetup:
        """The setup of a document on US Letter or A4."""
        width, height = paper_size(paper)
        return PageSetup(head, width, height, PageHeader.of(head, width - 2 * MARGIN))


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """A canvas that knows the page count at the end, for "page x of y", and dates the PDF by the document."""

    def __init__(self, *args: Any, page: PageSetup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_info = page
        self._pages: list[dict[str, Any]] = []
        created = page.head.created_at
        stamp = created.strftime("D:%Y%m%d%H%M%S")
        offset = created.strftime("%z")
        stamp += f"{offset[:3]}'{offset[3:]}'" if offset else "Z"
        self.setDateFormatter(lambda *_: stamp)

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_page_number(number, total)
            super().showPage()
        super().save()

    def _draw_page_number(self, number: int, total: int) -> None:
        sans, _, _ = register_fonts()
        self.setFont(sans, 7.5)
        self.setFillColor(MUTED)
        self.drawRightString(self._page_info.width - MARGIN, MARGIN - 2, f"page {number} of {total}")


def draw_page_frame(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """The header, the title, the rule under them, the footer and the mark, on one page."""
    page: PageSetup = doc.page_setup
    head, header = page.head, page.header
    sans, bold, _ = register_fonts()
    left, right = MARGIN, page.width - MARGIN
    top = page.height - MARGIN
    canvas.saveState()
    text = TextWriter(canvas)
    patient_top = header.write(text, left, top)
    size = header.title_size
    text.use(bold, size, size, ACCENT)
    text.line(
        right - text_width(head.title, bold, size), top + header.CLINIC_TOP - header.clinic.style.size, head.title
    )
    text.use(sans, 7, 7, MUTED)
    text.line(left, MARGIN - 2, head.footer)
    if head.mark:
        text.use(bold, 10, 10, DRAFT_RED)
        text.line(right - text_width(head.mark, bold, 10), patient_top - header.patient.style.size, head.mark)
    text.flush()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.8)
    rule = top - header.height + header.BODY_BELOW
    canvas.line(left, rule, right, rule)
    if head.mark:
        canvas.setFillColor(WATERMARK)
        canvas.setFont(bold, 64)
        canvas.translate(page.width / 2, page.height / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, head.mark)
    canvas.restoreState()


class LetterheadDocument(BaseDocTemplate):  # type: ignore[misc]  # reportlab ships no type hints
    """A document of one page template: the letterhead, the footer and the mark on every page, one body frame."""

    def __init__(self, buffer: io.BytesIO, page: PageSetup) -> None:
        super().__init__(
            buffer,
            pagesize=(page.width, page.height),
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + page.header.height,
            bottomMargin=MARGIN + FOOTER_HEIGHT,
            title=page.head.metadata_title,
            author=page.head.clinic_name,
            creator="charting",
            invariant=1,
            initialFontName=register_fonts()[0],
        )
        self.page_setup = page
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="note", frames=[frame], onPage=draw_page_frame)])

    def build_pdf(self, story: list[Any]) -> None:
        """Lay out the story on numbered pages."""
        page = self.page_setup
        self.build(story, canvasmaker=lambda *args, **kwargs: NumberedCanvas(*args, page=page, **kwargs))
