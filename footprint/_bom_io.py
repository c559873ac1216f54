"""Bills of materials as ERP and PLM systems export them: indented lists and parent-child tables.

An export names parts by code; a mapping table turns material codes into factor ids (and, for bought-in
items without a material, item codes into a factor per piece). The result is the ``items`` and
``materials`` of a :class:`Product`, so the rest of a product file (transport, use, end of life) can be
written by hand beside the export. Column names are configurable with :class:`BomColumns`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from ._erp import ErpRules, component_item, erp_rules, mass_balance, resolve_raw_materials
from ._errors import MissingDependencyError, Problem, ProductError, UnitError, expect_type, row_problems
from ._limits import Limits, current_decimal, current_limits, limit_hint
from ._product import Amount, BomColumns, Child, Item, Material
from ._units import conversion_factor, parse_unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ERP_UNITS", "BomImport", "read_bom", "read_mapping"]

#: Unit codes of common ERP systems (SAP ISO codes and their usual spellings) and what they mean.
ERP_UNITS: dict[str, str] = {
    "PCE": "piece", "PC": "piece", "PCS": "piece", "EA": "piece", "ST": "piece", "STK": "piece", "NR": "piece",
    "NO": "piece", "C62": "piece", "H87": "piece", "KG": "kg", "KGM": "kg", "G": "g", "GRM": "g", "TO": "t",
    "TNE": "t", "LB": "lb", "LBR": "lb", "M": "m", "MTR": "m", "MM": "mm", "MMT": "mm", "M2": "m**2",
    "MTK": "m**2", "M3": "m**3", "MTQ": "m**3", "L": "L", "LTR": "L", "KWH": "kWh", "KWT": "kW", "MJ": "MJ",
    "SET": "piece", "KIT": "piece", "CM": "cm", "CMT": "cm", "KM": "km", "KMT": "km",
    "FT": "ft", "FOT": "ft", "IN": "inch", "INH": "inch", "ML": "mL", "MLT": "mL", "GAL": "gal", "GLL": "gal",
    "T": "t", "LBS": "lb", "DM": "dm", "FT2": "ft**2", "FTK": "ft**2", "H": "h", "HUR": "h",
}  # fmt: skip


class BomImport(BaseModel):
    """Items and materials read from an export, with the id of the root item."""

    model_config = ConfigDict(frozen=True)

    root: str
    items: list[Item]
    materials: list[Material]
    warnings: list[str] = []


def _data_start(path: Path) -> tuple[int, str]:
    """Lines before a CSV's header (blank or ``#`` comments), and its header line; read line by line."""
    skip = 0
    with path.open(encoding="utf-8-sig", newline="") as f:
        for line in f:
            if line.strip() and not line.lstrip().startswith("#"):
                return skip, line
            skip += 1
    return skip, ""


def _delimiter(header: str) -> str:
    """The field separator of a CSV, from its header line: the most frequent of ``,``, ``;``, tab and ``|``."""
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


_ONE_CELL = "one cell per column (quote cells that contain the separator)"


