"""Capacity before hiring: check that a team works at the model's assumptions.

The rule from "capacity before hiring" (``capacity-before-hiring.txt`` in the
reference material): if actual metrics are below the model's assumptions for
more than 25% of reps, the team has unused capacity and more reps will not
add sales — improve efficiency first; and check that one or two superstar
reps are not masking everyone else.  :func:`assess_capacity` turns that into
a :class:`CapacityReport`; :func:`check_benchmarks` checks the reference's
rules of thumb per role (:data:`DEFAULT_BENCHMARKS`).

Bookings follow a multiplicative model: top-stage volume × each conversion
× deal size.  The factors of a rep who won deals multiply back to exactly
what they booked, so "what if this rep closed their gaps" is exact arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

from salesmath._table import Column, Table, TabularModel, plain
from salesmath.errors import InvalidInputError
from salesmath.funnel import Funnel
from salesmath.rates import (
    Amount,
    PositiveAmount,
    format_amount,
    format_exact,
    format_rate,
    parse_amount,
)
from salesmath.team import RepStats, Team

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


def _percent(share: Fraction) -> str:
    """Write a share as a whole percentage, rounded half up (3/8 → "38%")."""
    return f"{math.floor(share * 100 + Fraction(1, 2))}%"


def _number(value: object, *, what: str) -> Fraction:
    """Read an amount >= 0 that may also be written as a percentage ("5%")."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return parse_amount(value.strip()[:-1], what=what) / 100
        except InvalidInputError:
            raise InvalidInputError(f"{what} must be a finite number >= 0, got {value!r}") from None
    return parse_amount(value, what=what)


def _share(value: object, *, what: str, below_one: bool = False) -> Fraction:
    """Read a share in [0, 1] (or [0, 1) when `below_one`): a number or a percentage."""
    share = _number(value, what=what)
    if share > 1 or (below_one and share == 1):
        bounds = "[0, 1)" if below_one else "[0, 1]"
        raise InvalidInputError(f"{what} must be in {bounds}, got {value!r} — write 5% as 0.05")
    return share


