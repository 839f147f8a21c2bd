"""Generate the example CRM export: opportunities, a stage-event log, a roster.

And, apart from the export, a set of won deals with known mix and price effects.

A seeded, made-up B2B sales team of 20 reps (two hired too recently to own a
deal yet) in three offices under four managers, selling three products over
a year, creating more pipeline as the year goes on.  Each opportunity starts in discovery and moves to demo, proposal and
won, or is lost along the way, at each rep's own true rates; the time spent
at a stage does not depend on how the stage ends.  The export is taken on
2026-06-30, so the deals still in progress that day are open, sitting at the
stage they had reached.

Run ``python examples/crm/generate.py`` to write, next to this script:

- ``opportunities.csv``: one row per opportunity (status is the current
  stage, "Closed Won" or "Closed Lost"; dates of reaching demo and proposal);
- ``events.csv``: one row per stage change (``discovery``, ``demo``,
  ``proposal``, ``won`` or ``lost``, with its date);
- ``roster.csv``: every rep, with manager, office, role and annual quota;
- ``mix_effects.csv``: a second, separate set of won deals by the same reps
  (seeded with ``MIX_SEED``, drawn after and apart from the rest, so the
  other files do not depend on it), made with a known product-mix effect
  and a known price effect per office (below);
- ``truth.json``: the generator's true rates, per rep and pooled, and under
  ``"mix_effects"`` the true mix and price parts of ``mix_effects.csv``.

The pooled true rate of a conversion is the share of the opportunities that
reach its upper stage expected to go on, given each rep's volume and rates:
``sum_r N_r A_r p_r / sum_r N_r A_r`` (``A_r`` the chance that the rep's
opportunity reaches the upper stage).  A rate measured from the export
estimates it; the open deals, left out, do not bias it, because how long a
deal waits says nothing about how it ends.

The export itself gives every rep the same chances of each product
(``PRODUCT_MIX``), so any mix difference between reps in it is luck.
``mix_effects.csv`` is where the mix and the price are known: each office
sells its own product mix (``OFFICE_MIX``: Boston a rich one, Austin mostly
Core) and realises its own share of list price (``OFFICE_PRICE``: Austin
discounts 10%).  Each selling rep wins between 120 and 199 deals over the
year (uniform), each a product drawn with the rep's office mix, worth
``list price x office price x lognormal(0, MIX_SIGMA)`` rounded to 10.  So
comparing Boston's reps with Austin's, the expected share of product p is
``OFFICE_MIX[office][p]`` and the expected average value
``PRODUCTS[p] * OFFICE_PRICE[office] * exp(MIX_SIGMA**2 / 2)``; the
symmetric (Shapley) split of those expectations (the one
``salesmath.mix.deal_size_mix`` makes, see docs/mix.md) gives the true mix
part and price part, written to ``truth.json`` (``mix_effects.expected``).
An estimate from the drawn deals differs from them by sampling error only.

Only numpy and the standard library are needed.
"""

from __future__ import annotations

import csv
import itertools
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np

SEED = 20260630
AS_OF = date(2026, 6, 30)
START = date(2025, 7, 1)
STAGES = ["discovery", "demo", "proposal", "won"]
BASE_RATES = [0.60, 0.50, 0.45]
MEAN_DAYS = [14.0, 25.0, 45.0]  # days spent in discovery, demo, proposal
PRODUCTS = {"Core": 12_000, "Pro": 30_000, "Enterprise": 80_000}
PRODUCT_MIX = [0.55, 0.33, 0.12]
OFFICES = {
    "Boston": ["Dana Whitfield", "Luis Ortega"],
    "Denver": ["Priya Raman"],
    "Austin": ["Tom Becker"],
}
REPS = [
    "Avery Cole",
    "Blake Moreno",
    "Casey Lin",
    "Drew Patel",
    "Emery Stone",
    "Finley Brooks",
    "Gray Nakamura",
    "Harper Quinn",
    "Indy Alvarez",
    "Jules Meyer",
    "Kai Thornton",
    "Logan Reyes",
    "Morgan Ellis",
    "Noor Haddad",
    "Oakley Ward",
    "Parker Singh",
    "Quinn Abbott",
    "Riley Chen",
    "Sage Dubois",
    "Taylor Okafor",
]
NEW_HIRES = {"Sage Dubois", "Taylor Okafor"}
# mix_effects.csv: a known product mix and a known price realisation per office
MIX_SEED = 20260701
OFFICE_MIX = {
    "Boston": [0.40, 0.35, 0.25],
    "Denver": [0.55, 0.33, 0.12],
    "Austin": [0.70, 0.25, 0.05],
}
OFFICE_PRICE = {"Boston": 1.00, "Denver": 0.97, "Austin": 0.90}
MIX_SIGMA = 0.25
MIX_WON = (120, 200)  # won deals per selling rep: uniform integers, the upper bound excluded
MIX_GROUPS = ("Boston", "Austin")  # the comparison with known parts: top, bottom

