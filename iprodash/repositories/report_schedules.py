"""Scheduled report deliveries: subscriptions, and one claim per period.

A delivery is claimed by inserting the document whose ``_id`` is its
idempotency key (company + period + kind). The unique ``_id`` lets exactly
one scheduler win, even with two workers running at once; a winner that dies
mid-way leaves a lease that runs out, and the next run takes over (the
outbox's own idempotency keys keep the email from going out twice).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow

SUBSCRIPTIONS = "report_subscriptions"
DELIVERIES = "report_deliveries"
RUNNING, DONE = "running", "done"

INDEXES = {
    SUBSCRIPTIONS: [
        IndexModel([("company_id", ASCENDING), ("cadence", ASCENDING), ("email", ASCENDING)],
                   unique=True),
        IndexModel([("active", ASCENDING), ("company_id", ASCENDING)]),
    ],
    DELIVERIES: [IndexModel([("company_id", ASCENDING), ("created_at", ASCENDING)])],
}


class ReportSubscriptions(TenantRepository):
    """One company's "email me the pack every week/month" subscriptions."""

    collection_name = SUBSCRIPTIONS

    def add(self, *, cadence: str, email: str, created_by: ObjectId,
            created_by_name: str) -> ObjectId | None:
        """Insert; None when this address already gets this cadence."""
        try:
            return self.insert({"cadence": cadence, "email": email, "active": True,
                                "created_by": created_by, "created_by_name": created_by_name,
                                "created_at": utcnow()})
        except DuplicateKeyError:
            return None

    def remove(self, subscription_id: Any) -> dict | None:
        """Delete one subscription; returns what was deleted."""
        doc = self.find_one({"_id": to_object_id(subscription_id, "subscription")})
        if doc is not None:
            self.delete_many({"_id": doc["_id"]})
        return doc

    def all(self) -> list[dict]:
        return list(self.find({}).sort([("cadence", ASCENDING), ("email", ASCENDING)]).limit(50))

    def active(self, cadence: str) -> list[dict]:
        return list(self.find({"cadence": cadence, "active": True}).limit(50))


class ScheduleQueue:
    """Platform-wide view for the scheduler: who subscribed, and period claims."""

    def __init__(self, db: Database):
        self.subscriptions = db[SUBSCRIPTIONS]
        self.deliveries = db[DELIVERIES]

    def subscribed_company_ids(self) -> list[ObjectId]:
        return list(self.subscriptions.distinct("company_id", {"active": True}))

    def claim(self, key: str, *, company_id: ObjectId, worker: str, lease_seconds: int,
              now: datetime | None = None) -> dict | None:
        """Take the delivery ``key`` unless it is done or another worker holds it.

        Returns:
            The claimed delivery document, or None when this worker must skip it.
        """
        now = now or utcnow()
        lease = now + timedelta(seconds=lease_seconds)
        try:
            self.deliveries.insert_one({"_id": key, "company_id": company_id, "status": RUNNING,
                                        "worker": worker, "lease_until": lease,
                                        "created_at": now, "attempts": 1})
            return self.deliveries.find_one({"_id": key})
        except DuplicateKeyError:
            pass
        return self.deliveries.find_one_and_update(
            {"_id": key, "status": RUNNING, "lease_until": {"$lt": now}},
            {"$set": {"worker": worker, "lease_until": lease}, "$inc": {"attempts": 1}},
            return_document=ReturnDocument.AFTER)

    def finish(self, key: str, *, worker: str, result: dict[str, Any]) -> bool:
        """Mark a claimed delivery done; False when the lease was lost meanwhile."""
        outcome = self.deliveries.update_one(
            {"_id": key, "worker": worker, "status": RUNNING},
            {"$set": {"status": DONE, "finished_at": utcnow(), "result": result}})
        return outcome.modified_count == 1

    def release(self, key: str, *, worker: str, error: str) -> None:
        """Give a failed delivery back at once so the next run retries it."""
        self.deliveries.update_one({"_id": key, "worker": worker, "status": RUNNING},
                                   {"$set": {"lease_until": utcnow(), "error": error[:300]}})

    def get(self, key: str) -> dict | None:
        return self.deliveries.find_one({"_id": key})
