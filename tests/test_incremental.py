"""Incremental recalculation of a catalogue: one edit recomputes the products that contain the edited item, and
the result equals a full recalculation of the edited tables."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import footprint as fp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.portfolio import Portfolio, make_portfolio

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def _library() -> fp.FactorLibrary:
    """Steel 2 kg CO2/kg (A1), grid 0.1 kg CO2 and 0.001 kg CH4 per MJ (A3), freight 0.1 kg CO2/t*km (A2)."""
    return fp.FactorLibrary(
        [
            fp.EmissionFactor(id="m", name="m", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
            fp.EmissionFactor(
                id="e", name="e", category="electricity", unit="MJ", gases={"CO2": 0.1, "CH4_fossil": 0.001}, **PROV
            ),
            fp.EmissionFactor(id="f", name="f", category="freight", unit="t*km", gases={"CO2": 0.1}, **PROV),
        ],
        name="incremental",
    )


def _tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """P1 (root R1) holds 2 A and 3 B, B holds 1 A and 1 F, A holds 4 F; P2 (root R2) holds 5 A. F weighs
    500 g of steel, A uses 1 kWh, R1 10 t*km of freight."""
    products = pd.DataFrame({"product": ["P1", "P2"], "root": ["R1", "R2"], "supplier": ["S1", "S2"]})
    bom = pd.DataFrame(
        {
            "parent": ["R1", "R1", "B", "B", "A", "R2"],
            "child": ["A", "B", "A", "F", "F", "A"],
            "quantity": [2, 3, 1, 1, 4, 5],
        }
    )
    acts = pd.DataFrame(
        {
            "item": ["F", "A", "R1"],
            "factor": ["m", "e", "f"],
            "amount": [500.0, 1.0, 10.0],
            "unit": ["g", "kWh", "t*km"],
        }
    )
    return products, bom, acts


def _live() -> fp.IncrementalCatalogue:
    return fp.IncrementalCatalogue(fp.prepare_catalogue(*_tables(), _library()), gwp="AR6")


def _assert_same(got: fp.CatalogueResult, want: fp.CatalogueResult) -> None:
    """Every table of ``got`` equals ``want``'s to 1e-12 relative (sums taken in another order)."""
    for name in ("by_product", "by_product_gas", "by_supplier", "by_family", "cluster"):
        a, b = getattr(got, name), getattr(want, name)
        assert list(a.columns) == list(b.columns), name
        assert list(a.index) == list(b.index), name
        np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-12, atol=0, err_msg=name)


def test_starts_equal_to_calculate_catalogue() -> None:
    """Before any edit, the tables are calculate_catalogue's: P1 = 23 kg (F) + 5 x 0.46728 (A) + 1 (freight)
    = 26.3364, P2 = 20 + 5 x 0.46728 = 22.3364 (A: 3.6 MJ x (0.1 + 0.001 x 29.8))."""
    live = _live()
    got = live.result()
    _assert_same(got, fp.calculate_catalogue(fp.prepare_catalogue(*_tables(), _library()), gwp="AR6"))
    assert got.by_product.loc["P1", "total_kgco2e"] == pytest.approx(26.3364, rel=1e-12)


def test_a_mass_edit_recomputes_the_products_holding_the_part() -> None:
    """F at 1 kg instead of 500 g doubles its 1 kg CO2 per F: P1 has 23 F (23 -> 46 kg), P2 20 F (20 -> 40)."""
    live = _live()
    assert live.set_amount("F", "m", 1.0, "kg") == ["P1", "P2"]
    by_product = live.result().by_product
    assert by_product.loc["P1", "A1"] == pytest.approx(46.0, rel=1e-12)
    assert by_product.loc["P2", "total_kgco2e"] == pytest.approx(40 + 5 * 0.46728, rel=1e-12)


def test_a_bom_line_edit_recomputes_only_its_product() -> None:
    """R2 -> A from 5 to 1 touches P2 only: A = 1, F = 4, so 4 kg + 0.46728 = 4.46728; P1 stays 26.3364. Then
    a new line R2 -> F (2 per R2) adds 2 kg, and removing it gives 4.46728 back."""
    live = _live()
    assert live.set_quantity("R2", "A", 1) == ["P2"]
    assert live.result().by_product.loc["P2", "total_kgco2e"] == pytest.approx(4.46728, rel=1e-12)
    assert live.result().by_product.loc["P1", "total_kgco2e"] == pytest.approx(26.3364, rel=1e-12)
    live.set_quantity("R2", "F", 2)
    assert live.result().by_product.loc["P2", "total_kgco2e"] == pytest.approx(6.46728, rel=1e-12)
    live.set_quantity("R2", "F", 0)
    assert live.result().by_product.loc["P2", "total_kgco2e"] == pytest.approx(4.46728, rel=1e-12)
    assert live.result().by_supplier.loc["S2", "total_kgco2e"] == pytest.approx(4.46728, rel=1e-12)


