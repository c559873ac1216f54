"""A cluster of three suppliers over three reporting years: footprints per product, supplier and cluster
(gross, intra-cluster and net), kept in a ledger, and progress against a -40 % target.

    python examples/supplier_cluster.py

Agder Actuators AS makes actuators; Sørlandet Valves AS builds them into gate valves; Kristiansand Subsea AS
puts four valves into each manifold module. Each product's footprint uses its supplier's computed footprint
(primary data) instead of a generic factor. In 2025 the valve maker moves its forgings to electric-arc steel,
so the valve (and the manifold with it) gets a new footprint from that year on. The actuators delivered to
the valve maker and the valves delivered to the manifold maker stay in the cluster: the cluster's net total
counts only what leaves it (actuators exported, manifolds delivered to the operator).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

import footprint as fp

here = Path(__file__).parent / "cluster"
lib = fp.default_library()
products = [fp.load_product(here / f"{name}.yaml") for name in ("act-10", "gv-5", "man-4")]

# 1. Footprints across the three tiers, in dependency order (actuator, then valve, then manifold).
before = fp.calculate_chain(products, lib)
eaf_valve = products[1].model_copy(
    update={"materials": [fp.Material(id="steel", factor="material.steel.carbon.eaf-scrap.worldsteel2024")]}
)
after = fp.calculate_chain([products[0], eaf_valve, products[2]], lib)
for pid, r in before.items():
    print(
        f"{pid:7} {r.product_name:45} {r.cradle_to_gate_kgco2e:>10,.0f} kg CO2e cradle to gate "
        f"(2025: {after[pid].cradle_to_gate_kgco2e:,.0f}); primary data {r.primary_data_share:.0%}"
    )

# 2. A ledger of snapshots, one key per product and period; recording a changed footprint for a period
#    again would add version 2, naming version 1 as the one it supersedes.
with tempfile.TemporaryDirectory() as tmp, fp.Ledger(Path(tmp) / "cluster-ledger.sqlite") as ledger:
    for period, results in (("2023", before), ("2024", before), ("2025", after)):
        for r in results.values():
            ledger.record(r, period)
    print(f"\nledger: {len(ledger.to_frame())} snapshots, periods {ledger.periods()}")

# 3. Deliveries times footprints, per year, by supplier and for the cluster.
table = pd.concat(
    [fp.footprint_table(before, period=p) for p in ("2023", "2024")] + [fp.footprint_table(after, period="2025")]
)
suppliers = [
    fp.Supplier(id=s, country="NO", cluster="Sørlandet cluster")
    for s in ("Agder Actuators AS", "Sørlandet Valves AS", "Kristiansand Subsea AS")
]
sf = fp.supplier_footprints(table, here / "deliveries.csv", periods=["2023", "2024", "2025"], suppliers=suppliers)
print("\nt CO2e delivered, by supplier:")
print((sf.by_supplier["total_kgco2e"].unstack("period") / 1000).round(1).to_string())
print("\nintensity, kg CO2e per tonne delivered:")
print(sf.intensity["kgco2e_per_t"].unstack("period").round(0).to_string())

# 4. The cluster's totals: gross (every delivery), intra-cluster (to another member) and net (leaving it).
print("\ncluster, t CO2e:")
print((sf.cluster_totals[["gross_kgco2e", "intra_cluster_kgco2e", "net_kgco2e"]] / 1000).round(1).to_string())
print("\nintra-cluster deliveries, t CO2e:")
print((sf.intra_cluster_flows["total_kgco2e"] / 1000).round(1).to_string())

# 5. Progress of the cluster (net) against -40 % by 2030 from 2023, and what drove the change from 2024 to 2025.
target = fp.Target(
    scope="Sørlandet cluster", level="cluster", baseline_period="2023", target_period="2030", reduction=0.4
)
print("\nprogress:")
print(fp.progress(sf, target).round(3).to_string())
dec = fp.decompose_change(sf, "2024", "2025", cluster="Sørlandet cluster")
print("\n2024 -> 2025, deliveries leaving the cluster, kg CO2e (LMDI-I):")
print(dec[["change", "activity_effect", "mix_effect", "intensity_effect"]].round(0).to_string())
