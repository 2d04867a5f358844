"""Right to correction: a user corrects their name, phone and email (the new email
confirmed by a link sent to it first); clients' "no texts" and "no marketing" wishes
are recorded and honoured by every text."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import Conflict, NotAuthenticated, ValidationError
from iprodash.services import auth, clients, users
from iprodash.services.clients import ClientForm
from iprodash.services.sms import enqueue_sms
from tests.factories import PASSWORD, actor_for, make_company, make_user, sms_opted_in
from tests.mailbox import delivered_link

NEW_EMAIL = "new.address@mail.test"


@pytest.fixture
def person(db):
    company = make_company(db)
    return company, make_user(db, company=company, role="user")


def test_a_user_corrects_their_name_and_phone_and_it_is_audited(db, person):
    company, user = person
    actor = actor_for(user)
    users.update_profile(db, actor=actor, name="  Dana Reyes ", phone="(212) 555-0123")
    stored = db["users"].find_one({"_id": user["_id"]})
    assert (stored["name"], stored["phone"]) == ("Dana Reyes", "+12125550123")
    entry = db["audit_log"].find_one({"company_id": company["_id"],
                                      "action": "user.profile_updated"})
    assert entry["after"] == {"name": "Dana Reyes", "phone": "+12125550123"}
    with pytest.raises(ValidationError, match="valid phone"):
        users.update_profile(db, actor=actor, name="Someone Else", phone="12")
    assert db["users"].find_one({"_id": user["_id"]})["name"] == "Dana Reyes"  # nothing changed
    users.update_profile(db, actor=actor, name="Dana Reyes", phone="")
    assert db["users"].find_one({"_id": user["_id"]})["phone"] == ""


def test_a_new_email_changes_only_after_its_link_is_opened(db, person, mailbox):
    company, user = person
    actor = actor_for(user)
    other = make_user(db, company=company)
    with pytest.raises(ValidationError, match="password"):
        users.request_email_change(db, actor=actor, new_email=NEW_EMAIL, password="nope")
    with pytest.raises(Conflict):
        users.request_email_change(db, actor=actor, new_email=other["email"], password=PASSWORD)
    said = users.request_email_change(db, actor=actor, new_email=NEW_EMAIL, password=PASSWORD)
    assert NEW_EMAIL in said
    assert db["users"].find_one({"_id": user["_id"]})["email"] == user["email"]  # not yet
    session = auth.login(db, email=user["email"], password=PASSWORD, ip="192.0.2.5")

    link = delivered_link(db, mailbox, to=NEW_EMAIL, path="/confirm/")
    token = link.rsplit("/", 1)[-1]
    assert users.is_email_change_link(db, token=token)
    assert users.confirm_email_change(db, token=token) == NEW_EMAIL

    assert db["users"].find_one({"_id": user["_id"]})["email"] == NEW_EMAIL
    with pytest.raises(NotAuthenticated):  # every session ended
        auth.authenticate(db, token=session)
    with pytest.raises(NotAuthenticated):
        auth.login(db, email=user["email"], password=PASSWORD, ip="192.0.2.5")
    assert auth.login(db, email=NEW_EMAIL, password=PASSWORD, ip="192.0.2.5")
    with pytest.raises(ValidationError, match="already used"):
        users.confirm_email_change(db, token=token)
    assert db["outbox"].find_one({"to": user["email"], "kind": "email_changed"})


def _client(db, actor, phone: str) -> str:
    return clients.create_client(db, actor=actor, form=ClientForm(
        name="Kim Lee", phone=phone, address_line="1 Main St", city="Springfield",
        state="NY", zip="10001")).id


def test_no_texts_stops_every_text_and_no_marketing_stops_review_requests(db):
    company = make_company(db)
    admin = actor_for(make_user(db, company=company, role="company_admin"))
    phone = "+12125550131"
    sms_opted_in(db, company, phone)
    client_id = _client(db, admin, phone)
    assert enqueue_sms(db, company=company, to=phone, kind="review_request", text="Rate us",
                       idempotency_key="r1", urgent=True).queued

    clients.set_contact_preferences(db, actor=admin, client_id=client_id, no_texts=False,
                                    no_marketing=True)
    review = enqueue_sms(db, company=company, to=phone, kind="review_request", text="Rate us",
                         idempotency_key="r2", urgent=True)
    assert not review.queued and "no marketing" in review.reason
    assert enqueue_sms(db, company=company, to=phone, kind="reminder", text="See you at 9",
                       idempotency_key="m1", urgent=True).queued

    clients.set_contact_preferences(db, actor=admin, client_id=client_id, no_texts=True,
                                    no_marketing=True)
    for n, kind in enumerate(("reminder", "staff_reply", "appointment_confirmation")):
        outcome = enqueue_sms(db, company=company, to="(212) 555-0131", kind=kind, text="Hi",
                              idempotency_key=f"t{n}", urgent=True)
        assert not outcome.queued and "asked for no texts" in outcome.reason
    assert db["audit_log"].find_one({"company_id": company["_id"], "action": "client.updated",
                                     "after.no_sms": True})
