"""Texting consent the office records, and the texting status shown on a chip.

A consent given to staff (a client on the booking call, a technician asked in
person when the office adds them) is direct consent: the number is opted in
at once with method ``staff_recorded``, who recorded it, how (``phone_call``
or ``in_person``) and the version of the script staff read
(:data:`STAFF_SCRIPT_VERSION`), and gets one first message naming the
company, what it will get, HELP/STOP and "Msg & data rates may apply". A
number that said STOP is not re-subscribed by staff: it texts START itself.

"Stop texting this number" is the office honouring a revocation given to it
(the FCC's 2024 rule: any reasonable means): the number keeps only its keyed
hash, the time and ``staff_recorded``, the audit names it by its pseudonym,
and it gets the one opt-out confirmation.

The subject is a job (its client's number), a client or a technician, always
loaded inside the caller's company, so the browser never names a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pymongo.database import Database

from iprodash.domain.clock import as_utc, zone_of
from iprodash.domain.errors import ValidationError
from iprodash.domain.phones import display_phone, normalize_phone
from iprodash.repositories.base import utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.sms_consents import (OPTED_IN, OPTED_OUT, PENDING,
                                                SmsConsentRepository)
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, USER, Actor, require_company_actor
from iprodash.services.plan_access import require_writable
from iprodash.services.pseudonyms import phone_pseudonym
from iprodash.services.sms import SmsOutcome, enqueue_sms
from iprodash.services.sms_optouts import consent_for, opt_out_number, opted_in_again
from iprodash.services.sms_templates import COMPLIANCE_TEXTS, render

STAFF_RECORDED = "staff_recorded"
PHONE_CALL, IN_PERSON = "phone_call", "in_person"
SUBJECTS = ("job", "client", "technician")
STAFF_SCRIPT_VERSION = "2026-12-staff-v1"
# What staff ask before ticking the box; its version is kept with the consent.
CLIENT_SCRIPT = ("May we text you about this job: confirmation, reminders, when the technician "
                 "is on the way and your receipt? Msg & data rates may apply; reply STOP any "
                 "time to stop.")
TECHNICIAN_SCRIPT = ("May we text you your new jobs, changes and sign-in links? Msg & data "
                     "rates may apply; reply STOP any time to stop.")
WELCOME_KINDS = {"client": "staff_consent_client", "technician": "staff_consent_technician"}
METHOD_WORDS = {STAFF_RECORDED: "agreed with the office", "keyword": "texted START",
                "web_form_confirmed": "signed up on the web form and replied YES"}

# Chip states.
ON, NOT_AGREED, WAITING, STOPPED, NO_PHONE, CLIENT_OFF = (
    "on", "not_agreed", "waiting", "stopped", "no_phone", "client_off")


@dataclass(frozen=True)
class TextingStatus:
    """What the texting chip shows for one number.

    Attributes:
        state: one of ``on``, ``not_agreed``, ``waiting``, ``stopped``,
            ``no_phone``, ``client_off``.
        label: the chip's words, e.g. "Texts: on", "Stopped on Nov 3".
        detail: one sentence saying how it got there and what can be done.
        phone_display: the number as shown, "(646) 555-0142".
        can_record: the office may record consent given on a call.
        can_stop: the office may stop texting the number.
    """

    state: str
    label: str
    detail: str
    phone_display: str
    can_record: bool
    can_stop: bool


@dataclass(frozen=True)
class _Subject:
    kind: str  # "client" or "technician": who owns the number
    phone: str
    client_off: bool = False


def _short_day(moment: datetime | None, company: dict) -> str:
    """"Nov 3" in the company's time zone."""
    if moment is None:
        return ""
    local = as_utc(moment).astimezone(zone_of(company))
    return f"{local:%b} {local.day}"


def _subject(db: Database, actor: Actor, kind: str, subject_id: str) -> _Subject:
    if kind not in SUBJECTS:
        raise ValidationError("Texting can be shown for a job, a client or a technician.")
    subject_id = str(subject_id or "")[:64]
    if kind == "technician":
        tech = TechnicianRepository(db, actor.company_id).get(subject_id, "technician")
        return _Subject("technician", tech.get("phone") or "")
    if kind == "job":
        job = JobRepository(db, actor.company_id).get(subject_id, "job")
        phone, client_id = (job.get("client") or {}).get("phone") or "", job.get("client_id")
        client = (ClientRepository(db, actor.company_id).find_one({"_id": client_id})
                  if client_id else None)
    else:
        client = ClientRepository(db, actor.company_id).get(subject_id, "client")
        phone = client.get("phone") or ""
    return _Subject("client", phone, client_off=bool((client or {}).get("no_sms")))


def _number(subject: _Subject) -> str:
    if not subject.phone:
        raise ValidationError("There is no phone number to text. Add one first.")
    try:
        return normalize_phone(subject.phone)
    except ValidationError as exc:
        raise ValidationError("The phone number on file is not one we can text. Correct it "
                              "first.") from exc


def _company(db: Database, actor: Actor) -> dict:
    return CompanyRepository(db).by_id(actor.company_id)


