"""The head diagrams: the SVG subset, the follow-the-pain regions, where the sites fall, and how Qt draws them."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from charting.domain.protocol import Protocol, Region, Site
from charting.report.svg import parse_svg
from charting.resources import diagram_path
from tools.mirror_diagram import mirror_svg

SVG = "{http://www.w3.org/2000/svg}"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "diagrams"
VIEWS = ("front", "left", "right", "back")
MARKER_RADIUS = 15.0
WIDTH, HEIGHT = 400, 300

PRESENTATION = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "font-size",
    "font-weight",
    "font-family",
    "text-anchor",
    "id",
}
GEOMETRY = {
    "svg": {"width", "height", "viewBox"},
    "g": set(),
    "path": {"d"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "circle": {"cx", "cy", "r"},
    "line": {"x1", "y1", "x2", "y2"},
    "polyline": {"points"},
    "polygon": {"points"},
    "rect": {"x", "y", "width", "height"},
    "text": {"x", "y"},
}
COLOUR = re.compile(r"#[0-9a-f]{6}|none", re.IGNORECASE)
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _tree(view: str) -> ET.Element:
    return ET.parse(diagram_path(f"{view}.svg")).getroot()


def _elements(view: str) -> dict[str, ET.Element]:
    return {element.get("id", ""): element for element in _tree(view).iter() if element.get("id")}


def _points(text: str) -> tuple[tuple[float, float], ...]:
    numbers = [float(n) for n in re.findall(NUMBER, text)]
    return tuple(zip(numbers[::2], numbers[1::2], strict=True))


def _flatten_path(d: str, steps: int = 16) -> list[tuple[float, float]]:
    """The path's outline as a polyline (M L H V C Q Z, absolute or relative; curves sampled)."""
    tokens = re.findall(rf"[MLHVCQZmlhvcqz]|{NUMBER}", d)
    out: list[tuple[float, float]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = ""
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                x, y = start
                out.append(start)
                continue
        rel = command.islower()
        kind = command.upper()
        arity = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "Q": 4}[kind]
        args = [float(t) for t in tokens[i : i + arity]]
        i += arity
        if kind == "H":
            x = args[0] + (x if rel else 0)
            out.append((x, y))
            continue
        if kind == "V":
            y = args[0] + (y if rel else 0)
            out.append((x, y))
            continue
        pts = [(args[k] + (x if rel else 0), args[k + 1] + (y if rel else 0)) for k in range(0, arity, 2)]
        if kind in "ML":
            x, y = pts[0]
            out.append((x, y))
            if kind == "M":
                start = (x, y)
                command = "l" if rel else "L"
            continue
        control = [(x, y), *pts]
        for step in range(1, steps + 1):
            t = step / steps
            n = len(control) - 1
            out.append(
                (
                    sum(math.comb(n, k) * (1 - t) ** (n - k) * t**k * control[k][0] for k in range(n + 1)),
                    sum(math.comb(n, k) * (1 - t) ** (n - k) * t**k * control[k][1] for k in range(n + 1)),
                )
            )
        x, y = pts[-1]
    return out


def _shape(element: ET.Element) -> Region:
    """A drawn closed shape (polygon or path) as a region, for point-inside tests."""
    tag = element.tag.removeprefix(SVG)
    points = _points(element.get("points", "")) if tag == "polygon" else tuple(_flatten_path(element.get("d", "")))
    return Region(muscle="", side="", view="", polygon=points)


def _muscle_shape(view: str, site: Site) -> ET.Element:
    elements = _elements(view)
    for prefix in ("region", "muscle"):
        element = elements.get(f"{prefix}-{site.muscle}-{site.side}")
        if element is not None:
            return element
    raise AssertionError(f"{view}.svg draws no {site.muscle} ({site.side}) for {site.id}")


def _circle(x: float, y: float, radius: float, count: int = 16) -> list[tuple[float, float]]:
    return [
        (x + radius * math.cos(2 * math.pi * k / count), y + radius * math.sin(2 * math.pi * k / count))
        for k in range(count)
    ]


@pytest.mark.parametrize("view", VIEWS)
def test_svg_uses_the_contract_subset(view: str) -> None:
    root = _tree(view)
    assert root.tag == f"{SVG}svg"
    assert (root.get("viewBox"), root.get("width"), root.get("height")) == ("0 0 400 300", "400", "300")
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        assert tag in GEOMETRY, f"{view}.svg: <{tag}> is outside the subset"
        extra = set(element.attrib) - PRESENTATION - GEOMETRY[tag]
        assert not extra, f"{view}.svg: <{tag} id={element.get('id')}> has attributes outside the subset: {extra}"
        for attribute in ("fill", "stroke"):
            if attribute in element.attrib:
                assert COLOUR.fullmatch(element.attrib[attribute]), (
                    f"{view}.svg: {attribute}={element.attrib[attribute]}"
                )
        if tag == "path":
            commands = set(re.findall(r"[A-Za-z]", element.get("d", "")))
            assert commands <= set("MLHVCQZmlhvcqz"), f"{view}.svg: path commands {commands}"
        if tag == "text":
            assert (element.text or "").strip() and len(element) == 0


@pytest.mark.parametrize("view", VIEWS)
def test_the_pdf_converter_accepts_the_art(view: str) -> None:
    art = parse_svg(diagram_path(f"{view}.svg").read_text(encoding="utf-8"))
    assert (art.width, art.height) == (WIDTH, HEIGHT)
    assert art.group.contents


