"""Units: one pint registry for the library, built lazily from ``units.txt``.

The registry is footprint's own and is never installed as pint's application registry. A user who wants
pint's module-level helpers to use it can opt in with one line::

    pint.set_application_registry(footprint.unit_registry())

Units are parsed and checked at the boundary (when a factor, product or delivery is loaded); the core
computes on plain float multipliers, one per distinct pair of units (:func:`conversion_factor`).

pint is imported on first need only. The units and conversions of the bundled factors and the usual
spellings are in ``_unit_table`` (what pint answered for them, written by ``python -m
footprint._unit_table_gen`` and checked against pint by the tests), so that a product that uses only those
is checked and converted without starting pint; every other unit goes to pint.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, TypeAlias, TypeGuard

import numpy as np
import numpy.typing as npt

from ._errors import ForeignQuantityError, IncompatibleUnitsError, UnitError, UsageError
from ._unit_table import table_conversion, table_dimension

if TYPE_CHECKING:
    import pint

__all__ = [
    "Q_",
    "check_unit",
    "conversion_factor",
    "dimension_of",
    "ensure_own_quantity",
    "hide_pint_facets",
    "is_pint_quantity",
    "normalize_unit",
    "parse_quantity",
    "parse_unit",
    "split_quantity",
    "unit_registry",
]

#: A magnitude pint holds: a number (``Decimal`` under :func:`footprint.use_decimal`), or numbers.
Magnitude: TypeAlias = float | Decimal | Sequence[float] | npt.NDArray[np.float64]

# "tonne.km" (DESNZ) and "t·km" mean a product of units; pint reads neither.
_PRODUCT_DOT = re.compile(r"(?<=[A-Za-z\)])[.·](?=[A-Za-z\(])")
# "m3", "km2", "ft3" as ERP systems write them; "Sm3" and "Nm3" are units of their own.
_POWER_SUFFIX = re.compile(r"(?<![A-Za-z])(m|cm|mm|dm|km|ft|in|yd)([23])(?![0-9A-Za-z])")
# A unit name inside an expression (not the exponent of a number such as 1e3).
_NAME = re.compile(r"(?<![\w.])[^\W\d]\w*")

# SI prefixes compose onto SI units only; k and M onto currencies (kNOK, MNOK). Every other unit (tonne,
# scf, bbl, Btu, year, piece, ...) takes none: in oil and gas M means thousand and MM million, so Mscf,
# MMscf, Mbbl and MMBtu are units of their own in units.txt.
_SI_UNITS = frozenset({"gram", "meter", "second", "joule", "watt", "watt_hour", "liter", "pascal", "newton", "bar"})
_CURRENCY_PREFIXES = frozenset({"kilo", "mega"})
# Spellings the trade uses with two meanings: refused, naming both readings.
_AMBIGUOUS = dict.fromkeys(
    ("MBtu", "MBTU", "Mbtu", "mbtu"),
    "thousand Btu (M = 10^3, as in the gas trade's Mcf) or million Btu (M = mega); write 'MMBtu' "
    "for 10^6 Btu or '1000 Btu' for 10^3 Btu",
)


_HIDDEN_FACETS: list[str] = []


def hide_pint_facets() -> None:
    """Have pint, when this process first imports it, come without its Dask and Babel facets.

    pint looks for dask and babel when it is imported and loads both when installed (Dask's core alone is
    about a fifth of a cold ``footprint calc``); footprint uses neither through pint. The command line, a
    process of its own where no other code shares pint, asks for this; ``import footprint`` in a program
    leaves pint's import as it is. Where pint is already imported (a test runner), nothing changes.
    """
    _HIDDEN_FACETS[:] = ["dask", "babel"]


def _import_pint() -> None:
    """Import pint on first need (with the facets :func:`hide_pint_facets` asked to hide, hidden)."""
    if "pint" in sys.modules:
        return
    hidden = [name for name in _HIDDEN_FACETS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment] # import and find_spec answer "not installed"
    try:
        import pint  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


def is_pint_quantity(value: object) -> TypeGuard[pint.Quantity]:  # type: ignore[type-arg]
    """True for a pint Quantity (of any registry); False, without importing pint, when pint is not loaded."""
    pint = sys.modules.get("pint")
    return pint is not None and isinstance(value, pint.Quantity)


def _is_pint_unit(value: object) -> TypeGuard[pint.Unit]:
    pint = sys.modules.get("pint")
    return pint is not None and isinstance(value, pint.Unit)


@cache
def unit_registry() -> pint.UnitRegistry:  # type: ignore[type-arg]
    """The library's unit registry (built on first use, then shared)."""
    _import_pint()
    import pint

    ureg: pint.UnitRegistry = pint.UnitRegistry(  # type: ignore[type-arg]
        filename=None,
        autoconvert_offset_to_baseunit=False,
        cache_folder=None,
        non_int_type=float,
    )
    text = resources.files("footprint").joinpath("units.txt").read_text(encoding="utf-8")
    ureg.load_definitions(text.splitlines())
    ureg.formatter.default_format = "~"
    return ureg


