"""What a funnel gives: plans, projections, paces and schedules.

:meth:`Funnel.plan <salesmath.Funnel.plan>` makes a :class:`QuotaPlan`,
:meth:`Funnel.project <salesmath.Funnel.project>` a :class:`Projection`;
a plan splits into a :class:`Pace` (targets per week or month) and a
:class:`Schedule` (the date each stage must be reached by).  Whole counts come
from the exact integer kernel in ``salesmath._core``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Self, overload

from pydantic import Field, computed_field, field_validator, model_validator

from salesmath import _core
from salesmath._format import (
    format_amount,
    format_count,
    format_exact,
    format_percent,
    format_probability,
    format_rate,
    format_times,
)
from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError
from salesmath.funnel import Funnel, Rounding
from salesmath.numbers import (
    Amount,
    Count,
    parse_amount,
    parse_choice,
    parse_date,
    parse_probability,
    parse_whole,
    whole_or_exact,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MAX_PERIODS", "Pace", "Projection", "QuotaPlan", "Schedule"]

PaceRounding = Literal["ceil", "spread", "none"]

MAX_PERIODS: Final = 10_000
"""The most periods a pace splits a plan into (a plan paced by the day for 27 years)."""


def _deals(funnel: Funnel, quota: Fraction) -> int:
    """Whole deals that reach `quota`: ``ceil(quota / deal_size)``, by the exact kernel."""
    _, _, size_num, size_den = funnel._kernel
    deals: int = _core.deals_needed(quota.numerator, quota.denominator, size_num, size_den)
    return deals


def _whole_counts(funnel: Funnel, quota: Fraction) -> dict[str, int]:
    """Whole count per stage that reaches `quota` on average (``rounding="ceil"``)."""
    nums, dens, size_num, size_den = funnel._kernel
    deals = _core.deals_needed(quota.numerator, quota.denominator, size_num, size_den)
    return dict(zip(funnel.stages, _core.required_counts(deals, nums, dens), strict=True))


class QuotaPlan(TabularModel):
    """The count each stage needs to reach a quota.

    Made by :meth:`Funnel.plan`.  ``plan.counts`` maps each stage to its
    count, top to bottom, and ``plan[stage]`` is the same.

    Examples
    --------
    >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
    ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
    >>> plan = funnel.plan(250_000)
    >>> plan["demos"], plan.deals, plan.bookings
    (9, 3, Fraction(252000, 1))
    >>> plan
    QuotaPlan(quota=250000, rounding='ceil', counts={'activities': 750, 'discos': 15, 'demos': 9, 'won': 3})
    >>> print(plan)
    Plan for quota 250,000: 3 deals at 84,000 book 252,000
    stage       count      to next  coverage
    ----------  -----  -----------  --------
    activities    750           2%      250×
    discos         15          60%        5×
    demos           9  1/3 (33.3%)        3×
    won             3            —        1×
    Chance to reach quota from 750 activities: 57.7% (conversions independent, deal size fixed).

    A plan at 90% confidence:

    >>> print(funnel.plan(250_000, confidence=0.9))
    Plan for quota 250,000 at 90% confidence: 3 deals at 84,000 book 252,000
    stage       count      to next  coverage at 90%
    ----------  -----  -----------  ---------------
    activities  1,329           2%          446.54×
    discos         25          60%             8.4×
    demos          15  1/3 (33.3%)            5.04×
    won             3            —            1.01×
    Each stage's count alone wins 3 deals with at least 90% chance.
    Chance to reach quota from 1,329 activities: 90% (conversions independent, deal size fixed).
    """

    funnel: Funnel
    quota: Amount
    rounding: Rounding = "ceil"
    confidence: Annotated[float, Field(gt=0, lt=1)] | None = None

    @field_validator("confidence", mode="before")
    @classmethod
    def _parse_confidence(cls, value: Any) -> float | None:
        return None if value is None else float(parse_probability(value))

    @model_validator(mode="after")
    def _check_confidence(self) -> Self:
        if self.confidence is not None and self.rounding == "none":
            raise ValueError(
                "confidence plans whole counts; it cannot be combined with rounding='none'"
            )
        return self

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def counts(self) -> dict[str, Count]:
        """Count per stage, top to bottom."""
        funnel, quota = self.funnel, self.quota
        if self.rounding == "none":
            counts: list[int | Fraction] = [whole_or_exact(quota / funnel.deal_size)]
            for rate in reversed(funnel.rates):
                counts.append(whole_or_exact(counts[-1] / rate))
            return dict(zip(funnel.stages, reversed(counts), strict=True))
        if self.confidence is not None:
            from salesmath import probability

            deals = _deals(funnel, quota)
            return dict(probability.confidence_counts(funnel, deals, confidence=self.confidence))
        return dict(_whole_counts(funnel, quota))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def deals(self) -> Count:
        """Won deals planned: the count at the last stage."""
        return self.counts[self.funnel.stages[-1]]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bookings(self) -> Amount:
        """Expected bookings of the planned deals: ``deals × deal_size``."""
        return self.deals * self.funnel.deal_size

    def __getitem__(self, stage: str) -> int | Fraction:
        self.funnel.index(stage)
        return self.counts[stage]

    def attainment_probability(self) -> float:
        """Return the chance that the plan's top-stage count reaches the quota.

        See :meth:`Funnel.attainment_probability`: exact, deal size fixed,
        conversions independent.

        Raises
        ------
        InvalidInputError
            For a plan with ``rounding="none"``: expected fractional counts
            have no probability; plan with whole counts.

        Examples
        --------
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
        >>> round(funnel.plan(250_000).attainment_probability(), 3)
        0.577
        >>> funnel.plan(250_000, confidence=0.9).attainment_probability() >= 0.9
        True
        """
        if self.rounding == "none":
            raise InvalidInputError(
                "a plan with rounding='none' has expected fractional counts and no "
                "attainment probability; plan with rounding='ceil' (the default)"
            )
        from salesmath import probability

        top = self.funnel.stages[0]
        return probability.attainment_probability(self.funnel, self.quota, self.counts[top])

    def pace(self, periods: int, *, rounding: str = "spread", unit: str = "period") -> Pace:
        """Split the plan into per-period targets (weeks of a quarter, say).

        Parameters
        ----------
        periods
            How many periods, >= 1 (13 weeks in a quarter).
        rounding
            ``"ceil"`` (default): every period the same whole target, the
            smallest that reaches the plan, so the periods may add up to a
            little more.  ``"spread"``: whole targets that add up to the plan
            exactly, the larger ones first, so that by the end of period k
            at least ``ceil(k × count / periods)`` is done.  ``"none"``: the
            exact share, ``count / periods``.
        unit
            What a period is called in tables (``"week"``).

        Returns
        -------
        Pace

        Examples
        --------
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
        >>> pace = funnel.plan(250_000).pace(13, unit="week")
        >>> pace.targets[0]
        {'activities': 58, 'discos': 2, 'demos': 1, 'won': 1}
        >>> funnel.plan(250_000).pace(13, rounding="spread").totals()
        {'activities': 750, 'discos': 15, 'demos': 9, 'won': 3}
        """
        count = parse_whole(periods, what="periods", minimum=1, maximum=MAX_PERIODS)
        mode = parse_choice(rounding, ("ceil", "spread", "none"), what="rounding")
        return Pace(plan=self, periods=count, rounding=mode, unit=unit)

    @overload
    def per_rep(self, reps: int) -> QuotaPlan: ...

    @overload
    def per_rep(self, reps: Mapping[str, object]) -> dict[str, QuotaPlan]: ...

    def per_rep(self, reps: int | Mapping[str, object]) -> QuotaPlan | dict[str, QuotaPlan]:
        """Split the quota between reps and plan each rep's share.

        Each rep needs whole deals of their own, so the reps' plans together
        may need more than the team plan.

        Parameters
        ----------
        reps
            A number of reps sharing the quota equally, or a mapping of rep
            name to quota weight (their shares are proportional to it).

        Returns
        -------
        QuotaPlan or dict of str to QuotaPlan
            One rep's plan for an equal split; each rep's plan otherwise.

        Examples
        --------
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
        >>> funnel.plan(252_000).per_rep(3).counts
        {'activities': 250, 'discos': 5, 'demos': 3, 'won': 1}
        >>> {rep: p.deals for rep, p in funnel.plan(504_000).per_rep({"ana": 2, "bo": 1}).items()}
        {'ana': 4, 'bo': 2}
        """
        if isinstance(reps, Mapping):
            weights = {
                rep: parse_amount(w, what=f"weight of rep {rep!r}") for rep, w in reps.items()
            }
            total = sum(weights.values(), Fraction(0))
            if total == 0:
                raise InvalidInputError(
                    f"rep weights must add up to more than 0, got {dict(reps)!r}"
                )
            return {rep: self._replan(self.quota * w / total) for rep, w in weights.items()}
        return self._replan(self.quota / parse_whole(reps, what="reps", minimum=1))

    def _replan(self, quota: Fraction) -> QuotaPlan:
        return self.funnel.plan(quota, rounding=self.rounding, confidence=self.confidence)

    def schedule(self, close_by: date | str) -> Schedule:
        """Say by which date each stage's volume must be reached to close by `close_by`.

        Needs a funnel with `days`.  A stage's date is `close_by` minus the
        typical days from that stage to won, rounded up to whole days.

        Parameters
        ----------
        close_by
            The date the deals must close by (a ``date`` or ``"YYYY-MM-DD"``).

        Returns
        -------
        Schedule

        Examples
        --------
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000, days=[14, 7, 30])
        >>> funnel.plan(250_000).schedule("2026-12-31").due["activities"]
        datetime.date(2026, 11, 10)
        """
        self.funnel.days_to_close(self.funnel.stages[0])  # says clearly when there are no days
        return Schedule(plan=self, close_by=parse_date(close_by, what="close_by"))

    def _coverage(self, stage: str) -> Fraction | None:
        """Pipeline value needed at `stage` per unit of quota.

        The funnel's coverage, ``1 / rate(stage, won)``; at a confidence, the
        plan's own count times the deal size over the quota (None for a
        quota of 0), which is higher: that is what the confidence costs.
        """
        if self.confidence is None:
            return self.funnel.coverage(stage)
        if self.quota == 0:
            return None
        return self.counts[stage] * self.funnel.deal_size / self.quota

    def table(self) -> Table:
        """Return the plan as a table: count, rate to next stage and coverage per stage."""
        funnel = self.funnel
        rates: list[Any] = [*funnel._rate_cells(), None]
        rows = [
            (stage, self.counts[stage], rates[i], self._coverage(stage))
            for i, stage in enumerate(funnel.stages)
        ]
        notes = funnel._observed_notes()
        if self.rounding == "none":
            notes.append("Counts are exact expected values (rounding='none').")
        confident = ""
        if self.confidence is not None:
            confident = f" at {format_percent(self.confidence)} confidence"
            notes.append(
                f"Each stage's count alone wins {format_amount(self.deals)} deals with at least "
                f"{format_percent(self.confidence)} chance."
            )
        if self.rounding != "none":
            top = funnel.stages[0]
            uncertain = "" if funnel.observed is None else ", measured rates uncertain"
            notes.append(
                f"Chance to reach quota from {format_amount(self.counts[top])} {top}: "
                f"{format_probability(self.attainment_probability())} "
                f"(conversions independent{uncertain}, deal size fixed)."
            )
        return Table(
            title=(
                f"Plan for quota {format_amount(self.quota)}{confident}: "
                f"{format_amount(self.deals)} deals "
                f"at {format_amount(funnel.deal_size)} book {format_amount(self.bookings)}"
            ),
            columns=(
                Column("stage", align="left"),
                Column("count", format_count),
                Column("to next", format_rate),
                Column(
                    "coverage"
                    if self.confidence is None
                    else f"coverage at {format_percent(self.confidence)}",
                    format_times,
                ),
            ),
            rows=rows,
            notes=notes,
        )

    def summary(self) -> str:
        """Return the plan in one plain-language paragraph.

        Examples
        --------
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
        >>> print(funnel.plan(250_000).summary())
        To book 250,000 at 84,000 a deal takes 3 won deals: 9 demos, 15 discos and 750 activities. From 750 activities the chance of reaching quota is 57.7% (conversions independent, deal size fixed).
        """
        funnel, counts = self.funnel, self.counts
        above = [f"{format_count(counts[s])} {s}" for s in reversed(funnel.stages[:-1])]
        listed = ", ".join(above[:-1]) + f" and {above[-1]}" if len(above) > 1 else above[0]
        how = (
            ""
            if self.confidence is None
            else f", each at {format_percent(self.confidence)} confidence"
        )
        text = (
            f"To book {format_amount(self.quota)} at {format_amount(funnel.deal_size)} a deal "
            f"takes {format_count(self.deals)} won deals{how}: {listed}."
        )
        if self.rounding == "none":
            return text + " These are exact expected counts (rounding='none')."
        top = funnel.stages[0]
        uncertain = "" if funnel.observed is None else ", measured rates uncertain"
        return text + (
            f" From {format_count(counts[top])} {top} the chance of reaching quota is "
            f"{format_probability(self.attainment_probability())} "
            f"(conversions independent{uncertain}, deal size fixed)."
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the plan as a funnel; return the matplotlib axes (the ``plot`` extra); see :func:`salesmath.plotting.plot_quota_plan`."""
        from salesmath.plotting import plot_quota_plan

        return plot_quota_plan(self, ax, **kwargs)

    def __repr__(self) -> str:
        counts = ", ".join(f"{s!r}: {format_exact(c)}" for s, c in self.counts.items())
        confidence = "" if self.confidence is None else f"confidence={self.confidence}, "
        return (
            f"QuotaPlan(quota={format_exact(self.quota)}, rounding={self.rounding!r}, "
            f"{confidence}counts={{{counts}}})"
        )


