"""Send what the outbox holds: rules re-checked, rate-limited, retried, dead-lettered.

One message at a time is claimed atomically, so several dispatchers never
send the same message; a dispatcher that dies mid-send leaves a claim whose
lease runs out and the message is tried again under the same idempotency
key (Telnyx and Resend both drop a repeated key). Temporary failures (429,
5xx, network) retry after 30 s, 60 s, 120 s ... up to one hour, and after
``IPRODASH_OUTBOX_MAX_ATTEMPTS`` tries the message is ``dead`` with the
reason, for a company admin to retry. At sending time a text is checked
again for consent (a STOP may have arrived since it was queued) and for
quiet hours; an email for a bounced or complaining address is suppressed.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from pymongo.database import Database

from iprodash.integrations import email as email_provider
from iprodash.integrations import sms as sms_provider
from iprodash.integrations.delivery import (OptedOut, PermanentFailure, SendResult,
                                            TemporaryFailure)
from iprodash.integrations.rate_limit import SendRateLimiter
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.email_suppressions import EmailSuppressionRepository
from iprodash.repositories.outbox import CANCELED, DEAD, QUEUED, SENT, SUPPRESSED, OutboxRepository
from iprodash.repositories.sms_consents import SmsConsentRepository
from iprodash.services.email_attachments import attachments_for
from iprodash.services.sms import block_reason, sending_time
from iprodash.settings import get_settings

log = logging.getLogger(__name__)
_BACKOFF_BASE_S = 30
_PROCESS_LIMITER = SendRateLimiter()
NO_SENDING_NUMBER = ("No sending number is set. A company admin sets it under Messaging "
                     "settings, then retries this message.")


class _Postpone(Exception):
    def __init__(self, until: datetime):
        super().__init__("Quiet hours at the recipient; waits for daytime.")
        self.until = until


class _Suppress(Exception):
    """The rules forbid sending this message now."""


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s, ... capped at one hour."""
    return min(_BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), 3600)


def email_sender(company_name: str | None) -> str:
    """The verified sender, shown with the company's name when there is one."""
    name, address = parseaddr(get_settings().email_from)
    if not company_name:
        return get_settings().email_from
    return formataddr((f"{company_name} via {name or 'iProDash'}", address))


