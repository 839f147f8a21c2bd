"""Write ``enterprise_deals.csv``: the won deals behind ``enterprise_team.csv``.

``enterprise_team.csv`` has only each rep's totals (won deals and bookings).
This seeded script makes one record per won deal for the same 12 reps, so
that the deal-size gap between the thirds can be split into product mix and
price (``docs/thirds.md``, "Deal size: product mix or price?").  Each rep's deals add
up exactly to the rep's row in ``enterprise_team.csv``: as many deals as its
``won`` column, amounts summing to its ``bookings``.

How the deals are made, for each rep in file order:

- **products**: each deal is Starter (list price 40,000), Growth (100,000) or
  Platform (250,000), drawn with the chances of the rep's third (ranked by
  bookings, as ``compare_thirds`` ranks them): the top third sells a rich
  mix (``MIX["top"]``), the bottom third mostly Starter (``MIX["bottom"]``);
  the middle four are in between.  This product mix is the known effect;
- **amounts**: list price times a lognormal spread (sigma 0.15).  A rep's
  draws (products and spreads) are drawn again until their sum is within
  5% (``TOLERANCE``) of the rep's bookings; then they are scaled, for the
  rep as a whole, to add up to the bookings exactly (rounded to 100, the
  last deal taking the remainder).  Every rep so closes within 5% of the
  price its own draws would fetch: whatever price difference is left
  between the thirds is small, and the deal-size gap is mostly mix.

Run ``python examples/make_enterprise_deals.py`` to rewrite the file next to
this script; ``tests/test_mix.py`` checks that the committed file is what it
writes.  Only numpy and the standard library are needed.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import numpy as np

SEED = 20261126
HERE = Path(__file__).resolve().parent
PRODUCTS = {"Starter": 40_000, "Growth": 100_000, "Platform": 250_000}
MIX = {
    "top": [0.15, 0.40, 0.45],
    "middle": [0.35, 0.45, 0.20],
    "bottom": [0.60, 0.36, 0.04],
}
SIGMA = 0.15
ROUND = 100
TOLERANCE = 0.05


def _team(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def generate(
    team_csv: Path = HERE / "enterprise_team.csv", seed: int = SEED
) -> list[dict[str, object]]:
    """The deal rows (nothing written)."""
    rng = np.random.default_rng(seed)
    team = _team(team_csv)
    ranked = sorted(team, key=lambda row: (-Fraction(row["bookings"]), row["rep"]))
    k = len(team) // 3
    third = {row["rep"]: "top" for row in ranked[:k]}
    third |= {row["rep"]: "bottom" for row in ranked[-k:]}
    names = list(PRODUCTS)
    prices = np.array(list(PRODUCTS.values()), dtype=float)
    rows: list[dict[str, object]] = []
    for row in team:
        n, bookings = int(row["won"]), int(Fraction(row["bookings"]))
        while True:  # redraw until the list prices come within TOLERANCE of the bookings
            products = rng.choice(len(names), size=n, p=MIX[third.get(row["rep"], "middle")])
            raw = prices[products] * rng.lognormal(0.0, SIGMA, size=n)
            if abs(bookings / raw.sum() - 1) <= TOLERANCE:
                break
        scaled = raw * bookings / raw.sum()
        amounts = [round(float(a) / ROUND) * ROUND for a in scaled[:-1]]
        amounts.append(bookings - sum(amounts))
        assert min(amounts) > 0
        for product, amount in zip(products, amounts, strict=True):
            rows.append(
                {
                    "deal_id": f"D-{len(rows) + 1:03d}",
                    "rep": row["rep"],
                    "product": names[int(product)],
                    "status": "won",
                    "amount": amount,
                }
            )
    return rows


def main(out: Path = HERE / "enterprise_deals.csv") -> None:
    """Write the deals to `out`."""
    rows = generate()
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} won deals of {len({row['rep'] for row in rows})} reps to {out.name}")


if __name__ == "__main__":
    main()
