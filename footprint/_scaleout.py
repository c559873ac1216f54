"""The aggregation step as DataFrame operations, so that it runs on pandas or on a distributed DataFrame
engine (Dask) unchanged.

The exploded activity rows of a portfolio are a long table (product, supplier, factor, module, quantity).
Evaluating them is a join with a small table of CO2e per factor unit and a group-by: operations that
pandas and Dask DataFrames share. A portfolio that outgrows one machine keeps its exploded rows as
partitioned Parquet and runs :func:`aggregate_rows` on ``dask.dataframe.read_parquet(...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._catalogue import ExplodedCatalogue
from ._factors import FactorLibrary, PrefoldedPolicy
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName
from ._modules import MODULES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["aggregate_rows", "exploded_rows", "factor_co2e_table"]


def exploded_rows(ex: ExplodedCatalogue) -> pd.DataFrame:
    """The exploded rows as a long table: product, supplier, family, factor (id), module, qty."""
    import pandas as pd

    cat = ex.catalogue
    factor_ids = np.asarray(cat.library.ids, dtype=object)
    return pd.DataFrame(
        {
            "product": pd.Categorical.from_codes(ex.row_product, categories=pd.Index(cat.product_ids)),
            "supplier": pd.Categorical.from_codes(
                cat.supplier_of[ex.row_product], categories=pd.Index(cat.supplier_ids)
            ),
            "family": pd.Categorical.from_codes(cat.family_of[ex.row_product], categories=pd.Index(cat.family_ids)),
            "factor": pd.Categorical.from_codes(ex.row_factor, categories=pd.Index(factor_ids)),
            "module": pd.Categorical.from_codes(ex.row_module, categories=pd.Index(MODULES)),
            "qty": ex.row_qty,
        }
    )


def factor_co2e_table(
    library: FactorLibrary, gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET, prefolded: PrefoldedPolicy = "report"
) -> pd.DataFrame:
    """kg CO2e per factor unit of every factor under ``gwp``: the small side of the join."""
    import pandas as pd

    vec, _ = library.co2e_vector(gwp, prefolded)
    return pd.DataFrame({"factor": list(library.ids), "kgco2e_per_unit": vec})


def aggregate_rows(rows: Any, co2e: pd.DataFrame, by: tuple[str, ...] = ("supplier", "module")) -> Any:
    """kg CO2e summed by ``by``: a join of ``rows`` with ``co2e`` on ``factor`` and a group-by.

    ``rows`` is a pandas or a Dask DataFrame with columns ``factor``, ``qty`` and those in ``by``; the
    result is of the same kind (call ``.compute()`` on a Dask one). The join broadcasts the small factor
    table to every partition; the group-by sums partial sums, so partitions can live on many machines.
    """
    left = rows.astype({"factor": "str"}) if str(rows["factor"].dtype) == "category" else rows
    merged = left.merge(co2e, on="factor", how="left")
    merged = merged.assign(kgco2e=merged["qty"] * merged["kgco2e_per_unit"])
    return merged.groupby(list(by), observed=True)["kgco2e"].sum()
