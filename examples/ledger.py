"""A ledger of footprint snapshots: record the subsea gate valve, record a revision, check the hash chain.

The ledger is an SQLite file here (the embedded default). Set FOOTPRINT_DB to a PostgreSQL URL, e.g.
``postgresql://postgres@127.0.0.1:5432/test``, and the same code records into PostgreSQL instead.
"""

import os
import tempfile
from pathlib import Path

import footprint as fp

ROOT = Path(__file__).resolve().parent
valve = fp.load_product(ROOT / "subsea_gate_valve.yaml")
library = fp.default_library()
first = fp.calculate(valve, library, prefolded="report")
revised = fp.calculate(valve, library, prefolded="report", quantity=2)  # a revised figure: two valves delivered

with tempfile.TemporaryDirectory() as tmp:
    target = os.environ.get("FOOTPRINT_DB") or str(Path(tmp) / "ledger.db")
    with fp.Ledger(target) as ledger:
        v1 = ledger.record(first, "2025", note="EPD draft")
        v2 = ledger.record(revised, " 2025 ", note="two valves")  # the period is stored as "2025"
        print(f"{v1.product_id} 2025: version {v1.version} {v1.total_kgco2e:,.1f} kg CO2e")
        print(
            f"{v2.product_id} {v2.period}: version {v2.version} {v2.total_kgco2e:,.1f} kg CO2e, supersedes {v2.supersedes}"
        )
        print(f"verified: {ledger.verify()} snapshots, every content hash chained to the one before")
