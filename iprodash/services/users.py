"""Company users: invitations, joining by code, approval, roles, deactivation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pymongo.database import Database

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.domain.phones import display_phone, normalize_phone
from iprodash.domain.validation import required_text, validate_email, validate_password
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.sessions import SessionRepository
from iprodash.repositories.tokens import TokenRepository, hash_token
from iprodash.repositories.users import AccountLookup, UserRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, USER, Actor, require_company_actor
from iprodash.services.notifications import app_link, enqueue_email
from iprodash.services.passwords import check_password, hash_password
from iprodash.services.plan_access import require_writable
from iprodash.settings import get_settings

PAGE_SIZE = 25
EMAIL_CHANGE = "email_change"


@dataclass(frozen=True)
class UserRow:
    id: str
    name: str
    email: str
    role: str
    status: str
    view_financials: bool


def list_users(db: Database, *, actor: Actor, status: str = "",
               after: tuple[str, str] | None = None) -> list[UserRow]:
    """One page of the company's users by name; ``after`` is the last row's ``(name, id)``."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    cursor = (after[0], to_object_id(after[1], "user")) if after else None
    rows = UserRepository(db, actor.company_id).page(status=status or None, after=cursor,
                                                     limit=PAGE_SIZE)
    return [UserRow(id=str(r["_id"]), name=r["name"], email=r["email"], role=r["role"],
                    status=r["status"], view_financials=bool(r.get("view_financials")))
            for r in rows]


