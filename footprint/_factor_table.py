"""Reading a well-formed factor CSV column by column: the fast path for large files.

Validated row by row (a dict of text, then pydantic, for each row), a factor file of 272,000 rows takes
tens of seconds and over a gigabyte. Here pandas reads only the known columns and every rule of
docs/factor-files.md is checked on whole columns, each distinct unit, date, uncertainty and property parsed
once. The checks are as strict as the row reader's or stricter: a file that passes all of them becomes a
:class:`FactorColumns`, whose rows are made into factors only when asked for; any other file gives ``None``
and the row reader runs, naming every problem with its line.
"""

from __future__ import annotations

import csv
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from importlib.util import find_spec
from itertools import repeat
from json.encoder import encode_basestring_ascii
from math import isnan
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from ._energy_basis import is_energy
from ._factor_rows import FactorRows
from ._factors import _ID, _PREFOLD_SETS, BOUNDARIES, CATEGORIES, EmissionFactor, Uncertainty
from ._substances import BESIDE_CO2E, substance_column, substances
from ._units import parse_unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FactorColumns", "bulk_objects", "fast_factors"]

_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_TEXT = ("source_url", "table", "notes", "density", "net_calorific_value", "supplier", "footprint_id")
_DQR = ("dqr_technological", "dqr_geographical", "dqr_temporal")
_REQUIRED = ("id", "name", "category", "unit", "source", "edition", "region", "licence", "boundary")
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}
_BLOCK_ROWS = 50_000  # rows pandas' own reader parses at a time
_ARROW_READER = find_spec("pyarrow") is not None  # pyarrow's CSV reader, where it is installed


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
    for g in substances():
        col = substance_column(g)
        if col in df.columns and (x := _numbers(df[col])) is not None:
            out["gases"][g] = x
        elif col in df.columns:
            return None
    has_gas = np.zeros(n, dtype=bool)  # any substance: a row of per-gas values needs one
    has_folded_gas = np.zeros(n, dtype=bool)  # one a pre-folded kg_CO2e may not stand beside
    for g, x in out["gases"].items():
        has_gas |= ~np.isnan(x)
        if g not in BESIDE_CO2E:
            has_folded_gas |= ~np.isnan(x)
    co2e = np.full(n, np.nan) if get["kg_CO2e"] is None else _numbers(get["kg_CO2e"])
    gwp = get["gwp_set"] if get["gwp_set"] is not None else None
    if co2e is None:
        return None
    folded = ~np.isnan(co2e)
    set_ok = np.zeros(n, dtype=bool) if gwp is None else gwp.isin(_PREFOLD_SETS).to_numpy()
    set_empty = np.ones(n, dtype=bool) if gwp is None else (gwp == "").to_numpy()
    if not np.all(np.where(folded, set_ok & ~has_folded_gas, set_empty & has_gas)):
        return None
    out["co2e"], out["gwp_set"] = co2e, gwp
    if "primary_data_share" in df.columns:
        share = _numbers(df["primary_data_share"])
        if share is None or (share > 1).any():
            return None
        out["primary_data_share"] = share
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


def fast_factors(path: Path, known: set[str]) -> FactorColumns | None:
    """The factors of a well-formed CSV factor file, or ``None`` when the row reader must run."""
    import pandas as pd

    try:
        head = _header(path)
    except (UnicodeDecodeError, csv.Error):  # the row reader names the problem
        return None
    if head is None or len(set(head[1])) != len(head[1]) or not set(_REQUIRED) <= set(head[1]) <= known:
        return None
    df = _read_text_columns(path, head[0])
    if df is None:
        return None
    if df.empty or not isinstance(df.index, pd.RangeIndex) or df.isna().to_numpy().any():
        return None
    for c in df.columns:
        ends = {*df[c].str[:1].unique(), *df[c].str[-1:].unique()}  # a few distinct characters
        if any(ch.isspace() for ch in ends):  # a column that needs no stripping is not copied
            df[c] = df[c].str.strip()
    ids = df["id"].tolist()
    if len(set(ids)) < len(ids):  # identical rows count once; an id with other values needs the row reader
        df = df.drop_duplicates().reset_index(drop=True)
        ids = df["id"].tolist()
        if len(set(ids)) < len(ids):
            return None
    try:
        checked = _checked(df)
        if checked is None:
            return None
        with bulk_objects():
            return FactorColumns(df, checked, ids)
    except Exception:  # a case the checks did not foresee: the row reader, slower, names it
        return None


