import json
import math
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from salesmath import (
    Funnel,
    InvalidInputError,
    Pace,
    Projection,
    QuotaPlan,
    Schedule,
    UnknownStageError,
    sales_velocity,
)
from salesmath.numbers import MAX_AMOUNT

STAGES = ["activities", "discos", "demos", "won"]


@pytest.fixture
def funnel():
    # The worked example from the sales-math AMA.
    return Funnel(stages=STAGES, rates=["1 in 50", "60%", "1/3"], deal_size=84_000)


def test_worked_example_from_the_ama(funnel):
    # Reference: sales-math AMA — quota 250k at 84k a deal → 3 deals, 9 demos, 15 discos, 750 activities.
    plan = funnel.plan(250_000)
    assert plan.counts == {"activities": 750, "discos": 15, "demos": 9, "won": 3}
    assert list(plan.counts) == STAGES
    assert all(type(count) is int for count in plan.counts.values())
    assert plan.deals == 3
    assert plan.bookings == 252_000
    assert plan["demos"] == 9


@pytest.mark.parametrize(
    ("stages", "rates", "deal_size", "quota", "expected"),
    [
        # 21 deals at a 35% close rate need 60 demos, not 61 (float 21/0.35 = 60.00000000000001).
        (["demos", "won"], [0.35], 1, 21, {"demos": 60, "won": 21}),
        # one disco at "1 in 49" needs 49 activities, not 50 (float 1/(1/49) = 49.00000000000001).
        (
            ["activities", "discos", "won"],
            ["1 in 49", 1],
            1,
            1,
            {"activities": 49, "discos": 1, "won": 1},
        ),
        # 7,033.67 at 1,004.81 a deal is exactly 7 deals (float 7033.67/1004.81 = 7.000000000000001).
        (["demos", "won"], ["50%"], 1004.81, 7033.67, {"demos": 14, "won": 7}),
    ],
)
def test_whole_counts_carry_no_float_noise(stages, rates, deal_size, quota, expected):
    plan = Funnel(stages=stages, rates=rates, deal_size=deal_size).plan(quota)
    assert plan.counts == expected


def test_quota_of_zero_needs_nothing(funnel):
    assert funnel.plan(0).counts == dict.fromkeys(STAGES, 0)


def test_rounding_none_gives_exact_expected_counts(funnel):
    plan = funnel.plan(250_000, rounding="none")
    deals = Fraction(250_000, 84_000)
    assert plan.counts == {
        "activities": deals * 3 * Fraction(5, 3) * 50,
        "discos": deals * 3 * Fraction(5, 3),
        "demos": deals * 3,
        "won": deals,
    }
    assert plan.bookings == 250_000


def test_overall_rate_coverage_and_days(funnel):
    assert funnel.rate("activities", "won") == Fraction(1, 250)
    assert funnel.rate("discos", "demos") == Fraction(3, 5)
    assert funnel.rate("demos", "demos") == 1
    assert funnel.coverage("demos") == 3
    assert funnel.coverage("won") == 1
    assert funnel.coverage("activities") == 250
    assert funnel.conversions == ("activities_to_discos", "discos_to_demos", "demos_to_won")
    assert funnel.cycle_days is None


def test_project_runs_the_funnel_forward_exactly(funnel):
    projection = funnel.project(750)
    assert projection.counts == {"activities": 750, "discos": 15, "demos": 9, "won": 3}
    assert projection.bookings == 252_000
    from_demos = funnel.project(10, stage="demos")
    assert from_demos.counts == {"demos": 10, "won": Fraction(10, 3)}
    assert from_demos.deals == Fraction(10, 3)
    assert from_demos["won"] == Fraction(10, 3)
    with pytest.raises(InvalidInputError, match="'discos' is above 'demos'"):
        from_demos["discos"]


