"""Review requests: after a job is closed and paid, ask the client for a review.

The company's setting (``reviews`` on the company document; Settings ->
Texting set-up, company-admin): on or off, the review page's link, and the
channel (:data:`CHANNELS`). When a job closes, :func:`request_after_close`
queues at most one request per client per :data:`ONCE_PER_DAYS` days through
the outbox:

* only when the job is paid: no invoice, or nothing left due on it;
* never to a client who asked for no marketing (or was erased);
* a text only when the client's number agreed to texts (and did not send
  STOP, and the client record does not say "no texts"); it waits for the
  recipient's daytime like every non-urgent text (quiet hours);
* an email when the client has no consent to texts (channel "Text, or email
  without consent") or always (channel "Email"); it too waits for 8:00 in
  the company's zone rather than arrive at night.

The 90 days are claimed on the client record (``review_requested_at``) in
one conditional write, so two closes at once still send one request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlparse

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.domain.validation import validate_email
from iprodash.repositories.base import utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.invoices import view_of
from iprodash.services.job_messages import client_wants_texts, job_values
from iprodash.services.notifications import enqueue_email
from iprodash.services.plan_access import require_writable
from iprodash.services.quiet_hours import next_sending_time
from iprodash.services.sms import block_reason, enqueue_sms
from iprodash.settings import get_settings

REVIEW_REQUEST = "review_request"
ONCE_PER_DAYS = 90
TEXT_OR_EMAIL, TEXT_ONLY, EMAIL_ONLY = "text_or_email", "text", "email"
CHANNELS = {TEXT_OR_EMAIL: "Text, or email when the client has not agreed to texts",
            TEXT_ONLY: "Text only (clients who agreed to texts)",
            EMAIL_ONLY: "Email only"}
TEXT_TEMPLATE = ("{company}: Thank you for choosing us, {first_name}! Would you leave us a "
                 "quick review? {link}")
MAX_LINK = 500


@dataclass(frozen=True)
class ReviewSettings:
    enabled: bool
    link: str
    channel: str


def review_settings(company: dict) -> ReviewSettings:
    saved = company.get("reviews") or {}
    return ReviewSettings(enabled=bool(saved.get("enabled")), link=saved.get("link", ""),
                          channel=saved.get("channel") or TEXT_OR_EMAIL)


def get_review_settings(db: Database, *, actor: Actor) -> ReviewSettings:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    return review_settings(CompanyRepository(db).by_id(actor.company_id) or {})


def parse_review_link(text: str) -> str:
    """An ``https://`` address of the company's review page ("" for none)."""
    link = (text or "").strip()
    if not link:
        return ""
    parsed = urlparse(link)
    if len(link) > MAX_LINK or parsed.scheme != "https" or not parsed.netloc \
            or any(c.isspace() for c in link):
        raise ValidationError("Paste the full address of your review page, starting with "
                              "https://", field="review_link")
    return link


def update_review_settings(db: Database, *, actor: Actor, enabled: bool, link: str,
                           channel: str) -> ReviewSettings:
    """Save the company's review-request setting (company-admin, audited).

    Raises:
        ValidationError: a bad link, no link while turned on, or an unknown channel.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    link = parse_review_link(link)
    if channel not in CHANNELS:
        raise ValidationError("Choose how review requests go out.", field="review_channel")
    if enabled and not link:
        raise ValidationError("Add the link to your review page before turning review "
                              "requests on.", field="review_link")
    companies = CompanyRepository(db)
    before = (companies.by_id(actor.company_id) or {}).get("reviews") or {}
    after = {"enabled": bool(enabled), "link": link, "channel": channel}
    if before != after:
        companies.update(actor.company_id, {"reviews": after})
        audit.record(db, actor=actor, action="company.review_requests_updated",
                     target_type="company", target_id=actor.company_id, before=before or None,
                     after=after)
    return review_settings({"reviews": after})


def _is_paid(job: dict) -> bool:
    view = view_of(job)
    return job.get("status") == "closed" and (view is None or view.balance_due <= 0)


def _claim(db: Database, job: dict, now: datetime) -> dict | None:
    """Mark the client asked now, unless asked within the last 90 days (None then)."""
    since = now - timedelta(days=ONCE_PER_DAYS)
    return ClientRepository(db, job["company_id"]).find_one_and_update(
        {"_id": job["client_id"], "no_marketing": {"$ne": True},
         "$or": [{"review_requested_at": None}, {"review_requested_at": {"$lte": since}}]},
        {"$set": {"review_requested_at": now}})


def _release(db: Database, job: dict, client: dict) -> None:
    ClientRepository(db, job["company_id"]).update_one(
        {"_id": job["client_id"]}, {"$set": {"review_requested_at": client.get(
            "review_requested_at")}})


def request_after_close(db: Database, *, job: dict, now: datetime | None = None) -> str:
    """Queue the client's review request for a job that just closed, when the rules allow.

    Returns:
        What happened, in a few words (for tests and the log): "texted",
        "emailed", or why nothing was sent.
    """
    now = now or utcnow()
    company = CompanyRepository(db).by_id(job["company_id"]) or {}
    setting = review_settings(company)
    if not (setting.enabled and setting.link):
        return "off"
    if not _is_paid(job) or not job.get("client_id") or job.get("client_erased_at"):
        return "not paid or no client"
    phone = (job.get("client") or {}).get("phone") or ""
    can_text = setting.channel != EMAIL_ONLY and bool(phone) and client_wants_texts(db, job) \
        and not block_reason(db, company=company, phone=phone)
    email = ((job.get("client") or {}).get("email") or "").strip()
    can_email = setting.channel != TEXT_ONLY and bool(email) and not can_text
    if not (can_text or can_email):
        return "no consent to texts and no email"
    before = _claim(db, job, now)
    if before is None:
        return f"asked within {ONCE_PER_DAYS} days, or no marketing"
    values = {**job_values(job, company), "link": setting.link}
    related = {"job_id": job["_id"], "client_id": job["client_id"]}
    key = f"review:{job['client_id']}:{now:%Y%m%d}"
    if can_text:
        outcome = enqueue_sms(db, company=company, to=phone, kind=REVIEW_REQUEST,
                              text=TEXT_TEMPLATE.format(**values), idempotency_key=key,
                              related=related, now=now)
        if not outcome.queued:
            _release(db, job, before)
            return outcome.reason
        return "texted"
    try:
        address = validate_email(email)
    except ValidationError:
        _release(db, job, before)
        return "no valid email"
    settings = get_settings()
    enqueue_email(db, company_id=company["_id"], to=address, kind=REVIEW_REQUEST,
                  idempotency_key=key, related=related,
                  not_before=next_sending_time(now, company.get("timezone") or "",
                                               start_hour=settings.quiet_hours_start,
                                               end_hour=settings.quiet_hours_end),
                  name=values["first_name"], company=company.get("name", ""),
                  link=setting.link)
    return "emailed"

