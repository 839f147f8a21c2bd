"""Benchmark assess_capacity against a bare numpy baseline measured in the same run.

The baseline does the core of the check in floats: per-rep conversions and
deal size compared with the model's, and the share of reps below. salesmath
does it exactly (fractions), with shortfalls, masking stars, headroom and
recommendations on top.

Run: python benchmarks/bench_capacity.py [REPS]
"""

import sys
import timeit

import numpy as np

import salesmath as sm

STAGES = ["activities", "discos", "demos", "won"]


def make_team(n: int, seed: int = 7) -> tuple[sm.Team, np.ndarray]:
    rng = np.random.default_rng(seed)
    activities = rng.integers(2_000, 5_000, n)
    discos = rng.binomial(activities, 0.02)
    demos = rng.binomial(discos, 0.6)
    won = rng.binomial(demos, 1 / 3)
    bookings = won * rng.integers(20_000, 30_000, n)
    counts = np.stack([activities, discos, demos, won, bookings], axis=1)
    records = [
        {
            "rep": f"rep{i:06d}",
            **dict(zip(STAGES, map(int, row[:4]), strict=True)),
            "bookings": int(row[4]),
        }
        for i, row in enumerate(counts)
    ]
    return sm.Team.from_records(records, stages=STAGES), counts


def numpy_baseline(counts: np.ndarray) -> float:
    activities, discos, demos, won, bookings = counts.T.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = (
            (discos / activities < 0.02)
            | (demos / discos < 0.6)
            | (won / demos < 1 / 3)
            | (bookings / won < 25_000)
            | (activities < 3_750)
        )
    return float(below.mean())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    team, counts = make_team(n)
    model = sm.Funnel(stages=STAGES, rates=["1 in 50", "60%", "1/3"], deal_size=25_000)

    def ours() -> None:
        report = sm.assess_capacity(team, model, quota=375_000)
        report.to_text()

    exact = min(timeit.repeat(ours, number=1, repeat=3))
    bare = min(timeit.repeat(lambda: numpy_baseline(counts), number=1, repeat=5))
    print(f"reps: {n:,}")
    print(f"numpy float check (baseline):        {bare * 1000:9.2f} ms")
    print(
        f"assess_capacity + its table (exact): {exact * 1000:9.2f} ms   ratio {exact / bare:,.0f}x"
    )


if __name__ == "__main__":
    main()
