"""The PACT v3.0.3 host over a real socket: uvicorn on 127.0.0.1 (HTTPS, a self-signed certificate), called
with httpx, on SQLite and on PostgreSQL.

Tests named ``test_tcNN_...`` mirror the mandatory cases of the PACT conformance suite
(wbcsd/pact-conformance-test-service, docs/v3-test-cases-expected-results.md), numbered and named as there.
The footprints served are computed by the library from examples/subsea_gate_valve.yaml and varied in their
PACT fields (product, company, geography, period), so every expected filter result below follows from the
table in ``host`` by hand.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from server_support import postgres_schema, running, self_signed_cert, tls_client

import footprint as fp
from footprint.server import Store, create_app
from footprint.server._auth import hash_secret, issue_token

ROOT = Path(__file__).resolve().parent.parent
URN = "urn:pact:valve.example:product-id:"
MAKER = "urn:pact:company:customcode:supplier-id:"
#: ProductFootprint.required in the PACT v3.0.3 OpenAPI document (components.schemas.ProductFootprint).
REQUIRED = {"id", "specVersion", "created", "status", "companyName", "companyIds", "productDescription",
            "productIds", "productNameCompany", "pcf"}  # fmt: skip


def _client(store: Store, name: str, scopes: tuple[str, ...]) -> tuple[str, str]:
    secret = f"secret-of-{name}-0123456789"
    return store.add_client(name, hash_secret(secret), scopes), secret


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def host(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A running host with clients ``acme`` and ``other`` (every scope), ``lister`` (footprint:list only),
    and these footprints (validity: from the reference period's end for 3 years, PACT v3):

    ===  =======  =====  =========  ====  ==========================  ==========  =====
    key  product  maker  geography  CPC   validity                    status      shared
    ===  =======  =====  =========  ====  ==========================  ==========  =====
    A    a        1      NO         43240 2026-01-01 .. 2029-01-01    Active      acme
    B    b        2      GB         -     2020-01-01 .. 2023-01-01    Deprecated  acme
    B2   b        2      GB         -     2021-01-01 .. 2024-01-01    Active      acme (inherited from B)
    C    c        1      NO         -     2026-01-01 .. 2029-01-01    Active      other
    ===  =======  =====  =========  ====  ==========================  ==========  =====
    """
    folder = tmp_path_factory.mktemp("host")
    with _database(request.param, folder) as url:
        store = Store(url)
        lib = fp.default_library()
        result = fp.calculate(fp.load_product(ROOT / "examples" / "subsea_gate_valve.yaml"), lib, prefolded="report")

        def pf(product: str, maker: str, geo: str, year: int, **kw: Any) -> dict[str, Any]:
            return fp.to_pact(
                result, company_name=f"Maker {maker}", company_ids=[MAKER + f"maker-{maker}"],
                product_ids=[URN + product], reference_period=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                geography=geo, library=lib, fossil_carbon_content=6.1, **kw,
            )  # fmt: skip

        ids = SimpleNamespace(acme=_client(store, "acme", ALL), other=_client(store, "other", ALL),
                              lister=_client(store, "lister", ("footprint:list",)))  # fmt: skip
        a, b, c = (
            pf("a", "1", "NO", 2025, product_category_cpc="43240"),
            pf("b", "2", "GB", 2019),
            pf("c", "1", "NO", 2025),
        )
        store.publish(a, "a", ["acme"], None)
        store.publish(b, "b", ["acme"], None)
        b2 = pf("b", "2", "GB", 2020, preceding_pf_ids=[b["id"]])
        store.publish(b2, "b", [], b["id"])
        store.publish(c, "c", ["other"], None)
        cert = self_signed_cert(folder)
        with running(create_app(url, max_body_bytes=10_000), cert) as base:
            yield SimpleNamespace(base=base, cert=cert, store=store, creds=ids, A=a["id"], B=b["id"], B2=b2["id"],
                                  C=c["id"], key=store.token_key(), url=url)  # fmt: skip
        store.close()


