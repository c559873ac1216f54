"""PACT product footprints: export a result as a WBCSD PACT ``ProductFootprint``, read PACT data back, and
turn suppliers' footprints into supplier-specific emission factors.

The models follow the PACT Technical Specifications 3.0.3 (the OpenAPI schema is the authoritative one) and
2.3. Every decimal of v3 is a JSON string; v2 keeps some as JSON numbers. Models are strict: a number where
the specification wants a decimal string, a boolean given as text, an unknown enumeration value are errors.
Properties the specification does not define are kept as they are (the schemas allow them).

- :func:`to_pact` writes a :class:`~footprint.FootprintResult` as a v3.0.3 (or v2.3) ``ProductFootprint``:
  cradle-to-gate (A1-A3) per declared unit, validated against the model before it is returned;
- :func:`read_pact` reads a footprint, a list, an API response (``{"data": [...]}``), JSON text or a file,
  and reports every problem of every footprint in one :class:`~footprint.PactError`;
- :func:`pact_factors` turns footprints into a :class:`~footprint.FactorLibrary` of supplier-specific
  factors (``pact.<company>.<product>``) to use in bills of materials.

See docs/pact.md for the mapping of every field.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias, cast
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from .._clock import utc_text
from .._errors import FactorError, GWPError, PactError, Problem
from .._factors import EmissionFactor, FactorLibrary
from .._gwp import gwp_set
from .._modules import CRADLE_TO_GATE, MODULE_NAMES, MODULES
from .._product import Period
from .._result import FootprintResult, primary_data_share
from .._substances import NON_GREENHOUSE
from .._units import conversion_factor, parse_unit, split_quantity
from ._decimal import PERCENT_PLACES, RATING_PLACES, bounded, decimal, decimal_text
from ._rules import _DATE_TIME, _NO_MASS, CPC_CODE, DECIMAL_PATTERN, is_uuid4, plus_years, rule_problems
from ._upstream import carried_emissions, supplier_ratings

__all__ = [
    "DECIMAL_PATTERN",
    "URN_PATTERN",
    "CarbonFootprintV2",
    "CarbonFootprintV3",
    "PactFootprint",
    "ProductFootprintV2",
    "ProductFootprintV3",
    "pact_factors",
    "read_pact",
    "to_pact",
]

# --- patterns of the specifications ------------------------------------------------------------------------
# v3 openapi.yaml, components/schemas. Two of them are written there as ``^a|b$`` (an alternation that only
# anchors its first branch at the start and its second at the end); they are applied here as meant,
# ``^(?:a|b)$``, so that "5.0" is not "negative or zero".

# ``Decimal`` of PACT v3 (DECIMAL_PATTERN, kept with the rules in ._rules): a dotted decimal as a JSON
# string, no exponent; and its signed variants:
_V3_POSITIVE_NONZERO = r"^[+]?(?:(\d*[1-9]\d*)(\.\d+)?|(0+\.\d*[1-9]\d*))$"
_V3_POSITIVE_OR_ZERO = r"^[+]?\d+(\.\d+)?$"
_V3_NEGATIVE_OR_ZERO = r"^(?:(-\d+(\.\d+)?)|0+(\.0+)?)$"
#: ``Urn`` of PACT (v2 and v3): the specification's pattern is ``^([uU][rR][nN]):``; RFC 8141's shape
#: (a namespace id of 2-32 letters, digits and hyphens, then a non-empty string without blanks) is checked too.
URN_PATTERN = r"^([uU][rR][nN]):"
_RFC8141 = r"^[uU][rR][nN]:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:\S+$"
# v2: the openapi.yaml says ``format: decimal`` only; the v2 JSON Schema (sine-fdn) gives this pattern.
_V2_DECIMAL = r"^-?\d+(\.\d+)?$"
_SPEC_VERSION = r"^\d+\.\d+\.\d+(-\d{8})?$"
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_IPCC = r"^AR\d+$"
_COUNTRY = r"^[A-Z]{2}$"
_SUBDIVISION = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
_URI = r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$"
_FQDN = r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"

V3_VERSION = "3.0.3"
V2_VERSION = "2.3.0"


def _fail(message: str, expected: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError("pact", message, {"expected": expected, **ctx})


def _string_rule(pattern: str, what: str, expected: str) -> PlainValidator:
    rx = re.compile(pattern)

    def check(v: object) -> str:
        if not isinstance(v, str):
            raise _fail("{what} must be a JSON string, not {kind}", expected, what=what, kind=type(v).__name__)
        if not rx.match(v):
            raise _fail("not {what}", expected, what=what)
        return v

    return PlainValidator(check)


def _decimal_rule(
    pattern: str, what: str, lo: Decimal | None = None, hi: Decimal | None = None, *, above: bool = False
) -> PlainValidator:
    rx = re.compile(pattern)
    expected = f'{what} as a JSON string matching {pattern}, e.g. "12.5"'

    def check(v: object) -> str:
        if not isinstance(v, str):
            raise _fail("a decimal must be a JSON string, not {kind}", expected, kind=type(v).__name__)
        if not rx.match(v):
            raise _fail("not {what}", expected, what=what)
        x = Decimal(v)
        if (lo is not None and (x < lo or (above and x == lo))) or (hi is not None and x > hi):
            raise _fail("{value} is out of range", expected, value=v)
        return v

    return PlainValidator(check)


def _date_time(v: object) -> str:
    expected = 'a date and time in ISO 8601 / RFC 3339 with time zone, e.g. "2025-01-01T00:00:00Z"'
    if not isinstance(v, str):
        raise _fail("a date-time must be a JSON string, not {kind}", expected, kind=type(v).__name__)
    if not _DATE_TIME.match(v):
        raise _fail("not a date-time", expected)
    try:
        datetime.fromisoformat(v.upper().replace("Z", "+00:00"))
    except ValueError:
        raise _fail("not a valid date-time", expected) from None
    return v


def _urn(v: object) -> str:
    expected = 'a URN (RFC 8141), e.g. "urn:pact:example.com:supplier-id:1234"'
    if not isinstance(v, str):
        raise _fail("a URN must be a JSON string, not {kind}", expected, kind=type(v).__name__)
    if not re.match(URN_PATTERN, v) or not re.match(_RFC8141, v):
        raise _fail("not a URN", expected)
    return v


def _unique(v: list[Any]) -> list[Any]:
    seen: set[str] = set()
    for item in v:
        key = json.dumps(item.model_dump(mode="json") if isinstance(item, BaseModel) else item, sort_keys=True)
        if key in seen:
            raise _fail("{item} is listed more than once", "a set: every item once", item=key)
        seen.add(key)
    return v


NonEmptyString = Annotated[str, Field(min_length=1)]
Urn = Annotated[str, PlainValidator(_urn)]
Uri = Annotated[str, _string_rule(_URI, "a URI", 'a URI such as "https://example.com/schema.json"')]
DateTime = Annotated[str, PlainValidator(_date_time)]
Uuid = Annotated[str, _string_rule(_UUID, "a UUID", 'a UUID such as "f4b1225a-bd44-4c8e-861d-079e4e1dfd69"')]
SpecVersion = Annotated[str, _string_rule(_SPEC_VERSION, "a version", 'major.minor.patch, e.g. "3.0.3"')]
IpccAR = Annotated[str, _string_rule(_IPCC, "an IPCC report", 'AR followed by its number, e.g. "AR6"')]
Country = Annotated[str, _string_rule(_COUNTRY, "an ISO 3166-1 alpha-2 code", 'two capital letters, e.g. "NO"')]
Subdivision = Annotated[
    str, _string_rule(_SUBDIVISION, "an ISO 3166-2 subdivision code", 'country-subdivision, e.g. "US-TX"')
]
UrnSet = Annotated[list[Urn], Field(min_length=1), AfterValidator(_unique)]
UuidSet = Annotated[list[Uuid], Field(min_length=1), AfterValidator(_unique)]
IpccSet = Annotated[list[IpccAR], Field(min_length=1), AfterValidator(_unique)]
NonEmptyStringSet = Annotated[list[NonEmptyString], Field(min_length=1), AfterValidator(_unique)]

_ONE, _FIVE, _HUNDRED, _ZERO = Decimal(1), Decimal(5), Decimal(100), Decimal(0)
V3Decimal = Annotated[str, _decimal_rule(DECIMAL_PATTERN, "a Decimal")]
V3PositiveNonZero = Annotated[str, _decimal_rule(_V3_POSITIVE_NONZERO, "a PositiveNonZeroDecimal (> 0)")]
V3PositiveOrZero = Annotated[str, _decimal_rule(_V3_POSITIVE_OR_ZERO, "a PositiveOrZeroDecimal (>= 0)")]
V3NegativeOrZero = Annotated[str, _decimal_rule(_V3_NEGATIVE_OR_ZERO, "a NegativeOrZeroDecimal (<= 0)")]
V3Percent = Annotated[str, _decimal_rule(DECIMAL_PATTERN, "a Decimal percentage from 0 to 100", _ZERO, _HUNDRED)]
V3Rating = Annotated[str, _decimal_rule(DECIMAL_PATTERN, "a Decimal rating from 1 to 5", _ONE, _FIVE)]
V2Decimal = Annotated[str, _decimal_rule(_V2_DECIMAL, "a decimal")]
V2PositiveNonZero = Annotated[str, _decimal_rule(_V2_DECIMAL, "a decimal > 0", _ZERO, above=True)]
V2PositiveOrZero = Annotated[str, _decimal_rule(_V2_DECIMAL, "a decimal >= 0", _ZERO)]
V2NegativeOrZero = Annotated[str, _decimal_rule(_V2_DECIMAL, "a decimal <= 0", None, _ZERO)]

DeclaredUnitV3 = Literal[
    "liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter", "piece",
    "hour", "megabit second",
]  # fmt: skip
DeclaredUnitV2 = Literal[
    "liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter"
]  # fmt: skip
RegionOrSubregion = Literal[
    "Africa", "Americas", "Asia", "Europe", "Oceania", "Australia and New Zealand", "Central Asia",
    "Eastern Asia", "Eastern Europe", "Latin America and the Caribbean", "Melanesia", "Micronesia",
    "Northern Africa", "Northern America", "Northern Europe", "Polynesia", "South-eastern Asia",
    "Southern Asia", "Southern Europe", "Sub-Saharan Africa", "Western Asia", "Western Europe",
]  # fmt: skip
REGIONS: tuple[str, ...] = RegionOrSubregion.__args__  # type: ignore[attr-defined]
Status = Literal["Active", "Deprecated"]


class _Pact(BaseModel):
    """Strict, camelCase by alias, extra properties kept (the PACT schemas allow them)."""

    model_config = ConfigDict(strict=True, populate_by_name=True, extra="allow", frozen=True)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form: camelCase names, undefined properties left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _one_geography(pcf: Any) -> None:
    given = [
        alias
        for name, alias in (
            ("geography_region_or_subregion", "geographyRegionOrSubregion"),
            ("geography_country", "geographyCountry"),
            ("geography_country_subdivision", "geographyCountrySubdivision"),
        )
        if getattr(pcf, name) is not None
    ]
    if len(given) > 1:
        raise _fail(
            "geography given at more than one level: {given}",
            "at most one of geographyRegionOrSubregion, geographyCountry, geographyCountrySubdivision",
            given=", ".join(given),
            field=given[-1],
        )


def _period_order(start: str, end: str) -> None:
    a = datetime.fromisoformat(start.upper().replace("Z", "+00:00"))
    b = datetime.fromisoformat(end.upper().replace("Z", "+00:00"))
    if b <= a:
        raise _fail(
            "referencePeriodEnd {end} is not after referencePeriodStart {start}",
            "an end (exclusive) after the start",
            end=end,
            start=start,
            field="referencePeriodEnd",
        )


def _major(version: str) -> int | None:
    m = re.match(_SPEC_VERSION, version) if isinstance(version, str) else None
    return int(version.split(".", 1)[0]) if m else None


# --- PACT v3.0.3 -------------------------------------------------------------------------------------------


class DataQualityIndicatorsV3(_Pact):
    """``DataQualityIndicators`` of v3: three ratings from 1 (best) to 5, as decimal strings."""

    technological_dqr: V3Rating = Field(alias="technologicalDQR")
    geographical_dqr: V3Rating = Field(alias="geographicalDQR")
    temporal_dqr: V3Rating = Field(alias="temporalDQR")


class VerificationV3(_Pact):
    """``Verification`` of v3 (was ``Assurance``); its presence says the footprint was verified."""

    coverage: Literal["PCF calculation model", "PCF program", "product level"] | None = None
    provider_name: str | None = Field(default=None, alias="providerName")
    completed_at: DateTime | None = Field(default=None, alias="completedAt")
    standard_name: str | None = Field(default=None, alias="standardName")
    comments: str | None = None


class EmissionFactorSource(_Pact):
    """A secondary emission factor database and its version (v3 ``EmissionFactorSource``, v2
    ``EmissionFactorDatabases``)."""

    name: NonEmptyString
    version: NonEmptyString


class ProductOrSectorSpecificRule(_Pact):
    """Product or sector specific rules (PCRs) of one operator."""

    operator: Literal["PEF", "EPD International", "Other"]
    rule_names: NonEmptyStringSet = Field(alias="ruleNames")
    other_operator_name: NonEmptyString | None = Field(default=None, alias="otherOperatorName")


class DataModelExtension(_Pact):
    """A data model extension: its spec version, schema URL and data object."""

    spec_version: str = Field(alias="specVersion")
    data_schema: Uri = Field(alias="dataSchema")
    documentation: Uri | None = None
    data: dict[str, Any]


RuleSet = Annotated[list[ProductOrSectorSpecificRule], Field(min_length=1), AfterValidator(_unique)]


def _carbon_footprint_rules(pcf: CarbonFootprintV3 | CarbonFootprintV2) -> None:
    """The rules a ``CarbonFootprint`` of either version keeps beyond its fields' own: one geography, a
    reference period that ends after it starts, and packaging emissions only where they are included."""
    _one_geography(pcf)
    _period_order(pcf.reference_period_start, pcf.reference_period_end)
    if pcf.packaging_emissions_included is False and pcf.packaging_ghg_emissions is not None:
        raise _fail(
            "packagingGhgEmissions given while packagingEmissionsIncluded is false",
            "packagingGhgEmissions undefined when packaging emissions are not included",
            field="packagingGhgEmissions",
        )


class CarbonFootprintV3(_Pact):
    """``CarbonFootprint`` of PACT 3.0.3: every emission in kg CO2e per declared unit, the declared unit being
    ``declaredUnitAmount`` times ``declaredUnitOfMeasurement``."""

    declared_unit_of_measurement: DeclaredUnitV3 = Field(alias="declaredUnitOfMeasurement")
    declared_unit_amount: V3PositiveNonZero = Field(alias="declaredUnitAmount")
    product_mass_per_declared_unit: V3Decimal = Field(alias="productMassPerDeclaredUnit")
    reference_period_start: DateTime = Field(alias="referencePeriodStart")
    reference_period_end: DateTime = Field(alias="referencePeriodEnd")
    geography_region_or_subregion: RegionOrSubregion | None = Field(default=None, alias="geographyRegionOrSubregion")
    geography_country: Country | None = Field(default=None, alias="geographyCountry")
    geography_country_subdivision: Subdivision | None = Field(default=None, alias="geographyCountrySubdivision")
    boundary_processes_description: str | None = Field(default=None, alias="boundaryProcessesDescription")
    pcf_excluding_biogenic_uptake: V3Decimal = Field(alias="pcfExcludingBiogenicUptake")
    pcf_including_biogenic_uptake: V3Decimal = Field(alias="pcfIncludingBiogenicUptake")
    fossil_carbon_content: V3PositiveOrZero = Field(alias="fossilCarbonContent")
    biogenic_carbon_content: V3PositiveOrZero | None = Field(default=None, alias="biogenicCarbonContent")
    recycled_carbon_content: V3PositiveOrZero | None = Field(default=None, alias="recycledCarbonContent")
    fossil_ghg_emissions: V3PositiveOrZero = Field(alias="fossilGhgEmissions")
    land_use_change_ghg_emissions: V3PositiveOrZero | None = Field(default=None, alias="landUseChangeGhgEmissions")
    land_carbon_leakage: V3PositiveOrZero | None = Field(default=None, alias="landCarbonLeakage")
    land_management_fossil_ghg_emissions: V3PositiveOrZero | None = Field(
        default=None, alias="landManagementFossilGhgEmissions"
    )
    land_management_biogenic_co2_emissions: V3PositiveOrZero | None = Field(
        default=None, alias="landManagementBiogenicCO2Emissions"
    )
    land_management_biogenic_co2_removals: V3NegativeOrZero | None = Field(
        default=None, alias="landManagementBiogenicCO2Removals"
    )
    biogenic_co2_uptake: V3NegativeOrZero | None = Field(default=None, alias="biogenicCO2Uptake")
    biogenic_non_co2_emissions: V3PositiveOrZero | None = Field(default=None, alias="biogenicNonCO2Emissions")
    land_area_occupation: V3PositiveOrZero | None = Field(default=None, alias="landAreaOccupation")
    aircraft_ghg_emissions: V3PositiveOrZero | None = Field(default=None, alias="aircraftGhgEmissions")
    packaging_emissions_included: bool | None = Field(default=None, alias="packagingEmissionsIncluded")
    packaging_ghg_emissions: V3PositiveOrZero | None = Field(default=None, alias="packagingGhgEmissions")
    packaging_biogenic_carbon_content: V3PositiveOrZero | None = Field(
        default=None, alias="packagingBiogenicCarbonContent"
    )
    outbound_logistics_ghg_emissions: V3PositiveOrZero | None = Field(
        default=None, alias="outboundLogisticsGhgEmissions"
    )
    ccs_technological_co2_capture_included: bool | None = Field(
        default=None, alias="ccsTechnologicalCO2CaptureIncluded"
    )
    ccs_technological_co2_capture: V3NegativeOrZero | None = Field(default=None, alias="ccsTechnologicalCO2Capture")
    technological_co2_capture_origin: str | None = Field(default=None, alias="technologicalCO2CaptureOrigin")
    technological_co2_removals: V3NegativeOrZero | None = Field(default=None, alias="technologicalCO2Removals")
    ccu_carbon_content: V3PositiveOrZero | None = Field(default=None, alias="ccuCarbonContent")
    ccu_calculation_approach: Literal["Cut-off", "Credit"] | None = Field(default=None, alias="ccuCalculationApproach")
    ccu_credit_certification: Uri | None = Field(default=None, alias="ccuCreditCertification")
    ipcc_characterization_factors: IpccSet = Field(alias="ipccCharacterizationFactors")
    # x-enum only: "A host system MUST accept ... values that are not defined in this specification".
    cross_sectoral_standards: NonEmptyStringSet = Field(alias="crossSectoralStandards")
    product_or_sector_specific_rules: RuleSet | None = Field(default=None, alias="productOrSectorSpecificRules")
    exempted_emissions_percent: V3Percent = Field(alias="exemptedEmissionsPercent")
    exempted_emissions_description: str | None = Field(default=None, alias="exemptedEmissionsDescription")
    allocation_rules_description: str | None = Field(default=None, alias="allocationRulesDescription")
    secondary_emission_factor_sources: Annotated[list[EmissionFactorSource], Field(min_length=1)] | None = Field(
        default=None, alias="secondaryEmissionFactorSources"
    )
    primary_data_share: V3Percent | None = Field(default=None, alias="primaryDataShare")
    dqi: DataQualityIndicatorsV3 | None = None
    verification: VerificationV3 | None = None

    @model_validator(mode="after")
    def _rules(self) -> CarbonFootprintV3:
        _carbon_footprint_rules(self)
        return self


class ProductFootprintV3(_Pact):
    """``ProductFootprint`` of PACT 3.0.3 (any 3.x ``specVersion``)."""

    id: Uuid
    spec_version: SpecVersion = Field(alias="specVersion")
    preceding_pf_ids: UuidSet | None = Field(default=None, alias="precedingPfIds")
    created: DateTime
    status: Status
    validity_period_start: DateTime | None = Field(default=None, alias="validityPeriodStart")
    validity_period_end: DateTime | None = Field(default=None, alias="validityPeriodEnd")
    company_name: NonEmptyString = Field(alias="companyName")
    company_ids: UrnSet = Field(alias="companyIds")
    product_description: str = Field(alias="productDescription")
    product_ids: UrnSet = Field(alias="productIds")
    product_classifications: UrnSet | None = Field(default=None, alias="productClassifications")
    product_name_company: NonEmptyString = Field(alias="productNameCompany")
    comment: str | None = None
    pcf: CarbonFootprintV3
    extensions: list[DataModelExtension] | None = None

    @model_validator(mode="after")
    def _version_3(self) -> ProductFootprintV3:
        if _major(self.spec_version) != 3:
            raise _fail("specVersion {v} is not 3.x", "a 3.x.y version", v=self.spec_version, field="specVersion")
        return self


# --- PACT v2.3 ---------------------------------------------------------------------------------------------


class DataQualityIndicatorsV2(_Pact):
    """``DataQualityIndicators`` of v2: coverage in percent and five ratings from 1 (best) to 3, as numbers."""

    coverage_percent: float = Field(alias="coveragePercent", ge=0, le=100)
    technological_dqr: float = Field(alias="technologicalDQR", ge=1, le=3)
    temporal_dqr: float = Field(alias="temporalDQR", ge=1, le=3)
    geographical_dqr: float = Field(alias="geographicalDQR", ge=1, le=3)
    completeness_dqr: float = Field(alias="completenessDQR", ge=1, le=3)
    reliability_dqr: float = Field(alias="reliabilityDQR", ge=1, le=3)


class AssuranceV2(_Pact):
    """``Assurance`` of v2."""

    assurance: bool
    provider_name: str = Field(alias="providerName")
    coverage: Literal["corporate level", "product line", "PCF system", "product level"] | None = None
    level: Literal["limited", "reasonable"] | None = None
    boundary: Literal["Gate-to-Gate", "Cradle-to-Gate"] | None = None
    completed_at: DateTime | None = Field(default=None, alias="completedAt")
    standard_name: str | None = Field(default=None, alias="standardName")
    comments: str | None = None


CrossSectoralStandardUsed = Literal["GHG Protocol Product standard", "ISO Standard 14067", "ISO Standard 14044"]
CrossSectoralStandardV2 = Literal[
    "ISO14067", "ISO14083", "ISO14040-44", "GHGP-Product", "PEF", "PACT-1.0", "PACT-2.0", "PACT-3.0"
]  # fmt: skip


class CarbonFootprintV2(_Pact):
    """``CarbonFootprint`` of PACT 2.3: emissions in kg CO2e per one ``declaredUnit``; the product holds
    ``unitaryProductAmount`` of them."""

    declared_unit: DeclaredUnitV2 = Field(alias="declaredUnit")
    unitary_product_amount: V2PositiveNonZero = Field(alias="unitaryProductAmount")
    product_mass_per_declared_unit: V2Decimal | None = Field(default=None, alias="productMassPerDeclaredUnit")
    p_cf_excluding_biogenic: V2PositiveOrZero = Field(alias="pCfExcludingBiogenic")
    p_cf_including_biogenic: V2Decimal | None = Field(default=None, alias="pCfIncludingBiogenic")
    fossil_ghg_emissions: V2PositiveOrZero = Field(alias="fossilGhgEmissions")
    fossil_carbon_content: V2PositiveOrZero = Field(alias="fossilCarbonContent")
    biogenic_carbon_content: V2PositiveOrZero = Field(alias="biogenicCarbonContent")
    d_luc_ghg_emissions: V2PositiveOrZero | None = Field(default=None, alias="dLucGhgEmissions")
    land_management_ghg_emissions: V2PositiveOrZero | None = Field(default=None, alias="landManagementGhgEmissions")
    other_biogenic_ghg_emissions: V2PositiveOrZero | None = Field(default=None, alias="otherBiogenicGhgEmissions")
    i_luc_ghg_emissions: V2PositiveOrZero | None = Field(default=None, alias="iLucGhgEmissions")
    biogenic_carbon_withdrawal: V2NegativeOrZero | None = Field(default=None, alias="biogenicCarbonWithdrawal")
    aircraft_ghg_emissions: V2PositiveOrZero | None = Field(default=None, alias="aircraftGhgEmissions")
    characterization_factors: Literal["AR6", "AR5"] = Field(alias="characterizationFactors")
    ipcc_characterization_factors_sources: IpccSet = Field(alias="ipccCharacterizationFactorsSources")
    cross_sectoral_standards_used: Annotated[
        list[CrossSectoralStandardUsed], Field(min_length=1), AfterValidator(_unique)
    ] = Field(alias="crossSectoralStandardsUsed")
    cross_sectoral_standards: (
        Annotated[list[CrossSectoralStandardV2], Field(min_length=1), AfterValidator(_unique)] | None
    ) = Field(default=None, alias="crossSectoralStandards")
    product_or_sector_specific_rules: RuleSet | None = Field(default=None, alias="productOrSectorSpecificRules")
    biogenic_accounting_methodology: Literal["PEF", "ISO", "GHGP", "Quantis"] | None = Field(
        default=None, alias="biogenicAccountingMethodology"
    )
    boundary_processes_description: str = Field(alias="boundaryProcessesDescription")
    reference_period_start: DateTime = Field(alias="referencePeriodStart")
    reference_period_end: DateTime = Field(alias="referencePeriodEnd")
    geography_region_or_subregion: RegionOrSubregion | None = Field(default=None, alias="geographyRegionOrSubregion")
    geography_country: Country | None = Field(default=None, alias="geographyCountry")
    geography_country_subdivision: Subdivision | None = Field(default=None, alias="geographyCountrySubdivision")
    secondary_emission_factor_sources: Annotated[list[EmissionFactorSource], Field(min_length=1)] | None = Field(
        default=None, alias="secondaryEmissionFactorSources"
    )
    exempted_emissions_percent: float = Field(alias="exemptedEmissionsPercent", ge=0, le=100)
    exempted_emissions_description: str = Field(alias="exemptedEmissionsDescription")
    packaging_emissions_included: bool = Field(alias="packagingEmissionsIncluded")
    packaging_ghg_emissions: V2PositiveOrZero | None = Field(default=None, alias="packagingGhgEmissions")
    allocation_rules_description: str | None = Field(default=None, alias="allocationRulesDescription")
    uncertainty_assessment_description: str | None = Field(default=None, alias="uncertaintyAssessmentDescription")
    primary_data_share: float | None = Field(default=None, alias="primaryDataShare", ge=0, le=100)
    dqi: DataQualityIndicatorsV2 | None = None
    assurance: AssuranceV2 | None = None

    @model_validator(mode="after")
    def _rules(self) -> CarbonFootprintV2:
        _carbon_footprint_rules(self)
        return self


class ProductFootprintV2(_Pact):
    """``ProductFootprint`` of PACT 2.3 (read for any 2.x ``specVersion``)."""

    id: Uuid
    spec_version: SpecVersion = Field(alias="specVersion")
    preceding_pf_ids: UuidSet | None = Field(default=None, alias="precedingPfIds")
    version: int = Field(ge=0, le=2**31 - 1)
    created: DateTime
    updated: DateTime | None = None
    status: Status
    status_comment: str | None = Field(default=None, alias="statusComment")
    validity_period_start: DateTime | None = Field(default=None, alias="validityPeriodStart")
    validity_period_end: DateTime | None = Field(default=None, alias="validityPeriodEnd")
    company_name: NonEmptyString = Field(alias="companyName")
    company_ids: UrnSet = Field(alias="companyIds")
    product_description: str = Field(alias="productDescription")
    product_ids: UrnSet = Field(alias="productIds")
    product_classifications: UrnSet | None = Field(default=None, alias="productClassifications")
    product_category_cpc: NonEmptyString = Field(alias="productCategoryCpc")
    product_name_company: NonEmptyString = Field(alias="productNameCompany")
    comment: str
    pcf: CarbonFootprintV2
    extensions: list[DataModelExtension] | None = None

    @model_validator(mode="after")
    def _version_2(self) -> ProductFootprintV2:
        if _major(self.spec_version) != 2:
            raise _fail("specVersion {v} is not 2.x", "a 2.x.y version", v=self.spec_version, field="specVersion")
        return self


PactFootprint: TypeAlias = ProductFootprintV3 | ProductFootprintV2

# --- validation errors as problems -------------------------------------------------------------------------


def _path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, str) and part.startswith(("function-", "list[", "nullable[")):
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_EXPECTED = {
    "bool_type": "true or false (a JSON boolean)",
    "string_type": "a JSON string",
    "int_type": "an integer",
    "float_type": "a JSON number",
    "list_type": "a JSON array",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
    "too_short": "at least {min_length} item(s)",
    "string_too_short": "at least {min_length} character(s)",
    "greater_than_equal": ">= {ge}",
    "less_than_equal": "<= {le}",
}


def _problems(exc: ValidationError, *, row: int | None, file: str | None, version: str) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        ctx = err.get("ctx") or {}
        path = _path(err["loc"])
        if "field" in ctx:
            path = f"{path}.{ctx['field']}" if path else str(ctx["field"])
        value = err.get("input")
        expected: str | None
        if err["type"] == "missing":
            message, expected, value = "required field is missing", f"a value (required by PACT {version})", None
        elif err["type"] == "literal_error":
            message, expected = "not a value the specification allows", f"one of {ctx.get('expected')}"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            expected = (
                str(ctx["expected"]) if "expected" in ctx else _EXPECTED.get(err["type"], "").format(**ctx) or None
            )
        if isinstance(value, dict | list | BaseModel):
            value = None
        out.append(Problem(message, file=file, row=row, field=path or None, value=value, expected=expected))
    return out


# --- export ------------------------------------------------------------------------------------------------

#: PACT declared unit -> the footprint unit of one of it (None: footprint's registry has no such unit).
PACT_UNITS: dict[str, str | None] = {
    "liter": "L",
    "kilogram": "kg",
    "cubic meter": "m3",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "ton kilometer": "t*km",
    "square meter": "m2",
    "piece": "piece",
    "hour": "h",
    "megabit second": None,
}
# Units a footprint's declared unit is converted to when it is not one of them exactly, by dimension.
_BY_DIMENSION = ("piece", "kilogram", "liter", "megajoule", "ton kilometer", "square meter", "hour")
# Declared units whose product mass the specification wants as 0 (energy, transport, services).
_V2_UNITS = frozenset(DeclaredUnitV2.__args__)  # type: ignore[attr-defined]
_NON_FOSSIL = frozenset({"CH4_nonfossil"})
_STANDARDS_V2_USED = {
    "GHGP-Product": "GHG Protocol Product standard",
    "ISO14067": "ISO Standard 14067",
    "ISO14040-44": "ISO Standard 14044",
}


def _dec(x: float) -> str:
    """A computed value as a PACT decimal string: ``Decimal(x)`` rounded to 12 significant digits (the
    float's noise gone, ``5.140000000000001`` -> ``"5.14"``), positional, without exponent."""
    return decimal_text(decimal(x))


def _dqr_text(x: float, hi: int = 5) -> str:
    """A data quality rating to 2 decimals, clamped to 1..hi by construction."""
    return decimal_text(bounded(x, 1, hi, RATING_PLACES))


def _percent(x: float) -> str:
    """A percentage to 4 decimals, clamped to 0..100."""
    return decimal_text(bounded(x, 0, 100, PERCENT_PLACES))


def _parse_version(version: str) -> tuple[int, str] | None:
    text = str(version).strip()
    if text in ("3", "3.0"):
        return 3, V3_VERSION
    if text in ("2", "2.3"):
        return 2, V2_VERSION
    if re.fullmatch(r"3\.0\.[0-3]", text):
        return 3, text
    if re.fullmatch(r"2\.3\.[0-3]", text):
        return 2, text
    return None


def _pact_unit(unit: str, allowed: Iterable[str]) -> tuple[str, float] | None:
    """The PACT declared unit for a footprint unit and how many of it one footprint unit is."""
    allowed = [u for u in allowed if PACT_UNITS.get(u)]
    try:
        src = parse_unit(unit)
    except Exception:  # UnitError: the declared unit is checked by the product model already
        return None
    matches = []
    for name in allowed:
        target = PACT_UNITS[name]
        assert target is not None
        if parse_unit(target).dimensionality == src.dimensionality:
            matches.append((name, conversion_factor(unit, target)))
    for name, k in matches:
        if math.isclose(k, 1.0, rel_tol=1e-12):
            return name, 1.0
    for pref in _BY_DIMENSION:
        for name, k in matches:
            if name == pref:
                return name, k
    return None


def _ipcc_report(name: str) -> str | None:
    """The IPCC report a GWP set reports as (AR5 for AR5-fossil), None for 'unspecified' or a set that names none."""
    try:
        return gwp_set(name).report
    except GWPError:
        return name if re.fullmatch(_IPCC, name) else None


def _gate_rows(result: FootprintResult) -> list[Any]:
    return [c for c in result.contributions if c.module in CRADLE_TO_GATE]


def _biogenic_split(result: FootprintResult, library: FactorLibrary | None) -> tuple[float, float, list[str]]:
    """Cradle-to-gate kg CO2e of non-fossil gases (biogenic CH4) and of CO2e whose gases are unknown
    (pre-folded factors, declared footprints), for ``result.quantity`` units, and notes on how they were found."""
    notes: list[str] = []
    if library is not None:
        gs = gwp_set(result.gwp_set)
        bio = unknown = 0.0
        for c in _gate_rows(result):
            fac = library.get(c.factor_id) if c.factor_id in library else None
            if fac is None or fac.is_prefolded or fac.unit != c.unit:
                unknown += c.kgco2e - c.kgco2e_biogenic - c.kgco2e_luluc  # the gases beside a CO2e are known
                continue
            parts = {g: v * gs.values[g] for g, v in fac.gases.items() if g not in NON_GREENHOUSE}
            tot = sum(parts.values())
            nonfossil = sum(v for g, v in parts.items() if g in _NON_FOSSIL)
            if not nonfossil:
                continue
            if math.isclose(c.quantity * tot, c.kgco2e, rel_tol=1e-9):
                bio += c.quantity * nonfossil  # the factor the result was calculated with
            else:
                bio += c.kgco2e * nonfossil / tot  # another version of it: its gas shares
        return bio, unknown, notes
    nonfossil = sum(v for g, v in result.by_gas.items() if g in _NON_FOSSIL)
    unknown = result.by_gas.get("CO2e (pre-folded)", 0.0)
    outside = [m for m, v in result.by_module.items() if m not in CRADLE_TO_GATE and m != "D" and v]
    if not nonfossil or not outside:
        if unknown and outside:
            unknown *= result.cradle_to_gate_kgco2e / result.total_kgco2e if result.total_kgco2e else 0.0
        return nonfossil, unknown, notes
    share = result.cradle_to_gate_kgco2e / result.total_kgco2e if result.total_kgco2e else 0.0
    notes.append(
        "Without the factor library, the biogenic (non-fossil CH4) part of A1-A3 was apportioned by the share of "
        "A1-A3 in the cradle-to-grave total; pass library= for the exact split."
    )
    return nonfossil * share, unknown * share, notes


def _primary_share(result: FootprintResult) -> float:
    """Primary data share in percent: PACT's, over A1-A3 without biogenic uptake (:func:`primary_data_share`)."""
    return 100.0 * primary_data_share(result.contributions)


def _biogenic_rows(result: FootprintResult) -> tuple[float, float, float]:
    """Cradle-to-gate kg CO2e of biogenic CO2 uptake (<= 0), of biogenic emissions (CO2 and CH4) and of land
    use change, for ``result.quantity`` units, from the contribution rows."""
    rows = _gate_rows(result)
    uptake = sum(c.kgco2e_uptake for c in rows)
    return uptake, sum(c.kgco2e_biogenic for c in rows) - uptake, sum(c.kgco2e_luluc for c in rows)


_LATIN: dict[str, str | int | None] = {"ø": "o", "æ": "ae", "å": "a", "ß": "ss", "œ": "oe"}


def _slug(text: str) -> str:
    text = text.lower().translate(str.maketrans(_LATIN))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unnamed"


def _nss(text: str) -> str:
    """Text as a URN namespace-specific string (RFC 8141): reserved and blank characters percent-encoded."""
    return quote(text.strip(), safe="-._~!$&'()*+,;=:@/")


def _reference_period(rp: Any) -> tuple[str, str]:
    if isinstance(rp, Period):
        start, end = rp.start, rp.end
    else:
        start, end = rp
    if not isinstance(start, date) or not isinstance(end, date):
        raise TypeError("a (start, end) pair of dates")
    a = start if isinstance(start, datetime) else datetime(start.year, start.month, start.day, tzinfo=UTC)
    # A date pair includes both days (as footprint's Period); PACT's referencePeriodEnd is exclusive.
    b = end if isinstance(end, datetime) else datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    if utc_text(b) <= utc_text(a):
        raise ValueError(f"the reference period ends ({end}) before it starts ({start})")
    return utc_text(a), utc_text(b)


def _geography(geo: str | None) -> dict[str, str]:
    if geo is None or geo.strip().upper() in ("GLO", "GLOBAL", "WORLD", ""):
        return {}
    text = geo.strip()
    if re.fullmatch(_COUNTRY, text.upper()):
        return {"geographyCountry": text.upper()}
    if re.fullmatch(_SUBDIVISION, text.upper()):
        return {"geographyCountrySubdivision": text.upper()}
    for region in REGIONS:
        if region.lower() == text.lower():
            return {"geographyRegionOrSubregion": region}
    raise ValueError(geo)


def _footprints(data: PactSource | Sequence[PactFootprint]) -> list[PactFootprint]:
    """Footprints already read, as they are; anything else through :func:`read_pact`."""
    if isinstance(data, list | tuple) and all(isinstance(f, ProductFootprintV2 | ProductFootprintV3) for f in data):
        return list(data)
    return read_pact(cast("PactSource", data))


def _dqi(
    result: FootprintResult,
    library: FactorLibrary | None,
    v3: bool,
    completeness: float | None,
    reliability: float | None,
    notes: list[str],
    up: Any = None,
) -> dict[str, Any] | None:
    """The DQI: emission-weighted means of the factors' ratings (1-5), clamped to the range PACT allows.
    v2 rates 1 to 3 and needs completeness and reliability ratings factors do not carry: given or no DQI."""
    given = supplier_ratings(result, up) if library is None else None
    if library is None and given is None:
        notes.append("No DQI: no factor library was given to read the factors' data quality ratings from.")
        return None
    if given is not None:  # every A1-A3 emission is a supplier footprint's: their own ratings
        coverage = Decimal(100)
        ratings = {f"{k}DQR": v for k, v in given.items()}
    else:
        from .._quality import data_quality

        assert library is not None
        dq = data_quality(result, library, modules="cradle-to-gate")
        if dq.technological is None or dq.geographical is None or dq.temporal is None:
            notes.append("No DQI: the factors used carry no data quality ratings.")
            return None
        coverage = bounded(100 * dq.coverage, 0, 100, 4)
        ratings = {"technologicalDQR": dq.technological, "geographicalDQR": dq.geographical, "temporalDQR": dq.temporal}
    if up is not None and up.ratings and library is not None:  # suppliers' decimal ratings, not whole numbers
        from ._upstream import exact_ratings

        exact = exact_ratings(result, library, up)
        ratings = {f"{k}DQR": v for k, v in exact.items() if v is not None} | {
            k: v for k, v in ratings.items() if exact.get(k.removesuffix("DQR")) is None
        }
    if v3:
        notes.append(
            f"DQRs are emission-weighted means of the factors' ratings; they cover {decimal_text(coverage)} % "
            "of the cradle-to-gate emissions."
        )
        return {k: _dqr_text(x) for k, x in ratings.items()}
    if completeness is None or reliability is None:
        notes.append("No DQI: PACT 2.3 needs completeness and reliability ratings footprint does not keep.")
        return None
    notes.append(
        "DQRs: the factors' emission-weighted 1-5 ratings mapped to PACT 2.3's 1-3 as 1 + (r - 1) / 2; "
        "completeness and reliability as given."
    )
    out: dict[str, Any] = {"coveragePercent": float(coverage)}
    out |= {k: float(bounded(1 + (x - 1) / 2, 1, 3, RATING_PLACES)) for k, x in ratings.items()}
    out |= {"completenessDQR": completeness, "reliabilityDQR": reliability}
    return out


def _sources(result: FootprintResult, library: FactorLibrary | None) -> list[dict[str, str]]:
    """The databases of the factors behind A1-A3: secondary data even where the activity data is primary
    (a measured kWh times a grid factor from Ember); suppliers' own footprints are not a database."""
    sources: list[dict[str, str]] = []
    for c in _gate_rows(result):
        fac = library.get(c.factor_id) if library is not None and c.factor_id in library else None
        if fac is not None:
            if fac.licence == "supplier data":
                continue
            src = {"name": fac.source or "-", "version": fac.edition or "-"}
        elif c.data_source == "secondary":
            src = {"name": c.library or "-", "version": result.factor_library_version or "-"}
        else:
            continue  # a declared or supplier footprint, outside any library
        if src not in sources:
            sources.append(src)
    return sources


def _export_rules(
    spec_version: str,
    fid: str,
    preceding: Sequence[str],
    cpc: str | None,
    period: tuple[str, str],
    created: datetime,
    exempted: float,
) -> list[Problem]:
    """The export's own arguments against the rules of the specification no schema expresses."""
    out: list[Problem] = []
    if not is_uuid4(fid):
        out.append(
            Problem(f"not a UUID v4 (PACT {spec_version}, PfId)", field="pf_id", value=fid, expected="a UUID v4")
        )
    for k, pid in enumerate(preceding):
        if not is_uuid4(pid):
            out.append(
                Problem(
                    f"not a UUID v4 (PACT {spec_version}, PfId)",
                    field=f"preceding_pf_ids[{k}]",
                    value=pid,
                    expected="a UUID v4",
                )
            )
        elif str(pid).lower() == fid.lower():
            out.append(
                Problem(
                    f"a footprint cannot precede itself (PACT {spec_version}, ProductFootprint.precedingPfIds)",
                    field=f"preceding_pf_ids[{k}]",
                    value=pid,
                    expected="ids of earlier footprints of the product",
                )
            )
    if cpc is not None and not CPC_CODE.match(str(cpc).strip()):
        section = "productClassifications" if spec_version.startswith("3") else "productCategoryCpc"
        out.append(
            Problem(
                f"not a UN CPC code (PACT {spec_version}, ProductFootprint.{section})",
                field="product_category_cpc",
                value=cpc,
                expected='a UN CPC Ver. 2.1 code of 1 to 5 digits, e.g. "4391"',
            )
        )
    if not spec_version.startswith("3") and not (0 <= exempted <= 5):
        out.append(
            Problem(
                f"PACT {spec_version} allows at most 5 % exempted emissions (CarbonFootprint.exemptedEmissionsPercent)",
                field="exempted_emissions_percent",
                value=exempted,
                expected="0 to 5",
            )
        )
    if period[0] and period[1]:
        start, end = _date_of(period[0]), _date_of(period[1])
        last = end - timedelta(days=1)
        if last > created.astimezone(UTC).date():
            out.append(
                Problem(
                    f"the reference period ends after the footprint is created (PACT {spec_version}, "
                    "CarbonFootprint.referencePeriodEnd: the latest date activity data was collected)",
                    field="reference_period",
                    value=str(last),
                    expected=f"a last day on or before {created.astimezone(UTC).date()}",
                )
            )
        if end > plus_years(start, 3):
            out.append(
                Problem(
                    f"a reference period longer than 3 years (PACT {spec_version} sets no maximum; a footprint "
                    "is valid 3 years from its reference period's end, ProductFootprint.validityPeriodStart, and "
                    "footprint refuses a period longer than that)",
                    field="reference_period",
                    value=f"{start} to {last}",
                    expected="at most 3 years",
                )
            )
    return out


@dataclass
class _Export:
    """One PACT export as its steps fill it in: the result and version it is for, the problems found so far
    (all reported at once) and the notes for the footprint's comment, in the order they were found."""

    result: FootprintResult
    v3: bool
    spec_version: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, message: str, field: str, value: object = None, expected: str | None = None) -> None:
        self.problems.append(Problem(message, field=field, value=value, expected=expected))


