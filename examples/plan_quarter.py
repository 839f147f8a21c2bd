"""Plan a quarter from the worked example, then pace and schedule it.

Run: python examples/plan_quarter.py
"""

import salesmath as sm

funnel = sm.Funnel(
    stages=["activities", "discos", "demos", "won"],
    rates=["1 in 50", "60%", "1/3"],
    deal_size=84_000,
    days=[14, 7, 30],
)
plan = funnel.plan(250_000)
print(plan)
print()
print(plan.pace(13, unit="week"))
print()
print(plan.schedule("2026-12-31"))
print()
print("Per rep, for a team of 3 sharing 750,000:")
print(funnel.plan(750_000).per_rep(3))
