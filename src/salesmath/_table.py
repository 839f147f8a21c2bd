"""One table per result; text, HTML and pandas are views of it.

Every result model builds a :class:`Table` of raw values once
(``model.table()``); ``str(result)``, ``result._repr_html_()`` and
``result.to_frame()`` only render that table, so the three never disagree.

The contract (lifelines keeps its summary numeric and formats at print
time): a table's rows hold raw values (ints, Fractions, floats, None, text,
dates), never formatted text; each :class:`Column` knows how to format its
cells for people.  So ``to_frame()`` has numeric columns that can be sorted,
summed and plotted, and a value that does not exist (None) is a missing value
there, never the text "—".  Every result also has ``summary()``: one
plain-language paragraph, which the command prints.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, SupportsFloat

from pydantic import BaseModel, ConfigDict

from salesmath._format import format_cell

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Column", "Table", "TabularModel", "elided_rows", "plain"]

plain = format_cell
"""The default cell format: numbers as amounts, None as a dash."""


@dataclass(frozen=True)
class Column:
    """A table column: its heading, how to format a raw cell, and its alignment."""

    name: str
    format: Callable[[Any], str] = plain
    align: str = "right"


def _gap(value: object) -> str:
    """Return the text of every cell of the row that stands for the rows not shown."""
    return "…"


def elided_rows(
    n: int, each: int, *, limit: int, row: Callable[[int], tuple[Any, ...]], width: int
) -> tuple[list[tuple[Any, ...]], dict[tuple[int, int], Callable[[Any], str]]]:
    """Return the rows a long table shows, and the cell formats of its gap row.

    Every one of `n` rows (``row(i)``, `width` cells each) when `n` is at
    most `limit`; else the first and last `each`, with one row between them
    that reads "…" across (its cells stay empty: None in ``to_frame()``).

    Examples
    --------
    >>> rows, formats = elided_rows(5, 1, limit=3, row=lambda i: (str(i), i * 10), width=2)
    >>> rows, [f(None) for f in formats.values()]
    ([('0', 0), ('…', None), ('4', 40)], ['…'])
    """
    if n <= limit:
        return [row(i) for i in range(n)], {}
    shown = [*range(each), None, *range(n - each, n)]
    rows = [("…", *([None] * (width - 1))) if i is None else row(i) for i in shown]
    return rows, {(each, j): _gap for j in range(1, width)}


@dataclass(frozen=True)
class Table:
    """A titled table of raw values, with footnotes."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    notes: Sequence[str] = field(default_factory=tuple)
    cell_formats: Mapping[tuple[int, int], Callable[[Any], str]] = field(default_factory=dict)
    """Formats for single cells, by (row, column): a rate shown as a percentage in a
    column of amounts.  The value stays raw; only its text differs."""

    def cells(self) -> list[list[str]]:
        """Every row formatted for people."""
        cells = [
            [column.format(value) for column, value in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]
        for (i, j), formatter in self.cell_formats.items():
            cells[i][j] = formatter(self.rows[i][j])
        return cells

    def to_text(self) -> str:
        """Render as aligned plain text."""
        cells = self.cells()
        headings = [column.name for column in self.columns]
        widths = [max(len(text) for text in col) for col in zip(headings, *cells, strict=True)]

        def line(texts: Sequence[str]) -> str:
            padded = (
                text.ljust(width) if column.align == "left" else text.rjust(width)
                for text, width, column in zip(texts, widths, self.columns, strict=True)
            )
            return "  ".join(padded).rstrip()

        rule = "  ".join("-" * width for width in widths)
        body = [self.title, line(headings), rule, *(line(row) for row in cells)]
        return "\n".join([*body, *self.notes])

    def to_html(self) -> str:
        """Render as an HTML table, for notebooks."""

        def cell(tag: str, text: str, column: Column) -> str:
            return f'<{tag} style="text-align: {column.align}">{html.escape(text)}</{tag}>'

        head = "".join(cell("th", column.name, column) for column in self.columns)
        body = "".join(
            "<tr>"
            + "".join(cell("td", t, c) for t, c in zip(row, self.columns, strict=True))
            + "</tr>"
            for row in self.cells()
        )
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in self.notes)
        return (
            f"<div><table><caption>{html.escape(self.title)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}</div>"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the raw values as a pandas DataFrame (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_frame() needs pandas; install it with: pip install 'salesmath[pandas]'"
            ) from exc

        def raw(value: Any) -> Any:
            kind = type(value)
            if kind is int or kind is float or kind is str or value is None:
                return value  # the common cells first: the Protocol check below is slow
            if isinstance(value, Fraction):
                return value.numerator if value.denominator == 1 else float(value)
            if isinstance(value, SupportsFloat) and not isinstance(value, int | float):
                return float(value)  # a measured rate (Observed) is its rate, as a number
            return value

        records = [[raw(value) for value in row] for row in self.rows]
        frame = pd.DataFrame(records, columns=[column.name for column in self.columns])
        for name in frame.columns[1:]:
            values = frame[name]
            numeric = all(v is None or isinstance(v, int | float) for v in values)
            if values.dtype == object and numeric:  # e.g. every value missing: still numbers
                frame[name] = pd.to_numeric(values).astype("float64")
        return frame.set_index(self.columns[0].name)


class TabularModel(BaseModel):
    """Base of the frozen models that read as a table: text, HTML and pandas views."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Return a copy whose results (counts, draws, ...) are worked out anew.

        Pydantic's ``model_copy`` would carry over every value cached on the
        original (``functools.cached_property``), stale once `update`
        changes a field; this drops them all.  Like pydantic's, `update` is
        not validated: prefer making a new model (``funnel.plan(other_quota)``).
        """
        copy = super().model_copy(update=update, deep=deep)
        for klass in type(self).__mro__:
            for name, attribute in vars(klass).items():
                if isinstance(attribute, cached_property):
                    copy.__dict__.pop(name, None)
        return copy

    @classmethod
    def trusted(cls, cached: Mapping[str, Any] | None = None, /, **values: Any) -> Self:
        """Make a result from values already read and checked, without reading them again.

        For salesmath's own calculations, which read every input once with
        the readers in ``salesmath.numbers`` and then build their results:
        the same as ``cls(**values)`` for valid values, without the cost of
        validating them a second time.  Every field must be given.  `cached`
        holds results already worked out (values of ``cached_property``
        attributes), so that they are not worked out again.
        """
        self = cls.__new__(cls)
        object.__setattr__(self, "__dict__", {**values, **(cached or {})})
        object.__setattr__(self, "__pydantic_fields_set__", set(values))
        object.__setattr__(self, "__pydantic_extra__", None)
        object.__setattr__(self, "__pydantic_private__", None)
        return self

    def table(self) -> Table:  # pragma: no cover - every result overrides it
        """Return the table this result reads as."""
        raise NotImplementedError

    def summary(self) -> str:
        """Return one plain-language paragraph about the result.

        The default is the table's title and notes as sentences; results
        with more to say override it.
        """
        table = self.table()
        sentences = [table.title.rstrip("."), *(note.rstrip(".") for note in table.notes)]
        return ". ".join(sentences) + "."

    def __str__(self) -> str:
        return self.table().to_text()

    def to_text(self) -> str:
        """Return the result as a plain-text table (what ``print`` shows)."""
        return self.table().to_text()

    def _repr_html_(self) -> str:
        return self.table().to_html()

    def to_frame(self) -> pd.DataFrame:
        """Return the result's table as a pandas DataFrame (needs pandas)."""
        return self.table().to_frame()
