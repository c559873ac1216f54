"""The EN 15804+A2 results table of an EPD: one row per indicator, one column per module (A1-A3 together).

EN 15804:2012+A2:2019 (7.2 and Tables 3 to 6) reports every indicator per declared module, A1-A3 as one
column. A cell is the indicator's value over the rows that cover it; ``NC`` (not covered) where no row of the
module covers it, ``MND`` (module not declared) where the product has nothing in that module, and a value
followed by ``*`` where some rows of the module are not covered (the value is then a lower bound of what the
rows that do state it give, not the module's full value).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._modules import MODULES
from ._result import FootprintResult, IndicatorResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EPD_MODULES", "en15804_csv", "en15804_table", "en15804_text"]

#: The columns of an EPD results table: the product stage as one, then every other module.
EPD_MODULES: tuple[str, ...] = ("A1-A3", *(m for m in MODULES if m not in ("A1", "A2", "A3")))
_PARTS = {"A1-A3": ("A1", "A2", "A3")}


def _cell(ind: IndicatorResult, column: str) -> tuple[float | None, str]:
    """The value of one indicator in one EPD column and how it reads: a number, NC, MND, or a number with *."""
    parts = [m for m in _PARTS.get(column, (column,)) if m in ind.by_module]
    if not parts:
        return None, "MND"
    values = [ind.by_module[m] for m in parts]
    known = [v for v in values if v is not None]
    if not known:
        return None, "NC"
    value = float(sum(known))
    partial = any(m in ind.not_covered_rows for m in parts)
    return value, f"{value:.3E}" + ("*" if partial else "")


def en15804_table(result: FootprintResult, text: bool = True) -> pd.DataFrame:
    """The result's indicators as an EN 15804+A2 table: rows are indicators (``indicator``, ``unit``), columns
    A1-A3, A4, ..., C4, D. With ``text`` the cells read as an EPD prints them (``1.234E+01``, ``NC``, ``MND``,
    ``*`` for partly covered); without, they are numbers (NaN for NC and MND). Empty when the result was
    calculated without ``indicators=``."""
    import pandas as pd

    records = []
    for ind in result.indicators.values():
        row: dict[str, object] = {"indicator": ind.id, "name": ind.name, "unit": ind.unit}
        for col in EPD_MODULES:
            value, shown = _cell(ind, col)
            row[col] = shown if text else (float("nan") if value is None else value)
        records.append(row)
    return pd.DataFrame.from_records(records, columns=["indicator", "name", "unit", *EPD_MODULES])


def en15804_text(result: FootprintResult) -> str:
    """The EN 15804+A2 table as aligned text, modules with nothing declared left out, with its legend."""
    df = en15804_table(result)
    if df.empty:
        return ""
    cols = [c for c in EPD_MODULES if (df[c] != "MND").any()]
    header = ["indicator", "unit", *cols]
    rows = [[str(r["indicator"]), str(r["unit"]), *(str(r[c]) for c in cols)] for _, r in df.iterrows()]
    width = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) if k < 2 else h.rjust(w) for k, (h, w) in enumerate(zip(header, width, strict=True)))]
    lines += [
        "  ".join(c.ljust(w) if k < 2 else c.rjust(w) for k, (c, w) in enumerate(zip(r, width, strict=True)))
        for r in rows
    ]
    legend = "NC: not covered by the data of any row; MND: module not declared; *: some rows not covered"
    return "\n".join(["EN 15804+A2 indicators per module:", *lines, legend])


def en15804_csv(result: FootprintResult) -> str:
    """The EN 15804+A2 table as CSV an EPD author can paste: numbers as ``1.234E+01`` (a negative module D
    value stays a number), formula-like text in the indicator, name and unit columns neutralised."""
    from .report._formula import neutralise_frame

    df = en15804_table(result)
    labels = ["indicator", "name", "unit"]
    df[labels] = neutralise_frame(df[labels])
    return str(df.to_csv(index=False))
