"""deal_size_mix: the deal-size gap split exactly into product mix and price.

Reference values: the split is the symmetric (Shapley) two-factor split of
price-volume-mix analysis; every expected number here is recomputed by hand
or from the raw deals (plain Python, no salesmath), and the real-data finding
of issue 14 (a public CRM export: the top third's wins 28% of the 4,800
product against 6%, prices within 2%) is rebuilt as a small deal set of the
same shape.
"""

from __future__ import annotations

import inspect
import json
import math
import pickle
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesmath as sm
from salesmath.errors import DataWarning, InvalidInputError, UnknownNameError, UnknownRepError
from salesmath.history import History
from salesmath.mix import (
    MIN_DEALS,
    DealSizeMix,
    capacity_mix,
    deal_size_mix,
    split_mix,
    thirds_mix,
    win_rate_mix,
)

KEYWORDS = {
    "stages": ["opps", "won"],
    "outcome": "status",
    "won": "won",
    "lost": "lost",
    "rep": "rep",
    "amount": "amount",
    "attributes": ["product", "source"],
}


def history_of(deals, **extra):
    """A History of (rep, product, amount, status) tuples (History's data warnings are its own)."""
    rows = [
        {"rep": rep, "product": product, "source": "web", "amount": amount, "status": status}
        for rep, product, amount, status in deals
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return History.from_records(rows, **{**KEYWORDS, **extra})


def brute_force(deals, group):
    """Mean amount of the group's won deals with an amount, from the raw tuples."""
    amounts = [Fraction(a) for r, _, a, s in deals if r in group and s == "won" and a is not None]
    return sum(amounts, Fraction(0)) / len(amounts) if amounts else None


# -- the issue's finding -----------------------------------------------------------------

# issue 14: seven products; the top third's wins are 28% the 4,800 product against 6% for the
# bottom, 9% the 55 product against 32%; on each product both realise the same price within 2%
PRICES = {
    "55": 55,
    "550": 550,
    "1100": 1100,
    "1650": 1650,
    "2200": 2200,
    "3300": 3300,
    "4800": 4800,
}
TOP_COUNTS = {"55": 9, "550": 15, "1100": 14, "1650": 12, "2200": 10, "3300": 12, "4800": 28}
BOTTOM_COUNTS = {"55": 32, "550": 20, "1100": 14, "1650": 10, "2200": 10, "3300": 8, "4800": 6}
TOP, BOTTOM, MIDDLE = ("t1", "t2", "t3"), ("b1", "b2", "b3"), ("m1", "m2", "m3")


def issue_deals():
    """The issue's structure: same prices (the bottom 1% under), a cheaper mix for the bottom."""
    deals = []
    for group, counts, scale in ((TOP, TOP_COUNTS, 100), (BOTTOM, BOTTOM_COUNTS, 99)):
        i = 0
        for product, n in counts.items():
            for _ in range(n):
                deals.append((group[i % 3], product, PRICES[product] * scale // 100, "won"))
                i += 1
    deals += [(rep, "55", 55, "lost") for rep in (*TOP, *BOTTOM)]
    # a middle third between the two, so compare_thirds picks TOP and BOTTOM
    for rep in MIDDLE:
        deals += [(rep, "2200", 2200, "won")] * 20 + [(rep, "55", 55, "lost")]
    return deals


@pytest.fixture(scope="module")
def issue_history():
    return history_of(issue_deals())


def test_the_issue_finding_is_all_mix(issue_history):
    split = deal_size_mix(issue_history, TOP, BOTTOM)
    assert split.mix_share > Fraction(95, 100)
    assert 0 < split.price_share < Fraction(5, 100)
    assert split["4800"].top_share == Fraction(28, 100)
    assert split["4800"].bottom_share == Fraction(6, 100)
    assert split["55"].top_share == Fraction(9, 100)
    assert split["55"].bottom_share == Fraction(32, 100)
    assert "it is product mix" in split.advice()
    assert "average within 1.9% of each other" in split.summary()


def test_the_issue_finding_in_numbers(issue_history):
    split = deal_size_mix(issue_history, TOP, BOTTOM)
    deals = issue_deals()
    assert split.top_deal_size == brute_force(deals, TOP) == Fraction(239945, 100)
    assert split.bottom_deal_size == brute_force(deals, BOTTOM)
    assert split.mix + split.price == split.gap
    assert split.mix_share + split.price_share == 1
    # the price part by hand: on each product the bottom gets 99% of the price
    price = sum(
        (
            Fraction(PRICES[p] - PRICES[p] * 99 // 100)
            * (Fraction(TOP_COUNTS[p], 100) + Fraction(BOTTOM_COUNTS[p], 100))
            / 2
            for p in PRICES
        ),
        Fraction(0),
    )
    assert split.price == price


def test_the_sentence_for_compare_thirds(issue_history):
    split = deal_size_mix(issue_history, TOP, BOTTOM, names=["top third", "bottom third"])
    assert split.sentence(0.42) == (
        "Deal size explains 42% of the gap — of that, "
        f"{sm._format.format_percent(split.mix_share)} is product mix and "
        f"{sm._format.format_percent(split.price_share)} price."
    )


# -- exactness -------------------------------------------------------------------------


def test_split_mix_by_hand():
    # top: one deal at 10 (a), one at 50 (b): 30 a deal; bottom: two at 8 (a): 8 a deal.
    # c = 19; a: mix (1/2 - 1)(9 - 19) = 5, price (10 - 8)(3/2)/2 = 3/2; b: mix (1/2)(50 - 19)
    rows = split_mix({"a": (1, Fraction(10)), "b": (1, Fraction(50))}, {"a": (2, Fraction(16))})
    assert [(r.value, r.mix, r.price) for r in rows] == [
        ("a", 5, Fraction(3, 2)),
        ("b", Fraction(31, 2), 0),
    ]
    assert sum(r.mix + r.price for r in rows) == 22


totals = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", None]),
    st.tuples(st.integers(1, 50), st.integers(0, 10**9)).map(lambda p: (p[0], Fraction(p[1], 100))),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300)
@given(totals, totals)
def test_parts_add_up_to_the_gap_exactly_and_swapping_flips_every_sign(top, bottom):
    rows = split_mix(top, bottom)
    n_top, n_bottom = sum(c for c, _ in top.values()), sum(c for c, _ in bottom.values())
    gap = sum(t for _, t in top.values()) / n_top - sum(t for _, t in bottom.values()) / n_bottom
    assert sum(r.mix + r.price for r in rows) == gap
    swapped = {r.value: r for r in split_mix(bottom, top)}
    for row in rows:
        assert swapped[row.value].mix == -row.mix
        assert swapped[row.value].price == -row.price
        if not row.sold_by_both:  # a product one group never sold is all mix
            assert row.price == 0


@settings(max_examples=300)
@given(totals, totals)
def test_the_shares_of_each_group_add_up_to_one(top, bottom):
    rows = split_mix(top, bottom)
    assert sum(r.top_share for r in rows) == 1
    assert sum(r.bottom_share for r in rows) == 1


deal_sets = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["P", "Q", "R"]),
        st.one_of(st.none(), st.integers(0, 10**7)),
        st.sampled_from(["won", "won", "lost"]),
    ),
    max_size=30,
)


