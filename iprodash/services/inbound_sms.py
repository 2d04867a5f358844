"""Telnyx webhook events: received texts (keywords and conversation) and delivery status.

The HTTP route verifies the signature first; this module trusts the event it
is given and handles each event id once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.domain.phones import normalize_phone, phone_digits
from iprodash.domain.sms_keywords import classify_keyword, exact_keyword
from iprodash.repositories.base import utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.outbox import OutboxRepository
from iprodash.repositories.sms_inbound import SmsInboundRepository, company_for_sending_number
from iprodash.repositories.webhook_events import WebhookEventRepository
from iprodash.services.sms_consent import handle_keyword

log = logging.getLogger(__name__)
MAX_TEXT = 1600
DELIVERY_EVENTS = ("message.sent", "message.finalized")


def handle_telnyx_event(db: Database, event: dict, *, now: datetime | None = None) -> str:
    """Apply one verified Telnyx event; returns what was done (for the log and tests).

    A repeated event id returns ``"duplicate"`` and changes nothing.
    """
    now = now or utcnow()
    data = event.get("data") if isinstance(event, dict) else None
    if not isinstance(data, dict) or not data.get("id"):
        return "ignored"
    events = WebhookEventRepository(db)
    if not events.claim("telnyx", str(data["id"]), now):
        return "duplicate"
    try:
        payload = data.get("payload") or {}
        if data.get("event_type") == "message.received":
            return _received(db, payload, str(data["id"]), now)
        if data.get("event_type") in DELIVERY_EVENTS:
            return _delivery(db, payload, now)
        return "ignored"
    except Exception:
        events.forget("telnyx", str(data["id"]))  # Telnyx retries; handle it then
        raise


def _number(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else {}
    raw = value.get("phone_number", "") if isinstance(value, dict) else ""
    try:
        return normalize_phone(raw)
    except ValidationError:
        return ""


def client_for_phone(db: Database, company_id, phone: str) -> dict | None:
    """The company's client with this number (stored digits with or without country code)."""
    digits = phone_digits(phone)
    clients = ClientRepository(db, company_id)
    for candidate in dict.fromkeys((digits, digits[-10:])):
        found = clients.by_phone_digits(candidate, limit=1)
        if found:
            return found[0]
    return None


def _received(db: Database, payload: dict, event_id: str, now: datetime) -> str:
    sender, our_number = _number(payload.get("from")), _number(payload.get("to"))
    company = company_for_sending_number(db, our_number) if our_number else None
    if company is None or not sender:
        log.warning("inbound text to unknown number %s ignored", our_number)
        return "unknown_number"
    text = str(payload.get("text") or "")[:MAX_TEXT]
    keyword = classify_keyword(text)
    client = client_for_phone(db, company["_id"], sender)
    SmsInboundRepository(db, company["_id"]).add(
        phone=sender, text=text, received_at=now, event_id=event_id,
        provider_id=str(payload.get("id") or ""), keyword=keyword,
        client_id=client["_id"] if client else None)
    if keyword is None:
        return "stored"
    # "please stop texting me" is honoured like STOP (FCC 2024: any reasonable means).
    method = "keyword" if exact_keyword(text) else "free_text"
    return handle_keyword(db, company=company, phone=sender, keyword=keyword, event_id=event_id,
                          provider_replied=bool(payload.get("autoresponse_type")), now=now,
                          method=method)


def _delivery(db: Database, payload: dict, now: datetime) -> str:
    recipients = payload.get("to") or [{}]
    status = str((recipients[0] or {}).get("status") or "")
    errors = payload.get("errors") or []
    detail = "; ".join(f"{e.get('code', '')} {e.get('title', '')}".strip()
                       for e in errors if isinstance(e, dict))
    updated = OutboxRepository(db).set_delivery_status(str(payload.get("id") or ""), status,
                                                       detail, now)
    return f"delivery:{status}" if updated else "unknown_message"
