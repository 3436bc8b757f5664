"""Lay out a ``ProcedureNote`` as a PDF: named styles, a page template with a header on every page, page x of y.

Text is laid out by ``text.TextBlock``, which has no markup: what a user typed always prints as itself. The output
is deterministic: invariant mode (fixed document id) and the note's own creation date, so a reprint of a signed
note is identical.

The session itself always fits one page: the note is set in the largest of a few ``DENSITIES`` (type sizes and
spacing) that puts everything up to the signature on page 1. Nothing is ever cut: only addenda written after signing
may flow to a continuation page, under the same header with "page x of y" (and a session so long that even the
densest setting cannot hold it, which no realistic session is, flows the same way).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
)

from charting.report.diagram import (
    FTP_COLOUR,
    INJECTED_COLOUR,
    NOT_GIVEN_COLOUR,
    SKIPPED_COLOUR,
    Marker,
    PdfArt,
    ViewDiagram,
    load_art,
)
from charting.report.fonts import register_fonts
from charting.report.grid import Cell, Grid
from charting.report.note import DRAFT_MARK, NoteMark, ProcedureNote
from charting.report.pairs import PAD as PAIR_PAD
from charting.report.pairs import KeyLook, KeyValueColumns
from charting.report.svg import SvgError
from charting.report.text import Run, TextBlock, TextStyle, TextWriter, text_width
from charting.resources import diagram_path

log = logging.getLogger(__name__)

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


TIGHT = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ("TOPPADDING", (0, 0), (-1, -1), 0.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
]
"""Table padding for dense rows."""
CELL_LEADING = 1.175
"""The most leading (as a share of the size) a value or table cell gets: they sit in rows that separate them."""
KEY_GAP = 8.0
"""Space between the widest key and its value."""


@dataclass(frozen=True)
class Density:
    """How tightly the note is set: type sizes (points), leading as a share of the size, and spacing."""

    text: float
    """The body: every paragraph, including the long free text (notices, adverse events, comments, addenda)."""
    cell: float
    """Values beside their keys and table cells."""
    small: float
    """Keys, muted table labels and the diagram's legend."""
    leading: float
    section: float
    """Section headings, and the signature line."""
    gap: float
    """Space above a section heading."""
    pad: float
    """Padding above and below a table row."""


DENSITIES = (
    Density(text=8.5, cell=8, small=7.5, leading=1.22, section=9, gap=4, pad=1),
    Density(text=8, cell=7.5, small=7, leading=1.2, section=8.5, gap=3, pad=0.75),
    Density(text=7.5, cell=7.5, small=7, leading=1.18, section=8.5, gap=2.5, pad=0.5),
    Density(text=7, cell=7, small=6.5, leading=1.16, section=8, gap=2, pad=0.5),
    Density(text=6.5, cell=6.5, small=6.5, leading=1.13, section=7.5, gap=1.5, pad=0.25),
)
"""From the most open to the densest; the note takes the first that puts the whole session on one page. No text is
ever set below 6.5 pt."""


@dataclass(frozen=True)
class Look:
    """A named text style of the note: font, colour, size, leading and spacing."""

    font: str
    colour: Color
    style: TextStyle


def note_looks(density: Density = DENSITIES[0]) -> dict[str, Look]:
    """The note's named text styles at a density (the first: 8.5 pt body, dense but clean)."""
    sans, bold, mono = register_fonts()
    d = density

    def style(size: float, leading: float = d.leading, space_before: float = 0.0) -> TextStyle:
        return TextStyle(size, round(size * leading, 2), space_before=space_before)

    return {
        "Body": Look(sans, BLACK, style(d.text)),
        "Small": Look(sans, BLACK, style(d.small)),
        "Cell": Look(sans, BLACK, style(d.cell, min(d.leading, CELL_LEADING))),
        "Section": Look(bold, ACCENT, style(d.section, space_before=d.gap)),
        "Mono": Look(mono, BLACK, style(7)),
        "Draft": Look(bold, DRAFT_RED, TextStyle(10, 12)),
        "Signature": Look(bold, BLACK, style(d.section)),
    }


TITLE = "Procedure note: onabotulinumtoxinA for chronic migraine"


