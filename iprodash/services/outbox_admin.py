"""A company-admin's view of the company's messages: statuses, reasons, retries.

Dead letters show why they died and can be retried; suppressed texts show
the rule that stopped them (no consent, STOP); without provider keys the
local sent box shows exactly what would have been delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from pymongo.database import Database

from iprodash.domain.errors import NotFound
from iprodash.domain.messages import (CHANNEL_LABELS, DELIVERY_LABELS, MESSAGE_KIND_LABELS,
                                      MESSAGE_STATUS_LABELS, MESSAGE_STATUSES)
from iprodash.domain.phones import display_phone
from iprodash.domain.words import label
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.outbox import CompanyOutbox
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.plan_access import require_writable
from iprodash.services.quiet_hours import zone_info

PAGE_SIZE = 25
STATUSES = MESSAGE_STATUSES


@dataclass(frozen=True)
class MessageRow:
    id: str
    created: str
    channel: str
    kind: str
    to: str
    text: str
    status: str
    status_label: str
    reason: str
    attempts: int
    delivery: str
    waits_until: str

    def as_dict(self) -> dict:
        return asdict(self)


def company_time(db: Database, company_id) -> Callable[[datetime | None], str]:
    """A formatter of datetimes in the company's zone ("2025-03-04 09:15")."""
    company = CompanyRepository(db).by_id(company_id) or {}
    zone = zone_info(company.get("timezone"))
    return lambda moment: moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") \
        if isinstance(moment, datetime) else ""


def _row(doc: dict, fmt) -> MessageRow:
    to = doc.get("to", "")
    waits = doc.get("next_attempt_at") if doc.get("status") == "queued" else None
    return MessageRow(
        id=str(doc["_id"]), created=fmt(doc.get("created_at")),
        channel=label(CHANNEL_LABELS, doc.get("channel", "")),
        kind=label(MESSAGE_KIND_LABELS, doc.get("kind", "")), status=doc.get("status", ""),
        status_label=label(MESSAGE_STATUS_LABELS, doc.get("status", "")),
        to=display_phone(to) if doc.get("channel") == "sms" else to,
        text=(doc.get("subject") or doc.get("text") or "")[:300],
        reason=doc.get("last_error", ""), attempts=int(doc.get("attempts", 0)),
        delivery=label(DELIVERY_LABELS, doc.get("delivery_status", "")),
        waits_until=fmt(waits) if waits and waits > utcnow() else "")


def list_company_messages(db: Database, *, actor: Actor, status: str = "",
                          before_id: str = "") -> list[MessageRow]:
    """One page of the company's outbox, newest first."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    fmt = company_time(db, actor.company_id)
    docs = CompanyOutbox(db, actor.company_id).page(
        status=status if status in STATUSES else None, before_id=before_id or None,
        limit=PAGE_SIZE)
    return [_row(doc, fmt) for doc in docs]


def retry_dead_message(db: Database, *, actor: Actor, message_id: str) -> None:
    """Put a dead letter back in the queue with a fresh set of tries.

    Raises:
        NotFound: no dead message with that id in this company.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    message = CompanyOutbox(db, actor.company_id).retry(message_id, utcnow())
    if message is None:
        raise NotFound("That message is not waiting for a retry (it may have been sent).")
    audit.record(db, actor=actor, action="outbox.retried", target_type="message",
                 target_id=message["_id"], before={"last_error": message.get("last_error", "")})


def list_company_sent_box(db: Database, *, actor: Actor, before_id: str = "") -> list[dict]:
    """The company's locally delivered messages (no provider keys), newest first."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    fmt = company_time(db, actor.company_id)
    docs = CompanyOutbox(db, actor.company_id).sent_box_page(before_id=before_id or None,
                                                             limit=PAGE_SIZE)
    return [{"id": str(d["_id"]), "sent": fmt(d.get("sent_at")),
             "channel": label(CHANNEL_LABELS, d["channel"]),
             "to": display_phone(d["to"]) if d["channel"] == "sms" else d["to"],
             "subject": d.get("subject", ""), "text": d.get("text", "")} for d in docs]