ALL = ("footprint:list", "footprint:read", "footprint:events", "footprint:calculate")


def _database(kind: str, folder: Path) -> Any:
    if kind == "postgresql":
        return postgres_schema()
    from contextlib import nullcontext

    return nullcontext(str(folder / "host.db"))


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def _token(host: SimpleNamespace, who: str = "acme") -> str:
    client_id, secret = getattr(host.creds, who)
    with tls_client(host.base, host.cert[0]) as c:
        r = c.post("/auth/token", data={"grant_type": "client_credentials"}, headers=_basic(client_id, secret))
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def _get(host: SimpleNamespace, path: str, who: str = "acme", **params: Any) -> httpx.Response:
    with tls_client(host.base, host.cert[0]) as c:
        return c.get(path, params=params, headers={"Authorization": f"Bearer {_token(host, who)}"})


def _ids(r: httpx.Response) -> set[str]:
    assert r.status_code == 200, r.text
    return {pf["id"] for pf in r.json()["data"]}


# -- authentication ----------------------------------------------------------------------------------------


def test_tc01_obtain_auth_token_with_valid_credentials(host: SimpleNamespace) -> None:
    client_id, secret = host.creds.acme
    with tls_client(host.base, host.cert[0]) as c:
        r = c.post("/auth/token", data={"grant_type": "client_credentials"}, headers=_basic(client_id, secret))
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"].lower() == "bearer"
    assert body["expires_in"] == 3600
    assert set(body["scope"].split()) == set(ALL)
    assert r.headers["cache-control"] == "no-store"


def test_tc02_obtain_auth_token_with_invalid_credentials(host: SimpleNamespace) -> None:
    client_id, secret = host.creds.acme
    with tls_client(host.base, host.cert[0]) as c:
        for headers in (_basic(client_id, secret + "x"), _basic("no-such-client", secret), {}):
            r = c.post("/auth/token", data={"grant_type": "client_credentials"}, headers=headers)
            assert r.status_code == 401
            assert r.json()["error"] == "invalid_client"
            assert "access_token" not in r.text
        r = c.post("/auth/token", data={"grant_type": "password"}, headers=_basic(client_id, secret))
        assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")
        r = c.post("/auth/token", data={"grant_type": "client_credentials", "scope": "footprint:admin"},
                   headers=_basic(client_id, secret))  # fmt: skip
        assert (r.status_code, r.json()["error"]) == (400, "invalid_scope")


def test_tokens_carry_the_scopes_asked_for(host: SimpleNamespace) -> None:
    """A token asked for with scope=footprint:list lists but cannot read (403 AccessDenied)."""
    client_id, secret = host.creds.acme
    with tls_client(host.base, host.cert[0]) as c:
        r = c.post("/auth/token", data={"grant_type": "client_credentials", "scope": "footprint:list"},
                   headers=_basic(client_id, secret))  # fmt: skip
        auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert c.get("/3/footprints", headers=auth).status_code == 200
        r = c.get(f"/3/footprints/{host.A}", headers=auth)
    assert (r.status_code, r.json()["code"]) == (403, "AccessDenied")


# -- get and list --------------------------------------------------------------------------------------------


def test_tc03_get_pcf_using_getfootprint(host: SimpleNamespace) -> None:
    r = _get(host, f"/3/footprints/{host.A}")
    assert r.status_code == 200
    doc = r.json()["data"]
    assert set(doc) >= REQUIRED
    assert doc["id"] == host.A
    (read,) = fp.read_pact(r.json())  # the library's PACT v3.0.3 model: the schema check
    assert read.id == host.A


