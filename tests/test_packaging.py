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
            if path.suffix in (".c", ".so", ".pyd"):
                continue  # an extension's source (setup.py ships it) and what it builds
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


_TOUR = (
    "import footprint, pathlib; lib = footprint.default_library(); "
    "print(len(lib), pathlib.Path(footprint.__file__).resolve().parent)"
)


def _run_at(cwd: Path) -> tuple[int, Path]:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _TOUR], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    count, folder = proc.stdout.split(maxsplit=1)
    return int(count), Path(folder.strip())


def test_default_library_loads_from_the_repository_root() -> None:
    """``import footprint; footprint.default_library()`` in a Python started at the repository root, where the
    checkout's footprint/ is the package imported, loads the bundled factors (it raised ModuleNotFoundError
    for footprint.factors when they lived outside the package)."""
    count, folder = _run_at(ROOT)
    assert folder == ROOT / "footprint"
    assert count == len(list(_bundled_rows()))


def test_default_library_loads_from_a_copy_of_the_package(tmp_path: Path) -> None:
    """A copy of footprint/ alone (no install of it), imported from its folder, has everything default_library reads."""
    import shutil

    shutil.copytree(ROOT / "footprint", tmp_path / "footprint", ignore=shutil.ignore_patterns("__pycache__"))
    count, folder = _run_at(tmp_path)
    assert folder == (tmp_path / "footprint").resolve()
    assert count == len(list(_bundled_rows()))


def _bundled_rows() -> list[str]:
    """The data rows of the bundled factor files (not comments, not headers): one factor each."""
    rows = []
    for path in sorted((ROOT / "footprint" / "factors").glob("*.csv")):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
        rows += lines[1:]
    return rows
