"""Two-way texting: received texts as threads per phone number, and staff replies.

A thread merges what a number sent us (``sms_inbound``) with what we sent it
(the outbox), oldest first. A reply goes through the outbox like every
other text, so consent and STOP apply: a number that opted out cannot be
texted, and the thread says why instead of offering a send button.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.domain.messages import MESSAGE_STATUS_LABELS
from iprodash.domain.phones import display_phone, normalize_phone
from iprodash.domain.words import label
from iprodash.repositories.base import utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.outbox import CompanyOutbox
from iprodash.repositories.sms_inbound import SmsInboundRepository
from iprodash.services import audit
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.inbound_sms import client_for_phone
from iprodash.services.outbox_admin import company_time
from iprodash.services.plan_access import require_writable
from iprodash.services.pseudonyms import phone_pseudonym
from iprodash.services.sms import SmsOutcome, block_reason, enqueue_sms

THREAD_LENGTH = 50
PAGE_SIZE = 25
MAX_REPLY = 640


@dataclass(frozen=True)
class Thread:
    """One number's conversation, ready for the page."""

    phone: str
    display: str
    client_name: str
    client_id: str
    blocked_reason: str
    messages: list[dict] = field(default_factory=list)


def thread_key(phone: str) -> str:
    """The thread's address part: the E.164 digits without "+"."""
    return phone.lstrip("+")


def _phone(raw: str) -> str:
    """A thread key ("12125550123") or a typed number, as E.164."""
    raw = (raw or "").strip()
    return normalize_phone("+" + raw if raw.isdigit() else raw)


def recent_inbound(db: Database, *, actor: Actor, before_id: str = "") -> list[dict]:
    """The company's newest received texts (one row per text), for the inbox."""
    actor = require_company_actor(actor)
    fmt = company_time(db, actor.company_id)
    docs = SmsInboundRepository(db, actor.company_id).latest(before_id=before_id or None,
                                                             limit=PAGE_SIZE)
    return [{"id": str(d["_id"]), "thread": thread_key(d["phone"]),
             "from": display_phone(d["phone"]), "text": d["text"][:200],
             "received": fmt(d["received_at"]), "keyword": d.get("keyword") or "",
             "unread": d.get("read_at") is None} for d in docs]


def client_thread(db: Database, *, actor: Actor, phone: str) -> Thread:
    """The conversation with ``phone`` (digits or E.164) for office staff.

    Raises:
        ValidationError: not a phone number.
    """
    actor = require_company_actor(actor)
    phone = _phone(phone)
    company = CompanyRepository(db).by_id(actor.company_id)
    fmt = company_time(db, actor.company_id)
    inbound = SmsInboundRepository(db, actor.company_id)
    received = [{"at": d["received_at"], "direction": "in", "text": d["text"], "status": ""}
                for d in inbound.from_phone(phone, THREAD_LENGTH)]
    sent = [{"at": d["created_at"], "direction": "out", "text": d.get("text", ""),
             "status": label(MESSAGE_STATUS_LABELS, d["status"]).lower()}
            for d in CompanyOutbox(db, actor.company_id).texts_to(phone, THREAD_LENGTH)]
    merged = sorted(received + sent, key=lambda m: m["at"])[-THREAD_LENGTH:]
    inbound.mark_read(phone, utcnow())
    client = client_for_phone(db, actor.company_id, phone)
    return Thread(phone=phone, display=display_phone(phone),
                  client_name=(client or {}).get("name", ""),
                  client_id=str(client["_id"]) if client else "",
                  blocked_reason=block_reason(db, company=company, phone=phone),
                  messages=[{**m, "at": fmt(m["at"])} for m in merged])


def client_thread_key(db: Database, *, actor: Actor, client_id: str) -> str:
    """The thread address of a client (for a "Texts" link on the client or job page)."""
    actor = require_company_actor(actor)
    client = ClientRepository(db, actor.company_id).get(client_id, "client")
    if not client.get("phone"):
        raise ValidationError("This client has no phone number.")
    return thread_key(client["phone"])


def reply(db: Database, *, actor: Actor, phone: str, text: str) -> SmsOutcome:
    """Text ``phone`` from the office through the outbox (sent at once, even at night:
    the office is answering the client).

    Raises:
        ValidationError: empty or too long, or not a phone number.
    """
    actor = require_company_actor(actor)
    require_writable(db, actor=actor)
    body = " ".join((text or "").split())
    if not body:
        raise ValidationError("Write a message first.", field="text")
    if len(body) > MAX_REPLY:
        raise ValidationError(f"Keep a text under {MAX_REPLY} characters.", field="text")
    phone = _phone(phone)
    company = CompanyRepository(db).by_id(actor.company_id)
    client = client_for_phone(db, actor.company_id, phone)
    outcome = enqueue_sms(db, company=company, to=phone, kind="staff_reply", text=body,
                          idempotency_key=f"reply:{uuid.uuid4().hex}", urgent=True,
                          related={"client_id": client["_id"] if client else None,
                                   "sent_by": actor.user_id})
    # The entry names the client record, or the number's keyed hash: never the number.
    target = ("client", client["_id"]) if client else ("phone", phone_pseudonym(phone))
    reason = outcome.reason.replace(display_phone(phone), "The number")
    audit.record(db, actor=actor, action="sms.reply" if outcome.queued else "sms.reply_refused",
                 target_type=target[0], target_id=target[1], reason=reason.replace(phone, ""))
    return outcome
