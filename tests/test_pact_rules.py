"""PACT rules beyond the schemas: decimals at a stated precision, export rules, import checks across fields,
documents in every form the API sends them, successions, and a supplier footprint carried through a BOM.

Every document here is written by hand for these tests after the texts of the PACT Technical Specifications
3.0.3 (openapi.yaml) and 2.3 (openapi.yaml and data model), WBCSD: no file of the specification is read.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp
from footprint.pact._decimal import bounded, decimal, decimal_text

PROV = {"source": "Test database", "edition": "7", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
CREATED = datetime(2026, 3, 1, tzinfo=UTC)


def factor(fid: str, unit: str = "kg", co2: float = 1.0, rating: int | None = None, **kw: Any) -> fp.EmissionFactor:
    """A one-gas factor; ``rating`` sets all three DQRs."""
    dqr = {f"dqr_{k}": rating for k in ("technological", "geographical", "temporal")} if rating else {}
    return fp.EmissionFactor(
        id=fid, name=fid, category="process", unit=unit, gases={"CO2": co2}, **(PROV | kw), **dqr
    )  # fmt: skip


def product(activities: list[dict[str, Any]], declared_unit: str = "1 kg") -> fp.Product:
    """A product of one item with ``activities``, counted in the unit of its declared unit."""
    return fp.Product.model_validate(
        {"id": "P-1", "name": "Test product", "declared_unit": declared_unit,
         "items": [{"id": "root", "unit": declared_unit.split()[1], "activities": activities}]}
    )  # fmt: skip


def export(res: fp.FootprintResult, lib: fp.FactorLibrary, **kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "company_name": "Acme",
        "company_ids": ["ACME-1"],
        "product_ids": ["urn:pact:acme.example.com:supplier-id:P-1"],
        "reference_period": (date(2025, 1, 1), date(2025, 12, 31)),
        "library": lib,
        "created": CREATED,
        "fossil_carbon_content": 0.0,
        "biogenic_carbon_content": 0.0,
        "product_category_cpc": "4391",
    }
    return fp.to_pact(res, **(args | kw))


def fields(err: pytest.ExceptionInfo[fp.PactError]) -> list[str | None]:
    return [p.field for p in err.value.problems]


# --- 1. decimals -------------------------------------------------------------------------------------------


def test_three_factors_rated_5_give_a_dqr_of_5() -> None:
    """0.1, 0.2 and 3.3 kg CO2e rated 5 average to 5.000000000000001 in binary floats; the DQI written is
    5 (clamped by construction) and the export is not refused."""
    lib = fp.FactorLibrary([factor("a", rating=5), factor("b", rating=5), factor("c", rating=5)], name="t")
    res = fp.calculate(
        product([{"factor": f, "quantity": f"{q} kg"} for f, q in (("a", 0.1), ("b", 0.2), ("c", 3.3))]), lib
    )
    pcf = export(res, lib)["pcf"]
    assert pcf["dqi"] == {"technologicalDQR": "5", "geographicalDQR": "5", "temporalDQR": "5"}


V3: dict[str, Any] = {
    "id": "0b6c3c55-6f0e-4c4f-9d43-2a1e7f3b9c10",
    "specVersion": "3.0.3",
    "created": "2025-06-02T08:00:00Z",
    "status": "Active",
    "validityPeriodStart": "2025-06-02T08:00:00Z",
    "validityPeriodEnd": "2027-06-01T00:00:00Z",
    "companyName": "Hydra Actuation",
    "companyIds": ["urn:pact:company:customcode:supplier-id:HY-3"],
    "productDescription": "Hydraulic fail-safe actuator for 5 1/8 inch gate valves",
    "productIds": ["urn:pact:hydra.example.com:supplier-id:HFA-5"],
    "productClassifications": ["urn:pact:productclassification:un-cpc:43924"],
    "productNameCompany": "HFA-5",
    "comment": "Cradle to gate.",
    "pcf": {
        "declaredUnitOfMeasurement": "piece",
        "declaredUnitAmount": "1",
        "productMassPerDeclaredUnit": "410",
        "referencePeriodStart": "2024-01-01T00:00:00Z",
        "referencePeriodEnd": "2025-01-01T00:00:00Z",
        "geographyCountry": "DE",
        "pcfExcludingBiogenicUptake": "5.14",
        "pcfIncludingBiogenicUptake": "4.92",
        "fossilGhgEmissions": "4.9",
        "fossilCarbonContent": "0.61",
        "biogenicCarbonContent": "0.06",
        "biogenicCO2Uptake": "-0.22",
        "biogenicNonCO2Emissions": "0.24",
        "packagingEmissionsIncluded": True,
        "packagingGhgEmissions": "0.3",
        "aircraftGhgEmissions": "0.12",
        "ipccCharacterizationFactors": ["AR5", "AR6"],
        "crossSectoralStandards": ["ISO14067", "PACT-3.0"],
        "productOrSectorSpecificRules": [
            {"operator": "Other", "ruleNames": ["Actuator PCR 2"], "otherOperatorName": "Valve makers' forum"}
        ],
        "exemptedEmissionsPercent": "1.25",
        "exemptedEmissionsDescription": "Office heating",
        "secondaryEmissionFactorSources": [{"name": "Test database", "version": "7"}],
        "primaryDataShare": "57.3",
        "dqi": {"technologicalDQR": "1.62", "geographicalDQR": "2.05", "temporalDQR": "1.5"},
        "verification": {
            "coverage": "product level",
            "providerName": "Audit AS",
            "completedAt": "2025-05-20T00:00:00Z",
        },
    },
}
# v2.3, reference period before 2025: the O* properties are optional.
V2: dict[str, Any] = {
    "id": "5e1d2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
    "specVersion": "2.3.0",
    "version": 1,
    "created": "2024-03-01T00:00:00Z",
    "status": "Active",
    "companyName": "Nordic Seals",
    "companyIds": ["urn:pact:company:customcode:vendor-assigned:NS-77"],
    "productDescription": "HNBR seal kit",
    "productIds": ["urn:pact:nordicseals.example.com:supplier-id:SK-9"],
    "productCategoryCpc": "36290",
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
        "boundaryProcessesDescription": "Compounding, moulding and curing",
        "referencePeriodStart": "2023-01-01T00:00:00Z",
        "referencePeriodEnd": "2024-01-01T00:00:00Z",
        "exemptedEmissionsPercent": 1.5,
        "exemptedEmissionsDescription": "Office heating",
        "packagingEmissionsIncluded": False,
        "primaryDataShare": 40,
    },
}


def edit(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of ``doc`` with ``changes`` (``pcf__x`` for a pcf property; ``...`` deletes)."""
    out = copy.deepcopy(doc)
    for key, value in changes.items():
        node, name = (out["pcf"], key[5:]) if key.startswith("pcf__") else (out, key)
        if value is ...:
            node.pop(name, None)
        else:
            node[name] = value
    return out


