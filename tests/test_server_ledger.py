"""Catalogue uploads and the ledger over HTTP (``/v1/catalogue``, ``/v1/ledger/...``) on a running service
(uvicorn on loopback, HTTPS, httpx), on SQLite and PostgreSQL: the library's functions and models behind the
routes, bad input refused with the problems named and the database unchanged."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from server_support import postgres_schema, running, self_signed_cert, tls_client

import footprint as fp
from footprint.server import ALL_SCOPES, Store, create_app
from footprint.server._auth import hash_secret

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "examples" / "catalogue"
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A running service with client ``all`` (every scope) and ``calc`` (footprint:calculate only)."""
    folder = tmp_path_factory.mktemp("ledger")
    cert = self_signed_cert(folder)
    with _database(request.param, folder) as url:
        store = Store(url)
        ids = {n: store.add_client(n, hash_secret(f"{n}-secret-0123456789"), s)
               for n, s in (("all", ALL_SCOPES), ("calc", ("footprint:calculate",)))}  # fmt: skip
        with running(create_app(url), cert) as base, tls_client(base, cert[0]) as c:
            auth = {}
            for name, client_id in ids.items():
                token = c.post("/auth/token", data={"grant_type": "client_credentials"},
                               auth=(client_id, f"{name}-secret-0123456789")).json()["access_token"]  # fmt: skip
                auth[name] = {"Authorization": f"Bearer {token}"}
            yield SimpleNamespace(client=c, auth=auth["all"], calc=auth["calc"], store=store, url=url)
        store.close()


def _database(kind: str, folder: Path) -> Any:
    from contextlib import nullcontext

    return nullcontext(str(folder / "service.db")) if kind == "sqlite" else postgres_schema()


def _csv(name: str) -> str:
    return (CATALOGUE / f"{name}.csv").read_text(encoding="utf-8")


def test_catalogue_from_csv_rows_and_parquet_is_the_librarys(service: SimpleNamespace) -> None:
    """The example catalogue sent three ways (products as JSON rows, BOM as CSV text, activities as Parquet)
    answers footprint.calculate_catalogue's document for the same tables: equal totals and input hash."""
    products = pd.read_csv(CATALOGUE / "products.csv", comment="#")
    buffer = io.BytesIO()
    pd.read_csv(CATALOGUE / "activities.csv", comment="#").to_parquet(buffer)
    body = {"products": {"rows": json.loads(products.to_json(orient="records"))}, "bom": {"csv": _csv("bom")},
            "activities": {"parquet_base64": base64.b64encode(buffer.getvalue()).decode()}}  # fmt: skip
    r = service.client.post("/v1/catalogue", json=body, headers=service.auth)
    assert r.status_code == 200, r.text
    expected = fp.calculate_catalogue(
        fp.prepare_catalogue(*(CATALOGUE / f"{t}.csv" for t in ("products", "bom", "activities")))
    )
    got = {row["product"]: row["total_kgco2e"] for row in r.json()["by_product"]}
    assert got == pytest.approx(expected.by_product["total_kgco2e"].to_dict(), rel=1e-12)
    assert r.json()["factor_library_version"] == expected.factor_library_version


def test_catalogue_with_a_bad_row_names_table_row_and_column(service: SimpleNamespace) -> None:
    """An activity row with amount "lots" is refused (400): each problem names the activities table, its line
    (3: the comment and the header come first) and the column; the temporary folder is not named."""
    bad = _csv("activities").replace(
        "GV2-BODY,material.steel.carbon.global.worldsteel2024,320,",
        "GV2-BODY,material.steel.carbon.global.worldsteel2024,lots,",
        1,
    )
    body = {"products": {"csv": _csv("products")}, "bom": {"csv": _csv("bom")}, "activities": {"csv": bad}}
    r = service.client.post("/v1/catalogue", json=body, headers=service.auth)
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    problems = r.json()["problems"]
    assert problems
    assert {(p["file"], p["row"], p["field"]) for p in problems} == {("activities", 3, "amount")}
    assert "footprint-catalogue-" not in r.text
    two_ways = {"products": {"csv": "x", "rows": []}, "bom": {"csv": ""}, "activities": {"csv": ""}}
    assert service.client.post("/v1/catalogue", json=two_ways, headers=service.auth).status_code == 400