class Projection(TabularModel):
    """What a volume entering the funnel at a stage is expected to give.

    Made by :meth:`Funnel.project`.  ``counts`` are exact expected counts at
    `stage` and every stage below it.

    Examples
    --------
    >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=84_000)
    >>> funnel.project(10)
    Projection(volume=10, stage='discos', counts={'discos': 10, 'demos': 6, 'won': 2}, bookings=168000)
    """

    funnel: Funnel
    volume: Amount
    stage: str

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def counts(self) -> dict[str, Count]:
        """Expected count at `stage` and below, top to bottom."""
        start = self.funnel.index(self.stage)
        return {
            lower: whole_or_exact(self.volume * self.funnel.rate(self.stage, lower))
            for lower in self.funnel.stages[start:]
        }

    @computed_field  # type: ignore[prop-decorator]
    @property
    def deals(self) -> Count:
        """Expected won deals."""
        return self.counts[self.funnel.stages[-1]]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bookings(self) -> Amount:
        """Expected bookings: expected deals × deal size."""
        return self.deals * self.funnel.deal_size

    def __getitem__(self, stage: str) -> int | Fraction:
        if self.funnel.index(stage) < self.funnel.index(self.stage):
            raise InvalidInputError(
                f"stage {stage!r} is above {self.stage!r}, where this projection starts"
            )
        return self.counts[stage]

    def table(self) -> Table:
        """Return the projection as a table of expected counts."""
        return Table(
            title=(
                f"Projection of {format_amount(self.volume)} {self.stage}: "
                f"{format_amount(self.deals)} deals expected, bookings {format_amount(self.bookings)}"
            ),
            columns=(Column("stage", align="left"), Column("expected", format_count)),
            rows=list(self.counts.items()),
        )

    def plot(self, ax: Axes | None = None, *, quota: object = None, **kwargs: Any) -> Axes:
        """Draw the bookings this may bring, against `quota`; return the matplotlib axes (the ``plot`` extra); see :func:`salesmath.plotting.plot_projection`."""
        from salesmath.plotting import plot_projection

        return plot_projection(self, ax, quota=quota, **kwargs)

    def __repr__(self) -> str:
        counts = ", ".join(f"{s!r}: {format_exact(c)}" for s, c in self.counts.items())
        return (
            f"Projection(volume={format_exact(self.volume)}, stage={self.stage!r}, "
            f"counts={{{counts}}}, bookings={format_exact(self.bookings)})"
        )


