"""Matplotlib views of every result (the ``plot`` extra).

Each function draws one result on one :class:`~matplotlib.axes.Axes` and
returns it: on `ax` when given (the pandas and seaborn convention), else on
a new figure.  A result's ``plot(ax=None, **kwargs)`` method calls the
function here; extra keyword arguments go to the main drawing call (the
bars, the histogram).  Nothing here calls ``plt.show()``.

matplotlib is imported inside the functions only, so ``import salesmath``
and every result work without it.  Numbers become text with the formatters
of ``salesmath._format``, the same as in the tables, so a tick label, a bar
label and a table cell print a value the same way; titles and axis labels
say what is drawn and in what unit, so a picture reads without its caption.
The colours are :data:`COLORS`, one palette for every plot.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import salesmath as sm
>>> from salesmath import plotting
>>> funnel = sm.Funnel(stages=["activities", "discos", "demos", "won"],
...                    rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
>>> ax = plotting.plot_quota_plan(funnel.plan(250_000))
>>> ax.get_title()
'Plan for a quota of 250,000: 3 deals at 84,000'
>>> [float(bar.get_width()) for bar in ax.patches]
[750.0, 15.0, 9.0, 3.0]
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from salesmath._format import (
    NONE,
    format_amount,
    format_count,
    format_observed,
    format_percent,
    format_probability,
    format_rate,
    format_times,
)
from salesmath.errors import InvalidInputError
from salesmath.numbers import parse_amount, parse_probability

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from numpy.typing import NDArray

    from salesmath._annual_parts import Cascade, Objective
    from salesmath._history_results import ConversionRates, CycleDays, Pipeline
    from salesmath.annual import AnnualPlan
    from salesmath.batch import BatchPlan
    from salesmath.benchmarks import BenchmarkReport
    from salesmath.capacity import CapacityReport
    from salesmath.funnel import Funnel
    from salesmath.hiring import HiringPlan
    from salesmath.mix import DealSizeMix, WinRateMix
    from salesmath.plans import Pace, Projection, QuotaPlan, Schedule
    from salesmath.probability import Simulation
    from salesmath.team import RepStats, Team
    from salesmath.thirds import ThirdsComparison

__all__ = [
    "COLORS",
    "CREDIBLE",
    "FIGSIZE",
    "HIST_BINS",
    "MAX_BARS",
    "MAX_PLAN_BARS",
    "MAX_PROJECTION_BARS",
    "MAX_REP_BARS",
    "plot_annual_plan",
    "plot_batch_plan",
    "plot_benchmarks",
    "plot_capacity",
    "plot_cascade",
    "plot_conversion_rates",
    "plot_cycle_days",
    "plot_hiring_plan",
    "plot_pace",
    "plot_pipeline",
    "plot_projection",
    "plot_quota_plan",
    "plot_schedule",
    "plot_simulation",
    "plot_thirds",
    "plot_deal_size_mix",
    "plot_win_rate_mix",
    "plot_funnel",
    "plot_team",
    "plot_rep_stats",
    "plot_objective",
]

COLORS: Final = {
    "main": "#2b6c9e",
    "second": "#8fb8d8",
    "quota": "#c0392b",
    "good": "#2e8b57",
    "bad": "#c0392b",
    "muted": "#9aa5b1",
    "text": "#222222",
}
"""The colours every plot uses: the main series, a second series, the quota line,
gains and losses, and muted context (a naive plan, a model line)."""

FIGSIZE: Final = (7.0, 4.0)
"""The size, in inches, of a figure a plot makes when no `ax` is given."""

MAX_BARS: Final = 200
"""The most bars a simulation is drawn with; more distinct values become a histogram."""

MAX_PROJECTION_BARS: Final = 60
"""The most bars a projection is drawn with; more deal counts share a bar."""

MAX_PLAN_BARS: Final = 24
"""The most plans a batch draws one bar each; a larger batch draws how its counts spread."""

HIST_BINS: Final = 40
"""The most bars a histogram is drawn with (a simulation's, a large batch's)."""

MAX_REP_BARS: Final = 30
"""The most reps a team draws one bar each; a larger team draws a histogram of them."""

CREDIBLE: Final = Fraction(9, 10)
"""The probability of the credible interval a funnel's picture shows for a measured rate
(90%, as :meth:`History.rates <salesmath.history.History.rates>` reports by default)."""

_THIN: Final = 1e-4
"""A tail chance too small to see on a plot."""


# -- helpers -------------------------------------------------------------------


def _axes(ax: Axes | None) -> Axes:
    """Return `ax`, or the axes of a new figure of :data:`FIGSIZE`."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=FIGSIZE, layout="constrained")
    return new


def _amount_axis(axis: Any) -> None:
    """Label an axis's ticks as amounts (``250,000``)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: format_amount(value, places=0)))


def _percent_axis(axis: Any) -> None:
    """Label an axis's ticks as percentages of a share (0.25 → ``25%``)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: format_percent(value)))


def _quota_line(ax: Axes, quota: Fraction, *, vertical: bool, label: str) -> None:
    """Draw the quota as a dashed line, named in the legend."""
    draw = ax.axvline if vertical else ax.axhline
    draw(float(quota), zorder=3, color=COLORS["quota"], linestyle="--", linewidth=1.5, label=label)


def _message(ax: Axes, text: str) -> Axes:
    """Say on the axes why there is nothing to draw."""
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _date_tick(value: float, _: object = None) -> str:
    """Label a day number (:meth:`datetime.date.toordinal`) as its date, ``2026-12-31``."""
    from datetime import date

    day = round(value)
    return date.fromordinal(day).isoformat() if 1 <= day <= date.max.toordinal() else ""


def _check_kind(kind: str, kinds: Sequence[str]) -> str:
    if kind not in kinds:
        choices = ", ".join(repr(k) for k in kinds)
        raise InvalidInputError(f"kind must be one of {choices}, got {kind!r}")
    return kind


def _waterfall(
    ax: Axes,
    steps: Sequence[tuple[str, float]],
    *,
    start: tuple[str, float] | None,
    total: str,
    fmt: Callable[[float], str],
    **kwargs: Any,
) -> None:
    """Draw a waterfall: an optional start bar, one floating bar per step, the total.

    Rises are green, falls red; each bar is labelled with its value, the
    total bar with the sum, so the picture adds up on its face.
    """
    names: list[str] = []
    bottoms: list[float] = []
    heights: list[float] = []
    colors: list[str] = []
    running = 0.0
    if start is not None:
        names.append(start[0])
        bottoms.append(0.0)
        heights.append(start[1])
        colors.append(COLORS["muted"])
        running = start[1]
    for name, value in steps:
        names.append(name)
        bottoms.append(running)
        heights.append(value)
        colors.append(COLORS["good"] if value >= 0 else COLORS["bad"])
        running += value
    names.append(total)
    bottoms.append(0.0)
    heights.append(running)
    colors.append(COLORS["main"])
    positions = range(len(names))
    bars = ax.bar(positions, heights, bottom=bottoms, color=colors, **kwargs)
    for bar, bottom in zip(bars, bottoms, strict=True):
        if bottom:  # a floating step: its base is no edge the margins must stop at
            bar.sticky_edges.y.clear()
    labels = [_signed(fmt, h) for h in heights]
    if start is not None:
        labels[0] = fmt(heights[0])
    labels[-1] = fmt(heights[-1])
    ax.bar_label(bars, labels=labels, fontsize=8, padding=2)
    ax.margins(y=0.12)
    ax.set_xticks(list(positions), names, rotation=30, ha="right")
    ax.axhline(0, color=COLORS["text"], linewidth=0.8)


def _signed(fmt: Callable[[float], str], value: float) -> str:
    """Label a step with its sign, even when it rounds to zero ("-0%" for -0.04 points)."""
    text = fmt(value)
    if text.startswith("-"):
        return text
    return f"-{text}" if value < 0 else f"+{text}"


