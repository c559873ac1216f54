"""Net fresh water, primary energy of grid electricity and phosphorus to freshwater of a separator vessel.

    python examples/water_and_energy.py

A two-phase separator, 2.4 m inside diameter and 7.5 m between tangent lines, is welded and hydrostatically
tested at a yard in Denmark. The test fills the vessel with mains water, which is drained to sewer after the
test: net fresh water used, pi/4 x 2.4^2 x 7.5 = 33.9 m3 (heads left out), the FW flow of the bundled
``water.fresh.net_use`` row. Welding and the test pumps draw 4,200 kWh of the Danish grid: its primary energy,
derived from Ember's 2024 generation mix (footprint/factors/electricity_ember.csv says how), is PENRT and
PERT. The coating supplier's zinc phosphating line measured what its effluent carries to the river per m2
pre-treated (illustrative figures: 0.2 g P and 0.3 g PO4): EP-freshwater. The carbon steel states no
phosphorus, so its rows are not covered for EP-freshwater: reported as such, never as 0.
"""

from __future__ import annotations

import math

import footprint as fp

volume_m3 = round(math.pi / 4 * 2.4**2 * 7.5, 2)  # 33.93 m3

phosphating = fp.EmissionFactor(
    id="coating.phosphating.supplier-x",
    name="Zinc phosphating pre-treatment, effluent to river (supplier X, measured)",
    category="process",
    unit="m2",
    gases={"CO2": 0.35, "P_fw": 0.0002, "PO4_fw": 0.0003},  # per m2 pre-treated (illustrative)
    source="Supplier X effluent monitoring (illustrative)", edition="2024", region="DK", licence="CC0-1.0",
    boundary="gate-to-gate",
)  # fmt: skip
lib = fp.FactorLibrary([phosphating], name="Supplier X").merge(fp.default_library())

separator = fp.Product.model_validate(
    {
        "id": "separator-v100",
        "name": "Two-phase separator, 2.4 m x 7.5 m",
        "items": [{"id": "separator-v100", "kind": "part", "material": "steel", "net_mass": "18000 kg"}],
        "materials": [{"id": "steel", "factor": "material.steel.carbon.global.worldsteel2024"}],
        "activities": [
            {"factor": "water.fresh.net_use", "quantity": f"{volume_m3} m3", "module": "A3"},
            {"factor": "electricity.grid.dk.ember", "quantity": "4200 kWh", "module": "A3"},
            {"factor": phosphating.id, "quantity": "140 m2", "module": "A3"},
        ],
    }
)

result = fp.calculate(separator, lib, indicators="FW,PENRT,PERT,EP-freshwater", prefolded="report")
print(f"{result.product_name}: {result.total_kgco2e:,.0f} kg CO2e (A1-C4)")
for ident in ("FW", "PENRT", "PERT", "EP-freshwater"):
    ind = result.indicators[ident]
    print(f"  {ident:<14} A3 {ind.by_module['A3']:>10.4g} {ind.unit:<9} not covered: {ind.not_covered_factors}")
print(f"hydrostatic test water: {volume_m3} m3 (pi/4 x 2.4^2 x 7.5)")