def _read_text_columns(path: Path, skip: int) -> pd.DataFrame | None:
    """Every cell as text: by pyarrow's reader where it is installed (fastest, and the text stays in compact
    arrays), else by pandas' in blocks of rows (else its buffers for the whole file are held at once)."""
    import pandas as pd

    options: dict[str, Any] = {"dtype": str, "keep_default_na": False, "skiprows": skip, "encoding": "utf-8-sig"}
    if _ARROW_READER:
        try:
            df: pd.DataFrame = pd.read_csv(path, engine="pyarrow", **options)
            return df
        except Exception:  # a file it refuses: pandas' own reader decides
            pass
    try:
        return pd.concat(pd.read_csv(path, chunksize=_BLOCK_ROWS, **options), ignore_index=True)
    except Exception:  # undecodable or damaged: the row reader names the problem
        return None


def _text(v: str) -> str | None:
    return v or None


class FactorColumns(FactorRows):
    """The checked columns of a factor file. Row ``i`` becomes an :class:`EmissionFactor` (built as pydantic's
    ``model_construct`` builds one) when first asked for, then is kept. Text repeated down a column (a source,
    licence, unit, note) is held once; gases and other numbers stay in arrays."""

    def __init__(self, df: pd.DataFrame, checked: dict[str, Any], ids: list[str]) -> None:
        self._n = n = len(df)
        self._cols: dict[str, list[Any] | _Texts] = {}
        self._consts: dict[str, Any] = {}
        self._cols["id"] = self.ids = ids
        for c in _REQUIRED[1:]:
            self._put(c, df[c], str)
        for c in _TEXT:
            if c in df.columns:
                self._put(c, df[c], _text)
        for c in ("valid_from", "valid_to", "uncertainty"):
            if c in df.columns:
                self._put(c, df[c], checked[f"parsed_{c}"].__getitem__)  # maps "" to None
        for c in _DQR:
            if c in df.columns:
                self._put(c, df[c], lambda v: int(v) if v else None)
        if "proxy" in df.columns:
            self._put("proxy", df["proxy"], lambda v: v.lower() in _TRUE)
        self._put("energy_basis", checked["energy_basis"], _text)
        self._floats = {"gcv_ncv_ratio": checked["gcv_ncv_ratio"], "co2e": checked["co2e"]}
        if "primary_data_share" in checked:
            self._floats["primary_data_share"] = checked["primary_data_share"]
        folded = ~np.isnan(checked["co2e"])
        if folded.any():
            self._put("gwp_set", checked["gwp_set"], _text)
        self._gases: dict[str, np.ndarray] = checked["gases"]
        given = {*self._cols, *self._consts, *self._floats, "gases"}
        self._given = frozenset(given if folded.any() else given - {"co2e", "gwp_set"})
        for name, f in EmissionFactor.model_fields.items():
            if name not in self._cols and name not in self._consts and name not in self._floats and name != "gases":
                self._consts[name] = f.get_default(call_default_factory=True)
        self._made: list[EmissionFactor | None] = [None] * n

    def _put(self, name: str, col: pd.Series, convert: Callable[[str], Any]) -> None:
        """A column of text, converted: one value for a column that holds one, shared objects for repeats."""
        import pandas as pd

        if col.iloc[:1000].nunique() * 10 > min(len(col), 1000):  # distinct texts: nothing to share
            if convert in (str, _text):
                self._cols[name] = _Texts(col.array, empty_none=convert is _text)
            else:
                self._cols[name] = [convert(v) for v in col.tolist()]
            return
        codes, uniques = pd.factorize(col)
        values = [convert(u) for u in uniques.tolist()]
        if len(values) == 1:
            self._consts[name] = values[0]
        else:
            self._cols[name] = [values[k] for k in codes.tolist()]

    def __len__(self) -> int:
        return self._n

    def row(self, i: int) -> EmissionFactor:
        made = self._made[i]
        if made is None:
            made = self._made[i] = self._make(i)
        return made

    def _make(self, i: int) -> EmissionFactor:
        values: dict[str, Any] = {}
        for name in EmissionFactor.model_fields:
            if name in self._cols:
                values[name] = self._cols[name][i]
            elif name in self._floats:
                x = self._floats[name][i]
                values[name] = None if isnan(x) else float(x)
            elif name == "gases":
                values[name] = {g: float(a[i]) for g, a in self._gases.items() if not isnan(a[i])}
            else:
                values[name] = self._consts[name]
        factor = EmissionFactor.__new__(EmissionFactor)
        object.__setattr__(factor, "__dict__", values)
        object.__setattr__(factor, "__pydantic_fields_set__", set(self._given))
        object.__setattr__(factor, "__pydantic_extra__", None)
        object.__setattr__(factor, "__pydantic_private__", None)
        return factor

    def field(self, name: str) -> Sequence[Any]:
        if name in self._cols:
            col = self._cols[name]
            return col.tolist() if isinstance(col, _Texts) else col
        if name in self._consts:
            return [self._consts[name]] * self._n
        if name in self._floats:
            return [None if isnan(x) else x for x in self._floats[name].tolist()]
        return super().field(name)

    def floats(self, name: str) -> npt.NDArray[np.float64]:
        if name in self._floats:
            return np.asarray(self._floats[name], dtype=np.float64)
        return super().floats(name)

    def stated_matrix(self) -> npt.NDArray[np.bool_]:
        names = substances()
        m = np.zeros((self._n, len(names)), dtype=bool)
        for g, a in self._gases.items():
            m[:, names.index(g)] = ~np.isnan(a)
        return m

    def substance_matrix(self) -> npt.NDArray[np.float64]:
        names = substances()
        m = np.zeros((self._n, len(names)))
        for g, a in self._gases.items():
            m[:, names.index(g)] = np.where(np.isnan(a), 0.0, a)
        return m

    def json_rows(self, idx: Sequence[int]) -> list[str]:
        """As :meth:`FactorRows.json_rows`, a column at a time: each field's JSON text for the rows, then joined."""
        at = list(idx)
        pieces: list[Iterable[str]] = []
        for name in sorted(EmissionFactor.model_fields):
            key = f"{json.dumps(name)}: "
            if name in self._consts:
                pieces.append(repeat(key + _json(self._consts[name])))
            elif name in self._floats:
                xs = self._floats[name][at].tolist()
                pieces.append([key + ("null" if isnan(x) else float.__repr__(x)) for x in xs])
            elif name == "gases":
                pieces.append([key + text for text in _gases_json(self._gases, at)])
            else:
                col, memo = self._cols[name], dict[Any, str]()
                values = col.take(at) if isinstance(col, _Texts) else [col[i] for i in at]
                pieces.append([key + _json_memo(v, memo) for v in values])
        return ["{" + ", ".join(parts) + "}" for parts, _ in zip(zip(*pieces, strict=False), at, strict=False)]


