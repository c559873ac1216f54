"""Reports of the subsea gate valve: an HTML page, an Excel workbook and the charts as PNG and SVG.

    pip install 'footprint[report]'
    python examples/report.py [FOLDER]

Writes into FOLDER (created if needed), or into footprint-report in the system's temporary folder (overwritten
on each run), and prints where each file went.
The HTML page is self-contained (charts inline, no external files): open it in a browser or mail it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import footprint as fp

here = Path(__file__).parent
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "footprint-report"
out.mkdir(parents=True, exist_ok=True)

lib = fp.default_library()
product = fp.load_product(here / "subsea_gate_valve.yaml")
result = fp.calculate(product, lib)

# 1. One HTML page: totals, modules, hotspots, gases, data quality, methodology, factor sources and licences.
#    With product=..., the supplier's declared footprint of the actuator is listed among the factors.
page = out / "valve-report.html"
page.write_text(fp.html_report(result, lib, product=product), encoding="utf-8")

# 2. The workbook: Summary, Modules, Contributions (one row per item, activity and factor), Gases, Factors.
workbook = fp.excel_report(result, out / "valve-report.xlsx", lib)

# 3. The charts, each as PNG (for slides) and SVG (for print).
charts = {
    "valve-modules": fp.chart_modules(result),
    "valve-hotspots": fp.chart_hotspots(result, "component", top=10),
    "valve-materials": fp.chart_hotspots(result, "material"),
}
written = [page, workbook]
for name, fig in charts.items():
    written += [fp.save_chart(fig, out / f"{name}.png"), fp.save_chart(fig, out / f"{name}.svg")]

print(f"{result.product_name}: {result.total_kgco2e:,.0f} kg CO2e A1-C4, D {result.module_d_kgco2e:,.0f} apart")
print(f"written to {out.resolve()}:")
for path in written:
    print(f"  {path.name:24} {path.stat().st_size:>9,} bytes")
