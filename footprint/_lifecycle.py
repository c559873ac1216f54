"""Lifecycle footprints of products: compile a :class:`Product` into arrays, check it, and calculate.

``prepare_product`` is the boundary: it checks every reference, unit and quantity of a product against a
factor library (collecting all problems in one :class:`ProductError`), converts each distinct pair of units
once, and lays the BOM out as arrays. ``calculate`` explodes and evaluates those arrays; calling it again
with another GWP set reuses the prepared product.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ._biogenic import BIOGENIC_GASES, GWP_INDICATORS, LULUC_GASES, UPTAKE_GAS
from ._boundary import fabrication_flags
from ._energy_basis import split_basis
from ._engine import BomArrays, distinct_rows, explode, find_cycle, gather_runs, topological_levels
from ._errors import CycleError, IncompatibleUnitsError, InputError, Problem, ProductError, UnitError, expect_type
from ._factor_io import default_library
from ._factors import (
    DEFAULT_PREFOLDED,
    EmissionFactor,
    FactorLibrary,
    PrefoldedPolicy,
    Uncertainty,
    activity_to_factor_unit,
)
from ._finite import check_evaluated, check_sums
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gases, gwp_set
from ._indicator_calc import indicator_results, indicator_rows
from ._indicators import IndicatorSpec, resolve_indicators
from ._modules import CRADLE_TO_GATE, GHG_STAGES, MODULES, default_module, ghg_stage
from ._product import Activity, Amount, EndOfLife, Item, Material, Product, relocated
from ._result import Contribution, FootprintResult, primary_data_share
from ._substances import substances
from ._units import conversion_factor, dimension_of

__all__ = ["PreparedProduct", "calculate", "check_product", "prepare_product"]

_log = logging.getLogger(__name__)

KINDS = ("material", "scrap", "process", "use", "component", "transport", "end-of-life", "credit")
_MOD = {m: i for i, m in enumerate(MODULES)}
_B4, _D = _MOD["B4"], _MOD["D"]
_B_MODULES = np.array([m.startswith("B") for m in MODULES])
_FINITE = "an amount below 1.8e308 (the largest double) once converted"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class PreparedProduct:
    """A product checked against a library and laid out as arrays, ready to calculate (and recalculate)."""

    product: Product
    library: FactorLibrary
    node_ids: tuple[str, ...]
    bom: BomArrays
    root: int
    root_units_per_declared_unit: float
    act_node: npt.NDArray[np.intp]
    act_factor: npt.NDArray[np.intp]
    act_amount: npt.NDArray[np.float64]
    act_module: npt.NDArray[np.intp]
    act_kind: npt.NDArray[np.intp]
    act_material: npt.NDArray[np.intp]
    act_label: npt.NDArray[np.intp]
    act_primary: npt.NDArray[np.bool_]
    act_mass_basis: npt.NDArray[np.intp]
    act_uncertainty: npt.NDArray[np.intp]
    uncertainties: tuple[Uncertainty, ...]
    node_net_kg: npt.NDArray[np.float64]
    node_gross_kg: npt.NDArray[np.float64]
    repl_node: npt.NDArray[np.intp]
    repl_times: npt.NDArray[np.float64]
    labels: tuple[str, ...]
    materials: tuple[str, ...]
    conversions: tuple[str, ...]
    warnings: tuple[str, ...]
    input_hash: str
    library_version: str
    #: The product file (for error messages) and, per activity row, the field of that file that set it.
    file: str | None = None
    act_field: tuple[str, ...] = ()


@dataclass
class _Builder:
    product: Product
    library: FactorLibrary
    file: str | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    conversions: dict[str, str] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)
    rows: list[tuple[int, int, float, int, int, int, int, bool, int, int]] = field(default_factory=list)
    uncertainties: list[Uncertainty] = field(default_factory=list)
    labels: dict[str, int] = field(default_factory=dict)
    materials: dict[str, int] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)
    declared: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def problem(self, message: str, fld: str | None = None, value: object = None, expected: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.file, field=fld, value=value, expected=expected))

    def factor(self, fid: str, fld: str) -> EmissionFactor | None:
        if fid not in self.library:
            self.missing.setdefault(fid, []).append(fld)
            return None
        return self.library[fid]

    def label(self, text: str) -> int:
        return self.labels.setdefault(text, len(self.labels))

    def material(self, mid: str | None) -> int:
        return -1 if mid is None else self.materials.setdefault(mid, len(self.materials))

    def add(
        self,
        node: int,
        factor_ids: str | list[str],
        amount: float,
        unit: str,
        module: str,
        kind: str,
        fld: str,
        label: str,
        material: str | None = None,
        primary: bool = False,
        mass_basis: int = -1,
        uncertainty: Uncertainty | None = None,
    ) -> None:
        """Add an activity row per factor: ``amount`` of ``unit`` per unit of ``node`` (all rows of one call
        share one draw of ``uncertainty`` in a Monte Carlo run)."""
        source = -1
        if uncertainty is not None:
            self.uncertainties.append(uncertainty)
            source = len(self.uncertainties) - 1
        for i, fid in enumerate([factor_ids] if isinstance(factor_ids, str) else factor_ids):
            f_fld = fld if isinstance(factor_ids, str) else f"{fld}[{i}]"
            fac = self.factor(fid, f_fld)
            if fac is None:
                continue
            try:
                conv = activity_to_factor_unit(unit, fac)
            except (IncompatibleUnitsError, UnitError) as exc:
                self.problem(str(exc), f_fld, fid, f"a factor whose unit meets {unit!r}")
                continue
            if conv.via:
                self.conversions[f"{fid}: {unit} -> {fac.unit} via {', '.join(conv.via)}"] = ""
            if not math.isfinite(amount * conv.multiplier):
                self.problem(f"{amount:g} {unit} in {fac.unit} is not a finite number", f_fld, amount, _FINITE)
                continue
            self.fields.append(f_fld)
            self.rows.append(
                (node, self.library.index_of(fid), amount * conv.multiplier, _MOD[module], KINDS.index(kind),
                 self.material(material), self.label(label), primary, mass_basis, source)
            )  # fmt: skip


def _amount_in(amount: Amount, unit: str, b: _Builder, fld: str, what: str) -> float | None:
    try:
        value = amount.value * conversion_factor(amount.unit, unit)
    except (IncompatibleUnitsError, UnitError):
        b.problem(f"{what} must be in units of {unit!r}'s dimension", fld, str(amount), f"e.g. a quantity in {unit}")
        return None
    if not math.isfinite(value):
        b.problem(f"{what} in {unit} is not a finite number", fld, str(amount), _FINITE)
        return None
    return value


def _nonnegative(x: float | None, b: _Builder, fld: str, what: str) -> float | None:
    if x is not None and x < 0:
        b.problem(f"{what} is negative", fld, x, "a value >= 0")
        return None
    return x


def _local_factors(product: Product, b: _Builder) -> list[EmissionFactor]:
    """Declared footprints of purchased components as factors of their own (supplier data), one per module
    group of a cradle-to-grave footprint; ``b.declared`` records which factor goes into which module."""
    out = []
    for i, item in enumerate(product.items):
        pcf = item.declared_footprint
        if pcf is None:
            continue
        fld = f"items[{i}].declared_footprint"
        if pcf.per.value <= 0:
            b.problem("declared footprint must be per a positive amount", f"{fld}.per", str(pcf.per))
            continue
        try:
            gs_name = gwp_set(pcf.gwp_set).name if pcf.gwp_set else None
        except Exception as exc:  # GWPError
            b.problem(str(exc), f"{fld}.gwp_set", pcf.gwp_set)
            continue
        base = f"pcf.{_slug(product.id)}.{_slug(item.id)}"
        parts = (
            [(base, "A1", pcf.kgco2e)]
            if pcf.modules is None
            else [(f"{base}.{_slug(m)}", "A1" if m in ("A1-A3", "A2", "A3") else m, v) for m, v in pcf.modules.items()]
        )
        for fid, module, kg in parts:
            try:
                out.append(_declared_factor(pcf, fid, item.name or item.id, kg, gs_name))
            except ValueError as exc:
                b.problem(str(exc).splitlines()[-1] if "\n" in str(exc) else str(exc), fld)
                continue
            b.declared.setdefault(item.id, []).append((fid, module))
    return out


def _declared_factor(pcf: Any, fid: str, name: str, kg: float | None, gs_name: str | None) -> EmissionFactor:
    """One declared footprint (or one module of it) per unit of ``pcf.per``, its biogenic part as gases."""
    per = pcf.per.value
    split = {"CO2_biogenic_uptake": pcf.biogenic_co2_uptake, "CO2_biogenic": pcf.biogenic_co2,
             "CO2_luluc": pcf.luluc_co2}  # fmt: skip
    gases = {g: v / per for g, v in (pcf.gases or {}).items()}
    co2e = None
    if kg is not None:
        gases = {g: v / per for g, v in split.items() if v}
        rest = kg + (pcf.biogenic_co2_uptake or 0.0) - (pcf.biogenic_co2 or 0.0) - (pcf.luluc_co2 or 0.0)
        if gases and rest < -1e-9 * max(1.0, abs(kg)):
            raise ValueError(f"the biogenic and land use change parts exceed kgco2e {kg:g} (fossil part {rest:g})")
        co2e = (max(rest, 0.0) if gases else rest) / per
    return EmissionFactor(
        id=fid,
        name=f"Declared footprint of {name}",
        category="credit" if fid.endswith(".d") else "component",
        unit=pcf.per.unit,
        gases=gases,
        co2e=co2e,
        gwp_set=gs_name if co2e is not None else None,
        source=pcf.source,
        edition=pcf.pcf_id or "declared",
        region="-",
        licence="supplier data",
        boundary="cradle-to-gate" if pcf.boundary == "cradle-to-gate" else "life-cycle",
        dqr_technological=pcf.dqr_technological,
        dqr_geographical=pcf.dqr_geographical,
        dqr_temporal=pcf.dqr_temporal,
        valid_from=pcf.valid_from,
        valid_to=pcf.valid_to,
        supplier=pcf.supplier,
        footprint_id=pcf.pcf_id,
        primary_data_share=pcf.primary_data_share,
        notes=f"supplier: {pcf.supplier}" if pcf.supplier else None,
    )


def _activity(b: _Builder, act: Activity, node: int, fld: str, life_yr: float | None, where: str) -> None:
    value, unit = act.quantity.value, act.quantity.unit
    if not math.isfinite(value) or (value < 0 and act.module != "D"):  # a credit in D may be negative
        b.problem("activity quantity is negative", f"{fld}.quantity", str(act.quantity), "a quantity >= 0")
        return
    if act.hours_per_year is not None:
        core, basis = split_basis(unit)  # "15 kW net" for 8766 h a year: "(kW)*h net"
        value, unit = value * act.hours_per_year, f"({core})*h" + (f" {basis}" if basis else "")
        if not act.per_year:
            b.problem("hours_per_year needs per_year: true (energy per year times the service life)", f"{fld}.per_year")
            return
    if act.per_year:
        if life_yr is None:
            b.problem("a per-year activity needs the product's service_life", "service_life", None, "e.g. '25 yr'")
            return
        value *= life_yr
    first = act.factor if isinstance(act.factor, str) else (act.factor[0] if act.factor else "")
    module = act.module
    if module is None:
        module = default_module(b.library[first].category if first in b.library else None, act.per_year)
    kind = "use" if act.per_year else "process"
    label = act.name or f"{where}: {first}"
    b.add(
        node,
        act.factor,
        value,
        unit,
        module,
        kind,
        f"{fld}.factor",
        label,
        primary=act.primary,
        uncertainty=act.uncertainty,
    )


def prepare_product(product: Product, library: FactorLibrary | None = None, file: str | None = None) -> PreparedProduct:
    """Check ``product`` against ``library`` (default: the bundled one) and lay it out as arrays.

    Raises :class:`ProductError` listing every problem (unknown items, materials and factors with every
    field that needs them, units that cannot meet their factor, negative or missing masses, shares that do
    not sum to one, a declared unit the BOM cannot express), or :class:`CycleError` with the cycle's path.
    Problems in items read from an ERP export name the export's file, row and column.
    """
    expect_type(product, Product, "product")
    expect_type(library, (FactorLibrary, type(None)), "library")
    try:
        return _prepare(product, library, file)
    except CycleError as exc:
        raise CycleError(relocated(list(exc.problems), product), exc.cycle, what=exc.what) from None
    except ProductError as exc:
        raise ProductError(relocated(list(exc.problems), product), what=exc.what) from None


@dataclass(frozen=True)
class _Layout:
    """Where each thing of a product is: the first item of each id (its index in ``items``), the node
    number of each item id, the root node, and the materials and end-of-life scenarios by id."""

    index: dict[str, int]
    node_ids: tuple[str, ...]
    node_of: dict[str, int]
    root: int
    materials: dict[str, Material]
    scenarios: dict[str, EndOfLife]


@dataclass(frozen=True)
class _Masses:
    """The net (finished) and gross (purchased) kg of each node, and the materials without an end-of-life
    scenario, as the items are read."""

    net_kg: npt.NDArray[np.float64]
    gross_kg: npt.NDArray[np.float64]
    no_eol: set[str]


def _prepare(product: Product, library: FactorLibrary | None, file: str | None) -> PreparedProduct:
    """The steps of :func:`prepare_product`: references, units, arrays; problems are gathered across the
    steps and raised together before the arrays are made."""
    base = default_library() if library is None else library
    b = _Builder(product, base, file)
    local = _local_factors(product, b)
    lib = FactorLibrary(local, name=f"{product.id} declared footprints").merge(base) if local else base
    b.library = lib
    at = _references(product, b, file)
    life_yr, root_per_declared = _service_life(product, b), _declared_unit(product, b, at)
    bom = _edges(product, b, at, file)
    masses = _items(product, b, at, life_yr)
    net_kg, gross_kg, no_eol = masses.net_kg, masses.gross_kg, masses.no_eol
    b.warnings += product.bom_warnings
    b.warnings += fabrication_flags(product, lib)
    if no_eol:  # one line for all of them
        k = len(no_eol)
        b.warnings.append(
            f"{k} material{'s have' if k > 1 else ' has'} no end-of-life scenario, so modules C and D leave "
            f"{'them' if k > 1 else 'it'} out: {', '.join(sorted(no_eol))}"
        )
    for j, leg in enumerate(product.transport):  # mass known only after the explosion: amounts are per kg
        _leg(b, leg, at.root, f"transport[{j}]", leg.module)
    r_node, r_times = _replacements(product, b, at, life_yr)
    _missing_factors(b, lib, file)
    if b.problems:
        raise ProductError(b.problems, what=file or f"product {product.id}")
    rows = b.rows
    arr = np.array([r[:2] for r in rows], dtype=np.intp).reshape(-1, 2)
    ints = np.array([(r[3], r[4], r[5], r[6], r[8]) for r in rows], dtype=np.intp).reshape(-1, 5)
    payload = json.dumps(product.model_dump(mode="json"), sort_keys=True).encode()
    return PreparedProduct(
        product=product,
        library=lib,
        node_ids=at.node_ids,
        bom=bom,
        root=at.root,
        root_units_per_declared_unit=root_per_declared,
        act_node=arr[:, 0].copy(),
        act_factor=arr[:, 1].copy(),
        act_amount=np.array([r[2] for r in rows], dtype=np.float64),
        act_module=ints[:, 0].copy(),
        act_kind=ints[:, 1].copy(),
        act_material=ints[:, 2].copy(),
        act_label=ints[:, 3].copy(),
        act_primary=np.array([r[7] for r in rows], dtype=bool),
        act_mass_basis=ints[:, 4].copy(),
        act_uncertainty=np.array([r[9] for r in rows], dtype=np.intp),
        uncertainties=tuple(b.uncertainties),
        node_net_kg=net_kg,
        node_gross_kg=gross_kg,
        repl_node=np.array(r_node, dtype=np.intp),
        repl_times=np.array(r_times, dtype=np.float64),
        labels=tuple(b.labels),
        materials=tuple(b.materials),
        conversions=tuple(b.conversions),
        warnings=tuple(b.warnings),
        input_hash="sha256:" + hashlib.sha256(payload).hexdigest(),
        library_version=base.version,
        file=file,
        act_field=tuple(b.fields),
    )


def _references(product: Product, b: _Builder, file: str | None) -> _Layout:
    """The product's ids, each checked to name one thing: items, the root, end-of-life scenarios (whose
    shares sum to one) and the scenarios materials name. No item or no root stops here."""
    if not product.items:
        b.problem("the bill of materials is empty", "items", None, "at least one item (the product itself)")
        raise ProductError(b.problems, what=file or f"product {product.id}")
    index: dict[str, int] = {}
    for i, item in enumerate(product.items):
        if item.id in index:
            b.problem("item id used twice", f"items[{i}].id", item.id, "unique item ids")
        index.setdefault(item.id, i)
    node_ids = tuple(index)
    node_of = {nid: k for k, nid in enumerate(node_ids)}
    root_id = product.root_id
    if root_id not in node_of:
        b.problem("root item is not in items", "root", root_id, "the id of one item")
        raise ProductError(b.problems, what=file or f"product {product.id}")
    scenarios = {s.id: s for s in product.end_of_life}
    for k, s in enumerate(product.end_of_life):
        total = sum(r.share for r in s.routes)
        if not math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-9):
            b.problem(
                "end-of-life shares do not sum to 1", f"end_of_life[{k}].routes", total, "shares that add up to 1.0"
            )
        for j, r in enumerate(s.routes):
            if r.factor is None and r.share > 0:
                b.problem("an end-of-life route with a share needs a factor", f"end_of_life[{k}].routes[{j}].factor")
    for k, m in enumerate(product.materials):
        for attr in ("end_of_life", "scrap_end_of_life"):
            sid = getattr(m, attr)
            if sid is not None and sid not in scenarios:
                b.problem(
                    "unknown end-of-life scenario",
                    f"materials[{k}].{attr}",
                    sid,
                    f"one of: {', '.join(scenarios) or '(none defined)'}",
                )
    materials = {m.id: m for m in product.materials}
    return _Layout(index, node_ids, node_of, node_of[root_id], materials, scenarios)


def _service_life(product: Product, b: _Builder) -> float | None:
    """The service life in years (None: not given, or not a positive time)."""
    if product.service_life is None:
        return None
    life_yr = _amount_in(product.service_life, "yr", b, "service_life", "service life")
    if life_yr is not None and life_yr <= 0:
        b.problem("service life must be positive", "service_life", str(product.service_life))
        return None
    return life_yr


def _declared_unit(product: Product, b: _Builder, at: _Layout) -> float:
    """Root items per declared unit: the BOM's quantity (default the declared unit) in the declared unit,
    each in the dimension of the root item's unit."""
    declared = product.declared_unit
    if declared.value <= 0:
        b.problem("declared unit must be a positive amount", "declared_unit", str(declared))
    bom_q = product.bom_quantity or declared
    root_id = at.node_ids[at.root]
    root_unit = product.items[at.index[root_id]].unit
    if dimension_of(root_unit) != declared.dimensionality:
        b.problem(
            f"the declared unit does not fit the root item {root_id!r}, counted in {root_unit!r}",
            "declared_unit",
            str(declared),
            f"a declared unit in the dimension of {root_unit!r} (or set the root item's unit)",
        )
    elif bom_q.dimensionality != declared.dimensionality:
        b.problem(
            "the BOM's quantity does not match the declared unit's dimension",
            "bom_quantity" if product.bom_quantity else "declared_unit",
            str(bom_q),
            f"an amount in the dimension of {declared.unit!r}",
        )
    elif declared.value > 0:
        conv = 1.0 if bom_q.unit == declared.unit else conversion_factor(bom_q.unit, declared.unit)
        root_per_declared = bom_q.value * conv / declared.value
        if not root_per_declared > 0:
            b.problem("bom_quantity must be positive", "bom_quantity", str(bom_q))
            return 1.0
        return root_per_declared
    return 1.0


