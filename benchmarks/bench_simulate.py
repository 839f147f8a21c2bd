"""Time Funnel.simulate and confidence plans against baselines in the same run.

1. Simulation: the worked example from the sales-math AMA, 750 activities at
   1 in 50, 60% and 1/3 to won, deal size 84,000, a million simulated
   periods, against the least any simulation of it can do: one
   ``numpy.random.Generator.binomial`` call for the won deals.
2. Confidence plans (issue 10): ``plan(quota, confidence=0.9)`` for 300 and
   3,000 deals with one and two measured rates, against the same plan with
   the measured rates taken as exact (target: two measured rates at 3,000
   deals within 50× the exact-rate plan).

Run: python benchmarks/bench_simulate.py
"""

import timeit
import tracemalloc

import numpy as np

from salesmath import Funnel

DRAWS = 1_000_000
REPEATS = 7
PLAN_REPEATS = 41
"""A plan takes milliseconds: the best of many runs, so that a busy machine's pauses drop out."""

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


def best(run, repeats: int = REPEATS) -> float:
    return min(timeit.repeat(run, number=1, repeat=repeats))


def confidence_plans() -> None:
    stages = ["activities", "discos", "demos", "won"]
    exact = Funnel(stages=stages, rates=["1 in 50", "60%", "1/3"], deal_size=1)
    one = Funnel(stages=stages, rates=["1 in 50", "60%", "10 of 30"], deal_size=1)
    two = Funnel(stages=stages, rates=["1 in 50", "30 of 50", "10 of 30"], deal_size=1)
    print(
        f"confidence plans at 90%, best of {PLAN_REPEATS} "
        "(rates 1 in 50, 60% / 30 of 50, 1/3 / 10 of 30):"
    )
    for deals in (300, 3000):
        for funnel in (exact, one, two):  # scipy imported, caches warm
            funnel.plan(deals, confidence=0.9)
        base = best(lambda d=deals: exact.plan(d, confidence=0.9), PLAN_REPEATS)
        print(f"  {deals:,} deals, exact rates:             {base * 1000:8.2f} ms   1×")
        for name, funnel in (("one measured rate ", one), ("two measured rates", two)):
            seconds = best(lambda f=funnel, d=deals: f.plan(d, confidence=0.9), PLAN_REPEATS)
            ratio = seconds / base
            target = ""
            if deals == 3000 and funnel is two:
                target = f"  (target <= 50×: {'met' if ratio <= 50 else 'NOT met'})"
            print(f"  {deals:,} deals, {name}:   {seconds * 1000:8.2f} ms  {ratio:4.0f}×{target}")
    tracemalloc.start()
    two.plan(3000, confidence=0.9)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"  peak memory of the 3,000-deal plan with two measured rates: {peak:.1f} MB")


def main() -> None:
    confidence_plans()
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
