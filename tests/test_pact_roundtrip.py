"""A supplier's PACT v3 footprint imported, used in a bill of materials and re-exported: at 100 % use every
property that still applies to the product comes back as the supplier wrote it; at 50 % what is per declared
unit is halved. The document is written here by hand, every quantity a distinct value so a field swapped for
another, or lost, shows."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import footprint as fp

FACTOR = "pact.north-sea-polymers.hnbr-compound"
DOC: dict[str, Any] = {
    "id": "4b7a3c1e-2d5f-4e8a-9b6c-1f2e3d4c5b6a",
    "specVersion": "3.0.3",
    "created": "2026-02-01T00:00:00Z",
    "status": "Active",
    "validityPeriodStart": "2026-02-01T00:00:00Z",
    "validityPeriodEnd": "2028-12-31T00:00:00Z",
    "companyName": "North Sea Polymers",
    "companyIds": ["urn:pact:company:customcode:supplier-id:NSP-7"],
    "productDescription": "HNBR seal compound",
    "productIds": ["urn:pact:nsp.example.com:supplier-id:HNBR-90"],
    "productClassifications": ["urn:pact:productclassification:un-cpc:3627"],
    "productNameCompany": "HNBR compound",
    "comment": "",
    "pcf": {
        "declaredUnitOfMeasurement": "kilogram",
        "declaredUnitAmount": "1",
        "productMassPerDeclaredUnit": "1",
        "referencePeriodStart": "2025-01-01T00:00:00Z",
        "referencePeriodEnd": "2026-01-01T00:00:00Z",
        "geographyCountry": "NO",
        "boundaryProcessesDescription": "Polymerisation, hydrogenation and compounding at the supplier's plant",
        # fossil + land use change + land management biogenic CO2 + biogenic non-CO2 = 2.83 + 0.29 + 0.23 + 0.047
        "pcfExcludingBiogenicUptake": "3.397",
        "pcfIncludingBiogenicUptake": "2.027",  # 3.397 - 1.37
        "fossilCarbonContent": "0.19",
        "biogenicCarbonContent": "0.41",
        "recycledCarbonContent": "0.07",
        "fossilGhgEmissions": "2.83",
        "landUseChangeGhgEmissions": "0.29",
        "landCarbonLeakage": "0.013",
        "landManagementFossilGhgEmissions": "0.17",
        "landManagementBiogenicCO2Emissions": "0.23",
        "landManagementBiogenicCO2Removals": "-0.061",
        "biogenicCO2Uptake": "-1.37",
        "biogenicNonCO2Emissions": "0.047",
        "landAreaOccupation": "0.53",
        "aircraftGhgEmissions": "0.031",
        "packagingEmissionsIncluded": True,
        "packagingGhgEmissions": "0.11",
        "packagingBiogenicCarbonContent": "0.027",
        "outboundLogisticsGhgEmissions": "0.09",
        "ipccCharacterizationFactors": ["AR6"],
        "crossSectoralStandards": ["ISO14067"],
        "productOrSectorSpecificRules": [{"operator": "Other", "ruleNames": ["Elastomer PCR 1.2"],
                                          "otherOperatorName": "Seal makers' forum"}],
        "exemptedEmissionsPercent": "0.8",
        "exemptedEmissionsDescription": "Cleaning agents of the mixing line",
        "allocationRulesDescription": "Mass allocation between the compound grades",
        "secondaryEmissionFactorSources": [{"name": "Test LCI database", "version": "4.2"}],
        "primaryDataShare": "64.5",
        "dqi": {"technologicalDQR": "1.8", "geographicalDQR": "2.6", "temporalDQR": "1.3"},
        "verification": {"coverage": "product level", "providerName": "Verifier AS"},
    },
}  # fmt: skip

#: The supplier's own: its identity and validity, its verification, classification, geography and process
#: description, and the standards it followed; and its outbound logistics, which is the buying product's
#: inbound transport (A2), not the buyer's outbound logistics (PACT 3: undefined unless the company
#: exchanging the footprint is responsible for it).
OWN = {
    "geographyCountry", "boundaryProcessesDescription", "crossSectoralStandards", "verification",
    "outboundLogisticsGhgEmissions",
}  # fmt: skip
#: Given to the export by its caller (the carbon content is required and never assumed; the period is the
#: product's own, here the same as the supplier's).
GIVEN = {"fossilCarbonContent": 0.19}


def reuse(share: str, library: bool = True, **kw: Any) -> dict[str, Any]:
    """``share`` kg of the supplier product in each kg of a product (one primary A1 activity), re-exported."""
    lib = fp.pact_factors([copy.deepcopy(DOC)])
    product = fp.Product.model_validate(
        {"id": "SEAL-1", "name": "Seal", "declared_unit": "1 kg",
         "items": [{"id": "root", "unit": "kg",
                    "activities": [{"factor": FACTOR, "quantity": f"{share} kg", "primary": True}]}]}
    )  # fmt: skip
    res = fp.calculate(product, lib, prefolded="report")
    args: dict[str, Any] = {
        "company_name": "Subsea Seals",
        "company_ids": ["SS-1"],
        "product_ids": ["urn:pact:seals.example.com:supplier-id:SEAL-1"],
        "reference_period": (date(2025, 1, 1), date(2025, 12, 31)),
        "created": datetime(2026, 3, 1, tzinfo=UTC),
        "fossil_carbon_content": GIVEN["fossilCarbonContent"],
        "upstream": [copy.deepcopy(DOC)],
        **({"library": lib} if library else {}),
    }
    return fp.to_pact(res, **(args | kw))["pcf"]


def same(a: object, b: object) -> bool:
    """Equal as PACT values: decimal strings as Decimals, anything else as it is."""
    if isinstance(a, str) and isinstance(b, str):
        try:
            return Decimal(a) == Decimal(b)
        except ArithmeticError:
            return a == b
    return a == b


@pytest.mark.parametrize("library", [True, False], ids=["with library", "upstream only"])
def test_used_at_100_percent_every_field_that_still_applies_comes_back(library: bool) -> None:
    """1 kg of the supplier's 1 kg in each kg: all of the product's A1-A3 is the supplier's footprint, so every
    property of its ``pcf`` except the supplier's own (``OWN``) is the product's too, value for value
    (fossilGhgEmissions 2.83 as declared, not the PCF less its biogenic parts; the DQI as rated)."""
    pcf = reuse("1", library)
    expected = {k: v for k, v in DOC["pcf"].items() if k not in OWN}
    lost = sorted(set(expected) - set(pcf))
    assert not lost
    changed = {k: (v, pcf[k]) for k, v in expected.items() if not same(v, pcf[k])}
    assert not changed
    assert not OWN & set(pcf) - {"crossSectoralStandards", "boundaryProcessesDescription"}  # the export's own


def test_used_at_50_percent_the_per_declared_unit_values_are_half() -> None:
    """0.5 kg of the supplier product in each kg of product: each emission per declared unit is half the
    supplier's (by hand: 3.397 / 2 = 1.6985, 2.83 / 2 = 1.415, ...); the carbon contents are the supplier's per
    kg weighted by its mass share, 0.5 kg of 1 kg, so half too; the DQI is the supplier's (its only rows)."""
    pcf = reuse("0.5")
    half = {
        "pcfExcludingBiogenicUptake": "1.6985", "pcfIncludingBiogenicUptake": "1.0135", "fossilGhgEmissions": "1.415",
        "landUseChangeGhgEmissions": "0.145", "landCarbonLeakage": "0.0065", "landManagementFossilGhgEmissions": "0.085",
        "landManagementBiogenicCO2Emissions": "0.115", "landManagementBiogenicCO2Removals": "-0.0305",
        "biogenicCO2Uptake": "-0.685", "biogenicNonCO2Emissions": "0.0235", "landAreaOccupation": "0.265",
        "aircraftGhgEmissions": "0.0155", "packagingGhgEmissions": "0.055", "biogenicCarbonContent": "0.205",
        "recycledCarbonContent": "0.035", "packagingBiogenicCarbonContent": "0.0135",
    }  # fmt: skip
    assert {k: Decimal(pcf[k]) for k in half} == {k: Decimal(v) for k, v in half.items()}
    assert Decimal(pcf["exemptedEmissionsPercent"]) == Decimal("0.8")  # a share: the same at any use
    assert pcf["dqi"] == DOC["pcf"]["dqi"]


