"""The usage log: logins, failed logins and other access events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories.base import MissingTenant, utcnow

INDEXES = {
    "usage_log": [
        IndexModel([("kind", ASCENDING), ("email", ASCENDING), ("at", ASCENDING)]),
        IndexModel([("kind", ASCENDING), ("ip", ASCENDING), ("at", ASCENDING)]),
        IndexModel([("kind", ASCENDING), ("phone", ASCENDING), ("at", ASCENDING)]),
        IndexModel([("at", ASCENDING)]),
        # The company's sign-in log, newest first (keyset on at, _id).
        IndexModel([("company_id", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)],
                   sparse=True),
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

    def page_for_company(self, company_id: Any, *, kinds: list[str], user_id: Any = None,
                         since: datetime | None = None, until: datetime | None = None,
                         before: tuple[datetime, Any] | None = None,
                         limit: int = 25) -> list[dict]:
        """One company's entries of ``kinds``, newest first, keyset-paged on ``(at, _id)``.

        Raises:
            MissingTenant: no company given (never the whole platform's log).
        """
        if not company_id:
            raise MissingTenant("The sign-in log is read per company.")
        query: dict[str, Any] = {"company_id": company_id, "kind": {"$in": kinds}}
        if user_id is not None:
            query["user_id"] = user_id
        at: dict[str, Any] = {}
        if since is not None:
            at["$gte"] = since
        if until is not None:
            at["$lt"] = until
        if at:
            query["at"] = at
        if before is not None:
            query["$or"] = [{"at": {"$lt": before[0]}},
                            {"at": before[0], "_id": {"$lt": before[1]}}]
        return list(self.collection.find(query).sort([("at", DESCENDING), ("_id", DESCENDING)])
                    .limit(limit))

    def daily_counts(self, *, since: datetime, kinds: list[str]) -> list[dict]:
        """``{day, kind, n}`` across the platform since ``since`` (UTC days; no personal data)."""
        rows = self.collection.aggregate([
            {"$match": {"at": {"$gte": since}, "kind": {"$in": kinds}}},
            {"$group": {"_id": {"day": {"$dateToString": {"format": "%Y-%m-%d", "date": "$at"}},
                                "kind": "$kind"}, "n": {"$sum": 1}}},
        ])
        return [{"day": r["_id"]["day"], "kind": r["_id"]["kind"], "n": r["n"]} for r in rows]

    def delete_before(self, cutoff: datetime) -> int:
        return self.collection.delete_many({"at": {"$lt": cutoff}}).deleted_count
