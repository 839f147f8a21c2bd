"""Stage names and conversion names: the one vocabulary of a funnel.

A funnel is an ordered list of stage names, top to bottom, the last being
won deals.  The conversion between two consecutive stages is named
``"<upper>_to_<lower>"``; it is built and split here and nowhere else.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence

from salesmath.errors import InvalidInputError
from salesmath.numbers import parse_names

__all__ = ["check_stage_names", "conversion_name", "conversion_names", "split_conversion"]

_SEPARATOR = "_to_"


def conversion_name(upper: str, lower: str) -> str:
    """Name the conversion from `upper` to `lower`.

    Examples
    --------
    >>> conversion_name("demos", "won")
    'demos_to_won'
    """
    return f"{upper}{_SEPARATOR}{lower}"


def conversion_names(stages: Sequence[str]) -> tuple[str, ...]:
    """Name every conversion between consecutive `stages`, top to bottom.

    Examples
    --------
    >>> conversion_names(["discos", "demos", "won"])
    ('discos_to_demos', 'demos_to_won')
    """
    return tuple(conversion_name(a, b) for a, b in itertools.pairwise(stages))


def split_conversion(name: str, stages: Sequence[str]) -> tuple[str, str] | None:
    """Return ``(upper, lower)`` when `name` is a conversion between consecutive `stages`.

    Stage names may themselves contain ``"_to_"``, so the name is matched
    against the funnel's conversions rather than split on the text.

    Examples
    --------
    >>> split_conversion("demos_to_won", ["discos", "demos", "won"])
    ('demos', 'won')
    >>> split_conversion("discos_to_won", ["discos", "demos", "won"]) is None
    True
    """
    for upper, lower in itertools.pairwise(stages):
        if conversion_name(upper, lower) == name:
            return upper, lower
    return None


def check_stage_names(
    stages: object, *, reserved: Collection[str] = (), what: str = "stages"
) -> tuple[str, ...]:
    """Read stage names: at least two, non-empty, unique, and one vocabulary.

    Each name is stripped and NFC-normalised (invisible characters dropped),
    so ``"won "`` and ``"won"`` are one name.  Stage names and the conversion
    names made from them must all differ, so that every name means one thing;
    none may be `reserved` (a team's rep fields and metrics).  Used by
    :class:`~salesmath.Funnel`, :class:`~salesmath.Team` and ``History``.

    Raises
    ------
    InvalidInputError
        Naming the first name that breaks a rule.

    Examples
    --------
    >>> check_stage_names(["demos ", "won"])
    ('demos', 'won')
    >>> check_stage_names(["a", "b", "a_to_b"])
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: stage and conversion names must be unique, got 'a_to_b' twice in stages ['a', 'b', 'a_to_b']
    """
    names = parse_names(stages, what=what, minimum=2)
    for name in names:
        if name in reserved:
            raise InvalidInputError(
                f"stage name {name!r} is taken by a rep field or metric; rename the stage "
                f"(reserved: {', '.join(sorted(reserved))})"
            )
    seen = set(names)
    for name in conversion_names(names):
        if name in seen:
            raise InvalidInputError(
                f"stage and conversion names must be unique, got {name!r} twice "
                f"in {what} {list(names)}"
            )
        seen.add(name)
    return names
