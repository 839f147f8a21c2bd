"""Batch plans: many quotas, or many funnels, planned at once and exactly.

:meth:`Funnel.plan <salesmath.Funnel.plan>` with a numpy array of quotas, and
:func:`plan_batch` with a quota, deal size and rates per row (numpy arrays,
lists or data frame columns), give a :class:`BatchPlan`: one int64 array of
counts per stage, each row equal to the plan of that row alone.

The numbers are read with the rules of the scalar readers
(:func:`~salesmath.numbers.parse_amount`, :func:`~salesmath.numbers.parse_rate`),
vectorised: a float means its shortest decimal reading (0.35 is 7/20), and a
bad row is an error that names it.  Counts come from the exact integer kernel
(``salesmath._core.plan_rows``), with no float on the way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    WithJsonSchema,
)

from salesmath import _core
from salesmath._format import format_amount, format_count, format_percent
from salesmath._stages import check_stage_names
from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError, LimitError, UnknownStageError
from salesmath.funnel import Funnel
from salesmath.numbers import (
    MAX_AMOUNT,
    MAX_ITEMS,
    parse_amount,
    parse_choice,
    parse_list,
    parse_probability,
    parse_rate,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_CONFIDENCE_PLANS",
    "SHOWN_ROWS",
    "BatchPlan",
    "is_batch",
    "plan_batch",
    "read_amounts",
    "read_rates",
]

SHOWN_ROWS: Final = 5
"""A batch of more than ``4 × SHOWN_ROWS`` plans prints its first and last this many rows."""
MAX_CONFIDENCE_PLANS: Final = 10_000
"""The most distinct deal counts one batch confidence plan works out (one search each)."""

Kind = Literal["amount", "positive", "rate"]
Exact = tuple[Any, Any]
"""A column of exact numbers as (numerators, denominators): int64 arrays, object
arrays of Python ints, or one Python int for every row."""

_TWO_53: Final = 2.0**53
_POW10: Final = [10.0**k for k in range(19)]  # exact floats
_MIN_RATE_FLOAT: Final = 2e-12  # below this, a float rate is read one by one (exact check)


# -- reading arrays -----------------------------------------------------------------------


def is_batch(value: object) -> bool:
    """Whether `value` is an array of values (numpy array, data frame column), not one value.

    Examples
    --------
    >>> is_batch(np.array([1.0, 2.0])), is_batch(250_000), is_batch(np.float64(3.0))
    (True, False, False)
    """
    if isinstance(value, np.ndarray):
        return value.ndim > 0
    if isinstance(value, str | bytes) or not hasattr(value, "__array__"):
        return False
    return hasattr(value, "__len__") and np.ndim(value) > 0


def _as_array(value: object, *, what: str) -> NDArray[Any]:
    """`value` as a one-dimensional numpy array (a list, an array, a data frame column)."""
    if isinstance(value, np.ndarray):
        array = value
    elif hasattr(value, "__array__") and not isinstance(value, str | bytes):
        array = np.asarray(value)
    else:
        items = parse_list(value, what=what)
        try:
            array = np.asarray(items)
        except (ValueError, OverflowError):
            array = np.empty(len(items), dtype=object)
            array[:] = items
        if array.ndim != 1:  # ragged or nested lists: one value a row, read one by one
            array = np.empty(len(items), dtype=object)
            array[:] = items
    if array.ndim != 1:
        raise InvalidInputError(
            f"{what} must be one-dimensional, one value a row, got shape {array.shape}"
        )
    if len(array) > MAX_ITEMS:
        raise LimitError(f"{what} must have at most {MAX_ITEMS:,} rows (salesmath's limit)")
    return array


def _parse_one(value: object, *, what: str, kind: Kind) -> Fraction:
    """Read one value with the scalar reader of its kind."""
    if kind == "rate":
        return parse_rate(value, what=what)
    return parse_amount(value, what=what, positive=kind == "positive")


def _item(array: NDArray[Any], i: int) -> object:
    """Row `i` as the Python value the scalar readers see."""
    value = array[i]
    return value.item() if isinstance(value, np.generic) else value


def _shortest_decimals(x: NDArray[np.float64]) -> tuple[Any, Any, NDArray[np.intp]]:
    """Read finite floats in [0, 10**18] as their shortest decimals, where that is quick.

    Returns numerators, denominators (powers of ten, or one for every row)
    and the rows left for the scalar reader.

    Notes
    -----
    A float ``x < 2**53`` that is whole is that whole number (tried first
    when the first rows are whole).  Otherwise, at
    k decimal places where ``spacing(x) · 10**k <= 1/8``: at most one
    decimal with k places rounds to ``x``; if one does it is
    ``m = rint(x · 10**k)`` (the float product is off by at most 1/8 of a
    unit), and ``m / 10**k == x`` (both exact floats, one correctly rounded
    division) says whether it does.  The shortest decimal, the one
    ``repr(x)`` shows, has at most as many places as any decimal that rounds
    to ``x``, so where one with k places is found it *is* the shortest
    decimal's value, written with k places (a decimal with one place has
    two, too).  Cents (k = 2) are tried first, on every row, then k = 3,
    4, ... for the rows left; rows that no k within the spacing bound reads (16 or 17
    significant digits, or fractions of amounts of 10**12 and more) and
    floats from 2**53 up are left to the scalar reader.
    """
    largest = float(x.max()) if len(x) else 0.0
    head = x[:256]
    left = [np.empty(0, dtype=np.intp)]
    if np.array_equal(head, np.rint(head)):  # whole numbers, it seems: try that first
        whole = np.rint(x)
        if largest < _TWO_53:
            rest = np.flatnonzero(whole != x)
        else:
            small = x < _TWO_53
            rest = np.flatnonzero((whole != x) & small)
            left = [np.flatnonzero(~small)]
        numerators = whole.astype(np.int64)
        if not rest.size:
            return numerators, 1, np.concatenate(left)
    elif largest >= _TWO_53:
        left = [np.flatnonzero(x >= _TWO_53)]
    # cents on every row at once (a whole row reads as hundredths too)
    scaled = np.rint(x * 100.0)
    hit = scaled / 100.0 == x
    if largest * 800.0 >= _TWO_53:  # spacing(x) · 100 may pass 1/8 on the largest rows
        hit &= np.spacing(x) * 100.0 <= 0.125
        scaled = np.where(hit, scaled, 0.0)  # the rows left are read again: keep the cast in range
    numerators = scaled.astype(np.int64)
    if hit.all() and not left[0].size:
        return numerators, 100, left[0]
    denominators = np.full(len(x), 100, dtype=np.int64)
    rest = np.flatnonzero(~hit)
    if left[0].size:  # floats from 2**53 up: the scalar reader, not the loop below
        rest = np.setdiff1d(rest, left[0], assume_unique=True)
    sub = x[rest]
    spacing = np.spacing(sub)
    for k in range(3, 19):
        scale = _POW10[k]
        room = spacing * scale <= 0.125
        scaled = np.rint(sub * scale)
        hit = room & (scaled / scale == sub)
        found = rest[hit]
        numerators[found] = scaled[hit].astype(np.int64)
        denominators[found] = 10**k
        left.append(rest[~room])  # no decimal with k or more places is read here
        keep = room & ~hit
        rest, sub, spacing = rest[keep], sub[keep], spacing[keep]
        if not rest.size:
            break
    left.append(rest)
    return numerators, denominators, np.concatenate(left)


def _first_bad(bad: NDArray[np.bool_]) -> int | None:
    return int(np.argmax(bad)) if bad.any() else None


def _read_column(array: NDArray[Any], *, what: str, kind: Kind) -> Exact:
    """Read a one-dimensional array by the scalar rules, fast for numeric dtypes."""
    n = len(array)

    def fail(i: int) -> InvalidInputError:
        name = f"{what}[{i}]"
        _parse_one(_item(array, i), what=name, kind=kind)  # raises the scalar message
        return InvalidInputError(f"{name} cannot be read, got {array[i]!r}")  # pragma: no cover

    dtype = array.dtype
    if dtype.kind in "iu":
        least = 1 if kind != "amount" else 0
        most = 1 if kind == "rate" else MAX_AMOUNT
        if n and not (int(array.min()) >= least and int(array.max()) <= most):
            outside = (array < least) | (array > most)
            if (i := _first_bad(np.asarray(outside))) is not None:
                raise fail(i)
        return (array if dtype == np.int64 else array.astype(np.int64)), 1
    if dtype.kind == "f":
        x = array.astype(np.float64)  # float32 rows read as their float64 value, as .item() does
        bad: NDArray[np.bool_] | None = None
        slow: NDArray[np.bool_] | None = None
        if kind == "rate":
            bad = ~((x > 0) & (x <= 1.0))
            slow = x < _MIN_RATE_FLOAT  # near one in a trillion: the scalar reader decides
        else:
            low, high = (float(x.min()), float(x.max())) if n else (1.0, 1.0)
            # NaN fails both comparisons: then look row by row
            if not ((low > 0 if kind == "positive" else low >= 0) and high <= MAX_AMOUNT):
                bad = ~((x > 0 if kind == "positive" else x >= 0) & (x <= MAX_AMOUNT))
        if bad is not None and (i := _first_bad(bad)) is not None:
            raise fail(i)
        numerators, denominators, left = _shortest_decimals(x)
        if slow is not None and slow.any():
            left = np.union1d(left, np.flatnonzero(slow))
        if not left.size:
            return numerators, denominators
        return _patch(numerators, denominators, array, left, what=what, kind=kind)
    if dtype.kind == "b":
        raise fail(0)
    # objects, strings, decimals, fractions: one by one, by the scalar reader
    return _patch(
        np.zeros(n, dtype=np.int64),
        np.ones(n, dtype=np.int64),
        array,
        np.arange(n),
        what=what,
        kind=kind,
    )


def _patch(
    numerators: NDArray[Any],
    denominators: Any,
    array: NDArray[Any],
    rows: NDArray[np.intp],
    *,
    what: str,
    kind: Kind,
) -> Exact:
    """Read `rows` of `array` one by one with the scalar reader, into the two columns."""
    if not isinstance(denominators, np.ndarray):
        denominators = np.full(len(array), denominators, dtype=np.int64)
    values = [_parse_one(_item(array, i), what=f"{what}[{i}]", kind=kind) for i in rows.tolist()]
    nums = [v.numerator for v in values]
    dens = [v.denominator for v in values]
    if any(not -(2**62) < v < 2**62 for v in nums + dens):
        numerators, denominators = numerators.astype(object), denominators.astype(object)
    numerators[rows] = nums
    denominators[rows] = dens
    return numerators, denominators


def _read(value: object, *, what: str, kind: Kind) -> tuple[Exact, NDArray[Any] | None]:
    """Read one value for every row, or a column of them: (exact column, the array or None)."""
    if not is_batch(value) and not isinstance(value, list | tuple):
        number = _parse_one(value, what=what, kind=kind)
        return (number.numerator, number.denominator), None
    array = _as_array(value, what=what)
    return _read_column(array, what=what, kind=kind), array


def read_amounts(values: object, *, what: str = "amount", positive: bool = False) -> Exact:
    """Read a column of amounts exactly, by the rules of :func:`~salesmath.numbers.parse_amount`.

    Numeric arrays are read vectorised: integers as they are, floats as their
    shortest decimal (``0.35`` is 35/100), a float with 16 or more significant
    digits by the scalar reader.  Object and string arrays are read one value
    at a time.

    Parameters
    ----------
    values
        A one-dimensional numpy array, list or data frame column.
    what
        How a row is named in an error: ``quota[3]``.
    positive
        Require every amount to be > 0.

    Returns
    -------
    tuple
        Numerators and denominators in lowest terms: int64 arrays, or object
        arrays of Python ints when some row needs them.

    Raises
    ------
    InvalidInputError
        Naming the first row that is not a finite amount >= 0 (> 0 when `positive`).
    LimitError
        Naming the first row above ``MAX_AMOUNT``.

    Examples
    --------
    >>> nums, dens = read_amounts(np.array([250_000, 7033.67, 0.35]))
    >>> nums.tolist(), dens.tolist()
    ([250000, 703367, 7], [1, 100, 20])
    >>> read_amounts(np.array([1.0, -2.0]), what="quota")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: quota[1] must be a finite number >= 0, got -2.0
    """
    kind: Kind = "positive" if positive else "amount"
    array = _as_array(values, what=what)
    return _full(_read_column(array, what=what, kind=kind), len(array))


def _full(column: Exact, rows: int) -> Exact:
    """Both halves of an exact column as arrays of `rows` values."""
    numerators, denominators = (
        part if isinstance(part, np.ndarray) else np.full(rows, part, dtype=np.int64)
        for part in column
    )
    common = np.gcd(numerators, denominators)  # lowest terms, as a Fraction has them
    common[common == 0] = 1
    return numerators // common, denominators // common


def read_rates(values: object, *, what: str = "rate") -> Exact:
    """Read a column of conversion rates exactly, by the rules of :func:`~salesmath.numbers.parse_rate`.

    Examples
    --------
    >>> nums, dens = read_rates(np.array([0.35, 0.6, 0.12]))
    >>> nums.tolist(), dens.tolist()
    ([7, 3, 3], [20, 5, 25])
    >>> read_rates(["60%", "1 in 50"])[0].tolist()
    [3, 1]
    >>> read_rates(np.array([0.5, 1.6]), what="close rate")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: close rate[1] must be in (0, 1], got 1.6 — write 60% as 0.6 or "60%"
    """
    array = _as_array(values, what=what)
    return _full(_read_column(array, what=what, kind="rate"), len(array))


# -- the result ---------------------------------------------------------------------------


def _int_column(value: Any) -> NDArray[Any]:
    if isinstance(value, np.ndarray):
        return value
    items = [int(v) for v in parse_list(value, what="counts")]
    try:
        return np.array(items, dtype=np.int64)
    except OverflowError:
        column = np.empty(len(items), dtype=object)
        column[:] = items
        return column


def _float_column(value: Any) -> NDArray[np.float64]:
    if isinstance(value, np.ndarray):
        return value.astype(np.float64, copy=False)
    return np.array([float(v) for v in parse_list(value, what="column")], dtype=np.float64)


def _to_list(array: NDArray[Any]) -> list[Any]:
    return list(array.tolist())


IntColumn = Annotated[
    NDArray[Any],
    PlainValidator(_int_column),
    PlainSerializer(_to_list, return_type=list[int]),
    WithJsonSchema({"type": "array", "items": {"type": "integer", "minimum": 0}}),
]
FloatColumn = Annotated[
    NDArray[np.float64],
    PlainValidator(_float_column),
    PlainSerializer(_to_list, return_type=list[float]),
    WithJsonSchema({"type": "array", "items": {"type": "number", "minimum": 0}}),
]


def _total(column: NDArray[Any]) -> int:
    """Add up a column of whole counts exactly."""
    if column.dtype != object and len(column) and int(column.max()) * len(column) < 2**63:
        return int(column.sum())
    total: int = sum(column.tolist(), 0)
    return total


class BatchPlan(TabularModel):
    """Many plans at once: one count per stage and row, as numpy arrays.

    Made by :meth:`Funnel.plan` with an array of quotas, or by
    :func:`plan_batch`.  Every row equals the scalar plan of that row:
    ``plan.counts[stage][i] == Funnel(...).plan(quota[i]).counts[stage]``.

    Attributes
    ----------
    stages
        Stage names, top to bottom.
    quota, deal_size
        Each row's quota and deal size, as floats (the counts come from
        their exact reading).
    counts
        Stage → int64 array of whole counts (an object array of Python ints
        for a stage where some count does not fit in int64).
    funnel
        The funnel every row shares, when there is one.
    confidence
        The confidence each stage's count reaches, or None for plans on
        average.

    Examples
    --------
    >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
    ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
    >>> plans = funnel.plan(np.array([250_000, 500_000, 1_000_000]))
    >>> plans.counts["activities"]
    array([ 750, 1500, 3000])
    >>> plans["won"].tolist(), len(plans)
    ([3, 6, 12], 3)
    >>> plans
    BatchPlan(rows=3, stages=['activities', 'discos', 'demos', 'won'], deals=21)
    >>> print(plans)
    3 plans at 84,000 a deal: 21 deals in all
    row      quota  activities  discos  demos  won
    -----  ---------  ----------  ------  -----  ---
    0        250,000         750      15      9    3
    1        500,000       1,500      30     18    6
    2      1,000,000       3,000      60     36   12
    total  1,750,000       5,250     105     63   21
    Each row is the plan for its quota alone (whole counts at every stage).
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", defer_build=True, arbitrary_types_allowed=True
    )

    stages: tuple[str, ...] = Field(min_length=2)
    quota: FloatColumn
    deal_size: FloatColumn
    counts: dict[str, IntColumn]
    funnel: Funnel | None = None
    confidence: Annotated[float, Field(gt=0, lt=1)] | None = None
    _quota_exact: Any = PrivateAttr(default=None)

    def __len__(self) -> int:
        return len(self.quota)

    def __getitem__(self, stage: str) -> NDArray[Any]:
        """Return one stage's counts, an array with one count per row."""
        try:
            return self.counts[stage]
        except KeyError:
            raise UnknownStageError(stage, self.stages) from None

    @property
    def deals(self) -> NDArray[Any]:
        """Won deals planned per row: the counts at the last stage."""
        return self.counts[self.stages[-1]]

    @property
    def bookings(self) -> NDArray[np.float64]:
        """Expected bookings per row, ``deals × deal_size``, as floats."""
        return np.asarray(self.deals, dtype=np.float64) * self.deal_size

    def totals(self) -> dict[str, int]:
        """Return each stage's count added up over every row, exactly.

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> funnel.plan(np.array([21_000, 1_000])).totals()
        {'demos': 63, 'won': 22}
        """
        return {stage: _total(column) for stage, column in self.counts.items()}

    def row(self, i: int) -> Any:
        """Return row `i` as a :class:`~salesmath.QuotaPlan` (a batch from one funnel only).

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> funnel.plan(np.array([1_000, 21_000])).row(1).counts
        {'demos': 60, 'won': 21}
        """
        if self.funnel is None or self._quota_exact is None:
            raise InvalidInputError(
                "row() needs a batch planned from one funnel (Funnel.plan(quotas)); "
                "read this batch's counts with plan.counts[stage][i]"
            )
        index = range(len(self))[i]
        numerators, denominators = self._quota_exact
        quota = Fraction(
            int(numerators[index] if isinstance(numerators, np.ndarray) else numerators),
            int(denominators[index] if isinstance(denominators, np.ndarray) else denominators),
        )
        return self.funnel.plan(quota, confidence=self.confidence)

    def _varies(self) -> bool:
        return len(self) > 1 and bool(np.any(self.deal_size != self.deal_size[0]))

    def table(self) -> Table:
        """Return the plans as a table: every row when few, else the first and last rows.

        A batch of more than ``4 × SHOWN_ROWS`` rows shows its first and last
        :data:`SHOWN_ROWS` rows and a total; :meth:`to_frame` has every row.
        """
        n = len(self)
        varies = self._varies()
        shown = (
            list(range(n))
            if n <= 4 * SHOWN_ROWS
            else [*range(SHOWN_ROWS), -1, *range(n - SHOWN_ROWS, n)]
        )
        heads = [np.asarray(self.quota)]
        if varies:
            heads.append(np.asarray(self.deal_size))
        columns = [*heads, *(self.counts[s] for s in self.stages)]
        rows: list[tuple[Any, ...]] = []
        gap: dict[tuple[int, int], Callable[[Any], str]] = {}
        width = 1 + len(columns)
        for position, i in enumerate(shown):
            if i < 0:
                rows.append(("…", *([None] * (width - 1))))
                gap.update({(position, j): _ellipsis for j in range(1, width)})
                continue
            quota = float(self.quota[i])
            cells = [quota, float(self.deal_size[i])] if varies else [quota]
            rows.append((str(i), *cells, *(int(self.counts[s][i]) for s in self.stages)))
        totals = self.totals()
        total_quota = float(np.sum(self.quota))
        rows.append(("total", total_quota, *([None] if varies else []), *totals.values()))
        size = "" if varies or n == 0 else f" at {format_amount(float(self.deal_size[0]))} a deal"
        confident = (
            "" if self.confidence is None else f", each at {format_percent(self.confidence)}"
        )
        notes = [
            "Each row is the plan for its quota alone (whole counts at every stage)."
            if self.confidence is None
            else f"Each stage's count alone wins the row's deals with at least "
            f"{format_percent(self.confidence)} chance."
        ]
        if n > 4 * SHOWN_ROWS:
            notes.append(
                f"Showing the first and last {SHOWN_ROWS} of {n:,} rows; to_frame() has them all."
            )
        return Table(
            title=(
                f"{n:,} plans{size}{confident}: "
                f"{format_count(totals[self.stages[-1]])} deals in all"
            ),
            columns=(
                Column("row", align="left"),
                Column("quota", format_amount),
                *([Column("deal size", format_amount)] if varies else []),
                *(Column(stage, format_count) for stage in self.stages),
            ),
            rows=rows,
            notes=notes,
            cell_formats=gap,
        )

    def to_frame(self) -> pd.DataFrame:
        """Return every row as a pandas DataFrame: quota, deal size and one column per stage.

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> funnel.plan(np.array([1_000, 21_000])).to_frame()
               quota  deal_size  demos  won
        row
        0     1000.0     1000.0      3    1
        1    21000.0     1000.0     60   21
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_frame() needs pandas; install it with: pip install 'salesmath[pandas]'"
            ) from exc
        data: dict[str, Any] = {"quota": self.quota, "deal_size": self.deal_size}
        for stage in self.stages:
            column = self.counts[stage]
            data[stage] = column.astype(np.float64) if column.dtype == object else column
        frame = pd.DataFrame(data)
        frame.index.name = "row"
        return frame

    def summary(self) -> str:
        """Return the batch in one plain-language paragraph.

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> print(funnel.plan(np.array([1_000, 21_000, 5_000])).summary())
        3 plans, quotas from 1,000 to 21,000: 1 to 21 won deals a plan, 27 in all; demos from 3 to 60 a plan, 78 in all.
        """
        n = len(self)
        if n == 0:
            return "No plans: the batch is empty."
        parts: list[str] = []
        totals = self.totals()
        for stage in reversed(self.stages):
            column = self.counts[stage]
            low, high = int(column.min()), int(column.max())
            name = "won deals" if stage == self.stages[-1] else stage
            if parts:
                parts.append(
                    f"{stage} from {format_count(low)} to {format_count(high)} a plan, "
                    f"{format_count(totals[stage])} in all"
                )
            else:
                parts.append(
                    f"{format_count(low)} to {format_count(high)} {name} a plan, "
                    f"{format_count(totals[stage])} in all"
                )
            if len(parts) == 2:
                break
        confident = (
            "" if self.confidence is None else f" at {format_percent(self.confidence)} confidence"
        )
        return (
            f"{n:,} plans{confident}, quotas from {format_amount(float(np.min(self.quota)))} "
            f"to {format_amount(float(np.max(self.quota)))}: {'; '.join(parts)}."
        )

    def __repr__(self) -> str:
        confidence = "" if self.confidence is None else f", confidence={self.confidence}"
        return (
            f"BatchPlan(rows={len(self)}, stages={list(self.stages)}, "
            f"deals={_total(self.deals)}{confidence})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BatchPlan):
            return NotImplemented
        return (
            self.stages == other.stages
            and self.confidence == other.confidence
            and self.funnel == other.funnel
            and np.array_equal(self.quota, other.quota)
            and np.array_equal(self.deal_size, other.deal_size)
            and all(np.array_equal(self.counts[s], other.counts[s]) for s in self.stages)
        )

    __hash__ = None  # type: ignore[assignment]


def _ellipsis(value: object) -> str:
    return "…"


# -- planning -----------------------------------------------------------------------------


def _floats(column: Exact, rows: int, source: NDArray[Any] | None = None) -> NDArray[np.float64]:
    """Turn an exact column into floats, for display; `source` is the array it was read from."""
    numerators, denominators = column
    if source is not None and source.dtype.kind in "fiu":
        out = source.astype(np.float64)  # a float reads as itself: its shortest decimal
    elif not isinstance(numerators, np.ndarray) and not isinstance(denominators, np.ndarray):
        out = np.full(rows, numerators / denominators, dtype=np.float64)
    elif (isinstance(numerators, np.ndarray) and numerators.dtype == object) or (
        isinstance(denominators, np.ndarray) and denominators.dtype == object
    ):
        nums = np.broadcast_to(np.asarray(numerators, dtype=object), (rows,)).tolist()
        dens = np.broadcast_to(np.asarray(denominators, dtype=object), (rows,)).tolist()
        out = np.array([n / d for n, d in zip(nums, dens, strict=True)], dtype=np.float64)
    else:
        out = np.asarray(numerators, dtype=np.float64) / np.asarray(denominators, dtype=np.float64)
        out = np.array(np.broadcast_to(out, (rows,)), dtype=np.float64)
    out.flags.writeable = False
    return out


def _frozen(columns: list[Any]) -> list[Any]:
    for column in columns:
        column.flags.writeable = False
    return columns


def _build(
    stages: tuple[str, ...],
    quota: Exact,
    size: Exact,
    nums: Sequence[Any],
    dens: Sequence[Any],
    rows: int,
    *,
    funnel: Funnel | None,
    source: NDArray[Any] | None,
) -> BatchPlan:
    counts = _frozen(_core.plan_rows(*quota, *size, nums, dens, rows))
    plan = BatchPlan.trusted(
        stages=stages,
        quota=_floats(quota, rows, source),
        deal_size=_floats(size, rows),
        counts=dict(zip(stages, counts, strict=True)),
        funnel=funnel,
        confidence=None,
    )
    object.__setattr__(plan, "__pydantic_private__", {"_quota_exact": quota})
    return plan


def plan_funnel(funnel: Funnel, quotas: object, *, confidence: object = None) -> BatchPlan:
    """Plan every quota in `quotas` with one funnel: what ``Funnel.plan(array)`` returns.

    Raises
    ------
    InvalidInputError
        Naming the first quota that is not a finite amount >= 0.

    Examples
    --------
    21 deals at 35% need 60 demos, not 61; 1.8 deals' worth of quota at 12%
    needs 15 demos:

    >>> funnel = Funnel(stages=["demos", "won"], rates=[0.35], deal_size=1)
    >>> plan_funnel(funnel, np.array([21.0, 20.0])).counts["demos"].tolist()
    [60, 58]
    """
    array = _as_array(quotas, what="quota")
    quota = _read_column(array, what="quota", kind="amount")
    rows = len(array)
    nums, dens, size_num, size_den = funnel._kernel
    if confidence is None:
        return _build(
            funnel.stages,
            quota,
            (size_num, size_den),
            nums,
            dens,
            rows,
            funnel=funnel,
            source=array,
        )
    chance = float(parse_probability(confidence))
    deals = _core.plan_rows(*quota, size_num, size_den, [], [], rows)[0]
    return _confident(funnel, quota, deals, chance, rows, array)


def _confident(
    funnel: Funnel,
    quota: Exact,
    deals: NDArray[Any],
    chance: float,
    rows: int,
    source: NDArray[Any],
) -> BatchPlan:
    """Confidence counts per row: one search per distinct deal count, shared by its rows."""
    from salesmath import probability

    distinct, where = np.unique(deals, return_inverse=True)
    if len(distinct) > MAX_CONFIDENCE_PLANS:
        raise LimitError(
            f"a batch confidence plan works out at most {MAX_CONFIDENCE_PLANS:,} distinct "
            f"deal counts (salesmath's limit), and these quotas need {len(distinct):,}; "
            f"split the batch or plan without confidence="
        )
    found = [
        probability.confidence_counts(funnel, int(d), confidence=chance) for d in distinct.tolist()
    ]
    counts = []
    for stage in funnel.stages:
        column = _int_column([f[stage] for f in found])
        counts.append(column[where.reshape(-1)])
    plan = BatchPlan.trusted(
        stages=funnel.stages,
        quota=_floats(quota, rows, source),
        deal_size=_floats((funnel._kernel[2], funnel._kernel[3]), rows),
        counts=dict(zip(funnel.stages, _frozen(counts), strict=True)),
        funnel=funnel,
        confidence=chance,
    )
    object.__setattr__(plan, "__pydantic_private__", {"_quota_exact": quota})
    return plan


def plan_batch(
    quota: object,
    *,
    funnel: Funnel | None = None,
    stages: object = None,
    rates: object = None,
    deal_size: object = None,
    rounding: str = "ceil",
) -> BatchPlan:
    """Plan many rows at once, each with its own quota, deal size and rates.

    Every argument but `stages` may be one value for every row or a column
    with one value per row: a numpy array, a list, or a data frame column
    (pandas, polars).  Each row's counts equal
    ``Funnel(stages=..., rates=row's rates, deal_size=row's size).plan(row's quota)``.

    Parameters
    ----------
    quota
        Bookings to reach per row, >= 0.
    funnel
        A funnel whose stages, rates and deal size are used where the
        arguments below are left out.
    stages
        Stage names, top to bottom (needed without `funnel`).
    rates
        One per conversion, top to bottom; each one rate in any form
        (``"60%"``, ``"1 in 50"``, ``0.35``) or a column of them.
    deal_size
        Average value of a won deal, > 0: one, or a column.
    rounding
        ``"ceil"`` only: batch plans plan whole counts.

    Returns
    -------
    BatchPlan

    Raises
    ------
    InvalidInputError
        Naming the argument and row of the first bad value, or columns of
        different lengths.

    Examples
    --------
    Three scenarios for a team's close rate, one quota each:

    >>> plans = plan_batch(np.array([250_000, 250_000, 300_000]),
    ...                    stages=["activities", "discos", "demos", "won"],
    ...                    rates=["1 in 50", "60%", ["25%", "1/3", "40%"]],
    ...                    deal_size=84_000)
    >>> plans.counts["activities"].tolist(), plans.deals.tolist()
    ([1000, 750, 850], [3, 3, 4])

    Data frame columns work the same way:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"quota": [21_000, 1.8], "size": [1_000, 0.12], "close": [0.35, 0.5]})
    >>> plans = plan_batch(frame["quota"], stages=["demos", "won"], rates=[frame["close"]],
    ...                    deal_size=frame["size"])
    >>> plans.deals.tolist(), plans.counts["demos"].tolist()
    ([21, 15], [60, 30])
    """
    parse_choice(rounding, ("ceil",), what="rounding (batch plans plan whole counts)")
    if funnel is not None and not isinstance(funnel, Funnel):
        raise InvalidInputError(f"funnel must be a salesmath.Funnel, got {type(funnel).__name__}")
    if stages is None:
        if funnel is None:
            raise InvalidInputError("plan_batch needs stages=[...] (top to bottom) or funnel=")
        names = funnel.stages
    else:
        names = check_stage_names(stages)
    conversions = len(names) - 1
    lengths: dict[str, int] = {}
    arrays: dict[str, NDArray[Any]] = {}

    def column(value: object, what: str, kind: Kind) -> Exact:
        exact, array = _read(value, what=what, kind=kind)
        if array is not None:
            lengths[what] = len(array)
            arrays[what] = array
        return exact

    quota_exact = column(quota, "quota", "amount")
    if deal_size is None:
        if funnel is None:
            raise InvalidInputError("plan_batch needs deal_size= (one, or one per row) or funnel=")
        size: Exact = (funnel.deal_size.numerator, funnel.deal_size.denominator)
    else:
        size = column(deal_size, "deal_size", "positive")
    if rates is None:
        if funnel is None or funnel.stages != names:
            raise InvalidInputError(
                f"plan_batch needs rates=[...], one per conversion ({conversions} for "
                f"{len(names)} stages), or a funnel with these stages"
            )
        nums, dens = list(funnel._kernel[0]), list(funnel._kernel[1])
    else:
        items = parse_list(rates, what="rates")
        if len(items) != conversions:
            raise InvalidInputError(
                f"rates must have one entry per conversion: {len(names)} stages need "
                f"{conversions}, got {len(items)}"
            )
        nums, dens = [], []
        for i, item in enumerate(items):
            num, den = column(item, f"rate from {names[i]!r} to {names[i + 1]!r}", "rate")
            nums.append(num)
            dens.append(den)
    distinct = set(lengths.values())
    if len(distinct) > 1:
        listed = ", ".join(f"{name} {length:,}" for name, length in lengths.items())
        raise InvalidInputError(
            f"every column must have one value per row, got different lengths: {listed}"
        )
    if not distinct:
        raise InvalidInputError(
            "plan_batch needs at least one column (an array, list or data frame column); "
            "for one plan use Funnel(...).plan(quota)"
        )
    rows = distinct.pop()
    same_funnel = (
        funnel
        if (funnel is not None and funnel.stages == names and rates is None and deal_size is None)
        else None
    )
    return _build(
        names,
        quota_exact,
        size,
        nums,
        dens,
        rows,
        funnel=same_funnel,
        source=arrays.get("quota"),
    )
