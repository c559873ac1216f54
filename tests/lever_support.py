"""What the lever tests share: made-up factors of one gas with a stated spread, and levers from their fields."""

from __future__ import annotations

from typing import Any

import footprint as fp

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def factor(
    fid: str, unit: str, co2: float, category: str = "material", unc: str = "lognormal gsd=1"
) -> fp.EmissionFactor:
    """A factor of ``co2`` kg CO2 per ``unit`` (no spread by default: a geometric standard deviation of 1)."""
    return fp.EmissionFactor(
        id=fid, name=fid, category=category, unit=unit, gases={"CO2": co2},
        uncertainty=fp.Uncertainty.parse(unc), **PROV,
    )  # fmt: skip


def lever(**kw: Any) -> fp.Lever:
    """A lever named ``x`` with the fields ``kw`` (as a lever file gives them: ``from`` and ``to`` by alias)."""
    return fp.Lever.model_validate({"name": "x", **kw})
