"""Tenant scoping that fails closed.

A :class:`TenantRepository` is built for one company and adds ``company_id``
to every filter and every inserted document. Building one without a company,
or handing it a filter that names another company, raises instead of
returning everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo.collection import Collection
from pymongo.database import Database

from iprodash.domain import clock
from iprodash.domain.errors import NotFound


#: Documents per ``insert_many`` call. The embedded server writes each call
#: (up to 1,000 documents) as one WiredTiger transaction, index entries
#: included: a job brings about 100 of them (search keys, filter keys), so a
#: 1,000-job call dirties tens of MB at once. Once those exceed what the
#: server's cache can evict around an open transaction, every write waits on
#: eviction and a seed that ran at 400 jobs/s stops (measured: 1,000-job
#: calls stall at 14,000 jobs with the default 1 GB cache and at 1,000 jobs
#: with 256 MB; 200-job calls run at a steady rate in both). Small calls
#: cost nothing measurable on either server.
WRITE_BATCH = 200


class MissingTenant(RuntimeError):
    """A company-scoped query was attempted without a company."""


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, from the one clock (:mod:`iprodash.domain.clock`)."""
    return clock.utc_now()


def insert_in_batches(collection: Collection, records: list[Mapping[str, Any]],
                      **kwargs: Any) -> list:
    """``insert_many`` (unordered) in calls of at most ``WRITE_BATCH`` documents.

    Returns:
        The inserted ids, in order.
    """
    ids: list = []
    for start in range(0, len(records), WRITE_BATCH):
        ids += collection.insert_many(records[start:start + WRITE_BATCH], ordered=False,
                                      **kwargs).inserted_ids
    return ids


def to_object_id(value: Any, what: str = "record") -> ObjectId:
    """Parse an id coming from the browser or an URL.

    Raises:
        NotFound: when the value is not a well-formed id (it cannot exist).
    """
    if isinstance(value, ObjectId):
        return value
    try:
        return ObjectId(str(value))
    except (InvalidId, TypeError) as exc:
        raise NotFound(f"That {what} does not exist.") from exc


class TenantRepository:
    """Base for collections whose documents belong to one company."""

    collection_name: str = ""

    def __init__(self, db: Database, company_id: ObjectId | str | None):
        if not company_id:
            raise MissingTenant(f"{type(self).__name__} needs a company.")
        self.company_id = to_object_id(company_id, "company")
        self.collection: Collection = db[self.collection_name]
        self.db = db

    def scoped(self, filter_: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Return ``filter_`` limited to this company."""
        query = dict(filter_ or {})
        other = query.get("company_id")
        if other is not None and other != self.company_id:
            raise MissingTenant("A filter named another company.")
        query["company_id"] = self.company_id
        return query

    def find_one(self, filter_: Mapping[str, Any], **kwargs: Any) -> dict | None:
        return self.collection.find_one(self.scoped(filter_), **kwargs)

    def get(self, record_id: Any, what: str = "record") -> dict:
        """The document with ``record_id`` in this company, or NotFound."""
        doc = self.find_one({"_id": to_object_id(record_id, what)})
        if doc is None:
            raise NotFound(f"That {what} does not exist.")
        return doc

    def find(self, filter_: Mapping[str, Any] | None = None, **kwargs: Any):
        return self.collection.find(self.scoped(filter_), **kwargs)

    def count(self, filter_: Mapping[str, Any] | None = None) -> int:
        return self.collection.count_documents(self.scoped(filter_))

    def insert(self, doc: Mapping[str, Any], **kwargs: Any) -> ObjectId:
        record = dict(doc)
        record["company_id"] = self.company_id
        inserted = self.collection.insert_one(record, **kwargs).inserted_id
        self._after_write()
        return inserted

    def insert_many(self, docs: Iterable[Mapping[str, Any]], **kwargs: Any) -> list:
        """Insert ``docs`` for this company, ``WRITE_BATCH`` documents per call."""
        records = [{**doc, "company_id": self.company_id} for doc in docs]
        try:
            return insert_in_batches(self.collection, records, **kwargs)
        finally:
            self._after_write()

    def update_one(self, filter_: Mapping[str, Any], update: Mapping[str, Any], **kwargs: Any):
        self._refuse_company_change(update)
        try:
            return self.collection.update_one(self.scoped(filter_), update, **kwargs)
        finally:
            self._after_write()

    def update_many(self, filter_: Mapping[str, Any], update: Mapping[str, Any], **kwargs: Any):
        self._refuse_company_change(update)
        try:
            return self.collection.update_many(self.scoped(filter_), update, **kwargs)
        finally:
            self._after_write()

    def find_one_and_update(self, filter_: Mapping[str, Any], update: Mapping[str, Any],
                            **kwargs: Any) -> dict | None:
        self._refuse_company_change(update)
        try:
            return self.collection.find_one_and_update(self.scoped(filter_), update, **kwargs)
        finally:
            self._after_write()

    def delete_many(self, filter_: Mapping[str, Any]):
        try:
            return self.collection.delete_many(self.scoped(filter_))
        finally:
            self._after_write()

    def _after_write(self) -> None:
        """Called after every write through this repository (see event_cache)."""

    def aggregate(self, pipeline: list[dict[str, Any]], **kwargs: Any):
        """Run ``pipeline`` after a leading ``$match`` on this company."""
        first = pipeline[0] if pipeline else {}
        match = self.scoped(first.get("$match")) if "$match" in first else self.scoped()
        rest = pipeline[1:] if "$match" in first else pipeline
        return self.collection.aggregate([{"$match": match}, *rest], **kwargs)

    @staticmethod
    def _refuse_company_change(update: Mapping[str, Any]) -> None:
        for operator in update.values():
            if isinstance(operator, Mapping) and "company_id" in operator:
                raise MissingTenant("A record cannot move to another company.")
