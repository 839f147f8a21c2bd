"""The ``salesmath year`` subcommand: plan the year from a config file.

``salesmath year CONFIG [--target T] [--start S] [--months N] [--json]``
reads a TOML or JSON config with the keywords of
:func:`~salesmath.annual.annual_plan` (``target``, ``start``, ``headcount``,
``productivity``, ``ramp`` and the optional rest), an optional ``[funnel]``
table (the activity each month and a ramped rep's quota need), an optional
``[cascade]`` table (team or rep = weight: the year's quota split to the
cent; ``cascade_method`` ``"weights"``, ``"even"`` or ``"bottom_up"``) and
optional ``[[okrs]]`` (an objective and its key results, scored as a plan
scores them).  A config may hold OKRs alone.

The command module wires it in with :func:`add_parser` and prints what
:func:`run` returns.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from typing import Any

from salesmath._cli_plot import add_plot_arguments, plot_if_asked
from salesmath.errors import ConfigError, InvalidInputError, SalesmathError, construct

__all__ = ["PLAN_KEYS", "YEAR_KEYS", "add_parser", "run"]

PLAN_KEYS = (
    "target",
    "start",
    "months",
    "seasonality",
    "headcount",
    "ramping",
    "productivity",
    "ramp",
    "attrition",
    "hires",
    "max_hires_per_month",
    "judgement",
    "headroom",
    "over_assignment",
    "attainment",
)
"""The keys of a year config that are :func:`~salesmath.annual.annual_plan`'s keywords."""

YEAR_KEYS = (*PLAN_KEYS, "funnel", "cascade", "cascade_method", "okrs")
"""Every key a year config may have: the plan's, ``funnel``, ``cascade``, ``cascade_method``, ``okrs``."""

_REQUIRED = ("target", "start", "headcount", "productivity", "ramp")


def add_parser(subparsers: Any, parents: Sequence[argparse.ArgumentParser] = ()) -> Any:
    """Register ``year`` on the command's subparsers; `parents` carry the shared ``--json``."""
    year = subparsers.add_parser(
        "year",
        parents=list(parents),
        help="plan the year from a growth target: targets, capacity, hires, quotas, OKRs",
        description=(
            "Read a TOML or JSON config (target, start, headcount, productivity, ramp; "
            "optional months, seasonality, attrition, ramping, hires, max_hires_per_month, "
            "judgement, headroom, over_assignment, attainment, a [funnel] table, a [cascade] "
            "table of weights and [[okrs]]) and print the year month by month: target, "
            "quota, ramped rep equivalents, capacity, gap and hires."
        ),
        epilog="example: salesmath year examples/year_3m_to_9m.toml",
    )
    year.add_argument("config", help="TOML or JSON config file")
    year.add_argument("--target", help="bookings to reach over the horizon (overrides the file)")
    year.add_argument("--start", help="this year's bookings (overrides the file)")
    year.add_argument("--months", help="the horizon in months (overrides the file)")
    if not any(
        "--json" in action.option_strings for parent in parents for action in parent._actions
    ):
        year.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_plot_arguments(year)  # --plot PATH: the plan, its cascade and each objective, stacked
    year.set_defaults(handler=run)
    return year


def _table(config: Mapping[str, Any], key: str, source: str, what: str) -> dict[str, Any] | None:
    value = config.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: '{key}' must be a table of {what}, got {value!r}"[:300])
    return value


def _funnel(config: Mapping[str, Any], source: str) -> Any:
    from salesmath.funnel import Funnel

    table = _table(config, "funnel", source, "stages, rates and deal_size")
    if table is None:
        return None
    missing = [key for key in ("stages", "rates", "deal_size") if key not in table]
    if missing:
        raise ConfigError(f"{source} lacks funnel {', '.join(missing)}; add them under [funnel]")
    try:
        return construct(Funnel, **table)
    except (SalesmathError, ValueError) as exc:
        from salesmath.errors import describe_error

        raise InvalidInputError(f"{source}: funnel: {describe_error(exc)}") from None


