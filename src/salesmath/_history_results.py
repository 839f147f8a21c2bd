"""The results :class:`~salesmath.History` gives: measured rates, cycle days, pipeline.

Each is a frozen model that reads as one table (text, HTML, numeric
``to_frame()``) with a one-paragraph ``summary()``.  Counts are whole
numbers, rates exact fractions, interval ends and money sums floats; a value
that does not exist (the rate of a conversion nobody has decided yet) is
None, never NaN.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from salesmath._format import format_amount, format_observed, format_percent
from salesmath._table import Column, Table, TabularModel, plain
from salesmath.numbers import Observed

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ConversionRates", "CycleDays", "CycleRow", "Pipeline", "PipelineRow", "RateRow"]

Group = str | None


def _percent(value: object) -> str:
    return format_percent(value)  # type: ignore[arg-type]


def _amount(value: object) -> str:
    return format_amount(value)  # type: ignore[arg-type]


def _group_word(by: str | None) -> list[Column]:
    return [] if by is None else [Column(by, align="left")]


class RateRow(BaseModel):
    """One measured conversion (of one group): who converted, who decided, who is open.

    ``decided`` counts the records whose outcome at this step is known:
    those that went on (``converted``) and those lost here.  ``open``
    counts the records still sitting at the upper stage; they are left out
    of ``decided`` unless the rates were measured with ``open="lost"``.

    Examples
    --------
    >>> row = RateRow(conversion="demos_to_won", converted=42, decided=100, open=12,
    ...               low=0.34, high=0.5)
    >>> row.rate, row.observed
    (Fraction(21, 50), Observed(42, 100))
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    group: Group = Field(default=None, description="the group's value, with by=")
    conversion: str = Field(description="'<upper>_to_<lower>'")
    converted: int = Field(ge=0, description="records that reached the lower stage")
    decided: int = Field(ge=0, description="records whose outcome at this step is known")
    open: int = Field(ge=0, description="records still open at the upper stage")
    low: float | None = Field(default=None, description="lower end of the interval")
    high: float | None = Field(default=None, description="upper end of the interval")

    @property
    def rate(self) -> Fraction | None:
        """``converted / decided``, exactly; None when nothing was decided."""
        return Fraction(self.converted, self.decided) if self.decided else None

    @property
    def observed(self) -> Observed | None:
        """The measurement as an :class:`~salesmath.Observed`, for a funnel's rates."""
        return Observed(self.converted, self.decided) if self.decided else None


