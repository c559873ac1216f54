"""What an explosion keeps for every calculation, summed block by block while the rows are at hand, against
the same sums taken from the exploded rows one at a time: the quantity of each ((product, module), factor)
(the matrix a recalculation multiplies) and of each (product, factor) outside module D (the gases' table).

The reference is the definition: a loop over the rows in their order, adding each quantity to its cell's sum
(so that the sums agree to the last bit, whatever the blocks, the modules and the way the cells are found).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp
import footprint._catalogue as catalogue_module
import footprint._engine as engine_module
from footprint import MODULES

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [fp.EmissionFactor(id=f"f{i}", name="f", category="material", unit="kg", gases={"CO2": 1.0 + i}, **PROV)
     for i in range(4)],
    name="sums",
)  # fmt: skip
D = MODULES.index("D")


@st.composite
def catalogues(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Products and parts in a random DAG (a product may reach a part along several paths), each item with
    activities of a few factors in a few modules (the same factor in two modules of one product, module D,
    or the factor's default module), amounts of every size."""
    n_p, n_x = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    items = [f"P{i}" for i in range(n_p)] + [f"X{i}" for i in range(n_x)]
    lines = draw(st.lists(st.tuples(st.integers(0, len(items) - 1), st.integers(0, n_x - 1), st.floats(0.1, 7.0)),
                          max_size=20))  # fmt: skip
    edges = [(items[p], f"X{c}", q) for p, c, q in lines if p < n_p or p - n_p < c]
    amounts = st.one_of(st.sampled_from([0.1, 0.2, 0.3]), st.floats(1e-3, 1e6))  # tenths: sums show their order
    act = st.tuples(st.integers(0, 3), st.sampled_from(["", "A1", "A3", "D"]), amounts)
    acts = [(p, *draw(act)) for p in items[:n_p]]  # every product is an item of the catalogue
    acts += [(draw(st.sampled_from(items)), *a) for a in draw(st.lists(act, max_size=25))]
    products = pd.DataFrame({"product": items[:n_p], "supplier": ["S"] * n_p})
    bom = pd.DataFrame(edges, columns=["parent", "child", "quantity"])
    activities = pd.DataFrame(acts, columns=["item", "factor", "module", "amount"]).assign(unit="kg")
    activities["factor"] = "f" + activities["factor"].astype(str)
    return products, bom, activities


def _row_by_row(ex: fp.ExplodedCatalogue) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
    """The rows' quantities added in their order per ((product, module) key, factor) and per (product, factor)
    outside module D."""
    by_key: dict[tuple[int, int], float] = {}
    by_product: dict[tuple[int, int], float] = {}
    for p, f, m, q in zip(ex.row_product.tolist(), ex.row_factor.tolist(), ex.row_module.tolist(),
                          ex.row_qty.tolist(), strict=True):  # fmt: skip
        cell = (p * len(MODULES) + m, f)
        by_key[cell] = by_key.get(cell, 0.0) + q
        if m != D:
            by_product[p, f] = by_product.get((p, f), 0.0) + q
    return by_key, by_product


@settings(max_examples=60, deadline=None)
@given(catalogues(), st.sampled_from([1, 2, 1024]), st.booleans())
def test_the_explosions_sums_are_the_rows_added_in_order(
    tables: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], block: int, sort: bool
) -> None:
    """Law: every entry of the ((product, module), factor) matrix and every quantity per (product, factor in
    use) outside module D is its rows' quantities added in their order, bit for bit, exploding one, two or
    all products at a time, with the cells found in a table or by a sort."""
    cat = fp.prepare_catalogue(*tables, LIB)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(catalogue_module, "_EXPLODE_BLOCK", block)
        if sort:
            mp.setattr(engine_module, "DENSE_CELLS", 0)
        ex = fp.explode_catalogue(cat)
    by_key, by_product = _row_by_row(ex)
    kf = ex.by_key_factor
    run = np.repeat(np.arange(len(kf.starts)), np.diff(np.append(kf.starts, len(kf.qty))))
    assert list(zip(kf.key[run].tolist(), kf.factor.tolist(), strict=True)) == sorted(by_key)
    assert kf.qty.tobytes() == np.array([by_key[c] for c in sorted(by_key)], dtype=np.float64).tobytes()
    assert ex.used.tolist() == sorted({f for _, f in by_key})
    want = np.zeros((cat.n_products, len(ex.used)))
    for (p, f), q in by_product.items():
        want[p, ex.used.tolist().index(f)] = q
    assert ex.qty_by_product_factor.tobytes() == want.tobytes()


def test_a_catalogue_without_products_explodes_into_nothing() -> None:
    """No product, so no row, no entry of the matrix and no factor in use; every table empty and the cluster's
    totals 0 (the BOM line and activity of an item no product holds count for nothing)."""
    products = pd.DataFrame({"product": pd.Series([], dtype=str)})
    bom = pd.DataFrame({"parent": ["A"], "child": ["B"], "quantity": [1.0]})
    activities = pd.DataFrame({"item": ["B"], "factor": ["f0"], "amount": [1.0], "unit": ["kg"]})
    ex = fp.explode_catalogue(fp.prepare_catalogue(products, bom, activities, LIB))
    assert len(ex.row_qty) == len(ex.by_key_factor.qty) == len(ex.used) == 0
    assert ex.qty_by_product_factor.shape == (0, 0)
    result = fp.calculate_catalogue(ex)
    assert result.by_product.empty
    assert result.cluster.loc["cluster", "total_kgco2e"] == 0.0
