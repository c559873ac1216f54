"""ERP conventions in BOM exports: parts made from raw materials, text lines, and the mass balance.

An ERP system lists a machined part as a row with a child: the raw material it is made from, in the raw
material's unit (a forged body of 1,480 kg net with 2,350 KG of forging bar below it). Read literally,
that is an assembly holding 2,350 parts of 1 kg. :func:`resolve_raw_materials` reads it as the ERP means
it: a part made of that material, gross mass = raw-material quantity, net mass = the part's own weight,
scrap = the difference. Which rows are raw materials is told by the export's columns (material type,
procurement type, item category) through :class:`ErpRules`; ``sap``, ``ifs`` and ``odoo`` presets name
the columns and codes of those systems. Without such columns a leaf row counted in a unit of mass is a
raw material.

Every weight of the export is used or named in a warning: an assembly's weight is checked against its
children's (:func:`mass_balance`), gross weights that have no meaning for an assembly are listed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ConfigDict, Field

from ._errors import Problem, UnitError
from ._models import CheckedModel
from ._product import Activity, Amount, Item
from ._units import conversion_factor, parse_unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ERP_PRESETS", "ErpRules", "erp_rules"]


class ErpRules(CheckedModel):
    """Which rows of an ERP export are raw materials, bought-in items or text lines.

    ``material_type``, ``procurement_type`` and ``item_category`` name columns of the export; the lists
    hold their values (matched without regard to case; ``*`` and ``?`` are wildcards). A leaf row is a raw
    material when its material type is in ``raw_material_types`` or its item category in
    ``raw_material_categories``; with no material-type column, when it is bought in (procurement type in
    ``bought_in``) and counted in a unit of mass, length, area or volume; with neither column, when it is
    counted in a unit of mass. Rows whose item category is in ``ignored_categories`` (text and document
    lines) are left out. An assembly whose weight differs from its children's by more than
    ``mass_tolerance`` (relative) is named in a warning.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    material_type: str | None = None
    procurement_type: str | None = None
    item_category: str | None = None
    raw_material_types: list[str] = Field(default_factory=list)
    bought_in: list[str] = Field(default_factory=list)
    raw_material_categories: list[str] = Field(default_factory=list)
    ignored_categories: list[str] = Field(default_factory=list)
    mass_tolerance: float = Field(default=0.05, ge=0)


#: Column names and codes of common ERP systems. SAP: material type ROH (raw material), procurement type F
#: (external), item categories R (variable-size item, cut from stock) and T / D (text, document). IFS: part
#: type "Purchased (raw)". Odoo has no raw-material type: its preset reads the product category and the
#: "Buy" route (name the category "Raw Materials", or set your own rules).
ERP_PRESETS: dict[str, ErpRules] = {
    "sap": ErpRules(
        material_type="Material type",
        procurement_type="Procurement type",
        item_category="Item category",
        raw_material_types=["ROH"],
        bought_in=["F"],
        raw_material_categories=["R"],
        ignored_categories=["T", "D"],
    ),
    "ifs": ErpRules(
        material_type="Part Type",
        procurement_type="Part Type",
        raw_material_types=["Purchased (raw)"],
        bought_in=["Purchased", "Purchased (raw)"],
    ),
    "odoo": ErpRules(
        material_type="Component/Product Category",
        procurement_type="Component/Routes",
        raw_material_types=["*raw material*"],
        bought_in=["*buy*"],
    ),
}


def erp_rules(spec: str | ErpRules | dict[str, Any] | None) -> ErpRules:
    """Rules from a preset name (``sap``, ``ifs``, ``odoo``), a dict of fields, or rules; default: none."""
    if spec is None:
        return ErpRules()
    if isinstance(spec, ErpRules):
        return spec
    if isinstance(spec, str):
        if spec.lower() not in ERP_PRESETS:
            raise ValueError(f"unknown ERP preset {spec!r}; one of: {', '.join(ERP_PRESETS)}")
        return ERP_PRESETS[spec.lower()]
    return ErpRules(**spec)


