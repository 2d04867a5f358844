"""The usage log: logins, failed logins and other access events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories.base import utcnow

INDEXES = {
    "usage_log": [
        IndexModel([("kind", ASCENDING), ("email", ASCENDING), ("at", ASCENDING)]),
        IndexModel([("kind", ASCENDING), ("ip", ASCENDING), ("at", ASCENDING)]),
        IndexModel([("kind", ASCENDING), ("phone", ASCENDING), ("at", ASCENDING)]),
        IndexModel([("at", ASCENDING)]),
    ],
}


class UsageLog:
    """Append and count usage events."""

    def __init__(self, db: Database):
        self.collection = db["usage_log"]

    def record(self, kind: str, **fields: Any) -> None:
        self.collection.insert_one({"kind": kind, "at": utcnow(), **fields})

    def count_since(self, kind: str, since: datetime, **match: Any) -> int:
        return self.collection.count_documents({"kind": kind, "at": {"$gte": since}, **match})

    def delete_before(self, cutoff: datetime) -> int:
        return self.collection.delete_many({"at": {"$lt": cutoff}}).deleted_count
