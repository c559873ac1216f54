"""The command line: every sub-command through click's runner, and the real entry point in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import footprint as fp
from footprint.cli import main

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
BOP = ROOT / "examples" / "erp" / "annular_bop.yaml"

DIESEL = "fuel.diesel.stationary.combustion.ipcc2006"
NATURAL_GAS = "fuel.natural_gas.stationary.combustion.ipcc2006"

# A generator set that burns 0.001 TJ of diesel and 0.002 TJ of natural gas. Both bundled factors are per gas
# (IPCC 2006 Vol. 2 Ch. 2 Table 2.2), so no pre-folded factor is involved; under AR6 (CH4 fossil 29.8, N2O 273):
#   diesel      74100 + 3 x 29.8 + 0.6 x 273 = 74353.2 kg CO2e/TJ -> 0.001 TJ = 74.3532
#   natural gas 56100 + 1 x 29.8 + 0.1 x 273 = 56157.1 kg CO2e/TJ -> 0.002 TJ = 112.3142
GENSET_YAML = f"""\
id: genset
name: Test generator set
declared_unit: 1 piece
items:
  - id: genset
    activities:
      - factor: {DIESEL}
        quantity: 0.001 TJ net
      - factor: {NATURAL_GAS}
        quantity: 0.002 TJ net
"""
GENSET_AR6 = 74.3532 + 112.3142
# The same generator set without its natural gas: only the diesel activity.
DIESEL_ONLY_YAML = GENSET_YAML.partition(f"      - factor: {NATURAL_GAS}")[0]

# A company factor file (docs/factor-files.md) that overrides the bundled diesel id with 80,000 kg CO2 per TJ.
OWN_CSV = f"""\
# Company factors for the test suite.
id,name,category,unit,kg_CO2,source,edition,region,licence,boundary,energy_basis
{DIESEL},Company diesel,fuel,TJ,80000,Company measurements,2025,NO,CC0-1.0,combustion,net
"""

# A factor file with a bad category on line 2 and a value that is not a number on line 3 (no comment lines).
BAD_CSV = """\
id,name,category,unit,kg_CO2,source,edition,region,licence,boundary,energy_basis
fuel.a,Fuel A,fuels,TJ,1,S,1,GLO,CC0-1.0,combustion,net
fuel.b,Fuel B,fuel,TJ,abc,S,1,GLO,CC0-1.0,combustion,net
"""

# A product with a child that is no item and an activity whose factor id is in no library.
BAD_PRODUCT_YAML = """\
id: broken
declared_unit: 1 piece
items:
  - id: broken
    children:
      - {item: ghost, quantity: 1}
    activities:
      - factor: no.such.factor
        quantity: 0.001 TJ net
