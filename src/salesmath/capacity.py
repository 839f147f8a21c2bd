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

import heapq
import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, TypeVar

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

from salesmath import _core
from salesmath._format import (
    RateCell,
    format_amount,
    format_cell,
    format_count,
    format_exact,
    format_percent,
)
from salesmath._stages import conversion_name, split_conversion
from salesmath._table import Column, Table, TabularModel
from salesmath._teamdata import TeamColumns
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
from salesmath.team import Team

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
    "SHOWN_REPS",
    "Shortfall",
    "assess_capacity",
    "check_benchmarks",
]

DEAL_SIZE: Final = "deal_size"
SHOWN_REPS: Final = 20
"""A report with more reps below the model than this prints the ones with the largest gains
(and says how many more there are); ``to_frame()`` and ``underutilized`` have every one."""
NAMED_REPS: Final = 10
"""A recommendation's sentence names its reps up to this many, and counts them past it."""

M = TypeVar("M", bound=BaseModel)


DEFAULT_BENCHMARKS: tuple[RoleBenchmark, ...]
"""The reference's rules of thumb (see :mod:`salesmath.benchmarks`), built on first use."""


def __getattr__(name: str) -> tuple[RoleBenchmark, ...]:
    if name == "DEFAULT_BENCHMARKS":
        return default_benchmarks()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _who(reps: Sequence[str]) -> str:
    """Name the reps, or count them when there are more than NAMED_REPS."""
    return ", ".join(reps) if len(reps) <= NAMED_REPS else f"{format_count(len(reps))} reps"


def _check_stages(team: Team, funnel: Funnel) -> None:
    if not len(team):
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


# -- exact column arithmetic ------------------------------------------------------------------
#
# Every comparison and product below is exact: a/b < p/q is worked out as a·q < b·p on whole
# numbers, in int64 where the largest magnitudes show the product stays below 2**63, and on
# Python integers (object arrays) otherwise.

Ints = NDArray[Any]
"""Whole numbers, one per rep: int64, or Python ints in an object array."""


def _wide(value: Ints | int) -> Ints | int:
    """`value` as Python ints (an object array), so no product of it can wrap around."""
    if isinstance(value, int) or value.dtype == object:
        return value
    return value.astype(object)


def _sub(a: Ints, b: Ints) -> Ints:
    """Return ``a − b`` exactly."""
    if a.dtype != object and b.dtype != object and _core.largest(a) + _core.largest(b) < 2**63:
        return np.subtract(a, b, dtype=np.int64)
    return np.subtract(_wide(a), _wide(b))


def _pick(where: NDArray[np.bool_], a: Ints | int, b: Ints | int) -> Ints:
    """Return `a` where `where`, else `b`, exactly (int64 when both fit)."""
    fits = all(
        (v.dtype != object) if isinstance(v, np.ndarray) else -(2**63) <= v < 2**63 for v in (a, b)
    )
    if fits:
        return np.where(where, a, b).astype(np.int64, copy=False)
    out = np.empty(len(where), dtype=object)
    out[:] = np.where(where, _wide(a), _wide(b))
    return out


def _narrow(value: Ints) -> Ints:
    """Return an object array of Python ints as int64 when every one fits."""
    if value.dtype == object and _core.largest(value) < 2**63:
        return value.astype(np.int64)
    return value


