"""One summary document per company and phone number: the conversation list.

``{company_id, phone, client_id, last_at, last_text, last_direction, unread,
read_at, read_by}``. Received texts and staff replies update it as they are
stored, so the Messages page lists conversations with one indexed page query
instead of grouping every text, and the read marker lives here (per company
and thread). The company's number of unread conversations is a counter
document (``counters``: ``<company_id>:unread_conversations``) moved by the
same writes, so the navigation badge costs one lookup by ``_id``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from iprodash.repositories.base import TenantRepository
from iprodash.repositories.keyset import keyset_page

INDEXES = {
    "conversations": [
        IndexModel([("company_id", ASCENDING), ("phone", ASCENDING)], unique=True),
        IndexModel([("company_id", ASCENDING), ("last_at", DESCENDING), ("_id", DESCENDING)]),
        IndexModel([("company_id", ASCENDING), ("client_id", ASCENDING)]),
        IndexModel([("last_at", ASCENDING)]),
    ],
}
UNREAD = "unread_conversations"
PREVIEW = 200


class ConversationRepository(TenantRepository):
    """A company's conversations, one per phone number."""

    collection_name = "conversations"

    def _counter(self, delta: int) -> None:
        self.db["counters"].update_one(
            {"_id": f"{self.company_id}:{UNREAD}", "company_id": self.company_id},
            {"$inc": {"seq": delta}}, upsert=True)

    def unread_count(self) -> int:
        """Conversations with texts nobody in the company has read yet."""
        doc = self.db["counters"].find_one({"_id": f"{self.company_id}:{UNREAD}"},
                                           projection={"seq": 1})
        return max(int(doc["seq"]), 0) if doc else 0

    def note_inbound(self, *, phone: str, text: str, at: datetime,
                     client_id: ObjectId | None) -> None:
        """A text from ``phone`` arrived: it is the last message and one more unread."""
        before = self.find_one_and_update(
            {"phone": phone},
            {"$set": {"last_at": at, "last_text": text[:PREVIEW], "last_direction": "in",
                      **({"client_id": client_id} if client_id else {})},
             "$inc": {"unread": 1},
             "$setOnInsert": {"read_at": None}},
            upsert=True, return_document=ReturnDocument.BEFORE)
        if not (before or {}).get("unread"):
            self._counter(1)

    def note_outbound(self, *, phone: str, text: str, at: datetime,
                      client_id: ObjectId | None) -> None:
        """Staff replied: the reply is the last message (the office has seen the thread)."""
        self.find_one_and_update(
            {"phone": phone},
            {"$set": {"last_at": at, "last_text": text[:PREVIEW], "last_direction": "out",
                      **({"client_id": client_id} if client_id else {})},
             "$setOnInsert": {"unread": 0, "read_at": None}},
            upsert=True)

    def mark_read(self, phone: str, *, at: datetime, by: ObjectId | None) -> bool:
        """Move the thread's read marker to ``at``; True when it had unread texts."""
        before = self.find_one_and_update(
            {"phone": phone}, {"$set": {"unread": 0, "read_at": at, "read_by": by}},
            return_document=ReturnDocument.BEFORE)
        if before and before.get("unread"):
            self._counter(-1)
            return True
        return False

    def by_phone(self, phone: str) -> dict | None:
        return self.find_one({"phone": phone})

    def page(self, *, after: tuple[datetime, ObjectId] | None, limit: int) -> list[dict]:
        """Newest conversation first, keyset-paged on ``(last_at, _id)``."""
        return keyset_page(self, {}, field="last_at", after=after, limit=limit, descending=True)

    def forget_phone(self, phone: str) -> int:
        """Erasure: the number's conversation goes (and its unread count with it)."""
        doc = self.find_one({"phone": phone})
        if doc is None:
            return 0
        if doc.get("unread"):
            self._counter(-1)
        return self.delete_many({"_id": doc["_id"]}).deleted_count

    def changed_since(self, since: datetime) -> list[dict[str, Any]]:
        """Conversations whose last message is newer than ``since`` (the live refresh)."""
        return list(self.find({"last_at": {"$gt": since}}).sort("last_at", DESCENDING).limit(50))
