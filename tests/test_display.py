"""Notebook views: short one-line reprs, HTML with the key figures, the module table and an SVG chart, and every
text from data escaped (a product named ``<script>`` is shown as text, never run)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import footprint as fp
from footprint.report._display import bar_svg

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'
CATALOGUE = [ROOT / "examples" / "catalogue" / f"{t}.csv" for t in ("products", "bom", "activities")]


@pytest.fixture(scope="module")
def library() -> fp.FactorLibrary:
    """The bundled library."""
    return fp.default_library()


@pytest.fixture(scope="module")
def valve(library: fp.FactorLibrary) -> fp.FootprintResult:
    """The example subsea gate valve under AR6."""
    return fp.calculate(fp.load_product(ROOT / "examples" / "subsea_gate_valve.yaml"), library, prefolded="report")


@pytest.fixture(scope="module")
def catalogue(library: fp.FactorLibrary) -> fp.CatalogueResult:
    """The example catalogue of six products."""
    return fp.calculate_catalogue(fp.prepare_catalogue(*CATALOGUE, library), prefolded="report")


def assert_escaped(page: str) -> None:
    """No tag from the hostile text survives; its escaped form is there."""
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;" in page


def rects(svg: str) -> list[tuple[float, float]]:
    """(x, width) of each bar of an SVG chart."""
    return [(float(x), float(w)) for x, w in re.findall(r'<rect x="([-\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)]


def test_result_repr_is_one_short_line(valve: fp.FootprintResult) -> None:
    """The repr names the product and its total, A1-A3 and D on one line under 200 characters (it was the
    whole pydantic dump, thousands of characters)."""
    text = repr(valve)
    assert "\n" not in text
    assert len(text) < 200
    assert valve.product_id in text
    assert f"{valve.total_kgco2e:,.1f}" in text
    assert f"{valve.module_d_kgco2e:,.1f}" in text
    long = valve.model_copy(update={"product_id": "x" * 500, "gwp_set": "y" * 500})
    assert len(repr(long)) < 200


def test_result_html_has_figures_module_table_and_chart(valve: fp.FootprintResult) -> None:
    """Total, cradle to gate and D are shown; every module has a table row with its value; the chart has one
    bar per module, D's (a credit, negative) drawn left of the zero line."""
    page = valve._repr_html_()
    for value in (valve.total_kgco2e, valve.cradle_to_gate_kgco2e, valve.module_d_kgco2e):
        assert f"{value:,.1f}" in page
    for module, value in valve.by_module.items():
        assert (
            f'<td>{module}</td><td>{fp.MODULE_NAMES[module]}</td><td style="text-align:right">{value:,.1f}</td>' in page
        )
    svg = page[page.index("<svg") :]
    bars = rects(svg)
    assert len(bars) == len(valve.by_module)
    zero = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    d_x, d_w = bars[list(valve.by_module).index("D")]
    assert valve.module_d_kgco2e < 0
    assert d_x + d_w == pytest.approx(zero, abs=0.11)


def test_bars_are_proportional_to_their_values() -> None:
    """A bar of 10 is twice as long as a bar of 5, and starts where the bar of 5 starts (at zero); a value
    that is not finite draws no bar."""
    (x10, w10), (x5, w5) = rects(bar_svg([("ten", 10.0), ("five", 5.0), ("none", float("nan"))]))
    assert w10 == pytest.approx(2 * w5, rel=1e-3)
    assert x10 == x5


def test_hostile_names_are_escaped(valve: fp.FootprintResult, catalogue: fp.CatalogueResult) -> None:
    """A product name and id, a supplier and a product of a catalogue, labels of a chart: all shown as text."""
    assert_escaped(valve.model_copy(update={"product_name": HOSTILE, "product_id": HOSTILE})._repr_html_())
    assert_escaped(bar_svg([(HOSTILE, 1.0)], unit=HOSTILE))
    hostile = dataclasses.replace(
        catalogue,
        by_product=catalogue.by_product.rename(index={catalogue.by_product.index[0]: HOSTILE}),
        by_supplier=catalogue.by_supplier.rename(index={catalogue.by_supplier.index[0]: HOSTILE}),
        gwp_set=HOSTILE,
    )
    assert_escaped(hostile._repr_html_())


