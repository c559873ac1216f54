"""Additive LMDI-I: an exact index decomposition of a change of emissions into the change of its factors.

With emissions E_i = x_i1 x_i2 ... x_im per sub-category i (here: products, with factors activity, share of
the activity and intensity), the change E_i(1) - E_i(0) splits into one effect per factor k,

    effect_ik = L(E_i(0), E_i(1)) ln(x_ik(1) / x_ik(0)),    L(a, b) = (b - a) / ln(b / a),   L(a, a) = a,

which add up to the change without residual because the logs of the factors add up to ln(E_i(1) / E_i(0))
(Ang, B.W. (2004), Decomposition analysis for policymaking in energy: which is the preferred method?,
Energy Policy 32(9), 1131-1139; Ang, B.W. (2005), The LMDI approach to decomposition analysis: a practical
guide, Energy Policy 33(7), 867-871).

Zero values follow the analytical limits of Ang, B.W. and Liu, N. (2007), Handling zero values in the
logarithmic mean Divisia index decomposition approach, Energy Policy 35(1), 238-246: where a sub-category's
emissions are zero in one period only, its whole change goes to the factor(s) that are zero in that period
(shared equally if several are), and a sub-category that is zero in both periods contributes nothing.
Factors must keep their sign between the periods (ln of a ratio); a sign change is refused.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

__all__ = ["SignChangeError", "lmdi_additive", "log_mean"]

Array = npt.NDArray[np.float64]


class SignChangeError(ValueError):
    """A factor changes its sign between the two periods: its log change has no value. ``rows`` are the
    positions of the sub-categories concerned."""

    def __init__(self, factor: str, rows: list[int]) -> None:
        super().__init__(f"factor {factor!r} changes sign between the periods in rows {rows}")
        self.factor = factor
        self.rows = rows


def log_mean(a: Array, b: Array) -> Array:
    """The logarithmic mean L(a, b) = (b - a) / ln(b / a), with L(a, a) = a; a and b of one sign."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (b - a) / np.log(b / a)
    return np.where(a == b, a, out)


def lmdi_additive(before: Mapping[str, Array], after: Mapping[str, Array]) -> dict[str, Array]:
    """Per sub-category, the additive LMDI-I effect of each factor (same keys as ``before``).

    ``before[k]`` and ``after[k]`` hold factor k for every sub-category; each sub-category's emissions are the
    product of its factors. The effects of a sub-category add up to its change of emissions.
    """
    names = list(before)
    x0 = np.array([np.asarray(before[k], dtype=float) for k in names])
    x1 = np.array([np.asarray(after[k], dtype=float) for k in names])
    e0, e1 = x0.prod(axis=0), x1.prod(axis=0)
    both = (e0 != 0) & (e1 != 0)
    for k, name in enumerate(names):
        flips = both & (np.sign(x0[k]) != np.sign(x1[k]))
        if flips.any():
            raise SignChangeError(name, np.flatnonzero(flips).tolist())
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(both, x1 / np.where(x0 == 0, 1.0, x0), 1.0)
    weight = np.where(both, log_mean(np.where(both, e0, 1.0), np.where(both, e1, 1.0)), 0.0)
    effects = weight * np.log(np.where(both, ratio, 1.0))
    # zero in one period only: the whole change goes to the factors that are zero in that period
    zero0, zero1 = (e0 == 0) & (e1 != 0), (e1 == 0) & (e0 != 0)
    zero_factor = np.where(zero0, x0 == 0, np.where(zero1, x1 == 0, False))
    n_zero = np.maximum(zero_factor.sum(axis=0), 1)
    effects = np.where(zero_factor, (e1 - e0) / n_zero, effects)
    return {name: effects[k] for k, name in enumerate(names)}
