"""Reports: finished PDFs in GridFS, and the job reads the reports need.

Each PDF is one file of the GridFS bucket ``reports``; its ``metadata``
says for which company, what (kind, title, parameters, page count) and who
made it, and ``uploadDate`` says when. The retention task deletes files
older than ``IPRODASH_REPORT_RETENTION_DAYS`` from the same bucket, so the
list of reports and the stored files never drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import gridfs
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from iprodash.domain.errors import NotFound
from iprodash.repositories.base import MissingTenant, TenantRepository, to_object_id

BUCKET = "reports"
FILES = f"{BUCKET}.files"
PDF_MIME = "application/pdf"

INDEXES = {
    FILES: [IndexModel([("metadata.company_id", ASCENDING), ("_id", DESCENDING)]),
            IndexModel([("metadata.company_id", ASCENDING), ("metadata.kind", ASCENDING),
                        ("_id", DESCENDING)])],
}

_JOB_LINE_FIELDS = {"number": 1, "closed_at": 1, "closed_day": 1, "address.city": 1,
                    "finance": 1, "settlement_id": 1}


class ReportFiles(TenantRepository):
    """One company's finished report PDFs (GridFS bucket ``reports``)."""

    collection_name = FILES

    def __init__(self, db, company_id):
        super().__init__(db, company_id)
        self.bucket = gridfs.GridFSBucket(db, bucket_name=BUCKET)

    def scoped(self, filter_: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GridFS keeps the owner in ``metadata.company_id``; scope on that."""
        query = dict(filter_ or {})
        other = query.get("metadata.company_id")
        if "company_id" in query or (other is not None and other != self.company_id):
            raise MissingTenant("A filter named another company.")
        query["metadata.company_id"] = self.company_id
        return query

    def save(self, *, filename: str, data: bytes, metadata: Mapping[str, Any]) -> ObjectId:
        """Store one PDF with who/when/what metadata; returns its file id."""
        meta = {**metadata, "company_id": self.company_id, "content_type": PDF_MIME}
        return self.bucket.upload_from_stream(filename, data, metadata=meta)

    def page(self, *, kinds: Iterable[str] | None, before_id: str | None,
             limit: int) -> list[dict]:
        """Newest first, keyset-paged by ``_id``; only ``kinds`` when given."""
        query: dict[str, Any] = {}
        if kinds is not None:
            kinds = list(kinds)
            query["metadata.kind"] = kinds[0] if len(kinds) == 1 else {"$in": kinds}
        if before_id:
            query["_id"] = {"$lt": to_object_id(before_id, "report")}
        return list(self.find(query).sort("_id", DESCENDING).limit(limit))

    def get_file(self, report_id: Any) -> dict:
        """The file document of this company's report, or NotFound."""
        doc = self.find_one({"_id": to_object_id(report_id, "report")})
        if doc is None:
            raise NotFound("That report does not exist. It may have been deleted after "
                           "the retention period.")
        return doc

    def open(self, report_id: Any):
        """A readable stream of this company's report (checked first)."""
        return self.bucket.open_download_stream(self.get_file(report_id)["_id"])

    def read(self, report_id: Any) -> bytes:
        with self.open(report_id) as stream:
            return stream.read()

    def by_delivery(self, delivery_key: str) -> list[dict]:
        """Files already rendered for one scheduled delivery."""
        return list(self.find({"metadata.delivery_key": delivery_key}).sort("_id", ASCENDING))


class ReportSources(TenantRepository):
    """Read-only job queries of the reports (names come from the technicians
    and lead sources repositories).

    Every query is a narrow indexed window (``company_id`` plus a technician
    and/or a half-open ``closed_at`` range) with a projection.
    """

    collection_name = "jobs"

    def closed_jobs_of_technician(self, technician_id: ObjectId, start: datetime,
                                  end: datetime) -> list[dict]:
        """A technician's jobs closed in [start, end), oldest first, with finance."""
        cursor = self.find({"technician_id": technician_id,
                            "closed_at": {"$gte": start, "$lt": end}, "status": "closed"},
                           projection=_JOB_LINE_FIELDS)
        return sorted(cursor, key=lambda job: (job["closed_at"], job["_id"]))

    def technicians_with_closed_jobs(self, start: datetime, end: datetime) -> list[ObjectId]:
        """Technicians who closed at least one job in [start, end)."""
        rows = self.aggregate([
            {"$match": {"closed_at": {"$gte": start, "$lt": end}, "status": "closed",
                        "technician_id": {"$ne": None}}},
            {"$group": {"_id": "$technician_id"}},
        ])
        return [row["_id"] for row in rows]
