"""Top third vs bottom third: what the best reps do differently, factor by factor.

Sales leaders find what to coach by lining up their best third of reps
against their worst third on every step of the sales math: volume at the top
of the funnel, each conversion, deal size, cycle time.  Because a group's
mean bookings are exactly

    mean top-stage volume × each pooled conversion × pooled deal size

(pooled deal size = total bookings ÷ total won deals, so the product
telescopes), the gap between the groups splits exactly into one natural-log
share per factor; :func:`compare_thirds` reports those shares, a per-metric
table with rank-based statistics, and the levers that explain most of the gap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError
from salesmath.rates import Amount, format_amount
from salesmath.team import Team, UnknownRepError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["MetricRow", "ThirdsComparison", "compare_thirds"]

MetricKind = Literal["stage", "conversion", "deal_size", "cycle_days", "bookings", "attainment"]

Pair = tuple[Fraction | None, Fraction | None]

EXACT_PAIRS: Final = 10_000
"""Up to this many (top rep, bottom rep) pairs, p-values are exact (100 reps a group)."""

_EXACT_FLOAT: Final = 2**53
_INT64_SAFE: Final = 2**62


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
        Two-sided Mann–Whitney U test (``scipy.stats.mannwhitneyu``) on the
        reps' own values; None when a group has no value.  Up to 100 reps a
        group (10,000 pairs) it is scipy's exact p-value (``method="exact"``,
        which accounts for ties), so it never falls below what the group
        size allows; for larger groups scipy's default method.
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


def _phrase(factor: str, kinds: dict[str, MetricKind]) -> str:
    """Name a factor for a sentence: "deal size", "the demos-to-won rate"."""
    kind = kinds.get(factor)
    if factor == "deal_size":
        return "deal size"
    if kind == "conversion":
        upper, lower = factor.split("_to_", 1) if "_to_" in factor else (factor, "")
        return f"the {upper}-to-{lower} rate"
    return f"{factor} per rep"


def _times(value: Fraction) -> str:
    number = float(value)
    return f"{number:.1f}×" if number < 9.95 else f"{number:,.0f}×"


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
        attainment (when every compared rep has a quota).
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
        The smallest p-value a two-sided Mann–Whitney U test can give with
        groups of this size (exact test, no ties): 0.1 with 3 reps a group.
    notes
        Plain-language caveats, shown under the table.

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
    Top vs bottom third by bookings: 2 of 6 reps each; the top books 4.2× the bottom
    metric              top   bottom  ratio  share of gap     p  effect  ρ bookings
    ------------  ---------  -------  -----  ------------  ----  ------  ----------
    demos                24       24   1.0×            0%     1   +0.00           —
    won                10.5      5.5   1.9×             —  0.33   +1.00       +1.00
    demos_to_won      43.8%    22.9%   1.9×           45%  0.33   +1.00       +1.00
    deal_size     155,238.1   70,000   2.2×           55%  0.33   +1.00       +0.97
    bookings      1,630,000  385,000   4.2×             —  0.33   +1.00       +1.00
    Each third is 2 reps; the middle 2 are in neither.
    With 2 reps a group no p-value can fall below 0.33; read the differences as leads to check, not proof.
    p: two-sided Mann–Whitney U on per-rep values, not corrected for testing many metrics; effect: Cliff's delta, top vs bottom; ρ bookings: Spearman correlation with bookings over all 6 reps.
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

    @property
    def k(self) -> int:
        """Reps in each group: ``reps // 3``."""
        return len(self.top)

    @property
    def log_gap(self) -> float | None:
        """``ln(gap)``: what the decomposition adds up to; None without a finite gap."""
        return None if self.gap is None or self.gap == 0 else _log(self.gap)

    def __getitem__(self, name: str) -> MetricRow:
        for row in self.metrics:
            if row.name == name:
                return row
        known = ", ".join(repr(row.name) for row in self.metrics)
        raise InvalidInputError(f"no metric {name!r} in this comparison; the metrics are {known}")

    def shares(self) -> dict[str, float | None]:
        """Each factor's share of the gap: its log contribution ÷ ``log_gap``.

        None where the contribution is None, or when the top third does not
        out-book the bottom third (no gap to explain).

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
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInputError(f"n must be a whole number >= 1, got {n!r}")
        order = list(self.decomposition)
        finite = sorted(
            (f for f, v in self.decomposition.items() if v is not None and v > 0),
            key=lambda f: (-(self.decomposition[f] or 0.0), order.index(f)),
        )
        return [*self.zeroed, *finite][:n]

    def summary(self) -> str:
        """Say in one paragraph how far apart the thirds are and what explains it.

        Examples
        --------
        >>> from salesmath import Team
        >>> team = Team.from_records(
        ...     [{"rep": r, "demos": 24, "won": w, "bookings": w * size}
        ...      for r, w, size in [("ana", 11, 160_000), ("bo", 10, 150_000), ("cy", 8, 100_000),
        ...                         ("di", 7, 100_000), ("ed", 6, 70_000), ("fe", 5, 70_000)]])
        >>> print(compare_thirds(team).summary())
        Top third (2 reps by bookings) books 4.2× the bottom third; deal size explains 55% of the gap and the demos-to-won rate 45%. With 2 reps a group no p-value can fall below 0.33: read the differences as leads to check, not proof.
        """
        kinds = {row.name: row.kind for row in self.metrics}
        top_mean = self["bookings"].top
        text = f"Top third ({self.k} rep{'s' if self.k != 1 else ''} by {self.by}) books "
        if self.gap is not None:
            text += f"{_times(self.gap)} the bottom third"
        elif top_mean:
            text += f"{format_amount(top_mean)} a rep on average, the bottom third nothing"
        else:
            text += "nothing, like the bottom third"
        levers, shares = self.levers(2), self.shares()
        clauses = []
        for factor in levers:
            name, row = _phrase(factor, kinds), self[factor]
            share = shares.get(factor)
            if factor in self.zeroed:
                clauses.append(f"the bottom third's {name.removeprefix('the ')} is zero")
            elif share is not None:
                clauses.append(f"{name} {share:.0%}")
            elif row.ratio is not None:
                clauses.append(f"{name} ({_times(row.ratio)} the bottom third's)")
        if clauses and levers[0] in self.zeroed:
            text += f"; {clauses[0]}, the first lever" + (
                f", then {clauses[1]}" if len(clauses) > 1 else ""
            )
        elif clauses and shares.get(levers[0]) is not None:
            first, _, percent = clauses[0].rpartition(" ")
            text += f"; {first} explains {percent} of the gap" + (
                f" and {clauses[1]}" if len(clauses) > 1 else ""
            )
        elif clauses:
            text += f"; the top third is ahead on {' and '.join(clauses)}"
        text += "."
        if self.min_p_value > 0.05:
            text += (
                f" With {self.k} rep{'s' if self.k != 1 else ''} a group no p-value can fall below "
                f"{self.min_p_value:.2g}: read the differences as leads to check, not proof."
            )
        return text

    def table(self) -> Table:
        """Return one row per metric: top, bottom, ratio, share of gap and statistics."""
        shares = self.shares()
        rows = []
        for row in self.metrics:
            fmt = _percent if row.kind in ("conversion", "attainment") else _amount
            ratio = (
                "∞"
                if row.ratio is None and row.bottom == 0 and row.top
                else ("—" if row.ratio is None else _times(row.ratio))
            )
            share = shares.get(row.name) if row.name in self.decomposition else None
            rows.append(
                (
                    row.name,
                    fmt(row.top),
                    fmt(row.bottom),
                    ratio,
                    "zeroed" if row.name in self.zeroed else _share(share),
                    _stat(row.p_value, signed=False),
                    _stat(row.effect_size, signed=True),
                    _stat(row.spearman, signed=True),
                )
            )
        title = f"Top vs bottom third by {self.by}: {self.k} of {self.reps} reps each" + (
            "" if self.gap is None else f"; the top books {_times(self.gap)} the bottom"
        )
        return Table(
            title=title,
            columns=(
                Column("metric", align="left"),
                Column("top"),
                Column("bottom"),
                Column("ratio"),
                Column("share of gap"),
                Column("p"),
                Column("effect"),
                Column("ρ bookings"),
            ),
            rows=rows,
            notes=self.notes,
        )

    def __repr__(self) -> str:
        gap = "None" if self.gap is None else f"{float(self.gap):.3g}"
        return (
            f"ThirdsComparison(by={self.by!r}, reps={self.reps}, k={self.k}, gap={gap}, "
            f"levers={self.levers(2)})"
        )


def _amount(value: Fraction | None) -> str:
    return "—" if value is None else format_amount(value)


def _percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _stat(value: float | None, *, signed: bool) -> str:
    if value is None:
        return "—"
    return f"{value:+.2f}" if signed else f"{value:.2g}"


def _log(value: Fraction) -> float:
    """Natural log of a positive exact number, without overflow."""
    return math.log(value.numerator) - math.log(value.denominator)


# -- data --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Data:
    """The compared reps as columns: exact where it matters, floats for statistics."""

    names: list[str]
    counts: NDArray[Any]  # (reps, stages), int64 or Python ints
    scaled: NDArray[Any]  # bookings × denominator, whole numbers
    denominator: int
    quota: list[Fraction | None]
    cycle_days: list[Fraction | None]

    @classmethod
    def of(cls, team: Team) -> _Data:
        reps, n, s = team.reps, len(team.reps), len(team.stages)
        bookings = [rep.bookings for rep in reps]
        denominator = math.lcm(*{b.denominator for b in bookings})
        # one flat pass, no list per rep: on 100,000 reps the per-rep lists cost more
        # in garbage-collector passes than everything else here
        flat = itertools.chain.from_iterable(rep.counts.values() for rep in reps)
        if denominator == 1:
            numerators: Iterable[int] = (b.numerator for b in bookings)
        else:
            numerators = (b.numerator * (denominator // b.denominator) for b in bookings)
        try:
            counts = np.fromiter(flat, dtype=np.int64, count=n * s).reshape(n, s)
            scaled = np.fromiter(numerators, dtype=np.int64, count=n)
            safe = max(int(counts.max()), int(scaled.max())) * n < _INT64_SAFE
        except OverflowError:
            safe = False
        if not safe:  # whole numbers too big for int64 sums: Python ints
            counts = np.array([list(rep.counts.values()) for rep in reps], dtype=object)
            scaled = np.array(
                [b.numerator * (denominator // b.denominator) for b in bookings], dtype=object
            )
        return cls(
            names=[rep.rep for rep in reps],
            counts=counts,
            scaled=scaled,
            denominator=denominator,
            quota=[rep.quota for rep in reps],
            cycle_days=[rep.cycle_days for rep in reps],
        )

    def float_bookings(self) -> NDArray[np.float64]:
        if self.scaled.dtype == object:
            return np.array([n / self.denominator for n in self.scaled], dtype=np.float64)
        return self.scaled.astype(np.float64) / self.denominator


def _ratio_floats(upper: NDArray[Any], lower: NDArray[Any]) -> NDArray[np.float64]:
    """Return lower ÷ upper per rep as floats; NaN (kept internal) where upper is 0."""
    up = upper.astype(np.float64)
    out: NDArray[np.float64] = np.full(up.shape, np.nan)
    np.divide(lower.astype(np.float64), up, out=out, where=up != 0)
    return out


def _optional_floats(values: list[Fraction | None]) -> NDArray[np.float64]:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _mean(values: Iterable[Fraction]) -> Fraction | None:
    items = list(values)
    if not items:
        return None
    common = math.lcm(*{v.denominator for v in items})
    return Fraction(
        sum(v.numerator * (common // v.denominator) for v in items), common * len(items)
    )


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
    numerators: list[int] = field(default_factory=list)
    denominators: list[int] = field(default_factory=list)
    missing: tuple[int, ...] = ()

    @classmethod
    def whole(cls, keys: NDArray[Any]) -> _Ranking:
        return cls(keys=keys)

    @classmethod
    def ratio(cls, numerators: list[int], denominators: list[int]) -> _Ranking:
        missing = tuple(i for i, q in enumerate(denominators) if q == 0)
        keys = np.array(
            [n / q if q else math.nan for n, q in zip(numerators, denominators, strict=True)],
            dtype=np.float64,
        )
        return cls(keys=keys, numerators=numerators, denominators=denominators, missing=missing)

    def exact(self, i: int) -> Fraction:
        return Fraction(self.numerators[i], self.denominators[i])


def _ranking(data: _Data, team: Team, by: str) -> _Ranking:
    counts, stages, d = data.counts, team.stages, data.denominator
    if by in stages:
        return _Ranking.whole(counts[:, stages.index(by)])
    if by == "bookings":
        return _Ranking.whole(data.scaled)
    if by in team.conversions:
        i = team.conversions.index(by)
        return _Ranking.ratio(counts[:, i + 1].tolist(), counts[:, i].tolist())
    if by == "deal_size":
        return _Ranking.ratio(data.scaled.tolist(), [w * d for w in counts[:, -1].tolist()])
    if by == "attainment":
        return _Ranking.ratio(
            [
                s * (1 if q is None else q.denominator)
                for s, q in zip(data.scaled.tolist(), data.quota, strict=True)
            ],
            [0 if q is None else d * q.numerator for q in data.quota],
        )
    # cycle_days: lowest is best, so rank the negated days
    return _Ranking.ratio(
        [0 if c is None else -c.numerator for c in data.cycle_days],
        [0 if c is None else c.denominator for c in data.cycle_days],
    )


def _order(ranking: _Ranking, names: list[str], k: int) -> list[int]:
    """Return the rep indices best first, exactly by value and then by rep name.

    Only the two groups need a settled order: runs of equal keys that reach
    into the first or last `k` places are sorted exactly, then by name.
    """
    keys = ranking.keys
    order = np.argsort(-keys, kind="stable")
    ranked = keys[order]
    n = len(order)
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    ends = np.r_[starts[1:], n]
    tied = (ends - starts > 1) & ((starts < k) | (ends > n - k))
    result: list[int] = order.tolist()
    for start, end in zip(starts[tied].tolist(), ends[tied].tolist(), strict=True):
        run = result[start:end]
        if not ranking.denominators:
            run.sort(key=names.__getitem__)
        else:
            run.sort(key=lambda i: (-ranking.exact(i), names[i]))
        result[start:end] = run
    return result


# -- statistics ------------------------------------------------------------------


def _present(values: NDArray[np.float64]) -> NDArray[np.float64]:
    return values[~np.isnan(values)]


def _mann_whitney(
    top: NDArray[np.float64], bottom: NDArray[np.float64]
) -> tuple[float | None, float | None]:
    """Two-sided Mann–Whitney U p-value and Cliff's delta, top vs bottom.

    Groups with at most ``EXACT_PAIRS`` pairs of a top and a bottom rep get
    scipy's exact p-value (which accounts for ties); larger ones scipy's
    default method (the normal approximation).
    """
    from scipy.stats import mannwhitneyu

    x, y = _present(top), _present(bottom)
    if len(x) == 0 or len(y) == 0:
        return None, None
    method = "exact" if len(x) * len(y) <= EXACT_PAIRS else "auto"
    result = mannwhitneyu(x, y, alternative="two-sided", method=method)
    p = float(result.pvalue)
    delta = 2 * float(result.statistic) / (len(x) * len(y)) - 1
    return (None if math.isnan(p) else min(p, 1.0)), max(-1.0, min(1.0, delta))


def _average_ranks(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ranks from 1, ties sharing their average rank (as ``scipy.stats.rankdata``)."""
    order = np.argsort(values)
    ranked = values[order]
    new = np.r_[True, ranked[1:] != ranked[:-1]]
    starts = np.flatnonzero(new)
    sizes = np.diff(np.r_[starts, len(values)])
    average = starts + (sizes + 1) / 2
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.repeat(average, sizes)
    return ranks


