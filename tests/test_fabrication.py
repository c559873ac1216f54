"""Fabrication data: energy intensities of fabrication steps, spend-based fallbacks, and the boundary flag of
material factors that leave those steps out. Every number here is derived by hand from the cited rows."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp

CRUDE_STEEL = "material.steel.carbon.global.worldsteel2024"
GRID_NO = "electricity.grid.no.ember"  # 0.03075 kg CO2e/kWh (Ember via CO2.js), pre-folded
FUEL_OIL = "fuel.residual_fuel_oil.stationary.combustion.ipcc2006"  # per TJ: CO2 77400, CH4 3, N2O 0.6 kg
MACHINE_SHOPS = "spend.naics-332710.machining.epa-sef-v1.2-usd2021"  # 0.293 kg CO2e per 2021 USD, AR4
HEAT_TREATING = "spend.naics-332811.heat-treating.epa-sef-v1.2-usd2021"  # 0.506 kg CO2e per 2021 USD, AR4
VALVES = "spend.naics-332911.industrial-valves.epa-sef-v1.2-usd2021"  # 0.201 kg CO2e per 2021 USD, AR4
CARRIERS = {"electricity": GRID_NO, "fuel oil": FUEL_OIL}


def valve(body: fp.Item, *extra: fp.Item, activities: list[fp.Activity] | None = None) -> fp.Product:
    """A valve whose forged body is made of crude steel, with optional bought-in items and product activities."""
    root = fp.Item(id="valve", children=[fp.Child(item=i.id) for i in (body, *extra)])
    return fp.Product(
        id="valve",
        items=[root, body, *extra],
        materials=[fp.Material(id="F22", factor=CRUDE_STEEL)],
        activities=activities or [],
    )


def body(*activities: fp.Activity) -> fp.Item:
    return fp.Item(
        id="body", name="Body, forged", kind="part", material="F22", net_mass="1480 kg", activities=list(activities)
    )


def boundary_flags(product: fp.Product) -> list[str]:
    result = fp.calculate(product, fp.default_library(), prefolded="report")
    return [w for w in result.warnings if "excludes" in w]


def test_forged_and_machined_part_a3_is_derived_from_the_cited_intensities() -> None:
    """A 1.48 t closed-die forging machined for 2,000 USD (2021).

    Forging (fabrication_energy.csv, TERI/SIDBI Pune case study: 185 toe furnace oil and 53 toe electricity for
    1,200 t of forgings a year): furnace oil 6.455 GJ/t x 1.48 t = 9.5534 GJ = 0.0095534 TJ, which under AR6
    gives CO2 77400 x 0.0095534 = 739.43316, CH4 3 x 0.0095534 x 29.8 = 0.85407, N2O 0.6 x 0.0095534 x 273 =
    1.56485 kg CO2e; electricity 514 kWh/t x 1.48 t = 760.72 kWh x 0.03075 = 23.39214 kg CO2e. Machining on the
    EPA spend factor for machine shops (NAICS 332710, 0.293 kg CO2e/USD): 2000 x 0.293 = 586 kg CO2e.
    A3 = 739.43316 + 0.85407 + 1.56485 + 23.39214 + 586 = 1351.24422 kg CO2e."""
    forging = fp.fabrication_activities("forging.closed-die", "1.48 t", CARRIERS)
    machining = fp.Activity(name="machining", factor=MACHINE_SHOPS, quantity="2000 USD_2021")
    result = fp.calculate(valve(body(*forging, machining)), fp.default_library(), prefolded="report")
    assert result.by_module["A3"] == pytest.approx(739.43316 + 0.85407 + 1.56485 + 23.39214 + 586, rel=1e-5)
    # the forging energy is A3, named after its source, and the quantities are intensity x mass
    # the furnace oil is on a net calorific value basis, as the toe it was derived from
    assert [(a.quantity.value, a.quantity.unit) for a in forging] == [(6.455 * 1.48, "GJ net"), (514 * 1.48, "kWh")]
    assert all(a.module == "A3" and "TERI / SIDBI" in (a.name or "") for a in forging)


def test_bought_in_valve_on_a_spend_based_factor() -> None:
    """A bought-in industrial valve of 15,000 USD (2021) on EPA's NAICS 332911 factor (0.201 kg CO2e/USD, without
    margins): 15000 x 0.201 = 3015 kg CO2e, in A1 like any bought-in component, with the factor's worst data
    quality (5) in the result's contribution row."""
    bought = fp.Item(
        id="bv",
        name="Needle valve",
        kind="component",
        activities=[fp.Activity(factor=VALVES, quantity="15000 USD_2021")],
    )
    forging = fp.fabrication_activities("forging.closed-die", "1.48 t", CARRIERS)
    result = fp.calculate(valve(body(*forging), bought), fp.default_library(), prefolded="report")
    rows = [c for c in result.contributions if c.factor_id == VALVES]
    assert sum(c.kgco2e for c in rows) == pytest.approx(3015)
    assert {c.module for c in rows} == {"A1"}
    assert fp.default_library()[VALVES].dqr_technological == 5


def test_boundary_flag_names_the_missing_steps_until_activities_cover_them() -> None:
    """worldsteel crude steel excludes rolling, forging, machining and heat treatment (its notes say so). A part
    without activities is flagged for all four; with the heating of its forging stock (1.1 GJ/t of natural gas),
    only machining and heat treatment remain (forging covers the shaping step, rolling included); the Pune plant's
    closed-die intensity includes normalising, so with it only machining remains; with machining and heat
    treating bought as services too, the flag goes."""
    bare = boundary_flags(valve(body()))
    assert len(bare) == 1
    assert "excludes rolling, forging, machining and heat treatment;" in bare[0]
    assert "Body, forged" in bare[0]
    gas = {"natural gas": "fuel.natural_gas.stationary.combustion.ipcc2006"}
    # the reheating source gives no heating-value basis: the user states the one the plant's figure is on
    heating = fp.fabrication_activities("forging.billet-heating", "1.48 t", gas, energy_basis="net")
    heated = boundary_flags(valve(body(*heating)))
    assert len(heated) == 1
    assert "excludes machining and heat treatment;" in heated[0]
    forged = boundary_flags(valve(body(*fp.fabrication_activities("forging.closed-die", "1.48 t", CARRIERS))))
    assert len(forged) == 1
    assert "excludes machining;" in forged[0]
    services = [
        fp.Activity(factor=MACHINE_SHOPS, quantity="2000 USD_2021"),
        fp.Activity(factor=HEAT_TREATING, quantity="900 USD_2021"),
    ]
    forging = fp.fabrication_activities("forging.closed-die", "1.48 t", CARRIERS)
    assert boundary_flags(valve(body(*forging, *services))) == []