def test_sales_velocity_is_the_standard_formula():
    # opportunities × win rate × deal size ÷ cycle days
    assert sales_velocity(30, "25%", 20_000, 60) == 2500
    funnel = Funnel(stages=["opps", "won"], rates=["25%"], deal_size=20_000, days=[60])
    assert funnel.velocity(30) == 2500
    assert funnel.cycle_days == 60


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((30, "25%", 20_000, 0), "cycle_days must be a finite number > 0, got 0"),
        ((-1, "25%", 20_000, 60), "opportunities must be a finite number >= 0, got -1"),
        ((30, 2, 20_000, 60), "win_rate must be in (0, 1], got 2"),
        ((30, "25%", 0, 60), "deal_size must be a finite number > 0, got 0"),
    ],
)
def test_sales_velocity_rejects_bad_input(args, message):
    with pytest.raises(InvalidInputError) as info:
        sales_velocity(*args)
    assert str(info.value).startswith(message)


def test_velocity_needs_days(funnel):
    with pytest.raises(InvalidInputError, match="this funnel has no days"):
        funnel.velocity(100)


def test_pace_ceil_spread_and_none(funnel):
    plan = funnel.plan(250_000)
    ceil = plan.pace(13, rounding="ceil")
    assert ceil.targets[0] == {"activities": 58, "discos": 2, "demos": 1, "won": 1}
    assert all(t == ceil.targets[0] for t in ceil.targets)
    spread = plan.pace(13)
    assert spread.rounding == "spread"
    assert spread.totals() == plan.counts
    assert [t["won"] for t in spread.targets] == [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]
    exact = plan.pace(13, rounding="none")
    assert exact.targets[0]["activities"] == Fraction(750, 13)
    assert exact.totals() == plan.counts


@given(count=st.integers(0, 10_000), periods=st.integers(1, 60))
def test_spread_pace_adds_up_exactly_and_is_never_behind(count, periods):
    funnel = Funnel(stages=["demos", "won"], rates=[1], deal_size=1)
    pace = funnel.plan(count).pace(periods)
    done = 0
    for k, target in enumerate(pace.targets, start=1):
        assert target["won"] >= 0
        done += target["won"]
        assert done == math.ceil(Fraction(count * k, periods))
    assert done == count


@pytest.mark.parametrize("periods", [0, -1, 1.5, "thirteen", True])
def test_pace_rejects_bad_periods(funnel, periods):
    with pytest.raises(InvalidInputError, match="periods must be a whole number >= 1"):
        funnel.plan(1000).pace(periods)


def test_pace_rejects_unknown_rounding(funnel):
    with pytest.raises(InvalidInputError, match="rounding must be one of 'ceil', 'spread', 'none'"):
        funnel.plan(1000).pace(4, rounding="floor")


def test_per_rep_split(funnel):
    team = funnel.plan(252_000)
    assert team.per_rep(3).counts == {"activities": 250, "discos": 5, "demos": 3, "won": 1}
    assert team.per_rep(3).quota == 84_000
    weighted = team.per_rep({"ana": 2, "bo": 1})
    assert weighted["ana"].quota == 168_000
    assert weighted["bo"].deals == 1


@pytest.mark.parametrize("reps", [0, -2, 1.5, True, {"ana": 0}, {"ana": -1}])
def test_per_rep_rejects_bad_reps(funnel, reps):
    with pytest.raises(InvalidInputError):
        funnel.plan(1000).per_rep(reps)


def test_schedule_dates_each_stage_back_from_close():
    funnel = Funnel(
        stages=STAGES, rates=["1 in 50", "60%", "1/3"], deal_size=84_000, days=[14, 7, 30.5]
    )
    schedule = funnel.plan(250_000).schedule("2026-12-31")
    assert schedule.due == {
        "activities": date(2026, 11, 9),  # 51.5 days round up to 52
        "discos": date(2026, 11, 23),
        "demos": date(2026, 11, 30),
        "won": date(2026, 12, 31),
    }
    assert funnel.plan(250_000).schedule(date(2026, 12, 31)) == schedule


def test_schedule_bad_input(funnel):
    with pytest.raises(InvalidInputError, match="this funnel has no days"):
        funnel.plan(1000).schedule("2026-12-31")
    dated = funnel.model_copy(update={"days": (Fraction(1),) * 3})
    with pytest.raises(
        InvalidInputError, match="close_by must be a date as YYYY-MM-DD, got '31/12/2026'"
    ):
        dated.plan(1000).schedule("31/12/2026")
    with pytest.raises(InvalidInputError, match="close_by must be a date"):
        dated.plan(1000).schedule(20261231)