def invite_user(db: Database, *, actor: Actor, email: str) -> None:
    """Email a single-use, expiring invitation link."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    email = validate_email(email)
    if AccountLookup(db).by_email(email) is not None:
        raise Conflict("Someone with this email already has an account.")
    company = CompanyRepository(db).by_id(actor.company_id)
    days = get_settings().invite_days
    token = TokenRepository(db).issue(kind="invite", company_id=actor.company_id, email=email,
                                      invited_by=actor.user_id,
                                      expires_at=utcnow() + timedelta(days=days))
    enqueue_email(db, company_id=actor.company_id, to=email, kind="invite",
                  idempotency_key=f"invite:{hash_token(token)[:32]}", inviter=actor.name,
                  company=company["name"], days=str(days), link=app_link(f"/join?invite={token}"))
    audit.record(db, actor=actor, action="user.invited", target_type="invite",
                 after={"email": email})


def invite_details(db: Database, *, token: str) -> dict:
    """Company name and email of a still-valid invite (for the join page)."""
    record = TokenRepository(db).peek(kind="invite", token=token)
    if record is None:
        raise ValidationError("This invitation has expired or was already used. "
                              "Ask your admin for a new one.")
    company = CompanyRepository(db).by_id(record["company_id"])
    return {"company": company["name"], "email": record["email"]}


def join_company(db: Database, *, name: str, email: str, password: str,
                 invite_token: str = "", company_code: str = "", ip: str = "") -> str:
    """Create a pending user from an invite or the company code.

    Returns:
        The company's name.
    """
    name = required_text(name, "Your name", max_len=120)
    password = validate_password(password)
    tokens = TokenRepository(db)
    if invite_token:
        if tokens.peek(kind="invite", token=invite_token) is None:
            raise ValidationError("This invitation has expired or was already used.")
        email = tokens.peek(kind="invite", token=invite_token)["email"]
        company = None
    else:
        email = validate_email(email)
        company = CompanyRepository(db).by_code(company_code or "")
        if company is None or company["status"] != "active":
            raise ValidationError("No company uses that code. Check it with your admin.",
                                  field="company_code")
    accounts = AccountLookup(db)
    if accounts.by_email(email) is not None:
        raise Conflict("An account with this email already exists. Log in instead.")
    if invite_token:
        record = tokens.consume(kind="invite", token=invite_token)
        if record is None:
            raise ValidationError("This invitation has expired or was already used.")
        company = CompanyRepository(db).by_id(record["company_id"])
    user_id = accounts.create({
        "company_id": company["_id"], "name": name, "email": email,
        "password_hash": hash_password(password), "role": USER, "status": "pending",
        "view_financials": False, "email_confirmed": bool(invite_token),
        "joined_by": "invite" if invite_token else "code",
    })
    audit.record(db, actor=None, action="user.join_requested", target_type="user",
                 target_id=user_id, company_id=company["_id"], ip=ip,
                 after={"name": name, "email": email})
    enqueue_email(db, company_id=company["_id"], to=company["admin_email"], kind="user_pending",
                  idempotency_key=f"pending:{user_id}", name=name, email=email,
                  company=company["name"], link=app_link("/users"))
    return company["name"]


def _load(db: Database, actor: Actor, user_id: str) -> tuple[UserRepository, dict]:
    users = UserRepository(db, actor.company_id)
    return users, users.get(user_id, "user")


def _save(db: Database, actor: Actor, users: UserRepository, user: dict, fields: dict,
          action: str) -> None:
    before, after = audit.changed_fields(user, fields)
    users.set_fields(user["_id"], fields)
    audit.record(db, actor=actor, action=action, target_type="user", target_id=user["_id"],
                 before=before, after=after)


def _guard_last_admin(users: UserRepository, user: dict, leaving_admin: bool) -> None:
    is_active_admin = user["role"] == COMPANY_ADMIN and user["status"] == "active"
    if leaving_admin and is_active_admin and users.count_active_admins() <= 1:
        raise Conflict("The company needs at least one active admin. "
                       "Make someone else an admin first.")


def approve_user(db: Database, *, actor: Actor, user_id: str, approve: bool = True) -> None:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    users, user = _load(db, actor, user_id)
    if user["status"] != "pending":
        raise Conflict("Only pending members can be approved or rejected.")
    status = "active" if approve else "rejected"
    _save(db, actor, users, user, {"status": status},
          "user.approved" if approve else "user.rejected")
    if approve:
        company = CompanyRepository(db).by_id(actor.company_id)
        enqueue_email(db, company_id=actor.company_id, to=user["email"], kind="user_approved",
                      idempotency_key=f"approved:{user['_id']}", name=user["name"],
                      company=company["name"], link=app_link("/login"))


def set_role(db: Database, *, actor: Actor, user_id: str, role: str,
             view_financials: bool) -> None:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    if role not in (COMPANY_ADMIN, USER):
        raise ValidationError("Choose Company admin or Office user.", field="role")
    users, user = _load(db, actor, user_id)
    _guard_last_admin(users, user, leaving_admin=role != COMPANY_ADMIN)
    fields = {"role": role, "view_financials": True if role == COMPANY_ADMIN else view_financials}
    _save(db, actor, users, user, fields, "user.role_changed")


def set_active(db: Database, *, actor: Actor, user_id: str, active: bool) -> None:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    if active:  # deactivating someone stays possible on a read-only plan (security)
        require_writable(db, actor=actor)
    users, user = _load(db, actor, user_id)
    if user["status"] == "pending":
        raise Conflict("Approve or reject a pending member first.")
    if not active:
        _guard_last_admin(users, user, leaving_admin=True)
    _save(db, actor, users, user, {"status": "active" if active else "deactivated"},
          "user.reactivated" if active else "user.deactivated")
    if not active:
        SessionRepository(db).revoke_all_for_user(user["_id"])


@dataclass(frozen=True)
class MyProfile:
    name: str
    email: str
    phone: str


def my_profile(db: Database, *, actor: Actor) -> MyProfile:
    """The caller's own name, email and phone (for the profile page)."""
    if actor is None:
        raise PermissionDenied("Please log in to continue.")
    user = AccountLookup(db).by_id(actor.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.")
    return MyProfile(name=user.get("name", ""), email=user.get("email", ""),
                     phone=display_phone(user.get("phone") or ""))


def update_profile(db: Database, *, actor: Actor, name: str, phone: str | None = None) -> None:
    """A user corrects their own name and phone (audited); "" for the phone removes it."""
    if actor is None:
        raise PermissionDenied("Please log in to continue.")
    name = required_text(name, "Your name", max_len=120)
    fields: dict = {"name": name}
    if phone is not None:
        fields["phone"] = normalize_phone(phone) if phone.strip() else ""
    user = AccountLookup(db).by_id(actor.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.")
    before, after = audit.changed_fields(user, fields)
    if not after:
        return
    AccountLookup(db).update(actor.user_id, fields)
    audit.record(db, actor=actor, action="user.profile_updated", target_type="user",
                 target_id=actor.user_id, before=before, after=after)


def request_email_change(db: Database, *, actor: Actor, new_email: str, password: str) -> str:
    """Email a confirmation link to the new address; the email changes only when it is used.

    Returns:
        The sentence to show ("We sent a link to ...").
    """
    if actor is None or actor.company_id is None:
        raise PermissionDenied("Please log in to continue.")
    user = AccountLookup(db).by_id(actor.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.")
    if not check_password(password or "", user.get("password_hash")):
        raise ValidationError("Your password is not right.", field="password")
    email = validate_email(new_email)
    if email == user["email"]:
        raise ValidationError("That is already your email address.", field="email")
    if AccountLookup(db).by_email(email) is not None:
        raise Conflict("Someone with this email already has an account.")
    days = get_settings().confirm_days
    token = TokenRepository(db).issue(kind=EMAIL_CHANGE, user_id=user["_id"], email=email,
                                      company_id=user.get("company_id"),
                                      expires_at=utcnow() + timedelta(days=days))
    enqueue_email(db, company_id=user.get("company_id"), to=email, kind="confirm_email_change",
                  idempotency_key=f"email-change:{hash_token(token)[:32]}", name=user["name"],
                  days=str(days), link=app_link(f"/confirm/{token}"))
    audit.record(db, actor=actor, action="user.email_change_requested", target_type="user",
                 target_id=user["_id"])
    return (f"We sent a link to {email}. Your email changes when you open it "
            f"(within {days} days).")


def is_email_change_link(db: Database, *, token: str) -> bool:
    """True when ``token`` is a live email-change link (the confirm page tells them apart)."""
    return TokenRepository(db).peek(kind=EMAIL_CHANGE, token=token) is not None


def confirm_email_change(db: Database, *, token: str) -> str:
    """Switch the account to the confirmed address; every session ends.

    Returns:
        The new address.
    """
    record = TokenRepository(db).consume(kind=EMAIL_CHANGE, token=token)
    if record is None:
        raise ValidationError("This confirmation link has expired or was already used.")
    accounts = AccountLookup(db)
    user = accounts.by_id(record["user_id"])
    if user is None or user.get("status") == "deleted":
        raise ValidationError("This confirmation link has expired or was already used.")
    email = record["email"]
    if accounts.by_email(email) is not None:
        raise Conflict("Someone with this email already has an account.")
    old = user["email"]
    accounts.update(user["_id"], {"email": email, "email_confirmed": True})
    SessionRepository(db).revoke_all_for_user(user["_id"])
    audit.record(db, actor=None, action="user.email_changed", target_type="user",
                 target_id=user["_id"], company_id=user.get("company_id"))
    enqueue_email(db, company_id=user.get("company_id"), to=old, kind="email_changed",
                  idempotency_key=f"email-changed:{record['_id']}", name=user["name"],
                  link=app_link("/forgot"))
    return email