def _read_table(
    path: Path, sheet: str | int = 0, wanted: Callable[[str], bool] | None = None
) -> tuple[pd.DataFrame, int, list[Problem]]:
    """A CSV or Excel sheet as text columns, and the file row number of its first data row.

    With ``wanted``, only the columns it accepts are read (an export may carry thousands nobody needs)."""
    import pandas as pd

    file = str(path)
    if not path.is_file():
        return pd.DataFrame(), 0, [Problem("file not found", file=file, expected="a CSV or Excel (.xlsx) file")]
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False, usecols=wanted)
        else:
            skip, header = _data_start(path)
            df = pd.read_csv(
                path, dtype=str, keep_default_na=False, skiprows=skip, encoding="utf-8-sig",
                sep=_delimiter(header), usecols=(lambda c: wanted(c.strip())) if wanted else None,
            )  # fmt: skip
            if not isinstance(df.index, pd.RangeIndex):  # pandas made the surplus cells of long rows an index
                problem = Problem("a row has more cells than the header", file=file, expected=_ONE_CELL)
                return pd.DataFrame(), 0, [problem]
            df.columns = [str(c).strip() for c in df.columns]
            return df.apply(lambda c: c.astype(str).str.strip()), skip + 2, []
    except ImportError as exc:  # pandas needs openpyxl for .xlsx
        raise MissingDependencyError(
            f"reading the Excel file {file} needs openpyxl, which is not installed: pip install 'footprint[excel]'"
        ) from exc
    except UnicodeDecodeError as exc:
        return pd.DataFrame(), 0, [Problem(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=file)]
    except Exception as exc:  # pandas raises many kinds of parse errors
        return pd.DataFrame(), 0, [Problem(f"cannot read the table: {exc}", file=file)]
    return df.apply(lambda c: c.astype(str).str.strip()), 2, []


_THOUSANDS = {".": r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$", ",": r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$"}