def _check_stages(team: Team, assumptions: Funnel) -> None:
    if not team.reps:
        raise InvalidInputError("team has no reps; a capacity check needs at least one rep")
    if tuple(team.stages) != tuple(assumptions.stages):
        raise InvalidInputError(
            f"team stages {list(team.stages)} differ from the assumptions' stages "
            f"{list(assumptions.stages)}; give both the same stage names, top to bottom"
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

    model_config = ConfigDict(frozen=True, extra="forbid")

    factor: str
    actual: Amount
    assumed: Amount


class RepCapacity(BaseModel):
    """A rep below the model on at least one factor, and what closing the gaps is worth.

    One entry of :attr:`CapacityReport.underutilized`; see :class:`Shortfall`
    for an example.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rep: str
    bookings: Amount
    shortfalls: tuple[Shortfall, ...]
    gain: Amount = Field(description="bookings gained if every shortfall were closed")


class Recommendation(BaseModel):
    """What to fix instead of hiring, for one factor.

    Examples
    --------
    >>> import salesmath as sm
    >>> model = sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 12, "won": 3}, bookings=24_000)])
    >>> fix = assess_capacity(team, model).recommendations[0]
    >>> fix.factor, fix.reps, fix.gain  # 12 demos × 1/3 × 8,000 = 32,000 instead of 24,000
    ('demos_to_won', ('bo',), Fraction(8000, 1))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

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
    """Whether a team works at the model's assumptions.  Made by :func:`assess_capacity`.

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
    rep  below on      actual        model    gain
    ---  ------------  ------  -----------  ------
    bo   demos_to_won     20%  1/3 (33.3%)  13,333
    Don't hire yet: 1 of 2 reps (50%) are below the model (limit 25%); closing their gaps adds 13,333.
    Fix first: demos_to_won (bo): coach and train closing before hiring more closers (+13,333).
    """

    team: Team
    assumptions: Funnel
    quota: PositiveAmount | None = Field(
        default=None, description="quota of a rep without one of their own"
    )
    tolerance: Amount = Field(
        default=Fraction(0), description="a rep is below when actual < assumed × (1 − tolerance)"
    )
    max_share_below: Amount = Field(
        default=Fraction(1, 4), description="the largest share of reps below that allows hiring"
    )

    @field_validator("tolerance")
    @classmethod
    def _check_tolerance(cls, value: Fraction) -> Fraction:
        return _share(value, what="tolerance", below_one=True)

    @field_validator("max_share_below")
    @classmethod
    def _check_max_share(cls, value: Fraction) -> Fraction:
        return _share(value, what="max_share_below")

    @model_validator(mode="after")
    def _check_team(self) -> CapacityReport:
        _check_stages(self.team, self.assumptions)
        return self

    # -- per rep ---------------------------------------------------------------

    @cached_property
    def _assumed(self) -> dict[str, Fraction]:
        """The model's conversions and deal size, by factor name."""
        funnel = self.assumptions
        return {
            **dict(zip(funnel.conversions, funnel.rates, strict=True)),
            DEAL_SIZE: funnel.deal_size,
        }

    @cached_property
    def _factors(self) -> dict[str, _Factors]:
        funnel = self.assumptions
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

        Conversions and deal size are pooled over the reps (``Team.total``);
        volume is the top-stage count of the reps with a quota against the
        total their quotas need.  A factor that does not exist for the
        group (no volume at a stage, no deals) is left out.
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
        total = team.total()
        assumed = self._assumed
        values = {**total.conversions, DEAL_SIZE: total.deal_size}
        for name, value in values.items():
            if value is not None:
                pooled[name] = (value, assumed[name])
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

        Without them, a team-pooled metric that meets the model would fall
        below it.  Stars are looked for only while the rest outnumber them
        (one star in 3 or more reps, two in 5 or more).
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
        """What to fix instead of hiring, one per factor with reps below, largest gain first."""
        order = [self.assumptions.stages[0], *self._assumed]
        recommendations = []
        for factor in order:
            reps = [r.rep for r in self.underutilized if factor in self._factors[r.rep].short]
            if not reps:
                continue
            gain = sum(
                (self._factors[r].modeled([factor]) - self._factors[r].modeled() for r in reps),
                Fraction(0),
            )
            recommendations.append(
                Recommendation(
                    factor=factor, reps=tuple(sorted(reps)), gain=gain, action=self._action(factor)
                )
            )
        return tuple(sorted(recommendations, key=lambda r: (-r.gain, order.index(r.factor))))

    def _action(self, factor: str) -> str:
        stages = self.assumptions.stages
        if factor == stages[0]:
            return (
                f"raise {stages[0]} to what quota needs before adding reps: more leads from "
                "marketing for inbound reps, a power dialer or sales-acceleration tool for outbound"
            )
        if factor == DEAL_SIZE:
            return "coach deal size: qualify larger accounts, hold price, sell the full package"
        if factor == self.assumptions.conversions[-1]:
            return "coach and train closing before hiring more closers"
        upper, lower = stages[self.assumptions.conversions.index(factor) :][:2]
        return f"coach the step from {upper} to {lower} (qualification, call and demo skills)"

    # -- reading ---------------------------------------------------------------

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def verdict(self) -> str:
        """One plain-language sentence: hire or not, and why."""
        n, k = len(self.team.reps), len(self.underutilized)
        below = f"{k} of {n} reps ({_percent(self.share_below)}) are below the model"
        limit = f"limit {_percent(self.max_share_below)}"
        gain = ""
        if self.headroom:
            gain = f"; closing their gaps adds {_money(self.headroom)}"
            quotas = [q for r in self.team.reps if (q := r.quota or self.quota) is not None]
            if quotas:
                mean = sum(quotas, Fraction(0)) / len(quotas)
                gain += (
                    f" — {_ratio(self.headroom / mean)} of an average rep's quota ({_money(mean)})"
                )
        if self.ready_to_hire:
            return f"Ready to hire: {below}, within the {limit}, and no star masks the rest{gain}."
        reasons = []
        if self.share_below > self.max_share_below:
            reasons.append(f"{below} ({limit}){gain}")
        if self.masking_reps:
            stars = " and ".join(self.masking_reps)
            without = self._pooled(self.masking_reps)
            masked = ", ".join(
                f"{name} falls to {self._show(name, without[name][0])}, "
                f"below {self._show(name, without[name][1])}"
                for name in self.masked_factors
            )
            verb = "masks" if len(self.masking_reps) == 1 else "mask"
            reasons.append(f"{stars} {verb} the rest: without {stars} the pooled {masked}")
        return "Don't hire yet: " + "; and ".join(reasons) + "."

    def _show(self, factor: str, value: Fraction) -> str:
        """Write a factor's value for people: a rate as a percentage, else an amount."""
        if factor in self.assumptions.conversions:
            return format_rate(value) if value else "0%"
        return format_amount(value)

    def table(self) -> Table:
        """Return one row per shortfall (rep, factor, actual, model, the rep's gain)."""
        rows = [
            (
                rep.rep if i == 0 else "",
                shortfall.factor,
                self._show(shortfall.factor, shortfall.actual),
                self._show(shortfall.factor, shortfall.assumed),
                rep.gain if i == 0 else "",
            )
            for rep in self.underutilized
            for i, shortfall in enumerate(rep.shortfalls)
        ]
        fixes = [
            f"Fix first: {r.factor} ({', '.join(r.reps)}): {r.action} (+{_money(r.gain)})."
            for r in self.recommendations
        ]
        n, k = len(self.team.reps), len(self.underutilized)
        return Table(
            title=(
                f"Capacity against the model: {k} of {n} reps ({_percent(self.share_below)}) "
                f"below (limit {_percent(self.max_share_below)})"
            ),
            columns=(
                Column("rep", align="left"),
                Column("below on", align="left"),
                Column("actual"),
                Column("model"),
                Column("gain", lambda v: v if isinstance(v, str) else _money(v)),
            ),
            rows=rows,
            notes=[self.verdict, *fixes],
        )

    def __repr__(self) -> str:
        return (
            f"CapacityReport(reps={len(self.team.reps)}, "
            f"underutilized={[r.rep for r in self.underutilized]}, "
            f"share_below={format_exact(self.share_below)}, "
            f"masking_reps={list(self.masking_reps)}, headroom={format_exact(self.headroom)}, "
            f"ready_to_hire={self.ready_to_hire})"
        )


