"""Request bodies of the calculation API: JSON, or YAML turned into JSON; any other content type is refused
with 415. The routes that calculate (:data:`READ_WHERE_CALCULATED`) get a YAML body as sent and read it where
they calculate, away from the event loop (:mod:`footprint.server._calculator`); for the others the YAML is
turned into JSON before FastAPI reads it. YAML anchors and aliases are refused (an alias bomb would expand a
small body into an enormous document)."""

from __future__ import annotations

import json
from typing import Any

import yaml
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._limits import current_limits
from ._http import ApiError, error_response

__all__ = ["READ_WHERE_CALCULATED", "CalcBodies", "is_yaml", "yaml_to_json"]

_JSON = "application/json"
_YAMLS = {"application/yaml", "application/x-yaml", "text/yaml"}

#: The paths of the routes that read a YAML body themselves, where they calculate.
READ_WHERE_CALCULATED = frozenset({"/v1/calculate", "/v1/calculate/batch", "/v1/catalogue"})


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("YAML aliases are not accepted")
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None):
            raise yaml.YAMLError("YAML anchors are not accepted")
        return super().compose_node(parent, index)


def media_type(content_type: str | None) -> str:
    """The media type of a ``Content-Type`` header, without its parameters, lower-case."""
    return (content_type or "").split(";")[0].strip().lower()


def is_yaml(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header names YAML."""
    return media_type(content_type) in _YAMLS


def yaml_to_json(body: bytes) -> bytes:
    """The JSON text of a YAML body (dates as ISO text); a body that is not valid YAML (or UTF-8), or that
    holds anchors or aliases, is a 400 :class:`ApiError` saying why."""
    try:
        data = yaml.load(body.decode("utf-8"), Loader=_NoAliasLoader)
        if _depth(data) > current_limits().nesting_depth:  # whatever recursion limit let the parser read it
            raise RecursionError
        return json.dumps(data, default=str).encode()  # YAML dates as ISO text
    except RecursionError:  # Python's own message varies with where it is met
        raise ApiError(400, "BadRequest", "the body is not valid YAML: nested too deep") from None
    except (yaml.YAMLError, UnicodeDecodeError, TypeError, ValueError) as e:
        raise ApiError(400, "BadRequest", f"the body is not valid YAML: {str(e)[:200]}") from None


def _depth(data: Any) -> int:
    """How deeply lists and mappings nest in ``data`` (a scalar: 0), counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _is_calc_post(scope: Scope) -> bool:
    """Whether the request is a POST to a route of ``/v1`` (an unknown path or method is left to the router,
    which answers 404 or 405, whatever the body)."""
    if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].startswith("/v1/"):
        return False
    app = scope.get("app")
    routes = getattr(getattr(app, "router", None), "routes", [])
    return any(route.matches(scope)[0] == Match.FULL for route in routes)


class CalcBodies:
    """For ``POST /v1/...``: a YAML body becomes JSON; a body neither JSON nor YAML gets 415."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_calc_post(scope):
            await self.app(scope, receive, send)
            return
        kind = media_type(dict(scope["headers"]).get(b"content-type", b"").decode("latin-1"))
        if kind == _JSON or (kind in _YAMLS and scope["path"] in READ_WHERE_CALCULATED):
            await self.app(scope, receive, send)
            return
        if kind not in _YAMLS:
            response = error_response(415, "BadRequest", "send the body as application/json or application/yaml")
            await response(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        try:
            converted = yaml_to_json(body)
        except ApiError as e:
            await error_response(e.status, e.code, e.message)(scope, receive, send)
            return
        new_headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")]
        new_headers += [(b"content-type", _JSON.encode()), (b"content-length", str(len(converted)).encode())]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": converted, "more_body": False}

        scope.setdefault("state", {})  # shared with the copy, so the access log sees the caller
        await self.app({**scope, "headers": new_headers}, replay, send)
