"""Outputs that hostile or careless inputs must not break: file names built from ids stay in the folder asked
for, multi-file outputs are all or nothing, no result or file holds an infinite number, spreadsheet formulas
in text are neutralised in every tabular output, and a product id given twice names both files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp
from footprint._output import atomic_outputs, output_name, output_names
from footprint.cli import main
from footprint.report._formula import neutralise

STEEL = "material.steel.carbon.global.worldsteel2024"  # bundled, 1.92 t CO2e per t (worldsteel 2024)
ROOT = Path(__file__).resolve().parent.parent
PERIOD = ("--period", "2025-01-01", "2025-12-31")
# PACT 3 needs the fossil carbon content: 10 kg of carbon steel at about 0.2 % carbon hold 0.02 kg C.
PACT = ("--to", "pact", "--company-name", "X", "--company-id", "x", "--company-domain", "x.example", *PERIOD,
        "--fossil-carbon-content", "0.02")  # fmt: skip


def product(pid: str, *, mass: str = "10 kg", name: str = "Body") -> str:
    """A one-part product file: ``mass`` of carbon steel."""
    return (
        f"id: {json.dumps(pid)}\ndeclared_unit: 1 piece\n"
        f"items:\n  - {{id: root, name: {json.dumps(name)}, kind: part, material: steel, net_mass: {mass}}}\n"
        f"materials:\n  - {{id: steel, factor: {STEEL}}}\n"
    )


# A product PACT cannot declare: a declared unit per metre and no mass to declare it by.
NO_PACT_UNIT = """id: pipe-work
declared_unit: 1 m
items:
  - id: root
    kind: component
    unit: m
    activities:
      - {name: Welding, factor: electricity.grid.no.ember, quantity: 10 kWh}
"""


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def invoke(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; any exception other than a deliberate exit fails the test (a traceback)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


# --- output paths ---------------------------------------------------------------------------------------


def test_a_product_id_with_dot_dots_cannot_leave_the_export_folder(tmp_path: Path) -> None:
    """A product id ``../../etc/x`` exported into out/sub writes into out/sub only (before: tmp/etc/x.json)."""
    (tmp_path / "etc").mkdir()
    a = write(tmp_path, "a.yaml", product("../../etc/x"))
    b = write(tmp_path, "b.yaml", product("b"))
    before = files_under(tmp_path)
    code, _, err = invoke("export", a, b, "--to", "json", "-o", str(tmp_path / "out" / "sub"), "--prefolded", "report")
    assert code == 0, err
    new = files_under(tmp_path) - before
    assert len(new) == 2
    assert all(p.parent == tmp_path / "out" / "sub" for p in new)
    assert not any((tmp_path / "etc").iterdir())


def test_an_absolute_product_id_cannot_choose_the_location(tmp_path: Path) -> None:
    """A product id that is an absolute path is a name inside the folder, not a location."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    a = write(tmp_path, "a.yaml", product(str(elsewhere / "x")))
    b = write(tmp_path, "b.yaml", product("b"))
    code, _, err = invoke("export", a, b, "--to", "csv", "-o", str(tmp_path / "out"), "--prefolded", "report")
    assert code == 0, err
    assert not any(elsewhere.iterdir())
    assert len(list((tmp_path / "out").iterdir())) == 2


def test_report_charts_stay_in_their_folder(tmp_path: Path) -> None:
    """``report --charts DIR`` names chart files from the product id, and ``../x`` stays inside DIR."""
    a = write(tmp_path, "a.yaml", product("../x"))
    charts = tmp_path / "deep" / "charts"
    code, _, err = invoke("report", a, "-o", str(tmp_path / "r.html"), "--charts", str(charts), "--prefolded", "report")
    assert code == 0, err
    assert not list((tmp_path / "deep").glob("x-*"))
    assert len(list(charts.iterdir())) == 4  # modules and hotspots, PNG and SVG