def test_product_level_activities_cover_the_steps_of_every_part() -> None:
    """Work done on the product as a whole (named for its step) covers every part made of the material."""
    work = [
        fp.Activity(name="forging shop", factor=GRID_NO, quantity="700 kWh"),
        fp.Activity(name="machining", factor=GRID_NO, quantity="300 kWh"),
        fp.Activity(name="quench and temper", factor=GRID_NO, quantity="200 kWh"),
    ]
    assert boundary_flags(valve(body(), activities=work)) == []
    assert "excludes machining;" in boundary_flags(valve(body(), activities=[work[0], work[2]]))[0]


def test_every_intensity_cites_its_source_and_uses_the_midpoint_of_its_range() -> None:
    """Each energy intensity names its source, URL, licence and basis, is a proxy rated 4 or 5, and where the
    source gives a range the value used is its midpoint (585-640 kWh/t -> 612.5)."""
    rows = fp.fabrication_energy()
    assert {r.step for r in rows} == {"casting", "coating", "forging", "heat treatment", "machining", "welding"}
    for r in rows:
        assert r.source
        assert r.source_url.startswith("http")
        assert r.licence
        assert r.per in {"t", "m2"}
        assert r.basis.startswith("tonne" if r.per == "t" else "m2")
        assert r.proxy
        assert r.quality >= 4
        value, unit = r.per_tonne.split(" ", 1)
        unit = unit.removesuffix(" net")  # a basis after the energy unit (the range is on the same basis)
        if r.low:
            low, high = (float(x.split(" ")[0]) for x in (r.low, r.high))
            assert float(value) == pytest.approx((low + high) / 2)
            assert r.low.endswith(unit)
            assert r.high.endswith(unit)
    melting = next(r for r in rows if r.id == "casting.iron.induction-melting")
    assert (melting.per_tonne, melting.low, melting.high) == ("612.5 kWh", "585 kWh", "640 kWh")


def test_spend_factors_are_marked_lowest_quality_with_currency_and_price_year() -> None:
    """The EPA spend rows: USD of 2021 (named in id, name and table), AR4 pre-folded as the source states,
    cradle-to-gate without margins, US, public domain, every DQR 5 and flagged as proxies. Spot value read in
    SupplyChainGHGEmissionFactors_v1.2_NAICS_CO2e_USD2021.csv: NAICS 332111 Iron and Steel Forging 0.609."""
    spend = [f for f in fp.default_library() if f.id.startswith("spend.")]
    assert len(spend) == 20
    for f in spend:
        assert f.unit == "USD_2021"
        assert f.gwp_set == "AR4"
        assert f.boundary == "cradle-to-gate"
        assert "2021 USD" in f.name
        assert "USD2021" in (f.table or "")
        assert f.id.endswith("usd2021")
        assert (f.region, f.licence, f.proxy) == ("US", "US-PD", True)
        assert (f.dqr_technological, f.dqr_geographical, f.dqr_temporal) == (5, 5, 5)
    forging = fp.default_library()["spend.naics-332111.forgings.epa-sef-v1.2-usd2021"]
    assert forging.co2e == pytest.approx(0.609)


@pytest.mark.parametrize("word", ["forging", "forge", "heat treating", "machine shops", "valve"])
def test_factor_search_finds_the_fabrication_fallbacks(word: str) -> None:
    """Searching the default library by the trade's words finds the spend-based fallbacks."""
    assert any(f.id.startswith("spend.") for f in fp.default_library().search(word))


def test_fabrication_activities_refuse_bad_input() -> None:
    """An unknown process lists the known ones; a mass that is no mass and a carrier without a factor are named."""
    with pytest.raises(fp.InputError, match=r"casting\.iron\.induction-melting"):
        fp.fabrication_activities("forging.open-die.press", "1 t", CARRIERS)
    with pytest.raises(fp.InputError, match="mass is not a mass"):
        fp.fabrication_activities("forging.closed-die", "12 kWh", CARRIERS)
    with pytest.raises(fp.InputError, match="fuel oil") as info:
        fp.fabrication_activities("forging.closed-die", "1 t", {"electricity": GRID_NO})
    assert info.value.problems[0].field == "factors"


def test_a_fuel_energy_without_a_stated_basis_is_refused_until_the_user_states_it() -> None:
    """The billet-reheating source (1.1 GJ/t of gas) does not say net or gross: against the IPCC natural gas
    factor (per TJ, net) the activity is refused; with energy_basis='net' it is 1.1 x 1.48 = 1.628 GJ net =
    0.001628 TJ x (56100 + 1 x 29.8 + 0.1 x 273 = 56157.1) = 91.4238 kg CO2e (AR6)."""
    gas = {"natural gas": "fuel.natural_gas.stationary.combustion.ipcc2006"}
    plain = fp.fabrication_activities("forging.billet-heating", "1.48 t", gas)
    with pytest.raises(fp.ProductError, match="heating-value basis"):
        fp.calculate(valve(body(*plain)), fp.default_library())
    stated = fp.fabrication_activities("forging.billet-heating", "1.48 t", gas, energy_basis="net")
    result = fp.calculate(valve(body(*stated)), fp.default_library())
    assert result.by_module["A3"] == pytest.approx(0.001628 * 56157.1, rel=1e-9)


