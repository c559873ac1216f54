"""The factors of a library as rows: held as objects, as the columns of a file, or picked from several.

A library of a large factor file keeps the file's checked columns (see :class:`_factor_table.FactorColumns`)
and makes an :class:`EmissionFactor` only when one is asked for; what needs every factor (the substance matrix,
the version hash, a search) reads the columns. A merge picks rows from its libraries without making them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from ._substances import substances

if TYPE_CHECKING:
    from ._factors import EmissionFactor

__all__ = ["FactorRows", "ObjectRows", "PickedRows"]


class FactorRows(Sequence["EmissionFactor"]):
    """Factors by position, with their ids and whole columns; subclasses say how a row is made."""

    ids: Sequence[str]

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, i: int) -> EmissionFactor: ...
    @overload
    def __getitem__(self, i: slice) -> list[EmissionFactor]: ...
    def __getitem__(self, i: int | slice) -> EmissionFactor | list[EmissionFactor]:
        if isinstance(i, slice):
            return [self.row(k) for k in range(len(self))[i]]
        return self.row(range(len(self))[i])

    def __iter__(self) -> Iterator[EmissionFactor]:
        return (self.row(k) for k in range(len(self)))

    def row(self, i: int) -> EmissionFactor:
        """The factor at position ``i`` (0 <= i < len)."""
        raise NotImplementedError

    def field(self, name: str) -> Sequence[Any]:
        """One field of every factor, in order."""
        return [getattr(f, name) for f in self]

    def substance_matrix(self) -> npt.NDArray[np.float64]:
        """kg of each substance (of :func:`substances`) per factor unit, shape (factors, substances)."""
        names = {g: j for j, g in enumerate(substances())}
        m = np.zeros((len(self), len(names)))
        for i, f in enumerate(self):
            for g, v in f.gases.items():
                m[i, names[g]] = v
        return m

    def stated_matrix(self) -> npt.NDArray[np.bool_]:
        """Whether each factor states a value (0 included) for each substance, shape (factors, substances)."""
        names = {g: j for j, g in enumerate(substances())}
        m = np.zeros((len(self), len(names)), dtype=bool)
        for i, f in enumerate(self):
            m[i, [names[g] for g in f.gases]] = True
        return m

    def floats(self, name: str) -> npt.NDArray[np.float64]:
        """A numeric field of every factor, NaN where it is None."""
        return np.array([np.nan if v is None else v for v in self.field(name)], dtype=np.float64)

    def json_rows(self, idx: Sequence[int]) -> list[str]:
        """The rows at ``idx`` as ``json.dumps(factor.model_dump(mode="json"), sort_keys=True)`` writes them."""
        return [json.dumps(self.row(int(i)).model_dump(mode="json"), sort_keys=True) for i in idx]


class ObjectRows(FactorRows):
    """Factors held as objects."""

    def __init__(self, factors: Sequence[EmissionFactor]) -> None:
        self._factors = tuple(factors)
        self.ids = [f.id for f in self._factors]

    def row(self, i: int) -> EmissionFactor:
        return self._factors[i]

    def __iter__(self) -> Iterator[EmissionFactor]:
        return iter(self._factors)


class PickedRows(FactorRows):
    """Rows picked from other rows: row ``k`` is ``sources[part[k]][row[k]]``."""

    def __init__(self, sources: Sequence[FactorRows], part: npt.NDArray[np.intp], row: npt.NDArray[np.intp]) -> None:
        self._sources, self._part, self._row = tuple(sources), part, row
        self.ids = [sources[p].ids[r] for p, r in zip(part.tolist(), row.tolist(), strict=True)]

    def row(self, i: int) -> EmissionFactor:
        return self._sources[int(self._part[i])].row(int(self._row[i]))

    def _gather(self, per_source: list[Any]) -> Any:
        """Rows of per-source arrays (or lists), gathered in this object's order."""
        if all(isinstance(a, np.ndarray) for a in per_source):
            offsets = np.cumsum([0, *(len(s) for s in self._sources)])[:-1]
            return np.concatenate(per_source)[offsets[self._part] + self._row]
        return [per_source[p][r] for p, r in zip(self._part.tolist(), self._row.tolist(), strict=True)]

    def field(self, name: str) -> Sequence[Any]:
        return self._gather([s.field(name) for s in self._sources])  # type: ignore[no-any-return]

    def substance_matrix(self) -> npt.NDArray[np.float64]:
        return self._gather([s.substance_matrix() for s in self._sources])  # type: ignore[no-any-return]

    def stated_matrix(self) -> npt.NDArray[np.bool_]:
        return self._gather([s.stated_matrix() for s in self._sources])  # type: ignore[no-any-return]

    def floats(self, name: str) -> npt.NDArray[np.float64]:
        return self._gather([s.floats(name) for s in self._sources])  # type: ignore[no-any-return]

    def json_rows(self, idx: Sequence[int]) -> list[str]:
        at = np.asarray(idx, dtype=np.intp)
        parts, rows = self._part[at], self._row[at]
        out: list[str] = [""] * len(at)
        for p in np.unique(parts).tolist():
            sel = np.flatnonzero(parts == p)
            for k, text in zip(sel.tolist(), self._sources[p].json_rows(rows[sel].tolist()), strict=True):
                out[k] = text
        return out