def _matches(values: np.ndarray, patterns: Sequence[str]) -> np.ndarray:
    """Where a text value matches one of ``patterns`` (case-insensitive, ``*`` and ``?`` wildcards)."""
    pats = [p.strip().lower() for p in patterns]
    lookup = {v: any(fnmatchcase(str(v).strip().lower(), p) for p in pats) for v in set(values.tolist())}
    return np.array([lookup[v] for v in values.tolist()], dtype=bool)


def _dimension(unit: str) -> str:
    try:
        return str(parse_unit(unit).dimensionality)
    except UnitError:
        return ""


_MEASURES = ("[mass]", "[length]", "[length] ** 2", "[length] ** 3")


def _kg(x: float) -> str:
    return f"{x:,.4g} kg" if x < 1000 else f"{x:,.0f} kg"


def resolve_raw_materials(
    lines: pd.DataFrame, rules: ErpRules, file: str
) -> tuple[pd.DataFrame, list[str], list[Problem]]:
    """Read make-parts over raw materials as parts made of a material; drop ignored (text) lines.

    ``lines`` holds one row per BOM line with ``row, parent, occurrence, item, qty, unit, material, net,
    gross`` (masses in kg per unit of the line's item) and the text columns ``mtype, proc, cat``. Returns
    the lines (a ``kind`` column says ``part`` for items made from raw materials), warnings and problems.
    """
    warnings: list[str] = []
    problems: list[Problem] = []
    lines = lines.assign(kind="")
    cat = lines["cat"].to_numpy(dtype=object)
    if rules.ignored_categories:
        drop = _matches(cat, rules.ignored_categories)
        heavy = drop & np.isfinite(lines["net"].to_numpy(dtype=float))
        if heavy.any():
            names = ", ".join(lines.loc[heavy, "item"].astype(str).unique()[:10])
            warnings.append(
                f"text or document lines with a weight are left out of the BOM (item category "
                f"{'/'.join(rules.ignored_categories)}): {names}"
            )
        lines = lines[~drop]
        cat = lines["cat"].to_numpy(dtype=object)
    dims = {u: _dimension(u) for u in lines["unit"].unique()}
    dim = lines["unit"].map(dims).to_numpy(dtype=object)
    leaf = ~lines["item"].isin(set(lines["parent"])).to_numpy()
    if rules.material_type and (lines["mtype"] != "").any():
        raw = _matches(lines["mtype"].to_numpy(dtype=object), rules.raw_material_types)
    elif rules.procurement_type and (lines["proc"] != "").any():
        raw = _matches(lines["proc"].to_numpy(dtype=object), rules.bought_in) & np.isin(dim, _MEASURES)
    else:
        raw = dim == "[mass]"
    if rules.raw_material_categories:
        raw |= _matches(cat, rules.raw_material_categories)
    raw &= leaf

    # kg of raw material per unit of the raw line: from its unit when a mass, else its weight per unit
    kg_per = np.array(
        [conversion_factor(u, "kg") if dims[u] == "[mass]" else math.nan for u in lines["unit"]], dtype=float
    )
    net = lines["net"].to_numpy(dtype=float)
    stated = raw & np.isfinite(kg_per) & np.isfinite(net) & ~np.isclose(net, kg_per, rtol=0.01)
    if stated.any():
        warnings.append(
            "raw materials counted in a unit of mass carry another net weight per unit, which is not used "
            f"(the unit says how much): {', '.join(lines.loc[stated, 'item'].astype(str).unique()[:10])}"
        )
    kg_per = np.where(np.isfinite(kg_per), kg_per, net)
    no_kg = raw & ~np.isfinite(kg_per)
    for i in np.flatnonzero(no_kg):
        problems.append(
            Problem(
                f"raw material counted in {lines['unit'].iloc[i]!r} needs its weight per unit",
                file=file,
                row=int(lines["row"].iloc[i]),
                field="net_mass",
                value=lines["item"].iloc[i],
                expected="a net weight per unit of the raw material (e.g. kg per m of bar)",
            )
        )
    with np.errstate(over="ignore"):  # an overflow is refused, naming its item, when the product is calculated
        raw_kg = lines["qty"].to_numpy(dtype=float) * kg_per
    lines = lines.assign(raw=raw, raw_kg=raw_kg, kg_per=kg_per)[~no_kg]
    # a raw material kept as a line of its own is a part of its whole mass (weld wire, paint, oil)
    own = lines["raw"].to_numpy()
    lines.loc[own, "net"] = lines.loc[own, "kg_per"]
    lines.loc[own, "gross"] = lines.loc[own, "kg_per"]
    lines.loc[own & (lines["material"] == "").to_numpy(), "material"] = lines.loc[
        own & (lines["material"] == "").to_numpy(), "item"
    ]
    lines, w, p = _make_parts(lines, file)
    return lines.drop(columns=["raw", "raw_kg", "kg_per"]), warnings + w, problems + p


