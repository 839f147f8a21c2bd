"""History: from CRM records to measured rates, funnels, teams, cycles and pipeline.

A CRM export holds one row per opportunity (or lead): an owner, an outcome,
dates and an amount, and sometimes an event log of stage changes.
:class:`History` reads either, on any dataframe engine narwhals supports
(pandas, polars eager or lazy, pyarrow, DuckDB, Dask, ...), and measures
what the rest of salesmath plans with: conversion rates that know how many
deals they come from, the deal size, the days between stages, each rep's
numbers.

Open is not lost.  A record still open at a stage has neither converted nor
failed there yet; it is left out of that stage's conversion (and counted as
open), unless asked for the naive CRM report with ``open="lost"``.

The grouping and counting run in the user's engine; only aggregate tables
(a few rows per stage, group, rep or period) come back to Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from salesmath._history_frame import (
    PREFIX,
    as_lazy,
    check_columns,
    collect_rows,
    from_day_number,
    mapping_of_columns,
    money,
    to_day_number,
)
from salesmath._history_read import (
    _AMOUNT,
    _BAD_DATES,
    _CLOSED,
    _CREATED,
    _DEPTH,
    _DUR,
    _KEY,
    _MONTH,
    _N,
    _REP,
    _ST,
    _STATE,
    _YEAR,
    LOST,
    OPEN,
    WON,
    _csv_frame,
    _day,
    _flag,
    _from_rows,
    _Layout,
    _listing,
    _read_events,
    _read_records,
    _state_counts,
    _Stats,
    _values,
    _warn,
)
from salesmath._history_results import (
    ConversionRates,
    CycleDays,
    CycleRow,
    Pipeline,
    PipelineRow,
    RateRow,
)
from salesmath._stages import check_stage_names, conversion_names
from salesmath.errors import InvalidInputError, UnknownNameError, UnknownStageError
from salesmath.numbers import (
    Observed,
    parse_choice,
    parse_date,
    parse_list,
    parse_probability,
)

if TYPE_CHECKING:
    import narwhals as nw
    import numpy as np
    from numpy.typing import NDArray

    from salesmath.funnel import Funnel
    from salesmath.plans import Pace
    from salesmath.team import Team

__all__ = ["ConversionRates", "CycleDays", "History", "Pipeline"]


class History:
    """CRM records (opportunities or leads) and what they measure.

    Build one with :meth:`from_frame` (one row per record), :meth:`from_events`
    (one row per stage change), :meth:`from_csv` or :meth:`from_records`.  It
    holds the user's frame, lazily, and answers each question with one
    aggregate query in the frame's own engine:

    - :meth:`funnel`: a :class:`~salesmath.Funnel` with measured rates;
    - :meth:`rates`: the rates with counts, open records and intervals;
    - :meth:`team`: a :class:`~salesmath.Team` for ``compare_thirds`` and
      ``assess_capacity``;
    - :meth:`cycle_days`, :meth:`pipeline`, :meth:`deal_sizes`.

    Examples
    --------
    >>> history = History.from_records([
    ...     {"id": 1, "rep": "ana", "status": "won", "demo": "2026-01-09", "amount": 900,
    ...      "created": "2026-01-02", "closed": "2026-02-01"},
    ...     {"id": 2, "rep": "ana", "status": "lost", "demo": "2026-01-12", "amount": 500,
    ...      "created": "2026-01-05", "closed": "2026-01-30"},
    ...     {"id": 3, "rep": "bo", "status": "open", "demo": "2026-02-02", "amount": 700,
    ...      "created": "2026-01-20", "closed": None},
    ...     {"id": 4, "rep": "bo", "status": "lost", "demo": None, "amount": 300,
    ...      "created": "2026-01-21", "closed": "2026-01-25"},
    ... ], stages=["opps", "demos", "won"], outcome="status", won="won", lost="lost",
    ...    reached={"demos": "demo"}, id="id", rep="rep", amount="amount",
    ...    created="created", closed="closed")
    >>> history
    History(records=4, stages=['opps', 'demos', 'won'], won=1, lost=2, open=1)
    >>> history.funnel()
    Funnel(stages=['opps', 'demos', 'won'], rates=['3 of 4', '1 of 2'], deal_size=900, days=[7, 23])
    """

    def __init__(self, frame: nw.LazyFrame[Any], layout: _Layout, stats: _Stats) -> None:
        self._frame = frame
        self._layout = layout
        self._stats = stats

    # -- reading ---------------------------------------------------------------

    @property
    def stages(self) -> tuple[str, ...]:
        """The stages, top to bottom; the last is won deals."""
        return self._layout.stages

    @property
    def records(self) -> int:
        """How many records (opportunities or leads) the history holds."""
        return self._stats.records

    @property
    def won(self) -> int:
        """How many records were won."""
        return self._stats.won

    @property
    def lost(self) -> int:
        """How many records were lost."""
        return self._stats.lost

    @property
    def open(self) -> int:
        """How many records are still open."""
        return self._stats.open

    @property
    def dropped(self) -> int:
        """How many records were dropped on request (``bad_dates="drop"``)."""
        return self._stats.dropped

    @property
    def as_of(self) -> date | None:
        """The latest date in the history: the default as-of date for censoring."""
        last = self._stats.last_day
        return None if last is None else from_day_number(last)

    def __repr__(self) -> str:
        return (
            f"History(records={self.records}, stages={list(self.stages)}, won={self.won}, "
            f"lost={self.lost}, open={self.open})"
        )

    def summary(self) -> str:
        """One paragraph: what the history holds.

        Examples
        --------
        >>> History.from_records(
        ...     [{"status": "won"}, {"status": "lost"}, {"status": "working"}],
        ...     stages=["opps", "won"], outcome="status", won="won", lost="lost",
        ... ).summary()
        "3 records over stages opps → won: 1 won, 1 lost, 1 still open (outcomes read as open: 'working' (1))."
        """
        text = (
            f"{self.records:,} records over stages {' → '.join(self.stages)}: "
            f"{self.won:,} won, {self.lost:,} lost, {self.open:,} still open"
        )
        if self._stats.open_values:
            listed = ", ".join(f"{v!r} ({n:,})" for v, n in self._stats.open_values[:10])
            text += f" (outcomes read as open: {listed})"
        text += "."
        if self.as_of is not None:
            text = text[:-1] + f"; dates up to {self.as_of}."
        if self.dropped:
            text += f" {self.dropped:,} records with dates out of order were dropped on request."
        return text

    # -- builders --------------------------------------------------------------

    @classmethod
    def from_frame(
        cls,
        frame: object,
        *,
        stages: Sequence[str],
        outcome: str,
        won: object,
        lost: object,
        reached: Mapping[str, str] | None = None,
        id: str | None = None,
        rep: str | None = None,
        amount: str | None = None,
        created: str | None = None,
        closed: str | None = None,
        attributes: Iterable[str] = (),
        bad_dates: str = "warn",
    ) -> History:
        """Read one row per record (opportunity or lead) from any dataframe.

        Parameters
        ----------
        frame
            A pandas, polars (eager or lazy), pyarrow, DuckDB, Dask ... frame;
            anything ``narwhals.from_native`` accepts.
        stages
            Stage names, top to bottom; the last is won deals.  Every record
            starts at the top stage.
        outcome
            The status column.  A value in `won` means won, in `lost` lost;
            any other value (or none) means the record is still open.
        won, lost
            The outcome value, or list of values, of won and of lost records.
        reached
            Stage → column whose non-empty value (a date, or a true flag)
            says the record got to that stage.  Every stage between the
            first and the last needs one; the top stage may map to its date
            (else `created` is its date); the last stage is reached when the
            outcome is won (its date is `closed`).  A record counts as having
            passed every stage above the furthest it reached.
        id, rep, amount, created, closed
            Optional columns: record id (unique), owner, deal value (a
            number >= 0), created and closed dates.
        attributes
            Columns kept for splitting (``by=``): manager, office, product ...
        bad_dates
            What to do with records whose dates run backwards (a stage
            reached before the record was created, or before the stage
            above): ``"warn"`` (default: keep them, warn with how many and
            which ids), ``"raise"`` or ``"drop"``.

        Raises
        ------
        UnknownNameError
            A column that the frame lacks (the message lists the columns it
            has), or a stage in `reached` that is not in `stages`.
        InvalidInputError
            An empty frame, duplicate ids, negative or non-numeric amounts,
            text that is not a date in a date column, an outcome that differs
            from a won/lost value only in case or spaces.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"stage": ["Won", "Lost", "Engaging", "Won"],
        ...                       "value": [1200, 0, 800, 600]})
        >>> history = History.from_frame(frame, stages=["opps", "won"], outcome="stage",
        ...                              won="Won", lost="Lost", amount="value")
        >>> history.funnel().rates, history.funnel().deal_size
        ((Fraction(2, 3),), Fraction(900, 1))
        """
        names = check_stage_names(stages)
        policy = parse_choice(bad_dates, _BAD_DATES, what="bad_dates")
        won_values = _values(won, what="won")
        lost_values = _values(lost, what="lost")
        both = set(won_values) & set(lost_values)
        if both:
            raise InvalidInputError(f"{_listing(both)} cannot be both won and lost")
        reach = mapping_of_columns(reached, what="reached")
        for stage in reach:
            if stage not in names:
                raise UnknownStageError(stage, names)
        if names[-1] in reach:
            raise InvalidInputError(
                f"the last stage {names[-1]!r} is reached when the outcome is won; "
                f"leave it out of reached= and give its date as closed="
            )
        missing = [stage for stage in names[1:-1] if stage not in reach]
        if missing:
            raise InvalidInputError(
                f"reached= needs a column for {_listing(missing)}: every stage between the "
                f"first and the last needs the column that says a record got there"
            )
        lf = as_lazy(frame, what="frame")
        schema = dict(lf.collect_schema())
        columns = list(schema)
        attrs = tuple(parse_list(attributes, what="attributes"))
        wanted: list[tuple[str, object]] = [("outcome", outcome)]
        wanted += [
            (key, col)
            for key, col in (
                ("id", id),
                ("rep", rep),
                ("amount", amount),
                ("created", created),
                ("closed", closed),
            )
            if col is not None
        ]
        wanted += [(f"reached[{s!r}]", c) for s, c in reach.items()]
        wanted += [("attributes", a) for a in attrs]
        check_columns(columns, wanted, what="the frame")
        return cls(
            *_read_records(
                lf,
                schema,
                stages=names,
                outcome=outcome,
                won=won_values,
                lost=lost_values,
                reached=reach,
                id=id,
                rep=rep,
                amount=amount,
                created=created,
                closed=closed,
                attributes=attrs,
                policy=policy,
            )
        )

    @classmethod
    def from_events(
        cls,
        events: object,
        *,
        id: str,
        stage: str,
        at: str,
        stages: Sequence[str],
        lost: object,
        records: object = None,
        rep: str | None = None,
        amount: str | None = None,
        attributes: Iterable[str] = (),
        bad_dates: str = "warn",
    ) -> History:
        """Read an event log: one row per stage change of a record.

        A record has reached every stage it has an event for (and every stage
        above the furthest one); it is won when it reached the last stage,
        lost when it has an event whose stage is in `lost`, and open
        otherwise.  Its created date is its first event, its closed date the
        won (or lost) event.  The per-record table is built in the events'
        engine (a group-by on `id`).

        Parameters
        ----------
        events
            A frame of any engine narwhals supports.
        id, stage, at
            The columns of the record id, the stage entered (a name in
            `stages` or a value in `lost`) and the date.
        stages
            Stage names, top to bottom; the last is won deals.
        lost
            The stage value, or list of values, that mark a record lost.
        records
            Optional frame with one row per record (same `id` column), whose
            `rep`, `amount` and `attributes` columns are joined on.
        rep, amount, attributes
            Columns of `records` (or of `events` when `records` is None,
            where each id's largest value is taken: they should agree).
        bad_dates
            Records whose stages go backwards in time (a stage entered before
            the one above it): ``"warn"`` (default), ``"raise"`` or ``"drop"``.

        Raises
        ------
        UnknownNameError
            A column either frame lacks.
        InvalidInputError
            A stage value neither in `stages` nor in `lost` (with how many
            events and which ids), an empty log.

        Examples
        --------
        >>> events = [
        ...     {"id": 1, "stage": "opp", "at": "2026-01-02"},
        ...     {"id": 1, "stage": "demo", "at": "2026-01-09"},
        ...     {"id": 1, "stage": "won", "at": "2026-02-01"},
        ...     {"id": 2, "stage": "opp", "at": "2026-01-05"},
        ...     {"id": 2, "stage": "lost", "at": "2026-01-20"},
        ...     {"id": 3, "stage": "opp", "at": "2026-01-06"},
        ...     {"id": 3, "stage": "demo", "at": "2026-01-16"},
        ... ]
        >>> history = History.from_records(events, id="id", stage="stage", at="at",
        ...                                stages=["opp", "demo", "won"], lost="lost")
        >>> history.rates().observed()
        [Observed(2, 3), Observed(1, 1)]
        """
        names = check_stage_names(stages)
        policy = parse_choice(bad_dates, _BAD_DATES, what="bad_dates")
        lost_values = _values(lost, what="lost")
        clash = set(lost_values) & set(names)
        if clash:
            raise InvalidInputError(f"{_listing(clash)} cannot be both a stage and lost")
        attrs = tuple(parse_list(attributes, what="attributes"))
        lf = as_lazy(events, what="events")
        schema = dict(lf.collect_schema())
        check_columns(list(schema), [("id", id), ("stage", stage), ("at", at)], what="the events")
        extra: list[tuple[str, object]] = [
            (k, c) for k, c in (("rep", rep), ("amount", amount)) if c is not None
        ]
        extra += [("attributes", a) for a in attrs]
        side: nw.LazyFrame[Any] | None = None
        if records is not None:
            side = as_lazy(records, what="records")
            side_schema = dict(side.collect_schema())
            check_columns(list(side_schema), [("id", id), *extra], what="the records")
        else:
            check_columns(list(schema), extra, what="the events")
        return cls(
            *_read_events(
                lf,
                schema,
                side,
                id=id,
                stage=stage,
                at=at,
                stages=names,
                lost=lost_values,
                rep=rep,
                amount=amount,
                attributes=attrs,
                policy=policy,
            )
        )

    @classmethod
    def from_records(cls, rows: Iterable[Mapping[str, Any]], **keywords: Any) -> History:
        """Read plain rows (mappings), with the keywords of :meth:`from_frame`.

        With `stage` and `at` among the keywords the rows are an event log,
        read as by :meth:`from_events`.  Text is read as the CSV reader reads
        it (dates as ``YYYY-MM-DD``, amounts as numbers); a bad value is
        reported with its row number (from 1) and column.  Needs one of
        polars, pyarrow or pandas to hold the rows.

        Examples
        --------
        >>> History.from_records([{"status": "won", "amount": "-5"}], stages=["a", "won"],
        ...                      outcome="status", won="won", lost="lost", amount="amount")
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: row 1, column 'amount': amount must be a finite number >= 0, got '-5'
        """
        items = parse_list(rows, what="rows")
        for i, row in enumerate(items, start=1):
            if not isinstance(row, Mapping):
                raise InvalidInputError(
                    f"row {i} must be a mapping of column to value, got {row!r}"
                )
        header: list[str] = []
        seen: set[str] = set()
        for row in items:
            for key in row:
                if key not in seen:
                    seen.add(key)
                    header.append(str(key))
        table = [(f"row {i}", row) for i, row in enumerate(items, start=1)]
        return cls._from_frame_or_events(*_from_rows(header, table, keywords), keywords)

    @classmethod
    def from_csv(cls, path: str | Path, **keywords: Any) -> History:
        r"""Read a CSV export, with the keywords of :meth:`from_frame` (or :meth:`from_events`).

        A bad value is reported with its line number (the header is line 1)
        and column.  With `records=` an event log's record table may be a CSV
        path too.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "deals.csv"
        >>> _ = path.write_text("id,status,amount\n1,Won,900\n2,Lost,oops\n")
        >>> History.from_csv(path, stages=["opps", "won"], outcome="status", won="Won",
        ...                  lost="Lost", id="id", amount="amount")
        Traceback (most recent call last):
        ...
        salesmath.errors.InvalidInputError: line 3, column 'amount': amount must be a finite number >= 0, got 'oops'
        """
        import csv

        file = Path(path)
        try:
            handle = file.open(encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise InvalidInputError(f"CSV file {str(file)!r} does not exist") from None
        except OSError as exc:
            raise InvalidInputError(f"cannot read CSV file {str(file)!r}: {exc}") from None
        with handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                raise InvalidInputError(f"CSV file {str(file)!r} is empty") from None
            header = [name.strip() for name in header]
            table: list[tuple[str, Mapping[str, Any]]] = []
            line = reader.line_num
            for cells in reader:
                if cells:
                    if len(cells) != len(header):
                        raise InvalidInputError(
                            f"line {line + 1} of {str(file)!r} has {len(cells)} cells, the header "
                            f"has {len(header)}"
                        )
                    table.append((f"line {line + 1}", dict(zip(header, cells, strict=True))))
                line = reader.line_num
        side = keywords.get("records")
        if isinstance(side, str | Path):
            keywords = {**keywords, "records": _csv_frame(Path(side), keywords)}
        return cls._from_frame_or_events(*_from_rows(header, table, keywords), keywords)

    @classmethod
    def _from_frame_or_events(cls, frame: Any, events: bool, keywords: dict[str, Any]) -> History:
        if events:
            return cls.from_events(frame, **keywords)
        return cls.from_frame(frame, **keywords)

    # -- what the history measures --------------------------------------------

    @overload
    def funnel(self, *, by: None = None, open: str = ..., as_of: object = ...) -> Funnel: ...

    @overload
    def funnel(self, *, by: str, open: str = ..., as_of: object = ...) -> dict[Any, Funnel]: ...

    def funnel(
        self, *, by: str | None = None, open: str = "exclude", as_of: object = None
    ) -> Funnel | dict[Any, Funnel]:
        """Fit a :class:`~salesmath.Funnel` to the history (one per group with `by`).

        Each rate is measured, ``Observed(converted, decided)``, so every
        probability and simulation downstream carries its uncertainty
        (``funnel.observed``).  The deal size is the mean won amount (to the
        cent); ``days`` are the median days between consecutive stages'
        dates, when every stage is dated.

        Parameters
        ----------
        by
            An attribute (or the rep column): one funnel per value, in a dict.
        open
            ``"exclude"`` (default): a record still open at a stage is left
            out of that stage's conversion.  ``"lost"``: counted as failed
            there, as a naive CRM report does (biased low).
        as_of
            A date: the history as it stood then (records created after it
            are left out, stages reached and deals closed after it not yet
            seen).  Needs every stage dated and a closed date.

        Returns
        -------
        Funnel or dict
            A dict of group value → Funnel with `by`.

        Raises
        ------
        InvalidInputError
            If a conversion has no decided record, nothing converted, or no
            won deal has an amount: the message names the group and stage.

        Examples
        --------
        >>> history = History.from_records(
        ...     [{"s": "won", "v": 1000}, {"s": "won", "v": 3000}, {"s": "lost", "v": 0},
        ...      {"s": "open", "v": 500}], stages=["opps", "won"], outcome="s", won="won",
        ...     lost="lost", amount="v")
        >>> history.funnel()
        Funnel(stages=['opps', 'won'], rates=['2 of 3'], deal_size=2000)
        >>> history.funnel(open="lost")
        Funnel(stages=['opps', 'won'], rates=['2 of 4'], deal_size=2000)
        """
        from salesmath.funnel import Funnel

        mode = parse_choice(open, ("exclude", "lost"), what="open")
        day = self._as_of_day(as_of)
        keys = self._keys(by)
        tally = self._tally(keys, day)
        days = self._median_days(keys, day)
        groups = _grouped(tally, keys)
        if not groups:
            raise InvalidInputError("the history has no records (as of that date)")
        funnels: dict[Any, Funnel] = {}
        for group, rows in groups.items():
            where = "" if by is None else f"{by}={group!r}: "
            rates: list[Observed] = []
            for i, (conversion, (converted, decided, open_, _)) in enumerate(
                zip(conversion_names(self.stages), _conversions(rows, self.stages), strict=True)
            ):
                trials = decided + open_ if mode == "lost" else decided
                if trials == 0:
                    raise InvalidInputError(
                        f"{where}no record has been decided at {self.stages[i]!r} yet "
                        f"({open_:,} still open), so {conversion} has no rate; "
                        f"wait for deals to close or give an assumed rate"
                    )
                if converted == 0:
                    raise InvalidInputError(
                        f"{where}{conversion} is 0 of {trials:,}: nothing converted, and a "
                        f"funnel needs every rate > 0; wait for a first conversion or give an "
                        f"assumed rate"
                    )
                rates.append(Observed(converted, trials))
            deal_size = _deal_size(rows, self._layout.has_amount, where)
            group_days = days.get(group) if days is not None else None
            funnels[group] = Funnel(
                stages=self.stages, rates=rates, deal_size=deal_size, days=group_days
            )
        if by is None:
            return funnels[None]
        return funnels

    def rates(
        self,
        *,
        by: str | None = None,
        open: str = "exclude",
        level: object = 0.9,
        as_of: object = None,
    ) -> ConversionRates:
        """Measure each conversion: converted, decided, open, rate and an interval.

        Parameters
        ----------
        by
            An attribute (or the rep column): one row per conversion and value.
        open
            ``"exclude"`` (default) or ``"lost"``, as in :meth:`funnel`.
        level
            The interval's probability, 0.9 by default: the equal-tailed
            Jeffreys interval, quantiles of ``Beta(k + 1/2, n - k + 1/2)``.
        as_of
            As in :meth:`funnel`.

        Examples
        --------
        >>> history = History.from_records(
        ...     [{"s": "won"}] * 6 + [{"s": "lost"}] * 4 + [{"s": "working"}] * 5,
        ...     stages=["opps", "won"], outcome="s", won="won", lost="lost")
        >>> print(history.rates())
        Conversion rates from 15 records (open records left out of the step where they sit)
        conversion   rate  converted  decided  open  90% low  90% high
        -----------  ----  ---------  -------  ----  -------  --------
        opps_to_won   60%          6       10     5    34.7%     81.5%
        >>> history.rates(open="lost")["opps_to_won"].rate
        Fraction(2, 5)
        """
        mode = parse_choice(open, ("exclude", "lost"), what="open")
        chance = float(parse_probability(level, what="level"))
        day = self._as_of_day(as_of)
        keys = self._keys(by)
        groups = _grouped(self._tally(keys, day), keys)
        rows: list[RateRow] = []
        records = 0
        for group, tally in groups.items():
            records += sum(row[_N] for row in tally)
            for conversion, (converted, decided, open_, _) in zip(
                conversion_names(self.stages), _conversions(tally, self.stages), strict=True
            ):
                trials = decided + open_ if mode == "lost" else decided
                low, high = _jeffreys(converted, trials, chance)
                rows.append(
                    RateRow(
                        group=None if by is None else _label(group),
                        conversion=conversion,
                        converted=converted,
                        decided=trials,
                        open=open_,
                        low=low,
                        high=high,
                    )
                )
        return ConversionRates(
            stages=self.stages, by=by, open=mode, level=chance, records=records, rows=tuple(rows)
        )

    def team(
        self,
        *,
        roster: object = None,
        period: tuple[object, object] | None = None,
        segment: str | None = None,
    ) -> Team:
        """Each rep's numbers as a :class:`~salesmath.Team`.

        A rep's count at a stage is the records that reached it (open ones
        included: that is the rep's volume); bookings are the won amounts;
        ``cycle_days`` the mean days from created to won.  ``compare_thirds``
        and ``assess_capacity`` run on the result unchanged; to compare
        within a segment, ``history.team(segment="office").select(segment=...)``.

        Parameters
        ----------
        roster
            Optional frame or list of rows with a rep column (named as the
            history's rep column, or ``rep``) and optional ``quota``, ``role``
            and segment columns.  Reps on the roster with no records appear
            with zeros.
        period
            Optional ``(start, end)`` dates: only records created in it.
        segment
            An attribute (or roster column) that becomes each rep's
            ``segment``: the roster's value, else the value of most of the
            rep's records.

        Raises
        ------
        InvalidInputError
            If the history has no rep column, or no rep has records or is on
            the roster.

        Examples
        --------
        >>> history = History.from_records(
        ...     [{"rep": "ana", "s": "won", "v": 900}, {"rep": "ana", "s": "lost", "v": 100},
        ...      {"rep": "bo", "s": "lost", "v": 400}],
        ...     stages=["opps", "won"], outcome="s", won="won", lost="lost", rep="rep",
        ...     amount="v")
        >>> print(history.team(roster=[{"rep": "ana"}, {"rep": "bo"}, {"rep": "cy"}]))
        Team of 3 reps
        rep  opps  won  bookings
        ---  ----  ---  --------
        ana     2    1       900
        bo      1    0         0
        cy      0    0         0
        """
        from salesmath.team import RepStats, Team

        layout = self._layout
        if layout.rep is None:
            raise InvalidInputError("team() needs the rep column: give rep= when reading")
        roster_rows = _roster(roster, layout.rep)
        frame = self._state_frame(None)
        if period is not None:
            frame = self._in_period(frame, period)
        keys = [_REP] + ([] if segment is None or segment not in layout.attributes else [segment])
        if (
            segment is not None
            and segment not in layout.attributes
            and (not roster_rows or segment not in roster_rows[0])
        ):
            raise UnknownNameError(segment, [*layout.attributes], "attribute")
        tally = self._tally(keys, None, frame=frame)
        rows_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        votes: dict[str, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
        unnamed = 0
        for row in tally:
            if row[_REP] is None:
                unnamed += row[_N]
                continue
            name = str(row[_REP])
            rows_of[name].append(row)
            if segment in layout.attributes:
                votes[name][row[segment]] += row[_N]
        if unnamed:
            _warn(f"{unnamed:,} records have no rep; team() leaves them out")
        listed = {row["rep"]: row for row in roster_rows}
        off = sorted(set(rows_of) - set(listed))
        if roster_rows and off:
            _warn(
                f"{len(off)} reps have records but are not on the roster "
                f"({_listing(off)}); they are kept"
            )
        stats: list[RepStats] = []
        for name in sorted(set(rows_of) | set(listed)):
            rows = rows_of.get(name, [])
            won_rows = [row for row in rows if row[_ST] == WON]
            cycles = sum(row.get(PREFIX + "ccount") or 0 for row in won_rows)
            total_days = sum(Fraction(row.get(PREFIX + "csum") or 0) for row in won_rows)
            info = listed.get(name, {})
            seg = None if segment is None else info.get(segment)
            if seg is None and votes.get(name):
                # the rep's segment: the value most of their records have (ties by name)
                seg = min(votes[name].items(), key=lambda kv: (-kv[1], str(kv[0])))[0]
            stats.append(
                RepStats(
                    rep=name,
                    counts={
                        stage: sum(row[_N] for row in rows if row[_DEPTH] >= i)
                        for i, stage in enumerate(self.stages)
                    },
                    bookings=money(sum(money(row.get(PREFIX + "asum")) for row in won_rows)),
                    quota=info.get("quota"),
                    cycle_days=Fraction(total_days, cycles) if cycles else None,
                    role=None if info.get("role") is None else str(info["role"]),
                    segment=None if seg is None else str(seg),
                )
            )
        if not stats:
            raise InvalidInputError("no rep has records (in that period) or is on the roster")
        return Team(stages=self.stages, reps=stats)

    def cycle_days(self, *, by: str | None = None, as_of: object = None) -> CycleDays:
        """Days from created to won: Kaplan–Meier quartiles, open records censored.

        A won deal's days are known (created to closed); an open record's are
        at least its age at `as_of` (right-censored), so a recent cohort does
        not read as faster; lost records never win and are left out (and
        counted).  Computed with ``scipy.stats.ecdf`` on
        ``scipy.stats.CensoredData``; a quartile is the first day by which
        the estimated share won reaches it, None when it never does.

        Parameters
        ----------
        by
            An attribute (or the rep column): one row per value.
        as_of
            The censoring date; by default the latest date in the history.

        Examples
        --------
        >>> history = History.from_records(
        ...     [{"s": "won", "c": "2026-01-01", "d": "2026-01-11"},
        ...      {"s": "won", "c": "2026-01-01", "d": "2026-01-21"},
        ...      {"s": "won", "c": "2026-01-01", "d": "2026-01-31"},
        ...      {"s": "open", "c": "2026-01-20", "d": None}],
        ...     stages=["opps", "won"], outcome="s", won="won", lost="lost",
        ...     created="c", closed="d")
        >>> result = history.cycle_days()
        >>> result.rows[0].median, result.rows[0].open, result.as_of
        (20, 1, datetime.date(2026, 1, 31))
        """
        layout = self._layout
        if not (layout.has_created and layout.has_closed):
            raise InvalidInputError("cycle_days() needs created= and closed= dates")
        import narwhals as nw

        day = self._as_of_day(as_of)
        censor = day if day is not None else self._stats.last_day
        if censor is None:
            raise InvalidInputError("cycle_days() found no dates in the history")
        keys = self._keys(by)
        frame = self._state_frame(day).with_columns(
            nw.when(nw.col(_ST) == WON)
            .then(nw.col(_CLOSED) - nw.col(_CREATED))
            .otherwise(nw.when(nw.col(_ST) == OPEN).then(nw.lit(censor) - nw.col(_CREATED)))
            .alias(_DUR)
        )
        tally = collect_rows(frame.group_by(*keys, _ST, _DUR).agg(nw.len().alias(_N)))
        result: list[CycleRow] = []
        for group, rows in _grouped(tally, keys).items():
            won = [
                (row[_DUR], row[_N]) for row in rows if row[_ST] == WON and row[_DUR] is not None
            ]
            still = [
                (row[_DUR], row[_N]) for row in rows if row[_ST] == OPEN and row[_DUR] is not None
            ]
            q1, median, q3 = _km_quartiles(won, still)
            result.append(
                CycleRow(
                    group=None if by is None else _label(group),
                    won=sum(n for row in rows if row[_ST] == WON for n in [row[_N]]),
                    open=sum(row[_N] for row in rows if row[_ST] == OPEN),
                    lost=sum(row[_N] for row in rows if row[_ST] == LOST),
                    q1=q1,
                    median=median,
                    q3=q3,
                )
            )
        return CycleDays(by=by, as_of=from_day_number(censor), rows=tuple(result))

    def pipeline(
        self,
        freq: str = "W",
        *,
        by: str | None = None,
        pace: Pace | None = None,
        start: object = None,
    ) -> Pipeline:
        """Pipeline created per week, month or quarter, and each cohort's outcome so far.

        Per period (of the created date): records created, their total and
        average amount, how many were won, lost and are still open, bookings,
        and the cohort's win rate so far.  Periods with nothing created show
        as zeros.  Given a plan's `pace` (``plan.pace(13, unit="week")``),
        each period's created count is set against the pace's top-stage
        target, from `start` (default the first period) on.

        Parameters
        ----------
        freq
            ``"W"`` (weeks from Monday), ``"M"`` or ``"Q"``.
        by
            An attribute (or the rep column): the periods of each value.
        pace
            A :class:`~salesmath.Pace`: its top-stage target per period.
        start
            The date in the first period the pace covers.

        Examples
        --------
        >>> history = History.from_records(
        ...     [{"s": "won", "c": "2026-01-05", "v": 100},
        ...      {"s": "lost", "c": "2026-01-07", "v": 300},
        ...      {"s": "open", "c": "2026-01-20", "v": 200}],
        ...     stages=["opps", "won"], outcome="s", won="won", lost="lost",
        ...     created="c", amount="v")
        >>> print(history.pipeline("W"))
        Pipeline created per week, and each cohort so far
        week        created  value  average  won  lost  open  bookings  win rate
        ----------  -------  -----  -------  ---  ----  ----  --------  --------
        2026-01-05        2    400      200    1     1     0       100       50%
        2026-01-12        0      0        —    0     0     0         0         —
        2026-01-19        1    200      200    0     0     1         0         —
        """
        import narwhals as nw

        layout = self._layout
        if not layout.has_created:
            raise InvalidInputError("pipeline() needs the created= date column")
        step = parse_choice(freq, ("W", "M", "Q"), what="freq")
        keys = self._keys(by)
        if step == "W":
            key = nw.col(_CREATED) - nw.col(_CREATED) % 7
        elif step == "M":
            key = nw.col(_YEAR) * 12 + nw.col(_MONTH) - 1
        else:
            key = nw.col(_YEAR) * 4 + (nw.col(_MONTH) - 1) // 3
        frame = self._state_frame(None).filter(~nw.col(_CREATED).is_null())
        frame = frame.with_columns(
            key.alias(_KEY),
            *_state_counts(),
            *self._won_amount(),
        )
        aggs = [
            nw.len().alias(_N),
            nw.col(PREFIX + "is_won").sum().alias(PREFIX + "won"),
            nw.col(PREFIX + "is_lost").sum().alias(PREFIX + "lost"),
            nw.col(PREFIX + "is_open").sum().alias(PREFIX + "open"),
        ]
        if layout.has_amount:
            aggs += [
                nw.col(_AMOUNT).sum().alias(PREFIX + "value"),
                nw.col(PREFIX + "won_amount").sum().alias(PREFIX + "bookings"),
            ]
        tally = collect_rows(frame.group_by(*keys, _KEY).agg(*aggs))
        if not tally:
            return Pipeline(freq=step, by=by, rows=())
        first = min(int(row[_KEY]) for row in tally)
        last = max(int(row[_KEY]) for row in tally)
        periods = list(range(first, last + 1, 7 if step == "W" else 1))
        targets: dict[int, Any] = {}
        if pace is not None:
            top = pace.plan.funnel.stages[0]
            begin = first if start is None else _period_key(parse_date(start, what="start"), step)
            if begin not in periods:
                begin = first
            offset = periods.index(begin)
            for k, target in enumerate(pace.targets):
                if offset + k < len(periods):
                    value = target[top]
                    targets[periods[offset + k]] = value if isinstance(value, int) else float(value)
        rows: list[PipelineRow] = []
        for group, group_rows in _grouped(tally, keys).items():
            found = {int(row[_KEY]): row for row in group_rows}
            for period in periods:
                row = found.get(period, {})
                label, begin_day = _period_label(period, step)
                rows.append(
                    PipelineRow(
                        group=None if by is None else _label(group),
                        period=label,
                        start=begin_day,
                        created=int(row.get(_N) or 0),
                        value=float(money(row.get(PREFIX + "value"))),
                        won=int(row.get(PREFIX + "won") or 0),
                        lost=int(row.get(PREFIX + "lost") or 0),
                        open=int(row.get(PREFIX + "open") or 0),
                        bookings=float(money(row.get(PREFIX + "bookings"))),
                        target=targets.get(period),
                    )
                )
        return Pipeline(freq=step, by=by, rows=tuple(rows))

    def deal_sizes(self) -> NDArray[np.float64]:
        """Return the won deals' amounts, smallest first, for ``funnel.simulate(deal_sizes=...)``.

        Examples
        --------
        >>> history = History.from_records(
        ...     [{"s": "won", "v": 900}, {"s": "won", "v": 300}, {"s": "lost", "v": 50}],
        ...     stages=["opps", "won"], outcome="s", won="won", lost="lost", amount="v")
        >>> history.deal_sizes()
        array([300., 900.])
        """
        import narwhals as nw
        import numpy as np

        if not self._layout.has_amount:
            raise InvalidInputError("deal_sizes() needs the amount= column")
        frame = self._frame.filter((nw.col(_STATE) == WON) & ~nw.col(_AMOUNT).is_null())
        rows = collect_rows(frame.select(nw.col(_AMOUNT)))
        return np.sort(np.array([float(row[_AMOUNT]) for row in rows], dtype=np.float64))

    # -- internals -------------------------------------------------------------

    def _keys(self, by: str | None) -> list[str]:
        if by is None:
            return []
        layout = self._layout
        if by == layout.rep:
            return [_REP]
        if isinstance(by, str) and by in layout.attributes:
            return [by]
        known = [*([layout.rep] if layout.rep else []), *layout.attributes]
        raise UnknownNameError(by, known, "attribute")

    def _as_of_day(self, as_of: object) -> int | None:
        if as_of is None:
            return None
        layout = self._layout
        undated = [s for s, dated in zip(self.stages, layout.dated, strict=True) if not dated]
        if not layout.has_created or not layout.has_closed or undated:
            raise InvalidInputError(
                "as_of needs created= and closed= dates and a date for every stage "
                + (f"(no dates for {_listing(undated)})" if undated else "")
            )
        return to_day_number(parse_date(as_of, what="as_of"))

    def _depth(self, day: int | None) -> nw.Expr:
        """Build the furthest stage each record reached (as of `day`)."""
        import narwhals as nw

        last = self._layout.last
        depth: nw.Expr = nw.lit(0)
        for i in range(1, last):
            reached = nw.col(_flag(i)) if day is None else nw.col(_day(i)) <= day
            depth = nw.when(reached.fill_null(value=False)).then(nw.lit(i)).otherwise(depth)
        return nw.when(self._status(day) == WON).then(nw.lit(last)).otherwise(depth)

    def _status(self, day: int | None) -> nw.Expr:
        import narwhals as nw

        if day is None:
            return nw.col(_STATE)
        closed = (nw.col(_CLOSED) <= day).fill_null(value=False)
        return (
            nw.when((nw.col(_STATE) == WON) & closed)
            .then(nw.lit(WON))
            .otherwise(
                nw.when((nw.col(_STATE) == LOST) & closed)
                .then(nw.lit(LOST))
                .otherwise(nw.lit(OPEN))
            )
        )

    def _state_frame(self, day: int | None) -> nw.LazyFrame[Any]:
        import narwhals as nw

        frame = self._frame
        if day is not None:
            frame = frame.filter((nw.col(_CREATED) <= day).fill_null(value=False))
        return frame.with_columns(self._depth(day).alias(_DEPTH), self._status(day).alias(_ST))

    def _in_period(self, frame: nw.LazyFrame[Any], period: tuple[object, object]) -> Any:
        import narwhals as nw

        if not self._layout.has_created:
            raise InvalidInputError("period= needs the created= date column")
        items = parse_list(period, what="period", length=2)
        start = to_day_number(parse_date(items[0], what="period start"))
        end = to_day_number(parse_date(items[1], what="period end"))
        if end < start:
            raise InvalidInputError(f"period ends before it starts: {items[0]} to {items[1]}")
        return frame.filter(
            ((nw.col(_CREATED) >= start) & (nw.col(_CREATED) <= end)).fill_null(value=False)
        )

    def _won_amount(self) -> list[nw.Expr]:
        import narwhals as nw

        if not self._layout.has_amount:
            return []
        return [
            nw.when(nw.col(_ST) == WON)
            .then(nw.col(_AMOUNT))
            .otherwise(nw.lit(None))
            .alias(PREFIX + "won_amount")
        ]

    def _tally(
        self, keys: list[str], day: int | None, *, frame: nw.LazyFrame[Any] | None = None
    ) -> list[dict[str, Any]]:
        """Count records per group, furthest stage and outcome, in the frame's engine."""
        import narwhals as nw

        layout = self._layout
        source = self._state_frame(day) if frame is None else frame
        aggs = [nw.len().alias(_N)]
        if layout.has_amount:
            aggs += [
                nw.col(_AMOUNT).sum().alias(PREFIX + "asum"),
                nw.col(_AMOUNT).count().alias(PREFIX + "acount"),
            ]
        if layout.has_created and layout.has_closed:
            source = source.with_columns(
                nw.when(nw.col(_ST) == WON)
                .then(nw.col(_CLOSED) - nw.col(_CREATED))
                .otherwise(nw.lit(None))
                .alias(PREFIX + "cycle")
            )
            aggs += [
                nw.col(PREFIX + "cycle").sum().alias(PREFIX + "csum"),
                nw.col(PREFIX + "cycle").count().alias(PREFIX + "ccount"),
            ]
        rows = collect_rows(source.group_by(*keys, _DEPTH, _ST).agg(*aggs))
        for row in rows:
            row[_N] = int(row[_N])
            row[_DEPTH] = int(row[_DEPTH])
            row[_ST] = int(row[_ST])
        return rows

    def _median_days(self, keys: list[str], day: int | None) -> dict[Any, list[Fraction]] | None:
        """Median days between consecutive stages' dates, per group; None without dates."""
        import narwhals as nw

        layout = self._layout
        if not all(layout.dated):
            return None
        medians: dict[Any, list[Fraction | None]] = defaultdict(lambda: [None] * layout.last)
        frame = self._frame
        if day is not None:
            frame = frame.filter((nw.col(_CREATED) <= day).fill_null(value=False))
        steps = []
        for i in range(layout.last):
            upper, lower = nw.col(_day(i)), nw.col(_day(i + 1))
            step = frame.filter(~upper.is_null() & ~lower.is_null())
            if day is not None:
                step = step.filter(lower <= day)
            steps.append(
                step.select(
                    *(nw.col(k) for k in keys),
                    nw.lit(i).cast(nw.Int64).alias(_KEY),
                    (lower - upper).cast(nw.Int64).alias(_DUR),
                )
            )
        # one query for every step: the steps' durations stacked, counted per value
        stacked = nw.concat(steps, how="vertical")
        tally = collect_rows(stacked.group_by(*keys, _KEY, _DUR).agg(nw.len().alias(_N)))
        for group, rows in _grouped(tally, keys).items():
            for i in range(layout.last):
                pairs = [(int(r[_DUR]), int(r[_N])) for r in rows if int(r[_KEY]) == i]
                medians[group][i] = _median(pairs)
        return {
            group: [m for m in values if m is not None]
            for group, values in medians.items()
            if all(m is not None for m in values)
        }


# -- small calculations --------------------------------------------------------------


def _label(value: object) -> str | None:
    return None if value is None else str(value)


def _grouped(rows: list[dict[str, Any]], keys: list[str]) -> dict[Any, list[dict[str, Any]]]:
    """Rows by their group value (None without keys), groups in a stable order."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[keys[0]] if keys else None].append(row)
    ordered = sorted(groups, key=lambda g: (g is None, str(g)))
    return {g: groups[g] for g in ordered}


def _conversions(
    rows: list[dict[str, Any]], stages: Sequence[str]
) -> list[tuple[int, int, int, int]]:
    """Count (converted, decided, open, reached) of each conversion, from a tally."""
    result = []
    for i in range(len(stages) - 1):
        reached = sum(r[_N] for r in rows if r[_DEPTH] >= i)
        converted = sum(r[_N] for r in rows if r[_DEPTH] >= i + 1)
        open_ = sum(r[_N] for r in rows if r[_DEPTH] == i and r[_ST] == OPEN)
        result.append((converted, reached - open_, open_, reached))
    return result


def _deal_size(rows: list[dict[str, Any]], has_amount: bool, where: str) -> Fraction:
    if not has_amount:
        raise InvalidInputError(
            f"{where}a funnel needs a deal size: give amount= (the deal value column)"
        )
    won = [r for r in rows if r[_ST] == WON]
    total = sum(money(r.get(PREFIX + "asum")) for r in won)
    count = sum(int(r.get(PREFIX + "acount") or 0) for r in won)
    if count == 0:
        raise InvalidInputError(f"{where}no won deal has an amount, so there is no deal size")
    mean = money(Fraction(total) / count)
    if mean <= 0:
        raise InvalidInputError(f"{where}the won deals' mean amount is 0; a deal size is > 0")
    return mean


def _median(counts: list[tuple[int, int]]) -> Fraction | None:
    """Return the median of values given as (value, count) pairs, exactly."""
    total = sum(n for _, n in counts)
    if total == 0:
        return None
    ordered = sorted(counts)
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen = 0
    lower = upper = None
    for value, n in ordered:
        if lower is None and seen + n > lower_rank:
            lower = value
        if seen + n > upper_rank:
            upper = value
            break
        seen += n
    if lower is None or upper is None:  # pragma: no cover - total > 0
        return None
    return Fraction(lower + upper, 2)


def _km_quartiles(
    events: list[tuple[int, int]], censored: list[tuple[int, int]]
) -> tuple[int | None, int | None, int | None]:
    """Kaplan–Meier quartiles of days to win, from (days, count) pairs."""
    if not events:
        return None, None, None
    import numpy as np
    from scipy import stats

    def spread(pairs: list[tuple[int, int]]) -> Any:
        values = np.array([v for v, _ in pairs], dtype=np.float64)
        counts = np.array([n for _, n in pairs], dtype=np.int64)
        return np.repeat(values, counts)

    data = stats.CensoredData(uncensored=spread(events), right=spread(censored))
    cdf = stats.ecdf(data).cdf
    times, shares = np.asarray(cdf.quantiles), np.asarray(cdf.probabilities)

    def quantile(q: float) -> int | None:
        hits = np.nonzero(shares >= q - 1e-12)[0]
        return None if hits.size == 0 else round(float(times[hits[0]]))

    return quantile(0.25), quantile(0.5), quantile(0.75)


def _jeffreys(k: int, n: int, level: float) -> tuple[float | None, float | None]:
    """Return the equal-tailed Jeffreys interval of k successes in n trials."""
    if n == 0:
        return None, None
    from scipy.stats import beta

    tail = (1 - level) / 2
    low = 0.0 if k == 0 else float(beta.ppf(tail, k + 0.5, n - k + 0.5))
    high = 1.0 if k == n else float(beta.ppf(1 - tail, k + 0.5, n - k + 0.5))
    return low, high


def _roster(roster: object, rep: str) -> list[dict[str, Any]]:
    """Read a roster (any frame, or rows) into rows with a 'rep' key."""
    if roster is None:
        return []
    if (
        isinstance(roster, Iterable)
        and not isinstance(roster, str | bytes | Mapping)
        and not hasattr(roster, "columns")
        and not hasattr(roster, "schema")
    ):
        rows = [dict(row) for row in parse_list(roster, what="roster")]
    else:
        lf = as_lazy(roster, what="roster")
        rows = collect_rows(lf)
    if not rows:
        return []
    column = rep if rep in rows[0] else "rep"
    if column not in rows[0]:
        raise UnknownNameError(rep, list(rows[0]), "column")
    result = []
    seen: set[str] = set()
    for i, row in enumerate(rows, start=1):
        name = row.get(column)
        if name is None or not str(name).strip():
            raise InvalidInputError(f"roster row {i} has no rep name")
        if str(name) in seen:
            raise InvalidInputError(f"roster row {i}: rep {name!r} is listed twice")
        seen.add(str(name))
        result.append({**row, "rep": str(name)})
    return result


def _period_key(day: date, freq: str) -> int:
    if freq == "W":
        number = to_day_number(day)
        return number - number % 7
    if freq == "M":
        return day.year * 12 + day.month - 1
    return day.year * 4 + (day.month - 1) // 3


def _period_label(key: int, freq: str) -> tuple[str, date]:
    if freq == "W":
        start = from_day_number(key)
        return start.isoformat(), start
    if freq == "M":
        year, month = divmod(key, 12)
        return f"{year}-{month + 1:02d}", date(year, month + 1, 1)
    year, quarter = divmod(key, 4)
    return f"{year}Q{quarter + 1}", date(year, 3 * quarter + 1, 1)
