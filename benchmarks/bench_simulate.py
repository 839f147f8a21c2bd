"""Time Funnel.simulate against a bare numpy binomial draw, in the same run.

The worked example from the sales-math AMA: 750 activities at 1 in 50, 60%
and 1/3 to won, deal size 84,000, a million simulated periods.  The
baseline is the least any simulation of it can do: one
``numpy.random.Generator.binomial`` call for the won deals.

Run: python benchmarks/bench_simulate.py
"""

import timeit

import numpy as np

from salesmath import Funnel

DRAWS = 1_000_000
REPEATS = 7

funnel = Funnel(
    stages=["activities", "discos", "demos", "won"],
    rates=["1 in 50", "60%", "1/3"],
    deal_size=84_000,
)
measured = Funnel(
    stages=["activities", "discos", "demos", "won"],
    rates=["1 in 50", "60%", "3 of 9"],
    deal_size=84_000,
)


def bare_numpy() -> None:
    np.random.default_rng(1).binomial(750, 1 / 250, DRAWS)


def best(run) -> float:
    return min(timeit.repeat(run, number=1, repeat=REPEATS))


def main() -> None:
    cases = {
        "fixed deal size": lambda: funnel.simulate(750, draws=DRAWS, seed=1).bookings,
        "lognormal deal size, cv 0.5": lambda: (
            funnel.simulate(750, draws=DRAWS, seed=1, deal_size_cv=0.5).bookings
        ),
        "past deal sizes": lambda: (
            funnel.simulate(750, draws=DRAWS, seed=1, deal_sizes=[40_000, 84_000, 150_000]).bookings
        ),
        "close rate measured as 3 of 9": lambda: (
            measured.simulate(750, draws=DRAWS, seed=1).bookings
        ),
    }
    baseline = best(bare_numpy)
    print(f"{DRAWS:,} draws of the worked example, best of {REPEATS}")
    print(f"{'bare numpy Generator.binomial':38s} {baseline * 1000:8.1f} ms   1.0×")
    for name, run in cases.items():
        seconds = best(run)
        print(f"{'simulate: ' + name:38s} {seconds * 1000:8.1f} ms  {seconds / baseline:4.1f}×")


if __name__ == "__main__":
    main()