class ConversionRates(TabularModel):
    """Conversion rates measured from history, with credible intervals.

    Made by :meth:`History.rates <salesmath.History.rates>`; ``rows`` holds
    one :class:`RateRow` per conversion (per group with ``by``).  The
    interval is the equal-tailed Jeffreys interval, the quantiles of
    ``Beta(converted + 1/2, decided - converted + 1/2)`` (0 and 1 at the
    ends when nothing or everything converted).

    Examples
    --------
    >>> from salesmath import History
    >>> history = History.from_records([
    ...     {"status": "won", "amount": 900, "created": "2026-01-02", "closed": "2026-02-01"},
    ...     {"status": "lost", "amount": 500, "created": "2026-01-05", "closed": "2026-01-30"},
    ...     {"status": "open", "amount": 700, "created": "2026-01-20", "closed": None},
    ... ], stages=["opps", "won"], outcome="status", won="won", lost="lost",
    ...    amount="amount", created="created", closed="closed")
    >>> rates = history.rates()
    >>> rates
    ConversionRates(conversions=1, rows=1)
    >>> row = rates.rows[0]
    >>> row.converted, row.decided, row.open, row.rate
    (1, 2, 1, Fraction(1, 2))
    """

    stages: tuple[str, ...]
    by: str | None = None
    open: Literal["exclude", "lost"] = "exclude"
    level: float = Field(gt=0, lt=1, default=0.9)
    records: int = Field(ge=0, description="records measured")
    rows: tuple[RateRow, ...]

    def __getitem__(self, conversion: str) -> RateRow:
        """Return the row of `conversion` (without ``by``)."""
        from salesmath.errors import UnknownMetricError

        for row in self.rows:
            if row.conversion == conversion and row.group is None:
                return row
        raise UnknownMetricError(conversion, [row.conversion for row in self.rows], "conversion")

    def observed(self) -> list[Observed | None]:
        """Each conversion's measurement, top to bottom (without ``by``)."""
        return [row.observed for row in self.rows if row.group is None]

    def table(self) -> Table:
        """One row per conversion: rate, counts and the interval."""
        percent = f"{self.level * 100:g}%"
        rows = [
            (
                *(() if self.by is None else (row.group,)),
                row.conversion,
                row.rate,
                row.converted,
                row.decided,
                row.open,
                row.low,
                row.high,
            )
            for row in self.rows
        ]
        columns = [
            *_group_word(self.by),
            Column("conversion", align="left"),
            Column("rate", _percent),
            Column("converted", plain),
            Column("decided", plain),
            Column("open", plain),
            Column(f"{percent} low", _percent),
            Column(f"{percent} high", _percent),
        ]
        how = (
            "open records counted as lost"
            if self.open == "lost"
            else "open records left out of the step where they sit"
        )
        return Table(
            title=f"Conversion rates from {self.records:,} records ({how})",
            columns=columns,
            rows=rows,
        )

    def summary(self) -> str:
        """One paragraph: each rate with its counts and interval, and what was open."""
        parts = []
        undecided = []
        for row in self.rows:
            name = row.conversion if row.group is None else f"{row.conversion} ({row.group})"
            if not row.decided:
                undecided.append(name)
                continue
            parts.append(
                f"{name} {format_observed(row.converted, row.decided)}, "
                f"{self.level * 100:g}% interval {_percent(row.low)} to {_percent(row.high)}"
            )
        text = f"Measured from {self.records:,} records: " + "; ".join(parts) + "."
        if undecided:
            text += f" No record has been decided yet at {', '.join(undecided)}: no rate."
        still_open = sum(row.open for row in self.rows)
        if self.open == "lost":
            text += (
                f" {still_open:,} records still open were counted as lost, as a naive CRM "
                f"report does; the rates are biased low."
            )
        else:
            text += f" {still_open:,} records still open were left out of the step where they sit."
        return text

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the rates with their intervals; return the matplotlib axes (the ``plot`` extra); see :func:`salesmath.plotting.plot_conversion_rates`."""
        from salesmath.plotting import plot_conversion_rates

        return plot_conversion_rates(self, ax, **kwargs)

    def __repr__(self) -> str:
        by = "" if self.by is None else f", by={self.by!r}"
        return f"ConversionRates(conversions={len(self.stages) - 1}, rows={len(self.rows)}{by})"


class CycleRow(BaseModel):
    """Days from created to won of one group: Kaplan–Meier quartiles.

    Examples
    --------
    >>> CycleRow(won=3, open=1, lost=2, q1=10, median=20, q3=None).median
    20
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    group: Group = None
    won: int = Field(ge=0, description="won deals: their days are known")
    open: int = Field(ge=0, description="open records: days censored at as_of")
    lost: int = Field(ge=0, description="lost records: left out")
    q1: int | None = Field(default=None, description="25% of won deals close within this")
    median: int | None = Field(default=None, description="half close within this")
    q3: int | None = Field(default=None, description="75% close within this")


class CycleDays(TabularModel):
    """Days from created to won, with open records censored (Kaplan–Meier).

    Made by :meth:`History.cycle_days <salesmath.History.cycle_days>`.  A
    quartile is None when too few deals have closed to reach it.

    Examples
    --------
    >>> from salesmath import History
    >>> history = History.from_records([
    ...     {"status": "won", "amount": 900, "created": "2026-01-02", "closed": "2026-02-01"},
    ...     {"status": "lost", "amount": 500, "created": "2026-01-05", "closed": "2026-01-30"},
    ...     {"status": "open", "amount": 700, "created": "2026-01-20", "closed": None},
    ... ], stages=["opps", "won"], outcome="status", won="won", lost="lost",
    ...    amount="amount", created="created", closed="closed")
    >>> days = history.cycle_days()
    >>> days
    CycleDays(as_of=2026-02-01, rows=1)
    >>> days.rows[0].median
    30
    """

    by: str | None = None
    as_of: date
    rows: tuple[CycleRow, ...]

    def table(self) -> Table:
        """One row per group: counts and the quartiles of days to win."""
        rows = [
            (
                *(() if self.by is None else (row.group,)),
                *(("all",) if self.by is None else ()),
                row.won,
                row.open,
                row.lost,
                row.q1,
                row.median,
                row.q3,
            )
            for row in self.rows
        ]
        first = (
            Column("records", align="left") if self.by is None else Column(self.by, align="left")
        )
        return Table(
            title=f"Days from created to won (open records censored at {self.as_of})",
            columns=[
                first,
                Column("won", plain),
                Column("open", plain),
                Column("lost", plain),
                Column("q1", plain),
                Column("median", plain),
                Column("q3", plain),
            ],
            rows=rows,
            notes=("Kaplan–Meier estimate; lost records never win and are left out.",),
        )

    def summary(self) -> str:
        """One paragraph: the median and quartiles, and how many were still open."""
        parts = []
        for row in self.rows:
            name = "Deals" if row.group is None else f"In {row.group}, deals"
            if row.median is None:
                parts.append(
                    f"{name}: too few have closed to tell the median ({row.won:,} won, "
                    f"{row.open:,} still open)."
                )
            else:
                parts.append(
                    f"{name} win in a median {row.median} days (quartiles {plain(row.q1)} and "
                    f"{plain(row.q3)}), from {row.won:,} won and {row.open:,} still open as of "
                    f"{self.as_of}."
                )
        return " ".join(parts)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the quartiles of days to win; return the matplotlib axes (the ``plot`` extra); see :func:`salesmath.plotting.plot_cycle_days`."""
        from salesmath.plotting import plot_cycle_days

        return plot_cycle_days(self, ax, **kwargs)

    def __repr__(self) -> str:
        by = "" if self.by is None else f", by={self.by!r}"
        return f"CycleDays(as_of={self.as_of}, rows={len(self.rows)}{by})"


class PipelineRow(BaseModel):
    """One period's cohort: the records created in it and what became of them."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    group: Group = None
    period: str = Field(description="the period's name: 2026-03-02 (week of), 2026-03, 2026Q1")
    start: date = Field(description="the period's first day")
    created: int = Field(ge=0, description="records created")
    value: float = Field(description="their total amount")
    won: int = Field(ge=0)
    lost: int = Field(ge=0)
    open: int = Field(ge=0)
    bookings: float = Field(description="won amount")
    target: int | float | None = Field(default=None, description="created target from a pace")

    @property
    def average(self) -> Fraction | None:
        """Average amount of a created record (over those with an amount)."""
        return None if not self.created else Fraction(self.value) / self.created

    @property
    def win_rate(self) -> Fraction | None:
        """Won among the decided (won or lost) so far."""
        decided = self.won + self.lost
        return Fraction(self.won, decided) if decided else None

    @property
    def conversion(self) -> Fraction | None:
        """Won among all created so far."""
        return Fraction(self.won, self.created) if self.created else None