def test_heating_of_forging_stock_from_the_uk_reheating_survey() -> None:
    """UK DETR Energy Consumption Guide 74: continuous reheating furnaces average 1.96 GJ per tonne of steel
    charged (survey range 1.13-10.99, the survey's own average used). For 1.48 t on natural gas (IPCC 2006, per TJ:
    CO2 56100, CH4 1, N2O 0.1 kg, net basis), the guide's GJ stated as net (its summary does not
    say): 1.96 x 1.48 = 2.9008 GJ = 0.0029008 TJ; AR6 CO2e = 56100 x 0.0029008 +
    1 x 0.0029008 x 29.8 + 0.1 x 0.0029008 x 273 = 162.73488 + 0.08644 + 0.07919 = 162.90051 kg, all in A3."""
    row = next(r for r in fp.fabrication_energy() if r.id == "forging.reheating-survey.natural-gas")
    assert (row.per_tonne, row.low, row.high) == ("1.96 GJ", "", "")
    assert "1.13-10.99" in row.notes
    gas = {"natural gas": "fuel.natural_gas.stationary.combustion.ipcc2006"}
    heating = fp.fabrication_activities("forging.reheating-survey", "1480 kg", gas, energy_basis="net")
    result = fp.calculate(valve(body(*heating)), fp.default_library(), prefolded="report")
    assert result.by_module["A3"] == pytest.approx(162.73488 + 0.08644 + 0.07919, rel=1e-5)


def test_machining_energy_is_applied_to_the_mass_removed() -> None:
    """A body machined from a 2.35 t forging to 1.48 t net removes 0.87 t of chips. The machining row (Machinery's
    Handbook Kp 1.72-2.32 kJ/cm3 for plain carbon steel, x 4 for the machine tool, 7.85 g/cm3) gives 285.95 kWh
    per tonne removed: 0.87 x 285.95 = 248.7765 kWh on Norway's grid (0.03075 kg CO2e/kWh) = 7.64988 kg CO2e, A3.
    With the Pune closed-die forging (normalising included) and this machining, the boundary flag of crude steel
    is answered for rolling, forging, heat treatment and machining."""
    machining = fp.fabrication_activities("machining.steel", "0.87 t", {"electricity": GRID_NO})
    assert [(a.quantity.value, a.quantity.unit) for a in machining] == [(pytest.approx(0.87 * 285.95), "kWh")]
    result = fp.calculate(valve(body(*machining)), fp.default_library(), prefolded="report")
    assert result.by_module["A3"] == pytest.approx(7.64988, rel=1e-5)
    forging = fp.fabrication_activities("forging.closed-die", "1.48 t", CARRIERS)
    assert boundary_flags(valve(body(*forging, *machining))) == []


def test_welding_energy_is_applied_to_the_weld_metal_deposited() -> None:
    """12 kg of weld metal by submerged arc welding: 2836.15 kWh/t x 0.012 t = 34.0338 kWh x 0.03075 kg CO2e/kWh
    (Norway's grid) = 1.04654 kg CO2e. By GMAW in spray transfer: 2606.0 x 0.012 = 31.272 kWh = 0.96161 kg CO2e."""
    lib = fp.default_library()
    for process, kwh in (("welding.submerged-arc", 34.0338), ("welding.gmaw-spray", 31.272)):
        welding = fp.fabrication_activities(process, "12 kg", {"electricity": GRID_NO})
        assert welding[0].quantity.value == pytest.approx(kwh)
        assert "weld metal deposited" in (welding[0].name or "")
        result = fp.calculate(valve(body(*welding)), lib, prefolded="report")
        assert result.by_module["A3"] == pytest.approx(kwh * 0.03075)


def test_derived_intensities_follow_from_their_cited_parameters() -> None:
    """Each derived row is recomputed from the numbers its table column cites (rounded to 0.1 kWh as written).
    Submerged arc: 600 A x 30 V = 18 kW over 8 and 7 kg/h, / 0.85 (EU 2019/1784 minimum efficiency).
    GMAW spray: 380 A x 30 and 31 V over 10.7 m/min x 60 / 122.7 m/kg, / 0.85.
    Machining: Kp 1.72 and 2.32 kJ/cm3 x (1e6 / 7.85) cm3/t / 3600 kJ/kWh x 4."""
    rows = {r.id: r for r in fp.fabrication_energy()}
    deposition = 10.7 * 60 / 122.7
    expected = {
        "welding.submerged-arc.electricity": (18 / 8 / 0.85 * 1000, 18 / 7 / 0.85 * 1000),
        "welding.gmaw-spray.electricity": (11.40 / deposition / 0.85 * 1000, 11.78 / deposition / 0.85 * 1000),
        "machining.steel.electricity": (1.72 * 1e6 / 7.85 / 3600 * 4, 2.32 * 1e6 / 7.85 / 3600 * 4),
    }
    for rid, (low, high) in expected.items():
        row = rows[rid]
        assert float(row.low.split()[0]) == pytest.approx(low, abs=0.05)
        assert float(row.high.split()[0]) == pytest.approx(high, abs=0.05)
        assert row.quality == 5
        assert "DERIVED" in row.notes


def test_the_file_names_what_it_does_not_cover() -> None:
    """Steps without an open figure are named in the file header, not filled with invented numbers."""
    from importlib import resources

    header = resources.files("footprint").joinpath("fabrication_energy.csv").read_text(encoding="utf-8")
    covered = " ".join(line for line in header.splitlines() if line.startswith("#"))
    for step in ("open-die forging", "NORSOK M-501", "paint curing", "thermal spray", "TIG", "titanium"):
        assert step in covered
    ids = [r.id for r in fp.fabrication_energy()]
    assert not [i for i in ids if i.startswith(("welding.gtaw", "welding.tig", "coating.thermal", "coating.paint"))]


