"""``POST /3/events`` acting on PACT v3 events, with two of the service's hosts on loopback (uvicorn, HTTPS, a
self-signed certificate both trust, httpx): an owner that publishes footprints and a requester whose own
host receives the answers.

The owner knows the requester as client ``buyer`` and has linked it to the requester's host with the
credentials that host issued it (client ``seller`` there), as PACT v3 rest-api "Asynchronous request and
retrieval of Product Footprints" asks: the answer goes to the host in the request's ``source``, checked
first, after the authentication flow against that host.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from server_support import postgres_schema, running, self_signed_cert, tls_client

import footprint as fp
from footprint.server import Store, create_app, offer_products, request_footprints
from footprint.server._auth import hash_secret
from footprint.server._outbox import Outbox
from footprint.server._sealed import SecretBox, new_key

ROOT = Path(__file__).resolve().parent.parent
VALVE_ID = "urn:pact:valve-maker.example:supplier-id:sgv-5-10k"
ALL = ("footprint:list", "footprint:read", "footprint:events", "footprint:calculate")
CE = "application/cloudevents+json; charset=UTF-8"
CREATED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
#: The key that seals the partner credentials of these tests' databases.
KEY = new_key()
BOX = SecretBox(KEY)


def _client(store: Store, name: str) -> tuple[str, str]:
    secret = f"secret-of-{name}-0123456789"
    return store.add_client(name, hash_secret(secret), ALL), secret


def _valve_footprint() -> dict[str, Any]:
    valve = fp.load_product(ROOT / "examples" / "subsea_gate_valve.yaml")
    return fp.to_pact(
        fp.calculate(valve), company_name="Valve maker AS", company_ids=["valve-maker"],
        company_domain="valve-maker.example", reference_period=valve.reference_period, geography="NO",
        fossil_carbon_content=6.1,
    )  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The owner (valve footprint shared with ``buyer``) and the requester, both running."""
    folder = tmp_path_factory.mktemp("events")
    cert = self_signed_cert(folder)
    with _two_databases(request.param, folder) as (owner_db, requester_db):
        owner, requester = Store(owner_db, box=BOX), Store(requester_db, box=BOX)
        buyer = _client(owner, "buyer")
        seller = _client(requester, "seller")
        pf = _valve_footprint()
        owner.publish(pf, "sgv-5-10k", ["buyer"], None)
        outbox = Outbox(verify=str(cert[0]), first_delay=0.05, max_delay=0.05, horizon=5, poll=0.1)
        with (
            running(create_app(owner_db, outbox=outbox, box=BOX), cert) as owner_url,
            running(create_app(requester_db, outbox=outbox, box=BOX), cert) as requester_url,
        ):
            owner.link_partner("buyer", requester_url, *seller)
            yield SimpleNamespace(owner=owner, requester=requester, owner_url=owner_url, owner_db=owner_db,
                                  requester_url=requester_url, requester_db=requester_db, buyer=buyer, seller=seller,
                                  cert=cert, pf=pf)  # fmt: skip
        owner.close()
        requester.close()


def _two_databases(kind: str, folder: Path) -> Any:
    from contextlib import ExitStack, contextmanager

    @contextmanager
    def both() -> Iterator[tuple[str, str]]:
        if kind == "sqlite":
            yield str(folder / "owner.db"), str(folder / "requester.db")
            return
        with ExitStack() as stack:
            yield stack.enter_context(postgres_schema()), stack.enter_context(postgres_schema())

    return both()


def _post_event(pair: SimpleNamespace, event: dict[str, Any]) -> Any:
    with tls_client(pair.owner_url, pair.cert[0]) as c:
        token = c.post("/auth/token", data={"grant_type": "client_credentials"}, auth=pair.buyer).json()["access_token"]
        return c.post("/3/events", json=event, headers={"Authorization": f"Bearer {token}", "Content-Type": CE})


def _settled(store: Store, event_id: str, seconds: float = 30) -> list[Any]:
    """The owner's outgoing records answering ``event_id``, once none is still being sent."""
    deadline = time.monotonic() + seconds
    while True:
        out = [e for e in store.events(direction="out") if e.document.get("data", {}).get("requestEventId") == event_id]
        if out and all(e.state not in ("queued", "retrying") for e in out):
            return out
        assert time.monotonic() < deadline, f"no answer to {event_id}"
        time.sleep(0.1)


def test_request_created_is_fulfilled_on_the_requesters_host(pair: SimpleNamespace) -> None:
    """A request naming the valve's product id comes back as a RequestFulfilledEvent holding the valve's
    footprint, stored on the requester's side as a supplier footprint from the owner's host."""
    report = request_footprints(
        pair.owner_url, *pair.buyer, db=pair.requester_db, source=pair.requester_url, product_ids=[VALVE_ID],
        wait=30, verify=str(pair.cert[0]),
    )  # fmt: skip
    assert report.new == (pair.pf["id"],) or report.unchanged == 1
    pulled = {p.id: p for p in fp.pulled_footprints(pair.requester_db)}
    got = pulled[pair.pf["id"]]
    assert (got.host, got.via, got.document["pcf"]) == (pair.owner_url, "event", pair.pf["pcf"])
    (sent,) = [e for e in pair.owner.events(direction="out") if e.type.endswith("RequestFulfilledEvent.3")][-1:]
    assert (sent.state, sent.attempts, sent.peer) == ("sent", 1, pair.requester_url)


