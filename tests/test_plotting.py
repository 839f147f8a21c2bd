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
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images
from matplotlib.text import Text

import salesmath as sm
from salesmath import _cli_plot, plotting
from salesmath._format import (
    format_amount,
    format_count,
    format_percent,
    format_probability,
    format_times,
)
from salesmath.errors import InvalidInputError, UnknownMetricError, UnknownStageError
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
timed = sm.Funnel(stages={STAGES!r}, rates=["1 in 50", "60%", "1/3"], deal_size=84_000,
                  days=[14, 7, 30])
leads = sm.History.from_records(
    [{{"rep": rep, "source": source, "status": status}}
     for rep, source, won, lost in [("ana", "referral", 6, 4), ("ana", "outbound", 2, 8),
                                    ("bo", "referral", 3, 2), ("bo", "outbound", 3, 12)]
     for status in ["won"] * won + ["lost"] * lost],
    stages=["opps", "won"], outcome="status", won="won", lost="lost", rep="rep",
    attributes=["source"])
results = [plan, plan.pace(3), funnel.project(750), funnel.simulate(750, draws=100, seed=1),
           sm.compare_thirds(team), sm.assess_capacity(team, funnel),
           sm.hiring_plan(9_000_000, headcount=8, productivity=31_250, ramp=[0, 0.5, 1]),
           sm.annual_plan(9_000_000, start=3_000_000, headcount=8, productivity=31_250,
                          ramp=[0, 0.5, 1]),
           timed.plan(250_000).schedule("2026-12-31"),
           funnel.plan(__import__("numpy").arange(1, 1_001) * 1_000.0),
           sm.win_rate_mix(leads, ["ana"], ["bo"], by="source"),
           funnel, team, team["Avery"],
           sm.Objective(name="Growth", key_results=[
               sm.KeyResult.from_text("from $2.2M to $3.0M", actual="$2.32M")])]
for result in results:
    str(result), result._repr_html_(), result.summary() if hasattr(result, "summary") else None
import salesmath.plotting, salesmath._cli_plot, salesmath.cli  # the plot modules are light too
salesmath.cli.build_parser()
print("matplotlib" in sys.modules)
results[5].plot()
print("matplotlib" in sys.modules)
for result in results[-7:]:  # the newest plots draw too, once matplotlib is wanted
    print(type(result).__name__, result.plot().get_title() != "")
