"""Packaging: every data file the library reads at run time is shipped in the wheel."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _shipped_patterns() -> dict[str, tuple[str, list[str]]]:
    """Package -> (folder in the checkout, package-data patterns), from pyproject.toml."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return {pkg: (pkg.replace(".", "/"), pats) for pkg, pats in cfg["package-data"].items()}


def _owning_package_dir(path: Path) -> Path:
    """The nearest folder above ``path`` that is a Python package (holds ``__init__.py``)."""
    folder = path.parent
    while not (folder / "__init__.py").is_file():
        folder = folder.parent
    return folder


def test_every_data_file_is_declared_as_package_data() -> None:
    """Each non-Python file in footprint/ matches a package-data pattern (else a plain
    `pip install .` would lack it, as the editable install used by the tests would not show)."""
    missing = []
    for pkg, (folder, patterns) in _shipped_patterns().items():
        base = ROOT / folder
        assert patterns, pkg
        for path in base.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            if _owning_package_dir(path) != base:
                continue  # a subpackage's file, checked against that subpackage's patterns
            rel = path.relative_to(base).as_posix()
            if not any(fnmatch.fnmatch(rel, pat) for pat in patterns):
                missing.append(f"{folder}/{rel}")
    assert missing == []


def test_bundled_factor_files_are_a_package() -> None:
    """The bundled factors live inside the package (footprint/factors), so a checkout's footprint/ folder,
    which shadows an installed copy when Python runs at the repository root, still has them."""
    assert (ROOT / "footprint" / "factors" / "materials.csv").is_file()
    assert (ROOT / "footprint" / "factors" / "__init__.py").is_file()
