"""Reading CRM records and event logs into History's normalised frame (narwhals).

:class:`~salesmath.History`'s builders call these: each checks the input
with a few aggregate queries in the user's engine and returns the
normalised lazy frame (prefixed columns: outcome state, reached-stage flags,
day numbers, rep, amount, attributes), its layout and its counts.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesmath._history_frame import (
    DATE_PATTERN,
    FALSE_WORDS,
    JDN_EPOCH,
    PREFIX,
    collect_rows,
    day_number,
)
from salesmath.errors import DataWarning, InvalidInputError
from salesmath.numbers import parse_amount, parse_list

if TYPE_CHECKING:
    import narwhals as nw

OPEN, WON, LOST = 0, 1, 2

_ID = PREFIX + "id"
_REP = PREFIX + "rep"
_AMOUNT = PREFIX + "amount"
_STATE = PREFIX + "state"
_CREATED = PREFIX + "created"
_CLOSED = PREFIX + "closed"
_YEAR = PREFIX + "year"
_MONTH = PREFIX + "month"
_DEPTH = PREFIX + "depth"
_ST = PREFIX + "st"
_N = PREFIX + "n"
_DUR = PREFIX + "dur"
_KEY = PREFIX + "key"
_CDATE = PREFIX + "cdate"
_CODE = PREFIX + "code"
_UNKNOWN = -(2**31)
"""An event log's lost day for a record with a stage value neither a stage nor lost
(polars; the smallest Int32, below any day number)."""

_BAD_DATES = ("warn", "raise", "drop")
_EXAMPLES = 5

Read = tuple["nw.LazyFrame[Any]", "_Layout", "_Stats"]
"""What a reader returns: the normalised frame, its layout and its counts."""


def _flag(i: int) -> str:
    return f"{PREFIX}r{i}"


def _day(i: int) -> str:
    return f"{PREFIX}d{i}"


def _values(value: object, *, what: str) -> tuple[Any, ...]:
    """Read `won=`/`lost=`: one value or a list of values."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        values: tuple[Any, ...] = (value,)
    else:
        values = tuple(parse_list(value, what=what))
    if not values or any(v is None for v in values):
        raise InvalidInputError(f"{what} must be a value or a list of values, got {value!r}")
    return values


def _listing(values: Iterable[object], limit: int = _EXAMPLES) -> str:
    items = list(values)
    text = ", ".join(repr(v) for v in items[:limit])
    return text + (", ..." if len(items) > limit else "")


def _warn(message: str) -> None:
    warnings.warn(message, DataWarning, stacklevel=3)


@dataclass(frozen=True)
class _Layout:
    """What a normalised History frame holds, and where it came from."""

    stages: tuple[str, ...]
    dated: tuple[bool, ...]
    attributes: tuple[str, ...]
    rep: str | None
    has_id: bool
    has_amount: bool
    has_created: bool
    has_closed: bool
    source: dict[str, str] = field(default_factory=dict)

    @property
    def last(self) -> int:
        return len(self.stages) - 1


@dataclass(frozen=True)
class _Stats:
    records: int
    won: int
    lost: int
    open: int
    first_day: int | None
    last_day: int | None
    dropped: int = 0
    open_values: tuple[tuple[Any, int], ...] = ()


# -- reading records ---------------------------------------------------------------


def _kind(dtype: Any) -> str:
    """'date', 'text', 'bool', 'number' or 'other' for a narwhals dtype."""
    import narwhals as nw

    if isinstance(dtype, nw.Datetime) or dtype == nw.Date:
        return "date"
    if dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum:
        return "text"
    if dtype == nw.Boolean:
        return "bool"
    if dtype.is_numeric():
        return "number"
    return "other"


def _nonblank(column: str) -> nw.Expr:
    import narwhals as nw

    return ~nw.col(column).is_null() & (nw.col(column).cast(nw.String).str.strip_chars() != "")


def _parsed_date(column: str, kind: str) -> nw.Expr:
    """Read a date column (or text as YYYY-MM-DD) as a date or datetime expression."""
    import narwhals as nw

    if kind == "date":
        return nw.col(column)
    text = nw.col(column).cast(nw.String).str.strip_chars()
    return (
        nw.when(_nonblank(column)).then(text.str.slice(0, 10)).otherwise(nw.lit(None))
    ).str.to_datetime(format="%Y-%m-%d")


