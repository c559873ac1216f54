"""Charts, HTML pages and Excel workbooks of footprints and supplier footprints.

- Charts (matplotlib, Agg backend, no pyplot state): :func:`chart_modules`, :func:`chart_hotspots`,
  :func:`chart_suppliers`, :func:`chart_trend` each return a :class:`matplotlib.figure.Figure`;
  :func:`save_chart` writes it as PNG or SVG.
- :func:`html_report` and :func:`html_supplier_report` return one self-contained HTML page (charts inline as
  SVG, no external CSS, scripts or fonts), rendered from the Jinja2 templates in ``templates/`` with
  autoescape on (:mod:`footprint.report._templates`): every text that comes from input files is escaped.
- :func:`excel_report` writes an .xlsx workbook (openpyxl). Text cells that would read as a formula in a
  spreadsheet (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are stored as text, by
  the rule the CSV outputs share (:mod:`footprint.report._formula`).

matplotlib, openpyxl and jinja2 are optional (``pip install 'footprint[report]'``) and imported only when used.
"""

from __future__ import annotations

import importlib
import io
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._errors import InputError, MissingDependencyError, Problem, expect_type
from .._factors import EmissionFactor, FactorLibrary
from .._gwp import gwp_set
from .._modules import CRADLE_TO_GATE, MODULE_NAMES, MODULES
from .._output import atomic_outputs
from .._quality import DataQuality, data_quality
from .._result import FootprintResult
from ._formula import looks_like_formula
from ._templates import _INSTALL

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .._levers import LeverResult
    from .._product import Product
    from .._suppliers import SupplierFootprints, Target
    from .._uncertainty import MonteCarloResult

__all__ = [
    "chart_hotspots",
    "chart_modules",
    "chart_suppliers",
    "chart_trend",
    "chart_uncertainty",
    "excel_report",
    "html_report",
    "html_supplier_report",
    "save_chart",
]

Unit = Literal["auto", "kg", "t"]


# --- palette ------------------------------------------------------------------------------------------
# One colour family per life-cycle stage (blues: product, greens: construction, oranges: use, purples:
# end of life), grey for module D; the same colours in every chart.
MODULE_COLOURS: dict[str, str] = {
    "A1": "#1f4e79",
    "A2": "#2e75b6",
    "A3": "#7fb2e0",
    "A4": "#1b7a5a",
    "A5": "#6cc3a0",
    "B1": "#7f2704",
    "B2": "#d94801",
    "B3": "#f16913",
    "B4": "#fdae6b",
    "B5": "#fd8d3c",
    "B6": "#a63603",
    "B7": "#fdd0a2",
    "C1": "#3f007d",
    "C2": "#6a51a3",
    "C3": "#9e9ac8",
    "C4": "#cbc9e2",
    "D": "#7a7a7a",
}
_BAR = "#1f4e79"  # single-series bars
_ACCENT = "#c0392b"  # cumulative share, off-track values
_TARGET = "#1b7a5a"  # target path
_TEXT = "#222222"
_MUTED = "#666666"
_GRID = "#e3e3e3"
_WIDTH = 9.0  # inches; charts are saved at 150 dpi (1350 px wide)


# --- optional dependencies ----------------------------------------------------------------------------


def _require(module: str, feature: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(f"{feature} needs {module}, which is not installed: {_INSTALL}") from exc


def _figure(height: float) -> Figure:
    """A Figure on an Agg canvas (no pyplot, no global state), laid out by constrained layout."""
    _require("matplotlib", "charts")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH, height), dpi=100, layout="constrained", facecolor="white")
    FigureCanvasAgg(fig)
    return fig


# --- numbers ------------------------------------------------------------------------------------------


def _scale(values: Iterable[float], unit: Unit) -> tuple[float, str]:
    """Divisor and axis unit: tonnes when the largest value reaches 10 t (``unit="auto"``)."""
    if unit == "auto":
        biggest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
        unit = "t" if biggest >= 10_000 else "kg"
    if unit == "t":
        return 1000.0, "t CO₂e"
    if unit == "kg":
        return 1.0, "kg CO₂e"
    raise InputError([Problem("unknown unit", field="unit", value=unit, expected="'auto', 'kg' or 't'")], "chart")


def _short(v: float) -> str:
    """A value for a chart label: three significant figures, thousands separated, a true minus sign."""
    if not math.isfinite(v):
        return "n/a"
    a = abs(v)
    if a >= 100:
        text = f"{v:,.0f}"
    elif a >= 10:
        text = f"{v:.1f}"
    elif a >= 1:
        text = f"{v:.2f}"
    elif a == 0:
        text = "0"
    else:
        text = f"{v:.2g}"
    return text.replace("-", "−")


def _wrap(text: str, width: int) -> str:
    """Wrap at word boundaries; a title "subject: what" that is too long breaks after the colon first."""
    head, sep, tail = text.partition(": ")
    if len(text) > width and sep and len(head) < width:
        return head + ":\n" + _wrap(tail, width)
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def _share(fraction: float) -> str:
    """A share for a chart label: whole per cent from 10 %, one decimal below (and between 99 and 100 %)."""
    pct = 100 * fraction
    return f"{pct:.0f} %" if 10 <= abs(pct) < 99.5 or pct >= 100 else f"{pct:.1f} %"


def _ellipsis(text: str, width: int) -> str:
    """Shorten long labels in the middle (component paths keep their root and their leaf)."""
    if len(text) <= width:
        return text
    keep = width - 1
    return text[: keep // 3] + "…" + text[-(keep - keep // 3) :]


def _thousands(axis: Any) -> None:
    """Tick labels with thousands separators and as many decimals as the ticks need (at most 4)."""
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int | None) -> str:
        ticks = axis.get_majorticklocs()
        digits = 0
        while digits < 4 and any(abs(round(t, digits) - t) > 1e-9 * max(1.0, abs(t)) for t in ticks):
            digits += 1
        return f"{x:,.{digits}f}".replace("-", "−")

    axis.set_major_formatter(FuncFormatter(fmt))


