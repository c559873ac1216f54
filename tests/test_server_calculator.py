"""Calculations away from the event loop (``footprint.server._calculator``): in a child process of the worker
(``create_app(calc_processes=1)``, what ``footprint serve`` runs) the answers are the same bytes as in the
thread pool and as ``footprint.calculate``'s result, refusals keep their PACT error shape without a trace, and a
child that dies is replaced."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from server_support import running, self_signed_cert, tls_client, wait_until

import footprint as fp
from footprint.server import Store, create_app
from footprint.server._auth import hash_secret
from footprint.server._calculator import Calculator

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
SECRET = "calc-secret-0123456789"


def _valve() -> dict[str, Any]:
    """The example product as JSON data (YAML dates as ISO text)."""
    data: dict[str, Any] = json.loads(json.dumps(yaml.safe_load(VALVE.read_text(encoding="utf-8")), default=str))
    return data


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """Two running services on one SQLite ledger: ``child`` computes in one child process, ``threads`` in its
    thread pool; neither keeps answers, so every request is calculated."""
    from footprint.server._store import clients

    folder = tmp_path_factory.mktemp("calculator")
    url = str(folder / "calc.db")
    store = Store(url)
    store.add_client("calc", hash_secret(SECRET), ("footprint:calculate",))
    with store.engine.connect() as conn:
        (client_id,) = conn.execute(sa.select(clients.c.client_id)).scalars()
    cert = self_signed_cert(folder)
    child_app = create_app(url, kept_answers=0, calc_processes=1)
    thread_app = create_app(url, kept_answers=0)
    with (
        running(child_app, cert) as child_base,
        running(thread_app, cert) as thread_base,
        tls_client(child_base, cert[0]) as child,
        tls_client(thread_base, cert[0]) as threads,
    ):
        for c in (child, threads):
            r = c.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, SECRET))
            c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield SimpleNamespace(child=child, threads=threads, calculator=child_app.state.calculator)
    for app in (child_app, thread_app):
        app.state.store.close()
    store.close()


def test_a_calculation_in_a_child_process_answers_the_same_bytes(services: SimpleNamespace) -> None:
    """The valve calculated in a child process (another process id than the test's) answers byte for byte
    what the thread pool answers, and its numbers are footprint.calculate's exactly (the same function on the
    same inputs: equal floats, no tolerance); quantity 3 gives 3 x the per-unit total (the definition of
    quantity)."""
    (pid,) = services.calculator.children()
    assert pid != os.getpid()
    body = {"product": _valve(), "prefolded": "report"}
    in_child = services.child.post("/v1/calculate", json=body)
    in_thread = services.threads.post("/v1/calculate", json=body)
    assert in_child.status_code == in_thread.status_code == 200
    assert in_child.content == in_thread.content
    expected = fp.calculate(fp.load_product(VALVE), prefolded="report")
    assert in_child.json()["total_kgco2e"] == expected.total_kgco2e
    assert in_child.json()["input_hash"] == expected.input_hash
    three = services.child.post("/v1/calculate", json={**body, "quantity": 3.0}).json()
    assert three["total_kgco2e"] == pytest.approx(3 * expected.total_kgco2e, rel=1e-12)


def test_a_batch_in_a_child_process_answers_each_product_as_calculate_does(services: SimpleNamespace) -> None:
    """A batch of the valve and the valve with 2 pieces per unit computed in the child: the same bytes as the
    thread pool's, each result equal to footprint.calculate of that product (exact floats: the same function)."""
    one, two = _valve(), _valve()
    two["id"] = "sgv-double"
    body = {"products": [one, two], "prefolded": "report"}
    in_child = services.child.post("/v1/calculate/batch", json=body)
    in_thread = services.threads.post("/v1/calculate/batch", json=body)
    assert in_child.status_code == 200
    assert in_child.content == in_thread.content
    results = in_child.json()["results"]
    for got, product in zip(results, (one, two), strict=True):
        expected = fp.calculate(fp.Product.model_validate(product), prefolded="report")
        assert (got["product_id"], got["total_kgco2e"]) == (product["id"], expected.total_kgco2e)


@pytest.mark.parametrize(
    ("change", "status", "where"),
    [
        ({"gwp": "AR99"}, 400, "product"),  # an unknown GWP set: refused by the library, in the child
        ({"product": {**_valve(), "bom": {"file": "parts.csv"}}}, 400, "product: the service reads no BOM files"),
        ({"quantity": "2"}, 400, "invalid request (body.quantity"),  # strict JSON: a string is no number
        ({"factor_library_version": "0-other"}, 409, "factor library version '0-other' is not the server's"),
    ],
)
def test_a_refusal_from_the_child_keeps_its_error_shape(
    services: SimpleNamespace, change: dict[str, Any], status: int, where: str
) -> None:
    """A request the child refuses (read there, not on the event loop: its model, the factor library version,
    the library's checks) comes back as the thread pool answers it: the same status and PACT error body (code,
    message naming the field or product), and no trace of the child's Python."""
    body = {"product": _valve(), **change}
    in_child = services.child.post("/v1/calculate", json=body)
    in_thread = services.threads.post("/v1/calculate", json=body)
    assert in_child.status_code == in_thread.status_code == status
    assert in_child.json() == in_thread.json()
    assert in_child.json()["code"] == "BadRequest"
    assert in_child.json()["message"].startswith(where)
    assert "Traceback" not in in_child.text
    assert ".py" not in in_child.text


