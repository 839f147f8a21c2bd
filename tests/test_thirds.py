import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.api.types import is_numeric_dtype
from scipy import stats

from salesmath import Team
from salesmath.errors import InvalidInputError, UnknownMetricError, UnknownRepError
from salesmath.numbers import MAX_AMOUNT
from salesmath.thirds import MetricRow, ThirdsComparison, compare_thirds

STAGES = ["activities", "discos", "demos", "won"]
EXAMPLES = Path(__file__).parent.parent / "examples"


def brute_force_p(top, bottom):
    """Two-sided exact permutation p-value of the rank sum, enumerating every split.

    Reps with equal values share their average rank (scipy.stats.rankdata); the
    p-value is twice the smaller tail, at most 1.
    """
    pooled = np.r_[top, bottom]
    ranks = stats.rankdata(pooled)
    n1 = len(top)
    observed = ranks[:n1].sum()
    sums = np.array([ranks[list(c)].sum() for c in itertools.combinations(range(len(pooled)), n1)])
    lower = np.mean(sums <= observed + 1e-9)
    upper = np.mean(sums >= observed - 1e-9)
    return min(1.0, 2 * min(lower, upper))


def legend(reps):
    """The table's last lines: what share of gap, p, effect and ρ mean, for a manager."""
    return [
        "share of gap: the part of the bookings gap each factor explains (they add up to 100%; "
        "negative where the bottom third does better).",
        "p: the chance of a difference this large if the metric made no difference; under 0.05 "
        "is rarely luck, though among many rows a few come by chance (Mann–Whitney U).",
        "effect: how often a top rep beats a bottom rep minus the reverse: +1 always, 0 as often "
        "as not, -1 never (Cliff's delta).",
        f"ρ bookings: how the metric moves with bookings over all {reps} reps: +1 up together, "
        "0 unrelated, -1 opposite (Spearman).",
    ]


def make_team(rows, stages=("demos", "won"), **extra):
    """rows: (rep, *counts, bookings)."""
    return Team.from_records(
        [
            {"rep": r[0], **dict(zip(stages, r[1:-1], strict=True)), "bookings": r[-1], **extra}
            for r in rows
        ],
        stages=list(stages),
    )


@pytest.fixture
def six():
    return make_team(
        [
            ("ana", 24, 11, 1_760_000),
            ("bo", 24, 10, 1_500_000),
            ("cy", 24, 8, 800_000),
            ("di", 24, 7, 700_000),
            ("ed", 24, 6, 420_000),
            ("fe", 24, 5, 350_000),
        ]
    )


@pytest.fixture
def enterprise():
    return Team.from_csv(EXAMPLES / "enterprise_team.csv", stages=STAGES)


# -- the contract ----------------------------------------------------------------


def test_enterprise_levers_are_deal_size_then_demo_to_won(enterprise):
    # Enterprise scenario from the sales-math AMA: identical activity, close rate
    # 46% vs 25% and deal size 160k vs 70k between the top and bottom thirds.
    result = compare_thirds(enterprise)
    assert result.levers() == ["deal_size", "demos_to_won"]
    assert result["demos_to_won"].top == Fraction(46, 100)
    assert result["demos_to_won"].bottom == Fraction(1, 4)
    assert result["deal_size"].top == 160_000
    assert result["deal_size"].bottom == 70_000
    assert result.top == ("Devon", "Blake", "Avery", "Casey")
    assert result.bottom == ("Kai", "Indigo", "Logan", "Jordan")
    assert result.summary() == (
        "Top third (4 reps by bookings) books 4.21× the bottom third; deal size explains 57.6% "
        "of the gap and the demos-to-won rate 42.4%."
    )


def test_transactional_example_shows_the_cycle_gap():
    # Transactional scenario from the sales-math AMA: deal cycle 39 vs 52 days.
    team = Team.from_csv(EXAMPLES / "transactional_team.csv", stages=STAGES)
    result = compare_thirds(team)
    assert result["cycle_days"].top == 39
    assert result["cycle_days"].bottom == 52
    assert result["cycle_days"].effect_size == -1.0


def test_groups_are_k_best_and_k_worst(six):
    result = compare_thirds(six)
    assert (result.reps, result.k) == (6, 2)
    assert result.top == ("ana", "bo")
    assert result.bottom == ("ed", "fe")
    assert result["won"].top == Fraction(21, 2)
    assert result["bookings"].bottom == 385_000
    assert result["bookings"].ratio == Fraction(1_630_000, 385_000)
    assert result.gap == Fraction(1_630_000, 385_000)


def test_decomposition_adds_up_to_the_log_gap(six):
    result = compare_thirds(six)
    assert list(result.decomposition) == ["demos", "demos_to_won", "deal_size"]
    assert math.fsum(result.decomposition.values()) == pytest.approx(
        math.log(1_630_000 / 385_000), abs=1e-12
    )
    assert result.decomposition["demos"] == 0.0


def test_pooled_deal_size_is_group_bookings_over_group_wins(six):
    result = compare_thirds(six)
    assert result["deal_size"].top == Fraction(1_760_000 + 1_500_000, 21)


def test_ties_are_broken_by_rep_name():
    team = make_team([(name, 10, 2, 100) for name in ["fe", "ana", "di", "cy", "bo", "ed"]])
    result = compare_thirds(team)
    assert result.top == ("ana", "bo")
    assert result.bottom == ("ed", "fe")


def test_exactly_equal_ratios_tie_and_fall_back_to_names():
    # 1/2 and 2/4 are the same conversion; the run of equal keys is sorted exactly.
    team = make_team(
        [
            ("cy", 2, 1, 10),
            ("ab", 4, 2, 20),
            ("zz", 3, 3, 30),
            ("mm", 9, 1, 5),
            ("bb", 6, 3, 1),
            ("aa", 5, 1, 1),
        ]
    )
    result = compare_thirds(team, by="demos_to_won")
    assert result.top == ("zz", "ab")
    assert result.bottom == ("aa", "mm")


