"""Time compare_thirds on 100,000 reps against a bare numpy sort-and-mean.

The baseline does only the arithmetic core: sort reps by bookings, take the
top and bottom thirds, and average each column in floats.  compare_thirds
also ranks exactly (ties by name), keeps every mean and pooled rate as an
exact fraction, runs a Mann–Whitney U test and a Spearman correlation per
metric, and builds the result model.

Two timings, each against the baseline: the first comparison of a team
(which sorts each metric once, keeping the sorts in the team's columns) and
a comparison of the same team again.  Target (issue 10): within 5× the
baseline, both.  The team is built columnar (``Team.from_arrays``, no model
per rep); building it is timed separately and is not part of either
comparison.

Run: python benchmarks/bench_thirds.py [reps]
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from salesmath import Team, compare_thirds

TARGET = 5.0
REPEATS = 5

STAGES = ("activities", "discos", "demos", "won")


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """Best wall time of `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def best_first(repeats: int, build_team: Callable[[], Team]) -> float:
    """Best wall time of comparing a new team, built (untimed) before each run."""
    times = []
    for _ in range(repeats):
        team = build_team()
        start = time.perf_counter()
        compare_thirds(team)
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


def team_builder(counts: np.ndarray, bookings: np.ndarray) -> Callable[[], Team]:
    """Build the benchmark's team columnar: Team.from_arrays, no model per rep."""
    names = np.array([f"rep{i:06d}" for i in range(len(bookings))])
    by_stage = {stage: counts[:, j] for j, stage in enumerate(STAGES)}
    return lambda: Team.from_arrays(rep=names, counts=by_stage, bookings=bookings)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    counts, bookings = make_data(n)
    build_team = team_builder(counts, bookings)

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

    build = best_of(REPEATS, build_team)
    team = build_team()
    result = compare_thirds(team)
    bare = best_of(REPEATS, baseline)
    first = best_first(REPEATS, build_team)  # a new team each time
    again = best_of(REPEATS, lambda: compare_thirds(team))
    print(f"reps: {n:,}; timings are the best of {REPEATS}")
    print(
        f"building the team (Team.from_arrays): {build * 1000:8.1f} ms  (not part of a comparison)"
    )
    print(f"{'numpy sort-and-mean (baseline)':<40} {bare * 1000:8.1f} ms")
    for name, seconds in (
        ("compare_thirds, the team's first time", first),
        ("compare_thirds, the same team again", again),
    ):
        ratio = seconds / bare
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(
            f"{name:<40} {seconds * 1000:8.1f} ms  {ratio:5.1f}× baseline  "
            f"(target <= {TARGET:g}×: {verdict})"
        )
    fresh = build_team()
    tracemalloc.start()
    compare_thirds(fresh)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"peak memory of a first comparison (tracemalloc): {peak:.1f} MB")
    print(f"levers: {result.levers()}")


if __name__ == "__main__":
    main()
