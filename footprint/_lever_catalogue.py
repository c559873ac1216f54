"""The bundled lever catalogue and suggestions: changes known to cut the footprint of oil and gas equipment,
each with the hotspot it answers and every assumption cited, and the levers a product's own hotspots call for.

A catalogue entry names the factors it answers (id prefixes, optionally only in some modules), the lever it
proposes (kind, target factor, fraction or scale) and its assumptions, each with its source. Its target factors
come from footprint's bundled library (whose rows cite their sources), except the few the library lacks, which
the catalogue carries itself (``LeverCatalogue.factors``), sourced and licensed like the bundled ones.
:func:`suggest_levers` matches a product's contributions by factor against the catalogue and returns the
levers whose hotspot holds at least ``min_share`` of the product's A1-C4 total, scoped to what uses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import ConfigDict, Field

from ._factors import EmissionFactor, FactorLibrary, PrefoldedPolicy
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gwp_set
from ._levers import Lever, LeverError
from ._lifecycle import PreparedProduct, _evaluate, prepare_product
from ._models import CheckedModel
from ._modules import MODULES
from ._product import Product

__all__ = ["CatalogueEntry", "LeverCatalogue", "lever_catalogue", "suggest_levers"]


class Assumption(CheckedModel):
    """One assumption of a catalogue entry: what is assumed and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    source: str
    url: str | None = None


class CatalogueEntry(CheckedModel):
    """A lever of the catalogue: the factors it answers (``hotspot``: id prefixes; ``modules``: only in these),
    the lever it proposes (``lever``: kind and parameters, its ``from`` filled from the hotspot; a ``to``
    given as a mapping picks the target by a part of the hotspot's id), how it is scoped (``scope_by``:
    the materials that use the factor, or the ``modules``), and its cited assumptions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    hotspot: list[str] = Field(min_length=1)
    modules: list[str] | None = None
    lever: dict[str, Any]
    to_by: dict[str, str] | None = None
    scope_by: Literal["materials", "modules", "none"] = "none"
    assumptions: list[Assumption] = Field(min_length=1)

    def answers(self, factor_id: str) -> bool:
        """Whether a factor is one of this entry's hotspots."""
        return any(factor_id.startswith(p) for p in self.hotspot)


_WORLDSTEEL = "World Steel Association, Sustainability Indicators 2024 report (indicator 1, by route)"
_WORLDSTEEL_URL = "https://worldsteel.org/steel-topics/sustainability/sustainability-indicators/"
_DESNZ = "UK Government GHG Conversion Factors for Company Reporting 2025 (DESNZ), freight and WTT tables"
_DESNZ_URL = "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2025"
_IPCC = ("Schlömer S. et al. 2014: Annex III, Technology-specific cost and performance parameters. In: Climate "
         "Change 2014: Mitigation of Climate Change, IPCC WGIII AR5, Table A.III.2")  # fmt: skip
_IPCC_URL = "https://www.ipcc.ch/report/ar5/wg3/"

