"""Capacity before hiring: check that a team works at the funnel's assumptions.

The rule from "capacity before hiring" (``capacity-before-hiring.txt`` in the
reference material): if actual metrics are below the model's assumptions for
more than 25% of reps, the team has unused capacity and more reps will not
add sales — improve efficiency first; and check that one or two superstar
reps are not masking everyone else.  :func:`assess_capacity` turns that into
a :class:`CapacityReport`.  The reference's rules of thumb per role live in
:mod:`salesmath.benchmarks` (re-exported here for old imports).

Bookings follow a multiplicative model: top-stage volume × each conversion
× deal size.  The factors of a rep who won deals multiply back to exactly
what they booked, so "what if this rep closed their gaps" is exact arithmetic.

Every count is what was logged: an open deal counts as not won, so a team
measured mid-quarter looks below its model until its deals close.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

from salesmath._format import RateCell, format_amount, format_cell, format_exact, format_percent
from salesmath._stages import conversion_name, split_conversion
from salesmath._table import Column, Table, TabularModel
from salesmath.benchmarks import (
    BenchmarkCheck,
    BenchmarkReport,
    RoleBenchmark,
    check_benchmarks,
    check_team,
    default_benchmarks,
)
from salesmath.errors import InvalidInputError, construct
from salesmath.funnel import Funnel
from salesmath.mix import DealSizeMix, capacity_mix
from salesmath.numbers import Amount, PositiveAmount, Share, parse_share
from salesmath.team import RepStats, Team

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from salesmath.history import History

__all__ = [
    "DEFAULT_BENCHMARKS",
    "BenchmarkCheck",
    "BenchmarkReport",
    "CapacityReport",
    "Recommendation",
    "RepCapacity",
    "RoleBenchmark",
    "Shortfall",
    "assess_capacity",
    "check_benchmarks",
]

DEAL_SIZE: Final = "deal_size"

M = TypeVar("M", bound=BaseModel)


DEFAULT_BENCHMARKS: tuple[RoleBenchmark, ...]
"""The reference's rules of thumb (see :mod:`salesmath.benchmarks`), built on first use."""


def __getattr__(name: str) -> tuple[RoleBenchmark, ...]:
    if name == "DEFAULT_BENCHMARKS":
        return default_benchmarks()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_stages(team: Team, funnel: Funnel) -> None:
    if not team.reps:
        raise InvalidInputError("team has no reps; a capacity check needs at least one rep")
    if tuple(team.stages) != tuple(funnel.stages):
        raise InvalidInputError(
            f"team stages {list(team.stages)} differ from the funnel's stages "
            f"{list(funnel.stages)}; give both the same stage names, top to bottom"
        )


class Shortfall(BaseModel):
    """One factor on which a rep is below the model.

    `factor` is the top stage's name (volume against what the rep's quota
    needs), a conversion ``"<a>_to_<b>"``, or ``"deal_size"``; `assumed` is
    what the model assumes (or, for volume, what the quota needs).

    Examples
    --------
    >>> import salesmath as sm
    >>> model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 12, "won": 3}, bookings=24_000)])
    >>> rep = assess_capacity(team, model).underutilized[0]
    >>> rep.shortfalls[0]
    Shortfall(factor='demos_to_won', actual=Fraction(1, 4), assumed=Fraction(1, 3))
    >>> [s.factor for s in rep.shortfalls]
    ['demos_to_won', 'deal_size']
    >>> rep.gain  # both closed: 12 demos × 1/3 × 10,000 = 40,000 instead of 24,000
    Fraction(16000, 1)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    factor: str
    actual: Amount
    assumed: Amount


class RepCapacity(BaseModel):
    """A rep below the model on at least one factor, and what closing the gaps is worth.

    One entry of :attr:`CapacityReport.underutilized`.

    Examples
    --------
    >>> import salesmath as sm
    >>> model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 12, "won": 3}, bookings=24_000)])
    >>> rep = assess_capacity(team, model).underutilized[0]
    >>> rep.rep, [s.factor for s in rep.shortfalls], rep.gain
    ('bo', ['demos_to_won', 'deal_size'], Fraction(16000, 1))
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    rep: str
    bookings: Amount
    shortfalls: tuple[Shortfall, ...]
    gain: Amount = Field(description="bookings gained if every shortfall were closed")


