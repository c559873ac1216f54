"""Reduction levers: named changes to a prepared product (a factor substituted, a share moved to another route,
a quantity scaled, a service life or replacement interval changed), evaluated alone and in combination on the
product's arrays, with Monte Carlo savings on common random numbers.

A lever never re-reads a file: it edits the arrays of a :class:`PreparedProduct` (which factor each activity
row uses, its amount, the part masses, the replacement counts) and the ordinary evaluation runs on them, so a
combination is computed, never summed, and its interactions are exact.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt
from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from ._errors import IncompatibleUnitsError, InputError, Problem, UnitError
from ._factors import EmissionFactor, FactorLibrary, PrefoldedPolicy, activity_to_factor_unit
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gwp_set
from ._lifecycle import KINDS, PreparedProduct, _evaluate, prepare_product
from ._models import CheckedModel, validation_problems
from ._modules import MODULES
from ._product import Amount, Product
from ._units import conversion_factor

__all__ = [
    "Lever",
    "LeverCost",
    "LeverError",
    "LeverFile",
    "LeverResult",
    "LeverScope",
    "apply_lever",
    "evaluate_levers",
    "load_levers",
]

LeverKind = Literal[
    "substitute_factor", "energy_supply", "recycled_content", "end_of_life", "scale_quantity", "transport",
    "service_life", "maintenance_interval",
]  # fmt: skip
_D = MODULES.index("D")
_KIND = {k: i for i, k in enumerate(KINDS)}
_ENERGY = ("electricity", "fuel")


class LeverError(InputError):
    """A lever that cannot apply: an unknown factor, item, material, module or scope, a change that leaves
    units incompatible, a negative quantity, a cost without currency. Names the lever file and field."""


class _Model(CheckedModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    error: ClassVar[type[InputError]] = LeverError


class LeverScope(_Model):
    """Where a lever applies: a product (by id; default the product evaluated), optionally only some items,
    materials or modules. ``family``, ``supplier`` and ``catalogue`` name catalogue scopes."""

    product: str | None = None
    family: str | None = None
    supplier: str | None = None
    catalogue: bool = False
    items: list[str] | None = None
    materials: list[str] | None = None
    modules: list[str] | None = None


class LeverCost(_Model):
    """What a lever costs: ``one_off`` (spread over ``units`` declared units) and ``per_unit`` (per declared
    unit; negative if it saves money), in ``currency`` (ISO 4217, e.g. EUR, NOK)."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    one_off: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    per_unit: float = Field(default=0.0, allow_inf_nan=False)
    units: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    def per_declared_unit(self) -> float:
        """one_off / units + per_unit."""
        return self.one_off / self.units + self.per_unit


