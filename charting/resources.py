"""Where the files the app ships live: protocols, diagrams and fonts.

In a source checkout they are the top-level ``resources/`` folder; in an installed wheel the same folder is the
``charting_resources`` package (see ``[tool.setuptools.package-dir]`` in pyproject.toml).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

RESOURCE_PACKAGE = "charting_resources"


def resource_root() -> Path:
    """The folder holding ``protocols/``, ``diagrams/`` and ``fonts/``."""
    spec = importlib.util.find_spec(RESOURCE_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location)
            if (candidate / "protocols").is_dir():
                return candidate
    return Path(__file__).resolve().parent.parent / "resources"


def protocol_path(name: str = "preempt") -> Path:
    """The JSON file of a protocol shipped with the app."""
    return resource_root() / "protocols" / f"{name}.json"


def diagram_path(file_name: str) -> Path:
    """An SVG diagram named by a protocol view."""
    return resource_root() / "diagrams" / file_name


def font_dir() -> Path:
    """The folder of the embedded Unicode fonts."""
    return resource_root() / "fonts"
