"""Per-piece fallback for a bought-in item with no supplier footprint, no mass and no price: the lowest-quality data.

No open source publishes generic per-piece footprints of valves, bolts or seals that footprint could ship (the
per-piece figures of EPDs hold for one maker's product; the databases that carry generic ones forbid
redistribution), so footprint ships none. :func:`per_piece_factor` turns a per-piece value the user has (a
supplier's statement, an EPD of a similar item) into a factor per ``piece`` marked as what it is: every data
quality rating 5, ``proxy`` true, its name and notes saying "per-piece fallback". Where the item's mass is
known, a part of that mass on a material factor is better (docs/factors.md); where its price is, a spend factor.
"""

from __future__ import annotations

import math

from ._errors import FactorError, Problem
from ._factors import EmissionFactor

__all__ = ["PER_PIECE_NOTE", "per_piece_factor"]

PER_PIECE_NOTE = (
    "PER-PIECE FALLBACK (lowest quality): a per-piece value given by the user, not a footprint of this item; "
    "every data quality rating is 5 and the factor is a proxy. Replace it with the supplier's footprint, the "
    "item's mass on a material factor, or its price on a spend factor."
)


def per_piece_factor(
    id: str,
    kgco2e: float,
    *,
    name: str,
    source: str,
    gwp_set: str = "unspecified",
    region: str = "GLO",
    licence: str = "user-supplied",
    notes: str = "",
) -> EmissionFactor:
    """A factor of ``kgco2e`` kg CO2e per ``piece`` for a bought-in item (``name``), from ``source`` (who gave the
    value, or the document it was read in: required), folded under ``gwp_set`` (``"unspecified"`` when the source
    does not say; a calculation then needs ``prefolded="report"``). Cradle to gate, category ``component``, every
    data quality rating 5 and ``proxy`` true; the name ends in "(per-piece fallback)" and the notes start with
    :data:`PER_PIECE_NOTE`, so reports and :func:`footprint.data_quality` show it for what it is. A value that is
    not a finite number >= 0, or an empty source, raises :class:`FactorError`."""
    problems = []
    if isinstance(kgco2e, bool) or not isinstance(kgco2e, int | float) or not math.isfinite(kgco2e) or kgco2e < 0:
        problems.append(Problem("not a finite number >= 0", field="kgco2e", value=kgco2e, expected="kg CO2e per piece"))
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem("no source", field="source", value=source, expected="who gave the per-piece value"))
    if problems:
        raise FactorError(problems, what=f"per-piece factor {id}")
    return EmissionFactor(
        id=id,
        name=f"{name} (per-piece fallback)",
        category="component",
        unit="piece",
        co2e=float(kgco2e),
        gwp_set=gwp_set,
        source=source,
        edition="as given by the user",
        region=region,
        licence=licence,
        boundary="cradle-to-gate",
        dqr_technological=5,
        dqr_geographical=5,
        dqr_temporal=5,
        proxy=True,
        notes=f"{PER_PIECE_NOTE} {notes}".strip(),
    )
