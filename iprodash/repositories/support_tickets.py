"""Support tickets: company staff write to the platform operator; the thread is kept.

:class:`SupportTicketRepository` is the company side (tenant-scoped);
:class:`SupportDesk` is the operator's platform-wide desk. Attachments live
in the GridFS bucket ``support_files``, never in the public upload folder.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import gridfs
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.database import Database

from iprodash.repositories.base import TenantRepository, to_object_id

OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
BUCKET = "support_files"

INDEXES = {
    "support_tickets": [
        IndexModel([("company_id", ASCENDING), ("_id", DESCENDING)]),
        IndexModel([("company_id", ASCENDING), ("opened_by", ASCENDING), ("_id", DESCENDING)]),
        IndexModel([("status", ASCENDING), ("_id", DESCENDING)]),
    ],
}


def _before(query: dict[str, Any], before_id: str | None) -> dict[str, Any]:
    if before_id:
        query["_id"] = {"$lt": to_object_id(before_id, "ticket")}
    return query


class SupportTicketRepository(TenantRepository):
    """One company's tickets."""

    collection_name = "support_tickets"

    def page(self, *, opened_by: ObjectId | None, before_id: str | None,
             limit: int) -> list[dict]:
        query = _before({"opened_by": opened_by} if opened_by else {}, before_id)
        return list(self.find(query, projection={"messages": 0}).sort("_id", DESCENDING)
                    .limit(limit))

    def add_message(self, ticket_id: ObjectId, message: dict, *, status: str,
                    now: datetime) -> dict | None:
        return self.find_one_and_update(
            {"_id": ticket_id, "status": {"$ne": CLOSED}},
            {"$push": {"messages": message}, "$set": {"status": status, "updated_at": now}},
            return_document=ReturnDocument.AFTER)


class SupportDesk:
    """The operator's view across companies."""

    def __init__(self, db: Database):
        self.collection = db["support_tickets"]

    def page(self, *, status: str | None, before_id: str | None, limit: int) -> list[dict]:
        query = _before({"status": status} if status else {}, before_id)
        return list(self.collection.find(query, projection={"messages": 0})
                    .sort("_id", DESCENDING).limit(limit))

    def get(self, ticket_id: Any) -> dict | None:
        return self.collection.find_one({"_id": to_object_id(ticket_id, "ticket")})

    def update(self, ticket_id: ObjectId, update: dict, *, only_open: bool = True) -> dict | None:
        query: dict[str, Any] = {"_id": ticket_id}
        if only_open:
            query["status"] = {"$ne": CLOSED}
        return self.collection.find_one_and_update(query, update,
                                                   return_document=ReturnDocument.AFTER)


class SupportFiles:
    """Ticket attachments in GridFS."""

    def __init__(self, db: Database):
        self.bucket = gridfs.GridFSBucket(db, bucket_name=BUCKET)

    def save(self, *, data: bytes, content_type: str, company_id: ObjectId) -> ObjectId:
        return self.bucket.upload_from_stream(
            f"support-{ObjectId()}", data,
            metadata={"company_id": company_id, "content_type": content_type})

    def open(self, file_id: ObjectId):
        return self.bucket.open_download_stream(file_id)
