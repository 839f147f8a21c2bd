"""salesmath.io: CSV / records / frame readers, stage inference, config files."""

import ast
import json
from pathlib import Path

import pytest

from salesmath.errors import ConfigError, InvalidInputError, LimitError
from salesmath.io import (
    MAX_COLUMNS,
    MAX_CONFIG_BYTES,
    check_columns,
    infer_stages,
    is_blank,
    read_config,
    read_csv,
    read_frame,
    read_records,
    rep_fields,
)

SRC = Path(__file__).parent.parent / "src" / "salesmath"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- stage inference: never a guess (issue 11) ----------------------------------------


@pytest.mark.parametrize(
    ("columns", "stages"),
    [
        (["rep", "demos", "won", "bookings"], ("demos", "won")),
        (
            ["rep", "activities", "discos", "demos", "won", "bookings", "quota", "cycle_days"],
            ("activities", "discos", "demos", "won"),
        ),
        (["rep", "role", "MQL", "SQL", "won", "segment", "bookings"], ("MQL", "SQL", "won")),
        (["rep", "demos", "won", "bookings", "quota", "role", "segment"], ("demos", "won")),
    ],
)
def test_stages_are_inferred_when_the_layout_leaves_no_doubt(columns, stages):
    assert infer_stages(columns, source="team.csv") == stages


@pytest.mark.parametrize(
    ("columns", "named"),
    [
        # an extra numeric column after the known ones (the tenure_months case)
        (["rep", "demos", "won", "bookings", "tenure_months"], "'tenure_months' is not between"),
        # text columns a CRM export carries
        (
            ["rep", "demos", "won", "bookings", "segment", "manager", "office"],
            "'manager', 'office' are not between",
        ),
        # a typo of a known column, wherever it sits
        (["rep", "demos", "won", "bookings", "quotaa"], "'quotaa' looks like 'quota' misspelt"),
        (["rep", "quotaa", "demos", "won", "bookings"], "'quotaa' looks like 'quota' misspelt"),
        (["rep", "Segment", "demos", "won", "bookings"], "'Segment' looks like 'segment'"),
        (["rep", "cycle days", "demos", "won", "bookings"], "'cycle days' looks like 'cycle_days'"),
        # stage columns before rep or after bookings
        (["demos", "won", "rep", "bookings"], "'demos', 'won' are not between"),
        (["rep", "bookings", "demos", "won"], "'demos', 'won' are not between"),
    ],
)
def test_inference_refuses_any_doubt_and_lists_the_candidates(columns, named):
    with pytest.raises(InvalidInputError) as info:
        infer_stages(columns, source="team.csv")
    message = str(info.value)
    assert message.startswith("team.csv: cannot tell which columns are stages: ")
    assert named in message
    candidates = [c for c in columns if c not in ("rep", "bookings", "segment")]
    assert f"(the candidates are {', '.join(repr(c) for c in candidates)})" in message
    assert message.endswith(
        "name the stages, top to bottom, with stages=[...] (on the command line, --stages a,b,c)"
    )


def test_inference_needs_two_candidates_and_the_required_columns():
    with pytest.raises(InvalidInputError, match=r"team.csv needs a column per stage .*--stages"):
        infer_stages(["rep", "won", "bookings"], source="team.csv")
    with pytest.raises(InvalidInputError, match=r"team.csv is missing the column 'bookings'"):
        infer_stages(["rep", "demos", "won", "booking"], source="team.csv")


def test_common_stage_names_are_not_taken_for_typos():
    stages = [
        "activities",
        "calls",
        "touches",
        "meetings",
        "discos",
        "discovery",
        "demos",
        "proposals",
        "quotes",
        "negotiation",
        "opportunities",
        "opps",
        "leads",
        "MQLs",
        "SQLs",
        "pilots",
        "trials",
        "deals",
        "closed_won",
        "won",
        "Stage 1 Opp",
    ]
    assert infer_stages(["rep", *stages, "bookings"], source="x") == tuple(stages)


def test_missing_columns_name_a_case_slip():
    with pytest.raises(
        InvalidInputError,
        match=r"names are case-sensitive: rename 'Demos' to 'demos', 'Bookings' to 'bookings'",
    ):
        check_columns(["rep", "Demos", "won", "Bookings"], ["demos", "won"], source="x")


# -- cells and rows -------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "  ", float("nan")])
def test_blank_cells(value):
    assert is_blank(value)


def test_pandas_missing_values_are_blank():
    pd = pytest.importorskip("pandas")
    assert is_blank(pd.NA)
    assert is_blank(pd.NaT)
    assert not is_blank(0)


