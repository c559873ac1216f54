"""Reports: charts, the HTML and Excel reports of a footprint and of supplier footprints, and the notebook
views of results.

``_pages`` builds the charts and reports; ``_display`` the short ``repr`` and ``_repr_html_`` of results;
``_formula`` keeps text a spreadsheet would run as a formula inert. The names are re-exported by
:mod:`footprint`.
"""

from __future__ import annotations

from ._pages import (
    chart_hotspots,
    chart_modules,
    chart_suppliers,
    chart_trend,
    chart_uncertainty,
    excel_report,
    html_report,
    html_supplier_report,
    save_chart,
)

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
