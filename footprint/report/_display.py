"""How results look in a notebook: one-line ``repr`` texts and small HTML views with an inline SVG bar chart.

Jupyter calls ``_repr_html_`` on the last value of a cell; the result classes forward it here, so the classes
carry two tiny methods and the markup lives in one place. Every text that comes from data (product names,
ids, supplier names, module names) goes through :func:`html.escape`: a product named ``<script>`` shows as
text. No plotting library is needed: the chart is a hand-built SVG of horizontal bars.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from .._catalogue import CatalogueResult
    from .._factors import FactorLibrary
    from .._result import FootprintResult
    from .._suppliers import SupplierFootprints
    from .._uncertainty import MonteCarloResult

__all__ = [
    "bar_svg",
    "catalogue_html",
    "catalogue_repr",
    "library_html",
    "monte_carlo_html",
    "monte_carlo_repr",
    "result_html",
    "result_repr",
    "suppliers_html",
    "suppliers_repr",
]

_MAX_ROWS = 20  # rows of a table shown inline; the full table is one attribute away
_STYLE = "font-family:sans-serif;font-size:13px"


def _num(value: Any, digits: int = 1) -> str:
    """A number with thousands separators, or an en dash where there is none (NaN, None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}"
    return escape(str(value))


def _short(text: object, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, so a ``repr`` stays on one short line."""
    s = str(text).replace("\n", " ")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], numeric_from: int = 1) -> str:
    """An HTML table; cells from column ``numeric_from`` on are formatted as numbers, all text escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = [
            f'<td style="text-align:right">{_num(v)}</td>' if k >= numeric_from else f"<td>{escape(str(v))}</td>"
            for k, v in enumerate(row)
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figures(pairs: Sequence[tuple[str, str]]) -> str:
    """Key figures as a definition list: label, then value (both escaped by the caller's formatting)."""
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in pairs)
    return f'<dl style="display:grid;grid-template-columns:max-content auto;gap:2px 12px">{items}</dl>'


def bar_svg(bars: Sequence[tuple[str, float]], unit: str = "kg CO2e", width: int = 460) -> str:
    """A horizontal bar chart as an SVG string: one bar per (label, value), negative values to the left of zero.

    Labels and the unit are escaped; values that are not finite are drawn as no bar. An empty list gives an
    empty chart of one line's height.
    """
    finite = [v for _, v in bars if math.isfinite(v)]
    lo, hi = min([0.0, *finite]), max([0.0, *finite])
    span = (hi - lo) or 1.0
    label_w, value_w, row_h = 150, 90, 18
    plot_w = width - label_w - value_w
    zero = label_w + plot_w * (-lo / span)
    parts = []
    for k, (label, value) in enumerate(bars):
        y = 4 + k * row_h
        if math.isfinite(value):
            x0, x1 = sorted((zero, zero + plot_w * value / span))
            colour = "#4c78a8" if value >= 0 else "#59a14f"
            parts.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 0.5):.1f}" height="{row_h - 4}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{label_w - 6}" y="{y + row_h - 7}" text-anchor="end">{escape(_short(label, 24))}</text>'
            f'<text x="{width - value_w + 4}" y="{y + row_h - 7}">{_num(value)}</text>'
        )
    height = 8 + max(len(bars), 1) * row_h
    axis = f'<line x1="{zero:.1f}" y1="2" x2="{zero:.1f}" y2="{height - 2}" stroke="#888"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'style="font-family:sans-serif;font-size:11px"><title>{escape(unit)}</title>{"".join(parts)}{axis}</svg>'
    )


def _page(title: str, *blocks: str) -> str:
    """One notebook output: a heading and blocks, in a div."""
    return f'<div style="{_STYLE}"><strong>{escape(title)}</strong>{"".join(blocks)}</div>'


def result_repr(r: FootprintResult) -> str:
    """One line: product id, total (A1-C4), cradle to gate, module D and GWP set."""
    return (
        f"FootprintResult({_short(r.product_id)!r}, total={r.total_kgco2e:,.1f} kg CO2e, "
        f"A1-A3={r.cradle_to_gate_kgco2e:,.1f}, D={r.module_d_kgco2e:,.1f}, {_short(r.gwp_set, 12)})"
    )


def result_html(r: FootprintResult) -> str:
    """Key figures, the EN 15804 module table and a bar chart of the modules (D drawn apart as a credit)."""
    from .._modules import MODULE_NAMES

    name = f"{r.product_name} ({r.product_id})" if r.product_name else r.product_id
    figures = _figures(
        [
            ("Total, A1-C4", f"{r.total_kgco2e:,.1f} kg CO2e for {r.quantity:g} x ({r.declared_unit})"),
            ("Per declared unit", f"{r.per_declared_unit_kgco2e:,.1f} kg CO2e per {r.declared_unit}"),
            ("Cradle to gate, A1-A3", f"{r.cradle_to_gate_kgco2e:,.1f} kg CO2e"),
            ("Module D (apart)", f"{r.module_d_kgco2e:,.1f} kg CO2e"),
            ("GWP set", r.gwp_set),
            ("Primary data", f"{r.primary_data_share:.0%}"),
        ]
    )
    rows = [(m, MODULE_NAMES.get(m, ""), v) for m, v in r.by_module.items()]
    table = _table(["module", "name", "kg CO2e"], rows, numeric_from=2)
    chart = bar_svg(list(r.by_module.items()))
    return _page(name, figures, table, chart)