def test_a_new_activity_lands_in_its_module() -> None:
    """10 t*km of freight on A (A2, 0.1 kg/t*km = 1 kg per A): P2 holds 5 A, so its A2 column is 5 kg."""
    live = _live()
    live.set_amount("A", "f", 10.0, "t*km")
    assert live.result().by_product.loc["P2", "A2"] == pytest.approx(5.0, rel=1e-12)


def test_items_are_found_when_their_ids_share_a_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Items are looked up by a hash of their id: with every id hashed alike, each edit still finds its own
    items by comparing ids (R2 -> A from 5 to 1 gives P2 = 4.46728 as above), and an unknown id is refused."""
    monkeypatch.setattr(pd.util, "hash_array", lambda values, **_: np.zeros(len(values), dtype=np.uint64))
    live = _live()
    assert live.set_quantity("R2", "A", 1) == ["P2"]
    assert live.result().by_product.loc["P2", "total_kgco2e"] == pytest.approx(4.46728, rel=1e-12)
    with pytest.raises(fp.InputError, match="no such item"):
        live.set_quantity("R2", "NOPE", 1)


def test_bad_edits_are_refused() -> None:
    """An unknown item or factor, a negative or non-numeric quantity, a unit that cannot meet the factor and a
    line that closes a cycle are refused, naming what is wrong; nothing is changed by a refused edit."""
    live = _live()
    with pytest.raises(fp.InputError, match="no such item"):
        live.set_quantity("R2", "NOPE", 1)
    with pytest.raises(fp.UnknownFactorError, match="nope"):
        live.set_amount("F", "nope", 1.0, "kg")
    with pytest.raises(fp.InputError, match="finite number"):
        live.set_quantity("R2", "A", -1)
    with pytest.raises(fp.InputError, match="finite number"):
        live.set_amount("F", "m", float("nan"), "kg")
    with pytest.raises(fp.InputError, match="finite number"):
        live.set_quantity("R2", "A", "2")  # type: ignore[arg-type]
    with pytest.raises(fp.FootprintError):
        live.set_amount("F", "m", 1.0, "kWh")
    with pytest.raises(fp.CycleError, match="cycle"):
        live.set_quantity("F", "R1", 1)
    with pytest.raises(fp.UsageError):
        fp.IncrementalCatalogue("catalogue.csv")  # type: ignore[arg-type]
    _assert_same(live.result(), fp.calculate_catalogue(fp.prepare_catalogue(*_tables(), _library()), gwp="AR6"))


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    """A 6,000-line synthetic portfolio with shared assemblies and standard parts."""
    return make_portfolio(6000, seed=4)


def _edit_tables(pf: Portfolio, edits: list[tuple[str, ...]]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The portfolio's tables with ``edits`` applied the plain pandas way."""
    bom, acts = pf.bom.copy(), pf.activities.copy()
    for kind, *args in edits:
        if kind == "line":
            parent, child, qty = args[0], args[1], float(args[2])
            hit = (bom["parent"] == parent) & (bom["child"] == child)
            bom = bom[~hit] if qty == 0 else bom
            if qty and hit.any():
                bom.loc[hit, "quantity"] = qty
            elif qty:
                bom = pd.concat([bom, pd.DataFrame({"parent": [parent], "child": [child], "quantity": [qty]})])
        else:
            item, factor, amount, unit = args[0], args[1], float(args[2]), args[3]
            hit = np.flatnonzero(((acts["item"] == item) & (acts["factor"] == factor)).to_numpy())
            acts.iloc[hit[0], acts.columns.get_loc("amount")] = amount
            acts.iloc[hit[0], acts.columns.get_loc("unit")] = unit
    return pf.products, bom.astype({"quantity": float}), acts


