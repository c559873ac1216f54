"""Tables are contracts: declared columns, refused typos, quantities with units, positions or file rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="grid", name="g", category="electricity", unit="kWh", gases={"CO2": 0.1}, **PROV),
    ],
    name="test",
)


def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One product P: 3500 mm of PIPE (activities per metre) and 250 g of WIRE (per kg)."""
    products = pd.DataFrame({"product": ["P"], "supplier": ["S"], "family": ["risers"]})
    bom = pd.DataFrame(
        {"parent": ["P", "P"], "child": ["PIPE", "WIRE"], "quantity": [3500.0, 250.0], "unit": ["mm", "g"]}
    )
    activities = pd.DataFrame(
        {"item": ["PIPE", "WIRE", "P"], "factor": ["steel", "steel", "grid"], "amount": [12.0, 1.0, 5.0],
         "unit": ["kg", "kg", "kWh"]}
    )  # fmt: skip
    return products, bom, activities


def test_bom_quantity_unit_column_is_converted_with_pint() -> None:
    """3500 mm of pipe = 3.5 m x 12 kg/m x 2 kg CO2e/kg = 84; 250 g of wire = 0.25 kg x 1 kg/kg x 2 = 0.5;
    5 kWh x 0.1 = 0.5: total 85 kg CO2e (read as plain numbers it would be 3500 x 24 + 250 x 2 + 0.5)."""
    r = fp.calculate_catalogue(fp.prepare_catalogue(*tables(), LIB))
    assert r.by_product.loc["P", "total_kgco2e"] == pytest.approx(85.0, rel=1e-12)


def test_bom_units_inside_the_value() -> None:
    """The same quantities written as "3500 mm" and "250 g" give the same 85 kg CO2e."""
    p, b, a = tables()
    b = b.drop(columns="unit").assign(quantity=["3500 mm", "250 g"])
    r = fp.calculate_catalogue(fp.prepare_catalogue(p, b, a, LIB))
    assert r.by_product.loc["P", "total_kgco2e"] == pytest.approx(85.0, rel=1e-12)


def test_activity_units_inside_the_value() -> None:
    """Activities may carry their unit in ``amount`` ("12000 g" = 12 kg) when the unit column is absent."""
    p, b, a = tables()
    a = a.drop(columns="unit").assign(amount=["12000 g", "1 kg", "18 MJ"])
    r = fp.calculate_catalogue(fp.prepare_catalogue(p, b, a, LIB))
    assert r.by_product.loc["P", "total_kgco2e"] == pytest.approx(85.0, rel=1e-12)


def test_one_child_measured_in_two_dimensions_is_refused() -> None:
    """A child given once in mm and once in kg has no single unit to count it in."""
    p, b, a = tables()
    b = pd.concat([b, pd.DataFrame({"parent": ["P"], "child": ["PIPE"], "quantity": [3.0], "unit": ["kg"]})])
    with pytest.raises(fp.ProductError, match="PIPE"):
        fp.prepare_catalogue(p, b, a, LIB)


@pytest.mark.parametrize(
    ("table", "typo", "meant"),
    [("activities", "modul", "module"), ("products", "famly", "family"), ("bom", "quantty", "quantity")],
)
def test_misspelt_columns_are_refused_with_a_suggestion(table: str, typo: str, meant: str) -> None:
    """An unknown column is an error naming the column and the column it most resembles."""
    p, b, a = tables()
    frames = {"products": p, "bom": b, "activities": a}
    df = frames[table]
    frames[table] = df.assign(**{typo: df.iloc[:, 0]})
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(frames["products"], frames["bom"], frames["activities"], LIB)
    [problem] = [pr for pr in info.value.problems if pr.field == typo]
    assert problem.file == table
    assert f"did you mean '{meant}'" in str(problem)


def test_dataframe_errors_name_positions() -> None:
    """A DataFrame's problem names its position (counted from 0), not a CSV line."""
    p, b, a = tables()
    a = pd.concat([a] * 4, ignore_index=True)
    a.loc[10, "amount"] = -1.0
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(p, b, a, LIB)
    [problem] = [pr for pr in info.value.problems if pr.field == "amount"]
    assert problem.row == 10
    assert "position 10" in str(problem)
    assert "np.float64" not in str(info.value)
    assert "(got -1.0)" in str(problem)


def test_csv_errors_name_file_rows(tmp_path: Path) -> None:
    """The same problem in a CSV file names its line: a comment, the header, then data row 10 on line 13."""
    p, b, a = tables()
    a = pd.concat([a] * 4, ignore_index=True)
    a.loc[10, "amount"] = -1.0
    path = tmp_path / "activities.csv"
    path.write_text("# activities\n" + a.to_csv(index=False), encoding="utf-8")
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_catalogue(p, b, path, LIB)
    [problem] = [pr for pr in info.value.problems if pr.field == "amount"]
    assert problem.row == 13
    assert "row 13" in str(problem)


def test_deliveries_refuse_unknown_columns_and_name_positions() -> None:
    """Deliveries with a misspelt ``quantiy`` column are refused with a suggestion; a bad quantity at
    DataFrame position 1 is reported at position 1."""
    r = fp.calculate_catalogue(fp.prepare_catalogue(*tables(), LIB))
    table = fp.footprint_table(r)
    d = pd.DataFrame({"product": ["P", "P"], "period": ["2025", "2025"], "quantity": [1.0, 2.0], "quantiy": [1, 2]})
    with pytest.raises(fp.DeliveryError, match="did you mean 'quantity'"):
        fp.supplier_footprints(table, d)
    d = d.drop(columns="quantiy")
    d.loc[1, "quantity"] = np.nan
    with pytest.raises(fp.DeliveryError) as info:
        fp.supplier_footprints(table, d)
    assert [pr.row for pr in info.value.problems] == [1]
    assert "position 1" in str(info.value)


def test_factor_files_suggest_the_column_meant(tmp_path: Path) -> None:
    """A factor file with ``licnce`` names ``licence`` as the column meant."""
    path = tmp_path / "f.csv"
    path.write_text("id,name,category,unit,source,edition,region,licnce,boundary,kg_CO2\n", encoding="utf-8")
    with pytest.raises(fp.FactorFileError, match="did you mean 'licence'"):
        fp.load_factors(path)


def test_every_table_is_declared_and_documented() -> None:
    """Each table the library reads has a declared schema, and docs/catalogue.md lists every column."""
    from footprint._tables import TABLES

    assert set(TABLES) == {"products", "bom", "activities", "deliveries", "factors"}
    doc = (Path(__file__).parents[1] / "docs" / "catalogue.md").read_text(encoding="utf-8")
    for spec in TABLES.values():
        for col in spec.columns:
            assert f"`{col.name}`" in doc, (spec.name, col.name)
