"""Reading JSON and YAML documents strictly: UTF-8 only, no key given twice, bounded nesting and aliases.

Python's ``json`` and PyYAML keep the last of two equal keys without a word (``net_mass: 10 kg`` then
``net_mass: 1000 kg`` reads as 1000 kg), recurse until the interpreter's stack runs out on deep nesting,
and PyYAML expands aliases without bound. Every reader of footprint (product files, factor JSON, PACT)
goes through :func:`load_json` or :func:`load_yaml`, which refuse such documents with an
:class:`UnreadableError` carrying the :class:`Problem` (file, line, key); the caller raises it as its own
error class.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import Problem
from ._limits import Limits, current_limits, limit_hint

if TYPE_CHECKING:
    import yaml

__all__ = ["UnreadableError", "decode_utf8", "load_json", "load_yaml"]

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class UnreadableError(Exception):
    """A document that cannot be read; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class _DuplicateKeyError(Exception):
    def __init__(self, key: str, lines: tuple[int, int] | None = None) -> None:
        self.key, self.lines = key, lines


def decode_utf8(data: bytes, file: str | None) -> str:
    """``data`` as text; bytes that are not UTF-8 are refused, never replaced."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableError(
            Problem(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=file, expected="UTF-8 encoded text")
        ) from None


def _json_depth(text: str) -> int:
    """The deepest nesting of objects and lists in JSON text (brackets inside strings do not count)."""
    bare = np.frombuffer(_STRING.sub('""', text).encode("utf-8", "replace"), dtype=np.uint8)
    opens = (bare == ord("{")) | (bare == ord("["))
    brackets = opens | (bare == ord("}")) | (bare == ord("]"))
    step = opens[brackets].astype(np.int32) * 2 - 1
    return int(np.cumsum(step).max()) if len(step) else 0


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return out


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _locate_duplicate(text: str) -> _DuplicateKeyError:
    """Parse again, slowly, recording where each value starts, to name the lines of a duplicated key."""
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, hook: Any, _: Any, memo: Any) -> Any:
        starts: list[int] = []

        def record(s: str, idx: int) -> Any:
            starts.append(idx)
            return scan_once(s, idx)

        def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            seen: dict[str, int] = {}
            for (key, _v), at in zip(pairs, starts, strict=True):
                key_end = text.rfind('"', 0, text.rfind(":", 0, at))  # the key's closing quote
                if key in seen:
                    raise _DuplicateKeyError(key, (seen[key], _line(text, key_end)))
                seen[key] = _line(text, key_end)
            return dict(pairs)

        return json.decoder.JSONObject(s_and_end, strict, record, hook, pairs_hook, memo)  # type: ignore[attr-defined]

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except _DuplicateKeyError as dup:
        return dup
    return _DuplicateKeyError("?")  # pragma: no cover - the fast parse found one


def load_json(data: str | bytes, *, file: str | None = None, limits: Limits | None = None) -> Any:
    """Parse JSON text (or UTF-8 bytes); raise :class:`UnreadableError` for invalid JSON, a key given twice in one
    object, or nesting deeper than ``limits.nesting_depth``."""
    limits = limits or current_limits()
    text = decode_utf8(data, file) if isinstance(data, bytes) else data
    if text.startswith("\ufeff"):
        text = text[1:]
    depth = _json_depth(text)
    if depth > limits.nesting_depth:
        raise UnreadableError(
            Problem(f"JSON nested {depth} levels deep", file=file, expected=limit_hint(limits, "nesting_depth"))
        )
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as exc:
        raise UnreadableError(
            Problem(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", file=file, row=exc.lineno)
        ) from None
    except _DuplicateKeyError:
        dup = _locate_duplicate(text)
        raise UnreadableError(_duplicate_problem(dup.key, dup.lines, file)) from None


def _duplicate_problem(key: str, lines: tuple[int, int] | None, file: str | None) -> Problem:
    where = f" on lines {lines[0]} and {lines[1]}" if lines else ""
    return Problem(
        f"key {key!r} given twice in one object{where}",
        file=file,
        row=lines[1] if lines else None,
        field=key,
        expected="each key once (a second one would silently replace the first)",
    )


def _strict_loader() -> type[yaml.SafeLoader]:
    import yaml

    class StrictLoader(yaml.SafeLoader):
        """PyYAML's safe loader, refusing a key given twice in one mapping (merge keys ``<<`` aside)."""

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: dict[tuple[str, str], int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = (key_node.tag, key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise _DuplicateKeyError(key_node.value, (seen[key], line))
                seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def _expanded_size(root: yaml.Node, limits: Limits) -> tuple[int, int]:
    """Nodes of the document with every alias written out, and its nesting depth, without expanding it."""
    import yaml

    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        kids: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            kids = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            kids = [n for pair in node.value for n in pair]
        if done:
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            if size[key] > limits.yaml_nodes or depth[key] > limits.nesting_depth + 1:
                return size[key], depth[key]
            continue
        if key in size:
            continue
        if key in depth:  # entered but not finished: an alias to one of its own ancestors
            return limits.yaml_nodes + 1, 0
        depth[key] = -1
        stack.append((node, True))
        stack += [(k, False) for k in kids if id(k) not in size]
    return size[id(root)], depth[id(root)]


def load_yaml(text: str, *, file: str | None = None, limits: Limits | None = None) -> Any:
    """Parse YAML text safely; raise :class:`UnreadableError` for invalid YAML, a key given twice in one mapping,
    aliases that expand beyond ``limits.yaml_nodes`` nodes, or nesting beyond ``limits.nesting_depth``."""
    import yaml

    limits = limits or current_limits()
    try:
        loader = _strict_loader()(text)
    except yaml.YAMLError as exc:  # a character YAML does not allow, found when the text is first scanned
        raise UnreadableError(Problem(f"not valid YAML: {exc}", file=file)) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size, depth = _expanded_size(node, limits)
        if size > limits.yaml_nodes:
            raise UnreadableError(
                Problem(
                    f"the YAML document expands to more than {limits.yaml_nodes:,} nodes (aliases counted at each use)",
                    file=file,
                    expected=limit_hint(limits, "yaml_nodes"),
                )
            )
        if depth > limits.nesting_depth + 1:
            raise UnreadableError(
                Problem(f"YAML nested {depth - 1} levels deep", file=file, expected=limit_hint(limits, "nesting_depth"))
            )
        return loader.construct_document(node)
    except _DuplicateKeyError as dup:
        raise UnreadableError(_duplicate_problem(dup.key, dup.lines, file)) from None
    except RecursionError:
        raise UnreadableError(
            Problem("YAML nested too deeply to read", file=file, expected=limit_hint(limits, "nesting_depth"))
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise UnreadableError(Problem(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=file, row=row)) from None
    finally:
        loader.dispose()
