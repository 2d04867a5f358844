"""The write path a user feels: book a job, walk it to pending approval, close it.

Everything goes through the services the pages call (``create_job``,
``change_status``, ``close_job``), so each job pays for the audit chain,
the rollup upserts, the job counter and the outbox notes, on a company
that already holds the seeded jobs. Database round trips are counted with
pymongo's command monitor (the listener given to the ``MongoClient``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bson import ObjectId
from pymongo import monitoring

from iprodash.domain.finance import Payment
from iprodash.repositories.users import AccountLookup
from iprodash.services import job_lifecycle, jobs
from iprodash.services.actor import COMPANY_ADMIN, Actor
from iprodash.services.event_scope import event_scope
from iprodash.services.job_forms import JobForm
from iprodash.services.rollups import company_zone
from iprodash.services.technicians import TechnicianForm, create_technician

WALK = ("scheduled", "en_route", "in_progress", "pending_approval")


class CommandCounter(monitoring.CommandListener):
    """Counts the commands a client sends (one per round trip)."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@dataclass
class WritePath:
    """Jobs per second of create -> close, and what one job costs."""

    jobs: int
    seconds: float
    round_trips_per_job: float
    create_ms: float
    walk_ms: float
    close_ms: float

    @property
    def per_s(self) -> float:
        return self.jobs / self.seconds

    def line(self) -> str:
        return (f"{'write path: create -> close':<32} {self.per_s:>8.1f} jobs/s "
                f"({self.jobs} jobs; per job: create {self.create_ms:.0f} ms, 4 status moves "
                f"{self.walk_ms:.0f} ms, close {self.close_ms:.0f} ms, "
                f"{self.round_trips_per_job:.0f} database round trips)")

    def as_dict(self) -> dict:
        return {"jobs": self.jobs, "seconds": round(self.seconds, 2),
                "jobs_per_s": round(self.per_s, 1),
                "round_trips_per_job": round(self.round_trips_per_job, 1),
                "create_ms": round(self.create_ms, 1), "walk_ms": round(self.walk_ms, 1),
                "close_ms": round(self.close_ms, 1)}


def bench_admin(db, company_id: ObjectId) -> Actor:
    """A company-admin account of the bench company (an account record, as sign-up makes)."""
    user_id = AccountLookup(db).create({
        "company_id": company_id, "name": "Bench Admin", "email": f"admin-{company_id}@bench.test",
        "password_hash": "", "role": COMPANY_ADMIN, "status": "active",
        "view_financials": True, "email_confirmed": True})
    return Actor(user_id=user_id, role=COMPANY_ADMIN, name="Bench Admin",
                 email=f"admin-{company_id}@bench.test", company_id=company_id,
                 view_financials=True, ip="127.0.0.1")


def measure_write_path(db, *, actor: Actor, now, count: int,
                       counter: CommandCounter) -> WritePath:
    """Book, walk and close ``count`` jobs one after another through the services."""
    technician = create_technician(db, actor=actor, form=TechnicianForm(
        name="Write Path Tech", nickname="Writer", phone="(212) 555-0177",
        commission_percent="40"))
    day = now.astimezone(company_zone(db, actor.company_id)).date().isoformat()
    spent = {"create": 0.0, "walk": 0.0, "close": 0.0}
    trips_before = counter.count
    started = time.perf_counter()
    for n in range(count):
        # Each service call is one browser event (the job form's submit, a status
        # button, the close dialog): one event scope each, as its handler runs it.
        mark = time.perf_counter()
        with event_scope():
            job = jobs.create_job(db, actor=actor, form=JobForm(
                client_name=f"Writer Client {n}", client_phone=f"(646) 555-01{n % 100:02d}",
                address_line=f"{n + 1} Bench St", city="Brooklyn", state="NY", zip="11201",
                job_type="Rekey", date=day, start_time="09:00", end_time="11:00",
                technician_id=str(technician.id))).job
        spent["create"] += time.perf_counter() - mark
        mark = time.perf_counter()
        for target in WALK:
            with event_scope():
                job_lifecycle.change_status(db, actor=actor, job_id=str(job["_id"]),
                                            target=target)
        spent["walk"] += time.perf_counter() - mark
        mark = time.perf_counter()
        with event_scope():
            job_lifecycle.close_job(db, actor=actor, job_id=str(job["_id"]),
                                    closing_price_cents=15000,
                                    payments=[Payment("cash", 15000, "technician")])
        spent["close"] += time.perf_counter() - mark
    seconds = time.perf_counter() - started
    return WritePath(count, seconds, (counter.count - trips_before) / count,
                     spent["create"] / count * 1000, spent["walk"] / count * 1000,
                     spent["close"] / count * 1000)
