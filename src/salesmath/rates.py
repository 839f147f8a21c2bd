"""Exact numbers: conversion rates, money amounts and counts.

Every number salesmath computes with is a :class:`fractions.Fraction`, so
whole counts carry no float noise: 21 deals at a 35% close rate need exactly
60 demos, not 61.  A float means its shortest decimal reading (``0.35`` is
35/100, not the nearest binary fraction).

Three annotated types carry these rules into pydantic models and their JSON
schema:

``Rate``
    a conversion rate in (0, 1]: a number, a ``Fraction``, a ``Decimal`` or a
    string ``"60%"``, ``"0.6"``, ``"1/3"``, ``"1 in 50"``.
``Amount``
    a finite amount >= 0 (a quota, a volume, days).
``PositiveAmount``
    a finite amount > 0 (a deal size).

In JSON a value is written as a number when that number reads back exactly,
and otherwise as an exact ``"p/q"`` string (``"1/3"``), which every
salesmath input accepts, so models round-trip without loss.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Final

from pydantic import PlainSerializer, PlainValidator, ValidationInfo, WithJsonSchema

from salesmath.errors import InvalidInputError

__all__ = [
    "Amount",
    "Count",
    "PositiveAmount",
    "Rate",
    "format_amount",
    "format_exact",
    "format_rate",
    "parse_amount",
    "parse_rate",
    "to_json_number",
]

_DECIMAL: Final = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DECIMAL_RE: Final = re.compile(_DECIMAL)
_PERCENT_RE: Final = re.compile(rf"({_DECIMAL})\s*%")
_RATIO_RE: Final = re.compile(rf"({_DECIMAL})\s*(?:/|\s[iI][nN]\s)\s*({_DECIMAL})")
_GROUPED_RE: Final = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_RATE_FORMS: Final = 'a number in (0, 1], a percentage ("60%"), a fraction ("1/3") or "1 in 50"'


def _decimal(text: str) -> Fraction | None:
    """Read a plain decimal literal exactly, or return None."""
    if _DECIMAL_RE.fullmatch(text) is None:
        return None
    return Fraction(Decimal(text))


def _real(value: object) -> Fraction | None:
    """Read a number exactly (float: its shortest decimal), or return None.

    Returns None for anything that is not a finite real number; booleans are
    not numbers here.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float):
        # float.__repr__, not repr(): a numpy float64 reprs as "np.float64(...)"
        return Fraction(float.__repr__(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return Fraction(value) if value.is_finite() else None
    # numpy scalars and other numbers that know how to become a float or int
    if hasattr(value, "dtype") and hasattr(value, "item"):
        return _real(value.item())
    return None


def parse_rate(value: object, *, what: str = "rate") -> Fraction:
    """Read a conversion rate exactly.

    Parameters
    ----------
    value
        A number in (0, 1], a ``Fraction``, a ``Decimal``, or a string:
        ``"60%"``, ``"0.6"``, ``"1/3"``, ``"1 in 50"``.  A float means its
        shortest decimal reading.
    what
        How the rate is named in an error message.

    Returns
    -------
    Fraction
        The rate, exactly.

    Raises
    ------
    InvalidInputError
        If `value` is not one of the accepted forms or not in (0, 1].

    Examples
    --------
    >>> parse_rate("1 in 50"), parse_rate("60%"), parse_rate(0.35)
    (Fraction(1, 50), Fraction(3, 5), Fraction(7, 20))
    >>> parse_rate("1/3")
    Fraction(1, 3)
    >>> parse_rate(1.6, what="rate from 'demos' to 'won'")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: rate from 'demos' to 'won' must be in (0, 1], got 1.6 — write 60% as 0.6 or "60%"
    """
    rate: Fraction | None
    if isinstance(value, str):
        text = value.strip()
        rate = _decimal(text)
        if rate is None and (match := _PERCENT_RE.fullmatch(text)):
            rate = Fraction(Decimal(match[1])) / 100
        elif rate is None and (match := _RATIO_RE.fullmatch(text)):
            numerator, denominator = Fraction(Decimal(match[1])), Fraction(Decimal(match[2]))
            if denominator == 0:
                raise InvalidInputError(
                    f"{what} {value!r} divides by zero; write it as {_RATE_FORMS}"
                )
            rate = numerator / denominator
    else:
        rate = _real(value)
    if rate is None:
        raise InvalidInputError(f"{what} must be {_RATE_FORMS}, got {value!r}")
    if not 0 < rate <= 1:
        hint = ' — write 60% as 0.6 or "60%"' if rate > 1 else ""
        raise InvalidInputError(f"{what} must be in (0, 1], got {value!r}{hint}")
    return rate


def parse_amount(value: object, *, what: str = "amount", positive: bool = False) -> Fraction:
    """Read a money amount, a count or a number of days exactly.

    Parameters
    ----------
    value
        An ``int``, ``float`` (its shortest decimal reading), ``Fraction``,
        ``Decimal``, or a string such as ``"250000"``, ``"250_000"``,
        ``"250,000"``, ``"7033.67"`` or ``"1/3"``.
    what
        How the amount is named in an error message.
    positive
        Require the amount to be > 0 rather than >= 0.

    Returns
    -------
    Fraction
        The amount, exactly.

    Raises
    ------
    InvalidInputError
        If `value` is not a finite number, or is negative (or zero when
        `positive`).

    Examples
    --------
    >>> parse_amount("250,000"), parse_amount(7033.67)
    (Fraction(250000, 1), Fraction(703367, 100))
    >>> parse_amount(float("nan"), what="quota")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: quota must be a finite number >= 0, got nan
    """
    amount: Fraction | None
    if isinstance(value, str):
        text = value.strip()
        if _GROUPED_RE.fullmatch(text):
            text = text.replace(",", "")
        elif "_" in text and not text.startswith("_") and "__" not in text:
            text = text.replace("_", "")
        amount = _decimal(text)
        if amount is None and (match := _RATIO_RE.fullmatch(text)) and "/" in text:
            denominator = Fraction(Decimal(match[2]))
            amount = Fraction(Decimal(match[1])) / denominator if denominator else None
    else:
        amount = _real(value)
    rule = "> 0" if positive else ">= 0"
    if amount is None or amount < 0 or (positive and amount == 0):
        raise InvalidInputError(f"{what} must be a finite number {rule}, got {value!r}")
    return amount


def to_json_number(value: int | Fraction) -> int | float | str:
    """Write an exact number for JSON without losing anything.

    An integer stays an integer; a fraction whose shortest float reading is
    exact becomes that float; any other fraction becomes a ``"p/q"`` string.

    Examples
    --------
    >>> to_json_number(Fraction(3, 5)), to_json_number(Fraction(1, 3)), to_json_number(750)
    (0.6, '1/3', 750)
    """
    if isinstance(value, int) or value.denominator == 1:
        return int(value)
    as_float = float(value)
    if Fraction(repr(as_float)) == value:
        return as_float
    return f"{value.numerator}/{value.denominator}"


def _terminates(value: Fraction) -> bool:
    """Whether `value` has a finite decimal expansion."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def format_exact(value: int | Fraction) -> str:
    """Write an exact number as a short, exact string.

    Examples
    --------
    >>> format_exact(Fraction(3, 5)), format_exact(Fraction(1, 3)), format_exact(84000)
    ('0.6', '1/3', '84000')
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    if _terminates(value):
        return format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return f"{value.numerator}/{value.denominator}"


def format_amount(value: int | Fraction, *, places: int = 2) -> str:
    """Write an amount for people: thousands separators, at most `places` decimals.

    Examples
    --------
    >>> format_amount(250000), format_amount(Fraction(703367, 100)), format_amount(Fraction(1, 3))
    ('250,000', '7,033.67', '0.33')
    """
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    text = f"{float(value):,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_rate(value: Fraction) -> str:
    """Write a rate for people: a percentage, exact when it can be.

    Examples
    --------
    >>> format_rate(Fraction(3, 5)), format_rate(Fraction(1, 50)), format_rate(Fraction(1, 3))
    ('60%', '2%', '1/3 (33.3%)')
    """
    percent = value * 100
    if _terminates(percent) and len(format_exact(percent)) <= 6:
        return f"{format_exact(percent)}%"
    return f"{value.numerator}/{value.denominator} ({float(percent):.1f}%)"


def _serialize(value: int | Fraction) -> int | float | str:
    return to_json_number(value)


def _name(info: ValidationInfo, default: str) -> str:
    return info.field_name or default


def _validate_rate(value: Any, info: ValidationInfo) -> Fraction:
    return parse_rate(value, what=_name(info, "rate"))


def _validate_amount(value: Any, info: ValidationInfo) -> Fraction:
    return parse_amount(value, what=_name(info, "amount"))


def _validate_positive(value: Any, info: ValidationInfo) -> Fraction:
    return parse_amount(value, what=_name(info, "amount"), positive=True)


def _validate_count(value: Any, info: ValidationInfo) -> int | Fraction:
    amount = parse_amount(value, what=_name(info, "count"))
    return amount.numerator if amount.denominator == 1 else amount


_EXACT_STRING: Final = {
    "type": "string",
    "pattern": r"^\s*[0-9.eE+\-_,]+\s*(/\s*[0-9.eE+\-]+\s*)?$",
}
_SERIALIZER: Final = PlainSerializer(_serialize, return_type=int | float | str, when_used="json")

Rate = Annotated[
    Fraction,
    PlainValidator(_validate_rate),
    _SERIALIZER,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                {"type": "string", "examples": ["60%", "0.6", "1/3", "1 in 50"]},
            ],
            "description": "a conversion rate in (0, 1]",
        }
    ),
]
"""A conversion rate in (0, 1], held exactly."""

Amount = Annotated[
    Fraction,
    PlainValidator(_validate_amount),
    _SERIALIZER,
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0}, _EXACT_STRING]}),
]
"""A finite amount >= 0, held exactly."""

PositiveAmount = Annotated[
    Fraction,
    PlainValidator(_validate_positive),
    _SERIALIZER,
    WithJsonSchema({"anyOf": [{"type": "number", "exclusiveMinimum": 0}, _EXACT_STRING]}),
]
"""A finite amount > 0, held exactly."""

Count = Annotated[
    int | Fraction,
    PlainValidator(_validate_count),
    _SERIALIZER,
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, _EXACT_STRING]}),
]
"""A count at a stage: a whole number, or an exact expected (fractional) count."""
