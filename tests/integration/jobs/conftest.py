"""Jobs-area fixtures: a company with an admin, an office user and helpers
that go through the real services (no documents written by hand)."""

from __future__ import annotations

import pytest

from iprodash.services import job_lifecycle, jobs
from iprodash.services.job_forms import JobForm
from iprodash.services.lead_sources import LeadSourceForm, create_lead_source
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import actor_for, make_company, make_user


class Shop:
    """One company and its people, with shortcuts for booking jobs."""

    def __init__(self, db, name: str):
        self.db = db
        self.company = make_company(db, name=name)
        self.admin = actor_for(make_user(db, company=self.company, role="company_admin"))
        self.user = actor_for(make_user(db, company=self.company, role="user"))

    def technician(self, name: str = "Tom Tech", percent: str = "40", fee: str = "0",
                   phone: str = "(212) 555-0111"):
        return create_technician(self.db, actor=self.admin, form=TechnicianForm(
            name=name, nickname=name.split()[0], phone=phone, commission_percent=percent,
            job_fee=fee))

    def source(self, name: str = "Google Ads", kind: str = "percent", percent: str = "10",
               fixed: str = "0"):
        return create_lead_source(self.db, actor=self.admin, form=LeadSourceForm(
            name=name, kind=kind, rate_percent=percent, fixed_amount=fixed))

    def form(self, **overrides) -> JobForm:
        values = dict(client_name="Ann Lee", client_phone="(212) 555-0100",
                      address_line="12 Oak Ave", city="Springfield", state="NY", zip="10001",
                      job_type="Lockout", date="2025-06-02", start_time="09:00",
                      end_time="11:00")
        values.update(overrides)
        return JobForm(**values)

    def job(self, actor=None, **overrides) -> dict:
        return jobs.create_job(self.db, actor=actor or self.user, form=self.form(**overrides)).job

    def walk_to(self, job: dict, target: str, actor=None) -> dict:
        """Move a job forward step by step until it reaches ``target``."""
        order = ["new", "scheduled", "en_route", "in_progress", "pending_approval"]
        current = job
        for status in order[order.index(job["status"]) + 1: order.index(target) + 1]:
            current = job_lifecycle.change_status(self.db, actor=actor or self.user,
                                                  job_id=str(job["_id"]), target=status).job
        return current

    def closed_job(self, *, payments, parts=(), **overrides) -> dict:
        job = self.walk_to(self.job(**overrides), "pending_approval")
        price = sum(p.amount_cents for p in payments)
        return job_lifecycle.close_job(self.db, actor=self.user, job_id=str(job["_id"]),
                                       closing_price_cents=price, payments=list(payments),
                                       parts=list(parts)).job


@pytest.fixture
def shop(db) -> Shop:
    return Shop(db, "Acme Locks")


@pytest.fixture
def other_shop(db) -> Shop:
    return Shop(db, "Other Locks")


@pytest.fixture
def office(shop):
    """Two signed-in browser tabs of ``shop``: the office user's and the admin's."""
    from tests.integration.tabs import Tab

    user = shop.db["users"].find_one({"_id": shop.user.user_id})
    admin = shop.db["users"].find_one({"_id": shop.admin.user_id})
    return Tab.signed_in(shop.db, user), Tab.signed_in(shop.db, admin)
