"""The one place numbers become text.

Every table, summary and message formats numbers with these functions, so
the same value prints the same way everywhere: an attainment of 3/2 is
"150%" in a rep table and in the thirds table.  Each formatter takes None
(a value that does not exist, such as the deal size of zero deals) and
prints it as a dash; no formatter ever prints "nan" or "inf".

The rules:

- amounts and counts: thousands separators, at most two decimals, trailing
  zeros dropped (``250,000``, ``7,033.67``, ``0.33``);
- percentages: at most one decimal, rounded half away from zero, trailing
  ``.0`` dropped (``150%``, ``37.5%``, ``-54%``);
- rates: an exact percentage when it is short (``60%``, ``2%``), else the
  fraction and its percentage (``1/3 (33.3%)``); a rate measured from counts
  shows them (``150 of 310 (48.4%)``);
- probabilities: a percentage that never rounds to a certainty (``> 99.9%``);
- ratios: an amount followed by ``×`` (``250×``, ``1.67×``).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Final, Protocol

__all__ = [
    "NONE",
    "RateCell",
    "format_amount",
    "format_cell",
    "format_count",
    "format_exact",
    "format_observed",
    "format_p_value",
    "format_percent",
    "format_probability",
    "format_rate",
    "format_signed",
    "format_times",
    "join_and",
]

NONE: Final = "—"
"""How a value that does not exist prints."""

Number = int | float | Fraction


def _exact(value: Number) -> Fraction | None:
    """`value` as a Fraction, or None when it is not a finite number."""
    if isinstance(value, float):
        return Fraction(value) if math.isfinite(value) else None
    return Fraction(value)


def _round_half_away(value: Fraction, places: int) -> Fraction:
    """Round to `places` decimals, halves away from zero (as people round)."""
    scale = 10**places
    magnitude = math.floor(abs(value) * scale + Fraction(1, 2))
    return Fraction(-magnitude if value < 0 else magnitude, scale)


def _decimals(value: Fraction, places: int) -> str:
    """`value` rounded to at most `places` decimals, separators, trailing zeros dropped."""
    rounded = _round_half_away(value, places)
    whole = abs(rounded.numerator) // rounded.denominator
    sign = "-" if rounded < 0 else ""
    if rounded.denominator == 1 or places == 0:
        return f"{sign}{whole:,}"
    fraction = abs(rounded) - whole
    digits = str(fraction.numerator * (10**places // fraction.denominator)).rjust(places, "0")
    digits = digits.rstrip("0")
    return f"{sign}{whole:,}.{digits}" if digits else f"{sign}{whole:,}"


def _terminates(value: Fraction) -> bool:
    """Whether `value` has a finite decimal expansion."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def format_exact(value: Number | None) -> str:
    """Write an exact number as a short, exact string.

    Examples
    --------
    >>> format_exact(Fraction(3, 5)), format_exact(Fraction(1, 3)), format_exact(84000)
    ('0.6', '1/3', '84000')
    """
    exact = None if value is None else _exact(value)
    if exact is None:
        return NONE
    if exact.denominator == 1:
        return str(exact.numerator)
    if _terminates(exact):
        return format(Decimal(exact.numerator) / Decimal(exact.denominator), "f")
    return f"{exact.numerator}/{exact.denominator}"


def format_amount(value: Number | None, *, places: int = 2) -> str:
    """Write an amount or count for people: separators, at most `places` decimals.

    Examples
    --------
    >>> format_amount(250000), format_amount(Fraction(703367, 100)), format_amount(Fraction(1, 3))
    ('250,000', '7,033.67', '0.33')
    >>> format_amount(Fraction(17, 2), places=0), format_amount(None), format_amount(-1500.5)
    ('9', '—', '-1,500.5')
    """
    exact = None if value is None else _exact(value)
    return NONE if exact is None else _decimals(exact, places)


format_count = format_amount
"""Counts print as amounts: whole counts with separators, expected counts with decimals."""


def format_percent(value: Number | None, *, signed: bool = False) -> str:
    """Write a share as a percentage: at most one decimal, halves away from zero.

    Examples
    --------
    >>> format_percent(Fraction(3, 2)), format_percent(Fraction(3, 8)), format_percent(0.5423)
    ('150%', '37.5%', '54.2%')
    >>> format_percent(-0.54, signed=True), format_percent(0.25, signed=True), format_percent(None)
    ('-54%', '+25%', '—')
    """
    exact = None if value is None else _exact(value)
    if exact is None:
        return NONE
    text = _decimals(exact * 100, 1)
    if text == "-0":
        text = "0"
    plus = "+" if signed and not text.startswith("-") and text != "0" else ""
    return f"{plus}{text}%"


class _Measured(Protocol):
    successes: int
    trials: int


