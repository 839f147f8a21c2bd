"""Loaders: a team's rows from CSV files, plain records and data frames; config files.

Everything that turns outside data into the plain rows a
:class:`~salesmath.Team` is built from lives here: reading a CSV file (every
error names the file and the line), reading records and data frames, the
rules for blank cells, and the one rule for telling which columns are stages
when they are not named.  ``team.py`` builds the models from these rows;
this module knows nothing of them (it imports no model, so there is no
import circle).  The ``salesmath`` command reads its TOML/JSON config files
with :func:`read_config`.

Which columns are stages
------------------------
A team's rows have the columns ``rep``, one per stage, ``bookings`` and,
optionally, ``quota``, ``cycle_days``, ``role`` and ``segment``.  When the
stages are not named (``stages=None``), :func:`infer_stages` takes them from
the columns, and only when the layout leaves no doubt: the known columns are
set aside and every other column must sit between ``rep`` and ``bookings``
(the layout ``Team.to_frame()`` and the examples use), must not look like a
known column (``quotaa``, ``Bookings``), and there must be at least two.
Anything else (a ``tenure_months`` or ``manager`` column after ``bookings``,
a typo) is refused with an error that lists the candidate columns and says
to pass ``stages=`` (``--stages`` on the command line): salesmath never
guesses which numbers are stage counts.  A column between ``rep`` and
``bookings`` that holds text is caught row by row, with the same advice.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import json
import math
import tomllib
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Final

from salesmath.errors import ConfigError, InvalidInputError, LimitError
from salesmath.numbers import MAX_ITEMS, parse_list, parse_name

__all__ = [
    "KNOWN_COLUMNS",
    "MAX_COLUMNS",
    "MAX_CONFIG_BYTES",
    "OPTIONAL_COLUMNS",
    "STAGES_FIX",
    "FrameColumns",
    "Rows",
    "cell_text",
    "check_columns",
    "infer_stages",
    "inferred_note",
    "is_blank",
    "narwhals_quietly",
    "read_config",
    "read_csv",
    "read_frame",
    "read_frame_columns",
    "read_records",
    "rep_fields",
]

KNOWN_COLUMNS: Final = ("rep", "bookings", "quota", "cycle_days", "role", "segment")
"""The columns of a rep's row besides its stage counts."""

OPTIONAL_COLUMNS: Final = ("quota", "cycle_days", "role", "segment")
"""The known columns a row may leave empty."""

_TEXT_COLUMNS: Final = frozenset(("rep", "role", "segment"))

MAX_COLUMNS: Final = 10_000
"""The most columns a team's table may have."""

MAX_CONFIG_BYTES: Final = 1_000_000
"""The largest config file :func:`read_config` reads."""

STAGES_FIX: Final = (
    "name the stages, top to bottom, with stages=[...] (on the command line, --stages a,b,c)"
)
"""The fix every stage-inference error ends with."""


@dataclass(frozen=True)
class Rows:
    """Rows read from one source, each with the place it came from.

    Attributes
    ----------
    source
        The source, for messages: a file name, ``"records"``, ``"the frame"``.
    columns
        The column names, normalised (see :func:`~salesmath.numbers.parse_name`),
        in the source's order.
    rows
        ``(place, row)`` pairs: where the row is (``"team.csv, line 3"``,
        ``"row 2"``) and the row as a mapping of column to raw value.
    """

    source: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, Mapping[str, Any]], ...]


# -- cells ----------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing: None, blank text, NaN, or pandas' NA/NaT.

    A blank optional cell means "not given"; a blank required cell is an
    error.

    Examples
    --------
    >>> [is_blank(v) for v in (None, "  ", float("nan"), 0, "0")]
    [True, True, True, False, False]
    """
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def cell_text(value: object) -> str:
    """Read a text cell as text: a whole float (a name read as ``12.0``) loses its ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _column(raw: object, cache: dict[object, str], *, where: str) -> str:
    """Normalise one column name (strip, NFC, invisible characters dropped), cached."""
    name = cache.get(raw)
    if name is None:
        text = raw if isinstance(raw, str) else str(raw)
        name = cache[raw] = parse_name(text, what=f"{where}: column name")
    return name


