import json
import pickle
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from salesmath import InvalidInputError, SalesmathError, UnknownStageError, errors
from salesmath.errors import UnknownMetricError, UnknownNameError
from salesmath.team import RepStats, Team, UnknownRepError

STAGES = ["activities", "discos", "demos", "won"]


def rep(name, counts, bookings, **extra):
    return RepStats(
        rep=name, counts=dict(zip(STAGES, counts, strict=True)), bookings=bookings, **extra
    )


@pytest.fixture
def team():
    return Team(
        stages=STAGES,
        reps=[
            rep("ana", [1000, 40, 24, 11], 1_760_000, quota=1_500_000, cycle_days=39),
            rep("bo", [1000, 40, 24, 6], 420_000, quota=1_500_000, cycle_days=52),
            rep("cy", [900, 30, 0, 0], 0, quota=1_000_000, role="AE", segment="ent"),
        ],
    )


# -- RepStats ------------------------------------------------------------------


def test_rep_metrics_are_exact():
    # Enterprise rep from the sales-math AMA scenario: 46% close rate at $160k a deal.
    ana = RepStats(rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000, quota=1_500_000)
    assert ana.conversions == {"demos_to_won": Fraction(11, 24)}
    assert ana.deal_size == 160_000
    assert ana.attainment == Fraction(88, 75)
    assert ana.deals == 11
    assert ana.stages == ("demos", "won")


def test_values_that_do_not_exist_are_none():
    idle = RepStats(rep="cy", counts={"discos": 0, "demos": 0, "won": 0}, bookings=0)
    assert idle.conversions == {"discos_to_demos": None, "demos_to_won": None}
    assert idle.deal_size is None
    assert idle.attainment is None
    assert idle.metric("cycle_days") is None


def test_counts_need_not_shrink_down_the_funnel():
    # CRM data: more demos logged than discos (inbound demos skip discovery).
    inbound = RepStats(rep="di", counts={"discos": 4, "demos": 6, "won": 2}, bookings=20)
    assert inbound.conversions["discos_to_demos"] == Fraction(3, 2)


@pytest.mark.parametrize(("given", "expected"), [(12, 12), (12.0, 12), ("12", 12), ("1,200", 1200)])
def test_counts_accept_whole_numbers_in_any_form(given, expected):
    stats = RepStats(rep="ana", counts={"demos": given, "won": 0}, bookings=0)
    assert stats.counts["demos"] == expected
    assert type(stats.counts["demos"]) is int


@pytest.mark.parametrize("bad", [-2, 1.5, "x", True, None, float("nan")])
def test_count_that_is_not_a_whole_number_is_rejected(bad):
    with pytest.raises(
        ValidationError, match=r"count of 'demos' for rep 'bo' must be a whole number >= 0"
    ):
        RepStats(rep="bo", counts={"demos": bad, "won": 0}, bookings=0)


def test_negative_bookings_are_rejected_by_name():
    with pytest.raises(
        ValidationError, match=r"bookings of rep 'bo' must be a finite number >= 0, got -5"
    ):
        RepStats(rep="bo", counts={"demos": 1, "won": 0}, bookings=-5)


def test_zero_quota_is_rejected_with_the_fix():
    with pytest.raises(
        ValidationError,
        match=r"quota of rep 'bo' must be a finite number > 0, got 0; leave it empty",
    ):
        RepStats(rep="bo", counts={"demos": 1, "won": 0}, bookings=0, quota=0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rep": " ", "counts": {"won": 1}, "bookings": 1}, "rep must be a non-empty name"),
        ({"rep": "a", "counts": [1, 2], "bookings": 1}, "counts for rep 'a' must be a mapping"),
        (
            {"rep": "a", "counts": {"": 1}, "bookings": 1},
            "a stage name in counts for rep 'a' must be a non-empty name",
        ),
        ({"rep": "a", "counts": {"won": 1}, "bookings": 1, "qouta": 5}, "qouta"),
        (
            {"rep": "a", "counts": {"won": 1}, "bookings": 1, "cycle_days": -1},
            "cycle_days of rep 'a'",
        ),
    ],
)
def test_bad_rep_fields_are_named(fields, message):
    with pytest.raises(ValidationError, match=message):
        RepStats(**fields)


def test_unknown_metric_lists_the_known_ones():
    with pytest.raises(
        UnknownMetricError,
        match=r"unknown metric 'close'; the metrics are 'demos', 'won', 'demos_to_won'",
    ):
        RepStats(rep="a", counts={"demos": 1, "won": 0}, bookings=0).metric("close")


