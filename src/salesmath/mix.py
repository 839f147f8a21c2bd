"""Deal size: product mix or price?  An exact split of the gap, from deal records.

When one group of reps sells larger deals than another, the gap in average
deal size has two causes that call for opposite coaching: the group sells a
richer **mix** (more of the expensive products) or it holds **price** (more
value per deal on the same product).  :func:`deal_size_mix` splits the gap
between two groups of reps into those two parts, from the won deals of a
:class:`~salesmath.history.History` (price-volume-mix analysis, as finance
does it for revenue).

The method
----------
A group's average deal size is a weighted mean over the values of `by`
(the products):

    D = Σ_p s_p · v_p

with ``s_p`` the share of the group's won deals that are product ``p`` and
``v_p`` their average value.  The gap ``D_top − D_bottom`` splits, product by
product, into

    mix_p   = (s_top − s_bottom) · ((v_top + v_bottom) / 2 − c)
    price_p = (v_top − v_bottom) · (s_top + s_bottom) / 2

the symmetric (Shapley) split of a product of two factors: the mean of the
two orders in which the factors can be changed, so neither group is the
base.  Summed over the products, ``Σ mix_p + Σ price_p = Σ s_top · v_top −
Σ s_bottom · v_bottom``, the gap, identically (the shares of each group add
up to 1, so the constant ``c`` drops out of the sum), so the parts add up to
the gap **exactly**: every number is a ``Fraction`` (amounts as the history
read them, to the cent), and the sums are equal, not close.  Swapping the
groups flips every sign.

``c`` is the mean of the two groups' deal sizes.  It changes no total, only
how the mix part is shared out among products: selling more of a product
worth more than the average deal adds to the gap, more of a cheaper one
takes from it, as price-volume-mix reports in finance read.

A product that one group never sold has no average value in that group;
all of its difference counts as mix (the missing value is taken as the other
group's, so its price part is zero).

Why not the log-mean Divisia index (LMDI), the other exact split: it splits a
*ratio* with logarithms, so its parts are exact only to floating point, and
its weights are undefined for a product one group never sold (a limit has to
stand in).  The additive Shapley split needs neither: rational arithmetic, no
special case beyond the one above.  ``compare_thirds`` reports deal size as a
log share of the bookings gap; the mix and price shares here are shares of
the deal-size gap itself, and say what part of that factor each explains.

The win rate is a mean too (of each decided record's outcome, 1 won and 0
lost), so :func:`win_rate_mix` splits a win-rate gap into the mix of `by`
values (lead sources, segments) and the rate within each, the same way and
as exactly.  :func:`thirds_mix` and :func:`capacity_mix` give the split for
``compare_thirds`` and ``assess_capacity``, whose sentences come from
:meth:`DealSizeMix.clause`, :meth:`DealSizeMix.sentence` and
:meth:`DealSizeMix.advice`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    computed_field,
)

from salesmath._format import NONE, format_amount, format_cell, format_percent, join_and
from salesmath._history_frame import PREFIX, money
from salesmath._history_read import _N, _REP, _ST, LOST, WON
from salesmath._table import Column, Table, TabularModel
from salesmath.errors import InvalidInputError, UnknownNameError, UnknownRepError
from salesmath.numbers import Amount, Share, parse_amount, parse_name, parse_names, to_json_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from salesmath.history import History

__all__ = [
    "MIN_DEALS",
    "MOSTLY",
    "DealSizeMix",
    "MixRow",
    "WinRateMix",
    "capacity_mix",
    "deal_size_mix",
    "split_mix",
    "thirds_mix",
    "win_rate_mix",
]

MOSTLY: Final = Fraction(2, 3)
"""A part that explains at least this share of the gap is "the" story in :meth:`DealSizeMix.advice`."""

MIN_DEALS: Final = 20
"""Won deals each group needs before :meth:`DealSizeMix.advice` calls the gap mix or price.

A rule of thumb, not a test: with fewer deals a product's share or average
moves a lot with one deal, so the advice stays a hypothesis to check.
"""

_SAME_PRICE: Final = Fraction(5, 100)
"""Average values within this of each other read as "the same price" in the summary."""


def _read_signed(value: Any, info: ValidationInfo) -> Fraction:
    """Read an amount that may be negative (a contribution to a gap)."""
    what = info.field_name or "amount"
    if isinstance(value, str) and value.strip().startswith("-"):
        return -parse_amount(value.strip()[1:], what=what)
    number = isinstance(value, int | float | Fraction | Decimal) and not isinstance(value, bool)
    if number and value < 0:
        return -parse_amount(-value, what=what)
    return parse_amount(value, what=what)


SignedAmount = Annotated[
    Fraction,
    PlainValidator(_read_signed),
    PlainSerializer(to_json_number, return_type=int | float | str, when_used="json"),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}]}),
]
"""An exact amount of either sign: a part of a gap, or its share."""


class MixRow(BaseModel):
    """One value of `by` (one product) in a :class:`DealSizeMix` (or a :class:`WinRateMix`).

    In a :class:`WinRateMix` the counts are decided records, not won deals,
    the averages are win rates and ``price`` is the part from the rate.

    Attributes
    ----------
    value
        The product (the `by` value, as text); None for deals without one.
    top_deals, bottom_deals
        Won deals (with an amount) of that product in each group.
    top_share, bottom_share
        Their share of the group's won deals; None when the group won none.
    top_average, bottom_average
        Their average value; None when the group sold none of the product.
    mix, price
        The product's contribution to each part of the gap (see
        :mod:`salesmath.mix`); None when a group won no deal (no gap).  Over
        all products they add up to the gap.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    value: str | None
    top_deals: int
    bottom_deals: int
    top_share: Share | None
    bottom_share: Share | None
    top_average: Amount | None
    bottom_average: Amount | None
    mix: SignedAmount | None
    price: SignedAmount | None

    @property
    def sold_by_both(self) -> bool:
        """Whether both groups sold the product."""
        return self.top_deals > 0 and self.bottom_deals > 0


