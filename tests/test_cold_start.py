"""What ``import footprint`` and a command load: each public name on first use, and a command only the modules
it needs (no pandas for a product, no Dask or Babel through pint)."""

from __future__ import annotations

import ast
import json
import os
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


#: What the command line loads only for the commands that need it: the service, ledger, event and PACT client
#: commands' modules, the output-file writer, the ledger and the PACT exchange.
_OTHER_COMMANDS = {
    "footprint._cli_server", "footprint._cli_events", "footprint._cli_ledger", "footprint._cli_pull",
    "footprint._output", "footprint._ledger", "footprint.server", "footprint.pact",
}  # fmt: skip


def _calc_probe(*args: str, after: str = "") -> str:
    """Code running ``footprint calc`` of the valve with ``args`` in the probe's process, then ``after``."""
    argv = ["footprint", "calc", str(VALVE), *args]
    return (
        f"import sys\nfrom footprint.cli import main\nsys.argv = {argv!r}\n"
        "try:\n    main(prog_name='footprint')\nexcept SystemExit as e:\n    assert not e.code, e.code\n" + after
    )


def test_the_command_line_loads_no_command_before_it_runs() -> None:
    """``import footprint.cli`` (what ``footprint --version`` or a usage error costs) loads neither numpy,
    pydantic nor PyYAML, and none of the other commands' modules: subcommands are imported when named."""
    loaded = _loaded("import footprint.cli", packages=False)
    assert "footprint.cli" in loaded
    assert not {"numpy", "pydantic", "yaml", "pandas"} & {m.split(".")[0] for m in loaded}
    assert not _OTHER_COMMANDS & loaded


def test_calc_loads_only_its_own_modules() -> None:
    """``footprint calc`` of the valve to a table loads none of the other commands' modules, and leaves the
    result and unused factor models unbuilt (``defer_build``): a table needs no validator or serializer."""
    probe = (
        "from footprint._result import Contribution, FootprintResult, IndicatorResult\n"
        "from footprint._factors import Emissions, Provenance\n"
        "models = (Contribution, FootprintResult, IndicatorResult, Emissions, Provenance)\n"
        "assert not any(m.__pydantic_complete__ for m in models), [m for m in models if m.__pydantic_complete__]"
    )
    loaded = _loaded(_calc_probe(after=probe), packages=False)
    assert "footprint._lifecycle" in loaded  # the probe saw the command's imports
    assert not {m for m in loaded if m in _OTHER_COMMANDS or m.startswith(("footprint.server.", "footprint.pact."))}


def test_json_output_builds_the_result_models_it_writes() -> None:
    """``--format json`` builds the result's serializer on first use (the models are deferred, not skipped)."""
    probe = "from footprint._result import FootprintResult\nassert FootprintResult.__pydantic_complete__"
    assert "footprint._result" in _loaded(_calc_probe("--format", "json", after=probe), packages=False)


def test_every_lazy_command_is_the_command_it_is_named_for() -> None:
    """Each subcommand loaded on use resolves to a click command of that name, and ``--help`` lists it."""
    from click.testing import CliRunner

    from footprint.cli import _LazyGroup, main, pact

    for group in (main, pact):
        assert isinstance(group, _LazyGroup)
        names = dict(group.lazy)
        assert names  # the groups name some lazily
        listed = CliRunner().invoke(group, ["--help"]).output
        for name in names:
            ctx = group.make_context(group.name or "footprint", ["--help"], resilient_parsing=True)
            cmd = group.get_command(ctx, name)
            assert cmd is not None
            assert cmd.name == name
            assert f"  {name} " in listed


def test_an_unknown_command_is_still_a_usage_error() -> None:
    """A command name that is neither defined nor lazy exits 2 naming it, as before the lazy groups."""
    from click.testing import CliRunner

    from footprint.cli import main

    res = CliRunner().invoke(main, ["serv"])
    assert res.exit_code == 2
    assert "serv" in res.output


def test_the_program_runs_with_one_blas_thread_unless_told_otherwise() -> None:
    """``footprint`` (``run``) sets ``OPENBLAS_NUM_THREADS=1`` before numpy loads, and keeps a value the user set;
    calling ``main`` (as tests and notebooks do) leaves the environment alone."""
    assert _program("run", {})[0] == "BLAS 1"
    assert _program("run", {"OPENBLAS_NUM_THREADS": "2"})[0] == "BLAS 2"
    assert _program("main", {})[0] == "BLAS None"


def test_the_program_exits_without_collecting_its_objects_but_runs_exit_handlers() -> None:
    """``run`` freezes the finished command's objects out of the garbage collector (``gc.freeze``; the exit's
    collections would only walk them), and exit handlers registered before still run; ``main`` freezes none."""
    frozen, handler = _program("run", {})[1:]
    assert int(frozen.split()[1]) > 0
    assert handler == "handler ran"
    assert _program("main", {})[1] == "FROZEN 0"


def _program(entry: str, env: dict[str, str]) -> list[str]:
    """What a process calling ``footprint.cli.<entry>`` for ``footprint schema product`` reports after it:
    its ``OPENBLAS_NUM_THREADS``, the count of frozen objects, and then what its exit handler printed."""
    code = (
        "import atexit, gc, os, sys\nfrom footprint import cli\n"
        "atexit.register(lambda: print('handler ran'))\nsys.argv = ['footprint', 'schema', 'product']\n"
        f"try:\n    cli.{entry}()\nexcept SystemExit:\n    pass\n"
        "print('BLAS', os.environ.get('OPENBLAS_NUM_THREADS'))\nprint('FROZEN', gc.get_freeze_count())"
    )
    base = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env=base | env).stdout  # fmt: skip
    return out.strip().splitlines()[-3:]


def _types(value: object, path: str = "") -> dict[str, type]:
    """The type of every value in a result, by its path (models by field, dicts by key, lists by index)."""
    from pydantic import BaseModel

    items: list[tuple[str, object]] = []
    if isinstance(value, BaseModel):
        items = [(k, getattr(value, k)) for k in type(value).model_fields]
    elif isinstance(value, dict):
        items = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(str(i), v) for i, v in enumerate(value)]
    out: dict[str, type] = {path: type(value)}
    for key, item in items:
        out |= _types(item, f"{path}.{key}")
    return out


def test_calculate_fills_its_result_with_what_validation_would_give() -> None:
    """``calculate`` builds its result without validation (``model_construct``); the rule that makes that safe:
    every value already has the type validation gives (a float, not numpy's float64 or an int) and validating
    the result's dump gives an equal result, for the valve with and without indicators and the compressor."""
    from footprint._result import FootprintResult

    lib = fp.default_library()
    for path, indicators in ((VALVE, None), (VALVE, "all"), (ROOT / "examples" / "compressor_fat.yaml", None)):
        result = fp.calculate(fp.load_product(path), lib, indicators=indicators)
        checked = FootprintResult.model_validate(result.model_dump())
        assert _types(result) == _types(checked), path
        assert result == checked


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