def test_rep_repr_is_one_exact_line():
    stats = RepStats(
        rep="ana",
        counts={"demos": 24, "won": 11},
        bookings="1760000.5",
        quota=1_500_000,
        cycle_days=39,
        role="AE",
        segment="ent",
    )
    assert repr(stats) == (
        "RepStats(rep='ana', counts={'demos': 24, 'won': 11}, bookings=1760000.5, quota=1500000, "
        "cycle_days=39, role='AE', segment='ent')"
    )


def test_rep_table_text():
    stats = RepStats(
        rep="ana", counts={"demos": 24, "won": 11}, bookings=1_760_000, quota=1_500_000
    )
    assert str(stats) == (
        "Rep ana: bookings 1,760,000, deal size 160,000, attainment 117.3%\n"
        "stage  count           to next\n"
        "-----  -----  ----------------\n"
        "demos     24  11 of 24 (45.8%)\n"
        "won       11                 —"
    )


# -- Team ------------------------------------------------------------------------


def test_team_orders_each_reps_counts_by_its_stages():
    shuffled = RepStats(
        rep="ana", counts={"won": 1, "activities": 50, "demos": 3, "discos": 5}, bookings=9
    )
    team = Team(stages=STAGES, reps=[shuffled])
    assert list(team["ana"].counts) == STAGES
    assert team["ana"].conversions == {
        "activities_to_discos": Fraction(1, 10),
        "discos_to_demos": Fraction(3, 5),
        "demos_to_won": Fraction(1, 3),
    }


def test_team_lookups(team):
    assert len(team) == 3
    assert team.names == ("ana", "bo", "cy")
    assert "bo" in team
    assert "zed" not in team
    assert team.conversions == ("activities_to_discos", "discos_to_demos", "demos_to_won")
    assert team.metric_names == (
        *STAGES,
        *team.conversions,
        "bookings",
        "deal_size",
        "attainment",
        "cycle_days",
    )
    assert team.values("deal_size") == [160_000, 70_000, None]
    assert team.values("demos_to_won") == [Fraction(11, 24), Fraction(1, 4), None]


def test_unknown_rep_is_a_key_error_and_a_value_error(team):
    with pytest.raises(
        UnknownRepError, match=r"^unknown rep 'zed'; the reps are 'ana', 'bo', 'cy'$"
    ) as info:
        team["zed"]
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, SalesmathError)


def test_unknown_metric_on_a_team(team):
    with pytest.raises(UnknownMetricError, match="unknown metric 'quota'") as info:
        team.values("quota")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ValueError)


def test_team_repr_and_table(team):
    assert repr(team) == "Team(stages=['activities', 'discos', 'demos', 'won'], reps=3)"
    assert str(team) == (
        "Team of 3 reps\n"
        "rep  activities  discos  demos  won   bookings      quota  cycle_days  role  segment\n"
        "---  ----------  ------  -----  ---  ---------  ---------  ----------  ----  -------\n"
        "ana       1,000      40     24   11  1,760,000  1,500,000          39  —     —\n"
        "bo        1,000      40     24    6    420,000  1,500,000          52  —     —\n"
        "cy          900      30      0    0          0  1,000,000           —  AE    ent"
    )
    assert team._repr_html_().startswith("<div><table><caption>Team of 3 reps</caption>")


@pytest.mark.parametrize(
    ("stages", "reps", "message"),
    [
        (["won"], [], "at least 2"),
        (["demos", " "], [], r"stages\[1\] must be a non-empty name"),
        (["demos", "bookings"], [], "stage name 'bookings' is taken"),
        (["a", "b", "a_to_b"], [], "stage and conversion names must be unique, got 'a_to_b' twice"),
        (["demos", "won"], [], "at least 1"),
    ],
)
def test_bad_stages_are_named(stages, reps, message):
    with pytest.raises(ValidationError, match=message):
        Team(stages=stages, reps=reps)


def test_rep_names_must_be_unique():
    twins = [RepStats(rep="ana", counts={"demos": 1, "won": 0}, bookings=0)] * 2
    with pytest.raises(ValidationError, match="rep names must be unique, got 'ana' twice"):
        Team(stages=["demos", "won"], reps=twins)


