"""The filter criteria of PACT v3, shared by ``GET /3/footprints`` (query parameters) and the
``RequestCreatedEvent`` (its ``data``): OR within a criterion, AND across criteria (PACT v3 openapi.yaml,
ListFootprints "Filtering"), as SQL conditions on the service's footprints."""

from __future__ import annotations

from typing import Any

from ._http import ApiError
from ._store import has_key, parse_time, stamp
from ._tables import footprints

__all__ = ["LISTS", "TIMES", "bad", "filters"]

#: The list criteria (lower-cased names) and the kind of searchable value each matches.
LISTS = {"productid": "product", "companyid": "company", "classification": "classification", "geography": "geography"}
TIMES = ("validon", "validafter", "validbefore")


def bad(message: str) -> ApiError:
    """A 400 ``BadRequest`` with ``message``."""
    return ApiError(400, "BadRequest", message)


def filters(params: dict[str, list[str]]) -> list[Any]:
    """The SQL conditions of the query's filters: OR within a filter, AND across filters (PACT v3)."""
    where: list[Any] = []
    for name, kind in LISTS.items():
        if params.get(name):
            where.append(has_key(kind, params[name]))
    for name in TIMES:
        values = params.get(name, [])
        if len(values) > 1:
            raise bad(f"{name} may be given once")
        if values:
            try:
                t = stamp(parse_time(values[0]))
            except ValueError:
                raise bad(f"{name} must be an ISO 8601 date-time with a time zone, e.g. 2025-04-01T00:00:00Z") from None
            if name == "validon":
                where += [footprints.c.valid_from <= t, footprints.c.valid_to >= t]
            elif name == "validafter":
                where.append(footprints.c.valid_from > t)
            else:
                where.append(footprints.c.valid_to < t)
    status = params.get("status", [])
    if status:
        wanted = {s.lower() for s in status}
        if not wanted <= {"active", "deprecated"} or len(status) > 1:
            raise bad("status must be Active or Deprecated")
        where.append(footprints.c.status == ("Active" if wanted == {"active"} else "Deprecated"))
    return where
