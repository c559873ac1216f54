"""Factor files: CSV, JSON and Excel read alike; every problem of a bad file is reported; the bundled library."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import footprint as fp
from footprint import FactorFileError, Problem, load_factors
from footprint._factor_io import read_factor_records

WriteFile = Callable[..., Path]

COLUMNS = [
    "id", "name", "category", "unit", "kg_CO2", "kg_CH4_fossil", "kg_N2O", "kg_CO2e", "gwp_set", "source",
    "source_url", "edition", "table", "region", "licence", "boundary", "dqr_technological", "dqr_geographical",
    "dqr_temporal", "proxy", "density", "net_calorific_value", "energy_basis", "gcv_ncv_ratio", "uncertainty",
    "valid_from", "valid_to", "notes",
]  # fmt: skip

# Two comment lines, then the header on line 3: data rows start on line 4.
COMMENTS = ("# test factor file", "# made by footprint's test suite")
FIRST_ROW_LINE = 4

PER_GAS: dict[str, str] = {
    "id": "fuel.test.diesel",
    "name": "Test diesel, stationary",
    "category": "fuel",
    "unit": "TJ",
    "kg_CO2": "74100",
    "kg_CH4_fossil": "3",
    "kg_N2O": "0.6",
    "source": "IPCC 2006 Guidelines, Vol. 2",
    "source_url": "https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol2.html",
    "edition": "2006",
    "table": "Ch. 2 Table 2.2",
    "region": "GLO",
    "licence": "IPCC-citation",
    "boundary": "combustion",
    "dqr_technological": "2",
    "dqr_geographical": "3",
    "dqr_temporal": "3",
    "proxy": "false",
    "density": "0.8299 kg/L",
    "net_calorific_value": "43.0 MJ/kg",
    "energy_basis": "net",
    "uncertainty": "lognormal gsd=1.05",
    "valid_from": "2025-01-01",
    "valid_to": "2025-12-31",
    "notes": "a note, with a comma",
}
PREFOLDED: dict[str, str] = {
    "id": "electricity.test.grid",
    "name": "Test grid electricity",
    "category": "electricity",
    "unit": "kWh",
    "kg_CO2e": "0.019",
    "gwp_set": "unspecified",
    "source": "NVE",
    "edition": "2022",
    "region": "NO",
    "licence": "NLOD-2.0",
    "boundary": "combustion",
    "proxy": "true",
}


def csv_text(
    rows: Sequence[dict[str, str]], columns: Sequence[str] = COLUMNS, comments: Sequence[str] = COMMENTS
) -> str:
    """A CSV factor file: comment lines, a header, then one line per row (missing cells empty)."""
    out = io.StringIO()
    for c in comments:
        out.write(c + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def problems_of(path: Path) -> tuple[Problem, ...]:
    """The problems load_factors reports for a file it must refuse."""
    with pytest.raises(FactorFileError) as exc:
        load_factors(path)
    return exc.value.problems


# --- the same content in three formats ----------------------------------------------------------------------


def json_objects() -> list[dict[str, Any]]:
    """PER_GAS and PREFOLDED as JSON objects, numbers as numbers and gases as an object."""
    return [
        {
            "id": "fuel.test.diesel", "name": "Test diesel, stationary", "category": "fuel", "unit": "TJ",
            "gases": {"CO2": 74100, "CH4_fossil": 3, "N2O": 0.6},
            "source": "IPCC 2006 Guidelines, Vol. 2",
            "source_url": "https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol2.html",
            "edition": "2006", "table": "Ch. 2 Table 2.2", "region": "GLO", "licence": "IPCC-citation",
            "boundary": "combustion", "dqr_technological": 2, "dqr_geographical": 3, "dqr_temporal": 3,
            "proxy": False, "density": "0.8299 kg/L", "net_calorific_value": "43.0 MJ/kg", "energy_basis": "net",
            "uncertainty": "lognormal gsd=1.05", "valid_from": "2025-01-01", "valid_to": "2025-12-31",
            "notes": "a note, with a comma",
        },
        {
            "id": "electricity.test.grid", "name": "Test grid electricity", "category": "electricity", "unit": "kWh",
            "co2e": 0.019, "gwp_set": "unspecified", "source": "NVE", "edition": "2022", "region": "NO",
            "licence": "NLOD-2.0", "boundary": "combustion", "proxy": True,
        },
    ]  # fmt: skip


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """An Excel workbook whose first sheet holds ``rows`` from row 1."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def xlsx_rows() -> list[list[Any]]:
    """PER_GAS and PREFOLDED as sheet rows with numeric cells for numbers (a comment row, then the header)."""
    numeric = {"kg_CO2", "kg_CH4_fossil", "kg_N2O", "kg_CO2e", "dqr_technological", "dqr_geographical", "dqr_temporal"}
    body = []
    for row in (PER_GAS, PREFOLDED):
        cells: list[Any] = []
        for c in COLUMNS:
            raw = row.get(c, "")
            if raw and c in numeric:
                cells.append(float(raw) if "." in raw else int(raw))
            elif c == "proxy":
                cells.append(raw == "true")
            else:
                cells.append(raw or None)
        body.append(cells)
    return [["# test factor file"], list(COLUMNS), *body]


