"""Small helpers to time a callable repeatedly and summarise the samples."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def sample_ms(action: Callable[[], object], repeat: int) -> list[float]:
    """Run the action ``repeat`` times; the duration of each run in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median(samples: list[float]) -> float:
    """The median of the samples."""
    return statistics.median(samples)


def percentile(samples: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank)."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[rank]
