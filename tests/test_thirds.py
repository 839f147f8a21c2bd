import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from salesmath import InvalidInputError, Team, UnknownRepError
from salesmath.thirds import MetricRow, ThirdsComparison, compare_thirds

STAGES = ["activities", "discos", "demos", "won"]
EXAMPLES = Path(__file__).parent.parent / "examples"


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
        "Top third (4 reps by bookings) books 4.2× the bottom third; deal size explains 58% of "
        "the gap and the demos-to-won rate 42%."
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


def test_p_values_equal_scipys_on_the_same_per_rep_values(enterprise):
    # scipy.stats.mannwhitneyu, two-sided, exact (accounts for ties) for small groups.
    result = compare_thirds(enterprise)
    for name in ["won", "demos_to_won", "deal_size", "bookings", "cycle_days", "activities"]:
        top = [float(v) for v in (enterprise[r].metric(name) for r in result.top) if v is not None]
        bottom = [
            float(v) for v in (enterprise[r].metric(name) for r in result.bottom) if v is not None
        ]
        expected = stats.mannwhitneyu(top, bottom, alternative="two-sided", method="exact")
        row = result[name]
        assert row.p_value == float(expected.pvalue), name
        cliffs = sum((x > y) - (x < y) for x in top for y in bottom) / (len(top) * len(bottom))
        assert row.effect_size == pytest.approx(cliffs, abs=1e-12), name


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


def test_large_groups_use_scipys_default_method():
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
    assert result["won"].p_value == stats.mannwhitneyu(top, bottom, alternative="two-sided").pvalue


def test_counts_too_big_for_int64_stay_exact():
    big = 2**70
    team = make_team([("a", big, big // 2, big), ("b", big, big // 4, big // 2), ("c", big, 1, 1)])
    result = compare_thirds(team)
    assert result["demos"].top == big
    assert result["demos_to_won"].top == Fraction(1, 2)
    assert result["deal_size"].bottom == 1
    assert compare_thirds(team, by="won").top == ("a",)


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
    assert result.summary().startswith(
        "Top third (2 reps by bookings) books 1,580,000 a rep on average, the bottom third "
        "nothing; the bottom third's demos-to-won rate is zero, the first lever, then the "
        "activities-to-discos rate (2.3× the bottom third's)."
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
    assert "nan" not in table.lower()
    assert "demos_to_won              45.5%    0.0%      ∞        zeroed  0.33" in table
    assert (
        "deal_size               158,000       —      —             —     —       —       +1.00"
        in table
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
            "Top vs bottom third by bookings: 2 of 6 reps each; the top books 4.2× the bottom",
            "metric              top   bottom  ratio  share of gap     p  effect  ρ bookings",
            "------------  ---------  -------  -----  ------------  ----  ------  ----------",
            "demos                24       24   1.0×            0%     1   +0.00           —",
            "won                10.5      5.5   1.9×             —  0.33   +1.00       +1.00",
            "demos_to_won      43.8%    22.9%   1.9×           45%  0.33   +1.00       +1.00",
            "deal_size     155,238.1   70,000   2.2×           55%  0.33   +1.00       +0.97",
            "bookings      1,630,000  385,000   4.2×             —  0.33   +1.00       +1.00",
            "Each third is 2 reps; the middle 2 are in neither.",
            "With 2 reps a group no p-value can fall below 0.33; read the differences as leads to check, not proof.",
            "p: two-sided Mann–Whitney U on per-rep values, not corrected for testing many metrics; "
            "effect: Cliff's delta, top vs bottom; ρ bookings: Spearman correlation with bookings over all 6 reps.",
        ]
    )


def test_html_and_frame_are_views_of_the_table(six):
    result = compare_thirds(six)
    html = result._repr_html_()
    assert html.startswith("<div><table><caption>Top vs bottom third by bookings")
    assert '<td style="text-align: right">43.8%</td>' in html
    frame = result.to_frame()
    assert list(frame.index) == ["demos", "won", "demos_to_won", "deal_size", "bookings"]


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
    assert result.summary().startswith("Top third (1 rep by bookings) books 1.0× the bottom third.")


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
    with pytest.raises(InvalidInputError, match="no metric 'close' in this comparison"):
        result["close"]
    with pytest.raises(InvalidInputError, match="n must be a whole number >= 1, got 0"):
        result.levers(0)


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
