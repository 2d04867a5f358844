"""The production app behind Caddy over real HTTPS (issue 14, point 9).

Debian's ``caddy`` runs the site block of ``deploy/Caddyfile`` with its
internal CA (``tls internal``) on a high port of 127.0.0.1, in front of
``reflex run --env prod`` started with ``IPRODASH_TRUSTED_PROXIES=127.0.0.1``
and an ``https://`` public URL. Everything Caddy needs (certificates, its
CA, autosaved config) lives in a temporary folder; its admin endpoint is off.

Written as the attacks: a client behind the proxy forging ``X-Forwarded-For``
to dodge the login throttle, and a client reaching the app directly (from an
address that is not the proxy) forging it too. Clients get distinct loopback
source addresses (127.0.0.x) so the proxy and the app see different callers.

Ports: ``IPRODASH_E2E_PROXIED_PORT`` (the app) and ``IPRODASH_E2E_HTTPS_PORT``
(Caddy; its plain-HTTP port is the next one), free ports when unset.
Skipped where ``caddy`` is not installed (``apt-get install -y caddy``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from iprodash.services.clients import ClientForm, create_client
from tests.conftest import ROOT, free_port
from tests.e2e.conftest import login, prod_app
from tests.e2e.office_data import DemoOffice

pytestmark = pytest.mark.skipif(shutil.which("caddy") is None,
                                reason="caddy is not installed (apt-get install -y caddy)")

DEPLOY_CADDYFILE = ROOT / "deploy" / "Caddyfile"
# The site's address. Not "localhost": Reflex's frontend sends the websocket of a page
# served over https from "localhost" to port 443, whatever port the page came from.
HOST = "127.0.0.1"
PROXY = "127.0.0.1"        # Caddy reaches the app from here: the one trusted address
ATTACKER = "127.0.0.3"     # a client of the proxy that forges X-Forwarded-For
NEIGHBOUR = "127.0.0.4"    # another client of the proxy
OUTSIDER = "127.0.0.2"     # reaches the app directly, not through the proxy
IP_MAX_FAILURES = 3
PASSWORD = "demo-pass-1234"
BAD_LOGIN = "The email or password is not right."
THROTTLED = "Too many failed attempts"


@dataclass
class Site:
    url: str          # https://127.0.0.1:<caddy>
    direct_url: str   # http://127.0.0.1:<app>, bypassing the proxy
    root_ca: Path     # Caddy's internal root certificate
    db: object


def _site_block(upstream: str) -> str:
    """The directives of deploy/Caddyfile's real site, pointed at ``upstream``."""
    match = re.search(r"^crm\.example\.com \{\n(.*?)^\}", DEPLOY_CADDYFILE.read_text(),
                      re.M | re.S)
    assert match, "deploy/Caddyfile has no 'crm.example.com {' site block"
    body = match.group(1)
    assert "reverse_proxy 127.0.0.1:3000" in body
    return body.replace("127.0.0.1:3000", upstream)


def _caddyfile(https_port: int, http_port: int, upstream: str) -> str:
    return (
        "{\n"
        "\tadmin off\n"
        f"\thttps_port {https_port}\n"
        f"\thttp_port {http_port}\n"
        "\tauto_https disable_redirects\n"
        "\tskip_install_trust\n"
        "}\n\n"
        f"https://{HOST}:{https_port} {{\n"
        "\tbind 127.0.0.1\n"
        "\ttls internal\n"
        f"{_site_block(upstream)}"
        "}\n")


