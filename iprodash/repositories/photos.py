"""Job photos in GridFS (bucket ``photos``), tenant-scoped by metadata."""

from __future__ import annotations

from typing import Any

import gridfs
from bson import ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories.base import MissingTenant, to_object_id, utcnow

INDEXES = {
    "photos.files": [
        IndexModel([("metadata.company_id", ASCENDING), ("metadata.job_id", ASCENDING),
                    ("uploadDate", ASCENDING)]),
    ],
}


class PhotoRepository:
    """Store and read one company's photos; every read checks the company."""

    def __init__(self, db: Database, company_id: Any):
        if not company_id:
            raise MissingTenant("PhotoRepository needs a company.")
        self.company_id = to_object_id(company_id, "company")
        self.bucket = gridfs.GridFSBucket(db, bucket_name="photos")
        self.files = db["photos.files"]

    def save(self, *, job_id: ObjectId, data: bytes, content_type: str, kind: str,
             uploaded_by: ObjectId, uploader_role: str) -> ObjectId:
        filename = f"{ObjectId()}.{content_type.rsplit('/', 1)[-1]}"
        return self.bucket.upload_from_stream(filename, data, metadata={
            "company_id": self.company_id, "job_id": job_id, "content_type": content_type,
            "kind": kind, "uploaded_by": uploaded_by, "uploader_role": uploader_role,
            "uploaded_at": utcnow()})

    def for_job(self, job_id: ObjectId, limit: int = 100) -> list[dict]:
        return list(self.files.find({"metadata.company_id": self.company_id,
                                     "metadata.job_id": job_id})
                    .sort("uploadDate", ASCENDING).limit(limit))

    def get_file(self, photo_id: Any) -> dict | None:
        return self.files.find_one({"_id": to_object_id(photo_id, "photo"),
                                    "metadata.company_id": self.company_id})

    def read(self, photo_id: ObjectId) -> bytes:
        return self.bucket.open_download_stream(photo_id).read()

    def delete_for_job(self, job_id: ObjectId) -> int:
        count = 0
        for doc in self.for_job(job_id, limit=10_000):
            self.bucket.delete(doc["_id"])
            count += 1
        return count