@dataclass(frozen=True)
class _Unit:
    """The declared unit PACT is given: its name, the amount of it one of the result's units holds, and the
    product's mass per declared unit (kg)."""

    unit: str
    amount: float
    mass_per_du: float


@dataclass(frozen=True)
class _Emissions:
    """The cradle-to-gate emissions per declared unit of the result (kg CO2e), split as PACT declares them."""

    excluding: float  # PCF excluding biogenic uptake
    fossil: float
    bio: float  # biogenic non-CO2 (CH4)
    bio_co2: float
    luluc: float
    data_uptake: float  # biogenic CO2 uptake the factors carry
    uptake: float  # the uptake declared
    has_uptake: bool


@dataclass
class _Body:
    """Everything a ``pcf`` section is made of, whichever version it is written in."""

    unit: _Unit
    em: _Emissions
    period: tuple[str, str]
    geo: dict[str, str]
    boundary: str
    ipcc: list[str]
    primary: float
    dqi: dict[str, Any] | None
    sources: list[dict[str, str]]
    up: Any
    v2_2025: bool
    quantity: float
    gwp: str
    fossil_carbon_content: float | None
    biogenic_carbon_content: float | None
    packaging_emissions_included: bool
    cross_sectoral_standards: Sequence[str]
    exempted_emissions_percent: float
    exempted_emissions_description: str
    land_use_change_emissions: float | None
    land_management_emissions: float | None
    biogenic_accounting_methodology: str | None


