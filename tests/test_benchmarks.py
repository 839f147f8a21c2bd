"""Tests of the role benchmarks: RoleBenchmark, check_benchmarks and BenchmarkReport."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from pydantic import ValidationError

from salesmath import InvalidInputError, RepStats, Team
from salesmath.benchmarks import (
    DEFAULT_BENCHMARKS,
    BenchmarkReport,
    RoleBenchmark,
    check_benchmarks,
)
from salesmath.errors import UnknownMetricError, UnknownNameError

# -- role benchmarks ----------------------------------------------------------------------------


def test_default_benchmarks_are_the_references_three_rules() -> None:
    # capacity-before-hiring.txt: 200 MQLs a month for inbound SDRs, a 20% close rate for AEs,
    # 200 touches a day for outbound SDRs.
    assert [(b.role, b.metric, b.minimum, b.per) for b in DEFAULT_BENCHMARKS] == [
        ("inbound SDR", "volume", 200, "month"),
        ("AE", "close_rate", Fraction(1, 5), None),
        ("outbound SDR", "volume", 200, "day"),
    ]
    assert all("capacity-before-hiring.txt" in b.source for b in DEFAULT_BENCHMARKS)


def sdr_team() -> Team:
    return Team(
        stages=["touches", "meetings", "won"],
        reps=[
            # a quarter of data (3 months of 21 working days = 63 days)
            RepStats(
                rep="in1",
                counts={"touches": 540, "meetings": 60, "won": 0},
                bookings=0,
                role="inbound SDR",
            ),
            RepStats(
                rep="out1",
                counts={"touches": 12_600, "meetings": 90, "won": 0},
                bookings=0,
                role="Outbound SDR ",
            ),
            RepStats(
                rep="out2",
                counts={"touches": 12_599, "meetings": 90, "won": 0},
                bookings=0,
                role="outbound SDR",
            ),
            RepStats(
                rep="ae1", counts={"touches": 0, "meetings": 50, "won": 10}, bookings=1, role="AE"
            ),
            RepStats(rep="x", counts={"touches": 1, "meetings": 1, "won": 1}, bookings=1),
        ],
    )


def test_check_benchmarks_flags_each_role_against_its_rule() -> None:
    report = check_benchmarks(sdr_team(), months=3)
    assert [(c.rep, c.value, c.below) for c in report.checks] == [
        ("in1", 180, True),  # 540 MQLs in 3 months: 180 a month < 200
        ("out1", 200, False),  # 12,600 touches in 63 days: exactly 200 a day is not below
        ("out2", Fraction(12_599, 63), True),
        ("ae1", Fraction(1, 5), False),  # 10 of 50: exactly 20%
    ]
    # a rate measured from the rep's counts shows them: 10 of 50
    assert str(report) == (
        "Role benchmarks: 2 of 4 checks below\n"
        "rep   role          metric                     value  minimum  below\n"
        "----  ------------  ----------------  --------------  -------  -----\n"
        "in1   inbound SDR   volume per month             180      200    yes\n"
        "out1  outbound SDR  volume per day               200      200     no\n"
        "out2  outbound SDR  volume per day            199.98      200    yes\n"
        "ae1   AE            close_rate        10 of 50 (20%)      20%     no\n"
        "inbound SDR: work with marketing to generate more leads before adding inbound SDRs.\n"
        "outbound SDR: invest in a sales-acceleration tool or power dialer before adding "
        "outbound SDRs."
    )
    assert repr(report) == "BenchmarkReport(checks=4, below=['in1', 'out2'])"


def test_users_pass_their_own_rules() -> None:
    rule = RoleBenchmark(
        role="AE", metric="meetings_to_won", minimum="25%", action="coach", source="our 2025 review"
    )
    (check,) = check_benchmarks(sdr_team(), [rule]).checks
    assert (check.rep, check.below, check.action) == ("ae1", True, "coach")


def test_a_rule_per_month_without_months_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="needs the months the team's counts cover"):
        check_benchmarks(sdr_team())


def test_a_rule_with_an_unknown_metric_is_an_error() -> None:
    rule = RoleBenchmark(role="AE", metric="calls", minimum=1, action="x")
    with pytest.raises(ValueError, match="unknown metric 'calls'"):
        check_benchmarks(sdr_team(), [rule])


def test_bad_benchmark_values_are_errors() -> None:
    with pytest.raises(InvalidInputError, match="months must be a finite number > 0"):
        check_benchmarks(sdr_team(), months=0)
    with pytest.raises(ValidationError, match="per"):
        RoleBenchmark(role="AE", metric="volume", minimum=1, per="week", action="x")


# -- the data-span argument and its old name --------------------------------------------------


def test_span_months_is_the_data_span_and_months_its_old_name() -> None:
    assert check_benchmarks(sdr_team(), span_months=3) == check_benchmarks(sdr_team(), months=3)
    assert check_benchmarks(sdr_team(), span_months="3") == check_benchmarks(sdr_team(), months=3)


def test_span_months_and_months_together_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match=r"span_months= \(months= is its old name\)"):
        check_benchmarks(sdr_team(), span_months=3, months=3)


def test_a_bad_span_names_the_argument_given() -> None:
    with pytest.raises(InvalidInputError, match=r"^span_months must be a finite number > 0"):
        check_benchmarks(sdr_team(), span_months=-1)
    with pytest.raises(InvalidInputError, match=r"^days_per_month must be a finite number > 0"):
        check_benchmarks(sdr_team(), span_months=3, days_per_month=0)


# -- arguments of the wrong kind (issue 11) ----------------------------------------------------


def test_benchmarks_of_strings_names_the_benchmarks_argument() -> None:
    # issue 11: check_benchmarks(benchmarks=["x"]) raised AttributeError
    with pytest.raises(InvalidInputError, match=r"^benchmarks\[0\] must be a RoleBenchmark"):
        check_benchmarks(sdr_team(), benchmarks=["x"])  # type: ignore[list-item]


def test_benchmarks_none_names_the_argument_and_the_default() -> None:
    # issue 11: check_benchmarks(team, None) raised a TypeError that named nothing
    with pytest.raises(
        InvalidInputError,
        match=r"^benchmarks must be a list of RoleBenchmark, got None.*DEFAULT_BENCHMARKS",
    ):
        check_benchmarks(sdr_team(), None)  # type: ignore[arg-type]


def test_benchmarks_that_are_not_a_list_name_the_argument() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"^benchmarks must be a list of RoleBenchmark, got one RoleBenchmark",
    ):
        check_benchmarks(sdr_team(), DEFAULT_BENCHMARKS[0])  # type: ignore[arg-type]


def test_a_team_that_is_not_a_team_names_the_team_argument() -> None:
    with pytest.raises(InvalidInputError, match=r"^team must be a Team .*got 'x'"):
        check_benchmarks("x")  # type: ignore[arg-type]


def test_rules_may_be_given_as_mappings_of_their_fields() -> None:
    rule = {"role": "AE", "metric": "meetings_to_won", "minimum": "25%", "action": "coach"}
    (check,) = check_benchmarks(sdr_team(), [rule]).checks  # type: ignore[list-item]
    assert (check.rep, check.value, check.below) == ("ae1", Fraction(1, 5), True)


def test_an_unknown_metric_is_an_unknown_name_that_lists_the_metrics() -> None:
    rule = RoleBenchmark(role="AE", metric="calls", minimum=1, action="x")
    with pytest.raises(UnknownMetricError) as caught:
        check_benchmarks(sdr_team(), [rule])
    assert isinstance(caught.value, UnknownNameError)
    assert isinstance(caught.value, KeyError)
    assert str(caught.value).startswith(
        "unknown metric 'calls'; the metrics are 'volume', 'close_rate', 'touches'"
    )


def test_default_benchmarks_are_built_once() -> None:
    from salesmath import benchmarks

    assert benchmarks.DEFAULT_BENCHMARKS is benchmarks.default_benchmarks()
    with pytest.raises(AttributeError, match="has no attribute 'DEFAULT'"):
        benchmarks.DEFAULT  # noqa: B018


# -- one table, numeric; one summary -------------------------------------------------------------


def test_to_frame_has_numeric_value_and_minimum() -> None:
    from pandas.api.types import is_numeric_dtype

    frame = check_benchmarks(sdr_team(), span_months=3).to_frame()
    assert list(frame.index) == ["in1", "out1", "out2", "ae1"]
    for column in ("value", "minimum", "below"):
        assert is_numeric_dtype(frame[column]), column
    assert frame["value"].tolist() == pytest.approx([180, 200, 12_599 / 63, 0.2])
    assert frame["below"].tolist() == [True, False, True, False]


def test_a_value_that_does_not_exist_is_missing_in_the_frame_and_a_dash_in_the_table() -> None:
    from pandas.api.types import is_numeric_dtype

    team = Team(
        stages=["demos", "won"],
        reps=[
            RepStats(rep="bo", counts={"demos": 0, "won": 0}, bookings=0, role="AE"),
            RepStats(rep="cy", counts={"demos": 10, "won": 1}, bookings=1, role="AE"),
        ],
    )
    report = check_benchmarks(team)
    frame = report.to_frame()
    assert is_numeric_dtype(frame["value"])
    assert frame["value"].isna().tolist() == [True, False]
    assert str(report).splitlines()[3:] == [
        "bo   AE    close_rate              —      20%     no",
        "cy   AE    close_rate  1 of 10 (10%)      20%    yes",
        "AE: invest in coaching and training before hiring more AEs.",
    ]


def test_summary_names_each_rep_below_and_what_to_do() -> None:
    report = check_benchmarks(sdr_team(), span_months=3)
    assert report.summary() == (
        "Below their role's rule of thumb in 2 of 4 checks: in1 (inbound SDR) volume per month "
        "180, below 200; out2 (outbound SDR) volume per day 199.98, below 200. "
        "inbound SDR: work with marketing to generate more leads before adding inbound SDRs. "
        "outbound SDR: invest in a sales-acceleration tool or power dialer before adding "
        "outbound SDRs."
    )


def test_summary_when_every_check_passes_or_no_rule_applies() -> None:
    passing = Team(
        stages=["demos", "won"],
        reps=[RepStats(rep="ana", counts={"demos": 10, "won": 5}, bookings=5, role="AE")],
    )
    assert check_benchmarks(passing).summary() == "All 1 checks meet their role's rule of thumb."
    assert check_benchmarks(passing, []).summary().startswith("No rep has a role")


def test_report_round_trips_through_json() -> None:
    report = check_benchmarks(sdr_team(), span_months=3)
    again = BenchmarkReport.model_validate_json(report.model_dump_json())
    assert again == report
    assert str(again) == str(report)
    assert json.loads(report.model_dump_json())["checks"][3]["is_rate"] is True


def test_a_rate_above_one_keeps_its_value_and_prints_as_a_percentage() -> None:
    # counts need not shrink down the funnel: 15 won from 10 logged demos is 150%
    team = Team(
        stages=["demos", "won"],
        reps=[RepStats(rep="bo", counts={"demos": 10, "won": 15}, bookings=15, role="AE")],
    )
    (check,) = check_benchmarks(team).checks
    assert (check.value, check.observed, check.below) == (Fraction(3, 2), None, False)
    assert (
        str(check_benchmarks(team)).splitlines()[3]
        == "bo   AE    close_rate   150%      20%     no"
    )