class Recommendation(BaseModel):
    """Where to look instead of hiring, for one factor.

    `action` is worded as a hypothesis the counts support, not a diagnosis:
    counts and bookings cannot tell, for example, a product mix from a price
    gap in deal size.

    Examples
    --------
    >>> import salesmath as sm
    >>> model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 12, "won": 3}, bookings=24_000)])
    >>> fix = assess_capacity(team, model).recommendations[0]
    >>> fix.factor, fix.reps, fix.gain  # 12 demos × 1/3 × 8,000 = 32,000 instead of 24,000
    ('demos_to_won', ('bo',), Fraction(8000, 1))
    >>> fix.action
    'the close rate (demos to won) is the gap; check deal quality vs closing skill in the lost deals, then coach closing before hiring more closers'
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    factor: str
    reps: tuple[str, ...] = Field(description="the reps below the model on this factor")
    gain: Amount = Field(description="bookings gained if this factor alone were closed")
    action: str


class _Factors:
    """A rep's factors of the multiplicative model and where they fall short."""

    def __init__(
        self, rep: RepStats, assumed: dict[str, Fraction], required: Fraction | None, keep: Fraction
    ) -> None:
        top = next(iter(rep.counts))
        self.required = required
        self.actual: dict[str, Fraction | None] = {
            top: Fraction(rep.counts[top]),
            **rep.conversions,
            DEAL_SIZE: rep.deal_size,
        }
        # Without a quota the volume is held against 0, so it is never below.
        self.assumed = {**assumed, top: Fraction(0) if required is None else required}
        self.short = [
            name
            for name, value in self.actual.items()
            if value is not None and value < self.assumed[name] * keep
        ]

    def modeled(self, close: Iterable[str] = ()) -> Fraction:
        """Bookings by the model, with the factors in `close` raised to the assumption.

        A factor that does not exist (a conversion out of a stage with no
        volume, the deal size of no deals) sits below a zero factor, so the
        product is zero until that zero is closed; then it takes the assumption.
        """
        closing = set(close)
        product = Fraction(1)
        for name, value in self.actual.items():
            product *= self.assumed[name] if value is None or name in closing else value
        return product


