"""Reduction levers of the three-supplier cluster of examples/cluster/: each lever alone and all together, over
the deliveries of 2025 that leave the cluster (each product counted once), by supplier, with the cost per t CO2e.

python examples/levers/cluster_levers.py
"""

from pathlib import Path

import footprint as fp

HERE = Path(__file__).resolve().parent
CLUSTER = HERE.parent / "cluster"
products = [fp.load_product(CLUSTER / f"{name}.yaml") for name in ("act-10", "gv-5", "man-4")]
levers = fp.load_levers(HERE / "cluster.levers.yml")
res = fp.evaluate_chain_levers(
    products, levers, fp.default_library(), combine="all", iterations=1000,
    deliveries=CLUSTER / "deliveries.csv", period="2025",
)  # fmt: skip
print(f"baseline {res.baseline_kgco2e / 1000:,.1f} t CO2e ({res.basis}, A1-C4, {res.gwp_set})")
for r in res.ranked("saving"):
    cost = "" if r["cost_per_tco2e"] is None else f"  {r['cost_per_tco2e']:,.0f} {r['cost']['currency']}/t CO2e"
    print(
        f"{r['name'][:48]:<48} saves {r['saving_kgco2e'] / 1000:>7,.1f} t ({r['saving_share']:.1%}), 90 % "
        f"[{r['saving_p5'] / 1000:,.1f}, {r['saving_p95'] / 1000:,.1f}], P(saving > 0) {r['p_saving_positive']:.3f}{cost}"
    )
print("\nby supplier (its own deliveries, gross), t CO2e saved by all levers together:")
together = next(r for r in res.rows if r["kind"] == "combination")
for supplier, kg in together["saving_by_supplier"].items():
    print(f"  {supplier:<24} {kg / 1000:>7,.1f} of {res.baseline_by_supplier[supplier] / 1000:,.1f}")

# Levers the bundled catalogue suggests from the actuator's hotspots, with their cited assumptions.
library = fp.default_library().merge(fp.lever_catalogue().factors)
for lever in fp.suggest_levers(products[0], library):
    print(f"\nsuggested for {products[0].id}: {lever.name} ({lever.kind}) - {lever.evidence}")