def _objectives(config: Mapping[str, Any], source: str) -> list[Any]:
    from salesmath.annual import KeyResult, Objective

    okrs = config.get("okrs", [])
    if not isinstance(okrs, list) or not all(isinstance(okr, dict) for okr in okrs):
        raise ConfigError(
            f"{source}: 'okrs' must be a list of tables ([[okrs]]) with an objective and "
            "key_results"
        )
    objectives = []
    for i, okr in enumerate(okrs):
        where = f"{source}: okrs[{i}]"
        unknown = sorted(set(okr) - {"objective", "key_results"})
        if unknown or "objective" not in okr or not isinstance(okr.get("key_results"), list):
            raise ConfigError(
                f"{where} must have an 'objective' and a list of 'key_results' (and nothing "
                f"else), got keys {sorted(okr)}"
            )
        results = []
        for j, kr in enumerate(okr["key_results"]):
            if not isinstance(kr, dict):
                raise ConfigError(
                    f"{where}.key_results[{j}] must be a table such as "
                    '{ text = "200 qualified leads", actual = 240 }'
                )
            try:
                if "text" in kr:
                    extra = sorted(set(kr) - {"text", "actual", "name"})
                    if extra:
                        raise ConfigError(
                            f"a key result with text has only 'actual' and 'name' beside it, "
                            f"got {', '.join(map(repr, extra))}"
                        )
                    results.append(
                        KeyResult.from_text(
                            kr["text"], actual=kr.get("actual"), name=kr.get("name")
                        )
                    )
                else:
                    results.append(construct(KeyResult, **kr))
            except (SalesmathError, ValueError) as exc:
                from salesmath.errors import describe_error

                raise InvalidInputError(
                    f"{where}.key_results[{j}]: {describe_error(exc)}"
                ) from None
        try:
            objectives.append(construct(Objective, name=okr["objective"], key_results=results))
        except (SalesmathError, ValueError) as exc:
            from salesmath.errors import describe_error

            raise InvalidInputError(f"{where}: {describe_error(exc)}") from None
    return objectives


def run(args: argparse.Namespace) -> str:
    """Plan the year from ``args.config`` (flags override it); return the text to print.

    Raises
    ------
    ConfigError
        If the file is missing, not TOML/JSON, has an unknown key, or lacks
        a key the plan needs.
    InvalidInputError
        If a value is bad; the message names the file and the key.
    """
    from salesmath.annual import annual_plan
    from salesmath.io import read_config

    config = read_config(args.config, allowed=YEAR_KEYS)
    source = f"config file {args.config!r}"
    flags = {"target": args.target, "start": args.start, "months": args.months}
    fields = {key: value for key, value in config.items() if key in PLAN_KEYS}
    fields |= {key: value for key, value in flags.items() if value is not None}
    objectives = _objectives(config, source)
    if not objectives and not fields.keys() & set(_REQUIRED):
        raise ConfigError(
            f"{source} has no plan and no OKRs: add target, start, headcount, productivity "
            "and ramp, or [[okrs]]"
        )
    plan = None
    if fields:
        missing = [key for key in _REQUIRED if key not in fields]
        if missing:
            raise ConfigError(
                f"{source} lacks {', '.join(missing)}; add them to the config file"
                + (" or pass " + ", ".join(f"--{k}" for k in missing if k in flags))
                * any(k in flags for k in missing)
            )
        target = fields.pop("target")
        funnel = _funnel(config, source)
        try:
            plan = annual_plan(target, **fields, funnel=funnel)
        except InvalidInputError as exc:
            given = {key for key, value in flags.items() if value is not None}
            culprit = next((key for key in (*flags, *fields) if str(exc).startswith(key)), None)
            where = f"--{culprit}" if culprit in given else source
            raise InvalidInputError(f"{where}: {exc}") from None
    elif config.get("funnel") is not None or config.get("cascade") is not None:
        raise ConfigError(
            f"{source}: [funnel] and [cascade] need a plan: add target, start, headcount, "
            "productivity and ramp"
        )
    split = None
    weights = _table(config, "cascade", source, "team or rep = weight")
    if plan is not None and weights is not None:
        try:
            split = plan.quota_cascade(weights, method=config.get("cascade_method", "weights"))
        except InvalidInputError as exc:
            raise InvalidInputError(f"{source}: cascade: {exc}") from None
    # the picture holds what the text does: the plan, its cascade and each objective
    drawn = [view for view in (plan, split) if view is not None] + list(objectives)
    wrote = plot_if_asked(args, drawn)
    if args.json:
        document: dict[str, Any] = {}
        if plan is not None:
            document["plan"] = plan.model_dump(mode="json", exclude={"funnel"})
            rep = plan.rep_plan()
            if rep is not None:
                document["rep_plan"] = rep.model_dump(mode="json", exclude={"funnel"})
        if split is not None:
            document["cascade"] = split.model_dump(mode="json")
        if objectives:
            document["okrs"] = [objective.model_dump(mode="json") for objective in objectives]
        return json.dumps(document, indent=2, ensure_ascii=False)
    parts = []
    if plan is not None:
        parts.append(plan.to_text())  # its notes say what the summary says
    if split is not None:
        parts.append(split.to_text())
    parts += [objective.to_text() for objective in objectives]
    return "\n\n".join(parts) + wrote
