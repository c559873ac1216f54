"""Catalogues: every product at once, rolled up to families, suppliers and the cluster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
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


def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two suppliers, three products; the bolt kit is shared by P1 and P2, the bolt by every product."""
    products = pd.DataFrame(
        {"product": ["P1", "P2", "P3"], "supplier": ["S1", "S1", "S2"], "family": ["valves", "valves", "pumps"]}
    )
    bom = pd.DataFrame(
        {
            "parent": ["P1", "P1", "P2", "KIT", "P3"],
            "child": ["KIT", "BODY", "KIT", "BOLT", "BOLT"],
            "quantity": [2.0, 1.0, 1.0, 8.0, 4.0],
        }
    )
    activities = pd.DataFrame(
        {
            "item": ["BOLT", "BODY", "P1", "P2", "P3", "BODY"],
            "factor": ["steel", "steel", "grid", "truck", "grid", "credit"],
            "amount": [250, 0.05, 3.6, 1000, 10, -20],
            "unit": ["g", "t", "MJ", "kg*km", "kWh", "kg"],
            "module": ["", "", "", "A4", "", "D"],
        }
    )
    return products, bom, activities


def test_hand_derived_totals_and_rollups() -> None:
    """P1 = 16 bolts x 0.25 kg x 2 + 50 kg x 2 + 3.6 MJ = 1 kWh x 0.1 = 8 + 100 + 0.1 = 108.1 (D: -20 x 1.5 = -30);
    P2 = 8 x 0.25 x 2 + 1000 kg*km = 1 t*km x (0.1 + 1e-4 x 273) = 4 + 0.1273 = 4.1273;
    P3 = 4 x 0.25 x 2 + 10 x 0.1 = 2 + 1 = 3. S1 = P1 + P2, S2 = P3, cluster = all three."""
    r = fp.calculate_catalogue(fp.prepare_catalogue(*tables(), LIB))
    tot = r.by_product["total_kgco2e"]
    assert tot["P1"] == pytest.approx(108.1, rel=1e-12)
    assert tot["P2"] == pytest.approx(4.1273, rel=1e-12)
    assert tot["P3"] == pytest.approx(3.0, rel=1e-12)
    assert r.by_product.loc["P1", "module_d_kgco2e"] == pytest.approx(-30.0, rel=1e-12)
    assert r.by_product.loc["P2", "A4"] == pytest.approx(0.1273, rel=1e-12)
    assert r.by_product.loc["P1", "cradle_to_gate_kgco2e"] == pytest.approx(108.1, rel=1e-12)
    assert r.by_supplier.loc["S1", "total_kgco2e"] == pytest.approx(108.1 + 4.1273, rel=1e-12)
    assert r.by_supplier.loc["S2", "total_kgco2e"] == pytest.approx(3.0, rel=1e-12)
    assert r.by_family.loc["valves", "total_kgco2e"] == pytest.approx(108.1 + 4.1273, rel=1e-12)
    assert r.cluster["total_kgco2e"].iloc[0] == pytest.approx(108.1 + 4.1273 + 3.0, rel=1e-12)
    # N2O of P2: 1 t*km x 1e-4 kg x 273
    assert r.by_product_gas.loc["P2", "N2O"] == pytest.approx(1e-4 * 273, rel=1e-12)


def test_modules_and_gases_sum_to_totals() -> None:
    """Module columns (without D) and gas columns each sum to every product's total."""
    r = fp.calculate_catalogue(fp.prepare_catalogue(*tables(), LIB))
    mods = [m for m in fp.MODULES if m in r.by_product.columns and m != "D"]
    np.testing.assert_allclose(r.by_product[mods].sum(axis=1), r.by_product["total_kgco2e"], rtol=1e-12)
    np.testing.assert_allclose(r.by_product_gas.sum(axis=1), r.by_product["total_kgco2e"], rtol=1e-12)


def test_recalculation_reuses_the_explosion() -> None:
    """An exploded catalogue recalculates under AR5 and with new factor values without preparing again."""
    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), LIB))
    ar6 = fp.calculate_catalogue(ex)
    ar5 = fp.calculate_catalogue(ex, gwp="AR5")
    # only P2's N2O differs: 1e-4 x (265 - 273)
    assert ar5.by_product.loc["P2", "total_kgco2e"] - ar6.by_product.loc["P2", "total_kgco2e"] == pytest.approx(
        1e-4 * -8, rel=1e-9
    )
    doubled = fp.FactorLibrary(
        [f.model_copy(update={"gases": {g: 2 * v for g, v in f.gases.items()}}) for f in LIB], name="x2"
    )
    x2 = fp.calculate_catalogue(ex, factors=doubled)
    np.testing.assert_allclose(x2.by_product["total_kgco2e"], 2 * ar6.by_product["total_kgco2e"], rtol=1e-12)