def _reduced(num: Ints, den: Ints) -> tuple[Ints, Ints]:
    """Return each fraction ``num / den`` (den > 0) in lowest terms."""
    if num.dtype == object or den.dtype == object:
        num, den = num.astype(object), den.astype(object)
    common = np.gcd(num, den)
    return _narrow(num // common), _narrow(den // common)


def _by_gain(num: Ints, den: Ints, rank: NDArray[np.intp]) -> NDArray[np.intp]:
    """Return the order of the fractions ``num / den``, largest first, ties by `rank`.

    Sorted by their float values, then checked exactly pair by pair (a/b >= c/d as
    a·d >= c·b); where floats were too close to tell, sorted again exactly.
    """
    if len(num) < 2:
        return np.arange(len(num), dtype=np.intp)
    try:
        with np.errstate(all="ignore"):
            approx = num.astype(np.float64) / den.astype(np.float64)
    except OverflowError:  # a number past a float's range: sort exactly
        pass
    else:
        order = np.lexsort((rank, -approx)).astype(np.intp)
        first, then = order[:-1], order[1:]
        left = _core.mul(num[first], den[then])
        right = _core.mul(num[then], den[first])
        if bool(((left > right) | ((left == right) & (rank[first] < rank[then]))).all()):
            return order
    nums, dens, ranks = num.tolist(), den.tolist(), rank.tolist()
    exact = sorted(range(len(nums)), key=lambda i: (-Fraction(nums[i], dens[i]), ranks[i]))
    return np.array(exact, dtype=np.intp)


def _name_rank(data: TeamColumns) -> NDArray[np.intp]:
    """Each rep's place in the team sorted by name (kept in the team's cache)."""
    rank: NDArray[np.intp] | None = data.cache.get("capacity.name_rank")
    if rank is None:
        names = data.names
        order = sorted(range(len(names)), key=names.__getitem__)
        rank = np.empty(len(names), dtype=np.intp)
        rank[order] = np.arange(len(names), dtype=np.intp)
        rank.flags.writeable = False
        data.cache["capacity.name_rank"] = rank
    return rank


def _required(data: TeamColumns, funnel: Funnel, quota: Fraction | None) -> tuple[Ints, Ints]:
    """Per rep, whether a quota is known (own, else `quota`) and the top-stage count it needs.

    The count is what ``funnel.plan(quota)`` needs (0 where no quota is known), worked
    out once per distinct quota with the plan's exact kernel.
    """
    nums, dens, size_num, size_den = funnel._kernel
    n = len(data)
    own = data.quota
    has = np.ones(n, dtype=bool) if own.present is None else own.present.copy()
    required: Ints = np.zeros(n, dtype=np.int64)
    if own.any:
        idx = np.flatnonzero(has)
        distinct, where = np.unique(own.scaled[idx], return_inverse=True)
        tops = _core.plan_rows(
            distinct, own.denominator, size_num, size_den, nums, dens, len(distinct)
        )[0]
        if tops.dtype == object:
            required = required.astype(object)
        required[idx] = tops[where.reshape(-1)]
    if quota is not None and not has.all():
        deals = _core.deals_needed(quota.numerator, quota.denominator, size_num, size_den)
        top = int(_core.required_counts(deals, nums, dens)[0])
        required = _pick(has, required, top)
        has[:] = True
    return has, required


class _Columns:
    """The check worked out column-wise: who is below on what, and what closing it gains.

    Factors are numbered 0 (the top stage's volume), 1 … s − 1 (the conversions, top to
    bottom) and s (deal size).  For rep i and factor f, the actual value is
    ``actual[f][0][i] / actual[f][1][i]`` where ``exists[f][i]``, the model's
    ``assumed[f]``; a rep is below where ``actual < assumed × keep``.
    """

    def __init__(
        self, data: TeamColumns, funnel: Funnel, quota: Fraction | None, keep: Fraction
    ) -> None:
        counts = data.counts
        n, s = counts.shape
        self.data = data
        self.factors: tuple[str, ...] = (
            funnel.stages[0],
            *funnel.conversions,
            DEAL_SIZE,
        )
        self.has_quota, self.required = _required(data, funnel, quota)
        bookings = data.bookings
        won = counts[:, s - 1]
        ones = np.ones(n, dtype=np.int64)
        # actual numerators and denominators, whether the value exists, and the model's
        self.actual: list[tuple[Ints, Ints]] = [(counts[:, 0], ones)]
        self.exists: list[NDArray[np.bool_]] = [np.ones(n, dtype=bool)]
        self.assumed: list[tuple[Ints | int, int]] = [(self.required, 1)]
        for j, rate in enumerate(funnel.rates):
            self.actual.append((counts[:, j + 1], counts[:, j]))
            self.exists.append(np.asarray(counts[:, j] > 0, dtype=bool))
            self.assumed.append((rate.numerator, rate.denominator))
        size = funnel.deal_size
        self.actual.append((bookings.scaled, _core.mul(won, bookings.denominator)))
        self.exists.append(np.asarray(won > 0, dtype=bool))
        self.assumed.append((size.numerator, size.denominator))
        # below: actual_num × assumed_den × keep_den < actual_den × assumed_num × keep_num
        short = np.zeros((n, s + 1), dtype=bool)
        for f, ((an, ad), (en, ed)) in enumerate(zip(self.actual, self.assumed, strict=True)):
            left = _core.mul(an, ed * keep.denominator)
            right = _core.mul(ad, _core.mul(en, keep.numerator))
            short[:, f] = self.exists[f] & np.asarray(np.less(left, right), dtype=bool)
        short[:, 0] &= self.has_quota
        self.short = short
        self.bookings = bookings.scaled
        # what the model makes of each rep's own factors: their bookings when every count
        # is above 0, else 0 (a zero count zeroes a factor above any that does not exist)
        self.booked = _pick(np.all(counts > 0, axis=1), bookings.scaled, 0)
        self.rank = _name_rank(data)
        below = np.flatnonzero(short.any(axis=1))
        num, den = self._gains(below, short[below])
        order = _by_gain(num, den, self.rank[below])
        self.below: NDArray[np.intp] = below[order]
        self.gain: tuple[Ints, Ints] = (num[order], den[order])
        self.alone: list[tuple[NDArray[np.intp], Ints, Ints]] = []
        for f in range(s + 1):
            idx = np.flatnonzero(short[:, f])
            closed = np.zeros((len(idx), s + 1), dtype=bool)
            closed[:, f] = True
            self.alone.append((idx, *self._gains(idx, closed)))

    def _gains(self, idx: NDArray[np.intp], closed: NDArray[np.bool_]) -> tuple[Ints, Ints]:
        """Bookings reps `idx` gain with the factors `closed` raised to the model, in lowest terms.

        The model's bookings are the product of the factors; a factor that does not
        exist takes the model's value (a zero factor above it keeps the product 0
        until that one is closed too).
        """
        num: Ints | int = 1
        den: Ints | int = 1
        for f, ((an, ad), (en, ed)) in enumerate(zip(self.actual, self.assumed, strict=True)):
            use = closed[:, f] | ~self.exists[f][idx]
            model = en[idx] if isinstance(en, np.ndarray) else en
            num = _core.mul(num, _pick(use, model, an[idx]))
            den = _core.mul(den, _pick(use, ed, ad[idx]))
        num, den = _as_ints(num, len(idx)), _as_ints(den, len(idx))
        # gain = num / den − booked / D, D the bookings' common denominator
        scale = self.data.bookings.denominator
        gain = _sub(_core.mul(num, scale), _core.mul(self.booked[idx], den))
        return _reduced(gain, _core.mul(den, scale))

    def names(self, idx: NDArray[np.intp]) -> tuple[str, ...]:
        """Return the names of reps `idx`, sorted."""
        ordered = idx[np.argsort(self.rank[idx], kind="stable")]
        return tuple(self.data.name_array[ordered].tolist())

    def details(
        self, idx: NDArray[np.intp], *, alone: bool = False
    ) -> list[list[tuple[int, int, int, Fraction, Fraction | None]]]:
        """Return, for each of the reps `idx`, its shortfalls in factor order.

        Each is ``(factor number, actual numerator, actual denominator, the model's
        value, the gain of closing it alone)``; the gain only when `alone` is true.
        """
        out: list[list[tuple[int, int, int, Fraction, Fraction | None]]] = [[] for _ in idx]
        short = self.short[idx]
        for f, ((an, ad), (en, ed)) in enumerate(zip(self.actual, self.assumed, strict=True)):
            at = np.flatnonzero(short[:, f])
            rows = idx[at]
            models = en[rows].tolist() if isinstance(en, np.ndarray) else [en] * len(rows)
            gains: list[Fraction | None] = [None] * len(rows)
            if alone:
                where, num, den = self.alone[f]
                pos = np.searchsorted(where, rows)
                gains = [
                    Fraction(g, d)
                    for g, d in zip(num[pos].tolist(), den[pos].tolist(), strict=True)
                ]
            for p, a, d, m, g in zip(
                at.tolist(), an[rows].tolist(), ad[rows].tolist(), models, gains, strict=True
            ):
                out[p].append((f, a, d, Fraction(m, ed), g))
        return out


def _as_ints(value: Ints | int, rows: int) -> Ints:
    """`value` as an array of `rows` whole numbers (a Python int is every row's)."""
    if isinstance(value, np.ndarray):
        return value
    if -(2**63) <= value < 2**63:
        return np.full(rows, value, dtype=np.int64)
    out = np.empty(rows, dtype=object)
    out[:] = value
    return out


def _built(cls: type[M], /, **values: Any) -> M:
    """Make a model from values salesmath worked out exactly, without validating them again.

    The same as ``cls(**values)`` for such values (the rep's own figures, exact
    fractions), at a fraction of the cost: a report may hold many thousand reps.
    """
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


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
    def _columns(self) -> _Columns:
        return _Columns(self.team._data, self.funnel, self.quota, 1 - self.tolerance)

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def underutilized(self) -> tuple[RepCapacity, ...]:
        """Reps below the model on at least one factor, largest gain first (then by name).

        Built from the report's columns the first time it is read: a large team's
        summary and table do not need a model per rep.
        """
        columns = self._columns
        data = self.team._data
        below = columns.below
        factors = columns.factors
        scale = data.bookings.denominator
        return tuple(
            _built(
                RepCapacity,
                rep=data.names[i],
                bookings=Fraction(booked, scale),
                shortfalls=tuple(
                    _built(Shortfall, factor=factors[f], actual=Fraction(a, d), assumed=model)
                    for f, a, d, model, _ in shortfalls
                ),
                gain=Fraction(num, den),
            )
            for i, booked, num, den, shortfalls in zip(
                below.tolist(),
                data.bookings.scaled[below].tolist(),
                *(part.tolist() for part in columns.gain),
                columns.details(below),
                strict=True,
            )
        )

    @property
    def _below(self) -> int:
        """How many reps are below the model on at least one factor."""
        return len(self._columns.below)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share_below(self) -> Amount:
        """The share of reps below the model on at least one factor."""
        return Fraction(self._below, len(self.team))

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def headroom(self) -> Amount:
        """Bookings gained if every rep closed every shortfall, by the multiplicative model."""
        return _core.ratio_sum(*self._columns.gain)

    # -- the team --------------------------------------------------------------

    @cached_property
    def _totals(self) -> tuple[int, int, int, list[int], int]:
        """Reps with a quota, their top-stage count and its need; stage totals; bookings."""
        columns = self._columns
        data = self.team._data
        known = columns.has_quota
        return (
            int(known.sum()),
            _core.total(data.counts[known, 0]),
            _core.total(columns.required[known]),
            data.stage_totals(),
            data.bookings.total(),
        )

    def _pooled(self, stars: Sequence[str] = ()) -> dict[str, tuple[Fraction, Fraction]]:
        """Per factor, the team's pooled actual and assumed value, without `stars`.

        Conversions (each a :class:`RateCell` that remembers its counts) and
        deal size are pooled over the reps; volume is the top-stage count of
        the reps with a quota against the total their quotas need.  A factor
        that does not exist for the group (no volume at a stage, no deals) is
        left out.
        """
        data = self.team._data
        columns = self._columns
        known, volume, needed, totals, booked = self._totals
        totals = list(totals)
        for i in (data.index[name] for name in stars):
            counts = [int(c) for c in data.counts[i].tolist()]
            totals = [t - c for t, c in zip(totals, counts, strict=True)]
            booked -= int(data.bookings.scaled[i])
            if columns.has_quota[i]:
                known -= 1
                volume -= counts[0]
                needed -= int(columns.required[i])
        stages = self.team.stages
        pooled: dict[str, tuple[Fraction, Fraction]] = {}
        if known:
            pooled[stages[0]] = (Fraction(volume), Fraction(needed))
        assumed = self._assumed
        for (upper, lower), (above, below) in zip(
            itertools.pairwise(stages), itertools.pairwise(totals), strict=True
        ):
            if above:
                name = conversion_name(upper, lower)
                pooled[name] = (RateCell.of(below, above), assumed[name])
        if totals[-1]:
            pooled[DEAL_SIZE] = (
                Fraction(booked, data.bookings.denominator) / totals[-1],
                assumed[DEAL_SIZE],
            )
        return pooled

    def _pooled_below(self, stars: Sequence[str] = ()) -> dict[str, bool]:
        keep = 1 - self.tolerance
        return {
            name: actual < assumed * keep for name, (actual, assumed) in self._pooled(stars).items()
        }

    def _stars(self, k: int) -> list[str]:
        """Return the `k` top reps by bookings (ties by name)."""
        data = self.team._data
        scaled = data.bookings.scaled
        candidates: Sequence[int] = range(len(data))
        if scaled.dtype != object and len(data) > k:
            line = np.partition(scaled, len(data) - k)[len(data) - k]
            candidates = np.flatnonzero(scaled >= line).tolist()
        top = heapq.nsmallest(k, candidates, key=lambda i: (-int(scaled[i]), data.names[i]))
        return [data.names[i] for i in top]

    @cached_property
    def _masking(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        meets = {name for name, below in self._pooled_below().items() if not below}
        n = len(self.team)
        ranked = self._stars(2) if n > 2 else []
        for k in (1, 2):
            if n - k <= k:  # the rest must outnumber the stars
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
        columns = self._columns
        order = columns.factors
        recommendations = []
        for factor, (idx, num, den) in zip(order, columns.alone, strict=True):
            if not len(idx):
                continue
            recommendations.append(
                _built(
                    Recommendation,
                    factor=factor,
                    reps=columns.names(idx),
                    gain=_core.ratio_sum(num, den),
                    action=self._action(factor),
                )
            )
        return tuple(sorted(recommendations, key=lambda r: (-r.gain, order.index(r.factor))))

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

    def _cell(self, factor: str, value: Fraction) -> Fraction:
        """Return a factor's value for a table or a sentence: a rate as a :class:`RateCell`."""
        if split_conversion(factor, self.funnel.stages) is None or isinstance(value, RateCell):
            return value
        return RateCell(value)

    def _show(self, factor: str, value: Fraction) -> str:
        return format_cell(self._cell(factor, value))

    def _headroom_text(self) -> str:
        if not self.headroom:
            return ""
        text = f"; closing their gaps adds {format_amount(self.headroom)}"
        n = len(self.team)
        own = self.team._data.quota
        count, total = own.count(), own.sum()
        if self.quota is not None:
            total += self.quota * (n - count)
            count = n
        if count:
            mean = total / count
            whose = (
                "an average rep's quota"
                if count == n
                else (
                    f"the average quota of the {format_count(count)} of {format_count(n)} "
                    "reps who have one"
                )
            )
            share = self.headroom / mean
            # 0.39 of a quota; 3.5 times a quota (not "3.5 of a quota")
            times = "of" if share < 1 else "times"
            text += f" — {format_amount(share)} {times} {whose} ({format_amount(mean)})"
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
        n, k = format_count(len(self.team)), format_count(self._below)
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
        """One sentence per recommendation (naming its reps, or counting them past NAMED_REPS)."""
        return [
            f"{'Look first at' if i == 0 else 'Then at'} {r.factor} ({_who(r.reps)}, "
            f"+{format_amount(r.gain)}): {r.action}."
            for i, r in enumerate(self.recommendations)
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

    def _rows(self, shown: int | None) -> list[tuple[str, str, Fraction, Fraction, Any]]:
        """Return the rows of the `shown` reps with the largest gains (None: every rep)."""
        columns = self._columns
        names = self.team._data.names
        below = columns.below if shown is None else columns.below[:shown]
        last = len(columns.factors) - 1
        return [
            (
                names[i],
                columns.factors[f],
                # a rate shows the rep's own counts
                RateCell.of(a, d) if 0 < f < last else Fraction(a, d),
                self._cell(columns.factors[f], model),
                gain,
            )
            for i, shortfalls in zip(
                below.tolist(), columns.details(below, alone=True), strict=True
            )
            for f, a, d, model, gain in shortfalls
        ]

    def _table(self, shown: int | None) -> Table:
        n, k = len(self.team), self._below
        tolerance = f", tolerance {format_percent(self.tolerance)}" if self.tolerance else ""
        rows = self._rows(None if shown is None or k <= shown else shown)
        notes = [self._verdict(), *self._looks()]
        if shown is not None and k > shown:
            notes.insert(
                0,
                f"The {shown} reps with the largest gains are shown; {k - shown:,} more reps "
                "below the model are not (to_frame() and underutilized have every one).",
            )
        return Table(
            title=(
                f"Capacity against the model: {format_count(k)} of {format_count(n)} reps "
                f"({format_percent(self.share_below)}) below "
                f"(limit {format_percent(self.max_share_below)}{tolerance})"
            ),
            columns=(
                Column("rep", align="left"),
                Column("below on", align="left"),
                Column("actual", format_cell),
                Column("model", format_cell),
                Column("gain", format_amount),
            ),
            rows=rows,
            notes=notes,
        )

    def table(self) -> Table:
        """Return one row per rep and shortfall: actual, model, the gain of closing it alone.

        Every rep below the model has its rows, largest gain first, so ``to_frame()``
        has them all; the text and HTML views show the :data:`SHOWN_REPS` reps with
        the largest gains and say how many more there are.
        """
        return self._table(None)

    def to_text(self) -> str:
        """Return the report as a plain-text table (what ``print`` shows).

        A team with more than :data:`SHOWN_REPS` reps below the model shows
        those with the largest gains, and says how many more there are.
        """
        return self._table(SHOWN_REPS).to_text()

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return self._table(SHOWN_REPS).to_html()

    def plot(self, ax: Axes | None = None, *, kind: str = "shortfalls", **kwargs: Any) -> Axes:
        """Draw the reps below the model, or the headroom; return the matplotlib axes.

        Draws on `ax` when given, else on a new figure; `kwargs` go to the main
        drawing call; ``kind="headroom"`` draws what closing the gaps is worth.
        Needs the ``plot`` extra.  See :func:`salesmath.plotting.plot_capacity`.
        """
        from salesmath.plotting import plot_capacity

        return plot_capacity(self, ax, kind=kind, **kwargs)

    def __repr__(self) -> str:
        below = self._columns.below
        names = (
            str([self.team._data.names[i] for i in below.tolist()])
            if len(below) <= SHOWN_REPS
            else f"{len(below):,} reps"
        )
        return (
            f"CapacityReport(reps={len(self.team)}, underutilized={names}, "
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
    columns = report._columns
    names = report.team._data.names
    below = [names[i] for i in columns.below.tolist() if columns.short[i, -1]]
    low = set(below)
    rest = [name for name in names if name not in low]
    copy = report.model_copy(
        update={"deal_size_mix": capacity_mix(history, below, rest, by=mix_by)}
    )
    copy.__dict__["_columns"] = columns  # the same team, funnel and options
    return copy
