"""A company's texting settings: sending number, messaging profile, templates, reminders.

Stored on the company document under ``sms``; only a company-admin reads or
changes them. The sending number routes inbound texts to the company, so
two companies can never share one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pymongo.database import Database

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.domain.phones import display_phone, normalize_phone
from iprodash.integrations.sms import sms_provider
from iprodash.repositories.companies import CompanyRepository, new_optin_code
from iprodash.repositories.sms_inbound import company_for_sending_number
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.plan_access import require_writable
from iprodash.services.reminders import reminder_hours
from iprodash.services.sms import optin_link
from iprodash.services.sms_templates import (DEFAULT_TEMPLATES, EDITABLE_KINDS, Preview, preview,
                                             validate_template)

_PROFILE_ID = re.compile(r"^[A-Za-z0-9_-]{0,64}$")
MAX_REMINDERS = 3
MAX_REMINDER_HOURS = 168


@dataclass(frozen=True)
class MessagingSettings:
    """What the settings page shows (templates: kind -> text, defaults filled in)."""

    sending_number: str
    messaging_profile_id: str
    reminder_hours: str
    templates: dict[str, str]
    optin_url: str
    provider: str


def _view(db: Database, company: dict) -> MessagingSettings:
    sms = company.get("sms") or {}
    number = sms.get("sending_number", "")
    custom = sms.get("templates") or {}
    return MessagingSettings(
        sending_number=display_phone(number) if number else "",
        messaging_profile_id=sms.get("messaging_profile_id", ""),
        reminder_hours=", ".join(str(h) for h in reminder_hours(company)),
        templates={kind: custom.get(kind) or DEFAULT_TEMPLATES[kind] for kind in EDITABLE_KINDS},
        optin_url=optin_link(db, company), provider=sms_provider())


def get_messaging_settings(db: Database, *, actor: Actor) -> MessagingSettings:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    return _view(db, CompanyRepository(db).by_id(actor.company_id))


def parse_reminder_hours(text: str) -> list[int]:
    """ "24, 2" -> [24, 2]; empty turns reminders off.

    Raises:
        ValidationError: not whole hours between 1 and 168, or more than 3.
    """
    parts = [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]
    if len(parts) > MAX_REMINDERS:
        raise ValidationError(f"Use at most {MAX_REMINDERS} reminders.", field="reminder_hours")
    try:
        hours = sorted({int(p) for p in parts}, reverse=True)
    except ValueError as exc:
        raise ValidationError("Write reminder times as whole hours, like 24, 2.",
                              field="reminder_hours") from exc
    if any(h < 1 or h > MAX_REMINDER_HOURS for h in hours):
        raise ValidationError(f"Reminders go from 1 to {MAX_REMINDER_HOURS} hours before.",
                              field="reminder_hours")
    return hours


def update_messaging_settings(db: Database, *, actor: Actor, sending_number: str,
                              messaging_profile_id: str, reminder_hours_text: str,
                              templates: dict[str, str]) -> MessagingSettings:
    """Validate everything first, then save and audit the changed fields.

    Raises:
        ValidationError: a field is not acceptable (the message names it).
        Conflict: another company already texts from that number.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    number = normalize_phone(sending_number, field="sending_number") \
        if (sending_number or "").strip() else ""
    if number:
        owner = company_for_sending_number(db, number)
        if owner is not None and owner["_id"] != actor.company_id:
            raise Conflict("Another company already texts from this number.")
    profile = (messaging_profile_id or "").strip()
    if not _PROFILE_ID.match(profile):
        raise ValidationError("A messaging profile id has only letters, digits and dashes.",
                              field="messaging_profile_id")
    custom = {}
    for kind in EDITABLE_KINDS:
        text = validate_template(templates.get(kind) or DEFAULT_TEMPLATES[kind])
        if text != DEFAULT_TEMPLATES[kind]:
            custom[kind] = text
    fields = {"sms.sending_number": number, "sms.messaging_profile_id": profile,
              "sms.reminder_hours": parse_reminder_hours(reminder_hours_text),
              "sms.templates": custom}
    companies = CompanyRepository(db)
    before = companies.by_id(actor.company_id).get("sms") or {}
    after = companies.update(actor.company_id, fields)
    old, new = audit.changed_fields(before, {k.split(".", 1)[1]: v for k, v in fields.items()})
    if new:
        audit.record(db, actor=actor, action="messaging.settings_updated", target_type="company",
                     target_id=actor.company_id, before=old, after=new)
    return _view(db, after)


def regenerate_optin_code(db: Database, *, actor: Actor) -> MessagingSettings:
    """Give the public SMS opt-in page a new address; the old one stops working.

    Consents already given stay; only the printed or texted link changes.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    after = CompanyRepository(db).update(actor.company_id, {"sms_optin_code": new_optin_code()})
    audit.record(db, actor=actor, action="messaging.optin_code_regenerated",
                 target_type="company", target_id=actor.company_id)
    return _view(db, after)


def preview_template(*, actor: Actor, template: str, first_message: bool = False) -> Preview:
    """Render a template with sample values and count its segments."""
    require_company_actor(actor, COMPANY_ADMIN)
    return preview(template, first_message=first_message)
