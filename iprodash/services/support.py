"""Support tickets: a company member opens one, the operator answers and closes it.

Both sides are emailed at each step (the operator at ``IPRODASH_SUPPORT_EMAIL``)
and the whole thread stays on the ticket. A company-admin sees every ticket
of the company, an office user only their own. One optional attachment
(PDF, image or text, at most 5 MB) is stored in GridFS and downloaded
through an access-checked route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.errors import Conflict, NotFound, ValidationError
from iprodash.domain.validation import required_text
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.support_tickets import (ANSWERED, CLOSED, OPEN, SupportDesk,
                                                   SupportFiles, SupportTicketRepository)
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, OPERATOR, Actor, require_company_actor, \
    require_role
from iprodash.services.notifications import app_link, enqueue_email
from iprodash.settings import get_settings

PAGE_SIZE = 25
MAX_MESSAGE = 5000
MAX_ATTACHMENT = 5 * 1024 * 1024
ALLOWED_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
                 ".jpeg": "image/jpeg", ".txt": "text/plain", ".csv": "text/csv"}
STAFF_PAGE, DESK_PAGE = "/support", "/operator/support"


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


@dataclass(frozen=True)
class TicketView:
    id: str
    number: str
    subject: str
    status: str
    company: str
    opened_by: str
    opened: str
    attachment_name: str
    messages: list[dict] = field(default_factory=list)


def ticket_number(ticket_id: ObjectId) -> str:
    return str(ticket_id)[-6:].upper()


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _view(ticket: dict, company_name: str = "") -> TicketView:
    return TicketView(
        id=str(ticket["_id"]), number=ticket_number(ticket["_id"]), subject=ticket["subject"],
        status=ticket["status"], company=company_name or ticket.get("company_name", ""),
        opened_by=ticket.get("opener_name", ""), opened=_when(ticket.get("created_at")),
        attachment_name=(ticket.get("attachment") or {}).get("filename", ""),
        messages=[{"author": m["author_name"], "side": m["side"], "text": m["text"],
                   "at": _when(m["at"])} for m in ticket.get("messages") or []])


def _check_attachment(attachment: Attachment | None) -> tuple[str, str] | None:
    if attachment is None:
        return None
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", attachment.filename or "")[-100:].strip() or "file"
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError("Attach a PDF, PNG, JPG, TXT or CSV file.", field="attachment")
    if len(attachment.data) > MAX_ATTACHMENT:
        raise ValidationError("Attachments can be at most 5 MB.", field="attachment")
    return name, ALLOWED_TYPES[extension]


def _email(db: Database, ticket: dict, kind: str, to: str, key: str, link: str,
           message: str, name: str = "") -> None:
    enqueue_email(db, company_id=ticket["company_id"], to=to, kind=kind,
                  idempotency_key=f"support:{ticket['_id']}:{key}",
                  number=ticket_number(ticket["_id"]), subject=ticket["subject"],
                  company=ticket.get("company_name", ""), name=name or ticket["opener_name"],
                  email=ticket["opener_email"], message=message, link=app_link(link))


def open_ticket(db: Database, *, actor: Actor, subject: str, message: str,
                attachment: Attachment | None = None) -> str:
    """Open a ticket for the caller's company; returns its id.

    Raises:
        ValidationError: empty or too long text, or an unacceptable attachment.
    """
    actor = require_company_actor(actor)
    subject = required_text(subject, "Subject", max_len=120, field="subject")
    message = required_text(message, "Message", max_len=MAX_MESSAGE, field="message")
    file_info = _check_attachment(attachment)
    now = utcnow()
    company = CompanyRepository(db).by_id(actor.company_id)
    stored = None
    if file_info:
        file_id = SupportFiles(db).save(data=attachment.data, content_type=file_info[1],
                                        company_id=actor.company_id)
        stored = {"file_id": file_id, "filename": file_info[0], "content_type": file_info[1],
                  "size": len(attachment.data)}
    tickets = SupportTicketRepository(db, actor.company_id)
    ticket_id = tickets.insert({
        "subject": subject, "status": OPEN, "opened_by": actor.user_id,
        "opener_name": actor.name, "opener_email": actor.email, "company_name": company["name"],
        "attachment": stored, "created_at": now, "updated_at": now,
        "messages": [{"side": "company", "author_name": actor.name, "text": message, "at": now}],
    })
    ticket = tickets.get(ticket_id, "ticket")
    audit.record(db, actor=actor, action="support.ticket_opened", target_type="support_ticket",
                 target_id=ticket_id, after={"subject": subject})
    _email(db, ticket, "support_ticket_opened", get_settings().support_email, "opened",
           DESK_PAGE, message)
    _email(db, ticket, "support_ticket_received", actor.email, "received", STAFF_PAGE, message)
    return str(ticket_id)


def _company_ticket(db: Database, actor: Actor, ticket_id: str) -> dict:
    ticket = SupportTicketRepository(db, actor.company_id).get(ticket_id, "ticket")
    if actor.role != COMPANY_ADMIN and ticket["opened_by"] != actor.user_id:
        raise NotFound("That ticket does not exist.")
    return ticket


def list_my_tickets(db: Database, *, actor: Actor, before_id: str = "") -> list[TicketView]:
    """Company side: all the company's tickets for an admin, one's own for a user."""
    actor = require_company_actor(actor)
    mine = None if actor.role == COMPANY_ADMIN else actor.user_id
    rows = SupportTicketRepository(db, actor.company_id).page(
        opened_by=mine, before_id=before_id or None, limit=PAGE_SIZE)
    return [_view(row) for row in rows]


def company_ticket(db: Database, *, actor: Actor, ticket_id: str) -> TicketView:
    actor = require_company_actor(actor)
    return _view(_company_ticket(db, actor, ticket_id))


def add_company_reply(db: Database, *, actor: Actor, ticket_id: str, text: str) -> TicketView:
    """The company side writes again; the ticket is open for the operator."""
    actor = require_company_actor(actor)
    text = required_text(text, "Message", max_len=MAX_MESSAGE, field="message")
    ticket = _company_ticket(db, actor, ticket_id)
    now = utcnow()
    updated = SupportTicketRepository(db, actor.company_id).add_message(
        ticket["_id"], {"side": "company", "author_name": actor.name, "text": text, "at": now},
        status=OPEN, now=now)
    if updated is None:
        raise Conflict("This ticket is closed. Open a new one.")
    _email(db, updated, "support_ticket_user_reply", get_settings().support_email,
           f"reply:{len(updated['messages'])}", DESK_PAGE, text, name=actor.name)
    return _view(updated)


def list_desk_tickets(db: Database, *, actor: Actor, status: str = "",
                      before_id: str = "") -> list[TicketView]:
    """Operator side: every company's tickets, newest first."""
    require_role(actor, OPERATOR)
    rows = SupportDesk(db).page(status=status if status in (OPEN, ANSWERED, CLOSED) else None,
                                before_id=before_id or None, limit=PAGE_SIZE)
    return [_view(row) for row in rows]