def _columns(raw: Iterable[object], *, where: str) -> tuple[str, ...]:
    """Normalise column names and refuse two that are one name (or too many columns)."""
    cache: dict[object, str] = {}
    names: dict[str, object] = {}
    for count, item in enumerate(raw, start=1):
        if count > MAX_COLUMNS:
            raise LimitError(
                f"{where}: more than {MAX_COLUMNS:,} columns (salesmath's limit); "
                f"keep the rep, stage and known columns"
            )
        name = _column(item, cache, where=where)
        if name in names:
            first = names[name]
            if first == item:
                raise InvalidInputError(f"{where}: column {name!r} appears twice; keep one")
            raise InvalidInputError(
                f"{where}: columns {first!r} and {item!r} are one name, {name!r}, once spaces "
                f"and invisible characters are dropped; keep one"
            )
        names[name] = item
    return tuple(names)


# -- which columns are stages ---------------------------------------------------------


def _lookalike(column: str) -> str | None:
    """Return the known column that `column` looks like a misspelling of, if any."""
    folded = column.casefold().replace(" ", "_").replace("-", "_")
    if folded in KNOWN_COLUMNS:
        return folded
    close = difflib.get_close_matches(folded, KNOWN_COLUMNS, n=1, cutoff=0.8)
    return close[0] if close else None


def _listed(names: Sequence[str], limit: int = 30) -> str:
    """Quote `names` for a message, the first `limit` of them."""
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def check_columns(columns: Sequence[str], stages: Sequence[str], *, source: str) -> None:
    """Check that `columns` hold ``rep``, every stage and ``bookings``.

    Raises
    ------
    InvalidInputError
        Naming the missing columns and the columns there are.

    Examples
    --------
    >>> check_columns(["rep", "demos", "bookings"], ["demos", "won"], source="team.csv")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: team.csv is missing the column 'won'; its columns are 'rep', 'demos', 'bookings' (needed: 'rep', one per stage, 'bookings')
    """
    present = set(columns)
    missing = [c for c in ("rep", *stages, "bookings") if c not in present]
    if missing:
        folded = {c.casefold(): c for c in columns}
        hints = [
            f"{folded[name.casefold()]!r} to {name!r}"
            for name in missing
            if name.casefold() in folded
        ]
        hint = f"; names are case-sensitive: rename {', '.join(hints)}" if hints else ""
        raise InvalidInputError(
            f"{source} is missing the column{'s' if len(missing) > 1 else ''} "
            f"{_listed(missing)}; its columns are {_listed(columns)} "
            f"(needed: 'rep', one per stage, 'bookings'){hint}"
        )


