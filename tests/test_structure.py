"""The code's shape, checked: functions short enough to read at once, and modules that import one way.

Both checks read the source with :mod:`ast` (nothing is imported or run)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "footprint"
MAX_LINES = 120

# Functions still above the limit, each to be split into named steps; the list may only shrink (a test below
# fails when a listed function is split, so the entry is removed with it).
LONG: set[str] = set()


def _sources() -> dict[str, ast.Module]:
    """Each module of the package by dotted name (``footprint.pact._exchange``, ``footprint.pact.export``), parsed."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return out


def _lengths() -> dict[str, int]:
    """``module:function`` -> its length in lines (decorators excluded, nested functions counted on their own)."""
    out = {}
    for mod, tree in _sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                out[f"{mod}:{node.name}"] = node.end_lineno - node.lineno + 1
    return out


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _top_level_imports(mod: str, tree: ast.Module, is_package: bool, modules: set[str]) -> set[str]:
    """The package's modules that ``mod`` imports when it is loaded: relative imports among the module's
    top-level statements (an ``if TYPE_CHECKING:`` block runs no import; an import inside a function runs only
    when the function is called, so neither can make a circle at load time)."""
    out = set()
    here = mod.split(".") if is_package else mod.split(".")[:-1]
    stack = [n for n in tree.body if not _is_type_checking(n)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            if node.module is None:  # from . import x: x is a submodule, or a name the package defines
                out |= {f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names}
            else:
                out.add(target)
        elif isinstance(node, ast.If | ast.Try):
            stack.extend(n for n in ast.iter_child_nodes(node) if isinstance(n, ast.stmt))
    return out


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    packages = {p.relative_to(PACKAGE.parent).parent.as_posix().replace("/", ".") for p in PACKAGE.rglob("__init__.py")}
    return {
        mod: {t for t in _top_level_imports(mod, tree, mod in packages, set(sources)) if t in sources and t != mod}
        for mod, tree in sources.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` (as the list of modules round it), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_function_is_longer_than_the_limit() -> None:
    """Every function of footprint/ fits in 120 lines (the listed ones excepted until they are split)."""
    long = {name: n for name, n in _lengths().items() if n > MAX_LINES and name not in LONG}
    assert not long, f"functions longer than {MAX_LINES} lines: {long}"


def test_the_list_of_long_functions_only_shrinks() -> None:
    """A listed function that was split (or renamed) leaves the list."""
    lengths = _lengths()
    stale = sorted(name for name in LONG if lengths.get(name, 0) <= MAX_LINES)
    assert not stale, f"no longer above {MAX_LINES} lines, remove from LONG: {stale}"


def test_no_import_circle_among_the_modules() -> None:
    """The modules import one another one way: no circle of top-level imports."""
    graph = _graph()
    assert "footprint._product" in graph["footprint._product_io"], "the graph reads relative imports"
    assert _cycle(graph) is None, f"import circle: {' -> '.join(_cycle(graph) or [])}"


def test_the_circle_finder_finds_a_circle() -> None:
    """The finder itself: a -> b -> c -> a is a circle, a -> b -> c is not."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_product_model_does_not_import_the_bom_reader() -> None:
    """The BOM reader builds product items, so the model must not reach back to it, even inside a function
    (reading a product file that names a BOM export is :mod:`footprint._product_io`'s job)."""
    text = (PACKAGE / "_product.py").read_text(encoding="utf-8")
    assert "_bom_io" not in text
