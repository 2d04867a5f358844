"""Single-use, expiring tokens (email confirmation, password reset, invites).

Only a SHA-256 hash of each token is stored; the token itself travels in
the emailed link.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.database import Database

from iprodash.repositories.base import utcnow

INDEXES = {
    "one_time_tokens": [
        IndexModel([("token_hash", ASCENDING)], unique=True),
        IndexModel([("expires_at", ASCENDING)]),
    ],
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenRepository:
    """Issue and consume one-time tokens."""

    def __init__(self, db: Database):
        self.collection = db["one_time_tokens"]

    def issue(self, *, kind: str, expires_at: datetime, **fields: Any) -> str:
        token = secrets.token_urlsafe(32)
        self.collection.insert_one({
            "kind": kind, "token_hash": hash_token(token), "expires_at": expires_at,
            "used_at": None, "created_at": utcnow(), **fields,
        })
        return token

    def peek(self, *, kind: str, token: str) -> dict | None:
        """The unused, unexpired token record, without consuming it."""
        return self.collection.find_one({
            "kind": kind, "token_hash": hash_token(token or ""), "used_at": None,
            "expires_at": {"$gt": utcnow()},
        })

    def consume(self, *, kind: str, token: str) -> dict | None:
        """Mark the token used and return it; None when unknown, used or expired."""
        return self.collection.find_one_and_update(
            {"kind": kind, "token_hash": hash_token(token or ""), "used_at": None,
             "expires_at": {"$gt": utcnow()}},
            {"$set": {"used_at": utcnow()}},
            return_document=ReturnDocument.AFTER,
        )

    def delete_expired(self, now: datetime) -> int:
        """Retention: tokens past their expiry (used or not) go, with the email they hold."""
        return self.collection.delete_many({"expires_at": {"$lte": now}}).deleted_count