def _date_expr(column: str, kind: str, *, polars: bool = False) -> nw.Expr:
    """Read a date column (or text as YYYY-MM-DD) as a Julian day number."""
    return day_number(_parsed_date(column, kind), polars=polars)


def _flag_expr(column: str, kind: str) -> nw.Expr:
    """Whether a reached column's value says "got there"."""
    import narwhals as nw

    col = nw.col(column)
    if kind == "bool":
        return col.fill_null(value=False)
    if kind == "number":
        return (col.fill_null(0) != 0).fill_null(value=False)
    if kind == "date":
        return ~col.is_null()
    words = col.cast(nw.String).str.strip_chars().str.to_lowercase()
    return (~col.is_null() & ~words.is_in(list(FALSE_WORDS))).fill_null(value=False)


def _probe_text(lf: nw.LazyFrame[Any], columns: Sequence[str]) -> dict[str, tuple[int, int]]:
    """For text columns: (non-blank values, values that read as dates)."""
    import narwhals as nw

    if not columns:
        return {}
    exprs = []
    for i, column in enumerate(columns):
        nonblank = _nonblank(column)
        dated = nonblank & nw.col(column).cast(nw.String).str.contains(DATE_PATTERN)
        exprs += [
            nonblank.cast(nw.Int64).sum().alias(f"{PREFIX}nb{i}"),
            dated.fill_null(value=False).cast(nw.Int64).sum().alias(f"{PREFIX}dt{i}"),
        ]
    row = collect_rows(lf.select(*exprs))[0]
    return {
        column: (int(row[f"{PREFIX}nb{i}"] or 0), int(row[f"{PREFIX}dt{i}"] or 0))
        for i, column in enumerate(columns)
    }


def _bad_text_dates(lf: nw.LazyFrame[Any], column: str) -> list[Any]:
    import narwhals as nw

    bad = _nonblank(column) & ~nw.col(column).cast(nw.String).str.contains(DATE_PATTERN)
    rows = collect_rows(lf.filter(bad.fill_null(value=False)).select(nw.col(column)).head(3))
    return [row[column] for row in rows]