def test_a_body_that_is_not_json_is_refused_by_the_child(services: SimpleNamespace) -> None:
    """Bytes that are not JSON, sent as JSON, to the calculation and the batch: a 400 naming the body, as the
    thread pool answers it."""
    for path in ("/v1/calculate", "/v1/calculate/batch"):
        sent = {"content": b'{"product": ', "headers": {"Content-Type": "application/json"}}
        in_child, in_thread = services.child.post(path, **sent), services.threads.post(path, **sent)
        assert in_child.status_code == in_thread.status_code == 400
        assert in_child.json() == in_thread.json()
        assert in_child.json()["message"].startswith("invalid request (body: ")


def test_a_killed_child_is_replaced(services: SimpleNamespace) -> None:
    """With its calculation process killed (SIGKILL), the next request is answered 200 by a new child (another
    process id), with the same bytes as before the kill."""
    body = {"product": _valve(), "quantity": 2.0}
    before = services.child.post("/v1/calculate", json=body)
    (old,) = services.calculator.children()
    os.kill(old, signal.SIGKILL)
    after = services.child.post("/v1/calculate", json=body)
    assert after.status_code == 200
    assert after.content == before.content
    (new,) = services.calculator.children()
    assert new != old


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
def test_a_bad_number_of_processes_is_refused(bad: Any) -> None:
    """The number of calculation processes is a whole number, 0 or more; anything else is refused naming what
    was expected and what was given."""
    with pytest.raises(ValueError, match=r"whole number, 0 or more; got"):
        Calculator(None, bad)


def _ended(pid: int) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie not yet reaped by its new parent)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc (Linux)")
def test_a_child_ends_when_its_worker_is_killed(tmp_path: Path) -> None:
    """A worker killed outright (SIGKILL: no shutdown runs) leaves no calculation process behind: its child
    notices within seconds that its parent is gone, and ends."""
    script = tmp_path / "worker.py"
    script.write_text(
        "from footprint.server._calculator import Calculator\n"
        "if __name__ == '__main__':\n"
        "    c = Calculator(None, 1)\n"
        "    c.start()\n"
        "    print(*c.children(), flush=True)\n"
        "    import time; time.sleep(600)\n",
        encoding="utf-8",
    )
    with subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True) as worker:
        assert worker.stdout is not None
        (child,) = (int(p) for p in worker.stdout.readline().split())
        assert not _ended(child)
        worker.kill()
    wait_until(lambda: _ended(child), seconds=30)


YAML = {"Content-Type": "application/yaml"}