class CapacityReport(TabularModel):
    """Whether a team works at the funnel's assumptions.  Made by :func:`assess_capacity`.

    The table has one row per rep and factor the rep is below on, the rep
    named on every row, with raw numbers (``to_frame()`` is numeric): the
    rep's actual value, the model's, and the bookings the rep would gain by
    closing that gap alone (closing all of a rep's gaps gains more than the
    sum: the factors multiply).  :meth:`summary` (also :attr:`verdict`)
    says in one paragraph whether to hire and where to look first.

    Examples
    --------
    >>> import salesmath as sm
    >>> model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="ana", counts={"demos": 9, "won": 3}, bookings=30_000),
    ...     sm.RepStats(rep="bo", counts={"demos": 10, "won": 2}, bookings=20_000),
    ... ])
    >>> report = assess_capacity(team, model)
    >>> report
    CapacityReport(reps=2, underutilized=['bo'], share_below=0.5, masking_reps=[], headroom=40000/3, ready_to_hire=False)
    >>> print(report)
    Capacity against the model: 1 of 2 reps (50%) below (limit 25%)
    rep  below on             actual        model       gain
    ---  ------------  -------------  -----------  ---------
    bo   demos_to_won  2 of 10 (20%)  1/3 (33.3%)  13,333.33
    Don't hire yet: 1 of 2 reps (50%) are below the model (limit 25%); closing their gaps adds 13,333.33.
    Look first at demos_to_won (bo, +13,333.33): the close rate (demos to won) is the gap; check deal quality vs closing skill in the lost deals, then coach closing before hiring more closers.
    """

    team: Team
    funnel: Funnel = Field(description="the model: the funnel the plan assumes")
    quota: PositiveAmount | None = Field(
        default=None, description="quota of a rep without one of their own"
    )
    tolerance: Share = Field(
        default=Fraction(0), description="a rep is below when actual < assumed × (1 − tolerance)"
    )
    max_share_below: Share = Field(
        default=Fraction(1, 4), description="the largest share of reps below that allows hiring"
    )
    deal_size_mix: DealSizeMix | None = Field(
        default=None,
        description="the deal-size gap of the reps below the model, split into mix and price",
    )

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        """Take ``assumptions``, the funnel's old name, for ``funnel``."""
        if isinstance(data, Mapping) and "assumptions" in data:
            if "funnel" in data:
                raise InvalidInputError(
                    "give the funnel once: funnel= (assumptions= is its old name), not both"
                )
            data = {("funnel" if key == "assumptions" else key): v for key, v in data.items()}
        return data

    @field_validator("team", mode="before")
    @classmethod
    def _read_team(cls, value: Any) -> Any:
        return value if isinstance(value, Mapping) else check_team(value)

    @field_validator("funnel", mode="before")
    @classmethod
    def _read_funnel(cls, value: Any) -> Any:
        if isinstance(value, Funnel | Mapping):
            return value
        raise InvalidInputError(
            "funnel must be a Funnel, the model the plan assumes "
            f"(Funnel(stages=..., rates=..., deal_size=...)), got {value!r}"[:300]
        )

    @field_validator("tolerance", mode="before")
    @classmethod
    def _read_tolerance(cls, value: Any) -> Fraction:
        return parse_share(value, what="tolerance", below_one=True)

    @model_validator(mode="after")
    def _check_team(self) -> CapacityReport:
        _check_stages(self.team, self.funnel)
        return self

    @property
    def assumptions(self) -> Funnel:
        """The funnel (its old name)."""
        return self.funnel

    # -- per rep ---------------------------------------------------------------

    @cached_property
    def _assumed(self) -> dict[str, Fraction]:
        """The model's conversions and deal size, by factor name."""
        funnel = self.funnel
        return {
            **dict(zip(funnel.conversions, funnel.rates, strict=True)),
            DEAL_SIZE: funnel.deal_size,
        }

    @cached_property
    def _factors(self) -> dict[str, _Factors]:
        funnel = self.funnel
        assumed = self._assumed
        keep = 1 - self.tolerance
        top = funnel.stages[0]
        needs: dict[Fraction, Fraction] = {}
        factors = {}
        for rep in self.team.reps:
            quota = rep.quota if rep.quota is not None else self.quota
            required = None
            if quota is not None:
                if quota not in needs:
                    needs[quota] = Fraction(funnel.plan(quota).counts[top])
                required = needs[quota]
            factors[rep.rep] = _Factors(rep, assumed, required, keep)
        return factors

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def underutilized(self) -> tuple[RepCapacity, ...]:
        """Reps below the model on at least one factor, largest gain first."""
        reps = []
        for rep in self.team.reps:
            factors = self._factors[rep.rep]
            if factors.short:
                reps.append(
                    RepCapacity(
                        rep=rep.rep,
                        bookings=rep.bookings,
                        shortfalls=tuple(
                            Shortfall(
                                factor=name,
                                actual=factors.actual[name],
                                assumed=factors.assumed[name],
                            )
                            for name in factors.short
                        ),
                        gain=factors.modeled(factors.short) - factors.modeled(),
                    )
                )
        return tuple(sorted(reps, key=lambda r: (-r.gain, r.rep)))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share_below(self) -> Amount:
        """The share of reps below the model on at least one factor."""
        return Fraction(len(self.underutilized), len(self.team.reps))

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def headroom(self) -> Amount:
        """Bookings gained if every rep closed every shortfall, by the multiplicative model."""
        return sum((rep.gain for rep in self.underutilized), Fraction(0))

    # -- the team --------------------------------------------------------------

    def _pooled(self, stars: Sequence[str] = ()) -> dict[str, tuple[Fraction, Fraction]]:
        """Per factor, the team's pooled actual and assumed value, without `stars`.

        Conversions (each a :class:`RateCell` that remembers its counts) and
        deal size are pooled over the reps; volume is the top-stage count of
        the reps with a quota against the total their quotas need.  A factor
        that does not exist for the group (no volume at a stage, no deals) is
        left out.
        """
        team = self.team.without(stars) if stars else self.team
        pooled: dict[str, tuple[Fraction, Fraction]] = {}
        top = team.stages[0]
        known = [
            self._factors[r.rep] for r in team.reps if self._factors[r.rep].required is not None
        ]
        if known:
            actual = sum(
                r.counts[top] for r in team.reps if self._factors[r.rep].required is not None
            )
            pooled[top] = (Fraction(actual), sum((f.assumed[top] for f in known), Fraction(0)))
        assumed = self._assumed
        totals = {stage: sum(r.counts[stage] for r in team.reps) for stage in team.stages}
        for upper, lower in itertools.pairwise(team.stages):
            if totals[upper]:
                name = conversion_name(upper, lower)
                pooled[name] = (RateCell.of(totals[lower], totals[upper]), assumed[name])
        won = totals[team.stages[-1]]
        if won:
            bookings = sum((r.bookings for r in team.reps), Fraction(0))
            pooled[DEAL_SIZE] = (bookings / won, assumed[DEAL_SIZE])
        return pooled

    def _pooled_below(self, stars: Sequence[str] = ()) -> dict[str, bool]:
        keep = 1 - self.tolerance
        return {
            name: actual < assumed * keep for name, (actual, assumed) in self._pooled(stars).items()
        }

    @cached_property
    def _masking(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        meets = {name for name, below in self._pooled_below().items() if not below}
        ranked = [r.rep for r in sorted(self.team.reps, key=lambda r: (-r.bookings, r.rep))]
        for k in (1, 2):
            if len(ranked) - k <= k:  # the rest must outnumber the stars
                break
            without = self._pooled_below(ranked[:k])
            masked = tuple(name for name, below in without.items() if below and name in meets)
            if masked:
                return tuple(ranked[:k]), masked
        return (), ()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def masking_reps(self) -> tuple[str, ...]:
        """The fewest top reps by bookings (one or two) who mask the rest.

        Without them, a team-pooled metric that meets the model (within the
        tolerance) would fall below it.  Stars are looked for only while the
        rest outnumber them (one star in 3 or more reps, two in 5 or more).
        """
        return self._masking[0]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def masked_factors(self) -> tuple[str, ...]:
        """The pooled metrics that meet the model only thanks to `masking_reps`."""
        return self._masking[1]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ready_to_hire(self) -> bool:
        """``share_below <= max_share_below`` and no star masks the rest."""
        return self.share_below <= self.max_share_below and not self.masking_reps

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def recommendations(self) -> tuple[Recommendation, ...]:
        """Where to look instead of hiring, one per factor with reps below, largest gain first."""
        order = [self.funnel.stages[0], *self._assumed]
        recommendations = []
        for factor in order:
            reps = [r.rep for r in self.underutilized if factor in self._factors[r.rep].short]
            if not reps:
                continue
            gain = sum((self._gain_alone(r, factor) for r in reps), Fraction(0))
            recommendations.append(
                Recommendation(
                    factor=factor, reps=tuple(sorted(reps)), gain=gain, action=self._action(factor)
                )
            )
        return tuple(sorted(recommendations, key=lambda r: (-r.gain, order.index(r.factor))))

    def _gain_alone(self, rep: str, factor: str) -> Fraction:
        """Bookings `rep` gains by closing the gap on `factor` alone."""
        factors = self._factors[rep]
        return factors.modeled([factor]) - factors.modeled()

    def _action(self, factor: str) -> str:
        """Return the hypothesis the counts support for `factor`, and where to check it."""
        stages = self.funnel.stages
        if factor == stages[0]:
            return (
                f"volume is the gap: fewer {factor} than quota needs; check whether leads "
                "(inbound: more from marketing) or outreach capacity (outbound: a power dialer "
                "or sales-acceleration tool) is short before adding reps"
            )
        if factor == DEAL_SIZE and self.deal_size_mix is not None:
            return self.deal_size_mix.advice()
        if factor == DEAL_SIZE:
            return (
                "deal size is the gap; check mix vs price (smaller accounts or products, or "
                "deeper discounts) before coaching either: the counts cannot tell them apart"
            )
        upper, lower = split_conversion(factor, stages) or (factor, factor)
        if lower == stages[-1]:
            return (
                f"the close rate ({upper} to {lower}) is the gap; check deal quality vs "
                "closing skill in the lost deals, then coach closing before hiring more closers"
            )
        return (
            f"the step from {upper} to {lower} is the gap; check lead quality vs call and "
            "demo skills before coaching the step"
        )

    # -- reading ---------------------------------------------------------------

    def _cell(self, factor: str, value: Fraction, rep: RepStats | None = None) -> Fraction:
        """Return a factor's value for a table or a sentence: a rate as a :class:`RateCell`."""
        pair = split_conversion(factor, self.funnel.stages)
        if pair is None or isinstance(value, RateCell):
            return value
        if rep is not None:
            upper, lower = pair
            return RateCell.of(rep.counts[lower], rep.counts[upper])
        return RateCell(value)

    def _show(self, factor: str, value: Fraction) -> str:
        return format_cell(self._cell(factor, value))

    def _headroom_text(self) -> str:
        if not self.headroom:
            return ""
        text = f"; closing their gaps adds {format_amount(self.headroom)}"
        reps = self.team.reps
        quotas = [q for r in reps if (q := r.quota or self.quota) is not None]
        if quotas:
            mean = sum(quotas, Fraction(0)) / len(quotas)
            whose = (
                "an average rep's quota"
                if len(quotas) == len(reps)
                else f"the average quota of the {len(quotas)} of {len(reps)} reps who have one"
            )
            text += f" — {format_amount(self.headroom / mean)} of {whose} ({format_amount(mean)})"
        return text

    def _masking_text(self) -> str:
        stars = " and ".join(self.masking_reps)
        with_stars, without = self._pooled(), self._pooled(self.masking_reps)
        keep = 1 - self.tolerance
        parts = []
        for name in self.masked_factors:
            actual, assumed = without[name]
            line = f"the model's {self._show(name, assumed)}"
            if self.tolerance:
                line = (
                    f"the line of {self._show(name, assumed * keep)} ({line} less the "
                    f"{format_percent(self.tolerance)} tolerance)"
                )
            parts.append(
                f"{name} falls from {self._show(name, with_stars[name][0])} to "
                f"{self._show(name, actual)}, below {line}"
            )
        verb = "masks" if len(self.masking_reps) == 1 else "mask"
        return f"{stars} {verb} the rest: without {stars} the pooled {', '.join(parts)}"

    def _verdict(self) -> str:
        """One sentence: hire or not, and why."""
        n, k = len(self.team.reps), len(self.underutilized)
        below = f"{k} of {n} reps ({format_percent(self.share_below)}) are below the model"
        limit = f"limit {format_percent(self.max_share_below)}"
        gain = self._headroom_text()
        if self.ready_to_hire:
            return f"Ready to hire: {below}, within the {limit}, and no star masks the rest{gain}."
        reasons = []
        if self.share_below > self.max_share_below:
            reasons.append(f"{below} ({limit}){gain}")
        if self.masking_reps:
            reasons.append(self._masking_text())
        return "Don't hire yet: " + "; and ".join(reasons) + "."

    def _looks(self) -> list[str]:
        """One sentence per recommendation."""
        return [
            f"Look first at {r.factor} ({', '.join(r.reps)}, +{format_amount(r.gain)}): {r.action}."
            for r in self.recommendations
        ]

    def summary(self) -> str:
        """Say in one paragraph whether to hire, why, and where to look first.

        Examples
        --------
        >>> import salesmath as sm
        >>> model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
        >>> team = sm.Team(stages=["demos", "won"], reps=[
        ...     sm.RepStats(rep=name, counts={"demos": 9, "won": 3}, bookings=30_000)
        ...     for name in "abcd"])
        >>> print(assess_capacity(team, model).summary())
        Ready to hire: 0 of 4 reps (0%) are below the model, within the limit 25%, and no star masks the rest.
        """
        return " ".join([self._verdict(), *self._looks()])

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verdict(self) -> str:
        """The :meth:`summary` (its old name)."""
        return self.summary()

    def table(self) -> Table:
        """Return one row per rep and shortfall: actual, model, the gain of closing it alone."""
        rows = [
            (
                rep.rep,
                shortfall.factor,
                self._cell(shortfall.factor, shortfall.actual, self.team[rep.rep]),
                self._cell(shortfall.factor, shortfall.assumed),
                self._gain_alone(rep.rep, shortfall.factor),
            )
            for rep in self.underutilized
            for shortfall in rep.shortfalls
        ]
        n, k = len(self.team.reps), len(self.underutilized)
        tolerance = f", tolerance {format_percent(self.tolerance)}" if self.tolerance else ""
        return Table(
            title=(
                f"Capacity against the model: {k} of {n} reps ({format_percent(self.share_below)}) "
                f"below (limit {format_percent(self.max_share_below)}{tolerance})"
            ),
            columns=(
                Column("rep", align="left"),
                Column("below on", align="left"),
                Column("actual", format_cell),
                Column("model", format_cell),
                Column("gain", format_amount),
            ),
            rows=rows,
            notes=[self._verdict(), *self._looks()],
        )

    def plot(self, ax: Axes | None = None, *, kind: str = "shortfalls", **kwargs: Any) -> Axes:
        """Draw the reps below the model, or the headroom; return the matplotlib axes.

        Draws on `ax` when given, else on a new figure; `kwargs` go to the main
        drawing call; ``kind="headroom"`` draws what closing the gaps is worth.
        Needs the ``plot`` extra.  See :func:`salesmath.plotting.plot_capacity`.
        """
        from salesmath.plotting import plot_capacity

        return plot_capacity(self, ax, kind=kind, **kwargs)

    def __repr__(self) -> str:
        return (
            f"CapacityReport(reps={len(self.team.reps)}, "
            f"underutilized={[r.rep for r in self.underutilized]}, "
            f"share_below={format_exact(self.share_below)}, "
            f"masking_reps={list(self.masking_reps)}, headroom={format_exact(self.headroom)}, "
            f"ready_to_hire={self.ready_to_hire})"
        )


def assess_capacity(
    team: Team,
    funnel: Funnel | None = None,
    *,
    quota: object = None,
    tolerance: object = 0.0,
    max_share_below: object = 0.25,
    assumptions: Funnel | None = None,
    history: History | None = None,
    mix_by: str = "product",
) -> CapacityReport:
    """Check a team against the funnel's assumptions before anyone is hired.

    A rep is below the model on a factor when ``actual < assumed × (1 −
    tolerance)``, exactly: a rep who won 3 of 9 demos is not below a 1/3
    close-rate assumption.  The factors are the top stage's volume (against
    what ``funnel.plan(quota)`` needs, with the rep's own quota or `quota`;
    not checked for a rep with neither), each conversion ``"<a>_to_<b>"``
    and ``deal_size``.  A conversion out of a stage where the rep logged
    nothing, and the deal size of no deals, do not exist and are not
    compared.  Every count is what was logged: an open deal counts as not won.

    Parameters
    ----------
    team
        The reps' actuals, with the same stages as `funnel`.
    funnel
        The model: the funnel the plan assumes.  ``assumptions=`` is its old
        name and still works as a keyword.
    quota
        Quota of a rep who has none of their own, > 0; without it, such a
        rep's volume is not checked.
    tolerance
        In [0, 1): how far below the assumption still counts as meeting it
        (0.05 or "5%" allows 5% below).
    max_share_below
        In [0, 1]: the largest share of reps below the model that still
        allows hiring (the reference's 25%).
    history
        Optional :class:`~salesmath.History` the team came from: the deal-size
        recommendation then says whether the reps below the model sell a
        cheaper `mix_by` mix or at lower prices than the rest
        (``report.deal_size_mix``, :func:`salesmath.mix.capacity_mix`).
    mix_by
        The history's attribute that makes the mix (``"product"``).

    Returns
    -------
    CapacityReport
        ``underutilized``, ``share_below``, ``masking_reps``, ``headroom``,
        ``ready_to_hire``, ``recommendations`` and a plain-language ``summary()``.

    Raises
    ------
    InvalidInputError
        If `team` is not a Team or `funnel` not a Funnel (or both `funnel`
        and `assumptions` are given, or neither), the team has no reps or
        other stages than the funnel, or an option is out of range.

    Examples
    --------
    >>> import salesmath as sm
    >>> model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    >>> reps = [sm.RepStats(rep=f"rep{i}", counts={"demos": 9, "won": 3}, bookings=30_000)
    ...         for i in range(6)]
    >>> reps += [sm.RepStats(rep="cy", counts={"demos": 9, "won": 2}, bookings=20_000),
    ...          sm.RepStats(rep="dee", counts={"demos": 9, "won": 3}, bookings=24_000)]
    >>> report = assess_capacity(sm.Team(stages=["demos", "won"], reps=reps), model)
    >>> report.share_below, report.headroom, report.ready_to_hire
    (Fraction(1, 4), Fraction(16000, 1), True)
    >>> [(s.factor, s.actual) for r in report.underutilized for s in r.shortfalls]
    [('demos_to_won', Fraction(2, 9)), ('deal_size', Fraction(8000, 1))]
    """
    if funnel is not None and assumptions is not None:
        raise InvalidInputError(
            "give the funnel once: funnel= (assumptions= is its old name), not both"
        )
    model = funnel if funnel is not None else assumptions
    if model is None:
        raise InvalidInputError(
            "assess_capacity needs the funnel the plan assumes: assess_capacity(team, funnel)"
        )
    report = construct(
        CapacityReport,
        team=team,
        funnel=model,
        quota=quota,
        tolerance=tolerance,
        max_share_below=max_share_below,
    )
    if history is None:
        return report
    below = [
        r.rep for r in report.underutilized if any(s.factor == DEAL_SIZE for s in r.shortfalls)
    ]
    rest = [r.rep for r in report.team.reps if r.rep not in below]
    return report.model_copy(
        update={"deal_size_mix": capacity_mix(history, below, rest, by=mix_by)}
    )
