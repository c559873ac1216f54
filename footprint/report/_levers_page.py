"""Charts, an HTML section and an Excel sheet of reduction levers: the waterfall from the baseline through
each lever to their combination, and the marginal abatement cost curve (MACC).

The waterfall shows each lever alone as a step down from the baseline, then the interaction of the levers
(the difference between the sum of their savings and the saving of the combination, computed, never
assumed), then the combined scenario: baseline - sum of savings + interaction = combined scenario, exactly.
The MACC orders the costed levers by cost per t CO2e, each as a bar as wide as its saving.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._errors import InputError, Problem
from .._levers import LeverResult
from ._pages import _BAR, _TEXT, Unit, _chart, _figure, _scale, _short, _style, _table, _thousands, _titles

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["chart_macc", "chart_waterfall"]

_SAVE = "#1b7a5a"  # savings
_UP = "#c0392b"  # interaction that gives back part of the savings
_GREY = "#7a7a7a"


def _singles(res: LeverResult) -> list[dict[str, Any]]:
    return [r for r in res.ranked("saving") if len(r["levers"]) == 1]


def _combined(res: LeverResult) -> dict[str, Any] | None:
    """The scenario that applies every lever (the longest combination), if one was evaluated."""
    combos = [r for r in res.rows if len(r["levers"]) > 1]
    return max(combos, key=lambda r: len(r["levers"])) if combos else None


def _waterfall_steps(res: LeverResult) -> list[tuple[str, float, float, str]]:
    """(label, bottom, height, colour) of each bar, in kg CO2e: the baseline, each lever of the combination
    (or every lever) down, the interaction, and the combined scenario."""
    combo = _combined(res)
    singles = [r for r in _singles(res) if combo is None or r["name"] in combo["levers"]]
    steps = [("baseline", 0.0, res.baseline_kgco2e, _GREY)]
    level = res.baseline_kgco2e
    for r in singles:
        s = float(r["saving_kgco2e"])
        steps.append((r["name"], level - s if s >= 0 else level, abs(s), _SAVE if s >= 0 else _UP))
        level -= s
    if combo is not None:
        inter = float(combo["scenario_kgco2e"]) - level  # > 0: the levers save less together than their sum
        if inter:
            steps.append(("interaction", min(level, level + inter), abs(inter), _UP if inter > 0 else _SAVE))
        steps.append(("all together", 0.0, float(combo["scenario_kgco2e"]), _BAR))
    return steps


def chart_waterfall(res: LeverResult, *, unit: Unit = "auto", title: str | None = None) -> Figure:
    """Waterfall of a lever evaluation: the baseline, each lever's saving alone (largest first), the
    interaction of the levers applied together and the combined scenario (when a combination of them was
    evaluated). The bars are ``fig.axes[0].containers[0]``, in that order."""
    steps = _waterfall_steps(res)
    div, ulabel = _scale([res.baseline_kgco2e], unit)
    fig = _figure(4.2)
    ax = fig.add_subplot()
    _style(ax, "y")
    xs = range(len(steps))
    ax.bar(xs, [h / div for _, _, h, _ in steps], bottom=[b / div for _, b, _, _ in steps], width=0.62,
           color=[c for *_, c in steps])  # fmt: skip
    for x, (label, bottom, height, colour) in zip(xs, steps, strict=True):
        sign = "" if label in ("baseline", "all together") else ("−" if colour == _SAVE else "+")
        ax.annotate(f"{sign}{_short(height / div)}", (x, (bottom + height) / div), ha="center", va="bottom",
                    fontsize=8, color=_TEXT, xytext=(0, 2), textcoords="offset points")  # fmt: skip
    ax.set_xticks(list(xs), [label for label, *_ in steps], rotation=30, ha="right", fontsize=8.5)
    ax.set_ylabel(ulabel, fontsize=9.5, color=_TEXT)
    _thousands(ax.yaxis)
    subtitle = f"A1–C4, {res.basis}, {res.gwp_set} · each lever alone; the combination computed, not summed"
    _titles(fig, title or f"Reduction levers: {res.product}", subtitle)
    return fig


def _macc_rows(res: LeverResult, currency: str | None) -> tuple[list[dict[str, Any]], str]:
    """The single levers with a positive saving and a cost per t CO2e in one currency, cheapest first."""
    costed = [r for r in _singles(res) if r["cost_per_tco2e"] is not None]
    currencies = sorted({r["cost"]["currency"] for r in costed})
    if currency is None and len(currencies) > 1:
        raise InputError([Problem("levers are costed in several currencies", field="currency",
                                  expected=f"one of: {', '.join(currencies)}")], what="chart_macc")  # fmt: skip
    cur = currency or (currencies[0] if currencies else "")
    rows = sorted((r for r in costed if r["cost"]["currency"] == cur), key=lambda r: r["cost_per_tco2e"])
    if not rows:
        raise InputError([Problem("no lever with a cost and a positive saving", field="cost", value=currency,
                                  expected="levers with a cost (in that currency) that save")], what="chart_macc")  # fmt: skip
    return rows, cur


def chart_macc(res: LeverResult, *, currency: str | None = None, title: str | None = None) -> Figure:
    """Marginal abatement cost curve: the costed levers that save, cheapest per t CO2e first, each a bar as
    wide as its saving (t CO2e over the result's basis) and as high as its cost per t CO2e, in ``currency``
    (needed when the levers are costed in several). Bars: ``fig.axes[0].containers[0]``."""
    rows, cur = _macc_rows(res, currency)
    widths = [float(r["saving_kgco2e"]) / 1000.0 for r in rows]
    lefts = [sum(widths[:k]) for k in range(len(widths))]
    heights = [float(r["cost_per_tco2e"]) for r in rows]
    fig = _figure(4.2)
    ax = fig.add_subplot()
    _style(ax, "y")
    colours = [_SAVE if h < 0 else _BAR for h in heights]
    bars = ax.bar(lefts, heights, width=widths, align="edge", color=colours, edgecolor="white", linewidth=0.8)
    for k, (left, w, h) in enumerate(zip(lefts, widths, heights, strict=True), start=1):
        ax.annotate(str(k), (left + w / 2, h), ha="center", va="bottom" if h >= 0 else "top", fontsize=7.5,
                    color=_TEXT, xytext=(0, 2 if h >= 0 else -2), textcoords="offset points")  # fmt: skip
    labels = [f"{k}  {r['name']}: {_short(h)} {cur}/t" for k, (r, h) in enumerate(zip(rows, heights, strict=True), 1)]
    ax.legend(bars.patches, labels, loc="upper left", fontsize=7.5, frameon=False, handlelength=0.8)
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(f"t CO₂e saved ({res.basis})", fontsize=9.5, color=_TEXT)
    ax.set_ylabel(f"{cur} per t CO₂e", fontsize=9.5, color=_TEXT)
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    total = sum(widths)
    subtitle = (
        f"{len(rows)} costed lever(s) saving {_short(total)} t CO₂e in all, {res.gwp_set} · below zero: saves money"
    )
    _titles(fig, title or f"Marginal abatement cost curve: {res.product}", subtitle)
    return fig


def levers_section(res: LeverResult) -> dict[str, Any]:
    """The levers section of the HTML report: the ranked table, the waterfall and (with costs) the MACC."""
    header = ["Lever", "Kind", "Saving kg CO₂e", "Share", "90 % interval", "P(saving > 0)", "Cost per t CO₂e"]
    rows: list[Sequence[object]] = []
    for r in res.ranked("saving"):
        cost = r["cost_per_tco2e"]
        rows.append((r["name"], r["kind"], float(r["saving_kgco2e"]),
                     f"{100 * r['saving_share']:.1f} %" if r["saving_share"] is not None else "–",
                     f"{r['saving_p5']:,.1f} to {r['saving_p95']:,.1f}", f"{r['p_saving_positive']:.3f}",
                     "–" if cost is None else f"{cost:,.0f} {r['cost']['currency']}"))  # fmt: skip
    out: dict[str, Any] = {
        "basis": res.basis, "baseline": f"{res.baseline_kgco2e:,.1f}", "iterations": res.iterations,
        "table": _table(header, rows),
        "waterfall": _chart(chart_waterfall(res), "levers-waterfall", "Baseline, each lever alone, the "
                            "interaction and the combined scenario (kg or t CO₂e)."),
    }  # fmt: skip
    try:
        out["macc"] = _chart(chart_macc(res), "levers-macc", "Costed levers, cheapest tonne first.")
    except InputError:  # no costed lever, or costs in several currencies: no curve
        out["macc"] = None
    return out


def levers_rows(res: LeverResult) -> tuple[list[str], list[tuple[object, ...]]]:
    """Header and rows of the Levers sheet of the Excel report."""
    header = ["lever", "kind", "scenario kg CO2e", "saving kg CO2e", "saving share", "saving p5", "saving p95",
              "P(saving > 0)", "cost per t CO2e", "currency", "evidence"]  # fmt: skip
    rows: list[tuple[object, ...]] = [
        (r["name"], r["kind"], r["scenario_kgco2e"], r["saving_kgco2e"], r["saving_share"], r["saving_p5"],
         r["saving_p95"], r["p_saving_positive"], r["cost_per_tco2e"], (r["cost"] or {}).get("currency"),
         r["evidence"])
        for r in res.ranked("saving")
    ]  # fmt: skip
    return header, rows
