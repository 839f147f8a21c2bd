"""The funnel: stages, conversion rates and deal size, and the plans it gives.

A :class:`Funnel` is the sales leader's "equation to hit quota": an ordered
list of stages, top to bottom, the last being won deals; a conversion rate
between each pair of consecutive stages; and the average value of a won deal.
:meth:`Funnel.plan` inverts a quota into the count each stage needs,
:meth:`Funnel.project` runs the funnel forward from a volume.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from functools import cached_property
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, overload

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from salesmath._format import format_amount, format_exact, format_rate, format_times
from salesmath._stages import check_stage_names, conversion_names
from salesmath._table import Column, Table, TabularModel, plain
from salesmath.errors import InvalidInputError, UnknownStageError
from salesmath.numbers import (
    Amount,
    Observed,
    PositiveAmount,
    Rate,
    as_observed,
    parse_amount,
    parse_choice,
    parse_list,
    parse_probability,
    parse_rate,
    whole_or_exact,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from numpy.typing import NDArray

    from salesmath.batch import BatchPlan
    from salesmath.plans import Projection, QuotaPlan
    from salesmath.probability import Simulation

__all__ = ["Funnel", "Rounding", "check_stage_names", "sales_velocity"]

Rounding = Literal["ceil", "none"]


def sales_velocity(
    opportunities: object, win_rate: object, deal_size: object, cycle_days: object
) -> Fraction:
    """Return sales velocity: money booked per day by a pipeline.

    The standard formula: ``opportunities × win_rate × deal_size ÷ cycle_days``.

    Parameters
    ----------
    opportunities
        Open opportunities in the pipeline (>= 0).
    win_rate
        The share of them that close, in (0, 1], in any form a rate accepts.
    deal_size
        Average value of a won deal (> 0).
    cycle_days
        Average days from opportunity to close (> 0).

    Returns
    -------
    Fraction
        Bookings per day, exactly.

    Raises
    ------
    InvalidInputError
        If an argument is out of range.

    Examples
    --------
    >>> sales_velocity(30, "25%", 20_000, 60)
    Fraction(2500, 1)
    """
    return (
        parse_amount(opportunities, what="opportunities")
        * parse_rate(win_rate, what="win_rate")
        * parse_amount(deal_size, what="deal_size", positive=True)
        / parse_amount(cycle_days, what="cycle_days", positive=True)
    )


_PLANS: list[ModuleType] = []


def _plans() -> ModuleType:
    """Return ``salesmath.plans``, imported on first use (it imports this module)."""
    if not _PLANS:
        from salesmath import plans

        _PLANS.append(plans)
    return _PLANS[0]


def _observed_rate(observed: Observed, *, what: str) -> Fraction:
    """Return the rate a funnel plans with for a measured rate: successes / trials, if > 0."""
    if observed.successes == 0:
        raise InvalidInputError(
            f"{what} measured as {observed} is 0, and a funnel needs every rate > 0; "
            f"wait for a first conversion or give an assumed rate such as '1 in 20'"
        )
    return observed.rate


class Funnel(TabularModel):
    """A sales funnel: stages top to bottom, conversion rates and deal size.

    Parameters
    ----------
    stages
        At least two unique, non-empty stage names, top to bottom; the last
        stage is won deals.  The names are the user's own.
    rates
        One fewer than `stages`; ``rates[i]`` converts ``stages[i]`` into
        ``stages[i + 1]``.  Each is in (0, 1] and may be a number, a
        ``Fraction``, a ``Decimal`` or a string (``"60%"``, ``"0.6"``,
        ``"1/3"``, ``"1 in 50"``); a float means its shortest decimal reading.
        A rate measured on few deals may be given as what was seen,
        ``"3 of 9"`` or ``Observed(3, 9)``: the funnel plans with 3/9 and
        probabilities treat the rate as uncertain (see :class:`Observed`).
    deal_size
        Average value of a won deal, > 0.
    days
        Optional: one per rate, the typical days from ``stages[i]`` to
        ``stages[i + 1]``.  Needed for schedules and velocity.
    observed
        Optional: one per rate, the :class:`Observed` measurement behind it,
        or None for a rate taken as exact.  Filled in from ``"3 of 9"``
        rates; left out of JSON when there is none.

    Examples
    --------
    The worked example from the sales-math AMA:

    >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
    ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
    >>> funnel.plan(250_000).counts
    {'activities': 750, 'discos': 15, 'demos': 9, 'won': 3}
    >>> funnel.rate("activities", "won")
    Fraction(1, 250)
    >>> funnel
    Funnel(stages=['activities', 'discos', 'demos', 'won'], rates=['0.02', '0.6', '1/3'], deal_size=84000)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    stages: tuple[str, ...] = Field(
        min_length=2, description="stage names, top to bottom; the last is won deals"
    )
    rates: tuple[Rate, ...] = Field(
        description="rates[i] converts stages[i] into stages[i + 1]; one fewer than stages"
    )
    deal_size: PositiveAmount = Field(description="average value of a won deal")
    days: tuple[Amount, ...] | None = Field(
        default=None, description="optional: typical days from stages[i] to stages[i + 1]"
    )
    observed: tuple[Observed | None, ...] | None = Field(
        default=None,
        description=(
            "optional: for each rate measured as successes of trials, that measurement "
            "(null for a rate taken as exact)"
        ),
        exclude_if=lambda value: value is None,
    )

    @model_validator(mode="before")
    @classmethod
    def _take_observed(cls, data: Any) -> Any:
        """Move measured rates ("3 of 9") into `observed`, keeping their rate in `rates`."""
        if not isinstance(data, Mapping):
            return data
        rates = data.get("rates")
        if isinstance(rates, str | bytes | Mapping) or not isinstance(rates, Iterable):
            return data
        items = list(rates)
        seen = [as_observed(item, what=f"rates[{i}]") for i, item in enumerate(items)]
        if all(entry is None for entry in seen):
            return {**data, "rates": items}
        if data.get("observed") is not None:
            raise ValueError(
                "give each measured rate once: as '3 of 9' in rates, or in observed, not both"
            )
        rates = [item if entry is None else entry for item, entry in zip(items, seen, strict=True)]
        return {**data, "rates": rates, "observed": seen}

    @field_validator("stages")
    @classmethod
    def _check_stages(cls, stages: tuple[str, ...]) -> tuple[str, ...]:
        return check_stage_names(stages)

    @classmethod
    def _per_conversion(cls, value: Any, info: ValidationInfo, *, what: str) -> list[Any]:
        """Check that `value` is a list with one entry per conversion."""
        items = parse_list(value, what=what)
        stages = info.data.get("stages")
        if stages is not None and len(items) != len(stages) - 1:
            raise ValueError(
                f"{what} must have one entry per conversion: {len(stages)} stages need "
                f"{len(stages) - 1}, got {len(items)} ({items!r})"
            )
        return items

    @field_validator("rates", mode="before")
    @classmethod
    def _parse_rates(cls, value: Any, info: ValidationInfo) -> list[Fraction]:
        items = cls._per_conversion(value, info, what="rates")
        stages = info.data.get("stages")
        names = (
            [f"rate from {stages[i]!r} to {stages[i + 1]!r}" for i in range(len(items))]
            if stages is not None
            else [f"rates[{i}]" for i in range(len(items))]
        )
        return [
            _observed_rate(item, what=name)
            if isinstance(item, Observed)
            else parse_rate(item, what=name)
            for item, name in zip(items, names, strict=True)
        ]

    @field_validator("days", mode="before")
    @classmethod
    def _parse_days(cls, value: Any, info: ValidationInfo) -> list[Fraction] | None:
        if value is None:
            return None
        items = cls._per_conversion(value, info, what="days")
        return [parse_amount(item, what=f"days[{i}]") for i, item in enumerate(items)]

    @field_validator("observed")
    @classmethod
    def _check_observed(
        cls, value: tuple[Observed | None, ...] | None, info: ValidationInfo
    ) -> tuple[Observed | None, ...] | None:
        if value is None or all(entry is None for entry in value):
            return None
        rates = info.data.get("rates")
        if rates is None:
            return value
        if len(value) != len(rates):
            raise ValueError(
                f"observed must have one entry per rate: {len(rates)} rates, "
                f"got {len(value)} ({list(value)!r})"
            )
        for i, (entry, rate) in enumerate(zip(value, rates, strict=True)):
            if entry is not None and entry.rate != rate:
                raise ValueError(
                    f"observed[{i}] is {entry} ({format_exact(entry.rate)}) but rates[{i}] is "
                    f"{format_exact(rate)}; give the rate as '{entry}' alone"
                )
        return value

    # -- lookups ---------------------------------------------------------------

    def index(self, stage: str) -> int:
        """Return the position of `stage`, top = 0.

        Raises
        ------
        UnknownStageError
            If the funnel has no such stage.

        Examples
        --------
        >>> Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=1).index("won")
        1
        """
        try:
            return self.stages.index(stage)
        except ValueError:
            raise UnknownStageError(stage, self.stages) from None

    @property
    def conversions(self) -> tuple[str, ...]:
        """The conversion names, ``"<upper>_to_<lower>"``, top to bottom.

        Examples
        --------
        >>> Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=1).conversions
        ('discos_to_demos', 'demos_to_won')
        """
        return conversion_names(self.stages)

    @cached_property
    def _kernel(self) -> tuple[tuple[int, ...], tuple[int, ...], int, int]:
        """The rates and deal size as integers for the exact kernel: nums, dens, size."""
        return (
            tuple(rate.numerator for rate in self.rates),
            tuple(rate.denominator for rate in self.rates),
            self.deal_size.numerator,
            self.deal_size.denominator,
        )

    def _rate_cells(self) -> list[Fraction | Observed]:
        """Each rate as a table shows it: the measurement when there is one."""
        observed = self.observed or (None,) * len(self.rates)
        return [r if seen is None else seen for r, seen in zip(self.rates, observed, strict=True)]

    @property
    def cycle_days(self) -> Fraction | None:
        """Typical days from the top stage to won, or None without `days`."""
        return None if self.days is None else sum(self.days, Fraction(0))

    def rate(self, upper: str, lower: str) -> Fraction:
        """Return the overall conversion from stage `upper` to stage `lower`.

        It is the product of the rates in between; a stage converts into
        itself at 1.

        Raises
        ------
        UnknownStageError
            If either stage is not in the funnel.
        InvalidInputError
            If `lower` is above `upper`.

        Examples
        --------
        >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=1)
        >>> funnel.rate("discos", "won")
        Fraction(1, 5)
        """
        top, bottom = self.index(upper), self.index(lower)
        if bottom < top:
            raise InvalidInputError(
                f"rate({upper!r}, {lower!r}): {lower!r} is above {upper!r}; "
                f"pass the upper stage first: rate({lower!r}, {upper!r})"
            )
        return math.prod(self.rates[top:bottom], start=Fraction(1))

    def coverage(self, stage: str) -> Fraction:
        """Return the pipeline value needed at `stage` per unit of quota.

        Pipeline value at a stage is its count times the deal size; to book
        one unit of quota it must be ``1 / rate(stage, won)``: with a 1/3
        close rate from demos, demo pipeline must cover quota 3 times.

        Examples
        --------
        >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=1)
        >>> funnel.coverage("demos"), funnel.coverage("discos")
        (Fraction(3, 1), Fraction(5, 1))
        """
        return 1 / self.rate(stage, self.stages[-1])

    def days_to_close(self, stage: str) -> Fraction:
        """Return the typical days from `stage` to a won deal.

        Raises
        ------
        InvalidInputError
            If the funnel has no `days`.

        Examples
        --------
        >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "1/3"],
        ...                 deal_size=1, days=[7, 21])
        >>> funnel.days_to_close("discos")
        Fraction(28, 1)
        """
        start = self.index(stage)
        if self.days is None:
            raise InvalidInputError(
                "this funnel has no days; give Funnel(..., days=[...]) with the typical "
                "days of each conversion to get schedules and velocity"
            )
        return sum(self.days[start:], Fraction(0))

    # -- calculations ----------------------------------------------------------

    @overload
    def plan(  # type: ignore[overload-overlap]
        self,
        quota: NDArray[Any] | pd.Series[Any],
        *,
        rounding: Rounding = "ceil",
        confidence: float | str | None = None,
    ) -> BatchPlan: ...

    @overload
    def plan(
        self, quota: object, *, rounding: Rounding = "ceil", confidence: float | str | None = None
    ) -> QuotaPlan: ...

    def plan(
        self, quota: object, *, rounding: Rounding = "ceil", confidence: float | str | None = None
    ) -> QuotaPlan | BatchPlan:
        """Invert a quota into the count each stage needs.

        Parameters
        ----------
        quota
            Bookings to reach, >= 0 (a quota of 0 needs nothing).  A numpy
            array (or data frame column) of quotas plans every one at once
            and returns a :class:`~salesmath.batch.BatchPlan` whose
            ``counts[stage]`` are int64 arrays, each row equal to the plan of
            its quota alone.
        rounding
            ``"ceil"`` (default): whole counts, each the smallest whole number
            whose expected conversion covers the stage below, starting from
            ``deals = ceil(quota / deal_size)``.  ``"none"``: the exact
            expected (fractional) counts.
        confidence
            A probability in (0, 1) (``0.9`` or ``"90%"``): each stage's count
            is the smallest n with P(at least the needed deals won | n at that
            stage) >= `confidence`, each unit converting independently
            (binomial; beta-binomial for measured rates).  Needs
            ``rounding="ceil"``.  See "How sure is your plan?" in the docs.

        Returns
        -------
        QuotaPlan or BatchPlan
            A :class:`~salesmath.QuotaPlan` for one quota, a
            :class:`~salesmath.batch.BatchPlan` for an array of them.

        Raises
        ------
        InvalidInputError
            If `quota` is negative or not a finite number (for an array: the
            first such row, by its index), `rounding` is not one of the
            choices, `confidence` is not a probability in (0, 1) or comes
            with ``rounding="none"``, or no count reaches it.

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> funnel.plan(21_000).counts
        {'demos': 60, 'won': 21}
        >>> funnel.plan(1000, rounding="none").counts
        {'demos': Fraction(20, 7), 'won': 1}
        >>> funnel.plan(21_000, confidence=0.9).counts
        {'demos': 74, 'won': 21}
        >>> import numpy as np
        >>> funnel.plan(np.array([21_000, 1_000, 0])).counts["demos"]
        array([60,  3,  0])
        """
        if hasattr(quota, "__array__") and getattr(quota, "ndim", 1) != 0:
            from salesmath import batch

            mode = parse_choice(rounding, ("ceil", "none"), what="rounding")
            if mode == "none":
                raise InvalidInputError(
                    "rounding='none' gives exact fractional counts for one quota at a time; "
                    "an array of quotas plans whole counts: leave rounding out"
                )
            return batch.plan_funnel(self, quota, confidence=confidence)
        plans = _plans()
        amount = parse_amount(quota, what="quota")
        mode = parse_choice(rounding, ("ceil", "none"), what="rounding")
        if confidence is None:
            # every value is read: build the plan without reading them again
            cached = {"counts": plans._whole_counts(self, amount)} if mode == "ceil" else None
            single: QuotaPlan = plans.QuotaPlan.trusted(
                cached, funnel=self, quota=amount, rounding=mode, confidence=None
            )
            return single
        chance = float(parse_probability(confidence))
        if mode == "none":
            raise InvalidInputError(
                "confidence= plans whole counts; it cannot be combined with rounding='none' "
                "(expected fractional counts): leave rounding out"
            )
        plan: QuotaPlan = plans.QuotaPlan.trusted(
            funnel=self, quota=amount, rounding=mode, confidence=chance
        )
        plan.counts  # noqa: B018 - a confidence no count reaches says so here, not later
        return plan

    def project(self, volume: object, *, stage: str | None = None) -> Projection:
        """Run the funnel forward: what `volume` at `stage` is expected to give.

        Parameters
        ----------
        volume
            Count at `stage`, >= 0.
        stage
            Where the volume enters; the top stage by default.

        Returns
        -------
        Projection
            Expected counts at `stage` and below, and expected bookings.

        Examples
        --------
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
        >>> projection = funnel.project(750)
        >>> projection.counts, projection.bookings
        ({'activities': 750, 'discos': 15, 'demos': 9, 'won': 3}, Fraction(252000, 1))
        """
        from salesmath.plans import Projection

        amount = parse_amount(volume, what="volume")
        start = self.stages[0] if stage is None else self.stages[self.index(stage)]
        return Projection.trusted(funnel=self, volume=amount, stage=start)

    def attainment_probability(
        self, quota: object, volume: object, *, stage: str | None = None
    ) -> float:
        """Return the chance that `volume` at `stage` books at least `quota`.

        Exact, deal size fixed: P(at least ``ceil(quota / deal_size)`` deals
        won), each unit converting independently with its stage's rate
        (binomial), a measured rate (``"3 of 9"``) being uncertain
        (beta-binomial, see :class:`Observed`).

        Parameters
        ----------
        quota
            Bookings to reach, >= 0.
        volume
            Whole count at `stage`, >= 0.
        stage
            Where the volume enters; the top stage by default.

        Returns
        -------
        float
            A probability from 0 to 1.

        Raises
        ------
        InvalidInputError
            If `quota` is not an amount >= 0 or `volume` not a whole number >= 0.

        Examples
        --------
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
        >>> round(funnel.attainment_probability(250_000, 750), 3)
        0.577
        >>> round(funnel.attainment_probability(250_000, 9, stage="demos"), 3)
        0.623
        """
        from salesmath import probability

        return probability.attainment_probability(self, quota, volume, stage=stage)

    def simulate(
        self,
        volume: object,
        *,
        stage: str | None = None,
        draws: int = 100_000,
        seed: int | None = None,
        deal_size_cv: object = 0.0,
        deal_sizes: Iterable[object] | None = None,
    ) -> Simulation:
        """Simulate the bookings `volume` at `stage` brings, over many periods.

        Each draw converts the volume unit by unit (binomial; a measured rate
        first draws its value from its Beta posterior) and gives each won
        deal a size.  Vectorised: a million draws take a fraction of a second.

        Parameters
        ----------
        volume
            Whole count at `stage`, >= 0.
        stage
            Where the volume enters; the top stage by default.
        draws
            How many periods to simulate, >= 1.
        seed
            The same seed gives the same draws (with the same numpy); None
            draws a fresh one, kept in ``simulation.seed``.
        deal_size_cv
            Coefficient of variation of the deal size, >= 0: sizes are
            lognormal with the funnel's deal size as mean.  0 (default)
            keeps every deal at the funnel's deal size.
        deal_sizes
            Past deal sizes (> 0) to draw each deal's size from, with
            replacement, instead of a lognormal.

        Returns
        -------
        Simulation
            ``.bookings`` (one per draw), ``.attainment_probability(quota)``,
            ``.quantile(q)``.

        Raises
        ------
        InvalidInputError
            If `draws` < 1, `deal_size_cv` < 0, `deal_sizes` is empty or comes
            with a `deal_size_cv`, or `volume` is not a whole number >= 0.

        Examples
        --------
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
        >>> simulation = funnel.simulate(750, seed=1, deal_size_cv=0.5)
        >>> round(simulation.attainment_probability(250_000), 2)
        0.45
        >>> funnel.simulate(9, stage="demos", seed=1, deal_sizes=[60_000, 90_000]).quantile(0.5)
        210000.0
        """
        from salesmath import probability

        return probability.simulate(
            self,
            volume,
            stage=stage,
            draws=draws,
            seed=seed,
            deal_size_cv=deal_size_cv,
            deal_sizes=deal_sizes,
        )

    def velocity(self, volume: object, *, stage: str | None = None) -> Fraction:
        """Return the sales velocity of `volume` open at `stage`, per day.

        ``volume × rate(stage, won) × deal_size ÷ days_to_close(stage)``; see
        :func:`sales_velocity`.

        Examples
        --------
        >>> funnel = Funnel(stages=["opps", "won"], rates=["25%"], deal_size=20_000, days=[60])
        >>> funnel.velocity(30)
        Fraction(2500, 1)
        """
        start = self.stages[0] if stage is None else stage
        return sales_velocity(
            volume, self.rate(start, self.stages[-1]), self.deal_size, self.days_to_close(start)
        )

    # -- reading ---------------------------------------------------------------

    def table(self) -> Table:
        """Return the funnel as a table: each stage's rate to the next, days and coverage."""
        rows = []
        rates = self._rate_cells()
        for i, stage in enumerate(self.stages):
            last = i == len(self.rates)
            rate = None if last else rates[i]
            days = None if last or self.days is None else self.days[i]
            rows.append((stage, rate, days, self.coverage(stage)))
        return Table(
            title=f"Funnel, deal size {format_amount(self.deal_size)}",
            columns=(
                Column("stage", align="left"),
                Column("to next", format_rate),
                Column("days", plain),
                Column("coverage", format_times),
            ),
            rows=rows,
            notes=self._observed_notes(),
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the conversion path: one bar per conversion, its rate.

        Each bar is labelled as the table writes the rate; a measured rate
        (``"150 of 310"``) also shows its 90% credible interval.  A plan's
        picture shows the counts the rates ask for.  See
        :func:`salesmath.plotting.plot_funnel`; needs the ``plot`` extra
        (matplotlib).

        Parameters
        ----------
        ax
            The axes to draw on; a new figure when None.
        **kwargs
            Passed to :meth:`~matplotlib.axes.Axes.barh`.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on, the top conversion on top.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> funnel = Funnel(stages=["discos", "demos", "won"], rates=["60%", "150 of 310"],
        ...                 deal_size=84_000)
        >>> ax = funnel.plot()
        >>> [tick.get_text() for tick in ax.get_yticklabels()]
        ['discos_to_demos', 'demos_to_won']
        >>> [text.get_text() for text in ax.texts]
        ['60%', '150 of 310 (48.4%)']
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from salesmath.plotting import plot_funnel

        return plot_funnel(self, ax, **kwargs)

    def _observed_notes(self) -> list[str]:
        """One note per measured rate: what was seen and the posterior used for chances."""
        if self.observed is None:
            return []
        return [
            f"{name} measured as {seen.successes:,} of {seen.trials:,}: uncertain, "
            f"Beta({seen.posterior[0]:,}, {seen.posterior[1]:,}) (uniform prior) in probabilities."
            for name, seen in zip(self.conversions, self.observed, strict=True)
            if seen is not None
        ]

    def __repr__(self) -> str:
        observed = self.observed or (None,) * len(self.rates)
        rates = [
            format_exact(rate) if seen is None else str(seen)
            for rate, seen in zip(self.rates, observed, strict=True)
        ]
        days = "" if self.days is None else f", days={[whole_or_exact(d) for d in self.days]}"
        return (
            f"Funnel(stages={list(self.stages)}, rates={rates}, "
            f"deal_size={format_exact(self.deal_size)}{days})"
        )
