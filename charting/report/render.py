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
from functools import cache
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Spacer

from charting.report.blocks import DENSITIES, TIGHT, Blocks, Density
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
from charting.report.grid import Grid
from charting.report.note import DRAFT_MARK, NoteMark, ProcedureNote
from charting.report.page import (
    ACCENT,
    BLACK,
    DRAFT_RED,
    MUTED,
    SHADE,
    Letterhead,
    LetterheadDocument,
    PageSetup,
)
from charting.report.svg import SvgError
from charting.report.text import Run, text_width
from charting.resources import diagram_path

log = logging.getLogger(__name__)

TITLE = "Procedure note: onabotulinumtoxinA for chronic migraine"


def letterhead(note: ProcedureNote) -> Letterhead:
    """The note's letterhead: the clinic, the patient line with the date of service, the document id, the draft mark."""
    # No-break spaces keep each label with its value and space the items apart (a line breaks between them).
    who = (
        f"{note.patient_name}\xa0\xa0 MRN\xa0{note.patient_mrn}\xa0\xa0 DOB\xa0{note.patient_dob}\xa0\xa0 "
        f"Date\xa0of\xa0service\xa0{note.date_of_service}"
    )
    footer = note.document_id
    if note.printed_at:
        footer += f" | printed {note.printed_at}"
    return Letterhead(
        title=TITLE,
        metadata_title=note.title,
        document="Procedure note",
        clinic_name=note.clinic_name,
        clinic_address=note.clinic_address,
        clinic_phone=note.clinic_phone,
        patient=who,
        footer=footer,
        created_at=note.created_at,
        mark=DRAFT_MARK if note.is_draft else "",
    )


class _NoteDocument(LetterheadDocument):
    """The note's document, which notes the page the session itself ends on."""

    def __init__(self, buffer: io.BytesIO, page: PageSetup) -> None:
        super().__init__(buffer, page)
        self.session_end: Flowable | None = None
        """The last flowable of the session itself (the signature box); ``session_pages`` is the page it is on."""
        self.session_pages = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's name
        if flowable is self.session_end:
            self.session_pages = self.page


class _Builder(Blocks):
    """Turns the note into flowables with the named styles."""

    def __init__(self, note: ProcedureNote, width: float, density: Density = DENSITIES[0]) -> None:
        super().__init__(width, density)
        self.note = note
        self.signature_box: Flowable | None = None
        """The box with the signature (or the draft mark): the end of what must fit on page 1."""

    def visit(self) -> list[Flowable]:
        n = self.note
        injector = f"{n.injector} (NPI {n.injector_npi})" if n.injector_npi else n.injector
        # The name, record number and date of service head every page; the body does not repeat them.
        items = [
            ("Date of birth", f"{n.patient_dob} ({n.patient_age})"),
            ("Allergies", n.patient_allergies),
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
        deviations = [("Deviations from the protocol:", " ".join(n.deviations) if n.deviations else "none")]
        if n.deviation_reason:
            deviations.append(("Deviation reason recorded:", n.deviation_reason))
        out.append(self.run_on(*deviations))
        beside = [("Refusals overridden:", " ".join(n.overrides))] if n.overrides else []
        if n.notices:
            beside.append(("Notices:", " ".join(n.notices)))
        if beside:
            out.append(self.run_on(*beside))
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
            self.run_on(
                ("Response against baseline:", " ".join((n.response, *n.course_notices))),
                ("Interval:", n.interval),
                ("Next session due:", n.next_due),
            ),
            self.labelled("Adverse events:", events),
            self.labelled("Post-procedure instructions given:", instructions),
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
    page = PageSetup.of(letterhead(note), paper)
    pdf = b""
    for density in DENSITIES:
        pdf, session_pages = _render(note, page, density)
        if session_pages == 1:
            break
    return pdf


def _render(note: ProcedureNote, page: PageSetup, density: Density) -> tuple[bytes, int]:
    """The note at one density, and how many pages the session itself (all but the addenda) takes."""
    buffer = io.BytesIO()
    document = _NoteDocument(buffer, page)
    builder = _Builder(note, document.width, density)
    story = builder.story()
    document.session_end = builder.signature_box
    document.build_pdf(story)
    return buffer.getvalue(), document.session_pages
