"""Times as footprint writes them: ISO 8601 in UTC, to the second, with ``Z`` (PACT's form, the ledger's and
the service's), so that every stored or sent time compares as text in time order."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utc_now_text", "utc_text"]

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_text(when: datetime) -> str:
    """``when`` in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` (a time without a zone is taken as UTC)."""
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.strftime(_FORMAT)


def utc_now_text() -> str:
    """The time now, as :func:`utc_text` writes it."""
    return datetime.now(UTC).strftime(_FORMAT)
