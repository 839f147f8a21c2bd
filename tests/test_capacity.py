"""Tests of assess_capacity, CapacityReport and the role benchmarks."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from salesmath import Funnel, InvalidInputError, RepStats, Team
from salesmath.capacity import (
    DEFAULT_BENCHMARKS,
    CapacityReport,
    RoleBenchmark,
    assess_capacity,
    check_benchmarks,
)

EXAMPLES = Path(__file__).parent.parent / "examples"
STAGES = ["activities", "discos", "demos", "won"]
# The model behind the $3M year of the reference's story (capacity-before-hiring.txt),
# with the rates of the sales-math AMA's worked example.
MODEL = Funnel(stages=STAGES, rates=["1 in 50", "60%", "1/3"], deal_size=25_000)
AT_MODEL = {"activities": 3750, "discos": 75, "demos": 45, "won": 15}  # quota 375,000


def rep(
    name: str, counts: dict[str, int] | None = None, bookings: object = None, **extra: object
) -> RepStats:
    counts = dict(AT_MODEL if counts is None else counts)
    if bookings is None:
        bookings = counts["won"] * 25_000
    return RepStats(rep=name, counts=counts, bookings=bookings, **extra)


def team(*reps: RepStats) -> Team:
    return Team(stages=STAGES, reps=list(reps))


def story_team() -> Team:
    return Team.from_csv(EXAMPLES / "capacity_team.csv", stages=STAGES)


def short_on_close(name: str) -> RepStats:
    return rep(name, {**AT_MODEL, "won": 14})


# -- the story ---------------------------------------------------------------------


def test_story_team_has_three_of_eight_below_and_is_not_ready() -> None:
    report = assess_capacity(story_team(), MODEL, quota=375_000)
    assert [r.rep for r in report.underutilized] == ["fay", "gus", "hal"]
    assert report.share_below == Fraction(3, 8)
    assert report.masking_reps == ()
    assert report.ready_to_hire is False


def test_headroom_equals_the_hand_computed_multiplicative_figure() -> None:
    # By hand, bookings = activities × each conversion × deal size:
    # fay: 3,750 activities (what a 375,000 quota needs) instead of 3,000 → 300,000 × 3750/3000
    #      = 375,000, +75,000;
    # gus: 45 demos × 1/3 × 25,000 = 375,000 instead of 325,000, +50,000;
    # hal: 15 deals × 25,000 = 375,000 instead of 353,000, +22,000.
    report = assess_capacity(story_team(), MODEL, quota=375_000)
    assert {r.rep: r.gain for r in report.underutilized} == {
        "fay": 75_000,
        "gus": 50_000,
        "hal": 22_000,
    }
    assert report.headroom == 147_000


def test_story_report_reads_as_this_table() -> None:
    report = assess_capacity(story_team(), MODEL)
    assert str(report) == (
        "Capacity against the model: 3 of 8 reps (38%) below (limit 25%)\n"
        "rep  below on             actual        model    gain\n"
        "---  ------------  -------------  -----------  ------\n"
        "fay  activities            3,000        3,750  75,000\n"
        "gus  demos_to_won  13/45 (28.9%)  1/3 (33.3%)  50,000\n"
        "hal  deal_size         23,533.33       25,000  22,000\n"
        "Don't hire yet: 3 of 8 reps (38%) are below the model (limit 25%); closing their "
        "gaps adds 147,000 — 0.39 of an average rep's quota (375,000).\n"
        "Fix first: activities (fay): raise activities to what quota needs before adding reps: "
        "more leads from marketing for inbound reps, a power dialer or sales-acceleration tool "
        "for outbound (+75,000).\n"
        "Fix first: demos_to_won (gus): coach and train closing before hiring more closers "
        "(+50,000).\n"
        "Fix first: deal_size (hal): coach deal size: qualify larger accounts, hold price, "
        "sell the full package (+22,000)."
    )
    assert repr(report) == (
        "CapacityReport(reps=8, underutilized=['fay', 'gus', 'hal'], share_below=0.375, "
        "masking_reps=[], headroom=147000, ready_to_hire=False)"
    )
    html = report._repr_html_()
    assert html.startswith("<div><table><caption>Capacity against the model")
    assert "Don&#x27;t hire yet" in html


def test_report_round_trips_through_json() -> None:
    report = assess_capacity(story_team(), MODEL, tolerance="1%")
    document = json.loads(report.model_dump_json())
    assert document["headroom"] == 147_000
    assert document["share_below"] == 0.375
    assert document["underutilized"][0]["shortfalls"][0] == {
        "factor": "activities",
        "actual": 3000,
        "assumed": 3750,
    }
    again = CapacityReport.model_validate_json(report.model_dump_json())
    assert again == report
    assert again.verdict == report.verdict


def test_a_copy_with_another_tolerance_works_its_results_out_anew() -> None:
    report = assess_capacity(story_team(), MODEL)
    assert report.share_below == Fraction(3, 8)
    loose = report.model_copy(update={"tolerance": Fraction(1, 5)})
    assert loose.share_below == 0
    assert loose.headroom == 0


def test_recommendations_name_each_factor_its_reps_and_gain() -> None:
    report = assess_capacity(story_team(), MODEL)
    assert [(r.factor, r.reps, r.gain) for r in report.recommendations] == [
        ("activities", ("fay",), 75_000),
        ("demos_to_won", ("gus",), 50_000),
        ("deal_size", ("hal",), 22_000),
    ]
    assert "coach" in report.recommendations[1].action


def test_a_middle_conversion_gets_its_own_coaching_step() -> None:
    report = assess_capacity(
        team(rep("ana", {**AT_MODEL, "demos": 40, "won": 14}), rep("bo")), MODEL
    )
    factors = [r.factor for r in report.recommendations]
    assert factors == ["discos_to_demos"]
    assert report.recommendations[0].action.startswith("coach the step from discos to demos")


# -- exact comparisons and the 25% rule ----------------------------------------------


def test_three_of_nine_demos_won_is_not_below_a_one_third_assumption() -> None:
    model = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=1000)
    reps = [RepStats(rep="ana", counts={"demos": 9, "won": 3}, bookings=3000)]
    report = assess_capacity(Team(stages=["demos", "won"], reps=reps), model)
    assert report.underutilized == ()
    assert report.headroom == 0


def test_two_of_eight_below_is_ready_to_hire() -> None:
    reps = [rep(f"rep{i}") for i in range(6)] + [short_on_close("x"), short_on_close("y")]
    report = assess_capacity(team(*reps), MODEL, quota=375_000)
    assert report.share_below == Fraction(1, 4)
    assert report.ready_to_hire is True
    assert report.verdict.startswith(
        "Ready to hire: 2 of 8 reps (25%) are below the model, within the limit 25%"
    )


def test_three_of_eight_below_is_not_ready_to_hire() -> None:
    reps = [rep(f"rep{i}") for i in range(5)] + [short_on_close(n) for n in "xyz"]
    report = assess_capacity(team(*reps), MODEL, quota=375_000)
    assert report.share_below == Fraction(3, 8)
    assert report.ready_to_hire is False


def test_max_share_below_moves_the_line() -> None:
    reps = [rep(f"rep{i}") for i in range(5)] + [short_on_close(n) for n in "xyz"]
    assert assess_capacity(team(*reps), MODEL, max_share_below="40%").ready_to_hire is True


def test_tolerance_forgives_a_small_gap_exactly() -> None:
    # 14 of 45 is 31.1%: below 1/3, but not below 1/3 × 0.9 = 30%.
    reps = [short_on_close("x")]
    assert assess_capacity(team(*reps), MODEL).share_below == 1
    assert assess_capacity(team(*reps), MODEL, tolerance=0.1).share_below == 0
    # 14/45 against 1/3 × (1 - t) is equal at t = 1/15: equal is not below.
    assert assess_capacity(team(*reps), MODEL, tolerance="1/15").share_below == 0


def test_volume_uses_each_reps_own_quota_before_the_default() -> None:
    small = rep(
        "ana",
        quota=250_000,
        counts={**AT_MODEL, "activities": 3000, "discos": 60, "demos": 36, "won": 12},
    )
    unknown = rep(
        "bo", counts={**AT_MODEL, "activities": 3000, "discos": 60, "demos": 36, "won": 12}
    )
    # ana's own quota (250,000 → 10 deals → 2,500 activities) is covered; bo has no quota.
    assert assess_capacity(team(small, unknown), MODEL).underutilized == ()
    report = assess_capacity(team(small, unknown), MODEL, quota=375_000)
    assert [
        (r.rep, r.shortfalls[0].factor, r.shortfalls[0].assumed) for r in report.underutilized
    ] == [("bo", "activities", 3750)]


def test_a_rep_with_no_won_deals_closes_to_the_models_deal_size() -> None:
    # 45 demos, 0 won: demos_to_won 0 is below; deal size does not exist, so closing the
    # gap books 45 × 1/3 × 25,000 = 375,000 at the model's deal size.
    report = assess_capacity(team(rep("ana", {**AT_MODEL, "won": 0}, bookings=0)), MODEL)
    (ana,) = report.underutilized
    assert [s.factor for s in ana.shortfalls] == ["demos_to_won"]
    assert ana.gain == 375_000


# -- superstars ------------------------------------------------------------------------


def test_one_star_lifting_the_pooled_close_rate_is_named_and_blocks_hiring() -> None:
    # The reference: "two of your five sales reps are crushing their quota" — here one star
    # closes 30 of 45 demos; the other four close 14 (below 1/3), pooled 86/225 (38%).
    star = rep("star", {**AT_MODEL, "won": 30})
    reps = [
        star,
        rep("a", {**AT_MODEL, "won": 14}),
        rep("b", {**AT_MODEL, "won": 14}),
        rep("c", {**AT_MODEL, "won": 14}),
        rep("d", {**AT_MODEL, "won": 14}),
    ]
    report = assess_capacity(team(*reps), MODEL, max_share_below=1)
    assert report.masking_reps == ("star",)
    assert report.masked_factors == ("demos_to_won",)
    assert report.ready_to_hire is False
    assert report.verdict == (
        "Don't hire yet: star masks the rest: without star the pooled demos_to_won falls to "
        "14/45 (31.1%), below 1/3 (33.3%)."
    )


def test_two_stars_are_named_when_one_is_not_enough() -> None:
    stars = [rep("s1", {**AT_MODEL, "won": 20}), rep("s2", {**AT_MODEL, "won": 19})]
    rest = [rep(n, {**AT_MODEL, "won": 14}) for n in "abcd"]
    report = assess_capacity(team(*stars, *rest), MODEL, max_share_below=1)
    assert report.masking_reps == ("s1", "s2")
    assert "s1 and s2 mask the rest" in report.verdict


def test_no_star_is_looked_for_when_the_rest_would_not_outnumber_it() -> None:
    reps = [rep("star", {**AT_MODEL, "won": 30}), rep("a", {**AT_MODEL, "won": 14})]
    assert assess_capacity(team(*reps), MODEL, max_share_below=1).masking_reps == ()


# -- properties --------------------------------------------------------------------------

counts = st.tuples(st.integers(0, 400), st.integers(0, 40), st.integers(0, 30), st.integers(0, 15))
rep_rows = st.lists(
    st.tuples(counts, st.integers(0, 40_000), st.sampled_from([None, 300_000, 375_000])),
    min_size=1,
    max_size=7,
)


def build(rows: list[tuple[tuple[int, int, int, int], int, int | None]]) -> Team:
    return team(
        *(
            RepStats(
                rep=f"r{i}",
                counts=dict(zip(STAGES, c, strict=True)),
                bookings=c[3] * size,
                quota=quota,
            )
            for i, (c, size, quota) in enumerate(rows)
        )
    )


def raise_factor(stats: RepStats, factor: int, times: int) -> RepStats:
    """Raise one factor of a rep, leaving the others as they are.

    Factor 0 is volume (every count and bookings scale), 1-3 a conversion (the counts below
    it and bookings scale), 4 the deal size (bookings scale).
    """
    values = list(stats.counts.values())
    scaled = [v * times if i >= factor else v for i, v in enumerate(values)]
    return stats.model_copy(
        update={
            "counts": dict(zip(STAGES, scaled, strict=True)),
            "bookings": stats.bookings * times,
        }
    )


@given(rep_rows, st.data())
@settings(max_examples=60)
def test_raising_any_reps_metric_never_raises_share_below(rows, data) -> None:
    before = build(rows)
    index = data.draw(st.integers(0, len(rows) - 1))
    factor = data.draw(st.integers(0, 4))
    times = data.draw(st.integers(2, 3))
    reps = list(before.reps)
    reps[index] = raise_factor(reps[index], factor, times)
    after = team(*reps)
    for quota in (None, 375_000):
        assert (
            assess_capacity(after, MODEL, quota=quota).share_below
            <= assess_capacity(before, MODEL, quota=quota).share_below
        )


@given(rep_rows, st.sampled_from([0, "5%", "1/3"]))
@settings(max_examples=60)
def test_headroom_is_never_negative(rows, tolerance) -> None:
    report = assess_capacity(build(rows), MODEL, quota=375_000, tolerance=tolerance)
    assert report.headroom >= 0
    assert all(r.gain >= 0 for r in report.underutilized)
    assert report.headroom == sum(r.gain for r in report.underutilized)


@given(st.integers(1, 8), st.integers(1, 5))
@settings(max_examples=30)
def test_a_team_exactly_at_assumptions_has_no_shortfalls_and_zero_headroom(size, deals) -> None:
    plan = MODEL.plan(deals * 25_000)
    reps = [
        RepStats(rep=f"r{i}", counts=plan.counts, bookings=plan.bookings, quota=plan.quota)
        for i in range(size)
    ]
    report = assess_capacity(team(*reps), MODEL)
    assert report.underutilized == ()
    assert report.headroom == 0
    assert report.ready_to_hire is True


# -- bad input -------------------------------------------------------------------------------


def test_team_and_funnel_with_different_stages_is_an_error() -> None:
    other = Team(
        stages=["demos", "won"], reps=[RepStats(rep="a", counts={"demos": 3, "won": 1}, bookings=1)]
    )
    with pytest.raises(InvalidInputError, match=r"team stages \['demos', 'won'\] differ"):
        assess_capacity(other, MODEL)


def test_an_empty_team_is_an_error() -> None:
    empty = Team.model_construct(stages=tuple(STAGES), reps=())
    with pytest.raises(InvalidInputError, match="team has no reps"):
        assess_capacity(empty, MODEL)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tolerance": 1}, r"tolerance must be in \[0, 1\), got 1"),
        ({"tolerance": -0.1}, r"tolerance must be a finite number >= 0, got -0.1"),
        ({"max_share_below": 1.5}, r"max_share_below must be in \[0, 1\], got 1.5"),
        ({"max_share_below": "abc"}, r"max_share_below must be a finite number"),
        ({"quota": 0}, r"quota must be a finite number > 0, got 0"),
    ],
)
def test_options_out_of_range_are_errors(options, message) -> None:
    with pytest.raises(InvalidInputError, match=message):
        assess_capacity(story_team(), MODEL, **options)


def test_a_report_built_directly_is_validated_too() -> None:
    with pytest.raises(ValidationError, match=r"tolerance must be in \[0, 1\)"):
        CapacityReport(team=story_team(), assumptions=MODEL, tolerance=1)


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
    assert str(report) == (
        "Role benchmarks: 2 of 4 checks below\n"
        "rep   role          metric             value  minimum  below\n"
        "----  ------------  ----------------  ------  -------  -----\n"
        "in1   inbound SDR   volume per month     180      200    yes\n"
        "out1  outbound SDR  volume per day       200      200     no\n"
        "out2  outbound SDR  volume per day    199.98      200    yes\n"
        "ae1   AE            close_rate           20%      20%     no\n"
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
    with pytest.raises(InvalidInputError, match="unknown metric 'calls'"):
        check_benchmarks(sdr_team(), [rule])


def test_bad_benchmark_values_are_errors() -> None:
    with pytest.raises(InvalidInputError, match="months must be a finite number > 0"):
        check_benchmarks(sdr_team(), months=0)
    with pytest.raises(ValidationError, match="per"):
        RoleBenchmark(role="AE", metric="volume", minimum=1, per="week", action="x")
