"""SMS consent: the public opt-in form, and STOP / START / HELP texts.

Opting in by the web form stores the time, the caller's IP and the version
of the disclosure text shown; texting START stores the keyword. STOP and
its variants suppress the number at once and leave only the number's
keyed hash and the opt-out time (services/sms_optouts.py). Each change sends one
confirmation (unless Telnyx already answered the keyword itself, which the
inbound webhook tells us), and HELP is always answered.
"""

from __future__ import annotations

from datetime import datetime

from pymongo.database import Database

from iprodash.domain.errors import NotFound, ValidationError
from iprodash.domain.phones import format_phone_display, normalize_phone
from iprodash.domain.sms_keywords import HELP, OPT_IN, OPT_OUT
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.sms_consents import SmsConsentRepository
from iprodash.services import audit
from iprodash.services.pseudonyms import phone_pseudonym
from iprodash.services.sms import SmsOutcome, enqueue_sms
from iprodash.services.sms_optouts import opt_out_number, opted_in_again
from iprodash.services.sms_templates import COMPLIANCE_TEXTS, render

DISCLOSURE_VERSION = "2025-06-v1"
DISCLOSURE_TEXT = (
    "I agree to receive text messages from {company} at the number above about my "
    "appointments and service: confirmations, reminders, technician arrival and receipts. "
    "Message frequency varies. Msg & data rates may apply. Reply HELP for help and STOP to "
    "opt out at any time. Consent is not a condition of purchase. We never share your number."
)


def disclosure_for(company_name: str) -> str:
    """The disclosure shown next to the opt-in checkbox (version :data:`DISCLOSURE_VERSION`)."""
    return DISCLOSURE_TEXT.format(company=company_name)


def public_company(db: Database, code: str) -> dict:
    """The active company behind an opt-in page code.

    Raises:
        NotFound: unknown code or a company that cannot text now.
    """
    company = CompanyRepository(db).by_code(code or "") if (code or "").strip() else None
    if company is None or company.get("status") != "active":
        raise NotFound("This opt-in page does not exist. Check the link you were given.")
    return company


def _values(company: dict) -> dict[str, str]:
    return {"company": company["name"],
            "company_phone": format_phone_display(company.get("phone", "")),
            "company_email": company.get("admin_email", "")}


def _reply(db: Database, company: dict, phone: str, kind: str, key: str,
           now: datetime) -> SmsOutcome:
    return enqueue_sms(db, company=company, to=phone, kind=kind,
                       text=render(COMPLIANCE_TEXTS[kind], _values(company)),
                       idempotency_key=key, urgent=True, compliance_reply=True, now=now)


def record_web_consent(db: Database, *, company_code: str, phone: str, agreed: bool,
                       ip: str, now: datetime | None = None) -> str:
    """Record an opt-in from the public form and text the confirmation.

    Args:
        db: the database.
        company_code: the code in the page's address.
        phone: the number typed on the form.
        agreed: the checkbox (never pre-ticked); must be True.
        ip: the visitor's address, kept as proof of consent.
        now: the current time (tests freeze it).

    Returns:
        The company name, for the thank-you message.

    Raises:
        NotFound: unknown company code.
        ValidationError: box not ticked, or not a valid number.
    """
    now = now or utcnow()
    company = public_company(db, company_code)
    if agreed is not True:
        raise ValidationError("Tick the box to agree to receive texts.", field="agreed")
    phone = normalize_phone(phone)
    consents = SmsConsentRepository(db, company["_id"])
    _, changed = consents.opt_in(phone, method="web_form", now=now, ip=ip,
                                 text_version=DISCLOSURE_VERSION)
    opted_in_again(db, company_id=company["_id"], phone=phone)
    # The proof (IP, time, text version) is the consent record, which goes at STOP;
    # the audit entry names the number only by its keyed hash and keeps no IP.
    audit.record(db, actor=None, company_id=company["_id"], action="sms.opted_in",
                 target_type="phone", target_id=phone_pseudonym(phone),
                 after={"method": "web_form", "text_version": DISCLOSURE_VERSION})
    if changed:
        consents.mark_introduced(phone, now)
        _reply(db, company, phone, "opt_in_confirmation",
               f"sms-optin:{company['_id']}:{phone}:{now.isoformat()}", now)
    return company["name"]


def handle_keyword(db: Database, *, company: dict, phone: str, keyword: str, event_id: str,
                   provider_replied: bool = False, now: datetime | None = None) -> str:
    """Apply an inbound STOP / START / HELP at once and reply once.

    Args:
        db: the database.
        company: the company whose number received the text.
        phone: the sender (E.164).
        keyword: ``opt_out``, ``opt_in`` or ``help`` (from ``classify_keyword``).
        event_id: the webhook event id (makes the reply idempotent).
        provider_replied: Telnyx already sent its own auto-response; do not send a second.
        now: the current time.

    Returns:
        What was done, e.g. ``"opted_out"``, for the webhook log.
    """
    now = now or utcnow()
    consents = SmsConsentRepository(db, company["_id"])
    if keyword == OPT_OUT:
        changed = opt_out_number(db, company_id=company["_id"], phone=phone, now=now)
        kind, result = "opt_out_confirmation", "opted_out"
    elif keyword == OPT_IN:
        _, changed = consents.opt_in(phone, method="keyword", now=now)
        opted_in_again(db, company_id=company["_id"], phone=phone)
        kind, result = "opt_in_confirmation", "opted_in"
        if changed:
            consents.mark_introduced(phone, now)
    elif keyword == HELP:
        changed, kind, result = True, "help_reply", "help"
    else:
        raise ValueError(f"not a keyword: {keyword}")
    if keyword != HELP and changed:
        audit.record(db, actor=None, company_id=company["_id"], action=f"sms.{result}",
                     target_type="phone", target_id=phone_pseudonym(phone),
                     after={"method": "keyword"})
    if changed and not provider_replied:
        _reply(db, company, phone, kind, f"sms-keyword:{event_id}", now)
    return result