def _declared_unit(ex: _Export, product_mass_per_declared_unit: float | None) -> _Unit:
    """The result's declared unit as one PACT knows, else the product's mass; and the mass per declared unit."""
    result, v3, spec_version = ex.result, ex.v3, ex.spec_version
    q = result.quantity
    du_value, du_unit = split_quantity(result.declared_unit)
    mass = result.product_mass_kg / q
    allowed = [u for u in PACT_UNITS if v3 or u in _V2_UNITS]
    found = _pact_unit(du_unit, allowed) if du_unit else None
    if found is not None:
        unit, amount = found[0], du_value * found[1]
    elif mass > 0:
        unit, amount = "kilogram", mass
        ex.notes.append(
            f"The declared unit {result.declared_unit} has no PACT {spec_version} equivalent; it is declared as the "
            f"product's mass per declared unit, {_dec(mass)} kilogram."
        )
    else:
        unit, amount = "kilogram", 0.0
        ex.problem(
            f"the declared unit has no PACT {spec_version} equivalent and the product has no mass to declare it by",
            "result.declared_unit",
            result.declared_unit,
            f"one of {', '.join(allowed)} (or a product with a mass)",
        )
    if unit in _NO_MASS:
        mass_per_du = 0.0
    elif unit == "kilogram":
        mass_per_du = amount
    else:
        mass_per_du = mass if product_mass_per_declared_unit is None else product_mass_per_declared_unit
        if not (math.isfinite(mass_per_du) and mass_per_du > 0) and v3 and found is not None:
            ex.problem(
                f"a {unit} product needs its mass (PACT {spec_version}, CarbonFootprint.productMassPerDeclaredUnit: "
                "0 only for energy, logistics and services)",
                "product_mass_per_declared_unit",
                product_mass_per_declared_unit,
                f"the mass in kg of {_dec(amount)} {unit}: give the product a mass, or product_mass_per_declared_unit=",
            )
    return _Unit(unit, amount, mass_per_du)


