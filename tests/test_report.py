"""Charts, HTML and Excel reports: bars that match the numbers, valid PNG/SVG, self-contained and escaped
HTML, workbooks whose numbers are numbers and whose user text never becomes a formula."""

from __future__ import annotations

import html
import math
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

import footprint as fp

if TYPE_CHECKING:
    from matplotlib.figure import Figure

pytest.importorskip("matplotlib")
openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

EVIL_NAME = "<script>alert(1)</script>"
EVIL_ITEM = 'bolt"&<>'
FORMULA_NAME = '=HYPERLINK("http://example.com/x","click")'
FORMULA_ITEM = "+cmd|' /C calc'!A0"

PROV = {"edition": "1", "region": "GLO", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(
            id="steel",
            name="Steel <b>bold</b>",
            category="material",
            unit="kg",
            gases={"CO2": 2.0},
            source="Mill & Sons <i>",
            source_url="javascript:alert(1)",
            licence="CC0-1.0 <x>",
            notes="<img src=x onerror=alert(1)>",
            **PROV,
        ),
        fp.EmissionFactor(
            id="grid",
            name="Grid",
            category="electricity",
            unit="kWh",
            gases={"CO2": 0.1},
            source="Grid operator",
            source_url="https://example.org/grid",
            licence="CC-BY-4.0",
            **PROV,
        ),
    ],
    name="test",
)


def small_product(name: str = EVIL_NAME, item: str = EVIL_ITEM, label: str = "Assembly") -> fp.Product:
    """An assembly of two parts of steel (5 kg each, 2.0 kg CO2e/kg) and 10 kWh of grid power (0.1 kg CO2e/kWh):
    21 kg CO2e, with the given product name, part id and activity label."""
    return fp.Product.model_validate(
        {
            "id": "P-1",
            "name": name,
            "description": "desc <iframe src=x>",
            "items": [
                {
                    "id": "assembly",
                    "name": "Assembly & <em>co</em>",
                    "children": [{"item": item, "quantity": 2}],
                    "activities": [{"name": label, "factor": "grid", "quantity": "10 kWh"}],
                },
                {"id": item, "kind": "part", "material": "steel", "net_mass": "5 kg"},
            ],
            "materials": [{"id": "steel", "name": "Steel <grade>", "factor": "steel"}],
        }
    )


@pytest.fixture(scope="module")
def library() -> fp.FactorLibrary:
    """The bundled library, loaded once."""
    return fp.default_library()


@pytest.fixture(scope="module")
def valve_product() -> fp.Product:
    """The subsea gate valve example."""
    return fp.load_product(ROOT / "examples" / "subsea_gate_valve.yaml")


@pytest.fixture(scope="module")
def valve(valve_product: fp.Product, library: fp.FactorLibrary) -> fp.FootprintResult:
    """The subsea gate valve's footprint, pre-folded factors reported."""
    return fp.calculate(valve_product, library, prefolded="report")


@pytest.fixture(scope="module")
def valve_html(valve: fp.FootprintResult, library: fp.FactorLibrary, valve_product: fp.Product) -> str:
    """The valve's HTML report, made once."""
    return fp.html_report(valve, library, product=valve_product)


SUPPLIERS = ("Valve & Co <AS>", 'Actuator "Norge" AS')


@pytest.fixture(scope="module")
def cluster() -> fp.SupplierFootprints:
    """Two suppliers, one product each, delivering in 2023, 2024 and 2025 (fewer valves every year)."""
    steel_part = {"id": "body", "kind": "part", "material": "steel", "net_mass": "100 kg"}
    products = [
        fp.Product.model_validate(
            {
                "id": pid,
                "supplier": sup,
                "items": [
                    {
                        "id": "top",
                        "children": [{"item": "body"}],
                        "activities": [{"factor": "grid", "quantity": "50 kWh"}],
                    },
                    steel_part,
                ],
                "materials": [{"id": "steel", "factor": "steel"}],
            }
        )
        for pid, sup in (("GV", SUPPLIERS[0]), ("ACT", SUPPLIERS[1]))
    ]
    table = fp.footprint_table(fp.calculate_chain(products, LIB))
    deliveries = pd.DataFrame(
        {
            "product": ["GV", "ACT", "GV", "ACT", "GV", "ACT"],
            "period": ["2023", "2023", "2024", "2024", "2025", "2025"],
            "quantity": [10, 4, 9, 4, 6, 5],
        }
    )
    sups = [fp.Supplier(id=s, cluster="South <cluster>") for s in SUPPLIERS]
    return fp.supplier_footprints(table, deliveries, periods=["2023", "2024", "2025"], suppliers=sups)


