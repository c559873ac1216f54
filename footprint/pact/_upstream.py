"""Upstream PACT data carried through: what suppliers' footprints used in a bill of materials say beyond their
PCF, scaled by how much of each the product uses, for the product's own PACT footprint.

A supplier footprint becomes a factor (``pact.<company>.<product>``, see :func:`~footprint.pact_factors`) that
keeps only its PCF and whole-number ratings. :func:`carried` finds the footprints behind a result's A1-A3
rows again and returns what the product's footprint inherits from them: the IPCC reports and secondary
emission factor databases they were calculated with, the share of emissions they exempted, their packaging
and aircraft emissions, and their data quality ratings as they gave them (decimals, not rounded).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .._modules import CRADLE_TO_GATE

if TYPE_CHECKING:
    from .._factors import FactorLibrary
    from .._result import FootprintResult
    from ._exchange import PactFootprint

__all__ = ["Carried", "carried", "carried_emissions", "supplier_ratings"]

_RATINGS = ("technological", "geographical", "temporal")
#: v3 quantities per declared unit that scale with the amount of the supplier product used (kg CO2e, m2 year)
_SCALED = (
    "landUseChangeGhgEmissions",
    "landCarbonLeakage",
    "landManagementFossilGhgEmissions",
    "landManagementBiogenicCO2Emissions",
    "landManagementBiogenicCO2Removals",
    "biogenicNonCO2Emissions",
    "landAreaOccupation",
    "biogenicCO2Uptake",
)
#: v3 carbon contents (kg C per declared unit): the product holds them only as far as it holds the supplier product
_CONTENTS = ("biogenicCarbonContent", "recycledCarbonContent", "packagingBiogenicCarbonContent")


@dataclass
class Carried:
    """What a result inherits from the supplier footprints it uses; kg are for ``result.quantity`` units."""

    used_kg: dict[str, float] = field(default_factory=dict)  # factor id -> A1-A3 kg CO2e from it
    ipcc: set[str] = field(default_factory=set)
    sources: list[dict[str, str]] = field(default_factory=list)
    exempted_kg: float = 0.0
    packaging_included: bool = False
    packaging_kg: float = 0.0
    aircraft_kg: float | None = None
    whole: dict[str, Any] = field(default_factory=dict)  # properties of a footprint that is all of A1-A3
    ratings: dict[str, dict[str, float]] = field(default_factory=dict)  # factor id -> rating name -> 1-5
    units: dict[str, float] = field(default_factory=dict)  # factor id -> units of its declared unit used
    scaled: dict[str, float] = field(default_factory=dict)  # _SCALED field -> amount, if every footprint gives it
    fossil_kg: float | None = None  # the footprints' own fossilGhgEmissions for what is used
    counted_kg: float = 0.0  # what their rows count as fossil when only their CO2e is known
    contents: dict[str, float] = field(default_factory=dict)  # _CONTENTS field -> kg C, if every footprint gives it
    mass_kg: float | None = None  # mass of the supplier products used (None: a footprint gives no mass)
    exempted_text: list[str] = field(default_factory=list)

    def carbon_contents(self, mass_per_du: float, quantity: float) -> dict[str, float]:
        """The carbon contents per declared unit the product inherits: the suppliers' kg C weighted by their
        products' share of the product's mass (``mass_per_du`` kg); none when that share is unknown or is
        more than the whole (a supplier product consumed, not built in)."""
        if self.mass_kg is None or not self.mass_kg > 0 or not mass_per_du > 0:
            return {}
        if self.mass_kg / quantity > mass_per_du * (1 + 1e-9):
            return {}
        return {k: kg / quantity for k, kg in self.contents.items()}


def _ratings(pf: PactFootprint) -> dict[str, float]:
    """The footprint's DQRs on footprint's 1-5 scale, as given (v2's 1-3 mapped as ``1 + 2 (x - 1)``)."""
    dqi = pf.pcf.dqi
    if dqi is None:
        return {}
    raw = {name: getattr(dqi, f"{name}_dqr") for name in _RATINGS}
    if isinstance(raw["technological"], str):  # v3: decimal strings, 1-5
        return {k: float(Decimal(v)) for k, v in raw.items()}
    return {k: 1 + 2 * (float(v) - 1) for k, v in raw.items()}


def _facts(pf: PactFootprint) -> tuple[list[str], list[Any], float, float | None, float | None]:
    """IPCC reports, sources, exempted percent, packaging and aircraft shares of the PCF (None: not given)."""
    from ._exchange import CarbonFootprintV3

    c = pf.pcf
    if isinstance(c, CarbonFootprintV3):
        ipcc, pcf = list(c.ipcc_characterization_factors), float(Decimal(c.pcf_excluding_biogenic_uptake))
    else:
        ipcc, pcf = list(c.ipcc_characterization_factors_sources), float(Decimal(c.p_cf_excluding_biogenic))
    packaging: float | None = None
    if c.packaging_emissions_included:
        given = c.packaging_ghg_emissions
        packaging = float(Decimal(given)) / pcf if given is not None and pcf > 0 else 0.0
    aircraft = None
    if c.aircraft_ghg_emissions is not None and pcf > 0:
        aircraft = float(Decimal(c.aircraft_ghg_emissions)) / pcf
    sources = list(c.secondary_emission_factor_sources or [])
    return ipcc, sources, float(c.exempted_emissions_percent), packaging, aircraft


def _per_unit(pf: PactFootprint) -> dict[str, Decimal]:
    """The footprint's quantities per one unit of its declared unit (v3 divides by ``declaredUnitAmount``;
    v2 gives them per unit already and is read for its fossil emissions and mass only)."""
    from ._exchange import CarbonFootprintV3

    doc = pf.pcf.to_json_dict()
    keys = ("fossilGhgEmissions", "productMassPerDeclaredUnit")
    if not isinstance(pf.pcf, CarbonFootprintV3):
        return {k: Decimal(str(doc[k])) for k in keys if isinstance(doc.get(k), int | float | str)}
    amount = Decimal(pf.pcf.declared_unit_amount)
    return {k: Decimal(doc[k]) / amount for k in (*keys, *_SCALED, *_CONTENTS) if doc.get(k) is not None}


def _use(out: Carried, by_id: dict[str, PactFootprint]) -> None:
    """The footprints' quantities scaled by the units of each used (``out.units``): a quantity is kept only
    if every footprint used gives it, so a sum never stands for what some supplier did not declare."""
    fossil: Decimal | None = Decimal(0)
    scaled: dict[str, Decimal | None] = dict.fromkeys((*_SCALED, *_CONTENTS, "productMassPerDeclaredUnit"))
    first = True
    for fid, used in out.units.items():
        values = _per_unit(by_id[fid])
        u = Decimal(repr(used))
        given_fossil = values.get("fossilGhgEmissions")
        fossil = None if fossil is None or given_fossil is None else fossil + u * given_fossil
        for k, so_far in scaled.items():
            given = values.get(k)
            scaled[k] = None if given is None or (so_far is None and not first) else (so_far or 0) + u * given
        first = False
        text = by_id[fid].pcf.exempted_emissions_description
        if text and text not in out.exempted_text:
            out.exempted_text.append(text)
    if not out.units:
        return
    out.fossil_kg = None if fossil is None else float(fossil)
    mass = scaled.pop("productMassPerDeclaredUnit")
    out.mass_kg = float(mass) if mass is not None else None
    out.scaled = {k: float(v) for k, v in scaled.items() if v is not None and k in _SCALED}
    out.contents = {k: float(v) for k, v in scaled.items() if v is not None and k in _CONTENTS}


def carried(result: FootprintResult, footprints: Iterable[PactFootprint], prefix: str = "pact") -> Carried:
    """What ``result`` inherits from ``footprints`` (the supplier footprints its library's ``pact.*`` factors
    came from): each footprint's facts scaled by the A1-A3 kg CO2e its factor contributes."""
    from ._exchange import _slug

    by_id: dict[str, PactFootprint] = {}
    for pf in footprints:
        by_id.setdefault(f"{prefix}.{_slug(pf.company_name)}.{_slug(pf.product_name_company)}", pf)
    out = Carried()
    for c in result.contributions:
        if c.module in CRADLE_TO_GATE and c.factor_id in by_id:
            # the footprint's PCF excluding biogenic uptake, which its facts are shares of
            out.used_kg[c.factor_id] = out.used_kg.get(c.factor_id, 0.0) + c.kgco2e - c.kgco2e_uptake
            out.units[c.factor_id] = out.units.get(c.factor_id, 0.0) + c.quantity
            out.counted_kg += c.kgco2e - c.kgco2e_biogenic - c.kgco2e_luluc  # what the export counts as fossil
    _use(out, by_id)
    for fid, kg in out.used_kg.items():
        pf = by_id[fid]
        ipcc, sources, exempted, packaging, aircraft = _facts(pf)
        if aircraft is not None:
            out.aircraft_kg = (out.aircraft_kg or 0.0) + kg * aircraft
        out.ipcc.update(ipcc)
        for src in sources:
            item = {"name": src.name, "version": src.version}
            if item not in out.sources:
                out.sources.append(item)
        out.exempted_kg += kg * exempted / 100
        if packaging is not None:
            out.packaging_included = True
            out.packaging_kg += kg * packaging
        if ratings := _ratings(pf):
            out.ratings[fid] = ratings
    gate = sum(c.kgco2e - c.kgco2e_uptake for c in result.contributions if c.module in CRADLE_TO_GATE)
    if len(out.used_kg) == 1 and gate > 0 and abs(sum(out.used_kg.values()) - gate) <= 1e-9 * gate:
        # the supplier's footprint is the whole PCF: the rules it was calculated by are this one's too
        doc = by_id[next(iter(out.used_kg))].pcf.to_json_dict()
        out.whole = {k: doc[k] for k in ("productOrSectorSpecificRules", "allocationRulesDescription") if k in doc}
        beside = doc.get("otherOperatorName")  # where PACT's own v3 example puts it: moved into its rules
        for rule in out.whole.get("productOrSectorSpecificRules", []):
            if rule.get("operator") == "Other" and "otherOperatorName" not in rule and isinstance(beside, str):
                rule["otherOperatorName"] = beside
    return out


def exact_ratings(
    result: FootprintResult, library: FactorLibrary, up: Carried
) -> dict[str, float | None]:  # fmt: skip
    """Emission-weighted A1-A3 ratings (as ``data_quality``), with the supplier footprints' own decimal
    ratings in place of their factors' whole numbers."""
    sums = dict.fromkeys(_RATINGS, 0.0)
    weights = dict.fromkeys(_RATINGS, 0.0)
    for c in result.contributions:
        if c.module not in CRADLE_TO_GATE:
            continue
        w = abs(c.kgco2e - c.kgco2e_uptake)  # emissions, the biogenic uptake (a removal) left out
        given = up.ratings.get(c.factor_id)
        fac = library.get(c.factor_id) if c.factor_id in library else None
        for name in _RATINGS:
            value = given[name] if given else getattr(fac, f"dqr_{name}", None) if fac is not None else None
            if value is not None:
                sums[name] += w * value
                weights[name] += w
    return {name: sums[name] / weights[name] if weights[name] else None for name in _RATINGS}


def carried_emissions(em: Any, up: Carried | None, quantity: float) -> Any:
    """The export's emissions (``_Emissions``) with the supplier footprints' own fossil and biogenic non-CO2
    emissions in place of the CO2e it counted as fossil for them (a footprint's factor keeps its PCF only)."""
    if up is None or not up.units or up.fossil_kg is None:
        return em
    bio = up.scaled.get("biogenicNonCO2Emissions", 0.0)
    fossil = em.fossil + (up.fossil_kg - up.counted_kg) / quantity
    if -1e-9 * max(1.0, abs(em.excluding)) < fossil < 0:
        fossil = 0.0
    return replace(em, fossil=fossil, bio=em.bio + bio / quantity)


def supplier_ratings(result: FootprintResult, up: Carried | None) -> dict[str, float] | None:
    """Emission-weighted A1-A3 ratings when every emitting A1-A3 row is a supplier footprint that rates its
    data (no factor library needed); None otherwise."""
    if up is None or not up.ratings:
        return None
    rows = [c for c in result.contributions if c.module in CRADLE_TO_GATE and c.kgco2e - c.kgco2e_uptake]
    if not rows or any(c.factor_id not in up.ratings for c in rows):
        return None
    weights = [abs(c.kgco2e - c.kgco2e_uptake) for c in rows]
    return {
        name: sum(w * up.ratings[c.factor_id][name] for w, c in zip(weights, rows, strict=True)) / sum(weights)
        for name in _RATINGS
    }
