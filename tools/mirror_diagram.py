"""Generate resources/diagrams/right.svg as the mirror image of left.svg.

The RIGHT view is the LEFT view seen from the other side: every x becomes ``width - x``, ids and labels swap
left/right, and the follow-the-pain region is written with exactly the points (and order) of the protocol's
``region-temporalis-right`` polygon. Text stays where it is (the view label remains in the top-left corner).
left.svg must use absolute path commands only (M L H V C Q Z), which keeps the mirror a plain coordinate swap.

Run by hand after editing left.svg:  .venv/bin/python tools/mirror_diagram.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIAGRAMS = ROOT / "resources" / "diagrams"
PROTOCOL = ROOT / "resources" / "protocols" / "preempt.json"
WIDTH = 400.0

_NUMBER = r"-?\d+(?:\.\d+)?"
_SWAPS = {"left": "right", "right": "left", "LEFT": "RIGHT", "RIGHT": "LEFT", "L": "R", "R": "L"}


def _fmt(value: float) -> str:
    """A coordinate without a needless trailing .0."""
    return str(int(value)) if value == int(value) else f"{value:g}"


def _mirror_x(text: str) -> str:
    return _fmt(WIDTH - float(text))


def mirror_path(d: str) -> str:
    """Mirror a path's x coordinates; only absolute M L H V C Q Z are accepted."""
    tokens = re.findall(rf"[A-Za-z]|{_NUMBER}", d)
    out: list[str] = []
    command = ""
    index = 0  # position of the current number within its command's parameters
    for token in tokens:
        if token.isalpha():
            if token not in "MLHVCQZ":
                raise ValueError(f"left.svg may only use absolute M L H V C Q Z path commands, not {token!r}")
            command, index = token, 0
            out.append(token)
            continue
        mirrored = command == "H" or (command in "MLCQ" and index % 2 == 0)
        out.append(_mirror_x(token) if mirrored else token)
        index += 1
    return re.sub(r" ?([A-Z]) ?", r" \1 ", " ".join(out)).strip().replace("  ", " ")


def mirror_points(points: str) -> list[tuple[float, float]]:
    """Mirror a polygon's ``x,y`` list."""
    pairs = re.findall(rf"({_NUMBER})\s*,\s*({_NUMBER})", points)
    return [(WIDTH - float(x), float(y)) for x, y in pairs]


def _swap_word(match: re.Match[str]) -> str:
    return _SWAPS[match.group(0)]


def mirror_svg(source: str, regions: dict[str, list[tuple[float, float]]]) -> str:
    """The RIGHT view's SVG text from the LEFT view's."""
    text = re.sub(r"<!--.*?-->\n?", "", source, flags=re.S)
    text = text.replace(
        "<svg ",
        "<!-- RIGHT view: generated from left.svg by tools/mirror_diagram.py; edit left.svg, not this file. -->\n<svg ",
        1,
    )
    text = re.sub(r'\bd="([^"]*)"', lambda m: f'd="{mirror_path(m.group(1))}"', text)
    text = re.sub(r'\b(cx|x1|x2)="([^"]*)"', lambda m: f'{m.group(1)}="{_mirror_x(m.group(2))}"', text)
    text = re.sub(r'\bid="([^"]*)"', lambda m: 'id="' + re.sub(r"\b(left|right)\b", _swap_word, m.group(1)) + '"', text)

    def polygon(match: re.Match[str]) -> str:
        element = match.group(0)
        found_id = re.search(r'id="([^"]*)"', element)
        found_points = re.search(r'points="([^"]*)"', element)
        points = mirror_points(found_points.group(1) if found_points else "")
        region_id = found_id.group(1) if found_id else ""
        if region_id in regions:
            if sorted(points) != sorted(regions[region_id]):
                raise ValueError(f"the mirrored {region_id} does not match the protocol's polygon")
            points = regions[region_id]
        joined = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
        return re.sub(r'points="[^"]*"', f'points="{joined}"', element)

    text = re.sub(r"<(?:polygon|polyline)\b[^>]*>", polygon, text, flags=re.S)
    return re.sub(
        r">(LEFT|L|patient's left)<", lambda m: ">" + re.sub(r"\b(LEFT|L|left)\b", _swap_word, m.group(1)) + "<", text
    )


def main() -> int:
    """Write right.svg next to left.svg."""
    protocol = json.loads(PROTOCOL.read_text(encoding="utf-8"))
    regions = {
        f"region-{r['muscle']}-{r['side']}": [(float(x), float(y)) for x, y in r["polygon"]]
        for r in protocol["follow_the_pain_regions"]
        if r["view"] == "right"
    }
    source = (DIAGRAMS / "left.svg").read_text(encoding="utf-8")
    (DIAGRAMS / "right.svg").write_text(mirror_svg(source, regions), encoding="utf-8")
    print(f"wrote {DIAGRAMS / 'right.svg'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
