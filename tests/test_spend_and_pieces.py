"""Spend in a currency of one price year, its conversion with the user's exchange rate and deflator, and the
per-piece fallback. Factor values are those of footprint/factors/spend_epa_sef_v1.2.csv (US EPA Supply Chain GHG
Emission Factors v1.2, kg CO2e per 2021 USD without margins); the exchange rates and deflators are illustrative
numbers a user would give (footprint ships none), chosen so that the products are easy to check by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp

VALVES = "spend.naics-332911.industrial-valves.epa-sef-v1.2-usd2021"  # 0.201 kg CO2e per 2021 USD, AR4
CRUDE_STEEL = "material.steel.carbon.global.worldsteel2024"


def bought_valve(quantity: str) -> fp.Product:
    """A product of one bought-in valve whose footprint is its spend on EPA's NAICS 332911 factor."""
    valve = fp.Item(
        id="nv", name="Needle valve", kind="component", activities=[fp.Activity(factor=VALVES, quantity=quantity)]
    )
    root = fp.Item(id="skid", children=[fp.Child(item="nv")])
    return fp.Product(id="skid", items=[root, valve])


def test_a_spend_in_the_factors_currency_and_price_year_is_counted() -> None:
    """15,000 USD at 2021 prices on 0.201 kg CO2e/USD_2021: 15000 x 0.201 = 3015 kg CO2e; 15 kUSD_2021 is the same."""
    for quantity in ("15000 USD_2021", "15 kUSD_2021"):
        result = fp.calculate(bought_valve(quantity), fp.default_library(), prefolded="report")
        assert result.by_factor[VALVES] == pytest.approx(3015)


@pytest.mark.parametrize("quantity", ["15000 USD", "15000 USD_2024", "15000 EUR_2021", "15000 EUR"])
def test_a_spend_in_another_currency_or_price_year_is_refused(quantity: str) -> None:
    """Dollars without a year, dollars of 2024, euros of 2021 and plain euros all differ from the factor's 2021
    dollars: the calculation refuses each, naming the factor's unit and pointing to convert_spend."""
    with pytest.raises(fp.ProductError, match=r"USD_2021.*one currency at one year's prices.*convert_spend") as info:
        fp.calculate(bought_valve(quantity), fp.default_library(), prefolded="report")
    assert info.value.problems[0].value == VALVES


def test_the_refusal_is_a_currency_error_where_units_meet() -> None:
    """At the level of units the refusal is CurrencyError, an IncompatibleUnitsError: a euro of 2024 is no 2021 dollar."""
    from footprint._factors import activity_to_factor_unit

    with pytest.raises(fp.CurrencyError, match="EUR_2024"):
        activity_to_factor_unit("EUR_2024", fp.default_library()[VALVES])
    assert issubclass(fp.CurrencyError, fp.IncompatibleUnitsError)


def test_convert_spend_with_the_users_exchange_rate_and_deflator() -> None:
    """15,000 EUR at 2024 prices, at 1.08 USD per EUR (2024) and a deflator of 0.9 (2021 over 2024 price level):
    15000 x 1.08 = 16200 USD_2024, x 0.9 = 14580 USD_2021; on the valve factor 14580 x 0.201 = 2930.58 kg CO2e."""
    spend = fp.convert_spend("15000 EUR_2024", "USD_2021", exchange_rate=1.08, deflator=0.9)
    value, unit = spend.split()
    assert (float(value), unit) == (pytest.approx(14580), "USD_2021")
    result = fp.calculate(bought_valve(spend), fp.default_library(), prefolded="report")
    assert result.by_factor[VALVES] == pytest.approx(2930.58)


def test_convert_spend_takes_only_the_steps_it_needs() -> None:
    """Same currency, other year: the deflator alone (20 kUSD_2024 x 0.9 = 18000 USD_2021). Other currency, same
    year: the exchange rate alone (10000 NOK_2021 x 0.1 = 1000 USD_2021). Same unit: the amount unchanged."""
    assert fp.convert_spend("20 kUSD_2024", "USD_2021", deflator=0.9) == f"{20000 * 0.9!r} USD_2021"
    assert fp.convert_spend("10000 NOK_2021", "USD_2021", exchange_rate=0.1) == f"{10000 * 0.1!r} USD_2021"
    assert fp.convert_spend("1500 USD_2021", "USD_2021") == "1500.0 USD_2021"


