"""ERP bills of materials: indented lists and parent-child tables, from CSV and Excel."""

from __future__ import annotations

from pathlib import Path

import pytest

import footprint as fp
from footprint._bom_io import read_bom

MAPPING = "code,kind,factor,recycled_content,end_of_life\nS1,material,steel,0.1,\nR1,material,rubber,,\nMOTOR-7,component,motor,,\n"
PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="rubber", name="r", category="material", unit="kg", gases={"CO2": 3.0}, **PROV),
        fp.EmissionFactor(id="motor", name="m", category="component", unit="piece", gases={"CO2": 50.0}, **PROV),
    ]
)

INDENTED = """\
level,item,description,quantity,unit,material,net_mass,gross_mass,mass_unit
1,PUMP,Pump,1,PCE,,,,
.2,CASING,Casing,1,PCE,S1,40,50,KG
.2,KIT,Bolt kit,2,PCE,,,,
..3,BOLT,Bolt,8,PCE,S1,250,300,G
.2,MOTOR-7,Motor,1,EA,,,,
.2,SUB,Motor frame,1,PCE,,,,
..3,KIT,Bolt kit,1,PCE,,,,
...4,BOLT,Bolt,8,PCE,S1,250,300,G
..3,SEAL,Seal,3,PCE,R1,0.5,,KG
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a text file in the test folder."""
    p = tmp_path / name
    p.write_text(text)
    return p


def by_id(imp: object) -> dict[str, fp.Item]:
    """Items of an import by id."""
    return {i.id: i for i in imp.items}  # type: ignore[attr-defined]


def test_indented_bom_with_shared_kit(tmp_path: Path) -> None:
    """An indented export becomes one node per part number; the kit listed twice is one shared node."""
    imp = read_bom(write(tmp_path, "bom.csv", INDENTED), mapping=write(tmp_path, "map.csv", MAPPING))
    items = by_id(imp)
    assert imp.root == "PUMP"
    assert [c.item for c in items["KIT"].children] == ["BOLT"]
    assert items["KIT"].children[0].quantity == 8  # not 16: the second listing repeats the same kit
    assert items["BOLT"].net_mass == fp.Amount(value=0.25, unit="kg")  # 250 g
    assert items["MOTOR-7"].kind == "component"
    assert {m.id for m in imp.materials} == {"S1", "R1"}


def test_indented_bom_calculates_by_hand(tmp_path: Path) -> None:
    """Pump from the export: 3 kits x 8 bolts x 0.3 kg + casing 50 kg of steel at 2.0, 1.5 kg rubber at 3.0,
    the motor at 50 per piece: 7.2 x 2 + 50 x 2 + 1.5 x 3 + 50 = 168.9 kg CO2e (A1 and component)."""
    bom = write(tmp_path, "bom.csv", INDENTED)
    write(tmp_path, "map.csv", MAPPING)
    product = write(tmp_path, "pump.yaml", "id: pump\nbom: {file: bom.csv, mapping: map.csv}\n")
    assert bom.exists()
    r = fp.calculate(fp.load_product(product), LIB)
    assert r.total_kgco2e == pytest.approx(7.2 * 2 + 50 * 2 + 1.5 * 3 + 50, rel=1e-12)


def test_dotted_levels_and_renamed_columns(tmp_path: Path) -> None:
    """Levels written as dots only, and SAP-style column names mapped with BomColumns, read the same; the
    export's decimal comma is read as stated."""
    text = "Lvl;Component;Qty;UoM;Mat;Net;Gross;WUn\n0;TOP;1;PCE;;;;\n.;A;2;PCE;S1;1,5;2;KG\n.;B;1;PCE;R1;0,5;;KG\n"
    cols = fp.BomColumns(
        level="Lvl",
        item="Component",
        quantity="Qty",
        unit="UoM",
        material="Mat",
        net_mass="Net",
        gross_mass="Gross",
        mass_unit="WUn",
    )
    imp = read_bom(write(tmp_path, "b.csv", text), columns=cols, mapping=write(tmp_path, "m.csv", MAPPING), decimal=",")
    items = by_id(imp)
    assert [(c.item, c.quantity) for c in items["TOP"].children] == [("A", 2.0), ("B", 1.0)]
    assert items["A"].net_mass == fp.Amount(value=1.5, unit="kg")  # decimal comma read as 1.5


