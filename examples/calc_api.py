"""The calculation API from another program: a catalogue sent as its three CSV tables, the valve's result
recorded in the service's ledger for 2025, and the roll-up per supplier read back, over HTTP with a token.

    pip install ".[server]"
    python examples/calc_api.py

Here the service runs in-process on 127.0.0.1 over plain HTTP for brevity; ``footprint serve`` with a
certificate is the real thing (docs/server.md).
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

import footprint as fp
from footprint.server import add_client, create_app

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Catalogue, record, roll-up."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "service.db")
        client_id, secret = add_client(db, "erp", ["footprint:calculate", "footprint:ledger"])
        server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        with httpx.Client(base_url=base, timeout=60) as api:
            token = api.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
            auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
            tables = {t: {"csv": (HERE / "catalogue" / f"{t}.csv").read_text(encoding="utf-8")}
                      for t in ("products", "bom", "activities")}  # fmt: skip
            catalogue = api.post("/v1/catalogue", json=tables, headers=auth).json()
            valve = fp.calculate(fp.load_product(HERE / "subsea_gate_valve.yaml"))
            body = {"result": json.loads(valve.model_dump_json()), "period": "2025", "note": "EPD draft"}
            snap = api.post("/v1/ledger/record", json=body, headers=auth).json()
            rollup = api.get("/v1/ledger/rollup", params={"period": "2025"}, headers=auth).json()["suppliers"]
        server.should_exit = True
        thread.join()
    print(f"catalogue: {len(catalogue['by_product'])} products, input hash {catalogue['input_hash'][:12]}...")
    for row in catalogue["by_supplier"]:
        print(f"  {row['supplier']:<16} {row['total_kgco2e']:>10,.1f} kg CO2e")
    print(f"recorded {snap['product_id']} {snap['period']} version {snap['version']}: {snap['total_kgco2e']:,.1f} kg")
    (row,) = rollup
    assert row["total_kgco2e"] == valve.total_kgco2e
    print(f"roll-up 2025: {row['products']} product(s), {row['total_kgco2e']:,.1f} kg CO2e")


if __name__ == "__main__":
    main()