def test_stage_mismatch_names_the_rep_and_the_stages():
    odd = RepStats(rep="bo", counts={"demo": 3, "won": 1}, bookings=5)
    with pytest.raises(
        ValidationError,
        match=r"rep 'bo' has no count for 'demos' and unknown stage 'demo'; every rep needs",
    ):
        Team(stages=["demos", "won"], reps=[odd])


def test_json_round_trip(team):
    text = team.model_dump_json()
    assert json.loads(text)["reps"][0]["counts"] == {
        "activities": 1000,
        "discos": 40,
        "demos": 24,
        "won": 11,
    }
    assert Team.model_validate_json(text) == team
    assert "reps" in Team.model_json_schema()["properties"]


def test_without_and_select(team):
    assert team.without(["cy"]).names == ("ana", "bo")
    assert team.without("cy").names == ("ana", "bo")
    assert team.select(segment="ent").names == ("cy",)
    assert team.select(role="AE", segment="ent").names == ("cy",)


def test_without_unknown_rep_or_everyone(team):
    with pytest.raises(UnknownRepError, match="unknown rep 'zed'"):
        team.without(["zed"])
    with pytest.raises(InvalidInputError, match="would leave the team with no reps"):
        team.without(team.names)
    with pytest.raises(InvalidInputError, match=r"no rep has role='SDR'.*the roles are \['AE'\]"):
        team.select(role="SDR")


def test_without_deal_keeps_the_rep():
    # A whale deal: "the largest deal in segment history" (sales-math AMA) taken out of one rep.
    team = Team(stages=STAGES, reps=[rep("ana", [900, 30, 20, 5], 2_400_000)])
    cleaned = team.without_deal("ana", 2_000_000, stages=["demos", "discos"])
    assert cleaned["ana"].counts == {"activities": 900, "discos": 29, "demos": 19, "won": 4}
    assert cleaned["ana"].bookings == 400_000
    assert cleaned["ana"].deal_size == 100_000
    assert team["ana"].bookings == 2_400_000  # the original is untouched


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("zed", 10), UnknownRepError, "unknown rep 'zed'"),
        (("cy", 10), InvalidInputError, "rep 'cy' has no 'won' deal to take out"),
        (
            ("bo", 500_000),
            InvalidInputError,
            "amount 500000 is more than the bookings of rep 'bo', 420000; give the value of one",
        ),
        (("bo", 0), InvalidInputError, "amount must be a finite number > 0"),
    ],
)
def test_without_deal_bad_input(team, args, error, message):
    with pytest.raises(error, match=message):
        team.without_deal(*args)


def test_without_deal_bad_stage():
    team = Team(stages=STAGES, reps=[rep("ana", [900, 0, 20, 5], 100)])
    with pytest.raises(UnknownStageError, match="unknown stage 'demo'"):
        team.without_deal("ana", 10, stages=["demo"])
    with pytest.raises(InvalidInputError, match="rep 'ana' has 0 at 'discos'"):
        team.without_deal("ana", 10, stages=["discos"])


def test_total_pools_the_team(team):
    total = team.total()
    assert total.counts == {"activities": 2900, "discos": 110, "demos": 48, "won": 17}
    assert total.bookings == 2_180_000
    assert total.deal_size == Fraction(2_180_000, 17)
    assert total.quota == 4_000_000
    assert total.cycle_days == Fraction(91, 2)


# -- loaders --------------------------------------------------------------------


def test_from_records_with_inferred_stages():
    team = Team.from_records(
        [
            {"rep": "ana", "demos": 24, "won": 11, "bookings": 1_760_000, "quota": None},
            {"rep": "bo", "demos": 24, "won": 6, "bookings": "420,000", "quota": ""},
        ]
    )
    assert team.stages == ("demos", "won")
    assert team["bo"].bookings == 420_000
    assert team["bo"].quota is None


def test_from_records_accepts_rep_stats():
    stats = RepStats(rep="ana", counts={"demos": 2, "won": 1}, bookings=5)
    team = Team.from_records([stats, {"rep": "bo", "demos": 3, "won": 0, "bookings": 0}])
    assert team.names == ("ana", "bo")


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([], "records is empty"),
        ([{"rep": "ana", "won": 1, "bookings": 1}], r"records needs a column per stage"),
        ([{"rep": "ana", "demos": 2, "won": 1, "bookings": 1}, 7], "row 2 must be a mapping"),
        (
            [{"rep": "ana", "demos": None, "won": 1, "bookings": 1}],
            "row 1: 'demos' is empty; write 0",
        ),
        (
            [{"rep": "", "demos": 1, "won": 1, "bookings": 1}],
            "row 1: 'rep' is empty; give the rep's name",
        ),
        (
            [{"rep": "ana", "demos": 1, "won": 1, "bookings": 1}] * 2,
            r"row 2: rep 'ana' appears twice \(first at row 1\)",
        ),
    ],
)
def test_from_records_bad_rows(records, message):
    with pytest.raises(InvalidInputError, match=message):
        Team.from_records(records)


