"""Server-side session records: one per issued JWT (by ``jti``).

The record keeps only a SHA-256 of the ``jti`` (in the ``jti`` field), so a
copy of the database (a backup) names no session; callers pass the ``jti``
from the signed token and this repository hashes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from iprodash.domain.clock import as_utc
from iprodash.repositories.base import utcnow
from iprodash.repositories.tokens import hash_token

INDEXES = {
    "sessions": [
        IndexModel([("jti", ASCENDING)], unique=True),
        IndexModel([("user_id", ASCENDING), ("revoked_at", ASCENDING)]),
        IndexModel([("expires_at", ASCENDING)]),
    ],
}


class SessionRepository:
    """Create, look up and revoke sessions."""

    def __init__(self, db: Database):
        self.collection = db["sessions"]

    def create(self, *, jti: str, user_id: Any, company_id: Any, expires_at: datetime,
               ip: str, user_agent: str, kind: str = "user") -> None:
        self.collection.insert_one({
            "jti": hash_token(jti), "user_id": user_id, "company_id": company_id, "kind": kind,
            "created_at": utcnow(), "expires_at": expires_at, "revoked_at": None,
            "ip": ip, "user_agent": user_agent[:200],
        })

    def active(self, jti: str) -> dict | None:
        """The live (not revoked, not expired) session of ``jti``, or None.

        Looked up by ``jti`` alone and checked here: with the other two
        conditions in the filter the embedded server scanned every session
        (``explain``: COLLSCAN) on every event."""
        doc = self.collection.find_one({"jti": hash_token(jti)})
        if doc is None or doc.get("revoked_at") is not None:
            return None
        expires = doc.get("expires_at")
        if not isinstance(expires, datetime) or as_utc(expires) <= utcnow():
            return None
        return doc

    def revoke(self, jti: str) -> None:
        self.collection.update_one({"jti": hash_token(jti)}, {"$set": {"revoked_at": utcnow()}})

    def revoke_all_for_user(self, user_id: Any) -> int:
        result = self.collection.update_many(
            {"user_id": user_id, "revoked_at": None}, {"$set": {"revoked_at": utcnow()}})
        return result.modified_count

    def delete_expired_before(self, cutoff: datetime) -> int:
        return self.collection.delete_many({"expires_at": {"$lt": cutoff}}).deleted_count
