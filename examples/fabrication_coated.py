"""Coating outside a material factor's boundary: a galvanized skid frame and a blast-cleaned, painted valve body.

The 1,200 kg frame is hot-dip galvanized: the heat of the steel to the 450 C bath (derived from the enthalpy of
iron, a lower estimate that leaves the furnace's standby losses out) on natural gas, and the zinc the bath consumes
(52-55 kg per tonne, a US industry survey), which needs your zinc supplier's factor: it is shown here, not counted.
The 18 m2 of the valve body's outer surface are blast cleaned before painting (a nozzle chart's air and cleaning
rate, per m2, on Norway's grid). The paint itself is a material (its mass on the coating proxy factor).
Run:
    python examples/fabrication_coated.py
"""

from __future__ import annotations

import footprint as fp

GAS = {"natural gas": "fuel.natural_gas.stationary.combustion.ipcc2006"}
GRID = {"electricity": "electricity.grid.no.ember"}

# the galvanizer's gas meter reads net calorific value, which the derivation's heat balance does not state
galvanizing = fp.fabrication_activities("coating.galvanizing.natural-gas", "1200 kg", GAS, energy_basis="net")
zinc = fp.fabrication_activities("coating.galvanizing.zinc", "1200 kg", {"zinc": "your zinc supplier's factor"})
blasting = fp.fabrication_activities("coating.blast-cleaning", "18 m2", GRID)

frame = fp.Item(
    id="frame", name="Skid frame, galvanized", kind="part", material="S355", net_mass="1200 kg", activities=galvanizing
)
body = fp.Item(
    id="body", name="Valve body, painted", kind="part", material="S355", net_mass="1480 kg", activities=blasting
)
root = fp.Item(id="skid", name="Valve skid", children=[fp.Child(item="frame"), fp.Child(item="body")])
product = fp.Product(
    id="skid",
    items=[root, frame, body],
    materials=[fp.Material(id="S355", factor="material.steel.carbon.global.worldsteel2024")],
)
result = fp.calculate(product, fp.default_library(), prefolded="report")
print(f"galvanizing heat and blast cleaning: A3 {result.by_module['A3']:,.4f} kg CO2e")
for act in (*galvanizing, *blasting, *zinc):
    print(
        f"  {act.quantity.value:>9,.4f} {act.quantity.unit:<7} {act.module}  {(act.name or '').split(':')[1].strip()}"
    )
print(f"zinc consumed: {zinc[0].quantity.value:,.1f} kg, to be counted in A1 on your zinc supplier's factor")
