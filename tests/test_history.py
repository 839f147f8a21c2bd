"""History on the shipped example export, checked against independent pandas.

Every number History gives on ``examples/crm`` is recomputed here with plain
pandas (no salesmath code) from the CSV files: conversion counts, open
records, deal size, days between stages, per-rep counts and bookings,
Kaplan–Meier cycle quartiles (a product-limit estimate written out by hand),
per-period pipeline.  The 90% intervals are checked against the generator's
true rates (``examples/crm/truth.json``).
"""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import salesmath as sm
from salesmath.history import History
from salesmath.numbers import Observed

CRM = Path(__file__).resolve().parents[1] / "examples" / "crm"
STAGES = ["discovery", "demo", "proposal", "won"]
KEYWORDS = {
    "stages": STAGES,
    "outcome": "status",
    "won": "Closed Won",
    "lost": "Closed Lost",
    "reached": {"demo": "demo_date", "proposal": "proposal_date"},
    "id": "opportunity_id",
    "rep": "rep",
    "amount": "amount",
    "created": "created",
    "closed": "closed",
    "attributes": ["manager", "office", "product"],
}
DATES = ["created", "demo_date", "proposal_date", "closed"]


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.read_csv(CRM / "opportunities.csv")
    for column in DATES:
        frame[column] = pd.to_datetime(frame[column])
    frame["depth"] = np.select(
        [
            frame["status"] == "Closed Won",
            frame["proposal_date"].notna(),
            frame["demo_date"].notna(),
        ],
        [3, 2, 1],
        0,
    )
    frame["is_open"] = ~frame["status"].isin(["Closed Won", "Closed Lost"])
    return frame


@pytest.fixture(scope="module")
def history() -> History:
    return History.from_csv(CRM / "opportunities.csv", **KEYWORDS)


@pytest.fixture(scope="module")
def truth() -> dict[str, object]:
    return json.loads((CRM / "truth.json").read_text())


def pandas_counts(frame: pd.DataFrame) -> list[tuple[int, int, int]]:
    """(converted, decided, open) per conversion, open records left out."""
    counts = []
    for i in range(len(STAGES) - 1):
        converted = int((frame["depth"] >= i + 1).sum())
        still = int(((frame["depth"] == i) & frame["is_open"]).sum())
        decided = int((frame["depth"] >= i).sum()) - still
        counts.append((converted, decided, still))
    return counts


# -- every number against pandas ------------------------------------------------------


def test_rates_equal_pandas_counts(history: History, raw: pd.DataFrame) -> None:
    rates = history.rates()
    expected = pandas_counts(raw)
    assert [(r.converted, r.decided, r.open) for r in rates.rows] == expected
    assert rates.records == len(raw)
    assert history.open == int(raw["is_open"].sum())
    assert history.won == int((raw["status"] == "Closed Won").sum())


def test_open_as_lost_counts_every_record_that_reached_the_stage(
    history: History, raw: pd.DataFrame
) -> None:
    rates = history.rates(open="lost")
    for i, row in enumerate(rates.rows):
        assert row.decided == int((raw["depth"] >= i).sum())


def test_funnel_equals_pandas(history: History, raw: pd.DataFrame) -> None:
    funnel = history.funnel()
    counts = pandas_counts(raw)
    assert funnel.observed == tuple(Observed(k, n) for k, n, _ in counts)
    assert funnel.rates == tuple(Fraction(k, n) for k, n, _ in counts)
    won = raw[raw["status"] == "Closed Won"]
    assert float(funnel.deal_size) == pytest.approx(round(won["amount"].mean(), 2), abs=0.005)
    # days: median days between consecutive stages' dates, among records with both
    upper = ["created", "demo_date", "proposal_date"]
    lower = ["demo_date", "proposal_date", "closed"]
    for i, (a, b) in enumerate(zip(upper, lower, strict=True)):
        subset = won if b == "closed" else raw
        days = (subset[b] - subset[a]).dt.days.dropna()
        assert funnel.days is not None
        assert float(funnel.days[i]) == days.median()


