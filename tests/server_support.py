"""Helpers of the service tests: a self-signed certificate for 127.0.0.1, the service under uvicorn in a
background thread on an ephemeral loopback port (both footprint.server's own helpers), PostgreSQL schemas of
their own, and clients."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
from conftest import postgres_schema as _postgres_schema

from footprint.server import self_signed_certificate, serve_in_thread


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate and key (PEM) for 127.0.0.1 and localhost, valid one day, written to ``folder``."""
    return self_signed_certificate(folder)


def running(app: Any, cert: tuple[Path, Path] | None = None, port: int = 0) -> AbstractContextManager[str]:
    """Serve ``app`` on 127.0.0.1 at ``port`` (a free one by default; HTTPS with ``cert``) in a thread; yield
    its base URL."""
    return serve_in_thread(app, certfile=cert[0] if cert else None, keyfile=cert[1] if cert else None, port=port)


def free_port() -> int:
    """A loopback port free now (for a server that starts later at a known address)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tls_client(base: str, cert: Path) -> httpx.Client:
    """An httpx client that trusts only ``cert``, for the service at ``base``."""
    return httpx.Client(base_url=base, verify=ssl.create_default_context(cafile=str(cert)), timeout=30)


def postgres_schema() -> AbstractContextManager[str]:
    """The URL of a new PostgreSQL schema of its own (dropped afterwards); see conftest.postgres_schema."""
    return _postgres_schema("server_test")


def wait_until(what: Callable[[], Any], seconds: float = 30) -> Any:
    """``what()`` once it is truthy, polling every 0.05 s; the test fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (got := what()):
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)
    return got
