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

Emails to Resend go in batches (one request for up to 100): the due emails
are claimed one by one, recorded as a group with the key
:func:`batch_key` derives from their ids, and sent in one request; a
retry (429, 5xx, network, or a lease that ran out) sends the same group under
the same key, so Resend drops it if the first one got through. An email
with attachments, or one sent on its own before, goes alone under its own
key; so does a lone due email. When Resend rejects a batch (4xx), nothing
was sent and its emails go one by one so only the faulty one fails.

A message whose sign-in link waits sealed (``services/sealed_messages.py``) is
opened here, right before the request, and only that in-memory copy carries
the link; what is stored after sending is the redacted body. One that this
app's key cannot open is dead-lettered with the reason.
"""

from __future__ import annotations

import hashlib
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
from iprodash.integrations.local_mailbox import append_to_mailbox
from iprodash.integrations.rate_limit import SendRateLimiter
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.email_suppressions import EmailSuppressionRepository
from iprodash.repositories.outbox import CANCELED, DEAD, QUEUED, SENT, SUPPRESSED, OutboxRepository
from iprodash.services.email_attachments import attachments_for
from iprodash.services.sealed_messages import SealBroken, unsealed
from iprodash.services.pseudonyms import email_pseudonym
from iprodash.services.sms import block_reason, sending_time
from iprodash.services.sms_optouts import opt_out_number
from iprodash.settings import get_settings

log = logging.getLogger(__name__)
_BACKOFF_BASE_S = 30
_PROCESS_LIMITER = SendRateLimiter()
NO_SENDING_NUMBER = ("No sending number is set. A company admin sets it under Texting "
                     "set-up, then retries this message under Sent messages.")


class _Postpone(Exception):
    def __init__(self, until: datetime):
        super().__init__("Quiet hours at the recipient; waits for daytime.")
        self.until = until


class _Suppress(Exception):
    """The rules forbid sending this message now."""


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s, ... capped at one hour."""
    return min(_BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), 3600)


def batch_key(ids) -> str:
    """The ``Idempotency-Key`` of a batch: the same members give the same key."""
    joined = ",".join(sorted(str(i) for i in ids))
    return "batch:" + hashlib.sha256(joined.encode()).hexdigest()[:48]


def email_sender(company_name: str | None) -> str:
    """The verified sender, shown with the company's name when there is one."""
    name, address = parseaddr(get_settings().email_from)
    if not company_name:
        return get_settings().email_from
    return formataddr((f"{company_name} via {name or 'iProDash'}", address))


