"""Bounds on what one input file may cost, and the reading options a user states once for a whole run.

A file typed by hand or exported by a system no one checked can ask for far more than a real product
needs: YAML aliases that expand a 138 KB file into ten million BOM edges, JSON nested a hundred thousand
levels deep. The readers refuse such input with an error that names the limit and how to relax it. The
defaults are far above any real product (the largest BOMs of oil and gas equipment hold tens of thousands
of lines).

:func:`current_limits` is what the readers use when no :class:`Limits` is passed; :func:`use_limits`
changes it for a block (the command line's ``--limit NAME=VALUE`` does so for one command).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from typing import Literal

__all__ = ["Limits", "current_decimal", "current_limits", "use_decimal", "use_limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Upper bounds on one input; each is named in the error that refuses an input beyond it."""

    #: nodes of a YAML document counted as if every alias were written out in full
    yaml_nodes: int = 10_000_000
    #: nesting of objects and lists in a JSON or YAML document
    nesting_depth: int = 200
    #: items of one product (a product file's items plus those of its BOM export)
    bom_items: int = 1_000_000
    #: edges (children entries, or rows of a BOM export) of one product
    bom_edges: int = 5_000_000

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The names of the limits, as ``--limit NAME=VALUE`` takes them."""
        return tuple(f.name for f in fields(cls))

    def relaxed(self, **changes: int) -> Limits:
        """These limits with some of them changed."""
        return replace(self, **changes)


_LIMITS: ContextVar[Limits] = ContextVar("footprint_limits", default=Limits())  # noqa: B039 (frozen)
_DECIMAL: ContextVar[Literal[".", ","] | None] = ContextVar("footprint_decimal", default=None)


def current_limits() -> Limits:
    """The limits readers apply when none are passed."""
    return _LIMITS.get()


@contextmanager
def use_limits(limits: Limits) -> Iterator[Limits]:
    """Apply ``limits`` to every read inside the ``with`` block."""
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


def current_decimal() -> Literal[".", ","] | None:
    """The decimal separator of ERP exports stated for the run (``None``: not stated)."""
    return _DECIMAL.get()


@contextmanager
def use_decimal(decimal: Literal[".", ","] | None) -> Iterator[None]:
    """Read ERP exports inside the ``with`` block with this decimal separator, unless one states its own."""
    token = _DECIMAL.set(decimal)
    try:
        yield
    finally:
        _DECIMAL.reset(token)


def limit_hint(limits: Limits, name: str) -> str:
    """What limit ``name`` allows and how to relax it, for the ``expected`` of a problem."""
    return f"at most {getattr(limits, name):,} (limit {name}: raise it with --limit {name}=N or Limits({name}=N))"