def test_a_yaml_body_is_read_in_the_child(services: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The valve posted as YAML to the calculation and the batch: with the worker's own YAML reader broken
    (the servers run in this process, the child does not), the child still answers 200, with the bytes the
    same request gets posted as JSON (YAML turned into the same JSON document is the same request)."""
    from footprint.server import _bodies

    def broken(_body: bytes) -> bytes:
        raise AssertionError("a YAML body of a calculation was read on the worker's event loop")

    requests = {
        "/v1/calculate": {"product": _valve(), "prefolded": "report", "gwp": "AR5"},
        "/v1/calculate/batch": {"products": [_valve()], "prefolded": "report"},
    }
    as_json = {path: services.child.post(path, json=body) for path, body in requests.items()}
    monkeypatch.setattr(_bodies, "yaml_to_json", broken)
    for path, body in requests.items():
        in_yaml = services.child.post(path, content=yaml.safe_dump(body), headers=YAML)
        assert in_yaml.status_code == as_json[path].status_code == 200
        assert in_yaml.content == as_json[path].content


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        (b"product: [unclosed\n", "the body is not valid YAML: "),  # a flow sequence never closed
        (b"\xff\xfe not utf-8", "the body is not valid YAML: "),  # not UTF-8 text
        (b'a: &a ["x","x"]\nproduct: [*a,*a]\n', "the body is not valid YAML: YAML a"),  # anchors refused
        (b"[" * 5000 + b"]" * 5000, "the body is not valid YAML: nested too deep"),  # nested beyond reading
        (b"- just\n- a list\n", "invalid request (body: "),  # valid YAML, not the model's object
    ],
)
def test_a_bad_yaml_body_is_refused_by_the_child(services: SimpleNamespace, sent: bytes, message: str) -> None:
    """A YAML body that cannot be read (malformed, not UTF-8, with anchors, nested 5,000 deep) or is not the
    request's model is refused by the child exactly as by the thread pool (status and body byte for byte): a
    400 saying why, without a trace of Python."""
    for path in ("/v1/calculate", "/v1/calculate/batch"):
        in_child = services.child.post(path, content=sent, headers=YAML)
        in_thread = services.threads.post(path, content=sent, headers=YAML)
        assert in_child.status_code == in_thread.status_code == 400
        assert in_child.content == in_thread.content
        assert in_child.json()["message"].startswith(message)
        assert "Traceback" not in in_child.text
        assert ".py" not in in_child.text


def test_an_oversized_yaml_body_is_refused_before_the_child(services: SimpleNamespace) -> None:
    """A YAML body over the limit (the default of 1,000,000 bytes, exceeded by one) is a 413 naming the limit,
    from the child's service as from the thread pool's, and the child is the same process afterwards."""
    (before,) = services.calculator.children()
    sent = b"#" + b" " * 1_000_000
    for path in ("/v1/calculate", "/v1/calculate/batch"):
        in_child = services.child.post(path, content=sent, headers=YAML)
        in_thread = services.threads.post(path, content=sent, headers=YAML)
        assert in_child.status_code == in_thread.status_code == 413
        assert in_child.content == in_thread.content
        assert in_child.json()["message"] == "request body larger than 1000000 bytes"
    assert services.calculator.children() == [before]


CATALOGUE = ROOT / "examples" / "catalogue"


def _tables() -> dict[str, Any]:
    """The example catalogue's three tables as CSV text."""
    return {t: {"csv": (CATALOGUE / f"{t}.csv").read_text(encoding="utf-8")} for t in ("products", "bom", "activities")}


def test_a_catalogue_is_calculated_in_the_child(services: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example catalogue posted to the child's service, with the worker's own catalogue calculation broken
    (the servers run in this process, the child does not): 200, the bytes the thread pool answers (posted as
    JSON, and as YAML), and per product footprint.calculate_catalogue's totals for the same files (exact
    floats: the same function on the same tables)."""
    from footprint.server import _catalogue_work

    body = _tables()
    in_thread = services.threads.post("/v1/catalogue", json=body)
    assert in_thread.status_code == 200, in_thread.text

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a catalogue was calculated in the worker")

    monkeypatch.setattr(_catalogue_work, "calculate_catalogue", broken)
    in_child = services.child.post("/v1/catalogue", json=body)
    as_yaml = services.child.post("/v1/catalogue", content=yaml.safe_dump(body), headers=YAML)
    assert in_child.status_code == as_yaml.status_code == 200
    assert in_child.content == as_yaml.content == in_thread.content
    expected = fp.calculate_catalogue(fp.prepare_catalogue(*(CATALOGUE / f"{t}.csv" for t in body)))
    got = {row["product"]: row["total_kgco2e"] for row in in_child.json()["by_product"]}
    assert got == expected.by_product["total_kgco2e"].to_dict()


def _bad_catalogues() -> list[tuple[Any, str]]:
    """Catalogue requests refused, each with the start of its message."""
    tables = _tables()
    bad_row = tables["activities"]["csv"].replace(
        "GV2-BODY,material.steel.carbon.global.worldsteel2024,320,",
        "GV2-BODY,material.steel.carbon.global.worldsteel2024,lots,",
        1,
    )
    return [
        ({**tables, "activities": {"csv": bad_row}}, "2 problems in catalogue:\n  - activities, row 3, field 'amount'"),
        ({**tables, "activities": {"csv": ""}}, "a table (products, bom or activities) cannot be read"),
        ({**tables, "activities": {"parquet_base64": "%%"}}, "activities.parquet_base64 is not base64"),
        ({**tables, "products": {"csv": "x", "rows": []}}, "invalid request (body.products"),  # two ways
        ({**tables, "factor_library_version": "0-other"}, "factor library version '0-other' is not the server's"),
        (b'{"products": ', "invalid request (body: "),  # not JSON
    ]


@pytest.mark.parametrize(("body", "message"), _bad_catalogues())
def test_a_bad_catalogue_is_refused_by_the_child(services: SimpleNamespace, body: Any, message: str) -> None:
    """A catalogue the child refuses (a bad row, a table that cannot be read, a table given two ways, another
    library version, a body that is not JSON) is answered as by the thread pool, byte for byte: the status,
    the PACT error body with its message, no trace of Python, and no temporary folder named."""
    sent = {"content": body} if isinstance(body, bytes) else {"json": body}
    headers = {"Content-Type": "application/json"}
    in_child = services.child.post("/v1/catalogue", headers=headers, **sent)
    in_thread = services.threads.post("/v1/catalogue", headers=headers, **sent)
    assert in_child.status_code == in_thread.status_code
    assert in_child.status_code in (400, 409)
    assert in_child.content == in_thread.content
    assert in_child.json()["message"].startswith(message)
    for trace in ("Traceback", ".py", "footprint-catalogue-"):
        assert trace not in in_child.text
