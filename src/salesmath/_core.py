"""Exact kernels: pure functions on integers (or numpy integer arrays).

A rate is given as an integer numerator and denominator, an amount likewise,
so every count comes out of integer floor division: exact, with no float
noise, and fast.  The same functions take Python ints (exact at any size) or
numpy ``int64`` arrays (one call for many plans); :func:`mul` guards the
array products against overflow by falling back to exact Python integers.

This is the numpy-financial style: each function states its formula in a
Notes section and shows it in a doctest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Final, TypeAlias

import numpy as np

__all__ = [
    "INT64_SAFE",
    "ceil_div",
    "largest",
    "deals_needed",
    "mul",
    "plan_rows",
    "ratio_sum",
    "required_counts",
    "spread",
    "total",
]

Int: TypeAlias = Any
"""An ``int``, or a numpy integer (or object) array of them: every kernel takes either."""

INT64_SAFE: Final = 2**62
"""Whole numbers whose products or sums stay below this in magnitude are worked on in
int64 (a margin of two, so one more addition cannot wrap); past it, in Python ints."""
_INT64_SAFE = INT64_SAFE


def largest(values: Int) -> int:
    """Return the largest magnitude among whole numbers, as a Python int (0 for none).

    Examples
    --------
    >>> largest(np.array([3, -7])), largest(np.array([], dtype=np.int64)), largest(-5)
    (7, 0, 5)
    """
    if not isinstance(values, np.ndarray):
        return abs(int(values))
    if not len(values):
        return 0
    if values.dtype == object:
        return int(max(abs(v) for v in values.tolist()))
    return max(abs(int(values.max())), abs(int(values.min())))


def total(values: Int) -> int:
    """Return the exact sum of whole numbers: in int64 when no partial sum can wrap.

    Examples
    --------
    >>> total(np.array([1, 2, 3])), total(np.array([2**62, 2**62]))
    (6, 9223372036854775808)
    """
    if values.dtype != object and largest(values) * len(values) < INT64_SAFE:
        return int(values.sum())
    return int(sum(values.tolist(), 0))


def ratio_sum(numerators: Int, denominators: Int) -> Fraction:
    """Return ``Σ numerators[i] / denominators[i]`` exactly (every denominator > 0).

    Notes
    -----
    The numerators over each distinct denominator are added first, as whole
    numbers (in int64 only when no sum can wrap), so the Python work is per
    distinct denominator (a team's few quotas), not per value.

    Examples
    --------
    >>> ratio_sum(np.array([1, 1, 2]), np.array([3, 3, 6]))
    Fraction(1, 1)
    >>> ratio_sum(np.array([2**62, 2**62]), np.array([1, 1]))
    Fraction(9223372036854775808, 1)
    """
    if not len(denominators):
        return Fraction(0)
    dens, where = np.unique(denominators, return_inverse=True)
    where = where.reshape(-1)
    if numerators.dtype != object and largest(numerators) * len(numerators) < INT64_SAFE:
        sums = np.zeros(len(dens), dtype=np.int64)
        np.add.at(sums, where, numerators)
        tops: list[int] = sums.tolist()
    else:
        tops = [0] * len(dens)
        for at, value in zip(where.tolist(), numerators.tolist(), strict=True):
            tops[at] += value
    bottoms = [int(d) for d in dens.tolist()]
    common = math.lcm(*bottoms)
    return Fraction(sum(t * (common // b) for t, b in zip(tops, bottoms, strict=True)), common)


def mul(a: Int, b: Int) -> Int:
    """Multiply exactly: ints as ints; numpy int64 arrays, promoted on overflow risk.

    When the product of two int64 arrays could leave int64 (judged from their
    largest magnitudes), both are turned into object arrays of Python ints
    first, so the result is exact rather than wrapped around.

    Examples
    --------
    >>> mul(3, 7)
    21
    >>> mul(np.array([2**40]), np.array([2**40])).tolist()
    [1208925819614629174706176]
    """
    if type(a) is int and type(b) is int:  # the scalar plan: the common case first
        return a * b
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        if a_arr.dtype != object and b_arr.dtype != object:
            largest_a = int(np.abs(a_arr).max(initial=0))
            largest_b = int(np.abs(b_arr).max(initial=0))
            if largest_a * largest_b < _INT64_SAFE:
                return a_arr * b_arr
        return a_arr.astype(object) * b_arr.astype(object)
    return a * b


def ceil_div(a: Int, b: Int) -> Int:
    """Return ``ceil(a / b)`` exactly, for ``b > 0``.

    Notes
    -----
    ``ceil(a / b) = -((-a) // b)``: floor division of the negated numerator,
    exact on integers of any size.

    Examples
    --------
    >>> ceil_div(7, 2), ceil_div(6, 2), ceil_div(0, 5)
    (4, 3, 0)
    >>> ceil_div(np.array([7, 6, 0]), 2).tolist()
    [4, 3, 0]
    """
    return -((-a) // b)


def deals_needed(quota_num: Int, quota_den: Int, size_num: Int, size_den: Int) -> Int:
    """Return the whole deals that reach a quota: ``ceil(quota / deal_size)``.

    Notes
    -----
    With ``quota = qn / qd`` and ``deal_size = sn / sd``,
    ``deals = ceil((qn · sd) / (qd · sn))``.

    Examples
    --------
    Quota 250,000 at 84,000 a deal (the sales-math AMA's worked example):

    >>> deals_needed(250_000, 1, 84_000, 1)
    3
    """
    if type(quota_num) is int and type(quota_den) is int:  # one plan: plain integers
        return -((-quota_num * size_den) // (quota_den * size_num))
    return ceil_div(mul(quota_num, size_den), mul(quota_den, size_num))


def required_counts(deals: Int, rate_nums: Sequence[Int], rate_dens: Sequence[Int]) -> list[Int]:
    """Return the whole count each stage needs, top to bottom, for `deals` won.

    Parameters
    ----------
    deals
        Won deals needed: the count at the last stage.
    rate_nums, rate_dens
        Each rate as numerator and denominator, top to bottom: rate ``i``
        converts stage ``i`` into stage ``i + 1``.

    Notes
    -----
    From the bottom up, each stage needs the smallest whole count whose
    expected conversion covers the stage below:
    ``c[i] = ceil(c[i + 1] / rate[i]) = ceil(c[i + 1] · den[i] / num[i])``.

    Examples
    --------
    The worked example: 3 deals at "1 in 50", 60%, 1/3:

    >>> required_counts(3, [1, 3, 1], [50, 5, 3])
    [750, 15, 9, 3]

    21 deals at a 35% close rate need 60 demos (a float chain says 61):

    >>> required_counts(21, [7], [20])
    [60, 21]
    """
    counts = [deals]
    if type(deals) is int:  # one plan: plain integer arithmetic, exact at any size
        count = deals
        for num, den in zip(reversed(rate_nums), reversed(rate_dens), strict=True):
            count = -((-count * den) // num)
            counts.append(count)
    else:
        for num, den in zip(reversed(rate_nums), reversed(rate_dens), strict=True):
            counts.append(ceil_div(mul(counts[-1], den), num))
    counts.reverse()
    return counts


def spread(total: Int, periods: int) -> Any:
    """Split a whole `total` into `periods` whole targets that add up to it.

    The larger targets come first, so that by the end of period ``k`` at least
    ``ceil(k · total / periods)`` is done.

    Notes
    -----
    ``done[k] = ceil(k · total / periods)`` for ``k = 0 … periods``; the
    target of period ``k`` is ``done[k + 1] - done[k]``.

    Examples
    --------
    >>> spread(15, 4).tolist()
    [4, 4, 4, 3]
    >>> int(spread(750, 13).sum())
    750
    """
    k = np.arange(periods + 1, dtype=np.int64)
    done = ceil_div(mul(k, total), periods)
    return np.diff(np.asarray(done))


# -- many plans at once ------------------------------------------------------------------


def _fits(value: int) -> bool:
    """Whether a Python int is small enough for the int64 fast path (below 2**62)."""
    return -_INT64_SAFE < value < _INT64_SAFE


def _guarded_product(a: Int, b: Int, unsafe: Any, fill: int) -> tuple[Int, Any]:
    """Multiply nonnegative `a` and `b` (int64 arrays or small ints) where int64 holds it.

    Returns the product and the rows where it might not fit in int64 (kept
    below 2**62 so that a following ``a + b - 1`` cannot wrap either); those
    rows hold `fill` instead, and are added to `unsafe` (None: no row yet).
    """
    if not isinstance(a, np.ndarray) and not isinstance(b, np.ndarray):
        product = a * b
        if _fits(product):
            return product, unsafe
        return fill, True  # every row: the caller works all of them out exactly
    if not isinstance(a, np.ndarray):
        a, b = b, a
    if not isinstance(b, np.ndarray):
        if b == 1:
            return a, unsafe  # the same array: the caller copies before writing to it
        if b == 0 or len(a) == 0:
            return a * b, unsafe
        limit = (_INT64_SAFE - 1) // b
        if int(a.max()) <= limit:
            return a * b, unsafe
        over = a > limit
        return np.where(over, fill, a * np.where(over, 0, b)), _union(unsafe, over)
    if len(a) == 0 or int(a.max()) * int(b.max()) < _INT64_SAFE:
        return a * b, unsafe
    over = a.astype(np.float64) * b.astype(np.float64) >= 2.0**61  # a margin for rounding
    product = np.where(over, 0, a) * np.where(over, 0, b)
    return np.where(over, fill, product), _union(unsafe, over)


def _union(unsafe: Any, over: Any) -> Any:
    if unsafe is None:
        return over
    if unsafe is True:
        return True
    return unsafe | over


def _ceil_div_rows(a: Int, b: Int, *, owned: bool) -> Int:
    """``ceil(a / b)`` for ``a >= 0`` and ``b >= 1`` below 2**62: ``(a + b - 1) // b``.

    With `owned`, `a` is a fresh array that may be overwritten (no new array).
    """
    if not isinstance(a, np.ndarray):
        return (a + (b - 1)) // b
    if not isinstance(b, np.ndarray) and b == 1:
        return a if owned else a.copy()
    if owned:
        np.add(a, b - 1, out=a)
        return np.floor_divide(a, b, out=a)
    return (a + (b - 1)) // b


def plan_rows(
    quota_num: Int,
    quota_den: Int,
    size_num: Int,
    size_den: Int,
    rate_nums: Sequence[Int],
    rate_dens: Sequence[Int],
    rows: int,
) -> list[Any]:
    """Return the whole count each stage needs, top to bottom, for many plans at once.

    Every argument is a numpy int64 array with one value per row, or one
    Python int for every row; numbers are nonnegative, denominators and
    rate numerators positive.  Each row gets exactly what
    :func:`deals_needed` and :func:`required_counts` give for it alone.

    Parameters
    ----------
    quota_num, quota_den, size_num, size_den
        The quotas and deal sizes as numerators and denominators.
    rate_nums, rate_dens
        Each rate as numerators and denominators, top to bottom.
    rows
        How many plans.

    Returns
    -------
    list of numpy.ndarray
        One array per stage, top to bottom: int64, or object (Python ints)
        for a stage where some count does not fit in int64.

    Notes
    -----
    The formulas of :func:`deals_needed` and :func:`required_counts`:
    ``deals = ceil(qn · sd / (qd · sn))``, then from the bottom up
    ``c[i] = ceil(c[i + 1] · den[i] / num[i])``, with ``ceil(a / b)`` as
    ``(a + b - 1) // b`` for ``a >= 0``, ``b >= 1``.  Each product is worked
    out in int64 where both factors' magnitudes show it stays below 2**62;
    rows where some product might not are set aside and worked out again
    with Python integers, by :func:`deals_needed` and :func:`required_counts`
    themselves, so no row ever wraps around.

    Examples
    --------
    Quotas of 250,000 and 21,000 at 84,000 and 1,000 a deal, one at "1 in 50", 60%, 1/3:

    >>> counts = plan_rows(np.array([250_000, 21_000]), 1, np.array([84_000, 1_000]), 1,
    ...                    [1, 3, np.array([1, 7])], [50, 5, np.array([3, 20])], 2)
    >>> [c.tolist() for c in counts]
    [[750, 5000], [15, 100], [9, 60], [3, 21]]

    A row whose counts leave int64 gets exact Python integers:

    >>> plan_rows(np.array([10**18, 1]), 1, 1, 1, [1], [10**6], 2)[0].tolist()
    [1000000000000000000000000, 1000000]
    """
    values = [quota_num, quota_den, size_num, size_den, *rate_nums, *rate_dens]
    exact_only = any(
        (isinstance(v, np.ndarray) and v.dtype == object) or (isinstance(v, int) and not _fits(v))
        for v in values
    )
    unsafe: Any = True if exact_only else None
    columns: list[Any] = []
    if not exact_only:
        top, unsafe = _guarded_product(quota_num, size_den, unsafe, 0)
        bottom, unsafe = _guarded_product(quota_den, size_num, unsafe, 1)
        if unsafe is not True:
            count = _ceil_div_rows(top, bottom, owned=top is not quota_num)
            columns.append(count)
            for num, den in zip(reversed(rate_nums), reversed(rate_dens), strict=True):
                product, unsafe = _guarded_product(count, den, unsafe, 0)
                if unsafe is True:
                    break
                count = _ceil_div_rows(product, num, owned=product is not count)
                columns.append(count)
    if unsafe is True:  # work every row out exactly
        which = np.arange(rows)
        columns = [np.zeros(rows, dtype=np.int64) for _ in range(len(rate_nums) + 1)]
    elif unsafe is None or not unsafe.any():
        columns = [np.broadcast_to(np.asarray(c, dtype=np.int64), (rows,)) for c in columns]
        return [np.ascontiguousarray(c) for c in reversed(columns)]
    else:
        which = np.flatnonzero(unsafe)
        columns = [np.array(np.broadcast_to(c, (rows,)), dtype=np.int64) for c in columns]

    def pick(value: Int) -> Int:
        if isinstance(value, np.ndarray):
            return value[which].astype(object)
        return value

    exact_deals = deals_needed(pick(quota_num), pick(quota_den), pick(size_num), pick(size_den))
    exact = required_counts(
        np.broadcast_to(np.asarray(exact_deals, dtype=object), which.shape).copy(),
        [pick(n) for n in rate_nums],
        [pick(d) for d in rate_dens],
    )
    out: list[Any] = []
    for column, values_exact in zip(reversed(columns), exact, strict=True):
        column_exact = np.asarray(values_exact, dtype=object)
        if all(-(2**63) <= int(v) < 2**63 for v in column_exact.tolist()):
            column[which] = column_exact.astype(np.int64)
            out.append(column)
        else:
            wide = column.astype(object)
            wide[which] = column_exact
            out.append(wide)
    return out