def _read_records(
    lf: nw.LazyFrame[Any],
    schema: dict[str, Any],
    *,
    stages: tuple[str, ...],
    outcome: str,
    won: tuple[Any, ...],
    lost: tuple[Any, ...],
    reached: dict[str, str],
    id: str | None,
    rep: str | None,
    amount: str | None,
    created: str | None,
    closed: str | None,
    attributes: tuple[str, ...],
    policy: str,
) -> Read:
    import narwhals as nw

    kinds = {name: _kind(dtype) for name, dtype in schema.items()}
    fast = lf.implementation.is_polars()
    date_columns = [("created", created), ("closed", closed)]
    date_columns += [(f"reached[{s!r}]", c) for s, c in reached.items()]
    texts = sorted({c for _, c in date_columns if c is not None and kinds[c] == "text"})
    probes = _probe_text(lf, texts)
    dated_kind: dict[str, str] = {}
    for keyword, column in date_columns:
        if column is None:
            continue
        kind = kinds[column]
        if kind == "text":
            nonblank, dates = probes[column]
            if dates == nonblank:  # every value given is a date (an empty frame has none)
                dated_kind[column] = "text-date"
                continue
            if keyword in ("created", "closed") or dates:
                examples = _bad_text_dates(lf, column)
                raise InvalidInputError(
                    f"{keyword} column {column!r} has {nonblank - dates:,} values that are not "
                    f"dates as YYYY-MM-DD, e.g. {_listing(examples)}"
                )
            dated_kind[column] = "text"
        elif kind == "date":
            dated_kind[column] = "date"
        elif keyword in ("created", "closed"):
            raise InvalidInputError(
                f"{keyword} column {column!r} must hold dates, got {schema[column]}"
            )
        elif kind in ("bool", "number"):
            dated_kind[column] = kind
        elif kind == "other" and schema[column] == nw.Object:
            dated_kind[column] = "text"  # e.g. pandas True/False/None: read as text flags
        else:
            raise InvalidInputError(
                f"{keyword} column {column!r} must hold dates or true/false flags, "
                f"got {schema[column]}"
            )
    if amount is not None and kinds[amount] != "number":
        raise InvalidInputError(
            f"amount column {amount!r} must hold numbers, got {schema[amount]}; convert it "
            f"(or read the file with History.from_csv, which reads '1,200.50')"
        )
    # outcome values: a won/lost value in other case or with spaces is a typo, not "open"
    outcome_rows = collect_rows(lf.group_by(outcome).agg(nw.len().alias(_N)))
    if len(outcome_rows) > 10_000:
        raise InvalidInputError(
            f"outcome column {outcome!r} has {len(outcome_rows):,} different values; is it "
            f"the status column?"
        )
    closed_values = {*won, *lost}
    folded = {str(v).strip().casefold(): v for v in closed_values}
    open_values: list[tuple[Any, int]] = []
    for row in outcome_rows:
        value = row[outcome]
        if value in closed_values:
            continue
        near = folded.get(str(value).strip().casefold()) if value is not None else None
        if near is not None:
            raise InvalidInputError(
                f"outcome {value!r} ({int(row[_N]):,} records) differs from {near!r} only in "
                f"case or spaces; fix the data or list it in won= or lost="
            )
        open_values.append((value, int(row[_N])))
    open_values.sort(key=lambda item: (-item[1], str(item[0])))

    def when_date(column: str) -> nw.Expr:
        kind = dated_kind[column]
        return _date_expr(column, "date" if kind == "date" else "text", polars=fast)

    status = (
        nw.when(nw.col(outcome).is_in(list(won)))
        .then(nw.lit(WON))
        .otherwise(
            nw.when(nw.col(outcome).is_in(list(lost))).then(nw.lit(LOST)).otherwise(nw.lit(OPEN))
        )
    )
    exprs: list[nw.Expr] = [status.fill_null(OPEN).cast(nw.Int64).alias(_STATE)]
    last = len(stages) - 1
    dated = [False] * last
    top_column = reached.get(stages[0])
    if top_column is not None and dated_kind[top_column] in ("date", "text-date"):
        exprs.append(when_date(top_column).alias(_day(0)))
        dated[0] = True
    elif created is not None:
        exprs.append(when_date(created).alias(_day(0)))
        dated[0] = True
    for i in range(1, last):
        column = reached[stages[i]]
        kind = dated_kind[column]
        if kind in ("date", "text-date"):
            exprs.append(when_date(column).alias(_day(i)))
            exprs.append((~when_date(column).is_null()).alias(_flag(i)))
            dated[i] = True
        else:
            exprs.append(_flag_expr(column, kind).alias(_flag(i)))
    if created is not None:
        exprs.append(when_date(created).alias(_CREATED))
        kind = "date" if dated_kind[created] == "date" else "text"
        exprs.append(_parsed_date(created, kind).alias(_CDATE))
    if closed is not None:
        exprs.append(when_date(closed).alias(_CLOSED))
    if id is not None:
        exprs.append(nw.col(id).alias(_ID))
    if rep is not None:
        exprs.append(nw.col(rep).alias(_REP))
    if amount is not None:
        value = nw.col(amount)
        if schema[amount].is_float():
            value = value.fill_nan(None)
        exprs.append(value.alias(_AMOUNT))
    exprs += [nw.col(a) for a in attributes if a not in (rep,)]
    frame = lf.select(*exprs)
    if created is not None:
        frame = frame.with_columns(*_year_month(_CDATE))
    if closed is not None:
        frame = frame.with_columns(
            nw.when(nw.col(_STATE) == WON)
            .then(nw.col(_CLOSED))
            .otherwise(nw.lit(None))
            .alias(_day(last))
        )
    layout = _Layout(
        stages=stages,
        dated=(*dated, closed is not None),
        attributes=tuple(a for a in attributes if a != rep),
        rep=rep,
        has_id=id is not None,
        has_amount=amount is not None,
        has_created=created is not None,
        has_closed=closed is not None,
        source={"id": id or "", "amount": amount or "", "rep": rep or "", "created": created or ""},
    )
    return _checked(frame, layout, policy, tuple(open_values), what="records")


def _state_counts() -> list[nw.Expr]:
    import narwhals as nw

    return [
        (nw.col(_ST) == code).cast(nw.Int64).alias(PREFIX + name)
        for code, name in ((WON, "is_won"), (LOST, "is_lost"), (OPEN, "is_open"))
    ]


