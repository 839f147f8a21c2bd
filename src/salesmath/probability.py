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
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError
from salesmath.rates import PositiveAmount, format_amount, parse_amount, parse_rate

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from salesmath.funnel import Funnel

__all__ = [
    "Observed",
    "Simulation",
    "attainment_probability",
    "confidence_counts",
    "format_probability",
    "parse_confidence",
    "simulate",
]

_OBSERVED_RE: Final = re.compile(r"\s*(\d+)\s+of\s+(\d+)\s*", re.IGNORECASE)
_MAX_COUNT: Final = 2**53
"""Counts beyond this are not exact in floating point; no confidence plan goes further."""
_MAX_MEASURED_COUNT: Final = 10**8
"""The largest count a confidence plan tries when rates are measured (uncertain)."""


def _whole(value: object, *, what: str) -> int:
    """Read a whole number >= 0 (an int, or an amount that is whole)."""
    if isinstance(value, bool):
        raise InvalidInputError(f"{what} must be a whole number >= 0, got {value!r}")
    amount = parse_amount(value, what=what)
    if amount.denominator != 1:
        raise InvalidInputError(
            f"{what} must be a whole number >= 0 for a probability, got {value!r}; "
            f"round it to a whole count first"
        )
    return amount.numerator


def _check_observed(successes: object, trials: object) -> tuple[int, int]:
    if isinstance(successes, bool) or not isinstance(successes, int):
        raise ValueError(f"successes must be a whole number, got {successes!r}")
    if isinstance(trials, bool) or not isinstance(trials, int):
        raise ValueError(f"trials must be a whole number, got {trials!r}")
    if trials < 1:
        raise ValueError(f"trials must be at least 1, got {trials!r}")
    if not 0 <= successes <= trials:
        raise ValueError(
            f"successes must be between 0 and trials ({trials}), got {successes!r}: "
            f"{successes} of {trials} cannot happen — write the wins first, '3 of 9'"
        )
    return successes, trials


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

    model_config = ConfigDict(frozen=True, extra="forbid")

    successes: int = Field(ge=0, description="how many converted")
    trials: int = Field(ge=1, description="how many were tried")

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
            match = _OBSERVED_RE.fullmatch(data)
            if match is None:
                raise ValueError(
                    f"an observed rate reads 'successes of trials', '3 of 9'; got {data!r}"
                )
            return {"successes": int(match[1]), "trials": int(match[2])}
        if isinstance(data, Mapping):
            _check_observed(data.get("successes"), data.get("trials"))
        return data

    @property
    def rate(self) -> Fraction:
        """The observed rate, ``successes / trials``, exactly."""
        return Fraction(self.successes, self.trials)

    @property
    def posterior(self) -> tuple[int, int]:
        """The Beta posterior's parameters under a uniform prior: ``(s + 1, t - s + 1)``."""
        return self.successes + 1, self.trials - self.successes + 1

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
    if isinstance(value, str) and (match := _OBSERVED_RE.fullmatch(value)):
        try:
            successes, trials = _check_observed(int(match[1]), int(match[2]))
        except ValueError as exc:
            raise InvalidInputError(f"{what} {value!r}: {exc}") from None
        return Observed(successes, trials)
    return None


def observed_rate(observed: Observed, *, what: str = "rate") -> Fraction:
    """Return the rate a funnel plans with for a measured rate: successes / trials.

    Raises
    ------
    InvalidInputError
        If nothing converted: a rate of 0 plans nothing.

    Examples
    --------
    >>> observed_rate(Observed(3, 9))
    Fraction(1, 3)
    """
    if observed.successes == 0:
        raise InvalidInputError(
            f"{what} measured as {observed} is 0, and a funnel needs every rate > 0; "
            f"wait for a first conversion or give an assumed rate such as '1 in 20'"
        )
    return observed.rate