@dataclass(frozen=True)
class _Header:
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
    def of(note: ProcedureNote, width: float) -> _Header:
        """The header of a note on a page ``width`` points wide (between the margins)."""
        sans, bold, _ = register_fonts()

        def block(text: str, font: str, *, size: float, leading: float, colour: Color, wide: float) -> TextBlock:
            made = TextBlock([Run(text, font, colour)], TextStyle(size, leading))
            made.wrap(wide, PAGE_TEXT)
            return made

        name = note.clinic_name or "Procedure note"
        long_name = text_width(name, bold, 11) > width - text_width(TITLE, bold, 9) - 12
        title_size = 8.0 if long_name else 9.0
        beside_title = width - text_width(TITLE, bold, title_size) - 12
        size, leading = (9.5, 10.5) if long_name else (11.0, 12.0)
        clinic = block(name, bold, size=size, leading=leading, colour=ACCENT, wide=beside_title)
        address = ", ".join(line.strip().rstrip(",") for line in note.clinic_address.splitlines() if line.strip())
        contact_text = " | ".join(part for part in (address, note.clinic_phone) if part)
        contact = block(contact_text, sans, size=7.5, leading=9, colour=MUTED, wide=width)
        # No-break spaces keep each label with its value and space the items apart (a line breaks between them).
        who = (
            f"{note.patient_name}\xa0\xa0 MRN\xa0{note.patient_mrn}\xa0\xa0 DOB\xa0{note.patient_dob}\xa0\xa0 "
            f"Date\xa0of\xa0service\xa0{note.date_of_service}"
        )
        beside_mark = width - (text_width(DRAFT_MARK, bold, 10) + 8 if note.is_draft else 0)
        patient = block(who, bold, size=8.5, leading=10, colour=BLACK, wide=beside_mark)
        blocks = (clinic, contact, patient)
        last_baseline = (
            _Header.CLINIC_TOP
            - sum(b.height for b in blocks[:-1])
            - sum(_Header.GAPS)
            - patient.style.size
            - patient.height
            + patient.style.leading
        )
        height = -last_baseline + _Header.RULE_BELOW + _Header.BODY_BELOW
        return _Header(clinic, title_size, contact, patient, height)

    def write(self, text: TextWriter, left: float, top: float) -> float:
        """Write the clinic, contact and patient blocks from ``top`` (the top margin); the patient line's top."""
        y = top + self.CLINIC_TOP
        self.clinic.write(text, left, y)
        y -= self.clinic.height + self.GAPS[0]
        self.contact.write(text, left, y)
        y -= self.contact.height + self.GAPS[1]
        self.patient.write(text, left, y)
        return y


PAGE_TEXT = 72000.0
"""A height no header or table cell reaches: text is measured for its width only."""


@dataclass(frozen=True)
class _Page:
    """What the page template draws on every page."""

    note: ProcedureNote
    width: float
    height: float
    header: _Header


class _NoteCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """A canvas that knows the page count at the end, for "page x of y", and dates the PDF by the note."""

    def __init__(self, *args: Any, page: _Page, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_info = page
        self._pages: list[dict[str, Any]] = []
        created = page.note.created_at
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


def _draw_page_frame(canvas: Canvas, doc: BaseDocTemplate) -> None:
    page: _Page = doc.note_page
    note, header = page.note, page.header
    sans, bold, _ = register_fonts()
    left, right = MARGIN, page.width - MARGIN
    top = page.height - MARGIN
    canvas.saveState()
    text = TextWriter(canvas)
    patient_top = header.write(text, left, top)
    size = header.title_size
    text.use(bold, size, size, ACCENT)
    text.line(right - text_width(TITLE, bold, size), top + header.CLINIC_TOP - header.clinic.style.size, TITLE)
    footer = note.document_id
    if note.printed_at:
        footer += f" | printed {note.printed_at}"
    text.use(sans, 7, 7, MUTED)
    text.line(left, MARGIN - 2, footer)
    if note.is_draft:
        text.use(bold, 10, 10, DRAFT_RED)
        text.line(right - text_width(DRAFT_MARK, bold, 10), patient_top - header.patient.style.size, DRAFT_MARK)
    text.flush()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.8)
    rule = top - header.height + header.BODY_BELOW
    canvas.line(left, rule, right, rule)
    if note.is_draft:
        canvas.setFillColor(WATERMARK)
        canvas.setFont(bold, 64)
        canvas.translate(page.width / 2, page.height / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, DRAFT_MARK)
    canvas.restoreState()


