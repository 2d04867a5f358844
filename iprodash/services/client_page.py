"""The client page: contact details and their correction history, texting
consent, every job with its money, and the office's note about the client.

Reads are for office staff (company admin and user); the note is saved like
every other client field, through :func:`update_audited`, so its changes are
in the audit log and in the correction history.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.domain.job_status import CANCELED, CLOSED, status_label
from iprodash.domain.money import format_money
from iprodash.repositories.audit import AuditRepository
from iprodash.repositories.base import to_object_id
from iprodash.repositories.client_jobs import ClientJobRepository
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.sms_consents import OPTED_IN, OPTED_OUT, PENDING
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.audit_changes import describe_changes
from iprodash.services.audited_records import update_audited
from iprodash.services.clients import ClientView, view
from iprodash.services.conversations import thread_key
from iprodash.services.job_views import window_text
from iprodash.services.company_time import company_zone
from iprodash.services.outbox_admin import company_time
from iprodash.services.plan_access import require_writable
from iprodash.services.sms_optouts import consent_for

JOBS_PAGE = 20
HISTORY_LENGTH = 30
MAX_NOTE = 4000
_HOW = {"web_form": "on the web form", "web_form_confirmed": "on the web form",
        "keyword": "by texting START", "sms": "by text",
        "office": "on a call with the office", "phone_call": "on a call with the office"}


@dataclass(frozen=True)
class ClientProfile:
    """What the top of the client page shows."""

    client: ClientView
    note: str
    consent: str
    thread: str


def _consent_text(db: Database, company_id, client: dict) -> str:
    """The number's texting consent in one sentence (the chip comes later)."""
    if client.get("no_sms"):
        return "No texts: the office marked this client as not to be texted."
    if not client.get("phone"):
        return "No phone number, so no texts."
    record = consent_for(db, company_id, client["phone"]) or {}
    fmt = company_time(db, company_id)
    status = record.get("status")
    if status == OPTED_OUT:
        return f"Stopped texts on {fmt(record.get('opted_out_at'))[:10]}: they are not texted."
    if status == OPTED_IN:
        how = _HOW.get(record.get("opted_in_method", ""), "")
        return f"Agreed to texts on {fmt(record.get('opted_in_at'))[:10]} {how}".strip() + "."
    if status == PENDING:
        return "Asked for texts on the web form; not confirmed yet, so not texted yet."
    return "Not agreed to texts yet: they get texts after they agree."


def client_profile(db: Database, *, actor: Actor, client_id: str) -> ClientProfile:
    """The client's details, note, consent status and thread address.

    Raises:
        NotFound: no such client in the caller's company.
    """
    actor = require_company_actor(actor)
    doc = ClientRepository(db, actor.company_id).get(client_id, "client")
    return ClientProfile(client=view(doc), note=doc.get("note", ""),
                         consent=_consent_text(db, actor.company_id, doc),
                         thread=thread_key(doc["phone"]) if doc.get("phone") else "")


def _money(job: dict) -> tuple[str, str]:
    """(price, paid) in words: a closed job's price, what has been paid so far."""
    paid = sum(int(p.get("amount_cents") or 0) for p in job.get("payments") or [])
    price = job.get("closing_price_cents")
    price_text = format_money(price) if job.get("status") == CLOSED and price is not None else ""
    if job.get("status") == CANCELED:
        price_text = "Canceled"
    return price_text, format_money(paid) if paid else ""


def client_jobs(db: Database, *, actor: Actor, client_id: str,
                before_id: str = "") -> tuple[list[dict], bool]:
    """The client's jobs, newest first, with their money; one page.

    Returns:
        ``(rows, has_next)``; a row has ``id``, ``number``, ``status``, ``status_label``,
        ``when``, ``price``, ``paid``.
    """
    actor = require_company_actor(actor)
    client = ClientRepository(db, actor.company_id).get(client_id, "client")
    before = to_object_id(before_id, "job") if before_id else None
    docs = ClientJobRepository(db, actor.company_id).page(client["_id"], before_id=before,
                                                         limit=JOBS_PAGE + 1)
    zone = company_zone(db, actor.company_id)
    rows = []
    for doc in docs[:JOBS_PAGE]:
        price, paid = _money(doc)
        rows.append({"id": str(doc["_id"]), "number": int(doc.get("number") or 0),
                     "status": doc.get("status", ""),
                     "status_label": status_label(doc.get("status", "")),
                     "when": window_text(doc.get("scheduled_start"), doc.get("scheduled_end"),
                                         zone) or "Not scheduled",
                     "price": price, "paid": paid})
    return rows, len(docs) > JOBS_PAGE


def contact_history(db: Database, *, actor: Actor, client_id: str) -> list[dict]:
    """Who added the client and every correction since, newest first (from the audit log)."""
    actor = require_company_actor(actor)
    client = ClientRepository(db, actor.company_id).get(client_id, "client")
    fmt = company_time(db, actor.company_id)
    entries = AuditRepository(db, actor.company_id).page(
        action="client.", actor_id=None, before_seq=None, since=None, limit=HISTORY_LENGTH,
        target_type="client", target_id=str(client["_id"]))
    return [{"when": fmt(e.get("created_at")), "who": e.get("actor_name") or "System",
             "what": "Added" if e["action"] == "client.created" else "Changed",
             "changes": describe_changes(action=e["action"], before=e.get("before"),
                                         after=e.get("after"))}
            for e in entries if e["action"] in ("client.created", "client.updated")]


def save_client_note(db: Database, *, actor: Actor, client_id: str, note: str) -> str:
    """Replace the office's free-text note about the client (audited).

    Raises:
        ValidationError: longer than :data:`MAX_NOTE` characters.
    """
    actor = require_company_actor(actor)
    require_writable(db, actor=actor)
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(f"Keep the note under {MAX_NOTE:,} characters.", field="note")
    repo = ClientRepository(db, actor.company_id)
    before = repo.get(client_id, "client")
    if before.get("note", "") == text:
        return text
    update_audited(db, actor=actor, repo=repo, kind="client", before=before,
                   fields={"note": text})
    return text
