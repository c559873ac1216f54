"""footprint.server's own HTTPS helpers: ``self_signed_certificate`` (a certificate and key for localhost and
127.0.0.1) and ``serve_in_thread`` (the service on a loopback port in a background thread), used by the
examples and the service tests; checked here with a real TLS handshake over a real socket."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from footprint.server import ServerError, create_app, self_signed_certificate, serve_in_thread


def test_certificate_names_localhost_and_loopback_and_is_its_own_authority(tmp_path: Path) -> None:
    """The certificate is for ``localhost`` and 127.0.0.1, a CA (so a client can trust it as its bundle),
    valid from before now until ``days`` days later; the key file is the certificate's key, readable by its
    owner only."""
    certfile, keyfile = self_signed_certificate(tmp_path, days=30)
    assert (certfile, keyfile) == (tmp_path / "cert.pem", tmp_path / "key.pem")
    cert = x509.load_pem_x509_certificate(certfile.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    now = dt.datetime.now(dt.UTC)
    assert cert.not_valid_before_utc < now
    # 30 days after "five minutes ago": between 29 days 23 h and 30 days from now
    assert dt.timedelta(days=29, hours=23) < cert.not_valid_after_utc - now <= dt.timedelta(days=30)
    key = serialization.load_pem_private_key(keyfile.read_bytes(), password=None)
    assert key.public_key() == cert.public_key()
    assert keyfile.stat().st_mode & 0o077 == 0


def test_served_over_https_to_a_client_that_trusts_only_this_certificate(tmp_path: Path) -> None:
    """A real TLS handshake: a client trusting only the certificate gets /v1/version; a client with the
    system's authorities refuses the connection (the certificate is nobody's but ours)."""
    certfile, keyfile = self_signed_certificate(tmp_path)
    app = create_app(str(tmp_path / "tls.db"))
    with serve_in_thread(app, certfile=certfile, keyfile=keyfile) as url:
        assert url.startswith("https://127.0.0.1:")
        trust = ssl.create_default_context(cafile=str(certfile))
        with httpx.Client(base_url=url, verify=trust) as c:
            assert c.get("/v1/version").status_code == 200
        with pytest.raises(httpx.ConnectError), httpx.Client(base_url=url) as stranger:
            stranger.get("/v1/version")
    app.state.store.close()


def test_plain_http_without_a_certificate(tmp_path: Path) -> None:
    """Without certfile and keyfile the service is served over plain HTTP (for local use only)."""
    app = create_app(str(tmp_path / "plain.db"))
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as c:
        assert url.startswith("http://127.0.0.1:")
        assert c.get("/v1/version").status_code == 200
    app.state.store.close()


def test_bad_arguments_are_refused_naming_what_was_expected(tmp_path: Path) -> None:
    """A folder that does not exist, a validity of 0 days, a certificate without its key and a port already
    taken are each a ServerError that says what was expected, never a traceback from deep inside."""
    with pytest.raises(ServerError, match="is not a folder"):
        self_signed_certificate(tmp_path / "missing")
    with pytest.raises(ServerError, match="at least 1"):
        self_signed_certificate(tmp_path, days=0)
    certfile, _keyfile = self_signed_certificate(tmp_path)
    app = create_app(str(tmp_path / "bad.db"))
    with pytest.raises(ServerError, match="both certfile and keyfile"), serve_in_thread(app, certfile=certfile):
        pass
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServerError, match="did not start"), serve_in_thread(app, port=port, timeout=5):
            pass
    app.state.store.close()
