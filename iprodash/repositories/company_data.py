"""Everything one company owns, found generically: for export and erasure.

Company collections are discovered, not listed: every collection holding a
document with this ``company_id`` (DESIGN.md: each has an index starting
with ``company_id``), and every GridFS bucket's files whose
``metadata.company_id`` is the company. Collections added later are
exported and erased without touching this module.
"""

from __future__ import annotations

import re
from typing import Any

from datetime import datetime

import gridfs
from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument, UpdateOne
from pymongo.database import Database

from iprodash.domain.pseudonyms import PREFIX as PSEUDONYM_PREFIX
from iprodash.repositories.base import MissingTenant, to_object_id, utcnow
from iprodash.repositories import gridfs_files

# Credentials and machinery: never part of an export. usage_log is the
# platform's security log (a person gets their own entries).
NOT_EXPORTED = {"sessions", "one_time_tokens", "tech_links", "exports", "audit_heads",
                "erasure_ledger",
                "scheduler_leases", "scheduler_runs", "counters", "usage_log"}
EXPORT_BUCKET = "exports"
# Audit targets that are a person's number or address (named by a keyed hash).
PERSONAL_TARGET_TYPES = {"phone", "email"}
INDEXES = {
    "companies": [IndexModel([("deletion.due_at", ASCENDING)], sparse=True),
                  IndexModel([("records_until", ASCENDING)], sparse=True)],
    # A client's erasure finds their jobs without reading the company's others.
    "jobs": [IndexModel([("company_id", ASCENDING), ("client_id", ASCENDING)])],
}


def _is_gridfs(name: str) -> bool:
    return name.endswith(".files") or name.endswith(".chunks")