def _emissions(ex: _Export, library: FactorLibrary | None, biogenic_co2_uptake: float | None) -> _Emissions:
    """A1-A3 per declared unit split into fossil, biogenic and land use change emissions and biogenic uptake."""
    result, q = ex.result, ex.result.quantity
    gate = result.cradle_to_gate_kgco2e / q
    bio_kg, unknown_kg, split_notes = _biogenic_split(result, library)
    ex.notes += split_notes
    bio = bio_kg / q
    uptake_kg, bio_all_kg, luluc_kg = _biogenic_rows(result)
    data_uptake, luluc = uptake_kg / q, luluc_kg / q
    bio_co2 = max(bio_all_kg / q - bio, 0.0)
    excluding = gate - data_uptake
    fossil = excluding - bio - bio_co2 - luluc
    if -1e-9 * max(1.0, abs(gate)) < fossil < 0:
        fossil = 0.0
    if fossil < 0:
        ex.problem("fossil cradle-to-gate emissions are negative", "result.cradle_to_gate_kgco2e", gate, ">= 0")
    if unknown_kg:
        ex.notes.append(
            f"{_dec(unknown_kg / q)} kg CO2e per declared unit come from factors given as CO2e only (supplier "
            "footprints, pre-folded factors); they are counted as fossil."
        )
    uptake = data_uptake
    if biogenic_co2_uptake is None:
        if not data_uptake:
            ex.notes.append(
                "No biogenic CO2 uptake in the factors used and none given: pcfIncludingBiogenicUptake equals "
                "pcfExcludingBiogenicUptake."
            )
    elif data_uptake:
        ex.problem(
            "the result already carries biogenic CO2 uptake from its factors",
            "biogenic_co2_uptake",
            biogenic_co2_uptake,
            f"no biogenic_co2_uptake (the factors give {_dec(data_uptake)} kg CO2e per declared unit)",
        )
    elif not (math.isfinite(biogenic_co2_uptake) and biogenic_co2_uptake <= 0):
        ex.problem("biogenic CO2 uptake must be <= 0", "biogenic_co2_uptake", biogenic_co2_uptake, "kg CO2e <= 0")
    else:
        uptake = biogenic_co2_uptake
    has_uptake = biogenic_co2_uptake is not None or bool(data_uptake)
    if bio_co2:
        ex.notes.append(
            f"{_dec(bio_co2)} kg CO2e per declared unit are biogenic CO2 emissions, counted in the PCF excluding "
            "biogenic uptake (EN 15804+A2 -1/+1 approach)."
        )
    return _Emissions(excluding, fossil, bio, bio_co2, luluc, data_uptake, uptake, has_uptake)


