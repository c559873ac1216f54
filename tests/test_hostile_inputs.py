"""Hostile and careless input files: each is read right or refused with a FootprintError naming where.

One test per kind of input (duplicate keys, alias bombs, deep lattices and chains, bloated exports, locale
numbers, deep or mis-encoded PACT, problems in ERP-derived items). Time and memory on the full-size inputs
are measured by ``benchmarks/hostile.py``, not here; these tests use the same generators at sizes that run
in seconds, or a tighter limit.
"""

from __future__ import annotations

import json
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint._bom_io import read_bom
from footprint.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.hostile import chain, erp_columns, lattice, yaml_aliases

PROV = {"source": "test", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate"}
LIB = fp.FactorLibrary(
    [
        fp.EmissionFactor(id="steel", name="s", category="material", unit="kg", gases={"CO2": 2.0}, **PROV),
        fp.EmissionFactor(id="motor", name="m", category="component", unit="piece", gases={"CO2": 50.0}, **PROV),
    ]
)
FACTOR_ROW = '{"id": "steel", "name": "s", "category": "material", "unit": "kg", "source": "t", "edition": "1", "region": "GLO", "licence": "CC0-1.0", "boundary": "cradle-to-gate", '


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a UTF-8 text file in the test folder."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- duplicate keys -------------------------------------------------------------------------------------

PLATE_YAML = """\
id: plate-product
items:
  - id: plate
    kind: part
    material: steel
    net_mass: 10 kg
    net_mass: 1000 kg
materials:
  - {id: steel, factor: steel}
"""


def test_yaml_key_given_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    """``net_mass`` twice (lines 6 and 7): refused, naming the key, both lines and the file, instead of
    silently computing 1000 kg x 2 = 2000 kg CO2e where the first line said 10 kg (20 kg CO2e)."""
    path = write(tmp_path, "p.yaml", PLATE_YAML)
    with pytest.raises(fp.ProductError) as err:
        fp.load_product(path)
    (problem,) = err.value.problems
    assert problem.file == str(path)
    assert problem.field == "net_mass"
    assert "lines 6 and 7" in problem.message


def test_json_key_given_twice_in_a_product_is_refused(tmp_path: Path) -> None:
    """A product JSON with ``net_mass`` on lines 3 and 4 of one object is refused, naming both lines."""
    text = '{"id": "p", "items": [{"id": "plate", "kind": "part", "material": "steel",\n'
    text += '"net_mass": "10 kg",\n"net_mass": "1000 kg"}],\n"materials": [{"id": "steel", "factor": "steel"}]}\n'
    path = write(tmp_path, "p.json", text)
    with pytest.raises(fp.ProductError) as err:
        fp.load_product(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.field, problem.row) == (str(path), "net_mass", 3)
    assert "lines 2 and 3" in problem.message


def test_equal_keys_in_different_objects_are_fine(tmp_path: Path) -> None:
    """``id`` in every item is not a duplicate: only keys repeated within one object are."""
    path = write(tmp_path, "p.yaml", PLATE_YAML.replace("    net_mass: 1000 kg\n", ""))
    assert fp.calculate(fp.load_product(path), LIB).total_kgco2e == pytest.approx(20.0)  # 10 kg x 2 kg CO2/kg


def test_factor_json_with_a_gas_given_twice_is_refused(tmp_path: Path) -> None:
    """A factor JSON with ``"CO2"`` twice in its gases is refused (the file, the key and lines 1 and 2)."""
    path = write(tmp_path, "f.json", "[" + FACTOR_ROW + '"gases": {"CO2": 2.0,\n"CO2": 200.0}}]')
    with pytest.raises(fp.FactorFileError) as err:
        fp.load_factors(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.field) == (str(path), "CO2")
    assert "lines 1 and 2" in problem.message


# --- resource limits ------------------------------------------------------------------------------------


def test_yaml_aliases_that_expand_beyond_the_limit_are_refused(tmp_path: Path) -> None:
    """The benchmark's alias bomb (4,000 items sharing one list of 2,500 children: 10 million edges, each
    edge 3 YAML nodes) is refused by the default limit of 10 million nodes, naming the limit."""
    path = yaml_aliases(tmp_path)
    assert path.stat().st_size < 150_000
    with pytest.raises(fp.ProductError) as err:
        fp.load_product(path)
    (problem,) = err.value.problems
    assert "yaml_nodes" in str(problem.expected)
    assert problem.file == str(path)


def test_yaml_alias_limit_is_configurable(tmp_path: Path) -> None:
    """A small alias product (3 items sharing 2 children) reads under the defaults and is refused when
    ``yaml_nodes`` is set below its expanded size; ``use_limits`` does the same for a block."""
    path = yaml_aliases(tmp_path, edges=2, items=3)
    assert len(fp.load_product(path).items) == 4
    with pytest.raises(fp.ProductError, match="yaml_nodes"):
        fp.load_product(path, limits=fp.Limits(yaml_nodes=20))
    with fp.use_limits(fp.Limits(yaml_nodes=20)), pytest.raises(fp.ProductError, match="yaml_nodes"):
        fp.load_product(path)


def test_bom_beyond_the_item_limit_is_refused(tmp_path: Path) -> None:
    """A product of 3 items under a limit of 2 items is refused, naming the limit and how to raise it."""
    path = write(tmp_path, "p.yaml", PLATE_YAML.replace("    net_mass: 1000 kg\n", "") + "root: plate\n")
    text = path.read_text().replace("materials:", "  - {id: a, children: [{item: plate}]}\n  - {id: b}\nmaterials:")
    path.write_text(text)
    with pytest.raises(fp.ProductError) as err:
        fp.load_product(path, limits=fp.Limits(bom_items=2))
    assert "--limit bom_items=N" in str(err.value.problems[0].expected)


def test_diamond_lattice_1100_levels_deep_computes_with_exact_path_counts() -> None:
    """Each level of the lattice doubles the paths and halves the quantity, so the plate is used once
    (10 kg x 2 kg CO2/kg = 20 kg CO2e) along 2 x 2^1099 = 2^1100 paths: a count beyond any float."""
    result = fp.calculate(lattice(1100), _steel())
    assert result.total_kgco2e == pytest.approx(20.0, rel=1e-12)
    (plate,) = [c for c in result.contributions if c.item == "plate"]
    assert plate.paths == 2**1100
    assert plate.path == "top/" + "/".join(f"a{k}" for k in range(1100)) + "/plate"  # a before b at each level


def test_deep_chain_keeps_item_paths_linear_in_memory() -> None:
    """A 3,000-level chain is correct (10 kg x 2 = 20 kg CO2e) and its calculation's traced peak stays
    under 24 MB: storing every node's full path would hold 3,000 x 3,001 / 2 ids of 16 characters (about
    70 MB of text before object overhead); parent pointers hold 3,000 integers."""
    product, lib = chain(3000), _steel()
    tracemalloc.start()
    try:
        result = fp.calculate(product, lib)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.total_kgco2e == pytest.approx(20.0)
    assert peak < 24 * 2**20


def _steel() -> fp.FactorLibrary:
    return fp.FactorLibrary([LIB["steel"]])


# --- lean readers ---------------------------------------------------------------------------------------


def test_erp_export_with_many_unused_columns_costs_only_its_needed_ones(tmp_path: Path) -> None:
    """An export of two BOM rows beside 20,000 empty columns reads right (a 10 kg plate twice: 40 kg CO2e)
    with a traced peak under 8 MB: the header's 20,000 names (about 1.5 MB as Python strings) and the
    needed columns. Reading every column peaked at 115 MB (measured on the previous reader)."""
    bom, mapping = erp_columns(tmp_path, extra=20_000)
    read_bom(bom, mapping=mapping)  # imports and caches are not the reader's cost
    tracemalloc.start()
    try:
        imported = read_bom(bom, mapping=mapping)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    product = fp.Product(id="p", items=imported.items, materials=imported.materials, root=imported.root)
    assert fp.calculate(product, LIB).total_kgco2e == pytest.approx(40.0)
    assert peak < 8 * 2**20


EVERY_COLUMN = """\
# a factor file using every column of docs/factor-files.md
id,name,category,unit,source,edition,region,licence,boundary,kg_CO2,kg_N2O,kg_CO2e,gwp_set,source_url,table,dqr_technological,dqr_geographical,dqr_temporal,proxy,density,net_calorific_value,uncertainty,valid_from,valid_to,notes
diesel,Diesel,fuel,L,test,1,NO,CC0-1.0,cradle-to-gate,2.6, 0.0001 ,,,https://example.org,T1,1,2,3,yes,0.84 kg/L,43 MJ/kg,lognormal gsd=1.2,2024-01-01,2024-12-31,a note
steel,Steel,material,kg,test,1,GLO,CC0-1.0,cradle-to-gate,,,1.9,AR5,,,,,,no,,,,,,
steel,Steel,material,kg,test,1,GLO,CC0-1.0,cradle-to-gate,,,1.9,AR5,,,,,,no,,,,,,
"""


def _row_reader(path: Path) -> list[fp.EmissionFactor]:
    from footprint import _factor_io

    rows, problems = _factor_io._rows_from_csv(path.read_text(encoding="utf-8-sig"), str(path))
    return _factor_io._build(rows, problems, str(path))


def test_factor_csv_read_by_columns_gives_the_row_readers_factors(tmp_path: Path) -> None:
    """A well-formed factor CSV is read column by column (no pydantic validation per row), and gives the
    same factors, field for field, as the row-by-row reader: for every bundled CSV and for a file using
    every column (an identical repeated row counting once)."""
    from importlib import resources

    from footprint import _factor_io
    from footprint._factor_table import fast_factors

    known = set(_factor_io._REQUIRED) | set(_factor_io._OPTIONAL) | set(_factor_io._gas_columns())
    bundled = [Path(str(p)) for p in resources.files("footprint.factors").iterdir() if p.name.endswith(".csv")]
    for path in [*bundled, write(tmp_path, "every.csv", EVERY_COLUMN)]:
        fast = fast_factors(path, known)
        assert fast is not None, path
        slow = _row_reader(path)
        assert [f.__dict__ for f in fast] == [f.__dict__ for f in slow], path
    assert len(fast) == 2


def test_factor_csv_with_a_problem_is_reported_by_the_row_reader(tmp_path: Path) -> None:
    """A file the column checks do not pass (a negative gas value on line 3, a blank line after it) is
    read row by row, so that its problem names its physical line and field."""
    path = write(tmp_path, "f.csv", EVERY_COLUMN.replace(",2.6,", ",-2.6,").replace("\nsteel", "\n\nsteel", 1))
    with pytest.raises(fp.FactorFileError) as err:
        fp.load_factors(path)
    assert [(p.row, p.field) for p in err.value.problems] == [(3, "kg_CO2")]


# --- numbers in locales ---------------------------------------------------------------------------------

QTY_BOM = 'level,item,quantity,unit,material,net_mass,mass_unit\n0,TOP,1,PCE,,,\n.1,PLATE,"1,500",PCE,S1,2,KG\n'


def test_ambiguous_thousands_comma_is_refused_without_a_decimal_option(tmp_path: Path) -> None:
    """``1,500`` is 1500 in an English-locale export and 1.5 in a Norwegian one: refused, naming the file,
    row 3 and column quantity."""
    bom = write(tmp_path, "bom.csv", QTY_BOM)
    with pytest.raises(fp.ProductError) as err:
        read_bom(bom, mapping=write(tmp_path, "m.csv", "code,factor\nS1,steel\n"))
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field, problem.value) == (str(bom), 3, "quantity", "1,500")