def test_edits_equal_a_full_recalculation(portfolio: Portfolio) -> None:
    """A part's mass, a standard fastener's mass (in every supplier's products), a BOM quantity, a new line and a
    removed line: afterwards every table equals calculate_catalogue of the edited tables, and of
    :meth:`catalogue`."""
    pf = portfolio
    once = pf.activities.groupby(["item", "factor"])["amount"].transform("size") == 1
    single = pf.activities[once & (pf.activities["unit"] != "piece")]
    part = single[~single["item"].str.startswith("STD")].iloc[5]
    std = single[single["item"].str.startswith("STD")].iloc[0]
    line = pf.bom.iloc[40]
    removed = pf.bom.iloc[77]
    root = pf.products["root"].iloc[3]
    edits = [
        ("act", part["item"], part["factor"], str(part["amount"] * 1.5), part["unit"]),
        ("act", std["item"], std["factor"], str(std["amount"] / 3), std["unit"]),
        ("line", line["parent"], line["child"], "7"),
        ("line", root, std["item"], "11"),
        ("line", removed["parent"], removed["child"], "0"),
    ]
    live = fp.IncrementalCatalogue(fp.prepare_catalogue(pf.products, pf.bom, pf.activities, pf.library), gwp="AR5")
    touched = set()
    for kind, *args in edits:
        if kind == "line":
            touched |= set(live.set_quantity(args[0], args[1], float(args[2])))
        else:
            touched |= set(live.set_amount(args[0], args[1], float(args[2]), args[3]))
    assert len(touched) > 1
    want = fp.calculate_catalogue(fp.prepare_catalogue(*_edit_tables(pf, edits), pf.library), gwp="AR5")
    _assert_same(live.result(), want)
    _assert_same(fp.calculate_catalogue(live.catalogue(), gwp="AR5"), want)


def test_an_edit_of_one_products_part_touches_that_product_only(portfolio: Portfolio) -> None:
    """A part no other product shares (its id carries its product's) recomputes that one product."""
    pf = portfolio
    product, root = pf.products["product"].iloc[2], pf.products["root"].iloc[2]
    own = pf.bom[pf.bom["parent"] == root].iloc[0]
    live = fp.IncrementalCatalogue(fp.prepare_catalogue(pf.products, pf.bom, pf.activities, pf.library))
    assert live.set_quantity(root, own["child"], 2.0) == [product]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["R1", "R2", "A", "B"]), st.sampled_from(["A", "B", "F"]), st.integers(0, 9)),
        max_size=6,
    )
)
def test_any_sequence_of_line_edits_equals_a_full_recalculation(edits: list[tuple[str, str, int]]) -> None:
    """Law: after any sequence of BOM line edits (cycles refused and skipped), the tables equal
    calculate_catalogue of the tables edited the same way (to 1e-12 relative)."""
    products, bom, acts = _tables()
    live = _live()
    for parent, child, qty in edits:
        try:
            live.set_quantity(parent, child, float(qty))
        except fp.CycleError:
            continue
        hit = (bom["parent"] == parent) & (bom["child"] == child)
        bom = bom[~hit]
        if qty:
            bom = pd.concat([bom, pd.DataFrame({"parent": [parent], "child": [child], "quantity": [qty]})])
    # a root left with no line and no activity is no item of the tables: nothing to compare with
    assume(set(products["root"]) <= {*bom["parent"], *bom["child"], *acts["item"]})
    want = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, acts, _library()), gwp="AR6")
    _assert_same(live.result(), want)


def test_row_positions_widen_when_the_columns_outgrow_32_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the 32-bit limit of row positions lowered to 1,100 rows, the BOM's 6 lines and their room of 1,024
    start with 32-bit positions; 520 rewrites of R1's two lines append 1,040 rows, the columns grow past the
    limit and the positions become 64-bit, and the result stays the arithmetic's. With F at 30 kg: P1 holds
    23 F (2 x 4 from A, 3 x (4 + 1) from B), so its A1 is 23 x 30 kg x 2 kg CO2/kg = 1,380 kg; P2 holds
    5 x 4 = 20 F: 1,200 kg."""
    import footprint._incremental as incremental_module

    monkeypatch.setattr(incremental_module, "_INT32_ROWS", 1100)
    live = _live()
    assert live._bom.start.dtype == np.int32
    for k in range(520):
        live.set_quantity("R1", "A", 2.0 if k % 2 else 3.0)  # the last (k = 519) sets 2, as it began
    assert live._bom.start.dtype == np.int64
    live.set_amount("F", "m", 30.0, "kg")
    by_product = live.result().by_product
    assert by_product.loc["P1", "A1"] == pytest.approx(23 * 30 * 2.0, rel=1e-12)
    assert by_product.loc["P2", "A1"] == pytest.approx(20 * 30 * 2.0, rel=1e-12)
