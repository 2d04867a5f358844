"""Company sign-up and email confirmation."""

from __future__ import annotations

import secrets
from datetime import timedelta

from pymongo.database import Database

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.domain.money import parse_percent_bp
from iprodash.domain.phones import normalize_phone
from iprodash.domain.validation import (required_text, validate_email, validate_password,
                                        validate_timezone)
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.tokens import TokenRepository
from iprodash.repositories.users import AccountLookup
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN
from iprodash.services.notifications import app_link, enqueue_email
from iprodash.services.passwords import hash_password
from iprodash.services.policies import signup_acceptance
from iprodash.settings import get_settings

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_company_code() -> str:
    """An 8-character code without look-alike characters."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def signup_company(db: Database, *, company_name: str, admin_name: str, email: str,
                   phone: str, password: str, timezone: str, card_fee_percent: str,
                   accepted_terms: bool, ip: str = "") -> str:
    """Create an unconfirmed company and its admin; email the confirmation link.

    Returns:
        The new company's id as a string.
    """
    if not accepted_terms:
        raise ValidationError("Please confirm you are 13 or older and accept the terms and "
                              "privacy policy.", field="accepted_terms")
    company_name = required_text(company_name, "Company name", max_len=120)
    admin_name = required_text(admin_name, "Your name", max_len=120)
    email = validate_email(email)
    phone = normalize_phone(phone)
    password = validate_password(password)
    timezone = validate_timezone(timezone)
    card_fee_bp = parse_percent_bp(card_fee_percent or "0")
    accounts = AccountLookup(db)
    if accounts.by_email(email) is not None:
        raise Conflict("An account with this email already exists. Log in or reset your password.")
    companies = CompanyRepository(db)
    accepted_at = utcnow()
    versions, acceptance = signup_acceptance(db, now=accepted_at)
    company_id = companies.create({
        "name": company_name, "code": new_company_code(), "phone": phone,
        "admin_email": email, "timezone": timezone, "card_fee_bp": card_fee_bp,
        "status": "unconfirmed", "plan": "trial", "terms_accepted_at": accepted_at,
        "terms_accepted_ip": ip, **versions,
    })
    user_id = accounts.create({
        "company_id": company_id, "name": admin_name, "email": email, "phone": phone,
        "password_hash": hash_password(password), "role": COMPANY_ADMIN, "status": "active",
        "view_financials": True, "email_confirmed": False, **acceptance,
    })
    days = get_settings().confirm_days
    token = TokenRepository(db).issue(kind="confirm", user_id=user_id, company_id=company_id,
                                      expires_at=utcnow() + timedelta(days=days))
    enqueue_email(db, company_id=company_id, to=email, kind="confirm_signup",
                  idempotency_key=f"confirm:{company_id}", name=admin_name,
                  company=company_name, days=str(days), link=app_link(f"/confirm/{token}"))
    audit.record(db, actor=None, action="company.signup", target_type="company",
                 target_id=company_id, company_id=company_id, ip=ip,
                 after={"name": company_name, "admin_email": email, **versions})
    return str(company_id)


def confirm_signup(db: Database, *, token: str) -> str:
    """Confirm the admin's email; the company moves to ``pending``.

    Returns:
        The company's name.
    """
    record = TokenRepository(db).consume(kind="confirm", token=token)
    if record is None:
        raise ValidationError("This confirmation link has expired or was already used.")
    AccountLookup(db).update(record["user_id"], {"email_confirmed": True})
    company = CompanyRepository(db).set_status_if(
        record["company_id"], allowed_from=["unconfirmed"], fields={"status": "pending"})
    if company is None:
        company = CompanyRepository(db).by_id(record["company_id"])
    audit.record(db, actor=None, action="company.email_confirmed", target_type="company",
                 target_id=record["company_id"], company_id=record["company_id"])
    return company["name"]
