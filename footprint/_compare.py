"""Comparing two footprints of a product: two design alternatives, or two versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ._catalogue import CatalogueResult
from ._errors import GWPError, UsageError, expect_type
from ._result import FootprintResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["compare"]

_KEYS = {"component": "path", "module": "module", "factor": "factor_id", "material": "material", "kind": "kind"}


def compare(
    a: FootprintResult | CatalogueResult,
    b: FootprintResult | CatalogueResult,
    by: Literal["component", "module", "factor", "material", "kind"] = "component",
    include_d: bool = False,
) -> pd.DataFrame:
    """Where ``b`` differs from ``a``: kg CO2e of each by ``by``, and ``diff = b - a``, largest change first.

    Both footprints must be under the same GWP set. The differences sum to ``b.total_kgco2e -
    a.total_kgco2e`` (with ``include_d``, module D rows are compared too, and sum to the change in total + D).
    Two catalogue results compare per product (total, or total + D with ``include_d``), under any GWP sets:
    a restatement under another set is what such a comparison shows.
    """
    import pandas as pd

    if isinstance(a, CatalogueResult) and isinstance(b, CatalogueResult):
        return _compare_catalogues(a, b, include_d)
    if not (isinstance(a, FootprintResult) and isinstance(b, FootprintResult)):
        expect_type(a, (FootprintResult, CatalogueResult), "a")
        expect_type(b, (FootprintResult, CatalogueResult), "b")
        raise UsageError("compare takes two footprint results or two catalogue results, not one of each")
    if a.gwp_set != b.gwp_set:
        raise GWPError(
            f"cannot compare a footprint under {a.gwp_set} with one under {b.gwp_set}; calculate both under one set"
        )
    col = _KEYS[by]

    def sums(r: FootprintResult) -> pd.Series:
        df = r.to_frame()
        if not include_d:
            df = df[df["module"] != "D"]
        return df.groupby(df[col].fillna("(none)"), sort=False)["kgco2e"].sum()

    sa, sb = sums(a), sums(b)
    out = pd.concat([sa.rename("a_kgco2e"), sb.rename("b_kgco2e")], axis=1).fillna(0.0)
    out["diff_kgco2e"] = out["b_kgco2e"] - out["a_kgco2e"]
    out["diff_share"] = (
        out["diff_kgco2e"] / (b.total_kgco2e - a.total_kgco2e) if b.total_kgco2e != a.total_kgco2e else 0.0
    )
    out.index.name = by
    return out.reindex(out["diff_kgco2e"].abs().sort_values(ascending=False, kind="stable").index)


def _compare_catalogues(a: CatalogueResult, b: CatalogueResult, include_d: bool) -> pd.DataFrame:
    """Per product of either result: a, b (kg CO2e per product unit) and b - a, largest change first."""
    import pandas as pd

    def totals(r: CatalogueResult) -> pd.Series:
        t = r.by_product["total_kgco2e"]
        return t + r.by_product["module_d_kgco2e"] if include_d else t

    df = pd.concat({"a": totals(a), "b": totals(b)}, axis=1).fillna(0.0)
    df["diff"] = df["b"] - df["a"]
    return df.reindex(df["diff"].abs().sort_values(ascending=False, kind="stable").index)
