"""The command line's supply-chain, exchange, report and uncertainty commands, with their error paths."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from footprint.cli import main

ROOT = Path(__file__).resolve().parent.parent
VALVE = str(ROOT / "examples" / "subsea_gate_valve.yaml")
CLUSTER = sorted(str(p) for p in (ROOT / "examples" / "cluster").glob("*.yaml"))
DELIVERIES = str(ROOT / "examples" / "cluster" / "deliveries.csv")
CAT = [str(ROOT / "examples" / "catalogue" / f"{n}.csv") for n in ("products", "bom", "activities")]


def invoke(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; fail on any exception other than a deliberate exit."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_every_new_command_has_help_with_an_example() -> None:
    """compare, export, report, suppliers, uncertainty and catalogue each explain themselves with an example."""
    for cmd in ("compare", "export", "report", "suppliers", "uncertainty", "catalogue"):
        code, out, _ = invoke(cmd, "--help")
        assert code == 0
        assert "Example" in out


def test_compare_the_same_file_shows_no_difference() -> None:
    """Comparing a product with itself gives a total difference of 0.0 and exit 0."""
    code, out, _ = invoke("compare", VALVE, VALVE, "--prefolded", "report", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["a_total_kgco2e"] == data["b_total_kgco2e"]
    assert all(row["diff_kgco2e"] == 0 for row in data["rows"])


def test_export_pact_v3_through_the_real_entry_point(tmp_path: Path) -> None:
    """`python -m footprint.cli export --to pact` writes a PACT 3.0.3 footprint whose pcf is the cradle-to-gate
    kg CO2e per piece of the same calculation."""
    out = tmp_path / "valve.pact.json"
    proc = subprocess.run(
        [sys.executable, "-m", "footprint.cli", "export", VALVE, "--to", "pact", "--prefolded", "report",
         "--company-name", "Valve maker AS", "--company-id", "valve-maker", "--company-domain", "valve-maker.example",
         # an input of the test: about 2000 kg of AISI 4130 at 0.3 % carbon
         "--fossil-carbon-content", "6.1", "-o", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    pf = json.loads(out.read_text())
    assert pf["specVersion"].startswith("3.")
    assert pf["pcf"]["geographyCountry"] == "NO"  # the product's region: "NO" in the valve's file
    assert pf["pcf"]["fossilCarbonContent"] == "6.1"
    _, res, _ = invoke("calc", VALVE, "--prefolded", "report", "--format", "json")
    gate = json.loads(res)["cradle_to_gate_kgco2e"]
    assert float(pf["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(gate, rel=1e-9)


def test_export_pact_needs_the_company() -> None:
    """A PACT export without --company-name is a usage error (exit 2), not a traceback."""
    code, _, err = invoke("export", VALVE, "--to", "pact", "--prefolded", "report")
    assert code == 2
    assert "company" in err


def test_export_excel_json_csv(tmp_path: Path) -> None:
    """Excel needs -o and writes a workbook; json and csv go to standard output."""
    code, _, err = invoke("export", VALVE, "--to", "excel", "--prefolded", "report")
    assert code == 2
    assert "-o" in err
    xlsx = tmp_path / "valve.xlsx"
    assert invoke("export", VALVE, "--to", "excel", "--prefolded", "report", "-o", str(xlsx))[0] == 0
    assert "Summary" in openpyxl.load_workbook(xlsx).sheetnames
    code, out, _ = invoke("export", VALVE, "--to", "csv", "--prefolded", "report")
    assert out.splitlines()[0].startswith("path,")
    code, out, _ = invoke("export", VALVE, "--to", "json", "--prefolded", "report")
    assert json.loads(out)["product_id"] == "sgv-5-10k"


def test_export_a_chain_into_a_folder(tmp_path: Path) -> None:
    """Three products of a chain export to one PACT file each in the folder given."""
    code, _, err = invoke("export", *CLUSTER, "--to", "pact", "--prefolded", "report", "--company-name", "Cluster",
                          "--company-id", "cluster", "--company-domain", "cluster.example", "--period", "2025-01-01", "2025-12-31", "--fossil-carbon-content", "1", "-o", str(tmp_path))  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ACT-10.json", "GV-5.json", "MAN-4.json"]


def test_report_writes_html_excel_and_charts(tmp_path: Path) -> None:
    """The report command writes an HTML page with an embedded chart, a workbook and PNG and SVG charts."""
    html, xlsx, charts = tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "charts"
    code, _, err = invoke(
        "report", VALVE, "--prefolded", "report", "-o", str(html), "--excel", str(xlsx), "--charts", str(charts)
    )
    assert code == 0, err
    text = html.read_text()
    assert "<svg" in text or "data:image/png;base64" in text
    assert xlsx.exists()
    assert {p.suffix for p in charts.iterdir()} == {".png", ".svg"}


def test_suppliers_with_target_and_html(tmp_path: Path) -> None:
    """The cluster's 2023 total is the baseline of its target: reduction +0.0 % and on track."""
    html = tmp_path / "s.html"
    code, out, err = invoke("suppliers", *CLUSTER, "--deliveries", DELIVERIES, "--prefolded", "report", "--cluster", "C",
                            "--target", "C,2023,2030,0.4,cluster", "--format", "json", "--html", str(html))  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    first = data["progress"]["C"][0]
    assert first["period"] == "2023"
    assert first["reduction_achieved"] == 0.0
    assert first["on_track"] is True
    assert "Agder Actuators AS" in html.read_text()


def test_suppliers_bad_target_and_bad_deliveries(tmp_path: Path) -> None:
    """A malformed --target is a usage error (2); a delivery of an unknown product is bad input (1) naming the row."""
    code, _, err = invoke(
        "suppliers", *CLUSTER, "--deliveries", DELIVERIES, "--prefolded", "report", "--target", "C,2023"
    )
    assert code == 2
    assert "SCOPE,BASELINE" in err
    bad = tmp_path / "d.csv"
    bad.write_text("product,period,quantity\nGV-5,2024,2\nNOPE,2024,1\n")
    code, _, err = invoke("suppliers", *CLUSTER, "--deliveries", str(bad), "--prefolded", "report")
    assert code == 1
    assert "row 3" in err
    assert "NOPE" in err
    assert "Traceback" not in err


def test_uncertainty_json_and_bad_iterations() -> None:
    """Monte Carlo in JSON carries the seed and the total's percentiles; zero iterations is a usage error."""
    code, out, _ = invoke(
        "uncertainty", VALVE, "--prefolded", "report", "--iterations", "200", "--seed", "3", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["seed"] == 3
    s = data["summary"]["total_kgco2e"]
    assert s["p2_5"] < s["median"] < s["p97_5"]
    assert invoke("uncertainty", VALVE, "--iterations", "0")[0] == 2


def test_catalogue_command_and_its_errors(tmp_path: Path) -> None:
    """The example catalogue's suppliers print with the cluster total; a bad table exits 1 naming the row."""
    code, out, _ = invoke("catalogue", *CAT, "--prefolded", "report")
    assert code == 0
    assert "Valve maker AS" in out
    assert "cluster:" in out
    bad = tmp_path / "acts.csv"
    bad.write_text("item,factor,amount,unit\nX,no.such.factor,1,kg\n")
    code, _, err = invoke("catalogue", CAT[0], CAT[1], str(bad))
    assert code == 1
    assert "no.such.factor" in err
