"""Supplier-level footprints: multi-tier chains, deliveries rolled up to suppliers and clusters, targets and
the decomposition of a year's change into volume and intensity.

- :func:`calculate_chain` computes products across suppliers in dependency order: a component that is another
  supplier's product uses that product's computed cradle-to-gate footprint as its declared footprint
  (supplier-specific, primary data).
- :func:`footprint_table` turns results (or a catalogue result) into one row per product and declared unit.
- :func:`supplier_footprints` multiplies deliveries by product footprints per reporting period and groups
  them by product, family, supplier and cluster: group-bys of one table, so they add up exactly.
- :func:`progress` compares periods with a baseline and a reduction target; :func:`decompose_change` splits a
  change between two periods into a volume effect and an intensity effect that sum to it exactly.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import ConfigDict, Field, model_validator

from ._catalogue import CatalogueResult, read_table
from ._cluster import cluster_of_names, cluster_totals, intra_cluster, intra_cluster_flows, zero_intra
from ._engine import BomArrays, find_cycle, topological_levels
from ._errors import (
    CycleError,
    DeliveryError,
    FootprintError,
    IncompatibleUnitsError,
    InputError,
    Problem,
    ProductError,
    UnitError,
    expect_type,
    row_problems,
)
from ._factors import DEFAULT_PREFOLDED, FactorLibrary, PrefoldedPolicy
from ._finite import check_deliveries
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName
from ._indicators import IndicatorSpec
from ._lifecycle import calculate
from ._lmdi import SignChangeError, lmdi_additive
from ._models import CheckedModel
from ._modules import CRADLE_TO_GATE, MODULES
from ._product import DeclaredFootprint, Product
from ._result import FootprintResult
from ._tables import TABLES, column_problems, quantities, where_rows
from ._units import conversion_factor, split_quantity

if TYPE_CHECKING:
    import pandas as pd

    from ._types import TableSource

__all__ = [
    "Supplier",
    "SupplierFootprints",
    "Target",
    "calculate_chain",
    "decompose_change",
    "footprint_table",
    "progress",
    "supplier_footprints",
]


class Supplier(CheckedModel):
    """A supplier: id, name, country (ISO 3166-1 alpha-2) and the cluster it belongs to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    cluster: str | None = None


# --- multi-tier chains --------------------------------------------------------------------------------


def calculate_chain(
    products: Sequence[Product],
    library: FactorLibrary | None = None,
    *,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = DEFAULT_PREFOLDED,
    indicators: IndicatorSpec | None = None,
) -> dict[str, FootprintResult]:
    """Footprints of products across suppliers, each computed after the products it buys (each with the
    ``indicators`` asked for, as :func:`calculate`; a bought product carries its GWP only).

    A component with ``supplier_product: ID`` takes the cradle-to-gate footprint per declared unit of product
    ``ID`` (computed here first) as its declared footprint, with its biogenic split and its own primary data
    share, which weighs into the buyer's share (PACT's emission-weighted rule). A reference to an
    unknown product is a :class:`ProductError` naming every one; products that buy from each other in a
    circle raise :class:`CycleError` with the circle (``valve -> actuator -> valve``).
    """
    by_id: dict[str, Product] = {}
    problems: list[Problem] = []
    for p in products:
        if p.id in by_id:
            problems.append(Problem("product id given twice", field="id", value=p.id, expected="unique product ids"))
        by_id[p.id] = p
    ids = list(by_id)
    index = {pid: k for k, pid in enumerate(ids)}
    e_par: list[int] = []
    e_chi: list[int] = []
    for pid, p in by_id.items():
        for i, item in enumerate(p.items):
            ref = item.supplier_product
            if ref is None:
                continue
            if item.declared_footprint is not None:
                problems.append(
                    Problem(
                        f"product {pid}: give supplier_product or declared_footprint, not both",
                        field=f"items[{i}].supplier_product",
                        value=ref,
                    )
                )
            elif ref not in index:
                problems.append(
                    Problem(
                        f"product {pid}: supplier product is not in the chain",
                        field=f"items[{i}].supplier_product",
                        value=ref,
                        expected=f"one of {', '.join(ids)}",
                    )
                )
            else:
                e_par.append(index[pid])
                e_chi.append(index[ref])
    if problems:
        raise ProductError(problems, what="supply chain")
    graph = BomArrays(len(ids), np.array(e_par, dtype=np.intp), np.array(e_chi, dtype=np.intp), np.ones(len(e_par)))
    level, on_cycle = topological_levels(graph)
    if len(on_cycle):
        circle = [ids[k] for k in find_cycle(graph, on_cycle)]
        raise CycleError(
            [
                Problem(
                    f"products buy from each other in a circle: {' -> '.join(circle)}",
                    field="supplier_product",
                    expected="a supply chain without circles",
                )
            ],
            circle,
            what="supply chain",
        )
    results: dict[str, FootprintResult] = {}
    for k in np.argsort(level, kind="stable"):  # suppliers' products (lower levels) first
        p = by_id[ids[int(k)]]
        items = []
        for item in p.items:
            if item.supplier_product is not None:
                dep = results[item.supplier_product]
                pcf = _carried(dep, by_id[item.supplier_product])
                items.append(item.model_copy(update={"declared_footprint": pcf, "supplier_product": None}))
            else:
                items.append(item)
        results[p.id] = calculate(
            p.model_copy(update={"items": items}), library, gwp=gwp, prefolded=prefolded, indicators=indicators
        )
    return {pid: results[pid] for pid in ids}


