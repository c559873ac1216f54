"""Cluster totals without double counting: deliveries from one member of a cluster to another.

A member's product that goes into another member's delivered product is counted twice when the cluster's
deliveries are summed: once when the actuator maker delivers it to the valve maker, again inside the valve's
footprint. A delivery is *intra-cluster* when its ``customer`` is a member of the delivering supplier's
cluster; the cluster's *net* total counts only deliveries that leave it, *gross* counts every delivery, and
gross = intra-cluster + net in every period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

    from ._suppliers import Supplier

__all__ = ["cluster_totals", "intra_cluster", "intra_cluster_flows"]

DEFAULT_CLUSTER = "cluster"


def cluster_of_names(suppliers: Sequence[Supplier] | None, members: Iterable[str]) -> dict[str, str]:
    """Cluster of every name a member goes by: each supplier's id and name (its cluster, or the default one),
    and every other supplier of the footprint table in the default cluster."""
    out = dict.fromkeys((str(m).strip() for m in members), DEFAULT_CLUSTER)
    for s in suppliers or ():
        for key in (s.id, s.name):
            if key:
                out[key.strip()] = s.cluster or DEFAULT_CLUSTER
    return out


def intra_cluster(
    customer: npt.NDArray[np.object_], cluster: npt.NDArray[np.object_], clusters: dict[str, str]
) -> npt.NDArray[np.bool_]:
    """Which deliveries go to a member of the delivering supplier's own cluster (customers matched exactly,
    surrounding spaces ignored)."""
    to = np.array([clusters.get(str(c).strip()) for c in customer], dtype=object)
    return np.asarray(to == cluster, dtype=bool)


def intra_cluster_flows(lines: pd.DataFrame) -> pd.DataFrame:
    """The intra-cluster deliveries, named: per period, cluster, supplier, customer and product, the declared
    units, tonnes and kg CO2e delivered."""
    keys = ["period", "cluster", "supplier", "customer", "product"]
    intra = lines[lines["intra_cluster"]]
    if "customer" not in intra.columns:
        intra = intra.assign(customer="")
    return intra.groupby(keys, sort=True)[["quantity", "mass_t", "total_kgco2e"]].sum(min_count=1)


def cluster_totals(by_cluster: pd.DataFrame, by_cluster_net: pd.DataFrame) -> pd.DataFrame:
    """Per period and cluster: gross (every delivery), intra-cluster (to a member of the same cluster) and net
    (leaving the cluster) kg CO2e, and the intra-cluster share of the gross total."""
    import pandas as pd

    gross = by_cluster["total_kgco2e"]
    net = by_cluster_net["total_kgco2e"].reindex(gross.index).fillna(0.0)
    out = pd.DataFrame({"gross_kgco2e": gross, "intra_cluster_kgco2e": gross - net, "net_kgco2e": net})
    out["intra_cluster_share"] = out["intra_cluster_kgco2e"] / gross.where(gross != 0)
    return out


def zero_intra(lines: pd.DataFrame, columns: list[str]) -> Any:
    """The delivery lines with the intra-cluster ones' amounts set to zero (same rows, so group-bys of it
    have the same index as those of the gross lines)."""
    net = lines.copy()
    net.loc[net["intra_cluster"].to_numpy(), columns] = 0.0
    return net