def test_hand_written_documents_are_accepted() -> None:
    """The two documents of these tests keep every rule (so each broken copy below breaks one)."""
    assert len(fp.read_pact([V3, V2])) == 2


def test_a_value_read_comes_back_as_written_after_a_bom() -> None:
    """5.14 kg CO2e per actuator, used once per kg of product and calculated for 3.3 kg, is "5.14" per kg on
    re-export (5.14 x 3.3 / 3.3 in binary floats is 5.140000000000001)."""
    lib = fp.pact_factors([V3]).merge(fp.FactorLibrary([factor("x")], name="t"))
    res = fp.calculate(
        product([{"factor": "pact.hydra-actuation.hfa-5", "quantity": "1 piece", "primary": True}]), lib, quantity=3.3,
        prefolded="report",  # the supplier's CO2e folds AR5 and AR6
    )  # fmt: skip
    assert export(res, lib)["pcf"]["pcfExcludingBiogenicUptake"] == "5.14"


# --- 2. export rules ---------------------------------------------------------------------------------------


def test_primary_activities_name_their_emission_factor_database() -> None:
    """Measured kWh (primary activity data) times a grid factor from a database: the database is a
    secondary emission factor source."""
    lib = fp.FactorLibrary([factor("grid", unit="kWh", source="Ember", edition="2024")], name="t")
    res = fp.calculate(product([{"factor": "grid", "quantity": "100 kWh", "primary": True}]), lib)
    assert export(res, lib)["pcf"]["secondaryEmissionFactorSources"] == [{"name": "Ember", "version": "2024"}]