def _checked(
    frame: nw.LazyFrame[Any],
    layout: _Layout,
    policy: str,
    open_values: tuple[tuple[Any, int], ...],
    *,
    what: str,
    unique_ids: bool = False,
) -> Read:
    """Check a normalised frame with one aggregate query; return it with its layout and counts.

    `unique_ids` says the ids are unique by construction (an event log's
    group-by).
    """
    import narwhals as nw

    checks: dict[str, nw.Expr] = {}
    checks["n"] = nw.len()
    for code, name in ((WON, "won"), (LOST, "lost"), (OPEN, "open")):
        checks[name] = (nw.col(_STATE) == code).cast(nw.Int64).sum()
    if layout.has_id and not unique_ids:
        checks["ids"] = nw.col(_ID).n_unique()
    if layout.has_amount:
        amount = nw.col(_AMOUNT)
        checks["negative"] = (amount < 0).fill_null(value=False).cast(nw.Int64).sum()
        checks["no_amount"] = (
            ((nw.col(_STATE) == WON) & amount.is_null()).fill_null(value=False).cast(nw.Int64).sum()
        )
    if layout.rep is not None:
        checks["no_rep"] = nw.col(_REP).is_null().cast(nw.Int64).sum()
    order = _order_problems(layout)
    for i, (_, expr) in enumerate(order):
        checks[f"order{i}"] = expr.fill_null(value=False).cast(nw.Int64).sum()
    day_columns = [_day(i) for i, dated in enumerate(layout.dated) if dated]
    if layout.has_closed:
        day_columns.append(_CLOSED)
    for i, column in enumerate(day_columns):
        checks[f"max{i}"] = nw.col(column).max()
        checks[f"min{i}"] = nw.col(column).min()
    row = collect_rows(frame.select(*(expr.alias(name) for name, expr in checks.items())))[0]
    records = int(row["n"] or 0)
    if records == 0:
        raise InvalidInputError(f"the {what} are empty: there is nothing to measure")

    def examples(condition: nw.Expr) -> str:
        if not layout.has_id:
            return ""
        ids = collect_rows(
            frame.filter(condition.fill_null(value=False)).select(nw.col(_ID)).head(_EXAMPLES)
        )
        return f" (ids {_listing([r[_ID] for r in ids])})"

    if layout.has_id and not unique_ids and int(row["ids"]) != records:
        dupes = collect_rows(
            frame.group_by(_ID).agg(nw.len().alias(_N)).filter(nw.col(_N) > 1).head(_EXAMPLES)
        )
        raise InvalidInputError(
            f"id column {layout.source.get('id')!r} has {records - int(row['ids']):,} repeated "
            f"ids, e.g. {_listing([r[_ID] for r in dupes])}; give one row per record "
            f"(an event log goes to History.from_events)"
        )
    if layout.has_amount and int(row["negative"] or 0):
        n = int(row["negative"])
        raise InvalidInputError(
            f"amount column {layout.source.get('amount')!r} has {n:,} negative values"
            f"{examples(nw.col(_AMOUNT) < 0)}; an amount is >= 0"
        )
    if layout.has_amount and int(row["no_amount"] or 0):
        n = int(row["no_amount"])
        _warn(
            f"{n:,} won records have no amount"
            f"{examples((nw.col(_STATE) == WON) & nw.col(_AMOUNT).is_null())}; they count as "
            f"won deals but not in the deal size or bookings"
        )
    if layout.rep is not None and int(row["no_rep"] or 0):
        _warn(f"{int(row['no_rep']):,} records have no rep; team() leaves them out")
    dropped = 0
    for i, (label, expr) in enumerate(order):
        n = int(row[f"order{i}"] or 0)
        if not n:
            continue
        message = f"{n:,} {what} have {label}{examples(expr)}"
        if policy == "raise":
            raise InvalidInputError(message + "; fix the dates or pass bad_dates='drop'")
        if policy == "warn":
            _warn(message + "; they are kept (bad_dates='drop' leaves them out)")
    if policy == "drop" and order:
        bad = nw.lit(False)
        for _, expr in order:
            bad = bad | expr.fill_null(value=False)
        kept = frame.filter(~bad)
        counts = collect_rows(
            kept.select(
                nw.len().alias("n"),
                *(
                    (nw.col(_STATE) == c).cast(nw.Int64).sum().alias(k)
                    for c, k in ((WON, "won"), (LOST, "lost"), (OPEN, "open"))
                ),
            )
        )[0]
        dropped = records - int(counts["n"])
        frame, row = kept, {**row, **counts}
        records = int(counts["n"])
        if records == 0:
            raise InvalidInputError(f"every one of the {what} has dates out of order")
    highs = [row[f"max{i}"] for i in range(len(day_columns)) if row[f"max{i}"] is not None]
    lows = [row[f"min{i}"] for i in range(len(day_columns)) if row[f"min{i}"] is not None]
    stats = _Stats(
        records=records,
        won=int(row["won"] or 0),
        lost=int(row["lost"] or 0),
        open=int(row["open"] or 0),
        first_day=int(min(lows)) if lows else None,
        last_day=int(max(highs)) if highs else None,
        dropped=dropped,
        open_values=open_values,
    )
    return frame, layout, stats