class Lever(_Model):
    """A named change. Parameters by kind:

    - ``substitute_factor``: rows using factor ``from`` (any factor if omitted) use ``to``;
    - ``energy_supply``: the same for electricity and fuel factors only;
    - ``recycled_content`` / ``end_of_life``: move ``fraction`` of the material (resp. end-of-life or scrap)
      rows of factor ``from`` to factor ``to``;
    - ``scale_quantity``: multiply by ``scale`` the part masses (``target: mass``; material, scrap, end of life,
      credits and mass-carried transport follow), their scrap (``target: scrap``: gross - net, with the
      material input, scrap treatment and credits) or the activity amounts (``target: activity``: energy,
      use, transport distances);
    - ``transport``: legs of factor ``from`` (any if omitted) change mode to ``to``, distance by ``scale``,
      and load factor from ``load_factor[0]`` to ``load_factor[1]`` (t km factors taken as inversely
      proportional to the load factor);
    - ``service_life``: the product's service life becomes ``service_life`` (per-year use and replacements
      follow);
    - ``maintenance_interval``: the part ``item`` is replaced ``every`` (B4).
    """

    name: str = Field(min_length=1)
    kind: LeverKind
    scope: LeverScope = Field(default_factory=LeverScope)
    from_factor: str | list[str] | None = Field(default=None, alias="from")
    to_factor: str | list[str] | None = Field(default=None, alias="to")
    fraction: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    target: Literal["mass", "scrap", "activity"] | None = None
    scale: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    load_factor: tuple[float, float] | None = None
    service_life: Amount | None = None
    item: str | None = None
    every: Amount | None = None
    cost: LeverCost | None = None
    evidence: str | None = None

    @field_validator("load_factor")
    @classmethod
    def load_factors_positive(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not all(math.isfinite(x) and x > 0 for x in v):
            raise ValueError("load factors must be positive numbers (old, new)")
        return v

    @model_validator(mode="after")
    def parameters_fit_the_kind(self) -> Lever:
        need = {
            "substitute_factor": ("from_factor", "to_factor"), "energy_supply": ("from_factor", "to_factor"),
            "recycled_content": ("from_factor", "to_factor", "fraction"),
            "end_of_life": ("from_factor", "to_factor", "fraction"), "scale_quantity": ("target", "scale"),
            "transport": (), "service_life": ("service_life",), "maintenance_interval": ("item", "every"),
        }[self.kind]  # fmt: skip
        missing = [("from" if f == "from_factor" else "to" if f == "to_factor" else f) for f in need
                   if getattr(self, f) is None]  # fmt: skip
        if missing:
            raise ValueError(f"a {self.kind} lever needs {', '.join(missing)}")
        if isinstance(self.to_factor, list) and (
            not isinstance(self.from_factor, list) or len(self.from_factor) != len(self.to_factor)
        ):
            raise ValueError("a list of factors in 'to' needs a list of as many in 'from' (pairwise)")
        for q in (self.service_life, self.every):
            if q is not None and not q.value > 0:
                raise ValueError(f"{q} must be positive")
        return self


class LeverFile(_Model):
    """A lever file: the levers, and optionally the combinations to evaluate (lists of lever names)."""

    levers: list[Lever] = Field(min_length=1)
    combinations: list[list[str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def names_unique_and_known(self) -> LeverFile:
        names = [lv.name for lv in self.levers]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"lever names used twice: {', '.join(dup)}")
        unknown = sorted({n for c in self.combinations for n in c if n not in names})
        if unknown:
            raise ValueError(f"combinations name unknown levers: {', '.join(unknown)}")
        return self


def load_levers(path: str | Path) -> LeverFile:
    """Read a lever file (YAML or JSON, read strictly: a key given twice, deep nesting or runaway aliases are
    refused); every problem is a :class:`LeverError` naming the file and field."""
    from ._structured import UnreadableError, decode_utf8, load_json, load_yaml

    file = str(path)
    p = Path(path)
    if not p.is_file():
        raise LeverError([Problem("file not found", file=file, expected="a lever file (.yaml, .json)")], what=file)
    try:
        text = decode_utf8(p.read_bytes(), file)
        yaml_file = p.suffix.lower() in (".yaml", ".yml")
        data = load_yaml(text, file=file) if yaml_file else load_json(text, file=file)
    except UnreadableError as exc:
        raise LeverError([exc.problem], what=file) from None
    try:
        return LeverFile.model_validate(data)
    except ValidationError as exc:
        raise LeverError(validation_problems(exc, file), what=file) from None


def _err(lever: Lever, field: str, message: str, value: object = None, expected: str | None = None) -> LeverError:
    return LeverError([Problem(message, field=f"lever {lever.name!r}.{field}", value=value, expected=expected)],
                      what=f"lever {lever.name!r}")  # fmt: skip


def _scope_rows(prep: PreparedProduct, lever: Lever) -> npt.NDArray[np.bool_]:
    """The activity rows a lever's scope covers (all problems of the scope are named)."""
    from ._lever_scope import item_mask, material_mask, module_mask  # imported here: it imports this module

    sc = lever.scope
    if sc.family is not None or sc.supplier is not None or sc.catalogue:
        raise _err(lever, "scope", "family, supplier and catalogue scopes need a catalogue; levers apply to a product",
                   sc.family or sc.supplier or "catalogue", "scope: {product: ..., items/materials/modules}")  # fmt: skip
    if sc.product is not None and sc.product != prep.product.id:
        raise _err(lever, "scope.product", "unknown product", sc.product, f"{prep.product.id!r}")
    rows = np.ones(len(prep.act_node), dtype=bool)
    if sc.items is not None:
        pos = [prep.node_ids.index(i) if i in prep.node_ids else -1 for i in sc.items]
        rows &= item_mask(lever, np.array(pos, dtype=np.intp), prep.act_node, "product")
    if sc.materials is not None:
        rows &= material_mask(lever, (m.id for m in prep.product.materials), prep.materials, prep.act_material)
    return rows & module_mask(lever, prep.act_module)


def _factor_index(lever: Lever, lib: FactorLibrary, fid: str, field: str) -> int:
    """The position of factor ``fid`` in ``lib`` (a named error at ``field`` if it is not there)."""
    if fid not in lib:
        raise _err(lever, field, "unknown factor", fid, f"an id in {lib.name}")
    return lib.index_of(fid)


def _factor(prep: PreparedProduct, lever: Lever, fid: str, field: str) -> int:
    return _factor_index(lever, prep.library, fid, field)


def _unit_multiplier(lever: Lever, fac: EmissionFactor, to: EmissionFactor) -> float:
    """The multiplier of a quantity in ``fac``'s unit into ``to``'s (a named error if the units do not meet)."""
    try:
        return activity_to_factor_unit(fac.unit, to).multiplier
    except (IncompatibleUnitsError, UnitError):
        raise _err(lever, "to", f"the unit of {to.id!r} ({to.unit}) does not meet {fac.id!r} ({fac.unit})",
                   to.id, f"a factor in units of {fac.unit!r}'s dimension") from None  # fmt: skip


def _check_energy(lever: Lever, categories: set[str]) -> None:
    """An energy_supply lever changes electricity and fuel factors only (``categories``: those it names)."""
    if not categories <= set(_ENERGY):
        raise _err(lever, "to", "energy_supply changes electricity and fuel factors only", sorted(categories),
                   "use substitute_factor for other factors")  # fmt: skip


def _share_pair(lever: Lever) -> tuple[str, str]:
    """The one ``from`` and one ``to`` factor between which a recycled_content or end_of_life lever moves a
    share."""
    if not isinstance(lever.from_factor, str) or not isinstance(lever.to_factor, str):
        raise _err(lever, "from", "moves a share from one factor to one other", lever.from_factor, "one factor id each")
    return lever.from_factor, lever.to_factor


def _convert(prep: PreparedProduct, lever: Lever, old: npt.NDArray[np.intp], new: int) -> npt.NDArray[np.float64]:
    """Per row, the multiplier from its old factor's unit to the new factor's (one conversion per factor)."""
    lib = prep.library
    to = lib.factor_at(new)
    mult = np.ones(len(old))
    for f in np.unique(old):
        mult[old == f] = _unit_multiplier(lever, lib.factor_at(int(f)), to)
    return mult


def _pairs(lever: Lever) -> list[tuple[str | None, str]]:
    """(from, to) factor pairs: one, or pairwise lists (a fuel's combustion and well-to-tank factors)."""
    if isinstance(lever.to_factor, list):
        froms: list[str | None] = list(lever.from_factor or [])
        return list(zip(froms, lever.to_factor, strict=True))
    if isinstance(lever.from_factor, list):
        return [(f, lever.to_factor or "") for f in lever.from_factor]
    return [(lever.from_factor, lever.to_factor or "")]


def _swap(
    prep: PreparedProduct,
    lever: Lever,
    rows: npt.NDArray[np.bool_],
    factor: npt.NDArray[np.intp],
    amount: npt.NDArray[np.float64],
) -> None:
    """Substitute factors in place on ``rows`` (each pair on the rows that use its ``from``), converting amounts
    into the new factor's unit; a pair whose ``from`` is not used in the scope is an error."""
    hits = []
    for old, to in _pairs(lever):
        new = _factor(prep, lever, to, "to")
        sel = rows & (prep.act_factor == _factor(prep, lever, old, "from")) if old is not None else rows.copy()
        if not sel.any():
            raise _err(lever, "from", "the factor is not used in the lever's scope", old)
        hits.append((sel, new))
    for sel, new in hits:  # after every check: the pairs see the original factors, not each other's result
        amount[sel] *= _convert(prep, lever, prep.act_factor[sel], new)
        factor[sel] = new


def _substitute(prep: PreparedProduct, lever: Lever, rows: npt.NDArray[np.bool_]) -> dict[str, Any]:
    if lever.kind == "energy_supply":
        ids = [f for pair in _pairs(lever) for f in pair if f is not None]
        _check_energy(lever, {prep.library.factor_at(_factor(prep, lever, f, "to")).category for f in ids})
    factor, amount = prep.act_factor.copy(), prep.act_amount.copy()
    _swap(prep, lever, rows, factor, amount)
    return {"act_factor": factor, "act_amount": amount}


def _shift(prep: PreparedProduct, lever: Lever, rows: npt.NDArray[np.bool_]) -> dict[str, Any]:
    """Move ``fraction`` of the rows of factor ``from`` to new rows of factor ``to`` (same item, module, field:
    the new rows share the old rows' quantity draw)."""
    kinds = ["material"] if lever.kind == "recycled_content" else ["end-of-life", "scrap"]
    old, to = _share_pair(lever)
    rows = rows & (prep.act_factor == _factor(prep, lever, old, "from"))
    rows &= np.isin(prep.act_kind, [_KIND[k] for k in kinds])
    new = _factor(prep, lever, to, "to")
    if not rows.any():
        raise _err(
            lever, "from", f"the factor has no {' or '.join(kinds)} rows in the lever's scope", lever.from_factor
        )
    f = float(lever.fraction or 0.0)
    idx = np.flatnonzero(rows)
    amount = prep.act_amount.copy()
    moved = amount[idx] * f * _convert(prep, lever, prep.act_factor[idx], new)
    amount[idx] *= 1.0 - f
    out: dict[str, Any] = {"act_amount": np.concatenate([amount, moved])}
    for name in ("act_node", "act_module", "act_kind", "act_material", "act_label", "act_primary",
                 "act_mass_basis", "act_uncertainty"):  # fmt: skip
        arr = getattr(prep, name)
        out[name] = np.concatenate([arr, arr[idx]])
    out["act_factor"] = np.concatenate([prep.act_factor, np.full(len(idx), new, dtype=np.intp)])
    if len(prep.act_field) == len(prep.act_node):
        out["act_field"] = prep.act_field + tuple(prep.act_field[i] for i in idx)
    return out


def _scale(prep: PreparedProduct, lever: Lever, rows: npt.NDArray[np.bool_]) -> dict[str, Any]:
    s = float(lever.scale if lever.scale is not None else 1.0)
    amount = prep.act_amount.copy()
    if lever.target == "activity":
        rows = rows & np.isin(prep.act_kind, [_KIND[k] for k in ("process", "use", "transport")])
        if lever.from_factor is not None:
            froms = [lever.from_factor] if isinstance(lever.from_factor, str) else lever.from_factor
            rows &= np.isin(prep.act_factor, [_factor(prep, lever, f, "from") for f in froms])
        amount[rows] *= s
        return {"act_amount": amount}
    sc = lever.scope
    if sc.modules is not None or (sc.items is None and sc.materials is None):
        raise _err(lever, "scope", f"a {lever.target} lever scales parts: give items or materials, not modules",
                   sc.modules, "scope: {items: [...]} or {materials: [...]}")  # fmt: skip
    nodes = np.unique(prep.act_node[rows & (prep.act_material >= 0)])
    if sc.items is not None and sc.materials is None:
        nodes = np.union1d(nodes, [prep.node_ids.index(i) for i in sc.items]).astype(np.intp)
    net, gross = prep.node_net_kg.copy(), prep.node_gross_kg.copy()
    if lever.target == "scrap":
        return _scale_scrap(prep, lever, nodes, s)
    on = np.isin(prep.act_node, nodes) & (prep.act_material >= 0)  # every mass-proportional row of those parts
    amount[on] *= s
    net[nodes] *= s
    gross[nodes] *= s
    return {"act_amount": amount, "node_net_kg": net, "node_gross_kg": gross}


def _scale_scrap(prep: PreparedProduct, lever: Lever, nodes: npt.NDArray[np.intp], s: float) -> dict[str, Any]:
    """Scrap (gross - net) of the parts x ``s``: the material input follows the gross mass, the scrap rows
    scale by ``s``, and the module D credit moves by (s - 1) x scrap x (recycled share of the scrap routes -
    recycled content), as the product file's end-of-life rules compute it."""
    product, amount = prep.product, prep.act_amount.copy()
    net, gross = prep.node_net_kg, prep.node_gross_kg.copy()
    materials = {m.id: m for m in product.materials}
    scenarios = {e.id: e for e in product.end_of_life}
    for n in nodes.tolist():  # the parts in scope (a few), not BOM lines
        scrap = gross[n] - net[n]
        item = next((it for it in product.items if it.id == prep.node_ids[n]), None)
        mat = materials.get(item.material or "") if item is not None and item.kind == "part" else None
        if mat is None or scrap == 0:
            continue
        on = prep.act_node == n
        amount[on & (prep.act_kind == _KIND["material"])] *= (net[n] + s * scrap) / gross[n]
        amount[on & (prep.act_kind == _KIND["scrap"])] *= s
        eol = scenarios.get(mat.end_of_life or "")
        sc = scenarios.get(mat.scrap_end_of_life or mat.end_of_life or "")
        if eol is not None and eol.credit is not None:
            shift = (s - 1.0) * scrap * (sum(r.share for r in sc.routes if r.recycled) if sc else 0.0)
            shift -= (s - 1.0) * scrap * mat.recycled_content
            credit = on & (prep.act_kind == _KIND["credit"])
            if shift != 0 and not credit.any():
                raise _err(lever, "scope", "the part had no module D credit to change", prep.node_ids[n],
                           "a part with a recycling credit, or scale its mass instead")  # fmt: skip
            for a in np.flatnonzero(credit).tolist():  # the virgin row is -net_out, the secondary +net_out
                conv = activity_to_factor_unit("kg", prep.library.factor_at(int(prep.act_factor[a]))).multiplier
                virgin = prep.act_field[a].endswith(".credit.virgin") if prep.act_field else amount[a] < 0
                amount[a] += (-shift if virgin else shift) * conv
        gross[n] = net[n] + s * scrap
    return {"act_amount": amount, "node_gross_kg": gross}


def _transport(prep: PreparedProduct, lever: Lever, rows: npt.NDArray[np.bool_]) -> dict[str, Any]:
    rows = rows & (prep.act_kind == _KIND["transport"])
    if lever.from_factor is not None:
        froms = [lever.from_factor] if isinstance(lever.from_factor, str) else lever.from_factor
        rows &= np.isin(prep.act_factor, [_factor(prep, lever, f, "from") for f in froms])
    if not rows.any():
        raise _err(lever, "scope", "no transport leg in the lever's scope", lever.from_factor)
    factor, amount = prep.act_factor.copy(), prep.act_amount.copy()
    if lever.to_factor is not None:
        _swap(prep, lever, rows, factor, amount)
    if lever.scale is not None:
        amount[rows] *= lever.scale
    if lever.load_factor is not None:
        amount[rows] *= lever.load_factor[0] / lever.load_factor[1]
    return {"act_factor": factor, "act_amount": amount}


def _years(lever: Lever, q: Amount, field: str) -> float:
    try:
        return q.value * conversion_factor(q.unit, "yr")
    except (IncompatibleUnitsError, UnitError):
        raise _err(lever, field, "not a duration", str(q), "e.g. '30 yr'") from None


def _life(prep: PreparedProduct, lever: Lever) -> dict[str, Any]:
    """New service life, or one part's new replacement interval: per-year rows and replacement counts."""
    product = prep.product
    if product.service_life is None:
        raise _err(lever, "kind", "the product has no service_life", None, "a product with a service_life")
    old = product.service_life.value * conversion_factor(product.service_life.unit, "yr")
    life = _years(lever, lever.service_life, "service_life") if lever.service_life is not None else old
    out: dict[str, Any] = {}
    if life != old:
        amount = prep.act_amount.copy()
        use = prep.act_kind == _KIND["use"]
        amount[use] *= life / old
        out["act_amount"] = amount
    times = prep.repl_times.copy()
    hit = False
    for k, rep in enumerate(product.replacements):  # a handful of replacements, not BOM lines
        every = rep.every.value * conversion_factor(rep.every.unit, "yr")
        if lever.kind == "maintenance_interval" and rep.item == lever.item:
            every, hit = _years(lever, lever.every, "every"), True  # type: ignore[arg-type]
        times[k] = float(max(math.ceil(life / every - 1e-9) - 1, 0))
    if lever.kind == "maintenance_interval" and not hit:
        raise _err(lever, "item", "unknown item or an item without a replacement interval", lever.item,
                   f"one of: {', '.join(r.item for r in product.replacements) or '(no replacements)'}")  # fmt: skip
    out["repl_times"] = times
    return out


def apply_lever(prep: PreparedProduct, lever: Lever) -> PreparedProduct:
    """The prepared product with ``lever`` applied to its arrays (``prep`` is left as it is)."""
    rows = _scope_rows(prep, lever)
    if lever.kind in ("substitute_factor", "energy_supply"):
        change = _substitute(prep, lever, rows)
    elif lever.kind in ("recycled_content", "end_of_life"):
        change = _shift(prep, lever, rows)
    elif lever.kind == "scale_quantity":
        change = _scale(prep, lever, rows)
    elif lever.kind == "transport":
        change = _transport(prep, lever, rows)
    else:
        change = _life(prep, lever)
    return dataclasses.replace(prep, input_hash=f"{prep.input_hash}+lever:{lever.name}", **change)


@dataclass(frozen=True)
class LeverResult:
    """Levers evaluated on a product, a catalogue or a supply chain: ``rows`` one dict per scenario (a lever
    alone or a combination, with the JSON fields of ``footprint levers``), ranked by saving;
    ``baseline_kgco2e`` the A1-C4 total over ``basis`` (one declared unit of the product, one unit of each
    product of a catalogue, or the deliveries of a period)."""

    product: str
    gwp_set: str
    baseline_kgco2e: float
    baseline_by_module: dict[str, float]
    iterations: int
    seed: int
    rows: list[dict[str, Any]]
    basis: str = "one declared unit"
    baseline_by_supplier: dict[str, float] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``footprint levers --format json``."""
        return {"product": self.product, "basis": self.basis, "baseline_kgco2e": self.baseline_kgco2e,
                "gwp_set": self.gwp_set, "baseline_by_module": self.baseline_by_module,
                "baseline_by_supplier": self.baseline_by_supplier, "iterations": self.iterations, "seed": self.seed,
                "levers": self.rows}  # fmt: skip

    def ranked(
        self, by: Literal["saving", "cost", "confidence"] = "saving", currency: str | None = None
    ) -> list[dict[str, Any]]:
        """Rows by saving (largest first), by P(saving > 0), or by cost per t CO2e in ``currency`` (a marginal
        abatement cost order: cheapest first; uncosted rows, and rows costed in another currency, last). Costs
        in several currencies are not compared: ``by="cost"`` then needs ``currency``."""
        if by == "saving":
            return sorted(self.rows, key=lambda r: -r["saving_kgco2e"])
        if by == "confidence":
            return sorted(self.rows, key=lambda r: (-r["p_saving_positive"], -r["saving_kgco2e"]))
        currencies = sorted({r["cost"]["currency"] for r in self.rows if r["cost_per_tco2e"] is not None})
        if currency is None and len(currencies) > 1:
            raise LeverError([Problem("levers are costed in several currencies", field="currency",
                                      expected=f"one of: {', '.join(currencies)}")], what="ranking by cost")  # fmt: skip
        cur = currency or (currencies[0] if currencies else None)

        def key(r: dict[str, Any]) -> tuple[bool, float]:
            ok = r["cost_per_tco2e"] is not None and r["cost"]["currency"] == cur
            return (not ok, r["cost_per_tco2e"] if ok else 0.0)

        return sorted(self.rows, key=key)


def _scenario(
    prep: PreparedProduct, gwp: GWPSet, prefolded: PrefoldedPolicy, iterations: int, seed: int
) -> tuple[float, dict[str, float], npt.NDArray[np.float64]]:
    """A1-C4 total, kg CO2e per module (D apart) and the Monte Carlo samples of the total of a prepared
    product: one ordinary evaluation, from which both the exact numbers and the samples come."""
    from ._uncertainty import sample_evaluated

    ev = _evaluate(prep, gwp, prefolded, 1.0)
    samples = sample_evaluated(prep, ev, iterations, seed, gwp).total
    keep = ev.module != _D
    by = np.bincount(ev.module[keep], ev.kgco2e[keep], minlength=len(MODULES))
    return float(ev.kgco2e[keep].sum()), {m: float(by[i]) for i, m in enumerate(MODULES) if i != _D}, samples


def _combinations(levers: Sequence[Lever], combine: str | Sequence[Sequence[str]] | None) -> list[list[str]]:
    names = [lv.name for lv in levers]
    if combine is None:
        return []
    if combine == "all":
        return [names] if len(names) > 1 else []
    if combine == "pairs":
        return [list(p) for p in itertools.combinations(names, 2)]
    if isinstance(combine, str):
        combine = [combine.split(",")]
    out = []
    for combo in combine:
        bad = [n for n in combo if n not in names]
        if bad:
            raise LeverError([Problem("unknown lever in a combination", field="combine", value=bad[0],
                                      expected=f"one of: {', '.join(names)}")], what="combine")  # fmt: skip
        out.append(list(combo))
    return out


def _scenarios(
    levers: LeverFile | Sequence[Lever], combine: str | Sequence[Sequence[str]] | None
) -> tuple[list[Lever], dict[str, Lever], list[list[str]]]:
    """The levers, the levers by name and the scenarios to evaluate (lists of lever names): each lever alone,
    the combinations ``combine`` asks for, then those of the lever file not already among them."""
    lv_list = list(levers.levers) if isinstance(levers, LeverFile) else list(levers)
    by_name = {lv.name: lv for lv in lv_list}
    combos = [[n] for n in by_name] + _combinations(lv_list, combine)
    if isinstance(levers, LeverFile):
        combos += [c for c in levers.combinations if c not in combos]
    return lv_list, by_name, combos


def _check_iterations(iterations: object, what: str) -> None:
    """Monte Carlo iterations are a whole number >= 1 (a LeverError naming ``what``, the function called)."""
    if not (isinstance(iterations, int) and iterations >= 1):
        raise LeverError([Problem("iterations must be a whole number >= 1", field="iterations", value=iterations)],
                         what=what)  # fmt: skip


def _combined_cost(levers: Sequence[Lever], units: Sequence[float] | None = None) -> dict[str, str | float] | None:
    """The cost of levers applied together, all in one currency (None if none is costed, or if they are
    costed in different currencies): per declared unit the sum of their costs, and in ``total`` each lever's
    cost per declared unit times the declared units it changes (``units``, one each by default)."""
    per_lever = [(lv.cost, u) for lv, u in zip(levers, units or [1.0] * len(levers), strict=True) if lv.cost]
    if not per_lever or len({c.currency for c, _ in per_lever}) > 1:
        return None
    return {"currency": per_lever[0][0].currency, "per_declared_unit": sum(c.per_declared_unit() for c, _ in per_lever),
            "total": sum(c.per_declared_unit() * u for c, u in per_lever)}  # fmt: skip


def _percentiles(x: npt.NDArray[np.float64]) -> tuple[float, float]:
    """The 5th and 95th percentiles of ``x`` as numpy's default (linear interpolation) computes them, from one
    sort (numpy's percentile costs a good deal more per call, and levers call it once a scenario)."""
    s = np.sort(x)
    out = []
    for q in (0.05, 0.95):
        pos = q * (len(s) - 1)
        lo = int(pos)
        hi = min(lo + 1, len(s) - 1)
        out.append(float(s[lo] + (s[hi] - s[lo]) * (pos - lo)))
    return out[0], out[1]


def lever_row(
    levers: Sequence[Lever],
    base: float,
    total: float,
    saving_samples: npt.NDArray[np.float64],
    units: Sequence[float],
    by_module: dict[str, float],
) -> dict[str, Any]:
    """One scenario's row (the JSON fields of ``footprint levers``): ``levers`` applied together, the baseline
    and scenario totals, the samples of the saving (common random numbers) and per lever the declared units
    it changes (its cost is its cost per declared unit times those)."""
    combo = [lv.name for lv in levers]
    first = levers[0]
    saving = base - total
    p5, p95 = _percentiles(saving_samples)
    cost = _combined_cost(levers, units)
    return {
        "name": " + ".join(combo), "levers": combo, "kind": first.kind if len(combo) == 1 else "combination",
        "scope": first.scope.model_dump(exclude_none=True, exclude_defaults=True) if len(combo) == 1 else None,
        "scenario_kgco2e": total, "saving_kgco2e": saving, "saving_share": saving / base if base else None,
        "saving_by_module": by_module, "saving_p5": float(p5), "saving_p95": float(p95),
        "p_saving_positive": float(np.mean(saving_samples > 0)), "cost": cost,
        "cost_per_tco2e": float(cost["total"]) / (saving / 1000.0) if cost and saving > 0 else None,
        "evidence": first.evidence if len(combo) == 1 else None,
    }  # fmt: skip


def evaluate_levers(
    product: Product | PreparedProduct,
    levers: LeverFile | Sequence[Lever],
    library: FactorLibrary | None = None,
    *,
    combine: str | Sequence[Sequence[str]] | None = None,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "report",
    iterations: int = 1000,
    seed: int = 0,
) -> LeverResult:
    """Each lever alone, then each combination asked for (``"all"``, ``"pairs"``, comma-separated names or
    lists of names; plus those of the lever file), applied to the product's arrays and evaluated exactly.

    Savings are baseline minus scenario (A1-C4, per declared unit; per module beside). The Monte Carlo runs
    baseline and scenario on common random numbers (same seed, draws keyed by factor id and quantity), so
    ``saving_p5``/``saving_p95`` and ``p_saving_positive`` describe the saving itself, not two independent
    spreads. ``cost_per_tco2e`` is the cost per declared unit over the saving in t CO2e (None without a
    cost or a positive saving).
    """
    prep = product if isinstance(product, PreparedProduct) else prepare_product(product, library)
    gs = gwp_set(gwp)
    _check_iterations(iterations, "evaluate_levers")
    _, by_name, combos = _scenarios(levers, combine)
    base, base_mod, base_mc = _scenario(prep, gs, prefolded, iterations, seed)
    rows: list[dict[str, Any]] = []
    for combo in combos:
        scen = prep
        for name in combo:
            scen = apply_lever(scen, by_name[name])
        total, mods, samples = _scenario(scen, gs, prefolded, iterations, seed)
        by_module = {m: base_mod[m] - mods[m] for m in mods if base_mod[m] != mods[m]}
        rows.append(
            lever_row([by_name[n] for n in combo], base, total, base_mc - samples, [1.0] * len(combo), by_module)
        )
    rows.sort(key=lambda r: -float(r["saving_kgco2e"]))
    return LeverResult(prep.product.id, gs.name, base, base_mod, iterations, seed, rows)