class _Spearman:
    """Spearman rank correlations with bookings; bookings are ranked once."""

    def __init__(self, bookings: NDArray[np.float64]) -> None:
        self.bookings = bookings
        self.ranks = _average_ranks(bookings)

    def __call__(self, values: NDArray[np.float64]) -> float | None:
        keep = ~np.isnan(values)
        if keep.all():
            x, ry = values, self.ranks
        else:
            x, ry = values[keep], _average_ranks(self.bookings[keep])
        if len(x) < 3 or np.all(x == x[0]) or np.all(ry == ry[0]):
            return None
        rho = float(np.corrcoef(_average_ranks(x), ry)[0, 1])
        return None if math.isnan(rho) else max(-1.0, min(1.0, rho))


def _min_p_value(k: int) -> float:
    """Smallest two-sided exact Mann–Whitney p-value for two groups of k: 2 / C(2k, k)."""
    if k <= 500:
        return min(1.0, 2 / math.comb(2 * k, k))
    return math.exp(math.log(2) - math.lgamma(2 * k + 1) + 2 * math.lgamma(k + 1))


# -- the comparison ----------------------------------------------------------------


def compare_thirds(
    team: Team, *, by: str = "bookings", exclude: Iterable[str] = ()
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
        Rep names to leave out first (a rep on leave, a new hire).  To keep a
        rep but neutralise one whale deal, use :meth:`Team.without_deal`.

    Returns
    -------
    ThirdsComparison
        With k = n // 3 reps a group: ``top`` the k best by `by`, ``bottom``
        the k worst, ties broken by rep name (alphabetical first counts as
        better), whatever the order of the input.

    Raises
    ------
    InvalidInputError
        If fewer than 3 reps are left, `by` is unknown, some rep has no
        value for `by` (no quota for ``"attainment"``, no won deal for
        ``"deal_size"``), or `exclude` names a rep the team does not have.

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
    Top third (3 reps by bookings) books 4.2× the bottom third; deal size explains 58% of the gap and the demos-to-won rate 42%. With 3 reps a group no p-value can fall below 0.1: read the differences as leads to check, not proof.
    """
    if not isinstance(team, Team):
        raise InvalidInputError(f"team must be a salesmath.Team, got {type(team).__name__}")
    drop = [exclude] if isinstance(exclude, str) else list(exclude)
    for name in drop:
        if name not in team:
            raise UnknownRepError(name, team.names)
    if by not in team.metric_names:
        raise InvalidInputError(
            f"by must be one of {', '.join(repr(m) for m in team.metric_names)}, got {by!r}"
        )
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
        why = {
            "attainment": "no quota",
            "deal_size": "no won deals",
            "cycle_days": "no cycle_days",
        }.get(by, f"0 at {by.split('_to_')[0]!r}")
        missing = [data.names[i] for i in ranking.missing]
        shown = ", ".join(repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InvalidInputError(
            f"by={by!r} needs a value for every rep, but {len(missing)} ha"
            f"{'ve' if len(missing) > 1 else 's'} none ({why}): {shown}; leave them out with "
            "exclude=[...] or rank by another metric"
        )
    k = n // 3
    order = _order(ranking, data.names, k)
    top_idx = np.array(order[:k], dtype=np.intp)
    bottom_idx = np.array(order[n - k :], dtype=np.intp)
    return _compare(compared, data, by, top_idx, bottom_idx, excluded=tuple(drop))


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
    counts, d = data.counts, data.denominator
    bookings_f = data.float_bookings()
    spearman = _Spearman(bookings_f)

    def total(column: NDArray[Any], idx: NDArray[np.intp]) -> int:
        return int(column[idx].sum())

    def pair(value: Callable[[NDArray[np.intp]], Fraction | None]) -> Pair:
        return value(top_idx), value(bottom_idx)

    rows: list[MetricRow] = []

    def add(name: str, kind: MetricKind, values: Pair, per_rep: NDArray[np.float64]) -> None:
        top, bottom = values
        ratio = None if top is None or bottom is None or bottom == 0 else top / bottom
        p, effect = _mann_whitney(per_rep[top_idx], per_rep[bottom_idx])
        rows.append(
            MetricRow(
                name=name,
                kind=kind,
                top=top,
                bottom=bottom,
                ratio=ratio,
                p_value=p,
                effect_size=effect,
                spearman=spearman(per_rep),
            )
        )

    def pooled(upper: NDArray[Any], lower: NDArray[Any], scale: int = 1) -> Pair:
        def value(g: NDArray[np.intp]) -> Fraction | None:
            below = total(upper, g)
            return None if below == 0 else Fraction(total(lower, g), below * scale)

        return pair(value)

    def mean(column: NDArray[Any], scale: int = 1) -> Pair:
        return pair(lambda g: Fraction(total(column, g), k * scale))

    for j, stage in enumerate(stages):
        add(stage, "stage", mean(counts[:, j]), counts[:, j].astype(np.float64))
    for j, name in enumerate(conversions):
        upper, lower = counts[:, j], counts[:, j + 1]
        add(name, "conversion", pooled(upper, lower), _ratio_floats(upper, lower))
    won = counts[:, -1]
    add("deal_size", "deal_size", pooled(won, data.scaled, d), _ratio_floats(won, data.scaled) / d)
    if any(c is not None for c in data.cycle_days):
        cycle_days = data.cycle_days
        add(
            "cycle_days",
            "cycle_days",
            pair(lambda g: _mean(c for i in g.tolist() if (c := cycle_days[i]) is not None)),
            _optional_floats(cycle_days),
        )
    add("bookings", "bookings", mean(data.scaled, d), bookings_f)
    if all(q is not None for q in data.quota):
        attainment = [
            Fraction(int(s), d) / q
            for s, q in zip(data.scaled.tolist(), data.quota, strict=True)
            if q is not None
        ]
        add(
            "attainment",
            "attainment",
            pair(lambda g: _mean(attainment[i] for i in g.tolist())),
            np.array([float(a) for a in attainment], dtype=np.float64),
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

    names = data.names
    notes = _notes(
        team, by_name, decomposition, zeroed, gap, n=n, k=k, excluded=excluded, factors=factors
    )
    return ThirdsComparison(
        by=by,
        reps=n,
        top=tuple(names[i] for i in top_idx.tolist()),
        bottom=tuple(names[i] for i in bottom_idx.tolist()),
        excluded=excluded,
        metrics=tuple(rows),
        decomposition=decomposition,
        zeroed=tuple(zeroed),
        gap=gap,
        min_p_value=_min_p_value(k),
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
        f"Each third is {k} rep{'s' if k != 1 else ''}; the middle {middle} "
        f"{'are' if middle != 1 else 'is'} in neither."
        + (f" Excluded: {', '.join(excluded)}." if excluded else "")
    )
    min_p = _min_p_value(k)
    if min_p > 0.05:
        notes.append(
            f"With {k} rep{'s' if k != 1 else ''} a group no p-value can fall below {min_p:.2g}; "
            "read the differences as leads to check, not proof."
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
    notes.append(
        "p: two-sided Mann–Whitney U on per-rep values, not corrected for testing many metrics; "
        "effect: Cliff's delta, top vs bottom; ρ bookings: Spearman correlation with bookings "
        f"over all {n} reps."
    )
    return notes
