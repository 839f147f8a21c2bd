"""Hiring plans: how many reps to hire, and when, to reach a bookings target.

:func:`hiring_plan` works in expected values, month by month: every seat
books ``productivity`` times its occupant's share of full productivity (the
`ramp`), a share of reps leaves each month and is backfilled by a new hire
who ramps from the start, and a new hire starting in month ``s`` books only
in months ``s`` to the end of the horizon.  It proposes the fewest hires that
reach the target, set against the naive answer "triple the target, triple
the team", which forgets that new reps ramp.

The seat model (ramp, attrition, tenure) is :func:`seat_shares`, the
package's one: the year's plan (:func:`salesmath.annual.annual_plan`)
counts ramped rep equivalents with it too.

Limits
------
The plan is exact, so its work and the size of its numbers grow with the
horizon and with the precision of the shares it compounds month by month.
So that no input can stall a process or make a result too large to write
out, :class:`~salesmath.errors.LimitError` is raised past these limits:

- the horizon (`months`) and the ramp are each at most :data:`MAX_MONTHS`
  (120, ten years) months long.  A ramp longer than the horizon is fine: a
  hire books the ramp's first months only;
- the ramp's shares have a common denominator of at most :data:`MAX_STEPS`
  (10,000), and so has `attrition`: shares in steps of 0.01%, or thirds,
  twelfths and the like, not arbitrary fractions.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import Field, computed_field, field_validator

from salesmath._format import format_amount, format_exact
from salesmath._table import Column, Table, TabularModel
from salesmath.capacity import CapacityReport
from salesmath.errors import InvalidInputError, LimitError, construct
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

__all__ = [
    "MAX_MONTHS",
    "MAX_STEPS",
    "HiringPlan",
    "check_steps",
    "fewest_hires",
    "hired_shares",
    "hiring_plan",
    "read_ramp",
    "seat_shares",
]

MAX_MONTHS: Final = 120
"""The longest horizon, and the longest ramp, a hiring plan takes: ten years."""

MAX_STEPS: Final = 10_000
"""The largest common denominator of a ramp's shares, and of attrition: steps of 0.01%."""

_LIMIT: Final = "salesmath's limit on a hiring plan, ten years"


def check_steps(shares: tuple[Fraction, ...], *, what: str, value: object) -> None:
    """Refuse shares finer than :data:`MAX_STEPS` allows (their common denominator).

    Raises
    ------
    LimitError
        If the shares' common denominator is above :data:`MAX_STEPS`.
    """
    if math.lcm(*(share.denominator for share in shares)) > MAX_STEPS:
        raise LimitError(
            f"{what} must have a common denominator of at most {MAX_STEPS:,} (whole or "
            f"two-decimal percentages, or thirds and twelfths; salesmath's limit on a hiring "
            f"plan), got {value!r}"[:300]
        )


def read_ramp(value: object) -> tuple[Fraction, ...]:
    """Read a ramp: shares of full productivity by month since hire, ending at 1.

    Raises
    ------
    InvalidInputError
        If `value` is not a list of shares in [0, 1] ending at 1.
    LimitError
        If it is longer than :data:`MAX_MONTHS` or finer than 1/:data:`MAX_STEPS`.

    Examples
    --------
    >>> read_ramp([0, "50%", 1])
    (Fraction(0, 1), Fraction(1, 2), Fraction(1, 1))
    """
    try:
        items = parse_list(value, what="ramp")
    except LimitError:
        raise
    except InvalidInputError:
        raise InvalidInputError(
            "ramp must be a list of shares of full productivity by month since hire, "
            f"such as [0, 0.25, 0.5, 0.75, 1], got {value!r}"[:300]
        ) from None
    if len(items) > MAX_MONTHS:
        raise LimitError(
            f"ramp must be at most {MAX_MONTHS} months long ({_LIMIT}), got {len(items):,} months"
        )
    ramp = tuple(parse_share(v, what=f"ramp[{i}]") for i, v in enumerate(items))
    if ramp:
        check_steps(ramp, what="ramp", value=value)
    if not ramp or ramp[-1] != 1:
        raise InvalidInputError(
            f"ramp must end at full productivity (1), got {[format_exact(r) for r in ramp]} — "
            "append 1 for the first fully productive month"
        )
    return ramp