def _make_parts(lines: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[str], list[Problem]]:
    """Parents whose children (first listing) are all raw materials become parts of the heaviest one."""
    warnings: list[str] = []
    problems: list[Problem] = []
    first_occ = lines.groupby("parent")["occurrence"].transform("min")
    kept = lines[lines["occurrence"] == first_occ]
    all_raw = kept.groupby("parent")["raw"].all()
    listed = set(lines["item"])
    makers = [p for p in all_raw[all_raw].index if p in listed]
    if not makers:
        return lines, warnings, problems
    under = kept[kept["parent"].isin(makers)]
    per_raw = under.groupby(["parent", "item"], sort=False).agg(kg=("raw_kg", "sum"), material=("material", "first"))
    main = per_raw.sort_values("kg", ascending=False, kind="stable").groupby(level=0, sort=False).head(1)
    rest_kg = per_raw["kg"].groupby(level=0).sum() - main["kg"].droplevel(1)
    no_net: list[str] = []
    where = lines.groupby("item", sort=False).indices  # item -> its line positions, found once
    for key, rec in main.iterrows():  # one pass per make-part item, not per line
        parent, raw_item = str(key[0]), str(key[1])  # type: ignore[index]
        rows = np.zeros(len(lines), dtype=bool)
        rows[where[parent]] = True
        stated = lines.loc[rows, "net"].to_numpy(dtype=float)
        own_net = stated[0] - rest_kg[parent] if np.isfinite(stated[0]) else math.nan
        gross = float(rec["kg"])
        if not np.isfinite(own_net):
            no_net.append(str(parent))
            own_net = gross
        elif own_net > gross * (1 + 1e-9):
            problems.append(
                Problem(
                    f"part {parent!r} weighs more ({_kg(own_net)}) than the {_kg(gross)} of {raw_item!r} it is made from",
                    file=file,
                    row=int(lines.loc[rows, "row"].iloc[0]),
                    field="net_mass",
                    value=float(stated[0]),
                    expected="a net weight at most the raw material's quantity",
                )
            )
            continue
        given_gross = lines.loc[rows, "gross"].to_numpy(dtype=float)[0]
        if np.isfinite(given_gross) and not math.isclose(given_gross, gross, rel_tol=0.01):
            warnings.append(
                f"{parent}: gross weight {_kg(given_gross)} in the export, {_kg(gross)} of raw material "
                f"{raw_item} below it; the raw material is used"
            )
        lines.loc[rows, ["kind", "material", "net", "gross"]] = ["part", rec["material"], own_net, gross]
    if no_net:
        warnings.append(
            "parts made from raw material without a net weight: their scrap is unknown and their mass is taken "
            f"as the raw material's: {', '.join(no_net[:10])}"
        )
    drop = lines.set_index(["parent", "item"]).index.isin(main.index)
    return lines[~drop], warnings, problems


def mass_balance(items: Sequence[Item], stated: dict[str, float], tolerance: float) -> list[str]:
    """Warnings where an item's weight in the export differs from the mass of its contents.

    An item's mass per unit is its own net mass (parts) or mass (components) plus its children's; an
    item whose contents include something of unknown mass is named once rather than checked.
    """
    by_id = {i.id: i for i in items}
    memo: dict[str, float] = {}

    def mass(iid: str) -> float:
        if iid in memo:
            return memo[iid]
        memo[iid] = math.nan  # guards against a cycle; the product check reports it
        it = by_id.get(iid)
        if it is None:
            return math.nan
        own = it.net_mass if it.kind == "part" else it.mass
        total = 0.0 if it.kind == "assembly" else (_in_kg(own) if own is not None else math.nan)
        for ch in it.children:
            q = ch.quantity if isinstance(ch.quantity, float | int) else ch.quantity.value
            total += float(q) * mass(ch.item)
        memo[iid] = total
        return total

    off: list[str] = []
    unknown: list[str] = []
    for iid, kg in stated.items():
        it = by_id.get(iid)
        if it is None or not it.children:
            continue
        m = mass(iid)
        if not math.isfinite(m):
            unknown.append(f"{iid} ({_kg(kg)})")
        elif abs(m - kg) > tolerance * kg:
            off.append(f"{iid}: {_kg(kg)} in the export, contents {_kg(m)} ({(m - kg) / kg:+.1%})")
    out = []
    if off:
        out.append(f"mass balance off by more than {tolerance:.0%}: " + "; ".join(off))
    if unknown:
        out.append(
            "weights of assemblies not checked, something inside has no mass (give bought-in items a weight "
            f"or a mapping mass): {', '.join(unknown[:10])}"
        )
    return out


