"""PACT v3 events as CloudEvents 1.0 documents in structured mode: their type names and their envelope."""

from __future__ import annotations

import uuid
from typing import Any

from .._clock import utc_now_text

__all__ = ["event_kind", "event_type", "pact_event"]

_PREFIX, _SUFFIX = "org.wbcsd.pact.ProductFootprint.", ".3"


def event_type(kind: str) -> str:
    """The CloudEvents ``type`` of a PACT v3.0.3 event ``kind`` (``PublishedEvent``, ``RequestCreatedEvent``,
    ...; openapi.yaml, components.schemas.*Event.properties.type)."""
    return f"{_PREFIX}{kind}{_SUFFIX}"


def event_kind(type_: str) -> str:
    """The kind of an event ``type`` (the inverse of :func:`event_type`)."""
    return type_[len(_PREFIX) : -len(_SUFFIX)]


def pact_event(kind: str, source: str, data: dict[str, Any]) -> dict[str, Any]:
    """A new event of ``kind`` from ``source`` carrying ``data``: a fresh id, the time now in UTC."""
    return {"type": event_type(kind), "specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
            "time": utc_now_text(), "data": data}  # fmt: skip
