"""The one unscoped read of the public receipt link: which company a job id belongs to.

The link ``/api/receipt/<job id>/<token>`` names no company. This lookup
returns only the job's ``company_id``; everything else is read through the
company's own :class:`~iprodash.repositories.jobs.JobRepository` once the
HMAC token (the credential) has been checked against that job.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo.database import Database


class ReceiptLookup:
    """Find the company of a job named by a receipt link."""

    def __init__(self, db: Database):
        self.collection = db["jobs"]

    def company_of_job(self, job_id: Any) -> ObjectId | None:
        try:
            oid = job_id if isinstance(job_id, ObjectId) else ObjectId(str(job_id))
        except (InvalidId, TypeError):
            return None
        doc = self.collection.find_one({"_id": oid}, projection={"company_id": 1})
        return (doc or {}).get("company_id")