def test_request_for_nothing_shared_is_rejected(pair: SimpleNamespace) -> None:
    """A product the owner has not shared with the requester is answered with a RequestRejectedEvent
    (NotFound), which the requester reads as a refusal; nothing is stored."""
    before = len(fp.pulled_footprints(pair.requester_db))
    with pytest.raises(fp.PactHostError, match="NotFound"):
        request_footprints(pair.owner_url, *pair.buyer, db=pair.requester_db, source=pair.requester_url,
                           product_ids=["urn:pact:valve-maker.example:supplier-id:none"], wait=30,
                           verify=str(pair.cert[0]))  # fmt: skip
    assert len(fp.pulled_footprints(pair.requester_db)) == before


def test_tc12_request_with_v3_criteria_is_accepted(pair: SimpleNamespace) -> None:
    """Conformance case 12 sends its criteria as data.productId (v3), not a v2 ``pf`` fragment: accepted
    (200, empty body). Its source is not the requester's linked host, so no answer is sent there: the
    owner records the request as undeliverable."""
    event = {"specversion": "1.0", "id": "tc12-1", "source": "https://webhook.example.com", "time": "2023-05-19T10:30:00Z",
             "type": CREATED, "data": {"productId": ["urn:gtin:1234567890123"], "comment": "Please send PCF data."}}  # fmt: skip
    r = _post_event(pair, event)
    assert (r.status_code, r.content) == (200, b"")
    (out,) = _settled(pair.owner, "tc12-1")
    assert out.state == "undeliverable"
    assert "linked host" in out.detail


@pytest.mark.parametrize(
    ("data", "named"),
    [({"productid": "urn:gtin:1"}, "list of strings"), ({"validOn": "yesterday"}, "validon"),
     ({"colour": ["red"]}, "colour"), ({"status": "Gone"}, "status"), ({"productId": ["a\x00b"]}, "nul")],
)  # fmt: skip
def test_request_with_bad_criteria_is_refused_at_once(pair: SimpleNamespace, data: dict[str, Any], named: str) -> None:
    """A request that cannot be understood gets a 400 naming the criterion (PACT v3 RequestCreatedEvent:
    "respond with an appropriate 4xx"), and nothing is recorded or sent."""
    before = len(pair.owner.events())
    event = {"specversion": "1.0", "id": "bad-1", "source": pair.requester_url, "type": CREATED, "data": data}
    r = _post_event(pair, event)
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    assert named in r.json()["message"].lower()
    assert len(pair.owner.events()) == before


def test_unsolicited_fulfilled_event_stores_nothing(pair: SimpleNamespace) -> None:
    """A RequestFulfilledEvent that answers no request of the receiver is recorded but its footprints are not
    stored: supplier data enters only as an answer to one's own request."""
    before = len(fp.pulled_footprints(pair.owner_db))
    event = {"specversion": "1.0", "id": "f-1", "source": pair.requester_url,
             "type": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
             "data": {"requestEventId": "never-asked", "pfs": [pair.pf]}}  # fmt: skip
    assert _post_event(pair, event).status_code == 200
    (got,) = pair.owner.events(direction="in", event_id="f-1")
    assert got.state == "unsolicited"
    assert len(fp.pulled_footprints(pair.owner_db)) == before


