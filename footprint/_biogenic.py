"""Biogenic carbon and land use change: which gases make EN 15804+A2's GWP-fossil, GWP-biogenic and GWP-luluc.

EN 15804:2012+A2:2019 (6.3.5.2, Annex C) splits GWP-total into three indicators and counts biogenic carbon
with the -1/+1 approach: CO2 taken up into biomass counts -1 per kg when it enters the product system
(``CO2_biogenic_uptake``, a positive mass whose GWP is -1) and +1 per kg when it leaves it (``CO2_biogenic``).
Biogenic methane (``CH4_nonfossil``) is biogenic too; CO2 from land use and land use change is GWP-luluc.
Everything else, and CO2e whose gases a source did not give (pre-folded factors, declared footprints), is
counted as fossil.
"""

from __future__ import annotations

__all__ = ["BIOGENIC_GASES", "GWP_INDICATORS", "LULUC_GASES", "SET_INDEPENDENT_GASES", "UPTAKE_GAS", "indicator_of"]

#: The gas that stands for CO2 taken up into biomass (kg taken up, counted -1 per kg).
UPTAKE_GAS = "CO2_biogenic_uptake"
BIOGENIC_GASES: frozenset[str] = frozenset({"CO2_biogenic", UPTAKE_GAS, "CH4_nonfossil"})
LULUC_GASES: frozenset[str] = frozenset({"CO2_luluc"})
#: Gases whose GWP is the same (+1 or -1) in every GWP set: a pre-folded factor may carry them beside its CO2e.
SET_INDEPENDENT_GASES: frozenset[str] = frozenset({"CO2_biogenic", UPTAKE_GAS, "CO2_luluc"})
#: EN 15804+A2 climate change indicators, in the order results list them.
GWP_INDICATORS: tuple[str, ...] = ("GWP-total", "GWP-fossil", "GWP-biogenic", "GWP-luluc")


def indicator_of(gas: str) -> str:
    """The EN 15804+A2 sub-indicator a gas counts in: ``GWP-biogenic``, ``GWP-luluc`` or ``GWP-fossil``."""
    if gas in BIOGENIC_GASES:
        return "GWP-biogenic"
    if gas in LULUC_GASES:
        return "GWP-luluc"
    return "GWP-fossil"
