"""Lifecycle modules of EN 15804 and their mapping to the GHG Protocol product stages."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "CRADLE_TO_GATE",
    "CRADLE_TO_GRAVE",
    "GHG_STAGES",
    "MODULES",
    "MODULE_NAMES",
    "Module",
    "default_module",
    "ghg_stage",
]

Module = Literal[
    "A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "C1", "C2", "C3", "C4", "D"
]  # fmt: skip

#: Every module in report order; D last, never part of a total.
MODULES: tuple[str, ...] = Module.__args__  # type: ignore[attr-defined]

MODULE_NAMES: dict[str, str] = {
    "A1": "Raw material supply",
    "A2": "Transport to the manufacturer",
    "A3": "Manufacturing",
    "A4": "Transport to site",
    "A5": "Installation",
    "B1": "Use",
    "B2": "Maintenance",
    "B3": "Repair",
    "B4": "Replacement",
    "B5": "Refurbishment",
    "B6": "Operational energy use",
    "B7": "Operational water use",
    "C1": "Deconstruction, demolition",
    "C2": "Transport to waste processing",
    "C3": "Waste processing",
    "C4": "Disposal",
    "D": "Benefits and loads beyond the system boundary",
}

#: Modules summed into cradle-to-gate (A1-A3) and cradle-to-grave (A1-C4) totals.
CRADLE_TO_GATE: frozenset[str] = frozenset({"A1", "A2", "A3"})
CRADLE_TO_GRAVE: frozenset[str] = frozenset(m for m in MODULES if m != "D")

#: The GHG Protocol Product Standard's five life cycle stages, as groups of EN 15804 modules. Module D has
#: no GHG Protocol stage: it is reported apart.
GHG_STAGES: dict[str, tuple[str, ...]] = {
    "material acquisition and pre-processing": ("A1", "A2"),
    "production": ("A3",),
    "distribution and storage": ("A4", "A5"),
    "use": ("B1", "B2", "B3", "B4", "B5", "B6", "B7"),
    "end of life": ("C1", "C2", "C3", "C4"),
}
_STAGE_OF = {m: stage for stage, mods in GHG_STAGES.items() for m in mods}


#: Module of an activity given without one, by its factor's category: one convention for the product and the
#: catalogue paths. Raw materials and bought-in components are A1, transport to the manufacturer A2, anything
#: else (energy, processes, waste) manufacturing, A3; a per-year activity is operational energy (B6) or
#: maintenance (B2).
_BY_CATEGORY: dict[str, Module] = {"material": "A1", "component": "A1", "freight": "A2", "freight-wtt": "A2"}
_ENERGY = frozenset({"fuel", "fuel-wtt", "electricity"})


def default_module(category: str | None, per_year: bool = False) -> Module:
    """The module of an activity given without one, from its factor's category (see ``_BY_CATEGORY``)."""
    if per_year:
        return "B6" if category in _ENERGY else "B2"
    return _BY_CATEGORY.get(category or "", "A3")


def ghg_stage(module: str) -> str | None:
    """The GHG Protocol product stage of an EN 15804 module (``None`` for D)."""
    return _STAGE_OF.get(module)
