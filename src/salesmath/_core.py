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

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np

__all__ = ["ceil_div", "deals_needed", "mul", "required_counts", "spread"]

Int: TypeAlias = Any
"""An ``int``, or a numpy integer (or object) array of them: every kernel takes either."""

_INT64_SAFE = 2**62


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