def test_parent_child_table(tmp_path: Path) -> None:
    """A parent-child table gives the same items and totals as the indented list."""
    pc = "parent,item,quantity,unit,material,net_mass,gross_mass,mass_unit\nPUMP,CASING,1,PCE,S1,40,50,KG\nPUMP,KIT,2,PCE,,,,\nKIT,BOLT,8,PCE,S1,0.25,0.3,KG\nPUMP,MOTOR-7,1,EA,,,,\nPUMP,SUB,1,PCE,,,,\nSUB,KIT,1,PCE,,,,\nSUB,SEAL,3,PCE,R1,0.5,,KG\n"
    write(tmp_path, "map.csv", MAPPING)
    write(tmp_path, "pc.csv", pc)
    write(tmp_path, "bom.csv", INDENTED)
    a = fp.calculate(
        fp.load_product(write(tmp_path, "a.yaml", "id: pump\nbom: {file: bom.csv, mapping: map.csv}\n")), LIB
    )
    b = fp.calculate(
        fp.load_product(
            write(tmp_path, "b.yaml", "id: pump\nbom: {file: pc.csv, mapping: map.csv, format: parent-child}\n")
        ),
        LIB,
    )
    assert b.total_kgco2e == pytest.approx(a.total_kgco2e, rel=1e-12)


def test_excel_export(tmp_path: Path) -> None:
    """The same indented export saved as .xlsx reads the same."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for line in INDENTED.splitlines():
        ws.append(line.split(","))
    wb.save(tmp_path / "bom.xlsx")
    mapping = write(tmp_path, "map.csv", MAPPING)
    a = read_bom(write(tmp_path, "bom.csv", INDENTED), mapping=mapping)
    b = read_bom(tmp_path / "bom.xlsx", mapping=mapping)
    assert a == b


@pytest.mark.parametrize(
    ("text", "row", "field", "fragment"),
    [
        (INDENTED.replace("..3,BOLT,Bolt,8", "..3,BOLT,Bolt,x"), 5, "quantity", "quantity"),
        (INDENTED.replace("..3,BOLT,Bolt,8", "..3,BOLT,Bolt,-8"), 5, "quantity", "quantity"),
        (INDENTED.replace(".2,CASING,Casing,1,PCE", ".2,CASING,Casing,1,BOXES"), 3, "unit", "unknown unit"),
        (INDENTED.replace("S1,40,50,KG", "S1,40,30,KG"), 3, "gross_mass", "below the net"),
        (INDENTED.replace("..3,BOLT", "....5,BOLT", 1), 5, "level", "level jumps"),
        (INDENTED.replace("S1,40,50,KG", "S1,40,50,LITRE"), 3, "mass_unit", "mass"),
        (INDENTED.replace(".2,CASING,Casing,1,PCE,S1", ".2,CASING,Casing,1,PCE,S9"), 3, "material", "no factor"),
        (INDENTED.replace("...4,BOLT,Bolt,8,PCE,S1,250", "...4,BOLT,Bolt,8,PCE,S1,260"), 9, "net_mass", "different"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path: Path, text: str, row: int, field: str, fragment: str) -> None:
    """Each bad line is reported with the file, its line number and its column."""
    path = write(tmp_path, "bom.csv", text)
    with pytest.raises(fp.ProductError) as info:
        read_bom(path, mapping=write(tmp_path, "map.csv", MAPPING))
    hit = [p for p in info.value.problems if p.field == field and fragment in str(p)]
    assert hit, info.value
    assert hit[0].file == str(path)
    assert hit[0].row == row


def test_missing_columns_and_unmapped_items(tmp_path: Path) -> None:
    """A file without the quantity column, and an item with nothing to compute it from, are refused."""
    with pytest.raises(fp.ProductError, match="quantity"):
        read_bom(write(tmp_path, "a.csv", "level,item\n1,A\n"))
    with pytest.raises(fp.ProductError, match="no children, no material and no mapping"):
        read_bom(write(tmp_path, "b.csv", "level,item,quantity\n1,A,1\n2,B,1\n"))


def test_bad_mapping(tmp_path: Path) -> None:
    """A mapping that maps one code twice or names an unknown kind is refused with its rows."""
    bad = "code,kind,factor\nS1,material,steel\nS1,material,steel2\nX,gizmo,y\n"
    with pytest.raises(fp.ProductError) as info:
        read_bom(write(tmp_path, "bom.csv", INDENTED), mapping=write(tmp_path, "map.csv", bad))
    text = str(info.value)
    assert "S1" in text
    assert "gizmo" in text


def test_item_in_both_export_and_product_file(tmp_path: Path) -> None:
    """An item defined in the export and again by hand is a clash, not a silent override."""
    write(tmp_path, "bom.csv", INDENTED)
    write(tmp_path, "map.csv", MAPPING)
    product = write(
        tmp_path,
        "p.yaml",
        "id: pump\nbom: {file: bom.csv, mapping: map.csv}\nitems:\n  - {id: SEAL, kind: part, material: R1, net_mass: 1 kg}\n",
    )
    with pytest.raises(fp.ProductError, match="SEAL"):
        fp.load_product(product)
