"""The four-view diagram on the note: the static art made into PDF once per process, markers drawn per note.

``compile_art`` turns converted diagram art (``svg.SvgArt``) into the PDF path operators reportlab's renderer would
write for it and packs each run of shapes into a form XObject (a compressed stream with its own transparency
states), ready to be written into any document as it is: the art stays vector and costs a reference per note.
Text is the one part that depends on the document (its font subset codes), so the art's few labels are drawn
through the canvas. ``ViewDiagram`` is the flowable of one view: frame, art, markers.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Circle, Ellipse, Line, Rect, Shape, String
from reportlab.graphics.shapes import Path as PathShape
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import FILL_EVEN_ODD, PATH_OPS
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import Flowable

from charting import palette
from charting.domain.marking import MARKER_CLEARANCE_UNITS
from charting.report.fonts import register_fonts
from charting.report.pdfobjects import Encoded, Finished, encode, finished_stream
from charting.report.svg import SvgArt, load_svg
from charting.report.text import TextWriter, text_width

# Markers: the window's visual language (ux.md), in the window's colours; shape carries the meaning.
MARKER_RADIUS = 16.0
"""In the view's units: the closest fixed sites (the back view's) are 40.5 apart, so their circles do not touch."""
FTP_HALF_DIAGONAL = MARKER_CLEARANCE_UNITS - MARKER_RADIUS
"""A follow-the-pain diamond's tip at most reaches the circle of a marker as near as the window lets it be placed."""
MARKER_FONT_SIZE = 15.0
"""The smallest size of the units inside a marker, in the view's units (a view drawn large)."""
MARKER_LABEL_POINTS = 7.0
"""The size of the units inside a marker on paper, in points: legible on the printed note, where a view is about
130 points wide."""
LABEL_ROOM = 0.9
"""How much of the marker's diameter its units may span; a longer label is set smaller to stay inside."""
INJECTED_COLOUR = HexColor(palette.INJECTED)
FTP_COLOUR = HexColor(palette.FOLLOW_THE_PAIN)
SKIPPED_COLOUR = HexColor(palette.SKIPPED)
INK = HexColor(palette.INK)
NOT_GIVEN_COLOUR = HexColor("#888888")
WHITE = HexColor("#FFFFFF")
LABEL_COLOUR = HexColor("#222222")
FRAME_COLOUR = HexColor("#BBBBBB")
MARKER_STATES = ("injected", "ftp", "skipped", "not_given")


@dataclass(frozen=True)
class Marker:
    """A marker to draw on a view, in the view's SVG coordinates (y down)."""

    x: float
    y: float
    label: str
    state: str
    """``injected``, ``ftp``, ``skipped`` or ``not_given``."""


@dataclass(frozen=True)
class Paint:
    """Painted shapes as finished PDF operators, under one fill and stroke opacity (None: not painted)."""

    operators: str
    fill_alpha: float | None
    stroke_alpha: float | None


@dataclass(frozen=True)
class Text:
    """A text of the art, placed (its anchor already applied) in the art's y-up space."""

    x: float
    y: float
    text: str
    font: str
    size: float
    colour: Color


@dataclass(frozen=True)
class Form:
    """A run of the art's shapes as a form XObject: compressed operators and their transparency states."""

    name: str
    content: bytes
    resources: bytes
    box: tuple[float, float, float, float]

    def stream(self) -> Finished:
        """The form as a PDF object, for one document."""
        return Finished(self.formatted)

    @cached_property
    def formatted(self) -> bytes:
        """The form's whole PDF object (made once)."""
        return finished_stream(
            self.content,
            compressed=True,
            Type="/XObject",
            Subtype="/Form",
            FormType=1,
            BBox=pdfdoc.PDFArray(list(self.box)),
            Resources=Encoded(self.resources),
        )


@dataclass(frozen=True)
class PdfArt:
    """Diagram art compiled to forms and texts, drawn in order, in a y-up space of ``width`` x ``height``."""

    width: float
    height: float
    steps: tuple[Form | Text, ...]


