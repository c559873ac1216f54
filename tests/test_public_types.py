"""The public API's types: GWP sets named by a Literal that mypy checks, and no ``Any`` where a type is known."""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import footprint as fp

# (callable, parameter or "return") whose ``Any`` is the truth, each with its reason.
ALLOWED_ANY = {
    # JSON documents: objects whose values are any JSON value (json.loads gives Any too)
    ("read_pact", "data"),
    ("pact_factors", "footprints"),
    ("to_pact", "upstream"),
    ("to_pact", "return"),
    ("PulledFootprint.__init__", "document"),  # a PACT footprint as its host sent it
    ("product_schema", "return"),
    # lever rows are JSON-like records (numbers, names, lists of lever names, scopes as dicts)
    ("LeverResult.__init__", "rows"),
    ("LeverResult.to_dict", "return"),
    ("LeverResult.ranked", "return"),
    # ERP rules as keyword arguments of ErpRules (strings, lists, numbers, per field)
    ("read_bom", "erp"),
    # pydantic's own hook signatures: a "before" validator receives whatever the user wrote
    ("Product.model_post_init", "context"),
    ("Product.region_is_text", "v"),
    ("Product.region_is_text", "return"),
}


def _namespace(func: Callable[..., object]) -> dict[str, Any]:
    """The function's module globals plus the names its module imports under ``if TYPE_CHECKING:``."""
    module = sys.modules[func.__module__]
    ns = dict(vars(module))
    tree = ast.parse(inspect.getsource(module))
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            code = compile(ast.Module(body=node.body, type_ignores=[]), module.__name__, "exec")
            exec(code, ns)  # only import statements: the names annotations use
    return ns


def _public_callables() -> Iterator[tuple[str, Callable[..., object]]]:
    """Every function in ``footprint.__all__`` and the public methods of its classes defined in footprint."""
    for name in fp.__all__:
        obj = getattr(fp, name)
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj) and obj.__module__.startswith("footprint"):
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr != "__init__":
                    continue
                func = member.__func__ if isinstance(member, staticmethod | classmethod) else member
                func = func.fget if isinstance(func, property) else func
                if inspect.isfunction(func):
                    yield f"{name}.{attr}", func


def _has_any(tp: object) -> bool:
    """Whether ``Any`` occurs in a type; numpy's own shape parameters (``ndarray[tuple[Any, ...], ...]``) aside."""
    if tp is Any:
        return True
    origin = typing.get_origin(tp)
    if origin is not None and getattr(origin, "__module__", "").startswith("numpy"):
        return False
    return any(_has_any(a) for a in typing.get_args(tp))


def test_no_any_in_public_signatures() -> None:
    """No public callable is annotated ``Any`` where its type is known: the allow-list above says why each
    remaining one is ``Any``. Every annotation must also resolve (a typo in one would hide from users' mypy)."""
    found, unresolved, seen = set(), [], set()
    for qualname, func in _public_callables():
        try:
            hints = typing.get_type_hints(func, globalns=_namespace(func))
        except (NameError, TypeError) as exc:
            unresolved.append(f"{qualname}: {exc}")
            continue
        seen.add(qualname)
        found |= {(qualname, p) for p, tp in hints.items() if _has_any(tp)}
    assert not unresolved
    assert {"calculate", "Q_", "pact_factors", "to_pact", "FactorLibrary.co2e_vector"} <= seen
    assert found - ALLOWED_ANY == set(), "Any in a public signature; type it, or allow it above with its reason"
    assert ALLOWED_ANY - found == set(), "an allowed Any is gone: take it off the list"


def test_gwp_parameters_are_typed() -> None:
    """Every public ``gwp`` parameter takes the Literal of the bundled sets or a GWPSet, not any string."""
    typed = {}
    for qualname, func in _public_callables():
        hints = typing.get_type_hints(func, globalns=_namespace(func))
        if "gwp" in hints:
            typed[qualname] = hints["gwp"]
    assert {"calculate", "calculate_catalogue", "monte_carlo", "emissions", "EmissionFactor.co2e_per_unit"} <= set(
        typed
    )
    assert {q: tp for q, tp in typed.items() if tp != fp.GWPSetName | fp.GWPSet} == {}


