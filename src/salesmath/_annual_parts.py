"""The parts of a year's plan: growth rates, cascades, key results.

Re-exported by :mod:`salesmath.annual`; see it for the whole plan.

- :func:`growth_rate` pins the compound monthly growth rate that turns this
  year's bookings into the target, the root of ``(1 + r)**months =
  target / start``, between two exact decimals 10**-20 apart;
  :func:`growth_target` is the other way round.
- :func:`cascade` splits a total over teams or reps by weight, to the cent,
  by largest remainder: the parts add up to the total exactly.
- :class:`KeyResult` scores a key result both ways an OKR plan does
  (attainment against the target, progress from a baseline) and
  :class:`Objective` rolls key results up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from salesmath._format import NONE, format_amount, format_exact, format_percent
from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError, LimitError, UnknownNameError, construct
from salesmath.funnel import Funnel
from salesmath.hiring import MAX_MONTHS
from salesmath.numbers import (
    FIGURE,
    Amount,
    PositiveAmount,
    figure_from_parts,
    parse_amount,
    parse_choice,
    parse_figure,
    parse_list,
    parse_name,
    parse_share,
    parse_whole,
    to_json_number,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from salesmath.plans import QuotaPlan

__all__ = [
    "DIGITS",
    "MAX_PARTS",
    "Cascade",
    "Exact",
    "GrowthRate",
    "KeyResult",
    "Objective",
    "cascade",
    "growth_rate",
    "growth_target",
    "read_figure",
]

MAX_PARTS: Final = 100_000
"""The most teams or reps one :func:`cascade` splits a total over."""

DIGITS: Final = 20
"""How many decimals of a growth rate :class:`GrowthRate` pins: its bracket is 10**-20 wide."""

MONTHS_LIMIT: Final = "salesmath's limit on a plan, ten years"

CENT: Final = Fraction(1, 100)

Exact = Annotated[
    Fraction,
    PlainSerializer(to_json_number, return_type=int | float | str, when_used="json"),
]
"""A signed exact number in results (a progress, a gap), written to JSON as an amount is."""


def read_months(value: object) -> int:
    """Read a horizon in months: a whole number from 1 to 120 (``MAX_MONTHS``)."""
    return parse_whole(value, what="months", minimum=1, maximum=MAX_MONTHS, limit=MONTHS_LIMIT)


# -- figures as plans write them: "$2.2M", "5.4%", "75k" (read by salesmath.numbers) ----------

_FIGURE_RE: Final = re.compile(FIGURE, re.IGNORECASE)
_FROM_TO_RE: Final = re.compile(rf"\bfrom\s+{FIGURE}\s+to\s+{FIGURE}", re.IGNORECASE)
read_figure = parse_figure
"""The reader of figures, :func:`salesmath.numbers.parse_figure`, under its first name."""


# -- growth ----------------------------------------------------------------------------------


def _iroot(n: int, k: int) -> int:
    """Return the integer k-th root of n >= 0, rounded down (Newton's method on integers)."""
    if n < 2:
        return n
    x = 1 << -(-n.bit_length() // k)  # above the root
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


class GrowthRate(BaseModel):
    """The compound monthly growth rate that turns `start` into `target` in `months`.

    The rate ``r`` is the root of ``(1 + r)**months = target / start``,
    irrational in general (3× in 12 months is ``3**(1/12) - 1``), so it is
    held as that equation and pinned between two exact decimals,
    :attr:`low` <= r < :attr:`high`, ``10**-20`` apart.  Made by
    :func:`growth_rate`.

    Examples
    --------
    >>> rate = growth_rate(3_000_000, 9_000_000)
    >>> rate
    GrowthRate(start=3000000, target=9000000, months=12, rate='9.587%')
    >>> print(rate)
    9.587% a month: 3× in 12 months
    >>> rate.format(6), float(rate)
    ('9.587269%', 0.09587269...)
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    start: PositiveAmount = Field(description="this year's bookings (or run rate)")
    target: PositiveAmount = Field(description="the bookings to grow to")
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS)] = Field(
        default=12, description="months to grow in"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def multiple(self) -> Amount:
        """``target / start``, exactly: 3 for $3M → $9M."""
        return self.target / self.start

    @cached_property
    def _bracket(self) -> tuple[Fraction, Fraction]:
        multiple = self.multiple
        scale = 10**DIGITS
        root = _iroot(multiple.numerator * scale**self.months // multiple.denominator, self.months)
        return Fraction(root, scale) - 1, Fraction(root + 1, scale) - 1

    @property
    def low(self) -> Fraction:
        """The largest 20-decimal number at or below the rate: ``(1 + low)**months <= multiple``."""
        return self._bracket[0]

    @property
    def high(self) -> Fraction:
        """``low + 10**-20``, above the rate: ``(1 + high)**months > multiple``."""
        return self._bracket[1]

    @property
    def exact(self) -> bool:
        """Whether :attr:`low` is the rate itself (2.25× in 2 months is exactly 50%)."""
        return (1 + self.low) ** self.months == self.multiple

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rate(self) -> float:
        """The rate as the nearest float (within 10**-20 of the root, far below a float's step)."""
        return float(self.low)

    def __float__(self) -> float:
        return self.rate

    def format(self, places: int = 3) -> str:
        """Write the rate as a percentage with `places` decimals, rounded to the nearest.

        The bracket is narrower than the rounding step for `places` up to
        16; a root within 10**-20 of a rounding tie rounds by :attr:`low`.
        """
        places = parse_whole(places, what="places", maximum=16)
        scaled = self.low * 100 * 10**places
        rounded = math.floor(scaled + Fraction(1, 2))
        sign = "-" if rounded < 0 else ""
        whole, part = divmod(abs(rounded), 10**places)
        digits = f".{part:0{places}d}" if places else ""
        return f"{sign}{whole:,}{digits}%"

    def __str__(self) -> str:
        return f"{self.format()} a month: {format_amount(self.multiple)}× in {self.months} months"

    def __repr__(self) -> str:
        return (
            f"GrowthRate(start={format_exact(self.start)}, target={format_exact(self.target)}, "
            f"months={self.months}, rate={self.format()!r})"
        )


def growth_rate(start: object, target: object, months: object = 12) -> GrowthRate:
    """Return the compound monthly growth rate that turns `start` into `target`.

    Parameters
    ----------
    start
        This year's bookings, or run rate, > 0.
    target
        The bookings to grow to, at least `start` (a plan of growth).
    months
        How many months to grow in, from 1 to 120.

    Returns
    -------
    GrowthRate
        The root of ``(1 + r)**months = target / start``, pinned between two
        exact decimals 10**-20 apart.

    Raises
    ------
    InvalidInputError
        If `start` or `target` is not > 0, `target` is below `start`, or
        `months` is not a whole number >= 1.
    LimitError
        If `months` is above 120.

    Examples
    --------
    "We grew 2× from 2020 to 2021, now we need 3× for 2022" (a 2022 OKR plan):

    >>> print(growth_rate(1, 2)), print(growth_rate(1, 3))
    5.946% a month: 2× in 12 months
    9.587% a month: 3× in 12 months
    (None, None)
    >>> growth_rate(3_000_000, 2_000_000)
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: target 2,000,000 is below this year's 3,000,000: a growth rate needs a target at or above it
    """
    rate = construct(GrowthRate, start=start, target=target, months=read_months(months))
    if rate.target < rate.start:
        raise InvalidInputError(
            f"target {format_amount(rate.target)} is below this year's "
            f"{format_amount(rate.start)}: a growth rate needs a target at or above it"
        )
    return rate


def growth_target(start: object, rate: object, months: object = 12) -> Fraction:
    """Return what `start` grows to at a compound monthly `rate`, exactly.

    Examples
    --------
    >>> growth_target(2_300_000, "5%", 2)
    Fraction(2535750, 1)
    """
    base = parse_amount(start, what="start", positive=True)
    growth = parse_share(rate, what="rate")
    return base * (1 + growth) ** read_months(months)


# -- cascading -------------------------------------------------------------------------------


def largest_remainder(
    total: Fraction, weights: list[Fraction], unit: Fraction | None
) -> list[Fraction]:
    """Split `total` in proportion to `weights` (>= 0, not all 0) in whole units.

    Each part is first rounded down to a whole number of units; the units
    left over go one each to the largest remainders (ties to the first
    listed), so the parts add up to `total` exactly, a zero weight gets 0,
    and no part is negative.  `total` must be a whole number of units;
    with ``unit=None`` the parts are exact fractions.

    Examples
    --------
    >>> largest_remainder(Fraction(100), [Fraction(1)] * 3, Fraction(1, 100))
    [Fraction(1667, 50), Fraction(3333, 100), Fraction(3333, 100)]
    """
    weight = sum(weights, Fraction(0))
    if unit is None:
        return [total * w / weight for w in weights]
    units = total / unit
    exact = [units * w / weight for w in weights]
    parts = [math.floor(e) for e in exact]
    left = int(units) - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:left]:
        parts[i] += 1
    return [part * unit for part in parts]


Method = Literal["weights", "even", "bottom_up"]
METHODS: Final = ("weights", "even", "bottom_up")


class Cascade(TabularModel):
    """A total split over teams or reps, adding up to the total exactly.  Made by :func:`cascade`.

    Examples
    --------
    >>> split = cascade(1_000_000, {"ana": 425_000, "bo": 400_000, "cy": 397_000})
    >>> split["ana"], sum(split.amounts.values())
    (Fraction(34779051, 100), Fraction(1000000, 1))
    >>> print(split)
    Cascade of 1,000,000 by weight to the cent
    name   weight  share      amount
    ----  -------  -----  ----------
    ana   425,000  34.8%  347,790.51
    bo    400,000  32.7%  327,332.24
    cy    397,000  32.5%  324,877.25
    """

    total: Amount = Field(description="the total to split")
    names: tuple[str, ...] = Field(description="who gets a part, in order")
    weights: tuple[Amount, ...] = Field(description="each part's weight (bottom-up numbers)")
    method: Method = Field(default="weights", description="weights, even or bottom_up")
    unit: Amount | None = Field(
        default=CENT, description="the smallest part (a cent); None for exact fractions"
    )
    funnel: Funnel | None = Field(
        default=None, description="the funnel each part's activity is planned with"
    )

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def amounts(self) -> dict[str, Amount]:
        """Each name's part: adds up to the total exactly, none negative."""
        weights = list(self.weights)
        if self.method == "even":
            weights = [Fraction(1)] * len(weights)
        parts = largest_remainder(self.total, weights, self.unit)
        return dict(zip(self.names, parts, strict=True))

    def __getitem__(self, name: str) -> Fraction:
        try:
            return self.amounts[name]
        except KeyError:
            raise UnknownNameError(name, self.names, "name") from None

    def plans(self) -> dict[str, QuotaPlan]:
        """Return each name's funnel plan: the activity its part needs (:meth:`Funnel.plan`).

        Raises
        ------
        InvalidInputError
            If the cascade has no funnel.

        Examples
        --------
        >>> from salesmath import Funnel
        >>> model = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=25_000)
        >>> split = cascade(300_000, {"ana": 2, "bo": 1}, funnel=model)
        >>> {name: plan.counts for name, plan in split.plans().items()}
        {'ana': {'demos': 24, 'won': 8}, 'bo': {'demos': 12, 'won': 4}}
        """
        if self.funnel is None:
            raise InvalidInputError(
                "this cascade has no funnel: pass funnel= to cascade() to plan each part's activity"
            )
        funnel = self.funnel
        return {name: funnel.plan(amount) for name, amount in self.amounts.items()}

    def table(self) -> Table:
        """Return one row per name: its weight (or bottom-up number), share and amount.

        With a funnel, each stage's count for that amount follows.
        """
        weight = sum(self.weights, Fraction(0))
        unit = "exactly" if self.unit is None else f"to {format_exact(self.unit)}"
        if self.unit == CENT:
            unit = "to the cent"
        rows: list[tuple[Any, ...]]
        columns: tuple[Column, ...]
        if self.method == "bottom_up":
            rows = [
                (name, w, self.amounts[name], self.amounts[name] - w)
                for name, w in zip(self.names, self.weights, strict=True)
            ]
            columns = (
                Column("name", str, align="left"),
                Column("bottom-up", format_amount),
                Column("quota", format_amount),
                Column("difference", format_amount),
            )
            notes = [
                f"Bottom-up numbers add up to {format_amount(weight)}, "
                f"{format_amount(self.total - weight)} short of the top-down total."
                if weight < self.total
                else f"Bottom-up numbers add up to {format_amount(weight)}, "
                f"{format_amount(weight - self.total)} above the top-down total."
            ]
            title = f"Cascade of {format_amount(self.total)} reconciled with bottom-up numbers"
        else:
            count = len(self.names)
            rows = [
                (name, w, Fraction(1, count) if self.method == "even" else w / weight, amount)
                for (name, amount), w in zip(self.amounts.items(), self.weights, strict=True)
            ]
            columns = (
                Column("name", str, align="left"),
                Column("weight", format_amount),
                Column("share", format_percent),
                Column("amount", format_amount),
            )
            notes = []
            title = f"Cascade of {format_amount(self.total)} {'evenly' if self.method == 'even' else 'by weight'}"
        if self.funnel is not None:
            plans = self.plans()
            stages = list(self.funnel.stages)
            columns = (*columns, *[Column(stage, format_amount) for stage in stages])
            rows = [
                (*row, *plans[name].counts.values())
                for row, name in zip(rows, self.names, strict=True)
            ]
        return Table(title=f"{title} {unit}", columns=columns, rows=rows, notes=notes)

    def summary(self) -> str:
        """Say in one paragraph how the total is split.

        Examples
        --------
        >>> print(cascade(100, ["a", "b", "c"], method="even").summary())
        100 split evenly over 3 to the cent: from 33.33 (b) to 33.34 (a); the parts add up to 100 exactly.
        """
        table = self.table()
        low = min(self.amounts, key=lambda n: (self.amounts[n], n))
        high = max(self.amounts, key=lambda n: (self.amounts[n], n))
        how = {
            "weights": "by weight",
            "even": "evenly",
            "bottom_up": "in proportion to the bottom-up numbers",
        }[self.method]
        exactly = "" if self.unit is None else f" in steps of {format_exact(self.unit)}"
        if self.unit == CENT:
            exactly = " to the cent"
        sentence = (
            f"{format_amount(self.total)} split {how} over {len(self.names)}{exactly}: from "
            f"{format_amount(self.amounts[low])} ({low}) to {format_amount(self.amounts[high])} "
            f"({high}); the parts add up to {format_amount(self.total)} exactly."
        )
        return " ".join([sentence, *table.notes])

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw each part's amount; return the matplotlib axes.

        Draws on `ax` when given, else on a new figure; `kwargs` go to the main
        drawing call.  Needs the ``plot`` extra.  See :func:`salesmath.plotting.plot_cascade`.
        """
        from salesmath.plotting import plot_cascade

        return plot_cascade(self, ax, **kwargs)

    def __repr__(self) -> str:
        return (
            f"Cascade(total={format_exact(self.total)}, method={self.method!r}, "
            f"parts={len(self.names)})"
        )


def cascade(
    total: object,
    weights: object,
    *,
    method: str = "weights",
    unit: object = "0.01",
    funnel: Funnel | None = None,
) -> Cascade:
    """Split a total over teams or reps, conserving it exactly (largest remainder).

    Parameters
    ----------
    total
        The amount to split, >= 0: a company target, a team's quota.  A
        whole number of units.
    weights
        A mapping of name to weight >= 0 (prior bookings, territory
        potential, ramped rep equivalents), not all 0; or a list of weights
        (named 1, 2, ...); or, with ``method="even"``, a list of names.
    method
        ``"weights"`` (default): in proportion to the weights.  ``"even"``:
        equal parts.  ``"bottom_up"``: the weights are the reps' own
        (bottom-up) numbers; the top-down total is split in their proportion
        and the table shows each difference.
    unit
        The smallest part, a cent by default; ``None`` for exact fractions.
    funnel
        A :class:`~salesmath.Funnel`: the table then shows the activity each
        part needs, and :meth:`Cascade.plans` gives each part's plan.

    Returns
    -------
    Cascade
        Each name's part; the parts add up to `total` exactly.  Split a
        team's part again to cascade further: ``cascade(teams["East"], reps)``.

    Raises
    ------
    InvalidInputError
        If `total` or a weight is negative, the weights are all zero, a
        name repeats, `method` is unknown, or `total` is not a whole number
        of units.
    LimitError
        If there are more than :data:`MAX_PARTS` (100,000) names.

    Examples
    --------
    >>> teams = cascade(9_000_000, {"East": 2, "West": 1})
    >>> teams.amounts
    {'East': Fraction(6000000, 1), 'West': Fraction(3000000, 1)}
    >>> cascade(1_000, {"a": 0, "b": 0})
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: weights are all zero: give at least one a weight > 0, or split evenly with method='even'
    """
    if funnel is not None and not isinstance(funnel, Funnel):
        raise InvalidInputError(
            f"funnel must be a Funnel (salesmath.Funnel(stages=..., rates=..., deal_size=...)), "
            f"got {type(funnel).__name__}"
        )
    how = parse_choice(method, METHODS, what="method")
    amount = parse_amount(total, what="total")
    step = None if unit is None else parse_amount(unit, what="unit", positive=True)
    if isinstance(weights, Mapping):
        items = list(weights.items())
    else:
        values = parse_list(weights, what="weights")
        items = (
            [(v, 1) for v in values]
            if how == "even" and all(isinstance(v, str) for v in values)
            else [(str(i), v) for i, v in enumerate(values, start=1)]
        )
    if not items:
        raise InvalidInputError("weights must name at least one team or rep, got none")
    if len(items) > MAX_PARTS:
        raise LimitError(
            f"weights must have at most {MAX_PARTS:,} teams or reps (salesmath's limit on a "
            f"cascade), got {len(items):,}; cascade to teams first, then each team to its reps"
        )
    names = [parse_name(str(name), what="name") for name, _ in items]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise InvalidInputError(f"names must be unique, got {twice!r} twice")
    read = tuple(
        parse_amount(w, what=f"weight of {name!r}")
        for name, (_, w) in zip(names, items, strict=True)
    )
    if how != "even" and not any(read):
        raise InvalidInputError(
            "weights are all zero: give at least one a weight > 0, or split evenly with "
            "method='even'"
        )
    if step is not None and (amount / step).denominator != 1:
        raise InvalidInputError(
            f"total {format_exact(amount)} is not a whole number of units of "
            f"{format_exact(step)}: round it, or pass unit=None for exact parts"
        )
    return Cascade.trusted(
        total=amount, names=tuple(names), weights=read, method=how, unit=step, funnel=funnel
    )


# -- OKRs -------------------------------------------------------------------------------------


_SCORES: Final = frozenset({"attainment", "progress", "score"})


class KeyResult(BaseModel):
    """A key result scored both ways an OKR plan scores one.

    - :attr:`attainment`: ``actual / target``; "200 pre-screened qualified
      leads", 240 added: 120%.
    - :attr:`progress`: ``(actual - baseline) / (target - baseline)``, the
      share of the way from the baseline; "monthly revenue from $2.2M to
      $3.0M", at $2.32M: 15%.

    :attr:`score` is progress when there is a baseline, else attainment.

    Examples
    --------
    >>> leads = KeyResult(name="pre-screened qualified leads", target=200, actual=240)
    >>> leads.attainment, leads.progress, format_percent(leads.score)
    (Fraction(6, 5), None, '120%')
    >>> revenue = KeyResult.from_text("Increase monthly revenue from $2.2M to $3.0M USD",
    ...                               actual="$2.32M")
    >>> revenue.baseline, revenue.target, format_percent(revenue.progress)
    (Fraction(2200000, 1), Fraction(3000000, 1), '15%')
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str = Field(default="", description="what the key result measures")
    target: PositiveAmount = Field(description="the value to reach")
    actual: Amount | None = Field(default=None, description="the value reached, when known")
    baseline: Amount | None = Field(default=None, description="the value at the start")
    percent: bool = Field(
        default=False, description="whether the figures are percentages (a margin, a rate)"
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_scores(cls, data: Any) -> Any:
        """Leave out the scores a key result's JSON carries: they are worked out anew."""
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if k not in _SCORES}
        return data

    @field_validator("target", "actual", "baseline", mode="before")
    @classmethod
    def _read_figures(cls, value: Any, info: ValidationInfo) -> Any:
        """Read figures as a plan writes them: ``"5.4%"``, ``"$2.2M"``."""
        if value is None or isinstance(value, Fraction):
            return value
        return read_figure(value, what=info.field_name or "figure")

    def model_post_init(self, context: Any, /) -> None:
        """Refuse a baseline equal to the target: progress from it would divide by zero."""
        if self.baseline is not None and self.baseline == self.target:
            raise InvalidInputError(
                f"baseline {format_amount(self.baseline)} equals the target: progress from it "
                "has no length; leave the baseline out to score attainment"
            )

    @classmethod
    def from_text(cls, text: object, *, actual: object = None, name: object = None) -> KeyResult:
        """Read a key result as a plan writes it.

        ``"from A to B"`` reads a baseline A and a target B (``"Increase
        monthly revenue from $2.2M to $3.0M USD"``); otherwise the first
        figure is the target (``"200 pre-screened qualified leads"``,
        ``"Achieve 7% avg gross margin"``).  Figures may be percentages or
        carry ``$`` and ``k``/``M``/``B`` (see :func:`read_figure`).

        Examples
        --------
        >>> margin = KeyResult.from_text("Achieve 7% avg gross margin", actual="5.4%")
        >>> margin.target, format_percent(margin.attainment)
        (Fraction(7, 100), '77.1%')
        """
        if not isinstance(text, str) or len(text) > 1_000:
            raise InvalidInputError(
                f"a key result's text must be a sentence of at most 1,000 characters, got {text!r}"[
                    :300
                ]
            )
        label = text.strip() if name is None else parse_name(name, what="name")
        baseline: Fraction | None = None
        if match := _FROM_TO_RE.search(text):
            baseline = figure_from_parts(match[1], match[2], what="baseline", value=text)
            target = figure_from_parts(match[3], match[4], what="target", value=text)
            percent = match[4] == "%"
        elif match := _FIGURE_RE.search(text):
            target = figure_from_parts(match[1], match[2], what="target", value=text)
            percent = match[2] == "%"
        else:
            raise InvalidInputError(
                f"no target figure in key result {text!r}: write one, such as "
                '"200 qualified leads" or "from $2.2M to $3.0M"'
            )
        read = None if actual is None else read_figure(actual, what="actual")
        return construct(
            cls, name=label, target=target, actual=read, baseline=baseline, percent=percent
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def attainment(self) -> Amount | None:
        """``actual / target``; None until there is an actual."""
        return None if self.actual is None else self.actual / self.target

    @computed_field  # type: ignore[prop-decorator]
    @property
    def progress(self) -> Exact | None:
        """``(actual - baseline) / (target - baseline)``; None without both."""
        if self.actual is None or self.baseline is None:
            return None
        return (self.actual - self.baseline) / (self.target - self.baseline)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> Exact | None:
        """Progress when there is a baseline, else attainment."""
        return self.attainment if self.baseline is None else self.progress

    def __repr__(self) -> str:
        score = NONE if self.score is None else format_percent(self.score)
        return f"KeyResult(name={self.name!r}, target={format_exact(self.target)}, score={score!r})"


class Objective(TabularModel):
    """An objective and its key results; its score is the mean of theirs.

    Examples
    --------
    >>> growth = Objective(name="Rockstar Revenue Growth", key_results=[
    ...     KeyResult.from_text("200 pre-screened qualified leads", actual=240),
    ...     KeyResult.from_text("Increase monthly revenue from $2.2M to $3.0M USD",
    ...                         actual="$2.32M"),
    ...     KeyResult.from_text("Achieve 7% avg gross margin", actual="5.4%"),
    ... ])
    >>> print(growth)
    Rockstar Revenue Growth: 70.7%
    key result                                         baseline     target     actual  attainment  progress  score
    ------------------------------------------------  ---------  ---------  ---------  ----------  --------  -----
    200 pre-screened qualified leads                          —        200        240        120%         —   120%
    Increase monthly revenue from $2.2M to $3.0M USD  2,200,000  3,000,000  2,320,000       77.3%       15%    15%
    Achieve 7% avg gross margin                               —         7%       5.4%       77.1%         —  77.1%
    The objective scores the mean of its key results' scores (progress where there is a baseline, else attainment); 3 of 3 scored.
    """

    name: str = Field(description="the objective")
    key_results: tuple[KeyResult, ...] = Field(min_length=1, description="its key results")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> Exact | None:
        """The mean score of the key results that have one; None if none has."""
        scores = [kr.score for kr in self.key_results if kr.score is not None]
        return sum(scores, Fraction(0)) / len(scores) if scores else None

    def table(self) -> Table:
        """Return one row per key result: baseline, target, actual and its scores."""
        scored = sum(kr.score is not None for kr in self.key_results)
        score = NONE if self.score is None else format_percent(self.score)
        figures = {
            (i, j): format_percent
            for i, kr in enumerate(self.key_results)
            if kr.percent
            for j in (1, 2, 3)
        }
        return Table(
            title=f"{self.name}: {score}",
            cell_formats=figures,
            columns=(
                Column("key result", str, align="left"),
                Column("baseline", format_amount),
                Column("target", format_amount),
                Column("actual", format_amount),
                Column("attainment", format_percent),
                Column("progress", format_percent),
                Column("score", format_percent),
            ),
            rows=[
                (kr.name, kr.baseline, kr.target, kr.actual, kr.attainment, kr.progress, kr.score)
                for kr in self.key_results
            ],
            notes=[
                "The objective scores the mean of its key results' scores (progress where "
                f"there is a baseline, else attainment); {scored} of {len(self.key_results)} "
                "scored."
            ],
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw one bar per key result, its score against 100%, and the objective's score.

        See :func:`salesmath.plotting.plot_objective`; needs the ``plot``
        extra (matplotlib).

        Parameters
        ----------
        ax
            The axes to draw on; a new figure when None.
        **kwargs
            Passed to :meth:`~matplotlib.axes.Axes.barh`.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on, the first key result on top.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> margin = Objective(name="Margin", key_results=[
        ...     KeyResult.from_text("Achieve 7% avg gross margin", actual="5.4%")])
        >>> ax = margin.plot()
        >>> [text.get_text() for text in ax.texts], ax.get_title()
        (['77.1% attainment'], 'Margin: 77.1% (1 of 1 key results scored)')
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from salesmath.plotting import plot_objective

        return plot_objective(self, ax, **kwargs)

    def __repr__(self) -> str:
        score = NONE if self.score is None else format_percent(self.score)
        return (
            f"Objective(name={self.name!r}, key_results={len(self.key_results)}, score={score!r})"
        )