@pytest.mark.parametrize(("decimal", "kg_co2e"), [(".", 1500 * 2 * 2.0), (",", 1.5 * 2 * 2.0)])
def test_decimal_option_says_what_a_comma_means(tmp_path: Path, decimal: str, kg_co2e: float) -> None:
    """With ``decimal="."`` the comma groups thousands (1500 plates of 2 kg at 2 kg CO2/kg); with ``","``
    it is the decimal mark (1.5 plates)."""
    bom = write(tmp_path, "bom.csv", QTY_BOM)
    imported = read_bom(bom, mapping=write(tmp_path, "m.csv", "code,factor\nS1,steel\n"), decimal=decimal)  # type: ignore[arg-type]
    product = fp.Product(id="p", items=imported.items, materials=imported.materials, root=imported.root)
    assert fp.calculate(product, LIB).total_kgco2e == pytest.approx(kg_co2e)


def test_decimal_stated_in_the_product_file_and_on_the_command_line(tmp_path: Path) -> None:
    """The product's ``bom: decimal: ","`` and ``footprint --decimal ,`` both read 1,500 as 1.5 (6 kg CO2e
    as derived above); without either, the command exits 1 naming the export's row, never a traceback."""
    write(tmp_path, "bom.csv", QTY_BOM)
    write(tmp_path, "m.csv", "code,factor\nS1,material.steel.carbon.global.worldsteel2024\n")
    product = "id: p\nbom: {file: bom.csv, mapping: m.csv%s}\n"
    stated = write(tmp_path, "stated.yaml", product % ', decimal: ","')
    plain = write(tmp_path, "plain.yaml", product % "")
    runner = CliRunner()
    for args in (["calc", str(stated), "--format", "json"], ["--decimal", ",", "calc", str(plain), "--format", "json"]):
        out = runner.invoke(main, args)
        assert out.exit_code == 0, out.output
        assert json.loads(out.output)["product_mass_kg"] == pytest.approx(3.0)  # 1.5 x 2 kg
    out = runner.invoke(main, ["calc", str(plain)])
    assert out.exit_code == 1
    assert "bom.csv, row 3, field 'quantity'" in out.output
    assert "Traceback" not in out.output


