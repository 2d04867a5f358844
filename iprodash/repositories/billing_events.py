"""Stripe webhook events (each processed once) and each company's billing record.

``billing_events`` is a platform-level ledger: an event arrives before we
know which company it is for, so it is claimed by its Stripe event id under
a unique index and tagged with the company once resolved. The company's
billing state lives in the ``billing`` sub-document of its ``companies``
record; writes to it carry the Stripe event time so an older event can
never overwrite a newer state.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from iprodash.repositories.base import to_object_id, utcnow

INDEXES = {
    "billing_events": [
        IndexModel([("event_id", ASCENDING)], unique=True),
        IndexModel([("company_id", ASCENDING), ("received_at", DESCENDING)]),
    ],
    "companies": [
        IndexModel([("billing.customer_id", ASCENDING)], sparse=True),
    ],
}
# A claim older than this belongs to a worker that died mid-event.
CLAIM_LEASE = timedelta(minutes=5)


class BillingEventRepository:
    """Claim, settle and list webhook events."""

    def __init__(self, db: Database):
        self.collection = db["billing_events"]

    def claim(self, *, event_id: str, event_type: str, created: int) -> bool:
        """Take the event for processing; False when it is done or in hand elsewhere.

        A failed event, or one whose worker's lease ran out, is taken again
        (Stripe retries deliveries that did not get a 2xx answer).
        """
        now = utcnow()
        try:
            self.collection.insert_one({
                "event_id": event_id, "type": event_type, "created": created,
                "status": "processing", "lease_until": now + CLAIM_LEASE, "attempts": 1,
                "received_at": now, "company_id": None, "outcome": "",
            })
            return True
        except DuplicateKeyError:
            retaken = self.collection.find_one_and_update(
                {"event_id": event_id, "$or": [
                    {"status": "failed"},
                    {"status": "processing", "lease_until": {"$lt": now}}]},
                {"$set": {"status": "processing", "lease_until": now + CLAIM_LEASE},
                 "$inc": {"attempts": 1}})
            return retaken is not None

    def settle(self, event_id: str, *, status: str, outcome: str,
               company_id: ObjectId | None) -> None:
        """Mark the event ``processed`` (or ``failed``) with what it did."""
        self.collection.update_one({"event_id": event_id}, {"$set": {
            "status": status, "outcome": outcome[:300], "company_id": company_id,
            "settled_at": utcnow()}})

    def recent_for_company(self, company_id: Any, *, limit: int = 10) -> list[dict]:
        return list(self.collection.find({"company_id": to_object_id(company_id, "company")})
                    .sort("received_at", DESCENDING).limit(limit))


class CompanyBilling:
    """The ``billing`` sub-document of company records."""

    def __init__(self, db: Database):
        self.companies = db["companies"]

    def by_customer(self, customer_id: str) -> dict | None:
        if not customer_id:
            return None
        return self.companies.find_one({"billing.customer_id": customer_id})

    def link_customer(self, company_id: Any, customer_id: str) -> str:
        """Store the customer unless one is stored already; return the stored one."""
        oid = to_object_id(company_id, "company")
        updated = self.companies.find_one_and_update(
            {"_id": oid, "billing.customer_id": {"$in": [None, ""]}},
            {"$set": {"billing.customer_id": customer_id, "updated_at": utcnow()}},
            return_document=ReturnDocument.AFTER)
        if updated is None:
            updated = self.companies.find_one({"_id": oid}) or {}
        return (updated.get("billing") or {}).get("customer_id", "")

    def apply_if_newer(self, company_id: Any, *, event_created: int,
                       fields: dict[str, Any], unset: list[str] | None = None) -> dict | None:
        """Write ``fields`` unless a newer Stripe event already wrote this record.

        Returns:
            The record after the write, or None when the event was older.
        """
        update: dict[str, Any] = {"$set": {**fields, "billing.event_created": event_created,
                                           "updated_at": utcnow()}}
        if unset:
            update["$unset"] = {name: "" for name in unset}
        return self.companies.find_one_and_update(
            {"_id": to_object_id(company_id, "company"), "$or": [
                {"billing.event_created": {"$exists": False}},
                {"billing.event_created": {"$lte": event_created}}]},
            update, return_document=ReturnDocument.AFTER)