def test_a_carbon_content_is_left_out_when_the_supplier_product_is_not_all_in_the_product() -> None:
    """1 kg of the supplier product in a piece of 0.4 kg: at most 0.4 kg of it is in the product, so its
    carbon contents per kg cannot be weighted by a mass share; they are left out, never assumed. The
    emissions still carry (1 kg used: 2.83 kg CO2e fossil)."""
    lib = fp.pact_factors([copy.deepcopy(DOC)])
    product = fp.Product.model_validate(
        {"id": "SEAL-2", "name": "Seal", "declared_unit": "1 piece",
         "items": [{"id": "root", "unit": "piece", "activities": [{"factor": FACTOR, "quantity": "1 kg"}]}]}
    )  # fmt: skip
    res = fp.calculate(product, lib, prefolded="report")
    pcf = fp.to_pact(
        res, company_name="Subsea Seals", company_ids=["SS-1"], product_ids=["urn:pact:seals.example.com:p:SEAL-2"],
        reference_period=(date(2025, 1, 1), date(2025, 12, 31)), fossil_carbon_content=0.0,
        product_mass_per_declared_unit=0.4, upstream=[copy.deepcopy(DOC)],
    )["pcf"]  # fmt: skip
    assert not {"biogenicCarbonContent", "recycledCarbonContent", "packagingBiogenicCarbonContent"} & set(pcf)
    assert Decimal(pcf["fossilGhgEmissions"]) == Decimal("2.83")