@settings(max_examples=40)
@given(deal_sets)
def test_from_a_history_the_parts_add_up_to_the_raw_gap(deals):
    # every rep owns a record; a group may have won nothing
    deals = [*deals, *((rep, "P", 1, "lost") for rep in "abcd")]
    split = deal_size_mix(history_of(deals), ["a", "b"], ["c", "d"])
    top, bottom = brute_force(deals, "ab"), brute_force(deals, "cd")
    assert (split.top_deal_size, split.bottom_deal_size) == (top, bottom)
    if top is None or bottom is None:
        assert split.gap is split.mix is split.mix_share is split.price_share is None
        assert "won no deal" in split.reason
        return
    assert split.gap == top - bottom
    assert split.mix + split.price == split.gap
    if split.gap:
        assert split.mix_share + split.price_share == 1
    else:
        assert split.mix_share is None
        assert split.price_share is None
    flipped = deal_size_mix(history_of(deals), ["c", "d"], ["a", "b"])
    assert (flipped.mix, flipped.price) == (-split.mix, -split.price)
    assert "nan" not in split.summary().lower()
    assert "inf" not in str(split).lower()


# -- a known mix effect and a known price effect -----------------------------------------

LIST = np.array([12_000.0, 30_000.0, 80_000.0])
MIX_TOP, MIX_BOTTOM = np.array([0.45, 0.35, 0.20]), np.array([0.65, 0.27, 0.08])
DISCOUNT = 0.92  # the bottom group closes at 92% of the top's price on every product
SIGMA = 0.2