# -- bad input -----------------------------------------------------------------


def make(**changes):
    fields = {"stages": STAGES, "rates": ["1 in 50", "60%", "1/3"], "deal_size": 84_000}
    fields.update(changes)
    return Funnel(**fields)


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        (["1 in 50", "60%", 0], "rate from 'demos' to 'won' must be in (0, 1], got 0"),
        (["1 in 50", "60%", -0.3], "rate from 'demos' to 'won' must be in (0, 1], got -0.3"),
        (
            ["1 in 50", "60%", 1.6],
            "rate from 'demos' to 'won' must be in (0, 1], got 1.6 — write 60% as 0.6",
        ),
        ([math.nan, "60%", "1/3"], "rate from 'activities' to 'discos' must be a number in (0, 1]"),
        ([math.inf, "60%", "1/3"], "rate from 'activities' to 'discos' must be a number in (0, 1]"),
        (["1 in 50", "150%", "1/3"], "rate from 'discos' to 'demos' must be in (0, 1], got '150%'"),
        (["1 in 0", "60%", "1/3"], "rate from 'activities' to 'discos' '1 in 0' divides by zero"),
        (["1 in 50", "abc", "1/3"], "rate from 'discos' to 'demos' must be a number in (0, 1]"),
        (["1 in 50", "60%"], "rates must have one entry per conversion: 4 stages need 3, got 2"),
        (
            ["1 in 50", "60%", "1/3", "1/2"],
            "rates must have one entry per conversion: 4 stages need 3, got 4",
        ),
        ("60%", "rates must be a list, got '60%' — write ['60%'] for one"),
    ],
)
def test_bad_rates_name_the_conversion_and_the_value(rates, message):
    with pytest.raises(ValidationError) as info:
        make(rates=rates)
    assert message in str(info.value)
    assert "rates" in str(info.value)


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        (["won"], "at least 2 items"),
        ([], "at least 2 items"),
        (["demos", "demos", "won"], "stages must be unique, got 'demos' twice"),
        (["demos", "", "won"], "stages[1] must be a non-empty name, got ''"),
        (["demos", "  ", "won"], "stages[1] must be a non-empty name"),
        (["a", "b", "a_to_b"], "stage and conversion names must be unique, got 'a_to_b' twice"),
        ("demos", "valid tuple"),
        (["demos", 3, "won"], "valid string"),
    ],
)
def test_bad_stages(stages, message):
    with pytest.raises(ValidationError) as info:
        make(stages=stages, rates=["1/2"] * max(len(stages) - 1, 1))
    assert message in str(info.value)


@pytest.mark.parametrize("deal_size", [0, -84_000, math.inf, math.nan, "abc", None])
def test_bad_deal_size(deal_size):
    with pytest.raises(ValidationError, match="deal_size"):
        make(deal_size=deal_size)


def test_bad_days_and_unknown_fields():
    with pytest.raises(
        ValidationError, match="days must have one entry per conversion: 4 stages need 3, got 2"
    ):
        make(days=[1, 2])
    with pytest.raises(ValidationError, match=r"days\[1\] must be a finite number >= 0, got -2"):
        make(days=[1, -2, 3])
    with pytest.raises(ValidationError, match="deal_sise"):
        make(deal_sise=1)


@pytest.mark.parametrize("quota", [-1, math.nan, math.inf, "lots", None, True])
def test_bad_quota(funnel, quota):
    with pytest.raises(InvalidInputError, match=r"^quota must be a finite number >= 0, got "):
        funnel.plan(quota)


def test_bad_rounding(funnel):
    with pytest.raises(
        InvalidInputError, match="rounding must be one of 'ceil', 'none', got 'floor'"
    ):
        funnel.plan(1000, rounding="floor")


