"""PACT rules across fields: what the specifications require of a footprint beyond its JSON schema.

The schemas check one property at a time. The texts of the PACT Technical Specifications add rules that tie
properties together: the validity period follows the reference period, date-times are in UTC, the PCF
including biogenic uptake is the PCF excluding it plus the uptake, fossil emissions are part of the PCF,
packaging emissions are given only when included, and, in 2.3, reference periods that include 2025 need the
data quality and biogenic properties. :func:`rule_problems` checks a footprint (a JSON object) against them
and names the section of the specification each rule comes from; :func:`read_pact` and :func:`to_pact`
apply it to every footprint they read or write.

Sources: PACT Technical Specifications 3.0.3 (openapi.yaml, ``components/schemas``) and 2.3 (openapi.yaml and
its data model; "O*" properties of ``CarbonFootprint``), WBCSD.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from .._errors import Problem

__all__ = ["V2_FROM_2025", "is_uuid4", "plus_years", "rule_problems"]

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_UUID4 = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
#: A PACT 3 Decimal: an optional sign, digits, an optional fraction.
DECIMAL_PATTERN = r"^[+-]?\d+(\.\d+)?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)
#: UN CPC Ver. 2.1 codes: a section (1 digit) down to a subclass (5 digits).
CPC_CODE = re.compile(r"^\d{1,5}$")
_CPC_URN = "urn:pact:productclassification:un-cpc:"
YEAR_2025 = datetime(2025, 1, 1, tzinfo=UTC)
#: v2.3 CarbonFootprint properties marked O*: optional for reference periods before 2025, required for
#: reference periods that include the beginning of 2025 or later.
V2_FROM_2025 = (
    "pCfIncludingBiogenic", "dLucGhgEmissions", "landManagementGhgEmissions", "otherBiogenicGhgEmissions",
    "biogenicCarbonWithdrawal", "biogenicAccountingMethodology", "primaryDataShare", "dqi",
)  # fmt: skip
# Declared units whose mass is not relevant (energy, logistics, services): v3 productMassPerDeclaredUnit 0.
_Day = TypeVar("_Day", bound=date)  # a date or a datetime

_NO_MASS = frozenset({"kilowatt hour", "megajoule", "ton kilometer", "hour", "megabit second"})
_MASS_MUST = frozenset({"piece", "liter", "cubic meter", "square meter"})


def is_uuid4(text: object) -> bool:
    """Whether ``text`` is a UUID of version 4 (RFC 9562: version nibble 4, variant 10xx)."""
    return isinstance(text, str) and bool(_UUID4.match(text))


def plus_years(d: _Day, years: int) -> _Day:
    """``d`` moved ``years`` calendar years on (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _time(v: object) -> datetime | None:
    if not isinstance(v, str) or not _DATE_TIME.match(v):
        return None
    try:
        return datetime.fromisoformat(v.upper().replace("Z", "+00:00"))
    except ValueError:
        return None


def _num(v: object) -> Decimal | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return Decimal(str(v))
    if isinstance(v, str) and _DECIMAL.match(v):
        try:
            return Decimal(v)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            return None
    return None


def _ulp(*values: object) -> Decimal:
    """Half a unit in the last place of each value, summed: how far a sum of rounded decimals may be off."""
    tol = Decimal(0)
    for v in values:
        d = _num(v)
        if d is not None:
            exp = d.as_tuple().exponent
            tol += Decimal(1).scaleb(exp if isinstance(exp, int) else 0) / 2
    return tol


class _Rules:
    """The rule checks of one footprint; each appends problems with the spec section in the message."""

    def __init__(self, doc: dict[str, Any], major: int, row: int | None, file: str | None, export: bool) -> None:
        self.doc, self.major, self.row, self.file, self.export = doc, major, row, file, export
        pcf = doc.get("pcf")
        self.pcf: dict[str, Any] = pcf if isinstance(pcf, dict) else {}
        self.spec = "PACT 3.0.3" if major == 3 else "PACT 2.3"
        self.problems: list[Problem] = []

    def add(self, field: str, message: str, section: str, value: object = None, expected: str | None = None) -> None:
        self.problems.append(
            Problem(
                f"{message} ({self.spec}, {section})",
                file=self.file,
                row=self.row,
                field=field,
                value=value if isinstance(value, str | int | float | bool) else None,
                expected=expected,
            )
        )

    def times(self) -> Iterator[tuple[str, object]]:
        for key in ("created", "updated", "validityPeriodStart", "validityPeriodEnd"):
            if key in self.doc:
                yield key, self.doc[key]
        for key in ("referencePeriodStart", "referencePeriodEnd"):
            if key in self.pcf:
                yield f"pcf.{key}", self.pcf[key]
        for block in ("verification", "assurance"):
            sub = self.pcf.get(block)
            if isinstance(sub, dict) and "completedAt" in sub:
                yield f"pcf.{block}.completedAt", sub["completedAt"]

    def utc(self) -> None:
        for field, v in self.times():
            t = _time(v)
            if t is None:
                if field == "updated" and self.major == 3:  # not a v3 property: the models leave it unchecked
                    self.add(field, "not a date-time", "DateTime", v, 'ISO 8601 in UTC, e.g. "2025-01-01T00:00:00Z"')
                continue
            if t.utcoffset() != timedelta(0):
                self.add(field, "a date-time not in UTC", "DateTime: the timezone MUST be UTC", v, 'UTC, e.g. "…Z"')

    def validity(self) -> None:
        start, end = self.doc.get("validityPeriodStart"), self.doc.get("validityPeriodEnd")
        section = "ProductFootprint.validityPeriodStart, validity period"
        if (start is None) != (end is None):
            missing = "validityPeriodEnd" if end is None else "validityPeriodStart"
            self.add(missing, "a validity period needs both its start and its end", section, None, "both or neither")
            return
        s, e, ref_end = _time(start), _time(end), _time(self.pcf.get("referencePeriodEnd"))
        if s is None or e is None or ref_end is None:
            return
        if e <= s:
            self.add("validityPeriodEnd", "the validity period ends before it starts", section, end, "> its start")
        if self.major == 3:
            # 3.0.3 keeps only the default (3 years from referencePeriodEnd); its own examples declare validity
            # periods that start before the reference period ends and run past those 3 years.
            return
        if s < ref_end:
            self.add(
                "validityPeriodStart",
                "the validity period starts before the reference period ends",
                section,
                start,
                f">= referencePeriodEnd {self.pcf.get('referencePeriodEnd')}",
            )
        if e > plus_years(ref_end, 3):
            self.add(
                "validityPeriodEnd",
                "the validity period ends more than 3 years after the reference period",
                section,
                end,
                f"<= referencePeriodEnd + 3 years ({plus_years(ref_end, 3).strftime('%Y-%m-%dT%H:%M:%SZ')})",
            )

    def balance(self) -> None:
        """v3: including = excluding + biogenic CO2 uptake; fossil emissions within the PCF."""
        p = self.pcf
        if self.major == 3:
            excl, incl = _num(p.get("pcfExcludingBiogenicUptake")), _num(p.get("pcfIncludingBiogenicUptake"))
            uptake = _num(p.get("biogenicCO2Uptake")) if "biogenicCO2Uptake" in p else Decimal(0)
            if excl is not None and incl is not None and uptake is not None:
                tol = _ulp(p.get("pcfExcludingBiogenicUptake"), p.get("pcfIncludingBiogenicUptake"))
                tol += _ulp(p.get("biogenicCO2Uptake"))
                if abs(excl + uptake - incl) > tol:
                    self.add(
                        "pcf.pcfIncludingBiogenicUptake",
                        "pcfIncludingBiogenicUptake is not pcfExcludingBiogenicUptake plus biogenicCO2Uptake",
                        "CarbonFootprint.pcfIncludingBiogenicUptake",
                        p.get("pcfIncludingBiogenicUptake"),
                        f"{excl + uptake} (within the rounding of the values given)",
                    )
            total_key = "pcfExcludingBiogenicUptake"
            removals: tuple[str, ...] = (
                "landManagementBiogenicCO2Removals", "technologicalCO2Removals", "ccsTechnologicalCO2Capture",
            )  # fmt: skip
        else:
            total_key, removals = "pCfExcludingBiogenic", ("landManagementGhgEmissions",)
        total, fossil = _num(p.get(total_key)), _num(p.get("fossilGhgEmissions"))
        if total is None or fossil is None:
            return
        negative = sum((min(Decimal(0), _num(p.get(k)) or Decimal(0)) for k in removals), Decimal(0))
        if fossil > total - negative + _ulp(p.get(total_key), p.get("fossilGhgEmissions")):
            self.add(
                "pcf.fossilGhgEmissions",
                f"fossil emissions exceed the PCF ({total_key} {p.get(total_key)})",
                f"CarbonFootprint.{total_key}: the PCF includes all fossil emissions",
                p.get("fossilGhgEmissions"),
                f"<= {total - negative}",
            )
        lm_fossil = _num(p.get("landManagementFossilGhgEmissions"))
        if self.major == 3 and lm_fossil is not None and lm_fossil > fossil:
            self.add(
                "pcf.landManagementFossilGhgEmissions",
                "land management fossil emissions exceed fossilGhgEmissions, which includes them",
                "CarbonFootprint.landManagementFossilGhgEmissions",
                p.get("landManagementFossilGhgEmissions"),
                f"<= fossilGhgEmissions {p.get('fossilGhgEmissions')}",
            )

    def flags(self) -> None:
        """Packaging and CCS: values only where their flag says they are included."""
        p = self.pcf
        total_key = "pcfExcludingBiogenicUptake" if self.major == 3 else "pCfExcludingBiogenic"
        if "packagingGhgEmissions" in p:
            section = "CarbonFootprint.packagingGhgEmissions"
            if self.major == 3 and p.get("packagingEmissionsIncluded") is None:
                self.add(
                    "pcf.packagingGhgEmissions",
                    "packagingGhgEmissions given without packagingEmissionsIncluded true",
                    section,
                    p.get("packagingGhgEmissions"),
                    "packagingEmissionsIncluded: true, or no packagingGhgEmissions",
                )
            pack, total = _num(p.get("packagingGhgEmissions")), _num(p.get(total_key))
            if pack is not None and total is not None and pack > total + _ulp(p.get(total_key)) and pack > 0:
                self.add(
                    "pcf.packagingGhgEmissions",
                    f"packaging emissions exceed the PCF that includes them ({total_key} {p.get(total_key)})",
                    f"{section}, CarbonFootprint.packagingEmissionsIncluded",
                    p.get("packagingGhgEmissions"),
                    f"<= {p.get(total_key)}",
                )
        if self.major == 3 and p.get("ccsTechnologicalCO2CaptureIncluded") is False:
            for key in ("ccsTechnologicalCO2Capture", "technologicalCO2Removals", "technologicalCO2CaptureOrigin"):
                if key in p:
                    self.add(
                        f"pcf.{key}",
                        f"{key} given while ccsTechnologicalCO2CaptureIncluded is false",
                        "CarbonFootprint.ccsTechnologicalCO2CaptureIncluded",
                        p.get(key),
                        "undefined when no CCS takes place in the footprint's boundary",
                    )

    def operators(self) -> None:
        rules = self.pcf.get("productOrSectorSpecificRules")
        if not isinstance(rules, list):
            return
        section = "ProductOrSectorSpecificRule.otherOperatorName"
        # PACT's own v3 example puts otherOperatorName beside the rules, in the CarbonFootprint: accepted there.
        beside = self.major == 3 and isinstance(self.pcf.get("otherOperatorName"), str)
        for k, rule in enumerate(rules):
            if not isinstance(rule, dict):
                continue
            named = isinstance(rule.get("otherOperatorName"), str) and rule["otherOperatorName"].strip()
            if rule.get("operator") == "Other" and not named and not beside:
                self.add(
                    f"pcf.productOrSectorSpecificRules[{k}].otherOperatorName",
                    "operator Other without otherOperatorName",
                    section,
                    None,
                    "the name of the operator",
                )
            if self.major == 2 and rule.get("operator") not in ("Other", None) and "otherOperatorName" in rule:
                self.add(
                    f"pcf.productOrSectorSpecificRules[{k}].otherOperatorName",
                    f"otherOperatorName given for operator {rule.get('operator')}",
                    section,
                    rule.get("otherOperatorName"),
                    "undefined unless operator is Other",
                )

    def ids(self) -> None:
        pf_id, preceding = self.doc.get("id"), self.doc.get("precedingPfIds")
        if self.major == 2:
            for field, v in [("id", pf_id)] + [
                (f"precedingPfIds[{k}]", x) for k, x in enumerate(preceding if isinstance(preceding, list) else [])
            ]:
                if isinstance(v, str) and not is_uuid4(v) and re.match(r"^[0-9a-fA-F-]{36}$", v):
                    self.add(field, "not a UUID v4", "PfId: a PfId MUST be a UUID v4 (RFC 9562)", v, "a UUID v4")
        if (
            self.export
            and isinstance(pf_id, str)
            and isinstance(preceding, list)
            and any(isinstance(x, str) and x.lower() == pf_id.lower() for x in preceding)
        ):
            self.add(
                "precedingPfIds",
                "a footprint lists itself among its preceding footprints",
                "ProductFootprint.precedingPfIds: the ids of past versions",
                pf_id,
                "the ids of the footprints this one supersedes",
            )

    def classification(self) -> None:
        cpc = self.doc.get("productCategoryCpc")
        if self.major == 2 and isinstance(cpc, str) and not CPC_CODE.match(cpc):
            self.add(
                "productCategoryCpc", "not a UN CPC code", "ProductFootprint.productCategoryCpc", cpc, "1-5 digits"
            )
        classes = self.doc.get("productClassifications")
        for k, urn in enumerate(classes if isinstance(classes, list) else []):
            if isinstance(urn, str) and urn.lower().startswith(_CPC_URN) and not CPC_CODE.match(urn[len(_CPC_URN) :]):
                self.add(
                    f"productClassifications[{k}]",
                    "not a UN CPC code",
                    "ProductFootprint.productClassifications",
                    urn,
                    f"{_CPC_URN}<1-5 digits>",
                )

    def mass(self) -> None:
        if self.major != 3:
            return
        unit, mass = self.pcf.get("declaredUnitOfMeasurement"), _num(self.pcf.get("productMassPerDeclaredUnit"))
        if mass is None or not isinstance(unit, str):
            return
        section = "CarbonFootprint.productMassPerDeclaredUnit"
        if unit in _MASS_MUST and mass <= 0:
            self.add(
                "pcf.productMassPerDeclaredUnit",
                f"a {unit} product needs its mass",
                section,
                self.pcf.get("productMassPerDeclaredUnit"),
                f"the mass in kg of declaredUnitAmount {unit} (0 only for energy, logistics and services)",
            )
        if unit in _NO_MASS and mass != 0:
            self.add(
                "pcf.productMassPerDeclaredUnit",
                f"the mass of a {unit} product is not relevant and SHALL be 0",
                section,
                self.pcf.get("productMassPerDeclaredUnit"),
                "0",
            )

    def v2_limits(self) -> None:
        if self.major != 2:
            return
        pct = _num(self.pcf.get("exemptedEmissionsPercent"))
        if pct is not None and pct > 5:
            self.add(
                "pcf.exemptedEmissionsPercent",
                "more than 5 % of the emissions exempted",
                "CarbonFootprint.exemptedEmissionsPercent: at most 5 % may be excluded (maximum 5 in the v2 schema)",
                self.pcf.get("exemptedEmissionsPercent"),
                "0 to 5",
            )
        ref_end = _time(self.pcf.get("referencePeriodEnd"))
        if ref_end is None:
            return
        if ref_end > YEAR_2025:
            for key in V2_FROM_2025:
                if key not in self.pcf:
                    self.add(
                        f"pcf.{key}",
                        f"{key} is required for a reference period that includes 2025 or later",
                        "CarbonFootprint, properties marked O*",
                        None,
                        "a value",
                    )
        elif "primaryDataShare" not in self.pcf and "dqi" not in self.pcf:
            self.add(
                "pcf.primaryDataShare",
                "neither primaryDataShare nor dqi is given",
                "CarbonFootprint.primaryDataShare: reference periods before 2025 need one of them",
                None,
                "primaryDataShare or dqi",
            )


CHECKS: tuple[Callable[[_Rules], None], ...] = (
    _Rules.utc,
    _Rules.validity,
    _Rules.balance,
    _Rules.flags,
    _Rules.operators,
    _Rules.ids,
    _Rules.classification,
    _Rules.mass,
    _Rules.v2_limits,
)


def rule_problems(
    doc: dict[str, Any], major: int, *, row: int | None = None, file: str | None = None, export: bool = False
) -> list[Problem]:
    """Every rule of the specification (``major`` 2 or 3) that ``doc`` (a footprint as JSON) breaks.

    Values the schema checks refuse (a malformed decimal or date) are skipped here: the model reports them.
    ``export``: the footprint is footprint's own, and a footprint listing itself in ``precedingPfIds`` is an
    error (on import it is read as listing its past versions only; PACT's own v3 example 2 lists itself).
    """
    rules = _Rules(doc, major, row, file, export)
    for check in CHECKS:
        check(rules)
    return rules.problems
