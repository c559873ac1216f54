"""Files of numbers per key and column, such as GWP sets (a row per gas, a column per set) and indicators (a
row per substance, a column per indicator): one reader for their shared layout.

The layout: ``#`` comment and blank lines anywhere; a header ``<key>,<column>,...``; metadata rows whose first
cell names them (``@label``, ...); then one row per key, each cell empty or a finite number.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable

from ._errors import Problem

__all__ = ["Rows", "column_values", "read_matrix"]

#: The data rows with their line numbers in the file.
Rows = list[tuple[int, list[str]]]


def read_matrix(text: str, is_meta: Callable[[str], bool]) -> tuple[list[str], dict[str, list[str]], Rows] | None:
    """Header, metadata rows (their cells after the first, stripped) and data rows; ``None`` without a header."""
    lines = text.splitlines()
    start = next((i for i, s in enumerate(lines) if s.strip() and not s.lstrip().startswith("#")), len(lines))
    if start == len(lines):
        return None
    reader = csv.reader(io.StringIO("\n".join(lines[start:])))
    header = [h.strip() for h in next(reader)]
    meta: dict[str, list[str]] = {}
    rows: Rows = []
    for cells in reader:
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        key = cells[0].strip()
        if is_meta(key):
            meta[key] = [c.strip() for c in cells[1:]]
        else:
            rows.append((start + reader.line_num, cells))
    return header, meta, rows


def column_values(
    header: list[str],
    rows: Rows,
    file: str,
    key_problems: Callable[[int, str, set[str]], list[Problem]],
    number: str,
) -> tuple[list[dict[str, float]], list[Problem]]:
    """Each column's numbers by row key, and every problem of the rows: ``key_problems(line, key, seen)`` for
    the key (``seen``: the keys of the rows before), a cell count unlike the header's, a cell that is not a
    finite ``number`` (named so in the problem)."""
    out: list[dict[str, float]] = [{} for _ in header[1:]]
    problems: list[Problem] = []
    seen: set[str] = set()
    for line, cells in rows:
        key = cells[0].strip()
        problems += key_problems(line, key, seen)
        seen.add(key)
        if len(cells) != len(header):
            problems.append(Problem(f"row has {len(cells)} cells, the header {len(header)}", file=file, row=line,
                                    field=key))  # fmt: skip
            continue
        for k, raw in enumerate(cells[1:]):
            if not raw.strip():
                continue
            try:
                x = float(raw)
            except ValueError:
                x = math.nan
            if not math.isfinite(x):  # negative is allowed (a removal's GWP: CO2_biogenic_uptake -1)
                problems.append(Problem(number, file=file, row=line, field=header[k + 1], value=raw,
                                        expected="a finite number"))  # fmt: skip
            else:
                out[k][key] = x
    return out, problems
