"""Net fresh water (FW), phosphorus to freshwater (EP-freshwater) and electricity's primary energy (PENRT, PERT).

Every number is derived in the test's docstring or comments from a cited source: the grid mixes from Ember's 2024
generation by source (Our World in Data, owid-energy-data.csv), the efficiencies from the physical energy content
method (Eurostat, IEA) and Commission Delegated Regulation (EU) 2015/2402 Annex I, the phosphate factor from the
EU Environmental Footprint 3.1 set.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import footprint as fp

# 2024 generation by source, TWh (owid-energy-data.csv, columns <source>_electricity; Ember yearly data):
# coal, gas, oil, nuclear, hydro, wind, solar, bioenergy, other renewables (geothermal).
MIXES = {
    "electricity.grid.no.ember": (0.0, 1.47, 0.72, 0.0, 139.55, 14.6, 0.53, 0.24, 0.0),
    "electricity.grid.dk.ember": (1.75, 0.91, 1.13, 0.0, 0.02, 20.41, 3.78, 7.06, 0.0),
    "electricity.grid.fi.ember": (0.83, 0.82, 2.19, 32.6, 14.3, 20.48, 0.94, 10.39, 0.0),
    "electricity.grid.fr.ember": (1.02, 18.1, 9.54, 380.45, 71.12, 45.43, 24.87, 10.68, 0.57),
    "electricity.grid.de.ember": (106.33, 78.41, 20.39, 0.0, 23.83, 141.6, 74.13, 51.08, 0.22),
    "electricity.grid.world.ember": (10538.94, 6882.73, 853.84, 2777.11, 4433.65, 2509.5, 2142.65, 703.37, 88.44),
    "electricity.grid.it.ember": (3.95, 118.59, 10.78, 0.0, 53.13, 22.22, 35.99, 17.23, 5.67),
    "electricity.grid.eu27.ember": (270.95, 432.11, 89.11, 649.55, 369.68, 491.21, 307.07, 156.85, 6.68),
    "electricity.grid.europe.ember": (530.36, 1101.32, 118.71, 945.56, 811.55, 596.68, 333.19, 200.06, 13.29),
    # Read from owid/energy-data at commit e7897aed; "other renewables" of GB, BR, KR, CN, IN, JP and SG is 0: the
    # file leaves other_renewable_exc_biofuel_electricity empty there and its other_renewable_electricity equals
    # biofuel; Singapore's empty hydro and wind are 0 too (its renewables_electricity 2.94 = solar + bioenergy).
    "electricity.grid.se.ember": (0.0, 0.11, 1.97, 50.67, 64.61, 40.45, 4.16, 10.18, 0.0),
    "electricity.grid.gb.ember": (1.9, 86.3, 11.45, 40.59, 5.76, 83.28, 14.79, 40.09, 0.0),
    "electricity.grid.nl.ember": (7.47, 44.29, 4.93, 3.57, 0.09, 33.48, 21.82, 6.68, 0.0),
    "electricity.grid.es.ember": (2.58, 52.34, 10.41, 54.53, 34.41, 62.2, 58.29, 6.17, 0.01),
    "electricity.grid.us.ember": (652.16, 1869.9, 30.47, 781.86, 237.04, 451.9, 303.75, 46.42, 17.52),
    "electricity.grid.br.ember": (16.21, 48.76, 13.71, 15.78, 413.21, 108.49, 71.32, 58.24, 0.0),
    "electricity.grid.kr.ember": (190.78, 178.35, 6.78, 188.75, 4.3, 3.36, 32.72, 20.34, 0.0),
    "electricity.grid.pl.ember": (93.5, 20.46, 4.55, 0.0, 2.11, 25.89, 17.66, 7.95, 0.0),
    "electricity.grid.cn.ember": (5827.6, 320.72, 88.88, 450.85, 1354.25, 997.04, 839.04, 208.5, 0.0),
    "electricity.grid.in.ember": (1517.9, 56.44, 4.09, 54.7, 156.53, 81.54, 143.07, 22.25, 0.0),
    "electricity.grid.jp.ember": (327.13, 346.24, 25.0, 84.91, 79.45, 11.54, 96.7, 45.42, 0.0),
    "electricity.grid.sg.ember": (0.57, 54.93, 1.17, 0.0, 0.0, 0.0, 1.28, 1.66, 0.0),
}
# electricity_generation (TWh) of the rows above, as the file states it: each mix adds up to it.
GENERATION = {
    "electricity.grid.se.ember": 172.15,
    "electricity.grid.gb.ember": 284.16,
    "electricity.grid.nl.ember": 122.33,
    "electricity.grid.es.ember": 280.94,
    "electricity.grid.us.ember": 4391.02,
    "electricity.grid.br.ember": 745.72,
    "electricity.grid.kr.ember": 625.38,
    "electricity.grid.pl.ember": 172.12,
    "electricity.grid.cn.ember": 10086.88,
    "electricity.grid.in.ember": 2036.52,
    "electricity.grid.jp.ember": 1016.39,
    "electricity.grid.sg.ember": 59.61,
}
# Efficiencies: coal and oil 44.2 %, gas 52.5 % (EU 2015/2402 Annex I, before 2016), nuclear 33 %, hydro, wind and
# solar 100 %, biomass 33.0 % (S4), geothermal 10 % (physical energy content method).
NONRENEWABLE = (0.442, 0.525, 0.442, 0.33)
RENEWABLE = (1.0, 1.0, 1.0, 0.33, 0.10)


def _primary_energy(mix: tuple[float, ...]) -> tuple[float, float]:
    """MJ non-renewable and renewable per kWh generated: 3.6 x sum(share / efficiency), rounded to 4 decimals."""
    total = sum(mix)
    nr = 3.6 * sum(e / total / eta for e, eta in zip(mix[:4], NONRENEWABLE, strict=True))
    r = 3.6 * sum(e / total / eta for e, eta in zip(mix[4:], RENEWABLE, strict=True))
    return round(nr, 4), round(r, 4)


@pytest.mark.parametrize("factor_id", sorted(MIXES))
def test_grid_primary_energy_is_recomputed_from_the_mix(factor_id: str) -> None:
    """Denmark: 3.6 x (1.75/0.442 + 0.91/0.525 + 1.13/0.442) / 35.06 = 0.8470 MJ non-renewable per kWh and
    3.6 x (0.02 + 20.41 + 3.78 + 7.06/0.33) / 35.06 = 4.6827 MJ renewable; the others alike."""
    gases = fp.default_library().get(factor_id).gases
    assert (gases["PE_nonrenewable"], gases["PE_renewable"]) == _primary_energy(MIXES[factor_id])


def test_eu27_total_is_below_the_eu_default_primary_energy_factor() -> None:
    """The EU27 mix gives 6.901 MJ per kWh, a factor of 1.917 (6.901 / 3.6): below the EU default of 2.1
    (Directive (EU) 2018/2002 Annex IV), as reference efficiencies of new plants should give."""
    nr, r = _primary_energy(MIXES["electricity.grid.eu27.ember"])
    eu_default = 2.1
    assert round((nr + r) / 3.6, 3) == 1.917
    assert (nr + r) / 3.6 < eu_default


def _product(activities: list[dict[str, object]]) -> fp.Product:
    return fp.Product.model_validate({"id": "p", "name": "p", "items": [{"id": "p"}], "activities": activities})


def test_grid_electricity_counts_in_penrt_and_pert_and_other_grids_stay_not_covered() -> None:
    """1,000 kWh of the Danish grid in A3: PENRT 847 MJ, PERT 4,682.7 MJ; 1,000 kWh of NVE's delivered Norwegian
    mix, which states no primary energy, leave its row not covered (never 0)."""
    acts = [{"factor": "electricity.grid.dk.ember", "quantity": "1000 kWh", "module": "A3"},
            {"factor": "electricity.grid.no.delivered.nve", "quantity": "1000 kWh", "module": "A3"}]  # fmt: skip
    res = fp.calculate(_product(acts), indicators="PENRT,PERT", prefolded="report")
    assert res.indicators["PENRT"].by_module["A3"] == pytest.approx(847.0, rel=1e-12)
    assert res.indicators["PERT"].by_module["A3"] == pytest.approx(4682.7, rel=1e-12)
    assert res.indicators["PERT"].not_covered_factors == ["electricity.grid.no.delivered.nve"]


@pytest.mark.parametrize("factor_id", sorted(GENERATION))
def test_grid_mix_adds_up_to_the_stated_generation(factor_id: str) -> None:
    """Each mix read from owid-energy-data.csv adds up to its electricity_generation (Sweden: 0 + 0.11 + 1.97 +
    50.67 + 64.61 + 40.45 + 4.16 + 10.18 + 0 = 172.15 TWh): no source was left out or read twice."""
    assert math.fsum(MIXES[factor_id]) == pytest.approx(GENERATION[factor_id], abs=0.005)


def test_swedish_grid_primary_energy_by_hand() -> None:
    """Sweden 2024: PENRT 3.6 x (0.11/0.525 + 1.97/0.442 + 50.67/0.33) / 172.15 = 3.3085 MJ/kWh; PERT 3.6 x
    (64.61 + 40.45 + 4.16 + 10.18/0.33) / 172.15 = 2.9291 MJ/kWh (owid-energy-data.csv, header efficiencies)."""
    gases = fp.default_library().get("electricity.grid.se.ember").gases
    assert (gases["PE_nonrenewable"], gases["PE_renewable"]) == (3.3085, 2.9291)


def test_primary_energy_of_electricity_leaves_gwp_unchanged() -> None:
    """The PE flows have no GWP: the Danish grid's 1,000 kWh are 143.3 kg CO2e with or without indicators."""
    acts = [{"factor": "electricity.grid.dk.ember", "quantity": "1000 kWh", "module": "A3"}]
    plain = fp.calculate(_product(acts), prefolded="report")
    with_ind = fp.calculate(_product(acts), prefolded="report", indicators="all")
    assert plain.total_kgco2e == with_ind.total_kgco2e == pytest.approx(143.3, rel=1e-12)


