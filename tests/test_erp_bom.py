"""ERP exports as ERP systems write them: make-parts over raw materials, ERP unit codes, weights never dropped
silently, mass balance, and a mapping file that says what a bought-in item is."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import footprint as fp
from footprint._bom_io import read_bom

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="nbr", name="r", category="material", unit="kg", gases={"CO2": 3.0}, **PROV),
        fp.EmissionFactor(id="actuator", name="a", category="component", unit="piece", gases={"CO2": 500.0}, **PROV),
        fp.EmissionFactor(id="acme.pcf", name="p", category="component", unit="piece", gases={"CO2": 400.0}, **PROV),
    ]
)
MAPPING = """\
code,kind,factor,name
F22,material,steel,Forged low-alloy steel F22
NBR,material,nbr,Nitrile rubber
"""

# The forged body of the issue: 1,480 kg net, made from 2,350 KG of forging bar (its child row).
MAKE_PART = """\
level,item,description,quantity,unit,material,net_mass,gross_mass,mass_unit
0,VALVE,Gate valve,1,ST,,,,
.1,BODY,Body machined,1,ST,F22,1480,,KG
..2,BAR-F22,Forging bar F22,2350,KG,F22,1,,KG
.1,BONNET,Bonnet machined,1,ST,F22,600,,KG
..2,BAR-F22,Forging bar F22,900,KG,F22,1,,KG
.1,SEAL,Seal,2,PC,NBR,500,,G
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a text file in the test folder."""
    p = tmp_path / name
    p.write_text(text)
    return p


def calc(tmp_path: Path, bom: str, mapping: str = MAPPING, extra: str = "") -> fp.FootprintResult:
    """Calculate a product made of the export ``bom`` and ``mapping``."""
    write(tmp_path, "bom.csv", bom)
    write(tmp_path, "map.csv", mapping)
    product = write(tmp_path, "p.yaml", f"id: p\nbom: {{file: bom.csv, mapping: map.csv{extra}}}\n")
    return fp.calculate(fp.load_product(product), LIB)


def test_make_part_over_raw_material_is_a_part_made_of_that_material(tmp_path: Path) -> None:
    """Body: net 1,480 kg, gross 2,350 kg of F22 (scrap 870 kg); bonnet 600 of 900. Product mass by hand:
    1,480 + 600 + 2 x 0.5 = 2,081 kg (not the 3,251 kg of purchased bar); A1 = (2,350 + 900) x 2.0 +
    1.0 x 3.0 = 6,503 kg CO2e."""
    imp = read_bom(write(tmp_path, "bom.csv", MAKE_PART), mapping=write(tmp_path, "map.csv", MAPPING))
    items = {i.id: i for i in imp.items}
    assert "BAR-F22" not in items
    body = items["BODY"]
    assert (body.kind, body.material, body.children) == ("part", "F22", [])
    assert body.net_mass == fp.Amount(value=1480.0, unit="kg")
    assert body.gross_mass == fp.Amount(value=2350.0, unit="kg")
    r = calc(tmp_path, MAKE_PART)
    assert r.product_mass_kg == pytest.approx(2081.0, rel=1e-12)
    assert r.by_module["A1"] == pytest.approx(6503.0, rel=1e-12)


def test_make_part_with_sap_columns_and_units(tmp_path: Path) -> None:
    """The SAP preset: material type ROH marks the raw material even in metres (bar stock 0.8 M at 40 kg/M =
    32 kg gross, part 21 kg net); text items (category T) are left out; ERP units ST/M/G read."""
    bom = """\
