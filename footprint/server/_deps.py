"""FastAPI dependencies: the service's store and the authenticated caller of a request."""

from __future__ import annotations

import types
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Depends, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ._auth import Caller, TokenError, read_token
from ._http import ApiError
from ._store import Store

__all__ = [
    "CalcCaller",
    "EventsCaller",
    "LedgerCaller",
    "ListCaller",
    "ReadCaller",
    "StoreDep",
    "get_store",
    "known_query",
    "require",
]

_BEARER = {"WWW-Authenticate": 'Bearer realm="footprint"'}
#: Declares the bearer token in the OpenAPI document; the header is read and checked below, as PACT wants.
_SCHEME = HTTPBearer(auto_error=False, scheme_name="bearerToken", description="A token from POST /auth/token")


async def get_store(request: Request) -> Store:
    """The store the application was created with (a coroutine: FastAPI would run a plain function in the
    thread pool, a hop to a thread and back on every request for an attribute read)."""
    store: Store = request.app.state.store
    return store


def _takes_many(annotation: Any) -> bool:
    """Whether a query parameter's annotation reads several values (a list, tuple or set, maybe optional)."""
    union = get_origin(annotation) in (Union, types.UnionType)
    return any(
        get_origin(a) in (list, tuple, set, frozenset) for a in (get_args(annotation) if union else (annotation,))
    )


def _query_fields(dependant: Dependant) -> dict[str, bool]:
    """The query parameters a route reads, each with whether it takes several values (a list)."""
    fields = {str(p.alias): _takes_many(p.field_info.annotation) for p in dependant.query_params}
    for sub in dependant.dependencies:
        fields |= _query_fields(sub)
    return fields


async def known_query(request: Request) -> None:
    """Refuse a query parameter the route does not read (400), rather than ignore it: a mistyped filter would
    otherwise answer as if no filter had been given; and refuse one value given twice where the route reads
    one (``?period=2024&period=2025`` would otherwise answer for the last only). Routes that document their
    parameters themselves (the PACT listing, whose names are case-insensitive) check their own."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or (route.openapi_extra or {}).get("parameters"):
        return
    known = _query_fields(route.dependant)
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        names = ", ".join(sorted(known)) or "none"
        raise ApiError(400, "BadRequest", f"unknown query parameter {unknown[0][:100]!r}; this route reads: {names}")
    for name, many in sorted(known.items()):
        given = len(request.query_params.getlist(name))
        if given > 1 and not many:
            raise ApiError(400, "BadRequest", f"query parameter {name!r} given {given} times; it takes one value")


def require(scope: str) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """A dependency that admits a request bearing a valid token with ``scope``.

    A missing, malformed or forged token is a 400 ``BadRequest`` (as the PACT conformance cases expect), an
    expired one a 401 ``TokenExpired``, a valid token without the scope a 403 ``AccessDenied``.
    """

    async def caller(
        request: Request, _declared: Annotated[HTTPAuthorizationCredentials | None, Security(_SCHEME)]
    ) -> Caller:
        header = request.headers.get("authorization", "")
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise ApiError(400, "BadRequest", "a bearer token is required (Authorization: Bearer ...)", headers=_BEARER)
        try:
            who = read_token(request.app.state.token_key, token.strip())
        except TokenError as e:
            if e.expired:
                raise ApiError(401, "TokenExpired", "the access token has expired", headers=_BEARER) from None
            raise ApiError(400, "BadRequest", "Invalid token provided", headers=_BEARER) from None
        request.state.client_name = who.name
        if scope not in who.scopes:
            raise ApiError(403, "AccessDenied", f"the token does not grant the scope {scope!r}")
        return who

    return caller


#: The store, and the caller holding each scope, as annotated dependencies of the routes.
StoreDep = Annotated[Store, Depends(get_store)]
ListCaller = Annotated[Caller, Depends(require("footprint:list"))]
ReadCaller = Annotated[Caller, Depends(require("footprint:read"))]
EventsCaller = Annotated[Caller, Depends(require("footprint:events"))]
CalcCaller = Annotated[Caller, Depends(require("footprint:calculate"))]
LedgerCaller = Annotated[Caller, Depends(require("footprint:ledger"))]