def test_v2_exports_from_2025_carry_dqi_and_the_biogenic_properties() -> None:
    """PACT 2.3 O* properties are required for a reference period including 2025: without the arguments the
    export names each one; with them, dqi (ratings 1-5 mapped to 1-3) and the five properties are written."""
    lib = fp.FactorLibrary([factor("a", rating=3)], name="t")
    res = fp.calculate(product([{"factor": "a", "quantity": "2 kg"}], "1 kg"), lib)
    with pytest.raises(fp.PactError) as err:
        export(res, lib, version="2.3")
    assert set(fields(err)) == {
        "land_use_change_emissions", "land_management_emissions", "biogenic_accounting_methodology",
        "biogenic_co2_uptake", "dqi_completeness", "dqi_reliability",
    }  # fmt: skip
    pcf = export(
        res, lib, version="2.3", land_use_change_emissions=0.0, land_management_emissions=0.0,
        biogenic_accounting_methodology="ISO", biogenic_co2_uptake=0.0, dqi_completeness=2.0, dqi_reliability=1.0,
    )["pcf"]  # fmt: skip
    assert pcf["dqi"] == {
        "coveragePercent": 100.0,
        "technologicalDQR": 2.0,
        "geographicalDQR": 2.0,
        "temporalDQR": 2.0,
        "completenessDQR": 2.0,
        "reliabilityDQR": 1.0,
    }  # fmt: skip  (rating 3 of 1-5 is 1 + (3 - 1) / 2 = 2 of 1-3)
    assert {"dLucGhgEmissions", "landManagementGhgEmissions", "otherBiogenicGhgEmissions"} <= pcf.keys()
    assert (pcf["biogenicCarbonWithdrawal"], pcf["biogenicAccountingMethodology"]) == ("0", "ISO")


@pytest.mark.parametrize("unit", ["1 L", "1 m3", "1 m2"])
def test_no_mass_is_never_written_as_0(unit: str) -> None:
    """A litre, m3 or m2 product without a mass: v3 (mass required) refuses, v2 (optional) leaves it out."""
    lib = fp.FactorLibrary([factor("a")], name="t")
    res = fp.calculate(product([{"factor": "a", "quantity": "2 kg"}], unit), lib)
    with pytest.raises(fp.PactError) as err:
        export(res, lib)
    assert fields(err) == ["product_mass_per_declared_unit"]
    assert export(res, lib, product_mass_per_declared_unit=0.9)["pcf"]["productMassPerDeclaredUnit"] == "0.9"
    old = export(res, lib, version="2.3", reference_period=(date(2024, 1, 1), date(2024, 12, 31)))
    assert "productMassPerDeclaredUnit" not in old["pcf"]


def test_carbon_contents_are_never_assumed() -> None:
    """fossilCarbonContent (required by both versions) and biogenicCarbonContent (required by 2.3) are given or
    the export is refused; v3 leaves biogenicCarbonContent out when not given."""
    lib = fp.FactorLibrary([factor("a")], name="t")
    res = fp.calculate(product([{"factor": "a", "quantity": "2 kg"}]), lib)
    with pytest.raises(fp.PactError) as err:
        export(res, lib, fossil_carbon_content=None)
    assert fields(err) == ["fossil_carbon_content"]
    assert "biogenicCarbonContent" not in export(res, lib, biogenic_carbon_content=None)["pcf"]
    assert export(res, lib, fossil_carbon_content=0.61)["pcf"]["fossilCarbonContent"] == "0.61"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"product_category_cpc": "not a cpc code!"}, "product_category_cpc"),
        ({"reference_period": (date(2031, 1, 1), date(2031, 12, 31))}, "reference_period"),
        ({"reference_period": (date(2014, 1, 1), date(2023, 12, 31))}, "reference_period"),
        ({"pf_id": "0b6c3c55-6f0e-1c4f-9d43-2a1e7f3b9c10"}, "pf_id"),  # a version 1 UUID
        (
            {"pf_id": "0b6c3c55-6f0e-4c4f-9d43-2a1e7f3b9c10", "preceding_pf_ids": ["0b6c3c55-6f0e-4c4f-9d43-2a1e7f3b9c10"]},
            "preceding_pf_ids[0]",
        ),
        ({"version": "2.3", "exempted_emissions_percent": 6.0, "reference_period": (date(2024, 1, 1), date(2024, 12, 31))}, "exempted_emissions_percent"),
    ],
)  # fmt: skip
def test_export_rules_refuse_bad_arguments(change: dict[str, Any], field: str) -> None:
    """A CPC code that is not one, a reference period in the future or ten years long, a pf id that is not a
    UUID v4, a footprint preceding itself, a v2 exemption above 5 %: refused, naming the argument and the
    section of the specification."""
    lib = fp.FactorLibrary([factor("a")], name="t")
    change = dict(change)
    res = fp.calculate(product([{"factor": "a", "quantity": "2 kg"}], change.pop("declared_unit", "1 kg")), lib)
    with pytest.raises(fp.PactError) as err:
        export(res, lib, **change)
    assert fields(err) == [field]
    assert "PACT" in err.value.problems[0].message


