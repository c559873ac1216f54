"""NOx tax and NOx fund rates: the bundled, sourced rows, a rate of one's own, and the cost line they give.

Rates are those of NOx-fondet's page "Innbetalingssatser", table "Historiske innbetalingssatser fra 2017"
(https://www.noxfondet.no/artikler/innbetalingssatser/): state NOx tax 2023 24.46 and 2024 25.50 NOK/kg; NOx
fund 2024 17.50 (oil and gas) and 11.50 (other) NOK/kg."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp

HEADER = "scheme,year,rate,currency,source,source_url,table,licence,notes\n"


def test_bundled_rates_are_the_published_ones() -> None:
    """The 2023 and 2024 state tax and the 2024 fund rates, as NOx-fondet's table gives them."""
    assert fp.nox_rate("no-nox-tax", 2023).rate == 24.46
    assert fp.nox_rate("no-nox-tax", 2024).rate == 25.50
    assert fp.nox_rate("no-nox-fund-petroleum", 2024).rate == 17.50
    assert fp.nox_rate("no-nox-fund-other", 2024).rate == 11.50
    rate = fp.nox_rate("no-nox-tax", 2024)
    assert (rate.currency, rate.licence) == ("NOK", "cited-fact")
    assert "noxfondet.no" in rate.source_url
    assert "2024" in rate.table


def test_every_bundled_rate_cites_its_table() -> None:
    """Each row names its source, the table and year it was read from, and a licence."""
    rates = fp.nox_rates()
    assert len(rates) == 24  # 8 years (2017-2024) x 3 schemes in the page's table
    assert all(r.source and r.table.endswith(str(r.year)) and r.licence == "cited-fact" for r in rates)


def test_cost_line_is_mass_times_the_named_rate() -> None:
    """12.5 kg NOx at the 2024 tax (25.50 NOK/kg): 12.5 x 25.50 = 318.75 NOK; the line names rate and source."""
    cost = fp.nox_cost(12.5, fp.nox_rate("no-nox-tax", 2024))
    assert cost.cost == pytest.approx(318.75, rel=1e-12)
    assert cost.currency == "NOK"
    assert str(cost) == ("12.500 kg NOx x 25.5 NOK/kg (no-nox-tax 2024; NOx-fondet, Innbetalingssatser) = 318.75 NOK")


def test_a_rate_of_ones_own() -> None:
    """A rate the user gives: 30 EUR/kg for 2026 on 2 kg NOx is 60 EUR, and it says so."""
    rate = fp.NOxRate(scheme="own", year=2026, rate=30.0, currency="EUR", source="company policy 2026")
    assert fp.nox_cost(2.0, rate).cost == 60.0
    assert "own 2026; company policy 2026" in str(fp.nox_cost(2.0, rate))


def test_a_year_without_a_rate_is_an_error_not_a_carried_over_rate() -> None:
    """2025 is not in the table: the error lists the years that are, so no rate is assumed."""
    with pytest.raises(fp.NOxRateError, match="2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024") as info:
        fp.nox_rate("no-nox-tax", 2025)
    assert info.value.problems[0].field == "year"
    with pytest.raises(fp.NOxRateError, match="scheme") as info:
        fp.nox_rate("se-nox-fee", 2024)
    assert info.value.problems[0].field == "scheme"


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("rate", {"rate": -1.0}),
        ("rate", {"rate": math.nan}),
        ("currency", {"currency": "kroner"}),
        ("year", {"year": 24}),
        ("source", {"source": " "}),
        ("scheme", {"scheme": ""}),
    ],
)
def test_bad_rate_is_refused_naming_the_field(field: str, kwargs: dict[str, object]) -> None:
    """A rate that is negative or not a number, a currency that is none, a year, scheme or source missing."""
    args: dict[str, object] = {"scheme": "own", "year": 2024, "rate": 10.0, "currency": "NOK", "source": "x"}
    with pytest.raises(fp.NOxRateError) as info:
        fp.NOxRate(**{**args, **kwargs})  # type: ignore[arg-type]
    assert [p.field for p in info.value.problems] == [field]


def test_bad_rows_of_a_rates_file_are_named(tmp_path: Path) -> None:
    """A rates file with a negative rate (row 3), a row without source and table (row 4) and a second row for
    one scheme and year (row 5): every problem, with its line and field; nothing is loaded."""
    path = tmp_path / "rates.csv"
    path.write_text(
        "# own rates\n"
        + HEADER
        + "own,2024,-2,NOK,policy,,sheet 1,own,\n"
        + "own,2025,10,NOK,,,,own,\n"
        + "fund,2024,11,NOK,policy,,sheet 1,own,\n"
        + "fund,2024,12,NOK,policy,,sheet 1,own,\n",
        encoding="utf-8",
    )
    with pytest.raises(fp.NOxRateError) as info:
        fp.read_nox_rates(path)
    found = [(p.row, p.field) for p in info.value.problems]
    assert found == [(3, "rate"), (4, "source"), (4, "table"), (6, "year")]
    assert all(p.file == str(path) for p in info.value.problems)


def test_a_rates_file_without_its_columns_is_refused(tmp_path: Path) -> None:
    """Missing columns are named, with the columns expected."""
    path = tmp_path / "rates.csv"
    path.write_text("scheme,year,rate\nown,2024,1\n", encoding="utf-8")
    with pytest.raises(fp.NOxRateError, match="currency, source"):
        fp.read_nox_rates(path)


def test_a_mass_that_is_none_is_refused() -> None:
    """A negative or infinite mass of NOx has no cost."""
    rate = fp.nox_rate("no-nox-tax", 2024)
    for bad in (-1.0, math.inf):
        with pytest.raises(fp.NOxRateError, match="kg_nox"):
            fp.nox_cost(bad, rate)


@given(
    kg=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    k=st.floats(min_value=0, max_value=1e3, allow_nan=False),
)
def test_cost_scales_linearly_with_the_mass(kg: float, k: float) -> None:
    """Law: the cost of k times the NOx is k times the cost, at any rate in the table."""
    rate = fp.nox_rate("no-nox-fund-petroleum", 2024)
    assert fp.nox_cost(kg * k, rate).cost == pytest.approx(k * fp.nox_cost(kg, rate).cost, rel=1e-12, abs=1e-9)
