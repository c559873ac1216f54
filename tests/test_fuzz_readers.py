"""Fuzzing every reader: arbitrary bytes and mutated valid files give a result or a FootprintError.

Each reader (factor CSV, JSON and Excel; product YAML and JSON; ERP CSV and Excel; deliveries; PACT) is fed
bytes that hypothesis draws, and valid files with bytes flipped, inserted, deleted or lines repeated. Any
exception other than a :class:`FootprintError` (a traceback for the user) fails the test. Bounded to a few
dozen examples each, without deadlines, so that the file runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import footprint as fp
from footprint._bom_io import read_bom

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FACTOR_CSV = b"""id,name,category,unit,source,edition,region,licence,boundary,kg_CO2,kg_N2O,uncertainty,valid_from
steel,Steel,material,kg,test,1,GLO,CC0-1.0,cradle-to-gate,2.0,0.001,lognormal gsd=1.2,2024-01-01
diesel,Diesel,fuel,L,test,1,NO,CC0-1.0,cradle-to-gate,2.6,,,
"""
FACTOR_JSON = b"""[{"id": "steel", "name": "Steel", "category": "material", "unit": "kg", "source": "test",
 "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate", "gases": {"CO2": 2.0}}]
"""
PRODUCT_YAML = b"""id: valve
declared_unit: 1 piece
items:
  - id: valve
    children: [{item: body, quantity: 1}, {item: bolt, quantity: 8}]
  - {id: body, kind: part, material: steel, net_mass: 120 kg, gross_mass: 150 kg}
  - {id: bolt, kind: part, material: steel, net_mass: 0.4 kg}
materials:
  - {id: steel, factor: material.steel.carbon.global.worldsteel2024}
"""
PRODUCT_JSON = b"""{"id": "valve", "items": [{"id": "valve", "children": [{"item": "body", "quantity": 2}]},
 {"id": "body", "kind": "part", "material": "steel", "net_mass": "120 kg"}],
 "materials": [{"id": "steel", "factor": "material.steel.carbon.global.worldsteel2024"}]}
"""
ERP_CSV = b"""level;item;description;quantity;unit;material;net_mass;gross_mass;mass_unit
0;PUMP;Pump;1;PCE;;;;
.1;CASING;Casing;1;PCE;S1;40;50;KG
.1;KIT;Bolt kit;2;PCE;;;;
..2;BOLT;Bolt;8;PCE;S1;250;300;G
"""
MAPPING = "code,factor\nS1,material.steel.carbon.global.worldsteel2024\n"
DELIVERIES = b"product,period,quantity,unit,revenue,currency\nvalve,2024,40,piece,3200000,NOK\nvalve,2025,2,piece,,\n"
PACT = b"""{"specVersion": "3.0.3", "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "status": "Active",
 "companyName": "Acme", "companyIds": ["urn:pact:acme.example.com:company:1"], "productDescription": "valve",
 "productIds": ["urn:pact:acme.example.com:product:1"], "productNameCompany": "Valve", "created": "2024-01-01T00:00:00Z",
 "pcf": {"declaredUnitOfMeasurement": "piece", "declaredUnitAmount": "1", "pcfExcludingBiogenic": "12.5"}}
"""


@st.composite
def mutated(draw: st.DrawFn, valid: bytes) -> bytes:
    """``valid`` with a few bytes flipped, inserted or deleted, a line repeated, or cut short."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "cut"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b",", b";", b"\n", b'"', b"{", b"[", b"-", b"1e999", b": ", b"\xff"]))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif kind == "repeat":
            lines = bytes(data).splitlines(keepends=True)
            if lines:
                k = draw(st.integers(0, len(lines) - 1))
                data = bytearray(b"".join([*lines[: k + 1], lines[k], *lines[k + 1 :]]))
        else:
            del data[at:]
    return bytes(data)