CSV = """rep,activities,discos,demos,won,bookings,quota,cycle_days,role,segment,notes
ana,1000,40,24,11,1760000,1500000,39,AE,enterprise,top
bo,1000,40,24,6,"420,000",,52,AE,enterprise,

cy,900,30,0,0,0,1000000,,,,new
"""


def test_from_csv(tmp_path):
    path = tmp_path / "team.csv"
    path.write_text("\ufeff" + CSV, encoding="utf-8")
    team = Team.from_csv(path, stages=STAGES)
    assert team.names == ("ana", "bo", "cy")
    assert team["bo"].bookings == 420_000
    assert team["bo"].quota is None
    assert team["cy"].cycle_days is None
    assert team["ana"].segment == "enterprise"
    assert Team.from_csv(str(path), stages=STAGES) == team


def test_from_csv_infers_stages_from_the_columns(tmp_path):
    path = tmp_path / "team.csv"
    path.write_text("rep,demos,won,bookings\nana,24,11,1760000\n")
    assert Team.from_csv(path).stages == ("demos", "won")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty; it needs a header row"),
        ("rep,demos,won,bookings\n", "has a header but no rep rows"),
        (
            "rep,demos,bookings\nana,1,1\n",
            r"is missing the column 'won'; its columns are 'rep', 'demos', 'bookings'",
        ),
        ("rep,demos,won,won,bookings\n", r"line 1: column 'won' appear"),
        (
            "rep,demos,won,bookings\nana,24,11,1760000\nbo,24,six,420000\n",
            r"line 3: counts: count of 'won' for rep 'bo' must be a whole number >= 0, got 'six'",
        ),
        ("rep,demos,won,bookings\nana,24,11\n", "line 2: 3 cells, but the header has 4 columns"),
        (
            "rep,demos,won,bookings\nana,24,,5\n",
            "line 2: 'won' is empty; write 0 if there were none",
        ),
        (
            "rep,demos,won,bookings\nana,24,1,$5\n",
            r"line 2: bookings: bookings of rep 'ana' must be a finite number >= 0, got '\$5'",
        ),
        (
            "rep,demos,won,bookings\n\nana,1,0,0\nana,2,0,0\n",
            r"line 4: rep 'ana' appears twice \(first at .*line 3\)",
        ),
        (
            "rep,demos,won,bookings,quota\nana,1,0,0,0\n",
            "line 2: quota: quota of rep 'ana' must be a finite number > 0",
        ),
    ],
)
def test_from_csv_reports_the_line(tmp_path, text, message):
    path = tmp_path / "team.csv"
    path.write_text(text)
    with pytest.raises(InvalidInputError, match=message):
        Team.from_csv(path, stages=["demos", "won"])


def test_from_csv_missing_file(tmp_path):
    with pytest.raises(InvalidInputError, match=r"cannot read .*nope\.csv"):
        Team.from_csv(tmp_path / "nope.csv", stages=STAGES)


def test_from_csv_not_text(tmp_path):
    path = tmp_path / "team.csv"
    path.write_bytes(b"rep,demos,won,bookings\n\xff\xfe,1,1,1\n")
    with pytest.raises(InvalidInputError, match="is not a readable CSV file"):
        Team.from_csv(path)


def test_frame_round_trip(team):
    pd = pytest.importorskip("pandas")
    frame = team.to_frame()
    assert list(frame.columns) == [*STAGES, "bookings", "quota", "cycle_days", "role", "segment"]
    assert frame.index.name == "rep"
    assert Team.from_frame(frame, stages=STAGES) == team
    assert Team.from_frame(frame.reset_index()) == team
    with_nan = pd.DataFrame(
        {"rep": ["a"], "demos": [3], "won": [1], "bookings": [9.5], "quota": [float("nan")]}
    )
    assert Team.from_frame(with_nan)["a"].quota is None


