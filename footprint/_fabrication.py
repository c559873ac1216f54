"""Fabrication energy intensities: energy per tonne of product, by carrier, turned into a product's activities.

A material factor stops at the mill gate; forging, casting and the other fabrication steps are energy the
plant buys. ``fabrication_energy.csv`` (shipped with the package) holds published intensities for them, each
row citing where its number was read. They are not emission factors: :func:`fabrication_activities` multiplies
an intensity by a part's mass and puts the energy on the electricity or fuel factor of the plant's own grid or
fuel, so that the step is counted in A3 and named (which also answers the boundary flag of crude-steel
factors, see :mod:`footprint._boundary`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from ._energy_basis import split_basis
from ._errors import InputError, Problem, UnitError
from ._product import Activity
from ._units import parse_quantity

__all__ = ["FabricationEnergy", "fabrication_activities", "fabrication_energy"]


@dataclass(frozen=True)
class FabricationEnergy:
    """One published energy intensity of a fabrication step: ``per_tonne`` of ``carrier`` per tonne of
    ``basis``, with its range (``low``, ``high``; empty when the source gives one value) and provenance."""

    id: str
    process: str
    step: str
    carrier: str
    per_tonne: str
    low: str
    high: str
    basis: str
    source: str
    source_url: str
    edition: str
    table: str
    region: str
    licence: str
    proxy: bool
    quality: int
    notes: str
    per: str = "t"
    """The unit of what the intensity is per: ``t`` (a tonne of the row's basis; ``per_tonne`` then means what it
    says) or ``m2`` (a square metre of surface, for blast cleaning before painting; ``per_tonne`` holds the
    intensity per m2)."""


#: Carriers bought as energy (their activities are manufacturing, A3); any other carrier is a material that ends in
#: the product (zinc taken up in galvanizing), an activity in A1. Fuels may carry a heating-value basis.
_ENERGY_CARRIERS = frozenset({"electricity", "natural gas", "fuel oil"})
_FUELS = _ENERGY_CARRIERS - {"electricity"}
#: What ``per`` may be: the unit it converts to, the quantity the amount must then be and an example.
_PER = {"t": ("t", "mass", "a mass such as '1.48 t'"), "m2": ("m**2", "area", "an area such as '25 m2'")}


@cache
def fabrication_energy() -> tuple[FabricationEnergy, ...]:
    """The bundled fabrication energy intensities (``footprint/fabrication_energy.csv``), in file order."""
    text = resources.files("footprint").joinpath("fabrication_energy.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(
        FabricationEnergy(**{**r, "proxy": r["proxy"] == "true", "quality": int(r["quality"])})  # type: ignore[arg-type]
        for r in rows
    )


def fabrication_activities(
    process: str,
    mass: str,
    factors: Mapping[str, str | Sequence[str]],
    energy_basis: Literal["net", "gross"] | None = None,
) -> list[Activity]:
    """Activities (module A3) for the energy of fabrication ``process`` (an id of :func:`fabrication_energy`,
    or the prefix that groups the carriers of one source: ``"forging.closed-die"`` gives one activity per
    carrier) applied to ``mass`` (``"1.48 t"``, ``"1480 kg"``) of what the row's ``basis`` names: the product, the
    metal melted, the weld metal deposited, or the metal removed as chips (gross minus net mass); for a row per m2
    (``per``), ``mass`` is the area of surface (``"25 m2"``). Energy carriers give A3 activities; a material carrier
    (the zinc a galvanizing bath consumes) gives an A1 activity, since it ends in the product. ``factors`` names the factor for each carrier the rows use (``electricity``,
    ``natural gas``, ``fuel oil``, ``zinc``): the plant's grid, fuel and material, never assumed. Each activity's name says the
    process, the carrier, the intensity and its source. A fuel energy carries the heating-value basis its source
    fixes (``"6.455 GJ net"``); for a row whose source does not say, ``energy_basis`` states the basis you
    know it on, else the activity is refused against a fuel factor per unit of energy (docs/factors.md)."""
    _check_arguments(process, factors, energy_basis)
    rows = [r for r in fabrication_energy() if r.id == process or r.id.startswith(process + ".")]
    problems: list[Problem] = []
    if not rows:
        known = ", ".join(r.id for r in fabrication_energy())
        raise InputError([Problem("unknown fabrication process", field="process", value=process, expected=known)])
    amount = _amount(process, rows, mass)
    missing = sorted({r.carrier for r in rows} - set(factors))
    problems += [
        Problem("no factor for this carrier", field="factors", value=c, expected=f"a factor id for {c} of the plant")
        for c in missing
    ]
    if problems:
        raise InputError(problems, what=f"fabrication activities for {process}")
    out = []
    for r in rows:
        value, unit = r.per_tonne.split(" ", 1)
        if energy_basis and r.carrier in _FUELS and split_basis(unit)[1] is None:
            unit = f"{unit} {energy_basis}"
        fid = factors[r.carrier]
        if not math.isfinite(float(value) * amount):
            problem = Problem("too large: the energy is not a finite number", field="mass", value=mass)
            raise InputError([problem], what=f"fabrication activities for {process}")
        out.append(
            Activity(
                name=f"{r.process}: {r.carrier} {r.per_tonne} per {r.basis} ({r.source}, {r.edition})",
                factor=fid if isinstance(fid, str) else list(fid),
                quantity=f"{float(value) * amount!r} {unit}",
                module="A3" if r.carrier in _ENERGY_CARRIERS else "A1",
            )
        )
    return out


def _amount(process: str, rows: list[FabricationEnergy], given: str) -> float:
    """``given`` (a mass, or an area for rows per m2) in the unit the rows are per; rows per different units are
    refused together, since one amount cannot be both."""
    what = f"fabrication activities for {process}"
    pers = sorted({r.per for r in rows})
    if len(pers) > 1:
        ids = ", ".join(f"{r.id} (per {r.per})" for r in rows)
        problem = Problem("rows per different units", field="process", value=process, expected=f"one of {ids}")
        raise InputError([problem], what=what)
    unit, kind, example = _PER[pers[0]]
    try:
        value = float(parse_quantity(given).to(unit).magnitude)
    except (UnitError, ValueError, TypeError) as exc:
        problem = Problem(
            f"{kind} is not {'an' if kind[0] in 'aeiou' else 'a'} {kind} ({exc})",
            field="mass",
            value=given,
            expected=example,
        )
        raise InputError([problem], what=what) from None
    if not math.isfinite(value) or value < 0:
        problem = Problem(f"{kind} is not a finite {kind} >= 0", field="mass", value=given, expected=example)
        raise InputError([problem], what=what)
    return value


def _check_arguments(process: object, factors: object, energy_basis: object) -> None:
    """Refuse, by name, a process that is no text, factors that are no mapping of carrier to factor id (or ids),
    and an energy basis other than net or gross: each would otherwise fail deep inside with a bare TypeError."""
    problems: list[Problem] = []
    if not isinstance(process, str):
        problems.append(Problem("not text", field="process", value=process, expected="a fabrication row id or prefix"))
    if not isinstance(factors, Mapping):
        problems.append(
            Problem("not a mapping", field="factors", value=factors, expected="a mapping of carrier to factor id")
        )
    else:
        problems += [
            Problem("not a factor id", field=f"factors[{c!r}]", value=f, expected="a factor id or a list of them")
            for c, f in factors.items()
            if not (isinstance(f, str) and f)
            and not (isinstance(f, Sequence) and f and all(isinstance(x, str) and x for x in f))
        ]
    if energy_basis not in (None, "net", "gross"):
        problems.append(Problem("not a basis", field="energy_basis", value=energy_basis, expected="'net' or 'gross'"))
    if problems:
        raise InputError(problems, what="fabrication activities")
