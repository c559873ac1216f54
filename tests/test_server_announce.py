"""The service sends PublishedEvents itself: ``footprint publish --announce URL`` puts a PACT v3 PublishedEvent
in the outbox for each client the footprints are shared with that is linked to its own host, and the running
service delivers it; the receiving host pulls the footprints (through its own outbox). End to end with two of
the service's hosts on loopback (uvicorn, HTTPS, httpx), on SQLite and PostgreSQL.

The valve maker (owner) shares with its client ``buyer``, linked to the skid builder's host with the
credentials that host issued it (``seller``); the skid builder (recipient) has linked ``seller`` to the valve
maker's host with the credentials the valve maker issued it (``buyer``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from server_support import postgres_schema, running, self_signed_cert, wait_until

import footprint as fp
from footprint.cli import main
from footprint.server import Store, create_app, publish_products
from footprint.server._announce import announce, source_url
from footprint.server._auth import hash_secret
from footprint.server._outbox import Outbox
from footprint.server._sealed import SecretBox, new_key

ROOT = Path(__file__).resolve().parent.parent
VALVE = str(ROOT / "examples" / "subsea_gate_valve.yaml")
PACT = ["--prefolded", "report", "--company-name", "Valve maker AS", "--company-id", "valve-maker",
        "--company-domain", "valve-maker.example", "--fossil-carbon-content", "6.1"]  # fmt: skip
PUBLISHED = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"
BOX = SecretBox(new_key())
SCOPES = ["footprint:list", "footprint:read", "footprint:events"]


def _client(store: Store, name: str) -> tuple[str, str]:
    secret = f"secret-of-{name}-0123456789"
    return store.add_client(name, hash_secret(secret), SCOPES), secret


@pytest.fixture(params=["sqlite", "postgresql"])
def hosts(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimpleNamespace]:
    """Both hosts running and linked as the module docstring says; the valve maker also has a client
    ``nolink`` with no host of its own, and ``refused``, linked to the skid builder's host with a secret that
    host never issued."""
    cert = self_signed_cert(tmp_path)
    pg = request.param == "postgresql"
    with (
        postgres_schema() if pg else nullcontext(str(tmp_path / "owner.db")) as owner_db,
        postgres_schema() if pg else nullcontext(str(tmp_path / "recipient.db")) as recipient_db,
    ):
        owner, recipient = Store(owner_db, box=BOX), Store(recipient_db, box=BOX)
        buyer, seller = _client(owner, "buyer"), _client(recipient, "seller")
        _client(owner, "nolink")
        _client(owner, "refused")
        outbox = Outbox(verify=str(cert[0]), first_delay=0.2, max_delay=0.4, poll=0.1)
        with (
            running(create_app(owner_db, outbox=outbox, box=BOX), cert) as owner_url,
            running(create_app(recipient_db, outbox=outbox, box=BOX), cert) as recipient_url,
        ):
            owner.link_partner("buyer", recipient_url, *seller)
            owner.link_partner("refused", recipient_url, seller[0], "not-the-secret-it-issued")
            recipient.link_partner("seller", owner_url, *buyer)
            yield SimpleNamespace(owner=owner, recipient=recipient, owner_db=owner_db, recipient_db=recipient_db,
                                  owner_url=owner_url, recipient_url=recipient_url)  # fmt: skip
        owner.close()
        recipient.close()


def _publish(h: SimpleNamespace, *extra: str) -> Any:
    return CliRunner().invoke(main, ["publish", VALVE, "--db", h.owner_db, *extra, *PACT])


def _pulled(h: SimpleNamespace, pf_id: str) -> Any:
    """The skid builder's PublishedEvent naming ``pf_id`` once its pull is done."""
    found = [e for e in h.recipient.events(direction="in") if pf_id in e.document["data"].get("pfIds", [])]
    return found[0] if found and found[0].state == "pulled" else None