class Pace(TabularModel):
    """A plan split into per-period targets.  Made by :meth:`QuotaPlan.pace`.

    Examples
    --------
    >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=84_000)
    >>> print(funnel.plan(250_000).pace(4, rounding="spread", unit="week"))
    Pace of quota 250,000 over 4 weeks (rounding='spread')
    week   discos  demos  won
    -----  ------  -----  ---
    1           4      3    1
    2           4      2    1
    3           4      2    1
    4           3      2    0
    total      15      9    3
    """

    plan: QuotaPlan
    periods: Annotated[int, Field(ge=1)]
    rounding: PaceRounding = "spread"
    unit: str = "period"

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def targets(self) -> list[dict[str, Count]]:
        """Per period, the target at each stage."""
        n = self.periods
        columns: dict[str, list[int | Fraction]] = {}
        for stage, count in self.plan.counts.items():
            share = Fraction(count) / n
            if self.rounding == "ceil":
                columns[stage] = [math.ceil(share)] * n
            elif self.rounding == "spread" and isinstance(count, int):
                columns[stage] = [int(t) for t in _core.spread(count, n)]
            elif self.rounding == "spread":  # an expected count: ceil(k × count / n) done by k
                done = [math.ceil(share * k) for k in range(n + 1)]
                columns[stage] = [done[k + 1] - done[k] for k in range(n)]
            else:
                columns[stage] = [whole_or_exact(share)] * n
        return [{stage: values[k] for stage, values in columns.items()} for k in range(n)]

    @property
    def _confidence(self) -> str:
        confidence = self.plan.confidence
        return "" if confidence is None else f" at {format_percent(confidence)} confidence"

    def totals(self) -> dict[str, int | Fraction]:
        """Add up the targets over all periods, per stage."""
        return {
            stage: whole_or_exact(sum((Fraction(t[stage]) for t in self.targets), Fraction(0)))
            for stage in self.plan.counts
        }

    def table(self) -> Table:
        """Return one row per period and a total row."""
        stages = list(self.plan.counts)
        rows: list[tuple[Any, ...]] = [
            (str(k + 1), *(t[s] for s in stages)) for k, t in enumerate(self.targets)
        ]
        rows.append(("total", *self.totals().values()))
        return Table(
            title=(
                f"Pace of quota {format_amount(self.plan.quota)}{self._confidence} "
                f"over {self.periods} "
                f"{self.unit}s (rounding={self.rounding!r})"
            ),
            columns=(Column(self.unit, align="left"), *(Column(s, format_count) for s in stages)),
            rows=rows,
        )

    def plot(self, ax: Axes | None = None, *, stage: str | None = None, **kwargs: Any) -> Axes:
        """Draw each period's target at `stage` (the top by default); return the matplotlib axes (the ``plot`` extra); see :func:`salesmath.plotting.plot_pace`."""
        from salesmath.plotting import plot_pace

        return plot_pace(self, ax, stage=stage, **kwargs)

    def __repr__(self) -> str:
        first = ", ".join(f"{s!r}: {format_exact(c)}" for s, c in self.targets[0].items())
        return f"Pace(periods={self.periods}, rounding={self.rounding!r}, first={{{first}}})"