class CompanyData:
    """Reads and erases one company's documents and files."""

    def __init__(self, db: Database, company_id: Any):
        if not company_id:
            raise MissingTenant("Reading a company's data needs the company.")
        self.company_id = to_object_id(company_id, "company")
        self.db = db

    def company(self) -> dict | None:
        return self.db["companies"].find_one({"_id": self.company_id})

    def collections(self, *, skip: set[str] = NOT_EXPORTED) -> list[str]:
        """Collections holding at least one of this company's documents."""
        names = []
        for name in sorted(self.db.list_collection_names()):
            if name.startswith("system.") or name in skip or _is_gridfs(name):
                continue
            if self.db[name].find_one({"company_id": self.company_id}, projection={"_id": 1}):
                names.append(name)
        return names

    def stream(self, name: str, extra: dict[str, Any] | None = None):
        """This company's documents of ``name`` (one cursor, no sort)."""
        return self.db[name].find({**(extra or {}), "company_id": self.company_id},
                                  batch_size=500)

    def file_buckets(self, *, include_exports: bool = False) -> list[str]:
        buckets = [name[: -len(".files")] for name in self.db.list_collection_names()
                   if name.endswith(".files")]
        return sorted(b for b in buckets if include_exports or b != EXPORT_BUCKET)

    def files(self, bucket: str, extra: dict[str, Any] | None = None):
        """GridFS file records of this company (``metadata.company_id``)."""
        query = {**(extra or {}), "metadata.company_id": self.company_id}
        return self.db[f"{bucket}.files"].find(query, batch_size=200)

    def open_file(self, bucket: str, file_id: ObjectId):
        return gridfs.GridFSBucket(self.db, bucket_name=bucket).open_download_stream(file_id)

    # --- erasure -------------------------------------------------------------

    def delete_files(self, extra: dict[str, Any] | None = None) -> int:
        """Delete this company's GridFS files (all buckets) matching ``extra``."""
        deleted = 0
        for bucket_name in self.file_buckets(include_exports=True):
            ids = [record["_id"] for record in self.files(bucket_name, extra)]
            deleted += gridfs_files.delete_files(self.db, bucket_name, ids)
        return deleted

    def delete_all(self, name: str, extra: dict[str, Any] | None = None) -> int:
        query = {**(extra or {}), "company_id": self.company_id}
        return self.db[name].delete_many(query).deleted_count

    def people(self) -> tuple[list[ObjectId], list[str]]:
        """Ids and emails of the company's user accounts."""
        users = list(self.db["users"].find({"company_id": self.company_id},
                                           projection={"email": 1}))
        return [u["_id"] for u in users], [u["email"] for u in users if u.get("email")]

    def delete_unscoped_traces(self, user_ids: list[ObjectId], emails: list[str]) -> int:
        """Records that point at the company's people without a company_id."""
        deleted = self.db["one_time_tokens"].delete_many(
            {"$or": [{"user_id": {"$in": user_ids}}, {"email": {"$in": emails}}]}).deleted_count
        deleted += self.db["usage_log"].delete_many(
            {"$or": [{"user_id": {"$in": user_ids}}, {"email": {"$in": emails}}]}).deleted_count
        deleted += self.db["sessions"].delete_many({"user_id": {"$in": user_ids}}).deleted_count
        prefix = f"^{re.escape(str(self.company_id))}:"
        deleted += self.db["counters"].delete_many({"_id": {"$regex": prefix}}).deleted_count
        return deleted

    def rewrite(self, name: str, changes: list[tuple[ObjectId, dict[str, Any]]]) -> int:
        """``$set`` each document's own changes, in one bulk write."""
        if not changes:
            return 0
        result = self.db[name].bulk_write([
            UpdateOne({"_id": doc_id, "company_id": self.company_id}, {"$set": fields})
            for doc_id, fields in changes])
        return result.modified_count

    def audit_entries_mentioning(self, needles: list[str], target_ids: set[str]) -> list[ObjectId]:
        """Ids of audit entries about ``target_ids`` or whose content holds a needle."""
        found = []
        projection = {"before": 1, "after": 1, "reason": 1, "target_id": 1}
        for entry in self.db["audit_log"].find({"company_id": self.company_id,
                                                "redacted": {"$exists": False}},
                                               projection=projection, batch_size=1000):
            text = repr((entry.get("before"), entry.get("after"), entry.get("reason"),
                         entry.get("target_id"))).lower()
            if entry.get("target_id") in target_ids or any(n in text for n in needles):
                found.append(entry["_id"])
        return found

    def replace(self, name: str, doc: dict[str, Any]) -> None:
        self.db[name].replace_one({"_id": doc["_id"], "company_id": self.company_id}, doc)

    def redact_audit(self, entry_ids: list[ObjectId] | None, *, keep_actor: bool) -> list[int]:
        """Remove personal content from audit entries (all when ``entry_ids`` is None).

        The stored hash and links stay, so the chain still verifies once a
        ``privacy.redacted`` entry vouches for the returned seqs.
        """
        query: dict[str, Any] = {"company_id": self.company_id, "redacted": {"$exists": False}}
        if entry_ids is not None:
            query["_id"] = {"$in": entry_ids}
        seqs = [e["seq"] for e in self.db["audit_log"].find(query, projection={"seq": 1})]
        fields: dict[str, Any] = {"before": None, "after": None, "reason": "",
                                  "redacted": {"at": utcnow()}}
        if not keep_actor:
            fields.update(actor_name="deleted user", ip="")
        if seqs:
            entries = {"company_id": self.company_id, "seq": {"$in": seqs}}
            self.db["audit_log"].update_many(entries, {"$set": fields})
            # A visitor's address (no actor) is theirs, not staff's; an entry named by
            # a number or address itself (written before pseudonyms) loses that too.
            self.db["audit_log"].update_many({**entries, "actor_id": None}, {"$set": {"ip": ""}})
            plain = [e["_id"] for e in self.db["audit_log"].find(
                {**entries, "target_type": {"$in": sorted(PERSONAL_TARGET_TYPES)}},
                projection={"target_id": 1})
                if e.get("target_id") and not e["target_id"].startswith(PSEUDONYM_PREFIX)]
            if plain:
                self.db["audit_log"].update_many({"_id": {"$in": plain}},
                                                 {"$set": {"target_id": None}})
        return sorted(seqs)

    def forget_audit_chain(self) -> int:
        """Drop the whole audit chain (after the deleted company's record period)."""
        self.db["audit_heads"].delete_one({"_id": str(self.company_id)})
        return self.db["audit_log"].delete_many({"company_id": self.company_id}).deleted_count


class DeletionSchedule:
    """Company deletion requests and the record left after a purge."""

    def __init__(self, db: Database):
        self.companies = db["companies"]

    def request(self, company_id: ObjectId, deletion: dict[str, Any]) -> dict | None:
        """Mark an active company for deletion unless it already is."""
        return self.companies.find_one_and_update(
            {"_id": company_id, "status": "active", "deletion": None},
            {"$set": {"deletion": deletion, "updated_at": utcnow()}},
            return_document=ReturnDocument.AFTER)

    def cancel(self, company_id: ObjectId) -> dict | None:
        return self.companies.find_one_and_update(
            {"_id": company_id, "status": "active", "deletion": {"$ne": None}},
            {"$set": {"deletion": None, "updated_at": utcnow()}})

    def due(self, now: datetime) -> list[ObjectId]:
        rows = self.companies.find({"deletion.due_at": {"$lte": now}, "status": {"$ne": "deleted"}},
                                   projection={"_id": 1})
        return [row["_id"] for row in rows]

    def leave_record(self, company: dict, record: dict[str, Any]) -> None:
        """Replace the company with the anonymous record billing and audit need."""
        self.companies.replace_one({"_id": company["_id"]}, {"_id": company["_id"], **record})

    def records_ended(self, now: datetime) -> list[ObjectId]:
        rows = self.companies.find({"status": "deleted", "records_until": {"$lte": now}},
                                   projection={"_id": 1})
        return [row["_id"] for row in rows]

    def forget(self, company_id: ObjectId) -> None:
        self.companies.delete_one({"_id": company_id, "status": "deleted"})