Level;Component number;Object description;Comp. qty (BUn);Base unit;Material group;Net weight;Weight unit;Material type;Item category
0;ASSY;Assembly;1;ST;;;;FERT;
.1;SHAFT;Shaft;1;ST;F22;21000;G;HALB;L
..2;BAR-80;Round bar 80 mm;0,8;M;F22;40;KG;ROH;R
.1;NOTE;Assemble per drawing;0;ST;;;;;T
"""
    cols = (
        ", columns: {level: Level, item: Component number, description: Object description, quantity: Comp. qty (BUn),"
        " unit: Base unit, material: Material group, net_mass: Net weight, mass_unit: Weight unit}, erp: sap,"
        ' decimal: ","'  # the export writes 0,8 M: its decimal comma is stated
    )
    r = calc(tmp_path, bom, extra=cols)
    assert r.product_mass_kg == pytest.approx(21.0, rel=1e-12)
    assert r.by_module["A1"] == pytest.approx(0.8 * 40 * 2.0, rel=1e-12)


def test_raw_material_in_length_without_weight_is_a_named_problem(tmp_path: Path) -> None:
    """A raw material in M with no weight per metre cannot be turned into kg: the row and column are named."""
    bom = "level,item,quantity,unit,material,net_mass,Material type\n0,A,1,ST,,,\n.1,S,1,ST,F22,21,HALB\n..2,B,0.8,M,F22,,ROH\n"
    with pytest.raises(fp.ProductError) as info:
        calc(tmp_path, bom, extra=", erp: {material_type: Material type, raw_material_types: [ROH]}")
    (p,) = info.value.problems
    assert (p.row, p.field, p.value) == (4, "net_mass", "B")


def test_part_heavier_than_its_raw_material_is_a_problem(tmp_path: Path) -> None:
    """A make-part of 1,480 kg from 1,200 kg of bar is impossible: named with its row."""
    bom = MAKE_PART.replace("2350,KG", "1200,KG")
    with pytest.raises(fp.ProductError, match="weighs more"):
        calc(tmp_path, bom)


def test_unknown_preset_is_a_clear_error(tmp_path: Path) -> None:
    """An unknown preset name is a ProductError naming the erp field, not a traceback."""
    write(tmp_path, "bom.csv", MAKE_PART)
    with pytest.raises(fp.ProductError, match="unknown ERP preset"):
        read_bom(tmp_path / "bom.csv", erp="navision")


def test_mass_balance_warns_when_an_assembly_weight_disagrees(tmp_path: Path) -> None:
    """The kit weighs 12 kg in the export; its contents weigh 8 x 1.0 = 8 kg (-33 %): a named warning.
    Within 5 % (8.3 kg) no warning."""
    bom = "level,item,quantity,unit,material,net_mass\n0,A,1,ST,,\n.1,KIT,1,ST,,{w}\n..2,BOLT,8,ST,F22,1.0\n"
    r = calc(tmp_path, bom.format(w=12))
    assert any("mass balance" in w and "KIT" in w and "-33.3%" in w for w in r.warnings)
    r = calc(tmp_path, bom.format(w=8.3))
    assert not any("mass balance" in w for w in r.warnings)


def test_dropped_gross_weight_is_named(tmp_path: Path) -> None:
    """An assembly's gross weight has no meaning: it is not used, and a warning says so."""
    bom = "level,item,quantity,unit,material,net_mass,gross_mass\n0,A,1,ST,,,\n.1,KIT,1,ST,,8,9\n..2,BOLT,8,ST,F22,1.0,1.1\n"
    r = calc(tmp_path, bom)
    assert any("gross weights not used" in w and "KIT" in w for w in r.warnings)


COMPONENTS = """\
level,item,description,quantity,unit,material,net_mass,mass_unit
0,VALVE,Valve,1,ST,,,
.1,BODY,Body,1,ST,F22,100,KG
.1,ACT-7,Hydraulic actuator,1,EA,,953,KG
"""


def test_mapped_component_lands_in_a1(tmp_path: Path) -> None:
    """docs/lifecycle.md puts bought-in components in A1: a ``kind: component`` mapping row does too (it went to
    A3). A1 = 100 x 2 + 500 = 700."""
    r = calc(tmp_path, COMPONENTS, MAPPING + "ACT-7,component,actuator,\n")
    assert r.by_module["A1"] == pytest.approx(700.0, rel=1e-12)
    assert r.by_module.get("A3", 0.0) == 0.0


