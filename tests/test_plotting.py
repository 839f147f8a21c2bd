"""Pictures: what each plot draws (bar heights, lines, labels), reference images, --plot.

Every plot is rendered with the Agg backend under matplotlib's default style
and checked for what it shows, not only that it runs.  A few reference PNGs
(``tests/baseline_images/``) are compared with ``compare_images`` with every
text removed, so a different font rasteriser cannot fail them; regenerate
them with ``SALESMATH_UPDATE_BASELINES=1 pytest tests/test_plotting.py``.
"""

import math
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images
from matplotlib.text import Text

import salesmath as sm
from salesmath import _cli_plot, plotting
from salesmath._format import format_amount, format_percent, format_probability, format_times
from salesmath.errors import InvalidInputError
from salesmath.history import History

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BASELINES = Path(__file__).resolve().parent / "baseline_images"
STAGES = ["activities", "discos", "demos", "won"]


@pytest.fixture(autouse=True)
def _default_style() -> Iterator[None]:
    """Every test draws with matplotlib's defaults, whatever the machine's matplotlibrc."""
    with plt.style.context("default"):
        yield
    plt.close("all")


@pytest.fixture
def ax():
    return Figure(figsize=(6, 4)).add_subplot()


@pytest.fixture(scope="module")
def worked():
    """The worked example every user knows (sales-math AMA): 3 deals, 9 demos, 15 discos, 750."""
    return sm.Funnel(stages=STAGES, rates=["1 in 50", "60%", "1/3"], deal_size=84_000)


@pytest.fixture(scope="module")
def capacity_story():
    """The $3M → $9M story of examples/capacity_team.csv."""
    with (EXAMPLES / "capacity_assumptions.toml").open("rb") as file:
        config = tomllib.load(file)
    model = sm.Funnel(**config["funnel"])
    team = sm.Team.from_csv(EXAMPLES / "capacity_team.csv", stages=model.stages)
    return sm.assess_capacity(team, model, quota=config["quota"])


@pytest.fixture(scope="module")
def enterprise():
    team = sm.Team.from_csv(EXAMPLES / "enterprise_team.csv", stages=STAGES)
    return sm.compare_thirds(team)


@pytest.fixture(scope="module")
def history():
    with (EXAMPLES / "crm" / "history.toml").open("rb") as file:
        config = tomllib.load(file)
    config.pop("quota")
    return History.from_csv(EXAMPLES / "crm" / "opportunities.csv", **config)


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _bar_labels(ax) -> list[str]:
    """The labels bar_label wrote (annotations on the bars)."""
    return [t.get_text() for t in ax.texts if t.get_text()]


# -- light import ------------------------------------------------------------------------------


def test_import_salesmath_and_every_result_never_load_matplotlib_until_plot_is_called():
    code = f"""
import sys, tomllib
import salesmath as sm
root = {str(EXAMPLES)!r}
funnel = sm.Funnel(stages={STAGES!r}, rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
plan = funnel.plan(250_000)
team = sm.Team.from_csv(root + "/enterprise_team.csv", stages={STAGES!r})
results = [plan, plan.pace(3), funnel.project(750), funnel.simulate(750, draws=100, seed=1),
           sm.compare_thirds(team), sm.assess_capacity(team, funnel),
           sm.hiring_plan(9_000_000, headcount=8, productivity=31_250, ramp=[0, 0.5, 1]),
           sm.annual_plan(9_000_000, start=3_000_000, headcount=8, productivity=31_250,
                          ramp=[0, 0.5, 1])]
for result in results:
    str(result), result._repr_html_(), result.summary() if hasattr(result, "summary") else None
import salesmath.plotting, salesmath._cli_plot, salesmath.cli  # the plot modules are light too
salesmath.cli.build_parser()
print("matplotlib" in sys.modules)
results[5].plot()
print("matplotlib" in sys.modules)
"""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["False", "True"]


# -- plans -------------------------------------------------------------------------------------


