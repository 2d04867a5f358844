"""Report fixtures: jobs stored in the shapes of docs/DATA_MODEL.md.

Jobs go straight into the database (the jobs service is built elsewhere),
with the ``finance`` snapshot computed by the one domain function and the
rollups recorded the way the jobs service records them on each change.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bson import ObjectId

from iprodash.domain.finance import JobFinance, Part, Payment, Rates, compute_job_finance
from iprodash.services import rollups
from tests.factories import actor_for, make_company, make_user

NEW_YORK = ZoneInfo("America/New_York")

EXAMPLE_CARD = dict(  # DOMAIN.md worked example 1
    payments=[Payment("card", 40000, "company")],
    parts=[Part("Deadbolt", 5000, "technician")],
    rates=Rates(card_fee_bp=300, tech_commission_bp=4000, source_kind="percent",
                source_rate_bp=1000))
EXAMPLE_CASH = dict(  # DOMAIN.md worked example 2
    payments=[Payment("cash", 25000, "technician")], parts=[],
    rates=Rates(tech_commission_bp=5000, tech_job_fee_cents=500, source_kind="fixed",
                source_fixed_cents=2000))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


class ReportWorld:
    """One company's technicians, sources and jobs for report tests."""

    def __init__(self, db, name: str = "Acme Locks"):
        self.db = db
        self.company = make_company(db, name=name)
        self.company_id = self.company["_id"]
        self._number = 1000

    def actor(self, role: str = "company_admin", view_financials: bool = False):
        return actor_for(make_user(self.db, company=self.company, role=role,
                                   view_financials=view_financials))

    def technician(self, name: str = "Tom Tech") -> ObjectId:
        return self.db["technicians"].insert_one({
            "company_id": self.company_id, "name": name, "nickname": name.split()[0],
            "phone": "+12125550111", "phone_digits": "12125550111", "email": "",
            "commission_bp": 4000, "job_fee_cents": 0, "color": "#3366cc",
            "active": True}).inserted_id

    def source(self, name: str = "Google Ads", kind: str = "percent",
               rate_bp: int = 1000, fixed_cents: int = 0) -> ObjectId:
        return self.db["lead_sources"].insert_one({
            "company_id": self.company_id, "name": name, "kind": kind, "rate_bp": rate_bp,
            "fixed_cents": fixed_cents, "active": True}).inserted_id

    def job_doc(self, *, created_at: datetime, technician_id=None, lead_source_id=None,
                client_name: str = "Jane Client", city: str = "Springfield",
                description: str = "Rekeyed the front door") -> dict:
        self._number += 1
        return {
            "company_id": self.company_id, "number": self._number, "client_id": None,
            "client": {"name": client_name, "phone": "+12125550100",
                       "phone_digits": "12125550100", "email": "jane@example.test"},
            "address": {"line": "1 Main St", "city": city, "state": "NY", "zip": "10001",
                        "lat": None, "lng": None},
            "job_type": "Lockout", "description": description, "notes": "",
            "scheduled_start": created_at, "scheduled_end": created_at + timedelta(hours=2),
            "technician_id": technician_id, "lead_source_id": lead_source_id,
            "status": "new", "status_history": [], "payments": [], "parts": [],
            "closing_price_cents": None, "closed_at": None, "closed_day": None,
            "rates": None, "finance": None, "settlement_id": None,
            "search_keys": [f"#{self._number}"], "created_at": created_at,
            "updated_at": created_at}

    def open_job(self, *, created_at: datetime, **fields) -> dict:
        doc = self.job_doc(created_at=created_at, **fields)
        doc["_id"] = self.db["jobs"].insert_one(doc).inserted_id
        rollups.record_created(self.db, job=doc)
        return doc

    def closed_job(self, *, closed_at: datetime, payments, parts=(), rates: Rates,
                   created_at: datetime | None = None, **fields) -> dict:
        """A job closed as the jobs service closes it: rates and finance snapshotted."""
        job = self.open_job(created_at=created_at or closed_at - timedelta(hours=3), **fields)
        finance = compute_job_finance(payments=payments, parts=parts, rates=rates)
        changes = {
            "status": "closed", "payments": [p.as_dict() for p in payments],
            "parts": [p.as_dict() for p in parts], "closing_price_cents": finance.gross,
            "closed_at": closed_at,
            "closed_day": closed_at.astimezone(NEW_YORK).date().isoformat(),
            "rates": rates.as_dict(), "finance": finance.as_dict()}
        self.db["jobs"].update_one({"_id": job["_id"]}, {"$set": changes})
        job.update(changes)
        rollups.record_closed(self.db, job=job)
        return job

    def cancel(self, job: dict) -> None:
        self.db["jobs"].update_one({"_id": job["_id"]}, {"$set": {"status": "canceled"}})
        rollups.record_canceled(self.db, job={**job, "status": "canceled"})


def finance_of(job: dict) -> JobFinance:
    return JobFinance.from_dict(job["finance"])
