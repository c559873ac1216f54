"""Edits to a catalogue, recomputed incrementally: only the products that hold the edited item are evaluated again.

    python examples/catalogue_edits.py

The catalogue is examples/catalogue/. A lighter gate valve body and one more stud in the bolt kit (a kit several
products share) are two edits; each returns the products it recomputed, and the result tables equal a full
recalculation of the edited catalogue.
"""

from __future__ import annotations

from pathlib import Path

import footprint as fp

here = Path(__file__).parent / "catalogue"
catalogue = fp.prepare_catalogue(here / "products.csv", here / "bom.csv", here / "activities.csv")
live = fp.IncrementalCatalogue(catalogue)  # evaluated once, then kept up to date
before = live.result().by_product["total_kgco2e"]

touched = live.set_amount("GV2-BODY", "material.steel.carbon.global.worldsteel2024", 290, "kg")
print(f"body at 290 kg instead of 320 recomputed {touched}")
touched = live.set_quantity("BOLTKIT-M24", "STUD-M24", 17)
print(f"17 studs per bolt kit recomputed {touched}")

after = live.result()
print("\nkg CO2e per product, before and after:")
print(before.to_frame("before").assign(after=after.by_product["total_kgco2e"]).to_string(float_format="{:,.1f}".format))

full = fp.calculate_catalogue(live.catalogue())  # a full recalculation of the edited catalogue agrees
gap = (full.by_product["total_kgco2e"] - after.by_product["total_kgco2e"]).abs().max()
print(f"\nlargest difference from a full recalculation: {gap:.1e} kg")
