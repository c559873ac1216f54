"""The tables footprint reads, declared once: their columns, which are required, and what each holds.

Every table (products, BOM lines, activities, deliveries, factors) is checked against its :class:`TableSpec`
before anything is computed: a missing required column or an unknown one (with the known column it most
resembles) is a problem of its own. The same specs are listed in docs/catalogue.md.

Rows are named as the user gave them: a file's line (comments and header counted), or a DataFrame's
position counted from 0 (:func:`where_rows`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from ._errors import Problem, UnitError
from ._substances import substance_column, substances
from ._units import conversion_factor, parse_unit, split_quantity

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TABLES",
    "Column",
    "TableName",
    "TableSpec",
    "column_problems",
    "did_you_mean",
    "quantities",
]

TableName = Literal["products", "bom", "activities", "deliveries", "factors"]
ColumnKind = Literal["id", "number", "quantity", "unit", "text", "module", "date", "flag"]


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, whether it must be present, what kind of value it holds."""

    name: str
    kind: ColumnKind
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class TableSpec:
    """The declared columns of a table; ``prefixes`` admits families of columns (``kg_<GAS>``)."""

    name: TableName
    columns: tuple[Column, ...]
    prefixes: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every declared column name."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """The columns that must be present."""
        return tuple(c.name for c in self.columns if c.required)

    def known(self, column: str) -> bool:
        """Whether ``column`` is declared (by name or by one of the prefixes)."""
        return column in self.names or any(
            column.startswith(p) and substance_column(column[len(p) :]) == column and column[len(p) :] in substances()
            for p in self.prefixes
        )


def _c(name: str, kind: ColumnKind, doc: str, required: bool = False) -> Column:
    return Column(name, kind, required, doc)


_FACTOR_COLUMNS = (
    _c("id", "id", "factor id: lower case letters, digits and . _ -", True),
    _c("name", "text", "what the factor measures", True),
    _c("category", "text", "fuel, electricity, freight, material, ...", True),
    _c("unit", "unit", "the activity unit the values are per", True),
    _c("source", "text", "publisher of the values", True),
    _c("edition", "text", "edition or year of the source", True),
    _c("region", "text", "ISO country code or GLO", True),
    _c("licence", "text", "licence of the values", True),
    _c("boundary", "text", "cradle-to-gate, combustion, well-to-tank, ...", True),
    _c("kg_CO2e", "number", "pre-folded kg CO2e per unit (with gwp_set)"),
    _c("gwp_set", "text", "the GWP set kg_CO2e was folded with"),
    _c("source_url", "text", "where the source is published"),
    _c("table", "text", "table or sheet of the source"),
    _c("dqr_technological", "number", "data quality rating 1-5"),
    _c("dqr_geographical", "number", "data quality rating 1-5"),
    _c("dqr_temporal", "number", "data quality rating 1-5"),
    _c("proxy", "flag", "true when the factor stands in for another activity"),
    _c("density", "quantity", "mass per volume, e.g. 0.84 kg/L"),
    _c("net_calorific_value", "quantity", "energy per mass, e.g. 43 MJ/kg"),
    _c("uncertainty", "text", "e.g. lognormal gsd=1.2"),
    _c("valid_from", "date", "first day the values hold"),
    _c("valid_to", "date", "last day the values hold"),
    _c("notes", "text", "free text"),
    _c("kgco2e_ar6", "number", "derived by to_frame: kg CO2e under AR6; checked, not read"),
    _c("library", "text", "derived by to_frame: the library the factor came from; not read"),
)

TABLES: dict[str, TableSpec] = {
    "products": TableSpec(
        "products",
        (
            _c("product", "id", "product id, one row per product", True),
            _c("root", "id", "the BOM item that is the product (default: product)"),
            _c("supplier", "id", "supplier of the product"),
            _c("family", "id", "product family"),
        ),
    ),
    "bom": TableSpec(
        "bom",
        (
            _c("parent", "id", "the item that contains child", True),
            _c("child", "id", "the item contained", True),
            _c("quantity", "quantity", "amount of child in one parent: a number, or with its unit ('3500 mm')", True),
            _c("unit", "unit", "unit of quantity (default: the child's own unit)"),
        ),
    ),
    "activities": TableSpec(
        "activities",
        (
            _c("item", "id", "the item the activity belongs to (per one unit of it)", True),
            _c("factor", "id", "emission factor id", True),
            _c("amount", "quantity", "amount of the activity: a number, or with its unit ('250 g')", True),
            _c("unit", "unit", "unit of amount (required unless every amount carries its unit)"),
            _c("module", "module", "EN 15804 module (default by the factor's category)"),
        ),
    ),
    "deliveries": TableSpec(
        "deliveries",
        (
            _c("product", "id", "product delivered", True),
            _c("period", "text", "reporting period", True),
            _c("quantity", "quantity", "amount delivered: a number, or with its unit ('12 m')", True),
            _c("unit", "unit", "unit of quantity (default: the product's declared unit)"),
            _c("customer", "id", "who received it"),
            _c("revenue", "number", "revenue of the delivery"),
            _c("currency", "text", "currency of revenue"),
        ),
    ),
    "factors": TableSpec("factors", _FACTOR_COLUMNS, prefixes=("kg_", "m3_", "MJ_")),
}


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``name`` (case and separators ignored first), or None."""
    known = list(known)
    folded = {k.lower().replace("-", "_").replace(" ", "_"): k for k in known}
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in folded:
        return folded[key]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def column_problems(
    spec: TableSpec, columns: Sequence[object], file: str, row: int | None = None, *, required: bool = True
) -> list[Problem]:
    """Problems with a table's header: unknown columns (with the one meant), missing required ones."""
    problems = []
    for col in columns:
        name = str(col)
        if spec.known(name):
            continue
        meant = did_you_mean(name, spec.names)
        hint = f"did you mean '{meant}'? " if meant else ""
        problems.append(
            Problem(
                "unknown column",
                file=file,
                row=row,
                field=name,
                expected=f"{hint}columns of the {spec.name} table: {', '.join(spec.names)}"
                + (" and kg_<GAS>" if spec.prefixes else ""),
            )
        )
    if required:
        present = {str(c) for c in columns}
        problems += [
            Problem("required column missing", file=file, row=row, field=c, expected=f"a column named '{c}'")
            for c in spec.required
            if c not in present
        ]
    return problems