def test_cycle_days_ranks_the_fastest_first():
    team = Team.from_records(
        [
            {"rep": r, "demos": 10, "won": 3, "bookings": 30, "cycle_days": c}
            for r, c in [("a", 50), ("b", 30), ("c", 40), ("d", 20)]
        ]
    )
    assert compare_thirds(team, by="cycle_days").top == ("d",)
    assert compare_thirds(team, by="cycle_days").bottom == ("a",)


def test_by_attainment():
    team = Team.from_records(
        [
            {"rep": r, "demos": 10, "won": w, "bookings": b, "quota": q}
            for r, w, b, q in [("a", 3, 300, 100), ("b", 3, 300, 600), ("c", 2, 200, 250)]
        ]
    )
    result = compare_thirds(team, by="attainment")
    assert (result.top, result.bottom) == (("a",), ("b",))
    assert result["attainment"].top == 3
    assert result["attainment"].bottom == Fraction(1, 2)


def per_rep(team, result, name):
    def values(reps):
        return [float(v) for v in (team[r].metric(name) for r in reps) if v is not None]

    return values(result.top), values(result.bottom)


def test_p_values_are_exact_permutation_p_values_over_tied_ranks(enterprise):
    # Issue 11, item 2: scipy's mannwhitneyu(method="exact") ignores ties; the p-value
    # is the exact permutation p-value of the tied (average) ranks, checked against
    # enumerating all C(8, 4) = 70 splits of the two thirds' reps.
    result = compare_thirds(enterprise)
    for row in result.metrics:
        top, bottom = per_rep(enterprise, result, row.name)
        assert row.p_value == pytest.approx(brute_force_p(top, bottom), rel=1e-12), row.name
        cliffs = sum((x > y) - (x < y) for x in top for y in bottom) / (len(top) * len(bottom))
        assert row.effect_size == pytest.approx(cliffs, abs=1e-12), row.name


def test_tied_activities_no_longer_get_scipys_untied_exact_p_value(enterprise):
    # Activities 1005, 990, 1010, 1000 (top) vs 990, 1000, 1000, 1010 (bottom): four ties.
    result = compare_thirds(enterprise)
    top, bottom = per_rep(enterprise, result, "activities")
    untied = stats.mannwhitneyu(top, bottom, alternative="two-sided", method="exact").pvalue
    assert untied == pytest.approx(31 / 35)
    assert result["activities"].p_value == pytest.approx(34 / 35)
    assert result["activities"].p_value == pytest.approx(brute_force_p(top, bottom))


def test_untied_values_keep_scipys_exact_p_value(enterprise):
    result = compare_thirds(enterprise)
    top, bottom = per_rep(enterprise, result, "bookings")
    expected = stats.mannwhitneyu(top, bottom, alternative="two-sided", method="exact")
    assert result["bookings"].p_value == pytest.approx(expected.pvalue, rel=1e-12)


def test_spearman_is_over_every_rep(enterprise):
    result = compare_thirds(enterprise)
    deal_sizes = [float(rep.deal_size) for rep in enterprise.reps]
    bookings = [float(rep.bookings) for rep in enterprise.reps]
    expected = stats.spearmanr(deal_sizes, bookings).statistic
    assert result["deal_size"].spearman == pytest.approx(expected, abs=1e-12)
    assert result["bookings"].spearman == 1.0
    assert result["demos"].spearman == pytest.approx(
        stats.spearmanr([r.counts["demos"] for r in enterprise.reps], bookings).statistic
    )


def test_constant_metric_has_no_correlation(six):
    assert compare_thirds(six)["demos"].spearman is None


def test_large_groups_use_the_tie_corrected_normal_approximation():
    # 110 reps a group, many tied win counts: scipy's mannwhitneyu(method="asymptotic")
    # with its tie and continuity corrections.
    rng = np.random.default_rng(7)  # fixed data set, not a reseeded test
    rows = [
        (f"r{i:03d}", 50, int(w), int(w) * int(s))
        for i, (w, s) in enumerate(
            zip(rng.integers(0, 20, 330), rng.integers(1, 9, 330), strict=True)
        )
    ]
    team = make_team(rows)
    result = compare_thirds(team)
    top = [team[r].counts["won"] for r in result.top]
    bottom = [team[r].counts["won"] for r in result.bottom]
    expected = stats.mannwhitneyu(top, bottom, alternative="two-sided", method="asymptotic")
    assert result["won"].p_value == pytest.approx(expected.pvalue, rel=1e-9)


