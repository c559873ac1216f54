"""One product model behind the catalogue and the product paths: the same defaults, the same numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="grid", name="g", category="electricity", unit="kWh", gases={"CO2": 0.1}, **PROV),
        fp.EmissionFactor(
            id="truck", name="t", category="freight", unit="t*km", gases={"CO2": 0.1, "N2O": 1e-4}, **PROV
        ),
        fp.EmissionFactor(id="credit", name="c", category="credit", unit="kg", gases={"CO2": 1.5}, **PROV),
    ],
    name="test",
)
UNITS = {"steel": ["kg", "g", "t"], "grid": ["kWh", "MJ"], "truck": ["t*km", "kg*km"], "credit": ["kg"]}


def test_default_modules_follow_the_factor_category_on_both_paths() -> None:
    """Without a module, an item's steel goes to A1, its freight to A2 and its electricity to A3 on the
    product path as on the catalogue path (before, the product path put all three in A3):
    A1 = 10 kg x 2 = 20, A2 = 1 t*km x (0.1 + 1e-4 x 273) = 0.1273, A3 = 5 kWh x 0.1 = 0.5."""
    acts = [fp.Activity(factor="steel", quantity="10 kg"), fp.Activity(factor="truck", quantity="1 t*km"),
            fp.Activity(factor="grid", quantity="5 kWh")]  # fmt: skip
    product = fp.Product(id="P", items=[fp.Item(id="P", activities=acts)])
    r = fp.calculate(product, LIB)
    assert r.by_module["A1"] == pytest.approx(20.0, rel=1e-12)
    assert r.by_module["A2"] == pytest.approx(0.1273, rel=1e-12)
    assert r.by_module["A3"] == pytest.approx(0.5, rel=1e-12)
    tables = (
        pd.DataFrame({"product": ["P"]}),
        pd.DataFrame({"parent": [], "child": [], "quantity": []}),
        pd.DataFrame({"item": ["P"] * 3, "factor": ["steel", "truck", "grid"], "amount": [10, 1, 5],
                      "unit": ["kg", "t*km", "kWh"]}),
    )  # fmt: skip
    c = fp.calculate_catalogue(fp.prepare_catalogue(*tables, library=LIB))
    for m in ("A1", "A2", "A3"):
        assert c.by_product.loc["P", m] == pytest.approx(r.by_module[m], rel=1e-12)


@st.composite
def catalogues(draw: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """1-3 products over up to 6 items: a random DAG (children have higher numbers), random activities."""
    n_items = draw(st.integers(1, 6))
    items = [f"I{k}" for k in range(n_items)]
    edges = [(p, c) for p in range(n_items) for c in range(p + 1, n_items) if draw(st.booleans())]
    bom = pd.DataFrame(
        {"parent": [items[p] for p, _ in edges], "child": [items[c] for _, c in edges],
         "quantity": [draw(st.floats(0.0, 5.0)) for _ in edges]}
    )  # fmt: skip
    rows = []
    for item in items:
        for _ in range(draw(st.integers(0, 2))):
            f = draw(st.sampled_from(sorted(UNITS)))
            module = draw(st.sampled_from(["", "A1", "A3", "A4", "C2", "D"]))
            amount = draw(st.floats(0.0, 100.0))
            amount = -amount if f == "credit" and module == "D" else amount
            rows.append((item, f, amount, draw(st.sampled_from(UNITS[f])), module if f != "credit" else "D"))
    roots = draw(st.lists(st.sampled_from(items), min_size=1, max_size=3, unique=True))
    used = {i for e in edges for i in (items[e[0]], items[e[1]])} | {r[0] for r in rows}
    rows += [(r, "steel", 1.0, "kg", "") for r in roots if r not in used]  # a root is an item of the tables
    acts = pd.DataFrame(rows, columns=["item", "factor", "amount", "unit", "module"])
    products = pd.DataFrame({"product": [f"P{k}" for k in range(len(roots))], "root": roots})
    return products, bom, acts


def product_of(pid: str, root: str, bom: pd.DataFrame, acts: pd.DataFrame) -> fp.Product:
    """The product file a user would write for one catalogue product: every item with its children and
    activities (built here from the tables, independently of the library's own conversion)."""
    items = []
    for item in sorted(set(bom["parent"]) | set(bom["child"]) | set(acts["item"]) | {root}):
        children = [fp.Child(item=c, quantity=float(q)) for c, q in bom.loc[bom["parent"] == item, ["child", "quantity"]].itertuples(index=False)]  # fmt: skip
        activities = [
            fp.Activity(factor=f, quantity=f"{a!r} {u}", module=m or None)
            for f, a, u, m in acts.loc[acts["item"] == item, ["factor", "amount", "unit", "module"]].itertuples(index=False)
        ]  # fmt: skip
        items.append(fp.Item(id=item, children=children, activities=activities))
    return fp.Product(id=pid, root=root, items=items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=catalogues(), gwp=st.sampled_from(["AR6", "AR5"]))
def test_random_catalogues_equal_the_product_path(tables: Any, gwp: str) -> None:
    """Every product of a random catalogue has the same total, module D and modules on both paths, and
    the catalogue result's own FootprintResult of it equals the product path's."""
    products, bom, acts = tables
    res = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, acts, library=LIB), gwp=gwp)
    for pid, root in products[["product", "root"]].itertuples(index=False):
        direct = fp.calculate(product_of(pid, root, bom, acts), LIB, gwp=gwp)
        row = res.by_product.loc[pid]
        np.testing.assert_allclose(row["total_kgco2e"], direct.total_kgco2e, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(row["module_d_kgco2e"], direct.module_d_kgco2e, rtol=1e-9, atol=1e-9)
        for m, v in direct.by_module.items():
            np.testing.assert_allclose(row[m], v, rtol=1e-9, atol=1e-9)
        on_demand = res.footprint(pid)
        assert on_demand.product_id == pid
        assert on_demand.gwp_set == direct.gwp_set
        np.testing.assert_allclose(on_demand.total_kgco2e, direct.total_kgco2e, rtol=1e-9, atol=1e-9)
        assert on_demand.by_module.keys() == direct.by_module.keys()