HERE = Path(__file__).resolve().parent


def _team(rng: np.random.Generator) -> list[dict[str, object]]:
    """Each rep's manager, office, volume, rates and deal-size multiplier."""
    managers = [(office, manager) for office, names in OFFICES.items() for manager in names]
    team = []
    for i, name in enumerate(REPS):
        office, manager = managers[i % len(managers)]
        skill = float(rng.uniform(0.75, 1.25))
        rates = [
            BASE_RATES[0] * float(rng.uniform(0.9, 1.1)),
            min(0.95, BASE_RATES[1] * skill),
            min(0.95, BASE_RATES[2] * float(rng.uniform(0.8, 1.2)) * (0.5 + skill / 2)),
        ]
        team.append(
            {
                "rep": name,
                "manager": manager,
                "office": office,
                "volume": 0 if name in NEW_HIRES else int(rng.integers(100, 260)),
                "rates": rates,
                "size": float(rng.uniform(0.8, 1.3)),
                "hired": (START - timedelta(days=int(rng.integers(60, 900))))
                if name not in NEW_HIRES
                else AS_OF - timedelta(days=int(rng.integers(10, 40))),
            }
        )
    return team


def pooled_truth(team: list[dict[str, object]]) -> list[float]:
    """The pooled true rate of each conversion, given the reps' volumes and rates."""
    truth = []
    for i in range(len(BASE_RATES)):
        reach = conv = 0.0
        for rep in team:
            rates = rep["rates"]
            assert isinstance(rates, list)
            volume = float(rep["volume"])  # type: ignore[arg-type]
            arrive = volume * float(np.prod(rates[:i]))
            reach += arrive
            conv += arrive * rates[i]
        truth.append(conv / reach)
    return truth


def generate(seed: int = SEED) -> dict[str, list[dict[str, object]]]:
    """Build the opportunities, events and roster rows (nothing written)."""
    rng = np.random.default_rng(seed)
    team = _team(rng)
    span = (AS_OF - START).days
    opportunities: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    number = 0
    for rep in team:
        rates = rep["rates"]
        assert isinstance(rates, list)
        for _ in range(int(rep["volume"])):  # type: ignore[call-overload]
            number += 1
            # a growing team: more pipeline created lately (density rising 1 to 2)
            created = START + timedelta(days=int(span * (np.sqrt(1 + 3 * rng.random()) - 1)))
            product = str(rng.choice(list(PRODUCTS), p=PRODUCT_MIX))
            amount = int(
                round(PRODUCTS[product] * float(rep["size"]) * rng.lognormal(0, 0.25), -1)  # type: ignore[arg-type]
            )
            oid = f"OPP-{number:05d}"
            row: dict[str, object] = {
                "opportunity_id": oid,
                "account": f"Account {int(rng.integers(1, 1200)):04d}",
                "rep": rep["rep"],
                "manager": rep["manager"],
                "office": rep["office"],
                "product": product,
                "created": created.isoformat(),
                "demo_date": "",
                "proposal_date": "",
                "closed": "",
                "status": "",
                "amount": amount,
            }
            events.append({"opportunity_id": oid, "stage": "discovery", "at": created.isoformat()})
            when = created
            status = "Discovery"
            for i, rate in enumerate(rates):
                wait = max(1, round(rng.gamma(2.0, MEAN_DAYS[i] / 2.0)))
                goes_on = bool(rng.random() < rate)
                when = when + timedelta(days=wait)
                if when > AS_OF:  # still sitting at this stage on export day
                    break
                if not goes_on:
                    status = "Closed Lost"
                    row["closed"] = when.isoformat()
                    events.append({"opportunity_id": oid, "stage": "lost", "at": when.isoformat()})
                    break
                nxt = STAGES[i + 1]
                events.append({"opportunity_id": oid, "stage": nxt, "at": when.isoformat()})
                if nxt == "won":
                    status = "Closed Won"
                    row["closed"] = when.isoformat()
                else:
                    status = nxt.capitalize()
                    row[f"{nxt}_date"] = when.isoformat()
            row["status"] = status
            opportunities.append(row)
    roster = [
        {
            "rep": rep["rep"],
            "manager": rep["manager"],
            "office": rep["office"],
            "role": "AE",
            "quota": 600_000,
            "hired": rep["hired"].isoformat(),  # type: ignore[attr-defined]
        }
        for rep in team
    ]
    truth = {
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "stages": STAGES,
        "conversions": [f"{a}_to_{b}" for a, b in itertools.pairwise(STAGES)],
        "pooled": pooled_truth(team),
        "reps": {str(rep["rep"]): rep["rates"] for rep in team if rep["volume"]},
        "mix_effects": mix_effects_truth(),
    }
    return {
        "opportunities": opportunities,
        "events": events,
        "roster": roster,
        "mix_effects": mix_effects(team),
        "truth": [truth],
    }


