"""A team as columns: one array per stage count and per rep field, exact.

A :class:`~salesmath.Team` keeps its reps as :class:`TeamColumns` (a 2-D
array of whole counts, exact columns of bookings, quota and cycle days, and
the names, roles and segments), so that a million reps need a few arrays,
not a million validated models.  ``RepStats`` models are built only for the
reps a user asks for (``team["ana"]``, ``team.reps``).

Every number stays exact: a column of amounts is held as whole numbers over
one common denominator (:class:`ExactColumn`), so sums, comparisons and
ratios are integer arithmetic.  A column is int64 when no sum of it can
overflow, and Python integers (an object array) otherwise.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from salesmath._arrays import Kind, plain_numbers, read_column
from salesmath._core import INT64_SAFE, largest, total
from salesmath.errors import InvalidInputError, LimitError
from salesmath.io import cell_text, is_blank
from salesmath.numbers import MAX_AMOUNT, MAX_NAME, parse_amount, parse_name, parse_whole

__all__ = [
    "MAX_DENOMINATOR_BITS",
    "ExactColumn",
    "TeamColumns",
    "read_columns",
    "whole_array",
]


MAX_DENOMINATOR_BITS: Final = 4096
"""The most bits a column's common denominator may have (its values' least common
multiple); past that, exact sums would cost more than any sales figure needs."""


def whole_array(values: Sequence[int] | NDArray[Any]) -> NDArray[Any]:
    """Return whole numbers as an int64 array when no sum of them overflows, else Python ints.

    Examples
    --------
    >>> whole_array([3, 4]).dtype, whole_array([2**62, 1]).dtype
    (dtype('int64'), dtype('O'))
    """
    if isinstance(values, np.ndarray) and values.dtype != object:
        array = values.astype(np.int64, copy=False)
        if largest(array) * len(array) < INT64_SAFE:
            return array
        values = array.tolist()
    items = list(values.tolist() if isinstance(values, np.ndarray) else values)
    if max((abs(v) for v in items), default=0) * len(items) < INT64_SAFE:
        return np.array(items, dtype=np.int64)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _common_denominator(denominators: Iterable[int], *, what: str) -> int:
    """Return the least common multiple of `denominators`, refused past MAX_DENOMINATOR_BITS."""
    common = 1
    for d in denominators:
        common = math.lcm(common, d)
        if common.bit_length() > MAX_DENOMINATOR_BITS:
            raise LimitError(
                f"{what} has too many different fractions to add exactly (their common "
                f"denominator passes {MAX_DENOMINATOR_BITS} bits); round them, to cents say"
            )
    return common


@dataclass(frozen=True, eq=False)
class ExactColumn:
    """One exact number per rep, or none: ``scaled[i] / denominator``.

    ``scaled`` holds whole numbers (int64, or Python ints in an object array
    when an int64 sum could overflow), 0 where a rep has no value;
    ``denominator`` is a Python int >= 1; ``present`` marks the reps that
    have a value (None: every rep has one).

    Examples
    --------
    >>> column = ExactColumn.of([Fraction(1, 2), None, 3])
    >>> column.scaled.tolist(), column.denominator, column.tolist()
    ([1, 0, 6], 2, [Fraction(1, 2), None, Fraction(3, 1)])
    >>> column.sum(), column.count()
    (Fraction(7, 2), 2)
    """

    scaled: NDArray[Any]
    denominator: int = 1
    present: NDArray[np.bool_] | None = None

    @classmethod
    def of(cls, values: Sequence[Fraction | int | None], *, what: str = "a column") -> ExactColumn:
        """Build a column from exact values (None: the rep has none)."""
        present = None
        if any(v is None for v in values):
            present = np.array([v is not None for v in values], dtype=bool)
        known = [Fraction(v) for v in values if v is not None]
        common = _common_denominator({v.denominator for v in known}, what=what)
        scaled = [
            0 if v is None else v.numerator * (common // Fraction(v).denominator) for v in values
        ]
        return cls(whole_array(scaled), common, present)

    @classmethod
    def from_parts(
        cls,
        numerators: NDArray[Any],
        denominators: NDArray[Any] | int,
        present: NDArray[np.bool_] | None = None,
        *,
        what: str = "a column",
    ) -> ExactColumn:
        """Build a column from numerators and denominators (arrays, or one denominator).

        Rows where `present` is False are left out whatever they hold.
        """
        if present is not None and present.all():
            present = None
        if isinstance(denominators, np.ndarray):
            dens = denominators if present is None else np.where(present, denominators, 1)
            unique = np.unique(dens)
            common = _common_denominator((int(d) for d in unique.tolist()), what=what)
            if len(unique) == 1:
                nums = numerators
            elif numerators.dtype != object and dens.dtype != object and common < 2**62:
                factor = (common // dens.astype(object)).astype(np.int64)
                bound = np.abs(numerators.astype(np.float64)) * factor.astype(np.float64)
                if len(bound) and float(bound.max()) * len(bound) < 2.0**61:
                    nums = numerators.astype(np.int64) * factor
                else:
                    nums = numerators.astype(object) * (common // dens.astype(object))
            else:
                nums = numerators.astype(object) * (common // dens.astype(object))
        else:
            common, nums = int(denominators), numerators
        if present is not None:
            nums = np.where(present, nums, 0)
            if nums.dtype != object:
                nums = nums.astype(np.int64, copy=False)
        return cls(whole_array(nums), common, present)

    @classmethod
    def missing(cls, rows: int) -> ExactColumn:
        """Return a column in which no rep has a value."""
        return cls(np.zeros(rows, dtype=np.int64), 1, np.zeros(rows, dtype=bool))

    def __len__(self) -> int:
        return len(self.scaled)

    @property
    def complete(self) -> bool:
        """Whether every rep has a value."""
        return self.present is None

    @property
    def any(self) -> bool:
        """Whether some rep has a value."""
        return self.present is None or bool(self.present.any())

    def has(self, i: int) -> bool:
        """Whether rep `i` has a value."""
        return self.present is None or bool(self.present[i])

    def value(self, i: int) -> Fraction | None:
        """Rep `i`'s value, exact; None if it has none."""
        if not self.has(i):
            return None
        return Fraction(int(self.scaled[i]), self.denominator)

    def tolist(self) -> list[Fraction | None]:
        """Every rep's value, exact (None where a rep has none)."""
        d = self.denominator
        scaled = self.scaled.tolist()
        if self.present is None:
            return [Fraction(s, d) for s in scaled]
        return [
            Fraction(s, d) if p else None
            for s, p in zip(scaled, self.present.tolist(), strict=True)
        ]

    def floats(self) -> NDArray[np.float64]:
        """Every value as a float, NaN where a rep has none (for statistics, never shown)."""
        if self.scaled.dtype == object:
            out = np.array([s / self.denominator for s in self.scaled.tolist()], dtype=np.float64)
        else:
            out = self.scaled.astype(np.float64) / self.denominator
        if self.present is not None:
            out[~self.present] = np.nan
        return out

    def total(self, idx: NDArray[np.intp] | None = None) -> int:
        """Return the sum of `scaled` over the reps (or the reps `idx`), exactly."""
        return total(self.scaled if idx is None else self.scaled[idx])

    def sum(self, idx: NDArray[np.intp] | None = None) -> Fraction:
        """Return the sum of the values (of the reps `idx`), exact; a rep without one adds 0."""
        return Fraction(self.total(idx), self.denominator)

    def count(self, idx: NDArray[np.intp] | None = None) -> int:
        """How many reps (of `idx`) have a value."""
        if self.present is None:
            return len(self.scaled) if idx is None else len(idx)
        return int(self.present.sum() if idx is None else self.present[idx].sum())

    def take(self, idx: NDArray[np.intp]) -> ExactColumn:
        """Return the column of the reps `idx`, in that order."""
        present = None if self.present is None else self.present[idx]
        return ExactColumn(self.scaled[idx], self.denominator, present)

    def equals(self, other: ExactColumn) -> bool:
        """Whether both columns hold the same values for the same reps."""
        if len(self) != len(other):
            return False
        mine = np.ones(len(self), bool) if self.present is None else self.present
        theirs = np.ones(len(other), bool) if other.present is None else other.present
        if not np.array_equal(mine, theirs):
            return False
        if self.denominator == other.denominator:
            return bool(np.array_equal(self.scaled, other.scaled))
        left = self.scaled.astype(object) * other.denominator
        right = other.scaled.astype(object) * self.denominator
        return bool(np.array_equal(left, right))