def _factor_file(tmp_path: Path, header: str, row: str) -> Path:
    path = tmp_path / "supplier.csv"
    base = "id,name,category,unit,source,edition,region,licence,boundary"
    path.write_text(f"{base},{header}\nphos.coat,Zinc phosphating line,process,m2,Supplier,2024,NO,CC0-1.0,"
                    f"gate-to-gate,{row}\n", encoding="utf-8")  # fmt: skip
    return path


def test_phosphorus_to_freshwater_gives_ep_freshwater(tmp_path: Path) -> None:
    """A supplier's phosphating line states 0.2 g P and 0.3 g PO4 to freshwater per m2 coated: 10 m2 give
    EP-freshwater 10 x (0.0002 x 1 + 0.0003 x 0.33) = 0.00299 kg P eq (EF 3.1: P 1, PO4 0.33 kg P eq/kg);
    0.33 is EF's rounding of PO4's P mass fraction 30.974 / 94.971 = 0.3261."""
    assert round(30.974 / 94.971, 2) == fp.indicator("EP-freshwater").values["PO4_fw"] == 0.33
    lib = fp.load_factors(_factor_file(tmp_path, "kg_P_fw,kg_PO4_fw", "0.0002,0.0003"))
    acts = [
        {"factor": "phos.coat", "quantity": "10 m2", "module": "A3"},
        {"factor": "material.steel.carbon.global.worldsteel2024", "quantity": "5 kg", "module": "A1"},
    ]
    res = fp.calculate(_product(acts), lib.merge(fp.default_library()), indicators="EP-freshwater")
    ep = res.indicators["EP-freshwater"]
    assert ep.total == pytest.approx(0.00299, rel=1e-12)
    assert ep.by_module["A1"] is None  # the steel factor states no phosphorus: not covered, not 0
    assert res.total_kgco2e == fp.calculate(_product(acts[1:])).total_kgco2e  # P adds no GWP


