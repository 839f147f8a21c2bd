"""Rep performance data: what each rep logged at each stage, and what they booked.

A :class:`Team` is the actuals side of the sales math: the same ordered stage
names as a :class:`~salesmath.Funnel` (top to bottom, the last being won
deals) and one :class:`RepStats` per rep with a whole count at every stage,
the rep's bookings and, optionally, quota, average sales cycle, role and
segment.  From those counts each rep's conversions ``"<a>_to_<b>"``, deal
size and attainment follow exactly.

Counts do not have to shrink down the funnel: CRM data often logs more demos
than discovery calls (a demo booked straight from an inbound lead), so a
conversion worked out from logged counts may exceed 1.  salesmath reports it
as it is rather than rejecting the rep.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from salesmath._table import Column, Table, TabularModel, plain
from salesmath.errors import InvalidInputError, SalesmathError, UnknownStageError, describe_error
from salesmath.funnel import check_stage_names
from salesmath.rates import Amount, PositiveAmount, format_exact, format_rate, parse_amount

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RepStats", "Team", "UnknownRepError"]

FIELDS: Final = ("rep", "bookings", "quota", "cycle_days", "role", "segment")
"""Column names of a rep's row besides its stage counts."""

DERIVED: Final = ("deal_size", "attainment")
"""Per-rep metrics worked out from the row."""

_RESERVED: Final = frozenset((*FIELDS, *DERIVED, "counts"))


def _whole(value: object, *, what: str) -> int:
    """Read a whole count >= 0 (``12``, ``12.0``, ``"12"``, ``"1,200"``)."""
    try:
        amount = parse_amount(value, what=what)
    except InvalidInputError:
        amount = None
    if amount is None or amount.denominator != 1:
        raise InvalidInputError(f"{what} must be a whole number >= 0, got {value!r}")
    return amount.numerator


