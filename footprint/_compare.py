"""Comparing two footprints of a product: two design alternatives, or two versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ._errors import GWPError, expect_type
from ._result import FootprintResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["compare"]

_KEYS = {"component": "path", "module": "module", "factor": "factor_id", "material": "material", "kind": "kind"}


def compare(
    a: FootprintResult,
    b: FootprintResult,
    by: Literal["component", "module", "factor", "material", "kind"] = "component",
    include_d: bool = False,
) -> pd.DataFrame:
    """Where ``b`` differs from ``a``: kg CO2e of each by ``by``, and ``diff = b - a``, largest change first.

    Both footprints must be under the same GWP set. The differences sum to ``b.total_kgco2e -
    a.total_kgco2e`` (with ``include_d``, module D rows are compared too, and sum to the change in total + D).
    """
    import pandas as pd

    expect_type(a, FootprintResult, "a")
    expect_type(b, FootprintResult, "b")
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