def _money(value: Fraction) -> str:
    """Money in a sentence or table: whole units, rounded half up."""
    return format_amount(math.floor(value + Fraction(1, 2)))


def _ratio(value: Fraction) -> str:
    """Write a ratio to two decimals, rounded down so that it never overstates."""
    return f"{math.floor(value * 100) / 100:.2f}"


def assess_capacity(
    team: Team,
    assumptions: Funnel,
    *,
    quota: object = None,
    tolerance: object = 0.0,
    max_share_below: object = 0.25,
) -> CapacityReport:
    """Check a team against the model's assumptions before anyone is hired.

    A rep is below the model on a factor when ``actual < assumed × (1 −
    tolerance)``, exactly: a rep who won 3 of 9 demos is not below a 1/3
    close-rate assumption.  The factors are the top stage's volume (against
    what ``assumptions.plan(quota)`` needs, with the rep's own quota or
    `quota`; not checked for a rep with neither), each conversion
    ``"<a>_to_<b>"`` and ``deal_size``.  A conversion out of a stage where
    the rep logged nothing, and the deal size of no deals, do not exist and
    are not compared.

    Parameters
    ----------
    team
        The reps' actuals, with the same stages as `assumptions`.
    assumptions
        The model: the funnel the plan assumes.
    quota
        Quota of a rep who has none of their own, > 0; without it, such a
        rep's volume is not checked.
    tolerance
        In [0, 1): how far below the assumption still counts as meeting it
        (0.05 allows 5% below).
    max_share_below
        In [0, 1]: the largest share of reps below the model that still
        allows hiring (the reference's 25%).

    Returns
    -------
    CapacityReport
        ``underutilized``, ``share_below``, ``masking_reps``, ``headroom``,
        ``ready_to_hire``, ``recommendations`` and a plain-language ``verdict``.

    Raises
    ------
    InvalidInputError
        If the team has no reps or other stages than `assumptions`, or an
        option is out of range.

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
    _check_stages(team, assumptions)
    return CapacityReport(
        team=team,
        assumptions=assumptions,
        quota=None if quota is None else parse_amount(quota, what="quota", positive=True),
        tolerance=_share(tolerance, what="tolerance", below_one=True),
        max_share_below=_share(max_share_below, what="max_share_below"),
    )


# -- role benchmarks -------------------------------------------------------------

_SOURCE: Final = (
    'capacity-before-hiring.txt, "Analyze Your Sales Capacity Utilization before Hiring"'
)


class RoleBenchmark(BaseModel):
    """A rule of thumb for reps of one role, and what to do when a rep falls short.

    Parameters
    ----------
    role
        The reps it applies to: their ``RepStats.role``, compared without
        regard to case or surrounding spaces.
    metric
        ``"volume"`` (the top stage's count), ``"close_rate"`` (the last
        conversion), or any name ``RepStats.metric`` knows (a stage, a
        conversion ``"<a>_to_<b>"``, ``"deal_size"``, ...).
    minimum
        The value a rep should reach, >= 0.
    per
        For a count: ``"month"`` or ``"day"`` (a working day) to compare a
        rate of work; None compares the value as logged.
    action
        What to do when a rep is below, instead of hiring more of the role.
    source
        Where the rule comes from.

    Examples
    --------
    >>> RoleBenchmark(role="AE", metric="close_rate", minimum="20%",
    ...               action="coaching", source="our 2025 review").minimum
    Fraction(1, 5)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = Field(min_length=1)
    metric: str = Field(min_length=1)
    minimum: Amount
    per: Literal["month", "day"] | None = None
    action: str
    source: str = ""

    @field_validator("minimum", mode="before")
    @classmethod
    def _parse_minimum(cls, value: Any) -> Fraction:
        return _number(value, what="minimum")

    def value(
        self, rep: RepStats, *, months: Fraction | None, days_per_month: Fraction
    ) -> Fraction | None:
        """Return the rep's value of this metric, per month or day when `per` says so.

        Raises
        ------
        InvalidInputError
            If the metric is unknown, or a rate of work is asked for without `months`.

        Examples
        --------
        >>> rule = DEFAULT_BENCHMARKS[0]
        >>> rep = RepStats(rep="ana", counts={"MQLs": 540, "won": 20}, bookings=1, role="inbound SDR")
        >>> rule.value(rep, months=Fraction(3), days_per_month=Fraction(21))
        Fraction(180, 1)
        """
        stages = list(rep.counts)
        name = {"volume": stages[0], "close_rate": f"{stages[-2]}_to_{stages[-1]}"}.get(
            self.metric, self.metric
        )
        if len(stages) < 2 and self.metric == "close_rate":
            return None
        raw = rep.metric(name)
        if raw is None or self.per is None:
            return None if raw is None else Fraction(raw)
        if months is None:
            raise InvalidInputError(
                f"benchmark {self.metric!r} per {self.per} for role {self.role!r} needs the "
                "months the team's counts cover: pass months=3 for a quarter of data"
            )
        span = months if self.per == "month" else months * days_per_month
        return Fraction(raw) / span