def _check_carbon_content(ex: _Export, fossil: float | None, biogenic: float | None) -> None:
    """The carbon contents the specification requires, given and >= 0 (footprint does not assume them)."""
    carbon = {"fossil_carbon_content": fossil} | ({} if ex.v3 else {"biogenic_carbon_content": biogenic})
    for arg, value in carbon.items():
        if value is None:
            name = "fossilCarbonContent" if arg.startswith("fossil") else "biogenicCarbonContent"
            ex.problem(
                f"PACT {ex.spec_version} requires {name} (CarbonFootprint.{name}); footprint does not assume it",
                arg,
                None,
                "the kg of carbon per declared unit the product holds (0 only if it holds none)",
            )
        elif not (math.isfinite(value) and value >= 0):
            ex.problem("a carbon content must be >= 0", arg, value, "kg C per declared unit >= 0")


def _upstream(ex: _Export, upstream: PactSource | Sequence[PactFootprint] | None, em: _Emissions) -> Any:
    """What the supplier footprints behind the result's ``pact.*`` factors carry into it (None without them)."""
    if upstream is None:
        return None
    from ._upstream import carried

    up = carried(ex.result, _footprints(upstream))
    if up.used_kg and em.excluding > 0:
        ex.notes.append(
            f"Carried from {len(up.used_kg)} supplier PACT footprint(s), scaled by their share of A1-A3: "
            "their IPCC reports, secondary emission factor sources, exempted and packaging emissions, their "
            "own fossil, biogenic and land emissions, land occupation and carbon contents (by mass share) and "
            "data quality ratings."
        )
    return up


def _characterization(ex: _Export, up: Any) -> list[str]:
    """The IPCC reports of the GWP sets used (the result's own, those of pre-folded factors used unchanged
    and those the supplier footprints carry), oldest first."""
    result, gwp, spec_version = ex.result, ex.result.gwp_set, ex.spec_version
    if gwp == "AR6-GWP20":
        ex.problem(
            "PACT reports GWP100 characterization factors; AR6 GWP20 cannot be declared",
            "result.gwp_set",
            gwp,
            "a result calculated with gwp='AR6' (or AR5)",
        )
    upstream_sets = {s for s in up.ipcc if re.fullmatch(_IPCC, s)} if up is not None else set()
    used = result.gwp_sets_used or [gwp]
    sets = ({_ipcc_report(s) for s in used} - {None}) | upstream_sets
    unreported = [s for s in used if _ipcc_report(s) is None]
    if _ipcc_report(gwp) is None:
        ex.problem(
            f"GWP set {gwp} names no IPCC report (its file has no @report row)",
            "result.gwp_set",
            gwp,
            "a GWP set that reports as AR4, AR5 or AR6",
        )
    pre = result.prefolded_factors
    if pre:
        ex.notes.append(
            f"{len(pre)} factor(s) folded to CO2e by their source under another GWP set than {gwp} were used "
            f"unchanged ({', '.join(pre[:5])}{', ...' if len(pre) > 5 else ''}); the IPCC reports of their sets "
            "are listed in the IPCC characterization factors"
            + (f", except {', '.join(unreported)}, which names no IPCC report." if unreported else ".")
        )
    ipcc = sorted((s for s in sets if s is not None and re.fullmatch(_IPCC, s)), key=lambda s: int(s[2:]))
    if "AR4" in ipcc and ex.v3:
        ex.notes.append("IPCC AR4 characterization factors were used; the PACT Methodology asks for the latest (AR6).")
    if not ex.v3 and ipcc and ipcc[0] not in ("AR5", "AR6"):
        ex.problem(
            f"PACT {spec_version} characterizationFactors allows only AR5 and AR6",
            "result.gwp_set",
            ipcc[0],
            "a result calculated with gwp='AR6' or 'AR5'",
        )
    return ipcc


def _company_ids(ex: _Export, company_ids: str | Sequence[str]) -> list[str]:
    """The company's ids as URNs, a company code as ``urn:pact:company:customcode:...``."""
    if isinstance(company_ids, str):
        company_ids = [company_ids]
    cids: list[str] = []
    for k, cid in enumerate(company_ids):
        if not isinstance(cid, str) or not cid.strip():
            ex.problem("empty company id", f"company_ids[{k}]", cid, "a URN or a company code")
            continue
        urn = (
            cid.strip()
            if re.match(URN_PATTERN, cid.strip())
            else f"urn:pact:company:customcode:{'supplier-id' if ex.v3 else 'vendor-assigned'}:{_nss(cid)}"
        )
        if urn not in cids:
            cids.append(urn)
    if not cids and not any(p.field and p.field.startswith("company_ids") for p in ex.problems):
        ex.problem("no company id", "company_ids", None, "at least one URN or company code")
    return cids


def _product_ids(ex: _Export, product_ids: str | Sequence[str] | None, company_domain: str | None) -> list[str]:
    """The product's ids as URNs, a plain id as ``urn:pact:<company_domain>:supplier-id:<id>``."""
    raw_pids = (
        [ex.result.product_id]
        if product_ids is None
        else [product_ids]
        if isinstance(product_ids, str)
        else list(product_ids)
    )
    pids: list[str] = []
    for k, pid in enumerate(raw_pids):
        if not isinstance(pid, str) or not pid.strip():
            ex.problem("empty product id", f"product_ids[{k}]", pid, "a URN or a product code")
            continue
        if re.match(URN_PATTERN, pid.strip()):
            urn = pid.strip()
        elif company_domain is None or not re.fullmatch(_FQDN, company_domain):
            ex.problem(
                "a product id that is not a URN needs the company's domain for urn:pact:<domain>:supplier-id:<id>",
                "company_domain" if company_domain is not None else f"product_ids[{k}]",
                company_domain if company_domain is not None else pid,
                'a URN, or company_domain="example.com" (a fully qualified domain name)',
            )
            continue
        else:
            urn = f"urn:pact:{company_domain.lower()}:supplier-id:{_nss(pid)}"
        if urn not in pids:
            pids.append(urn)
    return pids


