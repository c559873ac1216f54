"""Indicators beside GWP: EN 15804+A2 impact, resource, waste and output indicators, per module and row."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp
from footprint.cli import main

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


def _f(fid: str, category: str, unit: str, gases: dict[str, float], **kw: Any) -> fp.EmissionFactor:
    return fp.EmissionFactor(id=fid, name=fid, category=category, unit=unit, gases=gases, **{**PROV, **kw})


LIB = fp.FactorLibrary(
    [
        _f("steel", "material", "kg", {"CO2": 2.0, "NOx": 0.004, "SO2": 0.006}),
        _f("alu", "material", "kg", {"CO2": 8.0}),
        _f("polymer", "material", "kg", {"CO2": 3.0, "NMVOC": 0.01}),
        _f("diesel", "fuel", "L", {"CO2": 2.6, "NOx": 0.05, "SO2": 0.001, "PM2_5": 0.003, "PM10": 0.004},
           density="0.84 kg/L", net_calorific_value="43 MJ/kg"),
        _f("pellets", "fuel", "kg", {"CO2_biogenic": 1.7, "NOx": 0.002, "PM2_5": 0.001, "PM10": 0.0012},
           net_calorific_value="17 MJ/kg"),
        _f("recycling", "waste", "kg", {"CO2": 0.01}),
        _f("landfill", "waste", "kg", {"CH4_nonfossil": 0.001}),
    ],
    name="hand",
)  # fmt: skip

PRODUCT: dict[str, Any] = {
    "id": "valve",
    "items": [
        {"id": "valve", "children": [{"item": "body"}, {"item": "cover"}, {"item": "seal"}]},
        {"id": "body", "kind": "part", "material": "steel", "net_mass": "10 kg"},
        {"id": "cover", "kind": "part", "material": "alu", "net_mass": "2 kg"},
        {"id": "seal", "kind": "part", "material": "polymer", "net_mass": "0.5 kg"},
    ],
    "materials": [
        {"id": "steel", "factor": "steel", "recycled_content": 0.3, "end_of_life": "metal"},
        {"id": "alu", "factor": "alu", "end_of_life": "metal"},
        {"id": "polymer", "factor": "polymer", "end_of_life": "plastic"},
    ],
    "activities": [
        {"factor": "diesel", "quantity": "20 L", "module": "A3"},
        {"factor": "pellets", "quantity": "50 kg", "module": "B6"},
    ],
    "end_of_life": [
        {"id": "metal", "routes": [{"share": 0.9, "factor": "recycling", "recycled": True},
                                   {"share": 0.1, "factor": "landfill", "fate": "disposal"}]},
        {"id": "plastic", "routes": [{"share": 1.0, "factor": "landfill"}]},
    ],
}  # fmt: skip


def calc(data: dict[str, Any] = PRODUCT, **kw: Any) -> fp.FootprintResult:
    """The hand-derived product (or ``data``) against the hand library, with every indicator."""
    return fp.calculate(
        fp.Product.model_validate(copy.deepcopy(data)), LIB, indicators=kw.pop("indicators", "all"), **kw
    )


def test_every_indicator_per_module_by_hand() -> None:
    """Two fuels (20 L diesel in A3; 50 kg wood pellets in B6) and three materials (10 kg steel with 30 %
    recycled content, 2 kg aluminium, 0.5 kg polymer, A1); metals 90 % recycled (C3), 10 % landfilled as
    non-hazardous waste (C4); the polymer landfilled without a stated fate (C4).

    Inventory: A1 steel NOx 0.04, SO2 0.06; polymer NMVOC 0.005; aluminium greenhouse gases only.
    A3 diesel NOx 1.0, SO2 0.02, PM2.5 0.06, PM10 0.08 kg. B6 pellets NOx 0.1, PM2.5 0.05, PM10 0.06 kg.

    Characterisation factors: EU Environmental Footprint 3.1 (JRC, EF-LCIAMethod_CF(EF-v3.1).xlsx, sheet
    lciamethods_CF, air unspecified; reuse authorised with acknowledgement, Decision 2011/833/EU), as in
    footprint/indicators.csv: AP NOx 0.74, SO2 1.31 mol H+ eq/kg; EP-marine NOx 0.389 kg N eq/kg;
    EP-terrestrial NOx 4.26 mol N eq/kg; POCP NOx 1, NMVOC 1, SO2 0.0811 kg NMVOC eq/kg; PM NOx 1.6E-06,
    SO2 8.00E-06, PM2.5 2.38497E-04, coarse PM (PM10 - PM2.5) 5.49E-05 disease incidence/kg.

    AP: A1 0.04 x 0.74 + 0.06 x 1.31 = 0.1082 (aluminium and polymer rows not covered); A3 0.74 + 0.02 x 1.31
    = 0.7662; B6 0.1 x 0.74 = 0.074; total 0.9484; C3, C4 not covered (waste factors state greenhouse gases only).
    EP-marine: 0.04 x 0.389 = 0.01556; 0.389; 0.0389; total 0.44346. EP-terrestrial: 0.1704; 4.26; 0.426;
    total 4.8564. EP-freshwater: not covered anywhere (no phosphorus to water is tracked).
    POCP: A1 0.04 + 0.06 x 0.0811 + 0.005 = 0.049866; A3 1.0 + 0.02 x 0.0811 = 1.001622; B6 0.1;
    total 1.151488.
    PM: A1 0.04 x 1.6E-06 + 0.06 x 8E-06 = 5.44E-07; A3 1.6E-06 + 0.02 x 8E-06 + 0.06 x 2.38497E-04
    + 0.02 x 5.49E-05 = 1.716782E-05; B6 0.1 x 1.6E-06 + 0.05 x 2.38497E-04 + 0.01 x 5.49E-05 = 1.263385E-05;
    total 3.034567E-05.
    GWP (AR6): A1 20 + 16 + 1.5 = 37.5; A3 52; B6 85 (biogenic CO2, +1); C3 10.8 kg x 0.01 = 0.108;
    C4 1.7 kg x 0.001 kg CH4 x 27.0 = 0.0459 (biogenic methane). Total 174.6539, fossil 89.608, biogenic 85.0459.
    PENRT: A3 20 L x 0.84 kg/L x 43 MJ/kg = 722.4 MJ; B6 0 (a renewable fuel); material and waste rows not
    covered. PERT: B6 50 kg x 17 MJ/kg = 850 MJ; A3 0.
    SM: A1 10 kg x 0.3 = 3.0 kg (all three material rows covered). MFR: C3 9 + 1.8 = 10.8 kg.
    NHWD: C4 1 + 0.2 = 1.2 kg (the polymer row not covered). HWD, RWD, CRU, MER: 0 where covered.
    """
    r = calc()
    ind = r.indicators
    approx = pytest.approx
    assert ind["AP"].by_module == approx({"A1": 0.1082, "A3": 0.7662, "B6": 0.074, "C3": None, "C4": None})
    assert ind["AP"].total == approx(0.9484)
    assert ind["AP"].not_covered_rows == {"A1": 2, "C3": 2, "C4": 3}
    assert ind["AP"].not_covered_factors == ["alu", "landfill", "polymer", "recycling"]
    assert ind["EP-marine"].by_module == approx({"A1": 0.01556, "A3": 0.389, "B6": 0.0389, "C3": None, "C4": None})
    assert ind["EP-marine"].total == approx(0.44346)
    assert ind["EP-terrestrial"].total == approx(4.8564)
    assert ind["EP-freshwater"].total is None
    assert set(ind["EP-freshwater"].by_module.values()) == {None}
    assert ind["POCP"].by_module == approx({"A1": 0.049866, "A3": 1.001622, "B6": 0.1, "C3": None, "C4": None})
    assert ind["POCP"].total == approx(1.151488)
    assert ind["PM"].by_module == approx({"A1": 5.44e-7, "A3": 1.716782e-5, "B6": 1.263385e-5, "C3": None, "C4": None})
    assert ind["PM"].total == approx(3.034567e-5)
    assert ind["GWP-total"].by_module == approx({"A1": 37.5, "A3": 52.0, "B6": 85.0, "C3": 0.108, "C4": 0.0459})
    assert ind["GWP-total"].total == r.total_kgco2e == approx(174.6539)
    assert ind["GWP-fossil"].total == approx(89.608)
    assert ind["GWP-biogenic"].total == approx(85.0459)
    assert ind["PENRT"].by_module == approx({"A1": None, "A3": 722.4, "B6": 0.0, "C3": None, "C4": None})
    assert ind["PERT"].by_module == approx({"A1": None, "A3": 0.0, "B6": 850.0, "C3": None, "C4": None})
    assert ind["SM"].by_module == approx({"A1": 3.0, "A3": None, "B6": None, "C3": None, "C4": None})
    assert ind["MFR"].by_module == approx({"A1": None, "A3": None, "B6": None, "C3": 10.8, "C4": 0.0})
    assert ind["NHWD"].by_module == approx({"A1": None, "A3": None, "B6": None, "C3": 0.0, "C4": 1.2})
    assert ind["NHWD"].not_covered_rows["C4"] == 1
    for i in ("HWD", "RWD", "CRU", "MER"):
        assert ind[i].total == 0.0


def test_contribution_rows_name_each_indicator_or_none() -> None:
    """Each contribution row carries every indicator: the steel row its AP (0.1082), the aluminium row None
    for AP (not covered, never 0), and both their factor, source and licence as before."""
    r = calc()
    steel = next(c for c in r.contributions if c.factor_id == "steel")
    alu = next(c for c in r.contributions if c.factor_id == "alu")
    assert steel.indicators["AP"] == pytest.approx(0.1082)
    assert alu.indicators["AP"] is None
    assert alu.indicators["GWP-total"] == pytest.approx(16.0)
    assert alu.licence == "CC0-1.0"


def test_en15804_table_by_hand() -> None:
    """The EPD table joins A1-A3 (AP: 0.1082 + 0.7662 = 0.8744, partly covered: *), says NC where no row
    covers (C3), MND where nothing is declared (A4), and reads as numbers without text."""
    r = calc()
    table = fp.en15804_table(r).set_index("indicator")
    assert table.loc["AP", "A1-A3"] == "8.744E-01*"
    assert table.loc["AP", "C3"] == "NC"
    assert table.loc["AP", "A4"] == "MND"
    assert table.loc["SM", "A1-A3"] == "3.000E+00*"
    numbers = fp.en15804_table(r, text=False).set_index("indicator")
    assert numbers.loc["GWP-total", "A1-A3"] == pytest.approx(89.5)


def test_gwp_is_unchanged_bit_for_bit_by_indicators() -> None:
    """Asking for indicators changes no GWP number of the result, bit for bit."""
    a, b = calc(indicators=None), calc()
    for field in ("total_kgco2e", "by_module", "by_gas", "gwp_indicators", "by_component", "by_factor"):
        assert getattr(a, field) == getattr(b, field), field
    assert [c.kgco2e for c in a.contributions] == [c.kgco2e for c in b.contributions]
    assert a.indicators == {}
    assert b.indicators["GWP-total"].by_module == {m: v["GWP-total"] for m, v in b.gwp_indicators.items()}


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=0.01, max_value=100))
def test_every_indicator_scales_with_the_declared_quantity(k: float) -> None:
    """k declared units give k times every indicator in every module; not covered stays not covered."""
    one, many = calc(), calc(quantity=k)
    for i, res in one.indicators.items():
        for m, v in res.by_module.items():
            w = many.indicators[i].by_module[m]
            assert (w is None) if v is None else w == pytest.approx(k * v, rel=1e-9, abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=0.05, max_value=0.95))
def test_every_indicator_adds_over_a_split_activity(share: float) -> None:
    """Splitting the diesel activity in two (share and 1 - share of 20 L) changes no indicator."""
    data = copy.deepcopy(PRODUCT)
    data["activities"][0]["quantity"] = f"{20 * share!r} L"
    data["activities"].append({"factor": "diesel", "quantity": f"{20 * (1 - share)!r} L", "module": "A3"})
    whole, split = calc(), calc(data)
    for i, res in whole.indicators.items():
        for m, v in res.by_module.items():
            w = split.indicators[i].by_module[m]
            assert (w is None) if v is None else w == pytest.approx(v, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    ("diesel", "pellets"), [("20 L", "50 kg"), ("0.02 m3", "0.05 t"), ("5.283441 US_gallon", "110.231131 lb")]
)
def test_every_indicator_converts_units(diesel: str, pellets: str) -> None:
    """The same fuels stated in other units (20 L = 0.02 m3 = 5.283441 US gal; 50 kg = 0.05 t = 110.231131 lb)
    give the same indicators, to the rounding of the stated amounts (1e-6)."""
    data = copy.deepcopy(PRODUCT)
    data["activities"][0]["quantity"], data["activities"][1]["quantity"] = diesel, pellets
    base, other = calc(), calc(data)
    for i, res in base.indicators.items():
        for m, v in res.by_module.items():
            w = other.indicators[i].by_module[m]
            assert (w is None) if v is None else w == pytest.approx(v, rel=1e-6, abs=1e-15)


def test_a_greenhouse_gas_factor_does_not_cover_pocp() -> None:
    """A factor that states CH4 but no air pollutant does not pass for a POCP value (its methane would give a
    small number while its NOx is unknown): the landfill rows are not covered."""
    r = calc(indicators="POCP")
    assert r.indicators["POCP"].by_module["C4"] is None
    assert list(r.indicators) == ["POCP"]


INDICATOR_FILE = "substance,AP-own\n@unit,kg SO2 eq\n@name,Own acidification\nSO2,1\nNOx,0.5\n"


def test_own_indicator_file_is_loaded_and_used(tmp_path: Path) -> None:
    """An indicator of one's own (SO2 1, NOx 0.5 kg SO2 eq/kg) gives A1 0.06 + 0.02 = 0.08 for the steel."""
    path = tmp_path / "own.csv"
    path.write_text(INDICATOR_FILE, encoding="utf-8")
    (own,) = fp.load_indicators(path)
    r = calc(indicators=[own])
    assert r.indicators["AP-own"].by_module["A1"] == pytest.approx(0.08)
    assert fp.indicator("ap-own") == own


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("", None, "no header row"),
        ("gas,X\n@unit,u\nSO2,1\n", None, "header must be 'substance'"),
        ("substance,X\n@unit,u\nSO3,1\n", "substance", "unknown substance"),
        ("substance,X\n@unit,u\nSO2,abc\n", "X", "not a characterisation factor"),
        ("substance,X\n@unit,u\nSO2,inf\n", "X", "not a characterisation factor"),
        ("substance,X\nSO2,1\n", "X", "without a unit"),
        ("substance,X,X\n@unit,u,u\nSO2,1,1\n", "X", "given twice"),
        ("substance,AP\n@unit,u\nSO2,1\n", "AP", "already taken"),
        ("substance,PENRT\n@unit,u\nSO2,1\n", "PENRT", "taken by a built-in"),
        ("substance,X\n@unit,u\n@colour,red\nSO2,1\n", "@colour", "unknown metadata row"),
        ("substance,X\n@unit,u\n@en15804,core-ish\nSO2,1\n", "X", "unknown EN 15804 role"),
        ("substance,X\n@unit,u\nSO2,1,2\n", "SO2", "row has 3 cells"),
    ],
)
def test_bad_indicator_files_get_named_errors(tmp_path: Path, text: str, field: str | None, message: str) -> None:
    """Each kind of bad indicator file raises IndicatorFileError naming the file, the field and the problem."""
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(fp.IndicatorFileError) as exc:
        fp.load_indicators(path)
    problem = next(p for p in exc.value.problems if message in p.message)
    assert problem.file == str(path)
    assert problem.field == field


