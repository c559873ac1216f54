"""Substance indicators of a whole catalogue at once: (products x factors quantities) @ (factors x indicators).

The catalogue path keeps, per product, the quantity of each factor it uses over A1-C4; each substance
indicator is then one matrix product with the factors' characterised substances, as kg CO2e is with their
GWPs. A product counts as incomplete for an indicator when any factor it uses does not cover it; its value
is the sum over the factors that do (NaN when none does). Indicators read from the product data (primary
energy, end-of-life flows) need the product files: :func:`footprint.calculate` gives them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._catalogue import Catalogue, ExplodedCatalogue, explode_catalogue, rollup
from ._errors import IndicatorError, expect_type
from ._indicator_calc import _coverage
from ._indicators import IndicatorSpec, resolve_indicators

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["catalogue_indicators"]


def catalogue_indicators(
    catalogue: Catalogue | ExplodedCatalogue, indicators: IndicatorSpec = "all"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per product (one unit), supplier, family and the cluster: each substance indicator's A1-C4 value
    (``ind_<id>``, over the factors that cover it) and ``uncovered_<id>`` (products whose value leaves out a
    factor that does not cover it: 1 per such product, summed up the roll-ups). ``"all"`` takes every
    substance indicator known; naming an indicator of another kind raises :class:`IndicatorError`."""
    import pandas as pd

    expect_type(catalogue, (Catalogue, ExplodedCatalogue), "catalogue")
    ex = catalogue if isinstance(catalogue, ExplodedCatalogue) else explode_catalogue(catalogue)
    chosen = resolve_indicators(indicators)
    if indicators == "all":
        chosen = tuple(i for i in chosen if i.kind == "substances")
    other = [i.id for i in chosen if i.kind != "substances"]
    if other:
        raise IndicatorError(f"on the catalogue path only substance indicators are computed, not {', '.join(other)}")
    lib, used = ex.catalogue.library, ex.used
    cf = np.stack([i.vector() for i in chosen], axis=1) if chosen else np.zeros((len(lib.substance_matrix[0]), 0))
    per_factor = lib.substance_matrix[used] @ cf  # indicator units per factor unit
    covered = (lib.stated_matrix[used].astype(np.float64) @ _coverage(cf)) > 0
    q = ex.qty_by_product_factor
    values = q @ np.where(covered, per_factor, 0.0)
    weight = np.abs(q)
    has_covered = (weight @ covered.astype(np.float64)) > 0
    has_uncovered = (weight @ (~covered).astype(np.float64)) > 0
    cols: dict[str, np.ndarray] = {}
    for k, ind in enumerate(chosen):
        cols[f"ind_{ind.id}"] = np.where(has_covered[:, k], values[:, k], np.nan)
        cols[f"uncovered_{ind.id}"] = has_uncovered[:, k].astype(np.float64)
    by_product = pd.DataFrame(cols, index=pd.Index(ex.catalogue.product_ids, name="product"))
    filled = by_product.fillna(0.0)  # roll-ups add what is covered; uncovered_<id> says what is left out
    by_supplier, by_family, cluster = rollup(ex.catalogue, filled)
    return by_product, by_supplier, by_family, cluster
