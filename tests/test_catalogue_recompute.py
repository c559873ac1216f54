"""Recalculating a catalogue with another library derives every unit conversion again from the new factors."""

from __future__ import annotations

import pandas as pd
import pytest

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def library(density: str | None = "0.84 kg/L", ncv: str = "40 MJ/kg", grid_unit: str = "kWh") -> fp.FactorLibrary:
    """Diesel per kg (3.0 kg CO2 per kg), process heat per MJ of a fuel with a heating value, grid per kWh or
    MWh (0.1 kg per kWh either way)."""
    grid = 0.1 if grid_unit == "kWh" else 100.0
    return fp.FactorLibrary(
        [
            fp.EmissionFactor(
                id="diesel", name="d", category="fuel", unit="kg", gases={"CO2": 3.0}, density=density, **PROV
            ),
            fp.EmissionFactor(
                id="heat",
                name="h",
                category="fuel",
                unit="MJ",
                gases={"CO2": 0.05},
                net_calorific_value=ncv,
                energy_basis="net",
                **PROV,
            ),
            fp.EmissionFactor(id="grid", name="g", category="electricity", unit=grid_unit, gases={"CO2": grid}, **PROV),
        ],
        name="recompute",
    )


def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two products sharing a kit; the kit burns 100 L of diesel, P2 burns 10 kg more and 2 kg of heating fuel;
    P1 uses 3.6 MJ of electricity."""
    products = pd.DataFrame({"product": ["P1", "P2"], "supplier": ["S", "S"]})
    bom = pd.DataFrame({"parent": ["P1", "P2"], "child": ["KIT", "KIT"], "quantity": [1.0, 2.0]})
    activities = pd.DataFrame(
        {
            "item": ["KIT", "P2", "P2", "P1"],
            "factor": ["diesel", "diesel", "heat", "grid"],
            "amount": [100.0, 10.0, 2.0, 3.6],
            "unit": ["L", "kg", "kg", "MJ"],
        }
    )
    return products, bom, activities


def test_a_changed_density_is_applied_on_recalculation() -> None:
    """P1: kit 100 L x 0.84 kg/L x 3.0 = 252 + 3.6 MJ = 1 kWh x 0.1 = 252.1. With density 0.5 kg/L:
    100 x 0.5 x 3.0 = 150 + 0.1 = 150.1. P2: 2 kits (2 x 252 = 504, then 2 x 150 = 300) + 10 kg x 3.0 = 30
    (no density involved) + 2 kg x 40 MJ/kg x 0.05 = 4: 538, then 334."""
    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), library()))
    first = fp.calculate_catalogue(ex).by_product["total_kgco2e"]
    assert first["P1"] == pytest.approx(252.1, rel=1e-12)
    assert first["P2"] == pytest.approx(538.0, rel=1e-12)
    light = fp.calculate_catalogue(ex, factors=library(density="0.5 kg/L"))
    tot = light.by_product["total_kgco2e"]
    assert tot["P1"] == pytest.approx(150.1, rel=1e-12)
    assert tot["P2"] == pytest.approx(334.0, rel=1e-12)
    # the gas breakdown follows: all CO2
    assert light.by_product_gas.loc["P2", "CO2"] == pytest.approx(334.0, rel=1e-12)
    # the same as preparing from scratch with the new library
    fresh = fp.calculate_catalogue(fp.prepare_catalogue(*tables(), library(density="0.5 kg/L")))
    pd.testing.assert_series_equal(tot, fresh.by_product["total_kgco2e"], rtol=1e-12)


def test_a_changed_heating_value_and_unit_are_applied() -> None:
    """NCV 40 -> 45 MJ/kg: P2's heat 2 kg x 45 x 0.05 = 4.5 (was 4), P2 = 504 + 30 + 4.5 = 538.5. Grid per MWh
    (100 kg per MWh): 3.6 MJ = 0.001 MWh x 100 = 0.1, so P1 stays 252.1."""
    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), library()))
    r = fp.calculate_catalogue(ex, factors=library(ncv="45 MJ/kg", grid_unit="MWh")).by_product["total_kgco2e"]
    assert r["P2"] == pytest.approx(538.5, rel=1e-12)
    assert r["P1"] == pytest.approx(252.1, rel=1e-12)


def test_a_conversion_the_new_factor_cannot_make_is_refused() -> None:
    """Without a density, litres cannot meet a factor per kg: refused, naming the factor and the unit; a factor
    that changed its category (which sets default modules) is refused too."""
    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), library()))
    with pytest.raises(fp.IncompatibleUnitsError, match=r"diesel \('L'\)"):
        fp.calculate_catalogue(ex, factors=library(density=None))
    moved = fp.FactorLibrary([f.model_copy(update={"category": "material"}) if f.id == "grid" else f
                              for f in library()])  # fmt: skip
    with pytest.raises(fp.IncompatibleUnitsError, match="category"):
        fp.calculate_catalogue(ex, factors=moved)


def test_a_library_in_another_order_gives_the_same_results() -> None:
    """The new library holds the same factors in reverse order, with one more the catalogue does not use: each
    factor is found by id, so P1 = 252.1 and P2 = 538.0 (the values derived above), and every table equals a
    catalogue prepared with that library from the start."""
    ex = fp.explode_catalogue(fp.prepare_catalogue(*tables(), library()))
    extra = fp.EmissionFactor(id="unused", name="u", category="material", unit="kg", gases={"CO2": 9.0}, **PROV)
    shuffled = fp.FactorLibrary([extra, *reversed(list(library()))], name="reversed")
    got = fp.calculate_catalogue(ex, factors=shuffled)
    assert got.by_product.loc["P1", "total_kgco2e"] == pytest.approx(252.1, rel=1e-12)
    assert got.by_product.loc["P2", "total_kgco2e"] == pytest.approx(538.0, rel=1e-12)
    fresh = fp.calculate_catalogue(fp.prepare_catalogue(*tables(), shuffled))
    for name in ("by_product", "by_product_gas", "by_supplier", "by_family", "cluster"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(fresh, name), rtol=1e-12)


def test_the_total_is_summed_from_its_modules_not_less_module_d() -> None:
    """1 kg of a material at 0.001 kg CO2 per kg (A1) beside a credit of 10^6 kg at -1 kg CO2 per kg (D): the
    A1-C4 total is exactly 0.001 (A1 alone). All the modules summed and D taken away again would give
    (0.001 - 10^6) + 10^6 = 0.0010000000474974513 in doubles: D's magnitude would swallow the digits."""
    lib = fp.FactorLibrary(
        [
            fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 0.001}, **PROV),
            fp.EmissionFactor(id="recycling", name="r", category="credit", unit="kg", gases={"CO2": -1.0}, **PROV),
        ],
        name="credit",
    )
    products = pd.DataFrame({"product": ["P"]})
    bom = pd.DataFrame({"parent": ["P"], "child": ["PART"], "quantity": [1.0]})
    activities = pd.DataFrame({"item": ["PART", "PART"], "factor": ["steel", "recycling"], "amount": [1.0, 1e6],
                               "unit": ["kg", "kg"], "module": ["A1", "D"]})  # fmt: skip
    r = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, activities, lib))
    assert r.by_product.loc["P", "total_kgco2e"] == 0.001
    assert r.by_product.loc["P", "module_d_kgco2e"] == -1e6
    assert r.cluster.loc["cluster", "total_kgco2e"] == 0.001


@pytest.mark.parametrize("block", [1, 7])
def test_exploding_a_block_of_products_at_a_time_changes_no_number(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The law of the blocks: a catalogue exploded one product (or seven) at a time gives bit for bit the
    tables of one explosion of every product (each product's rows come in the same order, so every sum is
    taken in the same order), on a 3,000-line portfolio with shared assemblies and standard parts."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import footprint._catalogue as catalogue_module
    from benchmarks.portfolio import make_portfolio

    pf = make_portfolio(3000, seed=2)
    cat = fp.prepare_catalogue(pf.products, pf.bom, pf.activities, fp.FactorLibrary(list(pf.library)))
    whole = fp.calculate_catalogue(cat)
    monkeypatch.setattr(catalogue_module, "_EXPLODE_BLOCK", block)
    assert cat.n_products > block
    blocks = fp.calculate_catalogue(cat)
    for name in ("by_product", "by_product_gas", "by_supplier", "by_family", "cluster"):
        pd.testing.assert_frame_equal(getattr(blocks, name), getattr(whole, name), check_exact=True)
