"""HTTP routes through an ASGI client: login cookie, logout, origin, health."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from iprodash.api.app import create_api
from iprodash.api.security import SESSION_COOKIE
from iprodash.services import auth
from tests.factories import PASSWORD, make_company, make_user

ORIGIN = {"origin": "http://localhost:3000"}


@pytest.fixture
def client(db):
    with TestClient(create_api(), base_url="http://localhost:3000") as http:
        yield http


def _login(client, email, password, **headers):
    return client.post("/api/auth/login", data={"email": email, "password": password,
                                                "next": "/users"},
                       headers={**ORIGIN, **headers}, follow_redirects=False)


def test_health_ok(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["db"] == "ok"


def test_login_sets_httponly_lax_cookie_and_redirects(client, db):
    user = make_user(db, company=make_company(db))
    response = _login(client, user["email"], PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/users"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests
    token = response.cookies[SESSION_COOKIE]
    assert auth.authenticate(db, token=token).email == user["email"]


def test_bad_login_redirects_with_message_and_no_cookie(client, db):
    user = make_user(db, company=make_company(db))
    response = _login(client, user["email"], "wrong-password!")
    assert response.status_code == 303
    assert "/login?error=" in response.headers["location"]
    assert "set-cookie" not in response.headers


def test_login_next_cannot_leave_the_site(client, db):
    user = make_user(db, company=make_company(db))
    response = client.post("/api/auth/login", headers=ORIGIN, follow_redirects=False,
                           data={"email": user["email"], "password": PASSWORD,
                                 "next": "//evil.test/x"})
    assert response.headers["location"] == "/home"


def test_foreign_origin_refused(client, db):
    user = make_user(db, company=make_company(db))
    response = _login(client, user["email"], PASSWORD, origin="https://evil.test")
    assert response.status_code == 403
    assert db["sessions"].count_documents({}) == 0


def test_logout_revokes_session_and_clears_cookie(client, db):
    user = make_user(db, company=make_company(db))
    token = _login(client, user["email"], PASSWORD).cookies[SESSION_COOKIE]
    response = client.post("/api/auth/logout", headers=ORIGIN,
                           cookies={SESSION_COOKIE: token}, follow_redirects=False)
    assert response.status_code == 303
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    assert db["sessions"].find_one({"revoked_at": None}) is None


def test_logout_everywhere_ends_all_sessions(client, db):
    user = make_user(db, company=make_company(db))
    first = auth.login(db, email=user["email"], password=PASSWORD, ip="1.2.3.4")
    second = auth.login(db, email=user["email"], password=PASSWORD, ip="1.2.3.5")
    client.post("/api/auth/logout-everywhere", headers=ORIGIN, cookies={SESSION_COOKIE: first})
    for token in (first, second):
        with pytest.raises(Exception):
            auth.authenticate(db, token=token)


def test_health_503_when_database_unreachable(monkeypatch):
    from iprodash import db as db_module
    from iprodash.settings import get_settings

    monkeypatch.setenv("MONGODB_URI", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300")
    get_settings.cache_clear()
    db_module.get_client.cache_clear()
    with TestClient(create_api(), base_url="http://localhost:3000") as http:
        response = http.get("/api/health")
    assert response.status_code == 503
    get_settings.cache_clear()
    db_module.get_client.cache_clear()
