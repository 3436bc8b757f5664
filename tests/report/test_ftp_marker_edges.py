"""On the note, a follow-the-pain diamond placed where the window lets it go shows whole inside its view's frame,
and a session with every follow-the-pain site placed by the view edges stays one page."""

from __future__ import annotations

import io

from PySide6.QtWidgets import QApplication
from reportlab.pdfgen.canvas import Canvas

from charting import palette
from charting.domain import marking
from charting.domain.marking import MARKER_CLEARANCE_UNITS, MARKER_EDGE_UNITS
from charting.domain.protocol import Protocol
from charting.domain.session import Kind, Session
from charting.report.diagram import FTP_HALF_DIAGONAL, MARKER_RADIUS, Marker, ViewDiagram, load_art
from charting.report.render import render_note
from charting.resources import diagram_path
from tests.report.notes import note_of, pages_text, raster, session

PAD = 40.0
"""Points of blank page around the view, where a cut-off marker would spill."""
POINTS_WIDE = 400.0
"""The view drawn one point per diagram unit."""

# Clicks by the views' edges and corners, inside each region: where the walk-through's diamonds were cut.
EDGE_CLICKS = (
    ("trapezius", "right", 389.0, 294.0),
    ("trapezius", "right", 214.0, 294.0),
    ("trapezius", "left", 11.0, 294.0),
    ("trapezius", "left", 186.0, 294.0),
    ("temporalis", "left", 325.0, 112.0),
    ("temporalis", "right", 75.0, 112.0),
    ("occipitalis", "left", 148.0, 32.0),
    ("occipitalis", "right", 252.0, 32.0),
)


def placed_by_the_edges(protocol: Protocol) -> Session:
    """A full session with the eight follow-the-pain sites added by clicks at the edges, as the window places them."""
    draft = session(protocol)
    for muscle, side, x, y in EDGE_CLICKS:
        region = marking.ftp_region(protocol, muscle, side)
        assert region is not None and region.contains(x, y)
        spot = marking.free_spot(draft, protocol, region, x, y, clearance=MARKER_CLEARANCE_UNITS)
        assert spot is not None, (muscle, side)
        draft, _ = marking.add_ftp(draft, protocol, muscle, side=side, view=region.view, x=spot[0], y=spot[1])
    return draft


def spilled_orange(protocol: Protocol, view: str, spots: list[tuple[float, float]]) -> int:
    """How many follow-the-pain orange pixels of a view's diamonds at these spots fall outside its frame."""
    art = load_art(diagram_path(protocol.view(view).diagram))
    markers = [Marker(x, y, "5", "ftp") for x, y in spots]
    diagram = ViewDiagram(art, markers, label=view, width=400, height=300, points_wide=POINTS_WIDE)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(diagram.width + 2 * PAD, diagram.height + 2 * PAD), invariant=1)
    diagram.wrapOn(canvas, diagram.width, diagram.height)
    diagram.drawOn(canvas, PAD, PAD)
    canvas.showPage()
    canvas.save()
    picture = raster(buffer.getvalue(), dpi=72)
    orange = tuple(int(palette.FOLLOW_THE_PAIN[i : i + 2], 16) for i in (1, 3, 5))
    frame = (round(PAD), round(PAD), round(PAD + diagram.width), round(PAD + diagram.height))
    return sum(
        1
        for x in range(picture.width)
        for y in range(picture.height)
        if not (frame[0] <= x < frame[2] and frame[1] <= y < frame[3]) and _close(picture.getpixel((x, y)), orange)
    )


def _close(pixel: object, colour: tuple[int, ...]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= 24 for a, b in zip(pixel, colour, strict=True))


def test_every_marker_of_the_note_reaches_no_farther_than_the_edge_margin() -> None:
    assert FTP_HALF_DIAGONAL + 0.5 <= MARKER_EDGE_UNITS, "the diamond and half its 1-unit outline"
    assert MARKER_RADIUS + 1.25 <= MARKER_EDGE_UNITS, "a circle and half its widest (2.5-unit) outline"


def test_diamonds_placed_by_the_edges_show_whole_on_the_note(protocol: Protocol, qapp: QApplication) -> None:
    draft = placed_by_the_edges(protocol)
    by_view: dict[str, list[tuple[float, float]]] = {}
    for injection in draft.injections:
        if injection.kind is Kind.FTP:
            by_view.setdefault(injection.view, []).append((injection.x, injection.y))
    assert sorted(by_view) == ["back", "left", "right"]
    for view, spots in by_view.items():
        assert spilled_orange(protocol, view, spots) == 0, view
    assert spilled_orange(protocol, "back", [(389.0, 294.0)]) > 20, "the check sees a diamond cut at the corner"


def test_the_note_with_them_stays_one_page(protocol: Protocol) -> None:
    pages = pages_text(render_note(note_of(protocol, placed_by_the_edges(protocol))))
    assert len(pages) == 1
    assert "page 1 of 1" in pages[0]
