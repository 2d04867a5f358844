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
from iprodash.repositories.event_cache import AUTH_STAMP, bump_stamp
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
        """The live (not revoked, not expired) session of ``jti``, or None."""
        return live(self.by_jti(jti))

    def by_jti(self, jti: str) -> dict | None:
        """The session record of ``jti``, live or not (see :func:`live`).

        Looked up by ``jti`` alone: with the other two conditions in the filter
        the embedded server scanned every session (``explain``: COLLSCAN) on
        every event."""
        return self.collection.find_one({"jti": hash_token(jti)})

    def revoke(self, jti: str) -> None:
        doc = self.collection.find_one_and_update(
            {"jti": hash_token(jti)}, {"$set": {"revoked_at": utcnow()}},
            projection={"company_id": 1})
        _sessions_changed(self.collection.database, doc)

    def revoke_all_for_user(self, user_id: Any) -> int:
        result = self.collection.update_many(
            {"user_id": user_id, "revoked_at": None}, {"$set": {"revoked_at": utcnow()}})
        if result.modified_count:
            _sessions_changed(self.collection.database, self.collection.find_one(
                {"user_id": user_id}, projection={"company_id": 1}))
        return result.modified_count

    def delete_expired_before(self, cutoff: datetime) -> int:
        return self.collection.delete_many({"expires_at": {"$lt": cutoff}}).deleted_count


def live(doc: dict | None) -> dict | None:
    """``doc`` when it is a session that is neither revoked nor expired, else None."""
    if doc is None or doc.get("revoked_at") is not None:
        return None
    expires = doc.get("expires_at")
    if not isinstance(expires, datetime) or as_utc(expires) <= utcnow():
        return None
    return doc


def _sessions_changed(db: Database, doc: dict | None) -> None:
    """After a revocation: every worker's cached sign-ins of the company are read again."""
    if doc and doc.get("company_id"):
        bump_stamp(db, doc["company_id"], AUTH_STAMP)
