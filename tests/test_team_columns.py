"""Columnar teams: Team.from_arrays, the columnar Team.from_frame, and models built on demand.

The reference for every columnar read is the row-by-row reader it replaces
(``Team.from_records`` / ``read_frame`` then one ``RepStats`` per row): the
same team when the rows read, the same message when one does not.
"""

from __future__ import annotations

import math
import pickle
import re
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmath import RepStats, Team
from salesmath._core import INT64_SAFE
from salesmath._teamdata import MAX_DENOMINATOR_BITS, ExactColumn, whole_array
from salesmath.errors import InvalidInputError, LimitError, UnknownRepError
from salesmath.io import read_csv, read_frame
from salesmath.team import SHOWN_REPS

STAGES = ["demos", "won"]


def by_rows(frame: Any, stages: list[str] | None = None) -> Team:
    """The row-by-row reader: one RepStats per row (what from_frame did before)."""
    names = None if stages is None else Team._stage_names(stages)
    return Team._from_rows(read_frame(frame), names)


def outcome(build: Any) -> Any:
    """The team built, or the message of the error raised."""
    try:
        return build()
    except InvalidInputError as exc:
        return (type(exc).__name__, str(exc))


# -- what a rep's row may hold, tricky values included ---------------------------------

names = st.one_of(
    st.text(alphabet="abcXYZ019 _-", min_size=1, max_size=6),
    st.sampled_from(["  ana ", "bo\u200b", "Zoë", "e\u0301", "", " ", "x" * 201]),
    st.integers(0, 50),
)
counts = st.one_of(
    st.integers(0, 10**6),
    st.sampled_from([2**62, 10**18, -1, 3.0, 2.5, math.nan, None, "12", "1,200", "x", True]),
)
amounts = st.one_of(
    st.integers(0, 10**9),
    st.floats(0, 1e9, allow_nan=False).map(lambda x: round(x, 2)),
    st.sampled_from([0.1, 7033.67, 1e-7, 123456789.123, -5.0, math.nan, "1,200.50", "1/3", "x"]),
)
optional = st.one_of(st.none(), amounts)
texts = st.one_of(st.none(), st.sampled_from(["AE", " SDR ", "", "ent", 7.0, math.nan]))


@st.composite
def rows(draw: Any, *, clean: bool) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 8))
    if clean:
        reps = draw(
            st.lists(st.text("abcdef", min_size=1, max_size=4), min_size=n, max_size=n, unique=True)
        )
        count = st.integers(0, 10**6)
        amount = st.one_of(
            st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False).map(lambda x: round(x, 2))
        )
        maybe = st.one_of(st.none(), amount.filter(lambda v: v > 0))
        text = st.one_of(st.none(), st.sampled_from(["AE", "ent"]))
    else:
        reps = draw(st.lists(names, min_size=n, max_size=n))
        count, amount, maybe, text = counts, amounts, optional, texts
    out = []
    for rep in reps:
        row = {"rep": rep, "demos": draw(count), "won": draw(count), "bookings": draw(amount)}
        for column, values in (
            ("quota", maybe),
            ("cycle_days", maybe),
            ("role", text),
            ("segment", text),
        ):
            row[column] = draw(values)
        out.append(row)
    return out


