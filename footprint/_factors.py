"""Emission factors: the emissions of one unit of an activity, per gas or pre-folded, with provenance."""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._biogenic import SET_INDEPENDENT_GASES
from ._energy_basis import EnergyBasis, is_energy, split_basis
from ._engine import distinct_rows
from ._errors import (
    CurrencyError,
    FactorError,
    GWPError,
    IncompatibleUnitsError,
    InputError,
    Problem,
    UnitError,
    UnknownFactorError,
    expect_type,
)
from ._factor_rows import FactorRows, ObjectRows, PickedRows
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gases, gwp_set
from ._models import CheckedModel
from ._prefolded import DEFAULT_PREFOLDED, PrefoldedPolicy
from ._substances import BESIDE_CO2E, NON_GREENHOUSE, substance_column, substances
from ._unit_table import table_bridge
from ._units import (
    Q_,
    check_unit,
    conversion_factor,
    dimension_of,
    ensure_own_quantity,
    parse_quantity,
    parse_unit,
    split_quantity,
)

if TYPE_CHECKING:
    import pandas as pd
    import pint

__all__ = [
    "BOUNDARIES",
    "CATEGORIES",
    "CONVERSION_FIELDS",
    "DEFAULT_PREFOLDED",
    "Conversion",
    "EmissionFactor",
    "Emissions",
    "FactorLibrary",
    "PrefoldedPolicy",
    "Provenance",
    "Uncertainty",
    "activity_to_factor_unit",
    "emissions",
]

Category = Literal[
    "fuel", "fuel-wtt", "electricity", "freight", "freight-wtt", "material", "process", "waste",
    "component", "credit", "other",
]  # fmt: skip
Boundary = Literal[
    "cradle-to-gate", "well-to-tank", "tank-to-wheel", "well-to-wheel", "combustion", "life-cycle",
    "end-of-life", "gate-to-gate",
]  # fmt: skip
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
BOUNDARIES: tuple[str, ...] = Boundary.__args__  # type: ignore[attr-defined]


_ID = re.compile(r"^[a-z0-9][a-z0-9._\-]*$")
_FUEL_CATEGORIES = ("fuel", "fuel-wtt")
_PREFOLD_SETS = ("AR6", "AR5", "AR5-fossil", "AR4", "AR6-GWP20", "unspecified")


class Uncertainty(CheckedModel):
    """A probability distribution of a value, relative to the value it belongs to.

    - ``lognormal``: geometric standard deviation ``gsd`` (> 1); the median is the value.
    - ``normal``: standard deviation ``sd`` as a fraction of the value.
    - ``triangular``: ``min``, ``mode``, ``max`` as multiples of the value.
    - ``uniform``: ``min`` and ``max`` as multiples of the value.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    error: ClassVar[type[InputError]] = FactorError

    distribution: Literal["lognormal", "normal", "triangular", "uniform"]
    gsd: float | None = None
    sd: float | None = None
    min: float | None = None
    mode: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def parameters_fit_the_distribution(self) -> Uncertainty:
        d = self.distribution
        if d == "lognormal" and not (self.gsd is not None and math.isfinite(self.gsd) and self.gsd >= 1):
            raise ValueError("lognormal needs gsd >= 1 (geometric standard deviation)")
        if d == "normal" and not (self.sd is not None and math.isfinite(self.sd) and self.sd >= 0):
            raise ValueError("normal needs sd >= 0 (standard deviation as a fraction of the value)")
        if d == "uniform" and not (self.min is not None and self.max is not None and self.min <= self.max):
            raise ValueError("uniform needs min <= max")
        if d == "triangular" and not (
            self.min is not None and self.mode is not None and self.max is not None
            and self.min <= self.mode <= self.max
        ):  # fmt: skip
            raise ValueError("triangular needs min <= mode <= max")
        return self

    @classmethod
    def parse(cls, text: str) -> Uncertainty:
        """Read ``"lognormal gsd=1.2"``, ``"normal sd=0.1"``, ``"triangular min=0.9 mode=1 max=1.3"``."""
        parts = text.split()
        if not parts:
            raise ValueError("empty uncertainty")
        params: dict[str, Any] = {"distribution": parts[0].lower()}
        for p in parts[1:]:
            key, sep, val = p.partition("=")
            if not sep:
                raise ValueError(f"expected key=value, got {p!r}")
            params[key.strip().lower()] = float(val)
        return cls.model_validate(params)

    def __str__(self) -> str:
        keys = ("gsd", "sd", "min", "mode", "max")
        return " ".join(
            [self.distribution, *(f"{k}={getattr(self, k):g}" for k in keys if getattr(self, k) is not None)]
        )


class _Source(BaseModel):
    """The source a factor is taken from: publication, edition, table, region, licence and system boundary (the
    fields :class:`Provenance` and :class:`EmissionFactor` share).

    The factor models are built on first use (``defer_build``, inherited): a calculation whose factors come
    from the cache of the bundled library (:mod:`._factor_cache`) never validates one, so never builds them."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    source: str
    source_url: str | None = None
    edition: str
    table: str | None = None
    region: str
    licence: str
    boundary: Boundary


