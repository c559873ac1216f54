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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .._modules import CRADLE_TO_GATE

if TYPE_CHECKING:
    from .._factors import FactorLibrary
    from .._result import FootprintResult
    from ._exchange import PactFootprint

__all__ = ["Carried", "carried"]

_RATINGS = ("technological", "geographical", "temporal")


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