def test_missing_indicator_file_and_unknown_id() -> None:
    """A missing file is an IndicatorFileError; an unknown id an IndicatorError listing the known ones."""
    with pytest.raises(fp.IndicatorFileError, match="file not found"):
        fp.load_indicators("no/such/file.csv")
    with pytest.raises(fp.IndicatorError, match=r"unknown indicator 'XYZ'.*AP"):
        calc(indicators="AP,XYZ")


def test_recycled_route_with_another_fate_is_refused() -> None:
    """A route marked recycled cannot go to disposal: the product file is refused, naming the route."""
    data = copy.deepcopy(PRODUCT)
    data["end_of_life"][0]["routes"][0]["fate"] = "disposal"
    with pytest.raises(ValueError, match=r"end_of_life\.0\.routes\.0[\s\S]*fate is 'recycling'"):
        fp.Product.model_validate(data)


def test_cli_prints_the_en15804_table_and_writes_its_csv(tmp_path: Path) -> None:
    """``calc --indicators all`` appends the EPD table; ``--format en15804`` writes it as CSV, with module D's
    negative numbers as numbers."""
    runner = CliRunner()
    out = runner.invoke(main, ["calc", "examples/subsea_gate_valve.yaml", "--indicators", "AP,GWP-total"])
    assert out.exit_code == 0, out.output
    assert "EN 15804+A2 indicators per module" in out.output
    assert "NC: not covered" in out.output
    csv_path = tmp_path / "epd.csv"
    out = runner.invoke(main, ["calc", "examples/subsea_gate_valve.yaml", "--format", "en15804", "-o", str(csv_path)])
    assert out.exit_code == 0, out.output
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("indicator,name,unit,A1-A3,A4")
    gwp = next(line for line in lines if line.startswith("GWP-total,"))
    module_d = gwp.split(",")[-1]
    assert module_d.startswith("-")
    assert float(module_d) < 0


