"""Biogenic carbon: the subsea gate valve shipped in a wooden crate and greased with a bio-based lubricant.

    python examples/biogenic_crate.py

Wood takes CO2 up from the air as it grows; EN 15804+A2 counts that uptake -1 per kg CO2 in A1 and the same CO2
+1 per kg when the crate is burnt at end of life (the -1/+1 approach), so the crate's biogenic carbon balances
over the life cycle while GWP-fossil shows what it really costs. The result reports GWP-total, GWP-fossil,
GWP-biogenic and GWP-luluc per module, and the PACT export fills its biogenic fields from them.

The three factors below are the user's own, illustrative values: the uptake follows EN 16449:2014's formula
(CO2 = 44/12 x carbon fraction 0.5 x oven-dry mass: 1.833 kg CO2 per kg of wood); the fossil parts and the
lubricant's land use change are illustrative round numbers, not a published source.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import footprint as fp

here = Path(__file__).parent
PROV = {"source": "illustrative (examples/biogenic_crate.py)", "edition": "2025", "region": "GLO",
        "licence": "CC0-1.0", "boundary": "cradle-to-gate"}  # fmt: skip
own = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="wood.sawn.illustrative", name="Sawn softwood, oven-dry", category="material",
                          unit="kg", gases={"CO2": 0.12, "CO2_biogenic_uptake": 44 / 12 * 0.5}, **PROV),
        fp.EmissionFactor(id="lubricant.bio.illustrative", name="Bio-based grease (rapeseed ester)",
                          category="material", unit="kg",
                          gases={"CO2": 1.1, "CO2_luluc": 0.4, "CH4_nonfossil": 0.002}, **PROV),
        fp.EmissionFactor(id="wood.incineration.illustrative", name="Wood burnt with energy recovery",
                          category="waste", unit="kg", gases={"CO2_biogenic": 44 / 12 * 0.5, "CO2": 0.01},
                          **PROV, ),
    ],
    name="own biogenic factors",
)  # fmt: skip
lib = own.merge(fp.default_library())

valve = fp.load_product(here / "subsea_gate_valve.yaml")
crate = fp.Item(id="crate", name="Export crate, softwood", kind="part", material="wood", net_mass="180 kg")
root = valve.items[0]
root = root.model_copy(
    update={
        "children": [*root.children, fp.Child(item="crate")],
        "activities": [
            *root.activities,
            fp.Activity(name="Bio-based grease", factor="lubricant.bio.illustrative", quantity="4 kg", module="A3"),
        ],
    }
)
product = valve.model_copy(
    update={
        "items": [root, *valve.items[1:], crate],
        "materials": [*valve.materials, fp.Material(id="wood", factor="wood.sawn.illustrative", end_of_life="burn")],
        "end_of_life": [
            *valve.end_of_life,
            fp.EndOfLife(id="burn", routes=[fp.Route(share=1.0, factor="wood.incineration.illustrative", module="C3")]),
        ],
    }
)
result = fp.calculate(product, lib, prefolded="report")

print(f"{'module':6} {'GWP-total':>12} {'GWP-fossil':>12} {'GWP-biogenic':>13} {'GWP-luluc':>10}")
for module, values in result.gwp_indicators.items():
    print(f"{module:6} " + " ".join(f"{values[k]:>12,.1f}" for k in fp.GWP_INDICATORS))
crate_rows = [c for c in result.contributions if c.item == "crate"]
print(f"\ncrate: {sum(c.kgco2e_uptake for c in crate_rows):,.1f} kg CO2e taken up in A1, "
      f"{sum(c.kgco2e_biogenic - c.kgco2e_uptake for c in crate_rows):,.1f} released at end of life")  # fmt: skip

# carbon held by the product, which PACT asks for and footprint does not assume: the crate's wood is 50 % carbon
# (EN 16449), 90 kg C; the steels' carbon is taken as an illustrative 0.3 % of the product's mass.
pact = fp.to_pact(result, company_name="Subsea Valves AS", company_ids="SV-1", company_domain="subsea-valves.example",
                  reference_period=(date(2025, 1, 1), date(2025, 12, 31)), library=lib,
                  fossil_carbon_content=0.003 * result.product_mass_kg, biogenic_carbon_content=0.5 * 180)["pcf"]  # fmt: skip
for key in ("pcfExcludingBiogenicUptake", "pcfIncludingBiogenicUptake", "biogenicCO2Uptake",
            "landUseChangeGhgEmissions", "biogenicNonCO2Emissions", "fossilGhgEmissions", "primaryDataShare"):  # fmt: skip
    print(f"PACT {key:28} {float(pact[key]):>12,.2f}")
