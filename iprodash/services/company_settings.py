"""Company settings, editable by the company-admin."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.database import Database

from iprodash.domain.money import format_percent, parse_percent_bp
from iprodash.domain.phones import display_phone, normalize_phone
from iprodash.domain.validation import required_text, validate_email, validate_timezone
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.plan_access import require_writable
from iprodash.services.signup import new_company_code


@dataclass(frozen=True)
class CompanySettings:
    name: str
    phone: str
    admin_email: str
    timezone: str
    card_fee_percent: str
    code: str
    status: str
    show_tech_commission: bool = False  # technicians see their commission and earnings
    keep_photo_location: bool = False  # job photos keep their GPS position


def _view(company: dict) -> CompanySettings:
    return CompanySettings(name=company["name"],
                           phone=display_phone(company.get("phone", "")),
                           admin_email=company.get("admin_email", ""),
                           timezone=company.get("timezone", "America/New_York"),
                           card_fee_percent=format_percent(company.get("card_fee_bp", 0)).rstrip("%"),
                           code=company["code"], status=company["status"],
                           show_tech_commission=bool(company.get("show_tech_commission")),
                           keep_photo_location=bool(company.get("keep_photo_location")))


def get_company_settings(db: Database, *, actor: Actor) -> CompanySettings:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    return _view(CompanyRepository(db).by_id(actor.company_id))


def company_name(db: Database, *, actor: Actor) -> str:
    """The caller's company name (any company member)."""
    actor = require_company_actor(actor)
    company = CompanyRepository(db).by_id(actor.company_id)
    return company["name"] if company else ""


def update_company_settings(db: Database, *, actor: Actor, name: str, phone: str,
                            admin_email: str, timezone: str,
                            card_fee_percent: str, show_tech_commission: bool | None = None,
                            keep_photo_location: bool | None = None) -> CompanySettings:
    """Validate every field first; save nothing unless all are good.

    ``show_tech_commission`` and ``keep_photo_location`` stay as they are when None.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    fields = {
        "name": required_text(name, "Company name", max_len=120),
        "phone": normalize_phone(phone),
        "admin_email": validate_email(admin_email),
        "timezone": validate_timezone(timezone),
        "card_fee_bp": parse_percent_bp(card_fee_percent),
    }
    for key, value in (("show_tech_commission", show_tech_commission),
                       ("keep_photo_location", keep_photo_location)):
        if value is not None:
            fields[key] = bool(value)
    companies = CompanyRepository(db)
    before = companies.by_id(actor.company_id)
    after = companies.update(actor.company_id, fields)
    old, new = audit.changed_fields(before, fields)
    if new:
        audit.record(db, actor=actor, action="company.settings_updated", target_type="company",
                     target_id=actor.company_id, before=old, after=new)
    return _view(after)


def regenerate_company_code(db: Database, *, actor: Actor) -> str:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    code = new_company_code()
    CompanyRepository(db).update(actor.company_id, {"code": code})
    audit.record(db, actor=actor, action="company.code_regenerated", target_type="company",
                 target_id=actor.company_id)
    return code
