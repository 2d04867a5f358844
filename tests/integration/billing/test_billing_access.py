"""Access by plan status, enforced in the services (not only by hidden buttons)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.domain.errors import PermissionDenied
from iprodash.repositories.base import utcnow
from iprodash.services import billing, company_settings, operator, plan_access, users
from iprodash.services.actor import USER
from iprodash.services.privacy_export import request_company_export
from tests.factories import actor_for, make_company, make_user
from tests.factories import operator as make_operator
from tests.integration.billing.conftest import admin_actor

NOW = utcnow()
# name -> (billing record, writable, banner for the admin starts with)
STATUSES = {
    "trial": ({"status": "trialing", "trial_ends_at": NOW + timedelta(days=3)}, True,
              "Your free trial ends on "),
    "trial_ended": ({"status": "trialing", "trial_ends_at": NOW - timedelta(minutes=1)}, False,
                    "Your free trial has ended: the account is read-only. "
                    "Open Billing to choose a plan."),
    "active": ({"status": "active", "subscription_id": "sub_1", "customer_id": "cus_1"}, True,
               ""),
    "stripe_trial": ({"status": "trialing", "subscription_id": "sub_1",
                      "trial_ends_at": NOW + timedelta(days=20)}, True, ""),
    "past_due_in_grace": ({"status": "past_due", "subscription_id": "sub_1",
                           "past_due_since": NOW - timedelta(days=6)}, True,
                          "Your last payment failed. Update your payment method in Billing by "),
    "past_due_beyond_grace": ({"status": "past_due", "subscription_id": "sub_1",
                               "past_due_since": NOW - timedelta(days=7, minutes=1)}, False,
                              "Your payment is past due and the grace period has ended: the "
                              "account is read-only. Open Billing to update your payment method."),
    "canceled": ({"status": "canceled", "subscription_id": "sub_1", "customer_id": "cus_1"},
                 False, "Your subscription is canceled: the account is read-only. "
                        "Open Billing to subscribe again."),
    "unpaid": ({"status": "unpaid", "subscription_id": "sub_1"}, False,
               "Your subscription is unpaid: the account is read-only. "
               "Open Billing to update your payment method."),
}


def _writes(db, admin, company):
    """Every company write the gate covers today, one call each."""
    member = make_user(db, company=company, role=USER)
    pending = make_user(db, company=company, role=USER, status="pending")
    return {
        "settings": lambda: company_settings.update_company_settings(
            db, actor=admin, name="Renamed Co", phone="+12125550199",
            admin_email=company["admin_email"], timezone="America/Chicago",
            card_fee_percent="3.5"),
        "company code": lambda: company_settings.regenerate_company_code(db, actor=admin),
        "invite": lambda: users.invite_user(db, actor=admin, email="new.person@example.test"),
        "approve": lambda: users.approve_user(db, actor=admin, user_id=str(pending["_id"])),
        "role": lambda: users.set_role(db, actor=admin, user_id=str(member["_id"]),
                                       role="user", view_financials=True),
    }


@pytest.mark.parametrize("name", list(STATUSES))
def test_company_writes_follow_the_plan_status(db, billing_on, name):
    record, writable, banner = STATUSES[name]
    company = make_company(db, billing=record)
    admin = admin_actor(db, company)
    before = db["companies"].find_one({"_id": company["_id"]})
    for what, write in _writes(db, admin, company).items():
        if writable:
            write()
        else:
            with pytest.raises(PermissionDenied) as refused:
                write()
            assert refused.value.message == banner, what
    if not writable:
        after = db["companies"].find_one({"_id": company["_id"]})
        assert (after["name"], after["code"]) == (before["name"], before["code"])
        assert db["outbox"].count_documents({"kind": "invite"}) == 0
    shown = plan_access.plan_banner(db, actor=admin)
    assert shown.startswith(banner) if banner else shown == ""


def test_read_only_still_exports_opens_billing_and_deactivates(db, billing_on):
    company = make_company(db, billing=STATUSES["canceled"][0])
    admin = admin_actor(db, company)
    leaver = make_user(db, company=company, role=USER)
    billing_on.customers["cus_1"] = {"id": "cus_1", "object": "customer"}
    assert request_company_export(db, actor=admin)
    assert billing.billing_overview(db, actor=admin).status_label == "Canceled"
    assert billing.open_portal(db, actor=admin).startswith(billing_on.url)
    users.set_active(db, actor=admin, user_id=str(leaver["_id"]), active=False)
    with pytest.raises(PermissionDenied):
        users.set_active(db, actor=admin, user_id=str(leaver["_id"]), active=True)
    assert db["users"].count_documents({"company_id": company["_id"]}) == 2  # nothing deleted


def test_office_staff_are_told_to_ask_their_admin(db, billing_on):
    company = make_company(db, billing=STATUSES["canceled"][0])
    office = actor_for(make_user(db, company=company, role=USER))
    with pytest.raises(PermissionDenied, match="Ask your company admin to subscribe again"):
        plan_access.require_writable(db, actor=office)
    grace = make_company(db, billing=STATUSES["past_due_in_grace"][0])
    banner = plan_access.plan_banner(db, actor=actor_for(make_user(db, company=grace)))
    assert banner.startswith("Your company's last payment failed. Ask your company admin")


def test_approval_starts_the_trial_and_the_operator_sees_plan_and_status(db, billing_on):
    company = make_company(db, status="pending")
    op = make_operator(db)
    operator.change_company_status(db, actor=op, company_id=str(company["_id"]),
                                   action="approve")
    stored = db["companies"].find_one({"_id": company["_id"]})["billing"]
    assert stored["status"] == "trialing"
    assert abs((stored["trial_ends_at"] - utcnow()) - timedelta(days=14)) < timedelta(minutes=1)
    make_company(db, billing=STATUSES["past_due_in_grace"][0], plan="Pro")
    rows = {row.id: row for row in operator.list_companies(db, actor=op)}
    assert (rows[str(company["_id"])].plan, rows[str(company["_id"])].billing) == (
        "Free trial", "Free trial")  # the plan code "trial" in words
    assert [(r.plan, r.billing) for r in rows.values() if r.plan == "Pro"] == [("Pro", "Past due")]


def test_a_rejected_company_reactivated_later_gets_its_trial_a_suspended_one_does_not(
        db, billing_on):
    op = make_operator(db)
    rejected = make_company(db, status="rejected")
    db["companies"].update_one({"_id": rejected["_id"]},
                               {"$set": {"created_at": utcnow() - timedelta(days=60)}})
    operator.change_company_status(db, actor=op, company_id=str(rejected["_id"]),
                                   action="reactivate")
    plan_access.require_writable(db, actor=admin_actor(db, rejected))
    suspended = make_company(db, status="suspended", billing=STATUSES["canceled"][0])
    operator.change_company_status(db, actor=op, company_id=str(suspended["_id"]),
                                   action="reactivate")
    assert db["companies"].find_one({"_id": suspended["_id"]})["billing"]["status"] == "canceled"


def test_a_company_from_before_billing_counts_its_trial_from_sign_up(db, billing_on):
    old = make_company(db)
    db["companies"].update_one({"_id": old["_id"]},
                               {"$set": {"created_at": utcnow() - timedelta(days=15)}})
    with pytest.raises(PermissionDenied, match="Your free trial has ended"):
        plan_access.require_writable(db, actor=admin_actor(db, old))


def test_the_page_guard_shows_the_plan_banner(db, billing_on):
    """Every signed-in page's guard sets the banner above it (no loader of its own)."""
    from state.session import SessionState
    from tests.integration.tabs import Tab, call

    late = make_company(db, billing=STATUSES["past_due_in_grace"][0])
    paid = make_company(db, billing=STATUSES["active"][0])
    for company, expected in ((late, "Your company's last payment failed. Ask your company"),
                              (paid, "")):
        tab = Tab.signed_in(db, make_user(db, company=company, role=USER))
        session = tab.at(SessionState, "/jobs")
        assert call(session, "guard", ["company_admin", "user"]) is None
        assert (session.plan_banner.startswith(expected) if expected
                else session.plan_banner == "")
