"""Timing helpers shared by the benchmark scripts (run as `python bench/<script>.py`)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(fn: Callable[[], object], runs: int, warm_up: bool = False) -> float:
    """Median wall time of fn() in milliseconds over `runs` calls (one untimed call first if
    warm_up)."""
    if warm_up:
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
