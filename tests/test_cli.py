import json
import subprocess
import sys
from pathlib import Path

import pytest

import salesmath
from salesmath.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WORKED = {"activities": 750, "discos": 15, "demos": 9, "won": 3}
FLAGS = [
    "--stages",
    "activities,discos,demos,won",
    "--rates",
    "1 in 50,60%,1/3",
    "--deal-size",
    "84000",
]


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_plan_prints_the_worked_example_as_a_table(capsys):
    status, out, err = run(capsys, "plan", str(EXAMPLES / "quarter.toml"))
    assert status == 0
    assert err == ""
    assert out == (
        "Plan for quota 250,000: 3 deals at 84,000 book 252,000\n"
        "stage       count      to next  coverage\n"
        "----------  -----  -----------  --------\n"
        "activities    750           2%      250×\n"
        "discos         15          60%        5×\n"
        "demos           9  1/3 (33.3%)        3×\n"
        "won             3            —        1×\n"
        "Chance to reach quota from 750 activities: 57.7% (conversions independent, deal size fixed).\n"
        "\n"
        "To book 250,000 at 84,000 a deal takes 3 won deals: 9 demos, 15 discos and 750 "
        "activities. From 750 activities the chance of reaching quota is 57.7% (conversions "
        "independent, deal size fixed).\n"
    )


@pytest.mark.parametrize(
    ("page", "before"),
    [("README.md", "```text\n"), ("docs/cli.md", "$ salesmath plan examples/quarter.toml\n")],
)
def test_the_docs_show_what_salesmath_plan_prints(capsys, page, before):
    # the output shown after the command is the output the command gives, so it cannot drift
    text = (EXAMPLES.parent / page).read_text(encoding="utf-8")
    start = text.index(before + "Plan for quota 250,000") + len(before)
    shown = text[start : text.index("```", start)]
    status, out, _ = run(capsys, "plan", str(EXAMPLES / "quarter.toml"))
    assert status == 0
    assert out == shown


@pytest.mark.parametrize("config", ["quarter.toml", "quarter.json"])
def test_plan_json_has_the_counts(capsys, config):
    status, out, _ = run(capsys, "plan", str(EXAMPLES / config), "--json")
    assert status == 0
    document = json.loads(out)
    assert document["counts"] == WORKED
    assert document["deals"] == 3
    assert document["quota"] == 250_000


def test_flags_replace_the_file(capsys):
    status, out, _ = run(capsys, "plan", "--quota", "250,000", *FLAGS, "--json")
    assert status == 0
    assert json.loads(out)["counts"] == WORKED


def test_flags_override_the_file(capsys):
    status, out, _ = run(
        capsys, "plan", str(EXAMPLES / "quarter.toml"), "--quota", "84000", "--json"
    )
    assert status == 0
    assert json.loads(out)["counts"] == {"activities": 250, "discos": 5, "demos": 3, "won": 1}
    status, out, _ = run(
        capsys, "plan", str(EXAMPLES / "quarter.toml"), "--rates", "1 in 50,60%,1/2", "--json"
    )
    assert json.loads(out)["counts"]["demos"] == 6


def test_pace_and_schedule_in_text_and_json(capsys):
    args = (
        "plan",
        str(EXAMPLES / "quarter.toml"),
        "--pace",
        "13",
        "--unit",
        "week",
        "--close-by",
        "2026-12-31",
    )
    status, out, _ = run(capsys, *args)
    assert status == 0
    assert "Pace of quota 250,000 over 13 weeks (rounding='spread')" in out
    assert "total         750      15      9    3" in out
    assert "activities    750  2026-11-10                 51" in out
    status, out, _ = run(capsys, *args, "--json")
    document = json.loads(out)
    assert len(document["pace"]["targets"]) == 13
    assert document["pace"]["unit"] == "week"
    assert document["schedule"]["due"]["activities"] == "2026-11-10"


def test_rounding_none_from_the_command(capsys):
    status, out, _ = run(
        capsys, "plan", str(EXAMPLES / "quarter.toml"), "--rounding", "none", "--json"
    )
    assert status == 0
    assert json.loads(out)["counts"]["won"] == "125/42"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD_TOML = """quota = 250000
[funnel]
stages = ["activities", "discos", "demos", "won"]
rates = ["1 in 50", "60%", "1/3"]
deal_size = 84000
"""