def desk_ticket(db: Database, *, actor: Actor, ticket_id: str) -> TicketView:
    require_role(actor, OPERATOR)
    ticket = SupportDesk(db).get(ticket_id)
    if ticket is None:
        raise NotFound("That ticket does not exist.")
    return _view(ticket)


def answer_ticket(db: Database, *, actor: Actor, ticket_id: str, text: str,
                  close: bool = False) -> TicketView:
    """The operator answers (and may close); the opener is emailed."""
    require_role(actor, OPERATOR)
    text = (text or "").strip()
    if not text and not close:
        raise ValidationError("Write an answer first.", field="message")
    if len(text) > MAX_MESSAGE:
        raise ValidationError(f"Keep an answer under {MAX_MESSAGE} characters.", field="message")
    now = utcnow()
    update: dict = {"$set": {"status": CLOSED if close else ANSWERED, "updated_at": now}}
    if close:
        update["$set"]["closed_at"] = now
    if text:
        update["$push"] = {"messages": {"side": "operator", "author_name": "iProDash support",
                                        "text": text, "at": now}}
    ticket = SupportDesk(db).update(to_object_id(ticket_id, "ticket"), update)
    if ticket is None:
        raise Conflict("This ticket is already closed.")
    audit.record(db, actor=actor, action="support.ticket_closed" if close else
                 "support.ticket_answered", target_type="support_ticket",
                 target_id=ticket["_id"], company_id=ticket["company_id"])
    step = len(ticket["messages"])
    if text:
        _email(db, ticket, "support_ticket_answered", ticket["opener_email"], f"answer:{step}",
               STAFF_PAGE, text)
    if close:
        _email(db, ticket, "support_ticket_closed", ticket["opener_email"], "closed",
               STAFF_PAGE, "")
    return _view(ticket)


def open_attachment(db: Database, *, actor: Actor, ticket_id: str) -> tuple[dict, object]:
    """The ticket's attachment (metadata, GridFS stream) for its company or the operator.

    Raises:
        NotFound: no such ticket for the caller, or no attachment.
    """
    if actor is not None and actor.role == OPERATOR:
        ticket = SupportDesk(db).get(ticket_id)
    else:
        actor = require_company_actor(actor)
        ticket = _company_ticket(db, actor, ticket_id)
    if not ticket or not ticket.get("attachment"):
        raise NotFound("This ticket has no attachment.")
    return ticket["attachment"], SupportFiles(db).open(ticket["attachment"]["file_id"])
