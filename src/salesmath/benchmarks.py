"""Role benchmarks: rules of thumb per role, checked before hiring more of the role.

The reference's rules (``capacity-before-hiring.txt``, "Analyze Your Sales
Capacity Utilization before Hiring"): inbound SDRs should get 200
marketing-qualified leads a month, AEs should close 20%, outbound SDRs should
make 200 touches a working day; each comes with what to do, instead of
hiring, when reps fall short.  They are data, :data:`DEFAULT_BENCHMARKS`, a
tuple of :class:`RoleBenchmark`; :func:`check_benchmarks` checks a team's
reps against them (or against your own rules) and returns a
:class:`BenchmarkReport`.

``DEFAULT_BENCHMARKS`` is built on first use, so importing salesmath builds
no model for it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Literal, overload

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from salesmath._format import RateCell, format_cell
from salesmath._stages import conversion_name, conversion_names, split_conversion
from salesmath._table import Column, Table, TabularModel, plain
from salesmath.errors import InvalidInputError, UnknownMetricError
from salesmath.numbers import Amount, Observed, parse_amount, parse_list, parse_share
from salesmath.team import RepStats, Team

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "DEFAULT_BENCHMARKS",
    "BenchmarkCheck",
    "BenchmarkReport",
    "RoleBenchmark",
    "check_benchmarks",
    "default_benchmarks",
]

ALIASES: Final = ("volume", "close_rate")
"""Metric names every funnel has: the top stage's count and the last conversion."""

_REP_METRICS: Final = ("bookings", "deal_size", "attainment", "cycle_days", "quota")
"""The per-rep metrics besides stage counts and conversions (``RepStats.metric``)."""


def _minimum(value: object) -> Fraction:
    """Read a benchmark's minimum: an amount >= 0, or a percentage ("20%") for a rate."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return parse_share(value, what="minimum")
    return parse_amount(value, what="minimum")


class RoleBenchmark(BaseModel):
    """A rule of thumb for reps of one role, and what to do when a rep falls short.

    Parameters
    ----------
    role
        The reps it applies to: their ``RepStats.role``, compared without
        regard to case or surrounding spaces.
    metric
        ``"volume"`` (the top stage's count), ``"close_rate"`` (the last
        conversion), or any name ``RepStats.metric`` knows (a stage, a
        conversion ``"<a>_to_<b>"``, ``"deal_size"``, ...).
    minimum
        The value a rep should reach, >= 0 (a rate may be written ``"20%"``).
    per
        For a count: ``"month"`` or ``"day"`` (a working day) to compare a
        rate of work; None compares the value as logged.
    action
        What to do when a rep is below, instead of hiring more of the role.
    source
        Where the rule comes from.

    Examples
    --------
    >>> RoleBenchmark(role="AE", metric="close_rate", minimum="20%",
    ...               action="coaching", source="our 2025 review").minimum
    Fraction(1, 5)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    role: str = Field(min_length=1)
    metric: str = Field(min_length=1)
    minimum: Amount
    per: Literal["month", "day"] | None = None
    action: str
    source: str = ""

    @field_validator("minimum", mode="before")
    @classmethod
    def _read_minimum(cls, value: Any) -> Fraction:
        return _minimum(value)

    def applies_to(self, rep: RepStats) -> bool:
        """Whether the rule is for the rep's role (case and surrounding spaces aside)."""
        return rep.role is not None and rep.role.strip().casefold() == self.role.strip().casefold()

    def metric_name(self, stages: Sequence[str]) -> str:
        """Return the name ``RepStats.metric`` knows for this rule's metric, with `stages`.

        Raises
        ------
        UnknownMetricError
            If the metric is neither an alias nor a metric of such a team.

        Examples
        --------
        >>> default_benchmarks()[1].metric_name(["demos", "won"])
        'demos_to_won'
        """
        if self.metric == "volume":
            return stages[0]
        if self.metric == "close_rate":
            return conversion_name(stages[-2], stages[-1])
        known = (*ALIASES, *stages, *conversion_names(stages), *_REP_METRICS)
        if self.metric not in known:
            raise UnknownMetricError(self.metric, known)
        return self.metric

    def value(
        self,
        rep: RepStats,
        *,
        span_months: Fraction | None = None,
        days_per_month: Fraction = Fraction(21),
        months: Fraction | None = None,
    ) -> Fraction | None:
        """Return the rep's value of this metric, per month or day when `per` says so.

        Parameters
        ----------
        rep
            The rep.
        span_months
            How many months the rep's counts cover (``months`` is its old name).
        days_per_month
            Working days in a month.

        Raises
        ------
        UnknownMetricError
            If the metric is unknown.
        InvalidInputError
            If a rate of work is asked for without `span_months`.

        Examples
        --------
        >>> rule = default_benchmarks()[0]
        >>> rep = RepStats(rep="ana", counts={"MQLs": 540, "won": 20}, bookings=1, role="inbound SDR")
        >>> rule.value(rep, span_months=Fraction(3))
        Fraction(180, 1)
        """
        span = span_months if span_months is not None else months
        raw = rep.metric(self.metric_name(tuple(rep.counts)))
        if raw is None or self.per is None:
            return None if raw is None else Fraction(raw)
        if span is None:
            raise InvalidInputError(
                f"benchmark {self.metric!r} per {self.per} for role {self.role!r} needs the "
                "months the team's counts cover: pass span_months=3 for a quarter of data"
            )
        return Fraction(raw) / (span if self.per == "month" else span * days_per_month)


