"""Benchmark the funnel core against baselines measured in the same run.

- `import salesmath` vs `import pydantic` (each in a fresh interpreter).
- Funnel.plan(q).counts (exact fractions, validated models) vs the same
  inversion in bare floats with math.ceil (which is fast but gets 21/0.35
  wrong: it asks for 61 demos).

Run: python benchmarks/bench_core.py
"""

import math
import subprocess
import sys
import time
import timeit

import salesmath as sm


def fresh_import_seconds(module: str, repeats: int = 7) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def float_plan(quota: float, deal_size: float, rates: list[float]) -> list[int]:
    counts = [math.ceil(quota / deal_size)]
    for rate in reversed(rates):
        counts.append(math.ceil(counts[-1] / rate))
    return counts[::-1]


def main() -> None:
    bare = fresh_import_seconds("pydantic")
    ours = fresh_import_seconds("salesmath")
    print(f"import pydantic (baseline): {bare * 1000:7.1f} ms")
    print(f"import salesmath:           {ours * 1000:7.1f} ms   ratio {ours / bare:.2f}x")

    funnel = sm.Funnel(
        stages=["activities", "discos", "demos", "won"],
        rates=["1 in 50", "60%", "1/3"],
        deal_size=84_000,
    )
    quotas = list(range(0, 10_000_000, 1_000))
    n = len(quotas)
    exact = min(timeit.repeat(lambda: [funnel.plan(q).counts for q in quotas], number=1, repeat=5))
    floats = min(
        timeit.repeat(
            lambda: [float_plan(q, 84_000.0, [0.02, 0.6, 1 / 3]) for q in quotas],
            number=1,
            repeat=5,
        )
    )
    print(f"{n} plans, bare floats (baseline): {floats / n * 1e6:8.2f} µs a plan")
    print(
        f"{n} plans, salesmath exact:        {exact / n * 1e6:8.2f} µs a plan   ratio {exact / floats:.0f}x"
    )


if __name__ == "__main__":
    main()
