"""Invitations, joining, approval, roles, last-admin guard, company isolation."""

from __future__ import annotations

import re

import pytest

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.repositories.audit import AuditChain
from iprodash.services import audit_log, company_settings, operator, users
from iprodash.services.actor import COMPANY_ADMIN, USER
from tests.factories import actor_for, admin_of, make_company, make_user
from tests.factories import operator as make_operator
from tests.mailbox import delivered_link


def _invite_token(db, mailbox, email: str) -> str:
    link = delivered_link(db, mailbox, to=email, path="/join?invite=")
    return re.search(r"invite=([A-Za-z0-9_\-]+)", link).group(1)


def test_invite_join_approve(db, mailbox):
    company = make_company(db)
    admin = admin_of(db, company)
    users.invite_user(db, actor=admin, email="New.Person@Example.test")
    token = _invite_token(db, mailbox, "new.person@example.test")
    assert users.invite_details(db, token=token)["company"] == company["name"]
    users.join_company(db, name="New Person", email="ignored@x.test", password="long-enough-pw",
                       invite_token=token)
    with pytest.raises(ValidationError):  # single use
        users.join_company(db, name="Again", email="", password="long-enough-pw",
                           invite_token=token)
    joined = db["users"].find_one({"email": "new.person@example.test"})
    assert joined["status"] == "pending" and joined["company_id"] == company["_id"]
    users.approve_user(db, actor=admin, user_id=str(joined["_id"]))
    assert db["users"].find_one({"_id": joined["_id"]})["status"] == "active"


def test_join_by_code_needs_an_active_company(db):
    company = make_company(db)
    users.join_company(db, name="Code Joiner", email="c@x.test", password="long-enough-pw",
                       company_code=company["code"].lower())
    assert db["users"].find_one({"email": "c@x.test"})["status"] == "pending"
    pending = make_company(db, status="pending")
    with pytest.raises(ValidationError, match="code"):
        users.join_company(db, name="X", email="d@x.test", password="long-enough-pw",
                           company_code=pending["code"])


def test_office_user_cannot_manage_users_or_settings(db):
    company = make_company(db)
    office = actor_for(make_user(db, company=company, role=USER))
    with pytest.raises(PermissionDenied):
        users.invite_user(db, actor=office, email="a@b.test")
    with pytest.raises(PermissionDenied):
        users.list_users(db, actor=office)
    with pytest.raises(PermissionDenied):
        company_settings.get_company_settings(db, actor=office)
    with pytest.raises(PermissionDenied):
        audit_log.list_audit(db, actor=office)


def test_last_active_admin_cannot_leave(db):
    company = make_company(db)
    only_admin = make_user(db, company=company, role=COMPANY_ADMIN)
    actor = actor_for(only_admin)
    with pytest.raises(Conflict, match="at least one active admin"):
        users.set_active(db, actor=actor, user_id=str(only_admin["_id"]), active=False)
    with pytest.raises(Conflict):
        users.set_role(db, actor=actor, user_id=str(only_admin["_id"]), role=USER,
                       view_financials=False)
    second = make_user(db, company=company, role=COMPANY_ADMIN)
    users.set_role(db, actor=actor, user_id=str(second["_id"]), role=USER, view_financials=True)
    assert db["users"].find_one({"_id": second["_id"]})["view_financials"] is True