@pytest.mark.parametrize(
    "call",
    [
        lambda f: f.project(10, stage="demo"),
        lambda f: f.rate("demo", "won"),
        lambda f: f.rate("demos", "closed"),
        lambda f: f.coverage("Demos"),
        lambda f: f.plan(1000)["demo"],
    ],
)
def test_unknown_stage_names_the_stage_and_the_choices(funnel, call):
    with pytest.raises(UnknownStageError) as info:
        call(funnel)
    assert "unknown stage" in str(info.value)
    assert "'activities', 'discos', 'demos', 'won'" in str(info.value)
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ValueError)


def test_rate_needs_the_upper_stage_first(funnel):
    with pytest.raises(
        InvalidInputError, match=r"pass the upper stage first: rate\('demos', 'won'\)"
    ):
        funnel.rate("won", "demos")


@pytest.mark.parametrize("volume", [-1, math.nan, "x"])
def test_bad_volume(funnel, volume):
    with pytest.raises(InvalidInputError, match="volume must be a finite number >= 0"):
        funnel.project(volume)


def test_models_are_frozen(funnel):
    with pytest.raises(ValidationError, match="frozen"):
        funnel.deal_size = 1
    plan = funnel.plan(1000)
    with pytest.raises(ValidationError, match="frozen"):
        plan.quota = 5


def test_model_copy_works_out_counts_anew(funnel):
    plan = funnel.plan(250_000)
    assert plan.counts["won"] == 3
    assert plan.model_copy(update={"quota": Fraction(84_000)}).counts["won"] == 1


# -- results people read -------------------------------------------------------


def test_reprs_are_one_exact_line(funnel):
    assert repr(funnel) == (
        "Funnel(stages=['activities', 'discos', 'demos', 'won'], "
        "rates=['0.02', '0.6', '1/3'], deal_size=84000)"
    )
    assert eval(repr(funnel)) == funnel  # the repr rebuilds the funnel
    plan = funnel.plan(250_000)
    assert repr(plan) == (
        "QuotaPlan(quota=250000, rounding='ceil', "
        "counts={'activities': 750, 'discos': 15, 'demos': 9, 'won': 3})"
    )
    assert repr(funnel.project(10, stage="demos")) == (
        "Projection(volume=10, stage='demos', counts={'demos': 10, 'won': 10/3}, bookings=280000)"
    )
    assert repr(plan.pace(13)) == (
        "Pace(periods=13, rounding='spread', first={'activities': 58, 'discos': 2, 'demos': 1, 'won': 1})"
    )


def test_funnel_and_projection_tables_read_exactly():
    funnel = Funnel(
        stages=["discos", "demos", "won"], rates=["60%", "1/3"], deal_size=84_000, days=[7, 30]
    )
    assert str(funnel) == (
        "Funnel, deal size 84,000\n"
        "stage       to next  days  coverage\n"
        "------  -----------  ----  --------\n"
        "discos          60%     7        5×\n"
        "demos   1/3 (33.3%)    30        3×\n"
        "won               —     —        1×"
    )
    assert str(funnel.project(10)) == (
        "Projection of 10 discos: 2 deals expected, bookings 168,000\n"
        "stage   expected\n"
        "------  --------\n"
        "discos        10\n"
        "demos          6\n"
        "won            2"
    )


def test_html_is_the_same_table(funnel):
    plan = funnel.plan(250_000)
    html = plan._repr_html_()
    assert html.startswith(
        "<div><table><caption>Plan for quota 250,000: 3 deals at 84,000 book 252,000"
    )
    assert (
        '<td style="text-align: left">activities</td><td style="text-align: right">750</td>' in html
    )
    assert html.count("<tr>") == 1 + len(STAGES)
    assert "<script" not in Funnel(stages=["<script>", "won"], rates=[1], deal_size=1)._repr_html_()


def test_to_frame_gives_pandas(funnel):
    pd = pytest.importorskip("pandas")
    frame = funnel.plan(250_000).to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert frame["count"].to_dict() == {"activities": 750, "discos": 15, "demos": 9, "won": 3}