GAS = "fuel.natural_gas.stationary.combustion.ipcc2006"  # per TJ net: CO2 56100, CH4 1, N2O 0.1 kg
IRON_MOLAR_MASS = 0.055845  # kg/mol (IUPAC standard atomic weight of iron, 55.845)


def iron_enthalpy(kelvin: float) -> float:
    """H(T) - H(298.15 K) of iron in kJ/mol, NIST-JANAF Shomate fit as published in the NIST WebBook (Chase 1998):
    coefficients A-F (H = 0) for 700-1042 K and for 1100-1809 K, copied from the row's table column."""
    a, b, c, d, e, f = (
        (-57767.65, 137919.7, -122773.2, 38682.42, 3993.080, 24078.67)
        if kelvin < 1042
        else (-776.7387, 919.4005, -383.7184, 57.08148, 242.1369, 697.6234)
    )
    t = kelvin / 1000
    return a * t + b * t**2 / 2 + c * t**3 / 3 + d * t**4 / 4 - e / t + f


def test_iron_enthalpy_reproduces_the_janaf_table() -> None:
    """The Shomate fit gives the tabulated H - H298 of iron: 19.50 kJ/mol at 900 K, 24.00 at 1000 K (NIST WebBook
    table, to its published rounding)."""
    assert round(iron_enthalpy(900), 2) == 19.50
    assert round(iron_enthalpy(1000), 2) == 24.00


def test_new_derived_rows_follow_from_their_cited_parameters() -> None:
    """Each new derived row is recomputed from its table column, to the rounding written in the file.
    Heat treatment: enthalpy of iron from 298.15 K to the treatment temperature (845-925 C normalising, ASTM A105
    data sheet; 595-650 C stress relief, ASME B31.3 Table 331.1.1), per kg (55.845 g/mol), over the 46 % of a
    gas-fired furnace's energy that reaches the load; GJ per tonne. Stick welding: 250 A x (20 + 0.04 x 250) V
    over 5.4 lb/h, / 0.85. Flux-cored: 300 A x (14 + 0.05 x 300) V over 10.2 lb/h, / 0.85. Alloy machining: Kp
    (kJ/cm3) x 1e6 / 7.85 cm3 per tonne / 3600 x 4."""
    rows = {r.id: r for r in fp.fabrication_energy()}

    def heat(celsius: float) -> float:
        return iron_enthalpy(celsius + 273.15) / IRON_MOLAR_MASS / 0.46 / 1000  # GJ per tonne

    lb = 0.45359237
    ranges = {
        "heat-treatment.normalise.natural-gas": ((heat(845), heat(925)), 0.0005),
        "heat-treatment.stress-relieve.natural-gas": ((heat(595), heat(650)), 0.0005),
        "machining.alloy-steel-4140.electricity": ((1.69e6 / 7.85 / 3600 * 4, 2.73e6 / 7.85 / 3600 * 4), 0.05),
        "machining.alloy-steel-4130.electricity": ((1.53e6 / 7.85 / 3600 * 4, 2.43e6 / 7.85 / 3600 * 4), 0.05),
    }
    for rid, ((low, high), tolerance) in ranges.items():
        row = rows[rid]
        assert float(row.low.split()[0]) == pytest.approx(low, abs=tolerance), rid
        assert float(row.high.split()[0]) == pytest.approx(high, abs=tolerance), rid
        assert "DERIVED" in row.notes
    single = {
        "welding.smaw.electricity": 250 * (20 + 0.04 * 250) / 1000 / (5.4 * lb) / 0.85 * 1000,
        "welding.fcaw.electricity": 300 * (14 + 0.05 * 300) / 1000 / (10.2 * lb) / 0.85 * 1000,
    }
    for rid, kwh in single.items():
        assert float(rows[rid].per_tonne.split()[0]) == pytest.approx(kwh, abs=0.05), rid
        assert (rows[rid].low, rows[rid].high, rows[rid].quality) == ("", "", 5)


def test_quench_and_temper_on_natural_gas_by_hand() -> None:
    """A 1.48 t forging normalised (austenitised) and tempered, on IPCC natural gas, basis stated net:
    (1.2655 + 0.752) GJ/t x 1.48 t = 2.9859 GJ = 0.0029859 TJ x (56100 + 1 x 29.8 + 0.1 x 273 = 56157.1) =
    167.6795 kg CO2e (AR6), all A3; without a stated basis the gas energy is refused (the heat balance does
    not say net or gross)."""
    gas = {"natural gas": GAS}
    plain = fp.fabrication_activities("heat-treatment", "1.48 t", gas)
    with pytest.raises(fp.ProductError, match="heating-value basis"):
        fp.calculate(valve(body(*plain)), fp.default_library())
    treated = fp.fabrication_activities("heat-treatment", "1.48 t", gas, energy_basis="net")
    assert [a.quantity.value for a in treated] == [pytest.approx(1.2655 * 1.48), pytest.approx(0.752 * 1.48)]
    result = fp.calculate(valve(body(*treated)), fp.default_library())
    assert result.by_module["A3"] == pytest.approx((1.2655 + 0.752) * 1.48e-3 * 56157.1, rel=1e-9)


def test_stick_and_flux_cored_welding_on_the_weld_metal_deposited() -> None:
    """12 kg of weld metal: stick (SMAW) 3602.3 kWh/t x 0.012 t = 43.2276 kWh x 0.03075 = 1.32925 kg CO2e;
    flux-cored (FCAW) 2212.3 x 0.012 = 26.5476 kWh = 0.81634 kg CO2e on Norway's grid."""
    lib = fp.default_library()
    for process, kwh in (("welding.smaw", 43.2276), ("welding.fcaw", 26.5476)):
        welding = fp.fabrication_activities(process, "12 kg", {"electricity": GRID_NO})
        assert [a.quantity.value for a in welding] == [pytest.approx(kwh)]
        result = fp.calculate(valve(body(*welding)), lib, prefolded="report")
        assert result.by_module["A3"] == pytest.approx(kwh * 0.03075)


