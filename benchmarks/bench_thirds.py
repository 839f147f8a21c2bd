"""Time compare_thirds on 100,000 reps against a bare numpy sort-and-mean.

The baseline does only the arithmetic core: sort reps by bookings, take the
top and bottom thirds, and average each column in floats.  compare_thirds
also ranks exactly (ties by name), keeps every mean and pooled rate as an
exact fraction, runs a Mann–Whitney U test and a Spearman correlation per
metric, and builds the result model.

Run: python benchmarks/bench_thirds.py [reps]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from salesmath import RepStats, Team, compare_thirds

STAGES = ("activities", "discos", "demos", "won")


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """Best wall time of `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def make_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2026)  # a fixed data set, the same every run
    activities = rng.integers(500, 1500, n)
    discos = rng.binomial(activities, 0.04)
    demos = rng.binomial(discos, 0.6)
    won = rng.binomial(demos, 0.3)
    deal_size = rng.integers(5_000, 200_000, n)
    counts = np.column_stack([activities, discos, demos, won])
    return counts, won * deal_size


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    counts, bookings = make_data(n)

    start = time.perf_counter()
    team = Team(
        stages=STAGES,
        reps=[
            RepStats(rep=f"rep{i:06d}", counts=dict(zip(STAGES, row, strict=True)), bookings=b)
            for i, (row, b) in enumerate(zip(counts.tolist(), bookings.tolist(), strict=True))
        ],
    )
    build = time.perf_counter() - start

    def baseline() -> object:
        order = np.argsort(-bookings, kind="stable")
        k = n // 3
        top, bottom = order[:k], order[n - k :]
        return (
            counts[top].mean(axis=0),
            counts[bottom].mean(axis=0),
            bookings[top].mean(),
            bookings[bottom].mean(),
        )

    result = compare_thirds(team)
    ours = best_of(5, lambda: compare_thirds(team))
    bare = best_of(5, baseline)
    print(f"reps: {n:,}  (building the Team once: {build:.2f} s, not timed below)")
    print(f"compare_thirds:            {ours * 1000:8.1f} ms  (best of 5)")
    print(f"numpy sort-and-mean:       {bare * 1000:8.1f} ms  (best of 5)")
    print(f"ratio:                     {ours / bare:8.0f}×")
    print(f"levers: {result.levers()}")


if __name__ == "__main__":
    main()
