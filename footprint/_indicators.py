"""Indicators: what a result reports beside GWP, each a characterisation of the inventory, defined as data.

Three kinds, all reported the same way (per module and per contribution row, with the rows they do not cover):

- ``substances``: a characterisation vector over :func:`substances` (kg of an equivalent per kg of each
  substance), loaded from ``indicators.csv`` beside this module (EN 15804+A2 acidification, eutrophication,
  photochemical ozone formation and particulate matter from the EU Environmental Footprint 3.1 set) or from a
  file of the same layout (:func:`load_indicators`). Indicator results are the inventory times this matrix.
- ``gwp``: EN 15804+A2's four climate change indicators, from the calculation's GWP set (unchanged).
- ``product``: resource and waste flows read from the product data itself: primary energy of the fuels
  burnt (their heating values), secondary material (recycled content), materials for recycling and energy
  recovery, components for re-use and waste disposed (the end-of-life routes' ``fate``).

A row whose data does not state what an indicator needs (a factor with none of its substances, a material
dataset whose upstream energy is unknown) is *not covered*: it counts in no total, and results list it,
never as 0.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from ._biogenic import GWP_INDICATORS
from ._errors import IndicatorError, IndicatorFileError, Problem
from ._matrix_file import Rows, column_values, read_matrix
from ._substances import substances

__all__ = [
    "EN15804_PRODUCT_INDICATORS",
    "Indicator",
    "IndicatorKind",
    "IndicatorSpec",
    "indicator",
    "indicators",
    "load_indicators",
    "resolve_indicators",
]

IndicatorKind: TypeAlias = Literal["substances", "gwp", "product"]

_META = ("@name", "@unit", "@method", "@source", "@table", "@licence", "@en15804")
_EN15804_ROLES = ("core", "additional", "resource", "waste", "output")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: its id (``AP``), name, unit, method and source, and its characterisation.

    For ``kind="substances"``, ``values`` holds the characterisation factor of each substance it covers (units
    of the indicator per kg emitted); other kinds are computed from the GWP set or the product data and have
    none. ``en15804`` says where EN 15804+A2 lists it (``core``, ``additional``, ``resource``, ``waste``,
    ``output``), ``None`` for an indicator of one's own.
    """

    id: str
    name: str
    unit: str
    kind: IndicatorKind = "substances"
    values: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    method: str = ""
    source: str = ""
    table: str = ""
    licence: str = ""
    en15804: str | None = None

    def vector(self) -> npt.NDArray[np.float64]:
        """The characterisation factors in the order of :func:`substances` (0 where it has none)."""
        return np.array([self.values.get(s, 0.0) for s in substances()], dtype=np.float64)

    @property
    def version(self) -> str:
        """A content hash of the definition: equal definitions, equal versions (results carry it)."""
        blob = json.dumps(
            [self.id, self.name, self.unit, self.kind, sorted(self.values.items()), self.method, self.source],
            sort_keys=True,
        )
        return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()[:16]


#: What ``calculate(indicators=...)`` and ``--indicators`` take: ``"all"``, ``"gwp"``, ``"en15804"``, a
#: comma-separated list of ids, or a sequence of ids and :class:`Indicator` objects.
IndicatorSpec: TypeAlias = str | Sequence[str | Indicator]


def _gwp_indicators() -> tuple[Indicator, ...]:
    names = ("Climate change - total", "Climate change - fossil", "Climate change - biogenic",
             "Climate change - land use and land use change")  # fmt: skip
    return tuple(
        Indicator(
            id=i, name=n, unit="kg CO2 eq", kind="gwp", method="GWP100 of the calculation's GWP set, "
            "biogenic carbon by the -1/+1 approach (EN 15804+A2 6.3.5.2)", source="IPCC (see gwp.csv)",
            licence="IPCC-citation", en15804="core",
        )
        for i, n in zip(GWP_INDICATORS, names, strict=True)
    )  # fmt: skip


#: The EN 15804+A2 resource, waste and output flow indicators footprint reads from the product data:
#: id -> (name, unit, role). Energy is the heating value of the fuels burnt; material flows are kg.
EN15804_PRODUCT_INDICATORS: Final = MappingProxyType(
    {
        "PENRT": ("Total use of non-renewable primary energy resources", "MJ", "resource"),
        "PERT": ("Total use of renewable primary energy resources", "MJ", "resource"),
        "SM": ("Use of secondary material", "kg", "resource"),
        "HWD": ("Hazardous waste disposed", "kg", "waste"),
        "NHWD": ("Non-hazardous waste disposed", "kg", "waste"),
        "RWD": ("Radioactive waste disposed", "kg", "waste"),
        "CRU": ("Components for re-use", "kg", "output"),
        "MFR": ("Materials for recycling", "kg", "output"),
        "MER": ("Materials for energy recovery", "kg", "output"),
    }
)


def _product_indicators() -> tuple[Indicator, ...]:
    return tuple(
        Indicator(
            id=i, name=n, unit=u, kind="product", method="from the product data (docs/indicators.md)",
            source="the product file", licence="-", en15804=role,
        )
        for i, (n, u, role) in EN15804_PRODUCT_INDICATORS.items()
    )  # fmt: skip


def _read_table(text: str, file: str) -> tuple[list[str], dict[str, list[str]], Rows]:
    """Header, metadata rows and substance rows (with their line numbers) of an indicator file."""
    table = read_matrix(text, lambda key: key.startswith("@"))
    if table is None:
        raise IndicatorFileError([Problem("no header row", file=file, expected="'substance,<indicator id>,...'")])
    return table


