"""``/_upload`` answers only the tab's own session (issue 14, point 2).

Reflex runs an upload's handler with the headers the tab's websocket
connected with. Written as the attack: someone holding only a tab's client
token (no cookie, or their own cookie) posts a file to ``/_upload``.
"""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from reflex import constants
from reflex.istate.data import RouterData
from reflex.istate.manager.token import BaseStateToken

from iprodash.api.security import SESSION_COOKIE
from iprodash.iprodash import app
from iprodash.services import auth
from iprodash.services.actor import COMPANY_ADMIN
from state.session import SessionState
from state.session_boundary import UploadSessionGuard
from tests.factories import make_company, make_user

TAB = "upload-tab-token"


class Handler:
    """Stands in for Reflex's upload endpoint: records that it ran."""

    def __init__(self):
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ran"})


def _bind_tab(db, user: dict) -> str:
    """The victim's tab: its websocket carried this cookie and an event ran."""
    cookie = auth.issue_session(db, user=user, ip="127.0.0.1", user_agent="pytest")

    async def bind():
        root = await app.state_manager.get_state(BaseStateToken(ident=TAB, cls=SessionState))
        root.router = RouterData.from_router_data({
            constants.RouteVar.HEADERS: {"cookie": f"{SESSION_COOKIE}={cookie}"},
            constants.RouteVar.ORIGIN: "/support", constants.RouteVar.CLIENT_IP: "127.0.0.1"})
        (await root.get_state(SessionState))._actor()

    asyncio.run(bind())
    return cookie


@pytest.fixture
def upload(db):
    handler = Handler()
    company = make_company(db)
    victim = make_user(db, company=company, role=COMPANY_ADMIN)
    cookie = _bind_tab(db, victim)
    client = TestClient(UploadSessionGuard(handler), base_url="http://localhost:3000")

    def post(cookie_value: str | None, token: str = TAB):
        client.cookies.clear()
        if cookie_value:
            client.cookies.set(SESSION_COOKIE, cookie_value)
        return client.post("/_upload", headers={"reflex-client-token": token,
                                                "reflex-event-handler": "x.open_ticket"},
                           files={"files": ("a.txt", b"hello", "text/plain")})

    yield post, handler, cookie, company
    client.close()


def test_the_client_token_without_a_cookie_is_refused(upload):
    post, handler, _, _ = upload
    response = post(None)
    assert response.status_code == 401 and "log in" in response.json()["detail"]
    assert handler.calls == 0


def test_someone_elses_cookie_with_the_tab_token_is_refused(db, upload):
    post, handler, _, company = upload
    other_company = make_company(db)
    intruder = make_user(db, company=other_company, role=COMPANY_ADMIN)
    own_cookie = auth.issue_session(db, user=intruder, ip="127.0.0.1", user_agent="x")
    response = post(own_cookie)
    assert response.status_code == 403 and "session" in response.json()["detail"]
    colleague = make_user(db, company=company)
    assert post(auth.issue_session(db, user=colleague, ip="1.1.1.1", user_agent="x")
                ).status_code == 403
    assert handler.calls == 0


def test_a_logged_out_cookie_is_refused(db, upload):
    post, handler, cookie, _ = upload
    auth.logout(db, token=cookie)
    assert post(cookie).status_code == 401 and handler.calls == 0


def test_the_tabs_own_session_uploads(upload):
    post, handler, cookie, _ = upload
    response = post(cookie)
    assert response.status_code == 200 and handler.calls == 1
    assert post(cookie, token="another-tab").status_code == 403 and handler.calls == 1


def test_the_app_puts_the_guard_around_every_route():
    transformers = list(app.api_transformer)
    assert transformers[-1] is UploadSessionGuard  # last applied: outermost, /_upload inside
