"""A small converter from our diagram art (the SVG subset of resources/diagrams) to reportlab shapes.

The subset is the diagram art contract: ``svg``, ``g``, ``path`` (M L H V C Q Z, absolute or relative),
``ellipse``, ``circle``, ``line``, ``polyline``, ``polygon``, ``rect`` and ``text``, styled only by presentation
attributes, colours as ``#rrggbb`` or ``none``. Anything else is refused with an ``SvgError`` that names it, so
the art and the printed note can never silently differ. Shapes come out in a y-up space of the viewBox's size;
``diagram`` compiles them to PDF operators and draws each view's markers on top at the protocol coordinates.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.graphics.shapes import (
    Circle,
    Ellipse,
    Group,
    Line,
    Rect,
    Shape,
    String,
)
from reportlab.graphics.shapes import (
    Path as PathShape,
)
from reportlab.lib.colors import Color, HexColor
from reportlab.pdfgen.canvas import FILL_NON_ZERO

from charting.report.fonts import register_fonts

SVG_NS = "{http://www.w3.org/2000/svg}"
SHAPE_TAGS = frozenset({"path", "ellipse", "circle", "line", "polyline", "polygon", "rect", "text"})
IGNORED_TAGS = frozenset({"title", "desc", "metadata"})
"""Elements that carry no drawing and are skipped."""
STYLE_ATTRIBUTES = (
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "font-size",
    "font-weight",
    "font-family",
    "text-anchor",
)
"""Presentation attributes inherited from a ``g`` by its children (``opacity`` multiplies instead)."""
FORBIDDEN_ATTRIBUTES = frozenset({"style", "class", "transform"})
DEFAULT_STYLE: Mapping[str, str] = {
    "fill": "#000000",
    "stroke": "none",
    "stroke-width": "1",
    "stroke-linecap": "butt",
    "stroke-linejoin": "miter",
    "font-size": "16",
    "font-weight": "normal",
    "text-anchor": "start",
}
LINECAPS = {"butt": 0, "round": 1, "square": 2}
LINEJOINS = {"miter": 0, "round": 1, "bevel": 2}
PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
PATH_ARGS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "Q": 4, "Z": 0}
NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?:px)?\s*$")
COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


class SvgError(ValueError):
    """Diagram art outside the contract's SVG subset; the message names the element and the problem."""


@dataclass(frozen=True)
class SvgArt:
    """A converted diagram: its shapes in a y-up space of ``width`` x ``height`` (the viewBox)."""

    width: float
    height: float
    group: Group


def _number(value: str, what: str) -> float:
    match = NUMBER.match(value)
    if match is None:
        raise SvgError(f"{what}: {value!r} is not a number.")
    result = float(match.group(1))
    if not math.isfinite(result):
        raise SvgError(f"{what}: {value!r} is not a finite number.")
    return result


def _colour(value: str, opacity: float, what: str) -> Color | None:
    value = value.strip()
    if value == "none" or opacity <= 0:
        return None
    if not COLOUR.match(value):
        raise SvgError(f"{what}: colour {value!r} is not #rrggbb or none.")
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    colour = HexColor(value)
    if opacity < 1:
        colour = Color(colour.red, colour.green, colour.blue, alpha=opacity)
    return colour