def test_from_frame_bad_rows():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"rep": ["a", "b"], "demos": [3, None], "won": [1, 0], "bookings": [9, 0]}, index=[10, 11]
    )
    with pytest.raises(InvalidInputError, match="row 11: 'demos' is empty"):
        Team.from_frame(frame)
    with pytest.raises(InvalidInputError, match="the frame is missing the column 'bookings'"):
        Team.from_frame(frame.drop(columns="bookings"), stages=["demos", "won"])
    with pytest.raises(InvalidInputError, match="the frame has no rows"):
        Team.from_frame(frame.iloc[:0], stages=["demos", "won"])


# -- properties ----------------------------------------------------------------

counts = st.lists(st.integers(0, 500), min_size=3, max_size=3)


@st.composite
def teams(draw):
    rows = draw(st.lists(st.tuples(counts, st.integers(0, 10**7)), min_size=1, max_size=8))
    return Team(
        stages=["discos", "demos", "won"],
        reps=[
            RepStats(
                rep=f"r{i}",
                counts=dict(zip(["discos", "demos", "won"], c, strict=True)),
                bookings=b,
            )
            for i, (c, b) in enumerate(rows)
        ],
    )


@settings(max_examples=50)
@given(teams())
def test_json_round_trip_never_loses_a_number(team):
    assert Team.model_validate_json(team.model_dump_json()) == team


@settings(max_examples=50)
@given(teams())
def test_team_total_deal_size_times_wins_is_total_bookings(team):
    total = team.total()
    if total.deal_size is not None:
        assert total.deal_size * total.deals == sum(r.bookings for r in team.reps)
    else:
        assert total.deals == 0


# -- issue 11: inference never guesses ---------------------------------------------------

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_enterprise_csv_with_tenure_months_needs_named_stages(tmp_path):
    # Regression (issue 11): a tenure_months column was taken as the won stage.
    lines = (EXAMPLES / "enterprise_team.csv").read_text(encoding="utf-8").splitlines()
    rows = [f"{lines[0]},tenure_months", *(f"{line},{12 + i}" for i, line in enumerate(lines[1:]))]
    path = tmp_path / "team.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        Team.from_csv(path)
    message = str(info.value)
    assert "cannot tell which columns are stages" in message
    assert "the candidates are 'activities', 'discos', 'demos', 'won', 'tenure_months'" in message
    assert "stages=[...]" in message
    assert "--stages a,b,c" in message
    named = Team.from_csv(path, stages=STAGES)
    assert named == Team.from_csv(EXAMPLES / "enterprise_team.csv", stages=STAGES)
    assert Team.from_csv(EXAMPLES / "enterprise_team.csv").stages == tuple(STAGES)


def test_records_with_a_typo_quotaa_need_named_stages():
    # Regression (issue 11): from_records turned 'quotaa' into the won stage.
    rows = [{"rep": "ana", "demos": 24, "won": 11, "bookings": 1_760_000, "quotaa": 1_500_000}]
    with pytest.raises(InvalidInputError, match="'quotaa' looks like 'quota' misspelt"):
        Team.from_records(rows)
    assert Team.from_records(rows, stages=["demos", "won"]).stages == ("demos", "won")


def test_csv_with_text_columns_needs_named_stages(tmp_path):
    path = tmp_path / "team.csv"
    path.write_text(
        "rep,demos,won,bookings,role,manager,office\nana,24,11,1760000,AE,Kim,Oslo\n",
        encoding="utf-8",
    )
    with pytest.raises(
        InvalidInputError, match=r"'manager', 'office' are not between 'rep' and 'bookings'"
    ):
        Team.from_csv(path)


def test_a_text_column_among_the_stages_is_named_with_the_fix(tmp_path):
    path = tmp_path / "team.csv"
    path.write_text("rep,manager,demos,won,bookings\nana,Kim,24,11,1760000\n", encoding="utf-8")
    with pytest.raises(
        InvalidInputError,
        match=(
            r"line 2: counts: count of 'manager' for rep 'ana' must be a whole number >= 0, "
            r"got 'Kim'; 'manager' was taken as a stage because stages were not named "
            r"\(the stages were read as 'manager', 'demos', 'won'\): if it is not one, "
            r"name the stages"
        ),
    ):
        Team.from_csv(path)