def test_alloy_steel_machining_uses_its_own_power_constant() -> None:
    """0.87 t of AISI 4130 removed: 280.25 kWh/t x 0.87 = 243.8175 kWh; of 4140: 312.8 x 0.87 = 272.136 kWh; both
    differ from plain carbon steel's 285.95 x 0.87 = 248.7765 kWh, and machining.steel does not pick up the alloy
    rows (the id prefix is matched up to a dot)."""
    grid = {"electricity": GRID_NO}
    for process, kwh in (
        ("machining.alloy-steel-4130", 243.8175),
        ("machining.alloy-steel-4140", 272.136),
        ("machining.steel", 248.7765),
    ):
        acts = fp.fabrication_activities(process, "0.87 t", grid)
        assert [a.quantity.value for a in acts] == [pytest.approx(kwh)]


def test_the_boundary_flag_names_the_bundled_rows_for_each_missing_step() -> None:
    """A forged body on crude steel alone is told which fabrication_energy rows answer each excluded step; once
    forging and the normalise row are applied, only machining is left and only machining rows are named."""
    bare = boundary_flags(valve(body()))[0]
    assert "bundled energy rows, fp.fabrication_activities; steel and iron unless the id names the metal:" in bare
    assert "forging.closed-die" in bare
    assert "machining: machining.steel, machining.alloy-steel-4140, machining.alloy-steel-4130" in bare
    assert "heat treatment: heat-treatment.normalise, heat-treatment.stress-relieve" in bare
    gas = {"natural gas": GAS}
    heating = fp.fabrication_activities("forging.billet-heating", "1.48 t", gas, energy_basis="net")
    normalised = fp.fabrication_activities("heat-treatment.normalise", "1.48 t", gas, energy_basis="net")
    left = boundary_flags(valve(body(*heating, *normalised)))
    assert len(left) == 1
    assert "excludes machining;" in left[0]
    assert "machining: machining.steel" in left[0]
    assert "heat-treatment" not in left[0].split("excludes", 1)[1]
    machining = fp.fabrication_activities("machining.alloy-steel-4130", "0.87 t", {"electricity": GRID_NO})
    assert boundary_flags(valve(body(*heating, *normalised, *machining))) == []


def test_new_rows_refuse_bad_input_by_name() -> None:
    """The new processes name a missing carrier factor and refuse a mass that is no mass, like the others; an
    unknown process lists the new ids among the known ones."""
    with pytest.raises(fp.InputError, match="natural gas") as info:
        fp.fabrication_activities("heat-treatment.stress-relieve", "1 t", {"electricity": GRID_NO})
    assert info.value.problems[0].field == "factors"
    with pytest.raises(fp.InputError, match="mass is not a mass"):
        fp.fabrication_activities("welding.smaw", "12 m", {"electricity": GRID_NO})
    with pytest.raises(fp.InputError, match=r"welding\.fcaw\.electricity"):
        fp.fabrication_activities("welding.gtaw", "1 kg", {"electricity": GRID_NO})


def test_open_die_forging_heats_follow_from_the_enthalpy_of_iron() -> None:
    """Open-die forging rows, recomputed: first heat from 298.15 K to 1150 C (start of A105's hot-forming range
    1150-850 C), a reheat from 850 C back to 1150 C, each per kg of iron (55.845 g/mol) over the 46 % load share,
    in GJ per tonne to the file's rounding (0.001)."""
    rows = {r.id: r for r in fp.fabrication_energy()}
    first = iron_enthalpy(1423.15) / IRON_MOLAR_MASS / 0.46 / 1000
    reheat = (iron_enthalpy(1423.15) - iron_enthalpy(1123.15)) / IRON_MOLAR_MASS / 0.46 / 1000
    assert float(rows["forging.open-die-first-heat.natural-gas"].per_tonne.split()[0]) == pytest.approx(first, abs=5e-4)
    assert float(rows["forging.open-die-reheat.natural-gas"].per_tonne.split()[0]) == pytest.approx(reheat, abs=5e-4)


def test_an_open_die_forging_with_two_reheats_by_hand() -> None:
    """A 2.35 t open-die forging heated once and reheated twice, on IPCC natural gas (basis stated net):
    1.673 x 2.35 + 0.466 x (2 x 2.35) = 3.93155 + 2.1902 = 6.12175 GJ = 0.00612175 TJ x 56157.1 = 343.7797 kg
    CO2e (AR6), A3; the reheat's quantity is the mass times the number of reheats, and the forging step of the
    crude steel's boundary is covered."""
    gas = {"natural gas": GAS}
    first = fp.fabrication_activities("forging.open-die-first-heat", "2.35 t", gas, energy_basis="net")
    reheats = fp.fabrication_activities("forging.open-die-reheat", "4.7 t", gas, energy_basis="net")
    assert [a.quantity.value for a in (*first, *reheats)] == [pytest.approx(1.673 * 2.35), pytest.approx(0.466 * 4.7)]
    result = fp.calculate(valve(body(*first, *reheats)), fp.default_library())
    assert result.by_module["A3"] == pytest.approx(6.12175e-3 * 56157.1, rel=1e-9)
    flags = boundary_flags(valve(body(*first, *reheats)))
    assert "excludes machining and heat treatment;" in flags[0]


def test_a_temperature_in_an_activity_name_is_not_a_temper() -> None:
    """The word "temper" covers heat treatment (quench and temper), "temperature" does not: an activity that names a
    temperature leaves the heat-treatment step flagged, one that names tempering answers it."""
    warm = fp.Activity(name="forging at a temperature of 1150 C", factor=GRID_NO, quantity="700 kWh")
    flags = boundary_flags(valve(body(warm)))
    assert "excludes machining and heat treatment;" in flags[0]
    tempered = fp.Activity(name="tempering", factor=GRID_NO, quantity="100 kWh")
    assert "excludes machining;" in boundary_flags(valve(body(warm, tempered)))[0]


