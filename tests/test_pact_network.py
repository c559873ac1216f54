"""A supply chain over PACT, end to end with the service's own hosts on loopback (uvicorn, HTTPS, httpx), on
SQLite and on PostgreSQL: a sub-supplier publishes its valve, the supplier pulls it, builds a skid with it as
primary data and publishes the skid, and the supplier's customer pulls the skid.

Numbers by hand: the skid holds 2 valves and 1,000 kWh of Norwegian grid electricity (Ember, 30.75 g CO2e per
kWh, footprint/factors), so its PCF is 2 x the valve's PCF as served + 1,000 x 0.03075 kg. Only the valves are
primary data, each with the valve's own primary data share s, so the skid's share is
2 x PCF_valve x s / PCF_skid (PACT's emission-weighted rule).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

import pytest
from server_support import postgres_schema, running, self_signed_cert

import footprint as fp
from footprint.server import add_client, create_app, publish_products

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from examples.pact_pull import SKID  # the skid product file, as the example builds it

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """Three databases: the sub-supplier's, the supplier's, the customer's."""
    if request.param == "sqlite":
        yield [str(tmp_path / f"{who}.db") for who in ("valve-maker", "skid-builder", "operator")]
        return
    with ExitStack() as stack:
        yield [stack.enter_context(postgres_schema()) for _ in range(3)]


def test_a_footprint_travels_two_tiers(databases: list[str], tmp_path: Path) -> None:
    """Valve maker -> skid builder -> operator, each hop over HTTPS with the receiver's own credentials."""
    maker_db, builder_db, operator_db = databases
    cert = self_signed_cert(tmp_path)
    trust = str(cert[0])
    builder_at_maker = add_client(maker_db, "skid-builder", ["footprint:list", "footprint:read"])
    operator_at_builder = add_client(builder_db, "operator", ["footprint:list", "footprint:read"])
    (valve,) = publish_products(
        maker_db, [str(ROOT / "examples" / "subsea_gate_valve.yaml")], company_name="Valve maker AS",
        company_ids=["valve-maker"], share_with=["skid-builder"], library=fp.default_library(),
        pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1,
                      "product_name": "Subsea gate valve SGV-5"},
    )  # fmt: skip
    with running(create_app(maker_db), cert) as maker_url, running(create_app(builder_db), cert) as builder_url:
        pulled = fp.pull_footprints(maker_url, *builder_at_maker, db=builder_db, verify=trust)
        assert pulled.new == (valve["id"],)
        (skid_file := tmp_path / "skid.yaml").write_text(SKID, encoding="utf-8")
        lib = fp.pulled_factors(builder_db).merge(fp.default_library())
        (skid,) = publish_products(
            builder_db, [str(skid_file)], company_name="Skid builder AS", company_ids=["skid-builder"],
            share_with=["operator"], library=lib,
            pact_options={"company_domain": "skid-builder.example", "fossil_carbon_content": 12.2,
                          "product_mass_per_declared_unit": 2 * float(valve["pcf"]["productMassPerDeclaredUnit"])},
        )  # fmt: skip
        got = fp.pull_footprints(builder_url, *operator_at_builder, db=operator_db, verify=trust)
    assert got.new == (skid["id"],)
    (served,) = fp.pulled_footprints(operator_db)
    assert (served.host, served.document["companyName"]) == (builder_url, "Skid builder AS")
    valve_pcf = Decimal(valve["pcf"]["pcfExcludingBiogenicUptake"])
    expected = 2 * valve_pcf + Decimal("1000") * Decimal("0.03075")
    assert Decimal(served.document["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(expected, abs=Decimal("1e-6"))
    share = 2 * valve_pcf * Decimal(valve["pcf"]["primaryDataShare"]) / expected
    assert Decimal(served.document["pcf"]["primaryDataShare"]) == pytest.approx(share, abs=Decimal("1e-4"))
    with fp.Ledger(builder_db) as ledger:  # the skid's full result is in the supplier's ledger, naming the valve
        (snap,) = ledger.history("skid-2v", "2025")
    assert valve["id"] in {row.footprint_id for row in snap.result.contributions}