# --- 3. import checks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (edit(V3, created="2025-06-02T10:00:00+02:00"), "created"),
        (edit(V3, pcf__pcfIncludingBiogenicUptake="5.14"), "pcf.pcfIncludingBiogenicUptake"),
        (edit(V3, pcf__fossilGhgEmissions="5.2"), "pcf.fossilGhgEmissions"),
        (edit(V3, pcf__packagingEmissionsIncluded=...), "pcf.packagingGhgEmissions"),
        (edit(V3, pcf__packagingGhgEmissions="5.2"), "pcf.packagingGhgEmissions"),
        (edit(V3, pcf__ccsTechnologicalCO2CaptureIncluded=False, pcf__ccsTechnologicalCO2Capture="0"), "pcf.ccsTechnologicalCO2Capture"),
        (edit(V3, pcf__productOrSectorSpecificRules=[{"operator": "Other", "ruleNames": ["R"]}]), "pcf.productOrSectorSpecificRules[0].otherOperatorName"),
        (edit(V3, validityPeriodEnd=...), "validityPeriodEnd"),
        (edit(V3, productClassifications=["urn:pact:productclassification:un-cpc:not%20a%20cpc"]), "productClassifications[0]"),
        (edit(V3, pcf__productMassPerDeclaredUnit="0"), "pcf.productMassPerDeclaredUnit"),
        (edit(V2, validityPeriodStart="2023-06-01T00:00:00Z", validityPeriodEnd="2025-01-01T00:00:00Z"), "validityPeriodStart"),
        (edit(V2, validityPeriodStart="2024-01-01T00:00:00Z", validityPeriodEnd="2027-06-01T00:00:00Z"), "validityPeriodEnd"),
        (edit(V2, pcf__exemptedEmissionsPercent=6), "pcf.exemptedEmissionsPercent"),
        (edit(V2, productCategoryCpc="not a cpc code!"), "productCategoryCpc"),
        (edit(V2, id="5e1d2f3a-4b5c-1d6e-8f70-8192a3b4c5d6"), "id"),
        (edit(V2, pcf__primaryDataShare=...), "pcf.primaryDataShare"),
        (edit(V2, pcf__productOrSectorSpecificRules=[{"operator": "PEF", "ruleNames": ["R"], "otherOperatorName": "X"}]), "pcf.productOrSectorSpecificRules[0].otherOperatorName"),
    ],
)  # fmt: skip
def test_import_checks_rules_across_fields(doc: dict[str, Any], field: str) -> None:
    """Each broken copy of a valid document is refused, naming the field and the specification's section."""
    with pytest.raises(fp.PactError) as err:
        fp.read_pact(doc)
    assert fields(err) == [field]
    assert "PACT 3.0.3" in err.value.problems[0].message or "PACT 2.3" in err.value.problems[0].message


def test_v2_from_2025_needs_every_o_star_property() -> None:
    """A 2.3 footprint whose reference period includes 2025 without its O* properties: each one named."""
    doc = edit(V2, pcf__referencePeriodStart="2025-01-01T00:00:00Z", pcf__referencePeriodEnd="2026-01-01T00:00:00Z")
    with pytest.raises(fp.PactError) as err:
        fp.read_pact(edit(doc, created="2026-02-01T00:00:00Z"))
    assert fields(err) == [
        "pcf.dLucGhgEmissions", "pcf.landManagementGhgEmissions", "pcf.otherBiogenicGhgEmissions",
        "pcf.biogenicCarbonWithdrawal", "pcf.biogenicAccountingMethodology", "pcf.dqi",
    ]  # fmt: skip


