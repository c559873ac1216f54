"""``POST /auth/token``: OAuth 2.0 client credentials (RFC 6749 section 4.4) with HTTP Basic authentication,
as PACT v3 requires. Errors in RFC 6749's shape (section 5.2)."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ._auth import check_secret, issue_token
from ._deps import StoreDep
from ._openapi import OAuthError
from ._store import ClientRow, Store

__all__ = ["router"]

router = APIRouter(tags=["authentication"])

#: The ``scope`` a token may ask for: scopes of the client, separated by spaces (RFC 6749 section 3.3).
_SCOPES = "^ *(footprint:(list|read|events|calculate)( +footprint:(list|read|events|calculate))* *)?$"


class TokenResponse(BaseModel):
    """An access token (RFC 6749 section 5.1)."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="footprint"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def _basic(header: str) -> tuple[str, str] | None:
    kind, _, value = header.partition(" ")
    if kind.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    # RFC 6749 2.3.1: the id and secret are form-urlencoded before Basic encoding
    return (unquote(user), unquote(password)) if sep else None


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    responses={400: {"model": OAuthError, "description": "invalid_request, unsupported_grant_type or invalid_scope"},
               401: {"model": OAuthError, "description": "invalid_client"}},
    openapi_extra={"security": [{"clientCredentials": []}],
                   "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["grant_type"],
        "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]}, "scope": {"type": "string", "pattern": _SCOPES}},
    }}}}},
)  # fmt: skip
async def token(request: Request, store: StoreDep) -> Any:
    """Exchange a client id and secret (HTTP Basic) for a signed access token that expires."""
    credentials = _basic(request.headers.get("authorization", ""))
    if credentials is None:
        return _oauth_error(401, "invalid_client", "client authentication with HTTP Basic is required")
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return _oauth_error(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
    try:
        form = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return _oauth_error(400, "invalid_request", "the body is not UTF-8")
    if form.get("grant_type") != ["client_credentials"]:
        return _oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
    client_id, secret = credentials
    client = await run_in_threadpool(_authenticate, store, client_id, secret)
    if client is None:
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    asked = form.get("scope", [""])[-1].split()
    if not set(asked) <= set(client.scopes):
        return _oauth_error(400, "invalid_scope", "a requested scope was not granted to this client")
    scopes = tuple(asked) or client.scopes
    request.state.client_name = client.name
    ttl: int = request.app.state.token_ttl
    body = TokenResponse(
        access_token=issue_token(request.app.state.token_key, client.client_id, client.name, scopes, ttl),
        expires_in=ttl,
        scope=" ".join(scopes),
    )
    return JSONResponse(body.model_dump(), headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _authenticate(store: Store, client_id: str, secret: str) -> ClientRow | None:
    """The client whose id and secret these are (a slow hash, off the event loop), or None."""
    client = store.client(client_id) if len(client_id) <= 64 else None
    ok = check_secret(secret[:256], client.secret_hash if client else None)
    return client if ok else None
