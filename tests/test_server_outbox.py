"""Answers to partners survive: the outbox in the service's database, on SQLite and PostgreSQL, with real
servers on loopback (uvicorn, HTTPS, httpx). The owner answers a request while the requester's host is down;
the answer is stored before the first attempt, retried with backoff (short delays here: 0.2 s doubling to
0.4 s), still waiting when the owner stops, and delivered by the owner started again once the requester's
host is up. ``footprint events list|retry`` show and resend what was abandoned."""

from __future__ import annotations

import itertools
import json
import uuid
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
VALVE_ID = "urn:pact:valve-maker.example:supplier-id:sgv-5-10k"
CREATED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
KEY = new_key()
BOX = SecretBox(KEY)


def _client(store: Store, name: str) -> tuple[str, str]:
    secret = f"secret-of-{name}-0123456789"
    return store.add_client(name, hash_secret(secret), ["footprint:list", "footprint:read", "footprint:events"]), secret


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimpleNamespace]:
    """An owner sharing the valve's footprint with ``buyer``, linked to the requester's host at a port where
    nothing listens yet; the requester's database, holding the request it sent (as request_footprints
    records it)."""
    pg = request.param == "postgresql"
    with (
        postgres_schema() if pg else nullcontext(str(tmp_path / "owner.db")) as owner_db,
        postgres_schema() if pg else nullcontext(str(tmp_path / "requester.db")) as requester_db,
    ):
        owner, requester = Store(owner_db, box=BOX), Store(requester_db, box=BOX)
        valve = fp.load_product(ROOT / "examples" / "subsea_gate_valve.yaml")
        pf = fp.to_pact(fp.calculate(valve), company_name="Valve maker AS", company_ids=["valve-maker"],
                        company_domain="valve-maker.example", reference_period=valve.reference_period,
                        geography="NO", fossil_carbon_content=6.1)  # fmt: skip
        buyer = _client(owner, "buyer")
        owner.publish(pf, "sgv-5-10k", ["buyer"], None)
        port = free_port()
        requester_url = f"https://127.0.0.1:{port}"
        owner.link_partner("buyer", requester_url, *_client(requester, "seller"))
        request_event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": f"{requester_url}/3/events",
                         "type": CREATED, "data": {"productId": [VALVE_ID]}}  # fmt: skip
        requester.record_event("out", request_event, "https://owner.example", "sent")
        yield SimpleNamespace(owner=owner, requester=requester, owner_db=owner_db, requester_db=requester_db,
                              buyer=buyer, port=port, pf=pf, request=request_event,
                              cert=self_signed_cert(tmp_path))  # fmt: skip
        owner.close()
        requester.close()


def _ask(w: SimpleNamespace, owner_url: str) -> None:
    """The buyer posts its request to the owner's Action Events: accepted at once (200)."""
    with tls_client(owner_url, w.cert[0]) as c:
        token = c.post("/auth/token", data={"grant_type": "client_credentials"}, auth=w.buyer).json()["access_token"]
        r = c.post("/3/events", json=w.request,
                   headers={"Authorization": f"Bearer {token}", "Content-Type": "application/cloudevents+json"})  # fmt: skip
    assert r.status_code == 200


def _answer(w: SimpleNamespace) -> Any:
    out = [e for e in w.owner.events(direction="out") if e.type.endswith("RequestFulfilledEvent.3")]
    return out[0] if out else None