def test_quota_plan_bars_are_the_counts_top_stage_first(worked, ax):
    plan = worked.plan(250_000)
    drawn = plotting.plot_quota_plan(plan, ax=ax)
    assert drawn is ax  # drawn on the axes given
    assert [bar.get_width() for bar in ax.patches] == [750, 15, 9, 3]
    assert [t.get_text() for t in ax.get_yticklabels()] == STAGES
    assert ax.yaxis_inverted()  # the top of the funnel on top
    assert ax.get_title() == "Plan for a quota of 250,000: 3 deals at 84,000"
    assert ax.get_xlabel() == "count needed to book 250,000"
    # each bar says its count; each conversion sits between its two stages
    assert [t.get_text() for t in ax.texts[:4]] == ["750", "15", "9", "3"]
    assert _texts(ax)[4:] == ["↓ 2%", "↓ 60%", "↓ 1/3 (33.3%)"]
    assert [t.xy[1] for t in ax.texts[4:]] == [0.5, 1.5, 2.5]


def test_quota_plan_without_rounding_draws_expected_counts_and_confidence_is_named(worked, ax):
    plan = worked.plan(250_000, rounding="none")
    plotting.plot_quota_plan(plan, ax=ax)
    assert [bar.get_width() for bar in ax.patches] == pytest.approx(
        [float(c) for c in plan.counts.values()]
    )
    sure = worked.plan(250_000, confidence=0.9)
    ax2 = plotting.plot_quota_plan(sure, ax=Figure().add_subplot())
    assert "(90% sure)" in ax2.get_title()
    assert [bar.get_width() for bar in ax2.patches] == list(sure.counts.values())


def test_plot_passes_keyword_arguments_to_the_bars_and_makes_a_figure_without_ax(worked):
    ax = plotting.plot_quota_plan(worked.plan(250_000), color="black")
    assert ax.figure is not None
    assert all(bar.get_facecolor() == (0, 0, 0, 1) for bar in ax.patches)


def test_pace_bars_are_each_periods_target_and_add_up_to_the_stage(worked, ax):
    pace = worked.plan(250_000).pace(4, unit="week")
    plotting.plot_pace(pace, ax=ax, stage="demos")
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [t["demos"] for t in pace.targets]
    assert sum(heights) == 9
    assert ax.get_ylabel() == "demos per week"
    assert ax.get_title() == "Pace for a quota of 250,000: 9 demos over 4 weeks"
    with pytest.raises(KeyError):
        plotting.plot_pace(pace, ax=ax, stage="demo")


def test_projection_bars_are_binomial_chances_and_the_title_gives_the_exact_chance(worked, ax):
    projection = worked.project(750)
    plotting.plot_projection(projection, ax=ax, quota=250_000)
    # the chance drawn is the funnel's exact attainment probability (scipy binom, rate 1/250)
    chance = worked.attainment_probability(250_000, 750)
    assert ax.get_title() == (
        f"From 750 activities: expected 252,000; {format_probability(chance)} chance to reach "
        "250,000"
    )
    reached = sum(bar.get_height() for bar in ax.patches if bar.get_x() + 0.4 * 84_000 >= 250_000)
    assert reached == pytest.approx(chance, abs=1e-3)  # bars past the quota add up to the chance
    assert sum(bar.get_height() for bar in ax.patches) == pytest.approx(1, abs=1e-3)
    [line] = ax.lines
    assert line.get_xdata()[0] == 250_000  # the quota line sits at the quota
    assert ax.get_legend().get_texts()[0].get_text() == "quota 250,000"


def test_projection_of_measured_rates_uses_their_uncertainty(ax):
    """A funnel measured as "3 of 9" is uncertain (beta-binomial): the bars are its chances."""
    measured = sm.Funnel(stages=STAGES, rates=["15 of 750", "9 of 15", "3 of 9"], deal_size=84_000)
    plotting.plot_projection(measured.project(750), ax=ax, quota=250_000)
    chance = measured.attainment_probability(250_000, 750)
    assert format_probability(chance) in ax.get_title()
    reached = sum(bar.get_height() for bar in ax.patches if bar.get_x() + 0.4 * 84_000 >= 250_000)
    assert reached == pytest.approx(chance, abs=1e-3)
    assert sum(bar.get_height() for bar in ax.patches) == pytest.approx(1, abs=1e-3)


