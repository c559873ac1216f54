"""Basic uncertainties: the spread of a value before its data quality is rated, per gas, factor class and
kind of activity quantity.

The values are the default basic uncertainties of the ecoinvent data quality guideline (Weidema et al. 2013,
"Overview and methodology. Data quality guideline for the ecoinvent database version 3", ecoinvent report 1(v3),
Table 10.4), given there as the variance of the natural logarithm of the value; they restate the basic
uncertainty factors U of ecoinvent v2 (Frischknecht et al. 2007) as (ln U)^2 / 4, i.e. U 1.05 -> 0.0006,
U 1.5 -> 0.04, U 2 -> 0.12. The pedigree matrix (``PEDIGREE_VARIANCE`` in the uncertainty module) adds the
data quality variances to them.
"""

from __future__ import annotations

import math
from typing import Literal

from ._factors import EmissionFactor
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gwp_set
from ._substances import NON_GREENHOUSE

__all__ = ["QUANTITY_VARIANCE", "basic_variance", "factor_class", "gas_variance", "quantity_uncertainty"]

FactorClass = Literal["combustion", "process", "agricultural"]

#: Weidema et al. 2013, Table 10.4, emissions to air, variance of ln per (gas group, class).
#: CO2: 0.0006 for combustion and process; CH4 (with NH3) and N2O (with NOx): 0.04 from combustion,
#: 0.008 (CH4) and 0.03 (N2O) from agriculture. The table gives no process value for CH4 and N2O: the
#: combustion value is used. Other gases (SF6, HFCs, ...): "inorganic emissions, others", process, 0.04.
_AIR: dict[str, dict[FactorClass, float]] = {
    "CO2": {"combustion": 0.0006, "process": 0.0006, "agricultural": 0.0006},
    "CH4": {"combustion": 0.04, "process": 0.04, "agricultural": 0.008},
    "N2O": {"combustion": 0.04, "process": 0.04, "agricultural": 0.03},
    "other": {"combustion": 0.04, "process": 0.04, "agricultural": 0.04},
}

#: Default uncertainty of an activity quantity by its kind (the ``KINDS`` of a prepared product), from the
#: same table's intermediate exchanges: demand of thermal energy, electricity, semi-finished products,
#: working material and waste treatment services 0.0006; transport services (t km) 0.12. A component's
#: count is exact (its declared footprint carries the spread): 0.
QUANTITY_VARIANCE: dict[str, float] = {
    "material": 0.0006,
    "scrap": 0.0006,
    "process": 0.0006,
    "use": 0.0006,
    "component": 0.0,
    "transport": 0.12,
    "end-of-life": 0.0006,
    "credit": 0.0006,
}

#: Factor categories whose emissions are combustion emissions in the guideline's sense.
_COMBUSTION = frozenset({"fuel", "freight"})


def factor_class(factor: EmissionFactor) -> FactorClass:
    """``combustion`` for fuel and freight (tank-to-wheel) factors, ``process`` for every other category
    (the bundled library has no agricultural category)."""
    return "combustion" if factor.category in _COMBUSTION else "process"


def gas_variance(gas: str, cls: FactorClass) -> float:
    """Basic variance of ln of one gas's amount: CO2 of any origin (fossil, biogenic, uptake, land use change)
    as CO2, CH4 fossil and non-fossil as CH4."""
    group = "CO2" if gas.startswith("CO2") else "CH4" if gas.startswith("CH4") else "N2O" if gas == "N2O" else "other"
    return _AIR[group][cls]


def basic_variance(factor: EmissionFactor, gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET) -> float:
    """Basic variance of ln of a factor's CO2e: each gas's basic variance weighted by the square of its share
    of the CO2e, sum_g (|e_g| / sum |e|)^2 var_g, with e_g = GWP_g x amount_g (the first-order variance of ln of
    a sum of independent lognormal terms). A pre-folded factor (CO2e only, gases unknown) gets CO2's."""
    cls = factor_class(factor)
    if not factor.gases:
        return gas_variance("CO2", cls)
    values = gwp_set(gwp).values
    parts = {g: abs(values.get(g, 1.0) * a) for g, a in factor.gases.items() if g not in NON_GREENHOUSE}
    total = sum(parts.values())
    if total == 0:
        return gas_variance("CO2", cls)
    return sum((e / total) ** 2 * gas_variance(g, cls) for g, e in parts.items())


def quantity_uncertainty(kind: str) -> float | None:
    """Geometric standard deviation of an activity quantity of this kind without a distribution of its own:
    exp(sqrt(variance)), or None where the quantity is exact."""
    var = QUANTITY_VARIANCE.get(kind, 0.0)
    return math.exp(math.sqrt(var)) if var > 0 else None
