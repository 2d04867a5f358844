"""Two-way texting: conversations per phone number, threads and staff replies.

The Messages page lists conversations (one summary document per number, see
:mod:`iprodash.repositories.conversations`): the last message, its time and
how many received texts nobody has read. A thread merges what a number sent
us (``sms_inbound``) with what we sent it (the outbox), oldest first; opening
it moves the company's read marker of that thread. A reply goes through the
outbox like every other text, so consent and STOP apply: a number that opted
out cannot be texted, and the thread says why instead of offering a send
button.

Live refresh: pages ask :func:`inbound_since` (one indexed range read of the
thread's newest texts) and :func:`unread_conversations` (one counter
document) every few seconds while they are open.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from pymongo.database import Database

from iprodash.domain.errors import NotFound, ValidationError
from iprodash.domain.messages import MESSAGE_STATUS_LABELS
from iprodash.domain.phones import display_phone, normalize_phone
from iprodash.domain.words import label
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.conversations import ConversationRepository
from iprodash.repositories.event_cache import recent_result
from iprodash.repositories.jobs import JobRepository
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
    last_inbound_id: str = ""


def thread_key(phone: str) -> str:
    """The thread's address part: the E.164 digits without "+"."""
    return phone.lstrip("+")


def _phone(raw: str) -> str:
    """A thread key ("12125550123") or a typed number, as E.164."""
    raw = (raw or "").strip()
    return normalize_phone("+" + raw if raw.isdigit() else raw)


def _cursor(after: str) -> tuple[datetime, object] | None:
    """``"<last_at iso>|<id>"`` from the previous page, or None for the first page."""
    if not after:
        return None
    at, _, oid = after.partition("|")
    try:
        return datetime.fromisoformat(at), to_object_id(oid, "conversation")
    except ValueError as exc:
        raise NotFound("That page of conversations does not exist.") from exc


def list_conversations(db: Database, *, actor: Actor,
                       after: str = "") -> tuple[list[dict], bool]:
    """The company's conversations, the latest message first (one row per number).

    Args:
        after: the ``cursor`` of the previous page's last row ("" for the first page).

    Returns:
        ``(rows, has_next)``; a row has ``thread``, ``who``, ``last_text``, ``last_at``,
        ``from_us``, ``unread`` and the ``cursor`` to page on.
    """
    actor = require_company_actor(actor)
    fmt = company_time(db, actor.company_id)
    docs = ConversationRepository(db, actor.company_id).page(after=_cursor(after),
                                                            limit=PAGE_SIZE + 1)
    names = ClientRepository(db, actor.company_id).names_by_id(
        [d["client_id"] for d in docs if d.get("client_id")])
    rows = [{"thread": thread_key(d["phone"]), "phone": display_phone(d["phone"]),
             "who": names.get(d.get("client_id"), ""), "last_text": d.get("last_text", ""),
             "from_us": d.get("last_direction") == "out", "last_at": fmt(d["last_at"]),
             "unread": int(d.get("unread") or 0),
             "cursor": f"{d['last_at'].isoformat()}|{d['_id']}"} for d in docs[:PAGE_SIZE]]
    return rows, len(docs) > PAGE_SIZE


def unread_conversations(db: Database, *, actor: Actor, max_age_s: float = 0.0) -> int:
    """How many conversations have texts nobody has read (the navigation badge).

    Args:
        max_age_s: A count this worker read for the company less than this many
            seconds ago will do (every open tab's badge polls it).
    """
    actor = require_company_actor(actor)
    repo = ConversationRepository(db, actor.company_id)
    return recent_result(actor.company_id, "unread_conversations", max_age_s,
                         ("conversations", "counters"), repo.unread_count)


def conversations_changed_since(db: Database, *, actor: Actor, since: str) -> str:
    """The newest conversation change after ``since`` (ISO time; "" when none).

    The Messages page asks this every few seconds and reloads only when it
    answers something.
    """
    actor = require_company_actor(actor)
    try:
        moment = datetime.fromisoformat(since) if since else None
    except ValueError:
        moment = None
    if moment is None:
        return ""
    changed = ConversationRepository(db, actor.company_id).changed_since(moment)
    return changed[0]["last_at"].isoformat() if changed else ""


def inbound_since(db: Database, *, actor: Actor, phone: str, after_id: str) -> list[str]:
    """Ids of texts ``phone`` sent after ``after_id`` ("": the newest one), newest first.

    One read of the index range past ``after_id`` of that number: cheap enough
    to ask every few seconds while a thread is on screen.
    """
    actor = require_company_actor(actor)
    after = to_object_id(after_id, "message") if after_id else None
    docs = SmsInboundRepository(db, actor.company_id).newer_than(
        after, phone=_phone(phone), limit=1 if after is None else 20)
    return [str(d["_id"]) for d in docs]


