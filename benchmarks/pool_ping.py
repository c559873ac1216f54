"""What the liveness check of the service's PostgreSQL pool costs per request: a list and a get of the PACT
host (``Store.list_documents``, ``Store.shared_document``) timed with ``pool_pre_ping`` (a ``SELECT 1`` round
trip at every checkout) and without, alternating in rounds in the same run, on a new schema of its own.

    python benchmarks/pool_ping.py [--db postgresql://postgres@127.0.0.1:5432/test] [--calls 2000]
        [--out benchmarks/results/pool_ping.json]

Prints (and writes to ``--out``), per query and per pool, the median over rounds of the median wall time and
of the CPU time of this process per call, and the load average before and after (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid
from collections.abc import Callable

import psycopg
import sqlalchemy as sa

from footprint.server import Store


def _timed(call: Callable[[], object], calls: int) -> tuple[float, float]:
    """Median wall and mean CPU seconds per call over ``calls`` calls."""
    walls = []
    cpu0 = time.process_time()
    for _ in range(calls):
        t0 = time.perf_counter()
        call()
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls), (time.process_time() - cpu0) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default=None, help="a JSON file for the results")
    args = parser.parse_args()
    schema = f"bench_ping_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(args.db, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            store = Store(f"{args.db}?options=-csearch_path%3D{schema}")
            engines = {
                "pre_ping": sa.create_engine(store.url, pool_pre_ping=True),
                "no_ping": sa.create_engine(store.url, pool_pre_ping=False),
            }
            queries: dict[str, Callable[[], object]] = {
                "list": lambda: store.list_documents("someone", [], 0, 50),
                "get": lambda: store.shared_document(str(uuid.UUID(int=1)), "someone"),
            }
            results: dict[tuple[str, str], list[tuple[float, float]]] = {}
            load_before = os.getloadavg()
            print(f"load average {load_before}")
            for _ in range(args.rounds):
                for pool, engine in engines.items():
                    store.engine = engine
                    for name, query in queries.items():
                        query()  # a warm connection
                        results.setdefault((name, pool), []).append(_timed(query, args.calls))
            rows = []
            for (name, pool), runs in sorted(results.items()):
                wall = statistics.median(w for w, _ in runs) * 1e6
                cpu = statistics.median(c for _, c in runs) * 1e6
                rows.append({"query": name, "pool": pool, "wall_us": round(wall, 1), "cpu_us": round(cpu, 1)})
                print(f"{name:5} {pool:9} wall {wall:7.1f} us/call   cpu {cpu:7.1f} us/call")
            load_after = os.getloadavg()
            print(f"load average {load_after}")
            if args.out:
                report = {"calls": args.calls, "rounds": args.rounds, "cpus": os.cpu_count(), "results": rows,
                          "load_average": [load_before, load_after]}  # fmt: skip
                with open(args.out, "w", encoding="utf-8") as f:
                    json.dump(report, f, indent=1)
            for engine in engines.values():
                engine.dispose()
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