def test_html_report_has_the_indicator_table_and_a_chart_per_indicator() -> None:
    """The HTML report of a result with indicators has an Indicators section: the EN 15804+A2 table (AP's
    A1-A3 cell 8.744E-01*, C3 NC) and one inline chart per indicator (7 asked for: 7 more charts than without)."""
    chosen = "GWP-total,AP,POCP,PM,PENRT,SM,MFR"
    with_ind = fp.html_report(calc(indicators=chosen), LIB)
    without = fp.html_report(calc(indicators=None), LIB)
    assert '<section id="indicators">' in with_ind
    assert 'id="indicators"' not in without
    assert "8.744E-01*" in with_ind
    assert with_ind.count("<svg") - without.count("<svg") == 7


def test_indicator_chart_draws_no_bar_where_not_covered() -> None:
    """AP by module: bars for A1, A3 and B6 (covered), none for C3 and C4, which read NC."""
    from footprint.report._indicator_pages import chart_indicator

    fig = chart_indicator(calc(indicators="AP"), "AP")
    ax = fig.axes[0]
    assert len(ax.containers[0]) == 3
    assert [t.get_text() for t in ax.texts].count("NC") == 2


def test_excel_report_has_an_indicators_sheet(tmp_path: Path) -> None:
    """The workbook's Indicators sheet holds numbers per EPD column (AP A1-A3 = 0.8744), NC and MND as text."""
    openpyxl = pytest.importorskip("openpyxl")
    path = fp.excel_report(calc(indicators="AP"), tmp_path / "r.xlsx", LIB)
    ws = openpyxl.load_workbook(path)["Indicators"]
    header = [c.value for c in ws[1]]
    row = {h: c.value for h, c in zip(header, ws[2], strict=False)}
    assert row["indicator"] == "AP"
    assert row["A1-A3"] == pytest.approx(0.8744)
    assert row["C3"] == "NC"
    assert row["A4"] == "MND"
    assert row["partly covered"] == "A1-A3"


