"""The $3M → $9M story from "capacity before hiring", with salesmath.

A startup booked $3M with eight reps and plans $9M next year. The naive plan
triples the team: 16 hires. Before hiring, check that the team works at the
model's assumptions; then plan the hires that will pay, new reps ramping.

Run from anywhere: python examples/hiring_3m_to_9m.py
"""

import tomllib
from pathlib import Path

import salesmath as sm

HERE = Path(__file__).resolve().parent

with (HERE / "capacity_assumptions.toml").open("rb") as file:
    config = tomllib.load(file)
model = sm.Funnel(**config["funnel"])
team = sm.Team.from_csv(HERE / "capacity_team.csv", stages=model.stages)

# 1. Is the team at capacity? (the 25% rule, superstars, headroom)
report = sm.assess_capacity(team, model, quota=config["quota"])
print(report)
print()

# 2. The reference's rule of thumb for AEs: a close rate of at least 20%.
print(sm.check_benchmarks(team))
print()

# 3. The hires that will pay: 375,000 a year is 31,250 a month per ramped rep; a new
#    rep books nothing for three months, then ramps over four.
ramp = [0, 0, 0, 0.25, 0.5, 0.75, 1]
productivity = config["quota"] // 12
plan = sm.hiring_plan(
    9_000_000, headcount=len(team), productivity=productivity, ramp=ramp, capacity=report
)
print(plan.summary())
print()

# 4. Recruiting brings on four reps a month at most: is $9M in reach this year?
capped = sm.hiring_plan(
    9_000_000,
    headcount=len(team),
    productivity=productivity,
    ramp=ramp,
    attrition="20%",
    max_hires_per_month=4,
    capacity=report,
)
print(capped)
