"""Has a company made its first technician, lead source, job, office user yet?

Each question is one indexed ``find_one`` on ``company_id`` (projection
``_id``), so the "Get started" checklist costs a handful of tiny reads and
none once the company has finished it (the company remembers that).
"""

from __future__ import annotations

from bson import ObjectId
from pymongo.database import Database

from iprodash.repositories.base import MissingTenant


class SetupProgress:
    """First-of-a-kind lookups for one company."""

    def __init__(self, db: Database, company_id: ObjectId | None):
        if company_id is None:
            raise MissingTenant("setup progress needs a company")
        self.db, self.company_id = db, company_id

    def _any(self, collection: str, **filters) -> bool:
        return self.db[collection].find_one({"company_id": self.company_id, **filters},
                                            projection={"_id": 1}) is not None

    def has_technician(self) -> bool:
        return self._any("technicians")

    def has_lead_source(self) -> bool:
        return self._any("lead_sources")

    def has_job(self) -> bool:
        return self._any("jobs")

    def has_office_user(self) -> bool:
        """Another office person works here, or has been invited."""
        return (self._any("users", role="user")
                or self.db["one_time_tokens"].find_one(
                    {"company_id": self.company_id, "kind": "invite"},
                    projection={"_id": 1}) is not None)