def _edges(product: Product, b: _Builder, at: _Layout, file: str | None) -> BomArrays:
    """The BOM's parent-child edges as arrays, each quantity in its child's unit; a cycle stops here."""
    e_par: list[int] = []
    e_chi: list[int] = []
    e_qty: list[float] = []
    for i, item in enumerate(product.items):
        if at.index[item.id] != i:
            continue
        for j, ch in enumerate(item.children):
            fld = f"items[{i}].children[{j}]"
            if ch.item not in at.node_of:
                b.problem("unknown item", f"{fld}.item", ch.item, "the id of an item in items")
                continue
            child_unit = product.items[at.index[ch.item]].unit
            if isinstance(ch.quantity, Amount):
                q = _amount_in(ch.quantity, child_unit, b, f"{fld}.quantity", f"quantity of {ch.item}")
            else:
                q = float(ch.quantity)
                if not math.isfinite(q):
                    b.problem("quantity is not finite", f"{fld}.quantity", q)
                    q = None
            q = _nonnegative(q, b, f"{fld}.quantity", f"quantity of {ch.item}")
            if q is None:
                continue
            e_par.append(at.node_of[item.id])
            e_chi.append(at.node_of[ch.item])
            e_qty.append(q)
    n = len(at.node_ids)
    bom = BomArrays(
        n, np.array(e_par, dtype=np.intp), np.array(e_chi, dtype=np.intp), np.array(e_qty, dtype=np.float64)
    )
    _, on_cycle = topological_levels(bom)
    if len(on_cycle):
        cyc = find_cycle(bom, on_cycle)
        path = " -> ".join(at.node_ids[k] for k in cyc)
        problems = [
            *b.problems,
            Problem(
                f"the bill of materials has a cycle: {path}",
                file=file,
                field="items",
                expected="an item never contains itself",
            ),
        ]
        raise CycleError(problems, [at.node_ids[k] for k in cyc], what=file or f"product {product.id}")
    return bom


