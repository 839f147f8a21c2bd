"""The example notebooks run top to bottom, are kept without outputs, and display tables.

Each notebook in ``examples/`` runs in a fresh kernel (nbclient) from its own
folder, as a reader opening it in Jupyter would.  A notebook that raises
fails its test.  The plan's rich display in the notebook is checked against
the exact HTML table a reader sees (STYLE habit 7).
"""

import functools
import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))

# The worked example's plan as a notebook shows it (its _repr_html_), cell by cell.
PLAN_HTML = (
    "<div><table><caption>Plan for quota 250,000: 3 deals at 84,000 book 252,000</caption>"
    '<thead><tr><th style="text-align: left">stage</th><th style="text-align: right">count</th>'
    '<th style="text-align: right">to next</th><th style="text-align: right">coverage</th>'
    "</tr></thead><tbody>"
    '<tr><td style="text-align: left">activities</td><td style="text-align: right">750</td>'
    '<td style="text-align: right">2%</td><td style="text-align: right">250×</td></tr>'
    '<tr><td style="text-align: left">discos</td><td style="text-align: right">15</td>'
    '<td style="text-align: right">60%</td><td style="text-align: right">5×</td></tr>'
    '<tr><td style="text-align: left">demos</td><td style="text-align: right">9</td>'
    '<td style="text-align: right">1/3 (33.3%)</td><td style="text-align: right">3×</td></tr>'
    '<tr><td style="text-align: left">won</td><td style="text-align: right">3</td>'
    '<td style="text-align: right">—</td><td style="text-align: right">1×</td></tr>'
    "</tbody></table>"
    "<p>Chance to reach quota from 750 activities: 57.7% "
    "(conversions independent, deal size fixed).</p></div>"
)


def _run(path: Path):
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


@functools.cache
def _ran(name: str):
    """A notebook, run once for all the tests that read it (a failing one fails its own tests)."""
    return _run(EXAMPLES / f"{name}.ipynb")


def test_the_four_example_notebooks_exist():
    assert [path.stem for path in NOTEBOOKS] == [
        "capacity_before_hiring",
        "crm_export_to_plan",
        "plan_a_quarter",
        "top_vs_bottom_third",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_kept_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: clear the outputs before committing"
            assert cell["execution_count"] is None
    nbformat.validate(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4))


@pytest.mark.parametrize("name", [path.stem for path in NOTEBOOKS])
def test_notebook_runs_top_to_bottom_and_draws_its_plots(name):
    notebook = _ran(name)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)  # every cell ran
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    plots = [o for cell in code for o in cell.outputs if "image/png" in o.get("data", {})]
    # one picture per cell that draws (every `...plot...;` cell)
    drawing = [cell for cell in code if "plot" in cell.source.splitlines()[-1]]
    assert len(plots) == len(drawing) > 0


def test_notebook_shows_the_plan_as_the_exact_html_table():
    notebook = _ran("plan_a_quarter")
    [cell] = [c for c in notebook.cells if c.cell_type == "code" and c.source.endswith("\nplan")]
    [output] = cell.outputs
    assert output.output_type == "execute_result"
    assert output.data["text/html"] == PLAN_HTML
    assert output.data["text/plain"].startswith("QuotaPlan(")
