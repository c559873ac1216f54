"""SO2 of ship engines from the sulphur content of their fuel, as the EMEP/EEA guidebook computes it.

The EMEP/EEA air pollutant emission inventory guidebook 2023, chapter 1.A.3.d Navigation (shipping), Tier 1
(Tables 3-1 and 3-2), gives no SOx number for ships: it gives SO2 = 2 x S x fuel mass, S the fuel's sulphur
mass fraction (all sulphur burns to SO2, and SO2's molar mass, 64.07 g/mol, is twice sulphur's, 32.07), that
is 20 x S kg of SO2 per tonne of fuel with S in % by mass. The bundled ship rows
(``air.ship.bunker_fuel_oil.emep2023``, ``air.ship.marine_diesel_oil.emep2023``) leave SO2 empty for that
reason; :func:`ship_so2_factor` gives the SO2-only factor for the fuel's stated sulphur content, to pair with
them in one activity. The bundled ``air.ship.so2.*`` rows are the same arithmetic at the MARPOL Annex VI
sulphur limits (0.50 % outside and 0.10 % inside emission control areas).
"""

from __future__ import annotations

import math

from ._errors import InputError, Problem
from ._factors import EmissionFactor

__all__ = ["MAX_SULPHUR_PERCENT", "ShipSulphurError", "ship_so2_factor"]

#: The highest sulphur content accepted, % by mass: MARPOL Annex VI's global limit was 4.50 % before 2012 and
#: residual marine fuels are specified up to it (ISO 8217); more is taken for a typing error (45 for 0.45).
MAX_SULPHUR_PERCENT = 4.5

_SOURCE = "EMEP/EEA air pollutant emission inventory guidebook"
_TABLE = "1.A.3.d Navigation (shipping), Tier 1 (Tables 3-1, 3-2): SO2 = 20 x S kg per tonne of fuel, S in % by mass"


class ShipSulphurError(InputError):
    """A sulphur content that cannot be used: not a finite number, negative, or above MAX_SULPHUR_PERCENT."""


def _problem(sulphur_percent: object) -> Problem | None:
    if isinstance(sulphur_percent, bool) or not isinstance(sulphur_percent, (int, float)):
        return Problem("not a number", field="sulphur_percent", value=sulphur_percent,
                       expected="the fuel's sulphur content in % by mass, e.g. 0.5")  # fmt: skip
    if not math.isfinite(sulphur_percent) or not 0 <= sulphur_percent <= MAX_SULPHUR_PERCENT:
        return Problem("sulphur content out of range", field="sulphur_percent", value=sulphur_percent,
                       expected=f"a % by mass from 0 to {MAX_SULPHUR_PERCENT} (0.5 for 0.50 %, not 0.005)")  # fmt: skip
    return None


def ship_so2_factor(sulphur_percent: float, *, fuel: str = "marine fuel", edition: str = "2023") -> EmissionFactor:
    """The SO2 of burning one tonne of marine fuel with ``sulphur_percent`` % sulphur by mass in a ship's
    engines: 20 x S kg SO2 per tonne (EMEP/EEA guidebook 1.A.3.d Tier 1), an SO2-only factor (no greenhouse
    gas: pair it with the fuel's combustion factor and the guidebook's other pollutants). 0.5 gives 10 kg/t.
    Raises :class:`ShipSulphurError` for a value that is not a number from 0 to :data:`MAX_SULPHUR_PERCENT`."""
    problem = _problem(sulphur_percent)
    if problem is not None:
        raise ShipSulphurError([problem], what="ship SO2 factor")
    s = float(sulphur_percent)
    slug = f"{s:.4f}".rstrip("0").rstrip(".").replace(".", "_")
    return EmissionFactor(
        id=f"air.ship.so2.sulphur_{slug}pct.emep2023",
        name=f"Ship engines, {fuel} with {s:g} % sulphur: SO2",
        category="fuel",
        unit="t",
        gases={"SO2": 20.0 * s},
        source=_SOURCE,
        source_url="https://www.eea.europa.eu/publications/emep-eea-guidebook-2023",
        edition=f"{edition} (EEA Report 06/2023)",
        table=_TABLE,
        region="GLO",
        licence="EEA-reuse",
        boundary="combustion",
        notes=f"20 x {s:g} = {20.0 * s:g} kg SO2 per tonne of fuel (2 kg SO2 per kg S). SO2 only.",
    )