def test_gwp_set_name_lists_the_bundled_sets() -> None:
    """``fp.GWPSetName`` names exactly the sets shipped in gwp.csv (it lacked AR5-fossil)."""
    bundled = set(fp.gwp_sets())
    assert set(typing.get_args(fp.GWPSetName)) == bundled
    assert fp.DEFAULT_GWP_SET in bundled


def test_mypy_rejects_an_unknown_gwp_set(tmp_path: Path) -> None:
    """mypy (strict) refuses ``gwp="AR7"`` before it runs, and accepts the typed spellings: a bundled name,
    a set loaded from a file, and any name resolved with ``gwp_set``."""
    api = pytest.importorskip("mypy.api")
    snippet = tmp_path / "typed_use.py"
    snippet.write_text(
        textwrap.dedent(
            """\
            import footprint as fp

            lib = fp.default_library()
            product = fp.load_product("valve.yaml")
            mine = fp.load_gwp_set("mine.csv")
            ok_name = fp.calculate(product, lib, gwp="AR5-fossil")
            ok_set = fp.calculate(product, lib, gwp=mine)
            ok_text = fp.calculate(product, lib, gwp=fp.gwp_set("ar6-gwp100"))
            typo = fp.calculate(product, lib, gwp="AR7")
            """
        )
    )
    out, err, status = api.run(["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(snippet)])
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1, out + err
    assert len(errors) == 1, out
    assert errors[0].startswith(f"{snippet}:9:")
    assert '"AR7"' in errors[0].replace("'", '"')
    assert "[arg-type]" in errors[0]


def test_a_gwp_set_object_is_the_set_its_name_is() -> None:
    """Passing the GWPSet itself gives the same result as passing its name (by construction: same weights)."""
    product = fp.load_product(Path(__file__).parent.parent / "examples" / "subsea_gate_valve.yaml")
    lib = fp.default_library()
    by_name = fp.calculate(product, lib, gwp="AR5")
    by_set = fp.calculate(product, lib, gwp=fp.gwp_set("AR5"))
    assert by_set.gwp_set == "AR5"
    assert by_set.total_kgco2e == by_name.total_kgco2e


def test_a_gwp_set_built_in_code_becomes_known_and_cannot_shadow_another() -> None:
    """A GWPSet built in code folds with its own weights and is known by its name afterwards (results name it,
    PACT export looks it up); one that reuses a bundled set's name with other weights is refused, so that a
    result naming "AR6" can never have been folded with other weights."""
    product = fp.load_product(Path(__file__).parent.parent / "examples" / "subsea_gate_valve.yaml")
    lib = fp.default_library()
    ar6 = fp.gwp_set("AR6")
    doubled = fp.GWPSet(
        name="doubled-ch4-test",
        label="AR6, fossil CH4 doubled",
        source="test",
        values=MappingProxyType({**ar6.values, "CH4_fossil": 2 * ar6.values["CH4_fossil"]}),
    )
    base = fp.calculate(product, lib, gwp="AR6")
    r = fp.calculate(product, lib, gwp=doubled)
    assert r.gwp_set == "doubled-ch4-test"
    assert fp.gwp_set("DOUBLED-CH4-TEST") is doubled
    # the only change is fossil methane's weight: the total grows by exactly its CO2e once more
    assert r.total_kgco2e == pytest.approx(base.total_kgco2e + base.by_gas.get("CH4_fossil", 0.0), rel=1e-12)
    shadow = fp.GWPSet(name="ar6", label="not AR6", source="test", values=MappingProxyType({"CO2": 1.0}))
    with pytest.raises(fp.GWPError, match="already taken"):
        fp.calculate(product, lib, gwp=shadow)