def true_parts():
    """The population's mix and price parts: the split of the expected shares and averages."""
    spread = math.exp(SIGMA**2 / 2)  # the mean of lognormal(0, sigma)
    v_top, v_bottom = LIST * spread, LIST * spread * DISCOUNT
    price = float(np.sum((v_top - v_bottom) * (MIX_TOP + MIX_BOTTOM) / 2))
    gap = float(MIX_TOP @ v_top - MIX_BOTTOM @ v_bottom)
    return gap - price, price


def simulated(rng, n):
    """n won deals a group, drawn with the mixes and prices above; amounts to the cent."""
    deals = []
    for reps, mix, scale in ((("t1", "t2"), MIX_TOP, 1.0), (("b1", "b2"), MIX_BOTTOM, DISCOUNT)):
        products = rng.choice(3, size=n, p=mix)
        amounts = LIST[products] * scale * rng.lognormal(0, SIGMA, size=n)
        deals += [
            (reps[i % 2], ["Core", "Pro", "Enterprise"][p], round(float(a), 2), "won")
            for i, (p, a) in enumerate(zip(products, amounts, strict=True))
        ]
    return deals


def kernel_parts(deals):
    groups = []
    for reps in (("t1", "t2"), ("b1", "b2")):
        totals: dict[str, tuple[int, Fraction]] = {}
        for rep, product, amount, _ in deals:
            if rep in reps:
                count, total = totals.get(product, (0, Fraction(0)))
                totals[product] = (count + 1, total + Fraction(str(amount)))
        groups.append(totals)
    rows = split_mix(*groups)
    return float(sum(r.mix for r in rows)), float(sum(r.price for r in rows))


def test_a_known_mix_effect_and_a_known_price_effect_are_recovered_within_sampling_error():
    n = 1500
    true_mix, true_price = true_parts()
    # the sampling spread of each part, from replicates (seeded, fixed)
    rng = np.random.default_rng(2026)
    replicates = np.array([kernel_parts(simulated(rng, n)) for _ in range(40)])
    sd_mix, sd_price = replicates.std(axis=0, ddof=1)
    assert true_mix > 5 * sd_mix
    assert true_price > 5 * sd_price
    split = deal_size_mix(
        history_of(simulated(np.random.default_rng(7), n)), ["t1", "t2"], ["b1", "b2"]
    )
    assert abs(float(split.mix) - true_mix) < 4 * sd_mix
    assert abs(float(split.price) - true_price) < 4 * sd_price
    assert split.mix + split.price == split.gap


# -- no gap, no deals, bad input ---------------------------------------------------------