@dataclass(frozen=True, eq=False)
class TeamColumns:
    """A team's reps as columns, in the team's order.

    ``counts`` is (reps, stages): int64 when no column sum overflows, else
    Python ints.  ``role`` and ``segment`` hold text or None per rep.
    ``cache`` keeps what later calls work out from the columns (sorted
    metrics for :func:`~salesmath.compare_thirds`), since a team never
    changes.
    """

    stages: tuple[str, ...]
    names: tuple[str, ...]
    counts: NDArray[Any]
    bookings: ExactColumn
    quota: ExactColumn
    cycle_days: ExactColumn
    role: tuple[str | None, ...]
    segment: tuple[str | None, ...]
    cache: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for array in (self.counts, self.bookings.scaled, self.quota.scaled, self.cycle_days.scaled):
            array.flags.writeable = False  # shared by every team and comparison made from it

    @classmethod
    def of_rows(
        cls,
        stages: tuple[str, ...],
        names: Sequence[str],
        counts: Sequence[Sequence[int]],
        bookings: Sequence[Fraction],
        quota: Sequence[Fraction | None],
        cycle_days: Sequence[Fraction | None],
        role: Sequence[str | None],
        segment: Sequence[str | None],
    ) -> TeamColumns:
        """Build the columns from each rep's values (already read and checked)."""
        n, s = len(names), len(stages)
        flat = [c for row in counts for c in row]
        return cls(
            stages=stages,
            names=tuple(names),
            counts=whole_array(flat).reshape(n, s) if n else np.zeros((0, s), np.int64),
            bookings=ExactColumn.of(bookings, what="bookings"),
            quota=ExactColumn.of(quota, what="quota"),
            cycle_days=ExactColumn.of(cycle_days, what="cycle_days"),
            role=tuple(role),
            segment=tuple(segment),
        )

    def __len__(self) -> int:
        return len(self.names)

    @cached_property
    def index(self) -> dict[str, int]:
        """Rep name → position."""
        return {name: i for i, name in enumerate(self.names)}

    @cached_property
    def name_array(self) -> NDArray[Any]:
        """The names as an object array, to pick many at once."""
        out = np.empty(len(self.names), dtype=object)
        out[:] = self.names
        return out

    def column(self, stage: int) -> NDArray[Any]:
        """Return the counts at stage number `stage` (0 is the top)."""
        return self.counts[:, stage]

    def stage_totals(self) -> list[int]:
        """Each stage's count over every rep, exact."""
        return [total(self.counts[:, j]) for j in range(len(self.stages))]

    def fields(self, i: int) -> dict[str, Any]:
        """Rep `i`'s ``RepStats`` fields, as read (optional ones only when given)."""
        row: dict[str, Any] = {
            "rep": self.names[i],
            "counts": dict(zip(self.stages, (int(c) for c in self.counts[i]), strict=True)),
            "bookings": self.bookings.value(i),
        }
        for name, column in (("quota", self.quota), ("cycle_days", self.cycle_days)):
            if column.has(i):
                row[name] = column.value(i)
        for name, texts in (("role", self.role), ("segment", self.segment)):
            if texts[i] is not None:
                row[name] = texts[i]
        return row

    def take(self, idx: NDArray[np.intp] | Sequence[int]) -> TeamColumns:
        """Return the columns of the reps `idx`, in that order."""
        at = np.asarray(idx, dtype=np.intp)
        picked = at.tolist()
        return TeamColumns(
            stages=self.stages,
            names=tuple(self.names[i] for i in picked),
            counts=self.counts[at],
            bookings=self.bookings.take(at),
            quota=self.quota.take(at),
            cycle_days=self.cycle_days.take(at),
            role=tuple(self.role[i] for i in picked),
            segment=tuple(self.segment[i] for i in picked),
        )

    def replace_rep(self, i: int, counts: Sequence[int], bookings: Fraction) -> TeamColumns:
        """Return the columns with rep `i`'s counts and bookings replaced."""
        new_counts = self.counts.copy()
        new_counts[i] = list(counts)
        values = self.bookings.tolist()
        values[i] = bookings
        return TeamColumns(
            stages=self.stages,
            names=self.names,
            counts=whole_array(new_counts.reshape(-1)).reshape(new_counts.shape),
            bookings=ExactColumn.of(values, what="bookings"),
            quota=self.quota,
            cycle_days=self.cycle_days,
            role=self.role,
            segment=self.segment,
        )

    def equals(self, other: TeamColumns) -> bool:
        """Whether both hold the same reps with the same values, in the same order."""
        return (
            self.stages == other.stages
            and self.names == other.names
            and self.role == other.role
            and self.segment == other.segment
            and self.counts.shape == other.counts.shape
            and bool(np.array_equal(self.counts, other.counts))
            and self.bookings.equals(other.bookings)
            and self.quota.equals(other.quota)
            and self.cycle_days.equals(other.cycle_days)
        )


