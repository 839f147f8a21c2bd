"""Top third vs bottom third: what the best reps do differently, factor by factor.

Sales leaders find what to coach by lining up their best third of reps
against their worst third on every step of the sales math: volume at the top
of the funnel, each conversion, deal size, cycle time.  Because a group's
mean bookings are exactly

    mean top-stage volume × each pooled conversion × pooled deal size

(pooled deal size = total bookings ÷ total won deals, so the product
telescopes), the gap between the groups splits exactly into one natural-log
share per factor; :func:`compare_thirds` reports those shares, a per-metric
table with rank-based statistics (from :mod:`salesmath._rankstats`), and the
levers that explain most of the gap.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from salesmath import _core
from salesmath._format import (
    format_amount,
    format_count,
    format_p_value,
    format_percent,
    format_signed,
    format_times,
    join_and,
)
from salesmath._rankstats import (
    SortedColumn,
    correlation,
    mann_whitney_within,
    min_p_value,
)
from salesmath._stages import split_conversion
from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError, UnknownMetricError, UnknownRepError
from salesmath.mix import DealSizeMix, thirds_mix
from salesmath.numbers import Amount, parse_choice, parse_name, parse_names, parse_whole
from salesmath.team import Team

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import NDArray

    from salesmath._teamdata import ExactColumn, TeamColumns
    from salesmath.history import History

__all__ = ["SUMMARY_SHARE", "MetricRow", "ThirdsComparison", "compare_thirds"]

MetricKind = Literal["stage", "conversion", "deal_size", "cycle_days", "bookings", "attainment"]

Pair = tuple[Fraction | None, Fraction | None]

SUMMARY_SHARE: Final = Fraction(1, 10)
"""The summary names every factor whose share of the gap is at least this, either way.