def test_an_invalid_document_is_refused_with_every_problem() -> None:
    """A v3 document breaking five rules at once (like the specification's invalid example): all five named."""
    bad = edit(
        V3, updated="2025-1-08T14:47:32Z", pcf__pcfIncludingBiogenicUptake="1.63", pcf__packagingEmissionsIncluded=...,
        pcf__packagingGhgEmissions="9.5", pcf__referencePeriodStart="2024-01-01T00:00:00-05:00",
    )  # fmt: skip
    with pytest.raises(fp.PactError) as err:
        fp.read_pact({"data": [bad]})
    assert fields(err) == [
        "updated", "pcf.referencePeriodStart", "pcf.pcfIncludingBiogenicUptake", "pcf.packagingGhgEmissions",
        "pcf.packagingGhgEmissions",
    ]  # fmt: skip


def test_every_form_the_api_sends() -> None:
    """A footprint, a list response, a single response and a fulfilled-request event (CloudEvents) all read;
    an access-denied error response says so."""
    event = {
        "type": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3", "specversion": "1.0",
        "id": "e-1", "source": "//api.example.com/events", "time": "2025-06-03T00:00:00Z",
        "data": {"requestEventId": "r-1", "pfs": [V3, V2]},
    }  # fmt: skip
    for doc, n in ((V3, 1), ({"data": [V3, V2]}, 2), ({"data": V3}, 1), (event, 2), (json.dumps(event), 2)):
        assert len(fp.read_pact(doc)) == n
    with pytest.raises(fp.PactError) as err:
        fp.read_pact({"code": "AccessDenied", "message": "Access Denied"})
    assert "error response" in err.value.problems[0].message
    assert "AccessDenied" in err.value.problems[0].message


def test_a_successor_supersedes_its_preceding_footprint(tmp_path: Path) -> None:
    """A file holding a footprint and its successor (which lists it in precedingPfIds) gives one factor: the
    successor's, 4.8 kg CO2e."""
    successor = edit(V3, id="9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", precedingPfIds=[V3["id"]],
                     pcf__pcfExcludingBiogenicUptake="4.8", pcf__pcfIncludingBiogenicUptake="4.58", pcf__fossilGhgEmissions="4.5")  # fmt: skip
    path = tmp_path / "hydra.json"
    path.write_text(json.dumps({"data": [V3, successor]}), encoding="utf-8")
    (f,) = list(fp.pact_factors(path))
    assert f.co2e == 4.8
    assert successor["id"] in f.source


# --- 5. command line ---------------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    """The CLI in-process: exit code, standard output, standard error."""
    from click.testing import CliRunner

    from footprint.cli import main

    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def test_pact_check_lists_every_problem(tmp_path: Path) -> None:
    """`footprint pact check` exits 0 for a valid document and 1 for a partner's document with problems,
    listing each one with its field."""
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(V3), encoding="utf-8")
    bad.write_text(json.dumps([V2, edit(V3, pcf__pcfIncludingBiogenicUptake="1", created="2025-06-02T08:00:00+01:00")]))
    code, out, _ = run("pact", "check", str(good))
    assert (code, "no problems" in out) == (0, True)
    code, _, err = run("pact", "check", str(bad))
    assert code == 1
    assert "row 1, field 'created'" in err
    assert "row 1, field 'pcf.pcfIncludingBiogenicUptake'" in err