def mark_thread_read(db: Database, *, actor: Actor, phone: str) -> bool:
    """Move this company's read marker of the thread to now; True when it had unread texts."""
    actor = require_company_actor(actor)
    phone = _phone(phone)
    newest = SmsInboundRepository(db, actor.company_id).from_phone(phone, 1)
    conversation = ConversationRepository(db, actor.company_id).by_phone(phone)
    return _mark_read(db, actor, phone, newest=newest[0] if newest else None,
                      conversation=conversation)


def _mark_read(db: Database, actor: Actor, phone: str, *, newest: dict | None,
               conversation: dict | None) -> bool:
    """Mark the thread read, writing nothing when nothing is unread.

    ``newest`` is the number's newest received text: marking sets every unread
    text of the number at once, so when the newest is read all are. A thread
    opened with nothing unread (most job pages) thus costs no write.
    """
    if ((newest is None or newest.get("read_at") is not None)
            and not (conversation or {}).get("unread")):
        return False
    now = utcnow()
    SmsInboundRepository(db, actor.company_id).mark_read(phone, now)
    return ConversationRepository(db, actor.company_id).mark_read(
        phone, at=now, by=actor.user_id)


def client_thread(db: Database, *, actor: Actor, phone: str) -> Thread:
    """The conversation with ``phone`` (digits or E.164) for office staff.

    Raises:
        ValidationError: not a phone number.
    """
    actor = require_company_actor(actor)
    phone = _phone(phone)
    inbound = SmsInboundRepository(db, actor.company_id)
    received_docs = inbound.from_phone(phone, THREAD_LENGTH)
    client = client_for_phone(db, actor.company_id, phone)
    conversation = ConversationRepository(db, actor.company_id).by_phone(phone)
    known = received_docs or client or conversation
    if not known:
        # A number this company never texted with nor has as a client: nothing to
        # show, and another company's thread address reveals nothing.
        raise NotFound("There is no conversation with that number.")
    company = CompanyRepository(db).by_id(actor.company_id)
    fmt = company_time(db, actor.company_id)
    received = [{"at": d["received_at"], "direction": "in", "text": d["text"], "status": ""}
                for d in received_docs]
    sent = [{"at": d["created_at"], "direction": "out", "text": d.get("text", ""),
             "status": label(MESSAGE_STATUS_LABELS, d["status"]).lower()}
            for d in CompanyOutbox(db, actor.company_id).texts_to(phone, THREAD_LENGTH)]
    merged = sorted(received + sent, key=lambda m: m["at"])[-THREAD_LENGTH:]
    _mark_read(db, actor, phone, newest=received_docs[0] if received_docs else None,
               conversation=conversation)
    return Thread(phone=phone, display=display_phone(phone),
                  client_name=(client or {}).get("name", ""),
                  client_id=str(client["_id"]) if client else "",
                  blocked_reason=block_reason(db, company=company, phone=phone),
                  messages=[{**m, "at": fmt(m["at"])} for m in merged],
                  last_inbound_id=str(received_docs[0]["_id"]) if received_docs else "")


def client_thread_key(db: Database, *, actor: Actor, client_id: str) -> str:
    """The thread address of a client (for a "Texts" link on the client or job page)."""
    actor = require_company_actor(actor)
    client = ClientRepository(db, actor.company_id).get(client_id, "client")
    if not client.get("phone"):
        raise ValidationError("This client has no phone number.")
    return thread_key(client["phone"])


def job_thread_key(db: Database, *, actor: Actor, job_id: str) -> str:
    """The thread address of a job's client ("" when the job has no phone number)."""
    actor = require_company_actor(actor)
    job = JobRepository(db, actor.company_id).get(job_id, "job")
    phone = (job.get("client") or {}).get("phone") or ""
    return thread_key(phone) if phone else ""


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
    if outcome.queued and not outcome.duplicate:
        ConversationRepository(db, actor.company_id).note_outbound(
            phone=phone, text=body, at=utcnow(), client_id=client["_id"] if client else None)
    # The entry names the client record, or the number's keyed hash: never the number.
    target = ("client", client["_id"]) if client else ("phone", phone_pseudonym(phone))
    reason = outcome.reason.replace(display_phone(phone), "The number")
    audit.record(db, actor=actor, action="sms.reply" if outcome.queued else "sms.reply_refused",
                 target_type=target[0], target_id=target[1], reason=reason.replace(phone, ""))
    return outcome