def _rgb(colour: Color, operator: str) -> str:
    return f"{fp_str(colour.red, colour.green, colour.blue)} {operator}"


def _outline(shape: Shape) -> tuple[str, bool, int]:
    """The path operators of a shape, whether it may be filled, and its fill rule (as reportlab's renderer)."""
    path = PDFPathObject()
    if isinstance(shape, PathShape):
        return _path_outline(shape, path), shape.operators.count(0) == shape.operators.count(3), shape.fillMode
    if isinstance(shape, Circle):
        path.ellipse(shape.cx - shape.r, shape.cy - shape.r, 2 * shape.r, 2 * shape.r)
    elif isinstance(shape, Ellipse):
        path.ellipse(shape.cx - shape.rx, shape.cy - shape.ry, 2 * shape.rx, 2 * shape.ry)
    elif isinstance(shape, Rect) and shape.rx == shape.ry == 0:
        return f"n {fp_str(shape.x, shape.y, shape.width, shape.height)} re", True, FILL_EVEN_ODD
    elif isinstance(shape, Rect):
        path.roundRect(shape.x, shape.y, shape.width, shape.height, shape.rx)
    elif isinstance(shape, Line):
        return f"n {fp_str(shape.x1, shape.y1)} m {fp_str(shape.x2, shape.y2)} l", False, FILL_EVEN_ODD
    else:
        raise TypeError(f"The diagram art has a shape the note cannot draw: {type(shape).__name__}.")
    return path.getCode(), True, FILL_EVEN_ODD


def _path_outline(shape: PathShape, path: PDFPathObject) -> str:
    """A path shape's operators: its move, line, curve and close steps (0-3) with their points."""
    steps = (path.moveTo, path.lineTo, path.curveTo, path.close)
    counts = (2, 2, 6, 0)
    points = shape.points
    i = 0
    for operator in shape.operators:
        steps[operator](*points[i : i + counts[operator]])
        i += counts[operator]
    return str(path.getCode())


def _paint(shape: Shape) -> Paint | None:
    """One shape's colours, line style, outline and painting operator (fill and stroke as the SVG says)."""
    fill: Color | None = None if isinstance(shape, Line) else shape.fillColor
    stroke: Color | None = shape.strokeColor
    outline, closed, rule = _outline(shape)
    style = []
    if fill is not None:
        style.append(_rgb(fill, "rg"))
    if stroke is not None:
        style += [
            _rgb(stroke, "RG"),
            f"{fp_str(shape.strokeWidth)} w",
            f"{shape.strokeLineCap} J",
            f"{shape.strokeLineJoin} j",
        ]
    if fill is not None and stroke is not None and not closed:
        # SVG fills an open path as if closed but strokes it open: fill, then stroke the same outline.
        painting = f"{outline} {PATH_OPS[0, 1, rule]} {outline} {PATH_OPS[1, 0, rule]}"
    elif fill is None and stroke is None:
        return None
    else:
        painting = f"{outline} {PATH_OPS[int(stroke is not None), int(fill is not None), rule]}"
    return Paint(
        " ".join([*style, painting]),
        None if fill is None else fill.alpha,
        None if stroke is None else stroke.alpha,
    )


def _text(shape: String) -> Text | None:
    if shape.fillColor is None:
        return None
    width = text_width(shape.text, shape.fontName, shape.fontSize)
    shift = {"start": 0.0, "middle": width / 2, "end": width}[shape.textAnchor]
    return Text(shape.x - shift, shape.y, shape.text, shape.fontName, shape.fontSize, shape.fillColor)