def _carried(dep: FootprintResult, product: Product) -> DeclaredFootprint:
    """A supplier's computed result as the declared footprint of its product: cradle-to-gate per declared
    unit, with its biogenic split and its own primary data share carried forward. Biogenic methane travels
    as biogenic CO2e under the chain's GWP set (the whole chain is folded with one set)."""
    q = dep.quantity
    gate = [c for c in dep.contributions if c.module in CRADLE_TO_GATE]
    uptake = -sum(c.kgco2e_uptake for c in gate) / q
    biogenic = sum(c.kgco2e_biogenic - c.kgco2e_uptake for c in gate) / q
    luluc = sum(c.kgco2e_luluc for c in gate) / q
    return DeclaredFootprint(
        kgco2e=dep.cradle_to_gate_kgco2e / q,
        gwp_set=dep.gwp_set,
        per=product.declared_unit,
        source=f"footprint of {dep.product_id} computed in this chain ({dep.input_hash[:19]})",
        supplier=dep.supplier,
        pcf_id=dep.input_hash,
        biogenic_co2_uptake=uptake if uptake > 0 else None,
        biogenic_co2=biogenic if biogenic > 0 else None,
        luluc_co2=luluc if luluc > 0 else None,
        primary_data_share=dep.primary_data_share,
    )


# --- product footprint tables -------------------------------------------------------------------------

_NUMERIC_PREFIX = ("total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e")


def footprint_table(
    results: Iterable[FootprintResult] | Mapping[str, FootprintResult] | CatalogueResult,
    *,
    period: str | None = None,
) -> pd.DataFrame:
    """One row per product: its supplier, family, declared unit, mass and kg CO2e per declared unit (total,
    cradle to gate, module D, each module, each gas, and the primary-data part); for results calculated with
    ``indicators=``, each indicator's A1-C4 total per declared unit (``ind_<id>``, over the rows that cover
    it; NaN where none does) and ``uncovered_<id>`` (1 where some row of the product is not covered, else 0).
    Delivered quantities multiply these like kg CO2e, so a supplier's ``uncovered_<id>`` is the declared
    units delivered whose indicator is incomplete: 0 means the roll-up is complete.

    From a :class:`CatalogueResult`, the declared unit is one piece and the mass is unknown (NaN). With
    ``period``, the table says for which reporting period these footprints hold.
    """
    import pandas as pd

    expect_type(results, (Iterable, Mapping, CatalogueResult), "results")
    if isinstance(results, CatalogueResult):
        df = results.by_product.copy()
        gas = results.by_product_gas.add_prefix("gas_")
        df = df.join(gas)
        df.insert(0, "supplier", results.products["supplier"].reindex(df.index).to_numpy())
        df.insert(1, "family", results.products["family"].reindex(df.index).to_numpy())
        df.insert(2, "declared_unit", "1 piece")
        df.insert(3, "mass_kg", np.nan)
        df["primary_kgco2e"] = 0.0
    else:
        rows = []
        values = results.values() if isinstance(results, Mapping) else results
        for k, r in enumerate(values):
            expect_type(r, FootprintResult, f"results[{k}]")
            q = r.quantity or 1.0
            row: dict[str, Any] = {
                "product": r.product_id,
                "supplier": r.supplier,
                "family": r.family,
                "declared_unit": r.declared_unit,
                "mass_kg": r.product_mass_kg / q,
                "total_kgco2e": r.total_kgco2e / q,
                "cradle_to_gate_kgco2e": r.cradle_to_gate_kgco2e / q,
                "module_d_kgco2e": r.module_d_kgco2e / q,
            }
            row.update({m: v / q for m, v in r.by_module.items()})
            row.update({f"gas_{g}": v / q for g, v in r.by_gas.items()})
            row["primary_kgco2e"] = r.primary_data_share * r.cradle_to_gate_kgco2e / q
            row.update(_indicator_columns(r, q))
            rows.append(row)
        if not rows:
            raise InputError([Problem("no footprints given", expected="at least one result")], what="footprint_table")
        df = pd.DataFrame(rows).set_index("product")
        mods = [m for m in MODULES if m in df.columns]
        gases = sorted(c for c in df.columns if c.startswith("gas_"))
        inds = [c for c in df.columns if c.startswith(("ind_", "uncovered_"))]
        df = df[["supplier", "family", "declared_unit", "mass_kg", *_NUMERIC_PREFIX, *mods, *gases, "primary_kgco2e",
                 *inds]]  # fmt: skip
        df[[*mods, *gases]] = df[[*mods, *gases]].fillna(0.0)
        uncovered = [c for c in inds if c.startswith("uncovered_")]
        df[uncovered] = df[uncovered].fillna(1.0)  # a product calculated without the indicator: not covered
    if period is not None:
        df.insert(0, "period", period)
    return df


