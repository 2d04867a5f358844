"""The append-only audit log, hash-chained per company.

Each entry stores the hash of the previous entry of the same company (or of
the platform, for operator actions without a company). Appending moves the
chain head with a compare-and-set, so concurrent writers cannot fork it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow
from iprodash.settings import get_settings

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


def head_mac(key: str, seq: int, last_hash: str) -> str:
    """HMAC-SHA256 (the app's secret key) over a chain head.

    Whoever can write to the database but does not hold the secret key can
    neither move a head back (to hide deleted entries) nor onto a rewritten
    chain without the signature failing.
    """
    message = f"audit-head|{key}|{seq}|{last_hash}".encode()
    return hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).hexdigest()


def _head_key(company_id: ObjectId | None) -> str:
    return str(company_id) if company_id else "platform"


class AuditChain:
    """Appends entries for any company (or the platform when None)."""

    def __init__(self, db: Database):
        self.entries = db["audit_log"]
        self.heads = db["audit_heads"]

    def append(self, *, company_id: ObjectId | None, entry: dict[str, Any]) -> dict:
        key = _head_key(company_id)
        # created_at is truncated to milliseconds so the stored value hashes the same.
        now = utcnow()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        for _ in range(50):
            head = self.heads.find_one({"_id": key}) or {"seq": 0, "hash": GENESIS}
            record = {**entry, "company_id": company_id, "seq": head["seq"] + 1,
                      "prev_hash": head["hash"], "created_at": now}
            record["hash"] = entry_hash(record)
            mac = head_mac(key, record["seq"], record["hash"])
            try:
                if head["seq"] == 0 and "_id" not in head:
                    self.heads.insert_one({"_id": key, "seq": 1, "hash": record["hash"],
                                           "mac": mac})
                else:
                    moved = self.heads.update_one(
                        {"_id": key, "seq": head["seq"], "hash": head["hash"]},
                        {"$set": {"seq": record["seq"], "hash": record["hash"], "mac": mac}})
                    if moved.modified_count != 1:
                        continue
            except DuplicateKeyError:
                continue
            self.entries.insert_one(record)
            return record
        raise RuntimeError("The audit log is too busy; try again.")

    def verify(self, company_id: ObjectId | None) -> tuple[bool, int, str]:
        """Walk the chain; return (ok, entries checked, first problem).

        The chain must end exactly at its signed head in ``audit_heads``: the
        head's HMAC proves it was written by the app, its seq and hash
        prove no newest entries were deleted (or the whole chain) and that
        the entries are the ones the app wrote, not a recomputed copy.

        An entry redacted for a privacy request keeps its links but not its
        content hash; it counts as intact only when a later
        ``REDACTION_ACTION`` entry lists its seq.
        """
        ok, checked, problem = self._walk(company_id)
        if not ok:
            return ok, checked, problem
        problem = self._head_problem(company_id, checked)
        return (not problem), checked, problem

    def _head_problem(self, company_id: ObjectId | None, count: int) -> str:
        """'' when the signed head matches a chain of ``count`` entries."""
        key = _head_key(company_id)
        head = self.heads.find_one({"_id": key})
        if head is None:
            return "the chain head is missing" if count else ""
        seq, last_hash = head.get("seq"), head.get("hash")
        if "mac" not in head:
            return ("the chain head is not signed (a head from before heads were signed: "
                    "run `python -m iprodash.cli audit sign-heads` once)")
        if not isinstance(seq, int) or not isinstance(last_hash, str) or not hmac.compare_digest(
                str(head.get("mac") or ""), head_mac(key, seq, last_hash)):
            return "the chain head's signature does not match (the head was rewritten)"
        if count < seq:
            missing = seq - count
            return (f"all {seq} entries are missing" if count == 0 else
                    f"the newest {missing} entr{'y is' if missing == 1 else 'ies are'} missing "
                    f"(the head records {seq})")
        if count > seq:
            return f"entries after {seq} were added outside the app"
        last = self.entries.find_one({"company_id": company_id, "seq": seq},
                                     projection={"hash": 1})
        if last is None or last.get("hash") != last_hash:
            return f"entry {seq} does not match the signed head (the chain was rewritten)"
        return ""

    def sign_unsigned_heads(self) -> int:
        """Sign heads written before heads were signed, once their chain verifies.

        Returns:
            How many heads were signed. A head whose chain does not walk to
            it is left unsigned, so verification keeps reporting it.
        """
        signed = 0
        for head in self.heads.find({"mac": {"$exists": False}}):
            key = head["_id"]
            if key != "platform" and not ObjectId.is_valid(key):
                continue
            company_id = None if key == "platform" else ObjectId(key)
            ok, checked, _ = self._walk(company_id)
            last = self.entries.find_one({"company_id": company_id, "seq": head.get("seq")},
                                         projection={"hash": 1})
            if not ok or checked != head.get("seq") or not last or last["hash"] != head["hash"]:
                continue
            moved = self.heads.update_one(
                {"_id": key, "seq": head["seq"], "hash": head["hash"], "mac": {"$exists": False}},
                {"$set": {"mac": head_mac(key, head["seq"], head["hash"])}})
            signed += moved.modified_count
        return signed

    def chain_ids(self) -> list[ObjectId | None]:
        """Every chain there is evidence of: the platform, entries' companies, heads."""
        ids: dict[str, ObjectId | None] = {"platform": None}
        for company_id in self.entries.distinct("company_id"):
            if company_id is not None:
                ids[str(company_id)] = company_id
        for key in self.heads.distinct("_id"):
            if key != "platform" and ObjectId.is_valid(key):
                ids[key] = ObjectId(key)
        return list(ids.values())

    def _walk(self, company_id: ObjectId | None) -> tuple[bool, int, str]:
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