def infer_stages(columns: Sequence[str], *, source: str) -> tuple[str, ...]:
    """Tell the stage columns from the others, or refuse when there is any doubt.

    The rule (never a guess): set the known columns (``rep``, ``bookings``,
    ``quota``, ``cycle_days``, ``role``, ``segment``) aside; every other
    column is a candidate stage.  The candidates are the stages, in column
    order, only when there are at least two, every one sits between ``rep``
    and ``bookings``, and none looks like a known column misspelt.
    Otherwise the caller must name the stages.

    Parameters
    ----------
    columns
        The column names, normalised, in order.
    source
        The source, for messages.

    Returns
    -------
    tuple of str
        The stage names, top to bottom.

    Raises
    ------
    InvalidInputError
        Listing the candidate columns, why they cannot all be stages, and
        saying to pass ``stages=`` (``--stages`` on the command line).

    Examples
    --------
    >>> infer_stages(["rep", "demos", "won", "bookings", "quota"], source="team.csv")
    ('demos', 'won')
    >>> infer_stages(["rep", "demos", "won", "bookings", "tenure_months"], source="team.csv")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: team.csv: cannot tell which columns are stages: 'tenure_months' is not between 'rep' and 'bookings', where the stage columns go (the candidates are 'demos', 'won', 'tenure_months'); name the stages, top to bottom, with stages=[...] (on the command line, --stages a,b,c)
    >>> infer_stages(["rep", "quotaa", "demos", "won", "bookings"], source="row 1")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: row 1: cannot tell which columns are stages: 'quotaa' looks like 'quota' misspelt (the candidates are 'quotaa', 'demos', 'won'); name the stages, top to bottom, with stages=[...] (on the command line, --stages a,b,c)
    """
    candidates = [c for c in columns if c not in KNOWN_COLUMNS]
    if len(candidates) < 2:
        raise InvalidInputError(
            f"{source} needs a column per stage besides {', '.join(KNOWN_COLUMNS)}; found "
            f"{candidates!r} — {STAGES_FIX}"
        )
    check_columns(columns, (), source=source)
    position = {column: i for i, column in enumerate(columns)}
    start, end = position["rep"], position["bookings"]
    problems = [
        f"{c!r} looks like {known!r} misspelt"
        for c in candidates
        if (known := _lookalike(c)) is not None
    ][:10]
    outside = [c for c in candidates if not start < position[c] < end]
    if outside:
        verb = "are" if len(outside) > 1 else "is"
        problems.append(
            f"{_listed(outside)} {verb} not between 'rep' and 'bookings', where the stage "
            f"columns go"
        )
    if problems:
        raise InvalidInputError(
            f"{source}: cannot tell which columns are stages: {'; '.join(problems)} "
            f"(the candidates are {_listed(candidates)}); {STAGES_FIX}"
        )
    return tuple(candidates)


def inferred_note(stages: Sequence[str], column: str) -> str:
    """Return the advice added to a row error when inference took `column` as a stage.

    Examples
    --------
    >>> inferred_note(["manager", "won"], "manager")
    "; 'manager' was taken as a stage because stages were not named (the stages were read as 'manager', 'won'): if it is not one, name the stages, top to bottom, with stages=[...] (on the command line, --stages a,b,c)"
    """
    return (
        f"; {column!r} was taken as a stage because stages were not named (the stages were "
        f"read as {_listed(stages)}): if it is not one, {STAGES_FIX}"
    )


# -- rows -----------------------------------------------------------------------------


def rep_fields(
    row: Mapping[str, Any], stages: Sequence[str], *, place: str, inferred: bool = False
) -> dict[str, Any]:
    """Turn a flat row into the fields of a ``RepStats``, by the blank-cell rules.

    ``rep``, every stage and ``bookings`` are required: a blank count is an
    error that says to write 0.  A blank ``quota``, ``cycle_days``, ``role``
    or ``segment`` means "not given".  Other columns are ignored.  Names are
    read as text (stripped); numbers are left for the model to read.

    Parameters
    ----------
    row
        Column → raw value, with normalised column names.
    stages
        The stage columns, top to bottom.
    place
        Where the row is, for messages.
    inferred
        Whether the stages were inferred; an error about a stage column then
        says to name the stages.

    Raises
    ------
    InvalidInputError
        If a required cell is missing or blank.

    Examples
    --------
    >>> rep_fields({"rep": " ana ", "demos": "24", "won": 11, "bookings": 5, "quota": ""},
    ...            ["demos", "won"], place="row 1")
    {'rep': 'ana', 'counts': {'demos': '24', 'won': 11}, 'bookings': 5}
    >>> rep_fields({"rep": "ana", "demos": None, "won": 1, "bookings": 5}, ["demos", "won"],
    ...            place="row 1")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: row 1: 'demos' is empty; write 0 if there were none
    """
    for column in ("rep", *stages, "bookings"):
        if column not in row:
            try:
                check_columns(tuple(row), stages, source=place)
            except InvalidInputError as exc:
                note = inferred_note(stages, column) if inferred and column in stages else ""
                raise InvalidInputError(f"{exc}{note}") from None
        if is_blank(row[column]):
            fix = "give the rep's name" if column == "rep" else "write 0 if there were none"
            note = inferred_note(stages, column) if inferred and column in stages else ""
            raise InvalidInputError(f"{place}: {column!r} is empty; {fix}{note}")
    fields: dict[str, Any] = {
        "rep": cell_text(row["rep"]),
        "counts": {stage: row[stage] for stage in stages},
        "bookings": row["bookings"],
    }
    for column in OPTIONAL_COLUMNS:
        value = row.get(column)
        if not is_blank(value):
            fields[column] = cell_text(value) if column in _TEXT_COLUMNS else value
    return fields