def test_tc04_get_all_pcfs_using_listfootprints(host: SimpleNamespace) -> None:
    r = _get(host, "/3/footprints")
    assert _ids(r) == {host.A, host.B, host.B2}  # C is shared with another client only
    for doc in r.json()["data"]:
        assert set(doc) >= REQUIRED
    assert len(fp.read_pact(r.json())) == 3
    assert "link" not in r.headers  # nothing more to fetch


def test_tc05_pagination_link_implementation_of_action_listfootprints(host: SimpleNamespace) -> None:
    """limit=2 over acme's 3 footprints: a page of 2 with a Link to the next (absolute, the request's host,
    rel="next"), then a page of 1 without one; the link works more than once."""
    token = _token(host)
    seen: list[str] = []
    with tls_client(host.base, host.cert[0]) as c:
        auth = {"Authorization": f"Bearer {token}"}
        r = c.get("/3/footprints", params={"limit": 2, "geography": ["NO", "GB"]}, headers=auth)
        assert len(r.json()["data"]) == 2
        link = r.headers["link"]
        assert link.endswith('>; rel="next"')
        url = httpx.URL(link[1 : link.index(">")])
        assert url.is_absolute_url
        assert url.host == "127.0.0.1"
        assert url.params.get_list("geography") == ["NO", "GB"]  # the filters are kept
        seen += [d["id"] for d in r.json()["data"]]
        for _ in range(2):  # a pagination link can be called more than once
            r2 = c.get(url, headers=auth)
            assert r2.status_code == 200
            assert "link" not in r2.headers
            assert len(r2.json()["data"]) == 1
        seen += [d["id"] for d in r2.json()["data"]]
    assert sorted(seen) == sorted([host.A, host.B, host.B2])


def test_limit_above_the_page_size_is_capped_and_zero_gives_an_empty_page(host: SimpleNamespace) -> None:
    assert _ids(_get(host, "/3/footprints", limit=1000)) == {host.A, host.B, host.B2}
    r = _get(host, "/3/footprints", limit=0)
    assert r.json()["data"] == []
    assert "limit=100&offset=0" in r.headers["link"]  # a link to a full page, not to the same empty one


def test_tc06_attempt_listfootprints_with_invalid_token(host: SimpleNamespace) -> None:
    with tls_client(host.base, host.cert[0]) as c:
        r = c.get("/3/footprints", headers={"Authorization": "Bearer invalid-access-token"})
    assert r.status_code == 400
    assert r.json() == {"code": "BadRequest", "message": "Invalid token provided"}


def test_tc07_attempt_getfootprint_with_invalid_token(host: SimpleNamespace) -> None:
    with tls_client(host.base, host.cert[0]) as c:
        r = c.get(f"/3/footprints/{host.A}", headers={"Authorization": "Bearer invalid-access-token"})
        assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
        r = c.get(f"/3/footprints/{host.A}")  # no token at all
        assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
        assert "data" not in r.json()


def test_forged_and_expired_tokens_are_refused(host: SimpleNamespace) -> None:
    """A token signed with another key is invalid (400); one whose exp has passed is 401 TokenExpired."""
    client_id, _ = host.creds.acme
    forged = issue_token(b"k" * 32, client_id, "acme", ALL, ttl=3600)
    expired = issue_token(host.key, client_id, "acme", ALL, ttl=60, now=1_000_000_000)
    tampered = _token(host).rsplit(".", 1)[0] + "." + "A" * 43
    with tls_client(host.base, host.cert[0]) as c:
        for token in (forged, tampered):
            r = c.get("/3/footprints", headers={"Authorization": f"Bearer {token}"})
            assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
        r = c.get("/3/footprints", headers={"Authorization": f"Bearer {expired}"})
        assert (r.status_code, r.json()["code"]) == (401, "TokenExpired")


def test_tc08_attempt_getfootprint_with_non_existent_pfid(host: SimpleNamespace) -> None:
    for pf_id in ("non-existent-id", "7b1e4c9a-52a0-4a43-8f8b-0a0e1a2b3c4d"):
        r = _get(host, f"/3/footprints/{pf_id}")
        assert r.status_code == 404
        assert r.json()["code"] == "NotFound"