def test_hydrotest_water_is_reported_as_fw_in_a3() -> None:
    """A hydrostatic test filling 33.93 m3 (a 2.4 m x 7.5 m vessel: pi/4 x 2.4^2 x 7.5 = 33.929 m3) with mains
    water drained to sewer: FW = 33.93 m3 in A3; an activity in L converts (500 L = 0.5 m3)."""
    assert math.pi / 4 * 2.4**2 * 7.5 == pytest.approx(33.929, abs=5e-4)
    acts = [{"factor": "water.fresh.net_use", "quantity": "33.93 m3", "module": "A3"},
            {"factor": "water.fresh.net_use", "quantity": "500 L", "module": "A3"}]  # fmt: skip
    res = fp.calculate(_product(acts), indicators="FW")
    assert res.indicators["FW"].by_module["A3"] == pytest.approx(34.43, rel=1e-12)
    assert res.total_kgco2e == 0.0


def test_fresh_water_column_is_in_m3_and_kg_fresh_water_is_refused(tmp_path: Path) -> None:
    """The water column is m3_fresh_water: a kg_fresh_water column is refused naming the column."""
    with pytest.raises(fp.FactorFileError) as err:
        fp.load_factors(_factor_file(tmp_path, "kg_fresh_water", "1"))
    assert "kg_fresh_water" in str(err.value)


@pytest.mark.parametrize(("header", "raw"), [("m3_fresh_water", "lots"), ("kg_P_fw", "inf"), ("MJ_PE_renewable", "x")])
def test_bad_values_of_the_new_flows_are_named(tmp_path: Path, header: str, raw: str) -> None:
    """A value that is not a finite number is refused naming the file, row and column."""
    path = _factor_file(tmp_path, header, raw)
    with pytest.raises(fp.FactorFileError) as err:
        fp.load_factors(path)
    text = str(err.value)
    assert header in text
    assert "supplier.csv" in text


def test_indicator_file_rejects_a_phosphorus_substance_misspelt(tmp_path: Path) -> None:
    """An indicator file naming 'P_water' (not a substance) is refused with the known ids listed."""
    path = tmp_path / "ind.csv"
    path.write_text("substance,EP-own\n@unit,kg P eq\nP_water,1\n", encoding="utf-8")
    with pytest.raises(fp.IndicatorFileError) as err:
        fp.load_indicators(path)
    assert "P_water" in str(err.value)
    assert "P_fw" in str(err.value)