def _items(product: Product, b: _Builder, at: _Layout, life_yr: float | None) -> _Masses:
    """Each item's materials, scrap, end of life, declared footprints and activities as activity rows; the
    net and gross kg of each node, and the materials without an end-of-life scenario."""
    m = _Masses(np.zeros(len(at.node_ids)), np.zeros(len(at.node_ids)), set())
    for i, item in enumerate(product.items):
        if at.index[item.id] != i:
            continue
        node = at.node_of[item.id]
        fld = f"items[{i}]"
        name = item.name or item.id
        if item.kind == "part":
            _part(product, b, at, item, node, fld, m)
        elif item.kind == "component":
            _component(product, b, at, item, node, fld, m)
        elif item.material is not None or item.net_mass is not None:
            b.problem(
                "an assembly is made of its children; material and masses belong to parts", fld, item.id, "kind: part"
            )
        for j, act in enumerate(item.activities):
            _activity(b, act, node, f"{fld}.activities[{j}]", life_yr, name)
    for j, act in enumerate(product.activities):
        _activity(b, act, at.root, f"activities[{j}]", life_yr, product.name or product.id)
    return m


def _part(product: Product, b: _Builder, at: _Layout, item: Item, node: int, fld: str, m: _Masses) -> None:
    """A part: its material at gross (purchased) mass in A1, its net and gross mass, its end of life."""
    name = item.name or item.id
    materials = at.materials
    if item.material is None:
        b.problem("a part needs a material", f"{fld}.material", None, "the id of a material in materials")
    elif item.material not in materials:
        b.problem(
            "unknown material",
            f"{fld}.material",
            item.material,
            f"one of: {', '.join(materials) or '(none defined)'}",
        )
    if item.net_mass is None:
        b.problem("a part needs its net (finished) mass", f"{fld}.net_mass", None, "e.g. '1250 kg'")
        return
    net = _nonnegative(
        _amount_in(item.net_mass, "kg", b, f"{fld}.net_mass", "net mass"), b, f"{fld}.net_mass", "net mass"
    )
    if net is None:
        return
    gross = net
    if item.gross_mass is not None:
        g = _nonnegative(
            _amount_in(item.gross_mass, "kg", b, f"{fld}.gross_mass", "gross mass"),
            b,
            f"{fld}.gross_mass",
            "gross mass",
        )
        if g is None:
            return
        if g < net:
            b.problem(
                "gross (purchased) mass is below the net (finished) mass",
                f"{fld}.gross_mass",
                str(item.gross_mass),
                f">= the net mass {item.net_mass}",
            )
            return
        if item.scrap_rate is not None:
            b.problem("give gross_mass or scrap_rate, not both", f"{fld}.scrap_rate")
        gross = g
    elif item.scrap_rate is not None:
        gross = net / (1.0 - item.scrap_rate)
    m.net_kg[node], m.gross_kg[node] = net, gross
    mat = materials.get(item.material or "")
    if mat is None:
        return
    mk = next(k for k, mm in enumerate(product.materials) if mm.id == mat.id)
    b.add(
        node,
        mat.factor,
        gross,
        "kg",
        "A1",
        "material",
        f"materials[{mk}].factor",
        f"{name}: {mat.name or mat.id}",
        mat.id,
    )
    _end_of_life(b, node, name, mat, net, gross - net, at.scenarios, mk, m.no_eol)


