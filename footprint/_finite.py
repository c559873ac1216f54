"""Finite numbers only: the checks that keep ``inf`` and ``NaN`` out of every result, file and snapshot.

Inputs are finite when they are read (the readers refuse ``inf`` and ``nan``), but finite inputs can
still overflow the largest double (about 1.8e308) once multiplied: ``net_mass: 1e308 kg`` of steel at
1.92 kg CO2e per kg, an ERP line of ``1e308`` bolts, or a sum of large parts. The calculation runs on
whole arrays without stopping; these checks then look at the arrays once (``np.isfinite``) and, only when
something overflowed, find the rows that did and name them: item, field, factor, file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import NonFiniteError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from ._catalogue import ExplodedCatalogue
    from ._factors import FactorLibrary
    from ._lifecycle import PreparedProduct

__all__ = ["check_catalogue", "check_deliveries", "check_evaluated", "check_sums"]

_EXPECTED = "inputs whose products and sums stay below 1.8e308 (the largest double); check units and magnitudes"
_SHOWN = 10  # problems listed per check; the count says how many more


def _item_field(prep: PreparedProduct, node: int) -> str:
    """``items[i]`` of the product file for a node (the first item with its id, as prepare_product reads)."""
    nid = prep.node_ids[node]
    i = next((k for k, it in enumerate(prep.product.items) if it.id == nid), None)
    return f"items[{i}]" if i is not None else "items"


def _raise(prep: PreparedProduct, problems: list[Problem], n_bad: int) -> None:
    if n_bad > len(problems):
        problems.append(Problem(f"... and {n_bad - len(problems)} more", file=_file(prep)))
    raise NonFiniteError(problems, what=_file(prep) or f"product {prep.product.id}")


def _file(prep: PreparedProduct) -> str | None:
    return prep.file


def check_evaluated(prep: PreparedProduct, cumulative: Any, act: Any, qty: Any, factor: Any, kgco2e: Any) -> None:
    """Refuse with :class:`NonFiniteError` if a cumulative item quantity, a contribution's quantity or its
    kg CO2e is not finite; each problem names the item, the field that set the amount and the factor."""
    file = _file(prep)
    bad_nodes = np.flatnonzero(~np.isfinite(cumulative))
    if len(bad_nodes):
        problems = [
            Problem(
                f"item {prep.node_ids[int(k)]!r}: its quantity per declared unit (the product of the quantities "
                "along its BOM paths) is not a finite number",
                file=file, field=_item_field(prep, int(k)), expected=_EXPECTED,
            )
            for k in bad_nodes[:_SHOWN]
        ]  # fmt: skip
        _raise(prep, problems, len(bad_nodes))
    bad = np.flatnonzero(~(np.isfinite(qty) & np.isfinite(kgco2e)))
    if not len(bad):
        return
    lib = prep.library
    fields = prep.act_field
    problems = []
    for k in bad[:_SHOWN]:
        a = int(act[k])
        node = int(prep.act_node[a])
        fac = lib.factor_at(int(factor[k]))
        via = f" ({fields[a]})" if a < len(fields) else ""
        if np.isfinite(qty[k]):
            what = f"{float(qty[k]):.4g} {fac.unit} of {fac.id}{via} gives a kg CO2e that is not a finite number"
        else:
            what = f"the quantity of {fac.id}{via} is not a finite number"
        problems.append(
            Problem(
                f"item {prep.node_ids[node]!r}: {what}; the item is used {float(cumulative[node]):.4g} times per "
                "declared unit",
                file=file, field=_item_field(prep, node), value=float(qty[k]), expected=_EXPECTED,
            )
        )  # fmt: skip
    _raise(prep, problems, len(bad))


def check_sums(prep: PreparedProduct, sums: Mapping[str, Any], kgco2e: Any, act: Any) -> None:
    """Refuse with :class:`NonFiniteError` if a total or breakdown of the result (``sums``: field name to a
    number, an array or a dict of numbers) is not finite, naming the field and the largest contributions."""
    bad_fields = []
    for name, value in sums.items():
        values = np.fromiter(value.values(), dtype=np.float64) if isinstance(value, Mapping) else value
        if not np.isfinite(np.asarray(values, dtype=np.float64)).all():
            bad_fields.append(name)
    if not bad_fields:
        return
    top = np.argsort(-np.abs(np.nan_to_num(np.asarray(kgco2e, dtype=np.float64))))[:3]
    largest = ", ".join(
        f"{prep.node_ids[int(prep.act_node[int(act[k])])]!r} {float(kgco2e[k]):.3g} kg CO2e" for k in top
    )
    problems = [
        Problem(
            f"the result's {name} is not a finite number: its parts are finite but their sum is not "
            f"(largest contributions: {largest})",
            file=_file(prep), field=name, expected=_EXPECTED,
        )
        for name in bad_fields[:_SHOWN]
    ]  # fmt: skip
    _raise(prep, problems, len(bad_fields))


def check_catalogue(
    ex: ExplodedCatalogue, library: FactorLibrary, row_factor: Any, kgco2e: Any, tables: Mapping[str, pd.DataFrame]
) -> None:
    """Refuse with :class:`NonFiniteError` if a catalogue row's quantity or kg CO2e, or a cell of a result
    table (``tables``: name to DataFrame), is not finite; names the product, factor, table, row and column.
    ``kgco2e`` None: the rows are known to be finite (only the tables are checked)."""
    ids = ex.catalogue.product_ids
    rows_ok = kgco2e is None
    bad = np.zeros(0, dtype=np.intp) if rows_ok else np.flatnonzero(~(np.isfinite(ex.row_qty) & np.isfinite(kgco2e)))
    problems = [
        Problem(
            f"product {ids[int(ex.row_product[k])]!r}: {float(ex.row_qty[k]):.4g} "
            f"{library.factor_at(int(row_factor[k])).unit} of {library.factor_at(int(row_factor[k])).id} gives "
            "a quantity or kg CO2e that is not a finite number (quantities multiplied along the BOM)",
            field="quantity", value=float(ex.row_qty[k]), expected=_EXPECTED,
        )
        for k in bad[:_SHOWN]
    ]  # fmt: skip
    n_bad = len(bad)
    if not n_bad and not all(_all_finite(t) for t in tables.values()):
        n_bad = _table_problems(tables, problems)
    if problems:
        if n_bad > len(problems):
            problems.append(Problem(f"... and {n_bad - len(problems)} more"))
        raise NonFiniteError(problems, what="catalogue")


def _all_finite(table: pd.DataFrame) -> bool:
    """Whether every cell of a table of numbers is finite: one look at its values (False when a column is not
    a number, leaving the verdict to :func:`_table_problems`)."""
    try:
        return bool(np.isfinite(table.to_numpy(dtype=np.float64)).all())
    except (TypeError, ValueError):
        return False


def _table_problems(tables: Mapping[str, pd.DataFrame], problems: list[Problem], *, nan_ok: bool = False) -> int:
    """Append a problem per infinite (or, unless ``nan_ok``, NaN) cell of the numeric columns of ``tables``
    (at most :data:`_SHOWN` in all); return the number of such cells."""
    n_bad = 0
    for name, table in tables.items():
        numeric = table.select_dtypes("number")
        values = numeric.to_numpy(dtype=np.float64)
        cells = np.isinf(values) if nan_ok else ~np.isfinite(values)
        for r, c in np.argwhere(cells)[: max(_SHOWN - len(problems), 0)]:
            problems.append(
                Problem(
                    f"the {name} table's {numeric.columns[c]} of {numeric.index[r]!r} is not a finite number: "
                    "its parts are finite but their sum is not",
                    field=str(numeric.columns[c]), expected=_EXPECTED,
                )
            )  # fmt: skip
        n_bad += int(cells.sum())
    return n_bad


def check_deliveries(lines: pd.DataFrame, columns: list[str], rows: Any, file: str, tables: Mapping[str, Any]) -> None:
    """Refuse with :class:`NonFiniteError` if a delivery's numbers (``columns`` of ``lines``: quantity times
    footprint per declared unit) or a roll-up in ``tables`` overflow to infinity, naming the file and row
    of each delivery. (NaN stays allowed here: it marks an unknown mass.)"""
    bad = np.flatnonzero(np.isinf(lines[columns].to_numpy(dtype=np.float64)).any(axis=1))
    problems = [
        Problem(
            "this delivery's quantity times its product's footprint per declared unit is not a finite number",
            file=file, row=int(rows[k]), field="quantity", value=float(lines["quantity"].iloc[k]), expected=_EXPECTED,
        )
        for k in bad[:_SHOWN]
    ]  # fmt: skip
    n_bad = len(bad) or _table_problems(tables, problems, nan_ok=True)
    if problems:
        if n_bad > len(problems):
            problems.append(Problem(f"... and {n_bad - len(problems)} more", file=file))
        raise NonFiniteError(problems, what=file)