def test_publish_announces_to_linked_partners_and_they_pull(hosts: SimpleNamespace) -> None:
    """``publish --announce`` shares with ``buyer`` (linked) and ``nolink`` (no host): it prints ``buyer`` as
    told; the valve maker's service sends one PublishedEvent (CloudEvents 1.0, the PACT type, ``source`` its
    Action Events, ``data.pfIds`` the new footprint), accepted by the skid builder, whose host pulls the
    footprint (provenance ``published``, from the valve maker's host). Published again, the new footprint
    supersedes the old: the event names both, and the skid builder's copy of the old one turns Deprecated."""
    h = hosts
    r = _publish(h, "--share-with", "buyer", "--share-with", "nolink", "--announce", h.owner_url)
    assert r.exit_code == 0, r.stderr
    first = json.loads(r.stdout)
    assert first["announcedTo"] == ["buyer"]
    wait_until(lambda: _pulled(h, first["id"]))
    (sent,) = [e for e in h.owner.events(direction="out") if e.type == PUBLISHED]
    assert (sent.state, sent.peer) == ("sent", h.recipient_url)
    doc = sent.document
    assert (doc["specversion"], doc["source"], doc["data"]) == (
        "1.0",
        f"{h.owner_url}/3/events",
        {"pfIds": [first["id"]]},
    )
    (got,) = fp.pulled_footprints(h.recipient_db)
    assert (got.id, got.host, got.via, got.document["status"]) == (first["id"], h.owner_url, "published", "Active")

    r = _publish(h, "--announce", h.owner_url)  # shares carry over from the footprint superseded
    assert r.exit_code == 0, r.stderr
    second = json.loads(r.stdout)
    assert (second["precedingPfIds"], second["announcedTo"]) == ([first["id"]], ["buyer"])
    done = wait_until(lambda: _pulled(h, second["id"]))
    assert done.document["data"]["pfIds"] == [second["id"], first["id"]]
    assert json.loads(done.detail) == {"new": [second["id"]], "updated": [first["id"]], "unchanged": 0}
    statuses = {p.id: p.document["status"] for p in fp.pulled_footprints(h.recipient_db)}
    assert statuses == {first["id"]: "Deprecated", second["id"]: "Active"}


def test_without_announce_no_event_is_sent(hosts: SimpleNamespace) -> None:
    """Announcing is opt-in (PACT leaves it to the data owner): publishing to a linked partner without
    ``--announce`` puts nothing in the outbox and prints no ``announcedTo``."""
    h = hosts
    r = _publish(h, "--share-with", "buyer")
    assert r.exit_code == 0, r.stderr
    assert "announcedTo" not in json.loads(r.stdout)
    assert h.owner.events(direction="out") == []
    assert h.owner.outbox() == {}


@pytest.mark.parametrize(
    ("extra", "code", "named"),
    [(["--announce", "http://pact.valve-maker.example"], 1, "not a PACT host URL"),
     (["--announce", "https://pact.valve-maker.example?x=1"], 1, "not a PACT host URL"),
     (["--announce", "https://pact.valve-maker.example", "--on-request"], 2, "--on-request")],
)  # fmt: skip
def test_a_bad_announcing_address_is_refused_and_nothing_is_published(
    hosts: SimpleNamespace, extra: list[str], code: int, named: str
) -> None:
    """Plain HTTP (PACT requires HTTPS) or a query in the address exits 1 naming it; with ``--on-request``
    (the answer to the request is the event) it is a usage error; no table changes in either case."""
    h = hosts
    before = h.owner.counts()
    r = _publish(h, "--share-with", "buyer", *extra)
    assert r.exit_code == code
    assert named in r.stderr
    assert h.owner.counts() == before


def test_a_partner_host_refusing_the_event_is_retried_and_recorded(hosts: SimpleNamespace) -> None:
    """The skid builder's host refuses the valve maker's token request for ``refused`` (a secret it never
    issued: 401 ``invalid_client``): the event stays in the outbox, retrying, each attempt recorded with the
    host's answer; nothing is pulled."""
    h = hosts
    (seq,) = [a.seq for a in announce(h.owner, source_url(h.owner_url), {"refused": [VALVE_PF_ID]})]
    wait_until(lambda: len(h.owner.attempts(seq)) >= 2)
    tries = h.owner.attempts(seq)
    assert {t.outcome for t in tries} == {"error"}
    assert all("401" in t.detail and "invalid_client" in t.detail for t in tries)
    assert h.owner.events(seqs=[seq])[0].state == "retrying"
    assert seq in h.owner.outbox()
    assert fp.pulled_footprints(h.recipient_db) == []


