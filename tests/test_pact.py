"""PACT exchange: export of a hand-derived footprint as v3.0.3 and v2.3, import with every problem reported,
and supplier footprints as factors in a bill of materials.

The fixtures below are written by hand for these tests, after the PACT Technical Specifications 3.0.3 and
2.3 (WBCSD): no file of the specification is read or copied.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import footprint as fp
from footprint.pact._exchange import ProductFootprintV2, ProductFootprintV3, _dec, _pact_unit

# --- a small product whose cradle-to-gate footprint is derived by hand ------------------------------------
# Per actuator (AR6: CH4 non-fossil 27.0):
#   A1 housing steel 10 kg x 2.0 = 20; motor, supplier PCF 5 (primary)             -> 25
#   A3 grid 100 kWh x 0.1 = 10; flare gas 10 kg x (1.0 CO2 + 0.01 CH4 x 27.0) = 12.7 -> 22.7
#   cradle-to-gate 47.7, of which biogenic (non-fossil CH4) 10 x 0.01 x 27 = 2.7, fossil 45.0
#   A4 (outside PACT) 12 kg x 100 km x 0.1 per t*km = 0.12; product mass 10 + 2 = 12 kg
# DQR weights (kg CO2e): steel 20 (2, 3, 1), grid 10 (1, 1, 1), flare 12.7 (3, 3, 3); the motor is unrated.
PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def library() -> fp.FactorLibrary:
    """The round-number factors of the actuator, with data quality ratings."""
    factors = [
        fp.EmissionFactor(
            id="steel", name="Steel", category="material", unit="kg", gases={"CO2": 2.0},
            dqr_technological=2, dqr_geographical=3, dqr_temporal=1, **PROV,
        ),
        fp.EmissionFactor(
            id="grid", name="Grid", category="electricity", unit="kWh", gases={"CO2": 0.1},
            dqr_technological=1, dqr_geographical=1, dqr_temporal=1, **PROV,
        ),
        fp.EmissionFactor(
            id="flare", name="Flare gas", category="process", unit="kg", gases={"CO2": 1.0, "CH4_nonfossil": 0.01},
            dqr_technological=3, dqr_geographical=3, dqr_temporal=3, **PROV,
        ),
        fp.EmissionFactor(id="truck", name="Truck", category="freight", unit="t*km", gases={"CO2": 0.1}, **PROV),
    ]  # fmt: skip
    return fp.FactorLibrary(factors, name="test")


ACTUATOR = {
    "id": "ACT-100",
    "name": "Actuator X",
    "declared_unit": "1 piece",
    "items": [
        {
            "id": "actuator",
            "children": [{"item": "housing", "quantity": 1}, {"item": "motor", "quantity": 1}],
            "activities": [{"factor": "grid", "quantity": "100 kWh"}, {"factor": "flare", "quantity": "10 kg"}],
        },
        {"id": "housing", "kind": "part", "material": "steel", "net_mass": "10 kg"},
        {
            "id": "motor",
            "kind": "component",
            "mass": "2 kg",
            "declared_footprint": {"kgco2e": 5, "gwp_set": "AR6", "source": "supplier PCF"},
        },
    ],
    "materials": [{"id": "steel", "factor": "steel"}],
    "transport": [{"module": "A4", "factor": "truck", "distance": "100 km"}],
}
GATE = 47.7
PERIOD = (date(2024, 1, 1), date(2024, 12, 31))
COMPANY = {"company_name": "Acme Subsea AS", "company_ids": ["ACME-4711"], "company_domain": "acme.example.com"}


def result(gwp: str = "AR6", prefolded: str = "error") -> fp.FootprintResult:
    """The actuator's footprint for two pieces, so that every export has to divide by the quantity."""
    product = fp.Product.model_validate(ACTUATOR)
    return fp.calculate(product, library(), quantity=2, gwp=gwp, prefolded=prefolded)  # type: ignore[arg-type]


def export(version: str = "3.0.3", **kw: Any) -> dict[str, Any]:
    """The actuator exported with the test company, reference period 2024, Norway and the library."""
    args: dict[str, Any] = {
        **COMPANY,
        "reference_period": PERIOD,
        "geography": "NO",
        "library": library(),
        "created": datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        "version": version,
        "product_category_cpc": "4391",
        # given, never assumed: 10 kg of steel at 0.2 % carbon (an assumption of the test) is 0.02 kg C
        "fossil_carbon_content": 0.02,
        "biogenic_carbon_content": 0.0,
    }
    args.update(kw)
    res = args.pop("result", None) or result()
    return fp.to_pact(res, **args)