def test_csv_json_and_excel_with_the_same_content_give_equal_factors(
    tmp_factor_file: WriteFile, tmp_path: Path
) -> None:
    """A CSV, a JSON and an Excel file holding the same two factors load to equal EmissionFactors."""
    from_csv = load_factors(tmp_factor_file(csv_text([PER_GAS, PREFOLDED]), "f.csv"))
    from_json = load_factors(tmp_factor_file(json.dumps(json_objects()), "f.json"))
    from_json_wrapped = load_factors(tmp_factor_file(json.dumps({"factors": json_objects()}), "g.json"))
    from_xlsx = load_factors(write_xlsx(tmp_path / "f.xlsx", xlsx_rows()))
    assert len(from_csv) == 2
    assert list(from_csv) == list(from_json) == list(from_json_wrapped) == list(from_xlsx)
    diesel = from_csv["fuel.test.diesel"]
    assert diesel.gases == {"CO2": 74100.0, "CH4_fossil": 3.0, "N2O": 0.6}
    assert diesel.dqr_geographical == 3
    assert str(diesel.uncertainty) == "lognormal gsd=1.05"
    assert diesel.valid_to is not None
    assert diesel.valid_to.isoformat() == "2025-12-31"
    grid = from_csv["electricity.test.grid"]
    assert grid.co2e == pytest.approx(0.019, rel=1e-12)
    assert grid.gwp_set == "unspecified"
    assert grid.proxy is True


def test_loaded_factor_computes_like_the_bundled_one(tmp_factor_file: WriteFile) -> None:
    """The test diesel row (IPCC values) gives the hand result: 1000 L -> 0.0356857 TJ x 74,353.2 = 2,653.34598924 kg."""
    # 1000 L x 0.8299 kg/L x 43.0 MJ/kg = 35,685.7 MJ; 74100 + 3 x 29.8 + 0.6 x 273 = 74,353.2 kg CO2e/TJ (AR6)
    factor = load_factors(tmp_factor_file(csv_text([PER_GAS])))["fuel.test.diesel"]
    assert fp.emissions("1000 L", factor).kgco2e == pytest.approx(2653.34598924, rel=1e-12)


def test_excel_problem_names_the_sheet_row(tmp_path: Path) -> None:
    """A problem in an Excel file names the sheet row: comment row 1, header row 2, first factor row 3."""
    rows = xlsx_rows()
    rows[2][COLUMNS.index("unit")] = "kgg"
    with pytest.raises(FactorFileError) as exc:
        load_factors(write_xlsx(tmp_path / "bad.xlsx", rows))
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.field) == (str(tmp_path / "bad.xlsx"), 3, "unit")


def test_excel_date_cells_are_read_as_dates(tmp_path: Path) -> None:
    """valid_from and valid_to given as Excel date cells load as those dates."""
    from datetime import date

    rows = xlsx_rows()
    rows[2][COLUMNS.index("valid_from")] = date(2025, 1, 1)
    rows[2][COLUMNS.index("valid_to")] = date(2025, 12, 31)
    factor = load_factors(write_xlsx(tmp_path / "dates.xlsx", rows))["fuel.test.diesel"]
    assert factor.valid_from == date(2025, 1, 1)
    assert factor.valid_to == date(2025, 12, 31)


# --- bad input: one problem per bad row, naming file, row and field ------------------------------------------

