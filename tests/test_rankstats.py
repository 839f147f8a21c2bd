import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from salesmath._rankstats import (
    EXACT_WORK,
    average_ranks,
    cliffs_delta,
    correlation,
    exact_work,
    mann_whitney,
    min_p_value,
    spearman,
)


def brute_force_p(x, y):
    """Two-sided exact permutation p-value of the rank sum, enumerating every split.

    Equal values share their average rank (scipy.stats.rankdata); the p-value is
    twice the smaller tail, at most 1 (as scipy.stats.permutation_test defines it).
    """
    pooled = np.r_[x, y]
    ranks = stats.rankdata(pooled)
    n1 = len(x)
    observed = ranks[:n1].sum()
    sums = np.array([ranks[list(c)].sum() for c in itertools.combinations(range(len(pooled)), n1)])
    lower = np.mean(sums <= observed + 1e-9)
    upper = np.mean(sums >= observed - 1e-9)
    return min(1.0, 2 * min(lower, upper))


TIED = [
    # many reps at 100%, as per-rep close rates often are
    ([1, 1, 1, 1, 0.5], [1, 0.5, 0.5, 0.25, 0.2]),
    ([1, 1, 1, 0.8, 0.5], [1, 0.6, 0.5, 0.5, 0.4]),
    # unequal groups, one tie across them
    ([3, 3, 2], [3, 1, 1, 0, 0, 0]),
    # ties inside one group only
    ([5, 5, 5, 5], [1, 2, 3]),
    # a single rep against many
    ([2], [2, 2, 1, 3, 3, 0, 2]),
    # everything tied
    ([4, 4, 4], [4, 4, 4]),
]


@pytest.mark.parametrize(("x", "y"), TIED)
def test_exact_p_value_with_ties_equals_brute_force_over_every_split(x, y):
    test = mann_whitney(x, y)
    assert test.method == "exact"
    assert test.p_value == pytest.approx(brute_force_p(x, y), rel=1e-12)


@pytest.mark.parametrize(("x", "y"), TIED[:4])
def test_exact_p_value_with_ties_equals_scipys_permutation_test(x, y):
    # scipy.stats.permutation_test with every permutation (n_resamples=inf) on the
    # rank sum: an independent exact reference.
    def rank_sum(a, b):
        return stats.rankdata(np.r_[a, b])[: len(a)].sum()

    reference = stats.permutation_test(
        (x, y), rank_sum, permutation_type="independent", vectorized=False, n_resamples=np.inf
    )
    assert mann_whitney(x, y).p_value == pytest.approx(reference.pvalue, rel=1e-9)


def test_scipys_exact_method_ignores_ties_and_overstates_significance():
    # Issue 11, item 2: scipy's method="exact" treats tied ranks as distinct.
    x, y = [1, 1, 1, 1, 0.5], [1, 0.5, 0.5, 0.25, 0.2]
    untied = stats.mannwhitneyu(x, y, alternative="two-sided", method="exact").pvalue
    assert untied == pytest.approx(6 / 63)
    assert mann_whitney(x, y).p_value == pytest.approx(8 / 63)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 3), min_size=1, max_size=6),
    st.lists(st.integers(0, 3), min_size=1, max_size=6),
)
def test_exact_p_value_always_equals_brute_force_on_small_tied_samples(x, y):
    assert mann_whitney(x, y).p_value == pytest.approx(brute_force_p(x, y), rel=1e-9, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=12, unique=True),
    st.integers(1, 11),
)
def test_without_ties_the_p_value_is_scipys_exact_one(values, cut):
    x, y = values[: cut % len(values) or 1], values[cut % len(values) or 1 :]
    if not y:
        return
    expected = stats.mannwhitneyu(x, y, alternative="two-sided", method="exact")
    test = mann_whitney(x, y)
    assert test.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert test.u == expected.statistic


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=9),
    st.lists(st.integers(0, 4), min_size=1, max_size=9),
)
def test_p_value_never_falls_below_the_floor_of_the_group_sizes(x, y):
    assert mann_whitney(x, y).p_value >= min_p_value(len(x), len(y)) * (1 - 1e-12)