# Written from the v3 openapi.yaml by hand: the required properties and the patterns of its simple types.
V3_REQUIRED = {
    "id", "specVersion", "created", "status", "companyName", "companyIds", "productDescription", "productIds",
    "productNameCompany", "pcf",
}  # fmt: skip
V3_PCF_REQUIRED = {
    "declaredUnitOfMeasurement", "declaredUnitAmount", "productMassPerDeclaredUnit", "referencePeriodStart",
    "referencePeriodEnd", "pcfExcludingBiogenicUptake", "pcfIncludingBiogenicUptake", "fossilGhgEmissions",
    "fossilCarbonContent", "ipccCharacterizationFactors", "crossSectoralStandards", "exemptedEmissionsPercent",
}  # fmt: skip
V3_DECIMALS = [
    "declaredUnitAmount", "productMassPerDeclaredUnit", "pcfExcludingBiogenicUptake", "pcfIncludingBiogenicUptake",
    "fossilGhgEmissions", "fossilCarbonContent", "biogenicNonCO2Emissions", "exemptedEmissionsPercent",
    "primaryDataShare",
]  # fmt: skip
DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
URN = re.compile(r"^([uU][rR][nN]):")
UNITS_V3 = {
    "liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter", "piece",
    "hour", "megabit second",
}  # fmt: skip


def test_v3_export_validates_and_has_every_required_field() -> None:
    """The v3 export validates against the v3 model and carries every property the specification requires."""
    doc = export()
    assert ProductFootprintV3.model_validate(doc).to_json_dict() == doc
    assert doc.keys() >= V3_REQUIRED
    assert doc["pcf"].keys() >= V3_PCF_REQUIRED
    assert doc["specVersion"] == "3.0.3"
    assert json.loads(json.dumps(doc)) == doc


def test_v3_export_follows_the_patterns_checked_by_hand() -> None:
    """Decimals are strings matching the spec's Decimal pattern, ids are URNs and a UUID v4, times are UTC."""
    doc = export()
    pcf = doc["pcf"]
    for key in V3_DECIMALS:
        assert isinstance(pcf[key], str), key
        assert DECIMAL.match(pcf[key]), (key, pcf[key])
    for key in ("technologicalDQR", "geographicalDQR", "temporalDQR"):
        assert DECIMAL.match(pcf["dqi"][key])
        assert 1 <= float(pcf["dqi"][key]) <= 5
    assert all(URN.match(x) for x in doc["companyIds"] + doc["productIds"] + doc["productClassifications"])
    assert uuid.UUID(doc["id"]).version == 4
    for when in (doc["created"], pcf["referencePeriodStart"], pcf["referencePeriodEnd"]):
        assert when.endswith("Z")
        assert datetime.fromisoformat(when.replace("Z", "+00:00")).utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert pcf["declaredUnitOfMeasurement"] in UNITS_V3
    assert doc["status"] in ("Active", "Deprecated")
    assert all(re.fullmatch(r"AR\d+", s) for s in pcf["ipccCharacterizationFactors"])
    assert re.fullmatch(r"[A-Z]{2}", pcf["geographyCountry"])
    assert isinstance(pcf["packagingEmissionsIncluded"], bool)