def _component(product: Product, b: _Builder, at: _Layout, item: Item, node: int, fld: str, m: _Masses) -> None:
    """A purchased component: its declared footprint, its mass and the end of life of its material."""
    name = item.name or item.id
    materials = at.materials
    if item.supplier_product is not None and item.declared_footprint is None:
        b.problem(
            f"component refers to supplier product {item.supplier_product!r}; compute it with calculate_chain",
            f"{fld}.supplier_product",
            item.supplier_product,
            "footprint.calculate_chain([...products]) so that the supplier's footprint is known",
        )
    elif item.declared_footprint is None and not item.activities:
        b.problem("a component needs a declared_footprint or activities", fld, item.id)
    for fid, module in b.declared.get(item.id, []):
        b.add(
            node,
            fid,
            1.0,
            item.unit,
            module,
            "component",
            f"{fld}.declared_footprint",
            f"{name} (declared footprint)",
            primary=True,
        )
    if item.mass is not None:
        mass_kg = _nonnegative(_amount_in(item.mass, "kg", b, f"{fld}.mass", "mass"), b, f"{fld}.mass", "mass")
        if mass_kg is not None:
            m.net_kg[node] = m.gross_kg[node] = mass_kg
            mat = materials.get(item.material or "")
            if mat is not None:
                mk = next(k for k, mm in enumerate(product.materials) if mm.id == mat.id)
                _end_of_life(b, node, name, mat, mass_kg, 0.0, at.scenarios, mk, m.no_eol, recycled_input=False)
    if item.material is not None and item.material not in materials:
        b.problem(
            "unknown material",
            f"{fld}.material",
            item.material,
            f"one of: {', '.join(materials) or '(none defined)'}",
        )