"""


def invoke(*args: object) -> Result:
    """Run the click app in process; any exception other than a deliberate exit fails the test."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def run_entry_point(*args: object) -> subprocess.CompletedProcess[str]:
    """Run ``python -m footprint.cli`` as a separate process from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "footprint.cli", *(str(a) for a in args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(path: Path, text: str) -> Path:
    """Write ``text`` as UTF-8 and return the path."""
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def valve_result() -> fp.FootprintResult:
    """The gate valve calculated through the library, to compare the command line against."""
    return fp.calculate(fp.load_product(VALVE), fp.default_library(), prefolded="report")


@pytest.fixture
def genset(tmp_path: Path) -> Path:
    """The generator-set product file."""
    return write(tmp_path / "genset.yaml", GENSET_YAML)


@pytest.fixture
def own_csv(tmp_path: Path) -> Path:
    """The company factor file that overrides the bundled diesel factor."""
    return write(tmp_path / "own.csv", OWN_CSV)


# --- the real entry point ----------------------------------------------------------------------------------------


def test_entry_point_calc_table(valve_result: fp.FootprintResult) -> None:
    """``python -m footprint.cli calc`` prints the valve's table with the library's total and exits 0."""
    proc = run_entry_point("calc", "examples/subsea_gate_valve.yaml", "--prefolded", "report")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "Cradle to grave (A1-C4)" in proc.stdout
    assert f"{valve_result.total_kgco2e:,.1f} kg CO2e" in proc.stdout
    assert "Largest 10 contributions:" in proc.stdout


def test_entry_point_calc_runs_the_main_job_without_flags() -> None:
    """``footprint calc examples/subsea_gate_valve.yaml --format json`` exits 0: pre-folded factors are used
    and listed by default, and the result names every GWP set whose values are in it."""
    proc = run_entry_point("calc", "examples/subsea_gate_valve.yaml", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "electricity.grid.no.ember" in data["prefolded_factors"]
    # AR6 (the calculation's), AR5 (DESNZ factors), unspecified (Ember electricity)
    assert data["gwp_sets_used"] == ["AR6", "AR5", "unspecified"]
    assert data["gwp_values"]["N2O"] == 273.0  # IPCC AR6 Table 7.SM.7


def test_entry_point_calc_strict_refuses_prefolded_factors() -> None:
    """With --prefolded error the valve's pre-folded factors are refused: exit 1, a message naming them and the option."""
    proc = run_entry_point("calc", "examples/subsea_gate_valve.yaml", "--prefolded", "error")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("error:")
    assert "electricity.grid.no.ember (unspecified)" in proc.stderr
    assert "another GWP set" in proc.stderr
    assert "--prefolded report" in proc.stderr


def test_entry_point_unknown_option_exits_2() -> None:
    """An unknown option is a usage error: exit 2 with click's message, no traceback."""
    proc = run_entry_point("calc", "examples/subsea_gate_valve.yaml", "--bogus")
    assert proc.returncode == 2
    assert "No such option" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_entry_point_validate_bad_files(tmp_path: Path) -> None:
    """``validate`` on a bad factor file exits 1 through the real entry point, reporting on stderr without a traceback."""
    bad = write(tmp_path / "bad.csv", BAD_CSV)
    proc = run_entry_point("validate", bad)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"error: {bad}, row 2, field 'category'" in proc.stderr


def test_entry_point_version() -> None:
    """``--version`` prints the package version (footprint.__version__) and exits 0."""
    proc = run_entry_point("--version")
    assert proc.returncode == 0
    assert fp.__version__ in proc.stdout


# --- calc ----------------------------------------------------------------------------------------------------------


def test_calc_json_has_every_key_and_modules_sum_to_total(valve_result: fp.FootprintResult) -> None:
    """The JSON result has the documented keys, its modules (D apart) add up to the total, and it equals the library's."""
    result = invoke("calc", VALVE, "--prefolded", "report", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("declared_unit", "gwp_set", "total_kgco2e", "cradle_to_gate_kgco2e", "module_d_kgco2e", "by_module",
                "by_gas", "contributions", "factor_library_version", "input_hash"):  # fmt: skip
        assert key in data, key
    assert data["declared_unit"] == "1 piece"
    assert data["gwp_set"] == "AR6"
    by_module = data["by_module"]
    assert math.fsum(v for m, v in by_module.items() if m != "D") == pytest.approx(data["total_kgco2e"], rel=1e-12)
    assert by_module["A1"] + by_module["A2"] + by_module["A3"] == pytest.approx(
        data["cradle_to_gate_kgco2e"], rel=1e-12
    )
    assert by_module["D"] == pytest.approx(data["module_d_kgco2e"], rel=1e-12)
    assert data["module_d_kgco2e"] < 0
    assert math.fsum(data["by_gas"].values()) == pytest.approx(data["total_kgco2e"], rel=1e-12)
    assert data["factor_library_version"] == fp.default_library().version
    assert data["input_hash"]
    assert data["total_kgco2e"] == pytest.approx(valve_result.total_kgco2e, rel=1e-12)
    assert "electricity.grid.no.ember" in data["prefolded_factors"]


def test_calc_csv_has_one_row_per_contribution(valve_result: fp.FootprintResult) -> None:
    """The CSV output is the contribution table: one row per contribution, summing to the total outside D."""
    result = invoke("calc", VALVE, "--prefolded", "report", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.strip("\n"))))
    assert len(rows) == len(valve_result.contributions)
    assert {"path", "module", "factor_id", "quantity", "unit", "kgco2e"} <= set(rows[0])
    total = math.fsum(float(r["kgco2e"]) for r in rows if r["module"] != "D")
    assert total == pytest.approx(valve_result.total_kgco2e, rel=1e-12)
    module_d = math.fsum(float(r["kgco2e"]) for r in rows if r["module"] == "D")
    assert module_d == pytest.approx(valve_result.module_d_kgco2e, rel=1e-12)