def _period_and_geography(
    ex: _Export, reference_period: tuple[date, date] | Period | None, geography: str | None
) -> tuple[tuple[str, str], dict[str, str]]:
    """The reference period as PACT's UTC instants (end exclusive) and the geography as PACT's property."""
    period = ("", "")
    if reference_period is None:
        ex.problem(
            "a PACT footprint needs its reference period",
            "reference_period",
            None,
            "reference_period=(first day, last day) of the activity data, or a Period",
        )
    else:
        try:
            period = _reference_period(reference_period)
        except (TypeError, ValueError) as exc:
            ex.problem(
                f"not a reference period: {exc}", "reference_period", repr(reference_period), "(start, end) dates"
            )
    try:
        geo = _geography(geography)
    except ValueError:
        ex.problem(
            "not a geography PACT knows",
            "geography",
            geography,
            'an ISO 3166-1 alpha-2 code ("NO"), an ISO 3166-2 code ("US-TX"), a UN region ("Northern Europe") or "GLO"',
        )
        geo = {}
    return period, geo


def _check_v2_2025(ex: _Export, given: dict[str, object]) -> None:
    """PACT 2.3's properties marked O*, required for a reference period that includes 2025 or later."""
    for arg, missing in given.items():
        if missing is None:
            ex.problem(
                f"PACT {ex.spec_version} requires the data quality and biogenic properties (CarbonFootprint, "
                "properties marked O*) for a reference period that includes 2025 or later",
                arg,
                None,
                "a value: footprint's factors do not carry it",
            )


def _boundary_text(result: FootprintResult) -> str:
    """The boundary processes: the modules A1-A3 with their kg CO2e per declared unit, and what is left out."""
    q = result.quantity
    per_module = [
        f"{m} {MODULE_NAMES[m].lower()} ({_dec(result.by_module[m] / q)} kg CO2e)"
        for m in MODULES
        if m in CRADLE_TO_GATE and m in result.by_module
    ]
    excluded = [m for m in MODULES if m not in CRADLE_TO_GATE and result.by_module.get(m)]
    return (
        "Cradle-to-gate, EN 15804 modules A1-A3 per declared unit: " + "; ".join(per_module or ["nothing"]) + ". "
        "Materials (gross mass) and purchased components of the bill of materials, inbound transport, "
        "manufacturing energy and processes, and treatment of manufacturing scrap."
        + (f" Excluded from this footprint: {', '.join(excluded)}." if excluded else "")
    )


def _comment(ex: _Export, comment: str | None) -> str:
    """The footprint's comment: how it was calculated, then the notes of each step, then the caller's."""
    result, q = ex.result, ex.result.quantity
    head = (
        f"Calculated with footprint {result.footprint_version} (factor library {result.factor_library_version}, "
        f"input {result.input_hash}) under IPCC {result.gwp_set} GWP100. PACT covers cradle-to-gate: the values "
        f"are the result's cradle-to-gate (A1-A3) total, {_dec(result.cradle_to_gate_kgco2e)} kg CO2e for "
        f"{_dec(q)} declared unit(s) of {result.declared_unit}, divided by {_dec(q)}; modules A4-C4 and D are not "
        "included."
    )
    return " ".join([head, *ex.notes, *([comment] if comment else [])])


def _pcf_v3(b: _Body) -> dict[str, Any]:
    """The ``pcf`` of a PACT 3 footprint: values per declared unit, decimals as strings."""
    em, up = b.em, b.up
    q = b.quantity
    pcf: dict[str, Any] = {
        "declaredUnitOfMeasurement": b.unit.unit,
        "declaredUnitAmount": _dec(b.unit.amount),
        "productMassPerDeclaredUnit": _dec(b.unit.mass_per_du),
        "referencePeriodStart": b.period[0],
        "referencePeriodEnd": b.period[1],
        **b.geo,
        "boundaryProcessesDescription": b.boundary,
        "pcfExcludingBiogenicUptake": _dec(em.excluding),
        "pcfIncludingBiogenicUptake": decimal_text(decimal(em.excluding) + decimal(em.uptake)),
        "fossilCarbonContent": _dec(b.fossil_carbon_content or 0.0),
        "fossilGhgEmissions": _dec(em.fossil),
        "packagingEmissionsIncluded": b.packaging_emissions_included,
        "ipccCharacterizationFactors": b.ipcc,
        "crossSectoralStandards": list(b.cross_sectoral_standards),
        "exemptedEmissionsPercent": _dec(b.exempted_emissions_percent),
        "primaryDataShare": _percent(b.primary),
    }
    if b.biogenic_carbon_content is not None:
        pcf["biogenicCarbonContent"] = _dec(b.biogenic_carbon_content)
    if em.has_uptake:
        pcf["biogenicCO2Uptake"] = _dec(em.uptake)
    if em.luluc > 0:
        pcf["landUseChangeGhgEmissions"] = _dec(em.luluc)
    if em.bio > 0:
        pcf["biogenicNonCO2Emissions"] = _dec(em.bio)
    exempted_text = [b.exempted_emissions_description] if b.exempted_emissions_description else []
    if up is not None:  # what the supplier footprints give, scaled by use; the values found above first
        exempted_text += [t for t in up.exempted_text if t not in exempted_text]
        for key, value in up.scaled.items():
            pcf.setdefault(key, _dec(em.bio if key == "biogenicNonCO2Emissions" else value / q))
        contents = up.carbon_contents(b.unit.mass_per_du, q)
        for key, value in contents.items():
            pcf.setdefault(key, _dec(value))
    if exempted_text:
        pcf["exemptedEmissionsDescription"] = "; ".join(exempted_text)
    if up is not None and up.packaging_kg > 0:
        pcf["packagingGhgEmissions"] = _dec(up.packaging_kg / q)
    if up is not None and up.aircraft_kg is not None:
        pcf["aircraftGhgEmissions"] = _dec(up.aircraft_kg / q)
    return _pcf_tail(pcf, b)


def _pcf_v2(b: _Body) -> dict[str, Any]:
    """The ``pcf`` of a PACT 2.3 footprint: emissions per one declaredUnit, of which the product holds
    unitaryProductAmount."""
    em, up, amount = b.em, b.up, b.unit.amount
    q = b.quantity

    def per(value: float) -> str:
        return _dec(value / amount if amount else 0.0)

    standards = b.cross_sectoral_standards
    pcf: dict[str, Any] = {
        "declaredUnit": b.unit.unit,
        "unitaryProductAmount": _dec(amount),
        # optional in 2.3: left out for a product without a mass, 0 for energy and transport
        **(
            {"productMassPerDeclaredUnit": per(b.unit.mass_per_du)}
            if b.unit.unit in _NO_MASS or b.unit.mass_per_du > 0
            else {}
        ),
        "pCfExcludingBiogenic": per(em.excluding - em.bio_co2),
        "pCfIncludingBiogenic": per(em.excluding + em.uptake),
        "fossilGhgEmissions": per(em.fossil),
        "fossilCarbonContent": per(b.fossil_carbon_content or 0.0),
        "biogenicCarbonContent": per(b.biogenic_carbon_content or 0.0),
        "characterizationFactors": b.ipcc[0] if b.ipcc else b.gwp,
        "ipccCharacterizationFactorsSources": b.ipcc,
        "crossSectoralStandardsUsed": [_STANDARDS_V2_USED[s] for s in standards if s in _STANDARDS_V2_USED],
        "crossSectoralStandards": list(standards),
        "boundaryProcessesDescription": b.boundary,
        "referencePeriodStart": b.period[0],
        "referencePeriodEnd": b.period[1],
        **b.geo,
        "exemptedEmissionsPercent": float(b.exempted_emissions_percent),
        "exemptedEmissionsDescription": b.exempted_emissions_description,
        "packagingEmissionsIncluded": b.packaging_emissions_included,
        "primaryDataShare": float(bounded(b.primary, 0, 100, PERCENT_PLACES)),
    }
    if (em.bio > 0 or b.v2_2025) and amount:
        pcf["otherBiogenicGhgEmissions"] = per(em.bio)
    if em.has_uptake and amount:
        pcf["biogenicCarbonWithdrawal"] = per(em.uptake)
    luc = b.land_use_change_emissions
    for key, value in (
        ("dLucGhgEmissions", luc if luc is not None or not em.luluc else em.luluc),
        ("landManagementGhgEmissions", b.land_management_emissions),
    ):
        if value is not None and amount:
            pcf[key] = per(value)
    if b.biogenic_accounting_methodology is not None:
        pcf["biogenicAccountingMethodology"] = b.biogenic_accounting_methodology
    if up is not None and up.packaging_kg > 0 and amount:
        pcf["packagingGhgEmissions"] = per(up.packaging_kg / q)
    if up is not None and up.aircraft_kg is not None and amount:
        pcf["aircraftGhgEmissions"] = per(up.aircraft_kg / q)
    return _pcf_tail(pcf, b)


def _pcf_tail(pcf: dict[str, Any], b: _Body) -> dict[str, Any]:
    """The properties both versions end with: those a whole supplier footprint carries, the sources, the DQI."""
    if b.up is not None:
        pcf |= b.up.whole
    if b.sources:
        pcf["secondaryEmissionFactorSources"] = b.sources
    if b.dqi is not None:
        pcf["dqi"] = b.dqi
    return pcf


def _document(ex: _Export, head: dict[str, Any], cpc: str | None, name: str, text: str, b: _Body) -> dict[str, Any]:
    """The ``ProductFootprint``: its ids, company and product (``head``), the comment and the ``pcf``."""
    if ex.v3:
        classes = [f"urn:pact:productclassification:un-cpc:{cpc.strip()}"] if cpc else None
        return (
            head
            | ({"productClassifications": classes} if classes else {})
            | {
                "productNameCompany": name,
                "comment": text,
                "pcf": _pcf_v3(b),
            }
        )
    unit, amount = b.unit.unit, b.unit.amount
    per = f" Values are per {unit} (PACT {ex.spec_version}: per declared unit); the product holds {_dec(amount)}."
    return head | {"productCategoryCpc": cpc, "productNameCompany": name, "comment": text + per, "pcf": _pcf_v2(b)}


def _export_of(result: FootprintResult, version: str) -> tuple[_Export, int, str]:
    """The export's state for ``version``, its major version and what its errors are about; a version PACT
    has not, or a result for no declared unit, is refused at once."""
    parsed = _parse_version(version)
    if parsed is None:
        raise PactError(
            [Problem("unsupported PACT version", field="version", value=version, expected='"3.0.3" or "2.3"')],
            what="PACT export",
        )
    major, spec_version = parsed
    what = f"PACT {spec_version} export of {result.product_id}"
    q = result.quantity
    if not (q > 0):
        raise PactError(
            [Problem("the result is for no declared unit", field="result.quantity", value=q, expected="> 0")],
            what=what,
        )
    return _Export(result, major == 3, spec_version), major, what