def test_decimal_stated_by_the_mapping_table(tmp_path: Path) -> None:
    """A mapping table whose first line says ``# decimal: ,`` reads the export's 1,500 as 1.5 (1.5 plates
    of 2 kg at 2 kg CO2/kg: 6 kg CO2e); an explicit ``decimal="."`` still wins (1500 plates: 6000)."""
    bom = write(tmp_path, "bom.csv", QTY_BOM)
    mapping = write(tmp_path, "m.csv", "# decimal: ,\ncode,factor\nS1,steel\n")
    for decimal, kg_co2e in ((None, 6.0), (".", 6000.0)):
        imported = read_bom(bom, mapping=mapping, decimal=decimal)  # type: ignore[arg-type]
        product = fp.Product(id="p", items=imported.items, materials=imported.materials, root=imported.root)
        assert fp.calculate(product, LIB).total_kgco2e == pytest.approx(kg_co2e)


# --- PACT import ----------------------------------------------------------------------------------------


def test_pact_nested_100000_deep_is_refused_cleanly() -> None:
    """JSON nested 100,000 levels is refused by the nesting limit (200), not by a RecursionError."""
    with pytest.raises(fp.PactError) as err:
        fp.read_pact("[" * 100_000 + "]" * 100_000)
    assert "nesting_depth" in str(err.value.problems[0].expected)