def _replacements(product: Product, b: _Builder, at: _Layout, life_yr: float | None) -> tuple[list[int], list[float]]:
    """The items replaced during the service life and how many times each (``ceil(life / every) - 1``)."""
    r_node: list[int] = []
    r_times: list[float] = []
    for j, rep in enumerate(product.replacements):
        fld = f"replacements[{j}]"
        if rep.item not in at.node_of:
            b.problem("unknown item", f"{fld}.item", rep.item, "the id of an item in items")
            continue
        every = _amount_in(rep.every, "yr", b, f"{fld}.every", "replacement interval")
        if every is None:
            continue
        if every <= 0:
            b.problem("replacement interval must be positive", f"{fld}.every", str(rep.every))
            continue
        if life_yr is None:
            b.problem("replacements need the product's service_life", "service_life", None, "e.g. '25 yr'")
            continue
        times = max(math.ceil(life_yr / every - 1e-9) - 1, 0)
        r_node.append(at.node_of[rep.item])
        r_times.append(float(times))
    return r_node, r_times


def _missing_factors(b: _Builder, lib: FactorLibrary, file: str | None) -> None:
    """One problem per unknown factor id, naming the fields that need it."""
    for fid, flds in b.missing.items():
        more = " ..." if len(flds) > 8 else ""
        b.problems.append(
            Problem(
                f"unknown factor id, needed by {len(flds)} field(s): {', '.join(flds[:8])}{more}",
                file=file,
                field=flds[0],
                value=fid,
                expected=f"an id in {lib.name} (see: footprint factors search)",
            )
        )


def _leg(b: _Builder, leg: Any, node: int, fld: str, module: str, fixed_kg: float | None = None) -> None:
    """A transport leg as an activity per kg carried (mass basis 0: inputs, 1: product) or fixed."""
    km = _nonnegative(
        _amount_in(leg.distance, "km", b, f"{fld}.distance", "distance"), b, f"{fld}.distance", "distance"
    )
    if km is None:
        return
    label = leg.name or f"transport {module}"
    if fixed_kg is not None:
        b.add(node, leg.factor, fixed_kg * km, "kg*km", module, "transport", f"{fld}.factor", label)
        return
    mass = leg.mass if leg.mass is not None else ("inputs" if module == "A2" else "product")
    if isinstance(mass, Amount):
        kg = _nonnegative(
            _amount_in(mass, "kg", b, f"{fld}.mass", "transported mass"), b, f"{fld}.mass", "transported mass"
        )
        if kg is not None:
            b.add(node, leg.factor, kg * km, "kg*km", module, "transport", f"{fld}.factor", label)
        return
    b.add(
        node,
        leg.factor,
        km,
        "kg*km",
        module,
        "transport",
        f"{fld}.factor",
        label,
        mass_basis=0 if mass == "inputs" else 1,
    )


def _end_of_life(
    b: _Builder,
    node: int,
    name: str,
    mat: Any,
    net: float,
    scrap: float,
    scenarios: dict[str, Any],
    mk: int,
    no_eol: set[str],
    recycled_input: bool = True,
) -> None:
    """End of life of a part's net mass (C1-C4), its manufacturing scrap (A3) and its module D."""
    eol = scenarios.get(mat.end_of_life or "")
    scrap_sc = scenarios.get(mat.scrap_end_of_life or mat.end_of_life or "")
    recycled_out = 0.0
    if eol is None:
        no_eol.add(mat.id)
    else:
        k = list(scenarios).index(eol.id)
        for j, r in enumerate(eol.routes):
            if r.factor is not None and r.share > 0:
                module = r.module or ("C3" if r.recycled else "C4")
                b.add(
                    node,
                    r.factor,
                    net * r.share,
                    "kg",
                    module,
                    "end-of-life",
                    f"end_of_life[{k}].routes[{j}].factor",
                    f"{name}: {r.name or 'end of life'}",
                    mat.id,
                )
            if r.recycled:
                recycled_out += net * r.share
        for j, leg in enumerate(eol.transport):
            _leg(b, leg, node, f"end_of_life[{k}].transport[{j}]", "C2", fixed_kg=net)
    if scrap > 0 and scrap_sc is not None:
        k = list(scenarios).index(scrap_sc.id)
        for j, r in enumerate(scrap_sc.routes):
            if r.factor is not None and r.share > 0:
                b.add(
                    node,
                    r.factor,
                    scrap * r.share,
                    "kg",
                    "A3",
                    "scrap",
                    f"end_of_life[{k}].routes[{j}].factor",
                    f"{name}: scrap {r.name or ''}".rstrip(),
                    mat.id,
                )
            if r.recycled:
                recycled_out += scrap * r.share
    if eol is not None and eol.credit is not None:
        gross = net + scrap
        net_out = recycled_out - (gross * mat.recycled_content if recycled_input else 0.0)
        k = list(scenarios).index(eol.id)
        if net_out != 0:
            b.add(
                node,
                eol.credit.virgin,
                -net_out,
                "kg",
                "D",
                "credit",
                f"end_of_life[{k}].credit.virgin",
                f"{name}: avoided virgin {mat.name or mat.id}",
                mat.id,
            )
            if eol.credit.secondary is not None:
                b.add(
                    node,
                    eol.credit.secondary,
                    net_out,
                    "kg",
                    "D",
                    "credit",
                    f"end_of_life[{k}].credit.secondary",
                    f"{name}: secondary {mat.name or mat.id}",
                    mat.id,
                )


def check_product(product: Product, library: FactorLibrary | None = None, file: str | None = None) -> list[str]:
    """Check a product against a library; return its warnings, raise :class:`ProductError` on problems."""
    return list(prepare_product(product, library, file).warnings)


class ItemPaths:
    """The shortest path from the root to each node, as ``"root/assembly/part"``, built when asked for.

    Only a parent per node is stored, so memory grows with the number of nodes, not with the square of the
    BOM's depth (a 10,000-level chain would otherwise hold 10,000 strings of up to 10,000 ids each).
    """

    def __init__(self, parent: list[int], node_ids: tuple[str, ...]) -> None:
        self._parent = parent
        self._ids = node_ids
        self._built: dict[int, str] = {}

    def __getitem__(self, node: int) -> str:
        if node not in self._built:
            chain, k = [], node
            while k >= 0:
                chain.append(self._ids[k])
                k = self._parent[k]
            self._built[node] = "/".join(reversed(chain))
        return self._built[node]


def _paths(prep: PreparedProduct) -> tuple[ItemPaths, list[int]]:
    """Shortest path from the root to every node, and the number of distinct paths (reporting only).

    Among paths of equal length the one whose item ids come first, level by level, so that item order
    does not matter. Path counts are exact integers: a diamond lattice 1,100 levels deep has 2^1100 paths
    to its bottom, beyond any float.
    """
    n = prep.bom.n_nodes
    children: dict[int, list[int]] = {}
    for p, c in zip(prep.bom.edge_parent.tolist(), prep.bom.edge_child.tolist(), strict=True):
        children.setdefault(p, []).append(c)
    parent = [-2] * n  # -2: not reached; -1: the root
    parent[prep.root] = -1
    rank = {prep.root: 0}
    level = [prep.root]
    while level:  # breadth first; a level in rank order, so a node's first parent found is its best one
        best: dict[int, int] = {}
        for p in level:
            for c in children.get(p, []):
                if parent[c] == -2 and c not in best:
                    best[c] = p
        level = sorted(best, key=lambda c: (rank[best[c]], prep.node_ids[c]))
        for r, c in enumerate(level):
            rank[c], parent[c] = r, best[c]
    ex = explode(BomArrays(n, prep.bom.edge_parent, prep.bom.edge_child, np.ones(len(prep.bom.edge_qty))),
                 np.zeros(1, dtype=np.intp), np.array([prep.root]), np.ones(1))  # fmt: skip
    approx = np.zeros(n)
    approx[ex.node] = ex.count
    if approx.max(initial=0.0) < 2.0**53:  # floats count exactly up to 2^53
        return ItemPaths([max(p, -1) for p in parent], prep.node_ids), [int(x) for x in approx]
    return ItemPaths([max(p, -1) for p in parent], prep.node_ids), _exact_path_counts(prep)