def test_counts_beyond_float_precision_stay_exact():
    # Counts just below salesmath's limit (10**18), far beyond a float's 2**53, and
    # group totals beyond int64: every group value is still exact.
    big = MAX_AMOUNT - 2
    assert float(big) == float(MAX_AMOUNT)  # a float could not tell them apart
    rows = [(f"r{i}", big, big // 2, big - i) for i in range(9)] + [("z", big, 1, 1)]
    team = make_team(rows)
    result = compare_thirds(team)
    assert result["demos"].top == big
    assert result["demos_to_won"].top == Fraction(1, 2)
    assert result["bookings"].top == big - 1
    assert result.bottom == ("r7", "r8", "z")
    assert result["deal_size"].bottom == Fraction(2 * big - 14, big + 1)
    by_won = compare_thirds(team, by="won")
    assert (by_won.top, by_won.bottom) == (("r0", "r1", "r2"), ("r7", "r8", "z"))


def test_fractional_ratios_rank_exactly_with_ties_by_name():
    team = Team.from_records(
        [
            {"rep": r, "demos": 10, "won": 3, "bookings": b, "quota": q, "cycle_days": c}
            for r, b, q, c in [
                ("d", 100, 300, "40.5"),
                ("c", 200, 600, "40.5"),
                ("b", 1, 3, "80/3"),
                ("a", 90, 300, 27),
            ]
        ]
    )
    # d, c and b all attain exactly 1/3; a attains 3/10
    assert compare_thirds(team, by="attainment").top == ("b",)
    assert compare_thirds(team, by="attainment").bottom == ("a",)
    assert compare_thirds(team, by="cycle_days").top == ("b",)
    assert compare_thirds(team, by="cycle_days").bottom == ("d",)
    assert compare_thirds(team, by="deal_size").top == ("c",)


# -- small teams -----------------------------------------------------------------


def test_three_reps_a_group_cannot_reach_p_below_a_tenth(enterprise):
    nine = enterprise.without(["Avery", "Emery", "Indigo"])
    result = compare_thirds(nine)
    assert result.k == 3
    assert result.min_p_value == pytest.approx(0.1)
    assert any("no p-value can fall below 0.1" in note for note in result.notes)
    assert "no p-value can fall below 0.1: read the differences as leads" in result.summary()
    assert all(row.p_value is None or row.p_value >= 0.1 - 1e-12 for row in result.metrics)


def test_four_reps_a_group_say_nothing_about_the_floor(enterprise):
    result = compare_thirds(enterprise)
    assert result.min_p_value == pytest.approx(2 / 70)
    assert not any("no p-value can fall below" in note for note in result.notes)


# -- zero wins -------------------------------------------------------------------


@pytest.fixture
def zero_bottom():
    return make_team(
        [
            ("ana", 1000, 40, 24, 11, 1_760_000),
            ("bo", 1000, 40, 20, 9, 1_400_000),
            ("cy", 900, 36, 20, 7, 700_000),
            ("di", 800, 30, 12, 1, 50_000),
            ("ed", 1000, 20, 10, 0, 0),
            ("fe", 700, 10, 5, 0, 0),
        ],
        stages=STAGES,
    )


def test_zeroed_conversion_is_the_first_lever(zero_bottom):
    result = compare_thirds(zero_bottom)
    assert result.bottom == ("ed", "fe")
    assert result.zeroed == ("demos_to_won",)
    assert result["demos_to_won"].bottom == 0
    assert result["demos_to_won"].ratio is None
    assert result["deal_size"].bottom is None
    assert result.decomposition["demos_to_won"] is None
    assert result.decomposition["deal_size"] is None
    assert result.gap is None
    assert result.levers(3)[0] == "demos_to_won"
    assert result.levers(3)[1:] == ["activities_to_discos", "activities"]
    assert result.summary() == (
        "Top third (2 reps by bookings) books 1,580,000 a rep on average, the bottom third "
        "nothing; the bottom third's demos-to-won rate is zero, the first lever, then the "
        "activities-to-discos rate (2.27× the bottom third's), activities per rep (1.18× the "
        "bottom third's) and the discos-to-demos rate (1.1× the bottom third's). With 2 reps a "
        "group no p-value can fall below 0.33: read the differences as leads to check, not proof."
    )


def test_nothing_that_does_not_exist_is_shown_as_a_number(zero_bottom):
    result = compare_thirds(zero_bottom)
    text = result.model_dump_json()
    assert "NaN" not in text
    assert "Infinity" not in text
    data = json.loads(text)
    assert data["decomposition"]["deal_size"] is None
    deal_size = next(row for row in data["metrics"] if row["name"] == "deal_size")
    assert deal_size["bottom"] is None
    table = str(result)
    for word in ("nan", "inf", "∞"):
        assert word not in table.lower()
    assert table == "\n".join(
        [
            "Top vs bottom third by bookings: 2 of 6 reps each",
            "metric                      top  bottom  ratio  share of gap     p  effect  ρ bookings",
            "--------------------  ---------  ------  -----  ------------  ----  ------  ----------",
            "activities                1,000     850  1.18×             —     1   +0.50       +0.52",
            "discos                       40      15  2.67×             —  0.33   +1.00       +0.97",
            "demos                        22     7.5  2.93×             —  0.33   +1.00       +0.97",
            "won                          10       0      —             —  0.33   +1.00       +1.00",
            "activities_to_discos         4%    1.8%  2.27×             —  0.33   +1.00       +0.92",
            "discos_to_demos             55%     50%   1.1×             —     1   +0.50       +0.59",
            "demos_to_won              45.5%      0%      —        zeroed  0.33   +1.00       +1.00",
            "deal_size               158,000       —      —             —     —       —       +1.00",
            "bookings              1,580,000       0      —             —  0.33   +1.00       +1.00",
            "Each third is 2 reps; the middle 2 are in neither.",
            "With 2 reps a group no p-value can fall below 0.33; read the differences as leads "
            "to check, not proof.",
            "The bottom third's demos_to_won is zero: that factor is the first lever.",
            "The bottom third won no deals, so it has no deal size (—).",
            *legend(6),
        ]
    )


def test_values_that_do_not_exist_are_missing_in_the_frame(zero_bottom):
    frame = compare_thirds(zero_bottom).to_frame()
    assert frame.loc["demos_to_won", "ratio"] != frame.loc["demos_to_won", "ratio"]  # NaN
    assert math.isnan(frame.loc["deal_size", "bottom"])
    assert frame.loc["demos_to_won", "top"] == pytest.approx(10 / 22)


def test_summary_names_an_offsetting_factor():
    # Issue 11, item 3: one office's summary said "opportunities per rep explains 155% of
    # the gap" and stopped; the bottom third's larger deals offset -54%, and must be said.
    team = make_team(
        [
            ("a", 100, 20, 200_000),
            ("b", 90, 18, 190_000),
            ("c", 60, 10, 150_000),
            ("d", 50, 8, 130_000),
            ("e", 30, 5, 120_000),
            ("f", 28, 5, 110_000),
        ],
        stages=("opportunities", "won"),
    )
    result = compare_thirds(team)
    shares = result.shares()
    assert shares["deal_size"] == pytest.approx(-1.528, abs=1e-3)
    assert result.levers() == ["opportunities", "opportunities_to_won"]
    assert result.summary() == (
        "Top third (2 reps by bookings) books 1.7× the bottom third; opportunities per rep "
        "explains 224.7% of the gap and the opportunities-to-won rate 28.1%, while the bottom "
        "third's larger deals offset -152.8%. With 2 reps a group no p-value can fall below "
        "0.33: read the differences as leads to check, not proof."
    )


def test_summary_names_every_factor_above_a_tenth_of_the_gap():
    # Transactional scenario from the sales-math AMA: the gap is spread over four factors;
    # deal size (4.2%) is below the 10% line and left to the table.
    team = Team.from_csv(EXAMPLES / "transactional_team.csv", stages=STAGES)
    assert compare_thirds(team).summary() == (
        "Top third (5 reps by bookings) books 1.72× the bottom third; the activities-to-discos "
        "rate explains 38% of the gap, the discos-to-demos rate 26.7%, the demos-to-won rate "
        "20.2% and activities per rep 10.9%."
    )


def test_summary_without_a_gap_says_who_is_ahead_on_what():
    # Ranked by wins, the top third books less: no shares, so each factor beyond 10%
    # either way is named by its ratio.
    team = make_team(
        [
            ("a", 100, 20, 200_000),
            ("b", 90, 18, 190_000),
            ("c", 60, 10, 150_000),
            ("d", 50, 8, 130_000),
            ("e", 30, 5, 1_200_000),
            ("f", 28, 5, 1_100_000),
        ],
        stages=("opportunities", "won"),
    )
    result = compare_thirds(team, by="won")
    assert set(result.shares().values()) == {None}
    assert result.summary() == (
        "Top third (2 reps by won) books 0.17× the bottom third; the top third is ahead on "
        "opportunities per rep (3.28× the bottom third's) and the opportunities-to-won rate "
        "(1.16× the bottom third's), while the bottom third's deal size is 22.41× the top "
        "third's. With 2 reps a group no p-value can fall below 0.33: read the differences as "
        "leads to check, not proof."
    )


def test_summary_with_a_zeroed_conversion_but_bookings_left():
    # A rep with bookings but no logged win: the bottom third's close rate is zero while
    # its bookings are not, so the gap is finite but the decomposition is not complete.
    team = make_team([("a", 10, 5, 500), ("b", 10, 3, 300), ("c", 10, 0, 50)])
    result = compare_thirds(team)
    assert (result.zeroed, result.gap) == (("demos_to_won",), 10)
    assert result.summary() == (
        "Top third (1 rep by bookings) books 10× the bottom third; the bottom third's "
        "demos-to-won rate is zero, the first lever. With 1 rep a group no p-value can fall "
        "below 1: read the differences as leads to check, not proof."
    )


# -- outliers --------------------------------------------------------------------


def test_exclude_drops_reps_first(six):
    result = compare_thirds(six, exclude=["ana", "fe"])
    assert result.reps == 4
    assert result.excluded == ("ana", "fe")
    assert (result.top, result.bottom) == (("bo",), ("ed",))
    assert "Excluded: ana, fe." in result.notes[0]
    assert compare_thirds(six, exclude="ana").excluded == ("ana",)


def test_a_whale_deal_can_be_neutralised_without_dropping_the_rep():
    # "the largest deal in segment history" (sales-math AMA) lifts one rep into the top third.
    team = make_team(
        [
            ("ana", 24, 8, 800_000),
            ("bo", 24, 7, 700_000),
            ("cy", 24, 6, 600_000),
            ("di", 24, 3, 2_300_000),
        ]
    )
    assert compare_thirds(team).top == ("di",)
    cleaned = team.without_deal("di", 2_000_000)
    result = compare_thirds(cleaned)
    assert result.top == ("ana",)
    assert result.bottom == ("di",)
    assert "di" in cleaned


# -- reading ---------------------------------------------------------------------


def test_repr_is_one_line(six):
    assert repr(compare_thirds(six)) == (
        "ThirdsComparison(by='bookings', reps=6, k=2, gap=4.23, levers=['deal_size', 'demos_to_won'])"
    )


def test_table_text(six):
    assert str(compare_thirds(six)) == "\n".join(
        [
            "Top vs bottom third by bookings: 2 of 6 reps each; the top books 4.23× the bottom",
            "metric              top   bottom  ratio  share of gap     p  effect  ρ bookings",
            "------------  ---------  -------  -----  ------------  ----  ------  ----------",
            "demos                24       24     1×            0%     1   +0.00           —",
            "won                10.5      5.5  1.91×             —  0.33   +1.00       +1.00",
            "demos_to_won      43.8%    22.9%  1.91×         44.8%  0.33   +1.00       +1.00",
            "deal_size     155,238.1   70,000  2.22×         55.2%  0.33   +1.00       +0.97",
            "bookings      1,630,000  385,000  4.23×             —  0.33   +1.00       +1.00",
            "Each third is 2 reps; the middle 2 are in neither.",
            "With 2 reps a group no p-value can fall below 0.33; read the differences as leads "
            "to check, not proof.",
            *legend(6),
        ]
    )


def test_html_and_frame_are_views_of_the_table(six):
    result = compare_thirds(six)
    html = result._repr_html_()
    assert html.startswith("<div><table><caption>Top vs bottom third by bookings")
    assert '<td style="text-align: right">43.8%</td>' in html
    frame = result.to_frame()
    assert list(frame.index) == ["demos", "won", "demos_to_won", "deal_size", "bookings"]


NUMERIC_COLUMNS = ["top", "bottom", "ratio", "share of gap", "p", "effect", "ρ bookings"]


@pytest.mark.parametrize("team", ["six", "enterprise", "zero_bottom"])
def test_frame_columns_are_numbers_not_text(team, request):
    # Issue 8: to_frame() returned text such as "1.7×"; now raw numbers, sortable.
    result = compare_thirds(request.getfixturevalue(team))
    frame = result.to_frame()
    assert list(frame.columns) == NUMERIC_COLUMNS
    for column in NUMERIC_COLUMNS:
        assert is_numeric_dtype(frame[column]), column
    ratio = frame.loc["bookings", "ratio"]
    assert math.isnan(ratio) if result.gap is None else ratio == pytest.approx(float(result.gap))
    assert frame.loc["bookings", "p"] == pytest.approx(result["bookings"].p_value)


def test_frame_holds_the_exact_values_as_floats(six):
    frame = compare_thirds(six).to_frame()
    assert frame.loc["demos_to_won", "top"] == 7 / 16
    assert frame.loc["deal_size", "top"] == pytest.approx(3_260_000 / 21)
    assert frame.loc["demos_to_won", "share of gap"] == pytest.approx(0.448, abs=1e-3)
    assert math.isnan(frame.loc["demos", "ρ bookings"])


def test_json_round_trip(six):
    result = compare_thirds(six)
    again = ThirdsComparison.model_validate_json(result.model_dump_json())
    assert again == result
    assert again.levers() == result.levers()
    assert "metrics" in ThirdsComparison.model_json_schema()["properties"]


def test_conversions_above_one_are_flagged():
    team = make_team([("a", 2, 4, 40), ("b", 3, 3, 30), ("c", 4, 1, 10)])
    result = compare_thirds(team)
    assert result["demos_to_won"].top == 2
    assert any("demos_to_won exceeds 100%" in note for note in result.notes)


def test_shares_are_none_without_a_gap_to_explain():
    team = make_team([("a", 10, 2, 100), ("b", 10, 2, 100), ("c", 10, 2, 100)])
    result = compare_thirds(team)
    assert result.gap == 1
    assert set(result.shares().values()) == {None}
    assert result.levers() == []
    assert result.summary() == (
        "Top third (1 rep by bookings) books as much as the bottom third. With 1 rep a group "
        "no p-value can fall below 1: read the differences as leads to check, not proof."
    )
    frame = result.to_frame()
    assert frame["share of gap"].isna().all()
    assert is_numeric_dtype(frame["share of gap"])


# -- bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"by": "close_rate"},
            InvalidInputError,
            r"by must be one of 'demos', 'won', 'demos_to_won', 'bookings'",
        ),
        ({"exclude": ["zed"]}, UnknownRepError, "unknown rep 'zed'"),
        (
            {"exclude": ["ana", "bo", "cy", "di"]},
            InvalidInputError,
            r"needs at least 3 reps after excluding 'ana', 'bo', 'cy', 'di', got 2",
        ),
        (
            {"by": "attainment"},
            InvalidInputError,
            r"by='attainment' needs a value for every rep, but 6 have none \(no quota\): 'ana', 'bo', 'cy', 'di', 'ed' \.\.\.",
        ),
    ],
)
def test_bad_arguments(six, kwargs, error, message):
    with pytest.raises(error, match=message):
        compare_thirds(six, **kwargs)