def test_projection_of_a_large_volume_groups_deal_counts_into_few_bars(worked, ax):
    plotting.plot_projection(worked.project(10_000_000), ax=ax)
    assert len(ax.patches) <= plotting.MAX_PROJECTION_BARS + 1
    assert sum(bar.get_height() for bar in ax.patches) == pytest.approx(1, abs=1e-3)
    assert ax.get_ylabel().startswith("chance (each bar ")


def test_projection_of_a_fractional_volume_is_refused(worked, ax):
    with pytest.raises(InvalidInputError, match="whole volume"):
        plotting.plot_projection(worked.project(Fraction(15, 2)), ax=ax)


def test_simulation_bars_are_the_share_of_draws_at_each_value(worked, ax):
    simulation = worked.simulate(750, draws=2_000, seed=7)
    plotting.plot_simulation(simulation, ax=ax, quota=250_000, quantiles=[0.1, 0.9])
    bookings = list(simulation.bookings)
    for bar in ax.patches:
        value = bar.get_x() + bar.get_width() / 2
        assert bar.get_height() == pytest.approx(bookings.count(value) / 2_000)
    assert sum(bar.get_height() for bar in ax.patches) == pytest.approx(1)
    lines = {line.get_label(): line.get_xdata()[0] for line in ax.lines}
    assert lines["quota 250,000"] == 250_000
    assert lines[f"10% quantile {format_amount(simulation.quantile(0.1))}"] == (
        simulation.quantile(0.1)
    )
    chance = format_probability(simulation.attainment_probability(250_000))
    assert ax.get_title() == f"2,000 simulated periods from 750 activities: {chance} reach 250,000"


def test_simulation_with_varying_deal_sizes_is_a_histogram_of_shares(worked, ax):
    simulation = worked.simulate(750, draws=2_000, seed=7, deal_size_cv=0.5)
    plotting.plot_simulation(simulation, ax=ax)
    assert len(ax.patches) == 40
    assert sum(bar.get_height() for bar in ax.patches) == pytest.approx(1)


# -- the team ----------------------------------------------------------------------------------


def test_thirds_waterfall_adds_up_to_the_whole_gap(enterprise, ax):
    plotting.plot_thirds(enterprise, ax=ax)
    shares = {f: s for f, s in enterprise.shares().items() if s is not None}
    *steps, total = ax.patches
    assert [bar.get_height() for bar in steps] == pytest.approx(list(shares.values()))
    # each step starts where the one before ended; the last bar is the sum: 100%
    running = 0.0
    for bar in steps:
        assert bar.get_y() == pytest.approx(running)
        running += bar.get_height()
    assert total.get_height() == pytest.approx(running) == pytest.approx(1)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == [*shares, "gap 4.21×"]
    assert ax.get_ylabel() == "share of the bookings gap"


def test_thirds_offsetting_factor_falls_below_zero(ax):
    """A top third that wins on volume while the bottom third sells larger deals (thirds.py)."""
    team = sm.Team.from_records(
        [
            {"rep": r, "opportunities": o, "won": w, "bookings": b}
            for r, o, w, b in [
                ("a", 100, 20, 200_000),
                ("b", 90, 18, 190_000),
                ("c", 60, 10, 150_000),
                ("d", 50, 8, 130_000),
                ("e", 30, 5, 120_000),
                ("f", 28, 5, 110_000),
            ]
        ]
    )
    plotting.plot_thirds(sm.compare_thirds(team), ax=ax)
    deal_size = ax.patches[2]
    assert deal_size.get_height() == pytest.approx(-1.528, abs=1e-3)
    assert ax.texts[2].get_text() == "-152.8%"
    assert ax.patches[-1].get_height() == pytest.approx(1)


def test_thirds_ratio_bars_are_top_over_bottom(enterprise, ax):
    plotting.plot_thirds(enterprise, ax=ax, kind="ratio")
    rows = [row for row in enterprise.metrics if row.ratio]
    # each bar runs from 1× (no difference) to its ratio
    assert [bar.get_x() for bar in ax.patches] == [1] * len(rows)
    ends = [bar.get_x() + bar.get_width() for bar in ax.patches]
    assert ends == pytest.approx([float(r.ratio) for r in rows])
    assert [t.get_text() for t in ax.texts] == [format_times(r.ratio) for r in rows]
    assert ax.get_xscale() == "log"
    with pytest.raises(InvalidInputError, match="kind must be one of 'gap', 'ratio'"):
        plotting.plot_thirds(enterprise, ax=ax, kind="pie")


