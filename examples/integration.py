"""Integrating footprint into a product-data system: DataFrames in, JSON and a ledger out.

A supplier's system holds its products, BOM lines and activities as tables, and the company keeps its own
per-gas factors. This script passes them to footprint as DataFrames, computes every product under AR6 and
AR5 side by side, writes the catalogue result as JSON (schema: ``footprint schema catalogue``) and records
every product's full result in a ledger. Outputs go to the folder given as first argument (default: a
temporary folder). Type-checked under ``mypy --strict``.

The factor values are illustrative, not published data.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pandas as pd

import footprint as fp

GWP_SETS: tuple[fp.GWPSetName, ...] = ("AR6", "AR5")
PREFOLDED: fp.PrefoldedPolicy = "report"


def own_factors() -> pd.DataFrame:
    """The company's factor table, with the columns of a factor file (docs/factor-files.md)."""
    prov = {"source": "Company LCA team (illustrative)", "edition": "2025", "region": "NO", "licence": "internal",
            "boundary": "cradle-to-gate"}  # fmt: skip
    return pd.DataFrame(
        [
            {"id": "acme.steel.forged", "name": "Forged steel", "category": "material", "unit": "kg",
             "kg_CO2": 2.1, "kg_CH4_fossil": 0.004, "kg_N2O": 0.0001, **prov},
            {"id": "acme.machining", "name": "Machining energy (gas-fired)", "category": "process", "unit": "kWh",
             "kg_CO2": 0.2, "kg_CH4_fossil": 0.0003, **prov},
            {"id": "acme.truck", "name": "Truck freight", "category": "freight", "unit": "t*km",
             "kg_CO2": 0.09, "kg_N2O": 0.00003, **prov},
        ]
    )  # fmt: skip


def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two valves sharing one bolt kit; BOM quantities and activities carry their units."""
    products = pd.DataFrame({"product": ["GV-2", "GV-5"], "supplier": ["Valve AS", "Valve AS"],
                             "family": ["gate valves", "gate valves"]})  # fmt: skip
    bom = pd.DataFrame(
        {"parent": ["GV-2", "GV-2", "GV-5", "GV-5"], "child": ["BODY-2", "BOLTKIT", "BODY-5", "BOLTKIT"],
         "quantity": ["1 piece", "1 piece", "1 piece", "2 piece"]}
    )  # fmt: skip
    activities = pd.DataFrame(
        {"item": ["BODY-2", "BODY-5", "BOLTKIT", "GV-2", "GV-5", "BODY-5"],
         "factor": ["acme.steel.forged", "acme.steel.forged", "acme.steel.forged", "acme.machining",
                    "acme.machining", "acme.truck"],
         "amount": ["320 kg", "1.85 t", "12500 g", "410 kWh", "1.2 MWh", "1850 kg*km"]}
    )  # fmt: skip
    return products, bom, activities


def main(out: Path) -> None:
    """Compute, compare, export and record."""
    library = fp.load_factors(own_factors(), name="acme")
    catalogue = fp.prepare_catalogue(*tables(), library=library)
    exploded = fp.explode_catalogue(catalogue)
    results = {gwp: fp.calculate_catalogue(exploded, gwp=gwp, prefolded=PREFOLDED) for gwp in GWP_SETS}

    side_by_side = pd.concat({gwp: r.by_product["total_kgco2e"] for gwp, r in results.items()}, axis=1)
    print("kg CO2e per product, AR6 and AR5 side by side:")
    print(side_by_side.to_string(float_format="{:,.2f}".format))
    print("\nAR5 - AR6 per product:")
    print(fp.compare(results["AR6"], results["AR5"]).to_string(float_format="{:,.4f}".format))

    out.mkdir(parents=True, exist_ok=True)
    for gwp, r in results.items():
        path = out / f"catalogue_{gwp}.json"
        path.write_text(r.model_dump_json(indent=2), encoding="utf-8")
        doc = json.loads(path.read_text(encoding="utf-8"))
        print(
            f"\n{path.name}: schema {doc['schema']}, input {doc['input_hash']}, library {doc['factor_library_version']}"
        )

    full: fp.FootprintResult = results["AR6"].footprint("GV-5")
    print(f"\nGV-5 in full (AR6): {full.total_kgco2e:,.2f} kg CO2e; by module {full.by_module}")

    with fp.Ledger(out / "footprints.db") as ledger:
        snapshots = ledger.record(results["AR6"], "2025", note="AR6 figures")
        print(f"\nledger: {len(snapshots)} snapshot(s) recorded for 2025: {[s.id[:8] for s in snapshots]}")
        print(ledger.latest_frame("2025")[["product_id", "version", "gwp_set", "total_kgco2e"]].to_string())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
