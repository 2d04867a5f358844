"""Texts received from clients and technicians, shown as conversation threads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories.base import TenantRepository, to_object_id
from iprodash.repositories.conversations import ConversationRepository

INDEXES = {
    "sms_inbound": [
        IndexModel([("company_id", ASCENDING), ("phone", ASCENDING), ("_id", DESCENDING)]),
        IndexModel([("company_id", ASCENDING), ("_id", DESCENDING)]),
        IndexModel([("received_at", ASCENDING)]),
    ],
}


def company_for_sending_number(db: Database, number: str) -> dict | None:
    """The company that texts from ``number`` (its settings name it)."""
    return db["companies"].find_one({"sms.sending_number": number})


class SmsInboundRepository(TenantRepository):
    """A company's received texts."""

    collection_name = "sms_inbound"

    def add(self, *, phone: str, text: str, received_at: datetime, event_id: str,
            provider_id: str, keyword: str | None, client_id: ObjectId | None) -> ObjectId:
        """Store a received text and count it on its conversation (last message, unread)."""
        inserted = self.insert({"phone": phone, "text": text, "received_at": received_at,
                                "event_id": event_id, "provider_id": provider_id,
                                "keyword": keyword, "client_id": client_id, "read_at": None})
        ConversationRepository(self.db, self.company_id).note_inbound(
            phone=phone, text=text, at=received_at, client_id=client_id)
        return inserted

    def from_phone(self, phone: str, limit: int) -> list[dict]:
        return list(self.find({"phone": phone}).sort("_id", DESCENDING).limit(limit))

    def latest(self, *, before_id: str | None, limit: int) -> list[dict]:
        """The newest received texts of the company, keyset-paged."""
        query: dict[str, Any] = {}
        if before_id:
            query["_id"] = {"$lt": to_object_id(before_id, "message")}
        return list(self.find(query).sort("_id", DESCENDING).limit(limit))

    def newer_than(self, after_id: ObjectId | None, *, phone: str | None = None,
                   limit: int = 20) -> list[dict]:
        """Texts received after ``after_id`` (all when None), newest first: the live
        refresh asks this every few seconds, so it reads only the index range past
        ``after_id`` of ``(company_id, [phone,] _id)``."""
        query: dict[str, Any] = {"phone": phone} if phone else {}
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        return list(self.find(query, projection={"phone": 1, "received_at": 1})
                    .sort("_id", DESCENDING).limit(limit))

    def mark_read(self, phone: str, at: datetime) -> int:
        return self.update_many({"phone": phone, "read_at": None},
                                {"$set": {"read_at": at}}).modified_count