def _header(
    ex: _Export,
    fid: str,
    when: datetime,
    status: str,
    company_name: str,
    company_ids: str | Sequence[str],
    product_ids: str | Sequence[str] | None,
    company_domain: str | None,
    description: str,
    preceding_pf_ids: Sequence[str],
) -> dict[str, Any]:
    """The footprint's identity: its id, version, dates and status, the company's and the product's ids."""
    return {
        "id": fid,
        "specVersion": ex.spec_version,
        **({"precedingPfIds": list(preceding_pf_ids)} if preceding_pf_ids else {}),
        **({} if ex.v3 else {"version": 1}),
        "created": utc_text(when),
        "status": status,
        "companyName": company_name,
        "companyIds": _company_ids(ex, company_ids),
        "productDescription": description,
        "productIds": _product_ids(ex, product_ids, company_domain),
    }


def to_pact(
    result: FootprintResult,
    *,
    company_name: str,
    company_ids: str | Sequence[str],
    product_ids: str | Sequence[str] | None = None,
    product_name: str | None = None,
    product_description: str | None = None,
    product_category_cpc: str | None = None,
    version: str = V3_VERSION,
    pf_id: str | None = None,
    created: datetime | None = None,
    status: str = "Active",
    preceding_pf_ids: Sequence[str] = (),
    reference_period: tuple[date, date] | Period | None = None,
    geography: str | None = None,
    library: FactorLibrary | None = None,
    company_domain: str | None = None,
    cross_sectoral_standards: Sequence[str] = ("ISO14067", "GHGP-Product"),
    exempted_emissions_percent: float = 0.0,
    exempted_emissions_description: str = "",
    packaging_emissions_included: bool = False,
    fossil_carbon_content: float | None = None,
    biogenic_carbon_content: float | None = None,
    biogenic_co2_uptake: float | None = None,
    comment: str | None = None,
    product_mass_per_declared_unit: float | None = None,
    land_use_change_emissions: float | None = None,
    land_management_emissions: float | None = None,
    biogenic_accounting_methodology: str | None = None,
    dqi_completeness: float | None = None,
    dqi_reliability: float | None = None,
    upstream: PactSource | Sequence[PactFootprint] | None = None,
) -> dict[str, Any]:
    """``result`` as a PACT ``ProductFootprint``: a JSON-ready dict, validated against the model of
    ``version`` (``"3.0.3"``, default, or ``"2.3"``) before it is returned.

    PACT covers cradle-to-gate: the emissions are ``result.cradle_to_gate_kgco2e`` (A1-A3) divided by
    ``result.quantity``, per declared unit. ``reference_period`` (a pair of dates, both days included, or a
    :class:`Period`) is required. Ids that are not URNs become the specification's ``urn:pact:`` forms: a
    company code ``urn:pact:company:customcode:supplier-id:<code>`` (v2: ``vendor-assigned``), a product
    ``urn:pact:<company_domain>:supplier-id:<id>`` (so plain product ids need ``company_domain``).
    ``product_ids`` defaults to the result's product id. With ``library`` (the one the result was calculated
    with) the DQI ratings, the exact fossil/biogenic split and the secondary data sources are filled in.
    ``fossil_carbon_content`` and ``biogenic_carbon_content`` (kg C) and ``biogenic_co2_uptake`` (kg CO2e,
    <= 0) are per declared unit; what is not known is said in ``comment``. The specification requires
    ``fossilCarbonContent`` (and, in 2.3, ``biogenicCarbonContent``): footprint does not assume them, so the
    export is refused without them. ``product_mass_per_declared_unit`` (kg) overrides the result's mass.
    For 2.3 reference periods that include 2025, ``land_use_change_emissions``, ``land_management_emissions``
    (kg CO2e per declared unit), ``biogenic_accounting_methodology``, ``biogenic_co2_uptake`` and the 1-3
    ratings ``dqi_completeness`` and ``dqi_reliability`` are required too. Every rule of
    :mod:`footprint.pact._rules` is checked on the result. ``upstream``: the supplier PACT footprints behind
    the result's ``pact.*`` factors (anything :func:`read_pact` reads); their IPCC reports, secondary sources,
    exempted, packaging and declared emissions, carbon contents and DQRs carry through, scaled by use (docs/pact.md).
    Raises :class:`PactError` listing every problem.
    """
    ex, major, what = _export_of(result, version)
    q = result.quantity
    unit = _declared_unit(ex, product_mass_per_declared_unit)
    em = _emissions(ex, library, biogenic_co2_uptake)
    _check_carbon_content(ex, fossil_carbon_content, biogenic_carbon_content)
    up = _upstream(ex, upstream, em)
    em = carried_emissions(em, up, q)
    if up is not None and up.used_kg and em.excluding > 0:  # shares of the PCF excluding biogenic uptake
        exempted_emissions_percent += 100 * up.exempted_kg / (em.excluding * q)
        packaging_emissions_included = packaging_emissions_included or up.packaging_included
    ipcc = _characterization(ex, up)
    dqi = _dqi(result, library, ex.v3, dqi_completeness, dqi_reliability, ex.notes, up)
    sources = _sources(result, library)
    sources += [src for src in (up.sources if up is not None else []) if src not in sources]
    name = product_name or result.product_name or result.product_id
    description = product_description or f"{name}; declared unit {result.declared_unit}"
    when = created if created is not None else datetime.now(UTC)
    fid = pf_id if pf_id is not None else str(uuid.uuid4())
    head = _header(
        ex, fid, when, status, company_name, company_ids, product_ids, company_domain, description, preceding_pf_ids
    )
    period, geo = _period_and_geography(ex, reference_period, geography)
    if not ex.v3 and product_category_cpc is None:
        ex.problem(
            f"PACT {ex.spec_version} requires productCategoryCpc",
            "product_category_cpc",
            None,
            'the UN CPC code of the product, e.g. "4361"',
        )
    ex.problems += _export_rules(
        ex.spec_version, fid, preceding_pf_ids, product_category_cpc, period, when, exempted_emissions_percent
    )
    v2_2025 = not ex.v3 and bool(period[1]) and period[1] > "2025-01-01T00:00:00Z"
    if v2_2025:
        _check_v2_2025(
            ex,
            {
                "land_use_change_emissions": em.luluc or land_use_change_emissions,
                "land_management_emissions": land_management_emissions,
                "biogenic_accounting_methodology": biogenic_accounting_methodology,
                "biogenic_co2_uptake": em.data_uptake or biogenic_co2_uptake,
                "dqi_completeness": dqi_completeness,
                "dqi_reliability": dqi_reliability,
            },
        )
    if ex.problems:
        raise PactError(ex.problems, what=what)
    body = _Body(
        unit, em, period, geo, _boundary_text(result), ipcc, _primary_share(result), dqi, sources, up, v2_2025, q,
        result.gwp_set, fossil_carbon_content, biogenic_carbon_content, packaging_emissions_included,
        cross_sectoral_standards, exempted_emissions_percent, exempted_emissions_description,
        land_use_change_emissions, land_management_emissions, biogenic_accounting_methodology,
    )  # fmt: skip
    doc = _document(ex, head, product_category_cpc, name, _comment(ex, comment), body)
    model: type[_Pact] = ProductFootprintV3 if ex.v3 else ProductFootprintV2
    try:
        checked = model.model_validate(doc)
    except ValidationError as exc:
        raise PactError(_problems(exc, row=None, file=None, version=ex.spec_version), what=what) from None
    out = checked.to_json_dict()
    broken = rule_problems(out, major, export=True)
    if broken:
        raise PactError(broken, what=what)
    return out


# --- import ------------------------------------------------------------------------------------------------


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a name too long for a file, a NUL character: text, not a path
        return False


_PACT_JSON = "a PACT ProductFootprint, a list of them or an API response as JSON"


def _load(data: Any) -> tuple[list[Any], bool, str | None, list[Problem]]:
    """The footprints in ``data``, whether they came as a list, the file name, and problems reading it."""
    from .._structured import UnreadableError, load_json

    file: str | None = None
    if isinstance(data, Path) or (
        isinstance(data, str) and not data.lstrip().startswith(("{", "[")) and _is_file(data)
    ):
        file = str(data)
        try:
            data = Path(data).read_bytes()
        except OSError as exc:
            return [], False, file, [Problem(f"cannot read the file: {exc}", file=file)]
    if isinstance(data, str | bytes):
        try:
            data = load_json(data, file=file)
        except UnreadableError as exc:
            unread = exc.problem
            if unread.message.startswith("not valid JSON") and not file:
                unread = replace(unread, message=unread.message.replace("JSON", "JSON (nor the name of a file)", 1))
            return [], False, file, [replace(unread, expected=unread.expected or _PACT_JSON)]
    if isinstance(data, ProductFootprintV2 | ProductFootprintV3):
        return [data], False, file, []
    if isinstance(data, dict) and "specVersion" not in data:
        data, problem = _unwrap(data)
        if problem is not None:
            return [], False, file, [Problem(problem[0], file=file, field=problem[1], expected=problem[2])]
    if isinstance(data, dict) and "data" in data and "specVersion" not in data:
        data = data["data"]
        if isinstance(data, dict):
            return [data], False, file, []
    if isinstance(data, dict):
        return [data], False, file, []
    if isinstance(data, list | tuple):
        return list(data), True, file, []
    return (
        [],
        False,
        file,
        [
            Problem(
                "not PACT data",
                file=file,
                value=repr(data)[:80],
                expected="a ProductFootprint object, a list of them, {'data': [...]}, JSON text or a file",
            )
        ],
    )


def _unwrap(data: dict[str, Any]) -> tuple[Any, tuple[str, str | None, str] | None]:
    """The footprints inside an event envelope (CloudEvents ``{"specversion", "type", "data": {"pfs": [...]}}``),
    or a problem naming what the object is when it holds none (an API error response, another event)."""
    if "code" in data and "message" in data and "pcf" not in data:
        return data, (
            f"an error response of the PACT API, not footprints: {data.get('code')}: {data.get('message')}",
            "code",
            "footprints: a ProductFootprint, a list, {'data': [...]} or a fulfilled-request event",
        )
    if "specversion" in data and "type" in data:
        body = data.get("data")
        pfs = body.get("pfs") if isinstance(body, dict) else None
        if not isinstance(pfs, list):
            return data, (
                f"a PACT event of type {data.get('type')} holds no footprints",
                "data.pfs",
                "a RequestFulfilled or Published event with data.pfs, a list of footprints",
            )
        return pfs, None
    return data, None


#: What :func:`read_pact` reads: one footprint as a dict, a list of them, an API response, JSON text, a path.
PactSource: TypeAlias = dict[str, Any] | list[Any] | str | bytes | Path


