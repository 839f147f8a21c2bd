"""The funnel: stages, conversion rates and deal size, and the plans it gives.

A :class:`Funnel` is the sales leader's "equation to hit quota": an ordered
list of stages, top to bottom, the last being won deals; a conversion rate
between each pair of consecutive stages; and the average value of a won deal.
:meth:`Funnel.plan` inverts a quota into the count each stage needs,
:meth:`Funnel.project` runs the funnel forward from a volume.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any, Literal, Self, overload

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from salesmath import probability
from salesmath._table import Column, Table, TabularModel, plain
from salesmath.errors import InvalidInputError, UnknownStageError
from salesmath.probability import Observed, Simulation
from salesmath.rates import (
    Amount,
    Count,
    PositiveAmount,
    Rate,
    format_amount,
    format_exact,
    format_rate,
    parse_amount,
    parse_rate,
)

__all__ = ["Funnel", "Pace", "Projection", "QuotaPlan", "Schedule", "sales_velocity"]

Rounding = Literal["ceil", "none"]
PaceRounding = Literal["ceil", "spread", "none"]


def _choice(value: object, choices: tuple[str, ...], *, what: str) -> str:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise InvalidInputError(f"{what} must be one of {options}, got {value!r}")
    return str(value)


def check_stage_names(stages: Sequence[str], *, reserved: Collection[str] = ()) -> tuple[str, ...]:
    """Check stage names: non-empty, none `reserved`, and one vocabulary.

    Stage names and the conversion names ``"<upper>_to_<lower>"`` made from
    them must all differ, so that every name means one thing.  Used by
    :class:`Funnel` and :class:`~salesmath.Team`.

    Raises
    ------
    ValueError
        Naming the first name that breaks a rule.

    Examples
    --------
    >>> check_stage_names(["a", "b", "a_to_b"])
    Traceback (most recent call last):
    ...
    ValueError: stage and conversion names must be unique, got 'a_to_b' twice in stages ['a', 'b', 'a_to_b']
    """
    for i, name in enumerate(stages):
        if not name.strip():
            raise ValueError(f"stage names must not be empty, got {name!r} at position {i}")
        if name in reserved:
            raise ValueError(
                f"stage name {name!r} is taken by a rep field or metric; rename the stage "
                f"(reserved: {', '.join(sorted(reserved))})"
            )
    seen: set[str] = set()
    for name in stages:
        if name in seen:
            raise ValueError(f"stage names must be unique, got {name!r} twice in {list(stages)}")
        seen.add(name)
    for name in (f"{a}_to_{b}" for a, b in itertools.pairwise(stages)):
        if name in seen:
            raise ValueError(
                f"stage and conversion names must be unique, got {name!r} twice "
                f"in stages {list(stages)}"
            )
        seen.add(name)
    return tuple(stages)


def _whole_or_exact(value: Fraction) -> int | Fraction:
    """Return a whole fraction as an int, so that whole counts print as ints."""
    return value.numerator if value.denominator == 1 else value


def _times(value: Fraction) -> str:
    return f"{format_amount(value)}×"


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

    model_config = ConfigDict(frozen=True, extra="forbid")

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
        seen = [probability.as_observed(item, what=f"rates[{i}]") for i, item in enumerate(items)]
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
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise ValueError(f"{what} must be a list with one entry per conversion, got {value!r}")
        items = list(value)
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
            probability.observed_rate(item, what=name)
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
        return tuple(f"{a}_to_{b}" for a, b in zip(self.stages, self.stages[1:], strict=False))

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

    def plan(
        self, quota: object, *, rounding: Rounding = "ceil", confidence: float | None = None
    ) -> QuotaPlan:
        """Invert a quota into the count each stage needs.

        Parameters
        ----------
        quota
            Bookings to reach, >= 0 (a quota of 0 needs nothing).
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
        QuotaPlan

        Raises
        ------
        InvalidInputError
            If `quota` is negative or not a finite number, `rounding` is not
            one of the choices, `confidence` is not a probability in (0, 1)
            or comes with ``rounding="none"``, or no count reaches it.

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> funnel.plan(21_000).counts
        {'demos': 60, 'won': 21}
        >>> funnel.plan(1000, rounding="none").counts
        {'demos': Fraction(20, 7), 'won': 1}
        >>> funnel.plan(21_000, confidence=0.9).counts
        {'demos': 74, 'won': 21}
        """
        amount = parse_amount(quota, what="quota")
        _choice(rounding, ("ceil", "none"), what="rounding")
        chance = None if confidence is None else probability.parse_confidence(confidence)
        if chance is not None and rounding == "none":
            raise InvalidInputError(
                "confidence= plans whole counts; it cannot be combined with rounding='none' "
                "(expected fractional counts): leave rounding out"
            )
        plan = QuotaPlan(funnel=self, quota=amount, rounding=rounding, confidence=chance)
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
        amount = parse_amount(volume, what="volume")
        start = self.stages[0] if stage is None else self.stages[self.index(stage)]
        return Projection(funnel=self, volume=amount, stage=start)

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
        for i, stage in enumerate(self.stages):
            last = i == len(self.rates)
            rate = None if last else self.rates[i]
            days = None if last or self.days is None else self.days[i]
            rows.append((stage, rate, days, self.coverage(stage)))
        return Table(
            title=f"Funnel, deal size {format_amount(self.deal_size)}",
            columns=(
                Column("stage", align="left"),
                Column("to next", lambda r: "—" if r is None else format_rate(r)),
                Column("days", plain),
                Column("coverage", _times),
            ),
            rows=rows,
            notes=self._observed_notes(),
        )

    def _observed_notes(self) -> list[str]:
        """One note per measured rate: what was seen and the posterior used for chances."""
        if self.observed is None:
            return []
        return [
            f"{name} measured as {seen}: uncertain, Beta{seen.posterior} "
            f"(uniform prior) in probabilities."
            for name, seen in zip(self.conversions, self.observed, strict=True)
            if seen is not None
        ]

    def __repr__(self) -> str:
        observed = self.observed or (None,) * len(self.rates)
        rates = [
            format_exact(rate) if seen is None else str(seen)
            for rate, seen in zip(self.rates, observed, strict=True)
        ]
        days = "" if self.days is None else f", days={[_whole_or_exact(d) for d in self.days]}"
        return (
            f"Funnel(stages={list(self.stages)}, rates={rates}, "
            f"deal_size={format_exact(self.deal_size)}{days})"
        )


def _format_count(value: int | Fraction) -> str:
    return format_amount(value)


def _percent(chance: float) -> str:
    """Write a confidence as people give it: 0.9 as 90%, 0.975 as 97.5%."""
    return f"{chance * 100:.10g}%"


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
    stage       count      to next  coverage
    ----------  -----  -----------  --------
    activities  1,329           2%      250×
    discos         25          60%        5×
    demos          15  1/3 (33.3%)        3×
    won             3            —        1×
    Each stage's count alone wins 3 deals with at least 90% chance.
    Chance to reach quota from 1,329 activities: 90.0% (conversions independent, deal size fixed).
    """

    funnel: Funnel
    quota: Amount
    rounding: Rounding = "ceil"
    confidence: Annotated[float, Field(gt=0, lt=1)] | None = None

    @field_validator("confidence", mode="before")
    @classmethod
    def _parse_confidence(cls, value: Any) -> float | None:
        return None if value is None else probability.parse_confidence(value)

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
        stages, rates = self.funnel.stages, self.funnel.rates
        needed: Fraction = self.quota / self.funnel.deal_size
        if self.confidence is not None:
            return dict(
                probability.confidence_counts(
                    self.funnel, math.ceil(needed), confidence=self.confidence
                )
            )
        counts: list[Fraction] = [
            Fraction(math.ceil(needed)) if self.rounding == "ceil" else needed
        ]
        for rate in reversed(rates):
            above = counts[-1] / rate
            counts.append(Fraction(math.ceil(above)) if self.rounding == "ceil" else above)
        return {s: _whole_or_exact(c) for s, c in zip(stages, reversed(counts), strict=True)}

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
        if isinstance(periods, bool) or not isinstance(periods, int) or periods < 1:
            raise InvalidInputError(f"periods must be a whole number >= 1, got {periods!r}")
        mode = _choice(rounding, ("ceil", "spread", "none"), what="rounding")
        return Pace(plan=self, periods=periods, rounding=mode, unit=unit)

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
        if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
            raise InvalidInputError(
                f"reps must be a whole number >= 1 or a mapping of rep to weight, got {reps!r}"
            )
        return self._replan(self.quota / reps)

    def _replan(self, quota: Fraction) -> QuotaPlan:
        return QuotaPlan(
            funnel=self.funnel, quota=quota, rounding=self.rounding, confidence=self.confidence
        )

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
        if isinstance(close_by, str):
            try:
                close_by = date.fromisoformat(close_by)
            except ValueError:
                raise InvalidInputError(
                    f"close_by must be a date as YYYY-MM-DD, got {close_by!r}"
                ) from None
        if not isinstance(close_by, date):
            raise InvalidInputError(f"close_by must be a date as YYYY-MM-DD, got {close_by!r}")
        return Schedule(plan=self, close_by=close_by)

    def table(self) -> Table:
        """Return the plan as a table: count, rate to next stage and coverage per stage."""
        funnel = self.funnel
        rows = [
            (
                stage,
                self.counts[stage],
                funnel.rates[i] if i < len(funnel.rates) else None,
                funnel.coverage(stage),
            )
            for i, stage in enumerate(funnel.stages)
        ]
        notes = funnel._observed_notes()
        if self.rounding == "none":
            notes.append("Counts are exact expected values (rounding='none').")
        confident = ""
        if self.confidence is not None:
            confident = f" at {_percent(self.confidence)} confidence"
            notes.append(
                f"Each stage's count alone wins {format_amount(self.deals)} deals with at least "
                f"{_percent(self.confidence)} chance."
            )
        if self.rounding != "none":
            top = funnel.stages[0]
            uncertain = "" if funnel.observed is None else ", measured rates uncertain"
            notes.append(
                f"Chance to reach quota from {format_amount(self.counts[top])} {top}: "
                f"{probability.format_probability(self.attainment_probability())} "
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
                Column("count", _format_count),
                Column("to next", lambda r: "—" if r is None else format_rate(r)),
                Column("coverage", _times),
            ),
            rows=rows,
            notes=notes,
        )

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
            lower: _whole_or_exact(self.volume * self.funnel.rate(self.stage, lower))
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
            columns=(Column("stage", align="left"), Column("expected", _format_count)),
            rows=list(self.counts.items()),
        )

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
            elif self.rounding == "spread":
                done = [math.ceil(share * k) for k in range(n + 1)]
                columns[stage] = [done[k + 1] - done[k] for k in range(n)]
            else:
                columns[stage] = [_whole_or_exact(share)] * n
        return [{stage: values[k] for stage, values in columns.items()} for k in range(n)]

    def totals(self) -> dict[str, int | Fraction]:
        """Add up the targets over all periods, per stage."""
        return {
            stage: _whole_or_exact(sum((Fraction(t[stage]) for t in self.targets), Fraction(0)))
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
                f"Pace of quota {format_amount(self.plan.quota)} over {self.periods} "
                f"{self.unit}s (rounding={self.rounding!r})"
            ),
            columns=(Column(self.unit, align="left"), *(Column(s, _format_count) for s in stages)),
            rows=rows,
        )

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
                Column("count", _format_count),
                Column("reach by", align="left"),
                Column("days before close"),
            ),
            rows=[(s, self.plan.counts[s], self.due[s].isoformat(), lead[s]) for s in self.due],
        )

    def __repr__(self) -> str:
        due = ", ".join(f"{s!r}: '{d.isoformat()}'" for s, d in self.due.items())
        return f"Schedule(close_by='{self.close_by.isoformat()}', due={{{due}}})"


# Simulation refers to Funnel, which refers to Observed from the same module.
Simulation.model_rebuild(_types_namespace={"Funnel": Funnel})
