"""Demo data: an operator and two companies with their staff (idempotent)."""

from __future__ import annotations

from pymongo.database import Database

from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.users import AccountLookup
from iprodash.services.actor import COMPANY_ADMIN, OPERATOR, USER
from iprodash.services.passwords import hash_password

DEMO_COMPANIES = [
    {"name": "Demo Locksmith", "code": "DEMOLOCK", "phone": "+12125550100",
     "admin_email": "admin@demo.test", "timezone": "America/New_York", "card_fee_bp": 300,
     "users": [("Dana Admin", "admin@demo.test", COMPANY_ADMIN),
               ("Oscar Office", "office@demo.test", USER)]},
    {"name": "Second Garage Doors", "code": "GARAGE22", "phone": "+13125550100",
     "admin_email": "admin@other.test", "timezone": "America/Chicago", "card_fee_bp": 350,
     "users": [("Gina Garage", "admin@other.test", COMPANY_ADMIN)]},
]


def create_operator(db: Database, *, name: str, email: str, password: str) -> bool:
    """Create an operator account; False when the email exists already."""
    from iprodash.domain.validation import validate_email, validate_password

    accounts = AccountLookup(db)
    email = validate_email(email)
    if accounts.by_email(email):
        return False
    accounts.create({"company_id": None, "name": name, "email": email,
                     "password_hash": hash_password(validate_password(password)),
                     "role": OPERATOR, "status": "active", "email_confirmed": True})
    return True


def seed_demo(db: Database, *, password: str) -> list[str]:
    """Create what is missing of the demo data; returns what was created."""
    created: list[str] = []
    if create_operator(db, name="Olivia Operator", email="operator@demo.test", password=password):
        created.append("operator@demo.test")
    password_hash = hash_password(password)
    companies, accounts = CompanyRepository(db), AccountLookup(db)
    for spec in DEMO_COMPANIES:
        company = companies.by_code(spec["code"])
        if company is None:
            fields = {k: v for k, v in spec.items() if k != "users"}
            companies.create({**fields, "status": "active", "plan": "trial"})
            company = companies.by_code(spec["code"])
            created.append(spec["name"])
        for name, email, role in spec["users"]:
            if accounts.by_email(email) is None:
                accounts.create({"company_id": company["_id"], "name": name, "email": email,
                                 "password_hash": password_hash, "role": role,
                                 "status": "active", "view_financials": role == COMPANY_ADMIN,
                                 "email_confirmed": True})
                created.append(email)
    return created
