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

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._basic_uncertainty import basic_variance, quantity_uncertainty
from ._catalogue import ExplodedCatalogue
from ._deprecation import renamed_argument
from ._errors import DeliveryError, InputError, Problem, expect_type
from ._factors import EmissionFactor, FactorLibrary, PrefoldedPolicy, Uncertainty
from ._finite import check_evaluated, check_sums
from ._gwp import DEFAULT_GWP_SET, GWPSet, GWPSetName, gwp_set
from ._lifecycle import KINDS, PreparedProduct, _evaluate, _paths, prepare_product
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
#: Basic uncertainty of CO2 before data quality: variance of ln 0.0006 (GSD exp(sqrt(0.0006)) = 1.025, a 95 %
#: interval of x/1.05), as the ecoinvent guideline gives for CO2 from combustion; the default of
#: :func:`pedigree_gsd`. A factor's own basic variance depends on its gases and class (``basic_variance``).
BASIC_VARIANCE = 0.0006
#: The index of one factor in an activity's list of factors (its rows share the activity's quantity draw).
_FACTOR_INDEX = re.compile(r"\.factor\[\d+\]$")
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


def factor_uncertainty(factor: EmissionFactor, gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET) -> tuple[Uncertainty, str]:
    """A factor's distribution and where it comes from: ``"source"`` (the factor's own), ``"pedigree"``
    (its data quality ratings, reliability and completeness assumed 2, on the basic variance of its gases
    and class under the GWP set ``gwp``) or ``"default"`` (GSD 1.5)."""
    if factor.uncertainty is not None:
        return factor.uncertainty, "source"
    if None not in (factor.dqr_technological, factor.dqr_geographical, factor.dqr_temporal):
        gsd = pedigree_gsd(
            DEFAULT_RELIABILITY, DEFAULT_COMPLETENESS, factor.dqr_temporal,  # type: ignore[arg-type]
            factor.dqr_geographical, factor.dqr_technological,  # type: ignore[arg-type]
            basic_variance(factor, gwp),
        )  # fmt: skip
        return Uncertainty(distribution="lognormal", gsd=gsd), "pedigree"
    return Uncertainty(distribution="lognormal", gsd=DEFAULT_GSD), "default"


