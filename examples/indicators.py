"""Beyond carbon: EN 15804+A2 indicators of a forged valve body, from the same data as its GWP.

    python examples/indicators.py

The body is 120 kg of carbon steel (the bundled worldsteel factor), forged at Acme Forge AS, whose furnace
burns natural gas. The forge measured its stack: besides the greenhouse gases of the gas it burns, its factor
states the NOx, SO2 and particulate matter per kg forged, so the forging row covers acidification (AP),
eutrophication, photochemical ozone formation (POCP) and particulate matter (PM). The steel factor states
greenhouse gases only: its row is *not covered* for those indicators, and the table says so (``*`` where a
module is partly covered, ``NC`` where no row covers it) rather than counting it as 0.

Resource and waste indicators come from the product data itself: secondary material from the steel's 30 %
recycled content, materials for recycling and waste disposed from the end-of-life routes' ``fate``, primary
energy from the heating value of the forge's natural gas.

The forge's measurements are illustrative: per kg forged, 2.5 MJ of natural gas (company_factors.csv) and
stack values NOx 0.25 g, SO2 0.002 g, PM2.5 0.005 g, PM10 0.006 g (round numbers of the order EMEP/EEA gives
for gas-fired industrial furnaces, not a published source). The characterisation factors are the EU
Environmental Footprint 3.1 set (footprint/indicators.csv cites them).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import footprint as fp

PROV = {"source": "Acme Forge AS stack measurement (illustrative)", "edition": "2024", "region": "NO",
        "licence": "CC0-1.0", "boundary": "gate-to-gate"}  # fmt: skip
forge = fp.EmissionFactor(
    id="steel.forging.acme-forge.stack",
    name="Open-die forging, furnace natural gas, with measured stack emissions (Acme Forge AS)",
    category="fuel",
    unit="MJ",
    energy_basis="net",
    gases={"CO2": 0.0561, "CH4_fossil": 1e-6, "N2O": 1e-7, "NOx": 1e-4, "SO2": 8e-7, "PM2_5": 2e-6, "PM10": 2.4e-6},
    **PROV,
)
lib = fp.FactorLibrary([forge], name="Acme Forge").merge(fp.default_library())

valve_body = fp.Product.model_validate(
    {
        "id": "valve-body",
        "name": "Forged valve body, 6in class 1500",
        "items": [{"id": "valve-body", "kind": "part", "material": "steel", "net_mass": "120 kg",
                   "activities": [{"factor": forge.id, "quantity": "300 MJ net"}]}],  # 120 kg x 2.5 MJ/kg
        "materials": [{"id": "steel", "factor": "material.steel.carbon.global.worldsteel2024",
                       "recycled_content": 0.3, "end_of_life": "steel"}],
        "end_of_life": [{"id": "steel", "routes": [
            {"share": 0.95, "factor": "waste.metal_scrap.recycling_closed_loop.desnz2025", "recycled": True},
            {"share": 0.05, "factor": "waste.metal_scrap.landfill.desnz2025", "fate": "disposal"}]}],
    }
)  # fmt: skip

result = fp.calculate(valve_body, lib, indicators="en15804")
print(f"{result.product_name}: {result.total_kgco2e:,.1f} kg CO2e (A1-C4)\n")
table = fp.en15804_table(result)
print(table[["indicator", "unit", "A1-A3", "C3", "C4"]].to_string(index=False))

ap = result.indicators["AP"]
print(f"\nAP in A1-A3 counts {ap.by_module['A3']:.4f} mol H+ eq from the forge; not covered: {ap.not_covered_factors}")
print(f"Secondary material: {result.indicators['SM'].total:.0f} kg (120 kg x 30 %)")

with tempfile.TemporaryDirectory() as folder:  # the CSV an EPD author pastes into the EPD template
    out = Path(folder) / "valve-body-en15804.csv"
    out.write_text(table.to_csv(index=False), encoding="utf-8")
    print(f"wrote {out.name}: {len(table)} indicators x {len(table.columns) - 3} modules")
