"""Reading factor files (CSV, JSON, Excel) into a :class:`FactorLibrary`, every problem reported at once.

The format is described in docs/factor-files.md. A file with any problem raises :class:`FactorFileError`
listing all of them (file, row, field, value, expectation); nothing of it is loaded.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import math
import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from ._energy_basis import is_energy
from ._errors import FactorFileError, Problem, UnitError, UsageError, expect_type
from ._factor_rows import FactorRows, ObjectRows, PickedRows
from ._factor_table import bulk_objects
from ._factors import BOUNDARIES, CATEGORIES, EmissionFactor, FactorLibrary, Uncertainty
from ._substances import BESIDE_CO2E, SUBSTANCE_UNITS, substance_column, substances
from ._tables import did_you_mean
from ._units import check_unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["default_library", "load_factors", "read_factor_frame", "read_factor_records"]

_log = logging.getLogger(__name__)

_REQUIRED = ("id", "name", "category", "unit", "source", "edition", "region", "licence", "boundary")
_OPTIONAL = (
    "kg_CO2e", "gwp_set", "source_url", "table", "dqr_technological", "dqr_geographical", "dqr_temporal",
    "proxy", "density", "net_calorific_value", "energy_basis", "gcv_ncv_ratio", "uncertainty", "valid_from",
    "valid_to", "notes", "supplier", "footprint_id", "primary_data_share",
)  # fmt: skip
# written by FactorLibrary.to_frame beside the values they derive from: kgco2e_ar6 is checked, library ignored
_DERIVED = ("kgco2e_ar6", "library")
_DQR = ("dqr_technological", "dqr_geographical", "dqr_temporal")
_UNIT_HINT = "a unit footprint reads, e.g. kg, t, lb, L, kWh, MJ, TJ, Sm3, t*km, piece (docs/units.md)"
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}
# A CSV file this large or larger is read by columns (pandas, pyarrow); a smaller one, such as each bundled
# file (a few hundred rows at most), row by row: faster at that size, and no pandas import for a command.
_COLUMNS_FROM_BYTES = 256 * 1024


def _gas_columns() -> dict[str, str]:
    return {substance_column(g): g for g in substances()}


def _number(raw: str, problems: list[Problem], where: dict[str, Any], what: str) -> float | None:
    text = raw.strip().replace("\u2212", "-")
    try:
        x = float(text)
    except ValueError:
        problems.append(Problem("not a number", value=raw, expected=what, **where))
        return None
    if not math.isfinite(x):
        problems.append(Problem("number is not finite", value=raw, expected=what, **where))
        return None
    return x


_Where = Callable[[str], dict[str, Any]]


def _record_from_row(row: dict[str, str], file: str, line: int, problems: list[Problem]) -> dict[str, Any] | None:
    """Turn one flat row of text into the fields of an EmissionFactor, recording every problem.

    Each step reads its own fields into ``rec`` and appends what it finds wrong; the steps run in a fixed order, so
    the problems of one row are listed in the same order every time."""
    n_before = len(problems)
    rec: dict[str, Any] = {}

    def where(field: str) -> dict[str, Any]:
        return {"file": file, "row": line, "field": field}

    _identity_fields(row, rec, problems, where)
    _gas_values(row, rec, problems, where)
    _prefolded_value(row, rec, problems, where)
    _quality_ratings(row, rec, problems, where)
    _validity_dates(row, rec, problems, where)
    _energy_basis_fields(row, rec, problems, where)
    _uncertainty(row, rec, problems, where)
    for col in ("source_url", "table", "notes", "density", "net_calorific_value", "supplier", "footprint_id"):
        raw = (row.get(col) or "").strip()
        if raw:
            rec[col] = raw
    _primary_data_share(row, rec, problems, where)
    _conversions(rec, problems, where)
    _validity_order(row, rec, problems, where)
    if len(problems) > n_before:
        return None
    return _validated(row, rec, problems, where)


def _identity_fields(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """The required fields (id, name, category, unit, source and the rest of the provenance), each non-empty; the
    category and boundary from their lists, the unit one footprint reads."""
    for col in _REQUIRED:
        val = (row.get(col) or "").strip()
        if not val:
            problems.append(Problem("required value is empty", expected=f"a value for '{col}'", **where(col)))
        rec[col] = val
    if rec["category"] and rec["category"] not in CATEGORIES:
        problems.append(
            Problem("unknown category", value=rec["category"], expected=", ".join(CATEGORIES), **where("category"))
        )
    if rec["boundary"] and rec["boundary"] not in BOUNDARIES:
        problems.append(
            Problem("unknown boundary", value=rec["boundary"], expected=", ".join(BOUNDARIES), **where("boundary"))
        )
    if rec["unit"]:
        try:
            check_unit(rec["unit"])
        except UnitError:
            problems.append(Problem("unknown unit", value=rec["unit"], expected=_UNIT_HINT, **where("unit")))


def _emission(raw: str, rec: dict[str, Any], problems: list[Problem], where: dict[str, Any], what: str) -> float | None:
    """One emission value read as a number; negative only for a credit (reported, and still returned)."""
    x = _number(raw, problems, where, what)
    if x is not None and x < 0 and rec["category"] != "credit":
        problems.append(
            Problem(
                "negative emissions", value=raw, expected="a value >= 0 (negative only for category 'credit')", **where
            )
        )
    return x


def _gas_values(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """The per-substance values per unit, from the ``kg_<GAS>`` columns (``m3_``/``MJ_`` for resources)."""
    gas_values: dict[str, float] = {}
    for col, gas in _gas_columns().items():
        raw = (row.get(col) or "").strip()
        if raw:
            x = _emission(
                raw, rec, problems, where(col), f"{SUBSTANCE_UNITS.get(gas, 'kg')} of {gas} per unit, a finite number"
            )
            if x is not None:
                gas_values[gas] = x
    rec["gases"] = gas_values


def _prefolded_value(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """A pre-folded ``kg_CO2e`` with the GWP set it was folded with, in place of the per-gas values (beside it only
    the gases whose weight no GWP set changes); a row needs one or the other."""
    raw_co2e = (row.get("kg_CO2e") or "").strip()
    raw_set = (row.get("gwp_set") or "").strip()
    if raw_co2e:
        rec["co2e"] = _emission(raw_co2e, rec, problems, where("kg_CO2e"), "kg CO2e per unit, a finite number")
        if not raw_set:
            problems.append(
                Problem(
                    "pre-folded kg_CO2e without its GWP set",
                    expected="AR6, AR5, AR4, AR6-GWP20 or unspecified",
                    **where("gwp_set"),
                )
            )
        rec["gwp_set"] = raw_set or None
        if set(rec["gases"]) - BESIDE_CO2E:
            problems.append(
                Problem(
                    "both per-gas values and kg_CO2e given",
                    expected="either kg_<GAS> columns or kg_CO2e with gwp_set (beside kg_CO2e only "
                    + ", ".join(substance_column(g) for g in sorted(BESIDE_CO2E))
                    + ")",
                    **where("kg_CO2e"),
                )
            )
    elif raw_set:
        problems.append(
            Problem(
                "gwp_set given without kg_CO2e",
                value=raw_set,
                expected="gwp_set only beside a pre-folded kg_CO2e",
                **where("gwp_set"),
            )
        )
    elif not rec["gases"]:
        problems.append(
            Problem("no emission values", expected="at least one kg_<GAS> column or kg_CO2e", **where("kg_CO2"))
        )


def _quality_ratings(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """The data quality ratings (integers 1 to 5, PACT's DQR) and whether the factor is a proxy."""
    for col in _DQR:
        raw = (row.get(col) or "").strip()
        if raw:
            x = _number(raw, problems, where(col), "an integer rating from 1 (best) to 5 (worst)")
            if x is not None:
                if x != int(x) or not 1 <= x <= 5:
                    problems.append(
                        Problem(
                            "rating out of range",
                            value=raw,
                            expected="an integer from 1 (best) to 5 (worst)",
                            **where(col),
                        )
                    )
                else:
                    rec[col] = int(x)
    raw_proxy = (row.get("proxy") or "").strip().lower()
    if raw_proxy in _TRUE:
        rec["proxy"] = True
    elif raw_proxy not in _FALSE:
        problems.append(
            Problem("not a yes/no value", value=row.get("proxy"), expected="true or false", **where("proxy"))
        )


def _validity_dates(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """``valid_from`` and ``valid_to``, each an ISO date when given (their order is checked by
    :func:`_validity_order`)."""
    for col in ("valid_from", "valid_to"):
        raw = (row.get(col) or "").strip()
        if raw:
            try:
                rec[col] = date.fromisoformat(raw)
            except ValueError:
                problems.append(Problem("not an ISO date", value=raw, expected="YYYY-MM-DD", **where(col)))


def _validity_order(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """A validity period that ends before it starts is reported on ``valid_to``."""
    if rec.get("valid_from") and rec.get("valid_to") and rec["valid_from"] > rec["valid_to"]:
        problems.append(
            Problem(
                "valid_from is after valid_to",
                value=row.get("valid_to"),
                expected=f"a date on or after valid_from {rec['valid_from']}",
                **where("valid_to"),
            )
        )


def _uncertainty(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """The factor's uncertainty, in the text form :meth:`Uncertainty.parse` reads."""
    raw_unc = (row.get("uncertainty") or "").strip()
    if raw_unc:
        try:
            rec["uncertainty"] = Uncertainty.parse(raw_unc)
        except (ValueError, ValidationError) as exc:
            msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            problems.append(
                Problem(
                    f"cannot read uncertainty: {msg}",
                    value=raw_unc,
                    expected="e.g. 'lognormal gsd=1.2'",
                    **where("uncertainty"),
                )
            )


def _primary_data_share(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """The share of primary (measured) data in the factor, a fraction from 0 to 1."""
    raw_share = (row.get("primary_data_share") or "").strip()
    if raw_share:
        x = _number(raw_share, problems, where("primary_data_share"), "a fraction from 0 to 1")
        if x is not None and not 0 <= x <= 1:
            problems.append(
                Problem("primary data share out of range", value=raw_share, expected="a fraction from 0 to 1",
                        **where("primary_data_share"))
            )  # fmt: skip
        elif x is not None:
            rec["primary_data_share"] = x


def _conversions(rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """The conversions a factor carries (density, net calorific value), each checked for its dimension."""
    for col, check in (
        ("density", EmissionFactor.density_is_mass_per_volume),
        ("net_calorific_value", EmissionFactor.ncv_is_energy_per_mass),
    ):
        if col in rec:
            try:
                check(rec[col])
            except (ValueError, UnitError) as exc:
                problems.append(Problem(str(exc), value=rec[col], **where(col)))


def _validated(
    row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where
) -> dict[str, Any] | None:
    """``rec`` once the model accepts it, or None with the model's objections recorded against the row's fields."""
    try:
        EmissionFactor.model_validate(rec)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else None
            problems.append(
                Problem(
                    err["msg"].removeprefix("Value error, "), value=row.get(field or "") or None, **where(field or "id")
                )
            )
        return None
    return rec


def _energy_basis_fields(row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where) -> None:
    """Read ``energy_basis`` (net or gross; required for a fuel factor per unit of energy) and ``gcv_ncv_ratio``."""
    basis = (row.get("energy_basis") or "").strip().lower()
    try:
        per_energy: bool | None = is_energy(rec["unit"]) if rec["unit"] else None
    except UnitError:
        per_energy = None  # an unknown unit is reported on its own field
    if basis:
        if basis not in ("net", "gross"):
            problems.append(
                Problem(
                    "unknown energy basis",
                    value=basis,
                    expected="net (NCV/LHV) or gross (GCV/HHV)",
                    **where("energy_basis"),
                )
            )
        elif per_energy is False:
            problems.append(
                Problem(
                    f"a factor per {rec['unit']} has no heating-value basis",
                    value=basis,
                    expected="energy_basis only for a factor per unit of energy (kWh, MJ, TJ, MMBtu)",
                    **where("energy_basis"),
                )
            )
        elif basis == "gross" and (row.get("net_calorific_value") or "").strip():
            problems.append(
                Problem(
                    "a factor per gross energy cannot bridge with a net calorific value",
                    value=basis,
                    expected="net, or no net_calorific_value",
                    **where("energy_basis"),
                )
            )
        else:
            rec["energy_basis"] = basis
    elif rec["category"] in ("fuel", "fuel-wtt") and per_energy:
        problems.append(
            Problem(
                f"a fuel factor per {rec['unit']} needs its heating-value basis",
                expected="net (NCV/LHV, as IPCC gives them) or gross (GCV/HHV, as US EPA gives them)",
                **where("energy_basis"),
            )
        )
    _gcv_ncv_ratio(row, rec, problems, where, basis)


def _gcv_ncv_ratio(
    row: dict[str, str], rec: dict[str, Any], problems: list[Problem], where: _Where, basis: str
) -> None:
    """``gcv_ncv_ratio``, gross over net calorific value, for a factor that names its energy basis."""
    raw = (row.get("gcv_ncv_ratio") or "").strip()
    if raw:
        x = _number(raw, problems, where("gcv_ncv_ratio"), "gross over net calorific value, e.g. 1.108")
        if x is not None:
            if not basis:
                problems.append(
                    Problem("a GCV/NCV ratio needs the factor's energy_basis", value=raw, **where("gcv_ncv_ratio"))
                )
            elif 1.0 < x <= 1.5:
                rec["gcv_ncv_ratio"] = x
            else:
                problems.append(
                    Problem(
                        "ratio out of range",
                        value=raw,
                        expected="a GCV/NCV ratio above 1 and at most 1.5",
                        **where("gcv_ncv_ratio"),
                    )
                )


def _meant(col: str, known: Iterable[str]) -> str:
    meant = did_you_mean(col, known)
    return f"did you mean '{meant}'? " if meant else ""


def _check_header(header: Sequence[str], file: str, line: int | None) -> list[Problem]:
    known = set(_REQUIRED) | set(_OPTIONAL) | set(_DERIVED) | set(_gas_columns())
    problems = [
        Problem(
            "unknown column",
            value=col,
            expected=_meant(col, known) + "a column of docs/factor-files.md (gas columns are kg_<GAS>)",
            file=file,
            row=line,
            field=col,
        )
        for col in header
        if col not in known
    ]
    problems += [
        Problem("required column missing", expected=f"a column named '{col}'", file=file, row=line, field=col)
        for col in _REQUIRED
        if col not in header
    ]
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.append(Problem("column given twice", value=col, file=file, row=line, field=col))
        seen.add(col)
    return problems


def _rows_from_csv(text: str, file: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("#")):
        start += 1
    if start == len(lines):
        return [], [Problem("no header row", file=file, expected="a header row naming the columns")]
    reader = csv.reader(io.StringIO("\n".join(lines[start:])))
    header = [h.strip() for h in next(reader)]
    problems = _check_header(header, file, start + 1)
    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        line = start + reader.line_num + 1  # the first physical line of the next record
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"cannot read CSV: {exc}", file=file, row=line))
            break
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(
                Problem(
                    f"row has {len(values)} cells, the header {len(header)}",
                    file=file,
                    row=line,
                    expected="one cell per column (quote cells that contain commas)",
                )
            )
            continue
        rows.append((line, dict(zip(header, values, strict=True))))
    return rows, problems


def _flatten_json(obj: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for k, v in obj.items():
        if k == "gases" and isinstance(v, dict):
            for g, x in v.items():
                flat[substance_column(g)] = "" if x is None else str(x)
        elif k == "co2e":
            flat["kg_CO2e"] = "" if v is None else str(v)
        elif isinstance(v, bool):
            flat[k] = "true" if v else "false"
        else:
            flat[k] = "" if v is None else str(v)
    return flat


def _rows_from_json(text: str, file: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    from ._structured import UnreadableError, load_json

    try:
        data = load_json(text, file=file)
    except UnreadableError as exc:
        return [], [exc.problem]
    if isinstance(data, dict) and isinstance(data.get("factors"), list):
        data = data["factors"]
    if not isinstance(data, list):
        return [], [Problem("JSON is not a list of factors", file=file, expected='[{...}, ...] or {"factors": [...]}')]
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    allowed = set(_REQUIRED) | set(_OPTIONAL) | {"gases", "co2e"}
    for i, obj in enumerate(data):
        if not isinstance(obj, dict):
            problems.append(Problem("list item is not an object", file=file, row=i, value=obj))
            continue
        for k in obj:
            if k not in allowed:
                problems.append(
                    Problem("unknown field", file=file, row=i, field=k, expected="a field of docs/factor-files.md")
                )
        gas_obj = obj.get("gases")
        if gas_obj is not None and not isinstance(gas_obj, dict):
            problems.append(
                Problem(
                    "gases is not an object",
                    file=file,
                    row=i,
                    field="gases",
                    value=gas_obj,
                    expected='{"CO2": 2.5, ...}',
                )
            )
            continue
        for g in gas_obj or {}:
            if g not in substances():
                problems.append(
                    Problem("unknown substance", file=file, row=i, field=f"gases.{g}", expected=", ".join(substances()))
                )
        rows.append((i, _flatten_json({k: v for k, v in obj.items() if k in allowed})))
    return rows, problems


def _rows_from_excel(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - depends on the environment
        return [], [Problem("reading Excel needs openpyxl: pip install 'footprint[excel]'", file=str(path))]
    file = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return _rows_from_sheet(wb.worksheets[0].iter_rows(values_only=True), file)
        finally:
            wb.close()
    except Exception as exc:  # a damaged workbook: zipfile, XML and openpyxl errors of many kinds
        return [], [Problem(f"cannot read the workbook: {exc}", file=file, expected="an Excel .xlsx file")]


def _rows_from_sheet(
    it: Iterable[Sequence[object]], file: str
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    for r, values in enumerate(it, start=1):
        cells = [_cell(v) for v in values]
        if header is None:
            if not any(cells) or cells[0].lstrip().startswith("#"):
                continue
            header = [c.strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            problems += _check_header(header, file, r)
            continue
        if not any(c.strip() for c in cells):
            continue
        rows.append((r, dict(zip(header, cells[: len(header)], strict=False))))
    if header is None:
        problems.append(Problem("no header row", file=file, expected="a header row naming the columns"))
    return rows, problems


def _cell(v: object) -> str:
    """An Excel cell as the text a CSV would hold (dates as ISO dates, not date-times)."""
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def read_factor_records(path: str | Path) -> list[EmissionFactor]:
    """Read one factor file; raise :class:`FactorFileError` listing every problem in it."""
    return list(_read_rows(Path(path)))


def _read_rows(path: Path) -> FactorRows:
    """The factors of one factor file: a well-formed CSV's as its columns, made into factors when asked for."""
    file = str(path)
    if not path.is_file():
        raise FactorFileError(
            [Problem("file not found", file=file, expected="a CSV, JSON or Excel factor file")], what=file
        )
    suffix = path.suffix.lower()
    if suffix == ".csv" and path.stat().st_size >= _COLUMNS_FROM_BYTES:
        from ._factor_table import fast_factors

        fast = fast_factors(path, set(_REQUIRED) | set(_OPTIONAL) | set(_gas_columns()))
        if fast is not None:
            _log.debug("read %d factor(s) from %s by columns", len(fast), file)
            return fast
    if suffix in (".xlsx", ".xlsm"):
        rows, problems = _rows_from_excel(path)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FactorFileError(
                [Problem(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=file)], what=file
            ) from None
        if suffix == ".json" and _is_pact(text, path):
            return ObjectRows(_pact_records(path))
        if suffix == ".json":
            rows, problems = _rows_from_json(text, file)
        elif suffix == ".csv":
            rows, problems = _rows_from_csv(text, file)
        else:
            raise FactorFileError(
                [Problem("unknown file type", file=file, value=suffix, expected=".csv, .json or .xlsx")], what=file
            )
    factors = _build(rows, problems, file)
    _log.debug("read %d factor(s) from %s", len(factors), file)
    return ObjectRows(factors)


def _is_pact(text: str, path: Path) -> bool:
    """A PACT footprint file: named ``*.pact.json``, or JSON holding ``specVersion`` objects (an API answer)."""
    if path.name.lower().endswith(".pact.json"):
        return True
    from ._structured import UnreadableError, load_json

    try:
        data = load_json(text)
    except UnreadableError:  # read again as a factor file, which reports the problem
        return False
    if isinstance(data, dict) and "data" in data and "factors" not in data:
        data = data["data"]
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and "specVersion" in first


def _pact_records(path: Path) -> list[EmissionFactor]:
    """The supplier factors of a PACT file (ids ``pact.<company>.<product>``, see docs/pact.md)."""
    from ._errors import PactError
    from .pact._exchange import pact_factors

    try:
        return list(pact_factors(path, name=path.name))
    except PactError as exc:
        raise FactorFileError(
            [dataclasses.replace(p, file=p.file or str(path)) for p in exc.problems], what=str(path)
        ) from None


def _build(rows: list[tuple[int, dict[str, str]]], problems: list[Problem], file: str) -> list[EmissionFactor]:
    records: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, row in rows:
        rec = _record_from_row(row, file, line, problems)
        if rec is None:
            continue
        prior = records.get(rec["id"])
        if prior is not None:
            if prior[1] != rec:
                problems.append(
                    Problem(
                        f"duplicate id with other values than row {prior[0]}",
                        file=file,
                        row=line,
                        field="id",
                        value=rec["id"],
                        expected="unique ids (or identical rows)",
                    )
                )
            continue
        records[rec["id"]] = (line, rec)
    if not rows and not problems:
        problems.append(Problem("file holds no factors", file=file, expected="at least one factor row"))
    if problems:
        raise FactorFileError(problems, what=file)
    factors = [EmissionFactor.model_validate(rec) for _, rec in records.values()]
    problems = _derived_problems(rows, {f.id: f for f in factors}, file)
    if problems:
        raise FactorFileError(problems, what=file)
    return factors


def _derived_problems(
    rows: list[tuple[int, dict[str, str]]], factors: dict[str, EmissionFactor], file: str
) -> list[Problem]:
    """A ``kgco2e_ar6`` cell (written by :meth:`FactorLibrary.to_frame`) must agree with the factor's values:
    an edited copy whose derived column no longer matches its gases is refused rather than half-read."""
    problems: list[Problem] = []
    for line, row in rows:
        raw = (row.get("kgco2e_ar6") or "").strip()
        fac = factors.get((row.get("id") or "").strip())
        if not raw or fac is None:
            continue
        want = fac.co2e if fac.is_prefolded and fac.gwp_set == "AR6" else None
        want = fac.co2e_per_unit("AR6") if not fac.is_prefolded else want
        given = _number(raw, problems, {"file": file, "row": line, "field": "kgco2e_ar6"}, "kg CO2e per unit")
        if given is not None and (want is None or not math.isclose(given, want, rel_tol=1e-9, abs_tol=1e-12)):
            problems.append(
                Problem(
                    "kgco2e_ar6 disagrees with the factor's values",
                    file=file,
                    row=line,
                    field="kgco2e_ar6",
                    value=raw,
                    expected=f"{want!r} (derived from the gases under AR6), or an empty cell"
                    if want is not None
                    else "an empty cell (the factor is pre-folded under another set)",
                )
            )
    return problems


def _text_cell(v: object) -> str:
    """A DataFrame cell as the text a CSV would hold (floats exactly, missing values empty)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return _cell(v)


def read_factor_frame(df: pd.DataFrame, name: str = "DataFrame") -> list[EmissionFactor]:
    """The factors of a DataFrame with the columns of a factor file, checked like a file; problems name
    DataFrame positions (counted from 0)."""
    header = [str(c) for c in df.columns]
    problems = _check_header(header, name, None)
    rows = [
        (i, {col: _text_cell(v) for col, v in zip(header, values, strict=True)})
        for i, values in enumerate(df.itertuples(index=False, name=None))
    ]
    try:
        return _build(rows, problems, name)
    except FactorFileError as exc:
        raise FactorFileError(
            [replace(p, row_label="position") if p.row is not None else p for p in exc.problems], what=name
        ) from None


def _files_in(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json", ".xlsx"))
    return [path]


def _label(source: object, k: int) -> str:
    import pandas as pd

    return f"DataFrame {k}" if isinstance(source, pd.DataFrame) else str(source)


def load_factors(*paths: str | os.PathLike[str] | pd.DataFrame, name: str | None = None) -> FactorLibrary:
    """Load factor files (CSV, JSON, Excel, or folders of them) or DataFrames with the same columns (such
    as :meth:`FactorLibrary.to_frame` writes) into one library.

    Every file is checked before anything is returned; all problems of all files come in one
    :class:`FactorFileError`. An id defined in two files with different values is a problem too: to let
    one library override another, load them separately and :meth:`FactorLibrary.merge` them.
    """
    import pandas as pd

    if not paths:
        raise UsageError("load_factors needs at least one path or DataFrame")
    for k, p in enumerate(paths):
        expect_type(p, (str, os.PathLike, pd.DataFrame), f"paths[{k}]")
    problems: list[Problem] = []
    parts: list[FactorRows] = []  # each file's factors, as read
    labels: list[str] = []
    chosen: dict[str, tuple[int, int]] = {}  # id -> (file, position): only factors sharing an id are made
    sources = [f for p in paths for f in ([p] if isinstance(p, pd.DataFrame) else _files_in(Path(p)))]
    for k, f in enumerate(sources):
        try:
            rows = ObjectRows(read_factor_frame(f, f"DataFrame {k}")) if isinstance(f, pd.DataFrame) else _read_rows(f)
        except FactorFileError as exc:
            problems += exc.problems
            continue
        labels.append(f"DataFrame {k}" if isinstance(f, pd.DataFrame) else f.name)
        parts.append(rows)
        with bulk_objects():
            for r, fid in enumerate(rows.ids):
                prior = chosen.setdefault(fid, (len(parts) - 1, r))
                if prior[0] != len(parts) - 1 and parts[prior[0]][prior[1]] != rows[r]:
                    problems.append(
                        Problem(
                            f"id also defined, with other values, in {labels[prior[0]]}",
                            file=_label(f, k),
                            field="id",
                            value=fid,
                            expected="ids unique across the files of one library",
                        )
                    )
    if problems:
        raise FactorFileError(problems, what=", ".join(_label(p, k) for k, p in enumerate(paths)))
    lib_name = name or "+".join("DataFrame" if isinstance(p, pd.DataFrame) else Path(p).stem for p in paths)
    if len(parts) == 1:
        lib = FactorLibrary(parts[0], name=lib_name)
    else:
        where = np.array(list(chosen.values()), dtype=np.intp).reshape(-1, 2)
        lib = FactorLibrary(PickedRows(parts, where[:, 0], where[:, 1]), name=lib_name)
    _log.debug("loaded library %s: %d factor(s) from %d source(s)", lib_name, len(lib), len(sources))
    return lib


@cache
def default_library() -> FactorLibrary:
    """The factor library bundled with footprint (see docs/factor-catalogue.md), loaded once; the checked
    factors are kept in the user's cache folder for the next run, keyed by the files' contents
    (``footprint._factor_cache``)."""
    from ._factor_cache import cached_factors

    root = resources.files("footprint.factors")
    with ExitStack() as stack:
        files = [
            stack.enter_context(resources.as_file(res))
            for res in sorted(root.iterdir(), key=lambda p: p.name)
            if res.name.endswith((".csv", ".json"))
        ]
        factors = cached_factors(files, lambda: _read_bundled(files))
    return FactorLibrary(factors, name="footprint-default")


def _read_bundled(files: Sequence[Path]) -> list[EmissionFactor]:
    """Every factor of the bundled files, checked as any factor file is."""
    problems: list[Problem] = []
    factors: list[EmissionFactor] = []
    for path in files:
        try:
            factors += read_factor_records(path)
        except FactorFileError as exc:  # pragma: no cover - the bundled files are tested
            problems += exc.problems
    if problems:  # pragma: no cover
        raise FactorFileError(problems, what="the bundled factor library")
    return factors