def _generator(seed: int, key: str) -> np.random.Generator:
    """A generator of its own for one input, keyed by the seed and the input's id (a factor id, an activity
    key): the same id gets the same draws in every footprint run with the same seed, whatever else it uses."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
    return np.random.default_rng([seed, *np.frombuffer(digest, dtype=np.uint32).tolist()])


def _draw(dists: Sequence[Uncertainty], keys: Sequence[str], n: int, seed: int) -> npt.NDArray[np.float64]:
    """Multipliers, shape (n, len(dists)): one column per distribution, one row per iteration, each column from
    the generator of its key (common random numbers keyed by id, not by position). Normal draws are truncated
    at zero (redrawn while not positive): a quantity or factor cannot change sign."""
    out = np.ones((n, len(dists)))
    for k, (d, key) in enumerate(zip(dists, keys, strict=True)):  # per input (factors, activities), not per line
        rng = _generator(seed, key)
        if d.distribution == "lognormal":
            out[:, k] = np.exp(math.log(d.gsd) * rng.standard_normal(n))  # type: ignore[arg-type]
        elif d.distribution == "normal":
            sd = float(d.sd)  # type: ignore[arg-type]
            x = 1.0 + sd * rng.standard_normal(n)
            low = x <= 0
            while low.any():  # P(x <= 0) = Phi(-1/sd): a few rounds even at sd 1
                x[low] = 1.0 + sd * rng.standard_normal(int(low.sum()))
                low = x <= 0
            out[:, k] = x
        elif d.distribution == "uniform":
            out[:, k] = d.min + (d.max - d.min) * rng.random(n)  # type: ignore[operator]
        else:  # triangular, by its inverse distribution function
            a, c, b = float(d.min), float(d.mode), float(d.max)  # type: ignore[arg-type]  # validated by Uncertainty
            if b == a:
                out[:, k] = a
                continue
            f = (c - a) / (b - a)
            uk = rng.random(n)
            out[:, k] = np.where(uk < f, a + np.sqrt(uk * (b - a) * (c - a)), b - np.sqrt((1 - uk) * (b - a) * (b - c)))
    return out


def moments(d: Uncertainty) -> tuple[float, float]:
    """Mean and variance of a multiplier drawn from ``d`` (the normal truncated at zero as drawn)."""
    if d.distribution == "lognormal":
        s2 = math.log(float(d.gsd)) ** 2  # type: ignore[arg-type]
        return math.exp(s2 / 2), (math.exp(s2) - 1) * math.exp(s2)
    if d.distribution == "normal":
        sd = float(d.sd)  # type: ignore[arg-type]
        if sd == 0:
            return 1.0, 0.0
        alpha = -1.0 / sd  # truncation point in standard units
        tail = 0.5 * math.erfc(alpha / math.sqrt(2))  # 1 - Phi(alpha)
        lam = math.exp(-alpha * alpha / 2) / math.sqrt(2 * math.pi) / tail
        return 1.0 + sd * lam, sd * sd * (1 + alpha * lam - lam * lam)
    a, b = float(d.min), float(d.max)  # type: ignore[arg-type]
    if d.distribution == "uniform":
        return (a + b) / 2, (b - a) ** 2 / 12
    c = float(d.mode)  # type: ignore[arg-type]
    return (a + b + c) / 3, (a * a + b * b + c * c - a * b - a * c - b * c) / 18


def _stats(samples: npt.NDArray[np.float64], names: Sequence[str], deterministic: Sequence[float]) -> pd.DataFrame:
    """mean, median, sd, 2.5 % and 97.5 % percentiles per column of ``samples`` (iterations x names)."""
    import pandas as pd

    q = np.percentile(samples, [2.5, 50.0, 97.5], axis=0)
    return pd.DataFrame(
        {
            "deterministic": np.asarray(deterministic, dtype=float).reshape(-1),
            "mean": samples.mean(axis=0),
            "median": q[1],
            "sd": samples.std(axis=0, ddof=1) if len(samples) > 1 else np.zeros(samples.shape[1]),
            "p2_5": q[0],
            "p97_5": q[2],
        },
        index=pd.Index(list(names)),
    )


_PERCENTILES = (2.5, 50.0, 97.5)


def percentiles_by_row(samples: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The 2.5, 50 and 97.5 % percentiles of each row of ``samples`` (rows x iterations), shape (3, rows),
    equal bit for bit to ``np.percentile(samples, (2.5, 50, 97.5), axis=1)`` (its linear method): the few
    order statistics the percentiles read, found by partial sorts of each row in place (``samples`` is
    reordered within each row), then numpy's interpolation between them."""
    n = samples.shape[1]
    virtual = (n - 1) * (np.asarray(_PERCENTILES) / 100)
    below = np.floor(virtual)
    above = below + 1
    at_end = virtual >= n - 1  # numpy then takes the largest value
    below[at_end], above[at_end] = -1, -1
    lo, hi = below.astype(np.intp), above.astype(np.intp)
    gamma = virtual - lo
    ranked = _order_statistics(samples, sorted({*(lo % n).tolist(), *(hi % n).tolist()}))
    out = np.empty((len(virtual), samples.shape[0]))
    for k, (a, b, t) in enumerate(zip((lo % n).tolist(), (hi % n).tolist(), gamma.tolist(), strict=True)):
        low, high = ranked[a], ranked[b]
        diff = high - low
        out[k] = low + diff * t if t < 0.5 else high - diff * (1 - t)  # numpy's _lerp, one side or the other
    return out


