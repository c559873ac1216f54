"""A small cluster's catalogue: six products of three suppliers, computed at once and rolled up.

    python examples/catalogue.py

The tables in examples/catalogue/ are what an ERP system exports for a whole catalogue: products with their
supplier and family, BOM lines (shared kits and the actuator that one supplier buys from another appear in
several products), and activities with factor ids from the bundled library.
"""

from __future__ import annotations

from pathlib import Path

import footprint as fp

here = Path(__file__).parent / "catalogue"
catalogue = fp.prepare_catalogue(here / "products.csv", here / "bom.csv", here / "activities.csv")
result = fp.calculate_catalogue(catalogue)  # pre-folded factors (Ember, DESNZ) are used as published and listed

kg = "{:,.1f}".format
print("kg CO2e per product (one unit each):")
print(result.by_product[["total_kgco2e", "A1", "A3"]].to_string(float_format=kg))
print("\nby supplier (one unit of each product):")
print(result.by_supplier[["total_kgco2e"]].to_string(float_format=kg))
print("\nby gas, per product:")
print(result.by_product_gas.to_string(float_format=kg))
print(f"\ncluster: {result.cluster['total_kgco2e'].iloc[0]:,.1f} kg CO2e; pre-folded factors used as published:")
print("  " + ", ".join(result.prefolded_factors))

# A new grid factor, or another GWP set, recalculates on the same explosion.
exploded = fp.explode_catalogue(catalogue)
ar5 = fp.calculate_catalogue(exploded, gwp="AR5")
print(f"\nunder AR5 the cluster is {ar5.cluster['total_kgco2e'].iloc[0]:,.1f} kg CO2e")
