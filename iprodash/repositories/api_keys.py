"""API keys (stored only as SHA-256 hashes) and their per-minute counters."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.database import Database

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow

INDEXES = {
    "api_keys": [
        IndexModel([("key_hash", ASCENDING)], unique=True),
        IndexModel([("company_id", ASCENDING), ("_id", DESCENDING)]),
    ],
    "api_rate": [IndexModel([("at", ASCENDING)])],
}


class ApiKeyRepository(TenantRepository):
    """A company's API keys."""

    collection_name = "api_keys"

    def create(self, *, name: str, scopes: list[str], key_hash: str, prefix: str,
               created_by: ObjectId, created_by_name: str) -> ObjectId:
        return self.insert({"name": name, "scopes": scopes, "key_hash": key_hash,
                            "prefix": prefix, "created_by": created_by,
                            "created_by_name": created_by_name, "created_at": utcnow(),
                            "last_used_at": None, "last_used_ip": "", "revoked_at": None})

    def page(self, *, before_id: str | None, limit: int) -> list[dict]:
        query: dict[str, Any] = {}
        if before_id:
            query["_id"] = {"$lt": to_object_id(before_id, "API key")}
        return list(self.find(query, projection={"key_hash": 0})
                    .sort("_id", DESCENDING).limit(limit))

    def revoke(self, key_id: Any, by: ObjectId) -> dict | None:
        """Revoke a live key; None when it was already revoked."""
        return self.find_one_and_update(
            {"_id": to_object_id(key_id, "API key"), "revoked_at": None},
            {"$set": {"revoked_at": utcnow(), "revoked_by": by}},
            return_document=ReturnDocument.AFTER)


class ApiKeyLookup:
    """Find a key by its secret: the secret itself is the credential."""

    def __init__(self, db: Database):
        self.collection = db["api_keys"]
        self.rate = db["api_rate"]

    def by_hash(self, key_hash: str) -> dict | None:
        return self.collection.find_one({"key_hash": key_hash})

    def mark_used(self, key: dict, ip: str, now: datetime) -> None:
        """Record the last use (at most one write a minute per key)."""
        last = key.get("last_used_at")
        if last is None or last < now - timedelta(minutes=1) or key.get("last_used_ip") != ip:
            self.collection.update_one({"_id": key["_id"]},
                                       {"$set": {"last_used_at": now, "last_used_ip": ip}})

    def count_request(self, key_id: ObjectId, now: datetime) -> int:
        """Add one request to this key's current minute; returns the minute's total."""
        minute = int(now.timestamp() // 60)
        doc = self.rate.find_one_and_update(
            {"_id": f"{key_id}:{minute}"}, {"$inc": {"n": 1}, "$setOnInsert": {"at": now}},
            upsert=True, return_document=ReturnDocument.AFTER)
        return doc["n"]

    def forget_counters_before(self, cutoff: datetime) -> int:
        return self.rate.delete_many({"at": {"$lt": cutoff}}).deleted_count