def _indicator_columns(r: FootprintResult, q: float) -> dict[str, float]:
    """A result's indicators per declared unit (NaN where no row covers one) and whether each is incomplete."""
    out: dict[str, float] = {}
    for i, ind in r.indicators.items():
        out[f"ind_{i}"] = ind.total / q if ind.total is not None else float("nan")
        out[f"uncovered_{i}"] = 0.0 if ind.complete else 1.0
    return out


# --- deliveries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierFootprints:
    """Deliveries times product footprints, per reporting period, grouped four ways.

    Every table has the period and its key as index, and columns: ``quantity`` (declared units delivered),
    ``mass_t`` (tonnes delivered, NaN where a product's mass is unknown), ``pieces`` (for products declared
    per piece), the kg CO2e columns of the footprint table (total, cradle to gate, module D, modules, gases,
    primary) and ``primary_data_share``. ``lines`` holds each delivery row with its kg CO2e, its product's
    declared unit and whether it goes to a member of the supplier's own cluster (``intra_cluster``).

    ``by_cluster`` is the gross roll-up (every delivery); ``by_cluster_net`` the same columns over the
    deliveries that leave the cluster, which count each product once; ``cluster_totals`` gives gross,
    intra-cluster and net kg CO2e per period and cluster, and ``intra_cluster_flows`` names the deliveries
    between members (period, cluster, supplier, customer, product).
    """

    lines: pd.DataFrame
    by_product: pd.DataFrame
    by_family: pd.DataFrame
    by_supplier: pd.DataFrame
    by_cluster: pd.DataFrame
    intensity: pd.DataFrame
    by_cluster_net: pd.DataFrame
    cluster_totals: pd.DataFrame
    intra_cluster_flows: pd.DataFrame

    def __repr__(self) -> str:
        """One line with the key figures (the tables are attributes)."""
        from .report._display import suppliers_repr

        return suppliers_repr(self)

    def _repr_html_(self) -> str:
        """Key figures, a table and a small chart, for notebooks (all text escaped)."""
        from .report._display import suppliers_html

        return suppliers_html(self)


def _text(series: pd.Series) -> Any:
    """A column as stripped text, empty where a cell is missing (whatever dtype the reader chose)."""
    return series.astype(str).where(series.notna(), "").str.strip().to_numpy(dtype=object)


def _declared(unit_text: str) -> tuple[float, str]:
    value, unit = split_quantity(unit_text)
    return value, unit or "piece"


def _read_deliveries(deliveries: TableSource, name: str) -> tuple[pd.DataFrame, int, str]:
    """The deliveries table (a DataFrame as given, a CSV or an Excel file read), the number of its first data
    row and what a row is called in its problems."""
    import pandas as pd

    try:
        if not isinstance(deliveries, pd.DataFrame) and str(deliveries).lower().endswith((".xlsx", ".xlsm")):
            return pd.read_excel(deliveries, dtype={"product": str, "period": str}), 2, "row"
        table = read_table(deliveries, name)
        first_row, row_label = where_rows(table)
        return table, first_row, row_label
    except FootprintError:
        raise
    except Exception as exc:  # undecodable text, a damaged CSV or workbook: pandas and openpyxl raise many kinds
        raise DeliveryError([Problem(f"cannot read the table: {exc}", file=name)], what=name) from None


