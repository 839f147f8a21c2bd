"""Plan the year: from a growth target to quotas, capacity and activity, month by month.

A board gives a number ("$3M this year, aim for $9M next year"; "we grew 2×,
now we need 3×").  :func:`annual_plan` turns it into what each month needs:

- the **growth path**: each month's target bookings, from the seasonality
  given, or else on the compound monthly growth rate that turns this year's
  bookings into the target (:func:`growth_rate`);
- **capacity in ramped rep equivalents** (RRE): each rep counts by tenure on
  the ramp, hires and departures by month; capacity is RRE × productivity
  (what a ramped rep books, not the quota) × a judgement factor.  This is
  the package's one seat model, :func:`salesmath.hiring.seat_shares`, shared
  with :func:`~salesmath.hiring_plan`;
- the **hires** that close the year's gap (the fewest, earliest first, as
  :func:`~salesmath.hiring_plan` plans them), or the gap a given hiring plan
  leaves, against the naive answer "scale the team with the target";
- **quotas**: the target over-assigned by a margin, what an attainment
  spread says the company should expect to book, and one ramped rep's quota
  with the activity it needs through :meth:`Funnel.plan <salesmath.Funnel.plan>`.

The parts work alone too: :func:`growth_rate` and :func:`growth_target`,
:func:`cascade` (split a total over teams or reps to the cent, exactly),
:class:`KeyResult` and :class:`Objective` (score OKRs as a plan does).

Limits
------
The horizon and the ramp are at most :data:`~salesmath.hiring.MAX_MONTHS`
(120) months; shares (ramp, attrition, seasonality) are in steps no finer
than 1/:data:`~salesmath.hiring.MAX_STEPS` (10,000); a
:class:`~salesmath.errors.LimitError` names the limit past them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import Field, computed_field, field_validator, model_validator

from salesmath._annual_parts import (
    DIGITS,
    MAX_PARTS,
    Cascade,
    Exact,
    GrowthRate,
    KeyResult,
    Objective,
    cascade,
    growth_rate,
    growth_target,
    largest_remainder,
    read_figure,
    read_months,
)
from salesmath._format import format_amount, format_exact, format_percent
from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError, LimitError, construct
from salesmath.funnel import Funnel
from salesmath.hiring import (
    MAX_MONTHS,
    check_steps,
    fewest_hires,
    hired_shares,
    read_ramp,
    seat_shares,
)
from salesmath.numbers import (
    MAX_AMOUNT,
    Amount,
    PositiveAmount,
    Share,
    parse_list,
    parse_share,
    parse_whole,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from salesmath.plans import QuotaPlan

__all__ = [
    "DIGITS",
    "MAX_PARTS",
    "AnnualPlan",
    "Cascade",
    "GrowthRate",
    "KeyResult",
    "Objective",
    "annual_plan",
    "cascade",
    "growth_rate",
    "growth_target",
    "read_figure",
]

_CENT: Final = Fraction(1, 100)


def _read_seasonality(value: object, months: int) -> tuple[Fraction, ...] | None:
    """Read seasonality: a share per month or per quarter, adding up to 1 (100%)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() == "even":
        return tuple([Fraction(1, months)] * months)
    items = parse_list(value, what="seasonality")
    if len(items) > MAX_MONTHS:
        raise LimitError(
            f"seasonality must have at most {MAX_MONTHS} shares (salesmath's limit on a plan), "
            f"got {len(items):,}"
        )
    shares = tuple(parse_share(v, what=f"seasonality[{i}]") for i, v in enumerate(items))
    if shares:
        check_steps(shares, what="seasonality", value=value)
    total = sum(shares, Fraction(0))
    if total != 1:
        raise InvalidInputError(
            f"seasonality must add up to 1 (100%), got {format_exact(total)} "
            f"({format_percent(total)}): each share is the part of the year's target booked in "
            "that month or quarter (write a twelfth as '1/12', not 8.33%)"
        )
    if len(shares) == months:
        return shares
    if 3 * len(shares) == months:  # quarters, each split evenly over its three months
        return tuple(share / 3 for share in shares for _ in range(3))
    quarters = f" or {months // 3} quarters" if months % 3 == 0 else ""
    raise InvalidInputError(
        f"seasonality must have one share per month ({months}){quarters}, got {len(shares)}"
    )