BAD_ROWS = [
    # (label, base row, overrides, field the problem names, words of the message)
    ("unknown unit", PER_GAS, {"unit": "kgg"}, "unit", "unknown unit"),
    ("non-numeric value", PER_GAS, {"kg_CO2": "74,100 kg"}, "kg_CO2", "not a number"),
    ("inf", PER_GAS, {"kg_CO2": "inf"}, "kg_CO2", "not finite"),
    ("nan", PER_GAS, {"kg_N2O": "nan"}, "kg_N2O", "not finite"),
    ("negative gas", PER_GAS, {"kg_CH4_fossil": "-3"}, "kg_CH4_fossil", "negative emissions"),
    ("negative co2e", PREFOLDED, {"kg_CO2e": "-0.019"}, "kg_CO2e", "negative emissions"),
    ("missing name", PER_GAS, {"name": ""}, "name", "required value is empty"),
    ("missing licence", PER_GAS, {"licence": "  "}, "licence", "required value is empty"),
    ("gases and co2e", PER_GAS, {"kg_CO2e": "74353.2", "gwp_set": "AR6"}, "kg_CO2e", "both per-gas values and kg_CO2e"),
    ("co2e without set", PREFOLDED, {"gwp_set": ""}, "gwp_set", "without its GWP set"),
    ("set without co2e", PER_GAS, {"gwp_set": "AR6"}, "gwp_set", "without kg_CO2e"),
    ("no values", PER_GAS, {"kg_CO2": "", "kg_CH4_fossil": "", "kg_N2O": ""}, "kg_CO2", "no emission values"),
    ("density as mass", PER_GAS, {"density": "2 kg"}, "density", "mass per volume"),
    ("density unit", PER_GAS, {"density": "0.83 kgg/L"}, "density", "kgg"),
    ("ncv as energy", PER_GAS, {"net_calorific_value": "43 MJ"}, "net_calorific_value", "energy per mass"),
    ("dqr 0", PER_GAS, {"dqr_technological": "0"}, "dqr_technological", "out of range"),
    ("dqr 6", PER_GAS, {"dqr_geographical": "6"}, "dqr_geographical", "out of range"),
    ("dqr 2.5", PER_GAS, {"dqr_temporal": "2.5"}, "dqr_temporal", "out of range"),
    ("dqr text", PER_GAS, {"dqr_temporal": "good"}, "dqr_temporal", "not a number"),
    ("bad date", PER_GAS, {"valid_from": "2025-13-01"}, "valid_from", "not an ISO date"),
    ("date in other format", PER_GAS, {"valid_to": "31.12.2025"}, "valid_to", "not an ISO date"),
    ("bad uncertainty parameter", PER_GAS, {"uncertainty": "lognormal gsd=0.5"}, "uncertainty", "gsd"),
    ("unknown distribution", PER_GAS, {"uncertainty": "gamma k=2"}, "uncertainty", "cannot read uncertainty"),
    ("uncertainty without =", PER_GAS, {"uncertainty": "normal 0.1"}, "uncertainty", "key=value"),
    ("unknown category", PER_GAS, {"category": "fuels"}, "category", "unknown category"),
    ("unknown boundary", PER_GAS, {"boundary": "cradle-to-grave"}, "boundary", "unknown boundary"),
    ("proxy not yes/no", PER_GAS, {"proxy": "maybe"}, "proxy", "yes/no"),
    ("id not a slug", PER_GAS, {"id": "Fuel Test"}, "id", "lower case"),
    # a fuel factor per unit of energy states its heating-value basis (net or gross)
    ("no energy basis", PER_GAS, {"energy_basis": ""}, "energy_basis", "heating-value basis"),
    ("unknown energy basis", PER_GAS, {"energy_basis": "lower"}, "energy_basis", "unknown energy basis"),
    ("ratio below 1", PER_GAS, {"gcv_ncv_ratio": "0.9"}, "gcv_ncv_ratio", "out of range"),
    ("ratio not a number", PER_GAS, {"gcv_ncv_ratio": "ten"}, "gcv_ncv_ratio", "not a number"),
    ("ratio without basis", PREFOLDED, {"gcv_ncv_ratio": "1.1"}, "gcv_ncv_ratio", "needs the factor's energy_basis"),
    ("basis on a mass factor", PER_GAS, {"unit": "kg", "net_calorific_value": ""}, "energy_basis", "per kg has no"),
    ("gross with an NCV", PER_GAS, {"energy_basis": "gross"}, "energy_basis", "cannot bridge"),
]


