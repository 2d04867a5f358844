"""Sign-in links for technicians: random tokens stored only as hashes,
single-use, expiring, revocable, bound to one technician of one company."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow
from iprodash.repositories.tokens import hash_token

INDEXES = {
    "tech_links": [
        IndexModel([("token_hash", ASCENDING)], unique=True),
        IndexModel([("company_id", ASCENDING), ("technician_id", ASCENDING)]),
    ],
}


class TechLinkRepository(TenantRepository):
    """A company's technician links."""

    collection_name = "tech_links"

    def issue(self, *, technician_id: Any, expires_at: datetime, created_by: Any) -> str:
        token = secrets.token_urlsafe(32)
        self.insert({"technician_id": to_object_id(technician_id, "technician"),
                     "token_hash": hash_token(token), "expires_at": expires_at,
                     "revoked_at": None, "created_at": utcnow(), "created_by": created_by,
                     "used_at": None})
        return token

    def revoke_all(self, technician_id: Any) -> int:
        return self.update_many(
            {"technician_id": to_object_id(technician_id, "technician"), "revoked_at": None},
            {"$set": {"revoked_at": utcnow()}}).modified_count


class TechLinkLookup:
    """Find a link by its token: the token itself is the credential."""

    def __init__(self, db: Database):
        self.collection = db["tech_links"]

    def usable(self, token: str) -> dict | None:
        """The live link of ``token`` without spending it (None when it would not open)."""
        return self.collection.find_one(
            {"token_hash": hash_token(token or ""), "used_at": None, "revoked_at": None,
             "expires_at": {"$gt": utcnow()}}, {"_id": 1})

    def spend(self, token: str) -> dict | None:
        """Use a live link up: the one caller that gets it back may sign in.

        Atomic, so two requests racing with one link cannot both get it. An
        unknown, used, revoked or expired link returns None.
        """
        now = utcnow()
        return self.collection.find_one_and_update(
            {"token_hash": hash_token(token or ""), "used_at": None, "revoked_at": None,
             "expires_at": {"$gt": now}},
            {"$set": {"used_at": now}})
