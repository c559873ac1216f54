"""Substances: the greenhouse gases of the GWP sets and the air pollutants footprint tracks beside them.

Every per-substance array (a factor library's substance matrix, a result's inventory) has one column per
substance in the order of :func:`substances`: the greenhouse gases first, in the order of :func:`gases`
(``gwp.csv``), then :data:`AIR_POLLUTANTS`, :data:`WATER_EMISSIONS` and :data:`RESOURCES`. None of these has a
GWP: a GWP set's vector is 0 for them by definition, so adding them to a factor leaves every GWP result
unchanged. Other indicators (acidification, eutrophication, photochemical ozone formation, particulate matter,
net fresh water, primary energy) characterise them.

Ids are plain identifiers that work as file columns, JSON keys and Python names alike: PM2.5 is ``PM2_5``. A
substance is counted in kg, except the resources, counted in their own unit (:data:`SUBSTANCE_UNITS`): a file
column is ``<unit>_<id>`` (``kg_NOx``, ``m3_fresh_water``, ``MJ_PE_renewable``).
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Final

from ._biogenic import SET_INDEPENDENT_GASES
from ._gwp import gases

__all__ = [
    "AIR_POLLUTANTS",
    "BESIDE_CO2E",
    "NON_GREENHOUSE",
    "RESOURCES",
    "SUBSTANCE_NAMES",
    "SUBSTANCE_UNITS",
    "WATER_EMISSIONS",
    "air_pollutants",
    "substance_column",
    "substances",
]

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

#: Emissions to freshwater, id -> what one kg of it is (EN 15804+A2 EP-freshwater characterises them).
WATER_NAMES: Final = MappingProxyType(
    {
        "P_fw": "phosphorus emitted to freshwater, kg P",
        "PO4_fw": "phosphate emitted to freshwater, kg PO4",
    }
)

#: Water emission ids, in the order of their columns after the air pollutants.
WATER_EMISSIONS: Final[tuple[str, ...]] = tuple(WATER_NAMES)

#: Resources used, id -> what one unit of it is: net fresh water (EN 15804+A2 FW) and primary energy
#: (PENRT, PERT) stated by a factor, such as a grid mix's primary energy per kWh.
RESOURCE_NAMES: Final = MappingProxyType(
    {
        "fresh_water": "net fresh water used (withdrawn and not returned to the same basin), m3",
        "PE_nonrenewable": "non-renewable primary energy used, MJ",
        "PE_renewable": "renewable primary energy used, MJ",
    }
)

#: Resource ids, in the order of their columns after the water emissions.
RESOURCES: Final[tuple[str, ...]] = tuple(RESOURCE_NAMES)

#: The unit of each substance that is not counted in kg.
SUBSTANCE_UNITS: Final = MappingProxyType({"fresh_water": "m3", "PE_nonrenewable": "MJ", "PE_renewable": "MJ"})

#: Every substance without a GWP: the air pollutants, emissions to water and resources.
NON_GREENHOUSE: Final[tuple[str, ...]] = (*AIR_POLLUTANTS, *WATER_EMISSIONS, *RESOURCES)

#: What a pre-folded factor may carry beside its CO2e: the gases whose GWP no set changes (biogenic and land
#: use change CO2) and the substances no GWP set folds.
BESIDE_CO2E: Final[frozenset[str]] = SET_INDEPENDENT_GASES | frozenset(NON_GREENHOUSE)


def air_pollutants() -> tuple[str, ...]:
    """The air pollutants footprint tracks: substances without a GWP (see :data:`SUBSTANCE_NAMES`)."""
    return AIR_POLLUTANTS


@cache
def substances() -> tuple[str, ...]:
    """Every substance footprint tracks, in the fixed order of every per-substance array: the greenhouse
    gases (:func:`gases`), then the air pollutants (:func:`air_pollutants`), the emissions to water and the
    resources (:data:`NON_GREENHOUSE`)."""
    return (*gases(), *NON_GREENHOUSE)


def substance_column(substance: str) -> str:
    """The file column of a substance: ``kg_<id>``, or ``<unit>_<id>`` for one counted in another unit
    (``m3_fresh_water``, ``MJ_PE_renewable``)."""
    return f"{SUBSTANCE_UNITS.get(substance, 'kg')}_{substance}"
