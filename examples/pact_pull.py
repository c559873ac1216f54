"""Supplier footprints over PACT, two tiers: a valve maker publishes its valve on its PACT host, a skid builder
pulls it into its ledger, builds a skid of two valves with it as primary data and publishes the skid on its
own host, and an operator pulls the skid. Both hosts run here on 127.0.0.1 over HTTPS.

    pip install ".[server]" cryptography
    python examples/pact_pull.py

In production each step is a command: ``footprint publish``, ``footprint serve``, and
``footprint pact pull URL --client-id ... --client-secret ... --to suppliers.pact.json`` (docs/server.md).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import footprint as fp
from footprint.server import add_client, create_app, publish_products

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


def self_signed(folder: Path) -> Path:
    """A certificate and key for 127.0.0.1, valid one day (a real host uses one from its CA); the cert's path."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (folder / "key.pem").write_bytes(pem)
    return folder / "cert.pem"


@contextmanager
def serve(db: str, cert: Path) -> Iterator[str]:
    """``footprint serve`` on ``db`` in a thread, on a free loopback port; its URL."""
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning", access_log=False,
                            ssl_certfile=str(cert), ssl_keyfile=str(cert.with_name("key.pem")))  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"https://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()


def main() -> None:
    """Publish, pull, build, publish, pull."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        maker_db, builder_db, operator_db = (str(folder / f"{who}.db") for who in ("maker", "builder", "operator"))
        cert = self_signed(folder)
        builder_login = add_client(maker_db, "skid-builder", ["footprint:list", "footprint:read"])
        operator_login = add_client(builder_db, "operator", ["footprint:list", "footprint:read"])
        (valve,) = publish_products(
            maker_db, [str(HERE / "subsea_gate_valve.yaml")], company_name="Valve maker AS",
            company_ids=["valve-maker"], share_with=["skid-builder"], library=fp.default_library(),
            pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1,
                          "product_name": "Subsea gate valve SGV-5"},
        )  # fmt: skip
        print(f"valve maker published {valve['id']}: {valve['pcf']['pcfExcludingBiogenicUptake']} kg CO2e per piece")
        with serve(maker_db, cert) as maker_url, serve(builder_db, cert) as builder_url:
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
