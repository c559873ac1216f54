"""Bad requests against a running service on SQLite and on PostgreSQL: each gets the error docs/server.md
documents (status and ``code``), and leaves the database as it was: the rows of every table (the ledger's and
the service's) and the head of the ledger's hash chain are compared before and after each request, and the
ledger still verifies.

The database holds the valve published once (one ledger snapshot, one PACT footprint shared with ``acme``).
What the other test modules already check (forged and expired tokens on listing, unknown filters, SQL and path
characters in ids on SQLite and PostgreSQL) is not repeated here; this module covers the requests that could
write (events, calculation, tokens) and the refusals not yet checked against the whole database.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from server_support import postgres_schema, running, self_signed_cert, tls_client

import footprint as fp
from footprint._ledger_schema import engine_url
from footprint._ledger_schema import snapshots as ledger_rows
from footprint.server import ALL_SCOPES, Store, create_app, publish_products
from footprint.server._auth import hash_secret, issue_token

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
SECRET = "acme-secret-0123456789"
LIMIT = 20_000  # the host's body limit, in bytes
PUBLISHED = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def host(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A running host (HTTPS) whose database holds the valve, published once and shared with ``acme``."""
    folder = tmp_path_factory.mktemp("refusals")
    database = postgres_schema() if request.param == "postgresql" else nullcontext(str(folder / "host.db"))
    with database as url:
        store = Store(url)
        client_id = store.add_client("acme", hash_secret(SECRET), ALL_SCOPES)
        (pf,) = publish_products(
            url, [str(VALVE)], company_name="Valve maker AS", company_ids=["urn:pact:company:customcode:supplier-id:vm"],
            share_with=["acme"], library=fp.default_library(), prefolded="report",
            pact_options={"fossil_carbon_content": 6.1, "company_domain": "valve-maker.example"},
        )  # fmt: skip
        cert = self_signed_cert(folder)
        with running(create_app(url, max_body_bytes=LIMIT), cert) as base, tls_client(base, cert[0]) as c:
            r = c.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, SECRET))
            yield SimpleNamespace(client=c, store=store, url=url, pf_id=pf["id"], client_id=client_id,
                                  key=store.token_key(), bearer=r.json()["access_token"])  # fmt: skip
        store.close()


def state(host: SimpleNamespace) -> tuple[dict[str, int], str | None, int]:
    """Rows per table, the ledger's newest content hash (the head of its chain) and the snapshots it verifies."""
    engine = sa.create_engine(engine_url(host.url))
    try:
        with engine.connect() as conn:
            names = sorted(sa.inspect(conn).get_table_names())
            counts = {
                n: int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(n))).scalar() or 0) for n in names
            }
            head = conn.execute(
                sa.select(ledger_rows.c.content_hash).order_by(ledger_rows.c.seq.desc()).limit(1)
            ).scalar()
    finally:
        engine.dispose()
    with fp.Ledger(host.url) as ledger:
        verified = ledger.verify()
    return counts, head, verified


def refused(host: SimpleNamespace, status: int, code: str, method: str, path: str, **kw: Any) -> dict[str, Any]:
    """Send the request; check it is answered ``status`` with ``code`` and changed nothing in the database."""
    before = state(host)
    r = host.client.request(method, path, **kw)
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body.get("code", body.get("error")) == code, body
    assert "Traceback" not in r.text
    assert state(host) == before
    return body


def _bearer(token: str, content_type: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    return headers


def _basic(host: SimpleNamespace) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{host.client_id}:{SECRET}".encode()).decode()}


def _valve() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(yaml.safe_load(VALVE.read_text(encoding="utf-8")), default=str))
    return data


def _event() -> bytes:
    event = {"specversion": "1.0", "id": "e1", "source": "https://buyer.example", "type": PUBLISHED,
             "data": {"pfIds": ["7b1e4c9a-52a0-4a43-8f8b-0a0e1a2b3c4d"]}}  # fmt: skip
    return json.dumps(event).encode()


def test_the_database_holds_what_the_fixture_wrote(host: SimpleNamespace) -> None:
    """The comparison has something to compare: one ledger snapshot (one product published once), one
    footprint, its share with acme, one client, and a chain head."""
    counts, head, verified = state(host)
    assert (counts["snapshots"], counts["server_footprints"], counts["server_shares"], counts["server_clients"]) == (
        1,
        1,
        1,
        1,
    )
    assert head is not None
    assert verified == 1


