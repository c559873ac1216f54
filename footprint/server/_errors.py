"""The service's own error."""

from __future__ import annotations

from .._errors import FootprintError

__all__ = ["NotRetriedError", "ServerError"]


class ServerError(FootprintError):
    """The service's database or its content is not as expected (a bad URL, an unknown client name, a missing
    or wrong key for partner credentials...)."""


class NotRetriedError(ServerError):
    """An attempt of the outbox that trying again cannot mend (a footprint the partner's host does not have,
    footprints that break the specification, no host linked any more): the job ends at once, kept for
    ``footprint events retry``."""
