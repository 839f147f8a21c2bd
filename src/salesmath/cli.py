"""The ``salesmath`` command (also ``python -m salesmath``).

Each subcommand reads a config file and/or flags, prints a readable table or,
with ``--json``, one JSON document on stdout.  Bad input exits with status 1
and one line on stderr, never a traceback; a usage mistake exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from salesmath import __version__
from salesmath._cli_plot import add_plot_arguments, plot_if_asked
from salesmath.errors import (
    ConfigError,
    InvalidInputError,
    SalesmathError,
    describe_error,
    error_location_and_message,
)
from salesmath.io import read_config

if TYPE_CHECKING:
    from salesmath._table import TabularModel
    from salesmath.funnel import Funnel
    from salesmath.team import Team

__all__ = ["ConfigError", "main", "read_config"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70

Handler = Callable[[argparse.Namespace], str]

PLAN_KEYS = ("quota", "rounding", "confidence", "funnel")
"""The top-level keys of a plan config (``plan``, and the model of ``capacity``/``hire``)."""


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")]


def _merge(
    config: Mapping[str, Any],
    flags: Mapping[str, Any],
    *,
    source: str,
    required: Sequence[str],
    what: str = "",
    fix: str = "add them to the config file",
) -> tuple[dict[str, Any], dict[str, str]]:
    """Lay the flags that were given over the config's values; say where each came from.

    Returns the merged values and, per key, its origin for error messages:
    ``"--rates"`` for a flag, `source` for the file.  Missing required keys
    are one error naming both ways to give them.
    """
    given = {key: value for key, value in flags.items() if value is not None}
    fields = {**config, **given}
    origin = dict.fromkeys(config, source) | {key: _flag(key) for key in given}
    missing = [key for key in required if key not in fields]
    if missing:
        options = ", ".join(_flag(key) for key in missing)
        raise ConfigError(f"{source} lacks {what}{', '.join(missing)}; {fix} or pass {options}")
    return fields, origin


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def _blame(exc: Exception, origin: Mapping[str, str], *, prefix: str = "") -> InvalidInputError:
    """Turn a model's validation error into one line that names where the bad value came from."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors(include_url=False):
            field = str(error["loc"][0]) if error["loc"] else ""
            where = origin.get(field, "")
            location, message = error_location_and_message(error)
            if where.startswith("--"):  # the flag names the field
                parts.append(f"{where}: {message}")
            elif where:
                parts.append(f"{where}: {prefix}{location}: {message}")
            else:
                parts.append(f"{location}: {message}" if location else message)
        return InvalidInputError("; ".join(parts))
    return InvalidInputError(describe_error(exc))


def _funnel_from(config: dict[str, Any], source: str, overrides: dict[str, Any]) -> Funnel:
    """Build the funnel from the config's [funnel] table with `overrides` laid over it."""
    from salesmath.funnel import Funnel

    table = config.get("funnel", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: 'funnel' must be a table with stages, rates and deal_size")
    fields, origin = _merge(
        table,
        overrides,
        source=source,
        required=("stages", "rates", "deal_size"),
        what="funnel ",
        fix="add them under [funnel]",
    )
    try:
        return Funnel(**fields)
    except ValueError as exc:
        raise _blame(exc, origin, prefix="funnel.") from None


def _flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "stages": _split(args.stages) if args.stages else None,
        "rates": _split(args.rates) if args.rates else None,
        "deal_size": args.deal_size,
        "days": _split(args.days) if args.days else None,
    }


def _render(result: TabularModel, *, as_json: bool) -> str:
    """Print a result as its table and its plain-language summary, or as JSON."""
    if as_json:
        return result.model_dump_json(indent=2)
    return f"{result.to_text()}\n\n{result.summary()}"


def _plan(args: argparse.Namespace) -> str:
    config = read_config(args.config, allowed=PLAN_KEYS) if args.config else {}
    source = f"config file {args.config!r}" if args.config else "the command line"
    funnel = _funnel_from(config, source, _flag_overrides(args))
    flags = {"quota": args.quota, "rounding": args.rounding, "confidence": args.confidence}
    top = {key: value for key, value in config.items() if key != "funnel"}
    fields, origin = _merge(
        top, flags, source=source, required=("quota",), fix="add 'quota = 250000'"
    )
    try:
        plan = funnel.plan(
            fields["quota"],
            rounding=fields.get("rounding", "ceil"),
            confidence=fields.get("confidence"),
        )
    except InvalidInputError as exc:
        culprit = next((key for key in flags if str(exc).startswith(key)), None)
        where = origin.get(culprit, source) if culprit else source
        raise InvalidInputError(f"{where}: {exc}") from None
    pace = plan.pace(args.pace, unit=args.unit) if args.pace is not None else None
    if args.close_by is not None and funnel.days is None:
        raise ConfigError(
            f"--close-by needs the days of each conversion; add 'days = [...]' under [funnel] "
            f"in {source} or pass --days"
        )
    schedule = plan.schedule(args.close_by) if args.close_by is not None else None
    wrote = plot_if_asked(args, plan)
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
    parts.append(plan.summary())  # as every subcommand: the table, then one paragraph
    return "\n\n".join(parts) + wrote


