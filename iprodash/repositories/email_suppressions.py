"""Email addresses that bounced or complained: the dispatcher stops mailing them.

Platform-wide on purpose: a hard bounce is a fact about the address, not
about one company. Keyed by the address's keyed hash
(services.pseudonyms.email_pseudonym), so the list never holds the address;
marks written before that are keyed by the lower-cased address and are
still honoured (and erased with the person).
"""

from __future__ import annotations

from datetime import datetime

from pymongo.database import Database

INDEXES: dict = {"email_suppressions": []}  # keyed by _id (the address's hash)


def _plain(email: str) -> str:
    return (email or "").strip().lower()


class EmailSuppressionRepository:
    """Mark, look up and clear suppressed addresses (by their keyed hash)."""

    def __init__(self, db: Database):
        self.collection = db["email_suppressions"]

    def mark(self, key: str, *, reason: str, detail: str, at: datetime) -> None:
        self.collection.update_one(
            {"_id": key},
            {"$set": {"reason": reason, "detail": detail[:300], "at": at},
             "$setOnInsert": {"first_at": at}},
            upsert=True)

    def get(self, key: str, email: str = "") -> dict | None:
        """The mark under ``key``, or an older one under the plain ``email``."""
        ids = [key, _plain(email)] if email else [key]
        return self.collection.find_one({"_id": {"$in": ids}})

    def clear(self, key: str, email: str = "") -> int:
        ids = [key, _plain(email)] if email else [key]
        return self.collection.delete_many({"_id": {"$in": ids}}).deleted_count

    def forget_plain(self, email: str) -> int:
        """Erasure: a mark still keyed by the address itself goes."""
        return self.collection.delete_many({"_id": _plain(email)}).deleted_count