def test_component_weight_from_export_is_kept(tmp_path: Path) -> None:
    """The actuator's 953 kg net weight counts in the product mass (100 + 953 = 1,053 kg) instead of vanishing."""
    r = calc(tmp_path, COMPONENTS, MAPPING + "ACT-7,component,actuator,\n")
    assert r.product_mass_kg == pytest.approx(1053.0, rel=1e-12)


def test_supplier_pcf_through_the_mapping_is_primary(tmp_path: Path) -> None:
    """A ``pcf`` column names the supplier's footprint: primary data. Primary share = 400 / (200 + 400)."""
    mapping = "code,kind,factor,pcf,supplier,name\nF22,material,steel,,,\nACT-7,component,,acme.pcf,Acme,\n"
    r = calc(tmp_path, COMPONENTS, mapping)
    assert r.primary_data_share == pytest.approx(400 / 600, rel=1e-12)
    assert any("Acme" in c.label for c in r.contributions if c.data_source == "primary")


def test_mapping_columns_module_primary_mass(tmp_path: Path) -> None:
    """``module``, ``primary`` and ``mass`` (used when the export has no weight) are read from the mapping."""
    bom = COMPONENTS.replace(",953,KG", ",,")
    mapping = MAPPING + "ACT-7,component,actuator,,A3,yes,250 kg\n"
    mapping = mapping.replace("code,kind,factor,name", "code,kind,factor,name,module,primary,mass")
    r = calc(tmp_path, bom, mapping)
    assert r.by_module["A3"] == pytest.approx(500.0, rel=1e-12)
    assert r.primary_data_share == pytest.approx(500 / 700, rel=1e-12)
    assert r.product_mass_kg == pytest.approx(350.0, rel=1e-12)


def test_component_without_mass_is_named(tmp_path: Path) -> None:
    """A bought-in item with no weight anywhere is named in a warning (its mass is missing from the product)."""
    r = calc(tmp_path, COMPONENTS.replace(",953,KG", ",,"), MAPPING + "ACT-7,component,actuator,\n")
    assert any("without a weight" in w and "ACT-7" in w for w in r.warnings)


def test_bad_mapping_values_are_named(tmp_path: Path) -> None:
    """A mapping ``primary`` that is not yes/no and a ``mass`` that is not a mass are problems with their row."""
    mapping = "code,kind,factor,primary,mass\nF22,material,steel,,\nACT-7,component,actuator,maybe,3 m\n"
    with pytest.raises(fp.ProductError) as info:
        calc(tmp_path, COMPONENTS.replace(",953,KG", ",,"), mapping)
    fields = {(p.field, p.row) for p in info.value.problems}
    assert fields == {("primary", 3), ("mass", 3)}


@pytest.mark.parametrize(
    ("code", "unit"), [("ST", "piece"), ("PC", "piece"), ("EA", "piece"), ("KG", "kg"), ("G", "g"), ("LB", "lb"),
                       ("M", "m"), ("L", "L"), ("M2", "m**2"), ("M3", "m**3"), ("FT", "ft"), ("GAL", "gal")],
)  # fmt: skip
def test_erp_unit_codes(code: str, unit: str) -> None:
    """ERP unit codes mean the units the industry means by them."""
    from footprint._bom_io import ERP_UNITS

    assert ERP_UNITS[code] == unit


