"""Companies: the tenants themselves (a platform-level collection)."""

from __future__ import annotations

import secrets
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.database import Database

from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.event_cache import company_in_event

INDEXES = {
    "companies": [
        IndexModel([("code", ASCENDING)], unique=True),
        IndexModel([("status", ASCENDING), ("created_at", DESCENDING)]),
        # The public SMS opt-in page's code: never the employee join code.
        IndexModel([("sms_optin_code", ASCENDING)], unique=True, sparse=True),
        IndexModel([("stripe_connect.account_id", ASCENDING)], sparse=True),
    ],
}


def new_optin_code() -> str:
    """A 16-character URL-safe code; it cannot look like a join code (8 capitals)."""
    return secrets.token_urlsafe(12)


class CompanyRepository:
    """Reads and writes company documents by id or code."""

    def __init__(self, db: Database):
        self.collection = db["companies"]

    def create(self, doc: dict[str, Any]) -> ObjectId:
        return self.collection.insert_one({**doc, "created_at": utcnow()}).inserted_id

    def by_id(self, company_id: Any) -> dict | None:
        """The company; read at most once per browser event (see event_cache)."""
        oid = to_object_id(company_id, "company")
        return company_in_event(oid, lambda: self.collection.find_one({"_id": oid}))

    def by_code(self, code: str) -> dict | None:
        return self.collection.find_one({"code": code.strip().upper()})

    def by_stripe_account(self, account_id: str) -> dict | None:
        """The company whose connected Stripe account is exactly ``account_id``."""
        account_id = (account_id or "").strip()
        return self.collection.find_one({"stripe_connect.account_id": account_id}) \
            if account_id else None

    def by_optin_code(self, code: str) -> dict | None:
        """The company whose SMS opt-in code is exactly ``code`` (join codes never match)."""
        code = (code or "").strip()
        return self.collection.find_one({"sms_optin_code": code}) if code else None

    def ensure_optin_code(self, company: dict) -> str:
        """The company's opt-in code, created the first time it is needed."""
        if company.get("sms_optin_code"):
            return company["sms_optin_code"]
        self.collection.update_one({"_id": company["_id"], "sms_optin_code": {"$exists": False}},
                                   {"$set": {"sms_optin_code": new_optin_code()}})
        code = self.collection.find_one({"_id": company["_id"]},
                                        projection={"sms_optin_code": 1})["sms_optin_code"]
        company["sms_optin_code"] = code
        return code

    def update(self, company_id: Any, fields: dict[str, Any]) -> dict | None:
        return self.collection.find_one_and_update(
            {"_id": to_object_id(company_id, "company")},
            {"$set": {**fields, "updated_at": utcnow()}},
            return_document=ReturnDocument.AFTER,
        )

    def set_status_if(self, company_id: Any, *, allowed_from: list[str],
                      fields: dict[str, Any]) -> dict | None:
        """Change status atomically, only from one of ``allowed_from``."""
        return self.collection.find_one_and_update(
            {"_id": to_object_id(company_id, "company"), "status": {"$in": allowed_from}},
            {"$set": {**fields, "updated_at": utcnow()}},
            return_document=ReturnDocument.AFTER,
        )

    def page(self, *, status: str | None, after_id: str | None, limit: int) -> list[dict]:
        """Companies newest first, keyset-paged by ``_id``."""
        query: dict[str, Any] = {}
        if status:
            query["status"] = status
        if after_id:
            query["_id"] = {"$lt": to_object_id(after_id, "company")}
        return list(self.collection.find(query).sort("_id", DESCENDING).limit(limit))

    def count_by_status(self) -> dict[str, int]:
        rows = self.collection.aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])
        return {row["_id"]: row["n"] for row in rows}
