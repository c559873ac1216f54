"""NOx: kg per product and per delivery period, and an optional cost line at a stated NOx tax or fund rate.

Norway taxes NOx from energy production offshore and on land (a state tax per kg, or a payment per kg to the
NOx fund by the businesses in the NOx agreement). A rate changes every year and is a policy, not a property of
the product: footprint never applies one by itself. A cost is computed only for a rate the caller names
(:func:`nox_rate`, from the optional, sourced rows of ``nox_rates.csv``) or gives (:class:`NOxRate`), and every
cost line says which rate, which year and which source it used.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import InputError, Problem, UnitError, expect_type
from ._units import parse_unit

if TYPE_CHECKING:
    import pandas as pd

    from ._factors import FactorLibrary
    from ._result import Contribution, FootprintResult
    from ._suppliers import SupplierFootprints

__all__ = [
    "NOxCost",
    "NOxRate",
    "NOxRateError",
    "nox_by_period",
    "nox_cost",
    "nox_kg",
    "nox_not_covered",
    "nox_rate",
    "nox_rates",
    "nox_table",
    "read_nox_rates",
]

_COLUMNS = ("scheme", "year", "rate", "currency", "source", "source_url", "table", "licence", "notes")
_CITATION = ("source", "table", "licence")


class NOxRateError(InputError):
    """A NOx rate that cannot be used: not a finite amount >= 0, no currency, no year, or no citation."""


@dataclass(frozen=True)
class NOxRate:
    """A NOx tax or fund rate: ``rate`` units of ``currency`` per kg NOx (as NO2) emitted in ``year``, with the
    source it was read from. Build one for a rate of your own; :func:`nox_rate` looks up the bundled ones."""

    scheme: str
    year: int
    rate: float
    currency: str
    source: str
    table: str = ""
    source_url: str = ""
    licence: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        problems = _rate_problems(self.__dict__, file=None, row=None)
        if problems:
            raise NOxRateError(problems, what=f"NOx rate {self.scheme!r} {self.year!r}")


@dataclass(frozen=True)
class NOxCost:
    """The cost of ``kg_nox`` kg NOx at ``rate``: ``cost`` in the rate's currency."""

    kg_nox: float
    rate: NOxRate
    cost: float

    @property
    def currency(self) -> str:
        """The currency of :attr:`cost`, the rate's."""
        return self.rate.currency

    def __str__(self) -> str:
        r = self.rate
        return (
            f"{self.kg_nox:,.3f} kg NOx x {r.rate:g} {r.currency}/kg ({r.scheme} {r.year}; {r.source}) "
            f"= {self.cost:,.2f} {r.currency}"
        )


def _rate_problems(rec: Mapping[str, object], *, file: str | None, row: int | None) -> list[Problem]:
    """What is wrong with one rate: each problem names the field and what was expected."""

    def bad(field: str, message: str, expected: str) -> Problem:
        return Problem(message, file=file, row=row, field=field, value=rec.get(field), expected=expected)

    out = []
    if not str(rec.get("scheme") or "").strip():
        out.append(bad("scheme", "no scheme", "a name such as 'no-nox-tax'"))
    year = rec.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        out.append(bad("year", "not a year", "the year the rate applies to, e.g. 2024"))
    rate = rec.get("rate")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not math.isfinite(rate) or rate < 0:
        out.append(bad("rate", "not a rate", "a finite amount >= 0 per kg NOx"))
    if not _is_currency(str(rec.get("currency") or "")):
        out.append(bad("currency", "not a currency", "a currency code such as NOK or EUR"))
    for field in _CITATION if file is not None else ("source",):
        if not str(rec.get(field) or "").strip():
            out.append(bad(field, "no citation", "where the rate is published"))
    return out


def _is_currency(code: str) -> bool:
    try:
        return code.isupper() and str(parse_unit(code).dimensionality).startswith("[currency_")
    except (UnitError, ValueError):
        return False


def _number(text: str, kind: type[int] | type[float]) -> object:
    """A cell as an int or float; the text itself when it is not one (reported by the row's check)."""
    try:
        return kind(text)
    except ValueError:
        return text


def read_nox_rates(path: str | os.PathLike[str]) -> tuple[NOxRate, ...]:
    """The rates of a CSV file in the format of the bundled ``nox_rates.csv`` (``#`` comment lines first, then
    columns ``scheme, year, rate, currency, source, source_url, table, licence, notes``).

    Raises :class:`NOxRateError` naming every row and field that is wrong: a rate that is negative or not a
    number, an unknown currency, a row without its source, table or licence, two rows for one scheme and year.
    """
    expect_type(path, (str, os.PathLike), "path")
    return _parse(Path(path).read_text(encoding="utf-8"), str(path))


