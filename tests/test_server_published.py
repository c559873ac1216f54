"""A ``PublishedEvent`` from a linked partner has the footprints it names pulled from that partner's PACT host,
end to end with two of the service's hosts on loopback (uvicorn, HTTPS, httpx), on SQLite and PostgreSQL.

The valve maker (owner) publishes the valve's footprint, shared with its client ``buyer``; the skid builder
(recipient) knows the valve maker as its client ``seller`` and has linked ``seller`` to the valve maker's host
with the credentials that host issued it (``buyer``). The valve maker announces the footprint to the skid
builder's Action Events; the skid builder fetches it with GetFootprint and stores it as ``footprint pact pull``
does. Events from other senders pull nothing.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from server_support import free_port, postgres_schema, running, self_signed_cert, tls_client, wait_until

import footprint as fp
from footprint.cli import main
from footprint.server import Store, create_app
from footprint.server._auth import hash_secret
from footprint.server._outbox import Outbox
from footprint.server._sealed import SecretBox, new_key

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"
KEY = new_key()
BOX = SecretBox(KEY)
SCOPES = ["footprint:list", "footprint:read", "footprint:events"]
SETTLED = ("pulled", "pull-failed", "ignored")


def _client(store: Store, name: str) -> tuple[str, str]:
    secret = f"secret-of-{name}-0123456789"
    return store.add_client(name, hash_secret(secret), SCOPES), secret


def _valve_footprint() -> dict[str, Any]:
    """The example valve's PACT footprint, as the valve maker publishes it."""
    valve = fp.load_product(ROOT / "examples" / "subsea_gate_valve.yaml")
    return fp.to_pact(fp.calculate(valve), company_name="Valve maker AS", company_ids=["valve-maker"],
                      company_domain="valve-maker.example", reference_period=valve.reference_period,
                      geography="NO", fossil_carbon_content=6.1)  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hosts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The valve maker's and the skid builder's hosts, running and linked as the module docstring says."""
    folder = tmp_path_factory.mktemp("published")
    cert = self_signed_cert(folder)
    pg = request.param == "postgresql"
    with (
        postgres_schema() if pg else nullcontext(str(folder / "owner.db")) as owner_db,
        postgres_schema() if pg else nullcontext(str(folder / "recipient.db")) as recipient_db,
    ):
        owner, recipient = Store(owner_db, box=BOX), Store(recipient_db, box=BOX)
        buyer = _client(owner, "buyer")
        seller, stranger = _client(recipient, "seller"), _client(recipient, "stranger")
        pf = _valve_footprint()
        owner.publish(pf, "sgv-5-10k", ["buyer"], None)
        outbox = Outbox(verify=str(cert[0]), poll=0.1)
        with (
            running(create_app(owner_db, outbox=outbox, box=BOX), cert) as owner_url,
            running(create_app(recipient_db, outbox=outbox, box=BOX), cert) as recipient_url,
        ):
            recipient.link_partner("seller", owner_url, *buyer)
            yield SimpleNamespace(owner=owner, recipient=recipient, owner_url=owner_url, recipient_url=recipient_url,
                                  recipient_db=recipient_db, seller=seller, stranger=stranger, cert=cert, pf=pf)  # fmt: skip
        owner.close()
        recipient.close()


def _announce(h: SimpleNamespace, who: tuple[str, str] | None, event_id: str, pf_ids: list[Any], source: str) -> Any:
    """``who`` (None: no token) posts a PublishedEvent to the skid builder's Action Events."""
    event = {"specversion": "1.0", "id": event_id, "source": source, "time": "2026-12-01T10:00:00Z",
             "type": PUBLISHED, "data": {"pfIds": pf_ids}}  # fmt: skip
    with tls_client(h.recipient_url, h.cert[0]) as c:
        headers = {"Content-Type": "application/cloudevents+json"}
        if who is not None:
            token = c.post("/auth/token", data={"grant_type": "client_credentials"}, auth=who).json()["access_token"]
            headers["Authorization"] = f"Bearer {token}"
        return c.post("/3/events", json=event, headers=headers)


def _settled(h: SimpleNamespace, event_id: str) -> Any:
    """The PublishedEvent ``event_id`` once its pull is done, failed or ignored."""
    return wait_until(lambda: [e for e in h.recipient.events(direction="in", event_id=event_id) if e.state in SETTLED])[
        0
    ]


def test_a_published_event_from_a_linked_partner_pulls_its_footprints(hosts: SimpleNamespace) -> None:
    """Accepted (200, empty body), then the valve's footprint is fetched from the valve maker's host and stored
    with its provenance (that host, via ``published``), its PCF as published; announcing it again stores
    nothing new (unchanged)."""
    h = hosts
    r = _announce(h, h.seller, "pub-1", [h.pf["id"]], f"{h.owner_url}/3/events")
    assert (r.status_code, r.content) == (200, b"")
    got = _settled(h, "pub-1")
    assert got.state == "pulled", got.detail
    (pulled,) = [p for p in fp.pulled_footprints(h.recipient_db) if p.id == h.pf["id"]]
    assert (pulled.host, pulled.via, pulled.document["pcf"]) == (h.owner_url, "published", h.pf["pcf"])
    assert _announce(h, h.seller, "pub-2", [h.pf["id"]], f"{h.owner_url}/3/events").status_code == 200
    assert '"unchanged": 1' in _settled(h, "pub-2").detail


