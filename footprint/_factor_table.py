"""Reading a well-formed factor CSV column by column: the fast path for large files.

Validated row by row (a dict of text, then pydantic, for each row), a factor file of 272,000 rows takes
tens of seconds and over a gigabyte. Here pandas reads only the known columns and every rule of
docs/factor-files.md is checked on whole columns, each distinct unit, date, uncertainty and property parsed
once. The checks are as strict as the row reader's or stricter: a file that passes all of them becomes
factors directly; any other file gives ``None`` and the row reader runs, naming every problem with its line.
"""

from __future__ import annotations

import csv
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import repeat
from math import isnan
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._energy_basis import is_energy
from ._factors import _ID, _PREFOLD_SETS, BOUNDARIES, CATEGORIES, EmissionFactor, Uncertainty
from ._gwp import gases
from ._units import parse_unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["bulk_objects", "fast_factors"]

_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_TEXT = ("source_url", "table", "notes", "density", "net_calorific_value")
_DQR = ("dqr_technological", "dqr_geographical", "dqr_temporal")
_REQUIRED = ("id", "name", "category", "unit", "source", "edition", "region", "licence", "boundary")
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}


def _header(path: Path) -> tuple[int, list[str]] | None:
    """Lines before the header (blank or ``#``) and the header's cells, reading no further than it."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        for skip, line in enumerate(f):
            if line.strip() and not line.lstrip().startswith("#"):
                return skip, [h.strip() for h in next(csv.reader([line]))]
    return None


def _each(values: pd.Series, parse: Callable[[str], Any]) -> dict[str, Any] | None:
    """``parse`` of each distinct non-empty value, or ``None`` if any of them fails."""
    out: dict[str, Any] = {"": None}
    for v in values.unique():
        if v:
            try:
                out[v] = parse(v)
            except Exception:  # any refusal sends the file to the row reader, which names it
                return None
    return out


def _numbers(col: pd.Series) -> np.ndarray | None:
    """Floats of a column (NaN where empty); ``None`` if a cell is not a plain finite number >= 0."""
    given = col != ""
    if not col[given].str.match(_NUMBER).all():
        return None
    # numpy parses text as Python's float() does, correctly rounded, as the row reader
    x = np.array([v or "nan" for v in col.tolist()], dtype=np.float64)
    return None if (np.isinf(x) | (x < 0)).any() else x


def _checked(df: pd.DataFrame) -> dict[str, Any] | None:
    """Every column checked and converted, or ``None`` if any cell needs the row reader."""
    n = len(df)
    req = {c: df[c] for c in _REQUIRED}
    if any((req[c] == "").any() for c in _REQUIRED):
        return None
    if not (req["category"].isin(CATEGORIES).all() and req["boundary"].isin(BOUNDARIES).all()):
        return None
    if not req["id"].str.match(_ID.pattern).all() or _each(req["unit"], parse_unit) is None:
        return None
    get = {c: df[c] if c in df.columns else None for c in ("kg_CO2e", "gwp_set", *_DQR, "proxy")}
    out: dict[str, Any] = {"gases": {}}
    for g in gases():
        if f"kg_{g}" in df.columns and (x := _numbers(df[f"kg_{g}"])) is not None:
            out["gases"][g] = x
        elif f"kg_{g}" in df.columns:
            return None
    has_gas = np.zeros(n, dtype=bool)
    for x in out["gases"].values():
        has_gas |= ~np.isnan(x)
    co2e = np.full(n, np.nan) if get["kg_CO2e"] is None else _numbers(get["kg_CO2e"])
    gwp = get["gwp_set"] if get["gwp_set"] is not None else None
    if co2e is None:
        return None
    folded = ~np.isnan(co2e)
    set_ok = np.zeros(n, dtype=bool) if gwp is None else gwp.isin(_PREFOLD_SETS).to_numpy()
    set_empty = np.ones(n, dtype=bool) if gwp is None else (gwp == "").to_numpy()
    if not np.all(np.where(folded, set_ok & ~has_gas, set_empty & has_gas)):
        return None
    out["co2e"], out["gwp_set"] = co2e, gwp
    for c in _DQR:
        if (dqr := get[c]) is not None and not dqr.isin(["", "1", "2", "3", "4", "5"]).all():
            return None
    if (proxy := get["proxy"]) is not None and not proxy.str.lower().isin(_TRUE | _FALSE).all():
        return None
    checks: dict[str, Callable[[str], Any]] = {
        "valid_from": _iso_date, "valid_to": _iso_date, "uncertainty": Uncertainty.parse,
        "density": EmissionFactor.density_is_mass_per_volume, "net_calorific_value": EmissionFactor.ncv_is_energy_per_mass,
    }  # fmt: skip
    for c, parse in checks.items():
        if c in df.columns and (out.setdefault(f"parsed_{c}", _each(df[c], parse))) is None:
            return None
    if "valid_from" in df.columns and "valid_to" in df.columns:
        start, end = df["valid_from"].map(out["parsed_valid_from"]), df["valid_to"].map(out["parsed_valid_to"])
        both = start.notna() & end.notna()
        if (start[both] > end[both]).any():
            return None
    return out if _energy_basis_ok(df, req, out) else None


def _energy_basis_ok(df: pd.DataFrame, req: dict[str, pd.Series], out: dict[str, Any]) -> bool:
    """The heating-value basis rules of docs/factor-files.md on whole columns; the ratios into ``out``."""
    import pandas as pd

    empty = pd.Series(False, index=df.index)
    basis = df["energy_basis"] if "energy_basis" in df.columns else pd.Series("", index=df.index)
    energy = _each(req["unit"], is_energy)
    if energy is None or not basis.isin(["", "net", "gross"]).all():
        return False
    per_energy = req["unit"].map(energy).astype(bool)
    fuel = req["category"].isin(["fuel", "fuel-wtt"])
    ncv = df["net_calorific_value"] != "" if "net_calorific_value" in df.columns else empty
    given = basis != ""
    if (fuel & per_energy & ~given).any() or (given & ~per_energy).any() or ((basis == "gross") & ncv).any():
        return False
    ratio = np.full(len(df), np.nan)
    if "gcv_ncv_ratio" in df.columns:
        x = _numbers(df["gcv_ncv_ratio"])
        if x is None or (~np.isnan(x) & ~(given.to_numpy() & (x > 1.0) & (x <= 1.5))).any():
            return False
        ratio = x
    out["energy_basis"], out["gcv_ncv_ratio"] = basis, ratio
    return True


def _iso_date(text: str) -> date:
    return date.fromisoformat(text)


def _shared(col: pd.Series) -> list[Any]:
    """A column as a list whose equal strings are one object (a unit or licence repeated on every row)."""
    import pandas as pd

    codes, uniques = pd.factorize(col)
    if len(uniques) * 10 > len(col):
        return col.tolist()
    return np.asarray(uniques, dtype=object)[codes].tolist()  # type: ignore[no-any-return]


def fast_factors(path: Path, known: set[str]) -> list[EmissionFactor] | None:
    """The factors of a well-formed CSV factor file, or ``None`` when the row reader must run."""
    import pandas as pd

    try:
        head = _header(path)
    except (UnicodeDecodeError, csv.Error):  # the row reader names the problem
        return None
    if head is None or len(set(head[1])) != len(head[1]) or not set(_REQUIRED) <= set(head[1]) <= known:
        return None
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=head[0], encoding="utf-8-sig")
    except Exception:  # undecodable or damaged: the row reader names the problem
        return None
    if df.empty or not isinstance(df.index, pd.RangeIndex) or df.isna().to_numpy().any():
        return None
    for c in df.columns:
        df[c] = df[c].str.strip()
    if df["id"].duplicated().any():  # identical rows count once; an id with other values needs the row reader
        df = df.drop_duplicates()
        if df["id"].duplicated().any():
            return None
    try:
        checked = _checked(df)
        if checked is None:
            return None
        with bulk_objects():
            return _build(df, checked)
    except Exception:  # a case the checks did not foresee: the row reader, slower, names it
        return None


def _build(df: pd.DataFrame, checked: dict[str, Any]) -> list[EmissionFactor]:
    """EmissionFactors from checked columns, built as pydantic's ``model_construct`` builds them."""
    n = len(df)
    cols: dict[str, list[Any]] = {c: _shared(df[c]) for c in _REQUIRED}
    for c in _TEXT:
        if c in df.columns:
            cols[c] = [v or None for v in df[c].tolist()]
    for c in ("valid_from", "valid_to", "uncertainty"):
        if c in df.columns:
            parsed = checked[f"parsed_{c}"]  # maps "" to None
            cols[c] = [parsed[v] for v in df[c].tolist()]
    for c in _DQR:
        if c in df.columns:
            cols[c] = [int(v) if v else None for v in df[c].tolist()]
    if "proxy" in df.columns:
        cols["proxy"] = df["proxy"].str.lower().isin(_TRUE).tolist()
    cols["energy_basis"] = [b or None for b in checked["energy_basis"].tolist()]
    cols["gcv_ncv_ratio"] = [None if isnan(x) else float(x) for x in checked["gcv_ncv_ratio"].tolist()]
    folded = ~np.isnan(checked["co2e"])
    if folded.any():
        cols["co2e"] = [float(x) if f else None for x, f in zip(checked["co2e"], folded, strict=True)]
        cols["gwp_set"] = [s or None for s in checked["gwp_set"].tolist()]
    gas_names = list(checked["gases"])
    gas_rows = zip(*(checked["gases"][g].tolist() for g in gas_names), strict=True) if gas_names else repeat(())
    cols["gases"] = [
        {g: x for g, x in zip(gas_names, v, strict=True) if not isnan(x)}
        for v, _ in zip(gas_rows, range(n), strict=False)
    ]
    given = set(cols)
    for name, f in EmissionFactor.model_fields.items():
        if name not in cols:
            cols[name] = repeat(f.get_default(call_default_factory=True))  # type: ignore[assignment]
    names = list(cols)
    new, setattr_ = EmissionFactor.__new__, object.__setattr__
    out = []
    for values in zip(*cols.values(), strict=False):  # the defaults repeat without end
        factor = new(EmissionFactor)
        setattr_(factor, "__dict__", dict(zip(names, values, strict=True)))
        setattr_(factor, "__pydantic_fields_set__", given.copy())
        setattr_(factor, "__pydantic_extra__", None)
        setattr_(factor, "__pydantic_private__", None)
        out.append(factor)
    return out


@contextmanager
def bulk_objects() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of objects, none of them in a cycle,
    are made: each collection would rescan all of them, and the time would grow with their square."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
