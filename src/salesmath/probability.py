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
    """Gauss–Jacobi nodes in (0, 1) and weights (adding up to 1) for Beta(alpha, beta).

    Golub–Welsch: the nodes are the eigenvalues of the Jacobi polynomials'
    tridiagonal recurrence matrix, the weights the squared first components
    of its eigenvectors.  ``scipy.special.roots_jacobi`` scales the weights
    by the total mass, a ratio of gamma functions that overflows for rates
    measured on thousands of deals (NaN); normalised weights never need it,
    so this stays exact (the same rule, degree < 2n) at any sample size.
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
    return (1 + roots) / 2, weights / weights.sum()


def _nodes(measured: list[tuple[int, int]]) -> tuple[Any, Any]:
    """Gauss–Jacobi nodes and weights for the product of Beta-distributed rates.

    Returns the product of one node per rate at every grid point, and the
    grid point's weight (the weights add up to 1).  Exact for polynomials of
    degree < 2 × nodes in each rate.
    """
    per_rate = {1: 64, 2: 32}.get(len(measured), 12)
    values, weights = np.ones(1), np.ones(1)
    for alpha, beta in measured:
        roots, mass = _jacobi(per_rate, alpha, beta)
        values = np.multiply.outer(values, roots).ravel()
        weights = np.multiply.outer(weights, mass).ravel()
    return values, weights


def _binomial_pmf(counts: Any, trials: int, chances: Any) -> Any:
    """Binomial probabilities of `counts` (0 outside 0..trials), in logs, scipy.special only."""
    from scipy import special

    k = np.clip(counts, 0, trials).astype(np.float64)
    log_p = (
        special.gammaln(trials + 1.0)
        - special.gammaln(k + 1)
        - special.gammaln(trials - k + 1)
        + special.xlogy(k, chances)
        + special.xlog1py(trials - k, -chances)
    )
    return np.where((counts >= 0) & (counts <= trials), np.exp(log_p), 0.0)


def _short(trials: Any, deals: int, alpha: int, beta: int) -> Any:
    """P(fewer than `deals` of each of `trials` convert), the rate Beta(alpha, beta).

    Beta-binomial probabilities of 0, 1, ..., deals - 1, by the ratio of
    consecutive terms, in logs so that nothing underflows on the way.
    """
    from scipy import special

    m = trials.astype(float)
    log_p = special.betaln(alpha, m + beta) - special.betaln(alpha, beta)
    total = np.exp(log_p)
    for y in range(deals - 1):
        alive = m - y > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.log((m - y) * (y + alpha)) - np.log((y + 1) * (m - y - 1 + beta))
        log_p = np.where(alive, log_p + ratio, -np.inf)
        total += np.exp(log_p)
    return np.minimum(total, 1.0)


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


def _reach(volume: int, deals: int, known: float, measured: list[tuple[int, int]]) -> float:
    """P(at least `deals` won | `volume` at a stage).

    Exact rates only: the binomial tail.  One measured rate: the count after
    the exact rates is binomial, each count then converts beta-binomially, so
    the sum over counts is exact (the tails left out hold far less than float
    resolution).  Several measured rates: the one measured on fewest trials
    is kept exact that way; the others are integrated by Gauss–Jacobi
    quadrature over their Beta posteriors.
    """
    if deals <= 0:
        return 1.0
    if volume < deals:
        return 0.0
    if not measured:
        return _binomial_tail(deals, volume, known)
    keep = min(range(len(measured)), key=lambda i: sum(measured[i]))
    alpha, beta = measured[keep]
    values, weights = _nodes([rate for i, rate in enumerate(measured) if i != keep])
    chances = known * values
    # Counts after the exact rates: Binomial(volume, chance) per node, cut at 12 sd.
    spread = math.ceil(12 * math.sqrt(volume * float(np.max(chances))) + 40)
    if 2 * spread >= volume:
        counts = np.arange(volume + 1)[None, :]
    else:
        centres = np.round(volume * chances).astype(np.int64)
        counts = centres[:, None] + np.arange(-spread, spread + 1)[None, :]
    likely = _binomial_pmf(counts, volume, chances[:, None])
    # P(at least `deals` of m convert at the kept rate), for every m once.
    low = max(int(counts.min()), 0)
    high = min(int(counts.max()), volume)
    each = np.arange(low, high + 1)
    enough = 1.0 - _short(each, deals, alpha, beta)
    inside = np.clip(counts, low, high) - low
    chance = float(weights @ (likely * enough[inside]).sum(axis=1))
    if not math.isfinite(chance):  # never pass a NaN off as a probability
        raise InvalidInputError(
            "the chance of reaching quota could not be worked out accurately for these "
            "measured rates; simulate instead (Funnel.simulate)"
        )
    return min(max(chance, 0.0), 1.0)


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


def _smallest_count(
    stage: str, deals: int, confidence: float, known: float, measured: list[tuple[int, int]]
) -> int:
    """Find the smallest n with P(at least `deals` won | n at `stage`) >= `confidence`."""
    from scipy import special

    if deals == 0:
        return 0
    if not measured and known == 1.0:
        return deals

    def enough(volume: int) -> bool:
        return _reach(volume, deals, known, measured) >= confidence

    # Closed form: n - deals failures before the deals-th success (negative binomial);
    # with measured rates, at their mean, as a first guess.
    limit = _MAX_MEASURED_COUNT if measured else _MAX_COUNT
    mean = known * math.prod(alpha / (alpha + beta) for alpha, beta in measured)
    if mean > 1e-6:  # the negative binomial quantile, nbinom.ppf, from its inverse CDF
        failures = float(special.nbdtrik(confidence, deals, mean))
    else:  # rare wins come as a Poisson process: gamma waits (gamma.ppf)
        failures = float(special.gammaincinv(deals, confidence)) / mean
    failures = float(math.ceil(failures)) if math.isfinite(failures) else math.inf
    if not measured and (not math.isfinite(failures) or deals + failures > limit):
        chance = _reach(limit, deals, known, measured)
        raise InvalidInputError(
            _unreachable(stage, deals, confidence, limit, chance, measured=False)
        )
    guess = deals + int(min(failures, limit - deals))
    # Settle on the count binom.sf (or the beta-binomial) says, checking neighbours.
    if enough(guess):
        low, high, step = guess - 1, guess, 1
        while low >= deals and enough(low):
            high, low, step = low, max(low - step, deals - 1), 2 * step
    else:
        low, high, step = guess, guess + 1, 1
        while not enough(high):
            if high >= limit:
                chance = _reach(high, deals, known, measured)
                raise InvalidInputError(
                    _unreachable(stage, deals, confidence, high, chance, measured=bool(measured))
                )
            low, high, step = high, min(high + 2 * step, limit), 2 * step
    while high - low > 1:
        middle = (low + high) // 2
        if enough(middle):
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
    for stage in funnel.stages:
        known, measured = _path(funnel, stage)
        counts[stage] = _smallest_count(stage, deals, confidence, known, measured)
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
