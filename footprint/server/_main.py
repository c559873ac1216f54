"""The application uvicorn's workers build (``footprint serve``): its settings come from the environment
that ``serve`` sets, so every worker process opens the same database."""

from __future__ import annotations

import logging
import os
import sys

from fastapi import FastAPI

from ._app import DEFAULT_MAX_BODY, create_app
from ._outbox import SPEC_HORIZON, Outbox

__all__ = ["app"]


def app() -> FastAPI:
    """The service for the database in ``FOOTPRINT_SERVER_DB``, with ``FOOTPRINT_SERVER_CALC_PROCESSES``
    calculation processes (default 1); its logs (access lines, errors) go to
    standard error, one line each, in every worker process."""
    logger = logging.getLogger("footprint.server")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return create_app(
        os.environ.get("FOOTPRINT_SERVER_DB", "ledger.db"),
        max_body_bytes=int(os.environ.get("FOOTPRINT_SERVER_MAX_BODY", DEFAULT_MAX_BODY)),
        calc_processes=int(os.environ.get("FOOTPRINT_SERVER_CALC_PROCESSES", "1")),
        outbox=Outbox(
            verify=os.environ.get("FOOTPRINT_SERVER_PARTNER_CA") or True,
            horizon=float(os.environ.get("FOOTPRINT_SERVER_EVENT_HORIZON") or SPEC_HORIZON),
            max_delay=float(os.environ.get("FOOTPRINT_SERVER_EVENT_MAX_DELAY") or 3600),
        ),
    )
