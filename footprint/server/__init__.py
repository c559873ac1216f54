"""footprint's HTTP service: a calculation API (``/v1``) and a PACT v3.0.3 host (``/auth/token``,
``/3/footprints``, ``/3/events``), on FastAPI, storing its clients and published footprints with SQLAlchemy
Core in SQLite (default) or PostgreSQL. Needs the ``server`` extra: ``pip install "footprint[server]"``.
"""

from __future__ import annotations

from ._app import create_app
from ._auth import ALL_SCOPES
from ._clients import add_client
from ._offers import offer_products
from ._outbox import Outbox
from ._publish import publish_products
from ._request import request_footprints
from ._sealed import SecretBox, new_key
from ._store import ServerError, Store
from ._tls import self_signed_certificate, serve_in_thread

__all__ = [
    "ALL_SCOPES",
    "Outbox",
    "SecretBox",
    "ServerError",
    "Store",
    "add_client",
    "create_app",
    "new_key",
    "offer_products",
    "publish_products",
    "request_footprints",
    "self_signed_certificate",
    "serve_in_thread",
]
