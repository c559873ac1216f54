"""An open-die forged, quenched and tempered AISI 4130 hub: every fabrication step from the bundled energy rows.

The 2,350 kg forging is heated once and reheated twice in a gas-fired forge furnace, rough-machined to 1.6 t,
quenched and tempered (the two heat-treatment rows), machined to 1,480 kg (870 kg of 4130 removed in all; the
steel is counted on the forging's 2,350 kg gross mass) and given 8 kg of stick-welded build-up. Each step's
energy is derived from cited settings (fp.fabrication_energy()); the forge's gas meter reads net calorific
value, which the energy rows' sources do not state, so it is given as energy_basis.
Run:
    python examples/fabrication_open_die.py
"""

from __future__ import annotations

import footprint as fp

GAS = {"natural gas": "fuel.natural_gas.stationary.combustion.ipcc2006"}
GRID = {"electricity": "electricity.grid.no.ember"}

steps = [
    *fp.fabrication_activities("forging.open-die-first-heat", "2350 kg", GAS, energy_basis="net"),
    *fp.fabrication_activities("forging.open-die-reheat", "4700 kg", GAS, energy_basis="net"),  # 2 reheats
    *fp.fabrication_activities("heat-treatment", "1.6 t", GAS, energy_basis="net"),  # rough-machined, Q and T
    *fp.fabrication_activities("machining.alloy-steel-4130", "870 kg", GRID),  # 2,350 - 1,480 kg
    *fp.fabrication_activities("welding.smaw", "8 kg", GRID),  # weld metal deposited
]
hub = fp.Item(
    id="hub", name="Hub, open-die forged", kind="part", material="4130", net_mass="1480 kg", gross_mass="2350 kg"
)
root = fp.Item(id="spool", name="Hub assembly", children=[fp.Child(item="hub")])
product = fp.Product(
    id="spool",
    items=[root, hub],
    materials=[fp.Material(id="4130", factor="material.steel.carbon.global.worldsteel2024")],
)
lib = fp.default_library()

bare = fp.calculate(product, lib, prefolded="report")
print("crude steel alone:")
print(" ", next(w for w in bare.warnings if "excludes" in w))

made = product.model_copy(update={"items": [root, hub.model_copy(update={"activities": steps})]})
result = fp.calculate(made, lib, prefolded="report")
assert not [w for w in result.warnings if "excludes" in w]
print(f"with the fabrication steps: A1 {result.by_module['A1']:,.0f} kg CO2e, A3 {result.by_module['A3']:,.1f} kg CO2e")
for act in steps:
    print(f"  {act.quantity.value:>9,.2f} {act.quantity.unit:<7} {(act.name or '').split(':')[0]}")
