"""Supplier footprints over PACT, two tiers: a valve maker publishes its valve on its PACT host, a skid builder
pulls it into its ledger, builds a skid of two valves with it as primary data and publishes the skid on its
own host, and an operator pulls the skid. Both hosts run here on 127.0.0.1 over HTTPS.

    pip install ".[server]" cryptography
    python examples/pact_pull.py

In production each step is a command: ``footprint publish``, ``footprint serve``, and
``footprint pact pull URL --client-id ... --client-secret ... --to suppliers.pact.json`` (docs/server.md).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import footprint as fp
from footprint.server import add_client, create_app, publish_products, self_signed_certificate, serve_in_thread

HERE = Path(__file__).resolve().parent
SKID = """\
id: skid-2v
name: Valve skid, two subsea gate valves
declared_unit: 1 piece
reference_period: {start: 2025-01-01, end: 2025-12-31}
region: "NO"
items:
  - id: skid
    activities:
      - {factor: pact.valve-maker-as.subsea-gate-valve-sgv-5, quantity: 2 piece, module: A1, primary: true}
      - {factor: electricity.grid.no.ember, quantity: 1000 kWh, module: A3}   # assembly and testing
"""


def main() -> None:
    """Publish, pull, build, publish, pull."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        maker_db, builder_db, operator_db = (str(folder / f"{who}.db") for who in ("maker", "builder", "operator"))
        cert, key = self_signed_certificate(folder)  # a real host uses one from its certificate authority
        builder_login = add_client(maker_db, "skid-builder", ["footprint:list", "footprint:read"])
        operator_login = add_client(builder_db, "operator", ["footprint:list", "footprint:read"])
        (valve,) = publish_products(
            maker_db, [str(HERE / "subsea_gate_valve.yaml")], company_name="Valve maker AS",
            company_ids=["valve-maker"], share_with=["skid-builder"], library=fp.default_library(),
            pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1,
                          "product_name": "Subsea gate valve SGV-5"},
        )  # fmt: skip
        print(f"valve maker published {valve['id']}: {valve['pcf']['pcfExcludingBiogenicUptake']} kg CO2e per piece")
        with (
            serve_in_thread(create_app(maker_db), certfile=cert, keyfile=key) as maker_url,
            serve_in_thread(create_app(builder_db), certfile=cert, keyfile=key) as builder_url,
        ):
            pulled = fp.pull_footprints(maker_url, *builder_login, db=builder_db, verify=str(cert))
            print(f"skid builder pulled {len(pulled.new)} footprint(s) from {pulled.host}")
            lib = fp.pulled_factors(builder_db).merge(fp.default_library())
            (folder / "skid.yaml").write_text(SKID, encoding="utf-8")
            mass = 2 * float(valve["pcf"]["productMassPerDeclaredUnit"])
            (skid,) = publish_products(
                builder_db, [str(folder / "skid.yaml")], company_name="Skid builder AS", company_ids=["skid-builder"],
                share_with=["operator"], library=lib,
                pact_options={"company_domain": "skid-builder.example", "fossil_carbon_content": 12.2,
                              "product_mass_per_declared_unit": mass},
            )  # fmt: skip
            fp.pull_footprints(builder_url, *operator_login, db=operator_db, verify=str(cert))
        (got,) = fp.pulled_footprints(operator_db)
    pcf = got.document["pcf"]
    by_hand = 2 * float(valve["pcf"]["pcfExcludingBiogenicUptake"]) + 1000 * 0.03075
    assert got.id == skid["id"]
    assert abs(float(pcf["pcfExcludingBiogenicUptake"]) - by_hand) < 1e-6
    print(f"operator pulled {got.id} from {got.host} at {got.first_pulled}:")
    print(f"  {pcf['pcfExcludingBiogenicUptake']} kg CO2e per skid (2 x valve + 1000 kWh x 0.03075 = {by_hand:.7f})")
    print(f"  primary data {pcf['primaryDataShare']} % (the valves' own share, weighted by their emissions)")


if __name__ == "__main__":
    main()
