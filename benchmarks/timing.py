"""Shared helper of the benchmarks: best wall time of repeated calls."""
from __future__ import annotations

import time


def best_of(fn, repeat: int = 3) -> float:
    """Smallest wall time [s] of `repeat` calls of fn()."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best
