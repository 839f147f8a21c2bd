"""salesmath: exact, typed sales math.

Invert a quota into the activity each funnel stage needs, project a
pipeline, pace a plan, and check a sales team before hiring.

>>> import salesmath as sm
>>> funnel = sm.Funnel(stages=["activities", "discos", "demos", "won"],
...                    rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
>>> funnel.plan(250_000).counts
{'activities': 750, 'discos': 15, 'demos': 9, 'won': 3}
"""

from salesmath.capacity import (
    DEFAULT_BENCHMARKS,
    BenchmarkReport,
    CapacityReport,
    RoleBenchmark,
    assess_capacity,
    check_benchmarks,
)
from salesmath.errors import InvalidInputError, SalesmathError, UnknownStageError
from salesmath.funnel import Funnel, Pace, Projection, QuotaPlan, Schedule, sales_velocity
from salesmath.hiring import HiringPlan, hiring_plan
from salesmath.probability import Observed, Simulation
from salesmath.rates import parse_amount, parse_rate
from salesmath.team import RepStats, Team, UnknownRepError
from salesmath.thirds import MetricRow, ThirdsComparison, compare_thirds

__version__ = "0.1.0"

__all__ = [
    "BenchmarkReport",
    "CapacityReport",
    "DEFAULT_BENCHMARKS",
    "Funnel",
    "HiringPlan",
    "InvalidInputError",
    "MetricRow",
    "Observed",
    "Pace",
    "Projection",
    "QuotaPlan",
    "RepStats",
    "RoleBenchmark",
    "SalesmathError",
    "Schedule",
    "Simulation",
    "Team",
    "ThirdsComparison",
    "UnknownRepError",
    "UnknownStageError",
    "__version__",
    "assess_capacity",
    "check_benchmarks",
    "compare_thirds",
    "hiring_plan",
    "parse_amount",
    "parse_rate",
    "sales_velocity",
]