def test_a_key_only_in_a_later_row_is_not_a_silent_stage():
    rows = [
        {"rep": "ana", "demos": 24, "won": 11, "bookings": 1},
        {"rep": "bo", "demos": 24, "won": 6, "bookings": 1, "tenure_months": 3},
    ]
    with pytest.raises(InvalidInputError, match="'tenure_months' is not between"):
        Team.from_records(rows)


def test_from_frame_infers_by_the_same_rule():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"rep": ["a"], "demos": [3], "won": [1], "bookings": [9], "tenure": [4]})
    with pytest.raises(InvalidInputError, match="'tenure' is not between"):
        Team.from_frame(frame)


# -- issue 11: TypeErrors that named nothing ---------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Team.from_records(None), r"records must be a list of rows .*got None"),
        (lambda: Team.from_records(ROWS, stages=0), r"stages must be a list, got 0"),
        (
            lambda: Team.from_records(ROWS, stages="demos"),
            r"stages must be a list, got 'demos' — write \['demos'\] for one",
        ),
        (lambda: Team.from_records(ROWS[0]), r"records must be a list of rows"),
        (lambda: Team.from_records([ROWS[0], "bo"]), r"row 2 must be a mapping"),
        (lambda: Team.from_csv(None), r"path must be a file path .*got None"),
        (lambda: Team.from_csv("x.csv", stages=0), r"stages must be a list, got 0"),
        (
            lambda: Team.from_frame(ROWS),
            r"frame must be a data frame .*got a list; for a list of rows use Team.from_records",
        ),
        (lambda: Team.from_frame(ROWS, stages="won"), r"stages must be a list, got 'won'"),
    ],
)
def test_bad_loader_arguments_are_named(call, message):
    with pytest.raises(InvalidInputError, match=message):
        call()


def test_from_records_given_a_frame_points_to_from_frame():
    pd = pytest.importorskip("pandas")
    with pytest.raises(InvalidInputError, match=r"got a data frame; use Team.from_frame\(frame\)"):
        Team.from_records(pd.DataFrame(ROWS))


ROWS = [
    {"rep": "Avery", "demos": 24, "won": 11, "bookings": 1_760_000},
    {"rep": "Blake", "demos": 20, "won": 6, "bookings": 420_000},
]


@pytest.fixture
def small():
    return Team.from_records(ROWS, stages=["demos", "won"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda t: t.without_deal(["Avery"], 1),
            r"rep must be a rep's name \(text\), got \['Avery'\]",
        ),
        (lambda t: t.without_deal(None, 1), r"rep must be a rep's name \(text\), got None"),
        (
            lambda t: t.without_deal("Avery", 1, stages="demos"),
            r"stages must be a list, got 'demos' — write \['demos'\]",
        ),
        (lambda t: t.without_deal("Avery", 1, stages=[5]), r"stages\[0\] must be a name"),
        (lambda t: t.without_deal("Avery", None), r"amount must be a finite number > 0, got None"),
        (lambda t: t.without(5), r"reps must be a rep's name or a list of names, got 5"),
        (lambda t: t.without(None), r"reps must be a rep's name or a list of names, got None"),
        (lambda t: t.without([5]), r"got 5 in \[5\]"),
        (lambda t: t[5], r"rep must be a rep's name \(text\), got 5"),
        (lambda t: t[["Avery"]], r"rep must be a rep's name \(text\), got \['Avery'\]"),
        (lambda t: t.select(role=5), r"role must be text or None, got 5"),
    ],
)
def test_bad_team_arguments_are_named(small, call, message):
    with pytest.raises(InvalidInputError, match=message):
        call(small)


def test_membership_of_a_non_name_is_false(small):
    assert ["Avery"] not in small
    assert 5 not in small
    assert "Avery" in small


@pytest.mark.parametrize(
    "lookup",
    [
        lambda t: t["Avry"],
        lambda t: t.without(["Avry"]),
        lambda t: t.without_deal("Avry", 1),
        lambda t: t.values("dealsize"),
        lambda t: t["Avery"].metric("dealsize"),
        lambda t: t.without_deal("Avery", 1, stages=["demo"]),
    ],
)
def test_every_unknown_name_is_an_unknown_name_error(small, lookup):
    with pytest.raises(UnknownNameError) as info:
        lookup(small)
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ValueError)


