"""Frictions of the command line on the way from an ERP export to a report: extras named when missing, factor
search with synonyms and full names, validate with the factor files given, compare with module D apart."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint._bom_io import read_bom
from footprint.cli import main

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: object) -> tuple[int, str]:
    """Run the CLI in process; its exit code and all it printed."""
    out = CliRunner().invoke(main, [str(a) for a in args])
    assert out.exception is None or isinstance(out.exception, SystemExit), out.exc_info
    return out.exit_code, out.output


@pytest.mark.parametrize("word", ["truck", "lorry", "HGV"])
def test_factor_search_knows_synonyms(word: str) -> None:
    """A truck is a lorry is an HGV: each word finds the bundled DESNZ HGV freight factors."""
    code, text = invoke("factors", "search", word, "articulated")
    assert code == 0
    assert "freight.hgv.articulated_33t_plus.ttw.desnz2025" in text


def test_factor_names_are_not_cut() -> None:
    """The factor table prints whole names (they were cut at 60 characters)."""
    lib = fp.default_library()
    long = next(f for f in lib if len(f.name) > 80)
    code, text = invoke("factors", "list", "--category", long.category, "--format", "table")
    assert code == 0
    assert long.name in text


def test_validate_checks_products_with_the_factor_files_given(tmp_path: Path) -> None:
    """``footprint validate my_factors.csv my_product.yaml`` (as the README shows it) checks the product with
    the factors of my_factors.csv; it reported the product's own factor as unknown."""
    (tmp_path / "my_factors.csv").write_text(
        "id,name,category,unit,kg_CO2,source,edition,region,licence,boundary\n"
        "own.steel,Our mill's steel,material,kg,1.1,mill EPD,2025,NO,CC0-1.0,cradle-to-gate\n"
    )
    (tmp_path / "my_product.yaml").write_text(
        "id: p\nitems:\n  - {id: p, kind: part, material: s, net_mass: 10 kg}\nmaterials:\n  - {id: s, factor: own.steel}\n"
    )
    code, text = invoke("validate", tmp_path / "my_factors.csv", tmp_path / "my_product.yaml")
    assert code == 0, text
    assert f"ok: {tmp_path / 'my_product.yaml'}" in text


def test_compare_shows_module_d_apart(tmp_path: Path) -> None:
    """Module D is never in a total, and ``compare`` shows it on a line of its own for A and B."""
    valve = ROOT / "examples" / "subsea_gate_valve.yaml"
    code, text = invoke("compare", valve, valve, "--prefolded", "report", "--by", "module")
    assert code == 0
    d = fp.calculate(fp.load_product(valve), fp.default_library(), prefolded="report").module_d_kgco2e
    assert d != 0
    line = next(x for x in text.splitlines() if x.startswith("Module D, reported apart"))
    assert f"{d:,.1f}" in line


def test_excel_bom_without_openpyxl_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An Excel BOM without openpyxl installed is a MissingDependencyError that says pip install
    'footprint[excel]', not pandas' own message."""
    import pandas as pd

    path = tmp_path / "bom.xlsx"
    pd.DataFrame({"level": [1], "item": ["A"], "quantity": [1]}).to_excel(path, index=False)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(fp.MissingDependencyError, match=r"footprint\[excel\]"):
        read_bom(path)


def test_parquet_catalogue_without_pyarrow_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalogue table in Parquet without pyarrow installed says pip install 'footprint[parquet]'."""
    path = tmp_path / "products.parquet"
    path.write_bytes(b"PAR1")  # never read: the dependency is checked first
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(fp.MissingDependencyError, match=r"footprint\[parquet\]"):
        fp.prepare_catalogue(path, path, path)
