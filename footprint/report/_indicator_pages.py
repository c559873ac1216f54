"""The indicators of a result in the reports: the EN 15804+A2 table and one chart per indicator (HTML), and
an Indicators sheet (Excel). Only for results calculated with ``indicators=``.

A module with no covered row is drawn as no bar and labelled ``NC`` (not covered), never as a bar of 0; a
module partly covered is labelled with ``*``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._en15804 import EPD_MODULES, en15804_table
from .._modules import MODULE_NAMES, MODULES
from .._result import FootprintResult, IndicatorResult
from ._pages import (
    _BAR,
    _MUTED,
    _TEXT,
    MODULE_COLOURS,
    _Cell,
    _chart,
    _figure,
    _product_label,
    _qty,
    _sheet,
    _short,
    _style,
    _table,
    _titles,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["chart_indicator", "indicator_sheet", "indicators_section"]

_LEGEND = "NC: no row of the module covers the indicator; MND: module not declared; *: some rows not covered."


def chart_indicator(result: FootprintResult, indicator_id: str, *, title: str | None = None) -> Figure:
    """One indicator of ``result`` by EN 15804 module, a horizontal bar per module present; a module that no
    row covers has no bar and reads ``NC``, a partly covered one ends in ``*``. The bars are in
    ``fig.axes[0].containers[0]``, one per covered module."""
    ind: IndicatorResult = result.indicators[indicator_id]
    mods = [m for m in MODULES if m in ind.by_module]
    fig = _figure(1.6 + 0.34 * max(len(mods), 1))
    ax = fig.add_subplot()
    _style(ax, "x")
    covered = [(k, m, v) for k, m in enumerate(mods) if (v := ind.by_module[m]) is not None]
    bars = ax.barh([k for k, _, _ in covered], [v for _, _, v in covered], height=0.66,
                   color=[MODULE_COLOURS.get(m, _BAR) for _, m, _ in covered])  # fmt: skip
    ax.bar_label(bars, labels=[_short(v) + ("*" if m in ind.not_covered_rows else "") for _, m, v in covered],
                 padding=4, fontsize=8.5, color=_TEXT)  # fmt: skip
    for k, m in enumerate(mods):
        if ind.by_module[m] is None:
            ax.annotate("NC", (0, k), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8.5,
                        color=_MUTED)  # fmt: skip
    ax.set_yticks(range(len(mods)), [f"{m}  {MODULE_NAMES[m]}" for m in mods], fontsize=9)
    ax.set_ylim(len(mods) - 0.5, -0.5)  # every module, top down, NC ones included
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(ind.unit, fontsize=9.5, color=_TEXT)
    ax.margins(x=0.22)
    total = "not covered" if ind.total is None else f"{_short(ind.total)} {ind.unit}"
    subtitle = f"A1–C4 {total} · {_qty(result)} · {ind.source or ind.method}"
    _titles(fig, title or f"{_product_label(result)}: {ind.name} ({ind.id})", subtitle)
    return fig


def indicators_section(result: FootprintResult) -> dict[str, Any] | None:
    """The HTML section: the EN 15804+A2 table (A1-A3 together) and a chart per indicator; None without
    indicators."""
    if not result.indicators:
        return None
    table = en15804_table(result)
    cols = [c for c in EPD_MODULES if (table[c] != "MND").any()]
    rows = [
        [_Cell(str(r["indicator"]), mono=(str(r["indicator"]),), name=str(r["name"])), str(r["unit"]),
         *(_Cell(str(r[c]), num=True) for c in cols)]
        for _, r in table.iterrows()
    ]  # fmt: skip
    sources = sorted({f"{i.source} ({i.licence})" for i in result.indicators.values() if i.kind == "substances"})
    figures = [
        _chart(chart_indicator(result, i), f"ind{k}", f"{result.indicators[i].name}, {result.indicators[i].unit}")
        for k, i in enumerate(result.indicators)
    ]
    return {"table": _table(["Indicator", "Unit", *cols], rows), "legend": _LEGEND, "sources": sources,
            "figures": figures}  # fmt: skip


def indicator_sheet(wb: Any, result: FootprintResult) -> None:
    """The Indicators sheet: one row per indicator, a number per EN 15804 column (``NC``/``MND`` as text),
    the modules partly covered, and where the characterisation comes from."""
    if not result.indicators:
        return
    numbers = en15804_table(result, text=False)
    texts = en15804_table(result)
    rows = []
    for (_, num), (_, txt), ind in zip(numbers.iterrows(), texts.iterrows(), result.indicators.values(), strict=True):
        cells = [num[c] if txt[c] not in ("NC", "MND") else txt[c] for c in EPD_MODULES]
        partly = ", ".join(c for c in EPD_MODULES if str(txt[c]).endswith("*"))
        rows.append([ind.id, ind.name, ind.unit, *cells, partly, ind.method, ind.source, ind.licence, ind.version])
    header = ["indicator", "name", "unit", *EPD_MODULES, "partly covered", "method", "source", "licence", "version"]
    _sheet(wb, "Indicators", header, rows, dict.fromkeys(range(3, 3 + len(EPD_MODULES)), "0.000E+00"))