"""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == [
        "False",
        "True",
        *("Schedule", "True", "BatchPlan", "True", "WinRateMix", "True"),
        *("Funnel", "True", "Team", "True", "RepStats", "True", "Objective", "True"),
    ]


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


def _day(text: str) -> float:
    """A date's day number, the x of the schedule's timeline."""
    from datetime import date

    return float(date.fromisoformat(text).toordinal())


def test_schedule_is_a_timeline_from_each_stages_date_to_the_close_date(ax):
    # the worked example with 14, 7 and 30 days between stages: 51, 37, 30 and 0 days to close
    timed = sm.Funnel(
        stages=STAGES, rates=["1 in 50", "60%", "1/3"], deal_size=84_000, days=[14, 7, 30]
    )
    schedule = timed.plan(250_000).schedule("2026-12-31")
    assert schedule.plot(ax=ax) is ax
    dates = ["2026-11-10", "2026-11-24", "2026-12-01", "2026-12-31"]
    assert [bar.get_x() for bar in ax.patches] == [_day(d) for d in dates]
    assert [bar.get_width() for bar in ax.patches] == [51, 37, 30, 0]  # days left to close
    assert [bar.get_x() + bar.get_width() for bar in ax.patches] == [_day("2026-12-31")] * 4
    assert [t.get_text() for t in ax.get_yticklabels()] == STAGES
    assert ax.yaxis_inverted()  # stages top to bottom
    marks, close = ax.lines
    assert list(marks.get_xdata()) == [_day(d) for d in dates]
    assert _texts(ax) == [
        "750 by 2026-11-10",
        "15 by 2026-11-24",
        "9 by 2026-12-01",
        "3 by 2026-12-31",
    ]
    assert close.get_xdata()[0] == _day("2026-12-31")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["close by 2026-12-31"]
    # the x axis reads as dates, every label inside the axes
    assert ax.xaxis.get_major_formatter()(_day("2026-12-31")) == "2026-12-31"
    assert ax.get_xlim()[0] < _day("2026-11-10")
    assert ax.get_xlim()[1] > _day("2026-12-31")
    assert ax.get_title() == "Schedule to close 3 deals by 2026-12-31"
    assert ax.get_title() == schedule.table().title  # the picture and the table say the same


def test_schedule_with_no_days_to_close_still_has_a_readable_axis_and_takes_bar_options(ax):
    instant = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10, days=[0])
    plotting.plot_schedule(instant.plan(30).schedule("2026-03-31"), ax=ax, color="black")
    assert [bar.get_width() for bar in ax.patches] == [0, 0]
    low, high = ax.get_xlim()
    assert low < _day("2026-03-31") < high
    assert all(bar.get_facecolor() == (0, 0, 0, 1) for bar in ax.patches)
    assert _texts(ax) == ["9 by 2026-03-31", "3 by 2026-03-31"]


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


# -- batch plans -------------------------------------------------------------------------------


def test_batch_of_few_plans_draws_one_bar_per_plan_top_stage_by_default(worked, ax):
    plans = worked.plan(np.array([250_000, 500_000, 1_000_000]))
    assert plans.plot(ax=ax) is ax
    assert [bar.get_height() for bar in ax.patches] == [750, 1_500, 3_000]
    assert _bar_labels(ax) == ["750", "1,500", "3,000"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "0\n250,000",
        "1\n500,000",
        "2\n1,000,000",
    ]
    assert ax.get_ylabel() == "activities per plan"
    assert ax.get_title() == "5,250 activities over 3 plans: 750 to 3,000 a plan"
    ax.clear()
    plans.plot(ax=ax, stage="won")  # the deals
    assert [bar.get_height() for bar in ax.patches] == list(plans.deals)
    assert ax.get_title() == "21 won over 3 plans: 3 to 12 a plan"


def test_batch_of_many_plans_draws_how_many_plans_need_each_count(worked, ax):
    quotas = np.repeat([250_000, 500_000, 1_000_000], [50, 30, 20])
    plans = worked.plan(quotas)
    plotting.plot_batch_plan(plans, ax=ax, stage="demos")
    centres = [bar.get_x() + bar.get_width() / 2 for bar in ax.patches]
    assert centres == pytest.approx([9, 18, 36])
    assert [bar.get_height() for bar in ax.patches] == [50, 30, 20]
    [median] = ax.lines
    assert median.get_xdata()[0] == 13.5  # half the plans need 9 demos, half 18 or more
    assert median.get_label() == "median plan 13.5"
    assert ax.get_xlabel() == "demos per plan"
    assert ax.get_ylabel() == "plans"
    assert ax.get_title() == "1,710 demos over 100 plans: 9 to 36 a plan"  # 50×9 + 30×18 + 20×36


def test_a_million_plans_draw_a_bounded_number_of_artists(worked, ax):
    rng = np.random.default_rng(20_260_101)
    rows = 1_000_000
    plans = worked.plan(rng.integers(1, 2_000, rows) * 1_000.0)
    plans.plot(ax=ax)
    assert len(ax.patches) <= plotting.MAX_BARS
    assert sum(bar.get_height() for bar in ax.patches) == rows  # every plan counted once
    assert len(ax.get_children()) < plotting.MAX_BARS + 20
    assert not ax.texts  # no label per bar, let alone per plan
    assert ax.get_title().endswith(
        f"activities over 1,000,000 plans: {format_count(int(plans['activities'].min()))} to "
        f"{format_count(int(plans['activities'].max()))} a plan"
    )


def test_a_million_plans_with_many_different_counts_draw_a_histogram(ax):
    rng = np.random.default_rng(7)
    rows = 1_000_000
    plans = sm.plan_batch(
        rng.integers(100, 3_000, rows) * 1_000,
        stages=STAGES,
        rates=["1 in 2", "60%", rng.integers(20, 45, rows) / 100],
        deal_size=1_000,
    )
    activities = plans["activities"]
    assert len(np.unique(activities)) > plotting.MAX_BARS
    plans.plot(ax=ax)
    assert len(ax.patches) <= plotting.HIST_BINS
    assert len(ax.get_children()) < plotting.HIST_BINS + 20
    assert sum(bar.get_height() for bar in ax.patches) == rows
    # each bar covers the same number of whole counts, from the fewest to the most
    width = math.ceil((int(activities.max()) - int(activities.min()) + 1) / plotting.HIST_BINS)
    assert ax.patches[0].get_x() == int(activities.min()) - 0.5
    assert {round(b.get_width() / 0.95, 6) for b in ax.patches} == {width}
    first = ax.patches[0]
    assert first.get_height() == np.count_nonzero(activities < activities.min() + width)
    assert ax.get_ylabel() == f"plans (each bar {format_count(width)} counts)"
    assert ax.lines[0].get_xdata()[0] == np.median(activities)


def test_batch_counts_past_int64_are_drawn(ax):
    deep = sm.Funnel(stages=["touches", "replies", "won"], rates=["1 in 1000"] * 2, deal_size=1)
    plans = deep.plan(np.array([10**18, 9 * 10**17]))
    assert plans["touches"].dtype == object
    plans.plot(ax=ax)
    assert [bar.get_height() for bar in ax.patches] == [1e24, 9e23]
    assert _bar_labels(ax) == [format_count(10**24), format_count(9 * 10**23)]


def test_an_empty_batch_says_so(worked, ax):
    worked.plan(np.array([], dtype=float)).plot(ax=ax)
    assert not ax.patches
    assert _texts(ax) == ["No plans: the batch is empty"]


@pytest.mark.parametrize("stage", ["deals", "Won", 0, None.__class__])
def test_batch_plot_of_an_unknown_stage_is_refused(worked, ax, stage):
    plans = worked.plan(np.array([250_000]))
    with pytest.raises(UnknownStageError) as caught:
        plans.plot(ax=ax, stage=stage)
    assert isinstance(caught.value, KeyError)
    assert str(caught.value).startswith(f"unknown stage {stage!r}; the stages are 'activities'")
    assert not ax.patches  # nothing drawn


# -- the funnel --------------------------------------------------------------------------------


def test_funnel_bars_are_its_rates_labelled_as_its_table_writes_them(worked, ax):
    drawn = worked.plot(ax=ax)
    assert drawn is ax
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([1 / 50, 0.6, 1 / 3])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(worked.conversions)
    assert ax.yaxis_inverted()  # the top of the funnel on top
    assert _texts(ax) == ["2%", "60%", "1/3 (33.3%)"]  # the table's "to next" column
    assert [row[1] for row in worked.table().rows[:3]] == list(worked.rates)
    assert ax.get_xlim() == (0, 1.35)  # rates on one 0–100% axis, room for a label past 100%
    assert ax.get_xlabel() == "conversion rate into the next stage"
    # 1 / (1/50 × 60% × 1/3) = 250: the worked example's activities per deal
    assert ax.get_title() == "Funnel, deal size 84,000: 1 in 250 activities reaches won"
    assert not ax.lines  # no interval to show
    assert not ax.collections
    assert ax.get_legend() is None


def test_funnel_measured_rate_shows_its_credible_interval_from_the_funnels_posterior(ax):
    from scipy import stats

    funnel = sm.Funnel(stages=["discos", "demos", "won"], rates=["60%", "9 of 20"], deal_size=10)
    funnel.plot(ax=ax)
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([0.6, 0.45])
    assert _texts(ax) == ["60%", "9 of 20 (45%)"]
    # the interval is the funnel's posterior Beta(9 + 1, 11 + 1), equal-tailed 90%
    # (scipy.stats.beta.ppf), drawn across the end of the measured bar only
    low, high = stats.beta.ppf([0.05, 0.95], 10, 12)
    [segments] = [c for c in ax.collections if len(c.get_segments()) == 1]
    [[start, end]] = segments.get_segments()
    assert (start[0], end[0]) == pytest.approx((low, high))
    assert start[1] == end[1] == 1  # on the second conversion's row
    assert ax.texts[1].xy == pytest.approx((high, 1))  # its label clears the interval
    assert ax.get_legend().get_texts()[0].get_text() == "90% credible interval of a measured rate"
    assert ax.get_title() == "Funnel, deal size 10: 1 in 3.7 discos reaches won"  # 1 / (0.6 × 0.45)


def test_funnel_plot_takes_bar_options_and_names_with_dollars_stay_text(ax):
    funnel = sm.Funnel(stages=["$5k deals", "$50k won"], rates=["1 in 4"], deal_size=50_000)
    funnel.plot(ax=ax, color="black")
    assert ax.patches[0].get_facecolor() == (0, 0, 0, 1)
    assert ax.get_yticklabels()[0].get_text() == "$5k deals_to_$50k won"
    assert not ax.get_yticklabels()[0].get_parse_math()  # two "$" are not a formula
    assert not ax.title.get_parse_math()


# -- a team and its reps -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_team():
    return sm.Team(
        stages=["demos", "won"],
        reps=[
            sm.RepStats(
                rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000, quota=1_500_000
            ),
            sm.RepStats(rep="bo", counts={"demos": 24, "won": 6}, bookings=420_000, quota=600_000),
            sm.RepStats(rep="cy", counts={"demos": 30, "won": 9}, bookings=900_000),
            sm.RepStats(rep="di", counts={"demos": 0, "won": 0}, bookings=0, quota=300_000),
        ],
    )


def test_team_bars_are_reps_by_bookings_largest_first_with_quotas_marked(small_team, ax):
    assert small_team.plot(ax=ax) is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ana", "cy", "bo", "di"]
    assert [bar.get_width() for bar in ax.patches] == [1_760_000, 900_000, 420_000, 0]
    assert ax.yaxis_inverted()  # the top rep on top
    # each rep with a quota: the quota marked on their row, attainment after the bookings
    [quotas] = ax.lines
    assert list(quotas.get_xdata()) == [1_500_000, 600_000, 300_000]
    assert list(quotas.get_ydata()) == [0, 2, 3]
    assert quotas.get_label() == "the rep's quota"
    assert _bar_labels(ax) == ["1,760,000 (117.3%)", "900,000", "420,000 (70%)", "0 (0%)"]
    assert ax.get_xlabel() == "bookings"
    assert ax.get_title() == "4 reps by bookings: 3,080,000 in all; 1 of 3 at quota"
    assert ax.get_xlim()[1] > 1_760_000  # the largest bar and its label in view


def test_team_by_a_conversion_draws_each_reps_rate_and_leaves_out_who_has_none(small_team, ax):
    small_team.plot(ax=ax, by="demos_to_won")
    # di logged no demos: no rate, no bar, counted in the title
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ana", "cy", "bo"]
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([11 / 24, 9 / 30, 6 / 24])
    assert _bar_labels(ax) == ["45.8%", "30%", "25%"]
    assert ax.get_xlabel() == "demos_to_won (won ÷ demos)"
    assert ax.get_title() == "4 reps by demos_to_won: median 30%; 1 with no demos_to_won"
    assert not ax.lines  # no quota on a rate


def test_team_ties_keep_the_teams_order(ax):
    team = sm.Team(
        stages=["demos", "won"],
        reps=[
            sm.RepStats(rep=r, counts={"demos": 9, "won": 3}, bookings=b)
            for r, b in [("zed", 5), ("amy", 9), ("kim", 5)]
        ],
    )
    team.plot(ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["amy", "zed", "kim"]


def test_team_by_attainment_marks_100_percent(small_team, ax):
    small_team.plot(ax=ax, by="attainment")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ana", "bo", "di"]
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([88 / 75, 0.7, 0])
    [line] = ax.lines
    assert list(line.get_xdata()) == [1, 1]
    assert line.get_label() == "quota (100%)"
    assert ax.get_title() == (
        "4 reps by attainment: median 70%; 1 of 3 at quota; 1 with no attainment"
    )


@pytest.mark.parametrize("by", ["close_rate", "Bookings", "quota", "", 3, None])
def test_team_plot_by_an_unknown_metric_is_refused_like_team_values(small_team, ax, by):
    with pytest.raises(UnknownMetricError) as caught:
        small_team.plot(ax=ax, by=by)
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(UnknownMetricError) as same:
        small_team.values(by)
    assert str(caught.value) == str(same.value)
    assert not ax.patches  # nothing drawn
    assert not ax.get_title()


def test_team_with_no_value_for_the_metric_says_so(small_team, ax):
    small_team.plot(ax=ax, by="cycle_days")
    assert not ax.patches
    assert _texts(ax) == ["No rep has a cycle_days"]
    assert ax.get_title() == "4 reps by cycle_days; 4 with no cycle_days"


@pytest.fixture(scope="module")
def million_reps():
    """A million reps from arrays (Team.from_arrays): columns, no model per rep."""
    rng = np.random.default_rng(20_261_126)
    rows = 1_000_000
    demos = rng.integers(10, 400, rows)
    won = rng.binomial(demos, 0.3)
    bookings = (won * rng.lognormal(np.log(40_000), 0.4, rows)).round(2)
    team = sm.Team.from_arrays(
        rep=np.char.add("rep", np.arange(rows).astype(str)).astype(object),
        counts={"demos": demos, "won": won},
        bookings=bookings,
        quota=1_500_000,
    )
    return team, demos, won, bookings


def test_a_million_reps_draw_a_histogram_of_bounded_artists_without_a_model_per_rep(
    million_reps, ax
):
    team, _, _, bookings = million_reps
    team.plot(ax=ax)
    assert "reps" not in team.__dict__  # never built a RepStats per rep
    assert len(ax.patches) <= plotting.HIST_BINS
    assert len(ax.get_children()) < plotting.HIST_BINS + 20
    assert not ax.texts  # no label per bar, let alone per rep
    assert sum(bar.get_height() for bar in ax.patches) == 1_000_000  # every rep counted once
    assert ax.patches[0].get_x() == pytest.approx(bookings.min())
    last = ax.patches[-1]
    assert last.get_x() + last.get_width() / 0.95 == pytest.approx(bookings.max())
    median, quota = ax.lines
    assert median.get_xdata()[0] == pytest.approx(np.median(bookings))
    assert list(quota.get_xdata()) == [1_500_000, 1_500_000]
    assert quota.get_label() == "quota 1,500,000"
    assert ax.get_ylabel() == "reps"
    # many reps: amounts to the unit, the share of reps with a quota who reach it
    at_quota = Fraction(int((bookings >= 1_500_000).sum()), 1_000_000)
    total = format_amount(team._data.bookings.sum(), places=0)
    assert ax.get_title() == (
        f"1,000,000 reps by bookings: {total} in all; {format_percent(at_quota)} at quota"
    )
    assert median.get_label() == f"median rep {format_amount(np.median(bookings), places=0)}"


def test_a_million_reps_by_a_stage_count_bin_whole_counts(million_reps, ax):
    team, demos, _, _ = million_reps
    team.plot(ax=ax, by="demos")
    assert "reps" not in team.__dict__
    width = math.ceil((int(demos.max()) - int(demos.min()) + 1) / plotting.HIST_BINS)
    assert ax.patches[0].get_x() == int(demos.min()) - 0.5  # edges between whole counts
    assert {round(b.get_width() / 0.95, 6) for b in ax.patches} == {width}
    assert ax.patches[0].get_height() == np.count_nonzero(demos < demos.min() + width)
    assert ax.get_xlabel() == "demos logged"
    assert ax.get_title() == f"1,000,000 reps by demos: {format_count(int(demos.sum()))} in all"


def test_a_million_reps_by_a_conversion_leave_out_reps_with_no_rate(ax):
    rows = 1_000_000
    demos = np.tile([0, 10, 20, 40], rows // 4)
    won = np.tile([0, 1, 5, 20], rows // 4)
    team = sm.Team.from_arrays(
        rep=np.arange(rows).astype(str).astype(object),
        counts={"demos": demos, "won": won},
        bookings=won * 1_000,
    )
    team.plot(ax=ax, by="demos_to_won")
    assert sum(bar.get_height() for bar in ax.patches) == 750_000
    assert (
        ax.get_title() == "1,000,000 reps by demos_to_won: median 25%; 250,000 with no demos_to_won"
    )
    assert ax.lines[0].get_label() == "median rep 25%"


def test_rep_draws_its_counts_per_stage_and_its_conversions(ax):
    rep = sm.RepStats(rep="ana", counts={"discos": 0, "demos": 24, "won": 11}, bookings=1_760_000)
    assert rep.plot(ax=ax) is ax
    assert [bar.get_width() for bar in ax.patches] == [0, 24, 11]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["discos", "demos", "won"]
    assert ax.yaxis_inverted()
    # no discos logged: that conversion does not exist ("—"); demos to won is 11 of 24
    assert _texts(ax) == ["0", "24", "11", "↓ —", "↓ 45.8%"]
    assert [t.xy[1] for t in ax.texts[3:]] == [0.5, 1.5]
    assert ax.get_title() == rep.table().title == "Rep ana: bookings 1,760,000, deal size 160,000"
    assert ax.get_xlabel() == "count logged"


def test_rep_of_a_team_draws_its_row_and_a_conversion_past_100_percent(ax):
    team = sm.Team.from_records(
        [{"rep": "bo", "discos": 4, "demos": 6, "won": 3, "bookings": 90_000, "quota": 60_000}],
        stages=["discos", "demos", "won"],
    )
    team["bo"].plot(ax=ax, color="black")
    assert [bar.get_width() for bar in ax.patches] == [4, 6, 3]
    assert ax.patches[0].get_facecolor() == (0, 0, 0, 1)
    assert _texts(ax)[3:] == ["↓ 150%", "↓ 50%"]  # counts need not shrink down the funnel
    assert ax.get_title().endswith("attainment 150%")


# -- objectives --------------------------------------------------------------------------------


def test_objective_bars_are_each_key_results_score_against_100_percent(ax):
    from salesmath.annual import KeyResult, Objective

    growth = Objective(
        name="Rockstar Revenue Growth",
        key_results=[
            KeyResult.from_text("200 pre-screened qualified leads", actual=240),
            KeyResult.from_text(
                "Increase monthly revenue from $2.2M to $3.0M USD", actual="$2.32M"
            ),
            KeyResult.from_text("Cut churn from 8% to 5%", actual="9%"),
            KeyResult(target=20),
        ],
    )
    assert growth.plot(ax=ax) is ax
    # the table's score column: attainment 240/200, progress 0.12/0.8, (9-8)/(5-8), none
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([1.2, 0.15, -1 / 3, 0])
    assert [row[-1] for row in growth.table().rows] == [
        Fraction(6, 5),
        Fraction(3, 20),
        Fraction(-1, 3),
        None,
    ]
    assert _texts(ax) == ["120% attainment", "15% progress", "-33.3% progress", "no actual yet"]
    assert [t.xy[0] for t in ax.texts] == pytest.approx([1.2, 0.15, 0, 0])  # right of 0
    colors = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colors == [plotting.COLORS[c] for c in ("good", "main", "bad", "muted")]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[1] == "Increase monthly revenue\nfrom $2.2M to $3.0M USD"  # wrapped, not math
    assert not ax.get_yticklabels()[1].get_parse_math()
    assert ticks[3] == "key result 4"  # a key result with no name
    done, mean = ax.lines
    assert list(done.get_xdata()) == [1, 1]
    assert mean.get_xdata()[0] == pytest.approx(float(growth.score))
    assert mean.get_label() == f"objective {format_percent(growth.score)}"
    assert ax.get_xlim()[0] < -1 / 3  # every bar in view
    assert ax.get_xlim()[1] > 1.2
    # (120% + 15% - 33.3%) / 3, the mean of the scored key results
    assert ax.get_title() == "Rockstar Revenue Growth: 33.9% (3 of 4 key results scored)"


def test_objective_with_no_score_yet_draws_no_bar_and_no_mean(ax):
    from salesmath.annual import KeyResult, Objective

    Objective(name="Launch", key_results=[KeyResult(name="pilots", target=3)]).plot(ax=ax)
    assert [bar.get_width() for bar in ax.patches] == [0]
    assert _texts(ax) == ["no actual yet"]
    assert len(ax.lines) == 1  # 100% only
    assert ax.get_title() == "Launch: — (0 of 1 key results scored)"


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


# -- mix ---------------------------------------------------------------------------------------


def _leads(rows):
    return History.from_records(
        [
            {"rep": rep, "source": source, "status": status}
            for rep, source, won, lost, *still in rows
            for status in ["won"] * won + ["lost"] * lost + ["open"] * sum(still)
        ],
        stages=["opps", "won"],
        outcome="status",
        won="won",
        lost="lost",
        rep="rep",
        attributes=["source"],
    )


def test_win_rate_mix_waterfall_goes_from_the_bottom_rate_to_the_top_rate(ax):
    # docs/mix.md: both close 60% of referrals and 20% of outbound; ana works more referrals
    leads = _leads(
        [
            ("ana", "referral", 6, 4),
            ("ana", "outbound", 2, 8),
            ("bo", "referral", 3, 2),
            ("bo", "outbound", 3, 12),
        ]
    )
    split = sm.win_rate_mix(leads, ["ana"], ["bo"], by="source")
    assert split.plot(ax=ax) is ax
    bottom, mix, rate, top = ax.patches
    assert [bar.get_height() for bar in ax.patches] == pytest.approx([0.3, 0.1, 0, 0.4])
    assert (bottom.get_y(), mix.get_y(), rate.get_y(), top.get_y()) == pytest.approx(
        (0, 0.3, 0.4, 0)
    )
    assert _bar_labels(ax) == ["30%", "+10%", "+0%", "40%"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "bottom reps",
        "source mix",
        "win rate within each source",
        "top reps",
    ]
    assert ax.yaxis.get_major_formatter()(0.25, 0) == "25%"
    assert ax.get_ylabel() == "win rate (won ÷ decided)"
    assert ax.get_title() == "Win rate by source: 30% + mix 10% + rate 0% = 40%"


def test_win_rate_mix_part_that_takes_away_falls_in_red_and_stays_in_view(ax):
    # ana works more referrals (mix adds) but closes them worse than bo (rate takes away)
    leads = _leads(
        [
            ("ana", "referral", 4, 4),
            ("ana", "outbound", 1, 1),
            ("bo", "referral", 3, 1),
            ("bo", "outbound", 1, 5),
        ]
    )
    split = sm.win_rate_mix(leads, ["ana"], ["bo"], by="source")
    assert split.mix > 0 > split.rate
    split.plot(ax=ax)
    _, mix, rate, top = ax.patches
    assert mix.get_height() == pytest.approx(float(split.mix))
    assert rate.get_height() == pytest.approx(float(split.rate))
    assert rate.get_y() == pytest.approx(float(split.bottom_win_rate + split.mix))
    assert top.get_height() == pytest.approx(float(split.top_win_rate))
    assert [bar.get_facecolor() for bar in (mix, rate)] == [
        matplotlib.colors.to_rgba(plotting.COLORS["good"]),
        matplotlib.colors.to_rgba(plotting.COLORS["bad"]),
    ]
    assert ax.texts[2].get_text() == format_percent(split.rate)
    # the highest point of the waterfall is a falling bar's base: the axes still leave room above it
    assert ax.get_ylim()[1] > float(split.bottom_win_rate + split.mix) * 1.05


def test_win_rate_mix_with_no_split_is_refused_with_the_reason(ax):
    leads = _leads([("ana", "referral", 1, 1), ("bo", "referral", 0, 0, 2)])
    split = sm.win_rate_mix(leads, ["ana"], ["bo"], by="source")
    with pytest.raises(InvalidInputError) as caught:
        split.plot(ax=ax)
    assert str(caught.value) == f"nothing to plot: {split.reason}"
    assert "decided no record yet" in str(caught.value)
    assert not ax.patches


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


def test_gallery_draws_every_result_that_plots_and_its_pictures_are_committed():
    """docs/gallery.md has a figure for each result (the newest ones too); make_figures draws it."""
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import make_figures
    finally:
        sys.path.remove(str(ROOT / "docs"))
    blocks = make_figures.blocks()
    drawn = {
        "schedule": ".schedule(",
        "batch_few": ".plot()",
        "batch_million": "plan_batch(",
        "win_rate_mix": "win_rate_mix(",
        "funnel": "measured.plot()",
        "team": "team.plot()",
        "team_million": "from_arrays(",
        "rep": "].plot()",
        "objective": "Objective(",
    }
    for name, code in drawn.items():
        assert code in blocks[name], name
        assert (ROOT / "docs" / "images" / f"{name}.png").is_file(), name


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
    "fit": [
        str(EXAMPLES / "crm" / "opportunities.csv"),
        "--config",
        str(EXAMPLES / "crm" / "history.toml"),
    ],
    "year": [str(EXAMPLES / "year_3m_to_9m.toml")],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_command_plot_flag_writes_refuses_to_overwrite_and_forces(command, tmp_path, capsys):
    # every subcommand has --plot: a subcommand without it fails here, it is not skipped
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


def test_a_step_that_rounds_to_zero_keeps_its_sign():
    from salesmath.plotting import _signed

    assert _signed(format_percent, -0.0004) == "-0%"
    assert _signed(format_percent, 0.0004) == "+0%"
    assert _signed(format_percent, -0.25) == "-25%"
    assert _signed(format_percent, 0.0) == "+0%"


def test_year_plot_stacks_the_plan_or_each_objective(tmp_path, capsys):
    # the picture holds what the text prints: three objectives, three charts one above another
    from salesmath import _cli_plot, cli

    path = tmp_path / "okrs.png"
    assert cli.main(["year", str(EXAMPLES / "year_okr_2022.toml"), "--plot", str(path)]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"Wrote the plot to {path}.")
    width, height = _cli_plot.FIGSIZE
    image = plt.imread(path)
    assert image.shape[:2] == (round(3 * height * _cli_plot.DPI), round(width * _cli_plot.DPI))
