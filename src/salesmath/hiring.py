"""Hiring plans: how many reps to hire, and when, to reach a bookings target.

:func:`hiring_plan` works in expected values, month by month: every seat
books ``productivity`` times its occupant's share of full productivity (the
`ramp`), a share of reps leaves each month and is backfilled by a new hire
who ramps from the start, and a new hire starting in month ``s`` books only
in months ``s`` to the end of the horizon.  It proposes the fewest hires that
reach the target, set against the naive answer "triple the target, triple
the team", which forgets that new reps ramp.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cached_property
from typing import Annotated

from pydantic import Field, computed_field, field_validator

from salesmath._table import Column, Table, TabularModel
from salesmath.capacity import CapacityReport, _money, _ratio, _share
from salesmath.errors import InvalidInputError
from salesmath.rates import Amount, PositiveAmount, format_exact, parse_amount

__all__ = ["HiringPlan", "hiring_plan"]


def _whole(value: object, *, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInputError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    return value


def _parse_ramp(value: object) -> tuple[Fraction, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InvalidInputError(
            "ramp must be a list of shares of full productivity by month since hire, "
            f"such as [0, 0.25, 0.5, 0.75, 1], got {value!r}"
        )
    ramp = tuple(_share(v, what=f"ramp[{i}]") for i, v in enumerate(value))
    if not ramp or ramp[-1] != 1:
        raise InvalidInputError(
            f"ramp must end at full productivity (1), got {list(value)!r} — "
            "append 1 for the first fully productive month"
        )
    return ramp


def hiring_plan(
    target: object,
    *,
    headcount: int,
    productivity: object,
    ramp: Sequence[object],
    attrition: object = 0.0,
    months: int = 12,
    max_hires_per_month: int | None = None,
    capacity: CapacityReport | None = None,
) -> HiringPlan:
    """Plan the fewest hires that reach a bookings target within the horizon.

    Parameters
    ----------
    target
        Bookings to reach over the horizon, > 0 ($9M next year).
    headcount
        Fully productive reps on the team today, >= 0.
    productivity
        Bookings of one fully productive rep per month, > 0.
    ramp
        A new rep's share of full productivity in each month since hire,
        each in [0, 1], ending at 1: ``[0, 0.25, 0.5, 0.75, 1]`` books
        nothing in the first month and is fully productive from the fifth.
    attrition
        Share of reps who leave per year, in [0, 1]; each month 1/12 of it
        leaves and is backfilled at once by a new hire who ramps anew.
    months
        The horizon in months, >= 1.
    max_hires_per_month
        How many reps recruiting can bring on in one month; no limit by default.
    capacity
        A :class:`~salesmath.CapacityReport` of the current team: its
        `headroom` (bookings the team gains by closing its gaps, taken to be
        over the same length of time as the horizon) counts before any new
        head, spread evenly over the months.

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
    return HiringPlan(
        target=parse_amount(target, what="target", positive=True),
        headcount=_whole(headcount, what="headcount", minimum=0),
        productivity=parse_amount(productivity, what="productivity", positive=True),
        ramp=_parse_ramp(ramp),
        attrition=_share(attrition, what="attrition"),
        months=_whole(months, what="months", minimum=1),
        max_hires_per_month=(
            None
            if max_hires_per_month is None
            else _whole(max_hires_per_month, what="max_hires_per_month", minimum=1)
        ),
        headroom=Fraction(0) if capacity is None else capacity.headroom,
        ready_to_hire=None if capacity is None else capacity.ready_to_hire,
    )


