"""Benchmark the funnel core against baselines measured in the same run.

Prints three ratios, each against its baseline timed in this run, with the
targets of the foundations issue:

1. import: ``import salesmath`` and ``import salesmath`` plus a first plan
   (which loads the modules a plan needs), each a fresh interpreter, against
   ``import numpy; from pydantic import BaseModel`` (median of 7; target
   <= 1.2 for the import; the first plan is shown for information, as it
   includes pydantic loading its plugins for the first validated model).
2. the command: ``salesmath plan examples/quarter.toml`` as a whole process
   against ``python -c "import numpy, pydantic"`` (median of 7; target <= 2.5).
3. ``Funnel.plan(q).counts`` (exact, validated) against the same inversion in
   bare floats with ``math.ceil`` (which is fast but asks for 61 demos where
   21 deals at 35% need 60; target <= 8).

Run: python benchmarks/bench_core.py
"""

import math
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

import salesmath as sm

ROOT = Path(__file__).resolve().parent.parent
FIRST_PLAN = (
    "import salesmath as sm; "
    "sm.Funnel(stages=['a', 'b'], rates=['1/2'], deal_size=1).plan(10).counts"
)


def median_seconds(command: list[str], repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def float_plan(quota: float, deal_size: float, rates: list[float]) -> list[int]:
    counts = [math.ceil(quota / deal_size)]
    for rate in reversed(rates):
        counts.append(math.ceil(counts[-1] / rate))
    return counts[::-1]


def report(name: str, ours: float, base: float, target: float | None, unit: str = "ms") -> None:
    """Print one ratio, and whether it meets its target (None: shown for information)."""
    scale = 1000 if unit == "ms" else 1e6
    ratio = ours / base
    if target is None:
        verdict = "no target: the first validated model loads pydantic's plugins"
    else:
        verdict = f"target <= {target}: {'met' if ratio <= target else 'NOT met'}"
    print(
        f"{name:<44} {ours * scale:9.2f} {unit}  vs {base * scale:9.2f} {unit}  "
        f"ratio {ratio:5.2f} ({verdict})"
    )


def main() -> None:
    base = median_seconds(python("import numpy; from pydantic import BaseModel"))
    report("import salesmath", median_seconds(python("import salesmath")), base, 1.2)
    report("import salesmath + a first plan", median_seconds(python(FIRST_PLAN)), base, None)

    command = [sys.executable, "-m", "salesmath", "plan", "examples/quarter.toml"]
    report(
        "salesmath plan examples/quarter.toml",
        median_seconds(command),
        median_seconds(python("import numpy, pydantic")),
        2.5,
    )

    funnel = sm.Funnel(
        stages=["activities", "discos", "demos", "won"],
        rates=["1 in 50", "60%", "1/3"],
        deal_size=84_000,
    )
    quotas = list(range(0, 10_000_000, 1_000))
    n = len(quotas)
    exact = min(timeit.repeat(lambda: [funnel.plan(q).counts for q in quotas], number=1, repeat=7))
    floats = min(
        timeit.repeat(
            lambda: [float_plan(q, 84_000.0, [0.02, 0.6, 1 / 3]) for q in quotas],
            number=1,
            repeat=7,
        )
    )
    report("Funnel.plan(q).counts, a plan", exact / n, floats / n, 8, unit="µs")
    trap = sm.Funnel(stages=["demos", "won"], rates=[0.35], deal_size=1)
    print(
        f"  exact where floats are not: 21 deals at 35% -> salesmath {trap.plan(21)['demos']} "
        f"demos, floats {float_plan(21, 1, [0.35])[0]}"
    )


if __name__ == "__main__":
    main()