def _footprint_rows(
    footprints: pd.DataFrame, product: npt.NDArray[Any], period: npt.NDArray[Any]
) -> tuple[pd.DataFrame, npt.NDArray[np.intp], str]:
    """The footprint table as columns, the row of each delivery's product (for its period when the table has
    periods; -1: none) and the problem a missing one is."""
    import pandas as pd

    fp_tab = footprints.reset_index()
    if "period" in fp_tab.columns:
        fp_tab["period"] = fp_tab["period"].astype(str)
        key = pd.MultiIndex.from_arrays([product, period])
        fp_idx = pd.MultiIndex.from_frame(fp_tab[["product", "period"]].astype(str))
        return fp_tab, fp_idx.get_indexer(key), "no footprint for this product in this period"
    pos = pd.Index(fp_tab["product"].astype(str)).get_indexer(pd.Index(product))
    return fp_tab, pos, "no footprint for this product"


def _per_declared(
    units: npt.NDArray[Any],
    declared: npt.NDArray[Any],
    ok: npt.NDArray[np.bool_],
    name: str,
    first_row: int,
    row_label: str,
    problems: list[Problem],
) -> npt.NDArray[np.float64]:
    """Declared units per unit delivered, one conversion per distinct (unit, declared unit) pair."""
    import pandas as pd

    per_declared = np.full(len(units), np.nan)
    codes, uniq = pd.MultiIndex.from_arrays([units, declared]).factorize()
    for k, (unit, decl) in enumerate(uniq):
        dv, du = _declared(decl)
        sel = ok & (codes == k)
        try:
            per_declared[sel] = (conversion_factor(unit, du) if unit else 1.0) / dv
        except (IncompatibleUnitsError, UnitError):
            problems += row_problems(
                sel, f"unit cannot be expressed in the product's declared unit {decl!r}", file=name,
                first_row=first_row, field="unit", values=units, expected=f"a unit of the dimension of {decl!r}",
                row_label=row_label,
            )  # fmt: skip
    return per_declared


def _rolled_up(
    lines: pd.DataFrame, value_cols: list[str], rows: npt.NDArray[np.int64], name: str
) -> SupplierFootprints:
    """The delivery lines summed by product, family, supplier and cluster (gross, and net of deliveries inside
    a cluster), with intensities; the sums checked against the lines."""
    sum_cols = ["quantity", "mass_t", "pieces", *value_cols]
    by_supplier = _group_lines(lines, ["period", "supplier"], sum_cols)
    by_cluster = _group_lines(lines, ["period", "cluster"], sum_cols)
    # the same group-by over the lines with intra-cluster deliveries set to zero: what leaves the cluster
    by_cluster_net = _group_lines(zero_intra(lines, sum_cols), ["period", "cluster"], sum_cols)
    check_deliveries(lines, sum_cols, rows, name, {"supplier": by_supplier, "cluster": by_cluster})
    return SupplierFootprints(
        lines=lines,
        by_product=_group_lines(lines, ["period", "product"], sum_cols),
        by_family=_group_lines(lines, ["period", "supplier", "family"], sum_cols),
        by_supplier=by_supplier,
        by_cluster=by_cluster,
        intensity=_intensity(lines, by_supplier),
        by_cluster_net=by_cluster_net,
        cluster_totals=cluster_totals(by_cluster, by_cluster_net),
        intra_cluster_flows=intra_cluster_flows(lines),
    )