def test_equal_deal_sizes_have_no_shares_but_parts_that_cancel():
    deals = [
        ("a", "P", 10, "won"),
        ("a", "Q", 30, "won"),
        ("b", "P", 20, "won"),
        ("b", "P", 20, "won"),
    ]
    split = deal_size_mix(history_of(deals), ["a"], ["b"])
    assert split.gap == 0
    assert split.mix + split.price == 0
    assert split.mix_share is None
    assert split.price_share is None
    assert split.reason == "both groups' deals average the same, so there is no gap to split"
    assert split.sentence(0.1).endswith("no gap to split.")


def test_a_group_without_won_deals_has_no_split_and_says_so():
    deals = [("a", "P", 10, "won"), ("b", "P", 20, "lost")]
    split = deal_size_mix(history_of(deals), ["a"], ["b"])
    assert split.bottom_deal_size is None
    assert split.gap is split.mix is split.price is split.mix_share is None
    assert split["P"].mix is None
    assert split.summary() == (
        "No split: the bottom reps won no deal with an amount, so there is no gap in deal size "
        "to split."
    )
    assert "no gap" in split.advice()
    frame = split.to_frame()
    assert frame["mix"].isna().all()
    json.loads(split.model_dump_json())  # strict JSON: no NaN


def test_won_deals_without_an_amount_or_a_product_are_noted():
    deals = [
        ("a", "P", 10, "won"),
        ("a", "P", None, "won"),
        ("a", None, 50, "won"),
        ("b", "P", 8, "won"),
    ]
    split = deal_size_mix(history_of(deals), ["a"], ["b"])
    assert split.top_deals == 2
    assert split[None].top_deals == 1
    assert "1 won deal without an amount is left out." in split.notes
    assert "1 won deal without a product counts as one more product (—)." in split.notes


@pytest.mark.parametrize(
    ("top", "bottom", "error", "message"),
    [
        (["a", "zed"], ["b"], UnknownRepError, "unknown rep 'zed'; the reps are 'a', 'b'"),
        (["a"], ["a", "b"], InvalidInputError, "top and bottom must not share reps, got 'a'"),
        ([], ["b"], InvalidInputError, "top must have at least 1 names"),
        (["a"], "b", InvalidInputError, "bottom must be a list, got 'b'"),
    ],
)
def test_bad_groups_are_refused_with_the_names(top, bottom, error, message):
    deals = [("a", "P", 10, "won"), ("b", "P", 20, "won")]
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        deal_size_mix(history_of(deals), top, bottom)


def test_bad_by_columns_are_refused():
    deals = [("a", "P", 10, "won"), ("b", "P", 20, "won")]
    history = history_of(deals)
    with pytest.raises(UnknownNameError, match="unknown attribute 'segment'"):
        deal_size_mix(history, ["a"], ["b"], by="segment")
    with pytest.raises(InvalidInputError, match="by='rep' is the rep column"):
        deal_size_mix(history, ["a"], ["b"], by="rep")
    empty = history_of([("a", None, 10, "won"), ("b", None, 20, "won")])
    with pytest.raises(InvalidInputError, match="no won deal of either group has a 'product'"):
        deal_size_mix(empty, ["a"], ["b"])


def test_a_history_without_reps_or_amounts_is_refused():
    rows = [{"rep": "a", "product": "P", "status": "won", "amount": 1}]
    no_amount = History.from_records(
        rows, **{**KEYWORDS, "amount": None, "attributes": ["product"]}
    )
    with pytest.raises(InvalidInputError, match="needs the amount column"):
        deal_size_mix(no_amount, ["a"], ["b"])
    no_rep = History.from_records(rows, **{**KEYWORDS, "rep": None, "attributes": ["product"]})
    with pytest.raises(InvalidInputError, match="needs the rep column"):
        deal_size_mix(no_rep, ["a"], ["b"])
    with pytest.raises(InvalidInputError, match="history must be a salesmath History"):
        deal_size_mix(rows, ["a"], ["b"])


def test_negative_amounts_never_reach_the_split():
    with pytest.raises(InvalidInputError, match="amount must be a finite number >= 0"):
        history_of([("a", "P", -5, "won")])