def make_form(paints: Sequence[Paint], width: float, height: float) -> Form:
    """Shapes as one form: opaque to start with, each opacity change a named graphics state of the form's own."""
    states: dict[tuple[str, float], str] = {}
    operators: list[str] = []

    def use(key: str, value: float) -> None:
        name = states.setdefault((key, value), f"a{len(states)}")
        operators.append(f"/{name} gs")

    use("ca", 1.0)
    use("CA", 1.0)
    fill = stroke = 1.0
    for paint in paints:
        if paint.fill_alpha is not None and paint.fill_alpha != fill:
            fill = paint.fill_alpha
            use("ca", fill)
        if paint.stroke_alpha is not None and paint.stroke_alpha != stroke:
            stroke = paint.stroke_alpha
            use("CA", stroke)
        operators.append(paint.operators)
    content = "\n".join(operators).encode("latin-1")
    graphics_states = {name: pdfdoc.PDFDictionary({key: value}) for (key, value), name in states.items()}
    resources = encode(pdfdoc.PDFDictionary({"ExtGState": pdfdoc.PDFDictionary(graphics_states)}))
    # The box only clips: generous, so a stroke on the view's edge is never cut.
    box = (-width, -height, 2 * width, 2 * height)
    name = "art" + hashlib.sha256(content + resources).hexdigest()[:16]
    return Form(name, zlib.compress(content), resources, box)


def compile_art(art: SvgArt) -> PdfArt:
    """The art's shapes, in order: each run of painted shapes one form, each text a ``Text``."""
    steps: list[Form | Text] = []
    paints: list[Paint] = []
    for shape in art.group.getContents():
        if isinstance(shape, String):
            text = _text(shape)
            if text is None:
                continue
            if paints:
                steps.append(make_form(paints, art.width, art.height))
                paints = []
            steps.append(text)
        elif (paint := _paint(shape)) is not None:
            paints.append(paint)
    if paints:
        steps.append(make_form(paints, art.width, art.height))
    return PdfArt(art.width, art.height, tuple(steps))


@lru_cache(maxsize=16)
def _compiled(path: str, mtime_ns: int) -> PdfArt | None:
    art = load_svg(Path(path))
    return None if art is None else compile_art(art)


def load_art(path: Path) -> PdfArt | None:
    """The compiled diagram at ``path`` (made once while the file is unchanged), or None if there is no file.

    Raises ``svg.SvgError`` when the art is outside the SVG subset, and ``OSError`` when it cannot be read.
    """
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _compiled(str(path), mtime)


def _marker_template(state: str) -> str:
    """The operators of a marker centred on the origin, in the view's units (its label is drawn apart)."""
    r = MARKER_RADIUS
    path = PDFPathObject()
    if state == "ftp":
        d = FTP_HALF_DIAGONAL
        return (
            f"{_rgb(FTP_COLOUR, 'rg')} {_rgb(INK, 'RG')} 1 w 0 J 0 j "
            f"n 0 {fp_str(d)} m {fp_str(d)} 0 l 0 {fp_str(-d)} l {fp_str(-d)} 0 l h B"
        )
    if state == "injected":
        path.ellipse(-r, -r, 2 * r, 2 * r)
        return f"{_rgb(INJECTED_COLOUR, 'rg')} {_rgb(WHITE, 'RG')} 1.5 w 0 J 0 j {path.getCode()} B"
    if state == "skipped":
        path.ellipse(-r, -r, 2 * r, 2 * r)
        offset = fp_str(r * math.sqrt(0.5))
        return (
            f"{_rgb(WHITE, 'rg')} {_rgb(SKIPPED_COLOUR, 'RG')} 2.5 w 0 J 0 j {path.getCode()} B "
            f"n -{offset} -{offset} m {offset} {offset} l S"
        )
    small = r * 0.7
    path.ellipse(-small, -small, 2 * small, 2 * small)
    return f"{_rgb(NOT_GIVEN_COLOUR, 'RG')} 2 w 0 J 0 j {path.getCode()} S"


MARKER_TEMPLATES = {state: _marker_template(state) for state in MARKER_STATES}
"""Each marker state's operators, made once: a marker is its template moved to the site."""