def test_notes_saying_excluding_a_step_are_read_like_excludes() -> None:
    """DESNZ's recycled aluminium factor is "excluding forming" (its notes): an aluminium part on it is flagged for
    forming until an activity names a shaping step (a casting, here)."""
    recycled = "material.aluminium.recycled.closed-loop.desnz2025"
    assert "excluding forming" in (fp.default_library()[recycled].notes or "")
    housing = fp.Item(id="housing", name="Housing, cast", kind="part", material="AL", net_mass="40 kg")

    def product(*acts: fp.Activity) -> fp.Product:
        part = housing.model_copy(update={"activities": list(acts)})
        root = fp.Item(id="unit", children=[fp.Child(item="housing")])
        return fp.Product(id="unit", items=[root, part], materials=[fp.Material(id="AL", factor=recycled)])

    flags = boundary_flags(product())
    assert len(flags) == 1
    assert f"the boundary of {recycled} excludes forming;" in flags[0]
    assert "Housing, cast" in flags[0]
    assert boundary_flags(product(fp.Activity(name="die casting", factor=GRID_NO, quantity="50 kWh"))) == []


ROW_IDS = [r.id for r in fp.fabrication_energy()]
# The library has no zinc factor: a stand-in of the same unit lets the laws below run (they concern quantities and
# flags, not what zinc emits).
ZINC_STAND_IN = "material.nickel.class1.ni2020"
CARRIERS_ALL = {"electricity": GRID_NO, "fuel oil": FUEL_OIL, "natural gas": GAS, "zinc": ZINC_STAND_IN}
ENERGY = {"electricity", "natural gas", "fuel oil"}


@given(rid=st.sampled_from(ROW_IDS), tonnes=st.floats(min_value=1e-3, max_value=1e4, allow_nan=False))
def test_an_activity_is_the_intensity_times_the_mass(rid: str, tonnes: float) -> None:
    """Law: for every row and any amount, the activity's quantity is the row's intensity times the amount in the
    unit the row is per (tonnes or m2), in the row's unit (a basis stated by the user is appended to a fuel energy
    that has none, never to electricity or a material), A3 for energy and A1 for a material consumed (zinc)."""
    row = next(r for r in fp.fabrication_energy() if r.id == rid)
    (act,) = fp.fabrication_activities(rid, f"{tonnes!r} {row.per}", CARRIERS_ALL, energy_basis="net")
    value, unit = row.per_tonne.split(" ", 1)
    assert act.quantity.value == pytest.approx(float(value) * tonnes, rel=1e-12)
    fuel = row.carrier in ENERGY - {"electricity"}
    assert act.quantity.unit == (f"{unit} net" if fuel and not unit.endswith(" net") else unit)
    assert act.module == ("A3" if row.carrier in ENERGY else "A1")


@given(chosen=st.sets(st.sampled_from(ROW_IDS)))
def test_adding_fabrication_rows_never_adds_a_missing_step(chosen: set[str]) -> None:
    """Law: whatever subset of the bundled rows a forged part carries, the steps its crude-steel flag still names
    are a subset of those named for the bare part, and every step some chosen row is for is no longer named."""

    def missing(flags: list[str]) -> set[str]:
        if not flags:
            return set()
        named = flags[0].split(" excludes ", 1)[1].split(";", 1)[0]
        return {s.strip() for s in named.replace(" and ", ", ").split(",")}

    bare = missing(boundary_flags(valve(body())))
    acts = [
        a
        for r in fp.fabrication_energy()
        if r.id in chosen
        for a in fp.fabrication_activities(r.id, f"1 {r.per}", CARRIERS_ALL, energy_basis="net")
    ]
    left = missing(boundary_flags(valve(body(*acts))))
    assert left <= bare
    steps = {r.step for r in fp.fabrication_energy() if r.id in chosen}
    shaping = {"rolling", "forging", "forming", "casting"}
    assert not left & (steps | (shaping if steps & shaping else set()))


KW_PER_HP_PER_IN3_MIN = 745.69987158 / (16.387064 / 60) / 1000  # kJ/cm3 per hp per in3/min: 1 hp, 1 in3 = 16.387064 cm3


def test_stainless_and_nickel_machining_rows_follow_from_the_cited_k_factors() -> None:
    """Each row is recomputed from its table column: a tool maker's K (in3/min removed per hp at the cutter) gives a
    unit power of 1/K hp per in3/min, times 2.73032 kJ/cm3 per hp per in3/min (745.7 W over 16.387064 cm3 a
    minute); times 1e6 / density cm3 per tonne, / 3600 kJ per kWh, x 4 for the machine tool (as machining.steel).
    Stainless (ferritic, austenitic, martensitic, 135-275 HB): K 1.54-0.76, 316 at 8.0 g/cm3 -> 246.2-499.0 kWh/t;
    duplex 1.4462 at 7.805 g/cm3 -> 252.4-511.4. High-temperature alloys (200-360 HB): K 0.83-0.48, alloy 625 at
    8.44 g/cm3 -> 433.1-748.8, alloy 718 at 8.19 g/cm3 -> 446.3-771.7 (all rounded to 0.1 kWh as written)."""
    rows = {r.id: r for r in fp.fabrication_energy()}

    def per_tonne(k: float, density: float) -> float:
        return KW_PER_HP_PER_IN3_MIN / k * 1e6 / density / 3600 * 4

    cases = {
        "machining.stainless-austenitic.electricity": (1.54, 0.76, 8.0),
        "machining.stainless-duplex.electricity": (1.54, 0.76, 7.805),
        "machining.nickel-625.electricity": (0.83, 0.48, 8.44),
        "machining.nickel-718.electricity": (0.83, 0.48, 8.19),
    }
    for rid, (k_soft, k_hard, density) in cases.items():
        row = rows[rid]
        assert float(row.low.split()[0]) == pytest.approx(per_tonne(k_soft, density), abs=0.05), rid
        assert float(row.high.split()[0]) == pytest.approx(per_tonne(k_hard, density), abs=0.05), rid
        assert f"K {k_soft} to {k_hard}" in row.table
        assert f"{density} g/cm3" in row.table
        assert (row.step, row.carrier, row.quality, row.proxy) == ("machining", "electricity", 5, True)
        assert "DERIVED" in row.notes