def _style(ax: Axes, grid: Literal["x", "y"]) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#999999")
    ax.spines["bottom"].set_color("#999999")
    ax.tick_params(colors=_TEXT, labelsize=9)
    ax.grid(axis=grid, color=_GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _titles(fig: Figure, title: str, subtitle: str | None) -> None:
    """Title and subtitle, both flush with the figure's left edge, inside the constrained layout."""
    fig.suptitle(_wrap(title, 88), x=0.01, ha="left", fontsize=12.5, fontweight="bold", color=_TEXT)
    if subtitle:
        from matplotlib.transforms import blended_transform_factory

        ax = fig.axes[0]
        text = ax.set_title(_wrap(subtitle, 125), loc="left", fontsize=9, color=_MUTED, pad=12)
        # x in figure coordinates (the left edge, like the title), y in the axes' (above the plot)
        text.set_transform(blended_transform_factory(fig.transFigure, ax.transAxes))
        text.set_x(0.01)


def _product_label(result: FootprintResult) -> str:
    return result.product_name or result.product_id


# --- charts -------------------------------------------------------------------------------------------


def chart_modules(result: FootprintResult, *, unit: Unit = "auto", title: str | None = None) -> Figure:
    """kg (or t) CO2e by EN 15804 module, one horizontal bar per module present, module names on the axis.

    Module D is drawn apart below a dashed rule, hatched, and labelled "reported apart": it is never part of
    the A1-C4 total. The bars are in ``fig.axes[0].containers``: the first holds A1-C4, the second D.
    """
    mods = [m for m in MODULES if m != "D" and m in result.by_module]
    has_d = "D" in result.by_module
    d_value = result.by_module.get("D", 0.0)
    values = [result.by_module[m] for m in mods]
    div, ulabel = _scale([*values, d_value, result.total_kgco2e], unit)
    n = len(mods)
    fig = _figure(1.9 + 0.36 * (n + (1.6 if has_d else 0)))
    ax = fig.add_subplot()
    _style(ax, "x")
    ys: list[float] = [float(k) for k in range(n)]
    bars = ax.barh(ys, [v / div for v in values], height=0.68, color=[MODULE_COLOURS[m] for m in mods], label="A1-C4")
    ax.bar_label(bars, labels=[_short(v / div) for v in values], padding=4, fontsize=8.5, color=_TEXT)
    ticks = [f"{m}  {MODULE_NAMES[m]}" for m in mods]
    if has_d:
        yd = n + 0.6
        ax.barh(
            [yd],
            [d_value / div],
            height=0.68,
            color="white",
            edgecolor=MODULE_COLOURS["D"],
            hatch="///",
            linewidth=1.0,
            label="D",
        )
        ax.annotate(
            f"{_short(d_value / div)} {ulabel}: reported apart, not in the total",
            (max(d_value / div, 0.0), yd),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
            color=_MUTED,
        )
        ax.axhline(n - 0.2, color="#aaaaaa", linewidth=0.8, linestyle="--")
        ys.append(yd)
        ticks.append("D  Beyond the system boundary\n(reported apart)")
    ax.set_yticks(ys, ticks, fontsize=9)
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(ulabel, fontsize=9.5, color=_TEXT)
    _thousands(ax.xaxis)
    ax.margins(x=0.22, y=0.04)
    subtitle = (
        f"Total A1–C4 {_short(result.total_kgco2e / div)} {ulabel} · cradle to gate A1–A3 "
        f"{_short(result.cradle_to_gate_kgco2e / div)} {ulabel}"
    )
    if has_d:
        subtitle += f" · D {_short(d_value / div)} {ulabel}, reported apart"
    subtitle += f" · {_qty(result)}, {result.gwp_set}"
    _titles(fig, title or f"{_product_label(result)}: emissions by life-cycle module", subtitle)
    # the D label's colour marks it as apart from the totals
    if has_d:
        ax.get_yticklabels()[-1].set_color(_MUTED)
    return fig


def chart_uncertainty(mc: MonteCarloResult, *, unit: Unit = "auto", title: str | None = None) -> Figure:
    """The Monte Carlo distribution of a product's footprint by EN 15804 module: one box per module
    (median, quartiles, whiskers at the 2.5 and 97.5 % percentiles), module D apart and hatched, and the
    deterministic value of each module as a dot."""
    samples = mc.samples_by_module
    if samples.empty:
        raise InputError(
            [Problem("no module samples", expected="a product's Monte Carlo result (monte_carlo), not a catalogue's")],
            what="chart_uncertainty",
        )
    mods = [m for m in MODULES if m in samples.columns]
    div, ulabel = _scale([float(abs(samples[m]).max()) for m in mods], unit)
    fig = _figure(1.9 + 0.36 * len(mods))
    ax = fig.add_subplot()
    _style(ax, "x")
    data = [samples[m].to_numpy() / div for m in mods]
    boxes = ax.boxplot(
        data, positions=range(len(mods)), orientation="horizontal", whis=(2.5, 97.5), widths=0.6,
        showfliers=False, patch_artist=True, medianprops={"color": _TEXT, "linewidth": 1.2},
    )  # fmt: skip
    for patch, m in zip(boxes["boxes"], mods, strict=True):
        patch.set_facecolor("white" if m == "D" else MODULE_COLOURS[m])
        patch.set_edgecolor(MODULE_COLOURS[m])
        if m == "D":
            patch.set_hatch("///")
    det = mc.by_module.reindex(mods)["deterministic"].to_numpy() / div
    ax.scatter(det, range(len(mods)), color=_TEXT, s=14, zorder=3, label="deterministic")
    ax.set_yticks(range(len(mods)), [f"{m}  {MODULE_NAMES[m]}" for m in mods], fontsize=9)
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(ulabel, fontsize=9.5, color=_TEXT)
    _thousands(ax.xaxis)
    s = mc.summary.iloc[0]
    subtitle = (
        f"{mc.iterations:,} iterations, seed {mc.seed}, {mc.gwp_set} · total A1–C4 median {_short(s['median'] / div)} "
        f"{ulabel}, 95 % interval {_short(s['p2_5'] / div)} to {_short(s['p97_5'] / div)} · D reported apart"
    )
    _titles(fig, title or "Monte Carlo distribution by life-cycle module", subtitle)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return fig


def _qty(result: FootprintResult) -> str:
    q = result.quantity
    return result.declared_unit if q == 1 else f"{q:g} × {result.declared_unit}"


def chart_hotspots(
    result: FootprintResult,
    by: Literal["component", "material"] = "component",
    top: int = 10,
    *,
    unit: Unit = "auto",
    title: str | None = None,
) -> Figure:
    """Pareto chart of the ``top`` largest contributors to the A1-C4 total, by component path or material.

    Left: one bar per contributor, largest first (``fig.axes[0].containers[0]``). Right, on the same rows:
    the cumulative share of the A1-C4 total, as a line with its percentages.
    """
    if by == "component":
        data = result.by_component
    elif by == "material":
        data = result.by_material
    else:
        raise InputError(
            [Problem("unknown breakdown", field="by", value=by, expected="'component' or 'material'")], "chart"
        )
    if top < 1:
        raise InputError([Problem("top must be at least 1", field="top", value=top)], "chart")
    ranked = sorted(data.items(), key=lambda kv: -abs(kv[1]))
    shown = ranked[:top]
    values = [v for _, v in shown]
    div, ulabel = _scale(values, unit)
    total = result.total_kgco2e
    cum: list[float] = []
    running = 0.0
    for v in values:
        running += v
        cum.append(100.0 * running / total if total else math.nan)
    n = len(shown)
    fig = _figure(2.0 + 0.36 * max(n, 2))
    ax, ax2 = fig.subplots(1, 2, sharey=True, width_ratios=[3.2, 1])
    _style(ax, "x")
    _style(ax2, "x")
    ys = list(range(n))
    bars = ax.barh(ys, [v / div for v in values], height=0.68, color=_BAR, label=by)
    shares = [f"{_short(v / div)}  ({_share(v / total)})" if total else _short(v / div) for v in values]
    ax.bar_label(bars, labels=shares, padding=4, fontsize=8.5, color=_TEXT)
    ax.set_yticks(ys, [_ellipsis(k, 46) for k, _ in shown], fontsize=9)
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(ulabel, fontsize=9.5, color=_TEXT)
    _thousands(ax.xaxis)
    ax.margins(x=0.25, y=0.04)
    ax2.plot(cum, ys, color=_ACCENT, marker="o", markersize=4.5, linewidth=1.6, label="cumulative share")
    for x, y in zip(cum, ys, strict=True):
        if math.isfinite(x):
            ax2.annotate(
                _share(x / 100),
                (x, y),
                xytext=(-6, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize=8,
                color=_ACCENT,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )
    ax2.axvline(80, color="#bbbbbb", linewidth=0.8, linestyle=":")
    ax2.set_xlim(0, 105)
    ax2.set_xticks([0, 50, 100])
    ax2.set_xlabel("cumulative share\nof A1–C4 (%)", fontsize=9.5, color=_ACCENT)
    ax2.tick_params(axis="y", left=False)
    rest = len(ranked) - n
    ax2.spines["left"].set_visible(False)
    subtitle = f"{n} largest of {len(ranked)} {by}s" if rest > 0 else f"All {n} {by}s"
    if total and n:
        subtitle += f": {cum[-1]:.0f} % of the A1–C4 total of {_short(total / div)} {ulabel}"
    if rest > 0:
        subtitle += f"; {rest} more not shown"
    _titles(fig, title or f"{_product_label(result)}: largest contributors by {by}", subtitle)
    return fig


def _period_table(sf: SupplierFootprints, period: str) -> pd.DataFrame:
    table = sf.by_supplier
    periods = [str(p) for p in table.index.get_level_values(0).unique()]
    if str(period) not in periods:
        raise InputError(
            [Problem("no deliveries in this period", field="period", value=period, expected=", ".join(periods))],
            "chart",
        )
    sub = table[table.index.get_level_values(0).astype(str) == str(period)]
    return sub.droplevel(0)


def chart_suppliers(
    sf: SupplierFootprints,
    period: str,
    *,
    by: Literal["module", "total"] = "module",
    unit: Unit = "auto",
    title: str | None = None,
) -> Figure:
    """Suppliers' delivered footprints in one period, largest first: bars stacked by EN 15804 module
    (``by="module"``; module D hatched to the left of zero, reported apart) or one bar per supplier
    (``by="total"``). The A1-C4 total is written at the end of each bar.

    The bar containers are ``fig.axes[0].containers``, one per module (the last one D, if any).
    """
    if by not in ("module", "total"):
        raise InputError([Problem("unknown stacking", field="by", value=by, expected="'module' or 'total'")], "chart")
    sub = _period_table(sf, period).sort_values("total_kgco2e", ascending=False)
    names = [str(s) for s in sub.index]
    totals = [float(v) for v in sub["total_kgco2e"]]
    d_vals = [float(v) for v in sub["module_d_kgco2e"]] if "module_d_kgco2e" in sub.columns else [0.0] * len(names)
    div, ulabel = _scale([*totals, *d_vals], unit)
    n = len(names)
    fig = _figure(2.3 + 0.45 * max(n, 2))
    ax = fig.add_subplot()
    _style(ax, "x")
    ys = list(range(n))
    if by == "total":
        bars = ax.barh(ys, [t / div for t in totals], height=0.62, color=_BAR, label="A1-C4")
        ax.bar_label(bars, labels=[_short(t / div) for t in totals], padding=4, fontsize=8.5)
    else:
        mods = [m for m in MODULES if m != "D" and m in sub.columns and bool((sub[m] != 0).any())]
        pos = [0.0] * n
        neg = [0.0] * n
        for m in mods:
            vals = [float(v) / div for v in sub[m]]
            left = [neg[i] if v < 0 else pos[i] for i, v in enumerate(vals)]
            ax.barh(
                ys,
                vals,
                left=left,
                height=0.62,
                color=MODULE_COLOURS[m],
                edgecolor="white",
                linewidth=0.5,
                label=f"{m} {MODULE_NAMES[m]}",
            )
            for i, v in enumerate(vals):
                if v < 0:
                    neg[i] += v
                else:
                    pos[i] += v
        if any(d_vals):
            dl = [min(neg[i], 0.0) for i in range(n)]
            ax.barh(
                ys,
                [v / div for v in d_vals],
                left=dl,
                height=0.62,
                color="white",
                edgecolor=MODULE_COLOURS["D"],
                hatch="///",
                linewidth=0.8,
                label="D (reported apart, not in the total)",
            )
        for i, t in enumerate(totals):
            ax.annotate(
                _short(t / div),
                (pos[i], ys[i]),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
                color=_TEXT,
            )
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)), fontsize=8.5, frameon=False)
    ax.set_yticks(ys, [_ellipsis(s, 40) for s in names], fontsize=9)
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(ulabel, fontsize=9.5, color=_TEXT)
    _thousands(ax.xaxis)
    ax.margins(x=0.15, y=0.06)
    total = sum(totals)
    subtitle = f"{n} supplier{'s' if n != 1 else ''}, together {_short(total / div)} {ulabel} (A1–C4) delivered"
    _titles(fig, title or f"Suppliers' delivered footprints, {period}", subtitle)
    return fig


