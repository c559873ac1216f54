"""The OpenAPI document as the service really answers: every error in the PACT ``Error`` shape with its status
(400 for a bad request, never FastAPI's default 422), 401/403 where a token is needed, 404 where a path names
a resource, 413/415 where a body is read and 500 everywhere; the PACT routes' bodies as the library's
``ProductFootprintV3`` model, and ``POST /3/events`` as the four PACT event types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict

from ..pact._exchange import ProductFootprintV3
from ._strict import BODY_MODELS

__all__ = ["EVENT_BODY", "Error", "FootprintList", "FootprintOne", "OAuthError", "document_errors"]


class ErrorProblem(BaseModel):
    """One problem of a refused request: the field and what was wrong or expected."""

    model_config = ConfigDict(extra="allow")

    field: str | None = None
    message: str | None = None


class Error(BaseModel):
    """An error (PACT v3 ``Error``): a code such as ``BadRequest``, ``AccessDenied``, ``TokenExpired``,
    ``NotFound`` or ``InternalError``, a message, and for invalid requests the problems found."""

    code: str
    message: str
    problems: list[ErrorProblem] | None = None


class OAuthError(BaseModel):
    """An error of ``POST /auth/token`` (RFC 6749 section 5.2)."""

    error: str
    error_description: str


class FootprintList(BaseModel):
    """A page of ``GET /3/footprints``: the footprints shared with the caller (never null)."""

    data: list[ProductFootprintV3]


class FootprintOne(BaseModel):
    """The answer of ``GET /3/footprints/{id}``."""

    data: ProductFootprintV3


def _event(kind: str, *need: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["specversion", "id", "source", "type", "data"],
        "properties": {
            "specversion": {"type": "string", "const": "1.0"},
            "id": {"type": "string", "minLength": 1},
            "source": {"type": "string", "minLength": 1},
            "time": {"type": "string"},
            "type": {"type": "string", "const": f"org.wbcsd.pact.ProductFootprint.{kind}.3"},
            "data": {"type": "object", "required": list(need)},
        },
    }


#: The request body of ``POST /3/events``: a CloudEvent (structured mode) of one of the four PACT types, with
#: the data members each needs (a RequestCreatedEvent's data: the criteria of ``GET /3/footprints``).
EVENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/cloudevents+json": {
                "schema": {
                    "oneOf": [
                        _event("RequestCreatedEvent"),
                        _event("RequestFulfilledEvent", "requestEventId", "pfs"),
                        _event("RequestRejectedEvent", "requestEventId", "error"),
                        _event("PublishedEvent", "pfIds"),
                    ]
                }
            }
        },
    }
}

_WHY = {
    "400": "BadRequest: a malformed request, filter or body; a missing, malformed or forged token",
    "401": "TokenExpired: the access token has expired",
    "403": "AccessDenied: the token lacks the route's scope, or the resource is not shared with the caller",
    "404": "NotFound: nothing with this id",
    "413": "BadRequest: the request body is larger than the server's limit",
    "415": "BadRequest: the request body's content type is not one the route reads",
    "500": "InternalError: an unexpected failure (details only in the server's log)",
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _errors_of(operation: dict[str, Any], path: str) -> list[str]:
    statuses = ["400", "500"]
    if any("bearerToken" in scheme for scheme in operation.get("security", [])):
        statuses += ["401", "403"]
    if "{" in path:
        statuses.append("404")
    if "requestBody" in operation:
        statuses.append("413")
        # the OAuth token route answers a wrong content type with RFC 6749's invalid_request (400), not 415
        if set(operation["requestBody"].get("content", {})) != {"application/x-www-form-urlencoded"}:
            statuses.append("415")
    return statuses


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with FastAPI's 422 replaced by the errors the service answers."""
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status in _errors_of(operation, path):
                responses.setdefault(status, {"description": _WHY[status]})
            for status, response in responses.items():
                if status[0] in "45" and not response.get("content"):
                    response["content"] = {"application/json": {"schema": _ERROR_REF}}
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["clientCredentials"] = {
        "type": "http",
        "scheme": "basic",
        "description": "The client id and secret of `footprint clients add` (OAuth 2 client credentials)",
    }
    components = schema["components"].setdefault("schemas", {})
    for name, model in sorted(BODY_MODELS.items()):  # bodies read by the routes themselves (strict JSON)
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for sub, sub_schema in body.pop("$defs", {}).items():
            components.setdefault(sub, sub_schema)
        components.setdefault(name, body)
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    error = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error.pop("$defs", {}))
    components["Error"] = error
    return schema


def document_errors(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document (``/openapi.json``) name the errors each route really answers."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(
                get_openapi(
                    title=app.title, version=app.version, summary=app.summary, routes=app.routes,
                    description=app.description,
                )
            )  # fmt: skip
        return app.openapi_schema

    setter: Callable[[], dict[str, Any]] = openapi
    app.openapi = setter  # type: ignore[method-assign]