def test_unknown_rep_error_is_the_shared_one():
    assert UnknownRepError is errors.UnknownRepError
    error = UnknownRepError("zed", ("ana", "bo"))
    assert pickle.loads(pickle.dumps(error)) == error


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"stages": None, "reps": []}, "stages must be a list, got None"),
        ({"stages": "won", "reps": []}, r"stages must be a list, got 'won'"),
        ({"stages": ["demos", "won"], "reps": None}, "reps must be a list of RepStats"),
        ({"stages": ["demos", "won"], "reps": "ana"}, "reps must be a list of RepStats"),
    ],
)
def test_team_constructor_names_the_argument(fields, error):
    with pytest.raises(ValidationError, match=error):
        Team(**fields)


# -- issue 11: names that differ only by whitespace or invisible characters ---------------


@pytest.mark.parametrize("twin", ["won ", " won", "won\u200b", "won\n", "\u2060won", "won\ufeff"])
def test_stage_names_that_differ_only_invisibly_are_one_name(twin):
    with pytest.raises(ValidationError, match="stages must be unique, got 'won' twice"):
        Team(stages=["demos", "won", twin], reps=[])
    with pytest.raises(ValidationError, match="name stage 'won' twice"):
        RepStats(rep="a", counts={"won": 1, twin: 2}, bookings=0)
    with pytest.raises(InvalidInputError, match="stages must be unique"):
        Team.from_records(ROWS, stages=["demos", "won", twin])


def test_names_are_normalised_everywhere():
    decomposed = "Cafe\u0301"  # NFD "Café"
    stats = RepStats(rep=f" {decomposed} ", counts={"demos\u200b": 3, " won": 1}, bookings=5)
    assert stats.rep == "Café"
    assert stats.counts == {"demos": 3, "won": 1}
    team = Team(stages=["demos ", "won\u200b"], reps=[stats])
    assert team.stages == ("demos", "won")
    assert team["Café"].conversions == {"demos_to_won": Fraction(1, 3)}


def test_csv_header_and_stages_are_read_the_same_way(tmp_path):
    path = tmp_path / "team.csv"
    path.write_text("rep, demos ,won\u200b,bookings\nana,3,1,5\n", encoding="utf-8")
    assert Team.from_csv(path, stages=["demos", " won"]).stages == ("demos", "won")
    assert Team.from_csv(path).stages == ("demos", "won")


def test_reps_that_differ_only_invisibly_are_one_rep():
    rows = [dict(ROWS[0]), {**ROWS[0], "rep": "Avery\u200b "}]
    with pytest.raises(InvalidInputError, match=r"row 2: rep 'Avery' appears twice"):
        Team.from_records(rows, stages=["demos", "won"])


# -- counts, numbers and the table contract ----------------------------------------------


@pytest.mark.parametrize(
    ("count", "error"),
    [
        (10**18 + 1, "must be at most 1,000,000,000,000,000,000"),
        (-1, "must be a whole number >= 0, got -1"),
        ("1e999999999", "must be within 1e±30"),
    ],
)
def test_counts_are_bounded_by_the_shared_reader(count, error):
    with pytest.raises(ValidationError, match=error):
        RepStats(rep="a", counts={"won": count}, bookings=0)


def test_counts_are_plain_ints():
    np = pytest.importorskip("numpy")
    stats = RepStats(rep="a", counts={"demos": np.int64(7), "won": 3.0}, bookings=0)
    assert stats.counts == {"demos": 7, "won": 3}
    assert all(type(c) is int for c in stats.counts.values())


def test_to_frame_is_numeric(team):
    pytest.importorskip("pandas")
    frame = team.to_frame()
    for column in [*STAGES, "bookings", "quota"]:
        assert frame[column].dtype.kind == "i", column
    # cy has no cycle_days: a missing value in a float column, not the text "—"
    assert frame["cycle_days"].dtype.kind == "f"
    assert frame["cycle_days"].isna().tolist() == [False, False, True]
    assert frame["bookings"].sum() == 2_180_000
    rep_frame = team["ana"].to_frame()
    assert rep_frame["count"].dtype.kind == "i"
    assert rep_frame["to next"].dtype.kind == "f"
    assert rep_frame["to next"].tolist()[:3] == [0.04, 0.6, 0.4583333333333333]


def test_to_frame_with_fractional_bookings_is_float():
    pytest.importorskip("pandas")
    team = Team.from_records(
        [{**ROWS[0], "bookings": "1760000.5"}, ROWS[1]], stages=["demos", "won"]
    )
    assert team.to_frame()["bookings"].dtype.kind == "f"


