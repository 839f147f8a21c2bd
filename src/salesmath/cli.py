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
from salesmath._table import TabularModel
from salesmath.capacity import assess_capacity, check_benchmarks
from salesmath.errors import InvalidInputError, SalesmathError, describe_error
from salesmath.funnel import Funnel
from salesmath.hiring import hiring_plan
from salesmath.team import Team
from salesmath.thirds import compare_thirds

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_INTERNAL = 70

Handler = Callable[[argparse.Namespace], str]

PLAN_KEYS = ("quota", "rounding", "confidence", "funnel")
"""The top-level keys of a plan config (``plan``, and the model of ``capacity``/``hire``)."""


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


def _funnel_from(config: dict[str, Any], source: str, overrides: dict[str, Any]) -> Funnel:
    """Build the funnel from the config's [funnel] table with `overrides` laid over it."""
    table = config.get("funnel", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: 'funnel' must be a table with stages, rates and deal_size")
    fields = {**table, **{key: value for key, value in overrides.items() if value is not None}}
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


def _flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "stages": _split(args.stages) if args.stages else None,
        "rates": _split(args.rates) if args.rates else None,
        "deal_size": args.deal_size,
        "days": _split(args.days) if args.days else None,
    }


def _render(result: TabularModel, *, as_json: bool, summary: str | None = None) -> str:
    """Print a result as its table (and a plain-language summary) or as JSON."""
    if as_json:
        return result.model_dump_json(indent=2)
    return result.to_text() if summary is None else f"{result.to_text()}\n\n{summary}"


def _plan(args: argparse.Namespace) -> str:
    config = read_config(args.config, allowed=PLAN_KEYS) if args.config else {}
    source = f"config file {args.config!r}" if args.config else "the command line"
    funnel = _funnel_from(config, source, _flag_overrides(args))
    quota = args.quota if args.quota is not None else config.get("quota")
    if quota is None:
        raise ConfigError(f"{source} lacks quota; add 'quota = 250000' or pass --quota")
    rounding = args.rounding or config.get("rounding", "ceil")
    confidence = args.confidence if args.confidence is not None else config.get("confidence")
    plan = funnel.plan(quota, rounding=rounding, confidence=confidence)
    pace = plan.pace(args.pace, unit=args.unit) if args.pace is not None else None
    if args.close_by is not None and funnel.days is None:
        raise ConfigError(
            f"--close-by needs the days of each conversion; add 'days = [...]' under [funnel] "
            f"in {source} or pass --days"
        )
    schedule = plan.schedule(args.close_by) if args.close_by is not None else None
    if args.json:
        document = plan.model_dump(mode="json")
        if plan.rounding == "ceil":
            document["attainment_probability"] = plan.attainment_probability()
        if pace is not None:
            document["pace"] = pace.model_dump(mode="json", include={"periods", "unit", "targets"})
        if schedule is not None:
            document["schedule"] = schedule.model_dump(mode="json", include={"close_by", "due"})
        return json.dumps(document, indent=2, ensure_ascii=False)
    parts = [plan.to_text()]
    parts += [view.to_text() for view in (pace, schedule) if view is not None]
    return "\n\n".join(parts)


def _compare(args: argparse.Namespace) -> str:
    stages = _split(args.stages) if args.stages else None
    team = Team.from_csv(args.team, stages=stages)
    exclude = _split(args.exclude) if args.exclude else ()
    result = compare_thirds(team, by=args.by, exclude=exclude)
    return _render(result, as_json=args.json, summary=result.summary())


def _model_and_team(model_path: str, team_path: str) -> tuple[dict[str, Any], Funnel, Team]:
    """Read a plan config as the model, and the team CSV with the model's stages."""
    config = read_config(model_path, allowed=PLAN_KEYS)
    funnel = _funnel_from(config, f"config file {model_path!r}", {})
    return config, funnel, Team.from_csv(team_path, stages=funnel.stages)


def _capacity(args: argparse.Namespace) -> str:
    config, funnel, team = _model_and_team(args.funnel, args.team)
    quota = args.quota if args.quota is not None else config.get("quota")
    report = assess_capacity(
        team,
        funnel,
        quota=quota,
        tolerance=args.tolerance,
        max_share_below=args.max_share_below,
    )
    benchmarks = check_benchmarks(team, months=args.months) if args.months is not None else None
    if args.json:
        # The report's own JSON carries the whole input team; the command leaves it out.
        document = report.model_dump(mode="json", exclude={"team", "assumptions"})
        if benchmarks is not None:
            document["benchmarks"] = benchmarks.model_dump(mode="json", exclude={"team"})
        return json.dumps(document, indent=2, ensure_ascii=False)
    parts = [report.to_text()]  # the table ends with the verdict
    if benchmarks is not None:
        parts.append(benchmarks.to_text())
    return "\n\n".join(parts)


_HIRE_KEYS = (
    "target",
    "headcount",
    "productivity",
    "ramp",
    "attrition",
    "months",
    "max_hires_per_month",
)


