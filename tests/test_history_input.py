"""Bad input to History: each a clear error or a warning naming what and where."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from salesmath.errors import DataWarning, InvalidInputError, UnknownNameError, UnknownStageError
from salesmath.history import History

BASE = {
    "stages": ["opps", "demos", "won"],
    "outcome": "status",
    "won": "Won",
    "lost": "Lost",
    "reached": {"demos": "demo"},
}


def frame(**columns: list[object]) -> pl.DataFrame:
    data: dict[str, list[object]] = {
        "id": [1, 2, 3, 4],
        "status": ["Won", "Lost", "Open", "Lost"],
        "demo": [dt.date(2026, 1, 9), None, dt.date(2026, 2, 2), None],
        "created": [dt.date(2026, 1, 2), dt.date(2026, 1, 5), dt.date(2026, 1, 20), None],
        "closed": [dt.date(2026, 2, 1), dt.date(2026, 1, 30), None, dt.date(2026, 1, 25)],
        "amount": [900, 500, 700, 300],
        "rep": ["ana", "ana", "bo", "bo"],
    }
    data.update(columns)
    return pl.DataFrame(data)


def test_a_missing_column_is_named_with_the_columns_there_are() -> None:
    with pytest.raises(UnknownNameError) as info:
        History.from_frame(frame(), **BASE, amount="value")
    assert str(info.value).startswith("unknown column 'value'; the columns are 'id', 'status'")
    assert isinstance(info.value, KeyError)
    assert pickle.loads(pickle.dumps(info.value)) == info.value


def test_an_unknown_stage_in_reached() -> None:
    with pytest.raises(UnknownStageError, match="unknown stage 'demo'"):
        History.from_frame(frame(), **{**BASE, "reached": {"demo": "demo", "demos": "demo"}})


def test_every_middle_stage_needs_a_reached_column() -> None:
    with pytest.raises(InvalidInputError, match="reached= needs a column for 'demos'"):
        History.from_frame(frame(), **{**BASE, "reached": {}})


def test_the_last_stage_is_not_in_reached() -> None:
    with pytest.raises(InvalidInputError, match="give its date as closed="):
        History.from_frame(frame(), **{**BASE, "reached": {"demos": "demo", "won": "closed"}})


def test_duplicate_ids_are_refused_with_examples() -> None:
    with pytest.raises(InvalidInputError, match=r"1 repeated ids, e.g. 2; give one row per record"):
        History.from_frame(frame(id=[1, 2, 2, 4]), **BASE, id="id")


def test_negative_amounts_are_refused_with_ids() -> None:
    with pytest.raises(InvalidInputError, match=r"1 negative values \(ids 2\)"):
        History.from_frame(frame(amount=[900, -5, 700, 300]), **BASE, id="id", amount="amount")


def test_text_amounts_in_a_frame_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="amount column 'amount' must hold numbers"):
        History.from_frame(frame(amount=["900", "5", "7", "3"]), **BASE, amount="amount")


def test_won_without_amount_warns() -> None:
    with pytest.warns(DataWarning, match=r"1 won records have no amount \(ids 1\)"):
        history = History.from_frame(
            frame(amount=[None, 5, 7, 3]), **BASE, id="id", amount="amount"
        )
    with pytest.raises(InvalidInputError, match="no won deal has an amount"):
        history.funnel()


def test_an_outcome_that_differs_only_in_case_is_a_typo() -> None:
    with pytest.raises(InvalidInputError, match=r"outcome 'won ' \(1 records\) differs from 'Won'"):
        History.from_frame(frame(status=["Won", "Lost", "won ", "Lost"]), **BASE)


def test_open_outcomes_are_listed_in_the_summary() -> None:
    history = History.from_frame(frame(), **BASE)
    assert "outcomes read as open: 'Open' (1)" in history.summary()


def test_a_stage_date_before_created_warns_with_ids_and_can_raise_or_drop() -> None:
    bad = frame(demo=[dt.date(2025, 12, 1), None, dt.date(2026, 2, 2), None])
    keywords = {**BASE, "id": "id", "created": "created", "closed": "closed"}
    with pytest.warns(
        UserWarning, match=r"1 records have a 'demos' date before the created date \(ids 1\)"
    ):
        kept = History.from_frame(bad, **keywords)
    assert kept.records == 4
    with pytest.raises(InvalidInputError, match="bad_dates='drop'"):
        History.from_frame(bad, **keywords, bad_dates="raise")
    dropped = History.from_frame(bad, **keywords, bad_dates="drop")
    assert (dropped.records, dropped.dropped) == (3, 1)
    assert "1 records with dates out of order were dropped" in dropped.summary()


def test_text_that_is_not_a_date_in_a_date_column() -> None:
    with pytest.raises(
        InvalidInputError, match=r"created column 'created' has 1 values that are not dates"
    ):
        History.from_frame(
            frame(created=["2026-01-02", "soon", None, "2026-01-03"]), **BASE, created="created"
        )


def test_an_empty_frame() -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        History.from_frame(frame().head(0), **BASE)


def test_an_empty_frame_with_text_dates_says_it_is_empty() -> None:
    # it said "created column 'created' has 0 values that are not dates", as a CSV read
    # without date parsing holds its dates as text
    empty = frame(created=["2026-01-02", "2026-01-02", "2026-01-03", "2026-01-03"]).head(0)
    with pytest.raises(InvalidInputError, match="the records are empty"):
        History.from_frame(empty, **BASE, created="created")


def test_no_closed_deals_rates_say_so_and_funnel_refuses() -> None:
    history = History.from_frame(frame(status=["Open"] * 4), **BASE)
    rates = history.rates()
    # two open records sit at demos: they have converted from opps, nothing more is known
    assert [row.rate for row in rates.rows] == [1, None]
    assert "No record has been decided yet at demos_to_won" in rates.summary()
    assert "nan" not in str(rates).lower()
    with pytest.raises(InvalidInputError, match="no record has been decided at 'demos' yet"):
        history.funnel()


def test_nothing_converted_is_a_clear_error() -> None:
    history = History.from_frame(frame(status=["Lost"] * 4), **BASE, amount="amount")
    with pytest.raises(InvalidInputError, match="demos_to_won is 0 of 2"):
        history.funnel()


def test_a_frame_that_is_not_a_frame() -> None:
    with pytest.raises(InvalidInputError, match="must be a dataframe"):
        History.from_frame({"status": ["Won"]}, **BASE)


def test_by_an_unknown_attribute() -> None:
    history = History.from_frame(frame(), **BASE, rep="rep")
    with pytest.raises(
        UnknownNameError, match="unknown attribute 'office'; the attributes are 'rep'"
    ):
        history.rates(by="office")


def test_bad_options() -> None:
    history = History.from_frame(frame(), **BASE)
    with pytest.raises(InvalidInputError, match="open must be one of 'exclude', 'lost'"):
        history.funnel(open="drop")
    with pytest.raises(InvalidInputError, match="freq must be one of"):
        History.from_frame(frame(), **BASE, created="created").pipeline("D")
    with pytest.raises(InvalidInputError, match="team\\(\\) needs the rep column"):
        history.team()
    with pytest.raises(InvalidInputError, match="as_of needs created= and closed= dates"):
        history.funnel(as_of="2026-01-31")


def test_reps_off_the_roster_are_kept_with_a_warning() -> None:
    history = History.from_frame(frame(), **BASE, rep="rep", amount="amount")
    with pytest.warns(DataWarning, match="1 reps have records but are not on the roster"):
        team = history.team(roster=[{"rep": "ana", "quota": 1000}])
    assert team.names == ("ana", "bo")
    assert team["ana"].quota == 1000


def test_records_without_a_rep_warn() -> None:
    with pytest.warns(DataWarning, match="1 records have no rep"):
        History.from_frame(frame(rep=["ana", None, "bo", "bo"]), **BASE, rep="rep")


# -- event logs --------------------------------------------------------------------

EVENTS = {
    "id": "id",
    "stage": "stage",
    "at": "at",
    "stages": ["opp", "demo", "won"],
    "lost": "lost",
}


def test_an_event_stage_not_in_the_mapping() -> None:
    events = pl.DataFrame(
        {"id": [1, 1, 2], "stage": ["opp", "Demo", "opp"], "at": ["2026-01-01"] * 3}
    )
    with pytest.raises(InvalidInputError, match=r"neither a stage nor lost: 'Demo' \(1 events\)"):
        History.from_events(events, **EVENTS)


def test_an_event_log_whose_stages_go_backwards_warns_with_ids() -> None:
    events = pl.DataFrame(
        {
            "id": [1, 1, 1, 2, 2],
            "stage": ["opp", "demo", "won", "opp", "demo"],
            "at": ["2026-01-01", "2026-01-20", "2026-01-10", "2026-01-01", "2026-01-05"],
        }
    )
    with pytest.warns(DataWarning, match=r"'won' dated before 'demo' \(ids 1\)"):
        History.from_events(events, **EVENTS)
    with pytest.raises(InvalidInputError, match="stages going backwards"):
        History.from_events(events, **EVENTS, bad_dates="raise")


# -- files and rows ----------------------------------------------------------------


def test_csv_bad_row_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("id,status,demo,created\n1,Won,2026-01-05,2026-01-01\n2,Lost,,01/02/2026\n")
    with pytest.raises(
        InvalidInputError,
        match=r"line 3, column 'created': created must be a date as YYYY-MM-DD, got '01/02/2026'",
    ):
        History.from_csv(path, **BASE, created="created")


def test_csv_missing_file_and_ragged_rows(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="does not exist"):
        History.from_csv(tmp_path / "nope.csv", **BASE)
    path = tmp_path / "ragged.csv"
    path.write_text("id,status,demo\n1,Won\n")
    with pytest.raises(InvalidInputError, match=r"line 2 .* has 2 cells, the header has 3"):
        History.from_csv(path, **BASE)


def test_reached_flags_as_text_or_booleans() -> None:
    rows = [
        {"status": "Won", "demo": "yes"},
        {"status": "Lost", "demo": "no"},
        {"status": "Lost", "demo": ""},
        {"status": "Lost", "demo": "x"},
    ]
    history = History.from_records(rows, **BASE)
    assert [(r.converted, r.decided) for r in history.rates().rows] == [(2, 4), (1, 2)]
    flags = pd.DataFrame({"status": ["Won", "Lost", "Lost"], "demo": [True, False, None]})
    assert History.from_frame(flags, **BASE).rates().rows[0].converted == 1