def quantities(
    values: pd.Series, units: pd.Series | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp], list[str], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Numbers and units of a quantity column: plain numbers (units from ``units``) or text with its unit
    ("3500 mm"). Returns magnitudes, a unit code per row, the distinct units (``""`` for none), a mask of
    rows whose value could not be read and one of rows giving a unit both in the value and in ``units``.
    Text is split once per distinct value, not once per row."""
    import pandas as pd

    n = len(values)
    if pd.api.types.is_numeric_dtype(values.dtype):
        mag = values.to_numpy(dtype=np.float64, na_value=np.nan)
        unit_text = np.full(n, "", dtype=object)
        bad = np.zeros(n, dtype=bool)
    else:
        codes, uniq = pd.factorize(values.astype(str).where(values.notna(), ""))
        u_mag = np.full(len(uniq), np.nan)
        u_unit = np.full(len(uniq), "", dtype=object)
        u_bad = np.zeros(len(uniq), dtype=bool)
        for k, text in enumerate(uniq):
            try:
                u_mag[k], u_unit[k] = split_quantity(str(text).strip().replace("\u2212", "-"))
            except UnitError:
                u_bad[k] = bool(str(text).strip())
        mag, unit_text, bad = u_mag[codes], u_unit[codes], u_bad[codes]
    twice = np.zeros(n, dtype=bool)
    if units is not None:
        given = units.astype(str).where(units.notna(), "").str.strip().to_numpy(dtype=object)
        twice = (unit_text != "") & (given != "")
        unit_text = np.where(unit_text == "", given, unit_text)
    u_codes, u_values = pd.factorize(pd.Series(unit_text, dtype=object))
    return mag, u_codes.astype(np.intp), [str(u) for u in u_values], bad, twice


def canonical_unit(unit: str) -> str:
    """The unit an item measured in ``unit`` is counted in: kg for masses, m for lengths, m**2, m**3,
    piece for counts; otherwise the unit's base units."""
    u = parse_unit(unit)
    for candidate in ("kg", "m", "m**2", "m**3", "piece", "kWh"):
        if u.dimensionality == parse_unit(candidate).dimensionality:
            return candidate
    return str((1 * u).to_base_units().units)


def to_canonical(unit: str) -> tuple[float, str]:
    """Multiplier from ``unit`` to its canonical unit, and that unit."""
    target = canonical_unit(unit)
    return conversion_factor(unit, target), target


def where_rows(source: Any) -> tuple[int, str]:
    """First data row number and the word for it: a file's line (``attrs["first_row"]``) or a DataFrame's
    position counted from 0."""
    attrs = getattr(source, "attrs", {}) or {}
    if "first_row" in attrs:
        return int(attrs["first_row"]), "row"
    return 0, "position"