def test_rep_fields_keep_optional_cells_only_when_given():
    fields = rep_fields(
        {"rep": 12.0, "demos": 3, "won": 1, "bookings": 9, "quota": float("nan"), "role": " AE "},
        ["demos", "won"],
        place="row 1",
    )
    assert fields == {
        "rep": "12",
        "counts": {"demos": 3, "won": 1},
        "bookings": 9,
        "role": "AE",
    }


def test_a_blank_inferred_stage_cell_says_to_name_the_stages():
    with pytest.raises(
        InvalidInputError,
        match=r"row 1: 'won' is empty; write 0 if there were none; 'won' was taken as a stage",
    ):
        rep_fields(
            {"rep": "a", "demos": 1, "won": "", "bookings": 0},
            ["demos", "won"],
            place="row 1",
            inferred=True,
        )


def test_records_keys_are_normalised_and_merged_in_order():
    items, columns = read_records(
        [{"rep": "a", "won\u200b": 1}, {"rep": "b", "won": 2, "quota ": 5}]
    )
    assert columns == ("rep", "won", "quota")
    assert items[0] == {"rep": "a", "won": 1}


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (None, "records must be a list of rows .* got None"),
        ("rows", "records must be a list of rows .* got 'rows'"),
        ({"rep": "a"}, "records must be a list of rows .* got {'rep': 'a'}"),
        (5, "records must be a list of rows .* got 5"),
        ([], "records is empty"),
        ([{"won": 1, "won ": 2}], "row 1: two keys are one name, 'won', once spaces"),
        ([{"": 1}], "row 1: column name must be a non-empty name"),
    ],
)
def test_bad_records(records, message):
    with pytest.raises(InvalidInputError, match=message):
        read_records(records)


# -- CSV ------------------------------------------------------------------------------


def test_csv_rows_carry_their_line_numbers(tmp_path):
    path = write(tmp_path, "t.csv", "rep,won,bookings\n\nana,3,300\n\n\nbo,1,100\n")
    rows = read_csv(path)
    assert [place for place, _ in rows.rows] == [f"{path}, line 3", f"{path}, line 6"]


def test_csv_trailing_unnamed_empty_column_is_ignored(tmp_path):
    rows = read_csv(write(tmp_path, "t.csv", "rep,won,bookings,\nana,3,300,\n"))
    assert rows.columns == ("rep", "won", "bookings")


def test_csv_unnamed_column_with_values_is_refused(tmp_path):
    path = write(tmp_path, "t.csv", "rep,won,,bookings\nana,3,x,300\n")
    with pytest.raises(InvalidInputError, match=r"line 2: column 3 has no name .* holds 'x'"):
        read_csv(path)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("rep,won,won,bookings", "line 1: column 'won' appears twice"),
        ("rep,won,won ,bookings", r"line 1: columns 'won' and 'won ' are one name, 'won', once"),
        ("rep,won,won\u200b,bookings", r"line 1: columns 'won' and 'won\\u200b' are one name"),
        ("rep,won,\ufeffwon,bookings", r"line 1: columns 'won' and '\\ufeffwon' are one name"),
    ],
)
def test_csv_columns_that_are_one_name_are_refused(tmp_path, header, message):
    with pytest.raises(InvalidInputError, match=message):
        read_csv(write(tmp_path, "t.csv", f"{header}\nana,1,1,1\n"))


def test_csv_check_header_runs_before_any_row(tmp_path):
    # a config file given for a team CSV: refused for its header, not for a row's cell count
    path = write(tmp_path, "t.toml", "# a comment\nquota = 5, more\n")

    def check(columns, source):
        raise InvalidInputError(f"{source}: header {columns!r}")

    with pytest.raises(InvalidInputError, match=r"t.toml: header \('# a comment',\)"):
        read_csv(path, check_header=check)


@pytest.mark.parametrize("path", [None, 5, ["a.csv"]])
def test_csv_path_that_is_not_a_path(path):
    with pytest.raises(InvalidInputError, match="path must be a file path"):
        read_csv(path)


# -- frames ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ([{"rep": "a"}], "got a list; for a list of rows use Team.from_records"),
        ("x", "got 'x'"),
        (None, "got None"),
        ({"rep": ["a"]}, "got a dict"),
    ],
)
def test_read_frame_refuses_what_is_not_a_frame(frame, message):
    with pytest.raises(InvalidInputError, match=f"frame must be a data frame .*{message}"):
        read_frame(frame)