def inputs(valid: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, or a mutation of a valid file."""
    return st.one_of(st.binary(max_size=600), mutated(valid))


def outcome(read: Callable[[], Any]) -> None:
    """Run a reader: a result or a FootprintError are both fine; anything else fails the test."""
    with contextlib.suppress(fp.FootprintError):
        read()


def in_file(name: str, data: bytes, read: Callable[[Path], Any], **extra: str) -> None:
    """Write ``data`` as ``name`` (and ``extra`` files beside it) in a fresh folder and read it."""
    with tempfile.TemporaryDirectory() as tmp:
        for other, text in extra.items():
            (Path(tmp) / other.replace("_", ".")).write_text(text, encoding="utf-8")
        path = Path(tmp) / name
        path.write_bytes(data)
        outcome(lambda: read(path))


def xlsx(rows: list[list[str]]) -> bytes:
    """A one-sheet workbook of text cells."""
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)  # type: ignore[union-attr]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


#: rows of cell text (without control characters, which Excel cannot hold)
cells = st.lists(
    st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), min_size=1, max_size=9),
    min_size=1,
    max_size=5,
)


@FUZZ
@given(inputs(FACTOR_CSV))
def test_factor_csv_reader(data: bytes) -> None:
    """Factor CSV: a library or a FactorFileError."""
    in_file("f.csv", data, fp.load_factors)


@FUZZ
@given(inputs(FACTOR_JSON))
def test_factor_json_reader(data: bytes) -> None:
    """Factor JSON: a library or a FactorFileError."""
    in_file("f.json", data, fp.load_factors)


@FUZZ
@given(
    st.one_of(st.binary(max_size=400), mutated(xlsx([line.split(",") for line in FACTOR_CSV.decode().splitlines()])))
)
def test_factor_excel_reader_on_bytes(data: bytes) -> None:
    """Factor Excel, as arbitrary or damaged bytes: a library or a FactorFileError."""
    in_file("f.xlsx", data, fp.load_factors)


@FUZZ
@given(cells)
def test_factor_excel_reader_on_cells(rows: list[list[str]]) -> None:
    """Factor Excel with arbitrary text in its cells, under a valid header."""
    header = FACTOR_CSV.decode().splitlines()[0].split(",")
    in_file("f.xlsx", xlsx([header, *rows]), fp.load_factors)


@FUZZ
@given(inputs(PRODUCT_YAML))
def test_product_yaml_reader(data: bytes) -> None:
    """Product YAML: a product (and its footprint) or a FootprintError."""
    in_file("p.yaml", data, lambda p: fp.calculate(fp.load_product(p)))


@FUZZ
@given(inputs(PRODUCT_JSON))
def test_product_json_reader(data: bytes) -> None:
    """Product JSON: a product (and its footprint) or a FootprintError."""
    in_file("p.json", data, lambda p: fp.calculate(fp.load_product(p)))


@FUZZ
@given(inputs(ERP_CSV), st.sampled_from([None, ".", ","]))
def test_erp_csv_reader(data: bytes, decimal: Any) -> None:
    """ERP CSV export with its mapping: a BOM import or a ProductError, whatever the decimal option."""
    in_file("bom.csv", data, lambda p: read_bom(p, mapping=p.parent / "map.csv", decimal=decimal), map_csv=MAPPING)


@FUZZ
@given(st.one_of(mutated(xlsx([line.split(";") for line in ERP_CSV.decode().splitlines()])), cells.map(xlsx)))
def test_erp_excel_reader(data: bytes) -> None:
    """ERP Excel export, damaged bytes or arbitrary cells: a BOM import or a ProductError."""
    in_file("bom.xlsx", data, lambda p: read_bom(p, mapping=p.parent / "map.csv"), map_csv=MAPPING)


@pytest.fixture(scope="module")
def footprints() -> Any:
    """The footprint table of one product, ``valve``, to multiply deliveries with."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.yaml"
        path.write_bytes(PRODUCT_YAML)
        return fp.footprint_table([fp.calculate(fp.load_product(path))])


@FUZZ
@given(data=inputs(DELIVERIES))
def test_deliveries_reader(footprints: Any, data: bytes) -> None:
    """Deliveries CSV: supplier footprints or a FootprintError."""
    in_file("d.csv", data, lambda p: fp.supplier_footprints(footprints, p, periods=["2024", "2025"]))


@FUZZ
@given(inputs(PACT))
def test_pact_reader(data: bytes) -> None:
    """PACT JSON as bytes and as a file: footprints or a PactError."""
    outcome(lambda: fp.read_pact(data))
    in_file("pcf.json", data, fp.read_pact)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1e12, allow_nan=False),
            st.sampled_from(["{!r}", "{:.3e}", "{:.6f}", "{:g}", " {} "]),
            st.booleans(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_factor_csv_read_by_columns_agrees_with_the_row_reader(values: list[tuple[float, str, bool]]) -> None:
    """Gas values written in any plain notation read to the same factors, bit for bit, whether the file
    goes through the column reader or the row reader (and the column reader takes every such file)."""
    from footprint import _factor_io
    from footprint._factor_table import fast_factors

    lines = ["id,name,category,unit,source,edition,region,licence,boundary,kg_CO2,kg_N2O"]
    for k, (x, fmt, with_n2o) in enumerate(values):
        n2o = fmt.format(x / 7) if with_n2o else ""
        lines.append(f"f{k},F,material,kg,t,1,GLO,CC0-1.0,cradle-to-gate,{fmt.format(x)},{n2o}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        known = set(_factor_io._REQUIRED) | set(_factor_io._OPTIONAL) | set(_factor_io._gas_columns())
        fast = fast_factors(path, known)
        rows, problems = _factor_io._rows_from_csv(path.read_text(encoding="utf-8"), str(path))
        slow = _factor_io._build(rows, problems, str(path))
    assert fast is not None
    assert [f.__dict__ for f in fast] == [f.__dict__ for f in slow]