def test_malformed_json(host: SimpleNamespace) -> None:
    json_body = _bearer(host.bearer, "application/json")
    refused(host, 400, "BadRequest", "POST", "/v1/calculate", content=b'{"product": ', headers=json_body)
    refused(host, 400, "BadRequest", "POST", "/v1/calculate/batch", content=b"[1, 2", headers=json_body)
    event = _bearer(host.bearer, "application/cloudevents+json")
    refused(host, 400, "BadRequest", "POST", "/3/events", content=_event()[:-3], headers=event)
    refused(host, 400, "BadRequest", "POST", "/3/events", content=b"\xff\xfe{}", headers=event)


def test_wrong_content_type(host: SimpleNamespace) -> None:
    """415 on the calculation and events routes; the token route answers RFC 6749's invalid_request."""
    body = json.dumps({"product": _valve()}).encode()
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        refused(host, 415, "BadRequest", "POST", "/v1/calculate", content=body, headers=_bearer(host.bearer, kind))
        refused(host, 415, "BadRequest", "POST", "/3/events", content=_event(), headers=_bearer(host.bearer, kind))
    refused(host, 400, "invalid_request", "POST", "/auth/token", content=b'{"grant_type": "client_credentials"}',
            headers={**_basic(host), "Content-Type": "application/json"})  # fmt: skip


def test_oversized_bodies(host: SimpleNamespace) -> None:
    """Over the host's 20,000-byte limit, announced or streamed, on every route that reads a body."""
    big = b"{" + b" " * LIMIT + b"}"
    for path, kind in (("/v1/calculate", "application/json"), ("/v1/calculate/batch", "application/yaml"),
                       ("/3/events", "application/cloudevents+json"), ("/auth/token", "application/x-www-form-urlencoded")):  # fmt: skip
        headers = _bearer(host.bearer, kind) if path != "/auth/token" else {**_basic(host), "Content-Type": kind}
        refused(host, 413, "BadRequest", "POST", path, content=big, headers=headers)
        refused(host, 413, "BadRequest", "POST", path, content=iter([big[:15_000], big[15_000:]]), headers=headers)


def test_unknown_filters(host: SimpleNamespace) -> None:
    """On the listing, and on every other route: a mistyped parameter is refused, not ignored (``categroy``
    would otherwise answer every factor)."""
    for params in ({"productIds": "x"}, {"filter": "status eq 'Active'"}, {"$top": "1"}, {"limit": "²"}):
        refused(host, 400, "BadRequest", "GET", "/3/footprints", params=params, headers=_bearer(host.bearer))
    refused(
        host, 400, "BadRequest", "GET", "/v1/factors", params={"categroy": "material"}, headers=_bearer(host.bearer)
    )
    refused(
        host, 400, "BadRequest", "GET", f"/3/footprints/{host.pf_id}", params={"x": "1"}, headers=_bearer(host.bearer)
    )
    refused(host, 400, "BadRequest", "GET", "/v1/version", params={"verbose": "1"})


def test_expired_and_forged_tokens_on_every_route(host: SimpleNamespace) -> None:
    """An expired token (exp in 2001) is 401 TokenExpired, a forged one (another key; a valid token's claims
    with another scope and the old signature) 400 BadRequest, on every route that needs a token."""
    expired = issue_token(host.key, host.client_id, "acme", ALL_SCOPES, ttl=60, now=1_000_000_000)
    forged = issue_token(b"f" * 32, host.client_id, "acme", ALL_SCOPES, ttl=3600)
    head, claims, sig = host.bearer.split(".")
    padded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    widened = base64.urlsafe_b64encode(json.dumps({**padded, "name": "other"}).encode()).rstrip(b"=").decode()
    tampered = f"{head}.{widened}.{sig}"
    routes = [
        ("GET", "/3/footprints", {}),
        ("GET", f"/3/footprints/{host.pf_id}", {}),
        ("POST", "/3/events", {"content": _event(), "ct": "application/cloudevents+json"}),
        ("POST", "/v1/calculate", {"content": json.dumps({"product": _valve()}).encode(), "ct": "application/json"}),
        ("GET", "/v1/factors", {}),
    ]
    for method, path, kw in routes:
        content, kind = kw.get("content"), kw.get("ct")
        refused(host, 401, "TokenExpired", method, path, content=content, headers=_bearer(expired, kind))
        for token in (forged, tampered, "a.b.c", "x" * 5000):
            refused(host, 400, "BadRequest", method, path, content=content, headers=_bearer(token, kind))


