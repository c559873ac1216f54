"""Talking to a partner's PACT v3 host over HTTPS with httpx: the authentication flow, ListFootprints page by
page (``Link: rel="next"``), GetFootprint, and sending an event to its Action Events.

The authentication flow is the specification's (PACT v3 rest-api, "Authentication Flow"): the host's OpenID
Provider Configuration Document names the token endpoint when it has one, otherwise it is
``<host>/auth/token``; the token is asked for with OAuth 2 client credentials and HTTP Basic (RFC 6749
section 4.4). The token is only ever sent to the host it came from: a pagination link to another host is
refused.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from .._errors import MissingDependencyError, PactHostError

__all__ = ["MAX_PAGES", "PactClient", "Verify", "base_url"]

#: The most pages one listing follows (a host answering pages forever is stopped, and named).
MAX_PAGES = 10_000

#: How a client checks the host's certificate: True (the system's authorities), a CA bundle file, or a context.
Verify = bool | str | ssl.SSLContext

_NEXT = re.compile(r'<([^>]*)>\s*;[^,]*?\brel="?next"?', re.IGNORECASE)


def base_url(url: str, *, insecure_http: bool = False) -> str:
    """``url`` without a trailing slash, checked: HTTPS (PACT requires it; plain HTTP only with
    ``insecure_http``, for local trials), a host, no query, fragment or user information."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # a port that is no number or past 65535 raises here, not at the first request
    except (AttributeError, TypeError, ValueError):  # not text; an unclosed [IPv6 address; a bad port
        parts = urlsplit("")
    allowed = ("https", "http") if insecure_http else ("https",)
    if parts.scheme not in allowed or not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        raise PactHostError(
            f"{url!r} is not a PACT host URL: expected https://HOST[:PORT][/PATH] (PACT requires HTTPS"
            + ("" if insecure_http else "; plain http only with --insecure-http for local trials")
            + ")"
        )
    return url.strip().rstrip("/")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


