"""Every example script runs and prints what the docs say it prints."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_script_runs_cleanly(script):
    done = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=EXAMPLES.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip()


def test_plan_quarter_prints_the_worked_example():
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "plan_quarter.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "activities    750           2%      250×" in done.stdout
    assert "total         750      15      9    3" in done.stdout
