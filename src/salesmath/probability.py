"""How sure is a plan? Attainment probability, confidence plans and simulation.

A plan built from average rates reaches quota only when every conversion
lands on its average.  Here each conversion is a chance event instead:

* every unit at a stage converts to the next stage independently, with the
  stage's rate, so the count that reaches won deals from ``n`` units at a
  stage is binomial, ``Binomial(n, rate(stage, won))`` (binomial thinning);
* a rate measured on few deals (:class:`Observed`, or ``"3 of 9"`` in a
  funnel's rates) is itself uncertain: it follows the Beta posterior of a
  uniform prior, ``Beta(successes + 1, trials - successes + 1)``, which makes
  the count beta-binomial;
* the deal size is fixed at the funnel's average for exact probabilities and
  confidence plans; :func:`simulate` lets it vary.

Exact results use the closed forms in :mod:`scipy.stats` (binomial, negative
binomial, beta-binomial), imported when first needed so that
``import salesmath`` stays light.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Self

import numpy as np
from pydantic import ConfigDict, Field, field_validator, model_validator

from salesmath._format import format_amount, format_percent, format_probability
from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError, LimitError
from salesmath.funnel import Funnel
from salesmath.numbers import (
    Observed,
    PositiveAmount,
    as_observed,
    parse_amount,
    parse_list,
    parse_probability,
    parse_share,
    parse_whole,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import NDArray

__all__ = [
    "MAX_CONFIDENCE_DEALS",
    "MAX_DEAL_SIZE_CV",
    "MAX_DRAWS",
    "Observed",
    "Simulation",
    "as_observed",
    "attainment_probability",
    "confidence_counts",
    "format_probability",
    "parse_confidence",
    "simulate",
]

_MAX_COUNT: Final = 2**53
"""Counts beyond this are not exact in floating point; no confidence plan goes further."""
_MAX_MEASURED_COUNT: Final = 10**8
"""The largest count a confidence plan tries when rates are measured (uncertain)."""
MAX_CONFIDENCE_DEALS: Final = 10**7
"""The most won deals a confidence plan or an exact probability is worked out for."""
MAX_DRAWS: Final = 10_000_000
"""The most draws one simulation makes (two arrays of 80 MB each)."""
MAX_DEAL_SIZE_CV: Final = 1000
"""The largest coefficient of variation of a simulated deal size."""


def parse_confidence(value: object) -> float:
    """Read a confidence: a probability strictly between 0 and 1, as a float.

    Examples
    --------
    >>> parse_confidence("90%"), parse_confidence(0.95)
    (0.9, 0.95)
    """
    return float(parse_probability(value, what="confidence"))


def _check_deals(deals: int) -> int:
    if deals > MAX_CONFIDENCE_DEALS:
        raise LimitError(
            f"exact probabilities and confidence plans are worked out for at most "
            f"{MAX_CONFIDENCE_DEALS:,} won deals (salesmath's limit), and this quota needs "
            f"{deals:,}; plan without confidence=, or simulate"
        )
    return deals


# -- exact probabilities --------------------------------------------------------------


def _path(funnel: Funnel, stage: str) -> tuple[float, list[tuple[int, int]]]:
    """Split the conversions from `stage` to won into one known rate and measured ones.

    Returns the product of the rates taken as exact, and the Beta posterior of
    each measured rate.  Thinning is order-free, so this is the whole story.
    """
    start = funnel.index(stage)
    known = Fraction(1)
    measured: list[tuple[int, int]] = []
    for i in range(start, len(funnel.rates)):
        seen = None if funnel.observed is None else funnel.observed[i]
        if seen is None:
            known *= funnel.rates[i]
        else:
            measured.append(seen.posterior)
    return float(known), measured


def _jacobi(n: int, alpha: int, beta: int) -> tuple[Any, Any]:
    """Gauss–Jacobi nodes in (0, 1) and weights (adding up to 1) for Beta(alpha, beta)."""
    nodes, weights, _ = _golub_welsch(n, alpha, beta)
    return nodes, weights


@functools.lru_cache(maxsize=256)
def _golub_welsch(n: int, alpha: int, beta: int) -> tuple[Any, Any, Any]:
    """Gauss–Jacobi nodes, weights, and the matrix that gives a function's Jacobi coefficients.

    Kept for the next call (read-only): a search asks for the same rule again.

    Golub–Welsch: the nodes are the eigenvalues of the Jacobi polynomials'
    tridiagonal recurrence matrix, the weights the squared first components
    of its eigenvectors.  ``scipy.special.roots_jacobi`` scales the weights
    by the total mass, a ratio of gamma functions that overflows for rates
    measured on thousands of deals (NaN); normalised weights never need it,
    so this stays exact (the same rule, degree < 2n) at any sample size.

    The eigenvectors also give the orthonormal polynomials at the nodes,
    ``p_k(x_i) = v_k(i) / v_0(i)``: ``modes @ f(nodes)``, with
    ``modes[k, i] = w_i p_k(x_i) = v_0(i) v_k(i)``, is the rule's estimate of
    f's first n coefficients in those polynomials (see :func:`_quadrature_error`).
    """
    a, b = float(beta - 1), float(alpha - 1)  # weight (1 - x)^a (1 + x)^b on [-1, 1]
    ab = a + b
    k = np.arange(1, n, dtype=np.float64)
    diagonal = np.empty(n)
    diagonal[0] = (b - a) / (ab + 2)
    if n > 1:
        j = np.arange(1, n, dtype=np.float64)
        diagonal[1:] = (b - a) * (b + a) / ((2 * j + ab) * (2 * j + ab + 2))
    off = np.sqrt(
        4
        * k
        * (k + a)
        * (k + b)
        * (k + ab)
        / ((2 * k + ab) ** 2 * (2 * k + ab + 1) * (2 * k + ab - 1))
    )
    matrix = np.diag(diagonal) + np.diag(off, 1) + np.diag(off, -1)
    roots, vectors = np.linalg.eigh(matrix)
    weights = vectors[0] ** 2
    nodes, weights = (1 + roots) / 2, weights / weights.sum()
    modes = vectors[0] * vectors
    nodes.flags.writeable = weights.flags.writeable = modes.flags.writeable = False
    return nodes, weights, modes


def _nodes(measured: list[tuple[int, int]], per_rate: int | None = None) -> tuple[Any, Any]:
    """Gauss–Jacobi nodes and weights for the product of Beta-distributed rates.

    Returns the product of one node per rate at every grid point, and the
    grid point's weight (the weights add up to 1).  Exact for polynomials of
    degree < 2 × nodes in each rate.  `per_rate` nodes a rate (by default
    64 for one rate, 32 each for two, 12 each for more).
    """
    if per_rate is None:
        per_rate = {1: 64, 2: 32}.get(len(measured), 12)
    values, weights = np.ones(1), np.ones(1)
    for alpha, beta in measured:
        roots, mass = _jacobi(per_rate, alpha, beta)
        values = np.multiply.outer(values, roots).ravel()
        weights = np.multiply.outer(weights, mass).ravel()
    return values, weights


_DIRECT_DEALS: Final = 1000
"""The most deals whose binomial tail is summed term by term, without scipy."""


def _binomial_tail(deals: int, volume: int, chance: float) -> float:
    """P(Binomial(volume, chance) >= deals), equal to ``scipy.stats.binom.sf`` to 1e-12.

    For up to a thousand deals (every plan a person reads), by its
    definition: one minus the probabilities of 0 … deals - 1 wins, each term
    from the last by ``pmf(j + 1) = pmf(j) · (n - j) / (j + 1) · p / (1 - p)``
    (a relative error of about 2e-16 a step).  That needs no scipy, whose
    import alone takes longer than the rest of the ``salesmath plan`` command.
    Beyond, or where ``pmf(0) = (1 - p)^n`` underflows, ``scipy.special.bdtrc``
    (P(X > k)).  Both are tested against ``binom.sf``.
    """
    if deals <= 0:
        return 1.0
    if volume < deals:
        return 0.0
    if chance >= 1.0:
        return 1.0
    log_none = volume * math.log1p(-chance)  # log P(no win)
    if deals <= _DIRECT_DEALS and log_none > -700:
        term, odds, below = math.exp(log_none), chance / (1 - chance), 0.0
        for j in range(deals):
            below += term
            term *= (volume - j) / (j + 1) * odds
        return min(max(1.0 - below, 0.0), 1.0)
    from scipy import special

    tail = float(special.bdtrc(deals - 1, volume, chance))
    if not math.isfinite(tail):  # beyond bdtrc's reach (n near 2**53): the Poisson limit
        tail = float(special.gammainc(deals, volume * chance))
    return tail


_CHUNK: Final = 1 << 13
"""Counts worked out per vectorised call when a table of tails grows: 64 kB arrays,
which stay in cache and are reused by the allocator (larger ones each map fresh pages)."""
_SPREAD: Final = 9.0
"""Standard deviations kept each side of a binomial count's mean (beyond: under 1e-18)."""
_DOT_WIDTH: Final = 8192
"""The widest binomial window dotted by ``numpy.correlate`` (BLAS ``ddot``: one thread at this
size, and three times faster than ``einsum`` on shifted views); beyond, ``einsum`` (see :func:`_dot`)."""
_GRID: Final = 33
"""Counts the rough chance is worked out for at once while the search narrows down."""
_ROUGH_NODES: Final = 6
"""Gauss–Jacobi nodes a rate while the search narrows down (then settled exactly)."""
_MAX_TABLE: Final = 20_000_000
"""The most counts one table of beta-binomial tails holds (160 MB)."""
_MIXED_COUNT: Final = 2_000_000
"""The largest count whose beta-binomial probabilities are summed one by one."""
_HERMITE: list[tuple[Any, Any]] = []
"""Gauss–Hermite nodes and weights (12), made on first use: a binomial count as a normal
one, for the rough search."""