def test_record_then_read_the_snapshot_and_rollup(service: SimpleNamespace) -> None:
    """A result posted to /v1/ledger/record becomes version 1 of its product's 2025 footprint; reading it back
    gives the same result; the roll-up sums the latest snapshot per supplier: the valve alone, so its total."""
    result = fp.calculate(fp.load_product(VALVE))
    r = service.client.post("/v1/ledger/record", headers=service.auth,
                            json={"result": json.loads(result.model_dump_json()), "period": " 2025", "note": "EPD"})  # fmt: skip
    assert r.status_code == 201, r.text
    snap = r.json()
    assert (snap["version"], snap["period"], snap["note"]) == (1, "2025", "EPD")
    listed = service.client.get("/v1/ledger/snapshots", params={"product_id": "sgv-5-10k"}, headers=service.auth)
    assert [s["id"] for s in listed.json()["snapshots"]] == [snap["id"]]
    full = service.client.get(f"/v1/ledger/snapshots/{snap['id']}", headers=service.auth).json()
    assert full["result"]["total_kgco2e"] == pytest.approx(result.total_kgco2e, rel=1e-15)
    assert full["result"]["input_hash"] == result.input_hash
    (row,) = service.client.get("/v1/ledger/rollup", params={"period": "2025"}, headers=service.auth).json()[
        "suppliers"
    ]
    assert (row["supplier"], row["products"]) == (result.supplier or "", 1)
    assert row["total_kgco2e"] == pytest.approx(result.total_kgco2e, rel=1e-15)


def test_bad_ledger_requests_change_nothing(service: SimpleNamespace) -> None:
    """A result that is not a FootprintResult, a blank period or one with a NUL character, an unknown snapshot
    id, and a client without the ledger scope are refused (400, 404, 403) and the database's row counts do
    not move."""
    before = service.store.counts()
    with fp.Ledger(service.url) as ledger:
        snapshots = len(ledger.to_frame())
    result = json.loads(fp.calculate(fp.load_product(VALVE)).model_dump_json())
    for body in ({"result": {"product_id": "x"}, "period": "2025"}, {"result": result, "period": "  "},
                 {"result": result, "period": "20\x0025"}):  # fmt: skip
        r = service.client.post("/v1/ledger/record", json=body, headers=service.auth)
        assert (r.status_code, r.json()["code"]) == (400, "BadRequest"), body["period"]
    r = service.client.get("/v1/ledger/snapshots", params={"product_id": "a\x00b"}, headers=service.auth)
    assert r.status_code == 400
    r = service.client.get("/v1/ledger/snapshots/" + "0" * 32, headers=service.auth)
    assert (r.status_code, r.json()["code"]) == (404, "NotFound")
    r = service.client.get("/v1/ledger/snapshots/../../etc", headers=service.auth)
    assert r.status_code == 404
    r = service.client.post("/v1/ledger/record", json={"result": result, "period": "2026"}, headers=service.calc)
    assert (r.status_code, r.json()["code"]) == (403, "AccessDenied")
    assert service.store.counts() == before
    with fp.Ledger(service.url) as ledger:
        assert len(ledger.to_frame()) == snapshots


def test_tables_that_cannot_be_read_are_a_bad_request(service: SimpleNamespace) -> None:
    """An empty CSV (no header) and bytes that are not Parquet are 400s naming the problem, not 500s."""
    good = {"products": {"csv": _csv("products")}, "bom": {"csv": _csv("bom")}}
    for table in ({"csv": ""}, {"parquet_base64": base64.b64encode(b"garbage").decode()}, {"parquet_base64": "%%"}):
        r = service.client.post("/v1/catalogue", json={**good, "activities": table}, headers=service.auth)
        assert (r.status_code, r.json()["code"]) == (400, "BadRequest"), r.text


# Inputs the OpenAPI fuzzer (tests/test_server_openapi.py) found answered otherwise than the document said.


def test_fuzz_catalogue_with_empty_tables_is_refused_as_documented(service: SimpleNamespace) -> None:
    """Found by the fuzzer: ``{"activities": {}, "bom": {}, "products": {}}`` was valid for the document (each
    table's members all optional) but refused. The document now says a table is given exactly one way (oneOf),
    and the answer names that rule for each table."""
    import jsonschema

    document = service.client.get("/openapi.json").json()
    root = {**document, "$ref": "#/components/schemas/CatalogueRequest"}
    for table in ({}, {"csv": "a", "rows": []}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"products": table, "bom": {"csv": ""}, "activities": {"csv": ""}}, root)
    jsonschema.validate({"products": {"rows": []}, "bom": {"csv": ""}, "activities": {"parquet_base64": ""}}, root)
    r = service.client.post("/v1/catalogue", json={"activities": {}, "bom": {}, "products": {}}, headers=service.auth)
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    assert {p["field"] for p in r.json()["problems"]} == {"body.products", "body.bom", "body.activities"}
    assert "give the table one way" in r.json()["message"]