def _stage_bars(
    ax: Axes,
    counts: Mapping[str, Fraction | int],
    rates: Sequence[str],
    *,
    fontsize: float,
    **kwargs: Any,
) -> None:
    """Draw counts per stage as a funnel: one bar each, top stage on top, the rates between.

    Each bar is labelled with its count; each rate (already text) sits
    between the two stages it converts, left of the axis, after a ``↓``.
    """
    stages = list(counts)
    widths = [float(count) for count in counts.values()]
    kwargs.setdefault("color", COLORS["main"])
    bars = ax.barh(range(len(stages)), widths, **kwargs)
    ax.bar_label(
        bars, labels=[format_amount(c) for c in counts.values()], padding=3, fontsize=fontsize
    )
    ax.set_yticks(range(len(stages)), stages, parse_math=False)
    ax.invert_yaxis()  # the top of the funnel on top
    for i, rate in enumerate(rates):
        ax.annotate(
            f"↓ {rate}",
            xy=(0, i + 0.5),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=8,
            color=COLORS["muted"],
        )
    ax.tick_params(axis="y", pad=36)
    ax.set_xlim(0, max(widths) * 1.15 if max(widths) > 0 else 1)
    _amount_axis(ax.xaxis)


# -- the funnel ----------------------------------------------------------------


def plot_funnel(funnel: Funnel, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw a funnel's conversion path: one bar per conversion, its rate.

    A funnel is its rates (a plan's picture, :func:`plot_quota_plan`, shows
    the counts they ask for), so this draws them: one bar per conversion,
    top of the funnel on top, each as wide as its rate on a 0-100% axis and
    labelled as the funnel's table writes it (``"60%"``, ``"1/3 (33.3%)"``,
    ``"150 of 310 (48.4%)"``).  A rate measured from counts
    (:attr:`Funnel.observed <salesmath.Funnel.observed>`) also shows its
    :data:`CREDIBLE` credible interval as a line across the bar's end, from
    the posterior the funnel's probabilities use (``Beta(s + 1, t - s + 1)``,
    uniform prior), so a rate seen on few deals looks as unsure as it is.
    The title says how many records at the top make one at the bottom.

    Parameters
    ----------
    funnel
        The funnel to draw.
    ax
        The axes to draw on; a new figure when None.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.barh`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar per conversion, each bar's width its rate.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
    ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
    >>> ax = plot_funnel(funnel)
    >>> [round(float(bar.get_width()), 4) for bar in ax.patches]
    [0.02, 0.6, 0.3333]
    >>> [text.get_text() for text in ax.texts], ax.get_title()
    (['2%', '60%', '1/3 (33.3%)'], 'Funnel, deal size 84,000: 1 in 250 activities reaches won')
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    from scipy.special import betaincinv

    ax = _axes(ax)
    names = list(funnel.conversions)
    rows = list(range(len(names)))
    rates = [float(rate) for rate in funnel.rates]
    kwargs.setdefault("color", COLORS["main"])
    kwargs.setdefault("height", 0.6)
    ax.barh(rows, rates, **kwargs)
    ends = list(rates)
    observed = funnel.observed or (None,) * len(rates)
    measured = [(row, seen) for row, seen in zip(rows, observed, strict=True) if seen is not None]
    if measured:
        tail = float(1 - CREDIBLE) / 2
        lows, highs = [], []
        for row, seen in measured:
            a, b = seen.posterior
            low, high = float(betaincinv(a, b, tail)), float(betaincinv(a, b, 1 - tail))
            lows.append(rates[row] - low)
            highs.append(high - rates[row])
            ends[row] = max(ends[row], high)
        ax.errorbar(
            [rates[row] for row, _ in measured],
            [row for row, _ in measured],
            xerr=[lows, highs],
            fmt="none",
            ecolor=COLORS["text"],
            elinewidth=1.2,
            capsize=4,
            label=f"{format_percent(CREDIBLE)} credible interval of a measured rate",
        )
        ax.legend(loc="lower right", fontsize=8)
    for row, (rate, measure, end) in enumerate(zip(funnel.rates, observed, ends, strict=True)):
        ax.annotate(  # as the funnel's table writes it: a measured rate with its counts
            format_rate(rate)
            if measure is None
            else format_observed(measure.successes, measure.trials),
            xy=(end, row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(rows, names, parse_math=False)
    ax.invert_yaxis()  # the top of the funnel on top
    ax.set_xlim(0, 1.35)  # room right of a 100% rate for its label
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    _percent_axis(ax.xaxis)
    ax.set_xlabel("conversion rate into the next stage")
    top, last = funnel.stages[0], funnel.stages[-1]
    ax.set_title(
        f"Funnel, deal size {format_amount(funnel.deal_size)}: "
        f"1 in {format_amount(funnel.coverage(top))} {top} reaches {last}",
        parse_math=False,
    )
    return ax


# -- plans ---------------------------------------------------------------------


def plot_quota_plan(plan: QuotaPlan, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw a plan as a funnel: one bar per stage, its count, and the conversion below it.

    Parameters
    ----------
    plan
        The plan to draw (:meth:`Funnel.plan <salesmath.Funnel.plan>`).
    ax
        The axes to draw on; a new figure when None.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.barh`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar per stage, top stage first, each bar's
        width its count.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=84_000)
    >>> ax = plot_quota_plan(funnel.plan(250_000))
    >>> [tick.get_text() for tick in ax.get_yticklabels()], ax.get_xlabel()
    (['discos', 'demos', 'won'], 'count needed to book 250,000')
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    ax = _axes(ax)
    funnel = plan.funnel
    _stage_bars(ax, plan.counts, [format_rate(rate) for rate in funnel.rates], fontsize=9, **kwargs)
    quota = format_amount(plan.quota)
    ax.set_xlabel(f"count needed to book {quota}")
    sure = "" if plan.confidence is None else f" ({format_percent(plan.confidence)} sure)"
    deals = format_amount(plan.deals)
    ax.set_title(
        f"Plan for a quota of {quota}{sure}: {deals} deals at {format_amount(funnel.deal_size)}"
    )
    return ax


