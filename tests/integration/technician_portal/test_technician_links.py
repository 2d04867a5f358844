"""Technician sign-in links: single technician, single use, expiring, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from iprodash.api.app import create_api
from iprodash.api.security import SESSION_COOKIE
from iprodash.domain.errors import NotAuthenticated, NotFound, PermissionDenied
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import auth
from iprodash.services.actor import TECHNICIAN, USER
from iprodash.services.technician_access import (create_technician_link,
                                                 open_technician_link,
                                                 revoke_technician_links)
from tests.factories import actor_for, admin_of, make_company, make_user
from tests.mailbox import delivered_link


def _technician(db, company, **fields):
    tech_id = TechnicianRepository(db, company["_id"]).insert({
        "name": "Tom Tech", "nickname": "Tom", "phone": "+12125550123", "email": "tom@x.test",
        "commission_bp": 4000, "job_fee_cents": 0, "color": "#3366ff", "active": True, **fields})
    return str(tech_id)


def _token(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def test_link_starts_a_technician_session(db):
    company = make_company(db)
    tech_id = _technician(db, company)
    path = create_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    session = open_technician_link(db, token=_token(path), ip="10.0.0.1")
    actor = auth.authenticate(db, token=session)
    assert actor.role == TECHNICIAN and str(actor.technician_id) == tech_id
    assert actor.company_id == company["_id"]
    assert db["tech_links"].find_one({})["token_hash"] != _token(path)  # stored hashed


def test_expired_revoked_and_unknown_links_refused(db):
    company = make_company(db)
    admin = admin_of(db, company)
    tech_id = _technician(db, company)
    with pytest.raises(NotAuthenticated, match="Ask your office"):
        open_technician_link(db, token="made-up", ip="10.0.0.1")

    path = create_technician_link(db, actor=admin, technician_id=tech_id)
    session = open_technician_link(db, token=_token(path), ip="10.0.0.1")
    revoke_technician_links(db, actor=admin, technician_id=tech_id)
    with pytest.raises(NotAuthenticated):
        open_technician_link(db, token=_token(path), ip="10.0.0.1")
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=session)


def test_a_used_link_is_refused_the_second_time(db):
    """The attack: a link read from a phone's history, a forwarded text or a
    log is opened again after the technician used it."""
    company = make_company(db)
    tech_id = _technician(db, company)
    path = create_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    first = open_technician_link(db, token=_token(path), ip="10.0.0.1")
    with pytest.raises(NotAuthenticated, match="already used"):
        open_technician_link(db, token=_token(path), ip="10.0.0.2")
    assert auth.authenticate(db, token=first).role == TECHNICIAN  # the first phone stays in
    assert db["sessions"].count_documents({"kind": "technician"}) == 1


def _opened_at(db, monkeypatch, token: str, later: timedelta):
    import iprodash.repositories.tech_links as tech_links

    real_now = tech_links.utcnow
    monkeypatch.setattr(tech_links, "utcnow", lambda: real_now() + later)
    try:
        return open_technician_link(db, token=token, ip="10.0.0.1")
    finally:
        monkeypatch.setattr(tech_links, "utcnow", real_now)


def test_a_link_expires_after_the_setting_default_24_hours(db, monkeypatch):
    company = make_company(db)
    admin = admin_of(db, company)
    tech_id = _technician(db, company)
    fresh = create_technician_link(db, actor=admin, technician_id=tech_id)
    assert _opened_at(db, monkeypatch, _token(fresh), timedelta(hours=23))
    stale = create_technician_link(db, actor=admin, technician_id=tech_id)
    with pytest.raises(NotAuthenticated):
        _opened_at(db, monkeypatch, _token(stale), timedelta(hours=24, minutes=1))


def test_the_link_lifetime_follows_the_setting(db, monkeypatch):
    from iprodash.settings import get_settings

    monkeypatch.setenv("IPRODASH_TECH_LINK_HOURS", "2")
    get_settings.cache_clear()
    company = make_company(db)
    tech_id = _technician(db, company)
    path = create_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    with pytest.raises(NotAuthenticated):
        _opened_at(db, monkeypatch, _token(path), timedelta(hours=2, minutes=1))
    get_settings.cache_clear()


def test_deactivated_technician_loses_access(db):
    company = make_company(db)
    tech_id = _technician(db, company)
    path = create_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    session = open_technician_link(db, token=_token(path), ip="10.0.0.1")
    TechnicianRepository(db, company["_id"]).update_one({}, {"$set": {"active": False}})
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=session)


def test_only_own_company_and_admin_may_revoke(db):
    mine, theirs = make_company(db), make_company(db)
    their_tech = _technician(db, theirs)
    with pytest.raises(NotFound):
        create_technician_link(db, actor=admin_of(db, mine), technician_id=their_tech)
    office = actor_for(make_user(db, company=theirs, role=USER))
    with pytest.raises(PermissionDenied):
        revoke_technician_links(db, actor=office, technician_id=their_tech)


def test_open_route_sets_cookie_or_shows_expired_page(db):
    company = make_company(db)
    tech_id = _technician(db, company)
    path = create_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        response = client.post(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/tech"
        assert "HttpOnly" in response.headers["set-cookie"]
        assert response.headers["referrer-policy"] == "no-referrer"
        assert auth.authenticate(db, token=response.cookies[SESSION_COOKIE]).role == TECHNICIAN
        client.cookies.clear()
        for method in (client.get, client.post):  # a used link, and one never issued
            for bad in (path, "/api/tech/open/nope", "/api/tech/open/" + "x" * 300):
                answer = method(bad, follow_redirects=False)
                assert answer.status_code == 303, (method, bad)
                assert answer.headers["location"] == "/tech/link-expired"
                assert "set-cookie" not in answer.headers


def test_a_link_preview_bot_fetching_the_link_does_not_spend_it(db):
    company = make_company(db)
    tech_id = _technician(db, company)
    job_id = "0123456789abcdef01234567"
    path = create_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    link = f"{path}?job={job_id}"
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        for _ in range(3):  # previews, unfurls, the technician reloading
            page = client.get(link, headers={"user-agent": "Slackbot-LinkExpanding 1.0"},
                              follow_redirects=False)
            assert page.status_code == 200 and "set-cookie" not in page.headers
            assert "Open my jobs</button>" in page.text
            assert f'<form method="post" action="{link}">' in page.text
            assert page.headers["cache-control"] == "no-store"
            assert page.headers["referrer-policy"] == "no-referrer"
        assert db["sessions"].count_documents({}) == 0
        assert db["tech_links"].find_one({})["used_at"] is None

        opened = client.post(link, follow_redirects=False)  # the button
        assert opened.status_code == 303 and opened.headers["location"] == f"/tech/job/{job_id}"
        assert auth.authenticate(db, token=opened.cookies[SESSION_COOKIE]).role == TECHNICIAN
        assert db["tech_links"].find_one({})["used_at"] is not None
        client.cookies.clear()
        assert client.get(link, follow_redirects=False).headers["location"] == \
            "/tech/link-expired"


def test_a_foreign_site_cannot_post_the_button(db):
    company = make_company(db)
    tech_id = _technician(db, company)
    path = create_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        refused = client.post(path, headers={"origin": "https://evil.example"},
                              follow_redirects=False)
        assert refused.status_code == 403 and "set-cookie" not in refused.headers
        sandboxed = client.post(path, headers={"origin": "null",
                                               "sec-fetch-site": "cross-site"},
                                follow_redirects=False)
        assert sandboxed.status_code == 403 and "set-cookie" not in sandboxed.headers
    assert db["tech_links"].find_one({})["used_at"] is None


def test_the_no_referrer_link_page_posts_its_button_with_a_null_origin(db):
    """The link page sends no referrer, so the browser posts "Origin: null"."""
    company = make_company(db)
    tech_id = _technician(db, company)
    path = create_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        opened = client.post(path, headers={"origin": "null", "sec-fetch-site": "same-origin"},
                             follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == "/tech"


def test_office_sends_a_link_by_text_and_email_through_the_outbox(db, mailbox):
    from iprodash.repositories.companies import CompanyRepository
    from iprodash.services.sms_consent import handle_keyword, record_web_consent
    from iprodash.services.technician_access import send_technician_link

    company = make_company(db)
    tech_id = _technician(db, company)
    record_web_consent(db, optin_code=CompanyRepository(db).ensure_optin_code(company),
                       phone="+12125550123", agreed=True, ip="127.0.0.1")
    handle_keyword(db, company=company, phone="+12125550123", keyword="opt_in",
                   event_id="yes-1")  # the number confirms by replying YES
    office = actor_for(make_user(db, company=company, role=USER))
    result = send_technician_link(db, actor=office, technician_id=tech_id)
    assert result.sent and "by a text and an email" in result.message
    text = db["outbox"].find_one({"kind": "technician_link", "channel": "sms"})
    email = db["outbox"].find_one({"kind": "technician_link", "channel": "email"})
    assert text["to"] == "+12125550123" and email["to"] == "tom@x.test"
    # Queued, the link waits sealed: no stored body can be opened.
    for body in (text["text"], email["text"], email["html"]):
        assert "/api/tech/open/" not in body and "[sign-in link]" in body
    texted = delivered_link(db, mailbox, to="+12125550123", path="/api/tech/open/")
    emailed = delivered_link(db, mailbox, to="tom@x.test", path="/api/tech/open/")
    assert texted == emailed
    token = texted.split("/api/tech/open/")[1]
    assert auth.authenticate(db, token=open_technician_link(db, token=token, ip="1.1.1.1"))


def test_without_sms_consent_no_text_goes_and_the_office_is_told_why(db):
    from iprodash.services.technician_access import send_technician_link

    company = make_company(db)
    tech_id = _technician(db, company, email="")
    result = send_technician_link(db, actor=admin_of(db, company), technician_id=tech_id)
    assert not result.sent
    assert result.message.startswith("No sign-in link went to Tom Tech: no text (")
    assert "has not agreed to texts yet" in result.message
    assert db["outbox"].count_documents({"kind": "technician_link", "status": "pending"}) == 0


def test_another_company_cannot_send_or_revoke_links(db):
    from iprodash.services.technician_access import send_technician_link

    company, other = make_company(db), make_company(db)
    tech_id = _technician(db, company)
    with pytest.raises(NotFound):
        send_technician_link(db, actor=admin_of(db, other), technician_id=tech_id)
    with pytest.raises(NotFound):
        revoke_technician_links(db, actor=admin_of(db, other), technician_id=tech_id)
    assert db["outbox"].count_documents({}) == 0
