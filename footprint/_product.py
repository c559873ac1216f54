"""The product model: a piece of equipment, its bill of materials and its life cycle, as pydantic data.

A product file (JSON or YAML, schema in ``footprint/schemas/product.schema.json``) holds exactly these
models. Quantities are written as text with their unit (``"1900 kg"``, ``"3200 kWh"``, ``"850 km"``).
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import (
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    field_validator,
    model_serializer,
    model_validator,
)

from ._energy_basis import check_basis_unit, split_basis
from ._errors import InputError, Problem, ProductError
from ._factors import Uncertainty
from ._models import CheckedModel
from ._modules import Module
from ._units import check_unit, dimension_of, ensure_own_quantity, is_pint_quantity, split_quantity

__all__ = [
    "Activity",
    "Amount",
    "BomColumns",
    "BomSource",
    "Child",
    "Credit",
    "DeclaredFootprint",
    "EndOfLife",
    "Item",
    "Material",
    "Period",
    "Product",
    "Replacement",
    "Route",
    "TransportLeg",
    "product_schema",
]


class Amount(CheckedModel):
    """A finite number with a unit. Reads ``"12.5 kg"``, ``{"value": 12.5, "unit": "kg"}``, ``(12.5, "kg")``
    or a quantity of footprint's registry; writes ``"12.5 kg"``. An energy may carry its heating-value basis
    in the unit (``"1000 kWh net"``, ``"250 MJ gross"``; see docs/factors.md)."""

    model_config = ConfigDict(frozen=True)
    error: ClassVar[type[InputError]] = ProductError

    value: float
    unit: str

    @model_validator(mode="before")
    @classmethod
    def _read(cls, data: Any) -> Any:
        if isinstance(data, str):
            # checked here so that a problem names the amount's field, not its parts
            value, unit = split_quantity(data)
            if not math.isfinite(value):
                raise ValueError(f"{data!r} is not a finite amount")
            if unit:
                check_unit(split_basis(unit)[0])
                check_basis_unit(unit)
            return {"value": value, "unit": unit or "dimensionless"}
        if isinstance(data, tuple | list) and len(data) == 2:
            return {"value": data[0], "unit": data[1]}
        if is_pint_quantity(data):
            q = ensure_own_quantity(data)
            return {"value": float(q.magnitude), "unit": f"{q.units:~}"}
        return data

    @field_validator("value")
    @classmethod
    def value_is_finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError(f"{v!r} is not a finite number")
        return v

    @field_validator("unit")
    @classmethod
    def unit_is_known(cls, v: str) -> str:
        if v != "dimensionless":
            check_unit(split_basis(v)[0])
            check_basis_unit(v)
        return v

    @model_serializer
    def _write(self) -> str:
        return f"{self.value!r} {self.unit}"

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        """What files may hold: text with a unit (as written), an object, or a [value, unit] pair."""
        return {
            "title": "Amount",
            "description": "A finite number with a unit: '12.5 kg', {value: 12.5, unit: kg} or [12.5, 'kg'].",
            "anyOf": [
                {"type": "string", "pattern": r"^\s*[-+\u2212]?[0-9.]"},
                {"type": "object", "properties": {"value": {"type": "number"}, "unit": {"type": "string"}},
                 "required": ["value", "unit"], "additionalProperties": False},
                {"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}], "minItems": 2,
                 "maxItems": 2},
            ],
        }  # fmt: skip

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"

    @property
    def dimensionality(self) -> str:
        """Dimensionality of the unit, e.g. ``[mass]``."""
        if self.unit == "dimensionless":
            return "dimensionless"
        return dimension_of(split_basis(self.unit)[0])


def _amount_field(default: str | None = None) -> Any:
    return Field(default=default)


class _Model(CheckedModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    error: ClassVar[type[InputError]] = ProductError


FactorRef = str | list[str]


class Activity(_Model):
    """An activity per unit of the item it belongs to (or per product when given at product level).

    ``quantity`` is an amount (``"3200 kWh"``, ``"45 L"``) or a power (``"15 kW"``) with
    ``hours_per_year``. ``per_year: true`` multiplies by the service life (use and maintenance). Several
    factor ids (a fuel's combustion and its well-to-tank) each apply to the same quantity. Without
    ``module``, per-year energy goes to B6, other per-year activities to B2, the rest by the factor's
    category: materials and components to A1, freight to A2, anything else to A3 (as in catalogues). A
    negative quantity (a credit) is allowed in module D only.
    ``uncertainty`` describes the quantity's spread (relative, as for factors; one draw per activity).
    """

    name: str | None = None
    factor: FactorRef
    quantity: Amount
    module: Module | None = None
    per_year: bool = False
    hours_per_year: float | None = Field(default=None, ge=0)
    primary: bool = False
    uncertainty: Uncertainty | None = None


class Child(_Model):
    """An edge of the BOM: ``quantity`` of item ``item`` per one unit of the parent (a bare number is in
    the child's own unit)."""

    item: str
    quantity: Amount | float = 1.0


class DeclaredFootprint(_Model):
    """A supplier's declared footprint (PCF) of a purchased component, used instead of generic factors.

    Give ``kgco2e`` (folded with ``gwp_set``) or ``gases`` (kg per gas, biogenic ones included), per ``per``.
    ``kgco2e`` is GWP-total (EN 15804+A2): ``biogenic_co2_uptake`` (kg CO2 taken up into biomass, >= 0, counted
    -1 per kg), ``biogenic_co2`` (kg biogenic CO2 emitted) and ``luluc_co2`` (kg CO2 from land use change) say
    which part of it is biogenic or land use change; the rest is fossil.

    The footprint keeps its meaning: a ``cradle-to-gate`` one goes into A1 of the product that buys it; a
    ``cradle-to-grave`` one needs ``modules`` (kg CO2e per module, ``"A1-A3"`` allowed, summing to
    ``kgco2e``): its A1-A3 go into A1, its other modules into the same modules of the buyer. ``valid_from`` /
    ``valid_to`` are flagged against the product's reference period, the DQRs (1 best to 5) weigh into the
    buyer's data quality, and ``primary_data_share`` (a fraction 0 to 1, the supplier's own) weighs into the
    buyer's primary data share; without it the footprint counts as wholly primary.
    """

    kgco2e: float | None = None
    gases: dict[str, float] | None = None
    per: Amount = Field(default_factory=lambda: Amount(value=1.0, unit="piece"))
    gwp_set: str | None = None
    source: str
    supplier: str | None = None
    pcf_id: str | None = None
    boundary: Literal["cradle-to-gate", "cradle-to-grave"] = "cradle-to-gate"
    modules: dict[str, float] | None = None
    biogenic_co2_uptake: float | None = Field(default=None, ge=0)
    biogenic_co2: float | None = Field(default=None, ge=0)
    luluc_co2: float | None = Field(default=None, ge=0)
    primary_data_share: float | None = Field(default=None, ge=0, le=1)
    valid_from: date | None = None
    valid_to: date | None = None
    dqr_technological: int | None = Field(default=None, ge=1, le=5)
    dqr_geographical: int | None = Field(default=None, ge=1, le=5)
    dqr_temporal: int | None = Field(default=None, ge=1, le=5)

    @model_validator(mode="after")
    def co2e_or_gases(self) -> DeclaredFootprint:
        if (self.kgco2e is None) == (self.gases is None):
            raise ValueError("give kgco2e (with gwp_set) or gases, exactly one of them")
        if self.kgco2e is not None and self.gwp_set is None:
            raise ValueError("kgco2e needs the gwp_set it was folded with (AR6, AR5, AR4, AR6-GWP20)")
        split = (self.biogenic_co2_uptake, self.biogenic_co2, self.luluc_co2)
        if self.gases is not None and any(x is not None for x in split):
            raise ValueError("with gases, give biogenic and land use change CO2 as gases (CO2_biogenic, ...)")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from is after valid_to")
        return self

    @model_validator(mode="after")
    def boundary_is_kept(self) -> DeclaredFootprint:
        if self.boundary == "cradle-to-gate":
            if self.modules is not None:
                raise ValueError("modules split a cradle-to-grave footprint; a cradle-to-gate one goes into A1")
            return self
        if self.modules is None or self.kgco2e is None:
            raise ValueError(
                "a cradle-to-grave footprint cannot go into A1 whole: give kgco2e and its modules "
                "(e.g. modules: {A1-A3: 120, C4: 4}), or the supplier's cradle-to-gate footprint"
            )
        unknown = [m for m in self.modules if m != "A1-A3" and m not in Module.__args__]  # type: ignore[attr-defined]
        if unknown:
            raise ValueError(f"unknown module(s) {', '.join(unknown)}; expected A1-A3 or EN 15804 module codes")
        if any(m in self.modules for m in ("A1", "A2", "A3")) and "A1-A3" in self.modules:
            raise ValueError("give A1-A3 or its modules A1, A2, A3, not both")
        total = sum(v for m, v in self.modules.items() if m != "D")
        if not math.isclose(total, self.kgco2e, rel_tol=1e-6, abs_tol=1e-9):
            raise ValueError(f"modules (without D) sum to {total:g}, not to kgco2e {self.kgco2e:g}")
        if any(x is not None for x in (self.biogenic_co2_uptake, self.biogenic_co2, self.luluc_co2)):
            raise ValueError("a biogenic split is taken for cradle-to-gate footprints only")
        return self


class Item(_Model):
    """A node of the BOM.

    - ``assembly``: made of ``children``;
    - ``part``: made of a ``material`` (net, finished mass; gross, purchased mass or a ``scrap_rate``);
    - ``component``: bought in, with a ``declared_footprint``, generic ``activities``, or
      ``supplier_product``: the id of another product computed in the same chain (:func:`calculate_chain`),
      whose cradle-to-gate footprint then stands in as the supplier's declared footprint.
    Any item may carry ``activities`` (machining energy, welding gas, coating...) per unit of the item.
    """

    id: str
    name: str | None = None
    kind: Literal["assembly", "part", "component"] = "assembly"
    unit: str = "piece"
    children: list[Child] = Field(default_factory=list)
    material: str | None = None
    net_mass: Amount | None = None
    gross_mass: Amount | None = None
    scrap_rate: float | None = Field(default=None, ge=0, lt=1)
    mass: Amount | None = None
    declared_footprint: DeclaredFootprint | None = None
    supplier_product: str | None = None
    activities: list[Activity] = Field(default_factory=list)

    @field_validator("unit")
    @classmethod
    def unit_is_known(cls, v: str) -> str:
        check_unit(v)
        return v


class Material(_Model):
    """A material: the factor of its production (A1), its recycled input share, and its end of life."""

    id: str
    name: str | None = None
    factor: FactorRef
    recycled_content: float = Field(default=0.0, ge=0, le=1)
    end_of_life: str | None = None
    scrap_end_of_life: str | None = None


#: Where an end-of-life route sends its mass, for EN 15804+A2's output flow and waste indicators: components
#: for re-use (CRU), materials for recycling (MFR) and energy recovery (MER), non-hazardous, hazardous and
#: radioactive waste disposed (NHWD, HWD, RWD).
Fate = Literal["reuse", "recycling", "energy-recovery", "disposal", "hazardous-disposal", "radioactive-disposal"]


class Route(_Model):
    """A share of the end-of-life mass and the factor of its treatment. Recycled routes (C3 by default)
    count towards module D; others default to C4. ``fate`` says where the mass goes (a recycled route is
    ``recycling``); a route without one is not covered by the waste and output flow indicators."""

    name: str | None = None
    share: float = Field(ge=0, le=1)
    factor: FactorRef | None = None
    module: Module | None = None
    recycled: bool = False
    fate: Fate | None = None

    @model_validator(mode="after")
    def recycled_routes_go_to_recycling(self) -> Route:
        if self.recycled and self.fate not in (None, "recycling"):
            raise ValueError(f"a recycled route's fate is 'recycling', not {self.fate!r}")
        return self

    @property
    def destination(self) -> Fate | None:
        """The route's fate: as stated, ``recycling`` for a recycled route, else ``None`` (unknown)."""
        return "recycling" if self.recycled else self.fate


class Credit(_Model):
    """Module D for recycled material: the net scrap output, (recycled at end of life + recycled
    manufacturing scrap − recycled content of the inputs), times (secondary − virgin) production factors."""

    virgin: str
    secondary: str | None = None


class TransportLeg(_Model):
    """Transport of a mass over a distance: ``mass`` is ``inputs`` (purchased mass of all parts),
    ``product`` (finished mass) or an amount. Default: A2 carries the inputs, A4 and C2 the product."""

    name: str | None = None
    module: Literal["A2", "A4", "C2"] = "A4"
    factor: FactorRef
    distance: Amount
    mass: Literal["inputs", "product"] | Amount | None = None


class EndOfLife(_Model):
    """An end-of-life scenario: routes whose shares sum to 1, transport to treatment, an optional credit."""

    id: str
    routes: list[Route]
    transport: list[TransportLeg] = Field(default_factory=list)
    credit: Credit | None = None


class Replacement(_Model):
    """Replace every instance of ``item`` every ``every`` (``"5 yr"``) over the service life (B4)."""

    item: str
    every: Amount


class Period(_Model):
    """A reporting period, both days included."""

    start: date
    end: date

    @model_validator(mode="after")
    def start_before_end(self) -> Period:
        if self.start > self.end:
            raise ValueError("period start is after its end")
        return self


class BomColumns(CheckedModel):
    """Names of the columns of a BOM export. Unset optional columns may be absent from the file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    error: ClassVar[type[InputError]] = ProductError

    level: str = "level"
    parent: str = "parent"
    item: str = "item"
    description: str = "description"
    quantity: str = "quantity"
    unit: str = "unit"
    material: str = "material"
    net_mass: str = "net_mass"
    gross_mass: str = "gross_mass"
    mass_unit: str = "mass_unit"


class BomSource(CheckedModel):
    """A product file's pointer to an ERP export: ``file`` and ``mapping`` relative to the product file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    error: ClassVar[type[InputError]] = ProductError

    file: str
    format: Literal["indented", "parent-child"] | None = None
    mapping: str | None = None
    columns: BomColumns = Field(default_factory=BomColumns)
    sheet: str | int = 0
    default_mass_unit: str = "kg"
    erp: Literal["sap", "ifs", "odoo"] | dict[str, Any] | None = None
    #: the export's decimal separator; without it a number with a comma is refused as ambiguous
    decimal: Literal[".", ","] | None = None


class Product(_Model):
    """A product: its declared unit, its BOM (``items``; ``root`` or the first item is the product) and its
    life cycle. ``bom_quantity`` says how much of the declared unit the BOM root describes (a 22.86 m
    riser joint for a declared unit of 1 m); by default exactly one declared unit. With ``reference_period``
    and ``region`` (where the product is made, e.g. ``NO``), factors used outside their validity period or
    from another region (other than ``GLO``) are flagged in the result's warnings."""

    id: str
    name: str | None = None
    description: str | None = None
    supplier: str | None = None
    family: str | None = None
    declared_unit: Amount = Field(default_factory=lambda: Amount(value=1.0, unit="piece"))
    bom_quantity: Amount | None = None
    service_life: Amount | None = None
    reference_period: Period | None = None
    region: str | None = None
    root: str | None = None
    items: list[Item] = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    transport: list[TransportLeg] = Field(default_factory=list)
    replacements: list[Replacement] = Field(default_factory=list)
    end_of_life: list[EndOfLife] = Field(default_factory=list)
    bom: BomSource | None = None
    bom_warnings: list[str] = Field(default_factory=list, description="set by the BOM import: what it noticed")
    # where items and materials read from an ERP export came from, by field ("items[3]"): file, row, column, note
    _origins: dict[str, tuple[str, int | None, str, str]] = PrivateAttr(default_factory=dict)

    @field_validator("region", mode="before")
    @classmethod
    def region_is_text(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError('region must be text; in YAML write "NO" in quotes (a bare NO reads as false)')
        return v

    @property
    def root_id(self) -> str | None:
        """The item that is the product."""
        return self.root or (self.items[0].id if self.items else None)


def relocated(problems: list[Problem], product: Product) -> list[Problem]:
    """Problems at fields of items and materials read from an ERP export, pointed at the export's row and
    column (and the mapping row) instead of at a product file where the user never wrote them."""
    origins = product._origins
    if not origins:
        return problems
    out = []
    for p in problems:
        m = re.match(r"^((?:items|materials)\[\d+\])(.*)$", p.field or "")
        origin = origins.get(m.group(1)) if m else None
        if m is None or origin is None:
            out.append(p)
            continue
        file, row, column, note = origin
        moved = f"{p.message} (field {m.group(1)}{m.group(2)} of the product {product.id!r}{note})"
        out.append(Problem(moved, file=file, row=row, field=column, value=p.value, expected=p.expected))
    return out


def product_schema() -> dict[str, Any]:
    """The JSON Schema of a product file."""
    from ._contracts import schema

    return schema("product")