def supplier_pact(tmp_path: Path, name: str = "actuator.pact.json") -> Path:
    """A supplier's PACT file made by footprint's own export: an actuator of 100 kg of steel at 2.0 kg CO2e/kg,
    so 200 kg CO2e per piece."""
    product = fp.Product(
        id="act-7",
        name="Hydraulic actuator HA-7",
        items=[fp.Item(id="act-7", kind="part", material="F22", net_mass="100 kg")],
        materials=[fp.Material(id="F22", factor="steel")],
    )
    pf = fp.to_pact(
        fp.calculate(product, LIB),
        company_name="Acme Actuation AS",
        company_ids=["acme-actuation"],
        company_domain="acme-actuation.example",
        reference_period=(date(2025, 1, 1), date(2025, 12, 31)),
        fossil_carbon_content=0.3,  # an input of the test: 100 kg of steel at 0.3 % carbon
    )
    path = tmp_path / name
    path.write_text(json.dumps(pf))
    return path


def test_pact_file_loads_as_a_factor_file(tmp_path: Path) -> None:
    """load_factors reads a PACT file (named *.pact.json, or any JSON of PACT footprints); the id is
    pact.<company slug>.<product slug> and the value the PCF per declared unit: 200 kg CO2e per piece."""
    for name in ("actuator.pact.json", "actuator.json"):
        lib = fp.load_factors(supplier_pact(tmp_path, name))
        fac = lib["pact.acme-actuation-as.hydraulic-actuator-ha-7"]
        assert (fac.unit, fac.co2e) == ("piece", pytest.approx(200.0, rel=1e-12))


def test_cli_factors_takes_a_pact_file(tmp_path: Path) -> None:
    """``--factors supplier.pact.json`` works on the command line (it said "JSON is not a list of factors") and
    the factor list shows its id."""
    from click.testing import CliRunner

    from footprint.cli import main

    path = supplier_pact(tmp_path)
    out = CliRunner().invoke(main, ["factors", "list", "--factors", str(path), "--no-default-factors"])
    assert out.exit_code == 0, out.output
    assert "pact.acme-actuation-as.hydraulic-actuator-ha-7" in out.output


def test_broken_pact_file_names_the_file(tmp_path: Path) -> None:
    """A PACT file that breaks the specification is a FactorFileError naming the file and the field."""
    path = supplier_pact(tmp_path)
    data = json.loads(path.read_text())
    del data["companyName"]
    path.write_text(json.dumps(data))
    with pytest.raises(fp.FactorFileError) as info:
        fp.load_factors(path)
    assert all(p.file == str(path) for p in info.value.problems)
    assert any("companyName" in (p.field or "") for p in info.value.problems)


def test_fabrication_outside_the_material_factor_boundary_is_flagged() -> None:
    """worldsteel's crude-steel factor excludes rolling, forging, machining and heat treatment (its notes say so):
    a forged part with no activity for those steps is named; electricity that names no step leaves the flag, once
    the energy is named for the steps it covers, the flag goes."""
    lib = fp.default_library()
    forged = fp.Item(id="body", name="Body, forged", kind="part", material="F22", net_mass="1480 kg")
    product = fp.Product(
        id="v",
        items=[fp.Item(id="v", children=[fp.Child(item="body")]), forged],
        materials=[fp.Material(id="F22", factor="material.steel.carbon.global.worldsteel2024")],
    )
    flags = [w for w in fp.calculate(product, lib).warnings if "excludes" in w]
    assert len(flags) == 1
    assert "rolling, forging, machining and heat treatment" in flags[0]
    assert "Body, forged" in flags[0]
    unnamed = fp.Activity(factor="electricity.grid.no.ember", quantity="900 kWh")
    product = product.model_copy(
        update={"items": [product.items[0], forged.model_copy(update={"activities": [unnamed]})]}
    )
    assert [w for w in fp.calculate(product, lib, prefolded="report").warnings if "excludes" in w]
    named = unnamed.model_copy(update={"name": "forging, heat treatment and machining"})
    heated = forged.model_copy(update={"activities": [named]})
    product = product.model_copy(update={"items": [product.items[0], heated]})
    assert not [w for w in fp.calculate(product, lib, prefolded="report").warnings if "excludes" in w]
