"""One default for factors folded to CO2e under another GWP set, wherever a caller does not choose: the
library's (use them and list them), in ``calculate``, ``footprint calc``, ``footprint publish``,
``publish_products`` and ``POST /v1/calculate``. And ``publish`` takes ``export``'s PACT options.

The subsea gate valve uses 13 such factors (its grid electricity is Ember's CO2e, its DESNZ well-to-tank
factors are folded under AR5), so it computes under the default and is refused under ``"error"``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from server_support import running, self_signed_cert, tls_client

import footprint as fp
from footprint.cli import main
from footprint.server import Store, create_app, publish_products
from footprint.server._auth import hash_secret

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
PACT = ["--company-name", "Valve maker AS", "--company-id", "valve-maker", "--company-domain", "valve-maker.example",
        "--fossil-carbon-content", "6.1"]  # fmt: skip


def test_the_valve_needs_the_report_policy() -> None:
    """The premise of the tests below: the valve computes by default and is refused under "error"."""
    assert len(fp.calculate(fp.load_product(VALVE)).prefolded_factors) == 13
    with pytest.raises(fp.GWPError):
        fp.calculate(fp.load_product(VALVE), prefolded="error")


def test_publish_without_prefolded_uses_the_librarys_default(tmp_path: Path) -> None:
    """``footprint publish`` with no ``--prefolded`` publishes the valve (it refused it before); the
    ledger's snapshot lists the pre-folded factors used, as ``calculate`` does."""
    db = str(tmp_path / "s.db")
    r = CliRunner().invoke(main, ["publish", str(VALVE), "--db", db, *PACT])
    assert r.exit_code == 0, r.stderr
    with fp.Ledger(db) as ledger:
        (snap,) = ledger.history("sgv-5-10k", "2025")
    assert len(snap.result.prefolded_factors) == 13
    refused = CliRunner().invoke(main, ["publish", str(VALVE), "--db", db, "--prefolded", "error", *PACT])
    assert refused.exit_code == 1


def test_publish_products_without_prefolded_uses_the_librarys_default(tmp_path: Path) -> None:
    """The library function behind ``publish`` has the same default as ``calculate``."""
    (pf,) = publish_products(
        str(tmp_path / "s.db"), [str(VALVE)], company_name="Valve maker AS", company_ids=["valve-maker"],
        library=fp.default_library(), pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1},
    )  # fmt: skip
    expected = fp.calculate(fp.load_product(VALVE)).cradle_to_gate_kgco2e
    assert float(pf["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(expected, rel=1e-11)


def test_publish_takes_exports_biogenic_option(tmp_path: Path) -> None:
    """``--biogenic-uptake -2`` (an option of ``export``) reaches the published footprint: uptake "-2" and
    the PCF including it 2 kg lower than the one excluding it (PACT v3 CarbonFootprint)."""
    db = str(tmp_path / "s.db")
    r = CliRunner().invoke(main, ["publish", str(VALVE), "--db", db, "--biogenic-uptake", "-2", *PACT])
    assert r.exit_code == 0, r.stderr
    store = Store(db)
    try:
        doc, _ = store.footprint(json.loads(r.stdout)["id"]) or ({}, set())
    finally:
        store.close()
    pcf = doc["pcf"]
    assert pcf["biogenicCO2Uptake"] == "-2"
    assert float(pcf["pcfExcludingBiogenicUptake"]) - float(pcf["pcfIncludingBiogenicUptake"]) == pytest.approx(2)


def test_calculate_route_without_prefolded_uses_the_librarys_default(tmp_path: Path) -> None:
    """``POST /v1/calculate`` with no ``prefolded`` answers the valve (it answered 400 before) with the
    library's default result: the same input hash and total."""
    db = str(tmp_path / "s.db")
    store = Store(db)
    client_id = store.add_client("calc", hash_secret("calc-secret-0123456789"), ("footprint:calculate",))
    store.close()
    product = json.loads(json.dumps(yaml.safe_load(VALVE.read_text(encoding="utf-8")), default=str))
    cert = self_signed_cert(tmp_path)
    with running(create_app(db), cert) as base, tls_client(base, cert[0]) as c:
        token = c.post("/auth/token", data={"grant_type": "client_credentials"},
                       auth=(client_id, "calc-secret-0123456789")).json()["access_token"]  # fmt: skip
        r = c.post("/v1/calculate", json={"product": product}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    expected = fp.calculate(fp.load_product(VALVE))
    assert r.json()["input_hash"] == expected.input_hash
    assert len(r.json()["prefolded_factors"]) == 13
    assert r.json()["total_kgco2e"] == pytest.approx(expected.total_kgco2e, rel=1e-12)
