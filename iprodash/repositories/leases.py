"""Leader leases so that only one scheduler process runs the jobs."""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from iprodash.repositories.base import utcnow

INDEXES: dict = {"scheduler_leases": []}


class LeaseRepository:
    """A lease is a document ``{_id: name, holder, expires_at}``."""

    def __init__(self, db: Database):
        self.collection = db["scheduler_leases"]

    def acquire(self, name: str, holder: str, ttl_seconds: int,
                now: datetime | None = None) -> bool:
        """Take or renew the lease; True when ``holder`` holds it afterwards.

        One atomic update takes an expired lease or renews one's own; when no
        lease exists the unique ``_id`` lets exactly one insert win.
        """
        now = now or utcnow()
        fields = {"holder": holder, "expires_at": now + timedelta(seconds=ttl_seconds)}
        result = self.collection.update_one(
            {"_id": name, "$or": [{"holder": holder}, {"expires_at": {"$lt": now}}]},
            {"$set": fields})
        if result.matched_count:
            return True
        try:
            self.collection.insert_one({"_id": name, **fields})
            return True
        except DuplicateKeyError:
            return False

    def release(self, name: str, holder: str) -> None:
        self.collection.delete_one({"_id": name, "holder": holder})

    def current(self, name: str) -> dict | None:
        return self.collection.find_one({"_id": name})