def test_a_duplex_body_and_an_alloy_625_overlay_machined_by_hand() -> None:
    """A 22Cr duplex body machined from 2.35 t to 1.48 t removes 0.87 t: 381.9 kWh/t x 0.87 = 332.253 kWh; 40 kg of
    alloy 625 removed from a weld overlay: 590.95 x 0.04 = 23.638 kWh; on Norway's grid (0.03075 kg CO2e/kWh):
    (332.253 + 23.638) x 0.03075 = 10.94365 kg CO2e, all A3. Each prefix picks its own row only (nickel-625 not
    nickel-718; stainless-duplex not stainless-austenitic), and the crude steel's machining step is answered."""
    grid = {"electricity": GRID_NO}
    duplex = fp.fabrication_activities("machining.stainless-duplex", "0.87 t", grid)
    overlay = fp.fabrication_activities("machining.nickel-625", "40 kg", grid)
    assert [a.quantity.value for a in (*duplex, *overlay)] == [pytest.approx(332.253), pytest.approx(23.638)]
    result = fp.calculate(valve(body(*duplex, *overlay)), fp.default_library(), prefolded="report")
    assert result.by_module["A3"] == pytest.approx((332.253 + 23.638) * 0.03075, rel=1e-9)
    flags = boundary_flags(valve(body(*duplex, *overlay)))
    assert "excludes rolling, forging and heat treatment;" in flags[0]
    assert [
        len(fp.fabrication_activities(p, "1 t", grid)) for p in ("machining.nickel-625", "machining.stainless-duplex")
    ] == [1, 1]


def test_the_boundary_flag_names_the_stainless_and_nickel_machining_rows() -> None:
    """A part with no machining activity is pointed at every bundled machining row, the new metals included, and the
    flag says the rows are for steel and iron unless the id names another metal."""
    bare = boundary_flags(valve(body()))[0]
    assert (
        "machining: machining.steel, machining.alloy-steel-4140, machining.alloy-steel-4130, "
        "machining.stainless-austenitic, machining.stainless-duplex, machining.nickel-625, machining.nickel-718"
    ) in bare
    with pytest.raises(fp.InputError, match="mass is not a mass"):
        fp.fabrication_activities("machining.nickel-718", "3 m3", {"electricity": GRID_NO})


def test_the_corrosion_resistant_alloy_example_by_hand() -> None:
    """examples/fabrication_cra.py: 870 kg of duplex removed (381.9 kWh/t) and 40 kg of alloy 625 (590.95 kWh/t) on
    Norway's grid: (381.9 x 0.87 + 590.95 x 0.04) x 0.03075 = (332.253 + 23.638) x 0.03075 = 10.94365 kg CO2e in A3."""
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "examples" / "fabrication_cra.py"
    result = runpy.run_path(str(script), run_name="example")["result"]
    assert result.by_module["A3"] == pytest.approx(10.94365, rel=1e-6)


def test_coating_rows_follow_from_their_cited_parameters() -> None:
    """Galvanizing heat: enthalpy of iron from 298.15 K to 723.15 K (the 450 C bath, Aurajoki), Shomate 700-1042 K
    coefficients, per kg (55.845 g/mol), over the 46 % load share, in GJ/t to the file's 0.001. Zinc: AGA's 5.2-5.5 %
    of the steel's mass, 52-55 kg/t, midpoint 53.5. Blast cleaning: 196 cfm / 4.5 cfm per hp x 0.7457 kW/hp over
    230 ft2/h x 0.09290304 m2/ft2 = 1.520 kWh per m2, to the file's 0.01."""
    rows = {r.id: r for r in fp.fabrication_energy()}
    heat = iron_enthalpy(723.15) / IRON_MOLAR_MASS / 0.46 / 1000
    galvanizing = rows["coating.galvanizing.natural-gas"]
    assert float(galvanizing.per_tonne.split()[0]) == pytest.approx(heat, abs=5e-4)
    assert (galvanizing.per, galvanizing.step, galvanizing.quality) == ("t", "coating", 5)
    zinc = rows["coating.galvanizing.zinc"]
    assert (zinc.per_tonne, zinc.low, zinc.high, zinc.carrier) == ("53.5 kg", "52 kg", "55 kg", "zinc")
    blast = rows["coating.blast-cleaning.electricity"]
    kwh_per_m2 = 196 / 4.5 * 0.745699872 / (230 * 0.09290304)
    assert float(blast.per_tonne.split()[0]) == pytest.approx(kwh_per_m2, abs=0.005)
    assert (blast.per, blast.basis) == ("m2", "m2 of surface blast cleaned")
    assert all("DERIVED" in r.notes for r in (galvanizing, blast))


def test_a_galvanized_frame_and_a_blast_cleaned_body_by_hand() -> None:
    """examples/fabrication_coated.py: a 1,200 kg frame galvanized, gas 0.499 GJ/t x 1.2 t = 0.5988 GJ net =
    0.0005988 TJ x 56157.1 kg CO2e/TJ (IPCC natural gas under AR6) = 33.62687 kg; 18 m2 blast cleaned, 1.52 kWh/m2 x
    18 = 27.36 kWh x 0.03075 (Norway's grid) = 0.84132 kg; A3 = 34.46819 kg CO2e. The zinc is 53.5 kg/t x 1.2 t =
    64.2 kg, an A1 activity on the zinc factor the user names."""
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "examples" / "fabrication_coated.py"
    scope = runpy.run_path(str(script), run_name="example")
    assert scope["result"].by_module["A3"] == pytest.approx(33.62687 + 0.84132, rel=1e-6)
    (zinc,) = scope["zinc"]
    assert (zinc.quantity.value, zinc.quantity.unit, zinc.module) == (pytest.approx(64.2), "kg", "A1")
    (blasting,) = scope["blasting"]
    assert blasting.quantity.value == pytest.approx(27.36)