class Pipeline(TabularModel):
    """Pipeline created per period, and each cohort's outcome so far.

    Made by :meth:`History.pipeline <salesmath.History.pipeline>`.

    Examples
    --------
    >>> from salesmath import History
    >>> history = History.from_records([
    ...     {"status": "won", "amount": 900, "created": "2026-01-02", "closed": "2026-02-01"},
    ...     {"status": "lost", "amount": 500, "created": "2026-01-05", "closed": "2026-01-30"},
    ...     {"status": "open", "amount": 700, "created": "2026-01-20", "closed": None},
    ... ], stages=["opps", "won"], outcome="status", won="won", lost="lost",
    ...    amount="amount", created="created", closed="closed")
    >>> pipeline = history.pipeline("M")
    >>> pipeline
    Pipeline(freq='M', rows=1)
    >>> row = pipeline.rows[0]
    >>> row.period, row.created, row.won, row.lost, row.open
    ('2026-01', 3, 1, 1, 1)
    """

    freq: Literal["W", "M", "Q"]
    by: str | None = None
    rows: tuple[PipelineRow, ...]

    def table(self) -> Table:
        """One row per period (per group): created, value, won, lost, open, bookings."""
        paced = any(row.target is not None for row in self.rows)
        rows = []
        for row in self.rows:
            cells: list[object] = [] if self.by is None else [row.group]
            cells += [
                row.period,
                row.created,
                row.value,
                row.average,
                row.won,
                row.lost,
                row.open,
                row.bookings,
                row.win_rate,
            ]
            if paced:
                gap = None if row.target is None else row.created - Fraction(row.target)
                cells += [row.target, gap]
            rows.append(tuple(cells))
        word = {"W": "week", "M": "month", "Q": "quarter"}[self.freq]
        columns = [
            *_group_word(self.by),
            Column(word, align="left"),
            Column("created", plain),
            Column("value", _amount),
            Column("average", _amount),
            Column("won", plain),
            Column("lost", plain),
            Column("open", plain),
            Column("bookings", _amount),
            Column("win rate", _percent),
        ]
        if paced:
            columns += [Column("target", plain), Column("vs target", plain)]
        return Table(
            title=f"Pipeline created per {word}, and each cohort so far",
            columns=columns,
            rows=rows,
        )

    def summary(self) -> str:
        """One paragraph: how much was created and won, and the periods behind target."""
        created = sum(row.created for row in self.rows)
        won = sum(row.won for row in self.rows)
        text = (
            f"{created:,} records created over {len({row.period for row in self.rows})} "
            f"periods; {won:,} won so far, {sum(row.open for row in self.rows):,} still open."
        )
        behind = [
            row.period for row in self.rows if row.target is not None and row.created < row.target
        ]
        if any(row.target is not None for row in self.rows):
            text += f" {len(behind)} period(s) created fewer than the target" + (
                f": {', '.join(behind[:8])}." if behind else "."
            )
        return text

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw records created per period against the pace; return the matplotlib axes (the ``plot`` extra); see :func:`salesmath.plotting.plot_pipeline`."""
        from salesmath.plotting import plot_pipeline

        return plot_pipeline(self, ax, **kwargs)

    def __repr__(self) -> str:
        by = "" if self.by is None else f", by={self.by!r}"
        return f"Pipeline(freq={self.freq!r}, rows={len(self.rows)}{by})"