SERVICE: dict[str, Any] = {
    "id": "svc",
    "supplier": "Service AS",
    "items": [{"id": "svc", "kind": "part", "material": "steel", "net_mass": "1 kg",
               "activities": [{"factor": "diesel", "quantity": "10 L", "module": "A3"}]}],
    "materials": [{"id": "steel", "factor": "steel"}],
}  # fmt: skip


def _suppliers() -> fp.SupplierFootprints:
    import pandas as pd

    valve = calc({**PRODUCT, "supplier": "Valve AS"}, indicators="AP")
    svc = calc(SERVICE, indicators="AP")
    deliveries = pd.DataFrame(
        {"product": ["valve", "svc", "valve", "svc"], "period": ["2024", "2024", "2025", "2025"],
         "quantity": [10, 5, 8, 5]}
    )  # fmt: skip
    return fp.supplier_footprints(fp.footprint_table([valve, svc]), deliveries)


def test_indicators_roll_up_per_supplier_and_cluster_by_hand() -> None:
    """AP per piece: the valve 0.9484 (incomplete: aluminium, polymer and waste rows not covered), the service
    part 1 kg steel (0.004 x 0.74 + 0.006 x 1.31 = 0.01082) + 10 L diesel (0.5 x 0.74 + 0.01 x 1.31 = 0.3831)
    = 0.39392, complete. 2024: Valve AS 10 x 0.9484 = 9.484 with 10 pieces not covered; Service AS
    5 x 0.39392 = 1.9696 with none; the cluster 11.4536."""
    sf = _suppliers()
    sup = sf.by_supplier
    assert sup.loc[("2024", "Valve AS"), "ind_AP"] == pytest.approx(9.484)
    assert sup.loc[("2024", "Valve AS"), "uncovered_AP"] == 10
    assert sup.loc[("2024", "Service AS"), "ind_AP"] == pytest.approx(1.9696)
    assert sup.loc[("2024", "Service AS"), "uncovered_AP"] == 0
    assert sf.by_cluster.loc[("2024", "cluster"), "ind_AP"] == pytest.approx(11.4536)
    assert sf.by_product.loc[("2025", "valve"), "ind_AP"] == pytest.approx(8 * 0.9484)


