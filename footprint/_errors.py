"""Exceptions of footprint.

Every error the library raises on purpose derives from :class:`FootprintError`, and each subclass also
inherits the builtin that fits it, so ``except KeyError`` still catches an unknown factor id::

    FootprintError
    ├── UnitError (ValueError)                 a unit that cannot be parsed or used here
    │   ├── IncompatibleUnitsError             two units of different dimensions, no declared bridge
    │   │   └── CurrencyError                  a spend in another currency or price year than its factor
    │   └── ForeignQuantityError (TypeError)   a pint Quantity from another registry
    ├── UnknownFactorError (KeyError)          a factor id that is in no loaded library
    ├── GWPError (ValueError)                  an unknown GWP set, or a pre-folded factor under another set
    ├── IndicatorError (ValueError)            an unknown indicator id
    ├── UsageError (TypeError)                 a public function given an argument of the wrong type
    ├── InputError (ValueError)                bad input data, every problem collected in one report
    │   ├── FactorError                        an emission factor (built in code, or read from a table)
    │   │   └── FactorFileError                a factor file (CSV, JSON, Excel) or DataFrame
    │   ├── ProductError                       a product definition or bill of materials
    │   │   └── CycleError                     a bill of materials that contains itself
    │   ├── DeliveryError                      deliveries that do not fit the catalogue
    │   ├── PactError                          a PACT product footprint that breaks the specification
    │   ├── IndicatorFileError                 an indicator file (also an IndicatorError)
    │   └── NonFiniteError                     a quantity, factor or sum that overflows (inf or NaN)
    ├── LedgerError (RuntimeError)             not a ledger file, an unknown snapshot, or a failed write
    │   └── LedgerIntegrityError               a snapshot that is not as recorded (hash or chain broken)
    ├── OutputError (OSError)                  an output file that cannot be written where it was asked
    ├── SchedulerError (ConnectionError)       no Dask cluster to run on: a scheduler that does not answer
    ├── PactHostError (ConnectionError)        a partner's PACT host unreachable, refusing, or not answering PACT
    └── MissingDependencyError (ImportError)   an optional dependency (matplotlib, openpyxl) is not installed

An :class:`InputError` carries its :class:`Problem` list: file, row, field, value, what was expected.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CurrencyError",
    "CycleError",
    "DeliveryError",
    "FactorError",
    "FactorFileError",
    "FootprintError",
    "ForeignQuantityError",
    "GWPError",
    "IncompatibleUnitsError",
    "IndicatorError",
    "IndicatorFileError",
    "InputError",
    "LedgerError",
    "LedgerIntegrityError",
    "MissingDependencyError",
    "NonFiniteError",
    "OutputError",
    "PactError",
    "PactHostError",
    "Problem",
    "ProductError",
    "SchedulerError",
    "UnitError",
    "UnknownFactorError",
    "UsageError",
    "expect_type",
    "row_problems",
]


def row_problems(
    mask: Any,
    message: str,
    *,
    file: str | None,
    first_row: int,
    field: str,
    values: Any = None,
    expected: str | None = None,
    row_label: str = "row",
) -> list[Problem]:
    """One :class:`Problem` per row of a table where ``mask`` holds; data row ``i`` is file line
    ``first_row + i`` (or DataFrame position ``i`` with ``first_row=0, row_label="position"``), and
    ``values[i]`` (when given) the value found there."""
    import numpy as np  # on use: the command line reports errors without loading numpy

    return [
        Problem(message, file=file, row=first_row + int(i), field=field,
                value=None if values is None else values[int(i)], expected=expected, row_label=row_label)
        for i in np.flatnonzero(mask)
    ]  # fmt: skip


def plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (``np.float64(-1.0)`` shows as ``-1.0``)."""
    np = sys.modules.get("numpy")  # no numpy scalar can exist before numpy is loaded
    return value.item() if np is not None and isinstance(value, np.generic) else value


class FootprintError(Exception):
    """Base of every error footprint raises on purpose."""


class UnitError(FootprintError, ValueError):
    """A unit that cannot be parsed, or cannot be used where it was given."""


class IncompatibleUnitsError(UnitError):
    """Two units of different dimensions met, and no declared property bridges them."""


class CurrencyError(IncompatibleUnitsError):
    """A spend in another currency or price year than the spend-based factor it meets, or a conversion between
    them without the exchange rate or deflator it needs (footprint never assumes one)."""


class ForeignQuantityError(UnitError, TypeError):
    """A pint Quantity built by another unit registry than footprint's."""


class UsageError(FootprintError, TypeError):
    """A public function or class given an argument of the wrong type (a path where a product was due)."""


def expect_type(value: object, types: type | tuple[type, ...], what: str) -> None:
    """Raise :class:`UsageError` unless ``value`` is one of ``types``; the message names the argument."""
    if not isinstance(value, types):
        names = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        shown = repr(plain(value))
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise UsageError(f"{what} must be a {names}, got {type(value).__name__} {shown}")