def test_funnel_by_office_equals_pandas(history: History, raw: pd.DataFrame) -> None:
    funnels = history.funnel(by="office")
    assert sorted(funnels) == sorted(raw["office"].unique())
    for office, funnel in funnels.items():
        part = raw[raw["office"] == office]
        assert funnel.observed == tuple(Observed(k, n) for k, n, _ in pandas_counts(part))


def test_team_equals_pandas(history: History, raw: pd.DataFrame) -> None:
    roster = pd.read_csv(CRM / "roster.csv")
    team = history.team(roster=roster, segment="office")
    assert set(team.names) == set(roster["rep"])
    for rep in team.reps:
        mine = raw[raw["rep"] == rep.rep]
        assert rep.counts == {s: int((mine["depth"] >= i).sum()) for i, s in enumerate(STAGES)}
        won = mine[mine["status"] == "Closed Won"]
        assert rep.bookings == int(won["amount"].sum())
        if len(won):
            days = (won["closed"] - won["created"]).dt.days
            assert rep.cycle_days == Fraction(int(days.sum()), len(days))
        else:
            assert rep.cycle_days is None
        office = roster.loc[roster["rep"] == rep.rep, "office"].item()
        assert rep.segment == office
        assert rep.quota == 600_000


def test_roster_reps_without_records_appear_with_zeros(history: History) -> None:
    team = history.team(roster=pd.read_csv(CRM / "roster.csv"))
    for name in ("Sage Dubois", "Taylor Okafor"):
        assert team[name].counts == dict.fromkeys(STAGES, 0)
        assert team[name].bookings == 0


def kaplan_meier_quartiles(days: pd.Series, event: pd.Series) -> list[int | None]:
    """The product-limit estimate, by hand: events before censorings at a tie."""
    table = pd.DataFrame({"t": days, "e": event.astype(int)})
    at_risk = len(table)
    survival = 1.0
    found: list[int | None] = [None, None, None]
    for t, group in table.groupby("t", sort=True):
        deaths = int(group["e"].sum())
        if deaths:
            survival *= 1 - deaths / at_risk
        for j, q in enumerate((0.25, 0.5, 0.75)):
            if found[j] is None and 1 - survival >= q - 1e-12:
                found[j] = int(t)
        at_risk -= len(group)
    return found


def test_cycle_days_equal_hand_written_kaplan_meier(history: History, raw: pd.DataFrame) -> None:
    result = history.cycle_days(by="office")
    as_of = pd.Timestamp("2026-06-30")
    assert result.as_of.isoformat() == "2026-06-30"
    for row in result.rows:
        part = raw[(raw["office"] == row.group) & (raw["status"] != "Closed Lost")]
        won = part["status"] == "Closed Won"
        days = np.where(won, (part["closed"] - part["created"]).dt.days, 0)
        days = np.where(won, days, (as_of - part["created"]).dt.days)
        assert [row.q1, row.median, row.q3] == kaplan_meier_quartiles(
            pd.Series(days), pd.Series(won.to_numpy())
        )
        assert row.won == int(won.sum())
        assert row.open == int((~won).sum())


def test_pipeline_per_month_equals_pandas(history: History, raw: pd.DataFrame) -> None:
    pipeline = history.pipeline("M")
    frame = raw.assign(month=raw["created"].dt.strftime("%Y-%m"))
    grouped = frame.groupby("month")
    assert [row.period for row in pipeline.rows] == sorted(frame["month"].unique())
    for row in pipeline.rows:
        part = grouped.get_group(row.period)
        assert row.created == len(part)
        assert row.value == part["amount"].sum()
        assert row.won == int((part["status"] == "Closed Won").sum())
        assert row.lost == int((part["status"] == "Closed Lost").sum())
        assert row.open == int(part["is_open"].sum())
        assert row.bookings == part.loc[part["status"] == "Closed Won", "amount"].sum()