def test_pact_import_writes_a_supplier_file_a_bom_uses(tmp_path: Path) -> None:
    """`footprint pact import A B --to suppliers.pact.json` keeps the current footprint of each product (the
    successor of A's, and B's), prints their factor ids, and `calc --factors` uses them: 2 actuators at 4.58
    (the PCF including its biogenic uptake: GWP-total, EN 15804+A2's -1/+1) plus 1 kg of seals at 6.4 per kg
    (2.3 values are per one declared unit, a kilogram) = 15.56 kg CO2e."""
    successor = edit(V3, id="9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", precedingPfIds=[V3["id"]],
                     pcf__pcfExcludingBiogenicUptake="4.8", pcf__pcfIncludingBiogenicUptake="4.58", pcf__fossilGhgEmissions="4.5")  # fmt: skip
    a, b, target = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "suppliers.pact.json"
    a.write_text(json.dumps({"data": [V3, successor]}), encoding="utf-8")
    b.write_text(json.dumps(V2), encoding="utf-8")
    code, out, err = run("pact", "import", str(a), str(b), "--to", str(target))
    assert code == 0, err
    assert "pact.hydra-actuation.hfa-5" in out
    assert "pact.nordic-seals.seal-kit-sk-9" in out
    assert [d["id"] for d in json.loads(target.read_text())["data"]] == [successor["id"], V2["id"]]
    bom = tmp_path / "skid.yaml"
    bom.write_text(
        "id: skid\ndeclared_unit: 1 piece\nitems:\n  - id: skid\n    activities:\n"
        "      - {factor: pact.hydra-actuation.hfa-5, quantity: 2 piece, primary: true}\n"
        "      - {factor: pact.nordic-seals.seal-kit-sk-9, quantity: 1 kg, primary: true}\n",
        encoding="utf-8",
    )
    code, out, err = run("calc", str(bom), "--factors", str(target), "--prefolded", "report", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["total_kgco2e"] == pytest.approx(2 * 4.58 + 6.4, rel=1e-12)
    pf_out = tmp_path / "skid.pact.json"
    code, _, err = run(
        "export", str(bom), "--factors", str(target), "--prefolded", "report", "--to", "pact", "--company-name", "Skid",
        "--company-id", "skid", "--company-domain", "skid.example", "--fossil-carbon-content", "1", "--product-mass", "900",
        "--period", "2025-01-01", "2025-12-31", "-o", str(pf_out),
    )  # fmt: skip
    assert code == 0, err
    # the suppliers' IPCC reports carried: the actuator's AR5 and AR6, the seals' AR5
    assert json.loads(pf_out.read_text())["pcf"]["ipccCharacterizationFactors"] == ["AR5", "AR6"]


def test_pact_import_refuses_a_bad_file_and_writes_nothing(tmp_path: Path) -> None:
    """A file with a problem: exit 1, the problem named, no supplier file written."""
    bad, target = tmp_path / "bad.json", tmp_path / "suppliers.pact.json"
    bad.write_text(json.dumps(edit(V2, pcf__exemptedEmissionsPercent=7)), encoding="utf-8")
    code, _, err = run("pact", "import", str(bad), "--to", str(target))
    assert code == 1
    assert "exemptedEmissionsPercent" in err
    assert not target.exists()


# --- decimal laws ------------------------------------------------------------------------------------------


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e30, max_value=1e30))
def test_decimal_text_is_a_pact_decimal_within_12_digits(x: float) -> None:
    """Any finite float becomes a PACT Decimal (dotted, no exponent) within half a unit of its 12th
    significant digit."""
    text = decimal_text(decimal(x))
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), text
    assert abs(Decimal(text) - Decimal(x)) <= abs(Decimal(x)) * Decimal("5e-12")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_bounded_ratings_stay_in_range(x: float) -> None:
    """A rating is always within 1 to 5 and has at most 2 decimals, whatever float it comes from."""
    d = bounded(x, 1, 5, 2)
    assert Decimal(1) <= d <= Decimal(5)
    assert d == d.quantize(Decimal("0.01"))


# --- 4. round trip -----------------------------------------------------------------------------------------


