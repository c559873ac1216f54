"""Packaging: every data file the library reads at run time is shipped in the wheel."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _shipped_patterns() -> dict[str, tuple[str, list[str]]]:
    """Package -> (folder in the checkout, package-data patterns), from pyproject.toml."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    dirs = cfg["package-dir"]
    return {pkg: (dirs[pkg], cfg["package-data"].get(pkg, [])) for pkg in cfg["packages"]}


def test_every_data_file_is_declared_as_package_data() -> None:
    """Each non-Python file in footprint/ and factors/ matches a package-data pattern (else a plain
    `pip install .` would lack it, as the editable install used by the tests would not show)."""
    missing = []
    for _pkg, (folder, patterns) in _shipped_patterns().items():
        base = ROOT / folder
        for path in base.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(base).as_posix()
            if not any(fnmatch.fnmatch(rel, pat) for pat in patterns):
                missing.append(f"{folder}/{rel}")
    assert missing == []


def test_bundled_factor_files_are_a_package() -> None:
    """The bundled factors are the package footprint.factors, read through importlib.resources."""
    assert _shipped_patterns()["footprint.factors"][0] == "factors"