def test_too_few_reps():
    with pytest.raises(InvalidInputError, match="needs at least 3 reps, got 2"):
        compare_thirds(make_team([("a", 1, 1, 1), ("b", 1, 1, 1)]))


def test_rank_by_deal_size_needs_wins():
    team = make_team([("a", 10, 2, 100), ("b", 10, 0, 0), ("c", 10, 1, 10)])
    with pytest.raises(
        InvalidInputError,
        match=r"by='deal_size' needs a value for every rep, but 1 has none \(no won deals\): 'b'",
    ):
        compare_thirds(team, by="deal_size")
    with pytest.raises(InvalidInputError, match=r"\(0 at 'demos'\)"):
        compare_thirds(
            make_team([("a", 0, 0, 0), ("b", 1, 1, 1), ("c", 1, 1, 1)]), by="demos_to_won"
        )


def test_team_must_be_a_team():
    with pytest.raises(InvalidInputError, match=r"team must be a salesmath\.Team, got list"):
        compare_thirds([1, 2, 3])


def test_bad_lookups(six):
    result = compare_thirds(six)
    with pytest.raises(
        UnknownMetricError,
        match="unknown metric 'close'; the metrics are 'demos', 'won', 'demos_to_won', ",
    ):
        result["close"]
    with pytest.raises(InvalidInputError, match="n must be a whole number >= 1, got 0"):
        result.levers(0)