def marker_operators(markers: Iterable[Marker], height: float) -> str:
    """The operators that draw the markers' shapes in the y-up space of a view ``height`` high."""
    return "\n".join(
        f"q 1 0 0 1 {fp_str(m.x, height - m.y)} cm {MARKER_TEMPLATES.get(m.state, MARKER_TEMPLATES['not_given'])} Q"
        for m in markers
    )


class ViewDiagram(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """One view, ``points_wide`` wide: a frame, the art (which carries its own labels) and the markers on top.

    When the art is missing the view is drawn as a frame with its ``label`` and the patient's ``sides`` letters
    at the viewer's left and right edges ('R', 'L'); ``width`` and ``height`` are then its coordinate space.
    """

    def __init__(
        self,
        art: PdfArt | None,
        markers: Sequence[Marker],
        *,
        label: str,
        width: float,
        height: float,
        points_wide: float,
        sides: tuple[str, str] = ("", ""),
    ) -> None:
        super().__init__()
        self.art = art
        self.markers = tuple(markers)
        self.label = label
        self.sides = sides
        self.view_width, self.view_height = (art.width, art.height) if art is not None else (width, height)
        self.scale = points_wide / self.view_width
        self.width = points_wide
        self.height = self.view_height * self.scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.transform(self.scale, 0, 0, self.scale, 0, 0)
        canvas.addLiteral(
            f"{_rgb(FRAME_COLOUR, 'RG')} {fp_str(1.0 / self.scale)} w 0 J 0 j "
            f"n 0 0 {fp_str(self.view_width, self.view_height)} re S"
        )
        if self.art is not None:
            self._draw_art(canvas, self.art)
        else:
            self._draw_placeholder(canvas)
        canvas.addLiteral(marker_operators(self.markers, self.view_height))
        self._draw_labels(canvas)
        canvas.restoreState()

    @staticmethod
    def _draw_art(canvas: Any, art: PdfArt) -> None:
        """The art's forms and texts in order, each run of texts one text object."""
        writer = TextWriter(canvas)
        for step in art.steps:
            if isinstance(step, Text):
                writer.use(step.font, step.size, step.size, step.colour)
                writer.line(step.x, step.y, step.text)
                continue
            writer.flush()
            if not canvas.hasForm(step.name):
                canvas._doc.addForm(step.name, step.stream())  # the document, not the canvas, holds forms
            canvas.doForm(step.name)
        writer.flush()

    def _draw_placeholder(self, canvas: Any) -> None:
        """Without the art, the view still says what it is and which side is which."""
        _, bold, _ = register_fonts()
        canvas.setFillColor(LABEL_COLOUR)
        canvas.setFont(bold, 20)
        canvas.drawString(8, self.view_height - 24, self.label)
        canvas.setFont(bold, 22)
        if self.sides[0]:
            canvas.drawString(8, 10, self.sides[0])
        if self.sides[1]:
            canvas.drawRightString(self.view_width - 8, 10, self.sides[1])

    def _draw_labels(self, canvas: Any) -> None:
        """The units inside injected (white) and follow-the-pain (ink) markers, bold, in one text object."""
        _, bold, _ = register_fonts()
        writer = TextWriter(canvas)
        for marker in (m for m in self.markers if m.label and m.state in ("injected", "ftp")):
            size = label_size(marker.label, bold, self.scale)
            writer.use(bold, size, size, WHITE if marker.state == "injected" else INK)
            x = marker.x - text_width(marker.label, bold, size) / 2
            writer.line(x, self.view_height - marker.y - size * 0.36, marker.label)
        writer.flush()


def label_size(label: str, font: str, scale: float) -> float:
    """The font size, in the view's units, of a marker's units on a view drawn at ``scale`` points per unit:
    ``MARKER_LABEL_POINTS`` on paper (never below ``MARKER_FONT_SIZE`` units), smaller only to stay inside."""
    wanted = max(MARKER_LABEL_POINTS / scale, MARKER_FONT_SIZE)
    width = text_width(label, font, wanted)
    room = LABEL_ROOM * 2 * MARKER_RADIUS
    return wanted if width <= room else wanted * room / width
