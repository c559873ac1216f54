"""Two reference implementations of the catalogue calculation, independent of footprint's catalogue code.

Both compute kg CO2e per product under a GWP set, cradle to grave: the sum over every activity of every item
reachable from the product's root of the activity's amount, times the cumulative quantity of its item in the
product (the product of the BOM quantities along a path, summed over all paths), converted to the factor's
unit, times the factor's kg CO2e per unit.

- :func:`naive_walk` is the way a careful but naive programmer writes it: dictionaries of the tables
  (:func:`naive_input`), a recursive walk from each root with a pint conversion of every activity, each item's
  footprint per unit memoised so that a shared sub-assembly is walked once, by module and gas, summed to
  suppliers. It is the baseline that the library's speed-up is measured against, and the correctness oracle.
- :func:`floor` is the least numpy work there is once the BOM is flattened to (product, factor, quantity in
  factor unit) rows: one gather, one multiply, one bincount; :func:`floor_matvec` the same totals as a
  sparse (products x factors) matrix times the factors' kg CO2e per unit. They bound how fast any evaluation
  can be; :func:`flatten` makes the rows with plain pandas merges, level by level.

    python benchmarks/reference.py   # self-check: naive and floor(flatten(...)) agree on a small portfolio
"""

from __future__ import annotations

import itertools
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

import footprint as fp

if TYPE_CHECKING:
    from benchmarks.portfolio import Portfolio

