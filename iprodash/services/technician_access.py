"""Password-less sign-in for technicians.

The office sends a technician a link with a random token (stored hashed,
single-use, expiring after ``IPRODASH_TECH_LINK_HOURS``, revocable, bound to
that technician and company). Opening the link shows an "Open my jobs"
button and spends nothing (link previews fetch it); the button spends it and
starts a technician session limited to that technician's jobs; the office
sends a new link for another phone. A queued text or email holds the link
only sealed (``services/sealed_messages.py``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from pymongo.database import Database

from iprodash.domain.errors import NotAuthenticated, ValidationError
from iprodash.domain.words import pluralize
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.sessions import SessionRepository
from iprodash.repositories.tech_links import TechLinkLookup, TechLinkRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.repositories.usage import UsageLog
from iprodash.repositories.tokens import hash_token
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, TECHNICIAN, USER, Actor, require_company_actor
from iprodash.services.auth import sign_session
from iprodash.services.plan_access import require_writable
from iprodash.settings import get_settings

LINK_EXPIRED = ("This link was already used, has expired or was turned off. "
                "Ask your office for a new link.")


def technician_link_path(token: str, job_id: str = "") -> str:
    """The path a texted link opens; ``job_id`` lands on that job's page."""
    return f"/api/tech/open/{token}" + (f"?job={job_id}" if job_id else "")


def issue_technician_link(db: Database, *, company_id, technician_id, created_by,
                          job_id: str = "") -> str:
    """Issue a link for a technician the caller already checked; returns its path.

    Used by :func:`create_technician_link` and by the "job assigned" text.
    """
    hours = get_settings().tech_link_hours
    token = TechLinkRepository(db, company_id).issue(
        technician_id=technician_id, expires_at=utcnow() + timedelta(hours=hours),
        created_by=created_by)
    return technician_link_path(token, job_id)


def create_technician_link(db: Database, *, actor: Actor, technician_id: str) -> str:
    """Issue a sign-in link for an active technician; returns the URL path.

    The caller sends it (text or email) through the outbox.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    technician = TechnicianRepository(db, actor.company_id).get(technician_id, "technician")
    if not technician.get("active", True):
        raise ValidationError("This technician is deactivated; reactivate them first.")
    path = issue_technician_link(db, company_id=actor.company_id,
                                 technician_id=technician["_id"], created_by=actor.user_id)
    audit.record(db, actor=actor, action="technician.link_issued", target_type="technician",
                 target_id=technician["_id"])
    return path


def revoke_technician_links(db: Database, *, actor: Actor, technician_id: str) -> int:
    """Turn off every link and end every session of a technician (admin).

    Not gated by the plan: cutting someone's access stays possible on a
    read-only account (security), like deactivating a user.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    technician = TechnicianRepository(db, actor.company_id).get(technician_id, "technician")
    count = TechLinkRepository(db, actor.company_id).revoke_all(technician["_id"])
    SessionRepository(db).revoke_all_for_user(technician["_id"])
    audit.record(db, actor=actor, action="technician.links_revoked", target_type="technician",
                 target_id=technician["_id"])
    return count


def technician_link_usable(db: Database, *, token: str) -> bool:
    """True when ``token`` would open now (unused, unexpired, not turned off); spends nothing."""
    return TechLinkLookup(db).usable(token) is not None


def open_technician_link(db: Database, *, token: str, ip: str, user_agent: str = "") -> str:
    """Exchange a link token for a technician session token, spending the link.

    Raises:
        NotAuthenticated: unknown, used, expired or revoked link, or the
            technician or company cannot work right now.
    """
    link = TechLinkLookup(db).spend(token)
    if link is None:
        raise NotAuthenticated(LINK_EXPIRED)
    company = CompanyRepository(db).by_id(link["company_id"])
    technician = TechnicianRepository(db, link["company_id"]).find_one(
        {"_id": link["technician_id"]})
    if not company or company["status"] != "active" or not technician or not technician.get(
            "active", True):
        raise NotAuthenticated(LINK_EXPIRED)
    jti = secrets.token_urlsafe(24)
    session_token, expires = sign_session(jti=jti, subject=str(technician["_id"]),
                                          hours=get_settings().tech_session_hours)
    SessionRepository(db).create(jti=jti, user_id=technician["_id"], company_id=company["_id"],
                                 expires_at=expires, ip=ip, user_agent=user_agent,
                                 kind="technician")
    UsageLog(db).record("technician_login", ip=ip, user_agent=(user_agent or "")[:200],
                        user_id=technician["_id"], company_id=company["_id"])
    return session_token


def technician_actor(db: Database, *, session: dict, ip: str = "") -> Actor:
    """The Actor of a live technician session (called by auth.authenticate)."""
    company = CompanyRepository(db).by_id(session["company_id"])
    technician = TechnicianRepository(db, session["company_id"]).find_one(
        {"_id": session["user_id"]})
    if not company or company["status"] != "active" or not technician or not technician.get(
            "active", True):
        raise NotAuthenticated("Your access was turned off. Ask your office for a new link.")
    return Actor(user_id=technician["_id"], role=TECHNICIAN, name=technician["name"],
                 email=technician.get("email", ""), company_id=company["_id"], ip=ip,
                 session_jti=session["jti"], technician_id=technician["_id"])


@dataclass(frozen=True)
class LinkSent:
    """Where a sign-in link went, as a sentence for the office."""

    message: str
    sent: bool


def send_technician_link(db: Database, *, actor: Actor, technician_id: str) -> LinkSent:
    """Text (and email, when known) a fresh sign-in link to a technician.

    Both go through the outbox. A text the technician's number may not get
    (STOP) is kept as suppressed and the sentence says why.
    """
    from iprodash.services.notifications import app_link, enqueue_email
    from iprodash.services.sms import enqueue_sms

    path = create_technician_link(db, actor=actor, technician_id=technician_id)
    technician = TechnicianRepository(db, actor.company_id).get(technician_id, "technician")
    company = CompanyRepository(db).by_id(actor.company_id)
    # The key names the link without carrying any of its token.
    link, key = app_link(path), f"techlink:{hash_token(path.rsplit('/', 1)[-1])[:32]}"
    hours = get_settings().tech_link_hours
    channels, problems = [], []
    if technician.get("phone"):
        outcome = enqueue_sms(
            db, company=company, to=technician["phone"], kind="technician_link",
            text=f"{company['name']}: your jobs are here: {link} (opens once, "
                 f"within {pluralize(hours, 'hour')})",
            idempotency_key=f"{key}:sms", urgent=True,
            related={"technician_id": technician["_id"]})
        (channels if outcome.queued else problems).append(
            "a text" if outcome.queued else f"no text ({outcome.reason})")
    if technician.get("email"):
        enqueue_email(db, company_id=actor.company_id, to=technician["email"],
                      kind="technician_link", idempotency_key=f"{key}:email",
                      name=technician.get("nickname") or technician["name"],
                      company=company["name"], link=link,
                      hours=str(hours))
        channels.append("an email")
    name = technician["name"]
    if not channels:
        why = "; ".join(problems) or "no phone or email on file"
        return LinkSent(f"No sign-in link went to {name}: {why}.", sent=False)
    extra = f" ({'; '.join(problems)})" if problems else ""
    return LinkSent(f"Sign-in link sent to {name} by {' and '.join(channels)}{extra}.",
                    sent=True)