def seat_shares(
    ramp: tuple[Fraction, ...], *, attrition: Fraction, months: int, tenure: int
) -> list[Fraction]:
    """Return one seat's expected share of full productivity in each month of the horizon.

    The package's one ramp and attrition model, used by :class:`HiringPlan`
    and by :func:`salesmath.annual.annual_plan`.  The seat's occupant has
    worked `tenure` months when the horizon starts (0 for a hire starting in
    its first month, ``len(ramp)`` or more for a fully ramped rep).  Each
    month a share ``p = attrition / 12`` of occupants leave and are
    backfilled at once by a new hire who ramps from the start.

    The arguments are already read (``ramp`` ends at 1, each share in
    [0, 1], ``months`` within :data:`MAX_MONTHS`).

    Notes
    -----
    In month ``j`` (from 0) the first occupant is still there with
    probability ``(1 - p)**j`` and books ``share(tenure + j)``; a
    replacement hired ``k + 1`` months ago is there with probability
    ``p (1 - p)**k`` and books ``share(k)``; so the output is
    ``(1 - p)**j × share(tenure + j)`` plus the sum over ``k < j`` of
    ``p (1 - p)**k × share(k)``, worked out in one pass.  ``share(i)`` is
    ``ramp[i]``, or 1 past the ramp.

    Examples
    --------
    >>> ramp = (Fraction(0), Fraction(1, 2), Fraction(1))
    >>> seat_shares(ramp, attrition=Fraction(0), months=4, tenure=0)
    [Fraction(0, 1), Fraction(1, 2), Fraction(1, 1), Fraction(1, 1)]
    >>> seat_shares(ramp, attrition=Fraction(0), months=3, tenure=1)
    [Fraction(1, 2), Fraction(1, 1), Fraction(1, 1)]
    """
    leave = attrition / 12
    keep = 1 - leave
    full = len(ramp)
    shares = (*ramp, Fraction(1))
    output = []
    stay = Fraction(1)  # (1 - p)**j
    replaced = Fraction(0)  # the replacements' output in month j
    for j in range(months):
        output.append(stay * shares[min(tenure + j, full)] + replaced)
        if leave:
            replaced += leave * stay * shares[min(j, full)]
            stay *= keep
    return output


def fewest_hires(
    remaining: Fraction, hire_value: list[Fraction], max_per_month: int | None
) -> dict[int, int]:
    """Return the fewest hires by start month whose value covers `remaining`.

    `hire_value[m - 1]` is what one hire starting in month ``m`` adds; it
    falls month by month, so the earliest months are filled first, up to
    `max_per_month` each.  When `remaining` cannot be covered, the hires
    that come closest.

    Examples
    --------
    >>> fewest_hires(Fraction(1000), [Fraction(300), Fraction(200)], 2)
    {1: 2, 2: 2}
    """
    plan: dict[int, int] = {}
    for month, value in enumerate(hire_value, start=1):
        if remaining <= 0 or value == 0:
            break
        needed = math.ceil(remaining / value)
        take = needed if max_per_month is None else min(needed, max_per_month)
        plan[month] = take
        remaining -= take * value
    return plan