class _Emissions(CheckedModel):
    """What one factor measures: its activity (id, name, category, unit) and emissions per unit, per gas or
    pre-folded (see :class:`EmissionFactor`)."""

    model_config = ConfigDict(defer_build=True)

    id: str
    name: str
    category: Category
    unit: str
    gases: dict[str, float] = Field(default_factory=dict)
    co2e: float | None = None
    gwp_set: str | None = None


class Provenance(_Source):
    """Where a factor comes from and what it covers."""

    dqr_technological: int | None = None
    dqr_geographical: int | None = None
    dqr_temporal: int | None = None
    proxy: bool = False
    valid_from: date | None = None
    valid_to: date | None = None
    notes: str | None = None


class EmissionFactor(_Source, _Emissions):
    """The emissions of one ``unit`` of an activity.

    Either per gas (``gases``: kg of each gas per unit, refolded under any GWP set) or pre-folded
    (``co2e``: kg CO2e per unit as the source gives it, with the ``gwp_set`` the source used).
    ``density`` and ``net_calorific_value`` are declared properties that let the factor serve an
    activity measured in another dimension (litres of diesel against a factor per TJ).
    A fuel factor per unit of energy states its heating-value ``energy_basis`` (``net``: NCV/LHV, as IPCC
    gives them; ``gross``: GCV/HHV, as US EPA does), and may declare the fuel's ``gcv_ncv_ratio`` (gross over
    net calorific value, cited in ``notes``) to serve activities stated on the other basis.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    error: ClassVar[type[InputError]] = FactorError

    # the fields of _Emissions come first, then those of _Source (pydantic orders fields from the last base to
    # the first), then these
    dqr_technological: int | None = Field(default=None, ge=1, le=5)
    dqr_geographical: int | None = Field(default=None, ge=1, le=5)
    dqr_temporal: int | None = Field(default=None, ge=1, le=5)
    proxy: bool = False
    density: str | None = None
    net_calorific_value: str | None = None
    energy_basis: EnergyBasis | None = None
    gcv_ncv_ratio: float | None = Field(default=None, gt=1.0, le=1.5)
    uncertainty: Uncertainty | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    supplier: str | None = None
    footprint_id: str | None = None
    primary_data_share: float | None = Field(default=None, ge=0, le=1)
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def id_is_a_slug(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"id {v!r} must be lower case letters, digits and . _ - (e.g. 'steel.bof.worldsteel')")
        return v

    @field_validator("unit")
    @classmethod
    def unit_is_known(cls, v: str) -> str:
        check_unit(v)
        return v

    @field_validator("gases")
    @classmethod
    def gases_are_known_and_finite(cls, v: dict[str, float]) -> dict[str, float]:
        known = substances()
        for g, x in v.items():
            if g not in known:
                raise ValueError(f"unknown substance {g!r}; expected one of {', '.join(known)}")
            if not math.isfinite(x):
                raise ValueError(f"gas {g}: value {x!r} is not finite")
        return {g: float(x) for g, x in v.items()}

    @field_validator("density")
    @classmethod
    def density_is_mass_per_volume(cls, v: str | None) -> str | None:
        if v is not None and not _positive_amount_of(v, "kg/L", "kg/Sm3"):
            raise ValueError(f"density {v!r} must be a positive mass per volume, e.g. '0.84 kg/L' or '0.8 kg/Sm3'")
        return v

    @field_validator("net_calorific_value")
    @classmethod
    def ncv_is_energy_per_mass(cls, v: str | None) -> str | None:
        if v is not None and not _positive_amount_of(v, "MJ/kg"):
            raise ValueError(f"net calorific value {v!r} must be a positive energy per mass, e.g. '43 MJ/kg'")
        return v

    @model_validator(mode="after")
    def gases_or_prefolded_co2e(self) -> EmissionFactor:
        if self.co2e is None and not self.gases:
            raise ValueError("a factor needs per-gas values (gases) or a pre-folded co2e value")
        if self.co2e is not None and set(self.gases) - BESIDE_CO2E:
            raise ValueError(
                "give either per-gas values or a pre-folded co2e value, not both (beside a co2e only "
                f"{', '.join(sorted(SET_INDEPENDENT_GASES))}, whose GWP is the same in every set, and the air "
                "pollutants, which no GWP set folds)"
            )
        if self.co2e is not None:
            if not math.isfinite(self.co2e):
                raise ValueError(f"co2e {self.co2e!r} is not finite")
            if self.gwp_set not in _PREFOLD_SETS:
                raise ValueError(f"a pre-folded co2e needs gwp_set, one of {', '.join(_PREFOLD_SETS)}")
        elif self.gwp_set is not None:
            raise ValueError("gwp_set belongs to pre-folded co2e values only; per-gas values fold under any set")
        values = [*self.gases.values(), *([self.co2e] if self.co2e is not None else [])]
        if self.category != "credit" and any(x < 0 for x in values):
            raise ValueError("negative emissions are allowed only for category 'credit'")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from is after valid_to")
        self._check_energy_basis()
        return self

    def _check_energy_basis(self) -> None:
        """A fuel factor per unit of energy states its basis; a basis belongs to energy factors only."""
        per_energy = is_energy(self.unit)
        if self.category in _FUEL_CATEGORIES and per_energy and self.energy_basis is None:
            raise ValueError(
                f"energy_basis: a fuel factor per {self.unit} must state its heating-value basis, 'net' (NCV/LHV, "
                "as IPCC gives them) or 'gross' (GCV/HHV, as US EPA gives them)"
            )
        if self.energy_basis is not None and not per_energy:
            raise ValueError(f"energy_basis: only a factor per unit of energy has one, not a factor per {self.unit}")
        if self.gcv_ncv_ratio is not None and self.energy_basis is None:
            raise ValueError("gcv_ncv_ratio: needs the factor's energy_basis")
        if self.energy_basis == "gross" and self.net_calorific_value is not None:
            raise ValueError(
                "net_calorific_value: a factor per gross energy cannot bridge mass to energy with a net "
                "calorific value; state the factor per net energy or leave the net calorific value out"
            )

    @property
    def is_prefolded(self) -> bool:
        """True when the source gave CO2e only, folded with ``gwp_set``."""
        return self.co2e is not None

    @property
    def provenance(self) -> Provenance:
        """The factor's source, licence, boundary and data quality."""
        return Provenance(**{k: getattr(self, k) for k in Provenance.model_fields})

    def co2e_per_unit(self, gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET, prefolded: PrefoldedPolicy = "error") -> float:
        """kg CO2e per one ``unit`` under the GWP set ``gwp``.

        A pre-folded factor under another set raises :class:`GWPError` unless ``prefolded="report"``.
        """
        gs = gwp_set(gwp)
        gs.check_covers(self.gases)
        per_gas = float(sum(v * gs.values.get(g, 0.0) for g, v in self.gases.items() if g in gs.values))
        if self.co2e is None:
            return per_gas
        if self.gwp_set != gs.name and prefolded != "report":
            raise GWPError(prefolded_message([self], gs.name))
        return self.co2e + per_gas