def test_attainment_prints_one_way(team):
    # 3/2 prints "150%" everywhere (the shared _format rule), 88/75 as "117.3%".
    over = RepStats(rep="x", counts={"demos": 2, "won": 1}, bookings=3, quota=2)
    assert str(over).splitlines()[0] == "Rep x: bookings 3, deal size 3, attainment 150%"
    assert team["ana"].summary() == (
        "Rep ana: bookings 1,760,000, deal size 160,000, attainment 117.3%."
    )


def test_team_summary(team):
    assert team.summary() == (
        "3 reps over 4 stages (activities → discos → demos → won). Together they logged "
        "2,900 activities and won 17 deals (35.4% of demos), booking 2,180,000 at an average "
        "deal size of 128,235.29. Every rep has a quota: together they booked 54.5% of it, "
        "and 1 is at or above quota. Average sales cycle 45.5 days (2 reps). Every count is "
        "as logged: an open deal counts as not won."
    )


def test_summary_of_a_team_that_won_nothing():
    idle = Team(
        stages=["demos", "won"],
        reps=[RepStats(rep="cy", counts={"demos": 0, "won": 0}, bookings=0, quota=10)],
    )
    assert idle.summary() == (
        "1 rep over 2 stages (demos → won). They logged 0 demos and won 0 deals, booking 0. "
        "Every rep has a quota: together they booked 0% of it, and 0 are at or above quota. "
        "Every count is as logged: an open deal counts as not won."
    )


def test_docs_say_an_open_deal_counts_as_not_won():
    import salesmath.team as module

    for text in (module.__doc__, Team.__doc__, RepStats.__doc__, Team.from_csv.__doc__):
        assert "an open deal counts as not won" in " ".join(text.split())


def test_polars_frame_builds_the_same_team():
    pl = pytest.importorskip("polars")
    assert Team.from_frame(pl.DataFrame(ROWS)) == Team.from_records(ROWS)


# -- fuzz: any input is a team or a ValueError, quickly ------------------------------------

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["1e999999999", "1,200", " 3 ", "12.0", "x", "", "\u200b"]),
)
keys = st.one_of(
    st.sampled_from(["rep", "demos", "won", "bookings", "quota", "cycle_days", "role", "quotaa"]),
    st.text(max_size=8),
)
records = st.one_of(
    st.lists(st.dictionaries(keys, cells, max_size=8), max_size=5),
    cells,
    st.dictionaries(keys, cells, max_size=3),
)
stage_lists = st.one_of(st.none(), cells, st.lists(st.one_of(keys, cells), max_size=4))


@settings(max_examples=300, deadline=1000, derandomize=True)
@given(records, stage_lists)
def test_from_records_of_anything_is_a_team_or_a_value_error(rows, stages):
    try:
        team = Team.from_records(rows, stages=stages)
    except InvalidInputError as exc:  # from a loader: one line that says what is wrong
        message = str(exc)
    else:
        message = "" if len(team) >= 1 else "an empty team"
        assert message == ""
    assert "\n" not in message


@settings(max_examples=200, deadline=1000, derandomize=True)
@given(st.text(max_size=200), stage_lists)
def test_from_csv_of_any_text_is_a_team_or_an_invalid_input_error(tmp_path_factory, text, stages):
    path = tmp_path_factory.mktemp("fuzz") / "team.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        Team.from_csv(path, stages=stages)
    except InvalidInputError as exc:
        message = str(exc)
    else:
        message = ""
    assert "Traceback" not in message


args = st.one_of(cells, st.lists(st.one_of(keys, cells), max_size=3), keys)


@settings(max_examples=300, deadline=1000, derandomize=True)
@given(
    st.sampled_from(["getitem", "without", "without_deal", "values", "select", "metric"]),
    args,
    args,
)
def test_team_methods_on_anything_return_or_raise_a_value_error(method, first, second):
    team = Team.from_records(ROWS, stages=["demos", "won"])
    calls = {
        "getitem": lambda: team[first],
        "without": lambda: team.without(first),
        "without_deal": lambda: team.without_deal(first, second, stages=second),
        "values": lambda: team.values(first),
        "select": lambda: team.select(role=first, segment=second),
        "metric": lambda: team["Avery"].metric(first),
    }
    try:
        calls[method]()
    except ValueError as exc:  # InvalidInputError or an UnknownNameError
        assert isinstance(exc, SalesmathError), repr(exc)  # noqa: PT017
