"""Readers: every number, name and choice salesmath accepts, read one way.

Every rule about input is written once, here, and used by every model,
function and the command (statsmodels' ``tools/validation`` is the model):

``parse_rate``
    a conversion rate in (0, 1]: a number, a ``Fraction``, a ``Decimal`` or a
    string ``"60%"``, ``"0.6"``, ``"1/3"``, ``"1 in 50"``.
``parse_amount``
    a finite amount >= 0 (> 0 with ``positive=True``): a quota, a volume, days.
``parse_whole``
    a whole number (``5``, ``5.0``, ``"1,000"``; never ``True``).
``parse_share``
    a share in [0, 1]: ``0.25``, ``"25%"``, ``"1/4"``.
``parse_probability``
    a probability strictly between 0 and 1 (a confidence): ``0.9``, ``"90%"``.
``parse_choice``, ``parse_list``, ``parse_names``, ``parse_date``
    one of a set of options; a list (not a string); unique, normalised names;
    a date.

Every number is held exactly as a :class:`fractions.Fraction`, so whole
counts carry no float noise: 21 deals at a 35% close rate need exactly 60
demos, not 61.  A float means its shortest decimal reading (``0.35`` is
35/100, not the nearest binary fraction).

Limits
------
So that no single value can stall or exhaust a process that embeds
salesmath, every reader bounds what it accepts, before any arithmetic, and
raises :class:`~salesmath.errors.LimitError` past a limit:

- a number written as text has at most ``MAX_TEXT`` (100) characters and a
  decimal exponent within ±``MAX_EXPONENT`` (30);
- an amount or count is at most ``MAX_AMOUNT`` (10**18);
- a rate is at least ``MIN_RATE`` (10**-12, one in a trillion);
- an exact number given as a ``Fraction`` has a numerator and denominator
  of at most ``MAX_BITS`` (65,536) bits.  (Text and floats are bounded by
  their length and exponent already.  Results add up many exact fractions,
  so the bound is generous; a result's number past ``JSON_EXACT_BITS``
  (4,096 bits, about 1,200 digits) is written to JSON as a float.)

Annotated types carry these rules into pydantic models and their JSON
schema: ``Rate``, ``Amount``, ``PositiveAmount``, ``Count``, ``Share``.  In
JSON a value is written as a number when that number reads back exactly, and
otherwise as an exact ``"p/q"`` string (``"1/3"``), which every salesmath input
accepts, so models round-trip without loss.

An app's own pydantic model can read values the way salesmath does:

>>> from pydantic import BaseModel
>>> class Target(BaseModel):
...     close_rate: Rate
...     quota: Amount
...     deal_size: PositiveAmount
...     share: Share
...     deals: Count
>>> target = Target(close_rate="1 in 3", quota="250,000", deal_size=84_000, share="25%", deals=3)
>>> target.close_rate, target.quota, target.share
(Fraction(1, 3), Fraction(250000, 1), Fraction(1, 4))
>>> target.model_dump_json()
'{"close_rate":"1/3","quota":250000,"deal_size":84000,"share":0.25,"deals":3}'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Final, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from salesmath.errors import InvalidInputError, LimitError

__all__ = [
    "MAX_AMOUNT",
    "MAX_BITS",
    "MAX_EXPONENT",
    "JSON_EXACT_BITS",
    "MAX_ITEMS",
    "MAX_NAME",
    "MAX_TEXT",
    "MIN_RATE",
    "Amount",
    "Count",
    "Observed",
    "PositiveAmount",
    "Rate",
    "FIGURE",
    "Share",
    "as_observed",
    "figure_from_parts",
    "parse_amount",
    "parse_choice",
    "parse_date",
    "parse_figure",
    "parse_list",
    "parse_name",
    "parse_names",
    "parse_probability",
    "parse_rate",
    "parse_share",
    "parse_whole",
    "to_json_number",
    "whole_or_exact",
]

MAX_TEXT: Final = 100
"""The longest number, written as text, that a reader looks at."""
MAX_EXPONENT: Final = 30
"""The largest decimal exponent (either sign) of a number written as text."""
MAX_AMOUNT: Final = 10**18
"""The largest amount or count salesmath accepts."""
MIN_RATE: Final = Fraction(1, 10**12)
"""The smallest conversion rate salesmath accepts: one in a trillion."""
MAX_BITS: Final = 65_536
"""The most bits the numerator or denominator of a ``Fraction`` given to salesmath may have."""
JSON_EXACT_BITS: Final = 4096
"""Past this many bits (numerator or denominator), a number is written to JSON as a float."""
MAX_ITEMS: Final = 10_000_000
"""The most items a list argument may have."""
MAX_NAME: Final = 200
"""The most characters a name (a stage, a rep, a column) may have."""

_DECIMAL: Final = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DECIMAL_RE: Final = re.compile(_DECIMAL)
_PERCENT_RE: Final = re.compile(rf"({_DECIMAL})\s*%")
_RATIO_RE: Final = re.compile(rf"({_DECIMAL})\s*(?:/|\s[iI][nN]\s)\s*({_DECIMAL})")
_OBSERVED_RE: Final = re.compile(r"\s*(\d+)\s+of\s+(\d+)\s*", re.IGNORECASE)
_GROUPED_RE: Final = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_RATE_FORMS: Final = 'a number in (0, 1], a percentage ("60%"), a fraction ("1/3") or "1 in 50"'

T = TypeVar("T")


def _short(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to `limit` characters so a message stays one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded(number: Fraction, *, what: str, value: object) -> Fraction:
    """Refuse an exact number too large to compute with in bounded time."""
    if number.numerator.bit_length() > MAX_BITS or number.denominator.bit_length() > MAX_BITS:
        raise LimitError(
            f"{what} has too many digits to compute with exactly, got {_short(value)}; "
            f"round it to at most 18 significant digits"
        )
    return number


def _decimal(text: str, *, what: str, value: object) -> Fraction | None:
    """Read a plain decimal literal exactly, or return None; bound its size first."""
    if _DECIMAL_RE.fullmatch(text) is None:
        return None
    number = Decimal(text)
    if number and abs(number.adjusted()) > MAX_EXPONENT:
        raise LimitError(
            f"{what} must be within 1e±{MAX_EXPONENT}, got {_short(value)} "
            f"(salesmath's limit on the size of a number)"
        )
    return Fraction(number)


def _real(value: object, *, what: str) -> Fraction | None:
    """Read a number exactly (float: its shortest decimal), or return None.

    Returns None for anything that is not a finite real number; booleans are
    not numbers here.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value.bit_length() > 256:  # far past MAX_AMOUNT: refuse before any work
            raise LimitError(
                f"{what} must be at most {MAX_AMOUNT:,} (salesmath's limit), "
                f"got a number of {value.bit_length()} bits"
            )
        return Fraction(value)
    if isinstance(value, Fraction):
        return _bounded(value, what=what, value=value)
    if isinstance(value, float):
        # float.__repr__, not repr(): a numpy float64 reprs as "np.float64(...)"
        if not math.isfinite(value):
            return None
        return _decimal(float.__repr__(value), what=what, value=value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return _decimal(
            format(value, "f") if value.is_zero() else str(value), what=what, value=value
        )
    # numpy scalars and other numbers that know how to become a float or int
    if hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        item = value.item()
        if isinstance(item, int | float | bool):
            return _real(item, what=what)
    return None


def _text(value: str, *, what: str) -> str:
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise LimitError(f"{what} is {len(text)} characters long; a number has at most {MAX_TEXT}")
    return text


def whole_or_exact(value: Fraction) -> int | Fraction:
    """Return a whole fraction as an int, so that whole counts print as ints.

    Examples
    --------
    >>> whole_or_exact(Fraction(6, 2)), whole_or_exact(Fraction(1, 3))
    (3, Fraction(1, 3))
    """
    return value.numerator if value.denominator == 1 else value


def _check_size(amount: Fraction, *, what: str, value: object) -> Fraction:
    if abs(amount) > MAX_AMOUNT:
        raise LimitError(
            f"{what} must be at most {MAX_AMOUNT:,} (salesmath's limit), got {_short(value)}"
        )
    return amount


def _number(value: object, *, what: str) -> Fraction | None:
    """Read any finite number exactly, signed, from a number or text; None if it is not one.

    Text may group thousands (``"250,000"``, ``"250_000"``) or be a fraction
    (``"1/3"``).
    """
    if not isinstance(value, str):
        return _real(value, what=what)
    text = _text(value, what=what)
    if _GROUPED_RE.fullmatch(text):
        text = text.replace(",", "")
    elif "_" in text and not text.startswith("_") and "__" not in text:
        text = text.replace("_", "")
    number = _decimal(text, what=what, value=value)
    if number is None and (match := _RATIO_RE.fullmatch(text)) and "/" in text:
        numerator = _decimal(match[1], what=what, value=value)
        denominator = _decimal(match[2], what=what, value=value)
        if numerator is not None and denominator:
            number = numerator / denominator
    return number


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
    LimitError
        If `value` is below one in a trillion (``MIN_RATE``) or too long.

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
        text = _text(value, what=what)
        rate = _decimal(text, what=what, value=value)
        if rate is None and (match := _PERCENT_RE.fullmatch(text)):
            percent = _decimal(match[1], what=what, value=value)
            rate = None if percent is None else percent / 100
        elif rate is None and (match := _RATIO_RE.fullmatch(text)):
            numerator = _decimal(match[1], what=what, value=value)
            denominator = _decimal(match[2], what=what, value=value)
            if denominator == 0:
                raise InvalidInputError(
                    f"{what} {value!r} divides by zero; write it as {_RATE_FORMS}"
                )
            if numerator is not None and denominator is not None:
                rate = numerator / denominator
    else:
        rate = _real(value, what=what)
    if rate is None:
        raise InvalidInputError(f"{what} must be {_RATE_FORMS}, got {_short(value)}")
    if not 0 < rate <= 1:
        hint = ' — write 60% as 0.6 or "60%"' if rate > 1 else ""
        raise InvalidInputError(f"{what} must be in (0, 1], got {_short(value)}{hint}")
    if rate < MIN_RATE:
        raise LimitError(
            f"{what} must be at least one in a trillion (salesmath's limit), got {_short(value)}"
        )
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
    LimitError
        If `value` is above ``MAX_AMOUNT`` (10**18) or too long to read.

    Examples
    --------
    >>> parse_amount("250,000"), parse_amount(7033.67)
    (Fraction(250000, 1), Fraction(703367, 100))
    >>> parse_amount(float("nan"), what="quota")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: quota must be a finite number >= 0, got nan
    >>> parse_amount(10**30, what="quota")
    Traceback (most recent call last):
    ...
    salesmath.errors.LimitError: quota must be at most 1,000,000,000,000,000,000 (salesmath's limit), got 1000000000000000000000000000000
    """
    if type(value) is int and 0 < value <= MAX_AMOUNT:  # the common case, read fast
        return Fraction(value)
    amount = _number(value, what=what)
    rule = "> 0" if positive else ">= 0"
    if amount is None or amount < 0 or (positive and amount == 0):
        raise InvalidInputError(f"{what} must be a finite number {rule}, got {_short(value)}")
    return _check_size(amount, what=what, value=value)


def parse_whole(
    value: object, *, what: str, minimum: int = 0, maximum: int = MAX_AMOUNT, limit: str = ""
) -> int:
    """Read a whole number: an int, or any number or numeric string that is whole.

    ``5``, ``5.0``, ``"5"`` and ``"1,000"`` are whole numbers; ``5.5``,
    ``True`` and ``"five"`` are not.

    Parameters
    ----------
    value
        The value to read.
    what
        How it is named in an error message.
    minimum, maximum
        The smallest and largest value accepted.
    limit
        Why `maximum` is what it is, for the message when it is exceeded
        (a value above it raises :class:`~salesmath.errors.LimitError`).

    Raises
    ------
    InvalidInputError
        If `value` is not a whole number or is below `minimum`.
    LimitError
        If `value` is above `maximum`.

    Examples
    --------
    >>> parse_whole(5.0, what="headcount"), parse_whole("1,000", what="volume")
    (5, 1000)
    >>> parse_whole(1.5, what="headcount")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: headcount must be a whole number >= 0, got 1.5
    >>> parse_whole(13, what="periods", minimum=1, maximum=10, limit="at most ten")
    Traceback (most recent call last):
    ...
    salesmath.errors.LimitError: periods must be at most 10 (at most ten), got 13
    """
    rule = f"{what} must be a whole number >= {minimum}"
    number = None if isinstance(value, bool) else _number(value, what=what)
    if number is None or number.denominator != 1:
        raise InvalidInputError(f"{rule}, got {_short(value)}")
    whole = number.numerator
    if whole < minimum:
        raise InvalidInputError(f"{rule}, got {_short(value)}")
    if whole > maximum:
        why = f" ({limit})" if limit else " (salesmath's limit)"
        raise LimitError(f"{what} must be at most {maximum:,}{why}, got {_short(value)}")
    return whole


def parse_share(value: object, *, what: str, below_one: bool = False) -> Fraction:
    """Read a share of a whole in [0, 1] (or [0, 1) when `below_one`).

    A share may be a number (``0.25``), a percentage (``"25%"``) or a
    fraction (``"1/4"``).

    Examples
    --------
    >>> parse_share("25%", what="tolerance"), parse_share(0, what="attrition")
    (Fraction(1, 4), Fraction(0, 1))
    >>> parse_share(5, what="tolerance")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: tolerance must be in [0, 1], got 5 — write 5% as 0.05 or "5%"
    """
    share: Fraction | None
    if isinstance(value, str) and (match := _PERCENT_RE.fullmatch(_text(value, what=what))):
        percent = _decimal(match[1], what=what, value=value)
        share = None if percent is None else percent / 100
    else:
        share = _number(value, what=what)
    bounds = "[0, 1)" if below_one else "[0, 1]"
    if share is None or share < 0:
        raise InvalidInputError(
            f'{what} must be a share in {bounds} (0.05 or "5%"), got {_short(value)}'
        )
    if share > 1 or (below_one and share == 1):
        raise InvalidInputError(
            f'{what} must be in {bounds}, got {_short(value)} — write 5% as 0.05 or "5%"'
        )
    return share


def parse_probability(value: object, *, what: str = "confidence") -> Fraction:
    """Read a probability strictly between 0 and 1, such as a confidence.

    Accepts what a rate accepts (``0.9``, ``"90%"``, ``Fraction(9, 10)``),
    but not 1: no plan is certain.

    Raises
    ------
    InvalidInputError
        If `value` is not a number in (0, 1), is NaN, or is a bool.

    Examples
    --------
    >>> parse_probability("90%"), parse_probability(0.95)
    (Fraction(9, 10), Fraction(19, 20))
    >>> parse_probability(1)
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: confidence must be a probability strictly between 0 and 1, such as 0.9 or "90%", got 1 — no count makes a plan certain; use 0.99 for near certainty
    """
    rule = f'{what} must be a probability strictly between 0 and 1, such as 0.9 or "90%"'
    try:
        chance = parse_rate(value, what=what)
    except InvalidInputError:
        raise InvalidInputError(f"{rule}, got {_short(value)}") from None
    if chance >= 1:
        raise InvalidInputError(
            f"{rule}, got {_short(value)} — no count makes a plan certain; "
            f"use 0.99 for near certainty"
        )
    return chance


def parse_choice(value: object, choices: Sequence[T], *, what: str) -> T:
    """Return `value` if it is one of `choices`, else say which it may be.

    Examples
    --------
    >>> parse_choice("ceil", ("ceil", "none"), what="rounding")
    'ceil'
    >>> parse_choice("up", ("ceil", "none"), what="rounding")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: rounding must be one of 'ceil', 'none', got 'up'
    """
    for choice in choices:
        if type(value) is type(choice) and value == choice:
            return choice
    options = ", ".join(repr(c) for c in choices)
    raise InvalidInputError(f"{what} must be one of {options}, got {_short(value)}")


def parse_list(value: object, *, what: str, length: int | None = None) -> list[Any]:
    """Read a list argument: any sequence or iterable but a string, bytes or mapping.

    Parameters
    ----------
    length
        When given, the number of items the list must have.

    Examples
    --------
    >>> parse_list(("a", "b"), what="stages")
    ['a', 'b']
    >>> parse_list("demos", what="stages")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: stages must be a list, got 'demos' — write ['demos'] for one
    """
    if isinstance(value, str | bytes):
        raise InvalidInputError(
            f"{what} must be a list, got {_short(value)} — write [{_short(value)}] for one"
        )
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise InvalidInputError(f"{what} must be a list, got {_short(value)}")
    if hasattr(value, "__len__") and len(value) > MAX_ITEMS:  # type: ignore[arg-type]
        raise LimitError(f"{what} must have at most {MAX_ITEMS:,} items (salesmath's limit)")
    items = list(value)
    if length is not None and len(items) != length:
        raise InvalidInputError(f"{what} must have {length} items, got {len(items)}")
    return items


def parse_name(value: object, *, what: str) -> str:
    r"""Read one name (a stage, a rep, a column): text, stripped and NFC-normalised.

    Invisible characters (zero-width spaces, joiners) are removed, so that
    ``"won\u200b"`` and ``"won "`` both read as ``"won"``.

    Examples
    --------
    >>> parse_name("  Stage 1 Opp ", what="stage")
    'Stage 1 Opp'
    >>> parse_name(" ", what="stage")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: stage must be a non-empty name, got ' '
    """
    if not isinstance(value, str):
        raise InvalidInputError(f"{what} must be a name (text), got {_short(value)}")
    if len(value) > 4 * MAX_NAME:  # refuse before the work of normalising it
        raise LimitError(f"{what} must be at most {MAX_NAME} characters, got {len(value):,}")
    text = unicodedata.normalize("NFC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()
    if not text:
        raise InvalidInputError(f"{what} must be a non-empty name, got {_short(value)}")
    if len(text) > MAX_NAME:
        raise LimitError(f"{what} must be at most {MAX_NAME} characters, got {len(text):,}")
    return text


def parse_names(value: object, *, what: str, minimum: int = 0) -> tuple[str, ...]:
    r"""Read a list of unique names, each read by :func:`parse_name`.

    Examples
    --------
    >>> parse_names(["demos ", "won"], what="stages")
    ('demos', 'won')
    >>> parse_names(["won", "won\u200b"], what="stages")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: stages must be unique, got 'won' twice in ['won', 'won\u200b']
    """
    items = parse_list(value, what=what)
    if len(items) < minimum:
        raise InvalidInputError(
            f"{what} must have at least {minimum} names, got {len(items)} ({_short(items)})"
        )
    names = tuple(parse_name(item, what=f"{what}[{i}]") for i, item in enumerate(items))
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidInputError(
                f"{what} must be unique, got {name!r} twice in {_short(items, 120)}"
            )
        seen.add(name)
    return names


def parse_date(value: object, *, what: str) -> date:
    """Read a date: a ``date``, a ``datetime`` (its date) or ``"YYYY-MM-DD"``.

    Examples
    --------
    >>> parse_date("2026-12-31", what="close_by")
    datetime.date(2026, 12, 31)
    >>> parse_date("31/12/2026", what="close_by")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: close_by must be a date as YYYY-MM-DD, got '31/12/2026'
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) <= 40:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInputError(f"{what} must be a date as YYYY-MM-DD, got {_short(value)}")


# -- figures as plans write them ----------------------------------------------------

_SCALE: Final = {"": 1, "k": 10**3, "m": 10**6, "mm": 10**6, "b": 10**9, "bn": 10**9}
FIGURE: Final = r"(?<![\w.])\$?\s?(\d[\d,]*(?:\.\d+)?)\s?(%|(?:k|mm|m|bn|b)(?![a-z]))?(?![\w])"
"""A figure in text (``$2.2M``, ``5.4%``, ``75k``): group 1 the number, group 2 the suffix."""
_FIGURE_RE: Final = re.compile(FIGURE, re.IGNORECASE)


def figure_from_parts(number: str, suffix: str | None, *, what: str, value: object) -> Fraction:
    """Read a figure from the two parts :data:`FIGURE` matches: a number and a suffix.

    Examples
    --------
    >>> figure_from_parts("2.2", "M", what="baseline", value="$2.2M")
    Fraction(2200000, 1)
    """
    amount = parse_amount(number, what=what)
    if suffix == "%":
        return amount / 100
    return parse_amount(amount * _SCALE[(suffix or "").lower()], what=what)


def parse_figure(value: object, *, what: str) -> Fraction:
    """Read a figure as a plan writes it: ``240``, ``"5.4%"``, ``"$2.2M"``, ``"75k"``.

    A percentage is its share (``"5.4%"`` is 0.054); ``k``, ``M`` and ``B``
    scale by a thousand, a million and a billion; a leading ``$`` is dropped.
    Anything else :func:`parse_amount` reads is read by it (``"425000/375000"``).

    Examples
    --------
    >>> parse_figure("$2.2M", what="baseline"), parse_figure("5.4%", what="actual")
    (Fraction(2200000, 1), Fraction(27, 500))
    >>> parse_figure("a lot", what="actual")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: actual must be a number >= 0 such as 240, "5.4%" or "$2.2M", got 'a lot'
    """
    if isinstance(value, str):
        text = value.strip()
        match = _FIGURE_RE.fullmatch(text) if len(text) <= MAX_TEXT else None
        if match is None:
            try:  # a fraction, "425000/375000", or another form the amount reader knows
                return parse_amount(value, what=what)
            except LimitError:
                raise
            except InvalidInputError:
                pass
            raise InvalidInputError(
                f'{what} must be a number >= 0 such as 240, "5.4%" or "$2.2M", got {_short(value)}'
            )
        return figure_from_parts(match[1], match[2], what=what, value=value)
    return parse_amount(value, what=what)


# -- measured rates -----------------------------------------------------------------


def _check_observed(successes: object, trials: object) -> tuple[int, int]:
    k = parse_whole(successes, what="successes")
    n = parse_whole(trials, what="trials", minimum=1)
    if k > n:
        raise InvalidInputError(
            f"successes must be between 0 and trials ({n}), got {k}: "
            f"{k} of {n} cannot happen — write the wins first, '3 of 9'"
        )
    return k, n


class Observed(BaseModel):
    """A conversion rate as it was measured: `successes` out of `trials`.

    Give one in a funnel's rates (``Observed(3, 9)`` or the string
    ``"3 of 9"``) when a rate comes from few deals.  The funnel plans with the
    observed rate, ``successes / trials``; probabilities and simulations
    treat the true rate as uncertain, with the Beta posterior of a uniform
    prior (every rate from 0 to 1 equally likely before any deal was seen):
    ``Beta(successes + 1, trials - successes + 1)``.

    Parameters
    ----------
    successes
        How many converted, a whole number from 0 to `trials`.
    trials
        How many were tried, a whole number >= 1.

    Examples
    --------
    >>> seen = Observed(3, 9)
    >>> seen, str(seen), seen.rate
    (Observed(3, 9), '3 of 9', Fraction(1, 3))
    >>> seen.posterior
    (4, 7)
    >>> Observed.model_validate("2 of 5")
    Observed(2, 5)
    >>> Observed(10, 9)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Observed
    ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    successes: int = Field(ge=0, le=MAX_AMOUNT, description="how many converted")
    trials: int = Field(ge=1, le=MAX_AMOUNT, description="how many were tried")

    def __init__(self, successes: Any = None, trials: Any = None, /, **data: Any) -> None:
        if successes is not None:
            data["successes"] = successes
        if trials is not None:
            data["trials"] = trials
        super().__init__(**data)

    @model_validator(mode="before")
    @classmethod
    def _read(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = _OBSERVED_RE.fullmatch(data[: MAX_TEXT + 1])
            if match is None:
                raise ValueError(
                    f"an observed rate reads 'successes of trials', '3 of 9'; got {_short(data)}"
                )
            data = {"successes": match[1], "trials": match[2]}
        if isinstance(data, Mapping):
            successes, trials = _check_observed(data.get("successes"), data.get("trials"))
            return {**data, "successes": successes, "trials": trials}
        return data

    @property
    def rate(self) -> Fraction:
        """The observed rate, ``successes / trials``, exactly."""
        return Fraction(self.successes, self.trials)

    @property
    def posterior(self) -> tuple[int, int]:
        """The Beta posterior's parameters under a uniform prior: ``(s + 1, t - s + 1)``."""
        return self.successes + 1, self.trials - self.successes + 1

    def __float__(self) -> float:
        return self.successes / self.trials

    def __str__(self) -> str:
        return f"{self.successes} of {self.trials}"

    def __repr__(self) -> str:
        return f"Observed({self.successes}, {self.trials})"


def as_observed(value: object, *, what: str = "rate") -> Observed | None:
    """Return `value` as an :class:`Observed` when it is one or reads ``"k of n"``, else None.

    Raises
    ------
    InvalidInputError
        If `value` reads ``"k of n"`` with ``k > n``.

    Examples
    --------
    >>> as_observed("3 of 9"), as_observed("1 in 50")
    (Observed(3, 9), None)
    """
    if isinstance(value, Observed):
        return value
    if isinstance(value, str) and (match := _OBSERVED_RE.fullmatch(value[: MAX_TEXT + 1])):
        try:
            successes, trials = _check_observed(match[1], match[2])
        except InvalidInputError as exc:
            raise InvalidInputError(f"{what} {value!r}: {exc}") from None
        return Observed(successes, trials)
    return None


# -- pydantic types and JSON ------------------------------------------------------------


def to_json_number(value: int | Fraction) -> int | float | str:
    """Write an exact number for JSON without losing anything.

    An integer stays an integer; a fraction whose shortest float reading is
    exact becomes that float; any other fraction becomes a ``"p/q"`` string.

    A fraction of more than ``JSON_EXACT_BITS`` bits (the exact sum of
    thousands of reps' fractional amounts can be one) is written as its
    nearest float, so that JSON stays readable and writable.

    Examples
    --------
    >>> to_json_number(Fraction(3, 5)), to_json_number(Fraction(1, 3)), to_json_number(750)
    (0.6, '1/3', 750)
    >>> to_json_number(Fraction(1, 3**3000) + 1)
    1.0
    """
    if isinstance(value, int) or value.denominator == 1:
        return int(value)
    as_float = float(value)
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > JSON_EXACT_BITS:
        return as_float
    if math.isfinite(as_float) and Fraction(repr(as_float)) == value:
        return as_float
    return f"{value.numerator}/{value.denominator}"


def _name(info: ValidationInfo, default: str) -> str:
    return info.field_name or default


def _validate_rate(value: Any, info: ValidationInfo) -> Fraction:
    return parse_rate(value, what=_name(info, "rate"))


def _validate_amount(value: Any, info: ValidationInfo) -> Fraction:
    return parse_amount(value, what=_name(info, "amount"))


def _validate_positive(value: Any, info: ValidationInfo) -> Fraction:
    return parse_amount(value, what=_name(info, "amount"), positive=True)


def _validate_share(value: Any, info: ValidationInfo) -> Fraction:
    return parse_share(value, what=_name(info, "share"))


def _validate_count(value: Any, info: ValidationInfo) -> int | Fraction:
    return whole_or_exact(parse_amount(value, what=_name(info, "count")))


_EXACT_STRING: Final = {
    "type": "string",
    "pattern": r"^\s*[0-9.eE+\-_,]+\s*(/\s*[0-9.eE+\-]+\s*)?$",
}
_SERIALIZER: Final = PlainSerializer(
    to_json_number, return_type=int | float | str, when_used="json"
)

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
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0, "maximum": MAX_AMOUNT}, _EXACT_STRING]}
    ),
]
"""A finite amount >= 0, held exactly."""

PositiveAmount = Annotated[
    Fraction,
    PlainValidator(_validate_positive),
    _SERIALIZER,
    WithJsonSchema(
        {"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": MAX_AMOUNT}, _EXACT_STRING]}
    ),
]
"""A finite amount > 0, held exactly."""

Share = Annotated[
    Fraction,
    PlainValidator(_validate_share),
    _SERIALIZER,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "examples": ["25%", "0.25", "1/4"]},
            ],
            "description": "a share of a whole, in [0, 1]",
        }
    ),
]
"""A share of a whole in [0, 1], held exactly."""

Count = Annotated[
    int | Fraction,
    PlainValidator(_validate_count),
    _SERIALIZER,
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, _EXACT_STRING]}),
]
"""A count at a stage: a whole number, or an exact expected (fractional) count."""