def test_target_on_an_indicator_by_hand() -> None:
    """-50 % AP by 2030 against 2024 for Valve AS: 2025 is 8 x 0.9484 = 7.5872 against a path of 9.484 x
    (1 - 0.5 / 6) = 8.6937, on track, with 8 pieces whose AP is incomplete; an indicator the footprints lack
    is refused by name, as is a target on an indicator over A1-A3."""
    sf = _suppliers()
    t = fp.Target(scope="Valve AS", baseline_period="2024", target_period="2030", reduction=0.5, indicator="AP")
    p = fp.progress(sf, t)
    assert p.loc["2025", "value"] == pytest.approx(7.5872)
    assert p.loc["2025", "target_path"] == pytest.approx(9.484 * (1 - 0.5 / 6))
    assert p.loc["2025", "on_track"]
    assert p.loc["2025", "not_covered_units"] == 8
    with pytest.raises(fp.InputError, match="indicator not in the footprints"):
        fp.progress(sf, t.model_copy(update={"indicator": "POCP"}))
    with pytest.raises(ValueError, match="A1-C4"):
        fp.Target(scope="x", baseline_period="2024", target_period="2030", reduction=0.5, indicator="AP",
                  modules="A1-A3")  # fmt: skip


def test_catalogue_indicators_by_hand() -> None:
    """Catalogue path: P1 = 2 bodies of 10 kg steel (NOx 0.01 kg/kg) + 5 kWh grid (greenhouse gases only);
    P2 = 1 body. AP (NOx 0.74, EF 3.1): P1 2 x 10 x 0.01 x 0.74 = 0.148, incomplete (the grid is not covered);
    P2 0.074, complete; suppliers S1 0.148 and S2 0.074, the cluster 0.222 with one product incomplete. An
    indicator read from product data is refused on this path."""
    import pandas as pd

    from footprint._catalogue_indicators import catalogue_indicators

    lib = fp.FactorLibrary([_f("steel", "material", "kg", {"CO2": 2.0, "NOx": 0.01}),
                            _f("grid", "electricity", "kWh", {"CO2": 0.1})], name="cat")  # fmt: skip
    products = pd.DataFrame({"product": ["P1", "P2"], "supplier": ["S1", "S2"], "family": ["f", "f"]})
    bom = pd.DataFrame({"parent": ["P1", "P2"], "child": ["BODY", "BODY"], "quantity": [2.0, 1.0]})
    acts = pd.DataFrame({"item": ["BODY", "P1"], "factor": ["steel", "grid"], "amount": [10.0, 5.0],
                         "unit": ["kg", "kWh"], "module": ["", ""]})  # fmt: skip
    cat = fp.prepare_catalogue(products, bom, acts, lib)
    by_product, by_supplier, _, cluster = catalogue_indicators(cat, "AP")
    assert by_product.loc["P1", "ind_AP"] == pytest.approx(0.148)
    assert by_product.loc["P1", "uncovered_AP"] == 1
    assert by_product.loc["P2", "ind_AP"] == pytest.approx(0.074)
    assert by_product.loc["P2", "uncovered_AP"] == 0
    assert by_supplier.loc["S1", "ind_AP"] == pytest.approx(0.148)
    assert cluster["ind_AP"].iloc[0] == pytest.approx(0.222)
    assert cluster["uncovered_AP"].iloc[0] == 1
    with pytest.raises(fp.IndicatorError, match="PENRT"):
        catalogue_indicators(cat, "AP,PENRT")