def catalogue_repr(c: CatalogueResult) -> str:
    """One line: number of products and suppliers, the cluster's total and the GWP set."""
    total = float(c.cluster["total_kgco2e"].iloc[0]) if len(c.cluster) else 0.0
    return (
        f"CatalogueResult(products={len(c.by_product)}, suppliers={len(c.by_supplier)}, "
        f"cluster={total:,.1f} kg CO2e, {_short(c.gwp_set, 12)})"
    )


def _frame_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[list[Any]]:
    """The first rows of ``frame`` as lists: the index (joined if several levels), then ``columns``."""
    rows = []
    for key, row in frame.head(_MAX_ROWS).iterrows():
        label = " · ".join(map(str, key)) if isinstance(key, tuple) else str(key)
        rows.append([label, *(row[c] for c in columns)])
    return rows


def _more(frame: pd.DataFrame, attribute: str) -> str:
    """A note when a table has more rows than shown."""
    if len(frame) <= _MAX_ROWS:
        return ""
    return f"<p>{_MAX_ROWS} of {len(frame)} rows; all in <code>{escape(attribute)}</code>.</p>"


def catalogue_html(c: CatalogueResult) -> str:
    """The cluster's figures, the products' table (total, A1-A3, D) and a chart of the suppliers' totals."""
    columns = ["total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e"]
    total = float(c.cluster["total_kgco2e"].iloc[0]) if len(c.cluster) else 0.0
    figures = _figures(
        [
            ("Products", str(len(c.by_product))),
            ("Suppliers", str(len(c.by_supplier))),
            ("Cluster, A1-C4 (one unit of each product)", f"{total:,.1f} kg CO2e"),
            ("GWP set", c.gwp_set),
        ]
    )
    table = _table(["product", "A1-C4", "A1-A3", "D"], _frame_rows(c.by_product, columns))
    bars = [(str(k), float(v)) for k, v in c.by_supplier["total_kgco2e"].head(_MAX_ROWS).items()]
    return _page("Catalogue (kg CO2e per unit)", figures, table, _more(c.by_product, "by_product"), bar_svg(bars))


def library_html(lib: FactorLibrary) -> str:
    """Name, size and version, and the number of factors per category and per licence."""
    from collections import Counter

    categories = Counter(f.category for f in lib)
    licences = Counter(f.licence for f in lib)
    figures = _figures([("Factors", str(len(lib))), ("Version", lib.version)])
    by_licence = _table(["licence", "factors"], sorted(licences.items()))
    chart = bar_svg(sorted(categories.items()), unit="factors")
    return _page(f"Factor library {lib.name}", figures, chart, by_licence)


def suppliers_repr(s: SupplierFootprints) -> str:
    """One line: how many periods, suppliers, clusters and delivery rows."""
    periods = s.by_supplier.index.get_level_values(0).nunique() if len(s.by_supplier) else 0
    suppliers = s.by_supplier.index.get_level_values(-1).nunique() if len(s.by_supplier) else 0
    clusters = s.cluster_totals.index.get_level_values(-1).nunique() if len(s.cluster_totals) else 0
    return (
        f"SupplierFootprints(periods={periods}, suppliers={suppliers}, clusters={clusters}, deliveries={len(s.lines)})"
    )


def suppliers_html(s: SupplierFootprints) -> str:
    """The clusters' gross, intra-cluster and net totals per period (table and chart of net), then suppliers."""
    totals = ["gross_kgco2e", "intra_cluster_kgco2e", "net_kgco2e"]
    cluster_table = _table(["period · cluster", "gross", "intra-cluster", "net"], _frame_rows(s.cluster_totals, totals))
    bars = [(label, float(net)) for label, _, _, net in _frame_rows(s.cluster_totals, totals)]
    supplier_table = _table(["period · supplier", "kg CO2e"], _frame_rows(s.by_supplier, ["total_kgco2e"]))
    return _page(
        "Supplier footprints (kg CO2e delivered)",
        "<p>Clusters</p>",
        cluster_table,
        bar_svg(bars),
        "<p>Suppliers</p>",
        supplier_table,
        _more(s.by_supplier, "by_supplier"),
    )


def monte_carlo_repr(m: MonteCarloResult) -> str:
    """One line: iterations, seed, and the median and 95 % interval of the first summarised total."""
    if len(m.summary):
        row = m.summary.iloc[0]
        spread = f"median={row['median']:,.1f}, 95%=[{row['p2_5']:,.1f}, {row['p97_5']:,.1f}] kg CO2e"
    else:
        spread = "no totals"
    return f"MonteCarloResult(iterations={m.iterations}, seed={m.seed}, {_short(m.summary.index[0]) if len(m.summary) else ''}: {spread})"


def monte_carlo_html(m: MonteCarloResult) -> str:
    """The summary table (deterministic, median, 95 % interval) and a chart of the medians."""
    columns = ["deterministic", "median", "p2_5", "p97_5"]
    present = [c for c in columns if c in m.summary.columns]
    table = _table(["", *present], _frame_rows(m.summary, present))
    bars = [(str(k), float(v)) for k, v in m.summary["median"].head(_MAX_ROWS).items()] if "median" in m.summary else []
    figures = _figures([("Iterations", str(m.iterations)), ("Seed", str(m.seed)), ("GWP set", m.gwp_set)])
    return _page("Monte Carlo (kg CO2e)", figures, table, _more(m.summary, "summary"), bar_svg(bars))
