"""Time compare_thirds on 100,000 reps against a bare numpy sort-and-mean.

The baseline does only the arithmetic core: sort reps by bookings, take the
top and bottom thirds, and average each column in floats.  compare_thirds
also ranks exactly (ties by name), keeps every mean and pooled rate as an
exact fraction, runs a Mann–Whitney U test and a Spearman correlation per
metric, and builds the result model.

Two timings: the first comparison of a team (which reads its reps into
columns and sorts each metric once) and a comparison of the same team again
(columns and sorts are kept while the Team lives).  Target (issue 10):
within 5× the baseline.  Building the Team itself is timed separately.

Run: python benchmarks/bench_thirds.py [reps]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from salesmath import RepStats, Team, compare_thirds, thirds

TARGET = 5.0

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

    def first() -> object:
        thirds._DATA.clear()  # as if the team were new: read and sort its columns
        return compare_thirds(team)

    result = compare_thirds(team)
    bare = best_of(5, baseline)
    cold = best_of(5, first)
    reading = best_of(5, lambda: thirds._Data.of(team))
    warm = best_of(5, lambda: compare_thirds(team))
    print(f"reps: {n:,}  (building the Team once: {build:.2f} s, not timed below)")
    print(f"numpy sort-and-mean (baseline):       {bare * 1000:8.1f} ms  (best of 5)")
    for name, seconds in (
        ("compare_thirds, the team's first time", cold),
        ("  of which reading the reps to columns", reading),
        ("compare_thirds, the same team again", warm),
    ):
        ratio = seconds / bare
        verdict = (
            ""
            if name.startswith("  ")
            else (f"  (target <= {TARGET:g}×: {'met' if ratio <= TARGET else 'NOT met'})")
        )
        print(f"{name:<38} {seconds * 1000:8.1f} ms  {ratio:5.1f}×{verdict}")
    print(f"levers: {result.levers()}")


if __name__ == "__main__":
    main()