@pytest.mark.parametrize(
    ("name", "text", "extra", "message"),
    [
        ("missing.toml", None, [], "config file '{path}' does not exist"),
        ("plan.toml", "quota = = 3", [], "config file '{path}' is not valid TOML"),
        ("plan.json", "{quota: 3}", [], "config file '{path}' is not valid JSON"),
        ("plan.cfg", "quota: [", [], "config file '{path}' is not valid TOML or JSON"),
        ("plan.json", "[1, 2]", [], "must hold a table/object at the top"),
        (
            "plan.toml",
            GOOD_TOML.replace("quota = 250000", ""),
            [],
            "lacks quota; add 'quota = 250000' or pass --quota",
        ),
        (
            "plan.toml",
            GOOD_TOML.replace("deal_size = 84000", ""),
            [],
            "lacks funnel deal_size; add them under [funnel] or pass --deal-size",
        ),
        ("plan.toml", "quota = 1\n", [], "lacks funnel stages, rates, deal_size"),
        (
            "plan.toml",
            "colour = 'red'\n" + GOOD_TOML,
            [],
            "unknown key(s) 'colour'; the known keys are 'quota', 'rounding', 'confidence', 'funnel'",
        ),
        ("plan.toml", "quota = 1\nfunnel = 3\n", [], "'funnel' must be a table"),
        (
            "plan.toml",
            GOOD_TOML.replace('"60%"', '"150%"'),
            [],
            "funnel.rates: rate from 'discos' to 'demos' must be in (0, 1], got '150%'",
        ),
        (
            "plan.toml",
            GOOD_TOML.replace("84000", "-1"),
            [],
            "funnel.deal_size: deal_size must be a finite number > 0, got -1",
        ),
        (
            "plan.toml",
            GOOD_TOML.replace("250000", "-5"),
            [],
            "quota must be a finite number >= 0, got -5",
        ),
        (
            "plan.toml",
            GOOD_TOML.replace("250000", "nan"),
            [],
            "quota must be a finite number >= 0, got nan",
        ),
        (
            "plan.toml",
            GOOD_TOML,
            ["--quota", "inf"],
            "quota must be a finite number >= 0, got 'inf'",
        ),
        (
            "plan.toml",
            GOOD_TOML,
            ["--close-by", "2026-12-31"],
            "--close-by needs the days of each conversion",
        ),
        (
            "plan.toml",
            GOOD_TOML.replace("[funnel]", "[funnel]\ndeal_sise = 3"),
            [],
            "funnel.deal_sise: is not a known field",
        ),
        (
            "plan.toml",
            GOOD_TOML,
            ["--stages", "a,a,b,c"],
            "--stages: stages must be unique, got 'a' twice",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(capsys, tmp_path, name, text, extra, message):
    path = str(tmp_path / name) if text is None else write(tmp_path, name, text)
    status, out, err = run(capsys, "plan", path, *extra)
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("salesmath plan: error: ")
    assert message.format(path=path) in err
    assert "Traceback" not in err


def test_unreadable_config(capsys, tmp_path):
    status, _, err = run(capsys, "plan", str(tmp_path))  # a directory cannot be read as a file
    assert status == 1
    assert f"cannot read config file '{tmp_path}'" in err


def test_not_utf8_config(capsys, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_bytes(b"\xff\xfe quota")
    status, _, err = run(capsys, "plan", str(path))
    assert status == 1
    assert "cannot read config file" in err


def test_flags_without_a_file_must_say_everything(capsys):
    status, _, err = run(capsys, "plan", "--quota", "1000")
    assert status == 1
    assert "the command line lacks funnel stages, rates, deal_size" in err


def test_usage_errors_exit_2_on_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as info:
        main(["plan", "--days", "-1,7,30"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "argument --days: expected one argument" in err
    assert "--flag=-1,7,30" in err


def test_a_bad_flag_value_is_the_library_message_blamed_on_the_flag(capsys):
    status, out, err = run(capsys, "plan", str(EXAMPLES / "quarter.toml"), "--pace", "0")
    assert (status, out) == (1, "")
    assert err == "salesmath plan: error: periods must be a whole number >= 1, got '0'\n"
    status, _, err = run(
        capsys, "plan", str(EXAMPLES / "quarter.toml"), "--rates", "1 in 50,160%,1/3"
    )
    assert status == 1
    assert err.startswith("salesmath plan: error: --rates: rate from 'discos' to 'demos'")


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"salesmath {salesmath.__version__}\n"


def test_python_dash_m_is_the_same_command():
    done = subprocess.run(
        [sys.executable, "-m", "salesmath", "plan", str(EXAMPLES / "quarter.toml"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"] == WORKED
    bad = subprocess.run(
        [sys.executable, "-m", "salesmath", "plan", "no-such-file.toml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stderr == "salesmath plan: error: config file 'no-such-file.toml' does not exist\n"


# -- plan --confidence ---------------------------------------------------------


def test_plan_with_confidence(capsys):
    # 90% confidence for the worked example: scipy.stats.binom.sf(2, 1329, 1/250) >= 0.9 > sf(2, 1328, 1/250).
    status, out, _ = run(
        capsys, "plan", str(EXAMPLES / "quarter.toml"), "--confidence", "0.9", "--json"
    )
    assert status == 0
    document = json.loads(out)
    assert document["counts"] == {"activities": 1329, "discos": 25, "demos": 15, "won": 3}
    assert document["confidence"] == 0.9
    assert 0.9 <= document["attainment_probability"] < 0.91
    status, out, _ = run(capsys, "plan", str(EXAMPLES / "quarter.toml"), "--confidence", "0.9")
    assert out.startswith("Plan for quota 250,000 at 90% confidence")


def test_plan_json_carries_its_attainment_probability(capsys):
    _, out, _ = run(capsys, "plan", str(EXAMPLES / "quarter.toml"), "--json")
    assert round(json.loads(out)["attainment_probability"], 4) == 0.5773
    _, out, _ = run(capsys, "plan", str(EXAMPLES / "quarter.toml"), "--rounding", "none", "--json")
    assert "attainment_probability" not in json.loads(out)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--confidence", "1.5"], "confidence"),
        (["--confidence", "nan"], "confidence"),
        (["--confidence", "0.9", "--rounding", "none"], "rounding='none'"),
    ],
)
def test_plan_bad_confidence(capsys, extra, message):
    status, out, err = run(capsys, "plan", str(EXAMPLES / "quarter.toml"), *extra)
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_plan_confidence_that_is_not_a_number_is_bad_input(capsys):
    status, _, err = run(capsys, "plan", str(EXAMPLES / "quarter.toml"), "--confidence", "sure")
    assert status == 1
    assert err == (
        "salesmath plan: error: --confidence: confidence must be a probability strictly "
        "between 0 and 1, such as 0.9 or \"90%\", got 'sure'\n"
    )


def test_plan_confidence_reads_a_percentage(capsys):
    status, out, _ = run(capsys, "plan", str(EXAMPLES / "quarter.toml"), "--confidence", "90%")
    assert status == 0
    assert "Plan for quota 250,000 at 90% confidence" in out
    assert "activities  1,329" in out


# -- compare -------------------------------------------------------------------


def test_compare_enterprise_team(capsys):
    status, out, err = run(capsys, "compare", str(EXAMPLES / "enterprise_team.csv"))
    assert status == 0, err
    assert out.startswith(
        "Top vs bottom third by bookings: 4 of 12 reps each; the top books 4.21× the bottom\n"
    )
    assert out.rstrip().endswith(
        "Top third (4 reps by bookings) books 4.21× the bottom third; "
        "deal size explains 57.6% of the gap and the demos-to-won rate 42.4%."
    )


def test_compare_json_and_options(capsys):
    args = (
        "compare",
        str(EXAMPLES / "enterprise_team.csv"),
        "--stages",
        "activities,discos,demos,won",
    )
    status, out, _ = run(capsys, *args, "--by", "attainment", "--exclude", "Avery", "--json")
    assert status == 0
    document = json.loads(out)
    assert document["by"] == "attainment"
    assert len(document["top"]) == len(document["bottom"]) == 3
    assert document["excluded"] == ["Avery"]
    assert "Avery" not in document["top"] + document["bottom"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--by", "charm"], "charm"),
        (["--exclude", "Nobody"], "Nobody"),
        (["--stages", "calls,won"], "calls"),
    ],
)
def test_compare_bad_input(capsys, extra, message):
    status, out, err = run(capsys, "compare", str(EXAMPLES / "enterprise_team.csv"), *extra)
    assert status == 1
    assert out == ""
    assert err.startswith("salesmath compare: error: ")
    assert err.count("\n") == 1
    assert message in err


def test_compare_of_a_file_with_no_stage_columns_says_how_to_name_them(capsys):
    status, _, err = run(capsys, "compare", str(EXAMPLES / "quarter.toml"))
    assert status == 1
    assert "needs a column per stage" in err
    assert "(on the command line, --stages a,b,c)" in err


def test_compare_malformed_csv_names_the_line(capsys, tmp_path):
    path = write(
        tmp_path, "team.csv", "rep,demos,won,bookings\nana,9,3,300\nbo,9,x,100\ncy,9,1,50\n"
    )
    status, _, err = run(capsys, "compare", path)
    assert status == 1
    assert "line 3" in err
    status, _, err = run(capsys, "compare", str(tmp_path / "none.csv"))
    assert status == 1
    assert "none.csv" in err


# -- capacity ------------------------------------------------------------------

CAPACITY = (
    "capacity",
    str(EXAMPLES / "capacity_team.csv"),
    "--funnel",
    str(EXAMPLES / "capacity_assumptions.toml"),
)


def test_capacity_story_team(capsys):
    # The $3M story from capacity-before-hiring.txt: 3 of 8 reps below the model, more than 25%.
    status, out, err = run(capsys, *CAPACITY)
    assert status == 0, err
    assert out.startswith("Capacity against the model: 3 of 8 reps (37.5%) below (limit 25%)\n")
    assert (
        "Don't hire yet: 3 of 8 reps (37.5%) are below the model (limit 25%); closing their gaps adds 147,000"
        in out
    )


def test_capacity_json_and_benchmarks(capsys):
    status, out, _ = run(capsys, *CAPACITY, "--months", "12", "--json")
    assert status == 0
    document = json.loads(out)
    assert document["ready_to_hire"] is False
    assert document["headroom"] == 147_000
    assert [rep["rep"] for rep in document["underutilized"]] == ["fay", "gus", "hal"]
    assert "team" not in document
    assert "benchmarks" in document
    status, out, _ = run(capsys, *CAPACITY, "--max-share-below", "0.5", "--json")
    assert json.loads(out)["ready_to_hire"] is True


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--tolerance", "1"], "tolerance"),
        (["--max-share-below", "2"], "max_share_below"),
        (["--quota", "-3"], "quota"),
        (["--months", "0"], "months"),
    ],
)
def test_capacity_bad_input(capsys, extra, message):
    status, out, err = run(capsys, *CAPACITY, *extra)
    assert status == 1
    assert out == ""
    assert err.startswith("salesmath capacity: error: ")
    assert message in err


def test_capacity_needs_a_funnel_with_the_team_stages(capsys, tmp_path):
    config = write(
        tmp_path,
        "model.toml",
        GOOD_TOML.replace('"activities", "discos", "demos", "won"', '"calls", "won"').replace(
            '["1 in 50", "60%", "1/3"]', '["10%"]'
        ),
    )
    status, _, err = run(
        capsys, "capacity", str(EXAMPLES / "capacity_team.csv"), "--funnel", config
    )
    assert status == 1
    assert "calls" in err


# -- hire ----------------------------------------------------------------------

HIRE = (
    "hire",
    "--target",
    "9000000",
    "--headcount",
    "5",
    "--productivity",
    "50000",
    "--ramp",
    "0,0.25,0.5,0.75,1",
)


def test_hire_from_flags(capsys):
    status, out, err = run(capsys, *HIRE)
    assert status == 0, err
    assert out.startswith("Hiring plan for 9,000,000 over 12 months: 13 hires\n")
    status, out, _ = run(capsys, *HIRE, "--json")
    document = json.loads(out)
    assert document["hires"] == 13
    assert document["naive_hires"] == 10


def test_hire_from_a_config_file_with_flags_over_it(capsys, tmp_path):
    config = write(
        tmp_path,
        "hire.toml",
        "target = 9_000_000\nheadcount = 5\nproductivity = 50_000\nramp = [0, 0.25, 0.5, 0.75, 1]\n",
    )
    status, out, _ = run(capsys, "hire", config, "--json")
    assert status == 0
    assert json.loads(out)["hires"] == 13
    status, out, _ = run(capsys, "hire", config, "--months", "24", "--json")
    assert status == 0
    assert json.loads(out)["months"] == 24


def test_hire_counts_capacity_headroom_first(capsys):
    team = (
        "--team",
        str(EXAMPLES / "capacity_team.csv"),
        "--funnel",
        str(EXAMPLES / "capacity_assumptions.toml"),
    )
    status, out, _ = run(capsys, *HIRE, *team)
    assert status == 0
    assert out.startswith("Capacity against the model: 3 of 8 reps (37.5%) below (limit 25%)")
    assert "The capacity report says don't hire yet: closing the team's gaps adds 147,000" in out
    assert "Once the gaps are closed, 9,000,000 in 12 months still needs 13 hires" in out
    status, out, _ = run(capsys, *HIRE, *team, "--json")
    assert json.loads(out)["headroom"] == 147_000


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["hire", "--target", "9000000"], "lacks headcount, productivity, ramp"),
        ([*HIRE[:-1], "0,0.5"], "ramp must end at full productivity"),
        ([*HIRE, "--attrition", "-0.1"], "attrition"),
        (["hire", "--target", "0", *HIRE[3:]], "target must be a finite number > 0"),
        ([*HIRE, "--team", str(EXAMPLES / "capacity_team.csv")], "--team and --funnel go together"),
    ],
)
def test_hire_bad_input(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 1
    assert out == ""
    assert err.startswith("salesmath hire: error: ")
    assert err.count("\n") == 1
    assert message in err
