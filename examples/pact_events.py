"""PACT events between two hosts: a valve maker publishes a footprint and its service announces it to the
skid builder's host with a PublishedEvent (``publish_products(announce=...)``, ``footprint publish --announce
URL``), and the skid builder's host pulls it (both through their outboxes); the skid builder asks for it by
event and the valve maker's answer goes through its outbox (stored first, retried with backoff if the
builder's host were down, every attempt recorded). The credentials each host keeps for the other are sealed
with a key kept outside the database. Both hosts run here on 127.0.0.1 over HTTPS.

    pip install ".[server]"
    python examples/pact_events.py

In production: ``footprint clients new-key``, ``footprint clients link NAME HOST --client-id ...
--client-secret ... --secret-key-file KEY``, ``footprint serve --secret-key-file KEY``, ``footprint publish
... --announce https://YOUR-HOST`` and ``footprint events list`` (docs/server.md).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import footprint as fp
from footprint.server import (
    Outbox,
    SecretBox,
    Store,
    add_client,
    create_app,
    new_key,
    publish_products,
    request_footprints,
    self_signed_certificate,
    serve_in_thread,
)
from footprint.server._store import EventRow

HERE = Path(__file__).resolve().parent
VALVE = "urn:pact:valve-maker.example:supplier-id:sgv-5-10k"
EVENTS = ["footprint:list", "footprint:read", "footprint:events"]


def settled(store: Store, event_type: str, direction: str) -> EventRow:
    """The first event of ``event_type`` recorded in ``store`` once its outbox job is done (30 s at most)."""
    deadline = time.monotonic() + 30
    while True:
        found = [e for e in store.events(direction=direction) if e.type.endswith(event_type)]
        if found and found[0].state not in ("queued", "retrying"):
            return found[0]
        assert time.monotonic() < deadline, f"no {event_type} settled"
        time.sleep(0.1)


def main() -> None:
    """Publish and announce, pull on announcement, request by event and read the outbox's record."""
    box = SecretBox(new_key())  # in production: FOOTPRINT_SECRET_KEY or --secret-key-file
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        maker_db, builder_db = str(folder / "maker.db"), str(folder / "builder.db")
        cert, key = self_signed_certificate(folder)
        builder_at_maker = add_client(maker_db, "skid-builder", EVENTS)  # what the maker's host issued the builder
        maker_at_builder = add_client(builder_db, "valve-maker", EVENTS)  # and the builder's host the maker
        outbox = Outbox(verify=str(cert), poll=0.2)
        maker, builder = Store(maker_db, box=box), Store(builder_db, box=box)
        with (
            serve_in_thread(create_app(maker_db, outbox=outbox, box=box), certfile=cert, keyfile=key) as maker_url,
            serve_in_thread(create_app(builder_db, outbox=outbox, box=box), certfile=cert, keyfile=key) as builder_url,
        ):
            builder.link_partner("valve-maker", maker_url, *builder_at_maker)  # sealed: never stored in clear
            maker.link_partner("skid-builder", builder_url, *maker_at_builder)
            # announce=...: the maker's service tells the builder's host with a PublishedEvent (its outbox)
            (valve,) = publish_products(
                maker_db, [str(HERE / "subsea_gate_valve.yaml")], company_name="Valve maker AS",
                company_ids=["valve-maker"], share_with=["skid-builder"], library=fp.default_library(),
                pact_options={"company_domain": "valve-maker.example", "fossil_carbon_content": 6.1,
                              "product_ids": [VALVE]}, announce=maker_url,
            )  # fmt: skip
            sent = settled(maker, "PublishedEvent.3", "out")
            print(f"maker's PublishedEvent {sent.document['data']['pfIds']}: {sent.state} ({sent.detail})")
            got = settled(builder, "PublishedEvent.3", "in")
            print(f"builder's host, on the PublishedEvent: {got.state} {got.detail}")
            report = request_footprints(maker_url, *builder_at_maker, db=builder_db, source=builder_url,
                                        product_ids=[VALVE], wait=30, verify=str(cert))  # fmt: skip
            print(f"builder asked by event: new {list(report.new)}, unchanged {report.unchanged}")
            answer = settled(maker, "RequestFulfilledEvent.3", "out")
            for attempt in maker.attempts(answer.seq):
                print(
                    f"maker's outbox, event {answer.seq} attempt {attempt.attempt}: {attempt.outcome} {attempt.detail}"
                )
        maker.close()
        builder.close()
        (pulled,) = fp.pulled_footprints(builder_db)
    assert pulled.id == valve["id"]
    assert pulled.via == "published"
    print(f"builder holds {pulled.id} from {pulled.host} (via {pulled.via}): "
          f"{pulled.document['pcf']['pcfExcludingBiogenicUptake']} kg CO2e per valve")  # fmt: skip


if __name__ == "__main__":
    main()
