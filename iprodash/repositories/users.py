"""Users of the web app: operators (no company) and company staff."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.database import Database

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow
from iprodash.repositories.event_cache import AUTH_STAMP, bump_stamp
from iprodash.repositories.keyset import keyset_page

INDEXES = {
    "users": [
        IndexModel([("email", ASCENDING)], unique=True),
        IndexModel([("company_id", ASCENDING), ("status", ASCENDING), ("name", ASCENDING),
                    ("_id", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("name", ASCENDING), ("_id", ASCENDING)]),
    ],
}


class AccountLookup:
    """Platform-level user lookups needed before a company is known.

    Used by login, sign-up (email must be unique), password reset and the
    operator console's counts; never to list a company's users.
    """

    def __init__(self, db: Database):
        self.collection = db["users"]

    def by_email(self, email: str) -> dict | None:
        return self.collection.find_one({"email": email})

    def by_id(self, user_id: Any) -> dict | None:
        return self.collection.find_one({"_id": to_object_id(user_id, "user")})

    def create(self, doc: dict[str, Any]) -> ObjectId:
        return self.collection.insert_one({**doc, "created_at": utcnow()}).inserted_id

    def update(self, user_id: Any, fields: dict[str, Any]) -> None:
        doc = self.collection.find_one_and_update(
            {"_id": to_object_id(user_id, "user")},
            {"$set": {**fields, "updated_at": utcnow()}}, projection={"company_id": 1})
        if doc and doc.get("company_id"):
            bump_stamp(self.collection.database, doc["company_id"], AUTH_STAMP)

    def count_for_companies(self, company_ids: list[ObjectId]) -> dict[ObjectId, int]:
        rows = self.collection.aggregate([
            {"$match": {"company_id": {"$in": company_ids}, "status": "active"}},
            {"$group": {"_id": "$company_id", "n": {"$sum": 1}}},
        ])
        return {row["_id"]: row["n"] for row in rows}


class UserRepository(TenantRepository):
    """A company's users."""

    collection_name = "users"

    def _after_write(self) -> None:
        # Cached sign-ins (services/auth.py) of every worker are read again.
        bump_stamp(self.db, self.company_id, AUTH_STAMP)

    def page(self, *, status: str | None, after: tuple[str, Any] | None,
             limit: int) -> list[dict]:
        """Users by name, keyset-paged on ``(name, _id)`` (names repeat)."""
        base = {"status": status} if status else {"status": {"$ne": "deleted"}}
        return keyset_page(self, base, field="name", after=after, limit=limit,
                           projection={"password_hash": 0})

    def names_by_ids(self, ids: list[ObjectId]) -> dict[ObjectId, str]:
        """``{_id: name}`` of the company's users among ``ids`` (others left out)."""
        if not ids:
            return {}
        return {doc["_id"]: doc.get("name", "")
                for doc in self.find({"_id": {"$in": list(set(ids))}}, projection={"name": 1})}

    def set_fields(self, user_id: Any, fields: dict[str, Any]) -> dict | None:
        return self.find_one_and_update(
            {"_id": to_object_id(user_id, "user")},
            {"$set": {**fields, "updated_at": utcnow()}},
            return_document=ReturnDocument.AFTER,
        )

    def count_active_admins(self) -> int:
        return self.count({"role": "company_admin", "status": "active"})