def _normalised(row: Mapping[Any, Any], cache: dict[object, str], *, place: str) -> dict[str, Any]:
    """`row` with normalised keys; two keys that are one name are refused."""
    if len(row) > MAX_COLUMNS:
        raise LimitError(f"{place} has more than {MAX_COLUMNS:,} keys (salesmath's limit)")
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = _column(key, cache, where=place)
        if name in out:
            raise InvalidInputError(
                f"{place}: two keys are one name, {name!r}, once spaces and invisible "
                f"characters are dropped; keep one"
            )
        out[name] = value
    return out


def read_records(records: object) -> tuple[list[Any], tuple[str, ...]]:
    """Read plain rows: a list of mappings (other items are passed through).

    Each mapping's keys are normalised (stripped, NFC, invisible characters
    dropped).  Items that are not mappings (a ``RepStats``) are returned as
    they are, for the caller to judge.

    Returns
    -------
    items, columns
        The rows, and every key of every mapping, in the order first seen.

    Raises
    ------
    InvalidInputError
        If `records` is not a list of rows, is empty, or a row has two keys
        that are one name.

    Examples
    --------
    >>> read_records([{"rep": "ana", "won ": 3}, {"rep": "bo", "won": 1, "note": ""}])
    ([{'rep': 'ana', 'won': 3}, {'rep': 'bo', 'won': 1, 'note': ''}], ('rep', 'won', 'note'))
    >>> read_records(None)
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: records must be a list of rows (mappings of column to value, or RepStats), got None
    """
    rule = "records must be a list of rows (mappings of column to value, or RepStats)"
    if hasattr(records, "columns") and hasattr(records, "shape"):
        raise InvalidInputError(f"{rule}, got a data frame; use Team.from_frame(frame)")
    try:
        items = parse_list(records, what="records")
    except LimitError:
        raise
    except InvalidInputError:
        raise InvalidInputError(f"{rule}, got {_short(records)}") from None
    if not items:
        raise InvalidInputError("records is empty; give at least one rep's row")
    cache: dict[object, str] = {}
    columns: dict[str, None] = {}
    for i, item in enumerate(items):
        if isinstance(item, Mapping):
            items[i] = row = _normalised(item, cache, place=f"row {i + 1}")
            columns.update(dict.fromkeys(row))
    if len(columns) > MAX_COLUMNS:
        raise LimitError(f"records have more than {MAX_COLUMNS:,} keys (salesmath's limit)")
    return items, tuple(columns)


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_csv(
    path: str | Path, *, check_header: Callable[[tuple[str, ...], str], object] | None = None
) -> Rows:
    r"""Read a CSV file with a header row into rows, each placed by its line number.

    The file is UTF-8 (a byte-order mark is fine).  Column names are
    normalised; a column without a name is ignored when all its cells are
    empty (a trailing comma) and refused otherwise.  Blank lines are skipped.

    Parameters
    ----------
    path
        The CSV file.
    check_header
        Called with the column names and the source right after the header
        is read, before any row, so that a file that is not what the caller
        needs (no stage columns: a config file given by mistake) is refused
        for that rather than for its first odd row.

    Raises
    ------
    InvalidInputError
        If the file cannot be read, is not CSV, has no header or no rows, has
        two columns of one name, or a row with the wrong number of cells:
        the message gives the file and the line.
    LimitError
        If the file has more than ``MAX_ITEMS`` rows.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "team.csv"
    >>> _ = path.write_text("rep,won ,bookings,\nana,3,300,\n\nbo,1,100,\n")
    >>> rows = read_csv(path)
    >>> rows.columns, [place.split(", ")[-1] for place, _ in rows.rows]
    (('rep', 'won', 'bookings'), ['line 2', 'line 4'])
    >>> rows.rows[1][1]
    {'rep': 'bo', 'won': '1', 'bookings': '100'}
    """
    source = str(_path(path, what="path"))
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise InvalidInputError(f"{source} is empty; it needs a header row")
            named = [i for i, name in enumerate(header) if name.strip()]
            unnamed = [i for i, name in enumerate(header) if not name.strip()]
            columns = _columns((header[i] for i in named), where=f"{source}, line 1")
            if check_header is not None:
                check_header(columns, source)
            rows = list(_csv_rows(reader, source, columns, named, unnamed, len(header)))
    except OSError as exc:
        raise InvalidInputError(f"cannot read {source}: {exc.strerror or exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{source} is not a readable CSV file: {exc}") from None
    if not rows:
        raise InvalidInputError(f"{source} has a header but no rep rows")
    return Rows(source=source, columns=columns, rows=tuple(rows))