def parse_confidence(value: object) -> float:
    """Read a confidence: a probability strictly between 0 and 1.

    Accepts what a rate accepts (``0.9``, ``"90%"``, ``Fraction(9, 10)``),
    but not 1: no plan is certain.

    Raises
    ------
    InvalidInputError
        If `value` is not a number in (0, 1), is NaN, or is a bool.

    Examples
    --------
    >>> parse_confidence("90%"), parse_confidence(0.95)
    (0.9, 0.95)
    >>> parse_confidence(1)
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: confidence must be a probability strictly between 0 and 1, such as 0.9 or "90%", got 1 — no count makes a plan certain; use 0.99 for near certainty
    """
    rule = 'confidence must be a probability strictly between 0 and 1, such as 0.9 or "90%"'
    try:
        rate = parse_rate(value, what="confidence")
    except InvalidInputError:
        raise InvalidInputError(f"{rule}, got {value!r}") from None
    chance = float(rate)
    if chance >= 1.0:
        raise InvalidInputError(
            f"{rule}, got {value!r} — no count makes a plan certain; use 0.99 for near certainty"
        )
    if chance <= 0.0:
        raise InvalidInputError(f"{rule}, got {value!r}")
    return chance


def format_probability(chance: float) -> str:
    """Write a probability for people, as a percentage that never rounds to a certainty.

    Examples
    --------
    >>> format_probability(0.5772589511395901), format_probability(1.0)
    ('57.7%', '100%')
    >>> format_probability(0.99996), format_probability(0.00001)
    ('> 99.9%', '< 0.1%')
    """
    if chance >= 1.0:
        return "100%"
    if chance <= 0.0:
        return "0%"
    if chance >= 0.9995:
        return "> 99.9%"
    if chance < 0.0005:
        return "< 0.1%"
    return f"{chance:.1%}"


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


def _nodes(measured: list[tuple[int, int]]) -> tuple[Any, Any]:
    """Gauss–Jacobi nodes and weights for the product of Beta-distributed rates.

    Returns the product of one node per rate at every grid point, and the
    grid point's weight (the weights add up to 1).  Exact for polynomials of
    degree < 2 × nodes in each rate.
    """
    from scipy import special

    per_rate = {1: 64, 2: 32}.get(len(measured), 12)
    values, weights = np.ones(1), np.ones(1)
    for alpha, beta in measured:
        roots, mass = special.roots_jacobi(per_rate, beta - 1, alpha - 1)
        values = np.multiply.outer(values, (1 + roots) / 2).ravel()
        weights = np.multiply.outer(weights, mass / mass.sum()).ravel()
    return values, weights


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


def _reach(volume: int, deals: int, known: float, measured: list[tuple[int, int]]) -> float:
    """P(at least `deals` won | `volume` at a stage).

    Exact rates only: ``scipy.stats.binom.sf``.  One measured rate: the
    count after the exact rates is binomial, each count then converts
    beta-binomially, so the sum over counts is exact (the tails left out hold
    far less than float resolution).  Several measured rates: the one
    measured on fewest trials is kept exact that way; the others are
    integrated by Gauss–Jacobi quadrature over their Beta posteriors.
    """
    from scipy import stats

    if deals <= 0:
        return 1.0
    if volume < deals:
        return 0.0
    if not measured:
        return float(stats.binom.sf(deals - 1, volume, known))
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
    likely = stats.binom.pmf(counts, volume, chances[:, None])  # 0 outside 0..volume
    # P(at least `deals` of m convert at the kept rate), for every m once.
    low = max(int(counts.min()), 0)
    high = min(int(counts.max()), volume)
    each = np.arange(low, high + 1)
    enough = 1.0 - _short(each, deals, alpha, beta)
    inside = np.clip(counts, low, high) - low
    chance = float(weights @ (likely * enough[inside]).sum(axis=1))
    return min(max(chance, 0.0), 1.0)


def _unreachable(
    stage: str, deals: int, confidence: float, volume: int, chance: float, *, measured: bool
) -> str:
    hint = ", or measure the uncertain rates on more deals" if measured else ""
    return (
        f"confidence {confidence} cannot be reached from {stage!r}: no count up to "
        f"{volume:,} gives {deals} deals with that chance (even {volume:,} miss them "
        f"with chance {1 - chance:.3g}, more than the {1 - confidence:.3g} allowed); "
        f"lower the confidence{hint}"
    )