# -- plain HTTP ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "method", "path"),
    [("tc09_authentication", "POST", "/auth/token"), ("tc10_listfootprints", "GET", "/3/footprints"),
     ("tc11_getfootprint", "GET", "/3/footprints/{A}"), ("tc17_action_events", "POST", "/3/events")],
)  # fmt: skip
def test_tc09_to_tc11_tc17_attempt_through_http_non_https(
    host: SimpleNamespace, case: str, method: str, path: str
) -> None:
    """The host speaks TLS only: a plain HTTP request gets no answer with a token or data."""
    plain = host.base.replace("https://", "http://") + path.format(A=host.A)
    headers = {"Authorization": f"Bearer {_token(host)}"}
    try:
        r = httpx.request(method, plain, headers=headers, data={"grant_type": "client_credentials"}, timeout=10)
    except httpx.HTTPError:
        return  # connection refused or dropped: the expected outcome
    assert "access_token" not in r.text
    assert "data" not in r.text


# -- filters -------------------------------------------------------------------------------------------------


def test_tc20_filter_by_productid(host: SimpleNamespace) -> None:
    assert _ids(_get(host, "/3/footprints", productId=URN + "a")) == {host.A}
    assert _ids(_get(host, "/3/footprints", productId=(URN + "A").upper())) == {host.A}  # case-insensitive
    assert _ids(_get(host, "/3/footprints", productId=[URN + "a", URN + "b"])) == {host.A, host.B, host.B2}
    assert _ids(_get(host, "/3/footprints", productid=URN + "b")) == {host.B, host.B2}  # the spec's "productid"


def test_tc20_filter_by_productid_no_results(host: SimpleNamespace) -> None:
    r = _get(host, "/3/footprints", productId=URN + "none")
    assert r.json() == {"data": []}
    assert _ids(_get(host, "/3/footprints", productId=URN + "c")) == set()  # exists, but not shared with acme


def test_tc21_filter_by_companyid(host: SimpleNamespace) -> None:
    assert _ids(_get(host, "/3/footprints", companyId=MAKER + "maker-2")) == {host.B, host.B2}
    assert _ids(_get(host, "/3/footprints", companyId=MAKER + "maker-9")) == set()


def test_tc22_filter_by_geography(host: SimpleNamespace) -> None:
    assert _ids(_get(host, "/3/footprints", geography="gb")) == {host.B, host.B2}
    assert _ids(_get(host, "/3/footprints", geography="NO")) == {host.A}
    assert _ids(_get(host, "/3/footprints", geography="DE")) == set()


def test_tc23_filter_by_classification(host: SimpleNamespace) -> None:
    cpc = "urn:pact:productclassification:un-cpc:43240"
    assert _ids(_get(host, "/3/footprints", classification=cpc)) == {host.A}
    assert _ids(_get(host, "/3/footprints", classification=cpc + "9")) == set()


def test_tc24_filter_by_validon(host: SimpleNamespace) -> None:
    assert _ids(_get(host, "/3/footprints", validOn="2022-06-01T00:00:00Z")) == {host.B, host.B2}
    assert _ids(_get(host, "/3/footprints", validOn="2027-01-01T00:00:00+02:00")) == {host.A}
    assert _ids(_get(host, "/3/footprints", validOn="2040-01-01T00:00:00Z")) == set()


def test_tc25_filter_by_validafter(host: SimpleNamespace) -> None:
    """validAfter: the validity starts strictly after the date (B starts 2020, B2 2021, A 2026)."""
    assert _ids(_get(host, "/3/footprints", validAfter="2020-06-01T00:00:00Z")) == {host.A, host.B2}
    assert _ids(_get(host, "/3/footprints", validAfter="2026-01-01T00:00:00Z")) == set()