def test_a_200_character_unicode_id_gets_a_short_name(tmp_path: Path) -> None:
    """200 x 'Ø' is 400 bytes of UTF-8, above the 255-byte name limit of common file systems: before, an
    OSError traceback with the first product's file left behind; now both files, each name <= 255 bytes."""
    a = write(tmp_path, "a.yaml", product("a"))
    b = write(tmp_path, "b.yaml", product("Ø" * 200))
    out = tmp_path / "out"
    code, _, err = invoke("export", a, b, "--to", "json", "-o", str(out), "--prefolded", "report")
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2
    assert all(len(n.encode()) <= 255 for n in names)


def test_output_names_keep_plain_ids_and_hash_the_rest() -> None:
    """A plain id is its own name; an id that needed changing gets a 12-hex-digit hash of the whole id."""
    assert output_name("sgv-5-10k", ".json") == "sgv-5-10k.json"
    slashed = output_name("../../etc/x", ".json")
    assert "/" not in slashed
    assert not slashed.startswith(".")
    assert slashed.endswith(".json")
    assert output_name("CON", ".csv") != "CON.csv"  # a reserved device name on Windows


def test_two_long_ids_with_a_common_prefix_do_not_collide() -> None:
    """Ids equal in their first 150 characters differ after truncation by their hash."""
    a, b = "x" * 150 + "a", "x" * 150 + "b"
    assert output_name(a, ".json") != output_name(b, ".json")


def test_ids_that_differ_only_in_case_get_distinct_names_on_case_blind_disks() -> None:
    """'Valve' and 'valve' would be one file on macOS and Windows; the batch names them apart."""
    names = output_names(["Valve", "valve"], ".json")
    assert names["Valve"].casefold() != names["valve"].casefold()


@given(st.lists(st.text(min_size=1, max_size=300), min_size=2, max_size=6, unique=True))
def test_distinct_ids_never_share_a_name(ids: list[str]) -> None:
    """Property: distinct ids get distinct names (case-blind), each a single safe path component."""
    names = output_names(ids, ".json")
    assert len({n.casefold() for n in names.values()}) == len(ids)
    for n in names.values():
        assert "/" not in n
        assert "\\" not in n
        assert n not in (".", "..")
        assert not n.startswith(".")
        assert len(n.encode()) <= 255


# --- all or nothing -------------------------------------------------------------------------------------


def test_a_failing_third_product_leaves_no_files(tmp_path: Path) -> None:
    """Three products to PACT, the third with a declared unit PACT cannot take: exit 1 and an empty folder
    (before, a.json and b.json stayed)."""
    files = [write(tmp_path, "a.yaml", product("a")), write(tmp_path, "b.yaml", product("b"))]
    files.append(write(tmp_path, "c.yaml", NO_PACT_UNIT))
    out = tmp_path / "out"
    code, _, err = invoke("export", *files, *PACT, "-o", str(out), "--prefolded", "report")
    assert code == 1
    assert "pipe-work" in err
    assert not out.exists() or not any(out.iterdir())


def test_atomic_outputs_remove_their_temporaries_and_new_folders_on_failure(tmp_path: Path) -> None:
    """A failure inside the block leaves neither staged files nor the folders created for them."""

    def fail_after_one_file() -> None:
        with atomic_outputs() as out:
            out.write_text(tmp_path / "new" / "deeper" / "a.txt", "a")
            raise RuntimeError("the third product failed")

    with pytest.raises(RuntimeError):
        fail_after_one_file()
    assert list(tmp_path.iterdir()) == []


def test_atomic_outputs_keep_an_existing_file_until_the_end(tmp_path: Path) -> None:
    """An existing file is replaced only on success; on failure it keeps its old content."""
    target = tmp_path / "r.csv"
    target.write_text("old", encoding="utf-8")

    def fail_after_writing() -> None:
        with atomic_outputs() as out:
            out.write_text(target, "new")
            raise RuntimeError("later failure")

    with pytest.raises(RuntimeError):
        fail_after_writing()
    assert target.read_text(encoding="utf-8") == "old"
    with atomic_outputs() as out:
        out.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new\n"  # text files end with a newline
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_a_rename_that_fails_at_the_end_takes_back_the_new_files(tmp_path: Path) -> None:
    """The second of two renames fails (its target is a folder): the first, new, file is removed again."""

    def commit_two() -> None:
        with atomic_outputs() as out:
            out.write_text(tmp_path / "a.json", "a")
            out.write_text(tmp_path / "b.json", "b")
            (tmp_path / "b.json").mkdir()  # a folder appears where b.json should go
            (tmp_path / "b.json" / "keep").write_text("x", encoding="utf-8")

    with pytest.raises(fp.OutputError):
        commit_two()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json"]
    assert (tmp_path / "b.json").is_dir()