def test_v3_numbers_are_the_hand_derivation_per_declared_unit() -> None:
    """Cradle-to-gate per piece (95.4 for two pieces / 2 = 47.7), its fossil and biogenic parts, mass, DQI."""
    doc = export()
    pcf = doc["pcf"]
    assert pcf["declaredUnitOfMeasurement"] == "piece"
    assert pcf["declaredUnitAmount"] == "1"
    assert float(pcf["pcfExcludingBiogenicUptake"]) == pytest.approx(GATE, rel=1e-12)
    assert pcf["pcfIncludingBiogenicUptake"] == pcf["pcfExcludingBiogenicUptake"]  # no uptake assessed
    assert float(pcf["fossilGhgEmissions"]) == pytest.approx(45.0, rel=1e-12)
    assert float(pcf["biogenicNonCO2Emissions"]) == pytest.approx(2.7, rel=1e-12)
    assert float(pcf["productMassPerDeclaredUnit"]) == pytest.approx(12.0, rel=1e-12)
    assert float(pcf["primaryDataShare"]) == pytest.approx(100 * 5 / 47.7, abs=5e-5)  # 4 decimals: 10.4822
    # the DQRs are written to 2 decimals
    assert float(pcf["dqi"]["technologicalDQR"]) == pytest.approx((20 * 2 + 10 * 1 + 12.7 * 3) / 42.7, abs=5e-3)
    assert float(pcf["dqi"]["geographicalDQR"]) == pytest.approx((20 * 3 + 10 * 1 + 12.7 * 3) / 42.7, abs=5e-3)
    assert float(pcf["dqi"]["temporalDQR"]) == pytest.approx((20 * 1 + 10 * 1 + 12.7 * 3) / 42.7, abs=5e-3)
    assert pcf["ipccCharacterizationFactors"] == ["AR6"]
    assert pcf["referencePeriodStart"] == "2024-01-01T00:00:00Z"
    assert pcf["referencePeriodEnd"] == "2025-01-01T00:00:00Z"  # exclusive: the day after 31 December
    assert pcf["secondaryEmissionFactorSources"] == [{"name": "test", "version": "1"}]
    assert "A4" not in pcf["boundaryProcessesDescription"].split("Excluded")[0]
    assert "cradle-to-gate" in doc["comment"]
    assert "No biogenic CO2 uptake in the factors used" in doc["comment"]
    assert doc["created"] == "2025-03-01T12:00:00Z"


def test_without_library_no_dqi_and_the_biogenic_part_apportioned() -> None:
    """Without the library: no DQI, the non-fossil CH4 of A1-A3 apportioned by A1-A3's share, and both said."""
    res = result()
    doc = export(library=None)
    pcf = doc["pcf"]
    assert "dqi" not in pcf
    # non-fossil CH4 over A1-C4 is 5.4 for two pieces; A1-A3 is 95.4 of 95.64 (A4 0.24)
    assert float(pcf["biogenicNonCO2Emissions"]) == pytest.approx(5.4 * 95.4 / 95.64 / 2, rel=1e-12)
    assert float(pcf["pcfExcludingBiogenicUptake"]) == pytest.approx(GATE, rel=1e-12)
    assert "apportioned" in doc["comment"]
    assert "No DQI" in doc["comment"]
    assert pcf["secondaryEmissionFactorSources"] == [{"name": "test", "version": res.factor_library_version}]


def test_ids_that_are_not_urns_get_the_urn_pact_forms() -> None:
    """A company code and a product id become the urn:pact: forms of v3 (supplier-id) and v2 (vendor-assigned)."""
    doc = export(
        company_ids=["ACME 4711", "urn:lei:5493001KJTIIGC8Y1R12"], pf_id="3f0c5a8e-2b7d-4c1e-9a6f-0d8b7e5c4a21"
    )
    assert doc["companyIds"] == ["urn:pact:company:customcode:supplier-id:ACME%204711", "urn:lei:5493001KJTIIGC8Y1R12"]
    assert doc["productIds"] == ["urn:pact:acme.example.com:supplier-id:ACT-100"]
    assert doc["id"] == "3f0c5a8e-2b7d-4c1e-9a6f-0d8b7e5c4a21"
    v2 = export("2.3")
    assert v2["companyIds"] == ["urn:pact:company:customcode:vendor-assigned:ACME-4711"]
    given = export(product_ids=["urn:gtin:4712345060507"], company_domain=None)
    assert given["productIds"] == ["urn:gtin:4712345060507"]
    with pytest.raises(fp.PactError) as err:
        export(company_domain=None)
    assert err.value.problems[0].field == "product_ids[0]"


def test_preceding_ids_status_and_classification() -> None:
    """precedingPfIds, status and the CPC code as a product classification URN go where the spec says."""
    old = "f4b1225a-bd44-4c8e-861d-079e4e1dfd69"
    doc = export(preceding_pf_ids=[old], status="Deprecated")
    assert doc["precedingPfIds"] == [old]
    assert doc["status"] == "Deprecated"
    assert doc["productClassifications"] == ["urn:pact:productclassification:un-cpc:4391"]
    assert "precedingPfIds" not in export()


