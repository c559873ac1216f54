"""Fabrication outside a material factor's boundary: a forged, machined valve body and a bought-in needle valve.

worldsteel's crude steel stops at the cast slab. The body's forging energy comes from a cited intensity
(fp.fabrication_energy) on Norway's grid and a fuel oil factor, as do its machining (applied to the 870 kg of
steel removed from the 2,350 kg forging), a 12 kg weld overlay (applied to the weld metal deposited) and the
overlay's post-weld stress relief in the plant's gas-fired furnace (derived from the enthalpy of iron at
595-650 C); its quench and temper was bought as a service and is counted on US EPA's spend-based factor (per
2021 USD), as is the bought-in needle valve,
whose euro invoice of 2024 is converted with the user's exchange rate and deflator; a position indicator known
only by its supplier's per-piece value is the lowest-quality fallback, flagged in the data quality. Run:
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
grid = {"electricity": "electricity.grid.no.ember"}
machining = fp.fabrication_activities("machining.steel", "870 kg", grid)  # 2,350 kg gross - 1,480 kg net
overlay = fp.fabrication_activities("welding.gmaw-spray", "12 kg", grid)  # weld metal deposited
# stress relief after the overlay: the whole body goes into the furnace; the plant's gas meter reads net energy
pwht = fp.fabrication_activities(
    "heat-treatment.stress-relieve",
    "1.48 t",
    {"natural gas": "fuel.natural_gas.stationary.combustion.ipcc2006"},
    energy_basis="net",
)
services = [
    *machining,
    *overlay,
    *pwht,
    fp.Activity(
        name="quench and temper",
        factor="spend.naics-332811.heat-treating.epa-sef-v1.2-usd2021",
        quantity="900 USD_2021",
    ),
]
body = fp.Item(id="body", name="Body, forged", kind="part", material="F22", net_mass="1480 kg")
# The needle valve was invoiced at 13,900 EUR in 2024; the EPA factor is per 2021 USD. The exchange rate and the
# deflator are the user's own (illustrative here): footprint assumes neither and refuses "13900 EUR_2024" as is.
needle_spend = fp.convert_spend("13900 EUR_2024", "USD_2021", exchange_rate=1.08, deflator=0.9)
needle = fp.Item(
    id="nv",
    name="Needle valve, bought in",
    kind="component",
    activities=[fp.Activity(factor="spend.naics-332911.industrial-valves.epa-sef-v1.2-usd2021", quantity=needle_spend)],
)
# A position indicator known only by a per-piece value its supplier stated: the lowest-quality fallback.
indicator = fp.per_piece_factor(
    "piece.position-indicator", 12.5, name="Position indicator", source="supplier statement"
)
lib = lib.merge(fp.FactorLibrary([indicator], name="per-piece values"))
pos = fp.Item(
    id="pi", name="Position indicator", kind="component", activities=[fp.Activity(factor=indicator.id, quantity="1 pc")]
)
children = [fp.Child(item="body"), fp.Child(item="nv"), fp.Child(item="pi", quantity=2)]
root = fp.Item(id="valve", name="Gate valve", children=children)
product = fp.Product(
    id="valve",
    items=[root, body, needle, pos],
    materials=[fp.Material(id="F22", factor="material.steel.carbon.global.worldsteel2024")],
)

bare = fp.calculate(product, lib, prefolded="report")
print("without fabrication activities:")
print(" ", next(w for w in bare.warnings if "excludes" in w))

product = product.model_copy(
    update={"items": [root, body.model_copy(update={"activities": [*forging, *services]}), needle, pos]}
)
done = fp.calculate(product, lib, prefolded="report")
assert not [w for w in done.warnings if "excludes" in w]
print(f"with them: A1 {done.by_module['A1']:,.0f} kg CO2e, A3 {done.by_module['A3']:,.0f} kg CO2e")
for a in [*forging, *machining, *overlay, *pwht]:
    print(f"  {a.quantity.value:,.1f} {a.quantity.unit}  {a.name}")
print(f"needle valve: 13,900 EUR_2024 = {float(needle_spend.split()[0]):,.2f} USD_2021 at the rates given")
print("data quality flags:", *[f for f in fp.data_quality(done, lib).flags if "per-piece" in f], sep="\n  ")
