"""Draw the docs' pictures from the docs' own code, and render the example notebooks.

Run from anywhere before ``mkdocs build`` (``.ci/run`` does)::

    python docs/make_figures.py

- every code block of ``docs/gallery.md`` that follows a
  ``<!-- figure: NAME -->`` line runs, in order, in one namespace (a block
  may use what an earlier one made), from the repository's root; the axes
  it leaves in ``ax`` are saved as ``docs/images/NAME.png``.  So the
  pictures in the site are always what the code beside them draws.  The
  README's picture is ``worked_example.png``; a test checks that the
  committed file is still what this script draws.
- every notebook ``examples/*.ipynb`` runs top to bottom (nbclient) and is
  written as a page ``docs/notebooks/NAME.md`` with its outputs (tables as
  HTML, plots as PNG files beside it).

``python docs/make_figures.py --figures`` draws the figures only.
"""

from __future__ import annotations

import base64
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
GALLERY = DOCS / "gallery.md"
IMAGES = DOCS / "images"
NOTEBOOKS = DOCS / "notebooks"
EXAMPLES = ROOT / "examples"
DPI = 100
"""Pixels per inch of every picture (a 7 × 4 inch figure is 700 × 400 pixels)."""

_FIGURE = re.compile(r"^<!-- figure: (\w+) -->\n```python\n(.*?)^```", re.M | re.S)


def blocks(text: str | None = None) -> dict[str, str]:
    """Return the gallery's figure blocks, name → code, in page order.

    Examples
    --------
    >>> page = "<!-- figure: one -->\\n```python\\nax = 1\\n```\\n"
    >>> blocks(page)
    {'one': 'ax = 1\\n'}
    >>> list(blocks())[0]
    'worked_example'
    """
    page = GALLERY.read_text(encoding="utf-8") if text is None else text
    return dict(_FIGURE.findall(page))


@contextmanager
def _drawing() -> Iterator[None]:
    """Draw off screen, with matplotlib's default style, from the repository's root."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    here = Path.cwd()
    os.chdir(ROOT)
    try:
        with plt.style.context("default"):
            yield
    finally:
        os.chdir(here)


def figures(only: str | None = None) -> Iterator[tuple[str, Any]]:
    """Run the gallery's blocks in order; yield each block's name and figure.

    With `only`, stop after that block (the blocks before it still run:
    it may use what they made).
    """
    namespace: dict[str, Any] = {"__name__": "gallery"}
    with _drawing():
        for name, code in blocks().items():
            namespace.pop("ax", None)
            exec(compile(code, f"{GALLERY.name}:{name}", "exec"), namespace)
            if "ax" not in namespace:
                raise SystemExit(f"{GALLERY.name}: the block of figure {name!r} sets no 'ax'")
            yield name, namespace["ax"].figure
            if name == only:
                return


def worked_example() -> Any:
    """Return the figure of the worked example's funnel (the README's picture)."""
    for name, figure in figures(only="worked_example"):
        if name == "worked_example":
            return figure
    raise SystemExit("docs/gallery.md has no 'worked_example' figure")  # pragma: no cover


def save(figure: Any, path: Path) -> None:
    """Save `figure` as a PNG at :data:`DPI`, with no date in it (same code, same bytes)."""
    import matplotlib.pyplot as plt

    figure.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(figure)


def make_figures() -> list[Path]:
    """Draw every gallery figure into ``docs/images/``; return the paths written."""
    IMAGES.mkdir(exist_ok=True)
    written = []
    for name, figure in figures():
        path = IMAGES / f"{name}.png"
        save(figure, path)
        written.append(path)
    return written


# -- notebooks -----------------------------------------------------------------


def run_notebook(path: Path, *, timeout: int = 300) -> Any:
    """Run a notebook top to bottom in its own folder; return it with its outputs."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        client.execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return notebook


def _output(output: Any, stem: str, count: int, folder: Path) -> tuple[str, int]:
    """One output as Markdown; images are written beside the page."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"```text\n{output['text'].rstrip()}\n```", count
    if kind in ("execute_result", "display_data"):
        data = output.get("data", {})
        if "image/png" in data:
            count += 1
            name = f"{stem}_{count}.png"
            (folder / name).write_bytes(base64.b64decode(data["image/png"]))
            return f"![output {count}]({name})", count
        if "text/html" in data:
            return f'<div class="notebook-output">{data["text/html"]}</div>', count
        if "text/plain" in data:
            return f"```text\n{data['text/plain'].rstrip()}\n```", count
    if kind == "error":  # a notebook that fails never gets here: execute() raises
        return f"```text\n{output['ename']}: {output['evalue']}\n```", count  # pragma: no cover
    return "", count


def notebook_page(notebook: Any, stem: str, folder: Path) -> str:
    """Write a run notebook as a Markdown page (images into `folder`)."""
    parts = [
        f"<!-- Made by docs/make_figures.py from examples/{stem}.ipynb, as it ran; "
        "edit the notebook, not this page. -->",
    ]
    count = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            # a notebook's closing ";" only hides the cell's value; the page shows outputs
            source = cell.source.rstrip().removesuffix(";")
            parts.append(f"```python\n{source}\n```")
            for output in cell.get("outputs", []):
                text, count = _output(output, stem, count, folder)
                if text:
                    parts.append(text)
    parts.append(
        f"*Run it yourself: `examples/{stem}.ipynb` (kept without outputs; "
        "`pip install 'salesmath[plot]' jupyter`).*"
    )
    return "\n\n".join(parts) + "\n"


def make_notebook_pages() -> list[Path]:
    """Run every example notebook; write its page into ``docs/notebooks/``."""
    NOTEBOOKS.mkdir(exist_ok=True)
    for old in NOTEBOOKS.glob("*.png"):
        old.unlink()
    written = []
    for path in sorted(EXAMPLES.glob("*.ipynb")):
        notebook = run_notebook(path)
        page = NOTEBOOKS / f"{path.stem}.md"
        page.write_text(notebook_page(notebook, path.stem, NOTEBOOKS), encoding="utf-8")
        written.append(page)
    return written


def main(argv: list[str]) -> int:
    """Draw the figures (and, unless ``--figures``, render the notebooks)."""
    for path in make_figures():
        print(f"drew {path.relative_to(ROOT)}")
    if "--figures" not in argv:
        for path in make_notebook_pages():
            print(f"ran {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
