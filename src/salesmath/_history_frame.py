"""Dataframe plumbing for :mod:`salesmath.history`, through narwhals.

Everything here builds narwhals expressions that run in the user's engine
(pandas, polars, pyarrow, DuckDB, Dask, ...) and brings back only small
aggregate tables, read into plain Python values.  narwhals is imported
inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from salesmath.errors import InvalidInputError, UnknownNameError
from salesmath.io import narwhals_quietly

if TYPE_CHECKING:
    import narwhals as nw

__all__ = [
    "DATE_PATTERN",
    "FALSE_WORDS",
    "JDN_EPOCH",
    "PREFIX",
    "as_lazy",
    "check_columns",
    "collect_rows",
    "day_number",
    "from_day_number",
    "money",
    "py",
]

PREFIX = "__sm_"
"""Prefix of the columns History adds, so they never clash with the user's."""

DATE_PATTERN = r"^\s*\d{4}-\d{2}-\d{2}"
"""What a date written as text must start with: ``YYYY-MM-DD``."""

FALSE_WORDS = ("", "false", "no", "n", "f", "0", "none", "null", "nan")
"""Text that does not mean "reached" in a reached-flag column."""

JDN_EPOCH = 2_440_588
"""The Julian day number of 1970-01-01."""
_JDN_OFFSET = 1_721_425
"""``date.toordinal() + _JDN_OFFSET`` is the Julian day number (JDN % 7 == 0 on Mondays)."""


def as_lazy(frame: object, *, what: str) -> nw.LazyFrame[Any]:
    """Wrap any dataframe narwhals supports as a narwhals LazyFrame.

    Eager frames (pandas, polars, pyarrow) stay in their engine; lazy ones
    (polars LazyFrame, DuckDB relation, Dask) stay lazy.

    Raises
    ------
    InvalidInputError
        If `frame` is not a dataframe narwhals knows.
    """
    import narwhals as nw

    if isinstance(frame, nw.LazyFrame):
        return frame
    if isinstance(frame, nw.DataFrame):
        return frame.lazy()
    with narwhals_quietly():
        try:
            wrapped = nw.from_native(cast("Any", frame))
        except TypeError:
            raise InvalidInputError(
                f"{what} must be a dataframe (pandas, polars, pyarrow, DuckDB, Dask, ...), "
                f"got {type(frame).__name__}; for plain rows use History.from_records"
            ) from None
    if isinstance(wrapped, nw.DataFrame):
        return wrapped.lazy()
    if isinstance(wrapped, nw.LazyFrame):
        return wrapped
    raise InvalidInputError(  # pragma: no cover - a Series
        f"{what} must be a dataframe, got {type(frame).__name__}"
    )


def check_columns(
    columns: Sequence[str], wanted: Iterable[tuple[str, object]], *, what: str
) -> None:
    """Raise :class:`UnknownNameError` for the first wanted column the frame lacks.

    `wanted` holds (keyword, column) pairs; the message names the column and
    lists the columns `what` has.

    Examples
    --------
    >>> check_columns(["id", "stage"], [("id", "id"), ("amount", "value")], what="records")
    Traceback (most recent call last):
    ...
    salesmath.errors.UnknownNameError: unknown column 'value'; the columns are 'id', 'stage'
    """
    for keyword, column in wanted:
        if not isinstance(column, str):
            raise InvalidInputError(
                f"{keyword}= must name a column of {what} (text), got {column!r}"
            )
        if column not in columns:
            raise UnknownNameError(column, columns, "column")


def py(value: Any) -> Any:
    """Return a value from a collected frame as plain Python (NaN and NaT as None).

    Examples
    --------
    >>> py(float("nan")) is None, py(3.0)
    (True, 3.0)
    """
    if value is None:
        return None
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0 and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    return value


def collect_rows(frame: nw.LazyFrame[Any]) -> list[dict[str, Any]]:
    """Collect a (small, aggregated) lazy frame into plain Python rows."""
    with narwhals_quietly():
        collected = frame.collect()
    columns = collected.columns
    data = collected.to_dict(as_series=False)
    return [{name: py(data[name][i]) for name in columns} for i in range(len(collected))]


def day_number(expr: nw.Expr, *, polars: bool = False) -> nw.Expr:
    """Return the Julian day number of a date or datetime expression, in integer arithmetic.

    Built from year, month and day alone, so it runs the same in every
    engine and differences are whole calendar days.  On polars (`polars`),
    where a date casts to its day count since 1970, that cast is used: the
    same number, computed faster.
    """
    if polars:
        import narwhals as nw

        return (expr.cast(nw.Date).cast(nw.Int32) + JDN_EPOCH).cast(nw.Int32)
    year, month, day = expr.dt.year(), expr.dt.month(), expr.dt.day()
    shift = (14 - month) // 12
    y = year + 4800 - shift
    m = month + 12 * shift - 3
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def from_day_number(number: int) -> date:
    """Return the date of a Julian day number.

    Examples
    --------
    >>> from_day_number(2461046)
    datetime.date(2026, 1, 5)
    """
    return date.fromordinal(number - _JDN_OFFSET)


def to_day_number(day: date) -> int:
    """Return the Julian day number of `day`.

    Examples
    --------
    >>> to_day_number(date(2026, 1, 5))
    2461046
    """
    return day.toordinal() + _JDN_OFFSET


def money(value: object) -> Fraction:
    """Read an engine's sum or mean of amounts: exactly when whole, else to the cent.

    Examples
    --------
    >>> money(3), money(1234.5600000001), money(None)
    (Fraction(3, 1), Fraction(30864, 25), Fraction(0, 1))
    """
    if value is None:
        return Fraction(0)
    if isinstance(value, int):
        return Fraction(value)
    exact = (
        value if isinstance(value, Fraction) else Fraction(Decimal(repr(float(value))))  # type: ignore[arg-type]
    )
    if exact.denominator == 1:
        return exact
    cents = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    return Fraction(cents)


def mapping_of_columns(value: object, *, what: str) -> dict[str, str]:
    """Read a stage → column mapping (``reached=``)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInputError(
            f"{what} must map stage names to columns, e.g. {{'demos': 'demo_date'}}, got {value!r}"
        )
    return {str(k): v for k, v in value.items()}