def test_tc26_filter_by_validbefore(host: SimpleNamespace) -> None:
    """validBefore: the validity ends strictly before the date (B ends 2023-01-01, B2 2024-01-01)."""
    assert _ids(_get(host, "/3/footprints", validBefore="2023-06-01T00:00:00Z")) == {host.B}
    assert _ids(_get(host, "/3/footprints", validBefore="2023-01-01T00:00:00Z")) == set()


def test_tc27_filter_by_status(host: SimpleNamespace) -> None:
    assert _ids(_get(host, "/3/footprints", status="Deprecated")) == {host.B}
    assert _ids(_get(host, "/3/footprints", status="active")) == {host.A, host.B2}


def test_filters_and_across_or_within(host: SimpleNamespace) -> None:
    """(productId a OR b) AND geography NO -> A; geography GB AND status Active -> B2."""
    assert _ids(_get(host, "/3/footprints", productId=[URN + "a", URN + "b"], geography="NO")) == {host.A}
    assert _ids(_get(host, "/3/footprints", geography="GB", status="Active")) == {host.B2}


def test_superseded_footprint_is_deprecated_and_named_in_preceding_pf_ids(host: SimpleNamespace) -> None:
    old, new = (
        _get(host, f"/3/footprints/{host.B}").json()["data"],
        _get(host, f"/3/footprints/{host.B2}").json()["data"],
    )
    assert old["status"] == "Deprecated"
    assert new["status"] == "Active"
    assert new["precedingPfIds"] == [host.B]


# -- events --------------------------------------------------------------------------------------------------

EVENT = {"specversion": "1.0", "id": "test-run-1", "source": "https://webhook.example.com",
         "time": "2025-05-19T10:30:00Z"}  # fmt: skip


@pytest.mark.parametrize(
    ("case", "kind", "data"),
    [
        ("tc12_receive_asynchronous_pcf_request", "RequestCreatedEvent", {"pf": {"productIds": [URN + "a"]}}),
        ("tc13_respond_to_pcf_request_fulfilled_event", "RequestFulfilledEvent", {"requestEventId": "r1", "pfs": []}),
        ("tc14_respond_to_pcf_request_rejected_event", "RequestRejectedEvent",
         {"requestEventId": "r1", "error": {"code": "NotFound", "message": "none"}}),
        ("tc15_receive_notification_of_pcf_update", "PublishedEvent", {"pfIds": ["7b1e4c9a-52a0-4a43-8f8b-0a0e1a2b3c4d"]}),
    ],
)  # fmt: skip
def test_tc12_to_tc15_action_events(host: SimpleNamespace, case: str, kind: str, data: dict[str, Any]) -> None:
    event = {**EVENT, "type": f"org.wbcsd.pact.ProductFootprint.{kind}.3", "data": data}
    with tls_client(host.base, host.cert[0]) as c:
        r = c.post("/3/events", json=event, headers={"Authorization": f"Bearer {_token(host)}",
                                                     "Content-Type": "application/cloudevents+json; charset=UTF-8"})  # fmt: skip
    assert r.status_code == 200
    assert r.content == b""