def read_pact(data: PactSource) -> list[PactFootprint]:
    """Read PACT footprints: a dict, a list of them, an API response (``{"data": [...]}`` or
    ``{"data": {...}}``), JSON text, or a path to a JSON file.

    Each footprint is validated against the model of its ``specVersion`` (2.x: v2.3, 3.x: v3.0.3). Every
    problem of every footprint is collected into one :class:`PactError`: the footprint's index (``row``),
    the JSON path of the field, the value and what was expected.
    """
    items, is_list, file, problems = _load(data)
    out: list[PactFootprint] = []
    for i, item in enumerate(items):
        row = i if is_list else None
        if isinstance(item, ProductFootprintV2 | ProductFootprintV3):
            out.append(item)
            problems += rule_problems(item.to_json_dict(), 3 if isinstance(item, ProductFootprintV3) else 2, row=row)
            continue
        if not isinstance(item, dict):
            problems.append(
                Problem("a footprint is a JSON object", file=file, row=row, value=repr(item)[:80], expected="an object")
            )
            continue
        sv = item.get("specVersion")
        major = _major(sv) if isinstance(sv, str) else None
        if major not in (2, 3):
            problems.append(
                Problem(
                    "missing specVersion" if sv is None else "unsupported specVersion",
                    file=file,
                    row=row,
                    field="specVersion",
                    value=sv,
                    expected='a PACT version "2.x.y" or "3.x.y"',
                )
            )
            continue
        model: type[ProductFootprintV2] | type[ProductFootprintV3] = (
            ProductFootprintV3 if major == 3 else ProductFootprintV2
        )
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            problems += _problems(exc, row=row, file=file, version=V3_VERSION if major == 3 else "2.3")
        problems += rule_problems(item, major, row=row, file=file)
    if problems:
        raise PactError(problems, what=file or "PACT data")
    return out


# --- supplier-specific factors -----------------------------------------------------------------------------


def _date_of(text: str) -> date:
    return datetime.fromisoformat(text.upper().replace("Z", "+00:00")).date()


def _rating(x: Decimal) -> int:
    return min(5, max(1, int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))))


def _v3_split(c3: Any) -> dict[str, Decimal]:
    """kg of biogenic uptake, biogenic CO2 and land use change CO2 per one declared unit of a v3 footprint."""
    amount = Decimal(c3.declared_unit_amount)
    values = {
        "CO2_biogenic_uptake": -Decimal(c3.biogenic_co2_uptake or 0),
        "CO2_biogenic": Decimal(c3.land_management_biogenic_co2_emissions or 0),
        "CO2_luluc": Decimal(c3.land_use_change_ghg_emissions or 0),
    }
    return {g: v / amount for g, v in values.items() if v}


@dataclass(frozen=True)
class _Terms:
    """What a footprint's ``pcf`` says, in the terms a factor needs, whichever version it is written in."""

    unit_name: str  # the declared unit, as PACT names it
    value: Decimal  # kg CO2e per one declared unit, excluding biogenic uptake
    field: str  # where the value was read
    ipcc: list[str]
    geo: str | None
    dqr: tuple[int | None, ...]  # technological, geographical, temporal, on footprint's 1-5
    ref_end: str
    pcf_text: str  # the value as the footprint states it, for the factor's notes
    share: str | None  # primary data share in percent
    split: dict[str, Decimal]  # gases beside the pre-folded rest (v3 only)


def _v3_terms(c3: CarbonFootprintV3) -> _Terms:
    """A PACT 3 ``pcf``: the PCF per declared unit amount, decimal DQRs rounded to footprint's ratings."""
    unit_name = c3.declared_unit_of_measurement
    dqr: tuple[int | None, ...] = (
        (
            _rating(Decimal(c3.dqi.technological_dqr)),
            _rating(Decimal(c3.dqi.geographical_dqr)),
            _rating(Decimal(c3.dqi.temporal_dqr)),
        )
        if c3.dqi is not None
        else (None, None, None)
    )
    per = f"{c3.declared_unit_amount} {unit_name}"
    return _Terms(
        unit_name=unit_name,
        value=Decimal(c3.pcf_excluding_biogenic_uptake) / Decimal(c3.declared_unit_amount),
        field="pcf.pcfExcludingBiogenicUptake",
        ipcc=list(c3.ipcc_characterization_factors),
        geo=c3.geography_country or c3.geography_country_subdivision or c3.geography_region_or_subregion,
        dqr=dqr,
        ref_end=c3.reference_period_end,
        pcf_text=f"pcfExcludingBiogenicUptake {c3.pcf_excluding_biogenic_uptake} kg CO2e per {per}",
        share=c3.primary_data_share,
        split=_v3_split(c3),
    )


def _v2_terms(c2: CarbonFootprintV2) -> _Terms:
    """A PACT 2.3 ``pcf``: the PCF already per declared unit; DQRs of 1 (best) to 3 mapped linearly onto
    footprint's (and PACT v3's) 1 to 5."""
    dqr: tuple[int | None, ...] = (
        (
            _rating(1 + (Decimal(repr(c2.dqi.technological_dqr)) - 1) * 2),
            _rating(1 + (Decimal(repr(c2.dqi.geographical_dqr)) - 1) * 2),
            _rating(1 + (Decimal(repr(c2.dqi.temporal_dqr)) - 1) * 2),
        )
        if c2.dqi is not None
        else (None, None, None)
    )
    return _Terms(
        unit_name=c2.declared_unit,
        value=Decimal(c2.p_cf_excluding_biogenic),
        field="pcf.pCfExcludingBiogenic",
        ipcc=list(c2.ipcc_characterization_factors_sources),
        geo=c2.geography_country or c2.geography_country_subdivision or c2.geography_region_or_subregion,
        dqr=dqr,
        ref_end=c2.reference_period_end,
        pcf_text=(
            f"pCfExcludingBiogenic {c2.p_cf_excluding_biogenic} kg CO2e per {c2.declared_unit} "
            f"(the product holds {c2.unitary_product_amount})"
        ),
        share=None if c2.primary_data_share is None else repr(c2.primary_data_share),
        split={},
    )


def _factor_of(pf: PactFootprint, t: _Terms, fid: str, unit: str, gwp: str, rest: Decimal) -> EmissionFactor:
    """The pre-folded factor of one supplier footprint: ``rest`` kg CO2e per ``unit`` beside the gases of
    ``t.split``, valid from the footprint's validity period (default: 3 years from its reference period's end)."""
    end = _date_of(t.ref_end)
    valid_from = _date_of(pf.validity_period_start) if pf.validity_period_start else end
    valid_to = _date_of(pf.validity_period_end) if pf.validity_period_end else plus_years(end, 3)
    return EmissionFactor(
        id=fid,
        name=f"{pf.product_name_company} ({pf.company_name}, PACT)",
        category="component",
        unit=unit,
        co2e=float(rest),
        gases={g: float(v) for g, v in t.split.items() if v},
        supplier=pf.company_name,
        footprint_id=pf.id,
        primary_data_share=None if t.share is None else float(Decimal(t.share) / 100),
        gwp_set=gwp,
        source=f"{pf.company_name}, PACT footprint {pf.id}",
        edition=pf.created,
        region=t.geo or "GLO",
        licence="supplier data",
        boundary="cradle-to-gate",
        dqr_technological=t.dqr[0],
        dqr_geographical=t.dqr[1],
        dqr_temporal=t.dqr[2],
        valid_from=min(valid_from, valid_to),
        valid_to=valid_to,
        notes=(
            f"PACT {pf.spec_version} ProductFootprint {pf.id} ({pf.status}); {t.pcf_text}; "
            f"product ids {', '.join(pf.product_ids)}; IPCC {', '.join(t.ipcc)}"
        ),
    )


def pact_factors(
    footprints: PactSource | Sequence[PactFootprint],
    *,
    prefix: str = "pact",
    include_deprecated: bool = False,
    name: str = "PACT footprints",
) -> FactorLibrary:
    """Supplier-specific emission factors from PACT footprints (anything :func:`read_pact` reads, or its
    result): one pre-folded factor per footprint, id ``<prefix>.<company slug>.<product slug>``.

    The factor is the footprint's cradle-to-gate PCF excluding biogenic CO2 uptake per one unit of its declared
    unit (v3: ``pcfExcludingBiogenicUptake / declaredUnitAmount``; v2: ``pCfExcludingBiogenic``, already per
    unit); a v3 footprint's ``biogenicCO2Uptake``, ``landUseChangeGhgEmissions`` and
    ``landManagementBiogenicCO2Emissions`` become the factor's biogenic and land use change gases beside it
    (so the factor's GWP-total is the PCF including uptake). The factor names the supplier, the footprint id
    and its ``primaryDataShare``, which weighs into the buyer's share. Category ``component``, licence
    ``supplier data``, GWP set from the IPCC characterization factors, region from the geography, data quality
    ratings from the DQI. Deprecated footprints, and footprints another one lists in its ``precedingPfIds``
    (its past versions), are left out unless ``include_deprecated``. Merge the library over another one and use
    the ids in a bill of materials.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9._\-]*", prefix):
        raise PactError(
            [
                Problem(
                    "not a factor id prefix", field="prefix", value=prefix, expected="lower case letters, digits, . _ -"
                )
            ],
            what="pact_factors",
        )
    fps = _footprints(footprints)
    problems: list[Problem] = []
    factors: dict[str, EmissionFactor] = {}
    # A footprint listed in another's precedingPfIds is a past version of it (PACT lifecycle): superseded.
    superseded = {p.lower() for pf in fps for p in (pf.preceding_pf_ids or []) if p.lower() != pf.id.lower()}
    for i, pf in enumerate(fps):
        if pf.status == "Deprecated" and not include_deprecated:
            continue
        if pf.id.lower() in superseded and not include_deprecated:
            continue
        row = i if len(fps) > 1 else None
        t = _v3_terms(pf.pcf) if isinstance(pf, ProductFootprintV3) else _v2_terms(pf.pcf)
        unit_name, value, field, ipcc, split = t.unit_name, t.value, t.field, t.ipcc, t.split
        unit = PACT_UNITS.get(unit_name)
        if unit is None:
            problems.append(
                Problem(
                    "footprint has no unit for this declared unit",
                    row=row,
                    field="pcf.declaredUnitOfMeasurement",
                    value=unit_name,
                    expected=", ".join(u for u, fu in PACT_UNITS.items() if fu),
                )
            )
            continue
        if value < 0:
            problems.append(
                Problem(
                    "a negative footprint cannot be a component factor",
                    row=row,
                    field=field,
                    value=str(value),
                    expected=">= 0 kg CO2e",
                )
            )
            continue
        gwp = ipcc[0] if len(ipcc) == 1 and ipcc[0] in ("AR6", "AR5", "AR4") else "unspecified"
        fid = f"{prefix}.{_slug(pf.company_name)}.{_slug(pf.product_name_company)}"
        if fid in factors:
            problems.append(
                Problem(
                    f"a second footprint for {pf.product_name_company} of {pf.company_name}",
                    row=row,
                    field="productNameCompany",
                    value=pf.product_name_company,
                    expected=f"one active footprint per product (factor id {fid})",
                )
            )
            continue
        # the pre-folded rest: the PCF excluding uptake less its biogenic CO2 and land use change parts
        rest = value - split.get("CO2_biogenic", Decimal(0)) - split.get("CO2_luluc", Decimal(0))
        if rest < 0:
            problems.append(
                Problem(
                    "land use change and biogenic CO2 emissions exceed the footprint",
                    row=row,
                    field=field,
                    value=str(value),
                    expected="landUseChangeGhgEmissions + landManagementBiogenicCO2Emissions <= the PCF",
                )
            )
            continue
        try:
            factors[fid] = _factor_of(pf, t, fid, unit, gwp, rest)
        except FactorError as exc:
            problems += [Problem(p.message, row=row, field=field, value=str(value)) for p in exc.problems]
    if problems:
        raise PactError(problems, what="PACT footprints as factors")
    return FactorLibrary(factors.values(), name=name)
