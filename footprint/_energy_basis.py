"""Heating-value basis of fuel energy: net (NCV, LHV) or gross (GCV, HHV).

A fuel's energy is stated on one of two bases that differ by the latent heat of the water its combustion
forms: about 5 % for oil products and 10 % for natural gas. A factor per unit of fuel energy holds on one
basis only, so an activity in energy units against it must say which basis it is on: ``"1000 kWh net"``,
``"250 MJ gross"`` (also ``NCV``/``LHV``, ``GCV``/``HHV``). When the bases differ the factor's declared
``gcv_ncv_ratio`` converts; without one the activity is refused.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from ._errors import UnitError
from ._units import dimension_of

__all__ = ["BASIS_WORDS", "EnergyBasis", "is_energy", "split_basis"]

EnergyBasis = Literal["net", "gross"]

#: Words that name a basis after an energy unit, lower-case, and the basis they name.
BASIS_WORDS: dict[str, EnergyBasis] = {
    "net": "net", "ncv": "net", "lhv": "net", "net cv": "net",
    "gross": "gross", "gcv": "gross", "hhv": "gross", "gross cv": "gross",
}  # fmt: skip
_SUFFIX = re.compile(r"^(?P<unit>.*?)\s*(?:\(\s*(?P<p>net cv|gross cv|net|gross|ncv|gcv|lhv|hhv)\s*\)|\s(?P<w>net cv|gross cv|net|gross|ncv|gcv|lhv|hhv))\s*$", re.IGNORECASE)  # fmt: skip


def split_basis(unit: str) -> tuple[str, EnergyBasis | None]:
    """Split ``"kWh net"`` or ``"MJ (GCV)"`` into the unit and its basis; ``(unit, None)`` when none is given."""
    m = _SUFFIX.match(unit)
    if m is None or not m.group("unit").strip():
        return unit, None
    word = (m.group("p") or m.group("w")).lower()
    return m.group("unit").strip(), BASIS_WORDS[word]


@cache
def is_energy(unit: str) -> bool:
    """True when ``unit`` measures energy (J, kWh, MMBtu, ...)."""
    return dimension_of(unit) == dimension_of("J")


def check_basis_unit(unit: str) -> None:
    """Refuse a basis on an amount that is not an energy or a power (``"12 kg net"``)."""
    core, basis = split_basis(unit)
    if basis is None:
        return
    if dimension_of(core) not in (dimension_of("J"), dimension_of("W")):
        raise UnitError(f"{unit!r}: a heating-value basis ({basis}) belongs to an energy such as 'kWh net'")