class Schedule(TabularModel):
    """The date by which each stage's volume must be reached to close in time.

    Made by :meth:`QuotaPlan.schedule`.

    Examples
    --------
    >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"],
    ...                 deal_size=84_000, days=[7, 30])
    >>> print(funnel.plan(250_000).schedule("2026-12-31"))
    Schedule to close 3 deals by 2026-12-31
    stage   count  reach by    days before close
    ------  -----  ----------  -----------------
    discos     15  2026-11-24                 37
    demos       9  2026-12-01                 30
    won         3  2026-12-31                  0
    """

    plan: QuotaPlan
    close_by: date

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def due(self) -> dict[str, date]:
        """Per stage, the date by which its count must be reached."""
        return {s: self.close_by - timedelta(days=d) for s, d in self._lead_days().items()}

    def _lead_days(self) -> dict[str, int]:
        funnel = self.plan.funnel
        return {s: math.ceil(funnel.days_to_close(s)) for s in funnel.stages}

    def table(self) -> Table:
        """Return one row per stage: count, date and days before close."""
        lead = self._lead_days()
        return Table(
            title=f"Schedule to close {format_amount(self.plan.deals)} deals by {self.close_by}",
            columns=(
                Column("stage", align="left"),
                Column("count", format_count),
                Column("reach by", align="left"),
                Column("days before close"),
            ),
            rows=[(s, self.plan.counts[s], self.due[s], lead[s]) for s in self.due],
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the schedule as a timeline: each stage's date, its count, the close date.

        See :func:`salesmath.plotting.plot_schedule`; needs the ``plot``
        extra (matplotlib).

        Parameters
        ----------
        ax
            The axes to draw on; a new figure when None.
        **kwargs
            Passed to :meth:`~matplotlib.axes.Axes.barh`.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on, stages top to bottom, dates on the x axis.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"],
        ...                 deal_size=84_000, days=[7, 30])
        >>> ax = funnel.plan(250_000).schedule("2026-12-31").plot()
        >>> [tick.get_text() for tick in ax.get_yticklabels()], ax.texts[0].get_text()
        (['discos', 'demos', 'won'], '15 by 2026-11-24')
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from salesmath.plotting import plot_schedule

        return plot_schedule(self, ax, **kwargs)

    def __repr__(self) -> str:
        due = ", ".join(f"{s!r}: '{d.isoformat()}'" for s, d in self.due.items())
        return f"Schedule(close_by='{self.close_by.isoformat()}', due={{{due}}})"
