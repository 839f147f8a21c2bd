"""The house rules every module keeps: one import direction, one error family, one table contract."""

import ast
import json
import math
import pickle
from pathlib import Path

import pandas as pd
import pytest

import salesmath as sm
from salesmath import errors

PACKAGE = Path(sm.__file__).resolve().parent


def _module_level_imports(path: Path) -> set[str]:
    """The salesmath modules `path` imports when it is imported (not inside functions or
    ``if TYPE_CHECKING:`` blocks, which run later or never)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.If):
                test = ast.unparse(node.test)
                if "TYPE_CHECKING" not in test:
                    visit(node.body)
                    visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
            elif isinstance(node, ast.Import):
                found.update(
                    alias.name.split(".")[1]
                    for alias in node.names
                    if alias.name.startswith("salesmath.")
                )
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "salesmath":
                    found.update(
                        alias.name
                        for alias in node.names
                        if (PACKAGE / f"{alias.name}.py").exists()
                    )
                elif node.module.startswith("salesmath."):
                    found.add(node.module.split(".")[1])

    visit(tree.body)
    return found - {path.stem}


def _import_graph() -> dict[str, set[str]]:
    return {
        path.stem: _module_level_imports(path)
        for path in PACKAGE.glob("*.py")
        if path.stem not in ("__init__", "__main__")
    }


def _find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports in `graph`, as a path that ends where it starts, or None."""
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph.get(module, ())):
            if circle := walk(imported, [*path, module]):
                return circle
        done.add(module)
        return None

    for module in sorted(graph):
        if circle := walk(module, []):
            return circle
    return None


def test_the_import_graph_has_no_circle():
    assert _find_circle(_import_graph()) is None


def test_the_circle_finder_finds_circles():
    assert _find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_circle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_reads_real_imports():
    graph = _import_graph()
    assert "funnel" in graph["plans"]
    assert "funnel" in graph["probability"]
    assert "plans" not in graph["funnel"]  # funnel imports plans only inside plan()
    assert "funnel" not in graph["team"]  # a team needs the stage vocabulary, not a funnel


def test_foundation_modules_import_nothing_above_them():
    graph = _import_graph()
    assert graph["errors"] == set()
    assert graph["numbers"] <= {"errors"}
    assert graph["_format"] == set()
    assert graph["_stages"] <= {"errors", "numbers"}
    assert graph["_core"] == set()