# -- views -------------------------------------------------------------------------------


def test_table_frame_json_and_repr(issue_history):
    split = deal_size_mix(issue_history, TOP, BOTTOM)
    frame = split.to_frame()
    assert list(frame.index) == ["55", "550", "1100", "1650", "2200", "3300", "4800"]
    assert all(str(frame[c].dtype) in ("int64", "float64") for c in frame.columns)
    assert frame["mix"].sum() == pytest.approx(float(split.mix))
    again = DealSizeMix.model_validate_json(split.model_dump_json())
    assert again.mix == split.mix
    assert again.rows == split.rows
    data = json.loads(split.model_dump_json())
    assert Fraction(data["mix_share"]) + Fraction(data["price_share"]) == 1
    assert repr(split).startswith("DealSizeMix(by='product', top_deal_size=2399.45, ")
    assert "\n" not in repr(split)
    assert pickle.loads(pickle.dumps(split)) == split
    text = str(split)
    assert text.splitlines()[0].startswith("Deal size by product, top reps vs bottom reps: ")
    assert "4800" in text
    assert "nan" not in text


def test_advice_is_a_hypothesis_on_few_deals_and_names_price_when_price_is_the_gap():
    few = [
        ("a", "P", 100, "won"),
        ("a", "Q", 300, "won"),
        ("b", "P", 100, "won"),
        ("b", "P", 90, "won"),
    ]
    split = deal_size_mix(history_of(few), ["a"], ["b"])
    assert "but hold few deals (2 and 2 won)" in split.advice()
    n = MIN_DEALS
    priced = [("a", "P", 100, "won")] * n + [("b", "P", 80, "won")] * n
    split = deal_size_mix(history_of(priced), ["a"], ["b"])
    assert split.price_share == 1
    assert split.advice() == (
        "deal size is the gap, and it is price (100% of it): P averages 80 for the bottom reps "
        "against 100 (-20%); review discounting and coach holding price"
    )


def test_plot_draws_the_two_parts(issue_history):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = deal_size_mix(issue_history, TOP, BOTTOM).plot()
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "bottom reps",
        "product mix",
        "price",
        "top reps",
    ]
    plt.close("all")


# -- for compare_thirds and assess_capacity ----------------------------------------------


def test_thirds_mix_names_the_thirds_and_tolerates_reps_without_records(issue_history):
    team = issue_history.team()
    comparison = sm.compare_thirds(team)
    assert set(comparison.top) == set(TOP)
    assert set(comparison.bottom) == set(BOTTOM)
    split = thirds_mix(issue_history, comparison)
    assert split.names == ("top third", "bottom third")
    assert split.mix_share > Fraction(95, 100)
    assert split == thirds_mix(
        issue_history,
        type("C", (), {"top": comparison.top, "bottom": (*comparison.bottom, "new hire")})(),
    ).model_copy(update={"bottom": comparison.bottom})


def test_capacity_mix_compares_the_reps_below_with_the_rest(issue_history):
    split = capacity_mix(issue_history, below=BOTTOM, rest=[*TOP, *MIDDLE])
    assert split.bottom == BOTTOM
    assert "the reps below the model" in split.advice()
    assert capacity_mix(issue_history, below=[], rest=TOP) is None


WIRED_THIRDS = "history" in inspect.signature(sm.compare_thirds).parameters
WIRED_CAPACITY = "history" in inspect.signature(sm.assess_capacity).parameters


@pytest.mark.skipif(not WIRED_THIRDS, reason="the lead wires compare_thirds(history=)")
def test_compare_thirds_with_history_splits_the_deal_size_lever(issue_history):
    team = issue_history.team()
    comparison = sm.compare_thirds(team, history=issue_history)
    split = comparison.deal_size_mix
    assert split == thirds_mix(issue_history, comparison)
    # deal size is named in the summary, with its split in brackets after its share
    assert f"deal size explains 100% of the gap ({split.clause()})" in comparison.summary()
    assert split.clause().startswith("of that, 98.5% is product mix")
    sentence = split.sentence(comparison.shares()["deal_size"])
    assert sentence.startswith("Deal size explains ")
    assert " — of that, " in sentence
    assert "is product mix and" in sentence
    assert sm.compare_thirds(team).deal_size_mix is None