def test_pipeline_weeks_start_on_monday_and_fill_empty_weeks(history: History) -> None:
    pipeline = history.pipeline("W")
    starts = [row.start for row in pipeline.rows]
    assert all(day.weekday() == 0 for day in starts)
    assert all((b - a).days == 7 for a, b in itertools.pairwise(starts))


def test_pipeline_against_a_pace(history: History) -> None:
    funnel = history.funnel()
    pace = funnel.plan(3_000_000).pace(3, unit="month")
    pipeline = history.pipeline("M", pace=pace, start="2026-04-01")
    targets = {row.period: row.target for row in pipeline.rows if row.target is not None}
    assert list(targets) == ["2026-04", "2026-05", "2026-06"]
    assert list(targets.values()) == [t["discovery"] for t in pace.targets]
    assert "vs target" in str(pipeline)


def test_deal_sizes_are_the_won_amounts(history: History, raw: pd.DataFrame) -> None:
    sizes = history.deal_sizes()
    expected = np.sort(raw.loc[raw["status"] == "Closed Won", "amount"].to_numpy(float))
    np.testing.assert_array_equal(sizes, expected)
    simulation = history.funnel().simulate(500, draws=200, seed=1, deal_sizes=sizes)
    assert simulation.bookings.shape == (200,)


# -- the generator's truth --------------------------------------------------------


def test_intervals_cover_the_true_rates_and_open_as_lost_does_not(
    history: History, truth: dict[str, object]
) -> None:
    # examples/crm/generate.py: pooled true rate of each conversion, given each
    # rep's volume and rates.  A 90% interval misses now and then; on this seed
    # all three cover (one seed in about eight misses one).
    pooled = truth["pooled"]
    assert isinstance(pooled, list)
    right = history.rates()
    naive = history.rates(open="lost")
    for fair, biased, true in zip(right.rows, naive.rows, pooled, strict=True):
        assert fair.low is not None
        assert fair.high is not None
        assert fair.low <= true <= fair.high, fair
        assert biased.high is not None
        assert biased.high < true, biased  # open deals counted as lost: biased low


# -- engines -----------------------------------------------------------------------


_DUCKDB: dict[str, object] = {}  # one connection: DuckDB joins only within one


def _engines(raw: pd.DataFrame) -> dict[str, object]:
    import dask.dataframe as dd
    import duckdb
    import polars as pl
    import pyarrow as pa

    frame = raw.drop(columns=["depth", "is_open"], errors="ignore")
    polars = pl.from_pandas(frame)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    relation = _DUCKDB.setdefault("connection", duckdb.connect()).from_arrow(table)
    return {
        "pandas": frame,
        "polars": polars,
        "polars-lazy": polars.lazy(),
        "pyarrow": table,
        "duckdb": relation,
        "dask": dd.from_pandas(frame, npartitions=1),
    }


def _results(history: History) -> dict[str, object]:
    return {
        "repr": repr(history),
        "funnel": history.funnel().model_dump(),
        "by": {k: v.model_dump() for k, v in history.funnel(by="manager").items()},
        "rates": history.rates(by="product").model_dump(),
        "team": history.team().model_dump(),
        "cycle": history.cycle_days().model_dump(),
        "pipeline": history.pipeline("Q", by="office").model_dump(),
        "sizes": history.deal_sizes().tolist(),
        "as_of": history.funnel(as_of="2026-01-31").model_dump(),
    }