def _order_statistics(samples: npt.NDArray[np.float64], ranks: list[int]) -> dict[int, npt.NDArray[np.float64]]:
    """The values of the given ranks (0: smallest) in each row: a partial sort of each row at one rank at a
    time (the middle one, then within the part on each side), which is several times faster than one
    partial sort at many ranks. NaN sorts last, as in numpy."""
    out: dict[int, npt.NDArray[np.float64]] = {}
    todo = [(0, samples.shape[1], ranks)]
    while todo:
        start, stop, wanted = todo.pop()
        if not wanted:
            continue
        mid = wanted[len(wanted) // 2]
        samples[:, start:stop].partition(mid - start, axis=1)
        out[mid] = samples[:, mid].copy()
        todo += [(start, mid, [r for r in wanted if r < mid]), (mid + 1, stop, [r for r in wanted if r > mid])]
    return out


def _row_stats(samples: npt.NDArray[np.float64], names: Sequence[Any], deterministic: Sequence[float]) -> pd.DataFrame:
    """:func:`_stats` of each row of ``samples`` (rows x iterations, reordered within rows in place)."""
    import pandas as pd

    mean = samples.mean(axis=1)
    sd = samples.std(axis=1, ddof=1) if samples.shape[1] > 1 else np.zeros(len(samples))
    nan = np.isnan(mean)
    if nan.any():  # NaN in a row (or both infinities): numpy's percentiles of a row holding NaN are NaN
        nan[nan] = np.isnan(samples[nan]).any(axis=1)
    q = percentiles_by_row(samples)
    q[:, nan] = np.nan
    return pd.DataFrame(
        {"deterministic": np.asarray(deterministic, dtype=float).reshape(-1), "mean": mean, "median": q[1],
         "sd": sd, "p2_5": q[0], "p97_5": q[2]},
        index=pd.Index(list(names)),
    )  # fmt: skip


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
        from .report._display import monte_carlo_repr

        return monte_carlo_repr(self)

    def _repr_html_(self) -> str:
        """Key figures, a table and a small chart, for notebooks (all text escaped)."""
        from .report._display import monte_carlo_html

        return monte_carlo_html(self)


def _ranks(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Ranks along axis 0 (ties broken by order; draws are continuous)."""
    order = np.argsort(x, axis=0, kind="stable")
    ranks = np.empty_like(order, dtype=np.float64)
    np.put_along_axis(ranks, order, np.arange(x.shape[0], dtype=np.float64)[:, None], axis=0)
    return ranks


def _sensitivity(
    inputs: _Inputs, draws: npt.NDArray[np.float64], total: npt.NDArray[np.float64], top: int
) -> pd.DataFrame:
    """Each input's exact share of the variance of the total, and the Spearman rank correlation of its draws
    with the total.

    The total is sum_c k_c m_f(c) q_a(c) over contributions c, with independent factor multipliers m_f (mean
    mu_f, variance v_f) and quantity multipliers q_a (nu_a, w_a). Its variance is exactly
    sum_f v_f (sum_{c in f} k_c nu_a(c))^2 + sum_a w_a (sum_{c in a} k_c mu_f(c))^2
    + sum_{f, a} v_f w_a (sum_{c in f and a} k_c)^2: a first-order part per input (its share is its first-order
    Sobol index) and an ``interactions`` part where an uncertain factor meets an uncertain quantity.
    """
    import pandas as pd

    fm = np.array([moments(d) for d in inputs.factor_dists]).reshape(-1, 2)
    am = np.array([moments(d) for d in inputs.act_dists] + [(1.0, 0.0)]).reshape(-1, 2)  # last: no draw
    k, fc = inputs.k, inputs.f_col
    ac = np.where(inputs.a_col < 0, len(inputs.act_dists), inputs.a_col)
    n_f, n_a = len(fm), len(am)
    s_f = fm[:, 1] * np.bincount(fc, k * am[ac, 0], minlength=n_f) ** 2
    s_a = am[:, 1] * np.bincount(ac, k * fm[fc, 0], minlength=n_a) ** 2
    pair = np.bincount(fc * n_a + ac, k, minlength=n_f * n_a).reshape(n_f, n_a)
    inter = float((fm[:, 1][:, None] * am[:, 1][None, :] * pair**2).sum())
    parts = np.concatenate([s_f, s_a[:-1], [inter]])
    var = float(parts.sum())
    if var == 0 or not np.isfinite(var):
        return pd.DataFrame({"rank_correlation": [], "variance_share": []})
    rx = _ranks(draws)
    rt = _ranks(total[:, None])[:, 0]
    rx -= rx.mean(axis=0)
    rt -= rt.mean()
    denom = np.sqrt((rx**2).sum(axis=0) * (rt**2).sum())
    rho = np.divide(rx.T @ rt, denom, out=np.zeros(draws.shape[1]), where=denom > 0)
    df = pd.DataFrame(
        {"rank_correlation": np.append(rho, np.nan), "variance_share": parts / var},
        index=pd.Index([*inputs.names, "interactions"], name="input"),
    )
    df = df[df["variance_share"] > 0]
    return df.reindex(df["variance_share"].sort_values(ascending=False, kind="stable").index).head(top)


@dataclass(frozen=True)
class _Inputs:
    """The uncertain inputs of a total: per contribution its kg CO2e ``k``, factor column and activity column
    (-1: exact quantity); the factors' and activities' distributions and names (factors first)."""

    k: npt.NDArray[np.float64]
    f_col: npt.NDArray[np.intp]
    a_col: npt.NDArray[np.intp]
    factor_dists: Sequence[Uncertainty]
    act_dists: Sequence[Uncertainty]
    names: Sequence[str]


def _factor_draws(
    factor_ids: Sequence[str], library: FactorLibrary, n: int, seed: int, gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET
) -> tuple[npt.NDArray[np.float64], list[Uncertainty], dict[str, str]]:
    """One column of multipliers per (distinct) factor id, each from the generator keyed by the seed and the
    id: common random numbers for every footprint that uses the factor with the same seed, whatever other
    factors it uses. Also the distributions, and the factors whose distribution is a default."""
    dists, defaults = [], {}
    for fid in factor_ids:
        dist, origin = factor_uncertainty(library[fid], gwp)
        dists.append(dist)
        if origin != "source":
            defaults[fid] = f"{origin}: {dist}"
    return _draw(dists, [f"factor|{f}" for f in factor_ids], n, seed), dists, defaults


def _activity_inputs(
    prep: PreparedProduct, quantity_defaults: bool
) -> tuple[npt.NDArray[np.intp], list[str], list[Uncertainty]]:
    """Per activity row of ``prep`` its quantity draw column (-1: exact), and per column its key and
    distribution. A row's own distribution comes first; without one, with ``quantity_defaults``, the basic
    uncertainty of its kind (QUANTITY_VARIANCE). Rows of one activity (a fuel's combustion and well-to-tank
    factors) share a key, the item id and the field of the product file, and so a draw."""
    fields = prep.act_field if len(prep.act_field) == len(prep.act_node) else tuple(map(str, range(len(prep.act_node))))
    col = np.full(len(prep.act_node), -1, dtype=np.intp)
    keys: dict[str, int] = {}
    dists: list[Uncertainty] = []
    for a, (src, kind) in enumerate(zip(prep.act_uncertainty.tolist(), prep.act_kind.tolist(), strict=True)):
        dist = prep.uncertainties[src] if src >= 0 else None
        if dist is None and quantity_defaults and (gsd := quantity_uncertainty(KINDS[kind])) is not None:
            dist = Uncertainty(distribution="lognormal", gsd=gsd)
        if dist is None:
            continue
        key = f"{prep.node_ids[int(prep.act_node[a])]}|{_FACTOR_INDEX.sub('.factor', fields[a])}"
        if key not in keys:
            keys[key] = len(dists)
            dists.append(dist)
        col[a] = keys[key]
    return col, list(keys), dists


@dataclass(frozen=True)
class Samples:
    """The Monte Carlo samples of an evaluated product: ``kg`` (iterations x contributions), ``total`` (A1-C4
    per iteration), and the draws and their keys (factors by id, quantities by item and field)."""

    kg: npt.NDArray[np.float64]
    in_total: npt.NDArray[np.bool_]
    total: npt.NDArray[np.float64]
    fids: list[str]
    f_col: npt.NDArray[np.intp]
    f_dists: list[Uncertainty]
    defaults: dict[str, str]
    f_draws: npt.NDArray[np.float64]
    a_col: npt.NDArray[np.intp]
    a_keys: list[str]
    a_dists: list[Uncertainty]
    a_draws: npt.NDArray[np.float64]


@np.errstate(over="ignore", invalid="ignore")  # overflows are found and named by check_evaluated
def sample_evaluated(
    prep: PreparedProduct, ev: Any, iterations: int, seed: int, gs: GWPSet, quantity_defaults: bool = True
) -> Samples:
    """Samples of a product already evaluated (``_evaluate``), so a caller that needs both the deterministic
    contributions and the samples evaluates once. Non-finite contributions are refused first."""
    check_evaluated(prep, ev.cumulative, ev.act, ev.qty, ev.factor, ev.kgco2e)
    lib = prep.library
    used = np.unique(ev.factor)
    fids = [lib.factor_at(int(f)).id for f in used]
    f_col = np.searchsorted(used, ev.factor).astype(np.intp)
    f_draws, f_dists, defaults = _factor_draws(fids, lib, iterations, seed, gs)
    act_col, a_keys, a_dists = _activity_inputs(prep, quantity_defaults)
    a_draws = _draw(a_dists, [f"activity|{k}" for k in a_keys], iterations, seed)
    a_col = act_col[ev.act]
    mult = f_draws[:, f_col]
    with_draw = a_col >= 0
    mult[:, with_draw] *= a_draws[:, a_col[with_draw]]
    kg = ev.kgco2e[None, :] * mult  # iterations x contributions
    in_total = ev.module != MODULES.index("D")
    total = kg[:, in_total].sum(axis=1)
    return Samples(kg, in_total, total, fids, f_col, f_dists, defaults, f_draws, a_col, a_keys, a_dists, a_draws)


@np.errstate(over="ignore", invalid="ignore")  # overflows are found and named by the checks in _finite
def monte_carlo(
    product: Product | PreparedProduct,
    library: FactorLibrary | None = None,
    *,
    iterations: int = 1000,
    seed: int = 0,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "report",
    quantity: float = 1.0,
    top: int = 10,
    quantity_defaults: bool = True,
) -> MonteCarloResult:
    """Monte Carlo of a product's footprint: ``iterations`` draws of every factor and every activity quantity,
    seeded and reproducible. A quantity without a distribution of its own gets the basic uncertainty of its
    kind (transport 0.12, others 0.0006 variance of ln; component counts exact) unless ``quantity_defaults``
    is False. With zero spread everywhere each iteration equals the deterministic result exactly."""
    import pandas as pd

    if not (isinstance(iterations, int) and iterations >= 1):
        raise InputError(
            [Problem("iterations must be a whole number >= 1", field="iterations", value=iterations)],
            what="monte_carlo",
        )
    prep = product if isinstance(product, PreparedProduct) else prepare_product(product, library)
    gs = gwp_set(gwp)
    ev = _evaluate(prep, gs, prefolded, quantity)
    s = sample_evaluated(prep, ev, iterations, seed, gs, quantity_defaults)
    kg, in_total, total = s.kg, s.in_total, s.total
    fids, f_col, f_dists, defaults = s.fids, s.f_col, s.f_dists, s.defaults
    f_draws, a_col, a_keys, a_dists, a_draws = s.f_draws, s.a_col, s.a_keys, s.a_dists, s.a_draws
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
    names = fids + [f"quantity {k}: {u}" for k, u in zip(a_keys, a_dists, strict=True)]
    inputs = _Inputs(ev.kgco2e[in_total], f_col[in_total], a_col[in_total], f_dists, a_dists, names)
    return MonteCarloResult(
        iterations=iterations,
        seed=seed,
        gwp_set=gs.name,
        total=total,
        summary=_stats(total[:, None], ["total_kgco2e"], [det_total]),
        by_module=_stats(mod_samples, mods, [float(ev.kgco2e[ev.module == MODULES.index(m)].sum()) for m in mods]),
        by_component=_stats(comp_samples, comps, list(ev.kgco2e @ indicator)),
        by_supplier=pd.DataFrame(),
        sensitivity=_sensitivity(inputs, np.concatenate([f_draws, a_draws], axis=1), total, top),
        defaults=defaults,
        samples_by_module=pd.DataFrame(mod_samples, columns=mods),
    )


def compare_monte_carlo(
    a: tuple[Product | PreparedProduct, FactorLibrary | None],
    b: tuple[Product | PreparedProduct, FactorLibrary | None],
    *,
    iterations: int = 1000,
    seed: int = 0,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "report",
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


def _delivery_rows(
    cat: Any, deliveries: pd.DataFrame
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], Any, list[Any]]:
    """Per delivery: the product's position, its (period, supplier) key's position and the quantity delivered;
    and the (period, supplier) keys."""
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
    return pos.astype(np.intp), codes.astype(np.intp), qty, list(keys)


def _group_weights(
    weights: npt.NDArray[np.float64], pos: npt.NDArray[np.intp], codes: npt.NDArray[np.intp], qty: Any, n: int
) -> npt.NDArray[np.float64]:
    """(groups x factors) kg CO2e: each group's sum of ``qty`` times its products' rows of ``weights`` (a
    sparse roll-up: one weighted count per factor, never a products x groups matrix)."""
    out = np.empty((n, weights.shape[1]))
    for j in range(weights.shape[1]):  # one per factor in use, never per product or line
        out[:, j] = np.bincount(codes, weights=qty * weights[pos, j], minlength=n)
    return out


_CHUNK = 2048  # rows sampled at once: 2,048 products (or suppliers) x 1,000 iterations is 16 MB


def _block_stats(
    draws_t: npt.NDArray[np.float64], weights: npt.NDArray[np.float64], names: Sequence[Any]
) -> tuple[pd.DataFrame, npt.NDArray[np.float64]]:
    """Statistics of every row's samples (``weights`` rows x factors in use, times ``draws_t``, factors x
    iterations), a block of rows at a time so that the (rows x iterations) samples never exist whole; and
    the rows' samples summed per iteration."""
    import pandas as pd

    total = np.zeros(draws_t.shape[1])
    parts = []
    for i in range(0, len(weights), _CHUNK):
        block = weights[i : i + _CHUNK]
        samples = block @ draws_t  # rows x iterations, each row contiguous
        total += samples.sum(axis=0)
        parts.append(_row_stats(samples, names[i : i + _CHUNK], block.sum(axis=1)))
    stats = pd.concat(parts) if parts else _stats(np.zeros((draws_t.shape[1], 0)), [], [])
    return stats, total


def monte_carlo_catalogue(
    exploded: ExplodedCatalogue,
    *,
    iterations: int = 1000,
    seed: int = 0,
    gwp: GWPSetName | GWPSet = DEFAULT_GWP_SET,
    prefolded: PrefoldedPolicy = "report",
    factors: FactorLibrary | None = None,
    library: FactorLibrary | None = None,
    top: int = 10,
    deliveries: pd.DataFrame | None = None,
) -> MonteCarloResult:
    """Monte Carlo of every product of a catalogue and of its suppliers: one draw per factor per iteration;
    the per-product samples are matrix products (factors in use x iterations) @ (products x factors in use),
    a block of products at a time, and the suppliers' from their summed factor quantities (time and memory
    linear in the number of products).

    Without ``deliveries``, a supplier's samples are the sum of one unit of each of its products; with a
    deliveries table (``product``, ``period``, ``quantity`` in pieces), ``by_supplier`` is per (period,
    supplier), the quantities delivered times the product samples, and ``total`` the cluster over all
    periods. A delivery of a product the catalogue does not hold is a :class:`DeliveryError`. ``factors``
    replaces the values of the catalogue's factors (``library=`` is its deprecated name).
    """
    import pandas as pd

    if not (isinstance(iterations, int) and iterations >= 1):
        raise InputError(
            [Problem("iterations must be a whole number >= 1", field="iterations", value=iterations)],
            what="monte_carlo",
        )
    library = renamed_argument("monte_carlo_catalogue", "library", "factors", library, factors)
    expect_type(library, (FactorLibrary, type(None)), "factors")
    cat = exploded.catalogue
    lib = library or cat.library
    gs = gwp_set(gwp)
    fids = [cat.library.factor_at(int(f)).id for f in exploded.used]
    lib_idx = np.array([lib.index_of(f) for f in fids], dtype=np.intp)
    co2e, _ = lib.co2e_vector(gs, prefolded, used=lib_idx)
    draws, dists, defaults = _factor_draws(fids, lib, iterations, seed, gs)  # iterations x factors in use
    weights = exploded.qty_by_product_factor * co2e[lib_idx][None, :]  # products x factors in use
    if deliveries is None:
        pos, codes = np.arange(cat.n_products, dtype=np.intp), cat.supplier_of
        qty: Any = np.ones(cat.n_products)
        names: list[Any] = list(cat.supplier_ids)
    else:
        pos, codes, qty, names = _delivery_rows(cat, deliveries)
    sup_weights = _group_weights(weights, pos, codes, qty, len(names))  # (period,) supplier x factors in use
    per_product = np.bincount(pos, weights=qty, minlength=cat.n_products)
    n_f = len(fids)  # the cluster as one contribution per factor; catalogue quantities are exact
    cluster_inputs = _Inputs(per_product @ weights, np.arange(n_f), np.full(n_f, -1, dtype=np.intp), dists, [], fids)
    draws_t = np.ascontiguousarray(draws.T)  # factors in use x iterations
    by_supplier, cluster = _block_stats(draws_t, sup_weights, names)
    summary, _ = _block_stats(draws_t, weights, list(cat.product_ids))
    return MonteCarloResult(
        iterations=iterations,
        seed=seed,
        gwp_set=gs.name,
        total=cluster,
        summary=summary,
        by_module=pd.DataFrame(),
        by_component=pd.DataFrame(),
        by_supplier=by_supplier,
        sensitivity=_sensitivity(cluster_inputs, draws, cluster, top),
        defaults=defaults,
        samples_by_module=pd.DataFrame(),
    )