@pytest.mark.parametrize(
    ("spend", "to", "kwargs", "message"),
    [
        ("15000 EUR_2024", "USD_2021", {"deflator": 0.9}, "exchange_rate is needed"),
        ("15000 EUR_2024", "USD_2021", {"exchange_rate": 1.08}, "deflator is needed"),
        (
            "15000 USD_2021",
            "USD_2021",
            {"exchange_rate": 1.0},
            "exchange_rate=1.0 given, but the conversion needs none",
        ),
        ("15000 EUR_2021", "USD_2021", {"exchange_rate": 0.0}, "exchange_rate must be a finite number > 0"),
        ("15000 USD_2024", "USD_2021", {"deflator": math.nan}, "deflator must be a finite number > 0"),
        ("15000 USD", "USD_2021", {}, "'USD' is not a currency of one price year"),
        ("15000 USD_2021", "USD", {}, "'USD' is not a currency of one price year"),
        ("-5 USD_2021", "USD_2021", {}, "finite number >= 0"),
        ("many dollars", "USD_2021", {}, "cannot read quantity"),
    ],
)
def test_convert_spend_refuses_what_it_cannot_do_honestly(
    spend: str, to: str, kwargs: dict[str, float], message: str
) -> None:
    """Every missing, unneeded or unusable rate, and every amount without a price year, is a CurrencyError."""
    with pytest.raises(fp.CurrencyError, match=message):
        fp.convert_spend(spend, to, **kwargs)


@given(
    a=st.floats(0, 1e9),
    b=st.floats(0, 1e9),
    rate=st.floats(1e-3, 1e3),
    deflator=st.floats(1e-2, 1e2),
)
def test_convert_spend_is_linear_in_the_amount(a: float, b: float, rate: float, deflator: float) -> None:
    """Converting two spends and adding them gives the conversion of their sum (the rates scale, nothing is added)."""

    def convert(x: float) -> float:
        return float(fp.convert_spend(f"{x!r} EUR_2024", "USD_2021", exchange_rate=rate, deflator=deflator).split()[0])

    assert convert(a) + convert(b) == pytest.approx(convert(a + b), rel=1e-9, abs=1e-6)


def test_price_year_units_exist_only_for_known_currencies_and_years() -> None:
    """A three-letter code footprint does not know, or a year outside 1900-2099, is an unknown unit."""
    for text in ("5 XYZ_2021", "5 USD_1850", "5 usd_2021"):
        with pytest.raises(fp.UnitError, match="unknown unit"):
            fp.Q_(text)
    assert fp.Q_("2 kEUR_2024").to("EUR_2024").magnitude == 2000


def test_a_per_piece_fallback_is_counted_and_marked_lowest_quality() -> None:
    """A bought-in needle valve known only by a per-piece value of 42 kg CO2e (a supplier's statement), four per
    skid: 4 x 42 = 168 kg CO2e in A1; every rating 5, a proxy, named as a fallback, flagged by data_quality."""
    factor = fp.per_piece_factor("piece.needle-valve", 42, name="Needle valve 1/2 in", source="Supplier letter")
    assert (factor.unit, factor.category, factor.proxy) == ("piece", "component", True)
    assert (factor.dqr_technological, factor.dqr_geographical, factor.dqr_temporal) == (5, 5, 5)
    assert factor.name.endswith("(per-piece fallback)")
    assert (factor.notes or "").startswith("PER-PIECE FALLBACK")
    lib = fp.default_library().merge(fp.FactorLibrary([factor], name="pieces"))
    valve = fp.Item(
        id="nv", kind="component", activities=[fp.Activity(factor="piece.needle-valve", quantity="1 piece")]
    )
    product = fp.Product(id="skid", items=[fp.Item(id="skid", children=[fp.Child(item="nv", quantity=4)]), valve])
    result = fp.calculate(product, lib, prefolded="report")
    assert result.by_module["A1"] == pytest.approx(168)
    quality = fp.data_quality(result, lib)
    assert quality.technological == 5
    assert quality.proxy_share == 1
    assert any("per-piece fallback" in f for f in quality.flags)


def test_a_per_piece_factor_refuses_a_bad_value_or_no_source() -> None:
    """A negative or non-finite value and an empty source are named problems of one FactorError."""
    with pytest.raises(fp.FactorError) as info:
        fp.per_piece_factor("piece.x", -1.0, name="x", source=" ")
    assert [p.field for p in info.value.problems] == ["kgco2e", "source"]
    with pytest.raises(fp.FactorError, match="kgco2e"):
        fp.per_piece_factor("piece.x", math.inf, name="x", source="s")
    product = bought_valve("15000 USD_2021")
    lib = fp.default_library().merge(fp.FactorLibrary([fp.per_piece_factor("piece.x", 1, name="x", source="s")]))
    item = fp.Item(id="nv", kind="component", activities=[fp.Activity(factor="piece.x", quantity="3 kg")])
    by_mass = product.model_copy(update={"items": [product.items[0], item]})
    with pytest.raises(fp.ProductError, match="piece"):  # a mass is no count of pieces
        fp.calculate(by_mass, lib, prefolded="report")
