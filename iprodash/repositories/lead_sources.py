"""Lead sources: where jobs come from, and what each is paid."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow
from iprodash.repositories.event_cache import RosterCached
from iprodash.repositories.keyset import keyset_page

INDEXES = {
    "lead_sources": [
        IndexModel([("company_id", ASCENDING), ("name", ASCENDING), ("_id", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("active", ASCENDING), ("name", ASCENDING),
                    ("_id", ASCENDING)]),
    ],
}


class LeadSourceRepository(RosterCached, TenantRepository):
    """A company's lead sources."""

    collection_name = "lead_sources"

    def page(self, *, after: tuple[str, Any] | None, limit: int,
             active: bool | None = None) -> list[dict]:
        """Sources by name, keyset-paged on ``(name, _id)``."""
        cached = self._cached_sorted(active=active, limit=limit) if after is None else None
        if cached is not None:
            return cached
        base = {} if active is None else {"active": active}
        return keyset_page(self, base, field="name", after=after, limit=limit)

    def active_choices(self) -> list[dict]:
        """Every active source, by name (a company has a handful)."""
        cached = self._cached_sorted(active=True, fields=("name",))
        if cached is not None:
            return cached
        return list(self.find({"active": True}, projection={"name": 1})
                    .sort([("name", ASCENDING), ("_id", ASCENDING)]))

    def by_ids(self, ids: list[Any]) -> dict:
        """``{_id: doc}`` for the given ids (missing ones are left out)."""
        wanted = list({to_object_id(i, "lead source") for i in ids if i})
        if not wanted:
            return {}
        if (cached := self._cached_by_ids(wanted)) is not None:
            return cached
        return {doc["_id"]: doc for doc in self.find({"_id": {"$in": wanted}})}

    def set_fields(self, source_id: Any, fields: dict[str, Any]) -> dict | None:
        """``$set`` fields (and ``updated_at``); the document after, or None."""
        return self.find_one_and_update(
            {"_id": to_object_id(source_id, "lead source")},
            {"$set": {**fields, "updated_at": utcnow()}}, return_document=ReturnDocument.AFTER)
