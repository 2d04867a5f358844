"""SMS consent: the public opt-in form, and STOP / START / YES / HELP texts.

The opt-in form lives at ``/sms/optin/<opt-in code>``: a code of its own,
rotatable by the company-admin, never the employee join code. The form only
*asks*: it stores the time, the caller's IP and the disclosure version and
texts one request to reply YES (double opt-in); the number is opted in when
it replies YES (or START), and nothing else is sent to it before. The form
is throttled per caller address and per number, so it cannot be used to
pump texts to numbers nobody asked for. STOP and its variants suppress the
number at once and leave only the number's keyed hash and the opt-out time
(services/sms_optouts.py). Each change sends one confirmation (unless Telnyx
already answered the keyword itself, which the inbound webhook tells us), and
HELP is always answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo.database import Database

from iprodash.domain.errors import NotFound, RateLimited, ValidationError
from iprodash.domain.phones import display_phone, normalize_phone
from iprodash.domain.sms_keywords import HELP, OPT_IN, OPT_OUT
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.sms_consents import OPTED_OUT, PENDING, SmsConsentRepository
from iprodash.repositories.usage import UsageLog
from iprodash.services import audit
from iprodash.services.pseudonyms import address_pseudonym, phone_pseudonym
from iprodash.services.sms import SmsOutcome, enqueue_sms
from iprodash.services.sms_optouts import consent_for, opt_out_number, opted_in_again
from iprodash.services.sms_templates import COMPLIANCE_TEXTS, render
from iprodash.settings import get_settings

DISCLOSURE_VERSION = "2025-06-v1"
OPTIN_FORM_EVENT = "sms_optin_form"
# A pending number that did not answer may ask again after this long.
ASK_AGAIN_AFTER = timedelta(hours=24)
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
    """The active company behind an opt-in page code (the join code never matches).

    Raises:
        NotFound: unknown code or a company that cannot text now.
    """
    company = CompanyRepository(db).by_optin_code(str(code or "")[:40])
    if company is None or company.get("status") != "active":
        raise NotFound("This opt-in page does not exist. Check the link you were given.")
    return company


def _values(company: dict) -> dict[str, str]:
    return {"company": company["name"],
            "company_phone": display_phone(company.get("phone", "")),
            "company_email": company.get("admin_email", "")}


def _reply(db: Database, company: dict, phone: str, kind: str, key: str,
           now: datetime) -> SmsOutcome:
    return enqueue_sms(db, company=company, to=phone, kind=kind,
                       text=render(COMPLIANCE_TEXTS[kind], _values(company)),
                       idempotency_key=key, urgent=True, compliance_reply=True, now=now)


def _throttle(db: Database, *, ip: str, phone: str, now: datetime) -> None:
    """Refuse a caller address or a number that used the form too often.

    Raises:
        RateLimited: over ``IPRODASH_SMS_OPTIN_PER_IP_HOUR`` requests from
            the address in the last hour, or ``IPRODASH_SMS_OPTIN_PER_NUMBER_DAY``
            for the number in the last day (across companies).
    """
    settings = get_settings()
    usage = UsageLog(db)
    if usage.count_since(OPTIN_FORM_EVENT, now - timedelta(hours=1),
                         ip=address_pseudonym(ip)) >= settings.sms_optin_per_ip_hour:
        raise RateLimited("Too many sign-ups from this connection. Try again in an hour.")
    if usage.count_since(OPTIN_FORM_EVENT, now - timedelta(days=1),
                         phone=phone_pseudonym(phone)) >= settings.sms_optin_per_number_day:
        raise RateLimited("This number was signed up several times today. Reply YES to the "
                          "text we sent, or try again tomorrow.")


def record_web_consent(db: Database, *, optin_code: str, phone: str, agreed: bool,
                       ip: str, now: datetime | None = None) -> str:
    """Record a request for texts from the public form and text the YES request.

    The number is not opted in yet: it is once it replies YES
    (:func:`handle_keyword`); until then it gets no other text.

    Args:
        db: the database.
        optin_code: the code in the page's address (the company's opt-in code).
        phone: the number typed on the form.
        agreed: the checkbox (never pre-ticked); must be True.
        ip: the visitor's address, kept as proof of the request and throttled.
        now: the current time (tests freeze it).

    Returns:
        The company name, for the thank-you message.

    Raises:
        NotFound: unknown opt-in code.
        ValidationError: box not ticked, or not a valid number.
        RateLimited: too many requests from the address or for the number.
    """
    now = now or utcnow()
    company = public_company(db, optin_code)
    if agreed is not True:
        raise ValidationError("Tick the box to agree to receive texts.", field="agreed")
    phone = normalize_phone(phone)
    _throttle(db, ip=ip, phone=phone, now=now)
    # The throttle needs only to recognise the caller and the number again: keyed hashes.
    UsageLog(db).record(OPTIN_FORM_EVENT, at=now, ip=address_pseudonym(ip),
                        phone=phone_pseudonym(phone), company_id=company["_id"])
    consents = SmsConsentRepository(db, company["_id"])
    if (consent_for(db, company["_id"], phone) or {}).get("status") == OPTED_OUT:
        # A number that said STOP is never asked again by the form; it can text START.
        return company["name"]
    consent = consents.request_confirmation(phone, now=now, ip=ip,
                                            text_version=DISCLOSURE_VERSION)
    # The proof (IP, time, text version) is the consent record, which goes at STOP;
    # the audit entry names the number only by its keyed hash and keeps no IP.
    audit.record(db, actor=None, company_id=company["_id"], action="sms.optin_requested",
                 target_type="phone", target_id=phone_pseudonym(phone),
                 after={"method": "web_form", "text_version": DISCLOSURE_VERSION})
    asked = consent.get("asked_at")
    if consent["status"] == PENDING and (asked is None or asked <= now - ASK_AGAIN_AFTER):
        _reply(db, company, phone, "opt_in_request",
               f"sms-optin-ask:{company['_id']}:{phone}:{now.isoformat()}", now)
        consents.mark_asked(phone, now)
    return company["name"]


def handle_keyword(db: Database, *, company: dict, phone: str, keyword: str, event_id: str,
                   provider_replied: bool = False, now: datetime | None = None,
                   method: str = "keyword") -> str:
    """Apply an inbound STOP / START / HELP at once and reply once.

    Args:
        db: the database.
        company: the company whose number received the text.
        phone: the sender (E.164).
        keyword: ``opt_out``, ``opt_in`` or ``help`` (from ``classify_keyword``).
        event_id: the webhook event id (makes the reply idempotent).
        provider_replied: Telnyx already sent its own auto-response; do not send a second.
        now: the current time.
        method: ``"keyword"``, or ``"free_text"`` for a plain-language
            revocation ("please stop texting me"), kept in the audit entry.

    Returns:
        What was done, e.g. ``"opted_out"``, for the webhook log.
    """
    now = now or utcnow()
    consents = SmsConsentRepository(db, company["_id"])
    if keyword == OPT_OUT:
        changed = opt_out_number(db, company_id=company["_id"], phone=phone, now=now)
        kind, result = "opt_out_confirmation", "opted_out"
    elif keyword == OPT_IN:
        before = consents.for_phone(phone) or {}
        if before.get("status") == PENDING:  # the YES that confirms a web-form request
            _, changed = consents.opt_in(
                phone, method="web_form_confirmed", now=now, ip=before.get("requested_ip", ""),
                text_version=before.get("requested_text_version", ""))
        else:
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
                     after={"method": method})
    if changed and not provider_replied:
        _reply(db, company, phone, kind, f"sms-keyword:{event_id}", now)
    return result