def test_an_unknown_metric_is_a_key_error(six):
    result = compare_thirds(six)
    with pytest.raises(KeyError):
        result["nope"]
    with pytest.raises(UnknownMetricError) as caught:
        result["nope"]
    assert caught.value.name == "nope"
    assert "deal_size" in caught.value.known


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # issue 11: compare_thirds(team, exclude=5) raised a bare TypeError
        (lambda t: compare_thirds(t, exclude=5), "exclude must be a list, got 5"),
        (lambda t: compare_thirds(t, exclude=None), "exclude must be a list, got None"),
        (lambda t: compare_thirds(t, exclude=[5]), r"exclude\[0\] must be a name \(text\), got 5"),
        (lambda t: compare_thirds(t, exclude={"ana": 1}), "exclude must be a list"),
        (lambda t: compare_thirds(t, by="x"), "by must be one of 'demos', 'won', .*, got 'x'"),
        (lambda t: compare_thirds(t, by=5), "by must be one of 'demos', .*, got 5"),
        (lambda t: compare_thirds(t, by=None), "by must be one of 'demos', .*, got None"),
        (lambda t: compare_thirds(t).levers(0), "n must be a whole number >= 1, got 0"),
        (lambda t: compare_thirds(t).levers(True), "n must be a whole number >= 1, got True"),
        (lambda t: compare_thirds(t).levers(1.5), "n must be a whole number >= 1, got 1.5"),
        (lambda t: compare_thirds(t).levers("two"), "n must be a whole number >= 1, got 'two'"),
        (lambda t: compare_thirds(t).levers(None), "n must be a whole number >= 1, got None"),
    ],
)
def test_bad_input_is_a_value_error_naming_the_argument(six, call, message):
    with pytest.raises(ValueError, match=message) as caught:
        call(six)
    assert isinstance(caught.value, InvalidInputError)


