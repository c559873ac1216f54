"""Substances: the greenhouse gases of the GWP sets and the air pollutants footprint tracks beside them.

Every per-substance array (a factor library's substance matrix, a result's inventory) has one column per
substance in the order of :func:`substances`: the greenhouse gases first, in the order of :func:`gases`
(``gwp.csv``), then :data:`AIR_POLLUTANTS`. An air pollutant has no GWP: a GWP set's vector is 0 for it by
definition, so adding air pollutant masses to a factor leaves every GWP result unchanged. Other indicators
(acidification, eutrophication, photochemical ozone formation, particulate matter) characterise them.

Ids are plain identifiers that work as file columns (``kg_<id>``), JSON keys and Python names alike: PM2.5 is
``PM2_5``.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Final

from ._biogenic import SET_INDEPENDENT_GASES
from ._gwp import gases

__all__ = ["AIR_POLLUTANTS", "BESIDE_CO2E", "SUBSTANCE_NAMES", "air_pollutants", "substances"]

#: The air pollutants, id -> what one kg of it is. NOx is counted as NO2 mass and NMVOC as the mass of the
#: compounds, as the EMEP/EEA air pollutant emission inventory guidebook and US EPA AP-42 report them.
SUBSTANCE_NAMES: Final = MappingProxyType(
    {
        "NOx": "nitrogen oxides (NO and NO2), kg as NO2",
        "SO2": "sulphur dioxide (SOx as SO2)",
        "NMVOC": "non-methane volatile organic compounds, kg of the compounds",
        "PM2_5": "particulate matter of diameter 2.5 um or less (PM2.5)",
        "PM10": "particulate matter of diameter 10 um or less (PM10, PM2.5 included)",
        "NH3": "ammonia",
        "CO": "carbon monoxide",
    }
)

#: Air pollutant ids, in the order of their columns after the greenhouse gases.
AIR_POLLUTANTS: Final[tuple[str, ...]] = tuple(SUBSTANCE_NAMES)

#: What a pre-folded factor may carry beside its CO2e: the gases whose GWP no set changes (biogenic and land
#: use change CO2) and the air pollutants, which no GWP set folds.
BESIDE_CO2E: Final[frozenset[str]] = SET_INDEPENDENT_GASES | frozenset(AIR_POLLUTANTS)


def air_pollutants() -> tuple[str, ...]:
    """The air pollutants footprint tracks: substances without a GWP (see :data:`SUBSTANCE_NAMES`)."""
    return AIR_POLLUTANTS


@cache
def substances() -> tuple[str, ...]:
    """Every substance footprint tracks, in the fixed order of every per-substance array: the greenhouse
    gases (:func:`gases`), then the air pollutants (:func:`air_pollutants`)."""
    return (*gases(), *AIR_POLLUTANTS)
