"""Text that a spreadsheet would run as a formula, neutralised in every table footprint writes.

Part names, factor names and ids come from suppliers' files; a cell starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``,
``+cmd|' /C calc'!A0``). The rule is the OWASP one ("CSV Injection", owasp.org/www-community/attacks/
CSV_Injection): such text is written with a leading apostrophe in CSV, and as an explicit text cell in
Excel (:mod:`footprint.report._pages`), so it shows as typed and never runs. Numbers are never touched.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMULA_START", "csv_text", "looks_like_formula", "neutralise", "neutralise_frame"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PATTERN = "^[" + re.escape("".join(FORMULA_START)) + "]"
T = TypeVar("T")


def looks_like_formula(value: object) -> TypeGuard[str]:
    """Whether ``value`` is text that a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def neutralise(value: T) -> T | str:
    """``value`` with a leading apostrophe if it is formula-like text; anything else unchanged."""
    return "'" + value if looks_like_formula(value) else value


def _neutral_column(values: pd.Series[Any]) -> pd.Series[Any]:
    import pandas as pd

    if not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
        return values
    try:
        hit = values.str.match(_PATTERN, na=False).astype(bool)
    except AttributeError:  # an object column without any text
        return values
    if not hit.any():
        return values
    return values.mask(hit, "'" + values.astype(str))


def neutralise_frame(frame: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised, one vectorised pass per
    column; with ``index`` the index labels become columns first (as ``to_csv(index=True)`` would write
    them)."""
    import pandas as pd

    out = frame.copy()
    if index:
        if out.index.nlevels == 1 and out.index.name is None:
            out = out.rename_axis("")
        out = out.reset_index()
    for i in range(out.shape[1]):
        out.isetitem(i, _neutral_column(out.iloc[:, i]).to_numpy())
    out.columns = pd.Index([neutralise(c) for c in out.columns])
    return out


def csv_text(frame: pd.DataFrame, *, index: bool = True) -> str:
    """``frame`` as CSV text (with its index unless ``index=False``), formula-like text neutralised."""
    return str(neutralise_frame(frame, index=index).to_csv(index=False))
