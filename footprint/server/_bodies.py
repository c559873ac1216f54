"""Request bodies of the calculation API: JSON, or YAML turned into JSON before FastAPI reads it; any other
content type is refused with 415. YAML anchors and aliases are refused (an alias bomb would expand a small
body into an enormous document)."""

from __future__ import annotations

import json
from typing import Any

import yaml
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._http import error_response

__all__ = ["CalcBodies"]

_JSON = "application/json"
_YAMLS = {"application/yaml", "application/x-yaml", "text/yaml"}


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("YAML aliases are not accepted")
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None):
            raise yaml.YAMLError("YAML anchors are not accepted")
        return super().compose_node(parent, index)


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
        headers = dict(scope["headers"])
        kind = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        if kind == _JSON:
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
            data = yaml.load(body.decode("utf-8"), Loader=_NoAliasLoader)
            converted = json.dumps(data, default=str).encode()  # YAML dates as ISO text
        except (yaml.YAMLError, UnicodeDecodeError, TypeError, ValueError) as e:
            response = error_response(400, "BadRequest", f"the body is not valid YAML: {str(e)[:200]}")
            await response(scope, receive, send)
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