DEFAULT_BENCHMARKS: Final[tuple[RoleBenchmark, ...]] = (
    RoleBenchmark(
        role="inbound SDR",
        metric="volume",
        minimum=200,
        per="month",
        action="work with marketing to generate more leads before adding inbound SDRs",
        source=_SOURCE + ": 200 marketing-qualified leads a month",
    ),
    RoleBenchmark(
        role="AE",
        metric="close_rate",
        minimum=Fraction(1, 5),
        action="invest in coaching and training before hiring more AEs",
        source=_SOURCE + ": close rate of 20%",
    ),
    RoleBenchmark(
        role="outbound SDR",
        metric="volume",
        minimum=200,
        per="day",
        action="invest in a sales-acceleration tool or power dialer before adding outbound SDRs",
        source=_SOURCE + ": 200 touches a day",
    ),
)
"""The reference's rules of thumb: inbound SDRs get 200 MQLs a month, AEs close
20%, outbound SDRs make 200 touches a working day (top stage = MQLs or touches)."""


class BenchmarkCheck(BaseModel):
    """One rep checked against one role benchmark.

    Examples
    --------
    >>> import salesmath as sm
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 20, "won": 3}, bookings=1, role="AE")])
    >>> check_benchmarks(team).checks[0]
    BenchmarkCheck(rep='bo', role='AE', metric='close_rate', value=Fraction(3, 20), minimum=Fraction(1, 5), per=None, below=True, action='invest in coaching and training before hiring more AEs')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rep: str
    role: str
    metric: str
    value: Amount | None = Field(description="the rep's value; None when it does not exist")
    minimum: Amount
    per: Literal["month", "day"] | None = None
    below: bool
    action: str


class BenchmarkReport(TabularModel):
    """Reps checked against role benchmarks.  Made by :func:`check_benchmarks`.

    Examples
    --------
    >>> import salesmath as sm
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 20, "won": 3}, bookings=1, role="AE")])
    >>> check_benchmarks(team)
    BenchmarkReport(checks=1, below=['bo'])
    """

    checks: tuple[BenchmarkCheck, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def below(self) -> tuple[BenchmarkCheck, ...]:
        """The checks a rep failed."""
        return tuple(c for c in self.checks if c.below)

    def table(self) -> Table:
        """Return one row per check."""

        def per(check: BenchmarkCheck) -> str:
            return check.metric + ("" if check.per is None else f" per {check.per}")

        def show(check: BenchmarkCheck, value: Fraction | None) -> str:
            if value is None:
                return "—"
            if check.metric == "close_rate" or "_to_" in check.metric:
                return format_rate(value) if value else "0%"
            return format_amount(value)

        return Table(
            title=f"Role benchmarks: {len(self.below)} of {len(self.checks)} checks below",
            columns=(
                Column("rep", align="left"),
                Column("role", align="left"),
                Column("metric", align="left"),
                Column("value"),
                Column("minimum"),
                Column("below", plain),
            ),
            rows=[
                (c.rep, c.role, per(c), show(c, c.value), show(c, c.minimum), c.below)
                for c in self.checks
            ],
            notes=sorted({f"{c.role}: {c.action}." for c in self.below}),
        )

    def __repr__(self) -> str:
        return f"BenchmarkReport(checks={len(self.checks)}, below={[c.rep for c in self.below]})"


def check_benchmarks(
    team: Team,
    benchmarks: Sequence[RoleBenchmark] = DEFAULT_BENCHMARKS,
    *,
    months: object = None,
    days_per_month: object = 21,
) -> BenchmarkReport:
    """Check each rep against the benchmarks for their role.

    Parameters
    ----------
    team
        The reps' actuals; a rep is checked against every benchmark whose
        `role` matches theirs (reps without a role are not checked).
    benchmarks
        The rules; the reference's three by default (:data:`DEFAULT_BENCHMARKS`).
    months
        How many months the team's counts cover, > 0; needed by a rule
        counted per month or per day.
    days_per_month
        Working days in a month, > 0, for rules counted per day.

    Returns
    -------
    BenchmarkReport

    Raises
    ------
    InvalidInputError
        If `months` or `days_per_month` is not > 0, or a rule needs
        `months` that was not given, or names an unknown metric.

    Examples
    --------
    >>> import salesmath as sm
    >>> team = sm.Team(stages=["MQLs", "won"], reps=[
    ...     sm.RepStats(rep="ana", counts={"MQLs": 540, "won": 20}, bookings=1, role="inbound SDR"),
    ...     sm.RepStats(rep="bo", counts={"MQLs": 90, "won": 30}, bookings=1, role="AE"),
    ... ])
    >>> print(check_benchmarks(team, months=3))
    Role benchmarks: 1 of 2 checks below
    rep  role         metric                  value  minimum  below
    ---  -----------  ----------------  -----------  -------  -----
    ana  inbound SDR  volume per month          180      200    yes
    bo   AE           close_rate        1/3 (33.3%)      20%     no
    inbound SDR: work with marketing to generate more leads before adding inbound SDRs.
    """
    span = None if months is None else parse_amount(months, what="months", positive=True)
    days = parse_amount(days_per_month, what="days_per_month", positive=True)
    checks = []
    for rep in team.reps:
        if rep.role is None:
            continue
        role = rep.role.strip().casefold()
        for rule in benchmarks:
            if rule.role.strip().casefold() != role:
                continue
            value = rule.value(rep, months=span, days_per_month=days)
            checks.append(
                BenchmarkCheck(
                    rep=rep.rep,
                    role=rule.role,
                    metric=rule.metric,
                    value=value,
                    minimum=rule.minimum,
                    per=rule.per,
                    below=value is not None and value < rule.minimum,
                    action=rule.action,
                )
            )
    return BenchmarkReport(checks=tuple(checks))