# -- reading columns -------------------------------------------------------------------


RowError = Callable[[int], Exception]
"""Returns the error for row `i`: the row-by-row reader's message for that row."""


def _first(bad: NDArray[np.bool_]) -> int:
    return int(np.argmax(bad))


def _plain_names(items: list[Any]) -> bool:
    """Whether every name is printable ASCII text, stripped, not empty and not too long.

    Such a name reads as itself (NFC and the invisible characters leave ASCII
    alone), so a million of them are checked with a few passes in C.
    """
    try:
        flat = "".join(items)
    except TypeError:  # some name is not text
        return False
    if not (flat.isascii() and flat.isprintable()):
        return False
    joined = "\n".join(items)  # no name holds a newline (it is not printable)
    ends = (joined[:1], joined[-1:])
    return (
        " " not in ends
        and "\n" not in ends
        and bool(joined)
        and "\n\n" not in joined
        and " \n" not in joined
        and "\n " not in joined
        and max(map(len, items), default=0) <= MAX_NAME
    )


def _read_names(array: NDArray[Any], row_error: RowError) -> tuple[str, ...]:
    """Read the rep names as :func:`~salesmath.numbers.parse_name` does, fast for plain text."""
    items = array.tolist()
    if _plain_names(items):
        return tuple(items)  # printable ASCII, stripped, not empty: each reads as itself
    names = []
    for i, value in enumerate(items):
        try:
            if is_blank(value):
                raise InvalidInputError("blank")
            names.append(parse_name(cell_text(value), what="rep"))
        except InvalidInputError:
            raise row_error(i) from None
    return tuple(names)