def test_another_companys_ids_are_refused_everywhere(db):
    mine, theirs = make_company(db), make_company(db)
    admin = admin_of(db, mine)
    victim = make_user(db, company=theirs, status="pending")
    victim_id = str(victim["_id"])
    calls = [
        lambda: users.approve_user(db, actor=admin, user_id=victim_id),
        lambda: users.set_role(db, actor=admin, user_id=victim_id, role=COMPANY_ADMIN,
                               view_financials=True),
        lambda: users.set_active(db, actor=admin, user_id=victim_id, active=False),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert db["users"].find_one({"_id": victim["_id"]})["status"] == "pending"
    listed = users.list_users(db, actor=admin)
    assert victim_id not in {row.id for row in listed}


def test_company_admin_is_not_an_operator(db):
    company = make_company(db)
    admin = admin_of(db, company)
    with pytest.raises(PermissionDenied):
        operator.change_company_status(db, actor=admin, company_id=str(company["_id"]),
                                       action="approve")
    with pytest.raises(PermissionDenied):
        operator.list_outbox(db, actor=admin)


def test_operator_cannot_read_company_data(db):
    op = make_operator(db)
    for call in (lambda: users.list_users(db, actor=op),
                 lambda: company_settings.get_company_settings(db, actor=op),
                 lambda: audit_log.list_audit(db, actor=op)):
        with pytest.raises(PermissionDenied):
            call()


def test_settings_validate_all_before_saving(db):
    company = make_company(db)
    admin = admin_of(db, company)
    with pytest.raises(ValidationError):
        company_settings.update_company_settings(
            db, actor=admin, name="New Name", phone="123", admin_email="a@b.test",
            timezone="America/Chicago", card_fee_percent="3")
    assert db["companies"].find_one({"_id": company["_id"]})["name"] == company["name"]
    company_settings.update_company_settings(
        db, actor=admin, name="New Name", phone="312-555-0100", admin_email="a@b.test",
        timezone="America/Chicago", card_fee_percent="3.25")
    saved = db["companies"].find_one({"_id": company["_id"]})
    assert (saved["name"], saved["card_fee_bp"], saved["phone"]) == ("New Name", 325,
                                                                      "+13125550100")
    rows = audit_log.list_audit(db, actor=admin)
    assert rows[0].action == "company.settings_updated"


def test_settings_switch_technician_commission_and_photo_location(db):
    company = make_company(db)
    admin = admin_of(db, company)
    base = dict(name="Same", phone="312-555-0100", admin_email="a@b.test",
                timezone="America/Chicago", card_fee_percent="3")
    view = company_settings.update_company_settings(db, actor=admin, show_tech_commission=True,
                                                    keep_photo_location=True, **base)
    assert view.show_tech_commission and view.keep_photo_location
    view = company_settings.update_company_settings(db, actor=admin, **base)  # left as they were
    assert view.show_tech_commission and view.keep_photo_location
    company_settings.update_company_settings(db, actor=admin, show_tech_commission=False,
                                             keep_photo_location=False, **base)
    saved = db["companies"].find_one({"_id": company["_id"]})
    assert saved["show_tech_commission"] is False and saved["keep_photo_location"] is False


def test_audit_chain_detects_tampering(db):
    company = make_company(db)
    admin = admin_of(db, company)
    for n in range(3):
        company_settings.update_company_settings(
            db, actor=admin, name=f"Name {n}", phone="312-555-0100", admin_email="a@b.test",
            timezone="America/Chicago", card_fee_percent="3")
    assert "intact (3 entries" in audit_log.verify_company_audit(db, actor=admin)
    db["audit_log"].update_one({"company_id": company["_id"], "seq": 2},
                               {"$set": {"after.name": "Forged"}})
    ok, checked, problem = AuditChain(db).verify(company["_id"])
    assert not ok and checked == 1 and "entry 2" in problem
    assert "tampered" in audit_log.verify_company_audit(db, actor=admin)


def test_user_pages_do_not_skip_people_with_the_same_name(db, monkeypatch):
    monkeypatch.setattr(users, "PAGE_SIZE", 2)
    company = make_company(db)
    admin = admin_of(db, company)
    for n in range(3):
        twin = make_user(db, company=company, email=f"sam{n}@twins.test", role=USER)
        db["users"].update_one({"_id": twin["_id"]}, {"$set": {"name": "Sam Same"}})
    seen, after = [], None
    while True:
        page = users.list_users(db, actor=admin, after=after)
        seen += [row.id for row in page]
        if len(page) < users.PAGE_SIZE:
            break
        after = (page[-1].name, page[-1].id)
    everyone = {str(u["_id"]) for u in db["users"].find({"company_id": company["_id"]})}
    assert sorted(seen) == sorted(everyone) and len(seen) == len(set(seen))