def test_levers_reads_a_whole_number_written_as_a_float(six):
    assert compare_thirds(six).levers(1.0) == ["deal_size"]


def test_metric_row_rejects_impossible_statistics():
    with pytest.raises(ValueError, match="p_value"):
        MetricRow(
            name="won",
            kind="stage",
            top=1,
            bottom=1,
            ratio=1,
            p_value=1.5,
            effect_size=0,
            spearman=None,
        )


# -- properties ----------------------------------------------------------------

rep_rows = st.lists(
    st.tuples(
        st.integers(1, 400),  # discos
        st.integers(1, 200),  # demos
        st.integers(1, 60),  # won
        st.integers(1, 50_000),  # deal size
    ),
    min_size=3,
    max_size=12,
)


def team_of(rows):
    return make_team(
        [(f"r{i:02d}", d, m, w, w * size) for i, (d, m, w, size) in enumerate(rows)],
        stages=("discos", "demos", "won"),
    )


@settings(max_examples=30)
@given(rep_rows)
def test_decomposition_always_adds_up_to_the_log_of_the_bookings_gap(rows):
    result = compare_thirds(team_of(rows))
    values = list(result.decomposition.values())
    assert all(v is not None for v in values)
    total = math.log(result["bookings"].top / result["bookings"].bottom)
    assert math.fsum(values) == pytest.approx(total, abs=1e-9)
    assert result.log_gap == pytest.approx(total, abs=1e-12)


@settings(max_examples=25)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), min_size=3, max_size=12),
    st.randoms(use_true_random=False),
)
def test_groups_never_depend_on_input_order(rows, random):
    team = make_team([(f"r{i}", 5, w, b) for i, (b, w) in enumerate(rows)])
    shuffled_reps = list(team.reps)
    random.shuffle(shuffled_reps)
    shuffled = Team(stages=team.stages, reps=shuffled_reps)
    for by in ("bookings", "won"):
        a, b = compare_thirds(team, by=by), compare_thirds(shuffled, by=by)
        assert (a.top, a.bottom) == (b.top, b.bottom)
        assert a.metrics == b.metrics


@settings(max_examples=20)
@given(rep_rows)
def test_top_third_never_books_less_than_the_bottom_when_ranked_by_bookings(rows):
    result = compare_thirds(team_of(rows))
    assert result["bookings"].top >= result["bookings"].bottom


def strict_json(text):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 10), st.integers(0, 900)),
        min_size=3,
        max_size=10,
    ),
    st.sampled_from(["bookings", "won", "discos"]),
)
def test_every_view_reads_without_nan_inf_or_a_crash(rows, by):
    team = team_of_any(rows)
    result = compare_thirds(team, by=by)
    text = "\n".join([str(result), result.summary(), repr(result), result._repr_html_()])
    for word in ("nan", "inf", "∞"):
        assert word not in text.lower()
    strict_json(result.model_dump_json())
    frame = result.to_frame()
    for column in frame.columns:
        assert is_numeric_dtype(frame[column]), column


def team_of_any(rows):
    """Reps with any counts, zeros included: (discos, demos, won, bookings)."""
    return make_team(
        [(f"r{i:02d}", d, m, w, b) for i, (d, m, w, b) in enumerate(rows)],
        stages=("discos", "demos", "won"),
    )


# -- speed without changing a value (issue 10) --------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.integers(0, 6).map(float), st.floats(0, 5), st.just(math.nan)),
        min_size=80,
        max_size=240,
    ),
    data=st.data(),
)
def test_one_sort_ranks_every_subset_as_ranking_it_alone(values, data):
    from salesmath._rankstats import SortedColumn, _doubled_ranks, mann_whitney, mann_whitney_within

    column = np.array(values)
    n = len(values)
    picks = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    x = np.array([p == 1 for p in picks])
    y = np.array([p == 2 for p in picks])
    sorted_column = SortedColumn(column)
    members = (x | y) & ~np.isnan(column)
    doubled, sizes = sorted_column.doubled(members)
    if members.any():
        expected, expected_sizes = _doubled_ranks(column[members])
        assert doubled[members].tolist() == expected.tolist()
        assert sizes.tolist() == expected_sizes.tolist()
    test = mann_whitney_within(sorted_column, x, y)
    left, right = column[x & ~np.isnan(column)], column[y & ~np.isnan(column)]
    if len(left) and len(right):
        assert test == mann_whitney(left, right)  # bit for bit, exact or asymptotic
    else:
        assert test is None