def test_pact_bytes_must_be_utf8() -> None:
    """Latin-1 bytes (``S\\xf8rlandet``) are refused naming the byte (0-based offset 32, counted by hand),
    never read as ``S\\ufffdrlandet``."""
    with pytest.raises(fp.PactError, match=r"not UTF-8 text.*at byte 32"):
        fp.read_pact(b'{"specVersion": "3.0.3", "x": "S\xf8rlandet"}')


def test_pact_duplicate_keys_are_refused() -> None:
    """A footprint giving ``pcfExcludingBiogenic`` twice is refused, naming the key and lines 2 and 3."""
    text = '{"specVersion": "3.0.3",\n"pcfExcludingBiogenic": "1.0",\n"pcfExcludingBiogenic": "100.0"}'
    with pytest.raises(fp.PactError) as err:
        fp.read_pact(text)
    (problem,) = err.value.problems
    assert problem.field == "pcfExcludingBiogenic"
    assert "lines 2 and 3" in problem.message


# --- errors point at the user's file --------------------------------------------------------------------


def test_problems_in_erp_items_name_the_export_and_mapping_rows(tmp_path: Path) -> None:
    """A component whose mapping row (row 3 of m.csv) names an unknown factor is reported at its row in
    the export (row 3, column item) and its mapping row, not at ``items[1]`` of the product file."""
    write(tmp_path, "bom.csv", "level,item,quantity,unit\n0,TOP,1,PCE\n.1,MOTOR-7,1,PCE\n")
    write(tmp_path, "m.csv", "code,kind,factor\nS1,material,steel\nMOTOR-7,component,no.such.factor\n")
    path = write(tmp_path, "p.yaml", "id: p\nbom: {file: bom.csv, mapping: m.csv}\n")
    with pytest.raises(fp.ProductError) as err:
        fp.prepare_product(fp.load_product(path), LIB, file=str(path))
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == (str(tmp_path / "bom.csv"), 3, "item")
    assert f"{tmp_path / 'm.csv'} row 3" in problem.message