def _read_counts(array: NDArray[Any], row_error: RowError) -> NDArray[Any]:
    """Read one stage's counts: whole numbers from 0 to MAX_AMOUNT."""
    kind = array.dtype.kind
    if kind in "iu":
        if len(array) and not (int(array.min()) >= 0 and int(array.max()) <= MAX_AMOUNT):
            raise row_error(_first((array < 0) | (array > MAX_AMOUNT)))
        return array.astype(np.int64, copy=False)
    if kind == "f":
        x = array.astype(np.float64, copy=False)
        good = (x >= 0) & (x <= MAX_AMOUNT) & (np.floor(x) == x)  # NaN fails every test
        if not good.all():
            raise row_error(_first(~good))
        return x.astype(np.int64)
    plain = plain_numbers(array, whole=True, blanks=False)
    if plain is not None:  # a CSV file's digits
        return _read_counts(plain, row_error)
    counts = []
    for i, value in enumerate(array.tolist()):
        try:
            if is_blank(value):
                raise InvalidInputError("blank")
            counts.append(parse_whole(value, what="count"))
        except InvalidInputError:
            raise row_error(i) from None
    return whole_array(counts)


def _read_exact(
    array: NDArray[Any] | None,
    rows: int,
    *,
    kind: Kind,
    optional: bool,
    row_error: RowError,
    what: str = "amount",
) -> ExactColumn:
    """Read a column of amounts exactly; a blank cell is no value when `optional`."""
    if array is None:
        return ExactColumn.missing(rows)
    if array.dtype.kind in "iuf":
        present = None
        at = None
        if array.dtype.kind == "f":
            missing = np.isnan(array)
            if missing.any():
                if not optional:  # a blank, unless a row above it is bad
                    blank = _first(missing)
                    read_column(array[:blank], what=what, kind=kind, row_error=row_error)
                    raise row_error(blank)
                present = ~missing
                at = np.flatnonzero(present)
                array = array[present]
        where = at

        def error(j: int) -> Exception:
            return row_error(j if where is None else int(where[j]))

        nums, dens = read_column(array, what=what, kind=kind, row_error=error)
        if at is None:
            return ExactColumn.from_parts(nums, dens, what=what)
        full_nums = np.zeros(rows, dtype=nums.dtype)
        full_nums[at] = nums
        full_dens: NDArray[Any] | int = dens
        if isinstance(dens, np.ndarray):
            full_dens = np.ones(rows, dtype=dens.dtype)
            full_dens[at] = dens
        return ExactColumn.from_parts(full_nums, full_dens, present, what=what)
    plain = plain_numbers(array, whole=False, blanks=optional)
    if plain is not None:  # a CSV file's decimals
        return _read_exact(
            plain, rows, kind=kind, optional=optional, row_error=row_error, what=what
        )
    values: list[Fraction | None] = []
    for i, value in enumerate(array.tolist()):
        try:
            if is_blank(value):
                if not optional:
                    raise InvalidInputError("blank")
                values.append(None)
            else:
                values.append(parse_amount(value, what=what, positive=kind == "positive"))
        except InvalidInputError:
            raise row_error(i) from None
    return ExactColumn.of(values, what=what)