def test_comparing_a_team_again_reuses_the_sorts_kept_in_its_own_columns():
    # The sorts live in the team's columns (team._data.cache), so they go with the team:
    # no module-level cache to look up or to forget.
    rng = np.random.default_rng(7)
    team = Team.from_records(
        [
            {"rep": f"r{i:03d}", "demos": int(d), "won": int(w), "bookings": int(w) * 1000}
            for i, (d, w) in enumerate(
                zip(rng.integers(5, 30, 300), rng.integers(0, 5, 300), strict=True)
            )
        ]
    )
    first = compare_thirds(team)
    cache = team._data.cache
    kept = {key: value for key, value in cache.items() if key.startswith("thirds.")}
    assert "thirds.spearman" in kept
    assert "thirds.sorted.demos_to_won" in kept
    assert compare_thirds(team) == first
    assert all(cache[key] is value for key, value in kept.items())  # nothing sorted again
    assert compare_thirds(team, by="demos") == compare_thirds(team.without([]), by="demos")


def test_attainment_is_over_the_reps_with_a_quota_when_some_have_none():
    # Issue 11, item 4: the attainment row disappeared when any rep had no quota.
    rows = [
        {"rep": f"r{i}", "demos": 10 + i, "won": 3 + i % 4, "bookings": 100_000 * (i + 1)}
        | ({"quota": 500_000} if i % 3 else {})
        for i in range(9)
    ]
    comparison = compare_thirds(Team.from_records(rows, stages=["demos", "won"]))
    row = comparison["attainment"]
    # top third r8, r7, r6 (quotas: r8, r7); bottom r0, r1, r2 (quotas: r1, r2)
    assert row.top == Fraction(900_000 + 800_000, 2 * 500_000)
    assert row.bottom == Fraction(200_000 + 300_000, 2 * 500_000)
    assert "Attainment is over the 6 of 9 reps who have a quota (3 have none)." in str(comparison)
    pandas = pytest.importorskip("pandas")
    assert pandas.api.types.is_numeric_dtype(comparison.to_frame()["top"])


# -- a team as columns (issue 10, part 5) ---------------------------------------------


def columnar(records, stages):
    """Build a team from one array per field, with no model per rep (Team.from_arrays)."""
    return Team.from_arrays(
        rep=[r["rep"] for r in records],
        counts={s: [r[s] for r in records] for s in stages},
        bookings=[r["bookings"] for r in records],
        quota=[r.get("quota") for r in records],
        cycle_days=[r.get("cycle_days") for r in records],
    )


def records_of(team):
    """The team's reps as plain records, optional fields only where a rep has them."""
    return [
        {
            "rep": rep.rep,
            **rep.counts,
            "bookings": rep.bookings,
            **({} if rep.quota is None else {"quota": rep.quota}),
            **({} if rep.cycle_days is None else {"cycle_days": rep.cycle_days}),
        }
        for rep in team.reps
    ]


amounts = st.one_of(
    st.integers(0, 2_000_000),
    st.decimals(0, 100_000, places=2).map(str),  # cents
    st.fractions(0, 10_000, max_denominator=12),
)
optional = st.one_of(st.none(), st.integers(1, 90), st.fractions(1, 90, max_denominator=6))
column_reps = st.lists(
    st.tuples(
        st.integers(0, 40),  # discos
        st.integers(0, 25),  # demos
        st.integers(0, 8),  # won
        amounts,  # bookings
        st.one_of(st.none(), st.sampled_from([100_000, 250_000, "312500.50"])),  # quota
        optional,  # cycle_days
    ),
    min_size=3,
    max_size=30,
)


def comparisons(team):
    """compare_thirds by every metric the team can be ranked by (the error text otherwise)."""
    out = {}
    for by in team.metric_names:
        try:
            out[by] = compare_thirds(team, by=by)
        except InvalidInputError as error:
            out[by] = str(error)
    return out


@settings(max_examples=60, deadline=None)
@given(column_reps, st.randoms(use_true_random=False))
def test_a_columnar_team_compares_as_its_records_rebuilt_and_shuffled(rows, random):
    stages = ("discos", "demos", "won")
    records = [
        {"rep": f"r{i:02d}", "discos": d, "demos": m, "won": w, "bookings": b}
        | ({} if q is None else {"quota": q})
        | ({} if c is None else {"cycle_days": c})
        for i, (d, m, w, b, q, c) in enumerate(rows)
    ]
    team = columnar(records, stages)
    rebuilt = Team.from_records(records_of(team), stages=list(stages))
    shuffled_records = records_of(team)
    random.shuffle(shuffled_records)
    shuffled = Team.from_records(shuffled_records, stages=list(stages))
    expected = comparisons(team)
    assert comparisons(rebuilt) == expected
    in_any_order = comparisons(shuffled)
    for by, result in expected.items():
        if isinstance(result, ThirdsComparison):
            assert in_any_order[by] == result
            assert in_any_order[by].model_dump_json() == result.model_dump_json()
        else:  # the same refusal (it names the reps without a value in the team's order)
            assert isinstance(in_any_order[by], str)


