"""salesmath: exact, typed sales math.

Invert a quota into the activity each funnel stage needs, project a
pipeline, pace a plan, and check a sales team before hiring.

>>> import salesmath as sm
>>> funnel = sm.Funnel(stages=["activities", "discos", "demos", "won"],
...                    rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
>>> funnel.plan(250_000).counts
{'activities': 750, 'discos': 15, 'demos': 9, 'won': 3}

The public names are loaded lazily: ``import salesmath`` runs nothing but
this module, and each name imports its module the first time it is used, so
that apps and the command start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_WHERE: dict[str, str] = {
    "Funnel": "funnel",
    "sales_velocity": "funnel",
    "QuotaPlan": "plans",
    "BatchPlan": "batch",
    "plan_batch": "batch",
    "Projection": "plans",
    "Pace": "plans",
    "Schedule": "plans",
    "Amount": "numbers",
    "Count": "numbers",
    "Observed": "numbers",
    "PositiveAmount": "numbers",
    "Rate": "numbers",
    "Share": "numbers",
    "parse_amount": "numbers",
    "parse_rate": "numbers",
    "Simulation": "probability",
    "RepStats": "team",
    "Team": "team",
    "MetricRow": "thirds",
    "ThirdsComparison": "thirds",
    "compare_thirds": "thirds",
    "CapacityReport": "capacity",
    "Recommendation": "capacity",
    "RepCapacity": "capacity",
    "Shortfall": "capacity",
    "assess_capacity": "capacity",
    "BenchmarkCheck": "benchmarks",
    "BenchmarkReport": "benchmarks",
    "DEFAULT_BENCHMARKS": "benchmarks",
    "RoleBenchmark": "benchmarks",
    "check_benchmarks": "benchmarks",
    "HiringPlan": "hiring",
    "hiring_plan": "hiring",
    "History": "history",
    "ConversionRates": "history",
    "CycleDays": "history",
    "Pipeline": "history",
    "DataWarning": "errors",
    "DealSizeMix": "mix",
    "WinRateMix": "mix",
    "deal_size_mix": "mix",
    "win_rate_mix": "mix",
    "AnnualPlan": "annual",
    "Cascade": "annual",
    "GrowthRate": "annual",
    "KeyResult": "annual",
    "Objective": "annual",
    "annual_plan": "annual",
    "cascade": "annual",
    "growth_rate": "annual",
    "growth_target": "annual",
    "ConfigError": "errors",
    "InvalidInputError": "errors",
    "LimitError": "errors",
    "SalesmathError": "errors",
    "UnknownMetricError": "errors",
    "UnknownNameError": "errors",
    "UnknownRepError": "errors",
    "UnknownStageError": "errors",
}

__all__ = sorted([*_WHERE, "__version__"])


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is used."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'salesmath' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"salesmath.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from salesmath.annual import (
        AnnualPlan,
        Cascade,
        GrowthRate,
        KeyResult,
        Objective,
        annual_plan,
        cascade,
        growth_rate,
        growth_target,
    )
    from salesmath.batch import BatchPlan, plan_batch
    from salesmath.benchmarks import (
        DEFAULT_BENCHMARKS,
        BenchmarkCheck,
        BenchmarkReport,
        RoleBenchmark,
        check_benchmarks,
    )
    from salesmath.capacity import (
        CapacityReport,
        Recommendation,
        RepCapacity,
        Shortfall,
        assess_capacity,
    )
    from salesmath.errors import (
        ConfigError,
        DataWarning,
        InvalidInputError,
        LimitError,
        SalesmathError,
        UnknownMetricError,
        UnknownNameError,
        UnknownRepError,
        UnknownStageError,
    )
    from salesmath.funnel import Funnel, sales_velocity
    from salesmath.hiring import HiringPlan, hiring_plan
    from salesmath.history import ConversionRates, CycleDays, History, Pipeline
    from salesmath.mix import DealSizeMix, WinRateMix, deal_size_mix, win_rate_mix
    from salesmath.numbers import (
        Amount,
        Count,
        Observed,
        PositiveAmount,
        Rate,
        Share,
        parse_amount,
        parse_rate,
    )
    from salesmath.plans import Pace, Projection, QuotaPlan, Schedule
    from salesmath.probability import Simulation
    from salesmath.team import RepStats, Team
    from salesmath.thirds import MetricRow, ThirdsComparison, compare_thirds