def plot_pace(
    pace: Pace, ax: Axes | None = None, *, stage: str | None = None, **kwargs: Any
) -> Axes:
    """Draw a pace: one bar per period, the target at one stage (the top by default).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=84_000)
    >>> ax = plot_pace(funnel.plan(250_000).pace(4, unit="week"))
    >>> [float(bar.get_height()) for bar in ax.patches], ax.get_ylabel()
    ([4.0, 4.0, 4.0, 3.0], 'discos per week')
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    ax = _axes(ax)
    stages = list(pace.plan.counts)
    name = stages[0] if stage is None else stage
    if name not in stages:
        from salesmath.errors import UnknownStageError

        raise UnknownStageError(name, stages)
    values = [target[name] for target in pace.targets]
    periods = range(1, pace.periods + 1)
    kwargs.setdefault("color", COLORS["main"])
    bars = ax.bar(list(periods), [float(v) for v in values], **kwargs)
    if pace.periods <= 24:
        ax.bar_label(bars, labels=[format_amount(v) for v in values], fontsize=8)
    ax.set_xlabel(pace.unit)
    ax.set_ylabel(f"{name} per {pace.unit}")
    _amount_axis(ax.yaxis)
    total = format_amount(pace.totals()[name])
    ax.set_title(
        f"Pace for a quota of {format_amount(pace.plan.quota)}: "
        f"{total} {name} over {pace.periods} {pace.unit}s"
    )
    return ax


def plot_schedule(schedule: Schedule, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw a schedule as a timeline: by which date each stage's count must be reached.

    One row per stage, top stage on top.  A dot marks the date the stage's
    count must be reached by, labelled with the count and the date; a bar
    runs from there to the close date (the typical days those records take
    to close), and a dashed line marks the close date.  The x axis is dates.

    Parameters
    ----------
    schedule
        The schedule to draw (:meth:`QuotaPlan.schedule <salesmath.QuotaPlan.schedule>`).
    ax
        The axes to draw on; a new figure when None.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.barh` (the bars to the close date).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar per stage, starting at its date (as a
        day number, :meth:`datetime.date.toordinal`) and as long as its
        days before close.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"],
    ...                 deal_size=84_000, days=[7, 30])
    >>> ax = plot_schedule(funnel.plan(250_000).schedule("2026-12-31"))
    >>> [text.get_text() for text in ax.texts]
    ['15 by 2026-11-24', '9 by 2026-12-01', '3 by 2026-12-31']
    >>> [float(bar.get_width()) for bar in ax.patches], ax.get_title()
    ([37.0, 30.0, 0.0], 'Schedule to close 3 deals by 2026-12-31')
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax = _axes(ax)
    plan, close = schedule.plan, schedule.close_by
    stages = list(schedule.due)
    # day numbers, so the bars' lengths are days; the ticks print them as dates
    starts = [float(schedule.due[s].toordinal()) for s in stages]
    end = float(close.toordinal())
    rows = range(len(stages))
    kwargs.setdefault("color", COLORS["second"])
    kwargs.setdefault("height", 0.4)
    ax.barh(rows, [end - start for start in starts], left=starts, **kwargs)
    ax.plot(starts, list(rows), "o", color=COLORS["main"], zorder=3)
    for row, stage, start in zip(rows, stages, starts, strict=True):
        ax.annotate(
            f"{format_count(plan.counts[stage])} by {schedule.due[stage].isoformat()}",
            xy=(start, row),
            xytext=(-8, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=8,
        )
    ax.axvline(
        end,
        color=COLORS["quota"],
        linestyle="--",
        linewidth=1.5,
        label=f"close by {close.isoformat()}",
    )
    ax.set_yticks(list(rows), stages)
    ax.invert_yaxis()  # the top of the funnel on top
    span = end - min(starts)
    # room on the left for the first stage's label, a little on the right of the close date
    ax.set_xlim(min(starts) - max(span * 0.35, 12), end + max(span * 0.05, 2))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(_date_tick))
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_xlabel("date to reach each stage's count by (bar: days left to close)")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(f"Schedule to close {format_amount(plan.deals)} deals by {close.isoformat()}")
    return ax


def _distribution(
    ax: Axes,
    values: Sequence[float],
    weights: Sequence[float],
    *,
    width: float,
    **kwargs: Any,
) -> None:
    kwargs.setdefault("color", COLORS["main"])
    ax.bar(values, weights, width=width, **kwargs)
    _amount_axis(ax.xaxis)
    _percent_axis(ax.yaxis)


def _tail(projection: Projection, deals: int) -> float:
    """Return P(at least `deals` won) from the projection's volume, the library's exact chance."""
    funnel = projection.funnel
    if deals <= 0:
        return 1.0
    return funnel.attainment_probability(
        deals * funnel.deal_size, projection.volume, stage=projection.stage
    )


def plot_projection(
    projection: Projection,
    ax: Axes | None = None,
    *,
    quota: object = None,
    **kwargs: Any,
) -> Axes:
    """Draw the bookings a projection may bring: the chance of each number of deals.

    The chances are the library's exact ones
    (:meth:`Funnel.attainment_probability <salesmath.Funnel.attainment_probability>`:
    binomial, beta-binomial for a measured rate; deal size fixed), so the bars
    past the quota add up to the chance in the title.  Deal counts whose
    chance is visible are drawn, one bar each, or, past
    :data:`MAX_PROJECTION_BARS` of them, one bar per run of deal counts.
    With `quota`, a dashed line marks it.

    Parameters
    ----------
    projection
        The projection (:meth:`Funnel.project <salesmath.Funnel.project>`);
        its volume must be whole.
    ax
        The axes to draw on; a new figure when None.
    quota
        The quota to mark, optional.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar`.

    Raises
    ------
    InvalidInputError
        If the projection's volume is not a whole number, or `quota` cannot be read.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=84_000)
    >>> ax = plot_projection(funnel.project(9), quota=250_000)
    >>> ax.get_title()
    'From 9 demos: expected 252,000; 62.3% chance to reach 250,000'
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    volume = Fraction(projection.volume)
    if volume.denominator != 1:
        raise InvalidInputError(
            f"plot needs a whole volume to draw the deals' chances, got {format_amount(volume)}; "
            "project a whole number of records"
        )
    funnel = projection.funnel
    n = volume.numerator
    rate = funnel.rate(projection.stage, funnel.stages[-1])
    mean = float(n * rate)
    spread = math.sqrt(float(n * rate * (1 - rate)))
    # the deal counts with a visible chance: around the mean, widened until both tails are thin
    low = max(0, math.floor(mean - 6 * spread) - 1)
    high = min(n, math.ceil(mean + 6 * spread) + 1)
    step = max(1, (high - low) // 4)
    while high < n and _tail(projection, high + 1) > _THIN:
        high = min(n, high + step)
    while low > 0 and 1 - _tail(projection, low) > _THIN:
        low = max(0, low - step)
    width = max(1, math.ceil((high - low + 1) / MAX_PROJECTION_BARS))
    starts = list(range(low, high + 1, width))
    tails = [_tail(projection, k) for k in [*starts, starts[-1] + width]]
    chances = [max(tails[i] - tails[i + 1], 0.0) for i in range(len(starts))]
    size = float(funnel.deal_size)
    ax = _axes(ax)
    kwargs.setdefault("color", COLORS["main"])
    if width == 1:
        ax.bar([k * size for k in starts], chances, width=size * 0.8, **kwargs)
        ax.set_ylabel("chance")
    else:
        ax.bar(
            [k * size for k in starts], chances, width=width * size * 0.9, align="edge", **kwargs
        )
        ax.set_ylabel(f"chance (each bar {width:,} deal counts)")
    _amount_axis(ax.xaxis)
    _percent_axis(ax.yaxis)
    ax.set_xlabel(f"bookings ({funnel.stages[-1]} × {format_amount(funnel.deal_size)})")
    title = (
        f"From {format_amount(projection.volume)} {projection.stage}: "
        f"expected {format_amount(projection.bookings)}"
    )
    if quota is not None:
        amount = parse_amount(quota, what="quota")
        chance = funnel.attainment_probability(amount, n, stage=projection.stage)
        _quota_line(ax, amount, vertical=True, label=f"quota {format_amount(amount)}")
        ax.legend(loc="upper right", fontsize=8)
        title += f"; {format_probability(chance)} chance to reach {format_amount(amount)}"
    ax.set_title(title)
    return ax


def plot_simulation(
    simulation: Simulation,
    ax: Axes | None = None,
    *,
    quota: object = None,
    quantiles: Iterable[object] = (0.1, 0.5, 0.9),
    **kwargs: Any,
) -> Axes:
    """Draw a simulation's bookings: each value's share of the draws, the quota, quantiles.

    With a fixed deal size the bookings take few values, one bar each (its
    height the share of draws that booked it); past :data:`MAX_BARS`
    distinct values, a histogram of shares.  With `quota`, a dashed line
    marks it and the title gives the share of draws that reach it
    (:meth:`Simulation.attainment_probability`); each quantile is a dotted
    line named in the legend.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=84_000)
    >>> ax = plot_simulation(funnel.simulate(9, draws=1000, seed=1), quota=250_000)
    >>> ax.get_title()
    '1,000 simulated periods from 9 demos: 61.2% reach 250,000'
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    import numpy as np

    ax = _axes(ax)
    bookings = np.asarray(simulation.bookings, dtype=np.float64)
    values, counts = np.unique(bookings, return_counts=True)
    draws = len(bookings)
    if len(values) <= MAX_BARS:
        step = float(np.min(np.diff(values))) if len(values) > 1 else float(values[0] or 1)
        _distribution(
            ax,
            [float(v) for v in values],
            [float(c) / draws for c in counts],
            width=step * 0.8,
            **kwargs,
        )
    else:
        kwargs.setdefault("color", COLORS["main"])
        ax.hist(bookings, bins=HIST_BINS, weights=np.full(draws, 1 / draws), **kwargs)
        _amount_axis(ax.xaxis)
        _percent_axis(ax.yaxis)
    ax.set_xlabel("bookings per period")
    ax.set_ylabel("share of draws")
    title = (
        f"{format_amount(simulation.draws)} simulated periods from "
        f"{format_amount(simulation.volume)} {simulation.stage}"
    )
    for q in quantiles:
        share = parse_probability(q, what="quantile")
        value = simulation.quantile(share)
        ax.axvline(
            value,
            zorder=3,
            color=COLORS["muted"],
            linestyle=":",
            linewidth=1.2,
            label=f"{format_percent(share)} quantile {format_amount(value, places=0)}",
        )
    if quota is not None:
        amount = parse_amount(quota, what="quota")
        _quota_line(ax, amount, vertical=True, label=f"quota {format_amount(amount)}")
        chance = simulation.attainment_probability(amount)
        title += f": {format_probability(chance)} reach {format_amount(amount)}"
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title)
    return ax


def plot_batch_plan(
    plans: BatchPlan, ax: Axes | None = None, *, stage: str | None = None, **kwargs: Any
) -> Axes:
    """Draw a batch of plans: one stage's count in each plan (the top stage by default).

    The top stage is the default, as for a pace: it is the work the plans
    ask for (``stage=`` names another, the last for the deals).  A batch of
    at most :data:`MAX_PLAN_BARS` plans draws one bar per plan, its height
    the count, labelled with it, each plan named by its row and quota.  A
    larger batch draws how the counts spread over the plans, so a million
    plans draw as fast and as clearly as a hundred: one bar per count the
    plans need when there are at most :data:`MAX_BARS` different counts
    (its height the number of plans that need it), else a histogram of at
    most :data:`HIST_BINS` bars, each covering the same number of whole
    counts; a dotted line marks the median plan.

    Parameters
    ----------
    plans
        The batch to draw (:meth:`Funnel.plan <salesmath.Funnel.plan>` with an
        array of quotas, or :func:`~salesmath.batch.plan_batch`).
    ax
        The axes to draw on; a new figure when None.
    stage
        The stage whose counts are drawn; the top stage when None.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    UnknownStageError
        If `stage` is not one of the batch's stages.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=84_000)
    >>> plans = funnel.plan(np.array([250_000, 500_000, 1_000_000]))
    >>> ax = plot_batch_plan(plans, stage="won")
    >>> [float(bar.get_height()) for bar in ax.patches], ax.get_ylabel()
    ([3.0, 6.0, 12.0], 'won per plan')

    A million plans draw as the number of plans that need each count:

    >>> ax = plot_batch_plan(funnel.plan(np.repeat([250_000, 500_000], 500_000)), stage="won")
    >>> [(float(bar.get_x() + bar.get_width() / 2), float(bar.get_height())) for bar in ax.patches]
    [(3.0, 500000.0), (6.0, 500000.0)]
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('won per plan', 'plans')
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    import numpy as np

    stages = list(plans.stages)
    name = stages[0] if stage is None else stage
    if not isinstance(name, str) or name not in stages:
        from salesmath.errors import UnknownStageError

        raise UnknownStageError(name, stages)
    ax = _axes(ax)
    n = len(plans)
    confident = "" if plans.confidence is None else f" at {format_percent(plans.confidence)}"
    if n == 0:
        ax.set_title(f"{name} over 0 plans")
        return _message(ax, "No plans: the batch is empty")
    column = plans.counts[name]
    # a count past int64 (an object column of Python ints) is drawn as a float
    values = column if column.dtype != object else np.asarray(column, dtype=np.float64)
    low, high = column.min(), column.max()
    total = plans.totals()[name]
    ax.set_title(
        f"{format_count(total)} {name} over {n:,} plans{confident}: "
        f"{format_count(low)} to {format_count(high)} a plan"
    )
    kwargs.setdefault("color", COLORS["main"])
    if n <= MAX_PLAN_BARS:
        rows = range(n)
        bars = ax.bar(list(rows), [float(v) for v in values], **kwargs)
        ax.bar_label(bars, labels=[format_count(v) for v in column.tolist()], fontsize=8)
        quotas = [format_amount(q) for q in plans.quota.tolist()]
        ax.set_xticks(list(rows), [f"{i}\n{q}" for i, q in zip(rows, quotas, strict=True)])
        ax.set_xlabel("plan: row and quota")
        ax.set_ylabel(f"{name} per plan")
        _amount_axis(ax.yaxis)
        ax.margins(y=0.1)
        return ax
    counts, sizes = np.unique(values, return_counts=True)
    if len(counts) <= MAX_BARS:
        step = float(np.min(np.diff(counts))) if len(counts) > 1 else 1.0
        ax.bar(counts.astype(np.float64), sizes, width=step * 0.8, **kwargs)
        ax.set_ylabel("plans")
    else:
        # bins of the same number of whole counts each, edges between whole numbers
        first, last = float(low), float(high)
        width = max(1.0, math.ceil((last - first + 1) / HIST_BINS))
        edges = np.arange(first - 0.5, last + 0.5 + width, width)
        heights, edges = np.histogram(values, bins=edges)
        ax.bar(edges[:-1], heights, width=np.diff(edges) * 0.95, align="edge", **kwargs)
        ax.set_ylabel(f"plans (each bar {format_count(width)} counts)")
    median = float(np.median(values))
    ax.axvline(
        median,
        zorder=3,
        color=COLORS["muted"],
        linestyle=":",
        linewidth=1.5,
        label=f"median plan {format_count(median)}",
    )
    ax.legend(loc="upper right", fontsize=8)
    _amount_axis(ax.xaxis)
    _amount_axis(ax.yaxis)
    ax.set_xlabel(f"{name} per plan")
    return ax


# -- the team ------------------------------------------------------------------


def _team_floats(team: Team, metric: str) -> NDArray[np.float64]:
    """Each rep's value of `metric` as a float, NaN where it does not exist, from the columns.

    The same values as :meth:`Team.values <salesmath.Team.values>`, worked
    out with numpy and no Python per rep, for a team of any size.
    """
    import numpy as np

    data = team._data

    def stage(i: int) -> NDArray[np.float64]:
        return np.asarray(data.counts[:, i], dtype=np.float64)

    def ratio(top: NDArray[np.float64], bottom: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.full(len(top), np.nan)
        np.divide(top, bottom, out=out, where=bottom > 0)
        return out

    if metric in data.stages:
        return stage(data.stages.index(metric))
    if metric in team.conversions:
        i = team.conversions.index(metric)
        return ratio(stage(i + 1), stage(i))
    if metric == "deal_size":
        return ratio(data.bookings.floats(), stage(len(data.stages) - 1))
    if metric == "attainment":
        return data.bookings.floats() / data.quota.floats()  # a missing quota is NaN
    return (data.bookings if metric == "bookings" else data.cycle_days).floats()


def _metric_words(team: Team, metric: str) -> tuple[str, Callable[[Any], str], bool]:
    """Return a metric's axis label, its formatter, and whether it is a share (percent axis)."""
    if metric in team.conversions:
        i = team.conversions.index(metric)
        upper, lower = team.stages[i], team.stages[i + 1]
        return f"{metric} ({lower} ÷ {upper})", format_percent, True
    if metric == "attainment":
        return "attainment (bookings ÷ quota)", format_percent, True
    words = {"deal_size": "deal size (bookings ÷ won)", "cycle_days": "cycle days"}
    if metric in team.stages:
        return f"{metric} logged", format_count, False
    return words.get(metric, metric), format_amount, False


def plot_team(team: Team, ax: Axes | None = None, *, by: str = "bookings", **kwargs: Any) -> Axes:
    """Draw a team's reps by one metric: sorted bars for a few reps, a histogram for many.

    A team of at most :data:`MAX_REP_BARS` reps draws one bar per rep,
    largest first (ties in the team's order), each labelled with its value.
    By ``"bookings"``, each rep with a quota has it marked on their bar and
    their attainment after the value; by ``"attainment"``, a dashed line
    marks 100%.  A larger team draws how the reps spread: a histogram of at
    most :data:`HIST_BINS` bars (the number of reps in each), with the
    median rep and, when every rep with a quota has the same one, the
    quota.  Either way the picture is a bounded number of artists, and the
    values come from the team's columns, so a million reps draw in well
    under a second and no model is built per rep.  A rep with no value
    (the deal size of no deals, the attainment of no quota) is left out
    and counted in the title.

    Parameters
    ----------
    team
        The team to draw.
    ax
        The axes to draw on; a new figure when None.
    by
        The metric the reps are drawn by, one of
        :attr:`Team.metric_names <salesmath.Team.metric_names>` (a stage
        count, a conversion, ``"bookings"``, ``"deal_size"``,
        ``"attainment"``, ``"cycle_days"``).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.barh` (a few reps) or
        :meth:`~matplotlib.axes.Axes.bar` (the histogram).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    UnknownMetricError
        If `by` is not one of the team's metrics.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import RepStats, Team
    >>> team = Team(stages=["demos", "won"], reps=[
    ...     RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000,
    ...              quota=1_500_000),
    ...     RepStats(rep="bo", counts={"demos": 24, "won": 6}, bookings=420_000, quota=600_000),
    ...     RepStats(rep="cy", counts={"demos": 30, "won": 9}, bookings=900_000)])
    >>> ax = plot_team(team)
    >>> [t.get_text() for t in ax.get_yticklabels()], [float(b.get_width()) for b in ax.patches]
    (['ana', 'cy', 'bo'], [1760000.0, 900000.0, 420000.0])
    >>> [text.get_text() for text in ax.texts]
    ['1,760,000 (117.3%)', '900,000', '420,000 (70%)']
    >>> ax.get_title()
    '3 reps by bookings: 3,080,000 in all; 1 of 2 at quota'
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    import numpy as np

    from salesmath.errors import UnknownMetricError

    if not isinstance(by, str) or by not in team.metric_names:
        raise UnknownMetricError(by, team.metric_names)
    ax = _axes(ax)
    data = team._data
    values = _team_floats(team, by)
    label, fmt, share = _metric_words(team, by)
    n = len(values)
    few = n <= MAX_REP_BARS
    if not few and not share:  # a histogram's amounts are read to the unit, not the cent
        fmt = functools.partial(format_amount, places=0)
    known = np.flatnonzero(~np.isnan(values))
    missing = n - len(known)
    title = f"{n:,} reps by {by}"
    if by in team.stages or by == "bookings":
        total = (
            data.bookings.sum()
            if by == "bookings"
            else Fraction(data.stage_totals()[team.stages.index(by)])
        )
        title += f": {fmt(total)} in all"
    elif len(known):
        title += f": median {fmt(float(np.median(values[known])))}"
    quotas = data.quota.count()
    if by in ("bookings", "attainment") and quotas:
        attained = int((data.bookings.floats() >= data.quota.floats()).sum())  # NaN: False
        # a few reps are counted; many, the share of those with a quota
        at = f"{attained:,} of {quotas:,}" if few else format_percent(Fraction(attained, quotas))
        title += f"; {at} at quota"
    if missing:
        title += f"; {missing:,} with no {by}"
    ax.set_title(title, parse_math=False)
    if not len(known):
        return _message(ax, f"No rep has a {by}")
    if by == "attainment":
        ax.axvline(
            1, zorder=3, color=COLORS["quota"], linestyle="--", linewidth=1.5, label="quota (100%)"
        )
    kwargs.setdefault("color", COLORS["main"])
    if few:
        order = known[np.argsort(-values[known], kind="stable")].tolist()
        exact = team.values(by)  # a few reps: their exact values, for the labels
        rows = list(range(len(order)))
        bars = ax.barh(rows, [float(values[i]) for i in order], **kwargs)
        texts = [fmt(exact[i]) for i in order]
        if by == "bookings" and quotas:
            quota = data.quota.floats()
            marked = [(row, i) for row, i in zip(rows, order, strict=True) if data.quota.has(i)]
            ax.plot(
                [float(quota[i]) for _, i in marked],
                [row for row, _ in marked],
                linestyle="none",
                marker="|",
                markersize=16,
                markeredgewidth=2.5,
                color=COLORS["quota"],
                label="the rep's quota",
            )
            attainment = team.values("attainment")
            texts = [
                text if attainment[i] is None else f"{text} ({format_percent(attainment[i])})"
                for text, i in zip(texts, order, strict=True)
            ]
        # a white backing keeps a label readable where it crosses a quota mark
        backing = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6}
        for text in ax.bar_label(bars, labels=texts, padding=3, fontsize=8):
            text.set_bbox(backing)
            text.set_zorder(4)
        ax.set_yticks(rows, [data.names[i] for i in order], parse_math=False)
        ax.invert_yaxis()  # the largest on top
        shown = [float(values[i]) for i in order]
        if by == "bookings" and quotas:
            shown += [float(v) for v in data.quota.floats()[order] if not math.isnan(v)]
        if by == "attainment":
            shown.append(1.0)
        low, high = min([*shown, 0.0]), max([*shown, 0.0])
        ax.set_xlim(low * 1.25, high * 1.3 or 1.0)
        ax.set_xlabel(label)
    else:
        spread = values[known]
        first, last = float(spread.min()), float(spread.max())
        if by in team.stages:  # whole counts: bins of the same number of counts each
            width = max(1.0, math.ceil((last - first + 1) / HIST_BINS))
            edges = np.arange(first - 0.5, last + 0.5 + width, width)
            heights, edges = np.histogram(spread, bins=edges)
        else:
            heights, edges = np.histogram(spread, bins=HIST_BINS)
        ax.bar(edges[:-1], heights, width=np.diff(edges) * 0.95, align="edge", **kwargs)
        ax.axvline(
            float(np.median(spread)),
            zorder=3,
            color=COLORS["muted"],
            linestyle=":",
            linewidth=1.5,
            label=f"median rep {fmt(float(np.median(spread)))}",
        )
        if by == "bookings" and quotas:
            quota = data.quota.floats()
            if np.nanmin(quota) == np.nanmax(quota):  # one quota for all: mark it
                one = data.quota.value(int(np.flatnonzero(~np.isnan(quota))[0]))
                if one is not None:
                    _quota_line(ax, one, vertical=True, label=f"quota {format_amount(one)}")
        ax.set_xlabel(label)
        ax.set_ylabel("reps")
        _amount_axis(ax.yaxis)
    (_percent_axis if share else _amount_axis)(ax.xaxis)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right" if few else "upper right", fontsize=8)
    return ax