def test_huge_counts_are_python_integers_and_rank_exactly():
    # Counts near salesmath's limit (10**18): an int64 sum could overflow, so the team keeps
    # them as Python integers (an object column).  Conversions a float cannot tell apart
    # ((big - 1) / big vs (big - 2) / big) still rank exactly, ties by name.
    big = MAX_AMOUNT
    rows = [
        ("a", big, big - 2, 10),
        ("b", big, big - 1, 20),
        ("c", big, big - 2, 30),
        ("d", big, big - 3, 40),
        ("e", big, big - 1, 50),
        ("f", big, big, 60),
    ]
    team = make_team(rows)
    assert team._data.counts.dtype == object
    assert float(Fraction(big - 1, big)) == float(Fraction(big - 2, big))
    result = compare_thirds(team, by="demos_to_won")
    assert (result.top, result.bottom) == (("f", "b"), ("c", "d"))
    assert result["won"].top == Fraction(2 * big - 1, 2)
    assert result["demos_to_won"].bottom == Fraction(2 * big - 5, 2 * big)
    assert compare_thirds(team, by="won") == result.model_copy(update={"by": "won"})
    shuffled = make_team(rows[::-1])
    for by in ("bookings", "demos", "won", "demos_to_won", "deal_size"):
        assert compare_thirds(shuffled, by=by) == compare_thirds(team, by=by)


def test_missing_quota_and_cycle_days_are_left_out_not_zero():
    rows = [
        {"rep": "a", "demos": 20, "won": 6, "bookings": 600, "quota": 500, "cycle_days": 30},
        {"rep": "b", "demos": 20, "won": 5, "bookings": 500, "cycle_days": "40.5"},
        {"rep": "c", "demos": 20, "won": 4, "bookings": 400, "quota": 800},
        {"rep": "d", "demos": 20, "won": 3, "bookings": 300, "quota": 600, "cycle_days": 50},
        {"rep": "e", "demos": 20, "won": 2, "bookings": 200},
        {"rep": "f", "demos": 20, "won": 1, "bookings": 100, "quota": 400},
    ]
    team = columnar(rows, ("demos", "won"))
    result = compare_thirds(team)
    assert (result.top, result.bottom) == (("a", "b"), ("e", "f"))
    # each group's mean over its reps that have a value: a and b, then nobody
    assert result["cycle_days"].top == Fraction(30 + Fraction(81, 2), 2)
    assert result["cycle_days"].bottom is None
    assert result["cycle_days"].p_value is None
    # attainment over a (600 / 500), then f (100 / 400)
    assert result["attainment"].top == Fraction(6, 5)
    assert result["attainment"].bottom == Fraction(1, 4)
    assert "Attainment is over the 4 of 6 reps who have a quota (2 have none)." in result.notes
    with pytest.raises(InvalidInputError, match=r"2 have none \(no quota\): 'b', 'e'"):
        compare_thirds(team, by="attainment")
    with pytest.raises(InvalidInputError, match=r"3 have none \(no cycle_days\): 'c', 'e', 'f'"):
        compare_thirds(team, by="cycle_days")
    ranked = compare_thirds(team, by="cycle_days", exclude=["c", "e", "f"])
    assert (ranked.top, ranked.bottom) == (("a",), ("d",))
    no_days = Team.from_records([{k: v for k, v in r.items() if k != "cycle_days"} for r in rows])
    assert "cycle_days" not in [row.name for row in compare_thirds(no_days).metrics]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=200))
def test_ratio_ranks_keep_the_order_and_ties_of_the_ratios(pairs):
    # The conversion column handed to the rank statistics is dense ranks from a table of
    # count pairs; the statistics read only order and ties, so those must be the floats'.
    from salesmath._rankstats import average_ranks
    from salesmath.thirds import _ratio_floats, _ratio_ranks

    upper = np.array([u for u, _ in pairs], dtype=np.int64)
    lower = np.array([v for _, v in pairs], dtype=np.int64)
    floats, ranks = _ratio_floats(upper, lower), _ratio_ranks(upper, lower)
    known = ~np.isnan(floats)
    assert (~np.isnan(ranks) == known).all()
    if known.any():
        assert average_ranks(ranks[known]).tolist() == average_ranks(floats[known]).tolist()


def test_large_counts_of_reps_read_with_thousands_separators():
    n = 3_000
    team = Team.from_arrays(
        rep=[f"r{i:04d}" for i in range(n)],
        counts={"demos": [20] * n, "won": [i % 7 for i in range(n)]},
        bookings=[1_000 * (i % 7) + i for i in range(n)],
    )
    result = compare_thirds(team)
    assert result.summary().startswith("Top third (1,000 reps by bookings) books ")
    text = str(result)
    assert "by bookings: 1,000 of 3,000 reps each" in text
    assert "over all 3,000 reps" in text
    assert "Each third is 1,000 reps; the middle 1,000 are in neither." in text


def test_one_rep_without_a_quota_has_none():
    team = Team.from_records(
        [
            {"rep": "ana", "demos": 24, "won": 11, "bookings": 1_760_000},
            {"rep": "bo", "demos": 20, "won": 5, "bookings": 350_000, "quota": 1_500_000},
            {"rep": "cy", "demos": 30, "won": 9, "bookings": 900_000, "quota": 1_500_000},
        ],
        stages=["demos", "won"],
    )
    assert "Attainment is over the 2 of 3 reps who have a quota (1 has none)." in str(
        compare_thirds(team)
    )


def test_mean_attainment_is_exact_when_its_sum_passes_int64():
    # each rep's attainment fits int64 as a whole-number ratio (2e16 × 100 over 100,001),
    # but five of them added do not: the sum once wrapped around to a negative attainment
    recs = [
        {"rep": f"r{i:02d}", "demos": 10, "won": 1, "bookings": 2 * 10**16 + i, "quota": "1000.01"}
        for i in range(15)
    ]
    team = Team.from_records(recs, stages=["demos", "won"])
    comparison = compare_thirds(team)
    for group, got in (
        (comparison.top, comparison["attainment"].top),
        (comparison.bottom, comparison["attainment"].bottom),
    ):
        reps = [team[name] for name in group]
        assert got == sum(rep.attainment for rep in reps) / len(reps)
