"""What ``import footprint`` and a command load: each public name on first use, and a command only the modules
it needs (no pandas for a product, no Dask or Babel through pint)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp
from footprint._engine import distinct_rows

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"


def _loaded(code: str, packages: bool = True) -> set[str]:
    """Top-level packages (or with ``packages=False`` all modules) in ``sys.modules`` after running ``code``
    in a fresh interpreter."""
    names = "{m.split('.')[0] for m in sys.modules}" if packages else "set(sys.modules)"
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({names})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_every_public_name_is_mapped_to_the_module_mypy_sees() -> None:
    """The run-time table of public names (``_NAMES_OF``) holds exactly the names the ``TYPE_CHECKING``
    imports of footprint/__init__.py give mypy, from the same modules, and ``__all__`` lists them all."""
    tree = ast.parse((ROOT / "footprint" / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    typed = {
        (a.asname or a.name): "." * n.level + (n.module or "")
        for n in block.body
        if isinstance(n, ast.ImportFrom)
        for a in n.names
    }
    assert typed == fp._MODULE_OF
    assert set(fp.__all__) == {*typed, "__version__"}


def test_every_public_name_resolves_and_is_kept() -> None:
    """Each name of ``__all__`` is the object of its module, and ``dir(footprint)`` lists it before first use."""
    import importlib

    assert set(fp.__all__) <= set(dir(fp))
    for name, module in fp._MODULE_OF.items():
        assert getattr(fp, name) is getattr(importlib.import_module(module, "footprint"), name)
        assert name in vars(fp)  # kept: the next access is a plain lookup


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name footprint does not have raises AttributeError naming it (so hasattr and typos behave)."""
    assert not hasattr(fp, "calculate_everything")


def test_import_footprint_loads_no_heavy_dependency() -> None:
    """``import footprint`` loads none of numpy, pandas, pint, pydantic or dask: each comes with the first
    name that needs it."""
    assert not {"numpy", "pandas", "pint", "pydantic", "dask", "pyarrow"} & _loaded("import footprint")


def test_calc_loads_neither_pint_nor_pandas_nor_dask() -> None:
    """``footprint calc`` of the valve reads the bundled factors without pandas or pyarrow, and checks and
    converts its units from the unit table: pint (and so Dask and Babel) is not loaded, nor numpy.ma."""
    code = (
        "import sys\nfrom footprint.cli import main\n"
        f"sys.argv = ['footprint', 'calc', {str(VALVE)!r}]\n"
        "try:\n    main(prog_name='footprint')\nexcept SystemExit as e:\n    assert not e.code, e.code"
    )
    loaded = _loaded(code, packages=False)
    assert "footprint._lifecycle" in loaded  # the probe saw the command's imports
    assert not {"pint", "pandas", "pyarrow", "dask", "babel", "jinja2"} & {m.split(".")[0] for m in loaded}
    assert "numpy.ma" not in loaded  # np.unique's masked-array check imports it: distinct_rows counts instead


def test_dask_stays_importable_after_the_command_line_imported_pint() -> None:
    """Turning pint's Dask facet off leaves dask itself importable in the same process afterwards."""
    code = (
        "from footprint._units import hide_pint_facets, unit_registry\n"
        "hide_pint_facets()\nunit_registry()\n"
        "import pint.compat\nassert not pint.compat.HAS_DASK\n"
        "import importlib.util\nassert importlib.util.find_spec('dask') is not None\nimport dask"
    )
    assert "dask" in _loaded(code)


@given(st.lists(st.integers(0, 40), max_size=60), st.integers(0, 5))
def test_distinct_rows_is_np_unique(rows: list[int], extra: int) -> None:
    """Law: the distinct rows of row numbers below n are np.unique's, ascending (and so are other values)."""
    a = np.array(rows, dtype=np.intp)
    n = (max(rows) + 1 if rows else 0) + extra
    assert distinct_rows(a, n).tolist() == np.unique(a).tolist()
    assert distinct_rows(a - 3, n).tolist() == np.unique(a - 3).tolist()  # negatives: np.unique's answer