def plot_rep_stats(rep: RepStats, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw one rep's funnel: the count logged at each stage and the conversions between.

    The same picture as a plan's (:func:`plot_quota_plan`), from what the
    rep logged: one bar per stage, top stage on top, labelled with its
    count; between two stages, the rep's conversion (``—`` when the upper
    count is 0; a conversion may pass 100%, counts need not shrink).  The
    title is the rep's table's: bookings, deal size, attainment.

    Parameters
    ----------
    rep
        The rep to draw (a :class:`~salesmath.RepStats`, or ``team[name]``).
    ax
        The axes to draw on; a new figure when None.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.barh`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar per stage, each bar's width its count.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import RepStats
    >>> ana = RepStats(rep="ana", counts={"discos": 40, "demos": 24, "won": 11},
    ...                bookings=1_760_000, quota=1_500_000)
    >>> ax = plot_rep_stats(ana)
    >>> [float(bar.get_width()) for bar in ax.patches], [text.get_text() for text in ax.texts]
    ([40.0, 24.0, 11.0], ['40', '24', '11', '↓ 60%', '↓ 45.8%'])
    >>> print(ax.get_title())
    Rep ana:
    bookings 1,760,000, deal size 160,000, attainment 117.3%
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    ax = _axes(ax)
    rates = [format_percent(rate) for rate in rep.conversions.values()]
    _stage_bars(ax, rep.counts, rates, fontsize=9, **kwargs)
    ax.set_xlabel("count logged")
    # the rep's table's title; when long, the figures under the name (the stage labels
    # narrow the axes, and a title is centred on them)
    title = rep.table().title
    ax.set_title(title.replace(": ", ":\n", 1) if len(title) > 60 else title, parse_math=False)
    return ax


def plot_thirds(
    comparison: ThirdsComparison,
    ax: Axes | None = None,
    *,
    kind: str = "gap",
    **kwargs: Any,
) -> Axes:
    """Draw what separates the top third from the bottom third.

    ``kind="gap"`` (default): a waterfall of each factor's share of the
    bookings gap, in funnel order, adding up to 100%; a factor on which the
    bottom third does better falls below.  ``kind="ratio"``: each metric's
    top ÷ bottom on a log scale, with a line at 1× (no difference).

    Raises
    ------
    InvalidInputError
        If `kind` is not ``"gap"`` or ``"ratio"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import Team, compare_thirds
    >>> team = Team.from_records(
    ...     [{"rep": r, "demos": 24, "won": w, "bookings": w * size}
    ...      for r, w, size in [("ana", 11, 160_000), ("bo", 10, 150_000), ("cy", 8, 100_000),
    ...                         ("di", 7, 100_000), ("ed", 6, 70_000), ("fe", 5, 70_000)]])
    >>> ax = plot_thirds(compare_thirds(team))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['demos', 'demos_to_won', 'deal_size', 'gap 4.23×']
    >>> round(float(ax.patches[-1].get_height()), 6)
    1.0
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    _check_kind(kind, ("gap", "ratio"))
    ax = _axes(ax)
    groups = (
        f"top {comparison.k} vs bottom {comparison.k} of {comparison.reps} reps by {comparison.by}"
    )
    if kind == "ratio":
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        rows = [row for row in comparison.metrics if row.ratio]
        ratios = [float(row.ratio) for row in rows if row.ratio is not None]
        # each bar runs from 1× (no difference) to the ratio: right, the top third has more
        kwargs.setdefault("color", [COLORS["main"] if r >= 1 else COLORS["second"] for r in ratios])
        bars = ax.barh(range(len(rows)), [r - 1 for r in ratios], left=1, **kwargs)
        ax.bar_label(bars, labels=[format_times(row.ratio) for row in rows], padding=3, fontsize=8)
        ax.set_xscale("log")
        ax.set_xlim(min([*ratios, 1.0]) / 1.3, max([*ratios, 1.0]) * 1.3)
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: format_times(value)))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(1, color=COLORS["text"], linewidth=0.8)
        ax.set_yticks(range(len(rows)), [row.name for row in rows])
        ax.invert_yaxis()
        ax.set_xlabel("top third ÷ bottom third (log scale; 1× no difference)")
        ax.set_title(f"Top vs bottom third: {groups}")
        return ax
    shares = comparison.shares()
    if comparison.zeroed or not any(s is not None for s in shares.values()):
        if comparison.zeroed:
            text = "The bottom third has no " + ", ".join(comparison.zeroed) + ": close that first"
        else:
            text = "The top third does not out-book the bottom third: no gap to explain"
        ax.set_title(f"Top vs bottom third: {groups}")
        return _message(ax, text)
    steps = [(name, float(share)) for name, share in shares.items() if share is not None]
    _waterfall(
        ax,
        steps,
        start=None,
        total=f"gap {format_times(comparison.gap)}",
        fmt=lambda v: format_percent(v),
        **kwargs,
    )
    _percent_axis(ax.yaxis)
    ax.set_ylabel("share of the bookings gap")
    ax.set_title(f"What explains the gap: {groups}")
    return ax


def plot_capacity(
    report: CapacityReport,
    ax: Axes | None = None,
    *,
    kind: str = "shortfalls",
    **kwargs: Any,
) -> Axes:
    """Draw where a team falls short of the model, or what closing the gaps is worth.

    ``kind="shortfalls"`` (default): one bar per rep and factor below the
    model, its actual value as a share of the model's, with a line at 100%
    (the model).  ``kind="headroom"``: a waterfall from the team's bookings
    today, each underutilized rep's gain, to the bookings with every gap
    closed (the last bar is bookings + :attr:`~CapacityReport.headroom`).

    Raises
    ------
    InvalidInputError
        If `kind` is not ``"shortfalls"`` or ``"headroom"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import salesmath as sm
    >>> model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 12, "won": 3}, bookings=24_000),
    ...     sm.RepStats(rep="cy", counts={"demos": 9, "won": 3}, bookings=30_000)])
    >>> report = sm.assess_capacity(team, model)
    >>> ax = plot_capacity(report)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['bo · demos_to_won', 'bo · deal_size']
    >>> [round(float(bar.get_width()), 2) for bar in ax.patches]
    [0.75, 0.8]
    >>> ax = plot_capacity(report, kind="headroom")
    >>> [float(bar.get_height()) for bar in ax.patches]
    [54000.0, 16000.0, 70000.0]
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    from salesmath.capacity import SHOWN_REPS

    _check_kind(kind, ("shortfalls", "headroom"))
    ax = _axes(ax)
    reps = len(report.team)
    below = len(report.underutilized)
    shown = report.underutilized[:SHOWN_REPS]  # largest gains first
    rest = below - len(shown)
    if kind == "headroom":
        today = report.team.total().bookings
        steps = [(rep.rep, float(rep.gain)) for rep in shown]
        if rest:  # the other reps' gains as one step, so the bars still add up
            others = report.headroom - sum((rep.gain for rep in shown), Fraction(0))
            steps.append((f"{rest:,} more reps", float(others)))
        _waterfall(
            ax,
            steps,
            start=("team today", float(today)),
            total="gaps closed",
            fmt=lambda v: format_amount(v, places=0),
            **kwargs,
        )
        _amount_axis(ax.yaxis)
        ax.set_ylabel("bookings")
        ax.set_title(
            f"Headroom: closing {below:,} of {reps:,} reps' gaps adds "
            f"{format_amount(report.headroom)}"
        )
        return ax
    rows = [
        (f"{rep.rep} · {s.factor}", float(s.actual / s.assumed) if s.assumed else 0.0)
        for rep in shown
        for s in rep.shortfalls
    ]
    title = (
        f"Below the model: {below:,} of {reps:,} reps ({format_percent(report.share_below)}; "
        f"limit {format_percent(report.max_share_below)})"
        + (f"; the {len(shown)} with the largest gains" if rest else "")
    )
    ax.set_title(title)
    if not rows:
        return _message(ax, "Every rep meets the model on every factor")
    kwargs.setdefault("color", COLORS["bad"])
    bars = ax.barh(range(len(rows)), [share for _, share in rows], **kwargs)
    ax.bar_label(bars, labels=[format_percent(share) for _, share in rows], padding=3, fontsize=8)
    ax.axvline(1, color=COLORS["text"], linestyle="--", linewidth=1, label="the model (100%)")
    ax.set_yticks(range(len(rows)), [name for name, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.1, max(share for _, share in rows) * 1.1))
    _percent_axis(ax.xaxis)
    ax.set_xlabel("actual as a share of the model")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_benchmarks(report: BenchmarkReport, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw each rep against their role's rule of thumb: the value as a share of the minimum.

    One bar per check (``rep · metric``), its rep's value over the rule's
    minimum, with a line at 100% (the rule); a check below it is red.  Rates
    and volumes share one axis that way.  A value that does not exist has
    no bar.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import salesmath as sm
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 20, "won": 3}, bookings=1, role="AE")])
    >>> ax = plot_benchmarks(sm.check_benchmarks(team))
    >>> [t.get_text() for t in ax.get_yticklabels()], [float(b.get_width()) for b in ax.patches]
    (['bo · close_rate'], [0.75])
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    ax = _axes(ax)
    checks = [c for c in report.checks if c.value is not None and c.minimum]
    below = len(report.below)
    ax.set_title(f"Role rules of thumb: {below} of {len(report.checks)} checks below")
    if not checks:
        return _message(ax, "No rep has a role that a rule of thumb covers")
    shares = [float(c.value / c.minimum) for c in checks if c.value is not None]
    colors = [COLORS["bad"] if c.below else COLORS["main"] for c in checks]
    kwargs.setdefault("color", colors)
    bars = ax.barh(range(len(checks)), shares, **kwargs)
    ax.bar_label(bars, labels=[format_percent(share) for share in shares], padding=3, fontsize=8)
    ax.axvline(1, color=COLORS["text"], linestyle="--", linewidth=1, label="the rule (100%)")
    ax.set_yticks(range(len(checks)), [f"{c.rep} · {c.label}" for c in checks])
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.1, max(shares) * 1.15))
    _percent_axis(ax.xaxis)
    ax.set_xlabel("value as a share of the role's minimum")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_hiring_plan(plan: HiringPlan, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw a hiring plan: bookings by month, today's team and the ramping hires stacked.

    The monthly target (``target / months``) is a dashed line; the naive
    answer (scale the team with the target, everyone starting in month 1)
    is a grey step line beside the stacked bars.  Each month's stack adds up
    to the plan's bookings that month (its table's ``bookings`` column).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import hiring_plan
    >>> plan = hiring_plan(9_000_000, headcount=5, productivity=50_000,
    ...                    ramp=[0, 0.25, 0.5, 0.75, 1])
    >>> ax = plot_hiring_plan(plan)
    >>> ax.get_title()
    'Hire 13 reps to book 9,000,000 in 12 months (expected 9,175,000)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    from salesmath.hiring import hired_shares, seat_shares

    ax = _axes(ax)
    months = plan.months
    ramped = seat_shares(plan.ramp, attrition=plan.attrition, months=months, tenure=len(plan.ramp))
    new_seat = seat_shares(plan.ramp, attrition=plan.attrition, months=months, tenure=0)
    extra = plan.headroom / months
    team = [plan.headcount * plan.productivity * share + extra for share in ramped]
    hired = [plan.productivity * s for s in hired_shares(new_seat, plan.hires_by_month, months)]
    x = list(range(1, months + 1))
    kwargs.setdefault("width", 0.8)
    ax.bar(x, [float(v) for v in team], color=COLORS["main"], label="today's team", **kwargs)
    ax.bar(
        x,
        [float(v) for v in hired],
        bottom=[float(v) for v in team],
        color=COLORS["second"],
        label=f"{plan.hires} new hires, ramping",
        **kwargs,
    )
    ax.axhline(
        float(plan.target / months),
        color=COLORS["quota"],
        linestyle="--",
        linewidth=1.5,
        label=f"target {format_amount(plan.target)} ÷ {months} months",
    )
    if plan.naive_hires is not None:
        naive = [
            team[m] + plan.productivity * s
            for m, s in enumerate(hired_shares(new_seat, {1: plan.naive_hires}, months))
        ]
        ax.step(
            x,
            [float(v) for v in naive],
            where="mid",
            color=COLORS["muted"],
            linewidth=1.5,
            label=f"naive: {plan.naive_hires} hires in month 1",
        )
    ax.set_xticks(x)
    ax.set_xlabel("month")
    ax.set_ylabel("bookings per month")
    _amount_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    verb = f"Hire {plan.hires} reps to book" if plan.hires else "No hires needed to book"
    reach = "expected" if plan.reachable else "out of reach: best plan"
    ax.set_title(
        f"{verb} {format_amount(plan.target)} in {months} months "
        f"({reach} {format_amount(plan.bookings)})"
    )
    return ax


def plot_annual_plan(plan: AnnualPlan, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw the year's plan: capacity by month against each month's target, hires marked.

    Bars are the expected bookings (capacity) each month; the step line is
    the month's target; each month with hires is labelled ``+n``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import annual_plan
    >>> plan = annual_plan(9_000_000, start=3_000_000, headcount=8, productivity=31_250,
    ...                    ramp=[0, 0, 0, 0.25, 0.5, 0.75, 1])
    >>> ax = plot_annual_plan(plan)
    >>> len(ax.patches), ax.get_title()
    (12, '9,000,000 in 12 months (3× this year): capacity 9,093,750, 26 hires')
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    ax = _axes(ax)
    x = list(range(1, plan.months + 1))
    kwargs.setdefault("color", COLORS["main"])
    bars = ax.bar(x, [float(c) for c in plan.capacities], label="capacity", **kwargs)
    ax.step(
        x,
        [float(t) for t in plan.targets],
        where="mid",
        color=COLORS["quota"],
        linestyle="--",
        linewidth=1.5,
        label="target",
    )
    labels = [f"+{plan.hires_by_month[m]}" if m in plan.hires_by_month else "" for m in x]
    ax.bar_label(bars, labels=labels, fontsize=8, color=COLORS["good"])
    ax.set_xticks(x)
    ax.set_xlabel("month (+n: hires starting that month)")
    ax.set_ylabel("bookings per month")
    _amount_axis(ax.yaxis)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(
        f"{format_amount(plan.target)} in {plan.months} months "
        f"({format_times(plan.target / plan.start)} this year): "
        f"capacity {format_amount(plan.capacity)}, {plan.hires} hires"
    )
    return ax


def plot_cascade(cascade: Cascade, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw a cascade: one bar per part, its amount, the parts adding up to the total.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import cascade
    >>> ax = plot_cascade(cascade(900_000, {"east": 2, "west": 1}))
    >>> [float(bar.get_width()) for bar in ax.patches]
    [600000.0, 300000.0]
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    ax = _axes(ax)
    names = list(cascade.amounts)
    amounts = list(cascade.amounts.values())
    kwargs.setdefault("color", COLORS["main"])
    bars = ax.barh(range(len(names)), [float(a) for a in amounts], **kwargs)
    ax.bar_label(bars, labels=[format_amount(a) for a in amounts], padding=3, fontsize=8)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    _amount_axis(ax.xaxis)
    ax.set_xlim(0, float(max(amounts, default=1)) * 1.2 or 1)
    ax.set_xlabel("share of the total")
    ax.set_title(
        f"{format_amount(cascade.total)} split over {len(names)} ({cascade.method.replace('_', '-')})"
    )
    return ax


def plot_objective(objective: Objective, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw an objective: one bar per key result, its score against 100%.

    Each key result's bar is its score as the objective's table gives it:
    progress from the baseline where there is one, else attainment
    (actual ÷ target).  A dashed line marks 100% (the key result done), a
    dotted one the objective's score (the mean of the scored key results).
    A bar at or past 100% is green, one below the baseline (a negative
    progress) red and to the left of 0; a key result without an actual has
    no bar and says so.  Each bar is labelled with its score and how it was
    scored.

    Parameters
    ----------
    objective
        The objective to draw (:class:`~salesmath.annual.Objective`).
    ax
        The axes to draw on; a new figure when None.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.barh`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one bar per key result, in the objective's
        order, each bar's width its score (1.0 is 100%).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath.annual import KeyResult, Objective
    >>> growth = Objective(name="Rockstar Revenue Growth", key_results=[
    ...     KeyResult.from_text("200 pre-screened qualified leads", actual=240),
    ...     KeyResult.from_text("Increase monthly revenue from $2.2M to $3.0M USD",
    ...                         actual="$2.32M")])
    >>> ax = plot_objective(growth)
    >>> [round(float(bar.get_width()), 2) for bar in ax.patches]
    [1.2, 0.15]
    >>> [text.get_text() for text in ax.texts], ax.get_title()
    (['120% attainment', '15% progress'], 'Rockstar Revenue Growth: 67.5% (2 of 2 key results scored)')
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    import textwrap

    ax = _axes(ax)
    results = objective.key_results
    rows = list(range(len(results)))
    scores = [None if kr.score is None else float(kr.score) for kr in results]
    widths = [0.0 if score is None else score for score in scores]
    colors = [
        COLORS["muted"]
        if score is None
        else COLORS["good"]
        if score >= 1
        else COLORS["bad"]
        if score < 0
        else COLORS["main"]
        for score in scores
    ]
    kwargs.setdefault("color", colors)
    kwargs.setdefault("height", 0.6)
    ax.barh(rows, widths, **kwargs)
    for row, kr, width in zip(rows, results, widths, strict=True):
        how = "attainment" if kr.baseline is None else "progress"
        ax.annotate(
            "no actual yet" if kr.score is None else f"{format_percent(kr.score)} {how}",
            xy=(max(width, 0.0), row),  # a negative score's label stays right of 0, in view
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.axvline(1, color=COLORS["text"], linestyle="--", linewidth=1, label="done (100%)")
    if objective.score is not None:
        ax.axvline(
            float(objective.score),
            color=COLORS["muted"],
            linestyle=":",
            linewidth=1.5,
            label=f"objective {format_percent(objective.score)}",
        )
    names = [
        textwrap.shorten(kr.name, 80) if kr.name else f"key result {i + 1}"
        for i, kr in enumerate(results)
    ]
    ax.set_yticks(rows, [textwrap.fill(name, 28) for name in names], fontsize=8, parse_math=False)
    ax.invert_yaxis()  # the first key result on top
    low = min([0.0, *widths])
    high = max([1.0, *widths])
    ax.set_xlim(low * 1.15, high * 1.35)
    _percent_axis(ax.xaxis)
    ax.set_xlabel("score: progress from the baseline where there is one, else actual ÷ target")
    ax.legend(loc="lower right", fontsize=8)
    scored = sum(score is not None for score in scores)
    score = NONE if objective.score is None else format_percent(objective.score)
    ax.set_title(
        f"{objective.name}: {score} ({scored} of {len(results)} key results scored)",
        parse_math=False,
    )
    return ax


# -- mix -----------------------------------------------------------------------


def plot_deal_size_mix(split: DealSizeMix, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw a deal-size gap as a waterfall: bottom deal size, + mix, + price, = top deal size.

    The first bar is the bottom group's average won deal; the next two are
    the parts of the gap, the mix of `by` values (products) and the price
    within each (green when they add, red when they take away); the last bar
    is the top group's average won deal, which the three add up to.

    Parameters
    ----------
    split
        The split to draw (:func:`~salesmath.deal_size_mix`).
    ax
        The axes to draw on; a new figure when None.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InvalidInputError
        When there is no split to draw (:attr:`~salesmath.mix.DealSizeMix.reason`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath import History, deal_size_mix
    >>> history = History.from_records(
    ...     [{"id": i, "rep": rep, "product": product, "status": "won", "amount": amount}
    ...      for i, (rep, product, amount) in enumerate(
    ...          [("ana", "big", 100), ("ana", "big", 120), ("bo", "small", 40), ("bo", "big", 90)])],
    ...     stages=["open", "won"], outcome="status", won="won", lost="lost", id="id",
    ...     rep="rep", amount="amount", attributes=["product"])
    >>> ax = plot_deal_size_mix(deal_size_mix(history, ["ana"], ["bo"], by="product"))
    >>> [text.get_text() for text in ax.texts]
    ['65', '+30', '+15', '110']
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    if split.gap is None or split.mix is None or split.price is None:
        raise InvalidInputError(f"nothing to plot: {split.reason}")
    top, bottom = split.names
    ax = _axes(ax)
    _waterfall(
        ax,
        [(split._mix_word(), float(split.mix)), ("price", float(split.price))],
        start=(bottom, float(split.bottom_deal_size or 0)),
        total=top,
        fmt=lambda v: format_amount(v, places=0),
        **kwargs,
    )
    _amount_axis(ax.yaxis)
    ax.set_ylabel("average won deal")
    ax.set_title(f"Deal size: {bottom} to {top}, by {split.by} mix and price")
    return ax


def plot_win_rate_mix(split: WinRateMix, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw a win-rate gap as a waterfall: bottom rate, + mix, + rate within, = top rate.

    The first bar is the bottom group's win rate; the next two are the parts
    of the gap, the mix of `by` values and the win rate within each value
    (green when they add, red when they take away); the last bar is the top
    group's win rate, which the three add up to.  Each bar is labelled with
    its percentage.

    Parameters
    ----------
    split
        The split to draw (:func:`~salesmath.win_rate_mix`).
    ax
        The axes to draw on; a new figure when None.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InvalidInputError
        When there is no split to draw: a group decided no record, so it has
        no win rate (:attr:`~salesmath.mix.WinRateMix.reason`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from salesmath.mix import _sources, win_rate_mix
    >>> ax = plot_win_rate_mix(win_rate_mix(_sources(), ["ana"], ["bo"], by="source"))
    >>> [text.get_text() for text in ax.texts]
    ['30%', '+10%', '+0%', '40%']
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['bottom reps', 'source mix', 'win rate within each source', 'top reps']
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    if split.gap is None or split.mix is None or split.rate is None:
        raise InvalidInputError(f"nothing to plot: {split.reason}")
    top, bottom = split.names
    ax = _axes(ax)
    _waterfall(
        ax,
        [
            (f"{split.by} mix", float(split.mix)),
            (f"win rate within each {split.by}", float(split.rate)),
        ],
        start=(bottom, float(split.bottom_win_rate or 0)),
        total=top,
        fmt=lambda v: format_percent(v),
        **kwargs,
    )
    _percent_axis(ax.yaxis)
    ax.set_ylabel("win rate (won ÷ decided)")
    ax.set_title(
        f"Win rate by {split.by}: {format_percent(split.bottom_win_rate)} "
        f"+ mix {format_percent(split.mix)} + rate {format_percent(split.rate)} "
        f"= {format_percent(split.top_win_rate)}"
    )
    return ax


# -- history -------------------------------------------------------------------


def plot_conversion_rates(rates: ConversionRates, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw measured conversion rates: a point each, its credible interval as a bar.

    With ``by``, each group's points sit side by side and are named in the
    legend.  A conversion nobody has decided yet has no point.
    """
    ax = _axes(ax)
    conversions = list(dict.fromkeys(row.conversion for row in rates.rows))
    groups = list(dict.fromkeys(row.group for row in rates.rows))
    width = 0.6 / max(len(groups), 1)
    kwargs.setdefault("fmt", "o")
    for g, group in enumerate(groups):
        xs, ys, low, high = [], [], [], []
        for row in rates.rows:
            if row.group != group or row.rate is None:
                continue
            rate = float(row.rate)
            xs.append(conversions.index(row.conversion) + (g - (len(groups) - 1) / 2) * width)
            ys.append(rate)
            low.append(rate - row.low if row.low is not None else 0.0)
            high.append(row.high - rate if row.high is not None else 0.0)
        label = "all records" if group is None else f"{rates.by} = {group}"
        ax.errorbar(xs, ys, yerr=[low, high], capsize=3, label=label, **kwargs)
    ax.set_xticks(range(len(conversions)), conversions, rotation=20, ha="right")
    _percent_axis(ax.yaxis)
    ax.set_ylabel(f"conversion rate ({format_percent(rates.level)} interval)")
    if rates.by is not None:
        ax.legend(fontsize=8)
    ax.set_title(f"Conversion rates measured from {format_amount(rates.records)} records")
    return ax


def plot_pipeline(pipeline: Pipeline, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw pipeline created per period, and the pace's target when it has one.

    Bars are the records created each period (stacked by group with
    ``by``); a dashed step line marks the target from a pace.
    """
    ax = _axes(ax)
    periods = list(dict.fromkeys(row.period for row in pipeline.rows))
    groups = list(dict.fromkeys(row.group for row in pipeline.rows))
    bottom = [0.0] * len(periods)
    palette = [COLORS["main"], COLORS["second"], COLORS["good"], COLORS["muted"]]
    for g, group in enumerate(groups):
        heights = [0.0] * len(periods)
        for row in pipeline.rows:
            if row.group == group:
                heights[periods.index(row.period)] += row.created
        label = "created" if group is None else f"{pipeline.by} = {group}"
        ax.bar(
            range(len(periods)),
            heights,
            bottom=bottom,
            color=palette[g % len(palette)],
            label=label,
            **kwargs,
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    # a period without a target is a gap in the line, not a target of zero
    targets = [math.nan] * len(periods)
    paced = False
    for row in pipeline.rows:
        if row.target is not None:
            paced = True
            i = periods.index(row.period)
            targets[i] = float(row.target) + (0.0 if math.isnan(targets[i]) else targets[i])
    if paced:
        ax.step(
            range(len(periods)),
            targets,
            where="mid",
            color=COLORS["quota"],
            linestyle="--",
            label="target from the pace",
        )
    word = {"W": "week", "M": "month", "Q": "quarter"}[pipeline.freq]
    step = max(1, len(periods) // 12)
    ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=30, ha="right")
    ax.set_xlabel(word)
    ax.set_ylabel(f"records created per {word}")
    _amount_axis(ax.yaxis)
    ax.legend(fontsize=8)
    total = sum(row.created for row in pipeline.rows)
    ax.set_title(f"Pipeline created: {format_amount(total)} records over {len(periods)} {word}s")
    return ax


def plot_cycle_days(cycle: CycleDays, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw days from created to won: each group's quartiles as a bar, its median a point.

    A quartile too few deals have reached is left out (no bar, or no point).
    """
    ax = _axes(ax)
    names = [
        ("all" if row.group is None else str(row.group)) + f" ({row.won:,} won)"
        for row in cycle.rows
    ]
    kwargs.setdefault("color", COLORS["second"])
    for i, row in enumerate(cycle.rows):
        if row.q1 is not None and row.q3 is not None:
            ax.barh(i, row.q3 - row.q1, left=row.q1, height=0.5, **kwargs)
        if row.median is not None:
            ax.plot([row.median], [i], "|", color=COLORS["main"], markersize=18, mew=3)
            ax.annotate(
                f"{row.median}",
                (row.median, i),
                xytext=(0, 12),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.set_xlabel("days from created to won (bar: quartiles; mark: median)")
    ax.set_title(f"Cycle time, open records censored at {cycle.as_of}")
    return ax