def _parse(text: str, name: str) -> tuple[NOxRate, ...]:
    lines = text.splitlines()
    skipped = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    reader = csv.DictReader(lines[skipped:])
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        problem = Problem("missing columns", file=name, value=", ".join(missing), expected=", ".join(_COLUMNS))
        raise NOxRateError([problem], what=name)
    problems: list[Problem] = []
    out: dict[tuple[str, object], NOxRate] = {}
    for i, raw in enumerate(reader):
        row = skipped + 2 + i  # the header is line skipped + 1
        rec: dict[str, object] = {c: (raw.get(c) or "").strip() for c in _COLUMNS}
        rec["year"] = _number(str(rec["year"]), int)
        rec["rate"] = _number(str(rec["rate"]), float)
        found = _rate_problems(rec, file=name, row=row)
        key = (str(rec["scheme"]), rec["year"])
        if not found and key in out:
            found = [Problem("a second rate for this scheme and year", file=name, row=row, field="year",
                             value=rec["year"], expected="one row per scheme and year")]  # fmt: skip
        problems += found
        if not found:
            out[key] = NOxRate(**rec)  # type: ignore[arg-type]
    if problems:
        raise NOxRateError(problems, what=name)
    return tuple(out.values())


@cache
def nox_rates() -> tuple[NOxRate, ...]:
    """The bundled, sourced NOx rates (``footprint/nox_rates.csv``): Norway's NOx tax and NOx fund rates per
    year. Optional data: nothing uses them unless asked by :func:`nox_rate`."""
    text = resources.files("footprint").joinpath("nox_rates.csv").read_text(encoding="utf-8")
    return _parse(text, "nox_rates.csv")


def nox_rate(scheme: str, year: int) -> NOxRate:
    """The bundled rate of ``scheme`` (``no-nox-tax``, ``no-nox-fund-petroleum``, ``no-nox-fund-other``) for
    ``year``. A year the data does not hold is an error naming the years it does: a rate is never carried over
    from another year."""
    expect_type(scheme, str, "scheme")
    expect_type(year, int, "year")
    for r in nox_rates():
        if r.scheme == scheme and r.year == year:
            return r
    years = sorted(r.year for r in nox_rates() if r.scheme == scheme)
    schemes = sorted({r.scheme for r in nox_rates()})
    expected = f"one of {', '.join(map(str, years))}" if years else f"a scheme of {', '.join(schemes)}"
    field, value = ("year", year) if years else ("scheme", scheme)
    raise NOxRateError([Problem("no bundled NOx rate", field=field, value=value, expected=expected)], "NOx rates")


def nox_cost(kg_nox: float, rate: NOxRate) -> NOxCost:
    """The cost line of ``kg_nox`` kg NOx at ``rate`` (``kg_nox`` x rate, in the rate's currency)."""
    expect_type(rate, NOxRate, "rate")
    expect_type(kg_nox, (int, float), "kg_nox")
    if not math.isfinite(kg_nox) or kg_nox < 0:
        problem = Problem("not a mass of NOx", field="kg_nox", value=kg_nox, expected="a finite number of kg >= 0")
        raise NOxRateError([problem], what="NOx cost")
    return NOxCost(kg_nox=float(kg_nox), rate=rate, cost=float(kg_nox) * rate.rate)


def cost_columns(frame: pd.DataFrame, rates: NOxRate | Mapping[str, NOxRate]) -> pd.DataFrame:
    """``frame`` (with ``period`` and ``kg_NOx`` columns) with the rate, its year, scheme and source and the
    cost of each row: one rate for every period, or one per period (a period without one is an error)."""
    per_period = dict.fromkeys(frame["period"].unique(), rates) if isinstance(rates, NOxRate) else dict(rates)
    missing = sorted(set(map(str, frame["period"].unique())) - set(per_period))
    if missing:
        problems = [
            Problem("no NOx rate for this period", field="rates", value=p, expected="a NOxRate") for p in missing
        ]
        raise NOxRateError(problems, what="NOx cost per period")
    for r in per_period.values():
        expect_type(r, NOxRate, "rates")
    picked = frame["period"].astype(str).map(per_period)
    out = frame.copy()
    out["nox_rate"] = [r.rate for r in picked]
    out["currency"] = [r.currency for r in picked]
    out["rate_scheme"] = [r.scheme for r in picked]
    out["rate_year"] = [r.year for r in picked]
    out["rate_source"] = [r.source for r in picked]
    out["nox_cost"] = out["kg_NOx"].to_numpy() * out["nox_rate"].to_numpy()
    return out


# --- NOx per product and per delivery period ---------------------------------------------------------------


def nox_kg(result: FootprintResult, module: str | None = None) -> float:
    """kg NOx (as NO2) per declared unit of the product of ``result``: over modules A1-C4, or of one
    ``module`` (``"A1-A3"`` is the sum of A1, A2 and A3). Only factors that carry NOx add to it: pair each fuel's
    combustion factor with its air pollutant row (``air.*`` in the bundled library) to count its NOx."""
    from ._result import FootprintResult

    expect_type(result, FootprintResult, "result")
    q = result.quantity or 1.0
    if module is None:
        return float(result.inventory_kg.get("NOx", 0.0)) / q
    expect_type(module, str, "module")
    mods = ("A1", "A2", "A3") if module == "A1-A3" else (module,)
    return sum(result.inventory_by_module.get(m, {}).get("NOx", 0.0) for m in mods) / q


