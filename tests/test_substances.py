"""Substances: air pollutants beside the greenhouse gases, in factor files, results and catalogues."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lifecycle_properties import LIB as PROPERTY_LIB
from test_lifecycle_properties import products

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
HEADER = "id,name,category,unit,kg_CO2,kg_NOx,kg_SO2,kg_NMVOC,kg_PM2_5,kg_PM10,kg_NH3,kg_CO,source,edition,region,licence,boundary"


def test_substances_are_the_gases_then_the_air_pollutants() -> None:
    """The substance axis starts with the GWP sets' gases, in their order, then the seven air pollutants, the two
    emissions to freshwater and the three resources."""
    assert fp.substances()[: len(fp.gases())] == fp.gases()
    assert fp.substances()[len(fp.gases()) :] == (
        "NOx", "SO2", "NMVOC", "PM2_5", "PM10", "NH3", "CO", "P_fw", "PO4_fw", "fresh_water", "PE_nonrenewable",
        "PE_renewable",
    )  # fmt: skip
    assert fp.air_pollutants() == fp.substances()[len(fp.gases()) : len(fp.gases()) + 7]


def test_factor_file_reads_air_pollutant_columns(tmp_path: Path) -> None:
    """Every kg_<pollutant> column is read into the factor's substances, and the substance matrix has them in
    the order of fp.substances(); the CO2e is that of the CO2 alone (air pollutants have no GWP)."""
    path = tmp_path / "f.csv"
    path.write_text(
        HEADER + "\nfuel.x,Fuel X,fuel,kg,3.0,0.05,0.002,0.001,0.0004,0.0005,0.00001,0.01,t,1,GLO,CC0-1.0,combustion\n",
        encoding="utf-8",
    )
    lib = fp.load_factors(path)
    f = lib.get("fuel.x")
    assert f.gases == {
        "CO2": 3.0, "NOx": 0.05, "SO2": 0.002, "NMVOC": 0.001, "PM2_5": 0.0004, "PM10": 0.0005, "NH3": 0.00001,
        "CO": 0.01,
    }  # fmt: skip
    row = lib.substance_matrix[0]
    assert row[fp.substances().index("NOx")] == 0.05
    assert row[fp.substances().index("PM2_5")] == 0.0004
    assert f.co2e_per_unit("AR6") == 3.0
    assert lib.gas_matrix.shape == (1, len(fp.gases()))


def test_pm25_spelt_with_a_dot_is_refused_with_the_column_meant(tmp_path: Path) -> None:
    """kg_PM2.5 is not a column (ids are plain identifiers): the error names the column and suggests kg_PM2_5."""
    path = tmp_path / "f.csv"
    path.write_text(
        "id,name,category,unit,kg_CO2,kg_PM2.5,source,edition,region,licence,boundary\n"
        "fuel.x,Fuel X,fuel,kg,3.0,0.1,t,1,GLO,CC0-1.0,combustion\n",
        encoding="utf-8",
    )
    with pytest.raises(fp.FactorFileError) as exc:
        fp.load_factors(path)
    (problem,) = exc.value.problems
    assert problem.field == "kg_PM2.5"
    assert "kg_PM2_5" in (problem.expected or "")


def test_prefolded_factor_may_carry_air_pollutants() -> None:
    """A source's pre-folded CO2e (DESNZ) may stand beside air pollutant masses: no GWP set folds them. Greenhouse
    gases beside a CO2e stay refused."""
    f = fp.EmissionFactor(
        id="diesel", name="d", category="fuel", unit="L", co2e=2.66, gwp_set="AR5", gases={"NOx": 0.04}, **PROV
    )
    assert f.co2e_per_unit("AR5") == 2.66
    em = fp.emissions("10 L", f, gwp="AR5")
    assert em.by_gas == {"CO2e": pytest.approx(26.6), "NOx": pytest.approx(0.4)}  # 10 L x 2.66; 10 L x 0.04
    with pytest.raises(ValueError, match="not both"):
        fp.EmissionFactor(
            id="d2", name="d", category="fuel", unit="L", co2e=2.66, gwp_set="AR5", gases={"N2O": 1e-4}, **PROV
        )


def test_gwp_sets_need_no_value_for_air_pollutants() -> None:
    """A GWP set covers the greenhouse gases only: an air pollutant is never 'missing' from it."""
    gs = fp.gwp_set("AR6")
    assert gs.missing({"CO2": 1.0, "NOx": 2.0, "PM10": 1.0}) == []
    gs.check_covers({"NOx": 1.0})


def _valve(nox_per_kg: float) -> tuple[fp.Product, fp.FactorLibrary]:
    lib = fp.FactorLibrary(
        [
            fp.EmissionFactor(
                id="steel", name="s", category="material", unit="kg",
                gases={"CO2": 2.0, "NOx": nox_per_kg, "SO2": 0.003}, **PROV,
            ),
            fp.EmissionFactor(
                id="diesel", name="d", category="fuel", unit="L", gases={"CO2": 2.7, "NOx": 0.05, "PM2_5": 0.001},
                **PROV,
            ),
        ],
        name="t",
    )  # fmt: skip
    product = fp.Product.model_validate(
        {
            "id": "valve",
            "items": [
                {"id": "body", "kind": "part", "material": "steel", "net_mass": "10 kg"},
            ],
            "materials": [{"id": "steel", "factor": "steel"}],
            "activities": [{"factor": "diesel", "quantity": "4 L", "module": "B6"}],
        }
    )
    return product, lib


def test_inventory_by_hand() -> None:
    """10 kg steel (A1) at 0.002 kg NOx and 0.003 kg SO2 per kg, and 4 L diesel in use (B6) at 0.05 kg NOx
    and 0.001 kg PM2.5 per L: NOx = 0.02 + 0.2 = 0.22 kg, SO2 = 0.03 kg, PM2.5 = 0.004 kg; CO2 = 20 + 10.8 kg.
    The GWP total is that of the CO2 alone: 30.8 kg CO2e."""
    product, lib = _valve(0.002)
    r = fp.calculate(product, lib)
    assert r.inventory_kg == pytest.approx({"CO2": 30.8, "NOx": 0.22, "SO2": 0.03, "PM2_5": 0.004})
    assert r.inventory_by_module["A1"] == pytest.approx({"CO2": 20.0, "NOx": 0.02, "SO2": 0.03})
    assert r.inventory_by_module["B6"] == pytest.approx({"CO2": 10.8, "NOx": 0.2, "PM2_5": 0.004})
    assert r.total_kgco2e == pytest.approx(30.8)
    assert "NOx" not in r.by_gas
    assert "NOx" not in r.gas_mass_kg


def _with_pollutants(lib: fp.FactorLibrary, amounts: dict[str, dict[str, float]]) -> fp.FactorLibrary:
    """The library with air pollutant masses added to each factor (amounts by factor id)."""
    return fp.FactorLibrary(
        [f.model_copy(update={"gases": {**f.gases, **amounts.get(f.id, {})}}) for f in lib], name=lib.name
    )


pollutant_amounts = st.dictionaries(
    st.sampled_from(fp.air_pollutants()), st.floats(min_value=1e-9, max_value=1e6, allow_nan=False), min_size=1
)


@settings(max_examples=40, deadline=None)
@given(products(), st.dictionaries(st.sampled_from([f.id for f in PROPERTY_LIB]), pollutant_amounts))
def test_air_pollutants_leave_every_gwp_number_unchanged_bit_for_bit(data: dict[str, Any], added: Any) -> None:
    """Adding any air pollutant masses to any factors changes no GWP number of a result, bit for bit: totals,
    modules, gases, indicators and every contribution row (an air pollutant's GWP is 0 by definition)."""
    lib2 = _with_pollutants(PROPERTY_LIB, added)
    product = fp.Product.model_validate(copy.deepcopy(data))
    a, b = fp.calculate(product, PROPERTY_LIB), fp.calculate(product, lib2)
    for field in ("total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e", "by_module", "by_gas",
                  "gas_mass_kg", "gwp_indicators", "by_component", "by_material", "by_factor"):  # fmt: skip
        assert getattr(a, field) == getattr(b, field), field
    assert [c.kgco2e for c in a.contributions] == [c.kgco2e for c in b.contributions]
    for g in fp.air_pollutants():
        assert a.inventory_kg.get(g, 0.0) == 0.0
    nox = sum(c.quantity * added.get(c.factor_id, {}).get("NOx", 0.0) for c in b.contributions if c.module != "D")
    assert b.inventory_kg.get("NOx", 0.0) == pytest.approx(nox, rel=1e-9, abs=1e-300)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e3), st.floats(min_value=0.01, max_value=100))
