"""The public SMS opt-in code is not the employee join code, can be rotated,
and the opt-in form cannot be used to pump texts (issue 14, point 5)."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import NotFound, RateLimited, ValidationError
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import messaging_settings, users
from iprodash.services.sms import optin_link
from iprodash.services.sms_consent import public_company, record_web_consent
from tests.factories import admin_of
from tests.integration.messaging.conftest import CLIENT_PHONE


def _phone(n: int) -> str:
    return f"+1212555{n:04d}"


def test_the_opt_in_link_carries_its_own_code_not_the_join_code(db, company):
    link = optin_link(db, company)
    code = link.rsplit("/", 1)[-1]
    assert code != company["code"] and company["code"] not in link
    assert public_company(db, code)["_id"] == company["_id"]
    assert optin_link(db, CompanyRepository(db).by_id(company["_id"])) == link  # stable


def test_the_opt_in_page_refuses_the_join_code(db, company):
    optin_link(db, company)
    for guess in (company["code"], company["code"].lower()):
        with pytest.raises(NotFound):
            public_company(db, guess)
        with pytest.raises(NotFound):
            record_web_consent(db, optin_code=guess, phone=CLIENT_PHONE, agreed=True,
                               ip="203.0.113.5")
    assert db["sms_consents"].count_documents({}) == 0


def test_a_join_through_the_opt_in_code_is_refused(db, company):
    code = CompanyRepository(db).ensure_optin_code(company)
    with pytest.raises(ValidationError, match="No company uses that code"):
        users.join_company(db, name="Mallory", email="mallory@example.test",
                           password="a-long-password-1", company_code=code, ip="203.0.113.5")
    assert db["users"].count_documents({"email": "mallory@example.test"}) == 0
    # The join code itself still works for employees.
    assert users.join_company(db, name="Emma", email="emma@example.test",
                              password="a-long-password-1", company_code=company["code"],
                              ip="203.0.113.6") == "Acme Locks"


def test_a_new_opt_in_link_retires_the_old_one(db, company):
    old = optin_link(db, company).rsplit("/", 1)[-1]
    view = messaging_settings.regenerate_optin_code(db, actor=admin_of(db, company))
    new = view.optin_url.rsplit("/", 1)[-1]
    assert new != old
    with pytest.raises(NotFound):
        public_company(db, old)
    assert public_company(db, new)["_id"] == company["_id"]
    assert db["audit_log"].find_one({"company_id": company["_id"],
                                     "action": "messaging.optin_code_regenerated"})


def test_twenty_opt_ins_from_one_address_are_throttled(db, company, clock):
    code = CompanyRepository(db).ensure_optin_code(company)
    accepted, refused = 0, 0
    for n in range(20):
        try:
            record_web_consent(db, optin_code=code, phone=_phone(n), agreed=True,
                               ip="198.51.100.66", now=clock.now())
            accepted += 1
        except RateLimited as exc:
            refused += 1
            assert "Too many sign-ups from this connection" in exc.message
    assert accepted == 10 and refused == 10
    # Only the accepted requests were texted (one YES request each), nothing more.
    assert db["outbox"].count_documents({"kind": "opt_in_request"}) == 10
    assert db["outbox"].count_documents({}) == 10
    # Another address is not affected; the hour passing frees this one.
    record_web_consent(db, optin_code=code, phone=_phone(50), agreed=True, ip="198.51.100.67",
                       now=clock.now())
    clock.advance(minutes=61)
    record_web_consent(db, optin_code=code, phone=_phone(51), agreed=True, ip="198.51.100.66",
                       now=clock.now())


def test_one_number_is_throttled_across_addresses(db, company, clock):
    code = CompanyRepository(db).ensure_optin_code(company)
    for n in range(3):
        record_web_consent(db, optin_code=code, phone=CLIENT_PHONE, agreed=True,
                           ip=f"203.0.113.{n}", now=clock.now())
    with pytest.raises(RateLimited, match="signed up several times today"):
        record_web_consent(db, optin_code=code, phone=CLIENT_PHONE, agreed=True,
                           ip="203.0.113.99", now=clock.now())
    assert db["outbox"].count_documents({"kind": "opt_in_request", "to": CLIENT_PHONE}) == 1