def test_thirds_with_a_zeroed_bottom_says_so_instead_of_a_waterfall(ax):
    team = sm.Team.from_records(
        [
            {"rep": r, "demos": 10, "won": w, "bookings": w * 1000}
            for r, w in [("a", 5), ("b", 4), ("c", 3), ("d", 2), ("e", 0), ("f", 0)]
        ]
    )
    plotting.plot_thirds(sm.compare_thirds(team), ax=ax)
    assert not ax.patches
    assert _texts(ax) == ["The bottom third has no demos_to_won: close that first"]


def test_capacity_shortfalls_are_actual_over_model_against_the_model_line(capacity_story, ax):
    report = capacity_story
    drawn = report.plot(ax=ax)
    assert drawn is ax
    expected = [
        (f"{rep.rep} · {s.factor}", float(s.actual / s.assumed))
        for rep in report.underutilized
        for s in rep.shortfalls
    ]
    assert [t.get_text() for t in ax.get_yticklabels()] == [name for name, _ in expected]
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([v for _, v in expected])
    [model] = ax.lines
    assert model.get_xdata()[0] == 1
    assert model.get_label() == "the model (100%)"
    assert ax.get_title() == "Below the model: 3 of 8 reps (37.5%; limit 25%)"


def test_capacity_headroom_waterfall_ends_at_bookings_plus_headroom(capacity_story, ax):
    report = capacity_story
    report.plot(ax=ax, kind="headroom")
    today = sum(rep.bookings for rep in report.team.reps)
    first, *gains, last = ax.patches
    assert first.get_height() == today
    assert [bar.get_height() for bar in gains] == [float(r.gain) for r in report.underutilized]
    assert last.get_height() == today + report.headroom
    assert ax.texts[-1].get_text() == format_amount(today + report.headroom)
    assert ax.get_title() == (
        f"Headroom: closing 3 of 8 reps' gaps adds {format_amount(report.headroom)}"
    )


def test_capacity_of_a_large_team_draws_the_largest_gains_and_the_rest_as_one_step(ax):
    from salesmath.capacity import SHOWN_REPS

    n = SHOWN_REPS + 15
    team = sm.Team.from_arrays(
        rep=[f"r{i:02d}" for i in range(n)],
        counts={"demos": [12] * n, "won": [1 + i % 3 for i in range(n)]},
        bookings=[8_000 * (1 + i % 3) + i for i in range(n)],
    )
    report = sm.assess_capacity(
        team, sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    )
    below = len(report.underutilized)
    assert below > SHOWN_REPS
    report.plot(ax=ax, kind="headroom")
    today = team.total().bookings
    first, *steps, last = ax.patches
    shown = report.underutilized[:SHOWN_REPS]
    assert [bar.get_height() for bar in steps[:-1]] == [float(r.gain) for r in shown]
    assert steps[-1].get_height() == pytest.approx(
        float(report.headroom - sum(r.gain for r in shown))
    )
    assert first.get_height() == today
    assert last.get_height() == pytest.approx(float(today + report.headroom))
    assert f"{below - SHOWN_REPS} more reps" in [t.get_text() for t in ax.get_xticklabels()]
    ax.clear()
    report.plot(ax=ax)
    labels = {t.get_text().split(" · ")[0] for t in ax.get_yticklabels()}
    assert labels == {r.rep for r in shown}
    assert ax.get_title().endswith(f"; the {SHOWN_REPS} with the largest gains")


def test_capacity_with_no_rep_below_says_so(worked, ax):
    team = sm.Team(
        stages=["demos", "won"],
        reps=[
            sm.RepStats(rep=name, counts={"demos": 9, "won": 3}, bookings=30_000) for name in "abcd"
        ],
    )
    model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    sm.assess_capacity(team, model).plot(ax=ax)
    assert _texts(ax) == ["Every rep meets the model on every factor"]


