"""Batch plans: many quotas, or many funnels, planned at once and exactly.

:meth:`Funnel.plan <salesmath.Funnel.plan>` with a numpy array of quotas, and
:func:`plan_batch` with a quota, deal size and rates per row (numpy arrays,
lists or data frame columns), give a :class:`BatchPlan`: one int64 array of
counts per stage, each row equal to the plan of that row alone.

The numbers are read with the rules of the scalar readers
(:func:`~salesmath.numbers.parse_amount`, :func:`~salesmath.numbers.parse_rate`),
vectorised: a float means its shortest decimal reading (0.35 is 7/20), and a
bad row is an error that names it.  Counts come from the exact integer kernel
(``salesmath._core.plan_rows``), with no float on the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any, Final

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    WithJsonSchema,
)

from salesmath import _core
from salesmath._arrays import Exact, Kind, as_array, is_batch, read_amounts, read_column, read_rates
from salesmath._arrays import read as _read
from salesmath._format import format_amount, format_count, format_percent
from salesmath._stages import check_stage_names
from salesmath._table import Column, Table, TabularModel, elided_rows
from salesmath.errors import InvalidInputError, LimitError, UnknownStageError
from salesmath.funnel import Funnel
from salesmath.numbers import (
    parse_choice,
    parse_list,
    parse_probability,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "MAX_CONFIDENCE_PLANS",
    "SHOWN_ROWS",
    "BatchPlan",
    "is_batch",
    "plan_batch",
    "read_amounts",
    "read_rates",
]

SHOWN_ROWS: Final = 5
"""A batch of more than ``4 × SHOWN_ROWS`` plans prints its first and last this many rows."""
MAX_CONFIDENCE_PLANS: Final = 10_000
"""The most distinct deal counts one batch confidence plan works out (one search each)."""

# -- the result ---------------------------------------------------------------------------


def _int_column(value: Any) -> NDArray[Any]:
    if isinstance(value, np.ndarray):
        return value
    items = [int(v) for v in parse_list(value, what="counts")]
    try:
        return np.array(items, dtype=np.int64)
    except OverflowError:
        column = np.empty(len(items), dtype=object)
        column[:] = items
        return column


def _float_column(value: Any) -> NDArray[np.float64]:
    if isinstance(value, np.ndarray):
        return value.astype(np.float64, copy=False)
    return np.array([float(v) for v in parse_list(value, what="column")], dtype=np.float64)


def _to_list(array: NDArray[Any]) -> list[Any]:
    return list(array.tolist())


IntColumn = Annotated[
    NDArray[Any],
    PlainValidator(_int_column),
    PlainSerializer(_to_list, return_type=list[int]),
    WithJsonSchema({"type": "array", "items": {"type": "integer", "minimum": 0}}),
]
FloatColumn = Annotated[
    NDArray[np.float64],
    PlainValidator(_float_column),
    PlainSerializer(_to_list, return_type=list[float]),
    WithJsonSchema({"type": "array", "items": {"type": "number", "minimum": 0}}),
]


class BatchPlan(TabularModel):
    """Many plans at once: one count per stage and row, as numpy arrays.

    Made by :meth:`Funnel.plan` with an array of quotas, or by
    :func:`plan_batch`.  Every row equals the scalar plan of that row:
    ``plan.counts[stage][i] == Funnel(...).plan(quota[i]).counts[stage]``.

    Attributes
    ----------
    stages
        Stage names, top to bottom.
    quota, deal_size
        Each row's quota and deal size, as floats (the counts come from
        their exact reading).
    counts
        Stage → int64 array of whole counts (an object array of Python ints
        for a stage where some count does not fit in int64).
    funnel
        The funnel every row shares, when there is one.
    confidence
        The confidence each stage's count reaches, or None for plans on
        average.

    Examples
    --------
    >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
    ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
    >>> plans = funnel.plan(np.array([250_000, 500_000, 1_000_000]))
    >>> plans.counts["activities"]
    array([ 750, 1500, 3000])
    >>> plans["won"].tolist(), len(plans)
    ([3, 6, 12], 3)
    >>> plans
    BatchPlan(rows=3, stages=['activities', 'discos', 'demos', 'won'], deals=21)
    >>> print(plans)
    3 plans at 84,000 a deal: 21 deals in all
    row      quota  activities  discos  demos  won
    -----  ---------  ----------  ------  -----  ---
    0        250,000         750      15      9    3
    1        500,000       1,500      30     18    6
    2      1,000,000       3,000      60     36   12
    total  1,750,000       5,250     105     63   21
    Each row is the plan for its quota alone (whole counts at every stage).
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", defer_build=True, arbitrary_types_allowed=True
    )

    stages: tuple[str, ...] = Field(min_length=2)
    quota: FloatColumn
    deal_size: FloatColumn
    counts: dict[str, IntColumn]
    funnel: Funnel | None = None
    confidence: Annotated[float, Field(gt=0, lt=1)] | None = None
    _quota_exact: Any = PrivateAttr(default=None)

    def __len__(self) -> int:
        return len(self.quota)

    def __getitem__(self, stage: str) -> NDArray[Any]:
        """Return one stage's counts, an array with one count per row."""
        try:
            return self.counts[stage]
        except KeyError:
            raise UnknownStageError(stage, self.stages) from None

    @property
    def deals(self) -> NDArray[Any]:
        """Won deals planned per row: the counts at the last stage."""
        return self.counts[self.stages[-1]]

    @property
    def bookings(self) -> NDArray[np.float64]:
        """Expected bookings per row, ``deals × deal_size``, as floats."""
        return np.asarray(self.deals, dtype=np.float64) * self.deal_size

    def totals(self) -> dict[str, int]:
        """Return each stage's count added up over every row, exactly.

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> funnel.plan(np.array([21_000, 1_000])).totals()
        {'demos': 63, 'won': 22}
        """
        return {stage: _core.total(column) for stage, column in self.counts.items()}

    def row(self, i: int) -> Any:
        """Return row `i` as a :class:`~salesmath.QuotaPlan` (a batch from one funnel only).

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> funnel.plan(np.array([1_000, 21_000])).row(1).counts
        {'demos': 60, 'won': 21}
        """
        if self.funnel is None or self._quota_exact is None:
            raise InvalidInputError(
                "row() needs a batch planned from one funnel (Funnel.plan(quotas)); "
                "read this batch's counts with plan.counts[stage][i]"
            )
        index = range(len(self))[i]
        numerators, denominators = self._quota_exact
        quota = Fraction(
            int(numerators[index] if isinstance(numerators, np.ndarray) else numerators),
            int(denominators[index] if isinstance(denominators, np.ndarray) else denominators),
        )
        return self.funnel.plan(quota, confidence=self.confidence)

    def _varies(self) -> bool:
        return len(self) > 1 and bool(np.any(self.deal_size != self.deal_size[0]))

    def table(self) -> Table:
        """Return the plans as a table: every row when few, else the first and last rows.

        A batch of more than ``4 × SHOWN_ROWS`` rows shows its first and last
        :data:`SHOWN_ROWS` rows and a total; :meth:`to_frame` has every row.
        """
        n = len(self)
        varies = self._varies()

        def row(i: int) -> tuple[Any, ...]:
            quota = float(self.quota[i])
            cells = [quota, float(self.deal_size[i])] if varies else [quota]
            return (str(i), *cells, *(int(self.counts[s][i]) for s in self.stages))

        width = 2 + varies + len(self.stages)  # row, quota, (deal size), one per stage
        rows, gap = elided_rows(n, SHOWN_ROWS, limit=4 * SHOWN_ROWS, row=row, width=width)
        totals = self.totals()
        total_quota = float(np.sum(self.quota))
        rows.append(("total", total_quota, *([None] if varies else []), *totals.values()))
        size = "" if varies or n == 0 else f" at {format_amount(float(self.deal_size[0]))} a deal"
        confident = (
            "" if self.confidence is None else f", each at {format_percent(self.confidence)}"
        )
        notes = [
            "Each row is the plan for its quota alone (whole counts at every stage)."
            if self.confidence is None
            else f"Each stage's count alone wins the row's deals with at least "
            f"{format_percent(self.confidence)} chance."
        ]
        if n > 4 * SHOWN_ROWS:
            notes.append(
                f"Showing the first and last {SHOWN_ROWS} of {n:,} rows; to_frame() has them all."
            )
        return Table(
            title=(
                f"{n:,} plans{size}{confident}: "
                f"{format_count(totals[self.stages[-1]])} deals in all"
            ),
            columns=(
                Column("row", align="left"),
                Column("quota", format_amount),
                *([Column("deal size", format_amount)] if varies else []),
                *(Column(stage, format_count) for stage in self.stages),
            ),
            rows=rows,
            notes=notes,
            cell_formats=gap,
        )

    def to_frame(self) -> pd.DataFrame:
        """Return every row as a pandas DataFrame: quota, deal size and one column per stage.

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> funnel.plan(np.array([1_000, 21_000])).to_frame()
               quota  deal_size  demos  won
        row
        0     1000.0     1000.0      3    1
        1    21000.0     1000.0     60   21
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_frame() needs pandas; install it with: pip install 'salesmath[pandas]'"
            ) from exc
        data: dict[str, Any] = {"quota": self.quota, "deal_size": self.deal_size}
        for stage in self.stages:
            column = self.counts[stage]
            data[stage] = column.astype(np.float64) if column.dtype == object else column
        frame = pd.DataFrame(data)
        frame.index.name = "row"
        return frame

    def summary(self) -> str:
        """Return the batch in one plain-language paragraph.

        Examples
        --------
        >>> funnel = Funnel(stages=["demos", "won"], rates=["35%"], deal_size=1000)
        >>> print(funnel.plan(np.array([1_000, 21_000, 5_000])).summary())
        3 plans, quotas from 1,000 to 21,000: 1 to 21 won deals a plan, 27 in all; demos from 3 to 60 a plan, 78 in all.
        """
        n = len(self)
        if n == 0:
            return "No plans: the batch is empty."
        parts: list[str] = []
        totals = self.totals()
        for stage in reversed(self.stages):
            column = self.counts[stage]
            low, high = int(column.min()), int(column.max())
            name = "won deals" if stage == self.stages[-1] else stage
            if parts:
                parts.append(
                    f"{stage} from {format_count(low)} to {format_count(high)} a plan, "
                    f"{format_count(totals[stage])} in all"
                )
            else:
                parts.append(
                    f"{format_count(low)} to {format_count(high)} {name} a plan, "
                    f"{format_count(totals[stage])} in all"
                )
            if len(parts) == 2:
                break
        confident = (
            "" if self.confidence is None else f" at {format_percent(self.confidence)} confidence"
        )
        return (
            f"{n:,} plans{confident}, quotas from {format_amount(float(np.min(self.quota)))} "
            f"to {format_amount(float(np.max(self.quota)))}: {'; '.join(parts)}."
        )

    def plot(self, ax: Axes | None = None, *, stage: str | None = None, **kwargs: Any) -> Axes:
        """Draw one stage's count across the plans (the top stage by default).

        A few plans draw one bar each; a large batch (a million rows) draws
        how the counts spread over the plans, with a bounded number of bars.
        See :func:`salesmath.plotting.plot_batch_plan`; needs the ``plot``
        extra (matplotlib).

        Parameters
        ----------
        ax
            The axes to draw on; a new figure when None.
        stage
            The stage whose counts are drawn; the top stage when None (the
            work the plans ask for), the last stage for the deals.
        **kwargs
            Passed to :meth:`~matplotlib.axes.Axes.bar`.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Raises
        ------
        UnknownStageError
            If `stage` is not one of the batch's stages.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> funnel = Funnel(stages=["activities", "discos", "demos", "won"],
        ...                 rates=["1 in 50", "60%", "1/3"], deal_size=84_000)
        >>> ax = funnel.plan(np.array([250_000, 500_000, 1_000_000])).plot()
        >>> [float(bar.get_height()) for bar in ax.patches], ax.get_ylabel()
        ([750.0, 1500.0, 3000.0], 'activities per plan')
        >>> import matplotlib.pyplot as plt
        >>> plt.close("all")
        """
        from salesmath.plotting import plot_batch_plan

        return plot_batch_plan(self, ax, stage=stage, **kwargs)

    def __repr__(self) -> str:
        confidence = "" if self.confidence is None else f", confidence={self.confidence}"
        return (
            f"BatchPlan(rows={len(self)}, stages={list(self.stages)}, "
            f"deals={_core.total(self.deals)}{confidence})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BatchPlan):
            return NotImplemented
        return (
            self.stages == other.stages
            and self.confidence == other.confidence
            and self.funnel == other.funnel
            and np.array_equal(self.quota, other.quota)
            and np.array_equal(self.deal_size, other.deal_size)
            and all(np.array_equal(self.counts[s], other.counts[s]) for s in self.stages)
        )

    __hash__ = None  # type: ignore[assignment]


# -- planning -----------------------------------------------------------------------------


def _floats(column: Exact, rows: int, source: NDArray[Any] | None = None) -> NDArray[np.float64]:
    """Turn an exact column into floats, for display; `source` is the array it was read from."""
    numerators, denominators = column
    if source is not None and source.dtype.kind in "fiu":
        out = source.astype(np.float64)  # a float reads as itself: its shortest decimal
    elif not isinstance(numerators, np.ndarray) and not isinstance(denominators, np.ndarray):
        out = np.full(rows, numerators / denominators, dtype=np.float64)
    elif (isinstance(numerators, np.ndarray) and numerators.dtype == object) or (
        isinstance(denominators, np.ndarray) and denominators.dtype == object
    ):
        nums = np.broadcast_to(np.asarray(numerators, dtype=object), (rows,)).tolist()
        dens = np.broadcast_to(np.asarray(denominators, dtype=object), (rows,)).tolist()
        out = np.array([n / d for n, d in zip(nums, dens, strict=True)], dtype=np.float64)
    else:
        out = np.asarray(numerators, dtype=np.float64) / np.asarray(denominators, dtype=np.float64)
        out = np.array(np.broadcast_to(out, (rows,)), dtype=np.float64)
    out.flags.writeable = False
    return out


def _frozen(columns: list[Any]) -> list[Any]:
    for column in columns:
        column.flags.writeable = False
    return columns


def _build(
    stages: tuple[str, ...],
    quota: Exact,
    size: Exact,
    nums: Sequence[Any],
    dens: Sequence[Any],
    rows: int,
    *,
    funnel: Funnel | None,
    source: NDArray[Any] | None,
) -> BatchPlan:
    counts = _frozen(_core.plan_rows(*quota, *size, nums, dens, rows))
    plan = BatchPlan.trusted(
        stages=stages,
        quota=_floats(quota, rows, source),
        deal_size=_floats(size, rows),
        counts=dict(zip(stages, counts, strict=True)),
        funnel=funnel,
        confidence=None,
    )
    object.__setattr__(plan, "__pydantic_private__", {"_quota_exact": quota})
    return plan


def plan_funnel(funnel: Funnel, quotas: object, *, confidence: object = None) -> BatchPlan:
    """Plan every quota in `quotas` with one funnel: what ``Funnel.plan(array)`` returns.

    Raises
    ------
    InvalidInputError
        Naming the first quota that is not a finite amount >= 0.

    Examples
    --------
    21 deals at 35% need 60 demos, not 61; 1.8 deals' worth of quota at 12%
    needs 15 demos:

    >>> funnel = Funnel(stages=["demos", "won"], rates=[0.35], deal_size=1)
    >>> plan_funnel(funnel, np.array([21.0, 20.0])).counts["demos"].tolist()
    [60, 58]
    """
    array = as_array(quotas, what="quota")
    quota = read_column(array, what="quota", kind="amount")
    rows = len(array)
    nums, dens, size_num, size_den = funnel._kernel
    if confidence is None:
        return _build(
            funnel.stages,
            quota,
            (size_num, size_den),
            nums,
            dens,
            rows,
            funnel=funnel,
            source=array,
        )
    chance = float(parse_probability(confidence))
    deals = _core.plan_rows(*quota, size_num, size_den, [], [], rows)[0]
    return _confident(funnel, quota, deals, chance, rows, array)


def _confident(
    funnel: Funnel,
    quota: Exact,
    deals: NDArray[Any],
    chance: float,
    rows: int,
    source: NDArray[Any],
) -> BatchPlan:
    """Confidence counts per row: one search per distinct deal count, shared by its rows."""
    from salesmath import probability

    distinct, where = np.unique(deals, return_inverse=True)
    if len(distinct) > MAX_CONFIDENCE_PLANS:
        raise LimitError(
            f"a batch confidence plan works out at most {MAX_CONFIDENCE_PLANS:,} distinct "
            f"deal counts (salesmath's limit), and these quotas need {len(distinct):,}; "
            f"split the batch or plan without confidence="
        )
    found = [
        probability.confidence_counts(funnel, int(d), confidence=chance) for d in distinct.tolist()
    ]
    counts = []
    for stage in funnel.stages:
        column = _int_column([f[stage] for f in found])
        counts.append(column[where.reshape(-1)])
    plan = BatchPlan.trusted(
        stages=funnel.stages,
        quota=_floats(quota, rows, source),
        deal_size=_floats((funnel._kernel[2], funnel._kernel[3]), rows),
        counts=dict(zip(funnel.stages, _frozen(counts), strict=True)),
        funnel=funnel,
        confidence=chance,
    )
    object.__setattr__(plan, "__pydantic_private__", {"_quota_exact": quota})
    return plan


def plan_batch(
    quota: object,
    *,
    funnel: Funnel | None = None,
    stages: object = None,
    rates: object = None,
    deal_size: object = None,
    rounding: str = "ceil",
) -> BatchPlan:
    """Plan many rows at once, each with its own quota, deal size and rates.

    Every argument but `stages` may be one value for every row or a column
    with one value per row: a numpy array, a list, or a data frame column
    (pandas, polars).  Each row's counts equal
    ``Funnel(stages=..., rates=row's rates, deal_size=row's size).plan(row's quota)``.

    Parameters
    ----------
    quota
        Bookings to reach per row, >= 0.
    funnel
        A funnel whose stages, rates and deal size are used where the
        arguments below are left out.
    stages
        Stage names, top to bottom (needed without `funnel`).
    rates
        One per conversion, top to bottom; each one rate in any form
        (``"60%"``, ``"1 in 50"``, ``0.35``) or a column of them.
    deal_size
        Average value of a won deal, > 0: one, or a column.
    rounding
        ``"ceil"`` only: batch plans plan whole counts.

    Returns
    -------
    BatchPlan

    Raises
    ------
    InvalidInputError
        Naming the argument and row of the first bad value, or columns of
        different lengths.

    Examples
    --------
    Three scenarios for a team's close rate, one quota each:

    >>> plans = plan_batch(np.array([250_000, 250_000, 300_000]),
    ...                    stages=["activities", "discos", "demos", "won"],
    ...                    rates=["1 in 50", "60%", ["25%", "1/3", "40%"]],
    ...                    deal_size=84_000)
    >>> plans.counts["activities"].tolist(), plans.deals.tolist()
    ([1000, 750, 850], [3, 3, 4])

    Data frame columns work the same way:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"quota": [21_000, 1.8], "size": [1_000, 0.12], "close": [0.35, 0.5]})
    >>> plans = plan_batch(frame["quota"], stages=["demos", "won"], rates=[frame["close"]],
    ...                    deal_size=frame["size"])
    >>> plans.deals.tolist(), plans.counts["demos"].tolist()
    ([21, 15], [60, 30])
    """
    parse_choice(rounding, ("ceil",), what="rounding (batch plans plan whole counts)")
    if funnel is not None and not isinstance(funnel, Funnel):
        raise InvalidInputError(f"funnel must be a salesmath.Funnel, got {type(funnel).__name__}")
    if stages is None:
        if funnel is None:
            raise InvalidInputError("plan_batch needs stages=[...] (top to bottom) or funnel=")
        names = funnel.stages
    else:
        names = check_stage_names(stages)
    conversions = len(names) - 1
    lengths: dict[str, int] = {}
    arrays: dict[str, NDArray[Any]] = {}

    def column(value: object, what: str, kind: Kind) -> Exact:
        exact, array = _read(value, what=what, kind=kind)
        if array is not None:
            lengths[what] = len(array)
            arrays[what] = array
        return exact

    quota_exact = column(quota, "quota", "amount")
    if deal_size is None:
        if funnel is None:
            raise InvalidInputError("plan_batch needs deal_size= (one, or one per row) or funnel=")
        size: Exact = (funnel.deal_size.numerator, funnel.deal_size.denominator)
    else:
        size = column(deal_size, "deal_size", "positive")
    if rates is None:
        if funnel is None or funnel.stages != names:
            raise InvalidInputError(
                f"plan_batch needs rates=[...], one per conversion ({conversions} for "
                f"{len(names)} stages), or a funnel with these stages"
            )
        nums, dens = list(funnel._kernel[0]), list(funnel._kernel[1])
    else:
        items = parse_list(rates, what="rates")
        if len(items) != conversions:
            raise InvalidInputError(
                f"rates must have one entry per conversion: {len(names)} stages need "
                f"{conversions}, got {len(items)}"
            )
        nums, dens = [], []
        for i, item in enumerate(items):
            num, den = column(item, f"rate from {names[i]!r} to {names[i + 1]!r}", "rate")
            nums.append(num)
            dens.append(den)
    distinct = set(lengths.values())
    if len(distinct) > 1:
        listed = ", ".join(f"{name} {length:,}" for name, length in lengths.items())
        raise InvalidInputError(
            f"every column must have one value per row, got different lengths: {listed}"
        )
    if not distinct:
        raise InvalidInputError(
            "plan_batch needs at least one column (an array, list or data frame column); "
            "for one plan use Funnel(...).plan(quota)"
        )
    rows = distinct.pop()
    same_funnel = (
        funnel
        if (funnel is not None and funnel.stages == names and rates is None and deal_size is None)
        else None
    )
    return _build(
        names,
        quota_exact,
        size,
        nums,
        dens,
        rows,
        funnel=same_funnel,
        source=arrays.get("quota"),
    )
