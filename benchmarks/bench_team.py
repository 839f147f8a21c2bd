"""Time building a Team of a million reps against building the pandas DataFrame itself.

The baseline is ``pandas.DataFrame`` of the same columns (rep names, four
stage counts, bookings in cents, a quota).  ``Team.from_frame`` reads that
frame by salesmath's rules (names stripped and checked unique, counts whole
and in range, every amount exact: 1234.56 is 123456/100), keeping the reps
as columns; ``Team.from_arrays`` reads the same columns from numpy arrays.
No ``RepStats`` model is made for any rep.

Targets (issue 10): ``Team.from_frame`` within 10× the DataFrame, and under
300 MB of memory beyond the frame (peak, measured with tracemalloc in a
separate run, so that tracing does not slow the timings).

Also: ``Team.from_csv`` of 100,000 of those reps against ``pandas.read_csv``
(no target; the command reads teams this way).

Run: python benchmarks/bench_team.py [reps]
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from salesmath import Team

TIME_TARGET = 10.0
MEMORY_TARGET_MB = 300.0
REPEATS = 3


def best_of(run: Callable[[], object]) -> float:
    """Best wall time of REPEATS runs, in seconds."""
    times = []
    for _ in range(REPEATS):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mb(run: Callable[[], object]) -> float:
    """Peak memory traced while `run` runs (what it keeps and what it drops), in MB."""
    gc.collect()
    tracemalloc.start()
    kept = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return peak / 1e6


def columns(n: int) -> dict[str, object]:
    rng = np.random.default_rng(2026)  # the same data every run
    activities = rng.integers(500, 1500, n)
    discos = rng.binomial(activities, 0.04)
    demos = rng.binomial(discos, 0.6)
    won = rng.binomial(demos, 0.3)
    bookings = np.round(won * rng.uniform(5_000, 200_000, n), 2)
    return {
        "rep": [f"rep {i:07d}" for i in range(n)],
        "activities": activities,
        "discos": discos,
        "demos": demos,
        "won": won,
        "bookings": bookings,
        "quota": np.full(n, 1_200_000.0),
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    data = columns(n)
    counts = {stage: data[stage] for stage in ("activities", "discos", "demos", "won")}
    frame = pd.DataFrame(data)

    def from_arrays() -> Team:
        return Team.from_arrays(
            rep=data["rep"], counts=counts, bookings=data["bookings"], quota=data["quota"]
        )

    Team.from_frame(frame.head(1000))  # imports warm
    baseline = best_of(lambda: pd.DataFrame(data))
    by_frame = best_of(lambda: Team.from_frame(frame))
    by_arrays = best_of(from_arrays)
    memory = peak_mb(lambda: Team.from_frame(frame))
    team = Team.from_frame(frame)
    assert (
        team["rep 0000007"].bookings
        == Team.from_records(frame.iloc[7:8].to_dict("records"))["rep 0000007"].bookings
    )

    ratio = by_frame / baseline
    print(f"building a team of {n:,} reps (best of {REPEATS}; pandas {pd.__version__}):")
    print(f"  pandas.DataFrame of the columns  {baseline * 1000:8.1f} ms   1.0×  (baseline)")
    print(
        f"  Team.from_frame(that frame)      {by_frame * 1000:8.1f} ms  {ratio:4.1f}×"
        f"  (target <= {TIME_TARGET:g}×: {'met' if ratio <= TIME_TARGET else 'NOT met'})"
    )
    print(
        f"  Team.from_arrays(the columns)    {by_arrays * 1000:8.1f} ms  {by_arrays / baseline:4.1f}×"
    )
    print(
        f"  peak memory of Team.from_frame   {memory:8.1f} MB"
        f"        (target < {MEMORY_TARGET_MB:g} MB: "
        f"{'met' if memory < MEMORY_TARGET_MB else 'NOT met'})"
    )
    print(f"  models built: {0 if 'reps' not in team.__dict__ else len(team):,}")

    # a CSV file, as the command reads one: Team.from_csv against pandas.read_csv
    rows = min(n, 100_000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "team.csv"
        frame.head(rows).to_csv(path, index=False)
        read = best_of(lambda: pd.read_csv(path))
        by_csv = best_of(lambda: Team.from_csv(path))
    print(f"reading a CSV of {rows:,} reps (best of {REPEATS}):")
    print(f"  pandas.read_csv                  {read * 1000:8.1f} ms   1.0×  (baseline)")
    print(f"  Team.from_csv                    {by_csv * 1000:8.1f} ms  {by_csv / read:4.1f}×")


if __name__ == "__main__":
    main()
