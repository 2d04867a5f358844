"""Deleting GridFS files, some of which may already be gone (another worker's run)."""

from __future__ import annotations

from collections.abc import Iterable

import gridfs
from bson import ObjectId
from pymongo.database import Database


def delete_files(db: Database, bucket_name: str, file_ids: Iterable[ObjectId]) -> int:
    """Delete each file of ``bucket_name``; returns how many were there to delete."""
    bucket = gridfs.GridFSBucket(db, bucket_name=bucket_name)
    deleted = 0
    for file_id in file_ids:
        try:
            bucket.delete(file_id)
            deleted += 1
        except gridfs.errors.NoFile:
            pass
    return deleted