def _hire(args: argparse.Namespace) -> str:
    config = read_config(args.config, allowed=_HIRE_KEYS) if args.config else {}
    source = f"config file {args.config!r}" if args.config else "the command line"
    flags = {
        "target": args.target,
        "headcount": args.headcount,
        "productivity": args.productivity,
        "ramp": _split(args.ramp) if args.ramp else None,
        "attrition": args.attrition,
        "months": args.months,
        "max_hires_per_month": args.max_hires_per_month,
    }
    fields = {**config, **{key: value for key, value in flags.items() if value is not None}}
    missing = [key for key in ("target", "headcount", "productivity", "ramp") if key not in fields]
    if missing:
        names = ", ".join(missing)
        options = ", ".join(f"--{key.replace('_', '-')}" for key in missing)
        raise ConfigError(f"{source} lacks {names}; add them to the config file or pass {options}")
    capacity = None
    if args.team is not None or args.funnel is not None:
        if args.team is None or args.funnel is None:
            raise InvalidInputError(
                "--team and --funnel go together: the team's actuals and the model"
            )
        model, funnel, team = _model_and_team(args.funnel, args.team)
        capacity = assess_capacity(team, funnel, quota=model.get("quota"))
    target = fields.pop("target")
    result = hiring_plan(target, **fields, capacity=capacity)
    if args.json or capacity is None:
        return _render(result, as_json=args.json)
    return f"{capacity.verdict}\n\n{result.to_text()}"


def _probability(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a probability such as 0.9, got {text!r}"
        ) from None


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None


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
    plan.add_argument(
        "--confidence",
        type=_probability,
        help="plan each stage to win at this probability, e.g. 0.9",
    )
    plan.set_defaults(handler=_plan)

    compare = commands.add_parser(
        "compare",
        help="compare the top third of reps with the bottom third",
        description=(
            "Read a team CSV (columns: rep, one per stage, bookings, optional quota, "
            "cycle_days, role, segment) and say which funnel factors explain the gap "
            "between the top and bottom thirds."
        ),
        epilog="example: salesmath compare examples/enterprise_team.csv --stages activities,discos,demos,won",
    )
    compare.add_argument("team", help="team CSV file, one row per rep")
    compare.add_argument(
        "--stages", help="comma-separated stage columns, top to bottom (default: inferred)"
    )
    compare.add_argument(
        "--by", default="bookings", help="rank reps by bookings (default), attainment or any metric"
    )
    compare.add_argument("--exclude", help="comma-separated reps to leave out")
    compare.add_argument("--json", action="store_true", help="print JSON instead of a table")
    compare.set_defaults(handler=_compare)

    capacity = commands.add_parser(
        "capacity",
        help="flag underutilized reps before hiring",
        description=(
            "Check each rep of a team CSV against the model in a plan config ([funnel] table; "
            "its quota, if any, is the quota of reps without their own)."
        ),
        epilog="example: salesmath capacity examples/capacity_team.csv --funnel examples/capacity_assumptions.toml",
    )
    capacity.add_argument("team", help="team CSV file, one row per rep")
    capacity.add_argument(
        "--funnel", required=True, help="TOML or JSON config with the model's [funnel]"
    )
    capacity.add_argument(
        "--quota", help="quota of reps without their own (overrides the config's)"
    )
    capacity.add_argument(
        "--tolerance", default="0", help="how far below an assumption still meets it (0.05)"
    )
    capacity.add_argument(
        "--max-share-below",
        default="0.25",
        help="the share of reps below the model that still allows hiring",
    )
    capacity.add_argument(
        "--months", help="months the team's counts cover: also check the role rules of thumb"
    )
    capacity.add_argument("--json", action="store_true", help="print JSON instead of a table")
    capacity.set_defaults(handler=_capacity)

    hire = commands.add_parser(
        "hire",
        help="plan the fewest hires that reach a bookings target",
        description=(
            "Plan hires by month, given today's headcount, a rep's monthly productivity and a "
            "ramp; with --team and --funnel, closing the team's capacity gaps counts first. "
            "Values may come from a TOML/JSON config with the same names; flags override it."
        ),
        epilog="example: salesmath hire --target 9000000 --headcount 5 --productivity 50000 --ramp 0,0.25,0.5,0.75,1",
    )
    hire.add_argument("config", nargs="?", help="TOML or JSON config (optional with flags)")
    hire.add_argument("--target", help="bookings to reach over the horizon")
    hire.add_argument("--headcount", type=_whole_number, help="fully productive reps today")
    hire.add_argument("--productivity", help="bookings of one productive rep per month")
    hire.add_argument(
        "--ramp", help="comma-separated share of productivity by month since hire, ending at 1"
    )
    hire.add_argument("--attrition", help="share of reps who leave per year (0.1)")
    hire.add_argument("--months", type=_whole_number, help="horizon in months (default 12)")
    hire.add_argument(
        "--max-hires-per-month", type=_whole_number, help="recruiting capacity per month"
    )
    hire.add_argument("--team", help="team CSV: count its capacity headroom before hiring")
    hire.add_argument("--funnel", help="model config for --team")
    hire.add_argument("--json", action="store_true", help="print JSON instead of a table")
    hire.set_defaults(handler=_hire)
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