_SOURCE: Final = (
    'capacity-before-hiring.txt, "Analyze Your Sales Capacity Utilization before Hiring"'
)


@functools.cache
def default_benchmarks() -> tuple[RoleBenchmark, ...]:
    """Return the reference's three rules of thumb (:data:`DEFAULT_BENCHMARKS`).

    Built on the first call and kept, so that importing salesmath builds no model.

    Examples
    --------
    >>> [(rule.role, rule.metric, rule.per) for rule in default_benchmarks()]
    [('inbound SDR', 'volume', 'month'), ('AE', 'close_rate', None), ('outbound SDR', 'volume', 'day')]
    """
    return (
        RoleBenchmark(
            role="inbound SDR",
            metric="volume",
            minimum=200,
            per="month",
            action="work with marketing to generate more leads before adding inbound SDRs",
            source=_SOURCE + ": 200 marketing-qualified leads a month",
        ),
        RoleBenchmark(
            role="AE",
            metric="close_rate",
            minimum=Fraction(1, 5),
            action="invest in coaching and training before hiring more AEs",
            source=_SOURCE + ": close rate of 20%",
        ),
        RoleBenchmark(
            role="outbound SDR",
            metric="volume",
            minimum=200,
            per="day",
            action=(
                "invest in a sales-acceleration tool or power dialer before adding outbound SDRs"
            ),
            source=_SOURCE + ": 200 touches a day",
        ),
    )


DEFAULT_BENCHMARKS: tuple[RoleBenchmark, ...]
"""The reference's rules of thumb: inbound SDRs get 200 MQLs a month, AEs close
20%, outbound SDRs make 200 touches a working day (top stage = MQLs or touches).
Built on first use (module ``__getattr__``), so importing builds no model."""


def __getattr__(name: str) -> tuple[RoleBenchmark, ...]:
    if name == "DEFAULT_BENCHMARKS":
        return default_benchmarks()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Defaults(Sequence[RoleBenchmark]):
    """The default of `benchmarks`: :data:`DEFAULT_BENCHMARKS`, built when first read."""

    @overload
    def __getitem__(self, index: int) -> RoleBenchmark: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RoleBenchmark]: ...
    def __getitem__(self, index: int | slice) -> RoleBenchmark | Sequence[RoleBenchmark]:
        return default_benchmarks()[index]

    def __len__(self) -> int:
        return len(default_benchmarks())

    def __repr__(self) -> str:
        return "DEFAULT_BENCHMARKS"


_DEFAULTS: Final = _Defaults()