def _smallest_count(
    stage: str, deals: int, confidence: float, known: float, measured: list[tuple[int, int]]
) -> int:
    """Find the smallest n with P(at least `deals` won | n at `stage`) >= `confidence`."""
    from scipy import stats

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
    if mean > 1e-6:
        failures = float(stats.nbinom.ppf(confidence, deals, mean))
    else:  # nbinom.ppf is slow here; rare wins come as a Poisson process (gamma waits)
        failures = float(stats.gamma.ppf(confidence, deals)) / mean
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
    found in closed form (negative binomial) and checked against
    ``scipy.stats.binom.sf``; with measured rates it is beta-binomial.
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
    count = _whole(volume, what="volume")
    start = funnel.stages[0] if stage is None else funnel.stages[funnel.index(stage)]
    deals = math.ceil(amount / funnel.deal_size)
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

    model_config = ConfigDict(frozen=True, extra="forbid")

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

    @field_validator("volume", "draws", "seed", mode="before")
    @classmethod
    def _no_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"must be a whole number, got {value!r}")
        return value

    @model_validator(mode="after")
    def _check(self) -> Self:
        self.funnel.index(self.stage)
        if self.deal_sizes is not None and self.deal_size_cv != 0:
            raise ValueError(
                "give either deal_size_cv or deal_sizes, not both: past deal sizes already vary"
            )
        if self.deal_sizes is not None and len(self.deal_sizes) == 0:
            raise ValueError("deal_sizes must hold at least one past deal size, got none")
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
        if isinstance(q, bool) or not isinstance(q, int | float | Fraction) or not 0 <= q <= 1:
            raise InvalidInputError(f"q must be a number from 0 to 1 (0.5: the median), got {q!r}")
        return float(np.quantile(self.bookings, float(q)))

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
        rows: list[tuple[str, float, float]] = [("mean", float(np.mean(self.deals)), self.mean)]
        for name, q in (("5%", 0.05), ("25%", 0.25), ("median", 0.5), ("75%", 0.75), ("95%", 0.95)):
            rows.append((name, float(np.quantile(self.deals, q)), self.quantile(q)))
        return Table(
            title=(
                f"Simulation of {format_amount(self.volume)} {self.stage}, "
                f"{format_amount(self.draws)} draws (seed {self.seed})"
            ),
            columns=(
                Column("statistic", align="left"),
                Column("deals", lambda v: f"{v:,.0f}"),
                Column("bookings", lambda v: f"{v:,.0f}"),
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
    count = _whole(volume, what="volume")
    start = funnel.stages[0] if stage is None else funnel.stages[funnel.index(stage)]
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise InvalidInputError(f"draws must be a whole number >= 1, got {draws!r}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    elif isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInputError(f"seed must be a whole number >= 0 or None, got {seed!r}")
    cv = float(parse_amount(deal_size_cv, what="deal_size_cv"))
    sizes: tuple[Fraction, ...] | None = None
    if deal_sizes is not None:
        if isinstance(deal_sizes, str | bytes) or not isinstance(deal_sizes, Iterable):
            raise InvalidInputError(
                f"deal_sizes must be a list of past deal sizes, got {deal_sizes!r}"
            )
        sizes = tuple(
            parse_amount(size, what=f"deal_sizes[{i}]", positive=True)
            for i, size in enumerate(deal_sizes)
        )
        if not sizes:
            raise InvalidInputError(
                "deal_sizes must hold at least one past deal size, got an empty list; "
                "leave it out to use the funnel's deal size"
            )
        if cv != 0:
            raise InvalidInputError(
                f"give either deal_size_cv ({cv:g}) or deal_sizes, not both: "
                f"past deal sizes already vary"
            )
    return Simulation(
        funnel=funnel,
        volume=count,
        stage=start,
        draws=draws,
        seed=seed,
        deal_size_cv=cv,
        deal_sizes=sizes,
    )
