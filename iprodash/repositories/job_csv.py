"""Bulk job I/O: streaming reads for the CSV export, bulk writes for imports.

The filters are the job list's: one exact ``filter_keys`` value (status,
technician, source) with a window on ``scheduled_start`` or ``closed_at``,
or unscheduled jobs, or exact search keys; each shape is served by an index
of :mod:`iprodash.repositories.jobs`. Rows come from one cursor in
batches, so the whole result never sits in memory.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING

from iprodash.repositories.base import TenantRepository
from iprodash.repositories.event_cache import bump_stamp

EXPORT_BATCH = 500


class JobExportReader(TenantRepository):
    """A company's jobs, read for export."""

    collection_name = "jobs"

    def _cursor(self, query: dict[str, Any], sort: list) -> Iterator[dict]:
        cursor = self.find(query, projection={"search_keys": 0, "filter_keys": 0,
                                              "status_history": 0})
        return iter(cursor.sort(sort).batch_size(EXPORT_BATCH))

    def in_window(self, *, filter_key: str, field: str, start: datetime, end: datetime,
                  descending: bool) -> Iterator[dict]:
        """Jobs with ``field`` in [start, end), by ``(field, _id)``."""
        order = DESCENDING if descending else ASCENDING
        query: dict[str, Any] = {field: {"$gte": start, "$lt": end}}
        if filter_key:
            query["filter_keys"] = filter_key
        return self._cursor(query, [(field, order), ("_id", order)])

    def unscheduled(self, *, filter_key: str) -> Iterator[dict]:
        """Jobs without a scheduled start, newest first."""
        query: dict[str, Any] = {"scheduled_start": None}
        if filter_key:
            query["filter_keys"] = filter_key
        return self._cursor(query, [("_id", DESCENDING)])

    def searched(self, *, filter_key: str, terms: list[str],
                 number: int | None) -> Iterator[dict]:
        """The job with ``number`` first, then jobs carrying every search term, newest first."""
        named = self._cursor({"number": number}, [("_id", DESCENDING)]) \
            if number is not None else iter(())
        seen = set()
        for job in named:
            if not filter_key or filter_key in self._keys(job["_id"]):
                seen.add(job["_id"])
                yield job
        if not terms:
            return
        # The longest term is read through the index; the rest and the filter are
        # checked on each row (the embedded server scans the collection for ``$all``).
        longest = max(terms, key=len)
        checked = [term for term in terms if term != longest]
        cursor = self.find({"search_keys": longest}, projection={"status_history": 0})
        for job in cursor.sort([("_id", DESCENDING)]).batch_size(EXPORT_BATCH):
            keys, filters = job.pop("search_keys", []), job.pop("filter_keys", [])
            if job["_id"] in seen or (filter_key and filter_key not in filters):
                continue
            if all(term in keys for term in checked):
                yield job

    def _keys(self, job_id: ObjectId) -> list[str]:
        doc = self.find_one({"_id": job_id}, projection={"filter_keys": 1}) or {}
        return doc.get("filter_keys", [])


class BulkJobWriter:
    """Insert many clients and jobs of one company in batches."""

    def __init__(self, db, company_id: ObjectId):
        self.clients = _Clients(db, company_id)
        self.jobs = _Jobs(db, company_id)

    def clients_by_digits(self, digits: list[str]) -> dict[str, dict]:
        """Existing clients by ``phone_digits`` (the oldest one per number)."""
        found: dict[str, dict] = {}
        for start in range(0, len(digits), 1000):
            chunk = digits[start:start + 1000]
            cursor = self.clients.find({"phone_digits": {"$in": chunk}},
                                       projection={"name": 1, "phone": 1, "phone_digits": 1,
                                                   "email": 1})
            for doc in cursor.sort("_id", ASCENDING):
                found.setdefault(doc["phone_digits"], doc)
        return found

    def insert(self, *, clients: list[dict], jobs: list[dict], batch: int = 5000,
               session=None) -> None:
        """Insert clients, then jobs, in batches (inside ``session`` when given)."""
        for repo, docs in ((self.clients, clients), (self.jobs, jobs)):
            for start in range(0, len(docs), batch):
                repo.insert_many(docs[start:start + batch], session=session)


class _Clients(TenantRepository):
    collection_name = "clients"


class _Jobs(TenantRepository):
    collection_name = "jobs"

    def _after_write(self) -> None:
        # Cached list pages and counts (event_cache) of every worker start again.
        bump_stamp(self.db, self.company_id, "jobs_stamp")
