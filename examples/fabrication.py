"""Fabrication outside a material factor's boundary: a forged, machined valve body and a bought-in needle valve.

worldsteel's crude steel stops at the cast slab. The body's forging energy comes from a cited intensity
(fp.fabrication_energy) on Norway's grid and a fuel oil factor; its machining and heat treatment were bought
as services and are counted on US EPA's spend-based factors, as is the bought-in needle valve. Run:
    python examples/fabrication.py
"""

from __future__ import annotations

import footprint as fp

lib = fp.default_library()
forging = fp.fabrication_activities(
    "forging.closed-die",
    "1.48 t",
    {"electricity": "electricity.grid.no.ember", "fuel oil": "fuel.residual_fuel_oil.stationary.combustion.ipcc2006"},
)
services = [
    fp.Activity(name="machining", factor="spend.naics-332710.machining.epa-sef-v1.2-usd2021", quantity="2000 USD"),
    fp.Activity(
        name="quench and temper", factor="spend.naics-332811.heat-treating.epa-sef-v1.2-usd2021", quantity="900 USD"
    ),
]
body = fp.Item(id="body", name="Body, forged", kind="part", material="F22", net_mass="1480 kg")
needle = fp.Item(
    id="nv",
    name="Needle valve, bought in",
    kind="component",
    activities=[fp.Activity(factor="spend.naics-332911.industrial-valves.epa-sef-v1.2-usd2021", quantity="15000 USD")],
)
root = fp.Item(id="valve", name="Gate valve", children=[fp.Child(item="body"), fp.Child(item="nv")])
product = fp.Product(
    id="valve",
    items=[root, body, needle],
    materials=[fp.Material(id="F22", factor="material.steel.carbon.global.worldsteel2024")],
)

bare = fp.calculate(product, lib, prefolded="report")
print("without fabrication activities:")
print(" ", next(w for w in bare.warnings if "excludes" in w))

product = product.model_copy(
    update={"items": [root, body.model_copy(update={"activities": [*forging, *services]}), needle]}
)
done = fp.calculate(product, lib, prefolded="report")
assert not [w for w in done.warnings if "excludes" in w]
print(f"with them: A1 {done.by_module['A1']:,.0f} kg CO2e, A3 {done.by_module['A3']:,.0f} kg CO2e")
for a in forging:
    print(f"  {a.quantity.value:,.1f} {a.quantity.unit}  {a.name}")