@pytest.mark.parametrize(
    ("sender", "source", "why"),
    [("stranger", "owner", "no host is linked"), ("seller", "https://elsewhere.example/3/events", "not the linked host")],
)  # fmt: skip
def test_a_published_event_from_another_sender_pulls_nothing(
    hosts: SimpleNamespace, sender: str, source: str, why: str
) -> None:
    """A client with no linked host, or the partner naming another source, is accepted (200: a valid event,
    as conformance case 15 expects) and recorded as ignored with the reason; nothing is fetched or stored."""
    h = hosts
    before = len(fp.pulled_footprints(h.recipient_db))
    event_id = f"pub-{sender}-{len(source)}"
    r = _announce(
        h, getattr(h, sender), event_id, [h.pf["id"]], f"{h.owner_url}/3/events" if source == "owner" else source
    )
    assert r.status_code == 200
    got = _settled(h, event_id)
    assert got.state == "ignored"
    assert why in got.detail
    assert len(fp.pulled_footprints(h.recipient_db)) == before


def test_an_unknown_or_unannounced_footprint_fails_the_pull_and_stores_nothing(hosts: SimpleNamespace) -> None:
    """An id the valve maker's host does not have (404 there) fails the whole pull, recorded with the host's
    answer; the footprints named with it are not stored either (all or none)."""
    h = hosts
    before = len(fp.pulled_footprints(h.recipient_db))
    missing = "00000000-0000-4000-8000-000000000000"
    r = _announce(h, h.seller, "pub-missing", [h.pf["id"], missing], f"{h.owner_url}/3/events")
    assert r.status_code == 200
    got = _settled(h, "pub-missing")
    assert got.state == "pull-failed"
    assert missing in got.detail
    assert "404" in got.detail
    assert len(fp.pulled_footprints(h.recipient_db)) == before


def test_a_failed_pull_is_resent_by_events_retry_once_the_host_has_the_footprint(hosts: SimpleNamespace) -> None:
    """An id the valve maker's host does not have yet ends the pull at once (``pull-failed``, one attempt,
    ``refused``: a 404 is not tried again). Once the valve maker publishes a footprint under that id,
    ``footprint events retry SEQ`` does the pull again (attempt 2, ``pulled``) and the footprint is stored;
    retrying it again exits 1 (done already)."""
    h = hosts
    later = "00000000-0000-4000-8000-00000000000b"
    assert _announce(h, h.seller, "pub-retry", [later], f"{h.owner_url}/3/events").status_code == 200
    failed = _settled(h, "pub-retry")
    assert (failed.state, failed.attempts) == ("pull-failed", 1)
    assert [t.outcome for t in h.recipient.attempts(failed.seq)] == ["refused"]
    h.owner.publish({**h.pf, "id": later}, "sgv-5-10k-later", ["buyer"], None)
    cli = CliRunner(env={"FOOTPRINT_SECRET_KEY": KEY})
    args = ["events", "retry", str(failed.seq), "--db", h.recipient_db, "--partner-ca", str(h.cert[0])]
    r = cli.invoke(main, args)
    assert r.exit_code == 0, r.stderr
    assert [(x["state"], x["attempts"]) for x in json.loads(r.stdout)] == [("pulled", 2)]
    assert later in {p.id for p in fp.pulled_footprints(h.recipient_db)}
    again = cli.invoke(main, args)
    assert again.exit_code == 1
    assert "done already" in again.stderr


def test_malformed_published_event_data_is_refused(hosts: SimpleNamespace) -> None:
    """A PublishedEvent whose data is not an object, lacks ``pfIds``, or names an id that is not a string:
    400 naming what is wrong; nothing recorded."""
    h = hosts
    before = len(h.recipient.events())
    with tls_client(h.recipient_url, h.cert[0]) as c:
        token = c.post("/auth/token", data={"grant_type": "client_credentials"}, auth=h.seller).json()["access_token"]
        for data, named in (("x", "data object"), ({}, "data.pfids"), ({"pfIds": [7]}, "pfids[0]")):
            event = {"specversion": "1.0", "id": "pub-malformed", "source": f"{h.owner_url}/3/events",
                     "type": PUBLISHED, "data": data}  # fmt: skip
            r = c.post("/3/events", json=event, headers={"Authorization": f"Bearer {token}",
                                                         "Content-Type": "application/cloudevents+json"})  # fmt: skip
            assert r.status_code == 400
            assert named in r.json()["message"].lower()
    assert len(h.recipient.events()) == before