def _read_hires(value: object, months: int) -> dict[int, int] | None:
    """Read a hiring plan: {start month: hires}, or a list of hires per month from month 1."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        pairs = list(enumerate(parse_list(value, what="hires"), start=1))
    plan: dict[int, int] = {}
    for month, count in pairs:
        start = parse_whole(month, what="a hiring month", minimum=1)
        if start > months:
            raise InvalidInputError(
                f"hires in month {start} fall outside the {months}-month horizon; plan hires "
                f"in months 1 to {months}"
            )
        hires = parse_whole(count, what=f"hires in month {start}")
        if hires:
            plan[start] = plan.get(start, 0) + hires
    return dict(sorted(plan.items()))


def _hires(count: int) -> str:
    return f"{count} hire" + ("" if count == 1 else "s")


def annual_plan(
    target: object,
    *,
    start: object,
    headcount: object,
    productivity: object,
    ramp: object,
    months: object = 12,
    seasonality: object = None,
    attrition: object = 0,
    ramping: object = (),
    hires: object = None,
    max_hires_per_month: object = None,
    judgement: object = 1,
    headroom: object = 0,
    over_assignment: object = 0,
    attainment: object = None,
    funnel: Funnel | None = None,
) -> AnnualPlan:
    """Plan the year from a growth target: targets, capacity, hires, quotas, activity.

    Parameters
    ----------
    target
        Bookings to reach over the horizon, > 0 ($9M next year).
    start
        This year's bookings over a horizon as long, > 0 ($3M).  Without
        `seasonality` the months grow at the compound monthly rate that
        turns it into the target, so the target may not be below it.
    headcount
        Fully ramped reps today, a whole number >= 0.
    productivity
        What one fully ramped rep books per month, > 0 (not the quota).
    ramp
        A new rep's share of full productivity in each month since hire,
        each in [0, 1], ending at 1, no longer than the horizon.
    months
        The horizon, 1 to 120 months.
    seasonality
        The share of the year's target booked in each month (one per month)
        or quarter (one per quarter, split evenly over its months), adding
        up to 1 (or 100%); ``"even"`` for equal months.  By default the
        months follow the compound growth path.
    attrition
        Share of reps who leave per year, in [0, 1]; each month 1/12 of it
        leaves and is backfilled by a new hire who ramps anew.
    ramping
        Reps still ramping today, beside `headcount`: one whole number per
        rep, the months each has worked (0 for a rep starting in month 1).
    hires
        The hiring plan, as ``{start month: hires}`` or a list of hires per
        month from month 1.  By default the plan proposes the fewest hires
        whose capacity reaches the target, earliest first.
    max_hires_per_month
        How many reps recruiting can bring on in a month, when the plan
        proposes the hires; no limit by default.
    judgement
        A factor in (0, 1] on capacity, for what the model does not know
        (Kellogg's judgement factor); 1 by default.
    headroom
        Bookings over the horizon the current team gains by closing its
        gaps (``assess_capacity(...).headroom``), spread evenly over the
        months, before any new head.
    over_assignment
        The margin by which reps' quotas add up to more than the target, a
        share in [0, 1] (``"10%"``).
    attainment
        The attainment spread: one attainment per rep (last year's, say
        ``[1.2, 1.05, 1, 0.8, 0.6]`` or ``"120%"``), for what the company
        should expect to book on the over-assigned quotas.
    funnel
        A :class:`~salesmath.Funnel`: the activity each month's target and
        one ramped rep's quota need (:meth:`Funnel.plan`).

    Returns
    -------
    AnnualPlan
        One row per month: target, quota, ramped rep equivalents, capacity,
        gap and hires (and with a funnel, each stage's count).

    Raises
    ------
    InvalidInputError
        If the target or start is not > 0, the target is below this year's
        bookings on a growth path, the seasonality does not add up to 1 or
        has the wrong length, the ramp is longer than the horizon, a hire
        falls outside it, `judgement` is 0 or a share or count is out of
        range.
    LimitError
        If `months` or the ramp is longer than 120 months, or a share is
        finer than steps of 1/10,000.

    Examples
    --------
    The $3M → $9M story: eight reps book $31,250 a month each, a new rep
    books nothing for three months and ramps over four.

    >>> plan = annual_plan(9_000_000, start=3_000_000, headcount=8, productivity=31_250,
    ...                    ramp=[0, 0, 0, 0.25, 0.5, 0.75, 1])
    >>> print(plan.growth)
    9.587% a month: 3× in 12 months
    >>> plan.hires, plan.hires_by_month, plan.capacity
    (26, {1: 26}, Fraction(9093750, 1))
    >>> plan.naive_hires, plan.naive_capacity
    (16, Fraction(6750000, 1))
    """
    if funnel is not None and not isinstance(funnel, Funnel):
        raise InvalidInputError(
            f"funnel must be a Funnel (salesmath.Funnel(stages=..., rates=..., deal_size=...)), "
            f"got {type(funnel).__name__}"
        )
    return construct(
        AnnualPlan,
        target=target,
        start=start,
        months=months,
        seasonality=seasonality,
        headcount=headcount,
        ramping=ramping,
        productivity=productivity,
        ramp=ramp,
        attrition=attrition,
        given_hires=hires,
        max_hires_per_month=max_hires_per_month,
        judgement=judgement,
        headroom=headroom,
        over_assignment=over_assignment,
        attainment=attainment,
        funnel=funnel,
    )


class AnnualPlan(TabularModel):
    """The year month by month: target, quota, ramped reps, capacity, gap, hires.

    Made by :func:`annual_plan`.  The table's rows hold raw numbers
    (``to_frame()`` is numeric); ``gap`` is target minus capacity, so a
    negative gap is capacity to spare.

    Examples
    --------
    >>> plan = annual_plan(1_200_000, start=1_000_000, headcount=3, productivity=30_000,
    ...                    ramp=[0.5, 1], months=4, seasonality=[0.2, 0.3, 0.2, 0.3],
    ...                    hires={2: 1}, over_assignment="10%")
    >>> plan
    AnnualPlan(target=1200000, start=1000000, months=4, hires=1, capacity=435000, reachable=False)
    >>> print(plan)
    Plan for 1,200,000 in 4 months (1.2× this year's 1,000,000): capacity 435,000 with 1 hire
    month   target    quota  RRE  capacity      gap  hires
    -----  -------  -------  ---  --------  -------  -----
    1      240,000  264,000    3    90,000  150,000      0
    2      360,000  396,000  3.5   105,000  255,000      1
    3      240,000  264,000    4   120,000  120,000      0
    4      360,000  396,000    4   120,000  240,000      0
    Capacity falls 765,000 short of 1,200,000 with the hires given.
    Naive answer (scale the team with the target): 1 hire, capacity 465,000 as they ramp.
    Quotas add up to 1,320,000: 10% over the target.
    """

    target: PositiveAmount = Field(description="bookings to reach over the horizon")
    start: PositiveAmount = Field(description="this year's bookings over a horizon as long")
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS)] = Field(
        default=12, description="the horizon in months"
    )
    seasonality: tuple[Share, ...] | None = Field(
        default=None, description="share of the target per month; None for the growth path"
    )
    headcount: Annotated[int, Field(ge=0, le=MAX_AMOUNT)] = Field(
        description="fully ramped reps today"
    )
    ramping: tuple[Annotated[int, Field(ge=0)], ...] = Field(
        default=(), description="months worked by each rep still ramping"
    )
    productivity: PositiveAmount = Field(description="bookings of one ramped rep per month")
    ramp: tuple[Share, ...] = Field(
        description="share of full productivity by month since hire, ending at 1",
        max_length=MAX_MONTHS,
    )
    attrition: Share = Field(default=Fraction(0), description="share of reps leaving per year")
    given_hires: dict[int, int] | None = Field(
        default=None, description="hires by start month, given; None to plan them"
    )
    max_hires_per_month: Annotated[int, Field(ge=1, le=MAX_AMOUNT)] | None = None
    judgement: Share = Field(default=Fraction(1), description="factor on capacity, in (0, 1]")
    headroom: Amount = Field(
        default=Fraction(0), description="bookings gained by closing the team's gaps"
    )
    over_assignment: Share = Field(
        default=Fraction(0), description="margin of quotas over the target"
    )
    attainment: tuple[Amount, ...] | None = Field(
        default=None, description="attainment per rep: the spread"
    )
    funnel: Funnel | None = Field(default=None, description="the funnel behind each deal")

    # -- reading ---------------------------------------------------------------

    @model_validator(mode="before")
    @classmethod
    def _read_together(cls, data: Any) -> Any:
        """Read the fields that depend on the horizon, once it is read."""
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        months = read_months(data.get("months", 12))
        data["months"] = months
        data["seasonality"] = _read_seasonality(data.get("seasonality"), months)
        data["given_hires"] = _read_hires(data.get("given_hires"), months)
        ramp = read_ramp(data.get("ramp"))
        if len(ramp) > months:
            raise InvalidInputError(
                f"ramp is {len(ramp)} months long, longer than the {months}-month horizon: no "
                "hire reaches full productivity within the plan; plan over more months or "
                "shorten the ramp"
            )
        data["ramp"] = ramp
        return data

    @field_validator("headcount", mode="before")
    @classmethod
    def _read_headcount(cls, value: Any) -> int:
        return parse_whole(value, what="headcount")

    @field_validator("ramping", mode="before")
    @classmethod
    def _read_ramping(cls, value: Any) -> tuple[int, ...]:
        items = parse_list(value, what="ramping")
        # a tenure past the ramp is a ramped rep: any tenure costs the same work
        return tuple(parse_whole(v, what=f"ramping[{i}]") for i, v in enumerate(items))

    @field_validator("attrition", mode="before")
    @classmethod
    def _read_attrition(cls, value: Any) -> Fraction:
        share = parse_share(value, what="attrition")
        check_steps((share,), what="attrition", value=value)
        return share

    @field_validator("judgement", mode="before")
    @classmethod
    def _read_judgement(cls, value: Any) -> Fraction:
        share = parse_share(value, what="judgement")
        if share == 0:
            raise InvalidInputError(
                "judgement must be in (0, 1], got 0: it scales capacity; 1 trusts the model, "
                "0.9 takes 10% off"
            )
        return share

    @field_validator("over_assignment", mode="before")
    @classmethod
    def _read_over(cls, value: Any) -> Fraction:
        return parse_share(value, what="over_assignment")

    @field_validator("max_hires_per_month", mode="before")
    @classmethod
    def _read_max_hires(cls, value: Any) -> int | None:
        return None if value is None else parse_whole(value, what="max_hires_per_month", minimum=1)

    @field_validator("attainment", mode="before")
    @classmethod
    def _read_attainment(cls, value: Any) -> tuple[Fraction, ...] | None:
        if value is None:
            return None
        items = parse_list(value, what="attainment")
        if not items:
            raise InvalidInputError(
                "attainment must have at least one rep's attainment, such as [1.2, 1, 0.8]"
            )
        return tuple(read_figure(v, what=f"attainment[{i}]") for i, v in enumerate(items))

    @model_validator(mode="after")
    def _check_growth(self) -> AnnualPlan:
        if self.seasonality is None and self.target < self.start:
            raise InvalidInputError(
                f"target {format_amount(self.target)} is below this year's "
                f"{format_amount(self.start)}: the growth path needs a target at or above it; "
                "give seasonality (or 'even') to plan a year that shrinks"
            )
        return self

    # -- the growth path -----------------------------------------------------

    @property
    def growth(self) -> GrowthRate | None:
        """The compound monthly growth rate from this year's bookings to the target.

        None when the target is below this year's bookings (a year planned by
        its seasonality).
        """
        if self.target < self.start:
            return None
        return GrowthRate(start=self.start, target=self.target, months=self.months)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def monthly_growth(self) -> float | None:
        """The compound monthly growth rate from this year to the target, as a float.

        :attr:`growth` holds it exactly, as its equation and a 10**-20 bracket.
        """
        growth = self.growth
        return None if growth is None else growth.rate

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def targets(self) -> list[Amount]:
        """Each month's target bookings, adding up to the target exactly.

        By seasonality: ``target × share``.  On the growth path, month ``k``
        in proportion to ``(1 + r)**k`` (``r`` the growth rate, taken at
        its 20-decimal lower bound), to the cent by largest remainder when
        the target is a whole number of cents.
        """
        if self.seasonality is not None:
            return [self.target * share for share in self.seasonality]
        growth = self.growth
        assert growth is not None  # the validator refuses a target below the start
        step = 1 + growth.low
        weights = [step**k for k in range(1, self.months + 1)]
        unit = _CENT if (self.target / _CENT).denominator == 1 else None
        return largest_remainder(self.target, weights, unit)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def quota(self) -> Amount:
        """Reps' quotas added up: the target over-assigned by the margin."""
        return self.target * (1 + self.over_assignment)

    @property
    def quotas(self) -> list[Fraction]:
        """Each month's quota: its target over-assigned by the margin."""
        return [target * (1 + self.over_assignment) for target in self.targets]

    # -- capacity -------------------------------------------------------------

    def _seat(self, tenure: int) -> list[Fraction]:
        return seat_shares(self.ramp, attrition=self.attrition, months=self.months, tenure=tenure)

    @cached_property
    def _new_seat(self) -> list[Fraction]:
        return self._seat(0)

    @cached_property
    def _team_rre(self) -> list[Fraction]:
        """Ramped rep equivalents of today's team (ramped and ramping), by month."""
        ramped = self._seat(len(self.ramp))
        rre = [self.headcount * share for share in ramped]
        # reps of the same tenure share a seat's shares: at most one pass per tenure
        for tenure, count in Counter(min(t, len(self.ramp)) for t in self.ramping).items():
            rre = [a + count * b for a, b in zip(rre, self._seat(tenure), strict=True)]
        return rre

    @property
    def _per_rre(self) -> Fraction:
        """What one ramped rep equivalent books per month, judgement applied."""
        return self.productivity * self.judgement

    @cached_property
    def _hire_value(self) -> list[Fraction]:
        """Capacity one hire starting in month 1, 2, ... adds by the end of the horizon."""
        totals, running = [], Fraction(0)
        for share in self._new_seat:
            running += share
            totals.append(running * self._per_rre)
        return totals[::-1]

    @cached_property
    def _team_capacity(self) -> Fraction:
        return sum(self._team_rre, Fraction(0)) * self._per_rre + self.headroom

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def hires_by_month(self) -> dict[int, int]:
        """Hires by start month: the given plan, or the fewest that reach the target."""
        if self.given_hires is not None:
            return self.given_hires
        remaining = self.target - self._team_capacity
        return fewest_hires(remaining, self._hire_value, self.max_hires_per_month)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def planned(self) -> bool:
        """Whether the plan proposed the hires (rather than being given them)."""
        return self.given_hires is None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hires(self) -> int:
        """All hires in the plan."""
        return sum(self.hires_by_month.values())

    def _rre(self, hires_by_month: Mapping[int, int]) -> list[Fraction]:
        hired = hired_shares(self._new_seat, dict(hires_by_month), self.months)
        return [a + b for a, b in zip(self._team_rre, hired, strict=True)]

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def rre(self) -> list[Amount]:
        """Ramped rep equivalents by month: each rep's share of full productivity, added up."""
        return self._rre(self.hires_by_month)

    def _capacity(self, rre: list[Fraction]) -> list[Fraction]:
        extra = self.headroom / self.months
        return [r * self._per_rre + extra for r in rre]

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def capacities(self) -> list[Amount]:
        """Expected bookings by month: RRE × productivity × judgement (+ headroom / months)."""
        return self._capacity(self.rre)

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def capacity(self) -> Amount:
        """Expected bookings over the horizon."""
        return sum(self.capacities, Fraction(0))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def gaps(self) -> list[Exact]:
        """Target minus capacity, by month: positive short, negative to spare."""
        return [t - c for t, c in zip(self.targets, self.capacities, strict=True)]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reachable(self) -> bool:
        """Whether capacity over the horizon reaches the target."""
        return self.capacity >= self.target

    @computed_field  # type: ignore[prop-decorator]
    @property
    def shortfall(self) -> Amount:
        """How far capacity stays below the target (0 when reachable)."""
        return max(self.target - self.capacity, Fraction(0))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def naive_hires(self) -> int | None:
        """Hires of the naive answer: scale the team with the target (3× sales, 3× reps).

        Today's reps (ramped and ramping) times ``target / start``, rounded
        up, less today's reps.  None when there is no team to scale.
        """
        reps = self.headcount + len(self.ramping)
        if reps == 0:
            return None
        return max(math.ceil(reps * self.target / self.start) - reps, 0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def naive_capacity(self) -> Amount | None:
        """Capacity of the naive hires, all starting in month 1, as they ramp."""
        if self.naive_hires is None:
            return None
        return sum(self._capacity(self._rre({1: self.naive_hires})), Fraction(0))

    # -- quotas and attainment -------------------------------------------------

    @computed_field  # type: ignore[prop-decorator]
    @property
    def expected_attainment(self) -> Amount | None:
        """The mean attainment of the spread; None without one."""
        if self.attainment is None:
            return None
        return sum(self.attainment, Fraction(0)) / len(self.attainment)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share_at_quota(self) -> Share | None:
        """The share of reps at or above 100% in the spread; None without one."""
        if self.attainment is None:
            return None
        return Fraction(sum(a >= 1 for a in self.attainment), len(self.attainment))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def expected_bookings(self) -> Amount | None:
        """What the company should expect to book: quota × the spread's mean attainment."""
        mean = self.expected_attainment
        return None if mean is None else self.quota * mean

    @computed_field  # type: ignore[prop-decorator]
    @property
    def needed_margin(self) -> Amount | None:
        """The least over-assignment whose quotas, at the spread's mean, book the target.

        ``1 / mean attainment - 1`` (0 when reps attain 100% on average);
        None without a spread, or when nobody attains anything.
        """
        mean = self.expected_attainment
        if not mean:
            return None
        return max(1 / mean - 1, Fraction(0))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rep_quota(self) -> Amount | None:
        """One fully ramped rep's quota over the horizon: quota per RRE-month × months.

        Rounded to the nearest cent (attrition compounds into exact numbers
        too long to plan with).
        A ramping rep's quota is this times their ramp share, month by month.
        None when the plan has no capacity at all.
        """
        rre_months = sum(self.rre, Fraction(0))
        if not rre_months:
            return None
        exact = self.quota / rre_months * self.months
        return Fraction(math.floor(exact * 100 + Fraction(1, 2)), 100)  # to the nearest cent

    def rep_plan(self) -> QuotaPlan | None:
        """Return the funnel plan of one ramped rep's quota (:meth:`Funnel.plan`).

        None without a funnel or a quota.
        """
        if self.funnel is None or self.rep_quota is None:
            return None
        return self.funnel.plan(self.rep_quota)

    def quota_cascade(self, weights: object, *, method: str = "weights") -> Cascade:
        """Split the year's quota (the over-assigned target) over teams or reps, to the cent.

        See :func:`cascade`; with ramped rep equivalents as weights, a ramping
        rep's quota follows the ramp.  With the plan's funnel, the table
        shows the activity each part needs.
        """
        total = self.quota
        unit = _CENT if (total / _CENT).denominator == 1 else None
        return cascade(total, weights, method=method, unit=unit, funnel=self.funnel)

    # -- reading ---------------------------------------------------------------

    def _sentences(self) -> list[str]:
        sentences = []
        growth = self.growth
        if growth is not None and self.seasonality is None:
            sentences.append(
                f"Growing {format_amount(self.start)} to {format_amount(self.target)} "
                f"({format_amount(growth.multiple)}×) takes {growth.format()} a month, "
                "compounded; each month's target follows that path."
            )
        if self.planned:
            when = ", ".join(f"month {m}: {n}" for m, n in self.hires_by_month.items())
            if self.hires:
                sentences.append(
                    f"Hire {self.hires} rep{'' if self.hires == 1 else 's'} ({when}) for "
                    "capacity of "
                    f"{format_amount(self.capacity)}."
                )
            else:
                sentences.append("No hires needed.")
        if not self.reachable:
            given = "with the hires given" if not self.planned else f"within {self.months} months"
            sentences.append(
                f"Capacity falls {format_amount(self.shortfall)} short of "
                f"{format_amount(self.target)} {given}."
            )
        if self.naive_hires is not None and self.naive_capacity is not None:
            sentences.append(
                f"Naive answer (scale the team with the target): {_hires(self.naive_hires)}, "
                f"capacity {format_amount(self.naive_capacity)} as they ramp."
            )
        if self.over_assignment:
            sentences.append(
                f"Quotas add up to {format_amount(self.quota)}: "
                f"{format_percent(self.over_assignment)} over the target."
            )
        if self.expected_bookings is not None and self.share_at_quota is not None:
            covers = self.expected_bookings >= self.target
            needed = self.needed_margin
            fix = (
                ""
                if covers or needed is None
                else f"; over-assign by at least {format_percent(needed)} to cover it"
            )
            sentences.append(
                f"At the attainment spread given ({format_percent(self.share_at_quota)} of reps at "
                f"or above quota, {format_percent(self.expected_attainment)} on average), quotas "
                f"of {format_amount(self.quota)} book {format_amount(self.expected_bookings)}, "
                f"{'covering' if covers else 'short of'} the target{fix}."
            )
        plan = self.rep_plan()
        if plan is not None:
            counts = ", ".join(
                f"{format_amount(count)} {stage}" for stage, count in plan.counts.items()
            )
            sentences.append(
                f"A ramped rep's quota of {format_amount(self.rep_quota)} needs {counts}."
            )
        return sentences

    def summary(self) -> str:
        """Say in one paragraph what the year needs.

        Examples
        --------
        >>> plan = annual_plan(9_000_000, start=3_000_000, headcount=8, productivity=31_250,
        ...                    ramp=[0, 0, 0, 0.25, 0.5, 0.75, 1])
        >>> print(plan.summary())
        Growing 3,000,000 to 9,000,000 (3×) takes 9.587% a month, compounded; each month's target follows that path. Hire 26 reps (month 1: 26) for capacity of 9,093,750. Naive answer (scale the team with the target): 16 hires, capacity 6,750,000 as they ramp.
        """
        return " ".join(self._sentences())

    def table(self) -> Table:
        """Return one row per month: target, quota, RRE, capacity, gap, hires (and activity)."""
        stages: list[str] = [] if self.funnel is None else list(self.funnel.stages)
        rows = []
        for month in range(1, self.months + 1):
            k = month - 1
            row: list[Any] = [
                month,
                self.targets[k],
                self.quotas[k],
                self.rre[k],
                self.capacities[k],
                self.gaps[k],
                self.hires_by_month.get(month, 0),
            ]
            if self.funnel is not None:
                row += list(self.funnel.plan(self.targets[k]).counts.values())
            rows.append(tuple(row))
        hires = _hires(self.hires)
        notes = [s for s in self._sentences() if not s.startswith(("Hire ", "No hires"))]
        return Table(
            title=(
                f"Plan for {format_amount(self.target)} in {self.months} months "
                f"({format_amount(self.target / self.start)}× this year's "
                f"{format_amount(self.start)}): capacity {format_amount(self.capacity)} with "
                f"{hires}"
            ),
            columns=(
                Column("month", str, align="left"),
                Column("target", format_amount),
                Column("quota", format_amount),
                Column("RRE", format_amount),
                Column("capacity", format_amount),
                Column("gap", format_amount),
                Column("hires"),
                *(Column(stage, format_amount) for stage in stages),
            ),
            rows=rows,
            notes=notes,
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw capacity by month against each month's target; return the matplotlib axes.

        Draws on `ax` when given, else on a new figure; `kwargs` go to the main
        drawing call.  Needs the ``plot`` extra.  See :func:`salesmath.plotting.plot_annual_plan`.
        """
        from salesmath.plotting import plot_annual_plan

        return plot_annual_plan(self, ax, **kwargs)

    def __repr__(self) -> str:
        return (
            f"AnnualPlan(target={format_exact(self.target)}, start={format_exact(self.start)}, "
            f"months={self.months}, hires={self.hires}, "
            f"capacity={format_exact(self.capacity)}, reachable={self.reachable})"
        )