def test_benchmarks_bars_are_value_over_the_rules_minimum_below_in_red(ax):
    team = sm.Team(
        stages=["demos", "won"],
        reps=[
            sm.RepStats(rep="bo", counts={"demos": 20, "won": 3}, bookings=1, role="AE"),
            sm.RepStats(rep="cy", counts={"demos": 20, "won": 6}, bookings=1, role="AE"),
        ],
    )
    report = sm.check_benchmarks(team)
    report.plot(ax=ax)
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([0.75, 1.5])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["bo · close_rate", "cy · close_rate"]
    red = matplotlib.colors.to_rgba(plotting.COLORS["bad"])
    assert [bar.get_facecolor() == red for bar in ax.patches] == [True, False]
    assert ax.lines[0].get_xdata()[0] == 1
    assert ax.get_title() == "Role rules of thumb: 1 of 2 checks below"


def test_hiring_plan_stacks_add_up_to_each_months_bookings(capacity_story, ax):
    plan = sm.hiring_plan(
        9_000_000,
        headcount=8,
        productivity=31_250,
        ramp=[0, 0, 0, 0.25, 0.5, 0.75, 1],
        capacity=capacity_story,
    )
    plan.plot(ax=ax)
    months = plan.months
    team, hires = ax.containers
    table = plan.table()
    for month in range(months):
        stacked = team[month].get_height() + hires[month].get_height()
        assert stacked == pytest.approx(float(table.rows[month][3]))  # the bookings column
        assert hires[month].get_y() == team[month].get_height()
    target, naive = ax.lines
    assert target.get_ydata()[0] == pytest.approx(9_000_000 / 12)
    assert naive.get_label() == f"naive: {plan.naive_hires} hires in month 1"
    assert ax.get_title() == (
        f"Hire {plan.hires} reps to book 9,000,000 in 12 months "
        f"(expected {format_amount(plan.bookings)})"
    )
    assert ax.get_xlabel() == "month"
    assert ax.get_ylabel() == "bookings per month"


def test_annual_plan_bars_are_capacities_against_the_targets(ax):
    plan = sm.annual_plan(
        9_000_000,
        start=3_000_000,
        headcount=8,
        productivity=31_250,
        ramp=[0, 0, 0, 0.25, 0.5, 0.75, 1],
    )
    plan.plot(ax=ax)
    assert [bar.get_height() for bar in ax.patches] == pytest.approx(
        [float(c) for c in plan.capacities]
    )
    [targets] = ax.lines
    assert list(targets.get_ydata()) == pytest.approx([float(t) for t in plan.targets])
    hired = [t.get_text() for t in ax.texts]
    assert hired == [
        f"+{plan.hires_by_month[m]}" if m in plan.hires_by_month else "" for m in range(1, 13)
    ]


def test_cascade_bars_are_the_parts_and_add_up_to_the_total(ax):
    result = sm.cascade(1_000_000, {"east": 3, "west": 2, "north": 2})
    result.plot(ax=ax)
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx([float(a) for a in result.amounts.values()])
    assert sum(widths) == pytest.approx(1_000_000)
    assert ax.get_title() == "1,000,000 split over 3 (weights)"


# -- history -----------------------------------------------------------------------------------


def test_conversion_rates_points_and_intervals(history, ax):
    rates = history.rates()
    plotting.plot_conversion_rates(rates, ax=ax)
    [container] = ax.containers
    points = container.lines[0]
    assert list(points.get_ydata()) == pytest.approx([float(r.rate) for r in rates.rows])
    assert [t.get_text() for t in ax.get_xticklabels()] == [r.conversion for r in rates.rows]
    assert ax.get_ylabel() == f"conversion rate ({format_percent(rates.level)} interval)"


def test_conversion_rates_by_group_one_series_each(history, ax):
    rates = history.rates(by="office")
    plotting.plot_conversion_rates(rates, ax=ax)
    groups = sorted({row.group for row in rates.rows})
    labels = sorted(t.get_text() for t in ax.get_legend().get_texts())
    assert labels == [f"office = {g}" for g in groups]