def test_a_supplier_footprint_reused_at_100_percent_keeps_what_still_applies() -> None:
    """The hand-written v3 footprint, imported, used once per piece of a product (100 % of its A1-A3) and
    re-exported with upstream=: the PCF, the IPCC reports (AR5 and AR6, not collapsed to AR6), the secondary
    database, the exempted share (1.25 % of 100 %), the packaging flag and emissions (0.3 of 5.14) and the
    DQI as given (1.62, 2.05, 1.5, not rounded to whole numbers) and the aircraft emissions all come back as
    they were."""
    lib = fp.pact_factors([V3])
    skid = product([{"factor": "pact.hydra-actuation.hfa-5", "quantity": "1 piece", "primary": True}], "1 piece")
    res = fp.calculate(skid, lib, prefolded="report")
    pcf = export(res, lib, upstream=[V3], product_mass_per_declared_unit=410.0)["pcf"]
    assert pcf["pcfExcludingBiogenicUptake"] == V3["pcf"]["pcfExcludingBiogenicUptake"]
    assert pcf["ipccCharacterizationFactors"] == ["AR5", "AR6"]
    assert pcf["secondaryEmissionFactorSources"] == V3["pcf"]["secondaryEmissionFactorSources"]
    assert pcf["exemptedEmissionsPercent"] == "1.25"
    assert (pcf["packagingEmissionsIncluded"], pcf["packagingGhgEmissions"]) == (True, "0.3")
    assert pcf["aircraftGhgEmissions"] == "0.12"
    assert pcf["dqi"] == V3["pcf"]["dqi"]
    # all of the PCF is the supplier's: the rules it was calculated by apply to it still
    assert pcf["productOrSectorSpecificRules"] == V3["pcf"]["productOrSectorSpecificRules"]
    assert pcf["productMassPerDeclaredUnit"] == "410"


def test_an_operator_name_beside_the_rules_moves_into_them() -> None:
    """A supplier footprint with otherOperatorName beside its rules (accepted on import) is the whole PCF: its
    rules are carried with the name inside the Other rule, where the specification puts it."""
    doc = edit(V3, pcf__otherOperatorName="Valve makers' forum")
    doc["pcf"]["productOrSectorSpecificRules"] = [{"operator": "Other", "ruleNames": ["Actuator PCR 2"]}]
    lib = fp.pact_factors([doc])
    res = fp.calculate(
        product([{"factor": "pact.hydra-actuation.hfa-5", "quantity": "1 piece"}], "1 piece"), lib, prefolded="report"
    )
    pcf = export(res, lib, upstream=[doc], product_mass_per_declared_unit=410.0)["pcf"]
    assert pcf["productOrSectorSpecificRules"] == V3["pcf"]["productOrSectorSpecificRules"]
    assert "otherOperatorName" not in pcf


def test_upstream_facts_scale_with_use() -> None:
    """Half of the A1-A3 from the supplier (5.14 of 10.28 kg CO2e, the rest from 5.14 kg of a factor at 1.0
    rated 3): exempted 1.25 % x 0.5 = 0.625 %; packaging 0.3 per actuator; DQRs the emission-weighted means
    of the supplier's decimals and 3: technological (1.62 + 3) / 2 = 2.31, geographical (2.05 + 3) / 2 = 2.525
    written 2.52 (half-even at 2 decimals, and the float 2.05 is just below 2.05), temporal 2.25."""
    lib = fp.pact_factors([V3]).merge(fp.FactorLibrary([factor("steel", rating=3)], name="t"))
    acts = [{"factor": "pact.hydra-actuation.hfa-5", "quantity": "1 piece"}, {"factor": "steel", "quantity": "5.14 kg"}]
    res = fp.calculate(product(acts, "1 piece"), lib, prefolded="report")
    pcf = export(res, lib, upstream=[V3], product_mass_per_declared_unit=415.14)["pcf"]
    assert pcf["exemptedEmissionsPercent"] == "0.625"
    assert "productOrSectorSpecificRules" not in pcf  # half of the PCF was not calculated by the supplier's rules
    assert pcf["packagingGhgEmissions"] == "0.3"
    assert pcf["dqi"] == {"technologicalDQR": "2.31", "geographicalDQR": "2.52", "temporalDQR": "2.25"}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
    | st.sampled_from(["2025-01-01T00:00:00Z", "-1.5", "0", "Other", "urn:pact:productclassification:un-cpc:x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
KEYS = sorted({*V3, *V2, *(f"pcf__{k}" for k in (*V3["pcf"], *V2["pcf"]))} - {"pcf"})


@given(st.sampled_from([V3, V2]), st.dictionaries(st.sampled_from(KEYS), JSON, max_size=4))
def test_rules_never_crash_on_odd_values(doc: dict[str, Any], changes: dict[str, Any]) -> None:
    """Any JSON value in any property: read_pact reports problems (a PactError) or reads the document; the
    rules across fields never raise anything else on values the schema refuses."""
    problems: list[Any] = []
    try:
        fp.read_pact(edit(doc, **changes))
    except fp.PactError as exc:
        problems = exc.problems or [None]
    assert None not in problems  # a refusal always names its problems
