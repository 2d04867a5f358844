"""Factories: companies, users and actors straight into the database."""

from __future__ import annotations

import itertools
from functools import lru_cache

from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.users import AccountLookup
from iprodash.services.actor import COMPANY_ADMIN, OPERATOR, USER, Actor
from iprodash.services.passwords import hash_password

PASSWORD = "correct-horse-42"
_counter = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)


def make_company(db, *, name: str | None = None, status: str = "active", **fields) -> dict:
    n = next(_counter)
    company_id = CompanyRepository(db).create({
        "name": name or f"Company {n}", "code": f"CODE{n:04d}", "phone": "+12125550100",
        "admin_email": f"admin{n}@example.test", "timezone": "America/New_York",
        "card_fee_bp": 300, "status": status, "plan": "trial", **fields})
    return CompanyRepository(db).by_id(company_id)


def make_user(db, *, company: dict | None, role: str = USER, status: str = "active",
              email: str | None = None, view_financials: bool = False) -> dict:
    n = next(_counter)
    user_id = AccountLookup(db).create({
        "company_id": company["_id"] if company else None, "name": f"Person {n}",
        "email": email or f"person{n}@example.test", "password_hash": password_hash(),
        "role": role, "status": status, "view_financials": view_financials or role == COMPANY_ADMIN,
        "email_confirmed": True})
    return AccountLookup(db).by_id(user_id)


def actor_for(user: dict) -> Actor:
    return Actor(user_id=user["_id"], role=user["role"], name=user["name"], email=user["email"],
                 company_id=user.get("company_id"), view_financials=user.get("view_financials", False),
                 ip="127.0.0.1")


def admin_of(db, company: dict) -> Actor:
    return actor_for(make_user(db, company=company, role=COMPANY_ADMIN))


def operator(db) -> Actor:
    return actor_for(make_user(db, company=None, role=OPERATOR))


def sms_opted_in(db, company: dict, phone: str, *, ip: str = "127.0.0.1") -> None:
    """A client opts in the real way: the web form, then a YES reply from the number."""
    from iprodash.domain.phones import normalize_phone
    from iprodash.domain.sms_keywords import OPT_IN
    from iprodash.services.sms_consent import handle_keyword, record_web_consent

    record_web_consent(db, optin_code=CompanyRepository(db).ensure_optin_code(company),
                       phone=phone, agreed=True, ip=ip)
    handle_keyword(db, company=company, phone=normalize_phone(phone), keyword=OPT_IN,
                   event_id=f"yes-{company['_id']}-{normalize_phone(phone)}")