def test_the_boundary_flag_names_the_coating_rows_until_a_coating_activity_covers_it() -> None:
    """A factor whose notes exclude coating (a user's mill-gate steel) flags a part without coating activities and
    names the bundled coating rows; the galvanizing gas row (its name says coating and galvanizing) answers it."""
    lib = fp.default_library()
    own = lib[CRUDE_STEEL].model_copy(
        update={"id": "material.steel.mill-gate.own", "notes": "Mill gate; excludes machining and coating."}
    )
    library = lib.merge(fp.FactorLibrary([own], name="own"))

    def flags(*acts: fp.Activity) -> list[str]:
        part = body(*acts)
        root = fp.Item(id="valve", children=[fp.Child(item="body")])
        product = fp.Product(id="valve", items=[root, part], materials=[fp.Material(id="F22", factor=own.id)])
        result = fp.calculate(product, library, prefolded="report")
        return [w for w in result.warnings if "excludes" in w]

    bare = flags()
    assert "excludes machining and coating;" in bare[0]
    assert "coating: coating.galvanizing, coating.blast-cleaning" in bare[0]
    gas = fp.fabrication_activities(
        "coating.galvanizing.natural-gas", "1.48 t", {"natural gas": GAS}, energy_basis="net"
    )
    left = flags(*gas)
    assert "excludes machining;" in left[0]
    assert "coating:" not in left[0]


def test_coating_rows_refuse_bad_input_by_name() -> None:
    """An area given to a per-tonne row and a mass given to a per-m2 row are named with the quantity expected; the
    coating prefix mixes rows per t and per m2 and is refused with their ids; a missing zinc factor is named."""
    grid = {"electricity": GRID_NO}
    with pytest.raises(fp.InputError, match="area is not an area") as info:
        fp.fabrication_activities("coating.blast-cleaning", "1.2 t", grid)
    assert info.value.problems[0].expected == "an area such as '25 m2'"
    with pytest.raises(fp.InputError, match="mass is not a mass"):
        fp.fabrication_activities("coating.galvanizing.natural-gas", "18 m2", {"natural gas": GAS})
    with pytest.raises(fp.InputError, match="rows per different units") as mixed:
        fp.fabrication_activities("coating", "1 t", {**grid, "natural gas": GAS, "zinc": "z"})
    assert "coating.blast-cleaning.electricity (per m2)" in str(mixed.value)
    with pytest.raises(fp.InputError, match="zinc") as missing:
        fp.fabrication_activities("coating.galvanizing", "1 t", {"natural gas": GAS})
    assert missing.value.problems[0].field == "factors"


def test_negative_non_finite_and_mistyped_arguments_are_named() -> None:
    """-18 m2 blast cleaned would give -18 x 1.52 = -27.36 kWh, a negative footprint: refused, as are NaN and inf
    amounts, an amount whose energy passes a float's 1.8e308 (1e308 t x 381.9 kWh/t), a process or factors of the
    wrong type, a factor id that is no text, and an energy basis other than net or gross, each by its field."""
    grid = {"electricity": GRID_NO}
    for amount in ("-18 m2", "nan m2", "inf m2"):
        with pytest.raises(fp.InputError, match="finite area >= 0"):
            fp.fabrication_activities("coating.blast-cleaning", amount, grid)
    with pytest.raises(fp.InputError, match="not a finite number") as big:
        fp.fabrication_activities("machining.stainless-duplex", "1e308 t", grid)
    assert big.value.problems[0].field == "mass"
    bad: list[tuple[object, object, object, str]] = [
        (None, grid, None, "process"),
        ("coating.blast-cleaning", None, None, "factors"),
        ("coating.blast-cleaning", {"electricity": 5}, None, "factors['electricity']"),
        ("coating.blast-cleaning", {"electricity": [GRID_NO, None]}, None, "factors['electricity']"),
        ("forging.billet-heating", {"natural gas": GAS}, "lower", "energy_basis"),
    ]
    for process, factors, basis, field in bad:
        with pytest.raises(fp.InputError) as info:
            fp.fabrication_activities(process, "1 t", factors, energy_basis=basis)  # type: ignore[arg-type]
        assert [p.field for p in info.value.problems] == [field]
    (zero,) = fp.fabrication_activities("coating.blast-cleaning", "0 m2", grid)
    assert zero.quantity.value == 0


_ANY = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(["1.48 t", "25 m2", "-1 t", "nan kg", "1e308 t", "3 m3", "forging", "coating.blast-cleaning"]),
    st.dictionaries(st.sampled_from(["electricity", "natural gas", "zinc"]), st.one_of(st.none(), st.just(GRID_NO))),
)


@given(process=_ANY, amount=_ANY, factors=_ANY, basis=st.one_of(_ANY, st.sampled_from(["net", "gross"])))
def test_any_arguments_give_finite_non_negative_activities_or_a_named_input_error(
    process: object, amount: object, factors: object, basis: object
) -> None:
    """Law: whatever the types and values, fabrication_activities returns activities of a finite quantity >= 0 or
    raises InputError whose problems each name a field; never another exception."""
    acts: list[fp.Activity] = []
    problems: list[fp.Problem] = []
    try:
        acts = fp.fabrication_activities(process, amount, factors, energy_basis=basis)  # type: ignore[arg-type]
    except fp.InputError as exc:
        problems = list(exc.problems)
    assert bool(acts) != bool(problems)
    assert all(p.field for p in problems)
    assert all(math.isfinite(a.quantity.value) and a.quantity.value >= 0 for a in acts)
