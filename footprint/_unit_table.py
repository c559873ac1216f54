"""Units and conversions known without pint: look-ups in the table pint's own answers were written to.

``_unit_table_data`` holds, for the units of the bundled factors and the usual spellings, what pint answers
with footprint's registry: each unit's dimensionality, the multiplier of every pair of units of one
dimension, and the conversions the bundled factors' densities and net calorific values bridge. It is
written by ``python -m footprint._unit_table_gen`` and a test rebuilds it with pint and compares, so it
cannot drift from pint. It records the hash of the ``units.txt`` it was built from: against any other
``units.txt`` the table is not used and every unit goes to pint. A unit or pair not in the table goes to
pint as well, so the table makes start-up faster and never changes an answer.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

__all__ = ["table_bridge", "table_conversion", "table_dimension", "units_txt_sha256"]


def units_txt_sha256() -> str:
    """SHA-256 of the registry's definitions file, ``footprint/units.txt``."""
    data = resources.files("footprint").joinpath("units.txt").read_bytes()
    return hashlib.sha256(data).hexdigest()


@cache
def _table_holds() -> bool:
    """True when the table was built from the ``units.txt`` the registry reads."""
    from . import _unit_table_data as data

    return units_txt_sha256() == data.UNITS_TXT_SHA256


def table_dimension(unit: str) -> str | None:
    """The dimensionality of ``unit`` as pint writes it, or None when the table does not hold the unit."""
    if not _table_holds():
        return None
    from ._unit_table_data import DIMENSIONS

    return DIMENSIONS.get(unit)


def table_conversion(from_unit: str, to_unit: str) -> float | None:
    """The multiplier from ``from_unit`` to ``to_unit`` as pint computes it, or None when not in the table."""
    if not _table_holds():
        return None
    from ._unit_table_data import CONVERSIONS

    return CONVERSIONS.get((from_unit, to_unit))


def table_bridge(unit: str, to_unit: str, density: str | None, ncv: str | None) -> tuple[float, tuple[str, ...]] | None:
    """The multiplier and the properties used to bridge ``unit`` to ``to_unit`` through a density and net
    calorific value (as the factor states them), or None when not in the table."""
    if not _table_holds():
        return None
    from ._unit_table_data import BRIDGES

    return BRIDGES.get((unit, to_unit, density, ncv))