def prefolded_message(factors: Sequence[EmissionFactor], wanted: str) -> str:
    """The error text for pre-folded factors used under another GWP set."""
    listed = ", ".join(f"{f.id} ({f.gwp_set})" for f in factors[:10])
    more = f" and {len(factors) - 10} more" if len(factors) > 10 else ""
    return (
        f"{len(factors)} factor(s) are given by their source as CO2e folded with another GWP set than "
        f"{wanted}: {listed}{more}. They cannot be refolded. Either calculate with their GWP set "
        "(--gwp / gwp=...), or accept their CO2e unchanged and have the result list them "
        "(--prefolded report / prefolded='report')."
    )


class Conversion(CheckedModel):
    """How an activity's unit was brought to its factor's unit."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    error: ClassVar[type[InputError]] = FactorError

    from_unit: str
    to_unit: str
    multiplier: float
    via: tuple[str, ...] = ()


def _positive_amount_of(text: str, *like: str) -> bool:
    """True when ``text`` (``"0.84 kg/L"``) is a positive amount in the dimension of one of the units ``like``;
    a unit that cannot be read raises :class:`UnitError`."""
    value, unit = split_quantity(text)
    return bool(unit) and dimension_of(unit) in {dimension_of(u) for u in like} and value > 0


_BRIDGES: tuple[tuple[tuple[str, int], ...], ...] = (
    (),
    (("density", 1),),
    (("density", -1),),
    (("net_calorific_value", 1),),
    (("net_calorific_value", -1),),
    (("density", 1), ("net_calorific_value", 1)),
    (("density", -1), ("net_calorific_value", -1)),
)


#: The fields of a factor that :func:`activity_to_factor_unit` reads.
CONVERSION_FIELDS = ("unit", "density", "net_calorific_value", "energy_basis", "gcv_ncv_ratio")


def activity_to_factor_unit(unit: str, factor: EmissionFactor) -> Conversion:
    """The multiplier that turns an amount in ``unit`` into the factor's unit.

    Same dimension: a plain conversion. Otherwise the factor's declared density and net calorific value
    may bridge mass, volume and energy (never an implicit guess); the result names what it used. An energy
    against a factor with an ``energy_basis`` must state its own (``"kWh net"``); the factor's
    ``gcv_ncv_ratio`` converts between the bases, and without one a mismatch is refused.
    """
    core, basis = split_basis(unit)
    conv = _conversion(core, factor.unit, factor.density, factor.net_calorific_value)
    if any(v.startswith("net_calorific_value") for v in conv.via) and basis == "gross":
        raise UnitError(
            f"an activity in {unit!r} (gross energy) cannot meet factor {factor.id}: it bridges energy and mass "
            "with a net calorific value; state the activity's energy on the net basis"
        )
    if factor.energy_basis is None or conv.via or not is_energy(core):
        return conv if core == unit else conv.model_copy(update={"from_unit": unit})
    if basis is None:
        raise UnitError(
            f"factor {factor.id} is per {factor.unit} of {factor.energy_basis} energy "
            f"({_BASIS_NAMES[factor.energy_basis]}); state the activity's heating-value basis, e.g. "
            f"'{core} net' or '{core} gross'"
        )
    if basis == factor.energy_basis:
        return conv.model_copy(update={"from_unit": unit})
    ratio = factor.gcv_ncv_ratio
    if ratio is None:
        raise UnitError(
            f"an activity in {unit!r} ({basis} energy) cannot meet factor {factor.id} per {factor.unit} of "
            f"{factor.energy_basis} energy: the factor declares no gcv_ncv_ratio for its fuel; state the activity "
            f"on the {factor.energy_basis} basis or use a factor per {basis} energy"
        )
    scale = ratio if basis == "net" else 1.0 / ratio  # net -> gross multiplies by GCV/NCV
    return Conversion(
        from_unit=unit,
        to_unit=factor.unit,
        multiplier=conv.multiplier * scale,
        via=(f"gcv_ncv_ratio={ratio:g} ({basis} -> {factor.energy_basis})",),
    )


_BASIS_NAMES = {"net": "NCV/LHV", "gross": "GCV/HHV"}


def _refuse_other_currency(unit: str, to_unit: str) -> None:
    """Raise :class:`CurrencyError` when a spend meets a spend factor of another currency or price year."""
    dims = [dict(parse_unit(u).dimensionality) for u in (unit, to_unit)]
    if all(len(d) == 1 and next(iter(d)).startswith("[currency_") for d in dims):
        raise CurrencyError(
            f"a spend in {unit!r} cannot meet a factor per {to_unit!r}: a spend-based factor holds for one "
            "currency at one year's prices; state the spend in the factor's currency and price year, or convert "
            "it with your exchange rate and deflator (footprint.convert_spend)"
        )


@cache
def _conversion(unit: str, to_unit: str, density: str | None, ncv: str | None) -> Conversion:
    known = table_bridge(unit, to_unit, density, ncv)
    if known is not None:
        return Conversion(from_unit=unit, to_unit=to_unit, multiplier=known[0], via=known[1])
    return bridged_conversion(unit, to_unit, density, ncv)


def bridged_conversion(unit: str, to_unit: str, density: str | None, ncv: str | None) -> Conversion:
    """The conversion from ``unit`` to ``to_unit``, directly or through a density and a net calorific value,
    as pint computes it (what ``_unit_table`` holds for the bundled factors' bridges)."""
    try:
        return Conversion(from_unit=unit, to_unit=to_unit, multiplier=conversion_factor(unit, to_unit))
    except IncompatibleUnitsError:
        _refuse_other_currency(unit, to_unit)
    props = {"density": density, "net_calorific_value": ncv}
    target = parse_unit(to_unit)
    for bridge in _BRIDGES[1:]:
        if any(props[name] is None for name, _ in bridge):
            continue
        q = Q_(1.0, unit)
        for name, power in bridge:
            q = q * parse_quantity(props[name]) ** power  # type: ignore[arg-type]
        if q.dimensionality == target.dimensionality:
            via = tuple(f"{name}={props[name]}" for name, _ in bridge)
            return Conversion(from_unit=unit, to_unit=to_unit, multiplier=float(q.to(target).magnitude), via=via)
    declared = [f"{k}={v}" for k, v in props.items() if v is not None]
    raise IncompatibleUnitsError(
        f"an activity in {unit!r} cannot meet a factor per {to_unit!r}: the dimensions differ and "
        + (
            f"the declared {', '.join(declared)} do not bridge them"
            if declared
            else "the factor declares no density or net calorific value"
        )
    )


class Emissions(BaseModel):
    """The emissions of one activity under one factor."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    factor_id: str
    activity_amount: float
    activity_unit: str
    amount_in_factor_unit: float
    conversion: Conversion
    gwp_set: str
    kgco2e: float
    by_gas: dict[str, float]
    prefolded_gwp_set: str | None = None


def emissions(
    activity: pint.Quantity | tuple[float, str] | str,  # type: ignore[type-arg]
    factor: EmissionFactor,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "error",
) -> Emissions:
    """Emissions of an activity (``Q_(1000, "L")``, ``(1000, "L")`` or ``"1000 L"``) under ``factor``.

    An energy against a fuel factor per unit of energy states its heating-value basis: ``"1000 MJ net"``,
    ``(1000, "kWh gross")`` (see :func:`activity_to_factor_unit`).

    ``by_gas`` holds kg of each substance, greenhouse gases and air pollutants (a pre-folded factor gives
    ``CO2e`` in place of its greenhouse gases, and the substances it carries beside it).
    """
    expect_type(factor, EmissionFactor, "factor")
    if isinstance(activity, str):
        amount, unit = split_quantity(activity)
        check_unit(split_basis(unit)[0])
    elif isinstance(activity, tuple):
        amount, unit = float(activity[0]), str(activity[1])
    else:
        q = ensure_own_quantity(activity, "activity")
        amount, unit = float(q.magnitude), str(q.units)
    if not math.isfinite(amount):
        raise UnitError(f"activity amount {amount!r} is not finite")
    conv = activity_to_factor_unit(unit, factor)
    x = amount * conv.multiplier
    kg = factor.co2e_per_unit(gwp, prefolded) * x
    by_gas = {g: v * x for g, v in factor.gases.items()} if not factor.is_prefolded else {"CO2e": kg}
    if factor.is_prefolded:
        by_gas.update({g: v * x for g, v in factor.gases.items() if g in NON_GREENHOUSE})
    gs = gwp_set(gwp)
    return Emissions(
        factor_id=factor.id,
        activity_amount=amount,
        activity_unit=unit,
        amount_in_factor_unit=x,
        conversion=conv,
        gwp_set=gs.name,
        kgco2e=kg,
        by_gas=by_gas,
        prefolded_gwp_set=factor.gwp_set if factor.is_prefolded and factor.gwp_set != gs.name else None,
    )


#: Words that mean the same in a factor search (British, American and trade usage).
_SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("truck", "lorry", "hgv", "lgv"),
    ("forging", "forge", "forged"),
    ("ship", "vessel", "boat"),
    ("aluminium", "aluminum"),
    ("rubber", "elastomer"),
    ("paint", "coating"),
    ("plane", "aircraft", "airfreight"),
)
_SYNONYMS: dict[str, tuple[str, ...]] = {w: g for g in _SYNONYM_GROUPS for w in g}


class FactorLibrary:
    """An immutable collection of emission factors with unique ids.

    Built by :func:`footprint.load_factors` or :func:`footprint.default_library`; several libraries merge
    with :meth:`merge`, the first named taking precedence. ``version`` is a content hash that results record.
    """

    def __init__(
        self,
        factors: Iterable[EmissionFactor],
        name: str = "library",
        origins: dict[str, str] | None = None,
        shadowed: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        expect_type(factors, Iterable, "factors")
        if not isinstance(factors, FactorRows):  # rows of columns were checked when read
            items = tuple(factors)
            for k, f in enumerate(items):
                expect_type(f, EmissionFactor, f"factors[{k}]")
            factors = ObjectRows(items)
        self._factors: FactorRows = factors
        expect_type(name, str, "name")
        self._index = dict(zip(factors.ids, range(len(factors)), strict=True))
        if len(self._index) != len(self._factors):
            counts = Counter(factors.ids)
            dup = sorted(i for i, c in counts.items() if c > 1)
            raise FactorError(
                [Problem("factor id given twice", field="id", value=i, expected="unique ids") for i in dup],
                what=f"library {name}",
            )
        self.name = name
        self._origins = dict(origins) if origins else None  # None: every factor is this library's own
        self._shadowed = tuple(shadowed)

    def __len__(self) -> int:
        return len(self._factors)

    def __iter__(self) -> Iterator[EmissionFactor]:
        return iter(self._factors)

    def __contains__(self, factor_id: object) -> bool:
        return factor_id in self._index

    def __getitem__(self, factor_id: str) -> EmissionFactor:
        return self.get(factor_id)

    def __repr__(self) -> str:
        return f"FactorLibrary(name={self.name!r}, factors={len(self)}, version={self.version!r})"

    def _repr_html_(self) -> str:
        """Size, version and the factors per category and licence, for notebooks (all text escaped)."""
        from .report._display import library_html

        return library_html(self)

    @property
    def ids(self) -> tuple[str, ...]:
        """Factor ids in library order."""
        return tuple(self._index)

    def get(self, factor_id: str) -> EmissionFactor:
        """The factor with this id; :class:`UnknownFactorError` with the closest ids otherwise."""
        expect_type(factor_id, str, "factor_id")
        i = self._index.get(factor_id)
        if i is None:
            close = difflib.get_close_matches(str(factor_id), self._index, n=3, cutoff=0.6)
            hint = (
                f"; did you mean {', '.join(close)}?" if close else "; search the library with footprint factors search"
            )
            raise UnknownFactorError(f"no factor {factor_id!r} in {self.name}{hint}")
        return self._factors[i]

    def factor_at(self, index: int) -> EmissionFactor:
        """The factor at a position of the library's arrays."""
        return self._factors[index]

    def index_of(self, factor_id: str) -> int:
        """Position of a factor in the library's arrays."""
        self.get(factor_id)
        return self._index[factor_id]

    def positions(self, factor_ids: Sequence[str]) -> npt.NDArray[np.intp]:
        """Positions of many factors in the library's arrays at once, -1 for an id it lacks (for callers that
        map one library onto another without a lookup per factor)."""
        if tuple(factor_ids) == self.ids:
            return np.arange(len(self), dtype=np.intp)
        index = self._index
        return np.fromiter((index.get(f, -1) for f in factor_ids), dtype=np.intp, count=len(factor_ids))

    def origin(self, factor_id: str) -> str:
        """Name of the library (file) a factor was taken from after merging."""
        self.get(factor_id)
        return self._origin(factor_id)

    def _origin(self, factor_id: str) -> str:
        return self.name if self._origins is None else self._origins[factor_id]

    @property
    def shadowed(self) -> tuple[tuple[str, str, str], ...]:
        """``(factor id, library used, library overridden)`` for each id that a merge resolved."""
        return self._shadowed

    @cached_property
    def version(self) -> str:
        """A content hash of every factor: equal factors, equal versions, whatever the library's name."""
        # the hash of json.dumps([f.model_dump(mode="json") for f in factors sorted by id], sort_keys=True),
        # written a block of rows at a time from the rows' columns
        ids = self._factors.ids
        order = sorted(range(len(ids)), key=ids.__getitem__)
        digest = hashlib.sha256(b"[")
        for start in range(0, len(order), 4096):
            block = ", ".join(self._factors.json_rows(order[start : start + 4096]))
            digest.update(((", " if start else "") + block).encode())
        digest.update(b"]")
        return f"sha256:{digest.hexdigest()[:16]}"

    def merge(self, *others: FactorLibrary, name: str | None = None) -> FactorLibrary:
        """A library of this one's factors over ``others``: an id found here wins, then the first other.

        Each resolved duplicate is listed in :attr:`shadowed`, so a result can say whose factor it used.
        """
        for k, other in enumerate(others):
            expect_type(other, FactorLibrary, f"others[{k}]")
        libs = (self, *others)
        chosen: dict[str, tuple[int, int]] = {}  # id -> (library, position): factors are compared, not made
        shadowed: list[tuple[str, str, str]] = list(self._shadowed)
        for p, lib in enumerate(libs):
            for r, fid in enumerate(lib._factors.ids):
                prior = chosen.setdefault(fid, (p, r))
                if prior[0] != p and libs[prior[0]]._factors[prior[1]] != lib._factors[r]:
                    shadowed.append((fid, libs[prior[0]]._origin(fid), lib._origin(fid)))
        where = np.array(list(chosen.values()), dtype=np.intp).reshape(-1, 2)
        rows = PickedRows([lib._factors for lib in libs], where[:, 0], where[:, 1])
        origins = {fid: libs[p]._origin(fid) for fid, (p, _) in chosen.items()}
        merged_name = name or "+".join(lib.name for lib in libs)
        return FactorLibrary(rows, name=merged_name, origins=origins, shadowed=shadowed)

    def search(
        self,
        text: str | None = None,
        *,
        category: str | None = None,
        region: str | None = None,
        boundary: str | None = None,
    ) -> list[EmissionFactor]:
        """Factors whose id, name or notes contain every word of ``text`` (case-insensitive; a word also
        matches its synonyms: truck, lorry and HGV; forging and forge; ship and vessel ...), filtered by
        category, region and boundary."""
        expect_type(text, (str, type(None)), "text")
        words = [_SYNONYMS.get(w, (w,)) for w in text.lower().split()] if text else []
        rows = self._factors
        keys = ("id", "name", "notes", "table", "category", "region", "boundary")
        fields = zip(*(rows.field(k) for k in keys), strict=True)
        out = []
        for i, (fid, fname, notes, table, cat, reg, bound) in enumerate(fields):  # read from columns: made if found
            if category and cat != category:
                continue
            if region and reg.upper() != region.upper():
                continue
            if boundary and bound != boundary:
                continue
            hay = f"{fid} {fname} {notes or ''} {table or ''}".lower()
            if all(any(s in hay for s in group) for group in words):
                out.append(rows[i])
        return out

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, name: str = "DataFrame") -> FactorLibrary:
        """A library from a DataFrame with the columns of a factor file (docs/factor-files.md), checked like
        a file: every problem at once, at DataFrame positions. Reads what :meth:`to_frame` writes."""
        import pandas as pd

        from ._factor_io import read_factor_frame

        expect_type(frame, pd.DataFrame, "frame")
        return cls(read_factor_frame(frame, name), name=name)

    def to_frame(self) -> pd.DataFrame:
        """One row per factor: id, name, unit, kg CO2e under AR6 (NaN for factors pre-folded under
        another set), per-gas columns and provenance: the columns of a factor file, plus ``kgco2e_ar6`` and
        ``library`` (derived; :meth:`from_frame` and :func:`footprint.load_factors` read it back)."""
        import pandas as pd

        gas_names = substances()
        records = []
        for f in self._factors:
            row: dict[str, object] = {
                "id": f.id,
                "name": f.name,
                "category": f.category,
                "unit": f.unit,
                "kgco2e_ar6": f.co2e
                if f.is_prefolded and f.gwp_set == "AR6"
                else (np.nan if f.is_prefolded else f.co2e_per_unit("AR6")),
                "kg_CO2e": f.co2e,
                "gwp_set": f.gwp_set,
            }
            row.update({substance_column(g): f.gases.get(g, np.nan) for g in gas_names})
            row.update({k: getattr(f, k) for k in Provenance.model_fields})
            row["density"] = f.density
            row["net_calorific_value"] = f.net_calorific_value
            row["energy_basis"] = f.energy_basis
            row["gcv_ncv_ratio"] = f.gcv_ncv_ratio
            row["uncertainty"] = str(f.uncertainty) if f.uncertainty else None
            row["library"] = self._origin(f.id)
            records.append(row)
        df = pd.DataFrame.from_records(records)
        return df.dropna(axis=1, how="all") if len(df) else df

    # --- arrays for the calculation core ------------------------------------------------------------

    @cached_property
    def substance_matrix(self) -> npt.NDArray[np.float64]:
        """kg of each substance (:func:`substances`: greenhouse gases, then air pollutants) per factor unit,
        shape (factors, substances): the inventory every indicator characterises."""
        m = self._factors.substance_matrix()
        m.setflags(write=False)
        return m

    @cached_property
    def stated_matrix(self) -> npt.NDArray[np.bool_]:
        """Whether each factor states a value (0 included) for each substance, shape (factors, substances):
        what tells a covered indicator from one the factor says nothing about."""
        m = self._factors.stated_matrix()
        m.setflags(write=False)
        return m

    @cached_property
    def gas_matrix(self) -> npt.NDArray[np.float64]:
        """kg of each greenhouse gas (:func:`gases`) per factor unit, shape (factors, gases): the first columns
        of :attr:`substance_matrix`; a pre-folded factor has only the gases whose GWP no set changes
        (biogenic and land use change CO2)."""
        m = np.ascontiguousarray(self.substance_matrix[:, : len(gases())])
        m.setflags(write=False)
        return m

    @cached_property
    def prefolded(self) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64], tuple[str | None, ...]]:
        """(is pre-folded, CO2e value or 0, GWP set or None) per factor."""
        co2e = self._factors.floats("co2e")
        mask = ~np.isnan(co2e)
        return mask, np.where(mask, co2e, 0.0), tuple(self._factors.field("gwp_set"))

    @cached_property
    def categories(self) -> npt.NDArray[np.object_]:
        """Each factor's category, as an array (library order)."""
        return np.asarray(self._factors.field("category"), dtype=object)

    @cached_property
    def conversion_fields(self) -> tuple[npt.NDArray[np.object_], ...]:
        """Per field of :data:`CONVERSION_FIELDS` (what :func:`activity_to_factor_unit` reads), its value for
        every factor: two factors with equal fields convert every unit alike."""
        out = []
        for name in CONVERSION_FIELDS:
            col = np.empty(len(self), dtype=object)
            col[:] = list(self._factors.field(name))
            out.append(col)
        return tuple(out)

    @cached_property
    def primary_shares(self) -> npt.NDArray[np.float64]:
        """Each factor's own primary data share (supplier footprints), NaN where it states none."""
        return self._factors.floats("primary_data_share")

    def co2e_vector(
        self,
        gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
        prefolded: PrefoldedPolicy = "error",
        used: npt.NDArray[np.intp] | None = None,
    ) -> tuple[npt.NDArray[np.float64], list[str]]:
        """kg CO2e per factor unit for every factor under ``gwp``, and the ids of pre-folded factors used
        under another set (only those in ``used``, when given). Raises :class:`GWPError` for those unless
        ``prefolded="report"``."""
        gs = gwp_set(gwp)
        distinct = None if used is None else distinct_rows(used, len(self))
        rows = self.gas_matrix if distinct is None else self.gas_matrix[distinct]
        gs.check_covers(dict(zip(gases(), np.abs(rows).sum(axis=0).tolist(), strict=True)))
        vec = self.gas_matrix @ gs.vector()
        mask, vals, sets = self.prefolded
        vec = np.where(mask, vals + vec, vec)
        idx = np.flatnonzero(mask) if distinct is None else distinct[mask[distinct]]
        mismatched = [self._factors[i] for i in idx if sets[i] != gs.name]
        if mismatched and prefolded != "report":
            raise GWPError(prefolded_message(mismatched, gs.name))
        return vec, [f.id for f in mismatched]
