"""Build ``_unit_table_data``: what pint answers, with footprint's registry, for the units of the bundled
factors and the usual spellings, so that a command that meets only those never imports pint.

    python -m footprint._unit_table_gen      # rewrites footprint/_unit_table_data.py

Run it after changing ``units.txt`` or the unit rules of ``_units`` (tests/test_unit_table.py rebuilds the
table with pint and fails while an entry differs), and after adding bundled factors with other units,
densities or net calorific values (until then those go to pint). Every value is pint's own result (never
derived here), so a conversion through the table is the same float pint gives.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._errors import IncompatibleUnitsError, UnitError
from ._factor_io import default_library
from ._factors import bridged_conversion
from ._unit_table import units_txt_sha256
from ._units import conversion_by_pint, parse_unit

__all__ = ["Table", "build_table", "write_table"]

#: Spellings of product files, ERP exports and the examples beside those of the bundled factors: an amount
#: in any of these, against a bundled factor, converts without pint. ``(kW)*h`` is how an activity given
#: as a power with ``hours_per_year`` is counted.
SPELLINGS = (
    "dimensionless",
    "kg", "g", "mg", "t", "tonne", "mt", "MT", "lb",
    "m", "km", "cm", "mm", "mi", "nmi", "ft", "in",
    "m2", "m**2", "m3", "m**3", "L", "l", "mL", "US_gallon", "gal", "bbl", "ft3",
    "Sm3", "Nm3", "scf", "Mscf", "MMscf", "Mcf", "MMcf",
    "J", "kJ", "MJ", "GJ", "TJ", "Wh", "kWh", "MWh", "GWh", "Btu", "MMBtu", "mmBtu", "therm",
    "(W)*h", "(kW)*h", "(MW)*h",
    "W", "kW", "MW",
    "s", "h", "hr", "day", "d", "yr", "year",
    "t*km", "kg*km", "tonne.km", "t.km", "tonne*km", "t*nmi",
    "piece", "pc", "pcs", "ea", "each",
    "kg/L", "kg/m3", "kg/Sm3", "MJ/kg", "GJ/t",
)  # fmt: skip

Table = tuple[
    dict[str, str],
    dict[tuple[str, str], float],
    dict[tuple[str, str, str | None, str | None], tuple[float, tuple[str, ...]]],
]


def _spellings() -> list[str]:
    """The usual spellings and every unit, density unit and net calorific value unit of the bundled factors."""
    units = set(SPELLINGS)
    for f in default_library():
        units.add(f.unit)
        units.update(text.split(maxsplit=1)[1] for text in (f.density, f.net_calorific_value) if text)
    return sorted(units)


def _bridges(dims: dict[str, str]) -> dict[tuple[str, str, str | None, str | None], tuple[float, tuple[str, ...]]]:
    """Each bundled factor with a density or net calorific value, met by an amount of another dimension
    that these bridge."""
    out: dict[tuple[str, str, str | None, str | None], tuple[float, tuple[str, ...]]] = {}
    for f in default_library():
        if f.density is None and f.net_calorific_value is None:
            continue
        for unit, dim in dims.items():
            if dim == dims[f.unit]:
                continue
            try:
                conv = bridged_conversion(unit, f.unit, f.density, f.net_calorific_value)
            except IncompatibleUnitsError:
                continue
            out[(unit, f.unit, f.density, f.net_calorific_value)] = (conv.multiplier, conv.via)
    return out


def build_table() -> Table:
    """Dimensions of every spelling, multipliers of every pair of one dimension, and the factors' bridges,
    each as pint answers."""
    dims: dict[str, str] = {}
    for unit in _spellings():
        try:
            dims[unit] = str(parse_unit(unit).dimensionality)
        except UnitError as exc:
            raise UnitError(f"the unit table lists {unit!r}, which footprint's registry refuses: {exc}") from None
    pairs = {(a, b): conversion_by_pint(a, b) for a in dims for b in dims if dims[a] == dims[b]}
    return dims, pairs, _bridges(dims)


def _literal(name: str, annotation: str, items: Mapping[Any, Any]) -> list[str]:
    return [f"{name}: {annotation} = {{", *(f"    {k!r}: {v!r}," for k, v in items.items()), "}", ""]


def write_table(path: Path) -> None:
    """Write the table as a Python module (a dict literal each; floats as ``repr`` writes them, exactly);
    :func:`main` formats it with ruff."""
    dims, pairs, bridges = build_table()
    lines = [
        '"""Units and conversions as pint answers them with footprint\'s registry; written by',
        "``python -m footprint._unit_table_gen`` (do not edit: a test rebuilds it and compares).",
        '"""',
        "",
        f"UNITS_TXT_SHA256 = {units_txt_sha256()!r}",
        "",
        *_literal("DIMENSIONS", "dict[str, str]", dims),
        *_literal("CONVERSIONS", "dict[tuple[str, str], float]", pairs),
        *_literal(
            "BRIDGES",
            "dict[tuple[str, str, str | None, str | None], tuple[float, tuple[str, ...]]]",
            bridges,
        ),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    """Rewrite footprint/_unit_table_data.py, formatted and checked by ruff."""
    path = Path(__file__).with_name("_unit_table_data.py")
    write_table(path)
    ruff = [sys.executable, "-m", "ruff"]
    return subprocess.call([*ruff, "format", "-q", str(path)]) or subprocess.call([*ruff, "check", "-q", str(path)])


if __name__ == "__main__":
    raise SystemExit(main())
