"""``--plot PATH`` on the command: write a result's picture to a file, safely.

``salesmath plan ... --plot out.png`` (and ``compare``, ``capacity``,
``hire``) draws the result with its ``plot()`` method and writes the figure
with :func:`write_plot`:

- the format comes from the file's extension (``.png``, ``.svg``, ``.pdf`` …);
- an existing file is kept unless ``--force`` is given (one clear line);
- the figure is written to a temporary file in the same directory and
  renamed into place, so a reader never sees half a file and an error (a
  full disk, a bad format) leaves no file behind.

The command module adds the flags with :func:`add_plot_arguments` and,
once a handler has its result, calls :func:`plot_if_asked`, which writes the
file when ``--plot`` was given and returns the line to add to a table.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

from salesmath.errors import InvalidInputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DPI", "FIGSIZE", "Plottable", "add_plot_arguments", "plot_if_asked", "write_plot"]

FIGSIZE: Final = (8.0, 4.5)
"""The size, in inches, of a figure the command writes."""

DPI: Final = 150
"""The resolution of a raster figure the command writes (``.png``)."""


class Plottable(Protocol):
    """A result that draws itself on a matplotlib axes."""

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw on `ax` and return it."""
        ...  # pragma: no cover


def add_plot_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--plot PATH`` and ``--force`` to a subcommand's parser.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="salesmath plan")
    >>> add_plot_arguments(parser)
    >>> parser.parse_args(["--plot", "out.png", "--force"])
    Namespace(plot='out.png', force=True)
    """
    parser.add_argument(
        "--plot",
        metavar="PATH",
        help="also draw the result to PATH (.png, .svg, .pdf; needs the plot extra)",
    )
    parser.add_argument(
        "--force", action="store_true", help="with --plot: overwrite PATH if it exists"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_plot(
    result: Plottable | Sequence[Plottable], path: str | os.PathLike[str], *, force: bool = False
) -> Path:
    """Draw `result` and write the figure to `path`, atomically.

    Parameters
    ----------
    result
        Anything with a ``plot(ax=...)`` method: every salesmath result; or a
        list of them, drawn one above the other in one figure (the year's
        plan and its objectives).
    path
        Where to write; its extension names the format (``.png``, ``.svg``, ``.pdf`` …).
    force
        Overwrite `path` when it exists; without it an existing file is kept.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InvalidInputError
        If `path` exists and `force` is false, names a directory, sits in a
        directory that does not exist, has an extension matplotlib cannot
        write, or cannot be written; or if matplotlib is not installed.
        Nothing is left at `path` (nor beside it) after an error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from salesmath import hiring_plan
    >>> plan = hiring_plan(900_000, headcount=2, productivity=25_000, ramp=[0.5, 1])
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_plot(plan, folder / "hires.png").name
    'hires.png'
    >>> write_plot(plan, folder / "hires.png")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: --plot: ... already exists; pass --force to overwrite it
    >>> write_plot(plan, folder / "hires.png", force=True).stat().st_size > 0
    True
    >>> import shutil; shutil.rmtree(folder)
    """
    target = Path(path)
    where = str(path)
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InvalidInputError(
            "--plot needs matplotlib; install it with: pip install 'salesmath[plot]'"
        ) from None
    if target.is_dir():
        raise InvalidInputError(f"--plot: {where!r} is a directory; name a file such as plan.png")
    if target.exists() and not force:
        raise InvalidInputError(f"--plot: {where!r} already exists; pass --force to overwrite it")
    folder = target.parent
    if not folder.is_dir():
        raise InvalidInputError(f"--plot: the directory {str(folder)!r} does not exist")
    results: list[Plottable] = (
        list(result) if isinstance(result, list | tuple) else [cast("Plottable", result)]
    )
    width, height = FIGSIZE
    figure = Figure(figsize=(width, height * len(results)), layout="constrained")
    formats = figure.canvas.get_supported_filetypes()
    kind = target.suffix.lower().lstrip(".")
    if kind not in formats:
        names = ", ".join(f".{name}" for name in sorted(formats))
        raise InvalidInputError(
            f"--plot: cannot tell the format of {where!r} from its extension; use one of {names}"
        )
    for row, each in enumerate(results, start=1):
        each.plot(ax=figure.add_subplot(len(results), 1, row))
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise InvalidInputError(f"--plot: cannot write {where!r}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            figure.savefig(file, format=kind, dpi=DPI)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # as an ordinary new file would be
        if force:
            os.replace(temporary, target)
        else:
            # a link fails if the file appeared meanwhile: never overwrite without --force
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise InvalidInputError(
                    f"--plot: {where!r} already exists; pass --force to overwrite it"
                ) from None
            except OSError:  # a file system without hard links
                if target.exists():
                    raise InvalidInputError(
                        f"--plot: {where!r} already exists; pass --force to overwrite it"
                    ) from None
                os.replace(temporary, target)
    except OSError as exc:
        raise InvalidInputError(f"--plot: cannot write {where!r}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return target


def plot_if_asked(args: argparse.Namespace, result: Plottable | Sequence[Plottable]) -> str:
    """Write `result`'s plot when the command got ``--plot``; return the line to print.

    The line ("Wrote the plot to out.png.", after a blank line) goes after a table; with
    ``--json`` (one JSON document on stdout) or without ``--plot`` it is empty.
    The file is written either way when ``--plot`` is given.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> add_plot_arguments(parser)
    >>> plot_if_asked(parser.parse_args([]), result=None)  # no --plot: nothing drawn
    ''
    """
    path = getattr(args, "plot", None)
    if not path:
        return ""
    written = write_plot(result, path, force=bool(getattr(args, "force", False)))
    return "" if getattr(args, "json", False) else f"\n\nWrote the plot to {written}."