def _dot(a: Any, b: Any) -> float:
    """Return the dot product of two vectors, without BLAS.

    OpenBLAS runs a long ``a @ b`` on several threads, which wake and spin
    for every call: on a busy machine that made each call up to ten times
    slower than this single-threaded sum.
    """
    return float(np.einsum("i,i->", a, b))


def _exp(logs: Any, floor: float = -200.0) -> Any:
    """``exp(logs)``, 0 below e**floor without working it out.

    Probabilities under e**-200 (1e-87) change no sum here, and leaving them
    out keeps every product of two of them clear of subnormal floats, whose
    arithmetic is a hundred times slower.
    """
    return np.exp(logs, out=np.zeros_like(logs), where=logs > floor)


def _scipy_special() -> Any:
    """Return ``scipy.special``, imported on first use."""
    from scipy import special

    return special


class _PassageTail:
    """P(at least `deals` of `m` convert | the rate is Beta(alpha, beta)), for any m.

    Beta-binomial tails for every count at once, with no loop over deals:
    the (j + 1)-th unit brings the `deals`-th conversion with probability
    ``tau(j) = P(X_j = deals - 1) · (alpha + deals - 1) / (alpha + beta + j)``
    (a Pólya urn: after j units and k conversions the next converts with
    chance ``(alpha + k) / (alpha + beta + j)``), X_j being beta-binomial.  So
    ``P(X_m >= deals) = tau(deals - 1) + … + tau(m - 1)``, a cumulative sum of
    positive terms.  ``tau(deals - 1) = B(deals + alpha, beta) / B(alpha, beta)``
    (the first `deals` all convert), and each next term follows by the ratio
    ``tau(j + 1) / tau(j) = (1 + (deals - 1) / (j - deals + 2)) / (1 + (alpha + deals) / (j - deals + 1 + beta))``,
    summed in logs (``log1p``), so no large ``gammaln`` loses digits.  The
    table grows as the search asks for larger counts; counts below its start
    are summed (in chunks) but not kept.
    """

    def __init__(self, deals: int, alpha: int, beta: int) -> None:
        from scipy import special

        self.deals, self.alpha, self.beta = deals, alpha, beta
        self._first = float(
            special.betaln(deals + alpha, beta) - special.betaln(alpha, beta)
        )  # log tau(deals - 1)
        self._reset(deals)

    def _reset(self, start: int) -> None:
        self.start = start  # the table holds P(X_m >= deals) for m = start, start + 1, ...
        self.table = np.zeros(0)
        self._next = self.deals - 1  # the next j whose tau is to be added
        self._log_tau = self._first  # log tau(self._next)
        self._sum = 0.0

    def _grow(self, top: int) -> None:
        """Sum on up to count `top`, keeping the tails of counts from `start`."""
        d, alpha, beta = self.deals, self.alpha, self.beta
        kept = len(self.table)
        table = np.empty(max(top - self.start + 1, kept))  # one array, filled chunk by chunk
        table[:kept] = self.table
        while self._next < top:
            j = np.arange(self._next, min(top, self._next + _CHUNK), dtype=np.float64)
            # tau(j + 1) / tau(j) = (j + 1)(j - d + 1 + beta) / ((j - d + 2)(j + alpha + beta + 1)),
            # worked out in place (the products are whole numbers, exact below 2**53)
            ratios = np.add(j, 1.0)
            ratios *= j - (d - 1 - beta)
            under = np.subtract(j, d - 2)
            under *= j + (alpha + beta + 1)
            ratios /= under
            likely = None
            if self._log_tau > -460.0:  # tau is a float well clear of subnormals: multiply on
                likely = np.empty(len(j))
                likely[0] = 1.0
                np.cumprod(ratios[:-1], out=likely[1:])
                likely *= math.exp(self._log_tau)
                after = float(likely[-1]) * float(ratios[-1])
                if likely[-1] > 1e-200 and after > 0.0:  # unimodal: no term is smaller
                    self._log_tau = math.log(after)
                else:  # falls under 1e-200 in this chunk: in logs, to leave those out
                    likely = None
            if likely is None:  # log tau by sums of logs of the ratios, 0 below 1e-200
                steps = np.log(ratios, out=ratios)
                logs = np.empty(len(j))
                logs[0] = self._log_tau
                np.cumsum(steps[:-1], out=logs[1:])
                logs[1:] += self._log_tau
                self._log_tau = float(logs[-1] + steps[-1])
                # tau is unimodal: when both ends are above e**-460 every term is, and the
                # plain exp (three times faster) gives the same numbers
                likely = np.exp(logs) if min(logs[0], logs[-1]) > -460.0 else _exp(logs, -460.0)
            tails = np.cumsum(likely)
            tails += self._sum
            self._sum = float(tails[-1])
            first_count = self._next + 1
            self._next += len(j)
            keep = max(self.start - first_count, 0)
            if keep < len(tails):
                at = first_count + keep - self.start
                table[at : at + len(tails) - keep] = tails[keep:]
                kept = at + len(tails) - keep
        self.table = np.minimum(table[:kept], 1.0, out=table[:kept])

    def ensure(self, low: int, high: int) -> None:
        """Make the table hold the tails of every count from `low` (or `deals`) to `high`."""
        if high < self.deals:
            return
        low_kept = max(low, self.deals)
        if low_kept < self.start:  # start again, keeping more
            self._reset(max(self.deals, low_kept - max(high - low_kept, 64)))
        if self.start + len(self.table) <= high:
            if high - self.start >= _MAX_TABLE:
                raise LimitError(
                    f"the chance of winning {self.deals:,} deals with rates this uncertain "
                    f"spreads over more than {_MAX_TABLE:,} counts (salesmath's limit on "
                    f"the work of one probability); measure the rates on more deals, lower "
                    f"the confidence, or simulate (Funnel.simulate)"
                )
            margin = max((high - low) // 2, 64)  # room for the next request
            self._grow(min(high + margin, self.start + _MAX_TABLE - 1))

    def window(self, low: int, size: int) -> Any:
        """Return the tails of counts `low` … `low + size - 1` (a view of the table)."""
        self.ensure(low, low + size - 1)
        if low >= self.deals:
            return self.table[low - self.start : low - self.start + size]
        out = np.zeros(size)
        if low + size > self.deals:
            out[self.deals - low :] = self.table[: low + size - self.deals]
        return out

    def values(self, low: int, high: int) -> Any:
        """Return P(X_m >= deals) for m = low … high (0 below `deals`)."""
        return np.array(self.window(low, high - low + 1))

    def reaches(self, high: int) -> bool:
        """Whether a table up to count `high` stays within :data:`_MAX_TABLE`."""
        return high - min(self.start, self.deals) < _MAX_TABLE

    def at(self, count: int) -> float:
        """Return P(X_count >= deals) alone, with no table: for counts beyond one.

        ``1 - (P(X = 0) + … + P(X = deals - 1))``, the terms by the ratio of
        consecutive ones from ``P(X = 0) = B(alpha, count + beta) / B(alpha, beta)``,
        in logs: one vectorised sum over the deals.
        """
        d, alpha, beta = self.deals, self.alpha, self.beta
        if count < d:
            return 0.0
        special = _scipy_special()
        k = np.arange(d - 1, dtype=np.float64)
        steps = np.log((count - k) * (k + alpha)) - np.log((k + 1) * (count - k - 1 + beta))
        logs = np.empty(d)
        logs[0] = special.betaln(alpha, count + beta) - special.betaln(alpha, beta)
        np.cumsum(steps, out=logs[1:])
        logs[1:] += logs[0]
        return min(max(1.0 - float(_exp(logs, -460.0).sum()), 0.0), 1.0)


_FEWER_NODES: Final = 0.1
"""How much surer (relative spread) another measured rate must be for 24 nodes to do."""
_CHECKED_NODES: Final = 32
"""Gauss–Jacobi nodes tried first for one other measured rate, kept where their error estimate
is under :data:`_CHECK_TOLERANCE` (else the 64-node rule)."""
_CHECK_TOLERANCE: Final = 1e-14
"""The largest estimated quadrature error (:func:`_quadrature_error`) of the 32-node rule kept."""


def _quadrature_error(modes: Any, values: Any) -> float:
    """Estimate the error of a Gauss–Jacobi rule from the values it summed, one column a chance.

    ``modes @ values`` are the values' coefficients in the rule's orthonormal
    Jacobi polynomials (degrees 0 … n - 1).  An n-node Gauss rule is exact
    below degree 2n, so its error is about the coefficient of degree 2n:
    extrapolated from the largest of the last eight, shrinking at the rate
    the largest of the last eight shows against the largest of the eight
    before (a smooth function's coefficients fall geometrically; the rate
    is taken from block maxima, so alternating or noisy ones count at their
    largest, and a rate never above 1).  NaN where a value is NaN.
    """
    coefficients = np.abs(modes @ values)
    n = len(coefficients)
    last = coefficients[n - 8 :].max(axis=0)
    before = coefficients[n - 16 : n - 8].max(axis=0)
    ratio = np.divide(last, before, out=np.ones_like(last), where=before > 0)
    rate = np.minimum(ratio, 1.0) ** (1 / 8)
    return float((last * rate ** (n + 1)).max())


def _relative_sd(alpha: int, beta: int) -> float:
    """Return the standard deviation of a Beta(alpha, beta) rate over its mean."""
    return math.sqrt(beta / (alpha * (alpha + beta + 1)))


def _per_rate(kept: tuple[int, int], others: list[tuple[int, int]]) -> int | None:
    """Return the Gauss–Jacobi nodes for the other measured rates: fewer when much surer.

    The chance varies with another measured rate no faster than with the
    kept one (the least sure, whose whole spread is summed exactly), so when
    the other rate's relative spread is at most :data:`_FEWER_NODES` of the
    kept one's, the integrand is smooth over its posterior and 24 nodes give
    the 64-node value to 1e-13 (tested; at half, some cases were off by
    3e-12); otherwise None (one other rate: 32 nodes, checked; see :class:`_Chance`).
    """
    if len(others) == 1 and _relative_sd(*others[0]) <= _FEWER_NODES * _relative_sd(*kept):
        return 24
    return None


class _Chance:
    """P(at least `deals` won | n units at a stage), for the n a search tries.

    Exact rates only: the binomial tail.  Measured rates: the one measured
    on fewest trials is kept exact, by its beta-binomial tails
    (:class:`_PassageTail`, worked out once for every count the search
    needs); the count reaching it is binomial after the exact rates, mixed
    over the other measured rates by Gauss–Jacobi quadrature of their Beta
    posteriors:
    ``P(n) = sum_i w_i sum_m Binomial(m; n, known · x_i) · tail(m)``, the
    binomial summed over the counts within 9 standard deviations of its
    mean (beyond: under 1e-18), by the ratio of consecutive terms in logs,
    in one vectorised call per n.

    One other measured rate, not much surer than the kept one: 32 nodes
    first, each pass checked by :func:`_quadrature_error`; where the
    estimate exceeds :data:`_CHECK_TOLERANCE` (1e-14), the 64-node rule
    from then on.  In random cases weighted to skewed posteriors, the
    32-node values kept agree with the 64-node ones to 4e-15.
    """

    def __init__(
        self,
        deals: int,
        known: float,
        measured: list[tuple[int, int]],
        tails: dict[tuple[int, int, int], _PassageTail] | None = None,
    ) -> None:
        self.deals, self.known, self.measured = deals, known, measured
        self._cache: dict[int, float] = {}
        if measured:
            keep = min(range(len(measured)), key=lambda i: sum(measured[i]))
            others = [rate for i, rate in enumerate(measured) if i != keep]
            shared = {} if tails is None else tails  # stages sharing a kept rate share its tails
            key = (deals, *measured[keep])
            if key not in shared:
                shared[key] = _PassageTail(deals, *measured[keep])
            self.tail = shared[key]
            per_rate = _per_rate(measured[keep], others)
            self._others = others
            self._modes: Any = None  # set while the rule is the checked 32-node one
            if per_rate is None and len(others) == 1:
                nodes, weights, modes = _golub_welsch(_CHECKED_NODES, *others[0])
                if bool(weights.min() > 1e-18):  # every node kept: the coefficients are exact sums
                    self.chances, self.weights, self._modes = known * nodes, weights, modes
            if self._modes is None:
                self.chances, self.weights = self._rule(others, per_rate)
            self.rough_chances, self.rough_weights = self._rule(others, _ROUGH_NODES)
            self.direct = known == 1.0 and not others  # P(n) is the tail itself
            # one other measured rate straight above the kept one: the count reaching
            # the kept rate is beta-binomial, summed exactly (no quadrature)
            self.mixed = others[0] if known == 1.0 and len(others) == 1 else None

    def _rule(self, others: list[tuple[int, int]], per_rate: int | None) -> tuple[Any, Any]:
        values, weights = _nodes(others, per_rate)
        keep = weights > 1e-18  # nodes that cannot move a chance by 1e-16: dropped
        return self.known * values[keep], weights[keep]

    def __call__(self, volume: int) -> float:
        """Return the chance from `volume` units."""
        if volume not in self._cache:
            self.span(volume)
        return self._cache[volume]

    def span(self, volume: int) -> tuple[float, float, float]:
        """Return the chances from `volume - 1`, `volume` and `volume + 1` units, at once."""
        wanted = (volume - 1, volume, volume + 1)
        if not all(v in self._cache for v in wanted):
            for v, value in zip(wanted, self._span(volume), strict=True):
                self._cache.setdefault(v, value)
        below, at, above = (self._cache[v] for v in wanted)
        return below, at, above

    def _span(self, volume: int) -> tuple[float, float, float]:
        deals = self.deals
        if deals <= 0:
            return 1.0, 1.0, 1.0
        if volume + 1 < deals:
            return 0.0, 0.0, 0.0
        if not self.measured:
            return tuple(  # type: ignore[return-value]
                0.0 if v < deals else _binomial_tail(deals, v, self.known)
                for v in (volume - 1, volume, volume + 1)
            )
        if self.direct:  # the beta-binomial tail itself: from the table, or alone when far
            if self.tail.reaches(volume + 1):
                below, at, above = self.tail.values(volume - 1, volume + 1)
                return float(below), float(at), float(above)
            return self.tail.at(volume - 1), self.tail.at(volume), self.tail.at(volume + 1)
        if self.mixed is not None and volume <= _MIXED_COUNT:
            return self._mixed_span(volume, *self.mixed)
        if volume - 1 < 0:
            return 0.0, 0.0, self._span(volume + 1)[1]
        below, at, above = self._node_chances(volume - 1, 3)
        return below, at, above

    @property
    def windowed(self) -> bool:
        """Whether the chance mixes binomial windows over nodes (one pass gives many n)."""
        return bool(self.measured) and not self.direct and self.mixed is None

    def around(self, volume: int, reach: int) -> tuple[int, list[float]]:
        """Return the first volume and the chances from `volume - reach` … `volume + reach`."""
        first = volume - reach
        if first < 0:
            return 0, [self(v) for v in range(volume + reach + 1)]
        wanted = range(first, volume + reach + 1)
        if not all(v in self._cache for v in wanted):
            if self.windowed and first >= self.deals:
                values = self._node_chances(first, len(wanted))
            elif reach == 1:
                values = list(self._span(volume))
            else:
                values = [self(v) for v in wanted]
            for v, value in zip(wanted, values, strict=True):
                self._cache.setdefault(v, value)
        return first, [self._cache[v] for v in wanted]

    def _node_chances(self, n: int, count: int) -> list[float]:
        """Return the chances from n, n + 1, …, n + count - 1 units, in one pass.

        Each node's binomial counts from n units over a window (9 standard
        deviations either side of the mean, within 0 … n), by the ratio of
        consecutive probabilities in logs, each row scaled to add up to 1.
        With ``S_t = E[tail(M_n + t)]``, ``j`` more units convert
        binomially, so ``P(n + j) = sum_t C(j, t) r^t (1 - r)^(j - t) S_t``.
        """
        chances, weights = self.chances, self.weights
        half = np.ceil(_SPREAD * np.sqrt(n * chances * (1 - chances)) + 8).astype(np.int64)
        widths = np.minimum(2 * half + 1, n + 1)
        starts = np.clip(np.round(n * chances).astype(np.int64) - half, 0, n + 1 - widths)
        low, high = int(starts.min()), int((starts + widths).max()) - 1
        odds = np.log(chances) - np.log1p(-chances)
        self.tail.ensure(low, high + count)
        sums = np.empty((len(chances), count))  # S_t per node, on slices of the table
        logs, added = np.zeros(int(widths.max())), np.empty(int(widths.max()))
        # where each row's largest log is: the binomial mode floor((n + 1) r), in its window
        tops = np.clip(np.floor((n + 1) * chances).astype(np.int64) - starts, 0, widths - 1)
        shared = high - low + 1 <= int(widths.sum())  # the nodes' windows overlap: log once
        if shared:
            each = np.arange(low, high + 1, dtype=np.float64)
            # log C(n, m + 1) - log C(n, m) = log(n - m) - log(m + 1), in two arrays, in place
            ratios = np.subtract(n, each)
            with np.errstate(divide="ignore"):
                np.log(ratios, out=ratios)
            each += 1
            ratios -= np.log(each, out=each)
        every_tail = self.tail.window(low, high - low + count)  # counts low … high + count - 1
        rows = zip(starts.tolist(), widths.tolist(), odds.tolist(), tops.tolist(), strict=True)
        for i, (start, width, odd, top) in enumerate(rows):
            if start + width + count - 1 <= self.deals:  # every count short of the deals
                sums[i] = 0.0
                continue
            row = logs[:width]
            if shared:
                step = ratios[start - low : start - low + width - 1]
            else:
                m = np.arange(start, start + width - 1, dtype=np.float64)
                with np.errstate(divide="ignore"):
                    step = np.log(n - m) - np.log(m + 1)
            row[0] = 0.0
            np.cumsum(np.add(step, odd, out=added[: width - 1]), out=row[1:])
            row -= row[top]  # the mode's (unimodal: read, not searched for; ties are equal)
            # unimodal: the ends are the smallest; within e**-200 of the top, no subnormals
            likely = np.exp(row) if min(row[0], row[-1]) > -200.0 else _exp(row)
            tails = every_tail[start - low : start - low + width + count - 1]
            if width <= _DOT_WIDTH:  # S_t: count dot products of the window and shifted tails
                sums[i] = np.correlate(tails, likely, "valid") / likely.sum()
            else:
                step_size = tails.strides[0]  # the tails from m, m + 1, …: shifted views
                shifted = np.lib.stride_tricks.as_strided(
                    tails, (count, width), (step_size, step_size), writeable=False
                )
                sums[i] = np.einsum("tw,w->t", shifted, likely) / likely.sum()
        per_node = np.empty((len(chances), count))  # each chance's value at each node
        for j in range(count):
            moved = np.arange(j + 1)
            ways = np.array([math.comb(j, k) for k in range(j + 1)], dtype=np.float64)
            mix = ways * chances[:, None] ** moved * (1 - chances[:, None]) ** (j - moved)
            per_node[:, j] = (mix * sums[:, : j + 1]).sum(axis=1)
        if self._modes is not None and not (
            _quadrature_error(self._modes, per_node) <= _CHECK_TOLERANCE
        ):  # the 32-node rule may be off: the default rule from here on
            self.chances, self.weights = self._rule(self._others, None)
            self._modes = None
            return self._node_chances(n, count)
        values = []
        for j in range(count):
            value = float(weights @ per_node[:, j])
            if not math.isfinite(value):  # never pass a NaN off as a probability
                raise InvalidInputError(
                    "the chance of reaching quota could not be worked out accurately for these "
                    "measured rates; simulate instead (Funnel.simulate)"
                )
            values.append(min(max(value, 0.0), 1.0))
        return values

    def _mixed_span(self, volume: int, alpha: int, beta: int) -> tuple[float, float, float]:
        """Return the chances from `volume - 1`, `volume`, `volume + 1` units, a Beta rate first.

        The count a Beta(alpha, beta) rate passes on from n units is
        beta-binomial: its probabilities by the ratio of consecutive terms,
        in logs from the most likely count outward, scaled to add up to 1.
        One more unit passes with chance ``(alpha + m) / (alpha + beta + n)``
        after m of n did (a Pólya urn), which gives the next two chances and
        the next count's probabilities.
        """
        n = volume - 1
        if n < 0:
            return 0.0, 0.0, self._mixed_span(volume + 1, alpha, beta)[1]
        # five arrays of n numbers, each worked on in place (each new one costs the OS fresh
        # pages), in the same operations, in the same order, as written out in the comments
        each = np.arange(n + 2, dtype=np.float64)
        head = each[:n]
        first, second, third, fourth = (np.empty(n + 2) for _ in range(4))
        # log P(m + 1) - log P(m) = log((n - m)(alpha + m) / ((m + 1)(n - m - 1 + beta)))
        upper = np.subtract(n, head, out=first[:n])
        upper *= np.add(alpha, head, out=third[:n])
        under = np.subtract(n, head, out=second[:n])
        under -= 1
        under += beta
        under *= np.add(head, 1, out=third[:n])
        upper /= under
        step = np.log(upper, out=upper)
        falling = step <= 0
        top = int(np.argmax(falling)) if falling.any() else n  # the most likely count
        logs = second[: n + 1]  # log P(m) - log P(top)
        logs[top] = 0.0
        np.cumsum(step[top:], out=logs[top + 1 :])
        np.cumsum(np.negative(step[:top], out=third[:top])[::-1], out=logs[:top][::-1])
        keep = logs > -200.0  # the rest is below 1e-87: left out
        low, high = int(np.argmax(keep)), n - int(np.argmax(keep[::-1]))
        likely = np.exp(logs[low : high + 1], out=logs[low : high + 1])
        likely /= likely.sum()
        size = len(likely)
        # the tails of counts low … high + 2 are 0 below `deals`: the sums start at the first
        # count that has one (`skip` counts in), whose gain is its tail, and take the rest from
        # a view of the table
        skip = min(max(self.deals - low, 0), size + 1)
        tails = self.tail.window(low + skip, size + 2 - skip)  # counts low + skip … high + 2
        gains = np.subtract(tails[1:], tails[:-1], out=first[: size + 1 - skip])  # tau(m)
        passes = np.add(alpha, each[low : high + 1], out=third[:size])
        passes /= alpha + beta + n
        below = _dot(likely[skip:], tails[: size - skip])
        moved = np.multiply(likely, passes, out=fourth[:size])
        at = below + _dot(moved[skip:], gains[: size - skip])
        if 0 < skip <= size:  # the count just short of `deals` gains the first tail whole
            at += float(moved[skip - 1]) * float(tails[0])
        # the next count's probabilities: stays at m, or moves up from m - 1
        after = second[low : high + 2]  # over `likely`, no longer needed once moved
        np.multiply(likely, np.subtract(1, passes, out=passes), out=after[:-1])
        after[-1] = 0.0
        after[1:] += moved
        passes_next = np.add(alpha, each[low : high + 2], out=third[: size + 1])
        passes_next /= alpha + beta + n + 1
        after *= passes_next
        above = at + _dot(after[skip:], gains)
        if skip > 0:
            above += float(after[skip - 1]) * float(tails[0])
        return tuple(min(max(v, 0.0), 1.0) for v in (below, at, above))  # type: ignore[return-value]

    def rough(self, volumes: Any) -> Any:
        """Return the chance from each of `volumes` units, roughly (for the search).

        Each binomial count is taken as normal (Gauss–Hermite) and the tails
        interpolated: within about 1e-4 of the exact chance, in one call for
        every volume.
        """
        if not _HERMITE:
            _HERMITE.append(np.polynomial.hermite.hermgauss(12))
        nodes, mass = _HERMITE[0]
        n = np.asarray(volumes, dtype=np.float64)[:, None, None]
        r = self.rough_chances[:, None]
        # the binomial count of each node as normal: mean n r, sd sqrt(n r (1 - r))
        counts = n * r + np.sqrt(n) * (np.sqrt(2 * r * (1 - r)) * nodes)
        tail = self.tail
        if float(counts.max()) < tail.deals:  # too few units to win the deals at any node
            return np.zeros(len(volumes))
        tail.ensure(max(math.floor(float(counts.min())), 0), math.ceil(float(counts.max())) + 1)
        # linear interpolation in the table (counts below `deals` have tail 0)
        place = np.clip(counts - tail.start, 0.0, len(tail.table) - 1.0)
        below = np.minimum(place.astype(np.int64), len(tail.table) - 2)
        share = place - below
        values = tail.table[below] * (1 - share) + tail.table[below + 1] * share
        values = np.where(counts < tail.deals, 0.0, values)
        per_node = np.einsum("vkh,h->vk", values, mass / math.sqrt(math.pi))
        return np.einsum("vk,k->v", per_node, self.rough_weights)


def _reach(volume: int, deals: int, known: float, measured: list[tuple[int, int]]) -> float:
    """P(at least `deals` won | `volume` at a stage); see :class:`_Chance`."""
    if not measured:  # one binomial tail (no scipy for the plans people read)
        return (
            1.0 if deals <= 0 else 0.0 if volume < deals else _binomial_tail(deals, volume, known)
        )
    return _Chance(deals, known, measured)(volume)


def _unreachable(
    stage: str, deals: int, confidence: float, volume: int, chance: float, *, measured: bool
) -> str:
    hint = ", or measure the uncertain rates on more deals" if measured else ""
    return (
        f"confidence {confidence} cannot be reached from {stage!r}: no count up to "
        f"{volume:,} gives {deals:,} deals with that chance (even {volume:,} miss them "
        f"with chance {1 - chance:.3g}, more than the {1 - confidence:.3g} allowed); "
        f"lower the confidence{hint}"
    )


def _first_guess(
    deals: int, confidence: float, known: float, measured: list[tuple[int, int]]
) -> float:
    """Return the failures a first guess allows: where the search for a count starts.

    Exact rates: the negative binomial quantile.  Measured rates: the
    deals over the (1 - confidence) quantile of the overall rate, its log
    taken as normal (Beta log-moments by digamma and trigamma, plus 1 / deals
    for the count's own spread).
    """
    from scipy import special

    mean = known * math.prod(alpha / (alpha + beta) for alpha, beta in measured)
    if measured:  # the rate's own spread: log of a product of Betas, taken as normal
        # digamma and trigamma (polygamma(1, x) is zeta(2, x)) of every a and a + b at once
        shapes = np.array([[a, a + b] for a, b in measured], dtype=np.float64)
        logs, spreads = special.digamma(shapes).tolist(), special.zeta(2, shapes).tolist()
        centre = math.log(known) + sum(a - total for a, total in logs)
        spread = math.sqrt(sum(a - total for a, total in spreads) + 1 / deals)
        low_rate = math.exp(centre + spread * float(special.ndtri(1 - confidence)))
        return float(math.ceil(deals / low_rate - deals)) if low_rate > 0 else math.inf
    if mean > 1e-6:  # the negative binomial quantile, nbinom.ppf, from its inverse CDF
        failures = float(special.nbdtrik(confidence, deals, mean))
    else:  # rare wins come as a Poisson process: gamma waits (gamma.ppf)
        failures = float(special.gammaincinv(deals, confidence)) / mean
    return float(math.ceil(failures)) if math.isfinite(failures) else math.inf


def _smallest_count(
    stage: str,
    deals: int,
    confidence: float,
    known: float,
    measured: list[tuple[int, int]],
    tails: dict[tuple[int, int, int], _PassageTail] | None = None,
) -> int:
    """Find the smallest n with P(at least `deals` won | n at `stage`) >= `confidence`.

    Exact rates: from the negative binomial quantile, checked against the
    binomial tail.  Measured rates: a rough chance (:meth:`_Chance.rough`)
    evaluated on grids of volumes lands near the answer; the exact chance
    then settles it, checking ``P(n) >= confidence > P(n - 1)`` (one
    vectorised call gives both), so the count agrees with what
    :func:`attainment_probability` reports.
    """
    if deals == 0:
        return 0
    if not measured and known == 1.0:
        return deals
    chance = _Chance(deals, known, measured, tails)
    limit = _MAX_MEASURED_COUNT if measured else _MAX_COUNT
    failures = _first_guess(deals, confidence, known, measured)
    if not measured and (not math.isfinite(failures) or deals + failures > limit):
        raise InvalidInputError(
            _unreachable(stage, deals, confidence, limit, chance(limit), measured=False)
        )

    def give_up(volume: int) -> int:
        raise InvalidInputError(
            _unreachable(stage, deals, confidence, volume, chance(volume), measured=bool(measured))
        )

    guess = deals + int(min(failures, limit - deals))
    if measured and chance.direct:  # the beta-binomial tail itself: a sorted search
        tail = chance.tail
        if tail.at(limit) < confidence:  # as chance(limit), without its neighbours
            give_up(limit)
        # the tails a window at a time, the first close around the guess (the table grows
        # only as far as the answer needs), each searched at once: tails rise with the count
        low, top = max(deals, guess - guess // 8), min(max(guess + guess // 8, deals), limit)
        while True:
            if not tail.reaches(top):  # too far for a table: bisect on tails worked out alone
                low, high = deals - 1, limit
                while high - low > 1:
                    middle = (low + high) // 2
                    low, high = (low, middle) if chance(middle) >= confidence else (middle, high)
                guess = high
                break
            where = int(np.searchsorted(tail.window(low, top - low + 1), confidence))
            if where == 0 and low > deals:  # the answer is `low` or below it
                guess = deals + int(np.searchsorted(tail.window(deals, low - deals), confidence))
                break
            if where <= top - low or top >= limit:
                guess = low + where
                break
            low, top = top + 1, min(2 * top, limit)
    elif measured:
        guess = _rough_guess(chance, confidence, guess, limit, give_up)
    return _settle(chance, confidence, guess, limit, give_up)


def _rough_guess(chance: _Chance, confidence: float, guess: int, limit: int, give_up: Any) -> int:
    """Land near the smallest count the rough chance says reaches `confidence`.

    Grids of counts, each in one vectorised call: the first over a bracket
    around the guess (widened until it holds the answer), each next one
    around where the line between the two counts that bracket the answer
    crosses `confidence` (the rough chance is smooth in the volume), until
    two neighbouring counts bracket it.
    """
    deals = chance.deals
    # the guess allows for the rates' spread (within a few percent here): bracket it closely
    low = max(deals, guess * 9 // 10)
    high = min(max(guess * 9 // 8, deals + 1), limit)
    outer: tuple[int, int] | None = None  # counts known to fall short of / reach confidence
    for _ in range(200):
        volumes = np.unique(np.linspace(low, high, _GRID).round())
        values = chance.rough(volumes)
        if values[-1] < confidence:  # the answer is higher
            if outer is not None:
                low, high = int(volumes[-1]), outer[1]
            elif high >= limit:
                return limit if chance(limit) >= confidence else give_up(limit)
            else:
                low, high = high, min(2 * high, limit)
            continue
        if values[0] >= confidence:  # the answer is lower
            if outer is not None:
                low, high = outer[0], int(volumes[0])
            elif low <= deals:
                return deals
            else:
                low, high = max(deals, low // 2), low
            continue
        j = int(np.argmax(values >= confidence))
        below, above = int(volumes[j - 1]), int(volumes[j])
        if above - below <= 1:
            return above
        outer = below, above
        short, over = float(values[j - 1]) - confidence, float(values[j]) - confidence
        crossing = above - over * (above - below) / (over - short)
        half = max((above - below) / 16, 16.0)  # the line is this close to the curve, or the
        low = max(below, math.floor(crossing - half))  # next grid shows it and moves on
        high = min(above, math.ceil(crossing + half))
    return high


def _settle(chance: _Chance, confidence: float, guess: int, limit: int, give_up: Any) -> int:
    """From a guess, find the exact smallest count reaching `confidence`.

    Newton steps on the exact chance (smooth in n), each looking at the
    counts around the guess at once (two either side when one pass gives
    them all), then, if need be, a gallop to a bracket and bisection.
    """
    deals = chance.deals
    reach = 2 if chance.windowed else 1
    guess = min(max(guess, deals), limit - reach)
    for _ in range(4):
        first, values = chance.around(guess, reach)
        for j in range(1, len(values)):
            if values[j] >= confidence > values[j - 1]:
                return first + j
        if values[0] >= confidence and first <= deals:  # no fewer than `deals` can do
            return max(first, deals)
        slope = (values[-1] - values[0]) / (len(values) - 1)
        if not slope > 0:
            break
        centre = first + (len(values) - 1) // 2
        step = (confidence - values[(len(values) - 1) // 2]) / slope
        if not math.isfinite(step) or abs(step) > 1e9:
            break
        guess = min(max(centre + round(step), deals), limit - reach)
    below, at = chance(guess - 1), chance(guess)
    if at >= confidence > below:
        return guess
    if below >= confidence:  # the answer is lower
        high, step = guess - 1, 1
        low = deals - 1
        while high - 1 > low:
            probe = max(high - step, low)
            if probe == low or chance(probe) < confidence:
                low = probe
                break
            high, step = probe, 2 * step
    else:  # the answer is higher
        low, step = guess, 1
        high = min(guess + 1, limit)
        while chance(high) < confidence:
            if high >= limit:
                give_up(limit)
            low, high, step = high, min(high + 2 * step, limit), 2 * step
    while high - low > 1:
        middle = (low + high) // 2
        if chance(middle) >= confidence:
            high = middle
        else:
            low = middle
    return high


def confidence_counts(funnel: Funnel, deals: int, *, confidence: float) -> dict[str, int]:
    """Count per stage that wins `deals` deals with at least `confidence` chance.

    Each stage on its own: the smallest n with
    P(at least `deals` won | n at that stage) >= `confidence`, each unit
    converting independently.  With exact rates that is a binomial tail,
    found in closed form (negative binomial) and checked at n and n - 1
    against the binomial tail; with measured rates it is beta-binomial.
    :meth:`Funnel.plan` with ``confidence=`` calls this.

    Raises
    ------
    InvalidInputError
        If no count reaches `confidence`.

    Examples
    --------
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
    ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
    >>> confidence_counts(funnel, 3, confidence=0.9)
    {'activities': 1329, 'discos': 25, 'demos': 15, 'won': 3}
    """
    _check_deals(deals)
    counts = {}
    tails: dict[tuple[int, int, int], _PassageTail] = {}
    for stage in funnel.stages:
        known, measured = _path(funnel, stage)
        counts[stage] = _smallest_count(stage, deals, confidence, known, measured, tails)
    return counts


def attainment_probability(
    funnel: Funnel, quota: object, volume: object, *, stage: str | None = None
) -> float:
    """Return P(bookings >= `quota`) from `volume` at `stage`, deal size fixed.

    Bookings reach quota when at least ``ceil(quota / deal_size)`` deals are
    won; each unit converts independently (binomial), measured rates are
    uncertain (beta-binomial).  Exact, no simulation.
    :meth:`Funnel.attainment_probability` calls this.

    Raises
    ------
    InvalidInputError
        If `quota` is not an amount >= 0 or `volume` is not a whole number >= 0.

    Examples
    --------
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
    ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
    >>> round(attainment_probability(funnel, 250_000, 750), 4)
    0.5773
    """
    amount = parse_amount(quota, what="quota")
    count = parse_whole(volume, what="volume")
    start = funnel.stages[0] if stage is None else funnel.stages[funnel.index(stage)]
    deals = _check_deals(math.ceil(amount / funnel.deal_size))
    known, measured = _path(funnel, start)
    return _reach(count, deals, known, measured)


# -- simulation ----------------------------------------------------------------------


def _fixed(simulation: Simulation) -> bool:
    return simulation.deal_sizes is None and simulation.deal_size_cv == 0


class Simulation(TabularModel):
    """Bookings of many simulated periods: deal counts by chance, deal sizes varying.

    Made by :meth:`Funnel.simulate`.  Each draw converts `volume` at `stage`
    unit by unit (binomial; a measured rate first draws its own value from
    its Beta posterior), then gives every won deal a size: the funnel's deal
    size (``deal_size_cv=0``), a lognormal size with the funnel's mean deal
    size and coefficient of variation `deal_size_cv`, or one of
    `deal_sizes` drawn at random.

    The model holds what the draws came from, not the draws: ``bookings``
    and ``deals`` are numpy arrays, drawn once when first read.  Its JSON is
    that recipe (`seed` included), so ``model_validate_json`` gives the same
    draws back, with the same numpy version.

    Examples
    --------
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
    ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
    >>> simulation = funnel.simulate(750, draws=10_000, seed=7)
    >>> simulation
    Simulation(volume=750, stage='activities', draws=10000, seed=7, deal_size='fixed')
    >>> simulation.bookings[:4]
    array([252000., 420000., 336000., 168000.])
    >>> simulation.attainment_probability(250_000)
    0.5723
    >>> print(simulation)
    Simulation of 750 activities, 10,000 draws (seed 7)
    statistic  deals  bookings
    ---------  -----  --------
    mean           3   252,722
    5%             1    84,000
    25%            2   168,000
    median         3   252,000
    75%            4   336,000
    95%            6   504,000
    Deal size fixed at 84,000; conversions independent.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    funnel: Funnel
    volume: int = Field(ge=0, description="count entering at `stage`")
    stage: str = Field(description="where the volume enters")
    draws: int = Field(ge=1, description="how many periods are simulated")
    seed: int = Field(ge=0, description="the seed the draws come from")
    deal_size_cv: float = Field(
        default=0.0, ge=0, description="coefficient of variation of a lognormal deal size"
    )
    deal_sizes: tuple[PositiveAmount, ...] | None = Field(
        default=None, description="past deal sizes to draw from, instead of a lognormal"
    )

    @field_validator("volume", mode="before")
    @classmethod
    def _read_volume(cls, value: Any) -> int:
        return parse_whole(value, what="volume")

    @field_validator("draws", mode="before")
    @classmethod
    def _read_draws(cls, value: Any) -> int:
        return parse_whole(value, what="draws", minimum=1, maximum=MAX_DRAWS)

    @field_validator("seed", mode="before")
    @classmethod
    def _read_seed(cls, value: Any) -> int:
        if value is None:  # a fresh seed, kept so that the draws can be made again
            return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
        return parse_whole(value, what="seed", maximum=2**128)

    @field_validator("deal_size_cv", mode="before")
    @classmethod
    def _read_cv(cls, value: Any) -> float:
        cv = parse_amount(value, what="deal_size_cv")
        if cv > MAX_DEAL_SIZE_CV:
            raise LimitError(
                f"deal_size_cv must be at most {MAX_DEAL_SIZE_CV} (salesmath's limit), "
                f"got {value!r}"
            )
        return float(cv)

    @field_validator("deal_sizes", mode="before")
    @classmethod
    def _read_sizes(cls, value: Any) -> tuple[Fraction, ...] | None:
        if value is None:
            return None
        sizes = tuple(
            parse_amount(size, what=f"deal_sizes[{i}]", positive=True)
            for i, size in enumerate(parse_list(value, what="deal_sizes"))
        )
        if not sizes:
            raise ValueError(
                "deal_sizes must hold at least one past deal size, got an empty list; "
                "leave it out to use the funnel's deal size"
            )
        return sizes

    @model_validator(mode="after")
    def _check(self) -> Self:
        self.funnel.index(self.stage)
        if self.deal_sizes is not None and self.deal_size_cv != 0:
            raise ValueError(
                f"give either deal_size_cv ({self.deal_size_cv:g}) or deal_sizes, not both: "
                f"past deal sizes already vary"
            )
        return self

    @cached_property
    def _sample(self) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        rng = np.random.default_rng(self.seed)
        known, measured = _path(self.funnel, self.stage)
        if measured:
            chance = np.full(self.draws, known)
            for alpha, beta in measured:
                chance *= rng.beta(alpha, beta, self.draws)
            deals = rng.binomial(self.volume, chance)
        else:
            deals = rng.binomial(self.volume, known, self.draws)
        bookings: NDArray[np.float64]
        if _fixed(self):
            bookings = (deals * float(self.funnel.deal_size)).astype(np.float64, copy=False)
        else:
            won = int(deals.sum())
            if self.deal_sizes is not None:
                past = np.array([float(size) for size in self.deal_sizes])
                sizes = rng.choice(past, won)
            else:
                spread = math.log1p(self.deal_size_cv**2)
                middle = math.log(self.funnel.deal_size) - spread / 2
                sizes = rng.lognormal(middle, math.sqrt(spread), won)
            # Every deal's size in one array; add them up per draw.
            owner = np.repeat(np.arange(self.draws), deals)
            bookings = np.bincount(owner, weights=sizes, minlength=self.draws).astype(
                np.float64, copy=False
            )
        deals.flags.writeable = False
        bookings.flags.writeable = False
        return deals, bookings

    @property
    def deals(self) -> NDArray[np.int64]:
        """Won deals, one per draw (a read-only numpy array)."""
        return self._sample[0]

    @property
    def bookings(self) -> NDArray[np.float64]:
        """Bookings, one per draw (a read-only numpy array)."""
        return self._sample[1]

    def attainment_probability(self, quota: object) -> float:
        """Return the share of draws whose bookings reach `quota`.

        With a fixed deal size, a draw reaches quota when it wins at least
        ``ceil(quota / deal_size)`` deals, counted exactly.  The sampling
        error is about ``sqrt(p (1 - p) / draws)``.

        Examples
        --------
        >>> from salesmath import Funnel
        >>> funnel = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=84_000)
        >>> funnel.simulate(9, draws=1000, seed=1).attainment_probability(250_000)
        0.612
        """
        amount = parse_amount(quota, what="quota")
        if _fixed(self):
            reached = self.deals >= math.ceil(amount / self.funnel.deal_size)
        else:
            reached = self.bookings >= float(amount)
        return float(np.mean(reached))

    def quantile(self, q: object) -> float:
        """Return the `q` quantile of bookings (``0.1``: 90% of draws book more).

        Examples
        --------
        >>> from salesmath import Funnel
        >>> funnel = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=84_000)
        >>> funnel.simulate(9, draws=1000, seed=1).quantile(0.5)
        252000.0
        """
        share = parse_share(q, what="q (0.5: the median)")
        return float(np.quantile(self.bookings, float(share)))

    @property
    def mean(self) -> float:
        """Mean bookings over the draws."""
        return float(np.mean(self.bookings))

    def __eq__(self, other: object) -> bool:
        # The same recipe gives the same draws; compare the recipe, not the arrays.
        if not isinstance(other, Simulation):
            return NotImplemented
        return type(self) is type(other) and all(
            getattr(self, name) == getattr(other, name) for name in type(self).model_fields
        )

    def _deal_size_note(self) -> str:
        if self.deal_sizes is not None:
            return f"Deal sizes drawn from {len(self.deal_sizes):,} past deals"
        if self.deal_size_cv == 0:
            return f"Deal size fixed at {format_amount(self.funnel.deal_size)}"
        return (
            f"Deal size lognormal, mean {format_amount(self.funnel.deal_size)}, "
            f"cv {self.deal_size_cv:g}"
        )

    def table(self) -> Table:
        """Return the mean and quantiles of deals and bookings over the draws."""
        levels = (0.05, 0.25, 0.5, 0.75, 0.95)
        deals = np.quantile(self.deals, levels)  # one sort for all the quantiles
        bookings = np.quantile(self.bookings, levels)
        rows: list[tuple[str, float, float]] = [("mean", float(np.mean(self.deals)), self.mean)]
        for q, d, b in zip(levels, deals, bookings, strict=True):
            name = "median" if q == 0.5 else format_percent(q)
            rows.append((name, float(d), float(b)))
        return Table(
            title=(
                f"Simulation of {format_amount(self.volume)} {self.stage}, "
                f"{format_amount(self.draws)} draws (seed {self.seed})"
            ),
            columns=(
                Column("statistic", align="left"),
                Column("deals", lambda v: format_amount(v, places=0)),
                Column("bookings", lambda v: format_amount(v, places=0)),
            ),
            rows=rows,
            notes=[f"{self._deal_size_note()}; conversions independent."],
        )

    def plot(
        self,
        ax: Axes | None = None,
        *,
        quota: object = None,
        quantiles: Iterable[object] = (0.1, 0.5, 0.9),
        **kwargs: Any,
    ) -> Axes:
        """Draw the simulated bookings, the quota and quantiles; return the matplotlib axes (the ``plot`` extra); see :func:`salesmath.plotting.plot_simulation`."""
        from salesmath.plotting import plot_simulation

        return plot_simulation(self, ax, quota=quota, quantiles=quantiles, **kwargs)

    def __repr__(self) -> str:
        if self.deal_sizes is not None:
            sizes = f"deal_sizes={len(self.deal_sizes)} past deals"
        elif self.deal_size_cv == 0:
            sizes = "deal_size='fixed'"
        else:
            sizes = f"deal_size_cv={self.deal_size_cv:g}"
        return (
            f"Simulation(volume={self.volume}, stage={self.stage!r}, draws={self.draws}, "
            f"seed={self.seed}, {sizes})"
        )


def simulate(
    funnel: Funnel,
    volume: object,
    *,
    stage: str | None = None,
    draws: int = 100_000,
    seed: int | None = None,
    deal_size_cv: object = 0.0,
    deal_sizes: Iterable[object] | None = None,
) -> Simulation:
    """Simulate the bookings that `volume` at `stage` brings, `draws` times.

    :meth:`Funnel.simulate` calls this; see there.

    Raises
    ------
    InvalidInputError
        If an argument is out of range.

    Examples
    --------
    >>> from salesmath import Funnel
    >>> funnel = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=84_000)
    >>> simulate(funnel, 9, draws=1000, seed=1).draws
    1000
    """
    start = funnel.stages[0] if stage is None else funnel.stages[funnel.index(stage)]
    return Simulation(
        funnel=funnel,
        volume=volume,
        stage=start,
        draws=draws,
        seed=seed,
        deal_size_cv=deal_size_cv,
        deal_sizes=deal_sizes,
    )
