"""Time batch plans against bare numpy chains measured in the same run.

A million quotas through the worked example's funnel (1 in 50, 60%, 1/3,
deal size 84,000), with three ways to get the counts of every stage:

- ``Funnel.plan(quotas)``: exact, validated, a ``BatchPlan``;
- the bare numpy float ``ceil`` chain, ``ceil(ceil(q / size) / rate) ...``,
  keeping every stage's column (the baseline of the target; it is fast and
  wrong on some rows, counted below);
- an exact numpy int64 chain written by hand for this one funnel (integer
  quotas only: it cannot read a float quota exactly).

The float chain's wrong rows are counted for the worked example and for the
same funnel closing 35% of demos (where 21 deals need 60 demos, not 61).

Then ``plan_batch`` with a quota, deal size and close rate per row from a
pandas data frame, and the peak memory of each at the largest size.

Target (issue 10): 1,000,000 batch plans within 3× the float chain, exact on
every row.

Run: python benchmarks/bench_batch.py [rows]
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from salesmath import Funnel
from salesmath.batch import plan_batch

TARGET = 3.0
REPEATS = 7
RATES = (1 / 50, 0.6, 1 / 3)
TRAP_RATES = (1 / 50, 0.6, 0.35)


def best_of(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """Best wall time of `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mb(run: Callable[[], object]) -> float:
    """Peak memory (numpy arrays included) while `run` runs, in MB."""
    tracemalloc.start()
    result = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return peak / 1e6


def float_chain(quotas: np.ndarray, size: float, rates: tuple[float, ...]) -> list[np.ndarray]:
    """Every stage's count by float division and ceil: the fast, inexact baseline."""
    counts = [np.ceil(quotas / size)]
    for rate in reversed(rates):
        counts.append(np.ceil(counts[-1] / rate))
    return counts[::-1]


def int_chain(quotas: np.ndarray) -> list[np.ndarray]:
    """The worked example's counts in int64 by hand (integer quotas only, no checks)."""
    won = (quotas + 83_999) // 84_000
    demos = won * 3
    discos = (demos * 5 + 2) // 3
    return [discos * 50, discos, demos, won]


def report(name: str, ours: float, base: float, target: float | None = None) -> None:
    ratio = ours / base
    verdict = (
        ""
        if target is None
        else f"  (target <= {target:g}×: {'met' if ratio <= target else 'NOT met'})"
    )
    print(f"  {name:<52} {ours * 1000:8.1f} ms  {ratio:5.2f}×{verdict}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(2026)  # a fixed data set, the same every run
    funnel = Funnel(
        stages=["activities", "discos", "demos", "won"],
        rates=["1 in 50", "60%", "1/3"],
        deal_size=84_000,
    )
    # the same funnel closing 35% of demos: 21 deals need 60 demos, floats say 61
    trap_funnel = Funnel(
        stages=["activities", "discos", "demos", "won"],
        rates=["1 in 50", "60%", "35%"],
        deal_size=84_000,
    )
    cents = np.round(rng.uniform(0, 10_000_000, n), 2)  # quotas in cents, as floats
    whole = rng.integers(0, 10_000_000, n)  # whole quotas, int64
    whole_floats = whole.astype(np.float64)

    print(f"{n:,} plans of the worked example's funnel, best of {REPEATS}")
    for label, quotas in (
        ("float quotas in cents", cents),
        ("float quotas, whole", whole_floats),
        ("int64 quotas", whole),
    ):
        base = best_of(lambda q=quotas: float_chain(np.asarray(q, np.float64), 84_000.0, RATES))
        ours = best_of(lambda q=quotas: funnel.plan(q))
        print(f"{label}:")
        print(f"  {'bare numpy float ceil chain (baseline)':<52} {base * 1000:8.1f} ms  1.00×")
        report("Funnel.plan(quotas), exact", ours, base, TARGET)
        if quotas.dtype.kind == "i":
            report(
                "exact int64 chain by hand (no reading, no checks)",
                best_of(lambda q=quotas: int_chain(q)),
                base,
            )
        for trap, rates in ((funnel, RATES), (trap_funnel, TRAP_RATES)):
            plans = trap.plan(quotas)
            floats = float_chain(np.asarray(quotas, np.float64), 84_000.0, rates)
            wrong = np.zeros(n, dtype=bool)
            for stage, column in zip(trap.stages, floats, strict=True):
                wrong |= column != plans.counts[stage]
            print(
                f"  close rate {trap.rates[-1]}: the float chain is wrong on "
                f"{int(wrong.sum()):,} rows ({wrong.mean():.3%}); Funnel.plan on none"
            )
        plans = funnel.plan(quotas)
        sample = rng.choice(n, 2_000, replace=False)
        for i in sample.tolist():  # exact on every row: spot-check against the scalar plan
            q = quotas[i].item()
            assert [int(plans.counts[s][i]) for s in funnel.stages] == list(
                funnel.plan(q).counts.values()
            )
        print("  2,000 random rows checked against the scalar Funnel.plan: all equal")

    # per-row funnels from a data frame
    frame = pd.DataFrame(
        {
            "quota": cents,
            "deal_size": np.round(rng.uniform(5_000, 200_000, n), 2),
            "close_rate": np.round(rng.uniform(0.05, 0.6, n), 2),
        }
    )
    base = best_of(
        lambda: float_chain(
            frame["quota"].to_numpy() / frame["deal_size"].to_numpy(), 1.0, (0.02, 0.6, 0.3)
        )
    )
    ours = best_of(
        lambda: plan_batch(
            frame["quota"],
            stages=["activities", "discos", "demos", "won"],
            rates=["1 in 50", "60%", frame["close_rate"]],
            deal_size=frame["deal_size"],
        ),
        repeats=3,
    )
    print("per-row deal size and close rate from a data frame (plan_batch):")
    print(f"  {'bare numpy float ceil chain (baseline)':<52} {base * 1000:8.1f} ms  1.00×")
    report("plan_batch(frame columns), exact", ours, base)

    print(f"peak memory at {n:,} rows (tracemalloc, numpy arrays included):")
    print(f"  float chain: {peak_mb(lambda: float_chain(cents, 84_000.0, RATES)):7.1f} MB")
    print(f"  Funnel.plan: {peak_mb(lambda: funnel.plan(cents)):7.1f} MB")

    loop_n = 10_000
    loop = best_of(lambda: [funnel.plan(q).counts for q in whole[:loop_n].tolist()], repeats=3)
    batch = best_of(lambda: funnel.plan(whole[:loop_n]), repeats=REPEATS)
    print(
        f"for scale: {loop_n:,} scalar Funnel.plan(q) calls in a loop take {loop * 1000:.1f} ms, "
        f"one batch of them {batch * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
