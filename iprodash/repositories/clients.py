"""Clients: the people jobs are done for, found by phone or name prefix."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument

from iprodash.repositories.base import TenantRepository, to_object_id, utcnow
from iprodash.repositories.event_cache import read_in_event
from iprodash.repositories.keyset import keyset_page

# Clients read per phone number lookup, whatever the caller's limit: the job
# page's panels ask with different limits and share the one read of an event.
_PHONE_MATCHES = 20

INDEXES = {
    "clients": [
        IndexModel([("company_id", ASCENDING), ("phone_digits", ASCENDING)]),
        # Also serves the plain (company_id, search_keys) lookups of DATA_MODEL.md.
        IndexModel([("company_id", ASCENDING), ("search_keys", ASCENDING), ("name", ASCENDING),
                    ("_id", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("name", ASCENDING), ("_id", ASCENDING)]),
        # The privacy center finds a client by email (stored lower-cased).
        IndexModel([("company_id", ASCENDING), ("email", ASCENDING)]),
    ],
}


class ClientRepository(TenantRepository):
    """A company's clients."""

    collection_name = "clients"

    def by_phone_digits(self, digits: str, limit: int = 5) -> list[dict]:
        """Clients whose stored phone has exactly these digits, oldest first."""
        if not digits:
            return []
        read_limit = max(limit, _PHONE_MATCHES)  # callers asking for fewer share one read
        return read_in_event(
            ("clients.by_phone_digits", self.company_id, digits, read_limit), ("clients",),
            lambda: list(self.find({"phone_digits": digits}).sort("_id", ASCENDING)
                         .limit(read_limit)))[:limit]

    def by_email(self, email: str, limit: int = 5) -> list[dict]:
        """Clients with exactly this (lower-cased) email address, oldest first."""
        if not email:
            return []
        return list(self.find({"email": email}).sort("_id", ASCENDING).limit(limit))

    def page(self, *, after: tuple[str, Any] | None, limit: int,
             search_terms: list[str] | tuple = ()) -> list[dict]:
        """Clients by name, keyset-paged; only those carrying every search term when given.

        The longest term is read through the index; the others are checked on
        each row (the embedded server scans the whole collection for ``$all``),
        reading on until the page is full.
        """
        if not search_terms:
            return keyset_page(self, {}, field="name", after=after, limit=limit)
        longest = max(search_terms, key=len)
        others = [term for term in search_terms if term != longest]
        base = {"search_keys": longest}
        rows: list[dict] = []
        while len(rows) < limit:
            batch = keyset_page(self, base, field="name", after=after, limit=limit)
            rows += [d for d in batch if all(t in d.get("search_keys", ()) for t in others)]
            if len(batch) < limit:
                break
            after = (batch[-1].get("name"), batch[-1]["_id"])
        return rows[:limit]

    def set_fields(self, client_id: Any, fields: dict[str, Any]) -> dict | None:
        """``$set`` fields (and ``updated_at``); the document after, or None."""
        return self.find_one_and_update(
            {"_id": to_object_id(client_id, "client")},
            {"$set": {**fields, "updated_at": utcnow()}}, return_document=ReturnDocument.AFTER)

    def names_by_id(self, client_ids: list[Any]) -> dict[Any, str]:
        """``{_id: name}`` of these clients (one ``$in`` lookup on ``_id``)."""
        if not client_ids:
            return {}
        docs = self.find({"_id": {"$in": list(dict.fromkeys(client_ids))}},
                         projection={"name": 1})
        return {d["_id"]: d.get("name", "") for d in docs}
