"""The HTML reports' templates: shipped with the package, rendered with autoescape, jinja2 optional."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import footprint as fp
from footprint.report import _pages
from footprint.report._templates import environment, render

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = resources.files("footprint.report") / "templates"


def test_every_page_and_the_macros_load_from_the_package() -> None:
    """The Environment finds each template in footprint/report/templates and compiles it."""
    for name in ("base.html.j2", "report.html.j2", "supplier.html.j2", "macros.html.j2"):
        assert environment().get_template(name).name == name
    assert environment().autoescape is True


def test_the_page_style_is_the_shipped_stylesheet() -> None:
    """Restyling means editing templates/style.css: its rules are the ones inlined into the page."""
    lib = fp.default_library()
    product = fp.load_product(ROOT / "examples" / "subsea_gate_valve.yaml")
    page = fp.html_report(fp.calculate(product, lib, prefolded="report"), lib, product=product)
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    rules = [line for line in css.splitlines() if line.strip()]
    assert len(rules) > 20
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert all(rule in style for rule in rules)


def test_a_missing_value_fails_instead_of_printing_nothing() -> None:
    """StrictUndefined: a page rendered without one of its values raises rather than leaving a gap."""
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render("supplier.html.j2", version="0", title="t", nav=[], lead="l")


def test_ids_break_after_dots_and_slashes_and_stay_escaped() -> None:
    """An id cell "a.b/<c>" renders (by hand) as a.<wbr />b/<wbr />&lt;c&gt; in monospace, its name escaped."""
    macros = environment().get_template("macros.html.j2").module
    cell = _pages._named("a.b/<c>", 'x "y"')
    assert str(macros.cell(cell)) == (  # type: ignore[attr-defined]
        '<span class="mono">a.<wbr />b/<wbr />&lt;c&gt;</span> <span>x &quot;y&quot;</span>'
    )


def test_import_works_without_jinja2_and_the_report_says_what_to_install() -> None:
    """With jinja2 not importable, `import footprint` works and html_supplier_report raises
    MissingDependencyError naming the extra to install."""
    code = (
        "import sys; sys.modules['jinja2'] = None\n"
        "import footprint as fp\n"
        "from footprint.report._templates import render\n"
        "try:\n"
        "    render('report.html.j2')\n"
        "except fp.MissingDependencyError as exc:\n"
        "    print('missing:', exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "missing: HTML reports need jinja2" in out.stdout
    assert "footprint[report]" in out.stdout
