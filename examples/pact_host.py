"""A PACT v3 host in a few lines: publish the subsea gate valve's footprint for one customer, serve it over
HTTPS on 127.0.0.1, and read it back as that customer would, with an OAuth token.

    pip install ".[server]" cryptography
    python examples/pact_host.py

In production the same steps are commands: ``footprint clients add``, ``footprint publish`` and
``footprint serve --ssl-certfile ... --ssl-keyfile ...`` (docs/server.md).
"""

from __future__ import annotations

import ssl
import tempfile
from pathlib import Path

import httpx

import footprint as fp
from footprint.server import add_client, create_app, publish_products, self_signed_certificate, serve_in_thread

HERE = Path(__file__).resolve().parent


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
        cert, key = self_signed_certificate(folder)  # a real host uses one from its certificate authority
        with serve_in_thread(create_app(db), certfile=cert, keyfile=key) as url:
            trust = ssl.create_default_context(cafile=str(cert))
            with httpx.Client(base_url=url, verify=trust) as customer:
                token = customer.post(
                    "/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
                ).json()["access_token"]
                listed = customer.get("/3/footprints", headers={"Authorization": f"Bearer {token}"}).json()["data"]
    (served,) = listed
    assert served["id"] == pf["id"]
    print(f"served {served['id']}: {served['productNameCompany']}")
    print(f"  {served['pcf']['pcfExcludingBiogenicUptake']} kg CO2e per {served['pcf']['declaredUnitOfMeasurement']}")


if __name__ == "__main__":
    main()