def test_published_event_is_recorded(pair: SimpleNamespace) -> None:
    """Conformance case 15: a PublishedEvent is accepted (200) and recorded with its footprint ids; from the
    buyer, linked to the host its source names, it is stored with a pull in the outbox (queued, or already
    attempted), not ignored."""
    event = {"specversion": "1.0", "id": "p-1", "source": pair.requester_url, "time": "2025-05-19T11:30:00Z",
             "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {"pfIds": [pair.pf["id"]]}}  # fmt: skip
    assert _post_event(pair, event).status_code == 200
    (got,) = pair.owner.events(direction="in", event_id="p-1")
    assert (got.peer, got.document["data"]["pfIds"]) == ("buyer", [pair.pf["id"]])
    assert got.state in ("queued", "retrying", "pulled", "pull-failed")
    assert got.seq in pair.owner.outbox() or got.state == "pulled"


def test_an_unreachable_requester_is_retried_with_backoff_then_abandoned(tmp_path: Path) -> None:
    """When the requester's host does not answer, the answer is tried at once, then after waits that double
    from 0.1 s up to 0.2 s, each attempt recorded, until the next would fall after the 1 s horizon: then it is
    recorded as failed with the reason, and nothing more is tried."""
    cert = self_signed_cert(tmp_path)
    db = str(tmp_path / "owner.db")
    store = Store(db, box=BOX)
    buyer = _client(store, "buyer")
    store.publish(_valve_footprint(), "sgv-5-10k", ["buyer"], None)
    store.link_partner("buyer", "https://127.0.0.1:9", "id", "secret")  # port 9 (discard): nothing listens
    pair = SimpleNamespace(owner_url="", cert=cert, buyer=buyer)
    outbox = Outbox(verify=str(cert[0]), first_delay=0.1, max_delay=0.2, horizon=1.0, poll=0.05)
    with running(create_app(db, outbox=outbox, box=BOX), cert) as url:
        pair.owner_url = url
        event = {"specversion": "1.0", "id": "r-9", "source": "https://127.0.0.1:9/3/events", "type": CREATED,
                 "data": {"productId": [VALVE_ID]}}  # fmt: skip
        assert _post_event(pair, event).status_code == 200
        (out,) = _settled(store, "r-9")
    tries = store.attempts(out.seq)
    assert list(store.outbox()) == [out.seq]  # kept, abandoned, for `footprint events retry`
    assert store.next_due() is None
    store.close()
    assert out.state == "failed"
    assert "abandoned after" in out.detail
    assert "127.0.0.1:9" in out.detail
    assert out.attempts == len(tries) >= 3
    assert {t.outcome for t in tries} == {"error"}
    for n, (before, after) in enumerate(itertools.pairwise(tries), start=1):
        assert after.at - before.at >= outbox.delay(n) - 0.01  # 0.1, 0.2, 0.2, ... s (capped doubling)
    assert tries[-1].at - tries[0].at <= outbox.horizon


def test_a_product_offered_on_request_is_computed_then_sent(pair: SimpleNamespace, tmp_path: Path) -> None:
    """``publish --on-request`` publishes nothing; a request naming the offered product id has it computed,
    published (shared with the requester, its result in the ledger) and sent: its PCF is the valve's A1-A3
    per piece, as footprint.calculate gives it."""
    db = str(tmp_path / "offering.db")
    store = Store(db, box=BOX)
    buyer = _client(store, "buyer")
    offered = "urn:pact:valve-maker.example:supplier-id:sgv-offered"
    ids = offer_products(
        db, [str(ROOT / "examples" / "subsea_gate_valve.yaml")], company_name="Valve maker AS",
        company_ids=["valve-maker"], share_with=["buyer"],
        pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1, "product_ids": [offered]},
    )  # fmt: skip
    assert ids == [offered]
    assert store.counts()["server_footprints"] == 0
    outbox = Outbox(verify=str(pair.cert[0]), first_delay=0.05, max_delay=0.05, horizon=5, poll=0.1)
    with running(create_app(db, outbox=outbox, box=BOX), pair.cert) as url:
        store.link_partner("buyer", pair.requester_url, *pair.seller)
        report = request_footprints(url, *buyer, db=pair.requester_db, source=pair.requester_url,
                                    product_ids=[offered], wait=30, verify=str(pair.cert[0]))  # fmt: skip
    (pf_id,) = report.new
    (got,) = [p for p in fp.pulled_footprints(pair.requester_db) if p.id == pf_id]
    expected = fp.calculate(fp.load_product(ROOT / "examples" / "subsea_gate_valve.yaml")).cradle_to_gate_kgco2e
    assert float(got.document["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(expected, rel=1e-11)
    assert store.counts()["server_footprints"] == 1
    with fp.Ledger(db) as ledger:
        assert [s.note for s in ledger.history("sgv-5-10k")] == [f"published as PACT footprint {pf_id}"]
    store.close()


def test_clients_link_and_on_request_refuse_bad_input(tmp_path: Path) -> None:
    """``clients link`` refuses a plain-HTTP host and an unknown client, storing nothing; ``publish
    --on-request`` needs the clients who may ask (--share-with); a good link is stored."""
    from click.testing import CliRunner

    from footprint.cli import main

    db = str(tmp_path / "s.db")
    store = Store(db, box=BOX)
    _client(store, "buyer")
    run = CliRunner(env={"FOOTPRINT_SECRET_KEY": KEY}).invoke
    link = [
        "clients",
        "link",
        "buyer",
        "http://pact.buyer.example",
        "--client-id",
        "i",
        "--client-secret",
        "s",
        "--db",
        db,
    ]
    r = run(main, link)
    assert (r.exit_code, "HTTPS" in r.stderr) == (1, True)
    r = run(main, ["clients", "link", "nobody", "https://pact.buyer.example", "--client-id", "i", "--client-secret", "s",
                   "--db", db])  # fmt: skip
    assert (r.exit_code, "nobody" in r.stderr) == (1, True)
    assert store.partner("buyer") is None
    r = run(main, ["publish", str(ROOT / "examples" / "subsea_gate_valve.yaml"), "--db", db, "--on-request",
                   "--company-name", "V", "--company-id", "v"])  # fmt: skip
    assert (r.exit_code, "--share-with" in r.stderr) == (2, True)
    assert run(main, [*link[:3], "https://pact.buyer.example/", *link[4:]]).exit_code == 0
    partner = store.partner("buyer")
    assert partner is not None
    assert (partner.host, partner.client_id) == ("https://pact.buyer.example", "i")
    store.close()