def test_an_answer_waits_for_a_host_that_comes_up_later_across_a_restart(world: SimpleNamespace) -> None:
    """Requester down: the answer is in the outbox, each failed attempt recorded, waits doubling (0.2, 0.4,
    0.4 s: capped). The owner stops with it still waiting; the requester's host comes up; the owner started
    again on the same database delivers it (one more attempt, accepted), and the requester stores the valve's
    footprint as the answer to its request."""
    w = world
    outbox = Outbox(verify=str(w.cert[0]), first_delay=0.2, max_delay=0.4, horizon=120, poll=0.1)
    with running(create_app(w.owner_db, outbox=outbox, box=BOX), w.cert) as owner_url:
        _ask(w, owner_url)
        answer = wait_until(lambda: (a := _answer(w)) and a.attempts >= 3 and a)
    answer = _answer(w)
    failed = w.owner.attempts(answer.seq)
    assert answer.state == "retrying"
    assert answer.seq in w.owner.outbox()
    assert [t.outcome for t in failed] == ["error"] * len(failed)
    assert all(f"127.0.0.1:{w.port}" in t.detail for t in failed)
    gaps = [b.at - a.at for a, b in itertools.pairwise(failed)]
    assert all(g >= outbox.delay(n) - 0.01 for n, g in enumerate(gaps, start=1))  # 0.2, 0.4, 0.4 ... s
    with (
        running(create_app(w.requester_db, box=BOX), w.cert, port=w.port),
        running(create_app(w.owner_db, outbox=outbox, box=BOX), w.cert),
    ):
        wait_until(lambda: _answer(w).state == "sent")
        stored = wait_until(lambda: [e for e in w.requester.events(direction="in") if e.state == "stored"])
    tries = w.owner.attempts(answer.seq)
    assert [t.outcome for t in tries] == ["error"] * len(failed) + ["accepted"]
    assert w.owner.outbox() == {}
    assert stored[0].request_event_id == w.request["id"]
    (got,) = fp.pulled_footprints(w.requester_db)
    assert (got.id, got.via, got.document["pcf"]) == (w.pf["id"], "event", w.pf["pcf"])


def _cli(*args: str) -> Any:
    return CliRunner(env={"FOOTPRINT_SECRET_KEY": KEY}).invoke(main, list(args))


def test_events_retry_refuses_a_number_past_a_database_integer(tmp_path: Path) -> None:
    """An event number is a 64-bit database integer (SQLite INTEGER, PostgreSQL's serial at most bigint): 2**63
    = 9223372036854775808 is refused as a usage error naming the range (it raised SQLite's OverflowError), and
    2**63 - 1, the largest, is looked up and not found."""
    db = str(tmp_path / "s.db")
    Store(db, box=BOX).close()
    r = _cli("events", "retry", str(2**63), "--db", db)
    assert r.exit_code == 2
    assert "9223372036854775808 is not in the range 1<=x<=9223372036854775807" in r.stderr
    r = _cli("events", "retry", str(2**63 - 1), "--db", db)
    assert r.exit_code == 1
    assert "no event 9223372036854775807" in r.stderr


@pytest.mark.parametrize(
    ("field", "value"),
    [("poll", "5"), ("first_delay", None), ("timeout", True), ("poll", float("nan")), ("poll", float("inf")),
     ("first_delay", 10**400), ("max_delay", -1.0), ("horizon", 0)],
)  # fmt: skip
def test_outbox_settings_of_the_wrong_type_or_unbounded_are_named(field: str, value: object) -> None:
    """Text, None or a boolean, NaN, and a wait longer than a thread can wait (threading.TIMEOUT_MAX, about
    9.2e9 s: inf or 10**400 stopped the courier thread with an OverflowError) are refused naming the setting;
    a horizon and a longest delay may be infinite (keep trying; never wait longer than the doubling gives)."""
    with pytest.raises(ValueError, match=f"Outbox.{field} must be a positive number of seconds"):
        Outbox(**{field: value})  # type: ignore[arg-type]
    assert Outbox(horizon=float("inf"), max_delay=float("inf")).delay(3) == 4.0  # 1 s doubled twice


def test_events_list_shows_a_horizon_past_any_date_as_never() -> None:
    """A job kept for an infinite horizon (``events retry --horizon inf``) or one past year 9999 is listed with
    ``never`` as its end, not an OverflowError; a time inside the range is an ISO UTC time (0 s: the epoch)."""
    from footprint._cli_events import _when

    assert [_when(float("inf")), _when(1e300), _when(0.0), _when(None)] == [
        "never",
        "never",
        "1970-01-01T00:00:00Z",
        "",
    ]


