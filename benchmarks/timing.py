"""Timing: repeated measurements, their median / p90 / best, and ratios taken in one run.

The machine is shared, so a figure on its own says little; two things measured in the same
run, interleaved, and compared as a ratio say more.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Samples:
    """Durations in milliseconds, in the order they were measured."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        # NaN rather than an error: a figure printed as "nan" shows that nothing was measured.
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def p90(self) -> float:
        return percentile(self.values, 0.9)

    @property
    def best(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def worst(self) -> float:
        return max(self.values) if self.values else float("nan")

    def __len__(self) -> int:
        return len(self.values)


def percentile(values: Sequence[float], share: float) -> float:
    """The value ``share`` of the way up the sorted values (nearest rank, no interpolation);
    NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def samples(values: list[float]) -> Samples:
    return Samples(tuple(values))


def repeat(action: Callable[[], object], times: int) -> Samples:
    """Run ``action`` ``times`` times; each run's wall-clock duration in ms."""
    durations = []
    for _ in range(times):
        began = time.perf_counter()
        action()
        durations.append((time.perf_counter() - began) * 1000)
    return samples(durations)


@dataclass
class Stopwatch:
    """Wall-clock and this process's CPU seconds of a ``with stopwatch()`` block."""

    wall: float = 0.0
    cpu: float = 0.0
    _started: tuple[float, float] = field(default=(0.0, 0.0), repr=False)


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    watch = Stopwatch(_started=(time.perf_counter(), time.process_time()))
    try:
        yield watch
    finally:
        watch.wall = time.perf_counter() - watch._started[0]
        watch.cpu = time.process_time() - watch._started[1]


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """``action()``'s result and its wall-clock seconds."""
    began = time.perf_counter()
    result = action()
    return result, time.perf_counter() - began


def interleaved(
    first: Callable[[], T], second: Callable[[], U] | None, rounds: int
) -> tuple[list[T], list[U]]:
    """Alternate ``first`` and ``second`` for ``rounds`` rounds, so both see the same load.

    ``second`` may be None (nothing to compare on this setup): then only ``first`` runs.
    """
    ones: list[T] = []
    others: list[U] = []
    for _ in range(rounds):
        ones.append(first())
        if second is not None:
            others.append(second())
    return ones, others


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")