def test_export_needs_a_reference_period_and_reports_every_problem() -> None:
    """Without a reference period, with an unknown geography and a bad status, one PactError lists them all."""
    with pytest.raises(fp.PactError) as err:
        export(reference_period=None, geography="Narnia")
    fields = [p.field for p in err.value.problems]
    assert fields == ["reference_period", "geography"]
    with pytest.raises(fp.PactError) as err:
        export(status="Old")
    assert [p.field for p in err.value.problems] == ["status"]
    with pytest.raises(fp.PactError):
        export(reference_period=(date(2024, 12, 31), date(2024, 1, 1)))


def test_gwp_sets_as_ipcc_characterization_factors() -> None:
    """AR5 is declared as AR5 with AR6 beside it (the motor's AR6 supplier PCF is used unchanged, and the
    result records AR6 among the sets used); AR6 GWP20 is refused for v3 and v2; AR4 is declared in v3 but
    refused in v2."""
    ar5 = export(result=result("AR5", prefolded="report"))
    assert ar5["pcf"]["ipccCharacterizationFactors"] == ["AR5", "AR6"]
    for version in ("3.0.3", "2.3"):
        with pytest.raises(fp.PactError) as err:
            export(version, result=result("AR6-GWP20", prefolded="report"))
        assert err.value.problems[0].field == "result.gwp_set"
    ar4 = export(result=result("AR4", prefolded="report"))
    assert ar4["pcf"]["ipccCharacterizationFactors"] == ["AR4", "AR6"]
    assert "pcf.act-100.motor" in ar4["comment"]  # the AR6 supplier PCF used unchanged is named
    with pytest.raises(fp.PactError):
        export("2.3", result=result("AR4", prefolded="report"))


def test_v2_export_shape() -> None:
    """v2.3: the piece becomes 12 kilogram, values per kilogram, deprecated properties and CPC filled in."""
    doc = export("2.3")
    ProductFootprintV2.model_validate(doc)
    pcf = doc["pcf"]
    assert doc["specVersion"] == "2.3.0"
    assert doc["version"] == 1
    assert doc["productCategoryCpc"] == "4391"
    assert pcf["declaredUnit"] == "kilogram"
    assert pcf["unitaryProductAmount"] == "12"
    assert float(pcf["pCfExcludingBiogenic"]) == pytest.approx(GATE / 12, rel=1e-12)
    assert float(pcf["otherBiogenicGhgEmissions"]) == pytest.approx(2.7 / 12, rel=1e-12)
    assert pcf["characterizationFactors"] == "AR6"
    assert pcf["crossSectoralStandardsUsed"] == ["ISO Standard 14067", "GHG Protocol Product standard"]
    assert isinstance(pcf["primaryDataShare"], float)
    assert "dqi" not in pcf
    with pytest.raises(fp.PactError) as err:
        export("2.3", product_category_cpc=None)
    assert err.value.problems[0].field == "product_category_cpc"


@pytest.mark.parametrize("version", ["3.0.3", "2.3"])
def test_round_trip_gives_back_the_kg_co2e_per_declared_unit(version: str) -> None:
    """Export, JSON, read_pact and pact_factors give back 47.7 kg CO2e per piece (v2: per kg x 12 kg)."""
    text = json.dumps(export(version))
    (pf,) = fp.read_pact(text)
    lib = fp.pact_factors([pf])
    (factor,) = list(lib)
    assert factor.id == "pact.acme-subsea-as.actuator-x"
    assert factor.co2e is not None
    if version == "3.0.3":
        assert factor.unit == "piece"
        assert factor.co2e == pytest.approx(GATE, rel=1e-12)
        assert factor.region == "NO"
        # 2.063 -> 2, 2.532 -> 3, 1.595 -> 2
        assert (factor.dqr_technological, factor.dqr_geographical, factor.dqr_temporal) == (2, 3, 2)
    else:
        assert factor.unit == "kg"
        assert factor.co2e * 12 == pytest.approx(GATE, rel=1e-12)
    assert factor.gwp_set == "AR6"
    assert factor.category == "component"
    assert factor.boundary == "cradle-to-gate"
    assert factor.licence == "supplier data"
    assert pf.id in factor.source
    assert pf.id in (factor.notes or "")
    assert version[:3] in (factor.notes or "")