def nox_not_covered(result: FootprintResult, library: FactorLibrary) -> list[Contribution]:
    """The fuel burnt in ``result`` whose NOx no factor gives: each activity with a combustion factor of a fuel
    (category ``fuel``, boundary ``combustion``) and no factor that carries NOx (one contribution row per such
    activity). Their NOx is not in :func:`nox_kg`: it is not covered, which is not the same as none."""
    from ._factors import FactorLibrary

    expect_type(library, FactorLibrary, "library")
    groups: dict[tuple[str, str, str], list[Contribution]] = {}
    for c in result.contributions:
        groups.setdefault((c.path, c.label, c.module), []).append(c)
    out = []
    for rows in groups.values():
        factors = [library[c.factor_id] for c in rows if c.factor_id in library]
        burns = any(f.category == "fuel" and f.boundary == "combustion" for f in factors)
        if burns and not any(f.gases.get("NOx", 0.0) > 0 for f in factors):
            out.append(rows[0])
    return out


def nox_table(
    results: Iterable[FootprintResult] | Mapping[str, FootprintResult], *, period: str | None = None
) -> pd.DataFrame:
    """:func:`footprint.footprint_table` with a ``kg_NOx`` column: kg NOx per declared unit of each product.
    :func:`footprint.supplier_footprints` on it sums NOx over the deliveries like every other column, per
    product, supplier and cluster and reporting period (see :func:`nox_by_period`)."""
    from ._suppliers import footprint_table

    values = list(results.values() if isinstance(results, Mapping) else results)
    table = footprint_table(values, period=period)
    table["kg_NOx"] = [nox_kg(r) for r in values]
    return table


def nox_by_period(
    footprints: SupplierFootprints,
    rates: NOxRate | Mapping[str, NOxRate] | None = None,
    *,
    by: str = "product",
) -> pd.DataFrame:
    """kg NOx delivered per reporting period and ``by`` (``product``, ``supplier`` or ``cluster``), from
    :func:`footprint.supplier_footprints` of a :func:`nox_table`. With ``rates`` (one :class:`NOxRate` for
    every period, or one per period), each row also gets its cost line: the rate, its scheme, year and source,
    and ``nox_cost`` in the rate's currency. Without, no cost is computed."""
    from ._suppliers import SupplierFootprints

    expect_type(footprints, SupplierFootprints, "footprints")
    tables = {"product": footprints.by_product, "supplier": footprints.by_supplier, "cluster": footprints.by_cluster}
    if by not in tables:
        raise NOxRateError([Problem("unknown grouping", field="by", value=by, expected="product, supplier or cluster")])
    table = tables[by]
    if "kg_NOx" not in table.columns:
        problem = Problem(
            "the footprints carry no NOx", field="footprints", expected="supplier_footprints(nox_table(...), ...)"
        )
        raise NOxRateError([problem], what="NOx per period")
    frame = table.reset_index()[["period", by, "quantity", "kg_NOx"]]
    return frame if rates is None else cost_columns(frame, rates)


def parse_rate(text: str) -> NOxRate:
    """A bundled rate named ``"SCHEME:YEAR"`` (``"no-nox-tax:2024"``), as the command line gives it."""
    scheme, _, year = text.partition(":")
    if not year.strip().isdigit():
        problem = Problem("not a rate name", field="rate", value=text, expected="SCHEME:YEAR, e.g. no-nox-tax:2024")
        raise NOxRateError([problem], what="NOx rate")
    return nox_rate(scheme.strip(), int(year))


def nox_summary(result: FootprintResult, library: FactorLibrary, rate: NOxRate | None = None) -> dict[str, object]:
    """kg NOx per declared unit of ``result``'s product, over A1-C4 and per module, the fuel whose NOx is not
    covered (:func:`nox_not_covered`), and the cost line at ``rate`` when one is given (plain values, for text
    and JSON output)."""
    per_module = {m: nox_kg(result, m) for m in result.inventory_by_module}
    out: dict[str, object] = {
        "product": result.product_id,
        "declared_unit": result.declared_unit,
        "kg_NOx": nox_kg(result),
        "kg_NOx_by_module": {m: v for m, v in per_module.items() if v},
        "not_covered": [f"{c.path}: {c.label} ({c.factor_id})" for c in nox_not_covered(result, library)],
    }
    if rate is not None:
        cost = nox_cost(nox_kg(result), rate)
        out["cost"] = {
            "amount": cost.cost,
            "currency": rate.currency,
            "rate": rate.rate,
            "scheme": rate.scheme,
            "year": rate.year,
            "source": rate.source,
            "table": rate.table,
            "line": str(cost),
        }
    return out
