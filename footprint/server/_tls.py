"""A self-signed certificate and the service on a loopback port in a background thread: what examples, tests and
a first try on one's own machine need to speak HTTPS to the service without a certificate authority.

A production host uses a certificate from its certificate authority and ``footprint serve``; these helpers are
for trying the service and for programs that run it in process.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ._store import ServerError

__all__ = ["self_signed_certificate", "serve_in_thread"]


def self_signed_certificate(folder: str | Path, *, days: int = 1) -> tuple[Path, Path]:
    """A certificate and its private key (PEM, ``cert.pem`` and ``key.pem`` in ``folder``) for ``localhost``
    and ``127.0.0.1``, valid ``days`` days from five minutes ago: ``(certfile, keyfile)``.

    The certificate is its own authority (``CA:true``), so a client trusts it by naming it as its CA bundle
    (``httpx.Client(verify=ssl.create_default_context(cafile=certfile))``, ``curl --cacert``). The key is an
    EC P-256 key written unencrypted: for trying the service, not for serving partners. Needs the
    ``cryptography`` package.
    """
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:  # pragma: no cover - depends on the environment
        raise ServerError(
            "a self-signed certificate needs the cryptography package: pip install cryptography"
        ) from None
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ServerError(f"days must be a whole number of days, at least 1; got {days!r}")
    out = Path(folder)
    if not out.is_dir():
        raise ServerError(f"{out} is not a folder: the certificate and key are written into an existing folder")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = out / "cert.pem", out / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    keyfile.write_bytes(pem)
    keyfile.chmod(0o600)
    return certfile, keyfile


@contextmanager
def serve_in_thread(
    app: Any,
    *,
    certfile: str | Path | None = None,
    keyfile: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    timeout: float = 20.0,
) -> Iterator[str]:
    """Serve ``app`` (e.g. :func:`create_app`'s) with uvicorn in a background thread and yield its base URL,
    ``https://127.0.0.1:PORT`` with ``certfile`` and ``keyfile``, ``http://...`` without; stop it on leaving.

    ``port=0`` takes a free port. :class:`ServerError` when the server has not started within ``timeout``
    seconds (a port in use, an unreadable certificate).
    """
    import uvicorn

    if (certfile is None) != (keyfile is None):
        raise ServerError("give both certfile and keyfile for HTTPS, or neither for plain HTTP")
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="on",
        ssl_certfile=str(certfile) if certfile else None, ssl_keyfile=str(keyfile) if keyfile else None,
    )  # fmt: skip
    server = uvicorn.Server(config)

    def run() -> None:
        with suppress(SystemExit):  # uvicorn exits when it cannot bind or start: reported below as a ServerError
            server.run()

    thread = threading.Thread(target=run, daemon=True, name="footprint-serve")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout=timeout)
            raise ServerError(f"the service did not start on {host}:{port} within {timeout:g} s")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"{'https' if certfile else 'http'}://{shown}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
