"""Reduction levers of the subsea gate valve: each alone, then all together, ranked by saving.

python examples/levers/valve_levers.py
"""

from pathlib import Path

import footprint as fp

HERE = Path(__file__).resolve().parent
product = fp.load_product(HERE.parent / "subsea_gate_valve.yaml")
levers = fp.load_levers(HERE / "subsea_gate_valve.levers.yml")
res = fp.evaluate_levers(product, levers, fp.default_library(), combine="all", iterations=1000)
print(f"baseline {res.baseline_kgco2e:,.0f} kg CO2e (A1-C4, {res.gwp_set})")
for r in res.ranked("saving"):
    cost = "" if r["cost_per_tco2e"] is None else f"  {r['cost_per_tco2e']:,.0f} {r['cost']['currency']}/t CO2e"
    print(
        f"{r['name']:<40} saves {r['saving_kgco2e']:>8,.0f} kg ({r['saving_share']:.1%}), 90 % "
        f"[{r['saving_p5']:,.0f}, {r['saving_p95']:,.0f}], P(saving > 0) {r['p_saving_positive']:.3f}{cost}"
    )
