"""Lifecycle footprints: a worked example derived by hand, and the checks on bad products."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import footprint as fp

# A small library with round numbers so that every module can be derived by hand. Per-gas values fold
# under AR6 with CH4 fossil 29.8 and N2O 273 (IPCC AR6 WGI Table 7.15 / 7.SM.7).
FACTORS = [
    {"id": "steel", "name": "Steel", "category": "material", "unit": "kg", "gases": {"CO2": 2.0}},
    {"id": "steel.secondary", "name": "Secondary steel", "category": "material", "unit": "kg", "gases": {"CO2": 0.5}},
    {"id": "rubber", "name": "Rubber", "category": "material", "unit": "t", "gases": {"CO2": 3000.0}},
    {"id": "grid", "name": "Grid electricity", "category": "electricity", "unit": "kWh", "gases": {"CO2": 0.1}},
    {
        "id": "heat",
        "name": "Process heat",
        "category": "fuel",
        "unit": "MJ",
        "gases": {"CO2": 0.056},
        "energy_basis": "net",
    },
    {
        "id": "diesel",
        "name": "Diesel, combustion",
        "category": "fuel",
        "unit": "TJ",
        "gases": {"CO2": 74100.0, "CH4_fossil": 3.0, "N2O": 0.6},
        "density": "0.84 kg/L",
        "net_calorific_value": "43 MJ/kg",
        "energy_basis": "net",
    },
    {"id": "truck", "name": "Truck", "category": "freight", "unit": "t*km", "gases": {"CO2": 0.1}},
    {"id": "recycling", "name": "Recycling", "category": "waste", "unit": "kg", "gases": {"CO2": 0.01}},
    {"id": "landfill", "name": "Landfill", "category": "waste", "unit": "kg", "gases": {"CO2": 0.02}},
]
PROVENANCE = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}


@pytest.fixture
def library(tmp_path: Path) -> fp.FactorLibrary:
    """The round-number library, loaded through the JSON reader."""
    path = tmp_path / "factors.json"
    path.write_text(json.dumps([{**f, **PROVENANCE} for f in FACTORS]))
    return fp.load_factors(path)


PUMP = {
    "id": "pump",
    "name": "Test pump",
    "declared_unit": "1 piece",
    "service_life": "10 yr",
    "items": [
        {
            "id": "pump",
            "children": [
                {"item": "casing", "quantity": 1},
                {"item": "bolt-kit", "quantity": "2 piece"},
                {"item": "motor-assy", "quantity": 1},
            ],
            "activities": [
                {"factor": "grid", "quantity": "500 kWh"},
                {"factor": "diesel", "quantity": "100 L"},
            ],
        },
        {"id": "motor-assy", "children": [{"item": "bolt-kit", "quantity": 1}, {"item": "seal", "quantity": 3}]},
        {"id": "bolt-kit", "children": [{"item": "bolt", "quantity": 8}]},
        {"id": "bolt", "kind": "part", "material": "steel", "net_mass": "250 g", "gross_mass": "300 g"},
        {
            "id": "casing",
            "kind": "part",
            "material": "steel",
            "net_mass": "100 lb",
            "gross_mass": "60 kg",
            "activities": [{"factor": "heat", "quantity": "2000 MJ net"}],
        },
        {"id": "seal", "kind": "part", "material": "rubber", "net_mass": "0.5 kg"},
        {
            "id": "motor",
            "kind": "component",
            "mass": "20 kg",
            "material": "steel",
            "declared_footprint": {"kgco2e": 100, "gwp_set": "AR6", "source": "supplier PCF"},
        },
    ],
    "materials": [
        {"id": "steel", "factor": "steel", "recycled_content": 0.2, "end_of_life": "metal"},
        {"id": "rubber", "factor": "rubber", "end_of_life": "landfill"},
    ],
    "activities": [
        {"factor": "grid", "quantity": "1 kW", "hours_per_year": 1000, "per_year": True},
    ],
    "transport": [
        {"module": "A2", "factor": "truck", "distance": "100 km"},
        {"module": "A4", "factor": "truck", "distance": "200 km", "mass": "0.5 t"},
    ],
    "replacements": [{"item": "seal", "every": "4 yr"}],
    "end_of_life": [
        {
            "id": "metal",
            "routes": [
                {"share": 0.9, "factor": "recycling", "recycled": True},
                {"share": 0.1, "factor": "landfill"},
            ],
            "transport": [{"factor": "truck", "distance": "50 km"}],
            "credit": {"virgin": "steel", "secondary": "steel.secondary"},
        },
        {"id": "landfill", "routes": [{"share": 1.0, "factor": "landfill"}]},
    ],
}
# The motor hangs under the motor assembly.
PUMP["items"][1]["children"].append({"item": "motor", "quantity": 1})  # type: ignore[index]


def pump() -> fp.Product:
    """The test pump as a product model."""
    return fp.Product.model_validate(PUMP)


def test_worked_example_every_module(library: fp.FactorLibrary) -> None:
    """Every module of the test pump matches the hand derivation below (AR6).

    Counts: the bolt kit is shared (2 under the pump, 1 under the motor assembly) -> 3 kits -> 24 bolts.
    Steel parts: bolts 24 x 0.300 kg gross = 7.2 kg (net 6.0, scrap 1.2); casing net 100 lb = 45.359237 kg
    (lb = 0.45359237 kg exactly), gross 60 kg, scrap 14.640763 kg. Rubber: 3 seals x 0.5 kg = 1.5 kg. Motor 20 kg.

    A1 = steel 67.2 kg x 2.0 + rubber 0.0015 t x 3000 + motor PCF 100 = 134.4 + 4.5 + 100 = 238.9
    A2 = inputs (67.2 + 1.5 + 20 = 88.7 kg) x 100 km = 8.87 t*km x 0.1 = 0.887
    A3 = grid 500 x 0.1 = 50; heat 2000 MJ x 0.056 = 112;
         diesel 100 L x 0.84 kg/L x 43 MJ/kg = 3612 MJ = 0.003612 TJ x (74100 + 3 x 29.8 + 0.6 x 273 = 74353.2);
         scrap 15.840763 kg: 90 % recycled x 0.01 + 10 % landfilled x 0.02
    A4 = 0.5 t x 200 km x 0.1 = 10
    B6 = 1 kW x 1000 h/yr x 10 yr = 10,000 kWh x 0.1 = 1000
    B4 = seals replaced ceil(10 / 4) - 1 = 2 times x 3 seals x 0.5 kg = 3 kg: x 3.0 (production) + x 0.02 (landfill)
         + their A2 transport 0.003 t x 100 km x 0.1 (the A4 leg carries a stated 0.5 t, not the parts' mass)
    C2 = steel at end of life (6.0 + 45.359237 + 20 = 71.359237 kg) x 50 km x 0.1 per t*km
    C3 = 0.9 x 71.359237 x 0.01;  C4 = 0.1 x 71.359237 x 0.02 + rubber 1.5 x 0.02
    D  = (recycled out 0.9 x (71.359237 + 15.840763) - recycled content 0.2 x 67.2) x (0.5 - 2.0)
       = (78.48 - 13.44) x (-1.5) = -97.56
    """
    r = fp.calculate(pump(), library)
    steel_eol = 6.0 + 45.359237 + 20.0
    scrap = 1.2 + (60.0 - 45.359237)
    expected = {
        "A1": 134.4 + 4.5 + 100.0,
        "A2": 0.0887 * 100 * 0.1,
        "A3": 50.0 + 112.0 + 0.003612 * 74353.2 + 0.9 * scrap * 0.01 + 0.1 * scrap * 0.02,
        "A4": 10.0,
        "B4": 3.0 * 3.0 + 3.0 * 0.02 + 0.003 * 100 * 0.1,
        "B6": 1000.0,
        "C2": steel_eol / 1000 * 50 * 0.1,
        "C3": 0.9 * steel_eol * 0.01,
        "C4": 0.1 * steel_eol * 0.02 + 1.5 * 0.02,
        "D": -97.56,
    }
    assert set(r.by_module) == set(expected)
    for module, value in expected.items():
        assert r.by_module[module] == pytest.approx(value, rel=1e-12), module
    total = sum(v for m, v in expected.items() if m != "D")
    assert r.total_kgco2e == pytest.approx(total, rel=1e-12)
    assert r.cradle_to_gate_kgco2e == pytest.approx(expected["A1"] + expected["A2"] + expected["A3"], rel=1e-12)
    assert r.module_d_kgco2e == pytest.approx(-97.56, rel=1e-12)
    assert r.product_mass_kg == pytest.approx(6.0 + 45.359237 + 1.5 + 20.0, rel=1e-12)
    # diesel's gases: 0.003612 TJ x 3 kg CH4/TJ and x 0.6 kg N2O/TJ
    assert r.gas_mass_kg["CH4_fossil"] == pytest.approx(0.003612 * 3, rel=1e-12)
    assert r.gas_mass_kg["N2O"] == pytest.approx(0.003612 * 0.6, rel=1e-12)
    # the motor's declared footprint is the only primary data: 100 of the cradle-to-gate emissions (PACT's
    # primary data share covers A1-A3, the PCF)
    gate = expected["A1"] + expected["A2"] + expected["A3"]
    assert r.primary_data_share == pytest.approx(100.0 / gate, rel=1e-12)
    assert any("density=0.84 kg/L" in c and "net_calorific_value=43 MJ/kg" in c for c in r.conversions)


def test_breakdowns_sum_to_total(library: fp.FactorLibrary) -> None:
    """Every breakdown and the contribution rows add up to the total (D apart)."""
    r = fp.calculate(pump(), library)
    for breakdown in (r.by_ghg_stage, r.by_gas, r.by_component, r.by_material, r.by_factor, r.by_data_source):
        assert math.fsum(breakdown.values()) == pytest.approx(r.total_kgco2e, rel=1e-12)
    rows = [c.kgco2e for c in r.contributions if c.module != "D"]
    assert math.fsum(rows) == pytest.approx(r.total_kgco2e, rel=1e-12)
    assert math.fsum(c.kgco2e for c in r.contributions if c.module == "D") == pytest.approx(
        r.module_d_kgco2e, rel=1e-12
    )


def test_shared_subassembly_is_one_node_with_all_paths(library: fp.FactorLibrary) -> None:
    """The bolt kit appears once per contribution, with its shortest path and both paths counted."""
    r = fp.calculate(pump(), library)
    bolt_rows = [c for c in r.contributions if c.item == "bolt" and c.module == "A1"]
    assert len(bolt_rows) == 1
    assert bolt_rows[0].path == "pump/bolt-kit/bolt"
    assert bolt_rows[0].paths == 2
    # 24 bolts x 0.3 kg gross
    assert bolt_rows[0].quantity == pytest.approx(7.2, rel=1e-12)


def test_other_gwp_sets_refold(library: fp.FactorLibrary) -> None:
    """Under AR5 the diesel row refolds with CH4 28 and N2O 265 (IPCC AR5 Table 8.A.1, as DESNZ and US EPA
    report it), the rest is CO2; the motor's PCF, declared under AR6, is used unchanged and listed (refused
    with prefolded='error')."""
    ar6 = fp.calculate(pump(), library)
    with pytest.raises(fp.GWPError, match=r"pcf\.pump\.motor"):
        fp.calculate(pump(), library, gwp="AR5", prefolded="error")
    ar5 = fp.calculate(pump(), library, gwp="AR5")
    assert ar5.prefolded_factors == ["pcf.pump.motor"]
    assert ar5.gwp_sets_used == ["AR5", "AR6"]
    diff = 0.003612 * (3 * (28 - 29.8) + 0.6 * (265 - 273))
    assert ar5.total_kgco2e - ar6.total_kgco2e == pytest.approx(diff, rel=1e-9)
    assert ar5.gwp_set == "AR5"


def test_quantity_scales_results(library: fp.FactorLibrary) -> None:
    """Five declared units give five times every module."""
    one = fp.calculate(pump(), library)
    five = fp.calculate(pump(), library, quantity=5)
    for m, v in one.by_module.items():
        assert five.by_module[m] == pytest.approx(5 * v, rel=1e-12)
    assert five.per_declared_unit_kgco2e == pytest.approx(one.total_kgco2e, rel=1e-12)


def test_bom_quantity_per_declared_unit(library: fp.FactorLibrary) -> None:
    """A BOM that describes 4 m of product reports a quarter of it per declared metre."""
    data = {**PUMP, "declared_unit": "1 m", "bom_quantity": "400 cm"}
    data["items"] = [{**PUMP["items"][0], "unit": "m"}, *PUMP["items"][1:]]  # type: ignore[index]
    per_m = fp.calculate(fp.Product.model_validate(data), library)
    per_piece = fp.calculate(pump(), library)
    assert per_m.total_kgco2e == pytest.approx(per_piece.total_kgco2e / 4, rel=1e-12)


def test_prepared_product_recalculates_identically(library: fp.FactorLibrary) -> None:
    """Recalculating a prepared product gives bit-identical numbers (determinism)."""
    prepared = fp.prepare_product(pump(), library)
    a = fp.calculate(prepared)
    b = fp.calculate(prepared)
    assert a.model_dump_json() == b.model_dump_json()


def test_json_round_trip_is_lossless(library: fp.FactorLibrary) -> None:
    """A result written as JSON and read back equals the original, floats included."""
    r = fp.calculate(pump(), library)
    back = fp.FootprintResult.model_validate_json(r.model_dump_json())
    assert back == r
    data = json.loads(r.model_dump_json())
    for key in ("declared_unit", "gwp_set", "total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e", "by_module",
                "by_gas", "contributions", "factor_library_version", "input_hash"):  # fmt: skip
        assert key in data


def test_product_file_round_trip(tmp_path: Path) -> None:
    """A product written as JSON and loaded again is the same product."""
    path = tmp_path / "pump.json"
    path.write_text(pump().model_dump_json())
    assert fp.load_product(path) == pump()


def test_to_frame_is_tidy(library: fp.FactorLibrary) -> None:
    """The contribution table has one row per contribution and sums to the total outside D."""
    r = fp.calculate(pump(), library)
    df = r.to_frame()
    assert len(df) == len(r.contributions)
    assert df.loc[df["module"] != "D", "kgco2e"].sum() == pytest.approx(r.total_kgco2e, rel=1e-12)


def test_prefolded_factor_needs_explicit_acceptance(tmp_path: Path, library: fp.FactorLibrary) -> None:
    """A factor folded under AR5 by its source is used and listed under AR6 by default ('report'), its set
    recorded in gwp_sets_used, and refused with prefolded='error'."""
    extra = tmp_path / "extra.json"
    extra.write_text(
        json.dumps(
            [
                {
                    "id": "paint",
                    "name": "Paint",
                    "category": "material",
                    "unit": "kg",
                    "co2e": 3.0,
                    "gwp_set": "AR5",
                    **PROVENANCE,
                }
            ]
        )
    )
    lib = fp.load_factors(extra).merge(library)
    data = {**PUMP, "materials": [*PUMP["materials"], {"id": "paint", "factor": "paint"}]}  # type: ignore[list-item]
    data["items"] = [*PUMP["items"], {"id": "coat", "kind": "part", "material": "paint", "net_mass": "2 kg"}]  # type: ignore[list-item]
    data["items"][0] = {**data["items"][0], "children": [*data["items"][0]["children"], {"item": "coat"}]}
    product = fp.Product.model_validate(data)
    with pytest.raises(fp.GWPError, match="paint"):
        fp.calculate(product, lib, prefolded="error")
    r = fp.calculate(product, lib)
    assert r.prefolded_factors == ["paint"]
    assert r.gwp_sets_used == ["AR6", "AR5"]
    # 2 kg x 3.0 of paint, plus the motor PCF of 100 (declared as CO2e under AR6)
    assert r.by_gas["CO2e (pre-folded)"] == pytest.approx(6.0 + 100.0, rel=1e-12)
    # under AR5 the paint matches its set; now only the motor's AR6 PCF is the mismatch
    assert fp.calculate(product, lib, gwp="AR5", prefolded="report").prefolded_factors == ["pcf.pump.motor"]


def _bad(library: fp.FactorLibrary, **changes: object) -> fp.ProductError:
    data = json.loads(json.dumps(PUMP))
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for k in keys[:-1]:
            target = target[int(k)] if k.isdigit() else target[k]
        last = keys[-1]
        target[int(last) if last.isdigit() else last] = value
    with pytest.raises(fp.ProductError) as info:
        fp.calculate(fp.Product.model_validate(data), library)
    return info.value


def test_unknown_factors_are_all_listed_with_their_fields(library: fp.FactorLibrary) -> None:
    """Two missing factor ids come back as two problems naming every field that needs them."""
    err = _bad(library, materials__0__factor="no.such.steel", activities__0__factor="no.such.grid")
    values = {p.value for p in err.problems}
    assert {"no.such.steel", "no.such.grid"} <= values
    steel = next(p for p in err.problems if p.value == "no.such.steel")
    assert steel.field == "materials[0].factor"


def test_cycle_is_reported_with_its_path(library: fp.FactorLibrary) -> None:
    """A bolt kit that contains the motor assembly that contains the bolt kit is a cycle, shown as a path."""
    data = json.loads(json.dumps(PUMP))
    data["items"][2]["children"].append({"item": "motor-assy", "quantity": 1})
    with pytest.raises(fp.CycleError) as info:
        fp.calculate(fp.Product.model_validate(data), library)
    cycle = info.value.cycle
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"bolt-kit", "motor-assy"}
    assert "bolt-kit -> motor-assy -> bolt-kit" in str(info.value) or "motor-assy -> bolt-kit -> motor-assy" in str(
        info.value
    )


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"items__0__children__0__item": "nope"}, "items[0].children[0].item", "unknown item"),
        ({"items__0__children__0__quantity": "-1 piece"}, "items[0].children[0].quantity", "negative"),
        ({"items__0__children__0__quantity": "2 kg"}, "items[0].children[0].quantity", "dimension"),
        ({"items__3__net_mass": "2 L"}, "items[3].net_mass", "dimension"),
        ({"items__3__gross_mass": "100 g"}, "items[3].gross_mass", "below the net"),
        ({"items__3__material": "unobtainium"}, "items[3].material", "unknown material"),
        ({"activities__0__quantity": "3 kg"}, "activities[0].factor", "cannot meet"),
        ({"end_of_life__0__routes__0__share": 0.5}, "end_of_life[0].routes", "sum to 1"),
        ({"replacements__0__item": "ghost"}, "replacements[0].item", "unknown item"),
        ({"replacements__0__every": "4 kg"}, "replacements[0].every", "dimension"),
        ({"declared_unit": "1 kg"}, "declared_unit", "dimension"),
        ({"root": "ghost"}, "root", "root item"),
    ],
)
def test_bad_products_name_the_field(
    library: fp.FactorLibrary, changes: dict[str, object], field: str, fragment: str
) -> None:
    """Each kind of bad input is reported with the field it is in and what was wrong."""
    err = _bad(library, **changes)
    assert any(p.field == field and fragment in str(p) for p in err.problems), err


def test_every_problem_comes_at_once(library: fp.FactorLibrary) -> None:
    """Three independent problems in one product give three problems in one error."""
    err = _bad(
        library,
        items__0__children__0__item="nope",
        materials__0__factor="no.such.steel",
        end_of_life__0__routes__0__share=0.5,
    )
    assert len(err.problems) >= 3


def test_empty_bom_is_refused(library: fp.FactorLibrary) -> None:
    """A product without items is an error, not a zero footprint."""
    with pytest.raises(fp.ProductError, match="empty"):
        fp.calculate(fp.Product(id="x"), library)


def test_per_year_activity_needs_service_life(library: fp.FactorLibrary) -> None:
    """Use-phase energy without a service life is refused."""
    data = {k: v for k, v in PUMP.items() if k != "service_life"}
    with pytest.raises(fp.ProductError, match="service_life"):
        fp.calculate(fp.Product.model_validate(data), library)


def test_non_finite_and_unknown_units_rejected_at_load(tmp_path: Path) -> None:
    """A product file with an infinite mass and an unknown unit is refused with both fields named."""
    data = json.loads(json.dumps(PUMP))
    data["items"][3]["net_mass"] = "inf kg"
    data["items"][4]["net_mass"] = "5 kgs_of_steel"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(fp.ProductError) as info:
        fp.load_product(path)
    fields = {p.field for p in info.value.problems}
    assert "items[3].net_mass" in fields
    assert "items[4].net_mass" in fields
    assert all(p.file == str(path) for p in info.value.problems)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    """Broken YAML is reported with its line number."""
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nitems:\n  - id: a\n   kind: part\n")
    with pytest.raises(fp.ProductError) as info:
        fp.load_product(path)
    assert info.value.problems[0].row is not None


def test_result_records_provenance(library: fp.FactorLibrary) -> None:
    """The result records GWP set, library version and an input hash that changes with the input."""
    r = fp.calculate(pump(), library)
    assert r.factor_library_version == library.version
    other = fp.calculate(pump(), library, quantity=2)
    assert r.input_hash != other.input_hash
    assert r.input_hash == fp.calculate(pump(), library).input_hash


def test_bare_no_in_yaml_is_explained(tmp_path: Path) -> None:
    """YAML reads an unquoted region NO (Norway) as false: the error says to quote it."""
    path = tmp_path / "p.yaml"
    path.write_text("id: x\nregion: NO\nitems: [{id: x}]\n")
    with pytest.raises(fp.ProductError, match="quotes"):
        fp.load_product(path)
