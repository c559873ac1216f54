"""Timing shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(fn: Callable[[], T], repeat: int) -> tuple[float, float, T]:
    """Best wall time and best CPU time of ``repeat`` calls (the CPU time shows what a loaded machine's wall
    time hides), and the last call's result."""
    wall, cpu = float("inf"), float("inf")
    out: T | None = None
    for _ in range(max(repeat, 1)):
        out = None  # the previous call's result is let go first: it would add to the next call's peak
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = min(wall, time.perf_counter() - t), min(cpu, time.process_time() - c)
    return wall, cpu, out  # type: ignore[return-value]