def test_events_list_and_retry_resend_an_abandoned_answer(world: SimpleNamespace) -> None:
    """With a 0.5 s horizon and the requester down, the answer is abandoned (failed); ``events list`` shows it;
    once the requester's host is up, ``events retry SEQ`` sends it (state sent, one more attempt) and the
    requester stores the footprint. Retrying an unknown event, a received one, or one already sent exits 1
    naming it; neither or both of SEQ and --failed is a usage error."""
    w = world
    outbox = Outbox(verify=str(w.cert[0]), first_delay=0.1, max_delay=0.1, horizon=0.5, poll=0.05)
    with running(create_app(w.owner_db, outbox=outbox, box=BOX), w.cert) as owner_url:
        _ask(w, owner_url)
        answer = wait_until(lambda: (a := _answer(w)) and a.state == "failed" and a)
    r = _cli("events", "list", "--db", w.owner_db, "--state", "failed", "--format", "json")
    assert r.exit_code == 0, r.stderr
    (listed,) = json.loads(r.stdout)
    assert (listed["seq"], listed["type"], listed["attempts"]) == (answer.seq, "RequestFulfilledEvent", answer.attempts)
    assert "abandoned after" in listed["detail"]
    received = w.owner.events(direction="in")[0].seq
    for bad, named in (("999999", "no event 999999"), (str(received), f"event {received}")):
        r = _cli("events", "retry", bad, "--db", w.owner_db)
        assert r.exit_code == 1
        assert named in r.stderr
    assert _cli("events", "retry", "--db", w.owner_db).exit_code == 2
    assert _cli("events", "retry", str(answer.seq), "--failed", "--db", w.owner_db).exit_code == 2
    with running(create_app(w.requester_db, box=BOX), w.cert, port=w.port):
        r = _cli("events", "retry", str(answer.seq), "--db", w.owner_db, "--partner-ca", str(w.cert[0]))
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)[0]["state"] == "sent"
        wait_until(lambda: [e for e in w.requester.events(direction="in") if e.state == "stored"])
    assert w.owner.attempts(answer.seq)[-1].outcome == "accepted"
    assert _answer(w).attempts == answer.attempts + 1
    r = _cli("events", "retry", str(answer.seq), "--db", w.owner_db)
    assert r.exit_code == 1
    assert "was done already (sent)" in r.stderr
    assert [p.id for p in fp.pulled_footprints(w.requester_db)] == [w.pf["id"]]


def test_a_job_whose_horizon_ended_while_it_waited_is_abandoned_untried(tmp_path: Path) -> None:
    """Nothing is tried after the horizon: an answer whose horizon (give_up) has passed by the time the
    courier takes it is abandoned with no attempt made (none recorded, no host contacted: port 9 has no
    listener and would have been an error attempt), and kept in the outbox for ``events retry``."""
    import time

    from footprint.server._outbox import deliver_due

    store = Store(str(tmp_path / "owner.db"), box=SecretBox(new_key()))
    store.add_client("buyer", hash_secret("s"), ["footprint:read"])
    store.link_partner("buyer", "https://127.0.0.1:9", "id", "secret")
    event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "https://owner.example/3/events",
             "type": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3", "data": {"requestEventId": "r"}}  # fmt: skip
    seq = store.enqueue(event, "buyer", "https://127.0.0.1:9", time.time() - 1.0)
    assert deliver_due(store, Outbox()) == [(seq, "failed")]
    assert store.attempts(seq) == []
    assert list(store.outbox()) == [seq]
    (row,) = store.events(seqs=[seq])
    assert row.detail == "abandoned after 0 attempts: the horizon ended before attempt 1"
    store.close()
