"""Data exports: the request records and their ZIP files in GridFS."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, BinaryIO

import gridfs
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.database import Database

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow

BUCKET = "exports"
INDEXES = {
    "exports": [
        IndexModel([("company_id", ASCENDING), ("requested_by", ASCENDING),
                    ("created_at", DESCENDING)]),
        IndexModel([("status", ASCENDING), ("claimed_until", ASCENDING)]),
        IndexModel([("expires_at", ASCENDING)]),
    ],
}


class ExportRepository(TenantRepository):
    """One company's export requests."""

    collection_name = "exports"

    def create(self, *, kind: str, requested_by: ObjectId, subject_id: ObjectId | None) -> ObjectId:
        return self.insert({"kind": kind, "requested_by": requested_by, "subject_id": subject_id,
                            "status": "queued", "progress": {"done": 0, "total": 0, "stage": ""},
                            "file_id": None, "size": 0, "error": "", "created_at": utcnow(),
                            "claimed_until": None, "finished_at": None, "expires_at": None})

    def recent_for(self, requested_by: ObjectId, limit: int = 5) -> list[dict]:
        return list(self.find({"requested_by": requested_by})
                    .sort("created_at", DESCENDING).limit(limit))

    def active_for(self, requested_by: ObjectId, kind: str) -> dict | None:
        return self.find_one({"requested_by": requested_by, "kind": kind,
                              "status": {"$in": ["queued", "running"]}})


class ExportQueue:
    """Claiming and finishing exports, for whichever worker builds them."""

    def __init__(self, db: Database):
        self.collection = db["exports"]

    def claim(self, export_id: Any, *, lease_seconds: int = 120) -> dict | None:
        """Take a queued (or abandoned) export for building; None when taken."""
        now = utcnow()
        current = self.collection.find_one({"_id": to_object_id(export_id, "export")})
        if current is None:
            return None
        if current["status"] == "queued":
            expected = {"status": "queued"}
        elif current["status"] == "running" and current["claimed_until"] < now:
            expected = {"status": "running", "claimed_until": current["claimed_until"]}
        else:
            return None
        # Compare-and-set on what was read (no $or, which the embedded server cannot index).
        return self.collection.find_one_and_update(
            {"_id": current["_id"], **expected},
            {"$set": {"status": "running",
                      "claimed_until": now + timedelta(seconds=lease_seconds)}},
            return_document=ReturnDocument.AFTER)

    def waiting_ids(self, *, older_than: datetime, limit: int = 5) -> list[ObjectId]:
        """Queued exports nobody started, and running ones whose builder died."""
        now = utcnow()
        queued = self.collection.find({"status": "queued", "created_at": {"$lt": older_than}},
                                      projection={"_id": 1}).limit(limit)
        stale = self.collection.find({"status": "running", "claimed_until": {"$lt": now}},
                                     projection={"_id": 1}).limit(limit)
        return [doc["_id"] for doc in [*queued, *stale]][:limit]

    def progress(self, export_id: ObjectId, *, done: int, total: int, stage: str,
                 lease_seconds: int = 120) -> None:
        self.collection.update_one(
            {"_id": export_id, "status": "running"},
            {"$set": {"progress": {"done": done, "total": total, "stage": stage},
                      "claimed_until": utcnow() + timedelta(seconds=lease_seconds)}})

    def finish(self, export_id: ObjectId, *, file_id: ObjectId, size: int,
               expires_at: datetime) -> None:
        self.collection.update_one(
            {"_id": export_id},
            {"$set": {"status": "ready", "file_id": file_id, "size": size,
                      "finished_at": utcnow(), "expires_at": expires_at, "claimed_until": None}})

    def fail(self, export_id: ObjectId, error: str) -> None:
        self.collection.update_one(
            {"_id": export_id},
            {"$set": {"status": "failed", "error": error[:300], "finished_at": utcnow(),
                      "claimed_until": None}})

    def expire_before(self, cutoff: datetime) -> list[dict]:
        """Mark finished exports whose link ran out as expired; return them."""
        expired = list(self.collection.find({"status": "ready", "expires_at": {"$lt": cutoff}},
                                            projection={"file_id": 1, "company_id": 1}))
        if expired:
            self.collection.update_many({"_id": {"$in": [d["_id"] for d in expired]}},
                                        {"$set": {"status": "expired", "file_id": None}})
        return expired


class ExportFiles:
    """The ZIP files, in their own GridFS bucket (never exported themselves)."""

    def __init__(self, db: Database):
        self.bucket = gridfs.GridFSBucket(db, bucket_name=BUCKET)

    def upload(self, *, filename: str, source: BinaryIO, company_id: ObjectId,
               export_id: ObjectId) -> ObjectId:
        return self.bucket.upload_from_stream(
            filename, source, metadata={"company_id": company_id, "export_id": export_id,
                                        "content_type": "application/zip"})

    def open(self, file_id: ObjectId):
        return self.bucket.open_download_stream(file_id)

    def delete(self, file_id: ObjectId | None) -> None:
        if file_id is None:
            return
        try:
            self.bucket.delete(file_id)
        except gridfs.errors.NoFile:
            pass
