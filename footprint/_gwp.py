"""GWP sets: the weights that fold per-gas emissions into CO2e.

The values live in ``gwp.csv`` beside this module, with their sources. IPCC AR6 GWP100 is the default (PACT
v3 asks for it); AR5 and AR4 GWP100 and AR6 GWP20 on request.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from ._errors import GWPError, expect_type

__all__ = ["DEFAULT_GWP_SET", "GWPSet", "gases", "gwp_set", "gwp_sets"]

DEFAULT_GWP_SET = "AR6"

_LABELS = {
    "AR6": "IPCC AR6 GWP100",
    "AR5": "IPCC AR5 GWP100",
    "AR4": "IPCC AR4 GWP100",
    "AR6-GWP20": "IPCC AR6 GWP20",
}
_SOURCES = {
    "AR6": "IPCC AR6 WGI (2021) Table 7.SM.7; CH4 fossil/non-fossil per Table 7.15",
    "AR5": "IPCC AR5 WGI (2013) Table 8.A.1 (no climate-carbon feedbacks); fossil CH4 30",
    "AR4": "IPCC AR4 WGI (2007) Table 2.14",
    "AR6-GWP20": "IPCC AR6 WGI (2021) Table 7.SM.7 and Table 7.15, 20-year horizon",
}
_ALIASES = {
    "AR6": "AR6",
    "AR6GWP100": "AR6",
    "AR6-GWP100": "AR6",
    "AR5": "AR5",
    "AR5GWP100": "AR5",
    "AR5-GWP100": "AR5",
    "AR4": "AR4",
    "AR4GWP100": "AR4",
    "AR4-GWP100": "AR4",
    "AR6-GWP20": "AR6-GWP20",
    "AR6GWP20": "AR6-GWP20",
}


@dataclass(frozen=True, slots=True)
class GWPSet:
    """A named set of GWPs, kg CO2e per kg of each gas."""

    name: str
    label: str
    source: str
    values: Mapping[str, float]

    def vector(self) -> npt.NDArray[np.float64]:
        """The GWPs in the order of :func:`gases`."""
        return np.array([self.values[g] for g in gases()], dtype=np.float64)


@cache
def _table() -> tuple[tuple[str, ...], dict[str, dict[str, float]]]:
    text = resources.files("footprint").joinpath("gwp.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(line for line in text.splitlines() if line and not line.startswith("#")))
    header, body = rows[0], rows[1:]
    names = tuple(header[1:])
    values = {name: {r[0]: float(r[i + 1]) for r in body} for i, name in enumerate(names)}
    return tuple(r[0] for r in body), values


def gases() -> tuple[str, ...]:
    """The gases footprint tracks, in the fixed order of every per-gas array."""
    return _table()[0]


def gwp_sets() -> tuple[str, ...]:
    """Names of the GWP sets footprint knows."""
    return tuple(_table()[1])


def gwp_set(name: str = DEFAULT_GWP_SET) -> GWPSet:
    """The GWP set called ``name`` (``"AR6"``, ``"AR5"``, ``"AR4"``, ``"AR6-GWP20"``; case-insensitive)."""
    expect_type(name, str, "gwp")
    return _gwp_set(name)


@cache
def _gwp_set(name: str) -> GWPSet:
    key = _ALIASES.get(str(name).strip().upper())
    if key is None:
        raise GWPError(f"unknown GWP set {name!r}; expected one of {', '.join(gwp_sets())}")
    return GWPSet(key, _LABELS[key], _SOURCES[key], MappingProxyType(dict(_table()[1][key])))