class HiringPlan(TabularModel):
    """The fewest hires that reach a target, by start month.  Made by :func:`hiring_plan`.

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
    headcount: Annotated[int, Field(ge=0)] = Field(description="fully productive reps today")
    productivity: PositiveAmount = Field(
        description="bookings of one fully productive rep per month"
    )
    ramp: tuple[Amount, ...] = Field(
        description="share of full productivity by month since hire, ending at 1"
    )
    attrition: Amount = Field(default=Fraction(0), description="share of reps leaving per year")
    months: Annotated[int, Field(ge=1)] = 12
    max_hires_per_month: Annotated[int, Field(ge=1)] | None = None
    headroom: Amount = Field(
        default=Fraction(0), description="bookings gained by closing the current team's gaps"
    )
    ready_to_hire: bool | None = Field(
        default=None, description="the capacity report's answer, when the plan started from one"
    )

    @field_validator("ramp")
    @classmethod
    def _check_ramp(cls, ramp: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
        return _parse_ramp(ramp)

    @field_validator("attrition")
    @classmethod
    def _check_attrition(cls, attrition: Fraction) -> Fraction:
        return _share(attrition, what="attrition")

    # -- the model -------------------------------------------------------------

    def _seat_output(self, *, ramped: bool) -> list[Fraction]:
        """Return the expected share of full productivity of one seat, by month since filled.

        Each month ``attrition / 12`` of the seat's occupants leave and are
        replaced by a new hire; tenure ``len(ramp) + 1`` stands for ramped.
        """
        leave = self.attrition / 12
        full = len(self.ramp)
        shares = (*self.ramp, Fraction(1))
        mass = [Fraction(0)] * (full + 1)  # mass[t]: occupants in their month t + 1
        mass[full if ramped else 0] = Fraction(1)
        output = []
        for _ in range(self.months):
            output.append(sum((m * s for m, s in zip(mass, shares, strict=True)), Fraction(0)))
            stay = [m * (1 - leave) for m in mass]
            mass = [leave, *stay[:-2], stay[-2] + stay[-1]]
        return output

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
        remaining = self.target - self.baseline
        plan: dict[int, int] = {}
        for month, value in enumerate(self.hire_value, start=1):
            if remaining <= 0 or value == 0:
                break
            needed = math.ceil(remaining / value)
            take = (
                needed
                if self.max_hires_per_month is None
                else min(needed, self.max_hires_per_month)
            )
            plan[month] = take
            remaining -= take * value
        return plan

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hires(self) -> int:
        """Total new hires the plan proposes."""
        return sum(self.hires_by_month.values())

    def _monthly(self, hires_by_month: dict[int, int]) -> list[Fraction]:
        monthly = list(self._baseline_months)
        for start, count in hires_by_month.items():
            for k, share in enumerate(self._new_seat[: self.months - start + 1]):
                monthly[start - 1 + k] += count * self.productivity * share
        return monthly

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def bookings(self) -> Amount:
        """Expected bookings over the horizon with the proposed hires."""
        return sum(self._monthly(self.hires_by_month), Fraction(0))

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
        return sum(self._monthly({1: self.naive_hires}), Fraction(0))

    # -- reading ---------------------------------------------------------------

    def summary(self) -> str:
        """Say in plain words what the plan proposes and how the naive answer fares.

        Examples
        --------
        >>> print(hiring_plan(9_000_000, headcount=5, productivity=50_000,
        ...                   ramp=[0, 0.25, 0.5, 0.75, 1]).summary())
        Hire 13 reps (month 1: 13) to book 9,000,000 in 12 months; expected 9,175,000.
        A hire starting in month 12 or later books nothing within 12 months.
        Naive answer (scale the team with the target): 10 hires, booking 7,750,000 if all start in month 1.
        """
        return "\n".join(self._lines())

    def _lines(self) -> list[str]:
        lines = []
        when = ", ".join(f"month {m}: {n}" for m, n in self.hires_by_month.items())
        if self.reachable and self.hires == 0:
            lines.append(
                f"No hires needed: the team books {_money(self.baseline)} "
                f"of {_money(self.target)} in {self.months} months."
            )
        elif self.reachable:
            lines.append(
                f"Hire {self.hires} reps ({when}) to book {_money(self.target)} in "
                f"{self.months} months; expected {_money(self.bookings)}."
            )
        else:
            lines.append(
                f"Out of reach within {self.months} months: the best plan books "
                f"{_money(self.bookings)}, {_money(self.shortfall)} short of "
                f"{_money(self.target)}."
            )
        if self.headroom:
            first_year = self.hire_value[0]
            lines.append(
                f"Closing the team's gaps first adds {_money(self.headroom)}"
                + (
                    f", as much as {_ratio(self.headroom / first_year)} of a new hire's "
                    f"{self.months} months ({_money(first_year)})."
                    if first_year
                    else "."
                )
            )
        idle = [month for month, value in enumerate(self.hire_value, start=1) if value == 0]
        if idle:
            lines.append(
                f"A hire starting in month {idle[0]} or later books nothing within "
                f"{self.months} months."
            )
        if self.ready_to_hire is False:
            lines.append("The capacity report says: don't hire yet; close the gaps first.")
        if self.naive_hires is not None and self.naive_bookings is not None:
            lines.append(
                f"Naive answer (scale the team with the target): {self.naive_hires} hires, "
                f"booking {_money(self.naive_bookings)} if all start in month 1."
            )
        return lines

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
            rows.append((str(month), hires, seats, booked, cumulative))
        lines = self._lines()
        return Table(
            title=(
                f"Hiring plan for {_money(self.target)} over {self.months} months: "
                f"{self.hires} hires"
            ),
            columns=(
                Column("month", align="left"),
                Column("hires"),
                Column("seats"),
                Column("bookings", _money),
                Column("cumulative", _money),
            ),
            rows=rows,
            notes=lines if not self.reachable else lines[1:],
        )

    def __repr__(self) -> str:
        return (
            f"HiringPlan(target={format_exact(self.target)}, months={self.months}, "
            f"hires={self.hires}, hires_by_month={self.hires_by_month}, "
            f"reachable={self.reachable})"
        )
