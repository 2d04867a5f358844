"""Resend webhook events: delivery status, and bounce/complaint marks on the address.

A hard bounce or a spam complaint puts the address's keyed hash on the suppression list,
so the dispatcher stops mailing it; a soft (transient) bounce only updates
the message's delivery status.
"""

from __future__ import annotations

import re
from datetime import datetime

from pymongo.database import Database

from iprodash.repositories.base import utcnow
from iprodash.repositories.email_suppressions import EmailSuppressionRepository
from iprodash.repositories.outbox import OutboxRepository
from iprodash.repositories.webhook_events import WebhookEventRepository
from iprodash.services.pseudonyms import email_pseudonym

_STATUSES = {"email.sent": "sent", "email.delivered": "delivered",
             "email.delivery_delayed": "delayed", "email.bounced": "bounced",
             "email.complained": "complained", "email.failed": "failed"}


def handle_resend_event(db: Database, event: dict, *, event_id: str,
                        now: datetime | None = None) -> str:
    """Apply one verified Resend event (``event_id`` is the ``svix-id``) once."""
    now = now or utcnow()
    if not WebhookEventRepository(db).claim("resend", event_id, now):
        return "duplicate"
    kind = str(event.get("type") or "")
    data = event.get("data") or {}
    status = _STATUSES.get(kind)
    if status is None:
        return "ignored"
    detail = ""
    if kind == "email.bounced":
        bounce = data.get("bounce") or {}
        detail = str(bounce.get("message") or bounce.get("subType") or "")
    OutboxRepository(db).set_delivery_status(str(data.get("email_id") or ""), status, detail,
                                             now)
    hard_bounce = kind == "email.bounced" and (data.get("bounce") or {}).get("type") != "Transient"
    if hard_bounce or kind == "email.complained":
        reason = "bounced" if kind == "email.bounced" else "marked our email as spam"
        for address in data.get("to") or []:
            # The list holds the address's keyed hash; the bounce text may quote the address.
            kept = re.sub(re.escape(str(address)), "[address]", detail or kind,
                          flags=re.IGNORECASE)
            EmailSuppressionRepository(db).mark(email_pseudonym(str(address)), reason=reason,
                                                detail=kept, at=now)
    return status