class Dispatcher:
    """Claims due messages one by one and settles each."""

    def __init__(self, db: Database, *, limiter: SendRateLimiter | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self.db = db
        self.outbox = OutboxRepository(db)
        self.limiter = limiter or _PROCESS_LIMITER
        self.clock = clock
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.settings = get_settings()

    def drain(self, max_messages: int = 200) -> dict[str, int]:
        """Send due messages; returns counts by outcome."""
        self.outbox.release_stale_claims(self.clock())
        counts = {"sent": 0, "retry": 0, "dead": 0, "suppressed": 0, "postponed": 0,
                  "canceled": 0}
        lease = timedelta(minutes=self.settings.outbox_lease_minutes)
        for _ in range(max_messages):
            now = self.clock()
            message = self.outbox.claim_due(self.worker, now + lease, now)
            if message is None:
                break
            counts[self._settle(message, now)] += 1
        if any(counts.values()):
            log.info("outbox drained: %s", counts)
        return counts

    def _settle(self, message: dict, now: datetime) -> str:
        mark = self.outbox.mark
        if message.get("expires_at") and now >= message["expires_at"]:
            mark(message["_id"], CANCELED, last_error="Not sent: it would arrive too late.")
            return "canceled"
        try:
            result = self._deliver(message, now)
        except _Postpone as wait:
            self.outbox.postpone(message["_id"], wait.until, str(wait))
            return "postponed"
        except _Suppress as exc:
            mark(message["_id"], SUPPRESSED, last_error=str(exc))
            return "suppressed"
        except OptedOut as exc:
            SmsConsentRepository(self.db, message["company_id"]).opt_out(
                message["to"], method="carrier_block", now=now)
            mark(message["_id"], SUPPRESSED,
                 last_error=f"The carrier blocks this number because it replied STOP ({exc}).")
            return "suppressed"
        except TemporaryFailure as exc:
            if message["attempts"] >= self.settings.outbox_max_attempts:
                mark(message["_id"], DEAD, last_error=f"Gave up after {message['attempts']} "
                     f"tries: {exc}"[:500])
                return "dead"
            retry_at = now + timedelta(seconds=backoff_seconds(message["attempts"]))
            mark(message["_id"], QUEUED, next_attempt_at=retry_at, last_error=str(exc)[:500])
            return "retry"
        except PermanentFailure as exc:
            mark(message["_id"], DEAD, last_error=str(exc)[:500])
            return "dead"
        mark(message["_id"], SENT, provider=result.provider, provider_id=result.provider_id,
             sent_at=now, last_error="")
        return "sent"

    def _deliver(self, message: dict, now: datetime) -> SendResult:
        if message["channel"] == "sms":
            return self._deliver_sms(message, now)
        if message["channel"] == "email":
            return self._deliver_email(message)
        raise PermanentFailure(f"No sender for channel {message['channel']}.")

    def _company(self, message: dict) -> dict | None:
        return CompanyRepository(self.db).by_id(message["company_id"]) \
            if message.get("company_id") else None

    def _deliver_sms(self, message: dict, now: datetime) -> SendResult:
        company = self._company(message)
        if company is None:
            raise PermanentFailure("The company of this text no longer exists.")
        if not message.get("compliance_reply"):
            reason = block_reason(self.db, company=company, phone=message["to"])
            if reason:
                raise _Suppress(reason)
            if not message.get("urgent"):
                opening = sending_time(now, company, message["to"])
                if opening > now:
                    raise _Postpone(opening)
        sms_settings = company.get("sms") or {}
        from_number = sms_settings.get("sending_number", "")
        if sms_provider.sms_provider() == "local":
            sent_id = self.outbox.record_sent_locally({**message, "from_number": from_number})
            return SendResult(provider="local", provider_id=str(sent_id))
        if not from_number:
            raise PermanentFailure(NO_SENDING_NUMBER)
        self.limiter.wait([("telnyx", self.settings.telnyx_account_per_second),
                           (f"telnyx:{from_number}", self.settings.telnyx_number_per_second)])
        return sms_provider.send_sms(
            from_number=from_number, to=message["to"], text=message["text"],
            messaging_profile_id=sms_settings.get("messaging_profile_id", ""),
            idempotency_key=message["idempotency_key"])

    def _deliver_email(self, message: dict) -> SendResult:
        suppressed = EmailSuppressionRepository(self.db).get(message["to"])
        if suppressed:
            raise _Suppress(f"{message['to']} {suppressed['reason']} earlier "
                            f"({suppressed.get('detail') or 'reported by the provider'}).")
        attachments = attachments_for(self.db, message)  # GridFS refs -> bytes, checked
        if email_provider.email_provider() == "local":
            sent_id = self.outbox.record_sent_locally(message)
            return SendResult(provider="local", provider_id=str(sent_id))
        company = self._company(message)
        self.limiter.wait([("resend", self.settings.resend_per_second)])
        return email_provider.send_email(
            to=message["to"], subject=message["subject"], text=message["text"],
            html=message["html"], idempotency_key=message["idempotency_key"],
            sender=email_sender(company["name"] if company else None),
            reply_to=message.get("reply_to", ""), attachments=attachments)


def drain_outbox(db: Database, *, max_messages: int = 200, limiter: SendRateLimiter | None = None,
                 clock: Callable[[], datetime] | None = None) -> dict[str, int]:
    """Send due messages once; returns counts by outcome (``sent``, ``retry``, ``dead`` ...)."""
    return Dispatcher(db, limiter=limiter, clock=clock or utcnow).drain(max_messages)
