"""Boundary checks: material factors that leave out fabrication steps the product's parts go through.

A crude-steel factor stops at the cast slab: rolling, forging, heat treatment and machining to a finished part
are outside it. When the product carries no activity for such a step, the result says so, naming the factor,
the steps still missing (as the factor's own notes state them) and the parts made of it.

An activity covers a step when its ``name``, or the id or name of its factor, names the step (``forging``,
``forge``; ``heat treat``, ``quench``; ``machining``, ``machine shop``; ``foundry`` ...): an activity of the part
itself, of the product (product-level work covers every part) or of a parent assembly. Rolling, forging,
forming and casting are alternative ways of giving metal its shape: covering one covers the shaping step.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._factors import FactorLibrary
from ._product import Activity, Item, Product

__all__ = ["fabrication_flags"]

_STEPS = r"(?:rolling|forging|forming|machining|heat treatment|casting|welding|coating|fabrication)"
_EXCLUDES = re.compile(rf"\bexclud(?:es|ing) ([^.;]*\b{_STEPS}\b[^.;]*)", re.IGNORECASE)
_STEP = re.compile(_STEPS, re.IGNORECASE)

#: What an activity's text must contain to cover a step (lower case; regular expressions, searched anywhere).
_COVERS: dict[str, tuple[str, ...]] = {
    "rolling": ("rolling", "rolled"),
    "forging": ("forging", "forge", "forged"),
    "forming": ("forming", "formed"),
    "casting": ("casting", "foundr", "melting"),
    "machining": ("machining", "machine shop", "machined", "turning", "milling"),
    "heat treatment": ("heat treat", "heat-treat", "quench", "temper(?!atur)", "anneal", "normalis", "normaliz"),
    "welding": ("welding", "weld"),
    "coating": ("coating", "paint", "galvanis", "galvaniz", "plating"),
    "fabrication": ("fabricat",),
}
#: Alternative shaping steps: one of them covers all.
_SHAPING = frozenset({"rolling", "forging", "forming", "casting"})


def _activity_text(act: Activity, library: FactorLibrary) -> str:
    refs = [act.factor] if isinstance(act.factor, str) else list(act.factor)
    names = [library[f].name for f in refs if f in library]
    return " ".join([act.name or "", *refs, *names]).lower()


_COVER_RES = {step: re.compile("|".join(words)) for step, words in _COVERS.items()}


@lru_cache(maxsize=4096)
def _steps_named(text: str) -> frozenset[str]:
    """The steps an activity's text names (a text is searched once, however many parts it applies to)."""
    return frozenset(step for step, pattern in _COVER_RES.items() if pattern.search(text))


def _covered(texts: list[str]) -> set[str]:
    steps: set[str] = set().union(*map(_steps_named, texts))
    return steps | _SHAPING if steps & _SHAPING else steps


@lru_cache(maxsize=4096)
def _excluded(notes: str) -> tuple[str, ...]:
    """The fabrication steps a factor's notes say it excludes, in their order, each once."""
    found = _EXCLUDES.search(notes)
    return tuple(dict.fromkeys(s.lower() for s in _STEP.findall(found.group(1)))) if found else ()


def fabrication_flags(product: Product, library: FactorLibrary) -> list[str]:
    """One warning per material factor whose notes exclude fabrication steps that no activity covers, naming
    the missing steps and the parts made of it (their forging, heat treatment or machining is then not
    counted)."""
    items = {i.id: i for i in product.items}
    parents: dict[str, list[str]] = {}
    for item in product.items:
        for child in item.children:
            parents.setdefault(child.item, []).append(item.id)
    product_texts = [_activity_text(a, library) for a in product.activities]
    materials = {m.id: m for m in product.materials}
    parts: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    for item in product.items:
        mat = materials.get(item.material or "")
        if item.kind != "part" or mat is None:
            continue
        texts = product_texts + [_activity_text(a, library) for a in _own_and_parents(item.id, items, parents)]
        covered = _covered(texts)
        for fid in [mat.factor] if isinstance(mat.factor, str) else mat.factor:
            notes = library[fid].notes if fid in library else None
            steps = list(_excluded(notes or ""))
            left = [s for s in steps if s not in covered]
            if left:
                missing[fid] = sorted(set(missing.get(fid, [])) | set(left), key=steps.index)
                parts.setdefault(fid, []).append(item.name or item.id)
    out = []
    for fid, names in parts.items():
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        out.append(
            f"the boundary of {fid} excludes {_join(missing[fid])}; {len(names)} part(s) made of it have no "
            f"activity for these steps ({shown}): A1-A3 leaves them out until the product or its parts carry "
            f"an activity that names the step{_suggestion(missing[fid])}"
        )
    return out


def _fabrication_rows(steps: list[str]) -> dict[str, list[str]]:
    """The bundled fabrication energy processes (id prefixes for :func:`footprint.fabrication_activities`) that
    cover each of ``steps``, in file order; a missing shaping step (rolling, forging, forming, casting) is
    answered by any shaping row. Steps without a bundled row are left out. (Imported here: the rows are read
    only when a flag is raised, not on every calculation's start-up.)"""
    from ._fabrication import fabrication_energy

    out: dict[str, list[str]] = {}
    for step in steps:
        wanted = _SHAPING if step in _SHAPING else {step}
        prefixes = [r.id.rsplit(".", 1)[0] for r in fabrication_energy() if r.step in wanted]
        if prefixes:
            out[step] = list(dict.fromkeys(prefixes))
    return out


def _suggestion(steps: list[str]) -> str:
    rows = _fabrication_rows(steps)
    if not rows:
        return " (e.g. a forging, machining or heat treatment process)"
    merged: dict[tuple[str, ...], list[str]] = {}
    for step, ids in rows.items():
        merged.setdefault(tuple(ids), []).append(step)
    named = "; ".join(f"{' or '.join(steps)}: {', '.join(ids)}" for ids, steps in merged.items())
    return f" (bundled energy rows, fp.fabrication_activities; steel and iron unless the id names the metal: {named})"


def _own_and_parents(item_id: str, items: dict[str, Item], parents: dict[str, list[str]]) -> list[Activity]:
    """The activities of an item and of every assembly above it (breadth first, each item once)."""
    seen: set[str] = set()
    queue = [item_id]
    acts: list[Activity] = []
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        node = items.get(current)
        acts += node.activities if node is not None else []
        queue += parents.get(current, [])
    return acts


def _join(steps: list[str]) -> str:
    return steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " and " + steps[-1]
