"""Where a lever applies: the checks of a lever's scope (the product, family and supplier it names, its items,
materials and modules) and the masks they select, shared by the levers on a product (``_levers``), on a
catalogue (``_catalogue_levers``) and on a supply chain (``_chain_levers``), so that a scope means the same in
each and a bad one is named in the same words.

The functions take plain arrays (ids, and per activity row its item, material or module), not the product,
catalogue or chain they come from; each setting keeps its own refusals (a catalogue has no materials, a
product file no families).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from ._levers import Lever, LeverError, _err
from ._modules import MODULES

__all__ = ["ScopeKey", "item_mask", "key_mask", "material_mask", "module_mask", "unknown"]

_D = MODULES.index("D")
ScopeKey = Literal["product", "family", "supplier"]


def unknown(
    lever: Lever, key: str, what: str, given: object, known: Iterable[str], *, limit: int | None = None
) -> LeverError:
    """The error for a name at ``scope.KEY`` that is not one of ``known`` (listed in the order given; only the
    first ``limit``, then ``...``)."""
    names = list(known)
    shown = ", ".join(names[:limit]) + (" ..." if limit is not None and len(names) > limit else "")
    return _err(lever, f"scope.{key}", f"unknown {what}", given, f"one of: {shown}")


def key_mask(
    lever: Lever, key: ScopeKey, ids: Sequence[str | None] | npt.NDArray[np.object_], *, limit: int | None = None
) -> npt.NDArray[np.bool_]:
    """Which of ``ids`` (products, families or suppliers) the scope's ``key`` names (all if it names none); a
    name that is none of them is an error listing them, sorted (the first ``limit``)."""
    given = getattr(lever.scope, key)
    if given is None:
        return np.ones(len(ids), dtype=bool)
    hit = np.asarray(np.asarray(ids, dtype=object) == given, dtype=bool)
    if not hit.any():
        raise unknown(lever, key, key, given, sorted({str(v) for v in ids if v is not None}), limit=limit)
    return hit


def item_mask(
    lever: Lever, positions: npt.NDArray[np.intp], act_item: npt.NDArray[np.intp], whose: str
) -> npt.NDArray[np.bool_]:
    """The activity rows of the scope's items, given each item's position among the ``whose`` items (product
    or catalogue; -1 for an id that is none of them, an error)."""
    items = lever.scope.items or []
    missing = np.flatnonzero(positions < 0)
    if len(missing):
        raise _err(lever, "scope.items", "unknown item", items[int(missing[0])], f"the id of an item of the {whose}")
    return np.isin(act_item, positions)


def material_mask(
    lever: Lever, known: Iterable[str], used: Sequence[str], act_material: npt.NDArray[np.intp]
) -> npt.NDArray[np.bool_]:
    """The activity rows of the scope's materials: each must be ``known`` (a material of the product); the
    rows carry their material's position in ``used`` (the materials that have rows)."""
    materials = lever.scope.materials or []
    known = set(known)
    bad = [m for m in materials if m not in known]
    if bad:
        raise unknown(lever, "materials", "material", bad[0], sorted(known))
    return np.isin(act_material, [used.index(m) for m in materials if m in used])


def module_mask(lever: Lever, act_module: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
    """The activity rows of the scope's modules; without ``modules``, every row but module D's (credits for
    avoided production count only when asked for by name)."""
    modules = lever.scope.modules
    if modules is None:
        return np.asarray(act_module != _D, dtype=bool)
    bad = [m for m in modules if m not in MODULES]
    if bad:
        raise unknown(lever, "modules", "module", bad[0], MODULES)
    return np.isin(act_module, [MODULES.index(m) for m in modules])