def _compare(args: argparse.Namespace) -> str:
    from salesmath.team import Team
    from salesmath.thirds import compare_thirds

    stages = _split(args.stages) if args.stages else None
    team = Team.from_csv(args.team, stages=stages)
    exclude = _split(args.exclude) if args.exclude else ()
    result = compare_thirds(team, by=args.by, exclude=exclude)
    return _render(result, as_json=args.json) + plot_if_asked(args, result)


def _model_and_team(
    model_path: str, team_path: str, stages: str | None = None
) -> tuple[dict[str, Any], Funnel, Team]:
    """Read a plan config as the model, and the team CSV with the model's stages.

    `stages` (the ``--stages`` flag) names the team CSV's stage columns when
    they differ from the model's stage names; they are matched in order.
    """
    from salesmath.team import Team

    config = read_config(model_path, allowed=PLAN_KEYS)
    funnel = _funnel_from(config, f"config file {model_path!r}", {})
    columns = _split(stages) if stages else list(funnel.stages)
    if len(columns) != len(funnel.stages):
        raise InvalidInputError(
            f"--stages names {len(columns)} columns but the model has {len(funnel.stages)} "
            f"stages ({', '.join(funnel.stages)}); name one column per stage, top to bottom"
        )
    team = Team.from_csv(team_path, stages=columns)
    if list(team.stages) != list(funnel.stages):  # the CSV's columns, in the model's names
        team = team.renamed(funnel.stages)
    return config, funnel, team


