"""A catalogue from ERP exports: the three catalogue tables built from BOM imports.

Each :class:`BomImport` (one product's export read with :func:`read_bom`) adds a ``products`` row, its BOM
edges and its items' activities: a part's material at its gross (purchased) mass in A1, a bought-in item's
mapped footprint in its module. Items are shared across products by id (a standard fastener listed in many
exports is one item), so an id defined differently in two imports is a problem. The life cycle around a
product (transport legs, use, end of life, manufacturing scrap) is the product file's, not the export's:
a catalogue built this way covers materials and bought-in items; add activities rows for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ._bom_io import BomImport
from ._errors import Problem, ProductError
from ._units import conversion_factor

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["catalogue_tables"]


def catalogue_tables(
    imports: Mapping[str, BomImport], supplier: str | Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``products``, ``bom`` and ``activities`` tables for :func:`prepare_catalogue` from BOM imports keyed
    by product id; ``supplier`` names the supplier of all products or of each (by product id)."""
    import pandas as pd

    products, bom, acts = [], [], []
    seen: dict[str, tuple[str, object]] = {}
    problems: list[Problem] = []
    for pid, imp in imports.items():
        sup = supplier.get(pid) if isinstance(supplier, Mapping) else supplier
        products.append({"product": pid, "root": imp.root, "supplier": sup or ""})
        factor_of = {m.id: [m.factor] if isinstance(m.factor, str) else list(m.factor) for m in imp.materials}
        for item in imp.items:
            prior = seen.setdefault(item.id, (pid, item))
            if prior[1] != item:
                problems.append(
                    Problem(
                        f"item {item.id!r} is defined differently in the exports of {prior[0]!r} and {pid!r}",
                        field="item",
                        value=item.id,
                        expected="one definition per item id across the exports of a catalogue",
                    )
                )
                continue
            if prior[0] != pid:
                continue  # shared: its rows are in already
            bom += [{"parent": item.id, "child": c.item, "quantity": c.quantity} for c in item.children]
            if item.kind == "part" and item.material in factor_of and item.net_mass is not None:
                mass = item.gross_mass or item.net_mass
                kg = mass.value * conversion_factor(mass.unit, "kg")
                acts += [
                    {"item": item.id, "factor": f, "amount": kg, "unit": "kg", "module": "A1"}
                    for f in factor_of[item.material or ""]
                ]
            for a in item.activities:
                fids = [a.factor] if isinstance(a.factor, str) else list(a.factor)
                acts += [
                    {"item": item.id, "factor": f, "amount": a.quantity.value, "unit": a.quantity.unit,
                     "module": a.module or "A3"}
                    for f in fids
                ]  # fmt: skip
    if problems:
        raise ProductError(problems, what="BOM imports as a catalogue")
    return (
        pd.DataFrame(products, columns=["product", "root", "supplier"]),
        pd.DataFrame(bom, columns=["parent", "child", "quantity"]),
        pd.DataFrame(acts, columns=["item", "factor", "amount", "unit", "module"]),
    )