def test_catalogue_views(catalogue: fp.CatalogueResult) -> None:
    """The repr counts products and suppliers and gives the cluster total; the HTML lists every product's total
    and draws one bar per supplier."""
    text = repr(catalogue)
    assert "\n" not in text
    assert len(text) < 200
    assert f"products={len(catalogue.by_product)}" in text
    assert f"{catalogue.cluster['total_kgco2e'].iloc[0]:,.1f}" in text
    page = catalogue._repr_html_()
    for product, total in catalogue.by_product["total_kgco2e"].items():
        assert f"<td>{product}</td>" in page
        assert f"{total:,.1f}" in page
    assert len(rects(page)) == len(catalogue.by_supplier)


def test_library_views(library: fp.FactorLibrary) -> None:
    """The library's HTML gives its size and one bar per category with its number of factors."""
    page = library._repr_html_()
    assert str(len(library)) in page
    categories = {f.category for f in library}
    assert len(rects(page)) == len(categories)
    hostile = fp.FactorLibrary(list(library)[:1], name=HOSTILE)
    assert_escaped(hostile._repr_html_())


def test_supplier_and_monte_carlo_views(library: fp.FactorLibrary) -> None:
    """Supplier footprints show each period's net cluster total; a Monte Carlo run its median and interval."""
    chain = [fp.load_product(ROOT / "examples" / "cluster" / f"{n}.yaml") for n in ("act-10", "gv-5", "man-4")]
    table = fp.footprint_table(fp.calculate_chain(chain, library, prefolded="report"))
    sf = fp.supplier_footprints(
        table, ROOT / "examples" / "cluster" / "deliveries.csv", periods=["2023", "2024", "2025"]
    )
    text = repr(sf)
    assert text == f"SupplierFootprints(periods=3, suppliers=3, clusters=1, deliveries={len(sf.lines)})"
    page = sf._repr_html_()
    for net in sf.cluster_totals["net_kgco2e"]:
        assert f"{net:,.1f}" in page
    hostile = dataclasses.replace(sf, cluster_totals=sf.cluster_totals.rename(index={"cluster": HOSTILE}))
    assert_escaped(hostile._repr_html_())

    mc = fp.monte_carlo(chain[0], library, iterations=50, seed=1, prefolded="report")
    text = repr(mc)
    assert "\n" not in text
    assert len(text) < 200
    assert f"{mc.summary['median'].iloc[0]:,.1f}" in text
    page = mc._repr_html_()
    assert f"{mc.summary['p97_5'].iloc[0]:,.1f}" in page
    assert "<svg" in page


def test_example_notebook_runs_and_shows_the_valve(
    valve: fp.FootprintResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/valve.ipynb runs top to bottom in a kernel of this interpreter; its outputs show the valve's
    total (as computed here) in an HTML table and an SVG chart."""
    import json
    import sys

    import nbformat
    from nbclient import NotebookClient

    kernel = tmp_path / "kernels" / "footprint-test"
    kernel.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"], "language": "python"}
    (kernel / "kernel.json").write_text(json.dumps({**spec, "display_name": "footprint tests"}), encoding="utf-8")
    nb = nbformat.read(ROOT / "examples" / "valve.ipynb", as_version=4)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))  # the kernel spec above, so the kernel is this interpreter
    client = NotebookClient(
        nb, kernel_name="footprint-test", timeout=120, resources={"metadata": {"path": str(ROOT / "examples")}}
    )
    client.execute()
    html = [
        out["data"]["text/html"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "data" in out and "text/html" in out["data"]
    ]
    first = html[0]
    assert f"{valve.total_kgco2e:,.1f}" in first
    assert "<table>" in first
    assert "<svg" in first
    errors = [
        out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs if out.output_type == "error"
    ]
    assert errors == []
