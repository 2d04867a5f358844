"""Settlements (technician payouts) and the closed-job reads they need.

A payout document locks a technician's window ``[period_start,
period_end)``; its jobs carry its id in ``settlement_id`` (DATA_MODEL.md).
Job ranges are half-open (``$lt`` on the end): the embedded server drops
documents equal to a ``$lte`` bound on a compound-index prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from iprodash.repositories.base import TenantRepository
from iprodash.repositories.keyset import keyset_page

INDEXES = {
    "settlements": [
        IndexModel([("company_id", ASCENDING), ("technician_id", ASCENDING),
                    ("period_end", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("_id", DESCENDING)]),
    ],
}
FINANCE_PROJECTION = {"technician_id": 1, "finance": 1, "settlement_id": 1}
ROW_PROJECTION = {"number": 1, "client.name": 1, "address.city": 1, "closed_at": 1,
                  "closed_day": 1,
                  "technician_id": 1, "finance": 1, "settlement_id": 1}


class SettlementRepository(TenantRepository):
    """Payout records of one company."""

    collection_name = "settlements"

    def overlapping(self, technician_id: ObjectId, start: datetime, end: datetime) -> dict | None:
        """An active payout of the technician whose window meets [start, end)."""
        return self.find_one({"technician_id": technician_id, "voided_at": None,
                              "period_end": {"$gt": start}, "period_start": {"$lt": end}})

    def page(self, *, technician_id: ObjectId | None, before_id: ObjectId | None,
             limit: int) -> list[dict]:
        """Payouts newest first, keyset-paged by ``_id``."""
        query: dict[str, Any] = {}
        if technician_id is not None:
            query["technician_id"] = technician_id
        if before_id is not None:
            query["_id"] = {"$lt": before_id}
        cursor = self.find(query, projection={"job_ids": 0})
        return list(cursor.sort("_id", DESCENDING).limit(limit))


class SettlementJobs(TenantRepository):
    """Closed jobs of one company, as settlements read and mark them."""

    collection_name = "jobs"

    @staticmethod
    def _window(start: datetime, end: datetime, technician_id: ObjectId | None) -> dict:
        query: dict[str, Any] = {"status": "closed", "closed_at": {"$gte": start, "$lt": end}}
        if technician_id is not None:
            query["technician_id"] = technician_id
        else:
            query["technician_id"] = {"$ne": None}
        return query

    def finances(self, start: datetime, end: datetime, technician_id: ObjectId | None):
        """Technician, finance snapshot and settlement of each closed job in the window."""
        return self.find(self._window(start, end, technician_id),
                         projection=FINANCE_PROJECTION)

    def page(self, start: datetime, end: datetime, technician_id: ObjectId | None, *,
             after: tuple[datetime, ObjectId] | None, limit: int) -> list[dict]:
        """Closed jobs in the window by (closed_at, _id), after a keyset cursor."""
        base = self._window(start, end, technician_id)
        bounds = base.pop("closed_at")
        return keyset_page(self, base, field="closed_at", after=after, limit=limit,
                           bounds=bounds, projection=ROW_PROJECTION)

    def mark_settled(self, job_ids: list[ObjectId], settlement_id: ObjectId, *,
                     session=None) -> int:
        """Set ``settlement_id`` on jobs still closed and unsettled; how many changed."""
        result = self.update_many({"_id": {"$in": job_ids}, "status": "closed",
                                   "settlement_id": None},
                                  {"$set": {"settlement_id": settlement_id}}, session=session)
        return result.modified_count

    def release(self, job_ids: list[ObjectId], settlement_id: ObjectId, *, session=None) -> int:
        """Clear ``settlement_id`` from the jobs of a voided payout."""
        return self.update_many({"_id": {"$in": job_ids}, "settlement_id": settlement_id},
                                {"$set": {"settlement_id": None}},
                                session=session).modified_count