def _exact_path_counts(prep: PreparedProduct) -> list[int]:
    """Paths from the root to each node in Python integers, parents before children (a rare fallback)."""
    height, _ = topological_levels(prep.bom)
    order = np.argsort(-height[prep.bom.edge_parent], kind="stable")
    counts = [0] * prep.bom.n_nodes
    counts[prep.root] = 1
    for p, c in zip(prep.bom.edge_parent[order].tolist(), prep.bom.edge_child[order].tolist(), strict=True):
        counts[c] += counts[p]
    return counts


@dataclass(frozen=True)
class _Evaluated:
    """The contributions of a prepared product as arrays: one entry per (activity, module)."""

    act: npt.NDArray[np.intp]
    module: npt.NDArray[np.intp]
    qty: npt.NDArray[np.float64]
    factor: npt.NDArray[np.intp]
    kgco2e: npt.NDArray[np.float64]
    prefolded: list[str]
    cumulative: npt.NDArray[np.float64]
    mass_product: float


def _evaluate(prep: PreparedProduct, gwp: GWPSet, prefolded: PrefoldedPolicy, quantity: float) -> _Evaluated:
    """Explode, join the activities and evaluate: the arrays every result (and Monte Carlo) is built from."""
    lib = prep.library
    n = prep.bom.n_nodes

    # 1. cumulative quantity of every node per declared unit, then of every replaced subtree
    root_count = quantity / prep.root_units_per_declared_unit
    ex = explode(prep.bom, np.zeros(1, dtype=np.intp), np.array([prep.root]), np.array([root_count]))
    cum = np.zeros(n)
    cum[ex.node] = ex.count
    groups, nodes, counts = [ex.group], [ex.node], [ex.count]
    if len(prep.repl_node):
        seeds = prep.repl_times * cum[prep.repl_node]
        rx = explode(prep.bom, np.ones(len(seeds), dtype=np.intp), prep.repl_node, seeds)
        groups.append(rx.group)
        nodes.append(rx.node)
        counts.append(rx.count)
    g_all, n_all, c_all = np.concatenate(groups), np.concatenate(nodes), np.concatenate(counts)

    # 2. activity rows: each exploded node times its activities (acts sorted by node, CSR gather)
    order = np.argsort(prep.act_node, kind="stable")
    offsets = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(prep.act_node, minlength=n), out=offsets[1:])
    rep, pos = gather_runs(offsets, n_all)
    row_act = order[pos]
    row_scen = g_all[rep]
    row_qty = c_all[rep] * prep.act_amount[row_act]
    mass_product = float(cum @ prep.node_net_kg)
    mass_inputs = float(cum @ prep.node_gross_kg)
    # transport legs carry a mass known only now: their amount is per kg of inputs (0) or product (1)
    basis = prep.act_mass_basis[row_act]
    carried = np.array([mass_inputs, mass_product])[np.maximum(basis, 0)]
    row_qty = np.where(basis < 0, row_qty, prep.act_amount[row_act] * carried * (row_scen == 0))
    if len(prep.repl_node):
        # the replacement parts travel too: every mass-carried leg (A2, A4, C2) once more with their mass (B4)
        legs = np.flatnonzero((prep.act_mass_basis >= 0) & ~_B_MODULES[prep.act_module])
        repl_mass = np.array([rx.count @ prep.node_gross_kg[rx.node], rx.count @ prep.node_net_kg[rx.node]])
        row_act = np.concatenate([row_act, legs])
        row_scen = np.concatenate([row_scen, np.ones(len(legs), dtype=row_scen.dtype)])
        row_qty = np.concatenate([row_qty, prep.act_amount[legs] * repl_mass[prep.act_mass_basis[legs]]])
    row_mod = prep.act_module[row_act]
    replaced = row_scen == 1
    keep = ~(replaced & _B_MODULES[row_mod])  # a replaced part's own use is already in the product's
    row_mod = np.where(replaced & (row_mod != _D), _B4, row_mod)
    row_act, row_mod, row_qty = row_act[keep], row_mod[keep], row_qty[keep]

    # 3. evaluate: one CO2e per factor, gathered; contributions = rows grouped by (activity, module)
    co2e, mismatched = lib.co2e_vector(gwp, prefolded, used=prep.act_factor[row_act] if len(row_act) else None)
    n_mod = len(MODULES)
    key = row_act.astype(np.int64) * n_mod + row_mod
    uniq, inv = np.unique(key, return_inverse=True)
    c_act = (uniq // n_mod).astype(np.intp)
    c_mod = (uniq % n_mod).astype(np.intp)
    c_qty = np.bincount(inv.ravel(), weights=row_qty, minlength=len(uniq))
    c_fac = prep.act_factor[c_act]
    c_kg = c_qty * co2e[c_fac]

    return _Evaluated(c_act, c_mod, c_qty.astype(np.float64), c_fac, c_kg, mismatched, cum, mass_product)


@np.errstate(over="ignore", invalid="ignore")  # overflows are found and named by the checks in _finite
def calculate(
    product: Product | PreparedProduct,
    library: FactorLibrary | None = None,
    *,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED,
    quantity: float = 1.0,
    indicators: IndicatorSpec | None = None,
) -> FootprintResult:
    """The lifecycle footprint of ``quantity`` declared units of a product.

    ``indicators`` (``"all"``, ``"en15804"``, ``"AP,POCP"``, :class:`Indicator` objects) adds their results per
    module (``result.indicators``) and row (``Contribution.indicators``); GWP results stay the same.
    ``gwp`` is the GWP set: a bundled set's name (AR6 by default) or a :class:`GWPSet`. A factor that its source gave as CO2e under another set
    is used unchanged and listed in ``prefolded_factors``, its set in ``gwp_sets_used`` (``prefolded="report"``,
    the default); ``prefolded="error"`` refuses it with :class:`GWPError`. Pass a :class:`PreparedProduct` to recalculate without re-checking the inputs.
    """
    from . import __version__

    if not (isinstance(quantity, int | float) and math.isfinite(quantity) and quantity >= 0):
        raise InputError(
            [Problem("quantity must be a finite number >= 0", field="quantity", value=quantity)], what="calculate"
        )
    expect_type(product, (Product, PreparedProduct), "product")
    prep = product if isinstance(product, PreparedProduct) else prepare_product(product, library)
    lib = prep.library
    gs = gwp_set(gwp)
    ev = _evaluate(prep, gs, prefolded, quantity)
    c_act, c_mod, c_qty, c_fac, c_kg, mismatched = ev.act, ev.module, ev.qty, ev.factor, ev.kgco2e, ev.prefolded
    cum, mass_product = ev.cumulative, ev.mass_product
    check_evaluated(prep, cum, c_act, c_qty, c_fac, c_kg)
    n_mod = len(MODULES)

    in_total = c_mod != _D
    total = float(c_kg[in_total].sum())
    by_module_arr = np.bincount(c_mod, weights=c_kg, minlength=n_mod)
    present = np.bincount(c_mod, minlength=n_mod) > 0
    by_module = {m: float(by_module_arr[k]) for k, m in enumerate(MODULES) if present[k]}
    gate = float(sum(v for m, v in by_module.items() if m in CRADLE_TO_GATE))
    mod_d = float(by_module_arr[_D])

    # gases: CO2e and mass by gas for per-gas factors; pre-folded CO2e apart
    gm = lib.gas_matrix[c_fac[in_total]]
    q_tot = c_qty[in_total]
    gas_mass = q_tot @ gm
    gas_co2e = gas_mass * gs.vector()
    pre_mask, pre_vals, _ = lib.prefolded
    by_gas = {g: float(gas_co2e[j]) for j, g in enumerate(gases()) if gas_mass[j] != 0}
    gas_mass_kg = {g: float(gas_mass[j]) for j, g in enumerate(gases()) if gas_mass[j] != 0}
    if pre_mask[c_fac[in_total]].any():
        by_gas["CO2e (pre-folded)"] = float(q_tot @ (pre_vals * pre_mask)[c_fac[in_total]])
    split = _gwp_split(c_qty, lib.gas_matrix[c_fac], gs.vector())
    gwp_modules = _gwp_indicators(c_mod, c_kg, split, present)
    inventory, inventory_by_module = _inventory(lib.substance_matrix[c_fac], c_qty, c_mod, present)
    chosen = resolve_indicators(indicators)
    ind_values = indicator_rows(prep, chosen, (c_act, c_fac, c_qty, c_kg), split)
    share = _primary_shares(prep, c_act, c_fac)

    contributions = _contributions(prep, ev, share, split, (tuple(i.id for i in chosen), ind_values))

    def group(keys: list[str]) -> dict[str, float]:
        out: dict[str, float] = {}
        for kk, v, inc in zip(keys, c_kg.tolist(), in_total.tolist(), strict=True):
            if inc:
                out[kk] = out.get(kk, 0.0) + v
        return out

    by_component = group([c.path for c in contributions])
    by_material = group([c.material or "(no material)" for c in contributions])
    by_factor = group([c.factor_id for c in contributions])
    primary_kg = float((c_kg * share)[in_total].sum())
    by_source = {"primary": primary_kg, "secondary": total - primary_kg} if len(c_kg) else {}
    by_stage = {s: float(sum(by_module.get(m, 0.0) for m in mods)) for s, mods in GHG_STAGES.items()}
    warnings = _warnings(prep, ev, gs.name)
    sums = {"total_kgco2e": total, "cradle_to_gate_kgco2e": gate, "module_d_kgco2e": mod_d,
            "product_mass_kg": mass_product, "per_declared_unit_kgco2e": total / quantity if quantity else 0.0,
            "by_module": by_module_arr, "by_gas": gas_co2e, "gas_mass_kg": gas_mass, "by_component": by_component,
            "by_material": by_material, "by_factor": by_factor, "by_data_source": by_source, "by_ghg_stage": by_stage}  # fmt: skip
    check_sums(prep, sums, c_kg, c_act)
    _log.debug(
        "calculated %s under %s: %d contribution(s), %.6g kg CO2e, library %s",
        prep.product.id, gs.name, len(c_kg), total, prep.library_version,
    )  # fmt: skip
    return FootprintResult.model_construct(
        product_id=prep.product.id,
        product_name=prep.product.name,
        supplier=prep.product.supplier,
        family=prep.product.family,
        declared_unit=str(prep.product.declared_unit),
        quantity=float(quantity),
        gwp_set=gs.name,
        total_kgco2e=total,
        cradle_to_gate_kgco2e=gate,
        module_d_kgco2e=mod_d,
        per_declared_unit_kgco2e=total / quantity if quantity else 0.0,
        product_mass_kg=mass_product,
        per_kg_product_kgco2e=total / mass_product if mass_product > 0 else None,
        by_module=by_module,
        by_ghg_stage=by_stage,
        by_gas=by_gas,
        gas_mass_kg=gas_mass_kg,
        inventory_kg=inventory,
        inventory_by_module=inventory_by_module,
        indicators=indicator_results(chosen, ind_values, c_mod, c_fac, lib.ids, gwp_modules),
        by_component=by_component,
        by_material=by_material,
        by_factor=by_factor,
        by_data_source=by_source,
        gwp_indicators=gwp_modules,
        primary_data_share=primary_data_share(contributions),
        contributions=contributions,
        conversions=list(prep.conversions),
        prefolded_factors=list(mismatched),
        gwp_sets_used=_sets_used(gs.name, [lib.get(f) for f in mismatched]),
        gwp_values={g: float(gs.values[g]) for g in gas_mass_kg},
        warnings=warnings,
        factor_library_version=prep.library_version,
        input_hash=_result_hash(prep.input_hash, gs.name, prefolded, quantity),
        footprint_version=__version__,
    )


def _contributions(
    prep: PreparedProduct,
    ev: _Evaluated,
    share: npt.NDArray[np.float64],
    split: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]],
    chosen: tuple[tuple[str, ...], npt.NDArray[np.float64]] = ((), np.zeros((0, 0))),
) -> list[Contribution]:
    """One row per evaluated activity: where in the BOM, which module, factor and source, how much, and the
    value of each chosen indicator (``None`` where the row does not cover it)."""
    ids, values = chosen
    per_row = [[None if math.isnan(x) else x for x in row] for row in values.tolist()] if len(ids) else []
    lib = prep.library
    paths, npaths = _paths(prep)
    # plain Python numbers, converted once per array rather than once per element
    acts, facs, mods, qtys, kgs = (a.tolist() for a in (ev.act, ev.factor, ev.module, ev.qty, ev.kgco2e))
    nodes, shares = prep.act_node[ev.act].tolist(), share.tolist()
    bio, luluc, uptake = (s.tolist() for s in split)
    act_material, act_kind, act_label = prep.act_material.tolist(), prep.act_kind.tolist(), prep.act_label.tolist()
    act_primary = prep.act_primary.tolist()
    of_factor: dict[int, tuple[EmissionFactor, str]] = {}  # each factor and its library, looked up once
    contributions = []
    for k, a in enumerate(acts):
        f, mod, node = facs[k], MODULES[mods[k]], nodes[k]
        if f not in of_factor:
            fac = lib.factor_at(f)
            of_factor[f] = fac, lib.origin(fac.id)
        fac, origin = of_factor[f]
        mat = act_material[a]
        contributions.append(
            Contribution.model_construct(
                path=paths[node],
                item=prep.node_ids[node],
                paths=npaths[node],
                module=mod,
                ghg_stage=ghg_stage(mod),
                kind=KINDS[act_kind[a]],
                label=prep.labels[act_label[a]],
                factor_id=fac.id,
                material=prep.materials[mat] if mat >= 0 else None,
                quantity=qtys[k],
                unit=fac.unit,
                kgco2e=kgs[k],
                data_source="primary" if act_primary[a] or fac.primary_data_share is not None else "secondary",
                library=origin,
                source=fac.source,
                edition=fac.edition,
                table=fac.table,
                licence=fac.licence,
                supplier=fac.supplier,
                footprint_id=fac.footprint_id,
                primary_share=shares[k],
                kgco2e_biogenic=bio[k],
                kgco2e_luluc=luluc[k],
                kgco2e_uptake=uptake[k],
                indicators=dict(zip(ids, per_row[k], strict=True)) if ids else {},
            )
        )
    return contributions