def _numbers(
    raw: pd.Series, decimal: Literal[".", ","] | None, file: str, first: int, field: str, problems: list[Problem]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Numbers of a text column (NaN where unreadable), and the rows already reported as ambiguous.

    A comma is read only when ``decimal`` says what it means.

    Without ``decimal``, ``1,500`` is refused: an English-locale export means 1500 by it, a Norwegian or
    German one 1.5. With ``decimal="."`` commas must group thousands (``1,500.5``); with ``decimal=","``
    the comma is the decimal mark and dots must group thousands (``1.500,5``).
    """
    import pandas as pd

    text = raw.str.replace("\u2212", "-", regex=False)
    comma = text.str.contains(",", regex=False).to_numpy()
    if decimal is None:
        problems += row_problems(
            comma, "number with a comma: 1,500 means 1500 in some locales and 1.5 in others", file=file,
            first_row=first, field=field, values=raw.to_numpy(),
            expected="the decimal separator stated: decimal=',' or '.' (--decimal, decimal: in the product's bom, or a '# decimal: ,' line atop the mapping table)",
        )  # fmt: skip
        text = text.where(~comma, "")
    else:
        other = "," if decimal == "." else "."
        grouped = text.str.match(_THOUSANDS[decimal]).to_numpy()
        text = text.where(~grouped, text.str.replace(other, "", regex=False))
        if decimal == ",":
            bad = text.str.contains(".", regex=False).to_numpy()
            text = text.where(bad, text.str.replace(",", ".", regex=False)).where(~bad, "x")
        comma = np.zeros(len(text), dtype=bool)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float), comma


def _unit(text: str, unit_map: dict[str, str]) -> str:
    code = text.strip()
    mapped = unit_map.get(code) or unit_map.get(code.upper()) or code
    parse_unit(mapped)
    return mapped


_DECIMAL_LINE = re.compile(r"^#\s*decimal\s*[:=]\s*([.,])\s*$", re.IGNORECASE)


def _stated_decimal(path: Path) -> Literal[".", ","] | None:
    """The decimal separator a CSV mapping table states for its exports in a leading ``# decimal: ,`` line."""
    if path.suffix.lower() in (".xlsx", ".xlsm") or not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8-sig") as f:
            for line in f:
                if line.strip() and not line.lstrip().startswith("#"):
                    return None
                if m := _DECIMAL_LINE.match(line.strip()):
                    return "," if m.group(1) == "," else "."
    except (OSError, UnicodeDecodeError):  # reported by the reading of the table itself
        return None
    return None


def read_mapping(path: str | Path) -> pd.DataFrame:
    """A mapping table (CSV or Excel): ``code`` -> ``factor``, with optional ``kind`` (``material`` or
    ``component``), ``name``, ``recycled_content``, ``end_of_life`` and ``scrap_end_of_life``; for
    components also ``pcf`` (the factor id of the supplier's footprint, primary data), ``module``,
    ``primary``, ``mass``, ``material`` and ``supplier`` (see docs/bom-import.md)."""
    df, first, problems = _read_table(Path(path))
    file = str(path)
    df.attrs["decimal"] = _stated_decimal(Path(path))
    if not problems and "code" not in df.columns:
        problems.append(Problem("required column missing", file=file, field="code", expected="columns code and factor"))
    if not problems and "factor" not in df.columns and "pcf" not in df.columns:
        problems.append(
            Problem("required column missing", file=file, field="factor", expected="a factor or pcf column")
        )
    if not problems and "factor" not in df.columns:
        df["factor"] = ""
    if problems:
        raise ProductError(problems, what=file)
    if "kind" not in df.columns:
        df["kind"] = "material"
    bad = ~df["kind"].isin(["material", "component", ""])
    problems += [
        Problem("unknown kind", file=file, row=first + int(i), field="kind", value=v, expected="material or component")
        for i, v in zip(np.flatnonzero(bad), df.loc[bad, "kind"], strict=True)
    ]
    dup = df["code"].duplicated(keep=False) & (df["code"] != "")
    for code in sorted(set(df.loc[dup, "code"])):
        rows = [first + int(i) for i in np.flatnonzero(df["code"] == code)]
        problems.append(
            Problem(
                f"code mapped on several rows {rows}",
                file=file,
                row=rows[1],
                field="code",
                value=code,
                expected="one row per code",
            )
        )
    if problems:
        raise ProductError(problems, what=file)
    df.attrs["first_row"] = first
    df.attrs["file"] = file
    return df


def _levels(raw: pd.Series, file: str, first: int, col: str, problems: list[Problem]) -> np.ndarray:
    """Level numbers from ``1``, ``2`` ... or ``.1``, ``..2`` (dots count when no digits follow)."""
    text = raw.astype(str)
    digits = text.str.extract(r"^\.*\s*(\d+)\s*$")[0]
    dots = text.str.match(r"^\.+$")
    lev = np.full(len(text), -1, dtype=np.int64)
    has = digits.notna().to_numpy()
    lev[has] = digits[has].astype(int).to_numpy()
    dd = dots.to_numpy()
    lev[dd] = text[dd].str.len().to_numpy()
    problems += row_problems(
        lev < 0, "not a BOM level", file=file, first_row=first, field=col, values=text.to_numpy(),
        expected="1, 2, 3 ... or .1, ..2",
    )  # fmt: skip
    return lev


def read_bom(
    path: str | Path,
    *,
    format: Literal["indented", "parent-child"] | None = None,
    columns: BomColumns | dict[str, str] | None = None,
    mapping: str | Path | pd.DataFrame | None = None,
    product_id: str = "product",
    sheet: str | int = 0,
    default_mass_unit: str = "kg",
    unit_map: dict[str, str] | None = None,
    erp: str | ErpRules | dict[str, Any] | None = None,
    decimal: Literal[".", ","] | None = None,
    limits: Limits | None = None,
) -> BomImport:
    """Read an indented BOM or a parent-child table (CSV or Excel) into items and materials.

    ``format`` is detected from the columns when not given (a level column means indented). Every problem
    (missing columns, bad levels or quantities, unknown units, unmapped codes, items defined differently
    in two places) is collected into one :class:`ProductError` naming file, row and column.
    ``erp`` (a preset name ``sap``, ``ifs``, ``odoo`` or :class:`ErpRules`) says which rows are raw
    materials; a row whose children are all raw materials is a part made from them (see docs/bom-import.md).
    Only the columns named by ``columns`` and ``erp`` are read. ``decimal`` is the export's decimal
    separator: without it (nor one stated by the mapping table in a leading ``# decimal: ,`` line, nor for
    the run with :func:`use_decimal`) a number with a comma is refused as ambiguous. An export of more than ``limits.bom_edges`` rows is refused.
    """
    import pandas as pd

    try:
        rules = erp_rules(erp)
    except ValueError as exc:
        msg = str(exc).splitlines()[0]
        raise ProductError([Problem(msg, file=str(path), field="erp", expected="sap, ifs, odoo or ErpRules")]) from None
    cols = columns if isinstance(columns, BomColumns) else BomColumns(**(columns or {}))
    units = {**ERP_UNITS, **(unit_map or {})}
    expect_type(path, (str, os.PathLike), "path")
    table = _mapping(mapping)
    mapping_decimal: Literal[".", ","] | None = table.attrs.get("decimal") if table is not None else None
    decimal = decimal or mapping_decimal or current_decimal()
    limits = limits or current_limits()
    path = Path(path)
    file = str(path)
    needed = {*cols.model_dump().values(), rules.material_type, rules.procurement_type, rules.item_category}
    df, first, problems = _read_table(path, sheet, needed.__contains__)
    if problems:
        raise ProductError(problems, what=file)
    if df.empty:
        raise ProductError([Problem("the BOM has no rows", file=file, expected="one row per BOM line")], what=file)
    if len(df) > limits.bom_edges:
        raise ProductError(
            [Problem(f"the BOM export has {len(df):,} rows", file=file, expected=limit_hint(limits, "bom_edges"))],
            what=file,
        )
    fmt = format or ("indented" if cols.level in df.columns else "parent-child")
    _check_columns(df.columns, cols, fmt, file, first)

    def col(name: str) -> pd.Series:
        return df[name] if name in df.columns else pd.Series([""] * len(df), index=df.index, dtype=str)

    code = col(cols.item)
    problems += row_problems(
        code.to_numpy() == "",
        "item code is empty",
        file=file,
        first_row=first,
        field=cols.item,
        expected="a part number",
    )
    qty, refused = _numbers(col(cols.quantity), decimal, file, first, cols.quantity, problems)
    problems += row_problems(
        (~np.isfinite(qty) | (qty < 0)) & ~refused, "quantity is not a finite number >= 0", file=file, first_row=first,
        field=cols.quantity, values=col(cols.quantity).to_numpy(), expected="e.g. 2 or 12.5",
    )  # fmt: skip

    row_unit = _row_units(col(cols.unit).replace("", "piece"), units, file, first, cols.unit, problems)

    net, gross = _row_masses(col, cols, default_mass_unit, units, decimal, file, first, problems)

    if fmt == "indented":
        parent_code, occurrence, root = _indented_parents(
            col(cols.level), code, product_id, file, first, cols.level, problems
        )
    else:
        parent_code, occurrence, root = _parent_child_parents(col(cols.parent).to_numpy(), code, product_id)
    if problems:
        raise ProductError(problems, what=file)

    lines = pd.DataFrame(
        {
            "row": np.arange(len(df)) + first,
            "parent": parent_code,
            "occurrence": occurrence,
            "item": code.to_numpy(),
            "qty": qty,
            "unit": row_unit.to_numpy(),
            "description": col(cols.description).to_numpy(),
            "material": col(cols.material).to_numpy(),
            "net": net,
            "gross": gross,
            "mtype": col(rules.material_type or "\0").to_numpy(),
            "proc": col(rules.procurement_type or "\0").to_numpy(),
            "cat": col(rules.item_category or "\0").to_numpy(),
        }
    )
    top = lines[lines["parent"] == ""]
    root_net = {root: float(top["net"].iloc[0])} if len(top) == 1 and np.isfinite(top["net"].iloc[0]) else {}
    root_name = str(top["description"].iloc[0]) if len(top) == 1 else ""
    lines, warnings, more = resolve_raw_materials(lines[lines["parent"] != ""], rules, file)
    problems += more
    colnames = {"unit": cols.unit, "material": cols.material, "net": cols.net_mass, "gross": cols.gross_mass}
    imp = _assemble(lines, root, file, table, problems, colnames, root_name)
    _last_origins.set(_origins(imp, lines, file, cols, table))
    nets = lines.groupby("item")["net"].first().dropna()
    stated = {**{str(k): float(v) for k, v in nets.items()}, **root_net}
    warnings += mass_balance(imp.items, stated, rules.mass_tolerance)
    return imp.model_copy(update={"warnings": warnings + imp.warnings})


def _check_columns(present: pd.Index, cols: BomColumns, fmt: str, file: str, first: int) -> None:
    """The columns a BOM of ``fmt`` cannot be read without: item, quantity, and level or parent."""
    need = [cols.item, cols.quantity] + ([cols.level] if fmt == "indented" else [cols.parent])
    missing = [c for c in need if c not in present]
    if missing:
        raise ProductError(
            [
                Problem(
                    "required column missing",
                    file=file,
                    row=first - 1,
                    field=c,
                    expected=f"a column named {c!r} (set BomColumns to rename)",
                )
                for c in missing
            ],
            what=file,
        )


def _row_units(
    unit_col: pd.Series, units: dict[str, str], file: str, first: int, field: str, problems: list[Problem]
) -> pd.Series:
    """Each row's unit as footprint names it (an ERP code mapped by ``units``), one parse per distinct code."""
    unit_of: dict[str, str] = {}
    for u in unit_col.unique():
        try:
            unit_of[u] = _unit(u, units)
        except UnitError:
            rows = [first + int(i) for i in np.flatnonzero(unit_col.to_numpy() == u)]
            problems.append(
                Problem(
                    f"unknown unit on {len(rows)} row(s) {rows[:10]}",
                    file=file,
                    row=rows[0],
                    field=field,
                    value=u,
                    expected="a unit or ERP unit code (PCE, KG, M, L ...)",
                )
            )
    return unit_col.map(unit_of).astype(object).fillna("piece")


def _row_masses(
    col: Callable[[str], pd.Series],
    cols: BomColumns,
    default_mass_unit: str,
    units: dict[str, str],
    decimal: Literal[".", ","] | None,
    file: str,
    first: int,
    problems: list[Problem],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Each row's net and gross mass in kg (NaN where not given), from its mass unit (default
    ``default_mass_unit``); a gross mass below the net mass is a problem."""
    mass_unit = col(cols.mass_unit).replace("", default_mass_unit)
    kg_per: dict[str, float] = {}
    for u in mass_unit.unique():
        try:
            kg_per[u] = conversion_factor(_unit(u, units), "kg")
        except UnitError:
            rows = [first + int(i) for i in np.flatnonzero(mass_unit.to_numpy() == u)]
            problems.append(
                Problem(
                    "mass unit is not a unit of mass",
                    file=file,
                    row=rows[0],
                    field=cols.mass_unit,
                    value=u,
                    expected="kg, g, t or lb",
                )
            )
    to_kg = mass_unit.map(kg_per).to_numpy(dtype=float)
    masses = {}
    for name in (cols.net_mass, cols.gross_mass):
        raw = col(name)
        val, refused = _numbers(raw, decimal, file, first, name, problems)
        bad = (raw.to_numpy() != "") & (~np.isfinite(val) | (val < 0)) & ~refused
        problems += row_problems(
            bad, "mass is not a finite number >= 0", file=file, first_row=first, field=name,
            values=raw.to_numpy(), expected="e.g. 12.5",
        )  # fmt: skip
        masses[name] = np.where(raw.to_numpy() == "", np.nan, val * to_kg)
    net, gross = masses[cols.net_mass], masses[cols.gross_mass]
    problems += row_problems(
        gross < net, "gross mass is below the net mass", file=file, first_row=first, field=cols.gross_mass,
        values=col(cols.gross_mass).to_numpy(), expected=">= the net mass",
    )  # fmt: skip
    return net, gross


def _indented_parents(
    level_col: pd.Series, code: pd.Series, product_id: str, file: str, first: int, field: str, problems: list[Problem]
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64], str]:
    """An indented BOM's parent of each row (the nearest row above it one level up), the row each line hangs
    under (a shared assembly is listed under each parent: its first occurrence's children are kept), and the
    root: the single top row, else ``product_id``. Any problem so far stops here."""
    lev = _levels(level_col, file, first, field, problems)
    parent_row = np.full(len(code), -1, dtype=np.int64)
    if not problems:
        top = lev.min()
        jumps = np.flatnonzero(np.diff(lev) > 1) + 1
        for i in jumps:
            problems.append(
                Problem(
                    f"level jumps from {lev[i - 1]} to {lev[i]}",
                    file=file,
                    row=first + int(i),
                    field=field,
                    value=level_col.iloc[i],
                    expected=f"at most {lev[i - 1] + 1}",
                )
            )
        for level in np.unique(lev[lev > top]):
            cand = np.flatnonzero(lev == level - 1)
            at = np.flatnonzero(lev == level)
            k = np.searchsorted(cand, at) - 1
            orphan = k < 0
            for i in at[orphan]:
                problems.append(
                    Problem(
                        "row has no parent above it",
                        file=file,
                        row=first + int(i),
                        field=field,
                        value=int(lev[i]),
                        expected=f"a row at level {level - 1} before it",
                    )
                )
            parent_row[at[~orphan]] = cand[k[~orphan]]
    if problems:
        raise ProductError(problems, what=file)
    tops = np.flatnonzero(lev == lev.min())
    if len(tops) == 1 and tops[0] == 0:
        root = str(code.iloc[0])
        parent_code = np.where(parent_row >= 0, code.to_numpy()[np.maximum(parent_row, 0)], "")
    else:
        root = product_id
        parent_code = np.where(parent_row >= 0, code.to_numpy()[np.maximum(parent_row, 0)], root)
    return parent_code, parent_row, root


def _parent_child_parents(
    parent_code: npt.NDArray[Any], code: pd.Series, product_id: str
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64], str]:
    """A parent-child table's parents as given; the root is the one parent no row lists as a child, else
    ``product_id`` above every such parent and every row without a parent."""
    occurrence = np.zeros(len(code), dtype=np.int64)
    children = set(code.to_numpy())
    roots = sorted({p for p in parent_code if p and p not in children})
    if len(roots) == 1:
        return parent_code, occurrence, roots[0]
    parent_code = np.where(np.isin(parent_code, roots) | (parent_code == ""), product_id, parent_code)
    return parent_code, occurrence, product_id


Origin = tuple[str, int | None, str, str]
#: where the items and materials of the last import of this context came from (see :func:`import_origins`)
_last_origins: ContextVar[dict[str, Origin]] = ContextVar("footprint_bom_origins", default={})  # noqa: B039


def import_origins() -> dict[str, Origin]:
    """Where each item (by id) and material (``material:<code>``) of the last :func:`read_bom` came from:
    (file, row, column, a note naming the mapping row)."""
    return _last_origins.get()


def _origins(
    imported: BomImport, lines: pd.DataFrame, file: str, cols: BomColumns, mapping: pd.DataFrame | None
) -> dict[str, Origin]:
    """Where each imported item (by id) and material (by ``material:`` and code) was read: the export's
    row and column, and the mapping row that gave its factor, so that later problems point there."""
    first_row = lines.groupby("item", sort=False)["row"].min().to_dict()
    map_rows: dict[str, int] = {}
    map_file = ""
    if mapping is not None:
        map_file = str(mapping.attrs.get("file", "the mapping table"))
        start = int(mapping.attrs.get("first_row", 0))
        map_rows = {str(c): start + i for i, c in enumerate(mapping["code"]) if str(c) not in map_rows}
    out: dict[str, Origin] = {}
    for item in imported.items:
        code = item.material or item.id
        note = f"; its factor comes from {map_file} row {map_rows[code]}" if code in map_rows else ""
        column = cols.material if item.material else cols.item
        out[item.id] = (file, first_row.get(item.id), column, note)
    for mat in imported.materials:
        out[f"material:{mat.id}"] = (map_file, map_rows.get(mat.id), "factor", "")
    return out


def _mapping(mapping: str | Path | pd.DataFrame | None) -> pd.DataFrame | None:
    if mapping is None:
        return None
    import pandas as pd

    if isinstance(mapping, pd.DataFrame):
        df = mapping.astype(str)
        if "kind" not in df.columns:
            df["kind"] = "material"
        df.attrs["first_row"] = 0
        return df
    return read_mapping(mapping)


def _check_agreement(
    lines: pd.DataFrame,
    grouped: Any,
    attrs: pd.DataFrame,
    file: str,
    colnames: dict[str, str],
    problems: list[Problem],
) -> None:
    """An item's unit, material and masses must agree wherever it is listed: each difference is a problem
    naming the first row that differs."""
    for attr in ("unit", "material", "net", "gross"):
        varies = grouped[attr].nunique(dropna=True)
        for item in varies[varies > 1].index:
            sub = lines[lines["item"] == item]
            first_value = attrs.loc[item, attr]
            odd = sub[sub[attr].notna() & (sub[attr] != first_value)]
            problems.append(
                Problem(
                    f"item {item!r} is listed with different values (first {first_value!r} on row {int(sub['row'].iloc[0])})",
                    file=file,
                    row=int(odd["row"].iloc[0]),
                    field=colnames[attr],
                    value=odd[attr].iloc[0],
                    expected="the same value wherever the item is listed",
                )
            )


def _mapping_records(mapping: pd.DataFrame | None, file: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The mapping table's rows by code: materials, and components (``kind`` component), each with the file
    and row it came from."""
    mat_map: dict[str, Any] = {}
    comp_map: dict[str, Any] = {}
    if mapping is not None:
        mfile, mfirst = mapping.attrs.get("file", file), int(mapping.attrs.get("first_row", 0))
        for k, raw in enumerate(mapping.to_dict("records")):
            rec = {**raw, "__file__": mfile, "__row__": mfirst + k if mfirst else None}
            (comp_map if rec.get("kind") == "component" else mat_map)[rec["code"]] = rec
    return mat_map, comp_map


def _children(lines: pd.DataFrame) -> dict[str, list[Child]]:
    """Each parent's children: positions summed within one occurrence of the parent, the first occurrence of
    a parent listed more than once defining its children."""
    first_occ = lines.groupby("parent")["occurrence"].transform("min")
    edges = lines[lines["occurrence"] == first_occ].groupby(["parent", "item"], sort=False)["qty"].sum()
    kids_of: dict[str, list[Child]] = {}
    for key, q in edges.items():
        parent, child = str(key[0]), str(key[1])  # type: ignore[index]
        kids_of.setdefault(str(parent), []).append(Child(item=str(child), quantity=float(q)))
    return kids_of


def _assemble(
    lines: pd.DataFrame,
    root: str,
    file: str,
    mapping: pd.DataFrame | None,
    problems: list[Problem],
    colnames: dict[str, str],
    root_name: str = "",
) -> BomImport:
    """Items, edges and materials from BOM lines that know their parent item."""
    # an item's attributes must agree wherever it is listed
    lines = lines.assign(material=lines["material"].replace("", np.nan))
    grouped = lines.groupby("item", sort=False)
    attrs = grouped.agg(
        unit=("unit", "first"),
        description=("description", "first"),
        material=("material", "first"),
        net=("net", "first"),
        gross=("gross", "first"),
        kind=("kind", "first"),
        first_row=("row", "min"),
    )
    _check_agreement(lines, grouped, attrs, file, colnames, problems)
    mat_map, comp_map = _mapping_records(mapping, file)
    kids_of = _children(lines)
    items: list[Item] = []
    used_materials: dict[str, Material] = {}
    massless: list[str] = []
    unused_gross: list[str] = []
    all_ids = [root, *[i for i in attrs.index if i != root]]
    for item_id in all_ids:
        a = attrs.loc[item_id] if item_id in attrs.index else None
        kids = kids_of.get(item_id, [])
        unit = str(a["unit"]) if a is not None and a["unit"] is not None else "piece"
        name = (str(a["description"]) or None) if a is not None else (root_name or None)
        mat = str(a["material"]) if a is not None and isinstance(a["material"], str) else ""
        row = int(a["first_row"]) if a is not None else None
        made = a is not None and a["kind"] == "part"
        if kids and not made:
            if a is not None and np.isfinite(a["gross"]):
                unused_gross.append(item_id)
            items.append(Item(id=item_id, name=name, kind="assembly", unit=unit, children=kids))
            continue
        if item_id in comp_map:
            net = float(a["net"]) if a is not None else np.nan
            if a is not None and np.isfinite(a["gross"]) and a["gross"] != net:
                unused_gross.append(item_id)
            comp, comp_mat, more, note = component_item(item_id, name, unit, comp_map[item_id], net, mat_map, file, row)
            problems += more
            if comp is not None:
                items.append(comp.model_copy(update={"children": kids}) if kids else comp)
            if comp_mat:
                used_materials.setdefault(comp_mat, _material(comp_mat, mat_map[comp_mat]))
            if note:
                massless.append(note)
        elif mat:
            if mat not in mat_map:
                problems.append(
                    Problem(
                        "material code has no factor in the mapping",
                        file=file,
                        row=row,
                        field="material",
                        value=mat,
                        expected="a mapping row with code and factor",
                    )
                )
                continue
            net = a["net"] if a is not None else np.nan
            if not np.isfinite(net):
                problems.append(
                    Problem(
                        "a part with a material needs its net mass",
                        file=file,
                        row=row,
                        field="net_mass",
                        value=item_id,
                        expected="a mass in the net_mass column",
                    )
                )
                continue
            gross = a["gross"]  # type: ignore[index]
            used_materials.setdefault(mat, _material(mat, mat_map[mat]))
            items.append(
                Item(
                    id=item_id, name=name, kind="part", unit=unit, material=mat, children=kids,
                    net_mass=Amount(value=float(net), unit="kg"),
                    gross_mass=Amount(value=float(gross), unit="kg") if np.isfinite(gross) else None,
                )
            )  # fmt: skip
        else:
            problems.append(
                Problem(
                    "item has no children, no material and no mapping",
                    file=file,
                    row=row,
                    field="item",
                    value=item_id,
                    expected="a material code, child rows, or a mapping row (kind component) for its code",
                )
            )
    if problems:
        raise ProductError(problems, what=file)
    warnings = []
    if massless:
        warnings.append(
            "bought-in items without a weight (give one in the export or a mass in the mapping; product mass, "
            f"transport of the product and end of life leave them out): {', '.join(massless)}"
        )
    if unused_gross:
        warnings.append(
            "gross weights not used (an assembly weighs what its contents weigh, a bought-in item its net "
            f"weight): {', '.join(unused_gross[:10])}"
        )
    return BomImport(root=root, items=items, materials=list(used_materials.values()), warnings=warnings)


def _material(code: str, rec: dict[str, Any]) -> Material:
    def opt(key: str) -> Any:
        v = rec.get(key)
        return None if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() in ("", "nan") else v

    factors = [f.strip() for f in re.split(r"[;|]", str(rec["factor"])) if f.strip()]
    return Material(
        id=code,
        name=opt("name"),
        factor=factors[0] if len(factors) == 1 else factors,
        recycled_content=float(opt("recycled_content") or 0.0),
        end_of_life=opt("end_of_life"),
        scrap_end_of_life=opt("scrap_end_of_life"),
    )
