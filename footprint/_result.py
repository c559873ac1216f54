"""The result of a lifecycle calculation, as pydantic data with pandas views.

The models are built on first use (``defer_build``): :func:`calculate` fills them from arrays it has checked,
without validation (``model_construct``), so a ``footprint calc`` that prints tables never builds their
validators; printing JSON builds the serializer then.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from ._modules import CRADLE_TO_GATE

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Contribution", "FootprintResult", "primary_data_share"]


class Contribution(BaseModel):
    """One activity of one BOM item in the result: what it is, how much, and its kg CO2e.

    ``quantity`` is in ``unit`` (the factor's unit), summed over every place the item is used.
    ``path`` is the item's shortest path from the product root; ``paths`` counts all of them.

    Each row names its factor's provenance (``source``, ``edition``, ``table``, ``licence``, and for
    supplier data the ``supplier`` and its ``footprint_id``), so a result can be audited from its rows alone.
    ``kgco2e`` is EN 15804+A2 GWP-total; ``kgco2e_biogenic`` and ``kgco2e_luluc`` are its GWP-biogenic and
    GWP-luluc parts (the rest is GWP-fossil), ``kgco2e_uptake`` the part of GWP-biogenic from biogenic CO2
    taken up (<= 0). ``primary_share`` is the share of the row that is primary data: 1 or 0 for the
    company's own activities and generic factors, a supplier footprint's own primary data share for it.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    path: str
    item: str
    paths: int
    module: str
    ghg_stage: str | None
    kind: str
    label: str
    factor_id: str
    material: str | None
    quantity: float
    unit: str
    kgco2e: float
    data_source: Literal["primary", "secondary"]
    library: str
    source: str = ""
    edition: str = ""
    table: str | None = None
    licence: str = ""
    supplier: str | None = None
    footprint_id: str | None = None
    primary_share: float = 0.0
    kgco2e_biogenic: float = 0.0
    kgco2e_luluc: float = 0.0
    kgco2e_uptake: float = 0.0
    #: The row's value of each indicator asked for (``calculate(indicators=...)``), in its unit; ``None`` where
    #: the row's data does not cover the indicator.
    indicators: dict[str, float | None] = {}


def primary_data_share(contributions: Iterable[Contribution], modules: Iterable[str] = CRADLE_TO_GATE) -> float:
    """The primary data share of ``contributions`` in ``modules`` (A1-A3 by default), PACT's definition.

    PACT (Technical Specifications v3, ``primaryDataShare``; Methodology 4.2.2): the share of primary data in
    the PCF excluding biogenic CO2 uptake, weighted by emissions. Each row counts its emissions without uptake
    times its own primary share (a supplier footprint its supplier's share), so shares carry through tiers:
    ``sum((kgco2e - kgco2e_uptake) * primary_share) / sum(kgco2e - kgco2e_uptake)``. A fraction from 0 to 1
    (0 when those emissions are not positive).
    """
    mods = set(modules)
    total = primary = 0.0
    for c in contributions:
        if c.module in mods:
            e = c.kgco2e - c.kgco2e_uptake
            total += e
            primary += e * c.primary_share
    return min(1.0, max(0.0, primary / total)) if total > 0 else 0.0


