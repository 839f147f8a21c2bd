"""Every error salesmath raises.

Each error derives from :class:`SalesmathError` and from the builtin
exception it means, so ``except ValueError`` (or ``except KeyError`` around a
lookup) keeps working.  Invalid input to a model constructor surfaces as
pydantic's ``ValidationError`` (itself a ``ValueError``) whose message carries
ours.

Every error pickles and compares equal after a round trip, so errors can
cross a process pool (hgrecco/pint ``pint/errors.py`` is the model):

>>> import pickle
>>> error = UnknownStageError("demo", ["demos", "won"])
>>> pickle.loads(pickle.dumps(error)) == error
True
>>> print(error)
unknown stage 'demo'; the stages are 'demos', 'won'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

M = TypeVar("M")

__all__ = [
    "ConfigError",
    "DataWarning",
    "InvalidInputError",
    "LimitError",
    "SalesmathError",
    "UnknownMetricError",
    "UnknownNameError",
    "UnknownRepError",
    "UnknownStageError",
    "construct",
    "describe_error",
    "error_location_and_message",
]


class SalesmathError(Exception):
    """Base class of every error salesmath raises on purpose.

    Two errors are equal when they are of the same type with the same
    arguments, so an error compares equal to its pickled copy.

    Examples
    --------
    >>> import salesmath as sm
    >>> try:
    ...     sm.Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=1).plan(-5)
    ... except SalesmathError as exc:
    ...     print(type(exc).__name__, exc)
    InvalidInputError quota must be a finite number >= 0, got -5
    """

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SalesmathError) or type(other) is not type(self):
            return NotImplemented
        return self.args == other.args

    def __hash__(self) -> int:
        try:
            return hash((type(self), self.args))
        except TypeError:  # an unhashable argument: fall back on the type alone
            return hash(type(self))


class InvalidInputError(SalesmathError, ValueError):
    """An argument is outside what the calculation accepts.

    The message names the argument, the rule, the value and, where there is
    one, the fix.

    Examples
    --------
    >>> from salesmath import parse_rate
    >>> try:
    ...     parse_rate("160%", what="close rate")
    ... except ValueError as exc:  # an InvalidInputError is a ValueError
    ...     print(exc)
    close rate must be in (0, 1], got '160%' — write 60% as 0.6 or "60%"
    """


class LimitError(InvalidInputError):
    """A number or size beyond one of salesmath's documented limits.

    The limits (see ``salesmath.numbers``) bound the work any input can ask
    for, so that one crafted value cannot stall or exhaust a process that
    embeds salesmath.

    Examples
    --------
    >>> from salesmath import parse_amount
    >>> parse_amount("1e999999999", what="quota")
    Traceback (most recent call last):
    ...
    salesmath.errors.LimitError: quota must be within 1e±30, got '1e999999999' (salesmath's limit on the size of a number)
    """


class ConfigError(InvalidInputError):
    """A configuration file that cannot be read or has a bad value.

    Examples
    --------
    >>> from salesmath.io import read_config
    >>> read_config("no-such-plan.toml", allowed=["quota"])
    Traceback (most recent call last):
    ...
    salesmath.errors.ConfigError: config file 'no-such-plan.toml' does not exist
    """


class DataWarning(SalesmathError, UserWarning):  # noqa: N818 - a warning, named as one
    """Data that salesmath could read but that looks wrong: say what and where.

    Raised as a warning (``warnings.warn``), never silently: records with a
    stage dated before they were created, won deals without an amount, reps
    missing from the roster.  It is a ``UserWarning``, so the usual filters
    apply (``warnings.simplefilter("error", DataWarning)`` makes them errors).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("2 records have no rep (ids 7, 9)", DataWarning)
    >>> caught[0].category.__name__, issubclass(caught[0].category, UserWarning)
    ('DataWarning', True)
    """


class UnknownNameError(SalesmathError, KeyError, ValueError):
    """A name (stage, rep, metric, column ...) that is not among the known ones.

    It is a ``KeyError`` (``plan["demo"]`` is a lookup) and a ``ValueError``
    (an argument naming something that does not exist is bad input) at once.
    Every unknown-name lookup in salesmath raises a subclass of this one.

    Parameters
    ----------
    name
        The name that was asked for.
    known
        The names there are.
    what
        What a name is, for the message (``"stage"``, ``"rep"``).

    Examples
    --------
    >>> try:
    ...     raise UnknownNameError("x", ["a", "b"], "column")
    ... except KeyError as exc:
    ...     print(exc)
    unknown column 'x'; the columns are 'a', 'b'
    """

    kind = "name"

    def __init__(self, name: object, known: Iterable[Any] = (), what: str | None = None) -> None:
        self.name = name
        self.known = tuple(known)
        self.what = self.kind if what is None else what
        super().__init__(name, self.known, self.what)

    def __str__(self) -> str:
        # KeyError would quote the whole message; show it as written.
        listed = ", ".join(repr(k) for k in self.known[:50])
        more = f" and {len(self.known) - 50} more" if len(self.known) > 50 else ""
        there = f"; the {self.what}s are {listed}{more}" if self.known else ""
        return f"unknown {self.what} {self.name!r}{there}"

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.name, self.known, self.what)


class UnknownStageError(UnknownNameError):
    """A stage name that the funnel, plan or team does not have.

    Examples
    --------
    >>> print(UnknownStageError("demo", ["demos", "won"]))
    unknown stage 'demo'; the stages are 'demos', 'won'
    """

    kind = "stage"

    @property
    def stages(self) -> tuple[Any, ...]:
        """The stages there are."""
        return self.known


class UnknownRepError(UnknownNameError):
    """A rep name that the team does not have.

    Examples
    --------
    >>> print(UnknownRepError("Avry", ["Avery", "Blake"]))
    unknown rep 'Avry'; the reps are 'Avery', 'Blake'
    """

    kind = "rep"

    @property
    def reps(self) -> tuple[Any, ...]:
        """The reps there are."""
        return self.known


class UnknownMetricError(UnknownNameError):
    """A metric, factor or column name that a result does not have.

    Examples
    --------
    >>> print(UnknownMetricError("dealsize", ["deal_size", "bookings"]))
    unknown metric 'dealsize'; the metrics are 'deal_size', 'bookings'
    """

    kind = "metric"


def construct(model: Callable[..., M], /, **fields: Any) -> M:
    """Make `model` from `fields`; raise the first salesmath error itself, not wrapped.

    A model reads and checks every field once; a free function that only
    builds it (``assess_capacity``, ``hiring_plan``) calls this, so that it
    raises the same one-line error (``InvalidInputError``, ``LimitError``) a
    reader raises rather than pydantic's ``ValidationError`` around it.

    Examples
    --------
    >>> from salesmath import Observed
    >>> construct(Observed, successes=3, trials=9)
    Observed(3, 9)
    >>> construct(Observed, successes=3, trials=0)
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: trials must be a whole number >= 1, got 0
    """
    from pydantic import ValidationError

    try:
        return model(**fields)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            cause = error.get("ctx", {}).get("error")
            if isinstance(cause, SalesmathError):
                raise cause from None
        raise


def describe_error(exc: BaseException) -> str:
    """Return one line that says what is wrong with the input behind `exc`.

    Pydantic's ``ValidationError`` spans several lines with links; this keeps
    each problem's location and message and drops the rest, for a command
    line or a log.

    Examples
    --------
    >>> from salesmath import Funnel
    >>> try:
    ...     Funnel(stages=["demos", "won"], rates=["160%"], deal_size=1000)
    ... except ValueError as exc:
    ...     print(describe_error(exc))
    rates: rate from 'demos' to 'won' must be in (0, 1], got '160%' — write 60% as 0.6 or "60%"
    """
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors(include_url=False):
            where, message = error_location_and_message(error)
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    return str(exc)


def error_location_and_message(error: Mapping[str, Any]) -> tuple[str, str]:
    """Split one of pydantic's error records into where (``"funnel.rates"``) and what.

    Examples
    --------
    >>> error_location_and_message({"loc": ("rates",), "msg": "Value error, bad", "type": "value_error"})
    ('rates', 'bad')
    """
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "is required but missing"
    elif error["type"] == "extra_forbidden":
        message = f"is not a known field (got {_short(error['input'])})"
    return where, message


def _short(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to `limit` characters so a message stays one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
