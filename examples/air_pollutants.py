"""Air pollutants of combustion and NOx: per product, per delivery period, and a cost line at Norway's NOx tax.

The gas compression module of compressor_fat.yaml burns natural gas in its gas turbine driver and diesel in a
generator during its factory test, and marine gas oil on its way to the field. Each fuel activity pairs the
fuel's greenhouse gas factor with the air pollutant row of its technology (EMEP/EEA guidebook 2023), so the
result holds the pollutants beside the CO2e. The NOx is then summed over the modules delivered in two years and
priced at that year's NOx tax: the rate and its source are named, never assumed. Run:
    python examples/air_pollutants.py
"""

from __future__ import annotations

import pandas as pd

import footprint as fp

lib = fp.default_library()
product = fp.load_product("examples/compressor_fat.yaml")
result = fp.calculate(product, lib, prefolded="report")

# NOx per declared unit (1 piece): the turbine's 40,000 Sm3 of gas are 1,527.168 GJ (NCV) x 0.153 kg/GJ, the
# generator's 1,500 L of diesel 53.52855 GJ x 0.942 kg/GJ, the vessel's 12 t of gas oil 12 x 78.5 kg/t
print(f"{result.product_id}: {fp.nox_kg(result):,.1f} kg NOx per {result.declared_unit}")
for module in ("A3", "A4"):
    print(f"  {module}: {fp.nox_kg(result, module):,.1f} kg NOx")
# the other pollutants the rows give (a substance no factor of the product gives is not listed, never shown as 0)
print("air pollutants, kg:", {s: round(kg, 2) for s, kg in result.inventory_kg.items() if s in fp.air_pollutants()})

# NOx per delivery period: one module delivered in 2023, two in 2024
deliveries = pd.DataFrame({"product": ["gcm-12", "gcm-12"], "period": ["2023", "2024"], "quantity": [1, 2]})
delivered = fp.supplier_footprints(fp.nox_table([result]), deliveries, periods=["2023", "2024"])
rates = {"2023": fp.nox_rate("no-nox-tax", 2023), "2024": fp.nox_rate("no-nox-tax", 2024)}
per_period = fp.nox_by_period(delivered, rates)
print(
    per_period[["period", "product", "quantity", "kg_NOx", "nox_rate", "currency", "nox_cost"]].to_string(index=False)
)
print("rates from:", rates["2024"].source, rates["2024"].source_url)

# ship SO2 from the fuel's sulphur (EMEP/EEA 1.A.3.d: 20 x S kg per tonne): the vessel's 12 t of gas oil at the
# 0.10 % emission control area limit, and at the 0.38 % a bunker delivery note might state
for sulphur in (0.1, 0.38):
    so2 = fp.ship_so2_factor(sulphur, fuel="marine gas oil")
    print(f"12 t at {sulphur} % S: {fp.emissions('12 t', so2).by_gas['SO2']:.1f} kg SO2 ({so2.gases['SO2']:g} kg/t)")