def _in_kg(a: Amount) -> float:
    return a.value * conversion_factor(a.unit, "kg")


def _opt(rec: dict[str, Any], key: str) -> str:
    v = rec.get(key)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip() if str(v).strip().lower() != "nan" else ""


_YES = {"yes", "true", "1", "y", "x"}
_NO = {"no", "false", "0", "n", ""}


def component_item(
    item_id: str,
    name: str | None,
    unit: str,
    rec: dict[str, Any],
    net_kg: float,
    materials: dict[str, Any],
    file: str,
    row: int | None,
) -> tuple[Item | None, str | None, list[Problem], str | None]:
    """A bought-in item from its mapping row: ``factor`` (generic, secondary) or ``pcf`` (the factor id of
    the supplier's footprint, primary data), ``module`` (default A1), ``primary``, ``mass``, ``material``
    (for its end of life) and ``supplier``. Returns the item, the material code it uses, problems, and a
    warning when it has no mass."""
    problems: list[Problem] = []
    mfile = str(rec.get("__file__", file))
    mrow = rec.get("__row__")
    pcf, factor = _opt(rec, "pcf"), _opt(rec, "factor")
    if not pcf and not factor:
        problems.append(
            Problem("a component needs a factor or a pcf", file=mfile, row=mrow, field="factor", value=item_id)
        )
        return None, None, problems, None
    primary_text = _opt(rec, "primary").lower()
    if primary_text not in _YES | _NO:
        problems.append(
            Problem("not yes or no", file=mfile, row=mrow, field="primary", value=primary_text, expected="yes or no")
        )
    primary = primary_text in _YES if primary_text else bool(pcf)
    supplier = _opt(rec, "supplier")
    module = _opt(rec, "module") or "A1"
    mass: Amount | None = None
    if math.isfinite(net_kg):
        mass = Amount(value=net_kg, unit="kg")
    elif _opt(rec, "mass"):
        try:
            mass = Amount.model_validate(_opt(rec, "mass"))
            if _dimension(mass.unit) != "[mass]":
                raise ValueError("not a mass")
        except ValueError:
            problems.append(
                Problem(
                    "not a mass", file=mfile, row=mrow, field="mass", value=_opt(rec, "mass"), expected="e.g. 953 kg"
                )
            )
            mass = None
    material = _opt(rec, "material") or None
    if material is not None and material not in materials:
        problems.append(
            Problem(
                "material of a component is not mapped",
                file=mfile,
                row=mrow,
                field="material",
                value=material,
                expected="the code of a material row of the mapping",
            )
        )
        material = None
    label = f"{name or item_id} ({'PCF of ' + supplier if supplier and pcf else 'supplier PCF' if pcf else 'generic factor'})"
    try:
        item = Item(
            id=item_id,
            name=name or _opt(rec, "name") or None,
            kind="component",
            unit=unit,
            mass=mass,
            material=material if mass is not None else None,
            activities=[
                Activity(
                    name=label,
                    factor=pcf or factor,
                    quantity=Amount(value=1.0, unit=unit),
                    module=module,
                    primary=primary,
                )
            ],
        )
    except ValueError as exc:
        problems.append(Problem(str(exc).splitlines()[-1], file=mfile, row=mrow, field="module", value=module))
        return None, None, problems, None
    note = None if mass is not None else item_id
    return item, item.material, problems, note
