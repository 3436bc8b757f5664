"""The diagram views: art compiled once to PDF forms, drawn as reportlab's renderer draws it, markers on top."""

from __future__ import annotations

import io
import itertools
import math
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.report.diagram import (
    FTP_HALF_DIAGONAL,
    LABEL_ROOM,
    MARKER_RADIUS,
    Form,
    Marker,
    PdfArt,
    Text,
    ViewDiagram,
    compile_art,
    label_size,
    load_art,
    marker_operators,
)
from charting.report.fonts import register_fonts
from charting.report.render import render_note
from charting.report.svg import load_svg, parse_svg
from charting.resources import diagram_path
from tests.report.notes import differing_pixels, note_of, raster, session, signed, with_ftp


def svg(body: str) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">{body}</svg>'


def form_operators(form: Form) -> str:
    return zlib.decompress(form.content).decode("latin-1")


def draw_view(view: ViewDiagram) -> bytes:
    """One view alone on a page, as a PDF."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(view.width, view.height), invariant=1)
    view.wrapOn(canvas, view.width, view.height)
    view.drawOn(canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_shapes_become_one_form_and_text_stays_text() -> None:
    art = compile_art(
        parse_svg(
            svg(
                '<circle cx="200" cy="100" r="10" fill="#0072b2" fill-opacity="0.5"/>'
                '<path d="M0 0 L10 0 L10 10" fill="#ff0000" stroke="#000000"/>'
                '<text x="200" y="20" font-size="10" text-anchor="middle" fill="#222222">FRONT</text>'
            )
        )
    )
    form, text = art.steps
    assert isinstance(form, Form) and isinstance(text, Text)
    operators = form_operators(form)
    assert "0 .447059 .698039 rg" in operators, "the circle's fill"
    assert " c " in operators, "circles are Bezier curves: vector"
    assert "/a2 gs" in operators, "half opacity is a graphics state of the form"
    assert b"/ca .5" in form.resources
    # An open path that is filled and stroked: filled as if closed, stroked open (SVG's rule).
    assert operators.rstrip().endswith("f n 0 300 m 10 300 l 10 290 l S")
    assert (text.text, text.font, text.y) == ("FRONT", "DejaVuSans", 280)
    assert text.x == pytest.approx(200 - stringWidth("FRONT", "DejaVuSans", 10) / 2), "anchored at its middle"


def test_a_form_is_named_by_its_content() -> None:
    one = compile_art(parse_svg(svg('<circle cx="1" cy="1" r="1"/>'))).steps[0]
    same = compile_art(parse_svg(svg('<circle cx="1" cy="1" r="1"/>'))).steps[0]
    other = compile_art(parse_svg(svg('<circle cx="2" cy="1" r="1"/>'))).steps[0]
    assert isinstance(one, Form) and isinstance(same, Form) and isinstance(other, Form)
    assert one.name == same.name != other.name


def test_missing_art_is_none_and_compiled_art_is_reused(tmp_path: Path) -> None:
    assert load_art(tmp_path / "nothing.svg") is None
    file = tmp_path / "art.svg"
    file.write_text(svg('<circle cx="1" cy="1" r="1"/>'), encoding="utf-8")
    first = load_art(file)
    assert isinstance(first, PdfArt)
    assert load_art(file) is first


@pytest.mark.parametrize("view", ["front", "left", "right", "back"])
def test_the_shipped_art_looks_as_reportlab_draws_it(protocol: Protocol, view: str, qapp: QApplication) -> None:
    """The compiled forms against reportlab's own renderer of the same shapes: the same picture."""
    path = diagram_path(protocol.view(view).diagram)
    shapes, compiled = load_svg(path), load_art(path)
    assert shapes is not None and compiled is not None
    scale = 200 / shapes.width
    content = Group(shapes.group)
    content.transform = (scale, 0, 0, scale, 0, 0)
    drawing = Drawing(200, shapes.height * scale)
    drawing.add(content)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(drawing.width, drawing.height), invariant=1)
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    ours = ViewDiagram(compiled, [], label="", width=0, height=0, points_wide=200)
    reference = raster(buffer.getvalue())
    drawn = raster(draw_view(ours))
    assert reference.size == drawn.size
    # Ours adds the light grey frame round the view; apart from it and anti-aliasing, the pixels agree.
    inside = (4, 4, reference.size[0] - 4, reference.size[1] - 4)
    changed = differing_pixels(reference, drawn, inside)
    assert changed < 0.002 * reference.size[0] * reference.size[1]