def _capacity(args: argparse.Namespace) -> str:
    from salesmath.benchmarks import check_benchmarks
    from salesmath.capacity import assess_capacity

    config, funnel, team = _model_and_team(args.funnel, args.team, args.stages)
    quota = args.quota if args.quota is not None else config.get("quota")
    report = assess_capacity(
        team,
        funnel,
        quota=quota,
        tolerance=args.tolerance,
        max_share_below=args.max_share_below,
    )
    benchmarks = (
        check_benchmarks(team, span_months=args.months) if args.months is not None else None
    )
    wrote = plot_if_asked(args, report)
    if args.json:
        # The report's own JSON carries the whole input team; the command leaves it out.
        document = report.model_dump(mode="json", exclude={"team", "funnel"})
        if benchmarks is not None:
            document["benchmarks"] = benchmarks.model_dump(mode="json", exclude={"team"})
        return json.dumps(document, indent=2, ensure_ascii=False)
    parts = [report.to_text()]  # its notes end with the verdict
    if benchmarks is not None:
        parts.append(benchmarks.to_text())
    return "\n\n".join(parts) + wrote


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
    from salesmath.capacity import assess_capacity
    from salesmath.hiring import hiring_plan

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
    fields, origin = _merge(
        config, flags, source=source, required=("target", "headcount", "productivity", "ramp")
    )
    capacity = None
    if args.team is not None or args.funnel is not None:
        if args.team is None or args.funnel is None:
            raise InvalidInputError(
                "--team and --funnel go together: the team's actuals and the model"
            )
        model, funnel, team = _model_and_team(args.funnel, args.team)
        capacity = assess_capacity(team, funnel, quota=model.get("quota"))
    target = fields.pop("target")
    try:
        result = hiring_plan(target, **fields, capacity=capacity)
    except InvalidInputError as exc:
        culprit = next((key for key in origin if str(exc).startswith(key)), None)
        raise InvalidInputError(f"{origin[culprit]}: {exc}" if culprit else str(exc)) from None
    wrote = plot_if_asked(args, result)
    if args.json or capacity is None:
        return _render(result, as_json=args.json) + wrote
    return f"{capacity.to_text()}\n\n{result.to_text()}{wrote}"  # the plan says how the two fit


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage mistakes are one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        hint = ""
        if "expected one argument" in message:
            hint = " (a value that starts with '-' is written --flag=-1,7,30)"
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}{hint}; see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``salesmath`` command.

    Flag values are passed on as written and read by the library's own
    readers, so ``--confidence 90%`` and ``--quota 250,000`` work as they do
    in a config file, and a bad value gets the library's one-line message.
    """
    parser = _Parser(
        prog="salesmath",
        description="Exact sales math: invert a quota into the activity each funnel stage needs.",
    )
    parser.add_argument("--version", action="version", version=f"salesmath {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    output = _Parser(add_help=False)
    output.add_argument("--json", action="store_true", help="print JSON instead of a table")
    shared = [output]

    plan = commands.add_parser(
        "plan",
        parents=shared,
        help="invert a quota into the count each stage needs",
        description=(
            "Read a TOML or JSON config with 'quota' and a [funnel] table (stages, rates, "
            "deal_size, optional days) and print the plan. Flags override the file's values, "
            "or replace the file altogether."
        ),
        epilog="example: salesmath plan examples/quarter.toml --pace 13 --unit week",
    )
    plan.add_argument("config", nargs="?", help="TOML or JSON config file (optional with flags)")
    plan.add_argument("--quota", help="quota to plan for, e.g. 250000")
    plan.add_argument("--stages", help="comma-separated stage names, top to bottom")
    plan.add_argument("--rates", help='comma-separated rates, e.g. "1 in 50,60%%,1/3"')
    plan.add_argument("--deal-size", help="average value of a won deal")
    plan.add_argument("--days", help="comma-separated typical days of each conversion")
    plan.add_argument("--rounding", help="ceil (the default) or none")
    plan.add_argument("--pace", metavar="PERIODS", help="also split into periods, e.g. 13")
    plan.add_argument(
        "--unit", default="period", help="what a pace period is called, e.g. week (default: period)"
    )
    plan.add_argument(
        "--close-by", metavar="YYYY-MM-DD", help="also schedule each stage (needs days)"
    )
    plan.add_argument(
        "--confidence", help="plan each stage to win with this chance, e.g. 0.9 or 90%%"
    )
    plan.set_defaults(handler=_plan)

    compare = commands.add_parser(
        "compare",
        parents=shared,
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
        "--by",
        default="bookings",
        help="rank reps by bookings, attainment or any metric (default: bookings)",
    )
    compare.add_argument("--exclude", help="comma-separated reps to leave out")
    compare.set_defaults(handler=_compare)

    capacity = commands.add_parser(
        "capacity",
        parents=shared,
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
        "--stages",
        help="the CSV's stage columns, top to bottom, one per model stage "
        "(default: the model's stage names)",
    )
    capacity.add_argument(
        "--quota", help="quota of reps without their own (overrides the config's)"
    )
    capacity.add_argument(
        "--tolerance",
        default="0",
        help="how far below an assumption still meets it, e.g. 0.05 (default: 0)",
    )
    capacity.add_argument(
        "--max-share-below",
        default="0.25",
        help="the share of reps below the model that still allows hiring (default: 0.25)",
    )
    capacity.add_argument(
        "--months", help="months the team's counts cover: also check the role rules of thumb"
    )
    capacity.set_defaults(handler=_capacity)

    hire = commands.add_parser(
        "hire",
        parents=shared,
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
    hire.add_argument("--headcount", help="fully productive reps today")
    hire.add_argument("--productivity", help="bookings of one productive rep per month")
    hire.add_argument(
        "--ramp", help="comma-separated share of productivity by month since hire, ending at 1"
    )
    hire.add_argument(
        "--attrition", help="share of reps who leave per year, e.g. 0.1 or 10%% (default: 0)"
    )
    hire.add_argument("--months", help="horizon in months (default: 12)")
    hire.add_argument(
        "--max-hires-per-month", help="recruiting capacity per month (default: no limit)"
    )
    hire.add_argument("--team", help="team CSV: count its capacity headroom before hiring")
    hire.add_argument("--funnel", help="model config for --team")
    hire.set_defaults(handler=_hire)

    for command in (plan, compare, capacity, hire):
        add_plot_arguments(command)  # --plot PATH and --force

    from salesmath import _cli_fit, _cli_year  # argparse only: the work is imported in run()

    _cli_fit.add_parser(commands, shared)
    _cli_year.add_parser(commands, shared)
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
    args = parser.parse_args(argv)  # a usage mistake: one line, exit status 2
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