@pytest.mark.skipif(not WIRED_CAPACITY, reason="the lead wires assess_capacity(history=)")
def test_capacity_recommendation_for_deal_size_says_mix(issue_history):
    team = issue_history.team()
    funnel = sm.Funnel(stages=["opps", "won"], rates=["1/2"], deal_size=2_000)
    report = sm.assess_capacity(team, funnel, history=issue_history)
    (fix,) = [r for r in report.recommendations if r.factor == "deal_size"]
    rest = [rep.rep for rep in team.reps if rep.rep not in fix.reps]
    assert fix.action == capacity_mix(issue_history, below=fix.reps, rest=rest).advice()
    assert "it is product mix" in fix.action


# -- the win rate, split by source -------------------------------------------------------

outcomes = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["web", "referral", "outbound"]),
        st.sampled_from(["won", "lost", "open"]),
    ),
    max_size=30,
)


def source_history(records):
    rows = [{"rep": rep, "source": source, "status": status} for rep, source, status in records]
    rows += [{"rep": rep, "source": "web", "status": "open"} for rep in "abcd"]
    return History.from_records(
        rows,
        stages=["opps", "won"],
        outcome="status",
        won="won",
        lost="lost",
        rep="rep",
        attributes=["source"],
    )


def raw_win_rate(records, group):
    decided = [s for r, _, s in records if r in group and s != "open"]
    return Fraction(decided.count("won"), len(decided)) if decided else None


@settings(max_examples=40)
@given(outcomes)
def test_the_win_rate_parts_add_up_to_the_raw_gap_and_flip_with_the_groups(records):
    history = source_history(records)
    split = win_rate_mix(history, ["a", "b"], ["c", "d"], by="source")
    top, bottom = raw_win_rate(records, "ab"), raw_win_rate(records, "cd")
    assert (split.top_win_rate, split.bottom_win_rate) == (top, bottom)
    if top is None or bottom is None:
        assert split.gap is None
        assert "decided no record" in split.reason
        return
    assert split.mix + split.rate == split.gap == top - bottom
    flipped = win_rate_mix(history, ["c", "d"], ["a", "b"], by="source")
    assert (flipped.mix, flipped.rate) == (-split.mix, -split.rate)


def test_a_win_rate_gap_from_sources_alone_is_all_mix():
    # both close 60% of referrals and 20% of outbound; the bottom works more outbound
    records = (
        [("a", "referral", "won")] * 6
        + [("a", "referral", "lost")] * 4
        + [("a", "outbound", "won")] * 2
        + [("a", "outbound", "lost")] * 8
        + [("c", "referral", "won")] * 3
        + [("c", "referral", "lost")] * 2
        + [("c", "outbound", "won")] * 3
        + [("c", "outbound", "lost")] * 12
    )
    split = win_rate_mix(source_history(records), ["a"], ["c"], by="source")
    assert (split.mix_share, split.rate_share) == (1, 0)
    assert split.sentence() == (
        "Of the win-rate gap, 100% is source mix and 0% the win rate within each source."
    )
    assert "nan" not in str(split)
    json.loads(split.model_dump_json())
    assert list(split.to_frame().index) == ["outbound", "referral"]


def test_win_rate_mix_refuses_what_deal_size_mix_refuses():
    history = source_history([("a", "web", "won")])
    with pytest.raises(UnknownRepError, match="unknown rep 'zed'"):
        win_rate_mix(history, ["zed"], ["a"])
    with pytest.raises(UnknownNameError, match="unknown attribute 'product'"):
        win_rate_mix(history, ["a"], ["b"], by="product")


