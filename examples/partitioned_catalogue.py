"""A catalogue partitioned by supplier and computed on a Dask cluster: the numbers of one machine.

    python examples/partitioned_catalogue.py

A cluster's catalogue that outgrows one machine is kept as Parquet partitioned by supplier: each partition
holds some suppliers' products with the BOM lines and activities only they reach; the parts several
suppliers use (here the M24 studs and the actuator one supplier buys from another) sit in shared tables that every worker reads. Each worker
prepares, explodes and evaluates its partitions; the roll-up to suppliers and the cluster happens once.

Here the cluster is a local one (``scheduler="local"``); on real machines pass the scheduler's address
(``scheduler="tcp://10.0.0.5:8786"``) and a folder every worker sees.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

import footprint as fp

here = Path(__file__).parent / "catalogue"
products, bom, activities = (here / f"{name}.csv" for name in ("products", "bom", "activities"))

with tempfile.TemporaryDirectory() as tmp:
    folder = fp.partition_catalogue(products, bom, activities, Path(tmp) / "catalogue", partitions=2)
    for name in ("products", "bom", "activities"):
        files = sorted(p.name for p in (folder / name).glob("*.parquet"))
        print(f"{name:>10}: {', '.join(files)}")
    shared = pd.read_parquet(folder / "activities" / "shared.parquet")["item"].unique()
    print(f"shared items (read by every partition): {', '.join(shared)}\n")

    on_dask = fp.calculate_catalogue_distributed(
        folder / "products", folder / "bom", folder / "activities", scheduler="local"
    )

one_machine = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, activities))
kg = "{:,.1f}".format
print("kg CO2e by supplier, on the Dask cluster:")
print(on_dask.by_supplier[["total_kgco2e", "A1"]].to_string(float_format=kg))
diff = (on_dask.by_product - one_machine.by_product.loc[on_dask.by_product.index]).abs().to_numpy().max()
print(f"\nlargest difference from one machine, any product and module: {diff:.1e} kg CO2e")
print(f"cluster: {on_dask.cluster['total_kgco2e'].iloc[0]:,.1f} kg CO2e")