@pytest.mark.parametrize(
    ("base", "overrides", "field", "message"), [r[1:] for r in BAD_ROWS], ids=[r[0] for r in BAD_ROWS]
)
def test_bad_value_is_reported_with_file_row_and_field(
    tmp_factor_file: WriteFile, base: dict[str, str], overrides: dict[str, str], field: str, message: str
) -> None:
    """A bad value in the second data row (line 5: 2 comments, header, one good row) gives one Problem naming it."""
    bad = {**base, **overrides, "id": overrides.get("id", "test.bad.row")}
    path = tmp_factor_file(csv_text([PER_GAS, bad]))
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert problem.row == FIRST_ROW_LINE + 1
    assert problem.field == field
    assert message in str(problem)


def test_valid_from_after_valid_to_names_a_date_field(tmp_factor_file: WriteFile) -> None:
    """A validity period that ends before it starts is reported on valid_from or valid_to, not on another column."""
    path = tmp_factor_file(csv_text([{**PER_GAS, "valid_from": "2026-01-01", "valid_to": "2025-01-01"}]))
    (problem,) = problems_of(path)
    assert (problem.row, "after valid_to" in problem.message) == (FIRST_ROW_LINE, True)
    assert problem.field in {"valid_from", "valid_to"}


def test_negative_values_are_allowed_for_credits(tmp_factor_file: WriteFile) -> None:
    """Category 'credit' accepts negative gas and CO2e values (written with an ASCII or a Unicode minus)."""
    credit_gas = {**PER_GAS, "id": "credit.gas", "category": "credit", "kg_CO2": "-1.5", "kg_CH4_fossil": "",
                  "kg_N2O": ""}  # fmt: skip
    credit_co2e = {**PREFOLDED, "id": "credit.co2e", "category": "credit", "kg_CO2e": "\u22120.25"}
    lib = load_factors(tmp_factor_file(csv_text([credit_gas, credit_co2e])))
    assert lib["credit.gas"].gases == {"CO2": -1.5}
    assert lib["credit.co2e"].co2e == -0.25


def test_missing_required_column(tmp_factor_file: WriteFile) -> None:
    """A header without 'licence' is reported at the header line (3), and each row's empty licence too."""
    columns = [c for c in COLUMNS if c != "licence"]
    path = tmp_factor_file(csv_text([PER_GAS], columns=columns))
    problems = problems_of(path)
    header = [p for p in problems if p.row == 3]
    assert [(p.file, p.field, p.message) for p in header] == [(str(path), "licence", "required column missing")]
    assert [(p.row, p.field) for p in problems if p.row != 3] == [(FIRST_ROW_LINE, "licence")]


def test_unknown_column(tmp_factor_file: WriteFile) -> None:
    """A misspelt column ('kg_C02' with a zero) is an error at the header line, not silently dropped."""
    path = tmp_factor_file(csv_text([PER_GAS], columns=[*COLUMNS, "kg_C02"]))
    (problem,) = problems_of(path)
    assert (problem.file, problem.row, problem.field) == (str(path), 3, "kg_C02")
    assert "unknown column" in problem.message


def test_column_given_twice(tmp_factor_file: WriteFile) -> None:
    """A header that names a column twice is reported at the header line."""
    path = tmp_factor_file(csv_text([], columns=[*COLUMNS, "notes"]) + ",".join([""] * len(COLUMNS) + [""]) + "\n")
    problems = problems_of(path)
    assert any(p.row == 3 and p.field == "notes" and "twice" in p.message for p in problems)


def test_duplicate_id_with_other_values(tmp_factor_file: WriteFile) -> None:
    """A second row with the same id and other values is reported at its line, naming the first row's line."""
    other = {**PER_GAS, "kg_CO2": "74000"}
    path = tmp_factor_file(csv_text([PER_GAS, other]))
    (problem,) = problems_of(path)
    assert (problem.file, problem.row, problem.field, problem.value) == (
        str(path), FIRST_ROW_LINE + 1, "id", "fuel.test.diesel"
    )  # fmt: skip
    assert f"row {FIRST_ROW_LINE}" in problem.message


