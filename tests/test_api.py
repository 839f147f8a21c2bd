"""The public surface: exactly the documented names, and nothing heavy on import."""

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import salesmath

# The documented API (docs/api.md, DESIGN.md "Public API contract").
DOCUMENTED = [
    # funnel core
    "Funnel",
    "QuotaPlan",
    "Projection",
    "Pace",
    "Schedule",
    "sales_velocity",
    # many plans at once
    "BatchPlan",
    "plan_batch",
    "parse_rate",
    "parse_amount",
    # exact-number types, for apps' own models
    "Rate",
    "Amount",
    "PositiveAmount",
    "Count",
    "Share",
    # probabilistic planning
    "Observed",
    "Simulation",
    # history: CRM records to rates, funnels, teams and pipeline
    "History",
    "ConversionRates",
    "CycleDays",
    "Pipeline",
    # rep performance and the thirds comparison
    "RepStats",
    "Team",
    "compare_thirds",
    "ThirdsComparison",
    "MetricRow",
    # the deal-size lever: mix or price
    "deal_size_mix",
    "DealSizeMix",
    "win_rate_mix",
    "WinRateMix",
    # capacity and hiring
    "assess_capacity",
    "CapacityReport",
    "Shortfall",
    "RepCapacity",
    "Recommendation",
    "check_benchmarks",
    "BenchmarkReport",
    "BenchmarkCheck",
    "RoleBenchmark",
    "DEFAULT_BENCHMARKS",
    "hiring_plan",
    "HiringPlan",
    # the year's plan
    "annual_plan",
    "AnnualPlan",
    "growth_rate",
    "GrowthRate",
    "growth_target",
    "cascade",
    "Cascade",
    "KeyResult",
    "Objective",
    # errors
    "SalesmathError",
    "InvalidInputError",
    "LimitError",
    "ConfigError",
    "DataWarning",
    "UnknownNameError",
    "UnknownStageError",
    "UnknownRepError",
    "UnknownMetricError",
    "__version__",
]


def test_all_is_exactly_the_documented_api():
    assert salesmath.__all__ == sorted(DOCUMENTED)
    for name in salesmath.__all__:
        assert hasattr(salesmath, name), name


def test_every_documented_name_is_in_the_api_reference():
    reference = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(
        encoding="utf-8"
    )
    for name in DOCUMENTED:
        if name != "__version__":
            assert f"::: salesmath.{name}" in reference, name


def test_import_loads_neither_scipy_nor_pandas():
    code = (
        "import sys, salesmath\n"
        "salesmath.Funnel(stages=['a', 'b'], rates=['1/2'], deal_size=1).plan(10)\n"
        "heavy = sorted(m for m in ('scipy', 'pandas', 'matplotlib') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_version_has_one_source():
    assert importlib.metadata.version("salesmath") == salesmath.__version__


def test_package_is_typed():
    assert (Path(salesmath.__file__).parent / "py.typed").is_file()
