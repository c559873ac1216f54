"""Boundary checks: material factors that leave out fabrication steps the product's parts go through.

A crude-steel factor stops at the cast slab: rolling, forging, heat treatment and machining to a finished part
are outside it. When a part made of such a material carries no activity of its own, the result says so,
naming the factor, what its boundary excludes (as the factor's own notes state it) and the parts.
"""

from __future__ import annotations

import re

from ._factors import FactorLibrary
from ._product import Product

__all__ = ["fabrication_flags"]

_STEPS = r"(?:rolling|forging|forming|machining|heat treatment|casting|welding|coating|fabrication)"
_EXCLUDES = re.compile(rf"\bexcludes ([^.;]*\b{_STEPS}\b[^.;]*)", re.IGNORECASE)


def fabrication_flags(product: Product, library: FactorLibrary) -> list[str]:
    """One warning per material factor whose notes exclude fabrication steps, listing the parts made of it
    that have no activity of their own (their forging, heat treatment or machining is then not counted,
    unless product-level activities cover it)."""
    materials = {m.id: m for m in product.materials}
    parts: dict[str, list[str]] = {}
    excluded: dict[str, str] = {}
    for item in product.items:
        mat = materials.get(item.material or "")
        if item.kind != "part" or item.activities or mat is None:
            continue
        for fid in [mat.factor] if isinstance(mat.factor, str) else mat.factor:
            notes = library[fid].notes if fid in library else None
            found = _EXCLUDES.search(notes or "")
            if found:
                excluded[fid] = found.group(1).strip()
                parts.setdefault(fid, []).append(item.name or item.id)
    out = []
    for fid, names in parts.items():
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        out.append(
            f"the boundary of {fid} excludes {excluded[fid]}; {len(names)} part(s) made of it have no activity "
            f"for these steps ({shown}): unless the product's own activities cover them, A1-A3 leaves them out"
        )
    return out
