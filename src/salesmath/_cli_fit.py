"""The ``salesmath fit`` subcommand: measure a funnel from a CRM export.

``salesmath fit records.csv --config history.toml [--by office] [--json]
[--write-funnel plan.toml]`` reads the export as the config says (the
keywords of :meth:`History.from_csv <salesmath.History.from_csv>`), prints
the measured rates with their intervals, and can write the fitted funnel as
a plan config that ``salesmath plan`` reads.

The command module wires it in with :func:`add_parser` and prints what
:func:`run` returns.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from salesmath._cli_plot import add_plot_arguments, plot_if_asked
from salesmath.errors import ConfigError, InvalidInputError
from salesmath.io import read_config

__all__ = ["FIT_KEYS", "add_parser", "funnel_toml", "run"]

FIT_KEYS = (
    "stages",
    "outcome",
    "won",
    "lost",
    "reached",
    "id",
    "rep",
    "amount",
    "created",
    "closed",
    "attributes",
    "bad_dates",
    "stage",
    "at",
    "records",
    "open",
    "as_of",
    "quota",
)
"""The keys a fit config may have: History's reading keywords, plus open, as_of and quota."""

_READ_KEYS = FIT_KEYS[:-3]


def add_parser(subparsers: Any, parents: Sequence[argparse.ArgumentParser] = ()) -> Any:
    """Register ``fit`` on the command's subparsers; `parents` carry the shared flags."""
    fit = subparsers.add_parser(
        "fit",
        parents=list(parents),
        help="measure conversion rates, deal size and days from a CRM export",
        description=(
            "Read a CSV export (one row per opportunity, or an event log) as a TOML or JSON "
            "config says (stages, outcome, won, lost, reached, id, rep, amount, created, "
            "closed, attributes; or id, stage, at, lost, records for an event log), and print "
            "each conversion rate with its 90%% interval. Open deals are left out of the "
            "stage where they sit unless the config says open = 'lost'."
        ),
        epilog=(
            "example: salesmath fit examples/crm/opportunities.csv "
            "--config examples/crm/history.toml --write-funnel plan.toml"
        ),
    )
    fit.add_argument("records", help="CSV export: one row per record, or per stage change")
    fit.add_argument("--config", required=True, help="TOML or JSON: how to read the export")
    fit.add_argument("--by", help="an attribute: rates per value (office, manager ...)")
    fit.add_argument("--open", choices=("exclude", "lost"), help="override the config's open")
    fit.add_argument("--quota", help="quota written into --write-funnel's file")
    fit.add_argument(
        "--write-funnel", metavar="PLAN", help="write the fitted funnel as a plan config (TOML)"
    )
    if not any(
        "--json" in action.option_strings for parent in parents for action in parent._actions
    ):
        fit.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_plot_arguments(fit)  # --plot PATH: the measured rates with their intervals
    fit.set_defaults(handler=run)
    return fit


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise InvalidInputError(f"cannot write {value!r} to TOML")  # pragma: no cover


def funnel_toml(funnel: Any, *, quota: object = None, source: str = "") -> str:
    """Write a funnel as a plan config that ``salesmath plan`` reads.

    Measured rates are written as ``"k of n"``, exact amounts as numbers or
    ``"p/q"`` strings, so nothing is lost.

    Examples
    --------
    >>> from salesmath import Funnel
    >>> print(funnel_toml(Funnel(stages=["demos", "won"], rates=["3 of 9"], deal_size=1000,
    ...                          days=[12]), quota=250000))
    quota = 250000
    <BLANKLINE>
    [funnel]
    stages = ["demos", "won"]
    rates = ["3 of 9"]
    deal_size = 1000
    days = [12]
    """
    from salesmath.numbers import to_json_number

    observed = funnel.observed or (None,) * len(funnel.rates)
    rates = [
        to_json_number(rate) if seen is None else str(seen)
        for rate, seen in zip(funnel.rates, observed, strict=True)
    ]
    lines = [f"# fitted by salesmath fit from {source}"] if source else []
    if quota is not None:
        lines += [f"quota = {_toml_value(to_json_number(_amount(quota)))}", ""]
    lines += [
        "[funnel]",
        f"stages = {_toml_value(list(funnel.stages))}",
        f"rates = {_toml_value(rates)}",
        f"deal_size = {_toml_value(to_json_number(funnel.deal_size))}",
    ]
    if funnel.days is not None:
        lines.append(f"days = {_toml_value([to_json_number(d) for d in funnel.days])}")
    return "\n".join(lines)


def _amount(value: object) -> Any:
    from salesmath.numbers import parse_amount

    return parse_amount(value, what="quota", positive=True)


def run(args: argparse.Namespace) -> str:
    """Fit the export named in `args` and return the text to print.

    Raises
    ------
    ConfigError
        A config file that is missing, malformed or has unknown keys.
    InvalidInputError
        Bad data in the export (with its line and column), or a fit that
        cannot be made (no decided deals at a stage).
    """
    from salesmath.history import History

    config = read_config(args.config, allowed=FIT_KEYS)
    keywords = {key: config[key] for key in _READ_KEYS if key in config}
    base = Path(args.config).resolve().parent
    records = keywords.get("records")
    if isinstance(records, str):
        side = Path(records)
        keywords["records"] = side if side.is_absolute() else base / side
    open_mode = args.open or config.get("open", "exclude")
    as_of = config.get("as_of")
    try:
        history = History.from_csv(args.records, **keywords)
    except TypeError as exc:  # a keyword the reader does not take
        raise ConfigError(f"config file {args.config!r}: {exc}") from None
    rates = history.rates(by=args.by, open=open_mode, as_of=as_of)
    funnel = None
    if args.write_funnel:
        if args.by:
            raise InvalidInputError(
                "--write-funnel writes one funnel; leave out --by (or fit each group's export)"
            )
        funnel = history.funnel(open=open_mode, as_of=as_of)
        quota = args.quota if args.quota is not None else config.get("quota")
        text = funnel_toml(funnel, quota=quota, source=str(args.records)) + "\n"
        try:
            Path(args.write_funnel).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError(f"cannot write {args.write_funnel!r}: {exc}") from None
    wrote = plot_if_asked(args, rates)
    if getattr(args, "json", False):
        document: dict[str, Any] = {
            "history": {
                "records": history.records,
                "won": history.won,
                "lost": history.lost,
                "open": history.open,
                "as_of": None if history.as_of is None else history.as_of.isoformat(),
            },
            "rates": json.loads(rates.model_dump_json()),
        }
        if funnel is not None:
            document["funnel"] = json.loads(funnel.model_dump_json())
        return json.dumps(document, indent=2)
    parts = [history.summary(), "", rates.to_text(), "", rates.summary()]
    if args.write_funnel:
        parts += ["", f"Wrote the fitted funnel to {args.write_funnel}: salesmath plan reads it."]
    return "\n".join(parts) + wrote