#: An id in the form of a footprint id (PACT v3 PublishedEvent.data.pfIds: UUIDs); no host has it.
VALVE_PF_ID = "7b1e4c9a-52a0-4a43-8f8b-0a0e1a2b3c4d"


def test_more_than_a_hundred_ids_go_in_several_events(tmp_path: Path) -> None:
    """A receiving host takes at most 100 ids per PublishedEvent (``MAX_PUBLISHED``, this service's own
    limit, 400 beyond): 150 ids go in two events, of 100 and 50, in order; a client with no linked host gets
    none."""
    store = Store(str(tmp_path / "owner.db"), box=BOX)
    _client(store, "buyer")
    _client(store, "nolink")
    store.link_partner("buyer", "https://buyer.example", "id", "secret")
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(150)]
    told = announce(store, source_url("https://owner.example"), {"buyer": ids, "nolink": ids})
    assert [(a.partner, a.host, len(a.pf_ids)) for a in told] == [("buyer", "https://buyer.example", 100),
                                                                 ("buyer", "https://buyer.example", 50)]  # fmt: skip
    events = store.events(seqs=[a.seq for a in told])
    assert [e.document["data"]["pfIds"] for e in events] == [ids[:100], ids[100:]]
    assert {e.document["source"] for e in events} == {"https://owner.example/3/events"}
    store.close()


def test_a_footprint_is_published_and_announced_or_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PublishedEvent is stored in the transaction that publishes the footprint: when storing the event
    fails, the footprint, its shares and the event are all absent (no footprint published that its partners
    are never told of)."""
    db = str(tmp_path / "owner.db")
    store = Store(db, box=BOX)
    _client(store, "buyer")
    store.link_partner("buyer", "https://buyer.example", "id", "secret")
    tables = ("server_footprints", "server_shares", "server_events", "server_outbox")
    before = {t: store.counts()[t] for t in tables}

    def broken(*_args: Any, **_kw: Any) -> int:
        raise RuntimeError("the outbox cannot be written")

    monkeypatch.setattr(Store, "enqueue", broken)
    with pytest.raises(RuntimeError, match="outbox cannot be written"):
        publish_products(db, [VALVE], company_name="Valve maker AS", company_ids=["valve-maker"],
                         share_with=["buyer"], library=fp.default_library(), prefolded="report",
                         pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1},
                         announce="https://owner.example")  # fmt: skip
    assert {t: store.counts()[t] for t in tables} == before
    monkeypatch.undo()
    (pf,) = publish_products(db, [VALVE], company_name="Valve maker AS", company_ids=["valve-maker"],
                             share_with=["buyer"], library=fp.default_library(), prefolded="report",
                             pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1},
                             announce="https://owner.example")  # fmt: skip
    (event,) = store.events(direction="out")
    assert event.document["data"]["pfIds"] == [pf["id"]]
    assert store.counts()["server_footprints"] == before["server_footprints"] + 1
    store.close()


@pytest.mark.parametrize(
    "url", [None, 5, b"https://pact.valve-maker.example", "https://[::1", "https://pact.valve-maker.example:99999",
            "https://pact.valve-maker.example:https"],
)  # fmt: skip
def test_an_announcing_address_of_the_wrong_type_or_with_a_bad_port_is_a_host_error(url: object) -> None:
    """Not text, an IPv6 address left open, a port past 65535 (the largest TCP port) or one that is no number:
    each refused as not a PACT host URL, naming it, where they raised AttributeError or ValueError (or passed,
    for the ports, until the first delivery failed); a good address with a port and IPv6 brackets still passes."""
    with pytest.raises(fp.PactHostError, match="not a PACT host URL"):
        source_url(url)  # type: ignore[arg-type]
    assert source_url("https://[::1]:8443/") == "https://[::1]:8443/3/events"
