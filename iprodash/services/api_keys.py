"""API keys for the REST API: created by a company-admin, shown once,
stored only as a SHA-256 hash, scoped (read / write), revocable, rate-limited.

A request made with a key acts as a company-admin of the key's company
whose name is "API key <name>", so every service's own role checks and
audit entries apply unchanged; the key's scopes limit what it may call.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.errors import (Conflict, NotAuthenticated, PermissionDenied, RateLimited,
                                    ValidationError)
from iprodash.domain.roles import PERMISSION_LABELS
from iprodash.domain.validation import required_text
from iprodash.domain.words import label
from iprodash.repositories.api_keys import ApiKeyLookup, ApiKeyRepository
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.usage import UsageLog
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.plan_access import require_writable
from iprodash.settings import get_settings

READ, WRITE = "read", "write"
SCOPES = (READ, WRITE)
KEY_PREFIX = "ipd_"
PAGE_SIZE = 25
BAD_KEY = "The API key is missing, wrong or revoked."


@dataclass(frozen=True)
class ApiKeyRow:
    id: str
    name: str
    prefix: str
    scopes: str
    created: str
    created_by: str
    last_used: str
    revoked: bool


@dataclass(frozen=True)
class ApiCaller:
    """The authenticated key behind one API request."""

    actor: Actor
    key_id: ObjectId
    key_name: str
    scopes: tuple[str, ...]

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise PermissionDenied(f"This API key does not have the '{scope}' scope.")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _row(doc: dict) -> ApiKeyRow:
    when = doc.get("last_used_at")
    return ApiKeyRow(id=str(doc["_id"]), name=doc["name"], prefix=doc["prefix"] + "...",
                     scopes=label(PERMISSION_LABELS, WRITE if WRITE in doc["scopes"] else READ),
                     created=doc["created_at"].strftime("%Y-%m-%d"),
                     created_by=doc.get("created_by_name", ""),
                     last_used=when.strftime("%Y-%m-%d %H:%M") if when else "never",
                     revoked=doc.get("revoked_at") is not None)


def create_api_key(db: Database, *, actor: Actor, name: str,
                   scopes: list[str]) -> tuple[ApiKeyRow, str]:
    """Create a key; returns its row and the secret, which is never shown again."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    name = required_text(name, "Key name", max_len=60)
    chosen = [scope for scope in SCOPES if scope in set(scopes or [])]
    if not chosen or set(scopes) - set(SCOPES):
        raise ValidationError("Choose the key's scopes: read, or read and write.", field="scopes")
    require_writable(db, actor=actor)
    prefix = KEY_PREFIX + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    keys = ApiKeyRepository(db, actor.company_id)
    key_id = keys.create(name=name, scopes=chosen, key_hash=hash_key(secret), prefix=prefix,
                         created_by=actor.user_id, created_by_name=actor.name)
    audit.record(db, actor=actor, action="api_key.created", target_type="api_key",
                 target_id=key_id, after={"name": name, "scopes": chosen})
    return _row(keys.get(key_id, "API key")), secret


def list_api_keys(db: Database, *, actor: Actor, before_id: str = "") -> list[ApiKeyRow]:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    rows = ApiKeyRepository(db, actor.company_id).page(before_id=before_id or None,
                                                       limit=PAGE_SIZE)
    return [_row(doc) for doc in rows]


def revoke_api_key(db: Database, *, actor: Actor, key_id: str) -> None:
    """Revoke at once: the next request with the key is refused."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    keys = ApiKeyRepository(db, actor.company_id)
    key = keys.get(key_id, "API key")
    if keys.revoke(key["_id"], actor.user_id) is None:
        raise Conflict("This API key is already revoked.")
    audit.record(db, actor=actor, action="api_key.revoked", target_type="api_key",
                 target_id=key["_id"], after={"name": key["name"]})


def authenticate_api_key(db: Database, *, key: str | None, ip: str = "") -> ApiCaller:
    """Turn a presented key into an :class:`ApiCaller`, counting it against the rate limit.

    Raises:
        NotAuthenticated: unknown or revoked key, or the company cannot use the service.
        RateLimited: the key used up this minute's requests.
    """
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        raise NotAuthenticated(BAD_KEY)
    lookup = ApiKeyLookup(db)
    doc = lookup.by_hash(hash_key(key))
    if doc is None or doc.get("revoked_at") is not None:
        raise NotAuthenticated(BAD_KEY)
    company = CompanyRepository(db).by_id(doc["company_id"])
    if company is None or company.get("status") != "active":
        raise NotAuthenticated("This company cannot use the API right now.")
    now = utcnow()
    limit = get_settings().api_rate_limit_per_minute
    if lookup.count_request(doc["_id"], now) > limit:
        raise RateLimited(f"Rate limit reached: {limit} requests a minute per key. "
                          "Wait a minute and try again.")
    lookup.mark_used(doc, ip, now)
    actor = Actor(user_id=doc["_id"], role=COMPANY_ADMIN, name=f"API key {doc['name']}",
                  email="", company_id=doc["company_id"], view_financials=True, ip=ip)
    return ApiCaller(actor=actor, key_id=doc["_id"], key_name=doc["name"],
                     scopes=tuple(doc["scopes"]))


def log_request(db: Database, *, caller: ApiCaller | None, method: str, path: str,
                status: int, ip: str) -> None:
    """The access log of the API (usage log; changes are in the audit log)."""
    UsageLog(db).record("api_request", key_id=caller.key_id if caller else None,
                        company_id=caller.actor.company_id if caller else None,
                        method=method, path=path[:200], status=status, ip=ip)
