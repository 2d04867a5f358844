"""Published versions of the policies, and who must be told of them.

Platform records (not tenant-scoped on purpose: a policy version applies to
every company alike); only the operator's service writes them.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories.base import utcnow

INDEXES = {
    "policy_versions": [IndexModel([("kind", ASCENDING), ("version", ASCENDING)], unique=True),
                        IndexModel([("kind", ASCENDING), ("published_at", DESCENDING)])],
}


class PolicyVersionRepository:
    """The ``policy_versions`` collection."""

    def __init__(self, db: Database):
        self.collection = db["policy_versions"]
        self.db = db

    def latest(self, kind: str) -> dict | None:
        return self.collection.find_one({"kind": kind}, sort=[("published_at", DESCENDING),
                                                               ("_id", DESCENDING)])

    def latest_by_kind(self) -> dict[str, dict]:
        """The newest version of each policy, in one round trip (a handful of documents)."""
        newest: dict[str, dict] = {}
        for doc in self.collection.find({}, projection={"kind": 1, "version": 1,
                                                        "effective_date": 1}).sort(
                [("published_at", DESCENDING), ("_id", DESCENDING)]):
            newest.setdefault(doc["kind"], doc)
        return newest

    def exists(self, kind: str, version: str) -> bool:
        return self.collection.find_one({"kind": kind, "version": version},
                                        projection={"_id": 1}) is not None

    def insert(self, doc: dict[str, Any]) -> ObjectId:
        return self.collection.insert_one({**doc, "published_at": utcnow()}).inserted_id

    def page(self, *, before: ObjectId | None, limit: int) -> list[dict]:
        query = {"_id": {"$lt": before}} if before else {}
        return list(self.collection.find(query).sort("_id", DESCENDING).limit(limit))

    def company_admins(self) -> list[dict]:
        """Active company admins of companies that are not deleted, with their company."""
        live = {c["_id"]: c for c in self.db["companies"].find(
            {"status": {"$nin": ["deleted", "rejected"]}}, projection={"name": 1})}
        admins = self.db["users"].find(
            {"role": "company_admin", "status": "active", "company_id": {"$in": list(live)}},
            projection={"email": 1, "name": 1, "company_id": 1})
        return [{**a, "company_name": live[a["company_id"]]["name"]} for a in admins]
