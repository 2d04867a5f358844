"""Per-company sequences, e.g. readable job numbers (1, 2, 3, ...)."""

from __future__ import annotations

from pymongo import ReturnDocument

from iprodash.repositories.base import TenantRepository

JOBS = "jobs"


class CounterRepository(TenantRepository):
    """``{_id: "<company_id>:<name>", company_id, seq}`` documents."""

    collection_name = "counters"

    def _key(self, name: str) -> str:
        return f"{self.company_id}:{name}"

    def next_value(self, name: str = JOBS) -> int:
        """Atomically add one to the sequence and return the new value."""
        doc = self.find_one_and_update({"_id": self._key(name)}, {"$inc": {"seq": 1}},
                                       upsert=True, return_document=ReturnDocument.AFTER)
        return int(doc["seq"])

    def reserve(self, count: int, name: str = JOBS) -> int:
        """Reserve ``count`` values at once (bulk imports); returns the first."""
        if count <= 0:
            raise ValueError("count must be positive")
        doc = self.find_one_and_update({"_id": self._key(name)}, {"$inc": {"seq": count}},
                                       upsert=True, return_document=ReturnDocument.AFTER)
        return int(doc["seq"]) - count + 1

    def current(self, name: str = JOBS) -> int:
        """The last value handed out (0 when none)."""
        doc = self.find_one({"_id": self._key(name)})
        return int(doc["seq"]) if doc else 0
