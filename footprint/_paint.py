"""Paint as a material of the product: the mass of paint a coating system takes, from its coats' data sheets.

A coat of dry film thickness ``dft`` over an area needs ``dft / volume_solids`` of wet paint (the solvent leaves,
the solids stay), which weighs ``density`` per litre as supplied; of what the applicator sprays, only the share
``transfer_efficiency`` lands on the part. So the paint bought for one coat is

    mass = area x dft / volume_solids x density / transfer_efficiency

The film thickness comes from the coating specification (a NORSOK M-501 system gives a minimum per coat and in
all), the volume solids and density from each product's technical data sheet, the transfer efficiency from the
applicator: footprint ships none of these numbers and assumes none. Each coat becomes an A1 activity of paint
(it ends in the product) on the coating material factor you name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from ._errors import InputError, Problem, UnitError
from ._product import Activity
from ._units import parse_quantity

__all__ = ["paint_activities"]

#: The keys a coat may have, with what each must be.
_COAT_KEYS = {
    "dft": "a dry film thickness such as '60 um'",
    "volume_solids": "a share of the paint's volume, 0 < volume_solids <= 1 (0.53 for 53 %)",
    "density": "the mixed paint's density such as '2.21 kg/L'",
    "name": "the coat's name (optional)",
}


def paint_activities(
    area: str,
    coats: Sequence[Mapping[str, object]],
    factor: str,
    transfer_efficiency: float,
) -> list[Activity]:
    """One A1 activity per coat of ``coats`` over ``area`` (``"18 m2"``): the paint bought for it, in kg, on
    ``factor`` (a coating material factor per mass, e.g. ``material.coating.epoxy-pu.proxy.desnz2025``). Each coat
    is a mapping with ``dft`` (``"60 um"``), ``volume_solids`` (a share, ``0.53``), ``density`` (``"2.21 kg/L"``)
    and an optional ``name``; ``transfer_efficiency`` is the share of the sprayed paint that lands on the part
    (0 < it <= 1), the applicator's figure. Every problem (an area that is no area, a coat's missing or bad field,
    a share outside (0, 1]) is reported at once, naming the coat and field."""
    problems: list[Problem] = []
    square_metres = _positive(area, "m**2", "area", "an area such as '18 m2'", problems)
    efficiency = _share(transfer_efficiency, "transfer_efficiency", None, problems)
    if not isinstance(coats, list | tuple) or not coats:
        problems.append(
            Problem("no coats", field="coats", value=coats, expected="a non-empty list of coats (mappings)")
        )
        coats = []
    masses = [_coat_mass(i, coat, problems) for i, coat in enumerate(coats)]
    if not isinstance(factor, str) or not factor:
        problems.append(Problem("no factor", field="factor", value=factor, expected="a coating material factor id"))
    if problems:
        raise InputError(problems, what="paint activities")
    kgs = [square_metres * per_m2 / efficiency for per_m2 in masses]
    problems += [
        Problem("too large: the paint's mass is not a finite number", field=f"coats[{i}]", value=coats[i])
        for i, kg in enumerate(kgs)
        if not math.isfinite(kg)
    ]
    if problems:
        raise InputError(problems, what="paint activities")
    out = []
    for i, (coat, kg) in enumerate(zip(coats, kgs, strict=True)):
        name = coat.get("name") or f"coat {i + 1}"
        out.append(
            Activity(
                name=f"Paint, {name}: {coat['dft']} dry film, {coat['volume_solids']} volume solids, "
                f"{coat['density']}, over {area} at {transfer_efficiency} transfer efficiency",
                factor=factor,
                quantity=f"{kg!r} kg",
                module="A1",
            )
        )
    return out


def _coat_mass(index: int, coat: object, problems: list[Problem]) -> float:
    """Kilograms of paint as supplied per m2 of ``coat`` (before the transfer loss); problems are appended."""
    where = f"coats[{index}]"
    if not isinstance(coat, Mapping):
        problems.append(
            Problem("not a mapping", field=where, value=coat, expected="a mapping of " + ", ".join(_COAT_KEYS))
        )
        return math.nan
    unknown = [k for k in coat if k not in _COAT_KEYS]
    problems += [
        Problem("unknown key", field=f"{where}.{k}", value=coat[k], expected=", ".join(_COAT_KEYS)) for k in unknown
    ]
    if "name" in coat and not isinstance(coat["name"], str | None):
        problems.append(Problem("not text", field=f"{where}.name", value=coat["name"], expected=_COAT_KEYS["name"]))
    missing = [k for k in ("dft", "volume_solids", "density") if k not in coat]
    problems += [Problem("missing", field=f"{where}.{k}", expected=_COAT_KEYS[k]) for k in missing]
    if missing:
        return math.nan
    dft = _positive(coat["dft"], "m", f"{where}.dft", _COAT_KEYS["dft"], problems)
    solids = _share(coat["volume_solids"], f"{where}.volume_solids", _COAT_KEYS["volume_solids"], problems)
    density = _positive(coat["density"], "kg/m**3", f"{where}.density", _COAT_KEYS["density"], problems)
    return dft / solids * density


def _positive(text: object, unit: str, field: str, expected: str, problems: list[Problem]) -> float:
    """``text`` as a finite quantity > 0 in ``unit``, or NaN with a problem appended."""
    try:
        value = float(parse_quantity(text).to(unit).magnitude)  # type: ignore[arg-type]
    except (UnitError, ValueError, TypeError, AttributeError) as exc:
        problems.append(
            Problem(f"not a quantity of the kind expected ({exc})", field=field, value=text, expected=expected)
        )
        return math.nan
    if not math.isfinite(value) or value <= 0:
        problems.append(Problem("not a finite quantity > 0", field=field, value=text, expected=expected))
        return math.nan
    return value


def _share(value: object, field: str, expected: str | None, problems: list[Problem]) -> float:
    """``value`` as a number in (0, 1], or NaN with a problem appended."""
    # 0 < value <= 1 before isfinite: a huge int (10**400) would overflow there
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1 and math.isfinite(value)
    if not ok:
        problems.append(
            Problem("not a share in (0, 1]", field=field, value=value, expected=expected or "0 < share <= 1")
        )
        return math.nan
    return float(value)  # type: ignore[arg-type]
