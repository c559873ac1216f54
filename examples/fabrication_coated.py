"""Coating outside a material factor's boundary: a galvanized skid frame and a blast-cleaned, painted valve body.

The 1,200 kg frame is hot-dip galvanized: the heat of the steel to the 450 C bath (derived from the enthalpy of
iron, a lower estimate that leaves the furnace's standby losses out) on natural gas, and the zinc the bath consumes
(52-55 kg per tonne, a US industry survey), which needs your zinc supplier's factor: it is shown here, not counted.
The 18 m2 of the valve body's outer surface are blast cleaned before painting (a nozzle chart's air and cleaning
rate, per m2, on Norway's grid), then given a zinc epoxy primer: the paint bought, from the coat's dry film
thickness, the data sheet's volume solids and density and the applicator's transfer efficiency (the film and
efficiency here are illustrative: take your coating specification's and applicator's), is an A1 material on
the coating proxy factor.
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
# a zinc epoxy primer's data sheet (Jotun, zinc epoxy, approved 7081;7243): 53 % volume solids, 2.21 kg/L mixed
primer = {"name": "zinc epoxy primer", "dft": "60 um", "volume_solids": 0.53, "density": "2.21 kg/L"}
paint = fp.paint_activities("18 m2", [primer], "material.coating.epoxy-pu.proxy.desnz2025", transfer_efficiency=0.6)

frame = fp.Item(
    id="frame", name="Skid frame, galvanized", kind="part", material="S355", net_mass="1200 kg", activities=galvanizing
)
body = fp.Item(
    id="body", name="Valve body, painted", kind="part", material="S355", net_mass="1480 kg", activities=blasting + paint
)
root = fp.Item(id="skid", name="Valve skid", children=[fp.Child(item="frame"), fp.Child(item="body")])
product = fp.Product(
    id="skid",
    items=[root, frame, body],
    materials=[fp.Material(id="S355", factor="material.steel.carbon.global.worldsteel2024")],
)
result = fp.calculate(product, fp.default_library(), prefolded="report")
print(f"galvanizing heat and blast cleaning: A3 {result.by_module['A3']:,.4f} kg CO2e")
for act in (*galvanizing, *blasting, *zinc, *paint):
    print(
        f"  {act.quantity.value:>9,.4f} {act.quantity.unit:<7} {act.module}  {(act.name or '').split(':')[1].strip()}"
    )
print(f"zinc consumed: {zinc[0].quantity.value:,.1f} kg, to be counted in A1 on your zinc supplier's factor")
coating = sum(c.kgco2e for c in result.contributions if c.factor_id == "material.coating.epoxy-pu.proxy.desnz2025")
print(f"primer paint: {paint[0].quantity.value:,.3f} kg, {coating:,.3f} kg CO2e in A1")
