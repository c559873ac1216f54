"""Spend in a currency of one price year, and its conversion to the currency and price year of a spend factor.

A spend-based factor (kg CO2e per US dollar) holds for one currency at the prices of one year: US EPA's
Supply Chain GHG Emission Factors v1.2 are per 2021 US dollar. Its unit says so (``USD_2021``), and an amount
is written the same way (``"15000 EUR_2024"``): each currency-year is a dimension of its own (footprint._units),
so a spend in euros, or in dollars of another year, never meets such a factor silently. :func:`convert_spend`
converts it with the exchange rate and the price deflator the user gives, naming both in the result; footprint
ships no rates of its own.
"""

from __future__ import annotations

import math

from ._errors import CurrencyError, UnitError
from ._units import PRICE_YEAR_UNIT, split_quantity

__all__ = ["convert_spend", "price_year"]


def price_year(unit: str) -> tuple[str, int, float] | None:
    """The currency, price year and multiple of a price-year unit (``"kEUR_2024"`` -> ``("EUR", 2024, 1000.0)``),
    or None for any other unit."""
    m = PRICE_YEAR_UNIT.match(unit.strip()) if isinstance(unit, str) else None
    if m is None:
        return None
    return m.group(2), int(m.group(3)), {"k": 1e3, "M": 1e6}.get(m.group(1) or "", 1.0)


def _rate(value: float | None, name: str, needed: bool, what: str) -> float:
    """A rate the conversion needs (finite, > 0), or 1 when it needs none; refuses one given but not needed."""
    if value is None:
        if needed:
            raise CurrencyError(f"{what}: {name} is needed and footprint assumes none; give it")
        return 1.0
    if not needed:
        raise CurrencyError(f"{what}: {name}={value!r} given, but the conversion needs none; leave it out")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise CurrencyError(f"{what}: {name} must be a finite number > 0, got {value!r}")
    return float(value)


def convert_spend(
    spend: str,
    to: str,
    *,
    exchange_rate: float | None = None,
    deflator: float | None = None,
) -> str:
    """``spend`` (``"15000 EUR_2024"``, ``"15 kEUR_2024"``) as an amount in ``to`` (a spend factor's unit such as
    ``"USD_2021"``), for an activity's ``quantity``.

    Two steps, each only with the number you give: ``exchange_rate`` turns the spend's currency into ``to``'s
    currency in the spend's year (units of ``to``'s currency per unit of the spend's, e.g. 1.082 USD per EUR
    for 2024); ``deflator`` then moves the amount from the spend's price year to ``to``'s (the price index of
    ``to``'s year over that of the spend's year, e.g. 0.897 to bring 2024 dollars to 2021 prices). A rate the
    conversion needs and did not get, or got without needing it, raises :class:`CurrencyError`, as does an
    amount or unit that is not a currency of one price year (``"USD"`` has no year: write ``"USD_2021"``)."""
    what = f"converting spend {spend!r} to {to!r}"
    try:
        value, unit = split_quantity(spend)
    except UnitError as exc:
        raise CurrencyError(f"{what}: {exc}") from None
    source, target = price_year(unit), price_year(to)
    for text, parsed in ((unit, source), (to, target)):
        if parsed is None:
            raise CurrencyError(
                f"{what}: {text!r} is not a currency of one price year; write the ISO 4217 code and the year "
                "of the prices, e.g. 'USD_2021', 'EUR_2024' (k and M allowed: 'kEUR_2024')"
            )
    assert source is not None
    assert target is not None
    if not math.isfinite(value) or value < 0:
        raise CurrencyError(f"{what}: the amount must be a finite number >= 0, got {value!r}")
    rate = _rate(exchange_rate, "exchange_rate", source[0] != target[0], what)
    index = _rate(deflator, "deflator", source[1] != target[1], what)
    return f"{value * source[2] * rate * index / target[2]!r} {to}"
