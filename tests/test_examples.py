"""The examples: every script runs, every product file calculates, and the generated files are up to date."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

import footprint as fp

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(set(EXAMPLES.glob("*.py")) | set(EXAMPLES.glob("**/*.py")))
PRODUCTS = sorted(EXAMPLES.glob("**/*.yaml"))


def rel(path: Path) -> str:
    """A path relative to the repository root, for test ids and messages."""
    return path.relative_to(ROOT).as_posix()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the test interpreter with ``args`` from the repository root."""
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def library() -> fp.FactorLibrary:
    """The bundled default library, loaded once for all product files."""
    return fp.default_library()


def test_the_examples_are_found() -> None:
    """The globs find the two documented product files and at least one script, so nothing is skipped silently."""
    assert EXAMPLES / "subsea_gate_valve.yaml" in PRODUCTS
    assert EXAMPLES / "erp" / "annular_bop.yaml" in PRODUCTS
    assert SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=rel)
def test_example_script_runs(script: Path) -> None:
    """The script exits 0 and prints no traceback."""
    proc = run(str(script))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("product_file", PRODUCTS, ids=rel)
def test_example_product_calculates(product_file: Path, library: fp.FactorLibrary) -> None:
    """The product file loads and calculates under AR6 with pre-folded factors reported (with the other products
    of its folder when it buys one of them); modules add up to the total."""
    product = fp.load_product(product_file)
    pact_files = sorted(product_file.parent.glob("*.pact.json"))  # suppliers' footprints beside the product
    if pact_files:
        library = fp.load_factors(*pact_files).merge(library)
    if any(item.supplier_product for item in product.items):
        chain = [fp.load_product(p) for p in sorted(product_file.parent.glob("*.yaml"))]
        result = fp.calculate_chain(chain, library, prefolded="report")[product.id]
    else:
        result = fp.calculate(product, library, prefolded="report")
    assert result.total_kgco2e > 0
    assert math.isfinite(result.total_kgco2e)
    without_d = math.fsum(v for m, v in result.by_module.items() if m != "D")
    assert without_d == pytest.approx(result.total_kgco2e, rel=1e-12)
    rows = math.fsum(c.kgco2e for c in result.contributions if c.module != "D")
    assert rows == pytest.approx(result.total_kgco2e, rel=1e-12)
    assert result.by_module.get("D", 0.0) == pytest.approx(result.module_d_kgco2e, rel=1e-12)


def test_generated_files_are_up_to_date() -> None:
    """``scripts/generate.py --check`` exits 0: the factor catalogue and the product schema match the code."""
    proc = run("scripts/generate.py", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "out of date" not in proc.stdout
    assert "Traceback" not in proc.stderr