class _Texts:
    """A column of distinct texts left in pandas' own array (compact where pandas stores text with pyarrow);
    ``empty_none`` reads an empty cell as None."""

    def __init__(self, array: Any, empty_none: bool) -> None:
        self._array, self._none = array, empty_none

    def __getitem__(self, i: int) -> str | None:
        v: str = self._array[i]
        return (v or None) if self._none else v

    def tolist(self) -> list[str | None]:
        values: list[str] = self._array.tolist()
        return [v or None for v in values] if self._none else [*values]

    def take(self, at: list[int]) -> list[str | None]:
        values: list[str] = self._array.take(at).tolist()
        return [v or None for v in values] if self._none else [*values]


def _gases_json(gas: dict[str, np.ndarray], at: list[int]) -> list[str]:
    """The ``gases`` dict of each row at ``at`` as JSON with sorted keys."""
    cols = [(f"{json.dumps(g)}: ", gas[g][at].tolist()) for g in sorted(gas)]
    return [
        "{" + ", ".join(k + float.__repr__(x) for k, xs in cols if not isnan(x := xs[r])) + "}" for r in range(len(at))
    ]


def _json(v: Any) -> str:
    """A field value as ``json.dumps`` writes it after pydantic's ``model_dump(mode="json")``."""
    if isinstance(v, str):
        return encode_basestring_ascii(v)
    if isinstance(v, date):
        return f'"{v.isoformat()}"'
    if isinstance(v, BaseModel):
        return json.dumps(v.model_dump(mode="json"), sort_keys=True)
    return json.dumps(v)


def _json_memo(v: Any, memo: dict[Any, str]) -> str:
    if isinstance(v, str):
        return encode_basestring_ascii(v)
    text = memo.get(v)
    if text is None:
        text = memo[v] = _json(v)
    return text


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