ENGINES = ["pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "dask"]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_gives_the_same_results(
    engine: str, history: History, raw: pd.DataFrame
) -> None:
    expected = _results(history)
    got = _results(History.from_frame(_engines(raw)[engine], **KEYWORDS))
    for key, value in expected.items():
        assert got[key] == value, key


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_reads_the_event_log_the_same(engine: str, history: History) -> None:
    events = pd.read_csv(CRM / "events.csv")
    events["at"] = pd.to_datetime(events["at"])
    records = pd.read_csv(CRM / "opportunities.csv").drop(columns=DATES)
    built = History.from_events(
        _engines(events)[engine],
        id="opportunity_id",
        stage="stage",
        at="at",
        stages=STAGES,
        lost="lost",
        records=_engines(records)[engine] if engine != "polars" else records,  # mixed engines too
        rep="rep",
        amount="amount",
        attributes=["office"],
    )
    assert built.funnel() == history.funnel()
    assert built.team() == history.team()
    assert built.pipeline("M", by="office") == history.pipeline("M", by="office")


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_reads_an_event_log_without_records_the_same(
    engine: str, history: History
) -> None:
    # rep, amount and office ride on the events (each id's largest value), so polars
    # takes its own path: stages read into codes, unknown values found in the group-by
    events = pd.read_csv(CRM / "events.csv")
    events["at"] = pd.to_datetime(events["at"])
    records = pd.read_csv(CRM / "opportunities.csv")[["opportunity_id", "rep", "amount", "office"]]
    events = events.merge(records, on="opportunity_id", how="left")
    built = History.from_events(
        _engines(events)[engine],
        id="opportunity_id",
        stage="stage",
        at="at",
        stages=STAGES,
        lost="lost",
        rep="rep",
        amount="amount",
        attributes=["office"],
    )
    assert repr(built) == repr(history)
    assert built.funnel() == history.funnel()
    assert built.rates(by="office") == history.rates(by="office")
    assert built.team() == history.team()
    assert built.cycle_days() == history.cycle_days()
    assert built.pipeline("M", by="office") == history.pipeline("M", by="office")


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize(
    ("stage", "listed"),
    [("Demo", r"'Demo' \(2 events\)"), (None, r"None \(2 events\)")],
)
def test_polars_event_log_names_a_stage_value_neither_a_stage_nor_lost(
    lazy: bool, stage: str | None, listed: str
) -> None:
    import polars as pl

    events = pl.DataFrame(
        {
            "id": [1, 1, 2, 2, 3],
            "stage": ["opp", stage, "opp", stage, "lost"],
            "at": ["2026-01-01", "2026-01-03", "2026-01-02", "2026-01-05", "2026-01-02"],
            "rep": ["ana", "ana", "bo", "bo", "bo"],
        }
    )
    with pytest.raises(sm.InvalidInputError, match=rf"neither a stage nor lost: {listed}; "):
        History.from_events(
            events.lazy() if lazy else events,
            id="id",
            stage="stage",
            at="at",
            stages=["opp", "demo", "won"],
            lost="lost",
            rep="rep",
        )