__all__ = [
    "NaiveInput",
    "NaiveResult",
    "co2e_per_factor",
    "csr",
    "flatten",
    "floor",
    "floor_matvec",
    "naive",
    "naive_input",
    "naive_walk",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


# the module of an activity given without one, by its factor's category (docs/method.md, "modules")
_MODULE_OF = {"material": "A1", "component": "A1", "freight": "A2", "freight-wtt": "A2"}


@dataclass(frozen=True)
class NaiveInput:
    """The naive walk's lookups: each item's BOM lines and activities, each product's root and supplier."""

    children: dict[str, list[tuple[str, float]]]
    activities: dict[str, list[tuple[str, float, str]]]
    products: list[tuple[str, str, str]]  # (product, root, supplier)


@dataclass(frozen=True)
class NaiveResult:
    """kg CO2e per product unit by (module, gas), and per supplier (one unit of each product walked)."""

    by_product: dict[str, dict[tuple[str, str], float]]
    by_supplier: dict[str, float]

    def totals(self) -> dict[str, float]:
        """kg CO2e per product unit, every module and gas."""
        return {p: sum(v.values()) for p, v in self.by_product.items()}


def naive_input(products: pd.DataFrame, bom: pd.DataFrame, activities: pd.DataFrame) -> NaiveInput:
    """Dictionaries of the three tables, one Python tuple per row (the naive walk's set-up)."""
    children: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for parent, child, quantity in zip(bom["parent"], bom["child"], bom["quantity"], strict=True):
        children[parent].append((child, float(quantity)))
    acts: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
    for item, factor, amount, unit in zip(
        activities["item"], activities["factor"], activities["amount"], activities["unit"], strict=True
    ):
        acts[item].append((factor, float(amount), unit))
    supplier = products["supplier"] if "supplier" in products.columns else [""] * len(products)
    rows = list(zip(products["product"], products["root"], supplier, strict=True))
    return NaiveInput(children, acts, rows)


def naive_walk(
    inp: NaiveInput, library: fp.FactorLibrary, gwp: str = "AR6", products: Iterable[str] | None = None
) -> NaiveResult:
    """Every product (or those of ``products``) by a recursive walk from its root, with a pint conversion
    of every activity, memoising each item's footprint per unit so that a shared sub-assembly or part is
    walked once, then summed to suppliers."""
    values = fp.gwp_set(gwp).values
    memo: dict[str, dict[tuple[str, str], float]] = {}

    def walk(item: str) -> dict[tuple[str, str], float]:
        done = memo.get(item)
        if done is not None:
            return done
        acc: dict[tuple[str, str], float] = defaultdict(float)
        for factor_id, amount, unit in inp.activities.get(item, ()):
            factor = library[factor_id]
            qty = fp.Q_(amount, unit).to(factor.unit).magnitude
            module = _MODULE_OF.get(factor.category, "A3")
            for gas, per_unit in factor.gases.items():
                acc[module, gas] += qty * per_unit * values[gas]
        for child, quantity in inp.children.get(item, ()):
            for key, kg in walk(child).items():
                acc[key] += quantity * kg
        memo[item] = acc
        return acc

    wanted = None if products is None else set(products)
    by_product: dict[str, dict[tuple[str, str], float]] = {}
    by_supplier: dict[str, float] = defaultdict(float)
    for product, root, supplier in inp.products:
        if wanted is None or product in wanted:
            by_product[product] = dict(walk(root))
            by_supplier[supplier] += sum(by_product[product].values())
    return NaiveResult(by_product, dict(by_supplier))


def naive(portfolio: Portfolio, gwp: str = "AR6", products: Iterable[str] | None = None) -> dict[str, float]:
    """kg CO2e per product (``products`` limits it to a subset), by :func:`naive_walk`."""
    inp = naive_input(portfolio.products, portfolio.bom, portfolio.activities)
    return naive_walk(inp, portfolio.library, gwp, products).totals()


def floor(
    row_product: IntArray, row_factor: IntArray, row_qty: FloatArray, co2e_per_factor: FloatArray, n_products: int
) -> FloatArray:
    """kg CO2e per product from flattened rows: one gather, one multiply, one bincount."""
    return np.bincount(row_product, weights=co2e_per_factor[row_factor] * row_qty, minlength=n_products)


def floor_matvec(indptr: IntArray, indices: IntArray, data: FloatArray, co2e_per_factor: FloatArray) -> FloatArray:
    """kg CO2e per product as a sparse matrix-vector product: a CSR matrix of products x factors (quantity
    of each factor per product) times kg CO2e per factor unit; one gather, one multiply, one segmented sum."""
    out = (
        np.add.reduceat(data * np.take(co2e_per_factor, indices), indptr[:-1])
        if len(data)
        else np.zeros(len(indptr) - 1)
    )
    out[indptr[:-1] == indptr[1:]] = 0.0  # reduceat copies the next value for an empty row
    return out


def row_chunks(indptr: IntArray, chunk: int = 1 << 15) -> list[tuple[int, int, int, int, IntArray]]:
    """Whole rows of a CSR matrix cut into chunks of about ``chunk`` entries: (first entry, end entry, first
    row, end row, where each non-empty row starts within its chunk, its position among the chunk's rows)."""
    n_rows, nnz = len(indptr) - 1, int(indptr[-1])
    first = np.unique(np.searchsorted(indptr[:-1], np.arange(0, nnz, chunk), side="right") - 1)
    bounds = [*first.tolist(), n_rows]
    out = []
    for r, s in itertools.pairwise(bounds):
        starts = indptr[r:s]
        full = np.flatnonzero(starts < indptr[r + 1 : s + 1])
        out.append((int(indptr[r]), int(indptr[s]), r, s, np.stack([starts[full] - indptr[r], full])))
    return out


def floor_matvec_chunked(
    chunks: list[tuple[int, int, int, int, IntArray]], indices: IntArray, data: FloatArray, co2e_per_factor: FloatArray
) -> FloatArray:
    """:func:`floor_matvec` a cache-sized chunk of whole rows at a time (``chunks`` of :func:`row_chunks`,
    made with the matrix): the gathered and multiplied values never leave the cache."""
    out = np.zeros(chunks[-1][3] if chunks else 0)
    for a, b, r, _, (starts, rows) in chunks:
        part = np.take(co2e_per_factor, indices[a:b])
        part *= data[a:b]
        out[r + rows] = np.add.reduceat(part, starts)
    return out


def csr(
    row_product: IntArray, row_factor: IntArray, row_qty: FloatArray, n_products: int, n_factors: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """The (products x factors) CSR matrix of flattened rows, duplicates summed: (indptr, indices, data)."""
    key = row_product.astype(np.int64) * n_factors + row_factor
    uniq, inv = np.unique(key, return_inverse=True)
    data = np.bincount(inv.ravel(), weights=row_qty, minlength=len(uniq))
    indptr = np.zeros(n_products + 1, dtype=np.intp)
    np.cumsum(np.bincount(uniq // n_factors, minlength=n_products), out=indptr[1:])
    return indptr, (uniq % n_factors).astype(np.intp), data


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
