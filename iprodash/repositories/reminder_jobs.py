"""Reads for the reminder task: companies that may text, and jobs about to start."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pymongo.database import Database

from iprodash.repositories.base import TenantRepository


def active_company_ids(db: Database) -> Iterator[dict]:
    """Active companies (id, name and SMS settings), for per-company tasks."""
    yield from db["companies"].find({"status": "active"}, {"_id": 1})


class UpcomingJobs(TenantRepository):
    """A company's scheduled jobs in a narrow window of start times (indexed)."""

    collection_name = "jobs"

    def starting_between(self, after: datetime, until: datetime) -> list[dict]:
        """Scheduled jobs with ``after < scheduled_start <= until``."""
        return list(self.find({"status": "scheduled",
                               "scheduled_start": {"$gt": after, "$lte": until}}))