def _wait_https(url: str, root_ca: Path, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"caddy exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        if root_ca.exists():
            try:
                if httpx.get(f"{url}/api/health", verify=str(root_ca), timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.5)
    raise RuntimeError(f"caddy did not answer over https:\n{log.read_text()[-3000:]}")


def _port(variable: str) -> int:
    return int(os.environ.get(variable) or free_port())


@pytest.fixture(scope="module")
def site(mongo_uri, tmp_path_factory):
    from pymongo import MongoClient

    app_port = _port("IPRODASH_E2E_PROXIED_PORT")
    https_port = _port("IPRODASH_E2E_HTTPS_PORT")
    http_port = https_port + 1 if os.environ.get("IPRODASH_E2E_HTTPS_PORT") else free_port()
    url = f"https://{HOST}:{https_port}"
    base = tmp_path_factory.mktemp("caddy")
    caddyfile = base / "Caddyfile"
    caddyfile.write_text(_caddyfile(https_port, http_port, f"{PROXY}:{app_port}"))
    caddy_env = {**os.environ, "HOME": str(base), "XDG_DATA_HOME": str(base / "data"),
                 "XDG_CONFIG_HOME": str(base / "config")}
    root_ca = base / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    with prod_app(mongo_uri, tmp_path_factory, port=app_port, env={
            "IPRODASH_PUBLIC_URL": url, "IPRODASH_TRUSTED_PROXIES": PROXY,
            "IPRODASH_IP_MAX_FAILURES": str(IP_MAX_FAILURES)}) as app:
        log = base / "caddy.log"
        with open(log, "wb") as out:
            caddy = subprocess.Popen(["caddy", "run", "--config", str(caddyfile), "--adapter",
                                      "caddyfile"], cwd=base, env=caddy_env, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        client = MongoClient(mongo_uri, tz_aware=True)
        try:
            _wait_https(url, root_ca, caddy, log)
            yield Site(url=url, direct_url=f"http://127.0.0.1:{app_port}", root_ca=root_ca,
                       db=client[app["db_name"]])
        finally:
            client.close()
            os.killpg(caddy.pid, signal.SIGTERM)
            try:
                caddy.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(caddy.pid, signal.SIGKILL)


def _https_client(site: Site, source: str) -> httpx.Client:
    """A client of the proxy at loopback address ``source``, trusting only Caddy's CA."""
    transport = httpx.HTTPTransport(verify=str(site.root_ca), local_address=source)
    return httpx.Client(base_url=site.url, transport=transport, headers={"Origin": site.url})


def _direct_client(site: Site, source: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(base_url=site.direct_url, transport=transport,
                        headers={"Origin": site.url})


def _login(client: httpx.Client, email: str, password: str, **headers: str) -> httpx.Response:
    return client.post("/api/auth/login", data={"email": email, "password": password},
                       headers=headers)


def _error(response: httpx.Response) -> str:
    """The message a refused login redirects back with ('' when it went in)."""
    assert response.status_code == 303, response.text
    location = httpx.URL(response.headers["location"])
    return location.params.get("error", "")


def _failed_from(site: Site, emails: list[str]) -> set[str]:
    """The addresses the app's sign-in log recorded for these failed logins."""
    rows = site.db["usage_log"].find({"kind": "login_failed", "email": {"$in": emails}})
    return {row["ip"] for row in rows}


def _assert_security_headers(headers, *, hsts: bool) -> None:
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("same-origin", "no-referrer")
    assert "permissions-policy" in headers
    if hsts:
        assert headers["strict-transport-security"].startswith("max-age=31536000")
    else:
        assert "strict-transport-security" not in headers


def test_the_certificate_is_caddys_internal_ca(site):
    """Real TLS: the site verifies against Caddy's root and against nothing else."""
    with _https_client(site, PROXY) as client:
        assert client.get("/api/health").status_code == 200
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{site.url}/api/health", timeout=10)


def test_https_answers_carry_hsts_and_the_security_headers(site):
    with _https_client(site, PROXY) as client:
        # /login answers with a redirect to /login/: it must stay on https and the proxy's host.
        moved = client.get("/login")
        assert moved.status_code in (301, 307, 308)
        assert httpx.URL(site.url).join(moved.headers["location"]) == httpx.URL(
            f"{site.url}/login/")
        _assert_security_headers(moved.headers, hsts=True)
        page = client.get("/login/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        _assert_security_headers(page.headers, hsts=True)
        assert page.headers["referrer-policy"] == "same-origin"
        asset = re.search(r'"(/assets/[^"]+\.js)"', page.text)
        assert asset, "the login page names no script"
        script = client.get(asset.group(1))
        assert script.status_code == 200
        _assert_security_headers(script.headers, hsts=True)
        health = client.get("/api/health")
        _assert_security_headers(health.headers, hsts=True)
        refused = client.get("/api/v1/jobs")  # no API key
        assert refused.status_code == 401
        _assert_security_headers(refused.headers, hsts=True)
        token_page = client.get("/reset/not-a-real-token")
        _assert_security_headers(token_page.headers, hsts=True)
        assert token_page.headers["referrer-policy"] == "no-referrer"
    # The same app over plain http, not through the proxy, sends no HSTS: the header
    # comes from the proxy's X-Forwarded-Proto, believed from the proxy only.
    with _direct_client(site, OUTSIDER) as direct:
        plain = direct.get("/api/health", headers={"X-Forwarded-Proto": "https"})
        assert plain.status_code == 200
        _assert_security_headers(plain.headers, hsts=False)


def test_a_login_over_https_sets_a_secure_httponly_samesite_cookie(site, browser):
    mark = uuid.uuid4().hex[:6]
    name = f"Aaa Https Client {mark}"
    office = DemoOffice(site.db)
    create_client(site.db, actor=office.admin, form=ClientForm(
        name=name, phone="(646) 555-0191", address_line="1 Gate Rd", city="Springfield",
        state="NY", zip="10001"))
    context = browser.new_context(base_url=site.url, ignore_https_errors=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        answer = page.goto("/login")
        _assert_security_headers(answer.headers, hsts=True)
        login(page, "admin@demo.test")
        assert page.url.startswith(f"{site.url}/")
        cookie = next(c for c in context.cookies() if c["name"] == "iprodash_session")
        assert cookie["secure"] is True
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Lax"
        assert "iprodash_session" not in page.evaluate("document.cookie")
        # A signed-in page's data comes over the websocket (wss:// through Caddy).
        page.goto("/clients")
        expect(page.get_by_text(name)).to_be_visible()
    finally:
        context.close()
    # The cookie's attributes as the app wrote them, seen by a plain client.
    with _https_client(site, PROXY) as client:
        answer = _login(client, "admin@demo.test", PASSWORD)
        assert _error(answer) == ""
        set_cookie = answer.headers["set-cookie"].lower()
        assert set_cookie.startswith("iprodash_session=")
        assert "; secure" in set_cookie and "; httponly" in set_cookie
        assert "samesite=lax" in set_cookie
        _assert_security_headers(answer.headers, hsts=True)


def test_a_forged_forwarded_for_through_the_proxy_does_not_escape_the_throttle(site):
    mark = uuid.uuid4().hex[:6]
    emails = [f"nobody{n}-{mark}@example.test" for n in range(IP_MAX_FAILURES)]
    with _https_client(site, ATTACKER) as attacker:
        for n, email in enumerate(emails):
            # A new made-up address each time: were it believed, no address would add up.
            answer = _login(attacker, email, "wrong-password-1", **{
                "X-Forwarded-For": f"198.51.100.{n + 1}", "X-Real-IP": f"198.51.100.{n + 1}",
                "Forwarded": f"for=198.51.100.{n + 1}"})
            assert BAD_LOGIN in _error(answer)
        # Caddy replaced the forged header with the address it saw: the app counted
        # every failure against the attacker's real address, not the proxy's.
        assert _failed_from(site, emails) == {ATTACKER}
        blocked = _login(attacker, "admin@demo.test", PASSWORD,
                         **{"X-Forwarded-For": "203.0.113.50"})
        assert THROTTLED in _error(blocked)
        assert "set-cookie" not in blocked.headers
    # Behind the same proxy, another client is not locked out with the attacker.
    with _https_client(site, NEIGHBOUR) as neighbour:
        answer = _login(neighbour, "admin@demo.test", PASSWORD)
        assert _error(answer) == ""
        assert answer.headers["location"] == "/home"
        assert "iprodash_session=" in answer.headers["set-cookie"]


def test_a_direct_request_to_the_app_cannot_pick_its_own_address(site):
    """Bypassing the proxy, X-Forwarded-For / -Proto are dropped: the caller's own
    address is counted and the answer is plain http (no HSTS)."""
    mark = uuid.uuid4().hex[:6]
    emails = [f"direct{n}-{mark}@example.test" for n in range(IP_MAX_FAILURES)]
    with _direct_client(site, OUTSIDER) as outsider:
        for n, email in enumerate(emails):
            answer = _login(outsider, email, "wrong-password-1", **{
                "X-Forwarded-For": f"{NEIGHBOUR}, 198.51.100.{n + 1}",
                "X-Forwarded-Proto": "https"})
            assert BAD_LOGIN in _error(answer)
            assert "strict-transport-security" not in answer.headers
        assert _failed_from(site, emails) == {OUTSIDER}
        blocked = _login(outsider, "admin@demo.test", PASSWORD,
                         **{"X-Forwarded-For": "203.0.113.51"})
        assert THROTTLED in _error(blocked)
