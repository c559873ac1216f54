"""The application uvicorn's workers build (``footprint serve``): its settings come from the environment
that ``serve`` sets, so every worker process opens the same database."""

from __future__ import annotations

import logging
import os
import sys

from fastapi import FastAPI

from .._errors import UsageError
from ._app import DEFAULT_MAX_BODY, create_app
from ._outbox import SPEC_HORIZON, Outbox

__all__ = ["app", "calc_processes"]


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
        calc_processes=calc_processes(),
        outbox=Outbox(
            verify=os.environ.get("FOOTPRINT_SERVER_PARTNER_CA") or True,
            horizon=float(os.environ.get("FOOTPRINT_SERVER_EVENT_HORIZON") or SPEC_HORIZON),
            max_delay=float(os.environ.get("FOOTPRINT_SERVER_EVENT_MAX_DELAY") or 3600),
        ),
    )


def calc_processes() -> int:
    """``FOOTPRINT_SERVER_CALC_PROCESSES`` (default 1) as a whole number, 0 or more; anything else is a
    UsageError naming the variable, which ``footprint serve`` reports before its workers start (else each
    worker would die on ``int()``'s message, which names no variable)."""
    text = os.environ.get("FOOTPRINT_SERVER_CALC_PROCESSES", "1")
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise UsageError(f"FOOTPRINT_SERVER_CALC_PROCESSES must be a whole number, 0 or more; got {text!r}")
    return number