def test_new_library_must_hold_the_same_ids_and_meet_the_units() -> None:
    """Recalculating with a library that lacks a used id is refused; a factor whose unit changed is converted
    again: grid per MWh with the same 0.1 per unit makes P1's 1 kWh = 0.001 MWh x 0.1 = 0.0001 (was 0.1), so
    P1 = 108.1 - 0.1 + 0.0001 = 108.0001; a unit of another dimension (kg) cannot meet kWh and is refused."""
    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), LIB))
    with pytest.raises(fp.UnknownFactorError):
        fp.calculate_catalogue(ex, factors=fp.FactorLibrary([f for f in LIB if f.id != "grid"]))
    per_mwh = fp.FactorLibrary([f.model_copy(update={"unit": "MWh"}) if f.id == "grid" else f for f in LIB])
    r = fp.calculate_catalogue(ex, factors=per_mwh)
    assert r.by_product.loc["P1", "total_kgco2e"] == pytest.approx(108.0001, rel=1e-12)
    per_kg = fp.FactorLibrary([f.model_copy(update={"unit": "kg"}) if f.id == "grid" else f for f in LIB])
    with pytest.raises(fp.IncompatibleUnitsError):
        fp.calculate_catalogue(ex, factors=per_kg)


def test_tables_from_csv_and_parquet(tmp_path: Path) -> None:
    """The same tables written as CSV and as Parquet give the same result."""
    p, b, a = tables()
    for name, df in zip(("p", "b", "a"), (p, b, a), strict=True):
        df.to_csv(tmp_path / f"{name}.csv", index=False)
        df.to_parquet(tmp_path / f"{name}.parquet")
    csv = fp.calculate_catalogue(fp.prepare_catalogue(tmp_path / "p.csv", tmp_path / "b.csv", tmp_path / "a.csv", LIB))
    pq = fp.calculate_catalogue(
        fp.prepare_catalogue(tmp_path / "p.parquet", tmp_path / "b.parquet", tmp_path / "a.parquet", LIB)
    )
    pd.testing.assert_frame_equal(csv.by_product, pq.by_product)


def test_bad_tables_name_table_row_and_column() -> None:
    """Unknown factor, bad unit, negative amount outside D, bad quantity and unknown module: all reported."""
    p, b, a = tables()
    a.loc[0, "factor"] = "nope"
    a.loc[2, "unit"] = "kg"
    a.loc[4, "amount"] = -1
    a.loc[1, "module"] = "Z9"
    b.loc[3, "quantity"] = np.inf
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(p, b, a, LIB)
    got = {(pr.file, pr.field, pr.row) for pr in info.value.problems}
    # DataFrames: problems name positions counted from 0 (CSV files name lines: tests/test_tables.py)
    assert ("activities", "factor", 0) in got
    assert ("activities", "unit", 2) in got
    assert ("activities", "amount", 4) in got
    assert ("activities", "module", 1) in got
    assert ("bom", "quantity", 3) in got


def test_missing_columns_and_unknown_roots() -> None:
    """Missing columns are listed before anything else; a root that is no item is refused."""
    p, b, a = tables()
    with pytest.raises(fp.ProductError, match="required column"):
        fp.prepare_catalogue(p, b.drop(columns="quantity"), a, LIB)
    p2 = pd.concat([p, pd.DataFrame({"product": ["P4"], "supplier": ["S2"]})], ignore_index=True)
    with pytest.raises(fp.ProductError, match="root"):
        fp.prepare_catalogue(p2, b, a, LIB)


def test_cycle_in_catalogue() -> None:
    """A BOM line from the bolt back to the kit is a cycle, named with its path."""
    p, b, a = tables()
    b = pd.concat([b, pd.DataFrame({"parent": ["BOLT"], "child": ["KIT"], "quantity": [1]})], ignore_index=True)
    with pytest.raises(fp.CycleError) as info:
        fp.prepare_catalogue(p, b, a, LIB)
    assert set(info.value.cycle) == {"KIT", "BOLT"}


@given(st.permutations(range(5)), st.permutations(range(6)))
def test_row_order_does_not_matter(bom_order: list[int], act_order: list[int]) -> None:
    """Shuffling the BOM and activity rows changes no product's total."""
    p, b, a = tables()
    base = fp.calculate_catalogue(fp.prepare_catalogue(p, b, a, LIB)).by_product["total_kgco2e"]
    shuffled = fp.calculate_catalogue(fp.prepare_catalogue(p, b.iloc[bom_order], a.iloc[act_order], LIB))
    np.testing.assert_allclose(shuffled.by_product["total_kgco2e"].loc[base.index], base, rtol=1e-12)


@given(st.floats(0.05, 0.95))
def test_splitting_a_bom_line_changes_nothing(frac: float) -> None:
    """A BOM line of 8 bolts written as two lines (8 f and 8 (1 - f)) gives the same totals."""
    p, b, a = tables()
    base = fp.calculate_catalogue(fp.prepare_catalogue(p, b, a, LIB)).by_product["total_kgco2e"]
    split = pd.concat(
        [b, pd.DataFrame({"parent": ["KIT"], "child": ["BOLT"], "quantity": [8 * (1 - frac)]})], ignore_index=True
    )
    split.loc[3, "quantity"] = 8 * frac
    r = fp.calculate_catalogue(fp.prepare_catalogue(p, split, a, LIB)).by_product["total_kgco2e"]
    np.testing.assert_allclose(r, base, rtol=1e-12)


def test_csv_rows_count_comment_lines(tmp_path: Path) -> None:
    """In a CSV file that starts with two comment lines, the first data row is line 4 and is named so."""
    p, b, a = tables()
    a.loc[0, "factor"] = "nope"
    a.to_csv(tmp_path / "a.csv", index=False)
    text = (tmp_path / "a.csv").read_text()
    (tmp_path / "a.csv").write_text("# activities\n# of the test catalogue\n" + text)
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(p, b, tmp_path / "a.csv", LIB)
    (problem,) = info.value.problems
    assert (problem.field, problem.row) == ("factor", 4)
