"""Biogenic carbon and land use change: gases of their own, EN 15804+A2 GWP indicators per module, and the PACT
fields filled from them. Every number is derived by hand in the test's docstring."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def library() -> fp.FactorLibrary:
    """Round numbers: steel 2.0 fossil CO2 per kg; sawn wood 0.1 fossil CO2 and 1.8 kg CO2 taken up per kg;
    a bio-based lubricant 1.0 fossil CO2, 0.5 land-use-change CO2 and 0.01 biogenic CH4 per kg; wood burnt at
    end of life 1.8 biogenic CO2 and 0.01 fossil CO2 per kg."""
    rows: list[dict[str, Any]] = [
        {"id": "steel", "category": "material", "unit": "kg", "gases": {"CO2": 2.0}},
        {"id": "wood", "category": "material", "unit": "kg", "gases": {"CO2": 0.1, "CO2_biogenic_uptake": 1.8}},
        {
            "id": "lube",
            "category": "material",
            "unit": "kg",
            "gases": {"CO2": 1.0, "CO2_luluc": 0.5, "CH4_nonfossil": 0.01},
        },
        {"id": "burn", "category": "waste", "unit": "kg", "gases": {"CO2_biogenic": 1.8, "CO2": 0.01}},
    ]
    return fp.FactorLibrary([fp.EmissionFactor(name=r["id"], **r, **PROV) for r in rows], name="bio")


SKID: dict[str, Any] = {
    "id": "skid",
    "declared_unit": "1 piece",
    "items": [
        {
            "id": "skid",
            "children": [{"item": "frame"}, {"item": "crate"}],
            "activities": [{"factor": "lube", "quantity": "2 kg", "primary": True, "module": "A3"}],
        },
        {"id": "frame", "kind": "part", "material": "steel", "net_mass": "100 kg"},
        {"id": "crate", "kind": "part", "material": "wood", "net_mass": "10 kg"},
    ],
    "materials": [{"id": "steel", "factor": "steel"}, {"id": "wood", "factor": "wood", "end_of_life": "burn"}],
    "end_of_life": [{"id": "burn", "routes": [{"share": 1.0, "factor": "burn", "module": "C3"}]}],
}


def skid() -> fp.FootprintResult:
    return fp.calculate(fp.Product.model_validate(SKID), library())


def test_en15804_indicators_per_module_by_hand() -> None:
    """A1: steel 100 x 2.0 = 200 fossil; crate 10 kg x 0.1 = 1 fossil and 10 x 1.8 = 18 kg CO2 taken up (-18).
    A3: lubricant 2 kg: fossil 2.0, luluc 2 x 0.5 = 1.0, biogenic CH4 2 x 0.01 x 27.0 (AR6 non-fossil) = 0.54.
    C3: crate burnt: 10 x 1.8 = 18 biogenic, 10 x 0.01 = 0.1 fossil. GWP-total = the sum of the three."""
    r = skid()
    want = {
        "A1": {"GWP-total": 183.0, "GWP-fossil": 201.0, "GWP-biogenic": -18.0, "GWP-luluc": 0.0},
        "A3": {"GWP-total": 3.54, "GWP-fossil": 2.0, "GWP-biogenic": 0.54, "GWP-luluc": 1.0},
        "C3": {"GWP-total": 18.1, "GWP-fossil": 0.1, "GWP-biogenic": 18.0, "GWP-luluc": 0.0},
    }
    assert set(r.gwp_indicators) == set(want)
    for module, values in want.items():
        for name, value in values.items():
            assert r.gwp_indicators[module][name] == pytest.approx(value, rel=1e-12, abs=1e-12), (module, name)
    assert r.total_kgco2e == pytest.approx(183.0 + 3.54 + 18.1, rel=1e-12)
    # the carbon taken up into the crate leaves it again at end of life: biogenic CO2 balances over the life
    assert r.gas_mass_kg["CO2_biogenic_uptake"] == pytest.approx(18.0, rel=1e-12)
    assert r.by_gas["CO2_biogenic_uptake"] == pytest.approx(-18.0, rel=1e-12)
    assert r.by_gas["CO2_biogenic"] == pytest.approx(18.0, rel=1e-12)


def test_primary_share_leaves_out_biogenic_uptake() -> None:
    """PACT's primaryDataShare is a share of the PCF excluding biogenic uptake: the lubricant (primary, 3.54)
    over A1-A3 without the -18 taken up: 3.54 / (183 + 3.54 + 18) = 3.54 / 204.54."""
    assert skid().primary_data_share == pytest.approx(3.54 / 204.54, rel=1e-12)


def test_pact_export_fills_biogenic_fields_from_the_factors() -> None:
    """Cradle-to-gate 186.54 with 18 kg CO2 taken up: pcfExcludingBiogenicUptake 204.54, including 186.54,
    biogenicCO2Uptake -18, landUseChangeGhgEmissions 1.0, biogenicNonCO2Emissions 0.54, fossil 203.0
    (steel 200 + crate 1 + lubricant 2). v2.3 (per kilogram: 2.3 has no piece, the skid weighs 110 kg):
    pCfExcludingBiogenic 204.54 / 110 (no biogenic CO2 emitted in A1-A3), biogenicCarbonWithdrawal -18 / 110,
    dLucGhgEmissions 1.0 / 110."""
    args: dict[str, Any] = {
        "company_name": "Acme",
        "company_ids": "ACME-1",
        "company_domain": "acme.example.com",
        "reference_period": (date(2024, 1, 1), date(2024, 12, 31)),
        "library": library(),
        "created": datetime(2025, 1, 1, tzinfo=UTC),
        "product_category_cpc": "4391",
        "fossil_carbon_content": 0.3,
        "biogenic_carbon_content": 4.9,
    }
    pcf = fp.to_pact(skid(), **args)["pcf"]
    assert float(pcf["pcfExcludingBiogenicUptake"]) == pytest.approx(204.54, rel=1e-12)
    assert float(pcf["pcfIncludingBiogenicUptake"]) == pytest.approx(186.54, rel=1e-12)
    assert float(pcf["biogenicCO2Uptake"]) == pytest.approx(-18.0, rel=1e-12)
    assert float(pcf["landUseChangeGhgEmissions"]) == pytest.approx(1.0, rel=1e-12)
    assert float(pcf["biogenicNonCO2Emissions"]) == pytest.approx(0.54, rel=1e-12)
    assert float(pcf["fossilGhgEmissions"]) == pytest.approx(203.0, rel=1e-12)
    assert float(pcf["primaryDataShare"]) == pytest.approx(100 * 3.54 / 204.54, abs=5e-5)  # 4 decimals
    v2 = fp.to_pact(skid(), version="2.3", **args)["pcf"]
    # 12 significant digits (docs/pact.md, Decimals)
    assert float(v2["pCfExcludingBiogenic"]) == pytest.approx(204.54 / 110, rel=1e-11)
    assert float(v2["pCfIncludingBiogenic"]) == pytest.approx(186.54 / 110, rel=1e-11)
    assert float(v2["biogenicCarbonWithdrawal"]) == pytest.approx(-18.0 / 110, rel=1e-11)
    assert float(v2["dLucGhgEmissions"]) == pytest.approx(1.0 / 110, rel=1e-11)
    with pytest.raises(fp.PactError, match="already carries biogenic CO2 uptake"):
        fp.to_pact(skid(), biogenic_co2_uptake=-5.0, **args)


def test_declared_footprint_keeps_its_biogenic_split() -> None:
    """A declared 50 kg CO2e (GWP-total) pallet, of which 10 kg CO2 taken up and 2 kg land use change: in A1,
    GWP-biogenic -10, GWP-luluc 2, GWP-fossil 50 + 10 - 2 = 58."""
    product = fp.Product.model_validate(
        {
            "id": "p",
            "items": [
                {"id": "p", "children": [{"item": "pallet"}]},
                {
                    "id": "pallet",
                    "kind": "component",
                    "declared_footprint": {
                        "kgco2e": 50, "gwp_set": "AR6", "source": "supplier", "biogenic_co2_uptake": 10,
                        "luluc_co2": 2,
                    },
                },
            ],
        }
    )  # fmt: skip
    r = fp.calculate(product, library())
    assert r.gwp_indicators["A1"] == pytest.approx(
        {"GWP-total": 50.0, "GWP-fossil": 58.0, "GWP-biogenic": -10.0, "GWP-luluc": 2.0}, rel=1e-12
    )
    r5 = fp.calculate(product, library(), gwp="AR5", prefolded="report")  # the split holds under any set
    assert r5.gwp_indicators["A1"]["GWP-biogenic"] == pytest.approx(-10.0, rel=1e-12)


def test_chain_carries_the_supplier_biogenic_split() -> None:
    """The skid (cradle-to-gate 186.54: -18 uptake, 0.54 biogenic CH4 carried as biogenic CO2e, 1.0 luluc)
    bought by a module: its A1 shows the same split."""
    module = {
        "id": "module",
        "items": [
            {"id": "module", "children": [{"item": "s"}]},
            {"id": "s", "kind": "component", "supplier_product": "skid"},
        ],
    }
    products = [fp.Product.model_validate(SKID), fp.Product.model_validate(module)]
    r = fp.calculate_chain(products, library())["module"]
    assert r.gwp_indicators["A1"] == pytest.approx(
        {"GWP-total": 186.54, "GWP-fossil": 203.0, "GWP-biogenic": -18.0 + 0.54, "GWP-luluc": 1.0}, rel=1e-12
    )


def test_factor_rows_with_biogenic_gases_and_bad_input() -> None:
    """Factor files get kg_CO2_biogenic, kg_CO2_biogenic_uptake and kg_CO2_luluc columns, which may stand beside a
    pre-folded kg_CO2e (their GWP is the same in every set); other gases may not."""
    head = "id,name,category,unit,source,edition,region,licence,boundary,kg_CO2e,gwp_set,kg_CO2_biogenic_uptake,kg_N2O"
    ok = f"{head}\npallet,Pallet,material,kg,s,1,GLO,CC0-1.0,cradle-to-gate,0.3,AR5,1.6,\n"
    bad = f"{head}\npallet,Pallet,material,kg,s,1,GLO,CC0-1.0,cradle-to-gate,0.3,AR5,1.6,0.1\n"
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.csv"
        p.write_text(ok)
        f = fp.load_factors(p)["pallet"]
        assert f.co2e_per_unit("AR5") == pytest.approx(0.3 - 1.6, rel=1e-12)
        p.write_text(bad)
        with pytest.raises(fp.FactorFileError) as err:
            fp.load_factors(p)
        assert err.value.problems[0].field == "kg_CO2e"
        assert err.value.problems[0].row == 2