class UnknownFactorError(FootprintError, KeyError):
    """A factor id that no loaded library holds."""

    def __str__(self) -> str:
        # KeyError quotes its argument; a sentence reads better unquoted.
        return str(self.args[0]) if self.args else ""


class GWPError(FootprintError, ValueError):
    """An unknown GWP set, or a factor already folded to CO2e with another set than the one asked for."""


class IndicatorError(FootprintError, ValueError):
    """An indicator id that no bundled or loaded indicator has."""


class LedgerError(FootprintError, RuntimeError):
    """A ledger file that is not a footprint ledger, an unknown snapshot, or a write that failed."""


class LedgerIntegrityError(LedgerError):
    """A snapshot that is not as it was recorded: its content hash, its predecessor's or its version chain
    does not match. ``snapshot_id`` names the first such snapshot."""

    def __init__(self, message: str, *, snapshot_id: str) -> None:
        super().__init__(message)
        self.snapshot_id = snapshot_id


class SchedulerError(FootprintError, ConnectionError):
    """No Dask cluster to run on: a scheduler address that does not answer in time, or that is no address."""


class OutputError(FootprintError, OSError):
    """An output file that cannot be written (a folder that cannot be made, a full disk, no permission);
    nothing of the output is left behind."""

    def __str__(self) -> str:
        # OSError formats its arguments as a tuple when given more than one; one sentence reads better.
        return str(self.args[0]) if self.args else ""


class PactHostError(FootprintError, ConnectionError):
    """A partner's PACT host that cannot be reached, refuses the credentials, or answers a request with an
    error or a body that is not PACT: the message names the URL, the HTTP status and the host's error code;
    ``status`` is that HTTP status when the host answered one (None when it could not be reached)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class MissingDependencyError(FootprintError, ImportError):
    """An optional dependency that a feature needs is not installed; the message says what to install."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in input data: where it is, what was found and what was expected.

    ``row`` is the line number in a CSV file (comments included), the sheet row in an Excel file, or the
    position in a JSON list or a DataFrame (counted from 0, ``row_label="position"``); ``None`` where the
    problem concerns a whole file or object. Values show as plain Python values (``-1.0``, not numpy's repr).
    """

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    value: object = None
    expected: str | None = None
    row_label: str = "row"

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        text = ", ".join(where)
        text = f"{text}: {self.message}" if text else self.message
        if self.value is not None:
            text += f" (got {plain(self.value)!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


class InputError(FootprintError, ValueError):
    """Bad input data. Holds every problem found, so that one run shows all of them."""

    def __init__(self, problems: Iterable[Problem], what: str = "input") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.what = what
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.what}:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled with its problems and attributes, so that it comes back whole from another process (a
        Dask worker)."""
        return (_rebuilt, (type(self), self.problems, self.what, dict(self.__dict__)))

    def to_records(self) -> list[dict[str, object]]:
        """The problems as plain dicts (for JSON output and DataFrames)."""
        return [
            {
                "file": p.file,
                "row": p.row,
                "field": p.field,
                "value": plain(p.value) if isinstance(plain(p.value), (int, float, str, type(None))) else repr(p.value),
                "expected": p.expected,
                "message": p.message,
            }
            for p in self.problems
        ]


def _rebuilt(cls: type[InputError], problems: tuple[Problem, ...], what: str, state: dict[str, object]) -> InputError:
    """An :class:`InputError` (or subclass) unpickled: its problems and attributes as they were."""
    exc = cls.__new__(cls)
    InputError.__init__(exc, problems, what)
    exc.__dict__.update(state)
    return exc


class FactorError(InputError):
    """An emission factor that breaks the rules of :class:`footprint.EmissionFactor`, or a library with two
    factors of one id."""


class FactorFileError(FactorError):
    """Problems in a factor file; nothing of the file was loaded."""


class ProductError(InputError):
    """Problems in a product definition or its bill of materials."""


class CycleError(ProductError):
    """A bill of materials in which an item contains itself, directly or through others."""

    def __init__(self, problems: Iterable[Problem], cycle: Sequence[str], what: str = "bill of materials") -> None:
        self.cycle = tuple(cycle)
        super().__init__(problems, what)


class DeliveryError(InputError):
    """Deliveries that name unknown products, periods or units that do not fit."""


class PactError(InputError):
    """A PACT product footprint (read or about to be written) that breaks the specification: every problem,
    with the footprint's index in a list (``row``) and the JSON path of the field."""


class NonFiniteError(InputError):
    """A quantity, factor or intermediate sum that is not a finite number (it overflows the largest double,
    about 1.8e308): nothing is computed from it. Each problem names the item, field and factor that led
    there."""


class GWPFileError(InputError, GWPError):
    """A GWP set file that cannot be read: every problem in it, with its row and field."""


class IndicatorFileError(InputError, IndicatorError):
    """An indicator file that cannot be read: every problem in it, with its row and field; nothing of it loaded."""

    def __init__(self, problems: Iterable[Problem], what: str = "indicator file") -> None:
        super().__init__(problems, what)
