"""Tests of the year's plan: growth rates, cascades, key results and annual_plan."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from salesmath import Funnel, Team
from salesmath.annual import (
    AnnualPlan,
    Cascade,
    KeyResult,
    Objective,
    annual_plan,
    cascade,
    growth_rate,
    growth_target,
)
from salesmath.capacity import assess_capacity
from salesmath.errors import InvalidInputError, LimitError, UnknownNameError
from salesmath.hiring import hiring_plan

EXAMPLES = Path(__file__).parent.parent / "examples"
SLOW_RAMP = [0, 0, 0, 0.25, 0.5, 0.75, 1]
MODEL = Funnel(
    stages=["activities", "discos", "demos", "won"],
    rates=["1 in 50", "60%", "1/3"],
    deal_size=25_000,
)


def story(**options):
    """The $3M → $9M story (capacity-before-hiring.txt): 8 reps at 375,000 a year each."""
    kwargs = {
        "start": 3_000_000,
        "headcount": 8,
        "productivity": 31_250,
        "ramp": SLOW_RAMP,
        **options,
    }
    return annual_plan(9_000_000, **kwargs)


# -- the $3M → $9M story ----------------------------------------------------------------------


def test_the_3m_to_9m_story_reproduces_the_references_arithmetic() -> None:
    # capacity-before-hiring.txt: "$3 million in sales bookings last year with an eight-people
    # sales team, just double up to 16 and we will hit our $6 million goal" — 375,000 a head;
    # tripling to $9M "will also mean tripling the sales team ... 16 new hires in sales".
    per_head = Fraction(3_000_000, 8)
    assert per_head == 375_000
    assert 16 * per_head == 6_000_000
    plan = story()
    assert plan.naive_hires == 16
    assert plan.headcount + plan.naive_hires == 24 == 9_000_000 / per_head
    # ... but new reps ramp. By hand: a rep hired in month 1 books 31,250 × (0.25 + 0.5 + 0.75
    # + 6) = 234,375 in the year, so the naive team books 3,000,000 + 16 × 234,375.
    assert plan.naive_capacity == 3_000_000 + 16 * 234_375 == 6_750_000
    # The story's "annual sales growth is only 90% to date" after Q3: under this ramp the naive
    # team's first nine months book 9 × 250,000 + 16 × 31,250 × (0.25 + 0.5 + 0.75 + 3) =
    # 4,500,000, 100% over last year's 2,250,000, where the board's plan said 200%.
    naive = story(hires={1: 16})
    assert sum(naive.capacities[:9]) == 4_500_000
    assert sum(naive.capacities[:9]) / 2_250_000 - 1 == 1
    # What the target needs as reps ramp: 6,000,000 / 234,375 = 25.6 → 26 hires, the same
    # answer as hiring_plan (one seat model in the package).
    assert (plan.hires, plan.hires_by_month) == (26, {1: 26})
    assert plan.capacity == 3_000_000 + 26 * 234_375
    alone = hiring_plan(9_000_000, headcount=8, productivity=31_250, ramp=SLOW_RAMP)
    assert (alone.hires_by_month, alone.bookings) == (plan.hires_by_month, plan.capacity)


def test_fixing_utilization_first_counts_before_new_heads() -> None:
    # The reference: "instead of increasing headcount, you need to work on improving the
    # efficiency of your sales process". The story team (examples/capacity_team.csv) gains
    # 147,000 by closing its gaps; that counts before hiring, one hire fewer.
    report = assess_capacity(Team.from_csv(EXAMPLES / "capacity_team.csv"), MODEL)
    assert report.ready_to_hire is False
    plan = story(headroom=report.headroom)
    assert plan.headroom == 147_000
    assert plan.hires == 25
    assert plan.capacity == 3_000_000 + 147_000 + 25 * 234_375
    with_report = hiring_plan(
        9_000_000, headcount=8, productivity=31_250, ramp=SLOW_RAMP, capacity=report
    )
    assert with_report.hires == plan.hires


def test_the_months_follow_the_compound_growth_path_and_add_up_to_the_target() -> None:
    plan = story()
    assert sum(plan.targets) == 9_000_000
    assert all(t * 100 == int(t * 100) for t in plan.targets)  # to the cent
    ratios = [b / a for a, b in zip(plan.targets, plan.targets[1:], strict=False)]
    rate = 3 ** (1 / 12)
    assert all(abs(float(r) - rate) < 1e-6 for r in ratios)


# -- growth rates ------------------------------------------------------------------------------


def test_2x_then_3x_year_on_year_pins_the_monthly_rate() -> None:
    # okr-plan-2022.md: "We grew Reloadly's MRR 2X from 2020 to 2021, we now need to focus on
    # growing 3X from 2021 to 2022." 3× in 12 months is 3^(1/12) - 1 = 9.587...%, the root of
    # (1 + r)^12 = 3, irrational: pinned between two exact decimals 10^-20 apart.
    for multiple, printed in ((2, "5.946%"), (3, "9.587%")):
        rate = growth_rate(1, multiple)
        assert (1 + rate.low) ** 12 <= multiple < (1 + rate.high) ** 12
        assert rate.high - rate.low == Fraction(1, 10**20)
        assert rate.format() == printed
        assert not rate.exact
        assert abs(rate.rate - (multiple ** (1 / 12) - 1)) < 1e-15
    assert growth_rate(1, 3).format(6) == "9.587269%"
    assert str(growth_rate(3_000_000, 9_000_000)) == "9.587% a month: 3× in 12 months"
    # two years: 2× then 3× is 6× in 24 months, the same rate as the two compounded
    both = growth_rate(1, 6, 24)
    assert (1 + both.low) ** 24 <= 6 < (1 + both.high) ** 24
    assert both.format() == "7.751%"  # 6 ** (1 / 24) - 1 = 0.0775097...
    assert growth_target(1, growth_rate(1, 3).low) <= 3 < growth_target(1, growth_rate(1, 3).high)


def test_a_rational_root_is_exact() -> None:
    rate = growth_rate(4, 9, 2)  # (1 + r)^2 = 9/4: r = 1/2
    assert (rate.low, rate.exact, rate.format(1)) == (Fraction(1, 2), True, "50.0%")
    assert growth_rate(5, 5).low == 0


def test_growth_rate_round_trips_through_json() -> None:
    rate = growth_rate(3_000_000, 9_000_000)
    document = json.loads(rate.model_dump_json())
    assert document["multiple"] == 3
    assert abs(document["rate"] - 0.0958726911352) < 1e-12
    assert type(rate).model_validate_json(rate.model_dump_json()) == rate


# -- OKRs --------------------------------------------------------------------------------------


def test_the_okr_plans_key_results_score_as_the_plan_states() -> None:
    # okr-plan-2022.md, 2021 results: "200 pre-screened qualified leads | 120%" (nearly 240
    # added in Q4); "Achieve 7% avg gross margin | 77% | Currently @ 5.4%".
    leads = KeyResult.from_text("200 pre-screened qualified leads", actual=240)
    assert (leads.target, leads.attainment, leads.score) == (200, Fraction(6, 5), Fraction(6, 5))
    margin = KeyResult.from_text("Achieve 7% avg gross margin", actual="5.4%")
    assert margin.target == Fraction(7, 100)
    assert margin.attainment == Fraction(54, 70)
    assert round(margin.attainment * 100) == 77
    # the plan's other attainments: an operations manual for 4 departments, two and a half
    # done → 62.5%; 8 training sessions, 6 held → 75%
    manual = KeyResult.from_text(
        "Produce an operations manual wiki work process for 4 departments", actual=2.5
    )
    assert manual.attainment == Fraction(5, 8)
    assert KeyResult.from_text("Hold 8 training sessions", actual=6).score == Fraction(3, 4)


def test_progress_from_a_baseline() -> None:
    # "Increase monthly revenue from $2.2M to $3.0M USD | 15%": progress from the baseline;
    # by hand 2.2M + 15% × 0.8M = 2.32M, whose attainment would read 77%.
    revenue = KeyResult.from_text(
        "Increase monthly revenue from $2.2M to $3.0M USD", actual="$2.32M"
    )
    assert (revenue.baseline, revenue.target) == (2_200_000, 3_000_000)
    assert revenue.progress == revenue.score == Fraction(3, 20)
    assert round(revenue.attainment * 100) == 77
    # "Q1" is not a figure; "from 4% to 8%" reads percentages
    signups = KeyResult.from_text(
        "Q1 Goal: Increase online sign-up conversions from 4% to 8%", actual="8%"
    )
    assert (signups.baseline, signups.target, signups.score) == (
        Fraction(1, 25),
        Fraction(2, 25),
        1,
    )
    # going down: churn from 5% to 3%, at 4% is halfway
    churn = KeyResult(target="3%", baseline="5%", actual="4%")
    assert churn.progress == Fraction(1, 2)


def test_an_objective_rolls_up_its_key_results() -> None:
    objective = Objective(
        name="Rockstar Revenue Growth",
        key_results=[
            KeyResult.from_text("200 pre-screened qualified leads", actual=240),
            KeyResult.from_text(
                "Increase monthly revenue from $2.2M to $3.0M USD", actual="$2.32M"
            ),
            KeyResult.from_text("Achieve 7% avg gross margin", actual="5.4%"),
            KeyResult.from_text("Close 6 key accounts"),
        ],
    )
    # by hand: (120% + 15% + 540/7 %) / 3
    assert objective.score == (Fraction(6, 5) + Fraction(3, 20) + Fraction(54, 70)) / 3
    assert str(objective).splitlines()[0] == "Rockstar Revenue Growth: 70.7%"
    assert repr(objective) == (
        "Objective(name='Rockstar Revenue Growth', key_results=4, score='70.7%')"
    )
    assert "3 of 4 scored" in objective.summary()
    frame = objective.to_frame()
    assert frame["score"].iloc[0] == 1.2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: KeyResult.from_text("grow a lot"), r"no target figure in key result"),
        (lambda: KeyResult.from_text("200 leads", actual="lots"), r"actual must be a number"),
        (
            lambda: KeyResult(target=5, baseline=5, actual=6),
            r"baseline 5 equals the target",
        ),
        (lambda: KeyResult.from_text("0 leads"), r"target must be a finite number > 0"),
    ],
)
def test_bad_key_results_are_clear_errors(make, message) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# -- cascading ---------------------------------------------------------------------------------


def test_cascade_by_prior_bookings_conserves_to_the_cent() -> None:
    # the story team's bookings as weights for next year's 9,000,000
    team = Team.from_csv(EXAMPLES / "capacity_team.csv")
    weights = {rep.rep: rep.bookings for rep in team.reps}
    split = cascade(9_000_000, weights)
    assert sum(split.amounts.values()) == 9_000_000
    assert split["ana"] == Fraction(425_000 * 3)  # 3× her 425,000: the team booked 3,000,000
    with pytest.raises(UnknownNameError, match="unknown name 'zed'"):
        split["zed"]


def test_cascade_teams_then_reps() -> None:
    # by hand: East gets 666,666.666... → 666,666.67 (the larger remainder), West 333,333.33;
    # East's three reps 222,222.2233... each: 222,222.22 and the cent left over to the first
    teams = cascade(1_000_000, {"East": 2, "West": 1})
    assert teams.amounts == {"East": Fraction(66_666_667, 100), "West": Fraction(33_333_333, 100)}
    east = cascade(teams["East"], {"ana": 1, "bo": 1, "cy": 1})
    assert east.amounts == {
        "ana": Fraction(22_222_223, 100),
        "bo": Fraction(22_222_222, 100),
        "cy": Fraction(22_222_222, 100),
    }
    assert sum(east.amounts.values()) == teams["East"]


def test_cascade_even_and_bottom_up_read_as_tables() -> None:
    even = cascade(100, ["a", "b", "c"], method="even")
    assert str(even) == (
        "Cascade of 100 evenly to the cent\n"
        "name  weight  share  amount\n"
        "----  ------  -----  ------\n"
        "a          1  33.3%   33.34\n"
        "b          1  33.3%   33.33\n"
        "c          1  33.3%   33.33"
    )
    reconciled = cascade(1_000, {"a": 300, "b": 500}, method="bottom_up")
    assert reconciled.amounts == {"a": 375, "b": 625}
    assert str(reconciled).splitlines()[-1] == (
        "Bottom-up numbers add up to 800, 200 short of the top-down total."
    )
    assert repr(reconciled) == "Cascade(total=1000, method='bottom_up', parts=2)"
    exact = cascade(1, [1, 1, 1], unit=None)
    assert exact.amounts == {"1": Fraction(1, 3), "2": Fraction(1, 3), "3": Fraction(1, 3)}
    assert isinstance(exact, Cascade)


weight_lists = st.lists(
    st.one_of(st.integers(0, 10**9), st.fractions(0, 1000, max_denominator=97)),
    min_size=1,
    max_size=40,
).filter(any)


@given(total=st.integers(0, 10**13), weights=weight_lists)
@settings(max_examples=200)
def test_cascade_conserves_the_total_exactly_for_any_weights_and_none_is_negative(
    total, weights
) -> None:
    cents = Fraction(total, 100)
    split = cascade(cents, weights)
    parts = list(split.amounts.values())
    assert sum(parts) == cents
    assert all(part >= 0 for part in parts)
    weight = sum(Fraction(w) for w in weights)
    for w, part in zip(weights, parts, strict=True):
        exact = cents * Fraction(w) / weight
        assert abs(part - exact) < Fraction(1, 100)  # within a cent of its exact share
        if w == 0:
            assert part == 0


@pytest.mark.parametrize(
    ("total", "weights", "options", "message"),
    [
        (1_000, {"a": 0, "b": 0}, {}, r"weights are all zero"),
        (1_000, [], {}, r"at least one"),
        (1_000, {"a": -1, "b": 2}, {}, r"weight of 'a' must be a finite number >= 0"),
        (-5, [1], {}, r"total must be a finite number >= 0"),
        (Fraction(1, 3), [1], {}, r"not a whole number of units of 0.01"),
        (1_000, [1], {"method": "top"}, r"method must be one of"),
        (1_000, "ana", {}, r"weights must be a list"),
    ],
)
def test_bad_cascades_are_clear_errors(total, weights, options, message) -> None:
    with pytest.raises(InvalidInputError, match=message):
        cascade(total, weights, **options)


# -- capacity in ramped rep equivalents ----------------------------------------------------------

ramps = st.lists(st.fractions(0, 1, max_denominator=8), max_size=5).map(lambda r: [*r, 1])


@given(
    ramp=ramps,
    headcount=st.integers(0, 6),
    tenures=st.lists(st.integers(0, 7), max_size=4),
    hires=st.dictionaries(st.integers(1, 12), st.integers(0, 4), max_size=5),
    productivity=st.integers(1_000, 90_000),
)
@settings(max_examples=100)
def test_kelloggs_check_capacity_is_rre_times_productivity_summed_rep_by_rep(
    ramp, headcount, tenures, hires, productivity
) -> None:
    # Dave Kellogg's quota-capacity model: capacity = ramped rep equivalents × productivity,
    # and RRE is each rep's ramp share by tenure, added up. Without attrition the seat model
    # must agree with a roster worked out rep by rep.
    plan = annual_plan(
        1_000_000,
        start=1_000_000,
        headcount=headcount,
        ramping=tenures,
        hires=hires,
        productivity=productivity,
        ramp=ramp,
    )

    def share(tenure: int) -> Fraction:
        return Fraction(ramp[tenure]) if tenure < len(ramp) else Fraction(1)

    roster = [10**6] * headcount + list(tenures)  # months worked at the start of month 1
    for month in range(1, 13):
        by_rep = [share(t + month - 1) for t in roster]
        by_rep += [
            share(month - start) for start, n in hires.items() for _ in range(n) if month >= start
        ]
        assert plan.rre[month - 1] == sum(by_rep, Fraction(0))
        assert plan.capacities[month - 1] == productivity * sum(by_rep, Fraction(0))


def test_attrition_and_judgement_lower_capacity() -> None:
    calm = story(hires={1: 16})
    churn = story(hires={1: 16}, attrition="20%")
    careful = story(hires={1: 16}, judgement="90%")
    assert churn.capacity < calm.capacity
    assert careful.capacity == calm.capacity * Fraction(9, 10)
    assert story(judgement="90%").hires > story().hires


def test_a_recruiting_cap_spreads_the_hires() -> None:
    plan = story(max_hires_per_month=4)
    assert max(plan.hires_by_month.values()) == 4
    assert list(plan.hires_by_month) == sorted(plan.hires_by_month)
    assert plan.reachable is False  # 4 a month cannot catch up a slow ramp
    assert plan.shortfall == 9_000_000 - plan.capacity


# -- quotas ------------------------------------------------------------------------------------


@given(
    margin=st.fractions(0, 1, max_denominator=1000),
    target=st.integers(1, 10**12),
    seasonal=st.booleans(),
)
@settings(max_examples=60)
def test_over_assignment_raises_total_quota_by_exactly_the_margin(margin, target, seasonal) -> None:
    season = [Fraction(1, 4)] * 4 if seasonal else None
    plan = annual_plan(
        target,
        start=target,
        headcount=3,
        productivity=1_000,
        ramp=[1],
        over_assignment=margin,
        seasonality=season,
    )
    assert plan.quota == target * (1 + margin)
    assert plan.quota - plan.target == margin * plan.target
    assert sum(plan.quotas) == plan.quota
    assert sum(plan.targets) == plan.target


def test_the_attainment_spread_says_what_to_expect() -> None:
    # 10% over-assigned; last year 3 of 5 reps at or above quota, 96% on average
    plan = story(over_assignment="10%", attainment=["120%", 1.1, 1, 0.8, 0.7])
    assert plan.quota == 9_900_000
    assert plan.share_at_quota == Fraction(3, 5)
    assert plan.expected_attainment == Fraction(96, 100)
    assert plan.expected_bookings == 9_900_000 * Fraction(96, 100) == 9_504_000
    assert (
        "At the attainment spread given (60% of reps at or above quota, 96% on average), "
        "quotas of 9,900,000 book 9,504,000, covering the target."
    ) in plan.summary()
    # by hand: 96% on average needs quotas of 9,000,000 / 0.96 = 9,375,000: 4.17% over
    assert plan.needed_margin == Fraction(1, 24)
    short = story(over_assignment="2%", attainment=["120%", 1.1, 1, 0.8, 0.7])
    assert short.summary().endswith(
        "quotas of 9,180,000 book 8,812,800, short of the target; over-assign by at least 4.2% "
        "to cover it."
    )
    assert story(attainment=[1.2]).needed_margin == 0


def test_a_ramped_reps_quota_and_the_activity_it_needs() -> None:
    plan = story(funnel=MODEL, hires={1: 16})
    # quota per ramped-rep-month × 12: 9,000,000 over the RRE-months, by hand
    # 8 × 12 + 16 × 7.5 = 216 → 9,000,000 / 216 × 12 = 500,000
    assert sum(plan.rre) == 216
    assert plan.rep_quota == 500_000
    rep = plan.rep_plan()
    assert rep is not None
    assert (
        rep.counts
        == MODEL.plan(500_000).counts
        == {
            "activities": 5000,
            "discos": 100,
            "demos": 60,
            "won": 20,
        }
    )
    # each month's target needs the funnel's activity, the table's last columns
    frame = plan.to_frame()
    assert list(frame.columns[-4:]) == ["activities", "discos", "demos", "won"]
    assert frame["won"].iloc[0] == MODEL.plan(plan.targets[0]).deals
    # the year's quota cascades over the reps by their RRE
    split = plan.quota_cascade({"ramped": 8 * 12, "new": 16 * Fraction(15, 2)})
    assert split.amounts == {"ramped": 4_000_000, "new": 5_000_000}


def test_seasonality_by_quarter_or_month() -> None:
    by_quarter = story(seasonality=["20%", "25%", "25%", "30%"])
    assert by_quarter.targets[:3] == [600_000] * 3
    assert by_quarter.targets[-1] == 900_000
    by_month = story(seasonality=[Fraction(1, 12)] * 12)
    assert by_month.targets == story(seasonality="even").targets == [750_000] * 12
    # with seasonality the year may shrink; no growth rate then
    shrink = annual_plan(
        2_000_000, start=3_000_000, headcount=8, productivity=31_250, ramp=[1], seasonality="even"
    )
    assert shrink.growth is None
    assert shrink.hires == 0


# -- reading -----------------------------------------------------------------------------------


def test_plan_reads_as_this_table_and_repr() -> None:
    plan = annual_plan(
        1_200_000,
        start=1_000_000,
        headcount=3,
        productivity=30_000,
        ramp=[0.5, 1],
        months=4,
        seasonality=[0.2, 0.3, 0.2, 0.3],
        hires={2: 1},
    )
    # by hand: RRE 3, 3 + 0.5, 4, 4 at 30,000 each
    assert repr(plan) == (
        "AnnualPlan(target=1200000, start=1000000, months=4, hires=1, capacity=435000, "
        "reachable=False)"
    )
    assert str(plan) == (
        "Plan for 1,200,000 in 4 months (1.2× this year's 1,000,000): capacity 435,000 with 1 hire\n"
        "month   target    quota  RRE  capacity      gap  hires\n"
        "-----  -------  -------  ---  --------  -------  -----\n"
        "1      240,000  240,000    3    90,000  150,000      0\n"
        "2      360,000  360,000  3.5   105,000  255,000      1\n"
        "3      240,000  240,000    4   120,000  120,000      0\n"
        "4      360,000  360,000    4   120,000  240,000      0\n"
        "Capacity falls 765,000 short of 1,200,000 with the hires given.\n"
        "Naive answer (scale the team with the target): 1 hire, capacity 465,000 as they ramp."
    )
    assert plan._repr_html_().startswith("<div><table><caption>Plan for 1,200,000")


def test_summary_is_one_paragraph() -> None:
    assert story().summary() == (
        "Growing 3,000,000 to 9,000,000 (3×) takes 9.587% a month, compounded; each month's "
        "target follows that path. Hire 26 reps (month 1: 26) for capacity of 9,093,750. "
        "Naive answer (scale the team with the target): 16 hires, capacity 6,750,000 as they "
        "ramp."
    )


def test_to_frame_is_numeric() -> None:
    from pandas.api.types import is_numeric_dtype

    frame = story(funnel=MODEL).to_frame()
    assert list(frame.index) == list(range(1, 13))
    for column in frame.columns:
        assert is_numeric_dtype(frame[column]), column
    assert frame["target"].sum() == pytest.approx(9_000_000)


def test_plan_round_trips_through_json() -> None:
    plan = story(
        funnel=MODEL,
        attrition="1/3",
        ramping=[1, 2],
        over_assignment="10%",
        attainment=[1.2, 0.9],
        hires={"1": 10, "3": 5},
    )
    text = plan.model_dump_json()
    document = json.loads(text, parse_constant=lambda name: pytest.fail(name))
    assert document["hires"] == 15
    assert document["hires_by_month"] == {"1": 10, "3": 5}
    again = AnnualPlan.model_validate_json(text)
    assert again == plan
    assert again.capacity == plan.capacity
    assert "nan" not in (str(plan) + plan.summary()).lower()


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "options", "error", "message"),
    [
        (0, {}, InvalidInputError, r"^target must be a finite number > 0, got 0"),
        (-9, {}, InvalidInputError, r"^target must be a finite number > 0, got -9"),
        (
            2_000_000,
            {},
            InvalidInputError,
            r"^target 2,000,000 is below this year's 3,000,000: the growth path needs a target "
            r"at or above it; give seasonality",
        ),
        (9e6, {"start": 0}, InvalidInputError, r"^start must be a finite number > 0"),
        (
            9e6,
            {"seasonality": [0.25, 0.25, 0.25, 0.2]},
            InvalidInputError,
            r"^seasonality must add up to 1 \(100%\), got 0.95 \(95%\): .* \(write a twelfth as "
            r"'1/12', not 8.33%\)$",
        ),
        (
            9e6,
            {"seasonality": ["30%", "30%", "30%", "30%"]},
            InvalidInputError,
            r"^seasonality must add up to 1 \(100%\), got 1.2 \(120%\)",
        ),
        (
            9e6,
            {"seasonality": [0.5, 0.5]},
            InvalidInputError,
            r"^seasonality must have one share per month \(12\) or 4 quarters, got 2",
        ),
        (9e6, {"months": 0}, InvalidInputError, r"^months must be a whole number >= 1, got 0"),
        (9e6, {"months": -3}, InvalidInputError, r"^months must be a whole number >= 1"),
        (
            9e6,
            {"months": 10_000_000},
            LimitError,
            r"^months must be at most 120 \(salesmath's limit on a plan, ten years\)",
        ),
        (
            9e6,
            {"months": 6},
            InvalidInputError,
            r"^ramp is 7 months long, longer than the 6-month horizon",
        ),
        (9e6, {"ramp": [0.5, 0.9]}, InvalidInputError, r"^ramp must end at full productivity"),
        (9e6, {"ramp": [0] * 500 + [1]}, LimitError, r"^ramp must be at most 120 months"),
        (9e6, {"judgement": 0}, InvalidInputError, r"^judgement must be in \(0, 1\], got 0"),
        (9e6, {"judgement": 1.5}, InvalidInputError, r"^judgement must be in \[0, 1\]"),
        (9e6, {"headcount": -1}, InvalidInputError, r"^headcount must be a whole number >= 0"),
        (9e6, {"ramping": [-1]}, InvalidInputError, r"^ramping\[0\] must be a whole number >= 0"),
        (
            9e6,
            {"hires": {13: 2}},
            InvalidInputError,
            r"^hires in month 13 fall outside the 12-month horizon",
        ),
        (9e6, {"hires": {1: -2}}, InvalidInputError, r"^hires in month 1 must be a whole number"),
        (9e6, {"over_assignment": "150%"}, InvalidInputError, r"^over_assignment must be in"),
        (9e6, {"attainment": []}, InvalidInputError, r"^attainment must have at least one"),
        (9e6, {"funnel": {"stages": []}}, InvalidInputError, r"^funnel must be a Funnel"),
    ],
)
def test_bad_input_is_a_clear_error(target, options, error, message) -> None:
    with pytest.raises(error, match=message):
        annual_plan(
            target,
            **{
                "start": 3_000_000,
                "headcount": 8,
                "productivity": 31_250,
                "ramp": SLOW_RAMP,
                **options,
            },
        )


def test_bad_growth_rates_are_clear_errors() -> None:
    with pytest.raises(InvalidInputError, match=r"^target 2 is below this year's 3"):
        growth_rate(3, 2)
    with pytest.raises(InvalidInputError, match=r"^start must be a finite number > 0, got 0"):
        growth_rate(0, 2)
    with pytest.raises(LimitError, match=r"^months must be at most 120"):
        growth_rate(1, 3, 10**9)
    with pytest.raises(InvalidInputError, match=r"^months must be a whole number >= 1"):
        growth_rate(1, 3, 0)


def test_a_plan_built_directly_is_validated_too() -> None:
    with pytest.raises(ValidationError, match=r"seasonality must add up to 1"):
        AnnualPlan(
            target=1,
            start=1,
            headcount=1,
            productivity=1,
            ramp=[1],
            seasonality=[0.5, 0.4],
            months=2,
        )


def test_the_longest_plan_is_quick() -> None:
    import time

    began = time.perf_counter()
    plan = annual_plan(
        10**15,
        start=10**12,
        months=120,
        headcount=50,
        ramping=list(range(0, 100, 7)),
        productivity=50_000,
        ramp=[Fraction(i, 120) for i in range(119)] + [1],
        attrition="12.34%",
        max_hires_per_month=3,
        funnel=MODEL,
    )
    text = str(plan) + plan.summary() + plan.model_dump_json()
    assert time.perf_counter() - began < 10
    assert not plan.reachable
    assert math.isfinite(growth_rate(10**12, 10**15, 120).rate)
    assert "nan" not in text.lower()


# -- the `salesmath year` subcommand (wired into cli.py by the lead) -----------------------------


def year(*argv: str) -> str:
    import argparse

    from salesmath import _cli_year

    parser = argparse.ArgumentParser()
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--json", action="store_true")
    commands = parser.add_subparsers(dest="command")
    _cli_year.add_parser(commands, [output])
    args = parser.parse_args(["year", *argv])
    return args.handler(args)


def test_year_prints_the_3m_to_9m_plan_and_its_cascade() -> None:
    text = year(str(EXAMPLES / "year_3m_to_9m.toml"))
    lines = text.splitlines()
    assert lines[0] == (
        "Plan for 9,000,000 in 12 months (3× this year's 3,000,000): capacity 9,165,769.83 "
        "with 27 hires"
    )
    assert lines[1].split() == [
        "month", "target", "quota", "RRE", "capacity", "gap", "hires",
        "activities", "discos", "demos", "won",
    ]  # fmt: skip
    assert "Naive answer (scale the team with the target): 16 hires" in text
    assert "Cascade of 9,900,000 by weight to the cent" in text
    assert "East       5  62.5%  6,187,500" in text


def test_year_json_is_one_strict_document() -> None:
    text = year(str(EXAMPLES / "year_3m_to_9m.toml"), "--json", "--target", "6,000,000")
    document = json.loads(text, parse_constant=lambda name: pytest.fail(name))
    assert document["plan"]["target"] == 6_000_000
    assert abs(document["plan"]["monthly_growth"] - (2 ** (1 / 12) - 1)) < 1e-12
    assert document["rep_plan"]["counts"]["won"] > 0
    assert sum(Fraction(v) for v in document["cascade"]["amounts"].values()) == Fraction(
        document["plan"]["quota"]
    )


def test_year_scores_the_okr_plan() -> None:
    text = year(str(EXAMPLES / "year_okr_2022.toml"))
    assert "Rockstar Revenue Growth: 70.7%" in text
    assert "Improve our Operational Processes: 62.5%" in text
    document = json.loads(year(str(EXAMPLES / "year_okr_2022.toml"), "--json"))
    assert [okr["score"] for okr in document["okrs"]] == [0.75, 0.625, "99/140"]
    assert "plan" not in document


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "year.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("text", "flags", "error", "message"),
    [
        ("", (), "ConfigError", r"has no plan and no OKRs"),
        ("target = 9000000\nstart = 3000000\n", (), "ConfigError", r"lacks headcount, "),
        ("quota = 5\n", (), "ConfigError", r"unknown key\(s\) 'quota'"),
        (
            "target = 9e6\nstart = 3e6\nheadcount = 8\nproductivity = 31250\nramp = [1]\n"
            "seasonality = [0.5, 0.4]\nmonths = 2\n",
            (),
            "InvalidInputError",
            r"config file '.*year.toml': seasonality must add up to 1",
        ),
        (
            "target = 9e6\nstart = 3e6\nheadcount = 8\nproductivity = 31250\nramp = [1]\n",
            ("--months", "0"),
            "InvalidInputError",
            r"^--months: months must be a whole number >= 1",
        ),
        (
            "target = 9e6\nstart = 3e6\nheadcount = 8\nproductivity = 31250\nramp = [1]\n"
            "[funnel]\nstages = ['demos', 'won']\nrates = ['160%']\ndeal_size = 1000\n",
            (),
            "InvalidInputError",
            r"funnel: rate from 'demos' to 'won' must be in \(0, 1\]",
        ),
        (
            "target = 9e6\nstart = 3e6\nheadcount = 8\nproductivity = 31250\nramp = [1]\n"
            "[cascade]\nEast = 0\n",
            (),
            "InvalidInputError",
            r"cascade: weights are all zero",
        ),
        (
            "[[okrs]]\nobjective = 'Grow'\nkey_results = [{ text = 'grow a lot' }]\n",
            (),
            "InvalidInputError",
            r"okrs\[0\]\.key_results\[0\]: no target figure",
        ),
    ],
)
def test_year_bad_config_is_one_clear_error(tmp_path, text, flags, error, message) -> None:
    from salesmath import errors

    with pytest.raises(getattr(errors, error), match=message):
        year(write(tmp_path, text), *flags)


# -- bounded work, round trips ---------------------------------------------------------------


def test_a_cascade_over_too_many_names_is_a_limit_error_naming_it() -> None:
    with pytest.raises(LimitError, match=r"^weights must have at most 100,000 teams or reps"):
        cascade(1_000, {str(i): 1 for i in range(100_001)})


def test_a_figure_too_long_to_read_is_refused_not_cut() -> None:
    from salesmath.annual import read_figure

    with pytest.raises(LimitError, match="characters long"):
        read_figure("1" * 150, what="actual")


def test_many_ramping_reps_cost_one_pass_per_tenure() -> None:
    import time

    began = time.perf_counter()
    plan = story(ramping=[0, 3, 6] * 100_000, months=120)
    assert time.perf_counter() - began < 10
    assert plan.rre[0] == 8 + 100_000 * (0 + Fraction(1, 4) + 1)
    # a tenure past the ramp is a ramped rep, however long
    assert story(ramping=[7, 10**9]).rre == story(headcount=10).rre


def test_results_round_trip_through_json_and_pickle() -> None:
    import pickle

    objective = Objective(
        name="Grow",
        key_results=[
            KeyResult.from_text("Increase monthly revenue from $2.2M to $3.0M", actual="$2.32M"),
            KeyResult.from_text("Achieve 7% avg gross margin", actual="5.4%"),
        ],
    )
    split = cascade(100, {"a": 1, "b": 2})
    rate = growth_rate(1, 3)
    for result in (objective, split, rate, story(hires={1: 3})):
        assert type(result).model_validate_json(result.model_dump_json()) == result
        assert pickle.loads(pickle.dumps(result)) == result
    document = json.loads(objective.model_dump_json())
    assert Fraction(document["score"]) == objective.score == Fraction(129, 280)
    assert document["key_results"][0]["progress"] == 0.15


def test_each_reps_quota_gets_its_activity_through_funnel_plan() -> None:
    # the issue: "the funnel activity each rep's quota needs (the existing Funnel.plan, per rep)"
    split = cascade(1_000_000, {"ana": 3, "bo": 1}, funnel=MODEL)
    plans = split.plans()
    assert plans["ana"].counts == MODEL.plan(750_000).counts
    # by hand: 250,000 at 25,000 a deal is 10 deals, 30 demos, 50 discos, 2,500 activities
    assert plans["bo"].counts == {"activities": 2500, "discos": 50, "demos": 30, "won": 10}
    assert str(split).splitlines()[1].split() == [
        "name", "weight", "share", "amount", "activities", "discos", "demos", "won",
    ]  # fmt: skip
    assert split.to_frame()["won"].tolist() == [30, 10]
    with pytest.raises(InvalidInputError, match="this cascade has no funnel"):
        cascade(1_000, [1]).plans()
    with pytest.raises(InvalidInputError, match="funnel must be a Funnel"):
        cascade(1_000, [1], funnel="demos")  # type: ignore[arg-type]
