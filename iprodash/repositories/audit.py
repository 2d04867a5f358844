"""The append-only audit log, hash-chained per company.

Each entry stores the hash of the previous entry of the same company (or of
the platform, for operator actions without a company). Appending moves the
chain head with a compare-and-set, so concurrent writers cannot fork it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow

INDEXES = {
    "audit_log": [
        IndexModel([("company_id", ASCENDING), ("seq", DESCENDING)], unique=True),
        IndexModel([("company_id", ASCENDING), ("action", ASCENDING), ("seq", DESCENDING)]),
        IndexModel([("company_id", ASCENDING), ("actor_id", ASCENDING), ("seq", DESCENDING)]),
        IndexModel([("company_id", ASCENDING), ("target_type", ASCENDING),
                    ("target_id", ASCENDING), ("seq", DESCENDING)]),
    ],
    "audit_heads": [],
}

GENESIS = "0" * 64
# The entry that vouches for entries whose personal data was removed.
REDACTION_ACTION = "privacy.redacted"


def _canonical(value: Any) -> Any:
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 over the entry's content and its ``prev_hash``."""
    body = {k: v for k, v in entry.items() if k not in ("_id", "hash")}
    data = json.dumps(_canonical(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


class AuditChain:
    """Appends entries for any company (or the platform when None)."""

    def __init__(self, db: Database):
        self.entries = db["audit_log"]
        self.heads = db["audit_heads"]

    def append(self, *, company_id: ObjectId | None, entry: dict[str, Any]) -> dict:
        key = str(company_id) if company_id else "platform"
        # created_at is truncated to milliseconds so the stored value hashes the same.
        now = utcnow()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        for _ in range(50):
            head = self.heads.find_one({"_id": key}) or {"seq": 0, "hash": GENESIS}
            record = {**entry, "company_id": company_id, "seq": head["seq"] + 1,
                      "prev_hash": head["hash"], "created_at": now}
            record["hash"] = entry_hash(record)
            try:
                if head["seq"] == 0 and "_id" not in head:
                    self.heads.insert_one({"_id": key, "seq": 1, "hash": record["hash"]})
                else:
                    moved = self.heads.update_one(
                        {"_id": key, "seq": head["seq"], "hash": head["hash"]},
                        {"$set": {"seq": record["seq"], "hash": record["hash"]}})
                    if moved.modified_count != 1:
                        continue
            except DuplicateKeyError:
                continue
            self.entries.insert_one(record)
            return record
        raise RuntimeError("The audit log is too busy; try again.")

    def verify(self, company_id: ObjectId | None) -> tuple[bool, int, str]:
        """Walk the chain; return (ok, entries checked, first problem).

        An entry redacted for a privacy request keeps its links but not its
        content hash; it counts as intact only when a later
        ``REDACTION_ACTION`` entry lists its seq.
        """
        previous, expected_seq, checked = GENESIS, 1, 0
        redacted: list[int] = []
        vouched: set[int] = set()
        for entry in self.entries.find({"company_id": company_id}).sort("seq", ASCENDING):
            if entry["seq"] != expected_seq:
                return False, checked, f"entry {expected_seq} is missing"
            content_ok = bool(entry.get("redacted")) or entry_hash(entry) == entry.get("hash")
            if entry.get("prev_hash") != previous or not content_ok:
                return False, checked, f"entry {entry['seq']} was altered"
            if entry.get("redacted"):
                redacted.append(entry["seq"])
            elif entry.get("action") == REDACTION_ACTION:
                vouched.update(seq for first, last in (entry.get("after") or {}).get(
                    "seq_ranges", []) for seq in range(first, min(last, entry["seq"] - 1) + 1))
            previous, expected_seq, checked = entry["hash"], expected_seq + 1, checked + 1
        unvouched = [seq for seq in redacted if seq not in vouched]
        if unvouched:
            return False, checked, f"entry {unvouched[0]} was altered"
        return True, checked, ""


class AuditRepository(TenantRepository):
    """Reads of one company's audit log, newest first, keyset-paged by seq."""

    collection_name = "audit_log"

    def page(self, *, action: str | None, actor_id: str | None, before_seq: int | None,
             since: datetime | None, limit: int, until: datetime | None = None,
             target_type: str | None = None, target_id: str | None = None) -> list[dict]:
        """``action`` ending in "." matches every action of that group (``user.``)."""
        query: dict[str, Any] = {}
        if action and action.endswith("."):
            query["action"] = {"$regex": f"^{re.escape(action)}"}
        elif action:
            query["action"] = action
        if actor_id:
            query["actor_id"] = to_object_id(actor_id, "user")
        if before_seq:
            query["seq"] = {"$lt": before_seq}
        if since or until:
            query["created_at"] = {k: v for k, v in (("$gte", since), ("$lt", until)) if v}
        if target_type:
            query["target_type"] = target_type
        if target_id:
            query["target_id"] = target_id
        return list(self.find(query).sort("seq", DESCENDING).limit(limit))