def hired_shares(
    seat: list[Fraction], hires_by_month: dict[int, int], months: int
) -> list[Fraction]:
    """Return the hires' ramped rep equivalents by month: hires by start month ⊛ one seat.

    `seat` is a new seat's shares for each month of the horizon (``months``
    of them, from :func:`seat_shares` with ``tenure=0``).

    Worked out in whole numbers over the seat's common denominator.

    Examples
    --------
    >>> hired_shares([Fraction(1, 2), Fraction(1), Fraction(1)], {1: 2, 2: 1}, 3)
    [Fraction(1, 1), Fraction(5, 2), Fraction(3, 1)]
    """
    denominator = math.lcm(*(share.denominator for share in seat)) if seat else 1
    scaled = [s.numerator * (denominator // s.denominator) for s in seat]
    hired = [0] * months
    for start, count in hires_by_month.items():
        for k, share in enumerate(scaled[: months - start + 1]):
            hired[start - 1 + k] += count * share
    return [Fraction(total, denominator) for total in hired]


def hiring_plan(
    target: object,
    *,
    headcount: object,
    productivity: object,
    ramp: object,
    attrition: object = 0.0,
    months: object = 12,
    max_hires_per_month: object = None,
    capacity: CapacityReport | None = None,
) -> HiringPlan:
    """Plan the fewest hires that reach a bookings target within the horizon.

    Parameters
    ----------
    target
        Bookings to reach over the horizon, > 0 ($9M next year).
    headcount
        Fully productive reps on the team today, a whole number >= 0.
    productivity
        Bookings of one fully productive rep per month, > 0.
    ramp
        A new rep's share of full productivity in each month since hire,
        each in [0, 1], ending at 1: ``[0, 0.25, 0.5, 0.75, 1]`` books
        nothing in the first month and is fully productive from the fifth.
        At most :data:`MAX_MONTHS` long (it may be longer than the horizon),
        in steps no finer than 1/:data:`MAX_STEPS`.
    attrition
        Share of reps who leave per year, in [0, 1]; each month 1/12 of it
        leaves and is backfilled at once by a new hire who ramps anew.
    months
        The horizon in months, a whole number from 1 to :data:`MAX_MONTHS` (120).
    max_hires_per_month
        How many reps recruiting can bring on in one month, >= 1; no limit by default.
    capacity
        A :class:`~salesmath.CapacityReport` of the current team: its
        `headroom` (bookings the team gains by closing its gaps, taken to be
        over the same length of time as the horizon) counts before any new
        head, spread evenly over the months, and its answer to "ready to
        hire?" is part of the plan's summary.

    Returns
    -------
    HiringPlan
        The hires by start month, the expected bookings, whether the target
        is reachable, and the naive answer for comparison.

    Raises
    ------
    InvalidInputError
        If the target is not > 0, the headcount, months or
        max_hires_per_month not whole numbers (>= 0, >= 1, >= 1),
        productivity not > 0, a ramp value outside [0, 1] or the ramp not
        ending at 1, attrition outside [0, 1], or `capacity` not a
        CapacityReport.
    LimitError
        If `months` or the ramp is longer than :data:`MAX_MONTHS`, or the
        ramp or attrition is finer than steps of 1/:data:`MAX_STEPS`.

    Examples
    --------
    The $3M → $9M story: 5 account executives book $50,000 a month each.

    >>> plan = hiring_plan(9_000_000, headcount=5, productivity=50_000,
    ...                    ramp=[0, 0.25, 0.5, 0.75, 1])
    >>> plan.hires, plan.hires_by_month, plan.naive_hires
    (13, {1: 13}, 10)
    >>> plan.naive_bookings
    Fraction(7750000, 1)
    """
    if capacity is not None and not isinstance(capacity, CapacityReport):
        raise InvalidInputError(
            f"capacity must be a CapacityReport from assess_capacity(team, funnel), got "
            f"{type(capacity).__name__}"
        )
    return construct(
        HiringPlan,
        target=target,
        headcount=headcount,
        productivity=productivity,
        ramp=ramp,
        attrition=attrition,
        months=months,
        max_hires_per_month=max_hires_per_month,
        headroom=Fraction(0) if capacity is None else capacity.headroom,
        ready_to_hire=None if capacity is None else capacity.ready_to_hire,
    )


class HiringPlan(TabularModel):
    """The fewest hires that reach a target, by start month.  Made by :func:`hiring_plan`.

    The table has one row per month with raw numbers (``to_frame()`` is
    numeric): hires starting, seats filled, bookings, cumulative bookings.

    Examples
    --------
    >>> plan = hiring_plan(900_000, headcount=2, productivity=25_000, ramp=[0.5, 1], months=6,
    ...                    max_hires_per_month=1)
    >>> plan
    HiringPlan(target=900000, months=6, hires=6, hires_by_month={1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}, reachable=False)
    >>> print(plan)
    Hiring plan for 900,000 over 6 months: 6 hires
    month  hires  seats  bookings  cumulative
    -----  -----  -----  --------  ----------
    1          1      3    62,500      62,500
    2          1      4    87,500     150,000
    3          1      5   112,500     262,500
    4          1      6   137,500     400,000
    5          1      7   162,500     562,500
    6          1      8   187,500     750,000
    Out of reach within 6 months: the best plan books 750,000, 150,000 short of 900,000.
    Naive answer (scale the team with the target): 4 hires, booking 850,000 if all start in month 1.
    """

    target: PositiveAmount = Field(description="bookings to reach over the horizon")
    headcount: Annotated[int, Field(ge=0, le=MAX_AMOUNT)] = Field(
        description="fully productive reps today"
    )
    productivity: PositiveAmount = Field(
        description="bookings of one fully productive rep per month"
    )
    ramp: tuple[Share, ...] = Field(
        description="share of full productivity by month since hire, ending at 1",
        max_length=MAX_MONTHS,
    )
    attrition: Share = Field(default=Fraction(0), description="share of reps leaving per year")
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS)] = Field(
        default=12, description="the horizon in months"
    )
    max_hires_per_month: Annotated[int, Field(ge=1, le=MAX_AMOUNT)] | None = None
    headroom: Amount = Field(
        default=Fraction(0), description="bookings gained by closing the current team's gaps"
    )
    ready_to_hire: bool | None = Field(
        default=None, description="the capacity report's answer, when the plan started from one"
    )

    @field_validator("headcount", mode="before")
    @classmethod
    def _read_headcount(cls, value: Any) -> int:
        return parse_whole(value, what="headcount")

    @field_validator("months", mode="before")
    @classmethod
    def _read_months(cls, value: Any) -> int:
        return parse_whole(value, what="months", minimum=1, maximum=MAX_MONTHS, limit=_LIMIT)

    @field_validator("max_hires_per_month", mode="before")
    @classmethod
    def _read_max_hires(cls, value: Any) -> int | None:
        return None if value is None else parse_whole(value, what="max_hires_per_month", minimum=1)

    @field_validator("attrition", mode="before")
    @classmethod
    def _read_attrition(cls, value: Any) -> Fraction:
        attrition = parse_share(value, what="attrition")
        check_steps((attrition,), what="attrition", value=value)
        return attrition

    @field_validator("ramp", mode="before")
    @classmethod
    def _read_ramp(cls, value: Any) -> tuple[Fraction, ...]:
        return read_ramp(value)

    # -- the model -------------------------------------------------------------

    def _seat_output(self, *, ramped: bool) -> list[Fraction]:
        """Return the expected share of full productivity of one seat (see :func:`seat_shares`)."""
        tenure = len(self.ramp) if ramped else 0
        return seat_shares(self.ramp, attrition=self.attrition, months=self.months, tenure=tenure)

    @cached_property
    def _new_seat(self) -> list[Fraction]:
        return self._seat_output(ramped=False)

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def hire_value(self) -> list[Amount]:
        """What one hire starting in month 1, 2, ... books by the end of the horizon."""
        totals = []
        running = Fraction(0)
        for share in self._new_seat:
            running += share
            totals.append(running * self.productivity)
        return totals[::-1]

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def baseline(self) -> Amount:
        """Expected bookings with no new hires: today's team plus the closed headroom."""
        return sum(self._baseline_months, Fraction(0))

    @cached_property
    def _baseline_months(self) -> list[Fraction]:
        ramped = self._seat_output(ramped=True)
        extra = self.headroom / self.months
        return [self.headcount * self.productivity * share + extra for share in ramped]

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def hires_by_month(self) -> dict[int, int]:
        """Hires by start month (months with no hires left out), earliest first.

        Hiring earlier books more, so the fewest hires fill the earliest
        months first, up to `max_hires_per_month`.  When the target is out
        of reach, this is the plan that comes closest.
        """
        return fewest_hires(self.target - self.baseline, self.hire_value, self.max_hires_per_month)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hires(self) -> int:
        """Total new hires the plan proposes."""
        return sum(self.hires_by_month.values())

    def _total(self, hires_by_month: dict[int, int]) -> Fraction:
        """Return the expected bookings over the horizon with these hires by start month."""
        hired = sum(
            (count * self.hire_value[start - 1] for start, count in hires_by_month.items()),
            Fraction(0),
        )
        return self.baseline + hired

    def _monthly(self, hires_by_month: dict[int, int]) -> list[Fraction]:
        """Return the expected bookings month by month with these hires by start month.

        The hires' output is a convolution of hires by start month with one
        seat's output (the package's one seat model, :func:`seat_shares`).
        """
        hired = hired_shares(self._new_seat, hires_by_month, self.months)
        return [
            base + self.productivity * extra if extra else base
            for base, extra in zip(self._baseline_months, hired, strict=True)
        ]

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def bookings(self) -> Amount:
        """Expected bookings over the horizon with the proposed hires."""
        return self._total(self.hires_by_month)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reachable(self) -> bool:
        """Whether the proposed hires reach the target within the horizon."""
        return self.bookings >= self.target

    @computed_field  # type: ignore[prop-decorator]
    @property
    def shortfall(self) -> Amount:
        """How far the best plan stays below the target (0 when reachable)."""
        return max(self.target - self.bookings, Fraction(0))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def naive_hires(self) -> int | None:
        """Hires of the naive answer: grow the team in proportion to the target.

        Today's team books ``headcount × productivity × months`` at full
        productivity; the naive plan multiplies the team by ``target`` over
        that.  None when there is no team to scale.
        """
        if self.headcount == 0:
            return None
        team = math.ceil(self.target / (self.productivity * self.months))
        return max(team - self.headcount, 0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def naive_bookings(self) -> Amount | None:
        """Expected bookings of the naive hires under this model, all starting in month 1."""
        if self.naive_hires is None:
            return None
        return self._total({1: self.naive_hires})

    # -- reading ---------------------------------------------------------------

    def summary(self) -> str:
        """Say in one paragraph what the plan proposes and how the naive answer fares.

        When the plan started from a capacity report that says "don't hire
        yet", the paragraph opens with that and says how the two fit: the
        hires counted are what the target needs once the gaps are closed.

        Examples
        --------
        >>> print(hiring_plan(9_000_000, headcount=5, productivity=50_000,
        ...                   ramp=[0, 0.25, 0.5, 0.75, 1]).summary())
        Hire 13 reps (month 1: 13) to book 9,000,000 in 12 months; expected 9,175,000. A hire starting in month 12 or later books nothing within 12 months. Naive answer (scale the team with the target): 10 hires, booking 7,750,000 if all start in month 1.
        """
        return " ".join(self._sentences())

    def _worth(self) -> str:
        """Set the headroom against what a new hire books in the horizon."""
        first = self.hire_value[0]
        if not first:
            return ""
        return (
            f"as much as {format_amount(self.headroom / first)} of a new hire's "
            f"{self.months} months ({format_amount(first)})"
        )

    def _main(self) -> str:
        """Say the plan in one sentence."""
        when = ", ".join(f"month {m}: {n}" for m, n in self.hires_by_month.items())
        target, months = format_amount(self.target), f"{self.months} months"
        if not self.reachable:
            opening = (
                "Even once the gaps are closed, the target is out of reach"
                if self.ready_to_hire is False
                else "Out of reach"
            )
            return (
                f"{opening} within {months}: the best plan books "
                f"{format_amount(self.bookings)}, {format_amount(self.shortfall)} short of "
                f"{target}."
            )
        if self.ready_to_hire is False:
            if self.hires == 0:
                return (
                    f"Once the gaps are closed, no hires are needed: the team books "
                    f"{format_amount(self.baseline)} of {target} in {months}."
                )
            return (
                f"Once the gaps are closed, {target} in {months} still needs {self.hires} "
                f"hires ({when}), expected {format_amount(self.bookings)}; close the gaps "
                "first, or the new reps join a team that books less than this plan assumes."
            )
        if self.hires == 0:
            return (
                f"No hires needed: the team books {format_amount(self.baseline)} "
                f"of {target} in {months}."
            )
        return (
            f"Hire {self.hires} reps ({when}) to book {target} in {months}; "
            f"expected {format_amount(self.bookings)}."
        )

    def _sentences(self) -> list[str]:
        sentences = []
        if self.ready_to_hire is False:
            gaps = ""
            if self.headroom:
                worth = self._worth()
                gaps = (
                    f": closing the team's gaps adds {format_amount(self.headroom)} with no "
                    f"new head" + (f", {worth}" if worth else "")
                )
            sentences.append(f"The capacity report says don't hire yet{gaps}.")
        sentences.append(self._main())
        if self.headroom and self.ready_to_hire is not False:
            worth = self._worth()
            sentences.append(
                f"Closing the team's gaps first adds {format_amount(self.headroom)}"
                + (f", {worth}." if worth else ".")
            )
        idle = [month for month, value in enumerate(self.hire_value, start=1) if value == 0]
        if idle:
            sentences.append(
                f"A hire starting in month {idle[0]} or later books nothing within "
                f"{self.months} months."
            )
        if self.naive_hires is not None and self.naive_bookings is not None:
            sentences.append(
                f"Naive answer (scale the team with the target): {self.naive_hires} hires, "
                f"booking {format_amount(self.naive_bookings)} if all start in month 1."
            )
        return sentences

    def table(self) -> Table:
        """Return one row per month: hires starting, seats filled, bookings, cumulative."""
        monthly = self._monthly(self.hires_by_month)
        rows = []
        seats = self.headcount
        cumulative = Fraction(0)
        for month, booked in enumerate(monthly, start=1):
            hires = self.hires_by_month.get(month, 0)
            seats += hires
            cumulative += booked
            rows.append((month, hires, seats, booked, cumulative))
        notes = self._sentences()
        if self.reachable and self.ready_to_hire is not False:
            notes.remove(self._main())  # the title says it
        return Table(
            title=(
                f"Hiring plan for {format_amount(self.target)} over {self.months} months: "
                f"{self.hires} hires"
            ),
            columns=(
                Column("month", str, align="left"),
                Column("hires"),
                Column("seats"),
                Column("bookings", format_amount),
                Column("cumulative", format_amount),
            ),
            rows=rows,
            notes=notes,
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw bookings by month against the target; return the matplotlib axes.

        Today's team and the ramping hires are stacked, the naive plan beside.
        Draws on `ax` when given, else on a new figure; `kwargs` go to the main
        drawing call.  Needs the ``plot`` extra.  See :func:`salesmath.plotting.plot_hiring_plan`.
        """
        from salesmath.plotting import plot_hiring_plan

        return plot_hiring_plan(self, ax, **kwargs)

    def __repr__(self) -> str:
        return (
            f"HiringPlan(target={format_exact(self.target)}, months={self.months}, "
            f"hires={self.hires}, hires_by_month={self.hires_by_month}, "
            f"reachable={self.reachable})"
        )
