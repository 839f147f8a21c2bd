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
    )


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
            "unknown key(s) 'colour'; the known keys are 'quota', 'rounding', 'funnel'",
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
        ("plan.toml", GOOD_TOML, ["--stages", "a,a,b,c"], "stage names must be unique"),
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


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["plan", "--pace", "0"])
    assert info.value.code == 2
    assert "must be a whole number >= 1, got '0'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


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
