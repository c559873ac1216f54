"""The calculation API (``/v1``) over a real socket: the library's functions behind HTTP, their results
unchanged, and bad requests refused in the PACT error shape with nothing stored."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from server_support import running, self_signed_cert, tls_client

import footprint as fp
from footprint.server import Store, create_app
from footprint.server._auth import hash_secret

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
ALL = ("footprint:list", "footprint:read", "footprint:events", "footprint:calculate")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A running service on SQLite with a client ``calc`` (every scope) and ``reader`` (footprint:read)."""
    folder = tmp_path_factory.mktemp("calc")
    url = str(folder / "calc.db")
    store = Store(url)
    store.add_client("calc", hash_secret("calc-secret-0123456789"), ALL)
    store.add_client("reader", hash_secret("reader-secret-0123456789"), ("footprint:read",))
    ids = {row.name: row.client_id for row in _rows(store)}
    cert = self_signed_cert(folder)
    with running(create_app(url, max_body_bytes=200_000), cert) as base, tls_client(base, cert[0]) as c:
        tokens = {}
        for name in ("calc", "reader"):
            r = c.post("/auth/token", data={"grant_type": "client_credentials"},
                       auth=(ids[name], f"{name}-secret-0123456789"))  # fmt: skip
            tokens[name] = r.json()["access_token"]
        yield SimpleNamespace(client=c, auth={"Authorization": f"Bearer {tokens['calc']}"},
                              reader={"Authorization": f"Bearer {tokens['reader']}"}, store=store, url=url)  # fmt: skip
    store.close()


def _rows(store: Store) -> list[Any]:
    from footprint.server._store import clients

    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(clients)))


def _valve() -> dict[str, Any]:
    """The example product as JSON data (YAML dates as ISO text)."""
    data: dict[str, Any] = json.loads(json.dumps(yaml.safe_load(VALVE.read_text(encoding="utf-8")), default=str))
    return data


def test_calculate_returns_the_librarys_result_with_its_identity(service: SimpleNamespace) -> None:
    """The route adds no calculation: its answer is footprint.calculate's for the same product, with the
    input hash and library versions that make it reproducible."""
    r = service.client.post("/v1/calculate", json={"product": _valve(), "prefolded": "report"}, headers=service.auth)
    assert r.status_code == 200, r.text
    got = r.json()
    lib = fp.default_library()
    expected = fp.calculate(fp.load_product(VALVE), lib, prefolded="report")
    assert got["total_kgco2e"] == pytest.approx(expected.total_kgco2e, rel=1e-12)
    assert got["input_hash"] == expected.input_hash
    assert got["factor_library_version"] == lib.version
    assert got["footprint_version"] == fp.__version__
    assert got["gwp_set"] == "AR6"


def test_calculate_takes_yaml_too(service: SimpleNamespace) -> None:
    body = yaml.safe_dump({"product": _valve(), "prefolded": "report", "gwp": "AR5"})
    r = service.client.post("/v1/calculate", content=body,
                            headers={**service.auth, "Content-Type": "application/yaml"})  # fmt: skip
    assert r.status_code == 200, r.text
    expected = fp.calculate(fp.load_product(VALVE), gwp="AR5", prefolded="report")
    assert r.json()["total_kgco2e"] == pytest.approx(expected.total_kgco2e, rel=1e-12)
    assert r.json()["gwp_set"] == "AR5"


def test_batch_answers_in_order(service: SimpleNamespace) -> None:
    """Two products, the second the valve without its final-assembly electricity: the answer keeps their
    order and each total is the library's for that product."""
    one = _valve()
    two = json.loads(json.dumps(one))
    two["id"] = "valve-twice"
    del two["items"][0]["activities"][0]
    r = service.client.post(
        "/v1/calculate/batch", json={"products": [one, two], "prefolded": "report"}, headers=service.auth
    )
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["product_id"] for x in results] == [one["id"], "valve-twice"]
    for body, got in zip([one, two], results, strict=True):
        expected = fp.calculate(fp.Product.model_validate(body), prefolded="report")
        assert got["total_kgco2e"] == pytest.approx(expected.total_kgco2e, rel=1e-12)
    assert results[0]["total_kgco2e"] > results[1]["total_kgco2e"]