def test_view_pdf_is_vector_with_markers_and_their_units(protocol: Protocol) -> None:
    art = load_art(diagram_path(protocol.view("back").diagram))
    markers = [
        Marker(100, 100, "5", "injected"),
        Marker(150, 100, "10", "ftp"),
        Marker(200, 100, "", "skipped"),
        Marker(250, 100, "", "not_given"),
    ]
    pdf = draw_view(ViewDiagram(art, markers, label="BACK", width=400, height=300, points_wide=200))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    assert all(xobject.get_object()["/Subtype"] == "/Form" for xobject in xobjects.values())
    text = page.extract_text()
    assert "BACK" in text and "5" in text and "10" in text
    content = page.get_contents().get_data().decode("latin-1")
    assert "0 .447059 .698039 rg" in content, "injected: blue"
    assert ".901961 .623529 0 rg" in content, "follow-the-pain: orange, as in the window"


def test_markers_speak_the_window_language() -> None:
    operators = marker_operators([Marker(100, 100, "5", "injected")], 300)
    assert operators.startswith("q 1 0 0 1 100 200 cm 0 .447059 .698039 rg 1 1 1 RG")
    assert operators.endswith("B Q")
    ftp = marker_operators([Marker(100, 100, "5", "ftp")], 300)
    assert "n 0 19 m 19 0 l 0 -19 l -19 0 l h B" in ftp, (
        "a diamond whose tip at most reaches a marker placed as near as allowed"
    )
    assert ".901961 .623529 0 rg" in ftp, "orange, as in the window"
    skipped = marker_operators([Marker(100, 100, "", "skipped")], 300)
    assert skipped.count(" S") == 1 and ".835294 .368627 0 RG" in skipped, "a vermillion struck-through ring"
    not_given = marker_operators([Marker(100, 100, "", "not_given")], 300)
    assert " rg" not in not_given and not_given.endswith("S Q"), "an empty ring"


def test_view_without_art_labels_the_frame() -> None:
    view = ViewDiagram(None, [], label="BACK", width=400, height=300, points_wide=200, sides=("L", "R"))
    assert (view.width, view.height) == (200, 150)
    text = PdfReader(io.BytesIO(draw_view(view))).pages[0].extract_text()
    assert "BACK" in text and "L" in text and "R" in text


LEGIBLE_POINTS = 6.5
"""The smallest type a marker's units may print at: legible on paper at arm's length."""


def marker_label_points(pdf: bytes) -> list[tuple[str, float]]:
    """Every marker's units in a PDF with the size it prints at, in points (texts drawn inside a scaled view)."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if text.strip().replace(".", "").isdigit() and abs(cm[3]) < 0.9:  # a view is drawn scaled down
            found.append((text.strip(), size * abs(tm[3]) * abs(cm[3])))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_units_on_the_printed_diagram_are_legible(protocol: Protocol, paper: str) -> None:
    chart = with_ftp(protocol, session(protocol))
    pdf = render_note(note_of(protocol, signed(chart)), paper=paper)
    labels = marker_label_points(pdf)
    assert len(labels) == len(chart.injections), "every injected site prints its units"
    assert min(points for _text, points in labels) >= LEGIBLE_POINTS, labels[:3]


def test_a_two_digit_dose_stays_inside_its_marker() -> None:
    _, bold, _ = register_fonts()
    for label in ("5", "10", "2.5", "12.5"):
        size = label_size(label, bold, scale=130 / 400)
        assert stringWidth(label, bold, size) <= 2 * MARKER_RADIUS * LABEL_ROOM + 1e-6, label
    assert label_size("10", bold, scale=130 / 400) * 130 / 400 >= LEGIBLE_POINTS


def test_neighbouring_markers_do_not_touch(protocol: Protocol) -> None:
    closest = min(
        math.dist((a.x, a.y), (b.x, b.y)) for a, b in itertools.combinations(protocol.sites, 2) if a.view == b.view
    )
    assert closest > 2 * MARKER_RADIUS, "two fixed sites' circles"
    assert MARKER_RADIUS + FTP_HALF_DIAGONAL <= marking.MARKER_CLEARANCE_UNITS, "a diamond as near as the window allows"