def _intensity_label(metric: str, currency: str | None) -> str:
    return {"per_tonne": "kg CO₂e per tonne delivered", "per_piece": "kg CO₂e per piece delivered"}.get(
        metric, f"kg CO₂e per {currency} of revenue"
    )


def chart_trend(
    progress_df: pd.DataFrame,
    title: str | None = None,
    *,
    metric: Literal["absolute", "per_tonne", "per_piece", "per_revenue"] = "absolute",
    unit: Unit = "auto",
    currency: str | None = None,
) -> Figure:
    """Each period's value (bars: blue on track, red above the path) against the target path (dashed line)
    and the baseline (dotted), from :func:`footprint.progress`. ``metric="per_tonne"`` labels the axis
    kg CO2e per tonne delivered. The bars are ``fig.axes[0].containers[0]``.
    """
    periods = [str(p) for p in progress_df.index]
    values = [float(v) for v in progress_df["value"]]
    path = [float(v) for v in progress_df["target_path"]]
    baseline = float(progress_df["baseline"].iloc[0]) if len(progress_df) else math.nan
    if metric != "absolute":
        div, ulabel = 1.0, _intensity_label(metric, currency)
    else:
        div, ulabel = _scale([*values, *path, baseline], unit)
    on_track = (
        [bool(v) for v in progress_df["on_track"]]
        if "on_track" in progress_df.columns
        else [v <= p for v, p in zip(values, path, strict=True)]
    )
    fig = _figure(4.6)
    ax = fig.add_subplot()
    _style(ax, "y")
    xs = list(range(len(periods)))
    colours = [_BAR if ok else _ACCENT for ok in on_track]
    ax.bar(xs, [v / div for v in values], width=0.6, color=colours, label="actual")
    ax.plot(xs, [p / div for p in path], color=_TARGET, linestyle="--", marker="D", markersize=4, linewidth=1.6)
    if math.isfinite(baseline):
        ax.axhline(baseline / div, color="#888888", linestyle=":", linewidth=1.0)
    ax.set_xticks(xs, periods, fontsize=9)
    ax.set_xlabel("period", fontsize=9.5, color=_TEXT)
    ax.set_ylabel(ulabel, fontsize=9.5, color=_TEXT)
    top = max([*(v / div for v in values), *(p / div for p in path), 0.0], default=1.0)
    ax.set_ylim(min(0.0, *(v / div for v in values)) if values else 0.0, top * 1.15 or 1.0)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(color=_BAR, label="actual, on track"),
        Patch(color=_ACCENT, label="actual, above the path"),
        Line2D([], [], color=_TARGET, linestyle="--", marker="D", markersize=4, label="target path"),
        Line2D([], [], color="#888888", linestyle=":", label="baseline"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8.5, frameon=False)
    # values inside the bars, all at mid-height, or all near the base where the target path or the baseline
    # passes a bar's middle; above bars too short to hold them
    lo, hi = ax.get_ylim()
    span = hi - lo
    tops = [v / div for v in values]
    lines = [[p / div, baseline / div] for p in path]
    mid_free = all(
        abs(t) < 0.12 * span or all(abs(t / 2 - y) > 0.06 * span for y in ys if math.isfinite(y))
        for t, ys in zip(tops, lines, strict=True)
    )
    for x, t in zip(xs, tops, strict=True):
        if abs(t) < 0.12 * span:
            where, offset, colour = t, 3.0, _TEXT
        elif mid_free:
            where, offset, colour = t / 2, -5.0, "white"
        else:
            where, offset, colour = 0.0, 5.0, "white"
        ax.annotate(
            _short(t),
            (x, where),
            xytext=(0, offset),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8.5,
            fontweight="normal" if colour == _TEXT else "bold",
            color=colour,
        )
    _thousands(ax.yaxis)
    subtitle = None
    if values and math.isfinite(baseline) and baseline:
        change = 100 * (values[-1] / baseline - 1)
        side = "below" if change < 0 else "above"
        subtitle = f"{periods[-1]}: {abs(change):.0f} % {side} the baseline"
    _titles(fig, title or "Progress against the target", subtitle)
    return fig