def test_read_frame_polars():
    pl = pytest.importorskip("polars")
    rows = read_frame(pl.DataFrame({"rep": ["a", "b"], "won ": [1, 2]}))
    assert rows.columns == ("rep", "won")
    assert rows.rows[1] == ("row 1", {"rep": "b", "won": 2})
    assert read_frame(pl.DataFrame({"rep": ["a"], "won": [1]}).lazy()).rows[0][1]["won"] == 1


def test_read_frame_empty():
    pd = pytest.importorskip("pandas")
    with pytest.raises(InvalidInputError, match="the frame has no rows"):
        read_frame(pd.DataFrame({"rep": []}))


# -- config files (moved from cli.py) ---------------------------------------------------


def test_read_config_toml_and_json(tmp_path):
    toml = write(tmp_path, "plan.toml", 'quota = 250000\n[funnel]\nstages = ["a", "b"]\n')
    assert read_config(toml, allowed=["quota", "funnel"]) == {
        "quota": 250000,
        "funnel": {"stages": ["a", "b"]},
    }
    data = {"quota": 1, "funnel": {"stages": ["a", "b"]}}
    assert read_config(write(tmp_path, "plan.json", json.dumps(data)), allowed=data) == data
    # any other suffix: TOML, then JSON
    assert read_config(write(tmp_path, "plan.cfg", json.dumps(data)), allowed=data) == data


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("plan.toml", "quota = ", r"is not valid TOML"),
        ("plan.json", "{", r"is not valid JSON"),
        ("plan.cfg", "{", r"is not valid TOML or JSON"),
        ("plan.json", "[1, 2]", "must hold a table/object at the top"),
        ("plan.toml", "quota = 1\nqouta = 2\n", r"unknown key\(s\) 'qouta'; the known keys are"),
        # Python's own int-size limit and deep nesting: a clear error, not a crash
        ("plan.json", '{"quota": ' + "9" * 5000 + "}", "is not valid JSON"),
        ("plan.json", "[" * 100_000, "is not valid JSON"),
        ("plan.toml", b"\xff\xfe".decode("latin-1"), "is not valid TOML"),
    ],
)
def test_read_config_bad_files(tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(ConfigError, match=message):
        read_config(path, allowed=["quota"])


def test_read_config_missing_unreadable_and_huge(tmp_path):
    with pytest.raises(ConfigError, match=r"config file '.*none.toml' does not exist"):
        read_config(tmp_path / "none.toml", allowed=[])
    path = tmp_path / "bad.toml"
    path.write_bytes(b"quota = 1\xff\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        read_config(path, allowed=["quota"])
    huge = write(tmp_path, "huge.toml", "# " + "x" * MAX_CONFIG_BYTES)
    with pytest.raises(ConfigError, match="larger than 1,000,000 bytes"):
        read_config(huge, allowed=[])
    with pytest.raises(InvalidInputError, match="config path must be a file path"):
        read_config(None, allowed=[])


def test_config_error_is_the_shared_one():
    assert issubclass(ConfigError, InvalidInputError)
    assert not issubclass(ConfigError, LimitError)


# -- layering ---------------------------------------------------------------------------


def imports(module, *, top_level=False):
    tree = ast.parse((SRC / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in tree.body if top_level else ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_io_imports_no_model_and_team_no_funnel():
    assert not {m for m in imports("io") if m.startswith("salesmath.")} - {
        "salesmath.errors",
        "salesmath.numbers",
    }
    assert not {m for m in imports("team") if m.startswith("salesmath.")} & {
        "salesmath.funnel",
        "salesmath.rates",
        "salesmath.cli",
    }
    # pandas and narwhals are imported inside the functions that use them
    assert not {"pandas", "narwhals", "polars"} & (
        imports("io", top_level=True) | imports("team", top_level=True)
    )


# -- bounded work -------------------------------------------------------------------------


def test_too_many_columns_are_refused_before_any_work(tmp_path):
    header = ",".join(["rep", *(f"c{i}" for i in range(MAX_COLUMNS)), "bookings"])
    with pytest.raises(LimitError, match="more than 10,000 columns"):
        read_csv(write(tmp_path, "wide.csv", header + "\n"))
    with pytest.raises(LimitError, match="row 1 has more than 10,000 keys"):
        read_records([{f"c{i}": 0 for i in range(MAX_COLUMNS + 1)}])
    with pytest.raises(LimitError, match="records have more than 10,000 keys"):
        read_records([{f"c{i}": 0} for i in range(MAX_COLUMNS + 1)])


def test_inference_over_many_candidates_lists_a_few():
    columns = ["rep", *(f"c{i}" for i in range(5_000)), "bookings", "x"]
    with pytest.raises(InvalidInputError, match=r"'c29' and 4971 more\); name the stages"):
        infer_stages(columns, source="wide.csv")
