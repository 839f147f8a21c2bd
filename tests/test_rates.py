import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesmath import InvalidInputError, SalesmathError, parse_amount, parse_rate
from salesmath.rates import format_amount, format_exact, format_rate, to_json_number

# Every form DESIGN.md ("Rates") promises, with the exact value it means.
ACCEPTED_RATES = [
    (0.6, Fraction(3, 5)),
    (0.35, Fraction(7, 20)),  # a float means its shortest decimal reading
    (0.1, Fraction(1, 10)),
    (1, Fraction(1)),
    (1.0, Fraction(1)),
    (Fraction(1, 3), Fraction(1, 3)),
    (Decimal("0.35"), Fraction(7, 20)),
    ("60%", Fraction(3, 5)),
    ("12.5 %", Fraction(1, 8)),
    ("100%", Fraction(1)),
    ("0.6", Fraction(3, 5)),
    (" .6 ", Fraction(3, 5)),
    ("6e-1", Fraction(3, 5)),
    ("1/3", Fraction(1, 3)),
    ("2 / 6", Fraction(1, 3)),
    ("1 in 50", Fraction(1, 50)),
    ("1 IN 49", Fraction(1, 49)),
    ("3 in 9", Fraction(1, 3)),
    (np.float64(0.25), Fraction(1, 4)),
]


@pytest.mark.parametrize(("value", "expected"), ACCEPTED_RATES)
def test_parse_rate_reads_every_documented_form_exactly(value, expected):
    rate = parse_rate(value)
    assert rate == expected
    assert isinstance(rate, Fraction)


@pytest.mark.parametrize(
    "value",
    [
        0,
        0.0,
        -0.1,
        1.6,
        2,
        math.nan,
        math.inf,
        -math.inf,
        Decimal("NaN"),
        Decimal("Infinity"),
        "150%",
        "0%",
        "-5%",
        "1 in 0",
        "1/0",
        "abc",
        "",
        "nan",
        "inf",
        "60",
        True,
        None,
        [0.5],
        "0.5.1",
    ],
)
def test_parse_rate_rejects_bad_input_with_a_clear_error(value):
    with pytest.raises(InvalidInputError) as info:
        parse_rate(value, what="rate from 'demos' to 'won'")
    message = str(info.value)
    assert message.startswith("rate from 'demos' to 'won'")
    assert repr(value) in message
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, SalesmathError)


def test_rate_above_one_message_names_argument_rule_value_and_fix():
    # STYLE.md item 9, to the letter.
    with pytest.raises(InvalidInputError) as info:
        parse_rate(1.6, what="rate from 'demos' to 'won'")
    assert str(info.value) == (
        "rate from 'demos' to 'won' must be in (0, 1], got 1.6 — write 60% as 0.6 or \"60%\""
    )


def test_unreadable_rate_message_lists_the_accepted_forms():
    with pytest.raises(InvalidInputError) as info:
        parse_rate("abc")
    assert str(info.value) == (
        'rate must be a number in (0, 1], a percentage ("60%"), a fraction ("1/3") '
        "or \"1 in 50\", got 'abc'"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (250_000, Fraction(250_000)),
        ("250000", Fraction(250_000)),
        ("250_000", Fraction(250_000)),
        ("250,000", Fraction(250_000)),
        ("1,234,567.5", Fraction(2_469_135, 2)),
        (7033.67, Fraction(703_367, 100)),
        (Decimal("1004.81"), Fraction(100_481, 100)),
        ("1/3", Fraction(1, 3)),
        (0, Fraction(0)),
        (np.int64(12), Fraction(12)),
    ],
)
def test_parse_amount_reads_money_exactly(value, expected):
    assert parse_amount(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        -1,
        -0.01,
        math.nan,
        math.inf,
        "abc",
        "1,00",
        "12,34,567",
        "_1",
        "1__0",
        "",
        True,
        None,
        "1/0",
    ],
)
def test_parse_amount_rejects_bad_input(value):
    with pytest.raises(InvalidInputError, match=r"^quota must be a finite number >= 0, got "):
        parse_amount(value, what="quota")


def test_parse_amount_positive_rejects_zero():
    with pytest.raises(InvalidInputError, match=r"^deal_size must be a finite number > 0, got 0$"):
        parse_amount(0, what="deal_size", positive=True)


def test_json_numbers_are_exact():
    assert to_json_number(Fraction(750)) == 750
    assert isinstance(to_json_number(Fraction(750)), int)
    assert to_json_number(Fraction(3, 5)) == 0.6
    assert to_json_number(Fraction(1, 3)) == "1/3"


def test_formatting_for_people():
    assert format_exact(Fraction(1, 50)) == "0.02"
    assert format_exact(Fraction(-1, 3)) == "-1/3"
    assert format_amount(Fraction(703_367, 100)) == "7,033.67"
    assert format_amount(Fraction(5, 2)) == "2.5"
    assert format_rate(Fraction(1, 50)) == "2%"
    assert format_rate(Fraction(1, 7)) == "1/7 (14.3%)"
    assert format_rate(Fraction(1, 1024)) == "1/1024 (0.1%)"


rates = st.fractions(min_value=Fraction(1, 10**6), max_value=1, max_denominator=10**6).filter(
    lambda r: r > 0
)
amounts = st.fractions(min_value=0, max_value=10**12, max_denominator=10**4)


@given(rates)
def test_exact_rate_text_reads_back_to_the_same_rate(rate):
    assert parse_rate(format_exact(rate)) == rate


@given(amounts)
def test_json_number_reads_back_to_the_same_amount(amount):
    assert parse_amount(to_json_number(amount)) == amount


@given(st.floats(min_value=1e-9, max_value=1.0))
def test_a_float_rate_means_its_shortest_decimal_reading(value):
    assert parse_rate(value) == Fraction(Decimal(repr(value)))