def test_names_must_be_two():
    history = history_of([("a", "P", 10, "won"), ("b", "P", 20, "won")])
    with pytest.raises(InvalidInputError, match="names must be two names"):
        deal_size_mix(history, ["a"], ["b"], names=["only one"])
    split = deal_size_mix(history, ["a"], ["b"], names=["stars", "the rest"])
    assert split.names == ("stars", "the rest")
    assert split.summary().startswith("Won deals average 10 for the stars and 20 for the rest:")


@pytest.mark.skipif(not WIRED_THIRDS, reason="the lead wires compare_thirds(history=)")
def test_compare_thirds_says_the_split_in_its_own_sentence_when_deal_size_only_offsets():
    # ranked by discovery calls, the example's bottom third sells larger deals
    crm = Path(__file__).resolve().parents[1] / "examples" / "crm"
    history = History.from_csv(
        crm / "opportunities.csv",
        stages=["discovery", "demo", "proposal", "won"],
        outcome="status",
        won="Closed Won",
        lost="Closed Lost",
        reached={"demo": "demo_date", "proposal": "proposal_date"},
        rep="rep",
        amount="amount",
        attributes=["product"],
    )
    comparison = sm.compare_thirds(history.team(), by="discovery", history=history)
    share = comparison.shares()["deal_size"]
    assert share < 0
    sentence = comparison.deal_size_mix.sentence(share)
    assert sentence.startswith("Deal size offsets -")
    assert comparison.summary().count(sentence) == 1


def test_an_unknown_product_is_named_and_no_split_has_nothing_to_plot():
    split = deal_size_mix(history_of([("a", "P", 10, "won"), ("b", "P", 20, "lost")]), ["a"], ["b"])
    with pytest.raises(UnknownNameError, match="unknown product 'Q'; the products are 'P'"):
        split["Q"]
    with pytest.raises(InvalidInputError, match="nothing to plot: the bottom reps won no deal"):
        split.plot()


# -- the enterprise example's deal records -----------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_script(path: Path, name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_enterprise_deals_are_what_the_seeded_script_writes(tmp_path):
    module = load_script(EXAMPLES / "make_enterprise_deals.py", "make_enterprise_deals")
    module.main(tmp_path / "enterprise_deals.csv")
    committed = (EXAMPLES / "enterprise_deals.csv").read_bytes()
    assert (tmp_path / "enterprise_deals.csv").read_bytes() == committed


def test_the_enterprise_deals_add_up_to_the_team_totals_exactly():
    import csv

    with (EXAMPLES / "enterprise_team.csv").open(newline="") as handle:
        team = {
            row["rep"]: (int(row["won"]), int(row["bookings"])) for row in csv.DictReader(handle)
        }
    with (EXAMPLES / "enterprise_deals.csv").open(newline="") as handle:
        deals = list(csv.DictReader(handle))
    totals: dict[str, tuple[int, int]] = {}
    for deal in deals:
        assert deal["status"] == "won"
        assert int(deal["amount"]) > 0
        count, amount = totals.get(deal["rep"], (0, 0))
        totals[deal["rep"]] = (count + 1, amount + int(deal["amount"]))
    assert totals == team
    assert len({deal["deal_id"] for deal in deals}) == len(deals)


def test_the_enterprise_deal_size_gap_is_mostly_product_mix():
    team = sm.Team.from_csv(
        EXAMPLES / "enterprise_team.csv", stages=["activities", "discos", "demos", "won"]
    )
    deals = History.from_csv(
        EXAMPLES / "enterprise_deals.csv",
        stages=["deals", "won"],
        outcome="status",
        won="won",
        lost="lost",
        id="deal_id",
        rep="rep",
        amount="amount",
        attributes=["product"],
    )
    comparison = sm.compare_thirds(team, history=deals)
    split = comparison.deal_size_mix
    # the team's own deal sizes: 7,360,000 / 46 and 1,750,000 / 25
    assert (split.top_deal_size, split.bottom_deal_size) == (160_000, 70_000)
    assert split.mix + split.price == split.gap == 90_000
    assert split.mix_share > Fraction(4, 5)