# --- hand-written footprints, modelled on the specification --------------------------------------------------
V3_EXAMPLE: dict[str, Any] = {
    "id": "3f0c5a8e-2b7d-4c1e-9a6f-0d8b7e5c4a21",
    "specVersion": "3.0.3",
    "created": "2025-02-14T08:30:00Z",
    "status": "Active",
    "companyName": "Acme",
    "companyIds": ["urn:pact:company:customcode:supplier-id:ACME-1"],
    "productDescription": "Electric valve actuator, 400 V, for subsea gate valves",
    "productIds": ["urn:pact:acme.example.com:supplier-id:ACT-X"],
    "productNameCompany": "Actuator X",
    "pcf": {
        "declaredUnitOfMeasurement": "piece",
        "declaredUnitAmount": "1",
        "productMassPerDeclaredUnit": "35.5",
        "referencePeriodStart": "2024-01-01T00:00:00Z",
        "referencePeriodEnd": "2025-01-01T00:00:00Z",
        "geographyCountry": "NO",
        "pcfExcludingBiogenicUptake": "120.5",
        "pcfIncludingBiogenicUptake": "120.5",
        "fossilGhgEmissions": "120.5",
        "fossilCarbonContent": "0",
        "packagingEmissionsIncluded": False,
        "ipccCharacterizationFactors": ["AR6"],
        "crossSectoralStandards": ["ISO14067", "PACT-3.0"],
        "exemptedEmissionsPercent": "0.8",
        "primaryDataShare": "62.5",
        "dqi": {"technologicalDQR": "1.4", "geographicalDQR": "2.5", "temporalDQR": "3.2"},
    },
}
V2_EXAMPLE: dict[str, Any] = {
    "id": "7d1e9c20-5a4b-4f3e-8c2d-1b0a9f8e7d6c",
    "specVersion": "2.3.0",
    "version": 2,
    "created": "2024-06-01T12:00:00Z",
    "status": "Active",
    "companyName": "Nordic Seals",
    "companyIds": ["urn:pact:company:customcode:vendor-assigned:NS-77"],
    "productDescription": "HNBR seal kit for wellhead equipment",
    "productIds": ["urn:pact:nordicseals.example.com:supplier-id:SK-9"],
    "productCategoryCpc": "3627",
    "productNameCompany": "Seal kit SK-9",
    "comment": "",
    "pcf": {
        "declaredUnit": "kilogram",
        "unitaryProductAmount": "2.5",
        "pCfExcludingBiogenic": "6.4",
        "pCfIncludingBiogenic": "6.4",
        "fossilGhgEmissions": "6.4",
        "fossilCarbonContent": "0.7",
        "biogenicCarbonContent": "0",
        "characterizationFactors": "AR5",
        "ipccCharacterizationFactorsSources": ["AR5"],
        "crossSectoralStandardsUsed": ["ISO Standard 14067"],
        "boundaryProcessesDescription": "Compounding, moulding and curing of the seals",
        "referencePeriodStart": "2023-01-01T00:00:00Z",
        "referencePeriodEnd": "2024-01-01T00:00:00Z",
        "geographyRegionOrSubregion": "Northern Europe",
        "exemptedEmissionsPercent": 1.5,
        "exemptedEmissionsDescription": "Office heating",
        "packagingEmissionsIncluded": False,
        "primaryDataShare": 40,
        "dqi": {
            "coveragePercent": 90,
            "technologicalDQR": 1.5,
            "temporalDQR": 3,
            "geographicalDQR": 2,
            "completenessDQR": 2,
            "reliabilityDQR": 2,
        },
    },
}