def frame_of(records: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(records)


@settings(max_examples=150, deadline=None)
@given(rows(clean=False))
def test_from_frame_reads_every_row_as_the_row_by_row_reader(records: list[dict[str, Any]]) -> None:
    frame = frame_of(records)
    expected = outcome(lambda: by_rows(frame, STAGES))
    assert outcome(lambda: Team.from_frame(frame, stages=STAGES)) == expected


@settings(max_examples=100, deadline=None)
@given(rows(clean=True))
def test_from_arrays_equals_from_records(records: list[dict[str, Any]]) -> None:
    expected = Team.from_records(records, stages=STAGES)
    column = {key: [r[key] for r in records] for key in records[0]}
    team = Team.from_arrays(
        rep=np.array(column["rep"], dtype=object),
        counts={"demos": np.array(column["demos"]), "won": np.array(column["won"])},
        bookings=np.array(column["bookings"], dtype=float),
        quota=np.array([math.nan if v is None else v for v in column["quota"]], dtype=float),
        cycle_days=column["cycle_days"],
        role=column["role"],
        segment=column["segment"],
    )
    assert team == expected
    assert team.reps == expected.reps  # the models built on demand are the validated ones
    assert team.model_dump_json() == expected.model_dump_json()


@settings(max_examples=60, deadline=None)
@given(rows(clean=False))
def test_from_arrays_refuses_what_from_records_refuses(records: list[dict[str, Any]]) -> None:
    column = {key: [r[key] for r in records] for key in records[0]}
    expected = outcome(lambda: Team.from_records(records, stages=STAGES))
    got = outcome(
        lambda: Team.from_arrays(
            rep=column["rep"],
            counts={"demos": column["demos"], "won": column["won"]},
            bookings=column["bookings"],
            quota=column["quota"],
            cycle_days=column["cycle_days"],
            role=column["role"],
            segment=column["segment"],
        )
    )
    if isinstance(expected, Team):
        assert got == expected
    else:  # the same message, rows counted from 0 here and from 1 in records
        assert isinstance(got, tuple)
        kind, message = expected
        assert got[0] == kind
        assert got[1] == re.sub(r"\brow (\d+)", lambda m: f"row {int(m[1]) - 1}", message)


cells = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "12",
            "007",
            "1,200",
            "12.0",
            "2.5",
            "-5",
            "1e3",
            ".5",
            "1.",
            "1..2",
            ".",
            "x",
            "1234.56",
            "999999999999999",
            "1000000000000000000000",
            "0.1000000000000000055511151231257827",
            "٣",
            "1_000",
            " 12 ",
        ]
    ),
    st.integers(0, 10**6).map(str),
    st.floats(0, 1e9, allow_nan=False).map(lambda x: f"{round(x, 2)}"),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["ana", "bo", " cy", "", "dé"]), cells, cells, cells, cells),
        min_size=1,
        max_size=6,
    )
)
def test_from_csv_reads_every_line_as_the_row_by_row_reader(tmp_path_factory, lines) -> None:
    import csv

    path = tmp_path_factory.mktemp("csv") / "team.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["rep", "demos", "won", "bookings", "quota"])
        writer.writerows(lines)
    expected = outcome(lambda: Team._from_rows(read_csv(path), Team._stage_names(STAGES)))
    assert outcome(lambda: Team.from_csv(path, stages=STAGES)) == expected


# -- engines -------------------------------------------------------------------------------

RECORDS = [
    {
        "rep": "ana",
        "activities": 900,
        "demos": 24,
        "won": 11,
        "bookings": 1_760_000.5,
        "quota": 1_500_000.0,
        "role": "AE",
    },
    {
        "rep": "bo",
        "activities": 800,
        "demos": 24,
        "won": 6,
        "bookings": 420_000.0,
        "quota": None,
        "role": None,
    },
    {
        "rep": "cy",
        "activities": 1000,
        "demos": 30,
        "won": 0,
        "bookings": 0.0,
        "quota": 1_000_000.0,
        "role": "AE",
    },
]


def engines() -> list[tuple[str, Any]]:
    frame = pd.DataFrame(RECORDS)
    out: list[tuple[str, Any]] = [("pandas", frame)]
    polars = pytest.importorskip("polars")
    out.append(("polars", polars.DataFrame(RECORDS)))
    out.append(("polars lazy", polars.DataFrame(RECORDS).lazy()))
    pyarrow = pytest.importorskip("pyarrow")
    out.append(("pyarrow", pyarrow.Table.from_pylist(RECORDS)))
    duckdb = pytest.importorskip("duckdb")
    out.append(("duckdb", duckdb.from_arrow(pyarrow.Table.from_pylist(RECORDS))))
    dask = pytest.importorskip("dask.dataframe")
    out.append(("dask", dask.from_pandas(frame, npartitions=2)))
    return out


@pytest.mark.parametrize("name", ["pandas", "polars", "polars lazy", "pyarrow", "duckdb", "dask"])
def test_every_engine_reads_the_same_team(name: str) -> None:
    frame = dict(engines())[name]
    team = Team.from_frame(frame)
    assert team == Team.from_records(RECORDS)
    assert team.stages == ("activities", "demos", "won")
    assert team["bo"].quota is None
    assert team["ana"].bookings == Fraction(3_520_001, 2)


def test_a_pandas_index_named_rep_is_the_rep_column() -> None:
    team = Team.from_records(RECORDS)
    assert Team.from_frame(team.to_frame()) == team


def test_a_bad_row_of_a_pandas_frame_is_named_by_its_label() -> None:
    frame = pd.DataFrame(RECORDS, index=[10, 11, 12])
    frame.loc[12, "won"] = -3
    with pytest.raises(InvalidInputError, match=r"^row 12: counts: count of 'won' for rep 'cy'"):
        Team.from_frame(frame)


