"""Data quality of a footprint: emission-weighted data quality ratings, primary data share, and the factors
used outside their validity period or region.

PACT v3 and ISO 14067 ask for data quality next to the number. Each factor may carry three ratings, 1 (best)
to 5 (worst): technological, geographical and temporal representativeness. A footprint's rating is the mean
of its factors' ratings weighted by the kg CO2e each contributes (biogenic CO2 uptake left out); ``coverage`` says which share of the
footprint had ratings at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict

from ._factors import FactorLibrary
from ._modules import CRADLE_TO_GATE, CRADLE_TO_GRAVE
from ._result import FootprintResult, primary_data_share

__all__ = ["DataQuality", "data_quality"]

_RATINGS = ("technological", "geographical", "temporal")


class DataQuality(BaseModel):
    """Data quality of a footprint (or of a part of it, by modules)."""

    model_config = ConfigDict(frozen=True)

    technological: float | None
    geographical: float | None
    temporal: float | None
    coverage: float
    primary_data_share: float
    proxy_share: float
    flags: list[str]


def data_quality(
    result: FootprintResult,
    library: FactorLibrary,
    *,
    modules: Iterable[str] | str = "cradle-to-grave",
    period: tuple[date, date] | None = None,
    region: str | None = None,
) -> DataQuality:
    """Emission-weighted data quality ratings of ``result`` over ``modules`` (``"cradle-to-gate"``,
    ``"cradle-to-grave"`` or a list of module codes), from the factors in ``library``.

    ``primary_data_share`` is PACT's (:func:`footprint.primary_data_share`) over ``modules``: emission-weighted,
    without biogenic CO2 uptake, supplier footprints counted with their own shares.
    Flags name every factor used outside its validity period (when ``period``, the reference period, is
    given or the factor's period ends before it starts) or from another region than ``region`` (``GLO``
    factors are not flagged), and every proxy factor.
    """
    if modules == "cradle-to-gate":
        mods = set(CRADLE_TO_GATE)
    elif modules == "cradle-to-grave":
        mods = set(CRADLE_TO_GRAVE)
    else:
        mods = set(modules)
    sums = dict.fromkeys(_RATINGS, 0.0)
    weights = dict.fromkeys(_RATINGS, 0.0)
    total = rated = proxy = 0.0
    flags: dict[str, str] = {}
    regions: dict[str, list[str]] = {}  # factors from another region than the product's, one flag per region
    for c in result.contributions:
        if c.module not in mods:
            continue
        w = abs(c.kgco2e - c.kgco2e_uptake)  # emissions, the biogenic uptake (a removal) left out
        total += w
        fac = library.get(c.factor_id) if c.factor_id in library else None
        if fac is None:
            continue
        any_rating = False
        for name in _RATINGS:
            value = getattr(fac, f"dqr_{name}")
            if value is not None:
                sums[name] += w * value
                weights[name] += w
                any_rating = True
        rated += w if any_rating else 0.0
        if fac.proxy:
            proxy += w
            flags.setdefault(fac.id, f"proxy data: {fac.name} ({fac.id}) stands in where no specific data was found")
        if period is not None:
            start, end = period
            if (fac.valid_to is not None and fac.valid_to < start) or (
                fac.valid_from is not None and fac.valid_from > end
            ):
                flags[fac.id + "#period"] = (
                    f"{fac.id} is valid {fac.valid_from or '...'} to {fac.valid_to or '...'}, outside the reference period {start} to {end}"
                )
        if region is not None and fac.region not in (region, "GLO", "-"):
            ids = regions.setdefault(fac.region, [])
            if fac.id not in ids:
                ids.append(fac.id)
    return DataQuality(
        technological=sums["technological"] / weights["technological"] if weights["technological"] else None,
        geographical=sums["geographical"] / weights["geographical"] if weights["geographical"] else None,
        temporal=sums["temporal"] / weights["temporal"] if weights["temporal"] else None,
        coverage=rated / total if total else 0.0,
        primary_data_share=primary_data_share(result.contributions, mods),
        proxy_share=proxy / total if total else 0.0,
        flags=_grouped(flags, regions, region),
    )


def _grouped(flags: dict[str, str], regions: dict[str, list[str]], region: str | None) -> list[str]:
    """The flags, with those of factors from another region than the product's as one line per region."""
    out = list(flags.values())
    for reg, ids in regions.items():
        n = len(ids)
        out.append(
            f"{n} factor{'s are' if n > 1 else ' is'} for region {reg}, the product's is {region}: {', '.join(ids)}"
        )
    return out
