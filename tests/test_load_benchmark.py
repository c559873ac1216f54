"""The load benchmark (benchmarks/load.py) at a tiny size, so that it keeps working: 2 clients, 50 requests
against ``footprint serve --workers 2`` on SQLite, then the writer and a worker killed after 2 acknowledged
publishes. Timings are not asserted (they belong to the benchmark's report, not to a unit test); what is
asserted is that every request was answered 200, that each endpoint was measured, and the kill check's rules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_load_script_runs_at_a_tiny_size(tmp_path: Path) -> None:
    """50 requests in the mix 2:4:4 are 10 calculate, 20 list and 20 get. The writer is killed after its 2nd
    acknowledged publish, in a later one (it goes on publishing while the check sleeps before the kill), so
    the valve has at least 2 ledger versions, numbered from 1 without gaps, and one Active footprint."""
    out = tmp_path / "load.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--clients", "2", "--requests", "50",
           "--footprints", "6", "--kill-after", "2", "--out", str(out)]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=600, cwd=ROOT)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors"] == 0
    assert report["statuses"] == {"200": 50}
    assert {k: v["requests"] for k, v in report["client_ms"].items()} == {"calculate": 10, "list": 20, "get": 20}
    for kind in ("calculate", "list", "get"):
        assert report["client_ms"][kind]["p50"] <= report["client_ms"][kind]["p99"]
        assert report["server_ms"][kind]["p99"] > 0
    kill = report["kill"]
    assert (
        kill["acknowledged_publishes"] == kill["acknowledged_served_after_kill"] == kill["acknowledged_in_ledger"] == 2
    )
    assert len(kill["valve_versions"]) >= 2
    assert kill["valve_versions"] == list(range(1, len(kill["valve_versions"]) + 1))
    assert kill["versions_without_gaps"]
    assert kill["ledger_snapshots_verified"] == len(kill["valve_versions"])
    assert kill["active_footprints_of_the_valve"] == 1
    assert kill["workers_after"] == 2
