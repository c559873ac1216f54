"""Uncertainty: vectorised Monte Carlo over footprints and catalogues, the pedigree matrix, sensitivity.

Every factor's value is multiplied, in each iteration, by one draw from its distribution (relative to the
value: the lognormal's median, the normal's mean, the triangular's and uniform's bounds as multiples); one
draw per factor per iteration, shared by every line that uses it, so that a factor used on a thousand lines
moves them together. Activities with an ``uncertainty`` get one draw per activity. There is no solve per
iteration and no Python loop over lines or iterations: samples are (iterations x contributions) arrays, and
a catalogue's are one matrix product.

Factors without a distribution get one from their data quality ratings through the pedigree matrix, and
those without ratings a default; both are listed in the result as defaults.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._catalogue import ExplodedCatalogue
from ._errors import DeliveryError, InputError, Problem
from ._factors import EmissionFactor, FactorLibrary, PrefoldedPolicy, Uncertainty
from ._finite import check_evaluated, check_sums
from ._gwp import DEFAULT_GWP_SET, gwp_set
from ._lifecycle import PreparedProduct, _evaluate, _paths, prepare_product
from ._modules import MODULES
from ._product import Product

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MonteCarloResult",
    "compare_monte_carlo",
    "factor_uncertainty",
    "monte_carlo",
    "monte_carlo_catalogue",
    "pedigree_gsd",
]

#: Pedigree matrix: contribution of each score (1-5) to the variance of ln(value), per indicator, from the
#: ecoinvent data quality guideline (Weidema et al. 2013, Table 10.5; equal to (ln U)^2 / 4 for the
#: uncertainty factors U of Frischknecht et al. 2007).
PEDIGREE_VARIANCE: dict[str, tuple[float, ...]] = {
    "reliability": (0.0, 0.0006, 0.002, 0.008, 0.04),
    "completeness": (0.0, 0.0001, 0.0006, 0.002, 0.008),
    "temporal": (0.0, 0.0002, 0.002, 0.008, 0.04),
    "geographical": (0.0, 0.000025, 0.0001, 0.0006, 0.002),
    "technological": (0.0, 0.0006, 0.008, 0.04, 0.12),
}
#: Basic uncertainty of an emission factor before data quality: GSD 1.05 (variance of ln 0.0006), as the
#: ecoinvent guideline gives for CO2 from combustion; the pedigree adds to it.
BASIC_VARIANCE = 0.0006
#: Assumed where a factor has ratings for technology, geography and time only (PACT's three).
DEFAULT_RELIABILITY = 2
DEFAULT_COMPLETENESS = 2
#: For a factor with neither a distribution nor ratings: a GSD of 1.5, a wide default, flagged.
DEFAULT_GSD = 1.5


def pedigree_gsd(
    reliability: int,
    completeness: int,
    temporal: int,
    geographical: int,
    technological: int,
    basic_variance: float = BASIC_VARIANCE,
) -> float:
    """Geometric standard deviation of a lognormal from pedigree scores (1 best to 5 worst each):
    exp(sqrt(basic variance + sum of the scores' variances))."""
    scores = {"reliability": reliability, "completeness": completeness, "temporal": temporal,
              "geographical": geographical, "technological": technological}  # fmt: skip
    var = basic_variance
    for name, score in scores.items():
        if score not in (1, 2, 3, 4, 5):
            raise InputError(
                [Problem("pedigree score out of range", field=name, value=score, expected="1, 2, 3, 4 or 5")],
                what="pedigree",
            )
        var += PEDIGREE_VARIANCE[name][score - 1]
    return math.exp(math.sqrt(var))


def factor_uncertainty(factor: EmissionFactor) -> tuple[Uncertainty, str]:
    """A factor's distribution and where it comes from: ``"source"`` (the factor's own), ``"pedigree"``
    (its data quality ratings, reliability and completeness assumed 2) or ``"default"`` (GSD 1.5)."""
    if factor.uncertainty is not None:
        return factor.uncertainty, "source"
    if None not in (factor.dqr_technological, factor.dqr_geographical, factor.dqr_temporal):
        gsd = pedigree_gsd(
            DEFAULT_RELIABILITY, DEFAULT_COMPLETENESS, factor.dqr_temporal,  # type: ignore[arg-type]
            factor.dqr_geographical, factor.dqr_technological,  # type: ignore[arg-type]
        )  # fmt: skip
        return Uncertainty(distribution="lognormal", gsd=gsd), "pedigree"
    return Uncertainty(distribution="lognormal", gsd=DEFAULT_GSD), "default"


def _draw(dists: Sequence[Uncertainty], n: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Multipliers, shape (n, len(dists)): one column per distribution, one row per iteration. Columns are
    drawn in order from one generator, so the same seed and the same list give the same numbers."""
    out = np.ones((n, len(dists)))
    z = rng.standard_normal((n, len(dists)))
    u = rng.random((n, len(dists)))
    for k, d in enumerate(dists):  # per distinct distribution (a few hundred factors), not per line
        if d.distribution == "lognormal":
            out[:, k] = np.exp(math.log(d.gsd) * z[:, k])  # type: ignore[arg-type]
        elif d.distribution == "normal":
            out[:, k] = 1.0 + d.sd * z[:, k]  # type: ignore[operator]
        elif d.distribution == "uniform":
            out[:, k] = d.min + (d.max - d.min) * u[:, k]  # type: ignore[operator]
        else:  # triangular, by its inverse distribution function
            a, c, b = float(d.min), float(d.mode), float(d.max)  # type: ignore[arg-type]  # validated by Uncertainty
            if b == a:
                out[:, k] = a
                continue
            f = (c - a) / (b - a)
            uk = u[:, k]
            out[:, k] = np.where(uk < f, a + np.sqrt(uk * (b - a) * (c - a)), b - np.sqrt((1 - uk) * (b - a) * (b - c)))
    return out


def _stats(samples: npt.NDArray[np.float64], names: Sequence[str], deterministic: Sequence[float]) -> pd.DataFrame:
    """mean, median, sd, 2.5 % and 97.5 % percentiles per column of ``samples`` (iterations x names)."""
    import pandas as pd

    q = np.percentile(samples, [2.5, 50.0, 97.5], axis=0)
    return pd.DataFrame(
        {
            "deterministic": np.asarray(deterministic, dtype=float),
            "mean": samples.mean(axis=0),
            "median": q[1],
            "sd": samples.std(axis=0, ddof=1) if len(samples) > 1 else np.zeros(samples.shape[1]),
            "p2_5": q[0],
            "p97_5": q[2],
        },
        index=pd.Index(list(names)),
    )


@dataclass(frozen=True)
class MonteCarloResult:
    """Samples and statistics of a Monte Carlo run.

    ``total`` holds one sample per iteration of the footprint (A1-C4, or per product for a catalogue);
    ``summary`` the statistics of the total(s), ``by_module`` and ``by_component`` (products) or
    ``by_supplier`` (catalogues) theirs; ``sensitivity`` ranks the factors and activities whose draws move the
    total most (Spearman rank correlation, and its square normalised to a share of the variance explained).
    ``defaults`` lists the factors whose distribution came from the pedigree matrix or the default;
    ``samples_by_module`` holds a product's samples per module (iterations x modules; empty for catalogues).
    """

    iterations: int
    seed: int
    gwp_set: str
    total: npt.NDArray[np.float64]
    summary: pd.DataFrame
    by_module: pd.DataFrame
    by_component: pd.DataFrame
    by_supplier: pd.DataFrame
    sensitivity: pd.DataFrame
    defaults: dict[str, str]
    samples_by_module: pd.DataFrame

    def __repr__(self) -> str:
        """One line with the key figures (the tables are attributes)."""
        from ._display import monte_carlo_repr

        return monte_carlo_repr(self)

    def _repr_html_(self) -> str:
        """Key figures, a table and a small chart, for notebooks (all text escaped)."""
        from ._display import monte_carlo_html

        return monte_carlo_html(self)


def _ranks(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Ranks along axis 0 (ties broken by order; draws are continuous)."""
    order = np.argsort(x, axis=0, kind="stable")
    ranks = np.empty_like(order, dtype=np.float64)
    np.put_along_axis(ranks, order, np.arange(x.shape[0], dtype=np.float64)[:, None], axis=0)
    return ranks


def _sensitivity(
    draws: npt.NDArray[np.float64], names: Sequence[str], total: npt.NDArray[np.float64], top: int
) -> pd.DataFrame:
    """Spearman rank correlation of each input's draws with the total, and rho^2 as a share of their sum."""
    import pandas as pd

    if draws.shape[1] == 0 or np.all(total == total[0]):
        return pd.DataFrame({"rank_correlation": [], "variance_share": []})
    rx = _ranks(draws)
    rt = _ranks(total[:, None])[:, 0]
    rx -= rx.mean(axis=0)
    rt -= rt.mean()
    denom = np.sqrt((rx**2).sum(axis=0) * (rt**2).sum())
    rho = np.divide(rx.T @ rt, denom, out=np.zeros(draws.shape[1]), where=denom > 0)
    share = rho**2 / (rho**2).sum() if (rho**2).sum() > 0 else np.zeros_like(rho)
    df = pd.DataFrame({"rank_correlation": rho, "variance_share": share}, index=pd.Index(list(names), name="input"))
    return df.reindex(df["variance_share"].sort_values(ascending=False, kind="stable").index).head(top)


def _factor_draws(
    factor_ids: Sequence[str], library: FactorLibrary, n: int, seed: int
) -> tuple[npt.NDArray[np.float64], dict[str, str]]:
    """One column of multipliers per factor id, drawn in sorted-id order from the seed: common random numbers
    for every footprint that uses the same factors with the same seed."""
    ids = sorted(set(factor_ids))
    dists, defaults = [], {}
    for fid in ids:
        dist, origin = factor_uncertainty(library[fid])
        dists.append(dist)
        if origin != "source":
            defaults[fid] = f"{origin}: {dist}"
    draws = _draw(dists, n, np.random.default_rng(seed))
    pos = {fid: k for k, fid in enumerate(ids)}
    return draws[:, [pos[f] for f in factor_ids]], defaults


@np.errstate(over="ignore", invalid="ignore")  # overflows are found and named by the checks in _finite
def monte_carlo(
    product: Product | PreparedProduct,
    library: FactorLibrary | None = None,
    *,
    iterations: int = 1000,
    seed: int = 0,
    gwp: str = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "error",
    quantity: float = 1.0,
    top: int = 10,
) -> MonteCarloResult:
    """Monte Carlo of a product's footprint: ``iterations`` draws of every factor (and every activity with an
    uncertainty), seeded and reproducible. With zero spread everywhere each iteration equals the
    deterministic result exactly."""
    import pandas as pd

    if not (isinstance(iterations, int) and iterations >= 1):
        raise InputError(
            [Problem("iterations must be a whole number >= 1", field="iterations", value=iterations)],
            what="monte_carlo",
        )
    prep = product if isinstance(product, PreparedProduct) else prepare_product(product, library)
    gs = gwp_set(gwp)
    ev = _evaluate(prep, gs.name, prefolded, quantity)
    check_evaluated(prep, ev.cumulative, ev.act, ev.qty, ev.factor, ev.kgco2e)
    lib = prep.library
    fids = [lib.factor_at(int(f)).id for f in np.unique(ev.factor)]
    col_of = {f: k for k, f in enumerate(fids)}
    f_draws, defaults = _factor_draws(fids, lib, iterations, seed)
    a_src = prep.act_uncertainty[ev.act]
    a_draws = (
        _draw(prep.uncertainties, iterations, np.random.default_rng([seed, 1]))
        if prep.uncertainties
        else np.ones((iterations, 0))
    )
    mult = f_draws[:, [col_of[lib.factor_at(int(f)).id] for f in ev.factor]]
    if prep.uncertainties:
        with_src = a_src >= 0
        mult[:, with_src] *= a_draws[:, a_src[with_src]]
    kg = ev.kgco2e[None, :] * mult  # iterations x contributions
    in_total = ev.module != MODULES.index("D")
    total = kg[:, in_total].sum(axis=1)
    det_total = float(ev.kgco2e[in_total].sum())

    mods = [m for m in MODULES if (ev.module == MODULES.index(m)).any()]
    mod_samples = np.stack([kg[:, ev.module == MODULES.index(m)].sum(axis=1) for m in mods], axis=1)
    check_sums(prep, {"total_kgco2e (samples)": total, "by_module (samples)": mod_samples}, ev.kgco2e, ev.act)
    paths, _ = _paths(prep)
    comp_of = [paths[int(prep.act_node[a])] for a in ev.act]
    comps = list(dict.fromkeys(c for c, inc in zip(comp_of, in_total, strict=True) if inc))
    comp_idx = {c: k for k, c in enumerate(comps)}
    indicator = np.zeros((len(ev.act), len(comps)))
    for k, (c, inc) in enumerate(zip(comp_of, in_total, strict=True)):
        if inc:
            indicator[k, comp_idx[c]] = 1.0
    comp_samples = kg @ indicator
    inputs = np.concatenate([f_draws, a_draws], axis=1)
    names = fids + [f"activity {k}: {u}" for k, u in enumerate(prep.uncertainties)]
    return MonteCarloResult(
        iterations=iterations,
        seed=seed,
        gwp_set=gs.name,
        total=total,
        summary=_stats(total[:, None], ["total_kgco2e"], [det_total]),
        by_module=_stats(mod_samples, mods, [float(ev.kgco2e[ev.module == MODULES.index(m)].sum()) for m in mods]),
        by_component=_stats(comp_samples, comps, list(ev.kgco2e @ indicator)),
        by_supplier=pd.DataFrame(),
        sensitivity=_sensitivity(inputs, names, total, top),
        defaults=defaults,
        samples_by_module=pd.DataFrame(mod_samples, columns=mods),
    )


def compare_monte_carlo(
    a: tuple[Product | PreparedProduct, FactorLibrary | None],
    b: tuple[Product | PreparedProduct, FactorLibrary | None],
    *,
    iterations: int = 1000,
    seed: int = 0,
    gwp: str = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "error",
) -> dict[str, float]:
    """Two alternatives, each a (product, library) pair, sampled on common random numbers: a factor id gets
    the same draws in both. Returns P(A < B), the mean and the 2.5/97.5 % percentiles of B - A."""
    ra = monte_carlo(a[0], a[1], iterations=iterations, seed=seed, gwp=gwp, prefolded=prefolded)
    rb = monte_carlo(b[0], b[1], iterations=iterations, seed=seed, gwp=gwp, prefolded=prefolded)
    diff = rb.total - ra.total
    lo, hi = np.percentile(diff, [2.5, 97.5])
    return {
        "p_a_lower": float(np.mean(ra.total < rb.total)),
        "mean_diff": float(diff.mean()),
        "diff_p2_5": float(lo),
        "diff_p97_5": float(hi),
    }


def _delivery_matrix(cat: Any, deliveries: pd.DataFrame) -> tuple[npt.NDArray[np.float64], list[Any]]:
    """(products x (period, supplier)) quantities delivered, and the (period, supplier) keys."""
    import pandas as pd

    d = deliveries.reset_index(drop=True)
    pos = pd.Index(cat.product_ids).get_indexer(d["product"].astype(str))
    qty = pd.to_numeric(d["quantity"], errors="coerce").to_numpy(dtype=float)
    bad = (pos < 0) | ~np.isfinite(qty) | (qty < 0)
    if bad.any():
        raise DeliveryError(
            [
                Problem(
                    "unknown product or quantity not a number >= 0",
                    row=int(i) + 2,
                    field="product",
                    value=d["product"].iloc[i],
                    expected="a product of the catalogue and a quantity >= 0",
                )
                for i in np.flatnonzero(bad)
            ],
            what="deliveries",
        )
    key = pd.MultiIndex.from_arrays([d["period"].astype(str), cat.supplier_ids[cat.supplier_of[pos]].astype(str)])
    codes, keys = key.factorize(sort=True)
    mat = np.zeros((cat.n_products, len(keys)))
    np.add.at(mat, (pos, codes), qty)
    return mat, list(keys)


def monte_carlo_catalogue(
    exploded: ExplodedCatalogue,
    *,
    iterations: int = 1000,
    seed: int = 0,
    gwp: str = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "error",
    library: FactorLibrary | None = None,
    top: int = 10,
    deliveries: pd.DataFrame | None = None,
) -> MonteCarloResult:
    """Monte Carlo of every product of a catalogue and of its suppliers: one draw per factor per iteration,
    and the per-product samples as one matrix product (products x factors in use) @ (factors x iterations).

    Without ``deliveries``, a supplier's samples are the sum of one unit of each of its products; with a
    deliveries table (``product``, ``period``, ``quantity`` in pieces), ``by_supplier`` is per (period,
    supplier), the quantities delivered times the product samples, and ``total`` the cluster over all
    periods. A delivery of a product the catalogue does not hold is a :class:`DeliveryError`.
    """
    import pandas as pd

    if not (isinstance(iterations, int) and iterations >= 1):
        raise InputError(
            [Problem("iterations must be a whole number >= 1", field="iterations", value=iterations)],
            what="monte_carlo",
        )
    cat = exploded.catalogue
    lib = library or cat.library
    gs = gwp_set(gwp)
    fids = [cat.library.factor_at(int(f)).id for f in exploded.used]
    lib_idx = np.array([lib.index_of(f) for f in fids], dtype=np.intp)
    co2e, _ = lib.co2e_vector(gs.name, prefolded, used=lib_idx)
    draws, defaults = _factor_draws(fids, lib, iterations, seed)  # iterations x factors in use
    weights = exploded.qty_by_product_factor * co2e[lib_idx][None, :]  # products x factors in use
    det = weights.sum(axis=1)
    samples = draws @ weights.T  # iterations x products
    if deliveries is None:
        sup = np.zeros((cat.n_products, len(cat.supplier_ids)))
        sup[np.arange(cat.n_products), cat.supplier_of] = 1.0
        names: list[Any] = list(cat.supplier_ids)
    else:
        sup, names = _delivery_matrix(cat, deliveries)
    sup_samples = samples @ sup
    cluster = sup_samples.sum(axis=1) if deliveries is not None else samples.sum(axis=1)
    return MonteCarloResult(
        iterations=iterations,
        seed=seed,
        gwp_set=gs.name,
        total=cluster,
        summary=_stats(samples, list(cat.product_ids), list(det)),
        by_module=pd.DataFrame(),
        by_component=pd.DataFrame(),
        by_supplier=_stats(sup_samples, names, list(det @ sup)),
        sensitivity=_sensitivity(draws, fids, cluster, top),
        defaults=defaults,
        samples_by_module=pd.DataFrame(),
    )
