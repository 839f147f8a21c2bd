"""Exceptions raised by salesmath.

Every error salesmath raises on purpose derives from :class:`SalesmathError`
and from the builtin exception it means, so ``except ValueError`` keeps
working.  Invalid input to a model constructor surfaces as pydantic's
``ValidationError`` (itself a ``ValueError``) whose message carries ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "InvalidInputError",
    "SalesmathError",
    "UnknownStageError",
    "describe_error",
]


class SalesmathError(Exception):
    """Base class of every error salesmath raises on purpose."""


class InvalidInputError(SalesmathError, ValueError):
    """An argument is outside what the calculation accepts.

    The message names the argument, the rule, the value and, where there is
    one, the fix.
    """


class UnknownStageError(SalesmathError, KeyError, ValueError):
    """A stage name that the funnel or team does not have.

    It is a ``KeyError`` (``plan["demo"]`` is a lookup) and a ``ValueError``
    (an argument naming a stage is bad input) at once.
    """

    def __init__(self, name: object, stages: Iterable[str], *, what: str = "stage") -> None:
        self.name = name
        self.stages = tuple(stages)
        known = ", ".join(repr(s) for s in self.stages)
        super().__init__(f"unknown {what} {name!r}; the stages are {known}")

    def __str__(self) -> str:
        # KeyError would quote the whole message; show it as written.
        return str(self.args[0])


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
            where = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "missing":
                message = "is required but missing"
            elif error["type"] == "extra_forbidden":
                message = f"is not a known field (got {error['input']!r})"
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    return str(exc)