class BenchmarkCheck(BaseModel):
    """One rep checked against one role benchmark.

    Examples
    --------
    >>> import salesmath as sm
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 20, "won": 3}, bookings=1, role="AE")])
    >>> check_benchmarks(team).checks[0]
    BenchmarkCheck(rep='bo', role='AE', metric='close_rate', value=Fraction(3, 20), minimum=Fraction(1, 5), per=None, below=True, action='invest in coaching and training before hiring more AEs', is_rate=True, observed=Observed(3, 20))
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    rep: str
    role: str
    metric: str
    value: Amount | None = Field(description="the rep's value; None when it does not exist")
    minimum: Amount
    per: Literal["month", "day"] | None = None
    below: bool
    action: str
    is_rate: bool = Field(default=False, description="the metric is a conversion rate")
    observed: Observed | None = Field(
        default=None, description="the counts a rate was measured from, when it is a rate"
    )

    @property
    def label(self) -> str:
        """The metric as the table shows it: ``"volume per month"``."""
        return self.metric + ("" if self.per is None else f" per {self.per}")


class BenchmarkReport(TabularModel):
    """Reps checked against role benchmarks.  Made by :func:`check_benchmarks`.

    The table has one row per check, with raw numbers (``to_frame()`` has a
    numeric ``value`` and ``minimum``); :meth:`summary` says it in words.

    Examples
    --------
    >>> import salesmath as sm
    >>> team = sm.Team(stages=["demos", "won"], reps=[
    ...     sm.RepStats(rep="bo", counts={"demos": 20, "won": 3}, bookings=1, role="AE")])
    >>> report = check_benchmarks(team)
    >>> report
    BenchmarkReport(checks=1, below=['bo'])
    >>> print(report.summary())
    Below their role's rule of thumb in 1 of 1 checks: bo (AE) close_rate 3 of 20 (15%), below 20%. AE: invest in coaching and training before hiring more AEs.
    """

    checks: tuple[BenchmarkCheck, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def below(self) -> tuple[BenchmarkCheck, ...]:
        """The checks a rep failed."""
        return tuple(c for c in self.checks if c.below)

    def _actions(self) -> list[str]:
        return sorted({f"{c.role}: {c.action}." for c in self.below})

    @staticmethod
    def _value(check: BenchmarkCheck) -> Fraction | None:
        """Return the rep's value as a cell: a rate with the counts it was measured from."""
        seen = check.observed
        if seen is not None:
            return RateCell.of(seen.successes, seen.trials)
        if check.is_rate and check.value is not None:
            return RateCell(check.value)
        return check.value

    @staticmethod
    def _minimum(check: BenchmarkCheck) -> Fraction:
        return RateCell(check.minimum) if check.is_rate else check.minimum

    def table(self) -> Table:
        """Return one row per check: rep, role, metric, value, minimum, below."""
        return Table(
            title=f"Role benchmarks: {len(self.below)} of {len(self.checks)} checks below",
            columns=(
                Column("rep", align="left"),
                Column("role", align="left"),
                Column("metric", align="left"),
                Column("value", format_cell),
                Column("minimum", format_cell),
                Column("below", plain),
            ),
            rows=[
                (
                    c.rep,
                    c.role,
                    c.label,
                    self._value(c),
                    self._minimum(c),
                    c.below,
                )
                for c in self.checks
            ],
            notes=self._actions(),
        )

    def summary(self) -> str:
        """Say in one paragraph which reps are below their role's rule, and what to do.

        Examples
        --------
        >>> BenchmarkReport(checks=()).summary()
        'No rep has a role that a benchmark covers: give reps a role (AE, inbound SDR, outbound SDR) or pass your own rules.'
        """
        if not self.checks:
            return (
                "No rep has a role that a benchmark covers: give reps a role "
                "(AE, inbound SDR, outbound SDR) or pass your own rules."
            )
        n, k = len(self.checks), len(self.below)
        if not k:
            return f"All {n} checks meet their role's rule of thumb."
        reps = "; ".join(
            f"{c.rep} ({c.role}) {c.label} {format_cell(self._value(c))}, "
            f"below {format_cell(self._minimum(c))}"
            for c in self.below
        )
        opening = f"Below their role's rule of thumb in {k} of {n} checks: {reps}."
        return " ".join([opening, *self._actions()])

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw each rep against their role's rule; return the matplotlib axes.

        Draws on `ax` when given, else on a new figure; `kwargs` go to the main
        drawing call.  Needs the ``plot`` extra.  See
        :func:`salesmath.plotting.plot_benchmarks`.
        """
        from salesmath.plotting import plot_benchmarks

        return plot_benchmarks(self, ax, **kwargs)

    def __repr__(self) -> str:
        return f"BenchmarkReport(checks={len(self.checks)}, below={[c.rep for c in self.below]})"


def _rules(benchmarks: object) -> list[RoleBenchmark]:
    """Read the `benchmarks` argument: a list of RoleBenchmark (or mappings of its fields)."""
    if benchmarks is None:
        raise InvalidInputError(
            "benchmarks must be a list of RoleBenchmark, got None — leave it out to check "
            "against DEFAULT_BENCHMARKS, or pass [] for no rules"
        )
    if isinstance(benchmarks, RoleBenchmark):
        raise InvalidInputError(
            "benchmarks must be a list of RoleBenchmark, got one RoleBenchmark — write [rule] "
            "for one"
        )
    rules = []
    for i, rule in enumerate(parse_list(benchmarks, what="benchmarks")):
        if isinstance(rule, Mapping):
            rule = RoleBenchmark.model_validate(rule)
        if not isinstance(rule, RoleBenchmark):
            raise InvalidInputError(
                f"benchmarks[{i}] must be a RoleBenchmark (or a mapping of its fields: role, "
                f"metric, minimum, action), got {rule!r}"[:300]
            )
        rules.append(rule)
    return rules


def check_team(team: object, *, what: str = "team") -> Team:
    """Return `team` if it is a :class:`~salesmath.Team`, else say how to make one.

    Examples
    --------
    >>> check_team("x")
    Traceback (most recent call last):
    ...
    salesmath.errors.InvalidInputError: team must be a Team (Team.from_csv, Team.from_records or Team(stages=..., reps=...)), got 'x'
    """
    if not isinstance(team, Team):
        raise InvalidInputError(
            f"{what} must be a Team (Team.from_csv, Team.from_records or "
            f"Team(stages=..., reps=...)), got {team!r}"[:300]
        )
    return team


def check_benchmarks(
    team: Team,
    benchmarks: Sequence[RoleBenchmark] = _DEFAULTS,
    *,
    span_months: object = None,
    days_per_month: object = 21,
    months: object = None,
) -> BenchmarkReport:
    """Check each rep against the benchmarks for their role.

    Parameters
    ----------
    team
        The reps' actuals; a rep is checked against every benchmark whose
        `role` matches theirs (reps without a role are not checked).
    benchmarks
        The rules: :class:`RoleBenchmark` objects (or mappings of their
        fields); the reference's three by default (:data:`DEFAULT_BENCHMARKS`).
    span_months
        How many months the team's counts cover, > 0 (3 for a quarter of
        data); needed by a rule counted per month or per day.  ``months=``
        is its old name and still works.
    days_per_month
        Working days in a month, > 0, for rules counted per day.

    Returns
    -------
    BenchmarkReport

    Raises
    ------
    InvalidInputError
        If `team` is not a Team, `benchmarks` not a list of rules,
        `span_months` or `days_per_month` not > 0, both `span_months` and
        `months` are given, or a rule needs `span_months` that was not given.
    UnknownMetricError
        If a rule that applies to a rep names a metric the team does not have.

    Examples
    --------
    >>> import salesmath as sm
    >>> team = sm.Team(stages=["MQLs", "won"], reps=[
    ...     sm.RepStats(rep="ana", counts={"MQLs": 540, "won": 20}, bookings=1, role="inbound SDR"),
    ...     sm.RepStats(rep="bo", counts={"MQLs": 90, "won": 30}, bookings=1, role="AE"),
    ... ])
    >>> print(check_benchmarks(team, span_months=3))
    Role benchmarks: 1 of 2 checks below
    rep  role         metric                       value  minimum  below
    ---  -----------  ----------------  ----------------  -------  -----
    ana  inbound SDR  volume per month               180      200    yes
    bo   AE           close_rate        30 of 90 (33.3%)      20%     no
    inbound SDR: work with marketing to generate more leads before adding inbound SDRs.
    """
    team = check_team(team)
    rules = _rules(benchmarks)
    if span_months is not None and months is not None:
        raise InvalidInputError(
            "give the months the data covers once: span_months= (months= is its old name)"
        )
    given = span_months if span_months is not None else months
    what = "months" if span_months is None else "span_months"
    span = None if given is None else parse_amount(given, what=what, positive=True)
    days = parse_amount(days_per_month, what="days_per_month", positive=True)
    checks = []
    for rep in team.reps:
        for rule in rules:
            if not rule.applies_to(rep):
                continue
            value = rule.value(rep, span_months=span, days_per_month=days)
            name = rule.metric_name(team.stages)
            pair = split_conversion(name, team.stages)
            observed = None
            if pair is not None:  # a rate: keep the counts it was measured from
                trials, successes = rep.counts[pair[0]], rep.counts[pair[1]]
                if trials > 0 and successes <= trials:
                    observed = Observed(successes, trials)
            checks.append(
                BenchmarkCheck(
                    rep=rep.rep,
                    role=rule.role,
                    metric=rule.metric,
                    value=value,
                    minimum=rule.minimum,
                    per=rule.per,
                    below=value is not None and value < rule.minimum,
                    action=rule.action,
                    is_rate=pair is not None,
                    observed=observed,
                )
            )
    return BenchmarkReport(checks=tuple(checks))