def test_calc_table_lists_every_module(valve_result: fp.FootprintResult) -> None:
    """The table shows the product name, GWP set, every module of the result and the notes."""
    result = invoke("calc", VALVE, "--prefolded", "report")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{valve_result.product_name}  (1 piece, AR6)")
    for module in valve_result.by_module:
        assert any(line.startswith(f"{module} ") for line in out.splitlines()), module
    assert f"{valve_result.cradle_to_gate_kgco2e:,.1f} kg CO2e" in out
    assert "Notes:" in out


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_calc_output_file_holds_what_stdout_would(tmp_path: Path, fmt: str) -> None:
    """``-o FILE`` writes exactly the text the command prints otherwise, says so on stderr, and prints nothing else."""
    printed = invoke("calc", VALVE, "--prefolded", "report", "--format", fmt)
    out = tmp_path / f"result.{fmt}"
    result = invoke("calc", VALVE, "--prefolded", "report", "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == f"wrote {out}"
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert text.rstrip("\n") == printed.stdout.rstrip("\n")


def test_calc_without_prefolded_as_json_lists_the_problem() -> None:
    """With --format json a refused pre-folded factor comes back as a JSON object with 'problems', exit 1."""
    result = invoke("calc", VALVE, "--prefolded", "error", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["error"] == "GWPError"
    (problem,) = data["problems"]
    assert "electricity.grid.no.ember" in problem["message"]
    assert "--prefolded report" in problem["message"]


def test_calc_ar5_refolds_and_lists_only_foreign_sets() -> None:
    """Under AR5 the DESNZ factors (folded with AR5) fit, and only the AR6 actuator PCF and unspecified sets are listed."""
    result = invoke("calc", VALVE, "--gwp", "AR5", "--prefolded", "report", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["gwp_set"] == "AR5"
    assert "pcf.sgv-5-10k.actuator" in data["prefolded_factors"]
    assert "electricity.grid.no.ember" in data["prefolded_factors"]
    assert "fuel.natural_gas.wtt.per_sm3.desnz2025" not in data["prefolded_factors"]


def test_calc_gwp_choice_is_case_insensitive(genset: Path) -> None:
    """``--gwp ar5`` is accepted and reported as AR5; the genset refolds to 0.001 x 74343 + 0.002 x 56154.5.

    AR5 (CH4 28, N2O 265, IPCC AR5 Table 8.A.1 as UNFCCC, DESNZ and US EPA report it): diesel 74100 + 84 + 159
    = 74343; natural gas 56100 + 28 + 26.5 = 56154.5; 74.343 + 112.309 = 186.652. AR5-fossil (fossil CH4 30):
    diesel 74100 + 90 + 159 = 74349; natural gas 56100 + 30 + 26.5 = 56156.5; 74.349 + 112.313 = 186.662.
    """
    result = invoke("calc", genset, "--gwp", "ar5", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["gwp_set"] == "AR5"
    assert data["total_kgco2e"] == pytest.approx(74.343 + 112.309, rel=1e-12)
    data = json.loads(invoke("calc", genset, "--gwp", "ar5-fossil", "--format", "json").stdout)
    assert data["gwp_set"] == "AR5-fossil"
    assert data["total_kgco2e"] == pytest.approx(74.349 + 112.313, rel=1e-12)


def test_calc_unknown_gwp_set_is_a_usage_error(genset: Path) -> None:
    """A GWP set that is not in the list is refused by the option parser with exit 2."""
    result = invoke("calc", genset, "--gwp", "AR7")
    assert result.exit_code == 2
    assert "AR7" in result.stderr


def test_calc_small_product_by_hand(genset: Path) -> None:
    """The genset's total is 74.3532 + 112.3142 = 186.6674 kg CO2e, all in A3 (see GENSET_YAML)."""
    result = invoke("calc", genset, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_kgco2e"] == pytest.approx(GENSET_AR6, rel=1e-12)
    assert data["by_module"] == {"A3": pytest.approx(GENSET_AR6, rel=1e-12)}
    assert data["prefolded_factors"] == []


def test_calc_quantity_scales_the_result(genset: Path) -> None:
    """``--quantity 3`` gives 3 x 186.6674 = 560.0022 kg CO2e for three generator sets."""
    result = invoke("calc", genset, "--quantity", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["quantity"] == 3.0
    assert data["total_kgco2e"] == pytest.approx(560.0022, rel=1e-12)


@pytest.mark.parametrize("quantity", ["-1", "nan"])
def test_calc_bad_quantity_is_reported_without_traceback(genset: Path, quantity: str) -> None:
    """A negative or NaN --quantity is refused with an error message and exit 1 or 2, not a traceback."""
    proc = run_entry_point("calc", genset, f"--quantity={quantity}")
    assert "Traceback" not in proc.stderr
    assert proc.returncode in {1, 2}
    assert "quantity" in proc.stderr


def test_calc_missing_file(tmp_path: Path) -> None:
    """A product file that does not exist is exit 1 with the path and 'file not found'."""
    missing = tmp_path / "nope.yaml"
    result = invoke("calc", missing)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{missing}: file not found" in result.stderr


def test_calc_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    """Broken indentation on line 4 of a YAML file is reported with the file and 'row 4', exit 1."""
    bad = write(tmp_path / "bad.yaml", "id: x\nitems:\n  - id: a\n   kind: part\n")
    result = invoke("calc", bad)
    assert result.exit_code == 1
    assert f"{bad}, row 4: not valid YAML" in result.stderr


def test_calc_unknown_factor_id_names_file_and_field(tmp_path: Path) -> None:
    """An activity whose factor id is in no library is exit 1 naming the file, the field and the id."""
    bad = write(tmp_path / "unknown.yaml", GENSET_YAML.replace(NATURAL_GAS, "fuel.natural_gas.nowhere"))
    result = invoke("calc", bad)
    assert result.exit_code == 1
    assert f"{bad}, field 'items[0].activities[1].factor': unknown factor id" in result.stderr
    assert "'fuel.natural_gas.nowhere'" in result.stderr


@pytest.mark.parametrize(
    ("name", "text", "field"),
    [
        ("missing.yaml", None, None),
        ("invalid.yaml", "id: x\nitems:\n  - id: a\n   kind: part\n", None),
        ("unknown.yaml", GENSET_YAML.replace(DIESEL, "fuel.diesel.nowhere"), "items[0].activities[0].factor"),
    ],
)
def test_calc_errors_as_json(tmp_path: Path, name: str, text: str | None, field: str | None) -> None:
    """With --format json a bad product file gives a JSON object whose problems name the file (and field), exit 1."""
    path = tmp_path / name
    if text is not None:
        write(path, text)
    result = invoke("calc", path, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["error"] == "ProductError"
    assert data["problems"]
    assert all(p["file"] == str(path) for p in data["problems"])
    assert [p["field"] for p in data["problems"]] == [field]


def test_calc_own_factors_override_the_bundled_id(genset: Path, own_csv: Path) -> None:
    """The company file's diesel (80,000 kg CO2/TJ) replaces the bundled one: 0.001 x 80000 + 112.3142 = 192.3142."""
    result = invoke("calc", genset, "--factors", own_csv, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_kgco2e"] == pytest.approx(80.0 + 112.3142, rel=1e-12)
    assert data["by_factor"][DIESEL] == pytest.approx(80.0, rel=1e-12)
    assert data["by_factor"][NATURAL_GAS] == pytest.approx(112.3142, rel=1e-12)
    libraries = {c["factor_id"]: c["library"] for c in data["contributions"]}
    assert libraries == {DIESEL: "own", NATURAL_GAS: "footprint-default"}
    assert data["factor_library_version"] != fp.default_library().version  # the override changes the content


def test_calc_no_default_factors_with_incomplete_library_fails(genset: Path, own_csv: Path) -> None:
    """Only the company file, which lacks the natural-gas id, is exit 1 naming that id and the field needing it."""
    result = invoke("calc", genset, "--factors", own_csv, "--no-default-factors")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "field 'items[0].activities[1].factor': unknown factor id" in result.stderr
    assert f"'{NATURAL_GAS}'" in result.stderr
    assert "expected an id in own" in result.stderr


def test_calc_no_default_factors_with_complete_library(tmp_path: Path, own_csv: Path) -> None:
    """A product that needs only the company diesel calculates with --no-default-factors: 0.001 TJ x 80000 = 80."""
    product = write(tmp_path / "diesel_only.yaml", DIESEL_ONLY_YAML)
    result = invoke("calc", product, "--factors", own_csv, "--no-default-factors", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_kgco2e"] == pytest.approx(80.0, rel=1e-12)
    assert data["factor_library_version"] == fp.load_factors(own_csv).version


def test_calc_bad_factor_file_is_reported(genset: Path, tmp_path: Path) -> None:
    """A broken --factors file stops calc with exit 1 and its problems, before the product is read."""
    bad = write(tmp_path / "bad.csv", BAD_CSV)
    result = invoke("calc", genset, "--factors", bad)
    assert result.exit_code == 1
    assert f"{bad}, row 2, field 'category': unknown category" in result.stderr
    assert f"{bad}, row 3, field 'kg_CO2': not a number" in result.stderr


@pytest.mark.parametrize("command", ["calc", "validate"])
def test_product_file_not_utf8_is_reported(tmp_path: Path, command: str) -> None:
    """A product file in another encoding (bytes 0xff 0xfe) is exit 1 naming the file, not a traceback."""
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"\xff\xfe\x00id: x\n")
    proc = run_entry_point(command, path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    assert str(path) in proc.stderr


# --- validate ------------------------------------------------------------------------------------------------------


def test_validate_good_files(genset: Path, own_csv: Path) -> None:
    """Good factor and product files, the ERP example included, each give an 'ok:' line and exit 0. (The
    products are checked with the factor files given, so own.csv, whose diesel is per TJ without a calorific
    value, is validated on its own: the valve buys diesel in litres.)"""
    assert invoke("validate", own_csv).exit_code == 0
    files = [genset, VALVE, BOP, ROOT / "footprint" / "factors" / "materials.csv"]
    result = invoke("validate", *files)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"ok: {f}" for f in files]
    assert result.stderr == ""


def test_validate_reports_every_problem_of_every_file(tmp_path: Path, genset: Path) -> None:
    """A bad factor file (2 rows) and a bad product (2 fields) are all listed with their places, exit 1."""
    bad_csv = write(tmp_path / "bad.csv", BAD_CSV)
    bad_product = write(tmp_path / "bad.yaml", BAD_PRODUCT_YAML)
    result = invoke("validate", bad_csv, genset, bad_product)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"ok: {genset}"]
    errors = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in errors)
    expected = [
        f"{bad_csv}, row 2, field 'category': unknown category (got 'fuels')",
        f"{bad_csv}, row 3, field 'kg_CO2': not a number (got 'abc')",
        f"{bad_product}, field 'items[0].children[0].item': unknown item (got 'ghost')",
        f"{bad_product}, field 'items[0].activities[0].factor': unknown factor id",
    ]
    for fragment in expected:
        assert any(fragment in line for line in errors), fragment


def test_validate_json_format(tmp_path: Path, genset: Path) -> None:
    """``validate --format json`` gives ok false, the checked files and problems naming both bad files, exit 1."""
    bad_csv = write(tmp_path / "bad.csv", BAD_CSV)
    bad_product = write(tmp_path / "bad.yaml", BAD_PRODUCT_YAML)
    result = invoke("validate", bad_csv, genset, bad_product, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["checked"] == [str(genset)]
    places = {(p["file"], p["row"], p["field"]) for p in data["problems"]}
    assert {
        (str(bad_csv), 2, "category"),
        (str(bad_csv), 3, "kg_CO2"),
        (str(bad_product), None, "items[0].children[0].item"),
        (str(bad_product), None, "items[0].activities[0].factor"),
    } <= places


def test_validate_json_format_when_all_good(genset: Path) -> None:
    """``validate --format json`` on a good file is ok true with no problems and exit 0."""
    result = invoke("validate", genset, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "checked": [str(genset)], "problems": []}


def test_validate_checks_products_against_own_factors(tmp_path: Path, own_csv: Path) -> None:
    """A product using a company-only factor id is valid with --factors and invalid without it."""
    company = write(tmp_path / "company.csv", OWN_CSV.replace(DIESEL, "company.diesel"))
    product = write(tmp_path / "company.yaml", DIESEL_ONLY_YAML)
    product.write_text(product.read_text(encoding="utf-8").replace(DIESEL, "company.diesel"), encoding="utf-8")
    assert invoke("validate", product, "--factors", company).exit_code == 0
    without = invoke("validate", product)
    assert without.exit_code == 1
    assert "'company.diesel'" in without.stderr


def test_validate_missing_file_is_named(tmp_path: Path) -> None:
    """A file that does not exist is a problem naming it, exit 1."""
    missing = tmp_path / "missing.csv"
    result = invoke("validate", missing)
    assert result.exit_code == 1
    assert f"error: {missing}: file not found" in result.stderr


def test_validate_without_files_is_a_usage_error() -> None:
    """``validate`` with no file is a usage error, exit 2."""
    result = invoke("validate")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


# --- factors -------------------------------------------------------------------------------------------------------


def test_factors_list_category_freight() -> None:
    """``factors list --category freight`` lists exactly the bundled freight factors, and counts them."""
    expected = fp.default_library().search(category="freight")
    result = invoke("factors", "list", "--category", "freight")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    rows = [line for line in lines[2:] if line.startswith("freight.")]
    assert [r.split()[0] for r in rows] == [f.id for f in expected]
    assert f"{len(expected)} factor(s) of footprint-default" in result.stdout


def test_factors_list_json_and_csv() -> None:
    """The JSON and CSV listings of the freight category hold the same ids as the table."""
    ids = [f.id for f in fp.default_library().search(category="freight")]
    as_json = invoke("factors", "list", "--category", "freight", "--format", "json")
    assert [f["id"] for f in json.loads(as_json.stdout)] == ids
    as_csv = invoke("factors", "list", "--category", "freight", "--format", "csv")
    assert sorted(r["id"] for r in csv.DictReader(io.StringIO(as_csv.stdout))) == sorted(ids)


def test_factors_search_diesel_stationary() -> None:
    """``factors search diesel stationary`` finds the IPCC stationary diesel factor at 74353.2 kg CO2e/TJ."""
    expected = fp.default_library().search("diesel stationary")
    result = invoke("factors", "search", "diesel", "stationary")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith(DIESEL))
    assert "74353.2" in line
    assert "kg CO2e/TJ" in line
    assert f"{len(expected)} factor(s)" in result.stdout
    assert DIESEL in {f.id for f in expected}


def test_factors_search_without_match() -> None:
    """A search that matches nothing lists zero factors and still exits 0."""
    result = invoke("factors", "search", "unobtainium")
    assert result.exit_code == 0
    assert "0 factor(s) of footprint-default" in result.stdout


def test_factors_show_diesel() -> None:
    """The diesel factor shows source, licence, density and its AR6 value 74353.2 = 74100 + 3 x 29.8 + 0.6 x 273.

    Its AR5 value is 74100 + 3 x 30 + 0.6 x 265 = 74349 (IPCC AR5 Table 8.A.1).
    """
    result = invoke("factors", "show", DIESEL)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0] == DIESEL
    assert "source: IPCC 2006 Guidelines for National Greenhouse Gas Inventories" in out
    assert "licence: IPCC-citation" in out
    assert "density: 0.8299 kg/L" in out
    assert "= 74353.2 kg CO2e per TJ under AR6" in out
    assert "= 74343 kg CO2e per TJ under AR5" in out  # 3 x 28 = 84; 0.6 x 265 = 159
    assert "= 74349 kg CO2e per TJ under AR5-fossil" in out  # 3 x 30 = 90
    assert "library: footprint-default" in out


def test_factors_show_json() -> None:
    """``factors show --format json`` gives the factor's gases per TJ as in IPCC 2006 Table 1.4 / 2.2."""
    result = invoke("factors", "show", DIESEL, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["gases"] == {"CO2": 74100.0, "CH4_fossil": 3.0, "N2O": 0.6}
    assert data["unit"] == "TJ"


def test_factors_show_own_factor_names_its_library(own_csv: Path) -> None:
    """With --factors the overriding company diesel is shown, at 80000 kg CO2e/TJ, from library 'own'."""
    result = invoke("factors", "show", DIESEL, "--factors", own_csv)
    assert result.exit_code == 0, result.output
    assert "= 80000 kg CO2e per TJ under AR6" in result.stdout
    assert "library: own" in result.stdout


def test_factors_show_unknown_id() -> None:
    """An id with nothing close to it is exit 1 naming the id and pointing to ``factors search``."""
    result = invoke("factors", "show", "no.such.id")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no factor 'no.such.id' in footprint-default" in result.stderr
    assert "footprint factors search" in result.stderr


def test_factors_show_misspelt_id_suggests_close_ids() -> None:
    """An id missing its edition suffix is exit 1 with the close ids suggested, the intended one first."""
    result = invoke("factors", "show", "fuel.diesel.stationary.combustion")
    assert result.exit_code == 1
    assert f"did you mean {DIESEL}" in result.stderr


def test_factors_show_unknown_id_as_json() -> None:
    """``factors show --format json`` of an unknown id gives a JSON object with the problem, exit 1."""
    result = invoke("factors", "show", "no.such.id", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["error"] == "UnknownFactorError"
    assert "no.such.id" in data["problems"][0]["message"]


def test_factors_list_bad_factor_file(tmp_path: Path) -> None:
    """``factors list --factors BAD`` is exit 1 with the file's problems, not a traceback."""
    bad = write(tmp_path / "bad.csv", BAD_CSV)
    result = invoke("factors", "list", "--factors", bad)
    assert result.exit_code == 1
    assert f"{bad}, row 2, field 'category'" in result.stderr


# --- schema, help, usage errors ------------------------------------------------------------------------------------


def test_schema_prints_the_product_schema() -> None:
    """``schema`` prints JSON whose properties include items, equal to footprint.product_schema()."""
    result = invoke("schema")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "items" in data["properties"]
    assert data == fp.product_schema()


COMMANDS = [[], ["calc"], ["validate"], ["factors"], ["factors", "list"], ["factors", "search"], ["factors", "show"],
            ["schema"]]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_has_an_example(command: list[str], flag: str) -> None:
    """Every command's help shows usage and at least one example, exit 0."""
    result = invoke(*command, flag)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert "Example" in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_unknown_option_exits_2(command: list[str]) -> None:
    """An unknown option on any command is a usage error: exit 2 and 'No such option'."""
    result = invoke(*command, "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_unknown_command_exits_2() -> None:
    """An unknown sub-command is a usage error, exit 2."""
    result = invoke("frobnicate")
    assert result.exit_code == 2
    assert "No such command" in result.stderr