def _order_problems(layout: _Layout) -> list[tuple[str, nw.Expr]]:
    """List (description, condition) for each way a record's dates can run backwards."""
    import narwhals as nw

    problems: list[tuple[str, nw.Expr]] = []
    stages = layout.stages
    dated = [i for i, d in enumerate(layout.dated) if d]
    later = [i for i in dated if i >= 1]
    if layout.has_created and 0 in dated:
        first = nw.col(_day(0))
        for i in later:
            label = "closed" if i == layout.last else f"{stages[i]!r}"
            problems.append((f"a {label} date before the created date", nw.col(_day(i)) < first))
    for a, b in itertools.pairwise(later):
        problems.append(
            (
                f"stages going backwards: {stages[b]!r} dated before {stages[a]!r}",
                nw.col(_day(b)) < nw.col(_day(a)),
            )
        )
    if layout.has_created and layout.has_closed:
        problems.append(
            (
                "a closed date before the created date",
                (nw.col(_STATE) == LOST) & (nw.col(_CLOSED) < nw.col(_day(0))),
            )
        )
    return problems


def _read_events(
    lf: nw.LazyFrame[Any],
    schema: dict[str, Any],
    side: nw.LazyFrame[Any] | None,
    *,
    id: str,
    stage: str,
    at: str,
    stages: tuple[str, ...],
    lost: tuple[Any, ...],
    rep: str | None,
    amount: str | None,
    attributes: tuple[str, ...],
    policy: str,
) -> Read:
    import narwhals as nw

    kind = _kind(schema[at])
    if kind == "text":
        nonblank, dates = _probe_text(lf, [at])[at]
        if dates != nonblank:
            raise InvalidInputError(
                f"at column {at!r} has {nonblank - dates:,} values that are not dates as "
                f"YYYY-MM-DD, e.g. {_listing(_bad_text_dates(lf, at))}"
            )
    elif kind != "date":
        raise InvalidInputError(f"at column {at!r} must hold dates, got {schema[at]}")
    known = [*stages, *lost]
    fast = lf.implementation.is_polars()
    # polars, text stages, no record table: each event's stage is read once into a
    # small code (its place in `known`, -1 for any other value); an unknown value
    # marks its record's lost day with _UNKNOWN, so the per-record group-by finds
    # them and the group-by on the stage column below runs only to name them.
    coded = (
        fast
        and side is None
        and schema[stage] == nw.String
        and all(isinstance(v, str) for v in known)
    )
    if not coded:
        _check_stage_values(lf, stage, stages, lost)

    last = len(stages) - 1
    carried = [] if side is not None else [c for c in (rep, amount, *attributes) if c is not None]
    carried = list(dict.fromkeys(carried))
    day = nw.col(_DUR)
    lost_day: nw.Expr
    if coded:
        code_type = nw.Int8 if len(known) < 128 else nw.Int32
        code = nw.lit(-1, dtype=code_type)
        for i, value in enumerate(known):
            code = nw.when(nw.col(stage) == value).then(nw.lit(i, dtype=code_type)).otherwise(code)
        base = lf.with_columns(code.alias(_CODE))
        is_stage = [nw.col(_CODE) == i for i in range(len(stages))]
        is_lost = nw.col(_CODE) >= len(stages)
        lost_day = (
            nw.when(is_lost)
            .then(day)
            .otherwise(
                nw.when(nw.col(_CODE) < 0)
                .then(nw.lit(_UNKNOWN, dtype=nw.Int32))
                .otherwise(nw.lit(None))
            )
        )
    else:
        base = lf
        is_stage = [nw.col(stage) == name for name in stages]
        is_lost = nw.col(stage).is_in(list(lost))
        lost_day = nw.when(is_lost).then(day).otherwise(nw.lit(None))
    events = base.with_columns(
        _date_expr(at, kind, polars=fast).alias(_DUR),
        _parsed_date(at, kind).alias(_CDATE),
    ).select(
        nw.col(id).alias(_ID),
        day,
        *([] if fast else [nw.col(_CDATE)]),
        # the top stage's date is the record's first event, whatever its stage
        *(
            nw.when(is_stage[i]).then(day).otherwise(nw.lit(None)).alias(_day(i))
            for i in range(1, len(stages))
        ),
        lost_day.alias(PREFIX + "lostday"),
        *(nw.col(c) for c in carried),
    )
    aggs = [nw.col(_DUR).min().alias(_CREATED)]
    aggs += [nw.col(_day(i)).min() for i in range(1, len(stages))]
    aggs += [
        nw.col(PREFIX + "lostday").min(),
        *([] if fast else [nw.col(_CDATE).min()]),
        *(nw.col(c).max() for c in carried),
    ]
    per_record = events.group_by(_ID).agg(*aggs)
    if fast and side is None:
        # group the events by record once, inside polars, not once per question
        try:
            per_record = per_record.collect().lazy()
        except Exception:
            if coded:  # an unknown stage value is the first thing to report
                _check_stage_values(lf, stage, stages, lost)
            raise
        if coded:
            lowest = collect_rows(per_record.select(nw.col(PREFIX + "lostday").min()))[0]
            if lowest[PREFIX + "lostday"] == _UNKNOWN:  # or a day that low: check
                _check_stage_values(lf, stage, stages, lost)
    won_day = nw.col(_day(last))
    lost_day = nw.col(PREFIX + "lostday")
    state = (
        nw.when(~won_day.is_null())
        .then(nw.lit(WON))
        .otherwise(nw.when(~lost_day.is_null()).then(nw.lit(LOST)).otherwise(nw.lit(OPEN)))
    )
    frame = per_record.with_columns(
        state.cast(nw.Int64).alias(_STATE),
        nw.when(~won_day.is_null()).then(won_day).otherwise(lost_day).alias(_CLOSED),
        *((~nw.col(_day(i)).is_null()).alias(_flag(i)) for i in range(1, last)),
    )
    frame = frame.with_columns(nw.col(_CREATED).alias(_day(0)))
    if fast:  # polars: the created date from its day number (cheaper than one more min)
        frame = frame.with_columns(
            (nw.col(_CREATED) - JDN_EPOCH).cast(nw.Int32).cast(nw.Date).alias(_CDATE)
        )
    if side is not None:
        side = _same_engine(side, lf)
        keep = [nw.col(id).alias(_ID)]
        keep += [nw.col(c) for c in dict.fromkeys(a for a in (rep, amount, *attributes) if a)]
        frame = frame.join(side.select(*keep), on=_ID, how="left")
    renames = {}
    if rep is not None:
        renames[rep] = _REP
    if amount is not None:
        renames[amount] = _AMOUNT
    if renames:
        frame = frame.rename(renames)
    # year and month of the created date, for pipeline periods
    frame = frame.with_columns(*_year_month(_CDATE))
    if fast and side is not None:
        # build the joined per-record table once, inside polars, not once per question
        frame = frame.collect().lazy()
    layout = _Layout(
        stages=stages,
        dated=(True,) * len(stages),
        attributes=tuple(a for a in attributes if a != rep),
        rep=rep,
        has_id=True,
        has_amount=amount is not None,
        has_created=True,
        has_closed=True,
        source={"id": id, "amount": amount or "", "rep": rep or ""},
    )
    return _checked(frame, layout, policy, (), what="records", unique_ids=True)