class _Converter:
    """Walks the SVG tree with the inherited style, emitting shapes in y-up coordinates."""

    def __init__(self, min_x: float, min_y: float, height: float) -> None:
        self.min_x = min_x
        self.min_y = min_y
        self.height = height
        self.sans, self.bold, _ = register_fonts()

    def x(self, value: float) -> float:
        return value - self.min_x

    def y(self, value: float) -> float:
        return self.height - (value - self.min_y)

    def element(self, node: ET.Element, style: Mapping[str, str], opacity: float, out: Group) -> None:
        tag = _local(node.tag)
        if tag in IGNORED_TAGS:
            return
        label = _describe(node, tag)
        for attribute in node.attrib:
            if _local(attribute) in FORBIDDEN_ATTRIBUTES:
                raise SvgError(f"{label}: the attribute '{_local(attribute)}' is outside the diagram art's subset.")
        mine = dict(style)
        for name in STYLE_ATTRIBUTES:
            if name in node.attrib:
                mine[name] = node.attrib[name]
        if "opacity" in node.attrib:
            opacity *= _number(node.attrib["opacity"], f"{label} opacity")
        if tag in ("svg", "g"):
            for child in node:
                self.element(child, mine, opacity, out)
            return
        if tag not in SHAPE_TAGS:
            raise SvgError(f"{label}: the element '{tag}' is outside the diagram art's subset.")
        shape = self.shape(node, tag, label)
        if shape is None:
            return
        self.paint(shape, tag, mine, opacity, label)
        out.add(shape)

    def attr(self, node: ET.Element, name: str, label: str, default: float | None = None) -> float:
        if name not in node.attrib:
            if default is None:
                raise SvgError(f"{label}: the attribute '{name}' is missing.")
            return default
        return _number(node.attrib[name], f"{label} {name}")

    def points(self, node: ET.Element, label: str) -> list[float]:
        values = [
            _number(v, f"{label} points") for v in re.split(r"[\s,]+", node.attrib.get("points", "").strip()) if v
        ]
        if len(values) % 2 or len(values) < 4:
            raise SvgError(f"{label}: 'points' needs pairs of numbers, at least two points.")
        flipped = []
        for i in range(0, len(values), 2):
            flipped += [self.x(values[i]), self.y(values[i + 1])]
        return flipped

    def shape(self, node: ET.Element, tag: str, label: str) -> Shape | None:
        a = self.attr
        if tag == "path":
            return self.path(node.attrib.get("d", ""), label)
        if tag == "circle":
            return Circle(self.x(a(node, "cx", label, 0)), self.y(a(node, "cy", label, 0)), a(node, "r", label))
        if tag == "ellipse":
            return Ellipse(
                self.x(a(node, "cx", label, 0)),
                self.y(a(node, "cy", label, 0)),
                a(node, "rx", label),
                a(node, "ry", label),
            )
        if tag == "line":
            return Line(
                self.x(a(node, "x1", label, 0)),
                self.y(a(node, "y1", label, 0)),
                self.x(a(node, "x2", label, 0)),
                self.y(a(node, "y2", label, 0)),
            )
        if tag == "rect":
            width, height = a(node, "width", label), a(node, "height", label)
            rx = a(node, "rx", label, -1)
            ry = a(node, "ry", label, -1)
            rx, ry = (max(rx, 0), max(ry, 0)) if rx >= 0 and ry >= 0 else (max(rx, ry, 0),) * 2
            return Rect(
                self.x(a(node, "x", label, 0)),
                self.y(a(node, "y", label, 0)) - height,
                width,
                height,
                rx=min(rx, width / 2),
                ry=min(ry, height / 2),
            )
        if tag in ("polyline", "polygon"):
            values = self.points(node, label)
            path = PathShape(autoclose="svg", fillMode=FILL_NON_ZERO)
            path.moveTo(values[0], values[1])
            for i in range(2, len(values), 2):
                path.lineTo(values[i], values[i + 1])
            if tag == "polygon":
                path.closePath()
            return path
        text = "".join(node.itertext()).strip()
        if not text:
            return None
        return String(self.x(a(node, "x", label, 0)), self.y(a(node, "y", label, 0)), text)

    def path(self, data: str, label: str) -> PathShape:
        tokens = PATH_TOKEN.findall(data)
        if "".join(tokens) != re.sub(r"[\s,]+", "", data):
            raise SvgError(f"{label}: the path data has characters outside numbers and the commands M L H V C Q Z.")
        path = PathShape(autoclose="svg", fillMode=FILL_NON_ZERO)
        x = y = start_x = start_y = 0.0
        command = ""
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.isalpha():
                if token.upper() not in PATH_ARGS:
                    raise SvgError(f"{label}: the path command '{token}' is outside M L H V C Q Z.")
                command = token
                i += 1
                if command.upper() == "Z":
                    path.closePath()
                    x, y = start_x, start_y
                    continue
            elif not command or command.upper() == "Z":
                raise SvgError(f"{label}: the path data has a number where a command is expected.")
            count = PATH_ARGS[command.upper()]
            args = tokens[i : i + count]
            if len(args) < count or any(arg.isalpha() for arg in args):
                raise SvgError(f"{label}: the path command '{command}' needs {count} numbers.")
            values = [float(arg) for arg in args]
            i += count
            relative = command.islower()
            upper = command.upper()
            if upper == "M":
                x, y = (x + values[0], y + values[1]) if relative else (values[0], values[1])
                start_x, start_y = x, y
                path.moveTo(self.x(x), self.y(y))
                command = "l" if relative else "L"
            elif upper == "L":
                x, y = (x + values[0], y + values[1]) if relative else (values[0], values[1])
                path.lineTo(self.x(x), self.y(y))
            elif upper == "H":
                x = x + values[0] if relative else values[0]
                path.lineTo(self.x(x), self.y(y))
            elif upper == "V":
                y = y + values[0] if relative else values[0]
                path.lineTo(self.x(x), self.y(y))
            elif upper == "C":
                pts = [v + (x if k % 2 == 0 else y) for k, v in enumerate(values)] if relative else values
                path.curveTo(
                    self.x(pts[0]), self.y(pts[1]), self.x(pts[2]), self.y(pts[3]), self.x(pts[4]), self.y(pts[5])
                )
                x, y = pts[4], pts[5]
            else:  # Q: the quadratic control point raised to a cubic's two
                pts = [v + (x if k % 2 == 0 else y) for k, v in enumerate(values)] if relative else values
                qx, qy, ex, ey = pts
                c1x, c1y = x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y)
                c2x, c2y = ex + 2 / 3 * (qx - ex), ey + 2 / 3 * (qy - ey)
                path.curveTo(self.x(c1x), self.y(c1y), self.x(c2x), self.y(c2y), self.x(ex), self.y(ey))
                x, y = ex, ey
        if not path.operators:
            raise SvgError(f"{label}: the path has no data.")
        return path

    def paint(self, shape: Shape, tag: str, style: Mapping[str, str], opacity: float, label: str) -> None:
        fill_opacity = opacity * _number(style.get("fill-opacity", "1"), f"{label} fill-opacity")
        stroke_opacity = opacity * _number(style.get("stroke-opacity", "1"), f"{label} stroke-opacity")
        fill = _colour(style["fill"], fill_opacity, f"{label} fill")
        stroke = _colour(style["stroke"], stroke_opacity, f"{label} stroke")
        if isinstance(shape, String):
            weight = style["font-weight"]
            bold = weight in {"bold", "bolder"} or (weight.isdigit() and int(weight) >= 600)
            shape.fontName = self.bold if bold else self.sans
            shape.fontSize = _number(style["font-size"], f"{label} font-size")
            shape.fillColor = fill
            anchor = style["text-anchor"]
            if anchor not in ("start", "middle", "end"):
                raise SvgError(f"{label}: text-anchor {anchor!r} is not start, middle or end.")
            shape.textAnchor = anchor
            return
        if tag != "line":
            shape.fillColor = fill
        shape.strokeColor = stroke
        shape.strokeWidth = _number(style["stroke-width"], f"{label} stroke-width")
        linecap = style["stroke-linecap"]
        linejoin = style["stroke-linejoin"]
        if linecap not in LINECAPS or linejoin not in LINEJOINS:
            raise SvgError(f"{label}: stroke-linecap or stroke-linejoin has a value outside the SVG keywords.")
        shape.strokeLineCap = LINECAPS[linecap]
        shape.strokeLineJoin = LINEJOINS[linejoin]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _describe(node: ET.Element, tag: str) -> str:
    ident = node.attrib.get("id")
    return f"<{tag} id={ident!r}>" if ident else f"<{tag}>"


def parse_svg(text: str) -> SvgArt:
    """Convert SVG text in the diagram art's subset; SvgError names what is outside it."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise SvgError(f"The diagram is not well-formed XML ({error}).") from error
    if _local(root.tag) != "svg":
        raise SvgError("The diagram's root element is not <svg>.")
    view_box = root.attrib.get("viewBox")
    if view_box is None:
        raise SvgError("The diagram has no viewBox; the art contract needs viewBox='0 0 400 300'.")
    box = [_number(v, "<svg> viewBox") for v in re.split(r"[\s,]+", view_box.strip())]
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        raise SvgError(f"The diagram's viewBox {view_box!r} needs four numbers with a positive size.")
    min_x, min_y, width, height = box
    group = Group()
    _Converter(min_x, min_y, height).element(root, DEFAULT_STYLE, 1.0, group)
    return SvgArt(width=width, height=height, group=group)


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int) -> SvgArt:
    return parse_svg(Path(path).read_text(encoding="utf-8"))


def load_svg(path: Path) -> SvgArt | None:
    """The converted diagram at ``path`` (cached while the file is unchanged), or None if there is no file."""
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _load(str(path), mtime)
