"""Rep performance data: what each rep logged at each stage, and what they booked.

A :class:`Team` is the actuals side of the sales math: the same ordered stage
names as a :class:`~salesmath.Funnel` (top to bottom, the last being won
deals) and one :class:`RepStats` per rep with a whole count at every stage,
the rep's bookings and, optionally, quota, average sales cycle, role and
segment.  From those counts each rep's conversions ``"<a>_to_<b>"``, deal
size and attainment follow exactly.

Every count is what was logged, as it was logged: salesmath does not know
which deals are still open, so **an open deal counts as not won**.  A deal
still in progress adds to the stages it reached and not to won deals, which
lowers the conversion into won of a rep with many young deals.  Until teams
are built from deal-level history, compare reps over a period whose deals
have closed, or leave open deals out of the counts.

Counts do not have to shrink down the funnel: CRM data often logs more demos
than discovery calls (a demo booked straight from an inbound lead), so a
conversion worked out from logged counts may exceed 1.  salesmath reports it
as it is rather than rejecting the rep.

A team keeps its reps as columns (:mod:`salesmath._teamdata`): a count
array per stage and exact columns of bookings, quota and cycle days, so a
million reps are a few arrays.  ``Team.from_frame``, ``Team.from_arrays`` and
``Team.from_csv`` read columns without a model per rep; a :class:`RepStats`
is built when one is asked for (``team["ana"]``, ``team.reps``), and the
calculations (``compare_thirds``, ``assess_capacity``) read the columns.

The file, record and frame loaders live in :mod:`salesmath.io`;
``Team.from_records``, ``Team.from_csv`` and ``Team.from_frame`` call them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, cast

import numpy as np
from pydantic import (
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
)

from salesmath._arrays import as_array, is_batch
from salesmath._core import INT64_SAFE, largest
from salesmath._format import RateCell, format_amount, format_exact, format_percent
from salesmath._stages import check_stage_names, conversion_names
from salesmath._table import Column, Table, TabularModel, elided_rows
from salesmath._teamdata import ExactColumn, TeamColumns, read_columns
from salesmath.errors import (
    InvalidInputError,
    UnknownMetricError,
    UnknownRepError,
    UnknownStageError,
    describe_error,
)
from salesmath.io import (
    KNOWN_COLUMNS,
    OPTIONAL_COLUMNS,
    Rows,
    check_columns,
    infer_stages,
    inferred_note,
    read_csv,
    read_frame_columns,
    read_records,
    rep_fields,
)
from salesmath.numbers import (
    MAX_AMOUNT,
    Amount,
    PositiveAmount,
    parse_amount,
    parse_list,
    parse_name,
    parse_names,
    parse_whole,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from numpy.typing import NDArray
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = ["RepStats", "Team", "UnknownRepError"]

FIELDS: Final = KNOWN_COLUMNS
"""Column names of a rep's row besides its stage counts."""

DERIVED: Final = ("deal_size", "attainment")
"""Per-rep metrics worked out from the row."""

SHOWN_REPS: Final = 40
"""A team of more than this many reps prints its first and last ``SHOWN_REPS // 2``."""

_RESERVED: Final = frozenset((*FIELDS, *DERIVED, "counts"))
_REP_METRICS: Final = ("bookings", "deal_size", "attainment", "cycle_days")