def test_fuzz_catalogue_for_another_library_version_is_a_documented_409(service: SimpleNamespace) -> None:
    """Found by the fuzzer: ``"factor_library_version": ""`` on /v1/catalogue answered 409, which the document
    did not list for that route (it did for /v1/calculate)."""
    document = service.client.get("/openapi.json").json()
    assert "409" in document["paths"]["/v1/catalogue"]["post"]["responses"]
    body = {"activities": {"rows": []}, "bom": {"rows": []}, "products": {"rows": []}, "factor_library_version": ""}
    r = service.client.post("/v1/catalogue", json=body, headers=service.auth)
    assert (r.status_code, r.json()["code"]) == (409, "BadRequest")


def test_fuzz_nul_characters_refused_only_where_stored_as_text(service: SimpleNamespace) -> None:
    """Found by the fuzzer: any NUL character anywhere in a result (a warning's text, a map key) was refused,
    although the document allowed it. The ledger stores the result as JSON, where a NUL is escaped; only the
    members stored as database text of their own (product_id, input_hash, factor_library_version, gwp_set,
    and period and note) cannot hold one, and the document now says so. A NUL in a warning is recorded and
    reads back unchanged on both databases; one in product_id or the note is refused naming the field."""
    result = json.loads(fp.calculate(fp.load_product(VALVE)).model_dump_json())
    warned = {**result, "product_id": "nul-warning", "warnings": ["a\x00b"]}
    r = service.client.post("/v1/ledger/record", json={"result": warned, "period": "2031"}, headers=service.auth)
    assert r.status_code == 201, r.text
    full = service.client.get(f"/v1/ledger/snapshots/{r.json()['id']}", headers=service.auth).json()
    assert full["result"]["warnings"] == ["a\x00b"]
    before = service.store.counts()
    for body, field in (({"result": {**result, "product_id": "a\x00b"}, "period": "2031"}, "body.result"),
                        ({"result": result, "period": "2031", "note": "a\x00b"}, "body.note"),
                        ({"result": result, "period": "\x1f"}, "body.period")):  # fmt: skip
        r = service.client.post("/v1/ledger/record", json=body, headers=service.auth)
        assert (r.status_code, r.json()["code"]) == (400, "BadRequest"), r.text
        assert [p["field"] for p in r.json()["problems"]] == [field]
    assert service.store.counts() == before


def test_fuzz_a_query_parameter_given_twice_is_refused(service: SimpleNamespace) -> None:
    """Found by the fuzzer: ``/v1/ledger/rollup?period=...&period=290`` answered for the last value only
    (the document declares one value). Now a 400 naming the parameter; one value still answers."""
    r = service.client.get("/v1/ledger/rollup", params=[("period", "2024"), ("period", "2025")], headers=service.auth)
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    assert "'period' given 2 times" in r.json()["message"]
    assert service.client.get("/v1/ledger/rollup", params={"period": "2025"}, headers=service.auth).status_code == 200


def test_fuzz_a_value_of_the_wrong_json_type_is_refused_not_coerced(service: SimpleNamespace) -> None:
    """Found by the fuzzer: ``"gwp_values": {"x-schemathesis-additional": false}`` in a recorded result was
    accepted (pydantic's lax mode read false as 0.0), though the document says a number. Bodies are now read
    in strict mode, as JSON Schema reads them: that result, and a calculation with ``"quantity": "2"`` or
    ``true``, are 400s naming the field, and nothing is recorded."""
    result = json.loads(fp.calculate(fp.load_product(VALVE)).model_dump_json())
    before = service.store.counts()
    bad = {**result, "gwp_values": {"x-schemathesis-additional": False}}
    r = service.client.post("/v1/ledger/record", json={"result": bad, "period": "2032"}, headers=service.auth)
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest"), r.text
    assert [p["field"] for p in r.json()["problems"]] == ["body.result.gwp_values.x-schemathesis-additional"]
    valve = fp.load_product(VALVE).model_dump(mode="json")
    for quantity in ("2", True):
        r = service.client.post("/v1/calculate", json={"product": valve, "quantity": quantity}, headers=service.auth)
        assert (r.status_code, r.json()["code"]) == (400, "BadRequest"), r.text
        assert [p["field"] for p in r.json()["problems"]] == ["body.quantity"]
    assert service.client.post("/v1/calculate", json={"product": valve, "quantity": 2}, headers=service.auth).is_success
    assert service.store.counts() == before