# -- models on demand ----------------------------------------------------------------------


def big_team(n: int = 1000) -> Team:
    rng = np.random.default_rng(7)
    return Team.from_arrays(
        rep=[f"rep{i:05d}" for i in range(n)],
        counts={"demos": rng.integers(0, 50, n), "won": rng.integers(0, 20, n)},
        bookings=np.round(rng.uniform(0, 1e6, n), 2),
        quota=500_000,
    )


def test_a_columnar_team_builds_no_model_until_asked() -> None:
    team = big_team()
    assert "reps" not in team.__dict__
    assert len(team) == 1000
    assert "rep00007" in team
    assert team.names[0] == "rep00000"
    one = team["rep00007"]
    assert "reps" not in team.__dict__
    assert isinstance(one, RepStats)
    assert one.quota == 500_000
    assert team.reps[7] == one
    assert "reps" in team.__dict__


def test_a_columnar_team_round_trips_json_and_pickle() -> None:
    team = big_team(50)
    again = Team.model_validate_json(team.model_dump_json())
    assert again == team
    assert again.reps == team.reps
    assert pickle.loads(pickle.dumps(team)) == team
    assert team.model_copy() == team


def test_a_team_is_written_as_it_is_read() -> None:
    schema = Team.model_json_schema(mode="serialization")
    assert schema == Team.model_json_schema()
    assert schema["required"] == ["stages", "reps"]


def test_teams_compare_by_their_reps() -> None:
    team = big_team(10)
    assert team == Team(stages=team.stages, reps=team.reps)
    assert team != team.without("rep00003")
    assert team != "a team"
    with pytest.raises(TypeError):
        hash(team)


def test_without_select_and_without_deal_equal_the_model_results() -> None:
    records = [
        {
            "rep": f"r{i}",
            "demos": 10 + i,
            "won": i % 4,
            "bookings": 1000 * (i % 4) + 0.5,
            "role": "AE" if i % 2 else "SDR",
            "segment": "ent" if i % 3 else None,
        }
        for i in range(12)
    ]
    columnar = Team.from_arrays(
        rep=[r["rep"] for r in records],
        counts={s: [r[s] for r in records] for s in STAGES},
        bookings=[r["bookings"] for r in records],
        role=[r["role"] for r in records],
        segment=[r["segment"] for r in records],
    )
    models = Team.from_records(records, stages=STAGES)
    assert columnar.without(["r1", "r5"]).reps == models.without(["r1", "r5"]).reps
    assert columnar.select(role="AE", segment="ent").names == tuple(
        r.rep for r in models.reps if r.role == "AE" and r.segment == "ent"
    )
    changed = columnar.without_deal("r3", 1000, stages=["demos"])
    assert changed["r3"] == RepStats(
        rep="r3", counts={"demos": 12, "won": 2}, bookings=2000.5, role="AE"
    )
    assert changed["r2"] == models["r2"]
    for metric in models.metric_names:
        assert columnar.values(metric) == models.values(metric)
    assert columnar.total() == models.total()
    assert columnar.summary() == models.summary()


def test_an_unknown_rep_is_a_key_error_on_a_columnar_team() -> None:
    with pytest.raises(UnknownRepError):
        big_team(5)["nobody"]


# -- reading, shown and written --------------------------------------------------------------


def test_a_large_team_prints_its_first_and_last_reps() -> None:
    text = str(big_team(SHOWN_REPS + 1))
    lines = text.splitlines()
    assert lines[0] == f"Team of {SHOWN_REPS + 1} reps"
    assert lines[3].startswith("rep00000")
    assert lines[-2].startswith(f"rep{SHOWN_REPS:05d}")
    assert sum(line.startswith("rep") and not line.startswith("rep ") for line in lines) == (
        SHOWN_REPS
    )
    assert any(line.startswith("…") for line in lines)
    assert lines[-1] == (
        f"Showing the first and last {SHOWN_REPS // 2} of {SHOWN_REPS + 1} reps; "
        "to_frame() has them all."
    )
    assert "…" not in str(big_team(SHOWN_REPS))


def test_to_frame_has_every_rep_as_numbers() -> None:
    team = big_team(SHOWN_REPS * 3)
    frame = team.to_frame()
    assert len(frame) == SHOWN_REPS * 3
    assert frame.index.name == "rep"
    assert frame["demos"].dtype == np.int64
    assert frame["quota"].dtype == np.int64
    assert frame["bookings"].dtype == np.float64
    assert frame.loc["rep00005", "bookings"] == float(team["rep00005"].bookings)


