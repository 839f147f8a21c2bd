"""Tests of hiring_plan and HiringPlan."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from salesmath import Funnel, InvalidInputError, Team
from salesmath.capacity import assess_capacity
from salesmath.errors import LimitError
from salesmath.hiring import HiringPlan, hiring_plan

EXAMPLES = Path(__file__).parent.parent / "examples"
RAMP = [0, 0.25, 0.5, 0.75, 1]


def test_the_3m_to_9m_story_needs_more_hires_than_tripling_the_team() -> None:
    # capacity-before-hiring.txt: $3M this year, $9M next, "tripling sales will also mean
    # tripling the sales team". 5 AEs at 50,000 a month book 3,000,000 a year. By hand, a hire
    # starting in month 1 books 50,000 × (0 + 0.25 + 0.5 + 0.75 + 8 × 1) = 475,000 in the year;
    # the 6,000,000 gap needs ceil(6,000,000 / 475,000) = 13 hires, and tripling (10 hires)
    # books 3,000,000 + 10 × 475,000 = 7,750,000.
    plan = hiring_plan(9_000_000, headcount=5, productivity=50_000, ramp=RAMP)
    assert plan.baseline == 3_000_000
    assert plan.hire_value[0] == 475_000
    assert plan.hires == 13
    assert plan.hires_by_month == {1: 13}
    assert plan.bookings == 3_000_000 + 13 * 475_000
    assert plan.reachable is True
    assert plan.shortfall == 0
    assert (plan.naive_hires, plan.naive_bookings) == (10, 7_750_000)


def test_a_hire_starting_later_books_less_and_the_last_months_book_nothing() -> None:
    plan = hiring_plan(9_000_000, headcount=5, productivity=50_000, ramp=RAMP)
    # by hand: a hire in month m works 13 - m months of the ramp
    assert plan.hire_value[:3] == [475_000, 425_000, 375_000]
    assert plan.hire_value[-1] == 0
    assert plan.hire_value == sorted(plan.hire_value, reverse=True)


def test_a_recruiting_cap_spreads_hires_over_the_earliest_months() -> None:
    # 4 a month: months 1-3 book 475,000, 425,000 and 375,000 each; 6,000,000 needs
    # 4 × 475,000 + 4 × 425,000 + 4 × 375,000 = 5,100,000, then 3 more at 325,000.
    plan = hiring_plan(
        9_000_000, headcount=5, productivity=50_000, ramp=RAMP, max_hires_per_month=4
    )
    assert plan.hires_by_month == {1: 4, 2: 4, 3: 4, 4: 3}
    assert plan.bookings == 3_000_000 + 5_100_000 + 3 * 325_000


def test_out_of_reach_is_reported_with_the_best_plan() -> None:
    plan = hiring_plan(
        9_000_000, headcount=5, productivity=50_000, ramp=RAMP, max_hires_per_month=1
    )
    assert plan.reachable is False
    # one hire in each of months 1-11 (a month-12 hire books nothing in the year)
    assert plan.hires_by_month == dict.fromkeys(range(1, 12), 1)
    assert plan.bookings == 3_000_000 + sum(plan.hire_value)
    assert plan.shortfall == 9_000_000 - plan.bookings
    assert plan.summary().startswith(
        "Out of reach within 12 months: the best plan books 5,525,000, 3,475,000 short of "
        "9,000,000."
    )


def test_a_ramp_that_never_pays_within_the_horizon_is_out_of_reach_with_no_hires() -> None:
    plan = hiring_plan(1_000_000, headcount=1, productivity=10_000, ramp=[0, 0, 0, 1], months=3)
    assert (plan.hires, plan.reachable, plan.bookings) == (0, False, 30_000)


def test_no_hires_when_the_team_already_books_the_target() -> None:
    plan = hiring_plan(600_000, headcount=5, productivity=10_000, ramp=RAMP)
    assert (plan.hires, plan.reachable) == (0, True)
    assert plan.summary().startswith("No hires needed: the team books 600,000 of 600,000")


def test_attrition_is_backfilled_by_hires_who_ramp_again() -> None:
    # By hand: one ramped rep, ramp [0, 1], 12% a year leave (1% a month). Month 1 books
    # 100; after it 1% are replaced by a hire who books nothing in their first month, so every
    # later month books 99: 100 + 5 × 99 over 6 months.
    plan = hiring_plan(1, headcount=1, productivity=100, ramp=[0, 1], attrition=0.12, months=6)
    assert plan.baseline == 100 + 5 * 99


def test_attrition_never_raises_bookings() -> None:
    calm = hiring_plan(9_000_000, headcount=5, productivity=50_000, ramp=RAMP)
    churn = hiring_plan(9_000_000, headcount=5, productivity=50_000, ramp=RAMP, attrition="30%")
    assert churn.baseline < calm.baseline
    assert churn.hires >= calm.hires


def test_closing_the_capacity_headroom_counts_before_new_heads() -> None:
    # The $3M story team (examples/capacity_team.csv) has 147,000 of headroom; 8 reps at
    # 375,000 a year with a slow ramp (nothing in the first 3 months).
    model = Funnel(
        stages=["activities", "discos", "demos", "won"],
        rates=["1 in 50", "60%", "1/3"],
        deal_size=25_000,
    )
    report = assess_capacity(Team.from_csv(EXAMPLES / "capacity_team.csv"), model)
    ramp = [0, 0, 0, 0.25, 0.5, 0.75, 1]
    alone = hiring_plan(9_000_000, headcount=8, productivity=31_250, ramp=ramp)
    first = hiring_plan(9_000_000, headcount=8, productivity=31_250, ramp=ramp, capacity=report)
    assert first.headroom == 147_000
    assert first.baseline == alone.baseline + 147_000
    assert (alone.hires, first.hires) == (26, 25)
    assert first.ready_to_hire is False
    # by hand: a hire's year is 31,250 × (0.25 + 0.5 + 0.75 + 6) = 234,375; 147,000 / 234,375
    # = 0.627..., shown to two decimals.
    assert "as much as 0.63 of a new hire's 12 months (234,375)" in first.summary()
    assert "don't hire yet" in first.summary()


def test_plan_reads_as_this_table_and_repr() -> None:
    # By hand: 2 ramped reps book 50,000 a month; a hire books 12,500 in their first month
    # and 25,000 after. 3 hires in month 1 and 3 in month 2.
    plan = hiring_plan(
        600_000, headcount=2, productivity=25_000, ramp=[0.5, 1], months=4, max_hires_per_month=3
    )
    assert repr(plan) == (
        "HiringPlan(target=600000, months=4, hires=6, hires_by_month={1: 3, 2: 3}, reachable=True)"
    )
    assert str(plan) == (
        "Hiring plan for 600,000 over 4 months: 6 hires\n"
        "month  hires  seats  bookings  cumulative\n"
        "-----  -----  -----  --------  ----------\n"
        "1          3      5    87,500      87,500\n"
        "2          3      8   162,500     250,000\n"
        "3          0      8   200,000     450,000\n"
        "4          0      8   200,000     650,000\n"
        "Naive answer (scale the team with the target): 4 hires, booking 550,000 if all start "
        "in month 1."
    )
    assert plan._repr_html_().startswith("<div><table><caption>Hiring plan for 600,000")


def test_a_copy_with_another_productivity_works_its_results_out_anew() -> None:
    plan = hiring_plan(9_000_000, headcount=5, productivity=50_000, ramp=RAMP)
    assert plan.hires == 13
    # by hand: 5 × 25,000 × 12 = 1,500,000; a hire books 25,000 × 9.5 = 237,500, and
    # 7,500,000 / 237,500 = 31.6 → 32 hires
    halved = plan.model_copy(update={"productivity": Fraction(25_000)})
    assert (halved.baseline, halved.hire_value[0], halved.hires) == (1_500_000, 237_500, 32)


def test_plan_round_trips_through_json() -> None:
    plan = hiring_plan(
        9_000_000, headcount=5, productivity=50_000, ramp=RAMP, attrition="1/3", months=18
    )
    document = json.loads(plan.model_dump_json())
    assert document["hires"] == plan.hires
    assert document["hires_by_month"] == {"1": plan.hires}
    again = HiringPlan.model_validate_json(plan.model_dump_json())
    assert again == plan
    assert again.bookings == plan.bookings


# -- properties -------------------------------------------------------------------------

ramps = st.lists(st.fractions(0, 1, max_denominator=8), max_size=6).map(lambda r: [*r, 1])
plans = st.fixed_dictionaries(
    {
        "target": st.integers(1, 5_000_000),
        "headcount": st.integers(0, 10),
        "productivity": st.integers(1_000, 60_000),
        "ramp": ramps,
        "attrition": st.sampled_from([0, Fraction(1, 4), Fraction(1, 2)]),
        "months": st.integers(1, 18),
        "max_hires_per_month": st.sampled_from([None, 1, 3]),
    }
)


@given(plans)
@settings(max_examples=60)
def test_the_plan_never_proposes_fewer_hires_than_its_own_model_needs(kwargs) -> None:
    plan = hiring_plan(kwargs.pop("target"), **kwargs)
    if plan.reachable:
        assert plan.bookings >= plan.target
        if plan.hires:
            # one hire fewer (the latest) falls short: the plan is the fewest that reaches
            fewer = dict(plan.hires_by_month)
            last = max(fewer)
            fewer[last] -= 1
            assert sum(plan._monthly(fewer)) < plan.target
    else:
        # out of reach: even every allowed hire, as early as allowed, stays short
        cap = plan.max_hires_per_month
        if cap is not None:
            everyone = dict.fromkeys(range(1, plan.months + 1), cap)
            assert sum(plan._monthly(everyone)) < plan.target
        else:
            assert plan.hire_value[0] == 0


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "options", "message"),
    [
        (0, {}, r"target must be a finite number > 0, got 0"),
        (-5, {}, r"target must be a finite number > 0, got -5"),
        (9e6, {"headcount": -1}, r"headcount must be a whole number >= 0, got -1"),
        (9e6, {"headcount": 2.5}, r"headcount must be a whole number >= 0, got 2.5"),
        (9e6, {"headcount": True}, r"headcount must be a whole number >= 0, got True"),
        (9e6, {"productivity": 0}, r"productivity must be a finite number > 0, got 0"),
        (9e6, {"productivity": -1}, r"productivity must be a finite number > 0, got -1"),
        (9e6, {"ramp": [0.5, 1.2]}, r"ramp\[1\] must be in \[0, 1\], got 1.2"),
        (9e6, {"ramp": [-0.5, 1]}, r"ramp\[0\] must be a share in \[0, 1\] .*, got -0.5"),
        (9e6, {"ramp": [0.5, 0.75]}, r"ramp must end at full productivity \(1\)"),
        (9e6, {"ramp": []}, r"ramp must end at full productivity \(1\)"),
        (9e6, {"ramp": "0,1"}, r"ramp must be a list of shares"),
        (9e6, {"attrition": -0.1}, r"attrition must be a share in \[0, 1\] .*, got -0.1"),
        (9e6, {"attrition": "150%"}, r"attrition must be in \[0, 1\], got '150%'"),
        (9e6, {"months": 0}, r"months must be a whole number >= 1, got 0"),
        (9e6, {"max_hires_per_month": 0}, r"max_hires_per_month must be a whole number >= 1"),
        (9e6, {"capacity": 147_000}, r"capacity must be a CapacityReport from assess_capacity"),
    ],
)
def test_bad_input_is_a_clear_error(target, options, message) -> None:
    kwargs = {"headcount": 5, "productivity": 50_000, "ramp": RAMP, **options}
    with pytest.raises(InvalidInputError, match=message):
        hiring_plan(target, **kwargs)


def test_a_plan_built_directly_is_validated_too() -> None:
    with pytest.raises(ValidationError, match=r"ramp must end at full productivity"):
        HiringPlan(target=1, headcount=1, productivity=1, ramp=[0.5])


def test_a_whole_float_headcount_is_a_whole_number() -> None:
    # one meaning of "whole" everywhere (salesmath.numbers.parse_whole): 5.0 is 5
    assert hiring_plan(9e6, headcount=5.0, productivity=50_000, ramp=RAMP) == hiring_plan(
        9e6, headcount=5, productivity=50_000, ramp=RAMP
    )
    assert (
        hiring_plan(9e6, headcount="5", productivity=50_000, ramp=RAMP, months="12.0").hires == 13
    )


# -- bounded work (STYLE 10a; issue 11: months=10_000_000 and ramps of thousands of months hung) --


def test_a_horizon_beyond_the_limit_is_a_limit_error_naming_it() -> None:
    with pytest.raises(
        LimitError,
        match=r"^months must be at most 120 \(salesmath's limit on a hiring plan, ten years\), got 10000000",
    ):
        hiring_plan(9e6, headcount=5, productivity=50_000, ramp=RAMP, months=10_000_000)
    with pytest.raises(ValidationError, match="months must be at most 120"):
        HiringPlan(target=1, headcount=1, productivity=1, ramp=[1], months=121)


def test_a_ramp_of_thousands_of_months_is_a_limit_error_naming_it() -> None:
    ramp = [0] * 5_000 + [1]
    with pytest.raises(
        LimitError, match=r"^ramp must be at most 120 months long .*got 5,001 months"
    ):
        hiring_plan(9e6, headcount=5, productivity=50_000, ramp=ramp)


def test_shares_finer_than_the_limit_are_a_limit_error() -> None:
    with pytest.raises(
        LimitError, match=r"^attrition must have a common denominator of at most 10,000"
    ):
        hiring_plan(9e6, headcount=5, productivity=50_000, ramp=RAMP, attrition=Fraction(1, 2**200))
    with pytest.raises(LimitError, match=r"^ramp must have a common denominator of at most 10,000"):
        hiring_plan(9e6, headcount=5, productivity=50_000, ramp=[Fraction(1, 10_007), 1])
    # percentages with two decimals, thirds and twelfths are fine
    hiring_plan(
        9e6,
        headcount=5,
        productivity=50_000,
        ramp=["25%", "1/3", "11/12", 1],
        attrition="12.34%",
    )


def test_a_ramp_longer_than_the_horizon_books_its_first_months_only() -> None:
    # by hand: a 24-month ramp rising by 1/24 a month; in a 6-month horizon a month-1 hire
    # books 0 + 1/24 + ... + 5/24 = 15/24 of a month's productivity
    ramp = [Fraction(i, 24) for i in range(24)] + [1]
    plan = hiring_plan(1_000_000, headcount=1, productivity=24_000, ramp=ramp, months=6)
    assert plan.hire_value[0] == 15_000


def test_the_longest_plan_is_quick_and_its_json_is_valid() -> None:
    import time

    ramp = [Fraction(i, 120) for i in range(119)] + [1]
    start = time.perf_counter()
    plan = hiring_plan(
        10**15,
        headcount=5,
        productivity=50_000,
        ramp=ramp,
        months=120,
        attrition="12.34%",
        max_hires_per_month=3,
    )
    text = str(plan) + plan.summary() + plan.model_dump_json()
    assert time.perf_counter() - start < 5
    assert plan.hires == 357  # a month-120 hire books nothing: the ramp starts at 0
    assert not plan.reachable
    json.loads(plan.model_dump_json(), parse_constant=lambda name: pytest.fail(name))
    assert "nan" not in text.lower()
    assert "inf" not in text.lower()


def test_the_monthly_table_adds_up_to_the_bookings() -> None:
    plan = hiring_plan(
        9_000_000,
        headcount=5,
        productivity=50_000,
        ramp=RAMP,
        attrition="1/3",
        max_hires_per_month=4,
    )
    assert sum(plan._monthly(plan.hires_by_month)) == plan.bookings


# -- one table, numeric; one summary ---------------------------------------------------------


def test_to_frame_has_numeric_columns() -> None:
    from pandas.api.types import is_numeric_dtype

    plan = hiring_plan(
        600_000, headcount=2, productivity=25_000, ramp=[0.5, 1], months=4, max_hires_per_month=3
    )
    frame = plan.to_frame()
    assert list(frame.index) == [1, 2, 3, 4]
    for column in ("hires", "seats", "bookings", "cumulative"):
        assert is_numeric_dtype(frame[column]), column
    assert frame["bookings"].tolist() == [87_500, 162_500, 200_000, 200_000]
    assert frame["cumulative"].iloc[-1] == 650_000


def test_summary_is_one_paragraph() -> None:
    plan = hiring_plan(9_000_000, headcount=5, productivity=50_000, ramp=RAMP)
    assert plan.summary() == (
        "Hire 13 reps (month 1: 13) to book 9,000,000 in 12 months; expected 9,175,000. "
        "A hire starting in month 12 or later books nothing within 12 months. "
        "Naive answer (scale the team with the target): 10 hires, booking 7,750,000 if all "
        "start in month 1."
    )


def test_a_plan_from_a_team_not_ready_to_hire_says_how_the_two_fit() -> None:
    # issue 11: `hire --team` opened with "Don't hire yet" and then recommended 25 hires
    # without saying how the two fit.
    model = Funnel(
        stages=["activities", "discos", "demos", "won"],
        rates=["1 in 50", "60%", "1/3"],
        deal_size=25_000,
    )
    report = assess_capacity(Team.from_csv(EXAMPLES / "capacity_team.csv"), model)
    ramp = [0, 0, 0, 0.25, 0.5, 0.75, 1]
    plan = hiring_plan(9_000_000, headcount=8, productivity=31_250, ramp=ramp, capacity=report)
    assert plan.summary() == (
        "The capacity report says don't hire yet: closing the team's gaps adds 147,000 with no "
        "new head, as much as 0.63 of a new hire's 12 months (234,375). "
        "Once the gaps are closed, 9,000,000 in 12 months still needs 25 hires (month 1: 25), "
        "expected 9,006,375; close the gaps first, or the new reps join a team that books less "
        "than this plan assumes. "
        "A hire starting in month 10 or later books nothing within 12 months. "
        "Naive answer (scale the team with the target): 16 hires, booking 6,897,000 if all "
        "start in month 1."
    )
    # the table says it too, under a title that counts the hires
    notes = str(plan).splitlines()[15:]
    assert notes[0].startswith("The capacity report says don't hire yet")
    assert notes[1].startswith("Once the gaps are closed, 9,000,000 in 12 months still needs 25")


def test_a_team_ready_to_hire_gets_the_plain_plan() -> None:
    model = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    ready = assess_capacity(
        Team.from_records([{"rep": "a", "demos": 9, "won": 3, "bookings": 30_000}]), model
    )
    plan = hiring_plan(1_000_000, headcount=1, productivity=10_000, ramp=[1], capacity=ready)
    assert plan.ready_to_hire is True
    assert plan.summary().startswith("Hire 8 reps (month 1: 8) to book 1,000,000 in 12 months")


# -- the one seat model (seat_shares), shared with the annual plan ------------------------------


def test_a_seat_with_tenure_is_a_new_seat_moved_along_the_ramp() -> None:
    from salesmath.hiring import seat_shares

    ramp = (Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(1))
    new = seat_shares(ramp, attrition=Fraction(0), months=8, tenure=0)
    assert new == [0, Fraction(1, 4), Fraction(1, 2), 1, 1, 1, 1, 1]
    for tenure in range(6):
        moved = seat_shares(ramp, attrition=Fraction(0), months=5, tenure=tenure)
        assert moved == [*new[tenure:], *[Fraction(1)] * 8][:5]
    # by hand: a ramped seat, 12% a year leave (1% a month), backfilled by a rep who books
    # nothing in the first month: 1, then 0.99 every month
    assert seat_shares(
        (Fraction(0), Fraction(1)), attrition=Fraction(12, 100), months=3, tenure=2
    ) == [
        1,
        Fraction(99, 100),
        Fraction(99, 100),
    ]


@given(plans)
@settings(max_examples=40)
def test_hiring_plan_and_the_annual_plan_share_one_seat_model(kwargs) -> None:
    from salesmath.annual import annual_plan

    plan = hiring_plan(kwargs.pop("target"), **kwargs)
    if len(plan.ramp) > plan.months:
        return  # the annual plan refuses a ramp longer than its horizon
    year = annual_plan(plan.target, start=plan.target, seasonality="even", **kwargs)
    assert year.hires_by_month == plan.hires_by_month
    assert year.capacity == plan.bookings
    assert year.capacities == plan._monthly(plan.hires_by_month)
