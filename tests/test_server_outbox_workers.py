"""Two worker processes share one outbox and deliver every event exactly once, on SQLite and PostgreSQL.

Each worker is a real process (``python -c``) doing what the courier thread of a ``footprint serve`` worker
does: :func:`footprint.server._outbox.deliver_due` on the shared database until nothing is left. Both start
at the same moment (a file they wait for) on a batch of events due at once, so they race for the same rows;
the claims (a lease taken by a conditional update) must let only one of them send each. The receiving host is
one of the service's own, on loopback over HTTPS, recording every event it accepts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from types import SimpleNamespace

import pytest
from server_support import postgres_schema, running, self_signed_cert

from footprint.server import Store, create_app
from footprint.server._auth import hash_secret
from footprint.server._sealed import SecretBox, new_key

KEY = new_key()
BOX = SecretBox(KEY)
REJECTED = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
#: Events in the batch: three claims' worth for each worker (a claim takes at most 20 rows), so both have work.
BATCH = 120
#: How long a worker may take to empty the outbox before the test fails, seconds.
BOUND = 180

WORKER = """
import json, sys, time
from pathlib import Path
from footprint.server import Store
from footprint.server._outbox import Outbox, deliver_due
db, cert, go = sys.argv[1:4]
store = Store(db)
outbox = Outbox(verify=cert, first_delay=0.2, max_delay=0.4, horizon=600)
print("ready", flush=True)
while not Path(go).exists():
    time.sleep(0.01)
done, deadline = [], time.monotonic() + float(sys.argv[4])
while store.next_due() is not None and time.monotonic() < deadline:
    done += deliver_due(store, outbox)
    time.sleep(0.01)
print(json.dumps(done), flush=True)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimpleNamespace]:
    """The sender's database holding BATCH RequestRejectedEvents for ``buyer``, linked to the receiving host
    (running), and the receiver's store."""
    cert = self_signed_cert(tmp_path)
    pg = request.param == "postgresql"
    with (
        postgres_schema() if pg else nullcontext(str(tmp_path / "sender.db")) as sender_db,
        postgres_schema() if pg else nullcontext(str(tmp_path / "receiver.db")) as receiver_db,
    ):
        sender, receiver = Store(sender_db, box=BOX), Store(receiver_db, box=BOX)
        sender.add_client("buyer", hash_secret("secret-of-buyer-0123456789"), ["footprint:events"])
        secret = "secret-of-seller-0123456789"
        seller = receiver.add_client("seller", hash_secret(secret), ["footprint:events"])
        with running(create_app(receiver_db, box=BOX), cert) as receiver_url:
            sender.link_partner("buyer", receiver_url, seller, secret)
            ids = [str(uuid.uuid4()) for _ in range(BATCH)]
            for event_id in ids:
                event = {"type": REJECTED, "specversion": "1.0", "id": event_id, "source": "https://sender.example",
                         "data": {"requestEventId": event_id, "error": {"code": "NotFound", "message": "none"}}}  # fmt: skip
                sender.enqueue(event, "buyer", receiver_url, time.time() + 600)
            yield SimpleNamespace(sender=sender, receiver=receiver, sender_db=sender_db, cert=cert, ids=ids,
                                  go=tmp_path / "go")  # fmt: skip
        sender.close()
        receiver.close()


def test_two_worker_processes_deliver_each_event_exactly_once(world: SimpleNamespace) -> None:
    """Both workers race from the same moment over BATCH (120) events due at once. The receiving host
    accepted each of the 120 ids exactly once (none twice, none missing); the two workers' reports are
    disjoint and together cover every event, each ``sent``; both did some of the work (the race was real);
    the outbox is empty."""
    w = world
    args = [sys.executable, "-c", WORKER, w.sender_db, str(w.cert[0]), str(w.go), str(BOUND)]
    env = {"FOOTPRINT_SECRET_KEY": KEY, "PATH": "/usr/bin:/bin"}
    workers = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    try:
        for p in workers:
            assert p.stdout is not None
            assert p.stdout.readline().strip() == "ready"
        w.go.touch()
        reports = [p.communicate(timeout=BOUND + 30)[0] for p in workers]
    finally:
        for p in workers:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in workers] == [0, 0]
    done = [dict(json.loads(r)) for r in reports]
    assert not set(done[0]) & set(done[1])
    assert all(done)
    by_seq = done[0] | done[1]
    assert sorted(by_seq) == sorted(e.seq for e in w.sender.events(direction="out"))
    assert set(by_seq.values()) == {"sent"}
    received = Counter(e.event_id for e in w.receiver.events(direction="in"))
    assert sorted(received) == sorted(w.ids)
    assert set(received.values()) == {1}
    assert w.sender.outbox() == {}
