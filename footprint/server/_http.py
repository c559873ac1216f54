"""Errors in the PACT specification's shape, the request body limit and structured access logs.

Every error body is ``{"code": ..., "message": ...}`` (PACT v3 ``Error``); the OAuth token endpoint answers
in RFC 6749's ``{"error": ..., "error_description": ...}``. Nothing from a Python traceback reaches a client:
an unexpected exception becomes a generic 500 ``InternalError`` and is logged on the server only.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AccessLog", "ApiError", "BodyLimit", "install_error_handlers", "invalid_request"]

access_log = logging.getLogger("footprint.server.access")
error_log = logging.getLogger("footprint.server.error")

_CODES = {
    400: "BadRequest",
    413: "BadRequest",
    415: "BadRequest",
    401: "TokenExpired",
    403: "AccessDenied",
    404: "NotFound",
    501: "NotImplemented",
}


class ApiError(Exception):
    """An error answered with ``status`` and a PACT ``Error`` body (``code``, ``message``, maybe ``problems``)."""

    def __init__(self, status: int, code: str, message: str, *, problems: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.problems, self.headers = problems, headers


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    """A JSON error body in the specification's shape."""
    body: dict[str, Any] = {"code": code, "message": message}
    headers = extra.pop("headers", None)
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, headers=headers)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, problems=exc.problems, headers=exc.headers)


def invalid_request(errors: Sequence[Any]) -> ApiError:
    """The 400 of a request that failed validation (pydantic's ``errors``, each with ``loc`` and ``msg``): a
    message naming the first three fields, and up to 50 problems, each a field and what is wrong with it."""
    problems = [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))} for e in errors[:50]
    ]
    where = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:3])
    return ApiError(400, "BadRequest", f"invalid request ({where})", problems=problems)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return await _api_error(request, invalid_request(exc.errors()))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES.get(exc.status_code, "BadRequest" if exc.status_code < 500 else "InternalError")
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    return error_response(exc.status_code, code, message, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    error_log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "InternalError", "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error in the specification's shape, and never with a traceback."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


class _TooLarge(HTTPException):
    """A streamed body passed the limit: answered 413 by the error handlers (FastAPI re-raises HTTP errors
    met while reading a body)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body larger than {max_bytes} bytes")


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether announced by ``Content-Length`` or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "BadRequest", f"request body larger than {self.max_bytes} bytes")
        await response(scope, receive, send)


class AccessLog:
    """One JSON line per request on the ``footprint.server.access`` logger: method, path, status, duration,
    peer address and the authenticated client (never a query string, header or body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = 500
        logged = False

        def log() -> None:
            nonlocal logged
            logged = True
            state = scope.get("state") or {}
            record = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - t0) * 1000, 2),
                "peer": (scope.get("client") or ("", 0))[0],
                "client": state.get("client_name"),
            }
            access_log.info(json.dumps(record, separators=(",", ":")))

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                log()  # before the last byte leaves: the line is written by the time the client has its answer
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            if not logged:
                log()