class TagBalance(HTMLParser):
    """Collects an HTML page's tags and fails on an end tag that does not close the open element."""

    VOID = frozenset({"meta", "br", "wbr", "img", "hr", "link", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def parse_html(page: str) -> TagBalance:
    """Parse ``page`` with html.parser and as XML; both must succeed with every element closed."""
    checker = TagBalance()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    ET.fromstring(page.split("\n", 1)[1])  # well-formed XML after the doctype line
    return checker


# --- optional dependencies ----------------------------------------------------------------------------


def test_import_footprint_does_not_import_matplotlib_or_openpyxl() -> None:
    """``import footprint`` loads neither matplotlib nor openpyxl; the report functions import them when called."""
    code = "import sys, footprint; print('matplotlib' in sys.modules, 'openpyxl' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert proc.stdout.split() == ["False", "False"]


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch, valve: fp.FootprintResult) -> None:
    """Without matplotlib a chart raises MissingDependencyError (a FootprintError and an ImportError) that says
    to install footprint[report]."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(fp.MissingDependencyError, match=r"pip install 'footprint\[report\]'") as info:
        fp.chart_modules(valve)
    assert isinstance(info.value, fp.FootprintError)
    assert isinstance(info.value, ImportError)


def test_missing_openpyxl_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, valve: fp.FootprintResult, tmp_path: Path
) -> None:
    """Without openpyxl the Excel report raises MissingDependencyError and writes nothing."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(fp.MissingDependencyError, match=r"footprint\[report\]"):
        fp.excel_report(valve, tmp_path / "r.xlsx")
    assert not (tmp_path / "r.xlsx").exists()


# --- charts -------------------------------------------------------------------------------------------


def test_chart_modules_one_bar_per_module_and_d_apart(valve: fp.FootprintResult) -> None:
    """In kg, the A1-C4 bars are the modules present, in EN 15804 order, with the result's numbers as widths;
    module D is one more bar, hatched, whose axis label says it is reported apart."""
    fig = fp.chart_modules(valve, unit="kg")
    ax = fig.axes[0]
    mods = [m for m in fp.MODULES if m in valve.by_module and m != "D"]
    main, apart = ax.containers
    assert len(main) == len(mods)
    assert [b.get_width() for b in main] == pytest.approx([valve.by_module[m] for m in mods], rel=1e-12)
    assert len(apart) == 1
    assert apart[0].get_width() == pytest.approx(valve.module_d_kgco2e, rel=1e-12)
    assert apart[0].get_hatch()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[: len(mods)] == [f"{m}  {fp.MODULE_NAMES[m]}" for m in mods]
    assert "reported apart" in labels[-1]
    assert ax.get_xlabel() == "kg CO₂e"


def test_chart_modules_switches_to_tonnes(valve: fp.FootprintResult) -> None:
    """With the largest module above 10 t, ``unit="auto"`` draws tonnes: widths are the kg values / 1000."""
    fig = fp.chart_modules(valve)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "t CO₂e"
    assert ax.containers[0][0].get_width() == pytest.approx(valve.by_module["A1"] / 1000, rel=1e-12)


def test_chart_modules_without_d() -> None:
    """A product without end-of-life credits gets only the A1-C4 bars (one container): A1 steel 2 x 5 kg x 2.0 =
    20 kg CO2e and A3 power 10 kWh x 0.1 = 1 kg CO2e."""
    r = fp.calculate(small_product(), LIB)
    fig = fp.chart_modules(r)
    assert len(fig.axes[0].containers) == 1
    assert [b.get_width() for b in fig.axes[0].containers[0]] == pytest.approx([20.0, 1.0])


@pytest.mark.parametrize("by", ["component", "material"])
def test_chart_hotspots_is_a_pareto(valve: fp.FootprintResult, by: str) -> None:
    """The bars are the ``top`` largest contributors, largest first, with the result's numbers; the line on the
    right axes is their cumulative share of the A1-C4 total in per cent."""
    data = valve.by_component if by == "component" else valve.by_material
    top = 5
    fig = fp.chart_hotspots(valve, by, top=top, unit="kg")  # type: ignore[arg-type]
    bars = fig.axes[0].containers[0]
    expected = sorted(data.values(), key=abs, reverse=True)[:top]
    assert len(bars) == min(top, len(data))
    assert [b.get_width() for b in bars] == pytest.approx(expected, rel=1e-12)
    line = fig.axes[1].lines[0]
    running = [sum(expected[: k + 1]) / valve.total_kgco2e * 100 for k in range(len(expected))]
    assert list(line.get_xdata()) == pytest.approx(running, rel=1e-12)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    largest = max(data, key=lambda k: abs(data[k]))
    assert labels[0] == largest


def test_chart_hotspots_rejects_an_unknown_breakdown(valve: fp.FootprintResult) -> None:
    """``by`` other than component or material, or ``top`` below 1, is an InputError."""
    with pytest.raises(fp.InputError, match="unknown breakdown"):
        fp.chart_hotspots(valve, "gas")  # type: ignore[arg-type]
    with pytest.raises(fp.InputError, match="top"):
        fp.chart_hotspots(valve, top=0)


def test_chart_suppliers_totals(cluster: fp.SupplierFootprints) -> None:
    """``by="total"``: one bar per supplier, largest first, with its delivered kg CO2e."""
    sub = cluster.by_supplier.xs("2023", level="period")["total_kgco2e"].sort_values(ascending=False)
    fig = fp.chart_suppliers(cluster, "2023", by="total", unit="kg")
    bars = fig.axes[0].containers[0]
    assert len(bars) == len(sub) == 2
    assert [b.get_width() for b in bars] == pytest.approx(list(sub), rel=1e-12)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == list(sub.index)


def test_chart_suppliers_stacked_by_module(cluster: fp.SupplierFootprints) -> None:
    """``by="module"``: one container per module present (A1 steel, A3 power), one bar per supplier in each,
    and each supplier's stacked bars add up to its total."""
    sub = cluster.by_supplier.xs("2024", level="period").sort_values("total_kgco2e", ascending=False)
    fig = fp.chart_suppliers(cluster, "2024", unit="kg")
    containers = fig.axes[0].containers
    assert [c.get_label() for c in containers] == ["A1 Raw material supply", "A3 Manufacturing"]
    assert all(len(c) == 2 for c in containers)
    stacked = [sum(c[i].get_width() for c in containers) for i in range(2)]
    assert stacked == pytest.approx(list(sub["total_kgco2e"]), rel=1e-12)


def test_chart_suppliers_unknown_period(cluster: fp.SupplierFootprints) -> None:
    """A period without deliveries is an InputError naming the known periods."""
    with pytest.raises(fp.InputError, match="2023, 2024, 2025"):
        fp.chart_suppliers(cluster, "2019")


def test_chart_trend_bars_and_target_path(cluster: fp.SupplierFootprints) -> None:
    """One bar per period with the progress value, and the target path as a line through each period."""
    target = fp.Target(scope=SUPPLIERS[0], baseline_period="2023", target_period="2030", reduction=0.4)
    prog = fp.progress(cluster, target)
    fig = fp.chart_trend(prog, "Valve & Co", unit="kg")
    ax = fig.axes[0]
    bars = ax.containers[0]
    assert len(bars) == 3
    assert [b.get_height() for b in bars] == pytest.approx(list(prog["value"]), rel=1e-12)
    assert list(ax.lines[0].get_ydata()) == pytest.approx(list(prog["target_path"]), rel=1e-12)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023", "2024", "2025"]
    assert ax.get_ylabel() == "kg CO₂e"
    per_t = fp.chart_trend(prog, metric="per_tonne")
    assert per_t.axes[0].get_ylabel() == "kg CO₂e per tonne delivered"


def test_save_chart_png_and_svg(valve: fp.FootprintResult, tmp_path: Path) -> None:
    """``save_chart`` writes a PNG (PNG signature) or an SVG (XML whose root is <svg>) by the suffix, and
    refuses other suffixes."""
    fig = fp.chart_hotspots(valve)
    png = fp.save_chart(fig, tmp_path / "h.png")
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    svg = fp.save_chart(fig, tmp_path / "h.svg")
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    with pytest.raises(fp.InputError, match="unknown chart format"):
        fp.save_chart(fig, tmp_path / "h.gif")


@pytest.mark.parametrize(
    "make",
    [
        lambda r, sf: fp.chart_modules(r),
        lambda r, sf: fp.chart_hotspots(r, "material"),
        lambda r, sf: fp.chart_suppliers(sf, "2025"),
        lambda r, sf: fp.chart_trend(
            fp.progress(sf, fp.Target(scope=SUPPLIERS[1], baseline_period="2023", target_period="2030", reduction=0.5))
        ),
    ],
    ids=["modules", "hotspots", "suppliers", "trend"],
)
def test_every_chart_saves_as_png(
    make: Callable[[fp.FootprintResult, fp.SupplierFootprints], Figure],
    valve: fp.FootprintResult,
    cluster: fp.SupplierFootprints,
    tmp_path: Path,
) -> None:
    """Each chart function returns a Figure that saves to a non-empty PNG."""
    from matplotlib.figure import Figure

    fig = make(valve, cluster)
    assert isinstance(fig, Figure)
    path = fp.save_chart(fig, tmp_path / "c.png")
    assert path.read_bytes()[:8] == PNG_SIGNATURE


# --- HTML ---------------------------------------------------------------------------------------------


def test_html_report_parses_and_has_every_section(valve_html: str, valve: fp.FootprintResult) -> None:
    """The page is well-formed (html.parser and XML), has a row per module with its kg CO2e, the formatted
    totals, and inline SVG charts."""
    tags = parse_html(valve_html).tags
    assert tags.count("svg") >= 2
    for m, v in valve.by_module.items():
        assert f"<td>{m}</td>" in valve_html
        assert f"{v:,.1f}" in valve_html
    assert f"{valve.total_kgco2e:,.1f}" in valve_html
    assert f"{valve.cradle_to_gate_kgco2e:,.1f}" in valve_html
    assert "reported apart" in valve_html
    for gas in valve.by_gas:
        assert f"<td>{html.escape(gas)}</td>" in valve_html
    for section in ("totals", "modules", "hotspots", "gases", "quality", "methodology", "factors", "provenance"):
        assert f'id="{section}"' in valve_html
    assert valve.input_hash in valve_html
    assert valve.factor_library_version in valve_html


def test_html_report_is_self_contained(valve_html: str) -> None:
    """No external stylesheets, scripts, fonts or images: nothing is loaded from elsewhere."""
    lowered = valve_html.lower()
    assert "<script" not in lowered
    assert "<link" not in lowered
    assert "@import" not in lowered
    assert "url(http" not in lowered
    assert 'src="http' not in lowered


def test_html_report_lists_every_factor_with_source_and_licence(
    valve_html: str, valve: fp.FootprintResult, library: fp.FactorLibrary
) -> None:
    """Every factor used (A1-C4 and D) has a row with its source, edition and licence; the declared footprint
    of the bought-in actuator is listed too (the product was given); pre-folded factors are named."""
    assert '<table class="factors">' in valve_html
    used = {c.factor_id for c in valve.contributions}
    for fid in used:
        assert f"{fid.split('.')[-1]}</span>" in valve_html
        if fid in library:
            f = library[fid]
            assert html.escape(f.source) in valve_html
            assert f"<td>{html.escape(f.licence)}</td>" in valve_html
            assert f"<td>{html.escape(f.edition)}</td>" in valve_html
    assert "Supplier product carbon footprint" in valve_html
    assert "not in the given library" not in valve_html
    assert "GWP100" in valve_html
    assert len(valve.prefolded_factors) > 0
    assert f"{len(valve.prefolded_factors)} factor(s)" in valve_html


def test_html_report_data_quality(valve_html: str, valve: fp.FootprintResult, library: fp.FactorLibrary) -> None:
    """The data quality section shows the emission-weighted ratings, coverage, primary share and proxy flags."""
    dq = fp.data_quality(valve, library)
    assert dq.technological is not None
    assert f"{dq.technological:.2f}" in valve_html
    assert f"{100 * dq.coverage:.1f} %" in valve_html
    assert f"{100 * dq.primary_data_share:.1f} %" in valve_html
    for flag in dq.flags:
        assert html.escape(flag) in valve_html


def test_html_report_escapes_user_text() -> None:
    """A product named <script>alert(1)</script>, an item id with " & < >, markup in factor names, sources,
    licences, materials and descriptions appear only escaped; a javascript: source URL is not linked."""
    r = fp.calculate(small_product(), LIB)
    page = fp.html_report(r, LIB, product=small_product())
    parse_html(page)
    for raw in (EVIL_NAME, EVIL_ITEM, "<b>bold</b>", "<i>", "<x>", "<iframe", "<em>", "<img", "<grade>"):
        assert raw not in page
    assert html.escape(EVIL_NAME) in page
    assert html.escape(EVIL_ITEM) in page
    assert html.escape("Steel <b>bold</b>") in page
    assert html.escape("Mill & Sons <i>") in page
    assert html.escape("CC0-1.0 <x>") in page
    assert "javascript:" not in page
    assert 'href="https://example.org/grid"' in page
    assert "<script" not in page.lower()


def test_html_report_without_product_names_missing_factors(
    valve: fp.FootprintResult, library: fp.FactorLibrary
) -> None:
    """Without the product, the declared footprint is not in the library: its row says so instead of failing,
    and a custom title is used (escaped)."""
    page = fp.html_report(valve, library, title="Valve <v2>")
    parse_html(page)
    assert "not in the given library" in page
    assert "<title>Valve &lt;v2&gt;</title>" in page


def test_html_supplier_report(cluster: fp.SupplierFootprints) -> None:
    """The supplier page names every supplier (escaped) and period, has a table and a chart per period and a
    trend chart per target."""
    targets = [
        fp.Target(scope=SUPPLIERS[0], baseline_period="2023", target_period="2030", reduction=0.4),
        fp.Target(
            scope="South <cluster>", level="cluster", baseline_period="2023", target_period="2030", reduction=0.3
        ),
    ]
    page = fp.html_supplier_report(cluster, targets=targets, title="Cluster <report>")
    tags = parse_html(page).tags
    for s in SUPPLIERS:
        assert s not in page
        assert html.escape(s) in page
    for p in ("2023", "2024", "2025"):
        assert f"<h2>{p}</h2>" in page
    assert "South &lt;cluster&gt;" in page
    assert "<title>Cluster &lt;report&gt;</title>" in page
    assert tags.count("svg") == 3 + len(targets)
    total_2025 = cluster.by_supplier.xs("2025", level="period")["total_kgco2e"].max()
    assert f"{total_2025 / 1000:,.2f}" in page


# --- Excel --------------------------------------------------------------------------------------------


def test_excel_report_sheets_and_numbers(valve: fp.FootprintResult, library: fp.FactorLibrary, tmp_path: Path) -> None:
    """The workbook has the five sheets; totals, module values and contributions are number cells equal to the
    result's; the Factors sheet has every factor used with its licence."""
    path = fp.excel_report(valve, tmp_path / "valve.xlsx", library)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Modules", "Contributions", "Gases", "Factors"]
    summary = {row[0].value: row[1] for row in wb["Summary"].iter_rows(min_row=2)}
    total = summary["Total A1-C4 (kg CO2e)"]
    assert total.data_type == "n"
    assert total.value == pytest.approx(valve.total_kgco2e, rel=1e-12)
    modules = {row[0].value: row[2].value for row in wb["Modules"].iter_rows(min_row=2)}
    for m, v in valve.by_module.items():
        assert modules[m] == pytest.approx(v, rel=1e-12)
    ws = wb["Contributions"]
    header = [c.value for c in ws[1]]
    col = header.index("kgco2e")
    values = [row[col] for row in ws.iter_rows(min_row=2)]
    assert len(values) == len(valve.contributions)
    assert all(c.data_type == "n" for c in values)
    assert math.fsum(c.value for c in values) == pytest.approx(valve.total_kgco2e + valve.module_d_kgco2e, rel=1e-9)
    factors = {row[0].value: row for row in wb["Factors"].iter_rows(min_row=2)}
    fheader = [c.value for c in wb["Factors"][1]]
    assert set(factors) == {c.factor_id for c in valve.contributions}
    steel = "material.steel.carbon.global.worldsteel2024"
    assert factors[steel][fheader.index("licence")].value == library[steel].licence
    gases = {row[0].value: row[1].value for row in wb["Gases"].iter_rows(min_row=2)}
    assert gases["CO2"] == pytest.approx(valve.by_gas["CO2"], rel=1e-12)


def test_excel_report_stores_formula_like_text_as_text(tmp_path: Path) -> None:
    """A product name "=HYPERLINK(...)", an item id "+cmd...", and labels starting with @, - or a tab are text
    cells (quote-prefixed), never formulas; the file holds no <f> element."""
    product = small_product(name=FORMULA_NAME, item=FORMULA_ITEM, label="@SUM(1+1)")
    r = fp.calculate(product, LIB)
    path = fp.excel_report(r, tmp_path / "evil.xlsx", LIB)
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)
    wb = openpyxl.load_workbook(path)
    summary = {row[0].value: row[1] for row in wb["Summary"].iter_rows(min_row=2)}
    name = summary["Product name"]
    assert name.value == FORMULA_NAME
    assert name.data_type == "s"
    assert name.quotePrefix
    cells = [c for row in wb["Contributions"].iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    item_cells = [c for c in cells if c.value == FORMULA_ITEM]
    label_cells = [c for c in cells if c.value == "@SUM(1+1)"]
    assert item_cells
    assert label_cells
    assert all(c.data_type == "s" and c.quotePrefix for c in item_cells + label_cells)
    plain = wb["Contributions"]["A2"]  # the path "assembly": plain text keeps no quote prefix
    assert plain.value == "assembly"
    assert not plain.quotePrefix


@pytest.mark.parametrize("name", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1"], ids=repr)
def test_excel_every_formula_prefix_stays_text(name: str, tmp_path: Path) -> None:
    """Each character a spreadsheet starts a formula with (=, +, -, @, tab, carriage return) leaves the product
    name a quote-prefixed text cell with the name's characters; a numeric cell beside it stays a number."""
    r = fp.calculate(small_product(name=name), LIB)
    wb = openpyxl.load_workbook(fp.excel_report(r, tmp_path / "n.xlsx"))
    summary = {row[0].value: row[1] for row in wb["Summary"].iter_rows(min_row=2)}
    cell = summary["Product name"]
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert cell.value.strip() == name.strip()
    assert summary["Total A1-C4 (kg CO2e)"].data_type == "n"
    assert summary["Total A1-C4 (kg CO2e)"].value == pytest.approx(21.0)


def test_excel_report_without_library(tmp_path: Path) -> None:
    """Without a library, the Factors sheet still lists every factor id with its kg CO2e and library name."""
    r = fp.calculate(small_product(), LIB)
    wb = openpyxl.load_workbook(fp.excel_report(r, tmp_path / "sub" / "r.xlsx"))
    rows = {row[0].value: [c.value for c in row] for row in wb["Factors"].iter_rows(min_row=2)}
    assert set(rows) == {"steel", "grid"}
    assert rows["steel"][4] == pytest.approx(20.0)
    assert rows["steel"][6] == "test"


# --- rendering ----------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_chromium_renders_the_report(valve_html: str, tmp_path: Path) -> None:
    """Headless chromium opens the report offline and writes a non-empty PNG screenshot."""
    page = tmp_path / "report.html"
    page.write_text(valve_html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    cmd = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1200,2000",
        page.as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=90, check=False)
    assert shot.exists()
    data = shot.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 10_000