def _exact_sum(values: Iterable[int | Fraction]) -> Fraction:
    """Add exact numbers quickly: over their common denominator, in whole numbers."""
    items = [Fraction(v) for v in values]
    if not items:
        return Fraction(0)
    common = math.lcm(*(v.denominator for v in items))
    return Fraction(sum(v.numerator * (common // v.denominator) for v in items), common)


def _conversion(upper: int, lower: int) -> Fraction | None:
    return None if upper == 0 else Fraction(lower, upper)


@functools.lru_cache(maxsize=4096)
def _stage_key(name: str) -> str | None:
    """Read a stage name as :func:`~salesmath.numbers.parse_name` does; None if it is no name.

    Cached: every rep of a team repeats the same stage names.
    """
    try:
        return parse_name(name, what="stage")
    except InvalidInputError:
        return None


def _count(value: object, *, what: str) -> int:
    """Read a whole count >= 0 (``12``, ``12.0``, ``"12"``, ``"1,200"``)."""
    if type(value) is int and 0 <= value <= MAX_AMOUNT:
        return value  # the common case, without building a Fraction
    return parse_whole(value, what=what)


def _name(value: object, *, what: str) -> str:
    """Refuse a rep name that is not text, naming the argument."""
    if not isinstance(value, str):
        raise InvalidInputError(f"{what} must be a rep's name (text), got {value!r}"[:300])
    return value


class RepStats(TabularModel):
    """One rep's actuals: a count per stage, bookings, and optional context.

    Every count is what was logged; an open deal counts as not won.

    Parameters
    ----------
    rep
        The rep's name, unique within a team (stripped and NFC-normalised;
        invisible characters are dropped).
    counts
        Stage name → whole count >= 0, top to bottom; the last stage is won
        deals.  Stage names are read like the rep's name, so ``"won "`` and
        ``"won"`` are one name.  In a :class:`Team` the order is the team's
        stage order.
    bookings
        Money the rep booked, >= 0.
    quota
        The rep's quota, > 0, if they carry one (needed for ``attainment``).
    cycle_days
        The rep's average days from the top stage to won, >= 0.
    role, segment
        Free text, for filtering and reading (``"AE"``, ``"enterprise"``).

    Examples
    --------
    >>> ana = RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000,
    ...                quota=1_500_000)
    >>> ana.conversions, ana.deal_size, ana.attainment
    ({'demos_to_won': Fraction(11, 24)}, Fraction(160000, 1), Fraction(88, 75))
    >>> ana
    RepStats(rep='ana', counts={'demos': 24, 'won': 11}, bookings=1760000, quota=1500000)
    >>> ana.summary()
    'Rep ana: bookings 1,760,000, deal size 160,000, attainment 117.3%.'
    >>> RepStats(rep="bo", counts={"demos": -2, "won": 0}, bookings=0)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for RepStats
    counts
      Value error, count of 'demos' for rep 'bo' must be a whole number >= 0, got -2 ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rep: str = Field(min_length=1, description="the rep's name, unique within a team")
    counts: dict[str, Annotated[int, Field(ge=0)]] = Field(
        min_length=1, description="stage → whole count >= 0, top to bottom; the last is won"
    )
    bookings: Amount = Field(description="money the rep booked")
    quota: PositiveAmount | None = Field(default=None, description="the rep's quota, if any")
    cycle_days: Amount | None = Field(
        default=None, description="the rep's average days from the top stage to won"
    )
    role: str | None = None
    segment: str | None = None

    @field_validator("rep", mode="before")
    @classmethod
    def _check_rep(cls, rep: Any) -> str:
        return parse_name(rep, what="rep")

    @field_validator("counts", mode="before")
    @classmethod
    def _parse_counts(cls, value: Any, info: ValidationInfo) -> dict[str, int]:
        rep = info.data.get("rep")
        whose = f" for rep {rep!r}" if rep is not None else ""
        if not isinstance(value, Mapping):
            raise InvalidInputError(
                f"counts{whose} must be a mapping of stage to count, got {value!r}"[:300]
            )
        counts: dict[str, int] = {}
        for stage, count in value.items():
            # short names through the cache; a long one is read (and refused) uncached
            name = _stage_key(stage) if isinstance(stage, str) and len(stage) <= 256 else None
            if name is None:
                name = parse_name(stage, what=f"a stage name in counts{whose}")
            if name in counts:
                raise InvalidInputError(
                    f"counts{whose} name stage {name!r} twice (names are read without "
                    f"surrounding spaces and invisible characters); keep one"
                )
            counts[name] = _count(count, what=f"count of {name!r}{whose}")
        return counts

    @field_validator("bookings", mode="before")
    @classmethod
    def _parse_bookings(cls, value: Any, info: ValidationInfo) -> Fraction:
        return parse_amount(value, what=f"bookings of rep {info.data.get('rep')!r}")

    @field_validator("quota", mode="before")
    @classmethod
    def _parse_quota(cls, value: Any, info: ValidationInfo) -> Fraction | None:
        if value is None:
            return None
        rep = info.data.get("rep")
        try:
            return parse_amount(value, what=f"quota of rep {rep!r}", positive=True)
        except InvalidInputError as exc:
            raise InvalidInputError(f"{exc}; leave it empty if the rep has no quota") from None

    @field_validator("cycle_days", mode="before")
    @classmethod
    def _parse_cycle_days(cls, value: Any, info: ValidationInfo) -> Fraction | None:
        if value is None:
            return None
        return parse_amount(value, what=f"cycle_days of rep {info.data.get('rep')!r}")

    # -- derived metrics -------------------------------------------------------

    @property
    def stages(self) -> tuple[str, ...]:
        """The stage names, in the order of `counts`."""
        return tuple(self.counts)

    @property
    def deals(self) -> int:
        """Won deals: the count at the last stage (an open deal is not won)."""
        return list(self.counts.values())[-1]

    @property
    def conversions(self) -> dict[str, Fraction | None]:
        """Each conversion ``"<a>_to_<b>"``: count at b ÷ count at a, None when a is 0.

        Counts need not shrink down the funnel, so a conversion may exceed 1.
        """
        values = list(self.counts.values())
        return {
            name: _conversion(values[i], values[i + 1])
            for i, name in enumerate(conversion_names(self.stages))
        }

    @property
    def deal_size(self) -> Fraction | None:
        """Bookings per won deal; None with no won deals."""
        deals = self.deals
        return None if deals == 0 else self.bookings / deals

    @property
    def attainment(self) -> Fraction | None:
        """Bookings ÷ quota; None without a quota."""
        return None if self.quota is None else self.bookings / self.quota

    def metric(self, name: str) -> int | Fraction | None:
        """Return one value by name: a stage count, a conversion, or a field.

        `name` is a stage, a conversion ``"<a>_to_<b>"``, ``"bookings"``,
        ``"deal_size"``, ``"attainment"``, ``"cycle_days"`` or ``"quota"``.
        A value that does not exist (the deal size of no deals) is None.

        Raises
        ------
        UnknownMetricError
            If there is no metric of that name (a ``KeyError`` and a
            ``ValueError``).

        Examples
        --------
        >>> rep = RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000)
        >>> rep.metric("won"), rep.metric("demos_to_won"), rep.metric("attainment")
        (11, Fraction(11, 24), None)
        >>> rep.metric("close")
        Traceback (most recent call last):
        ...
        salesmath.errors.UnknownMetricError: unknown metric 'close'; the metrics are 'demos', 'won', 'demos_to_won', 'bookings', 'deal_size', 'attainment', 'cycle_days', 'quota'
        """
        if isinstance(name, str):
            if name in self.counts:
                return self.counts[name]
            conversions = self.conversions
            if name in conversions:
                return conversions[name]
            if name in (*_REP_METRICS, "quota"):
                value: int | Fraction | None = getattr(self, name)
                return value
        known = (*self.counts, *conversion_names(self.stages), *_REP_METRICS, "quota")
        raise UnknownMetricError(name, known)

    def table(self) -> Table:
        """Return the rep's counts and conversions as a table (raw values)."""
        counts = list(self.counts.values())
        rows = [
            (
                stage,
                count,
                # a rep's rate is measured from the rep's counts: show them
                RateCell.of(counts[i + 1], count) if i + 1 < len(counts) and count else None,
            )
            for i, (stage, count) in enumerate(self.counts.items())
        ]
        parts = [f"bookings {format_amount(self.bookings)}"]
        if self.deal_size is not None:
            parts.append(f"deal size {format_amount(self.deal_size)}")
        if self.attainment is not None:
            parts.append(f"attainment {format_percent(self.attainment)}")
        return Table(
            title=f"Rep {self.rep}: {', '.join(parts)}",
            columns=(
                Column("stage", align="left"),
                Column("count"),
                Column("to next"),
            ),
            rows=rows,
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the rep's funnel: the count logged at each stage, the conversions between.

        See :func:`salesmath.plotting.plot_rep_stats`; needs the ``plot``
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
            The axes drawn on, the top stage on top.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ana = RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000)
        >>> ax = ana.plot()
        >>> [float(bar.get_width()) for bar in ax.patches], ax.get_title()
        ([24.0, 11.0], 'Rep ana: bookings 1,760,000, deal size 160,000')
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from salesmath.plotting import plot_rep_stats

        return plot_rep_stats(self, ax, **kwargs)

    def __repr__(self) -> str:
        counts = ", ".join(f"{s!r}: {c}" for s, c in self.counts.items())
        extra = "".join(
            f", {name}={format_exact(value)}"
            for name in ("quota", "cycle_days")
            if (value := getattr(self, name)) is not None
        )
        extra += "".join(
            f", {name}={value!r}"
            for name in ("role", "segment")
            if (value := getattr(self, name)) is not None
        )
        return (
            f"RepStats(rep={self.rep!r}, counts={{{counts}}}, "
            f"bookings={format_exact(self.bookings)}{extra})"
        )


def _at_least(a: ExactColumn, b: ExactColumn) -> NDArray[np.bool_]:
    """Whether each rep's value in `a` is at least its value in `b`, exactly (False where either is missing).

    ``a/p >= b/q`` is compared as ``a·q >= b·p`` in whole numbers: int64 when
    the products are bounded below 2**62, Python ints otherwise.
    """
    left, right = a.scaled, b.scaled
    bound = max(largest(left) * b.denominator, largest(right) * a.denominator)
    if left.dtype == object or right.dtype == object or bound >= INT64_SAFE:
        left, right = left.astype(object), right.astype(object)
    result: NDArray[np.bool_] = np.asarray(left * b.denominator >= right * a.denominator, bool)
    for present in (a.present, b.present):
        if present is not None:
            result &= present
    return result


def _models(data: TeamColumns) -> tuple[RepStats, ...]:
    """Build every rep's model from the columns, without validating again what was read.

    Each model is what ``RepStats(**fields)`` makes of those values (the
    optional fields not given are unset), built directly: a few seconds for
    a million reps, several times faster than ``model_construct``.
    """
    new, setattr_ = RepStats.__new__, object.__setattr__
    stages = data.stages
    unset: dict[tuple[bool, ...], frozenset[str]] = {}
    reps = []
    for name, counts, bookings, quota, cycle_days, role, segment in zip(
        data.names,
        data.counts.tolist(),
        data.bookings.tolist(),
        data.quota.tolist(),
        data.cycle_days.tolist(),
        data.role,
        data.segment,
        strict=True,
    ):
        rep = new(RepStats)
        values = {
            "rep": name,
            "counts": dict(zip(stages, counts, strict=True)),
            "bookings": bookings,
            "quota": quota,
            "cycle_days": cycle_days,
            "role": role,
            "segment": segment,
        }
        key = (quota is not None, cycle_days is not None, role is not None, segment is not None)
        given = unset.get(key)
        if given is None:
            optional = ("quota", "cycle_days", "role", "segment")
            given = unset[key] = frozenset(
                ("rep", "counts", "bookings", *(f for f, k in zip(optional, key, strict=True) if k))
            )
        setattr_(rep, "__dict__", values)
        setattr_(rep, "__pydantic_fields_set__", set(given))
        setattr_(rep, "__pydantic_extra__", None)
        setattr_(rep, "__pydantic_private__", None)
        reps.append(rep)
    return tuple(reps)


def _python(value: object) -> object:
    """Return a numpy scalar as the Python value the row-by-row reader sees."""
    return value.item() if isinstance(value, np.generic) else value


def _ratios(
    numerators: list[int], denominators: list[int], scale: int = 1
) -> list[Fraction | None]:
    """Each numerator ÷ (denominator × scale), exact; None where the denominator is 0."""
    return [
        Fraction(n, d * scale) if d else None for n, d in zip(numerators, denominators, strict=True)
    ]


def _values(data: TeamColumns, conversions: tuple[str, ...], metric: str) -> list[Any]:
    """Each rep's value of `metric`, worked out from the columns (None where it does not exist)."""
    counts = data.counts
    if metric in data.stages:
        return [int(c) for c in counts[:, data.stages.index(metric)].tolist()]
    if metric in conversions:
        i = conversions.index(metric)
        return _ratios(counts[:, i + 1].tolist(), counts[:, i].tolist())
    if metric == "deal_size":
        return _ratios(
            data.bookings.scaled.tolist(), counts[:, -1].tolist(), data.bookings.denominator
        )
    if metric == "attainment":
        quota, bookings = data.quota, data.bookings
        return [
            None if q is None else Fraction(b * q.denominator, bookings.denominator * q.numerator)
            for b, q in zip(bookings.scaled.tolist(), quota.tolist(), strict=True)
        ]
    column = data.bookings if metric == "bookings" else data.cycle_days
    return column.tolist()


def _rep_from_row(
    row: Mapping[str, Any], stages: Sequence[str], *, place: str, inferred: bool
) -> RepStats:
    """Build a RepStats from a flat row, placing any error at `place`."""
    fields = rep_fields(row, stages, place=place, inferred=inferred)
    try:
        return RepStats(**fields)
    except ValidationError as exc:
        note = ""
        if inferred and any(error["loc"][:1] == ("counts",) for error in exc.errors()):
            for stage in stages:
                try:
                    _count(row[stage], what=stage)
                except InvalidInputError:
                    note = inferred_note(stages, stage)
                    break
        raise InvalidInputError(f"{place}: {describe_error(exc)}{note}") from None


class Team(TabularModel):
    """A sales team's actuals: stage names and one :class:`RepStats` per rep.

    Every count is what was logged, and an open deal counts as not won (see
    the module notes): compare reps over a period whose deals have closed.

    Parameters
    ----------
    stages
        At least two unique stage names, top to bottom; the last is won
        deals.  Names are stripped and NFC-normalised, invisible characters
        dropped, so names that differ only by those are one name (and
        refused as duplicates).  Names may not be a row field (``rep``,
        ``bookings``, ``quota``, ``cycle_days``, ``role``, ``segment``) or a
        derived metric (``deal_size``, ``attainment``).
    reps
        At least one rep; names unique; every rep has a count for every
        stage and for no other (their counts are put in the team's stage
        order).  Counts need not shrink down the funnel.

    Examples
    --------
    >>> team = Team(stages=["demos", "won"], reps=[
    ...     RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000),
    ...     RepStats(rep="bo", counts={"won": 6, "demos": 24}, bookings=420_000),
    ... ])
    >>> team["bo"].counts, team["bo"].deal_size
    ({'demos': 24, 'won': 6}, Fraction(70000, 1))
    >>> team
    Team(stages=['demos', 'won'], reps=2)
    >>> print(team)
    Team of 2 reps
    rep  demos  won   bookings
    ---  -----  ---  ---------
    ana     24   11  1,760,000
    bo      24    6    420,000
    >>> print(team.summary())
    2 reps over 2 stages (demos → won). Together they logged 48 demos and won 17 deals (35.4% of demos), booking 2,180,000 at an average deal size of 128,235.29. No rep has a quota. Every count is as logged: an open deal counts as not won.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    stages: tuple[str, ...] = Field(
        min_length=2, description="stage names, top to bottom; the last is won deals"
    )
    reps: tuple[RepStats, ...] = Field(min_length=1, description="one entry per rep")

    @field_validator("stages", mode="before")
    @classmethod
    def _check_stages(cls, stages: Any) -> tuple[str, ...]:
        return check_stage_names(stages, reserved=_RESERVED)

    @field_validator("reps", mode="before")
    @classmethod
    def _read_reps(cls, reps: Any) -> list[Any]:
        try:
            return parse_list(reps, what="reps")
        except InvalidInputError:
            raise InvalidInputError(
                f"reps must be a list of RepStats (or mappings of their fields), got {reps!r}"[:300]
            ) from None

    @field_validator("reps")
    @classmethod
    def _check_reps(cls, reps: tuple[RepStats, ...], info: ValidationInfo) -> tuple[RepStats, ...]:
        stages = info.data.get("stages")
        if stages is None:
            return reps
        seen: set[str] = set()
        expected = set(stages)
        ordered = []
        for rep in reps:
            if rep.rep in seen:
                raise ValueError(f"rep names must be unique, got {rep.rep!r} twice")
            seen.add(rep.rep)
            if tuple(rep.counts) != stages:
                if set(rep.counts) != expected:
                    missing = [s for s in stages if s not in rep.counts]
                    unknown = [s for s in rep.counts if s not in expected]
                    problems = []
                    if missing:
                        problems.append(f"no count for {', '.join(repr(s) for s in missing)}")
                    if unknown:
                        problems.append(
                            f"unknown stage{'s' if len(unknown) > 1 else ''} "
                            f"{', '.join(repr(s) for s in unknown)}"
                        )
                    raise ValueError(
                        f"rep {rep.rep!r} has {' and '.join(problems)}; every rep needs a count "
                        f"for each of the team's stages {list(stages)}"
                    )
                rep = rep.model_copy(update={"counts": {s: rep.counts[s] for s in stages}})
            ordered.append(rep)
        return tuple(ordered)

    # -- lookups ---------------------------------------------------------------

    @cached_property
    def _data(self) -> TeamColumns:
        """The reps as columns (salesmath's calculations read these, not the models)."""
        reps = self.reps
        return TeamColumns.of_rows(
            self.stages,
            [rep.rep for rep in reps],
            [list(rep.counts.values()) for rep in reps],
            [rep.bookings for rep in reps],
            [rep.quota for rep in reps],
            [rep.cycle_days for rep in reps],
            [rep.role for rep in reps],
            [rep.segment for rep in reps],
        )

    @classmethod
    def _of_columns(cls, data: TeamColumns) -> Team:
        """Make a team from columns already read and checked, with no model per rep.

        Its ``reps`` are built from the columns the first time they are asked for.
        """
        team = cls.__new__(cls)
        object.__setattr__(team, "__dict__", {"stages": data.stages, "_data": data})
        object.__setattr__(team, "__pydantic_fields_set__", {"stages", "reps"})
        object.__setattr__(team, "__pydantic_extra__", None)
        object.__setattr__(team, "__pydantic_private__", None)
        return team

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            data = self.__dict__.get("_data")
            if name == "reps" and data is not None:  # a team of columns: models when asked
                reps = _models(data)
                self.__dict__["reps"] = reps
                return reps
            return super().__getattr__(name)

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> Any:
        _ = self.reps  # a team made from columns writes its reps like any other
        return handler(self)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # the serializer above only builds the reps first: a team is written as it is read
        fields = {key: value for key, value in core_schema.items() if key != "serialization"}
        return handler(cast("CoreSchema", fields))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Team):
            return NotImplemented
        return self.stages == other.stages and self._data.equals(other._data)

    __hash__ = None  # type: ignore[assignment]  # a team holds mappings, as its reps do

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Team:
        """Return a copy (pydantic's ``model_copy``); `update` is not validated."""
        _ = self.reps  # the copy carries the models, and works out its columns anew
        return super().model_copy(update=update, deep=deep)

    @property
    def names(self) -> tuple[str, ...]:
        """The rep names, in the team's order."""
        return self._data.names

    @property
    def conversions(self) -> tuple[str, ...]:
        """The conversion names, ``"<upper>_to_<lower>"``, top to bottom.

        Examples
        --------
        >>> Team(stages=["discos", "demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"discos": 5, "demos": 3, "won": 1}, bookings=9)
        ... ]).conversions
        ('discos_to_demos', 'demos_to_won')
        """
        return conversion_names(self.stages)

    @property
    def metric_names(self) -> tuple[str, ...]:
        """Every per-rep metric: stages, conversions, bookings, deal size, attainment, cycle days."""
        return (*self.stages, *self.conversions, *_REP_METRICS)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, rep: object) -> bool:
        return isinstance(rep, str) and rep in self._data.index

    def __getitem__(self, rep: str) -> RepStats:
        """Return one rep's stats by name.

        Raises
        ------
        UnknownRepError
            If no rep has that name (a ``KeyError`` and a ``ValueError``).
        InvalidInputError
            If `rep` is not text.
        """
        i = self._data.index.get(_name(rep, what="rep"))
        if i is None:
            raise UnknownRepError(rep, self.names)
        if "reps" in self.__dict__:
            return self.reps[i]
        return RepStats.model_construct(**self._data.fields(i))

    def values(self, metric: str) -> list[int | Fraction | None]:
        """Return each rep's value of `metric`, in the team's order (None where it does not exist).

        Raises
        ------
        UnknownMetricError
            If `metric` is not one of :attr:`metric_names` (a ``KeyError``
            and a ``ValueError``).

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000),
        ...     RepStats(rep="bo", counts={"demos": 0, "won": 0}, bookings=0),
        ... ])
        >>> team.values("demos_to_won"), team.values("deal_size")
        ([Fraction(11, 24), None], [Fraction(160000, 1), None])
        """
        if not isinstance(metric, str) or metric not in self.metric_names:
            raise UnknownMetricError(metric, self.metric_names)
        return _values(self._data, self.conversions, metric)

    # -- new teams from this one -------------------------------------------------

    def without(self, reps: str | Iterable[str]) -> Team:
        """Return the team without the named reps.

        Parameters
        ----------
        reps
            One rep's name, or a list of names.

        Raises
        ------
        UnknownRepError
            If a name is not on the team.
        InvalidInputError
            If `reps` is not a name or a list of names, or no rep would be
            left.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep=name, counts={"demos": 10, "won": 3}, bookings=30) for name in "abc"
        ... ])
        >>> team.without(["b"]).names
        ('a', 'c')
        >>> team.without(5)
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: reps must be a rep's name or a list of names, got 5
        """
        rule = "reps must be a rep's name or a list of names"
        if isinstance(reps, str):
            drop = [reps]
        else:
            try:
                drop = parse_list(reps, what="reps")
            except InvalidInputError:
                raise InvalidInputError(f"{rule}, got {reps!r}"[:300]) from None
        for name in drop:
            if not isinstance(name, str):
                raise InvalidInputError(f"{rule}, got {name!r} in {drop!r}"[:300])
            if name not in self._data.index:
                raise UnknownRepError(name, self.names)
        dropped = set(drop)
        kept = [i for i, name in enumerate(self._data.names) if name not in dropped]
        if not kept:
            raise InvalidInputError(f"without({drop!r}) would leave the team with no reps")
        return Team._of_columns(self._data.take(kept))

    def select(self, *, role: str | None = None, segment: str | None = None) -> Team:
        """Return the reps of one role and/or segment.

        Raises
        ------
        InvalidInputError
            If `role` or `segment` is not text, or no rep matches.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 8, "won": 3}, bookings=480, segment="ent"),
        ...     RepStats(rep="bo", counts={"demos": 40, "won": 9}, bookings=90, segment="smb"),
        ... ])
        >>> team.select(segment="smb").names
        ('bo',)
        """
        for what, value in (("role", role), ("segment", segment)):
            if value is not None and not isinstance(value, str):
                raise InvalidInputError(f"{what} must be text or None, got {value!r}"[:300])
        data = self._data
        kept = [
            i
            for i, (r, s) in enumerate(zip(data.role, data.segment, strict=True))
            if (role is None or r == role) and (segment is None or s == segment)
        ]
        if not kept:
            raise InvalidInputError(
                f"no rep has role={role!r} and segment={segment!r}; the roles are "
                f"{sorted({r for r in data.role if r is not None})!r} and the segments "
                f"{sorted({s for s in data.segment if s is not None})!r}"
            )
        return Team._of_columns(data.take(kept))

    def without_deal(self, rep: str, amount: object, *, stages: Iterable[str] = ()) -> Team:
        """Take one won deal out of a rep's numbers, keeping the rep.

        Use it to neutralise a one-off whale deal ("the largest deal in
        segment history") that would make one rep look like a different
        kind of seller: the rep's bookings drop by `amount` and their won
        count by one; each stage in `stages` (the stages that deal passed
        through and that count deals, such as demos) drops by one too.

        Parameters
        ----------
        rep
            The rep who won the deal (one name; take deals out one at a time).
        amount
            The deal's value, > 0 and at most the rep's bookings.
        stages
            A list of the other stages whose count included this deal.

        Returns
        -------
        Team

        Raises
        ------
        UnknownRepError
            If `rep` is not on the team.
        UnknownStageError
            If a stage is not one of the team's.
        InvalidInputError
            If `rep` is not a name, `stages` not a list of names, the rep
            has no won deal, `amount` is out of range, or a stage is already
            at 0.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 20, "won": 5}, bookings=2_400_000),
        ... ])
        >>> whale_free = team.without_deal("ana", 2_000_000, stages=["demos"])
        >>> whale_free["ana"]
        RepStats(rep='ana', counts={'demos': 19, 'won': 4}, bookings=400000)
        >>> team.without_deal(["ana"], 2_000_000)
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: rep must be a rep's name (text), got ['ana']
        """
        stats = self[_name(rep, what="rep")]
        value = parse_amount(amount, what="amount", positive=True)
        passed = parse_names(stages, what="stages")
        won = self.stages[-1]
        if stats.counts[won] == 0:
            raise InvalidInputError(f"rep {rep!r} has no {won!r} deal to take out")
        if value > stats.bookings:
            raise InvalidInputError(
                f"amount {format_exact(value)} is more than the bookings of rep {rep!r}, "
                f"{format_exact(stats.bookings)}; give the value of one of their deals"
            )
        counts = dict(stats.counts)
        for stage in dict.fromkeys([*passed, won]):
            if stage not in counts:
                raise UnknownStageError(stage, self.stages)
            if counts[stage] == 0:
                raise InvalidInputError(
                    f"rep {rep!r} has 0 at {stage!r}, so the deal cannot have passed through it"
                )
            counts[stage] -= 1
        data = self._data
        changed = data.replace_rep(
            data.index[stats.rep], list(counts.values()), stats.bookings - value
        )
        return Team._of_columns(changed)

    def renamed(self, stages: Sequence[str]) -> Team:
        """Return the team with its stages renamed, top to bottom (the counts unchanged).

        Use it when the team's columns and a funnel name the same stages
        differently (``"SQL"`` and ``"demos"``).

        Raises
        ------
        InvalidInputError
            If `stages` is not a list of as many unique names as the team has stages.

        Examples
        --------
        >>> team = Team(stages=["SQL", "Closed Won"], reps=[
        ...     RepStats(rep="ana", counts={"SQL": 24, "Closed Won": 11}, bookings=1_760_000),
        ... ])
        >>> team.renamed(["demos", "won"])["ana"].counts
        {'demos': 24, 'won': 11}
        """
        names = self._stage_names(stages)
        if len(names) != len(self.stages):
            raise InvalidInputError(
                f"stages must name the team's {len(self.stages)} stages "
                f"({', '.join(self.stages)}), top to bottom; got {len(names)}"
            )
        return Team._of_columns(dataclasses.replace(self._data, stages=names))

    def total(self) -> RepStats:
        """Return the whole team as one rep: counts and bookings added up.

        Its conversions and deal size are the team's pooled metrics; its
        quota is the sum of quotas when every rep has one; its cycle days the
        mean over reps who have them.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000),
        ...     RepStats(rep="bo", counts={"demos": 24, "won": 6}, bookings=420_000),
        ... ])
        >>> team.total().conversions, team.total().deal_size
        ({'demos_to_won': Fraction(17, 48)}, Fraction(2180000, 17))
        """
        data = self._data
        cycles = data.cycle_days.count()
        return RepStats.model_construct(
            rep="team",
            counts=dict(zip(self.stages, data.stage_totals(), strict=True)),
            bookings=data.bookings.sum(),
            quota=data.quota.sum() if data.quota.complete else None,
            cycle_days=data.cycle_days.sum() / cycles if cycles else None,
            role=None,
            segment=None,
        )

    # -- loaders (salesmath.io reads the rows; these build the team) --------------

    @classmethod
    def _stage_names(cls, stages: object) -> tuple[str, ...]:
        return check_stage_names(stages, reserved=_RESERVED, what="stages")

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any] | RepStats], *, stages: Sequence[str] | None = None
    ) -> Team:
        """Build a team from plain rows, one per rep.

        Each row is a mapping with the columns of :meth:`from_csv` (``rep``,
        one key per stage, ``bookings``, optionally ``quota``,
        ``cycle_days``, ``role``, ``segment``; other keys are ignored when
        `stages` is given), or a :class:`RepStats`.  Keys are read like stage
        names (stripped, NFC, invisible characters dropped).  Empty optional
        values (None, ``""``, NaN) mean "not given".  Every count is what was
        logged; an open deal counts as not won.

        Parameters
        ----------
        records
            A list of rows.
        stages
            A list of stage names, top to bottom.  Left out, they are the
            first row's stages when it is a :class:`RepStats`, else inferred
            from the keys by the rule of :meth:`from_csv`, which refuses
            (and asks for `stages`) whenever a key might not be a stage.

        Raises
        ------
        InvalidInputError
            If `records` or `stages` is not a list, or naming the row
            (counted from 1) and what is wrong with it.

        Examples
        --------
        >>> team = Team.from_records([
        ...     {"rep": "ana", "demos": 24, "won": 11, "bookings": 1_760_000, "quota": 1_500_000},
        ...     {"rep": "bo", "demos": 24, "won": 6, "bookings": 420_000, "quota": 1_500_000},
        ... ], stages=["demos", "won"])
        >>> [rep.attainment for rep in team.reps]
        [Fraction(88, 75), Fraction(7, 25)]
        >>> Team.from_records([{"rep": "ana", "demos": 24, "won": "x", "bookings": 0}],
        ...                   stages=["demos", "won"])
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: row 1: counts: count of 'won' for rep 'ana' must be a whole number >= 0, got 'x'
        >>> Team.from_records([{"rep": "ana", "demos": 24, "won": 3, "bookings": 9, "quotaa": 5}])
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: records: cannot tell which columns are stages: 'quotaa' looks like 'quota' misspelt; 'quotaa' is not between 'rep' and 'bookings', where the stage columns go (the candidates are 'demos', 'won', 'quotaa'); name the stages, top to bottom, with stages=[...] (on the command line, --stages a,b,c)
        """
        names = None if stages is None else cls._stage_names(stages)
        items, columns = read_records(records)
        inferred = False
        if names is None:
            first = items[0]
            if isinstance(first, RepStats):
                names = first.stages
            else:
                names, inferred = infer_stages(columns, source="records"), True
        reps = []
        for i, item in enumerate(items, start=1):
            if isinstance(item, RepStats):
                reps.append(item)
            elif isinstance(item, Mapping):
                reps.append(_rep_from_row(item, names, place=f"row {i}", inferred=inferred))
            else:
                raise InvalidInputError(
                    f"row {i} must be a mapping of column to value or a RepStats, got {item!r}"[
                        :300
                    ]
                )
        return cls._build(names, reps, [f"row {i}" for i in range(1, len(reps) + 1)])

    @staticmethod
    def _columns_to_stages(
        columns: Sequence[str], source: str, stages: tuple[str, ...] | None
    ) -> tuple[str, ...]:
        """Return the stages (inferred when None) after checking that `columns` hold them."""
        names = infer_stages(columns, source=source) if stages is None else stages
        check_columns(columns, names, source=source)
        return names

    @classmethod
    def _from_rows(cls, rows: Rows, stages: tuple[str, ...] | None) -> Team:
        inferred = stages is None
        names = cls._columns_to_stages(rows.columns, rows.source, stages)
        reps = [
            _rep_from_row(row, names, place=place, inferred=inferred) for place, row in rows.rows
        ]
        return cls._build(names, reps, [place for place, _ in rows.rows])

    @classmethod
    def _build(cls, stages: Sequence[str], reps: list[RepStats], where: list[str]) -> Team:
        first: dict[str, str] = {}
        for rep, place in zip(reps, where, strict=True):
            if rep.rep in first:
                raise InvalidInputError(
                    f"{place}: rep {rep.rep!r} appears twice (first at {first[rep.rep]}); "
                    "give one row per rep"
                )
            first[rep.rep] = place
        try:
            return cls(stages=tuple(stages), reps=tuple(reps))
        except ValidationError as exc:
            raise InvalidInputError(describe_error(exc)) from None

    @classmethod
    def from_csv(cls, path: str | Path, *, stages: Sequence[str] | None = None) -> Team:
        r"""Read a team from a CSV file, one row per rep.

        Columns (a header row, names as below):

        ``rep``
            the rep's name (required, unique);
        one column per stage
            a whole count >= 0, as logged: an open deal counts as not won
            (required);
        ``bookings``
            money booked, >= 0 (required);
        ``quota``, ``cycle_days``, ``role``, ``segment``
            optional; an empty cell means "not given".

        Numbers may be written ``1200``, ``1200.50`` or ``"1,200"``.  With
        `stages` given, other columns are ignored.

        Without `stages`, the stages are inferred only when the layout
        leaves no doubt: every column that is not one of the known ones above
        sits between ``rep`` and ``bookings`` (as in ``rep, activities,
        discos, demos, won, bookings, quota``), none looks like a known
        column misspelt (``quotaa``), and there are at least two.  Any other
        column (``tenure_months``, ``manager``) is an error that lists the
        candidate columns and asks for `stages` (``--stages`` on the command
        line): salesmath never guesses which numbers are stage counts.

        Parameters
        ----------
        path
            The CSV file (UTF-8, a byte-order mark is fine).
        stages
            A list of stage names, top to bottom.

        Raises
        ------
        InvalidInputError
            On a missing column, or a row that cannot be read: the message
            gives the file, the line number and what is wrong.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "team.csv"
        >>> _ = path.write_text("rep,demos,won,bookings\nana,24,11,1760000\nbo,24,six,420000\n")
        >>> Team.from_csv(path, stages=["demos", "won"])
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: ...team.csv, line 3: counts: count of 'won' for rep 'bo' must be a whole number >= 0, got 'six'
        >>> _ = path.write_text("rep,demos,won,bookings,manager\nana,24,11,1760000,Kim\n")
        >>> Team.from_csv(path)
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: ...team.csv: cannot tell which columns are stages: 'manager' is not between 'rep' and 'bookings', where the stage columns go (the candidates are 'demos', 'won', 'manager'); name the stages, top to bottom, with stages=[...] (on the command line, --stages a,b,c)
        >>> Team.from_csv(path, stages=["demos", "won"]).names
        ('ana',)
        """
        names = None if stages is None else cls._stage_names(stages)
        rows = read_csv(
            path,
            check_header=lambda columns, source: cls._columns_to_stages(columns, source, names),
        )
        if not rows.rows:
            return cls._from_rows(rows, names)  # the row-by-row reader says what is missing
        inferred = names is None
        names = cls._columns_to_stages(rows.columns, rows.source, names)
        records = [row for _, row in rows.rows]
        arrays: dict[str, Any] = {}
        for column in ("rep", *names, "bookings", *OPTIONAL_COLUMNS):
            if column in rows.columns:
                array = arrays[column] = np.empty(len(records), dtype=object)
                array[:] = [row.get(column) for row in records]
        return cls._read_columns(
            names,
            arrays,
            len(records),
            row=records.__getitem__,
            place=lambda i: rows.rows[i][0],
            inferred=inferred,
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, stages: Sequence[str] | None = None) -> Team:
        """Build a team from a data frame with the columns of :meth:`from_csv`.

        A pandas frame's rep names may be a ``rep`` column or the index
        (named ``rep``), as :meth:`to_frame` writes them; any other frame
        narwhals reads (polars, pyarrow ...) needs a ``rep`` column.  Missing
        optional values (NaN, None) mean "not given".  Without `stages`,
        they are inferred by the rule of :meth:`from_csv`.

        Raises
        ------
        InvalidInputError
            If `frame` is not a data frame, on a missing column, or on a row
            that cannot be read (named by its index label).

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"rep": ["ana", "bo"], "demos": [24, 24], "won": [11, 6],
        ...                       "bookings": [1_760_000, 420_000]})
        >>> team = Team.from_frame(frame, stages=["demos", "won"])
        >>> team.to_frame().loc["bo", "won"]
        np.int64(6)
        """
        names = None if stages is None else cls._stage_names(stages)
        read = read_frame_columns(frame)
        inferred = names is None
        names = cls._columns_to_stages(read.columns, read.source, names)
        wanted = ("rep", *names, "bookings", *(c for c in OPTIONAL_COLUMNS if c in read.columns))
        return cls._read_columns(
            names,
            {column: read.array(column) for column in wanted},
            read.rows,
            row=read.row,
            place=read.place,
            inferred=inferred,
        )

    @classmethod
    def _read_columns(
        cls,
        stages: tuple[str, ...],
        arrays: Mapping[str, Any],
        rows: int,
        *,
        row: Callable[[int], Mapping[str, Any]],
        place: Callable[[int], str],
        inferred: bool,
    ) -> Team:
        """Make a team from columns, reading them by the rules of the row-by-row reader."""

        def row_error(i: int) -> Exception:
            try:  # the row-by-row reader names the row and what is wrong with it
                _rep_from_row(row(i), stages, place=place(i), inferred=inferred)
            except InvalidInputError as exc:
                return exc
            return InvalidInputError(f"{place(i)} cannot be read")  # pragma: no cover

        return cls._of_columns(read_columns(stages, arrays, rows, row_error=row_error, place=place))

    @classmethod
    def from_arrays(
        cls,
        *,
        rep: Any,
        counts: Mapping[str, Any],
        bookings: Any,
        quota: Any = None,
        cycle_days: Any = None,
        role: Any = None,
        segment: Any = None,
    ) -> Team:
        """Build a team from one array per field: a million reps without a model per rep.

        Each argument is a one-dimensional numpy array, list or data frame
        column with one value per rep, read by the rules of :meth:`from_csv`
        (numeric arrays vectorised, a float as its shortest decimal).  The
        optional fields may also be one value for every rep (``quota=1e6``)
        or None.  ``RepStats`` models are built only for the reps asked for.

        Parameters
        ----------
        rep
            The reps' names, unique.
        counts
            Stage name → the reps' whole counts at that stage, top to bottom
            (the last stage is won deals).  Every count is as logged: an
            open deal counts as not won.
        bookings
            Money each rep booked, >= 0.
        quota, cycle_days, role, segment
            Optional, as in :class:`RepStats`; a blank value (NaN, None) is
            "not given".

        Raises
        ------
        InvalidInputError
            If an argument is not one value per rep, or naming the first row
            (counted from 0) that cannot be read.

        Examples
        --------
        >>> import numpy as np
        >>> team = Team.from_arrays(
        ...     rep=["ana", "bo", "cy"],
        ...     counts={"demos": np.array([24, 24, 10]), "won": np.array([11, 6, 0])},
        ...     bookings=np.array([1_760_000.0, 420_000.5, 0.0]),
        ...     quota=1_500_000,
        ... )
        >>> team["bo"]
        RepStats(rep='bo', counts={'demos': 24, 'won': 6}, bookings=420000.5, quota=1500000)
        >>> Team.from_arrays(rep=["ana"], counts={"demos": [3], "won": [-1]}, bookings=[0])
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: row 0: counts: count of 'won' for rep 'ana' must be a whole number >= 0, got -1
        """
        if not isinstance(counts, Mapping):
            raise InvalidInputError(
                f"counts must be a mapping of stage name to an array of counts, got {counts!r}"[
                    :300
                ]
            )
        stages = cls._stage_names(list(counts))
        names = as_array(rep, what="rep")
        rows = len(names)
        if not rows:
            raise InvalidInputError("rep must name at least one rep, got no values")
        arrays: dict[str, Any] = {"rep": names}

        def column(value: Any, what: str, *, optional: bool) -> Any:
            if optional and not is_batch(value) and not isinstance(value, list | tuple):
                if value is None:
                    return None
                array = np.empty(rows, dtype=object)
                array[:] = [value] * rows
                return array
            array = as_array(value, what=what)
            if len(array) != rows:
                raise InvalidInputError(
                    f"{what} has {len(array):,} values but rep has {rows:,}; give one value per rep"
                )
            return array

        for stage, raw in zip(stages, counts.values(), strict=True):
            arrays[stage] = column(raw, f"counts[{stage!r}]", optional=False)
        arrays["bookings"] = column(bookings, "bookings", optional=False)
        for name, value in (
            ("quota", quota),
            ("cycle_days", cycle_days),
            ("role", role),
            ("segment", segment),
        ):
            if (array := column(value, name, optional=True)) is not None:
                arrays[name] = array

        def row(i: int) -> dict[str, Any]:
            return {name: _python(array[i]) for name, array in arrays.items()}

        return cls._read_columns(
            stages, arrays, rows, row=row, place=lambda i: f"row {i}", inferred=False
        )

    # -- reading ---------------------------------------------------------------

    def _optional(self) -> list[str]:
        """Return the optional fields some rep has, in column order."""
        data = self._data
        return [
            name
            for name, given in (
                ("quota", data.quota.any),
                ("cycle_days", data.cycle_days.any),
                ("role", any(r is not None for r in data.role)),
                ("segment", any(s is not None for s in data.segment)),
            )
            if given
        ]

    def table(self) -> Table:
        """Return one row per rep: counts, bookings, and the optional fields some rep has.

        A team of more than :data:`SHOWN_REPS` reps shows its first and last
        ``SHOWN_REPS // 2`` reps and a note; :meth:`to_frame` has every rep.
        """
        data = self._data
        n = len(data)
        optional = self._optional()
        half = SHOWN_REPS // 2
        fields: dict[str, Any] = {
            "quota": data.quota,
            "cycle_days": data.cycle_days,
            "role": data.role,
            "segment": data.segment,
        }

        def row(i: int) -> tuple[Any, ...]:
            return (
                data.names[i],
                *(int(c) for c in data.counts[i]),
                data.bookings.value(i),
                *(
                    column[i] if isinstance(column, tuple) else column.value(i)
                    for column in (fields[name] for name in optional)
                ),
            )

        width = 2 + len(self.stages) + len(optional)
        rows, gap = elided_rows(n, half, limit=SHOWN_REPS, row=row, width=width)
        notes = (
            [f"Showing the first and last {half} of {n:,} reps; to_frame() has them all."]
            if n > SHOWN_REPS
            else []
        )
        return Table(
            title=f"Team of {n:,} rep{'s' if n != 1 else ''}",
            columns=(
                Column("rep", align="left"),
                *(Column(stage) for stage in self.stages),
                Column("bookings"),
                *(
                    Column(name, align="left" if name in ("role", "segment") else "right")
                    for name in optional
                ),
            ),
            rows=rows,
            notes=notes,
            cell_formats=gap,
        )

    def to_frame(self) -> pd.DataFrame:
        """Return every rep as a pandas DataFrame indexed by ``rep`` (needs pandas).

        Counts are integers; bookings, quota and cycle days are integers when
        every value is whole, else floats, with NaN where a rep has none.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000,
        ...              quota=1_500_000),
        ...     RepStats(rep="bo", counts={"demos": 24, "won": 6}, bookings=420_000.5),
        ... ])
        >>> team.to_frame()
             demos  won   bookings      quota
        rep
        ana     24   11  1760000.0  1500000.0
        bo      24    6   420000.5        NaN
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_frame() needs pandas; install it with: pip install 'salesmath[pandas]'"
            ) from exc
        data = self._data
        columns: dict[str, Any] = {}
        for j, stage in enumerate(self.stages):
            column = data.counts[:, j]
            columns[stage] = column.astype(np.float64) if column.dtype == object else column
        exact = {"bookings": data.bookings, "quota": data.quota, "cycle_days": data.cycle_days}
        texts = {"role": data.role, "segment": data.segment}
        for name in ("bookings", *self._optional()):
            if name in exact:
                values = exact[name]
                whole = (
                    values.denominator == 1 and values.complete and values.scaled.dtype != object
                )
                columns[name] = values.scaled if whole else values.floats()
            else:
                columns[name] = np.array(texts[name], dtype=object)
        return pd.DataFrame(columns, index=pd.Index(data.name_array, name="rep"))

    def plot(self, ax: Axes | None = None, *, by: str = "bookings", **kwargs: Any) -> Axes:
        """Draw the reps by `by`: sorted bars for a few reps, a histogram for many.

        Up to 30 reps draw one bar each, largest first (by bookings, with
        each rep's quota marked and attainment written); a larger team draws
        how its reps spread, with a bounded number of bars, from the columns:
        a million reps draw as fast as a hundred and no rep's model is
        built.  See :func:`salesmath.plotting.plot_team`; needs the ``plot``
        extra (matplotlib).

        Parameters
        ----------
        ax
            The axes to draw on; a new figure when None.
        by
            The metric to draw, one of :attr:`metric_names`.
        **kwargs
            Passed to the bars (:meth:`~matplotlib.axes.Axes.barh`, or
            :meth:`~matplotlib.axes.Axes.bar` for the histogram).

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Raises
        ------
        UnknownMetricError
            If `by` is not one of :attr:`metric_names`.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000),
        ...     RepStats(rep="bo", counts={"demos": 24, "won": 6}, bookings=420_000)])
        >>> ax = team.plot(by="demos_to_won")
        >>> [t.get_text() for t in ax.get_yticklabels()], [text.get_text() for text in ax.texts]
        (['ana', 'bo'], ['45.8%', '25%'])
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from salesmath.plotting import plot_team

        return plot_team(self, ax, by=by, **kwargs)

    def summary(self) -> str:
        """Return one plain-language paragraph about the team.

        It says how many reps over which stages, what they logged, won and
        booked, the pooled conversion into won and deal size, attainment
        against quota over the reps who have one, and that every count is
        as logged (an open deal counts as not won).

        Examples
        --------
        >>> team = Team(stages=["discos", "demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"discos": 40, "demos": 24, "won": 11},
        ...              bookings=1_760_000, quota=1_500_000, cycle_days=39),
        ...     RepStats(rep="bo", counts={"discos": 40, "demos": 24, "won": 6},
        ...              bookings=420_000, quota=1_500_000, cycle_days=52),
        ...     RepStats(rep="cy", counts={"discos": 30, "demos": 0, "won": 0}, bookings=0),
        ... ])
        >>> print(team.summary())
        3 reps over 3 stages (discos → demos → won). Together they logged 110 discos and won 17 deals (35.4% of demos), booking 2,180,000 at an average deal size of 128,235.29. 2 of 3 reps have a quota: together they booked 72.7% of it, and 1 is at or above quota. Average sales cycle 45.5 days (2 reps). Every count is as logged: an open deal counts as not won.
        """
        total = self.total()
        n = len(self.reps)
        top, above = self.stages[0], self.stages[-2]
        plural = "s" if n != 1 else ""
        sentences = [f"{n} rep{plural} over {len(self.stages)} stages ({' → '.join(self.stages)})"]
        deals = total.deals
        into_won = total.conversions[self.conversions[-1]]
        rate = f" ({format_percent(into_won)} of {above})" if into_won is not None else ""
        together = "Together they" if n != 1 else "They"
        logged = (
            f"{together} logged {format_amount(total.counts[top])} {top} and won "
            f"{format_amount(deals)} deal{'s' if deals != 1 else ''}{rate}, booking "
            f"{format_amount(total.bookings)}"
        )
        if total.deal_size is not None:
            logged += f" at an average deal size of {format_amount(total.deal_size)}"
        sentences.append(logged)
        data = self._data
        quota, bookings = data.quota, data.bookings
        with_quota = quota.count()
        if not with_quota:
            sentences.append("No rep has a quota")
        else:
            has = None if quota.present is None else np.flatnonzero(quota.present)
            booked, owed = bookings.sum(has), quota.sum(has)
            at_quota = int(
                _at_least(bookings, quota)[has if has is not None else slice(None)].sum()
            )
            who = "every rep has" if with_quota == n else f"{with_quota} of {n} reps have"
            who = who[0].upper() + who[1:]
            sentences.append(
                f"{who} a quota: together they booked {format_percent(booked / owed)} of it, "
                f"and {at_quota} {'is' if at_quota == 1 else 'are'} at or above quota"
            )
        cycles = data.cycle_days.count()
        if cycles:
            mean = data.cycle_days.sum() / cycles
            sentences.append(
                f"Average sales cycle {format_amount(mean)} days "
                f"({cycles} rep{'s' if cycles != 1 else ''})"
            )
        sentences.append("Every count is as logged: an open deal counts as not won")
        return ". ".join(sentences) + "."

    def __repr__(self) -> str:
        return f"Team(stages={list(self.stages)}, reps={len(self)})"