def test_every_region_is_drawn_with_the_protocol_points(protocol: Protocol) -> None:
    for region in protocol.regions:
        element = _elements(region.view).get(f"region-{region.muscle}-{region.side}")
        assert element is not None, f"{region.view}.svg has no region-{region.muscle}-{region.side}"
        assert element.tag == f"{SVG}polygon"
        assert _points(element.get("points", "")) == tuple(tuple(map(float, p)) for p in region.polygon)


def test_each_marker_sits_inside_the_head_or_body(protocol: Protocol) -> None:
    for site in protocol.sites:
        silhouette = _shape(_elements(site.view)["silhouette"])
        outside = [p for p in _circle(site.x, site.y, MARKER_RADIUS) if not silhouette.contains(*p)]
        assert not outside, f"{site.id}'s marker leaves the {site.view} outline at {outside}"


def test_each_site_falls_on_its_drawn_muscle(protocol: Protocol) -> None:
    for site in protocol.sites:
        shape = _shape(_muscle_shape(site.view, site))
        assert shape.contains(site.x, site.y), f"{site.id} is not on the drawn {site.muscle}"


def test_views_are_labelled_from_the_patient_side(protocol: Protocol) -> None:
    for view in protocol.views:
        elements = _elements(view.id)
        assert elements["view-label"].text == view.label
        assert float(elements["view-label"].get("x", "999")) < 40
        assert float(elements["view-label"].get("y", "999")) < 40
    front, back = _elements("front"), _elements("back")
    assert front["side-right"].text == "R" and float(front["side-right"].get("x", "")) < 200
    assert front["side-left"].text == "L" and float(front["side-left"].get("x", "")) > 200
    assert back["side-left"].text == "L" and float(back["side-left"].get("x", "")) < 200
    assert back["side-right"].text == "R" and float(back["side-right"].get("x", "")) > 200
    assert _elements("left")["side-left"].text == "L"
    assert _elements("right")["side-right"].text == "R"


def test_no_label_lies_under_a_marker(protocol: Protocol) -> None:
    for view in VIEWS:
        for element in _tree(view).iter(f"{SVG}text"):
            size = float(element.get("font-size", "12"))
            width = 0.65 * size * len(element.text or "")
            left = (
                float(element.get("x", "0"))
                - {"start": 0, "middle": width / 2, "end": width}[element.get("text-anchor", "start")]
            )
            top, bottom = float(element.get("y", "0")) - size, float(element.get("y", "0"))
            for site in (s for s in protocol.sites if s.view == view):
                nearest_x = min(max(site.x, left), left + width)
                nearest_y = min(max(site.y, top), bottom)
                assert math.dist((nearest_x, nearest_y), (site.x, site.y)) > MARKER_RADIUS + 2, (
                    f"{view}.svg: '{element.text}' is under {site.id}"
                )


def test_right_view_is_the_generated_mirror_of_the_left(protocol: Protocol) -> None:
    regions = {
        f"region-{r.muscle}-{r.side}": [(float(x), float(y)) for x, y in r.polygon]
        for r in protocol.regions
        if r.view == "right"
    }
    left = diagram_path("left.svg").read_text(encoding="utf-8")
    assert mirror_svg(left, regions) == diagram_path("right.svg").read_text(encoding="utf-8"), (
        "right.svg is stale: run .venv/bin/python tools/mirror_diagram.py"
    )


def _expected_colour(view: str, x: float, y: float) -> tuple[int, ...]:
    """The colour at a point from the filled shapes that cover it, composited in document order over white."""
    colour = [255.0, 255.0, 255.0]
    for element in _tree(view).iter():
        fill = element.get("fill", "none")
        if element.tag not in (f"{SVG}path", f"{SVG}polygon") or fill == "none" or not _shape(element).contains(x, y):
            continue
        alpha = float(element.get("fill-opacity", "1")) * float(element.get("opacity", "1"))
        for channel, start in enumerate((1, 3, 5)):
            colour[channel] = int(fill[start : start + 2], 16) * alpha + colour[channel] * (1 - alpha)
    return tuple(round(c) for c in colour)


@pytest.mark.parametrize("view", VIEWS)
def test_qt_renders_the_view(view: str, protocol: Protocol, qapp: object) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter, QPen
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(diagram_path(f"{view}.svg")))
    assert renderer.isValid()
    scale = 2
    image = QImage(WIDTH * scale, HEIGHT * scale, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, WIDTH * scale, HEIGHT * scale))
    painter.end()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(ARTIFACTS / f"{view}.png"))

    assert image.pixelColor(2, 2).alpha() == 0, "the top-left corner behind the label is blank"
    assert image.pixelColor(WIDTH * scale - 3, 2).alpha() == 0, "the top-right corner is blank"
    for site in (s for s in protocol.sites if s.view == view):
        pixel = image.pixelColor(round(site.x * scale), round(site.y * scale))
        expected = _expected_colour(view, site.x, site.y)
        got = (pixel.red(), pixel.green(), pixel.blue())
        assert pixel.alpha() == 255 and max(abs(a - b) for a, b in zip(got, expected, strict=True)) <= 6, (
            f"{view}.svg under {site.id}: {got}, expected the pale {site.muscle} tint {expected}"
        )
        assert min(got) < 235, f"{view}.svg under {site.id}: {got} is not visibly tinted"

    with_markers = image.copy()
    painter = QPainter(with_markers)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    painter.setPen(QPen(QColor("#0072b2"), 2))
    for site in (s for s in protocol.sites if s.view == view):
        painter.drawEllipse(
            QRectF(site.x - MARKER_RADIUS, site.y - MARKER_RADIUS, 2 * MARKER_RADIUS, 2 * MARKER_RADIUS)
        )
    painter.end()
    assert with_markers.save(str(ARTIFACTS / f"{view}-markers.png"))