def test_read_a_hand_written_v3_footprint() -> None:
    """A v3 footprint reads into the v3 model with its values, and becomes a factor per piece with ratings."""
    (pf,) = fp.read_pact(V3_EXAMPLE)
    assert isinstance(pf, ProductFootprintV3)
    assert pf.pcf.pcf_excluding_biogenic_uptake == "120.5"
    assert pf.pcf.geography_country == "NO"
    assert pf.to_json_dict() == V3_EXAMPLE
    (factor,) = list(fp.pact_factors([pf]))
    assert (factor.id, factor.unit, factor.co2e, factor.gwp_set) == ("pact.acme.actuator-x", "piece", 120.5, "AR6")
    assert (factor.dqr_technological, factor.dqr_geographical, factor.dqr_temporal) == (1, 3, 3)  # 2.5 rounds up
    assert (factor.valid_from, factor.valid_to) == (date(2025, 1, 1), date(2028, 1, 1))  # reference end + 3 years


def test_read_a_hand_written_v2_footprint() -> None:
    """A v2 footprint reads into the v2 model; its factor is per kilogram, AR5, ratings mapped from 1-3 to 1-5."""
    (pf,) = fp.read_pact(V2_EXAMPLE)
    assert isinstance(pf, ProductFootprintV2)
    assert pf.pcf.p_cf_excluding_biogenic == "6.4"
    assert pf.pcf.dqi is not None
    (factor,) = list(fp.pact_factors([pf]))
    assert (factor.id, factor.unit, factor.co2e, factor.gwp_set) == (
        "pact.nordic-seals.seal-kit-sk-9",
        "kg",
        6.4,
        "AR5",
    )
    assert factor.region == "Northern Europe"
    # 1 + (x - 1) x 2: technological 1.5 -> 2, geographical 2 -> 3, temporal 3 -> 5
    assert (factor.dqr_technological, factor.dqr_geographical, factor.dqr_temporal) == (2, 3, 5)


def test_read_lists_api_responses_text_and_files(tmp_path: Path) -> None:
    """A list, {"data": [...]}, {"data": {...}}, JSON text and a file all read, each footprint by its version."""
    both = [V3_EXAMPLE, V2_EXAMPLE]
    for data in (both, {"data": both}, json.dumps({"data": both})):
        got = fp.read_pact(data)
        assert [type(x) for x in got] == [ProductFootprintV3, ProductFootprintV2]
    assert len(fp.read_pact({"data": V3_EXAMPLE})) == 1
    assert fp.read_pact({"data": []}) == []
    path = tmp_path / "footprints.json"
    path.write_text(json.dumps({"data": both}), encoding="utf-8")
    assert len(fp.read_pact(path)) == 2
    assert len(fp.read_pact(str(path))) == 2
    assert len(fp.pact_factors(path)) == 2