class Dispatcher:
    """Claims due messages one by one and settles each (emails to Resend in batches)."""

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
        handled = 0
        while handled < max_messages:
            now = self.clock()
            message = self.outbox.claim_due(self.worker, now + lease, now)
            if message is None:
                break
            if self._batches(message):
                outcomes = self._drain_emails(message, now, now + lease, max_messages - handled)
            else:
                outcomes = [self._settle(message, now)]
            for outcome in outcomes:
                counts[outcome] += 1
            handled += len(outcomes)
        if any(counts.values()):
            log.info("outbox drained: %s", counts)
        return counts

    def _batches(self, message: dict) -> bool:
        """An email for Resend that may go in a batch (its own, or a new one)."""
        return (message["channel"] == "email" and not message.get("attachments")
                and not message.get("send_alone") and email_provider.email_provider() == "resend")

    def _drain_emails(self, first: dict, now: datetime, lease_until: datetime,
                      room: int) -> list[str]:
        """Send ``first`` with the emails that go in the same batch; outcomes of each."""
        if first.get("batch_key"):  # a batch tried before: the same members again
            group = [first, *self.outbox.claim_followers(first["_id"], self.worker, lease_until)]
        else:
            group = [first]
            while len(group) < min(email_provider.BATCH_MAX, room):
                more = self.outbox.claim_due(self.worker, lease_until, now, fresh_email=True)
                if more is None:
                    break
                group.append(more)
        group.sort(key=lambda m: m["_id"])
        outcomes, ready = [], []
        for message in group:
            blocked = self._email_blocked(message, now)
            if blocked:
                outcomes.append(blocked)
                continue
            try:
                ready.append(unsealed(message))
            except SealBroken as exc:
                self.outbox.mark(message["_id"], DEAD, last_error=str(exc))
                outcomes.append("dead")
        if len(ready) == 1:
            outcomes.append(self._settle(ready[0], now))
        elif ready:
            outcomes += self._send_batch(ready, now)
        return outcomes

    def _email_blocked(self, message: dict, now: datetime) -> str | None:
        """Settle an email that must not go now; its outcome, else None."""
        if message.get("expires_at") and now >= message["expires_at"]:
            self.outbox.mark(message["_id"], CANCELED,
                             last_error="Not sent: it would arrive too late.")
            return "canceled"
        reason = self._suppression(message)
        if reason:
            self.outbox.mark(message["_id"], SUPPRESSED, last_error=reason)
            return "suppressed"
        return None

    def _send_batch(self, members: list[dict], now: datetime) -> list[str]:
        """One Resend request for ``members`` (sorted by id); outcomes of each."""
        ids = [m["_id"] for m in members]
        key = batch_key(ids)
        if any(m.get("batch_key") != key or m.get("batch_ids") != ids for m in members):
            self.outbox.record_batch(ids, key)  # before the request: a retry re-forms it
        senders: dict = {}
        emails = [email_provider.BatchEmail(
            to=m["to"], subject=m["subject"], text=m["text"], html=m["html"],
            reply_to=m.get("reply_to", ""), sender=self._sender(m, senders)) for m in members]
        self.limiter.wait([("resend", self.settings.resend_per_second)])
        try:
            results = email_provider.send_batch(emails, idempotency_key=key)
        except TemporaryFailure as exc:
            attempts = max(m["attempts"] for m in members)
            if attempts >= self.settings.outbox_max_attempts:
                self.outbox.mark_many(ids, DEAD, last_error=f"Gave up after {attempts} tries "
                                      f"(batch of {len(ids)}): {exc}"[:500])
                return ["dead"] * len(ids)
            retry_at = now + timedelta(seconds=backoff_seconds(attempts))
            self.outbox.mark_many(ids, QUEUED, next_attempt_at=retry_at,
                                  last_error=str(exc)[:500])
            return ["retry"] * len(ids)
        except email_provider.BatchRejected as exc:
            log.info("Resend rejected batch %s (%s); sending its %d emails one by one",
                     key, exc, len(ids))
            self.outbox.record_alone(ids)
            return [self._settle(_alone(m), now) for m in members]
        except PermanentFailure as exc:
            self.outbox.mark_many(ids, DEAD, last_error=str(exc)[:500])
            return ["dead"] * len(ids)
        self.outbox.mark_batch_sent(ids, "resend", [r.provider_id for r in results], now)
        return ["sent"] * len(ids)

    def _sender(self, message: dict, cache: dict) -> str:
        company_id = message.get("company_id")
        if company_id not in cache:
            company = self._company(message)
            cache[company_id] = email_sender(company["name"] if company else None)
        return cache[company_id]

    def _suppression(self, message: dict) -> str:
        if not message.get("to"):
            return ""
        suppressed = EmailSuppressionRepository(self.db).get(email_pseudonym(message["to"]),
                                                               message["to"])
        if not suppressed:
            return ""
        return (f"{message['to']} {suppressed['reason']} earlier "
                f"({suppressed.get('detail') or 'reported by the provider'}).")

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
            opt_out_number(self.db, company_id=message["company_id"], phone=message["to"],
                           now=now)
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
        try:
            message = unsealed(message)  # only this copy in memory carries the link
        except SealBroken as exc:
            raise PermanentFailure(str(exc)) from exc
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
            return self._deliver_locally({**message, "from_number": from_number}, now)
        if not from_number:
            raise PermanentFailure(NO_SENDING_NUMBER)
        self.limiter.wait([("telnyx", self.settings.telnyx_account_per_second),
                           (f"telnyx:{from_number}", self.settings.telnyx_number_per_second)])
        return sms_provider.send_sms(
            from_number=from_number, to=message["to"], text=message["text"],
            messaging_profile_id=sms_settings.get("messaging_profile_id", ""),
            idempotency_key=message["idempotency_key"])

    def _deliver_locally(self, message: dict, now: datetime) -> SendResult:
        """No provider key: the sent box (redacted) and, in development, the mailbox file."""
        sent_id = self.outbox.record_sent_locally(message)
        if self.settings.local_mailbox:
            append_to_mailbox(self.settings.local_mailbox, message, now)
        return SendResult(provider="local", provider_id=str(sent_id))

    def _deliver_email(self, message: dict) -> SendResult:
        reason = self._suppression(message)
        if reason:
            raise _Suppress(reason)
        attachments = attachments_for(self.db, message)  # GridFS refs -> bytes, checked
        if email_provider.email_provider() == "local":
            return self._deliver_locally(message, self.clock())
        if not message.get("attachments") and (not message.get("send_alone")
                                               or message.get("batch_key")):
            # Before the request: from now on it goes alone under its own key, so a
            # retry after a lost answer is never sent again inside a batch.
            self.outbox.record_alone([message["_id"]])
        company = self._company(message)
        self.limiter.wait([("resend", self.settings.resend_per_second)])
        return email_provider.send_email(
            to=message["to"], subject=message["subject"], text=message["text"],
            html=message["html"], idempotency_key=message["idempotency_key"],
            sender=email_sender(company["name"] if company else None),
            reply_to=message.get("reply_to", ""), attachments=attachments)


def _alone(message: dict) -> dict:
    """``message`` as :meth:`OutboxRepository.record_alone` left it."""
    rest = {k: v for k, v in message.items()
            if k not in ("batch_key", "batch_ids", "batch_follows")}
    return {**rest, "send_alone": True}


def drain_outbox(db: Database, *, max_messages: int = 200, limiter: SendRateLimiter | None = None,
                 clock: Callable[[], datetime] | None = None) -> dict[str, int]:
    """Send due messages once; returns counts by outcome (``sent``, ``retry``, ``dead`` ...)."""
    return Dispatcher(db, limiter=limiter, clock=clock or utcnow).drain(max_messages)