# -- the CRM example's deals with a known mix effect and a known price effect --------------

CRM = EXAMPLES / "crm"


def float_parts(shares_top, values_top, shares_bottom, values_bottom):
    """The symmetric split of docs/mix.md, in floats: (mix, price)."""
    s_t, v_t, s_b, v_b = map(np.asarray, (shares_top, values_top, shares_bottom, values_bottom))
    c = (s_t @ v_t + s_b @ v_b) / 2
    return float((s_t - s_b) @ ((v_t + v_b) / 2 - c)), float((v_t - v_b) @ ((s_t + s_b) / 2))


def drawn_parts(rows, offices, products):
    """(mix, price) of the drawn deals of two offices, from the raw rows."""
    groups = []
    for office in offices:
        amounts = {
            p: [r["amount"] for r in rows if r["office"] == office and r["product"] == p]
            for p in products
        }
        n = sum(len(a) for a in amounts.values())
        groups += [[len(amounts[p]) / n for p in products], [np.mean(amounts[p]) for p in products]]
    return float_parts(*groups)


def test_the_crm_mix_effects_recover_the_known_mix_and_price_parts_within_sampling_error():
    generator = load_script(CRM / "generate.py", "crm_generate")
    truth = json.loads((CRM / "truth.json").read_text())["mix_effects"]
    expected = truth["expected"]
    top, bottom = expected["top"], expected["bottom"]
    products = list(truth["products"])
    # the true parts: the split of the expected shares and values (lognormal mean exp(s^2/2))
    spread = math.exp(truth["sigma"] ** 2 / 2)

    def values(office):
        return [truth["products"][p] * truth["office_price"][office] * spread for p in products]

    true_mix, true_price = float_parts(
        truth["office_mix"][top], values(top), truth["office_mix"][bottom], values(bottom)
    )
    assert true_mix == pytest.approx(expected["mix"], rel=1e-12)
    assert true_price == pytest.approx(expected["price"], rel=1e-12)
    # the standard error of each part: the spread of the parts over 200 other seeds of the
    # same generator (the per-rep deal counts, products and prices all drawn again)
    team = generator._team(np.random.default_rng(generator.SEED))
    replicates = np.array(
        [
            drawn_parts(generator.mix_effects(team, seed), (top, bottom), products)
            for seed in range(1, 201)
        ]
    )
    se_mix, se_price = replicates.std(axis=0, ddof=1)
    assert true_mix > 3 * se_mix  # each effect is far beyond its sampling error: the test has power
    assert true_price > 3 * se_price
    # the shipped file, read and split by salesmath
    history = History.from_csv(
        CRM / "mix_effects.csv",
        stages=["deals", "won"],
        outcome="status",
        won="Closed Won",
        lost="Closed Lost",
        id="opportunity_id",
        rep="rep",
        amount="amount",
        closed="closed",
        attributes=["manager", "office", "product"],
    )
    offices = history.team(segment="office")
    split = deal_size_mix(
        history,
        [rep.rep for rep in offices.select(segment=top).reps],
        [rep.rep for rep in offices.select(segment=bottom).reps],
    )
    k = 3  # a 3-standard-error band: a draw falls outside it about 0.3% of the time
    assert abs(float(split.mix) - true_mix) < k * se_mix
    assert abs(float(split.price) - true_price) < k * se_price
    assert split.mix + split.price == split.gap
    # and it is the file the generator writes from its seed
    rows = generator.mix_effects(team)
    assert (float(split.mix), float(split.price)) == pytest.approx(
        drawn_parts(rows, (top, bottom), products), rel=1e-9
    )
