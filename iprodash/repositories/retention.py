"""Deleting records older than their retention period, collection by collection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories import gridfs_files

INDEXES = {
    "outbox": [IndexModel([("status", ASCENDING), ("created_at", ASCENDING)])],
    "sent_box": [IndexModel([("sent_at", ASCENDING)])],
}


class RetentionRepository:
    """Age-based deletes across the platform (not tenant-scoped on purpose:
    retention applies to every company alike)."""

    def __init__(self, db: Database):
        self.db = db

    def delete_older_than(self, collection: str, field: str, cutoff: datetime,
                          extra: dict[str, Any] | None = None) -> int:
        if collection not in self.db.list_collection_names():
            return 0
        query = {**(extra or {}), field: {"$lt": cutoff}}
        return self.db[collection].delete_many(query).deleted_count

    def delete_files_older_than(self, bucket_name: str, cutoff: datetime) -> int:
        """GridFS files of ``bucket_name`` uploaded before ``cutoff``."""
        if f"{bucket_name}.files" not in self.db.list_collection_names():
            return 0
        old = [f["_id"] for f in self.db[f"{bucket_name}.files"].find(
            {"uploadDate": {"$lt": cutoff}}, projection={"_id": 1})]
        gridfs_files.delete_files(self.db, bucket_name, old)
        return len(old)