def _read_texts(array: NDArray[Any] | None, rows: int) -> tuple[str | None, ...]:
    """Read an optional text column (role, segment): blank cells are None."""
    if array is None or (array.dtype.kind == "f" and np.isnan(array).all()):
        return (None,) * rows
    return tuple(None if is_blank(v) else cell_text(v) for v in array.tolist())


class _BadRowError(Exception):
    """Row `row` of a column cannot be read (the caller reports the first such row)."""

    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


def read_columns(
    stages: tuple[str, ...],
    arrays: Mapping[str, NDArray[Any]],
    rows: int,
    *,
    row_error: RowError,
    place: Callable[[int], str],
) -> TeamColumns:
    """Read a team's columns by the rules of the row-by-row reader, without a model per rep.

    `arrays` holds ``rep``, one array per stage, ``bookings`` and any of
    ``quota``, ``cycle_days``, ``role``, ``segment``, each with `rows`
    values.  Numeric columns are read vectorised; text and object columns
    one value at a time by the scalar readers.  As the row-by-row reader,
    the first row that cannot be read (the lowest, whatever the column)
    raises ``row_error(row)``, that reader's message for it; then a rep
    named twice raises, naming both rows by `place`.
    """
    bad: list[int] = []

    def attempt(read: Callable[[], Any]) -> Any:
        try:
            return read()
        except _BadRowError as exc:
            bad.append(exc.row)
            return None

    names = attempt(lambda: _read_names(arrays["rep"], _BadRowError))

    def counts_at(stage: str) -> NDArray[Any]:
        return _read_counts(arrays[stage], _BadRowError)

    columns = [attempt(functools.partial(counts_at, stage)) for stage in stages]

    def amounts(column: str, kind: Kind, *, optional: bool) -> ExactColumn:
        array = arrays.get(column)
        return _read_exact(
            array, rows, kind=kind, optional=optional, row_error=_BadRowError, what=column
        )

    bookings = attempt(functools.partial(amounts, "bookings", "amount", optional=False))
    quota = attempt(functools.partial(amounts, "quota", "positive", optional=True))
    cycle_days = attempt(functools.partial(amounts, "cycle_days", "amount", optional=True))
    if bad:
        raise row_error(min(bad))
    if len(set(names)) != len(names):
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                raise InvalidInputError(
                    f"{place(i)}: rep {name!r} appears twice (first at {place(first[name])}); "
                    "give one row per rep"
                )
            first[name] = i
    if all(c.dtype != object for c in columns):
        counts = whole_array(np.column_stack(columns).reshape(-1)).reshape(rows, len(stages))
    else:
        flat = [v for row in zip(*(c.tolist() for c in columns), strict=True) for v in row]
        counts = whole_array(flat).reshape(rows, len(stages))
    return TeamColumns(
        stages=stages,
        names=names,
        counts=counts,
        bookings=bookings,
        quota=quota,
        cycle_days=cycle_days,
        role=_read_texts(arrays.get("role"), rows),
        segment=_read_texts(arrays.get("segment"), rows),
    )