def test_inventory_scales_with_the_declared_quantity(nox: float, k: float) -> None:
    """k declared units emit k times each substance (the law GWP obeys)."""
    product, lib = _valve(nox)
    one, many = fp.calculate(product, lib), fp.calculate(product, lib, quantity=k)
    assert many.inventory_kg.keys() == one.inventory_kg.keys()
    for g, v in one.inventory_kg.items():
        assert many.inventory_kg[g] == pytest.approx(k * v, rel=1e-12)


def test_catalogue_gwp_unchanged_by_air_pollutants() -> None:
    """The catalogue path folds only greenhouse gases too: the same tables with and without NOx on a factor."""
    import pandas as pd

    products = pd.DataFrame({"product": ["P"], "supplier": ["S"], "family": ["f"]})
    bom = pd.DataFrame({"parent": ["P"], "child": ["BODY"], "quantity": [2.0]})
    acts = pd.DataFrame({"item": ["BODY"], "factor": ["steel"], "amount": [3.0], "unit": ["kg"], "module": [""]})
    _, lib = _valve(0.0)
    _, lib_nox = _valve(0.5)
    a = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, acts, lib))
    b = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, acts, lib_nox))
    pd.testing.assert_frame_equal(a.by_product, b.by_product, check_exact=True)
    pd.testing.assert_frame_equal(a.by_product_gas, b.by_product_gas, check_exact=True)


def test_frame_round_trip_keeps_air_pollutants() -> None:
    """to_frame writes kg_<pollutant> columns that from_frame reads back."""
    _, lib = _valve(0.002)
    back = fp.FactorLibrary.from_frame(lib.to_frame())
    assert back.get("steel").gases == {"CO2": 2.0, "NOx": 0.002, "SO2": 0.003}
