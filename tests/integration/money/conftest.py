"""Money-area fixtures: technicians, sources and jobs written as DATA_MODEL.md shapes.

The jobs are stored directly (not through the jobs service) so these tests
pin the rollup, dashboard, settlement and CSV code to the documented shapes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import uuid

import pytest
from bson import ObjectId

from iprodash.domain.finance import Part, Payment, Rates, compute_job_finance
from iprodash.domain.search_keys import search_keys_for
from iprodash.repositories.jobs import job_filter_keys
from iprodash.services import rollups
from tests.factories import actor_for, make_company, make_user

NEW_YORK = ZoneInfo("America/New_York")


class MoneyData:
    """Builds one company's technicians, sources and jobs."""

    def __init__(self, db, company: dict):
        self.db = db
        self.company = company
        self.company_id = company["_id"]
        self._number = 0

    def technician(self, name: str = "Tom Tech", commission_bp: int = 4000,
                   job_fee_cents: int = 0) -> ObjectId:
        return self.db["technicians"].insert_one({
            "company_id": self.company_id, "name": name, "nickname": name.split()[0],
            "phone": "+12125550111", "phone_digits": "12125550111", "email": "",
            "commission_bp": commission_bp, "job_fee_cents": job_fee_cents,
            "color": "#3366cc", "active": True}).inserted_id

    def source(self, name: str = "Google Ads", kind: str = "percent", rate_bp: int = 1000,
               fixed_cents: int = 0) -> ObjectId:
        return self.db["lead_sources"].insert_one({
            "company_id": self.company_id, "name": name, "kind": kind, "rate_bp": rate_bp,
            "fixed_cents": fixed_cents, "active": True}).inserted_id

    def job(self, *, created_at: datetime, technician_id=None, lead_source_id=None,
            status: str = "new", record: bool = True) -> dict:
        """An open job; ``record`` also counts it in the rollups."""
        self._number += 1
        doc = {
            "company_id": self.company_id, "number": self._number, "client_id": None,
            "client": {"name": f"Client {self._number}", "phone": "+12125550100",
                       "phone_digits": "12125550100", "email": ""},
            "address": {"line": "1 Main St", "city": "Springfield", "state": "NY",
                        "zip": "10001", "lat": None, "lng": None},
            "job_type": "Lockout", "description": "", "notes": "",
            "scheduled_start": created_at, "scheduled_end": created_at + timedelta(hours=2),
            "technician_id": technician_id, "lead_source_id": lead_source_id,
            "status": status, "status_history": [], "payments": [], "parts": [],
            "closing_price_cents": None, "closed_at": None, "closed_day": None,
            "rates": None, "finance": None, "settlement_id": None,
            "search_keys": search_keys_for(name=f"Client {self._number}", address="1 Main St",
                                           phone="+12125550100", job_number=self._number),
            "filter_keys": job_filter_keys(status, technician_id, lead_source_id),
            "created_at": created_at,
            "updated_at": created_at}
        doc["_id"] = self.db["jobs"].insert_one(doc).inserted_id
        if record:
            rollups.record_created(self.db, job=doc)
        return doc

    def close(self, job: dict, *, closed_at: datetime, payments: list[Payment],
              parts: list[Part] = (), rates: Rates, record: bool = True) -> dict:
        """Close ``job`` as the jobs service would: snapshot rates and finance."""
        finance = compute_job_finance(payments=payments, parts=parts, rates=rates)
        fields = {
            "status": "closed", "payments": [p.as_dict() for p in payments],
            "parts": [p.as_dict() for p in parts], "closing_price_cents": finance.gross,
            "closed_at": closed_at, "closed_day": closed_at.astimezone(NEW_YORK).date().isoformat(),
            "rates": rates.as_dict(), "finance": finance.as_dict(),
            "filter_keys": job_filter_keys("closed", job["technician_id"], job["lead_source_id"])}
        self.db["jobs"].update_one({"_id": job["_id"]}, {"$set": fields})
        job = {**job, **fields}
        if record:
            rollups.record_closed(self.db, job=job)
        return job

    def closed_job(self, *, closed_at: datetime, payments, parts=(), rates: Rates,
                   technician_id=None, lead_source_id=None, created_at=None) -> dict:
        job = self.job(created_at=created_at or closed_at - timedelta(hours=3),
                       technician_id=technician_id, lead_source_id=lead_source_id)
        return self.close(job, closed_at=closed_at, payments=payments, parts=parts, rates=rates)

    def user(self, role: str = "company_admin", view_financials: bool = False) -> dict:
        return make_user(self.db, company=self.company, role=role,
                         view_financials=view_financials)

    def actor(self, role: str = "company_admin", view_financials: bool = False):
        return actor_for(self.user(role, view_financials))


@pytest.fixture(scope="module")
def shared_db(mongo_uri):
    """A database kept for a whole test module, for read-only tests on one data set."""
    from pymongo import MongoClient

    from iprodash.repositories.indexes import ensure_indexes

    client = MongoClient(mongo_uri, tz_aware=True)
    database = client[f"m_{uuid.uuid4().hex[:12]}"]
    ensure_indexes(database)
    yield database
    client.drop_database(database.name)
    client.close()


@pytest.fixture
def money(db) -> MoneyData:
    """A company (New York time) with helpers to add money data."""
    return MoneyData(db, make_company(db, name="Acme Locks"))


@pytest.fixture
def other_money(db) -> MoneyData:
    """A second company, for isolation checks."""
    return MoneyData(db, make_company(db, name="Other Locks"))


def utc(*args) -> datetime:
    """A UTC datetime."""
    return datetime(*args, tzinfo=timezone.utc)


EXAMPLE_1 = dict(  # DOMAIN.md worked example 1: card job, technician-paid part
    payments=[Payment("card", 40000, "company")],
    parts=[Part("Deadbolt", 5000, "technician")],
    rates=Rates(card_fee_bp=300, tech_commission_bp=4000, source_kind="percent",
                source_rate_bp=1000))
EXAMPLE_2 = dict(  # DOMAIN.md worked example 2: cash collected by technician
    payments=[Payment("cash", 25000, "technician")], parts=[],
    rates=Rates(tech_commission_bp=5000, tech_job_fee_cents=500, source_kind="fixed",
                source_fixed_cents=2000))
