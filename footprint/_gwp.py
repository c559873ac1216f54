"""GWP sets: the weights that fold per-gas emissions into CO2e.

The bundled sets live in ``gwp.csv`` beside this module, one column per set and one row per gas, with their
sources. IPCC AR6 GWP100 is the default (PACT v3 asks for it); ``AR5`` follows the reporting convention of
UNFCCC inventories, DESNZ and US EPA (CH4 28 whatever its origin), ``AR5-fossil`` keeps AR5 Table 8.A.1's
fossil methane value 30. Users load sets of their own from a file of the same layout (:func:`load_gwp_set`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal, TypeAlias

from ._errors import GWPError, GWPFileError, Problem, expect_type
from ._matrix_file import Rows, column_values, read_matrix

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["DEFAULT_GWP_SET", "GWPSet", "GWPSetName", "gases", "gwp_set", "gwp_sets", "load_gwp_set"]

#: The GWP sets footprint ships, as typed code names them (``gwp_sets()`` lists them at run time, with the
#: sets loaded from files). A set of one's own is passed as the :class:`GWPSet` :func:`load_gwp_set` returns.
GWPSetName: TypeAlias = Literal["AR6", "AR5", "AR5-fossil", "AR4", "AR6-GWP20"]

DEFAULT_GWP_SET: Final = "AR6"

# Other spellings of the bundled sets' names (compared upper-case).
_ALIASES = {
    "AR6GWP100": "AR6",
    "AR6-GWP100": "AR6",
    "AR5GWP100": "AR5",
    "AR5-GWP100": "AR5",
    "AR5-GWP100-FOSSIL": "AR5-fossil",
    "AR5FOSSIL": "AR5-fossil",
    "AR4GWP100": "AR4",
    "AR4-GWP100": "AR4",
    "AR6GWP20": "AR6-GWP20",
}
_META = ("@label", "@source", "@report", "@horizon")
_REPORTS = ("AR4", "AR5", "AR6")


@dataclass(frozen=True, slots=True)
class GWPSet:
    """A named set of GWPs, kg CO2e per kg of each gas.

    ``report`` is the IPCC assessment report the set reports as (``None`` for a set of one's own that
    names none) and ``horizon`` its time horizon in years. A set loaded from a file may leave gases out;
    folding a gas it has no value for raises :class:`GWPError`.
    """

    name: str
    label: str
    source: str
    values: Mapping[str, float]
    report: str | None = None
    horizon: int = 100

    def vector(self) -> npt.NDArray[np.float64]:
        """The GWPs in the order of :func:`gases` (0 for a gas the set has no value for)."""
        import numpy as np  # on use: the command line names the sets (--gwp) without loading numpy

        return np.array([self.values.get(g, 0.0) for g in gases()], dtype=np.float64)

    def missing(self, used: Mapping[str, float] | None = None) -> list[str]:
        """The tracked gases (of ``used``, when given, those with a non-zero amount) the set has no value for.
        Substances that are not greenhouse gases (air pollutants) need no GWP: they count 0."""
        tracked = gases()
        names = tracked if used is None else [g for g, x in used.items() if x != 0 and g in tracked]
        return [g for g in names if g not in self.values]

    def check_covers(self, used: Mapping[str, float]) -> None:
        """Raise :class:`GWPError` when a gas with a non-zero amount in ``used`` has no value in this set."""
        missing = self.missing(used)
        if missing:
            raise GWPError(f"GWP set {self.name} has no value for {', '.join(missing)}; add a row for each to its file")


def _read_table(text: str, file: str) -> tuple[list[str], dict[str, dict[str, str]], Rows]:
    """Header set names, metadata rows (by set name) and the gas rows (with their line numbers) of a GWP file."""
    table = read_matrix(text, lambda key: key in _META)
    if table is None:
        raise GWPFileError([Problem("no header row", file=file, expected="a header 'gas,<set name>'")], what=file)
    header, cells, rows = table
    meta = {key: {n: (v[i] if i < len(v) else "") for i, n in enumerate(header[1:])} for key, v in cells.items()}
    return header, meta, rows


def _parse(text: str, file: str, known_gases: tuple[str, ...] | None) -> dict[str, GWPSet]:
    """Every set of a GWP file; :class:`GWPFileError` lists every problem found."""
    header, meta, rows = _read_table(text, file)
    problems: list[Problem] = []
    if not header or header[0] != "gas" or len(header) < 2:
        problems.append(
            Problem("header must be 'gas' then one column per GWP set", file=file, row=1, value=",".join(header))
        )
        raise GWPFileError(problems, what=file)
    names = header[1:]
    for n in names:
        if not n or names.count(n) > 1:
            problems.append(Problem("set name empty or given twice", file=file, field=n or "(empty)", value=n))

    def gas_problems(line: int, gas: str, seen: set[str]) -> list[Problem]:
        out = [Problem("gas given twice", file=file, row=line, field="gas", value=gas)] if gas in seen else []
        if known_gases is not None and gas not in known_gases:
            out.append(
                Problem("unknown gas", file=file, row=line, field="gas", value=gas, expected=", ".join(known_gases))
            )
        return out

    columns, more = column_values(header, rows, file, gas_problems, "not a GWP")
    problems += more
    values = dict(zip(names, columns, strict=True))
    for n in names:
        if values[n].get("CO2") != 1.0:
            problems.append(
                Problem("CO2 is the reference gas", file=file, field=n, value=values[n].get("CO2"), expected="CO2 = 1")
            )
        report = meta.get("@report", {}).get(n) or None
        if report is not None and report not in _REPORTS:
            problems.append(
                Problem("unknown IPCC report", file=file, field=n, value=report, expected="AR4, AR5 or AR6")
            )
        horizon = meta.get("@horizon", {}).get(n) or "100"
        if not horizon.isdigit():
            problems.append(Problem("not a horizon in years", file=file, field=n, value=horizon, expected="e.g. 100"))
    if problems:
        raise GWPFileError(problems, what=file)
    return {
        n: GWPSet(
            name=n,
            label=meta.get("@label", {}).get(n) or n,
            source=meta.get("@source", {}).get(n) or file,
            values=MappingProxyType(values[n]),
            report=meta.get("@report", {}).get(n) or None,
            horizon=int(meta.get("@horizon", {}).get(n) or 100),
        )
        for n in names
    }


@cache
def _bundled() -> tuple[tuple[str, ...], dict[str, GWPSet]]:
    text = resources.files("footprint").joinpath("gwp.csv").read_text(encoding="utf-8")
    _, _, rows = _read_table(text, "gwp.csv")
    order = tuple(cells[0].strip() for _, cells in rows)
    return order, _parse(text, "footprint/gwp.csv", None)


_USER_SETS: dict[str, GWPSet] = {}


def gases() -> tuple[str, ...]:
    """The gases footprint tracks, in the fixed order of every per-gas array."""
    return _bundled()[0]


def gwp_sets() -> tuple[str, ...]:
    """Names of the GWP sets footprint knows: the bundled ones, then those loaded with :func:`load_gwp_set`."""
    return (*_bundled()[1], *_USER_SETS)


def gwp_set(name: str | GWPSet = DEFAULT_GWP_SET) -> GWPSet:
    """The GWP set called ``name`` (``"AR6"``, ``"AR5"``, ``"AR5-fossil"``, ``"AR4"``, ``"AR6-GWP20"`` or one
    loaded with :func:`load_gwp_set`; case-insensitive, with aliases such as ``"AR6-GWP100"``).

    This is where a name from a command line or a configuration file becomes a set: typed code passes
    ``gwp=`` a :data:`GWPSetName` or a :class:`GWPSet`, and ``gwp=fp.gwp_set(name)`` for any other name. A
    :class:`GWPSet` built in code becomes known by its name, as a loaded one does (results name their set,
    and PACT export looks it up again); a name another set already holds raises :class:`GWPError`.
    """
    if isinstance(name, GWPSet):
        return _known(name)
    expect_type(name, str, "gwp")
    bundled = _bundled()[1]
    key = str(name).strip().upper()
    key = _ALIASES.get(key, key)
    for pool in (bundled, _USER_SETS):
        for n, s in pool.items():
            if n.upper() == key.upper():
                return s
    raise GWPError(f"unknown GWP set {name!r}; expected one of {', '.join(gwp_sets())}")


def _known(s: GWPSet) -> GWPSet:
    """``s`` made known by its name; the set already known by that name when it is the same set."""
    try:
        prior: GWPSet | None = gwp_set(s.name)
    except GWPError:
        prior = None
    if prior is None:
        _USER_SETS[s.name] = s
        return s
    if prior != s:
        raise GWPError(f"GWP set name {s.name!r} is already taken by another set; give the set another name")
    return prior


def load_gwp_set(path: str | Path, name: str | None = None) -> GWPSet:
    """Load a GWP set of one's own from a CSV file laid out like the bundled ``gwp.csv``.

    The header is ``gas,<set name>``; each row a gas footprint tracks and its GWP (kg CO2e per kg); optional
    rows ``@label``, ``@source``, ``@report`` (AR4, AR5 or AR6, for PACT) and ``@horizon``. A file with
    several set columns needs ``name`` to pick one. The set is then known by its name to every
    ``gwp=`` argument. Every problem of the file comes in one :class:`GWPFileError`.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GWPFileError([Problem("file not found", file=file, expected="a GWP set CSV file")], what=file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GWPFileError([Problem(f"cannot read file: {exc}", file=file)], what=file) from None
    sets = _parse(text, file, gases())
    if name is None and len(sets) != 1:
        raise GWPFileError(
            [Problem("file holds several GWP sets", file=file, value=", ".join(sets), expected="name= one of them")],
            what=file,
        )
    chosen = sets[name] if name is not None and name in sets else None
    if chosen is None:
        if name is not None:
            raise GWPFileError(
                [Problem("no such set in the file", file=file, value=name, expected=", ".join(sets))], what=file
            )
        chosen = next(iter(sets.values()))
    _register(chosen, file)
    return chosen


def _register(s: GWPSet, file: str) -> None:
    """Make a loaded set known by name; a name taken by another set is refused."""
    try:
        prior: GWPSet | None = gwp_set(s.name)
    except GWPError:
        prior = None
    if prior is not None and (prior.name in _bundled()[1] or dict(prior.values) != dict(s.values)):
        raise GWPFileError(
            [
                Problem(
                    "GWP set name already taken by another set",
                    file=file,
                    field=s.name,
                    value=s.name,
                    expected="a name that is not " + ", ".join(gwp_sets()),
                )
            ],
            what=file,
        )
    _USER_SETS[s.name] = s