def test_polars_lazy_frame_is_aggregated_lazily(raw: pd.DataFrame, monkeypatch) -> None:
    import polars as pl

    collected: list[int] = []
    columns: set[str] = set()
    original = pl.LazyFrame.collect

    def spy(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        collected.append(result.height)
        columns.update(result.columns)
        return result

    lazy = pl.from_pandas(raw.drop(columns=["depth", "is_open"])).lazy()
    monkeypatch.setattr(pl.LazyFrame, "collect", spy)
    history = History.from_frame(lazy, **KEYWORDS)
    history.funnel(by="office")
    history.rates(by="rep")
    history.team()
    history.cycle_days()
    history.pipeline("M")
    assert collected, "nothing was collected through polars"
    # 2,956 records in; only aggregate tables back (counts per group, stage, outcome,
    # or per distinct number of days), never a record's id, amount or date
    assert max(collected) < len(raw) / 4
    assert not columns & {"opportunity_id", "amount", "created", "__sm_id", "__sm_amount"}


# -- event logs --------------------------------------------------------------------


def test_event_log_gives_the_same_funnel_and_team(history: History) -> None:
    import polars as pl

    records = pl.read_csv(CRM / "opportunities.csv")
    events = History.from_csv(
        CRM / "events.csv",
        id="opportunity_id",
        stage="stage",
        at="at",
        stages=STAGES,
        lost="lost",
        records=records,
        rep="rep",
        amount="amount",
        attributes=["office"],
    )
    assert repr(events) == repr(history)
    assert events.funnel() == history.funnel()
    assert events.rates(by="office") == history.rates(by="office")
    assert events.team() == history.team()
    assert events.cycle_days() == history.cycle_days()


def test_event_log_with_records_as_csv_path(history: History) -> None:
    events = History.from_csv(
        CRM / "events.csv",
        id="opportunity_id",
        stage="stage",
        at="at",
        stages=STAGES,
        lost="lost",
        records=CRM / "opportunities.csv",
        rep="rep",
        amount="amount",
    )
    assert events.funnel() == history.funnel()


# -- downstream --------------------------------------------------------------------


def test_compare_thirds_and_capacity_run_on_the_team(history: History) -> None:
    team = history.team(roster=pd.read_csv(CRM / "roster.csv"), segment="office")
    sellers = team.without(["Sage Dubois", "Taylor Okafor"])
    comparison = sm.compare_thirds(sellers)
    assert comparison.levers(2)
    boston = team.select(segment="Boston")
    assert len(boston) == 10
    assert sm.compare_thirds(boston).levers(1)
    report = sm.assess_capacity(sellers, history.funnel(), quota=600_000)
    assert report.ready_to_hire is False


def test_funnel_as_of_is_the_history_as_it_stood(history: History, raw: pd.DataFrame) -> None:
    day = pd.Timestamp("2026-01-31")
    then = raw[raw["created"] <= day].copy()

    def by(column: str) -> pd.Series:
        return then[column].notna() & (then[column] <= day)

    won = (then["status"] == "Closed Won") & by("closed")
    lost = (then["status"] == "Closed Lost") & by("closed")
    then["depth"] = np.select([won, by("proposal_date"), by("demo_date")], [3, 2, 1], 0)
    then["is_open"] = ~(won | lost)
    funnel = history.funnel(as_of="2026-01-31")
    assert funnel.observed == tuple(Observed(k, n) for k, n, _ in pandas_counts(then))


def test_results_have_no_nan_in_text_or_json(history: History) -> None:
    few = History.from_records(
        [{"s": "open", "c": "2026-01-01", "b": None}, {"s": "won", "v": 10, "c": "2026-01-02"}],
        stages=["a", "b", "won"],
        outcome="s",
        won="won",
        lost="lost",
        reached={"b": "b"},
        amount="v",
        created="c",
    )
    results = [history.rates(by="office"), few.rates(), history.cycle_days(), few.pipeline("W")]
    for result in results:
        text = (str(result) + result.summary() + result.model_dump_json()).lower()
        assert "nan" not in text
        assert "inf" not in text
    assert few.rates().rows[0].rate == 1
    assert few.rates().rows[1].decided == 1
    assert few.rates().rows[0].low is not None


def test_rates_to_frame_is_numeric(history: History) -> None:
    frame = history.rates().to_frame()
    assert list(frame.index) == ["discovery_to_demo", "demo_to_proposal", "proposal_to_won"]
    assert frame["converted"].dtype.kind == "i"
    assert frame["90% low"].dtype.kind == "f"
    assert math.isclose(frame.loc["proposal_to_won", "rate"], 291 / 667)


def test_team_over_a_period_counts_the_records_created_in_it(
    history: History, raw: pd.DataFrame
) -> None:
    team = history.team(period=("2025-07-01", "2025-12-31"))
    part = raw[(raw["created"] >= "2025-07-01") & (raw["created"] <= "2025-12-31")]
    for rep in team.reps:
        mine = part[part["rep"] == rep.rep]
        assert rep.counts == {s: int((mine["depth"] >= i).sum()) for i, s in enumerate(STAGES)}
        assert rep.bookings == int(mine.loc[mine["status"] == "Closed Won", "amount"].sum())


def test_the_committed_export_is_what_the_seeded_generator_writes(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("crm_generate", CRM / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("opportunities.csv", "events.csv", "roster.csv", "truth.json"):
        assert (tmp_path / name).read_bytes() == (CRM / name).read_bytes(), name
