"""A catalogue built from BOM imports: several ERP exports become the catalogue's three tables."""

from __future__ import annotations

from pathlib import Path

import pytest

import footprint as fp
from footprint._bom_io import read_bom

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="actuator", name="a", category="component", unit="piece", gases={"CO2": 500.0}, **PROV),
    ]
)
MAPPING = "code,kind,factor\nF22,material,steel\nACT-7,component,actuator\n"
VALVE = """\
level,item,quantity,unit,material,net_mass,mass_unit
0,VALVE,1,ST,,,
.1,BODY,1,ST,F22,1480,KG
..2,BAR,2350,KG,F22,,
.1,ACT-7,1,EA,,953,KG
"""
CHOKE = """\
level,item,quantity,unit,material,net_mass,mass_unit
0,CHOKE,1,ST,,,
.1,CBODY,1,ST,F22,300,KG
..2,BAR,420,KG,F22,,
.1,ACT-7,2,EA,,953,KG
"""


def imports(tmp_path: Path) -> dict[str, fp.BomImport]:
    """The two exports read with the same mapping."""
    (tmp_path / "map.csv").write_text(MAPPING)
    out = {}
    for pid, text in (("valve", VALVE), ("choke", CHOKE)):
        (tmp_path / f"{pid}.csv").write_text(text)
        out[pid] = read_bom(tmp_path / f"{pid}.csv", mapping=tmp_path / "map.csv")
    return out


def test_catalogue_from_bom_imports_by_hand(tmp_path: Path) -> None:
    """Valve: 2,350 kg of bar x 2.0 + one actuator at 500 = 5,200; choke: 420 x 2.0 + 2 x 500 = 1,840. The
    actuator, in both exports, is one shared item."""
    products, bom, activities = fp.catalogue_tables(imports(tmp_path), supplier="Valve AS")
    assert (activities["item"] == "ACT-7").sum() == 1
    res = fp.calculate_catalogue(fp.prepare_catalogue(products, bom, activities, LIB))
    assert res.by_product.loc["valve", "total_kgco2e"] == pytest.approx(5200.0, rel=1e-12)
    assert res.by_product.loc["choke", "total_kgco2e"] == pytest.approx(1840.0, rel=1e-12)
    assert res.by_supplier.loc["Valve AS", "total_kgco2e"] == pytest.approx(7040.0, rel=1e-12)


def test_item_defined_differently_in_two_exports_is_a_problem(tmp_path: Path) -> None:
    """The same item id with another weight in another export cannot be one catalogue item: named."""
    imp = imports(tmp_path)
    (tmp_path / "other.csv").write_text(CHOKE.replace("CHOKE", "OTHER").replace("953", "900"))
    imp["other"] = read_bom(tmp_path / "other.csv", mapping=tmp_path / "map.csv")
    with pytest.raises(fp.ProductError, match="ACT-7"):
        fp.catalogue_tables(imp)