def test_json_round_trips_every_model():
    funnel = Funnel(
        stages=STAGES, rates=["1 in 50", "60%", "1/3"], deal_size=1004.81, days=[14, 7, 30]
    )
    plan = funnel.plan(7033.67)
    models = [
        funnel,
        plan,
        funnel.plan(1000, rounding="none"),
        funnel.project(123, stage="discos"),
        plan.pace(13, unit="week"),
        plan.schedule("2026-12-31"),
    ]
    for model in models:
        again = type(model).model_validate_json(model.model_dump_json())
        assert again == model
        assert again.model_dump() == model.model_dump()


def test_json_is_plain_and_exact(funnel):
    document = json.loads(funnel.plan(250_000).model_dump_json())
    assert document["counts"] == {"activities": 750, "discos": 15, "demos": 9, "won": 3}
    assert document["funnel"]["rates"] == [0.02, 0.6, "1/3"]
    assert document["deals"] == 3
    assert document["bookings"] == 252_000
    exact = json.loads(funnel.plan(1000, rounding="none").model_dump_json())
    assert exact["counts"]["won"] == "1/84"


def test_json_schema_carries_the_limits():
    schema = Funnel.model_json_schema()
    assert schema["properties"]["stages"]["minItems"] == 2
    rate = schema["properties"]["rates"]["items"]["anyOf"][0]
    assert rate == {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    assert schema["properties"]["deal_size"]["anyOf"][0] == {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": 10**18,
    }
    assert schema["additionalProperties"] is False
    plan_schema = QuotaPlan.model_json_schema(mode="serialization")
    assert {"counts", "deals", "bookings"} <= set(plan_schema["properties"])
    for model in (Projection, Pace, Schedule):
        assert model.model_json_schema()["type"] == "object"


# -- properties ----------------------------------------------------------------

stage_rates = st.lists(
    st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000),
    min_size=1,
    max_size=5,
)
money = st.fractions(min_value=Fraction(1, 100), max_value=10**7, max_denominator=100)


@st.composite
def funnels(draw):
    rates = draw(stage_rates)
    stages = [f"s{i}" for i in range(len(rates) + 1)]
    return Funnel(stages=stages, rates=rates, deal_size=draw(money))


quotas = st.fractions(min_value=0, max_value=10**8, max_denominator=100)


@given(funnels(), quotas)
def test_each_whole_count_is_the_smallest_that_covers_the_stage_below(funnel, quota):
    counts = list(funnel.plan(quota).counts.values())
    assert counts[-1] == math.ceil(quota / funnel.deal_size)
    for upper, lower, rate in zip(counts, counts[1:], funnel.rates, strict=False):
        assert isinstance(upper, int)
        assert upper * rate >= lower
        assert upper == 0 or (upper - 1) * rate < lower


@given(funnels(), quotas, quotas)
def test_more_quota_never_needs_less_activity(funnel, a, b):
    low, high = sorted((a, b))
    low_counts, high_counts = funnel.plan(low).counts, funnel.plan(high).counts
    assert all(low_counts[s] <= high_counts[s] for s in funnel.stages)


@given(funnels(), quotas)
def test_projecting_a_plan_books_at_least_the_quota(funnel, quota):
    plan = funnel.plan(quota)
    assume(plan[funnel.stages[0]] <= MAX_AMOUNT)  # a volume to project is read with the limits
    assert funnel.project(plan[funnel.stages[0]]).bookings >= quota
    exact = funnel.plan(quota, rounding="none")
    assert funnel.project(exact[funnel.stages[0]]).bookings == quota


@given(funnels(), quotas)
def test_whole_counts_are_the_expected_counts_rounded_up_or_more(funnel, quota):
    whole, exact = funnel.plan(quota).counts, funnel.plan(quota, rounding="none").counts
    assert all(whole[s] >= exact[s] for s in funnel.stages)


@given(funnels(), quotas)
def test_plans_round_trip_through_json(funnel, quota):
    plan = funnel.plan(quota)
    assert QuotaPlan.model_validate_json(plan.model_dump_json()).counts == plan.counts
    assert Funnel.model_validate_json(funnel.model_dump_json()) == funnel