@pytest.mark.parametrize(
    ("who", "pf_ids", "status", "named"),
    [(None, ["7b1e4c9a-52a0-4a43-8f8b-0a0e1a2b3c4d"], 400, "bearer token"),
     ("seller", ["../../auth/token"], 400, "pfids[0]"),
     ("seller", "7b1e4c9a-52a0-4a43-8f8b-0a0e1a2b3c4d", 400, "list"),
     ("seller", ["7b1e4c9a-52a0-4a43-8f8b-0a0e1a2b3c4d"] * 101, 400, "at most 100")],
)  # fmt: skip
def test_bad_published_events_are_refused_and_recorded_nowhere(
    hosts: SimpleNamespace, who: str | None, pf_ids: Any, status: int, named: str
) -> None:
    """No token (the spec's 400 for a missing token), an id that is not a UUID (it would be put in a path on
    the partner's host), pfIds not a list, more than 100 ids: refused at once naming the problem; nothing
    recorded, nothing pulled."""
    h = hosts
    before = (len(h.recipient.events()), len(fp.pulled_footprints(h.recipient_db)))
    r = _announce(h, getattr(h, who) if who else None, "pub-bad", pf_ids, f"{h.owner_url}/3/events")
    assert r.status_code == status
    assert named in r.json()["message"].lower()
    assert (len(h.recipient.events()), len(fp.pulled_footprints(h.recipient_db))) == before


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_a_pull_waits_for_a_partner_host_that_comes_up_later_across_a_restart(db: str, tmp_path: Path) -> None:
    """The valve maker announces its footprint while its host is down: the skid builder accepts the event
    (200) with its pull stored in the outbox, each failed attempt recorded with the host's address, waits
    doubling (0.2, 0.4, 0.4 s: capped), shown by ``events list`` as retrying with a next attempt. The skid
    builder stops with the pull still waiting; the valve maker's host comes up; the skid builder started again
    on the same database pulls the footprint (one more attempt, ``pulled``) and the outbox is empty."""
    cert = self_signed_cert(tmp_path)
    port = free_port()
    owner_url = f"https://127.0.0.1:{port}"
    with (
        postgres_schema() if db == "postgresql" else nullcontext(str(tmp_path / "owner.db")) as owner_db,
        postgres_schema() if db == "postgresql" else nullcontext(str(tmp_path / "recipient.db")) as recipient_db,
    ):
        owner, recipient = Store(owner_db, box=BOX), Store(recipient_db, box=BOX)
        pf = _valve_footprint()
        buyer = _client(owner, "buyer")
        owner.publish(pf, "sgv-5-10k", ["buyer"], None)
        h = SimpleNamespace(recipient=recipient, cert=cert, seller=_client(recipient, "seller"))
        recipient.link_partner("seller", owner_url, *buyer)
        outbox = Outbox(verify=str(cert[0]), first_delay=0.2, max_delay=0.4, horizon=120, poll=0.1)
        with running(create_app(recipient_db, outbox=outbox, box=BOX), cert) as h.recipient_url:
            assert _announce(h, h.seller, "pub-later", [pf["id"]], f"{owner_url}/3/events").status_code == 200
            wait_until(lambda: recipient.events(event_id="pub-later")[0].attempts >= 3)
        (waiting,) = recipient.events(event_id="pub-later")
        failed = recipient.attempts(waiting.seq)
        assert waiting.state == "retrying"
        assert [t.outcome for t in failed] == ["error"] * len(failed)
        assert all(f"127.0.0.1:{port}" in t.detail for t in failed)
        gaps = [b.at - a.at for a, b in itertools.pairwise(failed)]
        assert all(g >= outbox.delay(n) - 0.01 for n, g in enumerate(gaps, start=1))
        r = CliRunner().invoke(
            main, ["events", "list", "--db", recipient_db, "--state", "retrying", "--format", "json"]
        )
        (listed,) = json.loads(r.stdout)
        assert (listed["seq"], listed["type"], listed["direction"]) == (waiting.seq, "PublishedEvent", "in")
        assert listed["next_attempt"]
        assert listed["give_up"]
        assert fp.pulled_footprints(recipient_db) == []
        with (
            running(create_app(owner_db, box=BOX), cert, port=port),
            running(create_app(recipient_db, outbox=outbox, box=BOX), cert),
        ):
            done = wait_until(lambda: (e := recipient.events(event_id="pub-later")[0]).state == "pulled" and e)
        assert [t.outcome for t in recipient.attempts(waiting.seq)] == ["error"] * len(failed) + ["pulled"]
        assert '"new": ["' + pf["id"] in done.detail
        assert recipient.outbox() == {}
        (got,) = fp.pulled_footprints(recipient_db)
        assert (got.id, got.host, got.via, got.document["pcf"]) == (pf["id"], owner_url, "published", pf["pcf"])
        owner.close()
        recipient.close()
