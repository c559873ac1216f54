"""Supplier footprints keep their meaning: boundary, validity period, DQRs, biogenic split and primary data share
(declared in a product file or imported from PACT). Numbers are derived by hand in each docstring."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="grid", name="g", category="electricity", unit="kWh", gases={"CO2": 0.1}, **PROV),
    ],
    name="test",
)


def valve(pcf: dict[str, Any], **product: Any) -> dict[str, Any]:
    """A valve: a 50 kg steel body (A1 100) and a purchased actuator with the declared footprint ``pcf``."""
    return {
        "id": "valve",
        "items": [
            {"id": "valve", "children": [{"item": "body"}, {"item": "actuator"}]},
            {"id": "body", "kind": "part", "material": "steel", "net_mass": "50 kg"},
            {
                "id": "actuator",
                "kind": "component",
                "declared_footprint": {"gwp_set": "AR6", "source": "supplier PCF", **pcf},
            },
        ],
        "materials": [{"id": "steel", "factor": "steel"}],
        **product,
    }


def load(tmp_path: Path, data: dict[str, Any]) -> fp.Product:
    path = tmp_path / "valve.yaml"
    path.write_text(yaml.safe_dump(data))
    return fp.load_product(path)


def test_cradle_to_grave_footprint_is_refused_whole(tmp_path: Path) -> None:
    """A cradle-to-grave footprint without its modules cannot go into A1: a ProductError naming the file and
    the field, where the actuator's whole life used to land in A1 silently."""
    with pytest.raises(fp.ProductError) as err:
        load(tmp_path, valve({"kgco2e": 100, "boundary": "cradle-to-grave"}))
    problem = err.value.problems[0]
    assert problem.file is not None
    assert problem.file.endswith("valve.yaml")
    assert "declared_footprint" in (problem.field or "")
    assert "cannot go into A1 whole" in problem.message


def test_cradle_to_grave_footprint_is_split_by_its_modules(tmp_path: Path) -> None:
    """100 kg CO2e split A1-A3 80, A4 5, B6 10, C4 5 (D -3 apart): the valve's A1 = 100 + 80, A4 5, B6 10, C4 5,
    D -3; the total is 200, cradle-to-gate 180."""
    pcf = {"kgco2e": 100, "boundary": "cradle-to-grave", "modules": {"A1-A3": 80, "A4": 5, "B6": 10, "C4": 5, "D": -3}}
    r = fp.calculate(load(tmp_path, valve(pcf)), LIB)
    assert r.by_module == pytest.approx({"A1": 180.0, "A4": 5.0, "B6": 10.0, "C4": 5.0, "D": -3.0}, rel=1e-12)
    assert (r.total_kgco2e, r.cradle_to_gate_kgco2e) == pytest.approx((200.0, 180.0), rel=1e-12)
    bad = copy.deepcopy(pcf)
    bad["modules"]["C4"] = 50  # type: ignore[index]
    with pytest.raises(fp.ProductError, match="sum to 145"):
        load(tmp_path, valve(bad))


def test_validity_period_outside_the_reference_period_is_flagged(tmp_path: Path) -> None:
    """A footprint valid 2020-01-01 to 2022-12-31, used for a product of reference period 2024, is flagged."""
    pcf = {"kgco2e": 10, "valid_from": "2020-01-01", "valid_to": "2022-12-31"}
    product = valve(pcf, reference_period={"start": "2024-01-01", "end": "2024-12-31"})
    r = fp.calculate(load(tmp_path, product), LIB)
    assert any("pcf.valve.actuator" in w and "2022-12-31" in w for w in r.warnings)
    ok = valve({**pcf, "valid_to": "2025-12-31"}, reference_period={"start": "2024-01-01", "end": "2024-12-31"})
    assert not any("pcf.valve.actuator" in w for w in fp.calculate(load(tmp_path, ok), LIB).warnings)


def test_declared_dqrs_weigh_into_data_quality(tmp_path: Path) -> None:
    """The actuator (100 kg CO2e, technological DQR 2) is the only rated input beside the unrated steel (100):
    technological rating 2, coverage 100 / 200."""
    r = fp.calculate(load(tmp_path, valve({"kgco2e": 100, "dqr_technological": 2, "dqr_geographical": 3,
                                               "dqr_temporal": 1})), LIB)  # fmt: skip
    q = fp.data_quality(r, r_library(tmp_path, r), modules="cradle-to-gate")
    assert (q.technological, q.geographical, q.temporal, q.coverage) == (2.0, 3.0, 1.0, 0.5)


def r_library(tmp_path: Path, r: fp.FootprintResult) -> fp.FactorLibrary:
    """The library the result was calculated with, declared footprints included."""
    pcf = {"kgco2e": 100, "dqr_technological": 2, "dqr_geographical": 3, "dqr_temporal": 1}
    return fp.prepare_product(load(tmp_path, valve(pcf)), LIB).library