def test_tc16_attempt_action_events_with_invalid_token(host: SimpleNamespace) -> None:
    event = {**EVENT, "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {"pfIds": []}}
    with tls_client(host.base, host.cert[0]) as c:
        r = c.post("/3/events", json=event, headers={"Authorization": "Bearer invalid-access-token",
                                                     "Content-Type": "application/cloudevents+json"})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")


def test_invalid_events_are_refused(host: SimpleNamespace) -> None:
    auth = {"Authorization": f"Bearer {_token(host)}", "Content-Type": "application/cloudevents+json"}
    bad = [
        b"{not json",
        b'{"specversion": "1.0"}',
        b'{"specversion": "0.3", "id": "1", "source": "s", "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {"pfIds": []}}',
        b'{"specversion": "1.0", "id": "1", "source": "s", "type": "com.example.Other", "data": {}}',
        b'{"specversion": "1.0", "id": "1", "source": "s", "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {}}',
    ]
    with tls_client(host.base, host.cert[0]) as c:
        for body in bad:
            r = c.post("/3/events", content=body, headers=auth)
            assert (r.status_code, r.json()["code"]) == (400, "BadRequest"), body
        r = c.post("/3/events", content=b"{}", headers={**auth, "Content-Type": "text/plain"})
        assert r.status_code == 415


# -- access control and hostile requests -----------------------------------------------------------------------


def test_a_client_never_sees_another_clients_footprints(host: SimpleNamespace) -> None:
    assert _ids(_get(host, "/3/footprints", who="other")) == {host.C}
    for pf_id in (host.A, host.B, host.B2):
        r = _get(host, f"/3/footprints/{pf_id}", who="other")
        assert (r.status_code, r.json()["code"]) == (403, "AccessDenied")
        assert "data" not in r.json()
    r = _get(host, f"/3/footprints/{host.C}")
    assert (r.status_code, r.json()["code"]) == (403, "AccessDenied")
    assert _ids(_get(host, "/3/footprints", who="other", productId=URN + "a")) == set()


@pytest.mark.parametrize(
    "params",
    [{"x-unknown": "1"}, {"$filter": "x"}, {"limit": "-1"}, {"limit": "ten"}, {"offset": "1e3"},
     {"validOn": "yesterday"}, {"validOn": "2025-01-01T00:00:00"}, {"status": "Retired"},
     {"validOn": ["2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"]}],
)  # fmt: skip
def test_bad_list_requests_get_bad_request(host: SimpleNamespace, params: dict[str, Any]) -> None:
    r = _get(host, "/3/footprints", **params)
    assert r.status_code == 400
    assert r.json()["code"] == "BadRequest"
    assert "data" not in r.json()


@pytest.mark.parametrize(
    "pf_id",
    ["1' OR '1'='1", "x'; DROP TABLE server_footprints; --", "..%2F..%2Fetc%2Fpasswd", "%00", "a" * 300, "*"],
)
def test_sql_and_path_characters_in_ids_find_nothing_and_change_nothing(host: SimpleNamespace, pf_id: str) -> None:
    before = host.store.counts()
    r = _get(host, f"/3/footprints/{pf_id}")
    assert r.status_code == 404
    assert r.json()["code"] == "NotFound"
    r = _get(host, "/3/footprints", productId=pf_id)
    assert r.json() == {"data": []}
    assert host.store.counts() == before


def test_nul_characters_in_filters_are_bad_requests(host: SimpleNamespace) -> None:
    r = _get(host, "/3/footprints", productId="a\x00b")
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")


def test_oversized_body_is_refused_with_413(host: SimpleNamespace) -> None:
    """The host was made with a 10,000-byte limit; announced and streamed (chunked) bodies are refused."""
    before = host.store.counts()
    auth = {"Authorization": f"Bearer {_token(host)}", "Content-Type": "application/cloudevents+json"}
    with tls_client(host.base, host.cert[0]) as c:
        r = c.post("/3/events", content=b"x" * 10_001, headers=auth)
        assert (r.status_code, r.json()["code"]) == (413, "BadRequest")
        r = c.post("/3/events", content=iter([b"x" * 6000, b"x" * 6000]), headers=auth)
        assert r.status_code == 413
    assert host.store.counts() == before


def test_unknown_routes_and_methods_answer_in_the_error_shape(host: SimpleNamespace) -> None:
    with tls_client(host.base, host.cert[0]) as c:
        r = c.get("/2/footprints")
        assert (r.status_code, r.json()["code"]) == (404, "NotFound")
        r = c.delete("/3/footprints")
        assert r.status_code == 405
        assert set(r.json()) == {"code", "message"}
