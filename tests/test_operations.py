"""Operations: footprint.* loggers with useful debug output, no print in the library, python -m footprint."""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import footprint as fp

ROOT = Path(__file__).parents[1]


def test_python_dash_m_runs_the_cli() -> None:
    """``python -m footprint --help`` prints the command line's help (it had no __main__ before)."""
    out = subprocess.run([sys.executable, "-m", "footprint", "--help"], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "footprint calc" in out.stdout


def test_catalogue_and_factor_loading_log_at_debug(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """Loading factors and preparing and calculating a catalogue say what they did on footprint.* loggers."""
    lib = fp.default_library()
    fac = next(f for f in lib if not f.is_prefolded and f.energy_basis is None)  # a unit that needs no basis
    path = tmp_path / "f.csv"
    lib.to_frame().head(3).to_csv(path, index=False)
    tables = (
        pd.DataFrame({"product": ["P"]}),
        pd.DataFrame({"parent": ["P"], "child": ["X"], "quantity": [2.0]}),
        pd.DataFrame({"item": ["X"], "factor": [fac.id], "amount": [1.0], "unit": [fac.unit]}),
    )
    with caplog.at_level(logging.DEBUG, logger="footprint"):
        fp.load_factors(path)
        fp.calculate_catalogue(fp.prepare_catalogue(*tables, library=lib))
    names = {r.name for r in caplog.records}
    assert {"footprint._factor_io", "footprint._catalogue"} <= names
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "3 factor(s)" in text
    assert "1 product(s)" in text


def test_no_print_in_the_library() -> None:
    """Only the command line prints; library modules log."""
    for path in sorted((ROOT / "footprint").glob("*.py")):
        if path.name in ("cli.py", "__main__.py"):
            continue
        calls = [
            n.lineno for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
        ]  # fmt: skip
        assert calls == [], f"{path.name} prints on lines {calls}"