def split_expected(
    top: tuple[list[float], list[float]], bottom: tuple[list[float], list[float]]
) -> dict[str, float]:
    """The symmetric (Shapley) split of two groups' (shares, average values) by product.

    The same formula as ``salesmath.mix.split_mix`` (docs/mix.md, "The method"),
    in floats: mix_p = (s_top - s_bottom) * ((v_top + v_bottom) / 2 - c),
    price_p = (v_top - v_bottom) * (s_top + s_bottom) / 2, c the mean of the two
    deal sizes.
    """
    (s_top, v_top), (s_bottom, v_bottom) = top, bottom
    d_top = sum(s * v for s, v in zip(s_top, v_top, strict=True))
    d_bottom = sum(s * v for s, v in zip(s_bottom, v_bottom, strict=True))
    c = (d_top + d_bottom) / 2
    mix = price = 0.0
    for st, sb, vt, vb in zip(s_top, s_bottom, v_top, v_bottom, strict=True):
        mix += (st - sb) * ((vt + vb) / 2 - c)
        price += (vt - vb) * (st + sb) / 2
    return {
        "top_deal_size": d_top,
        "bottom_deal_size": d_bottom,
        "gap": d_top - d_bottom,
        "mix": mix,
        "price": price,
    }


def mix_effects_truth() -> dict[str, object]:
    """What mix_effects.csv is drawn from, and the true split of its two groups."""
    spread = float(np.exp(MIX_SIGMA**2 / 2))  # the mean of lognormal(0, sigma)

    def expected(office: str) -> tuple[list[float], list[float]]:
        values = [price * OFFICE_PRICE[office] * spread for price in PRODUCTS.values()]
        return OFFICE_MIX[office], values

    top, bottom = MIX_GROUPS
    return {
        "file": "mix_effects.csv",
        "seed": MIX_SEED,
        "products": PRODUCTS,
        "office_mix": OFFICE_MIX,
        "office_price": OFFICE_PRICE,
        "sigma": MIX_SIGMA,
        "won_per_rep": list(MIX_WON),
        "expected": {
            "top": top,
            "bottom": bottom,
            **split_expected(expected(top), expected(bottom)),
        },
    }


def mix_effects(team: list[dict[str, object]], seed: int = MIX_SEED) -> list[dict[str, object]]:
    """The won deals of mix_effects.csv, drawn with each office's mix and price."""
    rng = np.random.default_rng(seed)
    span = (AS_OF - START).days
    rows: list[dict[str, object]] = []
    for rep in team:
        if not rep["volume"]:
            continue
        office = str(rep["office"])
        won = int(rng.integers(*MIX_WON))
        products = rng.choice(len(PRODUCTS), size=won, p=OFFICE_MIX[office])
        spread = rng.lognormal(0.0, MIX_SIGMA, size=won)
        days = rng.integers(0, span + 1, size=won)
        prices = list(PRODUCTS.values())
        for product, factor, day in zip(products, spread, days, strict=True):
            amount = prices[int(product)] * OFFICE_PRICE[office] * float(factor)
            rows.append(
                {
                    "opportunity_id": f"MIX-{len(rows) + 1:05d}",
                    "rep": rep["rep"],
                    "manager": rep["manager"],
                    "office": office,
                    "product": list(PRODUCTS)[int(product)],
                    "closed": (START + timedelta(days=int(day))).isoformat(),
                    "status": "Closed Won",
                    "amount": int(round(amount, -1)),
                }
            )
    return rows


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out: Path = HERE) -> None:
    """Write the CSV files and truth.json into `out`."""
    data = generate()
    _write(out / "opportunities.csv", data["opportunities"])
    _write(out / "events.csv", data["events"])
    _write(out / "roster.csv", data["roster"])
    _write(out / "mix_effects.csv", data["mix_effects"])
    (out / "truth.json").write_text(json.dumps(data["truth"][0], indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