_ENTRIES: tuple[dict[str, Any], ...] = (
    {
        "id": "eaf-steel", "title": "Carbon and low-alloy steel from the scrap-based electric arc furnace route",
        "hotspot": ["material.steel.carbon.global.", "material.steel.carbon.bof."], "scope_by": "materials",
        "lever": {"kind": "substitute_factor", "to": "material.steel.carbon.eaf-scrap.worldsteel2024"},
        "assumptions": [
            {"text": "crude steel from scrap-based EAF emits 0.70 t CO2 per t, against 1.92 (world average of all "
                     "routes) and 2.32 (BF-BOF)", "source": _WORLDSTEEL, "url": _WORLDSTEEL_URL},
            {"text": "the forging or plate grade is available from a scrap-based EAF melt shop; the saving is a "
                     "route average, a supplier's own EPD or PCF replaces it when known",
             "source": _WORLDSTEEL, "url": _WORLDSTEEL_URL},
        ],
    },
    {
        "id": "recycled-aluminium", "title": "Half of the primary aluminium replaced by recycled aluminium",
        "hotspot": ["material.aluminium.primary."], "scope_by": "materials",
        "lever": {"kind": "recycled_content", "to": "material.aluminium.recycled.closed-loop.desnz2025",
                  "fraction": 0.5},
        "assumptions": [
            {"text": "a recycled share of 50 %: the share of European aluminium demand that post-consumer "
                     "recycling could supply by 2050", "source": "European Aluminium, Circular Aluminium Action "
                     "Plan (2020)", "url": "https://www.european-aluminium.eu/policy-areas/recycling-circular-economy/"},
            {"text": "recycled aluminium at 0.995 t CO2e per t (DESNZ closed-loop aluminium, a proxy for secondary "
                     "ingot), primary at 15.1 (IAI, 2022) or 6.8 (European Aluminium, 2018)",
             "source": "bundled factors: DESNZ 2025, IAI 2024 release, European Aluminium 2018",
             "url": "https://international-aluminium.org/"},
        ],
    },
    {
        "id": "high-scrap-stainless", "title": "Austenitic stainless steel from a high-scrap (85 %) melt shop",
        "hotspot": ["material.stainless.austenitic.scrap30.", "material.stainless.austenitic.scrap50."],
        "scope_by": "materials",
        "lever": {"kind": "substitute_factor", "to": "material.stainless.austenitic.scrap85.worldstainless2023"},
        "assumptions": [
            {"text": "1.95 t CO2 per t of austenitic stainless at 85 % scrap, against 3.70 at 50 % and 6.80 at 30 %",
             "source": "World Stainless Association, Stainless Steel CO2 Emissions Report (2023), Table 1",
             "url": "https://www.worldstainless.org/news/stainless-steel-co2-emissions-report/"},
        ],
    },
    {
        "id": "renewable-machining", "title": "Renewable (onshore wind) electricity for machining and fabrication",
        "hotspot": ["electricity.grid.", "electricity.residual_mix."], "modules": ["A1", "A3"],
        "scope_by": "modules", "lever": {"kind": "energy_supply", "to": "electricity.wind.onshore.ipcc2014"},
        "assumptions": [
            {"text": "onshore wind electricity at 11 g CO2e per kWh over its life cycle (median of the literature)",
             "source": _IPCC, "url": _IPCC_URL},
            {"text": "the electricity is bought with a contractual instrument that meets the Scope 2 quality "
                     "criteria (a power purchase agreement or guarantees of origin for the same market)",
             "source": "GHG Protocol Scope 2 Guidance (WRI/WBCSD, 2015), chapter 7",
             "url": "https://ghgprotocol.org/scope_2_guidance"},
        ],
    },
    {
        "id": "sea-final-leg", "title": "Sea (general cargo vessel) instead of road for the final leg",
        "hotspot": ["freight.hgv."], "modules": ["A4"], "scope_by": "modules",
        "lever": {"kind": "transport"},
        "to_by": {".ttw.": "freight.ship.general_cargo_average.ttw.desnz2025",
                  ".wtt.": "freight.ship.general_cargo_average.wtt.desnz2025"},
        "assumptions": [
            {"text": "general cargo vessels at 0.0131 kg CO2e per t km tank-to-wheel against 0.0758 for an "
                     "articulated HGV over 33 t (plus well-to-tank for both)", "source": _DESNZ, "url": _DESNZ_URL},
            {"text": "the same distance by sea as by road (the lever's scale is 1: set it to the sea route's "
                     "length over the road's where they differ)", "source": _DESNZ, "url": _DESNZ_URL},
        ],
    },
)  # fmt: skip


_WIND = {
    "id": "electricity.wind.onshore.ipcc2014", "name": "Electricity from onshore wind, life cycle (median)",
    "category": "electricity", "unit": "kWh", "co2e": 0.011, "gwp_set": "AR5", "source": _IPCC,
    "source_url": _IPCC_URL, "edition": "2014", "table": "Table A.III.2, wind onshore, median 11 gCO2eq/kWh",
    "region": "GLO", "licence": "cited-fact", "boundary": "life-cycle", "dqr_technological": 2,
    "dqr_geographical": 3, "dqr_temporal": 4,
    "notes": "Median of the life-cycle assessments IPCC AR5 WGIII reviewed (min 7, max 56 g CO2e/kWh); AR5 "
             "GWP100. A figure cited with its source; no dataset is redistributed.",
}  # fmt: skip


@dataclass(frozen=True)
class LeverCatalogue:
    """The bundled lever catalogue: its entries and the factors its levers need that the bundled library
    lacks (merge them into the library a suggested lever is evaluated with)."""

    entries: tuple[CatalogueEntry, ...]
    factors: FactorLibrary