def _broken(example: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``example`` with the dotted ``path`` set to ``value`` (or deleted for ``...``)."""
    doc = copy.deepcopy(example)
    *head, last = path.split(".")
    node = doc
    for key in head:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return doc


@pytest.mark.parametrize(
    ("example", "path", "value", "field"),
    [
        (V3_EXAMPLE, "pcf.fossilGhgEmissions", ..., "pcf.fossilGhgEmissions"),
        (V3_EXAMPLE, "companyIds", ["ACME-1"], "companyIds[0]"),
        (V3_EXAMPLE, "pcf.fossilGhgEmissions", "-1.5", "pcf.fossilGhgEmissions"),
        (V2_EXAMPLE, "pcf.pCfExcludingBiogenic", "-6.4", "pcf.pCfExcludingBiogenic"),
        (V3_EXAMPLE, "pcf.declaredUnitOfMeasurement", "barrel", "pcf.declaredUnitOfMeasurement"),
        (V2_EXAMPLE, "pcf.declaredUnit", "piece", "pcf.declaredUnit"),
        (V3_EXAMPLE, "pcf.pcfExcludingBiogenicUptake", 120.5, "pcf.pcfExcludingBiogenicUptake"),
        (V3_EXAMPLE, "pcf.pcfExcludingBiogenicUptake", "1.2e2", "pcf.pcfExcludingBiogenicUptake"),
        (V3_EXAMPLE, "specVersion", "4.0.0", "specVersion"),
        (V3_EXAMPLE, "specVersion", ..., "specVersion"),
        (V3_EXAMPLE, "pcf.referencePeriodEnd", "31.12.2024", "pcf.referencePeriodEnd"),
        (V3_EXAMPLE, "id", "not-a-uuid", "id"),
        (V3_EXAMPLE, "pcf.dqi.temporalDQR", "6", "pcf.dqi.temporalDQR"),
        (V3_EXAMPLE, "pcf.geographyRegionOrSubregion", "Northern Europe", "pcf.geographyCountry"),
        (V2_EXAMPLE, "pcf.dqi.temporalDQR", 4, "pcf.dqi.temporalDQR"),
        (V2_EXAMPLE, "pcf.packagingEmissionsIncluded", "false", "pcf.packagingEmissionsIncluded"),
    ],
)
def test_bad_footprints_name_the_field_and_the_index(
    example: dict[str, Any], path: str, value: Any, field: str
) -> None:
    """A bad footprint second in a list gives a PactError naming its index (row 1) and the field's JSON path."""
    good = copy.deepcopy(example)
    with pytest.raises(fp.PactError) as err:
        fp.read_pact([good, _broken(example, path, value)])
    got = [(p.row, p.field) for p in err.value.problems]
    # a negative PCF also has fossil emissions above it: that rule names its own field after the schema's
    assert got[0] == (1, field)
    assert set(got[1:]) <= {(1, "pcf.fossilGhgEmissions")}
    assert len(got) == 1 or path == "pcf.pCfExcludingBiogenic"
    assert err.value.problems[0].expected


def test_every_problem_of_every_footprint_in_one_error() -> None:
    """Two bad footprints with two problems each give one PactError with all four, by index."""
    a = _broken(_broken(V3_EXAMPLE, "productIds", []), "pcf.declaredUnitAmount", "0")
    b = _broken(_broken(V2_EXAMPLE, "productCategoryCpc", ...), "pcf.characterizationFactors", "AR4")
    with pytest.raises(fp.PactError) as err:
        fp.read_pact({"data": [a, b]})
    got = {(p.row, p.field) for p in err.value.problems}
    assert got == {
        (0, "productIds"),
        (0, "pcf.declaredUnitAmount"),
        (1, "productCategoryCpc"),
        (1, "pcf.characterizationFactors"),
    }
    assert isinstance(err.value, fp.InputError)
    assert "row 1" in str(err.value)


@pytest.mark.parametrize("text", ["this is not JSON", '{"id": ', "42", "x" * 5000])
def test_non_json_and_non_pact_input_is_a_pact_error(text: str) -> None:
    """Text that is not JSON (and no file), or JSON that is no footprint, is a PactError."""
    with pytest.raises(fp.PactError):
        fp.read_pact(text)


def test_negative_v3_footprint_cannot_be_a_factor() -> None:
    """A v3 footprint below zero is valid PACT but no component factor: pact_factors names the field."""
    neg = _broken(_broken(V3_EXAMPLE, "pcf.pcfExcludingBiogenicUptake", "-2"), "pcf.pcfIncludingBiogenicUptake", "-2")
    # fossil 0 and land management removals of -2: the PCF -2 is their sum (PACT 3.0.3 x-comment)
    neg = _broken(_broken(neg, "pcf.fossilGhgEmissions", "0"), "pcf.landManagementBiogenicCO2Removals", "-2")
    with pytest.raises(fp.PactError) as err:
        fp.pact_factors([neg])
    assert err.value.problems[0].field == "pcf.pcfExcludingBiogenicUptake"


def test_declared_unit_amount_and_deprecated_footprints() -> None:
    """A v3 PCF for 2 pieces gives a factor per piece; a deprecated footprint is left out unless asked for."""
    pair = _broken(_broken(V3_EXAMPLE, "pcf.declaredUnitAmount", "2"), "productNameCompany", "Actuator pair")
    old = _broken(_broken(V3_EXAMPLE, "status", "Deprecated"), "id", "51131fb5-42a2-4267-a402-0ecfefad1619")
    lib = fp.pact_factors([pair, old])
    assert [f.id for f in lib] == ["pact.acme.actuator-pair"]
    assert lib["pact.acme.actuator-pair"].co2e == pytest.approx(120.5 / 2, rel=1e-12)
    assert len(fp.pact_factors([pair, old], include_deprecated=True)) == 2
    with pytest.raises(fp.PactError) as err:
        fp.pact_factors([V3_EXAMPLE, _broken(V3_EXAMPLE, "id", "51131fb5-42a2-4267-a402-0ecfefad1619")])
    assert err.value.problems[0].row == 1  # two active footprints of one product


def test_pact_factor_in_a_bill_of_materials() -> None:
    """Two supplier actuators (120.5 each) on a 50 kg steel frame (x 2.0) give A1 = 241 + 100 = 341; the
    footprint's own primaryDataShare (62.5 %) carries into the skid's: 241 x 0.625 / 341 (PACT Methodology
    4.2.2), not 241 / 341 as if the supplier's footprint were wholly primary."""
    lib = fp.pact_factors([V3_EXAMPLE]).merge(library())
    skid = fp.Product.model_validate(
        {
            "id": "skid",
            "name": "Valve skid",
            "declared_unit": "1 piece",
            "items": [
                {
                    "id": "skid",
                    "children": [{"item": "frame", "quantity": 1}],
                    "activities": [
                        {"factor": "pact.acme.actuator-x", "quantity": "2 piece", "module": "A1", "primary": True}
                    ],
                },
                {"id": "frame", "kind": "part", "material": "steel", "net_mass": "50 kg"},
            ],
            "materials": [{"id": "steel", "factor": "steel"}],
        }
    )
    res = fp.calculate(skid, lib)
    assert res.by_module["A1"] == pytest.approx(341.0, rel=1e-12)
    assert res.by_factor["pact.acme.actuator-x"] == pytest.approx(241.0, rel=1e-12)
    assert res.primary_data_share == pytest.approx(241 * 0.625 / 341, rel=1e-12)
    row = next(c for c in res.contributions if c.factor_id == "pact.acme.actuator-x")
    assert (row.supplier, row.footprint_id, row.licence) == ("Acme", V3_EXAMPLE["id"], "supplier data")


def test_model_rules_beyond_single_fields() -> None:
    """Two geography levels, packaging emissions while excluded and a reversed period are each refused."""
    cases = [
        (_broken(V3_EXAMPLE, "pcf.geographyCountrySubdivision", "NO-46"), "pcf.geographyCountrySubdivision"),
        (_broken(V3_EXAMPLE, "pcf.packagingGhgEmissions", "1.0"), "pcf.packagingGhgEmissions"),
        (_broken(V3_EXAMPLE, "pcf.referencePeriodEnd", "2023-06-01T00:00:00Z"), "pcf.referencePeriodEnd"),
    ]
    for doc, field in cases:
        with pytest.raises(fp.PactError) as err:
            fp.read_pact(doc)
        assert [p.field for p in err.value.problems] == [field]
        assert err.value.problems[0].row is None


def test_decimal_strings_are_rounded_to_12_significant_digits() -> None:
    """Floats become positional decimal strings without exponent, rounded once to 12 significant digits:
    a value written with fewer digits reads back as written, and float noise is gone."""
    for x in (47.7, 1e-7, 1.5e22, 0.0, -0.0, 12.0):
        text = _dec(x)
        assert DECIMAL.match(text), text
        assert float(text) == x
    assert _dec(2 / 3) == "0.666666666667"  # 12 significant digits, half-even
    assert _dec(5.14 * 3 / 3) == "5.14"  # the float is 5.140000000000001
    assert _dec(0.1 + 0.2) == "0.3"  # the float is 0.30000000000000004
    assert _dec(1e-7) == "0.0000001"
    assert _dec(12.0) == "12"
    assert _dec(-0.0) == "0"


def test_footprint_units_map_to_pact_declared_units() -> None:
    """Units map to PACT declared units with their amount; a unit PACT lacks (m) maps to none."""
    v3 = [
        "liter",
        "kilogram",
        "cubic meter",
        "kilowatt hour",
        "megajoule",
        "ton kilometer",
        "square meter",
        "piece",
        "hour",
    ]
    assert _pact_unit("t", v3) == ("kilogram", 1000.0)
    assert _pact_unit("m3", v3) == ("cubic meter", 1.0)
    assert _pact_unit("L", v3) == ("liter", 1.0)
    assert _pact_unit("kWh", v3) == ("kilowatt hour", 1.0)
    assert _pact_unit("GJ", v3) == ("megajoule", 1000.0)
    assert _pact_unit("piece", v3) == ("piece", 1.0)
    assert _pact_unit("m", v3) is None
    assert _pact_unit("piece", v3[:7]) is None  # PACT 2.3 has no piece