def test_identical_duplicate_rows_are_accepted_once(tmp_factor_file: WriteFile) -> None:
    """Two identical rows load as one factor."""
    lib = load_factors(tmp_factor_file(csv_text([PER_GAS, PER_GAS, PREFOLDED])))
    assert lib.ids == ("fuel.test.diesel", "electricity.test.grid")


def test_row_with_the_wrong_number_of_cells(tmp_factor_file: WriteFile) -> None:
    """A row with fewer cells than the header is reported at its line, with both counts."""
    text = csv_text([PER_GAS]) + "fuel.short,Short row,fuel,kg,1\n"
    path = tmp_factor_file(text)
    (problem,) = problems_of(path)
    assert (problem.file, problem.row) == (str(path), FIRST_ROW_LINE + 1)
    assert f"row has 5 cells, the header {len(COLUMNS)}" in problem.message


def test_blank_lines_do_not_shift_line_numbers(tmp_factor_file: WriteFile) -> None:
    """Blank lines between rows are skipped, and a later row's problem still names its own line."""
    text = (
        csv_text([PER_GAS])
        + "\n\n"
        + csv_text([{**PER_GAS, "id": "x.bad", "unit": "kgg"}], comments=()).split("\n", 1)[1]
    )
    path = tmp_factor_file(text)
    (problem,) = problems_of(path)
    # lines: 1-2 comments, 3 header, 4 first row, 5 and 6 blank, 7 the bad row
    assert (problem.row, problem.field) == (7, "unit")


def test_quoted_multiline_cell_does_not_shift_line_numbers(tmp_factor_file: WriteFile) -> None:
    """A notes cell spanning two lines (quoted) pushes the next row to line 6, and its problem says line 6."""
    text = csv_text([{**PER_GAS, "notes": "first line\nsecond line"}, {**PER_GAS, "id": "x.bad", "unit": "kgg"}])
    path = tmp_factor_file(text)
    assert path.read_text(encoding="utf-8").splitlines()[5].startswith("x.bad,")  # 0-based index 5 = line 6
    (problem,) = problems_of(path)
    assert (problem.row, problem.field) == (6, "unit")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n# and another\n"])
def test_empty_file(tmp_factor_file: WriteFile, text: str) -> None:
    """A file without a header row is an error naming the file."""
    path = tmp_factor_file(text)
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert "no header row" in problem.message


def test_header_without_rows(tmp_factor_file: WriteFile) -> None:
    """A file with a header and no factor rows is an error: it holds no factors."""
    path = tmp_factor_file(csv_text([]))
    (problem,) = problems_of(path)
    assert (problem.file, problem.message) == (str(path), "file holds no factors")


def test_invalid_json(tmp_factor_file: WriteFile) -> None:
    """Invalid JSON is reported with the file and the line of the syntax error (line 2 here)."""
    path = tmp_factor_file('[\n{"id": "x",,}\n]', "bad.json")
    (problem,) = problems_of(path)
    assert (problem.file, problem.row) == (str(path), 2)
    assert "not valid JSON" in problem.message


@pytest.mark.parametrize("payload", ['{"id": "x"}', '"factors"', "42", '{"factors": {"id": "x"}}'])
def test_json_that_is_not_a_list(tmp_factor_file: WriteFile, payload: str) -> None:
    """JSON that is neither a list nor {"factors": [...]} is reported naming the file."""
    path = tmp_factor_file(payload, "bad.json")
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert "not a list" in problem.message


def test_json_unknown_gas_and_field(tmp_factor_file: WriteFile) -> None:
    """An unknown gas and an unknown field in the JSON item at position 1 name that position and the field."""
    objs = json_objects()
    objs[1] = {**objs[1], "co2e": None, "gwp_set": None, "gases": {"CO2": 0.019, "CO3": 1.0}, "colour": "red"}
    path = tmp_factor_file(json.dumps(objs), "bad.json")
    problems = problems_of(path)
    assert sorted((p.file, p.row, p.field) for p in problems) == [(str(path), 1, "colour"), (str(path), 1, "gases.CO3")]


def test_json_item_not_an_object(tmp_factor_file: WriteFile) -> None:
    """A list item that is not an object is reported at its position."""
    path = tmp_factor_file(json.dumps([json_objects()[0], "not an object"]), "bad.json")
    (problem,) = problems_of(path)
    assert (problem.row, problem.value) == (1, "not an object")