def test_large_groups_get_scipys_tie_corrected_normal_approximation():
    rng = np.random.default_rng(11)  # fixed data set, not a reseeded test
    x, y = rng.integers(0, 6, 40), rng.integers(1, 7, 45)
    assert exact_work(40, 45) > EXACT_WORK
    test = mann_whitney(x, y)
    expected = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
    assert test.method == "asymptotic"
    assert test.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert test.u == expected.statistic


def test_the_exact_method_stops_at_its_documented_limit():
    assert exact_work(35, 35) <= EXACT_WORK < exact_work(36, 36)
    assert exact_work(1, 1000) <= EXACT_WORK
    assert mann_whitney(range(35), range(10, 45)).method == "exact"
    assert mann_whitney(range(36), range(10, 46)).method == "asymptotic"


def test_exact_p_value_at_the_limit_matches_scipy_without_ties():
    rng = np.random.default_rng(3)  # fixed data set
    x, y = rng.normal(size=35), rng.normal(0.5, 1, size=35)
    expected = stats.mannwhitneyu(x, y, alternative="two-sided", method="exact").pvalue
    assert mann_whitney(x, y).p_value == pytest.approx(expected, rel=1e-9)


def test_all_values_equal_is_no_evidence_at_either_size():
    assert mann_whitney([2, 2], [2, 2, 2]).p_value == 1.0
    assert mann_whitney([2] * 50, [2] * 50).method == "asymptotic"
    assert mann_whitney([2] * 50, [2] * 50).p_value == 1.0


@settings(max_examples=40)
@given(
    st.lists(st.integers(-3, 3), min_size=1, max_size=8),
    st.lists(st.integers(-3, 3), min_size=1, max_size=8),
)
def test_cliffs_delta_is_the_share_of_pairs_won_minus_lost(x, y):
    expected = sum((a > b) - (a < b) for a in x for b in y) / (len(x) * len(y))
    assert cliffs_delta(x, y) == pytest.approx(expected, abs=1e-12)
    assert mann_whitney(x, y).effect_size == pytest.approx(expected, abs=1e-12)


@settings(max_examples=40)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=20))
def test_average_ranks_are_scipys_rankdata(values):
    assert average_ranks(values).tolist() == stats.rankdata(values).tolist()


def test_spearman_is_scipys_and_none_where_it_does_not_exist():
    x, y = [3, 5, 8, 9, 11, 11], [100, 180, 150, 260, 300, 300]
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert spearman([1, 2, 3], [5, 5, 5]) is None
    assert spearman([1, 2], [1, 2]) is None
    assert correlation([1, 2, 3], [3, 2, 1]) == -1.0


def test_min_p_value_is_two_over_the_number_of_splits():
    assert min_p_value(3, 3) == pytest.approx(2 / 20)
    assert min_p_value(4, 4) == pytest.approx(2 / 70)
    assert min_p_value(1, 1) == 1.0
    assert min_p_value(600, 600) == pytest.approx(2 / math.comb(1200, 600), rel=1e-9)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([], [1], "each group needs at least one value, got 0 and 1"),
        ([1, float("nan")], [1], "x must be finite numbers"),
        ([[1, 2]], [1], "x must be one-dimensional"),
    ],
)
def test_bad_groups(x, y, message):
    with pytest.raises(ValueError, match=message):
        mann_whitney(x, y)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(0, 2**16).map(float),
            st.floats(-1e6, 1e6),
            st.just(math.nan),
        ),
        max_size=60,
    )
)
def test_argsort_sorts_with_nan_last_on_every_path(values):
    from salesmath._rankstats import _argsort

    column = np.array(values, dtype=np.float64)
    order = _argsort(column)
    assert sorted(order.tolist()) == list(range(len(values)))
    np.testing.assert_array_equal(column[order], np.sort(column))  # np.sort puts NaN last