def _exact_sum(values: Iterable[int | Fraction]) -> Fraction:
    """Add exact numbers quickly: over their common denominator, in whole numbers."""
    items = [Fraction(v) for v in values]
    if not items:
        return Fraction(0)
    common = math.lcm(*(v.denominator for v in items))
    return Fraction(sum(v.numerator * (common // v.denominator) for v in items), common)


def _conversion(upper: int, lower: int) -> Fraction | None:
    return None if upper == 0 else Fraction(lower, upper)


class RepStats(TabularModel):
    """One rep's actuals: a count per stage, bookings, and optional context.

    Parameters
    ----------
    rep
        The rep's name, unique within a team.
    counts
        Stage name → whole count >= 0, top to bottom; the last stage is won
        deals.  In a :class:`Team` the order is the team's stage order.
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

    @field_validator("rep")
    @classmethod
    def _check_rep(cls, rep: str) -> str:
        if not rep.strip():
            raise ValueError(f"rep name must not be blank, got {rep!r}")
        return rep

    @field_validator("counts", mode="before")
    @classmethod
    def _parse_counts(cls, value: Any, info: ValidationInfo) -> dict[str, int]:
        rep = info.data.get("rep")
        whose = f" for rep {rep!r}" if rep is not None else ""
        if not isinstance(value, Mapping):
            raise ValueError(f"counts{whose} must be a mapping of stage to count, got {value!r}")
        counts = {}
        for stage, count in value.items():
            if not isinstance(stage, str) or not stage.strip():
                raise ValueError(f"stage names{whose} must be non-empty text, got {stage!r}")
            counts[stage] = _whole(count, what=f"count of {stage!r}{whose}")
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
        """Won deals: the count at the last stage."""
        return list(self.counts.values())[-1]

    @property
    def conversions(self) -> dict[str, Fraction | None]:
        """Each conversion ``"<a>_to_<b>"``: count at b ÷ count at a, None when a is 0.

        Counts need not shrink down the funnel, so a conversion may exceed 1.
        """
        names, values = self.stages, list(self.counts.values())
        return {
            f"{a}_to_{b}": _conversion(values[i], values[i + 1])
            for i, (a, b) in enumerate(itertools.pairwise(names))
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
        InvalidInputError
            If there is no metric of that name.

        Examples
        --------
        >>> rep = RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000)
        >>> rep.metric("won"), rep.metric("demos_to_won"), rep.metric("attainment")
        (11, Fraction(11, 24), None)
        """
        if name in self.counts:
            return self.counts[name]
        conversions = self.conversions
        if name in conversions:
            return conversions[name]
        if name in ("bookings", "deal_size", "attainment", "cycle_days", "quota"):
            value: int | Fraction | None = getattr(self, name)
            return value
        known = [*self.counts, *conversions, "bookings", "deal_size", "attainment", "cycle_days"]
        raise InvalidInputError(
            f"unknown metric {name!r}; the metrics are {', '.join(repr(k) for k in known)}"
        )

    def table(self) -> Table:
        """Return the rep's counts and conversions as a table."""
        conversions = list(self.conversions.values())
        rows = [
            (stage, count, conversions[i] if i < len(conversions) else None)
            for i, (stage, count) in enumerate(self.counts.items())
        ]
        parts = [f"bookings {_plain(self.bookings)}"]
        if self.deal_size is not None:
            parts.append(f"deal size {_plain(self.deal_size)}")
        if self.attainment is not None:
            parts.append(f"attainment {_percent(self.attainment)}")
        return Table(
            title=f"Rep {self.rep}: {', '.join(parts)}",
            columns=(
                Column("stage", align="left"),
                Column("count", _plain),
                Column("to next", _rate),
            ),
            rows=rows,
        )

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


def _plain(value: Any) -> str:
    return plain(value)


def _rate(value: Fraction | None) -> str:
    return "—" if value is None else format_rate(value)


def _percent(value: Fraction) -> str:
    return f"{float(value) * 100:.0f}%"


class UnknownRepError(SalesmathError, KeyError, ValueError):
    """A rep name that the team does not have.

    A ``KeyError`` (``team["ana"]`` is a lookup) and a ``ValueError`` (an
    argument naming a rep is bad input) at once.
    """

    def __init__(self, name: object, reps: Sequence[str]) -> None:
        self.name = name
        shown = ", ".join(repr(r) for r in reps[:10])
        more = f" and {len(reps) - 10} more" if len(reps) > 10 else ""
        super().__init__(f"unknown rep {name!r}; the reps are {shown}{more}")

    def __str__(self) -> str:
        return str(self.args[0])


def _blank(value: object) -> bool:
    """Whether a cell holds nothing: None, empty text, NaN or pandas' NA."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rep_from_row(row: Mapping[str, Any], stages: Sequence[str], where: str) -> RepStats:
    """Build a RepStats from a flat row: rep, one column per stage, bookings, extras."""
    for column in ("rep", *stages, "bookings"):
        if _blank(row.get(column)):
            fix = "give the rep's name" if column == "rep" else "write 0 if there were none"
            raise InvalidInputError(f"{where}: {column!r} is empty; {fix}")
    fields: dict[str, Any] = {
        "rep": _text(row["rep"]),
        "counts": {stage: row[stage] for stage in stages},
        "bookings": row["bookings"],
    }
    for column in ("quota", "cycle_days", "role", "segment"):
        value = row.get(column)
        if not _blank(value):
            fields[column] = _text(value) if column in ("role", "segment") else value
    try:
        return RepStats(**fields)
    except ValidationError as exc:
        raise InvalidInputError(f"{where}: {describe_error(exc)}") from None


def _infer_stages(columns: Iterable[str], *, source: str) -> list[str]:
    stages = [c for c in columns if c not in FIELDS]
    if len(stages) < 2:
        raise InvalidInputError(
            f"{source} needs a column per stage besides {', '.join(FIELDS)}; found "
            f"{stages!r} — name them with stages=[...] (on the command line, --stages a,b,c)"
        )
    return stages


def _check_columns(columns: Sequence[str], stages: Sequence[str], *, source: str) -> None:
    missing = [c for c in ("rep", *stages, "bookings") if c not in columns]
    if missing:
        raise InvalidInputError(
            f"{source} is missing the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; its columns are "
            f"{', '.join(repr(c) for c in columns)} (needed: 'rep', one per stage, 'bookings')"
        )


class Team(TabularModel):
    """A sales team's actuals: stage names and one :class:`RepStats` per rep.

    Parameters
    ----------
    stages
        At least two unique stage names, top to bottom; the last is won
        deals.  Names may not be a row field (``rep``, ``bookings``,
        ``quota``, ``cycle_days``, ``role``, ``segment``) or a derived
        metric (``deal_size``, ``attainment``).
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
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    stages: tuple[str, ...] = Field(
        min_length=2, description="stage names, top to bottom; the last is won deals"
    )
    reps: tuple[RepStats, ...] = Field(min_length=1, description="one entry per rep")

    @field_validator("stages")
    @classmethod
    def _check_stages(cls, stages: tuple[str, ...]) -> tuple[str, ...]:
        return check_stage_names(stages, reserved=_RESERVED)

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
    def _by_name(self) -> dict[str, RepStats]:
        return {rep.rep: rep for rep in self.reps}

    @property
    def names(self) -> tuple[str, ...]:
        """The rep names, in the team's order."""
        return tuple(self._by_name)

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
        return tuple(f"{a}_to_{b}" for a, b in itertools.pairwise(self.stages))

    @property
    def metric_names(self) -> tuple[str, ...]:
        """Every per-rep metric: stages, conversions, bookings, deal size, attainment, cycle days."""
        return (
            *self.stages,
            *self.conversions,
            "bookings",
            "deal_size",
            "attainment",
            "cycle_days",
        )

    def __len__(self) -> int:
        return len(self.reps)

    def __contains__(self, rep: object) -> bool:
        return rep in self._by_name

    def __getitem__(self, rep: str) -> RepStats:
        try:
            return self._by_name[rep]
        except KeyError:
            raise UnknownRepError(rep, self.names) from None

    def values(self, metric: str) -> list[int | Fraction | None]:
        """Return each rep's value of `metric`, in the team's order (None where it does not exist).

        Raises
        ------
        InvalidInputError
            If `metric` is not one of :attr:`metric_names`.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000),
        ...     RepStats(rep="bo", counts={"demos": 0, "won": 0}, bookings=0),
        ... ])
        >>> team.values("demos_to_won"), team.values("deal_size")
        ([Fraction(11, 24), None], [Fraction(160000, 1), None])
        """
        if metric not in self.metric_names:
            raise InvalidInputError(
                f"unknown metric {metric!r}; the metrics are "
                f"{', '.join(repr(m) for m in self.metric_names)}"
            )
        return [rep.metric(metric) for rep in self.reps]

    # -- new teams from this one -------------------------------------------------

    def without(self, reps: Iterable[str]) -> Team:
        """Return the team without the named reps.

        Raises
        ------
        UnknownRepError
            If a name is not on the team.
        InvalidInputError
            If no rep would be left.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep=name, counts={"demos": 10, "won": 3}, bookings=30) for name in "abc"
        ... ])
        >>> team.without(["b"]).names
        ('a', 'c')
        """
        drop = [reps] if isinstance(reps, str) else list(reps)
        for name in drop:
            if name not in self._by_name:
                raise UnknownRepError(name, self.names)
        dropped = set(drop)
        kept = tuple(rep for rep in self.reps if rep.rep not in dropped)
        if not kept:
            raise InvalidInputError(f"without({drop!r}) would leave the team with no reps")
        return Team.model_construct(stages=self.stages, reps=kept)

    def select(self, *, role: str | None = None, segment: str | None = None) -> Team:
        """Return the reps of one role and/or segment.

        Raises
        ------
        InvalidInputError
            If no rep matches.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 8, "won": 3}, bookings=480, segment="ent"),
        ...     RepStats(rep="bo", counts={"demos": 40, "won": 9}, bookings=90, segment="smb"),
        ... ])
        >>> team.select(segment="smb").names
        ('bo',)
        """
        kept = tuple(
            rep
            for rep in self.reps
            if (role is None or rep.role == role) and (segment is None or rep.segment == segment)
        )
        if not kept:
            raise InvalidInputError(
                f"no rep has role={role!r} and segment={segment!r}; the roles are "
                f"{sorted({r.role for r in self.reps if r.role is not None})!r} and the segments "
                f"{sorted({r.segment for r in self.reps if r.segment is not None})!r}"
            )
        return Team.model_construct(stages=self.stages, reps=kept)

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
            The rep who won the deal.
        amount
            The deal's value, > 0 and at most the rep's bookings.
        stages
            Other stages whose count included this deal.

        Returns
        -------
        Team

        Raises
        ------
        UnknownRepError
            If `rep` is not on the team.
        InvalidInputError
            If the rep has no won deal, `amount` is out of range, or a stage
            is unknown or already at 0.

        Examples
        --------
        >>> team = Team(stages=["demos", "won"], reps=[
        ...     RepStats(rep="ana", counts={"demos": 20, "won": 5}, bookings=2_400_000),
        ... ])
        >>> whale_free = team.without_deal("ana", 2_000_000, stages=["demos"])
        >>> whale_free["ana"]
        RepStats(rep='ana', counts={'demos': 19, 'won': 4}, bookings=400000)
        """
        stats = self[rep]
        won = self.stages[-1]
        value = parse_amount(amount, what="amount", positive=True)
        if stats.counts[won] == 0:
            raise InvalidInputError(f"rep {rep!r} has no {won!r} deal to take out")
        if value > stats.bookings:
            raise InvalidInputError(
                f"amount {format_exact(value)} is more than the bookings of rep {rep!r}, "
                f"{format_exact(stats.bookings)}; give the value of one of their deals"
            )
        counts = dict(stats.counts)
        for stage in dict.fromkeys([*stages, won]):
            if stage not in counts:
                raise UnknownStageError(stage, self.stages)
            if counts[stage] == 0:
                raise InvalidInputError(
                    f"rep {rep!r} has 0 at {stage!r}, so the deal cannot have passed through it"
                )
            counts[stage] -= 1
        changed = stats.model_copy(update={"counts": counts, "bookings": stats.bookings - value})
        reps = tuple(changed if r.rep == rep else r for r in self.reps)
        return Team.model_construct(stages=self.stages, reps=reps)

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
        quotas = [r.quota for r in self.reps]
        cycles = [r.cycle_days for r in self.reps if r.cycle_days is not None]
        return RepStats.model_construct(
            rep="team",
            counts={s: sum(r.counts[s] for r in self.reps) for s in self.stages},
            bookings=_exact_sum(r.bookings for r in self.reps),
            quota=None if None in quotas else _exact_sum(q for q in quotas if q is not None),
            cycle_days=_exact_sum(cycles) / len(cycles) if cycles else None,
            role=None,
            segment=None,
        )

    # -- loaders ---------------------------------------------------------------

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any] | RepStats], *, stages: Sequence[str] | None = None
    ) -> Team:
        """Build a team from plain rows, one per rep.

        Each row is a mapping with the columns of :meth:`from_csv` (``rep``,
        one key per stage, ``bookings``, optionally ``quota``,
        ``cycle_days``, ``role``, ``segment``; other keys are ignored), or a
        :class:`RepStats`.  Empty optional values (None, ``""``, NaN) mean
        "not given".

        Parameters
        ----------
        records
            The rows.
        stages
            Stage names, top to bottom; by default the first row's keys that
            are not rep fields, in order.

        Raises
        ------
        InvalidInputError
            Naming the row (counted from 1) and what is wrong with it.

        Examples
        --------
        >>> team = Team.from_records([
        ...     {"rep": "ana", "demos": 24, "won": 11, "bookings": 1_760_000, "quota": 1_500_000},
        ...     {"rep": "bo", "demos": 24, "won": 6, "bookings": 420_000, "quota": 1_500_000},
        ... ], stages=["demos", "won"])
        >>> [rep.attainment for rep in team.reps]
        [Fraction(88, 75), Fraction(7, 25)]
        >>> Team.from_records([{"rep": "ana", "demos": 24, "won": "x", "bookings": 0}])
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: row 1: counts: count of 'won' for rep 'ana' must be a whole number >= 0, got 'x'
        """
        rows = list(records)
        if not rows:
            raise InvalidInputError("records is empty; give at least one rep's row")
        if stages is None:
            first = rows[0]
            stages = (
                first.stages
                if isinstance(first, RepStats)
                else _infer_stages(first, source="row 1")
            )
        reps = []
        for i, row in enumerate(rows, start=1):
            if isinstance(row, RepStats):
                reps.append(row)
            elif isinstance(row, Mapping):
                reps.append(_rep_from_row(row, stages, f"row {i}"))
            else:
                raise InvalidInputError(
                    f"row {i} must be a mapping of column to value or a RepStats, got {row!r}"
                )
        return cls._build(stages, reps, [f"row {i}" for i in range(1, len(reps) + 1)])

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

        Columns (a header row, names as below; other columns are ignored):

        ``rep``
            the rep's name (required, unique);
        one column per stage
            a whole count >= 0 (required);
        ``bookings``
            money booked, >= 0 (required);
        ``quota``, ``cycle_days``, ``role``, ``segment``
            optional; an empty cell means "not given".

        Numbers may be written ``1200``, ``1200.50`` or ``"1,200"``.

        Parameters
        ----------
        path
            The CSV file (UTF-8, a byte-order mark is fine).
        stages
            Stage names, top to bottom; by default every column that is not
            one of the above, in file order.

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
        """
        source = str(path)
        try:
            with Path(path).open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.reader(handle)
                header = next(reader, None)
                if header is None:
                    raise InvalidInputError(f"{source} is empty; it needs a header row")
                columns = [name.strip() for name in header]
                duplicated = sorted({c for c in columns if columns.count(c) > 1})
                if duplicated:
                    raise InvalidInputError(
                        f"{source}, line 1: column{'s' if len(duplicated) > 1 else ''} "
                        f"{', '.join(repr(c) for c in duplicated)} appear twice"
                    )
                if stages is None:
                    stages = _infer_stages(columns, source=source)
                _check_columns(columns, stages, source=source)
                reps, where = [], []
                for cells in reader:
                    place = f"{source}, line {reader.line_num}"
                    if not any(cell.strip() for cell in cells):
                        continue
                    if len(cells) != len(columns):
                        raise InvalidInputError(
                            f"{place}: {len(cells)} cells, but the header has "
                            f"{len(columns)} columns"
                        )
                    reps.append(
                        _rep_from_row(dict(zip(columns, cells, strict=True)), stages, place)
                    )
                    where.append(place)
        except OSError as exc:
            raise InvalidInputError(f"cannot read {source}: {exc.strerror or exc}") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"{source} is not a readable CSV file: {exc}") from None
        if not reps:
            raise InvalidInputError(f"{source} has a header but no rep rows")
        return cls._build(stages, reps, where)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, stages: Sequence[str] | None = None) -> Team:
        """Build a team from a pandas DataFrame with the columns of :meth:`from_csv`.

        The rep names may be a ``rep`` column or the index (named ``rep``), as
        :meth:`to_frame` writes them.  Missing optional values (NaN, None)
        mean "not given".

        Raises
        ------
        InvalidInputError
            On a missing column or a row that cannot be read (named by its
            index label).

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"rep": ["ana", "bo"], "demos": [24, 24], "won": [11, 6],
        ...                       "bookings": [1_760_000, 420_000]})
        >>> team = Team.from_frame(frame, stages=["demos", "won"])
        >>> team.to_frame().loc["bo", "won"]
        np.int64(6)
        """
        if "rep" not in frame.columns and frame.index.name == "rep":
            frame = frame.reset_index()
        columns = [str(c) for c in frame.columns]
        source = "the frame"
        if stages is None:
            stages = _infer_stages(columns, source=source)
        _check_columns(columns, stages, source=source)
        labels = list(frame.index)
        rows = frame.to_dict("records")
        where = [f"row {label!r}" for label in labels]
        reps = [
            _rep_from_row({str(k): v for k, v in row.items()}, stages, place)
            for row, place in zip(rows, where, strict=True)
        ]
        if not reps:
            raise InvalidInputError("the frame has no rows")
        return cls._build(stages, reps, where)

    # -- reading ---------------------------------------------------------------

    def table(self) -> Table:
        """Return one row per rep: counts, bookings, and the optional fields some rep has."""
        optional = [
            name
            for name in ("quota", "cycle_days", "role", "segment")
            if any(getattr(rep, name) is not None for rep in self.reps)
        ]
        rows = [
            (
                rep.rep,
                *rep.counts.values(),
                rep.bookings,
                *(getattr(rep, name) for name in optional),
            )
            for rep in self.reps
        ]
        return Table(
            title=f"Team of {len(self.reps)} rep{'s' if len(self.reps) != 1 else ''}",
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
        )

    def __repr__(self) -> str:
        return f"Team(stages={list(self.stages)}, reps={len(self.reps)})"