def _warnings(prep: PreparedProduct, ev: _Evaluated, gwp_name: str) -> list[str]:
    """The preparation's warnings, then pre-folded factors used unchanged, replacements of items outside the
    BOM, and factors outside their validity."""
    lib, mismatched = prep.library, ev.prefolded
    warnings = list(prep.warnings)
    if mismatched:
        warnings.append(
            f"{len(mismatched)} factor(s) given by their source as CO2e under another GWP set are used unchanged "
            f"under {gwp_name} (listed in prefolded_factors)"
        )
    if len(prep.repl_node) and (ev.cumulative[prep.repl_node] == 0).any():
        warnings.append("a replaced item is not part of the product's BOM; its replacement adds nothing")
    warnings += _validity_flags(prep.product, [lib.factor_at(int(f)) for f in distinct_rows(ev.factor, len(lib))])
    return warnings


def _gwp_split(
    qty: npt.NDArray[np.float64], gas_rows: npt.NDArray[np.float64], gwps: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """kg CO2e of each contribution row that is GWP-biogenic, GWP-luluc and biogenic CO2 uptake (EN 15804+A2);
    the rest of a row's GWP-total is GWP-fossil (pre-folded CO2e included)."""
    names = gases()
    per_gas = qty[:, None] * gas_rows * gwps
    bio = np.array([g in BIOGENIC_GASES for g in names])
    luluc = np.array([g in LULUC_GASES for g in names])
    return per_gas[:, bio].sum(axis=1), per_gas[:, luluc].sum(axis=1), per_gas[:, names.index(UPTAKE_GAS)] + 0.0


def _inventory(
    rows: npt.NDArray[np.float64],
    c_qty: npt.NDArray[np.float64],
    c_mod: npt.NDArray[np.intp],
    present: npt.NDArray[np.bool_],
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """kg of every substance (greenhouse gases and air pollutants) over A1-C4 and per module present, from
    each contribution row's substances per factor unit (``rows``) times its quantity; substances of 0 kg left
    out."""
    names = substances()
    per_mod = np.zeros((len(MODULES), len(names)))
    np.add.at(per_mod, c_mod, c_qty[:, None] * rows)
    total = per_mod[np.arange(len(MODULES)) != _D].sum(axis=0)
    by_module = {
        m: {g: float(per_mod[k, j]) for j, g in enumerate(names) if per_mod[k, j] != 0}
        for k, m in enumerate(MODULES)
        if present[k]
    }
    return {g: float(total[j]) for j, g in enumerate(names) if total[j] != 0}, by_module


def _gwp_indicators(
    c_mod: npt.NDArray[np.intp],
    c_kg: npt.NDArray[np.float64],
    split: tuple[npt.NDArray[np.float64], ...],
    present: npt.NDArray[np.bool_],
) -> dict[str, dict[str, float]]:
    """EN 15804+A2 GWP-total, GWP-fossil, GWP-biogenic and GWP-luluc per module present."""
    n_mod = len(MODULES)
    total = np.bincount(c_mod, weights=c_kg, minlength=n_mod)
    bio = np.bincount(c_mod, weights=split[0], minlength=n_mod)
    luluc = np.bincount(c_mod, weights=split[1], minlength=n_mod)
    values = (total, total - bio - luluc, bio, luluc)
    return {
        m: {name: float(v[k]) for name, v in zip(GWP_INDICATORS, values, strict=True)}
        for k, m in enumerate(MODULES)
        if present[k]
    }


def _primary_shares(
    prep: PreparedProduct, c_act: npt.NDArray[np.intp], c_fac: npt.NDArray[np.intp]
) -> npt.NDArray[np.float64]:
    """Primary share of each contribution row: a supplier footprint's own share where its factor states one,
    else 1 for activities marked primary and 0 for the rest."""
    stated = prep.library.primary_shares[c_fac]
    return np.where(np.isnan(stated), prep.act_primary[c_act].astype(np.float64), stated)


def _sets_used(name: str, prefolded: list[EmissionFactor]) -> list[str]:
    """The calculation's GWP set, then the sets of the pre-folded factors used unchanged, in order of name."""
    return [name, *sorted({f.gwp_set or "unspecified" for f in prefolded} - {name})]


def _validity_flags(product: Product, factors: list[EmissionFactor]) -> list[str]:
    """Factors used outside their validity period (against the product's reference period) or from another
    region than the product's (``GLO`` factors fit every region)."""
    out = []
    period, region = product.reference_period, product.region
    outside: list[str] = []
    regions: dict[str, list[str]] = {}
    for f in factors:
        if period is not None and (
            (f.valid_to is not None and f.valid_to < period.start)
            or (f.valid_from is not None and f.valid_from > period.end)
        ):
            outside.append(f"{f.id} (valid {f.valid_from or '...'} to {f.valid_to or '...'})")
        if region is not None and f.region not in (region, "GLO", "-"):
            regions.setdefault(f.region, []).append(f.id)
    if outside and period is not None:
        n = len(outside)
        out.append(
            f"{n} factor{'s' if n > 1 else ''} used outside the reference period {period.start} to {period.end}: "
            + ", ".join(outside)
        )
    for reg, ids in regions.items():  # one line per region, however many factors
        n = len(ids)
        out.append(
            f"{n} factor{'s are' if n > 1 else ' is'} for region {reg}, not the product's {region}: {', '.join(ids)}"
        )
    return out


def _result_hash(input_hash: str, gwp: str, prefolded: str, quantity: float) -> str:
    blob = json.dumps([input_hash, gwp, prefolded, quantity]).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()
