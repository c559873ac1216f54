"""The service's own error."""

from __future__ import annotations

from .._errors import FootprintError

__all__ = ["ServerError"]


class ServerError(FootprintError):
    """The service's database or its content is not as expected (a bad URL, an unknown client name, a missing
    or wrong key for partner credentials...)."""
