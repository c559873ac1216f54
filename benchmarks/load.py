"""The service under load, on loopback: ``footprint serve --workers 2`` on SQLite or PostgreSQL, called by 50
concurrent clients (asyncio, a minimal HTTP/1.1 client) sending 10,000 requests mixed as 20% calculate (the valve,
examples/subsea_gate_valve.yaml), 40% list with filters and 40% get; then a writer killed mid-publish.

    python benchmarks/load.py --db sqlite --out benchmarks/results/load-sqlite-2core.json
    python benchmarks/load.py --db postgresql --out benchmarks/results/load-postgresql-2core.json
    python benchmarks/load.py --clients 2 --requests 50 --kill-after 0      # a smoke run
    python benchmarks/load.py --rate 100 --kill-after 0                    # open loop: 100 arrivals/s

Closed loop (the default): each of the 50 clients sends its next request when its answer has arrived, so the
latency is the number of requests in flight divided by the throughput (Little's law): with 50 clients, p50
latency is about 50 / throughput whatever the server's own speed. Open loop (``--rate R``): requests arrive on
a fixed schedule, R per second, whether or not earlier ones were answered; each latency is measured from the
request's scheduled time (so a late send counts against the server, no coordinated omission). The two answer
different questions; the report says which one it is (``mode``).

The output (JSON) has, per endpoint, the requests, errors, client-side p50/p90/p99/max latency (from sending
the request to the last byte of the answer, queueing included) and the server's own time per request (from its
access log: routing, checks, database, serialisation); the throughput; and the machine's conditions (cores, load
average before and after, the machine's CPU seconds during the run: this service's, its calculation processes'
included, the load generator's and everything else's; versions). ``--calc-processes 0`` has the workers
calculate in their thread pool instead of a calculation process each, for a comparison. Plain HTTP on loopback
(``--insecure-http``): TLS is not measured.

The kill check: a writer process publishes the valve again and again (each time with another amount of
final-assembly electricity, so each publish is a new ledger version and a new PACT footprint superseding the
last), printing the id of each publish once it returned; after ``--kill-after`` acknowledged publishes it is
sent SIGKILL mid-publish, and so is one of the server's workers. Then the ledger must verify (versions 1..N
without gaps, the hash chain intact), every acknowledged footprint must be served, and the ledger must hold a
snapshot for each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
POSTGRES = os.environ.get("FOOTPRINT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "load-secret-0123456789"
GEOGRAPHIES = ("NO", "GB", "DE")
#: The request mix: of every 10 requests, 2 calculate, 4 list, 4 get.
MIX = ("calculate", "calculate", "list", "list", "list", "list", "get", "get", "get", "get")


@contextmanager
def database(kind: str, folder: Path) -> Any:
    """An SQLite file in ``folder`` or a new PostgreSQL schema (dropped afterwards)."""
    if kind == "sqlite":
        yield str(folder / "load.db")
        return
    import psycopg

    name = f"load_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {name}")
        try:
            yield f"{POSTGRES}?options=-csearch_path%3D{name}"
        finally:
            admin.execute(f"DROP SCHEMA {name} CASCADE")


def prepare(url: str, footprints: int) -> dict[str, Any]:
    """A client ``load`` and ``footprints`` PACT footprints of the valve (products p0, p1 ...; geographies
    NO, GB, DE in turn), shared with it."""
    import datetime as dt

    import footprint as fp
    from footprint.server import ALL_SCOPES, Store
    from footprint.server._auth import hash_secret

    lib = fp.default_library()
    result = fp.calculate(fp.load_product(VALVE), lib, prefolded="report")
    store = Store(url)
    try:
        client_id = store.add_client("load", hash_secret(SECRET), ALL_SCOPES)
        ids = []
        for k in range(footprints):
            pf = fp.to_pact(
                result, company_name="Valve maker AS", company_ids=["urn:pact:company:customcode:supplier-id:vm"],
                product_ids=[f"urn:pact:valve-maker.example:supplier-id:p{k}"], library=lib,
                reference_period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), fossil_carbon_content=6.1,
                geography=GEOGRAPHIES[k % 3],
            )  # fmt: skip
            store.publish(pf, f"p{k}", ["load"], None)
            ids.append(pf["id"])
    finally:
        store.close()
    return {"client_id": client_id, "ids": ids}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(url: str, workers: int, log: Path) -> Any:
    """``footprint serve`` in its own process group (with ``OPTIONS["calc_processes"]`` calculation processes
    per worker); yields (base URL, process)."""
    port = free_port()
    cmd = [sys.executable, "-m", "footprint", "serve", "--db", url, "--insecure-http", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers)]  # fmt: skip
    with log.open("w") as err:
        env = {**os.environ, "FOOTPRINT_SERVER_CALC_PROCESSES": str(OPTIONS["calc_processes"])}
        proc = subprocess.Popen(cmd, stderr=err, stdout=subprocess.DEVNULL, start_new_session=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield base, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("footprint serve exited; see its log")
        try:
            if httpx.get(f"{base}/v1/version", timeout=2).status_code == 200:
                time.sleep(1.0)  # every worker up, not only the first
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("footprint serve did not start within 60 s")


def token(base: str, client_id: str) -> str:
    import httpx

    r = httpx.post(f"{base}/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, SECRET))
    r.raise_for_status()
    return str(r.json()["access_token"])


def _valve_json() -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = json.loads(json.dumps(yaml.safe_load(VALVE.read_text(encoding="utf-8")), default=str))
    return data


def _request(kind: str, i: int, ids: list[str], n: int = 0) -> tuple[str, str, dict[str, Any]]:
    """A request of ``kind`` from the ``i``-th block of the mix, the ``n``-th request in all: method, path and
    arguments (``params`` or ``content`` and ``headers``; filters and ids vary with ``i``, a distinct
    calculation's quantity with ``n``: the two calculations of a block are two calculations)."""
    if kind == "calculate":
        # with DISTINCT, each request asks for another quantity: no two bodies alike, no answer kept is reused
        body = b'{"quantity": %d, ' % (n + 1) + CALC_BODY[1:] if OPTIONS["distinct"] else CALC_BODY
        return "POST", "/v1/calculate", {"content": body, "headers": {"Content-Type": "application/json"}}
    if kind == "get":
        return "GET", f"/3/footprints/{ids[i % len(ids)]}", {}
    filters: list[dict[str, Any]] = [
        {"geography": GEOGRAPHIES[i % 3], "limit": 10},
        {"productId": f"urn:pact:valve-maker.example:supplier-id:p{i % len(ids)}"},
        {"status": "Active", "validOn": "2027-06-01T00:00:00Z", "limit": 20},
        {"companyId": "urn:pact:company:customcode:supplier-id:vm", "limit": 5, "offset": i % len(ids)},
    ]
    return "GET", "/3/footprints", {"params": filters[i % len(filters)]}


CALC_BODY = json.dumps({"product": _valve_json(), "prefolded": "report"}).encode()
#: ``distinct``: whether every calculate request is a distinct one (``--distinct-calculations``);
#: ``calc_processes``: calculation processes per worker (``--calc-processes``; 0: the worker's thread pool).
OPTIONS = {"distinct": False, "calc_processes": 1}


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams, for the load only: httpx costs the load generator
    about as much CPU per request as the server spends answering it, and both share the same two cores. This
    client writes the request line and headers itself and reads the status, ``Content-Length`` and body. A
    connection is reused unless it has been idle for 2 s: uvicorn closes one idle for 5 s, and reusing it at
    that moment would be an error of the client's making."""

    def __init__(self, base: str, bearer: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.fixed = f"Host: {self.host}:{self.port}\r\nAuthorization: Bearer {bearer}\r\n"
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def request(self, method: str, path: str, kw: dict[str, Any]) -> int:
        """Send one request (``kw``: ``params``, or ``content`` with ``headers``); its status code."""
        from urllib.parse import urlencode

        target = f"{path}?{urlencode(kw['params'])}" if kw.get("params") else path
        body: bytes = kw.get("content", b"")
        head = f"{method} {target} HTTP/1.1\r\n{self.fixed}"
        if body:
            head += f"Content-Type: {kw['headers']['Content-Type']}\r\nContent-Length: {len(body)}\r\n"
        reader, writer = await self._connection()
        try:
            writer.write(head.encode() + b"\r\n" + body)
            lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            fields = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
            fields = {k.strip().lower(): v.strip() for k, v in fields.items()}
            await reader.readexactly(int(fields["content-length"]))
        except BaseException:
            writer.close()
            raise
        if fields.get("connection", "").lower() == "close":
            writer.close()
        else:
            self.idle.append((reader, writer, time.monotonic()))
        return status

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """The most recently used idle connection not idle for over 2 s, or a new one."""
        while self.idle:
            reader, writer, since = self.idle.pop()
            if time.monotonic() - since < 2.0:
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        """Close every idle connection."""
        for _reader, writer, _since in self.idle:
            writer.close()


_FAILURES = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, KeyError, ValueError)


async def _send(http: RawClient, kind: str, i: int, ids: list[str], since: float, got: dict[str, Any]) -> None:
    """One request of the mix, its latency from ``since`` and its outcome recorded in ``got``."""
    method, path, kw = _request(kind, i // len(MIX), ids, i)
    try:
        code = await http.request(method, path, kw)
        ok, status = code == 200, str(code)
    except _FAILURES as e:
        ok, status = False, type(e).__name__
    got["statuses"][status] = got["statuses"].get(status, 0) + 1
    got["samples"][kind].append((time.perf_counter() - since) * 1000)
    got["errors"][kind] += not ok


def _empty() -> dict[str, Any]:
    samples: dict[str, list[float]] = {k: [] for k in set(MIX)}
    return {"samples": samples, "errors": dict.fromkeys(samples, 0), "statuses": {}}


async def load(base: str, bearer: str, ids: list[str], clients: int, requests: int, first: int = 0) -> dict[str, Any]:
    """Closed loop: ``requests`` requests (numbered from ``first``) from ``clients`` concurrent clients, each
    sending its next request when its answer has arrived; latencies (ms) and failures per kind."""
    got = _empty()
    counter = iter(range(first, first + requests))
    http = RawClient(base, bearer)

    async def client() -> None:
        for i in counter:
            await _send(http, MIX[i % len(MIX)], i, ids, time.perf_counter(), got)

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    got["wall_s"] = time.perf_counter() - t0
    http.close()
    return got


async def load_open(base: str, bearer: str, ids: list[str], rate: float, requests: int) -> dict[str, Any]:
    """Open loop: ``requests`` requests arriving ``rate`` per second on a fixed schedule, whether or not earlier
    ones were answered; latencies (ms) from each request's scheduled time, and failures per kind."""
    got = _empty()
    http = RawClient(base, bearer)
    t0 = time.perf_counter()
    tasks = []
    for i in range(requests):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_send(http, MIX[i % len(MIX)], i, ids, due, got)))
    await asyncio.gather(*tasks)
    got["wall_s"] = time.perf_counter() - t0
    http.close()
    return got


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU seconds of processes so far (from /proc; 0 for one that has gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has been busy so far (from /proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p90, p99 and max of ``values`` (nearest rank), in ms to 0.1."""
    if not values:
        return {}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(p / 100 * len(ordered) + 0.5) - 1))], 1)

    return {"p50": rank(50), "p90": rank(90), "p99": rank(99), "max": round(ordered[-1], 1),
            "mean": round(statistics.fmean(ordered), 1)}  # fmt: skip


def server_times(log: Path) -> dict[str, dict[str, float]]:
    """The server's own milliseconds per request, by endpoint, from the access log."""
    kinds: dict[str, list[float]] = {"calculate": [], "list": [], "get": []}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        rec = json.loads(line)
        path = rec.get("path", "")
        kind = "calculate" if path == "/v1/calculate" else "list" if path == "/3/footprints" else None
        kind = kind or ("get" if path.startswith("/3/footprints/") else None)
        if kind:
            kinds[kind].append(float(rec["ms"]))
    return {k: percentiles(v) for k, v in kinds.items()}


def publisher(url: str) -> None:
    """The writer of the kill check (its own process): publish the valve with 1800, 1801, ... kWh of final
    assembly electricity, printing each footprint's id once its publish returned."""
    import footprint as fp
    from footprint.server import publish_products

    lib = fp.default_library()
    text = VALVE.read_text(encoding="utf-8")
    folder = Path(tempfile.mkdtemp())
    for k in range(1_000_000):
        path = folder / "valve.yaml"
        path.write_text(text.replace("quantity: 1800 kWh", f"quantity: {1800 + k} kWh"), encoding="utf-8")
        (pf,) = publish_products(url, [str(path)], company_name="Valve maker AS", library=lib, prefolded="report",
                                 company_ids=["urn:pact:company:customcode:supplier-id:vm"], share_with=["load"],
                                 pact_options={"fossil_carbon_content": 6.1, "company_domain": "valve-maker.example"})  # fmt: skip
        print(pf["id"], flush=True)


def _workers(master: int) -> list[int]:
    """The worker processes of uvicorn's master (not multiprocessing's resource tracker)."""
    found = []
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"resource_tracker" not in cmd:
            found.append(int(child))
    return found


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``: uvicorn's workers and their calculation processes (started by any of a
    process's threads: /proc lists children by the thread that started them)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return [p for c in children for p in (c, *_descendants(c))]


def kill_check(url: str, base: str, server: subprocess.Popen[bytes], bearer: str, after: int) -> dict[str, Any]:
    """Kill the writer mid-publish after ``after`` acknowledged publishes, and one server worker; then check
    the ledger and the footprints served."""
    import random

    import httpx
    import sqlalchemy as sa

    import footprint as fp
    from footprint._ledger_schema import engine_url
    from footprint._ledger_schema import snapshots as t

    writer = subprocess.Popen([sys.executable, __file__, "--publisher", url], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    acked = [writer.stdout.readline().strip() for _ in range(after)]
    time.sleep(random.Random(after).uniform(0.05, 0.4))  # somewhere inside the next publish
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    victims = _workers(server.pid)
    os.kill(victims[0], signal.SIGKILL)
    time.sleep(3)  # uvicorn's supervisor starts a new worker
    with fp.Ledger(url) as ledger:
        verified = ledger.verify()
        versions = [s.version for s in ledger.history("sgv-5-10k")]
    engine = sa.create_engine(engine_url(url))
    with engine.connect() as conn:
        notes = set(conn.execute(sa.select(t.c.note).where(t.c.product_id == "sgv-5-10k")).scalars())
    engine.dispose()
    served = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {bearer}"}, timeout=30) as http:
        for pf_id in acked:
            served += http.get(f"/3/footprints/{pf_id}").status_code == 200
        listed = http.get("/3/footprints", params={"productId": "urn:pact:valve-maker.example:supplier-id:sgv-5-10k",
                                                   "status": "Active"}).json()["data"]  # fmt: skip
    in_ledger = sum(f"published as PACT footprint {pf_id}" in notes for pf_id in acked)
    return {
        "acknowledged_publishes": len(acked),
        "acknowledged_served_after_kill": served,
        "acknowledged_in_ledger": in_ledger,
        "ledger_snapshots_verified": verified,
        "valve_versions": versions,
        "versions_without_gaps": versions == list(range(1, len(versions) + 1)),
        "active_footprints_of_the_valve": len(listed),
        "worker_killed": victims[0],
        "workers_after": len(_workers(server.pid)),
    }


def conditions() -> dict[str, Any]:
    """What the numbers were measured on."""
    import footprint as fp

    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "footprint": fp.__version__, "commit": rev.strip(), "loadavg_before": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


def run(
    kind: str, clients: int, requests: int, workers: int, footprints: int, kill_after: int, rate: float | None = None
) -> dict[str, Any]:
    """The whole benchmark on one database, closed loop with ``clients`` or open loop at ``rate`` requests per
    second; its report."""
    mode = {"mode": "closed loop", "clients": clients} if rate is None else {"mode": "open loop", "rate_rps": rate}
    mode["distinct_calculations"] = OPTIONS["distinct"]
    mode["calc_processes_per_worker"] = OPTIONS["calc_processes"]
    report: dict[str, Any] = {"database": kind, **mode, "requests": requests, "workers": workers,
                              "footprints": footprints, "mix": {k: MIX.count(k) / len(MIX) for k in set(MIX)},
                              "conditions": conditions()}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp)) as url:
        setup = prepare(url, footprints)
        log = Path(tmp) / "serve.log"
        with serving(url, workers, log) as (base, server):
            bearer = token(base, setup["client_id"])
            # warm every worker, with requests numbered apart from those measured (no calculation in common)
            asyncio.run(load(base, bearer, setup["ids"], workers * 2, 20 * len(MIX), first=1_000_000))
            warm = len(log.read_text().splitlines())
            pids = [server.pid, *_descendants(server.pid)]  # the calculation processes too
            cpu0, own0, busy0 = cpu_seconds(pids), time.process_time(), machine_busy_seconds()
            if rate is None:
                got = asyncio.run(load(base, bearer, setup["ids"], clients, requests))
            else:
                got = asyncio.run(load_open(base, bearer, setup["ids"], rate, requests))
            server_cpu, client_cpu = cpu_seconds(pids) - cpu0, time.process_time() - own0
            busy = machine_busy_seconds() - busy0
            report["conditions"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
            # the machine's CPU during the run: this service's processes, this load generator, and everything
            # else (other work on the machine; PostgreSQL's own processes are counted there too)
            report["conditions"]["cpu_s_during_run"] = {
                "cores_x_wall": round((os.cpu_count() or 1) * got["wall_s"], 1), "busy": round(busy, 1),
                "server": round(server_cpu, 1), "load_generator": round(client_cpu, 1),
                "other": round(busy - server_cpu - client_cpu, 1),
            }  # fmt: skip
            # CPU per request of the server's processes and of this load generator (the same 2 cores serve both)
            report["cpu_ms_per_request"] = {"server": round(server_cpu / requests * 1000, 2),
                                            "client": round(client_cpu / requests * 1000, 2)}  # fmt: skip
            lines = log.read_text().splitlines()[warm:]
            (Path(tmp) / "measured.log").write_text("\n".join(lines) + "\n")
            report["wall_s"] = round(got["wall_s"], 2)
            report["throughput_rps"] = round(requests / got["wall_s"], 1)
            report["errors"] = sum(got["errors"].values())
            report["statuses"] = got["statuses"]
            report["client_ms"] = {k: {"requests": len(v), "errors": got["errors"][k], **percentiles(v)}
                                   for k, v in sorted(got["samples"].items())}  # fmt: skip
            report["server_ms"] = server_times(Path(tmp) / "measured.log")
            if kill_after:
                report["kill"] = kill_check(url, base, server, bearer, kill_after)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--footprints", type=int, default=30, help="PACT footprints in the database")
    parser.add_argument("--kill-after", type=int, default=5, help="acknowledged publishes before the kill; 0: none")
    parser.add_argument("--rate", type=float, help="open loop: requests arriving per second (instead of --clients)")
    parser.add_argument("--distinct-calculations", action="store_true",
                        help="each calculate request asks for another quantity, so every one is calculated")  # fmt: skip
    parser.add_argument("--calc-processes", type=int, default=1,
                        help="calculation processes per worker (0: calculate in the worker's thread pool)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="write the report (JSON) here as well")
    parser.add_argument("--publisher", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publisher:
        publisher(args.publisher)
        return
    if args.rate is not None and args.rate <= 0:
        parser.error(f"--rate must be a positive number of requests per second; got {args.rate}")
    if args.calc_processes < 0:
        parser.error(f"--calc-processes must be 0 or more; got {args.calc_processes}")
    OPTIONS["distinct"] = args.distinct_calculations
    OPTIONS["calc_processes"] = args.calc_processes
    report = run(args.db, args.clients, args.requests, args.workers, args.footprints, args.kill_after, args.rate)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
