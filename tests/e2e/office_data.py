"""Jobs, technicians and money made through the services for browser tests.

The e2e database is seeded without demo jobs; tests that need a job, a
thread or closed money make them here, the way the office would.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from iprodash.domain.finance import Payment
from iprodash.services import jobs, job_lifecycle
from iprodash.services.job_forms import JobForm
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import actor_for


class DemoOffice:
    """One company's admin doing office work through the services."""

    def __init__(self, app_db, email: str = "admin@demo.test"):
        self.db = app_db
        self.admin = actor_for(app_db["users"].find_one({"email": email}))
        self.company = app_db["companies"].find_one({"_id": self.admin.company_id})

    def today(self) -> date:
        """The company's today (its time zone, never the machine's)."""
        return datetime.now(ZoneInfo(self.company["timezone"])).date()

    def technician(self, name: str, phone: str) -> str:
        return create_technician(self.db, actor=self.admin, form=TechnicianForm(
            name=name, nickname=name.split()[0], phone=phone, commission_percent="40",
            job_fee="0")).id

    def job(self, *, client: str, phone: str, day: date | None = None,
            technician_id: str = "", scheduled: bool = False, email: str = "") -> dict:
        job = jobs.create_job(self.db, actor=self.admin, form=JobForm(
            client_name=client, client_phone=phone, client_email=email, address_line="9 Oak St",
            city="Springfield", state="NY", zip="10001", job_type="Lockout",
            date=(day or self.today() + timedelta(days=1)).isoformat(),
            start_time="09:00", end_time="10:00")).job
        if technician_id:
            jobs.assign_technician(self.db, actor=self.admin, job_id=str(job["_id"]),
                                   technician_id=technician_id)
        if scheduled:
            job = job_lifecycle.change_status(self.db, actor=self.admin, job_id=str(job["_id"]),
                                              target="scheduled").job
        return job

    def closed_job(self, *, client: str, phone: str, technician_id: str,
                   cash_cents: int) -> dict:
        """A job done today and closed with one cash payment to the technician."""
        job = self.job(client=client, phone=phone, day=self.today(),
                       technician_id=technician_id)
        for status in ("scheduled", "en_route", "in_progress", "pending_approval"):
            job_lifecycle.change_status(self.db, actor=self.admin, job_id=str(job["_id"]),
                                        target=status)
        return job_lifecycle.close_job(
            self.db, actor=self.admin, job_id=str(job["_id"]), closing_price_cents=cash_cents,
            payments=[Payment("cash", cash_cents, "technician")]).job


def fill_new_job_form(page, *, phone: str, name: str, street: str, job_type: str, day: str,
                      start: str = "10:00", end: str = "12:00") -> None:
    """Type a phone booking into /jobs/new the way a dispatcher does (not submitted)."""
    page.goto("/jobs/new")
    page.get_by_label("Client phone").fill(phone)
    page.get_by_label("Client name").fill(name)
    page.get_by_label("Street address").fill(street)
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State").fill("NY")
    page.get_by_label("ZIP").fill("10001")
    page.get_by_label("Job type").fill(job_type)
    page.get_by_label("Date").fill(day)
    page.get_by_label("From", exact=True).fill(start)
    page.get_by_label("To", exact=True).fill(end)