def _header_problems(header: list[str], meta: dict[str, list[str]], file: str) -> list[Problem]:
    """A header ``substance,<ids>``: ids unique, not taken by a built-in indicator; known metadata rows."""
    if not header or header[0] != "substance" or len(header) < 2:
        return [Problem("header must be 'substance' then one column per indicator", file=file, row=1,
                        value=",".join(header))]  # fmt: skip
    problems = []
    builtin = {i.id for i in (*_gwp_indicators(), *_product_indicators())}
    for n in header[1:]:
        if not n or header.count(n) > 1 or n in builtin:
            problems.append(Problem("indicator id empty, given twice or taken by a built-in indicator", file=file,
                                    field=n or "(empty)", value=n, expected="a new id, e.g. 'AP-own'"))  # fmt: skip
    for key in meta:
        if key not in _META:
            problems.append(Problem("unknown metadata row", file=file, field=key, expected=", ".join(_META)))
    for n, unit in zip(header[1:], meta.get("@unit", []) + [""] * len(header), strict=False):
        if not unit:
            problems.append(Problem("indicator without a unit", file=file, field=n, expected="an @unit row"))
    return problems


def _values(header: list[str], rows: Rows, file: str) -> tuple[list[dict[str, float]], list[Problem]]:
    """The characterisation factors of each column, and every problem of the substance rows."""
    known = substances()

    def substance_problems(line: int, sub: str, seen: set[str]) -> list[Problem]:
        if sub in known and sub not in seen:
            return []
        return [Problem("unknown substance or given twice", file=file, row=line, field="substance", value=sub,
                        expected=", ".join(known))]  # fmt: skip

    return column_values(header, rows, file, substance_problems, "not a characterisation factor")


def _parse(text: str, file: str) -> tuple[Indicator, ...]:
    """Every indicator of an indicator file; :class:`IndicatorFileError` lists every problem found."""
    header, meta, rows = _read_table(text, file)
    problems = _header_problems(header, meta, file)
    if problems and (not header or header[0] != "substance"):
        raise IndicatorFileError(problems, what=file)
    values, more = _values(header, rows, file)
    problems += more
    role = meta.get("@en15804", [])
    for k, n in enumerate(header[1:]):
        r = role[k] if k < len(role) else ""
        if r and r not in _EN15804_ROLES:
            problems.append(Problem("unknown EN 15804 role", file=file, field=n, value=r,
                                    expected=", ".join(_EN15804_ROLES)))  # fmt: skip
    if problems:
        raise IndicatorFileError(problems, what=file)

    def cell(key: str, k: int) -> str:
        cells = meta.get(key, [])
        return cells[k] if k < len(cells) else ""

    return tuple(
        Indicator(
            id=n,
            name=cell("@name", k) or n,
            unit=cell("@unit", k),
            values=MappingProxyType(values[k]),
            method=cell("@method", k),
            source=cell("@source", k) or file,
            table=cell("@table", k),
            licence=cell("@licence", k),
            en15804=cell("@en15804", k) or None,
        )
        for k, n in enumerate(header[1:])
    )


@cache
def _bundled() -> tuple[Indicator, ...]:
    text = resources.files("footprint").joinpath("indicators.csv").read_text(encoding="utf-8")
    return (*_gwp_indicators(), *_parse(text, "footprint/indicators.csv"), *_product_indicators())


_LOADED: dict[str, Indicator] = {}


def indicators() -> tuple[Indicator, ...]:
    """Every indicator footprint knows: the bundled ones (EN 15804+A2 order), then those loaded from files."""
    return (*_bundled(), *_LOADED.values())


def indicator(name: str) -> Indicator:
    """The indicator with id ``name`` (case-insensitive); :class:`IndicatorError` names the ids known."""
    for i in indicators():
        if i.id.upper() == name.strip().upper():
            return i
    raise IndicatorError(f"unknown indicator {name!r}; expected one of {', '.join(i.id for i in indicators())}")


def load_indicators(path: str | Path) -> tuple[Indicator, ...]:
    """Load indicators of one's own from a CSV file laid out like the bundled ``indicators.csv``: header
    ``substance,<id>,...``, a row per substance with its characterisation factors, and the rows ``@unit``
    (required), ``@name``, ``@method``, ``@source``, ``@table``, ``@licence``, ``@en15804``. They are then known
    by id to ``calculate(indicators=...)`` and ``--indicators``. Every problem of the file comes in one
    :class:`IndicatorFileError`; an id another indicator already holds with another definition is refused."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise IndicatorFileError([Problem("file not found", file=file, expected="an indicator CSV file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndicatorFileError([Problem(f"cannot read file: {exc}", file=file)]) from None
    loaded = _parse(text, file)
    taken = [i.id for i in loaded if any(k.id == i.id and k != i for k in indicators())]
    if taken:
        raise IndicatorFileError(
            [Problem("indicator id already taken by another definition", file=file, field=t, value=t) for t in taken],
            what=file,
        )
    for i in loaded:
        _LOADED[i.id] = i
    return loaded


def resolve_indicators(spec: IndicatorSpec | None) -> tuple[Indicator, ...]:
    """The indicators ``spec`` names: ``"all"`` (every known one), ``"gwp"`` (the four climate change
    indicators), ``"en15804"`` (the bundled EN 15804+A2 ones), a comma-separated list of ids, or a sequence of
    ids and :class:`Indicator` objects; ``None`` is none (GWP alone, as before). Unknown ids raise
    :class:`IndicatorError`."""
    if spec is None:
        return ()
    if isinstance(spec, str):
        key = spec.strip().lower()
        groups = {"all": indicators(), "gwp": _gwp_indicators(), "en15804": _bundled()}
        if key in groups:
            return groups[key]
        spec = [s for s in spec.split(",") if s.strip()]
    out: list[Indicator] = []
    for s in spec:
        i = s if isinstance(s, Indicator) else indicator(str(s))
        if i not in out:
            out.append(i)
    return tuple(out)
