"""Support tickets: open with an attachment, operator answers and closes, both emailed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from iprodash.api.app import create_api
from iprodash.api.security import SESSION_COOKIE
from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.services import auth, support
from tests.factories import PASSWORD, actor_for, admin_of, make_company, make_user
from tests.factories import operator as make_operator


def _emails(db, kind):
    return list(db["outbox"].find({"kind": kind}))


def test_ticket_round_trip_with_emails_on_both_sides(db, company):
    user = actor_for(make_user(db, company=company))
    ticket_id = support.open_ticket(db, actor=user, subject="Invoice totals",
                                    message="The PDF shows $0.", attachment=support.Attachment(
                                        filename="screen shot.png", data=b"\x89PNG fake"))
    assert _emails(db, "support_ticket_opened")[0]["to"] == "support@iprodash.local"
    assert _emails(db, "support_ticket_received")[0]["to"] == user.email

    op = make_operator(db)
    [row] = support.list_desk_tickets(db, actor=op)
    assert row.company == "Acme Locks" and row.attachment_name == "screen shot.png"
    support.answer_ticket(db, actor=op, ticket_id=ticket_id, text="Fixed, please reload.")
    assert "Fixed, please reload." in _emails(db, "support_ticket_answered")[0]["text"]

    view = support.add_company_reply(db, actor=user, ticket_id=ticket_id, text="Works, thanks")
    assert view.status == "open" and len(_emails(db, "support_ticket_user_reply")) == 1
    closed = support.answer_ticket(db, actor=op, ticket_id=ticket_id, text="", close=True)
    assert closed.status == "closed" and len(_emails(db, "support_ticket_closed")) == 1
    assert [m["side"] for m in closed.messages] == ["company", "operator", "company"]
    with pytest.raises(Conflict):
        support.add_company_reply(db, actor=user, ticket_id=ticket_id, text="one more")


def test_who_sees_which_ticket(db, company):
    author = actor_for(make_user(db, company=company))
    colleague = actor_for(make_user(db, company=company))
    ticket_id = support.open_ticket(db, actor=author, subject="Help", message="Please")
    assert [t.id for t in support.list_my_tickets(db, actor=admin_of(db, company))] == [ticket_id]
    assert support.list_my_tickets(db, actor=colleague) == []
    with pytest.raises(NotFound):
        support.company_ticket(db, actor=colleague, ticket_id=ticket_id)
    outsider = admin_of(db, make_company(db, name="Other Co"))
    with pytest.raises(NotFound):
        support.company_ticket(db, actor=outsider, ticket_id=ticket_id)
    with pytest.raises(PermissionDenied):
        support.list_desk_tickets(db, actor=author)


@pytest.mark.parametrize("attachment,message", [
    (support.Attachment("run.exe", b"MZ"), "PDF, PNG"),
    (support.Attachment("big.pdf", b"x" * (support.MAX_ATTACHMENT + 1)), "5 MB"),
])
def test_attachment_rules(db, company, attachment, message):
    with pytest.raises(ValidationError, match=message):
        support.open_ticket(db, actor=admin_of(db, company), subject="s", message="m",
                            attachment=attachment)
    assert db["support_tickets"].count_documents({}) == 0


def test_attachment_download_is_access_checked(db, company):
    user_doc = make_user(db, company=company)
    ticket_id = support.open_ticket(db, actor=actor_for(user_doc), subject="s", message="m",
                                    attachment=support.Attachment("notes.txt", b"hello"))
    api = TestClient(create_api())
    url = f"/api/support/tickets/{ticket_id}/attachment"
    assert api.get(url).status_code == 401
    token = auth.login(db, email=user_doc["email"], password=PASSWORD, ip="127.0.0.1")
    response = api.get(url, cookies={SESSION_COOKIE: token})
    assert response.status_code == 200 and response.content == b"hello"
    assert "notes.txt" in response.headers["content-disposition"]
    stranger = make_user(db, company=make_company(db, name="Other Co"))
    other_token = auth.login(db, email=stranger["email"], password=PASSWORD, ip="127.0.0.1")
    assert api.get(url, cookies={SESSION_COOKIE: other_token}).status_code == 404