def _csv_rows(
    reader: Any,
    source: str,
    columns: tuple[str, ...],
    named: list[int],
    unnamed: list[int],
    width: int,
) -> Iterator[tuple[str, dict[str, Any]]]:
    count = 0
    for cells in reader:
        place = f"{source}, line {reader.line_num}"
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != width:
            raise InvalidInputError(
                f"{place}: {len(cells)} cells, but the header has {width} columns"
            )
        for i in unnamed:
            if cells[i].strip():
                raise InvalidInputError(
                    f"{place}: column {i + 1} has no name in the header but holds "
                    f"{cells[i]!r}; name the column or empty it"
                )
        count += 1
        _check_length(count, source=source)
        yield place, dict(zip(columns, (cells[i] for i in named), strict=True))


def read_frame(frame: object) -> Rows:
    """Read a data frame into rows.

    A pandas frame's rows are placed by their index labels (``row 11``), and
    an index named ``rep`` is read as the ``rep`` column, as
    ``Team.to_frame()`` writes it.  Any other frame narwhals supports
    (polars, pyarrow; a lazy frame is collected) is read the same way, its
    rows placed by position from 0.  pandas and narwhals are imported only
    here.

    Raises
    ------
    InvalidInputError
        If `frame` is not a data frame (a list of rows belongs in
        ``Team.from_records``), or has no rows.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = read_frame(pd.DataFrame({"won": [3, 1]}, index=pd.Index(["ana", "bo"], name="rep")))
    >>> rows.columns, rows.rows[1]
    (('rep', 'won'), ('row 1', {'rep': 'bo', 'won': 1}))
    >>> read_frame([{"rep": "ana"}])
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: frame must be a data frame (pandas, polars, pyarrow ...), got a list; for a list of rows use Team.from_records(rows)
    """
    source = "the frame"
    if type(frame).__module__.split(".")[0] == "pandas" and hasattr(frame, "columns"):
        pandas_frame: Any = frame
        if "rep" not in pandas_frame.columns and pandas_frame.index.name == "rep":
            pandas_frame = pandas_frame.reset_index()
        columns = _columns(pandas_frame.columns, where=source)
        _check_length(len(pandas_frame), source=source)
        labels = list(pandas_frame.index)
        records = pandas_frame.to_dict("records")
        places = [f"row {label!r}" for label in labels]
    else:
        native = _narwhals_rows(frame)
        if native is None:
            raise _not_a_frame(frame)
        raw_columns, records = native
        columns = _columns(raw_columns, where=source)
        places = [f"row {i}" for i in range(len(records))]
    if not records:
        raise InvalidInputError(f"{source} has no rows")
    rows = tuple(
        (place, dict(zip(columns, record.values(), strict=True)))
        for place, record in zip(places, records, strict=True)
    )
    return Rows(source=source, columns=columns, rows=rows)