def test_import_salesmath_loads_no_submodule_until_a_name_is_used():
    import subprocess
    import sys

    code = (
        "import sys, salesmath\n"
        "print(sorted(m for m in sys.modules if m.startswith('salesmath.')))\n"
        "salesmath.Funnel\n"
        "print('pydantic' in sys.modules, 'scipy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "True False"]


# -- errors ---------------------------------------------------------------------------

ERROR_SAMPLES = [
    errors.SalesmathError("something"),
    errors.InvalidInputError("quota must be a finite number >= 0, got -1"),
    errors.LimitError("periods must be at most 10,000"),
    errors.ConfigError("config file 'x.toml' does not exist"),
    errors.DataWarning("3 records have a 'demo' date before the created date (ids 1, 2, 3)"),
    errors.UnknownNameError("x", ["a", "b"], "column"),
    errors.UnknownStageError("demo", ["demos", "won"]),
    errors.UnknownRepError("Avry", ["Avery"]),
    errors.UnknownMetricError("dealsize", ["deal_size"]),
]


def test_every_error_class_is_sampled():
    classes = {
        getattr(errors, name) for name in errors.__all__ if isinstance(getattr(errors, name), type)
    }
    assert classes == {type(error) for error in ERROR_SAMPLES}


@pytest.mark.parametrize("error", ERROR_SAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_pickles_and_compares_equal_after_the_round_trip(error):
    copy = pickle.loads(pickle.dumps(error))
    assert copy == error
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert isinstance(copy, errors.SalesmathError)


@pytest.mark.parametrize("error", ERROR_SAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_is_also_the_builtin_it_means(error):
    if type(error) is errors.SalesmathError:
        return
    if isinstance(error, Warning):
        assert isinstance(error, UserWarning)
        return
    assert isinstance(error, ValueError)
    if isinstance(error, errors.UnknownNameError):
        assert isinstance(error, KeyError)


def test_errors_of_different_types_or_arguments_differ():
    assert errors.UnknownStageError("a", ["b"]) != errors.UnknownRepError("a", ["b"])
    assert errors.InvalidInputError("a") != errors.InvalidInputError("b")
    assert len({errors.InvalidInputError("a"), errors.InvalidInputError("a")}) == 1


@pytest.fixture
def funnel():
    return sm.Funnel(
        stages=["activities", "discos", "demos", "won"],
        rates=["1 in 50", "60%", "1/3"],
        deal_size=84_000,
        days=[14, 7, 30],
    )


def test_every_unknown_name_lookup_raises_the_same_base(funnel):
    plan = funnel.plan(250_000)
    lookups = [
        lambda: plan["demo"],
        lambda: funnel.index("demo"),
        lambda: funnel.rate("demo", "won"),
        lambda: funnel.coverage("demo"),
        lambda: funnel.project(10)["demo"],
        lambda: funnel.project(10, stage="demo"),
        lambda: funnel.simulate(10, stage="demo", draws=10, seed=1),
    ]
    for lookup in lookups:
        with pytest.raises(errors.UnknownNameError, match="unknown stage 'demo'"):
            lookup()


# -- the table contract ------------------------------------------------------------


def _results(funnel):
    plan = funnel.plan(250_000)
    return {
        "Funnel": funnel,
        "QuotaPlan": plan,
        "QuotaPlan at 90%": funnel.plan(250_000, confidence="90%"),
        "Projection": funnel.project(750),
        "Pace": plan.pace(13, unit="week"),
        "Schedule": plan.schedule("2026-12-31"),
        "Simulation": funnel.simulate(750, draws=1000, seed=3),
    }


NUMERIC = {
    "Funnel": ["to next", "days", "coverage"],
    "QuotaPlan": ["count", "to next", "coverage"],
    "QuotaPlan at 90%": ["count", "to next", "coverage at 90%"],
    "Projection": ["expected"],
    "Pace": ["activities", "discos", "demos", "won"],
    "Schedule": ["count", "days before close"],
    "Simulation": ["deals", "bookings"],
}


@pytest.mark.parametrize("name", list(NUMERIC))
def test_to_frame_has_numeric_columns(funnel, name):
    frame = _results(funnel)[name].to_frame()
    for column in NUMERIC[name]:
        assert pd.api.types.is_numeric_dtype(frame[column]), (name, column, frame[column].dtype)


def test_a_measured_rate_is_its_number_in_the_frame_and_its_counts_in_the_text():
    funnel = sm.Funnel(stages=["demos", "won"], rates=["150 of 310"], deal_size=1000)
    assert funnel.to_frame()["to next"].iloc[0] == pytest.approx(150 / 310)
    assert "150 of 310 (48.4%)" in str(funnel)
    assert "150 of 310 (48.4%)" in str(funnel.plan(10_000))


@pytest.mark.parametrize("name", list(NUMERIC))
def test_every_result_has_a_one_paragraph_summary(funnel, name):
    summary = _results(funnel)[name].summary()
    assert isinstance(summary, str)
    assert summary.endswith(".")
    assert "\n" not in summary
    assert "nan" not in summary.lower().split()
    assert "inf" not in summary.lower().split()


def test_plan_summary_says_the_counts_and_the_chance(funnel):
    assert funnel.plan(250_000).summary() == (
        "To book 250,000 at 84,000 a deal takes 3 won deals: 9 demos, 15 discos and "
        "750 activities. From 750 activities the chance of reaching quota is 57.7% "
        "(conversions independent, deal size fixed)."
    )


def test_json_of_every_result_is_strict_json(funnel):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    for result in _results(funnel).values():
        json.loads(result.model_dump_json(), parse_constant=refuse)


def test_probabilities_with_thousands_of_measured_deals_are_numbers():
    # issue 11, item 1: scipy.special.roots_jacobi overflowed here and the plan printed "nan%"
    funnel = sm.Funnel(
        stages=["o", "e", "w"], rates=["8300 of 8800", "4238 of 6711"], deal_size=2360
    )
    chance = funnel.attainment_probability(110_000, 80)
    assert math.isfinite(chance)
    assert "nan" not in str(funnel.plan(110_000))


def test_measured_rates_on_thousands_of_deals_agree_with_the_exact_sum():
    # The exact distribution, summed term by term (scipy.stats.betabinom): the count
    # reaching "e" is beta-binomial, and each count converts to "w" beta-binomially.
    from scipy import stats

    funnel = sm.Funnel(
        stages=["o", "e", "w"], rates=["8300 of 8800", "4238 of 6711"], deal_size=2360
    )
    deals = math.ceil(110_000 / 2360)
    first, second = stats.betabinom(80, 8301, 501), None
    exact = 0.0
    for m in range(deals, 81):
        second = stats.betabinom(m, 4239, 2474)
        exact += first.pmf(m) * second.sf(deals - 1)
    assert funnel.attainment_probability(110_000, 80) == pytest.approx(exact, abs=1e-9)


def test_every_result_draws_itself(funnel):
    """Every table result in ``salesmath.__all__`` has its own ``plot(ax=...)``, drawing a title.

    One small instance of each; a new result class fails here until it has
    one and draws (the pictures themselves are tested in test_plotting.py).
    """
    import tomllib

    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from salesmath._table import TabularModel

    examples = Path(__file__).resolve().parent.parent / "examples"
    team = sm.Team.from_csv(examples / "enterprise_team.csv", stages=list(funnel.stages))
    with (examples / "crm" / "history.toml").open("rb") as file:
        config = tomllib.load(file)
    config.pop("quota")
    history = sm.History.from_csv(examples / "crm" / "opportunities.csv", **config)
    thirds = sm.compare_thirds(history.team())
    ramp = [0, 0.5, 1]
    results = {
        **_results(funnel),
        "AnnualPlan": sm.annual_plan(
            9_000_000, start=3_000_000, headcount=8, productivity=31_250, ramp=ramp
        ),
        "BatchPlan": funnel.plan(np.array([250_000, 500_000])),
        "BenchmarkReport": sm.check_benchmarks(team),
        "CapacityReport": sm.assess_capacity(team, funnel),
        "Cascade": sm.cascade(900_000, {"east": 2, "west": 1}),
        "ConversionRates": history.rates(),
        "CycleDays": history.cycle_days(),
        "DealSizeMix": sm.deal_size_mix(history, thirds.top, thirds.bottom, by="product"),
        "HiringPlan": sm.hiring_plan(9_000_000, headcount=8, productivity=31_250, ramp=ramp),
        "Objective": sm.Objective(
            name="Growth", key_results=[sm.KeyResult.from_text("200 leads", actual=240)]
        ),
        "Pipeline": history.pipeline("M"),
        "RepStats": team["Avery"],
        "Team": team,
        "ThirdsComparison": sm.compare_thirds(team),
        "WinRateMix": sm.win_rate_mix(history, thirds.top, thirds.bottom, by="product"),
    }
    public = {
        name
        for name in sm.__all__
        if isinstance(cls := getattr(sm, name), type) and issubclass(cls, TabularModel)
    }
    assert public <= results.keys(), f"build one of each to draw: {sorted(public - results.keys())}"
    for name in sorted(public):
        result = results[name]
        assert type(result).__name__ == name
        assert "plot" in type(result).__dict__, f"{name} has no plot() of its own"
        figure = Figure()
        ax = figure.add_subplot()
        assert result.plot(ax=ax) is ax, name
        assert isinstance(ax, Axes)
        assert ax.get_title(), name
        assert ax.patches or ax.lines or ax.collections or ax.texts, f"{name} drew nothing"
