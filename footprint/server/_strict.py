"""Request bodies of the calculation API read as their OpenAPI document says: parsed from the JSON text and
validated in pydantic's strict mode, where JSON Schema's types hold (``false`` or ``"1.5"`` is not a number,
``1.5`` is not an integer). FastAPI's own body reading validates a parsed body in lax mode, which accepted
``"gwp_values": {"CH4": false}`` as 0.

A route takes ``body: Annotated[Model, strict_body(Model)]`` and ``openapi_extra=body_document(Model)``; the
models so read are added to the document's components (:mod:`footprint.server._openapi`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

__all__ = ["BODY_MODELS", "body_document", "strict_body"]

M = TypeVar("M", bound=BaseModel)

#: The models of the bodies read with :func:`strict_body`, for the OpenAPI document's components.
BODY_MODELS: dict[str, type[BaseModel]] = {}


def strict_body(model: type[M]) -> Any:
    """A dependency giving the request's JSON body validated as ``model`` in strict mode; a body that is not
    valid JSON or not valid for the model is a :class:`RequestValidationError` (a 400 naming each field, under
    ``body``)."""
    BODY_MODELS[model.__name__] = model

    async def read(request: Request) -> M:
        raw = await request.body()
        try:
            return model.model_validate_json(raw, strict=True)
        except ValidationError as e:
            errors = [{**err, "loc": ("body", *err["loc"])} for err in e.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    return Depends(read)


def body_document(model: type[BaseModel], *, yaml: bool = False) -> dict[str, Any]:
    """The ``requestBody`` of a route reading ``model`` (as JSON, and YAML when ``yaml``), for ``openapi_extra``."""
    schema = {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
    content = {"application/json": schema} | ({"application/yaml": schema} if yaml else {})
    return {"requestBody": {"required": True, "content": content}}
