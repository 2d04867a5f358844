"""Put a text into the outbox, enforcing the SMS rules of DOMAIN.md.

Every text in the product goes through :func:`enqueue_sms`. It refuses a
number without consent or that replied STOP (the refusal is kept in the
outbox as ``suppressed`` with the reason, so the office sees why), adds the
first-message disclosure, and makes non-urgent texts wait for the
recipient's daytime. The dispatcher checks consent again at sending time.
A sign-in link in a text (technician links) is stored sealed, never readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.domain.messages import MARKETING_KINDS
from iprodash.domain.phones import display_phone, normalize_phone, phone_digits
from iprodash.repositories.base import utcnow
from iprodash.repositories.outbox import CANCELED, QUEUED, SUPPRESSED, OutboxRepository
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.sms_consents import (OPTED_IN, OPTED_OUT, PENDING,
                                                SmsConsentRepository)
from iprodash.services.notifications import app_link
from iprodash.services.quiet_hours import next_sending_time, recipient_timezone
from iprodash.services.sealed_messages import seal_sign_in_links
from iprodash.services.sms_optouts import consent_for
from iprodash.services.sms_templates import with_disclosure
from iprodash.settings import get_settings

OPTIN_PATH = "/sms/optin/{code}"


@dataclass(frozen=True)
class SmsOutcome:
    """What happened to a text the product wanted to send.

    Attributes:
        queued: True when it will be sent (now, or at ``not_before``).
        reason: Why it was not queued, or why it waits; "" otherwise.
        not_before: When a waiting text goes out (None: right away).
        duplicate: The idempotency key was used before; nothing new written.
    """

    queued: bool
    reason: str = ""
    not_before: datetime | None = None
    duplicate: bool = False


def optin_link(db: Database, company: dict) -> str:
    """The public opt-in page of ``company`` (its opt-in code, never its join code)."""
    return app_link(OPTIN_PATH.format(code=CompanyRepository(db).ensure_optin_code(company)))


def block_reason(db: Database, *, company: dict, phone: str) -> str:
    """Why ``phone`` may not get this company's texts; "" when it may.

    The sentence is shown to office staff as it is.
    """
    if any(c.get("no_sms") for c in _clients_with(db, company, phone)):
        return (f"The client with {display_phone(phone)} asked for no texts (set on their "
                "client page).")
    consent = consent_for(db, company["_id"], phone)
    status = (consent or {}).get("status")
    shown = display_phone(phone)
    if status == OPTED_OUT:
        return (f"{shown} replied STOP (or asked us to stop) and is opted out of texts, so no "
                "text was sent. They get texts again only if they text START.")
    if status == PENDING:
        return (f"{shown} asked for texts on the web form but has not replied YES yet, so no "
                "text was sent.")
    if status != OPTED_IN:
        return (f"{shown} has not agreed to texts yet, so no text was sent. When they agree, "
                "record it on the job page or on the client or technician form.")
    return ""


def _clients_with(db: Database, company: dict, phone: str) -> list[dict]:
    try:
        digits = phone_digits(normalize_phone(phone))
    except ValidationError:
        return []
    return ClientRepository(db, company["_id"]).by_phone_digits(digits, limit=20)


def marketing_refusal(db: Database, *, company: dict, phone: str, kind: str) -> str:
    """Why a marketing text (e.g. a review request) may not go to ``phone``; "" when it may."""
    if kind in MARKETING_KINDS and any(c.get("no_marketing")
                                       for c in _clients_with(db, company, phone)):
        return (f"The client with {display_phone(phone)} asked for no marketing messages, "
                "so no review requests or offers go to them.")
    return ""


def sending_time(now: datetime, company: dict, phone: str) -> datetime:
    """When a non-urgent text to ``phone`` may go out: ``now`` or the next 8:00 there."""
    settings = get_settings()
    zone = recipient_timezone(phone, company.get("timezone"))
    return next_sending_time(now, zone, start_hour=settings.quiet_hours_start,
                             end_hour=settings.quiet_hours_end)


def enqueue_sms(db: Database, *, company: dict, to: str, kind: str, text: str,
                idempotency_key: str, urgent: bool = False, expires_at: datetime | None = None,
                compliance_reply: bool = False, related: dict[str, Any] | None = None,
                now: datetime | None = None) -> SmsOutcome:
    """Write one text to the outbox, or a ``suppressed`` record saying why not.

    Args:
        db: the database.
        company: the sending company's document.
        to: the recipient's number (any format; stored as E.164).
        kind: what the text is, e.g. ``appointment_confirmation``.
        text: the rendered body.
        idempotency_key: unique per real-world event; a repeat writes nothing.
        urgent: send even in quiet hours (e.g. "technician on the way").
        expires_at: drop the text instead of sending it after this time.
        compliance_reply: a STOP/HELP/START answer, allowed to any number once.
        related: ids to show the text with (``job_id``, ``client_id``).
        now: the current time (tests freeze it).

    Returns:
        The :class:`SmsOutcome`.
    """
    now = now or utcnow()
    outbox = OutboxRepository(db)
    existing = outbox.by_key(idempotency_key)
    if existing is not None:
        return SmsOutcome(queued=existing["status"] not in (SUPPRESSED, CANCELED), duplicate=True,
                          reason=existing.get("last_error", ""))
    message: dict[str, Any] = {
        "company_id": company["_id"], "channel": "sms", "kind": kind, "to": to,
        "text": text, "idempotency_key": idempotency_key, "urgent": urgent,
        "expires_at": expires_at, "compliance_reply": compliance_reply, **(related or {}),
    }
    try:
        message["to"] = normalize_phone(to)
    except ValidationError:
        return _suppressed(outbox, message, f"{to or 'The number'} is not a valid phone number.", now)
    if not compliance_reply:
        reason = (block_reason(db, company=company, phone=message["to"])
                  or marketing_refusal(db, company=company, phone=message["to"], kind=kind))
        if reason:
            return _suppressed(outbox, message, reason, now)
        if SmsConsentRepository(db, company["_id"]).mark_introduced(message["to"], now):
            message["text"] = with_disclosure(text, company["name"])
    not_before = now if urgent else sending_time(now, company, message["to"])
    if expires_at is not None and not_before >= expires_at:
        return _suppressed(outbox, message, "Quiet hours last until after the appointment, so "
                           "this text would arrive too late.", now, status=CANCELED)
    message["not_before"] = not_before
    duplicate = not outbox.enqueue(seal_sign_in_links(message), status=QUEUED, now=now)
    waits = not_before > now
    settings = get_settings()
    reason = (f"Waits for the recipient's daytime ({settings.quiet_hours_start}:00-"
              f"{settings.quiet_hours_end}:00)." if waits else "")
    return SmsOutcome(queued=True, duplicate=duplicate, not_before=not_before if waits else None,
                      reason=reason)


def _suppressed(outbox: OutboxRepository, message: dict, reason: str, now: datetime, *,
                status: str = SUPPRESSED) -> SmsOutcome:
    outbox.enqueue({**message, "last_error": reason}, status=status, now=now)
    return SmsOutcome(queued=False, reason=reason)
