""""Send invoice": the job's pay link to the client by email and, with consent, by text.

Both go through the outbox like every other message: the email always when
the client has an address (Resend), the text only when the client's number
agreed to texts (and did not send STOP, and the client record does not say
"no texts"); a text waits for the recipient's daytime like every non-urgent
text. The link is the pay page's signed, expiring token link
(:mod:`iprodash.services.pay_links`), so the same rules hold for it.

What was sent, to whom and when is kept on the job as ``invoice_sends``
(newest last, at most :data:`MAX_SENDS`), which the job page's Invoice card
lists. Sending is refused, with a sentence saying what to do, when the
client has neither an email address nor consent to texts, when nothing is
due, or when the job is canceled or its client erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pymongo.database import Database

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.domain.job_status import CANCELED
from iprodash.domain.money import format_money
from iprodash.domain.phones import display_phone
from iprodash.domain.validation import validate_email
from iprodash.repositories.base import utcnow
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, USER, Actor, require_company_actor
from iprodash.services.invoices import view_of
from iprodash.services.job_messages import NO_SMS, client_wants_texts
from iprodash.services.job_records import company_of, write_job
from iprodash.services.job_views import format_moment
from iprodash.services.jobs import load_job
from iprodash.services.notifications import enqueue_email
from iprodash.services.pay_links import PAY_LINK_DAYS, pay_link
from iprodash.services.plan_access import require_writable
from iprodash.services.sms import block_reason, enqueue_sms

INVOICE_EMAIL, INVOICE_TEXT = "invoice", "invoice_link"
INVOICE_TEXT_TEMPLATE = ("{company}: Invoice #{number} for job #{job_number}, {due} due. "
                         "See it and pay by card: {link}")
MAX_SENDS = 20


@dataclass(frozen=True)
class InvoiceSent:
    """What "Send invoice" did: the address emailed, the number texted, and notes."""

    email: str
    phone: str
    notes: tuple[str, ...]

    @property
    def summary(self) -> str:
        """One sentence for a toast, e.g. "Invoice emailed to a@b.test and texted to ..."."""
        done = [f"emailed to {self.email}"] if self.email else []
        done += [f"texted to {display_phone(self.phone)}"] if self.phone else []
        return "Invoice " + " and ".join(done) + "." + "".join(f" {n}" for n in self.notes)


def _email_of(job: dict) -> str:
    raw = ((job.get("client") or {}).get("email") or "").strip()
    if not raw:
        return ""
    try:
        return validate_email(raw)
    except ValidationError:
        return ""


def _text_refusal(db: Database, company: dict, job: dict) -> str:
    """Why the invoice may not be texted to the client ("" when it may)."""
    phone = (job.get("client") or {}).get("phone") or ""
    if not phone:
        return "The client has no phone number, so no text."
    if not client_wants_texts(db, job):
        return NO_SMS
    return block_reason(db, company=company, phone=phone)


def send_invoice(db: Database, *, actor: Actor, job_id: str,
                 now: datetime | None = None) -> InvoiceSent:
    """Email and (with consent) text the client the job's pay link (office staff).

    Returns:
        What was sent (see :class:`InvoiceSent`).

    Raises:
        ValidationError: no invoice, nothing due, a canceled job or erased
            client, or no way to reach the client (no email and no consent).
        Conflict: the same invoice was sent a moment ago (a double click).
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    now = now or utcnow()
    job = load_job(db, actor, job_id)
    view = view_of(job)
    if view is None:
        raise ValidationError("Save the invoice first, then send it.")
    if job["status"] == CANCELED or job.get("client_erased_at"):
        raise ValidationError("This job is canceled or its client was erased, so the invoice "
                              "cannot be sent.")
    if view.balance_due <= 0:
        raise ValidationError("This invoice is paid in full, so there is nothing to send.")
    company = company_of(db, actor)
    email, refusal = _email_of(job), _text_refusal(db, company, job)
    if not email and refusal:
        raise ValidationError(
            "The client has no email address and has not agreed to texts, so the invoice "
            "cannot be sent. Add their email to the job, or record their consent to texts. "
            f"({refusal})")
    link = pay_link(db, actor=actor, job_id=str(job["_id"]))
    values = {"company": company.get("name", ""), "number": str(view.number),
              "due": format_money(view.balance_due), "link": link,
              "job_number": str(job.get("number", ""))}
    related = {"job_id": job["_id"], "client_id": job.get("client_id")}
    key = f"invoice:{job['_id']}:{view.number}:{view.balance_due}:{int(now.timestamp()) // 60}"
    sent_email = email if email and enqueue_email(
        db, company_id=actor.company_id, to=email, kind=INVOICE_EMAIL,
        idempotency_key=f"{key}:email", related=related, days=str(PAY_LINK_DAYS),
        name=(job.get("client") or {}).get("name") or "there", **values) else ""
    phone, notes = "", []
    if not refusal:
        outcome = enqueue_sms(db, company=company, to=job["client"]["phone"],
                              kind=INVOICE_TEXT, text=INVOICE_TEXT_TEMPLATE.format(**values),
                              idempotency_key=f"{key}:text", related=related, now=now)
        phone = job["client"]["phone"] if outcome.queued and not outcome.duplicate else ""
        if outcome.reason:
            notes.append(outcome.reason)
    elif email:
        notes.append(f"Not texted: {refusal}")
    if not email:
        notes.append("No email address on the job, so no email.")
    if not sent_email and not phone:
        raise Conflict("This invoice was sent a moment ago.")
    record = {"at": now, "by_name": actor.name, "email": sent_email, "phone": phone,
              "note": " ".join(notes), "number": view.number, "due_cents": view.balance_due}
    write_job(db, actor=actor, job=job,
              fields={"invoice_sends": [*(job.get("invoice_sends") or []), record][-MAX_SENDS:]})
    audit.record(db, actor=actor, action="job.invoice_sent", target_type="job",
                 target_id=job["_id"], after={"number": view.number, "email": sent_email,
                                              "texted": bool(phone),
                                              "due_cents": view.balance_due})
    return InvoiceSent(email=sent_email, phone=phone, notes=tuple(notes))


def sends_text(job: dict, zone: ZoneInfo) -> list[str]:
    """The job's invoice sends as sentences, newest first, times in the company's ``zone``."""
    lines = []
    for send in reversed(job.get("invoice_sends") or []):
        ways = ([f"emailed to {send['email']}"] if send.get("email") else []) \
            + ([f"texted to {display_phone(send['phone'])}"] if send.get("phone") else [])
        text = (f"{format_moment(send['at'], zone)}: invoice #{send['number']} "
                f"({format_money(int(send['due_cents']))} due) {' and '.join(ways)} "
                f"by {send.get('by_name') or 'the office'}.")
        lines.append(text + (f" {send['note']}" if send.get("note") else ""))
    return lines