def save_chart(fig: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Write a chart as PNG or SVG, chosen by the file name's suffix; returns the path."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(
            [Problem("unknown chart format", file=str(path), value=path.suffix, expected=".png or .svg")],
            "save_chart",
        )
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
    with atomic_outputs() as out:
        fig.savefig(out.stage(path), format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return path


def _inline_svg(fig: Figure, key: str) -> str:
    """The chart as an inline <svg> element: no XML prologue or comments, ids prefixed with ``key`` so
    that several charts on one page never share an id."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, facecolor="white")
    text = buf.getvalue().decode("utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r'\bid="', f'id="{key}-', text)
    text = text.replace("url(#", f"url(#{key}-")
    text = re.sub(r'href="#', f'href="#{key}-', text)
    return re.sub(r"\n\s*\n", "\n", text)


# --- HTML ---------------------------------------------------------------------------------------------
# The pages are rendered from the Jinja2 templates in footprint/report/templates (autoescape on, see
# _templates.py). The functions below build each section's values: plain text and numbers, which the
# templates escape; only the inline SVG of a chart is passed as markup.


class _Num(str):
    """A number already formatted: right-aligned."""

    __slots__ = ()


@dataclass(frozen=True)
class _Cell:
    """A table cell: its text, right-aligned when a number; an id in monospace (``mono``: its parts, with a
    break opportunity after each dot or slash when ``breaks``) and its ``name``; a source ``href``; a
    ``detail`` after a dash."""

    text: str
    num: bool = False
    mono: tuple[str, ...] | None = None
    breaks: bool = False
    name: str | None = None
    href: str | None = None
    detail: str | None = None


def _kg(v: float | None) -> _Num:
    return _Num("–" if v is None or not math.isfinite(v) else f"{v:,.1f}")


def _t(v: float | None) -> _Num:
    return _Num("–" if v is None or not math.isfinite(v) else f"{v / 1000:,.2f}")


def _pct(v: float | None) -> _Num:
    return _Num("–" if v is None or not math.isfinite(v) else f"{100 * v:.1f} %")


def _kg4(v: float | None) -> _Num:
    return _Num("–" if v is None or not math.isfinite(v) else f"{v:,.4f}")


def _rating(v: float | None) -> _Num:
    return _Num("not rated" if v is None else f"{v:.2f}")


def _cell(value: object, fmt: Callable[[float], _Num]) -> _Cell:
    if isinstance(value, _Cell):
        return value
    if isinstance(value, _Num):
        return _Cell(str(value), num=True)
    if value is None:
        return _Cell("–")
    if isinstance(value, bool):
        return _Cell("yes" if value else "no")
    if isinstance(value, int | float):
        return _Cell(fmt(float(value)), num=True)
    if hasattr(value, "dtype") and hasattr(value, "item"):  # numpy scalars
        return _cell(value.item(), fmt)
    return _Cell(str(value))


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    fmt: Callable[[float], _Num] = _kg,
    row_class: Sequence[str | None] | None = None,
    caption: str | None = None,
    cls: str | None = None,
) -> dict[str, Any]:
    """A table for the ``table`` macro: floats formatted with ``fmt``; a column of numbers right-aligned."""
    cells = [[_cell(value, fmt) for value in row] for row in rows]
    numeric = [bool(cells) and all(r[i].num for r in cells if i < len(r)) for i in range(len(header))]
    return {
        "header": list(zip(header, numeric, strict=True)),
        "rows": [{"cls": row_class[k] if row_class is not None else None, "cells": r} for k, r in enumerate(cells)],
        "caption": caption,
        "cls": cls,
    }


def _names(product: Product | None) -> dict[str, str]:
    """Item descriptions by id and material names by ``material:<id>``, from the product when given."""
    if product is None:
        return {}
    out = {i.id: i.name for i in product.items if i.name}
    out.update({f"material:{m.id}": m.name for m in product.materials if m.name})
    return out


def _named(code: str, name: str | None) -> _Cell:
    """A code with its description beside it, for readers who do not know the codes."""
    return replace(_code(code), name=name or None)


def _component_label(path: str, names: Mapping[str, str]) -> _Cell:
    """A component path with the item's description; the root's own row is the product-level work."""
    if "/" not in path:
        return _named(path, "the product as a whole: its own activities, transport and end of life, not a component")
    return _named(path, names.get(path.rsplit("/", 1)[-1]))


def _code(text: str) -> _Cell:
    """An id or path in monospace, with break opportunities after dots and slashes."""
    return _Cell(text, mono=tuple(re.findall(r"[^./]*[./]|[^./]+", text)), breaks=True)


def _mono(text: str) -> _Cell:
    """A hash or version in monospace."""
    return _Cell(text, mono=(text,))


def _chart(fig: Figure, key: str, caption: str) -> dict[str, Any]:
    """A chart for the ``figure`` macro."""
    from markupsafe import Markup

    # the SVG is markup the library wrote from its own figure (its text escaped by matplotlib): safe to insert
    return {"svg": Markup(_inline_svg(fig, key)), "caption": caption}


def _card(label: str, value: str, unit: str, apart: bool = False) -> dict[str, Any]:
    return {"label": label, "value": value, "unit": unit, "apart": apart}


def _source_link(f: EmissionFactor) -> _Cell:
    """A factor's source, linked when its URL is http(s), with the table it comes from."""
    url = f.source_url
    href = url if url and re.match(r"^https?://", url, flags=re.IGNORECASE) else None
    return _Cell(f.source, href=href, detail=f.table or None)


def _factor_rows(
    result: FootprintResult, library: FactorLibrary
) -> tuple[list[tuple[str, EmissionFactor | None, float | None, float | None, str]], set[str]]:
    """(id, factor or None, kg CO2e in A1-C4, kg CO2e in D (None where the factor is not used there), library
    named by the contribution), largest first, and the ids of factors accepted pre-folded."""
    main: dict[str, float] = {}
    mod_d: dict[str, float] = {}
    origin: dict[str, str] = {}
    for c in result.contributions:
        bucket = mod_d if c.module == "D" else main
        bucket[c.factor_id] = bucket.get(c.factor_id, 0.0) + c.kgco2e
        origin.setdefault(c.factor_id, c.library)
    ids = sorted(origin, key=lambda i: (-abs(main.get(i, 0.0)), -abs(mod_d.get(i, 0.0)), i))
    rows = [(i, library.get(i) if i in library else None, main.get(i), mod_d.get(i), origin[i]) for i in ids]
    return rows, set(result.prefolded_factors)


def _quality_section(result: FootprintResult, library: FactorLibrary, product: Product | None) -> dict[str, Any]:
    """The emission-weighted data quality ratings, coverage, primary and proxy shares, A1-A3 and A1-C4, and
    the flags."""
    period = None
    if product is not None and product.reference_period is not None:
        period = (product.reference_period.start, product.reference_period.end)
    gate: DataQuality = data_quality(result, library, modules="cradle-to-gate", period=period)
    grave: DataQuality = data_quality(result, library, modules="cradle-to-grave", period=period)
    rows = [
        ("Technological representativeness", _rating(gate.technological), _rating(grave.technological)),
        ("Geographical representativeness", _rating(gate.geographical), _rating(grave.geographical)),
        ("Temporal representativeness", _rating(gate.temporal), _rating(grave.temporal)),
        ("Coverage (share of kg CO2e with ratings)", _pct(gate.coverage), _pct(grave.coverage)),
        ("Primary data share", _pct(gate.primary_data_share), _pct(grave.primary_data_share)),
        ("Proxy factor share", _pct(gate.proxy_share), _pct(grave.proxy_share)),
    ]
    return {
        "period": period,
        "table": _table(["Indicator", "A1–A3", "A1–C4"], rows),
        "flags": sorted(set(gate.flags) | set(grave.flags)),
    }


def html_report(
    result: FootprintResult,
    library: FactorLibrary,
    *,
    title: str | None = None,
    product: Product | None = None,
    levers: LeverResult | None = None,
) -> str:
    """One self-contained HTML page of a footprint: totals, modules, hotspots, gases, data quality,
    methodology, the source and licence of every factor used, and the hashes that identify the inputs; with
    ``levers`` (an :func:`evaluate_levers` result) also the reduction levers, their waterfall and MACC.

    ``library`` is the library the result was computed with; with ``product`` (the product the result is
    of), its declared footprints are listed as factors too and its reference period is used to flag
    factors outside their validity. Charts are inline SVG; every text from input files is escaped. The page
    is rendered from the template ``footprint/report/templates/report.html.j2``.
    """
    from .. import __version__
    from ._indicator_pages import indicators_section
    from ._templates import render

    if product is not None:
        from .._lifecycle import prepare_product

        library = prepare_product(product, library).library
    nav = [
        ("totals", "Totals"),
        ("modules", "Modules"),
        ("hotspots", "Hotspots"),
        *([("levers", "Reduction levers")] if levers is not None else []),
        ("gases", "Gases"),
        *([("indicators", "Indicators")] if result.indicators else []),
        ("quality", "Data quality"),
        ("methodology", "Methodology"),
        ("factors", "Factor sources"),
        ("provenance", "Provenance"),
    ]
    return render(
        "report.html.j2",
        version=__version__,
        title=title or f"Carbon footprint: {_product_label(result)}",
        nav=nav,
        header=_header_section(result, product),
        totals=_totals_section(result),
        modules=_modules_section(result),
        hotspots=_hotspots_section(result, product),
        levers=_levers_section(levers),
        gases=_gases_section(result),
        indicators=indicators_section(result),
        quality=_quality_section(result, library, product),
        methodology=_methodology_section(result, library),
        factors=_factors_section(result, library),
        provenance=_provenance_section(result, library),
        footer={"input_hash": result.input_hash, "factor_library_version": result.factor_library_version},
    )


def _levers_section(levers: LeverResult | None) -> dict[str, Any] | None:
    """The reduction levers section (None without levers): built in :mod:`._levers_page`."""
    if levers is None:
        return None
    from ._levers_page import levers_section

    return levers_section(levers)


def _pct_of(v: float, total: float) -> _Num:
    """``v`` as a percentage of ``total`` (a dash where the total is zero)."""
    return _pct(v / total if total else math.nan)


def _header_section(result: FootprintResult, product: Product | None) -> dict[str, Any]:
    """The product, its declared unit, GWP set and supplier, and its description."""
    return {
        "product_id": result.product_id,
        "qty": _qty(result),
        "gwp_set": result.gwp_set,
        "supplier": result.supplier,
        "description": product.description if product is not None else None,
    }


def _totals_section(result: FootprintResult) -> dict[str, Any]:
    """The key figures as cards: the totals (module D apart), the mass and the primary data share."""
    per_kg = result.per_kg_product_kgco2e
    cards = [
        _card("Cradle to grave, A1–C4 (total)", f"{result.total_kgco2e:,.1f}", "kg CO2e"),
        _card("Cradle to gate, A1–A3", f"{result.cradle_to_gate_kgco2e:,.1f}", "kg CO2e"),
        _card("Module D, reported apart", f"{result.module_d_kgco2e:,.1f}", "kg CO2e", apart=True),
        _card("Product mass", f"{result.product_mass_kg:,.1f}", "kg"),
        _card("Per kg of product, A1–C4", "–" if per_kg is None else f"{per_kg:,.2f}", "kg CO2e/kg"),
        _card("Primary data share", f"{100 * result.primary_data_share:.1f}", "%"),
    ]
    return {"cards": cards, "qty": _qty(result)}


def _modules_section(result: FootprintResult) -> dict[str, Any]:
    """The EN 15804 modules with their shares, the cradle-to-gate and cradle-to-grave sums, D last and apart."""
    total = result.total_kgco2e
    mod_rows: list[Sequence[object]] = []
    classes: list[str | None] = []
    for m in MODULES:
        if m not in result.by_module:
            continue
        v = result.by_module[m]
        if m == "D":
            mod_rows.append((m, MODULE_NAMES[m] + " (reported apart)", v, _Num("–"), ""))
            classes.append("apart")
        else:
            stage = "cradle to gate" if m in CRADLE_TO_GATE else ""
            mod_rows.append((m, MODULE_NAMES[m], v, _pct_of(v, total), stage))
            classes.append(None)
    summary = [
        ("A1–A3", "Cradle to gate", result.cradle_to_gate_kgco2e, _pct_of(result.cradle_to_gate_kgco2e, total), ""),
        ("A1–C4", "Cradle to grave (total)", total, _pct(1.0 if total else math.nan), ""),
    ]
    i_d = [k for k, r in enumerate(mod_rows) if r[0] == "D"]
    ordered = [r for k, r in enumerate(mod_rows) if k not in i_d] + summary + [mod_rows[k] for k in i_d]
    ordered_cls = [c for k, c in enumerate(classes) if k not in i_d] + ["sum", "sum"] + [classes[k] for k in i_d]
    return {
        "table": _table(["Module", "Name", "kg CO2e", "Share of A1–C4", "Note"], ordered, row_class=ordered_cls),
        "figure": _chart(chart_modules(result), "modules", "kg CO2e by module; D drawn apart, not part of the total."),
    }


def _pareto(data: Mapping[str, float], total: float, label: Any = _code, top: int = 10) -> list[Sequence[object]]:
    """The ``top`` largest entries (by magnitude) with their share and cumulative share of ``total``."""
    ranked = sorted(data.items(), key=lambda kv: -abs(kv[1]))[:top]
    out: list[Sequence[object]] = []
    run = 0.0
    for k, (key, v) in enumerate(ranked, start=1):
        run += v
        out.append((_Num(str(k)), label(key), v, _pct_of(v, total), _pct_of(run, total)))
    return out


def _hotspots_section(result: FootprintResult, product: Product | None) -> dict[str, Any]:
    """The largest components (by path) and materials, with their cumulative share of the total."""
    names = _names(product)
    total = result.total_kgco2e
    return {
        "components": _table(
            ["#", "Component path", "kg CO2e", "Share", "Cumulative"],
            _pareto(result.by_component, total, label=lambda key: _component_label(key, names)),
        ),
        "figure": _chart(
            chart_hotspots(result, "component"),
            "hotspots",
            "The largest components and their cumulative share of the total.",
        ),
        "materials": _table(
            ["#", "Material", "kg CO2e", "Share", "Cumulative"],
            _pareto(result.by_material, total, label=lambda key: _named(key, names.get(f"material:{key}"))),
        ),
    }


def _gases_section(result: FootprintResult) -> dict[str, Any]:
    """The footprint by greenhouse gas (kg CO2e and kg of gas) and by GHG Protocol product stage."""
    total = result.total_kgco2e
    gas_rows = [
        (g, v, result.gas_mass_kg.get(g), _pct_of(v, total))
        for g, v in sorted(result.by_gas.items(), key=lambda kv: -abs(kv[1]))
    ]
    stage_rows = [(s, v, _pct_of(v, total)) for s, v in result.by_ghg_stage.items()]
    return {
        "gases": _table(["Gas", "kg CO2e", "kg of gas", "Share of A1–C4"], gas_rows),
        "stages": _table(["Stage", "kg CO2e", "Share of A1–C4"], stage_rows),
    }


def _methodology_section(result: FootprintResult, library: FactorLibrary) -> dict[str, Any]:
    """The GWP set, the pre-folded factors accepted, the unit conversions and warnings of the calculation,
    and the modules present (the modules and conventions are the template's text)."""
    pre_rows = []
    for fid in result.prefolded_factors:
        f = library.get(fid) if fid in library else None
        pre_rows.append(
            (
                _code(fid),
                f.name if f else "–",
                f.gwp_set if f and f.gwp_set else "unspecified",
                f.source if f else "–",
            )
        )
    all_mods = [(m, MODULE_NAMES[m], "yes" if m in result.by_module else "–") for m in MODULES]
    return {
        "gwp": gwp_set(result.gwp_set),
        "prefolded_count": len(result.prefolded_factors),
        "prefolded": _table(["Factor", "Name", "Folded with", "Source"], pre_rows) if pre_rows else None,
        "conversions": list(result.conversions),
        "warnings": list(result.warnings),
        "modules": _table(["Module", "Name", "In this result"], all_mods),
    }


def _factors_section(result: FootprintResult, library: FactorLibrary) -> dict[str, Any]:
    """Every factor used with its source, edition, region, licence and GWP basis and what it contributes;
    then the count of factors under each licence."""
    factor_rows, prefolded = _factor_rows(result, library)
    src_rows: list[Sequence[object]] = []
    for fid, f, kg_main, kg_d, origin in factor_rows:
        idc = _code(fid)
        if f is None:
            src_rows.append((idc, "–", f"not in the given library ({origin})", "–", "–", "–", "–", kg_main, kg_d))
            continue
        basis = f"pre-folded ({f.gwp_set or 'unspecified'})" if f.is_prefolded else "per gas"
        if fid in prefolded:
            basis += ", accepted"
        src_rows.append((idc, f.name, _source_link(f), f.edition, f.region, f.licence, basis, kg_main, kg_d))
    licences: dict[str, int] = {}
    for _, f, _a, _b, _c in factor_rows:
        key = f.licence if f is not None else "unknown (not in the library)"
        licences[key] = licences.get(key, 0) + 1
    return {
        "count": len(factor_rows),
        "library_name": library.name,
        "library_version": library.version,
        "table": _table(
            ["Factor id", "Name", "Source", "Edition", "Region", "Licence", "GWP basis", "A1–C4 kg CO2e", "D kg CO2e"],
            src_rows,
            cls="factors",
        ),
        "licences": _table(["Licence", "Factors"], [(k, _Num(str(v))) for k, v in sorted(licences.items())]),
    }


def _provenance_section(result: FootprintResult, library: FactorLibrary) -> dict[str, Any]:
    """The hashes and versions that identify the inputs, the library and the software."""
    from .. import __version__

    prov = [
        ("Input hash", _mono(result.input_hash)),
        ("Factor library version", _mono(result.factor_library_version)),
        ("footprint version (calculation)", result.footprint_version),
        ("footprint version (report)", __version__),
    ]
    return {
        "table": _table(["", ""], prov),
        "computed_with": result.factor_library_version,
        "library_version": library.version,
    }


def html_supplier_report(
    sf: SupplierFootprints,
    *,
    targets: Sequence[Target] = (),
    title: str | None = None,
) -> str:
    """One self-contained HTML page of supplier footprints: totals by supplier and period, per-period tables
    (delivered quantities, kg CO2e, primary data, intensities) with a chart, clusters, and for each target
    its progress table and trend chart. Supplier, cluster and product names are escaped. The page is
    rendered from the template ``footprint/report/templates/supplier.html.j2``."""
    from .. import __version__
    from ._templates import render

    bs = sf.by_supplier
    periods = [str(p) for p in bs.index.get_level_values(0).unique()]
    suppliers = sorted({str(s) for s in bs.index.get_level_values(1)})
    clusters = sorted({str(c) for c in sf.by_cluster.index.get_level_values(1)})
    nav = [("overview", "Overview"), *((f"period-{k}", p) for k, p in enumerate(periods))]
    if targets:
        nav.append(("targets", "Targets"))
    nav.append(("method", "Method"))
    return render(
        "supplier.html.j2",
        version=__version__,
        title=title or "Supplier footprints",
        nav=nav,
        lead=f"{len(suppliers)} supplier(s), {len(clusters)} cluster(s), periods {', '.join(periods)}",
        overview=_overview_section(sf),
        periods=[_period_section(sf, k, p) for k, p in enumerate(periods)],
        targets=[_target_block(sf, k, target) for k, target in enumerate(targets)],
    )


def _overview_section(sf: SupplierFootprints) -> dict[str, Any]:
    """t CO2e by supplier and period, then each cluster's gross, intra-cluster and net totals."""
    pivot = sf.by_supplier["total_kgco2e"].unstack(0)
    over_rows = []
    for s in pivot.index:
        over_rows.append(
            (str(s), *(_t(float(pivot.loc[s, p])) if p in pivot.columns else _t(None) for p in pivot.columns))
        )
    cl_rows = []
    for col, label in (("gross_kgco2e", "gross"), ("intra_cluster_kgco2e", "intra-cluster"), ("net_kgco2e", "net")):
        cl = sf.cluster_totals[col].unstack(0)
        cl_rows += [(f"cluster {c}, {label}", *(_t(float(cl.loc[c, p])) for p in cl.columns)) for c in cl.index]
    return _table(
        ["Supplier", *(str(p) for p in pivot.columns)],
        over_rows + cl_rows,
        row_class=[None] * len(over_rows) + ["sum"] * len(cl_rows),
    )


def _period_section(sf: SupplierFootprints, k: int, p: str) -> dict[str, Any]:
    """One period: each supplier's delivered footprint, quantities, primary data and intensities, and a chart."""
    inten = sf.intensity
    extra = [c for c in inten.columns if c.startswith("kgco2e_per_") and c not in ("kgco2e_per_t", "kgco2e_per_piece")]
    sub = _period_table(sf, p).sort_values("total_kgco2e", ascending=False)
    isub = inten[inten.index.get_level_values(0).astype(str) == p].droplevel(0)
    per: dict[str, dict[str, float]] = {
        str(key): {str(c): float(v) for c, v in vals.items()} for key, vals in isub.to_dict("index").items()
    }
    rows: list[Sequence[object]] = []
    for s, r in sub.iterrows():
        i = per.get(str(s), {})
        rows.append(
            (
                str(s),
                _t(float(r["total_kgco2e"])),
                _t(float(r["cradle_to_gate_kgco2e"])),
                _t(float(r["module_d_kgco2e"])),
                _kg(float(r["mass_t"])),
                _kg(float(r["pieces"])),
                _pct(float(r["primary_data_share"])),
                _kg(i.get("kgco2e_per_t")),
                _kg(i.get("kgco2e_per_piece")),
                *(_kg4(i.get(c)) for c in extra),
            )
        )
    header = [
        "Supplier",
        "t CO2e A1–C4",
        "t CO2e A1–A3",
        "t CO2e D (apart)",
        "t delivered",
        "pieces",
        "Primary data",
        "kg CO2e / t",
        "kg CO2e / piece",
        *(c.replace("kgco2e_per_", "kg CO2e / ") for c in extra),
    ]
    return {
        "name": p,
        "table": _table(header, rows),
        "figure": _chart(chart_suppliers(sf, p), f"sup{k}", f"Suppliers' delivered footprints in {p}, by module."),
    }


def _target_block(sf: SupplierFootprints, k: int, target: Target) -> dict[str, Any]:
    """One target: what it asks, its progress period by period, and its trend chart."""
    from .._suppliers import progress

    prog = progress(sf, target)
    what = "absolute emissions" if target.metric == "absolute" else _intensity_label(target.metric, target.currency)
    what += " (A1–A3)" if target.modules == "A1-A3" else ""
    desc = (
        f"{target.scope} ({target.level}): −{100 * target.reduction:.0f} % of {what} by {target.target_period} "
        f"against {target.baseline_period}"
    )
    fmt = _t if target.metric == "absolute" else _kg
    unit = {"absolute": "t CO2e", "per_tonne": "kg CO2e/t", "per_piece": "kg CO2e/piece"}.get(
        target.metric, f"kg CO2e/{target.currency}"
    )
    trows: list[Sequence[object]] = [
        (
            str(p),
            fmt(float(r["value"])),
            fmt(float(r["target_path"])),
            _pct(float(r["reduction_achieved"])),
            bool(r["on_track"]),
        )
        for p, r in prog.iterrows()
    ]
    chart = chart_trend(
        prog,
        f"{target.scope}: progress against −{100 * target.reduction:.0f} % by {target.target_period}",
        metric=target.metric,
        currency=target.currency,
    )
    return {
        "description": desc,
        "table": _table(
            ["Period", f"Value ({unit})", f"Target path ({unit})", "Reduction achieved", "On track"], trows
        ),
        "figure": _chart(chart, f"trend{k}", desc),
    }


# --- Excel --------------------------------------------------------------------------------------------

_KG_FORMAT = "#,##0.00"
_PCT_FORMAT = "0.0%"


def _put(ws: Any, row: int, col: int, value: object, number_format: str | None = None) -> Any:
    """Write one cell: numbers as numbers, text that a spreadsheet would read as a formula as explicit text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = ws.cell(row=row, column=col)
    if hasattr(value, "dtype") and hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
    elif isinstance(value, bool | int | datetime | date):
        cell.value = value
    elif isinstance(value, float):
        cell.value = value if math.isfinite(value) else str(value)
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        if looks_like_formula(text):
            cell.data_type = "s"
            cell.quotePrefix = True
    if number_format and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        cell.number_format = number_format
    return cell


def _sheet(
    wb: Any,
    name: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    formats: Mapping[int, str] | None = None,
    widths: Mapping[int, int] | None = None,
) -> Any:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF5")
    for j, h in enumerate(header, start=1):
        c = _put(ws, 1, j, h)
        c.font = bold
        c.fill = fill
    longest = [len(str(h)) for h in header]
    n = 1
    for i, row in enumerate(rows, start=2):
        n = i
        for j, v in enumerate(row, start=1):
            _put(ws, i, j, v, (formats or {}).get(j - 1))
            if j - 1 < len(longest):
                longest[j - 1] = max(longest[j - 1], min(len(str(v)) if not isinstance(v, float) else 12, 60))
    for j, w in enumerate(longest, start=1):
        ws.column_dimensions[get_column_letter(j)].width = (widths or {}).get(j - 1, max(8, w + 2))
    ws.freeze_panes = "A2"
    if n > 1:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n}"
    return ws


def _summary_rows(result: FootprintResult) -> list[tuple[object, object]]:
    """The Summary sheet's (item, value) rows: the headline figures, then the warnings and accepted pre-folded
    factors, one a row."""
    summary: list[tuple[object, object]] = [
        ("Product id", result.product_id),
        ("Product name", result.product_name),
        ("Supplier", result.supplier),
        ("Family", result.family),
        ("Declared unit", result.declared_unit),
        ("Quantity (declared units)", result.quantity),
        ("GWP set", result.gwp_set),
        ("Total A1-C4 (kg CO2e)", result.total_kgco2e),
        ("Cradle to gate A1-A3 (kg CO2e)", result.cradle_to_gate_kgco2e),
        ("Module D, reported apart (kg CO2e)", result.module_d_kgco2e),
        ("Per declared unit A1-C4 (kg CO2e)", result.per_declared_unit_kgco2e),
        ("Product mass (kg)", result.product_mass_kg),
        ("kg CO2e per kg product", result.per_kg_product_kgco2e),
        ("Primary data share", result.primary_data_share),
        ("Factor library version", result.factor_library_version),
        ("Input hash", result.input_hash),
        ("footprint version", result.footprint_version),
    ]
    summary += [("Warning", w) for w in result.warnings]
    summary += [("Pre-folded factor accepted", f) for f in result.prefolded_factors]
    return summary


def excel_report(
    result: FootprintResult,
    path: str | Path,
    library: FactorLibrary | None = None,
    *,
    levers: LeverResult | None = None,
) -> Path:
    """Write ``result`` as an .xlsx workbook with sheets Summary, Modules, Contributions (the tidy table of
    :meth:`FootprintResult.to_frame`), Gases and Factors (provenance of every factor used, from ``library``
    when given), and with ``levers`` a Levers sheet (one row per scenario, largest saving first). Numbers are
    number cells; text that would read as a formula is stored as text."""
    expect_type(result, FootprintResult, "result")
    openpyxl = _require("openpyxl", "Excel reports")
    path = Path(path)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    total = result.total_kgco2e
    summary = _summary_rows(result)
    ws = _sheet(wb, "Summary", ["Item", "Value"], summary, widths={0: 36, 1: 80})
    for r in range(2, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if label == "Primary data share":
            ws.cell(r, 2).number_format = _PCT_FORMAT
        elif "kg" in str(label):
            ws.cell(r, 2).number_format = _KG_FORMAT

    mod_rows: list[Sequence[object]] = []
    for m in MODULES:
        if m in result.by_module and m != "D":
            v = result.by_module[m]
            mod_rows.append((m, MODULE_NAMES[m], v, v / total if total else None, None))
    mod_rows.append(
        (
            "A1-A3",
            "Cradle to gate",
            result.cradle_to_gate_kgco2e,
            result.cradle_to_gate_kgco2e / total if total else None,
            None,
        )
    )
    mod_rows.append(("A1-C4", "Cradle to grave (total)", total, 1.0 if total else None, None))
    if "D" in result.by_module:
        mod_rows.append(("D", MODULE_NAMES["D"], result.by_module["D"], None, "reported apart, not in the total"))
    _sheet(
        wb,
        "Modules",
        ["Module", "Name", "kg CO2e", "Share of A1-C4", "Note"],
        mod_rows,
        {2: _KG_FORMAT, 3: _PCT_FORMAT},
    )

    frame = result.to_frame()
    cols = list(frame.columns)
    fmt = {cols.index("kgco2e"): _KG_FORMAT}
    _sheet(wb, "Contributions", cols, frame.itertuples(index=False, name=None), fmt)

    gas_rows = [
        (g, v, result.gas_mass_kg.get(g), v / total if total else None)
        for g, v in sorted(result.by_gas.items(), key=lambda kv: -abs(kv[1]))
    ]
    _sheet(
        wb,
        "Gases",
        ["Gas", "kg CO2e", "kg of gas", "Share of A1-C4"],
        gas_rows,
        {1: _KG_FORMAT, 2: "#,##0.000", 3: _PCT_FORMAT},
    )

    lib = library if library is not None else FactorLibrary([], name="none")
    factor_rows, prefolded = _factor_rows(result, lib)
    header = [
        "id", "name", "category", "unit", "kg CO2e A1-C4", "kg CO2e D", "library", "source", "source_url",
        "edition", "table", "region", "licence", "boundary", "gwp_set", "prefolded_accepted",
        "dqr_technological", "dqr_geographical", "dqr_temporal", "proxy", "valid_from", "valid_to", "notes",
    ]  # fmt: skip
    rows: list[Sequence[object]] = []
    for fid, f, kg_main, kg_d, origin in factor_rows:
        if f is None:
            rows.append((fid, None, None, None, kg_main, kg_d, origin, *([None] * 7), None, fid in prefolded))
            continue
        rows.append(
            (
                fid, f.name, f.category, f.unit, kg_main, kg_d, lib.origin(fid), f.source, f.source_url, f.edition,
                f.table, f.region, f.licence, f.boundary, f.gwp_set if f.is_prefolded else "per gas",
                fid in prefolded, f.dqr_technological, f.dqr_geographical, f.dqr_temporal, f.proxy, f.valid_from,
                f.valid_to, f.notes,
            )
        )  # fmt: skip
    _sheet(wb, "Factors", header, rows, {4: _KG_FORMAT, 5: _KG_FORMAT})
    if levers is not None:
        from ._levers_page import levers_rows

        lv_header, lv_rows = levers_rows(levers)
        _sheet(wb, "Levers", lv_header, lv_rows, {2: _KG_FORMAT, 3: _KG_FORMAT, 4: _PCT_FORMAT, 5: _KG_FORMAT,
                                                    6: _KG_FORMAT, 7: "0.000", 8: "#,##0"})  # fmt: skip
    from ._indicator_pages import indicator_sheet

    indicator_sheet(wb, result)
    with atomic_outputs() as out:
        wb.save(out.stage(path))
    return path
