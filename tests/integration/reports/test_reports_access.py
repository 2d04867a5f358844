"""Who may make, list and download which report; the download route's answers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from iprodash.api.app import create_api
from iprodash.api.security import SESSION_COOKIE
from iprodash.domain.errors import NotFound, PermissionDenied, ValidationError
from iprodash.services import auth, reports
from tests.factories import actor_for, make_user
from tests.integration.reports.factories import EXAMPLE_CARD, utc


@pytest.fixture
def client(db):
    with TestClient(create_api(), base_url="http://localhost:3000") as http:
        yield http


def _session(db, actor) -> dict:
    user = db["users"].find_one({"_id": actor.user_id})
    return {SESSION_COOKIE: auth.issue_session(db, user=user, ip="127.0.0.1", user_agent="t")}


@pytest.fixture
def made(world):
    """A settlement statement and a receipt of ``world``, made by its admin."""
    tom = world.technician()
    job = world.closed_job(closed_at=utc(2026, 11, 3, 15), technician_id=tom, **EXAMPLE_CARD)
    admin = world.actor()
    settlement = reports.generate_report(db=world.db, actor=admin, kind="settlement",
                                         start="2026-11-01", end="2026-11-30",
                                         technician_id=str(tom))
    receipt = reports.generate_report(db=world.db, actor=admin, kind="receipt",
                                      job=str(job["number"]))
    return {"settlement": settlement, "receipt": receipt, "admin": admin, "tom": tom}


@pytest.fixture
def made_by_child(child_renderer, made):
    return made


def test_owner_downloads_a_pdf_with_a_clear_file_name(client, db, world, made_by_child):
    made = made_by_child
    response = client.get(made["settlement"].download_url, cookies=_session(db, made["admin"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="settlement-tom-tech-2026-11-01-to-2026-11-30.pdf"' in disposition
    assert "no-store" in response.headers["cache-control"]


def test_anonymous_and_expired_sessions_are_refused(client, made):
    assert client.get(made["receipt"].download_url).status_code == 401
    bad = {SESSION_COOKIE: "not-a-token"}
    assert client.get(made["receipt"].download_url, cookies=bad).status_code == 401


def test_another_company_cannot_download_or_list(client, db, made, other_world):
    outsider = other_world.actor()
    response = client.get(made["receipt"].download_url, cookies=_session(db, outsider))
    assert response.status_code == 404 and b"%PDF" not in response.content
    assert reports.list_reports(db=db, actor=outsider) == ([], False)
    with pytest.raises(NotFound):
        reports.open_report_download(db=db, actor=outsider, report_id=made["settlement"].id)


def test_user_without_view_financials_gets_receipts_only(client, db, world, made):
    clerk = world.actor(role="user")
    cookies = _session(db, clerk)
    assert client.get(made["settlement"].download_url, cookies=cookies).status_code == 403
    assert client.get(made["receipt"].download_url, cookies=cookies).status_code == 200
    rows, _ = reports.list_reports(db=db, actor=clerk)
    assert [row.kind for row in rows] == ["receipt"]
    with pytest.raises(PermissionDenied):
        reports.generate_report(db=db, actor=clerk, kind="profit_loss", start="2026-11-01",
                                end="2026-11-30")
    choices = reports.report_choices(db=db, actor=clerk)
    assert [kind for kind, _ in choices.kinds] == ["receipt"] and choices.technicians == []


def test_user_with_view_financials_sees_everything(db, world, made):
    analyst = world.actor(role="user", view_financials=True)
    rows, has_more = reports.list_reports(db=db, actor=analyst)
    assert {row.kind for row in rows} == {"receipt", "settlement"} and not has_more
    assert reports.open_report_download(db=db, actor=analyst,
                                        report_id=made["settlement"].id).size > 1000


def test_technicians_and_operators_cannot_make_reports(db, world, made):
    operator = make_user(db, company=None, role="operator")
    for outsider in (actor_for(operator), None):
        with pytest.raises(PermissionDenied):
            reports.generate_report(db=db, actor=outsider, kind="receipt", job="1")


def test_another_companys_technician_or_source_is_not_found(db, made, other_world):
    theirs_tech, theirs_source = other_world.technician(), other_world.source()
    with pytest.raises(NotFound):
        reports.generate_report(db=db, actor=made["admin"], kind="settlement",
                                start="2026-11-01", end="2026-11-30",
                                technician_id=str(theirs_tech))
    with pytest.raises(NotFound):
        reports.generate_report(db=db, actor=made["admin"], kind="lead_sources",
                                start="2026-11-01", end="2026-11-30",
                                source_id=str(theirs_source))


def test_bad_requests_are_refused_before_any_work(db, world, made):
    admin = made["admin"]
    cases = [dict(kind="settlement", start="2026-11-01", end="2026-11-30"),
             dict(kind="profit_loss", start="2026-11-30", end="2026-11-01"),
             dict(kind="profit_loss", start="2025-01-01", end="2026-11-30"),
             dict(kind="profit_loss", start="soon", end="2026-11-30"),
             dict(kind="receipt", job=""), dict(kind="receipt", job="#999999"),
             dict(kind="payroll")]
    for case in cases:
        with pytest.raises(ValidationError):
            reports.generate_report(db=db, actor=admin, **case)
    with pytest.raises(NotFound):  # a technician of another company is simply not there
        reports.generate_report(db=db, actor=admin, kind="settlement", start="2026-11-01",
                                end="2026-11-30", technician_id="0" * 24)
    open_job = world.open_job(created_at=utc(2026, 11, 5))
    with pytest.raises(ValidationError, match="once the job is closed"):
        reports.generate_report(db=db, actor=admin, kind="receipt", job=str(open_job["number"]))
    rows, _ = reports.list_reports(db=db, actor=admin)
    assert len(rows) == 2  # nothing was stored for the refused requests
