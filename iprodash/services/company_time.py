"""A company's time zone, its "now" and its "today", read from the database.

Thin wrappers over :mod:`iprodash.domain.clock` for services that hold a
company id rather than the company's document. Every ``now`` argument is an
aware instant that pins the clock (tests); None means the current instant.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain import clock
from iprodash.repositories.companies import CompanyRepository


def _company(db: Database, company_id: ObjectId) -> dict:
    return CompanyRepository(db).by_id(company_id) or {}


def company_zone(db: Database, company_id: ObjectId) -> ZoneInfo:
    """The company's time zone (New York when it has none set)."""
    return clock.zone_of(_company(db, company_id))


def company_now(db: Database, company_id: ObjectId, now: datetime | None = None) -> datetime:
    """``now`` (default: the current instant) on the company's wall clock."""
    return clock.company_now(_company(db, company_id), now)


def company_today(db: Database, company_id: ObjectId, now: datetime | None = None) -> date:
    """The company's date at ``now`` (default: the current instant)."""
    return clock.company_today(_company(db, company_id), now)
