"""Sign-in: login, sessions (JWT + server-side record), logout, password reset."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import jwt
from pymongo.database import Database

from iprodash.domain.errors import NotAuthenticated, RateLimited, ValidationError
from iprodash.domain.validation import validate_password
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.event_cache import AUTH_STAMP, company_result
from iprodash.repositories.sessions import SessionRepository, live
from iprodash.repositories.tokens import TokenRepository, hash_token
from iprodash.repositories.usage import UsageLog
from iprodash.repositories.users import AccountLookup
from iprodash.services import audit
from iprodash.services.actor import OPERATOR, Actor
from iprodash.services.notifications import app_link, enqueue_email
from iprodash.services.passwords import check_password, hash_password
from iprodash.settings import get_settings

JWT_ALGORITHM = "HS256"
BAD_LOGIN = "The email or password is not right."
COMPANY_BLOCKED = {
    "unconfirmed": "Confirm your email first: use the link we sent when you signed up.",
    "pending": "Your company is waiting for approval. We email you when it is approved.",
    "rejected": "Your company's sign-up was not approved.",
    "suspended": "Your company's access is suspended. Contact support.",
}
USER_BLOCKED = {
    "pending": "Your account is waiting for approval by your company admin.",
    "rejected": "Your request to join was not approved.",
    "deactivated": "Your account is deactivated. Ask your company admin.",
}


def _normal_email(email: str) -> str:
    return (email or "").strip().lower()[:254]


def _check_throttle(db: Database, email: str, ip: str) -> None:
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    usage = UsageLog(db)
    too_many = (usage.count_since("login_failed", since, email=email) >= settings.login_max_failures
                or usage.count_since("login_failed", since, ip=ip) >= settings.ip_max_failures)
    if too_many:
        raise RateLimited(f"Too many failed attempts. Wait {settings.login_window_minutes} "
                          "minutes and try again, or reset your password.")


def _blocked_reason(db: Database, user: dict) -> str | None:
    if user.get("status") != "active":
        return USER_BLOCKED.get(user.get("status", ""), USER_BLOCKED["deactivated"])
    if user["role"] == OPERATOR:
        return None
    company = CompanyRepository(db).by_id(user["company_id"])
    if company is None:
        return COMPANY_BLOCKED["suspended"]
    return COMPANY_BLOCKED.get(company["status"])


def sign_session(*, jti: str, subject: str, hours: int) -> tuple[str, datetime]:
    """A signed JWT for a session record; returns (token, expiry)."""
    now = utcnow()
    expires = now + timedelta(hours=hours)
    claims = {"sub": subject, "jti": jti, "iat": now, "exp": expires, "typ": "session"}
    return jwt.encode(claims, get_settings().secret_key, algorithm=JWT_ALGORITHM), expires


def issue_session(db: Database, *, user: dict, ip: str, user_agent: str) -> str:
    """Create a session record and return its signed JWT."""
    jti = secrets.token_urlsafe(24)
    token, expires = sign_session(jti=jti, subject=str(user["_id"]),
                                  hours=get_settings().session_hours)
    SessionRepository(db).create(jti=jti, user_id=user["_id"], company_id=user.get("company_id"),
                                 expires_at=expires, ip=ip, user_agent=user_agent)
    return token


def login(db: Database, *, email: str, password: str, ip: str, user_agent: str = "") -> str:
    """Check the credentials and return a session token.

    Raises:
        RateLimited: too many recent failures for this email or address.
        NotAuthenticated: wrong email or password (never says which), or
            the account or company cannot log in yet.
    """
    email = _normal_email(email)
    _check_throttle(db, email, ip)
    user = AccountLookup(db).by_email(email)
    # A failed sign-in to someone's account shows in their company's sign-in log.
    known = ({"user_id": user["_id"], "company_id": user.get("company_id")} if user else {})
    browser = (user_agent or "")[:200]
    if not check_password(password or "", user.get("password_hash") if user else None):
        UsageLog(db).record("login_failed", email=email, ip=ip, user_agent=browser, **known)
        raise NotAuthenticated(BAD_LOGIN)
    blocked = _blocked_reason(db, user)
    if blocked:
        UsageLog(db).record("login_blocked", email=email, ip=ip, user_agent=browser, **known)
        raise NotAuthenticated(blocked)
    UsageLog(db).record("login", email=email, ip=ip, user_agent=browser, **known)
    return issue_session(db, user=user, ip=ip, user_agent=user_agent)


# Tokens whose signature this worker checked (key and token -> claims): a tab
# sends its cookie with every event, and checking the signature each time was
# a few percent of the app's CPU. The expiry is still checked on every use.
_VERIFIED: dict[tuple[str, str], dict] = {}
_VERIFIED_MAX = 20_000


def _decode(token: str) -> dict:
    key = (get_settings().secret_key, token)
    claims = _VERIFIED.get(key)
    if claims is not None:
        if claims["exp"] > time.time():
            return dict(claims)
        _VERIFIED.pop(key, None)
        raise NotAuthenticated("Your session has expired. Please log in again.")
    try:
        claims = jwt.decode(token, key[0], algorithms=[JWT_ALGORITHM],
                            options={"require": ["exp", "jti", "sub"]})
    except jwt.PyJWTError as exc:
        raise NotAuthenticated("Your session has expired. Please log in again.") from exc
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[key] = claims
    return dict(claims)


# Where each session signed in (hash of its jti -> company id), learned on its
# first event; then its record and its user are kept under the company's
# ``auth_stamp`` (bumped after every revocation and user change, by any
# worker) and this worker's writes to sessions and users, for at most
# AUTH_TTL_S: an event costs one read (the company document, which is read on
# every event anyway to check the company is active) instead of three.
_SIGNED_IN_AT: dict[str, Any] = {}
_SIGNED_IN_MAX = 20_000
AUTH_TTL_S = 30.0


def _session_and_user(db: Database, claims: dict) -> tuple[dict | None, dict | None]:
    """The live session record of ``claims`` and its user (None when it is not
    live; the user is None for a technician's session or a missing account)."""
    jti = claims["jti"]

    def load() -> tuple[dict | None, dict | None]:
        session = SessionRepository(db).by_jti(jti)
        user = (AccountLookup(db).by_id(claims["sub"])
                if session is not None and session.get("kind") != "technician" else None)
        return session, user

    key = hash_token(jti)
    company_id = _SIGNED_IN_AT.get(key)
    company = CompanyRepository(db).by_id(company_id) if company_id else None
    if company is None:  # first event of this session here (or an operator)
        session, user = load()
    else:  # the stamp was read before the records, so a revocation is never missed
        session, user = company_result(company, AUTH_STAMP, ("sessions", "users"),
                                       ("signed_in", key), load, ttl_s=AUTH_TTL_S)
    if session is None or (company is not None and session.get("company_id") != company_id):
        return None, None
    if company is None and session.get("company_id"):
        if len(_SIGNED_IN_AT) >= _SIGNED_IN_MAX:
            _SIGNED_IN_AT.clear()
        _SIGNED_IN_AT[key] = session["company_id"]
    if user is not None and str(user["_id"]) != str(claims["sub"]):
        return None, None
    return live(session), user


def authenticate(db: Database, *, token: str | None, ip: str = "") -> Actor:
    """Turn a session token into an :class:`Actor`, checking everything again.

    The session record must be live, the user active and the company active,
    so logout, deactivation and suspension take effect at once.
    """
    if not token:
        raise NotAuthenticated("Please log in to continue.")
    claims = _decode(token)
    if claims.get("typ") != "session":
        raise NotAuthenticated("Your session has ended. Please log in again.")
    session, user = _session_and_user(db, claims)
    if session is None:
        raise NotAuthenticated("Your session has ended. Please log in again.")
    if session.get("kind") == "technician":
        from iprodash.services.technician_access import technician_actor

        return technician_actor(db, session=session, ip=ip)
    if user is None or _blocked_reason(db, user):
        raise NotAuthenticated("Your account cannot use iProDash right now.")
    return Actor(user_id=user["_id"], role=user["role"], name=user["name"], email=user["email"],
                 company_id=user.get("company_id"), view_financials=bool(user.get("view_financials")),
                 ip=ip, session_jti=claims["jti"])


def logout(db: Database, *, token: str | None) -> None:
    """End the session of ``token`` (a no-op for a bad token)."""
    if not token:
        return
    try:
        claims = _decode(token)
    except NotAuthenticated:
        return
    SessionRepository(db).revoke(claims["jti"])


def logout_everywhere(db: Database, *, actor: Actor) -> int:
    """End every session of the caller; returns how many were ended."""
    count = SessionRepository(db).revoke_all_for_user(actor.user_id)
    audit.record(db, actor=actor, action="user.logout_everywhere", target_type="user",
                 target_id=actor.user_id)
    return count


def request_password_reset(db: Database, *, email: str, ip: str) -> None:
    """Email a reset link when the account exists; the caller learns nothing."""
    email = _normal_email(email)
    since = utcnow() - timedelta(hours=1)
    if UsageLog(db).count_since("password_reset_requested", since, ip=ip) >= 10:
        raise RateLimited("Too many reset requests from here. Try again in an hour.")
    UsageLog(db).record("password_reset_requested", email=email, ip=ip)
    user = AccountLookup(db).by_email(email)
    if user is None or user.get("status") != "active":
        return
    minutes = get_settings().reset_minutes
    token = TokenRepository(db).issue(kind="reset", user_id=user["_id"],
                                      expires_at=utcnow() + timedelta(minutes=minutes))
    enqueue_email(db, company_id=user.get("company_id"), to=email, kind="password_reset",
                  idempotency_key=f"reset:{hash_token(token)[:32]}", name=user["name"],
                  minutes=str(minutes), link=app_link(f"/reset/{token}"))


def reset_password(db: Database, *, token: str, password: str) -> None:
    """Set a new password from a reset link and end every session."""
    password = validate_password(password)
    record = TokenRepository(db).consume(kind="reset", token=token)
    if record is None:
        raise ValidationError("This reset link has expired or was already used. Ask for a new one.")
    _set_password(db, user_id=record["user_id"], password=password, actor=None)


def change_password(db: Database, *, actor: Actor, current: str, new: str) -> None:
    """Change the caller's password; every session ends."""
    user = AccountLookup(db).by_id(actor.user_id)
    if user is None or not check_password(current, user.get("password_hash")):
        raise ValidationError("Your current password is not right.", field="current_password")
    _set_password(db, user_id=actor.user_id, password=validate_password(new), actor=actor)


def _set_password(db: Database, *, user_id, password: str, actor: Actor | None) -> None:
    accounts = AccountLookup(db)
    accounts.update(user_id, {"password_hash": hash_password(password)})
    SessionRepository(db).revoke_all_for_user(to_object_id(user_id, "user"))
    user = accounts.by_id(user_id)
    audit.record(db, actor=actor, action="user.password_changed", target_type="user",
                 target_id=user_id, company_id=user.get("company_id"))
    enqueue_email(db, company_id=user.get("company_id"), to=user["email"],
                  kind="password_changed", idempotency_key=f"pwchanged:{secrets.token_hex(8)}",
                  name=user["name"], link=app_link("/forgot"))