@cache
def lever_catalogue() -> LeverCatalogue:
    """The bundled lever catalogue (read once)."""
    entries = tuple(CatalogueEntry.model_validate(e) for e in _ENTRIES)
    return LeverCatalogue(entries, FactorLibrary([EmissionFactor.model_validate(_WIND)], name="lever catalogue"))


def _contributions(
    prep: PreparedProduct, gs: GWPSet, prefolded: PrefoldedPolicy
) -> tuple[dict[tuple[int, int], float], float]:
    """kg CO2e per (factor, module) of the product (A1-C4), and the A1-C4 total."""
    ev = _evaluate(prep, gs, prefolded, 1.0)
    keep = ev.module != MODULES.index("D")
    out: dict[tuple[int, int], float] = {}
    for f, m, kg in zip(ev.factor[keep].tolist(), ev.module[keep].tolist(), ev.kgco2e[keep].tolist(), strict=True):
        out[f, m] = out.get((f, m), 0.0) + kg  # one entry per contribution (activity x module), not per BOM line
    return out, float(ev.kgco2e[keep].sum())


def _lever(entry: CatalogueEntry, prep: PreparedProduct, hits: Sequence[str], share: float) -> Lever:
    """The entry's lever for the hotspot factors ``hits`` of a product, scoped as the entry says."""
    spec: dict[str, Any] = {"name": entry.id, **entry.lever}
    if entry.to_by is not None:
        pairs = [(f, next((t for part, t in entry.to_by.items() if part in f), None)) for f in hits]
        pairs = [(f, t) for f, t in pairs if t is not None]
        spec.update({"from": [f for f, _ in pairs], "to": [t for _, t in pairs]})
    else:
        spec["from"] = list(hits) if len(hits) > 1 else hits[0]
    if entry.scope_by == "materials":
        spec["scope"] = {"materials": sorted(m.id for m in prep.product.materials if m.factor in hits)}
    elif entry.scope_by == "modules" and entry.modules is not None:
        spec["scope"] = {"modules": entry.modules}
    cited = "; ".join(f"{a.text} ({a.source})" for a in entry.assumptions)
    spec["evidence"] = f"{entry.title}: its hotspot holds {share:.1%} of A1-C4. {cited}"
    return Lever.model_validate(spec)


def suggest_levers(
    product: Product | PreparedProduct,
    library: FactorLibrary | None = None,
    *,
    min_share: float = 0.01,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "report",
) -> list[Lever]:
    """Levers of the bundled catalogue that a product's hotspots call for, largest hotspot first.

    A catalogue entry applies where the product uses one of the factors it answers (in the modules it names)
    for at least ``min_share`` of the A1-C4 total; its lever is scoped to the materials that use the factor
    (or to the modules), with the entry's cited assumptions as its evidence. Evaluate them with a library
    that holds :attr:`LeverCatalogue.factors` too: ``library.merge(lever_catalogue().factors)``.
    """
    if not 0.0 <= min_share < 1.0:
        from ._errors import Problem

        raise LeverError([Problem("min_share must be in [0, 1)", field="min_share", value=min_share)],
                         what="suggest_levers")  # fmt: skip
    prep = product if isinstance(product, PreparedProduct) else prepare_product(product, library)
    by, total = _contributions(prep, gwp_set(gwp), prefolded)
    lib = prep.library
    found: list[tuple[float, Lever]] = []
    for entry in lever_catalogue().entries:
        mods = None if entry.modules is None else {MODULES.index(m) for m in entry.modules}
        kg: dict[str, float] = {}
        for (f, m), v in by.items():
            fid = lib.factor_at(f).id
            if entry.answers(fid) and (mods is None or m in mods):
                kg[fid] = kg.get(fid, 0.0) + v
        share = sum(kg.values()) / total if total else 0.0
        if kg and share >= min_share:
            hits = sorted(kg, key=lambda f: -kg[f])
            if entry.lever["kind"] == "recycled_content":  # one factor per lever: one lever per hotspot
                found += [(kg[f] / total, _lever(entry.model_copy(update={"id": f"{entry.id}:{f}"}) if len(hits) > 1
                                                else entry, prep, [f], kg[f] / total)) for f in hits]  # fmt: skip
            else:
                found.append((share, _lever(entry, prep, hits, share)))
    found.sort(key=lambda x: -x[0])
    return [lv for _, lv in found]
