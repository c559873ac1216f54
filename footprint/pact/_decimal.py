"""PACT decimals: the JSON strings PACT wants for numbers, built with :mod:`decimal` at a stated precision.

A computed float carries binary noise (``5.14 * 3 / 3`` is ``5.140000000000001``, three ratings of 5 averaged
by weights give ``5.000000000000001``). Writing its shortest repr would put that noise into a document, and a
rating would leave the 1-5 range PACT allows. Here every number goes through ``Decimal(x)`` (the float's exact
binary value, never its repr), is rounded once to :data:`SIGNIFICANT` significant digits (ratings and
percentages to fixed places), and bounded values are clamped by construction.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

__all__ = ["PERCENT_PLACES", "RATING_PLACES", "SIGNIFICANT", "bounded", "decimal", "decimal_text"]

#: Significant digits of an emission, a mass or an amount: far below any measurement's precision, far above
#: a float's noise (about 16 digits), so a value read from a partner's document comes back as it was written.
SIGNIFICANT = 12
#: Decimal places of a data quality rating (PACT: 1 to 5 in v3, 1 to 3 in v2).
RATING_PLACES = 2
#: Decimal places of a percentage (primary data share, exempted emissions, DQI coverage).
PERCENT_PLACES = 4


def decimal(x: float | int | Decimal, significant: int = SIGNIFICANT) -> Decimal:
    """``x`` as a Decimal rounded half-even to ``significant`` significant digits; -0 becomes 0."""
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"{x!r} is not a finite number")
    d = x if isinstance(x, Decimal) else Decimal(x)
    if not d:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = significant
        ctx.rounding = ROUND_HALF_EVEN
        return (+d).normalize()


def bounded(x: float | Decimal, lo: int, hi: int, places: int) -> Decimal:
    """``x`` rounded half-even to ``places`` decimal places and clamped to ``[lo, hi]``: a weighted mean of
    ratings of 5 is 5, whatever noise the weighting left."""
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"{x!r} is not a finite number")
    d = (x if isinstance(x, Decimal) else Decimal(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return min(max(d, Decimal(lo)), Decimal(hi)).normalize()


def decimal_text(d: Decimal) -> str:
    """A Decimal in PACT's form: positional (no exponent), no trailing zeros, ``"0"`` for zero."""
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text
