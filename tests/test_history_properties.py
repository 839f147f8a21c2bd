"""Properties of History's counts, on random small histories (hypothesis)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from salesmath.history import History

STAGES = ["opp", "demo", "proposal", "won"]
LAST = len(STAGES) - 1


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[int, str]]:
    """Records as (furthest stage, outcome): won ones reached the last stage."""
    size = draw(st.integers(min_value=1, max_value=40))
    records = []
    for _ in range(size):
        outcome = draw(st.sampled_from(["won", "lost", "open"]))
        depth = LAST if outcome == "won" else draw(st.integers(min_value=0, max_value=LAST - 1))
        records.append((depth, outcome))
    return records


def as_rows(records: list[tuple[int, str]]) -> list[dict[str, object]]:
    start = dt.date(2026, 1, 1)
    rows = []
    for i, (depth, outcome) in enumerate(records):
        row: dict[str, object] = {"id": i, "status": outcome}
        for s in range(1, LAST):
            row[STAGES[s]] = (start + dt.timedelta(days=s)).isoformat() if depth >= s else None
        rows.append(row)
    return rows


def as_events(records: list[tuple[int, str]]) -> list[dict[str, object]]:
    events = []
    for i, (depth, outcome) in enumerate(records):
        events.extend(
            {"id": i, "stage": STAGES[s], "at": f"2026-01-{s + 1:02d}"} for s in range(depth + 1)
        )
        if outcome == "lost":
            events.append({"id": i, "stage": "lost", "at": "2026-02-01"})
    return events


def read(records: list[tuple[int, str]]) -> History:
    return History.from_records(
        as_rows(records),
        stages=STAGES,
        outcome="status",
        won="won",
        lost="lost",
        reached={s: s for s in STAGES[1:-1]},
        id="id",
    )


@settings(max_examples=40)
@given(histories())
def test_counts_equal_brute_force_and_decided_plus_open_is_reached(
    records: list[tuple[int, str]],
) -> None:
    rates = read(records).rates()
    for i, row in enumerate(rates.rows):
        reached = sum(1 for d, _ in records if d >= i)
        assert row.converted == sum(1 for d, _ in records if d >= i + 1)
        assert row.open == sum(1 for d, o in records if d == i and o == "open")
        assert row.decided + row.open == reached
        assert row.converted <= row.decided


@settings(max_examples=40)
@given(histories())
def test_open_as_lost_never_reads_higher_than_open_left_out(
    records: list[tuple[int, str]],
) -> None:
    history = read(records)
    for fair, naive in zip(history.rates().rows, history.rates(open="lost").rows, strict=True):
        if fair.rate is not None and naive.rate is not None:
            assert naive.rate <= fair.rate


@settings(max_examples=40)
@given(histories())
def test_interval_holds_the_rate_and_stays_in_zero_one(records: list[tuple[int, str]]) -> None:
    for row in read(records).rates().rows:
        if row.decided == 0:
            assert (row.rate, row.low, row.high) == (None, None, None)
            continue
        assert row.low is not None
        assert row.high is not None
        assert 0 <= row.low <= row.high <= 1
        rate = Fraction(row.converted, row.decided)
        assert row.low <= rate <= row.high


@settings(max_examples=25)
@given(histories())
def test_event_log_and_records_give_the_same_rates(records: list[tuple[int, str]]) -> None:
    events = History.from_records(
        as_events(records), id="id", stage="stage", at="at", stages=STAGES, lost="lost"
    )
    assert events.rates().rows == read(records).rates().rows
