"""A NOx cost line at a rate named by scheme and year, or given: Norway's NOx tax and NOx fund rates.

The rates are optional, sourced data (footprint/nox_rates.csv, NOx-fondet's table of payment rates): a cost is
computed only for the rate asked for, and the line names the rate, its year and its source. Run:
    python examples/nox_cost.py
"""

from __future__ import annotations

import footprint as fp

kg_nox = 1226.0805981  # kg NOx of a product (docs/air-pollutants.md)
for scheme in ("no-nox-tax", "no-nox-fund-petroleum"):
    print(fp.nox_cost(kg_nox, fp.nox_rate(scheme, 2024)))
print(fp.nox_cost(kg_nox, fp.NOxRate(scheme="own", year=2026, rate=27.0, currency="NOK", source="our 2026 budget")))
