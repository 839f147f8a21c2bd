"""The ``salesmath`` command (also ``python -m salesmath``).

Each subcommand reads a config file and/or flags, prints a readable table or,
with ``--json``, one JSON document on stdout.  Bad input exits with status 1
and one line on stderr, never a traceback; a usage mistake exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from salesmath import __version__
from salesmath.errors import InvalidInputError, SalesmathError, describe_error
from salesmath.funnel import Funnel

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_INTERNAL = 70

Handler = Callable[[argparse.Namespace], str]


class ConfigError(InvalidInputError):
    """A config file that is missing, unreadable, malformed or incomplete."""


def read_config(path: str | Path, *, allowed: Sequence[str]) -> dict[str, Any]:
    """Read a TOML or JSON config file into a dict, checking its top-level keys.

    The format is chosen by the suffix (``.toml`` or ``.json``); any other
    suffix is tried as TOML, then as JSON.

    Raises
    ------
    ConfigError
        If the file is missing, unreadable, not TOML/JSON, not a table at the
        top, or has a key outside `allowed`.
    """
    path = Path(path)
    try:
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
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
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


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")]


def _funnel_from(args: argparse.Namespace, config: dict[str, Any], source: str) -> Funnel:
    """Build the funnel from the config's [funnel] table with flags laid over it."""
    table = config.get("funnel", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: 'funnel' must be a table with stages, rates and deal_size")
    fields = dict(table)
    overrides = {
        "stages": _split(args.stages) if args.stages else None,
        "rates": _split(args.rates) if args.rates else None,
        "deal_size": args.deal_size,
        "days": _split(args.days) if args.days else None,
    }
    fields.update({key: value for key, value in overrides.items() if value is not None})
    missing = [key for key in ("stages", "rates", "deal_size") if key not in fields]
    if missing:
        flags = ", ".join(f"--{key.replace('_', '-')}" for key in missing)
        raise ConfigError(
            f"{source} lacks funnel {', '.join(missing)}; add them under [funnel] or pass {flags}"
        )
    try:
        return Funnel(**fields)
    except ValueError as exc:
        raise InvalidInputError(f"{source}: funnel.{describe_error(exc)}") from None


def _plan(args: argparse.Namespace) -> str:
    allowed = ("quota", "rounding", "funnel")
    config = read_config(args.config, allowed=allowed) if args.config else {}
    source = f"config file {args.config!r}" if args.config else "the command line"
    funnel = _funnel_from(args, config, source)
    quota = args.quota if args.quota is not None else config.get("quota")
    if quota is None:
        raise ConfigError(f"{source} lacks quota; add 'quota = 250000' or pass --quota")
    rounding = args.rounding or config.get("rounding", "ceil")
    plan = funnel.plan(quota, rounding=rounding)
    pace = plan.pace(args.pace, unit=args.unit) if args.pace is not None else None
    if args.close_by is not None and funnel.days is None:
        raise ConfigError(
            f"--close-by needs the days of each conversion; add 'days = [...]' under [funnel] "
            f"in {source} or pass --days"
        )
    schedule = plan.schedule(args.close_by) if args.close_by is not None else None
    if args.json:
        document = plan.model_dump(mode="json")
        if pace is not None:
            document["pace"] = pace.model_dump(mode="json", include={"periods", "unit", "targets"})
        if schedule is not None:
            document["schedule"] = schedule.model_dump(mode="json", include={"close_by", "due"})
        return json.dumps(document, indent=2, ensure_ascii=False)
    parts = [plan.to_text()]
    parts += [view.to_text() for view in (pace, schedule) if view is not None]
    return "\n\n".join(parts)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``salesmath`` command."""
    parser = argparse.ArgumentParser(
        prog="salesmath",
        description="Exact sales math: invert a quota into the activity each funnel stage needs.",
    )
    parser.add_argument("--version", action="version", version=f"salesmath {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    plan = commands.add_parser(
        "plan",
        help="invert a quota into the count each stage needs",
        description=(
            "Read a TOML or JSON config with 'quota' and a [funnel] table (stages, rates, "
            "deal_size, optional days) and print the plan. Flags override the file's values, "
            "or replace the file altogether."
        ),
        epilog="example: salesmath plan examples/quarter.toml --pace 13 --unit week",
    )
    plan.add_argument("config", nargs="?", help="TOML or JSON config file (optional with flags)")
    plan.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plan.add_argument("--quota", help="quota to plan for, e.g. 250000")
    plan.add_argument("--stages", help="comma-separated stage names, top to bottom")
    plan.add_argument("--rates", help='comma-separated rates, e.g. "1 in 50,60%%,1/3"')
    plan.add_argument("--deal-size", help="average value of a won deal")
    plan.add_argument("--days", help="comma-separated typical days of each conversion")
    plan.add_argument("--rounding", choices=("ceil", "none"), help="ceil (default) or none")
    plan.add_argument(
        "--pace", type=_positive_int, metavar="PERIODS", help="also split into periods"
    )
    plan.add_argument("--unit", default="period", help="what a pace period is called (week)")
    plan.add_argument(
        "--close-by", metavar="YYYY-MM-DD", help="also schedule each stage (needs days)"
    )
    plan.set_defaults(handler=_plan)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``salesmath`` command; return its exit status.

    Examples
    --------
    >>> main(["plan", "--quota", "250000", "--stages", "activities,discos,demos,won",
    ...       "--rates", "1 in 50,60%,1/3", "--deal-size", "84000", "--json"])  # doctest: +ELLIPSIS
    {
      "funnel": {
    ...
      "counts": {
        "activities": 750,
        "discos": 15,
        "demos": 9,
        "won": 3
      },
    ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        output = handler(args)
    except (SalesmathError, ValueError) as exc:
        print(f"salesmath {args.command}: error: {describe_error(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug: still one line, never a traceback
        print(
            f"salesmath {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(please report this)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    try:
        print(output)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
