"""Email addresses that bounced or complained: the dispatcher stops mailing them.

Platform-wide on purpose: a hard bounce is a fact about the address, not
about one company. Keyed by the lower-cased address.
"""

from __future__ import annotations

from datetime import datetime

from pymongo.database import Database

INDEXES: dict = {"email_suppressions": []}  # keyed by _id (the address)


class EmailSuppressionRepository:
    """Mark, look up and clear suppressed addresses."""

    def __init__(self, db: Database):
        self.collection = db["email_suppressions"]

    def mark(self, email: str, *, reason: str, detail: str, at: datetime) -> None:
        self.collection.update_one(
            {"_id": email.strip().lower()},
            {"$set": {"reason": reason, "detail": detail[:300], "at": at},
             "$setOnInsert": {"first_at": at}},
            upsert=True)

    def get(self, email: str) -> dict | None:
        return self.collection.find_one({"_id": (email or "").strip().lower()})

    def clear(self, email: str) -> bool:
        return self.collection.delete_one({"_id": email.strip().lower()}).deleted_count == 1
