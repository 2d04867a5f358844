"""Timing helpers: repeated runs, percentiles, one result row, phases printed as they go."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 30 runs is the 29th fastest)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def time_runs(operation: Callable[[], object], runs: int, warmup: int = 1) -> list[float]:
    """Milliseconds of each of ``runs`` calls, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        operation()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


@dataclass
class Figure:
    """One benchmark line: the fast way against its target, and the naive way."""

    name: str
    target_ms: float
    p50_ms: float
    p95_ms: float
    runs: int
    naive_p50_ms: float | None = None
    naive_runs: int = 0
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.p95_ms <= self.target_ms

    def as_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}

    def line(self) -> str:
        naive = (f"naive p50 {self.naive_p50_ms:>9.1f} ms ({self.naive_runs} runs)"
                 if self.naive_p50_ms is not None else "")
        verdict = "PASS" if self.passed else "FAIL"
        return (f"{self.name:<32} p50 {self.p50_ms:>8.1f} ms  p95 {self.p95_ms:>8.1f} ms  "
                f"target <= {self.target_ms:>5.0f} ms  {verdict}  {naive}")


def measure(name: str, target_ms: float, fast: Callable[[], object], runs: int,
            naive: Callable[[], object] | None = None, naive_runs: int = 0,
            note: str = "") -> Figure:
    """Time ``fast`` ``runs`` times and ``naive`` ``naive_runs`` times."""
    samples = time_runs(fast, runs)
    naive_samples = time_runs(naive, naive_runs, warmup=0) if naive and naive_runs else []
    return Figure(name, target_ms, percentile(samples, 50), percentile(samples, 95), runs,
                  percentile(naive_samples, 50) if naive_samples else None, len(naive_samples),
                  note)


class PhaseClock:
    """Prints each phase of a benchmark as it starts and ends, with the time since start."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def _stamp(self) -> str:
        return f"[{time.perf_counter() - self.started:7.1f} s]"

    def say(self, text: str) -> None:
        print(f"{self._stamp()} {text}", flush=True)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the ``with`` block as ``name``; printed at its start and end."""
        self.say(f"{name}...")
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 1)
        self.say(f"{name}: {self.seconds[name]:.1f} s")
