"""``pull_footprints`` and ``footprint pact pull`` against the service's own PACT host on loopback (uvicorn,
HTTPS, a self-signed certificate, httpx): every page followed, every footprint validated, stored with its
provenance, all or nothing; a re-pull picks up new versions and status changes.

The host shares three footprints of the subsea gate valve's result with ``buyer``, as products a, b and c
(only their ids differ), and pages of two: a listing takes 2 pages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from server_support import running, self_signed_cert

import footprint as fp
from footprint.cli import main
from footprint.pact._client import PactClient
from footprint.server import Store, create_app
from footprint.server._auth import hash_secret

ROOT = Path(__file__).resolve().parent.parent
VALVE = ROOT / "examples" / "subsea_gate_valve.yaml"
URN = "urn:pact:valve-maker.example:supplier-id:"


def _pf(result: fp.FootprintResult, product: str, **kw: Any) -> dict[str, Any]:
    return fp.to_pact(
        result, company_name="Valve maker AS", company_ids=["valve-maker"], company_domain="valve-maker.example",
        product_ids=[URN + product], product_name=f"Valve {product}", reference_period=fp.load_product(VALVE).reference_period,
        geography="NO", fossil_carbon_content=6.1, **kw,
    )  # fmt: skip


@pytest.fixture
def host(tmp_path: Path) -> Iterator[SimpleNamespace]:
    """A running host with footprints a, b, c shared with ``buyer`` (client id and secret in ``creds``)."""
    db = str(tmp_path / "host.db")
    store = Store(db)
    secret = "secret-of-buyer-0123456789"
    creds = (store.add_client("buyer", hash_secret(secret), ("footprint:list", "footprint:read")), secret)
    result = fp.calculate(fp.load_product(VALVE))
    pfs = {p: _pf(result, p) for p in "abc"}
    for p, pf in pfs.items():
        store.publish(pf, p, ["buyer"], None)
    cert = self_signed_cert(tmp_path)
    with running(create_app(db), cert) as url:
        yield SimpleNamespace(url=url, creds=creds, store=store, pfs=pfs, result=result, cert=str(cert[0]),
                              here=str(tmp_path / "here.db"))  # fmt: skip
    store.close()


def test_pull_follows_every_page_and_keeps_provenance(host: SimpleNamespace) -> None:
    """3 footprints in pages of 2: 2 pages, 3 new; each stored as sent, with the host, "list" and its status."""
    report = fp.pull_footprints(host.url, *host.creds, db=host.here, verify=host.cert, page_size=2)
    assert (report.pages, len(report.new), report.updated, report.unchanged) == (2, 3, (), 0)
    pulled = {p.id: p for p in fp.pulled_footprints(host.here)}
    assert set(pulled) == {pf["id"] for pf in host.pfs.values()}
    a = pulled[host.pfs["a"]["id"]]
    assert (a.host, a.via, a.status, a.product_ids, a.document) == (
        host.url,
        "list",
        "Active",
        (URN + "a",),
        host.pfs["a"],
    )
    assert a.first_pulled == a.last_pulled


def test_repull_picks_up_a_new_version(host: SimpleNamespace) -> None:
    """Product a recomputed under AR5 and republished: the re-pull stores the new footprint (1 new), records
    the old one as Deprecated (1 updated) and leaves b and c unchanged (2); the factor of product a is the new
    footprint's PCF, the valve's A1-A3 per piece under AR5, no longer the AR6 one."""
    fp.pull_footprints(host.url, *host.creds, db=host.here, verify=host.cert)
    revised = fp.calculate(fp.load_product(VALVE), gwp="AR5")
    old = host.pfs["a"]
    new = _pf(revised, "a", preceding_pf_ids=[old["id"]])
    host.store.publish(new, "a", [], old["id"])
    report = fp.pull_footprints(host.url, *host.creds, db=host.here, verify=host.cert)
    assert (report.new, report.updated, report.unchanged) == ((new["id"],), (old["id"],), 2)
    pulled = {p.id: p for p in fp.pulled_footprints(host.here)}
    assert pulled[old["id"]].status == "Deprecated"
    assert pulled[new["id"]].preceding_pf_ids == (old["id"],)
    factors = fp.pulled_factors(host.here)
    assert len(factors) == 3
    (a,) = [f for f in factors if f.footprint_id == new["id"]]
    assert a.co2e == pytest.approx(revised.cradle_to_gate_kgco2e, rel=1e-11)
    assert a.co2e != pytest.approx(host.result.cradle_to_gate_kgco2e, rel=1e-11)


def test_a_footprint_breaking_the_spec_stores_nothing(host: SimpleNamespace) -> None:
    """A served footprint whose pcfIncludingBiogenicUptake differs from pcfExcludingBiogenicUptake without any
    uptake (PACT v3 CarbonFootprint) fails the whole pull with a PactError naming it; nothing is stored."""
    bad = _pf(host.result, "d")
    bad["pcf"]["pcfIncludingBiogenicUptake"] = "1"
    host.store.publish(bad, "d", ["buyer"], None)
    with pytest.raises(fp.PactError, match="pcfIncludingBiogenicUptake"):
        fp.pull_footprints(host.url, *host.creds, db=host.here, verify=host.cert)
    assert fp.pulled_footprints(host.here) == []


def test_wrong_credentials_and_plain_http_are_refused(host: SimpleNamespace) -> None:
    """A wrong secret is the host's 401 invalid_client, named; an http:// URL is refused before any request
    (PACT requires HTTPS); neither stores anything."""
    with pytest.raises(fp.PactHostError, match="401: invalid_client"):
        fp.pull_footprints(host.url, host.creds[0], "wrong", db=host.here, verify=host.cert)
    with pytest.raises(fp.PactHostError, match="HTTPS"):
        fp.pull_footprints(host.url.replace("https", "http"), *host.creds, db=host.here)
    assert fp.pulled_footprints(host.here) == []


def test_a_next_page_on_another_host_is_not_followed() -> None:
    """The token goes only to the host it came from: a Link to another host is refused (PACT v3: the next
    page is on the request's host)."""
    with PactClient("https://pact.example", "id", "secret") as client:
        assert client._next(
            '<https://pact.example/3/footprints?offset=2>; rel="next"', "https://pact.example/3/footprints"
        ) == ("https://pact.example/3/footprints?offset=2")
        with pytest.raises(fp.PactHostError, match="another host"):
            client._next(
                '<https://evil.example/3/footprints?offset=2>; rel="next"', "https://pact.example/3/footprints"
            )


def test_pact_pull_command_writes_a_factor_file(host: SimpleNamespace, tmp_path: Path) -> None:
    """``footprint pact pull`` with ``--product-id`` stores the one footprint and writes it to a file that
    ``--factors`` reads: its factor is the valve's A1-A3 per piece."""
    out = tmp_path / "suppliers.pact.json"
    r = CliRunner().invoke(main, ["pact", "pull", host.url, "--client-id", host.creds[0], "--client-secret",
                                  host.creds[1], "--db", host.here, "--ca-bundle", host.cert,
                                  "--product-id", URN + "b", "--to", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.stderr
    shown = json.loads(r.stdout)
    assert (shown["new"], shown["factors"]) == ([host.pfs["b"]["id"]], ["pact.valve-maker-as.valve-b"])
    (factor,) = fp.load_factors(out)
    assert factor.co2e == pytest.approx(host.result.cradle_to_gate_kgco2e, rel=1e-11)
    bad = CliRunner().invoke(main, ["pact", "pull", host.url, "--client-id", "x", "--client-secret", "y",
                                    "--db", host.here, "--ca-bundle", host.cert])  # fmt: skip
    assert bad.exit_code == 1
    assert "invalid_client" in bad.stderr