@np.errstate(over="ignore", invalid="ignore")  # overflows are found and named by check_deliveries
def supplier_footprints(
    footprints: pd.DataFrame,
    deliveries: TableSource,
    *,
    periods: Sequence[str] | None = None,
    suppliers: Sequence[Supplier] | None = None,
) -> SupplierFootprints:
    """Footprints of suppliers and clusters per reporting period from their deliveries.

    ``footprints`` is a :func:`footprint_table` (with a ``period`` column when products' footprints change
    from one period to the next). ``deliveries`` (a DataFrame, CSV or Excel file) has columns ``product``,
    ``period``, ``quantity`` and optionally ``unit`` (default: the product's declared unit), ``customer``,
    ``revenue`` and ``currency``. ``periods`` lists the reporting periods; a delivery in another period is an
    error. ``suppliers`` maps suppliers to clusters (default: one cluster, ``cluster``).

    Raises :class:`DeliveryError` naming every row whose product has no footprint (for its period), whose unit
    cannot be expressed in the product's declared unit, whose period is unknown, or whose quantity or revenue
    is not a finite number >= 0. Revenue stays in its currency: intensities per currency unit are reported
    per currency, never converted.
    """
    import pandas as pd

    expect_type(footprints, pd.DataFrame, "footprints")
    expect_type(deliveries, (pd.DataFrame, str, os.PathLike), "deliveries")
    name = "deliveries" if isinstance(deliveries, pd.DataFrame) else str(deliveries)
    deliveries, first_row, row_label = _read_deliveries(deliveries, name)
    problems: list[Problem] = column_problems(TABLES["deliveries"], list(deliveries.columns), name)
    if problems:
        raise DeliveryError(problems, what=name)
    d = deliveries.reset_index(drop=True)
    rows = np.arange(len(d)) + first_row
    product = d["product"].astype(str).to_numpy()
    period = d["period"].astype(str).str.strip().to_numpy()

    def bad(mask: Any, field: str, message: str, expected: str) -> None:
        values = d[field].to_numpy() if field in d else None
        problems.extend(
            row_problems(
                mask,
                message,
                file=name,
                first_row=first_row,
                field=field,
                values=values,
                expected=expected,
                row_label=row_label,
            )
        )

    if pd.api.types.is_numeric_dtype(d["quantity"].dtype):
        qty = d["quantity"].to_numpy(dtype=float, na_value=np.nan)
        units = _text(d["unit"]) if "unit" in d.columns else np.full(len(d), "")
    else:  # quantities with their unit ("12 m"), or numbers as text
        qty, u_codes, u_values, _, twice = quantities(d["quantity"], d["unit"] if "unit" in d.columns else None)
        units = np.asarray(u_values, dtype=object)[u_codes]
        bad(twice, "quantity", "unit given both in the quantity and in 'unit'", "one of them")
    bad(~np.isfinite(qty) | (qty < 0), "quantity", "quantity is not a finite number >= 0", "e.g. 12")
    if periods is not None:
        known = {str(p) for p in periods}
        bad(~np.isin(period, list(known)), "period", "unknown reporting period", f"one of {', '.join(sorted(known))}")

    fp_tab, pos, missing_msg = _footprint_rows(footprints, product, period)
    bad(pos < 0, "product", missing_msg, "a product of the footprint table")

    declared = fp_tab["declared_unit"].to_numpy()[np.maximum(pos, 0)]
    per_declared = _per_declared(units, declared, pos >= 0, name, first_row, row_label, problems)
    revenue = None
    if "revenue" in d.columns:
        revenue = pd.to_numeric(d["revenue"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = d["revenue"].notna().to_numpy() & (d["revenue"].astype(str).str.strip() != "").to_numpy()
        bad(
            given & (~np.isfinite(revenue) | (revenue < 0)),
            "revenue",
            "revenue is not a finite number >= 0",
            "e.g. 125000",
        )
        currency = _text(d["currency"]) if "currency" in d.columns else np.full(len(d), "")
        bad(
            given & (currency == ""),
            "revenue",
            "revenue without its currency",
            "a currency code in the currency column (EUR, NOK, USD ...)",
        )
        revenue = np.where(given, revenue, np.nan)
    if problems:
        raise DeliveryError(problems, what=name)

    # lines: one per delivery, kg CO2e = declared units delivered x footprint per declared unit
    q_decl = qty * per_declared
    value_cols = [
        c for c in fp_tab.columns if c not in ("product", "period", "supplier", "family", "declared_unit", "mass_kg")
    ]
    vals = fp_tab[value_cols].to_numpy(dtype=float)[pos] * q_decl[:, None]
    lines = pd.DataFrame(vals, columns=value_cols)
    cluster_of = {s.id: (s.cluster or "cluster") for s in suppliers or ()}
    sup = fp_tab["supplier"].astype(str).to_numpy()[pos]
    decl_unit = np.array([_declared(u)[1] for u in declared])
    lines.insert(0, "period", period)
    lines.insert(1, "product", product)
    lines.insert(2, "supplier", sup)
    lines.insert(3, "family", fp_tab["family"].astype(str).to_numpy()[pos])
    lines.insert(4, "cluster", [cluster_of.get(s, "cluster") for s in sup])
    lines.insert(5, "quantity", q_decl)
    lines.insert(6, "mass_t", q_decl * fp_tab["mass_kg"].to_numpy(dtype=float)[pos] / 1000.0)
    lines.insert(7, "pieces", np.where(decl_unit == "piece", q_decl, 0.0))
    lines.insert(8, "declared_unit", declared)
    clusters = cluster_of_names(suppliers, fp_tab["supplier"].astype(str))
    if "customer" in d.columns:
        lines["customer"] = _text(d["customer"])
        lines["intra_cluster"] = intra_cluster(lines["customer"].to_numpy(), lines["cluster"].to_numpy(), clusters)
    else:
        lines["intra_cluster"] = False
    if revenue is not None:
        lines["revenue"] = revenue
        lines["currency"] = currency
    lines["row"] = rows

    return _rolled_up(lines, value_cols, rows, name)


def _group_lines(lines: pd.DataFrame, keys: list[str], sum_cols: list[str]) -> pd.DataFrame:
    """Delivery lines summed by ``keys``; a group's mass is unknown if one of its products' is."""
    g = lines.groupby(keys, sort=True)[sum_cols].sum(min_count=1)
    unknown = lines["mass_t"].isna().groupby([lines[k] for k in keys], sort=True).any()
    g["mass_t"] = g["mass_t"].where(~unknown)
    gate = g["cradle_to_gate_kgco2e"]
    g["primary_data_share"] = g["primary_kgco2e"] / gate.where(gate != 0)
    return g


def _intensity(lines: pd.DataFrame, by_supplier: pd.DataFrame) -> pd.DataFrame:
    """kg CO2e per tonne delivered, per piece, and per unit of revenue in each currency, per supplier."""
    import pandas as pd

    out = pd.DataFrame(index=by_supplier.index)
    out["kgco2e_per_t"] = by_supplier["total_kgco2e"] / by_supplier["mass_t"].where(by_supplier["mass_t"] > 0)
    piece = lines[lines["pieces"] > 0].groupby(["period", "supplier"])[["total_kgco2e", "pieces"]].sum()
    out["kgco2e_per_piece"] = (piece["total_kgco2e"] / piece["pieces"]).reindex(out.index)
    if "revenue" in lines.columns:
        rev = lines[lines["revenue"].notna()]
        if len(rev):
            g = rev.groupby(["period", "supplier", "currency"])[["total_kgco2e", "revenue"]].sum()
            per = (g["total_kgco2e"] / g["revenue"].where(g["revenue"] > 0)).unstack("currency")
            for cur in per.columns:
                out[f"kgco2e_per_{cur}"] = per[cur].reindex(out.index)
    return out


# --- targets and change -------------------------------------------------------------------------------


class Target(CheckedModel):
    """A reduction target: ``reduction`` (0.4 for -40 %) of ``scope``'s emissions by ``target_period``,
    against ``baseline_period``. ``scope`` is a supplier id or a cluster name; ``metric`` is absolute kg
    CO2e or an intensity: per tonne delivered, per piece (products declared per piece) or per unit of
    revenue in ``currency``, so that growing volumes do not read as missing the target. ``modules`` is
    ``A1-C4`` (default) or ``A1-A3`` (cradle to gate). Periods are years (``"2019"``). A cluster is tracked by its
    ``net`` deliveries (those leaving it, each product counted once) unless ``basis="gross"``; a supplier
    by all its deliveries. ``indicator`` tracks another indicator than kg CO2e (its A1-C4 total, ``"AP"``,
    ``"PENRT"``, ...: the footprints must have been calculated with it); ``progress`` then also says how many
    declared units delivered had it incomplete."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scope: str
    level: Literal["supplier", "cluster"] = "supplier"
    baseline_period: str
    target_period: str
    reduction: float = Field(gt=0, le=1)
    metric: Literal["absolute", "per_tonne", "per_piece", "per_revenue"] = "absolute"
    baseline_value: float | None = None
    basis: Literal["net", "gross"] = "net"
    modules: Literal["A1-C4", "A1-A3"] = "A1-C4"
    currency: str | None = None
    indicator: str | None = None

    @model_validator(mode="after")
    def indicators_are_tracked_over_a1_c4(self) -> Target:
        if self.indicator is not None and self.modules != "A1-C4":
            raise ValueError("a target on an indicator tracks its A1-C4 total: leave modules at 'A1-C4'")
        return self

    @model_validator(mode="after")
    def revenue_needs_a_currency(self) -> Target:
        if (self.metric == "per_revenue") != (self.currency is not None):
            raise ValueError("metric per_revenue and currency go together (e.g. currency 'NOK')")
        return self

    @model_validator(mode="after")
    def periods_are_years_in_order(self) -> Target:
        try:
            b, t = int(self.baseline_period), int(self.target_period)
        except ValueError:
            raise ValueError("baseline_period and target_period must be years, e.g. '2019' and '2030'") from None
        if t <= b:
            raise ValueError("target_period must come after baseline_period")
        return self


def _line_series(sf: SupplierFootprints, target: Target) -> pd.Series:
    """kg CO2e per piece, or per unit of revenue in the target's currency, per period, from the delivery
    lines of the scope (for a cluster's net basis, without intra-cluster deliveries)."""
    lines = sf.lines[sf.lines[target.level] == target.scope]
    if target.level == "cluster" and target.basis == "net":
        lines = lines[~lines["intra_cluster"].to_numpy(dtype=bool)]
    col = _target_column(sf.lines, target)
    if target.metric == "per_piece":
        lines, activity = lines[lines["pieces"] > 0], "pieces"
    else:
        has = "revenue" in lines.columns
        lines = lines[lines["currency"] == target.currency] if has else lines.iloc[0:0]
        activity = "revenue"
    if lines.empty:
        what = "products declared per piece" if target.metric == "per_piece" else f"revenue in {target.currency}"
        raise InputError(
            [Problem(f"no deliveries with {what} for {target.level} {target.scope!r}", field="metric")], what="target"
        )
    g = lines.groupby("period", sort=True)[[col, activity]].sum()
    return g[col] / g[activity].where(g[activity] > 0)


def _target_column(table: pd.DataFrame, target: Target) -> str:
    """The column a target tracks: kg CO2e (A1-C4 or A1-A3), or ``ind_<id>`` for an indicator, which must be
    in the footprints."""
    if target.indicator is None:
        return "total_kgco2e" if target.modules == "A1-C4" else "cradle_to_gate_kgco2e"
    col = f"ind_{target.indicator}"
    if col not in table.columns:
        known = sorted(c[4:] for c in table.columns if c.startswith("ind_"))
        raise InputError(
            [Problem("indicator not in the footprints; calculate them with indicators=", field="indicator",
                     value=target.indicator, expected=", ".join(known) or "footprints with indicators")],
            what="target",
        )  # fmt: skip
    return col


def _series(sf: SupplierFootprints, target: Target) -> pd.Series:
    level, scope, metric, basis = target.level, target.scope, target.metric, target.basis
    table = sf.by_supplier if level == "supplier" else sf.by_cluster_net if basis == "net" else sf.by_cluster
    try:
        sub = table.xs(scope, level=1)
    except KeyError:
        raise InputError(
            [Problem(f"no deliveries for {level} {scope!r}", field="scope", value=scope)], what="target"
        ) from None
    col = _target_column(table, target)
    if metric == "absolute":
        return sub[col]
    return sub[col] / sub["mass_t"]


def progress(sf: SupplierFootprints, target: Target) -> pd.DataFrame:
    """Each period's value against the baseline and the straight path from baseline to target.

    Columns: ``value``, ``baseline``, ``target_path`` (the value the straight line from the baseline to
    ``baseline x (1 - reduction)`` gives for that year), ``reduction_achieved`` (1 - value / baseline) and
    ``on_track`` (value at or below the path).
    """
    import pandas as pd

    s = _series(sf, target) if target.metric in ("absolute", "per_tonne") else _line_series(sf, target)
    base = target.baseline_value
    if base is None:
        if target.baseline_period not in s.index:
            raise InputError(
                [
                    Problem(
                        "no value for the baseline period; give baseline_value",
                        field="baseline_period",
                        value=target.baseline_period,
                    )
                ],
                what="target",
            )
        base = float(s[target.baseline_period])
    y0, y1 = int(target.baseline_period), int(target.target_period)
    years = np.array([int(p) for p in s.index])
    frac = np.clip((years - y0) / (y1 - y0), 0.0, None)
    path = base * (1.0 - target.reduction * np.minimum(frac, 1.0))
    out = pd.DataFrame(
        {
            "value": s.to_numpy(),
            "baseline": base,
            "target_path": path,
            "reduction_achieved": 1.0 - s.to_numpy() / base if base else np.nan,
            "on_track": s.to_numpy() <= path * (1 + 1e-12),
        },
        index=pd.Index(s.index, name="period"),
    )
    if target.indicator is not None:  # declared units delivered whose indicator some row does not cover
        out["not_covered_units"] = _uncovered(sf, target).reindex(out.index).to_numpy()
    return out


def _uncovered(sf: SupplierFootprints, target: Target) -> pd.Series:
    """Per period, the declared units the target's scope delivered whose indicator is incomplete."""
    lines = sf.lines[sf.lines[target.level] == target.scope]
    if target.level == "cluster" and target.basis == "net":
        lines = lines[~lines["intra_cluster"].to_numpy(dtype=bool)]
    return lines.groupby("period", sort=True)[f"uncovered_{target.indicator}"].sum()


def decompose_change(
    sf: SupplierFootprints,
    period_from: str,
    period_to: str,
    *,
    supplier: str | None = None,
    cluster: str | None = None,
    basis: Literal["net", "gross"] | None = None,
    activity: Literal["quantity", "mass_t"] = "quantity",
) -> pd.DataFrame:
    """The change of emissions from one period to the next, per product, split into an activity effect (more
    or less delivered in all), a mix effect (a shift between products) and an intensity effect (more or less
    kg CO2e per unit of a product), with additive LMDI-I (see :mod:`footprint._lmdi`): the three add up to
    each product's change and to the total exactly, with no residual.

    Emissions are E = sum_i A S_i I_i with A the total activity (declared units delivered, or tonnes with
    ``activity="mass_t"``), S_i product i's share of it and I_i its kg CO2e per unit. Declared units of
    different kinds (pieces and metres) cannot be added: such a scope needs ``activity="mass_t"``. The scope
    is every delivery, one ``supplier``'s, or one ``cluster``'s; a cluster's change is that of its net
    deliveries (those leaving it) unless ``basis="gross"``. ``volume_effect`` (activity + mix) is each
    product's own change of quantity. The last row, ``total``, sums the products.
    """
    import pandas as pd

    lines = sf.lines
    if supplier is not None:
        lines = lines[lines["supplier"] == supplier]
    if cluster is not None:
        lines = lines[lines["cluster"] == cluster]
    if (basis or ("net" if cluster is not None else "gross")) == "net":
        lines = lines[~lines["intra_cluster"].to_numpy(dtype=bool)]
    measure = "quantity" if activity == "quantity" else "mass_t"
    by = lines.groupby(["period", "product"], sort=True).agg(
        q=(measure, lambda x: x.sum(min_count=len(x))), e=("total_kgco2e", "sum"), unit=("declared_unit", "first")
    )
    problems = [Problem("no deliveries in this period", field="period", value=p) for p in (period_from, period_to)
                if p not in by.index.get_level_values("period")]  # fmt: skip
    if problems:
        raise InputError(problems, what="decomposition")
    a, b = by.xs(period_from, level="period"), by.xs(period_to, level="period")
    t = a.add_suffix("0").join(b.add_suffix("1"), how="outer")
    _check_activity(t, activity)
    q0, q1 = t["q0"].fillna(0.0).to_numpy(), t["q1"].fillna(0.0).to_numpy()
    e0, e1 = t["e0"].fillna(0.0).to_numpy(), t["e1"].fillna(0.0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        i0, i1 = np.where(q0 > 0, e0 / q0, np.nan), np.where(q1 > 0, e1 / q1, np.nan)
    # a product delivered in one period only: its intensity is that period's in both (no intensity change)
    i0, i1 = np.nan_to_num(np.where(np.isnan(i0), i1, i0)), np.nan_to_num(np.where(np.isnan(i1), i0, i1))
    total0, total1 = q0.sum(), q1.sum()
    if not (total0 > 0 and total1 > 0):
        raise InputError(
            [Problem("no activity to decompose by in one of the periods", field="activity", value=activity,
                     expected="deliveries of a positive quantity (or mass) in both periods")],
            what="decomposition",
        )  # fmt: skip
    try:
        eff = lmdi_additive(
            {"activity": np.full(len(t), total0), "mix": q0 / total0, "intensity": i0},
            {"activity": np.full(len(t), total1), "mix": q1 / total1, "intensity": i1},
        )
    except SignChangeError as exc:
        raise InputError(
            [Problem(f"product {t.index[r]}: kg CO2e per unit changes sign; no log change exists", field="product",
                     value=t.index[r], expected="an intensity of one sign in both periods") for r in exc.rows],
            what="decomposition",
        ) from None  # fmt: skip
    out = pd.DataFrame(
        {
            "kgco2e_from": e0,
            "kgco2e_to": e1,
            "change": e1 - e0,
            "activity_effect": eff["activity"],
            "mix_effect": eff["mix"],
            "intensity_effect": eff["intensity"],
            "volume_effect": eff["activity"] + eff["mix"],
        },
        index=t.index,
    )
    out.loc["total"] = out.sum()
    return out


def _check_activity(t: pd.DataFrame, activity: str) -> None:
    """The activity must add up: one kind of declared unit (quantity), every mass known (mass_t)."""
    problems = []
    units = sorted({str(u) for u in (*t["unit0"].dropna(), *t["unit1"].dropna())})
    if activity == "quantity" and len(units) > 1:
        problems.append(Problem("products declared in different units cannot be added up", field="activity",
                                value=", ".join(units), expected="activity='mass_t', or one kind of declared unit"))  # fmt: skip
    unknown = (t["q0"].isna() & t["e0"].notna()) | (t["q1"].isna() & t["e1"].notna())
    if unknown.any():
        problems.append(Problem("mass unknown for products " + ", ".join(map(str, t.index[unknown])),
                                field="activity", value=activity, expected="the mass of every product"))  # fmt: skip
    if problems:
        raise InputError(problems, what="decomposition")