def test_factors_search_and_read(service: SimpleNamespace) -> None:
    r = service.client.get("/v1/factors", params={"q": "steel", "limit": 5}, headers=service.auth)
    assert r.status_code == 200
    found = r.json()["factors"]
    assert 0 < len(found) <= 5
    assert all("steel" in f"{f['id']} {f['name']} {f.get('notes') or ''} {f.get('table') or ''}".lower() for f in found)
    one = service.client.get(f"/v1/factors/{found[0]['id']}", headers=service.auth)
    assert one.json()["id"] == found[0]["id"]
    missing = service.client.get("/v1/factors/no.such.factor", headers=service.auth)
    assert (missing.status_code, missing.json()["code"]) == (404, "NotFound")


def test_openapi_document_is_generated_and_lists_the_routes(service: SimpleNamespace) -> None:
    doc = service.client.get("/openapi.json").json()
    assert {"/v1/calculate", "/v1/calculate/batch", "/v1/factors", "/3/footprints", "/3/footprints/{id}",
            "/3/events", "/auth/token"} <= set(doc["paths"])  # fmt: skip
    body = doc["paths"]["/v1/calculate"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/yaml"} <= set(body)


def _refused(service: SimpleNamespace, status: int, **kw: Any) -> dict[str, Any]:
    before = service.store.counts()
    r = service.client.post(kw.pop("path", "/v1/calculate"), **kw)
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert {"code", "message"} <= set(body)
    assert "Traceback" not in r.text
    assert service.store.counts() == before
    return body


def test_malformed_json_is_a_bad_request(service: SimpleNamespace) -> None:
    body = _refused(service, 400, content=b'{"product": ', headers={**service.auth, "Content-Type": "application/json"})
    assert body["code"] == "BadRequest"


def test_wrong_content_type_is_415(service: SimpleNamespace) -> None:
    _refused(service, 415, content=b"product=x", headers={**service.auth, "Content-Type": "text/plain"})


def test_yaml_aliases_are_refused(service: SimpleNamespace) -> None:
    """An alias bomb would grow a few hundred bytes into gigabytes of JSON."""
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nproduct: [*c,*c]\n'
    body = _refused(service, 400, content=bomb, headers={**service.auth, "Content-Type": "application/yaml"})
    assert "YAML" in body["message"]


def test_oversized_body_is_413(service: SimpleNamespace) -> None:
    _refused(
        service, 413, content=b"{" + b" " * 200_001 + b"}", headers={**service.auth, "Content-Type": "application/json"}
    )


def test_an_invalid_product_lists_its_problems(service: SimpleNamespace) -> None:
    product = _valve()
    product["items"][0]["activities"][0]["factor"] = "no.such.factor"
    body = _refused(service, 400, json={"product": product, "prefolded": "report"}, headers=service.auth)
    assert "no.such.factor" in body["message"]
    del product["items"]
    body = _refused(service, 400, json={"product": product}, headers=service.auth)
    assert any("items" in p["field"] for p in body["problems"])


def test_a_product_naming_a_bom_file_is_refused(service: SimpleNamespace) -> None:
    """The service never reads files named in a request (a path like /etc/passwd stays unread)."""
    product = _valve()
    product["bom"] = {"file": "/etc/passwd"}
    body = _refused(service, 400, json={"product": product}, headers=service.auth)
    assert "BOM" in body["message"]


def test_a_different_factor_library_version_is_refused(service: SimpleNamespace) -> None:
    body = _refused(
        service, 409, json={"product": _valve(), "factor_library_version": "sha256:0"}, headers=service.auth
    )
    assert "sha256:0" in body["message"]


def test_calculation_needs_a_token_with_its_scope(service: SimpleNamespace) -> None:
    assert _refused(service, 400, json={"product": _valve()})["code"] == "BadRequest"
    assert _refused(service, 403, json={"product": _valve()}, headers=service.reader)["code"] == "AccessDenied"


def test_access_log_is_one_json_line_per_request_without_secrets(
    service: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    """The line is written before the answer's last byte is sent, so it is there when the client has it."""
    with caplog.at_level(logging.INFO, logger="footprint.server.access"):
        service.client.get("/v1/factors", params={"q": "secret-query"}, headers=service.auth)
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "footprint.server.access"]
    assert records[-1]["path"] == "/v1/factors"
    assert records[-1]["status"] == 200
    assert records[-1]["client"] == "calc"
    assert "secret-query" not in caplog.text
    assert service.auth["Authorization"].split()[1] not in caplog.text


def test_an_unexpected_failure_is_a_generic_500(tmp_path: Path) -> None:
    """With a table gone from under it, the service answers 500 InternalError and shows no trace of why."""
    url = str(tmp_path / "broken.db")
    store = Store(url)
    store.add_client("c", hash_secret("c-secret-0123456789"), ALL)
    (client_id,) = [r.client_id for r in _rows(store)]
    app = create_app(url)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE server_shares")
    cert = self_signed_cert(tmp_path)
    with running(app, cert) as base, tls_client(base, cert[0]) as c:
        token = c.post("/auth/token", data={"grant_type": "client_credentials"},
                       auth=(client_id, "c-secret-0123456789")).json()["access_token"]  # fmt: skip
        r = c.get("/3/footprints", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 500
    assert r.json() == {"code": "InternalError", "message": "internal error; the server log has the details"}
    store.close()


def _kept_service(tmp_path: Path, kept: int) -> tuple[Any, str, Any]:
    url = str(tmp_path / f"kept{kept}.db")
    store = Store(url)
    store.add_client("c", hash_secret("c-secret-0123456789"), ALL)
    (client_id,) = [r.client_id for r in _rows(store)]
    store.close()
    return create_app(url, kept_answers=kept), client_id, self_signed_cert(tmp_path)


def test_an_identical_request_is_answered_with_the_answer_kept(tmp_path: Path) -> None:
    """/v1/calculate keeps its answers by (factor library version, request body): the same valve twice gives
    the same bytes, equal to footprint.calculate's result, with one answer kept; another quantity is another
    request (2 x the per-unit total, by the definition of quantity) and another answer kept; a refused request
    (an unknown GWP set) is not kept. With kept_answers=0 nothing is kept and the answer is the same."""
    expected = fp.calculate(fp.load_product(VALVE), prefolded="report")
    for kept in (256, 0):
        app, client_id, cert = _kept_service(tmp_path, kept)
        with running(app, cert) as base, tls_client(base, cert[0]) as c:
            token = c.post("/auth/token", data={"grant_type": "client_credentials"},
                           auth=(client_id, "c-secret-0123456789")).json()["access_token"]  # fmt: skip
            auth = {"Authorization": f"Bearer {token}"}
            first = c.post("/v1/calculate", json={"product": _valve()}, headers=auth)
            again = c.post("/v1/calculate", json={"product": _valve()}, headers=auth)
            assert first.status_code == again.status_code == 200
            assert first.content == again.content
            assert first.json()["total_kgco2e"] == pytest.approx(expected.total_kgco2e, rel=1e-15)
            assert len(app.state.answers) == (1 if kept else 0)
            two = c.post("/v1/calculate", json={"product": _valve(), "quantity": 2.0}, headers=auth)
            assert two.json()["total_kgco2e"] == pytest.approx(2 * expected.total_kgco2e, rel=1e-12)
            bad = c.post("/v1/calculate", json={"product": _valve(), "gwp": "AR99"}, headers=auth)
            assert bad.status_code == 400
            assert len(app.state.answers) == (2 if kept else 0)
        app.state.store.close()


def test_kept_answers_drop_the_least_recently_used() -> None:
    """An Answers of size 2 keeps the two most recently used; a key depends on the library version and on
    every byte of the body; a negative size is refused naming what was expected."""
    from footprint.server._answers import Answers

    answers = Answers(2)
    a, b, c = (Answers.key("v1", body) for body in (b"a", b"b", b"c"))
    assert Answers.key("v1", b"a") != Answers.key("v2", b"a") != Answers.key("v1", b"a ")
    answers.put(a, b"A")
    answers.put(b, b"B")
    assert answers.get(a) == b"A"  # a is now the most recently used
    answers.put(c, b"C")
    assert (answers.get(a), answers.get(b), answers.get(c)) == (b"A", None, b"C")
    with pytest.raises(ValueError, match="0 or more"):
        Answers(-1)
