"""The SVG-subset converter, on small SVG strings and on the shipped diagram art."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.graphics.shapes import Circle, Ellipse, Group, Line, Rect, String
from reportlab.graphics.shapes import Path as PathShape

from charting.domain.protocol import Protocol
from charting.report.svg import SvgError, load_svg, parse_svg
from charting.resources import diagram_path


def strings(group: Group) -> list[str]:
    """Every text of a group and its nested groups, in drawing order."""
    found: list[str] = []
    for shape in group.contents:
        if isinstance(shape, Group):
            found += strings(shape)
        elif isinstance(shape, String):
            found.append(shape.text)
    return found


def svg(body: str, view_box: str = "0 0 400 300") -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="{view_box}">{body}</svg>'


def only(body: str) -> object:
    shapes = parse_svg(svg(body)).group.contents
    assert len(shapes) == 1
    return shapes[0]


def test_path_commands_absolute_and_relative_flip_to_y_up() -> None:
    path = only('<path d="M 10 20 L 30 20 H 50 V 40 l 10 10 h -5 v 5 Z"/>')
    assert isinstance(path, PathShape)
    assert path.points == [10, 280, 30, 280, 50, 280, 50, 260, 60, 250, 55, 250, 55, 245]
    assert path.operators[-1] == 3  # close path


def test_curves_cubic_and_quadratic() -> None:
    cubic = only('<path d="M0 0 C 10 0 20 10 20 20 c 0 10 10 10 10 0"/>')
    assert isinstance(cubic, PathShape)
    assert cubic.points[2:8] == [10, 300, 20, 290, 20, 280]
    assert cubic.points[8:14] == [20, 270, 30, 270, 30, 280]
    quadratic = only('<path d="M0 0 Q 30 0 30 30"/>')
    assert isinstance(quadratic, PathShape)
    assert quadratic.points[2:] == pytest.approx([20, 300, 30, 290, 30, 270])


def test_compact_path_numbers_and_implicit_lineto() -> None:
    path = only('<path d="M1.5-2 3,4 5 6z"/>')
    assert isinstance(path, PathShape)
    assert path.points == [1.5, 302, 3, 296, 5, 294]


def test_basic_shapes_and_their_style() -> None:
    circle = only('<circle cx="200" cy="120" r="10" fill="#0072b2" stroke="#000000" stroke-width="2"/>')
    assert isinstance(circle, Circle)
    assert (circle.cx, circle.cy, circle.r) == (200, 180, 10)
    assert circle.fillColor.hexval() == "0x0072b2"
    assert circle.strokeWidth == 2
    ellipse = only('<ellipse cx="10" cy="10" rx="5" ry="3" fill="none" stroke="#8c9199"/>')
    assert isinstance(ellipse, Ellipse)
    assert ellipse.fillColor is None
    assert ellipse.strokeColor.hexval() == "0x8c9199"
    rect = only('<rect x="10" y="20" width="30" height="40" rx="4"/>')
    assert isinstance(rect, Rect)
    assert (rect.x, rect.y, rect.width, rect.height, rect.rx, rect.ry) == (10, 240, 30, 40, 4, 4)
    line = only('<line x1="0" y1="0" x2="10" y2="10" stroke="#000" stroke-linecap="round"/>')
    assert isinstance(line, Line)
    assert (line.y1, line.y2, line.strokeLineCap) == (300, 290, 1)
    polygon = only('<polygon points="0,0 10,0 10,10"/>')
    assert isinstance(polygon, PathShape)
    assert polygon.operators[-1] == 3
    polyline = only('<polyline points="0 0 10 0 10 10" fill="none" stroke="#000000"/>')
    assert isinstance(polyline, PathShape)
    assert polyline.operators[-1] != 3


def test_text_takes_the_embedded_font_and_anchor() -> None:
    text = only('<text x="12" y="24" font-size="14" font-weight="bold" text-anchor="middle">FRONT</text>')
    assert isinstance(text, String)
    assert (text.x, text.y, text.text) == (12, 276, "FRONT")
    assert (text.fontName, text.fontSize, text.textAnchor) == ("DejaVuSans-Bold", 14, "middle")


def test_group_style_is_inherited_and_opacity_multiplies() -> None:
    art = parse_svg(
        svg(
            '<g fill="#ff0000" opacity="0.5"><circle cx="1" cy="1" r="1" fill-opacity="0.5"/><g><rect x="0" y="0" width="1" height="1"/></g></g>'
        )
    )
    circle, rect = art.group.contents
    assert circle.fillColor.hexval() == "0xff0000"
    assert circle.fillColor.alpha == pytest.approx(0.25)
    assert rect.fillColor.alpha == pytest.approx(0.5)


def test_defaults_follow_svg_fill_black_no_stroke() -> None:
    circle = only('<circle cx="1" cy="1" r="1"/>')
    assert isinstance(circle, Circle)
    assert circle.fillColor.hexval() == "0x000000"
    assert circle.strokeColor is None


def test_view_box_offset_and_comments_and_titles() -> None:
    art = parse_svg(svg("<!-- art --><title>Front</title><circle cx='60' cy='70' r='1'/>", "50 50 100 100"))
    assert (art.width, art.height) == (100, 100)
    (circle,) = art.group.contents
    assert (circle.cx, circle.cy) == (10, 80)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('<circle cx="1" cy="1" r="1" transform="scale(2)"/>', "'transform'"),
        ('<circle cx="1" cy="1" r="1" style="fill:red"/>', "'style'"),
        ('<circle cx="1" cy="1" r="1" class="muscle"/>', "'class'"),
        ('<image href="x.png" width="1" height="1"/>', "'image'"),
        ("<defs/>", "'defs'"),
        ('<path id="jaw" d="M0 0 A 5 5 0 0 1 10 10"/>', "<path id='jaw'>: the path command 'A'"),
        ('<path d="M0 0 S 1 1 2 2"/>', "'S'"),
        ('<path d="M0 0 L 1"/>', "needs 2 numbers"),
        ('<path d="10 10"/>', "a number where a command is expected"),
        ('<circle cx="1" cy="1" r="1" fill="red"/>', "'red' is not #rrggbb"),
        ('<circle cx="1" cy="1" r="x"/>', "'x' is not a number"),
        ('<circle cx="1" cy="1"/>', "'r' is missing"),
    ],
)
def test_outside_the_subset_is_refused_by_name(body: str, named: str) -> None:
    with pytest.raises(SvgError) as refused:
        parse_svg(svg(body))
    assert named in str(refused.value)


def test_a_document_that_is_not_our_svg_is_refused() -> None:
    with pytest.raises(SvgError, match="not well-formed"):
        parse_svg("<svg")
    with pytest.raises(SvgError, match="root element"):
        parse_svg("<html/>")
    with pytest.raises(SvgError, match="no viewBox"):
        parse_svg('<svg xmlns="http://www.w3.org/2000/svg"/>')


@pytest.mark.parametrize("view", ["front", "left", "right", "back"])
def test_the_shipped_art_converts(protocol: Protocol, view: str) -> None:
    art = load_svg(diagram_path(protocol.view(view).diagram))
    assert art is not None, f"resources/diagrams/{view}.svg is missing"
    assert (art.width, art.height) == (protocol.view(view).width, protocol.view(view).height)
    assert len(art.group.contents) > 5
    assert protocol.view(view).label in strings(art.group), "the view's label is part of the art"


def test_missing_art_is_none_and_cached_art_is_reused(tmp_path: Path) -> None:
    assert load_svg(tmp_path / "nothing.svg") is None
    file = tmp_path / "art.svg"
    file.write_text(svg('<circle cx="1" cy="1" r="1"/>'), encoding="utf-8")
    assert load_svg(file) is load_svg(file)