def test_pipeline_bars_are_records_created_and_the_pace_is_the_target(history, worked, ax):
    pace = history.funnel().plan(750_000).pace(3, unit="month")
    pipeline = history.pipeline("M", pace=pace, start="2026-04-01")
    plotting.plot_pipeline(pipeline, ax=ax)
    assert [bar.get_height() for bar in ax.patches] == [row.created for row in pipeline.rows]
    [target] = ax.lines
    # the target line is drawn where the pace has a target, with a gap before
    drawn = [None if math.isnan(y) else y for y in target.get_ydata()]
    assert drawn == [row.target for row in pipeline.rows]
    assert drawn[-3:] == [66, 65, 65]  # docs/history.md
    assert ax.get_ylabel() == "records created per month"


def test_cycle_days_quartile_bars_and_median_marks(history, ax):
    cycle = history.cycle_days(by="office")
    plotting.plot_cycle_days(cycle, ax=ax)
    rows = [row for row in cycle.rows if row.q1 is not None and row.q3 is not None]
    assert [(bar.get_x(), bar.get_width()) for bar in ax.patches] == [
        (row.q1, row.q3 - row.q1) for row in rows
    ]
    medians = [line.get_xdata()[0] for line in ax.lines]
    assert medians == [row.median for row in cycle.rows if row.median is not None]


# -- reference images --------------------------------------------------------------------------


def _without_text(figure: Figure) -> None:
    """Hide every text, so the picture compares on shapes alone (fonts differ by machine)."""
    for text in figure.findobj(Text):
        text.set_visible(False)


def _reference_figures(worked, enterprise, capacity_story):
    return {
        "quota_plan": lambda ax: plotting.plot_quota_plan(worked.plan(250_000), ax=ax),
        "thirds_gap": lambda ax: plotting.plot_thirds(enterprise, ax=ax),
        "capacity_headroom": lambda ax: capacity_story.plot(ax=ax, kind="headroom"),
    }


@pytest.mark.parametrize("name", ["quota_plan", "thirds_gap", "capacity_headroom"])
def test_plot_matches_its_reference_image(name, worked, enterprise, capacity_story, tmp_path):
    figure = Figure(figsize=(4, 3), dpi=50)
    _reference_figures(worked, enterprise, capacity_story)[name](figure.add_subplot())
    _without_text(figure)
    actual = tmp_path / f"{name}.png"
    figure.savefig(actual, dpi=50)
    expected = BASELINES / f"{name}.png"
    if os.environ.get("SALESMATH_UPDATE_BASELINES"):
        expected.write_bytes(actual.read_bytes())
    assert compare_images(str(expected), str(actual), tol=2) is None


def test_readme_picture_is_what_the_docs_script_draws(tmp_path):
    """docs/images/worked_example.png is committed; docs/make_figures.py must still draw it."""
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import make_figures
    finally:
        sys.path.remove(str(ROOT / "docs"))
    actual = tmp_path / "worked_example.png"
    make_figures.save(make_figures.worked_example(), actual)
    expected = ROOT / "docs" / "images" / "worked_example.png"
    differs = compare_images(str(expected), str(actual), tol=5)
    assert differs is None, f"{differs}; redraw it: python docs/make_figures.py --figures"


# -- --plot on the command ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_plan():
    return sm.hiring_plan(900_000, headcount=2, productivity=25_000, ramp=[0.5, 1])


