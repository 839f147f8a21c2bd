"""Tests of assess_capacity, CapacityReport and the role benchmarks."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from salesmath import Funnel, InvalidInputError, RepStats, Team
from salesmath.capacity import CapacityReport, assess_capacity

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
    # a rate measured from counts shows them (13 of 45), so the sample size shows
    assert str(report) == (
        "Capacity against the model: 3 of 8 reps (37.5%) below (limit 25%)\n"
        "rep  below on                actual        model    gain\n"
        "---  ------------  ----------------  -----------  ------\n"
        "fay  activities               3,000        3,750  75,000\n"
        "gus  demos_to_won  13 of 45 (28.9%)  1/3 (33.3%)  50,000\n"
        "hal  deal_size            23,533.33       25,000  22,000\n"
        "Don't hire yet: 3 of 8 reps (37.5%) are below the model (limit 25%); closing their "
        "gaps adds 147,000 — 0.39 of an average rep's quota (375,000).\n"
        "Look first at activities (fay, +75,000): volume is the gap: fewer activities than "
        "quota needs; check whether leads (inbound: more from marketing) or outreach capacity "
        "(outbound: a power dialer or sales-acceleration tool) is short before adding reps.\n"
        "Then at demos_to_won (gus, +50,000): the close rate (demos to won) is the gap; "
        "check deal quality vs closing skill in the lost deals, then coach closing before "
        "hiring more closers.\n"
        "Then at deal_size (hal, +22,000): deal size is the gap; check mix vs price "
        "(smaller accounts or products, or deeper discounts) before coaching either: the "
        "counts cannot tell them apart."
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
    assert report.recommendations[0].action.startswith("the step from discos to demos is the gap")


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
    assert (
        report.verdict
        == report.summary()
        == (
            "Don't hire yet: star masks the rest: without star the pooled demos_to_won falls from "
            "86 of 225 (38.2%) to 56 of 180 (31.1%), below the model's 1/3 (33.3%). "
            "Look first at demos_to_won (a, b, c, d, +100,000): the close rate (demos to won) is "
            "the gap; check deal quality vs closing skill in the lost deals, then coach closing "
            "before hiring more closers."
        )
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
        ({"tolerance": -0.1}, r"tolerance must be a share in \[0, 1\) .*, got -0.1"),
        ({"max_share_below": 1.5}, r"max_share_below must be in \[0, 1\], got 1.5"),
        ({"max_share_below": "abc"}, r"max_share_below must be a share in \[0, 1\]"),
        ({"quota": 0}, r"quota must be a finite number > 0, got 0"),
    ],
)
def test_options_out_of_range_are_errors(options, message) -> None:
    with pytest.raises(InvalidInputError, match=message):
        assess_capacity(story_team(), MODEL, **options)


def test_a_report_built_directly_is_validated_too() -> None:
    with pytest.raises(ValidationError, match=r"tolerance must be in \[0, 1\)"):
        CapacityReport(team=story_team(), assumptions=MODEL, tolerance=1)


# -- the funnel argument, its old name, and arguments of the wrong kind ------------------------


def test_assumptions_still_names_the_funnel_as_a_keyword() -> None:
    old = assess_capacity(story_team(), assumptions=MODEL)
    assert old == assess_capacity(story_team(), MODEL)
    assert old.funnel is old.assumptions
    assert CapacityReport(team=story_team(), assumptions=MODEL) == old


def test_funnel_and_assumptions_together_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match=r"give the funnel once: funnel= \(assumptions="):
        assess_capacity(story_team(), MODEL, assumptions=MODEL)
    with pytest.raises(ValidationError, match="give the funnel once"):
        CapacityReport(team=story_team(), funnel=MODEL, assumptions=MODEL)


def test_no_funnel_is_an_error_that_shows_the_call() -> None:
    with pytest.raises(
        InvalidInputError, match=r"needs the funnel .*assess_capacity\(team, funnel\)"
    ):
        assess_capacity(story_team())


def test_assess_capacity_of_a_string_names_the_team_argument() -> None:
    # issue 11: assess_capacity("x", ...) raised AttributeError
    with pytest.raises(InvalidInputError, match=r"^team must be a Team \(Team.from_csv.*got 'x'"):
        assess_capacity("x", MODEL)  # type: ignore[arg-type]


def test_a_funnel_that_is_not_a_funnel_names_the_funnel_argument() -> None:
    with pytest.raises(InvalidInputError, match=r"^funnel must be a Funnel.*got \[0.5\]"):
        assess_capacity(story_team(), [0.5])  # type: ignore[arg-type]


# -- one table, numeric; one summary -------------------------------------------------------------


def test_to_frame_has_numeric_columns_and_names_the_rep_on_every_row() -> None:
    from pandas.api.types import is_numeric_dtype

    reps = [rep("ana", {**AT_MODEL, "won": 12}, bookings=12 * 20_000), rep("bo")]
    frame = assess_capacity(team(*reps), MODEL).to_frame()
    assert list(frame.index) == ["ana", "ana"]  # two shortfalls, the rep named on both rows
    assert list(frame["below on"]) == ["demos_to_won", "deal_size"]
    for column in ("actual", "model", "gain"):
        assert is_numeric_dtype(frame[column]), column
    # raw values: 12 of 45 won and a deal size of 20,000 against 1/3 and 25,000; closing the
    # close rate alone: 45 × 1/3 × 20,000 − 240,000 = 60,000; the deal size alone: 12 × 5,000
    assert frame["actual"].tolist() == pytest.approx([12 / 45, 20_000])
    assert frame["model"].tolist() == pytest.approx([1 / 3, 25_000])
    assert frame["gain"].tolist() == [60_000, 60_000]


def test_summary_is_one_paragraph_and_verdict_is_its_old_name() -> None:
    report = assess_capacity(story_team(), MODEL, quota=375_000)
    assert "\n" not in report.summary()
    assert report.verdict == report.summary()
    assert report.summary().startswith("Don't hire yet: 3 of 8 reps (37.5%) are below the model")
    assert json.loads(report.model_dump_json())["verdict"] == report.summary()


def test_masking_verdict_states_the_tolerated_line_the_test_used() -> None:
    # issue 11, item 5: with a 10% tolerance the line is 1/3 × 0.9 = 30%, not the model's 1/3.
    # With the star the pooled close rate is 82 of 225 (36.4%), above the line; without, the
    # other four close 52 of 180 (28.9%), below it.
    star = rep("star", {**AT_MODEL, "won": 30})
    rest = [rep(n, {**AT_MODEL, "won": 13}) for n in "abcd"]
    report = assess_capacity(team(star, *rest), MODEL, max_share_below=1, tolerance="10%")
    assert report.masking_reps == ("star",)
    assert (
        "without star the pooled demos_to_won falls from 82 of 225 (36.4%) to 52 of 180 "
        "(28.9%), below the line of 30% (the model's 1/3 (33.3%) less the 10% tolerance)"
    ) in report.summary()
    assert str(report).startswith(
        "Capacity against the model: 4 of 5 reps (80%) below (limit 100%, tolerance 10%)\n"
    )


def test_the_quota_comparison_is_over_the_reps_who_have_a_quota_and_says_how_many() -> None:
    # issue 11, item 4: a rep without a quota does not make the figure disappear; it is the
    # average over the 2 of 3 reps who have one (300,000 and 375,000: 337,500).
    reps = [
        rep("ana", {**AT_MODEL, "won": 14}, quota=300_000),
        rep("bo", quota=375_000),
        rep("cy"),
    ]
    report = assess_capacity(team(*reps), MODEL)
    # ana: 45 × 1/3 × 25,000 − 350,000 = 25,000; 25,000 / 337,500 = 0.074
    assert report.headroom == 25_000
    assert (
        "closing their gaps adds 25,000 — 0.07 of the average quota of the 2 of 3 reps who "
        "have one (337,500)"
    ) in report.summary()


def test_recommendations_are_hypotheses_the_counts_support() -> None:
    # issue 11, item 6: counts and bookings cannot tell a product mix from a price gap
    report = assess_capacity(story_team(), MODEL)
    actions = {r.factor: r.action for r in report.recommendations}
    assert actions["deal_size"].startswith("deal size is the gap; check mix vs price")
    assert "hold price" not in actions["deal_size"]
    assert actions["demos_to_won"].startswith("the close rate (demos to won) is the gap; check")


def test_old_imports_of_the_benchmarks_keep_working() -> None:
    from salesmath import benchmarks, capacity

    assert capacity.DEFAULT_BENCHMARKS is benchmarks.DEFAULT_BENCHMARKS
    assert capacity.check_benchmarks is benchmarks.check_benchmarks
    assert capacity.RoleBenchmark is benchmarks.RoleBenchmark


def test_importing_capacity_builds_no_benchmark_model() -> None:
    import subprocess
    import sys

    code = (
        "import salesmath.capacity, salesmath.benchmarks as b; "
        "print(b.default_benchmarks.cache_info().currsize, b.RoleBenchmark.__pydantic_complete__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False"]


# -- the columnar check equals the per-rep reference (issue 10, item 4) ------------------------


def reference(
    team: Team, funnel: Funnel, quota: object = None, tolerance: Fraction = Fraction(0)
) -> dict[str, object]:
    """The per-rep capacity check as it was before the columnar one: Fractions, rep by rep.

    Kept here, slow and plain, as the truth the columnar path must equal exactly.
    """
    keep = 1 - tolerance
    top = funnel.stages[0]
    assumed = {**dict(zip(funnel.conversions, funnel.rates, strict=True)), "deal_size": None}
    assumed["deal_size"] = funnel.deal_size
    default = None if quota is None else Fraction(quota)  # type: ignore[arg-type]
    rows = {}
    for r in team.reps:
        own = r.quota if r.quota is not None else default
        required = None if own is None else Fraction(funnel.plan(own).counts[top])
        actual = {top: Fraction(r.counts[top]), **r.conversions, "deal_size": r.deal_size}
        model = {**assumed, top: Fraction(0) if required is None else required}
        short = [n for n, v in actual.items() if v is not None and v < model[n] * keep]

        def modeled(close: tuple[str, ...] = (), actual=actual, model=model) -> Fraction:
            product = Fraction(1)
            for name, value in actual.items():
                product *= model[name] if value is None or name in close else value
            return product

        rows[r.rep] = (r, required, actual, model, short, modeled)
    below = sorted(
        (
            (
                r.rep,
                r.bookings,
                [(n, actual[n], model[n]) for n in short],
                modeled(tuple(short)) - modeled(),
            )
            for r, _, actual, model, short, modeled in rows.values()
            if short
        ),
        key=lambda u: (-u[3], u[0]),
    )

    def alone(rep: str, factor: str) -> Fraction:
        modeled = rows[rep][5]
        return modeled((factor,)) - modeled()

    order = [top, *assumed]
    recommendations = []
    for factor in order:
        reps = sorted(u[0] for u in below if factor in rows[u[0]][4])
        if reps:
            gain = sum((alone(r, factor) for r in reps), Fraction(0))
            recommendations.append((factor, tuple(reps), gain))
    recommendations.sort(key=lambda r: (-r[2], order.index(r[0])))

    def pooled(stars: list[str]) -> dict[str, tuple[Fraction, Fraction]]:
        kept = [r for r in team.reps if r.rep not in stars]
        out = {}
        known = [r for r in kept if rows[r.rep][1] is not None]
        if known:
            out[top] = (
                Fraction(sum(r.counts[top] for r in known)),
                sum((rows[r.rep][1] for r in known), Fraction(0)),
            )
        totals = {s: sum(r.counts[s] for r in kept) for s in team.stages}
        for upper, lower in itertools.pairwise(team.stages):
            if totals[upper]:
                name = f"{upper}_to_{lower}"
                out[name] = (Fraction(totals[lower], totals[upper]), assumed[name])
        if totals[team.stages[-1]]:
            booked = sum((r.bookings for r in kept), Fraction(0))
            out["deal_size"] = (booked / totals[team.stages[-1]], assumed["deal_size"])
        return out

    def pooled_below(stars: list[str]) -> dict[str, bool]:
        return {n: a < m * keep for n, (a, m) in pooled(stars).items()}

    meets = {n for n, b in pooled_below([]).items() if not b}
    ranked = [r.rep for r in sorted(team.reps, key=lambda r: (-r.bookings, r.rep))]
    masking: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    for k in (1, 2):
        if len(ranked) - k <= k:
            break
        masked = tuple(n for n, b in pooled_below(ranked[:k]).items() if b and n in meets)
        if masked:
            masking = (tuple(ranked[:k]), masked)
            break
    table = [
        (rep, factor, actual, model, alone(rep, factor))
        for rep, _, shortfalls, _ in below
        for factor, actual, model in shortfalls
    ]
    return {
        "underutilized": below,
        "share_below": Fraction(len(below), len(team.reps)),
        "headroom": sum((u[3] for u in below), Fraction(0)),
        "recommendations": recommendations,
        "masking": masking,
        "table": table,
    }


def as_reference(report: CapacityReport) -> dict[str, object]:
    """The report's results in the reference's shape."""
    return {
        "underutilized": [
            (r.rep, r.bookings, [(s.factor, s.actual, s.assumed) for s in r.shortfalls], r.gain)
            for r in report.underutilized
        ],
        "share_below": report.share_below,
        "headroom": report.headroom,
        "recommendations": [(r.factor, r.reps, r.gain) for r in report.recommendations],
        "masking": (report.masking_reps, report.masked_factors),
        "table": [tuple(row) for row in report.table().rows],
    }


big = st.integers(0, 10**18)  # MAX_AMOUNT: products of these leave int64
some_counts = st.one_of(st.integers(0, 40), st.integers(0, 3), big)
amounts = st.one_of(
    st.integers(0, 100_000), st.fractions(0, 10_000, max_denominator=100), big, st.just(0)
)
quotas = st.one_of(st.none(), st.integers(1, 2_000_000), st.fractions(1, 10**6, max_denominator=7))
rates = st.fractions(Fraction(1, 97), 1, max_denominator=97)
tolerances = st.one_of(
    st.sampled_from([0, Fraction(1, 20), Fraction(1, 3)]),
    st.fractions(0, Fraction(99, 100), max_denominator=1000),
)


@st.composite
def columnar_cases(draw):
    size = draw(st.integers(2, 4))
    stages = ["leads", "calls", "demos", "won"][-size:]
    funnel = Funnel(
        stages=stages,
        rates=draw(st.lists(rates, min_size=size - 1, max_size=size - 1)),
        deal_size=draw(
            st.one_of(st.integers(1, 50_000), st.fractions(1, 10**4, max_denominator=9))
        ),
    )
    rows = draw(
        st.lists(
            st.tuples(st.lists(some_counts, min_size=size, max_size=size), amounts, quotas),
            min_size=1,
            max_size=8,
        )
    )
    # ties: some reps are exact copies of others, under other names
    rows += [rows[i] for i in draw(st.lists(st.integers(0, len(rows) - 1), max_size=3))]
    names = draw(st.permutations([f"rep{i}" for i in range(len(rows))]))
    team = Team(
        stages=stages,
        reps=[
            RepStats(
                rep=name,
                counts=dict(zip(stages, c, strict=True)),
                bookings=booked,
                quota=own,
            )
            for name, (c, booked, own) in zip(names, rows, strict=True)
        ],
    )
    quota = draw(st.one_of(st.none(), st.integers(1, 10**6), st.sampled_from([10**18])))
    return team, funnel, quota, draw(tolerances)


@given(columnar_cases())
@settings(max_examples=150)
def test_columnar_capacity_equals_the_per_rep_reference_exactly(case) -> None:
    # zero counts, reps without a quota, exact copies (ties), counts whose products leave
    # int64, any tolerance: every figure, every model and every table row is the reference's
    team, funnel, quota, tolerance = case
    report = assess_capacity(team, funnel, quota=quota, tolerance=tolerance)
    assert as_reference(report) == reference(team, funnel, quota, Fraction(tolerance))
    for row in report.table().rows:  # a measured rate shows the rep's own counts
        upper, lower = row[1].split("_to_") if "_to_" in row[1] else (None, None)
        if upper is not None:
            assert (row[2].successes, row[2].trials) == (
                team[row[0]].counts[lower],
                team[row[0]].counts[upper],
            )


def test_columnar_capacity_of_many_reps_equals_the_reference() -> None:
    # 400 reps drawn once (a fixed seed): the sort by gain, the sums over many denominators
    import numpy as np

    rng = np.random.default_rng(10)
    activities = rng.integers(0, 5_000, 400)
    discos = rng.binomial(activities, 0.02)
    demos = rng.binomial(discos, 0.6)
    won = rng.binomial(demos, 1 / 3)
    sizes = rng.choice([20_000, 25_000, 25_000, 30_000], 400)
    reps = [
        RepStats(
            rep=f"rep{int(i):03d}",
            counts=dict(zip(STAGES, map(int, row), strict=True)),
            bookings=int(w) * int(s),
            quota=[None, 300_000, 375_000][int(i) % 3],
        )
        for i, (*row, w, s) in enumerate(
            zip(activities, discos, demos, won, won, sizes, strict=True)
        )
    ]
    many = team(*reps)
    for quota, tolerance in ((None, 0), (375_000, Fraction(1, 20))):
        report = assess_capacity(many, MODEL, quota=quota, tolerance=tolerance)
        assert as_reference(report) == reference(many, MODEL, quota, Fraction(tolerance))


def test_gains_whose_floats_tie_are_ordered_exactly() -> None:
    # 10**17 + 1 and 10**17 are one float apart from nothing: the order checks exactly
    import numpy as np

    from salesmath.capacity import _by_gain

    num = np.array([10**17, 10**17 + 1, 10**17], dtype=np.int64)
    den = np.ones(3, dtype=np.int64)
    assert _by_gain(num, den, np.array([0, 1, 2])).tolist() == [1, 0, 2]
    wide = np.array([10**400, 10**400 + 1], dtype=object)
    assert _by_gain(wide, np.array([1, 1], dtype=object), np.array([0, 1])).tolist() == [1, 0]


# -- a large team reads as a summary ----------------------------------------------------------


def test_a_large_teams_table_shows_the_largest_gains_and_counts_the_rest(monkeypatch) -> None:
    from salesmath import capacity

    # issue 10, item 4: a team with more reps below than SHOWN_REPS prints the largest gains
    # (here 2 of 5, so the output stays short) and says how many more there are
    monkeypatch.setattr(capacity, "SHOWN_REPS", 2)
    monkeypatch.setattr(capacity, "NAMED_REPS", 3)
    reps = [rep(f"r{i}", {**AT_MODEL, "won": 15 - i}) for i in range(1, 6)] + [rep("ok")]
    report = assess_capacity(team(*reps), MODEL)
    assert str(report) == (
        "Capacity against the model: 5 of 6 reps (83.3%) below (limit 25%)\n"
        "rep  below on                actual        model     gain\n"
        "---  ------------  ----------------  -----------  -------\n"
        "r5   demos_to_won  10 of 45 (22.2%)  1/3 (33.3%)  125,000\n"
        "r4   demos_to_won  11 of 45 (24.4%)  1/3 (33.3%)  100,000\n"
        "The 2 reps with the largest gains are shown; 3 more reps below the model are not "
        "(to_frame() and underutilized have every one).\n"
        "Don't hire yet: 5 of 6 reps (83.3%) are below the model (limit 25%); closing their "
        "gaps adds 375,000.\n"
        "Look first at demos_to_won (5 reps, +375,000): the close rate (demos to won) is the "
        "gap; check deal quality vs closing skill in the lost deals, then coach closing before "
        "hiring more closers."
    )
    assert repr(report) == (
        "CapacityReport(reps=6, underutilized=5 reps, share_below=5/6, "
        "masking_reps=[], headroom=375000, ready_to_hire=False)"
    )
    assert "3 more reps below the model are not" in report._repr_html_()
    assert list(report.to_frame().index) == ["r5", "r4", "r3", "r2", "r1"]
    assert [r.rep for r in report.underutilized] == ["r5", "r4", "r3", "r2", "r1"]
    assert report.recommendations[0].reps == ("r1", "r2", "r3", "r4", "r5")


def test_headroom_of_several_quotas_reads_as_times_a_quota():
    # "0.39 of an average rep's quota" reads well; "5 of an average rep's quota" does not
    team = Team(
        stages=["demos", "won"],
        reps=[
            RepStats(rep="a", counts={"demos": 30, "won": 5}, bookings=50_000, quota=10_000),
            RepStats(rep="b", counts={"demos": 30, "won": 10}, bookings=100_000, quota=10_000),
        ],
    )
    model = Funnel(stages=["demos", "won"], rates=["1/3"], deal_size=10_000)
    summary = assess_capacity(team, model).summary()
    assert "closing their gaps adds 50,000 — 5 times an average rep's quota (10,000)." in summary
