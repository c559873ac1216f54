"""The application uvicorn's workers build (``footprint serve``): its settings come from the environment
that ``serve`` sets, so every worker process opens the same database."""

from __future__ import annotations

import os

from fastapi import FastAPI

from ._app import DEFAULT_MAX_BODY, create_app

__all__ = ["app"]


def app() -> FastAPI:
    """The service for the database in ``FOOTPRINT_SERVER_DB``."""
    return create_app(
        os.environ.get("FOOTPRINT_SERVER_DB", "footprint.db"),
        max_body_bytes=int(os.environ.get("FOOTPRINT_SERVER_MAX_BODY", DEFAULT_MAX_BODY)),
    )
