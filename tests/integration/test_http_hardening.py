"""The HTTP boundary as an attacker meets it: security headers on pages, API
and downloads; body limits before a body is read; forwarded headers believed
only from trusted proxies."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from starlette.staticfiles import StaticFiles

from iprodash.api import body_limits
from iprodash.api.app import create_api
from iprodash.api.proxies import parse_trusted_proxies, real_client
from iprodash.api.security import SESSION_COOKIE
from iprodash.domain.errors import ValidationError
from iprodash.repositories.base import utcnow
from iprodash.repositories.usage import UsageLog
from iprodash.settings import get_settings
from tests.factories import PASSWORD, make_company, make_user

ORIGIN = {"origin": "http://localhost:3000"}


def _site(tmp_path):
    """The API with a compiled-page folder mounted inside it, as Reflex does in prod."""
    (tmp_path / "users").mkdir(exist_ok=True)
    (tmp_path / "users" / "index.html").write_text("<html><body>users</body></html>")
    (tmp_path / "index.html").write_text("<html><body>home</body></html>")
    api = create_api()
    api.mount("", StaticFiles(directory=tmp_path, html=True))
    return api


@pytest.fixture
def site(db, tmp_path):
    with TestClient(_site(tmp_path), base_url="http://localhost:3000") as http:
        yield http


def _assert_locked_down(response):
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "camera=(self)" in response.headers["permissions-policy"]


def test_a_page_cannot_be_framed(site):
    response = site.get("/users/")
    assert response.status_code == 200 and "users" in response.text
    _assert_locked_down(response)
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # plain http


def test_api_answers_and_errors_carry_the_headers(site):
    _assert_locked_down(site.get("/api/health"))
    refused = site.get("/api/photos/000000000000000000000000")  # no session: refused
    assert refused.status_code == 401
    _assert_locked_down(refused)
    _assert_locked_down(site.get("/api/v1/me"))


def test_downloads_carry_the_headers(site, db):
    user = make_user(db, company=make_company(db), role="company_admin")
    login = site.post("/api/auth/login", headers=ORIGIN, follow_redirects=False,
                      data={"email": user["email"], "password": PASSWORD})
    site.cookies.set(SESSION_COOKIE, login.cookies[SESSION_COOKIE])
    response = site.get("/api/jobs/export.csv")
    assert response.status_code == 200 and "text/csv" in response.headers["content-type"]
    _assert_locked_down(response)


def test_token_routes_send_no_referrer(site):
    for path in ("/reset/abc123", "/confirm/abc123", "/api/tech/open/abc123",
                 "/api/receipt/000000000000000000000000/abc", "/sms/optin/CODE"):
        response = site.get(path, follow_redirects=False)
        assert response.headers["referrer-policy"] == "no-referrer", path


def test_websocket_connects_to_the_public_url(site):
    csp = site.get("/api/health").headers["content-security-policy"]
    connect = next(part for part in csp.split("; ") if part.startswith("connect-src"))
    assert "ws://localhost:3000" in connect and "ws:" not in connect.replace("ws://", "")


def test_hsts_only_over_https_from_a_trusted_proxy(db, monkeypatch, tmp_path):
    monkeypatch.setenv("IPRODASH_TRUSTED_PROXIES", "10.0.0.5")
    get_settings.cache_clear()
    proto = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7"}
    with TestClient(_site(tmp_path), client=("10.0.0.5", 4000)) as via_proxy:
        hsts = via_proxy.get("/users/", headers=proto).headers
        assert hsts["strict-transport-security"].startswith("max-age=31536000")
    with TestClient(_site(tmp_path), client=("198.51.100.9", 4000)) as direct:
        assert "strict-transport-security" not in direct.get("/users/", headers=proto).headers


# --- body limits -----------------------------------------------------------


def test_a_declared_50_mb_webhook_is_refused_before_reading(site):
    response = site.post("/api/webhooks/stripe", content=b"{}",
                         headers={"content-length": str(50 * 1024 * 1024)})
    assert response.status_code == 413
    assert "256 KB" in response.json()["message"]
    _assert_locked_down(response)


def _stream(app, path: str, total: int, chunk: int = 64 * 1024):
    """Drive the ASGI app with a chunked body of ``total`` bytes (no Content-Length).

    Returns the response status and how many bytes the app pulled.
    """
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        if pulled >= total:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += chunk
        return {"type": "http.request", "body": b"x" * chunk, "more_body": pulled < total}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1234),
             "server": ("localhost", 3000),
             "headers": [(b"host", b"localhost:3000"), (b"content-type", b"application/json"),
                         (b"transfer-encoding", b"chunked")]}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], pulled


@pytest.mark.parametrize("path", ["/api/webhooks/stripe", "/api/webhooks/telnyx",
                                  "/api/webhooks/resend"])
def test_a_streamed_50_mb_webhook_is_cut_off_at_the_limit(db, monkeypatch, path):
    monkeypatch.setenv("TELNYX_PUBLIC_KEY", "x" * 44)
    monkeypatch.setenv("RESEND_WEBHOOK_SECRET", "whsec_dGVzdA==")
    get_settings.cache_clear()
    status, pulled = _stream(create_api(), path, 50 * 1024 * 1024)
    assert status == 413
    assert pulled <= body_limits.WEBHOOK_BYTES + 64 * 1024  # stopped right after the limit


def test_rest_json_over_1_mb_is_refused_while_streaming(db):
    status, pulled = _stream(create_api(), "/api/v1/jobs", 60 * 1024 * 1024)
    assert status == 413
    assert pulled <= body_limits.REST_JSON_BYTES + 64 * 1024


def test_rest_json_declared_over_1_mb_is_refused(site):
    response = site.post("/api/v1/jobs", content=b"{}",
                         headers={"content-length": str(2 * 1024 * 1024),
                                  "authorization": "Bearer ipd_x"})
    assert response.status_code == 413


def test_limits_keep_todays_upload_sizes():
    assert body_limits.limit_for("/api/photos/jobs/abc") > 12 * 1024 * 1024
    assert body_limits.limit_for("/_upload") > 5 * 1024 * 1024
    assert body_limits.limit_for("/api/webhooks/stripe") == 256 * 1024
    assert body_limits.limit_for("/api/v1/jobs") == 1024 * 1024


# --- trusted proxies -------------------------------------------------------


def test_forwarded_for_walks_back_to_the_first_untrusted_hop():
    nets = parse_trusted_proxies(["127.0.0.1", "10.0.0.0/8"])
    assert real_client("127.0.0.1", "1.1.1.1, 203.0.113.7, 10.1.2.3", nets) == "203.0.113.7"
    assert real_client("127.0.0.1", "", nets) == "127.0.0.1"
    assert real_client("198.51.100.9", "203.0.113.7", nets) == "198.51.100.9"  # not a proxy
    assert real_client("127.0.0.1", "not-an-ip", nets) == "127.0.0.1"


def _scope_seen_by_app(middleware_app_factory, scope: dict) -> dict:
    seen = {}

    async def app(inner_scope, receive, send):
        seen.update(inner_scope)

    asyncio.run(middleware_app_factory(app)(scope, None, None))
    return seen


def test_the_websocket_handshake_sees_the_real_client_too():
    from iprodash.api.proxies import TrustedProxyMiddleware

    def behind(trusted):
        return lambda app: TrustedProxyMiddleware(app, trusted=trusted)

    scope = {"type": "websocket", "scheme": "ws", "client": ("127.0.0.1", 999), "path": "/_event",
             "headers": [(b"x-forwarded-for", b"203.0.113.8"), (b"x-forwarded-proto", b"https")]}
    seen = _scope_seen_by_app(behind(["127.0.0.1"]), scope)
    assert seen["client"] == ("203.0.113.8", 999) and seen["scheme"] == "wss"
    spoofed = _scope_seen_by_app(behind(["10.0.0.1"]), scope)
    assert spoofed["client"] == ("127.0.0.1", 999) and spoofed["scheme"] == "ws"
    assert spoofed["headers"] == []  # forwarded headers of an untrusted peer are dropped


def test_the_api_docs_page_alone_may_load_swagger_from_its_cdn(site):
    assert "cdn.jsdelivr.net" not in site.get("/api/health").headers["content-security-policy"]
    assert "cdn.jsdelivr.net" in site.get("/api/v1/docs").headers["content-security-policy"]


def test_a_bad_trusted_proxies_setting_is_a_sentence():
    with pytest.raises(ValidationError, match="IPRODASH_TRUSTED_PROXIES"):
        parse_trusted_proxies(["127.0.0.1", "proxy.example"])


def _fail_logins(client, email, forwarded_for, times):
    for _ in range(times):
        client.post("/api/auth/login", data={"email": email, "password": "wrong-password!"},
                    headers={**ORIGIN, "x-forwarded-for": forwarded_for,
                             "x-forwarded-proto": "https"}, follow_redirects=False)


def test_login_throttle_counts_the_real_address_behind_the_proxy(db, monkeypatch):
    monkeypatch.setenv("IPRODASH_TRUSTED_PROXIES", "127.0.0.1")
    monkeypatch.setenv("IPRODASH_IP_MAX_FAILURES", "3")
    get_settings.cache_clear()
    victim = make_user(db, company=make_company(db))
    with TestClient(create_api(), base_url="http://localhost:3000",
                    client=("127.0.0.1", 5000)) as proxy:
        _fail_logins(proxy, "nobody@example.test", "203.0.113.66", 3)
        usage = UsageLog(db)
        since = utcnow() - timedelta(minutes=5)
        assert usage.count_since("login_failed", since, ip="203.0.113.66") == 3
        assert usage.count_since("login_failed", since, ip="127.0.0.1") == 0
        # The attacker's address is throttled; the victim behind the same proxy is not.
        ok = proxy.post("/api/auth/login", headers={**ORIGIN, "x-forwarded-for": "198.51.100.4"},
                        data={"email": victim["email"], "password": PASSWORD},
                        follow_redirects=False)
        assert ok.headers["location"] == "/home" and SESSION_COOKIE in ok.cookies


def test_forwarded_for_from_an_untrusted_client_is_ignored(db, monkeypatch):
    monkeypatch.setenv("IPRODASH_TRUSTED_PROXIES", "127.0.0.1")
    get_settings.cache_clear()
    with TestClient(create_api(), base_url="http://localhost:3000",
                    client=("198.51.100.9", 5000)) as direct:
        _fail_logins(direct, "nobody@example.test", "203.0.113.1", 2)
    since = utcnow() - timedelta(minutes=5)
    assert UsageLog(db).count_since("login_failed", since, ip="198.51.100.9") == 2
    assert UsageLog(db).count_since("login_failed", since, ip="203.0.113.1") == 0