def test_an_unwritable_output_is_a_clean_error(tmp_path: Path) -> None:
    """-o into a path under a regular file: exit 1 with a message naming it, no traceback."""
    a = write(tmp_path, "a.yaml", product("a"))
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = invoke("calc", a, "--prefolded", "report", "-o", str(blocker / "r.txt"))
    assert code == 1
    assert f"cannot make the folder {str(blocker)!r}: a file of that name is in the way" in err


def test_an_output_name_too_long_for_the_disk_is_a_clean_error(tmp_path: Path) -> None:
    """-o with a 300-byte file name (above the 255-byte limit of common file systems): exit 1 naming the
    problem, no traceback, nothing left in the folder."""
    a = write(tmp_path, "a.yaml", product("a"))
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = invoke("calc", a, "--prefolded", "report", "-o", str(out / ("x" * 300 + ".txt")))
    assert code == 1
    assert "File name too long" in err
    assert list(out.iterdir()) == []


# --- finite numbers only --------------------------------------------------------------------------------


def test_a_mass_of_1e308_kg_is_refused_naming_the_item_and_field(tmp_path: Path) -> None:
    """1e308 kg of steel times 1.92 kg CO2e per kg is above the largest double (1.8e308): before, exit 0 with
    a total of inf (JSON null); now a NonFiniteError naming items[0] and its factor, exit 1."""
    path = write(tmp_path, "big.yaml", product("big", mass="1e308 kg"))
    with pytest.raises(fp.NonFiniteError) as info:
        fp.calculate(fp.prepare_product(fp.load_product(path), file=path), prefolded="report")
    text = str(info.value)
    assert "items[0]" in text
    assert STEEL in text
    assert path in text
    code, out, _ = invoke("calc", path, "--prefolded", "report", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["error"] == "NonFiniteError"
    assert "total_kgco2e" not in out  # no result printed
    assert "items[0]" in report["problems"][0]["field"]


def test_an_overflowing_mass_writes_no_report_or_workbook(tmp_path: Path) -> None:
    """No HTML, Excel or export file is written for a product whose footprint overflows."""
    path = write(tmp_path, "big.yaml", product("big", mass="1e308 kg"))
    code, _, _ = invoke(
        "report", path, "-o", str(tmp_path / "r.html"), "--excel", str(tmp_path / "r.xlsx"), "--prefolded", "report"
    )
    assert code == 1
    code, _, _ = invoke("export", path, "--to", "excel", "-o", str(tmp_path / "e.xlsx"), "--prefolded", "report")
    assert code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.yaml"]


def test_a_unit_conversion_that_overflows_is_refused_at_the_field(tmp_path: Path) -> None:
    """1e307 t is 1e310 kg, not a double: the problem names items[0].net_mass."""
    path = write(tmp_path, "t.yaml", product("t", mass="1e307 t"))
    with pytest.raises(fp.ProductError) as info:
        fp.prepare_product(fp.load_product(path), file=path)
    assert any(p.field == "items[0].net_mass" for p in info.value.problems)


def test_an_erp_quantity_of_1e308_is_refused(tmp_path: Path) -> None:
    """An ERP line of 1e308 parts of 12 kg: the cumulative mass overflows; exit 1, no inf in the output."""
    (tmp_path / "bom.csv").write_text(
        "level,item,description,quantity,unit,material,net_mass,gross_mass,mass_unit\n"
        "0,TOP,Top,1,PCE,,,,\n"
        "1,BOLT,Bolt,1e308,PCE,S4130,12,12,KG\n",
        encoding="utf-8",
    )
    (tmp_path / "map.csv").write_text(f"code,kind,factor\nS4130,material,{STEEL}\n", encoding="utf-8")
    path = write(
        tmp_path,
        "erp.yaml",
        "id: erp\ndeclared_unit: 1 piece\nbom: {file: bom.csv, format: indented, mapping: map.csv}\n",
    )
    code, out, err = invoke("calc", path, "--prefolded", "report", "--format", "json")
    assert code == 1, out + err
    assert "NonFiniteError" in out
    assert "BOLT" in out


def test_sums_that_overflow_are_refused(tmp_path: Path) -> None:
    """Two parts of 6e307 kg each: each contribution (1.15e308 kg CO2e) is finite, their sum is not."""
    text = (
        "id: two\ndeclared_unit: 1 piece\nitems:\n"
        "  - {id: top, children: [{item: p1, quantity: 1}, {item: p2, quantity: 1}]}\n"
        "  - {id: p1, kind: part, material: steel, net_mass: 6e307 kg}\n"
        "  - {id: p2, kind: part, material: steel, net_mass: 6e307 kg}\n"
        f"materials:\n  - {{id: steel, factor: {STEEL}}}\n"
    )
    path = write(tmp_path, "two.yaml", text)
    with pytest.raises(fp.NonFiniteError) as info:
        fp.calculate(fp.load_product(path), prefolded="report")
    assert "total_kgco2e" in str(info.value) or "product mass" in str(info.value)


def test_uncertainty_refuses_an_overflowing_product(tmp_path: Path) -> None:
    """The Monte Carlo command refuses the 1e308 kg part like calc does, instead of a table of nan."""
    path = write(tmp_path, "big.yaml", product("big", mass="1e308 kg"))
    code, out, err = invoke("uncertainty", path, "--prefolded", "report", "--iterations", "10")
    assert code == 1
    assert "items[0]" in err
    assert "nan" not in out


def test_a_catalogue_bom_quantity_of_1e308_is_refused(tmp_path: Path) -> None:
    """examples/catalogue with its first BOM line set to 1e308 bodies of 320 kg steel (1.92 kg CO2e per kg):
    the product's kg CO2e overflows; exit 1 naming the product and factor (before: inf in the table)."""
    src = ROOT / "examples" / "catalogue"
    for n in ("products", "activities"):
        (tmp_path / f"{n}.csv").write_text((src / f"{n}.csv").read_text(encoding="utf-8"), encoding="utf-8")
    lines = (src / "bom.csv").read_text(encoding="utf-8").splitlines()
    assert lines[2] == "GV-2-5K,GV2-BODY,1"
    lines[2] = "GV-2-5K,GV2-BODY,1e308"
    (tmp_path / "bom.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = [str(tmp_path / f"{n}.csv") for n in ("products", "bom", "activities")]
    code, out, err = invoke("catalogue", *files, "--prefolded", "report", "--format", "csv")
    assert code == 1
    assert "GV-2-5K" in err
    assert STEEL in err
    assert "inf" not in out


def test_a_delivery_of_1e308_pieces_is_refused_at_its_row(tmp_path: Path) -> None:
    """examples/cluster with a delivery of 1e308 actuators (each several t CO2e): exit 1 naming the
    deliveries file and row 3 (the second data row, after a comment and the header)."""
    src = ROOT / "examples" / "cluster"
    lines = (src / "deliveries.csv").read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith("ACT-10,2023,40,")
    lines[2] = lines[2].replace(",40,", ",1e308,")
    deliveries = write(tmp_path, "deliveries.csv", "\n".join(lines) + "\n")
    products = sorted(str(p) for p in src.glob("*.yaml"))
    code, _, err = invoke("suppliers", *products, "--deliveries", deliveries, "--prefolded", "report")
    assert code == 1
    assert "row 3" in err
    assert "deliveries.csv" in err


def test_the_ledger_refuses_a_result_holding_infinity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A FootprintResult built by hand with an infinite total is not recorded; the ledger stays empty."""
    path = write(tmp_path, "a.yaml", product("a"))
    good = fp.calculate(fp.load_product(path), prefolded="report")
    bad = good.model_copy(update={"total_kgco2e": float("inf")})
    with fp.Ledger(tmp_path / "l.db") as ledger:
        with pytest.raises(fp.LedgerError):
            ledger.record(bad, "2025")
        assert ledger.history("a") == []


# --- spreadsheet injection ------------------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://127.0.0.1/x","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


@pytest.mark.parametrize("name", HOSTILE)
def test_calc_csv_neutralises_formulas(tmp_path: Path, name: str) -> None:
    """A part name that a spreadsheet would run as a formula comes out with a leading apostrophe (OWASP,
    "CSV Injection"), its text otherwise kept."""
    path = write(tmp_path, "a.yaml", product("a", name=name))
    code, out, err = invoke("calc", path, "--prefolded", "report", "--format", "csv")
    assert code == 0, err
    texts = cells(out)
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in texts)
    assert f"'{name}: steel" in texts


def test_export_csv_neutralises_formulas(tmp_path: Path) -> None:
    """export --to csv writes the same neutralised table as calc --format csv."""
    path = write(tmp_path, "a.yaml", product("a", name=HOSTILE[1]))
    dest = tmp_path / "a.csv"
    code, _, err = invoke("export", path, "--to", "csv", "-o", str(dest), "--prefolded", "report")
    assert code == 0, err
    assert f"'{HOSTILE[1]}: steel" in cells(dest.read_text(encoding="utf-8"))


def test_factors_list_csv_neutralises_formulas(tmp_path: Path) -> None:
    """A factor file's name column reaches `factors list --format csv` neutralised."""
    fac = write(
        tmp_path,
        "f.csv",
        "id,name,unit,category,kg_CO2,source,edition,region,licence,boundary\n"
        "my.f,=1+1,kg,material,1.0,own data,2025,NO,proprietary,cradle-to-gate\n",
    )
    code, out, err = invoke("factors", "list", "--factors", fac, "--no-default-factors", "--format", "csv")
    assert code == 0, err
    assert "'=1+1" in cells(out)
    assert "=1+1" not in cells(out)


def test_excel_and_csv_neutralise_with_one_rule(tmp_path: Path) -> None:
    """The Excel writer stores the same texts as text cells that the CSV writers prefix: one rule for both."""
    path = write(tmp_path, "a.yaml", product("a", name=HOSTILE[0]))
    dest = tmp_path / "a.xlsx"
    code, _, err = invoke("export", path, "--to", "excel", "-o", str(dest), "--prefolded", "report")
    assert code == 0, err
    ws = openpyxl.load_workbook(dest)["Contributions"]
    labels = [c for c in ws.iter_rows(values_only=True) if c[6] and str(c[6]).startswith("=")]
    assert labels  # the text is kept whole in Excel ...
    assert all(ws.cell(r, 7).data_type == "s" for r in range(2, ws.max_row + 1))  # ... as a text cell
    assert neutralise(HOSTILE[0]) == "'" + HOSTILE[0]
    assert neutralise("plain") == "plain"
    assert neutralise(np.float64(-1.0)) == -1.0  # numbers are numbers, never quoted


# --- a product id in two files --------------------------------------------------------------------------


def test_a_product_id_in_two_files_names_both(tmp_path: Path) -> None:
    """Two files with id 'dup': the error names both files."""
    a = write(tmp_path, "first.yaml", product("dup"))
    b = write(tmp_path, "second.yaml", product("dup"))
    code, _, err = invoke("export", a, b, "--to", "json", "-o", str(tmp_path / "out"), "--prefolded", "report")
    assert code == 1
    assert a in err
    assert b in err
    assert not (tmp_path / "out").exists()


# --- a real process -------------------------------------------------------------------------------------


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    """The real entry point, on an overflowing mass and a 200-character id: clean exits, no traceback."""
    big = write(tmp_path, "big.yaml", product("big", mass="1e308 kg"))
    run = subprocess.run(
        [sys.executable, "-m", "footprint.cli", "calc", big, "--prefolded", "report"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "items[0]" in run.stderr
    first = write(tmp_path, "a.yaml", product("a"))
    long_id = write(tmp_path, "long.yaml", product("Ø" * 200))
    run = subprocess.run(
        [sys.executable, "-m", "footprint.cli", "export", first, long_id, "--to", "json",
         "-o", str(tmp_path / "out"), "--prefolded", "report"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Traceback" not in run.stderr