def Q_(  # noqa: N802 - pint's own idiom
    value: Magnitude | str | pint.Quantity,  # type: ignore[type-arg]
    unit: str | pint.Unit | None = None,
) -> pint.Quantity:  # type: ignore[type-arg]
    """A quantity in footprint's registry, e.g. ``Q_(3.5, "kWh")``, ``Q_("12 kg")`` or ``Q_(np.array([1.0, 2.0]), "t")``
    (a number, a :class:`~decimal.Decimal`, a sequence or array of numbers, a quantity as text, or a pint quantity)."""
    ureg = unit_registry()
    if is_pint_quantity(value):
        q = ensure_own_quantity(value)
        return q if unit is None else q.to(parse_unit(unit))
    try:
        if unit is None:
            if isinstance(value, str):
                return parse_quantity(value)
            return ureg.Quantity(value)
        return ureg.Quantity(value, parse_unit(unit))
    except UnitError:
        raise
    except TypeError as exc:  # a magnitude pint cannot hold (None, a dict)
        raise UsageError(f"value must be a number or a quantity as text, got {type(value).__name__}: {exc}") from None
    except ValueError as exc:  # an empty string
        raise UnitError(f"cannot read quantity {value!r}: {exc}") from None


def normalize_unit(text: str) -> str:
    """Rewrite the spellings of ERP and government tables that pint does not read (``tonne.km``)."""
    text = text.strip()
    text = text.replace("³", "3").replace("²", "2")
    text = _PRODUCT_DOT.sub("*", text)
    return _POWER_SUFFIX.sub(r"\1**\2", text)


# A currency of one price year: "USD_2021" is US dollars at 2021 prices (optionally k or M: "kEUR_2024"). Each
# currency-year is a dimension of its own, defined on first read, so that a spend never meets a factor of
# another currency or price year without the exchange rate and deflator the user gives (convert_spend).
PRICE_YEAR_UNIT = re.compile(r"^(k|M)?([A-Z]{3})_((?:19|20)\d\d)$")
_PRICE_YEAR_LOCK = threading.Lock()


def _define_price_year(name: str) -> None:
    """Define the currency-year unit ``name`` names (``kUSD_2021`` defines ``USD_2021``) if its currency is known."""
    m = PRICE_YEAR_UNIT.match(name)
    if m is None or m.group(2) not in CURRENCIES:
        return
    symbol = f"{m.group(2)}_{m.group(3)}"
    ureg = unit_registry()
    with _PRICE_YEAR_LOCK:
        if symbol not in ureg:
            ureg.define(f"{symbol} = [currency_{symbol}]")


def _resolve_name(name: str, text: str) -> str:
    """The registry name of one unit name in ``text``, refusing a prefix on a unit that takes none."""
    if name in _AMBIGUOUS:
        raise UnitError(f"unit {text!r}: {name!r} is ambiguous: it may mean {_AMBIGUOUS[name]}")
    _define_price_year(name)
    ureg = unit_registry()
    candidates = ureg.parse_unit_name(name)
    for prefix, unit, _ in candidates:
        if not prefix:
            return str(unit)
    for prefix, unit, _ in candidates:
        currency = str(unit).startswith(_CURRENCY_NAMES) or PRICE_YEAR_UNIT.match(str(unit)) is not None
        if unit in _SI_UNITS or (prefix in _CURRENCY_PREFIXES and currency):
            return f"{prefix}{unit}"
    if candidates:
        prefix, unit, _ = candidates[0]
        raise UnitError(
            f"unknown unit {text!r}: {name!r} would be {prefix}-{unit}, but no SI prefix composes onto {unit} "
            "(in oil and gas M means thousand and MM million: Mscf, MMscf, Mbbl, MMBtu are defined as such); "
            "see docs/units.md for the units footprint reads"
        )
    return name  # unknown: pint names it below


# The ISO 4217 codes of units.txt; a price-year unit ("EUR_2024") is read for these only.
CURRENCIES = frozenset({"EUR", "USD", "NOK", "GBP", "SEK", "DKK", "CNY", "JPY"})
_CURRENCY_NAMES = ("euro", "us_dollar", "norwegian_krone", "british_pound", "swedish_krona", "danish_krone",
                   "chinese_yuan", "japanese_yen")  # fmt: skip