def test_write_plot_writes_a_png_and_leaves_no_temporary_file(small_plan, tmp_path):
    path = _cli_plot.write_plot(small_plan, tmp_path / "hires.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["hires.png"]


def test_write_plot_format_follows_the_extension(small_plan, tmp_path):
    svg = _cli_plot.write_plot(small_plan, tmp_path / "hires.svg").read_text()
    assert "<svg" in svg
    assert _cli_plot.write_plot(small_plan, tmp_path / "hires.PDF").read_bytes()[:4] == b"%PDF"


def test_write_plot_refuses_to_overwrite_without_force(small_plan, tmp_path):
    path = tmp_path / "out.png"
    path.write_bytes(b"keep me")
    message = f"--plot: {str(path)!r} already exists; pass --force to overwrite it"
    with pytest.raises(InvalidInputError) as caught:
        _cli_plot.write_plot(small_plan, path)
    assert str(caught.value) == message
    assert path.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]
    _cli_plot.write_plot(small_plan, path, force=True)
    assert path.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("out.txt", "cannot tell the format of"),
        ("missing/out.png", "does not exist"),
        (".", "is a directory"),
    ],
)
def test_write_plot_bad_paths_are_one_clear_error_and_write_nothing(
    small_plan, tmp_path, name, message
):
    with pytest.raises(InvalidInputError, match=message):
        _cli_plot.write_plot(small_plan, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_write_plot_error_while_saving_leaves_no_partial_file(small_plan, tmp_path, monkeypatch):
    def broken(self, file, **kwargs):
        file.write(b"\x89PNG half a picture")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(InvalidInputError, match=r"cannot write .*No space left on device"):
        _cli_plot.write_plot(small_plan, tmp_path / "out.png", force=True)
    assert list(tmp_path.iterdir()) == []


def test_write_plot_error_while_drawing_leaves_nothing(tmp_path):
    class Broken:
        def plot(self, ax=None, **kwargs):
            raise ValueError("cannot draw this")

    with pytest.raises(ValueError, match="cannot draw this"):
        _cli_plot.write_plot(Broken(), tmp_path / "out.png")
    assert list(tmp_path.iterdir()) == []


def test_write_plot_file_is_readable_like_any_new_file(small_plan, tmp_path):
    mask = os.umask(0o022)
    try:
        path = _cli_plot.write_plot(small_plan, tmp_path / "out.png")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644


def _command_args(argv):
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    _cli_plot.add_plot_arguments(parser)
    return parser.parse_args(argv)


def test_plot_if_asked_writes_and_says_so_after_a_table(capacity_story, tmp_path):
    path = tmp_path / "capacity.png"
    note = _cli_plot.plot_if_asked(_command_args(["--plot", str(path)]), capacity_story)
    assert note == f"\n\nWrote the plot to {path}."
    assert path.read_bytes()[:4] == b"\x89PNG"
    # with --json stdout is one JSON document: the file is written, nothing is said
    again = _cli_plot.plot_if_asked(
        _command_args(["--plot", str(path), "--force", "--json"]), capacity_story
    )
    assert again == ""
    assert _cli_plot.plot_if_asked(_command_args([]), capacity_story) == ""


# -- the command, once cli.py has --plot (the lead wires it: see _cli_plot) -------------------

COMMANDS = {
    "plan": [str(EXAMPLES / "quarter.toml")],
    "compare": [str(EXAMPLES / "enterprise_team.csv"), "--stages", ",".join(STAGES)],
    "capacity": [
        str(EXAMPLES / "capacity_team.csv"),
        "--funnel",
        str(EXAMPLES / "capacity_assumptions.toml"),
    ],
    "hire": [
        "--target",
        "9000000",
        "--headcount",
        "8",
        "--productivity",
        "31250",
        "--ramp",
        "0,0,0,0.25,0.5,0.75,1",
    ],
}


def _has_plot_flag(command: str) -> bool:
    from salesmath import cli

    try:
        cli.build_parser().parse_args([command, *COMMANDS[command], "--plot", "x.png"])
    except SystemExit:
        return False
    return True


@pytest.mark.parametrize("command", list(COMMANDS))
def test_command_plot_flag_writes_refuses_to_overwrite_and_forces(command, tmp_path, capsys):
    if not _has_plot_flag(command):
        pytest.skip(f"salesmath {command} has no --plot yet (cli.py: see _cli_plot)")
    from salesmath import cli

    path = tmp_path / f"{command}.png"
    argv = [command, *COMMANDS[command], "--plot", str(path)]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"Wrote the plot to {path}.")
    first = path.read_bytes()
    assert first[:4] == b"\x89PNG"
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err == (
        f"salesmath {command}: error: --plot: {str(path)!r} already exists; "
        "pass --force to overwrite it\n"
    )
    assert path.read_bytes() == first
    assert cli.main([*argv, "--force", "--json"]) == 0
    assert "Wrote" not in capsys.readouterr().out  # --json: one JSON document
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