def format_rate(value: Fraction | _Measured | None) -> str:
    """Write a rate for people: a percentage, exact when it can be.

    A rate measured from counts (an ``Observed``) prints with its counts, so
    the sample size shows.

    Examples
    --------
    >>> format_rate(Fraction(3, 5)), format_rate(Fraction(1, 50)), format_rate(Fraction(1, 3))
    ('60%', '2%', '1/3 (33.3%)')
    >>> from salesmath.numbers import Observed
    >>> format_rate(Observed(150, 310))
    '150 of 310 (48.4%)'
    """
    if value is None:
        return NONE
    if not isinstance(value, Fraction):
        return format_observed(value.successes, value.trials)
    percent = value * 100
    if _terminates(percent) and len(format_exact(percent)) <= 6:
        return f"{format_exact(percent)}%"
    return f"{value.numerator}/{value.denominator} ({format_percent(value)})"


def format_observed(successes: int, trials: int) -> str:
    """Write a measured rate with its counts, so the sample size shows.

    Examples
    --------
    >>> format_observed(150, 310), format_observed(3, 9)
    ('150 of 310 (48.4%)', '3 of 9 (33.3%)')
    """
    return f"{successes:,} of {trials:,} ({format_percent(Fraction(successes, trials))})"


def format_probability(chance: float | None) -> str:
    """Write a probability as a percentage that never rounds to a certainty.

    Examples
    --------
    >>> format_probability(0.5772589511395901), format_probability(1.0)
    ('57.7%', '100%')
    >>> format_probability(0.99996), format_probability(0.00001)
    ('> 99.9%', '< 0.1%')
    """
    if chance is None or not math.isfinite(chance):
        return NONE
    if chance >= 1.0:
        return "100%"
    if chance <= 0.0:
        return "0%"
    if chance >= 0.9995:
        return "> 99.9%"
    if chance < 0.0005:
        return "< 0.1%"
    return format_percent(chance)


def format_times(value: Number | None) -> str:
    """Write a ratio as a multiple: ``250×``, ``1.67×``.

    Examples
    --------
    >>> format_times(250), format_times(Fraction(5, 3)), format_times(None)
    ('250×', '1.67×', '—')
    """
    text = format_amount(value)
    return text if text == NONE else f"{text}×"


def format_signed(value: float | None) -> str:
    """Write a statistic with its sign and two decimals (an effect size, a correlation).

    Examples
    --------
    >>> format_signed(0.4444), format_signed(-1.0), format_signed(None)
    ('+0.44', '-1.00', '—')
    """
    if value is None or not math.isfinite(value):
        return NONE
    return f"{value:+.2f}"


def format_p_value(value: float | None) -> str:
    """Write a p-value with two significant digits, tiny ones as ``< 0.001``.

    Examples
    --------
    >>> format_p_value(0.04567), format_p_value(0.5), format_p_value(1e-9)
    ('0.046', '0.5', '< 0.001')
    """
    if value is None or not math.isfinite(value):
        return NONE
    if value < 0.001:
        return "< 0.001"
    return f"{value:.2g}"


class RateCell(Fraction):
    """A number that is a conversion rate, for a table column that mixes rates and amounts.

    A column formats each cell by its value alone; a column of "actual"
    values may hold counts, amounts and rates.  A rate held as this
    ``Fraction`` subclass stays a number in ``to_frame()`` and prints as a
    rate; made with :meth:`of`, it remembers the counts it was measured from
    and prints with them, so the sample size shows.

    Examples
    --------
    >>> print(format_cell(RateCell.of(13, 45)), format_cell(RateCell(1, 3)))
    13 of 45 (28.9%) 1/3 (33.3%)
    >>> format_cell(12_600), float(RateCell.of(3, 2)), format_cell(RateCell.of(3, 2))
    ('12,600', 1.5, '150%')
    """

    successes: int | None = None
    trials: int | None = None

    @classmethod
    def of(cls, successes: int, trials: int) -> RateCell:
        """Return the rate `successes` / `trials`, remembering both counts."""
        cell = cls(successes, trials)
        cell.successes, cell.trials = successes, trials
        return cell


def format_cell(value: object) -> str:
    """Format a table cell by its type: numbers as amounts, rates as rates, None as a dash.

    Examples
    --------
    >>> format_cell(1500), format_cell(None), format_cell(True), format_cell("Avery")
    ('1,500', '—', 'yes', 'Avery')
    """
    if value is None:
        return NONE
    if isinstance(value, RateCell):
        measured = value.successes is not None and value.trials is not None
        if measured and value.successes <= value.trials:  # type: ignore[operator]
            return format_observed(value.successes, value.trials)  # type: ignore[arg-type]
        return format_rate(Fraction(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Fraction):
        return format_amount(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return NONE
        return f"{value:,.4g}"
    return str(value)


def join_and(clauses: list[str]) -> str:
    """Join clauses as people do: "a", "a and b", "a, b and c".

    Examples
    --------
    >>> join_and(["deal size"]), join_and(["a", "b"]), join_and(["a", "b", "c"])
    ('deal size', 'a and b', 'a, b and c')
    """
    if len(clauses) <= 1:
        return "".join(clauses)
    return f"{', '.join(clauses[:-1])} and {clauses[-1]}"
