"""A PACT v3 host in a few lines: publish the subsea gate valve's footprint for one customer, serve it over
HTTPS on 127.0.0.1, and read it back as that customer would, with an OAuth token.

    pip install ".[server]" cryptography
    python examples/pact_host.py

In production the same steps are commands: ``footprint clients add``, ``footprint publish`` and
``footprint serve --ssl-certfile ... --ssl-keyfile ...`` (docs/server.md).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import footprint as fp
from footprint.server import add_client, create_app, publish_products

HERE = Path(__file__).resolve().parent


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, valid one day (a real host uses one from its CA)."""
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
    return folder / "cert.pem", folder / "key.pem"


def main() -> None:
    """Publish, serve, and read back."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = str(folder / "footprint.db")
        client_id, secret = add_client(db, "acme-procurement", ["footprint:list", "footprint:read"])
        (pf,) = publish_products(
            db, [str(HERE / "subsea_gate_valve.yaml")], company_name="Valve maker AS", company_ids=["valve-maker"],
            share_with=["acme-procurement"], library=fp.default_library(), prefolded="report",
            pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1},
        )  # fmt: skip
        cert, key = self_signed(folder)
        config = uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning", access_log=False,
                                ssl_certfile=str(cert), ssl_keyfile=str(key))  # fmt: skip
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        trust = ssl.create_default_context(cafile=str(cert))
        with httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=trust) as customer:
            token = customer.post(
                "/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
            ).json()["access_token"]
            listed = customer.get("/3/footprints", headers={"Authorization": f"Bearer {token}"}).json()["data"]
        server.should_exit = True
        thread.join()
    (served,) = listed
    assert served["id"] == pf["id"]
    print(f"served {served['id']}: {served['productNameCompany']}")
    print(f"  {served['pcf']['pcfExcludingBiogenicUptake']} kg CO2e per {served['pcf']['declaredUnitOfMeasurement']}")


if __name__ == "__main__":
    main()
