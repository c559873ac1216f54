"""NOx: an optional cost line at a stated NOx tax or fund rate.

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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ._errors import InputError, Problem, UnitError, expect_type
from ._units import parse_unit

__all__ = ["NOxCost", "NOxRate", "NOxRateError", "nox_cost", "nox_rate", "nox_rates", "read_nox_rates"]

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