def test_huge_counts_are_python_ints_and_stay_exact() -> None:
    big = 10**18
    team = Team.from_arrays(
        rep=["a", "b", "c"], counts={"demos": [big] * 3, "won": [big] * 3}, bookings=[big, big, 1]
    )
    assert team._data.counts.dtype == object
    assert team.total().counts == {"demos": 3 * big, "won": 3 * big}
    assert team.total().bookings == 2 * big + 1


def test_whole_array_is_int64_only_when_no_sum_overflows() -> None:
    assert whole_array(np.array([INT64_SAFE // 4] * 3)).dtype == np.int64
    assert whole_array(np.array([INT64_SAFE // 2] * 3)).dtype == object
    assert whole_array([]).dtype == np.int64


def test_exact_columns_keep_fractions_exact() -> None:
    column = ExactColumn.of([Fraction(1, 3), None, Fraction(1, 7)])
    assert column.denominator == 21
    assert column.sum() == Fraction(10, 21)
    assert column.floats()[1] != column.floats()[1]  # NaN, for statistics only
    assert column.equals(ExactColumn.of([Fraction(2, 6), None, Fraction(3, 21)]))
    assert not column.equals(ExactColumn.of([Fraction(1, 3), 0, Fraction(1, 7)]))


def test_too_many_different_fractions_is_a_limit_error() -> None:
    primes = [p for p in range(3, 40_000) if all(p % d for d in range(2, int(p**0.5) + 1))]
    with pytest.raises(LimitError, match=f"{MAX_DENOMINATOR_BITS} bits"):
        Team.from_arrays(
            rep=[str(p) for p in primes],
            counts={"d": [1] * len(primes), "w": [1] * len(primes)},
            bookings=[f"1/{p}" for p in primes],
        )


# -- bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counts": [1, 2]}, "counts must be a mapping of stage name to an array of counts"),
        ({"counts": {"demos": [1, 2]}}, "stages must have at least 2"),
        (
            {"counts": {"demos": [1], "won": [0, 1]}},
            r"counts\['demos'\] has 1 values but rep has 2",
        ),
        ({"bookings": [1]}, "bookings has 1 values but rep has 2; give one value per rep"),
        ({"quota": [1, 2, 3]}, "quota has 3 values but rep has 2"),
        ({"rep": []}, "rep must name at least one rep"),
        ({"rep": np.array([["a"], ["b"]])}, "rep must be one-dimensional"),
        ({"counts": {"rep": [1, 2], "won": [0, 1]}}, "rep"),
        ({"quota": 0}, "row 0: quota: quota of rep 'ana' must be"),
        ({"bookings": np.array([1.0, np.inf])}, "row 1: bookings: bookings of rep 'bo'"),
        ({"counts": {"demos": [1, 2.5], "won": [0, 1]}}, "row 1: counts: count of 'demos'"),
        ({"counts": {"demos": np.array([True, False]), "won": [0, 1]}}, "row 0: counts"),
        ({"rep": ["ana", " ana"]}, "row 1: rep 'ana' appears twice"),
    ],
)
def test_from_arrays_refuses_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "rep": ["ana", "bo"],
        "counts": {"demos": [3, 4], "won": [1, 0]},
        "bookings": [100, 0],
    }
    arguments.update(kwargs)
    with pytest.raises(InvalidInputError, match=message):
        Team.from_arrays(**arguments)


def test_from_frame_refuses_what_is_not_a_frame() -> None:
    with pytest.raises(InvalidInputError, match=r"for a list of rows use Team\.from_records"):
        Team.from_frame([{"rep": "a"}])
    with pytest.raises(InvalidInputError, match="the frame has no rows"):
        Team.from_frame(
            pd.DataFrame({"rep": [], "demos": [], "won": [], "bookings": []}), stages=STAGES
        )


def test_renamed_keeps_every_count_under_the_new_names() -> None:
    team = big_team(30)
    renamed = team.renamed(["SQL", "Closed Won"])
    assert renamed.stages == ("SQL", "Closed Won")
    assert renamed.values("SQL") == team.values("demos")
    assert renamed["rep00003"].counts == dict(
        zip(("SQL", "Closed Won"), team["rep00003"].counts.values(), strict=True)
    )
    assert Team.model_validate_json(renamed.model_dump_json()) == renamed
    with pytest.raises(InvalidInputError, match="must name the team's 2 stages"):
        team.renamed(["a", "b", "c"])
    with pytest.raises(InvalidInputError, match="unique"):
        team.renamed(["a", "a"])
