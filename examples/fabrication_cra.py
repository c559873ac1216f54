"""A duplex stainless valve body with an alloy 625 overlay: machining energy of corrosion-resistant alloys.

The body is machined from a 2,350 kg forged bar of 22Cr duplex (1.4462) to 1,480 kg net, so 870 kg of duplex
leaves as chips; its bore carries a weld overlay of alloy 625 of which 40 kg is machined off. Each machining row
is derived from a tool maker's cutting power factor for the metal and its density, times four for the machine
tool's own consumption (fp.fabrication_energy() gives the arithmetic); the energy is put on Norway's grid.
Run:
    python examples/fabrication_cra.py
"""

from __future__ import annotations

import footprint as fp

GRID = {"electricity": "electricity.grid.no.ember"}

machining = [
    *fp.fabrication_activities("machining.stainless-duplex", "870 kg", GRID),  # 2,350 - 1,480 kg of duplex
    *fp.fabrication_activities("machining.nickel-625", "40 kg", GRID),  # overlay machined off
]
body = fp.Item(
    id="body",
    name="Body, duplex, 625 overlay",
    kind="part",
    material="duplex",
    net_mass="1480 kg",
    gross_mass="2350 kg",
    activities=machining,
)
root = fp.Item(id="valve", name="Gate valve", children=[fp.Child(item="body")])
product = fp.Product(
    id="valve",
    items=[root, body],
    materials=[fp.Material(id="duplex", factor="material.stainless.duplex.proxy.worldstainless2023")],
)
result = fp.calculate(product, fp.default_library(), prefolded="report")
print(f"machining energy on Norway's grid: A3 {result.by_module['A3']:,.3f} kg CO2e")
for act in machining:
    print(f"  {act.quantity.value:>8,.3f} {act.quantity.unit}  {(act.name or '').split(':')[0]}")
print(f"duplex bar (2,350 kg gross on worldstainless' duplex proxy): A1 {result.by_module['A1']:,.0f} kg CO2e")