class DealSizeMix(TabularModel):
    """The gap in average deal size between two groups, split into mix and price.

    Made by :func:`deal_size_mix`; the method is in :mod:`salesmath.mix`.
    The examples use ``_demo()``, the history of :func:`deal_size_mix`'s
    example (ana and bo sell Enterprise, cy and di do not; ed won nothing).

    Attributes
    ----------
    by
        The attribute the deals are split by (``"product"``).
    top, bottom
        The rep names of each group.
    names
        How sentences name the groups (``("top third", "bottom third")``).
    top_deals, bottom_deals
        Won deals with an amount in each group.
    top_deal_size, bottom_deal_size
        Their average value; None for a group that won no deal.
    rows
        One :class:`MixRow` per product, cheapest (by the average over both
        groups) first.
    notes
        Plain-language caveats.

    Examples
    --------
    >>> split = deal_size_mix(_demo(), ["ana", "bo"], ["cy", "di"])
    >>> split
    DealSizeMix(by='product', top_deal_size=52000, bottom_deal_size=21500, mix_share=0.97, price_share=0.0295)
    >>> split.gap, split.mix, split.price, split.mix + split.price == split.gap
    (Fraction(30500, 1), Fraction(29600, 1), Fraction(900, 1), True)
    """

    by: str
    top: tuple[str, ...]
    bottom: tuple[str, ...]
    names: tuple[str, str] = ("top reps", "bottom reps")
    top_deals: int
    bottom_deals: int
    top_deal_size: Amount | None
    bottom_deal_size: Amount | None
    rows: tuple[MixRow, ...]
    notes: tuple[str, ...] = ()

    # -- the parts -------------------------------------------------------------

    @computed_field  # type: ignore[prop-decorator]
    @property
    def gap(self) -> SignedAmount | None:
        """``top_deal_size − bottom_deal_size``; None when a group won no deal."""
        if self.top_deal_size is None or self.bottom_deal_size is None:
            return None
        return self.top_deal_size - self.bottom_deal_size

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mix(self) -> SignedAmount | None:
        """The part of the gap from selling a different mix of products; None without a gap."""
        if self.gap is None:
            return None
        return _part(self.rows, "mix")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def price(self) -> SignedAmount | None:
        """The part of the gap from different values on the same product; None without a gap."""
        if self.gap is None:
            return None
        return _part(self.rows, "price")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mix_share(self) -> SignedAmount | None:
        """``mix / gap``: with :attr:`price_share` it adds up to 1; None when there is no gap."""
        return _share(self.mix, self.gap)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def price_share(self) -> SignedAmount | None:
        """``price / gap``; None when there is no gap."""
        return _share(self.price, self.gap)

    @property
    def reason(self) -> str | None:
        """Why there is no split (no shares), in words; None when there is one."""
        top, bottom = self.names
        empty = [name for name, n in ((top, self.top_deals), (bottom, self.bottom_deals)) if not n]
        if empty:
            return (
                f"{' and '.join(_the(e) for e in empty)} won no deal with an amount, so there is no gap "
                "in deal size to split"
            )
        if self.gap == 0:
            return "both groups' deals average the same, so there is no gap to split"
        return None

    def __getitem__(self, value: str | None) -> MixRow:
        """Return the row of one product.

        Raises
        ------
        UnknownNameError
            If no deal in either group has that value.
        """
        return _row(self.rows, value, self.by)

    # -- words -----------------------------------------------------------------

    def _mix_word(self) -> str:
        return f"{self.by} mix"

    def sentence(self, share_of_gap: float | Fraction | None = None) -> str:
        """Say in one sentence how much of a larger gap deal size explains, and its split.

        For ``compare_thirds``: `share_of_gap` is deal size's share of the
        bookings gap (``comparison.shares()["deal_size"]``).

        Examples
        --------
        >>> split = deal_size_mix(_demo(), ["ana", "bo"], ["cy", "di"])
        >>> split.sentence(0.42)
        'Deal size explains 42% of the gap — of that, 97% is product mix and 3% price.'
        >>> split.sentence()
        'Of the deal-size gap, 97% is product mix and 3% price.'
        >>> split.sentence(-0.25)
        'Deal size offsets -25% of the gap — of that, 97% is product mix and 3% price.'
        >>> deal_size_mix(_demo(), ["ana"], ["ed"]).sentence(0.5)
        'Deal size explains 50% of the gap; the deal records cannot split it into mix and price: the bottom reps won no deal with an amount, so there is no gap in deal size to split.'
        """
        mix, price = self.mix_share, self.price_share
        head = (
            None
            if share_of_gap is None
            else f"Deal size {'offsets' if share_of_gap < 0 else 'explains'} "
            f"{format_percent(share_of_gap)} of the gap"
        )
        if mix is None or price is None:
            why = f"the deal records cannot split it into mix and price: {self.reason}."
            return f"{head}; {why}" if head else why[0].upper() + why[1:]
        split = f"{format_percent(mix)} is {self._mix_word()} and {format_percent(price)} price."
        return f"{head} — of that, {split}" if head else f"Of the deal-size gap, {split}"

    def clause(self) -> str | None:
        """Say the split as a clause to put after deal size's share of a gap; None without one.

        For ``compare_thirds``' summary: "deal size explains 42% of the gap
        (of that, 97% is product mix and 3% price)".

        Examples
        --------
        >>> deal_size_mix(_demo(), ["ana", "bo"], ["cy", "di"]).clause()
        'of that, 97% is product mix and 3% price'
        >>> deal_size_mix(_demo(), ["ana"], ["ed"]).clause() is None
        True
        """
        mix, price = self.mix_share, self.price_share
        if mix is None or price is None:
            return None
        return (
            f"of that, {format_percent(mix)} is {self._mix_word()} and "
            f"{format_percent(price)} price"
        )

    def advice(self) -> str:
        """Say what to coach for a deal-size gap: mix, price, or both; a hypothesis when unsure.

        Mix when it explains at least :data:`MOSTLY` (two thirds) of the gap,
        price likewise, both otherwise; a hypothesis to check when either
        group has fewer than :data:`MIN_DEALS` won deals or there is no split.
        Written for the deal-size recommendation of ``assess_capacity``, with
        the reps below the model as the bottom group.

        Examples
        --------
        >>> deal_size_mix(_demo(), ["ana", "bo"], ["cy", "di"]).advice()
        'deal size is the gap, and the deal records lean to product mix (97% of it) but hold few deals (5 and 4 won): check the mix (the won deals of the bottom reps are 0% Enterprise against 40% for the top reps and 75% Core against 60%) on more deals before coaching either'
        """
        mix, price = self.mix_share, self.price_share
        bottom = self.names[1]
        if mix is None or price is None:
            return (
                "deal size is the gap; check mix vs price (smaller accounts or products, or "
                f"deeper discounts) before coaching either: {self.reason}"
            )
        if min(self.top_deals, self.bottom_deals) < MIN_DEALS:
            lean = (
                f"{self._mix_word()} ({format_percent(mix)} of it)"
                if mix >= price
                else f"price ({format_percent(price)} of it)"
            )
            check = (
                f"the mix ({self._mix_detail()})"
                if mix >= price
                else (f"prices ({self._price_detail()})")
            )
            return (
                f"deal size is the gap, and the deal records lean to {lean} but hold few deals "
                f"({self.top_deals:,} and {self.bottom_deals:,} won): check {check} on more "
                "deals before coaching either"
            )
        if mix >= MOSTLY:
            return (
                f"deal size is the gap, and it is {self._mix_word()} ({format_percent(mix)} of "
                f"it): {self._mix_detail()}; coach which {self.by}s {_the(bottom)} lead with and "
                "qualify for, not discounting"
            )
        if price >= MOSTLY:
            return (
                f"deal size is the gap, and it is price ({format_percent(price)} of it): "
                f"{self._price_detail()}; review discounting and coach holding price"
            )
        return (
            f"deal size is the gap, from both {self._mix_word()} ({format_percent(mix)}: "
            f"{self._mix_detail()}) and price ({format_percent(price)}: {self._price_detail()}); "
            f"coach which {self.by}s to lead with and holding price"
        )

    def _mix_drivers(self, n: int = 2) -> list[MixRow]:
        """Return the products whose mix part is largest, in the direction of the gap."""
        sign = 1 if (self.gap or 0) >= 0 else -1
        ranked = sorted(
            (row for row in self.rows if row.mix is not None and row.mix * sign > 0),
            key=lambda row: (-abs(row.mix or 0), _label(row.value)),
        )
        return ranked[:n]

    def _mix_detail(self) -> str:
        """Say how the bottom group's mix differs, on the products that make most of it."""
        top, bottom = self.names
        parts = [
            f"{format_percent(row.bottom_share or 0)} {_label(row.value)} against "
            f"{format_percent(row.top_share or 0)}" + (f" for {_the(top)}" if i == 0 else "")
            for i, row in enumerate(self._mix_drivers())
        ]
        if not parts:
            return f"no single {self.by} stands out"
        return f"the won deals of {_the(bottom)} are {join_and(parts)}"

    def _price_gaps(self) -> list[tuple[MixRow, Fraction]]:
        """Products both groups sold, with top average ÷ bottom average − 1."""
        return [
            (row, row.top_average / row.bottom_average - 1)
            for row in self.rows
            if row.sold_by_both
            and row.top_average is not None
            and row.bottom_average  # a product sold at 0 has no relative price
        ]

    def _widest_price(self) -> tuple[MixRow, Fraction] | None:
        """Return the product both sold with the largest price part, and its relative difference."""
        gaps = self._price_gaps()
        if not gaps:
            return None
        return max(gaps, key=lambda pair: (abs(pair[0].price or 0), _label(pair[0].value)))

    def _price_detail(self) -> str:
        """Say where the groups' prices differ most, on a product both sold."""
        widest = self._widest_price()
        if widest is None:
            return f"no {self.by} was sold by both groups"
        row, relative = widest
        bottom = self.names[1]
        return (
            f"{_label(row.value)} averages {format_amount(row.bottom_average)} for {_the(bottom)} "
            f"against {format_amount(row.top_average)} ({format_percent(-relative / (1 + relative), signed=True)})"
        )

    def summary(self) -> str:
        """Say in one paragraph how far apart the groups' deal sizes are, and why.

        Examples
        --------
        >>> print(deal_size_mix(_demo(), ["ana", "bo"], ["cy", "di"]).summary())
        Won deals average 52,000 for the top reps and 21,500 for the bottom reps: a gap of 30,500 a deal, of which 97% is product mix and 3% price. Mix: the won deals of the bottom reps are 0% Enterprise against 40% for the top reps and 75% Core against 60%. Price: on Core, the one product both sell, the deals of the top reps average 13,333.33 against 12,000 (+11.1%).
        """
        top, bottom = self.names
        mix, price = self.mix_share, self.price_share
        if self.top_deal_size is None or self.bottom_deal_size is None:
            return f"No split: {self.reason}." + self._notes_text()
        text = (
            f"Won deals average {format_amount(self.top_deal_size)} for {_the(top)} and "
            f"{format_amount(self.bottom_deal_size)} for {_the(bottom)}"
        )
        if mix is None or price is None:
            return f"{text}: {self.reason}." + self._notes_text()
        gap = self.gap or Fraction(0)
        size = (
            f"a gap of {format_amount(gap)} a deal"
            if gap > 0
            else f"those of {_the(bottom)} are {format_amount(-gap)} larger"
        )
        text += (
            f": {size}, of which {format_percent(mix)} is {self._mix_word()} and "
            f"{format_percent(price)} price."
        )
        if self._mix_drivers():
            text += f" Mix: {self._mix_detail()}."
        gaps = self._price_gaps()
        widest = self._widest_price()
        if widest is not None:
            row, relative = widest
            spread = max(abs(r) for _, r in gaps)
            if len(gaps) == 1:
                where = f"on {_label(row.value)}, the one {self.by} both sell"
            else:
                where = f"on the {len(gaps)} {self.by}s both sell"
            if spread <= _SAME_PRICE:
                text += (
                    f" Price: {where}, the two groups' deals average within "
                    f"{format_percent(spread)} of each other."
                )
            else:
                where += "" if len(gaps) == 1 else f", most on {_label(row.value)}"
                text += (
                    f" Price: {where}, the deals of {_the(top)} average "
                    f"{format_amount(row.top_average)} against {format_amount(row.bottom_average)} "
                    f"({format_percent(relative, signed=True)})."
                )
        return text + self._notes_text()

    def _notes_text(self) -> str:
        return "".join(f" {note}" for note in self.notes)

    # -- views -----------------------------------------------------------------

    def table(self) -> Table:
        """Return one row per product: deals, shares and averages in each group, its parts.

        Examples
        --------
        >>> print(deal_size_mix(_demo(), ["ana", "bo"], ["cy", "di"]))
        Deal size by product, top reps vs bottom reps: 52,000 vs 21,500 a deal; gap 30,500 = mix 29,600 + price 900
        product     top deals  bottom deals  top share  bottom share  top average  bottom average       mix  price
        ----------  ---------  ------------  ---------  ------------  -----------  --------------  --------  -----
        Core                3             3        60%           75%    13,333.33          12,000   3,612.5    900
        Pro                 0             1         0%           25%            —          50,000  -3,312.5      0
        Enterprise          2             0        40%            0%      110,000               —    29,300      0
        mix + price = gap exactly; a product one group never sold counts wholly to mix.
        """
        top, bottom = self.names
        rows = [
            (
                row.value,
                row.top_deals,
                row.bottom_deals,
                row.top_share,
                row.bottom_share,
                row.top_average,
                row.bottom_average,
                row.mix,
                row.price,
            )
            for row in self.rows
        ]
        title = f"Deal size by {self.by}, {top} vs {bottom}: " + (
            f"{format_amount(self.top_deal_size)} vs {format_amount(self.bottom_deal_size)} a deal"
        )
        if self.gap is not None:
            title += (
                f"; gap {format_amount(self.gap)} = mix {format_amount(self.mix)} + price "
                f"{format_amount(self.price)}"
            )
        notes = [
            *self.notes,
            "mix + price = gap exactly; a product one group never sold counts wholly to mix.",
        ]
        if self.reason is not None and self.gap is None:
            notes.insert(0, f"No split: {self.reason}.")
        return Table(
            title=title,
            columns=(
                Column(self.by, format=format_cell, align="left"),
                Column("top deals", format=format_amount),
                Column("bottom deals", format=format_amount),
                Column("top share", format=format_percent),
                Column("bottom share", format=format_percent),
                Column("top average", format=format_amount),
                Column("bottom average", format=format_amount),
                Column("mix", format=format_amount),
                Column("price", format=format_amount),
            ),
            rows=rows,
            notes=tuple(notes),
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the gap as a waterfall: bottom deal size, + mix, + price = top deal size.

        See :func:`salesmath.plotting.plot_deal_size_mix` (the waterfall the
        other gaps are drawn with); draws on `ax` when given, else on a new
        figure; `kwargs` go to ``ax.bar``.  Needs the ``plot`` extra (matplotlib).

        Raises
        ------
        InvalidInputError
            When there is no split to draw (:attr:`reason`).
        """
        from salesmath.plotting import plot_deal_size_mix

        return plot_deal_size_mix(self, ax, **kwargs)

    def __repr__(self) -> str:
        def short(value: Fraction | None) -> str:
            return "None" if value is None else format_amount(value).replace(",", "")

        def share(value: Fraction | None) -> str:
            return "None" if value is None else f"{float(value):.3g}"

        return (
            f"DealSizeMix(by={self.by!r}, top_deal_size={short(self.top_deal_size)}, "
            f"bottom_deal_size={short(self.bottom_deal_size)}, "
            f"mix_share={share(self.mix_share)}, price_share={share(self.price_share)})"
        )


class WinRateMix(TabularModel):
    """The gap in win rate between two groups, split into mix and the rate within each value.

    Made by :func:`win_rate_mix`.  A group's win rate is its won records ÷
    its decided ones (won or lost; open records are left out, as
    :meth:`History.rates <salesmath.history.History.rates>` leaves them
    out).  It is the mean outcome of a decided record (1 won, 0 lost), so
    the split of :mod:`salesmath.mix` applies unchanged, and is as exact:
    ``mix + rate == gap``.  In ``rows``, ``*_deals`` count the decided records
    of each value, ``*_share`` is their share and ``*_average`` their win rate.

    Examples
    --------
    >>> split = win_rate_mix(_sources(), ["ana"], ["bo"], by="source")
    >>> split.top_win_rate, split.bottom_win_rate, split.mix_share, split.rate_share
    (Fraction(2, 5), Fraction(3, 10), Fraction(1, 1), Fraction(0, 1))
    >>> print(split.summary())
    The top reps win 40% of their decided records, the bottom reps 30%: a gap of 10 percentage points, of which 100% is source mix and 0% the win rate within each source. Mix: the decided records of the bottom reps are 25% referral against 50% for the top reps and 75% outbound against 50%.
    >>> print(split)
    Win rate by source, top reps vs bottom reps: 40% vs 30%; gap 10% = mix 10% + rate 0%
    source    top decided  bottom decided  top share  bottom share  top win rate  bottom win rate   mix  rate
    --------  -----------  --------------  ---------  ------------  ------------  ---------------  ----  ----
    outbound            5              15        50%           75%           20%              20%  3.8%    0%
    referral            5               5        50%           25%           60%              60%  6.3%    0%
    mix + rate = gap exactly; decided = won or lost (open left out).
    """

    by: str
    top: tuple[str, ...]
    bottom: tuple[str, ...]
    names: tuple[str, str] = ("top reps", "bottom reps")
    top_decided: int
    bottom_decided: int
    top_win_rate: Share | None
    bottom_win_rate: Share | None
    rows: tuple[MixRow, ...]
    notes: tuple[str, ...] = ()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def gap(self) -> SignedAmount | None:
        """``top_win_rate − bottom_win_rate``; None when a group decided nothing."""
        if self.top_win_rate is None or self.bottom_win_rate is None:
            return None
        return self.top_win_rate - self.bottom_win_rate

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mix(self) -> SignedAmount | None:
        """The part of the gap from a different mix of `by` values; None without a gap."""
        if self.gap is None:
            return None
        return _part(self.rows, "mix")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rate(self) -> SignedAmount | None:
        """The part of the gap from different win rates within each value; None without a gap."""
        if self.gap is None:
            return None
        return _part(self.rows, "price")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mix_share(self) -> SignedAmount | None:
        """``mix / gap``: with :attr:`rate_share` it adds up to 1; None when there is no gap."""
        return _share(self.mix, self.gap)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rate_share(self) -> SignedAmount | None:
        """``rate / gap``; None when there is no gap."""
        return _share(self.rate, self.gap)

    @property
    def reason(self) -> str | None:
        """Why there is no split, in words; None when there is one."""
        top, bottom = self.names
        empty = [
            name for name, n in ((top, self.top_decided), (bottom, self.bottom_decided)) if not n
        ]
        if empty:
            return (
                f"{' and '.join(_the(e) for e in empty)} decided no record yet (every one is open), so "
                "there is no win rate to compare"
            )
        if self.gap == 0:
            return "both groups win at the same rate, so there is no gap to split"
        return None

    def __getitem__(self, value: str | None) -> MixRow:
        """Return the row of one `by` value (an ``UnknownNameError`` if there is none)."""
        return _row(self.rows, value, self.by)

    def sentence(self, share_of_gap: float | Fraction | None = None) -> str:
        """Say in one sentence how much of a larger gap the win rate explains, and its split.

        Examples
        --------
        >>> win_rate_mix(_sources(), ["ana"], ["bo"], by="source").sentence(0.3)
        'The win rate explains 30% of the gap — of that, 100% is source mix and 0% the win rate within each source.'
        """
        mix, rate = self.mix_share, self.rate_share
        head = (
            None
            if share_of_gap is None
            else f"The win rate {'offsets' if share_of_gap < 0 else 'explains'} "
            f"{format_percent(share_of_gap)} of the gap"
        )
        if mix is None or rate is None:
            why = f"the records cannot split it into mix and rate: {self.reason}."
            return f"{head}; {why}" if head else why[0].upper() + why[1:]
        split = (
            f"{format_percent(mix)} is {self.by} mix and {format_percent(rate)} the win rate "
            f"within each {self.by}."
        )
        return f"{head} — of that, {split}" if head else f"Of the win-rate gap, {split}"

    def summary(self) -> str:
        """Say in one paragraph how far apart the groups' win rates are, and why."""
        top, bottom = self.names
        if self.top_win_rate is None or self.bottom_win_rate is None:
            return f"No split: {self.reason}." + "".join(f" {n}" for n in self.notes)
        text = (
            f"{_cap(_the(top))} win {format_percent(self.top_win_rate)} of their decided records, "
            f"{_the(bottom)} {format_percent(self.bottom_win_rate)}"
        )
        mix, rate, gap = self.mix_share, self.rate_share, self.gap
        if mix is None or rate is None or gap is None:
            return f"{text}: {self.reason}." + "".join(f" {n}" for n in self.notes)
        points = format_amount(abs(gap) * 100, places=1)
        size = (
            f"a gap of {points} percentage points"
            if gap > 0
            else (f"{_the(bottom)} win {points} percentage points more")
        )
        text += (
            f": {size}, of which {format_percent(mix)} is {self.by} mix and "
            f"{format_percent(rate)} the win rate within each {self.by}."
        )
        sign = 1 if gap > 0 else -1
        drivers = sorted(
            (r for r in self.rows if r.mix is not None and r.mix * sign > 0),
            key=lambda r: (-abs(r.mix or 0), _label(r.value)),
        )[:2]
        parts = [
            f"{format_percent(r.bottom_share or 0)} {_label(r.value)} against "
            f"{format_percent(r.top_share or 0)}" + (f" for {_the(top)}" if i == 0 else "")
            for i, r in enumerate(drivers)
        ]
        if parts:
            text += f" Mix: the decided records of {_the(bottom)} are {join_and(parts)}."
        return text + "".join(f" {n}" for n in self.notes)

    def table(self) -> Table:
        """Return one row per `by` value: decided records, shares, win rates and the parts."""
        top, bottom = self.names
        rows = [
            (
                row.value,
                row.top_deals,
                row.bottom_deals,
                row.top_share,
                row.bottom_share,
                row.top_average,
                row.bottom_average,
                row.mix,
                row.price,
            )
            for row in self.rows
        ]
        title = (
            f"Win rate by {self.by}, {top} vs {bottom}: {format_percent(self.top_win_rate)} vs "
            f"{format_percent(self.bottom_win_rate)}"
        )
        if self.gap is not None:
            title += (
                f"; gap {format_percent(self.gap)} = mix {format_percent(self.mix)} + rate "
                f"{format_percent(self.rate)}"
            )
        notes = [*self.notes, "mix + rate = gap exactly; decided = won or lost (open left out)."]
        if self.gap is None:
            notes.insert(0, f"No split: {self.reason}.")
        return Table(
            title=title,
            columns=(
                Column(self.by, format=format_cell, align="left"),
                Column("top decided", format=format_amount),
                Column("bottom decided", format=format_amount),
                Column("top share", format=format_percent),
                Column("bottom share", format=format_percent),
                Column("top win rate", format=format_percent),
                Column("bottom win rate", format=format_percent),
                Column("mix", format=format_percent),
                Column("rate", format=format_percent),
            ),
            rows=rows,
            notes=tuple(notes),
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the gap as a waterfall: bottom win rate, + mix, + rate within, = top win rate.

        See :func:`salesmath.plotting.plot_win_rate_mix` (the waterfall the
        other gaps are drawn with); needs the ``plot`` extra (matplotlib).

        Parameters
        ----------
        ax
            The axes to draw on; a new figure when None.
        **kwargs
            Passed to :meth:`~matplotlib.axes.Axes.bar`.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Raises
        ------
        InvalidInputError
            When there is no split to draw (:attr:`reason`: a group decided
            no record).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = win_rate_mix(_sources(), ["ana"], ["bo"], by="source").plot()
        >>> [round(float(bar.get_height()), 3) for bar in ax.patches]
        [0.3, 0.1, 0.0, 0.4]
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from salesmath.plotting import plot_win_rate_mix

        return plot_win_rate_mix(self, ax, **kwargs)

    def __repr__(self) -> str:
        def share(value: Fraction | None) -> str:
            return "None" if value is None else f"{float(value):.3g}"

        return (
            f"WinRateMix(by={self.by!r}, top_win_rate={share(self.top_win_rate)}, "
            f"bottom_win_rate={share(self.bottom_win_rate)}, mix_share={share(self.mix_share)}, "
            f"rate_share={share(self.rate_share)})"
        )


# -- the split ---------------------------------------------------------------------

Totals = Mapping[Any, tuple[int, Fraction]]
"""Per product: (won deals, their total value)."""


def split_mix(top: Totals, bottom: Totals) -> list[MixRow]:
    """Split the gap in average value between two groups, product by product, exactly.

    Parameters
    ----------
    top, bottom
        Per product (any hashable; None for "no value"): the group's won
        deals and their total value.  Products with no deals may be left out.

    Returns
    -------
    list of MixRow
        One per product either group sold, cheapest (average over both
        groups) first; the mix and price parts as in :mod:`salesmath.mix`.

    Examples
    --------
    Two products at 10 and 50.  The top group sells one of each at list
    price (30 a deal); the bottom sells two of the cheap one, at 8.  The gap
    of 22 is 5 + 15.5 mix (fewer cheap deals, more dear ones, each against
    the mean deal of 19) and 1.5 price (10 against 8 on the cheap one):

    >>> rows = split_mix({"a": (1, Fraction(10)), "b": (1, Fraction(50))},
    ...                  {"a": (2, Fraction(16))})
    >>> [(r.value, r.mix, r.price) for r in rows]
    [('a', Fraction(5, 1), Fraction(3, 2)), ('b', Fraction(31, 2), Fraction(0, 1))]
    >>> sum(r.mix + r.price for r in rows) == Fraction(60, 2) - Fraction(16, 2)
    True
    """
    n_top = sum(count for count, _ in top.values())
    n_bottom = sum(count for count, _ in bottom.values())
    keys = {k for k, (c, _) in top.items() if c} | {k for k, (c, _) in bottom.items() if c}
    half = Fraction(1, 2)
    center = None
    if n_top and n_bottom:
        sizes = [
            sum((Fraction(t) for _, t in g.values()), Fraction(0)) / n
            for g, n in ((top, n_top), (bottom, n_bottom))
        ]
        center = (sizes[0] + sizes[1]) * half
    rows = []
    for key in keys:
        c_t, t_t = top.get(key, (0, Fraction(0)))
        c_b, t_b = bottom.get(key, (0, Fraction(0)))
        s_t = Fraction(c_t, n_top) if n_top else None
        s_b = Fraction(c_b, n_bottom) if n_bottom else None
        v_t = Fraction(t_t) / c_t if c_t else None
        v_b = Fraction(t_b) / c_b if c_b else None
        mix = price = None  # no gap: a group won nothing
        if s_t is not None and s_b is not None and center is not None:
            # a product one group never sold: its value there is taken as the other's,
            # so its difference is all mix and its price part is 0
            a_t = v_t if v_t is not None else v_b
            a_b = v_b if v_b is not None else v_t
            assert a_t is not None  # one of the two was sold
            assert a_b is not None
            mix = (s_t - s_b) * ((a_t + a_b) * half - center)
            price = (a_t - a_b) * (s_t + s_b) * half
        rows.append(
            MixRow.model_construct(
                value=None if key is None else str(key),
                top_deals=c_t,
                bottom_deals=c_b,
                top_share=s_t,
                bottom_share=s_b,
                top_average=v_t,
                bottom_average=v_b,
                mix=mix,
                price=price,
            )
        )
    pooled = {
        id(row): Fraction(
            top.get(key, (0, Fraction(0)))[1] + bottom.get(key, (0, Fraction(0)))[1],
            row.top_deals + row.bottom_deals,
        )
        for key, row in zip(keys, rows, strict=True)
    }
    return sorted(rows, key=lambda row: (pooled[id(row)], _label(row.value)))


# -- from a history ----------------------------------------------------------------


def deal_size_mix(
    history: History,
    top: Iterable[str],
    bottom: Iterable[str],
    *,
    by: str = "product",
    names: Sequence[str] = ("top reps", "bottom reps"),
) -> DealSizeMix:
    """Split the gap in average won deal size between two groups of reps into mix and price.

    Parameters
    ----------
    history
        A :class:`~salesmath.history.History` with a rep column, an amount
        column and `by` among its ``attributes``.
    top, bottom
        Rep names of each group, e.g. a ``ThirdsComparison``'s ``.top`` and
        ``.bottom``.  Every rep must own a record in the history; a rep may
        have won nothing.
    by
        The attribute whose values make the mix: ``"product"``,
        ``"segment"``, ``"source"`` ...
    names
        How sentences name the two groups, e.g. ``("top third", "bottom third")``.

    Returns
    -------
    DealSizeMix
        With ``.gap == .mix + .price`` exactly and ``.mix_share +
        .price_share == 1``; when a group won no deal with an amount, or
        the averages are equal, the shares are None and ``.reason`` says why.

    Raises
    ------
    InvalidInputError
        If `history` is not a History or lacks a rep or amount column, a
        group is empty, the groups share a rep, `by` is the rep column, or
        no won deal of either group has a `by` value.
    UnknownRepError
        If a group names a rep with no record in the history (the first such
        rep is named, with the reps there are).
    UnknownNameError
        If `by` is not one of the history's attributes.

    Examples
    --------
    Four reps' won deals: ana and bo sell Enterprise, cy and di do not, and
    on Core (the one product both pairs sell) the prices are close.

    >>> from salesmath.history import History
    >>> deals = [("ana", "Core", 12_000), ("ana", "Enterprise", 100_000), ("ana", "Core", 14_000),
    ...          ("bo", "Enterprise", 120_000), ("bo", "Core", 14_000), ("cy", "Core", 11_000),
    ...          ("cy", "Core", 13_000), ("di", "Pro", 50_000), ("di", "Core", 12_000)]
    >>> history = History.from_records(
    ...     [{"rep": r, "product": p, "status": "won", "amount": a} for r, p, a in deals],
    ...     stages=["opps", "won"], outcome="status", won="won", lost="lost",
    ...     rep="rep", amount="amount", attributes=["product"])
    >>> split = deal_size_mix(history, top=["ana", "bo"], bottom=["cy", "di"])
    >>> split.gap, split.mix, split.price
    (Fraction(30500, 1), Fraction(29600, 1), Fraction(900, 1))
    >>> split.mix_share, split.price_share
    (Fraction(296, 305), Fraction(9, 305))
    >>> split["Enterprise"].top_share, split["Enterprise"].bottom_share
    (Fraction(2, 5), Fraction(0, 1))
    >>> deal_size_mix(history, ["ana"], ["ana", "cy"])
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: top and bottom must not share reps, got 'ana' in both
    """
    return _deal_size_mix(history, top, bottom, by=by, names=names, strict=True)


def win_rate_mix(
    history: History,
    top: Iterable[str],
    bottom: Iterable[str],
    *,
    by: str = "source",
    names: Sequence[str] = ("top reps", "bottom reps"),
) -> WinRateMix:
    """Split the gap in win rate between two groups of reps into `by` mix and rate within.

    A lead-source mix explains a win-rate gap the way a product mix explains
    a deal-size gap: the top reps may simply work more referrals.  The win
    rate is won ÷ decided records (open ones left out); the split is the one
    of :mod:`salesmath.mix`, exact (``mix + rate == gap``).  Parameters,
    errors and the None-with-a-reason rule are those of :func:`deal_size_mix`
    (an amount column is not needed).

    Examples
    --------
    >>> split = win_rate_mix(_sources(), ["ana"], ["bo"], by="source")
    >>> split.mix + split.rate == split.gap, split.mix_share + split.rate_share
    (True, Fraction(1, 1))
    """
    groups = _Groups.read(history, top, bottom, by=by, names=names, strict=True, won=True)
    top_totals, bottom_totals = groups.totals
    rows = split_mix(top_totals, bottom_totals)
    n_top = sum(c for c, _ in top_totals.values())
    n_bottom = sum(c for c, _ in bottom_totals.values())
    blank = sum(row.top_deals + row.bottom_deals for row in rows if row.value is None)
    notes = []
    if blank:
        notes.append(
            f"{blank:,} decided record{'s' if blank != 1 else ''} without a {groups.by} "
            f"{'count' if blank != 1 else 'counts'} as one more {groups.by} (—)."
        )
    return WinRateMix.trusted(
        by=groups.by,
        top=groups.top,
        bottom=groups.bottom,
        names=groups.names,
        top_decided=n_top,
        bottom_decided=n_bottom,
        top_win_rate=_mean(top_totals, n_top),
        bottom_win_rate=_mean(bottom_totals, n_bottom),
        rows=tuple(rows),
        notes=tuple(notes),
    )


def thirds_mix(
    history: History,
    comparison: Any,
    *,
    by: str = "product",
) -> DealSizeMix:
    """Split a thirds comparison's deal-size lever into mix and price.

    The same as ``deal_size_mix(history, comparison.top, comparison.bottom,
    by=by)`` with the groups named "top third" and "bottom third", except
    that a rep with no record in the history (a new hire on the roster)
    counts as having won nothing instead of being an error.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> comparison = SimpleNamespace(top=("ana", "bo"), bottom=("cy", "di", "new hire"))
    >>> thirds_mix(_demo(), comparison).sentence(0.42)
    'Deal size explains 42% of the gap — of that, 97% is product mix and 3% price.'
    """
    return _deal_size_mix(
        history,
        comparison.top,
        comparison.bottom,
        by=by,
        names=("top third", "bottom third"),
        strict=False,
    )


def capacity_mix(
    history: History,
    below: Iterable[str],
    rest: Iterable[str],
    *,
    by: str = "product",
) -> DealSizeMix | None:
    """Split the deal-size gap of the reps below a model from the rest of the team.

    For ``assess_capacity``: `below` are the reps below the model's deal
    size, `rest` the other reps; :meth:`DealSizeMix.advice` then words the
    deal-size recommendation.  None when either list is empty (every rep is
    below, or none is): there is no one to compare with.  A rep with no
    record in the history counts as having won nothing.

    Examples
    --------
    >>> capacity_mix(_demo(), below=["cy", "di"], rest=["ana", "bo", "ed"]).names
    ('reps at or above the model', 'reps below the model')
    >>> capacity_mix(_demo(), below=["cy"], rest=[]) is None
    True
    """
    below_reps = parse_names(below, what="below")
    rest_reps = parse_names(rest, what="rest")
    if not below_reps or not rest_reps:
        return None
    return _deal_size_mix(
        history,
        rest_reps,
        below_reps,
        by=by,
        names=("reps at or above the model", "reps below the model"),
        strict=False,
    )


def _deal_size_mix(
    history: History,
    top: Iterable[str],
    bottom: Iterable[str],
    *,
    by: str,
    names: Sequence[str],
    strict: bool,
) -> DealSizeMix:
    groups = _Groups.read(history, top, bottom, by=by, names=names, strict=strict, won=False)
    label, (top_totals, bottom_totals) = groups.by, groups.totals
    rows = split_mix(top_totals, bottom_totals)
    n_top = sum(c for c, _ in top_totals.values())
    n_bottom = sum(c for c, _ in bottom_totals.values())
    notes = []
    if groups.unvalued:
        n = groups.unvalued
        notes.append(
            f"{n:,} won deal{'s' if n != 1 else ''} without an amount "
            f"{'are' if n != 1 else 'is'} left out."
        )
    blank = sum(row.top_deals + row.bottom_deals for row in rows if row.value is None)
    if blank:
        notes.append(
            f"{blank:,} won deal{'s' if blank != 1 else ''} without a {label} "
            f"{'count' if blank != 1 else 'counts'} as one more {label} (—)."
        )
    return DealSizeMix.trusted(
        by=label,
        top=groups.top,
        bottom=groups.bottom,
        names=groups.names,
        top_deals=n_top,
        bottom_deals=n_bottom,
        top_deal_size=_mean(top_totals, n_top),
        bottom_deal_size=_mean(bottom_totals, n_bottom),
        rows=tuple(rows),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class _Groups:
    """Two groups of reps read once, with their totals per `by` value."""

    top: tuple[str, ...]
    bottom: tuple[str, ...]
    by: str
    names: tuple[str, str]
    totals: tuple[dict[Any, tuple[int, Fraction]], dict[Any, tuple[int, Fraction]]]
    unvalued: int

    @classmethod
    def read(
        cls,
        history: History,
        top: Iterable[str],
        bottom: Iterable[str],
        *,
        by: str,
        names: Sequence[str],
        strict: bool,
        won: bool,
    ) -> _Groups:
        """Read the arguments; totals are (deals, amount) or, with `won`, (decided, won)."""
        from salesmath.history import History

        if not isinstance(history, History):
            raise InvalidInputError(
                f"history must be a salesmath History (History.from_csv, from_frame ...), "
                f"got {type(history).__name__}"
            )
        top_reps = parse_names(top, what="top", minimum=1)
        bottom_reps = parse_names(bottom, what="bottom", minimum=1)
        both = [rep for rep in top_reps if rep in set(bottom_reps)]
        if both:
            listed = ", ".join(repr(rep) for rep in both[:5]) + (" ..." if len(both) > 5 else "")
            raise InvalidInputError(f"top and bottom must not share reps, got {listed} in both")
        label = parse_name(by, what="by")
        labels = parse_names(names, what="names")
        if len(labels) != 2:
            raise InvalidInputError(f"names must be two names (top, bottom), got {len(labels)}")
        per_rep, reps, unvalued = _rep_totals(history, label, won=won)
        if strict:
            for rep in (*top_reps, *bottom_reps):
                if rep not in reps:
                    raise UnknownRepError(rep, sorted(reps))
        totals = []
        for group in (top_reps, bottom_reps):
            merged: dict[Any, tuple[int, Fraction]] = {}
            for rep in group:
                for key, (count, total) in per_rep.get(rep, {}).items():
                    seen, value = merged.get(key, (0, Fraction(0)))
                    merged[key] = (seen + count, value + total)
            totals.append(merged)
        found = [k for t in totals for k, (c, _) in t.items() if c]
        if found and all(k is None for k in found):
            what = "decided record" if won else "won deal"
            raise InvalidInputError(
                f"no {what} of either group has a {label!r} value: the column is empty for "
                "them; split by another attribute"
            )
        return cls(
            top=top_reps,
            bottom=bottom_reps,
            by=label,
            names=(labels[0], labels[1]),
            totals=(totals[0], totals[1]),
            unvalued=sum(unvalued.get(rep, 0) for rep in (*top_reps, *bottom_reps)),
        )


def _rep_totals(
    history: History, by: str, *, won: bool
) -> tuple[dict[str, dict[Any, tuple[int, Fraction]]], set[str], dict[str, int]]:
    """Per rep and `by` value, totals from the history's records.

    Without `won`: the won deals with an amount and their total amount;
    with it: the decided (won or lost) records and how many were won.  Also
    the reps with any record, and per rep the won deals without an amount.
    History has no public way to count records per rep and attribute, so
    this reads its one aggregate query (``History._tally``), which runs in
    the frame's own engine; it is the one place this module touches
    History's internals.
    """
    what = "win_rate_mix" if won else "deal_size_mix"
    layout = history._layout
    if layout.rep is None:
        raise InvalidInputError(f"{what} needs the rep column: give rep= when reading")
    if not won and not layout.has_amount:
        raise InvalidInputError(f"{what} needs the amount column: give amount= when reading")
    if by == layout.rep:
        raise InvalidInputError(
            f"by={by!r} is the rep column: the groups are reps already; split by an attribute "
            f"({', '.join(repr(a) for a in layout.attributes) or 'none were read: give attributes='})"
        )
    keys = history._keys(by)  # raises UnknownNameError for a column it did not read
    tally = history._tally([_REP, *keys], None)
    per_rep: dict[str, dict[Any, tuple[int, Fraction]]] = defaultdict(dict)
    reps: set[str] = set()
    unvalued: dict[str, int] = defaultdict(int)
    for row in tally:
        if row[_REP] is None:
            continue
        rep = str(row[_REP])
        reps.add(rep)
        key = row[by]
        if won:
            if row[_ST] in (WON, LOST):
                seen, wins = per_rep[rep].get(key, (0, Fraction(0)))
                per_rep[rep][key] = (seen + row[_N], wins + (row[_N] if row[_ST] == WON else 0))
            continue
        if row[_ST] != WON:
            continue
        count = int(row.get(PREFIX + "acount") or 0)
        unvalued[rep] += row[_N] - count
        if count:
            seen, total = per_rep[rep].get(key, (0, Fraction(0)))
            per_rep[rep][key] = (seen + count, total + money(row.get(PREFIX + "asum")))
    return per_rep, reps, unvalued


def _part(rows: Sequence[MixRow], part: str) -> Fraction:
    """Add up one part of the split (``"mix"`` or ``"price"``) over the rows."""
    return sum((getattr(row, part) or Fraction(0) for row in rows), Fraction(0))


def _share(part: Fraction | None, gap: Fraction | None) -> Fraction | None:
    """Return a part's share of the gap; None when there is no gap to share."""
    return None if gap is None or gap == 0 or part is None else part / gap


def _row(rows: Sequence[MixRow], value: str | None, by: str) -> MixRow:
    """Return the row of one `by` value; an ``UnknownNameError`` names the values there are."""
    for row in rows:
        if row.value == value:
            return row
    raise UnknownNameError(value, [row.value for row in rows], by)


def _mean(totals: Totals, count: int) -> Fraction | None:
    if not count:
        return None
    return sum((total for _, total in totals.values()), Fraction(0)) / count


# -- words -------------------------------------------------------------------------


def _label(value: object) -> str:
    return NONE if value is None else str(value)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _the(name: str) -> str:
    """Put "the" before a group's name unless it has it: "the top third", "the rest"."""
    return name if name.lower().startswith("the ") else f"the {name}"


def _demo() -> History:
    """Build a small history for the examples: two reps who sell Enterprise, two who do not."""
    from salesmath.history import History

    deals = [
        ("ana", "Core", 12_000),
        ("ana", "Enterprise", 100_000),
        ("ana", "Core", 14_000),
        ("bo", "Enterprise", 120_000),
        ("bo", "Pro", None),
        ("bo", "Core", 14_000),
        ("cy", "Core", 11_000),
        ("cy", "Core", 13_000),
        ("di", "Pro", 50_000),
        ("di", "Core", 12_000),
        ("ed", "Core", 0),
    ]
    rows = [
        {"rep": rep, "product": product, "status": "won", "amount": amount}
        for rep, product, amount in deals
    ]
    rows[-1]["status"] = "lost"
    rows[4]["status"] = "lost"
    return History.from_records(
        rows,
        stages=["opps", "won"],
        outcome="status",
        won="won",
        lost="lost",
        rep="rep",
        amount="amount",
        attributes=["product"],
    )


def _sources() -> History:
    """Build a small history for the win-rate examples: same rates per source, another mix."""
    from salesmath.history import History

    rows = [
        {"rep": rep, "source": source, "status": status}
        for rep, source, won, lost in [
            ("ana", "referral", 3, 2),
            ("ana", "outbound", 1, 4),
            ("bo", "referral", 3, 2),
            ("bo", "outbound", 3, 12),
            ("bo", "referral", 0, 0),
        ]
        for status in ["won"] * won + ["lost"] * lost
    ]
    rows.append({"rep": "bo", "source": "outbound", "status": "open"})
    return History.from_records(
        rows,
        stages=["opps", "won"],
        outcome="status",
        won="won",
        lost="lost",
        rep="rep",
        attributes=["source"],
    )