@cache
def _parse_unit_cached(text: str) -> pint.Unit:
    ureg = unit_registry()
    import pint

    norm = _NAME.sub(lambda m: _resolve_name(m.group(0), text), normalize_unit(text))
    if not norm:
        raise UnitError("empty unit; expected a unit such as 'kg', 'kWh', 'L', 't*km' or 'piece'")
    try:
        parsed = ureg.parse_expression(norm)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitError(f"unknown unit {text!r}: {exc}; see docs/units.md for the units footprint reads") from None
    except Exception as exc:  # pint raises assorted errors on malformed expressions
        raise UnitError(f"cannot read unit {text!r}: {exc}") from None
    if isinstance(parsed, pint.Quantity):
        if parsed.magnitude != 1:
            raise UnitError(f"unit {text!r} carries a number; give the number as the quantity, not the unit")
        return parsed.units  # type: ignore[return-value]
    raise UnitError(f"{text!r} is a number, not a unit")


def parse_unit(unit: str | pint.Unit) -> pint.Unit:
    """Parse a unit expression (``"kg"``, ``"t*km"``, ``"tonne.km"``, ``"MJ"``) into a registry unit."""
    if _is_pint_unit(unit):
        if unit._REGISTRY is not unit_registry():
            raise ForeignQuantityError(
                f"unit {unit} comes from another pint registry; pass it as a string or build it with "
                "footprint.Q_ / footprint.unit_registry()"
            )
        return unit
    if not isinstance(unit, str):
        raise UnitError(f"expected a unit as text, got {type(unit).__name__} {unit!r}")
    return _parse_unit_cached(unit)


def check_unit(unit: str | pint.Unit) -> None:
    """Raise :class:`UnitError` unless :func:`parse_unit` reads ``unit`` (without pint for a tabled unit)."""
    if not (isinstance(unit, str) and table_dimension(unit) is not None):
        parse_unit(unit)


_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)\s*(.*?)\s*$", re.IGNORECASE)


def split_quantity(text: str) -> tuple[float, str]:
    """Split ``"12.5 kg"`` into ``(12.5, "kg")`` without parsing the unit (``""`` when there is none)."""
    if not isinstance(text, str):
        raise UnitError(f"expected a quantity as text such as '12.5 kg', got {text!r}")
    m = _NUMBER_UNIT.match(text)
    if m is None:
        raise UnitError(f"cannot read quantity {text!r}; expected a number and a unit such as '12.5 kg'")
    return float(m.group(1)), m.group(2)


def parse_quantity(text: str) -> pint.Quantity:  # type: ignore[type-arg]
    """Parse ``"12.5 kg"`` or ``"0.84 kg/L"`` into a quantity of footprint's registry."""
    value, unit = split_quantity(text)
    if not unit:
        return unit_registry().Quantity(value)
    return unit_registry().Quantity(value, parse_unit(unit))


def ensure_own_quantity(q: object, what: str = "quantity") -> pint.Quantity:  # type: ignore[type-arg]
    """Accept a quantity of footprint's registry; refuse one from a foreign registry with a clear error."""
    if is_pint_quantity(q):
        if q._REGISTRY is not unit_registry():
            raise ForeignQuantityError(
                f"{what} {q} was made by another pint registry than footprint's; build it with "
                "footprint.Q_(value, unit), or pass value and unit as text, or opt in globally with "
                "pint.set_application_registry(footprint.unit_registry())"
            )
        return q
    raise UnitError(f"{what}: expected a pint Quantity, got {type(q).__name__}")


@cache
def dimension_of(unit: str) -> str:
    """The dimensionality of a unit as text, e.g. ``'[mass]'`` for ``'t'``."""
    known = table_dimension(unit) if isinstance(unit, str) else None
    return known if known is not None else str(parse_unit(unit).dimensionality)


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """The number that turns an amount in ``from_unit`` into ``to_unit`` (cached per pair).

    Raises :class:`IncompatibleUnitsError` when the dimensions differ: a piece is no kilogram, a euro no
    krone, a litre no kilogram without a declared density.
    """
    for what, unit in (("from_unit", from_unit), ("to_unit", to_unit)):
        if not _is_unit_argument(unit):
            raise UnitError(f"{what} must be a unit as text, got {type(unit).__name__} {unit!r}")
    return _conversion_factor(from_unit, to_unit)


def _is_unit_argument(value: object) -> bool:
    """A unit as text or a pint unit (what a caller without type checks may pass is checked here)."""
    return isinstance(value, str) or _is_pint_unit(value)


@cache
def _conversion_factor(from_unit: str, to_unit: str) -> float:
    known = table_conversion(from_unit, to_unit) if isinstance(from_unit, str) and isinstance(to_unit, str) else None
    return known if known is not None else conversion_by_pint(from_unit, to_unit)


def conversion_by_pint(from_unit: str, to_unit: str) -> float:
    """:func:`conversion_factor` as pint computes it (what ``_unit_table`` holds for the tabled pairs)."""
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise IncompatibleUnitsError(
            f"cannot convert {from_unit!r} {dict(src.dimensionality) or '(dimensionless)'} to {to_unit!r} "
            f"{dict(dst.dimensionality) or '(dimensionless)'}"
        )
    return float(unit_registry().Quantity(1.0, src).to(dst).magnitude)
