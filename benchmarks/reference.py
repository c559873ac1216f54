"""Two reference implementations of the catalogue calculation, independent of footprint's catalogue code.

Both compute kg CO2e per product under a GWP set, cradle to grave: the sum over every activity of every item
reachable from the product's root of the activity's amount, times the cumulative quantity of its item in the
product (the product of the BOM quantities along a path, summed over all paths), converted to the factor's
unit, times the factor's kg CO2e per unit.

- :func:`naive` is the way a careful but naive programmer writes it: a pint quantity per BOM line and activity,
  a recursive walk from each root, a unit conversion for every activity occurrence. It is the baseline that
  the library's speed-up is measured against, and the correctness oracle.
- :func:`floor` is the least numpy work there is once the BOM is flattened to (product, factor, quantity in
  factor unit) rows: one gather, one multiply, one bincount. It bounds how fast any evaluation can be;
  :func:`flatten` makes its rows with plain pandas merges, level by level.

    python benchmarks/reference.py   # self-check: naive and floor(flatten(...)) agree on a small portfolio
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

import footprint as fp

if TYPE_CHECKING:
    from benchmarks.portfolio import Portfolio

__all__ = ["co2e_per_factor", "flatten", "floor", "naive"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def naive(portfolio: Portfolio, gwp: str = "AR6", products: Iterable[str] | None = None) -> dict[str, float]:
    """kg CO2e per product, by a recursive walk with pint quantities (``products`` limits it to a subset)."""
    ureg = fp.unit_registry()
    library = portfolio.library
    children: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for parent, child, quantity in zip(
        portfolio.bom["parent"], portfolio.bom["child"], portfolio.bom["quantity"], strict=True
    ):
        children[parent].append((child, quantity))
    activities: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
    for item, factor, amount, unit in zip(
        portfolio.activities["item"],
        portfolio.activities["factor"],
        portfolio.activities["amount"],
        portfolio.activities["unit"],
        strict=True,
    ):
        activities[item].append((factor, amount, unit))

    def walk(item: str, multiplier: object) -> float:
        total = 0.0
        for factor_id, amount, unit in activities.get(item, ()):
            factor = library[factor_id]
            activity = fp.Q_(float(amount), unit) * multiplier
            total += activity.to(factor.unit).magnitude * factor.co2e_per_unit(gwp)
        for child, quantity in children.get(item, ()):
            total += walk(child, multiplier * ureg.Quantity(float(quantity)))
        return total

    wanted = None if products is None else set(products)
    out: dict[str, float] = {}
    for product, root in zip(portfolio.products["product"], portfolio.products["root"], strict=True):
        if wanted is None or product in wanted:
            out[product] = walk(root, ureg.Quantity(1.0))
    return out


def floor(
    row_product: IntArray, row_factor: IntArray, row_qty: FloatArray, co2e_per_factor: FloatArray, n_products: int
) -> FloatArray:
    """kg CO2e per product from flattened rows: one gather, one multiply, one bincount."""
    return np.bincount(row_product, weights=co2e_per_factor[row_factor] * row_qty, minlength=n_products)


def co2e_per_factor(library: fp.FactorLibrary, gwp: str = "AR6") -> FloatArray:
    """kg CO2e per factor unit of every factor, in library order (the ``co2e_per_factor`` of :func:`floor`)."""
    return np.array([f.co2e_per_unit(gwp) for f in library], dtype=np.float64)


def flatten(portfolio: Portfolio) -> tuple[IntArray, IntArray, FloatArray]:
    """Rows (product position, factor position in the library, amount in the factor's unit times the cumulative
    quantity of the item in the product), by pandas merges one BOM level at a time."""
    products, bom, acts, library = portfolio.products, portfolio.bom, portfolio.activities, portfolio.library
    codes, _ = pd.factorize(pd.concat([bom["parent"], bom["child"], acts["item"], products["root"]], ignore_index=True))
    n_bom, n_act = len(bom), len(acts)
    edges = pd.DataFrame(
        {
            "item": codes[:n_bom],
            "child": codes[n_bom : 2 * n_bom],
            "quantity": bom["quantity"].to_numpy(dtype=np.float64),
        }
    )
    frontier = pd.DataFrame(
        {"product": np.arange(len(products)), "item": codes[2 * n_bom + n_act :], "count": np.ones(len(products))}
    )
    levels = [frontier]
    for _ in range(n_bom + 1):
        step = frontier.merge(edges, on="item")
        if step.empty:
            break
        step = pd.DataFrame(
            {"product": step["product"], "item": step["child"], "count": step["count"] * step["quantity"]}
        )
        frontier = step.groupby(["product", "item"], as_index=False, sort=False)["count"].sum()
        levels.append(frontier)
    else:
        raise ValueError("the BOM has a cycle")
    exploded = (
        pd.concat(levels, ignore_index=True).groupby(["product", "item"], as_index=False, sort=False)["count"].sum()
    )

    # amounts in each factor's unit, one pint conversion per distinct (unit, factor unit) pair
    ureg = fp.unit_registry()
    factor_pos = pd.Series(np.arange(len(library)), index=list(library.ids))
    factor_unit = pd.Series([f.unit for f in library], index=list(library.ids))
    a = pd.DataFrame(
        {
            "item": codes[2 * n_bom : 2 * n_bom + n_act],
            "factor": factor_pos.reindex(acts["factor"].to_numpy()).to_numpy(),
            "amount": acts["amount"].to_numpy(dtype=np.float64),
            "unit": acts["unit"].to_numpy(dtype=object),
            "to": factor_unit.reindex(acts["factor"].to_numpy()).to_numpy(dtype=object),
        }
    )
    pairs = a[["unit", "to"]].drop_duplicates()
    pairs["multiplier"] = [
        float(ureg.Quantity(1.0, u).to(t).magnitude) for u, t in zip(pairs["unit"], pairs["to"], strict=True)
    ]
    a = a.merge(pairs, on=["unit", "to"])
    a["amount"] = a["amount"] * a["multiplier"]
    rows = exploded.merge(a[["item", "factor", "amount"]], on="item")
    return (
        rows["product"].to_numpy(dtype=np.intp),
        rows["factor"].to_numpy(dtype=np.intp),
        (rows["count"] * rows["amount"]).to_numpy(dtype=np.float64),
    )


def _self_check(lines: int = 2000, seed: int = 1) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.portfolio import make_portfolio

    pf = make_portfolio(lines, seed=seed)
    for gwp in ("AR6", "AR5"):
        t0 = time.perf_counter()
        ref = naive(pf, gwp)
        t1 = time.perf_counter()
        rows = flatten(pf)
        t2 = time.perf_counter()
        got = floor(*rows, co2e_per_factor(pf.library, gwp), len(pf.products))
        t3 = time.perf_counter()
        want = np.array([ref[p] for p in pf.products["product"]])
        rel = float(np.max(np.abs(got - want) / np.abs(want)))
        print(
            f"{gwp}: {len(pf.bom)} lines, {len(pf.products)} products, {len(rows[0])} flattened rows; "
            f"naive {t1 - t0:.3f} s, flatten {t2 - t1:.3f} s, floor {1e6 * (t3 - t2):.0f} µs; max rel diff {rel:.1e}"
        )
        assert rel < 1e-9, f"naive and floor(flatten(...)) differ by {rel:.3e} relative under {gwp}"
    print("self-check passed (all numbers synthetic)")


if __name__ == "__main__":
    _self_check()