@dataclass(frozen=True)
class FrameColumns:
    """A data frame read column by column: normalised names, and each column as a numpy array.

    ``place(i)`` names row `i` in messages (a pandas frame by its index
    label, any other by its position from 0); ``row(i)`` is that row as a
    mapping of normalised column → Python value, for the row-by-row reader
    to give its exact message.
    """

    source: str
    columns: tuple[str, ...]
    rows: int
    _get: Callable[[str], Any]
    _row: Callable[[int], Sequence[Any]]
    _label: Callable[[int], object] | None = None

    def array(self, column: str) -> Any:
        """Return one column (a normalised name) as a one-dimensional numpy array."""
        return self._get(column)

    def row(self, i: int) -> dict[str, Any]:
        """Return row `i` as normalised column → Python value."""
        return dict(zip(self.columns, self._row(i), strict=True))

    def place(self, i: int) -> str:
        """Name row `i` for a message: ``row 'x'`` by a pandas label, else ``row 3``."""
        return f"row {i}" if self._label is None else f"row {self._label(i)!r}"


def read_frame_columns(frame: object) -> FrameColumns:
    """Read a data frame column by column, as :func:`read_frame` reads it row by row.

    The same rules: a pandas frame's index named ``rep`` is the ``rep``
    column; any other frame narwhals supports is read through narwhals (a
    lazy frame is collected).  No Python object is made per row.

    Raises
    ------
    InvalidInputError
        If `frame` is not a data frame, or has no rows.
    LimitError
        If it has more than ``MAX_ITEMS`` rows or ``MAX_COLUMNS`` columns.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({" won": [3, 1]}, index=pd.Index(["a", "b"], name="rep"))
    >>> read = read_frame_columns(frame)
    >>> read.columns, read.array("won").tolist(), read.place(1), read.row(1)
    (('rep', 'won'), [3, 1], 'row 1', {'rep': 'b', 'won': 1})
    """
    source = "the frame"
    if type(frame).__module__.split(".")[0] == "pandas" and hasattr(frame, "columns"):
        pandas_frame: Any = frame
        if "rep" not in pandas_frame.columns and pandas_frame.index.name == "rep":
            pandas_frame = pandas_frame.reset_index()
        raw = list(pandas_frame.columns)
        columns = _columns(raw, where=source)
        _check_length(len(pandas_frame), source=source)
        by_name = dict(zip(columns, range(len(raw)), strict=True))
        index = pandas_frame.index

        def get(column: str) -> Any:
            return pandas_frame.iloc[:, by_name[column]].to_numpy()

        def row(i: int) -> Sequence[Any]:
            return list(pandas_frame.iloc[[i]].to_dict("records")[0].values())

        def label(i: int) -> object:
            return index[i : i + 1].tolist()[0]  # a Python value, as read_frame names rows

        read = FrameColumns(source, columns, len(pandas_frame), get, row, label)
    else:
        import narwhals as nw

        data = _from_native(frame)
        if not isinstance(data, nw.DataFrame):
            raise _not_a_frame(frame)
        _check_length(len(data), source=source)
        raw = list(data.columns)
        columns = _columns(raw, where=source)
        named = dict(zip(columns, raw, strict=True))
        frame_data = data

        def get(column: str) -> Any:
            return frame_data.get_column(named[column]).to_numpy()

        def row(i: int) -> Sequence[Any]:
            return list(frame_data.row(i))

        read = FrameColumns(source, columns, len(data), get, row)
    if not read.rows:
        raise InvalidInputError(f"{source} has no rows")
    return read


def _not_a_frame(frame: object) -> InvalidInputError:
    """Return the error for a value that is not a data frame (a list of rows says where to go)."""
    simple = frame is None or isinstance(frame, str | int | float)
    what = _short(frame) if simple else f"a {type(frame).__name__}"
    fix = (
        "; for a list of rows use Team.from_records(rows)"
        if isinstance(frame, list | tuple)
        else ""
    )
    return InvalidInputError(
        f"frame must be a data frame (pandas, polars, pyarrow ...), got {what}{fix}"
    )