class PactClient:
    """A session with one PACT host at ``base`` (``https://host[:port][/subpath]``), authenticated with the
    client id and secret that host issued. Use as a context manager."""

    def __init__(
        self, base: str, client_id: str, client_secret: str, *, verify: Verify = True, timeout: float = 30.0,
        insecure_http: bool = False,
    ) -> None:  # fmt: skip
        try:
            import httpx
        except ImportError:
            raise MissingDependencyError(
                'talking to a PACT host needs httpx: pip install "footprint[server]"'
            ) from None
        self.base = base_url(base, insecure_http=insecure_http)
        self._id, self._secret = client_id, client_secret
        if isinstance(verify, str):
            try:
                verify = ssl.create_default_context(cafile=verify)
            except (OSError, ssl.SSLError) as e:
                raise PactHostError(f"cannot read the certificate authorities in {verify!r}: {e}") from None
        self._http = httpx.Client(verify=verify, timeout=timeout, follow_redirects=False)
        self._token: str | None = None

    def __enter__(self) -> PactClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    # -- authentication ---------------------------------------------------------------------------------

    def token(self) -> str:
        """An access token from the host's token endpoint (asked for once, then reused)."""
        if self._token is None:
            r = self._request("POST", self._token_endpoint(), data={"grant_type": "client_credentials"},
                              auth=(self._id, self._secret), what="authentication")  # fmt: skip
            body = self._json(r, "authentication")
            token = body.get("access_token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise PactHostError(f"{r.url}: the token response holds no access_token")
            self._token = token
        return self._token

    def _token_endpoint(self) -> str:
        """The OpenID configuration's ``token_endpoint`` when the host has one on its own origin, else
        ``<base>/auth/token``."""
        found = self._request("GET", f"{self.base}/.well-known/openid-configuration", what="discovery", ok=None)
        if found.status_code == 200:
            try:
                doc: Any = found.json()
            except ValueError:
                doc = None
            endpoint = doc.get("token_endpoint") if isinstance(doc, dict) else None
            if isinstance(endpoint, str) and urlsplit(endpoint).scheme == urlsplit(self.base).scheme:
                return endpoint
        return f"{self.base}/auth/token"

    # -- actions ----------------------------------------------------------------------------------------

    def pages(self, filters: Mapping[str, Sequence[str]] | None = None, limit: int = 100) -> Iterator[list[Any]]:
        """Each page of ``GET /3/footprints`` with ``filters`` (PACT parameter names), following the ``Link``
        header's next page until there is none; the ``data`` list of each page."""
        params = [(k, v) for k, values in (filters or {}).items() for v in values] + [("limit", str(limit))]
        url: str | None = f"{self.base}/3/footprints"
        seen: set[str] = set()
        first = True
        while url is not None:
            if len(seen) >= MAX_PAGES or url in seen:
                raise PactHostError(f"{url}: pagination does not end (a page repeats, or over {MAX_PAGES} pages)")
            seen.add(url)
            r = self._authorised("GET", url, params=params if first else None, what="ListFootprints")
            first = False
            body = self._json(r, "ListFootprints")
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise PactHostError(f"{r.url}: ListFootprints answered without a data list")
            yield data
            url = self._next(r.headers.get("link", ""), str(r.url))

    def _next(self, link: str, current: str) -> str | None:
        found = _NEXT.search(link)
        if found is None:
            return None
        target: str = urljoin(current, found.group(1))
        if _origin(target) != _origin(self.base):
            raise PactHostError(f"{current}: the next-page link points at another host ({target}); not followed")
        return target

    def get(self, pf_id: str) -> Any:
        """``GET /3/footprints/{id}``: the footprint (its ``data``)."""
        r = self._authorised("GET", f"{self.base}/3/footprints/{pf_id}", what="GetFootprint")
        body = self._json(r, "GetFootprint")
        return body.get("data") if isinstance(body, dict) else None

    def send_event(self, event: Mapping[str, Any]) -> None:
        """``POST /3/events`` with ``event`` (CloudEvents structured mode); the host must answer 2xx."""
        self._authorised("POST", f"{self.base}/3/events", json=dict(event), what="Events",
                         headers={"Content-Type": "application/cloudevents+json; charset=UTF-8"})  # fmt: skip

    # -- plumbing ---------------------------------------------------------------------------------------

    def _authorised(self, method: str, url: str, *, what: str, **kw: Any) -> Any:
        headers = {**kw.pop("headers", {}), "Authorization": f"Bearer {self.token()}"}
        r = self._request(method, url, headers=headers, what=what, ok=None, **kw)
        if r.status_code == 401:  # expired: PACT v3 says to authenticate again
            self._token = None
            headers["Authorization"] = f"Bearer {self.token()}"
            r = self._request(method, url, headers=headers, what=what, ok=None, **kw)
        if not 200 <= r.status_code < 300:
            raise PactHostError(_refusal(r, what), r.status_code)
        return r

    def _request(self, method: str, url: str, *, what: str, ok: bool | None = True, **kw: Any) -> Any:
        import httpx

        try:
            r = self._http.request(method, url, **kw)
        except httpx.HTTPError as e:
            raise PactHostError(f"{url}: {what} failed: {e.__class__.__name__}: {e}") from None
        if ok and not 200 <= r.status_code < 300:
            raise PactHostError(_refusal(r, what), r.status_code)
        return r

    @staticmethod
    def _json(r: Any, what: str) -> Any:
        try:
            return r.json()
        except ValueError:
            raise PactHostError(f"{r.url}: {what} answered {r.status_code} without JSON") from None


def _refusal(r: Any, what: str) -> str:
    """What a host's error answer says: status, and the PACT ``code``/``message`` or OAuth ``error``."""
    try:
        body: Any = r.json()
    except ValueError:
        body = None
    detail = ""
    if isinstance(body, dict):
        code = body.get("code") or body.get("error")
        message = body.get("message") or body.get("error_description")
        detail = f": {code}" + (f" ({str(message)[:200]})" if message else "") if code else ""
    return f"{r.url}: {what} answered HTTP {r.status_code}{detail}"
