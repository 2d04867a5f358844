"""Policy versions: sign-up records what was accepted; the operator publishes a
new version, every company admin is emailed and must accept it at next login
(the page guard sends them to the acceptance page until they do)."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import Conflict, PermissionDenied, ValidationError
from iprodash.policies import DPA, PRIVACY, TERMS, policy_text
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import policies, signup
from state import routes
from state.policies import OperatorPoliciesState, PolicyAcceptState
from state.session import SessionState
from tests.factories import actor_for, make_company, make_user
from tests.factories import operator as make_operator
from tests.integration.tabs import Tab, call

SIGNUP = dict(company_name="Acme Locks", admin_name="Ann Owner", email="ann@acme.test",
              phone="(212) 555-0199", password="a-long-password", timezone="America/Chicago",
              card_fee_percent="2.9", accepted_terms=True)


def _tab(db, user: dict, state_cls, path: str):
    return Tab.signed_in(db, user).at(state_cls, path)


def _policy_emails(db) -> list[dict]:
    return list(db["outbox"].find({"kind": "policy_updated"}))


def test_signup_records_the_versions_accepted(db):
    company_id = signup.signup_company(db, **SIGNUP)
    company = CompanyRepository(db).by_id(company_id)
    assert company["terms_version"] == policy_text(TERMS).version
    assert company["privacy_version"] == policy_text(PRIVACY).version
    assert company["dpa_version"] == policy_text(DPA).version
    admin = db["users"].find_one({"company_id": company["_id"]})
    assert admin["policies_accepted"][TERMS]["version"] == policy_text(TERMS).version

    policies.publish_version(db, actor=make_operator(db), kind=TERMS, version="1.1",
                             summary="Clearer refund rules.")
    later = signup.signup_company(db, **{**SIGNUP, "email": "bo@beta.test",
                                         "company_name": "Beta"})
    assert CompanyRepository(db).by_id(later)["terms_version"] == "1.1"


def test_publishing_emails_every_admin_and_asks_them_at_next_login(db):
    acme, beta = make_company(db, name="Acme Locks"), make_company(db, name="Beta Doors")
    gone = make_company(db, name="Gone Co", status="deleted")
    ann = make_user(db, company=acme, role="company_admin")
    bob = make_user(db, company=beta, role="company_admin")
    make_user(db, company=gone, role="company_admin")
    office = make_user(db, company=acme, role="user")
    assert policies.pending_acceptance(db, actor=actor_for(ann)) == []

    emailed = policies.publish_version(db, actor=make_operator(db), kind=TERMS, version="2.0",
                                       summary="Technicians' payouts explained.")

    assert emailed == 2
    assert sorted(m["to"] for m in _policy_emails(db)) == sorted([ann["email"], bob["email"]])
    message = _policy_emails(db)[0]
    assert "version 2.0" in message["text"] and "Technicians' payouts" in message["text"]
    assert "http://localhost:3000/terms" in message["text"]
    [pending] = policies.pending_acceptance(db, actor=actor_for(ann))
    assert (pending.kind, pending.version) == (TERMS, "2.0")
    assert policies.pending_acceptance(db, actor=actor_for(office)) == []
    assert policies.version_in_force(db, PRIVACY).published is False

    with pytest.raises(ValidationError, match="newer version"):
        policies.accept_policies(db, actor=actor_for(ann), versions={TERMS: "1.0"})
    assert policies.accept_policies(db, actor=actor_for(ann), versions={TERMS: "2.0"}) == [TERMS]
    assert policies.pending_acceptance(db, actor=actor_for(ann)) == []
    accepted = db["users"].find_one({"_id": ann["_id"]})["policies_accepted"][TERMS]
    assert accepted["version"] == "2.0" and accepted["at"]
    assert CompanyRepository(db).by_id(acme["_id"])["terms_version"] == "2.0"
    assert policies.pending_acceptance(db, actor=actor_for(bob))  # Bob still must
    entry = db["audit_log"].find_one({"action": "policy.accepted"})
    assert entry["after"] == {TERMS: "2.0"}
    with pytest.raises(ValidationError, match="nothing new"):
        policies.accept_policies(db, actor=actor_for(ann), versions={TERMS: "2.0"})


def test_publishing_is_the_operators_and_refuses_bad_input(db):
    acme = make_company(db)
    admin = make_user(db, company=acme, role="company_admin")
    op = make_operator(db)
    with pytest.raises(PermissionDenied):
        policies.publish_version(db, actor=actor_for(admin), kind=TERMS, version="9",
                                 summary="x")
    with pytest.raises(ValidationError, match="Choose the policy"):
        policies.publish_version(db, actor=op, kind="cookies", version="2", summary="x")
    with pytest.raises(ValidationError, match="number"):
        policies.publish_version(db, actor=op, kind=TERMS, version="  ", summary="x")
    with pytest.raises(ValidationError, match="what changed"):
        policies.publish_version(db, actor=op, kind=TERMS, version="2", summary=" ")
    with pytest.raises(Conflict):
        policies.publish_version(db, actor=op, kind=TERMS,
                                 version=policy_text(TERMS).version, summary="same")
    policies.publish_version(db, actor=op, kind=TERMS, version="2", summary="x")
    with pytest.raises(Conflict):
        policies.publish_version(db, actor=op, kind=TERMS, version="2", summary="again")
    assert db["policy_versions"].count_documents({}) == 1
    assert len(_policy_emails(db)) == 1


def test_the_guard_holds_an_admin_on_the_acceptance_page_until_accepted(db):
    acme = make_company(db, name="Acme Locks")
    ann = make_user(db, company=acme, role="company_admin")
    office = make_user(db, company=acme, role="user")
    op_user = make_user(db, company=None, role="operator")
    operator_tab = _tab(db, op_user, OperatorPoliciesState, routes.OPERATOR_POLICIES)
    call(operator_tab, "load")
    assert [r["source"] for r in operator_tab.in_force] == ["as shipped"] * 3
    assert operator_tab.rows == []
    call(operator_tab, "publish", {"kind": TERMS, "version": "", "summary": "x"})
    assert "number" in operator_tab.error and db["policy_versions"].count_documents({}) == 0
    call(operator_tab, "publish", {"kind": TERMS, "version": "1.1", "summary": "Refunds."})
    assert operator_tab.error == "" and "1 company admin will be emailed" in operator_tab.notice
    assert operator_tab.rows[0]["version"] == "1.1"

    dashboard = _tab(db, ann, SessionState, routes.DASHBOARD)
    assert "/policies/accept" in repr(call(dashboard, "guard", []))
    assert call(_tab(db, office, SessionState, routes.DASHBOARD), "guard", []) is None
    on_accept_page = _tab(db, ann, SessionState, routes.ACCEPT_POLICIES)
    assert call(on_accept_page, "guard", ["company_admin"]) is None  # the page itself opens
    accept = _tab(db, ann, PolicyAcceptState, routes.ACCEPT_POLICIES)
    call(accept, "load")
    assert [(r["kind"], r["version"]) for r in accept.pending] == [(TERMS, "1.1")]
    call(accept, "accept", {})
    assert "Tick the box" in accept.error
    assert policies.pending_acceptance(db, actor=actor_for(ann))
    call(accept, "accept", {"agree": "on"})
    assert policies.pending_acceptance(db, actor=actor_for(ann)) == []
    assert call(_tab(db, ann, SessionState, routes.DASHBOARD), "guard", []) is None

    # The office user cannot accept for the company, nor publish.
    office_accept = _tab(db, office, PolicyAcceptState, routes.ACCEPT_POLICIES)
    assert call(office_accept, "accept", {"agree": "on"}) is not None
    office_publish = _tab(db, office, OperatorPoliciesState, routes.OPERATOR_POLICIES)
    call(office_publish, "publish", {"kind": TERMS, "version": "3", "summary": "x"})
    assert db["policy_versions"].count_documents({}) == 1