def _check_stage_values(
    lf: nw.LazyFrame[Any], stage: str, stages: tuple[str, ...], lost: tuple[Any, ...]
) -> None:
    """Refuse an event log whose stage column has a value neither in `stages` nor in `lost`."""
    import narwhals as nw

    known = [*stages, *lost]
    values = collect_rows(lf.group_by(stage).agg(nw.len().alias(_N)))
    unknown = [(row[stage], int(row[_N])) for row in values if row[stage] not in known]
    if unknown:
        listed = ", ".join(f"{v!r} ({n:,} events)" for v, n in unknown[:10])
        raise InvalidInputError(
            f"stage column {stage!r} has values that are neither a stage nor lost: {listed}; "
            f"the stages are {_listing(stages, 20)} and lost is {_listing(lost)}"
        )


def _same_engine(side: nw.LazyFrame[Any], like: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Move the record table into the event log's engine, for the join (collected once)."""
    import narwhals as nw

    if side.implementation == like.implementation:
        return side
    collected = side.collect()
    try:
        return collected.lazy(backend=like.implementation)
    except (ValueError, TypeError, NotImplementedError):
        return nw.from_arrow(collected, backend=like.implementation).lazy()


def _year_month(column: str) -> list[nw.Expr]:
    """Return the year and month of a date column, for pipeline periods."""
    import narwhals as nw

    return [nw.col(column).dt.year().alias(_YEAR), nw.col(column).dt.month().alias(_MONTH)]


# -- rows from CSV files and Python ------------------------------------------------


def _date_text(value: str) -> date:
    text = value.strip()
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    return date.fromisoformat(text)


def _from_rows(
    header: list[str], table: list[tuple[str, Mapping[str, Any]]], keywords: dict[str, Any]
) -> tuple[Any, bool]:
    """Read rows of text or Python values into a frame, checking each value where it is."""
    events = "at" in keywords or "stage" in keywords
    if events:
        date_keys = ["at"]
        amount_key = None if keywords.get("records") is not None else keywords.get("amount")
    else:
        date_keys = ["created", "closed"]
        amount_key = keywords.get("amount")
    dates = {keywords[k] for k in date_keys if isinstance(keywords.get(k), str)}
    maybe_dates = set()
    if not events and isinstance(keywords.get("reached"), Mapping):
        maybe_dates = {c for c in keywords["reached"].values() if isinstance(c, str)}
    if not table:
        raise InvalidInputError("there are no rows: there is nothing to measure")
    data: dict[str, list[Any]] = {name: [] for name in header}
    for where, row in table:
        for name in header:
            value = row.get(name)
            if isinstance(value, str) and not value.strip():
                value = None
            if value is not None and name in dates and not isinstance(value, date):
                try:
                    value = _date_text(str(value))
                except ValueError:
                    raise InvalidInputError(
                        f"{where}, column {name!r}: {name} must be a date as YYYY-MM-DD, "
                        f"got {value!r}"
                    ) from None
            elif value is not None and name == amount_key:
                try:
                    number = parse_amount(value, what="amount")
                except InvalidInputError as exc:
                    raise InvalidInputError(f"{where}, column {name!r}: {exc}") from None
                value = number
            data[name].append(value)
    if amount_key in data:
        numbers = data[amount_key]
        whole = all(v is None or v.denominator == 1 for v in numbers)
        data[amount_key] = [None if v is None else (int(v) if whole else float(v)) for v in numbers]
    for name in maybe_dates & set(data):
        values = [v for v in data[name] if v is not None]
        try:
            parsed = [v if isinstance(v, date) else _date_text(str(v)) for v in values]
        except ValueError:
            continue
        it = iter(parsed)
        data[name] = [None if v is None else next(it) for v in data[name]]
    return _frame_of(data), events


def _frame_of(data: dict[str, list[Any]]) -> Any:
    """Hold columns in the first engine installed: polars, pyarrow or pandas."""
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        return pl.DataFrame(
            {
                name: pl.Series(
                    name,
                    values,
                    strict=False,
                    dtype=pl.String if all(v is None for v in values) else None,
                )
                for name, values in data.items()
            }
        )
    try:
        import pyarrow as pa
    except ImportError:
        pass
    else:
        return pa.table(data)
    try:
        import pandas as pd
    except ImportError:
        raise InvalidInputError(
            "reading rows needs one of polars, pyarrow or pandas; pip install polars"
        ) from None
    return pd.DataFrame(data)


def _csv_frame(path: Path, keywords: Mapping[str, Any]) -> Any:
    """Read a side table (an event log's records) from CSV, amounts as numbers."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise InvalidInputError(f"cannot read CSV file {str(path)!r}: {exc}") from None
    if not rows:
        raise InvalidInputError(f"CSV file {str(path)!r} has no rows")
    amount = keywords.get("amount")
    data: dict[str, list[Any]] = {name.strip(): [] for name in rows[0]}
    for line, row in enumerate(rows, start=2):
        for name, value in row.items():
            cell: Any = None if value is None or not value.strip() else value
            if cell is not None and name == amount:
                try:
                    cell = float(parse_amount(cell, what="amount"))
                except InvalidInputError as exc:
                    raise InvalidInputError(
                        f"line {line} of {str(path)!r}, column {name!r}: {exc}"
                    ) from None
            data[name.strip()].append(cell)
    return _frame_of(data)
