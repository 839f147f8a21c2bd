"""Array readers: the vectorised forms of :mod:`salesmath.numbers`' readers.

A column of amounts, rates or whole counts (a numpy array, a list, a data
frame column) is read by the rules of the scalar readers
(:func:`~salesmath.numbers.parse_amount`, :func:`~salesmath.numbers.parse_rate`,
:func:`~salesmath.numbers.parse_whole`) without a Python call per row where
the dtype allows: a float means its shortest decimal reading (0.35 is 7/20),
and a bad row is an error that names it, with the scalar reader's message.
Batch plans (:mod:`salesmath.batch`) and columnar teams
(:mod:`salesmath._teamdata`) read their columns here.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import NDArray

from salesmath.errors import InvalidInputError, LimitError
from salesmath.numbers import MAX_AMOUNT, MAX_ITEMS, parse_amount, parse_list, parse_rate

__all__ = [
    "Exact",
    "Kind",
    "as_array",
    "is_batch",
    "plain_numbers",
    "read",
    "read_amounts",
    "read_column",
    "read_rates",
]

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


def as_array(value: object, *, what: str) -> NDArray[Any]:
    """`value` as a one-dimensional numpy array (a list, an array, a data frame column)."""
    if isinstance(value, np.ndarray):
        array = value
    elif hasattr(value, "__array__") and not isinstance(value, str | bytes):
        array = np.asarray(value)
    else:
        items = parse_list(value, what=what)
        try:
            types = {type(item) for item in items}
            if len(types) > 1 or types == {str}:
                # mixed types (1 and 2.5, 10**18 and 0.5, 0 and True): numpy would make one
                # dtype of them, rounding big whole numbers and reading True as 1; text
                # stays the str objects it is (no fixed-width copy)
                raise ValueError("keep each value as it is")
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


def read_column(
    array: NDArray[Any],
    *,
    what: str,
    kind: Kind,
    row_error: Callable[[int], Exception] | None = None,
) -> Exact:
    """Read a one-dimensional array by the scalar rules, fast for numeric dtypes.

    A bad row raises the scalar reader's error, naming it ``what[i]``; with
    `row_error`, the error ``row_error(i)`` returns instead (a caller that
    knows the row by another name).
    """
    n = len(array)

    def fail(i: int) -> Exception:
        if row_error is not None:
            return row_error(i)
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
        left = np.sort(left)  # row by row in order, so a bad row is the first bad row
        return _patch(
            numerators, denominators, array, left, what=what, kind=kind, row_error=row_error
        )
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
        row_error=row_error,
    )


def _patch(
    numerators: NDArray[Any],
    denominators: Any,
    array: NDArray[Any],
    rows: NDArray[np.intp],
    *,
    what: str,
    kind: Kind,
    row_error: Callable[[int], Exception] | None = None,
) -> Exact:
    """Read `rows` of `array` one by one with the scalar reader, into the two columns."""
    if not isinstance(denominators, np.ndarray):
        denominators = np.full(len(array), denominators, dtype=np.int64)
    values = []
    for i in rows.tolist():
        try:
            values.append(_parse_one(_item(array, i), what=f"{what}[{i}]", kind=kind))
        except InvalidInputError:
            if row_error is None:
                raise
            raise row_error(i) from None
    nums = [v.numerator for v in values]
    dens = [v.denominator for v in values]
    if any(not -(2**62) < v < 2**62 for v in nums + dens):
        numerators, denominators = numerators.astype(object), denominators.astype(object)
    numerators[rows] = nums
    denominators[rows] = dens
    return numerators, denominators


def read(value: object, *, what: str, kind: Kind) -> tuple[Exact, NDArray[Any] | None]:
    """Read one value for every row, or a column of them: (exact column, the array or None)."""
    if not is_batch(value) and not isinstance(value, list | tuple):
        number = _parse_one(value, what=what, kind=kind)
        return (number.numerator, number.denominator), None
    array = as_array(value, what=what)
    return read_column(array, what=what, kind=kind), array


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
    array = as_array(values, what=what)
    return _full(read_column(array, what=what, kind=kind), len(array))


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
    array = as_array(values, what=what)
    return _full(read_column(array, what=what, kind="rate"), len(array))


_NOT_DIGITS: Final = dict.fromkeys(range(48, 58))  # str.translate deletes the digits
_MAX_PLAIN: Final = 15  # characters: 15 significant digits round-trip through a float


def plain_numbers(array: NDArray[Any], *, whole: bool, blanks: bool) -> NDArray[Any] | None:
    """Read a column of plain decimal text (``"1200"``, ``"1234.56"``) as numbers, fast.

    Text as a CSV file holds it: when every value is ASCII digits (and, unless
    `whole`, at most one point), at most 15 characters long, it is returned as
    int64 (`whole`) or float64 numbers, which the numeric readers then read
    exactly (15 significant digits survive a float, and a float is read as its
    shortest decimal).  With `blanks`, an empty value is NaN (a float column).
    Anything else (``"1,200"``, ``" 12"``, ``"1e3"``, a number that is not
    text) returns None: read it value by value with the scalar readers.

    Examples
    --------
    >>> plain_numbers(np.array(["12", "007"], dtype=object), whole=True, blanks=False)
    array([12,  7])
    >>> plain_numbers(np.array(["1234.56", ""], dtype=object), whole=False, blanks=True)
    array([1234.56,     nan])
    >>> plain_numbers(np.array(["1,200"], dtype=object), whole=True, blanks=False) is None
    True
    """
    items = array.tolist()
    try:
        joined = "".join(items)
    except TypeError:  # some value is not text
        return None
    if not joined.isascii() or max(map(len, items), default=0) > _MAX_PLAIN:
        return None
    left = joined.translate(_NOT_DIGITS)
    if whole:
        if left or not all(items):
            return None
        return np.fromiter(map(int, items), dtype=np.int64, count=len(items))
    if left.strip(".") or (not blanks and not all(items)):
        return None
    try:
        return np.fromiter(
            (float(item) if item else np.nan for item in items), dtype=np.float64, count=len(items)
        )
    except ValueError:  # "." alone, or two points in one value
        return None