def test_three_independent_problems_are_all_reported(tmp_factor_file: WriteFile) -> None:
    """A file with three bad rows (lines 4, 5, 6) reports exactly three problems, one per row."""
    rows = [
        {**PER_GAS, "id": "a.bad", "unit": "kgg"},
        {**PER_GAS, "id": "b.bad", "kg_CO2": "lots"},
        {**PER_GAS, "id": "c.bad", "valid_from": "yesterday"},
    ]
    path = tmp_factor_file(csv_text(rows))
    with pytest.raises(FactorFileError) as exc:
        load_factors(path)
    found = [(p.file, p.row, p.field) for p in exc.value.problems]
    assert found == [(str(path), 4, "unit"), (str(path), 5, "kg_CO2"), (str(path), 6, "valid_from")]
    assert str(exc.value).startswith(f"3 problems in {path}")
    assert len(exc.value.to_records()) == 3


def test_nothing_is_half_loaded(tmp_factor_file: WriteFile) -> None:
    """A good file loaded with a bad one raises naming only the bad file's row and field (the good file's
    factor is not returned on its own), and the good file still loads alone."""
    good = tmp_factor_file(csv_text([PER_GAS]), "good.csv")
    bad = tmp_factor_file(csv_text([{**PREFOLDED, "unit": "kgg"}]), "bad.csv")
    with pytest.raises(FactorFileError) as exc:
        load_factors(good, bad)
    assert [(p.file, p.field) for p in exc.value.problems] == [(str(bad), "unit")]
    assert [f.id for f in load_factors(good)] == [PER_GAS["id"]]
    with pytest.raises(FactorFileError):
        read_factor_records(bad)


def test_problems_of_several_files_come_in_one_error(tmp_factor_file: WriteFile) -> None:
    """Two bad files give one FactorFileError that lists the problems of both."""
    a = tmp_factor_file(csv_text([{**PER_GAS, "unit": "kgg"}]), "a.csv")
    b = tmp_factor_file("[", "b.json")
    with pytest.raises(FactorFileError) as exc:
        load_factors(a, b)
    assert {p.file for p in exc.value.problems} == {str(a), str(b)}


def test_same_id_in_two_files_with_other_values_names_both(tmp_factor_file: WriteFile) -> None:
    """An id defined differently in two files is an error whose text names both files."""
    first = tmp_factor_file(csv_text([PER_GAS]), "first.csv")
    second = tmp_factor_file(csv_text([{**PER_GAS, "kg_CO2": "74000"}]), "second.csv")
    with pytest.raises(FactorFileError) as exc:
        load_factors(first, second)
    (problem,) = exc.value.problems
    assert problem.value == "fuel.test.diesel"
    assert "first.csv" in str(problem)
    assert "second.csv" in str(problem)


def test_same_id_in_two_files_with_equal_values_loads_once(tmp_factor_file: WriteFile) -> None:
    """An id defined identically in two files loads as one factor."""
    first = tmp_factor_file(csv_text([PER_GAS]), "first.csv")
    second = tmp_factor_file(json.dumps(json_objects()[:1]), "second.json")
    assert load_factors(first, second).ids == ("fuel.test.diesel",)


def test_load_factors_on_a_directory(tmp_factor_file: WriteFile, tmp_path: Path) -> None:
    """A directory loads every CSV and JSON file in it and ignores other files."""
    folder = tmp_path / "lib"
    tmp_factor_file(csv_text([PER_GAS]), "lib/a.csv")
    tmp_factor_file(json.dumps(json_objects()[1:]), "lib/b.json")
    tmp_factor_file("not a factor file", "lib/README.md")
    lib = load_factors(folder)
    assert set(lib.ids) == {"fuel.test.diesel", "electricity.test.grid"}
    assert lib.name == "lib"


def test_missing_file_and_unknown_suffix(tmp_factor_file: WriteFile, tmp_path: Path) -> None:
    """A path that does not exist, and a file of an unknown type, raise FactorFileError naming the file."""
    with pytest.raises(FactorFileError, match="file not found"):
        load_factors(tmp_path / "nowhere.csv")
    txt = tmp_factor_file(csv_text([PER_GAS]), "factors.txt")
    with pytest.raises(FactorFileError, match="unknown file type") as exc:
        load_factors(txt)
    assert exc.value.problems[0].file == str(txt)