@pytest.mark.parametrize(
    "pf_id",
    ["1' OR '1'='1", "x'; DELETE FROM snapshots; --", "..%2F..%2Fledger.db", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
     "%00", "%E2%80%AE", "a" * 300],
)  # fmt: skip
def test_sql_and_path_characters_in_ids_leave_the_ledger_alone(host: SimpleNamespace, pf_id: str) -> None:
    """On the footprint and factor routes; the ledger's chain (not only the service's tables) is unchanged."""
    refused(host, 404, "NotFound", "GET", f"/3/footprints/{pf_id}", headers=_bearer(host.bearer))
    refused(host, 404, "NotFound", "GET", f"/v1/factors/{pf_id}", headers=_bearer(host.bearer))


def test_invalid_events_leave_the_database_alone(host: SimpleNamespace) -> None:
    """Events that could lead to a write (a request for a footprint, a notice of one) but are not valid."""
    event = _bearer(host.bearer, "application/cloudevents+json")
    created = {"specversion": "1.0", "id": "r1", "source": "https://buyer.example",
               "type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"}  # fmt: skip
    for bad in ({**created, "data": None}, {**created, "data": {"colour": ["red"]}},
                {**created, "specversion": "2.0", "data": {}}, [created], "event"):  # fmt: skip
        refused(host, 400, "BadRequest", "POST", "/3/events", content=json.dumps(bad).encode(), headers=event)


def _listed(host: SimpleNamespace, **params: str) -> list[str]:
    r = host.client.get("/3/footprints", params=params, headers=_bearer(host.bearer))
    assert r.status_code == 200, r.text
    return [pf["id"] for pf in r.json()["data"]]


def test_times_at_the_ends_of_the_calendar(host: SimpleNamespace) -> None:
    """The valve's footprint is valid 2026-01-01 .. 2029-01-01 (its 2025 period's end, plus 3 years). Times
    whose UTC falls outside years 1..9999 are filters like any other (they used to be a 500), and a year
    before 1000 sorts before 2026 (it used to be written ``999-...``, after ``2029-...``)."""
    assert _listed(host, validOn="9999-12-31T23:00:00-05:00") == []
    assert _listed(host, validAfter="0001-01-01T00:00:00+05:00") == [host.pf_id]
    assert _listed(host, validBefore="0999-01-01T00:00:00Z") == []
    assert _listed(host, validAfter="0999-01-01T00:00:00Z") == [host.pf_id]


def test_unknown_paths_and_methods_under_v1_are_404_and_405(host: SimpleNamespace) -> None:
    """Whatever their content type: the router answers, not the body reader's 415."""
    refused(host, 405, "BadRequest", "POST", "/v1/version", headers=_bearer(host.bearer))
    refused(host, 405, "BadRequest", "POST", "/v1/factors/x", content=b"x", headers=_bearer(host.bearer, "text/plain"))
    refused(host, 404, "NotFound", "POST", "/v1/nothing", headers=_bearer(host.bearer))


@pytest.mark.parametrize("limit", [None, 60_000])
def test_yaml_nested_beyond_the_limit_is_refused_whatever_the_recursion_limit(limit: int | None) -> None:
    """A YAML body nested deeper than the nesting limit (200 levels, footprint._limits) is a 400 "nested too
    deep" both where Python's recursion limit stops the parser (the default) and where a raised limit lets it
    read 5,000 levels (a calculation process and a worker thread must answer alike); 200 levels are read."""
    from footprint.server._bodies import yaml_to_json
    from footprint.server._http import ApiError

    before = sys.getrecursionlimit()
    try:
        if limit:
            sys.setrecursionlimit(limit)
        assert json.loads(yaml_to_json(b"[" * 200 + b"]" * 200)) is not None
        for depth in (201, 5000):
            with pytest.raises(ApiError, match="nested too deep"):
                yaml_to_json(b"[" * depth + b"]" * depth)
    finally:
        sys.setrecursionlimit(before)