A factor on which the bottom third does better offsets part of the gap (a
negative share); it is named when it offsets at least this much.  When there
is no gap to share out (the bottom third booked nothing, or the top third,
ranked by another metric, does not out-book it), every factor on which one
third is at least this much ahead of the other is named.
"""


class MetricRow(BaseModel):
    """One metric compared between the top and the bottom third.

    ``top`` and ``bottom`` are exact: per-rep means for stage counts,
    bookings, cycle days and attainment; pooled over the group for
    conversions (the group's count at the lower stage ÷ at the upper stage)
    and deal size (the group's bookings ÷ its won deals).  A value that does
    not exist (the deal size of no deals) is None.

    Attributes
    ----------
    name
        The metric: a stage, a conversion ``"<a>_to_<b>"``, ``"deal_size"``,
        ``"cycle_days"``, ``"bookings"`` or ``"attainment"``.
    kind
        Which of those it is.
    top, bottom
        The group values.
    ratio
        ``top / bottom``; None when either is missing or ``bottom`` is 0.
    p_value
        Two-sided Mann–Whitney U test on the reps' own values
        (:func:`salesmath._rankstats.mann_whitney`); None when a group has no
        value.  Reps with equal values share their average rank.  For groups
        of up to 35 reps it is the exact permutation p-value over those tied
        ranks, so it never falls below what the group size allows; for larger
        groups, the normal approximation with the tie correction.
    effect_size
        Cliff's delta of the reps' own values, top vs bottom, in [-1, 1]:
        P(top rep > bottom rep) − P(top rep < bottom rep).  It equals the
        rank-biserial correlation.
    spearman
        Spearman rank correlation of the reps' own values with their
        bookings over every compared rep, not just the two thirds; None when
        either is constant or fewer than 3 reps have a value.

    Examples
    --------
    >>> from salesmath import Team
    >>> team = Team.from_records(
    ...     [{"rep": r, "demos": 24, "won": w, "bookings": w * size}
    ...      for r, w, size in [("ana", 11, 160_000), ("bo", 10, 150_000), ("cy", 8, 100_000),
    ...                         ("di", 7, 100_000), ("ed", 6, 70_000), ("fe", 5, 70_000)]])
    >>> row = compare_thirds(team)["demos_to_won"]
    >>> row.top, row.bottom, row.ratio, round(row.p_value, 3), row.effect_size
    (Fraction(7, 16), Fraction(11, 48), Fraction(21, 11), 0.333, 1.0)
    """

    model_config = ConfigDict(frozen=True)

    name: str
    kind: MetricKind
    top: Amount | None
    bottom: Amount | None
    ratio: Amount | None
    p_value: float | None = Field(ge=0, le=1)
    effect_size: float | None = Field(ge=-1, le=1)
    spearman: float | None = Field(ge=-1, le=1)


class ThirdsComparison(TabularModel):
    """The top third of a team against its bottom third.  Made by :func:`compare_thirds`.

    Attributes
    ----------
    by
        The metric the reps were ranked by.
    reps
        How many reps were compared (after exclusions).
    top, bottom
        The rep names of each group, best first.
    excluded
        The reps left out with ``exclude=``.
    metrics
        One :class:`MetricRow` per metric, funnel order: stage counts, then
        conversions, deal size, cycle days (when known), bookings,
        attainment (over the reps that have a quota).
    decomposition
        Factor → its natural-log share of the bookings gap,
        ``ln(top / bottom)`` of that factor.  The factors are the top
        stage's volume (named by the stage), each conversion and
        ``deal_size``; when all are finite they add up to
        ``ln(mean bookings of top / mean bookings of bottom)``.  A factor
        whose value is 0 or missing in a group has no finite share: None.
    zeroed
        Factors that fell to zero in the bottom third while the top third has
        them (a conversion with no conversions at all): the first levers.
    gap
        Mean bookings of the top third ÷ of the bottom third; None when the
        bottom third booked nothing.
    min_p_value
        The smallest p-value a two-sided exact Mann–Whitney U test can give
        with groups of this size, ``2 / C(2k, k)``: 0.1 with 3 reps a group.
    notes
        Plain-language caveats, shown under the table.
    deal_size_mix
        With ``compare_thirds(..., history=)``: the deal-size gap between the
        thirds' won deals split into product mix and price
        (:func:`salesmath.mix.thirds_mix`); None otherwise.

    Examples
    --------
    >>> from salesmath import Team
    >>> team = Team.from_records(
    ...     [{"rep": r, "demos": 24, "won": w, "bookings": w * size}
    ...      for r, w, size in [("ana", 11, 160_000), ("bo", 10, 150_000), ("cy", 8, 100_000),
    ...                         ("di", 7, 100_000), ("ed", 6, 70_000), ("fe", 5, 70_000)]])
    >>> result = compare_thirds(team)
    >>> result
    ThirdsComparison(by='bookings', reps=6, k=2, gap=4.23, levers=['deal_size', 'demos_to_won'])
    >>> print(result)
    Top vs bottom third by bookings: 2 of 6 reps each; the top books 4.23× the bottom
    metric              top   bottom  ratio  share of gap     p  effect  ρ bookings
    ------------  ---------  -------  -----  ------------  ----  ------  ----------
    demos                24       24     1×            0%     1   +0.00           —
    won                10.5      5.5  1.91×             —  0.33   +1.00       +1.00
    demos_to_won      43.8%    22.9%  1.91×         44.8%  0.33   +1.00       +1.00
    deal_size     155,238.1   70,000  2.22×         55.2%  0.33   +1.00       +0.97
    bookings      1,630,000  385,000  4.23×             —  0.33   +1.00       +1.00
    Each third is 2 reps; the middle 2 are in neither.
    With 2 reps a group no p-value can fall below 0.33; read the differences as leads to check, not proof.
    share of gap: the part of the bookings gap each factor explains (they add up to 100%; negative where the bottom third does better).
    p: the chance of a difference this large if the metric made no difference; under 0.05 is rarely luck, though among many rows a few come by chance (Mann–Whitney U).
    effect: how often a top rep beats a bottom rep minus the reverse: +1 always, 0 as often as not, -1 never (Cliff's delta).
    ρ bookings: how the metric moves with bookings over all 6 reps: +1 up together, 0 unrelated, -1 opposite (Spearman).
    """

    by: str
    reps: int = Field(ge=3)
    top: tuple[str, ...]
    bottom: tuple[str, ...]
    excluded: tuple[str, ...] = ()
    metrics: tuple[MetricRow, ...]
    decomposition: dict[str, float | None]
    zeroed: tuple[str, ...] = ()
    gap: Amount | None
    min_p_value: float = Field(ge=0, le=1)
    notes: tuple[str, ...] = ()
    deal_size_mix: DealSizeMix | None = None

    @property
    def k(self) -> int:
        """Reps in each group: ``reps // 3``."""
        return len(self.top)

    @property
    def log_gap(self) -> float | None:
        """``ln(gap)``: what the decomposition adds up to; None without a finite gap."""
        return None if self.gap is None or self.gap == 0 else _log(self.gap)

    def __getitem__(self, name: str) -> MetricRow:
        """Return the row of one metric.

        Raises
        ------
        UnknownMetricError
            If there is no such metric (it is a ``KeyError``).
        """
        for row in self.metrics:
            if row.name == name:
                return row
        raise UnknownMetricError(name, [row.name for row in self.metrics])

    def shares(self) -> dict[str, float | None]:
        """Each factor's share of the gap: its log contribution ÷ ``log_gap``.

        None where the contribution is None, or when the top third does not
        out-book the bottom third (no gap to explain).  The shares add up to
        1; a negative share is a factor on which the bottom third does better.

        Examples
        --------
        >>> from salesmath import Team
        >>> team = Team.from_records(
        ...     [{"rep": r, "demos": 24, "won": w, "bookings": w * size}
        ...      for r, w, size in [("ana", 11, 160_000), ("bo", 10, 150_000), ("cy", 8, 100_000),
        ...                         ("di", 7, 100_000), ("ed", 6, 70_000), ("fe", 5, 70_000)]])
        >>> {factor: round(share, 3) for factor, share in compare_thirds(team).shares().items()}
        {'demos': 0.0, 'demos_to_won': 0.448, 'deal_size': 0.552}
        """
        total = self.log_gap
        return {
            factor: None if value is None or total is None or total <= 0 else value / total
            for factor, value in self.decomposition.items()
        }

    def levers(self, n: int = 2) -> list[str]:
        """Return the `n` factors that explain most of the gap, largest first.

        Zeroed factors (:attr:`zeroed`) come first, in funnel order, ahead of
        every finite factor; then the factors with a positive share, largest
        first.  A factor on which the bottom third does as well or better is
        not a lever, so fewer than `n` may come back.

        Raises
        ------
        InvalidInputError
            If `n` is not a whole number >= 1.

        Examples
        --------
        >>> from salesmath import Team
        >>> team = Team.from_records(
        ...     [{"rep": r, "demos": 24, "won": w, "bookings": w * size}
        ...      for r, w, size in [("ana", 11, 160_000), ("bo", 10, 150_000), ("cy", 8, 100_000),
        ...                         ("di", 7, 100_000), ("ed", 6, 70_000), ("fe", 5, 70_000)]])
        >>> compare_thirds(team).levers()
        ['deal_size', 'demos_to_won']
        >>> compare_thirds(team).levers(1)
        ['deal_size']
        """
        count = parse_whole(n, what="n", minimum=1)
        order = list(self.decomposition)
        finite = sorted(
            (f for f, v in self.decomposition.items() if v is not None and v > 0),
            key=lambda f: (-(self.decomposition[f] or 0.0), order.index(f)),
        )
        return [*self.zeroed, *finite][:count]

    def summary(self) -> str:
        """Say in one paragraph how far apart the thirds are and what explains it.

        Every factor whose share of the gap is at least :data:`SUMMARY_SHARE`
        (10%) either way is named: those that explain the gap, largest
        first, and those on which the bottom third does better, which offset
        part of it.

        Examples
        --------
        >>> from salesmath import Team
        >>> team = Team.from_records(
        ...     [{"rep": r, "demos": 24, "won": w, "bookings": w * size}
        ...      for r, w, size in [("ana", 11, 160_000), ("bo", 10, 150_000), ("cy", 8, 100_000),
        ...                         ("di", 7, 100_000), ("ed", 6, 70_000), ("fe", 5, 70_000)]])
        >>> print(compare_thirds(team).summary())
        Top third (2 reps by bookings) books 4.23× the bottom third; deal size explains 55.2% of the gap and the demos-to-won rate 44.8%. With 2 reps a group no p-value can fall below 0.33: read the differences as leads to check, not proof.

        A top third that wins on volume while the bottom third sells larger
        deals: the offset is said, not hidden.

        >>> team = Team.from_records(
        ...     [{"rep": r, "opportunities": o, "won": w, "bookings": b}
        ...      for r, o, w, b in [("a", 100, 20, 200_000), ("b", 90, 18, 190_000),
        ...                         ("c", 60, 10, 150_000), ("d", 50, 8, 130_000),
        ...                         ("e", 30, 5, 120_000), ("f", 28, 5, 110_000)]])
        >>> print(compare_thirds(team).summary())
        Top third (2 reps by bookings) books 1.7× the bottom third; opportunities per rep explains 224.7% of the gap and the opportunities-to-won rate 28.1%, while the bottom third's larger deals offset -152.8%. With 2 reps a group no p-value can fall below 0.33: read the differences as leads to check, not proof.
        """
        reps = f"{format_count(self.k)} rep{'s' if self.k != 1 else ''}"
        top_mean = self["bookings"].top
        text = f"Top third ({reps} by {self.by}) books "
        if self.gap == 1:
            text += "as much as the bottom third"
        elif self.gap is not None:
            text += f"{format_times(self.gap)} the bottom third"
        elif top_mean:
            text += f"{format_amount(top_mean)} a rep on average, the bottom third nothing"
        else:
            text += "nothing, like the bottom third"
        shares = self.shares()
        if not self.zeroed and any(share is not None for share in shares.values()):
            text += self._explained(shares)
        else:
            text += self._ahead()
        text += "."
        split = self._mix_clause()
        if self.deal_size_mix is not None and (split is None or split not in text):
            # deal size is not among the factors named above, or the records cannot split it
            text += " " + self.deal_size_mix.sentence(shares.get("deal_size"))
        if self.min_p_value > 0.05:
            text += (
                f" With {reps} a group no p-value can fall below "
                f"{format_p_value(self.min_p_value)}: read the differences as leads to check, "
                "not proof."
            )
        return text

    def _explained(self, shares: dict[str, float | None]) -> str:
        """Return the summary's clauses when the factors have shares of the gap."""
        order = list(shares)
        named = {f: s for f, s in shares.items() if s is not None}
        ahead = sorted(
            (f for f, s in named.items() if s >= SUMMARY_SHARE),
            key=lambda f: (-named[f], order.index(f)),
        ) or self.levers(1)
        behind = sorted(
            (f for f, s in named.items() if s <= -SUMMARY_SHARE),
            key=lambda f: (named[f], order.index(f)),
        )
        clauses = [
            f"{self._phrase(f)} {'explains ' if i == 0 else ''}{format_percent(named[f])}"
            + (" of the gap" if i == 0 else "")
            + (f" ({split})" if f == "deal_size" and (split := self._mix_clause()) else "")
            for i, f in enumerate(ahead)
        ]
        text = f"; {join_and(clauses)}" if clauses else ""
        offsets = []
        for i, f in enumerate(behind):
            who = "the bottom third's" if i == 0 else "its"
            verb = "offset" if f == "deal_size" else "offsets"
            offsets.append(f"{who} {self._better(f)} {verb} {format_percent(named[f])}")
        if offsets:
            text += f"{', while ' if clauses else '; '}{join_and(offsets)}"
        return text

    def _mix_clause(self) -> str | None:
        """Return the deal-size split as a clause: "of that, 97% is product mix and 3% price"."""
        return None if self.deal_size_mix is None else self.deal_size_mix.clause()

    def _ahead(self) -> str:
        """Return the summary's clauses when there is no gap to share out, or a zeroed factor.

        Zeroed factors come first; then every factor on which one third is
        at least :data:`SUMMARY_SHARE` ahead of the other, by its ratio.
        """
        order = list(self.decomposition)
        ratios = {
            f: ratio
            for f in order
            if self.decomposition[f] is not None and (ratio := self[f].ratio) is not None
        }
        ahead = sorted(
            (f for f, r in ratios.items() if r >= 1 + SUMMARY_SHARE),
            key=lambda f: (-ratios[f], order.index(f)),
        )
        if not ahead and not self.zeroed:
            ahead = [f for f in self.levers(1) if f in ratios]
        behind = sorted(
            (f for f, r in ratios.items() if r <= 1 / (1 + SUMMARY_SHARE)),
            key=lambda f: (ratios[f], order.index(f)),
        )
        clauses = [
            f"{self._phrase(f)} ({format_times(ratios[f])} the bottom third's)" for f in ahead
        ]
        text = ""
        if self.zeroed:
            zero = join_and(
                [f"the bottom third's {self._phrase(f).removeprefix('the ')}" for f in self.zeroed]
            )
            verb = "is" if len(self.zeroed) == 1 else "are"
            lever = "the first lever" if len(self.zeroed) == 1 else "the first levers"
            text += f"; {zero} {verb} zero, {lever}" + (
                f", then {join_and(clauses)}" if clauses else ""
            )
        elif clauses:
            text += f"; the top third is ahead on {join_and(clauses)}"
        offsets = []
        for i, f in enumerate(behind):
            who = "the bottom third's" if i == 0 else "its"
            name = self._phrase(f).removeprefix("the ")
            offsets.append(f"{who} {name} is {format_times(1 / ratios[f])} the top third's")
        if offsets:
            text += f"{', while ' if text else '; '}{join_and(offsets)}"
        return text

    def _stages(self) -> list[str]:
        return [row.name for row in self.metrics if row.kind == "stage"]

    def _phrase(self, factor: str) -> str:
        """Name a factor for a sentence: "deal size", "the demos-to-won rate"."""
        if factor == "deal_size":
            return "deal size"
        pair = split_conversion(factor, self._stages())
        if pair is not None:
            return f"the {pair[0]}-to-{pair[1]} rate"
        return f"{factor} per rep"

    def _better(self, factor: str) -> str:
        """Name what the bottom third does better on a factor: "larger deals"."""
        if factor == "deal_size":
            return "larger deals"
        pair = split_conversion(factor, self._stages())
        if pair is not None:
            return f"higher {pair[0]}-to-{pair[1]} rate"
        return f"extra {factor} per rep"

    def table(self) -> Table:
        """Return one row per metric: top, bottom, ratio, share of gap and statistics.

        The rows hold raw numbers (exact fractions, floats, None); the
        columns format them, so :meth:`to_frame` is numeric.
        """
        shares = self.shares()
        rows = []
        overrides: dict[tuple[int, int], Callable[[Any], str]] = {}
        for i, row in enumerate(self.metrics):
            if row.kind in ("conversion", "attainment"):
                overrides[(i, 1)] = overrides[(i, 2)] = format_percent
            if row.name in self.zeroed:
                overrides[(i, 4)] = _zeroed
            rows.append(
                (
                    row.name,
                    row.top,
                    row.bottom,
                    row.ratio,
                    shares.get(row.name),
                    row.p_value,
                    row.effect_size,
                    row.spearman,
                )
            )
        title = (
            f"Top vs bottom third by {self.by}: {format_count(self.k)} of {format_count(self.reps)} reps each"
            + ("" if self.gap is None else f"; the top books {format_times(self.gap)} the bottom")
        )
        return Table(
            title=title,
            columns=(
                Column("metric", format=str, align="left"),
                Column("top", format=format_amount),
                Column("bottom", format=format_amount),
                Column("ratio", format=format_times),
                Column("share of gap", format=format_percent),
                Column("p", format=format_p_value),
                Column("effect", format=format_signed),
                Column("ρ bookings", format=format_signed),
            ),
            rows=rows,
            notes=(*self.notes, *_legend(self.reps)),
            cell_formats=overrides,
        )

    def plot(self, ax: Axes | None = None, *, kind: str = "gap", **kwargs: Any) -> Axes:
        """Draw the gap's waterfall (``kind="ratio"``: top over bottom); return the matplotlib axes (the ``plot`` extra); see :func:`salesmath.plotting.plot_thirds`."""
        from salesmath.plotting import plot_thirds

        return plot_thirds(self, ax, kind=kind, **kwargs)

    def __repr__(self) -> str:
        gap = "None" if self.gap is None else f"{float(self.gap):.3g}"
        return (
            f"ThirdsComparison(by={self.by!r}, reps={self.reps}, k={self.k}, gap={gap}, "
            f"levers={self.levers(2)})"
        )


def _zeroed(value: object) -> str:
    return "zeroed"


def _legend(reps: int) -> tuple[str, ...]:
    """Say what the columns mean, in words a manager reads."""
    return (
        "share of gap: the part of the bookings gap each factor explains (they add up to "
        "100%; negative where the bottom third does better).",
        "p: the chance of a difference this large if the metric made no difference; under "
        "0.05 is rarely luck, though among many rows a few come by chance (Mann–Whitney U).",
        "effect: how often a top rep beats a bottom rep minus the reverse: +1 always, "
        "0 as often as not, -1 never (Cliff's delta).",
        f"ρ bookings: how the metric moves with bookings over all {format_count(reps)} reps: +1 up "
        "together, 0 unrelated, -1 opposite (Spearman).",
    )


def _log(value: Fraction) -> float:
    """Natural log of a positive exact number, without overflow."""
    return math.log(value.numerator) - math.log(value.denominator)


# -- data --------------------------------------------------------------------------

_RATIO_TABLE: Final = 2**21
"""The most (upper, lower) count pairs :func:`_ratio_ranks` tabulates (a few megabytes)."""

_FLOAT_EXACT: Final = 2**53
"""Whole numbers up to this are exact as floats: one float division of two of them is
the correctly rounded quotient, as Python's ``int / int`` is."""


def _quotients(
    numerators: NDArray[Any],
    denominators: NDArray[Any] | int,
    present: NDArray[np.bool_] | None = None,
) -> NDArray[np.float64]:
    """Return each ``numerators[i] / denominators[i]`` correctly rounded to a float.

    NaN (kept internal, for the statistics) where the denominator is 0 or
    `present` is False.  The same floats whatever common denominator the
    exact values were written over, so the rank statistics never depend on
    how a team was built.
    """
    dens = denominators if isinstance(denominators, np.ndarray) else None
    if (
        numerators.dtype != object
        and (dens is None or dens.dtype != object)
        and _fits_float(numerators)
        and (_fits_float(dens) if dens is not None else abs(int(denominators)) <= _FLOAT_EXACT)
    ):
        bottom = (
            dens.astype(np.float64) if dens is not None else np.float64(float(int(denominators)))
        )
        out: NDArray[np.float64] = np.full(len(numerators), np.nan)
        where = bottom != 0 if present is None else (bottom != 0) & present
        np.divide(numerators.astype(np.float64), bottom, out=out, where=where)
        return out
    # beyond a float's whole numbers: Python's exact-then-rounded division, rep by rep
    tops = numerators.tolist()
    bottoms = dens.tolist() if dens is not None else [int(denominators)] * len(tops)
    keep = [True] * len(tops) if present is None else present.tolist()
    return np.array(
        [t / b if b and k else math.nan for t, b, k in zip(tops, bottoms, keep, strict=True)],
        dtype=np.float64,
    )


def _ratio_floats(upper: NDArray[Any], lower: NDArray[Any]) -> NDArray[np.float64]:
    """Return lower ÷ upper per rep as floats; NaN (kept internal) where upper is 0."""
    up = upper.astype(np.float64)
    out: NDArray[np.float64] = np.full(up.shape, np.nan)
    np.divide(lower.astype(np.float64), up, out=out, where=up != 0)
    return out


def _ratio_ranks(upper: NDArray[Any], lower: NDArray[Any]) -> NDArray[np.float64]:
    """Return the reps' :func:`_ratio_floats` as dense ranks: the same order, the same ties.

    The rank statistics read only the order of a column and its ties, so
    these give the same p-values, effects and correlations bit for bit; but
    ranks are small whole numbers, which :class:`SortedColumn` sorts with a
    radix sort.  Counts are small, so each distinct (upper, lower) pair is
    found with a lookup table, not a sort, and only those pairs' ratios are
    sorted.  Falls back to the floats when the table would be large.
    """
    floats = upper.dtype == object or lower.dtype == object or not len(upper)
    if not floats:
        width, height = int(upper.max()) + 1, int(lower.max()) + 1
        floats = width * height > min(_RATIO_TABLE, max(4 * len(upper), 4096))
    if floats:
        return _ratio_floats(upper, lower)
    code = lower * width + upper
    seen = np.zeros(width * height, dtype=bool)
    seen[code] = True
    pairs = np.flatnonzero(seen)
    values = _ratio_floats(pairs % width, pairs // width)  # the same division, pair by pair
    order = np.argsort(values, kind="stable")  # NaN (upper 0) last
    ranked = values[order]
    dense = np.cumsum(np.r_[False, ranked[1:] != ranked[:-1]], dtype=np.float64)
    dense[np.isnan(ranked)] = np.nan  # no ratio stays no ratio
    table = np.empty(width * height, dtype=np.float64)
    table[pairs[order]] = dense
    per_rep: NDArray[np.float64] = table[code]
    return per_rep


def _fits_float(column: NDArray[Any]) -> bool:
    """Whether every whole number in an int64 column is exact as a float."""
    return not len(column) or (
        int(column.max()) <= _FLOAT_EXACT and int(column.min()) >= -_FLOAT_EXACT
    )


@dataclass(frozen=True)
class _Data:
    """The compared reps: the team's own exact columns, and what the comparison works out.

    Sorted metric columns, the Spearman ranks of bookings and the bookings
    order go in the team's ``cache`` (keys ``"thirds.*"``): a team never
    changes, so comparing it again sorts nothing.
    """

    columns: TeamColumns

    @classmethod
    def of(cls, team: Team) -> _Data:
        return cls(team._data)

    @property
    def names(self) -> tuple[str, ...]:
        return self.columns.names

    @property
    def name_array(self) -> NDArray[Any]:
        return self.columns.name_array

    @property
    def counts(self) -> NDArray[Any]:
        """(reps, stages), int64 or Python ints."""
        return self.columns.counts

    @property
    def bookings(self) -> ExactColumn:
        return self.columns.bookings

    @property
    def quota(self) -> ExactColumn:
        return self.columns.quota

    @property
    def cycle_days(self) -> ExactColumn:
        return self.columns.cycle_days

    def _cached(self, key: str, make: Callable[[], Any]) -> Any:
        cache = self.columns.cache
        key = f"thirds.{key}"
        if key not in cache:
            cache[key] = make()
        return cache[key]

    @property
    def spearman(self) -> _Spearman:
        """Correlations with bookings, bookings sorted once for the team."""
        spearman: _Spearman = self._cached(
            "spearman",
            lambda: _Spearman(self.bookings.floats()),
        )
        return spearman

    def column(self, name: str, values: Callable[[], NDArray[np.float64]]) -> SortedColumn:
        """Return metric `name`'s per-rep values (`values()`, floats) sorted, sorting them once."""
        if name == "bookings":
            return self.spearman.bookings
        column: SortedColumn = self._cached(f"sorted.{name}", lambda: SortedColumn(values()))
        return column

    def bookings_order(self) -> NDArray[np.intp] | None:
        """Reps by bookings, lowest first (the float sort), when bookings are int64."""
        if self.bookings.scaled.dtype == object:
            return None  # Python ints: sorted exactly by _order instead
        order: NDArray[np.intp] = self.spearman.bookings.order
        return order


# -- ranking ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Ranking:
    """Each rep's `by` value: a sort key and, for ratios, the exact value behind it.

    ``keys`` holds whole numbers (exact) or floats, each the correctly rounded
    reading of an exact ratio ``numerators[i] / denominators[i]``, so the
    float order is the exact order except within runs of equal floats.
    ``missing`` lists the reps with no value.
    """

    keys: NDArray[Any]
    numerators: NDArray[Any] | None = None
    denominators: NDArray[Any] | int = 1
    missing: tuple[int, ...] = ()

    @classmethod
    def whole(cls, keys: NDArray[Any]) -> _Ranking:
        return cls(keys=keys)

    @classmethod
    def ratio(
        cls,
        numerators: NDArray[Any],
        denominators: NDArray[Any] | int,
        present: NDArray[np.bool_] | None = None,
    ) -> _Ranking:
        keys = _quotients(numerators, denominators, present)
        missing = tuple(np.flatnonzero(np.isnan(keys)).tolist())
        return cls(keys=keys, numerators=numerators, denominators=denominators, missing=missing)

    def exact(self, i: int) -> Fraction:
        assert self.numerators is not None  # only a ratio ranking has ties to settle exactly
        bottom = self.denominators
        return Fraction(
            int(self.numerators[i]), int(bottom[i] if isinstance(bottom, np.ndarray) else bottom)
        )


def _ranking(data: _Data, team: Team, by: str) -> _Ranking:
    counts, stages = data.counts, team.stages
    bookings = data.bookings
    if by in stages:
        return _Ranking.whole(counts[:, stages.index(by)])
    if by == "bookings":
        return _Ranking.whole(bookings.scaled)
    if by in team.conversions:
        i = team.conversions.index(by)
        return _Ranking.ratio(counts[:, i + 1], counts[:, i])
    if by == "deal_size":
        return _Ranking.ratio(bookings.scaled, _core.mul(counts[:, -1], bookings.denominator))
    if by == "attainment":
        # (b / db) / (q / dq) = b·dq / (db·q), whole numbers; a rep without a quota has none
        quota = data.quota
        return _Ranking.ratio(
            _core.mul(bookings.scaled, quota.denominator),
            _core.mul(quota.scaled, bookings.denominator),
            quota.present,
        )
    # cycle_days: lowest is best, so rank the negated days
    days = data.cycle_days
    return _Ranking.ratio(-days.scaled, days.denominator, days.present)


def _order(
    ranking: _Ranking, names: NDArray[Any], k: int, ascending: NDArray[np.intp] | None = None
) -> NDArray[np.intp]:
    """Return the rep indices best first, exactly by value and then by rep name.

    Only the two groups need a settled order: runs of equal keys that reach
    into the first or last `k` places are sorted exactly, then by name.
    `ascending`, an order that sorts the keys lowest first, saves a sort
    (checked: a float order that merged distinct keys is not used).
    """
    keys = ranking.keys
    order = None
    if ascending is not None:
        order = ascending[::-1]
        ranked = keys[order]
        if not bool(np.all(ranked[:-1] >= ranked[1:])):
            order = None
    if order is None:
        order = np.argsort(-keys, kind="stable")
        ranked = keys[order]
    n = len(order)
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    ends = np.r_[starts[1:], n]
    tied = (ends - starts > 1) & ((starts < k) | (ends > n - k))
    if not tied.any():
        return order
    order = order.copy()
    starts, ends = starts[tied], ends[tied]
    if ranking.numerators is None:  # equal keys: by name, every run at once
        sizes = ends - starts
        runs = np.repeat(np.arange(len(sizes)), sizes)
        at = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        at += np.repeat(starts, sizes)  # the places in `order` the runs hold, run by run
        members = order[at]
        tied_names = names[members].tolist()
        by_name = np.array(sorted(range(len(at)), key=tied_names.__getitem__), dtype=np.intp)
        order[at] = members[by_name][np.argsort(runs[by_name], kind="stable")]
        return order
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        run = order[start:end].tolist()  # equal floats: exactly, then by name
        run.sort(key=lambda i: (-ranking.exact(i), names[i]))
        order[start:end] = run
    return order


# -- statistics ------------------------------------------------------------------


class _Spearman:
    """Spearman rank correlations with bookings; bookings are sorted once."""

    def __init__(self, bookings: NDArray[np.float64]) -> None:
        self.bookings = SortedColumn(bookings)
        self.ranks = self.bookings.doubled()[0] / 2.0

    def __call__(self, column: SortedColumn) -> float | None:
        keep = column.present
        if keep.all():
            if column is self.bookings:
                return correlation(self.ranks, self.ranks)
            return correlation(column.doubled()[0] / 2.0, self.ranks)
        if keep.sum() < 3:
            return None
        # the reps with a value, ranked among themselves (bookings too)
        return correlation(
            (column.doubled()[0] / 2.0)[keep], (self.bookings.doubled(keep)[0] / 2.0)[keep]
        )


# -- the comparison ----------------------------------------------------------------


def compare_thirds(
    team: Team,
    *,
    by: str = "bookings",
    exclude: Iterable[str] = (),
    history: History | None = None,
    mix_by: str = "product",
) -> ThirdsComparison:
    """Compare the top third of a team with its bottom third, factor by factor.

    Parameters
    ----------
    team
        The reps' actuals.
    by
        What ranks the reps: ``"bookings"`` (default), ``"attainment"``, a
        stage, a conversion, ``"deal_size"`` or ``"cycle_days"``.  Best
        means highest, except for ``cycle_days`` where fewest days is best.
    exclude
        Rep names to leave out first (a rep on leave, a new hire): a list of
        names, or one name.  To keep a rep but neutralise one whale deal, use
        :meth:`Team.without_deal`.
    history
        Optional :class:`~salesmath.History` the team came from: the
        thirds' won deals then split the deal-size gap into `mix_by` mix and
        price (``comparison.deal_size_mix``, and a sentence in ``summary()``).
    mix_by
        The history's attribute that makes the mix (``"product"``).

    Returns
    -------
    ThirdsComparison
        With k = n // 3 reps a group: ``top`` the k best by `by`, ``bottom``
        the k worst, ties broken by rep name (alphabetical first counts as
        better), whatever the order of the input.

    Raises
    ------
    InvalidInputError
        If `team` is not a Team, fewer than 3 reps are left, `by` is not one
        of the team's metrics, `exclude` is not a list of names, or some rep
        has no value for `by` (no quota for ``"attainment"``, no won deal for
        ``"deal_size"``).
    UnknownRepError
        If `exclude` names a rep the team does not have.

    Examples
    --------
    An enterprise-shaped team from the sales-math AMA: the same activity,
    but the top reps close 46% of demos at 160k a deal, the bottom 25% at 70k.

    >>> from salesmath import Team
    >>> rows = [("ana", 11, 160_000), ("bo", 11, 160_000), ("cy", 11, 160_000),
    ...         ("di", 8, 110_000), ("ed", 8, 110_000), ("fe", 8, 110_000),
    ...         ("gu", 6, 70_000), ("ho", 6, 70_000), ("io", 6, 70_000)]
    >>> team = Team.from_records(
    ...     [{"rep": r, "activities": 1000, "demos": 24, "won": w, "bookings": w * s}
    ...      for r, w, s in rows])
    >>> result = compare_thirds(team)
    >>> result.top, result.bottom
    (('ana', 'bo', 'cy'), ('gu', 'ho', 'io'))
    >>> result.levers()
    ['deal_size', 'demos_to_won']
    >>> print(result.summary())
    Top third (3 reps by bookings) books 4.19× the bottom third; deal size explains 57.7% of the gap and the demos-to-won rate 42.3%. With 3 reps a group no p-value can fall below 0.1: read the differences as leads to check, not proof.
    """
    if not isinstance(team, Team):
        raise InvalidInputError(f"team must be a salesmath.Team, got {type(team).__name__}")
    if isinstance(exclude, str):
        drop: tuple[str, ...] = (parse_name(exclude, what="exclude"),)
    else:
        drop = parse_names(exclude, what="exclude")
    for name in drop:
        if name not in team:
            raise UnknownRepError(name, team.names)
    by = parse_choice(by, team.metric_names, what="by")
    compared = team.without(drop) if drop else team
    n = len(compared)
    if n < 3:
        left = f" after excluding {', '.join(repr(d) for d in drop)}" if drop else ""
        raise InvalidInputError(
            f"compare_thirds needs at least 3 reps{left}, got {n}; thirds of fewer reps are empty"
        )
    data = _Data.of(compared)
    ranking = _ranking(data, compared, by)
    if ranking.missing:
        pair = split_conversion(by, compared.stages)
        why = {
            "attainment": "no quota",
            "deal_size": "no won deals",
            "cycle_days": "no cycle_days",
        }.get(by, f"0 at {pair[0]!r}" if pair else "no value")
        missing = [data.names[i] for i in ranking.missing]
        shown = ", ".join(repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InvalidInputError(
            f"by={by!r} needs a value for every rep, but {len(missing)} ha"
            f"{'ve' if len(missing) > 1 else 's'} none ({why}): {shown}; leave them out with "
            "exclude=[...] or rank by another metric"
        )
    k = n // 3
    order = _order(ranking, data.name_array, k, data.bookings_order() if by == "bookings" else None)
    top_idx, bottom_idx = order[:k], order[n - k :]
    result = _compare(compared, data, by, top_idx, bottom_idx, excluded=drop)
    if history is None:
        return result
    return result.model_copy(update={"deal_size_mix": thirds_mix(history, result, by=mix_by)})


def _compare(
    team: Team,
    data: _Data,
    by: str,
    top_idx: NDArray[np.intp],
    bottom_idx: NDArray[np.intp],
    *,
    excluded: tuple[str, ...],
) -> ThirdsComparison:
    n, k = len(data.names), len(top_idx)
    stages, conversions = team.stages, team.conversions
    counts, bookings, quota, days = data.counts, data.bookings, data.quota, data.cycle_days
    d = bookings.denominator
    spearman = data.spearman
    top_mask = np.zeros(n, dtype=bool)
    top_mask[top_idx] = True
    bottom_mask = np.zeros(n, dtype=bool)
    bottom_mask[bottom_idx] = True

    def pair(value: Callable[[NDArray[np.intp]], Fraction | None]) -> Pair:
        return value(top_idx), value(bottom_idx)

    # each group's total at every stage, exact, gathered once: [top, bottom]
    totals = [[int(column[g].sum()) for column in counts.T] for g in (top_idx, bottom_idx)]

    rows: list[MetricRow] = []

    def add(
        name: str, kind: MetricKind, values: Pair, per_rep: Callable[[], NDArray[np.float64]]
    ) -> None:
        top, bottom = values
        ratio = None if top is None or bottom is None or bottom == 0 else top / bottom
        column = data.column(name, per_rep)  # one sort for the test and the correlation
        test = mann_whitney_within(column, top_mask, bottom_mask)
        p, effect = (None, None) if test is None else (test.p_value, test.effect_size)
        rows.append(
            MetricRow(
                name=name,
                kind=kind,
                top=top,
                bottom=bottom,
                ratio=ratio,
                p_value=p,
                effect_size=effect,
                spearman=spearman(column),
            )
        )

    def pooled(upper: int, lower: list[int], scale: int = 1) -> Pair:
        """Each group's `lower` total ÷ (its total at stage number `upper` × `scale`)."""
        values = [
            None if group[upper] == 0 else Fraction(part, group[upper] * scale)
            for group, part in zip(totals, lower, strict=True)
        ]
        return values[0], values[1]

    def mean(column: NDArray[Any], scale: int = 1) -> Pair:
        return pair(lambda g: Fraction(_core.total(column[g]), k * scale))

    def mean_over_present(column: ExactColumn) -> Pair:
        def value(g: NDArray[np.intp]) -> Fraction | None:
            m = column.count(g)
            return None if m == 0 else Fraction(column.total(g), m * column.denominator)

        return pair(value)

    for j, stage in enumerate(stages):
        at = counts[:, j]
        means = (Fraction(totals[0][j], k), Fraction(totals[1][j], k))
        add(stage, "stage", means, functools.partial(at.astype, np.float64))
    for j, name in enumerate(conversions):
        upper, lower = counts[:, j], counts[:, j + 1]
        add(
            name,
            "conversion",
            pooled(j, [group[j + 1] for group in totals]),
            functools.partial(_ratio_ranks, upper, lower),
        )
    won, scaled = counts[:, -1], bookings.scaled
    add(
        "deal_size",
        "deal_size",
        pooled(-1, [_core.total(scaled[top_idx]), _core.total(scaled[bottom_idx])], d),
        lambda: _ratio_floats(won, scaled) / d,
    )
    if days.any:
        add(
            "cycle_days",
            "cycle_days",
            mean_over_present(days),
            lambda: _quotients(days.scaled, days.denominator, days.present),
        )
    add("bookings", "bookings", mean(scaled, d), lambda: spearman.bookings.values)
    with_quota = quota.count()
    if with_quota:  # over the reps that have a quota (issue 11: the row no longer disappears)
        # rep i attains (b_i / d) / (q_i / dq) = b_i·dq / (d·q_i), whole numbers over whole numbers
        attained, target = _core.mul(scaled, quota.denominator), _core.mul(quota.scaled, d)

        def attainment(g: NDArray[np.intp]) -> Fraction | None:
            if quota.present is not None:
                g = g[quota.present[g]]
            if not len(g):
                return None
            return _core.ratio_sum(attained[g], target[g]) / len(g)

        add(
            "attainment",
            "attainment",
            pair(attainment),
            lambda: _quotients(attained, target, quota.present),
        )

    by_name = {row.name: row for row in rows}
    factors = [stages[0], *conversions, "deal_size"]
    decomposition: dict[str, float | None] = {}
    zeroed = []
    for factor in factors:
        row = by_name[factor]
        if row.top is not None and row.bottom is not None and row.top > 0 and row.bottom > 0:
            decomposition[factor] = _log(row.top / row.bottom)
        else:
            decomposition[factor] = None
            if row.bottom == 0 and row.top is not None and row.top > 0:
                zeroed.append(factor)
    top_mean, bottom_mean = by_name["bookings"].top, by_name["bookings"].bottom
    gap = (
        None
        if bottom_mean is None or top_mean is None or bottom_mean == 0
        else top_mean / bottom_mean
    )

    notes = _notes(
        team, by_name, decomposition, zeroed, gap, n=n, k=k, excluded=excluded, factors=factors
    )
    if 0 < with_quota < n:
        notes.append(
            f"Attainment is over the {format_count(with_quota)} of {format_count(n)} reps who "
            f"have a quota ({format_count(n - with_quota)} "
            f"{'has' if n - with_quota == 1 else 'have'} none)."
        )
    picked = data.name_array
    return ThirdsComparison(
        by=by,
        reps=n,
        top=tuple(picked[top_idx].tolist()),
        bottom=tuple(picked[bottom_idx].tolist()),
        excluded=excluded,
        metrics=tuple(rows),
        decomposition=decomposition,
        zeroed=tuple(zeroed),
        gap=gap,
        min_p_value=min_p_value(k, k),
        notes=tuple(notes),
    )


def _notes(
    team: Team,
    rows: dict[str, MetricRow],
    decomposition: dict[str, float | None],
    zeroed: list[str],
    gap: Fraction | None,
    *,
    n: int,
    k: int,
    excluded: tuple[str, ...],
    factors: list[str],
) -> list[str]:
    notes = []
    middle = n - 2 * k
    notes.append(
        f"Each third is {format_count(k)} rep{'s' if k != 1 else ''}; the middle "
        f"{format_count(middle)} "
        f"{'are' if middle != 1 else 'is'} in neither."
        + (f" Excluded: {', '.join(excluded)}." if excluded else "")
    )
    min_p = min_p_value(k, k)
    if min_p > 0.05:
        notes.append(
            f"With {format_count(k)} rep{'s' if k != 1 else ''} a group no p-value can fall below "
            f"{format_p_value(min_p)}; read the differences as leads to check, not proof."
        )
    notes.extend(
        f"The bottom third's {factor} is zero: that factor is the first lever." for factor in zeroed
    )
    if rows["deal_size"].bottom is None:
        notes.append("The bottom third won no deals, so it has no deal size (—).")
    missing = [f for f in factors if decomposition[f] is None and f not in zeroed]
    if missing and gap is not None and gap > 0:
        notes.append(
            f"The decomposition is incomplete: {', '.join(missing)} has no finite share "
            "(a count of 0 in a group)."
        )
    over = [
        c
        for c in team.conversions
        if any((v := getattr(rows[c], g)) is not None and v > 1 for g in ("top", "bottom"))
    ]
    if over:
        notes.append(
            f"{', '.join(over)} exceed{'s' if len(over) == 1 else ''} 100%: the data log more at "
            "the lower stage than the upper one."
        )
    return notes