def test_factor_file_error_is_an_input_error_and_value_error(tmp_factor_file: WriteFile) -> None:
    """FactorFileError is caught by ``except InputError`` and ``except ValueError``."""
    path = tmp_factor_file("")
    with pytest.raises(fp.InputError):
        load_factors(path)
    with pytest.raises(ValueError, match="no header row"):
        load_factors(path)


# --- the bundled default library ----------------------------------------------------------------------------

BUNDLED = resources.files("footprint.factors")


def bundled_files() -> list[Any]:
    """The factor files shipped in the footprint.factors package."""
    return sorted((p for p in BUNDLED.iterdir() if p.name.endswith((".csv", ".json"))), key=lambda p: p.name)


def read_bundled(res: Any) -> list[fp.EmissionFactor]:
    """The factors of one bundled file, read through importlib.resources."""
    with resources.as_file(res) as path:
        return read_factor_records(path)


def test_default_library_loads_with_at_least_80_factors() -> None:
    """The bundled default library loads and holds at least 80 factors."""
    lib = fp.default_library()
    assert len(lib) >= 80
    assert len(set(lib.ids)) == len(lib)


@pytest.mark.parametrize("field", ["source", "edition", "region", "licence", "boundary"])
def test_every_bundled_factor_has_provenance(field: str) -> None:
    """Every bundled factor has its source, edition, region, licence and boundary filled."""
    empty = [f.id for f in fp.default_library() if not str(getattr(f, field) or "").strip()]
    assert empty == []


def test_bundled_ids_are_unique_across_files() -> None:
    """No id is defined in two bundled files."""
    ids = [f.id for res in bundled_files() for f in read_bundled(res)]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(fp.default_library().ids)


def test_ember_factors_are_share_alike_and_kept_in_their_own_file() -> None:
    """Every Ember-derived factor carries CC-BY-SA-4.0 and lives in electricity_ember.csv, which holds nothing else."""
    by_file = {res.name: read_bundled(res) for res in bundled_files()}
    ember_files = {name for name, factors in by_file.items() for f in factors if "ember" in f.source.lower()}
    share_alike_files = {name for name, factors in by_file.items() for f in factors if f.licence == "CC-BY-SA-4.0"}
    assert ember_files == {"electricity_ember.csv"}
    assert share_alike_files == {"electricity_ember.csv"}
    assert all(f.licence == "CC-BY-SA-4.0" and "Ember" in f.source for f in by_file["electricity_ember.csv"])


# Commercial or restrictively licensed databases the bundled library must not draw on.
_FORBIDDEN_SOURCES = [
    re.compile(r"ecoinvent", re.IGNORECASE),
    re.compile(r"\bICE\b"),  # Inventory of Carbon and Energy (Circular Ecology); upper case, so 'price' does not match
    re.compile(r"Inventory of Carbon", re.IGNORECASE),
    re.compile(r"gabi", re.IGNORECASE),
    re.compile(r"sphera", re.IGNORECASE),
    re.compile(r"\bGLEC\b", re.IGNORECASE),
    re.compile(r"climatiq", re.IGNORECASE),
]


def test_no_bundled_factor_comes_from_a_commercial_database() -> None:
    """No bundled factor's source or source URL mentions ecoinvent, ICE, GaBi, Sphera, GLEC or Climatiq."""
    hits = [
        (f.id, pattern.pattern)
        for f in fp.default_library()
        for pattern in _FORBIDDEN_SOURCES
        if pattern.search(f"{f.source} {f.source_url or ''}")
    ]
    assert hits == []


def test_bundled_files_are_found_through_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """default_library reads importlib.resources.files('footprint.factors'), whatever the working directory."""
    assert {"fuels_combustion.csv", "electricity_ember.csv"} <= {p.name for p in BUNDLED.iterdir()}
    load_default = fp.default_library.__wrapped__  # the uncached function
    monkeypatch.chdir(tmp_path)  # no factors/ folder here
    assert load_default().ids == fp.default_library().ids
    # point the package's resources at a folder of our own: default_library must read exactly that
    fake = tmp_path / "fake_factors"
    fake.mkdir()
    (fake / "only.csv").write_text(csv_text([PER_GAS]), encoding="utf-8")
    real_files = resources.files

    def files(package: Any) -> Any:
        return fake if package == "footprint.factors" else real_files(package)

    monkeypatch.setattr(resources, "files", files)
    assert load_default().ids == ("fuel.test.diesel",)
