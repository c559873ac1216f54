"""How sure is the subsea gate valve's footprint? Monte Carlo, sensitivity, data quality, and the chance that
an electric-arc steel design is lower than the original.

    python examples/uncertainty.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import footprint as fp

lib = fp.default_library()
valve = fp.load_product(Path(__file__).parent / "subsea_gate_valve.yaml")

mc = fp.monte_carlo(valve, lib, iterations=2000, seed=42)
s = mc.summary.loc["total_kgco2e"]
print(
    f"cradle to grave: {s['deterministic']:,.0f} kg CO2e; Monte Carlo median {s['median']:,.0f}, "
    f"95 % interval {s['p2_5']:,.0f} to {s['p97_5']:,.0f}"
)
print("\nby module (kg CO2e):")
print(mc.by_module[["deterministic", "median", "p2_5", "p97_5"]].round(0).to_string())
print("\nwhat drives the spread:")
print(mc.sensitivity.head(5).round(3).to_string())
print(f"\n{len(mc.defaults)} factors had no distribution of their own (pedigree matrix or default), e.g.:")
for fid, why in list(mc.defaults.items())[:3]:
    print(f"  {fid}: {why}")

q = fp.data_quality(
    fp.calculate(valve, lib),
    lib,
    modules="cradle-to-gate",
    period=(date(2025, 1, 1), date(2025, 12, 31)),
    region="NO",
)
print(
    f"\ndata quality (A1-A3): technological {q.technological:.1f}, geographical {q.geographical:.1f}, "
    f"temporal {q.temporal:.1f} (1 best, 5 worst); rated {q.coverage:.0%} of the footprint; "
    f"primary data {q.primary_data_share:.0%}; proxies {q.proxy_share:.0%}; {len(q.flags)} flags"
)

eaf = valve.model_copy(
    update={
        "materials": [
            m.model_copy(update={"factor": "material.steel.carbon.eaf-scrap.worldsteel2024"})
            if m.id == "low-alloy-steel"
            else m
            for m in valve.materials
        ]
    }
)
cmp = fp.compare_monte_carlo((eaf, lib), (valve, lib), iterations=2000, seed=42)
print(
    f"\nelectric-arc steel lower than the original in {cmp['p_a_lower']:.0%} of draws "
    f"(saving {cmp['mean_diff']:,.0f} kg CO2e on average)"
)
