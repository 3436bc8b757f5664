"""Loading and validating the protocol file, against reading the same JSON without validation."""

from __future__ import annotations

import json

from bench.timing import median, sample_ms
from charting.domain.protocol import load_protocol
from charting.resources import protocol_path


def run(quick: bool) -> dict[str, float]:
    """Median load time of the protocol and its ratio to a bare json.load of the same file."""
    path = protocol_path()
    repeat = 50 if quick else 300
    load = median(sample_ms(lambda: load_protocol(path), repeat))
    bare = median(sample_ms(lambda: json.loads(path.read_text(encoding="utf-8")), repeat))
    return {"protocol_load_ms_median": round(load, 3), "protocol_load_ratio": round(load / bare, 2)}