class IndicatorResult(BaseModel):
    """One indicator of a result: what it is and where its characterisation comes from (``version`` is a hash
    of its definition), its total over A1-C4 and its value per module present, summed over the contribution
    rows that cover it. ``None`` means no row covers it (never 0); ``not_covered_rows`` counts, per module, the
    rows left out and ``not_covered_factors`` names their factors."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    name: str
    unit: str
    kind: Literal["substances", "gwp", "product"]
    method: str = ""
    source: str = ""
    table: str = ""
    licence: str = ""
    en15804: str | None = None
    version: str
    total: float | None
    by_module: dict[str, float | None]
    not_covered_rows: dict[str, int] = {}
    not_covered_factors: list[str] = []

    @property
    def complete(self) -> bool:
        """True when every contribution row of A1-C4 (the total) covers the indicator."""
        return not any(m != "D" for m in self.not_covered_rows)


class FootprintResult(BaseModel):
    """A product's lifecycle footprint.

    Totals: ``total_kgco2e`` is cradle-to-grave (A1-C4), ``cradle_to_gate_kgco2e`` is A1-A3, and module D
    (``module_d_kgco2e``) is reported apart, never netted in. Every ``by_*`` breakdown covers A1-C4 and
    sums to ``total_kgco2e``; ``by_module`` also lists D. ``contributions`` are the rows all of them are
    group-bys of. All numbers are for ``quantity`` declared units.

    Totals are EN 15804+A2 GWP-total (biogenic CO2 counted -1 per kg taken up, +1 per kg emitted);
    ``gwp_indicators`` gives GWP-total, GWP-fossil, GWP-biogenic and GWP-luluc per module.
    ``primary_data_share`` is PACT's (see :func:`primary_data_share`): over A1-A3, emission-weighted, without
    biogenic CO2 uptake, with each supplier footprint's own share carried forward.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    product_id: str
    product_name: str | None
    supplier: str | None = None
    family: str | None = None
    declared_unit: str
    quantity: float
    gwp_set: str
    total_kgco2e: float
    cradle_to_gate_kgco2e: float
    module_d_kgco2e: float
    per_declared_unit_kgco2e: float
    product_mass_kg: float
    per_kg_product_kgco2e: float | None
    by_module: dict[str, float]
    by_ghg_stage: dict[str, float]
    by_gas: dict[str, float]
    gas_mass_kg: dict[str, float]
    #: kg of every substance emitted over A1-C4 (greenhouse gases and air pollutants, :func:`substances`);
    #: substances of 0 kg are left out.
    inventory_kg: dict[str, float] = {}
    #: kg of every substance per module present (module D included), as ``inventory_kg``.
    inventory_by_module: dict[str, dict[str, float]] = {}
    #: The indicators asked for (``calculate(indicators=...)``), by id, in the order asked (none by default).
    indicators: dict[str, IndicatorResult] = {}
    by_component: dict[str, float]
    by_material: dict[str, float]
    by_factor: dict[str, float]
    by_data_source: dict[str, float]
    gwp_indicators: dict[str, dict[str, float]] = {}
    primary_data_share: float
    contributions: list[Contribution]
    conversions: list[str]
    prefolded_factors: list[str]
    #: The GWP sets whose values are in the total: the calculation's set first, then each set that factors
    #: used unchanged were folded with by their source (``unspecified`` when the source does not say).
    gwp_sets_used: list[str] = []
    #: kg CO2e per kg of each gas of the result, as the calculation's GWP set gives it.
    gwp_values: dict[str, float] = {}
    warnings: list[str]
    factor_library_version: str
    input_hash: str
    footprint_version: str

    def to_frame(self) -> pd.DataFrame:
        """The contributions as a tidy DataFrame, one row per (item, activity, factor)."""
        import pandas as pd

        cols = list(Contribution.model_fields)
        return pd.DataFrame([c.model_dump() for c in self.contributions], columns=cols)

    def summary_frame(self) -> pd.DataFrame:
        """kg CO2e by module with names and the A1-A3, A1-C4 and D lines, for printing."""
        import pandas as pd

        from ._modules import MODULE_NAMES

        rows = [(m, MODULE_NAMES[m], v) for m, v in self.by_module.items()]
        rows += [
            ("A1-A3", "Cradle to gate", self.cradle_to_gate_kgco2e),
            ("A1-C4", "Cradle to grave (total)", self.total_kgco2e),
        ]
        return pd.DataFrame(rows, columns=["module", "name", "kgco2e"])

    def __repr__(self) -> str:
        """One line with the key figures (the tables are attributes)."""
        from .report._display import result_repr

        return result_repr(self)

    def _repr_html_(self) -> str:
        """Key figures, a table and a small chart, for notebooks (all text escaped)."""
        from .report._display import result_html

        return result_html(self)