@contextlib.contextmanager
def narwhals_quietly() -> Iterator[None]:
    """Hide narwhals' notice that Dask support moves to a separate package.

    It is narwhals' news, not the user's problem; every narwhals call that
    may meet a Dask frame (reading it, collecting it) runs inside this.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Dask support is moving", category=FutureWarning)
        yield


def _from_native(frame: object) -> Any:
    """Return `frame` as an eager narwhals frame (a lazy one collected), or None if it is none."""
    import narwhals as nw

    with narwhals_quietly():
        try:
            data: Any = nw.from_native(frame)
        except TypeError:
            return None
        if isinstance(data, nw.LazyFrame):
            data = data.collect()
    return data


def _check_length(rows: int, *, source: str) -> None:
    if rows > MAX_ITEMS:
        raise LimitError(f"{source} has more than {MAX_ITEMS:,} rows (salesmath's limit)")


def _narwhals_rows(frame: object) -> tuple[list[Any], list[dict[str, Any]]] | None:
    """Return a frame's column names and rows through narwhals, or None if it is no frame."""
    import narwhals as nw

    data = _from_native(frame)
    if not isinstance(data, nw.DataFrame):
        return None
    _check_length(len(data), source="the frame")
    return list(data.columns), list(data.rows(named=True))


def _path(value: object, *, what: str) -> Path:
    """Read a file path: text or a path-like object."""
    if isinstance(value, str | PathLike):
        return Path(value)
    raise InvalidInputError(f"{what} must be a file path (text or a Path), got {_short(value)}")


# -- config files ---------------------------------------------------------------------


def read_config(path: str | Path, *, allowed: Sequence[str]) -> dict[str, Any]:
    r"""Read a TOML or JSON config file into a dict, checking its top-level keys.

    The format is chosen by the suffix (``.toml`` or ``.json``); any other
    suffix is tried as TOML, then as JSON.

    Parameters
    ----------
    path
        The config file.
    allowed
        The top-level keys the file may have.

    Raises
    ------
    ConfigError
        If the file is missing, unreadable, not TOML/JSON, not a table at the
        top, or has a key outside `allowed`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.toml"
    >>> _ = path.write_text('quota = 250000\n[funnel]\nstages = ["demos", "won"]\n')
    >>> read_config(path, allowed=["quota", "funnel"])
    {'quota': 250000, 'funnel': {'stages': ['demos', 'won']}}
    >>> read_config(path, allowed=["funnel"])
    Traceback (most recent call last):
    ...
    salesmath.errors.ConfigError: config file '...plan.toml' has unknown key(s) 'quota'; the known keys are 'funnel'
    """
    path = _path(path, what="config path")
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"config file {str(path)!r} is larger than {MAX_CONFIG_BYTES:,} bytes "
                f"(salesmath's limit); a config holds a few keys"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"cannot read config file {str(path)!r}: {reason}") from None

    def as_toml() -> Any:
        return tomllib.loads(text)

    def as_json() -> Any:
        return json.loads(text)

    suffix = path.suffix.lower()
    readers = {".toml": [as_toml], ".json": [as_json]}.get(suffix, [as_toml, as_json])
    problems = []
    for reader in readers:
        try:
            data = reader()
            break
        except (ValueError, RecursionError) as exc:  # the decode errors are ValueErrors
            problems.append(str(exc))
    else:
        kind = {".toml": "TOML", ".json": "JSON"}.get(suffix, "TOML or JSON")
        raise ConfigError(f"config file {str(path)!r} is not valid {kind}: {problems[-1]}")
    if not isinstance(data, dict):
        raise ConfigError(f"config file {str(path)!r} must hold a table/object at the top")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ConfigError(
            f"config file {str(path)!r} has unknown key(s) {', '.join(map(repr, unknown))}; "
            f"the known keys are {', '.join(map(repr, allowed))}"
        )
    return data