def test_two_tier_primary_data_share_by_hand(tmp_path: Path) -> None:
    """Tier 2: the actuator maker's 100 kg CO2e footprint states 40 % primary data. Tier 1: the valve's own
    A3 is 20 kWh x 0.1 = 2 kg CO2e metered (primary), the body 100 kg CO2e is generic (secondary).
    PACT (Methodology 4.2.2, emission-weighted): (100 x 0.40 + 2 x 1 + 100 x 0) / 202 = 42 / 202 = 20.79 %.
    The result, data_quality and the PACT export agree on it; before, the actuator counted as wholly primary
    (102 / 202)."""
    product = valve({"kgco2e": 100, "primary_data_share": 0.4, "pcf_id": "PCF-7", "supplier": "Act AS"})
    product["items"][0]["activities"] = [{"factor": "grid", "quantity": "20 kWh", "primary": True}]
    prep = fp.prepare_product(load(tmp_path, product), LIB)
    r = fp.calculate(prep)
    assert r.primary_data_share == pytest.approx(42 / 202, rel=1e-12)
    assert fp.data_quality(r, prep.library, modules="cradle-to-gate").primary_data_share == r.primary_data_share
    period = (date(2024, 1, 1), date(2024, 12, 31))
    pact = fp.to_pact(r, company_name="V", company_ids="V-1", company_domain="v.example.com", reference_period=period,
                      fossil_carbon_content=0.1, created=datetime(2025, 2, 1, tzinfo=UTC))  # fmt: skip
    assert float(pact["pcf"]["primaryDataShare"]) == pytest.approx(100 * 42 / 202, abs=5e-5)  # 4 decimals
    row = next(c for c in r.contributions if c.kind == "component")
    assert (row.supplier, row.footprint_id, row.primary_share) == ("Act AS", "PCF-7", 0.4)
    assert r.by_data_source == pytest.approx({"primary": 42.0, "secondary": 160.0}, rel=1e-12)


def test_declared_footprint_bad_input(tmp_path: Path) -> None:
    """A primary data share above 1, a split for a cradle-to-gate footprint and unknown modules are refused."""
    for pcf, text in (
        ({"kgco2e": 1, "primary_data_share": 40}, "primary_data_share"),
        ({"kgco2e": 1, "modules": {"A1-A3": 1}}, "goes into A1"),
        ({"kgco2e": 1, "boundary": "cradle-to-grave", "modules": {"Z9": 1}}, "unknown module"),
        ({"kgco2e": 1, "valid_from": "2025-01-01", "valid_to": "2024-01-01"}, "valid_from is after valid_to"),
    ):
        with pytest.raises(fp.ProductError) as err:
            load(tmp_path, valve(pcf))
        assert text in str(err.value)


V3: dict[str, Any] = {
    "id": "3f0c5a8e-2b7d-4c1e-9a6f-0d8b7e5c4a21",
    "specVersion": "3.0.3",
    "created": "2025-02-14T08:30:00Z",
    "status": "Active",
    "companyName": "Acme",
    "companyIds": ["urn:pact:company:customcode:supplier-id:ACME-1"],
    "productDescription": "Wooden transport crate",
    "productIds": ["urn:pact:acme.example.com:supplier-id:CRATE"],
    "productNameCompany": "Crate",
    "pcf": {
        "declaredUnitOfMeasurement": "piece",
        "declaredUnitAmount": "2",
        "productMassPerDeclaredUnit": "40",
        "referencePeriodStart": "2024-01-01T00:00:00Z",
        "referencePeriodEnd": "2025-01-01T00:00:00Z",
        "pcfExcludingBiogenicUptake": "30",
        "pcfIncludingBiogenicUptake": "-40",
        "biogenicCO2Uptake": "-70",
        "landUseChangeGhgEmissions": "4",
        "fossilGhgEmissions": "26",
        "fossilCarbonContent": "0",
        "packagingEmissionsIncluded": False,
        "ipccCharacterizationFactors": ["AR6"],
        "crossSectoralStandards": ["ISO14067"],
        "exemptedEmissionsPercent": "0",
        "primaryDataShare": "25",
    },
}


def test_pact_footprint_keeps_uptake_luc_and_primary_share() -> None:
    """Per piece (declared amount 2): excluding uptake 15, uptake -35, land use change 2, so fossil 13 and
    GWP-total 15 - 35 = -20; the footprint's own primaryDataShare 25 % carries: one crate in a product alone
    gives a share of 0.25 (its emissions without uptake, 15, times 0.25, over 15)."""
    lib = fp.pact_factors([V3])
    f = lib["pact.acme.crate"]
    assert (f.co2e, f.gases, f.primary_data_share) == (13.0, {"CO2_biogenic_uptake": 35.0, "CO2_luluc": 2.0}, 0.25)
    assert (f.supplier, f.footprint_id) == ("Acme", V3["id"])
    product = fp.Product.model_validate(
        {
            "id": "box",
            "items": [
                {"id": "box", "activities": [{"factor": "pact.acme.crate", "quantity": "1 piece", "module": "A1"}]}
            ],
        }
    )
    r = fp.calculate(product, lib)
    assert r.total_kgco2e == pytest.approx(-20.0, rel=1e-12)
    assert r.gwp_indicators["A1"] == pytest.approx(
        {"GWP-total": -20.0, "GWP-fossil": 13.0, "GWP-biogenic": -35.0, "GWP-luluc": 2.0}, rel=1e-12
    )
    assert r.primary_data_share == pytest.approx(0.25, rel=1e-12)
    # by gas, the pre-folded CO2e is only the fossil 13: the biogenic and land use change gases stand apart, and
    # the entries still sum to the total
    assert r.by_gas == pytest.approx({"CO2e (pre-folded)": 13.0, "CO2_biogenic_uptake": -35.0, "CO2_luluc": 2.0})
