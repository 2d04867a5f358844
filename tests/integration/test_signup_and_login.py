"""Sign-up -> confirm -> approval -> login, sessions and throttling."""

import re

import pytest

from iprodash.domain.errors import Conflict, NotAuthenticated, RateLimited, ValidationError
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import auth, operator, signup
from iprodash.services.outbox_dispatch import drain_outbox
from tests.factories import PASSWORD, make_company, make_user
from tests.factories import operator as make_operator
from tests.mailbox import delivered_link

SIGNUP = dict(company_name="Acme Locks", admin_name="Ann Owner", email="Ann@Acme.test",
              phone="(212) 555-0199", password="a-long-password", timezone="America/Chicago",
              card_fee_percent="2.9", accepted_terms=True)


def _token_delivered(db, mailbox, to: str, path: str) -> str:
    """The token of the emailed link, as the recipient gets it (the outbox holds none)."""
    link = delivered_link(db, mailbox, to=to, path=path)
    return re.search(rf"{path}([A-Za-z0-9_\-]+)", link).group(1)


def test_signup_confirm_approve_login(db, mailbox):
    company_id = signup.signup_company(db, **SIGNUP)
    company = CompanyRepository(db).by_id(company_id)
    assert company["status"] == "unconfirmed"
    assert company["phone"] == "+12125550199"
    assert company["card_fee_bp"] == 290
    with pytest.raises(NotAuthenticated, match="Confirm your email"):
        auth.login(db, email="ann@acme.test", password="a-long-password", ip="1.1.1.1")

    token = _token_delivered(db, mailbox, "ann@acme.test", "/confirm/")
    assert signup.confirm_signup(db, token=token) == "Acme Locks"
    with pytest.raises(ValidationError):
        signup.confirm_signup(db, token=token)  # single use
    with pytest.raises(NotAuthenticated, match="waiting for approval"):
        auth.login(db, email="ann@acme.test", password="a-long-password", ip="1.1.1.1")

    op = make_operator(db)
    assert operator.change_company_status(db, actor=op, company_id=company_id,
                                          action="approve") == "active"
    assert db["outbox"].find_one({"to": "ann@acme.test", "kind": "company_approved"})
    token = auth.login(db, email="ANN@acme.test ", password="a-long-password", ip="1.1.1.1")
    actor = auth.authenticate(db, token=token)
    assert actor.role == "company_admin" and str(actor.company_id) == company_id

    assert drain_outbox(db)["sent"] >= 1  # the confirmation went out when it was followed
    assert db["sent_box"].count_documents({"to": "ann@acme.test"}) >= 2


@pytest.mark.parametrize("field,value,message", [
    ("accepted_terms", False, "13 or older"),
    ("password", "short", "10 characters"),
    ("password", "x" * 73, "72"),
    ("phone", "12", "valid phone"),
    ("email", "not-an-email", "valid email"),
    ("card_fee_percent", "150", "between 0 and 100"),
])
def test_signup_refuses_bad_input_and_saves_nothing(db, field, value, message):
    with pytest.raises(ValidationError, match=message):
        signup.signup_company(db, **{**SIGNUP, field: value})
    assert db["companies"].count_documents({}) == 0
    assert db["users"].count_documents({}) == 0


def test_duplicate_email_refused(db):
    signup.signup_company(db, **SIGNUP)
    with pytest.raises(Conflict):
        signup.signup_company(db, **{**SIGNUP, "company_name": "Other"})


def test_wrong_password_and_unknown_email_read_the_same(db):
    company = make_company(db)
    user = make_user(db, company=company)
    with pytest.raises(NotAuthenticated) as wrong:
        auth.login(db, email=user["email"], password="wrong-password!", ip="2.2.2.2")
    with pytest.raises(NotAuthenticated) as unknown:
        auth.login(db, email="nobody@example.test", password="wrong-password!", ip="2.2.2.2")
    assert wrong.value.message == unknown.value.message


def test_overlong_password_at_login_fails_like_a_wrong_one(db):
    user = make_user(db, company=make_company(db))
    with pytest.raises(NotAuthenticated, match="not right"):
        auth.login(db, email=user["email"], password="é" * 100, ip="3.3.3.3")


def test_login_throttled_per_account(db):
    user = make_user(db, company=make_company(db))
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            auth.login(db, email=user["email"], password="wrong-password!", ip="4.4.4.4")
    with pytest.raises(RateLimited):
        auth.login(db, email=user["email"], password=PASSWORD, ip="5.5.5.5")
    assert db["usage_log"].count_documents({"kind": "login_failed"}) == 5


def test_logout_and_deactivation_end_sessions_at_once(db):
    company = make_company(db)
    user = make_user(db, company=company)
    token = auth.login(db, email=user["email"], password=PASSWORD, ip="6.6.6.6")
    auth.authenticate(db, token=token)
    auth.logout(db, token=token)
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=token)

    token = auth.login(db, email=user["email"], password=PASSWORD, ip="6.6.6.6")
    db["users"].update_one({"_id": user["_id"]}, {"$set": {"status": "deactivated"}})
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=token)


def test_suspended_company_cannot_use_existing_session(db):
    company = make_company(db)
    user = make_user(db, company=company)
    token = auth.login(db, email=user["email"], password=PASSWORD, ip="7.7.7.7")
    operator.change_company_status(db, actor=make_operator(db), company_id=str(company["_id"]),
                                   action="suspend", reason="unpaid")
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=token)


def test_tampered_or_foreign_algorithm_token_refused(db):
    import jwt

    user = make_user(db, company=make_company(db))
    token = auth.login(db, email=user["email"], password=PASSWORD, ip="8.8.8.8")
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(claims, "another-key-that-is-long-enough-for-hs256!", algorithm="HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")
    for bad in (forged, unsigned, token[:-3] + "abc"):
        with pytest.raises(NotAuthenticated):
            auth.authenticate(db, token=bad)


def test_password_reset_single_use_and_ends_sessions(db, mailbox):
    user = make_user(db, company=make_company(db))
    session = auth.login(db, email=user["email"], password=PASSWORD, ip="9.9.9.9")
    auth.request_password_reset(db, email=user["email"], ip="9.9.9.9")
    auth.request_password_reset(db, email="nobody@example.test", ip="9.9.9.9")  # silent
    token = _token_delivered(db, mailbox, user["email"], "/reset/")
    auth.reset_password(db, token=token, password="brand-new-password")
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=session)
    with pytest.raises(ValidationError):
        auth.reset_password(db, token=token, password="another-new-password")
    auth.login(db, email=user["email"], password="brand-new-password", ip="9.9.9.9")