def texting_status(db: Database, *, actor: Actor, kind: str, subject_id: str,
                   now: datetime | None = None) -> TextingStatus:
    """The texting status of a job's client, a client or a technician (office staff)."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    subject = _subject(db, actor, kind, subject_id)
    if not subject.phone:
        return TextingStatus(NO_PHONE, "No phone to text", "Add a mobile number to send texts.",
                             "", False, False)
    phone = _number(subject)
    shown, company = display_phone(phone), _company(db, actor)
    consent = consent_for(db, actor.company_id, phone) or {}
    status = consent.get("status")
    if status == OPTED_OUT:
        day = _short_day(consent.get("opted_out_at"), company)
        how = ("The office stopped texts to this number" if
               consent.get("opted_out_method") == STAFF_RECORDED else
               "This number asked us to stop texting")
        return TextingStatus(STOPPED, f"Stopped on {day}", f"{how}. It gets texts again only if "
                             "it texts START to your number.", shown, False, False)
    if subject.client_off:
        return TextingStatus(CLIENT_OFF, "Texts off for this client", "The client's record "
                             "says no texts, so no automatic texts are sent.", shown, False, True)
    if status == OPTED_IN:
        method = METHOD_WORDS.get(consent.get("opted_in_method", ""), "agreed to texts")
        day = _short_day(consent.get("opted_in_at"), company)
        return TextingStatus(ON, "Texts: on", f"{shown} {method} on {day}.", shown, False, True)
    if status == PENDING:
        return TextingStatus(WAITING, "Waiting for their YES", f"{shown} asked for texts on the "
                             "web form and has not replied YES yet. If they agree on a call, "
                             "record it.", shown, True, True)
    return TextingStatus(NOT_AGREED, "Not agreed yet", f"{shown} gets no texts until they agree. "
                         "Ask them, then record their consent.", shown, True, True)


def _audit(db: Database, actor: Actor, action: str, phone: str, after: dict) -> None:
    audit.record(db, actor=actor, action=action, target_type="phone",
                 target_id=phone_pseudonym(phone), after=after)


def record_consent(db: Database, *, actor: Actor, kind: str, subject_id: str,
                   now: datetime | None = None) -> SmsOutcome | None:
    """Record that the person agreed to texts when staff asked them, and welcome them once.

    A client agrees on the call (``phone_call``); a technician when the
    office adds them (``in_person``, company admin only, as for the
    technician form).

    Returns:
        The first message's outcome, or None when the number was already
        opted in (nothing new is sent).

    Raises:
        ValidationError: no number, or the number said STOP (it texts START itself).
        PermissionDenied: not office staff, or a technician by a non-admin.
    """
    roles = (COMPANY_ADMIN,) if kind == "technician" else (COMPANY_ADMIN, USER)
    actor = require_company_actor(actor, *roles)
    require_writable(db, actor=actor)
    now = now or utcnow()
    subject = _subject(db, actor, kind, subject_id)
    phone = _number(subject)
    before = consent_for(db, actor.company_id, phone) or {}
    if before.get("status") == OPTED_OUT:
        raise ValidationError(f"{display_phone(phone)} asked us to stop texting. To get texts "
                              "again they text START to your number themselves.")
    if before.get("status") == OPTED_IN:
        return None
    via = IN_PERSON if subject.kind == "technician" else PHONE_CALL
    consents = SmsConsentRepository(db, actor.company_id)
    _, changed = consents.opt_in(phone, method=STAFF_RECORDED, now=now,
                                 text_version=STAFF_SCRIPT_VERSION,
                                 recorded_by=str(actor.user_id), via=via)
    opted_in_again(db, company_id=actor.company_id, phone=phone)
    if not changed:
        return None
    _audit(db, actor, "sms.consent_recorded", phone,
           {"method": STAFF_RECORDED, "via": via, "text_version": STAFF_SCRIPT_VERSION})
    consents.mark_introduced(phone, now)
    company = _company(db, actor)
    text = render(COMPLIANCE_TEXTS[WELCOME_KINDS[subject.kind]], {"company": company["name"]})
    return enqueue_sms(db, company=company, to=phone, kind="opt_in_confirmation", text=text,
                       idempotency_key=f"sms-staff-consent:{actor.company_id}:"
                                       f"{phone_pseudonym(phone)}:{now.isoformat()}",
                       urgent=True, compliance_reply=True, now=now)


def stop_texting(db: Database, *, actor: Actor, kind: str, subject_id: str,
                 now: datetime | None = None) -> bool:
    """The office stops all texts to the number (the person asked them to).

    Returns:
        Whether it was texted before (False: it had already stopped).
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    now = now or utcnow()
    phone = _number(_subject(db, actor, kind, subject_id))
    changed = opt_out_number(db, company_id=actor.company_id, phone=phone, now=now,
                             method=STAFF_RECORDED)
    if not changed:
        return False
    _audit(db, actor, "sms.opted_out", phone, {"method": STAFF_RECORDED})
    company = _company(db, actor)
    enqueue_sms(db, company=company, to=phone, kind="opt_out_confirmation",
                text=render(COMPLIANCE_TEXTS["opt_out_confirmation"],
                            {"company": company["name"]}),
                idempotency_key=f"sms-staff-stop:{actor.company_id}:{phone_pseudonym(phone)}:"
                                f"{now.isoformat()}", urgent=True, compliance_reply=True, now=now)
    return True
