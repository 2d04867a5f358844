"""A client's jobs, newest first (the client page).

Served by the ``(company_id, client_id)`` jobs index: the candidates are that
one client's jobs, never the whole company's.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import DESCENDING

from iprodash.repositories.base import TenantRepository

_FIELDS = {"number": 1, "status": 1, "scheduled_start": 1, "scheduled_end": 1,
           "closed_at": 1, "closing_price_cents": 1, "payments": 1, "technician_id": 1,
           "lead_source_id": 1, "client": 1, "address": 1, "job_type": 1}


class ClientJobRepository(TenantRepository):
    """Read-only view of the jobs collection by client."""

    collection_name = "jobs"

    def page(self, client_id: ObjectId, *, before_id: ObjectId | None,
             limit: int) -> list[dict]:
        query: dict[str, Any] = {"client_id": client_id}
        if before_id is not None:
            query["_id"] = {"$lt": before_id}
        return list(self.find(query, projection=_FIELDS).sort("_id", DESCENDING).limit(limit))
