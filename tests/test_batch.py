"""Batch plans: every row equals the scalar plan of that row, exactly."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from salesmath import Funnel, InvalidInputError, LimitError, QuotaPlan
from salesmath.batch import BatchPlan, plan_batch, read_amounts, read_rates
from salesmath.numbers import MAX_AMOUNT, parse_amount, parse_rate

STAGES = ["activities", "discos", "demos", "won"]


@pytest.fixture
def funnel():
    # worked example from the sales-math AMA
    return Funnel(stages=STAGES, rates=["1 in 50", "60%", "1/3"], deal_size=84_000)


def scalar_counts(funnel, quota):
    return list(funnel.plan(quota).counts.values())


def row_counts(plans, i):
    return [int(plans.counts[s][i]) for s in plans.stages]


# -- strategies --------------------------------------------------------------------------

# rates as people give them: short decimals (the float traps live here), percentages,
# "1 in N", exact fractions
decimal_rates = st.integers(1, 10_000).map(lambda k: k / 10_000)
rates = st.one_of(
    decimal_rates,
    st.sampled_from([0.35, 0.12, 0.6, 0.02, 1 / 3, 0.1, 0.7, 1.0, 0.07, 0.29]),
    st.integers(1, 1000).map(lambda n: f"1 in {n}"),
    st.integers(1, 100).map(lambda p: f"{p}%"),
    st.tuples(st.integers(1, 50), st.integers(1, 50)).map(lambda t: Fraction(min(t), max(t))),
)
quotas = st.one_of(
    st.integers(0, 10**9),
    st.integers(0, 10**11).map(lambda c: c / 100),  # amounts in cents
    st.floats(0, 1e12, allow_nan=False),
    st.sampled_from([21.0, 1.8, 0.3, 250_000.0, 7033.67, 1e-9, 123456789.123]),
)
sizes = st.one_of(
    st.integers(1, 10**6),
    st.integers(1, 10**8).map(lambda c: c / 100),
    st.sampled_from([0.12, 0.35, 84_000.0, 0.1, 1.0]),
)


@st.composite
def funnels(draw):
    k = draw(st.integers(1, 4))
    return Funnel(
        stages=[f"s{i}" for i in range(k + 1)],
        rates=draw(st.lists(rates, min_size=k, max_size=k)),
        deal_size=draw(sizes),
    )


# -- Funnel.plan with an array ---------------------------------------------------------


def test_the_worked_example_in_a_batch(funnel):
    plans = funnel.plan(np.array([250_000, 0, 252_000]))
    assert isinstance(plans, BatchPlan)
    assert plans.counts["activities"].dtype == np.int64
    assert plans.counts["activities"].tolist() == [750, 0, 750]
    assert plans.deals.tolist() == [3, 0, 3]
    assert plans.stages == tuple(STAGES)


def test_the_float_traps_in_a_batch():
    # 21 deals at 35% need exactly 60 demos (a float ceil chain says 61)
    trap = Funnel(stages=["demos", "won"], rates=[0.35], deal_size=1)
    assert trap.plan(np.array([21.0, 21])).counts["demos"].tolist() == [60, 60]
    # 1.8 / 0.12 is 15 deals exactly (floats say 15.000000000000002, so 16)
    trap = Funnel(stages=["demos", "won"], rates=[1.0], deal_size=0.12)
    assert trap.plan(np.array([1.8])).deals.tolist() == [15]
    assert np.ceil(np.array([1.8]) / 0.12).tolist() == [16.0]  # the float chain's answer


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(funnel=funnels(), values=st.lists(quotas, min_size=1, max_size=30))
def test_every_row_of_a_batch_equals_the_scalar_plan(funnel, values):
    for i, quota in enumerate(values):  # a row the scalar plan refuses: the same error, by row
        try:
            funnel.plan(float(quota))
        except InvalidInputError as exc:
            expected = str(exc).replace("quota", f"quota[{i}]", 1)
            with pytest.raises(type(exc)) as raised:
                funnel.plan(np.array(values, dtype=np.float64))
            assert str(raised.value) == expected
            return
    plans = funnel.plan(np.array(values, dtype=np.float64))
    for i, quota in enumerate(values):
        assert row_counts(plans, i) == scalar_counts(funnel, float(quota))


@settings(max_examples=60, deadline=None)
@given(funnel=funnels(), values=st.lists(st.integers(0, MAX_AMOUNT), min_size=1, max_size=20))
def test_every_row_of_an_integer_batch_equals_the_scalar_plan(funnel, values):
    plans = funnel.plan(np.array(values, dtype=np.int64))
    for i, quota in enumerate(values):
        assert row_counts(plans, i) == scalar_counts(funnel, quota)


def test_a_batch_from_a_pandas_column_and_from_objects(funnel):
    column = pd.Series([250_000, 500_000], index=["ana", "bo"])
    assert funnel.plan(column).deals.tolist() == [3, 6]
    mixed = np.array(["250,000", Fraction(500_000), Decimal("84000.5")], dtype=object)
    plans = funnel.plan(mixed)
    assert plans.deals.tolist() == [3, 6, 2]
    assert row_counts(plans, 2) == scalar_counts(funnel, Decimal("84000.5"))


def test_rows_whose_counts_leave_int64_are_exact_python_ints():
    funnel = Funnel(stages=["leads", "won"], rates=[Fraction(1, 10**12)], deal_size=1)
    plans = funnel.plan(np.array([10**18, 5], dtype=np.int64))
    leads = plans.counts["leads"]
    assert leads.dtype == object
    assert leads.tolist() == [10**30, 5 * 10**12]
    assert plans.counts["won"].dtype == np.int64
    assert row_counts(plans, 0) == scalar_counts(funnel, 10**18)


def test_rows_with_large_intermediate_products_fall_back_and_stay_int64():
    # quota 10**18 at a deal size of 1/3: qn·sd overflows int64 on the way, the counts do not
    funnel = Funnel(stages=["demos", "won"], rates=["1/2"], deal_size=Fraction(10**6, 3))
    values = np.array([10**18, 10**17 + 1, 7], dtype=np.int64)
    plans = funnel.plan(values)
    assert plans.counts["demos"].dtype == np.int64
    for i, quota in enumerate(values.tolist()):
        assert row_counts(plans, i) == scalar_counts(funnel, quota)


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        (
            np.array([1.0, np.nan]),
            InvalidInputError,
            r"quota\[1\] must be a finite number >= 0, got nan",
        ),
        (
            np.array([1.0, 2.0, -3.0]),
            InvalidInputError,
            r"quota\[2\] must be a finite number >= 0, got -3.0",
        ),
        (
            np.array([np.inf]),
            InvalidInputError,
            r"quota\[0\] must be a finite number >= 0, got inf",
        ),
        (np.array([1e19]), LimitError, r"quota\[0\] must be at most 1,000,000,000,000,000,000"),
        (np.array([5, -1]), InvalidInputError, r"quota\[1\] must be a finite number >= 0, got -1"),
        (
            np.array([True, False]),
            InvalidInputError,
            r"quota\[0\] must be a finite number >= 0, got True",
        ),
        (
            np.array(["100", "lots"]),
            InvalidInputError,
            r"quota\[1\] must be a finite number >= 0, got 'lots'",
        ),
        (np.array([[1, 2], [3, 4]]), InvalidInputError, r"quota must be one-dimensional"),
    ],
)
def test_a_bad_row_is_a_clear_error_naming_it(funnel, values, error, message):
    with pytest.raises(error, match=message):
        funnel.plan(values)


def test_an_empty_batch(funnel):
    plans = funnel.plan(np.array([], dtype=np.float64))
    assert len(plans) == 0
    assert plans.counts["won"].tolist() == []
    assert plans.summary() == "No plans: the batch is empty."


def test_rounding_none_is_for_one_quota(funnel):
    with pytest.raises(InvalidInputError, match="rounding='none'"):
        funnel.plan(np.array([1.0]), rounding="none")


def test_row_gives_the_scalar_plan(funnel):
    plans = funnel.plan(np.array([250_000, 7033.67]))
    assert isinstance(plans.row(1), QuotaPlan)
    assert plans.row(1) == funnel.plan(7033.67)
    assert plans.row(-2) == funnel.plan(250_000)


# -- plan_batch ---------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(quotas, sizes, rates, rates), min_size=1, max_size=15),
    as_frame=st.booleans(),
)
@example(rows=[(21.0, 1.0, 1.0, 0.35), (1.8, 0.12, 1.0, 1.0)], as_frame=False)
def test_every_row_of_plan_batch_equals_its_own_funnel(rows, as_frame):
    for q, s, a, b in rows:  # a row the scalar plan refuses: plan_batch refuses it too
        try:
            Funnel(stages=["x", "y", "z"], rates=[a, b], deal_size=s).plan(q)
        except InvalidInputError as exc:
            with pytest.raises(type(exc)):
                plan_batch(
                    [r[0] for r in rows],
                    stages=["x", "y", "z"],
                    rates=[[r[2] for r in rows], [r[3] for r in rows]],
                    deal_size=[r[1] for r in rows],
                )
            return
    quota = [r[0] for r in rows]
    size = [r[1] for r in rows]
    first = [r[2] for r in rows]
    second = [r[3] for r in rows]
    if as_frame:
        frame = pd.DataFrame({"quota": quota, "size": size, "a": first, "b": second})
        plans = plan_batch(
            frame["quota"],
            stages=["x", "y", "z"],
            rates=[frame["a"], frame["b"]],
            deal_size=frame["size"],
        )
    else:
        plans = plan_batch(quota, stages=["x", "y", "z"], rates=[first, second], deal_size=size)
    for i, (q, s, a, b) in enumerate(rows):
        alone = Funnel(stages=["x", "y", "z"], rates=[a, b], deal_size=s)
        assert row_counts(plans, i) == scalar_counts(alone, q)


def test_plan_batch_with_a_funnel_and_one_column(funnel):
    plans = plan_batch(np.array([250_000, 500_000]), funnel=funnel)
    assert plans.funnel == funnel
    assert plans == funnel.plan(np.array([250_000, 500_000]))
    sized = plan_batch(250_000, funnel=funnel, deal_size=[84_000, 125_000])
    assert sized.deals.tolist() == [3, 2]
    assert sized.funnel is None


def test_plan_batch_errors_name_the_argument_and_row(funnel):
    with pytest.raises(
        InvalidInputError, match=r"rate from 'x' to 'y'\[1\] must be in \(0, 1\], got 1.6"
    ):
        plan_batch([1, 2], stages=["x", "y"], rates=[[0.5, 1.6]], deal_size=1)
    with pytest.raises(
        InvalidInputError, match=r"deal_size\[0\] must be a finite number > 0, got 0"
    ):
        plan_batch([1], stages=["x", "y"], rates=["50%"], deal_size=[0])
    with pytest.raises(InvalidInputError, match="different lengths: quota 2, deal_size 3"):
        plan_batch([1, 2], stages=["x", "y"], rates=["50%"], deal_size=[1, 2, 3])
    with pytest.raises(InvalidInputError, match="needs at least one column"):
        plan_batch(1, stages=["x", "y"], rates=["50%"], deal_size=1)
    with pytest.raises(InvalidInputError, match="one entry per conversion"):
        plan_batch([1], stages=["x", "y", "z"], rates=["50%"], deal_size=1)
    with pytest.raises(
        LimitError, match=r"rate from 'x' to 'y'\[0\] must be at least one in a trillion"
    ):
        plan_batch([1], stages=["x", "y"], rates=[[1e-13]], deal_size=1)


# -- the readers ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.floats(0, float(MAX_AMOUNT), allow_nan=False, allow_subnormal=True),
        min_size=1,
        max_size=40,
    )
)
@example([0.1 + 0.2, 1 / 3, 2.0**53 + 2, 123456789012345678.0, 1e-7, 0.35, 1.8, 1e18])
@example([0.35, 5e-324])
@example([0.5, 1.2345678901234568e17, 3.0, 2.0**53 + 2])  # fractions first, then huge floats
def test_the_float_reader_equals_parse_amount_row_by_row(values):
    refused = None
    for i, value in enumerate(values):  # a value the scalar reader refuses: the same error
        try:
            parse_amount(value)
        except InvalidInputError as exc:
            refused = type(exc), str(exc).replace("amount", f"amount[{i}]", 1)
            break
    if refused is not None:
        with pytest.raises(refused[0]) as raised:
            read_amounts(np.array(values, dtype=np.float64))
        assert str(raised.value) == refused[1]
        return
    nums, dens = read_amounts(np.array(values, dtype=np.float64))
    for value, n, d in zip(values, nums.tolist(), dens.tolist(), strict=True):
        assert Fraction(n, d) == parse_amount(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(1e-12, 1.0, allow_nan=False), min_size=1, max_size=40))
@example([0.35, 0.12, 1 / 3, 1e-12, 0.6, 1.0])
def test_the_rate_reader_equals_parse_rate_row_by_row(values):
    nums, dens = read_rates(np.array(values, dtype=np.float64))
    for value, n, d in zip(values, nums.tolist(), dens.tolist(), strict=True):
        assert Fraction(n, d) == parse_rate(value)


def test_float32_rows_read_as_their_value():
    values = np.array([0.1, 0.35], dtype=np.float32)
    nums, dens = read_amounts(values)
    assert [Fraction(n, d) for n, d in zip(nums, dens, strict=True)] == [
        parse_amount(v) for v in values
    ]


# -- reading the result -------------------------------------------------------------------


def test_a_large_batch_prints_its_first_and_last_rows_and_a_total(funnel):
    plans = funnel.plan(np.arange(0, 2_500_000, 84_000))  # 30 rows
    assert str(plans) == (
        "30 plans at 84,000 a deal: 435 deals in all\n"
        "row         quota  activities  discos  demos  won\n"
        "-----  ----------  ----------  ------  -----  ---\n"
        "0               0           0       0      0    0\n"
        "1          84,000         250       5      3    1\n"
        "2         168,000         500      10      6    2\n"
        "3         252,000         750      15      9    3\n"
        "4         336,000       1,000      20     12    4\n"
        "…               …           …       …      …    …\n"
        "25      2,100,000       6,250     125     75   25\n"
        "26      2,184,000       6,500     130     78   26\n"
        "27      2,268,000       6,750     135     81   27\n"
        "28      2,352,000       7,000     140     84   28\n"
        "29      2,436,000       7,250     145     87   29\n"
        "total  36,540,000     108,750   2,175  1,305  435\n"
        "Each row is the plan for its quota alone (whole counts at every stage).\n"
        "Showing the first and last 5 of 30 rows; to_frame() has them all."
    )
    html = plans._repr_html_()
    assert html.count("<tr>") == 13  # 11 shown rows, the total and the heading


def test_a_million_rows_print_in_a_few_lines(funnel):
    plans = funnel.plan(np.arange(1_000_000) * 1000)
    assert len(str(plans).splitlines()) == 17
    deals = -(-(np.arange(1_000_000) * 1000) // 84_000)  # ceil(quota / deal size), in int64
    assert plans.totals()["won"] == int(deals.sum())


def test_the_frame_has_every_row_and_numeric_columns(funnel):
    plans = funnel.plan(np.array([250_000, 500_000, 7033.67]))
    frame = plans.to_frame()
    assert list(frame.columns) == ["quota", "deal_size", *STAGES]
    assert frame["activities"].tolist() == [750, 1500, 250]
    assert all(dtype.kind in "if" for dtype in frame.dtypes)


def test_per_row_deal_sizes_show_in_the_table():
    plans = plan_batch(
        [21_000, 1.8], stages=["demos", "won"], rates=["35%"], deal_size=[1000, 0.12]
    )
    assert str(plans).splitlines()[:5] == [
        "2 plans: 36 deals in all",
        "row       quota  deal size  demos  won",
        "-----  --------  ---------  -----  ---",
        "0        21,000      1,000     60   21",
        "1           1.8       0.12     43   15",
    ]


def test_summary_and_repr(funnel):
    plans = funnel.plan(np.array([250_000, 500_000]))
    assert (
        repr(plans) == "BatchPlan(rows=2, stages=['activities', 'discos', 'demos', 'won'], deals=9)"
    )
    assert plans.summary() == (
        "2 plans, quotas from 250,000 to 500,000: 3 to 6 won deals a plan, 9 in all; "
        "demos from 9 to 18 a plan, 27 in all."
    )


def test_json_round_trip(funnel):
    plans = funnel.plan(np.array([250_000, 500_000]))
    text = plans.model_dump_json()
    assert '"activities":[750,1500]' in text
    again = BatchPlan.model_validate_json(text)
    assert again == plans
    assert "properties" in BatchPlan.model_json_schema()


def test_counts_are_read_only(funnel):
    plans = funnel.plan(np.array([250_000]))
    with pytest.raises(ValueError, match="read-only"):
        plans.counts["won"][0] = 7


def test_an_unknown_stage(funnel):
    with pytest.raises(KeyError, match="unknown stage 'demo'"):
        funnel.plan(np.array([1.0]))["demo"]


# -- confidence -----------------------------------------------------------------------------


def test_batch_confidence_plans_equal_the_scalar_ones(funnel):
    values = np.array([250_000, 0, 252_000, 1_000_000, 84_001])
    plans = funnel.plan(values, confidence=0.9)
    assert plans.confidence == 0.9
    for i, quota in enumerate(values.tolist()):
        assert row_counts(plans, i) == list(funnel.plan(quota, confidence=0.9).counts.values())
    assert plans.row(0) == funnel.plan(250_000, confidence=0.9)
    assert "at least 90% chance" in str(plans)


def test_batch_confidence_with_a_measured_rate():
    funnel = Funnel(stages=STAGES, rates=["1 in 50", "60%", "3 of 9"], deal_size=84_000)
    plans = funnel.plan(np.array([250_000, 84_000]), confidence="80%")
    assert row_counts(plans, 0) == list(funnel.plan(250_000, confidence=0.8).counts.values())
    assert row_counts(plans, 1) == list(funnel.plan(84_000, confidence=0.8).counts.values())