class _NoteDocument(BaseDocTemplate):  # type: ignore[misc]  # reportlab ships no type hints
    """The note's document: one page template with the header, footer and draft mark."""

    def __init__(self, buffer: io.BytesIO, page: _Page) -> None:
        super().__init__(
            buffer,
            pagesize=(page.width, page.height),
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + page.header.height,
            bottomMargin=MARGIN + FOOTER_HEIGHT,
            title=page.note.title,
            author=page.note.clinic_name,
            creator="charting",
            invariant=1,
            initialFontName=register_fonts()[0],
        )
        self.note_page = page
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
        self.addPageTemplates([PageTemplate(id="note", frames=[frame], onPage=_draw_page_frame)])
        self.session_end: Flowable | None = None
        """The last flowable of the session itself (the signature box); ``session_pages`` is the page it is on."""
        self.session_pages = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's name
        if flowable is self.session_end:
            self.session_pages = self.page


class _Builder:
    """Turns the note into flowables with the named styles."""

    def __init__(self, note: ProcedureNote, width: float, density: Density = DENSITIES[0]) -> None:
        self.note = note
        self.width = width
        self.density = density
        self.looks = note_looks(density)
        self.sans, self.bold, _ = register_fonts()
        self.signature_box: Flowable | None = None
        """The box with the signature (or the draft mark): the end of what must fit on page 1."""

    def p(self, *parts: str | Run, style: str = "Body") -> TextBlock:
        """A block of literal text in a named style; a ``Run`` part keeps its own font and colour."""
        look = self.looks[style]
        runs = [part if isinstance(part, Run) else Run(part, look.font, look.colour) for part in parts]
        return TextBlock(runs, look.style)

    def labelled(self, label: str, value: str, style: str = "Body") -> TextBlock:
        """'Label: value' with the label in bold."""
        return self.p(Run(f"{label} ", self.bold, self.looks[style].colour), value, style=style)

    def table(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float]) -> Grid:
        """A table whose plain-text cells, even empty ones, use the embedded font."""
        return Grid(rows, widths, [("FONTNAME", (0, 0), (-1, -1), self.sans)])

    def font(
        self,
        start: tuple[int, int],
        end: tuple[int, int],
        *,
        bold: bool = False,
        size: float | None = None,
        colour: Color = BLACK,
    ) -> list[tuple[Any, ...]]:
        """Table style commands for plain-text cells (drawn literally, no markup: nothing to escape).

        The size is the density's cell size unless given.
        """
        sans, bold_face, _ = register_fonts()
        size = size or self.density.cell
        return [
            ("FONTNAME", start, end, bold_face if bold else sans),
            ("FONTSIZE", start, end, size),
            ("LEADING", start, end, size * 1.18),
            ("TEXTCOLOR", start, end, colour),
        ]

    def section(self, title: str) -> TextBlock:
        return self.p(title, style="Section")

    def pairs(self, items: Sequence[tuple[str, str]]) -> KeyValueColumns:
        """Key/value pairs in two side-by-side columns, filled down then across, each column on its own; the keys
        take the width of the widest, the values the rest."""
        d = self.density
        key = KeyLook(self.bold, d.small, MUTED, top=PAIR_PAD + d.cell - d.small)
        key_width = max(text_width(label, key.font, key.size) for label, _ in items) + KEY_GAP
        return KeyValueColumns(
            [(label, self.p(value, style="Cell")) for label, value in items], columns=2, key_width=key_width, key=key
        )

    def visit(self) -> list[Flowable]:
        n = self.note
        injector = f"{n.injector} (NPI {n.injector_npi})" if n.injector_npi else n.injector
        items = [
            ("Patient", n.patient_name),
            ("Date of birth", f"{n.patient_dob} ({n.patient_age})"),
            ("Record number", n.patient_mrn),
            ("Allergies", n.patient_allergies),
            ("Date of service", n.date_of_service),
            ("Injector", injector),
            ("Diagnosis", n.diagnosis),
        ]
        return [self.pairs(items)]

    def indication(self) -> list[Flowable]:
        n = self.note
        return [
            self.section("Indication and pre-procedure checks"),
            self.pairs([*n.indication, *n.procedure_checks]),
        ]

    def product(self) -> list[Flowable]:
        return [self.section("Product and preparation"), self.pairs(self.note.product)]

    def diagram(self) -> list[Flowable]:
        n = self.note
        gap = 6.0
        each = (self.width - gap * (len(n.views) - 1)) / len(n.views)
        cells = []
        for view in n.views:
            markers = [_marker(mark) for mark in n.marks if mark.view == view.id]
            label = view.label
            drawing = ViewDiagram(
                _art(view.diagram),
                markers,
                label=label,
                width=view.width,
                height=view.height,
                points_wide=each,
                sides=(view.viewer_left, view.viewer_right),
            )
            cells.append(drawing)
        table = self.table([cells], [each + gap] * (len(cells) - 1) + [each])
        table.set_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
        legend = self.p(
            Run("\u25cf", self.sans, INJECTED_COLOUR),
            " injected (units inside) ",
            Run("\u25c6", self.sans, FTP_COLOUR),
            " follow-the-pain ",
            Run("\u2298", self.sans, SKIPPED_COLOUR),
            " skipped ",
            Run("\u25cb", self.sans, NOT_GIVEN_COLOUR),
            " not given (L and R: the patient's left and right)",
            style="Small",
        )
        # The legend sits beside the heading, on its baseline, to spare a line.
        heading = self.section("Injection sites")
        heading_width = text_width("Injection sites", self.bold, heading.style.size) + 12
        title = self.table([[heading, legend]], [heading_width, self.width - heading_width])
        title.set_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (1, 0), (1, 0), heading.style.leading - legend.style.leading),
            ]
        )
        title.spaceBefore = heading.style.space_before
        return [title, table]

    def muscles(self) -> Grid:
        n = self.note
        rows: list[list[str]] = [["Muscle", "Left", "Right", "Midline", "Total", "Protocol"]]
        for row in (*n.muscle_rows, n.total_row):
            name = row.muscle + (f" (FTP {row.ftp_sites})" if row.ftp_sites else "")
            rows.append([name, row.left, row.right, row.midline, row.total, row.protocol])
        widths = [0.3, 0.13, 0.13, 0.13, 0.15, 0.16]
        total_width = self.width * 0.64
        table = self.table(rows, [w * total_width for w in widths])
        table.set_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                *self.font((0, 1), (-1, -2)),
                *self.font((0, 0), (-1, 0), bold=True, colour=ACCENT),
                *self.font((0, -1), (-1, -1), bold=True, colour=ACCENT),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [None, SHADE]),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), self.density.pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), self.density.pad + 0.5),
            ]
        )
        return table

    def totals(self) -> Grid:
        n = self.note
        rows = [
            ["Units administered", n.units_administered, ""],
            ["Units wasted", n.units_wasted, f"of {n.units_opened} opened"],
            ["Sites injected", n.sites_injected, ""],
            ["Volume injected", n.volume, ""],
        ]
        table = self.table(rows, [self.width * 0.16, self.width * 0.07, self.width * 0.11])
        table.set_style(
            [
                *TIGHT,
                *self.font((0, 0), (0, -1), bold=True, size=self.density.small, colour=MUTED),
                *self.font((1, 0), (1, -1)),
                *self.font((1, 0), (1, 1), bold=True),
                *self.font((2, 0), (2, -1), size=self.density.small, colour=MUTED),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), self.density.pad + 0.5),
            ]
        )
        return table

    def billing(self) -> Grid:
        n = self.note
        rows = [["Code", "Units", "Bills"]] + [[line.code, line.units, line.meaning] for line in n.billing]
        table = self.table(rows, [self.width * 0.1, self.width * 0.06, self.width * 0.18])
        table.set_style(
            [
                *TIGHT,
                *self.font((0, 0), (-1, 0), bold=True, colour=ACCENT),
                *self.font((0, 1), (1, -1), bold=True),
                *self.font((2, 1), (2, -1), size=self.density.small),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), self.density.pad + 0.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ]
        )
        return table

    def units_and_billing(self) -> list[Flowable]:
        left: list[Flowable] = [self.section("Units by muscle: units (sites)"), self.muscles()]
        right: list[Flowable] = [
            self.section("Totals"),
            self.totals(),
            self.section("Billing (CPT/HCPCS)"),
            self.billing(),
        ]
        table = self.table([[left, right]], [self.width * 0.64, self.width * 0.36])
        table.set_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 10),
            ]
        )
        return [table]

    def findings(self) -> list[Flowable]:
        n = self.note
        out: list[Flowable] = [self.section("Follow-the-pain, skipped sites and deviations")]
        ftp = "; ".join(n.ftp_sites) if n.ftp_sites else "none"
        skipped = "; ".join(n.skipped_sites) if n.skipped_sites else "none"
        # one paragraph, so that the notices take no extra line: the 39-site note stays on one page
        out.append(
            self.p(
                Run("Follow-the-pain sites: ", self.bold, BLACK),
                f"{ftp}. ",
                Run("Skipped sites: ", self.bold, BLACK),
                skipped,
            )
        )
        deviations = " ".join(n.deviations) if n.deviations else "none"
        out.append(self.labelled("Deviations from the protocol:", deviations))
        if n.deviation_reason:
            out.append(self.labelled("Deviation reason recorded:", n.deviation_reason))
        if n.notices:
            out.append(self.labelled("Notices:", " ".join(n.notices)))
        return out

    def outcomes(self) -> list[Flowable]:
        n = self.note
        head: list[Flowable | str] = [key for key, _ in n.outcomes]
        values: list[Flowable | str] = [self.p(value, style="Cell") for _, value in n.outcomes]
        size = self.density.cell
        widths = [
            max(text_width(key, self.bold, size), text_width(value, self.sans, size)) + 12 for key, value in n.outcomes
        ]
        table = self.table([head, values], [self.width * w / sum(widths) for w in widths])
        table.set_style(
            [
                *TIGHT,
                *self.font((0, 0), (-1, 0), bold=True, colour=ACCENT),
                ("TOPPADDING", (0, 0), (-1, 0), self.density.pad + 0.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ]
        )
        events = "; ".join(n.adverse_events) if n.adverse_events else "none recorded"
        instructions = " ".join(f"\u2022 {line}" for line in n.instructions)
        return [
            self.section("Outcomes at this visit (last 28-30 days)"),
            table,
            self.labelled("Response against baseline:", n.response),
            self.labelled("Adverse events:", events),
            self.labelled("Post-procedure instructions given:", instructions),
            self.p(
                Run("Interval: ", self.bold, BLACK),
                f"{n.interval} ",
                Run("Next session due: ", self.bold, BLACK),
                n.next_due,
            ),
        ]

    def signature(self) -> list[Flowable]:
        n = self.note
        out: list[Flowable] = []
        if n.comments:
            out.append(self.labelled("Comments:", n.comments))
        if n.is_draft:
            block: list[Flowable] = [self.p(DRAFT_MARK, style="Draft")]
        else:
            block = [
                self.p(n.signature, style="Signature"),
                self.p(f"Content SHA-256: {n.content_sha256}", style="Mono"),
            ]
        box = self.table([[block]], [self.width])
        box.set_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, DRAFT_RED if n.is_draft else ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
        self.signature_box = box
        out += [Spacer(1, self.density.gap), box]
        addenda = [self.labelled(f"{addendum.written_at}, {addendum.author}:", addendum.text) for addendum in n.addenda]
        if addenda:
            out += [KeepTogether([self.section("Addenda after signing"), addenda[0]]), *addenda[1:]]
        return out

    def story(self) -> list[Flowable]:
        return [
            *self.visit(),
            *self.indication(),
            *self.product(),
            KeepTogether(self.diagram()),
            *self.units_and_billing(),
            *self.findings(),
            *self.outcomes(),
            *self.signature(),
        ]


@cache
def _diagram_file(file_name: str) -> Path:
    """Where a shipped diagram is (found once: the app's resources do not move while it runs)."""
    return diagram_path(file_name)


def _art(file_name: str) -> PdfArt | None:
    """The view's art, or None (the view prints as a labelled frame with its markers) when it cannot be used."""
    try:
        return load_art(_diagram_file(file_name))
    except (OSError, SvgError) as error:
        log.warning("The diagram %s cannot be drawn; the note shows the markers without it: %s", file_name, error)
        return None


def _marker(mark: NoteMark) -> Marker:
    return Marker(x=mark.x, y=mark.y, label=mark.label, state=mark.state)


def render_note(note: ProcedureNote, *, paper: str = "letter") -> bytes:
    """The note as PDF bytes on US Letter or A4; the same note always gives the same bytes."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"Paper size {paper!r} is not one of {', '.join(PAPER_SIZES)}.")
    width, height = PAPER_SIZES[paper]
    page = _Page(note=note, width=width, height=height, header=_Header.of(note, width - 2 * MARGIN))
    pdf = b""
    for density in DENSITIES:
        pdf, session_pages = _render(page, density)
        if session_pages == 1:
            break
    return pdf


def _render(page: _Page, density: Density) -> tuple[bytes, int]:
    """The note at one density, and how many pages the session itself (all but the addenda) takes."""
    buffer = io.BytesIO()
    document = _NoteDocument(buffer, page)
    builder = _Builder(page.note, document.width, density)
    story = builder.story()
    document.session_end = builder.signature_box
    document.build(story, canvasmaker=lambda *args, **kwargs: _NoteCanvas(*args, page=page, **kwargs))
    return buffer.getvalue(), document.session_pages
